"""Plan states and node kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    CLOSED = "closed", _("Đã kết thúc")


class NodeKind(models.TextChoices):
    PART = "part", _("Phần")
    CHAPTER = "chapter", _("Chương")
    SECTION = "section", _("Mục")
    ARTICLE = "article", _("Điều")
    ROMAN = "roman", _("Mục La Mã")
    ITEM = "item", _("Khoản")
    LETTER = "letter", _("Điểm")
    BULLET = "bullet", _("Gạch đầu dòng")
    TABLE_ROW = "table_row", _("Dòng phụ lục")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")
    MENTIONED = "mentioned", _("Được nêu")
