"""The people list's filters, shared by the page and the API (GET /api/v1/people)."""

from __future__ import annotations

import django_filters
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from core.filters import RankedOrderingMixin
from core.text import fold
from orgs.filters import MAX_ID
from people.models import Category, Gender, Person


class PersonFilter(RankedOrderingMixin, django_filters.FilterSet):
    default_order = ("name_key",)

    q = django_filters.CharFilter(method="filter_q", label=_("Search by name"))
    unit = django_filters.NumberFilter(
        method="filter_unit",
        label=_("Unit (and its sub-units)"),
        min_value=1,
        max_value=MAX_ID,
        decimal_places=0,
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Category"), empty_label=_("All categories")
    )
    gender = django_filters.ChoiceFilter(
        choices=Gender.choices, label=_("Gender"), empty_label=_("All")
    )
    sort = django_filters.OrderingFilter(
        fields=(("name_key", "name"), ("birth_year", "birth_year"), ("unit__name", "unit")),
        label=_("Sort"),
    )

    class Meta:
        model = Person
        fields = ["q", "unit", "category", "gender"]

    def filter_q(self, qs: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        key = fold(value)
        if not key:
            return qs
        for word in key.split():
            qs = qs.filter(name_key__contains=word)
        return qs.annotate(
            search_rank=Case(
                When(name_key=key, then=Value(0)),
                When(name_key__startswith=key, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )

    def filter_unit(self, qs: QuerySet[Person], name: str, value: int) -> QuerySet[Person]:
        from orgs.models import Org

        unit = Org.objects.filter(pk=value).only("path").first()
        if unit is None:
            return qs.none()
        return qs.filter(unit__path__startswith=unit.path)
