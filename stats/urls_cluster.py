"""The cluster dashboard and the rotation analysis (under /stats/clusters/)."""

from django.urls import path

from stats import views_cluster

urlpatterns = [
    path("rotation/", views_cluster.rotation_page, name="rotation"),
    path("<int:pk>/", views_cluster.cluster_dashboard, name="cluster"),
]
