"""Pages of proposal dossiers: the list with what waits for the user's level, drafting, and the
dossier itself with its checks, documents, path, public comments and the steps the user may take.
Recipients, documents and the calendar have their own modules (views_recipients, views_documents,
views_calendar); the public pages are in views_public."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import is_htmx, paginate, query_without
from dossiers import forms, rules, selectors, services
from dossiers.models import (
    Dossier,
    DossierRecipient,
    DossierStatus,
    PublicComment,
)
from register import catalogue
from register.models import Award

EXPORT_LIMIT = 50_000
AWAITING_LIMIT = 50

# The button of each step a user may take on the detail page (forwarding and the decision have
# their own forms).
MOVE_LABELS: dict[str, Any] = {
    DossierStatus.SUBMITTED: gettext_lazy("Send the dossier"),
    DossierStatus.APPRAISAL: gettext_lazy("Begin the appraisal"),
    DossierStatus.PUBLIC_COMMENT: gettext_lazy("Post the candidates for public comment"),
    DossierStatus.COUNCIL: gettext_lazy("Send to the council"),
    DossierStatus.APPROVED: gettext_lazy("Record the council's approval"),
    DossierStatus.RETURNED: gettext_lazy("Return to the proposing unit"),
    DossierStatus.REJECTED: gettext_lazy("Reject"),
}
CLOSED = frozenset({DossierStatus.DECIDED, DossierStatus.FORWARDED, DossierStatus.REJECTED})


def form_error(form: Any, exc: DomainError, mapping: dict[str, str] | None = None) -> None:
    field = (mapping or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def require_that(allowed: bool, action: str) -> None:
    if not allowed:
        raise permissions.PermissionDenied(action)


def visible_dossier(request: HttpRequest, pk: int) -> Dossier:
    """A dossier the user sees (403 without any role for dossiers, 404 beyond reach)."""
    permissions.require(request.user, "dossier.view")
    dossier = (
        Dossier.objects.select_related(
            "proposer",
            "receiver",
            "cluster_year__cluster",
            "poll",
            "council_poll",
            "decision",
            "forwarded_from",
        )
        .filter(pk=pk)
        .first()
    )
    if dossier is None or not permissions.can_view_dossier(request.user, dossier):
        raise Http404
    return dossier


def visible_recipient(request: HttpRequest, pk: int) -> DossierRecipient:
    permissions.require(request.user, "dossier.view")
    recipient = (
        DossierRecipient.objects.select_related(
            "dossier__proposer", "dossier__receiver", "person__unit", "org"
        )
        .filter(pk=pk)
        .first()
    )
    if recipient is None or not permissions.can_view_dossier(request.user, recipient.dossier):
        raise Http404
    return recipient


def detail_url(dossier: Dossier, anchor: str = "") -> str:
    url = reverse("dossiers:dossier-detail", args=[dossier.pk])
    return f"{url}#{anchor}" if anchor else url


def prepares(user: Any, dossier: Dossier) -> bool:
    return permissions.can_on_dossier(user, "dossier.prepare", dossier, rules.PROPOSER)


def appraises(user: Any, dossier: Dossier) -> bool:
    return permissions.can_on_dossier(user, "dossier.appraise", dossier, rules.RECEIVER)


def adds_documents(user: Any, dossier: Dossier) -> bool:
    """Whether the user may attach documents now (the rule of services.document_add)."""
    return (prepares(user, dossier) and dossier.status in rules.EDITABLE) or (
        appraises(user, dossier)
        and dossier.status not in (DossierStatus.DECIDED, DossierStatus.DRAFT)
    )


def _days_left(dossiers: list[Dossier], today: dt.date) -> dict[int, int]:
    """Working days to each dossier's appraisal due date, from one read of the calendar."""
    dues = [d.appraisal_due for d in dossiers if d.appraisal_due is not None]
    if not dues:
        return {}
    window = selectors.calendar(min([today, *dues]), max([today, *dues]))
    return {
        d.pk: rules.working_days_between(today, d.appraisal_due, window)
        for d in dossiers
        if d.appraisal_due is not None
    }


def is_overdue(dossier: Dossier, today: dt.date) -> bool:
    return (
        dossier.status in rules.APPRAISING
        and dossier.appraisal_due is not None
        and dossier.appraisal_due < today
    )


# --- list -------------------------------------------------------------------------------------------


def dossier_columns() -> list[XlsxColumn]:
    names = catalogue.award_names()
    return [
        XlsxColumn(_("Reference"), lambda d: d.reference, 16),
        XlsxColumn(_("Title"), lambda d: d.title, 40),
        XlsxColumn(_("Proposing unit"), lambda d: d.proposer.name, 30),
        XlsxColumn(_("Sent to"), lambda d: d.receiver.name, 30),
        XlsxColumn(_("Level"), lambda d: d.get_level_display(), 16),
        XlsxColumn(_("Code"), lambda d: d.code, 10),
        XlsxColumn(_("Title or form"), lambda d: names.get(d.code, d.code), 34),
        XlsxColumn(_("Year"), lambda d: d.year, 8),
        XlsxColumn(_("Status"), lambda d: d.get_status_display(), 18),
        XlsxColumn(_("Submitted on"), lambda d: d.submitted_on, 12),
        XlsxColumn(_("Appraisal due"), lambda d: d.appraisal_due, 12),
    ]


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "dossier.view")
    today = timezone.localdate()
    form = forms.DossierFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply; the others are shown as errors
        filters = dict(form.cleaned_data)
        filters["overdue"] = today if filters.get("overdue") else None
    dossiers = selectors.dossier_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        content = workbook_bytes(
            title=_("Dossiers"),
            columns=dossier_columns(),
            rows=dossiers[:EXPORT_LIMIT].iterator(chunk_size=2000),
        )
        return xlsx_response("ho-so-de-nghi.xlsx", content)
    page = paginate(request, dossiers)
    names = catalogue.award_names()
    for d in page:
        d.code_name = names.get(d.code, d.code)  # type: ignore[attr-defined]
        d.is_overdue = is_overdue(d, today)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "base_query": query_without(request, "page", "format"),
        "export_query": query_without(request, "format", "page"),
        "can_create": permissions.can(request.user, "dossier.prepare"),
    }
    if is_htmx(request):
        return render(request, "dossiers/dossier_list.html#results", context)
    awaiting = list(selectors.awaiting(user=request.user)[: AWAITING_LIMIT + 1])
    left = _days_left(awaiting, today)
    context["awaiting"] = [
        {
            "dossier": d,
            "overdue": is_overdue(d, today),
            "days_left": left.get(d.pk) if d.status in rules.APPRAISING else None,
            "late": -left[d.pk] if d.pk in left else None,
        }
        for d in awaiting[:AWAITING_LIMIT]
    ]
    context["awaiting_more"] = len(awaiting) > AWAITING_LIMIT
    return render(request, "dossiers/dossier_list.html", context)


def dossier_tasks(*, user: Any, today: dt.date) -> dict[str, int] | None:
    """The home page's card: dossiers overdue and waiting for the user's level (an appraising
    officer), drafts and returned dossiers of the units the user prepares for."""
    appraises = permissions.can(user, "dossier.appraise")
    prepares = permissions.can(user, "dossier.prepare")
    if not (appraises or prepares):
        return None
    tasks = {"overdue": 0, "awaiting": 0, "drafts": 0, "returned": 0}
    if appraises:
        tasks["overdue"] = selectors.overdue_dossiers(user=user, today=today).count()
        tasks["awaiting"] = selectors.awaiting(user=user).count()
    if prepares:
        own = Dossier.objects.all()
        if not permissions.sees_everything(user, "dossier.prepare"):
            own = own.filter(proposer__in=permissions.visible_orgs(user, "dossier.prepare"))
        tasks["drafts"] = own.filter(status=DossierStatus.DRAFT).count()
        tasks["returned"] = own.filter(status=DossierStatus.RETURNED).count()
    return tasks


# --- drafting ---------------------------------------------------------------------------------------


def _supporting_choices(user: Any) -> tuple[list[Any], list[Any]]:
    """The cluster years and published votes a new dossier may rest on."""
    from clusters import selectors as cluster_selectors
    from clusters.models import ClusterYear
    from votes import selectors as vote_selectors
    from votes.models import PollStatus

    years = list(
        ClusterYear.objects.filter(
            cluster__in=cluster_selectors.cluster_list(user=user).values("pk")
        )
        .select_related("cluster")
        .order_by("-year", "cluster__name")[:200]
    )
    polls = list(
        vote_selectors.poll_list(user=user)
        .filter(status=PollStatus.PUBLISHED)
        .order_by("-pk")[:200]
    )
    return years, polls


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "dossier.prepare")
    years, polls = _supporting_choices(request.user)
    units = list(
        permissions.visible_orgs(request.user, "dossier.prepare")
        .filter(valid_to__isnull=True)
        .order_by("path")[:100]
    )
    initial = {"year": timezone.localdate().year - 1, "proposer": units[0].code if units else ""}
    form = forms.DossierForm(
        request.POST or None,
        user=request.user,
        cluster_years=years,
        polls=polls,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["cluster_year"] = next((c for c in years if c.pk == data["cluster_year"]), None)
        data["poll"] = next((p for p in polls if p.pk == data["poll"]), None)
        try:
            dossier = services.dossier_create(actor=request.user, **data)
            messages.success(
                request,
                _("Dossier %(r)s drafted. Add its recipients and documents, then send it.")
                % {"r": dossier.reference},
            )
            return redirect("dossiers:dossier-detail", pk=dossier.pk)
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "dossiers/dossier_form.html", {"form": form, "units": units})


# --- the dossier ------------------------------------------------------------------------------------


def result_dict(result: Any) -> dict[str, Any] | None:
    return result.as_dict() if result is not None else None


def council_ready(dossier: Dossier) -> bool:
    """Whether the step to the council can succeed now (the service checks it again)."""
    if dossier.status == DossierStatus.APPRAISAL:
        return not selectors.level_rule(dossier.level).public_comment
    if dossier.status == DossierStatus.PUBLIC_COMMENT:
        closes = dossier.comment_closes
        return (closes is None or closes < timezone.localdate()) and not (
            selectors.unhandled_comments(dossier).exists()
        )
    return True


def render_detail(
    request: HttpRequest, dossier: Dossier, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The dossier page; `bound` carries a form sent back with its errors."""
    user = request.user
    today = timezone.localdate()
    award = Award.objects.filter(code=dossier.code).first()
    recipients = list(selectors.active_recipients(dossier))
    editable = dossier.status in rules.EDITABLE
    may_prepare = prepares(user, dossier)
    may_appraise = appraises(user, dossier)

    checks: list[rules.Check] = []
    results: dict[int, Any] = {}
    if dossier.status not in CLOSED:
        checks, results = selectors.dossier_checks(dossier)
    eligibility = {c.recipient_id: c for c in checks if c.code == "eligibility"}
    rows = []
    for r in recipients:
        live = r.pk in results and (editable or not r.eligibility)
        rows.append(
            {
                "r": r,
                "check": eligibility.get(r.pk),
                "result": result_dict(results.get(r.pk)) if live else r.eligibility,
                "snapshot": not live and bool(r.eligibility),
            }
        )

    current = selectors.current_documents(dossier)
    current_ids = {d.pk for d in current}
    history = list(
        dossier.documents.select_related("recipient__person", "recipient__org", "uploaded_by")
    )

    moves: list[dict[str, Any]] = []
    for target in rules.next_states(dossier.status):
        move = rules.transition(dossier.status, target)
        if move is None or target in (DossierStatus.FORWARDED, DossierStatus.DECIDED):
            continue
        if not permissions.can_on_dossier(user, move.action, dossier, move.side):
            continue
        if target == DossierStatus.COUNCIL and not council_ready(dossier):
            continue  # offered once public comment is over and every comment is handled
        moves.append({"target": target, "label": MOVE_LABELS[target], "move": move})

    approved = dossier.status == DossierStatus.APPROVED and award is not None
    decides = approved and rules.decides_here(dossier.level, award.level)  # type: ignore[union-attr]
    can_forward = approved and not decides and may_appraise
    can_decide = decides and permissions.can_on_dossier(
        user, "dossier.decide", dossier, rules.RECEIVER
    )
    can_council = dossier.status == DossierStatus.COUNCIL and permissions.can_on_dossier(
        user, "dossier.council", dossier, rules.RECEIVER
    )
    council_polls = _council_polls(user) if can_council else []

    comments: list[PublicComment] = []
    if may_appraise:
        comments = list(dossier.comments.select_related("recipient", "handled_by"))
    handles = may_appraise and dossier.status in (
        DossierStatus.PUBLIC_COMMENT,
        DossierStatus.COUNCIL,
    )
    comment_forms = bound.pop("comment_forms", {})
    forwarded_to = (
        Dossier.objects.select_related("proposer", "receiver")
        .filter(forwarded_from=dossier)
        .first()
    )
    context = {
        "dossier": dossier,
        "award": award,
        "code_name": catalogue.award_names().get(dossier.code, dossier.code),
        "rows": rows,
        "recipients": recipients,
        "removed": list(
            dossier.recipients.filter(removed_at__isnull=False).select_related("person", "org")
        ),
        "checks": checks,
        "blocking": rules.blocking(checks),
        "current": current,
        "history": history,
        "current_ids": current_ids,
        "steps": list(dossier.steps.select_related("actor")),
        "comments": [
            {
                "c": c,
                "form": comment_forms.get(c.pk) or forms.CommentHandleForm(prefix=f"c{c.pk}"),
            }
            for c in comments
        ],
        "comment_count": len(comments) if may_appraise else dossier.comments.count(),
        "handles": handles,
        "handles_complaints": permissions.can(request.user, "complaint.handle", dossier.receiver),
        "moves": moves,
        "reason_targets": [m["target"] for m in moves if m["move"].reason_required],
        "transition_form": bound.pop("transition_form", None) or forms.TransitionForm(),
        "can_forward": can_forward,
        "forward_form": bound.pop("forward_form", None)
        or (
            forms.ForwardForm(levels=forms.forward_levels(dossier.level, award.level))
            if can_forward and award
            else None
        ),
        "can_decide": can_decide,
        "decide_form": bound.pop("decide_form", None)
        or (forms.DecideForm(recipients=recipients) if can_decide else None),
        "can_council": can_council,
        "council_form": bound.pop("council_form", None)
        or (forms.CouncilPollForm(polls=council_polls) if can_council else None),
        "council_polls": council_polls,
        "editable": editable,
        "can_prepare": may_prepare and editable,
        "can_add_documents": adds_documents(user, dossier),
        "document_form": bound.pop("document_form", None)
        or forms.DocumentForm(recipients=recipients),
        "forwarded_to": forwarded_to,
        "forwarded_to_visible": forwarded_to is not None
        and permissions.can_view_dossier(user, forwarded_to),
        "forwarded_from_visible": dossier.forwarded_from is not None
        and permissions.can_view_dossier(user, dossier.forwarded_from),
        "days_left": (
            selectors.working_days_left(today, dossier.appraisal_due)
            if dossier.appraisal_due and dossier.status in rules.APPRAISING
            else None
        ),
        "overdue": is_overdue(dossier, today),
        "comment_open": rules.comment_window_open(
            today, dossier.comment_opens, dossier.comment_closes
        ),
    }
    return render(request, "dossiers/dossier_detail.html", context, status=status)


def _council_polls(user: Any) -> list[Any]:
    from votes import selectors as vote_selectors
    from votes.models import PollStatus

    return list(
        vote_selectors.poll_list(user=user)
        .filter(council__isnull=False, status=PollStatus.PUBLISHED)
        .order_by("-pk")[:100]
    )


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, visible_dossier(request, pk))


@login_required
@require_POST
def dossier_transition(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    target = request.POST.get("target", "")
    move = rules.transition(dossier.status, target)
    if move is not None:
        require_that(
            permissions.can_on_dossier(request.user, move.action, dossier, move.side), move.action
        )
    form = forms.TransitionForm(request.POST)
    if target not in DossierStatus.values:
        form.add_error(None, _("Choose a step of the dossier's path."))
    elif form.is_valid():
        try:
            services.dossier_transition(
                actor=request.user, dossier=dossier, target=target, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                _("The dossier is now: %(s)s.") % {"s": DossierStatus(target).label},
            )
            return redirect(detail_url(dossier))
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, transition_form=form)


@login_required
@require_POST
def dossier_forward(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    require_that(appraises(request.user, dossier), "dossier.appraise")
    award = Award.objects.filter(code=dossier.code).first()
    levels = forms.forward_levels(dossier.level, award.level) if award else []
    form = forms.ForwardForm(request.POST, levels=levels)
    if form.is_valid():
        try:
            child = services.dossier_forward(
                actor=request.user, dossier=dossier, **form.cleaned_data
            )
            messages.success(
                request,
                _("Forwarded: dossier %(r)s is drafted for %(u)s; check it and send it.")
                % {"r": child.reference, "u": child.receiver.name},
            )
            return redirect("dossiers:dossier-detail", pk=child.pk)
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, forward_form=form)


@login_required
@require_POST
def dossier_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    require_that(
        permissions.can_on_dossier(request.user, "dossier.decide", dossier, rules.RECEIVER),
        "dossier.decide",
    )
    recipients = list(selectors.active_recipients(dossier))
    form = forms.DecideForm(request.POST, request.FILES, recipients=recipients)
    if form.is_valid():
        try:
            decision = services.dossier_decide(
                actor=request.user, dossier=dossier, **form.cleaned_data
            )
            messages.success(
                request,
                _("Decision %(n)s recorded: %(a)s of %(t)s awarded; the register is updated.")
                % {
                    "n": decision.number,
                    "a": len(form.cleaned_data["approved"]),
                    "t": len(recipients),
                },
            )
            return redirect(detail_url(dossier))
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, decide_form=form)


@login_required
@require_POST
def council_poll_link(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    require_that(
        permissions.can_on_dossier(request.user, "dossier.council", dossier, rules.RECEIVER),
        "dossier.council",
    )
    polls = _council_polls(request.user)
    form = forms.CouncilPollForm(request.POST, polls=polls)
    if form.is_valid():
        poll = next(p for p in polls if p.pk == form.cleaned_data["poll"])
        try:
            services.council_poll_link(actor=request.user, dossier=dossier, poll=poll)
            messages.success(request, _("The council's vote is linked to the dossier."))
            return redirect(detail_url(dossier))
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, council_form=form)


@login_required
@require_POST
def comment_handle(request: HttpRequest, pk: int) -> HttpResponse:
    comment = PublicComment.objects.filter(pk=pk).first()
    if comment is None:
        raise Http404
    dossier = visible_dossier(request, comment.dossier_id)
    require_that(appraises(request.user, dossier), "dossier.appraise")
    form = forms.CommentHandleForm(request.POST, prefix=f"c{comment.pk}")
    if form.is_valid():
        try:
            services.comment_handle(actor=request.user, comment=comment, **form.cleaned_data)
            messages.success(request, _("The handling of the comment is recorded."))
            return redirect(detail_url(dossier, "comments"))
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, comment_forms={comment.pk: form})
