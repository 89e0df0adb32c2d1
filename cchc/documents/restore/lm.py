"""Trigram language model over lowercase syllables, in back-off form.

Tables hold log-probabilities in millinats (ints, as stored in the model file);
``logp(u, v, w)`` is the natural-log probability of ``w`` after ``u v``: a stored
trigram, else the back-off weight of ``(u, v)`` plus the bigram estimate of ``w``
after ``v``, else the back-off weight of ``v`` plus the unigram of ``w``. The tables
come from interpolated modified Kneser–Ney estimates (see ``training.py``), pruned and
re-normalised. Word ids fit in 16 bits, so an n-gram key is a single int.
"""

from __future__ import annotations

from collections.abc import Sequence

BOS = "<s>"
EOS = "</s>"
UNK = "<unk>"
NUM = "<n>"
SPECIALS = (BOS, EOS, UNK, NUM)


class NgramLM:
    """Read-only trigram model; build it with :meth:`from_tables`."""

    def __init__(
        self,
        vocab: Sequence[str],
        unigram: Sequence[float],
        unigram_backoff: Sequence[float],
        bigram: dict[int, int],
        bigram_backoff: dict[int, int],
        trigram: dict[int, int],
    ) -> None:
        self.words = list(vocab)
        self.ids = {w: i for i, w in enumerate(self.words)}
        self.unigram = list(unigram)
        self.unigram_backoff = list(unigram_backoff)
        self.bigram = bigram
        self.bigram_backoff = bigram_backoff
        self.trigram = trigram
        self.bos = self.ids[BOS]
        self.eos = self.ids[EOS]
        self.unk = self.ids[UNK]
        self.num = self.ids[NUM]
        self._cache: dict[int, float] = {}
        self.cache_get = self._cache.get  # bound lookup of memoised trigram scores, by key

    def id_of(self, word: str) -> int:
        return self.ids.get(word, self.unk)

    def logp(self, u: int, v: int, w: int) -> float:
        """log P(w | u v) in nats."""
        key = (u << 32) | (v << 16) | w
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        milli = self.trigram.get(key)
        value = self.bigram_backoff.get((u << 16) | v, 0) * 0.001 + self.logp2(v, w) if milli is None else milli * 0.001
        if len(self._cache) > 400_000:
            self._cache.clear()
        self._cache[key] = value
        return value

    def logp2(self, v: int, w: int) -> float:
        """log P(w | v) in nats."""
        milli = self.bigram.get((v << 16) | w)
        if milli is None:
            return self.unigram_backoff[v] + self.unigram[w]
        return milli * 0.001

    def sentence_logp(self, words: Sequence[str]) -> float:
        """Total log-probability of a sentence, with sentence-boundary markers."""
        ids = [self.bos, self.bos, *(self.id_of(w) for w in words), self.eos]
        return sum(self.logp(ids[i - 2], ids[i - 1], ids[i]) for i in range(2, len(ids)))
