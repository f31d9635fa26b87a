"""Reads for the home page and the audit pages, scoped by core.permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from core import permissions
from core.models import AuditEvent


def audit_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """The trail of one object, newest first (the caller checked audit.view on it)."""
    return AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """The whole trail for administrators; events in the units a keeper reaches otherwise."""
    filters = filters or {}
    qs = AuditEvent.objects.select_related("actor").order_by("-id")
    if not permissions.can(user, "audit.view_all"):
        orgs = permissions.visible_orgs(user, "audit.view").values("pk")
        qs = qs.filter(org_id_hint__in=orgs)
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_name__icontains=filters["actor"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    # Compare with the local day's bounds, so the index on `at` is used.
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    return qs


def audit_org_names(events: Any) -> dict[int, str | None]:
    """Names of the units that a page of events mentions in its changes (one query)."""
    from core.audit_catalogue import ORG_FIELDS
    from orgs.models import Org

    ids: set[int] = set()
    for event in events:
        for field, pair in (event.changes or {}).items():
            if field not in ORG_FIELDS:
                continue
            for value in pair:
                values = value if isinstance(value, list) else [value]
                ids.update(v for v in values if isinstance(v, int))
    return dict(Org.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def home_figures(*, user: Any) -> dict[str, Any]:
    """Real counts of what the user can see in the register, today (kept a minute per user)."""
    key = f"core:home:{user.pk}:{timezone.localdate().isoformat()}"
    figures: dict[str, Any] = cache.get_or_set(key, lambda: _count_figures(user), 60) or {}
    return figures


def _count_figures(user: Any) -> dict[str, Any]:
    from orgs.models import OrgKind
    from people.models import Category, Person

    today = timezone.localdate()
    orgs = permissions.visible_orgs(user)
    active = orgs.exclude(valid_from__gt=today).exclude(valid_to__lt=today)
    if permissions.sees_everything(user, "person.view"):
        people = Person.objects.all()
    else:
        people = Person.objects.filter(unit__in=permissions.visible_orgs(user, "person.view"))
    return {
        "orgs_active": active.count(),
        "orgs_ended": orgs.filter(valid_to__lt=today).count(),
        "provinces_active": active.filter(kind=OrgKind.PROVINCE).count(),
        "people": people.count(),
        "workers": people.filter(category=Category.WORKER).count(),
        "merger_day": dt.date(2025, 7, 1),
    }


def recent_changes(*, user: Any, limit: int = 8) -> list[AuditEvent]:
    """The newest events a records keeper may read (nothing for other roles)."""
    if not permissions.can(user, "audit.view"):
        return []
    return list(audit_list(user=user)[:limit])
