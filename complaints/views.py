"""Pages of complaints and denunciations: the handlers' list, intake, a complaint's page with its
timeline and handling forms, a public comment turned into a complaint, and the public intake page
of a dossier under public comment (no sign-in)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import forms, rules, selectors, services
from complaints.models import Complaint
from core import permissions
from core.clients import client_address
from core.errors import DomainError
from core.listing import is_htmx, paginate, query_without
from core.text import fold
from dossiers import selectors as dossier_selectors
from dossiers.models import Dossier, PublicComment
from dossiers.services import source_key
from register import selectors as register_selectors
from register.models import Decision, Record


def _form_error(form: Any, exc: DomainError, mapping: dict[str, str] | None = None) -> None:
    field = (mapping or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    complaint = selectors.visible_complaints(request.user).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def _link(name: str, *args: Any) -> str:
    """A page's address, or "" while the page does not exist (a subject's app without pages)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- list -------------------------------------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "complaint.handle")
    form = forms.FilterForm(request.GET or None)
    today = timezone.localdate()
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = paginate(request, selectors.complaint_list(user=request.user, filters=filters))
    for c in page:
        c.overdue = rules.is_overdue(c.status, c.due_on, today)  # type: ignore[attr-defined]
        c.show_identity = selectors.can_see_identity(request.user, c)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "base_query": query_without(request, "page"),
        "overdue": selectors.overdue_count(user=request.user, today=today),
    }
    template = (
        "complaints/complaint_list.html#results"
        if is_htmx(request)
        else "complaints/complaint_list.html"
    )
    return render(request, template, context)


# --- intake -----------------------------------------------------------------------------------------


def _initial_subject(request: HttpRequest) -> dict[str, Any]:
    """Prefill from a link on a subject's page: ?dossier=HS-…, ?decision=<id>, ?record=<id>."""
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    if request.GET.get("dossier"):
        initial["dossier_reference"] = request.GET["dossier"][:30]
    decision_id = request.GET.get("decision", "")
    if decision_id.isdigit():
        decision = (
            register_selectors.visible_decisions(request.user).filter(pk=int(decision_id)).first()
        )
        if decision is not None:
            initial.update(decision_number=decision.number, issuer_code=decision.issuer.code)
    record_id = request.GET.get("record", "")
    if record_id.isdigit():
        record = register_selectors.visible_records(request.user).filter(pk=int(record_id)).first()
        if record is not None:
            initial["record"] = record.pk
    return initial


def _resolve_subject(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The dossier, decision, commendation and unit named in the intake form, among those the
    user may see; a DomainError on the field that names nothing."""
    found: dict[str, Any] = {"dossier": None, "decision": None, "record": None, "org": None}
    if data.get("dossier_reference"):
        dossier = (
            dossier_selectors.visible_dossiers(user)
            .filter(reference=data["dossier_reference"])
            .first()
        )
        if dossier is None:
            raise DomainError(
                _("No dossier you may see has this reference."), field="dossier_reference"
            )
        found["dossier"] = dossier
    if data.get("decision_number"):
        decision = _decision_by_number(user, data["issuer_code"], data["decision_number"])
        if decision is None:
            raise DomainError(
                _("No decision you may see has this number and issuer."), field="decision_number"
            )
        found["decision"] = decision
        if data.get("recipient_name"):
            found["record"] = _record_by_name(user, decision, data["recipient_name"])
    if data.get("record") and found["record"] is None:
        found["record"] = (
            register_selectors.visible_records(user)
            .select_related("decision__issuer")
            .filter(pk=data["record"])
            .first()
        )
    if data.get("org_code"):
        org = permissions.visible_orgs(user, "complaint.handle").filter(code=data["org_code"])
        found["org"] = org.first()
        if found["org"] is None:
            raise DomainError(
                _("You do not handle complaints for a unit with this code."), field="org_code"
            )
    return found


def _decision_by_number(user: Any, issuer_code: str, number: str) -> Decision | None:
    """The issuer's decision of that number, ignoring case and diacritics ("QĐ" and "qđ"; SQLite
    folds ASCII letters only, so the numbers of the same length are compared here)."""
    key = fold(number)
    candidates = (
        register_selectors.visible_decisions(user)
        .filter(issuer__code=issuer_code)
        .annotate(n=Length("number"))
        .filter(n=len(number))
    )
    return next((d for d in candidates if fold(d.number) == key), None)


def _record_by_name(user: Any, decision: Decision, name: str) -> Record:
    key = fold(name)
    records = [
        r
        for r in register_selectors.visible_records(user)
        .filter(decision=decision)
        .select_related("person", "org", "decision__issuer")
        if fold(forms.recipient_name(r)) == key
    ]
    if not records:
        raise DomainError(_("Nobody of that name is in the decision."), field="recipient_name")
    if len(records) > 1:
        raise DomainError(
            _("Several recipients of the decision have that name."), field="recipient_name"
        )
    return records[0]


@login_required
def complaint_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "complaint.handle")
    form = forms.IntakeForm(request.POST or None, initial=_initial_subject(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject = _resolve_subject(request.user, data)
            complaint = services.complaint_receive(
                actor=request.user,
                kind=data["kind"],
                content=data["content"],
                complainant_name=data["complainant_name"],
                complainant_contact=data["complainant_contact"],
                complainant_address=data["complainant_address"],
                received_on=data["received_on"],
                **subject,
            )
        except DomainError as exc:
            _form_error(
                form,
                exc,
                {
                    "subject": "dossier_reference",
                    "decision": "decision_number",
                    "record": "recipient_name",
                },
            )
        else:
            messages.success(request, _("Complaint %(r)s recorded.") % {"r": complaint.reference})
            return redirect("complaints:complaint-detail", pk=complaint.pk)
    record = None
    record_id = form["record"].value()
    if record_id and str(record_id).isdigit():
        record = (
            register_selectors.visible_records(request.user)
            .select_related("person", "org", "decision")
            .filter(pk=int(record_id))
            .first()
        )
    return render(
        request,
        "complaints/complaint_form.html",
        {
            "form": form,
            "record": record,
            "record_label": forms.record_label(record) if record else "",
        },
    )


# --- a complaint's page -----------------------------------------------------------------------------


def _detail(request: HttpRequest, complaint: Complaint, **bound: Any) -> HttpResponse:
    user = request.user
    handles = selectors.can_handle(user, complaint)
    may_assign = permissions.can(user, "complaint.handle", complaint.org)
    today = timezone.localdate()
    is_open = complaint.is_open
    context: dict[str, Any] = {
        "complaint": complaint,
        "steps": selectors.steps(complaint),
        "show_identity": selectors.can_see_identity(user, complaint),
        "can_handle": handles and is_open,
        "can_assign": may_assign and is_open,
        "can_extend": handles and is_open and not complaint.extended,
        "overdue": rules.is_overdue(complaint.status, complaint.due_on, today),
        "days_left": dossier_selectors.working_days_left(today, complaint.due_on)
        if is_open
        else None,
        "limit": rules.TIME_LIMITS[complaint.kind],
        "links": _subject_links(complaint),
    }
    if may_assign and is_open:
        context["assign_form"] = forms.AssignForm(handlers=selectors.handlers_for(complaint.org))
    if handles and is_open:
        context["step_form"] = forms.StepForm()
        context["extend_form"] = forms.ExtendForm()
        context["dismiss_form"] = forms.DismissForm()
        if complaint.status == rules.HANDLING:
            context["resolve_form"] = forms.ResolveForm(
                records=selectors.revocable_records(complaint)
            )
    # A form sent back with its errors takes the place of the empty one.
    context.update(bound)
    return render(request, "complaints/complaint_detail.html", context)


def _subject_links(complaint: Complaint) -> dict[str, str]:
    links = {}
    if complaint.dossier_id:
        links["dossier"] = _link("dossiers:dossier-detail", complaint.dossier_id)
    if complaint.decision_id:
        links["decision"] = _link("register:decision-detail", complaint.decision_id)
    if complaint.record is not None:
        links["record"] = _link("register:decision-detail", complaint.record.decision_id)
    if complaint.revocation is not None:
        links["revocation"] = _link(
            "register:decision-detail", complaint.revocation.record.decision_id
        )
    return links


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _complaint(request, pk))


def _acted(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("complaints:complaint-detail", pk=complaint.pk)


def _require_handler(request: HttpRequest, complaint: Complaint) -> None:
    if not selectors.can_handle(request.user, complaint):
        raise permissions.PermissionDenied("complaint.handle")


@login_required
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    permissions.require(request.user, "complaint.handle", complaint.org)
    form = forms.AssignForm(request.POST, handlers=selectors.handlers_for(complaint.org))
    if form.is_valid():
        assignee = form.handlers.get(form.cleaned_data["assignee"])
        try:
            services.complaint_assign(
                actor=request.user,
                complaint=complaint,
                assignee=assignee,
                note=form.cleaned_data["note"],
            )
            return _acted(request, complaint, _("Assigned to %(u)s.") % {"u": assignee})
        except DomainError as exc:
            _form_error(form, exc)
    return _detail(request, complaint, assign_form=form)


@login_required
@require_POST
def complaint_step(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    _require_handler(request, complaint)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_step(
                actor=request.user, complaint=complaint, note=form.cleaned_data["note"]
            )
            return _acted(request, complaint, _("Step recorded."))
        except DomainError as exc:
            _form_error(form, exc)
    return _detail(request, complaint, step_form=form)


@login_required
@require_POST
def complaint_extend(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    _require_handler(request, complaint)
    form = forms.ExtendForm(request.POST)
    if form.is_valid():
        try:
            updated = services.complaint_extend(
                actor=request.user,
                complaint=complaint,
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
            )
            return _acted(
                request,
                complaint,
                _("The time limit now ends on %(d)s.") % {"d": updated.due_on.strftime("%d/%m/%Y")},
            )
        except DomainError as exc:
            _form_error(form, exc)
    return _detail(request, complaint, extend_form=form)


@login_required
@require_POST
def complaint_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    _require_handler(request, complaint)
    form = forms.ResolveForm(request.POST, records=selectors.revocable_records(complaint))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_resolve(
                actor=request.user,
                complaint=complaint,
                resolution=data["resolution"],
                resolved_on=data["resolved_on"],
                revoke=form.records.get(data["record"]) if data["record"] else None,
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
            )
            return _acted(request, complaint, _("The complaint is resolved."))
        except DomainError as exc:
            _form_error(form, exc, {"reason": "resolution"})
    return _detail(request, complaint, resolve_form=form)


@login_required
@require_POST
def complaint_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    _require_handler(request, complaint)
    form = forms.DismissForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_dismiss(
                actor=request.user, complaint=complaint, reason=form.cleaned_data["reason"]
            )
            return _acted(request, complaint, _("The complaint is dismissed."))
        except DomainError as exc:
            _form_error(form, exc)
    return _detail(request, complaint, dismiss_form=form)


# --- a public comment handled as a complaint --------------------------------------------------------


@login_required
def complaint_from_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A public comment on a dossier, recorded as a complaint by an officer of the receiving
    level (the dossier's page records the comment's own handling)."""
    permissions.require(request.user, "complaint.handle")
    comment = (
        PublicComment.objects.select_related("dossier__receiver", "recipient").filter(pk=pk).first()
    )
    if comment is None or not permissions.can(
        request.user, "complaint.handle", comment.dossier.receiver
    ):
        raise Http404
    existing = Complaint.objects.filter(comment=comment).first()
    form = forms.FromCommentForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            complaint = services.comment_to_complaint(
                actor=request.user, comment=comment, kind=form.cleaned_data["kind"]
            )
            return _acted(
                request, complaint, _("Complaint %(r)s recorded.") % {"r": complaint.reference}
            )
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request,
        "complaints/from_comment.html",
        {"comment": comment, "form": form, "existing": existing},
    )


# --- the public page --------------------------------------------------------------------------------


def _public_dossier(reference: str) -> Dossier:
    today = timezone.localdate()
    dossier = dossier_selectors.public_dossiers(today).filter(reference=reference).first()
    if dossier is None:
        raise Http404
    return dossier


def public_intake(request: HttpRequest, reference: str) -> HttpResponse:
    """Gửi khiếu nại, tố cáo about a dossier under public comment, without signing in."""
    dossier = _public_dossier(reference)
    form = forms.PublicForm(request.POST or None, reference=dossier.reference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_receive_public(
                dossier=dossier,
                kind=data["kind"],
                content=data["content"],
                source=source_key(client_address(request)),
                complainant_name=data["complainant_name"],
                complainant_contact=data["complainant_contact"],
                complainant_address=data["complainant_address"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your message was received under number %(r)s. Keep this number to refer "
                    "to it; the answer is sent to the contact you gave."
                )
                % {"r": complaint.reference},
            )
            return redirect("complaints:public-received", reference=dossier.reference)
    if form.is_bound:
        # A fresh stamp for the corrected form (fixing the errors takes more than 3 seconds).
        data = request.POST.copy()
        data["stamp"] = forms.make_stamp(dossier.reference)
        form.data = data
    return render(
        request,
        "complaints/public_intake.html",
        {"dossier": dossier, "form": form, "honeypot": form["website"]},
    )


def public_received(request: HttpRequest, reference: str) -> HttpResponse:
    """The thank-you page after a public complaint: its number is in the message (shown once).
    Nothing is read here, so the page tells nobody whether a dossier or a complaint exists."""
    return render(request, "complaints/public_received.html")
