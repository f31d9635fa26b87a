"""Exemplary models are kept through the application's pages (audited); the admin only shows them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from exemplary.models import ExemplaryModel, ExemplaryStep


@admin.register(ExemplaryModel)
class ExemplaryModelAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "org", "year", "stage")
    list_filter = ("kind", "stage")


@admin.register(ExemplaryStep)
class ExemplaryStepAdmin(ReadOnlyAdmin):
    list_display = ("model", "stage", "on", "actor")
