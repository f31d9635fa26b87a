"""REST endpoints for clusters and their years (same selectors as the pages)."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from clusters import selectors
from clusters.models import Cluster, ClusterKind, MeetingKind
from core import permissions

router = Router(tags=["clusters"])


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    kind: ClusterKind
    organiser_id: int
    uses_rotating_flag: bool


class MemberOut(Schema):
    org_id: int
    code: str = Field(alias="org.code")
    name: str = Field(alias="org.name")
    rotation_position: int


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    date: dt.date
    place: str
    host_id: int | None
    decisions: str
    has_minutes: bool

    @staticmethod
    def resolve_has_minutes(obj: Any) -> bool:
        return bool(obj.minutes)


class ClusterYearOut(Schema):
    year: int
    head_id: int | None
    deputy_id: int | None
    head_decision: str
    head_decision_date: dt.date | None
    flag_handover_date: dt.date | None
    members: list[MemberOut]
    meetings: list[MeetingOut]

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())

    @staticmethod
    def resolve_meetings(obj: Any) -> list[Any]:
        return list(obj.meetings.all())


class ClusterDetailOut(ClusterOut):
    description: str
    years: list[ClusterYearOut]

    @staticmethod
    def resolve_years(obj: Any) -> list[Any]:
        return list(selectors.cluster_years(cluster=obj))


@router.get("/clusters", response=list[ClusterOut], summary="List clusters and blocks")
@paginate(LimitOffsetPagination)
def list_clusters(request: HttpRequest, q: str = "", kind: ClusterKind | None = None) -> Any:
    permissions.require(request.user, "cluster.view")
    return selectors.cluster_list(user=request.user, q=q, kind=kind or "")


@router.get(
    "/clusters/{cluster_id}", response=ClusterDetailOut, summary="One cluster, with its years"
)
def get_cluster(request: HttpRequest, cluster_id: int) -> Any:
    try:
        return selectors.cluster_get(user=request.user, pk=cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
