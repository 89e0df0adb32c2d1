"""Turn the lines of a plan document into its tree of headings.

Vietnamese administrative plans and legal texts nest their headings in a fixed order:

    Phần / Phụ lục  >  Chương  >  Mục 1  >  Điều 5.  >  I.  >  1.  (1.1.)  >  a)  >  -  >  +

``parse_outline(lines)`` recognises those markers line by line and keeps, for every
heading, its path ("II.3.đ"), kind, label, raw title, body text and 1-based source
lines. It is built for OCR text, so it repairs the damage OCR does to markers, using
the sequence it is in:

- roman numerals read with digits or "l"/"L" ("I11." is III., "IIL" is III., "1I." is II.);
- lettered items in the Vietnamese order a b c d đ e g h i k l m n o p q r s t u v x y
  (no f, j, w, z): "¢)" is c), and a second "d)" in a row is đ). Letters out of order
  (h) before g)) or skipped are kept as written and reported;
- a heading wrapped onto a short second line is joined; an upper-case heading continues
  over upper-case lines; a leading space left by a page break is ignored, and so are
  page numbers standing alone on a line;
- appendix tables with a header row (STT / Nội dung / Cơ quan chủ trì / Cơ quan phối hợp /
  Sản phẩm / Thời gian hoàn thành), whether read from Word (cells joined by " | ") or laid
  out with spaces, become ``table_row`` nodes with their columns.

Paths: roman "II", item "II.3", sub-item "1.2." → "II.1.2", letter "II.3.đ"; bullets are
numbered in order under their parent ("II.7.a.1", "II.7.a.2", "+" bullets one level
deeper: "II.7.a.1.1"); "Phần I" → "P1", "Chương II" → "C2", "Mục 1" → "M1", "Điều 5." →
"Đ5", "Phụ lục I" → "PL1" (kind "part"), table rows by their STT ("PL1.I.3"). A path
that would repeat a sibling's gets "~2", "~3" and a warning.

Every line belongs to exactly one place: the preamble (before the first heading), one
node (its title or body lines, blank lines going with the node above), or the epilogue
(from "Trên đây là …" or "Nơi nhận:" on: the closing, recipients and signature, up to an
appendix that follows the signature).
``preamble`` and ``epilogue`` are 0-based indices into ``lines``; ``Node.lines`` are
1-based line numbers, as shown to people.

Pure functions over strings: no Django, no I/O.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from cchc.core.errors import ApplicationError

__all__ = [
    "VIETNAMESE_LETTERS",
    "Node",
    "NodeKind",
    "Outline",
    "parse_outline",
    "require_structure",
    "to_json",
]

NodeKind = Literal["part", "chapter", "section", "article", "roman", "item", "letter", "bullet", "table_row"]

VIETNAMESE_LETTERS = tuple("abcdđeghiklmnopqrstuvxy")
_LETTER_INDEX = {letter: index for index, letter in enumerate(VIETNAMESE_LETTERS)}
NO_STRUCTURE = gettext_lazy("Không nhận ra cấu trúc kế hoạch (mục I, II, 1., a) …)")


@dataclass(slots=True)
class Node:
    """One heading of the document and the text under it (up to the next heading)."""

    path: str
    kind: NodeKind
    label: str
    title: str
    body: str
    lines: tuple[int, int]
    children: list[Node] = field(default_factory=list)
    raw_label: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Title and body as one paragraph (line breaks become spaces)."""
        return " ".join(part for part in (self.title, " ".join(self.body.split())) if part)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(slots=True)
class Outline:
    """The parsed tree. ``preamble``/``epilogue`` are 0-based indices into the input lines."""

    preamble: list[int]
    nodes: list[Node]
    warnings: list[str] = field(default_factory=list)
    epilogue: list[int] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        """Every node in document order."""
        for node in self.nodes:
            yield from node.walk()

    def paths(self) -> list[str]:
        return [node.path for node in self.walk()]

    def find(self, path: str) -> Node | None:
        return next((node for node in self.walk() if node.path == path), None)


def to_json(outline: Outline) -> list[dict[str, Any]]:
    """The nodes flattened in document order, as plain JSON-ready dicts."""
    out: list[dict[str, Any]] = []
    for node in outline.walk():
        item: dict[str, Any] = {
            "path": node.path,
            "kind": node.kind,
            "label": node.label,
            "title": node.title,
            "body": node.body,
            "lines": [node.lines[0], node.lines[1]],
        }
        if node.kind == "table_row":
            item["columns"] = dict(node.columns)
        out.append(item)
    return out


def require_structure(outline: Outline, *, name: str) -> None:
    """Raise ``ApplicationError`` when the outline found no plan structure in file ``name``."""
    if not any(node.kind != "bullet" for node in outline.walk()):
        raise ApplicationError(
            _("%(reason)s trong tệp “%(name)s”. Hãy kiểm tra đúng tệp kế hoạch và chữ đọc được.")
            % {"reason": NO_STRUCTURE, "name": name},
            code="documents.no_structure",
            extra={"file": name},
        )


# --------------------------------------------------------------------------- text helpers

_INVISIBLE = str.maketrans("", "", "\f\v\ufeff\u200b\u200c\u200d\u00ad")


def _clean(line: str) -> str:
    return unicodedata.normalize("NFC", line.translate(_INVISIBLE)).strip()


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return (base[:1] or char).lower()


def _fold(text: str) -> str:
    """Lower-case, accent-free, and exactly as long as ``text`` (offsets stay valid)."""
    return "".join(_fold_char(c) for c in text)


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _starts_upper(text: str) -> bool:
    """The first letter or digit of ``text`` is a capital or a digit (a heading, not a wrapped line)."""
    for char in text:
        if char.isalpha():
            return char.isupper()
        if char.isdigit():
            return True
    return True


_SENTENCE_END = (".", ";", ":", "!", "?", "…", "./.")
_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?\d{1,3}(?:\s*[-–—])?$|^(?:trang|page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?$")
_ROMAN_VALID = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int | None:
    numeral = numeral.upper()
    if not numeral or not _ROMAN_VALID.match(numeral):
        return None
    total = 0
    for index, char in enumerate(numeral):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total or None


def _to_roman(value: int) -> str:
    out = ""
    for number, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + numeral, value - number
    return out


_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}


def _numeral(token: str) -> int | None:
    """A numeral as written after "Phần", "Chương", "Mục", "Phụ lục": 2, II, "thứ hai"."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    if token.startswith("thu "):
        return _ORDINALS.get(token[4:].strip())
    return _roman_value(token.upper())


# --------------------------------------------------------------------------- line classification

_TOP_RANK = 0.0
_RANKS: dict[str, float] = {
    "part": 0.0,
    "chapter": 1.0,
    "section": 2.0,
    "article": 3.0,
    "roman": 4.0,
    "item": 5.0,
    "letter": 6.0,
    "bullet": 7.0,
}
_SUB_BULLETS = frozenset("+*◦▪►")


@dataclass(slots=True)
class _Match:
    """A line that looks like a heading, before the context accepts or rejects it."""

    kind: NodeKind
    raw_label: str
    title: str
    rank: float
    value: int = 0  # number of an item/roman/part …, letter index for letters
    letter: str = ""
    has_dot: bool = True
    appendix: bool = False
    numbering: tuple[int, ...] = ()


_NUMERAL = r"(thu\s+(?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)|[ivxlc]{1,6}|\d{1,3})"
_PART = re.compile(rf"^phan\s+{_NUMERAL}(?![\w])")
_CHAPTER = re.compile(rf"^chuong\s+{_NUMERAL}(?![\w])")
_SECTION = re.compile(rf"^muc\s+{_NUMERAL}(?![\w])")
_APPENDIX = re.compile(r"^phu\s*luc(?:\s+(?:so\s+)?(\d{1,2}|[ivxlc]{1,6}|[a-z])(?![\w]))?(?![\w])")
_ARTICLE = re.compile(r"^[dp]ieu\s+(\d{1,3})\s*[.:]")  # OCR prints Đ as P ("Pieu")
_ROMAN_HEAD = re.compile(r"^([IVXL1l|!]{1,7})(\s*[.:]|\s+(?=\S)|$)\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,2})\s*([.)])(?!\d)\s*(.*)$")
_SUBITEM = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?(?![\d.])\s+(.*)$")
_LETTER = re.compile(r"^([a-zđ¢©ð€®])\s*\)\s*(.*)$")
_BULLET = re.compile(r"^([-–—•·∙+*◦▪►])\s*(.*)$")
_LEGAL_LEVELS: tuple[tuple[re.Pattern[str], NodeKind, float], ...] = (
    (_PART, "part", _RANKS["part"]),
    (_CHAPTER, "chapter", _RANKS["chapter"]),
    (_SECTION, "section", _RANKS["section"]),
)
_OCR_LETTERS = {"¢": "c", "©": "c", "ð": "đ"}
_CLOSING = re.compile(r"^(?:tren\s+day\s+(?:la|1a|ia)\b|noi\s+nh[a-z]{1,3}\s*:)")


def _legal_tail(original: str, end: int) -> str | None:
    """The title after "Chương II" etc., or None when the line reads as running text."""
    rest = original[end:].strip()
    if not rest:
        return ""
    if rest[0] in ".:-–—)":
        return rest.lstrip(".:-–—) ").strip()
    return rest if _starts_upper(rest) else None


def _classify(line: str) -> _Match | None:
    """Recognise a heading marker at the start of a cleaned line, without context."""
    if not line or _PAGE_NUMBER.match(line.lower()):
        return None
    folded = _fold(line)
    first_upper = line[0].isupper()
    if first_upper:
        for pattern, kind, rank in _LEGAL_LEVELS:
            m = pattern.match(folded)
            if m:
                value = _numeral(m.group(1))
                title = _legal_tail(line, m.end())
                if value is not None and title is not None:
                    return _Match(kind, line[: m.end()], title, rank, value)
        m = _APPENDIX.match(folded)
        if m:
            title = _legal_tail(line, m.end())
            if title is not None or line[: m.end()].isupper():
                number = m.group(1) or ""
                value = _numeral(number) if number else 0
                if value is None:  # "Phụ lục A"; an unreadable numeral ("IIL") counts as 0
                    value = ord(number.upper()) - ord("A") + 1 if len(number) == 1 else 0
                return _Match(
                    "part", line[: m.end()], title or line[m.end() :].strip(), _TOP_RANK, value, appendix=True
                )
        m = _ARTICLE.match(folded)
        if m:
            return _Match(
                "article", line[: m.end()].rstrip(".: "), line[m.end() :].strip(), _RANKS["article"], int(m.group(1))
            )
    m = _ROMAN_HEAD.match(line)
    if m and re.search(r"[IVX]", m.group(1)):
        normalized = re.sub(r"[1l|!L]", "I", m.group(1))
        value = _roman_value(normalized)
        if value is not None:
            separator = m.group(2).strip()
            raw_label = m.group(1) + separator
            return _Match("roman", raw_label, m.group(3).strip(), _RANKS["roman"], value, has_dot=bool(separator))
    m = _SUBITEM.match(line)
    if m:
        numbers = tuple(int(part) for part in m.group(1).split("."))
        rank = _RANKS["item"] + 0.1 * (len(numbers) - 1)
        return _Match("item", m.group(1), m.group(2).strip(), rank, numbers[-1], numbering=numbers)
    m = _ITEM.match(line)
    if m:
        value = int(m.group(1))
        return _Match("item", m.group(1) + m.group(2), m.group(3).strip(), _RANKS["item"], value, numbering=(value,))
    m = _LETTER.match(line)
    if m:
        return _Match("letter", m.group(1) + ")", m.group(2).strip(), _RANKS["letter"], letter=m.group(1))
    m = _BULLET.match(line)
    if m:
        rest = m.group(2).strip()
        if rest and (rest[0].isalnum() or rest[0] in "\"'“‘(«["):
            rank = _RANKS["bullet"] + (0.5 if m.group(1) in _SUB_BULLETS else 0.0)
            return _Match("bullet", m.group(1), rest, rank)
    return None


# --------------------------------------------------------------------------- tables

_COLUMN_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stt", ("stt", "tt", "so tt", "so thu tu")),
    ("lead", ("co quan chu tri", "don vi chu tri", "chu tri", "co quan thuc hien", "don vi thuc hien")),
    ("partners", ("co quan phoi hop", "don vi phoi hop", "phoi hop")),
    ("product", ("san pham", "ket qua", "san pham du kien")),
    ("deadline", ("thoi gian hoan thanh", "thoi gian", "thoi han", "tien do")),
    ("note", ("ghi chu",)),
    ("content", ("noi dung", "nhiem vu", "ten nhiem vu", "noi dung nhiem vu", "cong viec", "hoat dong")),
)


def _column_key(cell: str) -> str | None:
    folded = " ".join(_fold(cell).replace(".", " ").split())
    if not folded:
        return None
    for key, names in _COLUMN_NAMES:
        if folded in names or any(name in folded for name in names if len(name) > 3):
            return key
    best, best_score = None, 0.0
    for key, names in _COLUMN_NAMES:
        for name in names:
            if len(name) > 3:
                score = fuzz.ratio(folded, name)
                if score > best_score:
                    best, best_score = key, score
    return best if best_score >= 80 else None


_SPACE_SPLIT = re.compile(r"\S+(?: \S+)*")


def _space_cells(raw: str) -> list[tuple[int, str]]:
    """Cells of a line laid out in columns: runs of text separated by 2+ spaces or tabs."""
    return [(m.start(), m.group()) for m in _SPACE_SPLIT.finditer(raw.expandtabs(8))]


def _pipe_cells(line: str, *, edges: bool) -> list[str]:
    """Cells of a " | "-joined row; ``edges`` for Markdown-style rows framed by pipes."""
    cells = [cell.strip() for cell in line.split("|")]
    if edges and len(cells) > 1:
        cells = cells[1:-1] if not cells[-1] else cells[1:]
    return cells


@dataclass(slots=True)
class _Table:
    mode: Literal["pipe", "space"]
    keys: list[str]
    offsets: list[int]
    parent: _Draft | None
    header_folded: str
    edges: bool
    group: _Draft | None = None
    row: _Draft | None = None
    last: _Draft | None = None


def _table_header(raw: str, line: str) -> tuple[Literal["pipe", "space"], list[str], list[int]] | None:
    if line.count("|") >= 2:
        cells = _pipe_cells(line, edges=line.startswith("|"))
        mode: Literal["pipe", "space"] = "pipe"
        offsets: list[int] = []
    else:
        spaced = _space_cells(raw)
        cells = [text for _, text in spaced]
        offsets = [offset for offset, _ in spaced]
        mode = "space"
    if len(cells) < 3:
        return None
    keys = [_column_key(cell) for cell in cells]
    if "stt" not in keys or "content" not in keys:
        return None
    named = [key or f"cot_{index + 1}" for index, key in enumerate(keys)]
    # An unknown header keeps its own text as key, so nothing is lost.
    named = [key if keys[index] else cells[index] or key for index, key in enumerate(named)]
    return mode, named, offsets


_RULE_ROW = re.compile(r"^[|:\-–—=+\s]+$")
_STT = re.compile(r"^(?:(\d{1,3})|(\d{1,3}(?:\.\d{1,3})+)|([IVX]{1,6})|([A-Z])|([a-zđ]))\.?\)?$")


# --------------------------------------------------------------------------- drafts


@dataclass(slots=True, eq=False)
class _Draft:
    kind: NodeKind
    label: str
    raw_label: str
    segment: str
    rank: float
    start: int
    parent: _Draft | None
    title_parts: list[str]
    title_end: int
    value: int = 0
    letter: str = ""
    numbering: tuple[int, ...] = ()
    children: list[_Draft] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    path: str = ""
    row_level: int = 0


class _Parser:
    def __init__(self, lines: Sequence[str]) -> None:
        self.raw = [str(line) for line in lines]
        self.lines = [_clean(line) for line in self.raw]
        self.n = len(self.lines)
        lengths = sorted(len(line) for line in self.lines if line)
        self.width = max(20, lengths[int(0.9 * (len(lengths) - 1))] if lengths else 20)
        self.drafts: list[_Draft] = []
        self.roots: list[_Draft] = []
        self.stack: list[_Draft] = []
        self.warnings: list[str] = []
        self.closings: list[int] = []  # first lines of closing blocks ("Trên đây là …", "Nơi nhận:")
        self.table: _Table | None = None
        self._classified: dict[int, _Match | None] = {}

    # ---------------------------------------------------------------- helpers

    def classify(self, index: int) -> _Match | None:
        if index not in self._classified:
            self._classified[index] = _classify(self.lines[index])
        return self._classified[index]

    def is_closing(self, index: int) -> bool:
        return bool(self.lines[index]) and _CLOSING.match(_fold(self.lines[index])) is not None

    def warn(self, index: int, message: str) -> None:
        self.warnings.append(f"Dòng {index + 1}: {message}")

    def siblings(self, parent: _Draft | None) -> list[_Draft]:
        return parent.children if parent is not None else self.roots

    def parent_for(self, rank: float) -> _Draft | None:
        while self.stack and self.stack[-1].rank >= rank:
            self.stack.pop()
        return self.stack[-1] if self.stack else None

    def peek_parent(self, rank: float) -> _Draft | None:
        for draft in reversed(self.stack):
            if draft.rank < rank:
                return draft
        return None

    # ---------------------------------------------------------------- main loop

    def run(self) -> Outline:
        index = 0
        in_closing = False
        while index < self.n:
            line = self.lines[index]
            if in_closing:
                # The appendix usually follows the signature: it ends the closing block.
                if not self.starts_appendix(index):
                    index += 1
                    continue
                in_closing = False
            elif self.drafts and self.is_closing(index):
                self.closings.append(index)
                self.stack.clear()
                self.table = None
                in_closing = True
                index += 1
                continue
            if self.table is not None:
                if self.table_line(index):
                    index += 1
                    continue
                self.table = None
            if not line:
                index += 1
                continue
            match = self.classify(index)
            draft = self.accept(match, index) if match is not None else None
            if draft is None:
                self.maybe_start_table(index)
                index += 1
                continue
            index = self.continue_title(draft, index) + 1
        return self.finish()

    # ---------------------------------------------------------------- acceptance

    def accept(self, match: _Match, index: int) -> _Draft | None:
        handler = {
            "roman": self.accept_roman,
            "item": self.accept_item,
            "letter": self.accept_letter,
            "bullet": self.accept_bullet,
        }.get(match.kind, self.accept_legal)
        return handler(match, index)

    def accept_legal(self, match: _Match, index: int) -> _Draft:
        kind = match.kind
        if match.appendix:
            suffix = str(match.value) if match.value else ""
            segment, label = f"PL{suffix}", f"Phụ lục {_to_roman(match.value)}".strip() if match.value else "Phụ lục"
        elif kind == "part":
            segment, label = f"P{match.value}", f"Phần {_to_roman(match.value)}"
        elif kind == "chapter":
            segment, label = f"C{match.value}", f"Chương {_to_roman(match.value)}"
        elif kind == "section":
            segment, label = f"M{match.value}", f"Mục {match.value}"
        else:
            segment, label = f"Đ{match.value}", f"Điều {match.value}."
        return self.open(match, index, segment, label)

    def accept_roman(self, match: _Match, index: int) -> _Draft | None:
        if match.title and not _starts_upper(match.title):
            return None
        parent = self.peek_parent(match.rank)
        previous = [d.value for d in self.siblings(parent) if d.kind == "roman"]
        expected = previous[-1] + 1 if previous else 1
        upper = _mostly_upper(match.title)
        if match.has_dot:
            if not (upper or match.value == expected or not match.title):
                return None
        elif not (upper and match.value == expected and match.title):
            return None
        label = f"{_to_roman(match.value)}."
        if match.raw_label.rstrip(".:") != label.rstrip("."):
            self.warn(index, f"đọc “{match.raw_label}” là mục “{label}”.")
        if match.value != expected:
            self.warn(index, f"mục “{label}” đứng sau “{_to_roman(expected - 1) or '(đầu)'}.”, không liền mạch.")
        return self.open(match, index, _to_roman(match.value), label)

    def accept_item(self, match: _Match, index: int) -> _Draft | None:
        parent = self.peek_parent(match.rank)
        depth = len(match.numbering)
        if depth > 1:
            # "1.2." belongs under item 1; without it, it is running text ("1.5 triệu").
            if parent is None or parent.kind != "item" or parent.numbering != match.numbering[:-1]:
                return None
            if not _starts_upper(match.title):
                return None
            label = ".".join(str(n) for n in match.numbering) + "."
            return self.open(match, index, str(match.value), label)
        previous = [d.value for d in self.siblings(parent) if d.kind == "item" and len(d.numbering) == 1]
        expected = previous[-1] + 1 if previous else 1
        if match.value != expected:
            if not match.title or not _starts_upper(match.title):
                return None
            if match.value in previous:
                self.warn(index, f"mục “{match.value}.” lặp lại.")
            else:
                self.warn(index, f"mục “{match.value}.” không liền mạch (mong đợi “{expected}.”).")
        return self.open(match, index, str(match.value), f"{match.value}.")

    def accept_letter(self, match: _Match, index: int) -> _Draft | None:
        parent = self.peek_parent(match.rank)
        previous = [d.letter for d in self.siblings(parent) if d.kind == "letter"]
        last = previous[-1] if previous else ""
        # After an out-of-order "h) g)" the list goes on from the highest letter seen.
        highest = max(previous, key=lambda seen: _LETTER_INDEX.get(seen, -1), default="")
        expected = _next_letter(highest)
        notes: list[str] = []
        letter = match.letter
        if letter in _OCR_LETTERS:
            letter = _OCR_LETTERS[letter]
            notes.append(f"đọc “{match.raw_label}” là “{letter})”.")
        elif letter not in _LETTER_INDEX and letter not in "fjwz":
            if not last or not _starts_upper(match.title):
                return None  # a stray symbol, not a damaged letter
            letter = expected
            notes.append(f"đọc “{match.raw_label}” là “{letter})” theo thứ tự các mục.")
        if letter == "d" and last == "d":
            letter = "đ"
            notes.append("mục “d)” thứ hai được đọc là “đ)”.")
        if letter != expected and match.title and not _starts_upper(match.title):
            return None  # "b) khoản 2 …" wrapped onto a new line is running text
        where = self.path_hint(parent)
        if letter in "fjwz":
            notes.append(f"mục “{letter})” không có trong bảng chữ cái tiếng Việt (a, b, c, d, đ, e, g …).")
        elif letter != expected:
            if letter in previous:
                notes.append(f"mục “{letter})” lặp lại{where}.")
            elif highest and _LETTER_INDEX[letter] < _LETTER_INDEX.get(highest, 99):
                notes.append(f"mục “{letter})” đứng sau “{last})”: sai thứ tự{where}; giữ nguyên như văn bản.")
            else:
                missing = VIETNAMESE_LETTERS[_LETTER_INDEX.get(expected, 0) : _LETTER_INDEX[letter]]
                shown = ", ".join(f"{m})" for m in missing if m not in previous) or f"{expected})"
                notes.append(f"thiếu mục {shown} trước “{letter})”{where}.")
        for note in notes:
            self.warn(index, note)
        draft = self.open(match, index, letter, f"{letter})")
        draft.letter = letter
        return draft

    def accept_bullet(self, match: _Match, index: int) -> _Draft | None:
        if not self.drafts:
            return None  # dashes before the first heading are the preamble's ("Căn cứ …")
        parent = self.peek_parent(match.rank)
        count = sum(1 for d in self.siblings(parent) if d.kind == "bullet") + 1
        return self.open(match, index, str(count), match.raw_label)

    def path_hint(self, parent: _Draft | None) -> str:
        return f" trong {parent.path}" if parent is not None else ""

    # ---------------------------------------------------------------- building

    def open(self, match: _Match, index: int, segment: str, label: str) -> _Draft:
        parent = self.parent_for(match.rank)
        draft = _Draft(
            kind=match.kind,
            label=label,
            raw_label=match.raw_label,
            segment=segment,
            rank=match.rank,
            start=index,
            parent=parent,
            title_parts=[match.title] if match.title else [],
            title_end=index,
            value=match.value,
            numbering=match.numbering,
        )
        self.attach(draft, parent, index)
        self.stack.append(draft)
        return draft

    def attach(self, draft: _Draft, parent: _Draft | None, index: int) -> None:
        siblings = self.siblings(parent)
        base = f"{parent.path}.{draft.segment}" if parent is not None else draft.segment
        taken = {d.path for d in siblings}
        path, copy = base, 1
        while path in taken:
            copy += 1
            path = f"{base}~{copy}"
        if copy > 1:
            self.warn(index, f"vị trí “{base}” đã có; ghi mục này là “{path}”.")
        draft.path = path
        siblings.append(draft)
        self.drafts.append(draft)

    def looks_heading(self, index: int) -> bool:
        return self.classify(index) is not None or self.is_closing(index)

    def continue_title(self, draft: _Draft, index: int) -> int:
        """Join the lines that continue a heading's title; return the last title line."""
        last = index
        top = draft.kind in {"part", "chapter", "section", "roman"}

        def joinable(j: int) -> bool:
            return (
                j < self.n
                and bool(self.lines[j])
                and self.lines[j][0] != "("
                and not self.looks_heading(j)
                and _table_header(self.raw[j], self.lines[j]) is None
            )

        if not draft.title_parts and joinable(last + 1):
            last += 1
            draft.title_parts.append(self.lines[last])
        title = " ".join(draft.title_parts)
        if top and _mostly_upper(title):
            while last - index < 3 and joinable(last + 1) and _mostly_upper(self.lines[last + 1]):
                last += 1
                draft.title_parts.append(self.lines[last])
        elif (
            last == index
            and title
            and not title.endswith(_SENTENCE_END)
            and len(self.lines[index]) >= 0.75 * self.width
            and joinable(index + 1)
            and len(self.lines[index + 1]) <= 0.6 * self.width
            and (index + 2 >= self.n or not self.lines[index + 2] or self.looks_heading(index + 2))
        ):
            last += 1
            draft.title_parts.append(self.lines[last])
            if draft.kind in {"item", "roman"}:
                self.warn(index, f"tiêu đề mục {draft.path} nằm trên hai dòng; đã nối lại.")
        draft.title_end = last
        return last

    # ---------------------------------------------------------------- tables

    def maybe_start_table(self, index: int) -> None:
        header = _table_header(self.raw[index], self.lines[index])
        if header is None:
            return
        mode, keys, offsets = header
        parent = self.stack[-1] if self.stack else None
        line = self.lines[index]
        self.table = _Table(mode, keys, offsets, parent, _fold(line), edges=line.startswith("|"))

    def table_line(self, index: int) -> bool:
        """Consume one line inside a table; False when the table has ended."""
        table = self.table
        assert table is not None  # noqa: S101 - only called inside a table
        line = self.lines[index]
        if not line or _fold(line) == table.header_folded or _RULE_ROW.match(line):
            # A blank line, the header repeated on a new page, a Markdown rule "|---|".
            self.table_consumed(index)
            return True
        if table.mode == "pipe":
            if line.count("|") < 1:
                return False
            cells = _pipe_cells(line, edges=table.edges)
            values = {table.keys[i]: cell for i, cell in enumerate(cells[: len(table.keys)])}
            extra = cells[len(table.keys) :]
            if extra:
                values[table.keys[-1]] = " ".join([values.get(table.keys[-1], ""), *extra]).strip()
        else:
            match = self.classify(index)
            if match is not None and match.kind in {"part", "chapter", "section", "article"}:
                return False
            roman_section = match is not None and match.kind == "roman" and match.has_dot and _mostly_upper(match.title)
            if roman_section and len(_space_cells(self.raw[index])) < 2:
                return False  # a new roman section, not a group row of the table
            values = self.space_values(index)
        stt_key = "stt" if "stt" in table.keys else table.keys[0]
        stt = values.get(stt_key, "").strip()
        level, segment = _stt_level(stt)
        if level == 0:
            self.merge_row(values)
            self.table_consumed(index)
            return True
        self.open_row(index, stt, segment, level, values)
        return True

    def space_values(self, index: int) -> dict[str, str]:
        table = self.table
        assert table is not None  # noqa: S101 - only called inside a table
        cells = [(offset, text, -1) for offset, text in _space_cells(self.raw[index])]
        if cells:
            # "1 Nội dung…" with one space: split the STT off the first cell.
            first_offset, first_text, _ = cells[0]
            head, _, rest = first_text.partition(" ")
            if rest and _stt_level(head)[0] and first_offset <= table.offsets[0] + 2:
                cells[0:1] = [(first_offset, head, 0), (first_offset + len(head) + 1, rest, 1)]
        values: dict[str, str] = {}
        for offset, text, forced in cells:
            column = forced
            if column < 0:
                column = 0
                for position, start in enumerate(table.offsets):
                    if start <= offset + 2:
                        column = position
            key = table.keys[min(column, len(table.keys) - 1)]
            values[key] = f"{values[key]} {text}".strip() if key in values else text
        return values

    def table_consumed(self, index: int) -> None:
        """Table lines are the row's "title": its body is only what follows the table."""
        if self.drafts and self.drafts[-1].kind == "table_row":
            self.drafts[-1].title_end = index

    def merge_row(self, values: dict[str, str]) -> None:
        table = self.table
        assert table is not None  # noqa: S101 - only called inside a table
        target = table.last
        if target is None:
            return
        for key, text in values.items():
            if text:
                target.columns[key] = f"{target.columns.get(key, '')} {text}".strip()

    def open_row(self, index: int, stt: str, segment: str, level: int, values: dict[str, str]) -> None:
        table = self.table
        assert table is not None  # noqa: S101 - only called inside a table
        if level == 1:
            parent = table.parent
        elif level == 2:
            parent = table.group or table.parent
        else:
            parent = table.row or table.group or table.parent
        draft = _Draft(
            kind="table_row",
            label=stt[:16],
            raw_label=stt,
            segment=segment,
            rank=9.0,
            start=index,
            parent=parent,
            title_parts=[],
            title_end=index,
            columns={key: text for key, text in values.items() if text},
            row_level=level,
        )
        self.attach(draft, parent, index)
        if level == 1:
            table.group, table.row = draft, None
        elif level == 2:
            table.row = draft
        table.last = draft

    # ---------------------------------------------------------------- result

    def starts_appendix(self, index: int) -> bool:
        if not self.lines[index]:
            return False
        match = self.classify(index)
        if match is not None and match.appendix:
            return True
        return _table_header(self.raw[index], self.lines[index]) is not None

    def finish(self) -> Outline:
        # Each node owns its lines up to the next node or closing block; a closing block
        # owns its lines up to the next node (an appendix after the signature) or the end.
        boundaries = sorted({d.start for d in self.drafts} | set(self.closings) | {self.n})
        next_boundary = dict(itertools.pairwise(boundaries))
        nodes_by_draft: dict[int, Node] = {}
        for draft in self.drafts:
            last = next_boundary[draft.start] - 1
            nodes_by_draft[id(draft)] = Node(
                path=draft.path,
                kind=draft.kind,
                label=draft.label,
                title=self.title_of(draft),
                body=self.body_of(draft.title_end + 1, last),
                lines=(draft.start + 1, last + 1),
                raw_label=draft.raw_label,
                columns=dict(draft.columns),
            )
        for draft in self.drafts:
            node = nodes_by_draft[id(draft)]
            node.children = [nodes_by_draft[id(child)] for child in draft.children]
        first = self.drafts[0].start if self.drafts else self.n
        preamble = list(range(first))
        epilogue = [i for start in self.closings for i in range(start, next_boundary[start])]
        if not self.drafts:
            self.warnings.append(f"{NO_STRUCTURE} trong văn bản.")
        return Outline(preamble, [nodes_by_draft[id(d)] for d in self.roots], self.warnings, epilogue)

    def title_of(self, draft: _Draft) -> str:
        if draft.kind == "table_row":
            columns = draft.columns
            return columns.get("content") or next((v for k, v in columns.items() if k != "stt" and v), "")
        return " ".join(" ".join(draft.title_parts).split())

    def body_of(self, first: int, last: int) -> str:
        out: list[str] = []
        for index in range(first, last + 1):
            line = self.lines[index]
            if line and _PAGE_NUMBER.match(line.lower()):
                continue
            if line or (out and out[-1]):
                out.append(line)
        while out and not out[-1]:
            out.pop()
        return "\n".join(out)


def _next_letter(letter: str) -> str:
    if not letter:
        return "a"
    index = _LETTER_INDEX.get(letter)
    if index is None or index + 1 >= len(VIETNAMESE_LETTERS):
        return letter
    return VIETNAMESE_LETTERS[index + 1]


def _stt_level(stt: str) -> tuple[int, str]:
    """Row level from its STT: 1 for a group (I, A), 2 for a numbered task (1), 3 for a sub-task (1.1, a)."""
    m = _STT.match(stt.strip())
    if not m:
        return 0, ""
    number, dotted, roman, capital, small = m.groups()
    if number:
        return 2, number
    if dotted:
        return 3, dotted.split(".")[-1]
    if roman and _roman_value(roman):
        return 1, roman
    if capital:
        return 1, capital
    if small:
        return 3, small
    return 0, ""


def parse_outline(lines: Sequence[str]) -> Outline:
    """Parse the lines of a plan into its outline; never raises on any text.

    See the module docstring for the levels, the OCR repairs and the path convention.
    ``Outline.warnings`` (Vietnamese, with line numbers) lists every repair and anomaly;
    an empty outline carries the "no structure" warning (see :func:`require_structure`).
    """
    return _Parser(lines).run()
