"""Syllable accuracy of restored text against gold, and the gold sets of the project.

Accuracy is token-aligned per line: the word tokens of each gold line and of the
restored line are compared after normalisation (lowercase, NFC, tone mark re-placed by
one convention so ``hoá`` equals ``hóa``), aligned with ``difflib`` so a split or merged
token costs only the tokens involved. A gold token counts as correct when it is
aligned to an equal restored token. Numbers and codes are scored separately (exact).
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .damage import damage_text
from .syllables import canonical
from .tokenize import Kind, tokenize


def normalise(word: str) -> str:
    """Comparison form of a word: lowercase NFC with the canonical tone placement."""
    return canonical(unicodedata.normalize("NFC", word).lower())


def _words(line: str) -> list[str]:
    return [normalise(t.text) for t in tokenize(line) if t.kind is Kind.WORD and any(c.isalpha() for c in t.text)]


def _protected(line: str) -> list[str]:
    return [t.text for t in tokenize(line) if t.kind in (Kind.NUMBER, Kind.CODE, Kind.URL)]


@dataclass
class Score:
    """Counts and errors of one evaluated set."""

    name: str
    correct: int = 0
    total: int = 0
    protected_ok: int = 0
    protected_total: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, gold, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def protected_accuracy(self) -> float:
        return self.protected_ok / self.protected_total if self.protected_total else 1.0

    def add(self, other: Score) -> None:
        self.correct += other.correct
        self.total += other.total
        self.protected_ok += other.protected_ok
        self.protected_total += other.protected_total
        self.errors.extend(other.errors)


def score_lines(name: str, gold: Sequence[str], restored: Sequence[str], line_numbers: Iterable[int]) -> Score:
    """Score the given 1-based ``line_numbers`` of line-aligned gold and restored texts."""
    score = Score(name)
    for n in line_numbers:
        g_line, r_line = gold[n - 1], restored[n - 1]
        g, r = _words(g_line), _words(r_line)
        score.total += len(g)
        matcher = difflib.SequenceMatcher(None, g, r, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                score.correct += i2 - i1
            elif op in ("replace", "delete"):
                got = r[j1:j2]
                for k, word in enumerate(g[i1:i2]):
                    score.errors.append((n, word, got[k] if k < len(got) else "∅"))
        gp, rp = _protected(g_line), _protected(r_line)
        score.protected_total += len(gp)
        pm = difflib.SequenceMatcher(None, gp, rp, autojunk=False)
        score.protected_ok += sum(b.size for b in pm.get_matching_blocks())
    return score


def _expand(spans: Sequence[Sequence[int]]) -> list[int]:
    return [n for a, b in spans for n in range(a, b + 1)]


@dataclass(frozen=True)
class GoldSet:
    """A named evaluation set: damaged input, gold text and the lines that count."""

    name: str
    ocr: str
    gold: str
    lines: tuple[int, ...]


def load_gold_sets(root: Path, manifest: Path | None = None) -> list[GoldSet]:
    """The sets of ``fixtures/gold/manifest.json``: seed-tune, seed-heldout, other-damaged."""
    manifest = manifest or root / "fixtures" / "gold" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    seed = data["seed"]
    seed_ocr = (root / seed["ocr"]).read_text(encoding="utf-8")
    seed_gold = (root / seed["gold"]).read_text(encoding="utf-8")
    sets = [
        GoldSet("seed-tune", seed_ocr, seed_gold, tuple(_expand(seed["tune"]))),
        GoldSet("seed-heldout", seed_ocr, seed_gold, tuple(_expand(seed["heldout"]))),
    ]
    for item in data["other"]:
        gold = (root / item["gold"]).read_text(encoding="utf-8")
        name = "other:" + Path(item["gold"]).name.removesuffix(".gold.txt")
        ocr = damage_text(gold, seed=int(item["damage_seed"]))
        sets.append(GoldSet(name, ocr, gold, tuple(range(1, gold.count("\n") + 2))))
    return sets
