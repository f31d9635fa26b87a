"""Reads of the unit statistics: the register counted for a unit's subtree and a period.

Everything is read as a few grouped queries (a constant number, whatever the size of the register):
the commendations per year, award, decision category, subject, person category, gender, ethnic group
and revocation; the same per unit (area, fairness); the workforce today; the state-level dossiers.
They come from the summary (stats.RecordTally) when it is level with the register, or else from
the register itself (`source_for`): the figures are never older than the register.
Charts are shaped from these rows in stats.unit_dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.models import AuditEvent
from dossiers.models import DossierRecipient, DossierStatus
from orgs.models import Org
from orgs.selectors import lineage_absorbed_paths
from people.models import Person
from register.models import Award, Level, Record, Revocation
from stats.models import RecordTally, TallyState

# Person changes that move figures already counted (category, gender, ethnicity, unit).
TALLY_PERSON_ACTIONS = ("people.person.updated", "people.person.transferred")
STATE_LEVELS = (Level.GOVERNMENT, Level.STATE)
INDIVIDUAL = "individual"
COLLECTIVE = "collective"


# --- grouping expressions (the same for the summary and for the register read directly) ----------


def _ethnic_group(prefix: str) -> Case:
    """kinh | minority | "" (not recorded or no person), from a person's free-text ethnicity."""
    return Case(
        When(**{f"{prefix}id__isnull": True}, then=Value("")),
        When(**{f"{prefix}ethnicity": ""}, then=Value("")),
        When(**{f"{prefix}ethnicity__iexact": "Kinh"}, then=Value("kinh")),
        default=Value("minority"),
        output_field=CharField(),
    )


def _subject() -> Case:
    return Case(
        When(person__isnull=False, then=Value(INDIVIDUAL)),
        default=Value(COLLECTIVE),
        output_field=CharField(),
    )


def tally_rows(records: QuerySet[Record], *, by_unit: bool) -> QuerySet[Any]:
    """Records grouped as the summary keeps them (with the recipient's unit at the time when
    `by_unit`): one query; stats.services inserts exactly this into stats.RecordTally."""
    columns: dict[str, Any] = {}
    if by_unit:
        columns["t_unit"] = Coalesce("unit_id", "org_id", "person__unit_id")
    columns.update(
        t_year=F("year"),
        t_code=F("code"),
        t_category=F("decision__category"),
        t_subject=_subject(),
        t_person_category=Coalesce("person__category", Value(""), output_field=CharField()),
        t_gender=Coalesce("person__gender", Value(""), output_field=CharField()),
        t_ethnic=_ethnic_group("person__"),
        t_revoked=F("revoked"),
    )
    return records.order_by().values(**columns).annotate(t_n=Count("pk"))


# --- where the figures come from ----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The summary when it is level with the register ("tally"), else the register ("live")."""

    kind: str
    as_of: dt.datetime | None  # when the summary was brought level (None: never built)
    behind: bool  # a summary exists but the register has moved on since

    @property
    def tally(self) -> bool:
        return self.kind == "tally"


def source_for() -> Source:
    """One query: the summary's state against the register's last record, revocation and the
    person changes audited since."""
    state = (
        TallyState.objects.filter(pk=1)
        .annotate(
            last_record=Subquery(Record.objects.order_by("-pk").values("pk")[:1]),
            last_revocation=Subquery(Revocation.objects.order_by("-pk").values("pk")[:1]),
            touched=Exists(
                AuditEvent.objects.filter(
                    pk__gt=OuterRef("audit_id"), action__in=TALLY_PERSON_ACTIONS
                )
            ),
        )
        .first()
    )
    if state is None or state.refreshed_at is None:
        return Source("live", None, False)
    level = (
        (state.last_record or 0) == state.max_record_id
        and (state.last_revocation or 0) == state.max_revocation_id
        and not state.touched
    )
    return Source("tally" if level else "live", state.refreshed_at, not level)


# --- scope and filters ----------------------------------------------------------------------------


# Above this many units, a scope is filtered by its tree paths rather than by a list of ids (a
# query's parameters are limited: 65,535 on PostgreSQL, 32,766 on SQLite).
MAX_IDS = 5000


@dataclass(frozen=True)
class Scope:
    """A unit with its whole subtree (and the units merged into it, when asked); everything when
    `unit` is None (a system administrator's national view).

    `paths` maps every unit of the scope to its tree path, `areas` the units marked remote, border
    or island that bear on it (in it, or above it) to their area: read once (`scope_for`), they
    let the counts be filtered by lists of unit ids, which the indexes serve best.
    """

    unit: Org | None
    prefixes: tuple[str, ...]
    absorbed: tuple[Org, ...] = ()
    paths: dict[int, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)

    @property
    def everything(self) -> bool:
        return self.unit is None

    @property
    def by_ids(self) -> bool:
        return len(self.paths) <= MAX_IDS

    def q(self, id_field: str, path_field: str) -> Q:
        """Rows whose unit (`id_field`, or its `path_field`) lies in the scope."""
        if self.everything:
            return Q()
        if self.by_ids:
            return Q(**{f"{id_field}__in": sorted(self.paths)})
        condition = Q()
        for prefix in self.prefixes:
            condition |= Q(**{f"{path_field}__startswith": prefix})
        return condition

    def record_q(self) -> Q:
        """Records whose recipient's unit at the time lies in the scope."""
        if self.everything:
            return Q()
        return (
            self.q("unit_id", "unit__path")
            | (Q(unit__isnull=True) & self.q("org_id", "org__path"))
            | (
                Q(unit__isnull=True, org__isnull=True)
                & self.q("person__unit_id", "person__unit__path")
            )
        )

    def path_of(self, unit_id: int) -> str:
        return self.paths.get(unit_id, "")


def scope_for(unit: Org | None, *, merged: bool = False) -> Scope:
    """The scope of a unit: its subtree's units and the marked areas (one query, two with the
    merged units)."""
    absorbed: tuple[Org, ...] = ()
    prefixes: list[str] = []
    orgs = Org.objects.all()
    if unit is not None:
        prefixes = [unit.path]
        if merged:
            merged_paths = sorted(lineage_absorbed_paths(unit))
            if merged_paths:
                absorbed = tuple(Org.objects.filter(path__in=merged_paths).order_by("name"))
                prefixes += [o.path for o in absorbed]
        above: set[int] = set()
        for prefix in prefixes:
            above |= {int(p) for p in prefix.strip("/").split("/")[:-1] if p}
        condition = Q(pk__in=sorted(above))
        for prefix in prefixes:
            condition |= Q(path__startswith=prefix)
        orgs = orgs.filter(condition)
    paths: dict[int, str] = {}
    areas: dict[str, str] = {}
    for pk, path, area in orgs.values_list("pk", "path", "area"):
        if area:
            areas[path] = area
        if unit is None or any(path.startswith(p) for p in prefixes):
            paths[pk] = path
    return Scope(unit, tuple(prefixes), absorbed, paths, areas)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, checked (stats.forms)."""

    scope: Scope
    year_from: int
    year_to: int
    level: str = ""
    code: str = ""
    subject: str = ""
    codes: frozenset[str] | None = None  # the codes the level and code filters leave; None = all

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))


def codes_for(catalogue: Sequence[AwardInfo], level: str, code: str) -> frozenset[str] | None:
    if not level and not code:
        return None
    out = {a.code for a in catalogue if not level or a.level == level}
    if code:
        out &= {code}
    return frozenset(out)


# --- the catalogue --------------------------------------------------------------------------------


class AwardInfo(NamedTuple):
    code: str
    name: str
    level: str
    kind: str
    subject: str
    rank: int


def catalogue() -> list[AwardInfo]:
    return [
        AwardInfo(*row)
        for row in Award.objects.order_by("rank", "code").values_list(
            "code", "name", "level", "kind", "subject", "rank"
        )
    ]


# --- the counts -----------------------------------------------------------------------------------


class Tally(NamedTuple):
    """Commendations sharing the same year, award and recipient traits."""

    year: int
    code: str
    category: str
    subject: str
    person_category: str
    gender: str
    ethnic: str
    revoked: bool
    n: int


class UnitTally(NamedTuple):
    """Commendations in force in one unit (the recipient's unit at the time)."""

    path: str
    subject: str
    person_category: str
    n: int


class Staff(NamedTuple):
    """People in the subtree today with the same category, gender and ethnic group."""

    category: str
    gender: str
    ethnic: str
    n: int


class UnitStaff(NamedTuple):
    path: str
    category: str
    n: int


def _tally_filtered(f: Filters) -> QuerySet[RecordTally]:
    qs = RecordTally.objects.filter(
        f.scope.q("unit_id", "unit__path"), year__range=(f.year_from, f.year_to)
    )
    if f.codes is not None:
        qs = qs.filter(code__in=sorted(f.codes))
    if f.subject:
        qs = qs.filter(subject=f.subject)
    return qs


def _records_filtered(f: Filters) -> QuerySet[Record]:
    qs = Record.objects.filter(f.scope.record_q(), year__range=(f.year_from, f.year_to))
    if f.codes is not None:
        qs = qs.filter(code__in=sorted(f.codes))
    if f.subject == INDIVIDUAL:
        qs = qs.filter(person__isnull=False)
    elif f.subject == COLLECTIVE:
        qs = qs.filter(person__isnull=True)
    return qs


def last_year_with_data(scope: Scope, source: Source) -> int | None:
    if source.tally:
        return RecordTally.objects.filter(scope.q("unit_id", "unit__path")).aggregate(
            m=Max("year")
        )["m"]
    return Record.objects.filter(scope.record_q()).aggregate(m=Max("year"))["m"]


def tallies(f: Filters, source: Source) -> list[Tally]:
    """The commendations of the scope and period, grouped (one query)."""
    rows: QuerySet[Any, dict[str, Any]]
    if source.tally:
        rows = (
            _tally_filtered(f)
            .order_by()
            .values(
                t_year=F("year"),
                t_code=F("code"),
                t_category=F("decision_category"),
                t_subject=F("subject"),
                t_person_category=F("person_category"),
                t_gender=F("gender"),
                t_ethnic=F("ethnic_group"),
                t_revoked=F("revoked"),
            )
            .annotate(t_n=Sum("n"))
        )
    else:
        rows = tally_rows(_records_filtered(f), by_unit=False)
    return sorted(
        Tally(
            r["t_year"],
            r["t_code"],
            r["t_category"],
            r["t_subject"],
            r["t_person_category"] or "",
            r["t_gender"] or "",
            r["t_ethnic"] or "",
            bool(r["t_revoked"]),
            int(r["t_n"]),
        )
        for r in rows
    )


def unit_tallies(f: Filters, source: Source) -> list[UnitTally]:
    """The commendations in force per unit of the scope (one query)."""
    rows: QuerySet[Any, dict[str, Any]]
    if source.tally:
        rows = (
            _tally_filtered(f)
            .filter(revoked=False)
            .order_by()
            .values(
                t_unit=F("unit_id"),
                t_subject=F("subject"),
                t_person_category=F("person_category"),
            )
            .annotate(t_n=Sum("n"))
        )
    else:
        rows = (
            _records_filtered(f)
            .filter(revoked=False)
            .order_by()
            .values(
                t_unit=Coalesce("unit_id", "org_id", "person__unit_id"),
                t_subject=_subject(),
                t_person_category=Coalesce("person__category", Value(""), output_field=CharField()),
            )
            .annotate(t_n=Count("pk"))
        )
    return sorted(
        UnitTally(
            f.scope.path_of(r["t_unit"]),
            r["t_subject"],
            r["t_person_category"] or "",
            int(r["t_n"]),
        )
        for r in rows
    )


def staff(scope: Scope) -> list[Staff]:
    """The workforce today: people whose current unit is in the scope (one query)."""
    rows = (
        Person.objects.filter(scope.q("unit_id", "unit__path"))
        .order_by()
        .values(t_category=F("category"), t_gender=F("gender"), t_ethnic=_ethnic_group(""))
        .annotate(t_n=Count("pk"))
    )
    return sorted(Staff(r["t_category"], r["t_gender"], r["t_ethnic"], r["t_n"]) for r in rows)


def unit_staff(scope: Scope) -> list[UnitStaff]:
    """The workforce today per unit and category (one query)."""
    rows = (
        Person.objects.filter(scope.q("unit_id", "unit__path"))
        .order_by()
        .values(t_unit=F("unit_id"), t_category=F("category"))
        .annotate(t_n=Count("pk"))
    )
    return sorted(UnitStaff(scope.path_of(r["t_unit"]), r["t_category"], r["t_n"]) for r in rows)


@dataclass
class Proposals:
    """State-level dossiers with recipients in the scope: dossiers by level and status,
    recipients by level and outcome."""

    by_status: dict[tuple[str, str], int] = field(default_factory=dict)
    by_outcome: dict[tuple[str, str], int] = field(default_factory=dict)


def proposals(f: Filters) -> Proposals:
    """Dossiers to the Government or the State (not drafts) of the period, whose recipients are in
    the scope (two queries). A dossier forwarded on counts in its status; its recipients'
    outcome is counted once, in the dossier that was decided."""
    levels = [lv for lv in STATE_LEVELS if not f.level or f.level == lv]
    qs = DossierRecipient.objects.filter(
        removed_at__isnull=True,
        dossier__level__in=levels,
        dossier__year__range=(f.year_from, f.year_to),
    ).exclude(dossier__status=DossierStatus.DRAFT)
    if not f.scope.everything:
        qs = qs.filter(
            f.scope.q("person__unit_id", "person__unit__path") | f.scope.q("org_id", "org__path")
        )
    if f.code:
        qs = qs.filter(dossier__code=f.code)
    if f.subject == INDIVIDUAL:
        qs = qs.filter(person__isnull=False)
    elif f.subject == COLLECTIVE:
        qs = qs.filter(person__isnull=True)
    out = Proposals()
    for row in (
        qs.order_by()
        .values("dossier__level", "dossier__status")
        .annotate(n=Count("dossier", distinct=True))
    ):
        out.by_status[(row["dossier__level"], row["dossier__status"])] = row["n"]
    for row in (
        qs.exclude(dossier__status=DossierStatus.FORWARDED)
        .order_by()
        .values("dossier__level", "outcome")
        .annotate(n=Count("pk"))
    ):
        out.by_outcome[(row["dossier__level"], row["outcome"])] = row["n"]
    return out


def child_units(paths: Iterable[str], scope: Scope) -> dict[int, Org]:
    """The children of the scope's unit (and the merged units themselves) that hold `paths`."""
    from stats.rules import child_id

    ids: set[int] = set()
    main = scope.prefixes[0] if scope.prefixes else "/"
    for path in paths:
        if path.startswith(main):
            cid = child_id(path, main)
            if cid is not None:
                ids.add(cid)
        else:
            for org in scope.absorbed:
                if path.startswith(org.path):
                    ids.add(org.pk)
    return Org.objects.in_bulk(sorted(ids))


def orgs_by_path(paths: Iterable[str]) -> dict[str, Org]:
    return {o.path: o for o in Org.objects.filter(path__in=sorted(paths))}
