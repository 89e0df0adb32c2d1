"""PAR index results: the managers' results page with its exports, and the public results once published.

* ``dot/<id>/ket-qua/``: the ranking of a round within its cohort (ties share a rank),
  points per domain, the change against last year, criteria still unappraised, a domain
  profile per unit (inline SVG; the unit selector swaps it in through HTMX), how the
  ranking moves when one domain weighs ±10 % (``selectors.round_sensitivity``) and the
  band thresholds; with the ranking as XLSX and the appendix as a Decree 30 DOCX. Only
  the managers of the round (``round_policy`` "view") see it; anyone else gets a 404.
* ``cong-bo/``: published rounds by year and cohort, no login.
* ``cong-bo/<id>/``: the same ranking, bands and profiles (no sensitivity, no evidence)
  with CSV/XLSX, a 404 until the round is published. Last year's figures are shown only
  when last year's round was published too.

Every figure comes from ``selectors.round_results``; this module only lays it out.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cchc.core.text import fold
from cchc.organizations.issuers import place_name
from cchc.scoring import exports
from cchc.scoring.calculations import percent_of, round_points
from cchc.scoring.choices import RoundStatus
from cchc.scoring.models import AssessmentRound
from cchc.scoring.policies import round_policy
from cchc.scoring.selectors import (
    RoundResults,
    UnitResult,
    published_rounds,
    round_results,
    round_sensitivity,
)

PROFILE_WIDTH = 520
PROFILE_ROW = 44
PROFILE_LABEL_CHARS = 44
DOCX_FIELD_MAX = 120


# -- fetching -----------------------------------------------------------------------------------


def _managed_round_or_404(user: Any, round_id: int) -> AssessmentRound:
    """The round if ``user`` manages it (``round_policy`` "view"); any other round is a 404."""
    qs = AssessmentRound.objects.select_related("criteria_set__cohort", "criteria_set__unit")
    return round_policy.get_for_user(user, "view", qs, pk=round_id)


def _published_round_or_404(round_id: int) -> AssessmentRound:
    assessment_round = published_rounds().select_related("criteria_set__unit").filter(pk=round_id).first()
    if assessment_round is None:
        raise Http404
    return assessment_round


# -- the page's pieces ------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainCell:
    code: str
    points: Decimal | None
    maximum: Decimal | None
    unscored: int


@dataclass(frozen=True)
class RankingRow:
    """A unit's row of the ranking table, with what the template cannot compute."""

    position: int
    unit: UnitResult
    domains: list[DomainCell]
    tied: bool
    trend: str  # "up", "down", "same" or "" (no previous year)
    change_abs: Decimal | None


def ranking_rows(results: RoundResults, domains: Sequence[exports.DomainColumn]) -> list[RankingRow]:
    """The ranking in order; ``tied`` marks a rank shared with another unit."""
    counts: dict[int, int] = {}
    for row in results.units:
        counts[row.rank] = counts.get(row.rank, 0) + 1
    rows = []
    for position, row in enumerate(results.units, start=1):
        by_code = {d.domain: d for d in row.result.domains}
        cells = []
        for column in domains:
            found = by_code.get(column.code)
            cells.append(
                DomainCell(
                    code=column.code,
                    points=found.points if found else None,
                    maximum=found.maximum if found else None,
                    unscored=found.unscored if found else 0,
                )
            )
        change = row.change
        trend = "" if change is None else "up" if change > 0 else "down" if change < 0 else "same"
        rows.append(
            RankingRow(
                position=position,
                unit=row,
                domains=cells,
                tied=counts[row.rank] > 1,
                trend=trend,
                change_abs=abs(change) if change is not None else None,
            )
        )
    return rows


@dataclass(frozen=True)
class Band:
    label: str
    low: Decimal
    high: Decimal | None  # None for the top band


def band_rows(assessment_round: AssessmentRound) -> list[Band]:
    """The set's bands from the top, each with its range: [low, high) and the top one from ``low`` up."""
    bands = []
    high: Decimal | None = None
    for threshold, label in assessment_round.criteria_set.band_table():
        bands.append(Band(label=label, low=threshold, high=high))
        high = threshold
    return bands


@dataclass(frozen=True)
class ProfileBar:
    code: str
    label: str
    full_label: str
    points: Decimal | None
    maximum: Decimal | None
    percent: Decimal | None
    value_text: str
    average: Decimal | None
    average_text: str
    y: int
    bar_y: int
    width: float
    average_x: float | None
    css: str


@dataclass(frozen=True)
class ProfileChart:
    """One unit's domains as horizontal bars, each its points as a share of its maximum (SVG geometry)."""

    unit: UnitResult
    bars: list[ProfileBar]
    width: int
    height: int
    plot_width: int
    ticks: list[tuple[float, str]]


def _pct(value: Decimal) -> str:
    return f"{number_format(value, 2)} %"


def profile_chart(
    row: UnitResult,
    domains: Sequence[exports.DomainColumn],
    averages: exports.Averages,
    bands: Sequence[Band],
) -> ProfileChart:
    """Bars for ``row``'s domains: points / maximum × 100, the cohort's average as a tick.

    A domain whose criteria were all removed as "không phát sinh" (maximum 0) has no bar
    and says "–", never 0 %. Colours follow the set's bands: the top band, the second, the rest.
    """
    by_code = {d.domain: d for d in row.result.domains}
    plot_width = PROFILE_WIDTH
    top = bands[0].low if bands else Decimal(90)
    second = bands[1].low if len(bands) > 1 else top
    bars = []
    for index, column in enumerate(domains):
        domain = by_code.get(column.code)
        percent = (
            round_points(percent_of(domain.points, domain.maximum)) if domain is not None and domain.maximum else None
        )
        if domain is None or percent is None:
            value_text = "–"
        else:
            value_text = _("%(points)s/%(max)s điểm · %(percent)s") % {
                "points": number_format(domain.points, 2),
                "max": number_format(domain.maximum, 2),
                "percent": _pct(percent),
            }
        average = averages.domain_percents.get(column.code)
        label = column.label
        short = label if len(label) <= PROFILE_LABEL_CHARS else label[: PROFILE_LABEL_CHARS - 1].rstrip() + "…"
        css = "none" if percent is None else "done" if percent >= top else "mid" if percent >= second else "low"
        y = index * PROFILE_ROW
        bars.append(
            ProfileBar(
                code=column.code,
                label=short,
                full_label=label,
                points=domain.points if domain is not None else None,
                maximum=domain.maximum if domain is not None else None,
                percent=percent,
                value_text=value_text,
                average=average,
                average_text=(
                    _("Bình quân của nhóm: %(percent)s") % {"percent": _pct(average)} if average is not None else ""
                ),
                y=y + 14,
                bar_y=y + 20,
                width=round(float(percent or 0) * plot_width / 100, 1),
                average_x=round(float(average) * plot_width / 100, 1) if average is not None else None,
                css=css,
            )
        )
    ticks = [(round(plot_width * p / 100, 1), f"{p} %") for p in (0, 25, 50, 75, 100)]
    return ProfileChart(
        unit=row,
        bars=bars,
        width=PROFILE_WIDTH,
        height=max(len(domains), 1) * PROFILE_ROW + 16,
        plot_width=plot_width,
        ticks=ticks,
    )


@dataclass(frozen=True)
class Move:
    unit_code: str
    unit_name: str
    base_rank: int
    new_rank: int
    moved: int

    @property
    def steps(self) -> int:
        return abs(self.moved)


@dataclass(frozen=True)
class SensitivityLine:
    domain: exports.DomainColumn | None
    domain_code: str
    change_percent: int  # −10 or +10
    moves: list[Move]

    @property
    def weight_label(self) -> str:
        """ "−10 %" or "+10 %"."""
        return f"{'−' if self.change_percent < 0 else '+'}{abs(self.change_percent)} %"


def sensitivity_lines(results: RoundResults, domains: Sequence[exports.DomainColumn]) -> list[SensitivityLine]:
    """For each domain weighed −10 % and +10 %: the units whose rank changes, the largest moves first."""
    base = {row.unit_code: row for row in results.units}
    by_code = {d.code: d for d in domains}
    lines = []
    for sensitivity_row in round_sensitivity(results=results):
        moves = [
            Move(
                unit_code=code,
                unit_name=base[code].unit_name,
                base_rank=base[code].rank,
                new_rank=sensitivity_row.ranks[code],
                moved=moved,
            )
            for code, moved in sensitivity_row.moved.items()
            if moved
        ]
        moves.sort(key=lambda move: (-abs(move.moved), move.new_rank, move.unit_code))
        lines.append(
            SensitivityLine(
                domain=by_code.get(sensitivity_row.domain),
                domain_code=sensitivity_row.domain,
                change_percent=int((sensitivity_row.factor - 1) * 100),
                moves=moves,
            )
        )
    return lines


def _selected(results: RoundResults, code: str | None) -> UnitResult | None:
    by_code = results.by_unit()
    if code and code in by_code:
        return by_code[code]
    return results.units[0] if results.units else None


def _results_context(request: HttpRequest, results: RoundResults, *, public: bool) -> dict[str, Any]:
    assessment_round = results.round
    domains = exports.domain_columns(results)
    averages = exports.results_averages(results)
    bands = band_rows(assessment_round)
    selected = _selected(results, request.GET.get("don_vi"))
    rows = ranking_rows(results, domains)
    if public:
        page_url = reverse("scoring:public_results", args=[assessment_round.pk])
    else:
        page_url = reverse("scoring:results", args=[assessment_round.pk])
    return {
        "round": assessment_round,
        "cohort": assessment_round.criteria_set.cohort,
        "criteria_set": assessment_round.criteria_set,
        "public": public,
        "results": results,
        "rows": rows,
        "domains": domains,
        "averages": averages,
        "average_domains": [averages.domains.get(d.code) for d in domains],
        "bands": bands,
        "profile": profile_chart(selected, domains, averages, bands) if selected else None,
        "page_url": page_url,
        "unscored_units": sum(1 for row in results.units if row.result.unscored),
        "has_survey": assessment_round.criteria_set.survey_maximum > 0,
        "has_previous": any(row.previous_percent is not None for row in results.units),
        "is_published": assessment_round.status == RoundStatus.PUBLISHED,
        "is_final": assessment_round.status in (RoundStatus.LOCKED, RoundStatus.PUBLISHED),
    }


def _wants_partial(request: HttpRequest) -> bool:
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _render(request: HttpRequest, page: str, context: dict[str, Any]) -> HttpResponse:
    """The page, or only the domain profile for the HTMX unit selector."""
    template = "scoring/partials/_results_profile.html" if _wants_partial(request) else page
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def attachment(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A download named ``filename`` (Vietnamese), with an ASCII fallback for old clients.

    ``filename="xep-hang-chi-so-cchc-2023-so-ban-nganh.xlsx"`` for clients that read
    only that, ``filename*=UTF-8''…`` (RFC 6266) with the diacritics for the others.
    """
    stem, _dot, extension = filename.rpartition(".")
    fallback = f"{slugify(fold(stem)) or 'tep'}.{extension}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return response


def _file_stem(kind: str, results: RoundResults) -> str:
    """ "Xếp hạng Chỉ số CCHC 2023 - Sở, ban, ngành"."""
    return _("%(kind)s Chỉ số CCHC %(year)d - %(cohort)s") % {
        "kind": kind,
        "year": results.round.year,
        "cohort": results.round.criteria_set.cohort.name,
    }


# -- managers ---------------------------------------------------------------------------------


@login_required
@require_safe
def results_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ranking, domain profiles, sensitivity and bands of a round, for its managers."""
    assessment_round = _managed_round_or_404(request.user, round_id)
    results = round_results(assessment_round=assessment_round)
    context = _results_context(request, results, public=False)
    if not _wants_partial(request):
        domains = context["domains"]
        context["sensitivity"] = sensitivity_lines(results, domains)
        context["docx_defaults"] = {"title": exports.DEFAULT_SIGNER_TITLE}
    return _render(request, "scoring/results.html", context)


@login_required
@require_safe
def results_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ranking as XLSX (sheet "Xếp hạng")."""
    results = round_results(assessment_round=_managed_round_or_404(request.user, round_id))
    response = attachment(
        exports.ranking_xlsx(results),
        content_type=exports.XLSX_CONTENT_TYPE,
        filename=_file_stem(_("Xếp hạng"), results) + ".xlsx",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _docx_field(request: HttpRequest, name: str, default: str = "") -> str:
    """A text typed in the DOCX form: one line, printable characters only (XML refuses control characters)."""
    text = "".join(ch for ch in request.GET.get(name, default) if ch.isprintable() or ch.isspace())
    return " ".join(text.split())[:DOCX_FIELD_MAX]


@login_required
@require_safe
def results_docx(request: HttpRequest, round_id: int) -> HttpResponse:
    """The results appendix in the Decree 30/2020 layout; number and signer may come from the form."""
    results = round_results(assessment_round=_managed_round_or_404(request.user, round_id))
    data = exports.results_docx(
        results,
        number=_docx_field(request, "so"),
        place=place_name(results.round.criteria_set.unit),
        signer_title=_docx_field(request, "chuc_vu", exports.DEFAULT_SIGNER_TITLE) or exports.DEFAULT_SIGNER_TITLE,
        signer_name=_docx_field(request, "nguoi_ky"),
        recipients=exports.DEFAULT_RECIPIENTS,
    )
    response = attachment(
        data, content_type=exports.DOCX_CONTENT_TYPE, filename=_file_stem(_("Phụ lục kết quả"), results) + ".docx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- the public -------------------------------------------------------------------------------


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    """Published rounds, newest year first, one line per cohort."""
    rounds = list(
        published_rounds().select_related("criteria_set__unit").order_by("-year", "criteria_set__cohort__code")
    )
    years = [(year, list(group)) for year, group in itertools.groupby(rounds, key=lambda r: r.year)]
    return render(request, "scoring/public_list.html", {"years": years})


@require_safe
def public_results_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """A published round's ranking, bands and domain profiles, for everyone."""
    results = exports.public_round_results(assessment_round=_published_round_or_404(round_id))
    return _render(request, "scoring/public_results.html", _results_context(request, results, public=True))


@require_safe
def public_results_csv(request: HttpRequest, round_id: int) -> HttpResponse:
    """A published round's ranking as CSV (UTF-8 with a BOM)."""
    results = exports.public_round_results(assessment_round=_published_round_or_404(round_id))
    return attachment(
        exports.ranking_csv(results),
        content_type=exports.CSV_CONTENT_TYPE,
        filename=_file_stem(_("Xếp hạng"), results) + ".csv",
    )


@require_safe
def public_results_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    """A published round's ranking as XLSX."""
    results = exports.public_round_results(assessment_round=_published_round_or_404(round_id))
    return attachment(
        exports.ranking_xlsx(results),
        content_type=exports.XLSX_CONTENT_TYPE,
        filename=_file_stem(_("Xếp hạng"), results) + ".xlsx",
    )


urlpatterns: list[URLPattern] = [
    path("dot/<int:round_id>/ket-qua/", results_page, name="results"),
    path("dot/<int:round_id>/ket-qua/xep-hang.xlsx", results_xlsx, name="results_xlsx"),
    path("dot/<int:round_id>/ket-qua/phu-luc.docx", results_docx, name="results_docx"),
    path("cong-bo/", public_list, name="public_list"),
    path("cong-bo/<int:round_id>/", public_results_page, name="public_results"),
    path("cong-bo/<int:round_id>/xep-hang.csv", public_results_csv, name="public_results_csv"),
    path("cong-bo/<int:round_id>/xep-hang.xlsx", public_results_xlsx, name="public_results_xlsx"),
]
