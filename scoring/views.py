"""Pages of a cluster year's scoring table: the tree, versions, Excel in and out, publishing,
locking, amending, and the preview of trial values."""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusters import selectors as cluster_selectors
from clusters.models import Cluster, ClusterYear
from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.text import parse_number
from core.widgets import VnDateInput
from imports.services import check_upload, read_rows
from scoring import engine, services, tabular
from scoring.models import Aggregation, CriterionKind, ScoringTable, TableStatus
from scoring.starter import STARTER


class SettingsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    scale = forms.TypedChoiceField(
        label=gettext_lazy("Scale"), coerce=int, choices=[(100, "100"), (1000, "1.000")]
    )
    aggregation = forms.ChoiceField(
        label=gettext_lazy("Reviewers' values combined by"), choices=Aggregation.choices
    )
    tie_breaks = forms.CharField(
        label=gettext_lazy("Tie-breaks, in order"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Separated by commas: group:A (higher group A first), bonus, penalty, vote."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Criteria (Excel, .xlsx)"),
        required=False,
        help_text=gettext_lazy("Download the table as Excel, edit it, upload it here."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class AmendForm(SettingsForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting = forms.TypedChoiceField(
        label=gettext_lazy("Meeting that approved it"), coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(m.pk, f"{m.get_kind_display()} {m.date:%d/%m/%Y}") for m in meetings],
        ]


class DueForm(forms.Form):
    due = forms.DateField(
        label=gettext_lazy("Self-assessments due"),
        required=False,
        widget=VnDateInput(),
        help_text=gettext_lazy("A sheet sent after this date is marked late. Empty: no date."),
    )


def _year(request: HttpRequest, pk: int, year: int) -> ClusterYear:
    try:
        cluster = cluster_selectors.cluster_get(user=request.user, pk=pk)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
    cluster_year = cluster.years.select_related("cluster", "head").filter(year=year).first()
    if cluster_year is None:
        raise Http404
    return cluster_year


def _table(request: HttpRequest, table_id: int) -> ScoringTable:
    table = (
        ScoringTable.objects.select_related("cluster_year__cluster", "cluster_year__head")
        .filter(pk=table_id)
        .first()
    )
    if table is None:
        raise Http404
    _year(request, table.cluster_year.cluster_id, table.cluster_year.year)  # visible with it
    return table


def _settings_initial(table: ScoringTable) -> dict[str, Any]:
    return {
        "title": table.title,
        "scale": table.scale,
        "aggregation": table.aggregation,
        "tie_breaks": ", ".join(table.tie_breaks),
    }


def _data_from_form(form: forms.Form, current: dict[str, Any]) -> dict[str, Any]:
    """The table's settings from the form, its criteria from the uploaded sheet (or as they are)."""
    data = dict(current)
    data["scale"] = form.cleaned_data["scale"]
    data["aggregation"] = form.cleaned_data["aggregation"]
    data["tie_breaks"] = [
        t.strip() for t in form.cleaned_data["tie_breaks"].split(",") if t.strip()
    ]
    upload = form.cleaned_data.get("file")
    if upload:
        check_upload(upload)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            rows = read_rows(handle.name)
        criteria, problems = tabular.rows_to_data(rows)
        if problems:
            raise DomainError(
                " ".join(
                    _("Row %(r)s: %(m)s") % {"r": p.row, "m": p.message} for p in problems[:20]
                ),
                field="file",
            )
        data["criteria"] = criteria
    return data


def _page(request: HttpRequest, cluster_year: ClusterYear, **extra: Any) -> HttpResponse:
    tables = list(
        ScoringTable.objects.filter(cluster_year=cluster_year)
        .select_related("amendment_meeting", "copied_from__cluster_year")
        .order_by("-version")
    )
    current = next((t for t in tables if t.status != TableStatus.SUPERSEDED), None)
    may_run = permissions.can_run_cluster_year(request.user, cluster_year)
    rows: list[dict[str, Any]] = []
    problems: list[engine.Problem] = []
    if current is not None:
        data = services.table_data(current)
        rows = tabular.data_to_rows(data["criteria"])
        depth: dict[str, int] = {"": -1}
        for row in rows:
            depth[row["code"]] = depth[row["parent"]] + 1
            row["depth"] = depth[row["code"]]
        if current.status == TableStatus.DRAFT:
            try:
                engine.build(data, strict=True)
            except engine.TableError as exc:
                problems = exc.problems
    meetings = list(cluster_year.meetings.order_by("date"))
    my_sheets = (
        [
            m.org
            for m in cluster_year.members.select_related("org")
            if permissions.can_act_for_member(request.user, m.org)
        ]
        if current is not None and current.status == TableStatus.LOCKED
        else []
    )
    to_review = (
        [
            a.reviewee
            for a in current.assignments.select_related("reviewer", "reviewee")
            if permissions.can_act_for_member(request.user, a.reviewer)
        ]
        if current is not None and current.status == TableStatus.LOCKED
        else []
    )
    context = {
        "my_sheets": my_sheets,
        "to_review": to_review,
        "cluster": cluster_year.cluster,
        "cy": cluster_year,
        "tables": tables,
        "table": current,
        "rows": rows,
        "problems": problems,
        "kinds": dict(CriterionKind.choices),
        "may_run": may_run,
        "settings_form": SettingsForm(initial=_settings_initial(current)) if current else None,
        "due_form": DueForm(initial={"due": current.self_due}) if current else None,
        "amend_form": AmendForm(meetings=meetings, initial=_settings_initial(current))
        if current
        else None,
        "has_previous": ScoringTable.objects.filter(
            cluster_year__cluster=cluster_year.cluster, cluster_year__year__lt=cluster_year.year
        ).exists(),
    }
    context.update(extra)
    return render(request, "scoring/table.html", context)


@login_required
def table_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Bảng chấm điểm of a cluster year."""
    return _page(request, _year(request, pk, year))


@login_required
@require_POST
def table_start(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Start the year's table: copy last year's, or begin from the sample structure."""
    cluster_year = _year(request, pk, year)
    permissions.require_run_cluster_year(request.user, cluster_year)
    try:
        if request.POST.get("from") == "last_year":
            services.table_copy_last_year(actor=request.user, cluster_year=cluster_year)
            messages.success(request, _("Last year's table is copied as this year's draft."))
        else:
            services.table_create(
                actor=request.user,
                cluster_year=cluster_year,
                title=_("Scoring table %(y)s of %(c)s")
                % {"y": cluster_year.year, "c": cluster_year.cluster.name},
                data=STARTER,
            )
            messages.success(request, _("A draft is started from the sample; edit it."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:table", pk=pk, year=year)


def _step(request: HttpRequest, table_id: int, step: str) -> HttpResponse:
    table = _table(request, table_id)
    cluster_year = table.cluster_year
    permissions.require_run_cluster_year(request.user, cluster_year)
    try:
        if step == "publish":
            services.table_publish(actor=request.user, table=table)
            messages.success(request, _("The scoring table is published to the members."))
        else:
            services.table_lock(actor=request.user, table=table)
            messages.success(request, _("The scoring table is locked: scoring can open."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:table", pk=cluster_year.cluster_id, year=cluster_year.year)


@login_required
@require_POST
def table_publish(request: HttpRequest, table_id: int) -> HttpResponse:
    return _step(request, table_id, "publish")


@login_required
@require_POST
def table_lock(request: HttpRequest, table_id: int) -> HttpResponse:
    return _step(request, table_id, "lock")


@login_required
@require_POST
def table_edit(request: HttpRequest, table_id: int) -> HttpResponse:
    """Save the draft's settings and, when a sheet is uploaded, its criteria."""
    table = _table(request, table_id)
    cluster_year = table.cluster_year
    permissions.require_run_cluster_year(request.user, cluster_year)
    form = SettingsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            data = _data_from_form(form, services.table_data(table))
            services.table_update(
                actor=request.user, table=table, title=form.cleaned_data["title"], data=data
            )
            messages.success(request, _("The draft is saved."))
            return redirect("scoring:table", pk=cluster_year.cluster_id, year=cluster_year.year)
        except DomainError as exc:
            form.add_error("file" if exc.field in ("file", "criteria") else None, exc.message)
    return _page(request, cluster_year, settings_form=form)


@login_required
@require_POST
def table_due(request: HttpRequest, table_id: int) -> HttpResponse:
    """Set the date the members' self-assessments are due."""
    table = _table(request, table_id)
    cluster_year = table.cluster_year
    permissions.require_run_cluster_year(request.user, cluster_year)
    form = DueForm(request.POST)
    if form.is_valid():
        try:
            services.table_set_due(actor=request.user, table=table, due=form.cleaned_data["due"])
            messages.success(request, _("The due date of self-assessments is saved."))
            return redirect("scoring:table", pk=cluster_year.cluster_id, year=cluster_year.year)
        except DomainError as exc:
            form.add_error("due", exc.message)
    return _page(request, cluster_year, due_form=form)


@login_required
@require_POST
def table_amend(request: HttpRequest, table_id: int) -> HttpResponse:
    """Amend the published table (a new version) with the reason and the approving meeting."""
    table = _table(request, table_id)
    cluster_year = table.cluster_year
    permissions.require_run_cluster_year(request.user, cluster_year)
    meetings = list(cluster_year.meetings.order_by("date"))
    form = AmendForm(request.POST, request.FILES, meetings=meetings)
    if form.is_valid():
        meeting = next((m for m in meetings if m.pk == form.cleaned_data["meeting"]), None)
        try:
            data = _data_from_form(form, services.table_data(table))
            services.table_amend(
                actor=request.user,
                table=table,
                reason=form.cleaned_data["reason"],
                meeting=meeting,
                title=form.cleaned_data["title"],
                data=data,
            )
            messages.success(request, _("The amendment is recorded as a new version."))
            return redirect("scoring:table", pk=cluster_year.cluster_id, year=cluster_year.year)
        except DomainError as exc:
            field = {"criteria": "file", "reason": "reason", "meeting": "meeting"}.get(
                exc.field or ""
            )
            form.add_error(field, exc.message)
    return _page(request, cluster_year, amend_form=form)


@login_required
def table_xlsx(request: HttpRequest, table_id: int) -> HttpResponse:
    """The table as the Excel sheet officers edit and upload again."""
    table = _table(request, table_id)
    rows = tabular.data_to_rows(services.table_data(table)["criteria"])
    labels = dict(CriterionKind.choices)
    columns = []
    for column in tabular.COLUMNS:
        key = column.key

        def value(row: dict[str, Any], key: str = key) -> Any:
            raw = row.get(key)
            if key == "kind":
                return str(labels.get(str(raw), raw))
            if key == "lower_is_better":
                return "x" if raw else ""
            if key in tabular.NUMBERS:
                return engine.as_decimal(raw)
            return raw or ""

        columns.append(XlsxColumn(column.header, value, column.width))
    content = workbook_bytes(title=table.title[:120], columns=columns, rows=rows)
    return xlsx_response(f"bang-cham-diem-{table.cluster_year.year}-v{table.version}.xlsx", content)


@login_required
def table_preview(request: HttpRequest, table_id: int) -> HttpResponse:
    """Trial values for one member: each criterion's points and the total, before publishing."""
    table = _table(request, table_id)
    try:
        spec = services.engine_table(table)
    except engine.TableError:
        spec = engine.build(services.table_data(table), strict=False)
    leaves = spec.leaves()
    result = None
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        entries: dict[str, engine.Entry] = {}
        for criterion in leaves:
            raw = request.POST.get(f"v_{criterion.code}", "").strip()
            target = request.POST.get(f"t_{criterion.code}", "").strip()
            values[criterion.code], values[f"t_{criterion.code}"] = raw, target
            try:
                entries[criterion.code] = engine.read_entry(
                    criterion,
                    {"value": parse_number(raw), "target": parse_number(target)},
                )
            except ValueError as exc:
                errors[criterion.code] = str(exc)
        if not errors:
            # A relative-to-best criterion needs the cluster's best: the trial member is the best.
            results = engine.compute(spec, {_("Trial"): entries})
            result = results[0]
    rows = []
    points = result.points if result else {}
    for criterion in spec.walk():
        rows.append(
            {
                "c": criterion,
                "value": values.get(criterion.code, ""),
                "target": values.get(f"t_{criterion.code}", ""),
                "error": errors.get(criterion.code, ""),
                "points": points.get(criterion.code),
            }
        )
    return render(
        request,
        "scoring/preview.html",
        {
            "table": table,
            "cy": table.cluster_year,
            "cluster": table.cluster_year.cluster,
            "rows": rows,
            "result": result,
            "kinds": dict(CriterionKind.choices),
        },
    )
