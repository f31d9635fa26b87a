"""Clusters are managed through the application's pages (audited); the admin only shows them."""

from django.contrib import admin

from clusters.models import Cluster, ClusterYear
from core.admin import ReadOnlyAdmin


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "organiser")


@admin.register(ClusterYear)
class ClusterYearAdmin(ReadOnlyAdmin):
    list_display = ("cluster", "year", "head", "deputy")
