"""The covenant (giao ước thi đua) of a cluster year and the members' registrations.

Every step follows the declared transition tables of `clusters.rules`; an action the table does not
allow is refused with a message and changes nothing. Every step is audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import rules
from clusters.models import (
    ClusterYear,
    Covenant,
    CovenantCriterion,
    CovenantStatus,
    Meeting,
    Registration,
    RegistrationStatus,
    Target,
)
from core.audit import audit_log
from core.codes import COLLECTIVE_CODES
from core.errors import DomainError
from core.text import normalize_name
from core.uploads import SCANS, check_document
from orgs.models import Org

MAX_TARGETS = 50
# Values stay below 10^13 with two decimals (15 significant digits), so they survive SQLite's
# floating-point storage exactly; larger amounts are written in a larger unit (tỷ đồng).
MAX_VALUE = Decimal("1e13")


@dataclass(frozen=True)
class TargetInput:
    """A target as typed by the member: name, unit of measure, value, deadline."""

    name: str
    measure: str
    value: Decimal | str | int | float | None
    deadline: dt.date | None = None


def _transition(table: dict[tuple[str, str], str], state: str, action: str, labels: Any) -> str:
    new = rules.next_state(table, state, action)
    if new is None:
        raise DomainError(
            _("This step is not possible while the status is “%(status)s”.")
            % {"status": labels(state).label}
        )
    return new


def _covenant_step(covenant: Covenant, action: str) -> str:
    return _transition(rules.COVENANT_TRANSITIONS, covenant.status, action, CovenantStatus)


def _registration_step(registration: Registration, action: str) -> str:
    return _transition(
        rules.REGISTRATION_TRANSITIONS, registration.status, action, RegistrationStatus
    )


def _clean_criteria(criteria: Sequence[str]) -> list[str]:
    cleaned = [normalize_name(c) for c in criteria if normalize_name(c)]
    too_long = [c for c in cleaned if len(c) > 500]
    if too_long:
        raise DomainError(_("A criterion must not exceed 500 characters."), field="criteria")
    return cleaned


def _check_signing_meeting(cluster_year: ClusterYear, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.cluster_year_id != cluster_year.pk:
        raise DomainError(
            _("The signing conference must be a meeting of this cluster year."),
            field="signing_meeting",
        )


def _audit(actor: Any, action: str, obj: Any, cluster_year: ClusterYear, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        org_id=cluster_year.cluster.organiser_id,
        changes=changes,
    )


@transaction.atomic
def covenant_create(
    *,
    actor: Any,
    cluster_year: ClusterYear,
    title: str,
    text: str = "",
    criteria: Sequence[str] = (),
    registration_due: dt.date | None = None,
    signing_meeting: Meeting | None = None,
) -> Covenant:
    """Draft the year's covenant (one per cluster year)."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if Covenant.objects.filter(cluster_year=cluster_year).exists():
        raise DomainError(_("This year already has its covenant."))
    title = normalize_name(title)
    if not title:
        raise DomainError(_("The title is required."), field="title")
    cleaned = _clean_criteria(criteria)
    _check_signing_meeting(cluster_year, signing_meeting)
    covenant = Covenant.objects.create(
        cluster_year=cluster_year,
        title=title,
        text=text.strip(),
        registration_due=registration_due,
        signing_meeting=signing_meeting,
    )
    CovenantCriterion.objects.bulk_create(
        [CovenantCriterion(covenant=covenant, position=i, text=c) for i, c in enumerate(cleaned, 1)]
    )
    _audit(
        actor,
        "clusters.covenant.created",
        covenant,
        cluster_year,
        title=[None, title],
        criteria=[None, cleaned],
        registration_due=[None, registration_due],
    )
    return covenant


@transaction.atomic
def covenant_update(
    *,
    actor: Any,
    covenant: Covenant,
    title: str,
    text: str,
    criteria: Sequence[str],
    registration_due: dt.date | None,
    signing_meeting: Meeting | None = None,
) -> Covenant:
    """Change the draft; once sent to the members, the covenant's text no longer changes."""
    covenant = Covenant.objects.select_for_update().get(pk=covenant.pk)
    _covenant_step(covenant, "edit")
    title = normalize_name(title)
    if not title:
        raise DomainError(_("The title is required."), field="title")
    cleaned = _clean_criteria(criteria)
    cluster_year = covenant.cluster_year
    _check_signing_meeting(cluster_year, signing_meeting)
    before = {
        "title": covenant.title,
        "text": covenant.text,
        "criteria": list(covenant.criteria.values_list("text", flat=True)),
        "registration_due": covenant.registration_due,
        "signing_meeting": covenant.signing_meeting_id,
    }
    covenant.title, covenant.text = title, text.strip()
    covenant.registration_due, covenant.signing_meeting = registration_due, signing_meeting
    covenant.save()
    covenant.criteria.all().delete()
    CovenantCriterion.objects.bulk_create(
        [CovenantCriterion(covenant=covenant, position=i, text=c) for i, c in enumerate(cleaned, 1)]
    )
    after = {
        "title": title,
        "text": covenant.text,
        "criteria": cleaned,
        "registration_due": registration_due,
        "signing_meeting": signing_meeting.pk if signing_meeting else None,
    }
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    _audit(actor, "clusters.covenant.updated", covenant, cluster_year, **changed)
    return covenant


@transaction.atomic
def covenant_send(*, actor: Any, covenant: Covenant) -> Covenant:
    """Send the covenant to the members: each member gets a registration to prepare."""
    covenant = Covenant.objects.select_for_update().get(pk=covenant.pk)
    new = _covenant_step(covenant, "send")
    if not covenant.criteria.exists() and not covenant.text:
        raise DomainError(_("Write the covenant's text or criteria before sending it."))
    member_ids = list(covenant.cluster_year.members.values_list("org_id", flat=True))
    Registration.objects.bulk_create(
        [Registration(covenant=covenant, org_id=org_id) for org_id in member_ids],
        ignore_conflicts=True,
    )
    covenant.status, covenant.sent_at = new, timezone.now()
    covenant.save(update_fields=["status", "sent_at"])
    _audit(
        actor,
        "clusters.covenant.sent",
        covenant,
        covenant.cluster_year,
        status=[CovenantStatus.DRAFT, new],
        members=[None, member_ids],
    )
    return covenant


def registration_for(*, covenant: Covenant, org: Org) -> Registration:
    """The member's registration under a sent covenant (created for a unit that joined later)."""
    if covenant.status == CovenantStatus.DRAFT:
        raise DomainError(_("The covenant has not been sent to the members yet."))
    if not covenant.cluster_year.members.filter(org=org).exists():
        raise DomainError(_("This unit is not a member of the cluster this year."))
    registration, _created = Registration.objects.get_or_create(covenant=covenant, org=org)
    return registration


def _clean_targets(targets: Sequence[TargetInput], year: int) -> list[Target]:
    if len(targets) > MAX_TARGETS:
        raise DomainError(
            _("At most %(n)s targets per registration.") % {"n": MAX_TARGETS}, field="targets"
        )
    cleaned: list[Target] = []
    for index, item in enumerate(targets, start=1):
        name, measure = normalize_name(item.name), normalize_name(item.measure)
        row = _("Target %(n)s: ") % {"n": index}
        if not name:
            raise DomainError(row + _("the name is required."), field="targets")
        if len(name) > 300:
            raise DomainError(row + _("the name must not exceed 300 characters."), field="targets")
        if not measure:
            raise DomainError(row + _("the unit of measure is required."), field="targets")
        if len(measure) > 60:
            raise DomainError(
                row + _("the unit of measure must not exceed 60 characters."), field="targets"
            )
        try:
            value = Decimal(str(item.value).strip().replace(" ", ""))
        except InvalidOperation:
            raise DomainError(row + _("the value must be a number."), field="targets") from None
        if not value.is_finite() or value <= 0:
            raise DomainError(row + _("the value must be a positive number."), field="targets")
        if value >= MAX_VALUE:
            raise DomainError(
                row + _("the value is too large; write it in a larger unit (e.g. tỷ đồng)."),
                field="targets",
            )
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(row + _("at most two decimal places."), field="targets")
        if item.deadline is not None and not (year <= item.deadline.year <= year + 1):
            raise DomainError(
                row + _("the deadline must fall in %(a)s or %(b)s.") % {"a": year, "b": year + 1},
                field="targets",
            )
        cleaned.append(
            Target(position=index, name=name, measure=measure, value=value, deadline=item.deadline)
        )
    return cleaned


def _clean_titles(titles: Sequence[str]) -> list[str]:
    codes = [t.strip().upper() for t in titles if t.strip()]
    unknown = [c for c in codes if c not in COLLECTIVE_CODES]
    if unknown:
        raise DomainError(
            _("Unknown title or form codes: %(c)s.") % {"c": ", ".join(unknown)}, field="titles"
        )
    return [c for c in COLLECTIVE_CODES if c in codes]


def _locked_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("covenant__cluster_year__cluster", "org")
        .get(pk=registration.pk)
    )


@transaction.atomic
def registration_save(
    *,
    actor: Any,
    registration: Registration,
    targets: Sequence[TargetInput],
    titles: Sequence[str],
    note: str = "",
) -> Registration:
    """The member prepares (or corrects) its targets and the titles and forms it strives for."""
    registration = _locked_registration(registration)
    covenant = registration.covenant
    if covenant.status != CovenantStatus.SENT:
        raise DomainError(_("Registrations can change only while the covenant is open."))
    _registration_step(registration, "edit")
    cleaned = _clean_targets(targets, covenant.cluster_year.year)
    codes = _clean_titles(titles)
    before = {
        "targets": [
            [t.name, t.measure, str(t.value), t.deadline] for t in registration.targets.all()
        ],
        "titles": registration.titles,
        "note": registration.note,
    }
    registration.titles, registration.note = codes, note.strip()
    registration.save(update_fields=["titles", "note", "updated_at"])
    registration.targets.all().delete()
    for target in cleaned:
        target.registration = registration
    Target.objects.bulk_create(cleaned)
    after = {
        "targets": [[t.name, t.measure, str(t.value), t.deadline] for t in cleaned],
        "titles": codes,
        "note": registration.note,
    }
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    _audit(
        actor,
        "clusters.registration.saved",
        registration,
        covenant.cluster_year,
        org=[None, registration.org_id],
        **changed,
    )
    return registration


@transaction.atomic
def registration_register(*, actor: Any, registration: Registration) -> Registration:
    """The member sends its registration to the secretariat."""
    registration = _locked_registration(registration)
    covenant = registration.covenant
    if covenant.status != CovenantStatus.SENT:
        raise DomainError(_("Registrations can change only while the covenant is open."))
    new = _registration_step(registration, "register")
    if not registration.targets.exists() and not registration.titles:
        raise DomainError(_("Register at least one target or one title or form."), field="targets")
    old = registration.status
    registration.status, registration.registered_at = new, timezone.now()
    registration.return_reason = ""
    registration.save(update_fields=["status", "registered_at", "return_reason", "updated_at"])
    _audit(
        actor,
        "clusters.registration.registered",
        registration,
        covenant.cluster_year,
        org=[None, registration.org_id],
        status=[old, new],
    )
    return registration


@transaction.atomic
def registration_accept(*, actor: Any, registration: Registration) -> Registration:
    """The secretariat accepts a member's registration."""
    registration = _locked_registration(registration)
    if registration.covenant.status != CovenantStatus.SENT:
        raise DomainError(_("Registrations can change only while the covenant is open."))
    new = _registration_step(registration, "accept")
    registration.status, registration.decided_at = new, timezone.now()
    registration.save(update_fields=["status", "decided_at", "updated_at"])
    _audit(
        actor,
        "clusters.registration.accepted",
        registration,
        registration.covenant.cluster_year,
        org=[None, registration.org_id],
        status=[RegistrationStatus.REGISTERED, new],
    )
    return registration


@transaction.atomic
def registration_return(*, actor: Any, registration: Registration, reason: str) -> Registration:
    """The secretariat returns a registration for correction, saying why."""
    registration = _locked_registration(registration)
    if registration.covenant.status != CovenantStatus.SENT:
        raise DomainError(_("Registrations can change only while the covenant is open."))
    new = _registration_step(registration, "return")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the registration is returned."), field="reason")
    registration.status, registration.decided_at = new, timezone.now()
    registration.return_reason = reason
    registration.save(update_fields=["status", "decided_at", "return_reason", "updated_at"])
    _audit(
        actor,
        "clusters.registration.returned",
        registration,
        registration.covenant.cluster_year,
        org=[None, registration.org_id],
        status=[RegistrationStatus.REGISTERED, new],
        return_reason=[None, reason],
    )
    return registration


@transaction.atomic
def covenant_sign(
    *,
    actor: Any,
    covenant: Covenant,
    signed_on: dt.date,
    scan: Any,
    signing_meeting: Meeting | None = None,
) -> Covenant:
    """Record the signing: every member's registration accepted, the signed scan attached."""
    covenant = (
        Covenant.objects.select_for_update()
        .select_related("cluster_year__cluster")
        .get(pk=covenant.pk)
    )
    new = _covenant_step(covenant, "sign")
    cluster_year = covenant.cluster_year
    year = cluster_year.year
    if not (year - 1 <= signed_on.year <= year):
        raise DomainError(
            _("A covenant of %(year)s is signed in %(a)s or %(b)s.")
            % {"year": year, "a": year - 1, "b": year},
            field="signed_on",
        )
    if signed_on > timezone.localdate():
        raise DomainError(_("The signing date cannot be in the future."), field="signed_on")
    meeting = signing_meeting or covenant.signing_meeting
    _check_signing_meeting(cluster_year, meeting)
    member_ids = set(cluster_year.members.values_list("org_id", flat=True))
    accepted = set(
        covenant.registrations.filter(status=RegistrationStatus.ACCEPTED).values_list(
            "org_id", flat=True
        )
    )
    waiting = member_ids - accepted
    if waiting:
        names = ", ".join(sorted(Org.objects.filter(pk__in=waiting).values_list("name", flat=True)))
        raise DomainError(
            _("Every member's registration must be accepted first. Not yet: %(names)s.")
            % {"names": names}
        )
    name = check_document(scan, allowed=SCANS, field="scan")
    covenant.signed_scan.save(name, scan, save=False)
    covenant.signed_scan_name = name
    covenant.status, covenant.signed_on, covenant.signing_meeting = new, signed_on, meeting
    covenant.save()
    _audit(
        actor,
        "clusters.covenant.signed",
        covenant,
        cluster_year,
        status=[CovenantStatus.SENT, new],
        signed_on=[None, signed_on],
        signed_scan_name=[None, name],
    )
    return covenant


@transaction.atomic
def covenant_lock(*, actor: Any, covenant: Covenant) -> Covenant:
    """Lock the signed covenant: its registrations and targets are final."""
    covenant = Covenant.objects.select_for_update().get(pk=covenant.pk)
    new = _covenant_step(covenant, "lock")
    covenant.status, covenant.locked_at = new, timezone.now()
    covenant.save(update_fields=["status", "locked_at"])
    _audit(
        actor,
        "clusters.covenant.locked",
        covenant,
        covenant.cluster_year,
        status=[CovenantStatus.SIGNED, new],
    )
    return covenant
