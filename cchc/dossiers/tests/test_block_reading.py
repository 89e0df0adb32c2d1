"""The block reader (Polars) gives exactly the parts of the row-by-row reader, and runs only where it may.

Every comparison runs both readers in a forked process (``forked_parts``), as the import
does: the test process itself never starts Polars, whose threads a fork would not have.
"""

import csv
import datetime as dt
import functools
import io
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cchc.core.calendar import work_calendar
from cchc.dossiers import block_reading, block_sources, import_reading
from cchc.dossiers.import_reading import BatchEnd, Chunk, CopyChunk, csv_parts, forked_parts, load_catalogue
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.io import read_dossier_file
from cchc.dossiers.models import Dossier, DossierCount
from cchc.dossiers.stored_rows import rows_from_copy_text
from cchc.dossiers.synthetic import FILE_COLUMNS, generate_dossier_rows, synthetic_procedures, synthetic_units
from cchc.dossiers.tests.test_importing import _spellings_file, _stored_state
from cchc.organizations.tests.factories import make_unit
from cchc.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.usefixtures("catalogue")

EXTRA_COLUMNS = ["electronic_result", "supplement_requested_at", "apology_sent_on", "handling_unit_codes"]


def _batches(parts: list) -> list[tuple]:
    """Per batch: its stored rows in order, rows read, rejections, counter months and rows read in blocks."""
    batches, rows = [], []
    for part in parts:
        if isinstance(part, Chunk):
            assert len(part.rows) <= import_reading.CHUNK_SIZE
            rows.extend(part.rows)
        elif isinstance(part, CopyChunk):
            copied = rows_from_copy_text(part.text)
            assert len(copied) == part.count <= import_reading.CHUNK_SIZE
            rows.extend(copied)
        else:
            assert isinstance(part, BatchEnd)
            batches.append((rows, part.rows_read, part.rejected_count, part.rejected, part.months, part.block_rows))
            rows = []
    return batches


def _read_both(path: Path, batch_size: int, *, text: bool = False) -> tuple[list[tuple], list[tuple]]:
    """The batches of the row-by-row reader and of the block reader (tuples, then ``COPY`` text), forked.

    Returns the row-by-row batches and the block reader's, after checking that its two
    outputs (tuples for SQLite, ``COPY`` text for PostgreSQL) hold the same rows. The
    file is opened as bytes (blocks read as bytes), or with ``text`` as text (blocks of lines).
    """
    catalogue = load_catalogue(None)
    readers = [
        functools.partial(csv_parts, batch_size=batch_size),
        functools.partial(block_reading.block_csv_parts, batch_size=batch_size),
        functools.partial(block_reading.block_csv_parts, batch_size=batch_size, copy_text=True),
    ]
    results = []
    for reader in readers:
        with path.open("r", encoding="utf-8", newline="") if text else path.open("rb") as handle:
            rows = read_dossier_file(handle, path.name)
            assert (rows.binary is None) == text
            results.append(_batches(list(forked_parts(functools.partial(reader, rows, catalogue)))))
    assert results[2] == results[1]
    return results[0], results[1]


def _assert_same(by_rows: list[tuple], by_blocks: list[tuple]) -> int:
    """Equal but for the block count (always 0 row by row); the rows read in blocks."""
    assert [batch[:-1] for batch in by_blocks] == [batch[:-1] for batch in by_rows]
    assert all(batch[-1] == 0 for batch in by_rows)
    return sum(batch[-1] for batch in by_blocks)


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 300 lines read 5,000 bytes at a time, and chunks of 120, so a few thousand rows cross many
    of each (the fork inherits them)."""
    monkeypatch.setattr(block_reading, "BLOCK_LINES", 300)
    monkeypatch.setattr(block_sources, "READ_BYTES", 5_000)
    monkeypatch.setattr(block_reading, "CHUNK_SIZE", 120)
    monkeypatch.setattr(import_reading, "CHUNK_SIZE", 120)


def _synthetic_lines(count: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """A header and ``count`` synthetic rows across the regime change of 1/7/2025, every cell in a usual spelling.

    Times in each spelling the fast parser takes (``T`` or space, ``Z``, ``+00:00``,
    ``+07:00`` or no zone, ``DD/MM/YYYY``), yes/no as 0/1/true/false/empty, one
    handling unit, supplement requests, apologies with the day they were sent.
    """
    units, procedures = synthetic_units(3), synthetic_procedures(6, seed=seed)
    for unit in units:
        make_unit(code=unit.code)
    for procedure in procedures:
        make_procedure(
            code=procedure.code, time_limit_days=procedure.time_limit_days, field=procedure.field, level=procedure.level
        )
    rng = random.Random(seed)

    def spell(text: str) -> str:
        moment = dt.datetime.fromisoformat(text)
        utc = moment.astimezone(dt.UTC)
        return rng.choice(
            [
                text,
                utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                utc.isoformat(),
                moment.strftime("%Y-%m-%d %H:%M:%S"),
                moment.strftime("%d/%m/%Y %H:%M:%S"),
                moment.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
            ]
        )

    columns = [*FILE_COLUMNS, *EXTRA_COLUMNS]
    lines = []
    generated = generate_dossier_rows(
        units=units,
        procedures=procedures,
        count=count,
        date_from=dt.date(2025, 5, 1),
        date_to=dt.date(2025, 8, 31),
        seed=seed,
        calendar=work_calendar(),
    )
    for row in generated:
        received = dt.datetime.fromisoformat(row["received_at"])
        if row["resolved_at"] and rng.random() < 0.2:  # half-way between receipt and resolution
            resolved = dt.datetime.fromisoformat(row["resolved_at"])
            row["supplement_requested_at"] = (received + (resolved - received) / 2).replace(microsecond=0).isoformat()
        for key in ("received_at", "resolved_at", "returned_at", "supplement_requested_at"):
            if row.get(key):
                row[key] = spell(row[key])
        for key in ("paid_online", "digitized"):
            row[key] = rng.choice([row[key], "true" if row[key] == "1" else "false"])
        if row["apology_new_due_date"] and rng.random() < 0.7:
            row["apology_sent_on"] = received.date().isoformat()
        row["electronic_result"] = rng.choice(["", "0", "1", "true", "false"])
        row["handling_unit_codes"] = rng.choice(["", "", units[1].code])
        lines.append([row.get(key, "") for key in columns])
    return columns, lines


def _write(path: Path, columns: list[str], lines: list[list[str]], *, delimiter: str = ",", ending: str = "\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerows([columns, *lines])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize(("delimiter", "ending"), [(",", "\n"), (";", "\r\n"), ("\t", "\n")])
def test_usual_rows_are_all_read_in_blocks_and_equal_the_row_by_row_reader(tmp_path, delimiter, ending):
    """2,000 rows in every usual spelling, three delimiters, CRLF: the same parts, every row taken by a block."""
    columns, lines = _synthetic_lines(2_000, seed=5)
    path = _write(tmp_path / "hoso.csv", columns, lines, delimiter=delimiter, ending=ending)
    by_rows, by_blocks = _read_both(path, batch_size=700)
    assert _assert_same(by_rows, by_blocks) == 2_000
    assert [batch[1] for batch in by_rows] == [700, 700, 600]


@pytest.mark.usefixtures("small_blocks")
def test_odd_rows_send_only_their_piece_row_by_row_and_the_result_is_the_same(tmp_path):
    """Bad rows, aliases, repeated codes, blank lines, extra cells and a late quoted cell: equal parts, fewer blocks."""
    columns, lines = _synthetic_lines(2_400, seed=6)
    lines[10][columns.index("unit_code")] = "U-KHONG-CO"  # unknown unit: rejected
    lines[400][columns.index("channel")] = "trực tuyến"  # an alias (and not ASCII): accepted row by row
    lines[401][columns.index("resolved_at")] = "2020-01-01T08:00:00+07:00"  # resolved before received
    lines[900][columns.index("code")] = lines[899][columns.index("code")]  # repeated within a block
    lines[1500][columns.index("code")] = lines[1000][columns.index("code")]  # repeated across blocks of a batch
    lines[1600][0] = " " + lines[1600][0]  # a space the fast path strips
    lines[1700] = [""] * len(columns)  # blank: skipped
    lines[1800] = [*lines[1800], "", "thừa"]  # an extra non-blank cell: rejected
    lines[1300] = [*lines[1300], "x"]  # one cell too many and, in the same block, one too few:
    lines[1301] = lines[1301][:-1]  # the block's cell count adds up, Polars refuses it, rows read one by one
    lines[2300][columns.index("handling_unit_codes")] = 'U1 "chính"'  # a quote (rejected): the rest row by row
    path = _write(tmp_path / "hoso.csv", columns, lines)
    by_rows, by_blocks = _read_both(path, batch_size=1_000)
    in_blocks = _assert_same(by_rows, by_blocks)
    assert 1_000 < in_blocks < 2_300
    # Unknown unit, resolved before received, two repeats, three rows with the wrong number of cells,
    # the quoted handling unit.
    assert sum(batch[2] for batch in by_rows) == 8


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("read_bytes", [1, 333, 10**6])
def test_blocks_of_bytes_cut_at_line_ends_whatever_is_read_at_a_time(tmp_path, monkeypatch, read_bytes):
    """Bytes read one, 333 or a million at a time, a last line without its end: every row once, in blocks."""
    monkeypatch.setattr(block_sources, "READ_BYTES", read_bytes)
    columns, lines = _synthetic_lines(1_000, seed=9)
    path = _write(tmp_path / "hoso.csv", columns, lines)
    path.write_bytes(path.read_bytes().removesuffix(b"\n"))
    by_rows, by_blocks = _read_both(path, batch_size=450)
    assert _assert_same(by_rows, by_blocks) == 1_000
    assert [batch[1] for batch in by_rows] == [450, 450, 100]


@pytest.mark.usefixtures("small_blocks")
def test_a_text_stream_is_read_in_blocks_of_its_lines_and_the_result_is_the_same(tmp_path):
    """A file opened as text has no bytes to read in blocks: its lines are joined instead, odd rows and all."""
    columns, lines = _synthetic_lines(1_200, seed=10)
    lines[500][columns.index("channel")] = "trực tuyến"  # not ASCII: its piece row by row
    lines[1100][columns.index("handling_unit_codes")] = 'U1 "chính"'  # a quote: the rest row by row
    path = _write(tmp_path / "hoso.csv", columns, lines)
    by_rows, by_blocks = _read_both(path, batch_size=700, text=True)
    # Row by row: the piece of 120 lines with row 500, and from the block with the quote (rows 1,000 on) to the end.
    assert _assert_same(by_rows, by_blocks) == 1_200 - 120 - 200


@pytest.mark.usefixtures("small_blocks")
def test_a_file_with_only_some_columns_reads_the_same(tmp_path):
    """Missing optional columns are blank for both readers."""
    columns, lines = _synthetic_lines(500, seed=7)
    keep = [
        columns.index(key) for key in ("code", "procedure_code", "unit_code", "channel", "received_at", "resolved_at")
    ]
    path = _write(tmp_path / "hoso.csv", [columns[i] for i in keep], [[line[i] for i in keep] for line in lines])
    by_rows, by_blocks = _read_both(path, batch_size=10_000)
    assert _assert_same(by_rows, by_blocks) == 500


@pytest.mark.usefixtures("small_blocks")
def test_the_spellings_file_reads_the_same_in_blocks(tmp_path):
    """The fast parser's own test file (every spelling and rejection) in batches of 7: the same parts."""
    path = tmp_path / "hoso.csv"
    path.write_text(_spellings_file(), encoding="utf-8")
    by_rows, by_blocks = _read_both(path, batch_size=7)
    _assert_same(by_rows, by_blocks)


@pytest.mark.usefixtures("small_blocks")
def test_an_import_read_in_blocks_stores_what_one_read_row_by_row_stores(tmp_path):
    """End to end: the block reader (parallel) and the row-by-row reader give the same dossiers and counters."""
    columns, lines = _synthetic_lines(1_500, seed=8)
    path = _write(tmp_path / "hoso.csv", columns, lines)
    one = import_dossiers(path=path, batch_size=600, parallel=False)
    state = _stored_state()
    Dossier.objects.all().delete()
    DossierCount.objects.all().delete()
    two = import_dossiers(path=path, batch_size=600, parallel=True)
    assert _stored_state() == state
    assert (two.created, two.rejected, two.batches) == (one.created, one.rejected, one.batches) == (1_500, [], 3)
    assert (one.block_rows, two.block_rows) == (0, 1_500)
    again = import_dossiers(path=path, batch_size=600, parallel=True)  # every code stored: the careful way
    assert (again.created, again.unchanged, again.block_rows) == (0, 1_500, 1_500)
    assert _stored_state() == state


def test_polars_is_refused_in_a_fork_of_a_process_that_ran_it():
    """Polars' threads do not survive a fork: once a process ran it, its forks read row by row instead of hanging."""
    script = textwrap.dedent(
        """
        import os, django
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        django.setup()
        from cchc.dossiers import block_reading
        assert block_reading.usable()
        block_reading._polars().DataFrame({"a": [1, 2, 3]}).group_by("a").len()
        assert block_reading.usable()
        pid = os.fork()
        if pid == 0:
            os._exit(0 if not block_reading.usable() else 3)
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status))
        """
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "child 0"
    assert "polars" not in sys.modules  # and this test process never started it
