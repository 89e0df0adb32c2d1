"""Levels, online levels and compliance-cost activities of an administrative procedure (TTHC).

Each choice also lists the spellings an officer types in a spreadsheet ("cấp tỉnh",
"Tỉnh", "toàn trình"), so imports accept them; exports always write the value.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class CostActivity(models.TextChoices):
    """The activities a citizen spends time on, after the forms of Thông tư 02/2017/TT-VPCP."""

    INFORMATION = "information", _("Tìm hiểu thông tin về thủ tục")
    PREPARATION = "preparation", _("Chuẩn bị hồ sơ")
    SUBMISSION = "submission", _("Nộp hồ sơ")
    FOLLOW_UP = "follow_up", _("Theo dõi, bổ sung hồ sơ")
    RECEIPT = "receipt", _("Nhận kết quả")


class Stage(models.TextChoices):
    BEFORE = "before", _("Trước đơn giản hóa")
    AFTER = "after", _("Sau đơn giản hóa")


# Folded (lower case, no diacritics) spellings accepted on import, besides the value itself.
LEVEL_ALIASES: dict[str, str] = {
    "tinh": Level.PROVINCE,
    "cap tinh": Level.PROVINCE,
    "huyen": Level.DISTRICT,
    "cap huyen": Level.DISTRICT,
    "xa": Level.COMMUNE,
    "cap xa": Level.COMMUNE,
}
ONLINE_LEVEL_ALIASES: dict[str, str] = {
    "toan trinh": OnlineLevel.FULL,
    "truc tuyen toan trinh": OnlineLevel.FULL,
    "mot phan": OnlineLevel.PARTIAL,
    "truc tuyen mot phan": OnlineLevel.PARTIAL,
    "khong": OnlineLevel.NONE,
    "khong truc tuyen": OnlineLevel.NONE,
    "": OnlineLevel.NONE,
}
