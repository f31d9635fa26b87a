"""Reads of complaints, scoped to those who handle them; who may see the complainant's identity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, User
from complaints import rules
from complaints.models import Complaint, ComplaintStep
from core import permissions
from core.permissions import KEEPERS
from orgs.models import Org
from register.models import Record


def visible_complaints(user: Any) -> QuerySet[Complaint]:
    """Complaints of the units where the user handles complaints (a system administrator: all),
    and those assigned to the user."""
    qs = Complaint.objects.select_related(
        "org", "assignee", "dossier", "decision", "record__decision"
    )
    if permissions.sees_everything(user, "complaint.handle"):
        return qs
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    orgs = permissions.visible_orgs(user, "complaint.handle")
    return qs.filter(Q(org__in=orgs) | Q(assignee=user))


def complaint_list(
    *, user: Any, filters: Mapping[str, Any], today: dt.date | None = None
) -> QuerySet[Complaint]:
    """Filters: status, kind, overdue (open and past its due date), q (a reference)."""
    today = today or timezone.localdate()
    qs = visible_complaints(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("overdue"):
        qs = qs.filter(status__in=sorted(rules.OPEN), due_on__lt=today)
    if filters.get("q"):
        qs = qs.filter(reference__icontains=str(filters["q"]).strip())
    return qs.order_by("-received_on", "-pk")


def can_handle(user: Any, complaint: Complaint) -> bool:
    """Handlers: those with complaint.handle on the responsible unit, and the assignee."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if complaint.assignee_id is not None and complaint.assignee_id == user.pk:
        return True
    return permissions.can(user, "complaint.handle", complaint.org)


def can_see_identity(user: Any, complaint: Complaint) -> bool:
    """The complainant's name, contact and address are for the handlers only (the Law on
    Denunciations 2018 has the denouncer's identity kept secret)."""
    return can_handle(user, complaint)


def steps(complaint: Complaint) -> QuerySet[ComplaintStep]:
    return complaint.steps.select_related("actor").order_by("at", "pk")


def _reaching_paths(org: Org) -> set[str]:
    """Paths of the units whose roles reach `org`: its ancestors (itself included), and the
    ancestors of the units it or an ancestor was merged or renamed into (core.permissions)."""
    from orgs import rules as org_rules
    from orgs.models import LineageEvent

    found: set[str] = set()
    queue = [org.path]
    while queue:
        path = queue.pop()
        ids = [int(p) for p in path.strip("/").split("/") if p]
        prefixes = {"/" + "/".join(str(i) for i in ids[: n + 1]) + "/" for n in range(len(ids))}
        new = prefixes - found
        found |= new
        if not new:
            continue
        successors = LineageEvent.objects.filter(
            kind__in=sorted(org_rules.CONTINUING_KINDS),
            predecessor__path__in=sorted(new),
            successor__isnull=False,
            effective_date__lte=timezone.localdate(),
        ).values_list("successor__path", flat=True)
        queue.extend(successors)
    return found


def handlers_for(org: Org) -> list[User]:
    """The users who may be assigned a complaint of `org`: active, with complaint.handle there."""
    paths = _reaching_paths(org)
    ids = (
        Membership.objects.filter(role__in=sorted(KEEPERS))
        .filter(Q(org__isnull=True) | Q(org__path__in=sorted(paths)))
        .values("user_id")
    )
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")
    return [u for u in users if permissions.can(u, "complaint.handle", org)]


def revocable_records(complaint: Complaint) -> QuerySet[Record]:
    """Commendations a resolution may revoke: the complaint's own, or those of its decision or of
    its dossier (its recipients' records, or its decision's), still in force."""
    condition = Q(pk__in=[])
    if complaint.record_id is not None:
        condition |= Q(pk=complaint.record_id)
    if complaint.decision_id is not None:
        condition |= Q(decision_id=complaint.decision_id)
    if complaint.dossier_id is not None:
        condition |= Q(dossier_entry__dossier_id=complaint.dossier_id)
        if complaint.dossier is not None and complaint.dossier.decision_id is not None:
            condition |= Q(decision_id=complaint.dossier.decision_id)
    return (
        Record.objects.filter(condition, revoked=False)
        .select_related("person", "org", "decision")
        .order_by("decision__date", "pk")
    )


def overdue_count(*, user: Any, today: dt.date | None = None) -> int:
    """Open complaints past their due date, for a dashboard."""
    today = today or timezone.localdate()
    return visible_complaints(user).filter(status__in=sorted(rules.OPEN), due_on__lt=today).count()
