"""The live figures behind auto-scored criteria, each against a hand count (``live_data`` tables)."""

import datetime as dt
from decimal import Context, Decimal, localcontext

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.dossiers.aggregates import aggregate_stats
from cchc.scoring import sources
from cchc.scoring.choices import AutoSource
from cchc.scoring.tests.live_data import import_dossier_rows, make_tasks

D = Decimal
AFTER_2023 = dt.date(2024, 3, 1)
DOSSIER_SOURCES = (
    AutoSource.DOSSIERS_ON_TIME, AutoSource.APOLOGY, AutoSource.ONLINE, AutoSource.ONLINE_PAYMENT, AutoSource.DIGITIZED,
)  # fmt: skip


@pytest.fixture
def dossiers(tree):
    import_dossier_rows()
    return tree


def _exact(numerator: int, denominator: int) -> Decimal:
    with localcontext(Context(prec=50)):
        return Decimal(numerator) / Decimal(denominator)


def _fraction(figure: sources.SourceValue) -> tuple[int, int, Decimal | None]:
    return figure.numerator, figure.denominator, figure.value


# -- tasks -------------------------------------------------------------------------------


def test_tasks_on_time_counts_each_commitment_once_by_its_completion_date(tree):
    tasks = make_tasks(tree)
    figure = sources.tasks_on_time(unit=tree.dept_a, year=2023, today=AFTER_2023)
    # T1+C1, T2, T10, T11, C9 on time; T3+C3, T4, T12 missed; T5 cancelled; T7–T9 and the
    # draft and 2022 plans' tasks not counted.
    assert _fraction(figure) == (5, 8, _exact(5, 8))
    assert (figure.period_from, figure.period_to) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert figure.detail == "5/8 nhiệm vụ do đơn vị chủ trì hoàn thành đúng hạn trong năm 2023."
    assert figure.drill_down == {
        "kind": "tasks",
        "unit_code": "SA",
        "year": 2023,
        "plan_ids": sorted([tasks.province_plan.pk, tasks.unit_plan.pk]),
        "task_ids": tasks.ids("T3", "C3", "T4", "T12"),
    }
    assert figure.faults == 3


def test_tasks_on_time_while_the_year_runs_counts_only_what_fell_due(tree):
    make_tasks(tree)
    figure = sources.tasks_on_time(unit=tree.dept_a, year=2023, today=dt.date(2023, 7, 1))
    # Due by 1/7: T1+C1 (on time), T2 (on time), T3+C3 (late).
    assert _fraction(figure) == (2, 3, _exact(2, 3))
    assert figure.period_to == dt.date(2023, 7, 1)
    assert "từ 01/01/2023 đến 01/07/2023" in figure.detail


def test_tasks_of_another_lead_and_units_without_tasks(tree):
    make_tasks(tree)
    assert _fraction(sources.tasks_on_time(unit=tree.dept_b, year=2023, today=AFTER_2023)) == (1, 1, D(1))
    empty = sources.tasks_on_time(unit=tree.district, year=2023, today=AFTER_2023)
    assert _fraction(empty) == (0, 0, None)
    assert empty.faults == 0
    assert empty.detail == "Không có nhiệm vụ do đơn vị chủ trì đến hạn trong năm 2023."


# -- dossiers ----------------------------------------------------------------------------


def test_dossiers_on_time_is_early_plus_on_time_over_resolved_of_the_own_unit(dossiers):
    figure = sources.dossiers_on_time(unit=dossiers.dept_a, year=2023, today=AFTER_2023)
    # A1, A2, A6 of A1, A2, A3, A4, A6; A9 belongs to the child unit, A5 to 2024.
    assert _fraction(figure) == (3, 5, D("0.6"))
    assert figure.detail == "3/5 hồ sơ giải quyết đúng hạn (trước hạn + đúng hạn) trong năm 2023."
    assert figure.drill_down == {
        "kind": "dossiers", "unit_code": "SA", "from": "2023-01-01", "to": "2023-12-31", "measure": "resolved",
    }  # fmt: skip
    stats = aggregate_stats(date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 12, 31), unit_id=dossiers.dept_a.pk)
    same = stats[dossiers.dept_a.pk]
    assert (same.resolved_early + same.resolved_on_time, same.resolved) == (3, 5)


def test_the_year_boundary_is_the_local_midnight(dossiers):
    """A4 resolved 23:30 on 31/12 counts in 2023; A5 resolved 00:30 on 1/1 in 2024; A7 / A8 received likewise."""
    on_time_2024 = sources.dossiers_on_time(unit=dossiers.dept_a, year=2024, today=dt.date(2024, 3, 1))
    assert _fraction(on_time_2024) == (0, 1, D(0))
    assert on_time_2024.period_to == dt.date(2024, 3, 1)
    assert _fraction(sources.apology(unit=dossiers.dept_a, year=2024, today=dt.date(2024, 3, 1))) == (1, 1, D(1))
    assert _fraction(sources.online(unit=dossiers.dept_a, year=2024, today=dt.date(2024, 3, 1))) == (1, 1, D(1))


def test_apology_rate_and_no_late_dossier(dossiers):
    figure = sources.apology(unit=dossiers.dept_a, year=2023, today=AFTER_2023)
    assert _fraction(figure) == (1, 2, D("0.5"))  # A3 of A3, A4
    assert figure.faults == 1
    assert figure.detail == "1/2 hồ sơ giải quyết quá hạn có văn bản xin lỗi trong năm 2023."
    none = sources.apology(unit=dossiers.district, year=2023, today=AFTER_2023)
    assert _fraction(none) == (0, 0, None)
    assert none.detail == "Không có hồ sơ quá hạn trong năm 2023."


@pytest.mark.parametrize(
    ("source", "numerator", "sentence"),
    [
        (AutoSource.ONLINE, 3, "3/6 hồ sơ tiếp nhận trực tuyến trong năm 2023."),
        (AutoSource.ONLINE_PAYMENT, 2, "2/6 hồ sơ tiếp nhận được thanh toán phí, lệ phí trực tuyến trong năm 2023."),
        (AutoSource.DIGITIZED, 2, "2/6 hồ sơ tiếp nhận được số hóa trong năm 2023."),
    ],
)
def test_received_rates(dossiers, source, numerator, sentence):
    figure = sources.source_value(source=source, unit=dossiers.dept_a, year=2023, today=AFTER_2023)
    assert _fraction(figure) == (numerator, 6, _exact(numerator, 6))
    assert figure.detail == sentence
    assert figure.drill_down["measure"] == "received"


@pytest.mark.parametrize("source", DOSSIER_SOURCES)
def test_a_unit_without_dossiers_has_no_rate(dossiers, source):
    figure = sources.source_value(source=source, unit=dossiers.district, year=2023, today=AFTER_2023)
    assert _fraction(figure) == (0, 0, None)
    assert figure.detail.startswith("Không có hồ sơ")


# -- Decision 766 --------------------------------------------------------------------------


def test_decision_766_is_the_mean_monthly_share_of_the_months_with_data(dossiers):
    """SB: March all early, online, paid, digitised → 64/64; May one late counter dossier → 0/64.

    Publicity (entered by hand, not entered) and satisfaction (no rating) have no data,
    so each month is scored out of 20 + 12 + 10 + 22 = 64; no other month has a dossier.
    """
    figure = sources.decision_766(unit=dossiers.dept_b, year=2023, today=AFTER_2023)
    assert (figure.numerator, figure.denominator, figure.value) == (2, 12, D("0.5"))
    assert figure.drill_down["months"] == {"3": "100.00", "5": "0.00"}
    assert figure.detail == "Điểm Bộ chỉ số 766 bình quân 50/100 của 2/12 tháng có số liệu trong năm 2023."
    assert figure.faults is None
    none = sources.decision_766(unit=dossiers.district, year=2023, today=AFTER_2023)
    assert (none.value, none.numerator) == (None, 0)
    assert none.detail == "Chưa có dữ liệu Bộ chỉ số 766 của đơn vị trong năm 2023."


# -- batched -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [s for s in AutoSource if s != AutoSource.NONE])
def test_the_batched_variant_equals_the_one_unit_functions(dossiers, source):
    make_tasks(dossiers)
    units = [dossiers.dept_a, dossiers.dept_b, dossiers.district, dossiers.dept_a_child]
    batched = sources.source_values(source=source, units=units, year=2023, today=AFTER_2023)
    assert batched == {
        unit.pk: sources.source_value(source=source, unit=unit, year=2023, today=AFTER_2023) for unit in units
    }


@pytest.mark.parametrize(("source", "limit"), [(AutoSource.TASKS_ON_TIME, 3), *((s, 1) for s in DOSSIER_SOURCES)])
def test_the_batched_variant_reads_all_units_in_a_fixed_number_of_queries(
    dossiers, django_assert_max_num_queries, source, limit
):
    make_tasks(dossiers)
    units = [dossiers.province, dossiers.dept_a, dossiers.dept_a_child, dossiers.dept_b, dossiers.district]
    with django_assert_max_num_queries(limit):
        sources.source_values(source=source, units=units, year=2023, today=AFTER_2023)


def test_decision_766_queries_do_not_grow_with_the_units(dossiers):
    def count(units) -> int:
        with CaptureQueriesContext(connection) as queries:
            sources.source_values(source=AutoSource.DECISION_766, units=units, year=2023, today=AFTER_2023)
        return len(queries)

    assert count([dossiers.dept_a, dossiers.dept_b]) == count(
        [dossiers.province, dossiers.dept_a, dossiers.dept_a_child, dossiers.dept_b, dossiers.district]
    )


def test_a_year_not_begun_has_no_figures_and_no_source_is_refused(tree, django_assert_num_queries):
    with django_assert_num_queries(0):
        figure = sources.dossiers_on_time(unit=tree.dept_a, year=2030, today=AFTER_2023)
    assert (figure.value, figure.detail) == (None, "Năm 2030 chưa bắt đầu: chưa có số liệu.")
    with pytest.raises(ValueError, match="không hợp lệ"):
        sources.source_values(source=AutoSource.NONE, units=[tree.dept_a], year=2023)
