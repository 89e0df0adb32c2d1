"""Reading the audit log, scoped to the reader."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from cchc.audit.models import AuditEvent
from cchc.audit.policies import audit_event_policy


def audit_event_list_for_user(
    *,
    user: Any,
    action: str = "",
    object_type: str = "",
    actor: str = "",
    unit_code: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows ``user`` may read, newest first, narrowed by the given filters.

    ``actor`` matches the recorded actor name or the actor's username
    (case-insensitive, substring); ``unit_code`` is the unit the row belongs to,
    exactly; ``date_from``/``date_to`` are inclusive dates in the site's time zone.
    Rows without a unit (accounts, tokens) are visible to global roles only.
    """
    qs = audit_event_policy.scope(user, "view").select_related("actor", "unit")
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor:
        qs = qs.filter(Q(actor_label__icontains=actor) | Q(actor__username__icontains=actor))
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs
