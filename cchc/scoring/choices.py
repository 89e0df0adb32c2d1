"""States, rule kinds and live-data sources of the PAR index (Chỉ số CCHC).

The allowed transitions of a round and of an appraisal are tables here; each
transition is one named service in ``scoring.services``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.scoring import calculations


class RuleKind(models.TextChoices):
    # Values are those of ``calculations.RuleKind``, so a stored value builds a ``Rule``.
    MANUAL = calculations.RuleKind.MANUAL.value, _("Chấm thủ công")
    BINARY = calculations.RuleKind.BINARY.value, _("Đạt / không đạt")
    BANDS = calculations.RuleKind.BANDS.value, _("Theo ngưỡng")
    LINEAR = calculations.RuleKind.LINEAR.value, _("Tỷ lệ × điểm tối đa")
    LINEAR_TO_TARGET = calculations.RuleKind.LINEAR_TO_TARGET.value, _("Tỷ lệ so với mục tiêu × điểm tối đa")
    DEDUCTION = calculations.RuleKind.DEDUCTION.value, _("Trừ điểm, có mức sàn")
    SURVEY = calculations.RuleKind.SURVEY.value, _("Từ điểm khảo sát")


class NaPolicy(models.TextChoices):
    FULL_POINTS = calculations.NaPolicy.FULL_POINTS.value, _("Không phát sinh: được điểm tối đa")
    REMOVE = calculations.NaPolicy.REMOVE.value, _("Không phát sinh: loại khỏi điểm tối đa")


class AutoSource(models.TextChoices):
    """Where an auto-scored criterion takes its rate (or count) from."""

    NONE = "", _("Không (đơn vị tự chấm)")
    TASKS_ON_TIME = "tasks_on_time", _("Nhiệm vụ kế hoạch hoàn thành đúng hạn")
    DOSSIERS_ON_TIME = "dossiers_on_time", _("Hồ sơ TTHC giải quyết đúng hạn")
    APOLOGY = "apology", _("Hồ sơ quá hạn có văn bản xin lỗi")
    ONLINE = "online", _("Hồ sơ trực tuyến")
    ONLINE_PAYMENT = "online_payment", _("Thanh toán trực tuyến")
    DIGITIZED = "digitized", _("Số hóa hồ sơ")
    DECISION_766 = "decision_766", _("Điểm Bộ chỉ số 766")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    OPEN = "open", _("Đang tự đánh giá, thẩm định")
    LOCKED = "locked", _("Đã khóa")
    PUBLISHED = "published", _("Đã công bố")


ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.LOCKED}),
    RoundStatus.LOCKED: frozenset({RoundStatus.OPEN, RoundStatus.PUBLISHED}),
    RoundStatus.PUBLISHED: frozenset(),
}


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")


class AppraisalStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thẩm định")
    ACCEPTED = "accepted", _("Đồng ý điểm tự chấm")
    CHANGED = "changed", _("Điều chỉnh điểm")
    RETURNED = "returned", _("Trả lại để giải trình")


class ScoreChangeKind(models.TextChoices):
    SELF = "self", _("Tự chấm")
    AUTO = "auto", _("Tính tự động")
    APPRAISAL = "appraisal", _("Thẩm định")
    RETURN = "return", _("Trả lại")
