"""``POST /dossiers/batch``: the one-stop systems push dossiers, idempotent by code, in batches.

A machine client (bearer token) sends a JSON list of up to :data:`MAX_BATCH` objects
with the keys of the import format (``docs/dossiers.md``, "Import format"); the batch
is checked and written exactly as one batch of ``import_dossiers`` (``dossiers_upsert``):
in one transaction, with the Biểu 06 counters, one audit row, and each bad item
rejected alone with its Vietnamese reason. Sending the same batch again changes nothing
(every item comes back ``unchanged``).

Only the reform office on the province or a system administrator may push dossiers:
the figures they feed are the province's.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema

from cchc.accounts.choices import Role
from cchc.core.errors import PermissionDeniedError
from cchc.dossiers.importing import dossiers_upsert
from cchc.organizations.policies import GLOBAL_ROLES, user_grants

router = Router(tags=["Hồ sơ TTHC"])

#: Items per request; a request is written as one batch, in one transaction.
MAX_BATCH = 5_000
_UPSERT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE})


class DossierBatchRejectionOut(Schema):
    index: int
    reason: str


class DossierBatchOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: list[DossierBatchRejectionOut]


def _may_upsert(user: Any) -> bool:
    """A system administrator, or the reform office holding its role on a root unit (the province)."""
    return any(
        grant.role in _UPSERT_ROLES and (grant.role in GLOBAL_ROLES or grant.unit_path.count("/") == 2)
        for grant in user_grants(user)
    )


@router.post(
    "/dossiers/batch",
    response=DossierBatchOut,
    operation_id="dossiers_batch_upsert",
    summary="Tạo hoặc cập nhật một lô hồ sơ (theo mã hồ sơ)",
)
def dossiers_batch_upsert(
    request: HttpRequest, items: Annotated[list[Any], Body(max_length=MAX_BATCH)]
) -> dict[str, Any]:
    """Upsert up to 5,000 dossiers by code in one transaction; ``index`` of a rejection counts from 0."""
    if not _may_upsert(request.user):
        raise PermissionDeniedError(
            _("Chỉ Phòng CCHC cấp tỉnh hoặc quản trị hệ thống được gửi hồ sơ."), code="dossiers.upsert_forbidden"
        )
    summary = dossiers_upsert(items=items, actor=request.user)
    rejected = [{"index": number - 1, "reason": reason} for number, reason in summary.rejected]
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": rejected,
    }
