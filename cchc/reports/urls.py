"""URLs of periodic reports under /bao-cao/: the units' reports and the consolidated province report."""

from cchc.reports.views import province, units

app_name = "reports"
urlpatterns = [*units.urlpatterns, *province.urlpatterns]
