"""REST endpoints for people (same selectors and filters as the pages)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core import permissions
from core.api import SEARCH_MAX, Pagination, errors
from people import selectors
from people.models import Category, Gender, Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    full_name: str
    gender: Gender
    birth_year: int | None
    ethnicity: str
    position: str
    category: Category
    unit_id: int
    unit_name: str = Field(alias="unit.name")


class PostingOut(Schema):
    org_id: int
    org_name: str = Field(alias="org.name")
    position: str
    start_date: dt.date
    end_date: dt.date | None
    decision: str


class PersonDetailOut(PersonOut):
    note: str
    id_number: str | None = Field(None, description="Only for the officers of the person's unit")
    postings: list[PostingOut]

    @staticmethod
    def resolve_id_number(obj: Person, context: dict[str, Any]) -> str | None:
        user = context["request"].user
        return obj.id_number if permissions.can(user, "person.view_personal", obj) else None

    @staticmethod
    def resolve_postings(obj: Person) -> list[Any]:
        return list(selectors.person_postings(person=obj))


class PersonFilterIn(Schema):
    q: str | None = Field(
        None, max_length=SEARCH_MAX, description="Search by name; diacritics and case ignored"
    )
    unit: int | None = Field(None, ge=1, le=2**63 - 1, description="A unit and its sub-units")
    category: Category | None = None
    gender: Gender | None = None
    sort: str | None = Field(None, description="name, birth_year, unit; prefix - to reverse")


@router.get(
    "/people",
    response={200: list[PersonOut], **errors(401, 403, 422)},
    summary="Search and list people",
)
@paginate(Pagination)
def list_people(request: HttpRequest, filters: Query[PersonFilterIn]) -> Any:
    permissions.require(request.user, "person.view")
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return selectors.person_list(user=request.user, filters=params)


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, **errors(401, 404, 422)},
    summary="One person, with postings",
)
def get_person(request: HttpRequest, person_id: int) -> Any:
    try:
        person = selectors.person_get(user=request.user, pk=person_id)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    return person
