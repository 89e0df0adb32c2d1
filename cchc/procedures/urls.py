from django.urls import path

from cchc.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("xuat/", views.procedure_export, name="procedure_export"),
    path("<str:code>/", views.procedure_detail, name="procedure_detail"),
]
