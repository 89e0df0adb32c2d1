"""Resolving cross-references inside a plan ("điểm c khoản 8 mục II" → II.8.c).

Vietnamese legal drafting cites from the smallest unit up: điểm (lettered item),
khoản (numbered item), mục (roman section); "Điều" and "Phần" work the same way.
The text may be OCR-damaged, so matching runs on the accent-free key of
``matching.name_key``; a letter "d" that could be "đ" is resolved against the paths
that exist.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass

from cchc.documents.matching import _strip_marks

_LETTER_LIST = r"[a-z](?:\s*(?:,|va|và)\s*[a-z])*"
_REFERENCE = re.compile(
    rf"\b(?:diem\s+(?P<letters>{_LETTER_LIST})\s+)?khoan\s+(?P<item>\d+)\s+(?:cua\s+)?muc\s+(?P<roman>[ivxl]+)\b"
    rf"|\bdiem\s+(?P<letters2>{_LETTER_LIST})\s+muc\s+(?P<roman2>[ivxl]+)\.(?P<item2>\d+)\b",
)


@dataclass(frozen=True)
class Reference:
    """One cited path and where the citation stands in the source text."""

    text: str
    start: int
    end: int
    path: str
    resolved: bool


def _key_preserving_offsets(text: str) -> str:
    """Lower-case, accent-free text with the same length as ``text``."""
    out = []
    for ch in text:
        plain = _strip_marks(ch).lower()
        out.append(plain[:1] if plain else " ")
    return "".join(out)


def find_references(text: str, known_paths: Collection[str]) -> list[Reference]:
    """Every "điểm … khoản … mục …" citation in ``text`` with the path it names.

    "điểm b, d khoản 8 mục II" yields II.8.b and II.8.d. ``resolved`` says whether
    the path exists in ``known_paths``; for a letter written "d" the path with "đ"
    is used when only that one exists (OCR often loses the stroke).
    """
    key = _key_preserving_offsets(text)
    refs: list[Reference] = []
    for match in _REFERENCE.finditer(key):
        roman = (match.group("roman") or match.group("roman2")).upper()
        item = match.group("item") or match.group("item2")
        letters_raw = match.group("letters") or match.group("letters2")
        base = f"{roman}.{item}"
        if not letters_raw:
            refs.append(
                Reference(text[match.start() : match.end()], match.start(), match.end(), base, base in known_paths)
            )
            continue
        # Offsets of each letter in the original text tell whether it was written "đ".
        offset = match.start("letters") if match.group("letters") else match.start("letters2")
        for letter_match in re.finditer(r"(?:^|,|\bva\b)\s*([a-z])\b", letters_raw):
            original = text[offset + letter_match.start(1)]
            letter = "đ" if original in "đĐ" else letter_match.group(1)
            path = f"{base}.{letter}"
            if path not in known_paths and letter == "d" and f"{base}.đ" in known_paths:
                path = f"{base}.đ"
            refs.append(
                Reference(text[match.start() : match.end()], match.start(), match.end(), path, path in known_paths)
            )
    return refs
