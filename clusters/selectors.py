"""Reads of clusters and their years, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from clusters import rules
from clusters.models import (
    Cluster,
    ClusterMember,
    ClusterYear,
    Covenant,
    IndicatorValue,
    Meeting,
    Registration,
    RegistrationStatus,
    ReportingPeriod,
    Target,
)
from core import permissions
from core.search import search
from core.text import fold


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
    return cluster.years.select_related("head", "deputy", "covenant").prefetch_related(
        Prefetch("members", queryset=ClusterMember.objects.select_related("org")),
        Prefetch("meetings", queryset=Meeting.objects.select_related("host")),
        Prefetch(
            "periods",
            queryset=ReportingPeriod.objects.annotate(received=Count("submissions", distinct=True)),
        ),
    )


def cluster_timeline(*, years: list[ClusterYear]) -> list[dict[str, Any]]:
    """The cluster's life in date order: meetings, appointments of heads, flag handovers, the
    covenant's signing, reports due (with how many came in)."""
    events: list[dict[str, Any]] = []
    for cy in years:
        covenant = getattr(cy, "covenant", None)
        if covenant is not None and covenant.signed_on:
            events.append({"date": covenant.signed_on, "kind": "covenant", "year": cy})
        members = len(cy.members.all())
        for period in cy.periods.all():
            events.append(
                {
                    "date": period.due,
                    "kind": "report",
                    "year": cy,
                    "period": period,
                    "received": getattr(period, "received", 0),
                    "members": members,
                }
            )
        for meeting in cy.meetings.all():
            events.append({"date": meeting.date, "kind": "meeting", "year": cy, "meeting": meeting})
        if cy.head_decision_date:
            events.append({"date": cy.head_decision_date, "kind": "head", "year": cy})
        if cy.flag_handover_date:
            events.append({"date": cy.flag_handover_date, "kind": "flag", "year": cy})
    return sorted(events, key=lambda e: (e["date"], e["kind"]), reverse=True)


def covenant_of(cluster_year: ClusterYear) -> Covenant | None:
    """The year's covenant with its criteria and the members' registrations and targets."""
    return (
        Covenant.objects.filter(cluster_year=cluster_year)
        .select_related("signing_meeting")
        .prefetch_related(
            "criteria",
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("org")
                .prefetch_related("targets")
                .order_by("org__name"),
            ),
        )
        .first()
    )


@dataclass
class IndicatorLine:
    """One member's target beside its latest actual value and the % of plan."""

    org: Any
    target: Target
    actual: Decimal | None
    period: ReportingPeriod | None
    percent: Decimal | None


@dataclass
class IndicatorGroup:
    """Targets of the same name across members, side by side (e.g. budget revenue)."""

    name: str
    measure: str
    lines: list[IndicatorLine]


def indicator_table(cluster_year: ClusterYear) -> list[IndicatorGroup]:
    """Every accepted target of the year with its latest reported actual and % of plan, grouped by
    the target's name so members' figures stand side by side. Three queries."""
    targets = list(
        Target.objects.filter(
            registration__covenant__cluster_year=cluster_year,
            registration__status=RegistrationStatus.ACCEPTED,
        ).select_related("registration__org")
    )
    latest: dict[int, IndicatorValue] = {}
    for reported in (
        IndicatorValue.objects.filter(target__in=targets)
        .select_related("period")
        .order_by("period__end", "period__due", "period_id")
    ):
        latest[reported.target_id] = reported
    groups: dict[tuple[str, str], IndicatorGroup] = {}
    for target in targets:
        key = (fold(target.name), fold(target.measure))
        group = groups.setdefault(key, IndicatorGroup(target.name, target.measure, []))
        value = latest.get(target.pk)
        group.lines.append(
            IndicatorLine(
                org=target.registration.org,
                target=target,
                actual=value.actual if value else None,
                period=value.period if value else None,
                percent=rules.percent_of_plan(value.actual if value else None, target.value),
            )
        )
    for group in groups.values():
        group.lines.sort(key=lambda line: (line.percent is None, -(line.percent or 0)))
    return sorted(groups.values(), key=lambda g: fold(g.name))


def current_years(orgs: QuerySet[Any], limit: int = 20) -> list[ClusterYear]:
    """The current (latest) year of each cluster in which one of `orgs` is a member or the head."""
    latest = (
        ClusterYear.objects.filter(cluster=OuterRef("cluster")).order_by("-year").values("pk")[:1]
    )
    return list(
        ClusterYear.objects.filter(Q(members__org__in=orgs) | Q(head__in=orgs))
        .filter(pk=Subquery(latest))
        .select_related("cluster", "head")
        .prefetch_related(Prefetch("members", queryset=ClusterMember.objects.select_related("org")))
        .distinct()
        .order_by("cluster__name")[:limit]
    )


def cluster_tasks(*, user: Any, today: dt.date) -> list[dict[str, Any]]:
    """What waits for the user in the clusters' current years: for a member's focal point, its
    registration to fill and its reports due; for the head unit's secretariat, registrations to
    review and members late with their reports. Empty for a system-wide administrator."""
    from clusters.reports import report_matrix

    if permissions.sees_everything(user, "cluster.view"):
        return []
    tasks: list[dict[str, Any]] = []
    for cy in current_years(permissions.visible_orgs(user, "cluster.view")):
        runs = permissions.can_run_cluster_year(user, cy)
        acts_for = {
            m.org_id for m in cy.members.all() if permissions.can_act_for_member(user, m.org)
        }
        if not runs and not acts_for:
            continue  # a viewer of the cluster: nothing waits for them, no need to look further
        rows = report_matrix(cy, today)
        mine = [r for r in rows if r.org.pk in acts_for]
        registrations = {
            r.org_id: r
            for r in Registration.objects.filter(
                covenant__cluster_year=cy, covenant__status="sent"
            ).select_related("org")
        }
        items: list[dict[str, Any]] = []
        for row in mine:
            registration = registrations.get(row.org.pk)
            if registration is not None and registration.status in ("draft", "returned"):
                items.append({"kind": "register", "org": row.org, "registration": registration})
            for cell in row.cells:
                if cell.submission is None and cell.due >= today - dt.timedelta(days=366):
                    items.append({"kind": "report", "org": row.org, "cell": cell})
        if runs:
            waiting = sum(r.status == "registered" for r in registrations.values())
            late = sum(r.missing for r in rows)
            if waiting:
                items.append({"kind": "review", "count": waiting})
            if late:
                items.append({"kind": "late", "count": late})
        if items:
            tasks.append({"year": cy, "items": items})
    return tasks
