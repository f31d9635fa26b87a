"""Organisations are edited through the application's pages (audited); the admin only shows them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from orgs.models import LineageEvent, Org


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("code", "name", "search_key")


@admin.register(LineageEvent)
class LineageEventAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "kind", "successor", "effective_date", "legal_basis")
    list_filter = ("kind",)
