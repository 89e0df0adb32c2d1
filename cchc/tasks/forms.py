"""Forms of the plan, task and progress pages: they check the input's shape, never the rules.

Whether the user may change a task, report on it or review an update, and whether a
report is consistent (a done task needs its completion date), is for the services to
say; their ``ApplicationError`` becomes a form error naming the field.
"""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.core.calendar import FIRST_YEAR, LAST_YEAR
from cchc.organizations.models import OrgUnit
from cchc.plans.models import PlanNode
from cchc.tasks.calculations import OVERDUE
from cchc.tasks.choices import DeadlineKind, ProductKind, TaskStatus

#: The "area" filter value of the tasks that belong to no area (section IV duties).
NO_AREA = "khac"
#: How large a spreadsheet the plan page accepts; a plan of 2 000 rows is far below.
MAX_XLSX_BYTES = 5 * 1024 * 1024
#: How many evidence files one submission of the update form may carry.
MAX_EVIDENCE_FILES = 10


def status_filter_choices() -> list[tuple[str, Any]]:
    """The stored statuses and "overdue", which the calendar decides (never stored)."""
    return [("", _("Tất cả")), (OVERDUE, _("Quá hạn")), *TaskStatus.choices]


class CalendarDateField(forms.DateField):
    """A date the working-day calendar knows (``FIRST_YEAR``–``LAST_YEAR``): overdue is decided on it."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Ngày phải trong các năm %(first)s–%(last)s (phạm vi của lịch ngày làm việc).")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
                code="out_of_calendar",
            )


class UnitChoiceField(forms.ModelChoiceField[OrgUnit]):
    """A unit by code, labelled with its short name."""

    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.short_name or obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField[OrgUnit]):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.short_name or obj.name


class TaskFilterForm(forms.Form):
    """The plan page's filters; an unknown value is dropped rather than refused.

    Field names are the Vietnamese query parameters of the page URL, so a filtered
    view can be bookmarked and shared (``?linh_vuc=procedures&trang_thai=overdue``).
    """

    linh_vuc = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    don_vi = forms.ChoiceField(label=_("Đơn vị"), required=False)
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    muc = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["linh_vuc"].choices = [("", _("Tất cả")), *areas]  # type: ignore[attr-defined]
        self.fields["don_vi"].choices = [  # type: ignore[attr-defined]
            ("", _("Tất cả")),
            *((unit.code, unit.short_name or unit.name) for unit in units),
        ]
        self.fields["trang_thai"].choices = status_filter_choices()  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The valid filters, each invalid or empty one left out."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data[name]
            for name in ("linh_vuc", "don_vi", "trang_thai", "muc")
            if data.get(name) and name not in self.errors
        }


class TaskEditForm(forms.Form):
    """The fields of a task an editor changes inline on the plan page."""

    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), strip=True)
    lead_unit = UnitChoiceField(
        label=_("Cơ quan chủ trì"), queryset=OrgUnit.objects.none(), to_field_name="code", empty_label=None
    )
    coordinating_units = UnitMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    product_kind = forms.ChoiceField(label=_("Loại sản phẩm"), choices=ProductKind.choices)
    product = forms.CharField(label=_("Sản phẩm"), max_length=500, required=False)
    deadline_kind = forms.ChoiceField(label=_("Loại thời hạn"), choices=DeadlineKind.choices)
    due_date = CalendarDateField(
        label=_("Hạn hoàn thành"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deadline_label = forms.CharField(label=_("Thời hạn ghi trong văn bản"), max_length=64, required=False)
    weight = forms.DecimalField(label=_("Trọng số"), min_value=0, max_digits=6, decimal_places=2)
    is_public = forms.BooleanField(label=_("Công khai tiến độ cho người dân"), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "coordinating_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 -- narrows the type for mypy
            field.queryset = units


class PlanIssueForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=64)
    issued_on = CalendarDateField(label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))


class XlsxUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp XLSX"),
        help_text=_("Tệp theo mẫu “Tải XLSX”: STT, nội dung, chủ trì, phối hợp, sản phẩm, thời gian, tiến độ."),
        error_messages={"required": _("Hãy chọn tệp XLSX.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        uploaded: UploadedFile = self.cleaned_data["file"]
        name = uploaded.name or ""
        if not name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Tệp “%(name)s” không phải tệp Excel .xlsx.") % {"name": name}, code="extension"
            )
        if uploaded.size is not None and uploaded.size > MAX_XLSX_BYTES:
            raise forms.ValidationError(
                _("Tệp “%(name)s” quá lớn; giới hạn %(limit)s MB.")
                % {"name": name, "limit": MAX_XLSX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return uploaded


class UnitPlanForm(forms.Form):
    unit = forms.CharField(max_length=32)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list may be empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(
                _("Mỗi lần gửi tối đa %(n)s tệp minh chứng.") % {"n": MAX_EVIDENCE_FILES}, code="too_many"
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class TaskUpdateForm(forms.Form):
    """A progress report: what the unit did, how far, and its evidence files."""

    unit = forms.ChoiceField(label=_("Đơn vị báo cáo"))
    reported_status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    completed_on = CalendarDateField(
        label=_("Ngày hoàn thành"),
        required=False,
        help_text=_("Chỉ ghi khi đã hoàn thành."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    narrative = forms.CharField(
        label=_("Nội dung báo cáo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Đã làm gì, kết quả, khó khăn, kiến nghị."),
    )
    evidence_files = MultipleFileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("Văn bản, ảnh chụp, báo cáo (PDF, Word, Excel, ảnh); có thể chọn nhiều tệp."),
    )

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit in units}
        self.fields["unit"].choices = [(unit.code, unit.name) for unit in units]  # type: ignore[attr-defined]

    def clean_unit(self) -> OrgUnit:
        return self.units[self.cleaned_data["unit"]]


class TaskUpdateEditForm(TaskUpdateForm):
    """The same report, corrected: the unit stays the one that wrote it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=[], **kwargs)
        del self.fields["unit"]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi lý do trả lại để đơn vị biết cần sửa gì.")},
    )


class NodeChoiceField(forms.ModelChoiceField[PlanNode]):
    """An item of the plan by its path, labelled "II.3.b Tiếp tục rà soát…"."""

    def label_from_instance(self, obj: PlanNode) -> str:
        title = obj.title if len(obj.title) <= 70 else f"{obj.title[:69]}…"
        return f"{obj.path} {title}"


class TargetForm(forms.Form):
    """A target as an editor of the plan sets it; the rules (≥ 0, % ≤ 100) are the service's."""

    indicator = forms.CharField(
        label=_("Chỉ tiêu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )
    node = NodeChoiceField(
        label=_("Mục của kế hoạch"),
        queryset=PlanNode.objects.none(),
        to_field_name="path",
        required=False,
        empty_label=_("(Toàn kế hoạch)"),
    )
    unit = UnitChoiceField(
        label=_("Đơn vị"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("(Toàn kế hoạch)"),
    )
    measure_unit = forms.CharField(label=_("Đơn vị tính"), max_length=32, initial="%")
    target_value = forms.DecimalField(label=_("Giá trị mục tiêu"), max_digits=14, decimal_places=2)
    actual_value = forms.DecimalField(label=_("Giá trị đạt được"), max_digits=14, decimal_places=2, required=False)
    period = forms.CharField(
        label=_("Kỳ"), max_length=32, required=False, help_text=_("Ví dụ: Năm 2023, 6 tháng đầu năm 2023.")
    )

    def __init__(self, *args: Any, nodes: QuerySet[PlanNode], units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("node", nodes), ("unit", units)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 -- narrows the type for mypy
            field.queryset = queryset


class TargetActualForm(forms.Form):
    """The actual value a unit reports for its target; empty means not known yet."""

    actual_value = forms.DecimalField(label=_("Giá trị đạt được"), max_digits=14, decimal_places=2, required=False)
