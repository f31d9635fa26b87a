"""Statistics: a unit's dashboard and fairness indicators, a cluster's dashboard and rotation
analysis. Each part keeps its own routes."""

from django.urls import include, path

app_name = "stats"
urlpatterns = [
    path("", include("stats.urls_unit")),
    path("clusters/", include("stats.urls_cluster")),
]
