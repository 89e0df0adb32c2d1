"""Kinds of org unit. A kind describes a unit; it never decides permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    PEOPLES_COMMITTEE_OFFICE = "office", _("Văn phòng UBND")
    DEPARTMENT = "department", _("Sở")
    INSPECTORATE = "inspectorate", _("Thanh tra")
    BOARD = "board", _("Ban")
    AGENCY = "agency", _("Cơ quan, đơn vị khác")
    PRESS = "press", _("Cơ quan báo chí, truyền thông")
    DISTRICT = "district", _("Đơn vị hành chính cấp huyện")
    COMMUNE = "commune", _("Đơn vị hành chính cấp xã")
