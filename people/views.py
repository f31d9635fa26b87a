"""Pages for people: list with search and export, detail with postings, create, edit, transfer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import id_param, is_htmx, paginate, query_without
from people import selectors, services
from people.filters import PersonFilter
from people.forms import PersonCreateForm, PersonForm, TransferForm
from people.models import Person
from people.personal import PARAM as PERSONAL
from people.personal import PersonalExport, may_export_personal, personal_export

EXPORT_LIMIT = 100_000


def _get(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.person_get(user=request.user, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def export_columns(personal: PersonalExport | None = None) -> list[XlsxColumn]:
    # ID numbers are personal data: only when asked for by a user who may see them.
    return [
        XlsxColumn(_("Full name"), lambda p: p.full_name, 28),
        XlsxColumn(_("Gender"), lambda p: p.get_gender_display(), 10),
        XlsxColumn(_("Birth year"), lambda p: p.birth_year, 10),
        *(personal.columns(lambda p: p) if personal else []),
        XlsxColumn(_("Ethnicity"), lambda p: p.ethnicity, 12),
        XlsxColumn(_("Position"), lambda p: p.position, 24),
        XlsxColumn(_("Category"), lambda p: p.get_category_display(), 28),
        XlsxColumn(_("Unit code"), lambda p: p.unit.code, 14),
        XlsxColumn(_("Unit"), lambda p: p.unit.name, 36),
    ]


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "person.view")
    filterset = PersonFilter(request.GET or None, queryset=Person.objects.none())
    people = selectors.person_list(user=request.user, filters=request.GET)
    if request.GET.get("format") == "xlsx":
        personal = personal_export(request)
        content = workbook_bytes(
            title=_("People"),
            columns=export_columns(personal),
            rows=people[:EXPORT_LIMIT].iterator(chunk_size=2000),
            notes=personal.notes(),
        )
        return xlsx_response("ca-nhan.xlsx", content)
    unit_id = id_param(request, "unit")
    unit = permissions.visible_orgs(request.user).filter(pk=unit_id).first() if unit_id else None
    context = {
        "filter": filterset,
        "unit": unit,
        "page": paginate(request, people),
        "base_query": query_without(request, "page", "format", PERSONAL),
        "export_query": query_without(request, "format", "page", PERSONAL),
        "can_export_personal": may_export_personal(request.user),
        "can_create": permissions.can(request.user, "person.create"),
    }
    template = "people/person_list.html#results" if is_htmx(request) else "people/person_list.html"
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, pk)
    from register.views import person_panel

    return render(
        request,
        "people/person_detail.html",
        {
            **person_panel(person, request.user),
            "person": person,
            "postings": selectors.person_postings(person=person),
            "show_personal": permissions.can(request.user, "person.view_personal", person),
            "can_change": permissions.can(request.user, "person.change", person),
            "can_audit": permissions.can(request.user, "audit.view", person),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "person.create")
    initial = {}
    unit_id = id_param(request, "unit")
    if unit_id is not None:
        unit = permissions.visible_orgs(request.user, "person.create").filter(pk=unit_id).first()
        if unit is not None:
            initial["unit_code"] = unit.code
    form = PersonCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("unit_code")
        unit = permissions.visible_orgs(request.user, "person.create").filter(code=code).first()
        if unit is None:
            form.add_error(
                "unit_code", _("No unit you may manage has the code %(c)s.") % {"c": code}
            )
        else:
            try:
                person = services.person_create(actor=request.user, unit=unit, **data)
                messages.success(request, _("%(n)s was registered.") % {"n": person.full_name})
                return redirect("people:person-detail", pk=person.pk)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, pk)
    permissions.require(request.user, "person.change", person)
    initial = {f: getattr(person, f) for f in PersonForm.base_fields}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, _("Changes to %(n)s saved.") % {"n": person.full_name})
            return redirect("people:person-detail", pk=person.pk)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Chuyển công tác: close the current posting and open one in another unit."""
    person = _get(request, pk)
    permissions.require(request.user, "person.change", person)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("to_unit_code")
        unit = permissions.visible_orgs(request.user, "person.create").filter(code=code).first()
        if unit is None:
            form.add_error(
                "to_unit_code", _("No unit you may manage has the code %(c)s.") % {"c": code}
            )
        else:
            try:
                services.person_transfer(actor=request.user, person=person, to_unit=unit, **data)
                messages.success(
                    request,
                    _("%(n)s now works in %(u)s.") % {"n": person.full_name, "u": unit.name},
                )
                return redirect("people:person-detail", pk=person.pk)
            except DomainError as exc:
                field = {"to_unit": "to_unit_code"}.get(exc.field or "", exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
    return render(request, "people/transfer_form.html", {"form": form, "person": person})
