"""People are edited through the application's pages (audited); the admin only lists them."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from people.models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "birth_year", "unit", "category")
    search_fields = ("name_key",)
    exclude = ("id_number",)
