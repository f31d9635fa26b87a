"""Home page, audit pages and error pages."""

from __future__ import annotations

import sys

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit_catalogue import OBJECT_TYPES, describe
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.forms import AuditFilterForm
from core.listing import is_htmx, paginate, query_without
from core.models import AuditEvent
from core.selectors import (
    audit_for_object,
    audit_list,
    audit_org_names,
    home_figures,
    recent_changes,
)
from core.templatetags.thidua import display_value, field_label

AUDITABLE = {"orgs.org": "org", "people.person": "person"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from clusters.selectors import cluster_tasks
    from dossiers.views import dossier_tasks

    today = timezone.localdate()
    return render(
        request,
        "core/home.html",
        {
            "figures": home_figures(user=request.user),
            "recent": recent_changes(user=request.user),
            "cluster_tasks": cluster_tasks(user=request.user, today=today),
            "dossier_tasks": dossier_tasks(user=request.user, today=today),
        },
    )


def _audit_columns() -> list[XlsxColumn]:
    names: dict[int, str | None] = {}  # unit names, looked up once per export
    return [
        XlsxColumn(_("No."), lambda e: e.pk, 8),
        XlsxColumn(_("Time"), lambda e: e.at, 18),
        XlsxColumn(_("User"), lambda e: e.actor_name, 18),
        XlsxColumn(_("Action code"), lambda e: e.action, 26),
        XlsxColumn(_("Action"), lambda e: describe(e.action), 30),
        XlsxColumn(_("Object"), lambda e: e.object_repr, 36),
        XlsxColumn(_("Changes"), lambda e: _changes_text(e, names), 60),
    ]


def _changes_text(event: AuditEvent, cache: dict[int, str | None]) -> str:
    return "; ".join(
        f"{field_label(k, event.object_type)}: {display_value(event, k, v[0], cache)} → "
        f"{display_value(event, k, v[1], cache)}"
        for k, v in (event.changes or {}).items()
    )


@login_required
def audit_global(request: HttpRequest) -> HttpResponse:
    """Nhật ký hệ thống: the whole trail, filterable; administrators only."""
    permissions.require(request.user, "audit.view_all")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        content = workbook_bytes(
            title=_("Audit log"), columns=_audit_columns(), rows=events[:50000]
        )
        return xlsx_response("nhat-ky.xlsx", content)
    page = paginate(request, events, 50)
    context = {
        "form": form,
        "page": page,
        "audit_org_names": audit_org_names(page),
        "base_query": query_without(request, "page", "format"),
        "object_types": OBJECT_TYPES,
    }
    template = "core/audit_list.html#results" if is_htmx(request) else "core/audit_list.html"
    return render(request, template, context)


@login_required
def audit_object(request: HttpRequest, object_type: str, object_id: int) -> HttpResponse:
    """The trail of one unit or person, for those who keep its records."""
    if object_type not in AUDITABLE:
        raise Http404
    model = apps.get_model(object_type)
    obj = model.objects.filter(pk=object_id).first()
    if obj is None or not permissions.can(request.user, "audit.view", obj):
        # The same answer for "missing" and "not yours": nothing leaks.
        if obj is not None and permissions.can(request.user, f"{AUDITABLE[object_type]}.view", obj):
            permissions.require(request.user, "audit.view", obj)
        raise Http404
    events = audit_for_object(object_type=object_type, object_id=str(object_id))
    page = paginate(request, events, 50)
    return render(
        request,
        "core/audit_object.html",
        {
            "obj": obj,
            "object_type": object_type,
            "kind": AUDITABLE[object_type],
            "page": page,
            "audit_org_names": audit_org_names(page),
        },
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check, on our own page (Django's has inline CSS, which the CSP
    blocks): most often the page was open too long, or the browser refuses cookies."""
    return render(request, "403_csrf.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: the database may be what failed.
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # The database is unreachable (restarting, overloaded): a passing outage, not a bug. The
        # transaction was rolled back, so nothing was saved halfway; the client may try again.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "10"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
