"""A plan as a DOCX document in the Decree 30/2020 layout, its tasks as an appendix.

The document is what the plan's unit would issue: the header block names the unit
(a province, district or commune as its People's Committee, "ỦY BAN NHÂN DÂN TỈNH
HẢI DƯƠNG"; a department under its parent's committee), then "KẾ HOẠCH" and the
plan's subject, the plan's tree as imported (roman sections and numbered items bold,
lettered duties and bullets plain), "Nơi nhận" and the signature block, and on a new
landscape page the appendix: the task table in the columns of the XLSX export with a
totals row (number of tasks, progress rolled up by the documented rule, which is
printed under the table).

The signer's name is not in the data, so the signature block leaves it blank; the
recipients are the usual list for the unit's level. Both are for the office to
complete in the file.
"""

from decimal import Decimal

from cchc.core.decree30 import Align, Decree30Document, Signature, number_line, vietnamese_date
from cchc.core.text import fold
from cchc.organizations.choices import UnitKind
from cchc.organizations.issuers import is_administrative, issuer_for_unit, issuer_in_text, place_name
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import NodeKind
from cchc.plans.models import Plan
from cchc.tasks.calculations import ROLLUP_RULE, TaskFigure, rollup
from cchc.tasks.choices import DONE_STATUSES, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.spreadsheets import COLUMNS, UnitDirectory, plan_tasks, task_cells
from cchc.tasks.spreadsheets.layout import (
    COL_CODE,
    COL_COORDINATING,
    COL_DEADLINE,
    COL_LEAD,
    COL_PRODUCT,
    COL_TITLE,
)

_SIGNER_TITLES = {
    UnitKind.DEPARTMENT: "GIÁM ĐỐC",
    UnitKind.INSPECTORATE: "CHÁNH THANH TRA",
    UnitKind.BOARD: "TRƯỞNG BAN",
    UnitKind.PEOPLES_COMMITTEE_OFFICE: "CHÁNH VĂN PHÒNG",
}
_BOLD_KINDS = frozenset(
    {NodeKind.PART, NodeKind.CHAPTER, NodeKind.SECTION, NodeKind.ARTICLE, NodeKind.ROMAN, NodeKind.ITEM}
)
# Appendix columns on landscape A4 (297 − 30 − 15 = 252 mm between the margins).
APPENDIX_WIDTHS_MM = (20.0, 82.0, 32.0, 40.0, 30.0, 26.0, 22.0)
APPENDIX_ALIGNS: tuple[Align, ...] = ("center", "left", "left", "left", "left", "center", "center")
TOTAL_LABEL = "Tổng cộng"


def _symbol(unit: OrgUnit) -> str:
    """The issuer's part of the document symbol: "UBND", or the unit code's last segment."""
    if is_administrative(unit):
        return "UBND"
    tail = unit.code.rsplit(".", 1)[-1]
    return tail if tail.isascii() and tail.isalnum() else ""


def _signature(unit: OrgUnit) -> Signature:
    if is_administrative(unit):
        return Signature(authority="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH")
    return Signature(authority="", title=_SIGNER_TITLES.get(UnitKind(unit.kind), "THỦ TRƯỞNG CƠ QUAN"))


def _recipients(unit: OrgUnit) -> list[str]:
    """The usual distribution of a unit's plan at its level."""
    if unit.kind == UnitKind.PROVINCE:
        return [
            "Bộ Nội vụ (để báo cáo)",
            "Thường trực Tỉnh ủy (để báo cáo)",
            "Thường trực HĐND tỉnh (để báo cáo)",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
            "Các sở, ban, ngành tỉnh",
            "UBND các huyện, thị xã, thành phố",
            "Lưu: VT",
        ]
    if unit.kind == UnitKind.DISTRICT:
        return [
            "UBND tỉnh (để báo cáo)",
            "Sở Nội vụ (để báo cáo)",
            "Thường trực cấp ủy, HĐND cùng cấp",
            "Chủ tịch, các Phó Chủ tịch UBND",
            "Các cơ quan chuyên môn thuộc UBND",
            "UBND các xã, phường, thị trấn",
            "Lưu: VT",
        ]
    if unit.kind == UnitKind.COMMUNE:
        return ["UBND cấp huyện (để báo cáo)", "Thường trực Đảng ủy, HĐND", "Các ban, ngành, đoàn thể", "Lưu: VT"]
    above = [f"{issuer_in_text(unit.parent)} (để báo cáo)"] if unit.parent else []
    return [*above, "Sở Nội vụ (để theo dõi)", "Lãnh đạo đơn vị", "Các phòng, đơn vị trực thuộc", "Lưu: VT"]


def _subject(plan: Plan) -> str:
    """The plan title without its leading "Kế hoạch", which the document kind line says."""
    title = plan.title.strip()
    if fold(title).startswith("ke hoach "):
        rest = title[len("Kế hoạch ") :].strip()
        return rest[:1].upper() + rest[1:]
    return title


def _heading(kind: str, label: str, title: str) -> str:
    """ "I. MỤC ĐÍCH", "1. Mục đích", "a) Rà soát …": the label as the document punctuates it.

    Imported nodes keep the label as written ("I.", "a)"); a bare one ("II", "b") gets
    the decree's punctuation: a full stop after numbers, a parenthesis after letters.
    """
    label = label.strip()
    if not label:
        return title
    if label[-1].isalnum():
        label += ")" if kind == NodeKind.LETTER else ("" if kind == NodeKind.BULLET else ".")
    return f"{label} {title}"


def _unwrap(text: str) -> str:
    return " ".join(text.split())


_PARAGRAPH_END = (".", ":", ";", "!", "?", "…")
_PARAGRAPH_START = ("-", "+", "•", "*")


def body_paragraphs(body: str) -> list[str]:
    """A node's body as paragraphs: lines wrapped by the source document are joined again.

    A blank line always ends a paragraph; otherwise a line that ends a sentence
    (``.``, ``:``, ``;`` …) followed by one that starts with a capital or a bullet
    starts a new one. Plans wrap mid-sentence far more often than they end a sentence
    at a line end, so this errs towards joining.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        starts = line[:1].isupper() or line.startswith(_PARAGRAPH_START)
        if current and current[-1].endswith(_PARAGRAPH_END) and starts:
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _percent(value: Decimal | int | None) -> str:
    """``45,5%`` (Vietnamese decimal comma), ``50%``; ``–`` when nothing counts."""
    if value is None:
        return "–"
    text = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{text}%"


def _progress_cell(task: Task) -> str:
    if task.status == TaskStatus.CANCELLED:
        return str(TaskStatus.CANCELLED.label)
    return _percent(100 if task.status in DONE_STATUSES else task.progress)


def appendix_rows(tasks: list[Task], directory: UnitDirectory) -> tuple[list[list[str]], list[str]]:
    """The appendix table's body rows (the XLSX columns as text) and its totals row.

    The totals row counts the tasks and rolls their progress up by ``ROLLUP_RULE``
    (a cancelled task is left out, a done task counts 100 %).
    """
    rows: list[list[str]] = []
    for task in tasks:
        cells = task_cells(task, directory)
        deadline = cells[COL_DEADLINE]
        rows.append(
            [
                *(str(cells[name]) for name in (COL_CODE, COL_TITLE, COL_LEAD, COL_COORDINATING, COL_PRODUCT)),
                deadline if isinstance(deadline, str) else deadline.strftime("%d/%m/%Y"),
                _progress_cell(task),
            ]
        )
    result = rollup(TaskFigure(weight=t.weight, progress=t.progress, status=t.status) for t in tasks)
    totals = [TOTAL_LABEL, f"{len(tasks)} nhiệm vụ", "", "", "", "", _percent(result.progress)]
    return rows, totals


def plan_export_docx(*, plan: Plan) -> bytes:
    """The plan as a Decree 30 DOCX (see the module docstring); a draft leaves number and date blank."""
    unit = OrgUnit.objects.select_related("parent__parent__parent").get(pk=plan.unit_id)
    issuer = issuer_for_unit(unit)
    place = place_name(unit)
    doc = Decree30Document(title=plan.title)
    doc.header(
        issuer=issuer, number=plan.number, place=place, date=plan.issued_on, year=plan.year, symbol=_symbol(unit)
    )
    doc.title("KẾ HOẠCH", _subject(plan))

    for node in plan.nodes.order_by("position"):
        if node.kind == NodeKind.TABLE_ROW:
            continue  # appendix rows of the source document: the task table replaces them
        heading = _heading(node.kind, node.label, _unwrap(node.title))
        bold = node.kind in _BOLD_KINDS
        paragraphs = body_paragraphs(node.body)
        if paragraphs and paragraphs[0][:1].islower():
            # The outline cut the heading's sentence at a line end: it goes on in the body.
            first = paragraphs.pop(0)
            if bold:
                doc.paragraph(first, lead=heading)
            else:
                doc.paragraph(f"{heading} {first}")
        else:
            doc.paragraph(heading, bold=bold)
        for text in paragraphs:
            doc.paragraph(text)

    doc.closing(recipients=_recipients(unit), signature=_signature(unit))

    number = number_line(plan.number, symbol=_symbol(unit)).removeprefix("Số: ")
    issued = vietnamese_date(plan.issued_on) if plan.issued_on else f"ngày … tháng … năm {plan.year}"
    doc.appendix(
        title="Phụ lục",
        subtitle="DANH MỤC NHIỆM VỤ",
        reference=f"(Kèm theo Kế hoạch số {number} {issued} của {issuer_in_text(unit)})",
        landscape=True,
    )
    rows, totals = appendix_rows(plan_tasks(plan), UnitDirectory.for_plan(plan))
    doc.table(COLUMNS, rows, widths_mm=APPENDIX_WIDTHS_MM, aligns=APPENDIX_ALIGNS, footer=totals)
    doc.paragraph(f"Ghi chú: tiến độ ở dòng “{TOTAL_LABEL}”: {ROLLUP_RULE}", italic=True, size=13)
    return doc.to_bytes()
