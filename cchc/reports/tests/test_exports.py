"""The consolidated report's DOCX and XLSX, opened back with python-docx and openpyxl.

Checked: A4 and the decree's margins, Times New Roman 13–14 pt, the header block, the
title, the narratives (gathered, then edited), the lists, "Nơi nhận" and the signature,
and the appendix tables whose totals row must equal the sum of the unit values; the
workbook's three sheets with their values and totals.
"""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import docx
import openpyxl
import pytest
from docx.document import Document
from docx.shared import Pt
from docx.table import Table

from cchc.organizations.tests.factories import make_unit
from cchc.reports.consolidation import ProvinceData, province_report_data, province_report_save
from cchc.reports.exports import province_report_docx, province_report_xlsx, vn_number
from cchc.reports.models import ProvinceReport
from cchc.reports.tests.factories import Scene
from cchc.reports.tests.test_consolidation import build_plans, build_scene

HEADER_BLOCK = [
    "UBND TỈNH THỬ NGHIỆM",
    "SỞ NỘI VỤ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: ……/BC-SNV",
    "Thử Nghiệm, ngày … tháng … năm 2023",
]


@pytest.fixture
def scene(tree: Any) -> Scene:
    scene = build_scene(tree)
    build_plans(tree)
    return scene


def _data(scene: Scene) -> ProvinceData:
    return province_report_data(template=scene.template, year=2023, period_index=1)


def _docx(scene: Scene) -> Document:
    data = _data(scene)
    return docx.Document(io.BytesIO(province_report_docx(data, data.province_report)))


def _texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text]


def _cells(table: Table) -> list[str]:
    return [p.text for cell in table._cells for p in cell.paragraphs if p.text]


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _parse(text: str) -> Decimal:
    """A Vietnamese number back: "1.234,5" → 1234.5."""
    return Decimal(text.replace(".", "").replace(",", "."))


def test_vietnamese_numbers() -> None:
    assert [vn_number(v) for v in (None, 0, 1234567, Decimal("96.50"), Decimal("-1234.5"))] == [
        "–", "0", "1.234.567", "96,50", "-1.234,5",
    ]  # fmt: skip


# -- DOCX -------------------------------------------------------------------------------------


def test_a4_with_the_decrees_margins(scene: Scene) -> None:
    doc = _docx(scene)
    assert len(doc.sections) == 2  # the report, then the landscape appendix
    for section in doc.sections:
        assert sorted([section.page_width.mm, section.page_height.mm]) == pytest.approx([210, 297], abs=0.5)
        assert 20 <= section.top_margin.mm <= 25
        assert 20 <= section.bottom_margin.mm <= 25
        assert 30 <= section.left_margin.mm <= 35
        assert 15 <= section.right_margin.mm <= 20
    assert doc.sections[0].page_width.mm < doc.sections[0].page_height.mm


def test_header_block_title_and_a_draft_without_number(scene: Scene) -> None:
    doc = _docx(scene)
    assert _cells(doc.tables[0]) == HEADER_BLOCK
    texts = _texts(doc)
    start = texts.index("BÁO CÁO")
    assert texts[start + 1] == "Kết quả công tác cải cách hành chính quý I/2023"
    assert texts[start + 2].startswith("Thực hiện chế độ báo cáo định kỳ về công tác cải cách hành chính (Kế hoạch số")
    assert "(số liệu từ ngày 15/12/2022 đến ngày 14/03/2023)" in texts[start + 2]


def test_a_numbered_report_of_a_tree_with_its_home_affairs_department(scene: Scene, tree: Any) -> None:
    """The department found under the province by name gives the issuer line; the saved number and its day."""
    make_unit(code="P.SNV", parent=tree.province, name="Sở Nội vụ tỉnh Thử Nghiệm", short_name="Sở Nội vụ")
    saved = province_report_save(actor=scene.office, template=scene.template, year=2023, period_index=1,
                                 number="15/BC-SNV")  # fmt: skip
    ProvinceReport.objects.filter(pk=saved.pk).update(updated_at=dt.datetime(2023, 3, 20, 1, tzinfo=dt.UTC))
    header = _cells(_docx(scene).tables[0])
    assert header[:2] == ["UBND TỈNH THỬ NGHIỆM", "SỞ NỘI VỤ"]
    assert header[-2:] == ["Số: 15/BC-SNV", "Thử Nghiệm, ngày 20 tháng 3 năm 2023"]


def test_every_run_is_times_new_roman_13_or_14_pt(scene: Scene) -> None:
    """Body paragraphs 14 pt (the note 13 pt), tables 13 pt; the header and closing blocks follow decree30."""
    doc = _docx(scene)
    body = [run for p in doc.paragraphs for run in p.runs if run.text]
    assert {run.font.name for run in body} == {"Times New Roman"}
    assert {run.font.size for run in body} <= {Pt(13), Pt(14)}
    every = [run for t in doc.tables for c in t._cells for p in c.paragraphs for run in p.runs if run.text]
    assert {run.font.name for run in every} == {"Times New Roman"}
    figures = [t for t in doc.tables[1:] if not (_cells(t) and _cells(t)[0] == "Nơi nhận:")]
    sizes = {run.font.size for t in figures for c in t._cells for p in c.paragraphs for run in p.runs if run.text}
    assert sizes == {Pt(13)}


def test_reporting_part_names_the_late_and_missing_units(scene: Scene) -> None:
    doc = _docx(scene)
    texts = _texts(doc)
    assert "I. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO" in texts
    assert any(t.startswith("Số cơ quan, đơn vị phải báo cáo: 4; đã gửi: 3 (đúng hạn: 2); chưa gửi: 1;") for t in texts)
    assert "Cơ quan, đơn vị gửi báo cáo muộn: Sở B (17/03/2023)." in texts
    assert "Cơ quan, đơn vị chưa gửi báo cáo: Xã Một." in texts
    cohorts = _rows(doc.tables[1])
    assert cohorts[0] == ["STT", "Nhóm cơ quan, đơn vị", "Phải báo cáo", "Đã gửi", "Đúng hạn", "Chưa gửi"]
    assert cohorts[-1] == ["", "Toàn tỉnh", "4", "3", "2", "1"]


def test_narratives_gathered_with_unit_names_then_edited(scene: Scene) -> None:
    texts = _texts(_docx(scene))
    start = texts.index("II. KẾT QUẢ THỰC HIỆN")
    assert texts[start + 1 : start + 7] == [
        "1. Công tác chỉ đạo, điều hành",
        "Sở A: Sở A đã ban hành kế hoạch.",
        "2. Cải cách thủ tục hành chính",
        "Sở A: Sở A: TTHC.",
        "Sở B: Dòng một.",
        "Dòng hai.",
    ]
    province_report_save(actor=scene.office, template=scene.template, year=2023, period_index=1,
                         narratives={"II.3": "Toàn tỉnh đã công bố 100% TTHC.\nĐoạn hai."})  # fmt: skip
    doc = _docx(scene)
    texts = _texts(doc)
    start = texts.index("2. Cải cách thủ tục hành chính")
    assert texts[start + 1 : start + 4] == ["Toàn tỉnh đã công bố 100% TTHC.", "Đoạn hai.", "III. SỐ LIỆU TỔNG HỢP"]
    lead = next(p for p in doc.paragraphs if p.text == "Sở A: Sở A đã ban hành kế hoạch.")
    assert [run.bold for run in lead.runs] == [True, False]


def test_control_characters_pasted_into_a_text_do_not_break_the_file(scene: Scene) -> None:
    province_report_save(actor=scene.office, template=scene.template, year=2023, period_index=1,
                         narratives={"I": "Dán từ Word:\x0bdòng mềm\x0cngắt trang\x07."})  # fmt: skip
    texts = _texts(_docx(scene))
    start = texts.index("1. Công tác chỉ đạo, điều hành") + 1
    assert texts[start : start + 3] == ["Dán từ Word:", "dòng mềm", "ngắt trang."]


def test_figures_part_totals_plan_progress_bieu06_and_overdue_tasks(scene: Scene) -> None:
    doc = _docx(scene)
    data = _data(scene)
    tables = {_rows(t)[0][1] if len(_rows(t)[0]) > 1 else "": t for t in doc.tables[2:]}
    totals = _rows(tables["Chỉ tiêu"])
    assert totals[1] == ["1", "Số hồ sơ tiếp nhận", "150", "Tổng cộng"]
    assert totals[3] == ["3", "Tỷ lệ đúng hạn (%)", "82,00", "Bình quân gia quyền theo “Số hồ sơ đã giải quyết”"]
    areas = _rows(tables["Lĩnh vực"])
    assert areas[-1][1:] == ["Toàn kế hoạch", "3", "1", f"{vn_number(data.plan_overall.progress)}%"]
    overdue = _rows(tables["Nhiệm vụ"])
    assert [row[1].split(" ")[0] for row in overdue[1:]] == ["II.3.a", "1", "II.2.a"]
    assert overdue[1][2:] == ["Sở B", "01/02/2023", "100%"]
    assert "4. Nhiệm vụ quá hạn tại ngày 14/03/2023" in _texts(doc)


def test_appendix_totals_row_equals_the_sum_of_the_unit_values(scene: Scene) -> None:
    """One table of six fields: Sở A and Sở B (accepted) and a "Tổng cộng" row; sums for counts, the
    weighted and plain means for the rates, as the note under it says."""
    doc = _docx(scene)
    table = doc.tables[-1]
    rows = _rows(table)
    assert rows[0] == ["STT", "Cơ quan, đơn vị", "Số hồ sơ tiếp nhận", "Số hồ sơ đã giải quyết", "Tỷ lệ đúng hạn (%)",
                       "Mức độ hài lòng (%)", "Kinh phí (triệu đồng)", "Số cuộc họp"]  # fmt: skip
    assert [row[1] for row in rows[1:]] == ["Sở A", "Sở B", "Tổng cộng"]
    body, total = rows[1:-1], rows[-1]
    for column in (2, 3, 6):
        assert _parse(total[column]) == sum(_parse(row[column]) for row in body)
    assert total[2:] == ["150", "100", "82,00", "85,50", "3,75", "2"]
    assert rows[2][7] == "–"  # Sở B gave no number of meetings
    assert all(run.bold for cell in table.rows[-1].cells for p in cell.paragraphs for run in p.runs)
    note = next(t for t in _texts(doc) if t.startswith("Ghi chú"))
    assert "“Tỷ lệ đúng hạn (%)”: bình quân gia quyền" in note
    assert "PHỤ LỤC" in _texts(doc)


def test_recipients_and_signature(scene: Scene) -> None:
    doc = _docx(scene)
    closing = next(t for t in doc.tables if _cells(t) and _cells(t)[0] == "Nơi nhận:")
    recipients = [p.text for p in closing.cell(0, 0).paragraphs if p.text]
    assert recipients[1] == "- Bộ Nội vụ (để báo cáo);"
    assert recipients[-1] == "- Lưu: VT, CCHC."
    assert [p.text for p in closing.cell(0, 1).paragraphs if p.text] == ["GIÁM ĐỐC"]


def test_a_period_with_no_accepted_report_still_exports(tree: Any) -> None:
    from cchc.reports.tests.factories import make_scene

    scene = make_scene(tree)
    data = _data(scene)
    doc = docx.Document(io.BytesIO(province_report_docx(data, None)))
    texts = _texts(doc)
    assert "(Chưa có nội dung.)" in texts
    assert "Không có nhiệm vụ quá hạn." in texts
    assert _rows(doc.tables[-1])[-1][1:] == ["Tổng cộng", "–", "–", "–"]
    book = openpyxl.load_workbook(io.BytesIO(province_report_xlsx(data)))
    assert book["Đơn vị"].max_row == 1 + 4 + 1


# -- XLSX -------------------------------------------------------------------------------------


def test_workbook_sheets_values_and_totals(scene: Scene) -> None:
    data = _data(scene)
    book = openpyxl.load_workbook(io.BytesIO(province_report_xlsx(data)))
    assert book.sheetnames == ["Tổng hợp", "Đơn vị", "Nhiệm vụ quá hạn"]

    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0][:5] == ("STT", "Mục", "Mã chỉ tiêu", "Chỉ tiêu", "Kết quả")
    by_code = {row[2]: row for row in summary[1:]}
    assert by_code["received"][4] == 150
    assert by_code["on_time_rate"][4] == pytest.approx(82.0)
    assert by_code["on_time_rate"][5] == "Bình quân gia quyền theo “Số hồ sơ đã giải quyết”"
    assert by_code["satisfaction"][4] == pytest.approx(85.5)
    assert by_code["received"][6] == 2

    units = list(book["Đơn vị"].iter_rows(values_only=True))
    header = units[0]
    assert header[:7] == ("STT", "Mã đơn vị", "Tên đơn vị", "Nhóm", "Trạng thái", "Ngày gửi", "Đúng hạn")
    assert header[7:] == tuple(t.label for t in data.fields)
    rows = {row[1]: row for row in units[1:-1]}
    assert sorted(rows) == ["H1", "SA", "SB", "X1"]
    assert rows["SA"][4:8] == ("Đã chấp nhận", dt.datetime(2023, 3, 16), "Có", 100)
    assert rows["SB"][6] == "Không"
    assert (rows["H1"][4], rows["H1"][7]) == ("Đã gửi", None)  # submitted, not accepted: no figures
    assert rows["X1"][4:7] == ("Chưa lập báo cáo", None, None)
    total = units[-1]
    assert total[2] == "Tổng cộng"
    received = header.index("Số hồ sơ tiếp nhận")
    assert total[received] == sum(row[received] or 0 for row in rows.values()) == 150
    cost = header.index("Kinh phí (triệu đồng)")
    assert total[cost] == pytest.approx(sum(row[cost] or 0 for row in rows.values())) == pytest.approx(3.75)

    tasks = list(book["Nhiệm vụ quá hạn"].iter_rows(values_only=True))
    assert [row[1] for row in tasks[1:]] == ["II.3.a", "1", "II.2.a"]
    assert tasks[1][4:9] == ("Sở B", dt.datetime(2023, 2, 1), dt.datetime(2023, 2, 1), 41, 100)
