"""The outline parser on the seed plan (OCR text) and on the other document shapes it must know."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc.documents.outline import Node, Outline, parse_outline, to_json

SEED = Path(__file__).parents[3] / "fixtures/seed/000_6b4a4a90fab0730f.txt"


def _letters(prefix: str, letters: str) -> list[str]:
    return [f"{prefix}.{letter}" for letter in letters.split()]


def _bullets(prefix: str, count: int) -> list[str]:
    return [f"{prefix}.{n}" for n in range(1, count + 1)]


# Written by reading the seed, heading by heading (line numbers in the comments).
EXPECTED_PATHS = [
    "I",  # 12 MUC PiCH, YEU CAU
    "I.1",  # 14 Muc dich
    "I.2",  # 29 Yéu cau
    *_letters("I.2", "a b c d đ"),  # 41 "¢)" and 48 the second "d)"
    "II",  # 52 CAC CHI TIEU, NHIEM VU CHU YEU
    "II.1",
    *_letters("II.1", "a b c d đ e g"),
    "II.2",
    *_letters("II.2", "a b c d"),  # 107 and 112 are unlabelled paragraphs of d)
    "II.3",
    *_letters("II.3", "a b c d đ e g h"),
    "II.4",
    *_letters("II.4", "a b c d"),  # 181 is an unlabelled paragraph of b)
    "II.5",
    *_letters("II.5", "a b c d đ"),
    "II.6",
    *_letters("II.6", "a b c d đ e g"),
    "II.7",  # 286 chính quyền điện tử: lettered groups of dash bullets
    "II.7.a",
    *_bullets("II.7.a", 2),
    "II.7.b",
    *_bullets("II.7.b", 4),
    "II.7.c",
    *_bullets("II.7.c", 3),
    "II.7.d",
    *_bullets("II.7.d", 7),
    "II.7.đ",
    *_bullets("II.7.đ", 3),
    "II.7.e",
    *_bullets("II.7.e", 2),
    "II.8",  # 384-385 heading split over two lines
    *_letters("II.8", "a b c d"),
    "III",  # 407 "I11. KINH PHI"
    "IV",  # 415 TO CHUC THUC HIEN
    "IV.1",
    *_letters("IV.1", "a b c d đ"),
    "IV.2",
    *_letters("IV.2", "a b c d đ"),
    "IV.3",  # 469 "3.S6¢ Tw phap" without a space
    *_letters("IV.3", "a b c d đ"),
    "IV.4",
    *_letters("IV.4", "a b d đ e h g i"),  # as printed: no c), h) before g)
    "IV.5",
    *_letters("IV.5", "a b c"),
    "IV.6",
    *_letters("IV.6", "a b c d đ"),
    "IV.7",
    *_letters("IV.7", "a b"),
    "IV.8",  # 577 " 8." after a page break; the closing and recipients follow
]


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def seed(seed_lines: list[str]) -> Outline:
    return parse_outline(seed_lines)


def _node(outline: Outline, path: str) -> Node:
    node = outline.find(path)
    assert node is not None, path
    return node


def test_seed_outline_is_complete_and_in_order(seed: Outline) -> None:
    """Every heading of the seed, in document order: 126 nodes (105 headings + 21 bullets)."""
    assert seed.paths() == EXPECTED_PATHS
    assert len(EXPECTED_PATHS) == 126
    assert sum(1 for node in seed.walk() if node.kind != "bullet") == 105


def test_seed_tree_shape(seed: Outline) -> None:
    assert [node.path for node in seed.nodes] == ["I", "II", "III", "IV"]
    assert [child.path for child in _node(seed, "IV").children] == [f"IV.{n}" for n in range(1, 9)]
    kinds = {node.path: node.kind for node in seed.walk()}
    assert kinds["II"] == "roman"
    assert kinds["II.3"] == "item"
    assert kinds["II.3.đ"] == "letter"
    assert kinds["II.7.d.5"] == "bullet"


def test_ocr_c_becomes_c(seed: Outline, seed_lines: list[str]) -> None:
    """Every "¢)" line is the lettered item c)."""
    cent_lines = [number for number, line in enumerate(seed_lines, start=1) if line.strip().startswith("¢)")]
    assert len(cent_lines) == 13
    by_start = {node.lines[0]: node for node in seed.walk()}
    for number in cent_lines:
        node = by_start[number]
        assert (node.label, node.raw_label) == ("c)", "¢)")
        assert node.path.endswith(".c")
    assert "Dòng 41: đọc “¢)” là “c)”." in seed.warnings


def test_second_d_becomes_đ(seed: Outline) -> None:
    node = _node(seed, "I.2.đ")
    assert node.lines[0] == 48
    assert node.raw_label == "d)"
    assert node.title.startswith("Tiép tuc 1dy CCHC")
    assert _node(seed, "II.7.đ").title == "Bao dam an toan thong tin"
    assert "Dòng 48: mục “d)” thứ hai được đọc là “đ)”." in seed.warnings


def test_roman_ocr_forms(seed: Outline) -> None:
    node = _node(seed, "III")
    assert (node.label, node.raw_label, node.title) == ("III.", "I11.", "KINH PHI")
    assert node.lines == (407, 414)
    assert node.body.startswith("Kinh phi thyc hién cac nhiém vu CCHC")
    assert "Dòng 407: đọc “I11.” là mục “III.”." in seed.warnings


def test_split_heading_is_joined(seed: Outline) -> None:
    node = _node(seed, "II.8")
    assert node.title == "Panh gia tic dong ciia CCHC dén ngwoi dan, to chirc va phat trién kinh té - xi hoi"
    assert node.lines == (384, 386)
    assert node.body == ""


def test_line_numbers_titles_and_bodies(seed: Outline) -> None:
    first = _node(seed, "I")
    assert (first.title, first.lines) == ("MUC PiCH, YEU CAU", (12, 13))
    purpose = _node(seed, "I.1")
    assert purpose.lines == (14, 28)
    assert purpose.body.startswith("Tiép tuc trién khai thyc hién c6 hiéu qua")
    assert purpose.body.endswith("hanh chinh nha nudc trén dia ban tinh.")
    assert _node(seed, "I.2.c").lines == (41, 44)  # " ¢)" after a page break
    assert _node(seed, "IV.3").title == "S6¢ Tw phap"
    assert _node(seed, "IV.8").lines == (577, 586)
    assert _node(seed, "II.4.b").body.count("\n\n") == 0  # the page-break paragraph stays in b)
    assert "Tiép tuc thyc hién tinh gian bién ché" in _node(seed, "II.4.b").body


def test_unlabelled_paragraphs_and_notes_stay_in_the_current_node(seed: Outline) -> None:
    assert "Pinh ky kiém tra, theo ddi" in _node(seed, "II.2.d").body
    assert "(Co cdc Phu luc Khung Ké hoach" in _node(seed, "II.7.e.2").body
    assert "(Nhiém vu trong tung linh viec CCHC" in _node(seed, "II.8.d").body


def test_short_second_line_of_a_letter_is_joined(seed: Outline) -> None:
    assert _node(seed, "IV.1.c").title == "Chu dong tuyén truyén vé cong tac CCHC theo nganh, linh vuc phu trach."


def test_out_of_order_letters_are_kept_and_reported(seed: Outline) -> None:
    letters = [child.label for child in _node(seed, "IV.4").children]
    assert letters == ["a)", "b)", "d)", "đ)", "e)", "h)", "g)", "i)"]
    assert "Dòng 504: thiếu mục c) trước “d)” trong IV.4." in seed.warnings
    assert "Dòng 522: mục “g)” đứng sau “h)”: sai thứ tự trong IV.4; giữ nguyên như văn bản." in seed.warnings
    assert not any(w.startswith("Dòng 526") for w in seed.warnings)


def test_preamble_and_epilogue(seed: Outline, seed_lines: list[str]) -> None:
    assert seed.preamble == list(range(11))
    assert seed_lines[seed.epilogue[0]].startswith("Trén day 1a Ké hoach")
    assert seed.epilogue[-1] == len(seed_lines) - 1
    assert not any(node.body and "Noi nhin" in node.body for node in seed.walk())


def test_every_line_belongs_to_exactly_one_place(seed: Outline, seed_lines: list[str]) -> None:
    owners = [0] * len(seed_lines)
    for index in seed.preamble + seed.epilogue:
        owners[index] += 1
    for node in seed.walk():
        for number in range(node.lines[0], node.lines[1] + 1):
            owners[number - 1] += 1
    assert set(owners) == {1}


def test_to_json(seed: Outline) -> None:
    data = to_json(seed)
    assert [item["path"] for item in data] == EXPECTED_PATHS
    assert data[0] == {
        "path": "I",
        "kind": "roman",
        "label": "I.",
        "title": "MUC PiCH, YEU CAU",
        "body": "",
        "lines": [12, 13],
    }


# --------------------------------------------------------------------------- other shapes


def _parse(text: str) -> Outline:
    return parse_outline(text.split("\n"))


def test_legal_levels() -> None:
    outline = _parse(
        "QUYẾT ĐỊNH\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Phần thứ nhất\n"
        "NHỮNG QUY ĐỊNH CHUNG\n"
        "Chương I\n"
        "QUY ĐỊNH CHUNG\n"
        "Mục 1. PHẠM VI\n"
        "Điều 1. Phạm vi điều chỉnh\n"
        "1. Quy chế này quy định về cải cách hành chính.\n"
        "a) Các sở, ban, ngành;\n"
        "Điều 2: Đối tượng áp dụng\n"
        "Chương II. TỔ CHỨC THỰC HIỆN\n"
        "Piéu 3. Hiệu lực thi hành\n"
        "Quyết định có hiệu lực từ ngày ký."
    )
    assert outline.paths() == [
        *("P1", "P1.C1", "P1.C1.M1", "P1.C1.M1.Đ1", "P1.C1.M1.Đ1.1", "P1.C1.M1.Đ1.1.a", "P1.C1.M1.Đ2"),
        *("P1.C2", "P1.C2.Đ3"),
    ]
    part = outline.nodes[0]
    assert (part.kind, part.label, part.title) == ("part", "Phần I", "NHỮNG QUY ĐỊNH CHUNG")
    chapter = part.children[0]
    assert (chapter.kind, chapter.label, chapter.title) == ("chapter", "Chương I", "QUY ĐỊNH CHUNG")
    article = outline.find("P1.C2.Đ3")
    assert article is not None
    assert (article.kind, article.label, article.title) == ("article", "Điều 3.", "Hiệu lực thi hành")
    assert article.body == "Quyết định có hiệu lực từ ngày ký."
    assert outline.preamble == [0, 1]


def test_running_text_is_not_a_heading() -> None:
    """Wrapped sentences that start with a number, "Mục", "Phần" or a letter stay in the body."""
    outline = _parse(
        "I. NHIỆM VỤ\n"
        "1. Rà soát\n"
        "Thực hiện theo\n"
        "Mục II của Kế hoạch và\n"
        "Phần lớn các đơn vị đã\n"
        "1.5 triệu đồng cho mỗi\n"
        "b) khoản 2 Điều 5 nêu trên.\n"
        "2023. Hết."
    )
    assert outline.paths() == ["I", "I.1"]
    assert outline.find("I.1").body.count("\n") == 5  # type: ignore[union-attr]


def test_bullets_plus_bullets_and_sub_items() -> None:
    outline = _parse(
        "I. NHIỆM VỤ\n1. Sở Nội vụ\n1.1. Xây dựng kế hoạch\n- Chủ trì\n+ Báo cáo\n+ Tổng hợp\n"
        "- Phối hợp\n1.2. Kiểm tra\n2. Sở Tư pháp"
    )
    assert outline.paths() == ["I", "I.1", "I.1.1", "I.1.1.1", "I.1.1.1.1", "I.1.1.1.2", "I.1.1.2", "I.1.2", "I.2"]
    kinds = [node.kind for node in outline.walk()]
    assert kinds == ["roman", "item", "item", "bullet", "bullet", "bullet", "bullet", "item", "item"]


def test_uppercase_heading_continues_over_lines_and_roman_variants() -> None:
    outline = _parse("1I. CÁC CHỈ TIÊU, NHIỆM VỤ\nCHỦ YẾU\nNội dung.\nIIL KINH PHÍ\nKinh phí.\nIV TỔ CHỨC THỰC HIỆN")
    assert outline.paths() == ["II", "III", "IV"]
    assert outline.nodes[0].title == "CÁC CHỈ TIÊU, NHIỆM VỤ CHỦ YẾU"
    assert outline.nodes[0].body == "Nội dung."
    assert [node.raw_label for node in outline.nodes] == ["1I.", "IIL", "IV"]


def test_page_number_lines_are_dropped_from_bodies() -> None:
    outline = _parse("I. NHIỆM VỤ\nđoạn một\n\n- 2 -\n\n đoạn hai sau ngắt trang\n3")
    assert outline.nodes[0].body == "đoạn một\n\nđoạn hai sau ngắt trang"
    assert outline.nodes[0].lines == (1, 7)


def test_duplicate_paths_get_a_suffix() -> None:
    outline = _parse("I. A\n1. Một\n1. Lại một\nb) sai\n1. Lần ba")
    assert outline.paths() == ["I", "I.1", "I.1~2", "I.1~3"]
    assert any("lặp lại" in w for w in outline.warnings)


def test_space_aligned_appendix_table() -> None:
    outline = _parse(
        "PHỤ LỤC\n"
        "STT   Nội dung nhiệm vụ          Cơ quan chủ trì   Cơ quan phối hợp   Sản phẩm        Thời gian\n"
        "I     CẢI CÁCH THỂ CHẾ\n"
        "1     Rà soát văn bản quy        Sở Tư pháp        Các sở, ngành      Báo cáo         Quý IV\n"
        "      phạm pháp luật                                                  tổng hợp\n"
        "2 Kiểm tra văn bản              Sở Tư pháp                           Kết luận        Tháng 12\n"
        "II    CẢI CÁCH TTHC\n"
        "1     Công bố TTHC               VP UBND tỉnh"
    )
    assert outline.paths() == ["PL", "PL.I", "PL.I.1", "PL.I.2", "PL.II", "PL.II.1"]
    row = outline.find("PL.I.1")
    assert row is not None
    assert row.title == "Rà soát văn bản quy phạm pháp luật"
    assert row.columns["product"] == "Báo cáo tổng hợp"
    assert row.columns["lead"] == "Sở Tư pháp"
    assert row.lines == (4, 5)
    assert outline.find("PL.I.2").columns["content"] == "Kiểm tra văn bản"  # type: ignore[union-attr]


def test_pipe_table_under_a_section_with_markdown_frame() -> None:
    outline = _parse(
        "II. NHIỆM VỤ\n"
        "| STT | Nội dung | Đơn vị chủ trì | Phối hợp | Thời hạn |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Việc một | Sở A | Sở B | 2023 |\n"
        "|  | (tiếp) | | | |\n"
        "| 2 | Việc hai | Sở C | | Quý II |\n"
        "III. KINH PHÍ"
    )
    assert outline.paths() == ["II", "II.1", "II.2", "III"]
    first = outline.find("II.1")
    assert first is not None
    assert first.columns == {"stt": "1", "content": "Việc một (tiếp)", "lead": "Sở A", "partners": "Sở B"} | {
        "deadline": "2023"
    }


def test_no_structure_warning() -> None:
    outline = _parse("Chỉ là một đoạn văn.\n- không phải mục\n")
    assert outline.nodes == []
    assert outline.preamble == [0, 1, 2]
    assert outline.warnings == ["Không nhận ra cấu trúc kế hoạch (mục I, II, 1., a) …) trong văn bản."]


def test_empty_input() -> None:
    outline = parse_outline([])
    assert (outline.nodes, outline.preamble, outline.epilogue) == ([], [], [])


def test_appendix_after_the_signature_is_parsed(seed_lines: list[str]) -> None:
    """The closing block ends where the appendix (after "Nơi nhận" and the signature) begins."""
    appendix = [
        "",
        "PHỤ LỤC",
        "KHUNG KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "(Kèm theo Kế hoạch số 4347/KH-UBND)",
        "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Sản phẩm | Thời gian hoàn thành",
        "I | CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH |  |  |  |",
        "1 | Ban hành Kế hoạch CCHC năm 2023 | Sở Nội vụ | Các sở, ngành | Kế hoạch | Tháng 01/2023",
    ]
    outline = parse_outline(seed_lines + appendix)
    assert outline.paths() == [*EXPECTED_PATHS, "PL", "PL.I", "PL.I.1"]
    assert outline.epilogue == list(range(586, len(seed_lines) + 1))  # the blank line before it too
    annex = _node(outline, "PL")
    assert (annex.kind, annex.title, annex.lines) == ("part", "KHUNG KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023", (611, 614))
    task = _node(outline, "PL.I.1")
    assert task.columns["lead"] == "Sở Nội vụ"
    assert task.columns["deadline"] == "Tháng 01/2023"


def test_appendix_with_an_unreadable_numeral_does_not_crash() -> None:
    """Found by hypothesis: "PHỤ LỤC IIL" (an OCR'd numeral) once raised TypeError."""
    outline = parse_outline(["PHỤ LỤC IIL", "1. Nội dung"])
    assert next(node.kind for node in outline.walk()) == "part"
