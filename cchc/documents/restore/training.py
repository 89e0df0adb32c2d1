"""Build the restorer model from the corpus, the lexicon and the tuning gold.

Steps (all deterministic: sorted iteration, no clocks, no randomness):

1. Read the corpus (xz, one paragraph per line) and turn every paragraph into
   sentences of LM words with the same tokenizer the restorer uses: lowercase
   canonical syllables, acronyms lowercased, numbers and codes as ``<n>``.
2. Add the lexicon terms as extra sentences (``LEXICON_WEIGHT`` times each).
3. Estimate an interpolated modified Kneser–Ney trigram model, keep every bigram and
   the trigrams seen at least ``min_trigram`` times, and re-normalise the back-off
   weights of pruned contexts.
4. Build the syllable inventory: attested valid syllables ∪ all generated ones.
5. Learn the OCR channel from the tuning part of the seed gold (word pairs aligned
   line by line), by hard EM (``channel.learn_counts``).
6. Derive the acronym/code repair table (``HDND`` → ``HĐND``, ``ND`` → ``NĐ``): capital
   forms with Đ that the corpus never (or almost never) writes with D.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import lzma
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .channel import learn_counts
from .lm import BOS, EOS, NUM, SPECIALS, UNK
from .model import FORMAT_VERSION, ModelData, write_model
from .syllables import VOWELS, canonical, generate_syllables, has_vietnamese_mark, is_valid, skeleton
from .tokenize import Kind, Token, tokenize

MODEL_VERSION = "restorer-v1"
NAME_MIN_COUNT = 10  # marked non-standard syllables of names (Đắk, Lắk, Krông) seen this often
LEXICON_WEIGHT = 3
_CODE_SPLIT = str.maketrans(dict.fromkeys("/-–&.", " "))


def read_corpus_lines(path: Path) -> Iterator[str]:
    """Text lines of the corpus, without the ``### number | issuer | date`` headers."""
    with lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz" else path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line and not line.startswith("### "):
                yield unicodedata.normalize("NFC", line)


def lm_word(token: Token) -> str:
    """The LM word of a token: canonical lowercase syllable, acronym, or ``<n>``."""
    if token.kind is not Kind.WORD:
        return NUM
    text = unicodedata.normalize("NFC", token.text)
    if any(c.isdigit() for c in text):
        return NUM
    low = text.lower()
    return canonical(low) if is_valid(low) else low


def sentences_of(line: str) -> Iterator[list[str]]:
    """Split one paragraph into LM sentences at strong punctuation."""
    current: list[str] = []
    for token in tokenize(line):
        if token.boundary and current:
            yield current
            current = []
        current.append(lm_word(token))
    if current:
        yield current


def _name_syllable(word: str) -> bool:
    """A marked word outside standard spelling that reads as one syllable (đắk, krông)."""
    if is_valid(word) or not word.isalpha() or not has_vietnamese_mark(word) or len(word) > 7:
        return False
    groups = "".join("v" if c in VOWELS else "c" for c in skeleton(word)).split("c")
    return sum(1 for g in groups if g) == 1


def read_lexicon(path: Path) -> list[str]:
    """Terms of the lexicon file (comments and blank lines skipped), NFC."""
    terms = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            terms.append(unicodedata.normalize("NFC", line))
    return terms


@dataclass
class KneserNey:
    """Interpolated modified Kneser–Ney trigram estimates, as back-off tables."""

    vocab: list[str]
    unigram: list[float]
    unigram_backoff: list[float]
    bigram: dict[int, int]  # millinats
    bigram_backoff: dict[int, int]
    trigram: dict[int, int]
    stats: dict[str, int]


def _discounts(adjusted: Iterable[int]) -> tuple[float, float, float]:
    n = Counter(min(c, 4) for c in adjusted)
    n1, n2, n3, n4 = (max(n[i], 1) for i in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2)
    d1 = 1 - 2 * y * n2 / n1
    d2 = 2 - 3 * y * n3 / n2
    d3 = 3 - 4 * y * n4 / n3
    return max(d1, 0.05), max(d2, 0.05), max(d3, 0.05)


def _milli(p: float) -> int:
    """log(p) in millinats, the unit the model file stores."""
    return round(math.log(p) * 1000)


def _d(c: int, ds: tuple[float, float, float]) -> float:
    return ds[min(c, 3) - 1] if c > 0 else 0.0


def estimate_kneser_ney(sentences: Iterable[Sequence[str]], *, min_count: int = 2, min_trigram: int = 2) -> KneserNey:
    """Estimate the trigram model from tokenised sentences.

    Words seen fewer than ``min_count`` times become ``<unk>``. Trigrams seen fewer
    than ``min_trigram`` times are pruned and their probability mass returns to the
    back-off; bigrams are all kept.
    """
    sents = [list(s) for s in sentences]
    freq = Counter(w for s in sents for w in s)
    words = sorted(w for w, c in freq.items() if c >= min_count and w not in SPECIALS)
    vocab = [*SPECIALS, *words]
    if len(vocab) >= 1 << 16:
        raise ValueError("vocabulary too large for 16-bit ids")
    ids = {w: i for i, w in enumerate(vocab)}
    bos, eos, unk = ids[BOS], ids[EOS], ids[UNK]

    c3: Counter[tuple[int, int, int]] = Counter()
    for s in sents:
        seq = [bos, bos, *(ids.get(w, unk) for w in s), eos]
        for i in range(2, len(seq)):
            c3[(seq[i - 2], seq[i - 1], seq[i])] += 1

    # Adjusted counts: continuation counts for lower orders, raw counts after <s>.
    a2: Counter[tuple[int, int]] = Counter()
    for _u, v, w in c3:
        if v == bos:
            continue
        a2[(v, w)] += 1
    for (u, v, w), n in c3.items():
        if u == bos and v == bos:
            a2[(bos, w)] += n
    a1: Counter[int] = Counter()
    for _v, w in a2:
        a1[w] += 1

    d3 = _discounts(c3.values())
    d2 = _discounts(a2.values())
    d1 = _discounts(a1.values())

    size = len(vocab)
    total1 = sum(a1.values())
    gamma1 = sum(_d(c, d1) for c in a1.values()) / total1
    p1 = [(max(a1.get(w, 0) - _d(a1.get(w, 0), d1), 0.0) / total1) + gamma1 / size for w in range(size)]

    ctx2_total: dict[int, int] = defaultdict(int)
    ctx2_disc: dict[int, float] = defaultdict(float)
    for (v, _w), n in a2.items():
        ctx2_total[v] += n
        ctx2_disc[v] += _d(n, d2)
    gamma2 = {v: ctx2_disc[v] / ctx2_total[v] for v in ctx2_total}

    def p2(v: int, w: int) -> float:
        tot = ctx2_total.get(v)
        if not tot:
            return p1[w]
        n = a2.get((v, w), 0)
        return max(n - _d(n, d2), 0.0) / tot + gamma2[v] * p1[w]

    bigram = {(v << 16) | w: _milli(p2(v, w)) for (v, w) in a2}
    unigram_backoff = [math.log(gamma2[v]) if v in gamma2 else 0.0 for v in range(size)]

    ctx3_total: dict[tuple[int, int], int] = defaultdict(int)
    ctx3_disc: dict[tuple[int, int], float] = defaultdict(float)
    for (u, v, _w), n in c3.items():
        ctx3_total[(u, v)] += n
        ctx3_disc[(u, v)] += _d(n, d3)

    trigram: dict[int, int] = {}
    kept_p3: dict[tuple[int, int], float] = defaultdict(float)
    kept_p2: dict[tuple[int, int], float] = defaultdict(float)
    for (u, v, w), n in sorted(c3.items()):
        if n < min_trigram:
            continue
        ctx = (u, v)
        tot = ctx3_total[ctx]
        p = max(n - _d(n, d3), 0.0) / tot + (ctx3_disc[ctx] / tot) * p2(v, w)
        trigram[(u << 32) | (v << 16) | w] = _milli(p)
        kept_p3[ctx] += p
        kept_p2[ctx] += p2(v, w)
    bigram_backoff: dict[int, int] = {}
    for ctx in sorted(ctx3_total):
        u, v = ctx
        if ctx in kept_p3:
            num = max(1.0 - kept_p3[ctx], 1e-9)
            den = max(1.0 - kept_p2[ctx], 1e-9)
            bigram_backoff[(u << 16) | v] = _milli(num / den)
        else:
            bigram_backoff[(u << 16) | v] = _milli(ctx3_disc[ctx] / ctx3_total[ctx])
    stats = {
        "sentences": len(sents),
        "tokens": sum(len(s) for s in sents),
        "vocab": size,
        "bigrams": len(bigram),
        "trigrams_seen": len(c3),
        "trigrams_kept": len(trigram),
        "unk_tokens": sum(c for w, c in freq.items() if w not in ids),
    }
    return KneserNey(vocab, [math.log(p) for p in p1], unigram_backoff, bigram, bigram_backoff, trigram, stats)


def repair_tables(lines: Iterable[str]) -> dict[str, object]:
    """Acronym and code-segment repairs (D → Đ).

    ``HDND`` → ``HĐND`` is a repair when the corpus writes the Đ form at least 3 times and
    the D form at most once per hundred (the D form is then a scan or typing slip).
    """
    caps: Counter[str] = Counter()
    for line in lines:
        for t in tokenize(line):
            parts = t.text.translate(_CODE_SPLIT).split() if t.kind is Kind.CODE else [t.text]
            for p in parts:
                if len(p) >= 2 and p.isalpha() and p.isupper():
                    caps[p] += 1
    repairs = {}
    for form, n in sorted(caps.items()):
        if "Đ" not in form or n < 3 or is_valid(form.lower()):
            continue
        plain = form.replace("Đ", "D")
        if plain.isascii() and caps.get(plain, 0) * 100 <= n:
            repairs[plain] = form
    return {"acronym_repairs": repairs}


def _ranges(spans: Sequence[Sequence[int]]) -> set[int]:
    out: set[int] = set()
    for a, b in spans:
        out.update(range(a, b + 1))
    return out


def aligned_word_pairs(ocr_lines: Sequence[str], gold_lines: Sequence[str]) -> Counter[tuple[str, str]]:
    """(ocr word, gold syllable) pairs from line-aligned texts, lowercase."""
    pairs: Counter[tuple[str, str]] = Counter()
    for a, b in zip(ocr_lines, gold_lines, strict=True):
        ta = [unicodedata.normalize("NFC", t.text).lower() for t in tokenize(a) if t.kind is Kind.WORD]
        tb = [unicodedata.normalize("NFC", t.text).lower() for t in tokenize(b) if t.kind is Kind.WORD]
        matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal" or (i2 - i1) == (j2 - j1):
                for x, y in zip(ta[i1:i2], tb[j1:j2], strict=True):
                    if is_valid(y):
                        pairs[(x, canonical(y))] += 1
    return pairs


def tune_pairs(project_root: Path, manifest_path: Path) -> Counter[tuple[str, str]]:
    """Word pairs of the tuning lines of the seed gold named in the manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    seed = manifest["seed"]
    ocr = (project_root / seed["ocr"]).read_text(encoding="utf-8").split("\n")
    gold = (project_root / seed["gold"]).read_text(encoding="utf-8").split("\n")
    keep = _ranges(seed["tune"])
    idx = [i for i in range(len(ocr)) if i + 1 in keep]
    return aligned_word_pairs([ocr[i] for i in idx], [gold[i] for i in idx])


@dataclass
class TrainResult:
    path: Path
    size: int
    metadata: dict[str, object]


def train(
    *,
    corpus: Path,
    lexicon: Path,
    output: Path,
    channel_pairs: Counter[tuple[str, str]],
    min_count: int = 2,
    min_trigram: int = 2,
) -> TrainResult:
    """Build and write the model; return its path, size and metadata."""
    lines = list(read_corpus_lines(corpus))
    sentences = [s for line in lines for s in sentences_of(line)]
    terms = read_lexicon(lexicon)
    for term in terms:
        sentences.extend(list(sentences_of(term)) * LEXICON_WEIGHT)
    kn = estimate_kneser_ney(sentences, min_count=min_count, min_trigram=min_trigram)

    freq = Counter(w for s in sentences for w in s)
    attested = {w for w in freq if is_valid(w)}
    names = {w for w, n in freq.items() if n >= NAME_MIN_COUNT and _name_syllable(w)}
    inventory = sorted(attested | names | set(generate_syllables()))

    channel = learn_counts((o, g, n) for (o, g), n in sorted(channel_pairs.items()))
    tables = repair_tables(lines)
    tables["lexicon"] = terms

    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()
    metadata: dict[str, object] = {
        "format": FORMAT_VERSION,
        "model": MODEL_VERSION,
        "corpus": {"file": corpus.name, "sha256": digest, "lines": len(lines)},
        "lexicon": {"file": lexicon.name, "terms": len(terms), "weight": LEXICON_WEIGHT},
        "lm": {"order": 3, "smoothing": "interpolated modified Kneser-Ney", "min_count": min_count,
               "min_trigram": min_trigram, **kn.stats},
        "inventory": {"syllables": len(inventory), "attested": len(attested), "names": sorted(names)},
        "channel": {"pairs": sum(channel_pairs.values()), "source": "seed gold, tuning lines"},
    }  # fmt: skip
    data = ModelData(
        metadata=metadata,
        vocab=kn.vocab,
        unigram=kn.unigram,
        unigram_backoff=kn.unigram_backoff,
        bigram=kn.bigram,
        bigram_backoff=kn.bigram_backoff,
        trigram=kn.trigram,
        inventory=inventory,
        channel=channel.to_json(),
        tables=tables,
    )
    size = write_model(output, data)
    return TrainResult(output, size, metadata)
