"""Property tests: the outline parser never crashes and never loses a line.

Invariant: every input line is owned by exactly one place (the preamble, one node's
title/body lines, or the epilogue), nodes come in document order, and paths are unique.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.documents.outline import Outline, parse_outline, to_json

SEED_LINES = (Path(__file__).parents[3] / "fixtures/seed/000_6b4a4a90fab0730f.txt").read_text("utf-8").split("\n")

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that reach every branch of the parser: markers (with OCR damage), table rows,
# closing formulas, page numbers, and ordinary words.
MARKERS = [
    "I.", "II.", "I11.", "IIL", "1I.", "IV", "V.", "X:", "1.", "2.", "3.S", "12)", "1.1.", "1.2", "1.5",
    "a)", "b)", "¢)", "d)", "đ)", "f)", "h)", "g)", "€)", "- ", "+ ", "• ", "* ", "--", "Phần I", "Phần thứ hai",
    "Chương II", "Chương 3.", "Mục 1", "Điều 5.", "Piéu 7:", "PHỤ LỤC", "Phụ lục II", "(Có các Phụ lục kèm theo)",
    "STT | Nội dung | Cơ quan chủ trì | Phối hợp", "1 | việc | Sở A | Sở B", "I | NHÓM", " | tiếp | |",
    "|---|---|", "STT   Nội dung   Chủ trì   Thời gian", "1     Việc      Sở A", "Trên đây là Kế hoạch",
    "Trén day 1a", "Nơi nhận:", "Noi nhin: CHU TICH", "- 2 -", "Trang 3", "\f", "   ", "",
]  # fmt: skip
WORDS = ["KINH PHÍ", "Mục đích", "cải cách", "hành chính", "UBND", "tỉnh", "x", "Ủy ban", "kinh té - xi hoi", "2023"]

heading_like_line = st.lists(st.sampled_from(MARKERS + WORDS), max_size=6).map(" ".join)
any_line = st.one_of(heading_like_line, st.text(max_size=80))


def assert_sound(outline: Outline, line_count: int) -> None:
    owners = [0] * line_count
    for index in outline.preamble + outline.epilogue:
        assert 0 <= index < line_count
        owners[index] += 1
    previous_start = 0
    paths = []
    for node in outline.walk():
        first, last = node.lines
        assert 1 <= first <= last <= line_count, node
        assert first > previous_start, "nodes must come in document order"
        previous_start = first
        paths.append(node.path)
        for number in range(first, last + 1):
            owners[number - 1] += 1
        for child in node.children:
            assert child.lines[0] > last, "a child starts after its parent's own lines"
            assert child.path.startswith(f"{node.path}."), "a child's path extends its parent's"
    assert owners == [1] * line_count, "every line belongs to exactly one place"
    assert len(paths) == len(set(paths)), "paths are unique"
    json.dumps(to_json(outline), ensure_ascii=False)


@FAST
@given(st.lists(any_line, max_size=80))
def test_random_lines(lines: list[str]) -> None:
    assert_sound(parse_outline(lines), len(lines))


@FAST
@given(st.lists(st.text(), max_size=40))
def test_arbitrary_unicode(lines: list[str]) -> None:
    assert_sound(parse_outline(lines), len(lines))


@st.composite
def mutated_seed(draw: st.DrawFn) -> list[str]:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 12))):
        if not lines:
            break
        operation = draw(st.sampled_from(["delete", "duplicate", "shuffle", "inject", "replace", "insert"]))
        at = draw(st.integers(0, len(lines) - 1))
        if operation == "delete":
            span = draw(st.integers(1, 40))
            del lines[at : at + span]
        elif operation == "duplicate":
            span = draw(st.integers(1, 30))
            lines[at:at] = lines[at : at + span]
        elif operation == "shuffle":
            span = draw(st.integers(2, 60))
            block = lines[at : at + span]
            lines[at : at + span] = draw(st.permutations(block))
        elif operation == "inject":
            text = lines[at]
            position = draw(st.integers(0, len(text)))
            lines[at] = text[:position] + draw(st.text(min_size=1, max_size=5)) + text[position:]
        elif operation == "replace":
            lines[at] = draw(any_line)
        else:
            lines.insert(at, draw(heading_like_line))
    return lines


@FAST
@given(mutated_seed())
def test_mutated_seed(lines: list[str]) -> None:
    assert_sound(parse_outline(lines), len(lines))


@FAST
@given(st.integers(0, len(SEED_LINES)), st.integers(0, len(SEED_LINES)))
def test_any_slice_of_the_seed(start: int, stop: int) -> None:
    lines = SEED_LINES[min(start, stop) : max(start, stop)]
    assert_sound(parse_outline(lines), len(lines))
