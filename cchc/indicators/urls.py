"""Decision 766 pages, mounted at ``chi-so-766/`` as ``indicators``; only the entry page needs a login."""

from django.urls import path

from cchc.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.province_index, name="index"),
    # Before the unit page, so that "nhap-lieu" is never read as a unit code.
    path("nhap-lieu/", views.value_entry, name="entry"),
    path("<str:unit_code>/", views.unit_detail, name="unit_detail"),
]
