"""The platform's modules as the home page lists them.

A module appears once its pages exist; each entry names the URL and who sees it.
Later issues add plans, reports, the PAR index, one-stop statistics here.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.audit.policies import audit_event_policy
from cchc.plans.policies import plan_policy
from cchc.procedures.policies import procedure_policy


@dataclass(frozen=True)
class Module:
    title: Any
    description: Any
    url: str


def modules_for_user(user: Any) -> list[Module]:
    modules = [
        Module(_("Cơ quan, đơn vị"), _("Cây tổ chức, hiệu lực và đơn vị kế thừa."), reverse("web:unit_list")),
        Module(_("API"), _("Tài liệu OpenAPI cho hệ thống khác kết nối."), reverse("api:openapi-view")),
    ]
    if plan_policy.allows_any(user, "view"):
        modules.append(
            Module(
                _("Kế hoạch CCHC"),
                _("Kế hoạch cải cách hành chính theo năm, nhiệm vụ và đơn vị được giao."),
                reverse("plans:plan_list"),
            )
        )
    if procedure_policy.allows_any(user, "view"):
        modules.append(
            Module(
                _("Thủ tục hành chính"),
                _("Danh mục thủ tục, thời hạn, phí, lệ phí và chi phí tuân thủ trước, sau đơn giản hóa."),
                reverse("procedures:procedure_list"),
            )
        )
    modules.append(
        Module(
            _("Công khai tiến độ"),
            _("Nhiệm vụ cải cách hành chính được công khai cho người dân theo dõi."),
            reverse("public:task_list"),
        )
    )
    modules.append(
        Module(
            _("Một cửa"),
            _("Kết quả giải quyết hồ sơ theo Biểu 06 hằng tháng, tra cứu và đánh giá hồ sơ."),
            reverse("dossiers:province"),
        )
    )
    if audit_event_policy.allows_any(user, "view"):
        modules.append(Module(_("Nhật ký thay đổi"), _("Ai đã thay đổi gì, khi nào."), reverse("web:audit_list")))
    return modules
