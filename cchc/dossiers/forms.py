"""Forms of the public one-stop pages: the period, the lookup, the rating. They validate input only."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.dossiers.choices import RatingCriterion, RatingScore
from cchc.dossiers.ratings import COMMENT_MAX_LENGTH


class LookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=64, strip=True)


class RatingForm(forms.Form):
    """One 0/1/2 choice per criterion, plus an optional comment (no personal data asked)."""

    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc, không ghi thông tin cá nhân)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in RatingCriterion:
            self.fields[criterion.value] = forms.TypedChoiceField(
                label=criterion.label,
                choices=RatingScore.choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
        # The comment goes last, after the nine criteria.
        self.fields["comment"] = self.fields.pop("comment")

    def scores(self) -> dict[str, int]:
        return {c: self.cleaned_data[c] for c in RatingCriterion.values}

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[c] for c in RatingCriterion.values]
