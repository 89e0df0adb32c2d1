"""Administrative documents in the layout of Decree 30/2020/NĐ-CP (Appendix I), as DOCX.

Pure python-docx, no database: callers pass the texts. What the decree fixes and this
module follows (``docs/domain.md`` §8):

* A4 portrait (an appendix may turn to landscape), margins top/bottom 20–25 mm, left
  30–35 mm, right 15–20 mm; Times New Roman; body 13–14 pt (14 here, 13 in tables).
* The header block: the governing body (upper case, regular) above the issuing body
  (upper case, bold) with a short rule under it, 1/3–1/2 of its length, on the left;
  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold) over "Độc lập - Tự do - Hạnh phúc"
  (bold, with a rule as long as the line) on the right. Under them the number and
  symbol ("Số: 36/KH-UBND") on the left and the place and date in italics on the right.
* The document kind (bold, upper case, centred) and its summary line, with a rule under.
* Body paragraphs justified with a 1.27 cm first-line indent, at least 6 pt between
  paragraphs, line spacing between single and 1.5 lines.
* At the end "Nơi nhận:" (bold italic 12 pt, items 11 pt, "- …;" and "- Lưu: VT…")
  on the left and the signature block (authority, title, name; bold) on the right.
* Page numbers centred in the top margin, not on the first page.

Rules are drawn as paragraph borders, whose length is estimated from the number of
characters (python-docx cannot measure text); the estimate is deliberately on the
short side so a rule never runs past its line.
"""

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT_NAME = "Times New Roman"
BODY_SIZE = 14.0
TABLE_SIZE = 13.0
MOTTO_SIZE = 13.0  # the motto line: 13–14 pt
HEADER_SIZE = 12.0  # Decree 30, Appendix I: issuer and national title 12–13 pt
RECIPIENTS_TITLE_SIZE = 12.0
RECIPIENTS_SIZE = 11.0
FIRST_LINE_INDENT_MM = 12.7
SPACE_AFTER_PT = 6.0
LINE_SPACING = 1.15

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The rule under the issuing body and under the subject, as a share of that line's length
# (decree: 1/3–1/2).
ISSUER_RULE_SHARE = 0.4
# Average advance of a Times New Roman character in em, upper case bold and mixed case.
_EM_UPPER_BOLD = 0.68
_EM_MIXED_BOLD = 0.50
_PT_TO_MM = 25.4 / 72

Align = Literal["left", "center", "right", "justify"]
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres; the defaults are the usual ones, inside the decree's ranges."""

    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 15.0


MARGINS = Margins()


@dataclass(frozen=True)
class Issuer:
    """The issuing body, upper case as printed, and the body it reports to (may be empty).

    ``Issuer("SỞ NỘI VỤ", parent="ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG")``;
    ``Issuer("ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG")`` for the province itself.
    """

    name: str
    parent: str = ""


@dataclass(frozen=True)
class Signature:
    """Who signs: ``authority`` ("TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC" or empty), title, name."""

    title: str = "CHỦ TỊCH"
    authority: str = "TM. ỦY BAN NHÂN DÂN"
    name: str = ""


def vietnamese_date(day: dt.date) -> str:
    """``ngày 05 tháng 01 năm 2023``: days below 10 and months 1–2 take a leading zero.

    Decree 30, Appendix I: the zero keeps a hand-written digit from being added later.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: dt.date | None, *, year: int | None = None) -> str:
    """``Hải Dương, ngày 15 tháng 01 năm 2023``; a draft without a date leaves blanks to fill."""
    if day is not None:
        return f"{place}, {vietnamese_date(day)}"
    return f"{place}, ngày … tháng … năm {year if year else '…'}"


def number_line(number: str, *, kind: str = "KH", symbol: str = "") -> str:
    """``Số: 36/KH-UBND``; without a number, ``Số: ……/KH-UBND`` (or ``/KH-…``) to fill in."""
    number = number.strip()
    if number:
        text = number.split(":", 1)[1].strip() if number.lower().startswith("số") and ":" in number else number
        return f"Số: {text}"
    return f"Số: ……/{kind}-{symbol or '…'}"


def _twips_up(mm: float) -> Twips:
    """``mm`` rounded *up* to whole twips, the unit DOCX stores margins in.

    Rounding to nearest would store 15 mm as 14.993 mm, just below the decree's range.
    """
    return Twips(math.ceil(round(mm * 1440 / 25.4, 6)))


def _text_width_mm(text: str, size: float, em: float) -> float:
    return len(text) * size * em * _PT_TO_MM


def _set_run_font(run: Run, *, size: float, bold: bool = False, italic: bool = False) -> None:
    font = run.font
    font.name = FONT_NAME
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    # python-docx sets the ASCII and high-ANSI faces only; Vietnamese marks may fall in
    # the complex-script or East-Asian ranges in some viewers, so name the font there too.
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), FONT_NAME)
    r_fonts.set(qn("w:cs"), FONT_NAME)


def _format(
    paragraph: Paragraph,
    *,
    align: Align,
    indent: bool = False,
    before: float = 0.0,
    after: float = SPACE_AFTER_PT,
    line_spacing: float = LINE_SPACING,
) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.first_line_indent = Mm(FIRST_LINE_INDENT_MM) if indent else Mm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line_spacing


def _write(paragraph: Paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False) -> Paragraph:
    """Put ``text`` in ``paragraph``; line breaks in the text become soft breaks."""
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        _set_run_font(run, size=size, bold=bold, italic=italic)
    return paragraph


#: What follows ``w:pBdr`` in a ``w:pPr`` (ECMA-376 Part 1, §17.3.1.26 CT_PPr is a sequence; Word checks it).
_AFTER_P_BDR = tuple(
    f"w:{name}"
    for name in (
        "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
        "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
        "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
        "cnfStyle", "rPr", "sectPr", "pPrChange",
    )
)  # fmt: skip


#: What follows ``w:tblBorders`` in a ``w:tblPr`` (§17.4.60 CT_TblPr).
_AFTER_TBL_BORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip


def _border(paragraph: Paragraph, side: str, *, size_eighths: int = 6) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(borders, *_AFTER_P_BDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), "000000")
    borders.append(edge)


def _mark_size(paragraph: Paragraph, size: float) -> None:
    """The size of the paragraph mark, which sets the height of an empty paragraph."""
    p_pr = paragraph._p.get_or_add_pPr()
    r_pr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size * 2)))
    r_pr.append(sz)
    p_pr.insert_element_before(r_pr, "w:sectPr", "w:pPrChange")


def _grid(table: Table, widths_mm: Sequence[float]) -> None:
    """Column widths on the grid and on every cell: Word reads the cells, LibreOffice the grid."""
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)


def _rule(paragraph: Paragraph, *, length_mm: float, width_mm: float) -> Paragraph:
    """Turn an empty paragraph into a centred horizontal rule of ``length_mm``."""
    length_mm = max(min(length_mm, width_mm), 5.0)
    side = (width_mm - length_mm) / 2
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _border(paragraph, "top")
    _mark_size(paragraph, 2)
    return paragraph


def _cell_paragraph(cell: _Cell, *, first: bool) -> Paragraph:
    return cell.paragraphs[0] if first and not cell.paragraphs[0].text else cell.add_paragraph()


def _table_borders(table: Table, *, visible: bool) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        if visible:
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        else:
            edge.set(qn("w:val"), "nil")
        borders.append(edge)
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    # In the schema's place (CT_TblPr is a sequence): Word refuses a document with them out of order.
    tbl_pr.insert_element_before(borders, *_AFTER_TBL_BORDERS)
    table.autofit = False  # the one w:tblLayout type="fixed", placed by python-docx


def _repeat_as_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _page_number_field(paragraph: Paragraph, size: float) -> None:
    for kind, text in (("begin", None), ("instr", "PAGE"), ("separate", None), ("end", None)):
        run = paragraph.add_run()
        _set_run_font(run, size=size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._element.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)


class Decree30Document:
    """A document built top to bottom in the Decree 30 layout.

    >>> doc = Decree30Document()
    >>> _ = doc.header(issuer=Issuer("ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG"), number="36/KH-UBND",
    ...                place="Hải Dương", date=dt.date(2023, 1, 15))
    >>> doc.title("KẾ HOẠCH", "Cải cách hành chính năm 2023")
    >>> _ = doc.paragraph("Thực hiện Chương trình tổng thể …")
    >>> _ = doc.closing(recipients=["Bộ Nội vụ", "Lưu: VT"], signature=Signature(name="Nguyễn Văn A"))
    >>> data = doc.to_bytes()
    """

    def __init__(self, *, margins: Margins = MARGINS, page_numbers: bool = True, title: str = "") -> None:
        self.document: Document = docx.Document()
        self.margins = margins
        self._setup_styles()
        section = self.document.sections[0]
        self._page_setup(section, landscape=False)
        if page_numbers:
            section.different_first_page_header_footer = True
            header = section.header.paragraphs[0]
            _format(header, align="center", after=0, line_spacing=1.0)
            _page_number_field(header, BODY_SIZE)
        self.document.core_properties.title = title
        self.document.core_properties.language = "vi-VN"

    # -- page and styles ---------------------------------------------------------------

    def _setup_styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name = FONT_NAME
        normal.font.size = Pt(BODY_SIZE)
        r_pr = normal.element.get_or_add_rPr()
        r_fonts = r_pr.get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            r_fonts.set(qn(attribute), FONT_NAME)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        r_pr.append(lang)

    def _page_setup(self, section: Section, *, landscape: bool) -> None:
        width, height = (PAGE_HEIGHT_MM, PAGE_WIDTH_MM) if landscape else (PAGE_WIDTH_MM, PAGE_HEIGHT_MM)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width = Mm(width)
        section.page_height = Mm(height)
        section.top_margin = _twips_up(self.margins.top)
        section.bottom_margin = _twips_up(self.margins.bottom)
        section.left_margin = _twips_up(self.margins.left)
        section.right_margin = _twips_up(self.margins.right)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        self._text_width_mm = width - self.margins.left - self.margins.right

    @property
    def text_width_mm(self) -> float:
        """The width between the margins of the current section."""
        return self._text_width_mm

    # -- blocks ------------------------------------------------------------------------

    def header(
        self,
        *,
        issuer: Issuer,
        number: str,
        place: str,
        date: dt.date | None,
        year: int | None = None,
        kind: str = "KH",
        symbol: str = "",
    ) -> Table:
        """The header block: issuer and number on the left, motto and place/date on the right."""
        # The national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" must fit on one line.
        right_mm = round(min(self.text_width_mm * 0.66, 108.0), 1)
        left_mm = self.text_width_mm - right_mm
        table = self.document.add_table(rows=2, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, visible=False)
        _grid(table, [left_mm, right_mm])

        left = table.cell(0, 0)
        if issuer.parent:
            paragraph = _write(_cell_paragraph(left, first=True), issuer.parent.upper(), size=HEADER_SIZE)
            _format(paragraph, align="center", after=0, line_spacing=1.0)
        paragraph = _write(
            _cell_paragraph(left, first=not issuer.parent), issuer.name.upper(), size=HEADER_SIZE, bold=True
        )
        _format(paragraph, align="center", after=0, line_spacing=1.0)
        longest = max(issuer.name.upper().split("\n"), key=len)
        text_mm = min(_text_width_mm(longest, HEADER_SIZE, _EM_UPPER_BOLD), left_mm)
        _rule(left.add_paragraph(), length_mm=text_mm * ISSUER_RULE_SHARE, width_mm=left_mm)

        right = table.cell(0, 1)
        paragraph = _write(_cell_paragraph(right, first=True), COUNTRY, size=HEADER_SIZE, bold=True)
        _format(paragraph, align="center", after=0, line_spacing=1.0)
        paragraph = _write(right.add_paragraph(), MOTTO, size=MOTTO_SIZE, bold=True)
        _format(paragraph, align="center", after=0, line_spacing=1.0)
        _rule(right.add_paragraph(), length_mm=_text_width_mm(MOTTO, MOTTO_SIZE, _EM_MIXED_BOLD), width_mm=right_mm)

        paragraph = _write(
            _cell_paragraph(table.cell(1, 0), first=True),
            number_line(number, kind=kind, symbol=symbol),
            size=HEADER_SIZE,
        )
        _format(paragraph, align="center", before=6, after=0, line_spacing=1.0)
        paragraph = _write(
            _cell_paragraph(table.cell(1, 1), first=True),
            place_and_date(place, date, year=year),
            size=BODY_SIZE,
            italic=True,
        )
        _format(paragraph, align="center", before=6, after=0, line_spacing=1.0)
        return table

    def title(self, kind: str, subtitle: str = "") -> None:
        """The document kind ("KẾ HOẠCH") and its summary line, centred and bold, a rule under."""
        paragraph = _write(self.document.add_paragraph(), kind.upper(), size=BODY_SIZE, bold=True)
        _format(paragraph, align="center", before=18, after=0)
        if subtitle:
            paragraph = _write(self.document.add_paragraph(), subtitle, size=BODY_SIZE, bold=True)
            _format(paragraph, align="center", after=0)
            longest = max(subtitle.split("\n"), key=len)
            text_mm = min(_text_width_mm(longest, BODY_SIZE, _EM_MIXED_BOLD), self.text_width_mm)
            rule_paragraph = _rule(
                self.document.add_paragraph(), length_mm=text_mm * ISSUER_RULE_SHARE, width_mm=self.text_width_mm
            )
            rule_paragraph.paragraph_format.space_after = Pt(12)

    def paragraph(
        self,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        indent: bool = True,
        align: Align = "justify",
        size: float = BODY_SIZE,
        lead: str = "",
    ) -> Paragraph:
        """A body paragraph: justified with a first-line indent unless told otherwise.

        ``lead`` starts the paragraph in bold ("1. Sở Nội vụ:") before ``text``, as plans
        run a heading into its first sentence.
        """
        paragraph = self.document.add_paragraph()
        if lead:
            _write(paragraph, lead + (" " if text else ""), size=size, bold=True, italic=italic)
        _write(paragraph, text, size=size, bold=bold, italic=italic)
        _format(paragraph, align=align, indent=indent)
        return paragraph

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths_mm: Sequence[float] | None = None,
        aligns: Sequence[Align] | None = None,
        footer: Sequence[str] | None = None,
        size: float = TABLE_SIZE,
    ) -> Table:
        """A bordered table: bold centred header repeated on every page, optional bold footer.

        ``widths_mm`` default to equal shares of the text width; ``aligns`` apply to the
        body and footer cells per column (header cells are always centred).
        """
        columns = len(header)
        if widths_mm is None:
            widths_mm = [self.text_width_mm / columns] * columns
        if len(widths_mm) != columns or (aligns is not None and len(aligns) != columns):
            raise ValueError("widths_mm and aligns must have one entry per column.")
        aligns = aligns or ["left"] * columns
        table = self.document.add_table(rows=1, cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, visible=True)
        _repeat_as_header(table.rows[0])
        _grid(table, widths_mm)

        def fill(cells: Sequence[_Cell], values: Sequence[str], *, bold: bool, centred: bool) -> None:
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                cell.width = Mm(widths_mm[index])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = _write(cell.paragraphs[0], str(value), size=size, bold=bold)
                _format(paragraph, align="center" if centred else aligns[index], before=2, after=2, line_spacing=1.0)

        fill(table.rows[0].cells, header, bold=True, centred=True)
        for values in rows:
            if len(values) != columns:
                raise ValueError(f"A row has {len(values)} cells, the table {columns} columns.")
            fill(table.add_row().cells, values, bold=False, centred=False)
        if footer is not None:
            if len(footer) != columns:
                raise ValueError(f"The footer has {len(footer)} cells, the table {columns} columns.")
            fill(table.add_row().cells, footer, bold=True, centred=False)
        # Keep the next paragraph off the table's bottom border.
        spacer = self.document.add_paragraph()
        _format(spacer, align="left", after=0)
        return table

    def closing(self, *, recipients: Sequence[str], signature: Signature) -> Table:
        """ "Nơi nhận:" with its list on the left, the signature block on the right.

        Each recipient becomes "- name;" and the last "- name." (the decree's punctuation);
        a trailing ";" or "." in the given names is not doubled.
        """
        left_mm = round(self.text_width_mm * 0.5, 1)
        right_mm = self.text_width_mm - left_mm
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, visible=False)
        _grid(table, [left_mm, right_mm])
        left, right = table.rows[0].cells

        paragraph = _write(left.paragraphs[0], "Nơi nhận:", size=RECIPIENTS_TITLE_SIZE, bold=True, italic=True)
        _format(paragraph, align="left", after=0, line_spacing=1.0)
        names = [name.strip().rstrip(";.").strip() for name in recipients if name.strip()]
        for index, name in enumerate(names):
            end = "." if index == len(names) - 1 else ";"
            paragraph = _write(left.add_paragraph(), f"- {name}{end}", size=RECIPIENTS_SIZE)
            _format(paragraph, align="left", after=0, line_spacing=1.0)

        first = True
        for line in (signature.authority, signature.title):
            if line:
                paragraph = _write(_cell_paragraph(right, first=first), line.upper(), size=BODY_SIZE, bold=True)
                _format(paragraph, align="center", after=0, line_spacing=1.0)
                first = False
        # Room for the hand signature and the seal.
        for _ in range(4):
            _format(right.add_paragraph(), align="center", after=0, line_spacing=1.0)
        paragraph = _write(right.add_paragraph(), signature.name, size=BODY_SIZE, bold=True)
        _format(paragraph, align="center", after=0, line_spacing=1.0)
        return table

    def appendix(self, *, title: str, subtitle: str = "", reference: str = "", landscape: bool = False) -> None:
        """Start an appendix on a new page (a new section, landscape if asked).

        ``title`` ("PHỤ LỤC"), ``subtitle`` (its name, bold) and ``reference``
        ("(Kèm theo Kế hoạch số … ngày … của …)", italic) are centred.
        """
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape=landscape)
        # Only the document's first page goes unnumbered, not the appendix's.
        section.different_first_page_header_footer = False
        paragraph = _write(self.document.add_paragraph(), title.upper(), size=BODY_SIZE, bold=True)
        _format(paragraph, align="center", after=0)
        if subtitle:
            paragraph = _write(self.document.add_paragraph(), subtitle, size=BODY_SIZE, bold=True)
            _format(paragraph, align="center", after=0)
        if reference:
            paragraph = _write(self.document.add_paragraph(), reference, size=BODY_SIZE, italic=True)
            _format(paragraph, align="center", after=0)
        rule_paragraph = _rule(self.document.add_paragraph(), length_mm=40, width_mm=self.text_width_mm)
        rule_paragraph.paragraph_format.space_after = Pt(12)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
