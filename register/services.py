"""Writes to the register: decisions and their recipients, revocations, ratings, initiatives,
parameters. Each is checked (a DomainError with a Vietnamese message changes nothing) and audited in
its own transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import Entry, audit_log, audit_log_many
from core.errors import DomainError
from core.text import fold
from core.uploads import SCANS, check_document
from movements.models import Movement
from orgs.models import Org
from people.models import Person
from register import catalogue, rules
from register.models import (
    Award,
    Category,
    Decision,
    Discipline,
    Fund,
    Initiative,
    InitiativeUse,
    Parameter,
    ParameterKey,
    Rating,
    RatingCode,
    Record,
    Revocation,
    Scope,
    Subject,
    UnitRating,
)

MIN_YEAR = rules.MIN_YEAR


def _created(**values: Any) -> dict[str, list[Any]]:
    """Audit changes of something new: [before, after] per field, nothing before."""
    return {k: [None, v] for k, v in values.items()}


def _check_year(year: int, *, field: str, today: dt.date | None = None) -> None:
    latest = (today or timezone.localdate()).year
    if not MIN_YEAR <= year <= latest:
        raise DomainError(
            _("The year must be between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": latest},
            field=field,
        )


def _check_date(day: dt.date, *, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field=field)
    if day.year < MIN_YEAR:
        raise DomainError(_("The date is too early."), field=field)


def _number_taken(issuer: Org, number: str) -> bool:
    """Whether the issuer has a decision of that number, ignoring case and diacritics ("QĐ" and
    "qđ"; SQLite's case-insensitive match folds ASCII letters only, so it is compared here)."""
    from django.db.models.functions import Length

    key = fold(number)
    same_length = (
        Decision.objects.filter(issuer=issuer)
        .annotate(n=Length("number"))
        .filter(n=len(number))
        .values_list("number", flat=True)
    )
    return any(fold(other) == key for other in same_length)


def award_get(code: str, *, field: str = "code") -> Award:
    award = Award.objects.filter(code=code).first()
    if award is None:
        raise DomainError(_("Unknown title or form code: %(c)s.") % {"c": code}, field=field)
    return award


# --- decisions --------------------------------------------------------------------------------------


def _stats_catch_up_later() -> None:
    """The statistics' summary catches up with this write once it commits (stats.services)."""
    from stats.services import tally_catch_up_later

    tally_catch_up_later()


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    number: str,
    date: dt.date,
    issuer: Org,
    signer: str = "",
    signer_title: str = "",
    category: str = Category.MERIT,
    movement: Movement | None = None,
    summary: str = "",
    file: UploadedFile | None = None,
    fund: str = "",
) -> Decision:
    """Record a signed decision (its recipients are added next, one by one or from Excel).

    The source fund, when not given, follows from the issuer's kind (catalogue.fund_for_kind)."""
    permissions.require(actor, "register.manage", issuer)
    number = " ".join((number or "").split())
    if not number:
        raise DomainError(_("The number and symbol are required."), field="number")
    _check_date(date, field="date")
    if category not in Category.values:
        raise DomainError(_("Unknown category."), field="category")
    fund = fund or catalogue.fund_for_kind(issuer.kind)
    if fund not in Fund.values:
        raise DomainError(_("Unknown source fund."), field="fund")
    if _number_taken(issuer, number):
        raise DomainError(
            _("%(u)s already has a decision numbered %(n)s.") % {"u": issuer.name, "n": number},
            field="number",
        )
    if file is not None:
        check_document(file, allowed=SCANS, field="file")
    decision = Decision.objects.create(
        number=number,
        date=date,
        issuer=issuer,
        signer=signer.strip(),
        signer_title=signer_title.strip(),
        category=category,
        movement=movement,
        fund=fund,
        summary=summary.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if file is not None:
        decision.file.save(file.name or "quyet-dinh.pdf", file, save=True)
    audit_log(
        actor=actor,
        action="register.decision.created",
        obj=decision,
        org_id=issuer.pk,
        changes=_created(number=number, date=date, category=category, fund=fund),
    )
    return decision


def check_recipient(
    *, award: Award, person: Person | None, org: Org | None, year: int, decision: Decision
) -> None:
    """The rules a recipient line must meet (shared by the form and the Excel import)."""
    if (person is None) == (org is None):
        raise DomainError(_("A recipient is either an individual or a collective."))
    if award.subject == Subject.INDIVIDUAL and award.kind == "title" and person is None:
        raise DomainError(_("%(a)s is for individuals.") % {"a": award.name}, field="recipient")
    if award.subject != Subject.INDIVIDUAL and person is not None:
        raise DomainError(_("%(a)s is for collectives.") % {"a": award.name}, field="recipient")
    if year > decision.date.year:
        raise DomainError(
            _("The year of achievement (%(y)s) is after the decision's date.") % {"y": year},
            field="year",
        )
    if year < MIN_YEAR:
        raise DomainError(_("The year of achievement is too early."), field="year")


@transaction.atomic
def record_add(
    *,
    actor: Any,
    decision: Decision,
    code: str,
    year: int,
    person: Person | None = None,
    org: Org | None = None,
    amount: int | None = None,
    note: str = "",
) -> Record:
    """Add one recipient to a decision; the amount defaults to the catalogue's reward."""
    permissions.require(actor, "register.manage", decision)
    award = award_get(code)
    check_recipient(award=award, person=person, org=org, year=year, decision=decision)
    if person is not None:
        permissions.require(actor, "person.view", person)
    if org is not None:
        permissions.require(actor, "org.view", org)
    if Record.objects.filter(
        decision=decision, code=code, year=year, person=person, org=org
    ).exists():
        raise DomainError(_("This recipient is already listed in the decision."))
    if amount is None:
        amount = catalogue.reward_amount(code, decision.date)
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."), field="amount")
    record = Record.objects.create(
        decision=decision,
        person=person,
        org=org,
        unit=person.unit if person is not None else None,
        code=code,
        year=year,
        amount=amount,
        note=note.strip(),
    )
    audit_log(
        actor=actor,
        action="register.record.added",
        obj=record,
        org_id=(person.unit_id if person is not None else org.pk if org else None),
        changes=_created(decision=decision.number, code=code, year=year, amount=amount),
    )
    _stats_catch_up_later()
    return record


@transaction.atomic
def record_revoke(
    *,
    actor: Any,
    record: Record,
    reason: str,
    decision_number: str,
    decision_date: dt.date,
) -> Revocation:
    """Thu hồi: mark a record revoked with its reason and decision; it stays in the history, and the
    initiatives it used become usable again (the criterion it served no longer stands)."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    permissions.require(actor, "register.manage", record)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the revocation."), field="reason")
    decision_number = " ".join(decision_number.split())
    if not decision_number:
        raise DomainError(_("Give the number of the revoking decision."), field="decision_number")
    _check_date(decision_date, field="decision_date")
    if decision_date < record.decision.date:
        raise DomainError(
            _("The revoking decision cannot be dated before the decision it revokes."),
            field="decision_date",
        )
    if record.revoked:
        raise DomainError(_("This commendation has already been revoked."))
    revocation = Revocation.objects.create(
        record=record,
        reason=reason,
        decision_number=decision_number,
        decision_date=decision_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record.revoked = True
    record.save(update_fields=["revoked"])
    freed = list(
        InitiativeUse.objects.filter(record=record).values_list("initiative__code", flat=True)
    )
    InitiativeUse.objects.filter(record=record).delete()
    audit_log(
        actor=actor,
        action="register.record.revoked",
        obj=record,
        org_id=(record.person.unit_id if record.person is not None else record.org_id),
        changes={
            "revoked": [False, True],
            **_created(
                reason=reason,
                decision_number=decision_number,
                decision_date=decision_date,
                initiatives_freed=freed,
            ),
        },
    )
    _stats_catch_up_later()
    return revocation


# --- ratings ----------------------------------------------------------------------------------------


@transaction.atomic
def ratings_save(
    *,
    actor: Any,
    org: Org,
    year: int,
    rows: Sequence[tuple[Person, str, str]],
) -> int:
    """Save a unit's annual ratings: (person, rating, discipline) per row; an empty rating clears.

    A person has one rating a year, given where they worked: someone rated in another unit that
    year (a transfer) can only be rated there. Returns how many rows changed."""
    permissions.require(actor, "register.rate", org)
    _check_year(year, field="year")
    existing = {r.person_id: r for r in Rating.objects.filter(org=org, year=year)}
    elsewhere = dict(
        Rating.objects.filter(year=year, person__in=[p for p, _r, _d in rows])
        .exclude(org=org)
        .values_list("person_id", "org__name")
    )
    entries: list[Entry] = []
    changed = 0
    for person, code, discipline in rows:
        if code and code not in RatingCode.values:
            raise DomainError(_("Unknown rating: %(r)s.") % {"r": code}, field="rating")
        if discipline not in Discipline.values:
            raise DomainError(_("Unknown discipline: %(d)s.") % {"d": discipline})
        old = existing.get(person.pk)
        if old is None:
            permissions.require(actor, "person.view", person)
        if person.pk in elsewhere:
            if not code:
                continue  # rated where they worked that year; nothing to do here
            raise DomainError(
                _("%(p)s is already rated for %(y)s in %(u)s.")
                % {"p": person.full_name, "y": year, "u": elsewhere[person.pk]}
            )
        if not code:
            if old is not None:
                entries.append(
                    _rating_entry(person, org, year, (old.rating, old.discipline), ("", ""))
                )
                old.delete()
                changed += 1
            continue
        if old is not None and old.rating == code and old.discipline == discipline:
            continue
        before = (old.rating, old.discipline) if old is not None else ("", "")
        if old is None:
            Rating.objects.create(
                person=person, year=year, org=org, rating=code, discipline=discipline
            )
        else:
            old.rating, old.discipline = code, discipline
            old.save(update_fields=["rating", "discipline", "updated_at"])
        changed += 1
        entries.append(_rating_entry(person, org, year, before, (code, discipline)))
    if entries:
        audit_log_many(actor=actor, entries=entries)
    return changed


def _rating_entry(
    person: Person, org: Org, year: int, before: tuple[str, str], after: tuple[str, str]
) -> Entry:
    changes: dict[str, Any] = {"year": [year, year]}
    if before[0] != after[0]:
        changes["rating"] = [before[0], after[0]]
    if before[1] != after[1]:
        changes["discipline"] = [before[1], after[1]]
    return Entry("register.rating.saved", person, "", "", "", org.pk, changes)


@transaction.atomic
def unit_rating_save(*, actor: Any, org: Org, year: int, rating: str) -> UnitRating | None:
    permissions.require(actor, "register.manage", org)
    _check_year(year, field="year")
    if rating and rating not in RatingCode.values:
        raise DomainError(_("Unknown rating: %(r)s.") % {"r": rating}, field="rating")
    old = UnitRating.objects.filter(org=org, year=year).first()
    before = old.rating if old else ""
    result: UnitRating | None
    if not rating:
        if old:
            old.delete()
        result = None
    else:
        result, _created = UnitRating.objects.update_or_create(
            org=org, year=year, defaults={"rating": rating}
        )
    audit_log(
        actor=actor,
        action="register.unit_rating.saved",
        obj=org,
        org_id=org.pk,
        changes={"year": [year, year], "rating": [before, rating]},
    )
    return result


# --- initiatives ------------------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    actor: Any,
    code: str,
    title: str,
    kind: str,
    recognised_by: Org,
    recognised_on: dt.date,
    scope: str,
    authors: Sequence[Person],
) -> Initiative:
    permissions.require(actor, "register.manage", recognised_by)
    code = code.strip().upper()
    if not code:
        raise DomainError(_("The reference is required."), field="code")
    if Initiative.objects.filter(code=code).exists():
        raise DomainError(
            _("An initiative with reference %(c)s exists.") % {"c": code}, field="code"
        )
    if not title.strip():
        raise DomainError(_("The title is required."), field="title")
    if scope not in Scope.values:
        raise DomainError(_("Unknown scope."), field="scope")
    _check_date(recognised_on, field="recognised_on")
    if not authors:
        raise DomainError(_("Name at least one author."), field="authors")
    for person in authors:
        permissions.require(actor, "person.view", person)
    initiative = Initiative.objects.create(
        code=code,
        title=title.strip(),
        kind=kind,
        recognised_by=recognised_by,
        recognised_on=recognised_on,
        year=recognised_on.year,
        scope=scope,
    )
    initiative.authors.set(authors)
    audit_log(
        actor=actor,
        action="register.initiative.created",
        obj=initiative,
        org_id=recognised_by.pk,
        changes=_created(scope=scope, authors=[p.pk for p in authors]),
    )
    return initiative


@transaction.atomic
def initiative_use(
    *,
    actor: Any,
    initiative: Initiative,
    code: str,
    year: int,
    record: Record | None = None,
    note: str = "",
) -> InitiativeUse:
    """Record that an initiative served as the criterion of a title or form: once at most."""
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    permissions.require(actor, "register.manage", initiative)
    award_get(code, field="code")
    existing = InitiativeUse.objects.filter(initiative=initiative).first()
    if existing is not None:
        raise DomainError(
            _(
                "Initiative %(i)s was already used as a criterion for %(c)s (%(y)s); "
                "an initiative counts only once."
            )
            % {
                "i": initiative.code,
                "c": rules.NAMES.get(existing.code, existing.code),
                "y": existing.year,
            },
            field="initiative",
        )
    if record is not None and (record.code != code or record.year != year):
        raise DomainError(_("The commendation does not match the code and year given."))
    try:
        with transaction.atomic():
            use = InitiativeUse.objects.create(
                initiative=initiative,
                record=record,
                code=code,
                year=year,
                note=note.strip(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:  # a concurrent use won the race
        raise DomainError(_("This initiative was used meanwhile."), field="initiative") from exc
    audit_log(
        actor=actor,
        action="register.initiative.used",
        obj=initiative,
        org_id=initiative.recognised_by_id,
        changes=_created(code=code, year=year, record=record.pk if record else None),
    )
    return use


# --- tenant parameters ------------------------------------------------------------------------------


@transaction.atomic
def parameter_set(
    *,
    actor: Any,
    org: Org,
    key: str,
    value: Decimal,
    valid_from: dt.date,
    note: str = "",
) -> Parameter:
    """A ministry's or province's parameter from a date; the previous one ends the day before."""
    permissions.require(actor, "register.parameters", org)
    if org.kind not in ("ministry", "province", "central"):
        raise DomainError(
            _("Parameters are set by a ministry, a central body or a province."), field="org"
        )
    if key not in ParameterKey.values:
        raise DomainError(_("Unknown parameter."), field="key")
    if not Decimal(0) <= value <= Decimal(1):
        raise DomainError(_("A share is between 0 and 1 (for example 0.5 for 50%)."), field="value")
    if Parameter.objects.filter(org=org, key=key, valid_from__gte=valid_from).exists():
        raise DomainError(
            _("A value of this parameter already starts on or after that date."),
            field="valid_from",
        )
    previous = Parameter.objects.filter(org=org, key=key, valid_to__isnull=True).first()
    if previous is not None:
        previous.valid_to = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_to"])
    param = Parameter.objects.create(
        org=org, key=key, value=value, valid_from=valid_from, note=note.strip()
    )
    audit_log(
        actor=actor,
        action="register.parameter.set",
        obj=param,
        org_id=org.pk,
        changes=_created(key=key, value=value, valid_from=valid_from),
    )
    return param
