"""The Decree 30/2020 DOCX builder, read back with python-docx (no database)."""

import datetime as dt
import io
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from cchc.core.decree30 import (
    COUNTRY,
    MOTTO,
    Decree30Document,
    Issuer,
    Margins,
    Signature,
    number_line,
    place_and_date,
    vietnamese_date,
)

PROVINCE = Issuer("ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG")
DEPARTMENT = Issuer("Sở Nội vụ", parent="Ủy ban nhân dân tỉnh Hải Dương")
BODY = "Nâng cao hiệu quả công tác cải cách hành chính và Chỉ số hài lòng của người dân."


def _build(*, issuer: Issuer = PROVINCE, date: dt.date | None = dt.date(2023, 1, 5), **options: Any) -> bytes:
    doc = Decree30Document(title="Kế hoạch CCHC năm 2023", **options)
    doc.header(issuer=issuer, number="36/KH-UBND", place="Hải Dương", date=date, year=2023)
    doc.title("Kế hoạch", "Cải cách hành chính nhà nước năm 2023")
    doc.paragraph("I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    doc.paragraph(BODY)
    doc.closing(
        recipients=["Bộ Nội vụ (để báo cáo)", "Các sở, ban, ngành tỉnh;", "Lưu: VT"],
        signature=Signature(name="Nguyễn Văn A"),
    )
    doc.appendix(
        title="Phụ lục", subtitle="DANH MỤC NHIỆM VỤ", reference="(Kèm theo Kế hoạch số 36/KH-UBND)", landscape=True
    )
    doc.table(["STT", "Nội dung"], [["1", "Rà soát văn bản"], ["2", "Kiểm tra\nthi hành"]], footer=["Tổng cộng", "2"])
    return doc.to_bytes()


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _texts(table: Table) -> list[str]:
    return [paragraph.text for cell in table._cells for paragraph in cell.paragraphs if paragraph.text]


def _all_paragraphs(doc: Document) -> list[Paragraph]:
    found = list(doc.paragraphs)
    for table in doc.tables:
        for cell in table._cells:
            found.extend(cell.paragraphs)
    return found


def _by_text(doc: Document, text: str) -> Paragraph:
    return next(p for p in _all_paragraphs(doc) if p.text == text)


# -- plain texts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 1, 5), "ngày 05 tháng 01 năm 2023"),
        (dt.date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
        (dt.date(2023, 3, 15), "ngày 15 tháng 3 năm 2023"),
        (dt.date(2023, 12, 9), "ngày 09 tháng 12 năm 2023"),
    ],
)
def test_dates_take_a_leading_zero_below_ten_and_in_january_and_february(day: dt.date, expected: str) -> None:
    assert vietnamese_date(day) == expected


def test_place_and_date_leaves_blanks_for_a_draft() -> None:
    assert place_and_date("Hải Dương", dt.date(2023, 1, 15)) == "Hải Dương, ngày 15 tháng 01 năm 2023"
    assert place_and_date("Hải Dương", None, year=2023) == "Hải Dương, ngày … tháng … năm 2023"
    assert place_and_date("Hải Dương", None) == "Hải Dương, ngày … tháng … năm …"


@pytest.mark.parametrize(
    ("number", "symbol", "expected"),
    [
        ("36/KH-UBND", "", "Số: 36/KH-UBND"),
        ("Số: 36/KH-UBND", "", "Số: 36/KH-UBND"),
        ("", "UBND", "Số: ……/KH-UBND"),
        ("  ", "", "Số: ……/KH-…"),
    ],
)
def test_number_line(number: str, symbol: str, expected: str) -> None:
    assert number_line(number, symbol=symbol) == expected


# -- page --------------------------------------------------------------------------------------


def test_pages_are_a4_with_margins_in_the_decrees_ranges() -> None:
    """Portrait A4 for the document, landscape A4 for the appendix; margins read back inside the ranges."""
    doc = _open(_build())
    assert len(doc.sections) == 2
    for section, orientation in zip(doc.sections, (WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE), strict=True):
        assert section.orientation == orientation
        short, long = sorted([section.page_width.mm, section.page_height.mm])
        assert short == pytest.approx(210, abs=0.5)
        assert long == pytest.approx(297, abs=0.5)
        assert 20 <= section.top_margin.mm <= 25
        assert 20 <= section.bottom_margin.mm <= 25
        assert 30 <= section.left_margin.mm <= 35
        assert 15 <= section.right_margin.mm <= 20


def test_custom_margins_are_kept() -> None:
    doc = _open(_build(margins=Margins(top=25, bottom=22, left=35, right=20)))
    section = doc.sections[0]
    assert section.top_margin.mm == pytest.approx(25, abs=0.05)
    assert section.left_margin.mm == pytest.approx(35, abs=0.05)
    assert section.right_margin.mm == pytest.approx(20, abs=0.05)


def test_page_numbers_sit_in_the_header_except_on_the_first_page() -> None:
    doc = _open(_build())
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [node.text for node in header._p.iter(qn("w:instrText"))]
    assert [text.strip() for text in instructions] == ["PAGE"]
    assert section.first_page_header.paragraphs[0].text == ""
    # The appendix numbers its first page too.
    assert not doc.sections[1].different_first_page_header_footer


def test_page_numbers_can_be_left_out() -> None:
    doc = _open(_build(page_numbers=False))
    assert not list(doc.sections[0].header._element.iter(qn("w:instrText")))


# -- fonts -------------------------------------------------------------------------------------


def test_every_run_is_times_new_roman_and_the_body_is_14_pt() -> None:
    doc = _open(_build())
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert normal.size == Pt(14)
    runs = [run for paragraph in _all_paragraphs(doc) for run in paragraph.runs if run.text]
    assert runs
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        r_fonts = run._element.rPr.rFonts
        assert r_fonts.get(qn("w:cs")) == r_fonts.get(qn("w:eastAsia")) == "Times New Roman"
    body = _by_text(doc, BODY)
    assert [run.font.size for run in body.runs] == [Pt(14)]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.paragraph_format.first_line_indent == Mm(12.7)
    assert body.paragraph_format.space_after >= Pt(6)
    assert 1.0 <= body.paragraph_format.line_spacing <= 1.5
    assert all(run.bold for run in _by_text(doc, "I. MỤC ĐÍCH, YÊU CẦU").runs)


# -- header block ------------------------------------------------------------------------------


def test_header_block_of_a_peoples_committee() -> None:
    doc = _open(_build())
    header = doc.tables[0]
    assert _texts(header) == [
        "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG",
        COUNTRY,
        MOTTO,
        "Số: 36/KH-UBND",
        "Hải Dương, ngày 05 tháng 01 năm 2023",
    ]
    assert COUNTRY == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert MOTTO == "Độc lập - Tự do - Hạnh phúc"
    issuer = header.cell(0, 0).paragraphs[0]
    assert all(run.bold for run in issuer.runs)
    assert all(run.bold for cell_text in (COUNTRY, MOTTO) for run in _by_text(doc, cell_text).runs)
    date = _by_text(doc, "Hải Dương, ngày 05 tháng 01 năm 2023")
    assert all(run.italic for run in date.runs)
    assert not any(run.bold for run in _by_text(doc, "Số: 36/KH-UBND").runs)
    # The header block has no visible borders.
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_header_block_rules_under_the_issuer_and_the_motto() -> None:
    """An empty paragraph with a top border follows the issuer and the motto, shorter than the cell."""
    doc = _open(_build())
    for cell in (doc.tables[0].cell(0, 0), doc.tables[0].cell(0, 1)):
        rule = cell.paragraphs[-1]
        assert rule.text == ""
        assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:val")) == "single"
        assert rule.paragraph_format.left_indent > 0
        assert rule.paragraph_format.left_indent == rule.paragraph_format.right_indent


def test_header_block_of_a_department_names_its_parent_above_it() -> None:
    doc = _open(_build(issuer=DEPARTMENT, date=None))
    left = [p.text for p in doc.tables[0].cell(0, 0).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG", "SỞ NỘI VỤ"]
    upper, issuer = doc.tables[0].cell(0, 0).paragraphs[:2]
    assert not any(run.bold for run in upper.runs)
    assert all(run.bold for run in issuer.runs)
    assert "Hải Dương, ngày … tháng … năm 2023" in _texts(doc.tables[0])


def test_title_is_bold_centred_upper_case() -> None:
    doc = _open(_build())
    title = _by_text(doc, "KẾ HOẠCH")
    subtitle = _by_text(doc, "Cải cách hành chính nhà nước năm 2023")
    for paragraph in (title, subtitle):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in paragraph.runs)
        assert all(run.font.size == Pt(14) for run in paragraph.runs)


# -- tables and closing ------------------------------------------------------------------------


def test_table_has_borders_a_repeated_bold_header_13_pt_and_a_bold_footer() -> None:
    doc = _open(_build())
    table = doc.tables[-1]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["STT", "Nội dung"],
        ["1", "Rà soát văn bản"],
        ["2", "Kiểm tra\nthi hành"],
        ["Tổng cộng", "2"],
    ]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for index, row in enumerate(table.rows):
        for cell in row.cells:
            for run in (run for p in cell.paragraphs for run in p.runs if run.text):
                assert run.font.size == Pt(13)
                assert bool(run.bold) == (index in (0, 3))


#: The children of ``w:tblPr`` in the order of the WordprocessingML schema (ECMA-376 Part 1, §17.4.60 CT_TblPr).
TBL_PR_ORDER = [
    qn(f"w:{name}")
    for name in (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
        "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
        "tblDescription", "tblPrChange",
    )
]  # fmt: skip


def test_every_table_property_appears_once_in_the_schemas_order() -> None:
    """Word refuses (or "repairs") a document whose ``w:tblPr`` children are out of order or repeated."""
    doc = _open(_build())
    assert len(doc.tables) >= 3  # the header block, the closing, the appendix table
    for table in doc.tables:
        tags = [child.tag for child in table._tbl.tblPr]
        assert len(tags) == len(set(tags)), tags
        assert tags == sorted(tags, key=TBL_PR_ORDER.index), tags
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None
        assert layout.get(qn("w:type")) == "fixed"


#: The children of ``w:pPr`` in the schema's order (§17.3.1.26 CT_PPr).
P_PR_ORDER = [
    qn(f"w:{name}")
    for name in (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
        "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
        "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    )
]  # fmt: skip


def test_every_paragraph_property_appears_once_in_the_schemas_order() -> None:
    """The header block's rules are paragraph borders with a small mark: both go in their schema place."""
    doc = _open(_build())
    ruled = 0
    for p_pr in doc.element.body.iter(qn("w:pPr")):
        tags = [child.tag for child in p_pr]
        assert len(tags) == len(set(tags)), tags
        assert tags == sorted(tags, key=P_PR_ORDER.index), tags
        ruled += qn("w:pBdr") in tags
    assert ruled >= 2  # under the issuer and under the motto


def test_table_refuses_rows_of_the_wrong_width() -> None:
    doc = Decree30Document()
    with pytest.raises(ValueError, match="2 cells"):
        doc.table(["A", "B", "C"], [["1", "2"]])
    with pytest.raises(ValueError, match="one entry per column"):
        doc.table(["A", "B"], [], widths_mm=[10])


def test_closing_lists_recipients_with_the_decrees_punctuation_and_the_signature() -> None:
    doc = _open(_build())
    closing = doc.tables[1]
    left = [p.text for p in closing.cell(0, 0).paragraphs]
    assert left == ["Nơi nhận:", "- Bộ Nội vụ (để báo cáo);", "- Các sở, ban, ngành tỉnh;", "- Lưu: VT."]
    heading = closing.cell(0, 0).paragraphs[0].runs[0]
    assert heading.bold
    assert heading.italic
    assert heading.font.size == Pt(12)
    assert all(run.font.size == Pt(11) for p in closing.cell(0, 0).paragraphs[1:] for run in p.runs)
    right = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]
    assert all(run.bold for p in closing.cell(0, 1).paragraphs for run in p.runs if run.text)


def test_appendix_starts_a_landscape_section_with_its_centred_headings() -> None:
    doc = _open(_build())
    assert doc.sections[1].orientation == WD_ORIENT.LANDSCAPE
    for text in ("PHỤ LỤC", "DANH MỤC NHIỆM VỤ", "(Kèm theo Kế hoạch số 36/KH-UBND)"):
        assert _by_text(doc, text).alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.italic for run in _by_text(doc, "(Kèm theo Kế hoạch số 36/KH-UBND)").runs)
