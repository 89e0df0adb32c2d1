"""Reading and writing unit files: every problem is reported with file, line and column."""

import codecs
import datetime as dt
import io
import json

import pytest

from cchc.core.errors import ApplicationError
from cchc.organizations.importing import DEFAULT_COHORTS_FILE, DEFAULT_UNITS_FILE
from cchc.organizations.io import UnitRow, parse_cohorts, parse_date, parse_units, read_cohorts, read_units, write_units

HEADER = "code,name,short_name,kind,parent_code,statistical_code,cohorts,valid_from,valid_to,successor_codes"
PROVINCE = "P,Tỉnh Thử,Thử,province,,30,,2021-01-01,,"
DEPT = "P.S1,Sở Một,Sở 1,department,P,,SBN,2021-01-01,,"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def errors_of(data: bytes, filename: str = "units.csv") -> list[str]:
    with pytest.raises(ApplicationError) as info:
        parse_units(data, filename=filename)
    assert info.value.code == "organizations.invalid_file"
    errors = info.value.extra["errors"]
    # The message carries a headline and every located error, for the API and the admin.
    assert all(error in info.value.message for error in errors)
    return list(errors)


class TestShippedFiles:
    def test_units_file_reads_without_errors(self) -> None:
        """The shipped file has 55 units with unique codes, each with an explicit sort order."""
        rows = read_units(DEFAULT_UNITS_FILE)
        assert len(rows) == 55
        assert len({row.code for row in rows}) == 55
        assert all(row.sort_order is not None for row in rows)
        by_code = {row.code: row for row in rows}
        assert by_code["HD.SLDTBXH"].name == "Sở Lao động – Thương binh và Xã hội tỉnh Hải Dương"
        assert by_code["HD.SLDTBXH"].successor_codes == ("HD.SNV", "HD.SYT", "HD.SGDDT")
        assert by_code["HD.VP"].cohorts == ("SBN", "THAMDINH")

    def test_cohort_file_reads_without_errors(self) -> None:
        codes = [row.code for row in read_cohorts(DEFAULT_COHORTS_FILE)]
        assert {"SBN", "HUYEN", "XA"} <= set(codes)


class TestValues:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2023-02-28", dt.date(2023, 2, 28)),
            ("01/07/2025", dt.date(2025, 7, 1)),
            ("1/7/2025", dt.date(2025, 7, 1)),
            ("2023-02-30", None),
            ("30/02/2023", None),
            ("2023/02/01", None),
            ("", None),
        ],
    )
    def test_parse_date_accepts_iso_and_vietnamese_order(self, text: str, expected: dt.date | None) -> None:
        assert parse_date(text) == expected

    def test_rows_are_typed(self) -> None:
        row = parse_units(
            csv_bytes(HEADER + ",sort_order", "P,Tỉnh Thử,Thử,province,,30,A; B;;A,01/01/2021,31/12/2025,X;Y,7"),
            filename="units.csv",
        )[0]
        assert row == UnitRow(
            code="P",
            name="Tỉnh Thử",
            short_name="Thử",
            kind="province",
            statistical_code="30",
            cohorts=("A", "B"),
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2025, 12, 31),
            successor_codes=("X", "Y"),
            sort_order=7,
        )
        assert row.source is not None
        assert row.source.describe("kind") == "units.csv, dòng 2, cột kind"

    def test_without_sort_order_column_sort_order_is_left_open(self) -> None:
        rows = parse_units(csv_bytes(HEADER, PROVINCE), filename="units.csv")
        assert rows[0].sort_order is None


class TestRowErrors:
    def test_bad_date_names_line_and_column(self) -> None:
        errors = errors_of(csv_bytes(HEADER, PROVINCE, "P.S1,Sở Một,Sở 1,department,P,,,2023-02-30,,"))
        assert errors == [
            "units.csv, dòng 3, cột valid_from: ngày không hợp lệ '2023-02-30' (định dạng YYYY-MM-DD hoặc DD/MM/YYYY)."
        ]

    def test_unknown_kind_lists_the_allowed_kinds(self) -> None:
        errors = errors_of(csv_bytes(HEADER, "P,Tỉnh Thử,Thử,tinh,,,,2021-01-01,,"))
        assert len(errors) == 1
        assert errors[0].startswith("units.csv, dòng 2, cột kind: loại đơn vị không hợp lệ 'tinh' (chọn một trong: ")
        assert "province, office, department" in errors[0]

    def test_valid_to_before_valid_from(self) -> None:
        errors = errors_of(csv_bytes(HEADER, "P,Tỉnh Thử,Thử,province,,,,2025-07-01,2025-06-30,,"))
        assert errors == [
            "units.csv, dòng 2, cột valid_to: ngày hết hiệu lực 30/06/2025 trước ngày bắt đầu hiệu lực 01/07/2025."
        ]

    def test_duplicate_code_names_both_lines(self) -> None:
        errors = errors_of(csv_bytes(HEADER, PROVINCE, DEPT, DEPT))
        assert errors == ["units.csv, dòng 4, cột code: mã 'P.S1' trùng với dòng 3."]

    def test_required_values_and_codes(self) -> None:
        errors = errors_of(csv_bytes(HEADER, "Mã có dấu,,Thử,province,P,,,2021-01-01,,"))
        assert errors == [
            "units.csv, dòng 2, cột name: thiếu giá trị bắt buộc.",
            "units.csv, dòng 2, cột code: mã 'Mã có dấu' không hợp lệ: "
            "chỉ dùng chữ cái không dấu, chữ số và các dấu . _ -.",
        ]

    def test_self_parent_and_self_successor(self) -> None:
        errors = errors_of(csv_bytes(HEADER, "P,Tỉnh Thử,Thử,province,P,,,2021-01-01,,P"))
        assert errors == [
            "units.csv, dòng 2, cột parent_code: đơn vị không thể là cấp trên của chính nó.",
            "units.csv, dòng 2, cột successor_codes: đơn vị không thể kế thừa chính nó.",
        ]

    def test_every_error_is_collected_not_only_the_first(self) -> None:
        errors = errors_of(
            csv_bytes(
                HEADER + ",sort_order",
                "A,Tên A,A,province,,,,2021-13-01,,,1",
                "B,Tên B,B,huyen,,,,2021-01-01,,,2",
                "C,Tên C,C,province,,,,2021-01-01,,,-3",
            )
        )
        assert [error.split(":")[0] for error in errors] == [
            "units.csv, dòng 2, cột valid_from",
            "units.csv, dòng 3, cột kind",
            "units.csv, dòng 4, cột sort_order",
        ]

    def test_line_numbers_are_physical_lines_across_multiline_cells(self) -> None:
        errors = errors_of(
            csv_bytes(
                HEADER + ",note",
                'P,Tỉnh Thử,Thử,province,,,,2021-01-01,,,"ghi chú\nhai dòng"',
                "P.S1,Sở Một,Sở 1,department,P,,,2021-02-30,,,",
            )
        )
        assert errors[0].startswith("units.csv, dòng 4, cột valid_from:")

    def test_too_many_cells(self) -> None:
        errors = errors_of(csv_bytes(HEADER, PROVINCE + ",thừa"))
        assert errors == ["units.csv, dòng 2, cột 11: dòng có 11 ô nhưng dòng tiêu đề chỉ có 10 cột."]

    def test_unclosed_quote(self) -> None:
        errors = errors_of(csv_bytes(HEADER, PROVINCE, 'P.S1,"Sở Một,Sở 1,department,P,,,2021-01-01,,,'))
        assert errors == ['units.csv, dòng 3: CSV không hợp lệ: dấu ngoặc kép (") chưa đóng hoặc đặt sai chỗ trong ô.']


class TestFileErrors:
    def test_missing_header_column(self) -> None:
        header = HEADER.replace(",kind", "")
        errors = errors_of(csv_bytes(header, "P,Tỉnh Thử,Thử,,,,2021-01-01,,"))
        assert errors == ["units.csv, dòng 1, cột kind: thiếu cột bắt buộc trong dòng tiêu đề."]

    def test_misspelt_header_column(self) -> None:
        errors = errors_of(csv_bytes(HEADER.replace("valid_from", "valid_form"), PROVINCE))
        assert errors[0].startswith(
            "units.csv, dòng 1, cột 8 (valid_form): cột không được hỗ trợ; các cột hợp lệ: code,"
        )
        assert errors[1] == "units.csv, dòng 1, cột valid_from: thiếu cột bắt buộc trong dòng tiêu đề."

    @pytest.mark.parametrize("data", [b"", b"   \n\n"])
    def test_empty_file(self, data: bytes) -> None:
        assert errors_of(data) == ["units.csv, dòng 1: tệp rỗng, không có dòng tiêu đề."]

    def test_header_only(self) -> None:
        assert errors_of(csv_bytes(HEADER)) == [
            "units.csv, dòng 2: tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."
        ]

    def test_not_utf8_names_line_and_character(self) -> None:
        data = csv_bytes(HEADER, PROVINCE) + "P.S1,Sở Bình,S,department,P,,,2021-01-01,,,\n".encode(
            "latin-1", "replace"
        )
        assert errors_of(data) == [
            "units.csv, dòng 3, cột 10: tệp không phải văn bản UTF-8 (byte 0xec không hợp lệ); "
            "hãy lưu lại dưới dạng 'CSV UTF-8'."
        ]

    def test_excel_workbook(self) -> None:
        assert errors_of(b"PK\x03\x04\x14\x00\x06\x00binary", "units.xlsx") == [
            "units.xlsx, dòng 1, cột 1: đây là tệp nén hoặc tệp Excel (.xlsx), không phải CSV/JSON; "
            "hãy lưu lại dưới dạng 'CSV UTF-8'."
        ]

    def test_binary_with_nul_bytes(self) -> None:
        errors = errors_of(b"code,name\n\x00\x01\x02\xff")
        assert errors == [
            "units.csv, dòng 2, cột 1: tệp chứa byte rỗng (NUL): có vẻ là tệp nhị phân, không phải văn bản CSV/JSON."
        ]

    def test_utf16(self) -> None:
        errors = errors_of(codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"))
        assert errors == ["units.csv, dòng 1, cột 1: tệp mã hóa UTF-16; hãy lưu lại dưới dạng 'CSV UTF-8'."]


class TestDialects:
    def test_bom_semicolons_and_crlf_from_excel(self) -> None:
        text = HEADER.replace(",", ";") + "\r\n" + 'P;Tỉnh Thử;Thử;province;;30;"SBN;XA";2021-01-01;;\r\n'
        rows = parse_units(codecs.BOM_UTF8 + text.encode(), filename="units.csv")
        assert rows[0].code == "P"
        assert rows[0].cohorts == ("SBN", "XA")

    def test_format_detected_from_content_when_the_extension_says_nothing(self) -> None:
        data = json.dumps([{"code": "P", "name": "Tỉnh", "short_name": "T", "kind": "province", "parent_code": None,
                            "statistical_code": 30, "cohorts": [], "valid_from": "2021-01-01", "valid_to": None,
                            "successor_codes": []}]).encode()  # fmt: skip
        rows = parse_units(data, filename="upload.bin")
        assert rows[0].statistical_code == "30"


def json_item(**overrides: object) -> dict[str, object]:
    item: dict[str, object] = {
        "code": "P",
        "name": "Tỉnh Thử",
        "short_name": "Thử",
        "kind": "province",
        "parent_code": "",
        "statistical_code": "",
        "cohorts": ["SBN"],
        "valid_from": "2021-01-01",
        "valid_to": None,
        "successor_codes": "",
    }
    item.update(overrides)
    return item


class TestJson:
    def test_errors_name_the_item_number(self) -> None:
        data = json.dumps([json_item(), json_item(code="Q", valid_from="2023-02-30")]).encode()
        assert errors_of(data, "units.json") == [
            "units.json, mục 2, cột valid_from: ngày không hợp lệ '2023-02-30' (định dạng YYYY-MM-DD hoặc DD/MM/YYYY)."
        ]

    def test_missing_and_unknown_keys(self) -> None:
        item = json_item(extra=1)
        del item["kind"]
        assert errors_of(json.dumps([item]).encode(), "units.json") == [
            "units.json, mục 1, cột extra: cột không được hỗ trợ; các cột hợp lệ: code, name, short_name, kind, "
            "parent_code, statistical_code, cohorts, valid_from, valid_to, successor_codes, sort_order, note.",
            "units.json, mục 1, cột kind: thiếu trường bắt buộc.",
        ]

    def test_syntax_error_names_line_and_column(self) -> None:
        errors = errors_of(b'[\n  {"code": "P",\n   "name" "x"}\n]', "units.json")
        assert errors == ["units.json, dòng 3, cột 11: JSON không hợp lệ (Expecting ':' delimiter)."]

    def test_top_level_must_be_a_list(self) -> None:
        assert errors_of(json.dumps(json_item()).encode(), "units.json") == [
            "units.json, dòng 1: nội dung JSON phải là một danh sách (mảng) các đối tượng."
        ]

    def test_wrong_value_type(self) -> None:
        assert errors_of(json.dumps([json_item(name=["a"])]).encode(), "units.json") == [
            "units.json, mục 1, cột name: giá trị phải là chuỗi."
        ]


class TestWrite:
    @pytest.mark.parametrize("fmt", ["csv", "json"])
    def test_written_file_reads_back_to_the_same_rows(self, fmt: str) -> None:
        rows = read_units(DEFAULT_UNITS_FILE)
        buffer = io.StringIO()
        assert write_units(rows, fmt, buffer) == len(rows)  # type: ignore[arg-type]
        again = parse_units(buffer.getvalue().encode(), filename=f"export.{fmt}")
        assert again == rows

    def test_csv_joins_lists_and_json_keeps_arrays(self) -> None:
        row = UnitRow(
            code="A", name="Tên", short_name="T", kind="department", valid_from=dt.date(2021, 1, 1),
            cohorts=("SBN", "THAMDINH"), successor_codes=("B",),
        )  # fmt: skip
        csv_out, json_out = io.StringIO(), io.StringIO()
        write_units([row], "csv", csv_out)
        write_units([row], "json", json_out)
        assert csv_out.getvalue().splitlines()[1] == "A,Tên,T,department,,,SBN;THAMDINH,2021-01-01,,B,0"
        assert json.loads(json_out.getvalue())[0]["cohorts"] == ["SBN", "THAMDINH"]
        assert json.loads(json_out.getvalue())[0]["valid_to"] is None


class TestCohortFile:
    def test_cohort_errors_are_located(self) -> None:
        data = json.dumps([{"code": "SBN", "name": "Sở"}, {"code": "SBN", "name": ""}]).encode()
        with pytest.raises(ApplicationError) as info:
            parse_cohorts(data, filename="cohorts.json")
        assert info.value.extra["errors"] == ["cohorts.json, mục 2, cột name: thiếu giá trị bắt buộc."]
