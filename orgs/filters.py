"""The organisation list's filters, shared by the page and the API (GET /api/v1/orgs)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RankedOrderingMixin
from core.search import search
from core.widgets import VnDateInput
from orgs.models import Org, OrgKind

MAX_ID = 2**63 - 1


class OrgFilter(RankedOrderingMixin, django_filters.FilterSet):
    default_order = ("name",)

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=OrgKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    active_on = django_filters.DateFilter(
        method="filter_active_on",
        label=_("Active on"),
        widget=VnDateInput(),
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        label=_("Status"),
        choices=[("active", _("Active today")), ("ended", _("Ended (merged, dissolved)"))],
        empty_label=_("All"),
    )
    parent = django_filters.NumberFilter(
        field_name="parent_id",
        label=_("Parent unit"),
        min_value=1,
        max_value=MAX_ID,
        decimal_places=0,
    )
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("code", "code"), ("kind", "kind"), ("valid_to", "valid_to")),
        label=_("Sort"),
    )

    class Meta:
        model = Org
        fields = ["q", "kind", "status", "active_on", "parent"]

    def filter_q(self, qs: QuerySet[Org], name: str, value: str) -> QuerySet[Org]:
        return search(qs, value)

    def filter_active_on(self, qs: QuerySet[Org], name: str, value: Any) -> QuerySet[Org]:
        return qs.exclude(valid_from__gt=value).exclude(valid_to__lt=value)

    def filter_status(self, qs: QuerySet[Org], name: str, value: str) -> QuerySet[Org]:
        today = timezone.localdate()
        if value == "ended":
            return qs.filter(valid_to__lt=today)
        return qs.exclude(valid_from__gt=today).exclude(valid_to__lt=today)
