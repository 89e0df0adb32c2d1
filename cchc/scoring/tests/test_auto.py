"""Refreshing auto-scored criteria: values, points per rule kind, prefill, history, audit, refusals."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import Cohort
from cchc.scoring import sources
from cchc.scoring.auto import auto_scores_refresh
from cchc.scoring.choices import AppraisalStatus, AutoSource, RuleKind, ScoreChangeKind
from cchc.scoring.models import Assessment, AssessmentRound, Score, ScoreChange
from cchc.scoring.services import (
    AppraisalDecision,
    CriterionSpec,
    assessment_submit,
    criteria_set_create,
    round_create,
    round_lock,
    round_open,
    score_appraise,
    score_self,
)
from cchc.scoring.tests.live_data import import_dossier_rows, make_tasks

D = Decimal
TODAY = dt.date(2024, 3, 1)
BANDS = [["0.5", "1"], ["0.8", "2"], ["1", "3"]]


def auto_criteria() -> list[CriterionSpec]:
    """Every source and every rule kind that takes data; 3.1 is scored by hand."""
    return [
        CriterionSpec("1", "Chỉ đạo, điều hành", D(5), appraising_unit_code="SA"),
        CriterionSpec(
            "1.1", "Nhiệm vụ đúng hạn", D(2), rule_kind=RuleKind.LINEAR, auto_source=AutoSource.TASKS_ON_TIME
        ),
        CriterionSpec(
            "1.2",
            "Nhiệm vụ đúng hạn (ngưỡng)",
            D(3),
            rule_kind=RuleKind.BANDS,
            rule_bands=BANDS,
            auto_source=AutoSource.TASKS_ON_TIME,
        ),
        CriterionSpec("2", "Cải cách TTHC", D(10), appraising_unit_code="SB"),
        CriterionSpec(
            "2.1",
            "Hồ sơ đúng hạn",
            D(2),
            rule_kind=RuleKind.LINEAR_TO_TARGET,
            rule_target=D("0.98"),
            auto_source=AutoSource.DOSSIERS_ON_TIME,
        ),
        CriterionSpec("2.2", "Xin lỗi đủ", D(1), rule_kind=RuleKind.BINARY, auto_source=AutoSource.APOLOGY),
        CriterionSpec(
            "2.3",
            "Quá hạn không xin lỗi",
            D(1),
            rule_kind=RuleKind.DEDUCTION,
            rule_deduction=D("0.5"),
            auto_source=AutoSource.APOLOGY,
        ),
        CriterionSpec("2.4", "Trực tuyến", D(1), rule_kind=RuleKind.LINEAR, auto_source=AutoSource.ONLINE),
        CriterionSpec(
            "2.5",
            "Thanh toán trực tuyến",
            D(1),
            rule_kind=RuleKind.LINEAR_TO_TARGET,
            rule_target=D("0.3"),
            auto_source=AutoSource.ONLINE_PAYMENT,
        ),
        CriterionSpec(
            "2.6", "Số hóa", D(2), rule_kind=RuleKind.BANDS, rule_bands=BANDS[:2], auto_source=AutoSource.DIGITIZED
        ),
        CriterionSpec("2.7", "Bộ chỉ số 766", D(2), rule_kind=RuleKind.LINEAR, auto_source=AutoSource.DECISION_766),
        CriterionSpec("3", "Tổ chức bộ máy", D(1), appraising_unit_code="SA"),
        CriterionSpec("3.1", "Rà soát bộ máy", D(1)),
    ]


@pytest.fixture
def scene(tree):
    import_dossier_rows()
    make_tasks(tree)
    cohort = Cohort.objects.create(code="C2023", name="Sở, ban, ngành")
    cohort.members.set([tree.dept_a, tree.dept_b, tree.district])
    office = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    criteria_set = criteria_set_create(
        actor=office, unit=tree.province, code="auto-2023", name="Bộ tiêu chí tự động", cohort=cohort,
        year_from=2023, criteria=auto_criteria(),
    )  # fmt: skip
    assessment_round = round_create(actor=office, criteria_set=criteria_set, year=2023)
    assessment_round = round_open(actor=office, assessment_round=assessment_round)
    return tree, office, assessment_round


def _scores(assessment_round: AssessmentRound, unit_code: str) -> dict[str, Score]:
    rows = Score.objects.filter(assessment__round=assessment_round, assessment__unit__code=unit_code)
    return {score.criterion.code: score for score in rows.select_related("criterion")}


def test_the_refresh_stores_values_and_points_per_rule_kind(scene):
    tree, office, assessment_round = scene
    changed = auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY)
    assert changed == 3 * 9  # every auto-scored criterion (1.1–1.2, 2.1–2.7) of the three units

    sa = _scores(assessment_round, "SA")
    # (auto_value, auto_points) counted by hand from live_data's tables.
    assert {code: (s.auto_value, s.auto_points) for code, s in sa.items() if code not in ("2.7", "3.1")} == {
        "1.1": (D("0.625"), D("1.25")),  # 5/8 × 2
        "1.2": (D("0.625"), D(1)),  # band 0.5 → 1
        "2.1": (D("0.6"), D("1.22")),  # 0.6 / 0.98 × 2 = 1.2245
        "2.2": (D(0), D(0)),  # 1/2 apologised: not met
        "2.3": (D(1), D("0.5")),  # one late dossier without apology: 1 − 0.5
        "2.4": (D("0.5"), D("0.5")),  # 3/6 × 1
        "2.5": (D("0.3333"), D(1)),  # 2/6 ≥ 0.3
        "2.6": (D("0.3333"), D(0)),  # 2/6 below every band
    }
    # SA's Decision 766 months are the 766 engine's (hand-checked on SB in test_sources): the rule takes the share.
    share = sources.decision_766(unit=tree.dept_a, year=2023, today=TODAY).value
    assert (sa["2.7"].auto_value, sa["2.7"].auto_points) == (
        share.quantize(D("0.0001")),
        (share * 2).quantize(D("0.01")),
    )
    assert sa["2.1"].auto_detail == {
        "source": "dossiers_on_time",
        "value": "0.6",
        "measured": "0.6000",
        "numerator": 3,
        "denominator": 5,
        "period": {"from": "2023-01-01", "to": "2023-12-31"},
        "detail": "3/5 hồ sơ giải quyết đúng hạn (trước hạn + đúng hạn) trong năm 2023.",
        "drill_down": {"kind": "dossiers", "unit_code": "SA", "from": "2023-01-01", "to": "2023-12-31",
                       "measure": "resolved"},
    }  # fmt: skip
    assert (sa["3.1"].auto_points, sa["3.1"].auto_detail) == (None, {})

    sb = _scores(assessment_round, "SB")
    assert {code: s.auto_points for code, s in sb.items()} == {
        "1.1": D(2), "1.2": D(3), "2.1": D("1.36"), "2.2": D(0), "2.3": D("0.5"), "2.4": D("0.67"),
        "2.5": D(1), "2.6": D(1), "2.7": D(1), "3.1": None,
    }  # fmt: skip
    # H1 has nothing: no points, except the deduction, which finds no fault.
    h1 = _scores(assessment_round, "H1")
    assert {code: s.auto_points for code, s in h1.items()} == dict.fromkeys(h1, None) | {"2.3": D(1)}
    assert h1["2.2"].auto_detail["detail"] == "Không có hồ sơ quá hạn trong năm 2023."


def test_only_empty_self_scores_are_prefilled_with_a_history_row(scene):
    tree, office, assessment_round = scene
    focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    score_self(actor=focal, score=_scores(assessment_round, "SA")["2.1"], points=D("1.5"), explanation="Tự đếm")
    auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY)

    sa = _scores(assessment_round, "SA")
    assert sa["2.1"].self_score == D("1.5")  # typed by the unit: kept
    assert sa["2.4"].self_score == D("0.5")
    assert sa["3.1"].self_score is None  # no auto source
    history = ScoreChange.objects.filter(score__assessment__unit__code="SA", kind=ScoreChangeKind.AUTO)
    assert history.count() == 8  # the nine auto-scored criteria but 2.1
    change = history.get(score=sa["1.1"])
    assert (change.old_value, change.new_value, change.actor) == (None, D("1.25"), office)
    assert change.reason == "5/8 nhiệm vụ do đơn vị chủ trì hoàn thành đúng hạn trong năm 2023."
    # H1: only the deduction has points to prefill.
    h1 = _scores(assessment_round, "H1")
    assert [code for code, s in h1.items() if s.self_score is not None] == ["2.3"]


def test_one_audit_row_per_refresh_and_a_second_run_changes_nothing(scene):
    _tree, office, assessment_round = scene
    first = auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY)
    before = list(Score.objects.order_by("pk").values_list("auto_value", "auto_points", "auto_detail", "self_score"))
    assert auto_scores_refresh(actor=None, assessment_round=assessment_round, today=TODAY) == 0
    after = list(Score.objects.order_by("pk").values_list("auto_value", "auto_points", "auto_detail", "self_score"))
    assert before == after
    events = AuditEvent.objects.filter(action="assessment_round.auto_refresh").order_by("pk")
    assert [(e.changes, e.actor_label) for e in events] == [
        ({"scores": [None, first]}, str(office)),
        ({"scores": [None, 0]}, "hệ thống"),
    ]
    assert ScoreChange.objects.filter(kind=ScoreChangeKind.AUTO).count() == 9 + 9 + 1  # SA, SB, and H1's deduction


def test_new_data_moves_the_auto_figures_but_not_a_prefilled_self_score(scene):
    _tree, office, assessment_round = scene
    auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY)
    # Mid-2023 only T1+C1, T2 and T3+C3 had fallen due: 2 of 3.
    assert auto_scores_refresh(actor=None, assessment_round=assessment_round, today=dt.date(2023, 7, 1)) > 0
    score = _scores(assessment_round, "SA")["1.1"]
    assert (score.auto_value, score.auto_points, score.self_score) == (D("0.6667"), D("1.33"), D("1.25"))


def test_the_appraiser_overrides_an_auto_score_with_a_reason(scene):
    tree, office, assessment_round = scene
    auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY)
    focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    score_self(actor=focal, score=_scores(assessment_round, "SA")["3.1"], points=D(1))
    assessment_submit(actor=focal, assessment=Assessment.objects.get(round=assessment_round, unit=tree.dept_a))
    appraiser = make_user(role=Role.APPRAISER, unit=tree.dept_b)
    score_appraise(
        actor=appraiser, score=_scores(assessment_round, "SA")["2.1"], decision=AppraisalDecision.CHANGE,
        points=D("1.5"), reason="Hồ sơ A4 quá hạn do lỗi hệ thống, đã xác minh",
    )  # fmt: skip
    assert auto_scores_refresh(actor=office, assessment_round=assessment_round, today=TODAY) == 0
    score = _scores(assessment_round, "SA")["2.1"]
    assert (score.appraisal_status, score.appraised_score, score.auto_points, score.self_score) == (
        AppraisalStatus.CHANGED, D("1.5"), D("1.22"), D("1.22"),
    )  # fmt: skip


def test_only_a_manager_of_an_open_round_may_refresh(scene):
    tree, office, assessment_round = scene
    focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    with pytest.raises(PermissionDeniedError):
        auto_scores_refresh(actor=focal, assessment_round=assessment_round, today=TODAY)
    outsider = make_user(role=Role.REFORM_OFFICE, unit=tree.dept_b)
    with pytest.raises(PermissionDeniedError):
        auto_scores_refresh(actor=outsider, assessment_round=assessment_round, today=TODAY)
    round_lock(actor=office, assessment_round=assessment_round)
    with pytest.raises(ApplicationError, match="không cập nhật được số liệu tự động") as caught:
        auto_scores_refresh(actor=None, assessment_round=assessment_round, today=TODAY)
    assert caught.value.code == "scoring.round_not_open"
    assert not AuditEvent.objects.filter(action="assessment_round.auto_refresh").exists()
    assert not Score.objects.filter(auto_points__isnull=False).exists()


def test_the_command_refreshes_as_the_system(scene):
    _tree, office, assessment_round = scene
    out = io.StringIO()
    call_command("refresh_auto_scores", "--round", str(assessment_round.pk), "--date", "2024-03-01", stdout=out)
    assert "cập nhật 27 điểm tiêu chí" in out.getvalue()
    assert AuditEvent.objects.get(action="assessment_round.auto_refresh").actor_label == "hệ thống"
    with pytest.raises(CommandError, match="Không có đợt đánh giá mã số 999999"):
        call_command("refresh_auto_scores", "--round", "999999")
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("refresh_auto_scores", "--round", str(assessment_round.pk), "--date", "01/03/2024")
    round_lock(actor=office, assessment_round=assessment_round)
    with pytest.raises(CommandError, match="không cập nhật được"):
        call_command("refresh_auto_scores", "--round", str(assessment_round.pk))
