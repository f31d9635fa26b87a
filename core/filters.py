"""Shared pieces of the list FilterSets (pages and API use the same ones)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


class RankedOrderingMixin:
    """Order a list: by the chosen sort column, else by search rank when searching, else by
    `default_order`; always ending with `id` so pages are stable."""

    default_order: tuple[str, ...] = ("id",)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        qs = super().filter_queryset(queryset)  # type: ignore[misc]
        data = self.form.cleaned_data  # type: ignore[attr-defined]
        if data.get("sort"):
            sort = self.filters["sort"]  # type: ignore[attr-defined]
            fields = [sort.get_ordering_value(param) for param in data["sort"]]
            return qs.order_by(*fields, *self.default_order, "id")
        if data.get("q"):
            return qs.order_by("search_rank", *self.default_order, "id")
        return qs.order_by(*self.default_order, "id")
