"""Benchmark: ingest of synthetic dossiers and the province-wide Biểu 06 of one month (issue #5).

Run from the project root::

    .venv/bin/python -m bench.dossiers [--dossiers 1000000] [--stats-history 3000000] [--runs 15]
    DATABASE_URL=postgres://cchc:cchc@127.0.0.1:5432/cchc .venv/bin/python -m bench.dossiers ...

Without ``DATABASE_URL`` the database is a throw-away SQLite file in a temporary
directory; with a PostgreSQL ``DATABASE_URL`` Django's test database (``test_<name>``)
is created and dropped, so the named database is not touched.

Steps (only 3 and 4 are the ingest measurement):

1. a synthetic province (``--units``, ``--procedures``) through the services;
2. ``--dossiers`` synthetic dossiers over the year 2025, written as an import CSV
   (``dossiers.synthetic``; not timed as ingest);
3. the baseline: ``csv.reader`` over the same file and a bare ``sqlite3.executemany``
   of its rows into a table of the same 13 columns with a unique code, in one
   transaction, in a fresh SQLite file;
4. ``import_dossiers`` of the file (checks, clock, Biểu 06 counters, audit), rows/s,
   the peak RSS of this process and of the reading process it forks for a large file
   (``ru_maxrss`` of ``RUSAGE_SELF`` / ``RUSAGE_CHILDREN``), and the CPU seconds of each;
5. ``dossier_stats`` for November 2025, province-wide, median of ``--runs`` after a
   warm-up (on PostgreSQL, if autovacuum is busy with the rows just imported, once
   more after it, both reported), then again after importing older years of history (``--stats-history``,
   one more year of ``--dossiers`` each) to show that it does not grow with history;
   the raw-row path (``dossier_stats_from_rows``) once, and a check that both agree;
   also two other public readers: one unit's table per field × level (its public page,
   from the counters since the dossier table lost its index by unit, ADR 0009) and the
   years on offer;
6. the two sides of the ingest apart, after emptying the dossier tables so that they
   start as the import did (``--floor-rows`` rows of the last file, codes prefixed
   ``F-``): reading and checking alone (the block reader in a forked process, as the
   import runs it, with the hand-over to this process), and the database work alone
   (the same writer as the import: inserts, Biểu 06 counters, run row and audit row,
   one transaction per batch) on rows read beforehand. The second bounds the import
   however fast the reading gets. Also how much two busy processes get done on this
   machine compared with one (``cpu_parallelism``), since the import runs two.
"""

import argparse
import csv
import datetime as dt
import functools
import gc
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TMP = Path(tempfile.mkdtemp(prefix="bench-dossiers-"))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cchc.core.calendar import work_calendar  # noqa: E402
from cchc.dossiers.block_reading import block_csv_parts  # noqa: E402
from cchc.dossiers.disclosure import Period, available_years, unit_field_level_table  # noqa: E402
from cchc.dossiers.import_reading import Chunk, CopyChunk, forked_parts, load_catalogue  # noqa: E402
from cchc.dossiers.importing import DEFAULT_BATCH_SIZE, _import_parts, import_dossiers  # noqa: E402
from cchc.dossiers.io import CsvRows, read_dossier_file  # noqa: E402
from cchc.dossiers.management.commands.generate_dossiers import _create_catalogue  # noqa: E402
from cchc.dossiers.models import Dossier, DossierCount, DossierEvent  # noqa: E402
from cchc.dossiers.selectors import dossier_stats, dossier_stats_from_rows  # noqa: E402
from cchc.dossiers.synthetic import (  # noqa: E402
    FILE_COLUMNS,
    SyntheticProcedure,
    SyntheticUnit,
    generate_dossier_rows,
    synthetic_procedures,
    synthetic_units,
)

STATS_MONTH = (dt.date(2025, 11, 1), dt.date(2025, 11, 30))
LAST_YEAR = 2025


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """The peak resident set size so far of this process or its largest child (Linux reports KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def write_file(
    path: Path, *, units: list[SyntheticUnit], procedures: list[SyntheticProcedure], count: int, year: int, prefix: str
) -> float:
    """``count`` dossiers received in ``year`` as an import CSV; codes start with ``prefix``. Seconds taken."""
    started = time.perf_counter()
    rows = generate_dossier_rows(
        units=units,
        procedures=procedures,
        count=count,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        seed=year,
        calendar=work_calendar(),
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FILE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            row["code"] = prefix + row["code"]
            writer.writerow(row)
    return time.perf_counter() - started


def baseline_executemany(path: Path) -> float:
    """Seconds for csv.reader + a bare ``sqlite3.executemany`` of the file's rows into a fresh SQLite file."""
    target = _TMP / "baseline.sqlite3"
    target.unlink(missing_ok=True)
    db = sqlite3.connect(target)
    columns = ", ".join(f"{name} TEXT" for name in FILE_COLUMNS)
    db.execute(f"CREATE TABLE dossier (id INTEGER PRIMARY KEY, {columns}, UNIQUE (code))")
    marks = ", ".join("?" * len(FILE_COLUMNS))
    started = time.perf_counter()

    def rows() -> Iterator[list[str]]:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            yield from reader

    with db:
        db.executemany(f"INSERT INTO dossier ({', '.join(FILE_COLUMNS)}) VALUES ({marks})", rows())  # noqa: S608
    elapsed = time.perf_counter() - started
    db.close()
    target.unlink()
    return elapsed


def time_stats(runs: int) -> tuple[float, float, int]:
    """Median and max milliseconds of the province-wide ``dossier_stats`` of ``STATS_MONTH``, and its units."""
    date_from, date_to = STATS_MONTH
    table = dossier_stats(date_from=date_from, date_to=date_to)  # warm-up
    samples = []
    for _run in range(runs):
        started = time.perf_counter()
        table = dossier_stats(date_from=date_from, date_to=date_to)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples), len(table.units)


def time_other_readers(unit_code: str, runs: int) -> str:
    """Median milliseconds of one unit's table per field × level for ``STATS_MONTH`` (its page), ``available_years``."""
    samples: dict[str, list[float]] = {"unit": [], "years": []}
    period = Period(date_from=STATS_MONTH[0], date_to=STATS_MONTH[1])
    for _run in range(runs):
        started = time.perf_counter()
        rows = len(unit_field_level_table(unit_code=unit_code, period=period).rows)
        samples["unit"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        available_years(STATS_MONTH[1])
        samples["years"].append((time.perf_counter() - started) * 1000)
    unit, years = (statistics.median(samples[key]) for key in ("unit", "years"))
    return f"one unit's table ({unit_code}, {rows} field × level rows) {unit:.1f} ms, available_years {years:.1f} ms"


def autovacuum_workers() -> int:
    """PostgreSQL's autovacuum workers busy in this database now (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'autovacuum worker' AND datname = current_database()"
        )
        (busy,) = cursor.fetchone()
    return busy


def wait_for_autovacuum(limit: float = 300.0) -> float:
    """Seconds waited (at most ``limit``) until no autovacuum worker is busy in this database."""
    started = time.perf_counter()
    while autovacuum_workers() and time.perf_counter() - started < limit:
        time.sleep(0.5)
    return time.perf_counter() - started


def report_stats(runs: int, *, check_raw: bool, unit_code: str) -> None:
    stored = Dossier.objects.count()
    counters = DossierCount.objects.count()
    busy = autovacuum_workers()
    median, worst, units = time_stats(runs)
    line = f"Biểu 06 {STATS_MONTH[0]:%m/%Y}, {stored:>10,} dossiers stored, {counters:>9,} counter rows"
    if busy:  # PostgreSQL's autovacuum (of the dossiers just imported) shares the two cores: once more after it
        waited = wait_for_autovacuum()
        during = f"median {median:7.1f} ms, max {worst:7.1f} ms while autovacuum ran"
        median, worst, units = time_stats(runs)
        line += f" ({during}; waited {waited:.0f} s)"
    print(f"{line}: median {median:7.1f} ms, max {worst:7.1f} ms ({units} units)", flush=True)
    print(f"  other readers (median of 3): {time_other_readers(unit_code, 3)}", flush=True)
    if check_raw:
        started = time.perf_counter()
        raw = dossier_stats_from_rows(date_from=STATS_MONTH[0], date_to=STATS_MONTH[1])
        elapsed = (time.perf_counter() - started) * 1000
        same = raw == dossier_stats(date_from=STATS_MONTH[0], date_to=STATS_MONTH[1])
        print(f"  raw-row path (sla.group_stats over the dossiers): {elapsed:9.1f} ms, equal: {same}", flush=True)
        if not same:
            raise SystemExit("The counters disagree with the raw rows.")


def _spin(loops: int) -> None:
    total = 0
    for number in range(loops):
        total += number


def cpu_parallelism(loops: int = 20_000_000) -> float:
    """How many times one process's work two busy processes get done in the same time (2.0 = two whole cores)."""
    import multiprocessing

    started = time.perf_counter()
    _spin(loops)
    alone = time.perf_counter() - started
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_spin, args=(loops,)) for _ in range(2)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return 2 * alone / (time.perf_counter() - started)


def _empty_dossier_tables() -> None:
    """Delete every dossier, event and counter (the end of a run), so the sample starts as the import did."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in (DossierEvent, Dossier, DossierCount)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the models' own table names


def report_floor(path: Path, count: int, base_rate: float) -> None:
    """Reading alone and the database work alone, on the first ``count`` rows of ``path``, into empty tables."""
    _empty_dossier_tables()
    sample = _TMP / "floor.csv"
    with path.open(encoding="utf-8", newline="") as source, sample.open("w", encoding="utf-8", newline="") as target:
        target.write(source.readline())
        for _number, line in zip(range(count), source, strict=False):
            target.write("F-" + line)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # as import_dossiers does
    try:
        with sample.open("rb") as handle:
            rows = read_dossier_file(handle, sample.name)
            assert isinstance(rows, CsvRows)
            catalogue = load_catalogue(None)
            # As the import reads a file this large: the block reader in a forked process.
            started = time.perf_counter()
            copy_text = connection.vendor == "postgresql"
            read = functools.partial(
                block_csv_parts, rows, catalogue, batch_size=DEFAULT_BATCH_SIZE, copy_text=copy_text
            )
            parts = list(forked_parts(read))
            reading = time.perf_counter() - started
        written = sum(len(part.rows) for part in parts if isinstance(part, Chunk))
        written += sum(part.count for part in parts if isinstance(part, CopyChunk))
        started = time.perf_counter()
        summary = _import_parts((part for part in parts), name=sample.name, actor=None)
        writing = time.perf_counter() - started
    finally:
        if gc_was_enabled:
            gc.enable()
    if summary.created != written:
        raise SystemExit(f"The floor sample wrote {summary.created:,} of {written:,} rows.")
    per_row = writing / written * 1e6
    ceiling = written / writing
    print(
        f"apart, on {written:,} rows: reading and checking alone (forked, handed over) "
        f"{reading / written * 1e6:.2f} µs/row; "
        f"database work alone {per_row:.2f} µs/row, so at most {ceiling:,.0f} rows/s "
        f"({ceiling / base_rate:.0%} of the baseline) however fast the reading",
        flush=True,
    )
    print(f"  two busy processes on this machine do {cpu_parallelism():.2f}× the work of one", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers per year of data (ingest size)")
    parser.add_argument("--stats-history", type=int, default=0, help="grow the history to at least this many")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--procedures", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-raw", action="store_true", help="skip the raw-row path (slow at millions)")
    parser.add_argument(
        "--floor-rows", type=int, default=200_000, help="rows for the two sides measured apart (0: skip)"
    )
    parser.add_argument(
        "--parallel",
        choices=("auto", "yes", "no"),
        default="auto",
        help="read the file in a second process (auto: as import_dossiers decides, by file size)",
    )
    args = parser.parse_args()

    vendor = connection.vendor
    if vendor == "postgresql":
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    print(f"database: {vendor} ({connection.settings_dict['NAME']}), Python {sys.version.split()[0]}", flush=True)
    try:
        units = synthetic_units(args.units)
        procedures = synthetic_procedures(args.procedures, seed=1)
        _create_catalogue(units, procedures)
        path = _TMP / "dossiers.csv"
        seconds = write_file(path, units=units, procedures=procedures, count=args.dossiers, year=LAST_YEAR, prefix="")
        size = path.stat().st_size / 2**20
        print(f"generated {args.dossiers:,} dossiers ({size:.0f} MiB CSV) in {seconds:.1f} s", flush=True)

        baseline = baseline_executemany(path)
        base_rate = args.dossiers / baseline
        print(f"baseline csv.reader + sqlite3.executemany: {baseline:7.2f} s, {base_rate:>9,.0f} rows/s", flush=True)

        rss_before = peak_rss_mb()
        kwargs: dict[str, Any] = {"batch_size": args.batch_size} if args.batch_size else {}
        kwargs["parallel"] = {"auto": None, "yes": True, "no": False}[args.parallel]
        cpu_before = cpu_seconds(resource.RUSAGE_SELF)
        started = time.perf_counter()
        summary = import_dossiers(path=path, **kwargs)
        elapsed = time.perf_counter() - started
        rate = summary.rows_read / elapsed
        print(
            f"import_dossiers:                          {elapsed:7.2f} s, {rate:>9,.0f} rows/s "
            f"({rate / base_rate:.0%} of the baseline), created {summary.created:,}, "
            f"rejected {summary.rejected_count}, {summary.batches} batches, "
            f"{summary.block_rows / max(summary.rows_read, 1):.0%} of the rows read in blocks",
            flush=True,
        )
        print(
            f"  peak RSS {peak_rss_mb():.0f} MB (before: {rss_before:.0f} MB), "
            f"reading process {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB; "
            f"CPU {cpu_seconds(resource.RUSAGE_SELF) - cpu_before:.1f} s here, "
            f"{cpu_seconds(resource.RUSAGE_CHILDREN):.1f} s reading",
            flush=True,
        )
        unit_code = units[len(units) // 2].code
        report_stats(args.runs, check_raw=not args.no_raw, unit_code=unit_code)

        year = LAST_YEAR
        while Dossier.objects.count() < args.stats_history:
            year -= 1
            write_file(path, units=units, procedures=procedures, count=args.dossiers, year=year, prefix=f"Y{year}-")
            started = time.perf_counter()
            summary = import_dossiers(path=path, **kwargs)
            elapsed = time.perf_counter() - started
            print(
                f"history {year}: imported {summary.created:,} in {elapsed:.1f} s "
                f"({summary.rows_read / elapsed:,.0f} rows/s)",
                flush=True,
            )
            report_stats(args.runs, check_raw=not args.no_raw, unit_code=unit_code)
        if args.floor_rows:
            report_floor(path, min(args.floor_rows, args.dossiers), base_rate)
    finally:
        if vendor == "postgresql":
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        for leftover in _TMP.iterdir():
            leftover.unlink()
        _TMP.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
