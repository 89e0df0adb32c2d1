"""Task pages, mounted at ``ke-hoach/`` next to the plan pages, and the public pages.

The plan page itself (``ke-hoach/<id>/``) keeps its name ``plans:plan_detail``; its
view is ``views.plan_detail`` here, routed by ``cchc.plans.urls``.
"""

from django.urls import path

from cchc.tasks import views
from cchc.tasks.evidence import evidence_download

app_name = "tasks"

urlpatterns = [
    path("<int:plan_id>/tong-quan/", views.plan_dashboard, name="plan_dashboard"),
    path("<int:plan_id>/ban-hanh/", views.plan_issue, name="plan_issue"),
    path("<int:plan_id>/ket-thuc/", views.plan_close, name="plan_close"),
    path("<int:plan_id>/tao-nhiem-vu/", views.plan_generate_tasks, name="plan_generate_tasks"),
    path("<int:plan_id>/ke-hoach-don-vi/", views.plan_unit_plan_create, name="plan_unit_plan_create"),
    path("<int:plan_id>/tai-xlsx/", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("<int:plan_id>/tai-docx/", views.plan_export_docx, name="plan_export_docx"),
    path("<int:plan_id>/nhap-xlsx/", views.plan_import_xlsx, name="plan_import_xlsx"),
    path("<int:plan_id>/chi-tieu/them/", views.target_create, name="target_create"),
    path("chi-tieu/<int:target_id>/sua/", views.target_edit, name="target_edit"),
    path("chi-tieu/<int:target_id>/ket-qua/", views.target_report, name="target_report"),
    path("chi-tieu/<int:target_id>/xoa/", views.target_delete, name="target_delete"),
    path("nhiem-vu/<int:task_id>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:task_id>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:task_id>/bao-cao/", views.task_update_create, name="task_update_create"),
    path("bao-cao/<int:update_id>/sua/", views.update_edit, name="update_edit"),
    path("bao-cao/<int:update_id>/gui/", views.update_submit, name="update_submit"),
    path("bao-cao/<int:update_id>/tra-lai/", views.update_return, name="update_return"),
    path("bao-cao/<int:update_id>/chap-nhan/", views.update_accept, name="update_accept"),
    path("minh-chung/<int:evidence_id>/", evidence_download, name="evidence_download"),
]

#: Pages for anyone, without a login; mounted at ``cong-khai/`` as ``public``.
public_urlpatterns = [
    path("nhiem-vu/", views.public_task_index, name="task_list"),
    path("nhiem-vu/<int:task_id>/", views.public_task_detail, name="task_detail"),
]
