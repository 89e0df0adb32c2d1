"""Forms of the PAR index pages: they check and convert what was typed, nothing more.

The rules (points within the criterion's maximum, a reason for a change, which
transition is allowed) belong to ``scoring.services``; a form only turns text into
values: a points value typed ``"8,5"`` or ``"8.5"``, a CSV file into located rows.
"""

import csv
import io
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.errors import ApplicationError
from cchc.scoring.models import CriteriaSet
from cchc.scoring.services import AppraisalDecision, parse_points

SURVEY_MAX_BYTES = 1024 * 1024
SURVEY_COLUMNS = ("unit_code", "points")
_DELIMITERS = (";", ",", "\t")


def _points(value: Any, label: str) -> Decimal | None:
    try:
        return parse_points(value, label=label)
    except ApplicationError as exc:
        raise forms.ValidationError(exc.message, code="points") from exc


class CriteriaSetChoiceField(forms.ModelChoiceField[CriteriaSet]):
    def label_from_instance(self, obj: CriteriaSet) -> str:
        years = f"{obj.year_from}–{obj.year_to}" if obj.year_to else _("từ %(year)d") % {"year": obj.year_from}
        return f"{obj.name} ({obj.cohort.name}, {years})"


class RoundCreateForm(forms.Form):
    """A new round: a criteria set the user manages, a year it covers, an optional self-assessment deadline."""

    criteria_set = CriteriaSetChoiceField(
        label=gettext_lazy("Bộ tiêu chí"),
        queryset=CriteriaSet.objects.none(),
        empty_label=gettext_lazy("– Chọn bộ tiêu chí –"),
        error_messages={
            "required": gettext_lazy("Chọn bộ tiêu chí."),
            "invalid_choice": gettext_lazy("Chọn bộ tiêu chí trong danh sách."),
        },
    )
    year = forms.IntegerField(
        label=gettext_lazy("Năm đánh giá"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Nhập năm đánh giá."),
            "invalid": gettext_lazy("Năm đánh giá phải là một số, ví dụ 2024."),
            "min_value": gettext_lazy("Năm đánh giá phải từ 2000 đến 2100."),
            "max_value": gettext_lazy("Năm đánh giá phải từ 2000 đến 2100."),
        },
    )
    self_deadline = forms.DateField(
        label=gettext_lazy("Hạn tự đánh giá"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.")},
    )

    def __init__(self, *args: Any, criteria_sets: QuerySet[CriteriaSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CriteriaSetChoiceField, self.fields["criteria_set"]).queryset = criteria_sets


class SurveyUploadForm(forms.Form):
    """A CSV of survey points: header ``unit_code,points`` (``;`` also accepted), UTF-8 with or without BOM.

    ``cleaned_data["rows"]`` holds ``(line, unit code, points text)`` for the service,
    which checks units and ranges; here only the file's shape is checked.
    """

    file = forms.FileField(
        label=gettext_lazy("Tệp CSV điểm điều tra xã hội học"),
        help_text=gettext_lazy("Hai cột có tiêu đề unit_code (mã đơn vị) và points (điểm); mã hóa UTF-8."),
        error_messages={"required": gettext_lazy("Chọn tệp CSV để tải lên.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        uploaded = cleaned.get("file")
        if uploaded is None:
            return cleaned
        name = PurePosixPath((uploaded.name or "").replace("\\", "/")).name
        if not name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Tệp “%(name)s”: chỉ nhận tệp .csv.") % {"name": name}, code="type")
        if uploaded.size is not None and uploaded.size > SURVEY_MAX_BYTES:
            raise forms.ValidationError(_("Tệp “%(name)s” quá lớn; giới hạn 1 MB.") % {"name": name}, code="size")
        raw = uploaded.read(SURVEY_MAX_BYTES + 1)
        if len(raw) > SURVEY_MAX_BYTES:
            raise forms.ValidationError(_("Tệp “%(name)s” quá lớn; giới hạn 1 MB.") % {"name": name}, code="size")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                _("Tệp “%(name)s”: không đọc được theo mã UTF-8 (lỗi ở byte %(position)d); hãy lưu lại dạng CSV UTF-8.")
                % {"name": name, "position": exc.start + 1},
                code="encoding",
            ) from exc
        cleaned["rows"] = self._rows(name, text)
        cleaned["filename"] = name
        return cleaned

    @staticmethod
    def _rows(name: str, text: str) -> list[tuple[int, str, str]]:
        header = text.split("\n", 1)[0]
        delimiter = next((d for d in _DELIMITERS if d in header), ",")
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = [column.strip().lower() for column in reader.fieldnames or []]
        missing = [column for column in SURVEY_COLUMNS if column not in columns]
        if missing:
            raise forms.ValidationError(
                _("Tệp “%(name)s”, dòng 1: thiếu cột %(columns)s (dòng tiêu đề phải có unit_code và points).")
                % {"name": name, "columns": ", ".join(missing)},
                code="columns",
            )
        reader.fieldnames = columns
        rows: list[tuple[int, str, str]] = []
        try:
            for record in reader:
                values = [value for value in record.values() if isinstance(value, str)]
                if not any(value.strip() for value in values):
                    continue  # a blank line
                rows.append((reader.line_num, record.get("unit_code") or "", record.get("points") or ""))
        except csv.Error as exc:
            raise forms.ValidationError(
                _("Tệp “%(name)s”, dòng %(line)d: không đọc được (%(error)s).")
                % {"name": name, "line": reader.line_num, "error": exc},
                code="csv",
            ) from exc
        if not rows:
            raise forms.ValidationError(_("Tệp “%(name)s” không có dòng dữ liệu nào.") % {"name": name}, code="empty")
        return rows


class ScoreSelfForm(forms.Form):
    """The focal point's self score on one leaf: points or "không phát sinh", and the explanation."""

    points = forms.CharField(
        label=gettext_lazy("Điểm tự chấm"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    not_applicable = forms.BooleanField(label=gettext_lazy("Không phát sinh"), required=False)
    explanation = forms.CharField(
        label=gettext_lazy("Giải trình"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": gettext_lazy("Giải trình dài tối đa %(limit_value)d ký tự.")},
    )

    def clean_points(self) -> Decimal | None:
        return _points(self.cleaned_data.get("points"), _("Điểm tự chấm"))


DECISION_CHOICES = [
    (AppraisalDecision.ACCEPT, gettext_lazy("Đồng ý điểm tự chấm")),
    (AppraisalDecision.CHANGE, gettext_lazy("Điều chỉnh điểm")),
    (AppraisalDecision.RETURN, gettext_lazy("Trả lại để giải trình")),
]


class AppraisalForm(forms.Form):
    """The appraiser's decision on one score; the pressed button gives ``decision``."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Quyết định"),
        choices=DECISION_CHOICES,
        error_messages={
            "required": gettext_lazy("Chọn đồng ý, điều chỉnh điểm hoặc trả lại."),
            "invalid_choice": gettext_lazy("Chọn đồng ý, điều chỉnh điểm hoặc trả lại."),
        },
    )
    points = forms.CharField(
        label=gettext_lazy("Điểm thẩm định"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh, trả lại"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": gettext_lazy("Lý do dài tối đa %(limit_value)d ký tự.")},
    )

    def clean_points(self) -> Decimal | None:
        return _points(self.cleaned_data.get("points"), _("Điểm thẩm định"))


class EvidenceUploadForm(forms.Form):
    """One evidence file for a score; type, size and content are checked by ``scoring.evidence``."""

    file = forms.FileField(
        label=gettext_lazy("Tải tệp minh chứng"),
        error_messages={"required": gettext_lazy("Chọn tệp minh chứng để tải lên.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"}),
    )


APPRAISAL_STATUS_FILTER = [
    ("", gettext_lazy("Tất cả")),
    ("pending", gettext_lazy("Chờ thẩm định")),
    ("done", gettext_lazy("Đã thẩm định")),
    ("returned", gettext_lazy("Đã trả lại")),
]


class AppraisalFilterForm(forms.Form):
    """The appraisal queue's filters (GET): round, unit, state. Unknown values fall back to "all"."""

    dot = forms.TypedChoiceField(label=gettext_lazy("Đợt đánh giá"), required=False, coerce=int, empty_value=None)
    don_vi = forms.ChoiceField(label=gettext_lazy("Đơn vị được đánh giá"), required=False)
    trang_thai = forms.ChoiceField(label=gettext_lazy("Tình trạng"), required=False, choices=APPRAISAL_STATUS_FILTER)

    def __init__(self, *args: Any, rounds: list[tuple[int, str]], units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dot"]).choices = [("", _("Tất cả các đợt")), *rounds]
        cast(forms.ChoiceField, self.fields["don_vi"]).choices = [("", _("Tất cả đơn vị")), *units]

    def values(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a stale link) is ignored rather than refused."""
        self.is_valid()  # an invalid field is left out of cleaned_data
        return {name: self.cleaned_data.get(name) for name in ("dot", "don_vi", "trang_thai")}
