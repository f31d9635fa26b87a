"""Pages of the yearly statistical report: the figures of a unit and year (preview and Excel, filled
into the organisation's template), the templates (download, upload, history) and the placeholders."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.models import ClusterYear
from core import decree30, permissions
from core.errors import DomainError
from core.excel import XLSX_TYPE, xlsx_response
from core.listing import id_param
from documents.rules import safe_filename
from documents.service import render_kind
from orgs.models import Org, OrgKind
from reports import forms, rules, selectors, services, workbook, yearend
from reports.models import ReportTemplate

logger = logging.getLogger(__name__)


def _unit(request: HttpRequest, pk: int | None) -> Org:
    """The unit asked for, which the user must be able to report on (403 otherwise)."""
    if pk is None:
        raise Http404
    unit = get_object_or_404(Org.objects.select_related("parent"), pk=pk)
    permissions.require(request.user, "stats.report", unit)
    return unit


def _place(unit: Org) -> str:
    """The place on the date line: the province the unit is in (its short name), if any."""
    province = (
        Org.objects.filter(pk__in=selectors.ancestor_ids(unit), kind=OrgKind.PROVINCE)
        .order_by("path")
        .first()
    )
    return (province.short_name or province.name) if province else ""


def text_values(
    stats: selectors.Statistics, *, preparer: str, signer: str, place: str
) -> dict[str, Any]:
    unit = stats.unit
    today = timezone.localdate()
    start, end = stats.start.strftime("%d/%m/%Y"), stats.end.strftime("%d/%m/%Y")
    return {
        "unit_name": unit.name,
        "unit_code": unit.code,
        "receiver_name": unit.parent.name if unit.parent_id and unit.parent else "Bộ Nội vụ",
        "year": stats.year,
        "period_start": start,
        "period_end": end,
        "period_text": f"từ ngày {start} đến ngày {end}",
        "report_date": today.strftime("%d/%m/%Y"),
        "place_date": decree30.place_date(place, today),
        "preparer": preparer,
        "signer": signer,
    }


def _table(figures: dict[str, int]) -> list[dict[str, Any]]:
    """The preview's sections, in the built-in layout's order."""
    cols = rules.COLUMN_KEYS

    def line(row: rules.Row, total: bool = False) -> dict[str, Any]:
        return {
            "row": row,
            "total": total,
            "values": [figures[f"{row.key}.{c}"] for c in cols],
        }

    sections = [
        {
            "label": s.label,
            "lines": [line(r) for r in s.rows] + [line(s.total, True)],
        }
        for s in rules.AWARD_SECTIONS
    ]
    sections.append({"label": rules.GRAND_TOTAL.label, "lines": [line(rules.GRAND_TOTAL, True)]})
    sections.append(
        {
            "label": rules.DE_NGHI.label,
            "lines": [line(r) for r in rules.DE_NGHI.rows] + [line(rules.DE_NGHI.total, True)],
        }
    )
    return sections


def _template_content(template: ReportTemplate | None) -> bytes:
    """The template's file; the built-in one when there is none or its file has gone missing
    (logged, so the officer still gets the report)."""
    if template is not None:
        try:
            with template.file.open("rb") as handle:
                return bytes(handle.read())
        except OSError:
            logger.exception(
                "report template #%s (org %s) unreadable", template.pk, template.org_id
            )
    return workbook.builtin_bytes()


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Báo cáo thống kê thi đua, khen thưởng năm of a unit (with the units below it)."""
    permissions.require(request.user, "stats.report")
    units = selectors.report_units(request.user)
    this_year = timezone.localdate().year
    data = {
        "unit": str(units[0].pk) if units else "",
        "year": str(this_year),
        "period": rules.PERIOD_STATISTICAL,
        "signer": "",
    }
    data.update({k: request.GET.get(k, "") for k in data if k in request.GET})
    form = forms.StatisticsForm(data, units=units)
    context: dict[str, Any] = {"form": form, "stats": None}
    if not form.is_valid():
        return render(request, "reports/statistics.html", context, status=200)
    unit = _unit(request, form.cleaned_data["unit"])
    if unit.pk not in {u.pk for u in units}:
        units.append(unit)  # a unit further down, reached by its id
        form = forms.StatisticsForm(data, units=units)
        form.is_valid()
    stats = selectors.statistics(
        unit=unit, year=form.cleaned_data["year"], basis=form.cleaned_data["period"]
    )
    template = selectors.template_for(unit)
    if request.GET.get("format") == "xlsx":
        values = {
            **stats.figures,
            **text_values(
                stats,
                preparer=str(request.user),
                signer=form.cleaned_data["signer"],
                place=_place(unit),
            ),
        }
        filled = workbook.fill(_template_content(template), values)
        name = safe_filename(f"bao-cao-thong-ke-tdkt-{unit.code}-{stats.year}")
        return xlsx_response(f"{name}.xlsx", filled)
    context.update(
        stats=stats,
        unit=unit,
        template=template,
        sections=_table(stats.figures),
        columns=rules.COLUMNS,
        movements=[
            (r.label, stats.figures[r.key]) for r in (rules.MOVEMENTS_TOTAL, *rules.MOVEMENTS)
        ],
        dossiers=(rules.DOSSIERS.label, stats.figures[rules.DOSSIERS.key]),
        export_query=urlencode({k: v for k, v in data.items() if v}),
    )
    return render(request, "reports/statistics.html", context)


# --- templates ------------------------------------------------------------------------------


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    """An organisation's statistical report templates: the one in use, the history, an upload."""
    permissions.require(request.user, "stats.report")
    units = selectors.report_units(request.user)
    pk = id_param(request, "unit") or (units[0].pk if units else None)
    org = _unit(request, pk)
    form = forms.TemplateUploadForm()
    if request.method == "POST":
        form = forms.TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.template_upload(
                    actor=request.user,
                    org=org,
                    upload=form.cleaned_data["file"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The template is stored and now in use."))
                return redirect(f"{reverse('reports:templates')}?unit={org.pk}")
    context = {
        "org": org,
        "unit_choices": forms.unit_choices(
            units if org.pk in {u.pk for u in units} else [*units, org]
        ),
        "form": form,
        "in_use": selectors.template_for(org),
        "history": selectors.templates_of(org),
    }
    return render(request, "reports/templates.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def template_activate(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ReportTemplate.objects.select_related("org"), pk=pk)
    permissions.require(request.user, "stats.report", template.org)
    try:
        services.template_activate(actor=request.user, template=template)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("This template is now in use."))
    return redirect(f"{reverse('reports:templates')}?unit={template.org_id}")


@login_required
@require_POST
def template_deactivate(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _unit(request, org_id)
    try:
        services.template_deactivate(actor=request.user, org=org)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The organisation's own template is no longer used."))
    return redirect(f"{reverse('reports:templates')}?unit={org.pk}")


@login_required
def template_file(request: HttpRequest, pk: int) -> FileResponse:
    """Download a stored template (to adjust it further)."""
    template = get_object_or_404(ReportTemplate.objects.select_related("org"), pk=pk)
    permissions.require(request.user, "stats.report", template.org)
    return FileResponse(
        template.file.open("rb"),
        as_attachment=True,
        filename=template.file_name,
        content_type=XLSX_TYPE,
    )


@login_required
def template_builtin(request: HttpRequest) -> HttpResponse:
    """Download the built-in template."""
    permissions.require(request.user, "stats.report")
    return xlsx_response(workbook.BUILTIN.name, workbook.builtin_bytes())


@login_required
def placeholders(request: HttpRequest) -> HttpResponse:
    """Every placeholder a template may hold, with its meaning."""
    permissions.require(request.user, "stats.report")
    cols = rules.COLUMNS
    groups = [
        {
            "label": _("Emulation movements"),
            "items": [(r.key, r.label) for r in (rules.MOVEMENTS_TOTAL, *rules.MOVEMENTS)],
        }
    ]
    for section in (*rules.AWARD_SECTIONS, rules.DE_NGHI):
        items = [] if section is not rules.DE_NGHI else [(rules.DOSSIERS.key, rules.DOSSIERS.label)]
        items += [
            (f"{row.key}.{key}", f"{row.label}: {meaning}")
            for row in rules.table_rows(section)
            for key, _label, meaning in cols
        ]
        groups.append({"label": section.label, "items": items})
    groups.append(
        {
            "label": rules.GRAND_TOTAL.label,
            "items": [
                (f"{rules.GRAND_TOTAL.key}.{key}", f"{rules.GRAND_TOTAL.label}: {meaning}")
                for key, _label, meaning in cols
            ],
        }
    )
    groups.append({"label": _("Texts"), "items": list(rules.TEXT_FIELDS)})
    return render(request, "reports/placeholders.html", {"groups": groups})


# --- the cluster's year-end report -----------------------------------------------------------


@login_required
def cluster_yearend(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """Báo cáo tổng kết of a cluster year as DOCX (to edit) or PDF: for those who run the year and
    the organising council's commendation officers."""
    cy = get_object_or_404(
        ClusterYear.objects.select_related("cluster__organiser", "head"), cluster_id=pk, year=year
    )
    if not (
        permissions.can_run_cluster_year(request.user, cy)
        or permissions.can(request.user, "stats.report", cy.cluster.organiser)
    ):
        raise PermissionDenied("stats.report")
    context = yearend.yearend_context(cy)
    content, content_type, filename = render_kind(
        "cluster_yearend", context, fmt=fmt, org=cy.head or cy.cluster.organiser
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
