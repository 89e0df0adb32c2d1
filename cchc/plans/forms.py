"""Forms of the plan import pages: they check the input's shape, never the rules.

Whether the user may import for a unit, and whether the document is a plan, is for
the services to say; the upload form only offers the units in the user's scope and
refuses a file too large to be worth reading.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.documents.readers import DEFAULT_MAX_BYTES
from cchc.organizations.models import OrgUnit
from cchc.plans.services import MAX_YEAR, MIN_YEAR

MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
ACCEPTED_EXTENSIONS = (".txt", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


def too_large_message(name: str, size: int | None = None) -> str:
    """The Vietnamese refusal of an upload over the limit, naming the file."""
    if size is None:
        return str(_("Tệp “%(name)s” quá lớn; giới hạn %(limit)s MB.") % {"name": name, "limit": MAX_UPLOAD_MB})
    return str(
        _("Tệp “%(name)s” quá lớn (%(size)s MB); giới hạn %(limit)s MB.")
        % {"name": name, "size": f"{size / (1024 * 1024):.1f}".replace(".", ","), "limit": MAX_UPLOAD_MB}
    )


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """Units by code, labelled with their name and, for ended units, the end date."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        indent = "\u00a0\u00a0" * obj.depth
        if obj.valid_to:
            return f"{indent}{obj.name} ({_('đến')} {obj.valid_to:%d/%m/%Y})"
        return f"{indent}{obj.name}"


class PlanImportUploadForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị ban hành"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        empty_label=None,
        error_messages={"invalid_choice": _("Bạn không thể nhập kế hoạch cho đơn vị này.")},
    )
    year = forms.IntegerField(
        label=_("Năm kế hoạch"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("Để trống: lấy năm ghi trong văn bản, nếu không có thì lấy năm nay."),
    )
    file = forms.FileField(
        label=_("Tệp văn bản kế hoạch"),
        help_text=_("Văn bản (.txt), Word (.docx), PDF hoặc ảnh quét (.png, .jpg, .tif); tối đa %(limit)s MB.")
        % {"limit": MAX_UPLOAD_MB},
        # An empty file reaches the reader, whose message names the file.
        allow_empty_file=True,
        error_messages={"required": _("Hãy chọn tệp văn bản kế hoạch.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101 -- narrows the type for mypy
        unit_field.queryset = units
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)

    def clean_file(self) -> UploadedFile:
        """Refuse an oversized file by its declared size, before anything reads it."""
        uploaded: UploadedFile = self.cleaned_data["file"]
        if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(uploaded.name or "", uploaded.size), code="too_large")
        return uploaded


def unit_year_error(unit: OrgUnit, year: int) -> str | None:
    """Why ``unit`` cannot issue a plan for ``year`` (it did not exist then), or ``None``."""
    if unit.valid_from <= dt.date(year, 12, 31) and (unit.valid_to is None or unit.valid_to >= dt.date(year, 1, 1)):
        return None
    return str(
        _("%(unit)s không tồn tại trong năm %(year)s (hiệu lực %(start)s – %(end)s).")
        % {
            "unit": unit.name,
            "year": year,
            "start": f"{unit.valid_from:%d/%m/%Y}",
            "end": f"{unit.valid_to:%d/%m/%Y}" if unit.valid_to else _("nay"),
        }
    )


class PlanImportNodeForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề"),
        error_messages={"required": _("Tiêu đề không được để trống.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(label=_("Nội dung"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}))


class PlanImportUnitForm(forms.Form):
    """The unit or cohort chosen for one name; an empty code leaves the name unlinked."""

    code = forms.CharField(required=False, max_length=64)


class PlanImportConfirmForm(forms.Form):
    title = forms.CharField(
        label=_("Tên kế hoạch"),
        max_length=500,
        error_messages={"required": _("Hãy nhập tên kế hoạch.")},
    )
