"""URLs of the PAR index under /chi-so-cchc/: the workflow pages and the results pages."""

from cchc.scoring.views import results, workflow

app_name = "scoring"
urlpatterns = [*workflow.urlpatterns, *results.urlpatterns]
