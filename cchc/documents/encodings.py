"""Decode the bytes of a Vietnamese plain-text file into NFC Unicode.

Provinces still circulate text saved in five encodings: UTF-8, UTF-16, Windows-1258
(whose tone marks are *combining* characters) and the two legacy 8-bit font encodings
of the 1990s, TCVN3 (the "ABC" fonts, .VnTime) and VNI-Windows. A legacy file has no
marker, and every 8-bit encoding decodes any byte string, so the decoder tries each
candidate and keeps the one whose words look most like Vietnamese syllables.

The same scoring repairs the other common accident: legacy text that was pasted into a
Unicode file as its Windows-1252 look-alike glyphs ("ViÖt Nam", "Vieät Nam").

Everything here is a pure function over ``bytes``/``str``; nothing touches Django.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Decoded",
    "decode_bytes",
    "decode_tcvn3",
    "decode_vni",
    "encode_cp1258",
    "encode_tcvn3",
    "encode_vni",
    "looks_binary",
    "vietnamese_score",
]

# --------------------------------------------------------------------------- TCVN3

# TCVN 5712:1993 "VN3", the byte layout of the ABC fonts (.VnTime, .VnArial …).
# Only lower-case letters carry tones: upper-case text was typed in lower case and
# shown with the ".VnTimeH" font, so converted text comes out in lower case there.
_TCVN3_TO_UNICODE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_UNICODE_TO_TCVN3: dict[str, int] = {char: byte for byte, char in _TCVN3_TO_UNICODE.items()}


def _cp1252_char(byte: int) -> str:
    """The Windows-1252 glyph of one byte (Latin-1 where 1252 leaves a hole)."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def decode_tcvn3(data: bytes) -> str:
    """Decode TCVN3 (ABC) bytes; bytes outside the table read as Windows-1252."""
    return unicodedata.normalize("NFC", "".join(_TCVN3_TO_UNICODE.get(b) or _cp1252_char(b) for b in data))


def encode_tcvn3(text: str) -> bytes:
    """Encode Unicode text as TCVN3 (ABC); upper-case toned letters fall back to lower case.

    Raises ``UnicodeEncodeError`` for characters TCVN3 cannot hold at all.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in _UNICODE_TO_TCVN3:
            out.append(_UNICODE_TO_TCVN3[char])
        elif char.lower() in _UNICODE_TO_TCVN3 and not char.isascii():
            out.append(_UNICODE_TO_TCVN3[char.lower()])
        else:
            out += char.encode("cp1252")
    return bytes(out)


# --------------------------------------------------------------------------- VNI

# VNI-Windows writes a toned vowel as the base letter followed by one or two "mark"
# bytes (shown as Windows-1252 glyphs); ơ, ư, đ and the toned i, ỵ are single bytes.
# The table is built from these rules rather than typed out, and checked in the tests
# against strings read off real VNI documents ("Vieät Nam", "nhaân daân").
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_VNI_TONE = ("", "ù", "ø", "û", "õ", "ï")  # marks after a, e, o, u, y, ơ, ư
_VNI_CIRCUMFLEX = ("â", "á", "à", "å", "ã", "ä")  # â ê ô: the mark also says the tone
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")  # ă
_VNI_I = ("i", "í", "ì", "æ", "ó", "ò")


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}

    def add(base: str, marks: tuple[str, ...], vni_base: str) -> None:
        for tone, mark in zip(_TONES, marks, strict=True):
            lower = unicodedata.normalize("NFC", base + tone)
            table[lower] = vni_base + mark
            table[lower.upper()] = (vni_base + mark).upper()

    for vowel in "aeouy":
        add(vowel, _VNI_TONE, vowel)
    add("ơ", _VNI_TONE, "ô")
    add("ư", _VNI_TONE, "ö")
    for vowel, circumflexed in (("a", "â"), ("e", "ê"), ("o", "ô")):
        add(circumflexed, _VNI_CIRCUMFLEX, vowel)
    add("ă", _VNI_BREVE, "a")
    for tone, glyph in zip(_TONES, _VNI_I, strict=True):
        lower = unicodedata.normalize("NFC", "i" + tone)
        table[lower] = glyph
        table[lower.upper()] = glyph.upper()
    table["ỵ"], table["Ỵ"] = "î", "Î"  # VNI keeps one byte for y with dot below
    # Plain ASCII vowels map to themselves: drop them so the table holds only real codes.
    return {uni: vni for uni, vni in table.items() if uni != vni}


_UNICODE_TO_VNI: dict[str, str] = _build_vni()
_VNI_TO_UNICODE: dict[str, str] = {vni: uni for uni, vni in _UNICODE_TO_VNI.items()}
_VNI_LONGEST = max(len(code) for code in _VNI_TO_UNICODE)


def decode_vni(data: bytes) -> str:
    """Decode VNI-Windows bytes (read as Windows-1252 glyphs) into NFC Unicode."""
    return _vni_glyphs_to_unicode("".join(_cp1252_char(b) for b in data))


def _vni_glyphs_to_unicode(glyphs: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glyphs):
        for size in range(_VNI_LONGEST, 0, -1):
            chunk = glyphs[i : i + size]
            if len(chunk) == size and chunk in _VNI_TO_UNICODE:
                out.append(_VNI_TO_UNICODE[chunk])
                i += size
                break
        else:
            out.append(glyphs[i])
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


def encode_vni(text: str) -> bytes:
    """Encode Unicode text as VNI-Windows bytes (used to make test samples)."""
    glyphs = "".join(_UNICODE_TO_VNI.get(char, char) for char in unicodedata.normalize("NFC", text))
    return glyphs.encode("cp1252")


# --------------------------------------------------------------------------- scoring

_TONE_MARKS = frozenset(_TONES[1:])
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
# Vowel groups a syllable can hold (nucleus plus a final i/y/o/u glide), longest first.
_VOWEL_GROUPS = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ "
    "uy ưa ưi ưu ươ yê iêu yêu oai oay oeo uây uôi ươi ươu uya uyê uyu"
)
_VOWELS = sorted(_VOWEL_GROUPS.split(" "), key=len, reverse=True)
_SYLLABLE = re.compile(rf"{_ONSET}(?:{'|'.join(_VOWELS)})(?:ch|ng|nh|[cmnpt])?")
_EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?…-–—/*"


def _is_syllable(token: str) -> bool:
    """True when ``token`` is shaped like one Vietnamese syllable (at most one tone)."""
    if not (token.islower() or token.isupper() or token.istitle()):
        return False  # "ViƯt": a mis-decoded capital inside a word
    decomposed = unicodedata.normalize("NFD", token.lower())
    if sum(1 for c in decomposed if c in _TONE_MARKS) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


def vietnamese_score(text: str, *, sample: int = 4000) -> float:
    """Share of the first ``sample`` words that are valid Vietnamese syllables (0–1).

    Words are split on whitespace only, so a mis-decoded glyph inside a word (the "©" of
    "nh©n") spoils the whole word instead of being skipped as punctuation. Words without
    letters (numbers, dates) do not count.
    """
    total = valid = 0
    for raw in text.split():
        word = raw.strip(_EDGE_PUNCT)
        if not any(c.isalpha() for c in word):
            continue
        total += 1
        valid += _is_syllable(word)
        if total >= sample:
            break
    return valid / total if total else 0.0


def encode_cp1258(text: str) -> bytes:
    """Encode Unicode text as Windows-1258 the way Windows does: the precomposed letters
    the code page has, otherwise the base letter followed by a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in _TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
            out += (base + tones).encode("cp1258")
    return bytes(out)


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True, slots=True)
class Decoded:
    """The result of :func:`decode_bytes`: NFC text and the encoding it was read as."""

    text: str
    encoding: str
    score: float


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B}


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-16 from where the zero bytes fall (most Vietnamese text is ASCII-heavy)."""
    head = data[:8192]
    if len(head) < 4:
        return None
    head = head[: len(head) - len(head) % 2]
    pairs = len(head) // 2
    even_zero = sum(1 for i in range(0, len(head), 2) if head[i] == 0)
    odd_zero = sum(1 for i in range(1, len(head), 2) if head[i] == 0)
    if odd_zero >= 0.3 * pairs and even_zero <= 0.05 * pairs:
        return "utf-16-le"
    if even_zero >= 0.3 * pairs and odd_zero <= 0.05 * pairs:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True for data that is no text file in any encoding this module reads."""
    if any(data.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(data):
        return False
    head = data[:65536]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL_BYTES)
    return controls > max(2, len(head) // 50)


def _legacy_candidates(data: bytes) -> list[tuple[str, str]]:
    candidates: list[tuple[str, str]] = []
    with contextlib.suppress(UnicodeDecodeError):  # cp1258 leaves a few bytes undefined
        candidates.append(("windows-1258", unicodedata.normalize("NFC", data.decode("cp1258"))))
    candidates.append(("vni", decode_vni(data)))
    candidates.append(("tcvn3", decode_tcvn3(data)))
    return candidates


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes into NFC Unicode, guessing the encoding.

    Order: a byte-order mark wins; then strict UTF-8; then UTF-16 recognised by its zero
    bytes; otherwise the best-scoring of Windows-1258, VNI and TCVN3 (ties keep that
    order). Valid UTF-8 that reads better as legacy glyphs is converted too and reported
    as ``"utf-8+tcvn3"`` / ``"utf-8+vni"``. Never raises: undecodable bytes become U+FFFD
    and the caller judges the score.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = unicodedata.normalize("NFC", data.decode(codec, errors="replace").lstrip("\ufeff"))
            return Decoded(text, codec.removesuffix("-sig"), vietnamese_score(text))
    try:
        text = unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    else:
        return _maybe_legacy_glyphs(text)
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            text = unicodedata.normalize("NFC", data.decode(utf16))
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(text, utf16, vietnamese_score(text))
    scored = [Decoded(text, name, vietnamese_score(text)) for name, text in _legacy_candidates(data)]
    # max() keeps the first of equal scores, so the candidate order breaks ties.
    return max(scored, key=lambda decoded: decoded.score)


def _maybe_legacy_glyphs(text: str) -> Decoded:
    """Convert UTF-8 text that holds TCVN3/VNI glyphs ("ViÖt Nam") when that reads better."""
    score = vietnamese_score(text)
    plain = Decoded(text, "utf-8", score)
    if text.isascii() or score >= 0.9:
        return plain
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        return plain
    best = plain
    for name, candidate in (("utf-8+vni", decode_vni(raw)), ("utf-8+tcvn3", decode_tcvn3(raw))):
        candidate_score = vietnamese_score(candidate)
        # Demand a clear gain: ordinary French or English text must stay as it is.
        if candidate_score > best.score + 0.15:
            best = Decoded(candidate, name, candidate_score)
    return best
