"""The bundled sample criteria sets, their loader and the ``load_criteria_sets`` command."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.importing import units_load_default
from cchc.organizations.models import Cohort, OrgUnit
from cchc.scoring.choices import AutoSource, NaPolicy, RuleKind
from cchc.scoring.importing import (
    SAMPLE_FILES,
    SampleSet,
    criteria_set_create_as,
    criteria_sets_load_default,
    default_province_code,
    read_sample_set,
    sample_sets,
)
from cchc.scoring.models import Assessment, CriteriaSet, Criterion
from cchc.scoring.services import (
    CriterionSpec,
    appraising_unit_of,
    criteria_errors,
    leaves,
    round_create,
    round_open,
)

D = Decimal
# The 2017 national provincial set, domains 1 to 8 (docs/domain.md §3).
NATIONAL_2017 = (D(10), D(10), D("14.5"), D(11), D(16), D(7), D(16), D("15.5"))
TOTALS = {"SBN": (D(80), D(20)), "HUYEN": (D(80), D(20)), "XA": (D(70), D(30))}
APPRAISERS = {"1": "HD.SNV", "2": "HD.STP", "3": "HD.VP", "4": "HD.SNV", "5": "HD.SNV", "6": "HD.STC",
              "7": "HD.STTTT", "8": "HD.SKHDT"}  # fmt: skip
DATA_KINDS = {RuleKind.BANDS, RuleKind.LINEAR, RuleKind.LINEAR_TO_TARGET}
SAMPLES = {sample.cohort: sample for sample in sample_sets()}


@pytest.fixture
def province(db: None) -> OrgUnit:
    """The shipped Hải Dương units and cohorts, as ``import_units`` loads them."""
    units_load_default(actor=None)
    return OrgUnit.objects.get(code="HD")


def _leaves(sample: SampleSet) -> list[CriterionSpec]:
    parents = {spec.code.rsplit(".", 1)[0] for spec in sample.criteria if "." in spec.code}
    return [spec for spec in sample.criteria if spec.code not in parents]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_each_bundled_set_passes_the_criteria_check(province, path):
    sample = read_sample_set(path)
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    assert criteria_errors(sample.criteria, units=units) == []
    assert 30 <= len(_leaves(sample)) <= 45


@pytest.mark.parametrize("cohort", ["SBN", "HUYEN", "XA"])
def test_domains_are_the_2017_weights_rescaled_to_the_criteria_total(cohort):
    sample = SAMPLES[cohort]
    criteria_total, survey = TOTALS[cohort]
    domains = [spec for spec in sample.criteria if "." not in spec.code]
    assert [spec.code for spec in domains] == [str(n) for n in range(1, 9)]
    expected = [(weight * criteria_total / 100).quantize(D("0.01")) for weight in NATIONAL_2017]
    assert [spec.max_points for spec in domains] == expected
    assert sum(spec.max_points for spec in domains) == criteria_total
    assert sample.survey_maximum == survey
    assert criteria_total + survey == 100


def test_the_domain_maxima_are_as_stated():
    """Sở and huyện: 8/8/11.6/8.8/12.8/5.6/12.8/12.4; xã: 7/7/10.15/7.7/11.2/4.9/11.2/10.85."""
    maxima = {c: [s.max_points for s in SAMPLES[c].criteria if "." not in s.code] for c in SAMPLES}
    eighty = [D(x) for x in ("8", "8", "11.6", "8.8", "12.8", "5.6", "12.8", "12.4")]
    assert maxima["SBN"] == maxima["HUYEN"] == eighty
    assert maxima["XA"] == [D(x) for x in ("7", "7", "10.15", "7.7", "11.2", "4.9", "11.2", "10.85")]


def test_every_rule_kind_is_used_and_every_live_source_feeds_a_rate_rule():
    kinds = Counter(spec.rule_kind for sample in SAMPLES.values() for spec in _leaves(sample))
    assert set(kinds) == set(RuleKind.values)
    surveys = [(c, s) for c, sample in SAMPLES.items() for s in _leaves(sample) if s.rule_kind == RuleKind.SURVEY]
    assert len(surveys) == 1
    cohort, survey = surveys[0]
    assert cohort == "XA"
    assert survey.name == "Mức độ hài lòng của người dân qua đánh giá hồ sơ"
    assert survey.rule_scale_max == 18
    for sample in SAMPLES.values():
        fed = {spec.auto_source: spec for spec in _leaves(sample) if spec.auto_source}
        assert set(fed) == set(AutoSource.values) - {""}, sample.code
        assert all(spec.rule_kind in DATA_KINDS for spec in fed.values()), sample.code


def test_appraising_units_follow_section_iv_of_the_plan():
    for sample in SAMPLES.values():
        for spec in sample.criteria:
            if "." not in spec.code:
                assert spec.appraising_unit_code == APPRAISERS[spec.code], (sample.code, spec.code)
    # Tasks the Provincial People's Committee assigns: Văn phòng UBND tỉnh (IV.4.i).
    assigned = next(s for s in SAMPLES["SBN"].criteria if "UBND tỉnh, Chủ tịch UBND tỉnh giao" in s.name)
    assert assigned.appraising_unit_code == "HD.VP"


def test_not_applicable_policies_and_evidence():
    unlawful = next(s for s in SAMPLES["SBN"].criteria if "văn bản trái pháp luật" in s.name)
    assert unlawful.na_policy == NaPolicy.REMOVE
    apology = next(s for s in SAMPLES["SBN"].criteria if s.auto_source == AutoSource.APOLOGY)
    assert apology.na_policy == NaPolicy.FULL_POINTS
    for sample in SAMPLES.values():
        policies = {spec.na_policy for spec in _leaves(sample)}
        assert policies == set(NaPolicy.values), sample.code
        assert all(spec.evidence_required for spec in _leaves(sample)), sample.code


def test_years_of_the_sets():
    assert (SAMPLES["SBN"].year_from, SAMPLES["SBN"].year_to) == (2023, 2025)
    assert (SAMPLES["HUYEN"].year_from, SAMPLES["HUYEN"].year_to) == (2023, 2025)
    assert (SAMPLES["XA"].year_from, SAMPLES["XA"].year_to) == (2023, None)


def test_the_default_province_is_hai_duong():
    assert default_province_code() == "HD"


def test_loading_creates_the_three_sets_once(province):
    summary = criteria_sets_load_default(unit=province)
    assert summary.created == ["hd-sbn-2023", "hd-huyen-2023", "hd-xa-2023"]
    assert summary.unchanged == []
    sbn = CriteriaSet.objects.get(code="hd-sbn-2023")
    assert (sbn.unit, sbn.cohort.code, sbn.survey_maximum) == (province, "SBN", D(20))
    assert [len(leaves(s)) for s in CriteriaSet.objects.order_by("id")] == [45, 45, 37]
    by_id = {c.pk: c for c in Criterion.objects.filter(criteria_set=sbn)}
    unlawful = next(c for c in by_id.values() if c.code == "2.4")
    assert unlawful.appraising_unit is None
    assert appraising_unit_of(unlawful, by_id).code == "HD.STP"
    events = AuditEvent.objects.filter(action="criteria_set.create")
    assert [(e.actor_id, e.actor_label) for e in events] == [(None, "hệ thống")] * 3

    criteria, audit = Criterion.objects.count(), AuditEvent.objects.count()
    again = criteria_sets_load_default(unit=province)
    assert again.created == []
    assert again.unchanged == ["hd-sbn-2023", "hd-huyen-2023", "hd-xa-2023"]
    assert (CriteriaSet.objects.count(), Criterion.objects.count(), AuditEvent.objects.count()) == (3, criteria, audit)


def test_a_loaded_set_opens_a_round_for_the_18_provincial_units(province):
    criteria_sets_load_default(unit=province)
    office = make_user(role=Role.REFORM_OFFICE, unit=province)
    assessment_round = round_create(actor=office, criteria_set=CriteriaSet.objects.get(code="hd-sbn-2023"), year=2023)
    round_open(actor=office, assessment_round=assessment_round)
    assert Assessment.objects.filter(round=assessment_round).count() == 18
    score = assessment_round.assessments.get(unit__code="HD.SYT").scores.get(criterion__code="3.2.1")
    assert score.appraising_unit.code == "HD.VP"


def test_a_missing_cohort_rolls_back_every_set(province):
    Cohort.objects.filter(code="XA").delete()
    with pytest.raises(ApplicationError) as caught:
        criteria_sets_load_default(unit=province)
    assert caught.value.extra["errors"] == [
        "xa.json: Chưa có nhóm đơn vị mã 'XA'; hãy nạp danh mục đơn vị trước (import_units)."
    ]
    assert not CriteriaSet.objects.exists()


def test_a_person_goes_through_the_service_policy(province):
    sample = SAMPLES["SBN"]
    fields = {
        "unit": province, "code": "x", "name": "x", "cohort": Cohort.objects.get(code="SBN"), "year_from": 2023,
        "criteria": sample.criteria,
    }  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        criteria_set_create_as(actor=make_user(role=Role.FOCAL_POINT, unit=province), **fields)
    office = make_user(role=Role.REFORM_OFFICE, unit=province)
    created = criteria_set_create_as(actor=office, **fields)
    assert AuditEvent.objects.get(action="criteria_set.create", object_id=str(created.pk)).actor == office


def test_the_system_path_refuses_a_broken_set_with_every_error(province):
    bad = [CriterionSpec("1", "Lĩnh vực", D(2), line=1), CriterionSpec("1.1", "Con", D(1), line=2)]
    with pytest.raises(ApplicationError) as caught:
        criteria_set_create_as(
            actor=None, unit=province, code="bad", name="x", cohort=Cohort.objects.get(code="SBN"), year_from=2024,
            year_to=2023, criteria=bad,
        )  # fmt: skip
    errors = caught.value.extra["errors"]
    assert any("dòng 1" in e and "khác tổng điểm" in e for e in errors)
    assert "Năm kết thúc trước năm bắt đầu." in errors
    assert not CriteriaSet.objects.exists()


def test_the_command_loads_then_keeps(province):
    out = StringIO()
    call_command("load_criteria_sets", stdout=out)
    assert out.getvalue().splitlines() == [
        "Đã tạo bộ tiêu chí hd-sbn-2023.",
        "Đã tạo bộ tiêu chí hd-huyen-2023.",
        "Đã tạo bộ tiêu chí hd-xa-2023.",
        "Đã tạo 3, giữ nguyên 0 bộ tiêu chí.",
    ]
    out = StringIO()
    call_command("load_criteria_sets", "--unit", "HD", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Đã tạo 0, giữ nguyên 3 bộ tiêu chí."
    assert CriteriaSet.objects.count() == 3


def test_the_command_refuses_an_unknown_province(province):
    err = StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("load_criteria_sets", "--unit", "NOPE", stderr=err)
    assert "Chưa có đơn vị mã 'NOPE'" in err.getvalue()
    assert not CriteriaSet.objects.exists()
