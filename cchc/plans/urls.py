"""Plan pages, mounted at ``ke-hoach/``.

Node paths ("II.3.đ") travel as one path segment: ``<str:path>`` takes anything but
a slash, and ``reverse``/``{% url %}`` percent-encode the "đ".

The plan page (``<id>/``) is the working plan of ``cchc.tasks``, which builds on
plans: its view lives there and shows the document through
``views.plan_document_context``. The other task pages are ``cchc.tasks.urls``.
"""

from django.urls import path

from cchc.plans import views
from cchc.tasks import views as task_views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("<int:plan_id>/", task_views.plan_detail, name="plan_detail"),
    path("nhap/", views.plan_import_upload, name="plan_import_upload"),
    path("nhap/<int:import_id>/", views.plan_import_preview, name="plan_import_preview"),
    path("nhap/<int:import_id>/muc/<str:path>/", views.plan_import_node, name="plan_import_node"),
    path("nhap/<int:import_id>/don-vi/<int:index>/", views.plan_import_unit, name="plan_import_unit"),
    path("nhap/<int:import_id>/xac-nhan/", views.plan_import_confirm, name="plan_import_confirm"),
    path("nhap/<int:import_id>/huy/", views.plan_import_discard, name="plan_import_discard"),
]
