"""Pages of reporting periods: the secretariat's dashboard of who has reported, a member's report,
extensions, and the indicators (actual values against targets, % of plan)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusters import reports, rules, selectors
from clusters.forms import ExtensionForm, PeriodForm, SubmissionForm
from clusters.models import ClusterYear, ReportingPeriod, Submission
from clusters.views import _cluster, _form_error, _require_run, _year
from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.text import number_input, parse_number
from orgs.models import Org

STATUS_LABELS = {
    rules.ReportStatus.ON_TIME: gettext_lazy("On time"),
    rules.ReportStatus.LATE: gettext_lazy("Late"),
    rules.ReportStatus.MISSING: gettext_lazy("Missing, overdue"),
    rules.ReportStatus.PENDING: gettext_lazy("Not yet due"),
}


def _dashboard(request: HttpRequest, cluster_year: ClusterYear, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    rows = reports.report_matrix(cluster_year, today)
    periods = list(cluster_year.periods.all())
    only_late = request.GET.get("late") == "1"
    shown = [r for r in rows if r.late or r.missing] if only_late else rows
    members = list(cluster_year.members.select_related("org"))
    return render(
        request,
        "clusters/reports.html",
        {
            "cluster": cluster_year.cluster,
            "cy": cluster_year,
            "rows": shown,
            "periods": periods,
            "today": today,
            "only_late": only_late,
            "labels": STATUS_LABELS,
            "late_count": sum(r.late for r in rows),
            "missing_count": sum(r.missing for r in rows),
            "may_run": permissions.can_run_cluster_year(request.user, cluster_year),
            "period_form": forms.get("period_form") or PeriodForm(),
            "extension_form": forms.get("extension_form")
            or ExtensionForm(periods=periods, members=members),
        },
    )


@login_required
def reports_dashboard(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Bảng theo dõi báo cáo: who has submitted what, who is late."""
    cluster_year = _year(request, pk, year)
    permissions.require_run_cluster_year(request.user, cluster_year)
    if request.GET.get("format") == "xlsx":
        return _export(cluster_year, only_late=request.GET.get("late") == "1")
    return _dashboard(request, cluster_year)


def _export(cluster_year: ClusterYear, *, only_late: bool = False) -> HttpResponse:
    """The dashboard as a workbook, one row per member and period, with the page's filter."""
    rows = [
        (row.org, cell)
        for row in reports.report_matrix(cluster_year, timezone.localdate())
        if not only_late or row.late or row.missing
        for cell in row.cells
    ]
    columns = [
        XlsxColumn(_("Member unit"), lambda r: r[0].name, 36),
        XlsxColumn(_("Reporting period"), lambda r: r[1].period.name, 22),
        XlsxColumn(_("Due date"), lambda r: r[1].due, 12),
        XlsxColumn(_("Status"), lambda r: str(STATUS_LABELS[r[1].status]), 18),
        XlsxColumn(
            _("Submitted at"),
            lambda r: r[1].submission.submitted_at if r[1].submission else None,
            18,
        ),
        XlsxColumn(
            _("Extension"),
            lambda r: (
                f"{r[1].extension.due:%d/%m/%Y}: {r[1].extension.reason}" if r[1].extension else ""
            ),
            40,
        ),
    ]
    content = workbook_bytes(
        title=_("Reports %(y)s") % {"y": cluster_year.year}, columns=columns, rows=rows
    )
    return xlsx_response(f"bao-cao-{cluster_year.year}.xlsx", content)


@login_required
@require_POST
def period_create(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    if request.POST.get("usual") == "1":
        created = 0
        try:
            for kind, name, start, end, due in reports.standard_periods(cluster_year.year):
                # The same period whatever the language it was named in.
                if not cluster_year.periods.filter(kind=kind, start=start, end=end).exists():
                    reports.period_create(
                        actor=request.user,
                        cluster_year=cluster_year,
                        kind=kind,
                        name=name,
                        start=start,
                        end=end,
                        due=due,
                    )
                    created += 1
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)s period(s) added.") % {"n": created})
        return redirect("clusters:reports", pk=pk, year=year)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            reports.period_create(
                actor=request.user, cluster_year=cluster_year, **form.cleaned_data
            )
            messages.success(request, _("The reporting period is set."))
            return redirect("clusters:reports", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return _dashboard(request, cluster_year, period_form=form)


@login_required
@require_POST
def extension_grant(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    periods = list(cluster_year.periods.all())
    members = list(cluster_year.members.select_related("org"))
    form = ExtensionForm(request.POST, periods=periods, members=members)
    if form.is_valid():
        period = next(p for p in periods if p.pk == form.cleaned_data["period"])
        org = next(m.org for m in members if m.org_id == form.cleaned_data["org"])
        try:
            reports.extension_grant(
                actor=request.user,
                period=period,
                org=org,
                due=form.cleaned_data["due"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The extension is granted."))
            return redirect("clusters:reports", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return _dashboard(request, cluster_year, extension_form=form)


def _period(request: HttpRequest, period_id: int) -> ReportingPeriod:
    period = (
        ReportingPeriod.objects.select_related("cluster_year__cluster", "cluster_year__head")
        .filter(pk=period_id)
        .first()
    )
    if period is None:
        raise Http404
    _cluster(request, period.cluster_year.cluster_id)
    return period


@login_required
def submission_page(request: HttpRequest, period_id: int, org_id: int) -> HttpResponse:
    """A member's report for a period: its due date and status, the file and the figures."""
    period = _period(request, period_id)
    cluster_year = period.cluster_year
    member = cluster_year.members.select_related("org").filter(org_id=org_id).first()
    if member is None:
        raise Http404
    org: Org = member.org
    may_act = permissions.can_act_for_member(request.user, org)
    if not may_act and not permissions.can_run_cluster_year(request.user, cluster_year):
        permissions.require(request.user, "cluster.act_for_member", org)
    targets = reports.member_targets(cluster_year, org.pk)
    submission = Submission.objects.filter(period=period, org=org).first()
    actuals = {v.target_id: v.actual for v in period.actuals.filter(target__in=targets)}
    initial: dict[str, Any] = {
        f"actual_{t.pk}": number_input(actuals[t.pk]) for t in targets if t.pk in actuals
    }
    if submission:
        initial["summary"] = submission.summary
    form = SubmissionForm(initial=initial, targets=targets)
    if request.method == "POST":
        if not may_act:
            permissions.require(request.user, "cluster.act_for_member", org)
        form = SubmissionForm(request.POST, request.FILES, targets=targets)
        if form.is_valid():
            try:
                reports.submission_submit(
                    actor=request.user,
                    period=period,
                    org=org,
                    upload=form.cleaned_data["file"],
                    summary=form.cleaned_data["summary"],
                    actuals={k: parse_number(v) for k, v in form.actuals().items()},
                )
                messages.success(request, _("The report is submitted."))
                return redirect("clusters:submission", period_id=period.pk, org_id=org.pk)
            except DomainError as exc:
                _form_error(form, exc)
    due = reports.effective_due(period, org.pk)
    submitted_on = timezone.localtime(submission.submitted_at).date() if submission else None
    status = rules.report_status(due, submitted_on, timezone.localdate())
    return render(
        request,
        "clusters/submission.html",
        {
            "cluster": cluster_year.cluster,
            "cy": cluster_year,
            "period": period,
            "org": org,
            "due": due,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "submission": submission,
            "targets": [
                (t, actuals.get(t.pk), rules.percent_of_plan(actuals.get(t.pk), t.value))
                for t in targets
            ],
            "may_act": may_act,
            "form": form,
            "extensions": period.extensions.filter(org=org).order_by("-due"),
        },
    )


@login_required
def submission_file(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    """The report's file: for the member, the secretariat and the organising council."""
    submission = (
        Submission.objects.select_related("period__cluster_year__cluster", "org")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404
    cluster_year = submission.period.cluster_year
    _cluster(request, cluster_year.cluster_id)
    if not (
        permissions.can_act_for_member(request.user, submission.org)
        or permissions.can_run_cluster_year(request.user, cluster_year)
    ):
        raise Http404
    return FileResponse(
        submission.file.open("rb"), as_attachment=True, filename=submission.file_name
    )


@login_required
def indicators(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Chỉ tiêu: members' actual values against their targets, % of plan, side by side."""
    cluster_year = _year(request, pk, year)
    groups = selectors.indicator_table(cluster_year)
    if request.GET.get("format") == "xlsx":
        rows = [(g, line) for g in groups for line in g.lines]
        columns = [
            XlsxColumn(_("Target"), lambda r: r[0].name, 40),
            XlsxColumn(_("Unit of measure"), lambda r: r[0].measure, 14),
            XlsxColumn(_("Member unit"), lambda r: r[1].org.name, 30),
            XlsxColumn(_("Target value"), lambda r: r[1].target.value, 14),
            XlsxColumn(_("Actual value"), lambda r: r[1].actual, 14),
            XlsxColumn(_("Percent of plan"), lambda r: r[1].percent, 10),
            XlsxColumn(
                _("Reporting period"), lambda r: r[1].period.name if r[1].period else "", 20
            ),
        ]
        content = workbook_bytes(
            title=_("Indicators %(y)s") % {"y": cluster_year.year}, columns=columns, rows=rows
        )
        return xlsx_response(f"chi-tieu-{cluster_year.year}.xlsx", content)
    return render(
        request,
        "clusters/indicators.html",
        {"cluster": cluster_year.cluster, "cy": cluster_year, "groups": groups},
    )
