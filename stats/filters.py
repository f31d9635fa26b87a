"""From the filter form's values to the checked filters: the unit within the user's reach with its
subtree, the period (by default the last five years with data), the level, award and recipients;
and the units the form offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from core import permissions
from orgs.models import Org
from stats import rules, selectors
from stats.selectors import AwardInfo, Filters, Source


def stats_orgs(user: Any) -> QuerySet[Org]:
    return permissions.visible_orgs(user, "stats.view")


def home_unit(user: Any) -> Org | None:
    """The user's top organisation (None for a system administrator: the national view)."""
    if permissions.sees_everything(user, "stats.view"):
        return None
    from accounts.models import Membership

    best: Org | None = None
    for m in Membership.objects.filter(user=user, org__isnull=False).select_related("org"):
        org = m.org
        if m.role not in permissions.ACTIONS["stats.view"] or org is None:
            continue
        if best is None or (len(org.path), org.name) < (len(best.path), best.name):
            best = org
    return best


def unit_options(user: Any, current: Org | None) -> list[tuple[str, str]]:
    """The units offered in the filter: the user's own, the chosen one's ancestors within reach
    and its sub-units (deeper ones are reached from the fairness table or by id)."""
    visible = stats_orgs(user)
    options: list[tuple[str, str]] = []
    if permissions.sees_everything(user, "stats.view"):
        options.append(("", gettext("Whole country")))
        tops = Org.objects.filter(parent__isnull=True)
    else:
        # The outermost units within reach: the user's own, and those merged into them.
        tops = visible.filter(Q(parent__isnull=True) | ~Q(parent__in=visible))
    ids: set[int] = set(tops.values_list("pk", flat=True))
    if current is not None:
        ancestors = [int(p) for p in current.path.strip("/").split("/") if p]
        ids |= set(ancestors)
        ids |= set(visible.filter(parent=current).values_list("pk", flat=True))
    units = list(visible.filter(pk__in=ids))
    names = {o.path: o.name for o in units}

    def ancestry(org: Org) -> list[str]:
        parts = org.path.strip("/").split("/")
        return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]

    def key(org: Org) -> tuple[str, ...]:
        return tuple(names[p] for p in ancestry(org) if p in names)

    for org in sorted(units, key=lambda o: (key(o), o.pk)):
        depth = len(key(org)) - 1
        label = ("— " * depth) + org.name
        if org.valid_to is not None:
            label += f" (→ {org.valid_to:%d/%m/%Y})"
        options.append((str(org.pk), label))
    return options


def unit_for(user: Any, unit_id: int | None) -> Org | None:
    """The unit asked for, if the user may see its statistics (404 otherwise: not even whether it
    exists), or the user's top organisation; None is the national view (administrators)."""
    if unit_id is None:
        return home_unit(user)
    unit = stats_orgs(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("unit")
    return unit


def filters_for(
    *,
    unit: Org | None,
    data: Mapping[str, Any],
    catalogue: Sequence[AwardInfo],
    source: Source,
) -> Filters:
    scope = selectors.scope_for(unit, merged=bool(data.get("merged")))
    start, end = data.get("from"), data.get("to")
    if end is None:
        last = selectors.last_year_with_data(scope, source)
        end = rules.default_years(last, timezone.localdate().year)[1]
        if start is not None:
            end = max(start, end)
    if start is None:
        start = end - rules.DEFAULT_SPAN + 1
    level, code = data.get("level") or "", data.get("code") or ""
    return Filters(
        scope=scope,
        year_from=int(start),
        year_to=int(end),
        level=level,
        code=code,
        subject=data.get("subject") or "",
        codes=selectors.codes_for(catalogue, level, code),
    )
