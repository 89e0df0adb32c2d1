"""The groups of Decision 766 and where an indicator's figure comes from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorGroup(models.TextChoices):
    """The six groups of Quyết định 766/QĐ-TTg (100 points: 18 + 20 + 12 + 10 + 22 + 18, domain.md §5)."""

    PUBLICITY = "publicity", _("Công khai, minh bạch")
    PROGRESS = "progress", _("Tiến độ giải quyết")
    ONLINE = "online", _("Dịch vụ trực tuyến")
    PAYMENT = "payment", _("Thanh toán trực tuyến")
    DIGITISATION = "digitisation", _("Số hóa hồ sơ")
    SATISFACTION = "satisfaction", _("Mức độ hài lòng")


class IndicatorSource(models.TextChoices):
    """Which live figure feeds an indicator (``calculations.fraction``), or ``manual`` (the reform office enters it)."""

    PROGRESS = "progress", _("Hồ sơ đúng hạn, còn trong hạn / hồ sơ đã và đang giải quyết")
    ONLINE = "online", _("Hồ sơ trực tuyến / hồ sơ tiếp nhận")
    PAYMENT = "payment", _("Hồ sơ thanh toán trực tuyến / hồ sơ tiếp nhận")
    DIGITISATION = "digitisation", _("Hồ sơ được số hóa / hồ sơ tiếp nhận")
    ELECTRONIC_RESULT = "electronic_result", _("Hồ sơ có kết quả điện tử / hồ sơ đã giải quyết")
    SATISFACTION = "satisfaction", _("Điểm đánh giá trung bình / 18")
    MANUAL = "manual", _("Phòng CCHC nhập theo tháng")
