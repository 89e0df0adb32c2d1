"""Forms of the unit report pages: they check the shape of the input only.

The answers of a report are typed, range-checked and cross-checked by the services
(``forms_schema`` through ``report_save``/``report_submit``); ``ReportAnswersForm``
only collects one string per field and one text per section of the template's form.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.organizations.models import OrgUnit

MAX_ANSWER_LENGTH = 2000
MAX_NARRATIVE_LENGTH = 50_000


def field_name(code: str) -> str:
    """The form field of a report field (``f_dossiers_received``)."""
    return f"f_{code}"


def narrative_name(section_code: str) -> str:
    """The form field of a section's narrative (``n_II.3``)."""
    return f"n_{section_code}"


class ReportAnswersForm(forms.Form):
    """One text input per field and one textarea per narrative section of a template's form."""

    def __init__(self, data: Any = None, *, definition: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.definition = definition
        for section in definition:
            if section.get("narrative"):
                self.fields[narrative_name(section["code"])] = forms.CharField(
                    label=section.get("title", section["code"]),
                    required=False,
                    max_length=MAX_NARRATIVE_LENGTH,
                    widget=forms.Textarea,
                    strip=True,
                )
            for item in section.get("fields", ()):
                self.fields[field_name(item["code"])] = forms.CharField(
                    label=item.get("label", item["code"]), required=False, max_length=MAX_ANSWER_LENGTH, strip=True
                )

    def answers(self) -> dict[str, str]:
        """The raw answer of every field, by field code (an empty string when left blank)."""
        return {
            item["code"]: self.cleaned_data.get(field_name(item["code"]), "")
            for section in self.definition
            for item in section.get("fields", ())
        }

    def narratives(self) -> dict[str, str]:
        """The narrative of every narrative section, by section code."""
        return {
            section["code"]: self.cleaned_data.get(narrative_name(section["code"]), "")
            for section in self.definition
            if section.get("narrative")
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Đơn vị sẽ thấy lý do này trên báo cáo và sửa theo đó."),
    )


class OpenReportForm(forms.Form):
    """Which period of which template, for which unit: the view checks them against the user's scope."""

    template = forms.IntegerField(min_value=1)
    unit = forms.IntegerField(min_value=1)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    period_index = forms.IntegerField(min_value=1, max_value=12)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit by its full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LockExceptionForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Đơn vị"), queryset=OrgUnit.objects.none(), empty_label=_("– Chọn đơn vị –"), to_field_name="pk"
    )
    until = forms.DateField(
        label=_("Mở khóa đến hết ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đơn vị mới kiện toàn đầu mối, được Sở Nội vụ đồng ý cho gửi muộn."),
    )

    def __init__(self, data: Any = None, *, units: QuerySet[OrgUnit], today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        cast(UnitChoiceField, self.fields["unit"]).queryset = units
        self.fields["until"].initial = today + dt.timedelta(days=7)
