"""REST endpoints for organisations and their lineage (same selectors and filters as the pages)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core import permissions
from core.api import SEARCH_MAX, Pagination, errors
from orgs import selectors
from orgs.models import Org, OrgArea, OrgKind

router = Router(tags=["orgs"])


class OrgOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: OrgKind
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class OrgDetailOut(OrgOut):
    aliases: str
    address: str
    area: OrgArea = Field(description="remote, border, island, or empty when not marked")
    parent_name: str | None = Field(None, alias="parent.name")


class OrgFilterIn(Schema):
    q: str | None = Field(
        None,
        max_length=SEARCH_MAX,
        description="Search by name or code; diacritics and case ignored",
    )
    kind: OrgKind | None = None
    active_on: dt.date | None = Field(None, description="Only units active on this date")
    parent: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Only direct sub-units of this unit"
    )
    sort: str | None = Field(None, description="name, code, kind, valid_to; prefix - to reverse")


class LineageLinkOut(Schema):
    id: int
    code: str
    name: str
    event: str = Field(description="merged_into, split_from, renamed or dissolved")
    effective_date: dt.date
    via_id: int = Field(description="The unit on the other side of the event")
    depth: int = Field(description="1 for a direct link, more through a chain")


class LineageOut(Schema):
    org: OrgOut
    predecessors: list[LineageLinkOut]
    successors: list[LineageLinkOut]
    successor_now: OrgOut | None = Field(description="Who carries the unit's identity today")
    dissolved_on: dt.date | None


def _get(request: HttpRequest, org_id: int) -> Org:
    try:
        return selectors.org_get(user=request.user, pk=org_id)
    except Org.DoesNotExist as exc:
        raise Http404 from exc


@router.get(
    "/orgs",
    response={200: list[OrgOut], **errors(401, 403, 422)},
    summary="Search and list organisations",
)
@paginate(Pagination)
def list_orgs(request: HttpRequest, filters: Query[OrgFilterIn]) -> Any:
    permissions.require(request.user, "org.view")
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    if "active_on" in params:
        params["active_on"] = params["active_on"].isoformat()
    return selectors.org_list(user=request.user, filters=params)


@router.get(
    "/orgs/{org_id}",
    response={200: OrgDetailOut, **errors(401, 404, 422)},
    summary="One organisation",
)
def get_org(request: HttpRequest, org_id: int) -> Any:
    return _get(request, org_id)


@router.get(
    "/orgs/{org_id}/lineage",
    response={200: LineageOut, **errors(401, 404, 422)},
    summary="Predecessors and successors",
)
def get_lineage(request: HttpRequest, org_id: int, at: dt.date | None = None) -> Any:
    org = _get(request, org_id)
    lineage = selectors.org_lineage(org, at)

    def links(entries: list[selectors.LineageEntry]) -> list[dict[str, Any]]:
        return [
            {
                "id": e.org.pk,
                "code": e.org.code,
                "name": e.org.name,
                "event": e.kind,
                "effective_date": e.date,
                "via_id": e.via.pk,
                "depth": e.depth,
            }
            for e in entries
        ]

    return {
        "org": org,
        "predecessors": links(lineage.predecessors),
        "successors": links(lineage.successors),
        "successor_now": lineage.successor_now,
        "dissolved_on": lineage.dissolved_on,
    }
