"""Reads about accounts that other apps' rules rest on."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from cchc.accounts.choices import Role
from cchc.accounts.models import Membership
from cchc.core.reminders import Recipient


def focal_point_recipients(unit_ids: Iterable[int], on: dt.date) -> dict[int, list[Recipient]]:
    """The addresses of each unit's focal points on ``on``: active users with an e-mail and a membership valid that day.

    The membership must be on the unit itself (a focal point of the parent is not the
    unit's). Each address once per unit, in user order; units with none are absent.
    """
    rows = (
        Membership.objects.active_on(on)
        .filter(role=Role.FOCAL_POINT, unit_id__in=set(unit_ids), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("unit_id", "user_id")
    )
    found: dict[int, list[Recipient]] = defaultdict(list)
    for membership in rows:
        user = membership.user
        if all(r.email != user.email for r in found[membership.unit_id]):
            found[membership.unit_id].append(Recipient(user.email, user.full_name or user.username))
    return dict(found)
