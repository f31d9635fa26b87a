"""Reads for the cluster dashboard and the rotation analysis of a set of units.

Every read is a fixed number of queries, whatever the number of years and members: the cluster's
years with their members, the published scoring results, the proposals of its polls, the awards in
the register, and its reporting periods with the submissions and extensions. The rotation figures
themselves come from `stats.rotation` (pure).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from clusters import rules as cluster_rules
from clusters import selectors as cluster_selectors
from clusters.models import (
    Cluster,
    ClusterMember,
    ClusterYear,
    Extension,
    ReportingPeriod,
    Submission,
)
from core import permissions
from core.text import fold
from orgs.models import Org
from register.models import Award, Record, Subject
from scoring.models import ScoringTable
from stats import rotation
from votes.models import Proposal

# The awards a cluster's outcome leads to (domain.md §2.5): the leading unit's flag, the
# runner-up's certificate of merit.
FLAG_CODES: tuple[str, ...] = ("CO_CP", "CO_BO")
CERTIFICATE_CODES: tuple[str, ...] = ("BK_TTG", "BK_BO")
KIND_CODES: dict[str, tuple[str, ...]] = {"flag": FLAG_CODES, "certificate": CERTIFICATE_CODES}
KIND_OF_CODE: dict[str, str] = {c: kind for kind, codes in KIND_CODES.items() for c in codes}


# --- the cluster dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResultCell:
    """A member's published rank and total for one year."""

    rank: int
    total: Decimal


@dataclass(frozen=True)
class AwardCell:
    """An award a member received (a decision in the register) or was proposed for (a poll)."""

    kind: str  # "flag" or "certificate"
    code: str  # the catalogue code; empty for a proposal
    decided: bool


@dataclass
class LateCell:
    """A member's reports for one year: how many periods, late ones and their days, missing."""

    periods: int = 0
    late: int = 0
    days_late: int = 0
    missing: int = 0


@dataclass
class MemberRow:
    """One member across the cluster's years (None where it was not a member that year)."""

    org: Org
    cells: list[Any] = field(default_factory=list)
    flags: int = 0
    certificates: int = 0
    head: int = 0
    deputy: int = 0
    late: int = 0
    days_late: int = 0
    missing: int = 0


@dataclass
class YearRow:
    year: int
    head: Org | None
    deputy: Org | None
    members: int
    published: bool


@dataclass
class Dashboard:
    """Everything the cluster's statistics page shows."""

    cluster: Cluster
    years: list[int]
    year_rows: list[YearRow]
    ranks: list[MemberRow]  # cells: ResultCell | "" (member, no published result) | None
    awards: list[MemberRow]  # cells: list[AwardCell] | None
    heads: list[MemberRow]  # counts only
    late: list[MemberRow]  # cells: LateCell | None
    fairness: dict[str, rotation.Analysis]
    sources: dict[str, dict[int, str]]  # kind → year → "decision", "proposal" or ""
    names: dict[int, str]


def _members_by_name(orgs: Iterable[Org]) -> list[Org]:
    return sorted({o.pk: o for o in orgs}.values(), key=lambda o: (fold(o.name), o.pk))


def _published(cluster_year_ids: Iterable[int]) -> dict[int, dict[int, ResultCell]]:
    """cluster year id → org id → published rank and total (one query)."""
    out: dict[int, dict[int, ResultCell]] = {}
    tables = (
        ScoringTable.objects.filter(
            cluster_year_id__in=list(cluster_year_ids), results_published_at__isnull=False
        )
        .only("cluster_year_id", "results")
        .order_by("pk")
    )
    for table in tables:
        rows = (table.results or {}).get("rows", [])
        out[table.cluster_year_id] = {
            int(r["org_id"]): ResultCell(rank=int(r["rank"]), total=Decimal(str(r["total"])))
            for r in rows
        }
    return out


def _awards(member_ids: set[int], years: Sequence[int]) -> dict[tuple[int, int], list[AwardCell]]:
    """(org id, year) → the flags and certificates of merit the register records (one query)."""
    out: dict[tuple[int, int], list[AwardCell]] = defaultdict(list)
    if not member_ids or not years:
        return out
    records = (
        Record.objects.filter(
            org_id__in=member_ids,
            code__in=[*FLAG_CODES, *CERTIFICATE_CODES],
            year__gte=min(years),
            year__lte=max(years),
            revoked=False,
        )
        .order_by("year", "code", "id")
        .values_list("org_id", "year", "code")
    )
    for org_id, year, code in records:
        cell = AwardCell(kind=KIND_OF_CODE[code], code=code, decided=True)
        if cell not in out[(org_id, year)]:
            out[(org_id, year)].append(cell)
    return out


def _proposals(cluster: Cluster) -> dict[tuple[int, int], list[str]]:
    """(org id, year) → what the cluster's polls proposed it for: "flag", "certificate"."""
    out: dict[tuple[int, int], list[str]] = defaultdict(list)
    for org_id, year, kind in (
        Proposal.objects.filter(cluster_year__cluster=cluster)
        .order_by("kind", "id")
        .values_list("org_id", "cluster_year__year", "kind")
    ):
        if kind not in out[(org_id, year)]:
            out[(org_id, year)].append(kind)
    return out


def _late(cluster_years: Sequence[ClusterYear], today: dt.date) -> dict[tuple[int, int], LateCell]:
    """(org id, year) → the member's reports that year: late (with days) and missing (three
    queries). An extension moves the member's due date; a correction keeps the first arrival."""
    ids = [cy.pk for cy in cluster_years]
    periods = list(ReportingPeriod.objects.filter(cluster_year_id__in=ids))
    arrived = {
        (s.period_id, s.org_id): timezone.localtime(s.submitted_at).date()
        for s in Submission.objects.filter(period__cluster_year_id__in=ids).only(
            "period_id", "org_id", "submitted_at"
        )
    }
    extended: dict[tuple[int, int], dt.date] = {}
    for ext in Extension.objects.filter(period__cluster_year_id__in=ids).only(
        "period_id", "org_id", "due"
    ):
        key = (ext.period_id, ext.org_id)
        extended[key] = max(ext.due, extended.get(key, ext.due))
    by_year = {cy.pk: cy for cy in cluster_years}
    out: dict[tuple[int, int], LateCell] = {}
    for period in periods:
        cy = by_year[period.cluster_year_id]
        for member in cy.members.all():
            key = (period.pk, member.org_id)
            due = max(period.due, extended.get(key, period.due))
            submitted_on = arrived.get(key)
            status = cluster_rules.report_status(due, submitted_on, today)
            cell = out.setdefault((member.org_id, cy.year), LateCell())
            if status == cluster_rules.ReportStatus.PENDING:
                continue
            cell.periods += 1
            if status == cluster_rules.ReportStatus.LATE and submitted_on is not None:
                cell.late += 1
                cell.days_late += (submitted_on - due).days
            elif status == cluster_rules.ReportStatus.MISSING:
                cell.missing += 1
    return out


def _awardees(
    kind: str,
    members: set[int],
    year: int,
    awards: dict[tuple[int, int], list[AwardCell]],
    proposals: dict[tuple[int, int], list[str]],
) -> tuple[frozenset[int], str]:
    """Who received `kind` in `year`: the register's decisions when there are any that year,
    else the cluster's proposals. Also says which ("decision", "proposal" or "")."""
    decided = frozenset(
        m for m in members if any(a.kind == kind for a in awards.get((m, year), []))
    )
    if decided:
        return decided, "decision"
    proposed = frozenset(m for m in members if kind in proposals.get((m, year), []))
    return proposed, "proposal" if proposed else ""


def cluster_dashboard(cluster: Cluster, today: dt.date | None = None) -> Dashboard:
    """The cluster's figures over its years. Nine queries whatever its size."""
    today = today or timezone.localdate()
    cluster_years = list(
        ClusterYear.objects.filter(cluster=cluster)
        .select_related("head", "deputy")
        .prefetch_related(Prefetch("members", queryset=ClusterMember.objects.select_related("org")))
        .order_by("year")
    )
    years = [cy.year for cy in cluster_years]
    membership = {cy.year: {m.org_id for m in cy.members.all()} for cy in cluster_years}
    orgs = _members_by_name(
        [m.org for cy in cluster_years for m in cy.members.all()]
        + [o for cy in cluster_years for o in (cy.head, cy.deputy) if o is not None]
    )
    member_ids = {o.pk for o in orgs}
    results = _published(cy.pk for cy in cluster_years)
    by_year_results = {cy.year: results.get(cy.pk) for cy in cluster_years}
    awards = _awards(member_ids, years)
    proposals = _proposals(cluster)
    late = _late(cluster_years, today)

    year_rows = [
        YearRow(
            year=cy.year,
            head=cy.head,
            deputy=cy.deputy,
            members=len(membership[cy.year]),
            published=cy.pk in results,
        )
        for cy in cluster_years
    ]

    rank_rows, award_rows, head_rows, late_rows = [], [], [], []
    for org in orgs:
        rank_row, award_row, late_row = MemberRow(org), MemberRow(org), MemberRow(org)
        head_row = MemberRow(org)
        for cy in cluster_years:
            head_row.head += cy.head_id == org.pk
            head_row.deputy += cy.deputy_id == org.pk
            if org.pk not in membership[cy.year]:
                for row in (rank_row, award_row, late_row):
                    row.cells.append(None)
                continue
            published = by_year_results[cy.year]
            rank_row.cells.append(published.get(org.pk, "") if published is not None else "")
            cells = list(awards.get((org.pk, cy.year), []))
            for kind in proposals.get((org.pk, cy.year), []):
                if not any(c.kind == kind for c in cells):
                    cells.append(AwardCell(kind=kind, code="", decided=False))
            award_row.flags += sum(c.kind == "flag" for c in cells)
            award_row.certificates += sum(c.kind == "certificate" for c in cells)
            award_row.cells.append(cells)
            reports = late.get((org.pk, cy.year), LateCell())
            late_row.cells.append(reports)
            late_row.late += reports.late
            late_row.days_late += reports.days_late
            late_row.missing += reports.missing
        if any(c is not None for c in rank_row.cells):
            rank_rows.append(rank_row)
            award_rows.append(award_row)
            late_rows.append(late_row)
        head_rows.append(head_row)

    fairness: dict[str, rotation.Analysis] = {}
    sources: dict[str, dict[int, str]] = {}
    flags_by_year: dict[int, frozenset[int]] = {}
    for kind in KIND_CODES:  # the flag first: its awardees do not compete for the certificate
        facts = []
        sources[kind] = {}
        for cy in cluster_years:
            members = membership[cy.year]
            awardees, sources[kind][cy.year] = _awardees(kind, members, cy.year, awards, proposals)
            if kind == "flag":
                flags_by_year[cy.year] = awardees
            published = by_year_results[cy.year] or {}
            facts.append(
                rotation.YearFacts(
                    year=cy.year,
                    members=frozenset(members),
                    awardees=awardees,
                    ranks={m: published[m].rank for m in members if m in published},
                    head=cy.head_id,
                    ineligible=flags_by_year[cy.year] if kind == "certificate" else frozenset(),
                )
            )
        fairness[kind] = rotation.analyse(facts)

    return Dashboard(
        cluster=cluster,
        years=years,
        year_rows=year_rows,
        ranks=rank_rows,
        awards=award_rows,
        heads=head_rows,
        late=late_rows,
        fairness=fairness,
        sources=sources,
        names={o.pk: o.name for o in orgs},
    )


# --- a set of units --------------------------------------------------------------------------


def units_in_reach(user: Any) -> QuerySet[Org]:
    """The units a user may analyse: those their roles reach, and the members of the clusters
    they may see (whose figures the cluster dashboard already shows them)."""
    clusters = cluster_selectors.cluster_list(user=user)
    member_ids = ClusterMember.objects.filter(cluster_year__cluster__in=clusters).values("org_id")
    return Org.objects.filter(
        Q(pk__in=permissions.visible_orgs(user, "stats.view").values("pk")) | Q(pk__in=member_ids)
    )


def award_choices() -> list[tuple[str, str]]:
    """The awards a set of units may be analysed for: every flag, every certificate of merit, or
    one code of the catalogue given to collectives (one query)."""
    codes = Award.objects.filter(Q(subject=Subject.COLLECTIVE) | Q(kind="form")).order_by(
        "rank", "code"
    )
    return [(a.code, f"{a.code} · {a.name}") for a in codes]


def codes_for(choice: str) -> tuple[str, ...]:
    """The catalogue codes an award choice stands for ("flag", "certificate" or one code)."""
    return KIND_CODES.get(choice, (choice,))


@dataclass
class UnitSetFacts:
    """What the rotation analysis of a set of units reads, and where its ranks and heads come
    from year by year ("" when unknown, "mixed" when the units were scored in several clusters)."""

    years: list[int]
    facts: list[rotation.YearFacts]
    rank_source: dict[int, str]
    awards: dict[tuple[int, int], list[str]]


def unit_set_facts(
    units: Sequence[Org], codes: Sequence[str], first: int | None, last: int | None
) -> UnitSetFacts:
    """Per year: the units active that year, who received one of `codes` (the register), their
    relative ranks when they were all scored in one cluster's published results, and the head of
    that cluster year when it is one of them. Five queries."""
    ids = {u.pk for u in units}
    records = Record.objects.filter(org_id__in=ids, code__in=list(codes), revoked=False)
    if first is not None:
        records = records.filter(year__gte=first)
    if last is not None:
        records = records.filter(year__lte=last)
    awards: dict[tuple[int, int], list[str]] = defaultdict(list)
    for org_id, year, code in records.order_by("year", "code").values_list(
        "org_id", "year", "code"
    ):
        if code not in awards[(org_id, year)]:
            awards[(org_id, year)].append(code)
    award_years = sorted({year for _org, year in awards})
    lo = first if first is not None else (award_years[0] if award_years else None)
    hi = last if last is not None else (award_years[-1] if award_years else None)
    if lo is None or hi is None or lo > hi:
        return UnitSetFacts(years=[], facts=[], rank_source={}, awards=dict(awards))
    years = list(range(lo, hi + 1))

    memberships = list(
        ClusterMember.objects.filter(
            org_id__in=ids, cluster_year__year__gte=lo, cluster_year__year__lte=hi
        ).values_list("org_id", "cluster_year_id", "cluster_year__year", "cluster_year__head_id")
    )
    years_of: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    head_of: dict[int, int | None] = {}
    for org_id, cy_id, year, head_id in memberships:
        years_of[year][cy_id].add(org_id)
        head_of[cy_id] = head_id
    results = _published({cy for by_cy in years_of.values() for cy in by_cy})

    facts: list[rotation.YearFacts] = []
    sources: dict[int, str] = {}
    for year in years:
        active = frozenset(u.pk for u in units if _active_in(u, year))
        scored = {cy: rows for cy, rows in results.items() if cy in years_of[year]}
        scored = {cy: {o: c for o, c in rows.items() if o in active} for cy, rows in scored.items()}
        scored = {cy: rows for cy, rows in scored.items() if rows}
        ranks: dict[Hashable, int] = {}
        if len(scored) == 1:
            rows = next(iter(scored.values()))
            ranks = {o: c.rank for o, c in rows.items()}
            sources[year] = "one"
        elif len(scored) > 1:
            sources[year] = "mixed"
        else:
            sources[year] = ""
        clusters_that_year = years_of[year]
        head = None
        if len(clusters_that_year) == 1:
            cy_id = next(iter(clusters_that_year))
            if head_of.get(cy_id) in active:
                head = head_of[cy_id]
        facts.append(
            rotation.YearFacts(
                year=year,
                members=active,
                awardees=frozenset(o for o in active if awards.get((o, year))),
                ranks=ranks,
                head=head,
            )
        )
    return UnitSetFacts(years=years, facts=facts, rank_source=sources, awards=dict(awards))


def _active_in(org: Org, year: int) -> bool:
    """Whether a unit existed for at least part of the year."""
    if org.valid_from is not None and org.valid_from > dt.date(year, 12, 31):
        return False
    return not (org.valid_to is not None and org.valid_to < dt.date(year, 1, 1))
