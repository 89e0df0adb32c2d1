"""Shared base models and the working-day override table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class CalendarOverride(TimeStampedModel):
    """A date whose status differs from the statutory calendar.

    The ``holidays`` package knows the statutory holidays but not the Saturdays the
    government swaps into working days, nor one-off days off: each such decision is
    one row here, with the official notice that made it, edited by an administrator.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Ngày làm việc")
        DAY_OFF = "day_off", _("Ngày nghỉ")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    source = models.CharField(
        _("căn cứ"), max_length=500, help_text=_("Văn bản, thông báo chính thức quy định ngày này.")
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
