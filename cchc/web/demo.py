"""The Hải Dương 2023 demo: reference data plus a handful of accounts, one per role.

Loading is idempotent: every step goes through an upsert-style service, so running
``make run`` again changes nothing and writes no new audit rows. Later issues add
their demo data (the imported seed plan, dossiers, a PAR round) here.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from cchc.accounts.choices import Role
from cchc.accounts.services import membership_grant, user_upsert
from cchc.core.errors import ApplicationError
from cchc.core.services import calendar_overrides_load_default
from cchc.organizations.importing import cohorts_load_default, units_load_default
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan
from cchc.plans.services import plan_import_confirm, plan_import_create

# The Hải Dương 2023 reform plan, as the OCR text the province published.
SEED_PLAN = settings.BASE_DIR / "fixtures" / "seed" / "000_6b4a4a90fab0730f.txt"
SEED_PLAN_TITLE = "Kế hoạch cải cách hành chính nhà nước tỉnh Hải Dương năm 2023"

# Shown on the console by `make run`; a demo database only. Production accounts are
# created by administrators and never use this password.
DEMO_PASSWORD = "cchc-demo-2023"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    position: str
    grants: tuple[tuple[str, str], ...]  # (role, unit code)
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("quantri", "Quản trị hệ thống", "Quản trị viên", ((Role.SYSTEM_ADMIN, "HD"),), superuser=True),
    DemoAccount(
        "snv.cchc",
        "Nguyễn Thị Hoa",
        "Chuyên viên Phòng CCHC, Sở Nội vụ",
        ((Role.REFORM_OFFICE, "HD"), (Role.REFORM_OFFICE, "HP")),
    ),
    DemoAccount("stp.thamdinh", "Trần Văn Minh", "Chuyên viên Sở Tư pháp", ((Role.APPRAISER, "HD.STP"),)),
    DemoAccount("syt.daumoi", "Lê Thị Lan", "Đầu mối CCHC, Sở Y tế", ((Role.FOCAL_POINT, "HD.SYT"),)),
    DemoAccount("syt.lanhdao", "Phạm Văn Hùng", "Giám đốc Sở Y tế", ((Role.LEADER, "HD.SYT"),)),
    DemoAccount("gialoc.daumoi", "Vũ Thị Thu", "Đầu mối CCHC, UBND huyện Gia Lộc", ((Role.FOCAL_POINT, "HD.H297"),)),
    DemoAccount("lanhdao.tinh", "Đỗ Văn Bình", "Lãnh đạo UBND tỉnh (chỉ xem)", ((Role.VIEWER, "HD"),)),
)


def _unit(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise ApplicationError(f"Dữ liệu mẫu thiếu đơn vị mã {code}.", code="demo.missing_unit")
    return unit


@transaction.atomic
def demo_load(*, actor: Any = None) -> dict[str, Any]:
    """Load (or top up) the demo; returns what each step did."""
    summary: dict[str, Any] = {
        "calendar": calendar_overrides_load_default(actor=actor),
        "cohorts": cohorts_load_default(actor=actor),
        "units": units_load_default(actor=actor),
    }
    for account in DEMO_ACCOUNTS:
        user = user_upsert(
            actor=actor,
            username=account.username,
            full_name=account.full_name,
            position=account.position,
            email=f"{account.username}@demo.cchc.local",
            password=DEMO_PASSWORD,
            is_staff=account.superuser,
            is_superuser=account.superuser,
        )
        for role, code in account.grants:
            membership_grant(actor=actor, user=user, unit=_unit(code), role=role)
    summary["accounts"] = [a.username for a in DEMO_ACCOUNTS]
    summary["plan"] = _seed_plan(actor)
    return summary


def _seed_plan(actor: Any) -> str:
    """Import the seed plan for Hải Dương 2023 once (matched by the file's SHA-256)."""
    data = SEED_PLAN.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    province = _unit("HD")
    if Plan.objects.filter(unit=province, year=2023, source_sha256=digest).exists():
        return "unchanged"
    plan_import = plan_import_create(actor=actor, unit=province, year=2023, file_name=SEED_PLAN.name, data=data)
    plan_import_confirm(actor=actor, plan_import=plan_import, title=SEED_PLAN_TITLE)
    return "created"
