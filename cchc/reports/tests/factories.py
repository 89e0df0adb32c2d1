"""A quarterly report template over the shared ``tree`` fixture (conftest.py)."""

from dataclasses import dataclass

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.organizations.models import Cohort
from cchc.reports.models import ReportTemplate

FORM = [
    {"code": "I", "title": "Công tác chỉ đạo, điều hành", "area": "1", "narrative": True, "fields": []},
    {
        "code": "II.3",
        "title": "Cải cách thủ tục hành chính",
        "area": "3",
        "narrative": True,
        "fields": [
            {"code": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer", "required": True, "min": 0},
            {"code": "resolved", "label": "Số hồ sơ đã giải quyết", "type": "integer", "required": True, "min": 0},
            {"code": "on_time_rate", "label": "Tỷ lệ giải quyết đúng hạn (%)", "type": "percent"},
        ],
    },
]
RULES = [{"left": "resolved", "op": "<=", "right": "received", "message": "không được lớn hơn số hồ sơ tiếp nhận"}]


@dataclass
class Scene:
    template: ReportTemplate
    cohort: Cohort
    office: User
    focal_a: User
    focal_b: User
    focal_h: User


def make_scene(tree, *, period_type: str = "quarter", lock_working_days: int = 10) -> Scene:
    """A quarterly template of the province (cut-off 14, 2 working days, lock 10) for SA, SB, H1 and X1."""
    cohort = Cohort.objects.create(code="RPT", name="Sở, ban, ngành")
    cohort.members.set([tree.dept_a, tree.dept_b, tree.district])
    template = ReportTemplate.objects.create(
        code="cchc-quy",
        name="Báo cáo kết quả CCHC",
        unit=tree.province,
        period_type=period_type,
        cutoff_day=14,
        deadline_rule="working_days",
        deadline_value=2,
        lock_working_days=lock_working_days,
        year_from=2023,
        form=FORM,
        rules=RULES,
    )
    template.cohorts.set([cohort])
    template.units.set([tree.commune])
    return Scene(
        template=template,
        cohort=cohort,
        office=make_user(role=Role.REFORM_OFFICE, unit=tree.province),
        focal_a=make_user(role=Role.FOCAL_POINT, unit=tree.dept_a),
        focal_b=make_user(role=Role.FOCAL_POINT, unit=tree.dept_b),
        focal_h=make_user(role=Role.FOCAL_POINT, unit=tree.district),
    )
