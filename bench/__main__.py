"""Run every benchmark (``make bench``), each in its own interpreter.

Each benchmark sets up Django (or not) its own way, with its own throw-away database,
so they do not share a process. Results are recorded by hand in ``docs/performance.md``.
"""

import subprocess
import sys

# bench.dossiers is left out: a 1M-dossier run takes minutes (docs/performance.md has its commands).
BENCHMARKS = (
    "bench.bench_restorer", "bench.bench_plan_import", "bench.bench_plan_page", "bench.scoring", "bench.reports",
)  # fmt: skip


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        failed += subprocess.call([sys.executable, "-m", module]) != 0  # noqa: S603
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
