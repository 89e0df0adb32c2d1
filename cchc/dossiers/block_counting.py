"""The Biểu 06 deltas of the rows the block reader (``block_reading``) takes, counted in Polars.

Counted as ``aggregates.CountDeltas.add_row`` counts a row, summed per group × day as
each block is taken (so a batch holds sums, never rows), and packed per group × month
as ``counter_store.month_rows`` packs them at the batch's end.
"""

from collections.abc import Mapping
from typing import Any

from cchc.dossiers.counter_store import COLUMNS as COUNT_COLUMNS
from cchc.dossiers.counter_store import MONTH_SLOTS, DayRow, MonthRows, encode_days
from cchc.dossiers.io import ProcedureInfo


class BlockCounts:
    """Counts blocks' rows into day sums and a batch's sums into month rows."""

    def __init__(self, pl: Any, procedures: Mapping[str, ProcedureInfo]) -> None:
        self.pl = pl
        #: Each (field, level) by a small number: the counting groups by numbers, not by texts.
        self.kinds: dict[tuple[str, str], int] = {}
        for info in procedures.values():
            self.kinds.setdefault((info.field, info.level), len(self.kinds))
        #: A frame of day sums: the group, the day, and ``COUNT_COLUMNS`` (a batch's sums fit 32 bits).
        self.day_schema = {"unit_id": pl.Int64, "kind": pl.Int32, "day": pl.String} | dict.fromkeys(
            COUNT_COLUMNS, pl.Int32
        )

    def block_days(self, stored: Any) -> Any:
        """A block's day sums (a frame): its rows counted as ``CountDeltas.add_row`` does, summed per group × day.

        Summed as each block is taken, so that a batch holds its blocks' sums, never
        their rows, until :meth:`month_rows`.
        """
        pl = self.pl
        rows = stored.select(_FACT_COLUMNS)
        zero = {name: pl.lit(0, dtype=pl.Int32) for name in COUNT_COLUMNS}
        one = pl.lit(1, dtype=pl.Int32)
        received = rows.select(
            pl.col("unit_id"), pl.col("kind"), day=pl.col("received_day"),
            **{
                **zero,
                "received": one,
                "received_online": (pl.col("channel") == "online").cast(pl.Int32),
                "paid_online": pl.col("paid_online").cast(pl.Int32),
                "digitized": pl.col("digitized").cast(pl.Int32),
            },
        )  # fmt: skip
        done = rows.filter(pl.col("resolved_day") != "")
        resolved_on, due = pl.col("resolved_day"), pl.col("due_date")
        late = resolved_on > due
        resolved = done.select(
            pl.col("unit_id"), pl.col("kind"), day=resolved_on,
            **{
                **zero,
                "resolved_early": (resolved_on < due).cast(pl.Int32),
                "resolved_on_time": (resolved_on == due).cast(pl.Int32),
                "resolved_late": late.cast(pl.Int32),
                "overdue": -(resolved_on > pl.col("overdue_from")).cast(pl.Int32),
                "electronic_result": pl.col("electronic_result").cast(pl.Int32),
                "late_apologized": (late & (pl.col("apology_sent_on") != "")).cast(pl.Int32),
            },
        )  # fmt: skip
        still_open = (pl.col("resolved_day") == "") | (pl.col("resolved_day") > pl.col("overdue_from"))
        overdue = rows.filter(still_open).select(
            pl.col("unit_id"), pl.col("kind"), day=pl.col("overdue_from"),
            **{**zero, "overdue": one},
        )  # fmt: skip
        return self._summed([received, resolved, overdue])

    def _summed(self, parts: list[Any]) -> Any:
        """``parts`` (frames of ``day_schema``) summed per group × day."""
        pl = self.pl
        summed = pl.concat(parts).group_by("unit_id", "kind", "day").agg(pl.col(name).sum() for name in COUNT_COLUMNS)
        return summed.cast(self.day_schema)

    def day_rows(self, facts: list[Any], python_days: list[DayRow]) -> Any:
        """The batch's non-zero day sums (a frame): the blocks' sums (:meth:`block_days`) plus ``python_days``."""
        pl = self.pl
        parts = list(facts)
        if python_days:
            kinds = self.kinds
            numbered = [(row[0], kinds.setdefault((row[1], row[2]), len(kinds)), *row[3:]) for row in python_days]
            parts.append(pl.DataFrame(numbered, schema=self.day_schema, orient="row"))
        summed = self._summed(parts)
        return summed.filter(pl.any_horizontal(pl.col(name) != 0 for name in COUNT_COLUMNS))

    def month_rows(self, facts: list[Any], python_days: list[DayRow]) -> MonthRows:
        """``counter_store.month_rows`` of :meth:`day_rows`, packed from Polars' sums.

        The totals per month are summed in Polars; each month's array is filled from its
        non-zero (position, value) pairs only, and packed once.
        """
        pl = self.pl
        month = ["unit_id", "kind", "month"]
        days = self.day_rows(facts, python_days).with_columns(
            month=pl.col("day").str.slice(0, 8) + "01",
            slot=(pl.col("day").str.slice(8, 2).cast(pl.Int64) - 1) * len(COUNT_COLUMNS),
        )
        totals = days.group_by(month).agg(pl.col(name).sum() for name in COUNT_COLUMNS).with_row_index("group")
        # The (position, value) pairs carry the month's number, not its four keys: ten rows per day.
        days = days.join(totals.select(*month, "group"), on=month, how="left")
        cells = pl.concat(
            [
                days.select("group", position=pl.col("slot") + lane, value=pl.col(name))
                for lane, name in enumerate(COUNT_COLUMNS)
            ]
        ).filter(pl.col("value") != 0)
        filled = cells.group_by("group").agg(pl.col("position"), pl.col("value"))
        joined = totals.join(filled, on="group", how="left").drop("group")
        months: MonthRows = {}
        names = {number: key for key, number in self.kinds.items()}
        for unit_id, kind, first, *rest in joined.iter_rows():
            positions, values = rest[-2], rest[-1]
            array = [0] * MONTH_SLOTS * len(COUNT_COLUMNS)
            for position, value in zip(positions or (), values or (), strict=True):
                array[position] = value
            field, level = names[kind]
            months[unit_id, field, level, first] = (encode_days(array), rest[:-2])
        return months


#: What ``block_days`` counts a block's rows from.
_FACT_COLUMNS = (
    "unit_id", "kind", "channel", "received_day", "resolved_day", "due_date", "overdue_from",
    "paid_online", "digitized", "electronic_result", "apology_sent_on",
)  # fmt: skip
