"""Pages for emulation movements: list, detail with participants and reviews, create, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.forms import parse_codes
from clusters.models import Cluster
from clusters.selectors import cluster_list
from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import id_param, paginate, query_without
from movements import selectors, services
from movements.forms import MovementForm, ParticipantsForm, ReviewForm
from movements.models import Movement, MovementKind, MovementReview
from orgs.models import Org

# A movement field → the form field that shows its error.
FORM_FIELDS = {
    "launched_by": "launched_by_code",
    "clusters": "cluster_codes",
    "units": "unit_codes",
}


def _movement(request: HttpRequest, pk: int) -> Movement:
    try:
        return selectors.movement_get(user=request.user, pk=pk)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc


def _form_error(form: Any, exc: DomainError) -> None:
    field = FORM_FIELDS.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    if len(value) == 4 and value.isascii() and value.isdigit() and 1900 <= int(value) <= 2100:
        return int(value)
    return None


def _managed_unit(request: HttpRequest, form: Any) -> Org | None:
    """The launching unit typed by code, among those the user may manage; a form error otherwise."""
    code = form.cleaned_data["launched_by_code"].strip().upper()
    unit = permissions.visible_orgs(request.user, "movement.manage").filter(code=code).first()
    if unit is None:
        form.add_error(
            "launched_by_code", _("No unit you may manage has the code %(c)s.") % {"c": code}
        )
    return unit


def _movement_fields(form: Any) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("launched_by_code")
    return data


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    """Danh sách phong trào thi đua the user may see: searchable, filtered, exportable."""
    permissions.require(request.user, "movement.view")
    kind = request.GET.get("kind", "")
    movements = selectors.movement_list(
        user=request.user,
        q=request.GET.get("q", ""),
        kind=kind if kind in MovementKind.values else "",
        year=_year(request),
        launched_by=id_param(request, "launched_by"),
    )
    if request.GET.get("format") == "xlsx":
        columns = [
            XlsxColumn(_("Name"), lambda m: m.name, 50),
            XlsxColumn(_("Launched by"), lambda m: m.launched_by.name, 30),
            XlsxColumn(_("Kind"), lambda m: m.get_kind_display(), 14),
            XlsxColumn(_("Scope"), lambda m: m.get_scope_display(), 20),
            XlsxColumn(_("Theme or sector"), lambda m: m.theme, 24),
            XlsxColumn(_("Start"), lambda m: m.start, 12),
            XlsxColumn(_("End"), lambda m: m.end, 12),
            XlsxColumn(_("Launching document number"), lambda m: m.decision_number, 18),
            XlsxColumn(_("Launching document date"), lambda m: m.decision_date, 14),
            XlsxColumn(_("Slogan"), lambda m: m.slogan, 30),
            XlsxColumn(_("Target groups"), lambda m: m.target_groups, 30),
        ]
        content = workbook_bytes(
            title=_("Emulation movements"), columns=columns, rows=movements.iterator()
        )
        return xlsx_response("phong-trao-thi-dua.xlsx", content)
    return render(
        request,
        "movements/movement_list.html",
        {
            "page": paginate(request, movements),
            "base_query": query_without(request, "page", "format"),
            "kinds": MovementKind.choices,
            "can_create": permissions.can(request.user, "movement.manage"),
        },
    )


@login_required
def movement_create(request: HttpRequest) -> HttpResponse:
    """Ghi nhận phong trào thi đua, launched by a unit the user may manage."""
    permissions.require(request.user, "movement.manage")
    form = MovementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = _managed_unit(request, form)
        if unit is not None:
            try:
                movement = services.movement_create(
                    actor=request.user, launched_by=unit, **_movement_fields(form)
                )
                messages.success(request, _("“%(n)s” created.") % {"n": movement.name})
                return redirect("movements:movement-detail", pk=movement.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "movements/movement_form.html", {"form": form, "movement": None})


def _detail_context(request: HttpRequest, movement: Movement, **forms: Any) -> dict[str, Any]:
    clusters = list(movement.clusters.all())
    units = list(movement.participants.all())
    # A cluster taking part may lie out of the user's sight: named, but not linked.
    linked = cluster_list(user=request.user).filter(pk__in=[c.pk for c in clusters])
    return {
        "movement": movement,
        "clusters": clusters,
        "linked_cluster_ids": set(linked.values_list("pk", flat=True)) if clusters else set(),
        "units": units,
        "reviews": list(movement.reviews.all()),
        "may_manage": permissions.can(request.user, "movement.manage", movement),
        "participants_form": forms.get("participants_form")
        or ParticipantsForm(
            initial={
                "cluster_codes": "\n".join(c.code for c in clusters),
                "unit_codes": "\n".join(u.code for u in units),
            }
        ),
        "review_form": forms.get("review_form") or ReviewForm(),
    }


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(request, pk)
    return render(request, "movements/movement_detail.html", _detail_context(request, movement))


@login_required
def movement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(request, pk)
    permissions.require(request.user, "movement.manage", movement)
    initial = {
        name: getattr(movement, name)
        for name in MovementForm.base_fields
        if name != "launched_by_code"
    }
    initial["launched_by_code"] = movement.launched_by.code
    form = MovementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _managed_unit(request, form)
        if unit is not None:
            try:
                movement = services.movement_update(
                    actor=request.user,
                    movement=movement,
                    launched_by=unit,
                    **_movement_fields(form),
                )
                messages.success(request, _("Changes to %(n)s saved.") % {"n": movement.name})
                return redirect("movements:movement-detail", pk=movement.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "movements/movement_form.html", {"form": form, "movement": movement})


def _by_code(items: Any, codes: list[str]) -> tuple[list[Any], list[str]]:
    found = {item.code: item for item in items.filter(code__in=codes)}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


@login_required
@require_POST
def movement_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the clusters (by code, among those the user sees) and the units (by code) taking part."""
    movement = _movement(request, pk)
    permissions.require(request.user, "movement.manage", movement)
    form = ParticipantsForm(request.POST)
    if form.is_valid():
        clusters, unknown_clusters = _by_code(
            Cluster.objects.filter(pk__in=cluster_list(user=request.user).values("pk")),
            parse_codes(form.cleaned_data["cluster_codes"]),
        )
        units, unknown_units = _by_code(
            Org.objects.all(), parse_codes(form.cleaned_data["unit_codes"])
        )
        if unknown_clusters:
            form.add_error(
                "cluster_codes",
                _("Unknown cluster codes: %(c)s.") % {"c": ", ".join(unknown_clusters)},
            )
        if unknown_units:
            form.add_error(
                "unit_codes", _("Unknown unit codes: %(c)s.") % {"c": ", ".join(unknown_units)}
            )
        if not form.errors:
            try:
                services.movement_set_participants(
                    actor=request.user, movement=movement, clusters=clusters, units=units
                )
                messages.success(request, _("Participants saved."))
                return redirect("movements:movement-detail", pk=movement.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(
        request,
        "movements/movement_detail.html",
        _detail_context(request, movement, participants_form=form),
    )


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Ghi nhận sơ kết / tổng kết phong trào, with its document."""
    movement = _movement(request, pk)
    permissions.require(request.user, "movement.manage", movement)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_add(actor=request.user, movement=movement, **form.cleaned_data)
            messages.success(request, _("The review is recorded."))
            return redirect("movements:movement-detail", pk=movement.pk)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "movements/review_form.html", {"movement": movement, "form": form})


@login_required
def review_document(request: HttpRequest, review_id: int) -> HttpResponseBase:
    """Download a review's document, for those who may see its movement."""
    try:
        review = selectors.review_get(user=request.user, review_id=review_id)
    except MovementReview.DoesNotExist as exc:
        raise Http404 from exc
    if not review.document:
        raise Http404
    return FileResponse(
        review.document.open("rb"), as_attachment=True, filename=review.document_name
    )
