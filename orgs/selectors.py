"""Reads of organisations and their lineage, always scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core import permissions
from orgs import rules
from orgs.filters import OrgFilter
from orgs.models import LineageEvent, Org


def lineage_edges() -> list[rules.Edge]:
    """All lineage events as pure edges (a small table: one row per merger, split or renaming)."""
    return [
        rules.Edge(kind, pred, succ, day)
        for kind, pred, succ, day in LineageEvent.objects.values_list(
            "kind", "predecessor_id", "successor_id", "effective_date"
        )
    ]


def lineage_absorbed_paths(org: Org) -> set[str]:
    """Tree paths of units whose records passed into `org`'s subtree (merged or renamed into it
    or into one of its sub-units), transitively; a role in `org` reaches them too."""
    edges = [e for e in lineage_edges() if e.kind in rules.CONTINUING_KINDS and e.succ is not None]
    if not edges:
        return set()
    ids = {e.pred for e in edges} | {e.succ for e in edges if e.succ is not None}
    paths = dict(Org.objects.filter(pk__in=ids).values_list("pk", "path"))
    reach = [org.path]
    absorbed: set[str] = set()
    grown = True
    while grown:
        grown = False
        for e in edges:
            succ_path, pred_path = paths.get(e.succ or 0), paths.get(e.pred)
            if succ_path is None or pred_path is None:
                continue
            inside = any(succ_path.startswith(prefix) for prefix in reach)
            covered = any(pred_path.startswith(prefix) for prefix in reach)
            if inside and not covered:
                absorbed.add(pred_path)
                reach.append(pred_path)
                grown = True
    return absorbed


def org_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Org]:
    """Organisations the user may see, searched (diacritics ignored), filtered and sorted.

    Invalid filter values are ignored by OrgFilter's form; callers show its errors.
    """
    base = permissions.visible_orgs(user).select_related("parent")
    return OrgFilter(filters or {}, queryset=base).qs


def org_get(*, user: Any, pk: int) -> Org:
    """One organisation the user may see; Org.DoesNotExist otherwise (a 404, not a hint)."""
    return permissions.visible_orgs(user).select_related("parent").get(pk=pk)


@dataclass(frozen=True)
class LineageEntry:
    org: Org
    kind: str
    kind_label: str
    date: dt.date
    via: Org
    depth: int


@dataclass(frozen=True)
class Lineage:
    predecessors: list[LineageEntry]
    successors: list[LineageEntry]
    successor_now: Org | None
    dissolved_on: dt.date | None


def org_lineage(org: Org, at: dt.date | None = None) -> Lineage:
    """Predecessors and successors of `org` as of `at` (default: everything recorded)."""
    edges = lineage_edges()
    pred_links = rules.predecessors(org.pk, edges, at)
    succ_links = rules.successors(org.pk, edges, at)
    ids = {link.org_id for link in pred_links + succ_links} | {
        link.via for link in pred_links + succ_links
    }
    orgs = Org.objects.in_bulk(ids | {org.pk})
    labels = dict(LineageEvent._meta.get_field("kind").choices or [])

    def entries(links: list[rules.Link]) -> list[LineageEntry]:
        return [
            LineageEntry(
                orgs[link.org_id],
                link.kind,
                str(labels[link.kind]),
                link.date,
                orgs[link.via],
                link.depth,
            )
            for link in links
        ]

    dissolved = next((link.date for link in succ_links if link.kind == "dissolved"), None)
    heir_id = rules.successor_at(org.pk, edges, at or dt.date.max)
    heir = orgs.get(heir_id) if heir_id not in (None, org.pk) else None
    if heir_id is not None and heir is None and heir_id != org.pk:
        heir = Org.objects.get(pk=heir_id)
    return Lineage(entries(pred_links), entries(succ_links), heir, dissolved)


def org_children(*, user: Any, org: Org) -> QuerySet[Org]:
    return permissions.visible_orgs(user).filter(parent=org).order_by("name")
