"""The procedure catalogue: one row per administrative procedure (TTHC) of the province.

A procedure carries what the published catalogue says (code, name, field, level,
competent authority, time limit, fee, online level, legal basis) and the inputs of
its compliance cost before and after a proposed simplification (Thông tư
02/2017/TT-VPCP). The cost itself is never stored: ``cost()`` computes it from the
inputs with ``procedures.calculations``, so a figure cannot drift from its inputs.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import OrgUnit
from cchc.procedures.calculations import DEFAULT_HOURLY_COST, CostComparison, CostInputs, compare_costs
from cchc.procedures.choices import CostActivity, Level, OnlineLevel

HOURS = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}
MONEY = {"max_digits": 14, "decimal_places": 0, "validators": [MinValueValidator(Decimal(0))]}


def hours_field_name(activity: str, stage: str) -> str:
    """``hours_preparation_before``: the model field (and file column) for one activity and stage."""
    return f"hours_{activity}_{stage}"


class Procedure(TimeStampedModel):
    code = models.CharField(
        _("mã thủ tục"), max_length=40, unique=True, help_text=_("Mã trên Cơ sở dữ liệu quốc gia về TTHC, nếu có.")
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=255)
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices)
    competent_authority = models.CharField(
        _("cơ quan có thẩm quyền"), max_length=500, blank=True, help_text=_("Ví dụ: Ủy ban nhân dân cấp xã.")
    )
    units = models.ManyToManyField(OrgUnit, verbose_name=_("đơn vị thực hiện"), blank=True, related_name="procedures")
    time_limit_days = models.PositiveIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    # ``None`` means the catalogue states no fee; 0 means the procedure is free.
    fee = models.DecimalField(_("phí, lệ phí (đồng)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    fee_note = models.CharField(_("ghi chú phí, lệ phí"), max_length=500, blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)

    dossiers_per_year = models.PositiveIntegerField(_("số hồ sơ/năm"), null=True, blank=True)
    hourly_cost = models.DecimalField(
        _("chi phí giờ công (đồng/giờ)"),
        default=DEFAULT_HOURLY_COST,
        **MONEY,  # type: ignore[arg-type]
    )
    hours_information_before = models.DecimalField(_("giờ tìm hiểu – trước"), default=0, **HOURS)  # type: ignore[arg-type]
    hours_preparation_before = models.DecimalField(_("giờ chuẩn bị – trước"), default=0, **HOURS)  # type: ignore[arg-type]
    hours_submission_before = models.DecimalField(_("giờ nộp – trước"), default=0, **HOURS)  # type: ignore[arg-type]
    hours_follow_up_before = models.DecimalField(_("giờ theo dõi – trước"), default=0, **HOURS)  # type: ignore[arg-type]
    hours_receipt_before = models.DecimalField(_("giờ nhận kết quả – trước"), default=0, **HOURS)  # type: ignore[arg-type]
    fees_before = models.DecimalField(_("phí, lệ phí – trước (đồng)"), default=0, **MONEY)  # type: ignore[arg-type]
    other_costs_before = models.DecimalField(_("chi phí khác – trước (đồng)"), default=0, **MONEY)  # type: ignore[arg-type]
    # After a simplification: an empty input keeps its "before" value; all empty means
    # no simplification is proposed (and no reduction is shown).
    hours_information_after = models.DecimalField(_("giờ tìm hiểu – sau"), null=True, blank=True, **HOURS)  # type: ignore[arg-type]
    hours_preparation_after = models.DecimalField(_("giờ chuẩn bị – sau"), null=True, blank=True, **HOURS)  # type: ignore[arg-type]
    hours_submission_after = models.DecimalField(_("giờ nộp – sau"), null=True, blank=True, **HOURS)  # type: ignore[arg-type]
    hours_follow_up_after = models.DecimalField(_("giờ theo dõi – sau"), null=True, blank=True, **HOURS)  # type: ignore[arg-type]
    hours_receipt_after = models.DecimalField(_("giờ nhận kết quả – sau"), null=True, blank=True, **HOURS)  # type: ignore[arg-type]
    fees_after = models.DecimalField(_("phí, lệ phí – sau (đồng)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    other_costs_after = models.DecimalField(_("chi phí khác – sau (đồng)"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]

    # Lower-case, accent-free code, name, field and authority, so search finds
    # "Đăng ký khai sinh" from "dang ky khai sinh"; kept by procedures.services.
    search_text = models.CharField(max_length=1400, editable=False, default="")

    class Meta:
        ordering = ["field", "level", "code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        constraints = [
            models.CheckConstraint(condition=Q(hourly_cost__gte=0), name="procedure_hourly_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def _inputs(self, stage: str, fallback: CostInputs | None = None) -> CostInputs:
        hours = []
        for index, activity in enumerate(CostActivity.values):
            value = getattr(self, hours_field_name(activity, stage))
            hours.append(fallback.hours[index] if value is None and fallback else Decimal(value or 0))
        fees = getattr(self, f"fees_{stage}")
        other = getattr(self, f"other_costs_{stage}")
        return CostInputs(
            hours=tuple(hours),
            fees=fallback.fees if fees is None and fallback else Decimal(fees or 0),
            other_costs=fallback.other_costs if other is None and fallback else Decimal(other or 0),
        )

    @property
    def has_simplification(self) -> bool:
        """Whether any "after" input is given."""
        names = [hours_field_name(a, "after") for a in CostActivity.values] + ["fees_after", "other_costs_after"]
        return any(getattr(self, name) is not None for name in names)

    def cost(self) -> CostComparison:
        """The compliance cost before and, if proposed, after the simplification."""
        before = self._inputs("before")
        after = self._inputs("after", before) if self.has_simplification else None
        return compare_costs(
            before, after, hourly_cost=Decimal(self.hourly_cost), dossiers_per_year=self.dossiers_per_year
        )
