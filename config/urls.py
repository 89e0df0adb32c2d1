"""Root URL configuration: the site, the API and the admin."""

from django.contrib import admin
from django.urls import include, path

from cchc.api.api import api
from cchc.tasks.urls import public_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("django.contrib.auth.urls")),
    path("ke-hoach/", include("cchc.plans.urls")),
    path("ke-hoach/", include("cchc.tasks.urls")),
    path("thu-tuc/", include("cchc.procedures.urls")),
    path("cong-khai/", include((public_urlpatterns, "public"))),
    path("mot-cua/", include("cchc.dossiers.urls")),
    path("chi-so-766/", include("cchc.indicators.urls")),
    path("chi-so-cchc/", include("cchc.scoring.urls")),
    path("bao-cao/", include("cchc.reports.urls")),
    path("", include("cchc.web.urls")),
]
