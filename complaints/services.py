"""Writes to complaints: intake by an officer, from the public page or from a public comment,
assignment, handling steps, the one extension, resolution (which may revoke a commendation) and
dismissal. Each write is checked (a DomainError with a message for the user changes nothing) and
audited in its own transaction; the audit trail never holds the complainant's identity."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import rules, selectors
from complaints.models import Channel, Complaint, ComplaintStatus, ComplaintStep, StepKind
from core import permissions
from core.audit import as_pairs, audit_log, user_or_none
from core.errors import DomainError
from dossiers import rules as dossier_rules
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier, DossierStatus, PublicComment
from orgs.models import Org
from register.models import Decision, Record

NAME_MAX, CONTACT_MAX, ADDRESS_MAX = 150, 150, 255


def _audit(actor: Any, action: str, complaint: Complaint, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=complaint,
        org_id=complaint.org_id,
        changes=as_pairs(changes),
    )


def _step(actor: Any, complaint: Complaint, kind: str, note: str = "") -> ComplaintStep:
    return ComplaintStep.objects.create(
        complaint=complaint, actor=user_or_none(actor), kind=kind, note=note
    )


def _lock(complaint: Complaint) -> Complaint:
    return (
        # Only the complaint's own row: PostgreSQL locks no nullable side of an outer join.
        Complaint.objects.select_for_update(of=("self",))
        .select_related("org", "dossier", "decision", "record")
        .get(pk=complaint.pk)
    )


def _require_handler(actor: Any, complaint: Complaint) -> None:
    if not selectors.can_handle(actor, complaint):
        raise permissions.PermissionDenied("complaint.handle")


def _require_open(complaint: Complaint) -> None:
    if complaint.status not in rules.OPEN:
        raise DomainError(
            _("This complaint is closed (%(s)s).") % {"s": complaint.get_status_display()}
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _line(value: str | None) -> str:
    return " ".join((value or "").split())


def due_date(kind: str, received_on: dt.date) -> dt.date:
    """The legal time limit, in working days after receipt (dossiers' holiday calendar)."""
    return dossier_selectors.add_working_days(received_on, rules.TIME_LIMITS[kind].days)


# --- intake -----------------------------------------------------------------------------------------


def _subject_org(dossier: Dossier | None, record: Record | None, decision: Decision | None) -> Org:
    """The unit responsible by default: a dossier's receiving level, a decision's issuer."""
    if dossier is not None:
        return dossier.receiver
    if decision is not None:
        return decision.issuer
    assert record is not None
    return record.decision.issuer


def _check_subject(
    dossier: Dossier | None, record: Record | None, decision: Decision | None
) -> None:
    if dossier is None and record is None and decision is None:
        raise DomainError(
            _("Say what the complaint is about: a dossier, a commendation or a decision."),
            field="subject",
        )
    if record is not None and decision is not None and record.decision_id != decision.pk:
        raise DomainError(_("The commendation is not in that decision."), field="record")
    if dossier is not None and decision is not None and dossier.decision_id != decision.pk:
        raise DomainError(_("The decision is not the one the dossier led to."), field="decision")
    if (
        dossier is not None
        and record is not None
        and record.decision_id != dossier.decision_id
        and not dossier.recipients.filter(record=record).exists()
    ):
        raise DomainError(_("The commendation did not come from that dossier."), field="record")


def _check_content(*, kind: str, content: str, name: str, contact: str, address: str) -> None:
    if kind not in rules.KINDS:
        raise DomainError(_("Choose the kind: complaint, denunciation or feedback."), field="kind")
    if not rules.CONTENT_MIN <= len(content) <= rules.CONTENT_MAX:
        raise DomainError(
            _("Write the content in %(a)s to %(b)s characters.")
            % {"a": rules.CONTENT_MIN, "b": rules.CONTENT_MAX},
            field="content",
        )
    if rules.identity_required(kind):
        if not name:
            raise DomainError(
                _("A complaint or denunciation gives the sender's full name."),
                field="complainant_name",
            )
        if not (contact or address):
            raise DomainError(
                _("Give an address or a contact, so that the answer can be sent."),
                field="complainant_contact",
            )


def _create(
    *,
    actor: Any,
    kind: str,
    channel: str,
    content: str,
    complainant_name: str,
    complainant_contact: str,
    complainant_address: str,
    received_on: dt.date,
    org: Org,
    dossier: Dossier | None = None,
    record: Record | None = None,
    decision: Decision | None = None,
    comment: PublicComment | None = None,
    source: str = "",
    now: dt.datetime | None = None,
    step_note: str = "",
) -> Complaint:
    """Check and store a new complaint with its first step, and audit it (without who sent it)."""
    content = _text(content)
    name = _line(complainant_name)
    contact = _line(complainant_contact)
    address = _line(complainant_address)
    _check_content(kind=kind, content=content, name=name, contact=contact, address=address)
    if len(name) > NAME_MAX or len(contact) > CONTACT_MAX or len(address) > ADDRESS_MAX:
        raise DomainError(_("The name, contact or address is too long."), field="complainant_name")
    complaint = Complaint.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:20]}",
        kind=kind,
        channel=channel,
        dossier=dossier,
        record=record,
        decision=decision,
        org=org,
        complainant_name=name,
        complainant_contact=contact,
        complainant_address=address,
        content=content,
        received_on=received_on,
        due_on=due_date(kind, received_on),
        comment=comment,
        source=source,
        created_by=user_or_none(actor),
        created_at=now or timezone.now(),
    )
    complaint.reference = rules.reference(kind, received_on.year, complaint.pk)
    complaint.save(update_fields=["reference"])
    _step(actor, complaint, StepKind.RECEIVED, step_note)
    _audit(
        actor,
        "complaints.complaint.received",
        complaint,
        reference=complaint.reference,
        kind=kind,
        channel=channel,
        dossier=dossier.pk if dossier else None,
        record=record.pk if record else None,
        decision=decision.pk if decision else None,
        comment=comment.pk if comment else None,
        due_on=complaint.due_on,
    )
    return complaint


@transaction.atomic
def complaint_receive(
    *,
    actor: Any,
    kind: str,
    content: str,
    complainant_name: str = "",
    complainant_contact: str = "",
    complainant_address: str = "",
    received_on: dt.date | None = None,
    dossier: Dossier | None = None,
    record: Record | None = None,
    decision: Decision | None = None,
    org: Org | None = None,
    today: dt.date | None = None,
) -> Complaint:
    """Tiếp nhận: an officer records a complaint received by letter, in person or by phone. The
    unit responsible defaults to the subject's (a dossier's receiving level, a decision's issuer);
    the officer may name another unit they handle complaints for."""
    today = today or timezone.localdate()
    received_on = received_on or today
    _check_subject(dossier, record, decision)
    if dossier is not None and not permissions.can_view_dossier(actor, dossier):
        raise permissions.PermissionDenied("dossier.view")
    if record is not None and not permissions.can(actor, "register.view", record):
        raise permissions.PermissionDenied("register.view")
    if decision is not None and not permissions.can(actor, "register.view", decision):
        raise permissions.PermissionDenied("register.view")
    org = org or _subject_org(dossier, record, decision)
    permissions.require(actor, "complaint.handle", org)
    if received_on > today:
        raise DomainError(_("The date received cannot be in the future."), field="received_on")
    if received_on.year < 1945:
        raise DomainError(_("The date is too early."), field="received_on")
    return _create(
        actor=actor,
        kind=kind,
        channel=Channel.OFFICER,
        content=content,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        complainant_address=complainant_address,
        received_on=received_on,
        org=org,
        dossier=dossier,
        record=record,
        decision=decision,
    )


@transaction.atomic
def complaint_receive_public(
    *,
    dossier: Dossier,
    kind: str,
    content: str,
    source: str,
    complainant_name: str = "",
    complainant_contact: str = "",
    complainant_address: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """A complaint sent from the public page of a dossier under public comment, while its window
    is open; at most rules.PUBLIC_PER_HOUR an hour from one connection (`source`, a keyed hash of
    the address: dossiers.services.source_key)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("receiver")
        .get(pk=dossier.pk)
    )
    if dossier.status != DossierStatus.PUBLIC_COMMENT or not dossier_rules.comment_window_open(
        today, dossier.comment_opens, dossier.comment_closes
    ):
        raise DomainError(_("This dossier is not open for public comment."))
    recent = Complaint.objects.filter(source=source)
    if recent.filter(created_at__gte=now - dt.timedelta(hours=1)).count() >= rules.PUBLIC_PER_HOUR:
        raise DomainError(_("Too many complaints from this connection; try again later."))
    if recent.filter(dossier=dossier, content=_text(content)).exists():
        raise DomainError(_("This complaint was already received."), field="content")
    return _create(
        actor=None,
        kind=kind,
        channel=Channel.PUBLIC,
        content=content,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        complainant_address=complainant_address,
        received_on=today,
        org=dossier.receiver,
        dossier=dossier,
        source=source,
        now=now,
    )


@transaction.atomic
def comment_to_complaint(*, actor: Any, comment: PublicComment, kind: str) -> Complaint:
    """Handle a public comment on a dossier as a complaint, denunciation or feedback: a complaint
    linked to the comment, received the day the comment was. The comment's own handling is
    recorded on the dossier's page (dossiers.services.comment_handle)."""
    comment = (
        PublicComment.objects.select_for_update(of=("self",))
        .select_related("dossier__receiver")
        .get(pk=comment.pk)
    )
    dossier = comment.dossier
    permissions.require(actor, "complaint.handle", dossier.receiver)
    existing = Complaint.objects.filter(comment=comment).values_list("reference", flat=True)
    if existing:
        raise DomainError(
            _("This comment is already recorded as %(r)s.") % {"r": existing[0]}, field="comment"
        )
    if rules.identity_required(kind) and not (comment.author_name and comment.contact):
        raise DomainError(
            _("The comment does not say who sent it and how to reach them: record it as feedback."),
            field="kind",
        )
    try:
        with transaction.atomic():
            return _create(
                actor=actor,
                kind=kind,
                channel=Channel.PUBLIC,
                content=comment.text,
                complainant_name=comment.author_name,
                complainant_contact=comment.contact,
                complainant_address="",
                received_on=timezone.localdate(comment.received_at),
                org=dossier.receiver,
                dossier=dossier,
                comment=comment,
                step_note=_("From a public comment on dossier %(r)s.") % {"r": dossier.reference},
            )
    except IntegrityError as exc:  # recorded meanwhile by another officer
        raise DomainError(_("This comment was recorded meanwhile."), field="comment") from exc


# --- handling ---------------------------------------------------------------------------------------


@transaction.atomic
def complaint_assign(
    *, actor: Any, complaint: Complaint, assignee: Any, note: str = ""
) -> Complaint:
    """Giao xử lý: give the complaint to a handler of its unit; the handling starts."""
    complaint = _lock(complaint)
    permissions.require(actor, "complaint.handle", complaint.org)
    _require_open(complaint)
    if (
        assignee is None
        or not assignee.is_active
        or not permissions.can(assignee, "complaint.handle", complaint.org)
    ):
        raise DomainError(
            _("%(u)s does not handle complaints for %(o)s.")
            % {"u": assignee or "—", "o": complaint.org.name},
            field="assignee",
        )
    if complaint.assignee_id == assignee.pk:
        raise DomainError(
            _("The complaint is already assigned to %(u)s.") % {"u": assignee}, field="assignee"
        )
    before = [complaint.assignee_id, complaint.status]
    complaint.assignee = assignee
    complaint.status = ComplaintStatus.HANDLING
    complaint.save(update_fields=["assignee", "status", "updated_at"])
    note = _text(note)
    _step(actor, complaint, StepKind.ASSIGNED, f"{assignee}" + (f": {note}" if note else ""))
    _audit(
        actor,
        "complaints.complaint.assigned",
        complaint,
        assignee=[before[0], assignee.pk],
        status=[before[1], complaint.status],
    )
    return complaint


@transaction.atomic
def complaint_step(*, actor: Any, complaint: Complaint, note: str) -> ComplaintStep:
    """Record a step of the handling (a meeting, a verification, a letter sent) on the timeline."""
    complaint = _lock(complaint)
    _require_handler(actor, complaint)
    _require_open(complaint)
    note = _text(note)
    if not note:
        raise DomainError(_("Write what was done."), field="note")
    if len(note) > rules.CONTENT_MAX:
        raise DomainError(
            _("Write at most %(n)s characters.") % {"n": rules.CONTENT_MAX}, field="note"
        )
    step = _step(actor, complaint, StepKind.NOTE, note)
    complaint.save(update_fields=["updated_at"])
    # The note itself stays on the timeline: it may name people, the audit trail does not.
    _audit(actor, "complaints.complaint.step", complaint, step=StepKind.NOTE)
    return step


@transaction.atomic
def complaint_extend(
    *, actor: Any, complaint: Complaint, reason: str, days: int | None = None
) -> Complaint:
    """Gia hạn: extend the time limit once, with a reason, by at most the law's extension."""
    complaint = _lock(complaint)
    _require_handler(actor, complaint)
    _require_open(complaint)
    if complaint.extended:
        raise DomainError(_("The time limit can be extended only once."))
    reason = _text(reason)
    if not reason:
        raise DomainError(_("Give the reason for the extension."), field="reason")
    limit = rules.TIME_LIMITS[complaint.kind]
    days = limit.extension_days if days is None else days
    if not 1 <= days <= limit.extension_days:
        raise DomainError(
            _("Extend by 1 to %(n)s working days (%(basis)s).")
            % {"n": limit.extension_days, "basis": limit.legal_basis},
            field="days",
        )
    before = complaint.due_on
    complaint.due_on = dossier_selectors.add_working_days(before, days)
    complaint.extension_days = days
    complaint.extension_reason = reason
    complaint.save(update_fields=["due_on", "extension_days", "extension_reason", "updated_at"])
    _step(
        actor,
        complaint,
        StepKind.EXTENDED,
        _("%(n)s working days, until %(d)s: %(r)s")
        % {"n": days, "d": complaint.due_on.strftime("%d/%m/%Y"), "r": reason},
    )
    _audit(
        actor,
        "complaints.complaint.step",
        complaint,
        step=StepKind.EXTENDED,
        due_on=[before, complaint.due_on],
        extension_days=[0, days],
    )
    return complaint


def _closing_date(complaint: Complaint, day: dt.date | None, today: dt.date) -> dt.date:
    day = day or today
    if day > today:
        raise DomainError(_("The date cannot be in the future."), field="resolved_on")
    if day < complaint.received_on:
        raise DomainError(
            _("The complaint cannot be closed before it was received."), field="resolved_on"
        )
    return day


@transaction.atomic
def complaint_resolve(
    *,
    actor: Any,
    complaint: Complaint,
    resolution: str,
    resolved_on: dt.date | None = None,
    revoke: Record | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Complaint:
    """Giải quyết: close the complaint with its resolution. When the resolution revokes a
    commendation (the complaint's own, or one of its dossier's or decision's), the revocation is
    recorded in the register (register.services.record_revoke) and linked here."""
    from register import services as register_services

    complaint = _lock(complaint)
    _require_handler(actor, complaint)
    if complaint.status == ComplaintStatus.RECEIVED:
        raise DomainError(_("Assign the complaint to a handler before resolving it."))
    if not rules.can_move(complaint.status, rules.RESOLVED):
        raise DomainError(
            _("This complaint is closed (%(s)s).") % {"s": complaint.get_status_display()}
        )
    resolution = _text(resolution)
    if not resolution:
        raise DomainError(_("Write the resolution."), field="resolution")
    resolved_on = _closing_date(complaint, resolved_on, today or timezone.localdate())
    revocation = None
    if revoke is not None:
        if not selectors.revocable_records(complaint).filter(pk=revoke.pk).exists():
            raise DomainError(
                _(
                    "The commendation revoked must be the complaint's subject or one of its "
                    "dossier's or decision's, still in force."
                ),
                field="record",
            )
        if not permissions.can(actor, "register.manage", revoke):
            raise DomainError(
                _("You may not revoke this commendation: ask an officer who keeps its register."),
                field="record",
            )
        if decision_date is None:
            raise DomainError(_("Give the date of the revoking decision."), field="decision_date")
        revocation = register_services.record_revoke(
            actor=actor,
            record=revoke,
            reason=resolution,
            decision_number=decision_number,
            decision_date=decision_date,
        )
    before = complaint.status
    complaint.status = ComplaintStatus.RESOLVED
    complaint.resolution = resolution
    complaint.resolved_on = resolved_on
    complaint.revocation = revocation
    complaint.save(
        update_fields=["status", "resolution", "resolved_on", "revocation", "updated_at"]
    )
    _step(actor, complaint, StepKind.RESOLVED, resolution)
    changes: dict[str, Any] = {"status": [before, complaint.status], "resolved_on": resolved_on}
    if revocation is not None:
        changes["revocation"] = revocation.pk
    _audit(actor, "complaints.complaint.resolved", complaint, **changes)
    return complaint


@transaction.atomic
def complaint_dismiss(
    *, actor: Any, complaint: Complaint, reason: str, today: dt.date | None = None
) -> Complaint:
    """Không thụ lý / đình chỉ: close the complaint without resolving it, with the reason."""
    complaint = _lock(complaint)
    _require_handler(actor, complaint)
    _require_open(complaint)
    reason = _text(reason)
    if not reason:
        raise DomainError(_("Give the reason for dismissing the complaint."), field="reason")
    before = complaint.status
    complaint.status = ComplaintStatus.DISMISSED
    complaint.resolution = reason
    complaint.resolved_on = today or timezone.localdate()
    complaint.save(update_fields=["status", "resolution", "resolved_on", "updated_at"])
    _step(actor, complaint, StepKind.DISMISSED, reason)
    _audit(
        actor,
        "complaints.complaint.resolved",
        complaint,
        status=[before, complaint.status],
        resolved_on=complaint.resolved_on,
    )
    return complaint
