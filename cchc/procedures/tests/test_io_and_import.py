"""Import and export: round trips, aliases, and malformed files that write nothing."""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.procedures.importing import procedures_import, procedures_load_default
from cchc.procedures.io import parse_procedures, write_procedures
from cchc.procedures.models import Procedure

HEADER = "code,name,field,level,time_limit_days"


def _export(fmt: Any) -> bytes:
    return write_procedures(Procedure.objects.prefetch_related("units").order_by("code"), fmt)


def _errors(data: bytes, filename: str = "tt.csv") -> list[str]:
    with pytest.raises(ApplicationError) as info:
        parse_procedures(data, filename=filename)
    assert info.value.code == "procedures.invalid_file"
    return list(info.value.extra["errors"])


@pytest.mark.django_db
def test_the_sample_loads_idempotently_and_computes_its_costs() -> None:
    first = procedures_load_default()
    second = procedures_load_default()

    assert len(first.created) == 21
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], 21)
    hkd = Procedure.objects.get(code="MH.HKD.01")
    cost = hkd.cost()
    assert cost.before.per_dossier == Decimal(630000)
    assert cost.reduction_percent == Decimal("53.97")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(tree: Any, fmt: str) -> None:
    procedures_load_default()
    data = _export(fmt)
    events = AuditEvent.objects.count()

    rows = parse_procedures(data, filename=f"tt.{fmt}")
    summary = procedures_import(rows=rows, actor=None)

    assert (summary.created, summary.updated, len(summary.unchanged)) == ([], [], 21)
    assert AuditEvent.objects.count() == events
    assert _export(fmt) == data or fmt == "xlsx"  # an XLSX archive carries a timestamp


@pytest.mark.django_db
def test_an_edited_row_updates_only_that_procedure_with_an_audit_row() -> None:
    procedures_load_default()
    text = _export("csv").decode("utf-8-sig").replace("Đăng ký khai tử,", "Đăng ký khai tử (sửa),")

    summary = procedures_import(rows=parse_procedures(text.encode(), filename="tt.csv"), actor=None)

    assert summary.updated == ["MH.HT.04"]
    event = AuditEvent.objects.filter(action="procedure.updated").get()
    assert event.changes["name"] == ["Đăng ký khai tử", "Đăng ký khai tử (sửa)"]


def test_vietnamese_headers_labels_and_number_formats_are_accepted() -> None:
    data = (
        "Mã TTHC;Tên thủ tục;Lĩnh vực;Cấp thực hiện;Thời hạn giải quyết (ngày làm việc);Phí, lệ phí (đồng);"
        "Mức độ trực tuyến;Số giờ chuẩn bị hồ sơ – trước\n"
        "X.1;Đăng ký khai sinh;Hộ tịch;Cấp xã;1;50.000 đ;Toàn trình;1,5\n"
    ).encode()

    (row,) = parse_procedures(data, filename="tt.csv")

    assert row.values["level"] == "commune"
    assert row.values["online_level"] == "full"
    assert row.values["fee"] == Decimal(50000)
    assert row.values["hours_preparation_before"] == Decimal("1.5")
    assert row.values["hours_preparation_after"] is None
    assert row.values["hourly_cost"] == Decimal(40000)


def test_every_error_is_reported_with_its_line_and_column() -> None:
    data = (
        f"{HEADER},fee,hours_receipt_before\n"
        "A.1,Tên,Hộ tịch,thôn,1,,\n"
        "A.2,,Hộ tịch,commune,ba,12.5,x\n"
        "A.1,Tên,Hộ tịch,commune,1,,\n"
    ).encode()

    errors = _errors(data)

    assert errors == [
        "tt.csv, dòng 2, cột level: cấp thực hiện không hợp lệ 'thôn' (chọn một trong: province (Cấp tỉnh), "
        "district (Cấp huyện), commune (Cấp xã)).",
        "tt.csv, dòng 3, cột name: thiếu giá trị bắt buộc.",
        "tt.csv, dòng 3, cột time_limit_days: phải là số nguyên không âm, nhận được 'ba'.",
        "tt.csv, dòng 3, cột fee: phải là số tiền nguyên (đồng) không âm, nhận được '12.5'.",
        "tt.csv, dòng 3, cột hours_receipt_before: phải là số giờ không âm, tối đa 2 chữ số thập phân, nhận được 'x'.",
        "tt.csv, dòng 4, cột code: mã 'A.1' trùng với dòng 2.",
    ]


def test_a_broken_header_is_reported_before_any_row() -> None:
    errors = _errors(b"code,name,colour\nA,B,C\n")

    assert "tt.csv, dòng 1, cột colour: cột không được hỗ trợ" in errors[0]
    assert errors[1:] == [
        "tt.csv, dòng 1, cột field: thiếu cột bắt buộc trong dòng tiêu đề.",
        "tt.csv, dòng 1, cột level: thiếu cột bắt buộc trong dòng tiêu đề.",
        "tt.csv, dòng 1, cột time_limit_days: thiếu cột bắt buộc trong dòng tiêu đề.",
    ]


def test_empty_binary_and_header_only_files_are_refused() -> None:
    assert _errors(b"") == ["tt.csv, dòng 1: tệp rỗng, không có dòng tiêu đề."]
    assert "không phải văn bản UTF-8" in _errors("code\n\xe9".encode("latin-1"))[0]
    assert _errors(f"{HEADER}\n".encode()) == ["tt.csv, dòng 2: tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."]
    assert "không đọc được tệp Excel" in _errors(b"PK\x03\x04broken", "tt.xlsx")[0]


def test_xlsx_errors_name_the_column_letter() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Thời hạn giải quyết"])
    sheet.append(["B.1", "Tên", "Hộ tịch", "Cấp huyện", 2.5])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert _errors(buffer.getvalue(), "tt.xlsx") == [
        "tt.xlsx, dòng 2, cột E (Thời hạn giải quyết): phải là số nguyên không âm, nhận được '2.5'.",
    ]


@pytest.mark.django_db
def test_an_unknown_unit_code_rejects_the_whole_file() -> None:
    data = f"{HEADER},unit_codes\nC.1,Tên,Hộ tịch,commune,1,\nC.2,Tên,Hộ tịch,commune,1,KHONG-CO\n".encode()

    with pytest.raises(ApplicationError) as info:
        procedures_import(rows=parse_procedures(data, filename="tt.csv"), actor=None, filename="tt.csv")

    assert info.value.extra["errors"] == ["tt.csv, dòng 3, cột unit_codes: không có đơn vị nào mang mã 'KHONG-CO'."]
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_units_are_linked(tree: Any) -> None:
    data = f"{HEADER},unit_codes\nC.1,Tên,Hộ tịch,commune,1,X1;H1\n".encode()

    procedures_import(rows=parse_procedures(data, filename="tt.csv"), actor=None)

    assert sorted(Procedure.objects.get().units.values_list("code", flat=True)) == ["H1", "X1"]


@pytest.mark.django_db
def test_a_user_without_the_right_cannot_import(focal: Any) -> None:
    rows = parse_procedures(f"{HEADER}\nC.1,Tên,Hộ tịch,commune,1\n".encode(), filename="tt.csv")

    with pytest.raises(PermissionDeniedError):
        procedures_import(rows=rows, actor=focal)
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_command_dry_run_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\nD.1,Tên,Hộ tịch,commune,1\nD.2,Tên,Hộ tịch,xã,2\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_procedures", str(good), "--dry-run", stdout=out)
    assert "Chạy thử: sẽ tạo 2" in out.getvalue()
    assert not Procedure.objects.exists()

    call_command("import_procedures", str(good), stdout=out)
    assert Procedure.objects.count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nD.1,Tên,Hộ tịch,commune,-1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_procedures", str(bad), stderr=err)
    assert "dòng 2, cột time_limit_days" in err.getvalue()


@pytest.mark.django_db
def test_export_command_writes_an_xlsx_the_import_reads(tmp_path: Path) -> None:
    procedures_load_default()
    target = tmp_path / "tt.xlsx"

    call_command("export_procedures", str(target), stdout=io.StringIO())

    sheet = load_workbook(target).worksheets[0]
    assert sheet.cell(1, 1).value == "Mã thủ tục"
    assert sheet.max_row == 22
    out = io.StringIO()
    call_command("import_procedures", str(target), stdout=out)
    assert "không đổi 21" in out.getvalue()
