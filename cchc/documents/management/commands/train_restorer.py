"""Train the Vietnamese text restorer and write its model file.

    python manage.py train_restorer [--corpus PATH] [--output PATH]

Reads the corpus of official documents (default ``../shared/corpus/van-ban-hanh-chinh.txt.xz``
next to the project), the lexicon ``cchc/documents/data/lexicon-v1.txt`` and the tuning
lines of the seed gold (``fixtures/gold/manifest.json``); writes the n-gram statistics,
syllable inventory and OCR channel to ``cchc/documents/data/restorer-v1.bin``. The same
inputs always give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.documents.restore.model import DEFAULT_MODEL_PATH
from cchc.documents.restore.training import train, tune_pairs

_DATA = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "Train the Vietnamese text restorer (n-gram LM, syllable inventory, OCR channel)."

    def add_arguments(self, parser: CommandParser) -> None:
        root = Path(settings.BASE_DIR)
        parser.add_argument(
            "--corpus",
            type=Path,
            default=root.parent / "shared" / "corpus" / "van-ban-hanh-chinh.txt.xz",
            help="Corpus file (xz or plain UTF-8 text, one paragraph per line).",
        )
        parser.add_argument("--lexicon", type=Path, default=_DATA / "lexicon-v1.txt")
        parser.add_argument("--manifest", type=Path, default=root / "fixtures" / "gold" / "manifest.json")
        parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_PATH)
        parser.add_argument("--min-count", type=int, default=2, help="Words seen fewer times become <unk>.")
        parser.add_argument("--min-trigram", type=int, default=2, help="Trigrams seen fewer times are pruned.")

    def handle(self, *args: Any, **options: Any) -> None:
        corpus: Path = options["corpus"]
        if not corpus.exists():
            raise CommandError(f"Không tìm thấy kho văn bản: {corpus}")
        root = Path(settings.BASE_DIR)
        pairs = tune_pairs(root, options["manifest"])
        result = train(
            corpus=corpus,
            lexicon=options["lexicon"],
            output=options["output"],
            channel_pairs=pairs,
            min_count=options["min_count"],
            min_trigram=options["min_trigram"],
        )
        lm = result.metadata["lm"]
        if not isinstance(lm, dict):
            raise CommandError("model metadata lacks LM statistics")
        self.stdout.write(
            f"Wrote {result.path} ({result.size / 1024:.0f} KiB): vocabulary {lm['vocab']}, "
            f"bigrams {lm['bigrams']}, trigrams {lm['trigrams_kept']} of {lm['trigrams_seen']}, "
            f"channel pairs {sum(pairs.values())}."
        )
