"""The plan dashboard: completion by area and by unit as inline SVG, overdue tasks, the cascade."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cchc.plans.choices import PlanStatus
from cchc.plans.selectors import plan_list_for_user
from cchc.tasks.calculations import ROLLUP_RULE, Rollup
from cchc.tasks.forms import (
    NO_AREA,
)
from cchc.tasks.models import Task
from cchc.tasks.selectors import (
    NO_PLAN,
    CoverageRow,
    plan_coverage,
    plan_progress,
)
from cchc.tasks.views.common import (
    HtmxHttpRequest,
    plan_or_404,
    plan_url,
)


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value: Decimal | None
    value_text: str
    detail: str
    y: int
    bar_y: int
    width: float
    href: str
    css: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart laid out for an inline SVG: a label above each bar."""

    bars: list[Bar]
    width: int
    height: int
    plot_x: int
    plot_width: int
    ticks: list[tuple[float, str]]


CHART_WIDTH = 520
CHART_ROW = 44
CHART_LABEL_CHARS = 46


def _percent_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def bar_chart(rows: Sequence[tuple[str, Decimal | None, str, str]]) -> BarChart:
    """Lay out percentages (label, value or ``None``, link, detail) as horizontal bars.

    Geometry only; the template draws it. A ``None`` value (nothing counted) draws
    no bar and says "–", never 0 %.
    """
    plot_x, plot_width = 0, CHART_WIDTH - 70
    bars = []
    for index, (label, value, href, detail) in enumerate(rows):
        y = index * CHART_ROW
        short = label if len(label) <= CHART_LABEL_CHARS else label[: CHART_LABEL_CHARS - 1].rstrip() + "…"
        css = "none" if value is None else "done" if value >= 100 else "mid" if value >= 50 else "low"
        bars.append(
            Bar(
                label=short,
                full_label=label,
                value=value,
                value_text=_percent_text(value),
                detail=detail,
                y=y + 14,
                bar_y=y + 20,
                width=round(float(value or 0) * plot_width / 100, 1),
                href=href,
                css=css,
            )
        )
    ticks = [(round(plot_x + plot_width * p / 100, 1), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return BarChart(
        bars=bars,
        width=CHART_WIDTH,
        height=max(len(rows), 1) * CHART_ROW + 16,
        plot_x=plot_x,
        plot_width=plot_width,
        ticks=ticks,
    )


def _done_text(rollup: Rollup) -> str:
    return _("%(done)s/%(counted)s hoàn thành") % {"done": rollup.done, "counted": rollup.counted}


@login_required
@require_safe
def plan_dashboard(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Completion by area and by unit, overdue tasks by unit, and the cascade coverage."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    progress = plan_progress(plan=plan)
    page_url = plan_url(plan)
    areas = [area for area in progress.by_area if area.rollup.total]
    area_chart = bar_chart(
        [
            (area.label, area.rollup.progress, f"{page_url}?linh_vuc={area.area or NO_AREA}", _done_text(area.rollup))
            for area in areas
        ]
    )
    unit_chart = bar_chart(
        [
            (row.unit.short_name or row.unit.name, row.rollup.progress, f"{page_url}?don_vi={row.unit.code}", "")
            for row in progress.by_unit
        ]
    )
    overdue_by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in progress.overdue:
        overdue_by_unit[task.lead_unit_id].append(task)
    overdue_rows = [
        {"unit": row.unit, "count": row.overdue, "tasks": overdue_by_unit[row.unit.pk], "rollup": row.rollup}
        for row in sorted(progress.by_unit, key=lambda r: (-r.overdue, r.unit.tree_key))
        if row.overdue
    ]
    coverage = plan_coverage(plan=plan)
    visible_plans = set(
        plan_list_for_user(user=request.user)
        .filter(pk__in=[row.unit_plan.pk for row in coverage if row.unit_plan])
        .values_list("pk", flat=True)
    )
    context = {
        "plan": plan,
        "progress": progress,
        "rule": ROLLUP_RULE,
        "area_chart": area_chart,
        "unit_chart": unit_chart,
        "overdue_rows": overdue_rows,
        "coverage": [_coverage_view(row, visible_plans) for row in coverage],
        "coverage_summary": _coverage_summary(coverage),
        "no_plan": NO_PLAN,
    }
    return render(request, "tasks/plan_dashboard.html", context)


def _coverage_view(row: CoverageRow, visible_plans: set[int]) -> dict[str, Any]:
    unit_plan = row.unit_plan
    return {
        "row": row,
        "status_label": PlanStatus(row.unit_plan_status).label if row.unit_plan_status != NO_PLAN else "",
        "plan_link": unit_plan is not None and unit_plan.pk in visible_plans,
        "percent": round(row.covered * 100 / row.assigned) if row.assigned else None,
    }


def _coverage_summary(rows: Sequence[CoverageRow]) -> dict[str, int]:
    return {
        "units": len(rows),
        "with_plan": sum(1 for row in rows if row.unit_plan is not None),
        "issued": sum(1 for row in rows if row.unit_plan_status in {PlanStatus.ISSUED, PlanStatus.CLOSED}),
        "without_plan": sum(1 for row in rows if row.unit_plan is None),
        "complete": sum(1 for row in rows if row.unit_plan is not None and not row.missing),
    }
