"""Periodic reports (báo cáo định kỳ, Nghị định 09/2019/NĐ-CP): templates, unit reports, lock exceptions.

A :class:`ReportTemplate` is versioned data: its period type, data window (cut-off
day), deadline rule, lock delay, the cohorts and units it is assigned to, and its
form (sections with narrative text and typed fields, cross-field rules). A
:class:`Report` is one unit's answer for one period; the reform office returns or
accepts it. :class:`LockException` reopens a locked period for one unit, with a
reason. :class:`ProvinceReport` is the consolidated report of a period, assembled
from the accepted unit reports and live data, whose narrative the reform office edits.
The date arithmetic is ``reports.periods`` (pure).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Cohort, OrgUnit
from cchc.reports.periods import DeadlineRule, PeriodType


class ReportTemplate(TimeStampedModel):
    """One version of a report form and its calendar; a new version is a new row (``code`` + ``version``)."""

    class PeriodTypeChoices(models.TextChoices):
        MONTH = PeriodType.MONTH.value, _("Tháng")
        QUARTER = PeriodType.QUARTER.value, _("Quý")
        HALF_YEAR = PeriodType.HALF_YEAR.value, _("6 tháng")
        NINE_MONTHS = PeriodType.NINE_MONTHS.value, _("9 tháng")
        YEAR = PeriodType.YEAR.value, _("Năm")

    class DeadlineRuleChoices(models.TextChoices):
        WORKING_DAYS = DeadlineRule.WORKING_DAYS.value, _("Số ngày làm việc sau ngày chốt số liệu")
        DAY_OF_MONTH = DeadlineRule.DAY_OF_MONTH.value, _("Ngày cố định trong tháng sau ngày chốt")

    code = models.SlugField(_("mã"), max_length=64)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên báo cáo"), max_length=255)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan yêu cầu báo cáo"), on_delete=models.PROTECT, related_name="report_templates"
    )
    period_type = models.CharField(_("loại kỳ"), max_length=16, choices=PeriodTypeChoices.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu"), null=True, blank=True, default=14, help_text=_("Để trống: theo tháng dương lịch.")
    )
    deadline_rule = models.CharField(
        _("cách tính hạn nộp"), max_length=16, choices=DeadlineRuleChoices.choices, default=DeadlineRule.WORKING_DAYS
    )
    deadline_value = models.PositiveSmallIntegerField(_("số ngày (hoặc ngày trong tháng) của hạn nộp"), default=2)
    lock_working_days = models.PositiveSmallIntegerField(_("khóa sổ sau hạn nộp (ngày làm việc)"), default=10)
    year_from = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    year_to = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    form = models.JSONField(_("biểu mẫu"), default=list, blank=True)
    rules = models.JSONField(_("quy tắc kiểm tra chéo"), default=list, blank=True)
    cohorts = models.ManyToManyField(Cohort, verbose_name=_("nhóm đơn vị phải báo cáo"), blank=True, related_name="+")
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("đơn vị phải báo cáo (thêm)"), blank=True, related_name="assigned_report_templates"
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="report_template_version_unique"),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=F("year_from")), name="report_template_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def covers(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.RETURNED, ReportStatus.ACCEPTED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.ACCEPTED: frozenset(),
}


class Report(TimeStampedModel):
    """One unit's report for one period: answers, narratives, the source of every prefilled figure."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("mẫu báo cáo"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("năm"))
    period_index = models.PositiveSmallIntegerField(_("kỳ"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    values = models.JSONField(_("số liệu"), default=dict, blank=True)
    narratives = models.JSONField(_("nội dung"), default=dict, blank=True)
    sources = models.JSONField(
        _("nguồn số liệu tự động"),
        default=dict,
        blank=True,
        help_text=_("Trường → {nguồn, giá trị, thời điểm lấy}: số liệu điền sẵn từ dữ liệu của hệ thống."),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xem xét"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["template", "-year", "-period_index", "unit__tree_key"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["template", "unit", "year", "period_index"], name="report_one_per_period"),
        ]
        indexes = [models.Index(fields=["template", "year", "period_index"], name="report_period")]

    def __str__(self) -> str:
        return f"{self.template.name} – {self.unit.name} – {self.period_index}/{self.year}"


class LockException(TimeStampedModel):
    """The reform office reopens a locked period for one unit until a date, for a stated reason."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("mẫu báo cáo"), on_delete=models.CASCADE, related_name="lock_exceptions"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    period_index = models.PositiveSmallIntegerField(_("kỳ"))
    until = models.DateField(_("mở khóa đến hết ngày"))
    reason = models.TextField(_("lý do"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cho phép"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ngoại lệ khóa sổ")
        verbose_name_plural = _("ngoại lệ khóa sổ")

    def __str__(self) -> str:
        return f"{self.unit} {self.period_index}/{self.year} → {self.until:%d/%m/%Y}"


class ProvinceReport(TimeStampedModel):
    """The consolidated report of one period (báo cáo tổng hợp của tỉnh), edited by the reform office."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("mẫu báo cáo"), on_delete=models.PROTECT, related_name="province_reports"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    period_index = models.PositiveSmallIntegerField(_("kỳ"))
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    narratives = models.JSONField(_("nội dung đã biên tập"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["template", "-year", "-period_index"]
        verbose_name = _("báo cáo tổng hợp")
        verbose_name_plural = _("báo cáo tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=["template", "year", "period_index"], name="province_report_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} {self.period_index}/{self.year}"


class ReportReminderLog(models.Model):
    """One report reminder sent: the unique key makes ``send_report_reminders`` idempotent.

    ``tasks.ReminderLog`` keys a reminder by task; a report reminder is about a unit's
    period of a template, which that table cannot name, hence this one.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("Sắp đến hạn nộp")
        DUE = "due", _("Đến hạn nộp hôm nay")
        OVERDUE = "overdue", _("Quá hạn nộp")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    period_index = models.PositiveSmallIntegerField()
    recipient = models.EmailField()
    period_key = models.CharField(max_length=32, help_text=_("Ngày hoặc tuần ISO của lần nhắc."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhắc nộp báo cáo")
        verbose_name_plural = _("lần nhắc nộp báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "template", "unit", "year", "period_index", "recipient", "period_key"],
                name="report_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.recipient} {self.period_index}/{self.year} {self.period_key}"
