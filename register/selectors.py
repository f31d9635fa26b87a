"""Reads of the register: cases for the engine, timelines, searches; always scoped by permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from core import permissions
from core.text import fold
from orgs.models import LineageEvent, LineageKind, Org
from people.models import Person
from people.selectors import visible_people as visible_people
from register import catalogue, rules
from register.models import (
    Award,
    Decision,
    Discipline,
    Initiative,
    InitiativeUse,
    Parameter,
    Rating,
    Record,
    UnitRating,
)

PARAMETER_KEYS = {
    "TTLDTT_LDTT_SHARE": "ttldtt_ldtt_share",
    "TTLDXS_LDTT_SHARE": "ttldxs_ldtt_share",
}
SERIOUS = (
    Discipline.WARNING,
    Discipline.DEMOTION,
    Discipline.DISMISSAL_FROM_POST,
    Discipline.DISMISSAL,
)


# --- scoping ----------------------------------------------------------------------------------------


def visible_records(user: Any) -> QuerySet[Record]:
    """Records of the people and units the user may see (a person's records follow them)."""
    qs = Record.objects.all()
    if permissions.sees_everything(user, "register.view"):
        return qs
    orgs = permissions.visible_orgs(user, "register.view")
    return qs.filter(Q(person__unit__in=orgs) | Q(org__in=orgs))


def visible_decisions(user: Any) -> QuerySet[Decision]:
    qs = Decision.objects.select_related("issuer")
    if permissions.sees_everything(user, "register.view"):
        return qs
    orgs = permissions.visible_orgs(user, "register.view")
    # A decision is seen by the issuer's people and by those who see one of its recipients.
    return qs.filter(
        Q(issuer__in=orgs)
        | Q(
            pk__in=Record.objects.filter(Q(person__unit__in=orgs) | Q(org__in=orgs)).values(
                "decision"
            )
        )
    ).distinct()


def tenant_of(org: Org) -> Org | None:
    """The ministry, central body or province whose parameters apply to a unit (its top ancestor)."""
    parts = [p for p in org.path.split("/") if p]
    if not parts:
        return None
    return Org.objects.filter(pk=int(parts[0])).first()


def overrides_for(org: Org | None, day: dt.date) -> dict[str, Any]:
    """The tenant's parameters in force on `day`, as engine parameter overrides."""
    parts = [p for p in org.path.split("/") if p] if org is not None else []
    if not parts:
        return {}
    out: dict[str, Any] = {}
    rows = Parameter.objects.filter(org_id=int(parts[0]), valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    for p in rows:
        name = PARAMETER_KEYS.get(p.key)
        if name:
            out[name] = str(p.value)
    return out


def parameter_value(org: Org | None, key: str, day: dt.date) -> Decimal | None:
    tenant = tenant_of(org) if org is not None else None
    if tenant is None:
        return None
    p = (
        Parameter.objects.filter(org=tenant, key=key, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return p.value if p else None


# --- lineage ----------------------------------------------------------------------------------------


def lineage_ids(org: Org) -> list[int]:
    """The unit and every unit merged or renamed into it, transitively (their records are its)."""
    ids = [org.pk]
    queue = [org.pk]
    while queue:
        preds = list(
            LineageEvent.objects.filter(
                successor_id__in=queue, kind__in=[LineageKind.MERGED_INTO, LineageKind.RENAMED]
            )
            .exclude(predecessor_id__in=ids)
            .values_list("predecessor_id", flat=True)
        )
        preds = list(dict.fromkeys(preds))
        ids.extend(preds)
        queue = preds
    return ids


# --- cases for the engine ---------------------------------------------------------------------------


def person_case(person: Person, target: str, year: int) -> rules.Case:
    """A person's case from the register: ratings, records not revoked, initiatives authored."""
    history: list[rules.Entry] = [
        rules.Entry(r.year, r.rating, f"rating:{r.pk}")
        for r in Rating.objects.filter(person=person, year__lte=year).order_by("year")
    ]
    history += [
        rules.Entry(r.year, r.code, f"record:{r.pk}")
        for r in Record.objects.filter(person=person, revoked=False, year__lte=year).order_by(
            "year", "pk"
        )
    ]
    return rules.Case(
        subject="individual",
        target=target,
        year=year,
        history=tuple(history),
        initiatives=person_initiatives(person, year),
    )


def person_cases(people: list[Person], target: str, year: int) -> dict[int, rules.Case]:
    """person_case for many people at once: three reads whatever their number (a dossier's or a
    decision's list), the same cases as one by one."""
    ids = [p.pk for p in people]
    history: dict[int, list[rules.Entry]] = {pk: [] for pk in ids}
    for r in Rating.objects.filter(person_id__in=ids, year__lte=year).order_by("year", "pk"):
        history[r.person_id].append(rules.Entry(r.year, r.rating, f"rating:{r.pk}"))
    for rec in Record.objects.filter(person_id__in=ids, revoked=False, year__lte=year).order_by(
        "year", "pk"
    ):
        if rec.person_id is not None:
            history[rec.person_id].append(rules.Entry(rec.year, rec.code, f"record:{rec.pk}"))
    authored: dict[int, list[rules.Initiative]] = {pk: [] for pk in ids}
    links = (
        Initiative.authors.through.objects.filter(person_id__in=ids, initiative__year__lte=year)
        .select_related("initiative__use")
        .order_by("initiative__year", "initiative__code")
    )
    for link in links:
        i = link.initiative
        use = getattr(i, "use", None)
        authored[link.person_id].append(
            rules.Initiative(
                id=i.code,
                year=i.year,
                scope=i.scope,
                used_for=use.code if use is not None else None,
                title=i.title,
            )
        )
    return {
        pk: rules.Case(
            subject="individual",
            target=target,
            year=year,
            history=tuple(history[pk]),
            initiatives=tuple(authored[pk]),
        )
        for pk in ids
    }


def person_initiatives(person: Person, year: int) -> tuple[rules.Initiative, ...]:
    uses = dict(
        InitiativeUse.objects.filter(initiative__authors=person).values_list(
            "initiative_id", "code"
        )
    )
    return tuple(
        rules.Initiative(
            id=i.code, year=i.year, scope=i.scope, used_for=uses.get(i.pk), title=i.title
        )
        for i in Initiative.objects.filter(authors=person, year__lte=year).order_by("year", "code")
    )


def unit_members(org: Org, year: int) -> rules.Members:
    """A unit's members in `year`: the people rated there that year (and in its predecessors)."""
    ids = lineage_ids(org)
    ratings = Rating.objects.filter(org_id__in=ids, year=year)
    agg = ratings.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(rating__in=sorted(rules.COMPLETED))),
        disciplined=Count("pk", filter=Q(discipline__in=SERIOUS)),
    )
    people = ratings.values("person_id")
    held = Record.objects.filter(person_id__in=people, year=year, revoked=False)
    ldtt = held.filter(code="LDTT").values("person_id").distinct().count()
    cstd = held.filter(code="CSTD_CS").values("person_id").distinct().count()
    return rules.Members(
        total=agg["total"],
        completed=agg["completed"],
        ldtt=ldtt,
        cstd_cs=cstd,
        disciplined=agg["disciplined"],
    )


def unit_case(org: Org, target: str, year: int) -> rules.Case:
    ids = lineage_ids(org)
    history = [
        rules.Entry(r.year, r.rating, f"unit_rating:{r.pk}")
        for r in UnitRating.objects.filter(org_id__in=ids, year__lte=year).order_by("year")
    ]
    history += [
        rules.Entry(r.year, r.code, f"record:{r.pk}")
        for r in Record.objects.filter(org_id__in=ids, revoked=False, year__lte=year)
    ]
    return rules.Case(
        subject="collective",
        target=target,
        year=year,
        history=tuple(history),
        members=unit_members(org, year),
    )


def evaluate_person(
    person: Person, target: str, year: int, case: rules.Case | None = None
) -> rules.Result:
    day = rules.default_day(year)
    rule_set = rules.rule_set_for(catalogue.rule_sets(), day)
    return rules.evaluate(
        case or person_case(person, target, year), rule_set, overrides_for(person.unit, day)
    )


def evaluate_unit(org: Org, target: str, year: int) -> rules.Result:
    day = rules.default_day(year)
    rule_set = rules.rule_set_for(catalogue.rule_sets(), day)
    return rules.evaluate(unit_case(org, target, year), rule_set, overrides_for(org, day))


INDIVIDUAL_TARGETS = [t for t, s in rules.TARGETS.items() if s == "individual"]
COLLECTIVE_TARGETS = [t for t, s in rules.TARGETS.items() if s == "collective"]


def person_outlook(person: Person, years: list[int]) -> list[dict[str, Any]]:
    """Every individual target for each of `years`, evaluated (one case read per year)."""
    sets = catalogue.rule_sets()
    out = []
    for year in years:
        day = rules.default_day(year)
        rule_set = rules.rule_set_for(sets, day)
        overrides = overrides_for(person.unit, day)
        base = person_case(person, "LDTT", year)
        for target in INDIVIDUAL_TARGETS:
            case = rules.Case("individual", target, year, base.history, base.initiatives)
            out.append({"year": year, "result": rules.evaluate(case, rule_set, overrides)})
    return out


# --- timelines --------------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    year: int
    kind: str  # rating | record | initiative | unit_rating
    code: str
    label: str
    unit: Org | None
    obj: Any
    revoked: bool = False


def person_timeline(person: Person) -> list[TimelineItem]:
    """Every rating, title, form and initiative of a person in order, across transfers."""
    items: list[TimelineItem] = []
    for r in Rating.objects.filter(person=person).select_related("org"):
        items.append(TimelineItem(r.year, "rating", r.rating, r.get_rating_display(), r.org, r))
    records = (
        Record.objects.filter(person=person)
        .select_related("decision__issuer", "unit", "revocation")
        .order_by("year", "pk")
    )
    for rec in records:
        items.append(
            TimelineItem(
                rec.year, "record", rec.code, catalogue_name(rec.code), rec.unit, rec, rec.revoked
            )
        )
    for ini in Initiative.objects.filter(authors=person).select_related("recognised_by", "use"):
        items.append(
            TimelineItem(ini.year, "initiative", ini.scope, ini.title, ini.recognised_by, ini)
        )
    order = {"rating": 0, "record": 1, "initiative": 2}
    items.sort(key=lambda i: (i.year, order[i.kind]))
    return items


def unit_timeline(org: Org) -> list[TimelineItem]:
    """A unit's collective ratings and records, in order, with its predecessors' (lineage)."""
    ids = lineage_ids(org)
    units = Org.objects.in_bulk(ids)
    items: list[TimelineItem] = []
    for r in UnitRating.objects.filter(org_id__in=ids):
        items.append(
            TimelineItem(
                r.year, "unit_rating", r.rating, r.get_rating_display(), units[r.org_id], r
            )
        )
    for rec in Record.objects.filter(org_id__in=ids).select_related(
        "decision__issuer", "revocation"
    ):
        items.append(
            TimelineItem(
                rec.year,
                "record",
                rec.code,
                catalogue_name(rec.code),
                units.get(rec.org_id or 0),
                rec,
                rec.revoked,
            )
        )
    items.sort(key=lambda i: (i.year, 0 if i.kind == "unit_rating" else 1))
    return items


def catalogue_name(code: str) -> str:
    names = catalogue.award_names()
    return names.get(code) or rules.NAMES.get(code, code)


# --- search -----------------------------------------------------------------------------------------


# Newest first: the year of achievement, then the decision's date, then in order of entry. The index
# record_newest_first holds this order (and the columns the filters below test), so a page, or a
# bounded count (core.listing.paginate with `most`), reads it from the top.
RECORD_ORDER = ("-year", "-decision_date", "pk")
# A set of people or units a search tests is written for its size: up to FEW as a list of ids (the
# database knows how few and reads their records directly), up to MANY as a subquery PostgreSQL
# keeps in memory (a hashed subplan, tested row by row along the order), beyond that through the
# join (most records pass, so the first page comes quickly).
FEW = 2_000
MANY = 100_000
MANY_NAMED = 30_000  # people found by name: a set cheaper to count and to build below this
# The list counts this many records at most, then says "more than" (a count of them all is seconds).
COUNT_AT_MOST = 500


def record_search(*, user: Any, filters: Mapping[str, Any]) -> QuerySet[Record]:
    """Records the user may see, filtered, newest first; names are matched without diacritics.

    The same records as visible_records(user) with the filters, written for a national register:
    who may be seen, the name and the unit become sets of people and of units (see FEW, MANY)."""
    qs = Record.objects.select_related("decision__issuer", "person__unit", "org", "unit")
    reach = (
        None
        if permissions.sees_everything(user, "register.view")
        else permissions.visible_orgs(user, "register.view")
    )
    # Collectives only: the tests below leave out the people's side.
    collectives = filters.get("subject") == "collective"
    if reach is not None:
        qs = qs.filter(_recipients_in(reach, people=not collectives))
    q = fold(str(filters.get("q") or ""))
    if q:
        qs = qs.filter(_named(q, reach, people=not collectives))
    unit_id = filters.get("unit")
    if unit_id:
        unit = permissions.visible_orgs(user, "register.view").filter(pk=unit_id).first()
        if unit is None:
            return qs.none()
        paths = Org.objects.filter(path__startswith=unit.path)
        # The person's unit now or at the time, or the collective.
        qs = qs.filter(_recipients_in(paths, people=not collectives) | _units_test(paths, "unit"))
    for name, field in (
        ("code", "code"),
        ("year", "year"),
        ("category", "decision__category"),
        ("gender", "person__gender"),
        ("person_category", "person__category"),
    ):
        value = filters.get(name)
        if value not in (None, ""):
            qs = qs.filter(**{field: value})
    level = filters.get("level")
    if level:
        codes = Award.objects.filter(level=level).values_list("code", flat=True)
        qs = qs.filter(code__in=list(codes))
    ethnicity = str(filters.get("ethnicity") or "").strip()
    if ethnicity == "minority":
        qs = (
            qs.filter(person__isnull=False)
            .exclude(person__ethnicity__iexact="Kinh")
            .exclude(person__ethnicity="")
        )
    elif ethnicity:
        qs = qs.filter(person__ethnicity__iexact=ethnicity)
    subject = filters.get("subject")
    if subject == "individual":
        qs = qs.filter(person__isnull=False)
    elif subject == "collective":
        qs = qs.filter(org__isnull=False)
    revoked = filters.get("revoked")
    if revoked == "no":
        qs = qs.filter(revoked=False)
    elif revoked == "yes":
        qs = qs.filter(revoked=True)
    return qs.order_by(*RECORD_ORDER)


def _few(rows: QuerySet[Any]) -> list[int] | None:
    """The ids of `rows` when there are at most FEW of them."""
    ids = list(rows.order_by().values_list("pk", flat=True)[: FEW + 1])
    return ids if len(ids) <= FEW else None


def _named(q: str, reach: QuerySet[Org] | None, *, people: bool = True) -> Q:
    """Records of a collective or (with `people`) a person whose name holds `q` (folded)."""
    units = Org.objects.filter(search_key__contains=q)
    if reach is not None:
        units = units.filter(pk__in=reach)
    if not people:
        return _units_test(units, "org")
    named = Person.objects.filter(name_key__contains=q)
    # Those within reach, often few: a list the database can count on (the whole country's
    # namesakes would make it expect more than the reach lets through). Beyond FEW, the reach is
    # tested apart.
    few = _few(named if reach is None else named.filter(unit__in=reach))
    if few is not None:
        return Q(person_id__in=few) | _units_test(units, "org")
    return _many_people_test(named, Q(person__name_key__contains=q), units, MANY_NAMED)


def _recipients_in(orgs: QuerySet[Org], *, people: bool = True) -> Q:
    """Records of one of `orgs` as a collective or (with `people`) of the people working in one of
    them now: the test of visible_records, on the record's own columns."""
    if not people:
        return _units_test(orgs, "org")
    staff = Person.objects.filter(unit__in=orgs)
    few = _few(staff)
    if few is not None:
        return Q(person_id__in=few) | _units_test(orgs, "org")
    return _many_people_test(staff, Q(person__unit__in=orgs), orgs, MANY)


def _many_people_test(people: QuerySet[Person], joined: Q, orgs: QuerySet[Org], many: int) -> Q:
    """Records of `people` (more than FEW) or of one of `orgs` as a collective: as subqueries up
    to `many` people, else through the join (`joined`, the test of `people` seen from a record)."""
    if people.order_by()[: many + 1].count() <= many:
        # Both sets as subqueries: in an OR, PostgreSQL keeps each in memory (a hashed subplan),
        # where a lone one would become a semi-join looking each record's person up.
        return Q(person_id__in=people.values("pk")) | Q(org_id__in=orgs.order_by().values("pk"))
    return joined | _units_test(orgs, "org")


def _units_test(orgs: QuerySet[Org], field: str) -> Q:
    """Records whose `field` (org or unit) is one of `orgs`."""
    few = _few(orgs)
    if few is not None:
        return Q(**{f"{field}_id__in": few})
    return Q(**{f"{field}_id__in": orgs.order_by().values("pk")})  # a set of at most every unit


# --- reward fund ------------------------------------------------------------------------------------
# Tiền thưởng: each record's amount (the catalogue's multiple × the base salary on the decision's
# date), totalled by the year the decision was signed, its source fund and its issuer, and by the
# recipient's unit at the time. Revoked records are counted apart and never in the amounts.

IN_FORCE = Q(revoked=False)


def fund_records(
    *,
    user: Any,
    unit: Org | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    fund: str = "",
) -> QuerySet[Record]:
    """Records the user may see, of decisions signed in [year_from, year_to] from `fund`, whose
    recipient's unit at the time (the individual's unit then, or the collective) is in `unit`'s
    subtree."""
    qs = visible_records(user)
    if year_from is not None:
        qs = qs.filter(decision__date__gte=dt.date(year_from, 1, 1))
    if year_to is not None:
        qs = qs.filter(decision__date__lte=dt.date(year_to, 12, 31))
    if fund:
        qs = qs.filter(decision__fund=fund)
    if unit is not None:
        prefix = unit.path
        qs = qs.filter(
            Q(unit__path__startswith=prefix)
            | Q(unit__isnull=True, org__path__startswith=prefix)
            | Q(unit__isnull=True, org__isnull=True, person__unit__path__startswith=prefix)
        )
    return qs


def _totals() -> dict[str, Any]:
    return {
        "n": Count("pk", filter=IN_FORCE),
        "amount": Sum("amount", filter=IN_FORCE, default=0),
        "n_revoked": Count("pk", filter=Q(revoked=True)),
    }


def fund_by_issuer(records: QuerySet[Record]) -> list[dict[str, Any]]:
    """Totals per year signed × source fund × issuing unit (one query)."""
    return list(
        records.values(
            decision_year=ExtractYear("decision__date"),
            fund=F("decision__fund"),
            issuer_id=F("decision__issuer_id"),
            issuer_code=F("decision__issuer__code"),
            issuer_name=F("decision__issuer__name"),
        )
        .annotate(**_totals())
        .order_by("decision_year", "fund", "issuer_name", "issuer_id")
    )


def fund_by_recipient_unit(records: QuerySet[Record]) -> list[dict[str, Any]]:
    """Totals per year signed × the recipient's unit at the time (one query)."""
    return list(
        records.values(
            decision_year=ExtractYear("decision__date"),
            recipient_unit=Coalesce("unit_id", "org_id", "person__unit_id"),
            recipient_code=Coalesce("unit__code", "org__code", "person__unit__code"),
            recipient_name=Coalesce("unit__name", "org__name", "person__unit__name"),
        )
        .annotate(
            n_people=Count("pk", filter=IN_FORCE & Q(person__isnull=False)),
            n_collectives=Count("pk", filter=IN_FORCE & Q(org__isnull=False)),
            **_totals(),
        )
        .order_by("decision_year", "recipient_name", "recipient_unit")
    )


def fund_by_decision(records: QuerySet[Record]) -> QuerySet[Any]:
    """Each decision with its totals, newest first (one query; a page of it when paginated)."""
    return (
        records.values(
            "decision",
            number=F("decision__number"),
            date=F("decision__date"),
            fund=F("decision__fund"),
            issuer_name=F("decision__issuer__name"),
        )
        .annotate(**_totals())
        .order_by("-date", "-decision")
    )
