"""From an uploaded plan document to a reviewable analysis, without touching the DB.

Steps: read the bytes (any encoding, .docx, .pdf, scans), parse the outline on the
text as written (the parser knows the OCR's quirks), repair the Vietnamese of the
whole document once (the restorer keeps offsets, so each node's title and body get
their repaired words back), map the units the plan names to org units, and resolve
cross-references. The result is plain data (``Analysis.as_json``) that the import
preview stores, the officer corrects, and the confirm step turns into a plan.
"""

import bisect
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from cchc.core.text import fold
from cchc.documents.matching import UnitCandidate, UnitMention, match_unit_prefixes, match_units, name_key
from cchc.documents.outline import Node, parse_outline, require_structure
from cchc.documents.readers import read_document
from cchc.documents.references import find_references
from cchc.documents.restore.restorer import RestoredText, RestoredWord, restore_text

# Below this confidence a repaired word is highlighted for the officer to check.
LOW_CONFIDENCE = 0.9
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Flag:
    """A word of a node's title or body that the restorer was unsure of."""

    field: str  # "title" or "body"
    start: int
    end: int
    original: str
    confidence: float


@dataclass
class AnalysedNode:
    path: str
    kind: str
    label: str
    title: str
    body: str
    lines: tuple[int, int]
    parent: str | None
    original_title: str
    original_body: str
    columns: dict[str, str] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class UnitAssignment:
    path: str
    role: str  # lead | coordinating | mentioned
    text: str
    code: str | None
    score: float
    is_group: bool = False


@dataclass
class ResolvedReference:
    path: str
    text: str
    target: str
    resolved: bool


@dataclass
class Analysis:
    file_name: str
    sha256: str
    size: int
    kind: str
    line_count: int
    nodes: list[AnalysedNode]
    units: list[UnitAssignment]
    references: list[ResolvedReference]
    warnings: list[str]
    preamble: str = ""

    def as_json(self) -> dict[str, Any]:
        """The shape ``import_plan --dry-run --format json`` prints and the preview stores."""
        return {
            "source": {
                "file_name": self.file_name,
                "sha256": self.sha256,
                "size": self.size,
                "kind": self.kind,
                "lines": self.line_count,
            },
            "preamble": self.preamble,
            "outline": [
                {
                    "path": n.path,
                    "kind": n.kind,
                    "label": n.label,
                    "parent": n.parent,
                    "title": n.title,
                    "body": n.body,
                    "lines": [n.lines[0], n.lines[1]],
                    "original_title": n.original_title,
                    "original_body": n.original_body,
                    "columns": n.columns,
                    "flags": [vars(f) for f in n.flags],
                }
                for n in self.nodes
            ],
            "units": [vars(u) for u in self.units],
            "references": [vars(r) for r in self.references],
            "warnings": list(self.warnings),
        }


class _WordMap:
    """The restored words of the document, findable by source line."""

    def __init__(self, text: str, restored: RestoredText) -> None:
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.words = restored.words
        self.word_lines = [bisect.bisect_right(self.line_starts, w.start) for w in self.words]  # 1-based

    def in_lines(self, first: int, last: int) -> list[RestoredWord]:
        lo = bisect.bisect_left(self.word_lines, first)
        hi = bisect.bisect_right(self.word_lines, last)
        return self.words[lo:hi]


def _repair(fragment: str, words: Sequence[RestoredWord], field_name: str) -> tuple[str, list[Flag], int]:
    """Swap each word of ``fragment`` for its repaired form, matching words in order.

    ``fragment`` is a subsequence of the text of the node's lines (the parser strips
    labels and joins split lines), so an in-order walk over the restored words of
    those lines finds each word's repair. Words not found stay as written. Returns the
    repaired text, its low-confidence flags, and how many restored words were used.
    """
    out: list[str] = []
    flags: list[Flag] = []
    pos = 0
    cursor = 0
    for match in _WORD.finditer(fragment):
        token = match.group()
        out.append(fragment[pos : match.start()])
        pos = match.end()
        found = None
        for k in range(cursor, min(cursor + 8, len(words))):
            if words[k].original == token:
                found = k
                break
        if found is None:
            out.append(token)
            continue
        word = words[found]
        cursor = found + 1
        start = sum(len(part) for part in out)
        out.append(word.restored)
        if word.confidence < LOW_CONFIDENCE:
            flags.append(Flag(field_name, start, start + len(word.restored), word.original, round(word.confidence, 3)))
    out.append(fragment[pos:])
    return "".join(out), flags, cursor


_SENTENCE_END = re.compile(r"[.;:!?](?=\s|$)")
TITLE_MAX = 220


def _rejoin_paragraph(title: str, body: str, flags: list[Flag]) -> tuple[str, str, list[Flag]]:
    """Give a lettered duty its first sentence as title when the scan broke it mid-line.

    The parser's title is the label's line ("a) Công tác CCHC phải được tiến hành đồng
    bộ, có trọng tâm, trọng"); when the body continues that sentence (starts in lower
    case), the paragraph is rejoined and split after its first sentence (or, for a long
    one, at a word boundary), and the flags move with their words.
    """
    stripped = body.lstrip()
    if not stripped or not stripped[0].islower() or _SENTENCE_END.search(title[-1:] or "."):
        return title, body, flags
    full = f"{title} {' '.join(body.split())}"
    shifted = []
    offset_body = len(title) + 1
    # Body flags index the body as written; map them onto the whitespace-folded text.
    folded = _fold_offsets(body)
    for flag in flags:
        if flag.field == "title":
            shifted.append((flag, flag.start, flag.end))
        else:
            start = offset_body + folded[flag.start]
            shifted.append((flag, start, start + (flag.end - flag.start)))
    end = _SENTENCE_END.search(full, len(title))
    cut = end.end() if end and end.end() <= TITLE_MAX else full.rfind(" ", 0, TITLE_MAX)
    if cut <= len(title):
        cut = len(full) if len(full) <= TITLE_MAX else max(full.rfind(" ", 0, TITLE_MAX), len(title))
    new_title, rest = full[:cut].rstrip(), full[cut:]
    lead = len(rest) - len(rest.lstrip())
    new_body = rest.strip()
    out = []
    for flag, start, stop in shifted:
        if stop <= len(new_title):
            out.append(Flag("title", start, stop, flag.original, flag.confidence))
        elif start >= cut + lead:
            out.append(Flag("body", start - cut - lead, stop - cut - lead, flag.original, flag.confidence))
    return new_title, new_body, out


def _fold_offsets(text: str) -> list[int]:
    """For each offset of ``text``, the offset in ``" ".join(text.split())``.

    Characters of a whitespace run map to its single space (or to 0 when leading).
    """
    offsets: list[int] = []
    out = 0
    pending_space = False
    seen_word = False
    for char in text:
        if char.isspace():
            pending_space = seen_word
            offsets.append(out)
            continue
        if pending_space:
            out += 1
            pending_space = False
        offsets.append(out)
        out += 1
        seen_word = True
    offsets.append(out)
    return offsets


def _analyse_nodes(roots: Iterable[Node], word_map: _WordMap) -> list[AnalysedNode]:
    result: list[AnalysedNode] = []

    def visit(node: Node, parent: str | None) -> None:
        words = word_map.in_lines(node.lines[0], node.lines[1])
        title, title_flags, used = _repair(node.title, words, "title")
        body, body_flags, _ = _repair(node.body, words[used:], "body")
        flags = title_flags + body_flags
        if node.kind in {"letter", "bullet", "item"}:
            title, body, flags = _rejoin_paragraph(title, body, flags)
        result.append(
            AnalysedNode(
                path=node.path,
                kind=node.kind,
                label=node.label,
                title=title,
                body=body,
                lines=node.lines,
                parent=parent,
                original_title=node.title,
                original_body=node.body,
                columns={key: _repair(value, words, "columns")[0] for key, value in node.columns.items()},
                flags=flags,
            )
        )
        for child in node.children:
            visit(child, node.path)

    for root in roots:
        visit(root, None)
    return result


_DUTIES_SECTION = "to chuc thuc hien"
_COORDINATE = re.compile(r"phoi hop(?:\s+voi)?\s+", re.IGNORECASE)
_COORDINATE_END = re.compile(r"[.;:()]")


def _heading_names(node: AnalysedNode) -> str:
    """The part of an item heading that names units.

    Usually the title ("2. Sở Nội vụ"). A heading with a colon lists units that run on
    into the body ("8. Các cơ quan …: Đài …, Báo …, Cổng … cần xác định …"): the list
    is read up to the verb or the end of the sentence.
    """
    text = node.title
    if ":" in text:
        text = f"{text} {' '.join(node.body.split())}"
    key = fold(text)
    stops = [key.find(marker) for marker in (" can ", " co trach nhiem", ". ") if marker in key]
    return text[: min(stops)] if stops else text


def _coordinating_spans(text: str) -> list[str]:
    """The unit lists after "phối hợp (với)" in a duty's text."""
    key = fold(text)
    spans = []
    for match in _COORDINATE.finditer(key):
        rest = key[match.end() :]
        end = _COORDINATE_END.search(rest)
        stop = match.end() + (end.start() if end else len(rest))
        spans.append(text[match.end() : stop])
    return spans


def assign_units(nodes: Sequence[AnalysedNode], candidates: Sequence[UnitCandidate]) -> list[UnitAssignment]:
    """Units named by the duties section ("Tổ chức thực hiện") and the appendix rows.

    Each numbered item of the duties section names its lead unit(s) in its heading;
    "phối hợp với X" in a duty names coordinating units; appendix rows name them in
    their columns. Names that match no unit are kept with ``code=None``.
    """
    by_path = {n.path: n for n in nodes}
    duties_roots = [n.path for n in nodes if n.kind == "roman" and _DUTIES_SECTION in fold(n.title)]
    out: list[UnitAssignment] = []

    def add(path: str, role: str, mentions: Iterable[UnitMention]) -> None:
        for m in mentions:
            out.append(UnitAssignment(path, role, m.text.strip(), m.code, round(m.score, 1), m.is_group))

    for node in nodes:
        parent = node.parent
        if parent in duties_roots and node.kind == "item":
            add(node.path, "lead", match_units(_heading_names(node), candidates))
        in_duties = any(node.path.startswith(root + ".") for root in duties_roots)
        if in_duties and node.kind in {"letter", "bullet", "item"}:
            for span in _coordinating_spans(f"{node.title} {node.body}"):
                add(node.path, "coordinating", match_unit_prefixes(span, candidates))
        if node.kind == "table_row":
            for key, role in (("lead", "lead"), ("partners", "coordinating")):
                if node.columns.get(key):
                    add(node.path, role, match_units(node.columns[key], candidates))
    del by_path
    return out


_YEAR = re.compile(r"\bnam (20\d\d)\b")


def guess_year(data: bytes) -> int | None:
    """The year a plan names in its opening lines ("… năm 2023"), if any."""
    head = fold(data[:4000].decode("utf-8", errors="ignore"))
    match = _YEAR.search(head)
    return int(match.group(1)) if match else None


def _replace_in(node: AnalysedNode, field_name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in a node's field, moving or dropping its flags."""
    text = getattr(node, field_name)
    start = text.find(old)
    if start < 0 or old == new:
        return
    end = start + len(old)
    setattr(node, field_name, text[:start] + new + text[end:])
    delta = len(new) - len(old)
    kept = []
    for flag in node.flags:
        if flag.field != field_name or flag.end <= start:
            kept.append(flag)
        elif flag.start >= end:
            kept.append(Flag(flag.field, flag.start + delta, flag.end + delta, flag.original, flag.confidence))
    node.flags = kept


_OCR_JUNK = re.compile(r"[^\w\s,.;:()\-–]|\d|_")


def _canonical_name(text: str, candidate: UnitCandidate) -> str | None:
    """The unit name to write for a matched span, or None to keep the span.

    Kept: a span written exactly as one of the unit's names, or a correct variant of it
    ("Văn phòng UBND tỉnh"). Replaced: a span that differs from a name only in its
    diacritics ("Bảo Hải Dương" → "Báo Hải Dương"), or that still holds OCR debris
    ("S6¢ Tư pháp", "S& Nội vụ") – by the closest name.
    """
    lowered = text.lower()
    if any(lowered == name.lower() for name in candidate.names):
        return None
    plain = fold(text)
    same_letters = [name for name in candidate.names if fold(name) == plain]
    if same_letters:
        return same_letters[0]
    if not _OCR_JUNK.search(text):
        return None
    key = name_key(text)
    return min(
        candidate.names,
        key=lambda name: (Levenshtein.distance(name_key(name), key), Levenshtein.distance(fold(name), plain)),
    )


def canonicalise_unit_names(
    nodes: Sequence[AnalysedNode], units: Sequence[UnitAssignment], candidates: Sequence[UnitCandidate]
) -> None:
    """Write matched unit names as the unit list spells them ("S6¢ Tư pháp" → "Sở Tư pháp").

    The restorer has little context for a two-word heading; the unit matcher, which
    compares against the names of real units, knows better. Only the matched span is
    replaced (in the title, else in the body), with the candidate name closest to it,
    and only when the span is damaged (see ``_canonical_name``); group names ("Các sở,
    ban, ngành") are left as written.
    """
    by_code = {c.code: c for c in candidates}
    by_path = {n.path: n for n in nodes}
    for unit in units:
        candidate = by_code.get(unit.code or "")
        node = by_path.get(unit.path)
        if candidate is None or node is None or candidate.is_group:
            continue
        best = _canonical_name(unit.text, candidate)
        if best is None:
            continue
        for field_name in ("title", "body"):
            if unit.text in getattr(node, field_name):
                _replace_in(node, field_name, unit.text, best)
                break


def _node_references(node: AnalysedNode, paths: set[str]) -> list[ResolvedReference]:
    """References of one node, read from the text as written first.

    The letters of a citation ("điểm c") are single characters the restorer has little
    context for, so the original wording is the better witness; the repaired text is
    used when the original yields nothing (e.g. a clean document).
    """
    found = find_references(f"{node.original_title}\n{node.original_body}", paths)
    if not found:
        found = find_references(f"{node.title}\n{node.body}", paths)
    return [ResolvedReference(node.path, " ".join(ref.text.split()), ref.path, ref.resolved) for ref in found]


def analyse_document(
    *, name: str, data: bytes, candidates: Sequence[UnitCandidate] = (), repair: bool = True
) -> Analysis:
    """Read, parse, repair and link one plan document.

    Raises ``ApplicationError`` (Vietnamese, naming the file) for unreadable input or a
    document without plan structure. ``repair=False`` keeps the text as written.
    """
    document = read_document(name, data)
    outline = parse_outline(document.lines)
    require_structure(outline, name=name)
    restored = restore_text(document.text) if repair else RestoredText(document.text, [])
    nodes = _analyse_nodes(outline.nodes, _WordMap(document.text, restored))
    paths = {n.path for n in nodes}
    references = [ref for n in nodes for ref in _node_references(n, paths)]
    units = assign_units(nodes, candidates)
    if repair:
        canonicalise_unit_names(nodes, units, candidates)
    warnings = [*document.warnings, *outline.warnings]
    warnings += [f"Mục {u.path}: chưa xác định được đơn vị “{u.text}”." for u in units if u.code is None]
    warnings += [
        f"Mục {r.path}: dẫn chiếu “{r.text}” không khớp mục nào ({r.target})." for r in references if not r.resolved
    ]
    preamble_lines = [document.lines[i] for i in outline.preamble]
    preamble = "\n".join(preamble_lines)
    if repair and preamble.strip():
        preamble = restore_text(preamble).text
    return Analysis(
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        kind=document.kind,
        line_count=len(document.lines),
        nodes=nodes,
        units=units,
        references=references,
        warnings=warnings,
        preamble=preamble,
    )
