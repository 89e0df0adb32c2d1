"""The ranking as XLSX and CSV, and the results appendix as a Decree 30/2020 DOCX, opened back.

Figures are those of ``results_scene.scored_scene`` (computed by hand there) with the
2022 round of ``previous_year``: SB 87.50 % (1st, +87.50), SA 81.94 % (2nd, −18.06),
H1 0.00 % (3rd, 0.00).
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.shared import Pt
from openpyxl import load_workbook

from cchc.scoring.exports import (
    _table_layout,
    public_round_results,
    ranking_csv,
    ranking_xlsx,
    results_docx,
)
from cchc.scoring.selectors import round_results
from cchc.scoring.tests.results_scene import lock_and_publish, previous_year, scored_scene, tie_scene

D = Decimal
HEADER = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "1. Công tác chỉ đạo, điều hành",
    "2. Cải cách TTHC",
    "Điểm điều tra xã hội học",
    "Tổng điểm",
    "Điểm tối đa",
    "Chỉ số (%)",
    "Xếp loại",
    "Thứ hạng",
    "Tăng/giảm so với năm trước",
]
# By hand (results_scene): STT, code, name, domain 1, domain 2, survey, points, maximum, %, band, rank, change.
EXPECTED = [
    [1, "SB", "Sở B", D("4"), D("4"), D("9.5"), D("17.5"), D(20), D("87.5"), "B", 1, D("87.5")],
    [2, "SA", "Sở A", D("3.5"), D("3.25"), D(8), D("14.75"), D(18), D("81.94"), "B", 2, D("-18.06")],
    [3, "H1", "Huyện Một", D(0), D(0), D(0), D(0), D(20), D(0), "C", 3, D(0)],
]


@pytest.fixture
def results(tree: Any) -> Any:
    scene = scored_scene(tree)
    previous_year(scene, tree)
    return round_results(assessment_round=scene.round)


def _typed(value: Any) -> Any:
    """A number read back from a cell as a ``Decimal`` (openpyxl gives int or float)."""
    if isinstance(value, bool):
        raise AssertionError("a boolean in a number cell")
    if isinstance(value, float):
        return D(str(value))
    return value


# -- XLSX -----------------------------------------------------------------------------------------


def test_ranking_xlsx_holds_round_results_as_typed_numbers(results: Any) -> None:
    workbook = load_workbook(io.BytesIO(ranking_xlsx(results)))

    assert workbook.sheetnames == ["Xếp hạng"]
    sheet = workbook["Xếp hạng"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [[_typed(v) for v in row] for row in rows] == EXPECTED
    # The same figures as the selector, in its order.
    for row, unit in zip(rows, results.units, strict=True):
        assert row[1] == unit.unit_code
        assert _typed(row[8]) == unit.result.percent
        assert row[10] == unit.rank
        assert _typed(row[11]) == unit.change
    # Numbers are numbers (not text) shown with two decimals; STT and rank whole numbers; codes text.
    sa = sheet[3]
    assert all(isinstance(cell.value, int | float) for cell in sa[3:9])
    assert {cell.number_format for cell in sa[3:9]} == {"0.00"}
    assert sa[11].number_format == "0.00"
    assert isinstance(sa[0].value, int)
    assert isinstance(sa[10].value, int)
    assert sa[1].number_format == "@"
    assert workbook.properties.title == "Kết quả Chỉ số cải cách hành chính năm 2023 của Sở, ban, ngành"


def test_ranking_xlsx_shares_ranks_and_leaves_a_missing_change_empty(tree: Any) -> None:
    """SA and SB both 100 %: both rank 1, H1 rank 3; no 2022 round, so no change."""
    scene = tie_scene(tree)
    sheet = load_workbook(io.BytesIO(ranking_xlsx(round_results(assessment_round=scene.round))))["Xếp hạng"]

    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [(row[1], row[8], row[10], row[11]) for row in rows] == [
        ("SA", 100, 1, None),
        ("SB", 100, 1, None),
        ("H1", 0, 3, None),
    ]


# -- CSV ------------------------------------------------------------------------------------------


def test_ranking_csv_has_the_same_columns_with_a_bom_and_a_decimal_point(results: Any) -> None:
    data = ranking_csv(results)

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[2] == ["2", "SA", "Sở A", "3.50", "3.25", "8.00", "14.75", "18.00", "81.94", "B", "2", "-18.06"]
    assert len(rows) == 4


def test_the_public_does_not_see_last_year_until_it_is_published(tree: Any) -> None:
    scene = scored_scene(tree)
    previous_year(scene, tree, publish=False)

    assert round_results(assessment_round=scene.round).by_unit()["SA"].change == D("-18.06")
    public = public_round_results(assessment_round=scene.round).by_unit()
    assert (public["SA"].change, public["SA"].previous_percent) == (None, None)
    assert public["SA"].result.percent == D("81.94")


# -- DOCX -----------------------------------------------------------------------------------------


def _open(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _docx(results: Any, **options: Any) -> Document:
    arguments = {
        "number": "125/QĐ-UBND",
        "place": "Thử Nghiệm",
        "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn An",
        "recipients": ["Bộ Nội vụ (để báo cáo)", "Các sở, ban, ngành", "Lưu: VT, NV"],
        "date": dt.date(2024, 3, 5),
        **options,
    }
    return _open(results_docx(results, **arguments))


def test_results_docx_is_a4_with_the_decrees_margins_and_font(results: Any) -> None:
    doc = _docx(results)

    for section in doc.sections:
        # Landscape A4: the ranking is wide.
        assert (section.page_width.mm, section.page_height.mm) == (
            pytest.approx(297, abs=0.5),
            pytest.approx(210, abs=0.5),
        )
        assert 20 <= section.top_margin.mm <= 25
        assert 20 <= section.bottom_margin.mm <= 25
        assert 30 <= section.left_margin.mm <= 35
        assert 15 <= section.right_margin.mm <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert Pt(13) <= normal.size <= Pt(14)
    body_runs = [run for p in doc.paragraphs for run in p.runs if run.text.strip()]
    assert body_runs
    assert {run.font.name for run in body_runs} == {"Times New Roman"}
    assert all(Pt(13) <= run.font.size <= Pt(14) for run in body_runs)


def test_results_docx_header_title_and_closing(results: Any) -> None:
    doc = _docx(results)
    header, _table, closing = doc.tables

    assert header.cell(0, 0).text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH THỬ NGHIỆM"]
    assert header.cell(0, 1).text.split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert header.cell(1, 0).text == "Số: 125/QĐ-UBND"
    assert header.cell(1, 1).text == "Thử Nghiệm, ngày 05 tháng 3 năm 2024"
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:2] == ["PHỤ LỤC", "Kết quả Chỉ số cải cách hành chính năm 2023 của Sở, ban, ngành"]
    assert doc.core_properties.title == "Phụ lục: Kết quả Chỉ số cải cách hành chính năm 2023 của Sở, ban, ngành"
    assert "Xếp loại: A: từ 90 %; B: từ 80 % đến dưới 90 %; C: dưới 80 %." in texts
    assert "LV 2: Cải cách TTHC (tối đa 6 điểm)." in texts

    recipients, signature = (cell.text.split("\n") for cell in closing.rows[0].cells)
    assert recipients == ["Nơi nhận:", "- Bộ Nội vụ (để báo cáo);", "- Các sở, ban, ngành;", "- Lưu: VT, NV."]
    assert [line for line in signature if line] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An",
    ]  # fmt: skip
    title_run = closing.rows[0].cells[0].paragraphs[0].runs[0]
    assert (title_run.bold, title_run.italic) == (True, True)


def test_results_docx_table_has_a_row_per_unit_and_the_averages(results: Any) -> None:
    table = _docx(results).tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]

    assert len(rows) == 1 + 3 + 1  # header, SB, SA, H1, averages
    assert rows[0] == [
        "STT", "Mã đơn vị", "Tên đơn vị", "LV\u00a01", "LV\u00a02", "Điểm điều tra", "Tổng điểm", "Điểm tối đa",
        "Chỉ số (%)", "Xếp loại", "Thứ hạng", "Tăng, giảm",
    ]  # fmt: skip
    assert rows[2] == ["2", "SA", "Sở A", "3,50", "3,25", "8,00", "14,75", "18,00", "81,94", "B", "2", "−18,06"]
    assert rows[1][-1] == "+87,50"
    assert rows[3][-1] == "0,00"
    # (87.50 + 81.94 + 0) / 3 = 56.48; (17.50 + 14.75 + 0) / 3 = 10.75.
    assert rows[4] == ["", "", "Bình quân (3 đơn vị)", "2,50", "2,42", "5,83", "10,75", "19,33", "56,48", "", "", ""]
    cell_runs = [run for row in table.rows for cell in row.cells for p in cell.paragraphs for run in p.runs]
    assert {run.font.name for run in cell_runs} == {"Times New Roman"}
    assert {run.font.size for run in cell_runs} == {Pt(13)}


def test_results_docx_without_number_or_date_leaves_blanks_to_fill(results: Any) -> None:
    header = _docx(results, number="", date=None).tables[0]

    assert header.cell(1, 0).text == "Số: ……/QĐ-UBND"
    assert header.cell(1, 1).text == "Thử Nghiệm, ngày … tháng … năm 2024"  # results come out the year after


def test_results_docx_is_dated_the_day_of_publication(tree: Any) -> None:
    scene = scored_scene(tree)
    published = lock_and_publish(scene)
    header = _docx(round_results(assessment_round=published), date=None).tables[0]

    assert header.cell(1, 1).text.startswith("Thử Nghiệm, ngày ")
    assert "…" not in header.cell(1, 1).text


def _wide_table(domains: int, units: int) -> tuple[list[str], list[list[str]]]:
    header = ["STT", "Mã đơn vị", "Tên đơn vị", *(f"LV\u00a0{n}" for n in range(1, domains + 1))]
    header += ["Điểm điều tra", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại", "Thứ hạng", "Tăng, giảm"]
    row = [str(units), "S07", "Sở Tài nguyên và Môi trường", *(["15,52"] * domains)]
    row += ["19,50", "85,57", "100,00", "85,57", "B", str(units), "+12,50"]
    return header, [row] * units


@pytest.mark.parametrize(("domains", "size"), [(2, 13.0), (4, 13.0), (8, 11.0)])
def test_the_table_fits_eight_domains_on_landscape_a4(domains: int, size: float) -> None:
    """Columns as wide as their texts, the name takes the rest; the font shrinks until the name has 40 mm."""
    header, rows = _wide_table(domains, 20)

    chosen, widths = _table_layout(252.0, header, rows)

    assert chosen == size
    assert len(widths) == len(header)
    assert sum(widths) == pytest.approx(252.0, abs=0.5)
    assert widths[2] >= 40  # the unit's name keeps a readable column
    # "100,00" fits its cell: six characters of half an em and the cell margins.
    assert widths[header.index("Điểm tối đa")] >= 6 * 0.5 * size * 25.4 / 72 + 2
