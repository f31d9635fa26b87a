"""`POST /api/v1/scoring/preview`: the scoring engine on a table and entries sent as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from clusters.models import Cluster
from clusters.selectors import cluster_get
from core import permissions
from core.api import InvalidOut, errors
from scoring import assessment, engine
from scoring.models import Sheet
from scoring.sheet_views import _may_see

router = Router(tags=["scoring"])

KIND_HELP = (
    "group, pass_fail, per_occurrence, quantitative, relative_best, bonus or penalty "
    "(an unknown kind is reported with the criterion's code, like every other problem)"
)


class CriterionIn(Schema):
    code: str = Field(description="Stable code, 1–20 letters, digits, dots, dashes, underscores")
    text: str = Field(description="The criterion as users read it (Vietnamese)")
    kind: str = Field(description=KIND_HELP)
    max_points: Decimal = Field(description="Maximum points (for a penalty: the most deducted)")
    children: list[CriterionIn] = Field(default_factory=list, description="A group's criteria")
    points_each: Decimal | None = Field(
        None, description="per_occurrence, bonus, penalty: points for each occurrence"
    )
    target: Decimal | None = Field(
        None, description="quantitative: the target, unless each member's entry gives its own"
    )
    bonus_max: Decimal = Field(
        Decimal(0), description="quantitative: extra points for exceeding the target, at most"
    )
    formula: str = Field(
        "",
        description="quantitative (actual, target, ratio, max_points) or relative_best (actual, "
        "best, max_points): + - * / and min, max, abs, round",
    )
    lower_is_better: bool = Field(False, description="relative_best: the lowest actual is best")
    allowance: Decimal = Field(
        Decimal(0),
        description="group: declared difference between its criteria's sum and its maximum",
    )
    guidance: str = ""
    evidence: str = Field("", description="The evidence this criterion requires")


CriterionIn.model_rebuild()


class TableIn(Schema):
    scale: Decimal = Field(description="100 or 1000")
    aggregation: Literal["mean", "median", "trimmed_mean"] = "mean"
    tie_breaks: list[str] = Field(
        default_factory=list, description='In order, e.g. ["group:A", "bonus", "vote"]'
    )
    criteria: list[CriterionIn]


class PreviewIn(Schema):
    table: TableIn
    entries: dict[str, dict[str, Any]] = Field(
        description="Member → criterion code → a number (actual, count, 1/0 for pass/fail), "
        '{"value": …, "target": …} for a quantitative criterion with its own target, or a list of '
        "such values from several reviewers"
    )


EXAMPLE = {
    "table": {
        "scale": 100,
        "aggregation": "mean",
        "tie_breaks": ["group:A", "bonus", "vote"],
        "criteria": [
            {
                "code": "A",
                "text": "Thực hiện nhiệm vụ kinh tế - xã hội",
                "kind": "group",
                "max_points": 60,
                "children": [
                    {
                        "code": "A1",
                        "text": "Thu ngân sách nhà nước so với kế hoạch",
                        "kind": "quantitative",
                        "max_points": 30,
                        "bonus_max": 5,
                    },
                    {
                        "code": "A2",
                        "text": "Tốc độ tăng trưởng GRDP so với tỉnh cao nhất Cụm",
                        "kind": "relative_best",
                        "max_points": 30,
                    },
                ],
            },
            {
                "code": "B",
                "text": "Gửi báo cáo đúng hạn",
                "kind": "pass_fail",
                "max_points": 20,
            },
            {
                "code": "C",
                "text": "Mô hình, điển hình tiên tiến được nhân rộng",
                "kind": "per_occurrence",
                "max_points": 20,
                "points_each": 5,
            },
            {
                "code": "T",
                "text": "Được tặng Cờ thi đua năm trước",
                "kind": "bonus",
                "max_points": 15,
                "points_each": 10,
            },
            {
                "code": "P",
                "text": "Báo cáo gửi chậm",
                "kind": "penalty",
                "max_points": 10,
                "points_each": 2,
            },
        ],
    },
    "entries": {
        "Sơn La": {
            "A1": {"value": 4006, "target": 3889},
            "A2": 7.1,
            "B": 1,
            "C": 3,
            "T": 0,
            "P": 1,
        },
        "Cao Bằng": {
            "A1": {"value": 1386, "target": 969},
            "A2": 8.0,
            "B": 1,
            "C": 2,
            "T": 1,
            "P": 0,
        },
    },
}


class MemberOut(Schema):
    member: str
    rank: int
    total: Decimal
    in_scale: Decimal = Field(description="Points of the criteria within the scale")
    bonus: Decimal
    penalty: Decimal = Field(description="Points deducted")
    gap_to_leader: Decimal
    tie_note: str
    points: dict[str, Decimal | None] = Field(
        description="Criterion code → points (null: missing or pending)"
    )
    missing: list[str] = Field(description="Criteria without an entry")
    pending: list[str] = Field(description="Relative-to-best criteria waiting for all actuals")


class PreviewOut(Schema):
    scale: Decimal
    members: list[MemberOut]


class ProblemOut(Schema):
    criterion: str = Field(description="The criterion's code; empty for the table as a whole")
    member: str = ""
    message: str


class PreviewErrorOut(Schema):
    detail: str
    errors: list[ProblemOut]


def _plain(table: TableIn) -> dict[str, Any]:
    return table.model_dump(mode="python")


@router.post(
    "/scoring/preview",
    response={200: PreviewOut, 422: PreviewErrorOut | InvalidOut, **errors(401, 403)},
    summary="Compute a scoring table's points, totals and ranking for trial entries",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": EXAMPLE}}}},
)
def preview(request: HttpRequest, body: PreviewIn) -> Any:
    """The same calculation as the secretariat's preview: each criterion's points per member, the
    totals, and the ranking with its tie-breaks. Invalid tables or entries answer 422 with one
    message per problem, naming the criterion."""
    permissions.require(request.user, "cluster.view")
    try:
        table = engine.build(_plain(body.table))
    except engine.TableError as exc:
        return Status(
            422,
            {
                "detail": _("The scoring table is not valid."),
                "errors": [{"criterion": p.code, "message": p.message} for p in exc.problems],
            },
        )
    leaves = {c.code: c for c in table.leaves()}
    entries: dict[str, dict[str, Any]] = {}
    problems: list[dict[str, str]] = []
    for member, by_code in body.entries.items():
        entries[member] = {}
        for code, raw in by_code.items():
            criterion = leaves.get(code)
            if criterion is None:
                problems.append(
                    {
                        "criterion": code,
                        "member": member,
                        "message": _("No such criterion to score in the table."),
                    }
                )
                continue
            values = raw if isinstance(raw, list) else [raw]
            try:
                read = [engine.read_entry(criterion, value) for value in values]
            except ValueError as exc:
                problems.append({"criterion": code, "member": member, "message": str(exc)})
                continue
            entries[member][code] = read if isinstance(raw, list) else read[0]
    if problems:
        return Status(422, {"detail": _("Some entries are not valid."), "errors": problems})
    try:
        results = engine.compute(table, entries)
    except engine.ComputeError as exc:
        return Status(
            422,
            {
                "detail": _("Some entries are not valid."),
                "errors": [
                    {"criterion": exc.code, "member": str(exc.member or ""), "message": exc.message}
                ],
            },
        )
    ranked = engine.rank(table, results)
    return {
        "scale": table.scale,
        "members": [
            {
                "member": row.result.member,
                "rank": row.rank,
                "total": engine.cents(row.result.total),
                "in_scale": engine.cents(row.result.in_scale),
                "bonus": engine.cents(row.result.bonus),
                "penalty": engine.cents(row.result.penalty),
                "gap_to_leader": row.gap,
                "tie_note": row.note,
                "points": {code: row.result.rounded(code) for code in row.result.points},
                "missing": row.result.missing,
                "pending": row.result.pending,
            }
            for row in ranked
        ],
    }


# --- sheets ---------------------------------------------------------------------------------------


class MarkOut(Schema):
    code: str
    stage: str
    reviewer_id: int | None
    value: Decimal | None
    target: Decimal | None
    note: str
    author: str | None
    created_at: Any

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return str(obj.author) if obj.author_id else None


class SheetOut(Schema):
    id: int
    table_id: int
    org_id: int
    status: str
    version: int = Field(
        description="Send it back with a save: a save from an older version is refused (409)"
    )
    submitted_at: Any
    disputed: list[str]
    marks: list[MarkOut] = Field(
        description="Every value ever entered, oldest first; the latest of a stage counts"
    )


class SaveIn(Schema):
    code: str
    value: str | None = Field(None, description="A number (actual, count, 1/0 for pass or fail)")
    target: str | None = None
    note: str = ""
    version: int


class StaleOut(Schema):
    detail: str
    version: int
    current: MarkOut | None


def _sheet_of(request: HttpRequest, sheet_id: int) -> Any:

    sheet = (
        Sheet.objects.select_related("table__cluster_year__cluster", "org")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise Http404
    try:
        cluster_get(user=request.user, pk=sheet.table.cluster_year.cluster_id)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
    if not _may_see(request, sheet.table, sheet.org):
        raise Http404
    return sheet


def _sheet_out(sheet: Any) -> dict[str, Any]:
    sheet.refresh_from_db()
    return {
        "id": sheet.pk,
        "table_id": sheet.table_id,
        "org_id": sheet.org_id,
        "status": sheet.status,
        "version": sheet.version,
        "submitted_at": sheet.submitted_at,
        "disputed": assessment.disputed(sheet) if sheet.status != "draft" else [],
        "marks": list(sheet.marks.select_related("author").order_by("created_at", "id")),
    }


@router.get(
    "/scoring/sheets/{sheet_id}",
    response={200: SheetOut, **errors(401, 404, 422)},
    summary="A member's scoring sheet, with every value entered",
)
def get_sheet(request: HttpRequest, sheet_id: int) -> Any:
    return _sheet_out(_sheet_of(request, sheet_id))


@router.post(
    "/scoring/sheets/{sheet_id}/self",
    response={200: SheetOut, 409: StaleOut, **errors(400, 401, 403, 404, 422)},
    summary="The member saves one criterion of its self-assessment (optimistic: send the version)",
)
def save_self(request: HttpRequest, sheet_id: int, body: SaveIn) -> Any:
    sheet = _sheet_of(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    try:
        assessment.self_save(
            actor=request.user,
            sheet=sheet,
            code=body.code,
            value=body.value,
            target=body.target,
            note=body.note,
            expected_version=body.version,
        )
    except assessment.StaleSave as exc:
        return Status(409, {"detail": exc.message, "version": exc.version, "current": exc.current})
    return _sheet_out(sheet)


@router.post(
    "/scoring/sheets/{sheet_id}/submit",
    response={200: SheetOut, **errors(400, 401, 403, 404, 422)},
    summary="The member submits its self-assessment for the cross-check",
)
def submit_sheet(request: HttpRequest, sheet_id: int) -> Any:
    sheet = _sheet_of(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    assessment.sheet_submit(actor=request.user, sheet=sheet)
    return _sheet_out(sheet)
