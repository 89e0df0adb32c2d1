"""The plan as a Decree 30/2020 DOCX, opened back with python-docx.

Checked: A4 and the decree's margins, Times New Roman 14 pt on the body, the header
block (issuer, national motto, number, place and date), the plan's tree, "Nơi nhận"
and the signature, and the appendix table whose totals row must equal a hand count.
"""

import datetime as dt
import io
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from cchc.organizations.importing import cohorts_load_default, units_load_default
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import NodeKind
from cchc.plans.models import Plan
from cchc.plans.services import plan_import_confirm, plan_import_create
from cchc.tasks.choices import DeadlineKind, ProductKind, TaskStatus
from cchc.tasks.docx_export import body_paragraphs, plan_export_docx
from cchc.tasks.models import Task
from cchc.tasks.services import tasks_generate_from_plan
from cchc.tasks.tests.factories import make_node, make_plan, make_task
from cchc.web.demo import SEED_PLAN, SEED_PLAN_TITLE

HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Sản phẩm",
    "Thời gian hoàn thành",
    "Tiến độ",
]
PURPOSE = "Nâng cao hiệu quả công tác cải cách hành chính và Chỉ số hài lòng của người dân."


@pytest.fixture
def plan(tree: Any) -> Plan:
    """A province plan with a small tree and four tasks (one done, one cancelled, weights 1–2)."""
    plan = make_plan(unit=tree.province, title="Kế hoạch cải cách hành chính năm 2023")
    make_node(plan=plan, path="I", title="MỤC ĐÍCH, YÊU CẦU")
    make_node(plan=plan, path="I.1", title="Mục đích", body=PURPOSE)
    make_node(plan=plan, path="II", title="NHIỆM VỤ CHỦ YẾU")
    make_node(plan=plan, path="II.1", title="Cải cách thể chế")
    make_node(plan=plan, path="II.1.a", title="Rà soát văn bản", body="quy phạm pháp luật của tỉnh.")
    make_node(plan=plan, path="II.1.b", title="Bảng phụ lục", kind=NodeKind.TABLE_ROW)
    make_task(
        plan=plan,
        code="II.1.a",
        title="Rà soát văn bản quy phạm pháp luật",
        lead_unit=tree.dept_a,
        coordinating_units=[tree.dept_b],
        product_kind=ProductKind.REPORT,
        due_date=dt.date(2023, 6, 30),
        progress=40,
        position=1,
    )
    make_task(plan=plan, code="II.1.b", title="Kiểm tra thi hành pháp luật", lead_unit=tree.dept_b, position=2)
    make_task(
        plan=plan,
        code="II.2.a",
        title="Công bố thủ tục hành chính",
        lead_unit=tree.district,
        deadline_kind=DeadlineKind.ONGOING,
        deadline_label="Thường xuyên",
        status=TaskStatus.DONE_ON_TIME,
        progress=100,
        weight=2,
        position=3,
    )
    make_task(
        plan=plan,
        code="II.2.b",
        title="Nhiệm vụ đã hủy",
        lead_unit=tree.dept_a,
        status=TaskStatus.CANCELLED,
        progress=30,
        position=4,
    )
    return plan


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _cell_texts(table: Table) -> list[str]:
    return [p.text for cell in table._cells for p in cell.paragraphs if p.text]


def _body(doc: Document) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.text]


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_page_is_a4_with_the_decrees_margins(plan: Plan) -> None:
    doc = _open(plan_export_docx(plan=plan))
    for section in doc.sections:
        assert sorted([section.page_width.mm, section.page_height.mm]) == pytest.approx([210, 297], abs=0.5)
        assert 20 <= section.top_margin.mm <= 25
        assert 20 <= section.bottom_margin.mm <= 25
        assert 30 <= section.left_margin.mm <= 35
        assert 15 <= section.right_margin.mm <= 20
    assert doc.sections[0].page_width.mm < doc.sections[0].page_height.mm  # the plan itself is portrait


def test_header_block_of_a_province_plan(plan: Plan) -> None:
    """A draft: the number and the day are left to fill in, the year is the plan's."""
    doc = _open(plan_export_docx(plan=plan))
    assert _cell_texts(doc.tables[0]) == [
        "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/KH-UBND",
        "Thử Nghiệm, ngày … tháng … năm 2023",
    ]


def test_header_block_of_an_issued_plan_has_its_number_and_date(plan: Plan) -> None:
    plan.number, plan.issued_on = "36/KH-UBND", dt.date(2023, 1, 5)
    plan.save()
    doc = _open(plan_export_docx(plan=plan))
    texts = _cell_texts(doc.tables[0])
    assert texts[-2:] == ["Số: 36/KH-UBND", "Thử Nghiệm, ngày 05 tháng 01 năm 2023"]
    assert "(Kèm theo Kế hoạch số 36/KH-UBND ngày 05 tháng 01 năm 2023 của Ủy ban nhân dân tỉnh Thử Nghiệm)" in [
        p.text for p in doc.paragraphs
    ]


def test_body_is_times_new_roman_14_pt_with_the_tree(plan: Plan) -> None:
    """Roman sections and items bold; a letter runs on into its body; appendix-row nodes are left out."""
    doc = _open(plan_export_docx(plan=plan))
    texts = [p.text for p in _body(doc)]
    start = texts.index("KẾ HOẠCH")
    assert texts[start : start + 7] == [
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2023",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        PURPOSE,
        "II. NHIỆM VỤ CHỦ YẾU",
        "1. Cải cách thể chế",
    ]
    assert texts[start + 7] == "a) Rà soát văn bản quy phạm pháp luật của tỉnh."
    assert "Bảng phụ lục" not in " ".join(texts)
    tree = _body(doc)[start + 2 : start + 8]
    for paragraph in tree:
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman"
            assert run.font.size == Pt(14)
    bold = {p.text: all(run.bold for run in p.runs) for p in tree}
    assert bold == {
        "I. MỤC ĐÍCH, YÊU CẦU": True,
        "1. Mục đích": True,
        PURPOSE: False,
        "II. NHIỆM VỤ CHỦ YẾU": True,
        "1. Cải cách thể chế": True,
        "a) Rà soát văn bản quy phạm pháp luật của tỉnh.": False,
    }
    every_run = [r for p in doc.paragraphs for r in p.runs if r.text]
    every_run += [r for t in doc.tables for c in t._cells for p in c.paragraphs for r in p.runs if r.text]
    assert {run.font.name for run in every_run} == {"Times New Roman"}


def test_recipients_and_signature_of_a_peoples_committee(plan: Plan) -> None:
    doc = _open(plan_export_docx(plan=plan))
    closing = doc.tables[1]
    recipients = [p.text for p in closing.cell(0, 0).paragraphs]
    assert recipients[0] == "Nơi nhận:"
    assert recipients[-1] == "- Lưu: VT."
    assert all(text.startswith("- ") and text.endswith(";") for text in recipients[1:-1])
    assert [p.text for p in closing.cell(0, 1).paragraphs if p.text] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_appendix_table_in_the_xlsx_columns_with_totals_equal_to_a_hand_count(plan: Plan) -> None:
    """4 tasks; progress rolled up: the cancelled one is left out, the done one counts 100 with
    weight 2 → (40 × 1 + 0 × 1 + 100 × 2) / (1 + 1 + 2) = 60 %."""
    doc = _open(plan_export_docx(plan=plan))
    table = doc.tables[-1]
    rows = _rows(table)
    assert rows[0] == HEADER
    assert rows[1] == ["II.1.a", "Rà soát văn bản quy phạm pháp luật", "ĐV SA", "ĐV SB", "Báo cáo", "30/06/2023", "40%"]
    assert rows[3][5:] == ["Thường xuyên", "100%"]
    assert rows[4][6] == "Hủy bỏ"
    assert rows[-1] == ["Tổng cộng", "4 nhiệm vụ", "", "", "", "", "60%"]
    assert len(rows) == 1 + Task.objects.filter(plan=plan).count() + 1
    assert all(run.bold for cell in table.rows[-1].cells for p in cell.paragraphs for run in p.runs)
    assert all(run.font.size == Pt(13) for cell in table._cells for p in cell.paragraphs for run in p.runs)
    note = next(p.text for p in doc.paragraphs if p.text.startswith("Ghi chú"))
    assert "nhiệm vụ đã hủy không tính" in note


def test_totals_of_a_plan_without_counted_tasks_show_no_progress(tree: Any) -> None:
    plan = make_plan(unit=tree.province)
    make_task(plan=plan, lead_unit=tree.dept_a, status=TaskStatus.CANCELLED)
    table = _open(plan_export_docx(plan=plan)).tables[-1]
    assert _rows(table)[-1] == ["Tổng cộng", "1 nhiệm vụ", "", "", "", "", "–"]


def test_averages_keep_one_decimal_with_a_comma(tree: Any) -> None:
    plan = make_plan(unit=tree.province)
    for progress in (10, 15):
        make_task(plan=plan, lead_unit=tree.dept_a, progress=progress)
    assert _rows(_open(plan_export_docx(plan=plan)).tables[-1])[-1][-1] == "12,5%"


def test_a_department_plan_names_its_committee_above_it_and_its_director_signs(tree: Any) -> None:
    plan = make_plan(unit=tree.dept_a, title="Kế hoạch CCHC năm 2023 của Sở A")
    doc = _open(plan_export_docx(plan=plan))
    header = doc.tables[0]
    assert [p.text for p in header.cell(0, 0).paragraphs if p.text] == ["UBND TỈNH THỬ NGHIỆM", "SỞ A"]
    assert _cell_texts(header)[-2:] == ["Số: ……/KH-SA", "Thử Nghiệm, ngày … tháng … năm 2023"]
    assert [p.text for p in doc.tables[1].cell(0, 1).paragraphs if p.text] == ["GIÁM ĐỐC"]
    assert "- Ủy ban nhân dân tỉnh Thử Nghiệm (để báo cáo);" in [p.text for p in doc.tables[1].cell(0, 0).paragraphs]
    assert "CCHC năm 2023 của Sở A" in [p.text for p in doc.paragraphs]


def test_body_lines_wrapped_by_the_source_are_joined() -> None:
    body = (
        "Tiếp tục triển khai thực hiện có hiệu quả\nChương trình tổng thể; đồng thời\n"
        "khắc phục tồn tại.\n- Ý thứ hai.\n\nĐoạn sau."
    )
    assert body_paragraphs(body) == [
        "Tiếp tục triển khai thực hiện có hiệu quả Chương trình tổng thể; đồng thời khắc phục tồn tại.",
        "- Ý thứ hai.",
        "Đoạn sau.",
    ]


def test_the_seed_plan_exports_with_the_provinces_header_and_every_task(db: None) -> None:
    """The real Hải Dương 2023 plan, its tasks generated as `make run` does."""
    cohorts_load_default()
    units_load_default()
    province = OrgUnit.objects.get(code="HD")
    draft = plan_import_create(
        actor=None, unit=province, year=2023, file_name=SEED_PLAN.name, data=SEED_PLAN.read_bytes()
    )
    plan = plan_import_confirm(actor=None, plan_import=draft, title=SEED_PLAN_TITLE)
    tasks = tasks_generate_from_plan(actor=None, plan=plan)
    doc = _open(plan_export_docx(plan=plan))
    texts = _cell_texts(doc.tables[0])
    assert texts[0] == "ỦY BAN NHÂN DÂN\nTỈNH HẢI DƯƠNG"
    assert texts[-1] == "Hải Dương, ngày … tháng … năm 2023"
    rows = _rows(doc.tables[-1])
    assert rows[-1][:2] == ["Tổng cộng", f"{len(tasks)} nhiệm vụ"]
    assert [row[0] for row in rows[1:-1]] == list(
        Task.objects.filter(plan=plan).order_by("position", "code").values_list("code", flat=True)
    )
