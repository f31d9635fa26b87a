"""Writes to dossiers: drafting, recipients and documents, the checks and their override, every
transition of the path, public comments and their handling, and the decision that lands in the
register. Each write is checked (a DomainError with a Vietnamese message changes nothing) and
audited in its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import as_pairs, audit_log, user_or_none
from core.errors import DomainError
from core.uploads import check_document
from dossiers import rules, selectors
from dossiers.models import (
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierRecipient,
    DossierStatus,
    DossierStep,
    Handling,
    Holiday,
    LevelRule,
    Outcome,
    PublicComment,
)
from orgs.models import Org
from people.models import Person

DOSSIER_FILES = (".pdf", ".docx", ".odt", ".jpg", ".jpeg", ".png")
COMMENT_MIN, COMMENT_MAX = 10, 3000
# Comments from one sender (keyed hash of the address): per dossier per hour, and per day overall.
COMMENTS_PER_HOUR = 3
COMMENTS_PER_DAY = 10


def _audit(actor: Any, action: str, dossier: Dossier, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=dossier,
        org_id=dossier.proposer_id,
        changes=as_pairs(changes),
    )


def _lock(dossier: Dossier) -> Dossier:
    return (
        # The dossier's own row only, not its units' (other dossiers of theirs go on meanwhile).
        Dossier.objects.select_for_update(of=("self",))
        .select_related("proposer", "receiver")
        .get(pk=dossier.pk)
    )


def _require_side(actor: Any, action: str, dossier: Dossier, side: str) -> None:
    if not permissions.can_on_dossier(actor, action, dossier, side):
        raise permissions.PermissionDenied(action)


def _require_editable(dossier: Dossier) -> None:
    if dossier.status not in rules.EDITABLE:
        raise DomainError(
            _("The dossier can only be changed while it is a draft or has been returned.")
        )


def _award(code: str) -> Any:
    from register.models import Award

    award = Award.objects.filter(code=code).first()
    if award is None:
        raise DomainError(_("Unknown title or form code: %(c)s.") % {"c": code}, field="code")
    return award


# --- drafting --------------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(
    *,
    actor: Any,
    proposer: Org,
    receiver: Org,
    level: str,
    code: str,
    year: int,
    title: str = "",
    summary: str = "",
    cluster_year: Any = None,
    poll: Any = None,
    vote_note: str = "",
    today: dt.date | None = None,
) -> Dossier:
    """Draft a dossier of the proposing unit for one title or form, sent to a level."""
    permissions.require(actor, "dossier.prepare", proposer)
    today = today or timezone.localdate()
    award = _award(code)
    if level not in rules.LEVELS:
        raise DomainError(_("Unknown level."), field="level")
    if rules.level_index(level) > rules.level_index(award.level):
        raise DomainError(
            _("%(a)s is decided at a lower level than the one chosen.") % {"a": award.name},
            field="level",
        )
    if not 1945 <= year <= today.year:
        raise DomainError(
            _("The year must be between %(a)s and %(b)s.") % {"a": 1945, "b": today.year},
            field="year",
        )
    if proposer.valid_to is not None and proposer.valid_to < today:
        raise DomainError(
            _("%(u)s no longer exists; its successor proposes instead.") % {"u": proposer.name},
            field="proposer",
        )
    if receiver.valid_to is not None and receiver.valid_to < today:
        raise DomainError(_("%(u)s no longer exists.") % {"u": receiver.name}, field="receiver")
    _check_vote(cluster_year, poll)
    title = " ".join((title or "").split()) or f"Đề nghị {award.name} năm {year}"
    dossier = Dossier.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:24]}",  # within max_length 30
        title=title[:300],
        proposer=proposer,
        receiver=receiver,
        level=level,
        code=code,
        year=year,
        summary=summary.strip(),
        cluster_year=cluster_year,
        poll=poll,
        vote_note=vote_note.strip()[:300],
        created_by=user_or_none(actor),
    )
    dossier.reference = f"HS-{today.year}-{dossier.pk:06d}"
    dossier.save(update_fields=["reference"])
    DossierStep.objects.create(
        dossier=dossier, from_status="", to_status=DossierStatus.DRAFT, **_step_actor(actor)
    )
    _audit(
        actor,
        "dossiers.dossier.created",
        dossier,
        reference=dossier.reference,
        code=code,
        year=year,
        receiver=receiver.pk,
    )
    return dossier


def _check_vote(cluster_year: Any, poll: Any) -> None:
    if poll is None:
        return
    from votes.models import PollStatus

    if poll.status != PollStatus.PUBLISHED:
        raise DomainError(_("Only a published vote can support a dossier."), field="poll")
    if cluster_year is not None and poll.cluster_year_id not in (None, cluster_year.pk):
        raise DomainError(_("The vote belongs to another cluster year."), field="poll")


def _step_actor(actor: Any) -> dict[str, Any]:
    user = user_or_none(actor)
    return {"actor": user, "actor_name": (str(user) if user else "system")}


@transaction.atomic
def dossier_update(*, actor: Any, dossier: Dossier, version: int, **fields: Any) -> Dossier:
    """Change a draft's title, summary, supporting vote or paper vote (optimistic version)."""
    dossier = _lock(dossier)
    _require_side(actor, "dossier.prepare", dossier, rules.PROPOSER)
    _require_editable(dossier)
    if version != dossier.version:
        raise DomainError(_("Someone changed this dossier meanwhile; reload the page."))
    allowed = {"title", "summary", "vote_note", "poll", "cluster_year"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Unknown field: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    _check_vote(fields.get("cluster_year", dossier.cluster_year), fields.get("poll", dossier.poll))
    before = {k: getattr(dossier, k) for k in fields}
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(dossier, key, value)
    if not dossier.title:
        raise DomainError(_("The title is required."), field="title")
    dossier.version += 1
    dossier.save()
    _audit(
        actor,
        "dossiers.dossier.updated",
        dossier,
        **{k: [before[k], getattr(dossier, k)] for k in fields if before[k] != getattr(dossier, k)},
    )
    return dossier


@transaction.atomic
def recipient_add(
    *,
    actor: Any,
    dossier: Dossier,
    person: Person | None = None,
    org: Org | None = None,
    duties: str = "",
    achievements: str = "",
    public_summary: str = "",
    initiatives: Iterable[Any] = (),
) -> DossierRecipient:
    """Propose one person or unit of the register in the dossier."""
    from register import rules as engine

    dossier = _lock(dossier)
    _require_side(actor, "dossier.prepare", dossier, rules.PROPOSER)
    _require_editable(dossier)
    if (person is None) == (org is None):
        raise DomainError(_("A recipient is either an individual or a collective."))
    award = _award(dossier.code)
    # As in the register: an individual title goes to people only; a form (Bằng khen, Huân
    # chương) of the individual kind may also go to a collective; a collective's award never to a
    # person.
    if award.subject == "individual" and award.kind == "title" and person is None:
        raise DomainError(_("%(a)s is for individuals.") % {"a": award.name}, field="recipient")
    if award.subject != "individual" and person is not None:
        raise DomainError(_("%(a)s is for collectives.") % {"a": award.name}, field="recipient")
    if person is not None:
        permissions.require(actor, "person.view", person)
    if org is not None:
        permissions.require(actor, "org.view", org)
    initiatives = list(initiatives)
    _check_initiatives(person, org, initiatives)
    rank = dossier.recipients.filter(removed_at__isnull=True).count() + 1
    try:
        with transaction.atomic():
            recipient = DossierRecipient.objects.create(
                dossier=dossier,
                person=person,
                org=org,
                rank=rank,
                duties=duties.strip(),
                achievements=achievements.strip(),
                public_summary=" ".join(public_summary.split())[:600],
            )
    except IntegrityError as exc:
        raise DomainError(_("This recipient is already proposed in the dossier.")) from exc
    recipient.initiatives.set(initiatives)
    _audit(
        actor,
        "dossiers.recipient.added",
        dossier,
        recipient=recipient.name,
        initiatives=[None, [i.code for i in initiatives]],
        target=engine.NAMES.get(dossier.code, dossier.code),
    )
    return recipient


def _check_initiatives(person: Person | None, org: Org | None, initiatives: list[Any]) -> None:
    for i in initiatives:
        if person is not None and not i.authors.filter(pk=person.pk).exists():
            raise DomainError(
                _("%(p)s is not an author of initiative %(i)s.")
                % {"p": person.full_name, "i": i.code},
                field="initiatives",
            )


@transaction.atomic
def recipient_update(
    *,
    actor: Any,
    recipient: DossierRecipient,
    duties: str,
    achievements: str,
    public_summary: str,
    initiatives: Iterable[Any] | None = None,
) -> DossierRecipient:
    """Change a recipient's achievement report fields and the initiatives relied on."""
    dossier = _lock(recipient.dossier)
    _require_side(actor, "dossier.prepare", dossier, rules.PROPOSER)
    _require_editable(dossier)
    recipient = DossierRecipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.removed_at is not None:
        raise DomainError(_("This recipient was removed from the dossier."))
    before = [recipient.duties, recipient.achievements, recipient.public_summary]
    recipient.duties = duties.strip()
    recipient.achievements = achievements.strip()
    recipient.public_summary = " ".join(public_summary.split())[:600]
    recipient.save(update_fields=["duties", "achievements", "public_summary"])
    changes: dict[str, Any] = {}
    if before != [recipient.duties, recipient.achievements, recipient.public_summary]:
        changes["report"] = [
            before,
            [recipient.duties, recipient.achievements, recipient.public_summary],
        ]
    if initiatives is not None:
        initiatives = list(initiatives)
        _check_initiatives(recipient.person, recipient.org, initiatives)
        old = sorted(i.code for i in recipient.initiatives.all())
        recipient.initiatives.set(initiatives)
        new = sorted(i.code for i in initiatives)
        if old != new:
            changes["initiatives"] = [old, new]
    _audit(actor, "dossiers.recipient.updated", dossier, recipient=recipient.name, **changes)
    return recipient


@transaction.atomic
def recipient_remove(*, actor: Any, recipient: DossierRecipient, reason: str) -> DossierRecipient:
    """Take a recipient out of the dossier (e.g. after a failed check): kept in its history."""
    dossier = _lock(recipient.dossier)
    _require_side(actor, "dossier.prepare", dossier, rules.PROPOSER)
    _require_editable(dossier)
    recipient = DossierRecipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.removed_at is not None:
        raise DomainError(_("This recipient was removed from the dossier."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Give the reason for removing the recipient."), field="reason")
    recipient.removed_at = timezone.now()
    recipient.removed_reason = reason[:300]
    recipient.save(update_fields=["removed_at", "removed_reason"])
    _audit(actor, "dossiers.recipient.removed", dossier, recipient=recipient.name, reason=reason)
    return recipient


@transaction.atomic
def document_add(
    *,
    actor: Any,
    dossier: Dossier,
    kind: str,
    upload: Any,
    recipient: DossierRecipient | None = None,
    generated: bool = False,
) -> DossierDocument:
    """Attach a document (PDF, DOCX, ODT or a scan) to the dossier or to one recipient; a newer
    one of the same kind takes its place in the checks, the older one stays in the history."""
    dossier = _lock(dossier)
    proposer_side = permissions.can_on_dossier(actor, "dossier.prepare", dossier, rules.PROPOSER)
    receiver_side = permissions.can_on_dossier(actor, "dossier.appraise", dossier, rules.RECEIVER)
    # The proposing unit while it can still change the dossier; the receiving level while the
    # dossier is in its hands (appraisal notes, the council's minutes).
    receiving = (
        DossierStatus.SUBMITTED,
        DossierStatus.APPRAISAL,
        DossierStatus.PUBLIC_COMMENT,
        DossierStatus.COUNCIL,
        DossierStatus.APPROVED,
    )
    if not (proposer_side and dossier.status in rules.EDITABLE) and not (
        receiver_side and dossier.status in receiving
    ):
        if not (proposer_side or receiver_side):
            raise permissions.PermissionDenied("dossier.prepare")
        raise DomainError(
            _("Documents are added by the proposing unit while the dossier is a draft or returned.")
        )
    if kind not in DocumentKind.values:
        raise DomainError(_("Unknown kind of document."), field="kind")
    if recipient is not None and (
        recipient.dossier_id != dossier.pk or recipient.removed_at is not None
    ):
        raise DomainError(_("The recipient is not in this dossier."), field="recipient")
    if kind in rules.RECIPIENT_DOCUMENTS | rules.INITIATIVE_DOCUMENTS and recipient is None:
        raise DomainError(_("Say which recipient this document is for."), field="recipient")
    name = check_document(upload, allowed=DOSSIER_FILES, field="file")
    doc = DossierDocument(
        dossier=dossier,
        recipient=recipient,
        kind=kind,
        name=name,
        size=upload.size or 0,
        generated=generated,
        uploaded_by=user_or_none(actor),
    )
    doc.file.save(name, upload, save=False)
    doc.save()
    _audit(
        actor,
        "dossiers.document.added",
        dossier,
        kind=kind,
        name=name,
        recipient=recipient.name if recipient else None,
    )
    return doc


def document_add_bytes(
    *, actor: Any, dossier: Dossier, kind: str, name: str, content: bytes, **kw: Any
) -> DossierDocument:
    """Attach generated content (a DOCX made from the dossier's data)."""
    upload = ContentFile(content, name=name)
    return document_add(actor=actor, dossier=dossier, kind=kind, upload=upload, **kw)


@transaction.atomic
def recipient_override(*, actor: Any, recipient: DossierRecipient, reason: str) -> DossierRecipient:
    """An authorised officer lets a recipient who fails the eligibility check go on, with a written
    reason (audited, shown with the check)."""
    dossier = _lock(recipient.dossier)
    permissions.require(actor, "dossier.override", dossier.proposer)
    if dossier.status not in rules.EDITABLE:
        raise DomainError(_("The check can only be overridden before the dossier is sent."))
    recipient = DossierRecipient.objects.select_for_update().get(pk=recipient.pk)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(
            _("Write the reason for overriding the check (at least 10 characters)."),
            field="reason",
        )
    check, _result = selectors.eligibility_check(dossier, recipient)
    if check.ok:
        raise DomainError(_("This recipient passes the check; there is nothing to override."))
    recipient.override_reason = reason
    recipient.override_by = user_or_none(actor)
    recipient.override_at = timezone.now()
    recipient.save(update_fields=["override_reason", "override_by", "override_at"])
    _audit(
        actor,
        "dossiers.recipient.overridden",
        dossier,
        recipient=recipient.name,
        check=check.text,
        reason=reason,
    )
    return recipient


# --- the path ---------------------------------------------------------------------------------------


def _transition(
    actor: Any, dossier: Dossier, target: str, note: str, **extra: Any
) -> rules.Transition:
    move = rules.transition(dossier.status, target)
    if move is None:
        raise DomainError(
            _("A dossier that is %(s)s cannot become %(t)s.")
            % {
                "s": DossierStatus(dossier.status).label,
                "t": dict(DossierStatus.choices).get(target, target),
            },
            field="target",
        )
    _require_side(actor, move.action, dossier, move.side)
    if move.reason_required and not note:
        raise DomainError(_("Give the reason."), field="note")
    return move


def _record_step(actor: Any, dossier: Dossier, source: str, note: str, **changes: Any) -> None:
    DossierStep.objects.create(
        dossier=dossier,
        from_status=source,
        to_status=dossier.status,
        note=note,
        **_step_actor(actor),
    )
    _audit(
        actor,
        f"dossiers.dossier.{dossier.status}",
        dossier,
        status=[source, dossier.status],
        note=note or None,
        **changes,
    )


@transaction.atomic
def dossier_transition(
    *,
    actor: Any,
    dossier: Dossier,
    target: str,
    note: str = "",
    today: dt.date | None = None,
) -> Dossier:
    """Move a dossier one step along its path (the declared table in dossiers.rules), with the
    guards of each step; the decision and forwarding have their own services."""
    today = today or timezone.localdate()
    dossier = _lock(dossier)
    note = (note or "").strip()
    _transition(actor, dossier, target, note)
    if target == DossierStatus.DECIDED:
        raise DomainError(_("Record the decision to decide the dossier."), field="target")
    if target == DossierStatus.FORWARDED:
        raise DomainError(_("Choose where to forward the dossier."), field="target")
    source = dossier.status
    changes: dict[str, Any] = {}
    rule = selectors.level_rule(dossier.level)
    if target == DossierStatus.SUBMITTED:
        _guard_submit(dossier)
        dossier.submitted_on = today
        dossier.appraisal_due = selectors.add_working_days(today, rule.appraisal_days)
        changes["appraisal_due"] = dossier.appraisal_due
    elif target == DossierStatus.PUBLIC_COMMENT:
        missing = [
            r.name for r in selectors.active_recipients(dossier) if not r.public_summary.strip()
        ]
        if missing:
            raise DomainError(
                _("Write the summary of achievements to publish for: %(n)s.")
                % {"n": ", ".join(missing)}
            )
        dossier.comment_opens = today
        dossier.comment_closes = selectors.add_working_days(today, max(rule.comment_days, 1))
        changes["comment"] = [None, [dossier.comment_opens, dossier.comment_closes]]
    elif target == DossierStatus.COUNCIL and source == DossierStatus.APPRAISAL:
        if rule.public_comment:
            raise DomainError(
                _("At this level the candidates must be posted for public comment first.")
            )
    elif target == DossierStatus.COUNCIL and source == DossierStatus.PUBLIC_COMMENT:
        if dossier.comment_closes is not None and today <= dossier.comment_closes:
            raise DomainError(
                _("Public comment is open until %(d)s.")
                % {"d": f"{dossier.comment_closes:%d/%m/%Y}"}
            )
        left = selectors.unhandled_comments(dossier).count()
        if left:
            raise DomainError(
                _("Record how each public comment was handled first (%(n)s left).") % {"n": left}
            )
    elif target == DossierStatus.APPROVED and not note and not _council_poll_passed(dossier):
        raise DomainError(
            _("Record the council's vote: link the published council vote or write its result."),
            field="note",
        )
    dossier.status = target
    dossier.version += 1
    dossier.save()
    _record_step(actor, dossier, source, note, **changes)
    return dossier


def _council_poll_passed(dossier: Dossier) -> bool:
    from votes.models import PollStatus

    poll = dossier.council_poll
    return bool(poll and poll.status == PollStatus.PUBLISHED and (poll.result or {}).get("winners"))


def _guard_submit(dossier: Dossier) -> None:
    checks, results = selectors.dossier_checks(dossier)
    failed = rules.blocking(checks)
    if failed:
        raise DomainError(
            _("The dossier cannot be sent yet: %(p)s") % {"p": " · ".join(c.text for c in failed)}
        )
    recipients = list(selectors.active_recipients(dossier))
    for r in recipients:
        result = results.get(r.pk)
        r.eligibility = result.as_dict() if result is not None else None
    DossierRecipient.objects.bulk_update(recipients, ["eligibility"], batch_size=500)


@transaction.atomic
def council_poll_link(*, actor: Any, dossier: Dossier, poll: Any) -> Dossier:
    """Link the council's vote on the dossier (a poll of the voting module)."""
    dossier = _lock(dossier)
    _require_side(actor, "dossier.council", dossier, rules.RECEIVER)
    if dossier.status != DossierStatus.COUNCIL:
        raise DomainError(_("The council's vote is linked while the council reviews the dossier."))
    if poll.council_id is None:
        raise DomainError(_("Choose a vote of a council."), field="poll")
    dossier.council_poll = poll
    dossier.save(update_fields=["council_poll", "updated_at"])
    _audit(actor, "dossiers.dossier.council_poll", dossier, poll=poll.pk)
    return dossier


@transaction.atomic
def dossier_forward(
    *,
    actor: Any,
    dossier: Dossier,
    receiver: Org,
    level: str,
    note: str = "",
) -> Dossier:
    """Send an approved dossier on to the level that decides the award: a new dossier there,
    proposed by this level, linked to this one, with the same recipients and documents."""
    dossier = _lock(dossier)
    _transition(actor, dossier, DossierStatus.FORWARDED, note)
    award = _award(dossier.code)
    if rules.decides_here(dossier.level, award.level):
        raise DomainError(_("This level decides %(a)s itself.") % {"a": award.name})
    if level not in rules.LEVELS or rules.level_index(level) <= rules.level_index(dossier.level):
        raise DomainError(_("Forward to a higher level."), field="level")
    if rules.level_index(level) > rules.level_index(award.level):
        raise DomainError(
            _("%(a)s is decided at a lower level.") % {"a": award.name}, field="level"
        )
    child = Dossier.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:24]}",  # within max_length 30
        title=dossier.title,
        proposer=dossier.receiver,
        receiver=receiver,
        level=level,
        code=dossier.code,
        year=dossier.year,
        summary=dossier.summary,
        cluster_year=dossier.cluster_year,
        poll=dossier.poll,
        vote_note=dossier.vote_note,
        forwarded_from=dossier,
        created_by=user_or_none(actor),
    )
    child.reference = f"HS-{timezone.localdate().year}-{child.pk:06d}"
    child.save(update_fields=["reference"])
    mapping: dict[int, DossierRecipient] = {}
    for r in selectors.active_recipients(dossier):
        copy = DossierRecipient.objects.create(
            dossier=child,
            person=r.person,
            org=r.org,
            rank=r.rank,
            duties=r.duties,
            achievements=r.achievements,
            public_summary=r.public_summary,
        )
        copy.initiatives.set(r.initiatives.all())
        mapping[r.pk] = copy
    for doc in selectors.current_documents(dossier):
        if doc.recipient_id is not None and doc.recipient_id not in mapping:
            continue
        DossierDocument.objects.create(
            dossier=child,
            recipient=mapping.get(doc.recipient_id) if doc.recipient_id else None,
            kind=doc.kind,
            file=doc.file.name,
            name=doc.name,
            size=doc.size,
            generated=doc.generated,
            uploaded_by=doc.uploaded_by,
        )
    DossierStep.objects.create(
        dossier=child,
        from_status="",
        to_status=DossierStatus.DRAFT,
        note=_("Forwarded from %(r)s") % {"r": dossier.reference},
        **_step_actor(actor),
    )
    source = dossier.status
    dossier.status = DossierStatus.FORWARDED
    dossier.version += 1
    dossier.save()
    _record_step(actor, dossier, source, note, forwarded_to=child.reference)
    return child


@transaction.atomic
def dossier_decide(
    *,
    actor: Any,
    dossier: Dossier,
    number: str,
    date: dt.date,
    approved: Iterable[int],
    signer: str = "",
    signer_title: str = "",
    file: Any = None,
    note: str = "",
) -> Any:
    """Record the decision of the deciding level: it lands in the register by itself, each approved
    recipient a commendation with its reward (multiple × base salary on the decision's date); the
    others are marked not awarded (a partial decision)."""
    from register import services as register_services
    from register.models import Category

    dossier = _lock(dossier)
    _transition(actor, dossier, DossierStatus.DECIDED, note)
    award = _award(dossier.code)
    if not rules.decides_here(dossier.level, award.level):
        raise DomainError(
            _("%(a)s is decided at a higher level: forward the dossier.") % {"a": award.name}
        )
    recipients = list(selectors.active_recipients(dossier))
    ids = {int(i) for i in approved}
    unknown = ids - {r.pk for r in recipients}
    if unknown:
        raise DomainError(_("A recipient chosen is not in this dossier."), field="approved")
    if not ids:
        raise DomainError(
            _("Choose at least one recipient awarded (or return or reject the dossier)."),
            field="approved",
        )
    decision = register_services.decision_create(
        actor=actor,
        number=number,
        date=date,
        issuer=dossier.receiver,
        signer=signer,
        signer_title=signer_title,
        category=Category.MOVEMENT if dossier.cluster_year_id else Category.MERIT,
        summary=f"{dossier.title} (hồ sơ {dossier.reference})"[:500],
        file=file,
    )
    awarded = 0
    for r in recipients:
        if r.pk not in ids:
            r.outcome = Outcome.NOT_APPROVED
            r.save(update_fields=["outcome"])
            continue
        record = register_services.record_add(
            actor=actor,
            decision=decision,
            code=dossier.code,
            year=dossier.year,
            person=r.person,
            org=r.org,
            note=f"Hồ sơ {dossier.reference}",
        )
        for initiative in r.initiatives.all():
            register_services.initiative_use(
                actor=actor,
                initiative=initiative,
                code=dossier.code,
                year=dossier.year,
                record=record,
                note=f"Hồ sơ {dossier.reference}",
            )
        r.outcome = Outcome.APPROVED
        r.record = record
        r.save(update_fields=["outcome", "record"])
        awarded += 1
    _mark_origin(dossier, ids)
    source = dossier.status
    dossier.status = DossierStatus.DECIDED
    dossier.decision = decision
    dossier.version += 1
    dossier.save()
    _record_step(
        actor,
        dossier,
        source,
        note or f"Quyết định {decision.number}: {awarded}/{len(recipients)} được khen thưởng",
        decision=decision.number,
        awarded=awarded,
        not_awarded=len(recipients) - awarded,
    )
    return decision


def _mark_origin(dossier: Dossier, ids: set[int]) -> None:
    """The dossiers this one was forwarded from learn each recipient's outcome too."""
    approved = DossierRecipient.objects.filter(pk__in=ids)
    people = set(approved.exclude(person=None).values_list("person_id", flat=True))
    orgs = set(approved.exclude(org=None).values_list("org_id", flat=True))
    origin = dossier.forwarded_from
    while origin is not None:
        for r in origin.recipients.filter(removed_at__isnull=True):
            won = (r.person_id in people) if r.person_id else (r.org_id in orgs)
            r.outcome = Outcome.APPROVED if won else Outcome.NOT_APPROVED
            r.save(update_fields=["outcome"])
        origin = origin.forwarded_from


# --- public comment ---------------------------------------------------------------------------------


def source_key(address: str) -> str:
    """A keyed hash of the sender's address (the address itself is never stored)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), (address or "").encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def comment_receive(
    *,
    dossier: Dossier,
    text: str,
    source: str,
    author_name: str = "",
    contact: str = "",
    recipient_id: int | None = None,
    now: dt.datetime | None = None,
) -> PublicComment:
    """A comment from the public page: only while the window is open, within the rate limits."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    dossier = _lock(dossier)
    if dossier.status != DossierStatus.PUBLIC_COMMENT or not rules.comment_window_open(
        today, dossier.comment_opens, dossier.comment_closes
    ):
        raise DomainError(_("This dossier is not open for public comment."))
    text = (text or "").strip()
    if not COMMENT_MIN <= len(text) <= COMMENT_MAX:
        raise DomainError(
            _("Write a comment of %(a)s to %(b)s characters.")
            % {"a": COMMENT_MIN, "b": COMMENT_MAX},
            field="text",
        )
    recipient = None
    if recipient_id:
        recipient = dossier.recipients.filter(pk=recipient_id, removed_at__isnull=True).first()
        if recipient is None:
            raise DomainError(_("Choose a candidate of this dossier."), field="recipient")
    recent = PublicComment.objects.filter(source=source)
    if (
        recent.filter(dossier=dossier, received_at__gte=now - dt.timedelta(hours=1)).count()
        >= (COMMENTS_PER_HOUR)
        or recent.filter(received_at__gte=now - dt.timedelta(days=1)).count() >= COMMENTS_PER_DAY
    ):
        raise DomainError(_("Too many comments from this connection; try again later."))
    if recent.filter(dossier=dossier, text=text).exists():
        raise DomainError(_("This comment was already received."), field="text")
    comment = PublicComment.objects.create(
        dossier=dossier,
        recipient=recipient,
        author_name=" ".join(author_name.split())[:150],
        contact=contact.strip()[:150],
        text=text,
        source=source,
    )
    comment.received_at = now  # the moment the rate limits count from (auto_now_add is the clock's)
    comment.save(update_fields=["received_at"])
    # The audit trail notes that a comment arrived, not who sent it.
    _audit(None, "dossiers.comment.received", dossier, comment=comment.pk)
    return comment


@transaction.atomic
def comment_handle(
    *, actor: Any, comment: PublicComment, handling: str, note: str
) -> PublicComment:
    """Record how an officer of the receiving level handled a public comment."""
    comment = (
        PublicComment.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .get(pk=comment.pk)
    )
    dossier = comment.dossier
    _require_side(actor, "dossier.appraise", dossier, rules.RECEIVER)
    if dossier.status not in (DossierStatus.PUBLIC_COMMENT, DossierStatus.COUNCIL):
        raise DomainError(
            _("Comments are handled while the dossier is in public comment or review.")
        )
    if handling not in Handling.values:
        raise DomainError(_("Choose how the comment was handled."), field="handling")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write how the comment was handled."), field="note")
    before = [comment.handling, comment.handling_note]
    comment.handling = handling
    comment.handling_note = note
    comment.handled_by = user_or_none(actor)
    comment.handled_at = timezone.now()
    comment.save(update_fields=["handling", "handling_note", "handled_by", "handled_at"])
    _audit(
        actor,
        "dossiers.comment.handled",
        dossier,
        comment=comment.pk,
        handling=[before, [handling, note]],
    )
    return comment


# --- calendar ---------------------------------------------------------------------------------------


@transaction.atomic
def holiday_save(
    *, actor: Any, day: dt.date, name: str, working: bool = False, note: str = ""
) -> Holiday:
    """Add or change a day of the calendar (a holiday, or a weekend day worked)."""
    permissions.require(actor, "dossier.calendar")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Name the day."), field="name")
    if working and day.weekday() < 5:
        raise DomainError(
            _("Only a Saturday or Sunday can be marked as a working day."), field="working"
        )
    existing = Holiday.objects.select_for_update().filter(day=day).first()
    before = [existing.name, existing.working] if existing else None
    holiday, _created = Holiday.objects.update_or_create(
        day=day, defaults={"name": name, "working": working, "note": note.strip()[:255]}
    )
    audit_log(
        actor=actor,
        action="dossiers.holiday.saved",
        obj=holiday,
        changes={"day": [before, [name, working]]},
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor: Any, holiday: Holiday) -> None:
    """Remove a day from the calendar (the audit trail keeps what it was)."""
    permissions.require(actor, "dossier.calendar")
    audit_log(
        actor=actor,
        action="dossiers.holiday.deleted",
        obj=holiday,
        changes={"day": [[holiday.day, holiday.name, holiday.working], None]},
    )
    holiday.delete()


@transaction.atomic
def level_rule_save(
    *,
    actor: Any,
    level: str,
    appraisal_days: int,
    public_comment: bool,
    comment_days: int,
    legal_basis: str = "",
) -> LevelRule:
    """Set a level's time limits in working days."""
    permissions.require(actor, "dossier.calendar")
    if level not in rules.LEVELS:
        raise DomainError(_("Unknown level."), field="level")
    if not 1 <= appraisal_days <= 365:
        raise DomainError(_("Give between 1 and 365 working days."), field="appraisal_days")
    if not 1 <= comment_days <= 90:
        raise DomainError(_("Give between 1 and 90 working days."), field="comment_days")
    rule = LevelRule.objects.select_for_update().filter(level=level).first()
    before = (
        [rule.appraisal_days, rule.public_comment, rule.comment_days] if rule is not None else None
    )
    rule, _created = LevelRule.objects.update_or_create(
        level=level,
        defaults={
            "appraisal_days": appraisal_days,
            "public_comment": public_comment,
            "comment_days": comment_days,
            "legal_basis": legal_basis.strip()[:255],
        },
    )
    audit_log(
        actor=actor,
        action="dossiers.level_rule.saved",
        obj=rule,
        changes={"limits": [before, [appraisal_days, public_comment, comment_days]]},
    )
    return rule


def load_calendar(apps: Any = None, *, data: Mapping[str, Any] | None = None) -> None:
    """Load the shipped holidays and level time limits (a migration; keeps officers' changes)."""
    data = data or selectors.shipped_calendar()
    holiday_model = apps.get_model("dossiers", "Holiday") if apps else Holiday
    level_model = apps.get_model("dossiers", "LevelRule") if apps else LevelRule
    for row in data["holidays"]:
        holiday_model.objects.get_or_create(
            day=dt.date.fromisoformat(row["day"]),
            defaults={
                "name": row["name"],
                "working": row.get("working", False),
                "note": row.get("note", ""),
            },
        )
    for row in data["levels"]:
        level_model.objects.get_or_create(level=row["level"], defaults=row)
