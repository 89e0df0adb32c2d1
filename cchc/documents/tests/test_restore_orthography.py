"""Vietnamese orthography, tokenisation and the evaluation metric of the restorer."""

import unicodedata

import pytest

from cchc.documents.restore.damage import damage_text
from cchc.documents.restore.evaluation import normalise, score_lines
from cchc.documents.restore.syllables import canonical, generate_syllables, is_valid, skeleton
from cchc.documents.restore.tokenize import Kind, tokenize


@pytest.mark.parametrize(
    ("written", "expected"),
    [("hoá", "hóa"), ("hóa", "hóa"), ("thuỷ", "thủy"), ("uỷ", "ủy"), ("khoẻ", "khỏe"), ("người", "người")],
)
def test_canonical_places_the_tone_by_one_convention(written: str, expected: str) -> None:
    assert canonical(written) == expected


@pytest.mark.parametrize("word", ["người", "được", "nghiệp", "quyết", "giữa", "gìn", "quỳnh", "ủy", "kỳ", "của"])
def test_real_syllables_are_valid_and_generated(word: str) -> None:
    assert is_valid(word)
    assert canonical(word) in set(generate_syllables())


@pytest.mark.parametrize("word", ["muc", "ctia", "nudc", "chirc", "ce", "ngi", "hoàá"])
def test_impossible_spellings_are_invalid(word: str) -> None:
    """Stop codas need sắc/nặng; k/gh/ngh and c/g/ng follow their vowels; one tone only."""
    assert not is_valid(word)


def test_skeleton_strips_every_mark() -> None:
    assert skeleton("người được đầu tư") == "nguoi duoc dau tu"


def test_tokens_and_gaps_rebuild_the_text() -> None:
    text = "Nghi dinh s6 117/2013/ND-\nCP ngay 07/10/2013; dé)ng bo (10b) https://x.gov.vn/a, 100%."
    tokens = tokenize(text)
    rebuilt, pos = [], 0
    for tok in tokens:
        rebuilt.append(text[pos : tok.start] + tok.text)
        pos = tok.end
    assert "".join(rebuilt) + text[pos:] == text
    kinds = {tok.text: tok.kind for tok in tokens}
    assert kinds["117/2013/ND-"] is Kind.CODE
    assert kinds["07/10/2013"] is Kind.CODE
    assert kinds["dé)ng"] is Kind.WORD
    assert kinds["https://x.gov.vn/a"] is Kind.URL
    assert kinds["100"] is Kind.NUMBER


def test_normalise_treats_tone_placement_and_case_as_equal() -> None:
    assert normalise("HOÁ") == normalise("hóa")
    assert normalise(unicodedata.normalize("NFD", "Thuỷ")) == "thủy"


def test_score_lines_aligns_tokens_per_line() -> None:
    gold = ["Chính phủ về", "cửa cấp huyện"]
    restored = ["Chính phủvề", "c flp huyện"]
    score = score_lines("x", gold, restored, [1, 2])
    assert score.total == 6
    assert score.correct == 2  # "chính" and "huyện"


def test_damage_is_deterministic_and_keeps_lines_and_codes() -> None:
    text = "Ủy ban nhân dân tỉnh\nban hành Nghị định số 45/2020/NĐ-CP ngày 08/4/2020.\n"
    first, second = damage_text(text, seed=7), damage_text(text, seed=7)
    assert first == second
    assert first.count("\n") == text.count("\n")
    assert "45/2020/ND-CP" in first
    assert "08/4/2020" in first


def test_committed_damaged_documents_match_the_generator() -> None:
    """fixtures/gold/other/*.ocr.txt are exactly what eval_restorer regenerates."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    manifest = json.loads((root / "fixtures" / "gold" / "manifest.json").read_text(encoding="utf-8"))
    for item in manifest["other"]:
        gold = root / item["gold"]
        committed = gold.with_name(gold.name.replace(".gold.txt", ".ocr.txt")).read_text(encoding="utf-8")
        assert damage_text(gold.read_text(encoding="utf-8"), seed=item["damage_seed"]) == committed
