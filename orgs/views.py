"""Pages for organisations: list with search and export, detail with lineage, create, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import id_param, is_htmx, paginate, query_without
from orgs import selectors, services
from orgs.filters import OrgFilter
from orgs.forms import LineageForm, OrgForm
from orgs.models import Org

EXPORT_LIMIT = 100_000


def _get(request: HttpRequest, pk: int) -> Org:
    try:
        return selectors.org_get(user=request.user, pk=pk)
    except Org.DoesNotExist as exc:
        raise Http404 from exc


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Code"), lambda o: o.code, 12),
        XlsxColumn(_("Name"), lambda o: o.name, 40),
        XlsxColumn(_("Short name"), lambda o: o.short_name, 24),
        XlsxColumn(_("Kind"), lambda o: o.get_kind_display(), 26),
        XlsxColumn(_("Parent unit"), lambda o: o.parent.name if o.parent else "", 30),
        XlsxColumn(_("Address"), lambda o: o.address, 30),
        XlsxColumn(_("Valid from"), lambda o: o.valid_from, 14),
        XlsxColumn(_("Valid to"), lambda o: o.valid_to, 14),
    ]


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    """Danh sách đơn vị: search ignoring diacritics, filters, sorting, pages, Excel export."""
    permissions.require(request.user, "org.view")
    filterset = OrgFilter(request.GET or None, queryset=Org.objects.none())
    orgs = selectors.org_list(user=request.user, filters=request.GET)
    if request.GET.get("format") == "xlsx":
        content = workbook_bytes(
            title=_("Organisations"),
            columns=export_columns(),
            rows=orgs[:EXPORT_LIMIT].iterator(chunk_size=2000),
        )
        return xlsx_response("don-vi.xlsx", content)
    context = {
        "filter": filterset,
        "page": paginate(request, orgs),
        "base_query": query_without(request, "page", "format"),
        "export_query": query_without(request, "format", "page"),
        "can_create": permissions.can(request.user, "org.create"),
    }
    template = "orgs/org_list.html#results" if is_htmx(request) else "orgs/org_list.html"
    return render(request, template, context)


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _get(request, pk)
    lineage = selectors.org_lineage(org)
    linked = {e.org.pk for e in lineage.predecessors + lineage.successors} | {
        e.via.pk for e in lineage.predecessors + lineage.successors
    }
    if lineage.successor_now is not None:
        linked.add(lineage.successor_now.pk)
    # Names of other units are public facts; links only to units the user may open.
    openable = set(
        permissions.visible_orgs(request.user).filter(pk__in=linked).values_list("pk", flat=True)
    )
    children = selectors.org_children(user=request.user, org=org)
    from people.models import Person
    from register.views import unit_panel

    return render(
        request,
        "orgs/org_detail.html",
        {
            **unit_panel(org),
            "org": org,
            "lineage": lineage,
            "openable": openable,
            "children": children[:200],
            "children_count": children.count(),
            "people_count": Person.objects.filter(unit=org).count(),
            "can_change": permissions.can(request.user, "org.change", org),
            "can_audit": permissions.can(request.user, "audit.view", org),
            "can_lineage": permissions.can(request.user, "org.lineage.change", org),
            "ancestors": _ancestors(request, org),
        },
    )


def _ancestors(request: HttpRequest, org: Org) -> list[Org]:
    ids = [int(x) for x in org.path.strip("/").split("/") if x][:-1]
    found = permissions.visible_orgs(request.user).in_bulk(ids)
    return [found[i] for i in ids if i in found]


def _parent_from_code(
    request: HttpRequest, form: OrgForm, org: Org | None = None
) -> tuple[bool, Org | None]:
    code = form.cleaned_data.get("parent_code", "")
    if not code:
        if not permissions.can(request.user, "audit.view_all"):
            form.add_error("parent_code", _("Give the parent unit's code."))
            return False, None
        return True, None
    parent = permissions.visible_orgs(request.user, "org.create").filter(code=code).first()
    if parent is None:
        form.add_error("parent_code", _("No unit you may manage has the code %(c)s.") % {"c": code})
        return False, None
    return True, parent


def _form_field(form: OrgForm, exc: DomainError) -> str | None:
    field = {"parent": "parent_code"}.get(exc.field or "", exc.field)
    return field if field in form.fields else None


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "org.create")
    initial: dict[str, Any] = {}
    parent_id = id_param(request, "parent")
    if parent_id is not None:
        parent = permissions.visible_orgs(request.user, "org.create").filter(pk=parent_id).first()
        if parent is not None:
            initial["parent_code"] = parent.code
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, parent = _parent_from_code(request, form)
        if ok:
            data = {k: v for k, v in form.cleaned_data.items() if k != "parent_code"}
            try:
                org = services.org_create(actor=request.user, parent=parent, **data)
                messages.success(request, _("Unit “%(n)s” created.") % {"n": org.name})
                return redirect("orgs:org-detail", pk=org.pk)
            except DomainError as exc:
                form.add_error(_form_field(form, exc), exc.message)
    return render(request, "orgs/org_form.html", {"form": form, "org": None})


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _get(request, pk)
    permissions.require(request.user, "org.change", org)
    initial = {
        "code": org.code,
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "parent_code": org.parent.code if org.parent else "",
        "aliases": org.aliases,
        "address": org.address,
        "area": org.area,
        "valid_from": org.valid_from,
        "valid_to": org.valid_to,
    }
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["parent_code"] == initial["parent_code"]:
            ok, parent = True, org.parent
        else:
            ok, parent = _parent_from_code(request, form, org)
        if ok:
            data = {k: v for k, v in form.cleaned_data.items() if k != "parent_code"}
            try:
                services.org_update(actor=request.user, org=org, parent=parent, **data)
                messages.success(request, _("Changes to “%(n)s” saved.") % {"n": org.name})
                return redirect("orgs:org-detail", pk=org.pk)
            except DomainError as exc:
                form.add_error(_form_field(form, exc), exc.message)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@login_required
def lineage_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a merger, split, renaming or dissolution of this unit."""
    org = _get(request, pk)
    permissions.require(request.user, "org.lineage.change", org)
    form = LineageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["successor_code"]
        successor = None
        if code:
            successor = permissions.visible_orgs(request.user).filter(code=code).first()
            if successor is None:
                form.add_error(
                    "successor_code", _("No unit you can see has the code %(c)s.") % {"c": code}
                )
        if not form.errors:
            try:
                services.lineage_record(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    predecessor=org,
                    successor=successor,
                    effective_date=form.cleaned_data["effective_date"],
                    legal_basis=form.cleaned_data["legal_basis"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The change was recorded."))
                return redirect("orgs:org-detail", pk=org.pk)
            except DomainError as exc:
                field = {"successor": "successor_code"}.get(exc.field or "", exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
    return render(request, "orgs/lineage_form.html", {"form": form, "org": org})
