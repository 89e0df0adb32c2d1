"""The ranking of a round as files: XLSX and CSV for reuse, DOCX for the appendix the province issues.

All three take a :class:`~cchc.scoring.selectors.RoundResults` (``selectors.round_results``)
and write the same columns, in ranking order::

    STT | Mã đơn vị | Tên đơn vị | one column per domain | Điểm điều tra xã hội học |
    Tổng điểm | Điểm tối đa | Chỉ số (%) | Xếp loại | Thứ hạng | Tăng/giảm so với năm trước

A domain column holds the unit's points in that domain; its maximum can be smaller than
the set's when criteria were "không phát sinh" and removed, which is why the unit's own
maximum has a column. Ties share a rank (1, 2, 2, 4); the change against last year is
in percentage points of the published index, empty when last year has no result.

* :func:`ranking_xlsx`: sheet "Xếp hạng", header on row 1 (frozen), numbers as numbers
  with two decimals, so the file sorts and sums as it is.
* :func:`ranking_csv`: the same rows, UTF-8 with a BOM (Excel reads the Vietnamese),
  decimal point, empty cells for missing values.
* :func:`results_docx`: the appendix in the Decree 30/2020 layout (``core.decree30``) on
  landscape A4, since the table is wide, with a row of averages, the band thresholds
  and the domains' names under the table, "Nơi nhận" and the signature block.
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cchc.core.decree30 import TABLE_SIZE, Align, Decree30Document, Signature
from cchc.organizations.issuers import ADMINISTRATIVE_KINDS, issuer_for_unit
from cchc.organizations.models import OrgUnit
from cchc.scoring import calculations
from cchc.scoring.choices import RoundStatus
from cchc.scoring.models import AssessmentRound, Criterion
from cchc.scoring.selectors import RoundResults, UnitResult, previous_round, round_results

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
POINTS_FORMAT = "0.00"


def public_round_results(*, assessment_round: AssessmentRound) -> RoundResults:
    """``round_results`` as the public may see them: last year's index and the change only if it was published.

    A manager sees the change against last year's round whatever its state; the public
    must not read an unpublished index off the difference.
    """
    results = round_results(assessment_round=assessment_round)
    before = previous_round(assessment_round)
    if before is None or before.status != RoundStatus.PUBLISHED:
        results.units = [dataclasses.replace(row, previous_percent=None, change=None) for row in results.units]
    return results


# -- the columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainColumn:
    """A domain of the round's set: its code, name and the set's maximum for it."""

    code: str
    name: str
    max_points: Decimal

    @property
    def label(self) -> str:
        return f"{self.code}. {self.name}"


def domain_columns(results: RoundResults) -> list[DomainColumn]:
    """The domains of the round's criteria set in tree order, with the set's maximum of each."""
    maxima = dict(
        Criterion.objects.filter(criteria_set_id=results.round.criteria_set_id, parent__isnull=True).values_list(
            "code", "max_points"
        )
    )
    return [
        DomainColumn(code=code, name=name, max_points=maxima.get(code, Decimal(0)))
        for code, name in results.domains.items()
    ]


def _leading_headers() -> list[str]:
    return [_("STT"), _("Mã đơn vị"), _("Tên đơn vị")]


def _trailing_headers(*, short: bool = False) -> list[str]:
    """The columns after the domains; ``short`` for the narrow cells of the DOCX table."""
    return [
        _("Điểm điều tra") if short else _("Điểm điều tra xã hội học"),
        _("Tổng điểm"),
        _("Điểm tối đa"),
        _("Chỉ số (%)"),
        _("Xếp loại"),
        _("Thứ hạng"),
        _("Tăng, giảm") if short else _("Tăng/giảm so với năm trước"),
    ]


def ranking_headers(domains: Sequence[DomainColumn]) -> list[str]:
    """The header of the ranking table, domain columns named "1. Công tác chỉ đạo, điều hành"."""
    return [*_leading_headers(), *(d.label for d in domains), *_trailing_headers()]


Cell = str | int | Decimal | None


def ranking_row(position: int, row: UnitResult, domains: Sequence[DomainColumn]) -> list[Cell]:
    """One unit's row as typed values: ints, ``Decimal`` points (two decimals), ``None`` for missing."""
    points = {d.domain: d.points for d in row.result.domains}
    result = row.result
    return [
        position,
        row.unit_code,
        row.unit_name,
        *(points.get(d.code) for d in domains),
        calculations.round_points(result.survey_points),
        result.points,
        result.maximum,
        result.percent,
        result.band,
        row.rank,
        row.change,
    ]


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return calculations.round_points(sum(values, Decimal(0)) / len(values))


@dataclass(frozen=True)
class Averages:
    """The cohort's plain averages (each unit counts once), two decimals; ``None`` without units."""

    domains: dict[str, Decimal | None]
    domain_percents: dict[str, Decimal | None]
    survey_points: Decimal | None
    points: Decimal | None
    maximum: Decimal | None
    percent: Decimal | None


def results_averages(results: RoundResults) -> Averages:
    """Averages over the units of ``results``: per domain (points and % of the unit's maximum) and in total.

    A domain's percent averages the units' own percents and skips a unit whose maximum
    for it is 0 (every criterion removed as "không phát sinh").
    """
    per_domain: dict[str, list[Decimal]] = {code: [] for code in results.domains}
    per_domain_percent: dict[str, list[Decimal]] = {code: [] for code in results.domains}
    for row in results.units:
        for domain in row.result.domains:
            per_domain.setdefault(domain.domain, []).append(domain.points)
            if domain.maximum:
                per_domain_percent.setdefault(domain.domain, []).append(
                    calculations.percent_of(domain.points, domain.maximum)
                )
    units = results.units
    return Averages(
        domains={code: _mean(values) for code, values in per_domain.items()},
        domain_percents={code: _mean(values) for code, values in per_domain_percent.items()},
        survey_points=_mean([row.result.survey_points for row in units]),
        points=_mean([row.result.points for row in units]),
        maximum=_mean([row.result.maximum for row in units]),
        percent=_mean([row.result.percent for row in units]),
    )


def results_title(results: RoundResults) -> str:
    """ "Kết quả Chỉ số cải cách hành chính năm 2023 của Sở, ban, ngành"."""
    return _("Kết quả Chỉ số cải cách hành chính năm %(year)d của %(cohort)s") % {
        "year": results.round.year,
        "cohort": results.round.criteria_set.cohort.name,
    }


# -- XLSX and CSV ----------------------------------------------------------------------------


def ranking_xlsx(results: RoundResults) -> bytes:
    """The ranking as an XLSX workbook: sheet "Xếp hạng", one row per unit in ranking order.

    Row 1 is the header (bold, frozen, repeated on printed pages); points, maximum and
    percent are numbers shown with two decimals, STT and rank whole numbers, a missing
    change an empty cell. The title goes in the document properties and the print header.
    """
    domains = domain_columns(results)
    headers = ranking_headers(domains)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = _("Xếp hạng")
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(name=_FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    sheet.row_dimensions[1].height = 48
    text_columns = {2, 3, len(headers) - 2}  # mã, tên, xếp loại
    for position, row in enumerate(results.units, start=1):
        sheet.append(ranking_row(position, row, domains))
        for index, cell in enumerate(sheet[sheet.max_row], start=1):
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BORDER
            if index == 2:
                cell.number_format = "@"  # a unit code like "01.02" must stay text
            elif index not in text_columns and index not in (1, len(headers) - 1):
                cell.number_format = POINTS_FORMAT
            cell.alignment = Alignment(
                horizontal="left" if index in (2, 3) else "center" if index in text_columns else "right",
                vertical="top",
                wrap_text=index == 3,
            )
    widths = [6, 12, 40, *([14] * len(domains)), 14, 11, 11, 11, 10, 10, 14]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = results_title(results)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = results_title(results)[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ranking_csv(results: RoundResults) -> bytes:
    """The ranking as CSV: the XLSX columns, UTF-8 with a BOM, decimal point, empty for missing."""
    domains = domain_columns(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ranking_headers(domains))
    for position, row in enumerate(results.units, start=1):
        writer.writerow(["" if value is None else str(value) for value in ranking_row(position, row, domains)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- DOCX -------------------------------------------------------------------------------------

DEFAULT_RECIPIENTS = (
    "Bộ Nội vụ (để báo cáo)",
    "Thường trực Tỉnh ủy, Thường trực HĐND tỉnh (để báo cáo)",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
    "Các cơ quan, đơn vị được đánh giá",
    "Cổng thông tin điện tử tỉnh",
    "Lưu: VT, NV",
)
DEFAULT_SIGNER_TITLE = "CHỦ TỊCH"
_PT_TO_MM = 25.4 / 72
# Column widths are measured from the texts with Times New Roman's advance widths (in
# em): digits are exactly half an em, a comma a quarter; letters are estimated, a
# little wide, bold ones wider still. Each cell has 1 mm of margin either side (set on
# the table), plus an allowance for the estimate.
_NARROW_EM = {",": 0.25, ".": 0.25, " ": 0.25, "\u00a0": 0.25, "(": 0.333, ")": 0.333, "%": 0.833}
_CELL_MARGIN_MM = 1.0
_CELL_ALLOWANCE_MM = 1.2
_MAX_COLUMN_MM = 24.0
_MIN_NAME_MM = 40.0
_NAME_COLUMN = 2


def _vn_number(value: Decimal | None, *, signed: bool = False) -> str:
    """``81,94`` (decimal comma, two decimals); ``+1,25`` / ``−0,50`` when signed; ``–`` when missing."""
    if value is None:
        return "–"
    text = f"{abs(value):.2f}".replace(".", ",")
    if not signed:
        return f"-{text}" if value < 0 else text
    if value > 0:
        return f"+{text}"
    return f"−{text}" if value < 0 else text


class _LandscapeDocument(Decree30Document):
    """A Decree 30 document on landscape A4 from its first page: the ranking is too wide for portrait."""

    def __init__(self, *, title: str) -> None:
        super().__init__(title=title)
        self._page_setup(self.document.sections[0], landscape=True)


def _text_mm(text: str, size: float, *, bold: bool = False) -> float:
    """The printed width of ``text`` at ``size`` pt, estimated on the wide side."""
    ems = 0.0
    for char in text:
        if char.isdigit():
            ems += 0.5
        elif char in _NARROW_EM:
            ems += _NARROW_EM[char]
        elif char.isupper():
            ems += 0.74 if bold else 0.70
        else:
            ems += 0.56 if bold else 0.52
    return ems * size * _PT_TO_MM


def _table_layout(
    text_width_mm: float, header: Sequence[str], rows: Sequence[Sequence[str]]
) -> tuple[float, list[float]]:
    """The table's font size and column widths: the largest size (13 pt down to 10 pt) that fits.

    Every column but the unit's name is as wide as its longest cell or longest header
    word (headers wrap between words), at most ``_MAX_COLUMN_MM``; the name takes what is
    left of ``text_width_mm``. The first size that leaves the name ``_MIN_NAME_MM`` wins;
    at 10 pt the name keeps at least 25 mm whatever happens.
    """
    padding = 2 * _CELL_MARGIN_MM + _CELL_ALLOWANCE_MM
    for size in (TABLE_SIZE, 12.0, 11.0, 10.0):
        widths: list[float] = []
        for index, title in enumerate(header):
            if index == _NAME_COLUMN:
                widths.append(0.0)
                continue
            body = max((_text_mm(row[index], size) for row in rows), default=0.0)
            # Split on plain spaces only: a no-break space holds its words together.
            words = [word for word in title.split(" ") if word]
            head = max((_text_mm(word, size, bold=True) for word in words), default=0.0)
            widths.append(round(min(max(body, head) + padding, _MAX_COLUMN_MM), 1))
        name_mm = round(text_width_mm - sum(widths), 1)
        if name_mm >= _MIN_NAME_MM or size == 10.0:
            widths[_NAME_COLUMN] = max(name_mm, 25.0)
            return size, widths
    raise AssertionError("unreachable")  # pragma: no cover


def _narrow_cell_margins(table: Table) -> None:
    """1 mm left and right in every cell (Word's default is 1.9 mm): room for eight domains."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(_CELL_MARGIN_MM * 1440 / 25.4)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    # The schema puts tblCellMar right after tblLayout (which ``core.decree30`` sets).
    properties = table._tbl.tblPr
    layout = properties.find(qn("w:tblLayout"))
    if layout is not None:
        layout.addnext(margins)
    else:
        properties.append(margins)


def _issuer_unit(results: RoundResults) -> OrgUnit:
    return OrgUnit.objects.select_related("parent__parent").get(pk=results.round.criteria_set.unit_id)


def results_docx(
    results: RoundResults,
    *,
    number: str,
    place: str,
    signer_title: str = DEFAULT_SIGNER_TITLE,
    signer_name: str = "",
    recipients: Sequence[str] = DEFAULT_RECIPIENTS,
    date: dt.date | None = None,
) -> bytes:
    """The results appendix in the Decree 30/2020 layout, as the issuing province would sign it.

    The header block names the body that issued the criteria set (a People's Committee
    over two lines, a department under its committee), "Số: …/QĐ-UBND" when ``number`` is
    blank, ``place`` and the date: ``date``, else the day the round was published, else
    blanks to fill with the year after the assessed one (results come out in its first
    quarter). Then "PHỤ LỤC" over the title, the ranking table (columns of
    :func:`ranking_xlsx`, domains as "LV 1", "LV 2" … with a legend under the table) and a
    "Bình quân" row of plain averages, the band thresholds, "Nơi nhận" and the signature:
    "TM. ỦY BAN NHÂN DÂN" over ``signer_title`` for a People's Committee. The text is
    Vietnamese whatever the request's language: this is an administrative document.
    """
    with translation.override("vi"):
        return _results_docx(
            results,
            number=number,
            place=place,
            signer_title=signer_title,
            signer_name=signer_name,
            recipients=recipients,
            date=date,
        )


def _results_docx(
    results: RoundResults,
    *,
    number: str,
    place: str,
    signer_title: str,
    signer_name: str,
    recipients: Sequence[str],
    date: dt.date | None,
) -> bytes:
    assessment_round = results.round
    unit = _issuer_unit(results)
    administrative = unit.kind in ADMINISTRATIVE_KINDS
    if date is None and assessment_round.published_at is not None:
        date = timezone.localdate(assessment_round.published_at)
    title = results_title(results)
    doc = _LandscapeDocument(title=_("Phụ lục: %(title)s") % {"title": title})
    doc.header(
        issuer=issuer_for_unit(unit),
        number=number,
        place=place,
        date=date,
        year=assessment_round.year + 1,
        kind="QĐ",
        symbol="UBND" if administrative else "",
    )
    doc.title(_("Phụ lục"), title)

    domains = domain_columns(results)
    # A no-break space keeps "LV 1" on one line in the narrow header cell.
    short = [(_("LV %(code)s") % {"code": d.code}).replace(" ", "\u00a0") for d in domains]
    header = [*_leading_headers(), *short, *_trailing_headers(short=True)]
    rows = []
    for position, row in enumerate(results.units, start=1):
        points = {d.domain: d.points for d in row.result.domains}
        result = row.result
        rows.append(
            [
                str(position),
                row.unit_code,
                row.unit_name,
                *(_vn_number(points.get(d.code)) for d in domains),
                _vn_number(calculations.round_points(result.survey_points)),
                _vn_number(result.points),
                _vn_number(result.maximum),
                _vn_number(result.percent),
                result.band,
                str(row.rank),
                _vn_number(row.change, signed=True),
            ]
        )
    averages = results_averages(results)
    footer = [
        "",
        "",
        _("Bình quân (%(count)d đơn vị)") % {"count": len(results.units)},
        *(_vn_number(averages.domains.get(d.code)) for d in domains),
        _vn_number(averages.survey_points),
        _vn_number(averages.points),
        _vn_number(averages.maximum),
        _vn_number(averages.percent),
        "",
        "",
        "",
    ]
    numbers: list[Align] = ["right"] * (len(domains) + 4)  # domains, survey, points, maximum, percent
    aligns: list[Align] = ["center", "center", "left", *numbers, "center", "center", "right"]
    size, widths = _table_layout(doc.text_width_mm, header, [*rows, footer])
    _narrow_cell_margins(doc.table(header, rows, widths_mm=widths, aligns=aligns, footer=footer, size=size))

    notes = doc.paragraph(_("Ghi chú:"), bold=True, indent=False, size=TABLE_SIZE)
    notes.paragraph_format.keep_with_next = True
    for column in domains:
        doc.paragraph(
            _("LV %(code)s: %(name)s (tối đa %(max)s điểm).")
            % {"code": column.code, "name": column.name, "max": calculations.fmt(column.max_points)},
            indent=False,
            size=TABLE_SIZE,
        )
    doc.paragraph(
        _("Xếp loại: %(bands)s.") % {"bands": band_text(assessment_round.criteria_set.band_table())},
        indent=False,
        size=TABLE_SIZE,
    )
    doc.paragraph(
        _(
            "Chỉ số (%) = (điểm thẩm định + điểm điều tra xã hội học) / điểm tối đa × 100; tiêu chí không phát sinh "
            "được loại khỏi điểm tối đa hoặc tính đủ điểm theo bộ tiêu chí. Các đơn vị bằng điểm được xếp đồng hạng. "
            "Tăng, giảm: chênh lệch Chỉ số so với năm trước (điểm phần trăm)."
        ),
        indent=False,
        size=TABLE_SIZE,
    )
    signature = Signature(
        authority="TM. ỦY BAN NHÂN DÂN" if administrative else "", title=signer_title, name=signer_name
    )
    doc.closing(recipients=list(recipients), signature=signature)
    return doc.to_bytes()


def band_text(bands: Sequence[tuple[Decimal, str]]) -> str:
    """ "A: từ 90 %; B: từ 80 % đến dưới 90 %; C: dưới 80 %" for a band table (thresholds descending)."""
    parts = []
    upper: Decimal | None = None
    for threshold, label in bands:
        low = _vn_percent(threshold)
        if upper is None:
            parts.append(_("%(label)s: từ %(low)s") % {"label": label, "low": low})
        elif threshold == 0:
            parts.append(_("%(label)s: dưới %(high)s") % {"label": label, "high": _vn_percent(upper)})
        else:
            parts.append(
                _("%(label)s: từ %(low)s đến dưới %(high)s") % {"label": label, "low": low, "high": _vn_percent(upper)}
            )
        upper = threshold
    return "; ".join(parts)


def _vn_percent(value: Decimal) -> str:
    return f"{calculations.fmt(value)} %"
