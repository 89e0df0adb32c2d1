"""Split text into word tokens, protected tokens (numbers, codes, URLs) and the text between.

Every character of the input belongs either to a token or to the gap before the next
token, so joining ``gap + token`` for all tokens plus the tail reproduces the input
byte for byte. Tokens are found on the original string (not a normalised copy) so that
text the restorer leaves alone comes back exactly as it was written.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# Characters that OCR produces inside words ("c¢6", "s&", "nhi€ém", "k¥", "k§y", "$6").
OCR_JUNK = "¢€&§¥£©®$"
_LETTER = r"[^\W\d_]|[\u0300-\u036f]"
_WORDCHAR = rf"(?:{_LETTER}|\d|[{re.escape(OCR_JUNK)}])"

_URL = r"(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# A code: segments starting with a digit or a capital, joined by / - – & (76/NQ-CP,
# 45/2020/NĐ-CP, KH&ĐT, CT-TTg, 25/10/2017), optionally ending in a hyphen when the code
# is broken across lines ("117/2013/NĐ-" + newline + "CP").
_SEG = r"[0-9A-ZĐ][0-9A-Za-zĐđ]*"
_CODE = rf"{_SEG}(?:[/\-–&]{_SEG})+-?|\d+-(?=[ \t]*\n)"
_NUMBER = r"\d+(?:[.,]\d+)*"
_WORD = rf"{_WORDCHAR}+(?:\){_WORDCHAR}+)*"

_TOKEN_RE = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})"
    rf"|(?<![\w\u0300-\u036f])(?P<code>{_CODE})(?![\w\u0300-\u036f{re.escape(OCR_JUNK)}])"
    rf"|(?<![\w\u0300-\u036f])(?P<number>{_NUMBER})(?![\w\u0300-\u036f{re.escape(OCR_JUNK)}])"
    rf"|(?P<word>{_WORD})"
)
# Punctuation that ends the n-gram context (a sentence, clause or bracket boundary).
BOUNDARY_CHARS = frozenset('.;:!?()[]"“”…')
_BLANK_LINE_RE = re.compile(r"\n[ \t\f\v\r]*\n")
_CODE_LIKE_RE = re.compile(r"[A-ZĐ]{2,}|\d")


class Kind(enum.Enum):
    WORD = "word"
    NUMBER = "number"
    CODE = "code"
    URL = "url"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the input: ``text == source[start:end]``.

    ``boundary`` is true when the gap before the token ends the previous sentence or
    paragraph (strong punctuation or a blank line), so the n-gram context restarts.
    """

    start: int
    end: int
    text: str
    kind: Kind
    boundary: bool


def tokenize(text: str) -> list[Token]:
    """Tokenise ``text``; the tokens are ordered and do not overlap."""
    tokens: list[Token] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        group = m.lastgroup
        value = m.group()
        if group == "code" and not _CODE_LIKE_RE.search(value):
            # "Rịa-Vũng" style joined words are words, not codes.
            group = "word"
        kind = {
            "url": Kind.URL,
            "email": Kind.URL,
            "code": Kind.CODE,
            "number": Kind.NUMBER,
        }.get(group or "word", Kind.WORD)
        gap = text[pos : m.start()]
        boundary = not tokens or any(c in BOUNDARY_CHARS for c in gap) or bool(_BLANK_LINE_RE.search(gap))
        if group == "code" and kind is Kind.WORD:
            # Split a code-shaped match of plain words at its joiners.
            for sub in re.finditer(_WORD, value):
                s = m.start() + sub.start()
                sub_gap = text[pos:s]
                b = not tokens or any(c in BOUNDARY_CHARS for c in sub_gap) or bool(_BLANK_LINE_RE.search(sub_gap))
                tokens.append(Token(s, s + len(sub.group()), sub.group(), Kind.WORD, b))
                pos = s + len(sub.group())
            pos = m.end()
            continue
        tokens.append(Token(m.start(), m.end(), value, kind, boundary))
        pos = m.end()
    return tokens


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of ``text`` starts."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts
