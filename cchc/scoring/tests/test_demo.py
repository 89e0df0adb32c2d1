"""The PAR index demo: a published departments' round and an open districts' round, from the whole demo."""

import pytest
from django.core.management import call_command

from cchc.accounts.models import User
from cchc.audit.models import AuditEvent
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.models import AssessmentRound, Score, ScoreChange
from cchc.scoring.selectors import round_results, scores_to_appraise


@pytest.mark.django_db
def test_the_demo_rounds_cover_hai_duongs_30_units_in_the_states_the_demo_accounts_need() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    departments = AssessmentRound.objects.get(criteria_set__code="hd-sbn-2023", year=2023)
    districts = AssessmentRound.objects.get(criteria_set__code="hd-huyen-2023", year=2023)
    assert departments.status == RoundStatus.PUBLISHED
    assert districts.status == RoundStatus.OPEN
    assert departments.assessments.count() == 18
    assert districts.assessments.count() == 12

    # Published: every department ranked, with spread and the three bands' logic applied.
    results = round_results(assessment_round=departments)
    percents = [row.result.percent for row in results.units]
    assert len(percents) == 18
    assert max(percents) - min(percents) > 5
    assert all(row.result.unscored == 0 for row in results.units)

    # Some criteria were scored from live data (plan tasks, dossiers), with the figure behind them.
    auto = Score.objects.filter(assessment__round=departments).exclude(auto_detail={})
    assert auto.exists()
    assert ScoreChange.objects.filter(score__in=auto, kind="auto").exists()

    # The districts' round: Gia Lộc still drafting, two scores returned, Sở Tư pháp with work waiting.
    gia_loc = districts.assessments.get(unit__code="HD.H297")
    assert gia_loc.status == AssessmentStatus.DRAFT
    assert Score.objects.filter(assessment__round=districts, appraisal_status=AppraisalStatus.RETURNED).count() == 2
    stp = User.objects.get(username="stp.thamdinh")
    assert (
        scores_to_appraise(user=stp, assessment_round=districts)
        .filter(appraisal_status=AppraisalStatus.PENDING)
        .exists()
    )

    audit_rows = AuditEvent.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEvent.objects.count() == audit_rows
