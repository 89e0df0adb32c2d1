"""The consolidated report of a period as files: DOCX to issue, XLSX to work with the figures.

Both take a :class:`~cchc.reports.consolidation.ProvinceData` (``province_report_data``)
and lay it out; no figure is computed here that the consolidation does not already hold.

* :func:`province_report_docx`: a report of the Department of Home Affairs in the
  Decree 30/2020 layout (``core.decree30``): "UBND TỈNH … / SỞ NỘI VỤ" over the number
  "Số: …/BC-SNV" on the left, the national motto and the place and date on the right;
  "BÁO CÁO / Kết quả công tác cải cách hành chính <period>"; I. the reporting itself
  (per cohort, with the late and missing units), II. the results section by section
  (the reform office's edited text, else the units' texts each after its unit's name),
  III. the figures (totals per field with the rule of each, plan progress by area,
  Biểu 06, overdue tasks); "Nơi nhận" and the signature block; then, on landscape
  pages, the appendix: each accepted unit's figures, six fields to a table, each
  table closed by a "Tổng cộng" row equal to the province totals. Without a number the
  document is a draft: number and day are left to fill in.
* :func:`province_report_xlsx`: sheets "Tổng hợp" (one row per numeric field: total and
  rule), "Đơn vị" (one row per unit: status, sending date, on time, every numeric
  field — figures of accepted reports only, as the totals are — and a "Tổng cộng" row)
  and "Nhiệm vụ quá hạn". Numbers are numbers, dates are dates.

The appendix and the narratives run to thousands of rows and paragraphs for a few
hundred units; python-docx builds a styled cell in about a millisecond, so the first
row (or paragraph) is built by ``core.decree30`` and the others are copies of its XML
with the text replaced — the same formatting, fifty times faster.
"""

import copy
import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.oxml.ns import qn
from docx.table import Table
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.decree30 import Align, Decree30Document, Issuer, Signature, number_line, vietnamese_date
from cchc.core.text import fold
from cchc.core.workdays import VN_TZ
from cchc.organizations.choices import UnitKind
from cchc.organizations.issuers import issuer_name, place_name
from cchc.organizations.models import OrgUnit
from cchc.reports.consolidation import SUM, FieldTotal, ProvinceData
from cchc.reports.models import ProvinceReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

KIND = "BC"
HOME_AFFAIRS = gettext_lazy("Sở Nội vụ")
HOME_AFFAIRS_SYMBOL = "SNV"
DASH = "–"
#: Field columns per appendix table (landscape: 252 mm between the margins).
APPENDIX_FIELDS_PER_TABLE = 6
_APPENDIX_WIDTH_MM = 252.0
_NO_WIDTH_MM = 14.0
_UNIT_WIDTH_MM = 66.0
RECIPIENTS = (
    gettext_lazy("Bộ Nội vụ (để báo cáo)"),
    gettext_lazy("UBND tỉnh (để báo cáo)"),
    gettext_lazy("Các sở, ban, ngành; UBND cấp huyện"),
    gettext_lazy("Lưu: VT, CCHC"),
)
SIGNER_TITLE = gettext_lazy("GIÁM ĐỐC")

_RIGHT: Align = "right"
_FONT = "Times New Roman"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_DATE_FORMAT = "DD/MM/YYYY"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- numbers as Vietnamese prints them --------------------------------------------------------


def vn_number(value: Decimal | int | None) -> str:
    """``1.234``, ``96,50``, ``-3,5``: dots group thousands, a comma before decimals; ``–`` for none."""
    if value is None:
        return DASH
    text = f"{value:f}" if isinstance(value, Decimal) else str(int(value))
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def vn_percent(value: Decimal | int | None) -> str:
    return DASH if value is None else f"{vn_number(value)}%"


# -- who issues it ----------------------------------------------------------------------------


def home_affairs_unit(province: OrgUnit, day: dt.date) -> OrgUnit | None:
    """The Department of Home Affairs under ``province`` on ``day`` (by name), if the tree has it."""
    candidates = OrgUnit.objects.filter(path__startswith=province.path, kind=UnitKind.DEPARTMENT).valid_on(day)
    for unit in candidates.select_related("parent").order_by("tree_key"):
        if fold(unit.short_name).startswith("so noi vu") or fold(unit.name).startswith("so noi vu"):
            return unit
    return None


def report_issuer(province: OrgUnit, day: dt.date) -> tuple[Issuer, str]:
    """``Issuer("SỞ NỘI VỤ", parent="UBND TỈNH …")`` and the symbol ("SNV")."""
    office = home_affairs_unit(province, day)
    name = issuer_name(office) if office is not None else str(HOME_AFFAIRS).upper()
    tail = office.code.rsplit(".", 1)[-1] if office is not None else ""
    symbol = tail if tail.isascii() and tail.isalnum() and not tail.isdigit() else HOME_AFFAIRS_SYMBOL
    return Issuer(name, parent=issuer_name(province, as_parent=True)), symbol


def report_subject(data: ProvinceData) -> str:
    """ "Kết quả công tác cải cách hành chính quý I/2023"."""
    return _("Kết quả công tác cải cách hành chính %(period)s") % {"period": data.info.label}


# -- fast copies of decree30's rows and paragraphs --------------------------------------------


def _set_texts(element: Any, texts: Sequence[str]) -> None:
    """Put ``texts`` into the ``w:t`` elements of ``element`` in order (one per run)."""
    nodes = list(element.iter(qn("w:t")))
    for node, text in zip(nodes, texts, strict=True):
        node.text = text
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _cell_text_nodes(tr: Any) -> list[Any]:
    return [next(tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]


def fast_table(
    doc: Decree30Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths_mm: Sequence[float],
    aligns: Sequence[Align],
    footer: Sequence[str] | None = None,
) -> Table:
    """``doc.table`` for many rows: the first body row is built, the others are copies of it.

    Cells are one line each (a unit name, a figure); an empty cell keeps an empty run.
    """
    placeholder = [xml_safe(text) or " " for text in rows[0]] if rows else None
    table = doc.table(header, [placeholder] if placeholder else [], widths_mm=widths_mm, aligns=aligns, footer=footer)
    if not rows:
        return table
    first = table.rows[1]._tr
    _fill_row(first, rows[0])
    cursor = first
    for values in rows[1:]:
        clone = copy.deepcopy(first)
        _fill_row(clone, values)
        cursor.addnext(clone)
        cursor = clone
    return table


def _fill_row(tr: Any, values: Sequence[str]) -> None:
    nodes = _cell_text_nodes(tr)
    if len(nodes) != len(values):
        raise ValueError(f"A row has {len(values)} cells, the table {len(nodes)} columns.")
    for node, value in zip(nodes, values, strict=True):
        node.text = xml_safe(str(value))


def fast_paragraphs(doc: Decree30Document, items: Sequence[tuple[str, str]]) -> None:
    """Body paragraphs ``(lead, text)`` in order, as ``doc.paragraph(text, lead=lead)`` would make them.

    The first paragraph of each shape (with a bold lead, without) is built by ``doc``;
    the others are copies of it placed one after another. Texts are single lines.
    """
    prototypes: dict[bool, Any] = {}
    cursor: Any = None
    for lead, text in items:
        shape = bool(lead)
        prototype = prototypes.get(shape)
        if prototype is None:
            # Appended at the end of the body, which is right after the cursor.
            element = doc.paragraph(text, lead=lead)._p
            prototypes[shape] = element
        else:
            element = copy.deepcopy(prototype)
            _set_texts(element, [f"{lead} ", text] if lead else [text])
            cursor.addnext(element)
        cursor = element


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML cannot hold (text pasted from Word has some).

    Word's soft line break and page break (vertical tab, form feed) become line breaks.
    """
    return _XML_UNSAFE.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in xml_safe(text).splitlines() if line.strip()]


# -- the DOCX ---------------------------------------------------------------------------------


def _header_date(province_report: ProvinceReport | None) -> dt.date | None:
    """The day of a numbered report: its last save; a draft leaves the day to fill in."""
    if province_report is None or not province_report.number.strip() or province_report.updated_at is None:
        return None
    return province_report.updated_at.astimezone(VN_TZ).date()


def _unit_list(names: Sequence[str]) -> str:
    return "; ".join(names) + "." if names else _("không có.")


def _reporting_part(doc: Decree30Document, data: ProvinceData) -> None:
    state = data.completeness
    doc.paragraph(_("I. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO"), bold=True)
    doc.paragraph(
        _(
            "Số cơ quan, đơn vị phải báo cáo: %(expected)d; đã gửi: %(received)d (đúng hạn: %(on_time)d); "
            "chưa gửi: %(missing)d; báo cáo đã được chấp nhận và tổng hợp: %(accepted)d. Hạn gửi báo cáo: %(due)s."
        )
        % {
            "expected": state.expected,
            "received": state.received,
            "on_time": state.on_time,
            "missing": len(state.missing),
            "accepted": data.accepted,
            "due": f"{data.info.deadline:%d/%m/%Y}",
        }
    )
    rows = [
        [str(index), name, str(c.expected), str(c.received), str(c.on_time), str(c.missing)]
        for index, (name, c) in enumerate(sorted(state.cohorts.items()), start=1)
    ]
    footer = ["", _("Toàn tỉnh"), str(state.expected), str(state.received), str(state.on_time), str(len(state.missing))]
    doc.table(
        [_("STT"), _("Nhóm cơ quan, đơn vị"), _("Phải báo cáo"), _("Đã gửi"), _("Đúng hạn"), _("Chưa gửi")],
        rows,
        widths_mm=[_NO_WIDTH_MM, 63, 22, 22, 22, 22],
        aligns=["center", "left", "right", "right", "right", "right"],
        footer=footer,
    )
    late = [f"{row.unit_name} ({row.submitted_on:%d/%m/%Y})" for row in data.late_units if row.submitted_on]
    doc.paragraph(_unit_list(late), lead=_("Cơ quan, đơn vị gửi báo cáo muộn:"))
    doc.paragraph(
        _unit_list([row.unit_name for row in data.missing_units]), lead=_("Cơ quan, đơn vị chưa gửi báo cáo:")
    )


def _results_part(doc: Decree30Document, data: ProvinceData, edits: dict[str, Any]) -> None:
    doc.paragraph(_("II. KẾT QUẢ THỰC HIỆN"), bold=True)
    for number, section in enumerate(data.narratives, start=1):
        doc.paragraph(f"{number}. {section.title}", bold=True)
        edited = str(edits.get(section.code, "") or "").strip()
        if edited:
            fast_paragraphs(doc, [("", line) for line in _lines(edited)])
        elif section.entries:
            items: list[tuple[str, str]] = []
            for entry in section.entries:
                lines = _lines(entry.text)
                items.append((xml_safe(f"{entry.unit_name}:"), lines[0]))
                items.extend(("", line) for line in lines[1:])
            fast_paragraphs(doc, items)
        else:
            doc.paragraph(_("(Chưa có nội dung.)"), italic=True)


def _figures_part(doc: Decree30Document, data: ProvinceData) -> None:
    width = doc.text_width_mm
    doc.paragraph(_("III. SỐ LIỆU TỔNG HỢP"), bold=True)
    doc.paragraph(_("1. Số liệu từ báo cáo của các cơ quan, đơn vị"), bold=True)
    if data.fields:
        fast_table(
            doc,
            [_("STT"), _("Chỉ tiêu"), _("Kết quả"), _("Cách tổng hợp")],
            [
                [str(index), total.label, vn_number(total.value), total.method_label]
                for index, total in enumerate(data.fields, start=1)
            ],
            widths_mm=[_NO_WIDTH_MM, width - _NO_WIDTH_MM - 30 - 55, 30, 55],
            aligns=["center", "left", "right", "left"],
        )
        doc.paragraph(_("Số liệu của từng cơ quan, đơn vị tại Phụ lục kèm theo."), italic=True)
    else:
        doc.paragraph(_("Mẫu báo cáo không có chỉ tiêu số liệu."), italic=True)

    doc.paragraph(
        _("2. Tiến độ thực hiện Kế hoạch cải cách hành chính năm %(year)d theo lĩnh vực") % {"year": data.info.year},
        bold=True,
    )
    if data.plan is not None and data.plan_overall is not None:
        rows = [
            [str(index), area.label, str(area.rollup.counted), str(area.rollup.done), vn_percent(area.rollup.progress)]
            for index, area in enumerate(data.area_progress, start=1)
        ]
        overall = data.plan_overall
        doc.table(
            [_("STT"), _("Lĩnh vực"), _("Số nhiệm vụ"), _("Đã hoàn thành"), _("Tiến độ")],
            rows,
            widths_mm=[_NO_WIDTH_MM, width - _NO_WIDTH_MM - 25 - 28 - 25, 25, 28, 25],
            aligns=["center", "left", "right", "right", "right"],
            footer=["", _("Toàn kế hoạch"), str(overall.counted), str(overall.done), vn_percent(overall.progress)],
        )
    else:
        doc.paragraph(_("Chưa có kế hoạch cải cách hành chính năm %(year)d đã ban hành.") % {"year": data.info.year})

    doc.paragraph(_("3. Kết quả giải quyết hồ sơ thủ tục hành chính (Biểu 06)"), bold=True)
    s = data.dossier_totals
    doc.table(
        [
            _("Tiếp nhận"),
            _("Trong đó trực tuyến"),
            _("Kỳ trước chuyển qua"),
            _("Đã giải quyết"),
            _("Trước hạn, đúng hạn"),
            _("Quá hạn"),
            _("Đang giải quyết"),
            _("Trong đó quá hạn"),
            _("Tỷ lệ đúng hạn"),
        ],
        [
            [
                vn_number(s.received),
                vn_number(s.received_online),
                vn_number(s.carried_over),
                vn_number(s.resolved),
                vn_number(s.resolved_early + s.resolved_on_time),
                vn_number(s.resolved_late),
                vn_number(s.in_progress),
                vn_number(s.in_progress_overdue),
                vn_percent(s.on_time_rate),
            ]
        ],
        widths_mm=[width / 9] * 9,
        aligns=["right"] * 9,
    )

    doc.paragraph(
        _("4. Nhiệm vụ quá hạn tại ngày %(day)s") % {"day": f"{data.info.window_to:%d/%m/%Y}"},
        bold=True,
    )
    if data.overdue_tasks:
        fast_table(
            doc,
            [_("STT"), _("Nhiệm vụ"), _("Cơ quan chủ trì"), _("Hạn hoàn thành"), _("Tiến độ")],
            [
                [str(index), f"{t.code} {t.title}", t.lead_unit, f"{t.due_date:%d/%m/%Y}", vn_percent(t.progress)]
                for index, t in enumerate(data.overdue_tasks, start=1)
            ],
            widths_mm=[_NO_WIDTH_MM, width - _NO_WIDTH_MM - 45 - 25 - 22, 45, 25, 22],
            aligns=["center", "left", "left", "center", "right"],
        )
    else:
        doc.paragraph(_("Không có nhiệm vụ quá hạn."))


def appendix_tables(data: ProvinceData) -> list[tuple[list[FieldTotal], list[list[str]], list[str]]]:
    """The appendix tables: fields (six at most), one row per accepted unit, and the totals row."""
    accepted = [row for row in data.units if row.accepted]
    tables = []
    for start in range(0, len(data.fields), APPENDIX_FIELDS_PER_TABLE):
        chunk = data.fields[start : start + APPENDIX_FIELDS_PER_TABLE]
        rows = [
            [str(index), row.unit_name, *(vn_number(row.values.get(total.code)) for total in chunk)]
            for index, row in enumerate(accepted, start=1)
        ]
        footer = ["", _("Tổng cộng"), *(vn_number(total.value) for total in chunk)]
        tables.append((chunk, rows, footer))
    return tables


def _appendix(doc: Decree30Document, data: ProvinceData, number: str, symbol: str, day: dt.date | None) -> None:
    issued = vietnamese_date(day) if day else _("ngày … tháng … năm %(year)d") % {"year": data.info.deadline.year}
    doc.appendix(
        title=_("Phụ lục"),
        subtitle=_("SỐ LIỆU BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ"),
        reference=_("(Kèm theo Báo cáo số %(number)s %(day)s của Sở Nội vụ)")
        % {"number": number_line(number, kind=KIND, symbol=symbol).removeprefix("Số: "), "day": issued},
        landscape=True,
    )
    for chunk, rows, footer in appendix_tables(data):
        field_width = (_APPENDIX_WIDTH_MM - _NO_WIDTH_MM - _UNIT_WIDTH_MM) / len(chunk)
        fast_table(
            doc,
            [_("STT"), _("Cơ quan, đơn vị"), *(total.label for total in chunk)],
            rows,
            widths_mm=[_NO_WIDTH_MM, _UNIT_WIDTH_MM, *([field_width] * len(chunk))],
            aligns=["center", "left", *(_RIGHT for _total in chunk)],
            footer=footer,
        )
    averaged = [total for total in data.fields if total.method != SUM]
    if averaged:
        doc.paragraph(
            _("Ghi chú: dòng “Tổng cộng” là tổng số; riêng %(fields)s.")
            % {"fields": "; ".join(f"“{total.label}”: {total.method_label.lower()}" for total in averaged)},
            italic=True,
            size=13,
        )


def province_report_docx(data: ProvinceData, province_report: ProvinceReport | None) -> bytes:
    """The consolidated report in the Decree 30/2020 layout (module docstring)."""
    issuer, symbol = report_issuer(data.province, data.info.window_to)
    number = province_report.number if province_report is not None else ""
    edits = dict(province_report.narratives) if province_report is not None else {}
    day = _header_date(province_report)
    subject = report_subject(data)
    doc = Decree30Document(title=_("Báo cáo %(subject)s") % {"subject": f"{subject[:1].lower()}{subject[1:]}"})
    doc.header(
        issuer=issuer,
        number=number,
        place=place_name(data.province),
        date=day,
        year=data.info.deadline.year,
        kind=KIND,
        symbol=symbol,
    )
    doc.title(_("BÁO CÁO"), subject)
    basis = data.template.legal_basis.strip()
    doc.paragraph(
        _(
            "Thực hiện chế độ báo cáo định kỳ về công tác cải cách hành chính%(basis)s, Sở Nội vụ tổng hợp kết quả "
            "công tác cải cách hành chính %(period)s của các cơ quan, đơn vị (số liệu từ ngày %(start)s đến ngày "
            "%(end)s) như sau:"
        )
        % {
            "basis": f" ({basis})" if basis else "",
            "period": data.info.label,
            "start": f"{data.info.window_from:%d/%m/%Y}",
            "end": f"{data.info.window_to:%d/%m/%Y}",
        }
    )
    _reporting_part(doc, data)
    _results_part(doc, data, edits)
    _figures_part(doc, data)
    doc.closing(
        recipients=[str(name) for name in RECIPIENTS], signature=Signature(authority="", title=str(SIGNER_TITLE))
    )
    if data.fields:
        _appendix(doc, data, number, symbol, day)
    return doc.to_bytes()


# -- the XLSX ---------------------------------------------------------------------------------


def _style_header(sheet: Worksheet, widths: Sequence[float]) -> None:
    for cell in sheet[1]:
        cell.font = Font(name=_FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    sheet.row_dimensions[1].height = 45
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _style_body(sheet: Worksheet, *, bold_last: bool = False) -> None:
    body = Font(name=_FONT, size=12)
    bold = Font(name=_FONT, size=12, bold=True)
    last = sheet.max_row
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.font = bold if bold_last and cell.row == last else body
            cell.border = _BORDER
            if isinstance(cell.value, dt.date):
                cell.number_format = _DATE_FORMAT


def _number_format(total: FieldTotal) -> str:
    return "#,##0" if total.kind == "integer" and total.method == SUM else "#,##0.00"


def province_report_xlsx(data: ProvinceData) -> bytes:
    """The consolidated figures as an XLSX workbook (module docstring)."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None  # noqa: S101 - a new workbook always has its first sheet
    summary.title = _("Tổng hợp")
    summary.append(
        [
            _("STT"),
            _("Mục"),
            _("Mã chỉ tiêu"),
            _("Chỉ tiêu"),
            _("Kết quả"),
            _("Cách tổng hợp"),
            _("Số đơn vị có số liệu"),
        ]
    )
    for index, total in enumerate(data.fields, start=1):
        summary.append(
            [
                index,
                f"{total.section_code}. {total.section_title}",
                total.code,
                total.label,
                (total.value),
                total.method_label,
                total.reported,
            ]
        )
        summary.cell(row=summary.max_row, column=5).number_format = _number_format(total)
    _style_header(summary, [6, 36, 18, 48, 14, 40, 12])
    _style_body(summary)

    units = workbook.create_sheet(_("Đơn vị"))
    fixed = [_("STT"), _("Mã đơn vị"), _("Tên đơn vị"), _("Nhóm"), _("Trạng thái"), _("Ngày gửi"), _("Đúng hạn")]
    units.append([*fixed, *(total.label for total in data.fields)])
    for index, row in enumerate(data.units, start=1):
        units.append(
            [
                index,
                row.unit_code,
                row.unit_name,
                "; ".join(row.cohorts),
                row.status_label,
                row.submitted_on,
                (_("Có") if row.on_time else _("Không")) if row.received else None,
                *((row.values.get(total.code)) if row.accepted else None for total in data.fields),
            ]
        )
    units.append(["", "", _("Tổng cộng"), "", "", "", "", *((total.value) for total in data.fields)])
    for column, total in enumerate(data.fields, start=len(fixed) + 1):
        for (cell,) in units.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = _number_format(total)
    for (cell,) in units.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "@"  # a unit code like "01.02" stays text
    _style_header(units, [6, 14, 40, 24, 16, 12, 10, *([14] * len(data.fields))])
    _style_body(units, bold_last=True)

    tasks = workbook.create_sheet(_("Nhiệm vụ quá hạn"))
    tasks.append(
        [
            _("STT"),
            _("Mã"),
            _("Nhiệm vụ"),
            _("Kế hoạch"),
            _("Cơ quan chủ trì"),
            _("Hạn hoàn thành"),
            _("Hạn tính theo ngày làm việc"),
            _("Số ngày quá hạn"),
            _("Tiến độ (%)"),
            _("Trạng thái"),
        ]
    )
    for index, task in enumerate(data.overdue_tasks, start=1):
        tasks.append(
            [
                index,
                task.code,
                task.title,
                task.plan_title,
                task.lead_unit,
                task.due_date,
                task.deadline,
                task.days_late,
                task.progress,
                task.status_label,
            ]
        )
    _style_header(tasks, [6, 12, 60, 40, 32, 14, 14, 10, 10, 18])
    _style_body(tasks)

    subject = report_subject(data)
    title = _("Báo cáo tổng hợp %(subject)s") % {"subject": f"{subject[:1].lower()}{subject[1:]}"}
    workbook.properties.title = title[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
