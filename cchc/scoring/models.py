"""The PAR index (Chỉ số CCHC): criteria sets, assessment rounds, each unit's assessment and its scores.

A :class:`CriteriaSet` is the province's decision for one cohort (sở/ban/ngành, UBND
cấp huyện, UBND cấp xã) from a year on: a tree of domains → criteria → sub-criteria
(:class:`Criterion`); only leaves are scored. An :class:`AssessmentRound` applies a set
to one year; opening it creates an :class:`Assessment` per unit of the cohort and a
:class:`Score` per leaf criterion. The unit's focal point self-scores, the criterion's
appraising unit appraises, and :class:`ScoreChange` keeps every step, so the self score
and the appraised score stay side by side with their history. The arithmetic lives in
``scoring.calculations`` (pure); this module holds single-row truth only.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Cohort, OrgUnit
from cchc.scoring import calculations
from cchc.scoring.choices import (
    AppraisalStatus,
    AssessmentStatus,
    AutoSource,
    NaPolicy,
    RoundStatus,
    RuleKind,
    ScoreChangeKind,
)


def _points(label: Any, **options: Any) -> models.DecimalField:
    """Points as published: up to 99,999.99, two decimals."""
    return models.DecimalField(label, max_digits=7, decimal_places=2, **options)


def _default_bands() -> list[list[object]]:
    return [[str(threshold), name] for threshold, name in calculations.DEFAULT_BANDS]


class CriteriaSet(TimeStampedModel):
    """One version of the criteria of a cohort, in force from ``year_from`` to ``year_to`` (inclusive)."""

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    cohort = models.ForeignKey(Cohort, verbose_name=_("nhóm đơn vị"), on_delete=models.PROTECT, related_name="+")
    # The province that issues the set and runs its rounds: the reform office over it manages them.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="criteria_sets"
    )
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    decision = models.CharField(_("căn cứ (quyết định ban hành)"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    survey_maximum = _points(
        _("điểm điều tra xã hội học tối đa"), default=Decimal(0), validators=[MinValueValidator(0)]
    )
    bands = models.JSONField(
        _("xếp loại"), default=_default_bands, help_text=_("Danh sách [ngưỡng %, tên loại], ngưỡng giảm dần.")
    )

    class Meta:
        ordering = ["cohort__code", "-year_from"]
        verbose_name = _("bộ tiêu chí Chỉ số CCHC")
        verbose_name_plural = _("bộ tiêu chí Chỉ số CCHC")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=F("year_from")), name="criteria_set_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def band_table(self) -> tuple[tuple[Decimal, str], ...]:
        return tuple((Decimal(str(threshold)), str(name)) for threshold, name in self.bands)


class Criterion(models.Model):
    """A domain (no parent), criterion or sub-criterion of a set; leaves carry the scoring rule.

    ``tree_key`` orders the tree naturally ("1.2" before "1.10"). ``appraising_unit``
    is the department that appraises the criterion (Tư pháp for institutions, VP UBND
    for procedures …); a leaf without one takes its nearest ancestor's.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=32)
    tree_key = models.CharField(_("khóa sắp xếp"), max_length=255, editable=False)
    name = models.TextField(_("tên"))
    max_points = _points(_("điểm tối đa"), validators=[MinValueValidator(0)])
    evidence_required = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    appraising_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị thẩm định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraised_criteria",
    )
    na_policy = models.CharField(
        _("khi không phát sinh"), max_length=8, choices=NaPolicy.choices, default=NaPolicy.REMOVE
    )
    rule_kind = models.CharField(_("cách chấm"), max_length=24, choices=RuleKind.choices, default=RuleKind.MANUAL)
    rule_bands = models.JSONField(
        _("các ngưỡng"), default=list, blank=True, help_text=_("Danh sách [tỷ lệ tối thiểu, điểm].")
    )
    rule_target = models.DecimalField(_("mục tiêu (tỷ lệ)"), max_digits=7, decimal_places=4, null=True, blank=True)
    rule_deduction = _points(_("điểm trừ mỗi lỗi"), default=Decimal(0))
    rule_floor = _points(_("điểm sàn"), default=Decimal(0))
    rule_scale_max = _points(_("thang điểm khảo sát tối đa"), null=True, blank=True)
    auto_source = models.CharField(
        _("lấy số liệu tự động từ"), max_length=24, choices=AutoSource.choices, default=AutoSource.NONE, blank=True
    )

    class Meta:
        ordering = ["criteria_set", "tree_key"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique_in_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def domain_code(self) -> str:
        """The code of the domain (top-level criterion) this one belongs to: the code's first part."""
        return self.code.split(".", 1)[0]

    def rule(self) -> calculations.Rule:
        return calculations.Rule(
            kind=calculations.RuleKind(self.rule_kind),
            bands=tuple((Decimal(str(rate)), Decimal(str(points))) for rate, points in self.rule_bands),
            target=self.rule_target,
            deduction=self.rule_deduction,
            floor=self.rule_floor,
            scale_max=self.rule_scale_max,
        )


class AssessmentRound(TimeStampedModel):
    """One year's assessment of a cohort with one criteria set: draft → open → locked → published."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    self_deadline = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    opened_at = models.DateTimeField(_("mở lúc"), null=True, blank=True)
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "criteria_set__cohort__code"]
        verbose_name = _("đợt đánh giá Chỉ số CCHC")
        verbose_name_plural = _("đợt đánh giá Chỉ số CCHC")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "year"], name="round_one_per_set_and_year"),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set.cohort.name} {self.year}"


class Assessment(TimeStampedModel):
    """One unit's assessment in a round: its self-scoring, submission and survey points."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE, related_name="assessments"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    survey_points = _points(_("điểm điều tra xã hội học"), null=True, blank=True)

    class Meta:
        ordering = ["round", "unit__tree_key"]
        verbose_name = _("bản tự đánh giá")
        verbose_name_plural = _("bản tự đánh giá")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="assessment_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} – {self.round.year}"


class Score(models.Model):
    """A unit's score on one leaf criterion: self score beside the appraised one, and the live-data value.

    ``auto_value`` is the rate (or count) the live data gave, with ``auto_detail`` (numerator,
    denominator, period, source) for the drill-down; ``auto_points`` what the rule makes of
    it. The appraiser's score wins; without an appraisal the index counts nothing for
    the criterion (``calculations.CriterionScore``).
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("bản tự đánh giá"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+")
    appraising_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị thẩm định"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_applicable = models.BooleanField(_("không phát sinh"), default=False)
    self_score = _points(_("điểm tự chấm"), null=True, blank=True)
    self_explanation = models.TextField(_("giải trình"), blank=True)
    auto_value = models.DecimalField(_("giá trị tự động"), max_digits=12, decimal_places=4, null=True, blank=True)
    auto_points = _points(_("điểm tính tự động"), null=True, blank=True)
    auto_detail = models.JSONField(_("số liệu tính tự động"), default=dict, blank=True)
    appraisal_status = models.CharField(
        _("thẩm định"), max_length=16, choices=AppraisalStatus.choices, default=AppraisalStatus.PENDING
    )
    appraised_score = _points(_("điểm thẩm định"), null=True, blank=True)
    appraisal_reason = models.TextField(_("lý do điều chỉnh, trả lại"), blank=True)
    appraised_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "criterion__tree_key"]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(self_score__gte=0), name="score_self_not_negative"),
            models.CheckConstraint(condition=Q(appraised_score__gte=0), name="score_appraised_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion.code}"


class ScoreEvidence(TimeStampedModel):
    """A file the unit attaches to a score as evidence (tài liệu kiểm chứng); private storage."""

    score = models.ForeignKey(Score, verbose_name=_("điểm tiêu chí"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to="scoring/evidence/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["score", "created_at"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.name


class ScoreChange(models.Model):
    """One step in a score's history (append-only): who set what, when and why."""

    score = models.ForeignKey(Score, verbose_name=_("điểm tiêu chí"), on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=16, choices=ScoreChangeKind.choices)
    old_value = _points(_("điểm cũ"), null=True, blank=True)
    new_value = _points(_("điểm mới"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["score", "at", "id"]
        verbose_name = _("lịch sử điểm")
        verbose_name_plural = _("lịch sử điểm")

    def __str__(self) -> str:
        return f"{self.score_id} {self.kind} {self.old_value} → {self.new_value}"
