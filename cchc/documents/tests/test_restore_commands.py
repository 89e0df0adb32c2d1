"""The restore_text, eval_restorer and train_restorer management commands."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from cchc.documents.restore.model import read_header


class _Stdin:
    def __init__(self, text: str) -> None:
        self.buffer = io.BytesIO(text.encode("utf-8"))


def test_restore_text_reads_stdin_and_keeps_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("Thuc hién Nghi quyét s6 76/NQ-CP\n\ncta Chinh pha.\n"))
    call_command("restore_text", "--confidence")
    captured = capsys.readouterr()
    assert captured.out == "Thực hiện Nghị quyết số 76/NQ-CP\n\ncủa Chính phủ.\n"
    rows = [line.split("\t") for line in captured.err.strip().split("\n")]
    assert rows[0] == ["line", "column", "original", "restored", "confidence", "changed"]
    assert rows[-3][:4] == ["3", "1", "cta", "của"]
    assert all(0.0 <= float(r[4]) <= 1.0 for r in rows[1:])


def test_eval_restorer_reports_every_set() -> None:
    out = io.StringIO()
    call_command("eval_restorer", "--errors", "3", stdout=out)
    text = out.getvalue()
    for name in ("seed-tune", "seed-heldout", "other (all)"):
        assert name in text


def test_train_restorer_writes_a_model(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(
        "### 1 | UBND | 01/01/2025\nỦy ban nhân dân tỉnh ban hành kế hoạch cải cách hành chính.\n"
        "Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành.\n",
        encoding="utf-8",
    )
    output = tmp_path / "model.bin"
    out = io.StringIO()
    call_command("train_restorer", "--corpus", str(corpus), "--output", str(output), "--min-count", "1", stdout=out)
    assert "Wrote" in out.getvalue()
    assert read_header(output.read_bytes())["corpus"]["file"] == "corpus.txt"
