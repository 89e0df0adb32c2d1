"""A criteria set as XLSX: export → import round trip, located errors, and the two commands."""

import io
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.organizations.choices import UnitKind
from cchc.organizations.importing import units_load_default
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.tests.factories import make_unit
from cchc.scoring.importing import criteria_set_import_file, criteria_sets_load_default
from cchc.scoring.models import CriteriaSet, Criterion
from cchc.scoring.spreadsheets import COLUMNS, format_bands, parse_bands, parse_criteria, write_criteria_set

D = Decimal
FIELDS = (
    "code", "tree_key", "parent__code", "name", "max_points", "evidence_required", "appraising_unit__code",
    "na_policy", "rule_kind", "rule_bands", "rule_target", "rule_deduction", "rule_floor", "rule_scale_max",
    "auto_source",
)  # fmt: skip
LABELS = [column.label for column in COLUMNS]


@pytest.fixture
def province(db: None) -> OrgUnit:
    """The shipped Hải Dương units and cohorts (for the bundled sets)."""
    units_load_default(actor=None)
    return OrgUnit.objects.get(code="HD")


@pytest.fixture
def small(db: None) -> OrgUnit:
    """Just what the hand-made sheets name: the province ``HD``, its ``HD.SNV`` and the cohort ``SBN``."""
    hd = make_unit(code="HD", kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    make_unit(code="HD.SNV", parent=hd, name="Sở Nội vụ")
    Cohort.objects.create(code="SBN", name="Sở, ban, ngành tỉnh")
    return hd


def _rows(criteria_set: CriteriaSet) -> list[tuple[Any, ...]]:
    return list(Criterion.objects.filter(criteria_set=criteria_set).order_by("tree_key").values_list(*FIELDS))


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(code: str, name: str, max_points: object, **cells: object) -> list[object]:
    """A sheet row in the order of ``COLUMNS``; ``cells`` by key, empty when not given."""
    values = {"code": code, "name": name, "max_points": max_points, **cells}
    return [values.get(column.key) for column in COLUMNS]


def _good_rows() -> list[list[Any]]:
    """A domain worth 3 points with a binary criterion and a banded, auto-fed one."""
    return [
        LABELS,
        _row("1", "Lĩnh vực một", 3, appraising_unit_code="HD.SNV", na_policy="remove", rule_kind="manual"),
        _row("1.1", "Ban hành kế hoạch", 1, evidence_required="Kế hoạch", na_policy="full", rule_kind="binary"),
        _row(
            "1.2", "Hồ sơ đúng hạn", 2, na_policy="remove", rule_kind="bands", rule_bands="0.9:1; 1:2",
            auto_source="dossiers_on_time",
        ),
    ]  # fmt: skip


def _import(tmp_path: Path, data: bytes, province: OrgUnit, *, code: str = "moi", name: str = "bo.xlsx") -> CriteriaSet:
    path = tmp_path / name
    path.write_bytes(data)
    return criteria_set_import_file(
        path=path, actor=None, unit=province, code=code, name="Bộ mới", cohort=Cohort.objects.get(code="SBN"),
        year_from=2026, survey_maximum=D(20),
    )  # fmt: skip


def _errors(tmp_path: Path, rows: list[list[Any]], province: OrgUnit) -> list[str]:
    with pytest.raises(ApplicationError) as caught:
        _import(tmp_path, _xlsx(rows), province)
    assert caught.value.code == "scoring.invalid_file"
    assert caught.value.message.startswith("Tệp bo.xlsx có ")
    assert not CriteriaSet.objects.filter(code="moi").exists()
    assert not AuditEvent.objects.filter(action="criteria_set.create").exists()
    return caught.value.extra["errors"]


def test_bands_are_read_and_written_the_same_way():
    assert parse_bands("0.5:1; 0,8 : 2;1:3;") == ([["0.5", "1"], ["0.8", "2"], ["1", "3"]], "")
    assert format_bands([["0.5", "1"], ["0.80", "2"]]) == "0.5:1; 0.80:2"
    assert parse_bands(format_bands([["0.5", "1"], ["0.80", "2"]]))[0] == [["0.5", "1"], ["0.80", "2"]]
    assert parse_bands("")[0] == []
    bands, reason = parse_bands("0.5:1; 0.8=2")
    assert bands == []
    assert "phần «0.8=2» sai" in reason


@pytest.mark.parametrize("cohort", ["SBN", "HUYEN", "XA"])
def test_export_then_import_gives_the_same_set(tmp_path, province, cohort):
    criteria_sets_load_default(unit=province)
    original = CriteriaSet.objects.get(cohort__code=cohort)
    copy = _import(tmp_path, write_criteria_set(original), province, code=f"copy-{cohort.lower()}")
    assert copy.unit == province
    assert len(_rows(copy)) == original.criteria.count()
    assert _rows(copy) == _rows(original)


def test_the_export_has_labelled_columns_with_their_keys_and_a_guide(province):
    criteria_sets_load_default(unit=province)
    data = write_criteria_set(CriteriaSet.objects.get(code="hd-xa-2023"))
    workbook = load_workbook(io.BytesIO(data))
    sheet, guide = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == LABELS
    assert [cell.comment.text for cell in sheet[1]] == [column.key for column in COLUMNS]
    survey = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "3.6")
    assert survey[1:3] == ("Mức độ hài lòng của người dân qua đánh giá hồ sơ", 2)
    assert (survey[6], survey[11]) == ("survey", 18)
    assert guide.title == "Hướng dẫn"
    assert guide["B1"].value == "hd-xa-2023"
    assert sheet.max_row == 1 + Criterion.objects.filter(criteria_set__code="hd-xa-2023").count()


def test_keys_labels_without_diacritics_and_decimal_commas_are_accepted(tmp_path, small):
    rows = _good_rows()
    rows[0] = [column.key for column in COLUMNS]
    rows[0][2] = "diem toi da"
    rows[2][5] = "Không phát sinh: được điểm tối đa"
    rows[3][6] = "Theo ngưỡng"
    rows[3][7] = "0,9:1; 1:2"
    rows[3][12] = "Hồ sơ TTHC giải quyết đúng hạn"
    created = _import(tmp_path, _xlsx(rows), small)
    plain = _import(tmp_path, _xlsx(_good_rows()), small, code="plain", name="plain.xlsx")
    assert [r[3:] for r in _rows(created)] == [r[3:] for r in _rows(plain)]
    leaf = Criterion.objects.get(criteria_set=created, code="1.2")
    assert (leaf.rule_bands, leaf.auto_source, leaf.parent.code) == (
        [["0.9", "1"], ["1", "2"]],
        "dossiers_on_time",
        "1",
    )


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        (2, 4, "HD.NOPE", "bo.xlsx, dòng 2, cột E (Mã đơn vị thẩm định): không có đơn vị nào mang mã 'HD.NOPE'."),
        (3, 2, "1,2,3", "bo.xlsx, dòng 3, cột C (Điểm tối đa): phải là một số (ví dụ 1,5), nhận được '1,2,3'."),
        (
            3, 2, "1.005",
            "bo.xlsx, dòng 3, cột C (Điểm tối đa): chỉ được có tối đa 2 chữ số thập phân, nhận được '1.005'.",
        ),
        (4, 0, "2.1", "bo.xlsx, dòng 4, cột A (Mã tiêu chí): thiếu tiêu chí cha 2."),
        (
            4, 0, "1.a",
            "bo.xlsx, dòng 4, cột A (Mã tiêu chí): mã '1.a' phải là các số cách nhau bởi dấu chấm, ví dụ 3.2.1.",
        ),
        (
            4, 7, "0.9-1; 1:2",
            "bo.xlsx, dòng 4, cột H (Các ngưỡng (tỷ lệ:điểm)): các ngưỡng phải có dạng «tỷ lệ:điểm; tỷ lệ:điểm», "
            "ví dụ «0.5:1; 0.8:2; 1:3»; phần «0.9-1» sai.",
        ),
        (
            3, 6, "tu dong",
            "bo.xlsx, dòng 3, cột G (Cách chấm): giá trị 'tu dong' không hợp lệ (chọn một trong: manual (Chấm thủ "
            "công), binary (Đạt / không đạt), bands (Theo ngưỡng), linear (Tỷ lệ × điểm tối đa), linear_to_target "
            "(Tỷ lệ so với mục tiêu × điểm tối đa), deduction (Trừ điểm, có mức sàn), survey (Từ điểm khảo sát)).",
        ),
        (3, 5, "bo qua", "bo.xlsx, dòng 3, cột F (Khi không phát sinh): giá trị 'bo qua' không hợp lệ"),
        (4, 12, "excel", "bo.xlsx, dòng 4, cột M (Lấy số liệu tự động từ): giá trị 'excel' không hợp lệ"),
        (3, 1, None, "bo.xlsx, dòng 3, cột B (Tên lĩnh vực, tiêu chí): thiếu giá trị bắt buộc."),
        (3, 2, 0, "bo.xlsx, dòng 3, cột C (Điểm tối đa): điểm tối đa phải lớn hơn 0."),
        (3, 0, "1.2", "bo.xlsx, dòng 4, cột A (Mã tiêu chí): mã 1.2 đã có ở dòng 3."),
        (2, 2, 4, "bo.xlsx, dòng 2, cột C (Điểm tối đa): điểm tối đa 4 khác tổng điểm các tiêu chí con 3."),
        (4, 7, "1:2; 0.5:1; 0.9:1.5", "bo.xlsx, dòng 4, cột H (Các ngưỡng (tỷ lệ:điểm)): Các khung phải được sắp xếp"),
        (
            4, 7, "0.9:1; 1:3",
            "bo.xlsx, dòng 4, cột H (Các ngưỡng (tỷ lệ:điểm)): Khung thứ 2: số điểm 3 phải từ 0 đến 2.",
        ),
        (3, 12, "online", "bo.xlsx, dòng 3, cột M (Lấy số liệu tự động từ): tiêu chí lấy số liệu tự động phải chấm"),
    ],
)  # fmt: skip
def test_a_bad_sheet_is_refused_whole_with_located_errors(tmp_path, small, row, column, value, expected):
    rows = _good_rows()
    rows[row - 1][column] = value
    if expected.startswith("bo.xlsx, dòng 3, cột M"):
        rows[2][6] = "manual"
    errors = _errors(tmp_path, rows, small)
    assert any(error.startswith(expected) for error in errors), errors


def test_rule_values_are_checked_on_their_own_columns(tmp_path, small):
    rows = _good_rows()
    rows[2][6], rows[2][9], rows[2][10] = "deduction", None, "1.5"
    rows[3][6], rows[3][8] = "linear_to_target", "1.2"
    assert _errors(tmp_path, rows, small) == [
        "bo.xlsx, dòng 3, cột J (Điểm trừ mỗi lỗi): Số điểm trừ mỗi lỗi phải lớn hơn 0 (nhận 0).",
        "bo.xlsx, dòng 3, cột K (Điểm sàn): Mức điểm sàn phải từ 0 đến 1 (nhận 1,5).",
        "bo.xlsx, dòng 4, cột I (Mục tiêu (tỷ lệ)): Chỉ tiêu phải lớn hơn 0 và không quá 1 (100 %) (nhận 1,2).",
    ]


def test_every_cell_problem_of_a_sheet_is_reported_at_once(tmp_path, small):
    rows = _good_rows()
    rows[2][2] = "một"
    rows[3][7] = "0.9"
    rows[3][6] = "tự động"
    errors = _errors(tmp_path, rows, small)
    assert [error.split(":", 1)[0] for error in errors] == [
        "bo.xlsx, dòng 3, cột C (Điểm tối đa)",
        "bo.xlsx, dòng 4, cột G (Cách chấm)",
        "bo.xlsx, dòng 4, cột H (Các ngưỡng (tỷ lệ",
    ]


def test_a_sheet_without_a_required_column_or_an_unknown_one_is_refused(tmp_path, small):
    rows = [[*row[:2], *row[3:]] for row in _good_rows()]
    rows[0].append("Cột lạ")
    assert _errors(tmp_path, rows, small) == [
        "bo.xlsx, dòng 1, cột M (Cột lạ): cột không được hỗ trợ; các cột hợp lệ: code, name, max_points, "
        "evidence_required, appraising_unit_code, na_policy, rule_kind, rule_bands, rule_target, rule_deduction, "
        "rule_floor, rule_scale_max, auto_source.",
        "bo.xlsx, dòng 1, cột max_points: thiếu cột bắt buộc trong dòng tiêu đề.",
    ]


def test_a_file_that_is_not_xlsx_or_is_empty_is_refused():
    with pytest.raises(ApplicationError) as caught:
        parse_criteria(b"code,name\n1,x\n", filename="bo.csv")
    assert caught.value.extra["errors"] == [
        "bo.csv, dòng 1: không đọc được tệp Excel (.xlsx): tệp hỏng hoặc sai định dạng."
    ]
    with pytest.raises(ApplicationError) as caught:
        parse_criteria(_xlsx([LABELS]), filename="bo.xlsx")
    assert caught.value.extra["errors"] == ["bo.xlsx, dòng 2: tệp chỉ có dòng tiêu đề, không có tiêu chí nào."]


# -- commands ------------------------------------------------------------------------------


def test_export_then_import_through_the_commands(tmp_path, province):
    criteria_sets_load_default(unit=province)
    target = tmp_path / "sbn.xlsx"
    out = StringIO()
    call_command("export_criteria_set", "hd-sbn-2023", "--out", str(target), stdout=out)
    count = Criterion.objects.filter(criteria_set__code="hd-sbn-2023").count()
    assert out.getvalue().strip() == f"Đã xuất bộ tiêu chí hd-sbn-2023 ({count} mục) ra {target}."

    out = StringIO()
    call_command(
        "import_criteria_set", str(target), "--code", "hd-sbn-2026", "--name", "Bộ tiêu chí sở 2026",
        "--cohort", "SBN", "--year-from", "2026", "--survey-max", "20", stdout=out,
    )  # fmt: skip
    assert out.getvalue().strip() == (
        f"Đã tạo bộ tiêu chí hd-sbn-2026 từ {target}: {count} mục, 45 tiêu chí chấm điểm, "
        "80 điểm tiêu chí và 20 điểm điều tra xã hội học."
    )
    created = CriteriaSet.objects.get(code="hd-sbn-2026")
    assert (created.unit.code, created.year_from, created.year_to, created.survey_maximum) == ("HD", 2026, None, 20)
    assert _rows(created) == _rows(CriteriaSet.objects.get(code="hd-sbn-2023"))


def test_the_import_command_reports_every_error_and_writes_nothing(tmp_path, small):
    rows = _good_rows()
    rows[1][4] = "HD.NOPE"
    rows[3][0] = "2.1"
    path = tmp_path / "bo.xlsx"
    path.write_bytes(_xlsx(rows))
    err = StringIO()
    with pytest.raises(CommandError, match=r"Không nhập được .*bo\.xlsx: 3 lỗi; không có thay đổi nào được ghi\."):
        call_command(
            "import_criteria_set", str(path), "--code", "moi", "--name", "x", "--cohort", "SBN", "--year-from", "2026",
            stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == [
        "bo.xlsx, dòng 2, cột C (Điểm tối đa): điểm tối đa 3 khác tổng điểm các tiêu chí con 1.",
        "bo.xlsx, dòng 2, cột E (Mã đơn vị thẩm định): không có đơn vị nào mang mã 'HD.NOPE'.",
        "bo.xlsx, dòng 4, cột A (Mã tiêu chí): thiếu tiêu chí cha 2.",
    ]
    assert not CriteriaSet.objects.exists()


def test_the_import_command_refuses_a_taken_code_or_an_unknown_cohort(tmp_path, small):
    path = tmp_path / "bo.xlsx"
    path.write_bytes(_xlsx(_good_rows()))
    args = [str(path), "--code", "moi", "--name", "x", "--year-from", "2026"]
    call_command("import_criteria_set", *args, "--cohort", "SBN", stdout=StringIO())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_criteria_set", *args, "--cohort", "SBN", stderr=err)
    assert "Đã có bộ tiêu chí mã 'moi'." in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_criteria_set", *[*args[:2], "khac", *args[3:]], "--cohort", "NOPE", stderr=err)
    assert "Chưa có nhóm đơn vị mã 'NOPE'" in err.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_criteria_set", *[*args[:2], "khac", *args[3:]], "--cohort", "SBN", "--survey-max=-1", stderr=err
        )
    assert err.getvalue().strip() == "Điểm điều tra xã hội học tối đa phải không âm (nhận -1)."
    assert CriteriaSet.objects.count() == 1


def test_the_export_command_refuses_an_unknown_code(db):
    with pytest.raises(CommandError, match=r"Không có bộ tiêu chí mã 'nope'\."):
        call_command("export_criteria_set", "nope")
