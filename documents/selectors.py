"""Reads of replacement templates: the one that applies to a unit, and those a user may manage."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core import permissions
from documents.models import DocumentTemplate
from orgs.models import Org


def ancestor_ids(org: Org) -> list[int]:
    """The unit's id and its ancestors', nearest first (from its materialised path)."""
    ids = [int(part) for part in org.path.strip("/").split("/") if part.isdigit()]
    if org.pk is not None and org.pk not in ids:
        ids.append(org.pk)
    return list(reversed(ids))


def template_for(*, org: Org | None, kind: str) -> DocumentTemplate | None:
    """The current template a document of `kind` issued by `org` is made from: the unit's own,
    else the nearest one above it (a province's serves its departments); None for the built-in
    layout."""
    if org is None:
        return None
    ids = ancestor_ids(org)
    found = {
        t.org_id: t
        for t in DocumentTemplate.objects.filter(
            org_id__in=ids, kind=kind, retired_at__isnull=True
        ).select_related("org")
    }
    return next((found[i] for i in ids if i in found), None)


def template_list(
    *, user: Any, kind: str | None = None, current: bool = True
) -> QuerySet[DocumentTemplate]:
    """The templates of the units where the user may manage templates (current or retired)."""
    orgs = permissions.visible_orgs(user, "document.template")
    templates = DocumentTemplate.objects.filter(org__in=orgs, retired_at__isnull=current)
    if kind is not None:
        templates = templates.filter(kind=kind)
    return templates.select_related("org", "uploaded_by", "retired_by")


def template_get(*, user: Any, pk: int) -> DocumentTemplate:
    """One template of a unit the user may manage templates for; DoesNotExist otherwise."""
    return (
        DocumentTemplate.objects.filter(org__in=permissions.visible_orgs(user, "document.template"))
        .select_related("org", "uploaded_by", "retired_by")
        .get(pk=pk)
    )


def current_counts(*, user: Any) -> dict[str, int]:
    """How many current templates each kind has among the user's units."""
    counts: dict[str, int] = {}
    for kind in template_list(user=user).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def home_org(*, user: Any) -> Org | None:
    """The unit a user manages templates for first: their first officer's role's unit."""
    from accounts.models import Membership

    roles = permissions.ACTIONS["document.template"]
    membership = (
        Membership.objects.filter(user=user, role__in=roles, org__isnull=False)
        .select_related("org")
        .order_by("pk")
        .first()
    )
    return membership.org if membership else None
