"""A small plan in correct Vietnamese, and the units and cohort it names.

The plan has the shape of a real provincial reform plan: roman sections, numbered
items, lettered duties (with "đ"), a cross-reference and a "Tổ chức thực hiện"
section that names one department and the cohort "Các sở, ban, ngành".
"""

from dataclasses import dataclass
from typing import Any

from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.services import cohort_set_members, cohort_upsert
from cchc.organizations.tests.factories import make_unit

PLAN_FILE_NAME = "ke-hoach-cchc-2023.txt"

PLAN_TEXT = """\
Kế hoạch cải cách hành chính nhà nước tỉnh Thử Nghiệm năm 2023

Thực hiện Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030,
Ủy ban nhân dân tỉnh ban hành Kế hoạch cải cách hành chính năm 2023 như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Nâng cao hiệu quả công tác cải cách hành chính và Chỉ số hài lòng của người dân.

2. Yêu cầu

a) Bám sát các mục tiêu của Chương trình tổng thể.

b) Gắn trách nhiệm người đứng đầu với công tác cải cách hành chính.

II. NHIỆM VỤ CHỦ YẾU

1. Cải cách thể chế

a) Rà soát văn bản quy phạm pháp luật của tỉnh.

b) Kiểm tra việc thi hành pháp luật.

2. Cải cách thủ tục hành chính

a) Công bố thủ tục hành chính đúng thời hạn.

b) Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.

c) Tiếp nhận, xử lý phản ánh, kiến nghị của người dân.

d) Thực hiện dịch vụ công trực tuyến toàn trình.

đ) Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II.

III. KINH PHÍ THỰC HIỆN

Kinh phí thực hiện từ ngân sách nhà nước theo phân cấp hiện hành.

IV. TỔ CHỨC THỰC HIỆN

1. Sở Nội vụ

Chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch; thực hiện điểm đ khoản 2 mục II.

2. Các sở, ban, ngành

Xây dựng kế hoạch cải cách hành chính của cơ quan, phối hợp với Sở Nội vụ để báo cáo kết quả.
"""

PLAN_BYTES = PLAN_TEXT.encode("utf-8")

# The nodes the outline of PLAN_TEXT has, in document order.
PLAN_PATHS = [
    "I",
    "I.1",
    "I.2",
    "I.2.a",
    "I.2.b",
    "II",
    "II.1",
    "II.1.a",
    "II.1.b",
    "II.2",
    "II.2.a",
    "II.2.b",
    "II.2.c",
    "II.2.d",
    "II.2.đ",
    "III",
    "IV",
    "IV.1",
    "IV.2",
]


@dataclass
class PlanUnits:
    home_affairs: OrgUnit
    departments: Cohort


def make_plan_units(tree: Any) -> PlanUnits:
    """Add "Sở Nội vụ" under the province and the cohort "Sở, ban, ngành" (Sở A, Sở B, Sở Nội vụ)."""
    home_affairs = make_unit(code="SNV", parent=tree.province, name="Sở Nội vụ", short_name="Sở Nội vụ")
    departments = cohort_upsert(
        actor=None, code="SBN", name="Sở, ban, ngành tỉnh", aliases=["Các sở, ban, ngành", "Sở, ban, ngành"]
    )
    cohort_set_members(actor=None, cohort=departments, units=[tree.dept_a, tree.dept_b, home_affairs])
    return PlanUnits(home_affairs=home_affairs, departments=departments)
