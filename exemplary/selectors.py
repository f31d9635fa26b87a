"""Reads of exemplary models, scoped to the units the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from core import permissions
from core.text import fold
from exemplary.models import STAGES, ExemplaryModel, ExemplaryStep, Kind
from movements.models import Movement
from movements.selectors import movement_list
from orgs.models import Org
from people.models import Person
from register.models import Record
from register.selectors import lineage_ids, visible_records


def visible_models(user: Any) -> QuerySet[ExemplaryModel]:
    """Exemplary models kept by a unit the user reaches (all of them for an administrator)."""
    qs = ExemplaryModel.objects.all()
    if permissions.sees_everything(user, "exemplary.view"):
        return qs
    return qs.filter(org__in=permissions.visible_orgs(user, "exemplary.view"))


def exemplary_list(
    *,
    user: Any,
    unit: Org | None = None,
    year: int | None = None,
    stage: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[ExemplaryModel]:
    """Those the user may see, kept by `unit` or a unit below it, discovered in `year`, at a stage,
    of a kind; `q` matches the name without diacritics."""
    qs = visible_models(user)
    if unit is not None:
        qs = qs.filter(org__path__startswith=unit.path)
    if year is not None:
        qs = qs.filter(year=year)
    if stage:
        qs = qs.filter(stage=stage)
    if kind:
        qs = qs.filter(kind=kind)
    key = fold(q)
    if key:
        qs = qs.filter(name_key__contains=key)
    return qs.order_by("-year", "name_key", "id")


def with_details(qs: QuerySet[ExemplaryModel]) -> QuerySet[ExemplaryModel]:
    """A list's rows with their units and subject, and `since`: the date of the current stage."""
    reached = ExemplaryStep.objects.filter(model=OuterRef("pk"), stage=OuterRef("stage"))
    return qs.select_related("org", "person", "collective").annotate(
        since=Subquery(reached.values("on")[:1])
    )


def stage_summary(qs: QuerySet[ExemplaryModel]) -> dict[str, Any]:
    """How many of each kind are at each stage, with totals (one query).

    {"rows": [{"kind": k, "counts": [n per stage], "total": n}], "totals": [...], "total": n}"""
    counts = {
        (row["kind"], row["stage"]): row["n"]
        for row in qs.order_by().values("kind", "stage").annotate(n=Count("pk"))
    }
    rows = []
    for kind, label in Kind.choices:
        per_stage = [counts.get((kind, stage), 0) for stage in STAGES]
        rows.append({"kind": kind, "label": label, "counts": per_stage, "total": sum(per_stage)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(STAGES))]
    return {"rows": rows, "totals": totals, "total": sum(totals)}


def exemplary_get(*, user: Any, pk: int) -> ExemplaryModel:
    """One exemplary model the user may see, with its history and links; DoesNotExist otherwise."""
    return (
        visible_models(user)
        .select_related("org", "person__unit", "collective", "created_by")
        .prefetch_related(
            Prefetch("steps", queryset=ExemplaryStep.objects.select_related("actor")),
            Prefetch("movements", queryset=Movement.objects.select_related("launched_by")),
            Prefetch(
                "records",
                queryset=Record.objects.select_related("decision__issuer").order_by("year", "pk"),
            ),
        )
        .get(pk=pk)
    )


def subject_records(model: ExemplaryModel) -> QuerySet[Record]:
    """The commendations that may be linked: the individual's, the collective's, or (for a model)
    the keeping unit's, with those of the units merged into them; revoked ones excepted."""
    qs = Record.objects.filter(revoked=False)
    if model.kind == Kind.PERSON:
        assert model.person_id is not None  # the database's check constraint
        return qs.filter(person_id=model.person_id)
    unit = model.collective if model.kind == Kind.COLLECTIVE else model.org
    assert unit is not None
    return qs.filter(org_id__in=lineage_ids(unit))


def linkable_records(*, user: Any, model: ExemplaryModel) -> QuerySet[Record]:
    """The subject's commendations the user may see, to choose from."""
    return (
        subject_records(model)
        .filter(pk__in=visible_records(user).values("pk"))
        .select_related("decision__issuer")
        .order_by("-year", "-pk")
    )


def linkable_movements(*, user: Any, limit: int = 300) -> list[Movement]:
    """The movements the user may see, newest first (for the link form)."""
    return list(movement_list(user=user).select_related(None)[:limit])


def people_named(*, user: Any, unit: Org, name: str, birth_year: int | None) -> list[Person]:
    """People of that name (diacritics ignored) in `unit` or below it, whom the user may see; at
    most six, enough to list namesakes."""
    people = Person.objects.filter(
        name_key=fold(name),
        unit__path__startswith=unit.path,
        unit__in=permissions.visible_orgs(user, "person.view"),
    ).select_related("unit")
    if birth_year:
        people = people.filter(birth_year=birth_year)
    return list(people.order_by("name_key", "pk")[:6])
