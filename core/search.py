"""Diacritic- and case-insensitive search over a folded `search_key`, exact matches first.

The key holds the searchable parts folded and fenced (`| 19 | tinh thai nguyen | thai nguyen |`), so
the same plain LIKE queries work on SQLite and PostgreSQL and an exact part can be ranked first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from core.text import fold


def fenced_key(*parts: str) -> str:
    pieces = [fold(p) for p in parts if p and p.strip()]
    return "| " + " | ".join(pieces) + " |"


def search(qs: QuerySet[Any], query: str, field: str = "search_key") -> QuerySet[Any]:
    """Filter `qs` to rows matching every word of `query`; annotate `search_rank` (0 = exact)."""
    q = fold(query).replace("|", " ").strip()
    if not q:
        return qs
    words = q.split()
    for word in words:
        qs = qs.filter(**{f"{field}__contains": word})
    return qs.annotate(
        search_rank=Case(
            When(Q(**{f"{field}__contains": f"| {q} |"}), then=Value(0)),
            When(Q(**{f"{field}__contains": f"| {q}"}), then=Value(1)),
            When(Q(**{f"{field}__contains": q}), then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
