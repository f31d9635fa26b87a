"""Replacement templates are uploaded and removed through their pages (checked, audited); the
admin only shows them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from documents.models import DocumentTemplate


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyAdmin):
    list_display = ("kind", "org", "name", "uploaded_at", "retired_at")
    list_filter = ("kind",)
    search_fields = ("name", "org__name", "org__code")
