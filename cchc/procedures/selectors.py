"""Reading the procedure catalogue, always through the policy."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from cchc.core.text import fold
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure
from cchc.procedures.policies import procedure_policy


def procedure_list_for_user(
    *,
    user: Any,
    field: str | None = None,
    level: str | None = None,
    unit: str | None = None,
    online_level: str | None = None,
    q: str | None = None,
) -> QuerySet[Procedure]:
    """Procedures ``user`` may view, ordered by field, level and code.

    ``field`` matches the field exactly; ``unit`` is an org-unit code among the
    units that carry out the procedure; ``q`` matches code, name, field or competent
    authority, ignoring case and diacritics. Units are prefetched (code and name),
    so rendering a page costs a fixed number of queries.
    """
    qs = procedure_policy.scope(user, "view")
    if field:
        qs = qs.filter(field=field)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)
    if unit:
        qs = qs.filter(units__code=unit).distinct()
    if q:
        qs = qs.filter(search_text__contains=fold(q.strip()))
    return qs.prefetch_related(Prefetch("units", queryset=OrgUnit.objects.only("code", "name", "short_name")))


def procedure_get_for_user(*, user: Any, code: str) -> Procedure:
    """One procedure by code; ``Http404`` alike for an unknown code and for a reader without access."""
    return procedure_policy.get_for_user(user, "view", procedure_list_for_user(user=user), code=code)


def procedure_fields(*, user: Any) -> list[str]:
    """The distinct fields of the procedures ``user`` may view, sorted, for the filter list."""
    qs = procedure_policy.scope(user, "view").order_by("field").values_list("field", flat=True).distinct()
    return list(qs)
