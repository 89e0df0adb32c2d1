"""Cross-references such as "điểm c khoản 8 mục II" resolve to outline paths."""

from cchc.documents.references import find_references

PATHS = {"II", "II.3", "II.3.d", "II.3.đ", "II.8", "II.8.a", "II.8.b", "II.8.c", "II.8.d"}


def test_seed_reference_in_ocr_text() -> None:
    # Seed IV.5.a, as printed by the OCR.
    refs = find_references("nhiém vu dugc néu tai diém c khoan 8 muc II cua Ké hoach nay.", PATHS)
    assert [(r.path, r.resolved, r.text) for r in refs] == [("II.8.c", True, "diém c khoan 8 muc II")]


def test_letter_lists_yield_one_path_each() -> None:
    refs = find_references("các nhiệm vụ được nêu tại điểm b, d khoản 8 mục II của Kế hoạch này", PATHS)
    assert [r.path for r in refs] == ["II.8.b", "II.8.d"]
    refs = find_references("điểm a và c khoản 8 mục II", PATHS)
    assert [r.path for r in refs] == ["II.8.a", "II.8.c"]


def test_written_dd_is_kept_and_unresolvable_paths_are_flagged() -> None:
    assert [r.path for r in find_references("tại điểm đ khoản 3 mục II", PATHS)] == ["II.3.đ"]
    (ref,) = find_references("theo khoản 5 mục IV", PATHS)
    assert (ref.path, ref.resolved) == ("IV.5", False)


def test_d_falls_back_to_dd_when_only_dd_exists() -> None:
    (ref,) = find_references("điểm d khoản 4 mục II", {"II.4.đ"})
    assert (ref.path, ref.resolved) == ("II.4.đ", True)


def test_offsets_point_into_the_original_text() -> None:
    text = "Xem điểm c khoản 8 mục II."
    (ref,) = find_references(text, PATHS)
    assert text[ref.start : ref.end] == "điểm c khoản 8 mục II"
