"""Task vocabulary: reform areas, products, deadlines, statuses and the update workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The eight areas of a provincial reform plan (section II of the seed)."""

    DIRECTION = "direction", _("Công tác chỉ đạo, điều hành")
    INSTITUTIONS = "institutions", _("Cải cách thể chế")
    PROCEDURES = "procedures", _("Cải cách thủ tục hành chính")
    APPARATUS = "apparatus", _("Cải cách tổ chức bộ máy")
    CIVIL_SERVICE = "civil_service", _("Cải cách chế độ công vụ")
    PUBLIC_FINANCE = "public_finance", _("Cải cách tài chính công")
    DIGITAL_GOVERNMENT = "digital_government", _("Chính quyền điện tử, chính quyền số")
    IMPACT = "impact", _("Đánh giá tác động của CCHC")


class ProductKind(models.TextChoices):
    PLAN = "plan", _("Kế hoạch")
    REPORT = "report", _("Báo cáo")
    DECISION = "decision", _("Quyết định")
    DOCUMENT = "document", _("Văn bản")
    SYSTEM = "system", _("Hệ thống, phần mềm")
    EVENT = "event", _("Hội nghị, sự kiện")
    OTHER = "other", _("Khác")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Ngày cụ thể")
    PERIOD = "period", _("Kỳ (tháng, quý, năm)")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    ONGOING = "ongoing", _("Thường xuyên")


class TaskStatus(models.TextChoices):
    """Stored statuses. "Overdue" is not stored: it is decided by the calendar."""

    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    CANCELLED = "cancelled", _("Hủy bỏ")


OPEN_STATUSES = frozenset({TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS})
DONE_STATUSES = frozenset({TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE})
OVERDUE_LABEL = _("Quá hạn")


class UpdateState(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


# Allowed transitions of a progress update: (from, to) → the service that performs it.
UPDATE_TRANSITIONS: dict[tuple[str, str], str] = {
    (UpdateState.DRAFT, UpdateState.SUBMITTED): "task_update_submit",
    (UpdateState.RETURNED, UpdateState.SUBMITTED): "task_update_submit",
    (UpdateState.SUBMITTED, UpdateState.RETURNED): "task_update_return",
    (UpdateState.SUBMITTED, UpdateState.ACCEPTED): "task_update_accept",
}
