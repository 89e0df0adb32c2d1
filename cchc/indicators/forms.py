"""The reform office's form for a manual indicator value: it checks the input's shape, the service the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.indicators.services import NOTE_MAX_LENGTH

HUNDRED = Decimal(100)


class IndicatorValueForm(forms.Form):
    """A unit, a manual indicator of the month's set, the rate in percent and a note.

    The month comes in hidden fields (the page's month); the percentage is read with a
    decimal comma or point (92,5 or 92.5) and handed to the service as a rate in [0, 1].
    """

    nam = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=2000,
        max_value=2100,
        error_messages={"required": _("Thiếu năm."), "invalid": _("Năm không hợp lệ.")},
    )
    thang = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=12,
        error_messages={"required": _("Thiếu tháng."), "invalid": _("Tháng không hợp lệ.")},
    )
    don_vi = forms.ChoiceField(
        label=_("Đơn vị"),
        error_messages={
            "required": _("Vui lòng chọn đơn vị."),
            "invalid_choice": _("Đơn vị không có trong danh sách bạn được nhập."),
        },
    )
    chi_so = forms.ChoiceField(
        label=_("Chỉ số"),
        error_messages={
            "required": _("Vui lòng chọn chỉ số."),
            "invalid_choice": _("Chỉ số không thuộc các chỉ số nhập tay của tháng này."),
        },
    )
    ty_le = forms.DecimalField(
        label=_("Tỷ lệ đạt (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("Từ 0 đến 100, tối đa 2 chữ số thập phân, ví dụ 92,5."),
        error_messages={
            "required": _("Vui lòng nhập tỷ lệ đạt."),
            "invalid": _("Tỷ lệ phải là một số, ví dụ 92,5."),
            "min_value": _("Tỷ lệ không được nhỏ hơn %(limit_value)s %%."),
            "max_value": _("Tỷ lệ không được lớn hơn %(limit_value)s %%."),
            "max_digits": _("Tỷ lệ có tối đa %(max)s chữ số."),
            "max_decimal_places": _("Tỷ lệ có tối đa %(max)s chữ số thập phân."),
            "max_whole_digits": _("Tỷ lệ có tối đa 3 chữ số phần nguyên (không quá 100)."),
        },
    )
    ghi_chu = forms.CharField(
        label=_("Ghi chú, nguồn đánh giá"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ghi chú dài tối đa %(limit_value)d ký tự.")},
    )

    def __init__(
        self, *args: Any, units: list[tuple[str, str]], indicators: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [("", _("– Chọn đơn vị –")), *units]  # type: ignore[attr-defined]
        self.fields["chi_so"].choices = indicators  # type: ignore[attr-defined]

    def rate(self) -> Decimal:
        """The entered percentage as a rate in [0, 1]."""
        return Decimal(self.cleaned_data["ty_le"]) / HUNDRED
