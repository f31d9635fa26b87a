"""REST endpoints for emulation movements (same selectors and services as the pages)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import SEARCH_MAX, Pagination, errors
from core.errors import DomainError
from movements import selectors, services
from movements.models import Movement, MovementKind, MovementScope, ReviewKind
from orgs.models import Org

router = Router(tags=["movements"])


class MovementOut(Schema):
    id: int
    name: str
    kind: MovementKind
    scope: MovementScope
    launched_by_id: int
    launched_by_code: str = Field(alias="launched_by.code")
    theme: str
    start: dt.date
    end: dt.date | None
    decision_number: str
    decision_date: dt.date | None


class ClusterRefOut(Schema):
    id: int
    code: str
    name: str


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


class ReviewOut(Schema):
    id: int
    kind: ReviewKind
    date: dt.date
    title: str
    summary: str
    outcomes: str
    collectives_commended: int | None
    individuals_commended: int | None
    has_document: bool

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return bool(obj.document)


class MovementDetailOut(MovementOut):
    slogan: str
    target_groups: str
    note: str
    clusters: list[ClusterRefOut]
    participants: list[UnitRefOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_clusters(obj: Any) -> list[Any]:
        return list(obj.clusters.all())

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(obj.reviews.all())


def _longest(model: Any, field: str) -> int:
    """A text field's length in the database: PostgreSQL refuses longer text, SQLite keeps it."""
    return int(model._meta.get_field(field).max_length)


class MovementIn(Schema):
    launched_by_code: str = Field(max_length=_longest(Org, "code"))
    name: str = Field(max_length=_longest(Movement, "name"))
    kind: MovementKind
    scope: MovementScope
    start: dt.date
    end: dt.date | None = None
    decision_number: str = Field("", max_length=_longest(Movement, "decision_number"))
    decision_date: dt.date | None = None
    slogan: str = Field("", max_length=_longest(Movement, "slogan"))
    theme: str = Field("", max_length=_longest(Movement, "theme"))
    target_groups: str = ""
    note: str = ""


@router.get(
    "/movements",
    response={200: list[MovementOut], **errors(401, 403, 422)},
    summary="List emulation movements",
)
@paginate(Pagination)
def list_movements(
    request: HttpRequest,
    q: str = Query("", max_length=SEARCH_MAX),
    kind: MovementKind | None = None,
    year: int | None = Query(None, ge=1900, le=2100),
) -> Any:
    permissions.require(request.user, "movement.view")
    return selectors.movement_list(user=request.user, q=q, kind=kind or "", year=year)


def _detail(request: HttpRequest, movement_id: int) -> Movement:
    try:
        return selectors.movement_get(user=request.user, pk=movement_id)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc


@router.get(
    "/movements/{movement_id}",
    response={200: MovementDetailOut, **errors(401, 404, 422)},
    summary="One emulation movement, with its participants and reviews",
)
def get_movement(request: HttpRequest, movement_id: int) -> Any:
    return _detail(request, movement_id)


@router.post(
    "/movements",
    response={201: MovementDetailOut, **errors(400, 401, 403, 422)},
    summary="Record an emulation movement",
)
def create_movement(request: HttpRequest, payload: MovementIn) -> Any:
    permissions.require(request.user, "movement.manage")
    data = payload.dict()
    code = data.pop("launched_by_code").strip().upper()
    unit = Org.objects.filter(code=code).first()
    if unit is None:
        raise DomainError(_("No unit has the code %(p)s.") % {"p": code}, field="launched_by_code")
    permissions.require(request.user, "movement.manage", unit)
    data["kind"], data["scope"] = str(data["kind"]), str(data["scope"])
    movement = services.movement_create(actor=request.user, launched_by=unit, **data)
    return Status(201, _detail(request, movement.pk))
