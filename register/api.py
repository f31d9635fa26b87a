"""Register endpoints: the stateless eligibility check, a person's eligibility, records, catalogue."""

import json
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictInt, ValidationError

from core import permissions
from core.api import (
    SEARCH_MAX,
    BoundedPagination,
    ErrorOut,
    InvalidOut,
    errors,
    nul_at,
    nul_message,
)
from people.models import Person
from register import catalogue, rules, selectors
from register.models import Award, Record

router = Router(tags=["register"])

EXAMPLE = {
    "target": "CSTD_BO",
    "year": 2025,
    "subject": "individual",
    "history": [
        {"year": 2023, "code": "CSTD_CS"},
        {"year": 2023, "code": "HTXSNV"},
        {"year": 2024, "code": "CSTD_CS"},
        {"year": 2024, "code": "HTXSNV"},
        {"year": 2025, "code": "CSTD_CS"},
        {"year": 2025, "code": "HTTNV"},
    ],
    "initiatives": [{"id": "SK-1", "year": 2025, "scope": "BO_TINH", "used_for": None}],
}


class HistoryIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: StrictInt
    code: str = Field(description="a rating (HTXSNV, HTTNV, HTNV, KHTNV), title or form code")


class InitiativeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: str
    year: StrictInt
    scope: str = Field(description="CO_SO, BO_TINH or TOAN_QUOC")
    used_for: str | None = Field(None, description="the code it already served as a criterion for")


class MembersIn(Schema):
    model_config = ConfigDict(extra="forbid")
    total: StrictInt
    completed: StrictInt
    ldtt: StrictInt
    cstd_cs: StrictInt
    disciplined: StrictInt = Field(0, description="members disciplined at warning or above")


class EvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(
        description="LDTT, CSTD_CS, CSTD_BO, CSTD_TQ, BK_BO, BK_TTG, HCLD3, TTLDTT, TTLDXS"
    )
    year: StrictInt
    subject: str = Field(description="individual or collective")
    history: list[HistoryIn] = Field(default_factory=list)
    initiatives: list[InitiativeIn] = Field(default_factory=list)
    members: MembersIn | None = Field(None, description="collectives only")


class CriterionOut(Schema):
    code: str
    ok: bool
    text: str
    evidence: list[dict[str, Any]]
    missing: list[str]
    group: str | None = Field(None, description="criteria of one group are alternatives")


class EvaluateOut(Schema):
    target: str
    target_name: str
    year: int
    subject: str
    eligible: bool
    rule_set: str
    legal_basis: str
    criteria: list[CriterionOut]
    missing: list[str]


def _case(body: EvaluateIn) -> rules.Case:
    members = body.members
    return rules.Case(
        subject=body.subject,
        target=body.target,
        year=body.year,
        history=tuple(rules.Entry(h.year, h.code) for h in body.history),
        initiatives=tuple(
            rules.Initiative(i.id, i.year, i.scope, i.used_for) for i in body.initiatives
        ),
        members=(
            rules.Members(
                members.total, members.completed, members.ldtt, members.cstd_cs, members.disciplined
            )
            if members is not None
            else None
        ),
    )


MESSAGES = {
    "missing": gettext_lazy("The field %(f)s is missing."),
    "extra_forbidden": gettext_lazy("The field %(f)s is not part of a case."),
    "int_type": gettext_lazy("%(f)s must be a whole number."),
    "int_parsing": gettext_lazy("%(f)s must be a whole number."),
    "int_from_float": gettext_lazy("%(f)s must be a whole number."),
    "string_type": gettext_lazy("%(f)s must be text."),
    "list_type": gettext_lazy("%(f)s must be a list."),
    "model_type": gettext_lazy("%(f)s must be a JSON object."),
    "model_attributes_type": gettext_lazy("%(f)s must be a JSON object."),
    "dict_type": gettext_lazy("%(f)s must be a JSON object."),
}


def _field_name(loc: Sequence[str | int]) -> str:
    """history[0].code, as a client writes it; "body" for the whole body."""
    return (
        "".join(
            f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
            for i, part in enumerate(loc)
        )
        or "body"
    )


def _invalid(exc: ValidationError) -> dict[str, Any]:
    error = exc.errors()[0]
    field = _field_name(error.get("loc", ()))
    message = MESSAGES.get(error.get("type", ""), gettext_lazy("The value of %(f)s is not valid."))
    return {"detail": str(message) % {"f": field}, "field": field}


@router.post(
    "/eligibility/evaluate",
    response={200: EvaluateOut, 422: ErrorOut | InvalidOut, **errors(401, 403)},
    summary="Check a case against the eligibility rules (stateless)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": EvaluateIn.model_json_schema(ref_template="#/$defs/{model}"),
                    "example": EXAMPLE,
                }
            },
        }
    },
)
def evaluate(request: HttpRequest) -> Any:
    """Applies the rule set in force at the end of `year` to the history sent, and says why: each
    criterion with pass or fail, the records that satisfy it and what is missing. Nothing is stored.
    Unknown codes, impossible years and malformed input answer 422 with a message naming the field.
    """
    permissions.require(request.user, "register.view")
    try:
        data = json.loads(request.body or b"")
    except ValueError:
        return Status(422, {"detail": _("The request body is not valid JSON."), "field": "body"})
    if not isinstance(data, dict):
        return Status(
            422, {"detail": _("The request body must be a JSON object."), "field": "body"}
        )
    nul = nul_at(data, [])
    if nul is not None:
        # Refused like every text the API reads, though nothing here is stored.
        return Status(422, {"detail": nul_message(), "field": _field_name(nul)})
    try:
        body = EvaluateIn.model_validate(data)
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    case = _case(body)
    try:
        rules.check_case(case, catalogue.known_codes())
        rule_set = rules.rule_set_for(catalogue.rule_sets(), rules.default_day(case.year))
    except rules.CaseError as exc:
        return Status(422, {"detail": exc.message, "field": exc.field})
    return rules.evaluate(case, rule_set).as_dict()


class PersonEligibilityQuery(Schema):
    target: str
    year: int


@router.get(
    "/people/{person_id}/eligibility",
    response={200: EvaluateOut, 422: ErrorOut | InvalidOut, **errors(401, 403, 404)},
    summary="A person's eligibility for a title or form in a year, from the register",
)
def person_eligibility(
    request: HttpRequest, person_id: int, query: Query[PersonEligibilityQuery]
) -> Any:
    permissions.require(request.user, "register.view")
    person = (
        selectors.visible_people(request.user).select_related("unit").filter(pk=person_id).first()
    )
    if person is None:
        raise Http404
    case = selectors.person_case(person, query.target, query.year)
    try:
        rules.check_case(case, catalogue.known_codes())
        result = selectors.evaluate_person(person, query.target, query.year, case=case)
    except rules.CaseError as exc:
        return Status(422, {"detail": exc.message, "field": exc.field})
    return result.as_dict()


class RecordOut(Schema):
    id: int
    code: str
    year: int
    amount: int
    revoked: bool
    person_id: int | None
    org_id: int | None
    decision_id: int
    decision_number: str = Field(alias="decision.number")
    decision_date: Any = Field(alias="decision.date")


class RecordFilters(Schema):
    q: str | None = Field(None, max_length=SEARCH_MAX)
    unit: int | None = None
    code: str | None = None
    year: int | None = None
    level: str | None = None
    category: str | None = None
    gender: str | None = None
    person_category: str | None = None
    ethnicity: str | None = None
    subject: str | None = None
    revoked: str | None = None


@router.get(
    "/register/records",
    response={200: list[RecordOut], **errors(401, 403, 422)},
    summary="Search the register",
)
@paginate(BoundedPagination)
def record_list(request: HttpRequest, filters: Query[RecordFilters]) -> Any:
    permissions.require(request.user, "register.view")
    return selectors.record_search(user=request.user, filters=filters.model_dump(exclude_none=True))


@router.get(
    "/people/{person_id}/records",
    response={200: list[RecordOut], **errors(401, 403, 404, 422)},
    summary="A person's records",
)
def person_records(request: HttpRequest, person_id: int) -> Any:
    permissions.require(request.user, "register.view")
    person: Person | None = selectors.visible_people(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return Record.objects.filter(person=person).select_related("decision").order_by("year", "pk")


class AwardOut(Schema):
    code: str
    name: str
    kind: str
    subject: str
    level: str
    decided_by: str
    reward_multiple: float | None
    documents: list[str]
    legal_basis: str


@router.get(
    "/register/catalogue",
    response={200: list[AwardOut], **errors(401, 403)},
    summary="Titles and forms",
)
def award_list(request: HttpRequest) -> Any:
    permissions.require(request.user, "register.view")
    return Award.objects.all()
