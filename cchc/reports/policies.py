"""Who may see and act on periodic reports.

* A report belongs to its unit: the unit's users see it, its focal point writes and
  submits it. A unit sees only its own reports.
* The reform office over the template's requesting unit (the province) sees every
  report of its templates, returns or accepts them, grants lock exceptions and edits
  the consolidated report.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet

from cchc.accounts.choices import Role
from cchc.organizations.policies import ALL_ROLES, ScopedPolicy
from cchc.reports.models import ProvinceReport, Report, ReportTemplate

MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE})
WRITERS = frozenset({Role.SYSTEM_ADMIN, Role.FOCAL_POINT})


class TemplatePolicy(ScopedPolicy[ReportTemplate]):
    """Actions: view (any role under the requesting unit), manage (its reform office)."""

    model = ReportTemplate
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": ALL_ROLES, "manage": MANAGERS}

    def user_can(self, user: Any, action: str, obj: ReportTemplate) -> bool:
        # Units far down the tree report on templates of the province: viewing needs no grant on the province.
        if action == "view":
            return bool(self._relevant(user, action))
        return super().user_can(user, action, obj)

    def scope(self, user: Any, action: str, qs: QuerySet[ReportTemplate] | None = None) -> QuerySet[ReportTemplate]:
        qs = ReportTemplate.objects.all() if qs is None else qs
        if action == "view":
            return qs if self._relevant(user, action) else qs.none()
        return super().scope(user, action, qs)


class ReportPolicy(ScopedPolicy[Report]):
    """Actions: view, write (save, submit), review (return, accept)."""

    model = Report
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": ALL_ROLES, "write": WRITERS, "review": MANAGERS}

    def user_can(self, user: Any, action: str, obj: Report) -> bool:
        if action == "review":
            return template_policy.user_can(user, "manage", obj.template)
        if action == "view" and template_policy.user_can(user, "manage", obj.template):
            return True
        return super().user_can(user, action, obj)

    def scope(self, user: Any, action: str, qs: QuerySet[Report] | None = None) -> QuerySet[Report]:
        qs = Report.objects.all() if qs is None else qs
        managed = qs.filter(template__in=template_policy.scope(user, "manage"))
        if action == "review":
            return managed
        own = super().scope(user, action, qs)
        return (own | managed).distinct() if action == "view" else own


class ProvinceReportPolicy(ScopedPolicy[ProvinceReport]):
    model = ProvinceReport
    unit_lookup = "template__unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": MANAGERS | {Role.LEADER}, "manage": MANAGERS}


template_policy = TemplatePolicy()
report_policy = ReportPolicy()
province_report_policy = ProvinceReportPolicy()
