"""Pages for exemplary models: the list per unit and year with its summary by stage (and Excel),
recording and correcting one, its detail with the stage timeline, moving on and linking."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import is_htmx, paginate, query_without
from exemplary import forms, rules, selectors, services
from exemplary.models import STAGES, ExemplaryModel, Kind, Stage
from movements.models import Movement
from orgs.models import Org
from people.models import Person
from register.models import Record

EXPORT_LIMIT = 100_000
# A service's field → the form field that shows its error.
FORM_FIELDS = {
    "org": "org_code",
    "person": "person_name",
    "collective": "subject_code",
    "stage": None,
}


def _form_error(form: Any, exc: DomainError) -> None:
    field = FORM_FIELDS.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _model(request: HttpRequest, pk: int) -> ExemplaryModel:
    try:
        return selectors.exemplary_get(user=request.user, pk=pk)
    except ExemplaryModel.DoesNotExist as exc:
        raise Http404 from exc


def _unit(request: HttpRequest, code: str, action: str) -> Org | None:
    return permissions.visible_orgs(request.user, action).filter(code=code).first()


def export_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Name"), lambda m: m.name, 40),
        XlsxColumn(_("Kind"), lambda m: m.get_kind_display(), 16),
        XlsxColumn(
            _("Individual or collective"),
            lambda m: (
                m.person.full_name if m.person_id else m.collective.name if m.collective_id else ""
            ),
            30,
        ),
        XlsxColumn(_("Kept by"), lambda m: m.org.name, 30),
        XlsxColumn(_("Unit code"), lambda m: m.org.code, 14),
        XlsxColumn(_("Year discovered"), lambda m: m.year, 10),
        XlsxColumn(_("Field or sector"), lambda m: m.sector, 24),
        XlsxColumn(_("Stage"), lambda m: m.get_stage_display(), 14),
        XlsxColumn(_("Since"), lambda m: m.since, 12),
        XlsxColumn(_("Description"), lambda m: m.description, 50),
    ]


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    """Điển hình tiên tiến of a unit (with the units below it) and a year, counted by stage."""
    permissions.require(request.user, "exemplary.view")
    form = forms.FilterForm(request.GET or None)
    models = ExemplaryModel.objects.none()
    unit = None
    if not request.GET or form.is_valid():
        filters: dict[str, Any] = dict(form.cleaned_data) if form.is_bound else {}
        code = filters.pop("unit_code", "")
        if code:
            unit = _unit(request, code, "exemplary.view")
            if unit is None:
                form.add_error(
                    "unit_code", _("No unit you may see has the code %(c)s.") % {"c": code}
                )
        if not form.errors:
            models = selectors.exemplary_list(user=request.user, unit=unit, **filters)
    if request.GET.get("format") == "xlsx" and not form.errors:
        content = workbook_bytes(
            title=_("Exemplary models"),
            columns=export_columns(),
            rows=selectors.with_details(models)[:EXPORT_LIMIT].iterator(chunk_size=2000),
        )
        return xlsx_response("dien-hinh-tien-tien.xlsx", content)
    context = {
        "form": form,
        "unit": unit,
        "summary": selectors.stage_summary(models),
        "stages": Stage.choices,
        "page": paginate(request, selectors.with_details(models)),
        "base_query": query_without(request, "page", "format"),
        "export_query": query_without(request, "format", "page"),
        "can_manage": permissions.can(request.user, "exemplary.manage"),
    }
    template = (
        "exemplary/model_list.html#results" if is_htmx(request) else "exemplary/model_list.html"
    )
    return render(request, template, context)


def _subject(
    request: HttpRequest, form: forms.ExemplaryForm, keeper: Org
) -> tuple[Person | None, Org | None]:
    """The individual (by name in a unit, and birth year) or the collective (by code) typed."""
    data = form.cleaned_data
    if data["kind"] == Kind.COLLECTIVE:
        collective = _unit(request, data["subject_code"], "org.view")
        if collective is None:
            raise DomainError(_("No unit you may see has this code."), field="collective")
        return None, collective
    if data["kind"] != Kind.PERSON:
        return None, None
    unit = keeper
    if data["subject_code"]:
        found = _unit(request, data["subject_code"], "person.view")
        if found is None:
            raise DomainError(_("No unit you may see has this code."), field="subject_code")
        unit = found
    people = selectors.people_named(
        user=request.user, unit=unit, name=data["person_name"], birth_year=data["birth_year"]
    )
    if not people:
        raise DomainError(
            _("Nobody of that name is registered in %(u)s; register the person first.")
            % {"u": unit.name},
            field="person_name",
        )
    if len(people) > 1:
        raise DomainError(
            _("Several people have that name: %(list)s. Give the birth year or a lower unit.")
            % {
                "list": "; ".join(
                    f"{p.full_name} ({p.birth_year or '?'}, {p.unit.name})" for p in people
                )
            },
            field="person_name",
        )
    return people[0], None


@login_required
def model_create(request: HttpRequest) -> HttpResponse:
    """Ghi nhận điển hình tiên tiến mới phát hiện, kept by a unit the user manages."""
    permissions.require(request.user, "exemplary.manage")
    form = forms.ExemplaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        keeper = _unit(request, data["org_code"], "exemplary.manage")
        if keeper is None:
            form.add_error("org_code", _("No unit you may manage has this code."))
        else:
            try:
                person, collective = _subject(request, form, keeper)
                model = services.exemplary_create(
                    actor=request.user,
                    kind=data["kind"],
                    org=keeper,
                    discovered_on=data["discovered_on"],
                    name=data["name"],
                    person=person,
                    collective=collective,
                    sector=data["sector"],
                    description=data["description"],
                    note=data["note"],
                )
                messages.success(request, _("“%(n)s” recorded.") % {"n": model.name})
                return redirect("exemplary:model-detail", pk=model.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "exemplary/model_form.html", {"form": form, "model": None})


@login_required
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, "exemplary.view")
    model = _model(request, pk)
    permissions.require(request.user, "exemplary.manage", model)
    initial = {
        "org_code": model.org.code,
        "name": model.name,
        "sector": model.sector,
        "description": model.description,
    }
    form = forms.EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        keeper = _unit(request, data.pop("org_code"), "exemplary.manage")
        if keeper is None:
            form.add_error("org_code", _("No unit you may manage has this code."))
        else:
            try:
                model = services.exemplary_update(
                    actor=request.user, model=model, org=keeper, **data
                )
                messages.success(request, _("Changes to %(n)s saved.") % {"n": model.name})
                return redirect("exemplary:model-detail", pk=model.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "exemplary/model_form.html", {"form": form, "model": model})


def _links_form(request: HttpRequest, model: ExemplaryModel, data: Any = None) -> forms.LinksForm:
    movements = selectors.linkable_movements(user=request.user)
    chosen = list(model.movements.all())
    known = {m.pk for m in movements}
    # A movement linked by someone who sees more stays listed, so saving keeps it.
    movements += [m for m in chosen if m.pk not in known]
    return forms.LinksForm(
        data,
        movements=movements,
        records=selectors.linkable_records(user=request.user, model=model),
        initial={
            "movements": [m.pk for m in chosen],
            "records": [r.pk for r in model.records.all()],
        },
    )


def _detail(request: HttpRequest, model: ExemplaryModel, **bound: Any) -> dict[str, Any]:
    may_manage = permissions.can(request.user, "exemplary.manage", model)
    next_stage = model.next_stage
    steps = list(model.steps.all())
    reached = {s.stage: s for s in steps}
    context: dict[str, Any] = {
        "model": model,
        "timeline": [
            {"stage": value, "label": label, "step": reached.get(value)}
            for value, label in Stage.choices
        ],
        "movements": list(model.movements.all()),
        "records": list(model.records.all()),
        "may_manage": may_manage,
        "next_stage": next_stage,
        "next_stage_name": rules.stage_name(next_stage) if next_stage else "",
        "stage_number": STAGES.index(model.stage) + 1,
        "stage_count": len(STAGES),
    }
    if may_manage:
        context["advance_form"] = bound.get("advance_form") or forms.AdvanceForm(
            initial={"stage": next_stage}
        )
        context["links_form"] = bound.get("links_form") or _links_form(request, model)
    return context


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, "exemplary.view")
    model = _model(request, pk)
    return render(request, "exemplary/model_detail.html", _detail(request, model))


@login_required
@require_POST
def model_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move on to the next stage (bồi dưỡng → tổng kết → nhân rộng), dated, with a note."""
    permissions.require(request.user, "exemplary.view")
    model = _model(request, pk)
    permissions.require(request.user, "exemplary.manage", model)
    form = forms.AdvanceForm(request.POST)
    if form.is_valid():
        try:
            step = services.exemplary_advance(actor=request.user, model=model, **form.cleaned_data)
            messages.success(
                request, _("Moved on to “%(s)s”.") % {"s": rules.stage_name(step.stage)}
            )
            return redirect("exemplary:model-detail", pk=model.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request, "exemplary/model_detail.html", _detail(request, model, advance_form=form)
    )


@login_required
@require_POST
def model_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the movements and commendations linked to an exemplary model."""
    permissions.require(request.user, "exemplary.view")
    model = _model(request, pk)
    permissions.require(request.user, "exemplary.manage", model)
    form = _links_form(request, model, request.POST)
    if form.is_valid():
        movement_ids = form.cleaned_data["movements"]
        record_ids = form.cleaned_data["records"]
        try:
            services.exemplary_link(
                actor=request.user,
                model=model,
                movements=list(Movement.objects.filter(pk__in=movement_ids)),
                records=list(Record.objects.filter(pk__in=record_ids).select_related("decision")),
            )
            messages.success(request, _("Links saved."))
            return redirect("exemplary:model-detail", pk=model.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "exemplary/model_detail.html", _detail(request, model, links_form=form))
