"""Hand-built tasks and dossiers of 2023 over the shared ``tree`` fixture, for the auto-scored criteria.

Every expected figure of ``test_sources`` and ``test_auto`` is counted by hand from the
tables below (the comments give each row's class), not computed by the code under test.

Dossiers (procedure TT2: two working days; received 09:00 local unless said):

===== ==== ======= ============================ ============================ ===================== ===========
code  unit channel received                     resolved                     class                 paid / dig.
===== ==== ======= ============================ ============================ ===================== ===========
A1    SA   online  Mon 6/3/2023 (due Wed 8/3)    Tue 7/3                      early                 1 / 1
A2    SA   counter Mon 6/3/2023                  Wed 8/3 10:00                on time               0 / 1
A3    SA   online  Mon 6/3/2023                  Fri 10/3                     late, apology 7/3     1 / 0
A4    SA   counter Tue 26/12/2023 (due Thu 28/12) Sun 31/12/2023 23:30         late (2023)           0 / 0
A5    SA   counter Tue 26/12/2023                Mon 1/1/2024 00:30           late (2024), apology  0 / 0
A6    SA   online  Fri 30/12/2022 (due Wed 4/1)  Tue 3/1/2023                 early (2023)          0 / 0
A7    SA   online  Sun 31/12/2023 23:30          –                            open                  0 / 0
A8    SA   online  Mon 1/1/2024 00:30            –                            open (2024)           0 / 0
A9    SA-1 online  Mon 6/3/2023                  Tue 7/3                      early (child unit)    1 / 1
B1    SB   online  Mon 6/3/2023                  Tue 7/3                      early                 1 / 1
B2    SB   online  Mon 6/3/2023                  Tue 7/3                      early                 1 / 1
B3    SB   counter Mon 8/5/2023 (due Wed 10/5)   Fri 12/5                     late, no apology      0 / 0
===== ==== ======= ============================ ============================ ===================== ===========

SA in 2023: received A1–A5, A7 = 6 (online A1, A3, A7 = 3; paid A1, A3 = 2; digitised
A1, A2 = 2); resolved A1, A2, A3, A4, A6 = 5 (early or on time A1, A2, A6 = 3; late A3,
A4 = 2, apologised A3 = 1). SA in 2024 so far: received A8; resolved A5 (late, apologised).
SB in 2023: received 3 (online 2, paid 2, digitised 2); resolved 3 (early 2, late 1,
apologised 0). H1: nothing.

Tasks of 2023 (``make_tasks``): see the function.
"""

import datetime as dt
import io
from dataclasses import dataclass

from cchc.dossiers.importing import import_dossiers
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan
from cchc.procedures.tests.factories import make_procedure
from cchc.tasks.choices import DeadlineKind, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.tests.factories import make_plan, make_task

D = dt.date

HEADER = (
    "code,procedure_code,unit_code,channel,received_at,resolved_at,apology_new_due_date,apology_sent_on,"
    "paid_online,digitized\n"
)
# code, unit, channel, received, resolved (local time), apology new date, apology sent, paid, digitised
ROWS = (
    ("A1", "SA", "online", "2023-03-06 09:00", "2023-03-07 09:00", "", "", "1", "1"),
    ("A2", "SA", "counter", "2023-03-06 09:00", "2023-03-08 10:00", "", "", "0", "1"),
    ("A3", "SA", "online", "2023-03-06 09:00", "2023-03-10 09:00", "2023-03-10", "2023-03-07", "1", "0"),
    ("A4", "SA", "counter", "2023-12-26 09:00", "2023-12-31 23:30", "", "", "0", "0"),
    ("A5", "SA", "counter", "2023-12-26 09:00", "2024-01-01 00:30", "2024-01-02", "2023-12-27", "0", "0"),
    ("A6", "SA", "online", "2022-12-30 09:00", "2023-01-03 09:00", "", "", "0", "0"),
    ("A7", "SA", "online", "2023-12-31 23:30", "", "", "", "0", "0"),
    ("A8", "SA", "online", "2024-01-01 00:30", "", "", "", "0", "0"),
    ("A9", "SA-1", "online", "2023-03-06 09:00", "2023-03-07 09:00", "", "", "1", "1"),
    ("B1", "SB", "online", "2023-03-06 09:00", "2023-03-07 09:00", "", "", "1", "1"),
    ("B2", "SB", "online", "2023-03-06 09:00", "2023-03-07 09:00", "", "", "1", "1"),
    ("B3", "SB", "counter", "2023-05-08 09:00", "2023-05-12 09:00", "", "", "0", "0"),
)  # fmt: skip


def _iso(local: str) -> str:
    """``"2023-03-06 09:00"`` → ``"2023-03-06T09:00:00+07:00"``; blank stays blank."""
    return f"{local.replace(' ', 'T')}:00+07:00" if local else ""


def import_dossier_rows() -> None:
    """The dossiers of the module table, through the real import (counters included)."""
    make_procedure(code="TT2", time_limit_days=2, field="Hộ tịch", level="province")
    text = HEADER + "".join(
        f"{code},TT2,{unit},{channel},{_iso(received)},{_iso(resolved)},{','.join(rest)}\n"
        for code, unit, channel, received, resolved, *rest in ROWS
    )
    summary = import_dossiers(stream=io.StringIO(text), filename="hoso-2023.csv")
    assert summary.rejected == [], summary.rejected


@dataclass
class Tasks:
    province_plan: Plan
    unit_plan: Plan
    by_name: dict[str, Task]

    def ids(self, *names: str) -> list[int]:
        return sorted(self.by_name[name].pk for name in names)


def make_tasks(tree) -> Tasks:
    """Tasks of 2023 for SA (8 commitments, 5 on time), SB (1 of 1) and noise that must not count.

    Province plan (issued):
    * T1 SA due 31/3, done 30/3 – on time;
    * T2 SA due Sat 21/1 (Tết: the deadline moves to Fri 27/1), done 27/1, stored "done late"
      – on time: the completion date decides, not the typed status;
    * T3 SA due 30/6, done 5/7 – late;
    * T4 SA due 30/9, in progress – missed;
    * T5 SA due 15/5, cancelled – not counted;
    * T6 SB due 1/4, done 31/3 (SA coordinates) – SB's, on time;
    * T7 SA-1 (SA's child) due 31/3, in progress – not SA's;
    * T8 SA without a due date – not counted; T9 SA due 15/1/2024 – not due in 2023;
    * T10 SA due 30/11, stored "done on time" without a date – on time;
    * T11 SA quarterly, every period closed on its due date – on time;
    * T12 SA quarterly, the third period closed ten days late – missed.
    SA's own plan (issued, derived): C1 copy of T1 not started (the pair is on time), C3 copy
    of T3 not started (the pair is missed, counted once), C9 due 1/8 done 1/8 – on time.
    Not counted either: a task of SA's draft plan, and one of an issued 2022 plan.
    """
    province = make_plan(unit=tree.province, status=PlanStatus.ISSUED)
    own = make_plan(unit=tree.dept_a, status=PlanStatus.ISSUED, parent=province)
    draft = make_plan(unit=tree.dept_a)
    old = make_plan(unit=tree.province, year=2022, status=PlanStatus.ISSUED)
    done, late = TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE
    sa = tree.dept_a
    t: dict[str, Task] = {}
    t["T1"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 3, 31), status=done, completed_on=D(2023, 3, 30))
    t["T2"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 1, 21), status=late, completed_on=D(2023, 1, 27))
    t["T3"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 6, 30), status=late, completed_on=D(2023, 7, 5))
    t["T4"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 9, 30), status=TaskStatus.IN_PROGRESS)
    t["T5"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 5, 15), status=TaskStatus.CANCELLED)
    t["T6"] = make_task(
        plan=province, lead_unit=tree.dept_b, coordinating_units=[sa], due_date=D(2023, 4, 1), status=done,
        completed_on=D(2023, 3, 31),
    )  # fmt: skip
    t["T7"] = make_task(plan=province, lead_unit=tree.dept_a_child, due_date=D(2023, 3, 31))
    t["T8"] = make_task(plan=province, lead_unit=sa, deadline_kind=DeadlineKind.ONGOING)
    t["T9"] = make_task(plan=province, lead_unit=sa, due_date=D(2024, 1, 15))
    t["T10"] = make_task(plan=province, lead_unit=sa, due_date=D(2023, 11, 30), status=done)
    for name, late_period in (("T11", None), ("T12", 2)):
        task = make_task(plan=province, lead_unit=sa, deadline_kind=DeadlineKind.QUARTERLY)
        for index, period in enumerate(task.occurrences.order_by("due_date")):
            period.completed_on = period.due_date + dt.timedelta(days=10 if index == late_period else 0)
            period.save(update_fields=["completed_on"])
        task.refresh_from_db()
        t[name] = task
    t["C1"] = make_task(plan=own, lead_unit=sa, source_task=t["T1"], due_date=D(2023, 3, 31))
    t["C3"] = make_task(plan=own, lead_unit=sa, source_task=t["T3"], due_date=D(2023, 6, 30))
    t["C9"] = make_task(plan=own, lead_unit=sa, due_date=D(2023, 8, 1), status=done, completed_on=D(2023, 8, 1))
    t["draft"] = make_task(plan=draft, lead_unit=sa, due_date=D(2023, 3, 1))
    t["old"] = make_task(plan=old, lead_unit=sa, due_date=D(2022, 3, 1))
    return Tasks(province_plan=province, unit_plan=own, by_name=t)
