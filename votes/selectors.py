"""Reads of polls, scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from clusters import selectors as cluster_selectors
from core import permissions
from votes.models import Poll


def poll_list(*, user: Any) -> QuerySet[Poll]:
    """Polls of the clusters the user sees, of the councils the user runs, and those the user is
    on the roll of."""
    qs = Poll.objects.select_related("cluster_year__cluster", "council", "meeting")
    if permissions.sees_everything(user, "cluster.view"):
        return qs
    clusters = cluster_selectors.cluster_list(user=user).values("pk")
    councils = permissions.visible_orgs(user, "vote.manage").values("pk")
    return qs.filter(
        Q(cluster_year__cluster__in=clusters) | Q(council__in=councils) | Q(voters__user=user)
    ).distinct()


def poll_get(*, user: Any, pk: int) -> Poll:
    """One poll the user may see; Poll.DoesNotExist otherwise."""
    return poll_list(user=user).get(pk=pk)
