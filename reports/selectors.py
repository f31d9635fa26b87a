"""Reads for the reports: the statistical report's figures for a unit and a period, the template in
use, and the units a user may report on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length

from core import permissions
from dossiers.models import Dossier, DossierRecipient, DossierStatus
from movements.models import Movement, MovementKind
from orgs.models import Org
from orgs.selectors import lineage_absorbed_paths
from register.models import Award, Record
from reports import rules
from reports.models import ReportTemplate


def subtree_paths(unit: Org, day: dt.date) -> list[str]:
    """The path prefixes a unit's report covers: its own subtree, and the units merged or renamed
    into it by `day` (their records now belong to it), outermost first."""
    return sorted({unit.path} | lineage_absorbed_paths(unit, day), key=len)


def _under(field_path: str, prefixes: list[str]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field_path}__startswith": prefix})
    return condition


@dataclass
class Statistics:
    """The figures of one unit's report for one period, by placeholder key."""

    unit: Org
    year: int
    basis: str
    start: dt.date
    end: dt.date
    figures: dict[str, int]
    unknown_codes: dict[str, int] = field(default_factory=dict)


def award_rows(prefixes: list[str], start: dt.date, end: dt.date) -> list[rules.AwardRow]:
    """Records in force whose decision was signed in the period, of a collective in the units or
    of an individual working in them at the time (Record.unit; the current posting if not set)."""
    collective = Q(org__isnull=False) & _under("org__path", prefixes)
    at_the_time = Q(person__isnull=False, unit__isnull=False) & _under("unit__path", prefixes)
    current = Q(person__isnull=False, unit__isnull=True) & _under("person__unit__path", prefixes)
    groups = (
        Record.objects.filter(revoked=False, decision__date__gte=start, decision__date__lte=end)
        .filter(collective | at_the_time | current)
        .values("code", "person__category", "person__gender")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        rules.AwardRow(
            code=g["code"],
            collective=g["person__category"] is None,
            category=g["person__category"] or "",
            gender=g["person__gender"] or "",
            n=g["n"],
        )
        for g in groups
    ]


def catalogue() -> dict[str, rules.AwardInfo]:
    return {
        a["code"]: rules.AwardInfo(a["level"], a["kind"], a["name"])
        for a in Award.objects.values("code", "level", "kind", "name")
    }


def movement_counts(prefixes: list[str], start: dt.date, end: dt.date) -> dict[str, int]:
    """Movements launched in the period (by their launching document's date, else their start)."""
    launched = Q(decision_date__gte=start, decision_date__lte=end) | Q(
        decision_date__isnull=True, start__gte=start, start__lte=end
    )
    counts = dict(
        Movement.objects.filter(launched)
        .filter(_under("launched_by__path", prefixes))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return rules.movement_figures(
        counts.get(MovementKind.REGULAR, 0), counts.get(MovementKind.THEMATIC, 0)
    )


def proposal_figures(prefixes: list[str], start: dt.date, end: dt.date) -> dict[str, int]:
    """Dossiers the units sent in the period to a level outside them, and their recipients (those
    not withdrawn), by the level the dossier went to."""
    dossiers = (
        Dossier.objects.filter(submitted_on__gte=start, submitted_on__lte=end)
        .exclude(status=DossierStatus.DRAFT)
        .filter(_under("proposer__path", prefixes))
        .exclude(_under("receiver__path", prefixes))
    )
    n_dossiers = dossiers.count()
    groups = (
        DossierRecipient.objects.filter(dossier__in=dossiers, removed_at__isnull=True)
        .values("dossier__level", "person__category", "person__gender")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [
        rules.Count(
            rules.proposal_key(g["dossier__level"]),
            collective=g["person__category"] is None,
            category=g["person__category"] or "",
            gender=g["person__gender"] or "",
            n=g["n"],
        )
        for g in groups
    ]
    return {rules.DOSSIERS.key: n_dossiers, **rules.section_figures([rules.DE_NGHI], counts)}


def statistics(*, unit: Org, year: int, basis: str = rules.PERIOD_STATISTICAL) -> Statistics:
    """Every figure of the report for a unit (with the units below it) and a year."""
    start, end = rules.period(year, basis)
    prefixes = subtree_paths(unit, end)
    awards, unknown = rules.award_figures(award_rows(prefixes, start, end), catalogue())
    figures = {
        **movement_counts(prefixes, start, end),
        **awards,
        **proposal_figures(prefixes, start, end),
    }
    return Statistics(unit, year, basis, start, end, figures, unknown)


# --- templates and units ----------------------------------------------------------------------


def ancestor_ids(unit: Org) -> list[int]:
    """The unit's id and its ancestors', from the materialised path ("/3/17/" → [3, 17])."""
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def template_for(unit: Org) -> ReportTemplate | None:
    """The active template of the unit, else of its nearest ancestor; None: the built-in one."""
    return (
        ReportTemplate.objects.filter(active=True, org_id__in=ancestor_ids(unit) or [unit.pk])
        .select_related("org")
        .order_by(Length("org__path").desc())
        .first()
    )


def templates_of(org: Org) -> QuerySet[ReportTemplate]:
    """An organisation's templates, newest first (the history)."""
    return ReportTemplate.objects.filter(org=org).select_related("uploaded_by")


def report_units(user: Any, *, limit: int = 400) -> list[Org]:
    """The units a user may report on, for the page's choice: the outermost units the user's role
    reaches for `stats.report` (those still in being first, then those merged into them) and the
    units right under them (the rest are reached by id)."""
    visible = permissions.visible_orgs(user, "stats.report")
    if permissions.sees_everything(user, "stats.report"):
        return list(Org.objects.filter(parent__isnull=True).order_by("name")[:limit])
    tops = sorted(
        visible.filter(~Q(parent__in=visible) | Q(parent__isnull=True)),
        key=lambda o: (o.valid_to is not None, o.name),  # units still in being first
    )
    children = list(
        visible.filter(parent__in=[t.pk for t in tops]).order_by("name")[
            : max(0, limit - len(tops))
        ]
    )
    by_parent: dict[int | None, list[Org]] = {}
    for child in children:
        by_parent.setdefault(child.parent_id, []).append(child)
    ordered: list[Org] = []
    for top in tops:
        ordered.append(top)
        ordered.extend(by_parent.get(top.pk, []))
    return ordered
