"""Benchmark of the Vietnamese text restorer: model size, load time, seed restore time.

Run from the project root:

    .venv/bin/python -m bench.bench_restorer [--runs N]

* model load, cold: a fresh interpreter imports the restorer and loads the model file;
* model load, warm: the same, again, in this process (file in the OS cache, modules imported);
* seed restore, first: the whole seed (32 KB) with a freshly loaded model, so every
  cache is empty (what the first import after start-up pays, load excluded);
* seed restore, warm: the same restorer again (candidate cache filled), median of N runs.

The restorer runtime imports nothing from Django, so no settings are needed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cchc.documents.restore import DEFAULT_MODEL_PATH, Restorer, RestorerModel

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_6b4a4a90fab0730f.txt"
_COLD = (
    "import time; t = time.perf_counter(); "
    "from cchc.documents.restore import RestorerModel; RestorerModel.load(); "
    "print(time.perf_counter() - t)"
)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    command = [sys.executable, "-c", _COLD]  # this interpreter and a fixed snippet
    cold = []
    for _ in range(3):
        done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
        cold.append(float(done.stdout))
    warm = []
    model = None
    for _ in range(args.runs):
        t = time.perf_counter()
        model = RestorerModel.load()
        warm.append(time.perf_counter() - t)
    assert model is not None

    text = SEED.read_text(encoding="utf-8")
    first = []
    for _ in range(args.runs):
        restorer = Restorer(RestorerModel.load())  # fresh model: every cache empty
        t = time.perf_counter()
        restorer.restore(text)
        first.append(time.perf_counter() - t)
    steady = []
    for _ in range(args.runs):
        t = time.perf_counter()
        restorer.restore(text)
        steady.append(time.perf_counter() - t)

    size = DEFAULT_MODEL_PATH.stat().st_size
    words = len(restorer.restore(text).words)
    print(f"model file            {DEFAULT_MODEL_PATH.relative_to(ROOT)}  {size / 1024:.0f} KiB ({size} bytes)")
    print(f"model load, cold      {_ms(statistics.median(cold))}   (median of {len(cold)} fresh interpreters)")
    print(f"model load, warm      {_ms(statistics.median(warm))}   (median of {len(warm)})")
    print(f"seed restore, first   {_ms(statistics.median(first))}   ({len(text)} chars, {words} words; empty caches)")
    print(f"seed restore, warm    {_ms(statistics.median(steady))}   (median of {len(steady)}; goal ≤ 1000 ms)")


if __name__ == "__main__":
    main()
