"""Roles a user can hold on an org unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    REFORM_OFFICE = "reform_office", _("Phòng CCHC – Sở Nội vụ")
    APPRAISER = "appraiser", _("Cán bộ thẩm định")
    FOCAL_POINT = "focal_point", _("Đầu mối CCHC của đơn vị")
    LEADER = "leader", _("Lãnh đạo đơn vị")
    VIEWER = "viewer", _("Người xem")
