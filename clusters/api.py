"""REST endpoints for clusters and their years (same selectors as the pages)."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from clusters import covenants, reports, rules, selectors
from clusters.models import (
    Cluster,
    ClusterKind,
    ClusterYear,
    Covenant,
    CovenantStatus,
    MeetingKind,
    PeriodKind,
    Registration,
    RegistrationStatus,
    ReportingPeriod,
)
from core import permissions
from core.api import BIGINT_MAX, SEARCH_MAX, Pagination, errors
from core.errors import DomainError

router = Router(tags=["clusters"])


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    kind: ClusterKind
    organiser_id: int
    uses_rotating_flag: bool


class ClusterMemberOut(Schema):
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
    members: list[ClusterMemberOut]
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


@router.get(
    "/clusters",
    response={200: list[ClusterOut], **errors(401, 403, 422)},
    summary="List clusters and blocks",
)
@paginate(Pagination)
def list_clusters(
    request: HttpRequest,
    q: str = Query("", max_length=SEARCH_MAX),
    kind: ClusterKind | None = None,
) -> Any:
    permissions.require(request.user, "cluster.view")
    return selectors.cluster_list(user=request.user, q=q, kind=kind or "")


@router.get(
    "/clusters/{cluster_id}",
    response={200: ClusterDetailOut, **errors(401, 404, 422)},
    summary="One cluster, with its years",
)
def get_cluster(request: HttpRequest, cluster_id: int) -> Any:
    try:
        return selectors.cluster_get(user=request.user, pk=cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc


# --- Cluster years, covenant, registrations, reports, indicators ------------------------------


def _year(request: HttpRequest, cluster_id: int, year: int) -> ClusterYear:
    try:
        cluster = selectors.cluster_get(user=request.user, pk=cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
    cluster_year = selectors.cluster_years(cluster=cluster).filter(year=year).first()
    if cluster_year is None:
        raise Http404
    return cluster_year


class TargetOut(Schema):
    id: int
    name: str
    measure: str
    value: Decimal
    deadline: dt.date | None


class RegistrationOut(Schema):
    id: int
    org_id: int
    org_code: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    status: RegistrationStatus
    titles: list[str]
    note: str
    return_reason: str
    registered_at: dt.datetime | None
    decided_at: dt.datetime | None
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return list(obj.targets.all())


class CovenantOut(Schema):
    id: int
    title: str
    text: str
    status: CovenantStatus
    registration_due: dt.date | None
    signing_meeting_id: int | None
    sent_at: dt.datetime | None
    signed_on: dt.date | None
    has_signed_scan: bool
    criteria: list[str]
    registrations: list[RegistrationOut]

    @staticmethod
    def resolve_has_signed_scan(obj: Any) -> bool:
        return bool(obj.signed_scan)

    @staticmethod
    def resolve_criteria(obj: Any) -> list[str]:
        return [c.text for c in obj.criteria.all()]

    @staticmethod
    def resolve_registrations(obj: Any) -> list[Any]:
        return list(obj.registrations.all())


class PeriodOut(Schema):
    id: int
    kind: PeriodKind
    name: str
    start: dt.date
    end: dt.date
    due: dt.date


class ClusterYearDetailOut(ClusterYearOut):
    cluster_id: int
    covenant_status: CovenantStatus | None
    periods: list[PeriodOut]

    @staticmethod
    def resolve_covenant_status(obj: Any) -> str | None:
        covenant = Covenant.objects.filter(cluster_year=obj).only("status").first()
        return covenant.status if covenant else None

    @staticmethod
    def resolve_periods(obj: Any) -> list[Any]:
        return list(obj.periods.all())


@router.get(
    "/clusters/{cluster_id}/years/{year}",
    response={200: ClusterYearDetailOut, **errors(401, 404, 422)},
    summary="One cluster year: members, head, meetings, covenant status, reporting periods",
)
def get_cluster_year(request: HttpRequest, cluster_id: int, year: int) -> Any:
    return _year(request, cluster_id, year)


@router.get(
    "/clusters/{cluster_id}/years/{year}/covenant",
    response={200: CovenantOut, **errors(401, 404, 422)},
    summary="The year's covenant with its criteria and the members' registrations",
)
def get_covenant(request: HttpRequest, cluster_id: int, year: int) -> Any:
    covenant = selectors.covenant_of(_year(request, cluster_id, year))
    if covenant is None:
        raise Http404
    return covenant


class TargetIn(Schema):
    name: str
    measure: str
    value: Decimal
    deadline: dt.date | None = None


class RegistrationIn(Schema):
    targets: list[TargetIn]
    titles: list[str] = []
    note: str = ""


class ReasonIn(Schema):
    reason: str


def _registration(request: HttpRequest, registration_id: int) -> Registration:
    registration = (
        Registration.objects.select_related("covenant__cluster_year__cluster", "org")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404
    try:
        selectors.cluster_get(user=request.user, pk=registration.covenant.cluster_year.cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
    return registration


def _fresh(registration: Registration) -> Registration:
    return (
        Registration.objects.select_related("org")
        .prefetch_related("targets")
        .get(pk=registration.pk)
    )


@router.put(
    "/registrations/{registration_id}",
    response={200: RegistrationOut, **errors(400, 401, 403, 404, 422)},
    summary="A member saves its targets and titles (while the covenant is open)",
)
def put_registration(request: HttpRequest, registration_id: int, body: RegistrationIn) -> Any:
    registration = _registration(request, registration_id)
    permissions.require(request.user, "cluster.act_for_member", registration.org)
    covenants.registration_save(
        actor=request.user,
        registration=registration,
        targets=[
            covenants.TargetInput(t.name, t.measure, t.value, t.deadline) for t in body.targets
        ],
        titles=body.titles,
        note=body.note,
    )
    return _fresh(registration)


@router.post(
    "/registrations/{registration_id}/register",
    response={200: RegistrationOut, **errors(400, 401, 403, 404, 422)},
    summary="A member sends its registration to the secretariat",
)
def register(request: HttpRequest, registration_id: int) -> Any:
    registration = _registration(request, registration_id)
    permissions.require(request.user, "cluster.act_for_member", registration.org)
    covenants.registration_register(actor=request.user, registration=registration)
    return _fresh(registration)


def _require_run(request: HttpRequest, cluster_year: ClusterYear) -> None:
    permissions.require_run_cluster_year(request.user, cluster_year)


@router.post(
    "/registrations/{registration_id}/accept",
    response={200: RegistrationOut, **errors(400, 401, 403, 404, 422)},
    summary="The secretariat accepts a registration",
)
def accept(request: HttpRequest, registration_id: int) -> Any:
    registration = _registration(request, registration_id)
    _require_run(request, registration.covenant.cluster_year)
    covenants.registration_accept(actor=request.user, registration=registration)
    return _fresh(registration)


@router.post(
    "/registrations/{registration_id}/return",
    response={200: RegistrationOut, **errors(400, 401, 403, 404, 422)},
    summary="The secretariat returns a registration with a reason",
)
def return_registration(request: HttpRequest, registration_id: int, body: ReasonIn) -> Any:
    registration = _registration(request, registration_id)
    _require_run(request, registration.covenant.cluster_year)
    covenants.registration_return(actor=request.user, registration=registration, reason=body.reason)
    return _fresh(registration)


class CellOut(Schema):
    period_id: int
    due: dt.date
    status: str = Field(description="on_time, late, missing or pending")
    submitted_at: dt.datetime | None
    submission_id: int | None


class ReportRowOut(Schema):
    org_id: int
    org_code: str
    org_name: str
    late: int
    missing: int
    cells: list[CellOut]


@router.get(
    "/clusters/{cluster_id}/years/{year}/reports",
    response={200: list[ReportRowOut], **errors(401, 403, 404, 422)},
    summary="Who has submitted what: every member (secretariat) or the user's own units",
)
def get_reports(request: HttpRequest, cluster_id: int, year: int) -> Any:
    cluster_year = _year(request, cluster_id, year)
    oversee = permissions.can_run_cluster_year(request.user, cluster_year)
    rows = [
        row
        for row in reports.report_matrix(cluster_year)
        if oversee or permissions.can_act_for_member(request.user, row.org)
    ]
    if not rows and not oversee:
        permissions.require_run_cluster_year(request.user, cluster_year)
    return [
        {
            "org_id": row.org.pk,
            "org_code": row.org.code,
            "org_name": row.org.name,
            "late": row.late,
            "missing": row.missing,
            "cells": [
                {
                    "period_id": c.period.pk,
                    "due": c.due,
                    "status": c.status,
                    "submitted_at": c.submission.submitted_at if c.submission else None,
                    "submission_id": c.submission.pk if c.submission else None,
                }
                for c in row.cells
            ],
        }
        for row in rows
    ]


class SubmissionOut(Schema):
    id: int
    period_id: int
    org_id: int
    file_name: str
    summary: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    status: str


@router.post(
    "/periods/{period_id}/submissions",
    response={201: SubmissionOut, **errors(400, 401, 403, 404, 422)},
    summary="A member submits its report (multipart: file, org_id, summary, actuals as JSON)",
)
def post_submission(
    request: HttpRequest,
    period_id: int,
    file: UploadedFile = File(...),  # noqa: B008
    org_id: int = Form(..., ge=1, le=BIGINT_MAX),
    summary: str = Form(""),
    actuals: str = Form(
        "{}", description='JSON object {"target id": actual value}, e.g. {"12": "4006"}'
    ),
) -> Any:
    period = (
        ReportingPeriod.objects.select_related("cluster_year__cluster").filter(pk=period_id).first()
    )
    if period is None:
        raise Http404
    _year(request, period.cluster_year.cluster_id, period.cluster_year.year)
    member = period.cluster_year.members.select_related("org").filter(org_id=org_id).first()
    if member is None:
        raise Http404
    permissions.require(request.user, "cluster.act_for_member", member.org)
    try:
        raw = json.loads(actuals or "{}")
        figures = {int(k): (None if v is None else str(v)) for k, v in raw.items()}
    except (ValueError, AttributeError, TypeError):
        raise DomainError(
            _("The figures must be a JSON object of target id → value."), field="actuals"
        ) from None
    submission = reports.submission_submit(
        actor=request.user,
        period=period,
        org=member.org,
        upload=file,
        summary=summary,
        actuals=figures,
    )
    due = reports.effective_due(period, member.org.pk)
    status = rules.report_status(
        due, timezone.localtime(submission.submitted_at).date(), timezone.localdate()
    )
    return Status(
        201,
        {
            "id": submission.pk,
            "period_id": period.pk,
            "org_id": member.org.pk,
            "file_name": submission.file_name,
            "summary": submission.summary,
            "submitted_at": submission.submitted_at,
            "updated_at": submission.updated_at,
            "status": status,
        },
    )


class IndicatorLineOut(Schema):
    org_id: int
    org_name: str
    target_id: int
    target_value: Decimal
    actual: Decimal | None
    percent_of_plan: Decimal | None
    period_id: int | None


class IndicatorGroupOut(Schema):
    name: str
    measure: str
    lines: list[IndicatorLineOut]


@router.get(
    "/clusters/{cluster_id}/years/{year}/indicators",
    response={200: list[IndicatorGroupOut], **errors(401, 404, 422)},
    summary="Members' actual values against their targets, with % of plan",
)
def get_indicators(request: HttpRequest, cluster_id: int, year: int) -> Any:
    groups = selectors.indicator_table(_year(request, cluster_id, year))
    return [
        {
            "name": g.name,
            "measure": g.measure,
            "lines": [
                {
                    "org_id": line.org.pk,
                    "org_name": line.org.name,
                    "target_id": line.target.pk,
                    "target_value": line.target.value,
                    "actual": line.actual,
                    "percent_of_plan": line.percent,
                    "period_id": line.period.pk if line.period else None,
                }
                for line in g.lines
            ],
        }
        for g in groups
    ]
