"""Every write to plans and plan imports.

An import goes upload → preview (``plan_import_create``) → corrections
(``plan_import_update_node``, ``plan_import_set_unit``) → ``plan_import_confirm``,
which creates the plan, its nodes, unit links and references in one transaction.
A ``None`` actor is the system (the demo loader, ``import_plan`` on the command line).
"""

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.text import fold
from cchc.documents.analysis import analyse_document
from cchc.organizations.models import Cohort, OrgUnit
from cchc.plans.choices import UnitRole
from cchc.plans.models import Plan, PlanImport, PlanNode, PlanNodeReference, PlanNodeUnit
from cchc.plans.policies import plan_import_policy
from cchc.plans.selectors import unit_candidates_for_year

MIN_YEAR, MAX_YEAR = 2000, 2100


def _check(actor: Any, action: str, plan_import: PlanImport) -> None:
    if actor is not None and not plan_import_policy.user_can(actor, action, plan_import):
        raise PermissionDeniedError(
            _("Bạn không có quyền nhập kế hoạch cho %(unit)s.") % {"unit": plan_import.unit.name},
            code="plans.forbidden",
        )


def _require_preview(plan_import: PlanImport) -> None:
    if plan_import.status != PlanImport.Status.PREVIEW:
        raise ApplicationError(
            _("Bản nhập “%(file)s” đang ở trạng thái “%(status)s”, không sửa được nữa.")
            % {"file": plan_import.file_name, "status": plan_import.get_status_display()},
            code="plans.import_closed",
        )


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(_("Năm kế hoạch không hợp lệ: %(year)s.") % {"year": year}, code="plans.invalid_year")


@transaction.atomic
def plan_import_create(*, actor: Any, unit: OrgUnit, year: int, file_name: str, data: bytes) -> PlanImport:
    """Read and analyse an uploaded plan document; keep the result for review.

    Raises ``ApplicationError`` (Vietnamese, naming the file) for unreadable input or a
    document without plan structure; nothing is written then.
    """
    _check_year(year)
    draft = PlanImport(unit=unit, year=year, file_name=file_name[:255], sha256="", size=len(data))
    _check(actor, "create", draft)
    analysis = analyse_document(name=file_name, data=data, candidates=unit_candidates_for_year(year=year))
    draft.sha256 = analysis.sha256
    draft.analysis = analysis.as_json()
    draft.created_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.save()
    audit_record(
        actor=actor,
        action="plan_import.created",
        obj=draft,
        unit=unit,
        changes={
            "file_name": [None, draft.file_name],
            "year": [None, year],
            "nodes": [None, len(draft.analysis["outline"])],
        },
    )
    return draft


def _node(plan_import: PlanImport, path: str) -> dict[str, Any]:
    for node in plan_import.analysis["outline"]:
        if node["path"] == path:
            return node
    raise ApplicationError(_("Không có mục %(path)s trong bản nhập.") % {"path": path}, code="plans.unknown_node")


@transaction.atomic
def plan_import_update_node(
    *, actor: Any, plan_import: PlanImport, path: str, title: str, body: str | None = None
) -> PlanImport:
    """Correct the repaired title (and body) of one node before confirming.

    A corrected field loses its low-confidence flags: a person has read it.
    """
    _check(actor, "change", plan_import)
    _require_preview(plan_import)
    node = _node(plan_import, path)
    title = " ".join(title.split())
    if not title:
        raise ApplicationError(
            _("Mục %(path)s: tiêu đề không được để trống.") % {"path": path}, code="plans.empty_title"
        )
    changes: dict[str, list[Any]] = {}
    if title != node["title"]:
        changes["title"] = [node["title"], title]
        node["title"] = title
        node["flags"] = [f for f in node["flags"] if f["field"] != "title"]
    if body is not None and body.strip() != node["body"].strip():
        changes["body"] = [node["body"], body]
        node["body"] = body.strip()
        node["flags"] = [f for f in node["flags"] if f["field"] != "body"]
    if changes:
        plan_import.save(update_fields=["analysis", "updated_at"])
        audit_record(
            actor=actor,
            action="plan_import.node_corrected",
            obj=plan_import,
            unit=plan_import.unit,
            changes={f"{path}.{key}": value for key, value in changes.items()},
        )
    return plan_import


@transaction.atomic
def plan_import_set_unit(*, actor: Any, plan_import: PlanImport, index: int, code: str | None) -> PlanImport:
    """Confirm, change or drop (``code=None``) the unit matched for one name."""
    _check(actor, "change", plan_import)
    _require_preview(plan_import)
    units = plan_import.analysis["units"]
    if not 0 <= index < len(units):
        raise ApplicationError(
            _("Không có tên đơn vị số %(number)s trong bản nhập.") % {"number": index + 1},
            code="plans.unknown_mention",
        )
    if code and not (OrgUnit.objects.filter(code=code).exists() or Cohort.objects.filter(code=code).exists()):
        raise ApplicationError(
            _("Không có đơn vị hoặc nhóm đơn vị mã “%(code)s”.") % {"code": code}, code="plans.unknown_unit"
        )
    mention = units[index]
    before = mention["code"]
    mention["code"] = code or None
    mention["is_group"] = bool(code) and Cohort.objects.filter(code=code).exists()
    mention["confirmed"] = True
    plan_import.save(update_fields=["analysis", "updated_at"])
    audit_record(
        actor=actor,
        action="plan_import.unit_set",
        obj=plan_import,
        unit=plan_import.unit,
        changes={f"{mention['path']}:{mention['text']}": [before, mention["code"]]},
    )
    return plan_import


_HEADER_LINE = re.compile(
    r"^(?:uy ban nhan dan|ubnd|cong hoa xa hoi|doc lap|so:|so |s[oố]\s*:|.*, ngay \d|noi nhan)", re.IGNORECASE
)


def plan_import_default_title(plan_import: PlanImport) -> str:
    """A title for the plan from its heading block.

    "KẾ HOẠCH" on a line of its own is joined to the next line ("KẾ HOẠCH / Cải cách
    hành chính năm 2023" → "Kế hoạch cải cách hành chính năm 2023"); header lines (issuer,
    national motto, number, place and date) are skipped; without a heading, the file
    name is used.
    """
    lines = [" ".join(line.split()) for line in plan_import.analysis.get("preamble", "").splitlines()]
    lines = [line for line in lines if line and not _HEADER_LINE.match(fold(line))]
    title = ""
    for index, line in enumerate(lines):
        if fold(line) == "ke hoach" and index + 1 < len(lines):
            title = f"Kế hoạch {lines[index + 1]}"
            break
    if not title:
        title = lines[0] if lines else plan_import.file_name.rsplit(".", 1)[0]
    rest = title[len("Kế hoạch ") :] if fold(title).startswith("ke hoach ") else title
    if rest.isupper():
        rest = rest.lower()
    elif not rest.split(" ", 1)[0].isupper():  # keep acronyms such as "CCHC" as written
        rest = rest[:1].lower() + rest[1:]
    return f"Kế hoạch {rest}"[:500]


def _units_for(code: str, year: int) -> list[OrgUnit]:
    """The unit ``code``, or every member of cohort ``code`` that existed in ``year``."""
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is not None:
        return [unit]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(
        OrgUnit.objects.filter(cohorts__code=code, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("tree_key")
    )


@transaction.atomic
def plan_import_confirm(*, actor: Any, plan_import: PlanImport, title: str | None = None) -> Plan:
    """Create the plan from the reviewed import, all or nothing.

    Units named as a cohort ("Các sở, ban, ngành") are linked to every member unit of
    that year. Names left unmatched are not linked (they stay in the import record).
    """
    _check(actor, "change", plan_import)
    _require_preview(plan_import)
    analysis = plan_import.analysis
    plan = Plan.objects.create(
        unit=plan_import.unit,
        year=plan_import.year,
        title=(title or plan_import_default_title(plan_import)).strip()[:500],
        source_name=plan_import.file_name,
        source_sha256=plan_import.sha256,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    nodes: dict[str, PlanNode] = {}
    for position, item in enumerate(analysis["outline"], start=1):
        nodes[item["path"]] = PlanNode.objects.create(
            plan=plan,
            parent=nodes.get(item["parent"]) if item["parent"] else None,
            position=position,
            path=item["path"],
            kind=item["kind"],
            label=item["label"],
            title=item["title"],
            body=item["body"],
            line_start=item["lines"][0],
            line_end=item["lines"][1],
            columns=item.get("columns") or {},
        )
    links = set()
    for mention in analysis["units"]:
        if not mention["code"] or mention["path"] not in nodes:
            continue
        for unit in _units_for(mention["code"], plan_import.year):
            links.add((mention["path"], unit.pk, mention["role"] or UnitRole.MENTIONED, mention["text"][:255]))
    PlanNodeUnit.objects.bulk_create(
        [
            PlanNodeUnit(node=nodes[path], unit_id=unit_id, role=role, source_text=text)
            for path, unit_id, role, text in sorted(links)
        ],
        ignore_conflicts=True,
    )
    PlanNodeReference.objects.bulk_create(
        [
            PlanNodeReference(node=nodes[ref["path"]], target=nodes[ref["target"]], text=ref["text"][:255])
            for ref in analysis["references"]
            if ref["resolved"] and ref["path"] in nodes and ref["target"] in nodes
        ]
    )
    plan_import.status = PlanImport.Status.CONFIRMED
    plan_import.plan = plan
    plan_import.save(update_fields=["status", "plan", "updated_at"])
    audit_record(
        actor=actor,
        action="plan.created",
        obj=plan,
        unit=plan.unit,
        changes={"title": [None, plan.title], "year": [None, plan.year], "nodes": [None, len(nodes)]},
    )
    audit_record(
        actor=actor, action="plan_import.confirmed", obj=plan_import, unit=plan.unit, changes={"plan": [None, plan.pk]}
    )
    return plan


@transaction.atomic
def plan_import_discard(*, actor: Any, plan_import: PlanImport) -> PlanImport:
    """Drop an import that will not be confirmed (kept, marked discarded, for the record)."""
    _check(actor, "change", plan_import)
    _require_preview(plan_import)
    plan_import.status = PlanImport.Status.DISCARDED
    plan_import.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="plan_import.discarded",
        obj=plan_import,
        unit=plan_import.unit,
        changes={"status": ["preview", "discarded"]},
    )
    return plan_import
