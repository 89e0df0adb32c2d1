"""The import analysis of the seed and of a clean Word plan, end to end (no mocks)."""

import io
from pathlib import Path

import pytest
from docx import Document

from cchc.core.errors import ApplicationError
from cchc.documents.analysis import _rejoin_paragraph, analyse_document
from cchc.documents.matching import UnitCandidate

SEED = Path(__file__).resolve().parents[3] / "fixtures" / "seed" / "000_6b4a4a90fab0730f.txt"

CANDIDATES = [
    UnitCandidate("HD.SNV", ("Sở Nội vụ tỉnh Hải Dương", "Sở Nội vụ")),
    UnitCandidate("HD.STP", ("Sở Tư pháp",)),
    UnitCandidate("HD.VP", ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh")),
    UnitCandidate("HD.STC", ("Sở Tài chính",)),
    UnitCandidate("HD.STTTT", ("Sở Thông tin và Truyền thông",)),
    UnitCandidate("HD.SKHDT", ("Sở Kế hoạch và Đầu tư",)),
    UnitCandidate("HD.DPTTH", ("Đài Phát thanh – Truyền hình tỉnh",)),
    UnitCandidate("HD.BHD", ("Báo Hải Dương",)),
    UnitCandidate("HD.CTTDT", ("Cổng Thông tin điện tử tỉnh",)),
    UnitCandidate("SBN", ("Sở, ban, ngành tỉnh", "Các sở, ban, ngành"), is_group=True),
    UnitCandidate("HUYEN", ("UBND cấp huyện", "UBND các huyện, thị xã, thành phố"), is_group=True),
    UnitCandidate("TTTT", ("Các cơ quan thông tin truyền thông",), is_group=True),
]


@pytest.fixture(scope="module")
def seed() -> dict:
    return analyse_document(name=SEED.name, data=SEED.read_bytes(), candidates=CANDIDATES).as_json()


def test_seed_outline_keeps_document_order_and_sections(seed: dict) -> None:
    paths = [n["path"] for n in seed["outline"]]
    assert len(paths) == 126
    roots = [p for p in paths if "." not in p]
    assert roots == ["I", "II", "III", "IV"]
    assert [p for p in paths if p.startswith("IV.") and p.count(".") == 1] == [f"IV.{i}" for i in range(1, 9)]
    titles = {n["path"]: n["title"] for n in seed["outline"]}
    assert titles["II.3"] == "Cải cách thủ tục hành chính"
    assert titles["III"] == "KINH PHÍ"


def test_seed_section_iv_names_its_lead_units(seed: dict) -> None:
    leads = {(u["path"], u["code"]) for u in seed["units"] if u["role"] == "lead"}
    assert {
        ("IV.1", "SBN"),
        ("IV.1", "HUYEN"),
        ("IV.2", "HD.SNV"),
        ("IV.3", "HD.STP"),
        ("IV.4", "HD.VP"),
        ("IV.5", "HD.STC"),
        ("IV.6", "HD.STTTT"),
        ("IV.7", "HD.SKHDT"),
        ("IV.8", "HD.DPTTH"),
        ("IV.8", "HD.BHD"),
        ("IV.8", "HD.CTTDT"),
    } <= leads
    # "Phối hợp với Sở Nội vụ đánh giá, chấm điểm…" in each appraising department's duties.
    coordinating = {(u["path"], u["code"]) for u in seed["units"] if u["role"] == "coordinating"}
    assert {("IV.3.d", "HD.SNV"), ("IV.5.c", "HD.SNV"), ("IV.6.đ", "HD.SNV"), ("IV.7.b", "HD.SNV")} <= coordinating


def test_seed_cross_references_resolve(seed: dict) -> None:
    refs = {(r["path"], r["target"], r["resolved"]) for r in seed["references"]}
    assert refs == {("IV.5.a", "II.8.c", True), ("IV.7.a", "II.8.b", True), ("IV.7.a", "II.8.d", True)}


def test_broken_lines_are_rejoined_into_a_sentence_title(seed: dict) -> None:
    node = next(n for n in seed["outline"] if n["path"] == "II.8.b")
    assert node["title"].startswith("Tăng cường thu hút đầu tư;")
    assert node["lines"][0] < node["lines"][1]


def test_flags_point_at_words_of_their_field(seed: dict) -> None:
    flagged = [(n, f) for n in seed["outline"] for f in n["flags"]]
    for node, flag in flagged:
        text = node[flag["field"]]
        assert 0 <= flag["start"] < flag["end"] <= len(text)
        assert text[flag["start"] : flag["end"]].strip()
        # Whole words only: no letter just before or just after the flagged span.
        assert flag["start"] == 0 or not text[flag["start"] - 1].isalnum(), (node["path"], flag)
        assert flag["end"] == len(text) or not text[flag["end"]].isalnum(), (node["path"], flag)
    assert flagged, "the seed is OCR-damaged: some words must be flagged for review"


def _docx(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CLEAN_PLAN = [
    "KẾ HOẠCH",
    "Cải cách hành chính năm 2024 của Sở Y tế",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "II. NHIỆM VỤ",
    "1. Cải cách thủ tục hành chính",
    "a) Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của Sở.",
    "b) Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo Nghị định số 45/2020/NĐ-CP.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Sở Nội vụ",
    "a) Phối hợp với Sở Tư pháp hướng dẫn triển khai kế hoạch.",
]


def test_clean_docx_imports_exactly_as_written() -> None:
    result = analyse_document(name="ke-hoach.docx", data=_docx(CLEAN_PLAN), candidates=CANDIDATES).as_json()
    titles = [(n["path"], n["title"]) for n in result["outline"]]
    assert titles == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("I.1", "Mục đích"),
        ("II", "NHIỆM VỤ"),
        ("II.1", "Cải cách thủ tục hành chính"),
        ("II.1.a", "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của Sở."),
        ("II.1.b", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo Nghị định số 45/2020/NĐ-CP."),
        ("III", "TỔ CHỨC THỰC HIỆN"),
        ("III.1", "Sở Nội vụ"),
        ("III.1.a", "Phối hợp với Sở Tư pháp hướng dẫn triển khai kế hoạch."),
    ]
    assert all(not n["flags"] for n in result["outline"])
    units = {(u["path"], u["role"], u["code"]) for u in result["units"]}
    assert units == {("III.1", "lead", "HD.SNV"), ("III.1.a", "coordinating", "HD.STP")}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "documents.empty"),
        (bytes(range(256)) * 40, "documents.unreadable"),
        ("Biên bản cuộc họp không có mục nào.\nChỉ là hai dòng văn bản.".encode(), "documents.no_structure"),
    ],
)
def test_bad_input_gets_a_vietnamese_error(data: bytes, code: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        analyse_document(name="tep.txt", data=data, candidates=CANDIDATES)
    assert caught.value.code == code
    assert "tep.txt" in caught.value.message


def test_rejoin_moves_flags_with_their_words() -> None:
    from cchc.documents.analysis import Flag

    title, body, flags = _rejoin_paragraph(
        "a) Xây dựng kế hoạch",
        "kiểm tra năm 2023. Báo cáo kết quả\nvề Sở Nội vụ.",
        [Flag("body", 0, 8, "kiém tra", 0.4), Flag("body", 19, 26, "Bao cao", 0.5)],
    )
    assert title == "a) Xây dựng kế hoạch kiểm tra năm 2023."
    assert body == "Báo cáo kết quả về Sở Nội vụ."
    assert [(f.field, title[f.start : f.end] if f.field == "title" else body[f.start : f.end]) for f in flags] == [
        ("title", "kiểm tra"),
        ("body", "Báo cáo"),
    ]


def test_matched_unit_names_are_written_as_the_unit_list_spells_them(seed: dict) -> None:
    """The restorer cannot repair "S6¢ Tư pháp" alone; the unit matcher can."""
    titles = {n["path"]: n["title"] for n in seed["outline"]}
    assert titles["IV.3"] == "Sở Tư pháp"
    assert titles["IV.4"] == "Văn phòng UBND tỉnh"
    assert titles["IV.5"] == "Sở Tài chính"
    body = next(n for n in seed["outline"] if n["path"] == "IV.3.d")["title"]
    assert body.startswith("Phối hợp với Sở Nội vụ đánh giá")
