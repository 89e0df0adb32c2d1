"""The platform's modules as the home page lists them.

A module appears once its pages exist; each entry names the URL and who sees it.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.audit.policies import audit_event_policy
from cchc.plans.policies import plan_policy
from cchc.procedures.policies import procedure_policy
from cchc.reports.policies import report_policy
from cchc.scoring.policies import assessment_policy, round_policy


@dataclass(frozen=True)
class Module:
    title: Any
    description: Any
    url: str


def _public_tasks() -> Module:
    return Module(
        _("Công khai tiến độ"),
        _("Nhiệm vụ cải cách hành chính được công khai cho người dân theo dõi."),
        reverse("public:task_list"),
    )


def _one_stop() -> Module:
    return Module(
        _("Một cửa"),
        _("Kết quả giải quyết hồ sơ theo Biểu 06 hằng tháng, tra cứu và đánh giá hồ sơ."),
        reverse("dossiers:province"),
    )


def _index_766() -> Module:
    return Module(
        _("Chỉ số 766"),
        _("Chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg, theo đơn vị và tháng."),
        reverse("indicators:index"),
    )


def _par_results() -> Module:
    return Module(
        _("Kết quả Chỉ số CCHC"),
        _("Kết quả, xếp hạng Chỉ số cải cách hành chính đã công bố."),
        reverse("scoring:public_list"),
    )


def public_modules() -> list[Module]:
    """What anyone opens without signing in (the home page lists them for a visitor)."""
    return [
        _one_stop(),
        Module(
            _("Tra cứu hồ sơ"),
            _("Xem tình trạng hồ sơ thủ tục hành chính của bạn theo mã hồ sơ và đánh giá việc giải quyết."),
            reverse("dossiers:lookup"),
        ),
        _index_766(),
        _par_results(),
        _public_tasks(),
    ]


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
    modules.extend((_public_tasks(), _one_stop(), _index_766()))
    if round_policy.allows_any(user, "view") or assessment_policy.allows_any(user, "view"):
        modules.append(
            Module(
                _("Chỉ số CCHC"),
                _("Tự đánh giá, thẩm định, chấm điểm và xếp hạng Chỉ số cải cách hành chính."),
                reverse("scoring:home"),
            )
        )
    modules.append(_par_results())
    if report_policy.allows_any(user, "view"):
        modules.append(
            Module(
                _("Báo cáo định kỳ"),
                _("Báo cáo CCHC hằng quý, 6 tháng, năm của đơn vị và báo cáo tổng hợp của tỉnh."),
                reverse("reports:home"),
            )
        )
    if audit_event_policy.allows_any(user, "view"):
        modules.append(Module(_("Nhật ký thay đổi"), _("Ai đã thay đổi gì, khi nào."), reverse("web:audit_list")))
    return modules
