"""The OCR channel: how likely an OCR spelling is, given the syllable that was printed.

A printed syllable is a sequence of Vietnamese letters; OCR renders each letter as a
short *unit* of 0–3 characters (``ư`` → ``w``, ``ủ`` → ``ti``, ``ố`` → ``6``, ``ơ`` → ``d``,
``đ`` → ``d``) and may insert stray characters. The cost of a unit given a letter is
``-log P(unit | letter)`` in nats, estimated from aligned (OCR, gold) word pairs with
two levels of back-off: the letter's class (base letter, modifier, toned or not), then a
hand-written visual prior (:func:`prior_cost`), so confusions never seen in training
keep a finite, plausible cost.

Candidate search works on skeletons (letters without marks): a best-first walk over
a trie of all inventory skeletons consumes the OCR string unit by unit using the
cheapest letter cost of each unit as a bound, then every diacritised syllable of each
skeleton found is scored exactly on that alignment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .syllables import CHAR_TONE, VOWELS, char_features, skeleton

MAX_UNIT = 3

# OCR character -> skeleton letters it is visually mistaken for (beyond its own letter).
VISUAL_SINGLE: dict[str, str] = {
    "6": "o",
    "0": "o",
    "9": "o",
    "8": "e",
    "4": "a",
    "3": "a",
    "1": "li",
    "d": "oa",
    "b": "o",
    "g": "o",
    "é": "oa",
    "è": "oa",
    "ë": "oa",
    "ê": "o",
    "ó": "ae",
    "ò": "a",
    "ô": "a",
    "w": "uo",
    "y": "u",
    "i": "aul",
    "t": "u",
    "l": "ui",
    "j": "i",
    "c": "e",
    "e": "co",
    "&": "oe",
    "¢": "eoc",
    "€": "e",
    "§": "y",
    "¥": "y",
    "$": "s",
    "ﬁ": "a",
    "n": "u",
    "p": "d",
    "m": "un",
    "f": "u",
    "a": "u",
    "u": "o",
    "o": "a",
}
# Two- and three-character OCR units and the single letter they stand for.
VISUAL_MULTI: dict[str, str] = {
    "ti": "u",
    "tr": "u",
    "ir": "u",
    "ur": "u",
    "ii": "u",
    "it": "u",
    "im": "u",
    "li": "u",
    "tl": "u",
    "if": "u",
    "ui": "u",
    "yu": "u",
    "uw": "u",
    "ia": "ua",
    "rn": "m",
    "ri": "n",
    "cl": "d",
    "uir": "u",
    "6é": "o",
    "é)": "o",
    "¢é": "e",
    "€é": "e",
    "gc": "c",
    "ge": "c",
}
_MARK_LIKE = frozenset("é`'’´^~¨)¢€&")


def _class_key(gold: str) -> str:
    """Back-off class of a gold letter: base letter, modifier, toned or not ("o/horn/1")."""
    if not gold:
        return ""
    base, mod, tone = char_features(gold)
    return f"{base}/{mod or '-'}/{1 if tone else 0}"


def prior_cost(unit: str, gold: str) -> float:
    """Hand-written visual prior, in nats, for OCR ``unit`` given printed letter ``gold``.

    ``gold == ""`` is an inserted OCR character; ``unit == ""`` a dropped letter.
    """
    if not gold:
        return 3.5 if unit in _MARK_LIKE or unit in "i6" else 6.0
    if not unit:
        return 3.5 if gold in VOWELS or char_features(gold)[0] in "aeiouy" else 5.5
    if unit == gold:
        return 0.05
    g_base, g_mod, g_tone = char_features(gold)
    if len(unit) == 1:
        u_base, u_mod, u_tone = char_features(unit)
        if u_base == g_base:
            return 0.3 + 0.9 * (u_tone != g_tone) + 0.9 * (u_mod != g_mod)
        if g_base in VISUAL_SINGLE.get(unit, ""):
            return 3.0 + 0.3 * bool(g_mod)
        return 8.0
    if g_base in VISUAL_MULTI.get(unit, ""):
        return 3.5
    if any(char_features(c)[0] == g_base for c in unit) and any(c in _MARK_LIKE for c in unit):
        return 3.5
    return 9.0 + 2.0 * (len(unit) - 2)


@dataclass
class ChannelCounts:
    """Sufficient statistics of the channel, as stored in the model file."""

    letter: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, gold letter)
    klass: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, class key)
    beta_letter: float = 4.0
    beta_class: float = 50.0
    ocr_chars: int = 0  # OCR characters seen: an insertion's probability is per character

    def totals(self) -> tuple[dict[str, int], dict[str, int]]:
        by_letter: dict[str, int] = {}
        by_class: dict[str, int] = {}
        for (_, g), n in self.letter.items():
            by_letter[g] = by_letter.get(g, 0) + n
        for (_, k), n in self.klass.items():
            by_class[k] = by_class.get(k, 0) + n
        return by_letter, by_class

    def add(self, unit: str, gold: str, n: int = 1) -> None:
        self.letter[(unit, gold)] = self.letter.get((unit, gold), 0) + n
        self.ocr_chars += n * len(unit)
        key = (unit, _class_key(gold))
        self.klass[key] = self.klass.get(key, 0) + n

    def to_json(self) -> dict[str, object]:
        return {
            "letter": sorted([u, g, n] for (u, g), n in self.letter.items()),
            "beta_letter": self.beta_letter,
            "beta_class": self.beta_class,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ChannelCounts:
        counts = cls(beta_letter=float(data["beta_letter"]), beta_class=float(data["beta_class"]))  # type: ignore[arg-type]
        for u, g, n in data["letter"]:  # type: ignore[attr-defined]
            counts.add(str(u), str(g), int(n))
        return counts


class CostModel:
    """``cost(unit, gold)`` in nats from :class:`ChannelCounts` with back-off to the prior."""

    def __init__(self, counts: ChannelCounts) -> None:
        self.counts = counts
        self._by_letter, self._by_class = counts.totals()
        self._cache: dict[tuple[str, str], float] = {}
        self.cache_get = self._cache.get

    def cost(self, unit: str, gold: str) -> float:
        key = (unit, gold)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        c = self.counts
        klass = _class_key(gold)
        p0 = math.exp(-prior_cost(unit, gold))
        if not gold:
            # An inserted OCR character: its chance is per OCR character, not per event.
            value = -math.log((c.letter.get(key, 0) + c.beta_class * p0) / (c.ocr_chars + c.beta_class))
            self._cache[key] = value
            return value
        p_class = (c.klass.get((unit, klass), 0) + c.beta_class * p0) / (self._by_class.get(klass, 0) + c.beta_class)
        p = (c.letter.get(key, 0) + c.beta_letter * p_class) / (self._by_letter.get(gold, 0) + c.beta_letter)
        value = -math.log(p)
        self._cache[key] = value
        return value


def align(cost: CostModel, ocr: str, gold: str) -> tuple[float, list[tuple[str, str]]]:
    """Cheapest alignment of an OCR string to a gold word: (cost, [(unit, gold letter)]).

    Inserted OCR characters appear as ``(char, "")``, dropped letters as ``("", letter)``.
    """
    n, m = len(ocr), len(gold)
    inf = float("inf")
    dist = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    dist[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            d = dist[i][j]
            if d == inf:
                continue
            if i < n:
                c = d + cost.cost(ocr[i], "")
                if c < dist[i + 1][j]:
                    dist[i + 1][j] = c
                    back[i + 1][j] = (i, j, ocr[i], "")
            if j < m:
                for length in range(MAX_UNIT + 1):
                    if i + length > n:
                        break
                    unit = ocr[i : i + length]
                    c = d + cost.cost(unit, gold[j])
                    if c < dist[i + length][j + 1]:
                        dist[i + length][j + 1] = c
                        back[i + length][j + 1] = (i, j, unit, gold[j])
    events: list[tuple[str, str]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        if step is None:  # unreachable: every cell on the path has a back-pointer
            raise RuntimeError(f"broken alignment of {ocr!r} to {gold!r}")
        pi, pj, unit, g = step
        events.append((unit, g))
        i, j = pi, pj
    events.reverse()
    return dist[n][m], events


def learn_counts(
    pairs: Iterable[tuple[str, str, int]], *, iterations: int = 4, max_cost: float = 30.0
) -> ChannelCounts:
    """Estimate channel counts from (ocr, gold, count) word pairs by hard EM.

    Each round aligns every pair under the current costs and recounts the units;
    pairs whose best alignment still costs more than ``max_cost`` are treated as
    misaligned tokens and skipped.
    """
    pair_list = sorted(pairs)
    counts = ChannelCounts()
    for _ in range(iterations):
        model = CostModel(counts)
        fresh = ChannelCounts(beta_letter=counts.beta_letter, beta_class=counts.beta_class)
        for ocr, gold, n in pair_list:
            total, events = align(model, ocr, gold)
            if total > max_cost:
                continue
            for unit, g in events:
                fresh.add(unit, g, n)
        counts = fresh
    return counts


# -- candidate search ---------------------------------------------------------------


# (cost, trie node, letters dropped, parent state, OCR unit, skeleton letter or "" for an insertion)
_State = tuple[float, dict[str, Any], int, Any, str, str]


@dataclass(frozen=True, slots=True)
class SkeletonMatch:
    skeleton: str
    cost: float  # lower bound of the channel cost of any syllable with this skeleton
    units: tuple[str, ...]  # OCR unit aligned to each skeleton letter
    inserted: tuple[str, ...]  # OCR characters aligned to nothing


class CandidateSearch:
    """Find inventory syllables an OCR word may stand for, with their channel costs."""

    def __init__(self, cost: CostModel, by_skeleton: Mapping[str, list[str]]) -> None:
        self.cost = cost
        self.by_skeleton = by_skeleton
        self.trie: dict[str, object] = {}
        for sk in by_skeleton:
            node = self.trie
            for ch in sk:
                node = node.setdefault(ch, {})  # type: ignore[assignment]
            node[""] = sk
        # Units that may stand for letters other than themselves; anything else is read
        # as itself or as a look-alike of its own letter (computed lazily, then cached).
        self.known_units: frozenset[str] = frozenset(
            {u for (u, _g) in cost.counts.letter if u} | set(VISUAL_SINGLE) | set(VISUAL_MULTI)
        )
        self.letters = letters = sorted({ch for sk in by_skeleton for ch in sk})
        self.unit_map: dict[str, list[tuple[str, float]]] = {}
        self.del_cost: list[tuple[str, float]] = []
        for b in letters:
            c = min(self.cost.cost("", g) for g in _golds_of(b))
            if c <= 6.0:
                self.del_cost.append((b, c))

    def _unit_letters(self, unit: str, letters: list[str]) -> list[tuple[str, float]]:
        out = []
        for b in letters:
            c = min(self.cost.cost(unit, g) for g in _golds_of(b))
            if c <= 7.5:
                out.append((b, c))
        return out

    def units_for(self, unit: str) -> list[tuple[str, float]]:
        """Skeleton letters ``unit`` can stand for, with the cheapest cost of each."""
        found = self.unit_map.get(unit)
        if found is None:
            found = self._unit_letters(unit, self.letters) if len(unit) == 1 or unit in self.known_units else []
            self.unit_map[unit] = found
        return found

    def skeletons(self, ocr: str, *, margin: float = 9.0, beam: int = 48, limit: int = 24) -> list[SkeletonMatch]:
        """Best-first alignment of ``ocr`` (lowercase NFC) to inventory skeletons.

        States are ``(cost, trie node, letters dropped, parent, unit, letter)`` tuples,
        one column per OCR position, recombined on (node, dropped) and pruned to
        ``beam`` states within ``margin`` of the column's best.
        """
        n = len(ocr)
        columns: list[dict[tuple[int, int], _State]] = [{} for _ in range(n + 1)]
        columns[0][(id(self.trie), 0)] = (0.0, self.trie, 0, None, "", "")
        cost_of = self.cost.cost
        ins_cost = {c: cost_of(c, "") for c in set(ocr)}
        steps = [
            [(ocr[i : i + k], self.units_for(ocr[i : i + k])) for k in range(1, min(MAX_UNIT, n - i) + 1)]
            for i in range(n)
        ]
        del_cost = self.del_cost
        final: list[_State] = []
        for i in range(n + 1):
            col = columns[i]
            if not col:
                continue
            for st in list(col.values()):  # a dropped letter (at most one per word)
                if st[2]:
                    continue
                c0, node = st[0], st[1]
                for b, c in del_cost:
                    child = node.get(b)
                    if child is not None:
                        key = (id(child), 1)
                        old = col.get(key)
                        if old is None or c0 + c < old[0]:
                            col[key] = (c0 + c, child, 1, st, "", b)
            states = sorted(col.values(), key=_first)
            cutoff = states[0][0] + margin
            states = [st for st in states[:beam] if st[0] <= cutoff]
            if i == n:
                final = states
                break
            ins = ins_cost[ocr[i]]
            nxt = columns[i + 1]
            for st in states:
                c0, node, dels = st[0], st[1], st[2]
                for k, (unit, letters) in enumerate(steps[i], start=1):
                    target = columns[i + k]
                    for b, c in letters:
                        child = node.get(b)
                        if child is not None:
                            key = (id(child), dels)
                            old = target.get(key)
                            if old is None or c0 + c < old[0]:
                                target[key] = (c0 + c, child, dels, st, unit, b)
                key = (id(node), dels)
                old = nxt.get(key)
                if old is None or c0 + ins < old[0]:
                    nxt[key] = (c0 + ins, node, dels, st, ocr[i], "")
        results: dict[str, _State] = {}
        for st in final:
            sk = st[1].get("")
            if isinstance(sk, str) and (sk not in results or st[0] < results[sk][0]):
                results[sk] = st
        matches = []
        for sk, st in sorted(results.items(), key=lambda kv: (kv[1][0], kv[0]))[:limit]:
            units: list[str] = []
            inserted: list[str] = []
            cur: _State | None = st
            while cur is not None and cur[3] is not None:
                (units if cur[5] else inserted).append(cur[4])
                cur = cur[3]
            units.reverse()
            matches.append(SkeletonMatch(sk, st[0], tuple(units), tuple(inserted)))
        return matches

    def candidates(self, ocr: str, *, margin: float = 9.0, limit: int = 16) -> list[tuple[str, float]]:
        """Syllables for ``ocr`` with their channel cost, cheapest first."""
        scored: dict[str, float] = {}
        cost = self.cost.cost
        cache = self.cost.cache_get
        matches = self.skeletons(ocr)
        if not matches:
            return []
        horizon = matches[0].cost + margin
        for match in matches:
            if match.cost > horizon:
                break
            ins = sum(cost(u, "") for u in match.inserted)
            for syl in self.by_skeleton[match.skeleton]:
                total = ins
                for unit, g in zip(match.units, syl, strict=True):
                    c = cache((unit, g))
                    total += cost(unit, g) if c is None else c
                if total < scored.get(syl, math.inf):
                    scored[syl] = total
        ranked = sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))
        if not ranked:
            return []
        best = ranked[0][1]
        return [(s, c) for s, c in ranked[:limit] if c <= best + margin]


def _first(state: _State) -> float:
    return state[0]


_GOLDS: dict[str, list[str]] = {}


def _golds_of(base: str) -> list[str]:
    """All lowercase Vietnamese letters whose skeleton letter is ``base``."""
    found = _GOLDS.get(base)
    if found is None:
        found = [c for c in CHAR_TONE if c.islower() and skeleton(c) == base]
        if base == "d":
            found.append("đ")
        if not found:
            found = [base]
        elif base not in found:
            found.append(base)
        _GOLDS[base] = found
    return found
