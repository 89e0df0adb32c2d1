"""Public one-stop pages, mounted at ``mot-cua/`` as ``dossiers``; none needs a login."""

from django.urls import path

from cchc.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.province_index, name="province"),
    path("tai-csv/", views.province_csv, name="province_csv"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<str:code>/tai-csv/", views.unit_csv, name="unit_csv"),
    path("tra-cuu/", views.dossier_lookup, name="lookup"),
    path("tra-cuu/<str:code>/danh-gia/", views.dossier_rate, name="rate"),
]
