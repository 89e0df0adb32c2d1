"""Deterministic OCR-damage generator imitating the seed's scan (for evaluation only).

Written by hand from the kinds of damage seen in the seed, independently of the
restorer's channel model (which is *learnt* from aligned pairs): most tone marks are
lost, vowels with a modifier are rendered as their plain letter or as look-alikes
(``ô`` → ``6``/``d``/``é``, ``ơ`` → ``d``/``é``/``w``, ``ư`` → ``ir``/``tr``/``y``/``w``,
``â``/``ă`` → ``i``/``d``), ``đ`` → ``d`` (a capital ``Đ`` often → ``P``), an initial ``l``
sometimes → ``1``, a final ``c`` sometimes → ``e``, and a ``c)`` list marker → ``¢)``.
Only letters inside words change, so the line structure, punctuation, numbers and codes
of the input are kept. The same ``seed`` always yields the same output.
"""

from __future__ import annotations

import random
import re
import unicodedata

from .syllables import CHAR_TONE, TONED, char_features
from .tokenize import Kind, tokenize

# Renderings of a vowel letter (toneless form) when OCR keeps none of its marks right.
_WEIGHTED = dict[str, list[tuple[str, float]]]
_MODIFIED: _WEIGHTED = {
    "ê": [("e", 0.34), ("é", 0.6), ("¢", 0.03), ("€", 0.03)],
    "ô": [("o", 0.55), ("6", 0.12), ("é", 0.14), ("d", 0.1), ("b", 0.04), ("0", 0.02), ("ó", 0.03)],
    "ơ": [("o", 0.55), ("é", 0.15), ("d", 0.13), ("6", 0.05), ("w", 0.04), ("g", 0.05), ("&", 0.03)],
    "ư": [("u", 0.56), ("ir", 0.12), ("y", 0.1), ("w", 0.05), ("tr", 0.06), ("t", 0.04), ("i", 0.05), ("ti", 0.02)],
    "â": [("a", 0.58), ("i", 0.15), ("é", 0.13), ("d", 0.12), ("4", 0.02)],
    "ă": [("a", 0.68), ("i", 0.26), ("d", 0.06)],
}
_TONED_PLAIN: _WEIGHTED = {
    "a": [("a", 0.87), ("d", 0.05), ("4", 0.03), ("é", 0.05)],
    "o": [("o", 0.84), ("6", 0.05), ("d", 0.05), ("é", 0.06)],
    "u": [("u", 0.8), ("ti", 0.06), ("i", 0.06), ("y", 0.05), ("t", 0.03)],
    "e": [("e", 0.55), ("é", 0.45)],
    "i": [("i", 0.98), ("1", 0.02)],
    "y": [("y", 0.97), ("¥", 0.03)],
}


def _pick(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    r = rng.random()
    acc = 0.0
    for value, weight in choices:
        acc += weight
        if r < acc:
            return value
    return choices[-1][0]


def damage_word(word: str, rng: random.Random) -> str:
    """Damage one word (any case); non-Vietnamese letters pass through."""
    caps = len(word) >= 2 and word.isupper()
    out: list[str] = []
    low = unicodedata.normalize("NFC", word).lower()
    for i, (orig, c) in enumerate(zip(unicodedata.normalize("NFC", word), low, strict=True)):
        upper = orig.isupper()
        if c == "đ":
            piece = "P" if upper and i == 0 and rng.random() < 0.6 else "d"
        elif c in CHAR_TONE:
            toneless, tone = CHAR_TONE[c]
            base, mod, _ = char_features(c)
            if caps:
                piece = base  # headings lose every mark
            elif mod is not None and toneless in _MODIFIED:
                piece = _pick(rng, _MODIFIED[toneless])
            elif tone and base in _TONED_PLAIN:
                piece = _pick(rng, _TONED_PLAIN[base])
            elif rng.random() < 0.01:
                piece = TONED[(toneless, 4)]
            else:
                piece = toneless
        elif c == "l" and i == 0 and rng.random() < 0.12:
            piece = "1"
        elif c == "c" and i == len(low) - 1 and i > 0 and rng.random() < 0.04:
            piece = "e"
        else:
            piece = c
        if upper and piece.isalpha():
            piece = piece.upper()
        out.append(piece)
    return "".join(out)


def damage_text(text: str, *, seed: int) -> str:
    """Return an OCR-damaged copy of ``text``, with the same lines and non-word characters."""
    rng = random.Random(seed)  # noqa: S311 - reproducible damage, not security
    out: list[str] = []
    pos = 0
    for tok in tokenize(text):
        out.append(text[pos : tok.start])
        value = tok.text
        if tok.kind is Kind.WORD and not any(ch.isdigit() for ch in value):
            line_start = text.rfind("\n", 0, tok.start) + 1
            is_marker = text[line_start : tok.start].strip() == "" and text[tok.end : tok.end + 1] == ")"
            if is_marker and value in ("c", "đ"):
                value = "¢" if value == "c" and rng.random() < 0.6 else value.replace("đ", "d")
            elif len(value) >= 2 and re.fullmatch(r"[A-ZĐ]+", value) and "Đ" not in value:
                pass  # acronyms (UBND, TTHC) come through the scan unchanged
            else:
                value = damage_word(value, rng)
        elif tok.kind is Kind.CODE:
            value = value.replace("Đ", "D")
        out.append(value)
        pos = tok.end
    out.append(text[pos:])
    return "".join(out)
