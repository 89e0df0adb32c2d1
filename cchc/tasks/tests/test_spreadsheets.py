"""XLSX export and import of a plan's tasks: the appendix layout, round trip, all or nothing.

The plan (province "Tỉnh Thử Nghiệm", 2023) has five tasks covering every kind of cell:
a dated task with a product text and two coordinating units, a quarter label, an
ongoing task done on time, a monthly task with occurrences, and a cancelled one led
by a unit known by its full name only.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.audit.services import snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.importing import cohorts_load_default, units_load_default
from cchc.organizations.models import OrgUnit
from cchc.organizations.tests.factories import make_unit
from cchc.plans.models import Plan
from cchc.plans.services import plan_import_confirm, plan_import_create
from cchc.plans.tests.factories import PlanUnits, make_plan_units
from cchc.tasks.choices import DeadlineKind, ProductKind, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.services import TASK_FIELDS, tasks_generate_from_plan
from cchc.tasks.spreadsheets import SpreadsheetSummary, plan_export_xlsx, plan_import_xlsx
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
FILE = "tệp.xlsx"
HEADER_ROW = 3
CODES = ["II.1.a", "II.1.b", "II.2.a", "II.2.b", "IV.1"]


@pytest.fixture
def units(tree: Any) -> PlanUnits:
    return make_plan_units(tree)


@pytest.fixture
def plan(tree: Any, units: PlanUnits) -> Plan:
    plan = make_plan(unit=tree.province, title="Kế hoạch cải cách hành chính năm 2023")
    make_task(
        plan=plan,
        code="II.1.a",
        title="Rà soát văn bản quy phạm pháp luật của tỉnh",
        lead_unit=tree.dept_a,
        coordinating_units=[tree.dept_b, units.home_affairs],
        product_kind=ProductKind.REPORT,
        product="Báo cáo kết quả rà soát",
        due_date=dt.date(2023, 6, 30),
        progress=40,
        position=1,
    )
    make_task(
        plan=plan,
        code="II.1.b",
        title="Kiểm tra việc thi hành pháp luật",
        lead_unit=units.home_affairs,
        product_kind=ProductKind.PLAN,
        deadline_kind=DeadlineKind.PERIOD,
        deadline_label="Quý II/2023",
        due_date=dt.date(2023, 6, 30),
        position=2,
    )
    make_task(
        plan=plan,
        code="II.2.a",
        title="Công bố thủ tục hành chính đúng thời hạn",
        lead_unit=tree.district,
        coordinating_units=[tree.commune],
        deadline_kind=DeadlineKind.ONGOING,
        deadline_label="Thường xuyên",
        due_date=dt.date(2023, 12, 31),
        status=TaskStatus.DONE_ON_TIME,
        progress=100,
        weight=2,
        position=3,
    )
    make_task(
        plan=plan,
        code="II.2.b",
        title="Báo cáo tình hình giải quyết thủ tục hành chính",
        lead_unit=tree.dept_b,
        product_kind=ProductKind.REPORT,
        deadline_kind=DeadlineKind.MONTHLY,
        deadline_label="Hằng tháng",
        progress=10,
        position=4,
    )
    make_task(
        plan=plan,
        code="IV.1",
        title="Theo dõi, đôn đốc việc thực hiện Kế hoạch",
        lead_unit=tree.dept_a_child,
        status=TaskStatus.CANCELLED,
        progress=30,
        position=5,
    )
    return plan


@pytest.fixture
def officer(tree: Any) -> User:
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="phong.cchc")


def _sheet(data: bytes) -> tuple[Workbook, Worksheet]:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return workbook, sheet


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row_of(sheet: Worksheet, code: str) -> int:
    return next(row for row in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet.cell(row, 1).value == code)


def _edit(data: bytes, change: Callable[[Worksheet], None]) -> bytes:
    workbook, sheet = _sheet(data)
    change(sheet)
    return _save(workbook)


def _state(plan: Plan) -> dict[str, Any]:
    """Every task's fields and coordinating units, to prove that nothing moved."""
    return {
        task.code: {
            **snapshot(task, TASK_FIELDS),
            "coordinating": sorted(u.code for u in task.coordinating_units.all()),
        }
        for task in Task.objects.filter(plan=plan).prefetch_related("coordinating_units")
    }


def _counts() -> tuple[int, int]:
    return Task.objects.count(), AuditEvent.objects.count()


def _errors(excinfo: pytest.ExceptionInfo[ApplicationError]) -> list[str]:
    assert excinfo.value.code == "tasks.invalid_file"
    return list(excinfo.value.extra["errors"])


# -- export ------------------------------------------------------------------------------------


def test_export_has_the_appendix_header_exactly_under_a_title(plan: Plan) -> None:
    _workbook, sheet = _sheet(plan_export_xlsx(plan=plan))
    assert sheet["A1"].value == "Kế hoạch cải cách hành chính năm 2023"
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADER
    assert all(cell.font.bold for cell in sheet[HEADER_ROW])
    assert all(cell.border.left.style == "thin" for cell in sheet[HEADER_ROW])
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.column_dimensions["B"].width >= 40
    assert [sheet.cell(row, 1).value for row in range(HEADER_ROW + 1, sheet.max_row + 1)] == CODES


def test_export_writes_units_by_short_name_and_deadlines_as_dates_or_labels(plan: Plan) -> None:
    """Units by short name ("Sở Nội vụ"), or full name where the default short name is not unique."""
    _workbook, sheet = _sheet(plan_export_xlsx(plan=plan))
    rows = {row[0]: row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert rows["II.1.a"] == (
        "II.1.a",
        "Rà soát văn bản quy phạm pháp luật của tỉnh",
        "ĐV SA",
        "ĐV SB; Sở Nội vụ",
        "Báo cáo kết quả rà soát",
        dt.datetime(2023, 6, 30),
        40,
    )
    assert rows["II.1.b"][2:] == ("Sở Nội vụ", None, "Kế hoạch", "Quý II/2023", 0)
    assert rows["II.2.a"][3:] == ("ĐV X1", None, "Thường xuyên", 100)
    assert rows["II.2.b"][4:] == ("Báo cáo", "Hằng tháng", 10)
    row = _row_of(sheet, "II.1.a")
    assert sheet.cell(row, 6).number_format == "DD/MM/YYYY"
    assert sheet.cell(row, 7).number_format == '0"%"'
    assert sheet.cell(row, 2).alignment.wrap_text


# -- round trip --------------------------------------------------------------------------------


def test_export_then_import_changes_nothing(plan: Plan, officer: User) -> None:
    before, counts = _state(plan), _counts()
    summary = plan_import_xlsx(actor=officer, plan=plan, data=plan_export_xlsx(plan=plan), file_name=FILE)
    assert summary == SpreadsheetSummary(created=[], updated=[], unchanged=CODES, warnings=[])
    assert summary.message() == "Đã tạo 0, cập nhật 0, giữ nguyên 5 nhiệm vụ."
    assert _state(plan) == before
    assert _counts() == counts


def test_a_sheet_saved_again_by_another_tool_still_changes_nothing(plan: Plan) -> None:
    """Dates saved as text and percents typed as "40%" read back to the same values."""

    def retype(sheet: Worksheet) -> None:
        row = _row_of(sheet, "II.1.a")
        sheet.cell(row, 6).value = "30/06/2023"
        sheet.cell(row, 7).value = "40%"
        row = _row_of(sheet, "II.1.b")
        sheet.cell(row, 7).value = 0.0
        sheet.cell(row, 7).number_format = "0%"
        sheet.cell(row, 4).value = "  "

    before, counts = _state(plan), _counts()
    summary = plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), retype), file_name=FILE)
    assert summary.unchanged == CODES
    assert _state(plan) == before
    assert _counts() == counts


# -- updates and creation ----------------------------------------------------------------------


def test_changed_title_and_lead_unit_update_those_tasks_with_audit_rows(
    plan: Plan, tree: Any, units: PlanUnits, officer: User
) -> None:
    def change(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.1.a"), 2).value = "Rà soát, hệ thống hóa văn bản quy phạm pháp luật"
        sheet.cell(_row_of(sheet, "II.1.b"), 3).value = "Sở B"

    tasks_before = Task.objects.count()
    summary = plan_import_xlsx(
        actor=officer, plan=plan, data=_edit(plan_export_xlsx(plan=plan), change), file_name=FILE
    )
    assert summary.created == []
    assert summary.updated == ["II.1.a", "II.1.b"]
    assert summary.unchanged == ["II.2.a", "II.2.b", "IV.1"]
    assert Task.objects.count() == tasks_before

    first = Task.objects.get(plan=plan, code="II.1.a")
    second = Task.objects.get(plan=plan, code="II.1.b")
    assert first.title == "Rà soát, hệ thống hóa văn bản quy phạm pháp luật"
    assert first.lead_unit == tree.dept_a
    assert second.lead_unit == tree.dept_b
    events = AuditEvent.objects.filter(action="task.updated", object_type="tasks.task").order_by("pk")
    assert [(event.object_id, set(event.changes), event.actor) for event in events] == [
        (str(first.pk), {"title"}, officer),
        (str(second.pk), {"lead_unit"}, officer),
    ]
    assert events[1].changes["lead_unit"] == [units.home_affairs.pk, tree.dept_b.pk]
    imported = AuditEvent.objects.get(action="plan.tasks_imported")
    assert imported.object_id == str(plan.pk)
    assert imported.changes["updated"] == [None, ["II.1.a", "II.1.b"]]
    assert imported.changes["file_name"] == [None, FILE]


def test_a_new_lead_leaves_the_coordinating_units(plan: Plan, tree: Any, units: PlanUnits) -> None:
    def change(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.1.a"), 3).value = "Sở Nội vụ"

    summary = plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), change), file_name=FILE)
    assert summary.updated == ["II.1.a"]
    task = Task.objects.get(plan=plan, code="II.1.a")
    assert task.lead_unit == units.home_affairs
    assert list(task.coordinating_units.all()) == [tree.dept_b]


def test_new_rows_create_tasks_with_given_or_next_free_codes(plan: Plan, tree: Any, units: PlanUnits) -> None:
    """A row without STT gets "N1"; a cohort name coordinates its members; labels, percents and nodes are read."""
    make_node(plan=plan, path="II", title="NHIỆM VỤ")
    node = make_node(plan=plan, path="II.3", title="Cải cách tổ chức bộ máy")

    def add(sheet: Worksheet) -> None:
        sheet.append(
            ["II.3", "Sắp xếp tổ chức bộ máy", "Sở A", "Các sở, ban, ngành", "Quyết định", "Quý III/2023", "25%"]
        )
        sheet.append([None, "Tập huấn nghiệp vụ", "SNV", "Huyện Một; Xã Một", "Hội nghị tập huấn", "15/11/2023", 0.6])
        sheet.cell(sheet.max_row, 7).number_format = "0%"
        sheet.append([None, "Khảo sát sự hài lòng", "Sở Nội vụ", None, None, None, "Hoàn thành đúng hạn"])

    summary = plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), add), file_name=FILE)
    assert summary.created == ["II.3", "N1", "N2"]
    assert summary.updated == []
    assert summary.unchanged == CODES

    restructure = Task.objects.get(plan=plan, code="II.3")
    assert restructure.node == node
    assert restructure.lead_unit == tree.dept_a
    assert {u.code for u in restructure.coordinating_units.all()} == {"SB", "SNV"}  # the cohort minus the lead
    assert restructure.product_kind == ProductKind.DECISION
    assert restructure.product == ""
    assert (restructure.deadline_kind, restructure.deadline_label) == (DeadlineKind.PERIOD, "Quý III/2023")
    assert restructure.due_date == dt.date(2023, 9, 30)
    assert restructure.progress == 25
    assert restructure.position == 6

    training = Task.objects.get(plan=plan, code="N1")
    assert training.lead_unit == units.home_affairs
    assert {u.code for u in training.coordinating_units.all()} == {"H1", "X1"}
    assert (training.product_kind, training.product) == (ProductKind.EVENT, "Hội nghị tập huấn")
    assert (training.deadline_kind, training.due_date, training.deadline_label) == (
        DeadlineKind.DATE,
        dt.date(2023, 11, 15),
        "",
    )
    assert training.progress == 60

    survey = Task.objects.get(plan=plan, code="N2")
    assert (survey.status, survey.progress) == (TaskStatus.DONE_ON_TIME, 100)
    assert AuditEvent.objects.filter(action="task.created", object_id=str(survey.pk)).exists()


def test_unit_names_are_read_tolerantly_and_reported(plan: Plan, units: PlanUnits, tree: Any) -> None:
    """Code, full name and unaccented spellings are found; a guessed name comes back as a warning."""

    def change(sheet: Worksheet) -> None:
        row = _row_of(sheet, "II.1.b")
        sheet.cell(row, 3).value = "so noi vu"
        sheet.cell(row, 4).value = "SA; Chi cục thuộc Sở A"

    summary = plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), change), file_name=FILE)
    assert summary.updated == ["II.1.b"]
    task = Task.objects.get(plan=plan, code="II.1.b")
    assert task.lead_unit == units.home_affairs
    assert {u.code for u in task.coordinating_units.all()} == {"SA", "SA-1"}
    row = HEADER_ROW + 2
    assert summary.warnings == [f"{FILE}, dòng {row}, cột Cơ quan chủ trì: “so noi vu” được hiểu là “Sở Nội vụ”."]


def test_deadline_labels_give_kind_and_date(plan: Plan) -> None:
    labels = {
        "II.1.a": ("Tháng 9/2023", DeadlineKind.PERIOD, dt.date(2023, 9, 30)),
        "II.1.b": ("6 tháng đầu năm 2023", DeadlineKind.PERIOD, dt.date(2023, 6, 30)),
        "II.2.a": ("Trước 15/10/2023", DeadlineKind.PERIOD, dt.date(2023, 10, 15)),
        "IV.1": ("Năm 2023", DeadlineKind.PERIOD, dt.date(2023, 12, 31)),
    }

    def change(sheet: Worksheet) -> None:
        for code, (label, _kind, _due) in labels.items():
            sheet.cell(_row_of(sheet, code), 6).value = label

    summary = plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), change), file_name=FILE)
    assert summary.updated == ["II.1.a", "II.1.b", "II.2.a", "IV.1"]
    for code, (label, kind, due) in labels.items():
        task = Task.objects.get(plan=plan, code=code)
        assert (task.deadline_label, task.deadline_kind, task.due_date) == (label, kind, due)


def test_import_refuses_a_user_who_may_not_change_the_plan(plan: Plan, tree: Any) -> None:
    viewer = make_user(role=Role.VIEWER, unit=tree.province)
    counts = _counts()
    with pytest.raises(PermissionDeniedError):
        plan_import_xlsx(actor=viewer, plan=plan, data=plan_export_xlsx(plan=plan), file_name=FILE)
    assert _counts() == counts


# -- malformed files ---------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(plan: Plan, officer: User) -> None:
    """One file with an unknown unit, an impossible date, progress 150, a duplicate code and a
    missing title: every problem is listed with its row and column; the valid edit in row 4 is
    not applied either."""

    def spoil(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.1.a"), 2).value = "Một thay đổi hợp lệ"
        sheet.cell(_row_of(sheet, "II.1.b"), 3).value = "Sở Ngoai vu"
        sheet.cell(_row_of(sheet, "II.2.a"), 6).value = "31/02/2023"
        sheet.cell(_row_of(sheet, "II.2.b"), 7).value = 150
        sheet.append(["II.1.a", "Bản sao", "Sở A", None, None, None, 0])
        sheet.append([None, None, "Sở A; Sở B", "Sở C", None, "Quý V", "xong"])

    before, counts = _state(plan), _counts()
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=officer, plan=plan, data=_edit(plan_export_xlsx(plan=plan), spoil), file_name=FILE)
    assert _errors(excinfo) == [
        "tệp.xlsx, dòng 5, cột Cơ quan chủ trì: không tìm thấy đơn vị “Sở Ngoai vu”.",
        "tệp.xlsx, dòng 6, cột Thời gian hoàn thành: ngày không hợp lệ “31/02/2023”.",
        "tệp.xlsx, dòng 7, cột Tiến độ: tiến độ phải là số nguyên từ 0 đến 100 (%) hoặc một trạng thái "
        "(“Chưa triển khai”, “Đang thực hiện”, “Hoàn thành đúng hạn”, “Hoàn thành quá hạn”, “Hủy bỏ”), "
        "nhận được “150”.",
        "tệp.xlsx, dòng 9, cột STT: mã “II.1.a” trùng với dòng 4.",
        "tệp.xlsx, dòng 10, cột Nội dung nhiệm vụ: thiếu giá trị bắt buộc.",
        "tệp.xlsx, dòng 10, cột Cơ quan chủ trì: chỉ ghi một cơ quan chủ trì, nhận được 2.",
        "tệp.xlsx, dòng 10, cột Cơ quan phối hợp: không tìm thấy đơn vị “Sở C”.",
        "tệp.xlsx, dòng 10, cột Thời gian hoàn thành: không hiểu thời gian hoàn thành “Quý V”; hãy ghi ngày "
        "dd/mm/yyyy hoặc “Quý II/2023”, “Tháng 6/2023”, “6 tháng đầu năm 2023”, “Năm 2023”, “Hằng tháng”, "
        "“Hằng quý”, “Thường xuyên”.",
        "tệp.xlsx, dòng 10, cột Tiến độ: tiến độ phải là số nguyên từ 0 đến 100 (%) hoặc một trạng thái "
        "(“Chưa triển khai”, “Đang thực hiện”, “Hoàn thành đúng hạn”, “Hoàn thành quá hạn”, “Hủy bỏ”), "
        "nhận được “xong”.",
    ]
    assert excinfo.value.message.startswith("Tệp tệp.xlsx có 9 lỗi; không có thay đổi nào được ghi.\n")
    assert _state(plan) == before
    assert _counts() == counts


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Quá hạn", "“Quá hạn” do lịch làm việc tự xác định, không nhập được; hãy ghi tiến độ (%)."),
        (-5, "nhận được “-5”."),
        (45.5, "nhận được “45.5”."),
    ],
)
def test_progress_outside_whole_percents_is_refused(plan: Plan, value: Any, message: str) -> None:
    def spoil(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.1.a"), 7).value = value

    counts = _counts()
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), spoil), file_name=FILE)
    [error] = _errors(excinfo)
    assert error.startswith("tệp.xlsx, dòng 4, cột Tiến độ: ")
    assert error.endswith(message)
    assert _counts() == counts


def test_a_group_cannot_lead_and_an_ambiguous_name_asks_for_the_code(plan: Plan, tree: Any) -> None:
    make_unit(code="T1", parent=tree.province, name="Trung tâm Một", short_name="Trung tâm")
    make_unit(code="T2", parent=tree.province, name="Trung tâm Hai", short_name="Trung tâm")

    def spoil(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.1.a"), 3).value = "Các sở, ban, ngành"
        sheet.cell(_row_of(sheet, "II.1.b"), 4).value = "Trung tâm"

    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), spoil), file_name=FILE)
    assert _errors(excinfo) == [
        "tệp.xlsx, dòng 4, cột Cơ quan chủ trì: “Các sở, ban, ngành” là một nhóm đơn vị; "
        "cơ quan chủ trì phải là một đơn vị.",
        "tệp.xlsx, dòng 5, cột Cơ quan phối hợp: “Trung tâm” ứng với nhiều đơn vị (T1, T2); hãy ghi mã đơn vị.",
    ]


def test_a_unit_with_an_ambiguous_short_name_is_exported_by_full_name_and_round_trips(plan: Plan, tree: Any) -> None:
    first = make_unit(code="T1", parent=tree.province, name="Trung tâm Một", short_name="Trung tâm")
    make_unit(code="T2", parent=tree.province, name="Trung tâm Hai", short_name="Trung tâm")
    make_task(plan=plan, code="V.1", lead_unit=first, position=6)
    data = plan_export_xlsx(plan=plan)
    _workbook, sheet = _sheet(data)
    assert sheet.cell(_row_of(sheet, "V.1"), 3).value == "Trung tâm Một"
    summary = plan_import_xlsx(actor=None, plan=plan, data=data, file_name=FILE)
    assert summary.unchanged == [*CODES, "V.1"]


def _docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _xlsx_with_a_broken_sheet() -> bytes:
    """A real workbook whose worksheet part is cut in half: opening works, reading the rows fails."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADER)
    for number in range(50):
        sheet.append([f"T{number}", "Nhiệm vụ", "Sở A", None, None, None, 0])
    source = zipfile.ZipFile(io.BytesIO(_save(workbook)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    return buffer.getvalue()


NOT_XLSX = (
    "tệp.xlsx: không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải định dạng .xlsx; "
    "hãy mở bằng Excel và lưu lại dưới dạng “Sổ làm việc Excel (*.xlsx)”."
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "tệp.xlsx: tệp rỗng."),
        (b"STT;N\xe1\xbb\x99i dung\n1;x\n", NOT_XLSX),
        (b"PK\x03\x04 broken zip", NOT_XLSX),
        (_docx_bytes(), NOT_XLSX),
        (_xlsx_with_a_broken_sheet(), "tệp.xlsx: nội dung trang tính bị hỏng, không đọc hết được."),
    ],
    ids=["empty", "csv", "broken-zip", "docx", "broken-sheet"],
)
def test_a_file_that_is_not_xlsx_is_refused(plan: Plan, data: bytes, message: str) -> None:
    counts, before = _counts(), _state(plan)
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=data, file_name=FILE)
    assert _errors(excinfo) == [message]
    assert _counts() == counts
    assert _state(plan) == before


def test_a_missing_column_is_named_at_the_header_row(plan: Plan) -> None:
    def drop(sheet: Worksheet) -> None:
        sheet.delete_cols(4)

    counts = _counts()
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), drop), file_name=FILE)
    assert _errors(excinfo) == ["tệp.xlsx, dòng 3, cột Cơ quan phối hợp: thiếu cột này trong dòng tiêu đề."]
    assert _counts() == counts


def test_a_sheet_without_the_header_or_without_rows_is_refused(plan: Plan) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["Mã", "Tên"])
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=_save(workbook), file_name=FILE)
    [error] = _errors(excinfo)
    assert error.startswith("tệp.xlsx: không tìm thấy dòng tiêu đề với các cột “STT”, “Nội dung nhiệm vụ”")

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADER)
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_xlsx(actor=None, plan=plan, data=_save(workbook), file_name=FILE)
    assert _errors(excinfo) == ["tệp.xlsx, dòng 2: không có dòng nhiệm vụ nào dưới dòng tiêu đề."]


def test_columns_are_found_by_name_in_any_order_below_any_title(plan: Plan, tree: Any) -> None:
    """A hand-made sheet: header on row 5, columns shuffled, "Tiến độ (%)", an extra note column."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["DANH MỤC NHIỆM VỤ"])
    for _ in range(3):
        sheet.append([])
    sheet.append(["Tiến độ (%)", "STT", "Cơ quan chủ trì", "Nội dung nhiệm vụ", "Ghi chú", *HEADER[3:6]])
    sheet.append([50, "VI.1", "Sở B", "Nhiệm vụ mới", "không đọc", None, None, dt.datetime(2023, 8, 1)])
    summary = plan_import_xlsx(actor=None, plan=plan, data=_save(workbook), file_name=FILE)
    assert summary.created == ["VI.1"]
    task = Task.objects.get(plan=plan, code="VI.1")
    assert (task.title, task.lead_unit, task.progress, task.due_date) == (
        "Nhiệm vụ mới",
        tree.dept_b,
        50,
        dt.date(2023, 8, 1),
    )
    assert task.weight == Decimal(1)


def test_a_recurring_task_keeps_its_last_occurrence_as_due_date(plan: Plan) -> None:
    """Rewording "Hằng tháng" keeps the date the occurrences gave; "Hằng quý" regenerates them."""
    monthly = Task.objects.get(plan=plan, code="II.2.b")
    last_month = monthly.due_date
    assert last_month is not None
    assert monthly.occurrences.count() == 12

    def reword(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.2.b"), 6).value = "Hằng tháng, trước ngày 20"

    plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), reword), file_name=FILE)
    monthly.refresh_from_db()
    assert (monthly.deadline_label, monthly.due_date) == ("Hằng tháng, trước ngày 20", last_month)

    def quarterly(sheet: Worksheet) -> None:
        sheet.cell(_row_of(sheet, "II.2.b"), 6).value = "Hằng quý"

    plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), quarterly), file_name=FILE)
    monthly.refresh_from_db()
    assert monthly.deadline_kind == DeadlineKind.QUARTERLY
    assert monthly.occurrences.count() == 4


def test_the_seed_plan_round_trips_with_zero_changes(db: None) -> None:
    """The real Hải Dương 2023 plan and units (where Hải Phòng's departments share short names
    with Hải Dương's): every generated task, with its long list of coordinating units, reads
    back unchanged."""
    cohorts_load_default()
    units_load_default()
    province = OrgUnit.objects.get(code="HD")
    draft = plan_import_create(
        actor=None, unit=province, year=2023, file_name=SEED_PLAN.name, data=SEED_PLAN.read_bytes()
    )
    plan = plan_import_confirm(actor=None, plan_import=draft, title=SEED_PLAN_TITLE)
    tasks = tasks_generate_from_plan(actor=None, plan=plan)
    data = plan_export_xlsx(plan=plan)
    _workbook, sheet = _sheet(data)
    assert sheet.cell(HEADER_ROW + 1, 3).value == "Sở Nội vụ"  # HD.SNV, though HP.SNV has the same short name

    before, counts = _state(plan), _counts()
    summary = plan_import_xlsx(actor=None, plan=plan, data=data, file_name="ke-hoach.xlsx")
    assert (summary.created, summary.updated, summary.warnings) == ([], [], [])
    assert summary.unchanged == [task.code for task in sorted(tasks, key=lambda t: (t.position, t.code))]
    assert _state(plan) == before
    assert _counts() == counts


def test_an_ongoing_task_is_due_at_the_end_of_the_plans_year(plan: Plan, tree: Any) -> None:
    def add(sheet: Worksheet) -> None:
        sheet.append([None, "Tuyên truyền cải cách hành chính", "Sở A", None, None, "Thường xuyên", 0])

    plan_import_xlsx(actor=None, plan=plan, data=_edit(plan_export_xlsx(plan=plan), add), file_name=FILE)
    task = Task.objects.get(plan=plan, code="N1")
    assert (task.deadline_kind, task.deadline_label, task.due_date) == (
        DeadlineKind.ONGOING,
        "Thường xuyên",
        dt.date(2023, 12, 31),
    )
