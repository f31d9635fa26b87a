"""A member's scoring sheet: the self-assessment, criterion by criterion, on a phone too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.text import number_input, parse_number
from orgs.models import Org
from scoring import assessment, engine
from scoring.models import Evidence, Mark, ScoringTable, Sheet, SheetStatus, Stage, TableStatus
from scoring.services import engine_table
from scoring.views import _year


def _current_table(request: HttpRequest, pk: int, year: int) -> ScoringTable:
    cluster_year = _year(request, pk, year)
    table = (
        ScoringTable.objects.filter(cluster_year=cluster_year, status=TableStatus.LOCKED)
        .select_related("cluster_year__cluster", "cluster_year__head")
        .first()
    )
    if table is None:
        raise Http404
    return table


def _member(table: ScoringTable, org_id: int) -> Org:
    org = Org.objects.filter(pk=org_id, pk__in=table.cluster_year.members.values("org_id")).first()
    if org is None:
        raise Http404
    return org


def _may_see(request: HttpRequest, table: ScoringTable, org: Org) -> bool:
    """The member itself, its assigned reviewers, the secretariat and the organising council."""
    if permissions.can_act_for_member(request.user, org):
        return True
    if permissions.can_run_cluster_year(request.user, table.cluster_year):
        return True
    reviewers = Org.objects.filter(
        pk__in=table.assignments.filter(reviewee=org).values("reviewer_id")
    )
    return any(permissions.can_act_for_member(request.user, r) for r in reviewers)


def _settled_result(sheet: Sheet) -> engine.MemberResult | None:
    """The settled sheet's points per criterion and total (None until the sheet is settled)."""
    if sheet.status != SheetStatus.FINAL:
        return None
    ranked = assessment.results(sheet.table).ranked
    return next((r.result for r in ranked if r.result.member.pk == sheet.org_id), None)


def _rows(sheet: Sheet, result: engine.MemberResult | None = None) -> list[dict[str, Any]]:
    spec = engine_table(sheet.table)
    own = assessment.self_values(sheet)
    history: dict[str, list[Mark]] = {}
    for entered in (
        Mark.objects.filter(sheet=sheet)
        .select_related("reviewer", "author")
        .order_by("created_at", "id")
    ):
        history.setdefault(entered.code, []).append(entered)
    evidence: dict[str, list[Evidence]] = {}
    for item in sheet.evidence.all():
        evidence.setdefault(item.code, []).append(item)
    points = result.points if result else {}
    rows = []
    for criterion in spec.walk():
        mark = own.get(criterion.code)
        settled = next(
            (m for m in reversed(history.get(criterion.code, [])) if m.stage == Stage.FINAL), None
        )
        rows.append(
            {
                "c": criterion,
                "mark": mark,
                "final": settled,
                "points": points.get(criterion.code),
                "value": "" if mark is None or mark.value is None else number_input(mark.value),
                "target": "" if mark is None or mark.target is None else number_input(mark.target),
                "history": history.get(criterion.code, []),
                "evidence": evidence.get(criterion.code, []),
            }
        )
    return rows


@login_required
def sheet_page(request: HttpRequest, pk: int, year: int, org_id: int) -> HttpResponse:
    """Phiếu tự chấm điểm of a member."""
    table = _current_table(request, pk, year)
    org = _member(table, org_id)
    if not _may_see(request, table, org):
        raise Http404
    sheet = assessment.sheet_for(table=table, org=org)
    return _render(request, sheet)


def _review_form(reviewer: Org, mark: Mark | None) -> dict[str, Any]:
    """A reviewer's form for one criterion, filled with the value it saved last."""
    return {
        "reviewer": reviewer,
        "value": "" if mark is None or mark.value is None else number_input(mark.value),
        "target": "" if mark is None or mark.target is None else number_input(mark.target),
        "note": mark.note if mark else "",
        "saved": mark is not None,
    }


def _render(request: HttpRequest, sheet: Sheet, **extra: Any) -> HttpResponse:
    may_act = permissions.can_act_for_member(request.user, sheet.org)
    reviewers = _reviewers_for(request, sheet) if sheet.status == SheetStatus.SUBMITTED else []
    reviews = assessment.review_values(sheet)
    disputed = assessment.disputed(sheet) if sheet.status != SheetStatus.DRAFT else []
    leaves = [c.code for c in engine_table(sheet.table).leaves()]
    result = _settled_result(sheet)
    rows = _rows(sheet, result)
    context = {
        "total": result.total if result else None,
        "reviewers": reviewers,
        "review_progress": [
            {
                "reviewer": reviewer,
                "saved": sum(1 for code in leaves if reviewer.pk in reviews.get(code, {})),
                "total": len(leaves),
            }
            for reviewer in reviewers
        ],
        "reviews": reviews,
        "disputed": disputed,
        "explaining": may_act and sheet.status == SheetStatus.EXPLAINING,
        "may_settle": permissions.can_run_cluster_year(request.user, sheet.table.cluster_year)
        and sheet.status in (SheetStatus.SUBMITTED, SheetStatus.EXPLAINING),
        "sheet": sheet,
        "table": sheet.table,
        "cy": sheet.table.cluster_year,
        "cluster": sheet.table.cluster_year.cluster,
        "rows": [
            {
                **row,
                "reviews": list(reviews.get(row["c"].code, {}).values()),
                "review_forms": [
                    _review_form(reviewer, reviews.get(row["c"].code, {}).get(reviewer.pk))
                    for reviewer in reviewers
                ],
                "disputed": row["c"].code in disputed,
                "explanation": next(
                    (m for m in reversed(row["history"]) if m.stage == Stage.EXPLANATION), None
                ),
            }
            for row in rows
        ],
        "editable": may_act and sheet.status == SheetStatus.DRAFT,
        "may_act": may_act,
        "stages": dict(Stage.choices),
    }
    context.update(extra)
    return render(request, "scoring/sheet.html", context)


def _sheet(request: HttpRequest, sheet_id: int) -> Sheet:
    sheet = (
        Sheet.objects.select_related("table__cluster_year__cluster", "org")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise Http404
    _year(request, sheet.table.cluster_year.cluster_id, sheet.table.cluster_year.year)
    if not _may_see(request, sheet.table, sheet.org):
        raise Http404
    return sheet


@login_required
@require_POST
def sheet_save(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """Save one criterion's self-assessed value (the page's version guards concurrent saves)."""
    sheet = _sheet(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    return _save_mark(request, sheet, assessment.self_save)


def _save_mark(request: HttpRequest, sheet: Sheet, save: Any, **extra: Any) -> HttpResponse:
    """Save one criterion's value from the posted form (value, target, note and the page's
    version, which guards concurrent saves); say what happened; back to the criterion."""
    code = request.POST.get("code", "")
    version = request.POST.get("version", "")
    try:
        save(
            actor=request.user,
            sheet=sheet,
            code=code,
            value=parse_number(request.POST.get("value", "")),
            target=parse_number(request.POST.get("target", "")),
            note=request.POST.get("note", ""),
            expected_version=int(version) if version.isdigit() else None,
            **extra,
        )
        messages.success(request, _("%(code)s saved.") % {"code": code})
    except assessment.StaleSave as exc:
        messages.warning(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_sheet_url(sheet) + f"#c-{code}")


def _sheet_url(sheet: Sheet) -> str:
    from django.urls import reverse

    cy = sheet.table.cluster_year
    return reverse("scoring:sheet", args=[cy.cluster_id, cy.year, sheet.org_id])


@login_required
@require_POST
def sheet_evidence(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = _sheet(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    code = request.POST.get("code", "")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            assessment.evidence_add(actor=request.user, sheet=sheet, code=code, upload=upload)
            messages.success(request, _("The evidence is attached."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(_sheet_url(sheet) + f"#c-{code}")


@login_required
@require_POST
def sheet_submit(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = _sheet(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    try:
        assessment.sheet_submit(actor=request.user, sheet=sheet)
        messages.success(request, _("The self-assessment is submitted for the cross-check."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_sheet_url(sheet))


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    """A piece of evidence, for those who may see the sheet."""
    evidence = Evidence.objects.select_related("sheet").filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    _sheet(request, evidence.sheet_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)


# --- cross-check, explanation, final review ------------------------------------------------------


def _reviewers_for(request: HttpRequest, sheet: Sheet) -> list[Org]:
    """The assigned reviewing units the user acts for."""
    reviewers = Org.objects.filter(
        pk__in=sheet.table.assignments.filter(reviewee=sheet.org).values("reviewer_id")
    )
    return [r for r in reviewers if permissions.can_act_for_member(request.user, r)]


@login_required
@require_POST
def sheet_review(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """An assigned reviewer's value for one criterion."""
    sheet = _sheet(request, sheet_id)
    reviewer = next(
        (r for r in _reviewers_for(request, sheet) if str(r.pk) == request.POST.get("reviewer")),
        None,
    )
    if reviewer is None:
        raise PermissionDenied("scoring.review")
    return _save_mark(request, sheet, assessment.review_save, reviewer=reviewer)


@login_required
@require_POST
def sheet_explain(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """The member's explanation of a disputed criterion."""
    sheet = _sheet(request, sheet_id)
    permissions.require(request.user, "cluster.act_for_member", sheet.org)
    return _save_mark(request, sheet, assessment.explain_save)


@login_required
@require_POST
def sheet_step(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """The secretariat asks for explanations, or settles the sheet (final review) and locks it."""
    sheet = _sheet(request, sheet_id)
    if not permissions.can_run_cluster_year(request.user, sheet.table.cluster_year):
        raise PermissionDenied("scoring.settle")
    try:
        if request.POST.get("action") == "explanations":
            assessment.explanations_open(actor=request.user, sheet=sheet)
            messages.success(request, _("The member is asked to explain the disputed criteria."))
        else:
            settlements = {
                code: (
                    parse_number(request.POST.get(f"final_{code}", "")),
                    request.POST.get(f"why_{code}", ""),
                )
                for code in assessment.disputed(sheet)
            }
            assessment.sheet_finalize(actor=request.user, sheet=sheet, settlements=settlements)
            messages.success(request, _("The sheet is settled and locked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_sheet_url(sheet))


@login_required
def crosscheck_page(request: HttpRequest, table_id: int) -> HttpResponse:
    """The secretariat's view of the year's sheets: who reviews whom, conflicts, disputes, and
    the ranking of the settled sheets."""
    from scoring.views import _table

    table = _table(request, table_id)
    cy = table.cluster_year
    permissions.require_run_cluster_year(request.user, cy)
    members = [m.org for m in cy.members.select_related("org")]
    if request.method == "POST":
        action = request.POST.get("action")
        reviewee = next((m for m in members if str(m.pk) == request.POST.get("reviewee")), None)
        reviewer = Org.objects.filter(code=request.POST.get("reviewer", "").strip().upper()).first()
        try:
            if reviewee is None or reviewer is None:
                raise DomainError(_("Choose the member and give the reviewing unit's code."))
            if action == "conflict":
                assessment.conflict_declare(
                    actor=request.user,
                    table=table,
                    reviewer=reviewer,
                    reviewee=reviewee,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The conflict is declared."))
            else:
                assessment.assignment_add(
                    actor=request.user, table=table, reviewer=reviewer, reviewee=reviewee
                )
                messages.success(request, _("The reviewer is assigned."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("scoring:crosscheck", table_id=table.pk)
    sheets = {s.org_id: s for s in Sheet.objects.filter(table=table)}
    assignments: dict[int, list[Org]] = {}
    for a in table.assignments.select_related("reviewer"):
        assignments.setdefault(a.reviewee_id, []).append(a.reviewer)
    rows: list[dict[str, Any]] = [
        {
            "org": m,
            "sheet": sheets.get(m.pk),
            "late": bool(
                m.pk in sheets
                and sheets[m.pk].submitted_at
                and table.self_due
                and timezone.localdate(sheets[m.pk].submitted_at) > table.self_due
            ),
            "reviewers": assignments.get(m.pk, []),
            "disputed": assessment.disputed(sheets[m.pk]) if m.pk in sheets else [],
        }
        for m in members
    ]
    outcome = assessment.results(table) if table.status == TableStatus.LOCKED else None
    return render(
        request,
        "scoring/crosscheck.html",
        {
            "table": table,
            "cy": cy,
            "cluster": cy.cluster,
            "rows": rows,
            "members": members,
            "conflicts": table.conflicts.select_related("reviewer", "reviewee"),
            "may_assign": table.status == TableStatus.LOCKED
            and table.results_published_at is None
            and any(
                m.pk not in sheets or sheets[m.pk].status != SheetStatus.FINAL for m in members
            ),
            "outcome": outcome,
        },
    )


PROPOSALS = {
    "flag": gettext_lazy("proposed for the emulation flag"),
    "certificate": gettext_lazy("proposed for a certificate of merit"),
}


def _group_value(code: str) -> Any:
    def value(row: dict[str, Any]) -> Decimal:
        return Decimal(row["groups"][code])

    return value


@login_required
def results_page(request: HttpRequest, table_id: int) -> HttpResponseBase:
    """Kết quả chấm điểm: totals, points per group, ranks, distance to the leader, the leading
    units and runners-up, charts with their data tables, Excel; read-only once published."""
    from scoring.views import _table

    table = _table(request, table_id)
    cy = table.cluster_year
    may_run = permissions.can_run_cluster_year(request.user, cy)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied("scoring.results.publish")
        try:
            assessment.results_publish(actor=request.user, table=table)
            messages.success(request, _("The results are published."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("scoring:results", table_id=table.pk)
    if table.results is not None:
        data = table.results
        unsettled: list[Org] = []
    else:
        # Before publication only the secretariat and the organising council see the ranking.
        if table.status != TableStatus.LOCKED or not may_run:
            raise Http404
        outcome = assessment.results(table)
        data = {
            "groups": assessment.top_level(outcome.table),
            "rows": assessment.outcome_rows(table, outcome),
        }
        unsettled = outcome.unsettled
    if request.GET.get("format") == "xlsx":
        columns = [
            XlsxColumn(_("Rank"), lambda r: r["rank"], 8),
            XlsxColumn(_("Member unit"), lambda r: r["name"], 36),
            *[
                XlsxColumn(f"{g['code']}. {g['text']}", _group_value(g["code"]), 14)
                for g in data["groups"]
            ],
            XlsxColumn(_("Total"), lambda r: Decimal(r["total"]), 10),
            XlsxColumn(_("Behind the leader"), lambda r: Decimal(r["gap"]), 10),
            XlsxColumn(_("Proposal"), lambda r: str(PROPOSALS.get(r["proposal"], "")), 30),
            XlsxColumn(_("Tie"), lambda r: r["note"], 40),
        ]
        content = workbook_bytes(
            title=_("Results %(y)s") % {"y": cy.year}, columns=columns, rows=data["rows"]
        )
        return xlsx_response(f"ket-qua-cham-diem-{cy.year}.xlsx", content)
    chart = {
        "labels": [r["name"] for r in data["rows"]],
        "totals": [float(r["total"]) for r in data["rows"]],
        "groups": [
            {
                "label": f"{g['code']}. {g['text']}",
                "values": [float(r["groups"][g["code"]]) for r in data["rows"]],
            }
            for g in data["groups"]
            if g.get("kind", "group") == "group"
        ],
        "total_label": str(_("Total")),
    }
    return render(
        request,
        "scoring/results.html",
        {
            "table": table,
            "cy": cy,
            "cluster": cy.cluster,
            "data": data,
            "chart": chart,
            "unsettled": unsettled,
            "proposals": PROPOSALS,
            "may_publish": may_run and table.results is None and not unsettled and data["rows"],
        },
    )
