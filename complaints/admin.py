"""Complaints in the admin: read only, since only the audited services may change them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from complaints.models import Complaint, ComplaintStep
from core.admin import ReadOnlyAdmin


class StepInline(admin.TabularInline):
    model = ComplaintStep
    extra = 0
    can_delete = False
    # Not the note: it may name the complainant, who is seen only by those who handle it.
    fields = ("at", "kind", "actor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "status", "org", "received_on", "due_on", "assignee")
    list_filter = ("status", "kind", "channel")
    search_fields = ("reference",)
    # Who sent it is seen only by those who handle it (complaint.handle), not by every superuser.
    exclude = ("complainant_name", "complainant_contact", "complainant_address", "source")
    inlines = [StepInline]
