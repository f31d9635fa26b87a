"""Pages of the covenant (giao ước thi đua) and of the members' registrations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters import covenants, selectors
from clusters.forms import CovenantForm, RegistrationForm, ReturnForm, SignForm, TargetFormSet
from clusters.models import ClusterYear, Covenant, CovenantStatus, Registration
from clusters.views import _cluster, _form_error, _require_run, _year
from core import permissions
from core.codes import code_name
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.text import number_input, parse_number

STEPS = [
    (CovenantStatus.DRAFT, _("Draft")),
    (CovenantStatus.SENT, _("Sent, members register")),
    (CovenantStatus.SIGNED, _("Signed")),
    (CovenantStatus.LOCKED, _("Locked")),
]


def _covenant_or_404(cluster_year: ClusterYear) -> Covenant:
    covenant = selectors.covenant_of(cluster_year)
    if covenant is None:
        raise Http404
    return covenant


def _meetings(cluster_year: ClusterYear) -> list[Any]:
    return list(cluster_year.meetings.order_by("date"))


def _covenant_form(cluster_year: ClusterYear, covenant: Covenant | None, data: Any = None) -> Any:
    initial = {}
    if covenant is not None:
        initial = {
            "title": covenant.title,
            "text": covenant.text,
            "criteria": "\n".join(c.text for c in covenant.criteria.all()),
            "registration_due": covenant.registration_due,
            "signing_meeting": covenant.signing_meeting_id,
        }
    else:
        initial = {
            "title": _("Emulation covenant %(y)s of %(c)s")
            % {"y": cluster_year.year, "c": cluster_year.cluster.name}
        }
    return CovenantForm(data, meetings=_meetings(cluster_year), initial=initial)


def _page(
    request: HttpRequest, cluster_year: ClusterYear, covenant: Covenant | None, **forms: Any
) -> HttpResponse:
    may_run = permissions.can_run_cluster_year(request.user, cluster_year)
    registrations = list(covenant.registrations.all()) if covenant else []
    for registration in registrations:
        registration.title_names = [code_name(c) for c in registration.titles]  # type: ignore[attr-defined]
    status_order: list[str] = [str(s) for s, _label in STEPS]
    current = status_order.index(covenant.status) if covenant else -1
    return render(
        request,
        "clusters/covenant.html",
        {
            "cluster": cluster_year.cluster,
            "cy": cluster_year,
            "covenant": covenant,
            "registrations": registrations,
            "accepted": sum(r.status == "accepted" for r in registrations),
            "steps": [
                {"label": label, "done": i < current, "current": i == current}
                for i, (_s, label) in enumerate(STEPS)
            ],
            "may_run": may_run,
            "form": forms.get("form")
            or (
                _covenant_form(cluster_year, covenant)
                if may_run and (covenant is None or covenant.status == CovenantStatus.DRAFT)
                else None
            ),
            "sign_form": forms.get("sign_form")
            or SignForm(
                meetings=_meetings(cluster_year),
                initial={"signing_meeting": covenant.signing_meeting_id if covenant else None},
            ),
            "mine": [
                r for r in registrations if permissions.can_act_for_member(request.user, r.org)
            ],
        },
    )


@login_required
def covenant_page(request: HttpRequest, pk: int, year: int) -> HttpResponseBase:
    """The covenant: its text and criteria, the members' registrations and the workflow's steps."""
    cluster_year = _year(request, pk, year)
    covenant = selectors.covenant_of(cluster_year)
    if request.GET.get("format") == "xlsx":
        if covenant is None:
            raise Http404
        return _export(cluster_year, covenant)
    if request.method != "POST":
        return _page(request, cluster_year, covenant)
    _require_run(request, cluster_year)
    form = _covenant_form(cluster_year, covenant, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        meeting = (
            cluster_year.meetings.filter(pk=data["signing_meeting"]).first()
            if data["signing_meeting"]
            else None
        )
        fields = {
            "title": data["title"],
            "text": data["text"],
            "criteria": data["criteria"].splitlines(),
            "registration_due": data["registration_due"],
            "signing_meeting": meeting,
        }
        try:
            if covenant is None:
                covenants.covenant_create(actor=request.user, cluster_year=cluster_year, **fields)
                messages.success(request, _("The covenant is drafted."))
            else:
                covenants.covenant_update(actor=request.user, covenant=covenant, **fields)
                messages.success(request, _("The covenant is saved."))
            return redirect("clusters:covenant", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return _page(request, cluster_year, covenant, form=form)


def _step(request: HttpRequest, pk: int, year: int, action: str) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    covenant = _covenant_or_404(cluster_year)
    try:
        if action == "send":
            covenants.covenant_send(actor=request.user, covenant=covenant)
            messages.success(request, _("The covenant is sent: each member can now register."))
        else:
            covenants.covenant_lock(actor=request.user, covenant=covenant)
            messages.success(request, _("The covenant is locked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("clusters:covenant", pk=pk, year=year)


@login_required
@require_POST
def covenant_send(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _step(request, pk, year, "send")


@login_required
@require_POST
def covenant_lock(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _step(request, pk, year, "lock")


@login_required
@require_POST
def covenant_sign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    covenant = _covenant_or_404(cluster_year)
    form = SignForm(request.POST, request.FILES, meetings=_meetings(cluster_year))
    if form.is_valid():
        meeting_id = form.cleaned_data["signing_meeting"]
        meeting = cluster_year.meetings.filter(pk=meeting_id).first() if meeting_id else None
        try:
            covenants.covenant_sign(
                actor=request.user,
                covenant=covenant,
                signed_on=form.cleaned_data["signed_on"],
                scan=form.cleaned_data["scan"],
                signing_meeting=meeting,
            )
            messages.success(request, _("The signing of the covenant is recorded."))
            return redirect("clusters:covenant", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return _page(request, cluster_year, covenant, sign_form=form)


@login_required
def covenant_scan(request: HttpRequest, pk: int, year: int) -> HttpResponseBase:
    """The signed scan, for those who may see the cluster."""
    covenant = _covenant_or_404(_year(request, pk, year))
    if not covenant.signed_scan:
        raise Http404
    return FileResponse(
        covenant.signed_scan.open("rb"), as_attachment=True, filename=covenant.signed_scan_name
    )


def _export(cluster_year: ClusterYear, covenant: Covenant) -> HttpResponse:
    rows = [
        (registration, target)
        for registration in covenant.registrations.all()
        for target in (list(registration.targets.all()) or [None])  # type: ignore[list-item]
    ]
    columns = [
        XlsxColumn(_("Member unit"), lambda r: r[0].org.name, 36),
        XlsxColumn(_("Status"), lambda r: r[0].get_status_display(), 22),
        XlsxColumn(
            _("Titles and forms striven for"),
            lambda r: "; ".join(code_name(c) for c in r[0].titles),
            40,
        ),
        XlsxColumn(_("Target"), lambda r: r[1].name if r[1] else "", 40),
        XlsxColumn(_("Unit of measure"), lambda r: r[1].measure if r[1] else "", 14),
        XlsxColumn(_("Target value"), lambda r: r[1].value if r[1] else None, 14),
        XlsxColumn(_("Deadline"), lambda r: r[1].deadline if r[1] else None, 12),
    ]
    content = workbook_bytes(title=covenant.title[:120], columns=columns, rows=rows)
    return xlsx_response(f"giao-uoc-{cluster_year.year}.xlsx", content)


# --- Registrations ----------------------------------------------------------------------------


def _registration(request: HttpRequest, registration_id: int) -> Registration:
    registration = (
        Registration.objects.select_related(
            "covenant__cluster_year__cluster", "covenant__cluster_year__head", "org"
        )
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404
    _cluster(request, registration.covenant.cluster_year.cluster_id)  # visible with its cluster
    return registration


def _target_initial(registration: Registration) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "measure": t.measure,
            "value": number_input(t.value),
            "deadline": t.deadline,
        }
        for t in registration.targets.all()
    ]


@login_required
def registration_page(request: HttpRequest, registration_id: int) -> HttpResponse:
    """A member's registration: its targets and titles; the member edits and registers it, the
    secretariat accepts it or returns it with a reason."""
    registration = _registration(request, registration_id)
    covenant = registration.covenant
    cluster_year = covenant.cluster_year
    may_act = permissions.can_act_for_member(request.user, registration.org)
    may_run = permissions.can_run_cluster_year(request.user, cluster_year)
    editable = (
        may_act
        and covenant.status == CovenantStatus.SENT
        and registration.status in ("draft", "returned")
    )
    formset = TargetFormSet(prefix="t", initial=_target_initial(registration))
    form = RegistrationForm(initial={"titles": registration.titles, "note": registration.note})
    if request.method == "POST":
        if not may_act:
            permissions.require(request.user, "cluster.act_for_member", registration.org)
        formset = TargetFormSet(request.POST, prefix="t", initial=_target_initial(registration))
        form = RegistrationForm(request.POST)
        if formset.is_valid() and form.is_valid():
            targets = [
                covenants.TargetInput(
                    name=f.cleaned_data["name"],
                    measure=f.cleaned_data["measure"],
                    value=parse_number(f.cleaned_data["value"]),
                    deadline=f.cleaned_data["deadline"],
                )
                for f in formset.forms
                if f.cleaned_data and not f.is_blank()
            ]
            try:
                covenants.registration_save(
                    actor=request.user,
                    registration=registration,
                    targets=targets,
                    titles=form.cleaned_data["titles"],
                    note=form.cleaned_data["note"],
                )
                if request.POST.get("action") == "register":
                    covenants.registration_register(actor=request.user, registration=registration)
                    messages.success(request, _("Registered: the secretariat will review it."))
                else:
                    messages.success(request, _("Saved. Register when the targets are ready."))
                return redirect("clusters:registration", registration_id=registration.pk)
            except DomainError as exc:
                form.add_error(None, exc.message)
    return render(
        request,
        "clusters/registration.html",
        {
            "registration": registration,
            "covenant": covenant,
            "cy": cluster_year,
            "cluster": cluster_year.cluster,
            "targets": list(registration.targets.all()),
            "titles": [code_name(c) for c in registration.titles],
            "editable": editable,
            "may_run": may_run,
            "formset": formset,
            "form": form,
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_POST
def registration_decide(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The secretariat accepts a registration, or returns it with a reason."""
    registration = _registration(request, registration_id)
    cluster_year = registration.covenant.cluster_year
    _require_run(request, cluster_year)
    try:
        if request.POST.get("action") == "accept":
            covenants.registration_accept(actor=request.user, registration=registration)
            messages.success(
                request, _("%(org)s's registration is accepted.") % {"org": registration.org.name}
            )
        else:
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            covenants.registration_return(
                actor=request.user, registration=registration, reason=str(reason)
            )
            messages.success(
                request,
                _("%(org)s's registration is returned with your reason.")
                % {"org": registration.org.name},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("clusters:registration", registration_id=registration.pk)
    return redirect("clusters:covenant", pk=cluster_year.cluster_id, year=cluster_year.year)
