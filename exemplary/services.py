"""Writes to exemplary models: recording, correcting, moving on a stage, linking movements and
commendations. Each is checked (a DomainError changes nothing) and audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import audit_log, diff, snapshot, user_or_none
from core.errors import DomainError
from core.text import fold, normalize_name
from exemplary import rules, selectors
from exemplary.models import ExemplaryModel, ExemplaryStep, Kind, Stage
from movements.models import Movement
from movements.selectors import movement_list
from orgs.models import Org
from people.models import Person
from register.models import Record
from register.selectors import visible_records

MIN_YEAR = 1945
# The fields exemplary_update may change, and those its audit event compares.
EDITABLE = ("org", "name", "sector", "description")
AUDITED = ("kind", "name", "person", "collective", "org", "year", "sector", "description", "stage")


def _check_subject(*, actor: Any, kind: str, person: Person | None, collective: Org | None) -> None:
    if kind not in Kind.values:
        raise DomainError(_("Unknown kind of exemplary model."), field="kind")
    if kind == Kind.PERSON and person is None:
        raise DomainError(_("Name the individual."), field="person")
    if kind != Kind.PERSON and person is not None:
        raise DomainError(_("Only an individual exemplary model names a person."), field="person")
    if kind == Kind.COLLECTIVE and collective is None:
        raise DomainError(_("Name the collective."), field="collective")
    if kind != Kind.COLLECTIVE and collective is not None:
        raise DomainError(
            _("Only a collective exemplary model names a collective."), field="collective"
        )
    if person is not None:
        permissions.require(actor, "person.view", person)
    if collective is not None:
        permissions.require(actor, "org.view", collective)


def _name(kind: str, name: str, person: Person | None, collective: Org | None) -> str:
    """The name as typed; for an individual or a collective, their own name when left empty."""
    name = normalize_name(name)
    if name:
        return name
    if person is not None:
        return person.full_name
    if collective is not None:
        return collective.name
    raise DomainError(_("Give the model's name."), field="name")


def _check_unique(model: ExemplaryModel) -> None:
    """One exemplary model per subject, keeping unit and year (a model: per name)."""
    same = ExemplaryModel.objects.filter(org=model.org, year=model.year).exclude(pk=model.pk)
    if model.kind == Kind.PERSON:
        taken = same.filter(person=model.person).exists()
    elif model.kind == Kind.COLLECTIVE:
        taken = same.filter(collective=model.collective).exists()
    else:
        taken = same.filter(kind=Kind.MODEL, name_key=model.name_key).exists()
    if taken:
        raise DomainError(
            _("%(u)s already keeps “%(n)s” as an exemplary model discovered in %(y)s.")
            % {"u": model.org.name, "n": model.name, "y": model.year},
            field="name" if model.kind == Kind.MODEL else model.kind,
        )


@transaction.atomic
def exemplary_create(
    *,
    actor: Any,
    kind: str,
    org: Org,
    discovered_on: dt.date,
    name: str = "",
    person: Person | None = None,
    collective: Org | None = None,
    sector: str = "",
    description: str = "",
    note: str = "",
) -> ExemplaryModel:
    """Phát hiện: record an exemplary model a unit discovered; its history starts with that stage."""
    permissions.require(actor, "exemplary.manage", org)
    _check_subject(actor=actor, kind=kind, person=person, collective=collective)
    name = _name(kind, name, person, collective)
    problem = rules.date_problem(discovered_on, previous=None, today=timezone.localdate())
    if problem:
        raise DomainError(problem, field="discovered_on")
    if discovered_on.year < MIN_YEAR:
        raise DomainError(_("The date is too early."), field="discovered_on")
    model = ExemplaryModel(
        kind=kind,
        name=name,
        name_key=fold(name),
        person=person,
        collective=collective,
        org=org,
        year=discovered_on.year,
        sector=normalize_name(sector),
        description=description.strip(),
        stage=Stage.DISCOVERED,
        created_by=user_or_none(actor),
    )
    _check_unique(model)
    model.save()
    ExemplaryStep.objects.create(
        model=model,
        stage=Stage.DISCOVERED,
        on=discovered_on,
        note=note.strip(),
        actor=user_or_none(actor),
    )
    audit_log(
        actor=actor,
        action="exemplary.model.created",
        obj=model,
        org_id=org.pk,
        changes={
            **{k: [None, v] for k, v in snapshot(model, AUDITED).items()},
            "discovered_on": [None, discovered_on],
        },
    )
    return model


@transaction.atomic
def exemplary_update(*, actor: Any, model: ExemplaryModel, **fields: Any) -> ExemplaryModel:
    """Correct an exemplary model's name, field, description or keeping unit (its kind, subject and
    history stay); the audit event keeps each changed field's old and new value."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    model = (
        ExemplaryModel.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=model.pk)
    )
    permissions.require(actor, "exemplary.manage", model.org)
    before = snapshot(model, AUDITED)
    if "org" in fields and fields["org"].pk != model.org_id:
        permissions.require(actor, "exemplary.manage", fields["org"])
        model.org = fields["org"]
    if "name" in fields:
        model.name = _name(model.kind, fields["name"] or "", model.person, model.collective)
        model.name_key = fold(model.name)
    if "sector" in fields:
        model.sector = normalize_name(fields["sector"])
    if "description" in fields:
        model.description = (fields["description"] or "").strip()
    _check_unique(model)
    model.save()
    changes = diff(before, snapshot(model, AUDITED))
    if changes:
        audit_log(
            actor=actor,
            action="exemplary.model.updated",
            obj=model,
            org_id=model.org_id,
            changes=changes,
        )
    return model


@transaction.atomic
def exemplary_advance(
    *, actor: Any, model: ExemplaryModel, stage: str, on: dt.date, note: str = ""
) -> ExemplaryStep:
    """Move an exemplary model on to its next stage (bồi dưỡng, tổng kết, nhân rộng), dated: one
    stage at a time, forward only, not before the previous stage's date nor in the future."""
    # The lock makes two steps sent at once wait for each other; the second sees the first.
    model = (
        ExemplaryModel.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=model.pk)
    )
    permissions.require(actor, "exemplary.manage", model.org)
    problem = rules.advance_problem(model.stage, stage)
    if problem:
        raise DomainError(problem, field="stage")
    previous = model.steps.order_by("-on").values_list("on", flat=True).first()
    problem = rules.date_problem(on, previous=previous, today=timezone.localdate())
    if problem:
        raise DomainError(problem, field="on")
    before = model.stage
    step = ExemplaryStep.objects.create(
        model=model, stage=stage, on=on, note=note.strip(), actor=user_or_none(actor)
    )
    model.stage = stage
    model.save(update_fields=["stage", "updated_at"])
    audit_log(
        actor=actor,
        action="exemplary.model.stage",
        obj=model,
        org_id=model.org_id,
        changes={"stage": [before, stage], "on": [None, on], "note": [None, step.note]},
    )
    return step


@transaction.atomic
def exemplary_link(
    *,
    actor: Any,
    model: ExemplaryModel,
    movements: Sequence[Movement] | None = None,
    records: Sequence[Record] | None = None,
) -> ExemplaryModel:
    """Set the movements it grew from and the commendations it received (None leaves a list as it
    is). Movements must be ones the actor sees; commendations must be the subject's own (the
    individual's, the collective's, or for a model the keeping unit's), in force and in sight."""
    model = (
        ExemplaryModel.objects.select_for_update(of=("self",))
        .select_related("org")
        .get(pk=model.pk)
    )
    permissions.require(actor, "exemplary.manage", model.org)
    changes: dict[str, list[Any]] = {}
    if movements is not None:
        ids = sorted({m.pk for m in movements})
        old = sorted(model.movements.values_list("pk", flat=True))
        added = set(ids) - set(old)  # those kept need not be in the actor's sight
        if movement_list(user=actor).filter(pk__in=added).count() != len(added):
            raise DomainError(_("A movement chosen is not one you may see."), field="movements")
        if old != ids:
            model.movements.set(ids)
            changes["movements"] = [old, ids]
    if records is not None:
        ids = sorted({r.pk for r in records})
        own = set(selectors.subject_records(model).filter(pk__in=ids).values_list("pk", flat=True))
        stranger = next((r for r in records if r.pk not in own), None)
        if stranger is not None:
            raise DomainError(
                _("%(r)s (decision %(d)s) is not a commendation in force of %(n)s.")
                % {"r": stranger, "d": stranger.decision.number, "n": model.name},
                field="records",
            )
        old = sorted(model.records.values_list("pk", flat=True))
        added = set(ids) - set(old)
        if visible_records(actor).filter(pk__in=added).count() != len(added):
            raise DomainError(_("A commendation chosen is not one you may see."), field="records")
        if old != ids:
            model.records.set(ids)
            changes["records"] = [old, ids]
    if changes:
        audit_log(
            actor=actor,
            action="exemplary.model.updated",
            obj=model,
            org_id=model.org_id,
            changes=changes,
        )
    return model
