"""Dossier endpoints: the dossiers a user sees (list, one dossier with its recipients, documents and
steps, its checks before sending), a step along the path, and the public list of candidates posted
for comment (no sign-in, no personal data)."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core import permissions
from core.api import SEARCH_MAX, Pagination, errors
from dossiers import rules, selectors, services
from dossiers.models import (
    DocumentKind,
    Dossier,
    DossierRecipient,
    DossierStatus,
    Outcome,
)
from register.models import Level
from register.selectors import catalogue_name

router = Router(tags=["dossiers"])

# Targets with a service of their own (the decision, forwarding): not moved by POST /transitions.
OWN_STEPS = frozenset({rules.DECIDED, rules.FORWARDED})


class DossierFilters(Schema):
    status: DossierStatus | None = None
    code: str | None = Field(None, description="The title or form proposed, e.g. CSTD_CS")
    year: int | None = Field(None, description="The year of achievement")
    q: str | None = Field(
        None, max_length=SEARCH_MAX, description="Part of the reference or the title"
    )


class DossierOut(Schema):
    id: int
    reference: str
    title: str
    status: DossierStatus
    code: str
    award_name: str
    year: int
    level: Level
    proposer_id: int
    proposer_name: str = Field(alias="proposer.name")
    receiver_id: int
    receiver_name: str = Field(alias="receiver.name")
    submitted_on: dt.date | None
    appraisal_due: dt.date | None
    comment_opens: dt.date | None
    comment_closes: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_award_name(obj: Dossier) -> str:
        return catalogue_name(obj.code)


class RecipientOut(Schema):
    id: int
    rank: int
    subject: str = Field(description="individual or collective")
    person_id: int | None
    org_id: int | None
    name: str
    unit_name: str = Field(description="The person's unit, or the collective itself")
    duties: str
    achievements: str
    public_summary: str
    initiatives: list[str] = Field(description="Codes of the initiatives relied on")
    outcome: Outcome
    eligibility: dict[str, Any] | None = Field(
        description="The eligibility engine's verdict stored when the dossier was sent"
    )
    override_reason: str
    record_id: int | None = Field(description="The register's record once awarded")

    @staticmethod
    def resolve_subject(obj: DossierRecipient) -> str:
        return "individual" if obj.person_id else "collective"

    @staticmethod
    def resolve_unit_name(obj: DossierRecipient) -> str:
        unit = obj.unit
        return unit.name if unit is not None else ""  # type: ignore[attr-defined]

    @staticmethod
    def resolve_initiatives(obj: DossierRecipient) -> list[str]:
        return [i.code for i in obj.initiatives.all()]


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    name: str
    size: int
    recipient_id: int | None
    generated: bool
    uploaded_at: dt.datetime


class StepOut(Schema):
    from_status: str = Field(description="Empty for the dossier's creation")
    to_status: DossierStatus
    actor_name: str
    at: dt.datetime
    note: str


class DossierDetailOut(DossierOut):
    summary: str
    vote_note: str
    cluster_year_id: int | None
    poll_id: int | None
    council_poll_id: int | None
    decision_id: int | None
    forwarded_from_id: int | None
    recipients: list[RecipientOut]
    documents: list[DocumentOut] = Field(description="The current document of each kind")
    steps: list[StepOut]
    next_states: list[DossierStatus] = Field(
        description="The targets the caller may move the dossier to with POST …/transitions"
    )

    @staticmethod
    def resolve_recipients(obj: Dossier) -> list[DossierRecipient]:
        return list(selectors.active_recipients(obj))

    @staticmethod
    def resolve_documents(obj: Dossier) -> list[Any]:
        return selectors.current_documents(obj)

    @staticmethod
    def resolve_steps(obj: Dossier) -> list[Any]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_next_states(obj: Dossier, context: Any) -> list[str]:
        user = context["request"].user
        out = []
        for target in rules.next_states(obj.status):
            move = rules.transition(obj.status, target)
            if target in OWN_STEPS or move is None:
                continue
            if permissions.can_on_dossier(user, move.action, obj, move.side):
                out.append(target)
        return out


class CheckOut(Schema):
    code: str = Field(description="recipients, documents, eligibility, quota or initiative")
    ok: bool
    text: str
    recipient_id: int | None
    subject: str
    details: list[str]
    overridable: bool
    overridden: bool
    override_reason: str
    blocking: bool = Field(description="Failed and not overridden: the dossier cannot be sent")


class TransitionIn(Schema):
    target: DossierStatus
    note: str = Field("", max_length=2000, description="Required to return or reject")


class PublicCandidateOut(Schema):
    name: str
    unit_name: str = Field(description="The person's unit, or the collective's superior")
    public_summary: str

    @staticmethod
    def resolve_unit_name(obj: DossierRecipient) -> str:
        if obj.person is not None:
            return obj.person.unit.name
        parent = obj.org.parent if obj.org is not None else None
        return parent.name if parent is not None else ""


class PublicDossierOut(Schema):
    reference: str
    title: str
    receiver_name: str = Field(alias="receiver.name")
    award_name: str
    comment_closes: dt.date
    candidates: list[PublicCandidateOut]

    @staticmethod
    def resolve_award_name(obj: Dossier) -> str:
        return catalogue_name(obj.code)

    @staticmethod
    def resolve_candidates(obj: Dossier) -> list[DossierRecipient]:
        return list(getattr(obj, "candidates", []))


def _get(request: HttpRequest, dossier_id: int) -> Dossier:
    dossier = selectors.visible_dossiers(request.user).filter(pk=dossier_id).first()
    if dossier is None:
        raise Http404
    return dossier


@router.get(
    "/dossiers",
    response={200: list[DossierOut], **errors(401, 403, 422)},
    summary="Search the dossiers the user sees",
)
@paginate(Pagination)
def dossier_list(request: HttpRequest, filters: Query[DossierFilters]) -> Any:
    """Dossiers proposed by or sent to the units the user's roles reach, newest first."""
    permissions.require(request.user, "dossier.view")
    return selectors.dossier_list(user=request.user, filters=filters.model_dump(exclude_none=True))


@router.get(
    "/dossiers/{dossier_id}",
    response={200: DossierDetailOut, **errors(401, 404, 422)},
    summary="One dossier: its recipients, current documents and steps",
)
def dossier_detail(request: HttpRequest, dossier_id: int) -> Any:
    return _get(request, dossier_id)


@router.get(
    "/dossiers/{dossier_id}/checks",
    response={200: list[CheckOut], **errors(401, 404, 422)},
    summary="The checks before sending: documents, eligibility, quotas, initiatives",
)
def dossier_checks(request: HttpRequest, dossier_id: int) -> Any:
    """Each check passes or not and says why; a failed eligibility check may be overridden by an
    officer with a written reason. The dossier is sent only when none blocks."""
    checks, _results = selectors.dossier_checks(_get(request, dossier_id))
    return [c.as_dict() for c in checks]


@router.post(
    "/dossiers/{dossier_id}/transitions",
    response={200: DossierDetailOut, **errors(400, 401, 403, 404, 422)},
    summary="Move a dossier one step along its path",
)
def dossier_transition(request: HttpRequest, dossier_id: int, body: TransitionIn) -> Any:
    """Send, appraise, post for public comment, put to the council, approve, return (with a
    reason) or reject (with a reason), by the side whose step it is. A step the path or its guards
    refuse answers 400 with the reason in Vietnamese; the decision and forwarding have their own
    steps."""
    dossier = services.dossier_transition(
        actor=request.user,
        dossier=_get(request, dossier_id),
        target=body.target.value,
        note=body.note,
    )
    return _get(request, dossier.pk)


@router.get(
    "/public/dossiers",
    response={200: list[PublicDossierOut], **errors(422)},
    auth=None,
    summary="Candidates posted for public comment (no sign-in)",
)
@paginate(Pagination)
def public_dossiers(request: HttpRequest) -> Any:
    """The dossiers whose public comment window is open today, with each candidate's name, unit
    and published summary of achievements: nothing else about the people."""
    candidates = (
        DossierRecipient.objects.filter(removed_at__isnull=True)
        .select_related("person__unit", "org__parent")
        .order_by("rank", "pk")
    )
    return selectors.public_dossiers(timezone.localdate()).prefetch_related(
        Prefetch("recipients", queryset=candidates, to_attr="candidates")
    )
