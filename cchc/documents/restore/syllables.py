"""Vietnamese orthography: letters, tones, syllable structure.

Pure functions over lowercase NFC strings. A syllable is written as
onset + rime, with at most one tone mark placed on a vowel of the rime. This module
knows which onset/rime/tone combinations are valid, where the tone mark goes (one
canonical convention, see :func:`place_tone`), and how to reduce a syllable to its
*skeleton*: the ASCII letters that remain when every mark is removed (``đ`` → ``d``).
The skeleton is the key the OCR channel uses to look up candidate syllables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Tone indices: 0 level, 1 huyền (grave), 2 hỏi (hook), 3 ngã (tilde), 4 sắc (acute), 5 nặng (dot).
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
STOP_TONES = (4, 5)  # syllables closed by p, t, c, ch take only sắc or nặng

VOWELS = "aăâeêioôơuưy"
_VOWEL_BASE = {"a": "a", "ă": "a", "â": "a", "e": "e", "ê": "e", "i": "i", "o": "o", "ô": "o", "ơ": "o"}
_VOWEL_BASE.update({"u": "u", "ư": "u", "y": "y"})
# Modifier of a vowel letter: breve, circumflex, horn (None for a plain vowel).
_VOWEL_MOD = {"ă": "breve", "â": "circ", "ê": "circ", "ô": "circ", "ơ": "horn", "ư": "horn"}

# char -> (toneless vowel letter, tone) for every toned/untoned vowel, upper and lower case.
CHAR_TONE: dict[str, tuple[str, int]] = {}
# (toneless vowel letter, tone) -> char
TONED: dict[tuple[str, int], str] = {}
for _v in VOWELS:
    for _t, _m in enumerate(TONE_MARKS):
        _c = unicodedata.normalize("NFC", _v + _m)
        CHAR_TONE[_c] = (_v, _t)
        TONED[(_v, _t)] = _c

VIETNAMESE_LOWER = frozenset(CHAR_TONE) | frozenset("bcdđghklmnpqrstvx")
ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")

ONSETS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
# Onsets used to *generate* unattested syllables ("p" occurs only in loanwords).
GENERATED_ONSETS = tuple(o for o in ONSETS if o != "p")

_RIME_TEXT = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu êng
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oe oen oeo oet ooc oong
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uy uya uych uyên uyêt uyn uynh uyp uyt uyu uân uâng uât uây uê uênh uêch
uơ uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
"""
RIMES = frozenset(_RIME_TEXT.split())
CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "i", "o", "u", "y")
STOP_CODAS = ("ch", "c", "p", "t")


def strip_tone_char(c: str) -> tuple[str, int]:
    """Split one lowercase char into (toneless char, tone); non-vowels have tone 0."""
    return CHAR_TONE.get(c, (c, 0))


_SKELETON_TABLE = {ord(c): _VOWEL_BASE[v[0]] for c, v in CHAR_TONE.items() if c.islower()}
_SKELETON_TABLE[ord("đ")] = "d"


def skeleton(text: str) -> str:
    """ASCII letters of a lowercase string: every mark removed, ``đ`` → ``d``."""
    return text.translate(_SKELETON_TABLE)


def base_letter(c: str) -> str:
    """The skeleton letter of one lowercase char (``ớ`` → ``o``, ``đ`` → ``d``)."""
    v = CHAR_TONE.get(c)
    if v is not None:
        return _VOWEL_BASE[v[0]]
    return "d" if c == "đ" else c


def char_features(c: str) -> tuple[str, str | None, int]:
    """(skeleton letter, vowel modifier or ``"stroke"`` for đ, tone) of one lowercase char."""
    v = CHAR_TONE.get(c)
    if v is not None:
        return _VOWEL_BASE[v[0]], _VOWEL_MOD.get(v[0]), v[1]
    if c == "đ":
        return "d", "stroke", 0
    return c, None, 0


def split_tone(syllable: str) -> tuple[str, int, int] | None:
    """Return (toneless spelling, tone, index of the toned char) or None if two tones."""
    tone, pos = 0, -1
    chars = []
    for i, c in enumerate(syllable):
        base, t = CHAR_TONE.get(c, (c, 0))
        if t:
            if tone:
                return None
            tone, pos = t, i
        chars.append(base)
    return "".join(chars), tone, pos


def _split_onset(toneless: str) -> tuple[str, str] | None:
    for onset in ONSETS:
        if not toneless.startswith(onset):
            continue
        rime = toneless[len(onset) :]
        if onset == "gi" and (not rime or rime[0] not in VOWELS or rime[0] == "i"):
            # "gì", "gìn" are g + i…: the i is the vowel, not part of the onset.
            return "g", toneless[1:]
        if onset == "qu" and (not rime or rime[0] in "uo"):
            continue
        if rime and rime[0] not in VOWELS:
            continue
        return onset, rime
    return None


def _rime_ok(onset: str, rime: str) -> bool:
    if onset == "qu":
        # After qu the written rime drops the u glide: qua (ua), quân (uân), quỳnh (uynh).
        return ("u" + rime) in RIMES or (rime in RIMES and rime[0] != "y")
    return rime in RIMES


@lru_cache(maxsize=131072)
def parse(syllable: str) -> tuple[str, str, int] | None:
    """Parse a lowercase syllable into (onset, toneless rime, tone), or None if invalid.

    The tone mark may sit on any vowel of the rime (both the "hóa" and the "hoá"
    placements parse); spelling rules for k/gh/ngh and stop codas are enforced.
    """
    parts = split_tone(syllable)
    if parts is None:
        return None
    toneless, tone, _ = parts
    split = _split_onset(toneless)
    if split is None:
        return None
    onset, rime = split
    if not _rime_ok(onset, rime):
        return None
    if rime.endswith(STOP_CODAS) and tone not in STOP_TONES:
        return None
    front = rime[0] in "eêi" or rime.startswith(("iê", "ia"))
    if onset in ("k", "gh", "ngh") and not (front or (onset == "k" and rime[0] == "y")):
        return None
    if onset in ("c", "ng") and rime[0] in "eêi":
        return None
    if onset == "g" and rime[0] in "eê":
        return None
    return onset, rime, tone


def is_valid(syllable: str) -> bool:
    """True when ``syllable`` (lowercase NFC) is a well-formed Vietnamese syllable."""
    return parse(syllable) is not None


def _tone_index(onset: str, rime: str) -> int:
    """Index in ``rime`` of the vowel that carries the tone (the "hóa, thủy" convention)."""
    vowels = [i for i, c in enumerate(rime) if c in VOWELS]
    nucleus_end = vowels[-1] + 1
    coda = rime[nucleus_end:]
    cluster = rime[:nucleus_end]
    # A vowel with a modifier takes the tone; in ươ/uô/iê/yê the second one does.
    marked = [i for i, c in enumerate(cluster) if c in _VOWEL_MOD]
    if marked:
        return marked[-1]
    if len(cluster) == 1:
        return 0
    if coda:
        return len(cluster) - 1
    if len(cluster) == 3:
        return 1
    # Open two-vowel rimes: tone on the first vowel (hóa, thủy, mùa, tài, khỏe).
    return 0


def place_tone(onset: str, rime: str, tone: int) -> str:
    """Spell onset + rime with ``tone`` placed by the canonical convention."""
    if not tone:
        return onset + rime
    i = _tone_index(onset, rime)
    return onset + rime[:i] + TONED[(rime[i], tone)] + rime[i + 1 :]


@lru_cache(maxsize=65536)
def canonical(syllable: str) -> str:
    """Re-place the tone of a valid lowercase syllable by the canonical convention.

    Invalid input is returned unchanged. ``hoá`` → ``hóa``, ``thuỷ`` → ``thủy``.
    """
    parsed = parse(syllable)
    if parsed is None:
        return syllable
    onset, rime, tone = parsed
    return place_tone(onset, rime, tone)


def canonical_word(word: str) -> str:
    """Case-insensitive canonical form used when comparing words (lowercase NFC)."""
    low = unicodedata.normalize("NFC", word).lower()
    return canonical(low)


def generate_syllables() -> Iterator[str]:
    """Yield every valid syllable that the onset × rime × tone rules allow, canonical spelling."""
    qu_rimes = {r[1:] for r in RIMES if r.startswith("uy")} | {r for r in RIMES if r[0] not in "uoy"}
    seen: set[str] = set()
    for onset in GENERATED_ONSETS:
        rimes = sorted(qu_rimes) if onset == "qu" else sorted(RIMES)
        if onset == "g":
            rimes = [r for r in rimes if r[0] not in "eê"] + ["i", "in", "inh", "ip", "it", "iu", "im"]
        for rime in rimes:
            tones = STOP_TONES if rime.endswith(STOP_CODAS) else range(6)
            for tone in tones:
                s = place_tone(onset, rime, tone)
                if s not in seen and is_valid(s) and canonical(s) == s:
                    seen.add(s)
                    yield s


def has_vietnamese_mark(word: str) -> bool:
    """True when a lowercase word carries any Vietnamese letter outside ASCII."""
    return any(c not in ASCII_LOWER for c in word if c.isalpha())
