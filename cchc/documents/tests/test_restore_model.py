"""The model file: header and version checks, deterministic training, sane statistics."""

import math
import struct
from collections import Counter
from pathlib import Path

import pytest

from cchc.documents.restore.model import (
    DEFAULT_MODEL_PATH,
    FORMAT_VERSION,
    MAGIC,
    ModelFormatError,
    RestorerModel,
    read_header,
)
from cchc.documents.restore.restorer import Restorer
from cchc.documents.restore.training import MODEL_VERSION, train

CORPUS = """### 1/KH-UBND | ỦY BAN NHÂN DÂN TỈNH | 01/02/2025
Ủy ban nhân dân tỉnh ban hành kế hoạch cải cách hành chính năm 2025.
Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị, địa phương triển khai thực hiện.
Các sở, ban, ngành thực hiện nghiêm túc kế hoạch cải cách hành chính của tỉnh.
Sở Tư pháp phối hợp với Sở Nội vụ theo dõi thi hành pháp luật trên địa bàn tỉnh.

### 2/QĐ-UBND | ỦY BAN NHÂN DÂN TỈNH | 02/02/2025
Chủ tịch Ủy ban nhân dân tỉnh quyết định ban hành kế hoạch theo Nghị định số 30/2020/NĐ-CP.
Các cơ quan, đơn vị báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15/12/2025.
"""


def test_shipped_model_has_a_checked_header() -> None:
    raw = DEFAULT_MODEL_PATH.read_bytes()
    header = read_header(raw)
    assert raw[:8] == MAGIC
    assert header["format"] == FORMAT_VERSION
    assert header["model"] == MODEL_VERSION
    assert len(header["corpus"]["sha256"]) == 64
    assert DEFAULT_MODEL_PATH.stat().st_size < 4 * 1024 * 1024  # commit-sized


def test_wrong_magic_or_version_is_refused(tmp_path: Path) -> None:
    raw = DEFAULT_MODEL_PATH.read_bytes()
    with pytest.raises(ModelFormatError, match="magic"):
        read_header(b"NOTAMODEL" + raw[9:])
    future = raw[:8] + struct.pack("<H", FORMAT_VERSION + 1) + raw[10:]
    with pytest.raises(ModelFormatError, match="not supported"):
        read_header(future)


def _train(tmp_path: Path, name: str) -> Path:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("# terms\nSở Nội vụ\ncải cách hành chính\n", encoding="utf-8")
    pairs = Counter({("cta", "của"): 3, ("nudc", "nước"): 2, ("s6", "số"): 2, ("tinh", "tỉnh"): 4})
    output = tmp_path / name
    train(corpus=corpus, lexicon=lexicon, output=output, channel_pairs=pairs, min_count=1, min_trigram=1)
    return output


def test_training_is_deterministic(tmp_path: Path) -> None:
    first = _train(tmp_path, "a.bin").read_bytes()
    second = _train(tmp_path, "b.bin").read_bytes()
    assert first == second
    header = read_header(first)
    assert header["lm"]["trigrams_kept"] > 0
    assert "van" not in header  # no corpus text in the header


def test_trained_model_restores_and_normalises(tmp_path: Path) -> None:
    model = RestorerModel.load(_train(tmp_path, "m.bin"))
    lm = model.lm
    ids = [lm.id_of(w) for w in ("sở", "nội", "vụ")]
    assert lm.logp(ids[0], ids[1], ids[2]) > lm.logp(ids[0], ids[1], lm.id_of("tỉnh"))
    # The bigram distribution after "sở" sums to one over the vocabulary.
    total = sum(math.exp(lm.logp2(ids[0], w)) for w in range(len(lm.words)))
    assert total == pytest.approx(1.0, abs=0.02)
    assert Restorer(model).restore("So Noi vu chu tri").text == "Sở Nội vụ chủ trì"
