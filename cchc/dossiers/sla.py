"""The dossier SLA clock and the Biểu 06 statistics: pure functions, no ORM, no settings.

Everything here takes and returns plain values (aware datetimes, dates, ints,
``Decimal``) and a :class:`~cchc.core.workdays.WorkCalendar`, so that every figure can
be checked by hand and tested without a database. The rules are those of issue #5
("The exact rules"), documented with worked examples in ``docs/dossiers.md``:

* :func:`start_day`: the day the clock starts (day 0), by the regime's receipt cut-off;
* :func:`due_date`: ``time limit + paused`` working days after the start day;
* :func:`classify_resolved` / :func:`classify_open`: early / on time / late, and
  within time / overdue;
* :func:`period_stats` / :func:`group_stats`: the Biểu 06 counts for a period.

The parameters that may differ between the two legal regimes (Nghị định 61/2018 +
107/2021 until 30/6/2025, Nghị định 118/2025 from 1/7/2025) are data: a tuple of
:class:`Regime` with effective dates, looked up with :func:`regime_for`.
"""

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from cchc.core.workdays import ELECTRONIC_CUTOFF, VN_TZ, WorkCalendar

K = TypeVar("K", bound=Hashable)


# -- regimes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Regime:
    """The rule parameters of one legal regime, valid from ``effective_from`` to ``effective_to``.

    Both bounds are inclusive local dates; ``None`` leaves that side open.

    * ``receipt_cutoff``: a dossier received at or after this local time on a working
      day starts on the next working day (``None``: no cut-off, only days off move it).
    * ``cutoff_online_only``: ``True`` when the cut-off applies only to dossiers received
      online (the reading of ``domain.md`` §5); ``False`` (the default, as issue #5
      states it) applies it to every channel.
    * ``start_day_counted``: ``False`` when the start day is day 0 (the time limit is
      counted from the next working day, Bộ luật Dân sự Điều 147); ``True`` when the
      start day is itself day 1 of the time limit.
    * ``apology_days_before``: an apology with a new date must be sent at least this many
      working days before the due date to be timely.
    """

    code: str
    legal_basis: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    receipt_cutoff: dt.time | None = ELECTRONIC_CUTOFF
    start_day_counted: bool = False
    cutoff_online_only: bool = False
    apology_days_before: int = 1

    def cutoff_for(self, channel: str | None) -> dt.time | None:
        """The receipt cut-off that applies to a dossier of ``channel`` (``None``: unknown, the general rule)."""
        if self.cutoff_online_only and channel is not None and channel != Channel.ONLINE:
            return None
        return self.receipt_cutoff

    def __post_init__(self) -> None:
        if (
            self.effective_from is not None
            and self.effective_to is not None
            and self.effective_from > self.effective_to
        ):
            raise ValueError(f"Chế độ {self.code}: ngày bắt đầu hiệu lực sau ngày hết hiệu lực.")

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies within the regime's effective dates."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


#: Nghị định 61/2018/NĐ-CP as amended by Nghị định 107/2021/NĐ-CP, until 30/6/2025.
REGIME_DECREE_61 = Regime(
    code="nd61-2018",
    legal_basis="Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP",
    effective_from=None,
    effective_to=dt.date(2025, 6, 30),
)
#: Nghị định 118/2025/NĐ-CP and Thông tư 03/2025/TT-VPCP, from 1/7/2025. The parameters
#: are the same as the old regime's: no difference is verified (see docs/dossiers.md).
REGIME_DECREE_118 = Regime(
    code="nd118-2025",
    legal_basis="Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP",
    effective_from=dt.date(2025, 7, 1),
    effective_to=None,
)
DEFAULT_REGIMES: tuple[Regime, ...] = (REGIME_DECREE_61, REGIME_DECREE_118)


def regime_for(day: dt.date, regimes: tuple[Regime, ...] = DEFAULT_REGIMES) -> Regime:
    """The one regime of ``regimes`` in force on ``day`` (a local date).

    Raises ``LookupError`` when none covers ``day`` and ``ValueError`` when several do
    (overlapping effective dates are a data error, never resolved by order).
    """
    matching = [regime for regime in regimes if regime.covers(day)]
    if not matching:
        raise LookupError(f"Không có chế độ pháp lý nào áp dụng cho ngày {day:%d/%m/%Y}.")
    if len(matching) > 1:
        codes = ", ".join(regime.code for regime in matching)
        raise ValueError(f"Nhiều chế độ pháp lý cùng áp dụng cho ngày {day:%d/%m/%Y}: {codes}.")
    return matching[0]


# -- the clock ---------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    """The Vietnamese local date (Asia/Ho_Chi_Minh) of an aware datetime; ``ValueError`` if naive."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Thời điểm phải có múi giờ (aware datetime).")
    return moment.astimezone(VN_TZ).date()


def start_day(
    received_at: dt.datetime,
    calendar: WorkCalendar,
    *,
    regimes: tuple[Regime, ...] = DEFAULT_REGIMES,
    channel: str | None = None,
) -> dt.date:
    """The day a dossier's clock starts on (day 0 of its time limit).

    Read in local time, under the regime in force on the local date of receipt:
    received on a working day strictly before the cut-off (14:59:59 and earlier) →
    that day; at or after the cut-off (15:00:00 already counts as "after 15:00", as in
    :meth:`WorkCalendar.receipt_day`, which this delegates to) or on any day off → the
    next working day. The cut-off applies to every channel, as issue #5 states it,
    unless the regime limits it to online dossiers (``Regime.cutoff_online_only``, then
    ``channel`` decides).

    Raises ``ValueError`` for a naive datetime, ``LookupError`` when no regime covers
    the date, :class:`~cchc.core.workdays.CalendarRangeError` outside the calendar.
    """
    regime = regime_for(local_date(received_at), regimes)
    return calendar.receipt_day(received_at, cutoff=regime.cutoff_for(channel))


def due_date(
    received_at: dt.datetime,
    time_limit_days: int,
    calendar: WorkCalendar,
    paused_working_days: int = 0,
    *,
    regimes: tuple[Regime, ...] = DEFAULT_REGIMES,
    channel: str | None = None,
) -> dt.date:
    """The date by which the dossier must be resolved to be on time (the judged due date).

    ``time_limit_days + paused_working_days`` working days after :func:`start_day`, the
    start day itself not counted (``WorkCalendar.add_working_days``). A time limit of 0
    (same-day procedures) with no pause is due on the start day. Under a regime whose
    ``start_day_counted`` is true the start day is day 1, so the due date is one working
    day earlier (but never before the start day).

    An apology's new appointment never goes in here: the dossier is judged against
    this date (issue #5). Raises ``ValueError`` for a negative time limit or pause,
    and like :func:`start_day`.
    """
    if time_limit_days < 0 or paused_working_days < 0:
        raise ValueError(
            f"Thời hạn và số ngày tạm dừng phải không âm (nhận {time_limit_days} và {paused_working_days})."
        )
    regime = regime_for(local_date(received_at), regimes)
    start = calendar.receipt_day(received_at, cutoff=regime.cutoff_for(channel))
    days = time_limit_days + paused_working_days
    if regime.start_day_counted and days > 0:
        days -= 1
    return calendar.add_working_days(start, days)


def apology_timely(
    sent_on: dt.date,
    due: dt.date,
    calendar: WorkCalendar,
    *,
    received_at: dt.datetime,
    regimes: tuple[Regime, ...] = DEFAULT_REGIMES,
) -> bool:
    """Whether an apology sent on ``sent_on`` came early enough before the due date ``due``.

    The rule (``domain.md`` §5): the apology with its new date is sent at least
    ``Regime.apology_days_before`` working days (one, under both regimes) before the
    due date, i.e. at least that many working days lie in ``(sent_on, due]``. The
    regime is the one of the dossier's receipt. A timely apology does not make the
    dossier on time: it is still judged against ``due`` (issue #5).
    """
    regime = regime_for(local_date(received_at), regimes)
    return calendar.working_days_between(sent_on, due) >= regime.apology_days_before


class ClockMemo:
    """:func:`start_day` and :func:`due_date` remembered per (local day, before/after the cut-off, limit, pause).

    The two depend on nothing else (the regime is chosen by the local day, the
    receipt-day rule only asks whether the local time is before the regime's cut-off),
    so an import of a million dossiers computes a few thousand clocks instead of a
    million. Holds one calendar: build one per computation. At most ``max_entries``
    clocks are kept; the memo starts over when full, so memory stays bounded.
    """

    __slots__ = ("_clocks", "_regimes", "_starts", "calendar", "max_entries", "regimes")

    def __init__(
        self, calendar: WorkCalendar, *, regimes: tuple[Regime, ...] = DEFAULT_REGIMES, max_entries: int = 200_000
    ) -> None:
        self.calendar = calendar
        self.regimes = regimes
        self.max_entries = max_entries
        self._regimes: dict[dt.date, Regime] = {}
        self._clocks: dict[tuple[dt.date, bool, int, int], tuple[dt.date, dt.date]] = {}
        self._starts: dict[tuple[dt.date, bool], dt.date] = {}

    def clock(
        self, received_at: dt.datetime, time_limit_days: int, paused_working_days: int = 0, channel: str | None = None
    ) -> tuple[dt.date, dt.date]:
        """``(start_day, due_date)``, exactly as the two functions give them (and raising like them)."""
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("Thời điểm phải có múi giờ (aware datetime).")
        local = received_at.astimezone(VN_TZ)
        day = local.date()
        try:
            regime = self._regimes[day]
        except KeyError:
            regime = self._regimes[day] = regime_for(day, self.regimes)
        cutoff = regime.cutoff_for(channel)
        after = cutoff is not None and local.time() >= cutoff
        key = (day, after, time_limit_days, paused_working_days)
        found = self._clocks.get(key)
        if found is None:
            if time_limit_days < 0 or paused_working_days < 0:  # refused with due_date's own message
                due_date(received_at, time_limit_days, self.calendar, paused_working_days, regimes=self.regimes)
            # ``start_day`` and ``due_date`` without computing the start twice: the start
            # depends only on the local day and the side of the cut-off.
            start = self._starts.get((day, after))
            if start is None:
                start = start_day(received_at, self.calendar, regimes=self.regimes, channel=channel)
                if len(self._starts) >= self.max_entries:
                    self._starts.clear()
                self._starts[(day, after)] = start
            days = time_limit_days + paused_working_days
            if regime.start_day_counted and days > 0:
                days -= 1
            found = (start, self.calendar.add_working_days(start, days))
            if len(self._clocks) >= self.max_entries:
                self._clocks.clear()
            self._clocks[key] = found
        return found


class Timeliness(StrEnum):
    """How a resolved dossier met its due date (Biểu 06 columns)."""

    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


class OpenStatus(StrEnum):
    """How an unresolved dossier stands at a given day (Biểu 06 columns)."""

    WITHIN_TIME = "within_time"  # trong hạn
    OVERDUE = "overdue"  # quá hạn


def classify_resolved(resolved_on: dt.date, due: dt.date) -> Timeliness:
    """Early when resolved before the due date, on time on it, late after it (local dates)."""
    if resolved_on < due:
        return Timeliness.EARLY
    if resolved_on == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def classify_open(due: dt.date, as_of: dt.date) -> OpenStatus:
    """An unresolved dossier at the end of ``as_of``: within time when ``due >= as_of``, else overdue."""
    return OpenStatus.WITHIN_TIME if due >= as_of else OpenStatus.OVERDUE


# -- facts and statistics ----------------------------------------------------------


class Channel(StrEnum):
    """How the dossier was handed in."""

    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the statistics need to know about one dossier, as plain values.

    ``due`` is the judged due date (:func:`due_date`, or the source system's). An
    apology's new appointment, ``apology_due``, is kept for display only and never
    used to classify. ``received_on`` and ``resolved_on`` are the local dates of the
    two moments, derived on construction.

    Raises ``ValueError`` for a naive datetime, an unknown channel, or a dossier
    resolved before it was received.
    """

    code: str
    unit_code: str
    field: str
    level: str
    channel: Channel
    received_at: dt.datetime
    resolved_at: dt.datetime | None
    due: dt.date
    apology_due: dt.date | None = None
    received_on: dt.date = dataclass_field(init=False, compare=False)
    resolved_on: dt.date | None = dataclass_field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", Channel(self.channel))
        object.__setattr__(self, "received_on", local_date(self.received_at))
        resolved_on = None
        if self.resolved_at is not None:
            resolved_on = local_date(self.resolved_at)
            if self.resolved_at < self.received_at:
                raise ValueError(f"Hồ sơ {self.code}: thời điểm giải quyết trước thời điểm tiếp nhận.")
        object.__setattr__(self, "resolved_on", resolved_on)


def rate_percent(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a percentage with 2 decimals, rounded half up; ``None`` for 0/0.

    Computed in integers, so it is exact: 1/32 = 3.125 % gives ``Decimal("3.13")``.
    """
    if denominator == 0:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("Tỷ lệ chỉ tính trên số không âm.")
    hundredths = (numerator * 20_000 + denominator) // (2 * denominator)
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class Stats:
    """One row of Biểu 06; the field names are the keys of ``dossier_stats``, in order.

    ``on_time_rate`` = (early + on time) / resolved, in percent with 2 decimals, ``None``
    when nothing was resolved. Rows add up with ``+`` (the rate is recomputed).
    """

    received: int = 0
    received_online: int = 0
    received_counter_post: int = 0
    carried_over: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress: int = 0
    in_progress_within_time: int = 0
    in_progress_overdue: int = 0
    on_time_rate: Decimal | None = None

    def __add__(self, other: "Stats") -> "Stats":
        if not isinstance(other, Stats):
            return NotImplemented
        return _stats_from_counts([a + b for a, b in zip(self._counts(), other._counts(), strict=True)])

    def _counts(self) -> list[int]:
        return [getattr(self, f.name) for f in fields(self) if f.name != "on_time_rate"]

    def as_dict(self) -> dict[str, int | Decimal | None]:
        """The row as ``{key: value}`` in the order of ``dossier_stats``."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


_COUNT_NAMES = tuple(f.name for f in fields(Stats) if f.name != "on_time_rate")


def _stats_from_counts(counts: list[int]) -> Stats:
    values = dict(zip(_COUNT_NAMES, counts, strict=True))
    rate = rate_percent(values["resolved_early"] + values["resolved_on_time"], values["resolved"])
    return Stats(**values, on_time_rate=rate)


class _Tally:
    """Mutable counters for one row while scanning; frozen into :class:`Stats` at the end."""

    __slots__ = (
        "carried_over",
        "early",
        "in_progress",
        "late",
        "on_time",
        "online",
        "overdue",
        "received",
        "resolved",
        "touched",
        "within_time",
    )

    def __init__(self) -> None:
        self.received = self.online = self.carried_over = 0
        self.resolved = self.early = self.on_time = self.late = 0
        self.in_progress = self.within_time = self.overdue = 0
        self.touched = False

    def add(self, d: DossierFacts, date_from: dt.date, date_to: dt.date) -> None:
        received_on, resolved_on = d.received_on, d.resolved_on
        if received_on > date_to:
            return  # not yet received at the end of the period: no column counts it
        if resolved_on is not None and resolved_on < date_from:
            return  # finished before the period: nothing left to report
        self.touched = True
        if received_on >= date_from:
            self.received += 1
            if d.channel is Channel.ONLINE:
                self.online += 1
        else:
            self.carried_over += 1
        if resolved_on is not None and resolved_on <= date_to:
            self.resolved += 1
            timeliness = classify_resolved(resolved_on, d.due)
            if timeliness is Timeliness.EARLY:
                self.early += 1
            elif timeliness is Timeliness.ON_TIME:
                self.on_time += 1
            else:
                self.late += 1
        else:
            self.in_progress += 1
            if classify_open(d.due, date_to) is OpenStatus.WITHIN_TIME:
                self.within_time += 1
            else:
                self.overdue += 1

    def freeze(self) -> Stats:
        return Stats(
            received=self.received,
            received_online=self.online,
            received_counter_post=self.received - self.online,
            carried_over=self.carried_over,
            resolved=self.resolved,
            resolved_early=self.early,
            resolved_on_time=self.on_time,
            resolved_late=self.late,
            in_progress=self.in_progress,
            in_progress_within_time=self.within_time,
            in_progress_overdue=self.overdue,
            on_time_rate=rate_percent(self.early + self.on_time, self.resolved),
        )


def _check_period(date_from: dt.date, date_to: dt.date) -> None:
    if date_from > date_to:
        raise ValueError(f"Kỳ báo cáo không hợp lệ: từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}.")


def period_stats(dossiers: Iterable[DossierFacts], date_from: dt.date, date_to: dt.date) -> Stats:
    """The Biểu 06 counts for the period ``[date_from, date_to]`` (local dates, inclusive).

    * received: received (local date of receipt, not the start day) in the period,
      split online / counter + post;
    * carried over: received before ``date_from`` and not resolved before it;
    * resolved: resolved in the period, split early / on time / late against ``due``;
    * in progress: received by ``date_to`` and not resolved by its end, split within
      time (``due >= date_to``) / overdue (``due < date_to``).

    So carried over + received = resolved + in progress. One pass, constant memory.
    Raises ``ValueError`` when ``date_from > date_to``.
    """
    _check_period(date_from, date_to)
    tally = _Tally()
    for dossier in dossiers:
        tally.add(dossier, date_from, date_to)
    return tally.freeze()


def _default_key(d: DossierFacts) -> tuple[str, str, str]:
    return (d.unit_code, d.field, d.level)


def group_stats(
    dossiers: Iterable[DossierFacts],
    date_from: dt.date,
    date_to: dt.date,
    key: Callable[[DossierFacts], K] = _default_key,  # type: ignore[assignment]
) -> dict[K, Stats]:
    """:func:`period_stats` per group (by default unit × field × level), in one pass.

    A group appears only when at least one of its dossiers is counted in the period
    (every counted dossier adds to some column), so an all-zero row never appears;
    the rows add up (``+``) to :func:`period_stats` of the same dossiers.
    """
    _check_period(date_from, date_to)
    tallies: dict[K, _Tally] = {}
    for dossier in dossiers:
        group = key(dossier)
        tally = tallies.get(group)
        if tally is None:
            tally = tallies[group] = _Tally()
        tally.add(dossier, date_from, date_to)
    return {group: tally.freeze() for group, tally in tallies.items() if tally.touched}
