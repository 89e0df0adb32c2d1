"""Tasks and targets of a plan, their progress updates with evidence, and reminders.

A task sits under a node of its plan (an area, an item) and names its lead and
coordinating units. Units' plans derive from the province's: a unit task points to
the provincial task it implements (``source_task``), which is how coverage is computed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan, PlanNode
from cchc.tasks.choices import Area, DeadlineKind, ProductKind, TaskStatus, UpdateState


class Task(TimeStampedModel):
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    node = models.ForeignKey(
        PlanNode,
        verbose_name=_("mục nguồn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text=_("Mục của văn bản kế hoạch mà nhiệm vụ này lấy từ đó."),
    )
    source_task = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cấp trên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_tasks",
    )
    code = models.CharField(_("mã"), max_length=32)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    area = models.CharField(_("lĩnh vực"), max_length=24, choices=Area.choices, blank=True)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    coordinating_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="coordinated_tasks"
    )
    product_kind = models.CharField(
        _("loại sản phẩm"), max_length=16, choices=ProductKind.choices, default=ProductKind.OTHER
    )
    product = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    deadline_kind = models.CharField(
        _("loại thời hạn"), max_length=16, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    deadline_label = models.CharField(
        _("thời gian hoàn thành"),
        max_length=64,
        blank=True,
        help_text=_("Như văn bản ghi: “Quý II/2023”, “Thường xuyên”."),
    )
    weight = models.DecimalField(_("trọng số"), max_digits=6, decimal_places=2, default=1)
    budget = models.DecimalField(_("kinh phí (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    is_public = models.BooleanField(_("công khai"), default=False)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="task_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"


class TaskOccurrence(models.Model):
    """One due date of a recurring task (monthly, quarterly) with its own completion."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="occurrences")
    due_date = models.DateField(_("hạn"))
    label = models.CharField(_("kỳ"), max_length=32)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        ordering = ["task", "due_date"]
        verbose_name = _("kỳ thực hiện")
        verbose_name_plural = _("kỳ thực hiện")
        constraints = [models.UniqueConstraint(fields=["task", "due_date"], name="occurrence_unique_due")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.label}"


class Target(TimeStampedModel):
    """A measurable value a plan item commits to, per unit and period."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets")
    node = models.ForeignKey(PlanNode, verbose_name=_("mục"), null=True, blank=True, on_delete=models.SET_NULL)
    indicator = models.CharField(_("chỉ tiêu"), max_length=500)
    measure_unit = models.CharField(_("đơn vị tính"), max_length=32, default="%")
    target_value = models.DecimalField(_("giá trị mục tiêu"), max_digits=14, decimal_places=2)
    actual_value = models.DecimalField(_("giá trị đạt được"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    period = models.CharField(_("kỳ"), max_length=32, blank=True)

    class Meta:
        ordering = ["plan", "indicator"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.target_value} {self.measure_unit}"


class TaskUpdate(TimeStampedModel):
    """A progress report on a task by a unit, reviewed by the lead unit or the reform office."""

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="updates")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người lập"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("trạng thái"), max_length=16, choices=UpdateState.choices, default=UpdateState.DRAFT)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    reported_status = models.CharField(_("tình trạng báo cáo"), max_length=16, choices=TaskStatus.choices)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    narrative = models.TextField(_("nội dung báo cáo"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xét"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    class Meta:
        ordering = ["task", "-created_at"]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="update_progress_max_100")]

    def __str__(self) -> str:
        return f"{self.task.code} – {self.get_state_display()}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Random names under a private root: the original name is kept in the row only.
    import uuid

    return f"evidence/{instance.update.task.plan_id}/{uuid.uuid4().hex}"


class Evidence(TimeStampedModel):
    """A file attached to a progress update; served only through a permission check."""

    update = models.ForeignKey(TaskUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class ReminderLog(models.Model):
    """One reminder sent; the unique key makes ``send_reminders`` idempotent."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Sắp đến hạn")
        DUE = "due", _("Đến hạn hôm nay")
        OVERDUE = "overdue", _("Quá hạn")
        DIGEST = "digest", _("Tổng hợp hằng tuần")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.EmailField()
    period_key = models.CharField(max_length=32, help_text=_("Ngày hoặc tuần ISO của lần nhắc."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần nhắc việc")
        verbose_name_plural = _("lần nhắc việc")
        constraints = [
            models.UniqueConstraint(fields=["kind", "task", "recipient", "period_key"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.recipient} {self.period_key}"
