"""API for plans, their tasks and targets, and progress updates with their review.

Reads go through the same scoped reads as the pages (``selectors``, ``access``): a
plan, task or update outside the caller's scope is a 404 like one that does not
exist. Writes go through the services, which answer a caller who sees the object but
may not act with a 403 problem, and a broken rule with a 400 problem naming it.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.pagination import Pagination
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan, PlanNode
from cchc.tasks import services, targets, updates
from cchc.tasks.access import plan_for_user, plans_for_user, task_updates_for_user, update_get_for_user
from cchc.tasks.calculations import Rollup, display_status
from cchc.tasks.models import Target, Task, TaskUpdate
from cchc.tasks.schemas import (
    PlanDetailOut,
    PlanFilter,
    PlanOut,
    ReturnIn,
    TargetIn,
    TargetOut,
    TargetPatchIn,
    TaskFilter,
    TaskOut,
    TaskPatchIn,
    UpdateIn,
    UpdateOut,
)
from cchc.tasks.selectors import plan_progress, task_get_for_user, task_list_for_user

router = Router(tags=["Kế hoạch"])

#: Fields of ``TaskPatchIn`` that may be set to null; the others may only be left out.
_NULLABLE = frozenset({"due_date", "budget"})


def _with_display_status(tasks: list[Task]) -> list[Task]:
    """Set ``display_status`` (stored, or "overdue" today) on each task for ``TaskOut``."""
    today, calendar = timezone.localdate(), work_calendar()
    for task in tasks:
        task.display_status = display_status(  # type: ignore[attr-defined]
            status=task.status, due_date=task.due_date, today=today, calendar=calendar
        )
    return tasks


def _rollup(rollup: Rollup) -> dict[str, Any]:
    return {
        "progress": rollup.progress,
        "completion_rate": rollup.completion_rate,
        "counted": rollup.counted,
        "done": rollup.done,
        "cancelled": rollup.cancelled,
        "total": rollup.total,
    }


class DisplayStatusPagination(Pagination):
    """The shared paginator, with each task of the page given its display status."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = _with_display_status(list(page["items"]))
        return page


# -- plans -------------------------------------------------------------------------------------


@router.get(
    "/plans",
    response=list[PlanOut],
    operation_id="plans_list",
    summary="Danh sách kế hoạch",
    description=(
        "Kế hoạch của các đơn vị trong phạm vi của bạn, và kế hoạch cấp trên có nhiệm vụ giao cho đơn vị của bạn; "
        "năm mới nhất trước."
    ),
)
@paginate(Pagination)
def plans_list(request: HttpRequest, filters: Query[PlanFilter]) -> QuerySet[Plan]:
    """Plans the caller sees whole or through its tasks."""
    return plans_for_user(user=request.user, year=filters.year, unit_code=filters.unit)


@router.get(
    "/plans/{plan_id}",
    response=PlanDetailOut,
    operation_id="plans_detail",
    summary="Chi tiết kế hoạch và tiến độ",
    description="Một kế hoạch với tiến độ tổng hợp theo quy tắc nêu ở trường rule: chung, theo lĩnh vực, theo đơn vị.",
)
def plans_detail(request: HttpRequest, plan_id: int) -> Plan:
    """One plan with its rolled-up progress (404 outside the caller's scope)."""
    plan, _whole = plan_for_user(user=request.user, plan_id=plan_id)
    progress = plan_progress(plan=plan)
    figures = {
        "rule": progress.rule,
        "as_of": progress.today,
        "progress": _rollup(progress.overall),
        "by_area": [
            {"area": area.area, "label": area.label, "rollup": _rollup(area.rollup)} for area in progress.by_area
        ],
        "by_unit": [
            {
                "unit_code": row.unit.code,
                "unit_name": row.unit.name,
                "rollup": _rollup(row.rollup),
                "overdue": row.overdue,
            }
            for row in progress.by_unit
        ],
        "overdue_count": len(progress.overdue),
    }
    # PlanDetailOut reads the plan's own fields through its resolvers, the figures as attributes.
    for name, value in figures.items():
        setattr(plan, name, value)
    return plan


@router.get(
    "/plans/{plan_id}/tasks",
    response=list[TaskOut],
    operation_id="plans_tasks",
    summary="Nhiệm vụ của kế hoạch",
    description="Nhiệm vụ bạn được xem của một kế hoạch, theo thứ tự văn bản, lọc theo lĩnh vực, đơn vị, trạng thái.",
)
@paginate(DisplayStatusPagination)
def plans_tasks(request: HttpRequest, plan_id: int, filters: Query[TaskFilter]) -> QuerySet[Task]:
    """The plan's tasks in the caller's scope, filtered."""
    plan, _whole = plan_for_user(user=request.user, plan_id=plan_id)
    return task_list_for_user(
        user=request.user,
        plan=plan,
        area=filters.area,
        unit_code=filters.unit,
        status=filters.status,
        overdue=filters.overdue,
    )


@router.get(
    "/plans/{plan_id}/targets",
    response=list[TargetOut],
    operation_id="plans_targets",
    summary="Chỉ tiêu của kế hoạch",
    description="Các chỉ tiêu (giá trị đo được) gắn với mục của kế hoạch, theo đơn vị và kỳ.",
)
def plans_targets(request: HttpRequest, plan_id: int) -> list[Target]:
    """The targets of a plan the caller sees (``targets.target_list_for_plan``)."""
    plan, _whole = plan_for_user(user=request.user, plan_id=plan_id)
    return targets.target_list_for_plan(plan=plan, user=request.user)


#: Fields of ``TargetPatchIn`` that may be set to null; the others may only be left out.
_TARGET_NULLABLE = frozenset({"actual_value", "node", "unit"})


def _target_refs(plan: Plan, fields: dict[str, Any]) -> dict[str, Any]:
    """``node`` (a path in ``plan``) and ``unit`` (a code) of a payload as rows; 400 when unknown."""
    if fields.get("node") is not None:
        path = fields["node"]
        node = PlanNode.objects.filter(plan=plan, path=path).first()
        if node is None:
            raise ApplicationError(
                _("Mục của kế hoạch: kế hoạch “%(plan)s” không có mục %(path)s.") % {"plan": plan.title, "path": path},
                code="tasks.target_node_outside_plan",
                extra={"field": "node"},
            )
        fields["node"] = node
    if fields.get("unit") is not None:
        fields["unit"] = _units_by_code([fields["unit"]])[fields["unit"]]
    return fields


@router.post(
    "/plans/{plan_id}/targets",
    response={201: TargetOut},
    operation_id="plans_targets_create",
    summary="Thêm chỉ tiêu",
    description=(
        "Thêm một chỉ tiêu vào kế hoạch, cho cả kế hoạch hoặc một đơn vị, một kỳ; dành cho người được sửa kế hoạch. "
        "Giá trị ≥ 0, đơn vị tính % thì không quá 100."
    ),
)
def plans_targets_create(request: HttpRequest, plan_id: int, payload: TargetIn) -> Status[Target]:
    """Add a target through ``targets.target_create`` (403 without the right to change the plan)."""
    plan, _whole = plan_for_user(user=request.user, plan_id=plan_id)
    fields = _target_refs(plan, payload.model_dump())
    target = targets.target_create(actor=request.user, plan=plan, **fields)
    return Status(201, targets.target_get_for_user(user=request.user, target_id=target.pk))


@router.patch(
    "/targets/{target_id}",
    response=TargetOut,
    operation_id="targets_update",
    summary="Sửa chỉ tiêu, báo cáo giá trị đạt được",
    description=(
        "Đổi các trường được gửi; trường không gửi giữ nguyên. Người được sửa kế hoạch đổi mọi trường; "
        "đầu mối của đơn vị thực hiện chỉ tiêu chỉ báo cáo actual_value."
    ),
)
def targets_update(request: HttpRequest, target_id: int, payload: TargetPatchIn) -> Target:
    """Change a target through ``targets.target_update`` (404 outside the caller's scope)."""
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    fields = payload.model_dump(exclude_unset=True)
    empty = sorted(name for name, value in fields.items() if value is None and name not in _TARGET_NULLABLE)
    if empty:
        raise ApplicationError(
            _("Không được để trống: %(fields)s.") % {"fields": ", ".join(empty)},
            code="tasks.field_required",
            extra={"fields": empty},
        )
    targets.target_update(actor=request.user, target=target, **_target_refs(target.plan, fields))
    return targets.target_get_for_user(user=request.user, target_id=target_id)


@router.delete(
    "/targets/{target_id}",
    response={204: None},
    operation_id="targets_delete",
    summary="Xóa chỉ tiêu",
    description="Xóa một chỉ tiêu; dành cho người được sửa kế hoạch. Giá trị cũ còn trong nhật ký.",
)
def targets_delete(request: HttpRequest, target_id: int) -> Status[None]:
    """Delete a target through ``targets.target_delete``."""
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    targets.target_delete(actor=request.user, target=target)
    return Status(204, None)


# -- tasks -------------------------------------------------------------------------------------


@router.get(
    "/tasks/{task_id}",
    response=TaskOut,
    operation_id="tasks_detail",
    summary="Chi tiết nhiệm vụ",
    description="Một nhiệm vụ. Nhiệm vụ ngoài phạm vi của bạn trả về 404 như nhiệm vụ không tồn tại.",
)
def tasks_detail(request: HttpRequest, task_id: int) -> Task:
    """One task with its display status."""
    (task,) = _with_display_status([task_get_for_user(user=request.user, task_id=task_id)])
    return task


def _units_by_code(codes: list[str]) -> dict[str, OrgUnit]:
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(units))
    if unknown:
        raise ApplicationError(
            _("Không có đơn vị mã %(codes)s.") % {"codes": ", ".join(unknown)},
            code="tasks.unknown_unit",
            extra={"codes": unknown},
        )
    return units


@router.patch(
    "/tasks/{task_id}",
    response=TaskOut,
    operation_id="tasks_update",
    summary="Sửa nhiệm vụ",
    description=(
        "Đổi các trường được gửi (tên, đơn vị chủ trì, phối hợp, sản phẩm, thời hạn, trọng số, công khai…); "
        "trường không gửi giữ nguyên. Tiến độ và trạng thái do báo cáo tiến độ được chấp nhận cập nhật."
    ),
)
def tasks_update(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> Task:
    """Change a task through ``services.task_update`` (403 without the right to change the plan)."""
    task = task_get_for_user(user=request.user, task_id=task_id)
    fields = payload.model_dump(exclude_unset=True)
    empty = sorted(name for name, value in fields.items() if value is None and name not in _NULLABLE)
    if empty:
        raise ApplicationError(
            _("Không được để trống: %(fields)s.") % {"fields": ", ".join(empty)},
            code="tasks.field_required",
            extra={"fields": empty},
        )
    codes = [*([fields["lead_unit"]] if "lead_unit" in fields else []), *(fields.get("coordinating_units") or [])]
    units = _units_by_code(codes) if codes else {}
    if "lead_unit" in fields:
        fields["lead_unit"] = units[fields["lead_unit"]]
    coordinating = fields.pop("coordinating_units", None)
    services.task_update(
        actor=request.user,
        task=task,
        coordinating_units=None if coordinating is None else [units[code] for code in coordinating],
        **fields,
    )
    (task,) = _with_display_status([task_get_for_user(user=request.user, task_id=task_id)])
    return task


# -- progress updates --------------------------------------------------------------------------


@router.get(
    "/tasks/{task_id}/updates",
    response=list[UpdateOut],
    operation_id="tasks_updates_list",
    summary="Báo cáo tiến độ của nhiệm vụ",
    description="Báo cáo tiến độ mới nhất trước; báo cáo nháp chỉ hiện với người còn sửa được nó.",
)
def tasks_updates_list(request: HttpRequest, task_id: int) -> list[TaskUpdate]:
    """The task's updates the caller may read."""
    task = task_get_for_user(user=request.user, task_id=task_id)
    return task_updates_for_user(user=request.user, task=task)


@router.post(
    "/tasks/{task_id}/updates",
    response={201: UpdateOut},
    operation_id="tasks_updates_create",
    summary="Lập báo cáo tiến độ (nháp)",
    description="Tạo báo cáo tiến độ ở trạng thái nháp cho đơn vị chủ trì hoặc phối hợp; gửi bằng …/submit.",
)
def tasks_updates_create(request: HttpRequest, task_id: int, payload: UpdateIn) -> Status[TaskUpdate]:
    """A reporter starts an update; 403 for a caller who may not report for the unit."""
    task = task_get_for_user(user=request.user, task_id=task_id)
    units = updates.reporting_units(user=request.user, task=task)
    if payload.unit is None:
        if not units:
            raise PermissionDeniedError(
                _("Bạn không có quyền báo cáo tiến độ nhiệm vụ %(code)s.") % {"code": task.code},
                code="tasks.forbidden",
            )
        unit = units[0]
    else:
        unit = _units_by_code([payload.unit])[payload.unit]
    update = updates.task_update_create(
        actor=request.user,
        task=task,
        unit=unit,
        progress=payload.progress,
        reported_status=payload.reported_status,
        narrative=payload.narrative,
        completed_on=payload.completed_on,
    )
    return Status(201, update_get_for_user(user=request.user, update_id=update.pk))


@router.post(
    "/updates/{update_id}/submit",
    response=UpdateOut,
    operation_id="updates_submit",
    summary="Gửi báo cáo tiến độ",
    description="Nháp hoặc bị trả lại → đã gửi, bởi người báo cáo của đơn vị.",
)
def updates_submit(request: HttpRequest, update_id: int) -> TaskUpdate:
    update = update_get_for_user(user=request.user, update_id=update_id)
    updates.task_update_submit(actor=request.user, update=update)
    return update_get_for_user(user=request.user, update_id=update_id)


@router.post(
    "/updates/{update_id}/return",
    response=UpdateOut,
    operation_id="updates_return",
    summary="Trả lại báo cáo tiến độ",
    description="Đã gửi → trả lại, kèm lý do, bởi người xét duyệt (lãnh đạo đơn vị chủ trì, Phòng CCHC).",
)
def updates_return(request: HttpRequest, update_id: int, payload: ReturnIn) -> TaskUpdate:
    update = update_get_for_user(user=request.user, update_id=update_id)
    updates.task_update_return(actor=request.user, update=update, reason=payload.reason)
    return update_get_for_user(user=request.user, update_id=update_id)


@router.post(
    "/updates/{update_id}/accept",
    response=UpdateOut,
    operation_id="updates_accept",
    summary="Chấp nhận báo cáo tiến độ",
    description=(
        "Đã gửi → chấp nhận, bởi người xét duyệt không phải người lập; báo cáo của đơn vị chủ trì cập nhật tiến độ "
        "nhiệm vụ."
    ),
)
def updates_accept(request: HttpRequest, update_id: int) -> TaskUpdate:
    update = update_get_for_user(user=request.user, update_id=update_id)
    updates.task_update_accept(actor=request.user, update=update)
    return update_get_for_user(user=request.user, update_id=update_id)
