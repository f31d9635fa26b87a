"""Movements are managed through the application's pages (audited); the admin only shows them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from movements.models import Movement, MovementReview


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("name", "launched_by", "kind", "scope", "start", "end")


@admin.register(MovementReview)
class MovementReviewAdmin(ReadOnlyAdmin):
    list_display = ("movement", "kind", "date", "title")
