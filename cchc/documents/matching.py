"""Matching unit names written in a plan to org units, tolerant of accents and OCR.

Plans name the units responsible for each duty ("Sở Tư pháp", "Văn phòng UBND
tỉnh", "Các sở, ban, ngành; UBND các huyện, thị xã, thành phố"). The text may be
OCR-damaged ("S6é Noi vu", "S& Ké hoach va Pau tw") even after repair, so names are
compared on a *key*: no diacritics, đ→d, lower case, common OCR confusions folded,
common abbreviations expanded. Matching is fuzzy (rapidfuzz) over the key; every
span of the text that names no known unit is reported, never dropped.

Pure functions: the caller passes the candidate units (from the database or a file).
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

# OCR confusions seen in scanned Vietnamese plans, folded after diacritics are
# removed. Digits only become letters inside words (never in "2023").
_OCR_IN_WORD = str.maketrans({"6": "o", "0": "o", "1": "l", "&": "o", "¢": "c", "©": "c", "€": "e", "@": "a"})
_ABBREVIATIONS = (
    (r"\buy ban nhan dan\b", "ubnd"),
    (r"\bhoi dong nhan dan\b", "hdnd"),
    (r"\bvan phong ubnd\b", "vp ubnd"),
    (r"\bke hoach va dau tu\b", "kh dt"),
    (r"\bkh\s*(?:&|va)\s*dt\b", "kh dt"),
    (r"\bthong tin va truyen thong\b", "tt tt"),
    (r"\btt\s*(?:&|va)\s*tt\b", "tt tt"),
    (r"\bphat thanh\s*-?\s*truyen hinh\b", "pt th"),
    (r"\bpt\s*-?\s*th\b", "pt th"),
)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(text: str) -> str:
    """The comparison key of a unit name or a span of text.

    >>> name_key("Sở Kế hoạch và Đầu tư")
    'so kh dt'
    >>> name_key("S& Ké hoach va Pau tw")
    'so kh dt'
    """
    plain = _strip_marks(text).lower()
    # "Pau" (OCR of "Đầu"): a capital P read for Đ at a word start.
    plain = re.sub(r"(?<![a-z])p(?=au\b|inh\b|ai\b|ang\b|oi\b|ong\b|ieu\b)", "d", plain)
    words = []
    for word in re.split(r"[^\w&¢©€@]+", plain):
        if not word:
            continue
        if not word.isdigit():
            word = word.translate(_OCR_IN_WORD)
        words.append(word.replace("w", "u"))
    key = " ".join(words)
    for pattern, replacement in _ABBREVIATIONS:
        key = re.sub(pattern, replacement, key)
    return key


@dataclass(frozen=True)
class UnitCandidate:
    """A unit (or a cohort of units) that a plan may name."""

    code: str
    names: tuple[str, ...]
    is_group: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name_key(n) for n in self.names if n))


@dataclass(frozen=True)
class UnitMention:
    """A span of the text and what it was matched to (``code`` is None when unknown)."""

    text: str
    start: int
    end: int
    code: str | None
    score: float
    is_group: bool = False
    alternatives: tuple[str, ...] = field(default=())


_SPLIT = re.compile(r"\s*(?:;|:|,|\bvà\b|\bva\b|\bvới\b|\bvoi\b)\s*", re.IGNORECASE)


def _spans(text: str) -> list[tuple[int, int]]:
    """Candidate spans: every run of 1–4 consecutive comma/semicolon-separated parts.

    Unit names may themselves contain commas and "và" ("Sở Văn hóa, Thể thao và Du
    lịch"), so joined runs of parts are candidates too; the best non-overlapping
    matches win.
    """
    parts: list[tuple[int, int]] = []
    pos = 0
    for sep in _SPLIT.finditer(text):
        if sep.start() > pos:
            parts.append((pos, sep.start()))
        pos = sep.end()
    if pos < len(text):
        parts.append((pos, len(text)))
    spans = []
    for i in range(len(parts)):
        for j in range(i, min(i + 4, len(parts))):
            spans.append((parts[i][0], parts[j][1]))
    return spans


def _similarity(a: str, b: str) -> float:
    """0–100; 0 unless the keys are within ~1 edit per 8 characters of each other.

    OCR garbles letters in place; it seldom adds whole syllables. A budget of edits
    proportional to length accepts "soe noi vu" for "so noi vu" but refuses
    "so ngoai vu" (a different department, two edits away on a short name).
    """
    distance = Levenshtein.distance(a, b)
    longest = max(len(a), len(b))
    if distance > max(1, round(longest * 0.12)):
        return 0.0
    return 100.0 * (1 - distance / longest)


def match_units(text: str, candidates: Sequence[UnitCandidate], *, threshold: float = 80.0) -> list[UnitMention]:
    """Find the units named in ``text`` (a heading such as "2. Sở Nội vụ").

    Returns mentions in text order. Spans that look like a unit name (start with
    "Sở", "Ban", "UBND", "Văn phòng", "Đài", "Báo", "Cổng", "Thanh tra", "Các") but
    match nothing above ``threshold`` come back with ``code=None`` so the caller can
    report them. Ties between candidates are listed in ``alternatives``.
    """
    indexed = [(cand, key) for cand in candidates for key in cand.keys]
    scored: list[tuple[float, int, int, UnitCandidate, tuple[str, ...]]] = []
    for start, end in _spans(text):
        span_key = name_key(text[start:end])
        if not span_key:
            continue
        results = sorted(
            ((_similarity(span_key, key), cand) for cand, key in indexed),
            key=lambda item: (-item[0], item[1].code),
        )
        if results and results[0][0] >= threshold:
            best_score, best = results[0]
            alternatives = tuple(c.code for s, c in results[1:4] if s == best_score and c.code != best.code)
            scored.append((best_score, start, end, best, alternatives))
    # Greedy: highest score first, longer span on ties; no overlaps.
    scored.sort(key=lambda item: (-item[0], -(item[2] - item[1]), item[1]))
    taken: list[UnitMention] = []
    for score, start, end, cand, alternatives in scored:
        if any(start < m.end and m.start < end for m in taken):
            continue
        if any(m.code == cand.code for m in taken):
            continue
        taken.append(UnitMention(text[start:end], start, end, cand.code, score, cand.is_group, alternatives))
    known_keys = [key for _, key in indexed]
    taken.extend(m for m in _unknown_mentions(text, taken) if not any(name_key(m.text) in k for k in known_keys))
    return sorted(taken, key=lambda m: m.start)


_UNIT_WORDS = re.compile(
    r"^(?:sở|so|ban|ubnd|ủy ban|uy ban|văn phòng|van phong|đài|dai|báo|bao|cổng|cong"
    r"|thanh tra|các|cac|trung tâm|trung tam)\b",
    re.IGNORECASE,
)


def _unknown_mentions(text: str, found: Iterable[UnitMention]) -> list[UnitMention]:
    found = list(found)
    unknown: list[UnitMention] = []
    for start, end in _spans(text):
        fragment = text[start:end].strip()
        if any(start < m.end and m.start < end for m in found):
            continue
        if len(fragment.split()) < 2:
            continue  # a lone "ban" or "sở" inside a list is a word, not a unit name
        if _UNIT_WORDS.match(_strip_marks(fragment).lower()) or _UNIT_WORDS.match(fragment):
            if any(start < u.end and u.start < end for u in unknown):
                continue
            unknown.append(UnitMention(fragment, start, end, None, 0.0))
    return unknown


def match_unit_prefixes(
    text: str, candidates: Sequence[UnitCandidate], *, threshold: float = 80.0
) -> list[UnitMention]:
    """The list of units that ``text`` starts with.

    For running prose such as "phối hợp với Sở Tư pháp, Sở Tài chính hướng dẫn…": each
    comma/"và" separated part is compared, by its first words, with every unit name of
    the same length in words; the best match per part wins. The list ends at the first
    part that names no unit (prose follows), so a unit named later in the sentence is
    not taken for a partner; nothing is reported unknown here.
    """
    indexed = [(cand, key, len(key.split())) for cand in candidates for key in cand.keys]
    mentions: list[UnitMention] = []
    pos = 0
    parts: list[tuple[int, int]] = []
    for sep in _SPLIT.finditer(text):
        parts.append((pos, sep.start()))
        pos = sep.end()
    parts.append((pos, len(text)))
    for start, end in parts:
        words = list(re.finditer(r"\S+", text[start:end]))
        if not words:
            break
        best: tuple[float, int, UnitCandidate] | None = None
        for cand, key, n in indexed:
            if n > len(words):
                continue
            stop = start + words[n - 1].end()
            score = _similarity(name_key(text[start + words[0].start() : stop]), key)
            if score >= threshold and (best is None or (score, stop - start) > (best[0], best[1] - start)):
                best = (score, stop, cand)
        if best is None:
            break
        score, stop, cand = best
        first = start + words[0].start()
        mentions.append(UnitMention(text[first:stop], first, stop, cand.code, score, cand.is_group))
        if stop < start + words[-1].end():
            break  # the part goes on after the name: the list has ended
    return mentions
