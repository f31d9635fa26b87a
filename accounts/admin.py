"""Administration of accounts and roles; role changes go through the audited services."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest

from accounts.models import ApiToken, Membership, User
from accounts.services import membership_grant
from core.audit import audit_log, diff, snapshot


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Thi đua", {"fields": ("full_name", "language")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    audited = (
        "username",
        "full_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "language",
    )

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = snapshot(User.objects.get(pk=obj.pk), self.audited) if change else {}
        password_changed = change and "password" in form.changed_data
        super().save_model(request, obj, form, change)
        changes = diff(before, snapshot(obj, self.audited))
        if password_changed:
            changes["password"] = ["***", "***"]
        audit_log(
            actor=request.user,
            action="accounts.user.updated" if change else "accounts.user.created",
            obj=obj,
            changes=changes,
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "org", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "org__name", "org__code")
    raw_id_fields = ("user", "org")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A role is granted or revoked, never edited in place.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        granted = membership_grant(actor=request.user, user=obj.user, role=obj.role, org=obj.org)
        obj.pk = granted.pk

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        audit_log(
            actor=request.user,
            action="accounts.role.revoked",
            obj=obj,
            org_id=obj.org_id,
            changes={"user": [obj.user.username, None], "role": [obj.role, None]},
        )
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
