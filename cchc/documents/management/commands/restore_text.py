"""Repair Vietnamese text from standard input.

    python manage.py restore_text < in.txt > out.txt
    python manage.py restore_text --confidence < in.txt > out.txt 2> words.tsv

Writes the repaired text to standard output with the same lines and punctuation as the
input. With ``--confidence`` a tab-separated report (line, column, original, restored,
confidence, changed) goes to standard error so the text on standard output stays clean.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cchc.documents.restore import get_restorer


class Command(BaseCommand):
    help = "Put back Vietnamese diacritics and repair OCR letter confusions in text read from stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--confidence", action="store_true", help="Write a per-word TSV report to stderr.")
        parser.add_argument("--threshold", type=float, default=1.0, help="Report only words below this confidence.")
        parser.add_argument("--model", type=Path, default=None, help="Model file (default: the shipped one).")

    def handle(self, *args: Any, **options: Any) -> None:
        data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        result = get_restorer(options["model"]).restore(data)
        sys.stdout.write(result.text)
        sys.stdout.flush()
        if options["confidence"]:
            err = sys.stderr
            err.write("line\tcolumn\toriginal\trestored\tconfidence\tchanged\n")
            for word in result.words:
                if word.confidence >= options["threshold"] and options["threshold"] < 1.0:
                    continue
                line = data.count("\n", 0, word.start) + 1
                column = word.start - (data.rfind("\n", 0, word.start) + 1) + 1
                err.write(
                    f"{line}\t{column}\t{word.original}\t{word.restored}\t{word.confidence:.3f}\t{int(word.changed)}\n"
                )
