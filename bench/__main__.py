"""Run every benchmark (``make bench``), each in its own interpreter.

Each benchmark sets up Django (or not) its own way, with its own throw-away database,
so they do not share a process. Results are recorded by hand in ``docs/performance.md``.
"""

import subprocess
import sys

BENCHMARKS = ("bench.bench_restorer", "bench.bench_plan_import", "bench.bench_plan_page")


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        failed += subprocess.call([sys.executable, "-m", module]) != 0  # noqa: S603
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
