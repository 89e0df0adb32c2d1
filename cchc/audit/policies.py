"""Who may read the audit log: the reform office and administrators, per unit."""

from typing import ClassVar

from cchc.accounts.choices import Role
from cchc.audit.models import AuditEvent
from cchc.organizations.policies import ScopedPolicy


class AuditEventPolicy(ScopedPolicy[AuditEvent]):
    model = AuditEvent
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}),
    }


audit_event_policy = AuditEventPolicy()
