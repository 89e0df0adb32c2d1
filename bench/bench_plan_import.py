"""Benchmark: importing the seed plan (read → outline → repair → units → references).

Run: ``.venv/bin/python -m bench.bench_plan_import`` (from the project root). Uses a
throw-away in-memory SQLite database with the shipped units, so it touches nothing.
Prints the model load time, the cold and warm analysis time of the seed, and the
time to create the plan in the database. Goal (issue #3): ≤ 1 s warm.
"""

import os
import statistics
import time
from pathlib import Path

os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from cchc.documents.analysis import analyse_document  # noqa: E402
from cchc.documents.restore.model import DEFAULT_MODEL_PATH  # noqa: E402
from cchc.documents.restore.restorer import get_restorer  # noqa: E402
from cchc.organizations.importing import cohorts_load_default, units_load_default  # noqa: E402
from cchc.organizations.models import OrgUnit  # noqa: E402
from cchc.plans.selectors import unit_candidates_for_year  # noqa: E402
from cchc.plans.services import plan_import_confirm, plan_import_create  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "000_6b4a4a90fab0730f.txt"
RUNS = 7


def main() -> None:
    call_command("migrate", verbosity=0)
    cohorts_load_default()
    units_load_default()
    data = SEED.read_bytes()
    candidates = unit_candidates_for_year(year=2023)

    started = time.perf_counter()
    get_restorer()
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    analysis = analyse_document(name=SEED.name, data=data, candidates=candidates)
    cold_s = time.perf_counter() - started

    warm = []
    for _ in range(RUNS):
        started = time.perf_counter()
        analyse_document(name=SEED.name, data=data, candidates=candidates)
        warm.append(time.perf_counter() - started)

    db = []
    province = OrgUnit.objects.get(code="HD")
    for _ in range(3):
        started = time.perf_counter()
        with transaction.atomic():
            plan_import = plan_import_create(actor=None, unit=province, year=2023, file_name=SEED.name, data=data)
            plan_import_confirm(actor=None, plan_import=plan_import)
            transaction.set_rollback(True)
        db.append(time.perf_counter() - started)

    print(f"model: {DEFAULT_MODEL_PATH.name}, {DEFAULT_MODEL_PATH.stat().st_size / 1024:,.0f} KiB")
    print(f"seed: {len(data):,} bytes, {analysis.line_count} lines, {len(analysis.nodes)} nodes")
    print(f"{'step':<44} {'seconds':>8}")
    print(f"{'restorer model load (first use)':<44} {load_s:>8.3f}")
    print(f"{'analysis, first run (caches cold)':<44} {cold_s:>8.3f}")
    print(f"{'analysis, warm (median of ' + str(RUNS) + ')':<44} {statistics.median(warm):>8.3f}")
    print(f"{'import + confirm into the DB (median of 3)':<44} {statistics.median(db):>8.3f}")


if __name__ == "__main__":
    main()
