"""Reads of clusters and their years, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from clusters.models import Cluster, ClusterMember, ClusterYear, Meeting
from core import permissions
from core.search import search


def cluster_list(*, user: Any, q: str = "", kind: str = "") -> QuerySet[Cluster]:
    """Clusters organised by a council the user reaches, or with a member unit the user reaches."""
    qs = Cluster.objects.select_related("organiser")
    if not permissions.sees_everything(user, "cluster.view"):
        orgs = permissions.visible_orgs(user, "cluster.view")
        ids = Cluster.objects.filter(
            Q(organiser__in=orgs) | Q(years__members__org__in=orgs)
        ).values("pk")
        qs = qs.filter(pk__in=ids)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        return search(qs, q).order_by("search_rank", "name", "id")
    return qs.order_by("name", "id")


def cluster_get(*, user: Any, pk: int) -> Cluster:
    """One cluster the user may see; Cluster.DoesNotExist otherwise."""
    return cluster_list(user=user).get(pk=pk)


def cluster_years(*, cluster: Cluster) -> QuerySet[ClusterYear]:
    """The cluster's years, newest first, with head, deputy and members."""
    return cluster.years.select_related("head", "deputy").prefetch_related(
        Prefetch("members", queryset=ClusterMember.objects.select_related("org")),
        Prefetch("meetings", queryset=Meeting.objects.select_related("host")),
    )


def cluster_timeline(*, years: list[ClusterYear]) -> list[dict[str, Any]]:
    """The cluster's life in date order: meetings, appointments of heads, flag handovers."""
    events: list[dict[str, Any]] = []
    for cy in years:
        for meeting in cy.meetings.all():
            events.append({"date": meeting.date, "kind": "meeting", "year": cy, "meeting": meeting})
        if cy.head_decision_date:
            events.append({"date": cy.head_decision_date, "kind": "head", "year": cy})
        if cy.flag_handover_date:
            events.append({"date": cy.flag_handover_date, "kind": "flag", "year": cy})
    return sorted(events, key=lambda e: (e["date"], e["kind"]), reverse=True)
