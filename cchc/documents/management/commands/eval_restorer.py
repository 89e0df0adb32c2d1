"""Measure the syllable accuracy of the Vietnamese text restorer on the gold sets.

    python manage.py eval_restorer [--errors N] [--set NAME ...]

Sets (``fixtures/gold/manifest.json``): ``seed-tune`` (seed lines the restorer was tuned
on), ``seed-heldout`` (seed sections II.5–II.8 and IV.5–IV.8, never tuned on) and one
``other:*`` set per composed plan, damaged by the seeded OCR-damage generator.
Accuracy is token-aligned, case-insensitive, with hóa/hoá tone placement treated equal.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cchc.documents.restore import Restorer, get_model
from cchc.documents.restore.evaluation import Score, load_gold_sets, score_lines


class Command(BaseCommand):
    help = "Evaluate the Vietnamese text restorer against the gold texts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--errors", type=int, default=10, help="Worst errors to list per set.")
        parser.add_argument("--set", action="append", dest="sets", help="Only these sets (repeatable).")
        parser.add_argument("--model", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        model = get_model(options["model"])
        load_ms = (time.perf_counter() - t0) * 1000
        restorer = Restorer(model)
        sets = load_gold_sets(Path(settings.BASE_DIR))
        if options["sets"]:
            sets = [s for s in sets if s.name in options["sets"]]
        self.stdout.write(f"model {model.metadata.get('model')} loaded in {load_ms:.0f} ms\n")
        self.stdout.write(f"{'set':42} {'syllables':>9} {'accuracy':>9} {'numbers/codes':>14}")
        outputs: dict[str, str] = {}
        other = Score("other (all)")
        for gold_set in sets:
            if gold_set.ocr not in outputs:
                outputs[gold_set.ocr] = restorer.restore(gold_set.ocr).text
            restored = outputs[gold_set.ocr].split("\n")
            score = score_lines(gold_set.name, gold_set.gold.split("\n"), restored, gold_set.lines)
            if gold_set.name.startswith("other:"):
                other.add(score)
            self._row(score)
            worst = Counter((g, r) for _, g, r in score.errors).most_common(options["errors"])
            if worst:
                text = ", ".join(f"{g}→{r}" + (f" ×{n}" if n > 1 else "") for (g, r), n in worst)
                self.stdout.write(f"    worst: {text}")
        if other.total:
            self._row(other)

    def _row(self, score: Score) -> None:
        self.stdout.write(
            f"{score.name:42} {score.total:>9} {score.accuracy * 100:>8.2f}% {score.protected_accuracy * 100:>13.1f}%"
        )
