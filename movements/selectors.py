"""Reads of emulation movements, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from clusters.models import Cluster
from clusters.selectors import cluster_list
from core import permissions
from core.search import search
from movements.models import Movement, MovementReview
from orgs.models import Org


def movement_list(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    year: int | None = None,
    launched_by: int | None = None,
) -> QuerySet[Movement]:
    """Movements launched by a unit the user reaches, or joined by a unit the user reaches or by a
    cluster the user sees; all of them for an administrator. `year`: those running in that year."""
    qs = Movement.objects.select_related("launched_by")
    if not permissions.sees_everything(user, "movement.view"):
        orgs = permissions.visible_orgs(user, "movement.view")
        clusters = cluster_list(user=user).values("pk")
        ids = Movement.objects.filter(
            Q(launched_by__in=orgs) | Q(participants__in=orgs) | Q(clusters__in=clusters)
        ).values("pk")
        qs = qs.filter(pk__in=ids)
    if kind:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(start__lte=dt.date(year, 12, 31)).filter(
            Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1))
        )
    if launched_by is not None:
        qs = qs.filter(launched_by_id=launched_by)
    if q:
        return search(qs, q).order_by("search_rank", "-start", "name", "id")
    return qs.order_by("-start", "name", "id")


def movement_get(*, user: Any, pk: int) -> Movement:
    """One movement the user may see, with its clusters, units and reviews; DoesNotExist otherwise."""
    return (
        movement_list(user=user)
        .prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.select_related("organiser")),
            Prefetch("participants", queryset=Org.objects.order_by("name", "id")),
            Prefetch("reviews", queryset=MovementReview.objects.order_by("date", "id")),
        )
        .get(pk=pk)
    )


def review_get(*, user: Any, review_id: int) -> MovementReview:
    """One review whose movement the user may see; DoesNotExist otherwise."""
    visible = movement_list(user=user).values("pk")
    return MovementReview.objects.select_related("movement").get(pk=review_id, movement__in=visible)
