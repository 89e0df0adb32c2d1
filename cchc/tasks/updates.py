"""Progress updates: a unit reports on a task, the lead unit or the reform office reviews.

The workflow (``UPDATE_TRANSITIONS`` in ``choices.py``), one service per transition::

    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                   │
      └─(edit)─ returned ◀┘ return (with a reason)
                   └──────submit──────▶ submitted

Who may do what:

* **create, edit, submit** (and attach evidence, ``evidence.py``): a reporter (focal
  point, reform office, system administrator) whose grant covers the update's unit,
  which must be the task's lead unit or one of its coordinating units. Editing is
  possible in ``draft`` and ``returned`` only.
* **return, accept**: a reviewer of the task (``task_policy`` "review": the lead
  unit's leader, or the reform office over the plan's unit, or a system
  administrator). Nobody accepts an update they wrote themselves.

What accepting does to the task: only an update of the task's **lead** unit is
applied to the task (progress, status, completion date, through
``cchc.tasks.services.task_update``). A coordinating unit's accepted update is
recorded (state, reviewer, audit row) but leaves the task's numbers alone: the lead
unit answers for the task, and a coordinating unit reporting 100 % on its share must
not mark the whole task done. When an update reports the task done, the status
applied is decided by the working-day calendar (done on time / done late against the
effective deadline), whichever of the two done statuses the reporter chose.

Review stamps: ``submitted_at`` is set at every submission; ``reviewed_at`` and
``reviewed_by`` describe the latest review (return or accept); ``return_reason`` holds
the latest return's reason and is cleared on acceptance. The full history is in the
audit log (``task_update.*`` rows).

Values are checked when they are written (create, edit), against the writer's
rights; submitting and accepting move the update as it stands.

Out-of-scope objects are the views' business: they fetch through scoped selectors,
so a row the user may not see is a 404 before any service runs. The services
themselves answer ``PermissionDeniedError`` (403) to anyone who may not act.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.choices import Role
from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import GLOBAL_ROLES, user_grants
from cchc.tasks import services as task_services
from cchc.tasks.calculations import completion_status
from cchc.tasks.choices import DONE_STATUSES, UPDATE_TRANSITIONS, TaskStatus, UpdateState
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.policies import REPORTERS, task_policy

#: The fields a reporter fills in; ``task_update_edit`` accepts these only.
UPDATE_FIELDS = ("progress", "reported_status", "completed_on", "narrative")
#: States in which an update (and its evidence) may still be changed by its unit.
EDITABLE_STATES = frozenset({UpdateState.DRAFT, UpdateState.RETURNED})
#: Roles that may report a task cancelled (a decision of the plan's owner, not of a unit).
CANCELLERS = frozenset({Role.REFORM_OFFICE, Role.SYSTEM_ADMIN})

_FORBIDDEN = "tasks.forbidden"


# -- who may act -----------------------------------------------------------------------------


def _covers(user: Any, unit: OrgUnit, roles: frozenset[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` on ``unit`` or an ancestor, or globally."""
    for grant in user_grants(user):
        if grant.role not in roles:
            continue
        if grant.role in GLOBAL_ROLES or (grant.unit_path and unit.path.startswith(grant.unit_path)):
            return True
    return False


def _task_units(task: Task) -> list[OrgUnit]:
    return [task.lead_unit, *task.coordinating_units.all()]


def reporting_units(*, user: Any, task: Task) -> list[OrgUnit]:
    """The units ``user`` may report progress for on ``task``: the lead unit first.

    Empty when the user may not report on the task at all. This is what the update
    form offers as its "unit" choice.
    """
    if not task_policy.user_can(user, "report", task):
        return []
    return [unit for unit in _task_units(task) if _covers(user, unit, REPORTERS)]


def _is_reporter_of(user: Any, update: TaskUpdate) -> bool:
    task = update.task
    if not task_policy.user_can(user, "report", task):
        return False
    return any(unit.pk == update.unit_id for unit in _task_units(task)) and _covers(user, update.unit, REPORTERS)


def task_update_can_edit(*, user: Any, update: TaskUpdate) -> bool:
    """Whether ``user`` may edit, submit or attach evidence to ``update`` now."""
    return update.state in EDITABLE_STATES and _is_reporter_of(user, update)


def task_update_can_see_papers(*, user: Any, update: TaskUpdate) -> bool:
    """Whether ``user`` may see an update's working papers before it is accepted.

    Until acceptance, an update (and its evidence) belongs to its unit's reporters
    and to the task's reviewers; once accepted it is visible to every task viewer.
    """
    if update.state == UpdateState.ACCEPTED:
        return task_policy.user_can(user, "view", update.task)
    return _is_reporter_of(user, update) or task_policy.user_can(user, "review", update.task)


def task_update_can_review(*, user: Any, update: TaskUpdate) -> bool:
    """Whether ``user`` may return ``update`` now (a submitted update, a task reviewer)."""
    return update.state == UpdateState.SUBMITTED and task_policy.user_can(user, "review", update.task)


def task_update_can_accept(*, user: Any, update: TaskUpdate) -> bool:
    """Whether ``user`` may accept ``update`` now: a reviewer who is not its author."""
    return task_update_can_review(user=user, update=update) and update.author_id != getattr(user, "pk", None)


def _may_cancel(user: Any, task: Task) -> bool:
    return _covers(user, task.plan.unit, CANCELLERS)


# -- validation ------------------------------------------------------------------------------


def _validate(*, actor: Any, task: Task, progress: Any, reported_status: str, completed_on: dt.date | None) -> None:
    """Check the reported values; raises ``ApplicationError`` naming the field.

    Rules: progress is a whole percent 0–100; the status is a stored task status
    ("overdue" is the calendar's word, not a reporter's); only the reform office or a
    system administrator reports a task cancelled; "not started" means 0 %; a done
    report needs its completion date, which may not lie in the future; a completion
    date goes with a done report only.
    """
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ApplicationError(
            _("Tiến độ (%%) phải là số nguyên từ 0 đến 100; đã nhập: %(value)s.") % {"value": progress},
            code="tasks.update_progress",
            extra={"field": "progress"},
        )
    if reported_status not in TaskStatus.values:
        raise ApplicationError(
            _("Tình trạng “%(value)s” không hợp lệ.") % {"value": reported_status},
            code="tasks.update_status",
            extra={"field": "reported_status"},
        )
    if reported_status == TaskStatus.CANCELLED and not _may_cancel(actor, task):
        raise PermissionDeniedError(
            _("Tình trạng: chỉ Phòng CCHC – Sở Nội vụ hoặc quản trị hệ thống được báo cáo hủy bỏ nhiệm vụ."),
            code="tasks.cancel_forbidden",
            extra={"field": "reported_status"},
        )
    if reported_status == TaskStatus.NOT_STARTED and progress != 0:
        raise ApplicationError(
            _("Tiến độ (%%): nhiệm vụ chưa triển khai thì tiến độ là 0%%; đã nhập: %(value)s.") % {"value": progress},
            code="tasks.update_progress",
            extra={"field": "progress"},
        )
    if reported_status in DONE_STATUSES:
        if completed_on is None:
            raise ApplicationError(
                _("Ngày hoàn thành: cần ghi ngày hoàn thành khi báo cáo nhiệm vụ đã hoàn thành."),
                code="tasks.update_completed_on",
                extra={"field": "completed_on"},
            )
        today = timezone.localdate()
        if completed_on > today:
            raise ApplicationError(
                _("Ngày hoàn thành %(date)s ở sau ngày hôm nay (%(today)s).")
                % {"date": f"{completed_on:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"},
                code="tasks.update_completed_on",
                extra={"field": "completed_on"},
            )
    elif completed_on is not None:
        raise ApplicationError(
            _("Ngày hoàn thành: chỉ ghi khi tình trạng là “hoàn thành”."),
            code="tasks.update_completed_on",
            extra={"field": "completed_on"},
        )


def _check_transition(update: TaskUpdate, target: str, verb: str) -> None:
    if (update.state, target) not in UPDATE_TRANSITIONS:
        raise ApplicationError(
            _("Không thể %(verb)s báo cáo tiến độ đang ở trạng thái “%(state)s”.")
            % {"verb": verb, "state": update.get_state_display()},
            code="tasks.invalid_transition",
            extra={"from": update.state, "to": target},
        )


def task_update_lock(update: TaskUpdate) -> None:
    """Re-read ``update`` under a row lock (inside the caller's transaction).

    Two reviewers cannot both decide one update, nor can evidence be attached while
    it is being submitted; unsaved changes on the instance are discarded.
    """
    update.refresh_from_db(from_queryset=TaskUpdate.objects.select_for_update())


def task_update_require_reporter(actor: Any, update: TaskUpdate) -> None:
    """Raise ``PermissionDeniedError`` unless ``actor`` reports for ``update``'s unit on its task."""
    if not _is_reporter_of(actor, update):
        raise PermissionDeniedError(
            _("Bạn không có quyền báo cáo tiến độ thay cho %(unit)s.") % {"unit": update.unit.name},
            code=_FORBIDDEN,
        )


def task_update_require_editable(update: TaskUpdate) -> None:
    """Raise ``ApplicationError`` (``tasks.update_locked``) unless ``update`` is a draft or returned."""
    if update.state not in EDITABLE_STATES:
        raise ApplicationError(
            _("Báo cáo tiến độ đang ở trạng thái “%(state)s”, không sửa được.") % {"state": update.get_state_display()},
            code="tasks.update_locked",
        )


def _require_reviewer(actor: Any, update: TaskUpdate) -> None:
    if not task_policy.user_can(actor, "review", update.task):
        raise PermissionDeniedError(
            _("Bạn không có quyền xét báo cáo tiến độ của nhiệm vụ %(code)s.") % {"code": update.task.code},
            code=_FORBIDDEN,
        )


def _audit(actor: Any, action: str, update: TaskUpdate, changes: dict[str, list[Any]]) -> None:
    audit_record(actor=actor, action=action, obj=update, unit=update.unit, changes=changes)


# -- services --------------------------------------------------------------------------------


@transaction.atomic
def task_update_create(
    *,
    actor: Any,
    task: Task,
    unit: OrgUnit,
    progress: int,
    reported_status: str,
    narrative: str = "",
    completed_on: dt.date | None = None,
) -> TaskUpdate:
    """Start a progress update (a draft) of ``unit`` on ``task``, written by ``actor``.

    ``unit`` must be the task's lead unit or one of its coordinating units, and the
    actor a reporter on it (see the module docstring). A done report is stored with
    100 % progress. Raises ``PermissionDeniedError`` when the actor may not report for
    ``unit``, ``ApplicationError`` for a unit outside the task or invalid values.
    """
    if not task_policy.user_can(actor, "report", task) or not _covers(actor, unit, REPORTERS):
        raise PermissionDeniedError(
            _("Bạn không có quyền báo cáo tiến độ thay cho %(unit)s.") % {"unit": unit.name},
            code=_FORBIDDEN,
        )
    if unit.pk not in {u.pk for u in _task_units(task)}:
        raise ApplicationError(
            _("Đơn vị báo cáo: %(unit)s không chủ trì hay phối hợp thực hiện nhiệm vụ %(code)s.")
            % {"unit": unit.name, "code": task.code},
            code="tasks.update_unit",
            extra={"field": "unit"},
        )
    _validate(actor=actor, task=task, progress=progress, reported_status=reported_status, completed_on=completed_on)
    update = TaskUpdate.objects.create(
        task=task,
        unit=unit,
        author=actor,
        state=UpdateState.DRAFT,
        progress=100 if reported_status in DONE_STATUSES else progress,
        reported_status=reported_status,
        completed_on=completed_on,
        narrative=narrative.strip(),
    )
    _audit(actor, "task_update.created", update, diff({}, snapshot(update, ("unit", "state", *UPDATE_FIELDS))))
    return update


@transaction.atomic
def task_update_edit(*, actor: Any, update: TaskUpdate, **fields: Any) -> TaskUpdate:
    """Change the reported values of a draft or returned update.

    ``fields`` are among ``UPDATE_FIELDS``; the result is validated as a whole (so
    switching to "in progress" also needs ``completed_on=None``). Unchanged values
    write nothing. Raises ``ApplicationError`` with code ``tasks.update_locked`` once
    the update is submitted or accepted, ``tasks.field`` for an unknown field.
    """
    unknown = set(fields) - set(UPDATE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Trường không sửa được: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="tasks.field"
        )
    task_update_lock(update)
    task_update_require_reporter(actor, update)
    task_update_require_editable(update)
    before = snapshot(update, UPDATE_FIELDS)
    for name, value in fields.items():
        setattr(update, name, value.strip() if name == "narrative" else value)
    _validate(
        actor=actor,
        task=update.task,
        progress=update.progress,
        reported_status=update.reported_status,
        completed_on=update.completed_on,
    )
    if update.reported_status in DONE_STATUSES:
        update.progress = 100
    changes = diff(before, snapshot(update, UPDATE_FIELDS))
    if not changes:
        return update
    update.save()
    _audit(actor, "task_update.edited", update, changes)
    return update


@transaction.atomic
def task_update_submit(*, actor: Any, update: TaskUpdate) -> TaskUpdate:
    """Draft or returned → submitted, by a reporter of the update's unit; stamps ``submitted_at``."""
    task_update_lock(update)
    task_update_require_reporter(actor, update)
    _check_transition(update, UpdateState.SUBMITTED, _("gửi"))
    before = update.state
    update.state = UpdateState.SUBMITTED
    update.submitted_at = timezone.now()
    update.save(update_fields=["state", "submitted_at", "updated_at"])
    _audit(actor, "task_update.submitted", update, {"state": [before, update.state]})
    return update


@transaction.atomic
def task_update_return(*, actor: Any, update: TaskUpdate, reason: str) -> TaskUpdate:
    """Submitted → returned, by a reviewer, with a reason the unit will read.

    Raises ``ApplicationError`` (``tasks.return_reason_required``) for an empty reason.
    """
    task_update_lock(update)
    _require_reviewer(actor, update)
    _check_transition(update, UpdateState.RETURNED, _("trả lại"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Lý do trả lại: cần ghi lý do để đơn vị biết cần sửa gì."),
            code="tasks.return_reason_required",
            extra={"field": "reason"},
        )
    update.state = UpdateState.RETURNED
    update.return_reason = reason
    update.reviewed_at = timezone.now()
    update.reviewed_by = actor
    update.save(update_fields=["state", "return_reason", "reviewed_at", "reviewed_by", "updated_at"])
    _audit(
        actor, "task_update.returned", update, {"state": [UpdateState.SUBMITTED, update.state], "reason": ["", reason]}
    )
    return update


def _close_occurrence(update: TaskUpdate) -> dict[str, Any] | None:
    """For a recurring task, a done report closes its earliest open period.

    The task itself is done only when every period is; until then it is in progress
    with progress = closed periods / all periods. Returns the task values, or None for
    a task without periods.
    """
    occurrences = list(update.task.occurrences.order_by("due_date"))
    if not occurrences:
        return None
    open_ones = [o for o in occurrences if o.completed_on is None]
    if open_ones:
        open_ones[0].completed_on = update.completed_on
        open_ones[0].save(update_fields=["completed_on"])
        open_ones = open_ones[1:]
    closed = len(occurrences) - len(open_ones)
    if open_ones:
        return {"status": TaskStatus.IN_PROGRESS, "progress": closed * 100 // len(occurrences), "completed_on": None}
    late = any(
        completion_status(due_date=o.due_date, completed_on=o.completed_on, calendar=work_calendar())
        == TaskStatus.DONE_LATE
        for o in occurrences
        if o.completed_on is not None
    )
    status = TaskStatus.DONE_LATE if late else TaskStatus.DONE_ON_TIME
    return {"status": status, "progress": 100, "completed_on": update.completed_on}


def _task_values(update: TaskUpdate) -> dict[str, Any]:
    """What an accepted lead-unit update sets on its task (periods: ``_close_occurrence``)."""
    if update.reported_status in DONE_STATUSES and update.completed_on is not None:  # the date: see _validate
        recurring = _close_occurrence(update)
        if recurring is not None:
            return recurring
        status = completion_status(
            due_date=update.task.due_date, completed_on=update.completed_on, calendar=work_calendar()
        )
        return {"status": status, "progress": 100, "completed_on": update.completed_on}
    if update.reported_status == TaskStatus.CANCELLED:
        return {"status": TaskStatus.CANCELLED, "progress": update.progress}
    return {"status": update.reported_status, "progress": update.progress, "completed_on": None}


@transaction.atomic
def task_update_accept(*, actor: Any, update: TaskUpdate) -> TaskUpdate:
    """Submitted → accepted, by a reviewer who is not the author; applies it to the task.

    A lead-unit update sets the task's progress, status and completion date (see the
    module docstring); a coordinating unit's update is recorded only. The audit row
    says which (``applied``). Raises ``PermissionDeniedError`` with code
    ``tasks.own_update`` when the actor wrote the update.
    """
    task_update_lock(update)
    _require_reviewer(actor, update)
    _check_transition(update, UpdateState.ACCEPTED, _("chấp nhận"))
    if update.author_id == actor.pk:
        raise PermissionDeniedError(
            _("Bạn không thể tự chấp nhận báo cáo tiến độ do chính mình lập."), code="tasks.own_update"
        )
    task = update.task
    update.state = UpdateState.ACCEPTED
    update.return_reason = ""
    update.reviewed_at = timezone.now()
    update.reviewed_by = actor
    update.save(update_fields=["state", "return_reason", "reviewed_at", "reviewed_by", "updated_at"])
    applied = update.unit_id == task.lead_unit_id
    changes: dict[str, list[Any]] = {"state": [UpdateState.SUBMITTED, update.state], "applied": [None, applied]}
    if applied:
        # The reviewer need not hold "change" on the task: accepting is the permission.
        task_services.task_update(actor=None, task=task, **_task_values(update))
        changes["task"] = [None, snapshot(task, ("status", "progress", "completed_on"))]
    _audit(actor, "task_update.accepted", update, changes)
    return update
