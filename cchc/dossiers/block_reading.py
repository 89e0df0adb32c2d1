"""Reading a CSV export a block of lines at a time, with Polars: the import's reading side at speed.

:func:`block_csv_parts` gives exactly the parts of :func:`import_reading.csv_parts` (the
same stored rows in the same order, the same rejections, the same Biểu 06 day deltas),
only faster: a block of up to ``room`` lines (the rows left before the chunk or the
batch is full) is split and checked column by column in Polars, and its rows become
stored rows all at once. A block is taken that way only when every one of its rows is
a row the fast parser (``stored_rows.FastRowParser``) takes and no code repeats one
already in the batch; any other block (a rejection, an alias, a repeated code,
non-ASCII text, a stray carriage return, a blank line) is read row by row by
``import_reading.read_rows``, and a block with a double quote hands the rest of the
file to it (a quoted cell may span lines). So every check and message stays where it
is, and the block path only has to agree with the fast parser, which the tests hold.

The block path asks the fast parser's own memo fillers for what it has not met yet (a
time's hour, a regime's cut-off, a clock, a date), once per distinct key of the
block, and joins their answers back: the rules live in one place.

Polars runs a thread pool that a forked child cannot use once the parent has started
it, so the block path runs only in the import's forked reading process
(``import_reading.forked_parts``) and :func:`usable` refuses it anywhere else.
"""

import csv
import os
import sys
from collections.abc import Iterator
from typing import Any

from cchc.dossiers.block_counting import BlockCounts
from cchc.dossiers.block_sources import block_source, encoded
from cchc.dossiers.counter_store import MonthRows
from cchc.dossiers.import_reading import (
    CHUNK_SIZE,
    BatchBuilder,
    Catalogue,
    Chunk,
    CopyChunk,
    Part,
    Parts,
    flush_parts,
    read_rows,
)
from cchc.dossiers.io import COLUMNS, MAX_CODE_LENGTH, MAX_HANDLING_CODES_LENGTH, CsvRows
from cchc.dossiers.stored_rows import (
    FAST_FLAGS,
    FAST_ZONES,
    MINUTES_SECONDS,
    PAUSES,
    STORED_COLUMNS,
    STORED_NULLABLE,
    FastRowParser,
)

#: Lines read and checked at a time (the rows of a block live in Polars and then as Python tuples).
BLOCK_LINES = 20_000
#: The process that first ran Polars here; a process forked from it must not run Polars.
_POLARS_STARTED_IN: int | None = None
#: What Python's ``str.strip`` and ``re``'s ``\\s`` take for white space among ASCII characters.
_ASCII_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
#: Stored columns with few distinct values in a block: one Python object per value, shared by the rows.
#: Not the times and codes (many values), nor the flags and pauses (Python shares small numbers already).
_SHARED = frozenset(STORED_COLUMNS) - {
    *("code", "received_at", "resolved_at", "returned_at", "supplement_requested_at"),
    *("due_disagrees", "paused_working_days", "paid_online", "digitized", "electronic_result"),
}


def usable() -> bool:
    """Whether this process may run Polars: it is not a fork of a process that already did."""
    return _POLARS_STARTED_IN in (None, os.getpid())


def _polars() -> Any:
    """Polars, marked as started in this process; one thread unless ``POLARS_MAX_THREADS`` says otherwise.

    The import runs two busy processes on two cores already (this reader and the
    writer): a second Polars thread only competes with the writer (measured: slower).
    """
    global _POLARS_STARTED_IN
    _POLARS_STARTED_IN = os.getpid()
    if "polars" not in sys.modules:
        os.environ.setdefault("POLARS_MAX_THREADS", "1")
    import polars

    return polars


class _BlockBuilder(BatchBuilder):
    """The batch state of ``BatchBuilder``, plus the counting facts of the rows taken a block at a time."""

    def __init__(self, *, batch_size: int, blocks: "_Blocks") -> None:
        super().__init__(batch_size=batch_size)
        self.blocks = blocks
        self.facts: list[Any] = []
        #: Parts made ahead of the chunk (``CopyChunk`` text), in file order.
        self.ready: list[Part] = []
        #: The rows of the block just taken, still to be made into tuples (after ``chunk``).
        self.waiting: Iterator[list[tuple[Any, ...]]] | None = None

    def months(self) -> MonthRows:
        if not self.facts:
            return super().months()
        months = self.blocks.counts.month_rows(self.facts, self.deltas.day_rows())
        self.facts = []
        return months


def block_csv_parts(rows: CsvRows, catalogue: Catalogue, *, batch_size: int, copy_text: bool = False) -> Parts:
    """The parts of a CSV file, as ``csv_parts`` makes them, read a block of lines at a time.

    A block is up to ``BLOCK_LINES`` lines, never past the end of the batch. A block
    that cannot be taken whole is tried again in pieces of ``CHUNK_SIZE`` lines, and a
    piece that cannot be taken either is read row by row; so one odd row costs the
    speed of one piece, not of the file. With ``copy_text`` (PostgreSQL) the rows of
    a block go out as ``CopyChunk`` text written by Polars, never as Python tuples.
    """
    pl = _polars()
    parser = FastRowParser(rows.keys, procedures=catalogue.procedures, units=catalogue.units, clock=catalogue.clock)
    blocks = _Blocks(pl, rows, parser, copy_text=copy_text)
    builder = _BlockBuilder(batch_size=batch_size, blocks=blocks)
    source = block_source(rows)
    end = rows.header_number
    while True:
        data, count = source.block(min(BLOCK_LINES, batch_size - builder.size))
        if not count:
            break
        if b'"' in data:  # a quoted cell may go on over the next lines: the rest the usual way
            reader = csv.reader(_chain(source.lines(data), source.rest()), delimiter=rows.delimiter, strict=True)
            yield from read_rows(builder, rows, catalogue, parser, reader, end)
            break
        if not blocks.take(data, count, end + 1, builder):
            lines = source.lines(data)
            del data
            for offset in range(0, len(lines), CHUNK_SIZE):
                piece = lines[offset : offset + CHUNK_SIZE]
                if not blocks.take(encoded("".join(piece)), len(piece), end + offset + 1, builder):
                    reader = csv.reader(piece, delimiter=rows.delimiter, strict=True)
                    yield from read_rows(builder, rows, catalogue, parser, reader, end + offset)
                yield from _whole_chunks(builder)
        end += count
        yield from _whole_chunks(builder)
        if builder.size >= batch_size:
            yield from flush_parts(builder)
    if builder.size:
        yield from _whole_chunks(builder)
        yield from flush_parts(builder)


def _whole_chunks(builder: "_BlockBuilder") -> Parts:
    """The parts ready, then every whole ``CHUNK_SIZE`` of the chunk; the rest stays in the builder.

    The rows of a block waiting to become tuples become them ``CHUNK_SIZE`` at a time,
    each whole chunk sent before the next is made: a block's tuples never all live at once.
    """
    yield from builder.ready
    builder.ready.clear()
    if builder.waiting is not None:
        for rows in builder.waiting:
            builder.chunk.extend(rows)
            yield from _cut_whole(builder)
        builder.waiting = None
    yield from _cut_whole(builder)


def _cut_whole(builder: "_BlockBuilder") -> Parts:
    """Every whole ``CHUNK_SIZE`` of the builder's chunk, which keeps the rest."""
    chunk = builder.chunk
    whole = len(chunk) - len(chunk) % CHUNK_SIZE
    if whole:
        for start in range(0, whole, CHUNK_SIZE):
            yield Chunk(chunk[start : start + CHUNK_SIZE])
        builder.chunk = chunk[whole:]


def _chain(block: list[str], lines: Iterator[str]) -> Iterator[str]:
    yield from block
    yield from lines


class _Blocks:
    """Checks and converts blocks of lines in Polars, with the fast parser's memos."""

    def __init__(self, pl: Any, rows: CsvRows, parser: FastRowParser, *, copy_text: bool = False) -> None:
        self.pl = pl
        self.copy_text = copy_text
        self.parser = parser
        self.separator = rows.delimiter
        self.delimiter = rows.delimiter.encode()
        self.width = len(rows.keys)
        positions = {key: index for index, key in enumerate(rows.keys)}
        self.names = [f"c{index}" for index in range(self.width)]
        self.cell = {key: pl.col(f"c{positions[key]}") if key in positions else pl.lit("") for key in COLUMNS}
        procedures = parser.procedures
        self.counts = BlockCounts(pl, procedures)
        kinds = self.counts.kinds
        #: The field and the level of each (field, level) number, by number.
        self.of_kind = {"field": [field for field, _ in kinds], "level": [level for _, level in kinds]}
        self.procedures = pl.DataFrame(
            {
                "procedure_code": list(procedures),
                "procedure_id": [info.id for info in procedures.values()],
                "limit": [info.time_limit_days for info in procedures.values()],
                "field": [info.field for info in procedures.values()],
                "level": [info.level for info in procedures.values()],
                "kind": [kinds[info.field, info.level] for info in procedures.values()],
            },
            schema={
                "procedure_code": pl.String,
                "procedure_id": pl.Int64,
                "limit": pl.Int64,
                "field": pl.String,
                "level": pl.String,
                "kind": pl.Int32,
            },
        )
        self.units = pl.DataFrame(
            {"unit_code": list(parser.units), "unit_id": list(parser.units.values())},
            schema={"unit_code": pl.String, "unit_id": pl.Int64},
        )
        self.unit_codes = pl.Series(list(parser.units), dtype=pl.String)
        self.channels = sorted(parser.channels)
        self.outcomes = sorted(parser.outcomes)
        self.pauses = dict(PAUSES)
        self.flags = dict(FAST_FLAGS)
        self.minutes_seconds = pl.Series(sorted(MINUTES_SECONDS), dtype=pl.String)
        self.zones = list(FAST_ZONES)
        # Printable ASCII without white space: what ``str.strip`` leaves as it is.
        self.code_pattern = f"^[!-~]{{1,{MAX_CODE_LENGTH}}}$"
        spaces = "".join(f"\\x{ord(char):02x}" for char in _ASCII_SPACE)
        self.separator_pattern = f"[|;,{spaces}]"

    # -- a block ----------------------------------------------------------------------

    def take(self, data: bytes, count: int, first_line: int, builder: _BlockBuilder) -> bool:
        """Take the block's ``count`` rows (lines from ``first_line``, as bytes) into ``builder`` if all pass;
        else ``False``."""
        if not data.isascii():
            return False
        data = data.replace(b"\r\n", b"\n")
        if (
            b"\n\n" in data
            or data.startswith(b"\n")
            or b"\r" in data
            or data.count(self.delimiter) != count * (self.width - 1)
        ):
            return False
        pl = self.pl
        try:
            frame = pl.read_csv(
                data,
                has_header=False,
                new_columns=self.names,
                separator=self.separator,
                quote_char=None,
                infer_schema=False,
                empty_string_is_null=False,
                comment_prefix=None,
                truncate_ragged_lines=False,
                raise_if_empty=True,
            )
        except pl.exceptions.PolarsError:  # any block Polars cannot split is read the usual way
            return False
        if frame.height != count or frame.width != self.width:
            return False
        stored = self._stored(frame)
        if stored is None:
            return False
        codes = stored.get_column("code").to_list()
        lines = builder.lines
        if len(set(codes)) != count or not lines.keys().isdisjoint(codes):
            return False
        if self.copy_text:
            if builder.chunk:  # rows read row by row before this block go first
                builder.ready.append(Chunk(builder.chunk))
                builder.chunk = []
            builder.ready.extend(self._copy_chunks(stored))
        else:  # made into tuples a chunk at a time, as the chunks leave (``_whole_chunks``)
            builder.waiting = self._python_rows(stored, codes)
        lines.update(zip(codes, range(first_line, first_line + count), strict=True))
        builder.size += count
        builder.block_rows += count
        builder.facts.append(self.counts.block_days(stored))
        return True

    def _stored(self, frame: Any) -> Any:
        """The block's stored columns (``STORED_COLUMNS``) and counting facts, or ``None`` if a row fails."""
        pl, cell = self.pl, self.cell
        frame = frame.select(
            code=cell["code"],
            procedure_code=cell["procedure_code"],
            unit_code=cell["unit_code"],
            channel=cell["channel"],
            received_text=cell["received_at"],
            resolved_text=cell["resolved_at"],
            returned_text=cell["returned_at"],
            outcome=cell["outcome"],
            paused_text=cell["paused_working_days"],
            apology_text=cell["apology_new_due_date"],
            paid_text=cell["paid_online"],
            digitized_text=cell["digitized"],
            source_text=cell["due_date"],
            handling_unit_codes=cell["handling_unit_codes"],
            supplement_text=cell["supplement_requested_at"],
            sent_text=cell["apology_sent_on"],
            e_result_text=cell["electronic_result"],
        )
        frame = frame.join(self.procedures, on="procedure_code", how="left", maintain_order="left")
        frame = frame.join(self.units, on="unit_code", how="left", maintain_order="left")
        frame = frame.with_columns(
            paused_working_days=pl.col("paused_text").replace_strict(self.pauses, default=None, return_dtype=pl.Int64),
            paid_online=pl.col("paid_text").replace_strict(self.flags, default=None, return_dtype=pl.Int64),
            digitized=pl.col("digitized_text").replace_strict(self.flags, default=None, return_dtype=pl.Int64),
            electronic_result=pl.col("e_result_text").replace_strict(self.flags, default=None, return_dtype=pl.Int64),
        )
        plain = (
            pl.col("code").str.contains(self.code_pattern)
            & pl.col("procedure_id").is_not_null()
            & pl.col("unit_id").is_not_null()
            & pl.col("channel").is_in(self.channels)
            & pl.col("outcome").is_in(self.outcomes)
            & pl.col("paused_working_days").is_not_null()
            & pl.col("paid_online").is_not_null()
            & pl.col("digitized").is_not_null()
            & pl.col("electronic_result").is_not_null()
            & (
                (pl.col("handling_unit_codes") == "")
                | (
                    pl.col("handling_unit_codes").is_in(self.unit_codes)
                    & (pl.col("handling_unit_codes").str.len_bytes() <= MAX_HANDLING_CODES_LENGTH)
                    & ~pl.col("handling_unit_codes").str.contains(self.separator_pattern)
                )
            )
        )
        if not frame.select(plain.all()).item():
            return None
        frame = self._moments(frame)
        if frame is None:
            return None
        frame = self._days(frame)
        if frame is None:
            return None
        frame = self._clock(frame)
        if frame is None:
            return None
        due = pl.col("due_date")
        resolved, received = pl.col("resolved_at"), pl.col("received_at")
        ordered = (
            ((resolved == "") | (resolved >= received))
            & (
                (pl.col("returned_at") == "")
                | ((pl.col("returned_at") >= received) & (pl.col("returned_at") >= resolved))
            )
            & (
                (pl.col("supplement_requested_at") == "")
                | (resolved == "")
                | (pl.col("supplement_requested_at") <= resolved)
            )
            & ((pl.col("apology_new_due_date") == "") | (pl.col("apology_new_due_date") > due))
            & (
                (pl.col("apology_sent_on") == "")
                | ((pl.col("apology_new_due_date") != "") & (pl.col("apology_sent_on") >= pl.col("received_day")))
            )
        )
        if not frame.select(ordered.all()).item():
            return None
        source = pl.col("source_due_date")
        return frame.with_columns(
            due_disagrees=((source != "") & (source != due)).cast(pl.Int64),
            overdue_from=due.str.to_date("%Y-%m-%d").dt.offset_by("1d").dt.strftime("%Y-%m-%d"),
        )

    def _moments(self, frame: Any) -> Any:
        """UTC text, local day and local time of the four time columns, from the fast parser's hour memo."""
        pl, parser = self.pl, self.parser
        texts = {
            "received_at": "received_text",
            "resolved_at": "resolved_text",
            "returned_at": "returned_text",
            "supplement_requested_at": "supplement_text",
        }
        given = [frame.get_column("received_text")]
        given += [
            frame.get_column(column).filter(frame.get_column(column) != "") for column in list(texts.values())[1:]
        ]
        shaped = (
            pl.concat(given)
            .to_frame("text")
            .select(
                zone=pl.col("text").str.slice(19),
                head=pl.col("text").str.slice(0, 13),
                tail=pl.col("text").str.slice(13, 6),
            )
        )
        fits = pl.col("tail").is_in(self.minutes_seconds).all() & pl.col("zone").is_in(self.zones).all()
        if not shaped.select(fits).item():
            return None
        known = []
        for zone, head in shaped.select("zone", "head").unique().iter_rows():
            found = parser.hour(zone, head)
            if found is None:
                return None
            known.append((zone, head, *found))
        memo = pl.DataFrame(known, schema=["zone", "head", "utc", "day", "hour"], orient="row")
        for name, column in texts.items():
            text = pl.col(column)
            parts = frame.select(
                zone=text.str.slice(19), head=text.str.slice(0, 13), tail=text.str.slice(13, 6), empty=text == ""
            ).join(memo, on=["zone", "head"], how="left", maintain_order="left")
            values = parts.select(
                utc=pl.when(pl.col("empty")).then(pl.lit("")).otherwise(pl.col("utc") + pl.col("tail")),
                day=pl.when(pl.col("empty")).then(pl.lit("")).otherwise(pl.col("day")),
                time=pl.col("hour") + pl.col("tail"),
            )
            frame = frame.with_columns(values.get_column("utc").alias(name))
            if name == "received_at":
                frame = frame.with_columns(
                    values.get_column("day").alias("received_day"), values.get_column("time").alias("received_time")
                )
            elif name == "resolved_at":
                frame = frame.with_columns(values.get_column("day").alias("resolved_day"))
        return frame

    def _days(self, frame: Any) -> Any:
        """The ISO text of the three date columns, through the fast parser's date memo."""
        pl, day_of = self.pl, self.parser.day
        columns = {
            "source_text": "source_due_date",
            "apology_text": "apology_new_due_date",
            "sent_text": "apology_sent_on",
        }
        texts = pl.concat([frame.get_column(column) for column in columns]).unique().to_list()
        mapping = {"": ""}
        for text in texts:
            if text:
                found = day_of(text)
                if found is None:
                    return None
                mapping[text] = found
        return frame.with_columns(
            pl.col(column).replace_strict(mapping, return_dtype=pl.String).alias(name)
            for column, name in columns.items()
        )

    def _clock(self, frame: Any) -> Any:
        """Start day and due date of every row, through the fast parser's cut-off and clock memos."""
        pl, parser = self.pl, self.parser
        known: list[tuple[str, str, str]] = []
        for channel, day in frame.select("channel", "received_day").unique().iter_rows():
            try:
                cutoff = parser.cutoff(channel, day)
            except LookupError:
                return None
            known.append((channel, day, "" if cutoff is None else cutoff))
        cut = pl.DataFrame(known, schema=["channel", "received_day", "cutoff"], orient="row")
        frame = frame.join(cut, on=["channel", "received_day"], how="left", maintain_order="left")
        frame = frame.with_columns(late=(pl.col("cutoff") != "") & (pl.col("received_time") >= pl.col("cutoff")))
        keys = frame.group_by("received_day", "late", "limit", "paused_working_days").agg(
            pl.col("received_text").first(), pl.col("channel").first()
        )
        clocked = []
        for day, late, limit, paused, received, channel in keys.iter_rows():
            found = parser.clock_of((day, late, limit, paused), received, channel)
            if found is None:
                return None
            clocked.append((day, late, limit, paused, *found))
        memo = pl.DataFrame(
            clocked,
            schema={
                "received_day": pl.String,
                "late": pl.Boolean,
                "limit": pl.Int64,
                "paused_working_days": pl.Int64,
                "start_day": pl.String,
                "due_date": pl.String,
            },
            orient="row",
        )
        return frame.join(
            memo, on=["received_day", "late", "limit", "paused_working_days"], how="left", maintain_order="left"
        )

    # -- out to Python ----------------------------------------------------------------

    def _copy_chunks(self, stored: Any) -> list[CopyChunk]:
        """The block's rows as ``COPY`` CSV text, ``CHUNK_SIZE`` rows a part; a blank nullable cell is NULL."""
        pl = self.pl
        table = stored.select(
            pl.when(pl.col(name) == "").then(None).otherwise(pl.col(name)).alias(name)
            if name in STORED_NULLABLE
            else pl.col(name)
            for name in STORED_COLUMNS
        )
        return [
            CopyChunk(table.slice(start, CHUNK_SIZE).write_csv(include_header=False, null_value=""), count)
            for start in range(0, table.height, CHUNK_SIZE)
            if (count := min(CHUNK_SIZE, table.height - start))
        ]

    def _python_rows(self, stored: Any, codes: list[str]) -> Iterator[list[tuple[Any, ...]]]:
        """The stored rows as tuples, ``CHUNK_SIZE`` at a time; in a column of few values the rows share
        one Python object per value.

        Shared objects cost a dictionary look-up here and save more in ``marshal`` (a
        repeated object is sent as a reference) and in the writer, which then rebuilds
        one object per value instead of one per cell.
        """
        shared: dict[str, dict[Any, Any]] = {name: {} for name in STORED_COLUMNS if name in _SHARED}
        for start in range(0, stored.height, CHUNK_SIZE):
            part = stored.slice(start, CHUNK_SIZE)
            kinds = part.get_column("kind").to_list()
            columns: list[Any] = []
            for name in STORED_COLUMNS:
                if name in self.of_kind:  # the field or level of each row's number: shared already, no text made
                    columns.append(list(map(self.of_kind[name].__getitem__, kinds)))
                    continue
                values = codes[start : start + CHUNK_SIZE] if name == "code" else part.get_column(name).to_list()
                if name in shared:
                    seen = shared[name]
                    values = list(map(seen.setdefault, values, values))
                columns.append(values)
            yield list(zip(*columns, strict=True))
