"""Pages of polls: list, create (from a meeting or for a council), the roll of delegates, open,
the ballot (with a confirmation step and the receipt), the live count, close, the paper count,
publish, and the vote-count minutes."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusters.models import Meeting
from core import permissions
from core.errors import DomainError
from core.text import parse_number
from documents.service import render_kind
from orgs.models import Org
from votes import minutes, selectors, services
from votes.models import Basis, Method, Poll, PollStatus, Purpose, TieBreak, VoteCast, Voter


class PollForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question"), max_length=500)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=Purpose.choices)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=Method.choices)
    seats = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=50, initial=1)
    secret = forms.BooleanField(label=gettext_lazy("Secret ballot"), required=False, initial=True)
    quorum = forms.CharField(
        label=gettext_lazy("Quorum (share of eligible voters who must vote)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("e.g. 0,6667 for two thirds; empty: none."),
    )
    threshold_ratio = forms.CharField(
        label=gettext_lazy("Threshold to pass (share)"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("Yes/no and approval votes: e.g. 0,5; empty: none."),
    )
    threshold_basis = forms.ChoiceField(
        label=gettext_lazy("Threshold basis"),
        required=False,
        choices=[("", "—"), *Basis.choices],
    )
    threshold_strict = forms.TypedChoiceField(
        label=gettext_lazy("Threshold rule"),
        coerce=lambda v: v == "1",
        choices=[("1", gettext_lazy("more than")), ("0", gettext_lazy("at least"))],
        initial="1",
    )
    tie_break = forms.ChoiceField(label=gettext_lazy("Tie-break"), choices=TieBreak.choices)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at (planned)"),
        required=False,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"},
        ),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        required=False,
        help_text=gettext_lazy("After this time no ballot is accepted. Empty: until closed."),
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off"},
        ),
    )
    options = forms.CharField(
        label=gettext_lazy("Options (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For purposes other than proposals and elections of the head."),
    )


def _poll(request: HttpRequest, poll_id: int) -> Poll:
    try:
        return selectors.poll_get(user=request.user, pk=poll_id)
    except Poll.DoesNotExist as exc:
        raise Http404 from exc


def _number(value: str) -> str | None:
    return parse_number(value) if value else None


@login_required
def poll_list(request: HttpRequest) -> HttpResponse:
    polls = list(selectors.poll_list(user=request.user)[:200])
    mine = set(
        Voter.objects.filter(user_id=request.user.pk or 0, poll__status=PollStatus.OPEN)
        .exclude(pk__in=VoteCast.objects.values("voter_id"))
        .values_list("poll_id", flat=True)
    )
    return render(
        request,
        "votes/poll_list.html",
        {
            "polls": polls,
            "to_vote": [p for p in polls if p.pk in mine],
            "may_council": permissions.can(request.user, "vote.manage"),
        },
    )


@login_required
def poll_create(request: HttpRequest) -> HttpResponse:
    """A new poll at a meeting (?meeting=ID) or for a council (?council=CODE)."""
    meeting = None
    council = None
    if request.GET.get("meeting", "").isdigit():
        meeting = (
            Meeting.objects.select_related("cluster_year__cluster")
            .filter(pk=int(request.GET["meeting"]))
            .first()
        )
        if meeting is None:
            raise Http404
        from clusters import selectors as cluster_selectors
        from clusters.models import Cluster

        try:
            cluster_selectors.cluster_get(user=request.user, pk=meeting.cluster_year.cluster_id)
        except Cluster.DoesNotExist as exc:
            raise Http404 from exc
        permissions.require_run_cluster_year(request.user, meeting.cluster_year)
    else:
        council = Org.objects.filter(code=request.GET.get("council", "").strip().upper()).first()
        if council is None:
            raise Http404
        permissions.require(request.user, "vote.manage", council)
    members = [m.org for m in meeting.cluster_year.members.select_related("org")] if meeting else []
    ranked = _ranked_members(meeting, members)
    form = PollForm(request.POST or None)
    chosen = request.POST.getlist("candidate_org")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(m.pk): m for m in members}
        candidates: list[dict[str, Any]] = [{"org": by_id[i]} for i in chosen if i in by_id]
        candidates += [{"label": line} for line in data["options"].splitlines() if line.strip()]
        try:
            poll = services.poll_create(
                actor=request.user,
                question=data["question"],
                purpose=data["purpose"],
                method=data["method"],
                candidates=candidates,
                meeting=meeting,
                council=council,
                seats=data["seats"],
                secret=data["secret"],
                quorum=_number(data["quorum"]),
                threshold_basis=data["threshold_basis"],
                threshold_ratio=_number(data["threshold_ratio"]),
                threshold_strict=data["threshold_strict"],
                tie_break=data["tie_break"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
            if meeting is not None:
                services.designate_defaults(actor=request.user, poll=poll)
            messages.success(request, _("The poll is drafted. Check the roll, then open it."))
            return redirect("votes:poll", poll_id=poll.pk)
        except DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
    return render(
        request,
        "votes/poll_form.html",
        {
            "form": form,
            "meeting": meeting,
            "council": council,
            "members": ranked,
            "chosen": set(chosen),
        },
    )


def _ranked_members(meeting: Meeting | None, members: list[Org]) -> list[dict[str, Any]]:
    """Member units, in the order of the year's published scoring results when there are some
    (so 'the order of the candidates' breaks ties by score)."""
    if meeting is None:
        return []
    from scoring.models import ScoringTable

    table = (
        ScoringTable.objects.filter(
            cluster_year=meeting.cluster_year, results_published_at__isnull=False
        )
        .order_by("-version")
        .first()
    )
    order: dict[int, dict[str, Any]] = {}
    if table is not None and table.results:
        for row in table.results.get("rows", []):
            order[row["org_id"]] = row
    ranked = sorted(members, key=lambda m: (order.get(m.pk, {}).get("rank", 10**6), m.name))
    return [
        {
            "org": m,
            "rank": order.get(m.pk, {}).get("rank"),
            "total": order.get(m.pk, {}).get("total"),
        }
        for m in ranked
    ]


@login_required
def poll_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(request, poll_id)
    may_run = services.can_run(request.user, poll)
    voter = services.voter_for(poll, request.user)
    show_result = poll.status == PollStatus.PUBLISHED or (
        may_run and poll.status == PollStatus.CLOSED
    )
    if show_result and poll.status == PollStatus.CLOSED:
        services.results_viewed(actor=request.user, poll=poll)
    cast, eligible = services.turnout(poll)
    roll = []
    if poll.cluster_year is not None:
        voters = {v.org_id: v for v in poll.voters.select_related("user")}
        roll = [
            {"org": m.org, "voter": voters.get(m.org_id)}
            for m in poll.cluster_year.members.select_related("org")
        ]
    else:
        roll = [{"org": None, "voter": v} for v in poll.voters.select_related("user")]
    return render(
        request,
        "votes/poll.html",
        {
            "poll": poll,
            "candidates": list(poll.candidates.all()),
            "may_run": may_run,
            "voter": voter,
            "voted": voter is not None and services.has_voted(poll, voter),
            "cast": cast,
            "eligible": eligible,
            "roll": roll if may_run or not poll.secret else [],
            "show_result": show_result,
            "rows": _result_rows(poll) if show_result else [],
            "few": eligible < services.SECRECY_MIN_VOTERS,
            "named_ballots": _named_ballots(poll) if show_result and not poll.secret else [],
        },
    )


def _result_rows(poll: Poll) -> list[dict[str, Any]]:
    result = poll.result or {}
    labels = result.get("labels", {})
    return [
        {**row, "label": labels.get(row["candidate"], "?")} for row in result.get("results", [])
    ]


def _named_ballots(poll: Poll) -> list[dict[str, Any]]:
    labels = {c.key: c.label for c in poll.candidates.all()}
    out = []
    for ballot in poll.ballots.select_related("voter__org", "voter__user"):
        out.append(
            {
                "voter": ballot.voter,
                "text": minutes.describe_ballot(poll.method, ballot.content, labels),
            }
        )
    return out


@login_required
def poll_count(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The live count of ballots cast (never their content), for the page's auto-refresh."""
    poll = _poll(request, poll_id)
    if not services.can_run(request.user, poll):
        raise Http404
    cast, eligible = services.turnout(poll)
    return render(request, "votes/_count.html", {"poll": poll, "cast": cast, "eligible": eligible})


@login_required
@require_POST
def poll_step(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Designate a delegate, open, close or publish."""
    poll = _poll(request, poll_id)
    services.require_run(request.user, poll)
    step = request.POST.get("step", "")
    try:
        if step == "designate":
            org_id = request.POST.get("org", "")
            org = (
                poll.cluster_year.members.filter(org_id=int(org_id) if org_id.isdigit() else 0)
                .select_related("org")
                .first()
                if poll.cluster_year
                else None
            )
            user = (
                get_user_model()
                .objects.filter(username=request.POST.get("username", "").strip())
                .first()
            )
            if org is None:
                raise DomainError(_("Choose a member unit."))
            services.voter_designate(actor=request.user, poll=poll, org=org.org, user=user)
            messages.success(request, _("The delegate is designated."))
        elif step == "open":
            services.poll_open(actor=request.user, poll=poll)
            messages.success(request, _("The poll is open: delegates can vote now."))
        elif step == "close":
            services.poll_close(actor=request.user, poll=poll)
            messages.success(request, _("The poll is closed and counted."))
        elif step == "publish":
            services.poll_publish(actor=request.user, poll=poll)
            messages.success(request, _("The result is published."))
        else:
            raise DomainError(_("Unknown step."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("votes:poll", poll_id=poll.pk)


# --- the ballot ---------------------------------------------------------------------------------


def _ballot_from_post(poll: Poll, post: Any) -> dict[str, Any]:
    """The ballot as the tally reads it, from the ballot form; DomainError when unreadable."""
    if post.get("blank") == "1":
        return {"blank": True}
    keys = [c.key for c in poll.candidates.all()]
    if poll.method == Method.YES_NO:
        choices = {}
        for key in keys:
            value = post.get(f"c{key}", "")
            if value not in ("yes", "no", "abstain"):
                raise DomainError(_("Choose yes, no or abstain for every candidate."))
            choices[key] = value
        return {"choices": choices}
    if poll.method == Method.APPROVAL:
        approve = [k for k in keys if k in post.getlist("approve")]
        if len(approve) > poll.seats:
            raise DomainError(_("Approve at most %(n)s candidate(s).") % {"n": poll.seats})
        return {"approve": approve}
    if poll.method == Method.PLURALITY:
        choice = post.get("choice", "")
        if choice not in keys:
            raise DomainError(_("Choose one candidate."))
        return {"choice": choice}
    ranks: dict[str, int] = {}
    for key in keys:
        value = post.get(f"r{key}", "")
        if value:
            if not value.isdigit() or not 1 <= int(value) <= len(keys):
                raise DomainError(_("A rank is a number from 1 to %(n)s.") % {"n": len(keys)})
            ranks[key] = int(value)
    if not ranks:
        raise DomainError(_("Rank at least one candidate, or cast a blank ballot."))
    if len(set(ranks.values())) != len(ranks):
        raise DomainError(_("Give each rank to one candidate only."))
    return {"ranking": sorted(ranks, key=lambda k: ranks[k])}


@login_required
def ballot_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The voter's ballot: fill, confirm, cast; the receipt is shown once."""
    poll = _poll(request, poll_id)
    voter = services.voter_for(poll, request.user)
    if voter is None:
        raise Http404
    candidates = list(poll.candidates.all())
    labels = {c.key: c.label for c in candidates}
    context: dict[str, Any] = {
        "poll": poll,
        "voter": voter,
        "candidates": candidates,
        "ranks": range(1, len(candidates) + 1),
        "voted": services.has_voted(poll, voter),
        "few": services.eligible_count(poll) < services.SECRECY_MIN_VOTERS,
        "post": request.POST,
    }
    if request.method == "POST" and not context["voted"]:
        try:
            if request.POST.get("confirm") == "1":
                content = json.loads(request.POST.get("ballot", "{}"))
                if not isinstance(content, dict):
                    raise DomainError(_("The ballot is not filled in correctly."))
                receipt = services.vote(actor=request.user, poll=poll, content=content)
                return render(request, "votes/receipt.html", {"poll": poll, "receipt": receipt})
            content = _ballot_from_post(poll, request.POST)
            problem = None if content.get("blank") else services.ballot_problem(poll, content)
            if problem:
                raise DomainError(problem)
            context.update(
                {
                    "confirming": True,
                    "ballot_json": json.dumps(content, ensure_ascii=False),
                    "summary": minutes.describe_ballot(poll.method, content, labels),
                }
            )
        except (DomainError, json.JSONDecodeError) as exc:
            messages.error(
                request,
                exc.message
                if isinstance(exc, DomainError)
                else _("The ballot is not filled in correctly."),
            )
            context["voted"] = services.has_voted(poll, voter)
    return render(request, "votes/ballot.html", context)


# --- paper count, minutes -----------------------------------------------------------------------


class PaperForm(forms.Form):
    committee = forms.CharField(
        label=gettext_lazy("Counting committee (names, one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ballots_issued = forms.IntegerField(label=gettext_lazy("Ballots issued"), min_value=0)
    ballots_cast = forms.IntegerField(
        label=gettext_lazy("Ballots returned"), min_value=0, required=False
    )
    invalid = forms.IntegerField(
        label=gettext_lazy("Invalid ballots"), min_value=0, initial=0, required=False
    )
    blank = forms.IntegerField(
        label=gettext_lazy("Blank ballots"), min_value=0, initial=0, required=False
    )
    ranked = forms.CharField(
        label=gettext_lazy("Ranked ballots, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Borda and Schulze: each line is one ballot, the candidates' numbers best first "
            "(e.g. 3, 1, 2); “trắng” for a blank ballot; a spoiled line counts as invalid."
        ),
    )


def _ranked_ballots(text: str, keys: list[str]) -> list[dict[str, Any]]:
    """Paper ranked ballots as typed by the counting committee (numbers of the candidates)."""
    ballots: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("trắng", "trang", "blank", "-"):
            ballots.append({"blank": True})
            continue
        tokens = [t for t in line.replace(">", ",").replace(";", ",").split(",") if t.strip()]
        ranking = [
            keys[int(t) - 1] if t.strip().isdigit() and 1 <= int(t) <= len(keys) else f"?{t}"
            for t in tokens
        ]
        ballots.append({"ranking": ranking})  # an unknown or repeated number: invalid
    return ballots


@login_required
def paper_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The counting committee enters the per-candidate totals of a paper vote."""
    poll = _poll(request, poll_id)
    services.require_run(request.user, poll)
    candidates = list(poll.candidates.all())
    form = PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if poll.method in (Method.BORDA, Method.SCHULZE):
                services.paper_record(
                    actor=request.user,
                    poll=poll,
                    committee=data["committee"],
                    ballots_issued=data["ballots_issued"],
                    ballots=_ranked_ballots(data["ranked"], [c.key for c in candidates]),
                )
                messages.success(request, _("The paper count is recorded and the poll closed."))
                return redirect("votes:poll", poll_id=poll.pk)
            if data["ballots_cast"] is None:
                raise DomainError(_("Give the number of ballots returned."))
            totals: dict[str, Any] = {}
            for c in candidates:
                if poll.method == Method.YES_NO:
                    totals[c.key] = {
                        k: _int(request.POST.get(f"{k}_{c.key}", "0"))
                        for k in ("yes", "no", "abstain")
                    }
                elif poll.method == Method.APPROVAL:
                    totals[c.key] = {"approvals": _int(request.POST.get(f"n_{c.key}", "0"))}
                else:
                    totals[c.key] = {"votes": _int(request.POST.get(f"n_{c.key}", "0"))}
            services.paper_record(
                actor=request.user,
                poll=poll,
                committee=data["committee"],
                ballots_issued=data["ballots_issued"],
                totals={
                    "totals": totals,
                    "ballots_cast": data["ballots_cast"],
                    "invalid": data["invalid"] or 0,
                    "blank": data["blank"] or 0,
                },
            )
            messages.success(request, _("The paper count is recorded and the poll closed."))
            return redirect("votes:poll", poll_id=poll.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    rows = [
        {
            "c": c,
            "values": {
                k: request.POST.get(f"{k}_{c.key}", "0") for k in ("yes", "no", "abstain", "n")
            },
        }
        for c in candidates
    ]
    return render(request, "votes/paper.html", {"poll": poll, "form": form, "rows": rows})


def _int(value: str) -> int:
    value = (value or "0").strip()
    if not value.isdigit():
        raise DomainError(_("Counts are whole numbers."))
    return int(value)


@login_required
def minutes_file(request: HttpRequest, poll_id: int, fmt: str) -> HttpResponse:
    """Biên bản kiểm phiếu, DOCX or PDF, once the poll is closed."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    poll = _poll(request, poll_id)
    if not (
        poll.status == PollStatus.PUBLISHED
        or (poll.status == PollStatus.CLOSED and services.can_run(request.user, poll))
    ):
        raise Http404
    content, content_type, filename = render_kind(
        minutes.KEY, minutes.vote_minutes_context(poll), fmt=fmt, org=minutes.issuing_org(poll)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
