"""Restore Vietnamese text: put back diacritics and repair OCR letter confusions.

``restore_text(text)`` keeps every character that is not part of a word (spaces, line
breaks, punctuation), numbers, dates, codes and URLs exactly; only word tokens are
replaced. Each word gets a confidence in [0, 1].

Decisions per word token:

* list markers at the start of a line are fixed by the Vietnamese letter sequence
  (``¢)`` → ``c)``; a second ``d)`` → ``đ)``); ``I11.`` headings → ``III.``;
* capital acronyms stay as written, except the D → Đ repairs learnt from the corpus
  (``HDND`` → ``HĐND``; inside codes ``ND`` → ``NĐ``);
* in a paragraph that already reads as correct Vietnamese (few invalid syllables, most
  words marked) every well-formed word is kept byte for byte;
* every other word gets candidates from the OCR channel and the sentence is decoded
  with the trigram LM.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .decoder import Slot, confidences, decode
from .model import RestorerModel, get_model
from .syllables import canonical, has_vietnamese_mark, is_valid, skeleton
from .tokenize import OCR_JUNK, Kind, Token, tokenize

_MARKER_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_OCR_RE = re.compile(r"^[IVX]*[I1l][IVX1l]*$")
_ROMAN_RE = re.compile(r"^(?=[IVXLC]+$)M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_CODE_PART_RE = re.compile(r"([/\-–&.])")
_LETTER_RE = re.compile(r"[^\W\d_]")
_OCR_DIGIT_RE = re.compile(r"^[BSTCDVX]\d$")  # B9 (Bộ), S6 (Số): a capital and a look-alike digit
_SCAN_ONLY = frozenset("¢€")  # characters no typed Vietnamese text contains
_UNIT_RE = re.compile(r"^(?:[kcdm]?m[23]|[A-Z]{1,3}\d{1,3}[A-Z]?\d*)$")  # m2, km2, A4, QH15, H5N1


@dataclass(frozen=True)
class DecoderParams:
    """Weights of the decoder (costs in nats). Defaults are tuned on the seed's tuning lines."""

    lm_weight: float = 1.3
    channel_weight: float = 1.0
    unk_penalty: float = 12.0  # extra cost of a syllable the LM has never seen
    keep_invalid: float = 9.0  # keeping a lowercase non-syllable (e.g. a foreign word)
    keep_garbled: float = 14.0  # keeping a word with digits or OCR junk inside
    caps_change: float = 4.0  # changing a capital token outside a heading
    max_candidates: int = 24
    prior_weight: float = 1.0  # weight of the unigram cost when shortlisting candidates
    beam: int = 8
    option_margin: float = 10.0  # options costlier than the best by more than this are dropped
    margin: float = 10.0
    short_line: int = 40  # a line shorter than this ends its paragraph


DEFAULT_PARAMS = DecoderParams()


@dataclass(frozen=True)
class RestoredWord:
    """One word token of the input and what the restorer made of it."""

    start: int
    end: int
    original: str
    restored: str
    confidence: float

    @property
    def changed(self) -> bool:
        return self.original != self.restored


@dataclass(frozen=True)
class RestoredText:
    """The restored text and its words (every word token, plus any repaired code), in input order."""

    text: str
    words: list[RestoredWord] = field(default_factory=list)

    def low_confidence(self, threshold: float = 0.9) -> list[RestoredWord]:
        """Words to highlight for review; below 0.9 about four in ten are wrong (docs/text-repair.md)."""
        return [w for w in self.words if w.confidence < threshold]


@dataclass
class _Slot:
    token: Token
    words: list[str | None]  # lowercase syllable per option; None keeps the token as written
    options: list[tuple[int, float]]  # (lm id, cost) per option
    boundary: bool
    heading: bool = False
    fixed: str | None = None  # output of a slot that is not decoded

    def output(self, choice: int) -> str:
        if self.fixed is not None:
            return self.fixed
        word = self.words[choice]
        if word is None:
            return self.token.text
        return apply_case(self.token.text, word, heading=self.heading)


def _fixed(tok: Token, value: str, wid: int, boundary: bool) -> _Slot:
    return _Slot(tok, [None], [(wid, 0.0)], boundary, fixed=value)


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _letters(s: str) -> list[str]:
    return _LETTER_RE.findall(s)


@lru_cache(maxsize=65536)
def _is_caps(s: str) -> bool:
    letters = _letters(s)
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= len(letters) - (len(letters) >= 4)


def apply_case(original: str, restored: str, *, heading: bool) -> str:
    """Give ``restored`` (lowercase) the capitalisation pattern of ``original``."""
    letters = _letters(original)
    if heading and letters:
        return restored.upper()
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return restored.upper() if _nfc(original).lower() == restored else restored[:1].upper() + restored[1:]
    first = original[:1]
    if first == "I" and restored.startswith("l") and original[1:2].islower():
        return restored  # "quan Iy", "Ianh dao": a capital I read for a lowercase l
    if first.isupper():
        return restored[:1].upper() + restored[1:]
    return restored


class Restorer:
    """Restores text with one loaded model; safe to share between threads."""

    def __init__(self, model: RestorerModel, params: DecoderParams = DEFAULT_PARAMS) -> None:
        self.model = model
        self.params = params
        self._cands: dict[str, list[tuple[str, float, int]]] = {}

    # -- candidates ---------------------------------------------------------------

    def candidates(self, form: str) -> list[tuple[str, float, int]]:
        """(syllable, channel cost, LM id) for a lowercase NFC word form, cached per process.

        The channel is nearly flat over tones the scan lost, so candidates are ranked by
        channel cost plus the unigram cost before the list is cut to ``max_candidates``.
        """
        found = self._cands.get(form)
        if found is None:
            lm = self.model.lm
            p = self.params
            ranked = []
            for syl, cost in self.model.search.candidates(form, limit=64):
                wid = lm.id_of(syl)
                prior = p.prior_weight * (-lm.unigram[wid] + (p.unk_penalty if wid == lm.unk else 0.0))
                ranked.append((p.channel_weight * cost + prior, syl, cost, wid))
            ranked.sort()
            found = [(syl, cost, wid) for _, syl, cost, wid in ranked[: p.max_candidates]]
            if len(self._cands) > 200_000:
                self._cands.clear()
            self._cands[form] = found
        return found

    # -- main entry ---------------------------------------------------------------

    def restore(self, text: str) -> RestoredText:
        tokens = tokenize(text)
        if not tokens:
            return RestoredText(text, [])
        lines = _line_index(text, tokens)
        skeletons = self.model.search.by_skeleton
        heading_lines = _heading_lines(tokens, lines, skeletons)
        runs = _caps_runs(text, tokens, skeletons)
        clean = self._clean_paragraphs(text, tokens)
        soft = _soft_boundaries(text, tokens, self.params.short_line)
        markers = _list_markers(text, tokens, clean)

        slots: list[_Slot] = []
        for i, tok in enumerate(tokens):
            heading = lines[i] in heading_lines or i in runs
            at_line_start = text[text.rfind("\n", 0, tok.start) + 1 : tok.start].strip() == ""
            after = text[tok.end : tok.end + 2]
            slots.append(self._slot(tok, heading, clean[i], markers.get(i), soft[i], at_line_start, after))

        chosen: list[int] = [0] * len(slots)
        conf: list[float] = [1.0] * len(slots)
        start = 0
        for end in range(1, len(slots) + 1):
            if end == len(slots) or slots[end].boundary:
                segment = slots[start:end]
                opts: list[Slot] = [s.options for s in segment]
                if any(len(o) > 1 for o in opts):
                    path = decode(
                        self.model.lm, opts, lm_weight=self.params.lm_weight, beam=self.params.beam,
                        margin=self.params.margin,
                    )  # fmt: skip
                    probs = confidences(self.model.lm, opts, path, lm_weight=self.params.lm_weight)
                    for k, (p, c) in enumerate(zip(path, probs, strict=True)):
                        chosen[start + k] = p
                        conf[start + k] = c
                start = end

        out: list[str] = []
        words: list[RestoredWord] = []
        pos = 0
        for i, slot in enumerate(slots):
            tok = slot.token
            out.append(text[pos : tok.start])
            value = slot.output(chosen[i])
            out.append(value)
            pos = tok.end
            if tok.kind is Kind.WORD or value != tok.text:
                words.append(RestoredWord(tok.start, tok.end, tok.text, value, round(conf[i], 4)))
        out.append(text[pos:])
        return RestoredText("".join(out), words)

    # -- per-token decisions ------------------------------------------------------

    def _slot(
        self,
        tok: Token,
        heading: bool,
        clean: bool,
        marker: str | None,
        soft: bool,
        at_line_start: bool,
        text_after: str,
    ) -> _Slot:
        p = self.params
        boundary = tok.boundary or soft
        lm = self.model.lm
        if tok.kind is not Kind.WORD:
            value = self._repair_code(tok.text) if tok.kind is Kind.CODE else tok.text
            return _fixed(tok, value, lm.num, boundary)
        if marker is not None:
            return _fixed(tok, marker, lm.id_of(marker.lower()), True)
        raw = tok.text
        form = _nfc(raw).lower()
        has_digit = any(c.isdigit() for c in raw)
        has_junk = any(c in OCR_JUNK for c in raw)
        valid = is_valid(form)
        keep_id = lm.num if has_digit else lm.id_of(canonical(form) if valid else form)

        if has_digit and raw[0].isdigit() and not re.match(r"1[^\d]", raw):
            return _fixed(tok, raw, lm.num, boundary)  # 10b, 4G: a number with a suffix
        if at_line_start and "I" in raw and any(c in "1l" for c in raw) and _ROMAN_OCR_RE.match(raw):
            fixed = raw.replace("1", "I").replace("l", "I")  # "I11." heading → "III."
            return _fixed(tok, fixed, lm.id_of(fixed.lower()), boundary)
        if has_digit and _UNIT_RE.match(raw) and not _OCR_DIGIT_RE.match(raw):
            return _fixed(tok, raw, lm.num, boundary)  # units and identifiers: m2, A4, QH15
        if text_after.startswith(("'", "’")) and raw[:1].isupper():
            return _fixed(tok, raw, keep_id, boundary)  # H'Mông, M'Drắk: a name, not a syllable
        if all(c in "&$£©®" for c in raw):
            return _fixed(tok, raw, keep_id, boundary)  # a lone "&" is punctuation, not "ở"
        caps = _is_caps(raw) and not has_digit and not has_junk
        if caps:
            repaired = self.model.acronym_repairs.get(raw)
            if repaired is not None:
                return _fixed(tok, repaired, lm.id_of(repaired.lower()), boundary)
            known = skeleton(form) in self.model.search.by_skeleton
            if _ROMAN_RE.match(raw) or (not known and (not heading or keep_id != lm.unk)):
                return _fixed(tok, raw, keep_id, boundary)  # an acronym or a roman numeral
        if clean and not any(c in _SCAN_ONLY for c in raw):
            return _fixed(tok, raw, keep_id, boundary)

        words: list[str | None] = []
        options: list[tuple[int, float]] = []
        extra = p.caps_change if caps and not heading else 0.0
        unk, unk_penalty, weight = lm.unk, p.unk_penalty, p.channel_weight
        kept = False
        for syl, cost, wid in self.candidates(form):
            total = weight * cost + (unk_penalty if wid == unk else 0.0)
            if syl == form:
                kept = True
                words.append(None)
                options.append((wid, total))
            else:
                words.append(syl)
                options.append((wid, total + extra))
        if not kept:
            if has_digit or has_junk:
                keep_cost = p.keep_garbled
            elif (caps and not heading) or valid:
                keep_cost = 0.0
            else:
                keep_cost = p.keep_invalid
            words.append(None)
            options.append((keep_id, keep_cost + (unk_penalty if keep_id == unk else 0.0)))
        best = min(c for _, c in options)
        limit = best + p.option_margin
        if any(c > limit for _, c in options):
            keep_idx = [k for k, (_, c) in enumerate(options) if c <= limit]
            words = [words[k] for k in keep_idx]
            options = [options[k] for k in keep_idx]
        return _Slot(tok, words, options, boundary, heading)

    def _repair_code(self, code: str) -> str:
        parts = _CODE_PART_RE.split(code)
        repairs = self.model.acronym_repairs
        return "".join(repairs.get(part, part) for part in parts)

    def _clean_paragraphs(self, text: str, tokens: list[Token]) -> list[bool]:
        """Per token: does its paragraph already read as correct Vietnamese?"""
        stats_doc = [0, 0, 0]
        paragraphs: list[list[int]] = []
        current: list[int] = []
        for i, tok in enumerate(tokens):
            if i and _blank_line_between(text, tokens[i - 1].end, tok.start) and current:
                paragraphs.append(current)
                current = []
            current.append(i)
        if current:
            paragraphs.append(current)
        para_stats = []
        for para in paragraphs:
            st = [0, 0, 0]  # words, invalid lowercase words, marked words
            for i in para:
                tok = tokens[i]
                if tok.kind is not Kind.WORD or _is_caps(tok.text) or len(tok.text) < 2:
                    continue  # acronyms and list markers say nothing about the scan
                form = _nfc(tok.text).lower()
                st[0] += 1
                if has_vietnamese_mark(form):
                    st[2] += 1
                # Names ("Ea", "Bok") may be foreign to Vietnamese spelling; scan damage is
                # mostly in ordinary lowercase words ("ctia", "nudc") or shows junk ("S¢").
                if not is_valid(form) and (
                    not tok.text[:1].isupper() or any(c.isdigit() or c in OCR_JUNK for c in tok.text)
                ):
                    st[1] += 1
            para_stats.append(st)
            for k in range(3):
                stats_doc[k] += st[k]
        flags = [False] * len(tokens)
        doc_clean = _is_clean(stats_doc)
        for para, st in zip(paragraphs, para_stats, strict=True):
            # A paragraph too short to judge alone follows the document unless plainly damaged.
            verdict = _is_clean(st) if st[0] >= 12 else doc_clean and st[1] <= max(1, st[0] // 5)
            for i in para:
                flags[i] = verdict
        return flags


def _is_clean(stats: list[int]) -> bool:
    words, invalid, marked = stats
    if words == 0:
        return True
    return invalid <= 0.03 * words and marked >= 0.35 * words


def _blank_line_between(text: str, a: int, b: int) -> bool:
    gap = text[a:b]
    return bool(re.search(r"\n[ \t\r\f\v]*\n", gap))


def _line_index(text: str, tokens: list[Token]) -> list[int]:
    out = []
    line = 0
    pos = 0
    for tok in tokens:
        line += text.count("\n", pos, tok.start)
        pos = tok.start
        out.append(line)
    return out


def _heading_lines(tokens: list[Token], lines: list[int], skeletons: Container[str]) -> set[int]:
    by_line: dict[int, list[Token]] = {}
    for tok, line in zip(tokens, lines, strict=True):
        if tok.kind is Kind.WORD and len(_letters(tok.text)) >= 2:
            by_line.setdefault(line, []).append(tok)
    out = set()
    for line, toks in by_line.items():
        caps = [t for t in toks if _is_caps(t.text)]
        syllabic = [t for t in caps if _caps_syllable(t.text, skeletons)]
        if len(syllabic) >= 2 and len(caps) >= 0.6 * len(toks):
            out.add(line)
    return out


def _caps_syllable(text: str, skeletons: Container[str]) -> bool:
    """A capitalised token that reads as a Vietnamese syllable (not an acronym or numeral)."""
    return _is_caps(text) and not _ROMAN_RE.match(text) and skeleton(_nfc(text).lower()) in skeletons


def _caps_runs(text: str, tokens: list[Token], skeletons: Container[str]) -> set[int]:
    """Indices of capitalised syllables next to another one on the same line ("CHU TICH")."""
    out: set[int] = set()
    for i in range(1, len(tokens)):
        a, b = tokens[i - 1], tokens[i]
        if "\n" in text[a.end : b.start] or b.start - a.end > 3:
            continue
        if _caps_syllable(a.text, skeletons) and _caps_syllable(b.text, skeletons):
            out.update((i - 1, i))
    return out


def _soft_boundaries(text: str, tokens: list[Token], short_line: int) -> list[bool]:
    """A token that starts a line after a short line starts a new sentence."""
    out = [False] * len(tokens)
    for i in range(1, len(tokens)):
        gap = text[tokens[i - 1].end : tokens[i].start]
        if "\n" not in gap:
            continue
        line_start = text.rfind("\n", 0, tokens[i - 1].end) + 1
        prev_line = text[line_start : tokens[i - 1].end + gap.index("\n")]
        if len(prev_line.strip()) < short_line:
            out[i] = True
    return out


def _list_markers(text: str, tokens: list[Token], clean: list[bool]) -> dict[int, str]:
    """Fixed outputs for list markers "a)" … at the start of a line.

    Lettered items follow the Vietnamese alphabet (a, b, c, d, đ, e, g, …), so in a
    scanned paragraph a "d)" right after "d)" is "đ)"; "¢)" is "c)" everywhere.
    """
    out: dict[int, str] = {}
    previous = ""
    for i, tok in enumerate(tokens):
        line_start = text.rfind("\n", 0, tok.start) + 1
        before = text[line_start : tok.start]
        after = text[tok.end : tok.end + 1]
        if before.strip() == "" and re.match(r"^\d+$|^[IVX]+$", tok.text) and after == ".":
            previous = ""  # a numbered heading starts a new lettered list
            continue
        if before.strip() != "" or after != ")" or len(tok.text) != 1:
            continue
        letter = "c" if tok.text == "¢" else tok.text.lower()
        if letter not in _MARKER_LETTERS:
            continue
        if letter == "d" and previous == "d" and not clean[i]:
            letter = "đ"
        out[i] = letter if tok.text.islower() or tok.text == "¢" else letter.upper()
        previous = letter
    return out


@lru_cache(maxsize=4)
def get_restorer(model_path: Path | None = None) -> Restorer:
    """A :class:`Restorer` over the model at ``model_path`` (default: the shipped one), one per process."""
    return Restorer(get_model(model_path))


def restore_text(text: str, *, restorer: Restorer | None = None) -> RestoredText:
    """Restore ``text`` with the shipped model; see the module docstring."""
    return (restorer or get_restorer()).restore(text)
