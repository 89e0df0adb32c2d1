"""A synthetic province for the demo and the benchmarks: units, procedures and dossiers.

Pure and deterministic: the same arguments and seed give the same rows, byte for byte,
whatever the machine. No ORM here; ``generate_dossiers`` (the command) creates the units
and procedures through their services and writes the dossiers as an import file
(``docs/dossiers.md``, "Import format"), one row at a time, so memory stays flat for
any number of dossiers.

What makes it realistic enough for the figures to mean something:

* dossiers are received on working days in office hours at the counter and by post,
  at any hour (weekends and Tết included) online, so the 15:00 rule and the holidays
  matter; the online share grows from about 20 % to 60 % over the years;
* time limits are the usual ones (0–30 working days); the due date is the real one
  (``sla.due_date`` on the working calendar), 5 % of dossiers pause for 1–10 days;
* about 60 % are resolved early, 30 % on the due date, 10 % late (1–10 working days),
  half of the late ones with an apology; dossiers whose resolution would fall after the
  end of the period are still in progress;
* 1 % of the source due dates disagree with ours by one day.
"""

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.dossiers import sla

FIELDS = (
    "Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đầu tư", "Thành lập và hoạt động doanh nghiệp",
    "Lao động", "Bảo trợ xã hội", "Giáo dục và Đào tạo", "Y tế", "Giao thông vận tải", "Tư pháp",
)  # fmt: skip
TIME_LIMITS = (0, 1, 2, 3, 3, 5, 5, 7, 10, 10, 15, 20, 30)
LEVELS = ("province", "district", "commune")
FILE_COLUMNS = (
    "code", "procedure_code", "unit_code", "channel", "received_at", "resolved_at", "returned_at",
    "outcome", "paused_working_days", "apology_new_due_date", "paid_online", "digitized", "due_date",
)  # fmt: skip


@dataclass(frozen=True)
class SyntheticUnit:
    code: str
    name: str
    level: str  # the procedure level it handles


@dataclass(frozen=True)
class SyntheticProcedure:
    code: str
    name: str
    field: str
    level: str
    time_limit_days: int


def synthetic_units(count: int) -> list[SyntheticUnit]:
    """``count`` units: about 20 % departments (provincial procedures), 15 % districts, the rest communes."""
    units = []
    for index in range(1, count + 1):
        share = index / max(count, 1)
        level = "province" if share <= 0.2 else "district" if share <= 0.35 else "commune"
        kind = {"province": "Sở", "district": "Huyện", "commune": "Xã"}[level]
        units.append(SyntheticUnit(f"SYN-U{index:04d}", f"{kind} tổng hợp {index:04d}", level))
    return units


def synthetic_procedures(count: int, *, seed: int) -> list[SyntheticProcedure]:
    """``count`` procedures spread over the fields and levels, with the usual time limits."""
    rng = random.Random(f"procedures-{seed}")  # noqa: S311 - reproducible data, not secrets
    procedures = []
    for index in range(1, count + 1):
        field = FIELDS[(index - 1) % len(FIELDS)]
        level = LEVELS[(index - 1) % len(LEVELS)]
        procedures.append(
            SyntheticProcedure(
                f"SYN-TT{index:04d}", f"Thủ tục tổng hợp {index:04d} ({field})", field, level, rng.choice(TIME_LIMITS)
            )
        )
    return procedures


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def _at(day: dt.date, rng: random.Random, first_hour: int, last_hour: int) -> dt.datetime:
    seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
    return dt.datetime.combine(day, dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60), tzinfo=VN_TZ)


def generate_dossier_rows(
    *,
    units: Sequence[SyntheticUnit],
    procedures: Sequence[SyntheticProcedure],
    count: int,
    date_from: dt.date,
    date_to: dt.date,
    seed: int,
    calendar: WorkCalendar,
) -> Iterator[dict[str, str]]:
    """Yield ``count`` dossiers received in ``[date_from, date_to]``, as import-file rows (``FILE_COLUMNS``).

    Rows come in order of receipt day; codes are ``HS`` + a 9-digit number. Raises
    ``ValueError`` without units or procedures, or when the period has no working day.
    """
    if not units or not procedures:
        raise ValueError("A synthetic province needs at least one unit and one procedure.")
    rng = random.Random(f"dossiers-{seed}")  # noqa: S311 - reproducible data, not secrets
    days = [date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    working = [day for day in days if calendar.is_working_day(day)]
    if not working:
        raise ValueError("The period has no working day.")
    by_level = {level: [u for u in units if u.level == level] or list(units) for level in LEVELS}
    span = max((date_to - date_from).days, 1)
    # Receipt days drawn up front and sorted, so the file reads like an export in time order.
    received_days = sorted(rng.choice(days) if rng.random() < 0.03 else rng.choice(working) for _ in range(count))
    for seq, day in enumerate(received_days, start=1):
        procedure = rng.choice(procedures)
        unit = rng.choice(by_level[procedure.level])
        online_share = 0.2 + 0.4 * (day - date_from).days / span
        draw = rng.random()
        channel = "online" if draw < online_share else "post" if draw < online_share + 0.05 else "counter"
        if channel == "online" or not calendar.is_working_day(day):
            channel = "online"
            received_at = _at(day, rng, 0, 24)
        else:
            received_at = _at(day, rng, 7, 17)
        paused = rng.randint(1, 10) if rng.random() < 0.05 else 0
        start = sla.start_day(received_at, calendar)
        due = sla.due_date(received_at, procedure.time_limit_days, calendar, paused)
        budget = procedure.time_limit_days + paused
        verdict = rng.random()
        if verdict < 0.6 and budget > 0:
            resolved_day = calendar.add_working_days(start, rng.randrange(0, budget))
        elif verdict < 0.9:
            resolved_day = due
        else:
            resolved_day = calendar.add_working_days(due, rng.randint(1, 10))
        late = resolved_day > due
        row = dict.fromkeys(FILE_COLUMNS, "")
        row.update(
            code=f"HS{seq:09d}",
            procedure_code=procedure.code,
            unit_code=unit.code,
            channel=channel,
            received_at=_iso(received_at),
            paused_working_days=str(paused),
            paid_online="1" if channel == "online" and rng.random() < 0.5 else "0",
            digitized="1" if rng.random() < 0.7 else "0",
            due_date=(due + dt.timedelta(days=1) if rng.random() < 0.01 else due).isoformat(),
        )
        if late and rng.random() < 0.5:
            row["apology_new_due_date"] = calendar.add_working_days(due, rng.randint(2, 10)).isoformat()
        if resolved_day <= date_to:
            resolved_at = max(_at(resolved_day, rng, 8, 17), received_at + dt.timedelta(minutes=30))
            outcome = rng.random()
            row["resolved_at"] = _iso(resolved_at)
            row["outcome"] = "result_issued" if outcome < 0.96 else "refused" if outcome < 0.99 else "withdrawn"
            returned_at = resolved_at + dt.timedelta(hours=rng.randint(1, 72))
            if returned_at.astimezone(VN_TZ).date() <= date_to:
                row["returned_at"] = _iso(returned_at)
        yield row
