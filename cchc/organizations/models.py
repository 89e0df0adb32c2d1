"""Org units as data: a dated tree with successor links, and cohorts of units.

Vietnam reorganised its provinces in 2025 (Hải Dương merged into Hải Phòng, the
district level ended, departments merged). A unit therefore never disappears: it
gets a ``valid_to`` date and links to its successors, and the plans, dossiers and
scores of its time stay attached to it.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.choices import UnitKind


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def valid_on(self, day: dt.date) -> "OrgUnitQuerySet":
        """Units that exist on ``day`` (``valid_from`` ≤ day ≤ ``valid_to``)."""
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def subtree_of(self, unit: "OrgUnit") -> "OrgUnitQuerySet":
        """``unit`` and all its descendants, through the materialised path."""
        return self.filter(path__startswith=unit.path)


class OrgUnit(TimeStampedModel):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    statistical_code = models.CharField(
        _("mã thống kê"), max_length=16, blank=True, help_text=_("Mã đơn vị hành chính quốc gia, nếu có.")
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # Materialised path of primary keys ("/1/7/"), kept by organizations.services so
    # that "a grant on a unit covers its descendants" is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # Tree order as one sortable string ("00001HD/00003HD.STP/"), so a flat list comes
    # out depth-first with siblings by ``sort_order``; kept by the services with ``path``.
    tree_key = models.CharField(max_length=512, db_index=True, editable=False, default="")
    # Lower-case, accent-free code and names ("so y te"), so search finds "Sở Y tế"
    # from "so y te" or "sở y tế" on SQLite and PostgreSQL alike.
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Cohort(TimeStampedModel):
    """A named group of units that are ranked and counted together.

    "Sở, ban, ngành" and "UBND cấp huyện" are cohorts: PAR index rankings and
    statistics group by them, so they are data, not kinds.
    """

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    aliases = models.JSONField(
        _("tên gọi khác"),
        default=list,
        blank=True,
        help_text=_("Tên văn bản dùng cho nhóm, ví dụ “Các sở, ban, ngành”."),
    )
    members = models.ManyToManyField(OrgUnit, verbose_name=_("đơn vị"), related_name="cohorts", blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")

    def __str__(self) -> str:
        return self.name
