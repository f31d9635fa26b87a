"""Writes to people and their postings; each one audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import Entry, audit_log, audit_log_many, diff, snapshot
from core.errors import DomainError
from core.text import fold, normalize_name
from orgs.models import Org
from people.models import Category, Gender, Person, Posting

AUDITED_FIELDS = (
    "full_name",
    "gender",
    "birth_year",
    "ethnicity",
    "position",
    "category",
    "unit",
    "id_number",
    "note",
)
ID_NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}")


def clean_id_number(value: str | None) -> str:
    """An ID number as typed: full-width digits become ASCII, spaces go (NFKC)."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").strip()


def check_person_fields(
    *,
    full_name: str,
    gender: str,
    birth_year: int | None,
    category: str,
    id_number: str,
    today: dt.date | None = None,
) -> None:
    """The rules a person's fields must meet; raises DomainError naming the field."""
    year = (today or timezone.localdate()).year
    if not full_name:
        raise DomainError(_("The full name is required."), field="full_name")
    if gender not in Gender.values:
        raise DomainError(_("Gender must be Male or Female."), field="gender")
    if birth_year is not None and not (year - 100 <= birth_year <= year - 15):
        raise DomainError(
            _("The birth year must be between %(a)s and %(b)s.")
            % {"a": year - 100, "b": year - 15},
            field="birth_year",
        )
    if category not in Category.values:
        raise DomainError(_("Unknown category."), field="category")
    if id_number and not ID_NUMBER.fullmatch(id_number):
        raise DomainError(
            _("The ID number must have 12 digits (or 9 for an old identity card)."),
            field="id_number",
        )


def check_unit_active(unit: Org, day: dt.date, *, field: str) -> None:
    """A posting can only start while its unit exists (not before it began, not after it ended)."""
    if not unit.is_active_on(day):
        raise DomainError(
            _("%(unit)s is not active on %(day)s.")
            % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")},
            field=field,
        )


def find_duplicate(
    *, full_name: str, birth_year: int | None, unit: Org, exclude: Person | None = None
) -> Person | None:
    """Someone with the same name (diacritics ignored), birth year and unit, if any."""
    qs = Person.objects.filter(name_key=fold(full_name), birth_year=birth_year, unit=unit)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


@transaction.atomic
def person_create(
    *,
    actor: Any,
    full_name: str,
    gender: str,
    unit: Org,
    birth_year: int | None = None,
    ethnicity: str = "Kinh",
    position: str = "",
    category: str = Category.STAFF,
    id_number: str = "",
    note: str = "",
    start_date: dt.date | None = None,
) -> Person:
    """Register a person in a unit, opening their first posting."""
    full_name = normalize_name(full_name)
    id_number = clean_id_number(id_number)
    check_person_fields(
        full_name=full_name,
        gender=gender,
        birth_year=birth_year,
        category=category,
        id_number=id_number,
    )
    check_unit_active(unit, start_date or timezone.localdate(), field="unit")
    if find_duplicate(full_name=full_name, birth_year=birth_year, unit=unit):
        raise DomainError(
            _("%(name)s (born %(year)s) is already registered in %(unit)s.")
            % {"name": full_name, "year": birth_year or "?", "unit": unit.name},
            field="full_name",
        )
    person = Person.objects.create(
        full_name=full_name,
        gender=gender,
        birth_year=birth_year,
        ethnicity=normalize_name(ethnicity),
        position=normalize_name(position),
        category=category,
        unit=unit,
        id_number=id_number,
        note=normalize_name(note),
        name_key=fold(full_name),
    )
    Posting.objects.create(
        person=person,
        org=unit,
        position=person.position,
        start_date=start_date or timezone.localdate(),
    )
    audit_log(
        actor=actor,
        action="people.person.created",
        obj=person,
        org_id=unit.pk,
        changes={
            k: [None, v]
            for k, v in snapshot(person, AUDITED_FIELDS).items()
            if v not in ("", None) and k != "id_number"
        }
        | ({"id_number": [None, "***"]} if id_number else {}),
    )
    return person


@transaction.atomic
def person_bulk_create(*, actor: Any, items: list[dict[str, Any]]) -> list[Person]:
    """Register many people at once (Excel import); the caller already rejected duplicates.

    Same rules and audit events as person_create, with a few statements per batch instead of
    several per person.
    """
    today = timezone.localdate()
    people = []
    for item in items:
        full_name = normalize_name(item["full_name"])
        id_number = clean_id_number(item.get("id_number"))
        check_person_fields(
            full_name=full_name,
            gender=item["gender"],
            birth_year=item.get("birth_year"),
            category=item.get("category", Category.STAFF),
            id_number=id_number,
        )
        check_unit_active(item["unit"], item.get("start_date") or today, field="unit")
        people.append(
            Person(
                full_name=full_name,
                gender=item["gender"],
                birth_year=item.get("birth_year"),
                ethnicity=normalize_name(item.get("ethnicity") or "Kinh"),
                position=normalize_name(item.get("position", "")),
                category=item.get("category", Category.STAFF),
                unit=item["unit"],
                id_number=id_number,
                note=normalize_name(item.get("note", "")),
                name_key=fold(full_name),
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    Posting.objects.bulk_create(
        [
            Posting(
                person=p,
                org=p.unit,
                position=p.position,
                start_date=item.get("start_date") or today,
            )
            for p, item in zip(people, items, strict=True)
        ],
        batch_size=500,
    )
    audit_log_many(
        actor=actor,
        entries=[
            Entry(
                "people.person.created",
                obj=p,
                org_id=p.unit_id,
                changes={
                    k: [None, v]
                    for k, v in snapshot(p, AUDITED_FIELDS).items()
                    if v not in ("", None) and k != "id_number"
                }
                | ({"id_number": [None, "***"]} if p.id_number else {}),
            )
            for p in people
        ],
    )
    return people


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Correct a person's details (a move to another unit goes through person_transfer)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    allowed = set(AUDITED_FIELDS) - {"unit"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(unknown)})
    before = snapshot(person, AUDITED_FIELDS)
    for key in ("full_name", "ethnicity", "position", "note"):
        if key in fields:
            fields[key] = normalize_name(fields[key])
    if "id_number" in fields:
        fields["id_number"] = clean_id_number(fields["id_number"])
    for key, value in fields.items():
        setattr(person, key, value)
    check_person_fields(
        full_name=person.full_name,
        gender=person.gender,
        birth_year=person.birth_year,
        category=person.category,
        id_number=person.id_number,
    )
    if find_duplicate(
        full_name=person.full_name, birth_year=person.birth_year, unit=person.unit, exclude=person
    ):
        raise DomainError(
            _("Another person with this name and birth year is registered in this unit."),
            field="full_name",
        )
    person.name_key = fold(person.full_name)
    person.save()
    changes = diff(before, snapshot(person, AUDITED_FIELDS))
    if "id_number" in changes:
        old, new = changes["id_number"]
        changes["id_number"] = ["***" if old else None, "***" if new else None]
    if changes:
        audit_log(
            actor=actor,
            action="people.person.updated",
            obj=person,
            org_id=person.unit_id,
            changes=changes,
        )
        _stats_catch_up_later()
    return person


@transaction.atomic
def person_transfer(
    *,
    actor: Any,
    person: Person,
    to_unit: Org,
    start_date: dt.date,
    position: str = "",
    decision: str = "",
) -> Posting:
    """Move a person to another unit: the current posting ends the day before, history is kept."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if to_unit.pk == person.unit_id:
        raise DomainError(_("The person already works in this unit."), field="to_unit")
    check_unit_active(to_unit, start_date, field="to_unit")
    current = person.postings.filter(end_date__isnull=True).first()
    if current is not None:
        if start_date <= current.start_date:
            raise DomainError(
                _("The new posting must start after the current one (%(d)s).")
                % {"d": current.start_date.strftime("%d/%m/%Y")},
                field="start_date",
            )
        current.end_date = start_date - dt.timedelta(days=1)
        current.save(update_fields=["end_date"])
    old_unit_id = person.unit_id
    posting = Posting.objects.create(
        person=person,
        org=to_unit,
        position=normalize_name(position) or person.position,
        start_date=start_date,
        decision=normalize_name(decision),
    )
    person.unit = to_unit
    if position:
        person.position = normalize_name(position)
    person.save(update_fields=["unit", "position", "updated_at"])
    audit_log(
        actor=actor,
        action="people.person.transferred",
        obj=person,
        org_id=to_unit.pk,
        changes={
            "unit": [old_unit_id, to_unit.pk],
            "start_date": [None, start_date],
            "decision": [None, posting.decision],
        },
    )
    _stats_catch_up_later()
    return posting


def _stats_catch_up_later() -> None:
    """The statistics' summary (by gender, ethnicity, category) catches up once this commits."""
    from stats.services import tally_catch_up_later

    tally_catch_up_later()
