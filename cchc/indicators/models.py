"""The Decision 766 index as versioned data: a set of weighted indicators with effective dates, and manual values.

Weights and targets change when the Prime Minister or the province changes them, so
they are rows, not code: an ``IndicatorSet`` with its ``Indicator`` rows is in force
between two dates, and the month's figures are scored with the set in force on the
month's last day (``selectors.indicator_set_for_month``). Two sets in force on the same
day are a data error, refused by ``IndicatorSet.clean`` and by the selector.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.indicators.choices import IndicatorGroup, IndicatorSource
from cchc.organizations.models import OrgUnit


class IndicatorSet(TimeStampedModel):
    """One version of the index (e.g. Decision 766 as published, or a province's own targets)."""

    code = models.SlugField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên bộ chỉ số"), max_length=500)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.TextField(
        _("ghi chú"),
        blank=True,
        help_text=_("Nguồn của các chỉ tiêu và việc tỉnh thay bằng chỉ tiêu riêng (bộ mới có ngày hiệu lực)."),
    )

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="indicator_set_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def clean(self) -> None:
        """Refuse a set whose dates overlap another set's: the month's set must be unambiguous."""
        if self.effective_from is None:
            return
        others = IndicatorSet.objects.exclude(pk=self.pk).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if self.effective_to is not None:
            others = others.filter(effective_from__lte=self.effective_to)
        clash = others.order_by("effective_from").first()
        if clash is not None:
            raise ValidationError(
                _("Thời gian hiệu lực trùng với bộ chỉ số “%(code)s” (từ %(start)s). Hãy đặt ngày kết thúc cho bộ cũ.")
                % {"code": clash.code, "start": clash.effective_from.strftime("%d/%m/%Y")},
                code="overlap",
            )


class Indicator(models.Model):
    """One scored indicator: its weight (``max_points``), target rate and the figure that feeds it."""

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("mã"), max_length=32)
    group = models.CharField(_("nhóm chỉ số"), max_length=16, choices=IndicatorGroup.choices)
    name = models.CharField(_("tên chỉ số"), max_length=500)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # A rate in (0, 1]; empty: points = rate × max_points.
    target = models.DecimalField(
        _("chỉ tiêu (tỷ lệ)"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Tỷ lệ từ 0 đến 1; đạt chỉ tiêu thì được điểm tối đa. Để trống: điểm = tỷ lệ × điểm tối đa."),
    )
    source = models.CharField(_("nguồn số liệu"), max_length=24, choices=IndicatorSource.choices)
    formula = models.TextField(_("cách tính"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["indicator_set", "order", "code"]
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_code_per_set"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="indicator_max_points_not_negative"),
            # A target of 0 would divide by zero; "no target" is NULL.
            models.CheckConstraint(
                condition=Q(target__isnull=True) | (Q(target__gt=0) & Q(target__lte=1)),
                name="indicator_target_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class IndicatorValue(TimeStampedModel):
    """A rate entered by the reform office for a ``manual`` indicator, one unit and one month.

    Written only by ``services.indicator_value_set`` (which checks the role, the set in
    force and the range, and writes the audit row).
    """

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    value = models.DecimalField(
        _("tỷ lệ"), max_digits=5, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    note = models.CharField(_("ghi chú, nguồn"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["year", "month", "indicator", "unit"]
        verbose_name = _("giá trị chỉ số nhập tay")
        verbose_name_plural = _("giá trị chỉ số nhập tay")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "year", "month"], name="indicator_value_key"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="indicator_value_month"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=1), name="indicator_value_rate"),
        ]
        indexes = [models.Index(fields=["year", "month"], name="indicator_value_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.month:02d}/{self.year}: {self.value}"
