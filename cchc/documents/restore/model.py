"""The restorer model file: format, writing and (lazy, cached) loading.

Layout (all integers little-endian)::

    b"CCHCRST\\0"             8-byte magic
    u16  format version        FORMAT_VERSION; a reader refuses any other value
    u32  header length H
    H bytes of JSON            metadata, sections table (name, offset, length, codec)
    section payloads           each zlib-compressed

Sections: ``vocab`` (LM words, one per line, id order), ``unigram`` (int32 log-prob
and back-off, millinats), ``bigram`` / ``trigram`` (delta-coded sorted int keys and
int32 millinat values), ``bigram_backoff``, ``inventory`` (valid syllables, one per
line), ``channel`` (JSON counts of the OCR channel), ``tables`` (JSON: the D → Đ acronym and
code repairs, the lexicon). The same inputs always produce the same bytes: nothing time-
or machine-dependent is written.
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from .channel import CandidateSearch, ChannelCounts, CostModel
from .lm import NgramLM
from .syllables import skeleton

MAGIC = b"CCHCRST\x00"
FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "restorer-v1.bin"
_SCALE = 1000.0  # log-probabilities are stored in millinats (ints)


class ModelFormatError(ValueError):
    """The file is not a restorer model this code can read."""


@dataclass
class ModelData:
    """Everything the model file holds, in plain Python values."""

    metadata: dict[str, Any]
    vocab: list[str]
    unigram: list[float]
    unigram_backoff: list[float]
    bigram: dict[int, int]  # millinats
    bigram_backoff: dict[int, int]
    trigram: dict[int, int]
    inventory: list[str]
    channel: dict[str, Any]
    tables: dict[str, Any] = field(default_factory=dict)


def _pack_ints(values: list[int]) -> bytes:
    return array("i", values).tobytes()


def _unpack_ints(data: bytes) -> array[int]:
    arr = array("i")
    arr.frombytes(data)
    return arr


def _pack_keyed(table: Mapping[int, int]) -> bytes:
    keys = sorted(table)
    deltas = [keys[0]] if keys else []
    deltas.extend(b - a for a, b in pairwise(keys))
    body_keys = array("q", deltas).tobytes()
    body_vals = _pack_ints([table[k] for k in keys])
    return struct.pack("<I", len(keys)) + body_keys + body_vals


def _unpack_keyed(data: bytes) -> dict[int, int]:
    """Key -> value in millinats (kept as ints: building the dict is the bulk of load time)."""
    (n,) = struct.unpack_from("<I", data)
    deltas = array("q")
    deltas.frombytes(data[4 : 4 + 8 * n])
    vals = _unpack_ints(data[4 + 8 * n :])
    return dict(zip(accumulate(deltas), vals, strict=True))


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write_model(path: Path, data: ModelData) -> int:
    """Write ``data`` to ``path``; return the number of bytes written."""
    sections: list[tuple[str, bytes]] = [
        ("vocab", "\n".join(data.vocab).encode("utf-8")),
        (
            "unigram",
            _pack_ints([round(x * _SCALE) for x in data.unigram])
            + _pack_ints([round(x * _SCALE) for x in data.unigram_backoff]),
        ),
        ("bigram", _pack_keyed(data.bigram)),
        ("bigram_backoff", _pack_keyed(data.bigram_backoff)),
        ("trigram", _pack_keyed(data.trigram)),
        ("inventory", "\n".join(data.inventory).encode("utf-8")),
        ("channel", _json_bytes(data.channel)),
        ("tables", _json_bytes(data.tables)),
    ]
    payloads = [(name, zlib.compress(raw, 9)) for name, raw in sections]
    table = []
    offset = 0
    for name, blob in payloads:
        table.append({"name": name, "offset": offset, "length": len(blob), "codec": "zlib"})
        offset += len(blob)
    header = _json_bytes({**data.metadata, "sections": table})
    blob = MAGIC + struct.pack("<HI", FORMAT_VERSION, len(header)) + header + b"".join(p for _, p in payloads)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    return len(blob)


def read_header(raw: bytes) -> dict[str, Any]:
    """Validate magic and version; return the JSON header."""
    if raw[:8] != MAGIC:
        raise ModelFormatError("not a restorer model file (bad magic)")
    version, hlen = struct.unpack_from("<HI", raw, 8)
    if version != FORMAT_VERSION:
        raise ModelFormatError(f"restorer model format {version} is not supported (expected {FORMAT_VERSION})")
    header: dict[str, Any] = json.loads(raw[14 : 14 + hlen].decode("utf-8"))
    header["_payload_start"] = 14 + hlen
    return header


def read_model(path: Path) -> ModelData:
    """Read a model file written by :func:`write_model`."""
    raw = path.read_bytes()
    header = read_header(raw)
    start = header.pop("_payload_start")
    blobs: dict[str, bytes] = {}
    for sec in header["sections"]:
        if sec["codec"] != "zlib":
            raise ModelFormatError(f"unknown codec {sec['codec']!r}")
        a = start + sec["offset"]
        blobs[sec["name"]] = zlib.decompress(raw[a : a + sec["length"]])
    vocab = blobs["vocab"].decode("utf-8").split("\n")
    uni = _unpack_ints(blobs["unigram"])
    n = len(vocab)
    inv = 1.0 / _SCALE
    return ModelData(
        metadata={k: v for k, v in header.items() if k != "sections"},
        vocab=vocab,
        unigram=[x * inv for x in uni[:n]],
        unigram_backoff=[x * inv for x in uni[n:]],
        bigram=_unpack_keyed(blobs["bigram"]),
        bigram_backoff=_unpack_keyed(blobs["bigram_backoff"]),
        trigram=_unpack_keyed(blobs["trigram"]),
        inventory=blobs["inventory"].decode("utf-8").split("\n"),
        channel=json.loads(blobs["channel"]),
        tables=json.loads(blobs["tables"]),
    )


class RestorerModel:
    """A loaded model: the LM, the syllable index and the channel search."""

    def __init__(self, data: ModelData) -> None:
        self.metadata = data.metadata
        self.lm = NgramLM(
            data.vocab, data.unigram, data.unigram_backoff, data.bigram, data.bigram_backoff, data.trigram
        )
        self.inventory = frozenset(data.inventory)
        by_skeleton: dict[str, list[str]] = {}
        for syl in data.inventory:
            by_skeleton.setdefault(skeleton(syl), []).append(syl)
        self.cost = CostModel(ChannelCounts.from_json(data.channel))
        self.search = CandidateSearch(self.cost, by_skeleton)
        tables = data.tables
        self.acronym_repairs: dict[str, str] = dict(tables.get("acronym_repairs", {}))
        self.lexicon: list[str] = list(tables.get("lexicon", []))

    @classmethod
    def load(cls, path: Path | None = None) -> RestorerModel:
        return cls(read_model(path or DEFAULT_MODEL_PATH))


_LOCK = threading.Lock()
_LOADED: dict[Path, RestorerModel] = {}


def get_model(path: Path | None = None) -> RestorerModel:
    """The model at ``path`` (default: the shipped one), loaded once per process."""
    key = (path or DEFAULT_MODEL_PATH).resolve()
    model = _LOADED.get(key)
    if model is None:
        with _LOCK:
            model = _LOADED.get(key)
            if model is None:
                model = RestorerModel.load(key)
                _LOADED[key] = model
    return model
