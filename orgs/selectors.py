"""Reads of organisations and their lineage, always scoped to what the user may see."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

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


def lineage_version() -> tuple[int, int]:
    """Changes whenever a lineage event is added or removed (keys the caches below)."""
    agg = LineageEvent.objects.aggregate(last=Max("id"), n=Count("id"))
    return (agg["last"] or 0, agg["n"])


def _absorption_index(version: tuple[int, int], day: dt.date) -> list[tuple[str, str]]:
    """(successor path, predecessor path) of every merger or renaming in force on `day`,
    sorted by successor path; cached per lineage version and day."""
    key = f"orgs:absorption:{version[0]}:{version[1]}:{day.isoformat()}"
    index = cache.get(key)
    if index is None:
        edges = [
            e
            for e in lineage_edges()
            if e.kind in rules.CONTINUING_KINDS and e.succ is not None and e.date <= day
        ]
        ids = {e.pred for e in edges} | {e.succ for e in edges if e.succ is not None}
        paths = dict(Org.objects.filter(pk__in=ids).values_list("pk", "path"))
        index = sorted(
            (paths[e.succ], paths[e.pred]) for e in edges if e.succ in paths and e.pred in paths
        )
        cache.set(key, index, 3600)
    return index


def lineage_absorbed_paths(org: Org, day: dt.date | None = None) -> set[str]:
    """Tree paths of units whose records passed into `org`'s subtree by `day` (merged or renamed
    into it or into one of its sub-units), transitively; a role in `org` reaches them too."""
    index = _absorption_index(lineage_version(), day or timezone.localdate())
    if not index:
        return set()
    succ_paths = [succ for succ, _pred in index]
    reach = {org.path}
    absorbed: set[str] = set()
    queue = [org.path]
    while queue:
        prefix = queue.pop()
        start = bisect.bisect_left(succ_paths, prefix)
        end = bisect.bisect_left(succ_paths, prefix + "\uffff")
        for _succ, pred in index[start:end]:
            if _covered(pred, reach):
                continue
            reach.add(pred)
            absorbed.add(pred)
            queue.append(pred)
    return absorbed


def _covered(path: str, prefixes: set[str]) -> bool:
    """Whether `path` ("/3/17/40/") or one of its ancestors ("/3/", "/3/17/") is in `prefixes`."""
    parts = path.strip("/").split("/")
    return any("/" + "/".join(parts[:n]) + "/" in prefixes for n in range(1, len(parts) + 1))


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
    """Direct sub-units the user may see."""
    return permissions.visible_orgs(user).filter(parent=org).order_by("name")
