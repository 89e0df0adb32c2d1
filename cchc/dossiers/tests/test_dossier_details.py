"""The dossier's details beyond the clock: handling units, supplement, apology, electronic result, regimes as data."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.core.workdays import WorkCalendar
from cchc.dossiers import sla
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Dossier, DossierCount, SlaRegime
from cchc.dossiers.regimes import sla_regime_update, sla_regimes

pytestmark = pytest.mark.usefixtures("catalogue")

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = (
    "code,procedure_code,unit_code,channel,received_at,resolved_at,handling_unit_codes,"
    "supplement_requested_at,apology_new_due_date,apology_sent_on,electronic_result,paid_online,digitized\n"
)


def _import(text: str):
    return import_dossiers(stream=io.StringIO(text), filename="hoso.csv")


def test_the_new_columns_are_stored_as_given():
    """Handling units keep their order (any separator, duplicates dropped); the rest is stored as given."""
    summary = _import(
        HEADER
        # Tue 6/2/2024 09:00, TT2 (2 days): 7/2, Tết, due Thu 15/2; resolved 16/2, late, apology sent 6/2.
        + 'D1,TT2,U1,online,2024-02-06T09:00:00+07:00,2024-02-16T10:00:00+07:00,"U3; U2 |U3",'
        + "2024-02-05T08:00:00+07:00,2024-02-16,2024-02-06,có,1,0\n"
        + "D2,TT2,U2,counter,2024-02-06T09:00:00+07:00,,,,,,,0,1\n"
    )
    assert summary.rejected == []
    d1 = Dossier.objects.get(code="D1")
    assert d1.handling_units == ["U3", "U2"]
    assert d1.supplement_requested_at == dt.datetime(2024, 2, 5, 8, tzinfo=VN)
    assert (d1.due_date, d1.apology_new_due_date, d1.apology_sent_on) == (
        dt.date(2024, 2, 15),
        dt.date(2024, 2, 16),
        dt.date(2024, 2, 6),
    )
    assert d1.electronic_result is True
    d2 = Dossier.objects.get(code="D2")
    assert (d2.handling_units, d2.electronic_result, d2.apology_sent_on) == ([], False, None)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2024-02-16T10:00:00+07:00,U1|ZZ,,,,,,", "handling_unit_codes", "không có đơn vị mã 'ZZ'"),
        ("2024-02-16T10:00:00+07:00,,2024-02-17T10:00:00+07:00,,,,,", "supplement_requested_at", "sau thời điểm"),
        ("2024-02-16T10:00:00+07:00,,,,2024-02-06,,,", "apology_new_due_date", "thiếu ngày hẹn lại"),
        # The new date must lie after our due date (Thu 15/2/2024).
        ("2024-02-16T10:00:00+07:00,,,2024-02-15,2024-02-06,,,", "apology_new_due_date", "phải sau hạn giải quyết"),
        ("2024-02-16T10:00:00+07:00,,,2024-02-20,2024-02-05,,,", "apology_sent_on", "trước ngày tiếp nhận"),
        ("2024-02-16T10:00:00+07:00,,,,,hmm,,", "electronic_result", "'hmm' không hợp lệ"),
    ],
)
def test_impossible_details_are_rejected_with_column_and_reason(row, column, words):
    summary = _import(HEADER + "X1,TT2,U1,online,2024-02-06T09:00:00+07:00," + row + "\n")
    assert summary.created == 0
    [(line, reason)] = summary.rejected
    assert line == 2
    assert f"cột {column}" in reason
    assert words in reason


def test_the_decision_766_counters_match_the_dossiers():
    """Payment and digitisation count on the day of receipt; e-results and apologised late ones on resolution."""
    rows = [
        # code, received, resolved, apology new/sent, e-result, paid, digitized (TT2: 2 working days)
        ("E1", "2024-06-03T09:00:00+07:00", "2024-06-04T09:00:00+07:00", "", "", "1", "1", "1"),  # early
        ("E2", "2024-06-03T09:00:00+07:00", "2024-07-01T09:00:00+07:00", "2024-06-20", "2024-06-04", "1", "0", "1"),
        ("E3", "2024-06-28T09:00:00+07:00", "2024-07-10T09:00:00+07:00", "", "", "0", "1", "0"),  # late, no apology
        ("E4", "2024-06-28T09:00:00+07:00", "", "", "", "0", "1", "1"),  # open
    ]
    text = HEADER + "".join(
        f"{c},TT2,U1,online,{rec},{res},,,{new},{sent},{er},{paid},{dig}\n"
        for c, rec, res, new, sent, er, paid, dig in rows
    )
    assert _import(text).rejected == []

    def total(column: str, month: int) -> int:
        rows = DossierCount.objects.filter(grain="M", day=dt.date(2024, month, 1))
        return sum(getattr(row, column) for row in rows)

    # Independent counts from the table above.
    assert (total("paid_online", 6), total("digitized", 6)) == (3, 3)
    assert (total("paid_online", 7), total("digitized", 7)) == (0, 0)
    assert (total("electronic_result", 6), total("electronic_result", 7)) == (1, 1)  # E1 in June, E2 in July
    assert (total("late_apologized", 6), total("late_apologized", 7)) == (0, 1)  # E2 only; E3 had none


def test_an_update_moves_the_detail_counters():
    _import(HEADER + "U9,TT2,U1,online,2024-06-03T09:00:00+07:00,,,,,,,1,1\n")
    _import(HEADER + "U9,TT2,U1,online,2024-06-03T09:00:00+07:00,,,,,,,0,1\n")
    june = DossierCount.objects.filter(grain="M", day=dt.date(2024, 6, 1))
    assert sum(row.paid_online for row in june) == 0
    assert sum(row.digitized for row in june) == 1


# -- regimes as data ----------------------------------------------------------------------


def test_the_two_regimes_ship_as_data():
    regimes = sla_regimes()
    assert [r.code for r in regimes] == ["nd61-2018", "nd118-2025"]
    assert regimes[0].effective_to == dt.date(2025, 6, 30)
    assert regimes[1].effective_from == dt.date(2025, 7, 1)
    assert all(r.receipt_cutoff == dt.time(15) and not r.cutoff_online_only for r in regimes)


def test_a_regime_limited_to_online_cutoff_changes_the_next_import():
    """After the change, a counter dossier received at 16:00 starts that day; an online one the next working day."""
    regime = SlaRegime.objects.get(code="nd118-2025")
    sla_regime_update(regime=regime, actor=None, cutoff_online_only=True)
    assert AuditEvent.objects.filter(action="sla_regime.update").count() == 1
    _import(
        HEADER
        # Wed 5/11/2025 16:00; TT2: 2 working days.
        + "R1,TT2,U1,counter,2025-11-05T16:00:00+07:00,,,,,,,,\n"
        + "R2,TT2,U1,online,2025-11-05T16:00:00+07:00,,,,,,,,\n"
    )
    r1, r2 = Dossier.objects.get(code="R1"), Dossier.objects.get(code="R2")
    assert (r1.start_day, r1.due_date) == (dt.date(2025, 11, 5), dt.date(2025, 11, 7))
    assert (r2.start_day, r2.due_date) == (dt.date(2025, 11, 6), dt.date(2025, 11, 10))


def test_a_regime_change_that_overlaps_another_is_refused_and_writes_nothing():
    regime = SlaRegime.objects.get(code="nd61-2018")
    with pytest.raises(ApplicationError, match="chồng lên nhau"):
        sla_regime_update(regime=regime, actor=None, effective_to=dt.date(2025, 7, 15))
    with pytest.raises(ApplicationError, match="Không sửa được trường: code"):
        sla_regime_update(regime=regime, actor=None, code="x")
    regime.refresh_from_db()
    assert regime.effective_to == dt.date(2025, 6, 30)
    assert not AuditEvent.objects.filter(action="sla_regime.update").exists()


# -- the apology rule (pure) ---------------------------------------------------------------

CALENDAR = WorkCalendar(
    first_year=2024,
    last_year=2024,
    holidays={dt.date(2024, 2, 8) + dt.timedelta(days=n): "Tết" for n in range(7)},
)


@pytest.mark.parametrize(
    ("sent", "due", "timely"),
    [
        ("2024-02-06", "2024-02-07", True),  # one working day before
        ("2024-02-07", "2024-02-07", False),  # on the due date itself
        ("2024-02-07", "2024-02-15", True),  # Tết in between: 15/2 is the one working day after 7/2
        ("2024-02-09", "2024-02-15", True),  # sent during Tết
        ("2024-02-15", "2024-02-15", False),
    ],
)
def test_an_apology_must_come_a_working_day_before_the_due_date(sent, due, timely):
    received = dt.datetime(2024, 2, 1, 9, tzinfo=VN)
    assert (
        sla.apology_timely(dt.date.fromisoformat(sent), dt.date.fromisoformat(due), CALENDAR, received_at=received)
        is timely
    )
