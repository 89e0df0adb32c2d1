"""Beam search over candidate syllables with the trigram LM, and per-word confidence.

A *slot* is one position of a sentence: a list of options ``(lm id, cost)`` where the
cost is the weighted channel cost of that option (fixed tokens have a single option of
cost 0). The search minimises ``sum(cost) - lm_weight * sum(log P(w | u v))`` with
hypotheses recombined on their last two words (exact Viterbi for a trigram model when
nothing is pruned) and pruned to ``beam`` states within ``margin`` nats of the best.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .lm import NgramLM

Slot = Sequence[tuple[int, float]]
_Node = tuple["_Node | None", int] | None


def decode(lm: NgramLM, slots: Sequence[Slot], *, lm_weight: float, beam: int, margin: float) -> list[int]:
    """Index of the chosen option in each slot, for one sentence."""
    if not slots:
        return []
    logp = lm.logp
    cached = lm.cache_get
    hyps: dict[tuple[int, int], tuple[float, _Node]] = {(lm.bos, lm.bos): (0.0, None)}
    for options in slots:
        fresh: dict[tuple[int, int], tuple[float, _Node]] = {}
        for (u, v), (score, node) in hyps.items():
            base = (u << 32) | (v << 16)
            for idx, (w, cost) in enumerate(options):
                lp = cached(base | w)
                if lp is None:
                    lp = logp(u, v, w)
                s = score + cost - lm_weight * lp
                key = (v, w)
                old = fresh.get(key)
                if old is None or s < old[0]:
                    fresh[key] = (s, (node, idx))
        if len(fresh) > 1:
            ranked = sorted(fresh.items(), key=lambda kv: kv[1][0])
            cutoff = ranked[0][1][0] + margin
            hyps = {k: v for k, v in ranked[:beam] if v[0] <= cutoff}
        else:
            hyps = fresh
    best_node: _Node = None
    best_score = math.inf
    for (u, v), (score, node) in hyps.items():
        s = score - lm_weight * logp(u, v, lm.eos)
        if s < best_score:
            best_score, best_node = s, node
    path: list[int] = []
    node = best_node
    while node is not None:
        parent, idx = node
        path.append(idx)
        node = parent
    path.reverse()
    return path


def confidences(lm: NgramLM, slots: Sequence[Slot], path: Sequence[int], *, lm_weight: float) -> list[float]:
    """Posterior of the chosen option at each slot, given the chosen neighbours.

    For each slot the options are rescored with the channel cost and the three
    trigrams that contain the slot; the softmax share of the chosen option is its
    confidence (1.0 for slots with a single option).
    """
    ids = [lm.bos, lm.bos, *(slots[i][path[i]][0] for i in range(len(slots))), lm.eos, lm.eos]
    out: list[float] = []
    logp = lm.logp
    for i, options in enumerate(slots):
        if len(options) == 1:
            out.append(1.0)
            continue
        k = i + 2
        a, b, c, d = ids[k - 2], ids[k - 1], ids[k + 1], ids[k + 2]
        scores = []
        for w, cost in options:
            lp = logp(a, b, w) + logp(b, w, c)
            if c != lm.eos:
                lp += logp(w, c, d)
            scores.append(lm_weight * lp - cost)
        top = max(scores)
        total = sum(math.exp(s - top) for s in scores)
        out.append(math.exp(scores[path[i]] - top) / total)
    return out
