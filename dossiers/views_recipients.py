"""Recipients of a dossier: proposed (a person found among those the user sees, or a unit by its
code), their achievement report, the override of a failed check, their removal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.text import fold
from dossiers import forms, rules, selectors, services
from dossiers.models import DossierRecipient
from dossiers.views import (
    CLOSED,
    adds_documents,
    detail_url,
    form_error,
    prepares,
    require_that,
    result_dict,
    visible_dossier,
    visible_recipient,
)
from register.models import Award, Initiative


def _people_matching(user: Any, q: str) -> QuerySet[Any]:
    from people.selectors import visible_people

    people = visible_people(user).select_related("unit")
    if q.isdigit():
        return people.filter(pk=int(q))
    key = fold(q)
    if not key:
        return people.none()
    for word in key.split():
        people = people.filter(name_key__contains=word)
    return people.order_by("name_key", "pk")


@login_required
def recipient_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a person (found by name or number among the people the user sees) or a unit (by
    its code), with the achievement report's fields and the initiatives relied on."""
    from people.selectors import visible_people

    dossier = visible_dossier(request, pk)
    require_that(prepares(request.user, dossier), "dossier.prepare")
    if dossier.status not in rules.EDITABLE:
        messages.error(
            request,
            _("The dossier can only be changed while it is a draft or has been returned."),
        )
        return redirect(detail_url(dossier))
    award = Award.objects.filter(code=dossier.code).first()
    individual = award is None or award.subject == "individual"
    source = request.POST if request.method == "POST" else request.GET
    q = (request.GET.get("q") or "").strip()
    person = org = None
    problem = ""
    if individual and source.get("person", "").isdigit():
        person = (
            visible_people(request.user)
            .select_related("unit")
            .filter(pk=int(source["person"]))
            .first()
        )
        problem = "" if person else _("Nobody you may see has this number.")
    elif not individual and source.get("org", "").strip():
        code = source["org"].strip().upper()
        org = permissions.visible_orgs(request.user, "org.view").filter(code=code).first()
        problem = "" if org else _("No unit you may see has the code %(c)s.") % {"c": code}
    chosen = person or org
    initiatives = (
        list(Initiative.objects.filter(authors=person).order_by("-year", "code")) if person else []
    )
    form = forms.RecipientForm(
        request.POST if request.method == "POST" and chosen else None, initiatives=initiatives
    )
    if request.method == "POST":
        if chosen is None:
            messages.error(request, problem or _("Choose the person or unit first."))
        elif form.is_valid():
            data = dict(form.cleaned_data)
            ids = set(data.pop("initiatives", []))
            try:
                recipient = services.recipient_add(
                    actor=request.user,
                    dossier=dossier,
                    person=person,
                    org=org,
                    initiatives=[i for i in initiatives if i.pk in ids],
                    **data,
                )
                messages.success(
                    request, _("%(n)s is proposed in the dossier.") % {"n": recipient.name}
                )
                return redirect(detail_url(dossier, "recipients"))
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "dossiers/recipient_add.html",
        {
            "dossier": dossier,
            "individual": individual,
            "q": q,
            "matches": list(_people_matching(request.user, q)[:20]) if q and not chosen else [],
            "person": person,
            "org": org,
            "problem": problem,
            "form": form,
        },
    )


def _render_recipient(
    request: HttpRequest, recipient: DossierRecipient, **bound: Any
) -> HttpResponse:
    user = request.user
    dossier = recipient.dossier
    active = recipient.removed_at is None
    editable = active and dossier.status in rules.EDITABLE
    can_edit = editable and prepares(user, dossier)
    check = result = None
    if active and dossier.status not in CLOSED:
        check, live = selectors.eligibility_check(dossier, recipient)
        result = result_dict(live)
    if not editable and recipient.eligibility:
        result = recipient.eligibility
    initiatives = (
        list(Initiative.objects.filter(authors=recipient.person).order_by("-year", "code"))
        if recipient.person_id
        else []
    )
    form = bound.get("form") or forms.RecipientForm(
        initial={
            "duties": recipient.duties,
            "achievements": recipient.achievements,
            "public_summary": recipient.public_summary,
            "initiatives": [i.pk for i in recipient.initiatives.all()],
        },
        initiatives=initiatives,
    )
    can_override = (
        editable
        and check is not None
        and not check.ok
        and permissions.can(user, "dossier.override", dossier.proposer)
    )
    return render(
        request,
        "dossiers/recipient_detail.html",
        {
            "dossier": dossier,
            "recipient": recipient,
            "relied_on": list(recipient.initiatives.all()),
            "check": check,
            "result": result,
            "form": form,
            "can_edit": can_edit,
            "remove_form": bound.get("remove_form") or forms.ReasonForm(prefix="remove"),
            "can_override": can_override,
            "override_form": bound.get("override_form") or forms.ReasonForm(prefix="override"),
            "can_add_documents": adds_documents(user, dossier),
            "documents": list(recipient.documents.select_related("uploaded_by")),
        },
    )


@login_required
def recipient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = visible_recipient(request, pk)
    dossier = recipient.dossier
    if request.method != "POST":
        return _render_recipient(request, recipient)
    require_that(prepares(request.user, dossier), "dossier.prepare")
    initiatives = (
        list(Initiative.objects.filter(authors=recipient.person)) if recipient.person_id else []
    )
    form = forms.RecipientForm(request.POST, initiatives=initiatives)
    if form.is_valid():
        data = dict(form.cleaned_data)
        ids = set(data.pop("initiatives", []))
        try:
            services.recipient_update(
                actor=request.user,
                recipient=recipient,
                initiatives=[i for i in initiatives if i.pk in ids],
                **data,
            )
            messages.success(request, _("The achievement report is saved."))
            return redirect("dossiers:recipient-edit", pk=recipient.pk)
        except DomainError as exc:
            form_error(form, exc)
    return _render_recipient(request, recipient, form=form)


@login_required
@require_POST
def recipient_remove(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = visible_recipient(request, pk)
    require_that(prepares(request.user, recipient.dossier), "dossier.prepare")
    form = forms.ReasonForm(request.POST, prefix="remove")
    if form.is_valid():
        try:
            services.recipient_remove(
                actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("%(n)s is taken out of the dossier.") % {"n": recipient.name}
            )
            return redirect(detail_url(recipient.dossier, "recipients"))
        except DomainError as exc:
            form_error(form, exc)
    return _render_recipient(request, recipient, remove_form=form)


@login_required
@require_POST
def recipient_override(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = visible_recipient(request, pk)
    permissions.require(request.user, "dossier.override", recipient.dossier.proposer)
    form = forms.ReasonForm(request.POST, prefix="override")
    if form.is_valid():
        try:
            services.recipient_override(
                actor=request.user, recipient=recipient, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("The check is overridden for %(n)s; the reason is recorded.")
                % {"n": recipient.name},
            )
            return redirect("dossiers:recipient-edit", pk=recipient.pk)
        except DomainError as exc:
            form_error(form, exc)
    return _render_recipient(request, recipient, override_form=form)
