"""Reform plans as structured data: a plan of one unit and year, and its tree of nodes.

This is the first slice: what a plan document import produces (the tree, the units
each node assigns, the cross-references). Tasks, targets and progress come with
the plans-and-tasks issue and build on ``PlanNode``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import NodeKind, PlanStatus, UnitRole


class Plan(TimeStampedModel):
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("mã băm tệp nguồn"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "unit__sort_order", "title"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.title


class PlanNode(models.Model):
    """One heading of the plan (section, item, lettered duty, bullet, appendix row)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(_("thứ tự"), help_text=_("Thứ tự trong toàn văn bản."))
    path = models.CharField(_("vị trí"), max_length=64)
    kind = models.CharField(_("loại"), max_length=16, choices=NodeKind.choices)
    label = models.CharField(_("ký hiệu"), max_length=16, blank=True)
    title = models.TextField(_("tiêu đề"))
    body = models.TextField(_("nội dung"), blank=True)
    line_start = models.PositiveIntegerField(_("từ dòng"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("đến dòng"), null=True, blank=True)
    columns = models.JSONField(_("cột phụ lục"), default=dict, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("mục của kế hoạch")
        verbose_name_plural = _("mục của kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plannode_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.title[:60]}"

    @property
    def depth(self) -> int:
        return self.path.count(".")


class PlanNodeUnit(models.Model):
    """A unit a node names: the lead, a coordinating unit, or a unit it mentions."""

    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="plan_node_links")
    role = models.CharField(_("vai trò"), max_length=16, choices=UnitRole.choices)
    source_text = models.CharField(_("tên trong văn bản"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("đơn vị được giao")
        verbose_name_plural = _("đơn vị được giao")
        constraints = [
            models.UniqueConstraint(fields=["node", "unit", "role"], name="plannodeunit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.node.path} → {self.unit.code} ({self.role})"


class PlanNodeReference(models.Model):
    """A cross-reference in a node's text to another node ("điểm c khoản 8 mục II")."""

    node = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="references")
    target = models.ForeignKey(PlanNode, on_delete=models.CASCADE, related_name="referenced_by")
    text = models.CharField(_("trích dẫn"), max_length=255)

    class Meta:
        verbose_name = _("dẫn chiếu")
        verbose_name_plural = _("dẫn chiếu")

    def __str__(self) -> str:
        return f"{self.node.path} → {self.target.path}"


class PlanImport(TimeStampedModel):
    """An uploaded plan document between upload and confirmation.

    The analysis (outline with repaired text, unit matches, references, warnings) is
    kept as JSON so the officer can review and correct it across requests; confirming
    creates the ``Plan`` in one transaction and links it here.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Chờ xác nhận")
        CONFIRMED = "confirmed", _("Đã tạo kế hoạch")
        DISCARDED = "discarded", _("Đã hủy")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="plan_imports")
    year = models.PositiveSmallIntegerField(_("năm"))
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PREVIEW)
    analysis = models.JSONField(_("kết quả phân tích"), default=dict)
    plan = models.OneToOneField(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_record")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nhập kế hoạch từ văn bản")
        verbose_name_plural = _("nhập kế hoạch từ văn bản")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
