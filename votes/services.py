"""Writes to polls: create, designate delegates, open, vote, close, paper count, publish.

Every write is a service, every step audited (never a ballot's content, never a link from a
voter to a ballot). The tally is `votes.rules`, the same for electronic ballots, paper ballots and
the stateless API endpoint.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import ClusterYear, Meeting
from core import permissions
from core.audit import audit_log
from core.errors import DomainError
from orgs.models import Org
from votes import rules
from votes.models import (
    Ballot,
    Candidate,
    CandidateKind,
    Electorate,
    Method,
    Poll,
    PollStatus,
    Proposal,
    ProposalKind,
    Purpose,
    TieBreak,
    VoteCast,
    Voter,
)

_shuffle = random.SystemRandom()

UNIT_PURPOSES = {Purpose.FLAG, Purpose.CERTIFICATE, Purpose.HEAD, Purpose.DEPUTY}
SECRECY_MIN_VOTERS = 5


def _audit(actor: Any, action: str, poll: Poll, **changes: Any) -> None:
    org_id = (
        poll.cluster_year.cluster.organiser_id
        if poll.cluster_year_id and poll.cluster_year
        else poll.council_id
    )
    audit_log(
        actor=actor,
        action=action,
        obj=poll,
        object_repr=poll.question[:200],
        org_id=org_id,
        changes=changes,
    )


def can_run(user: Any, poll: Poll) -> bool:
    """The cluster year's secretariat (or the organiser), or the council's officers."""
    if poll.cluster_year_id:
        return permissions.can_run_cluster_year(user, poll.cluster_year)
    return permissions.can(user, "vote.manage", poll.council)


def require_run(user: Any, poll: Poll) -> None:
    if not can_run(user, poll):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("vote.manage")


# --- creating -----------------------------------------------------------------------------------


def _ratio(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        ratio = Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        ratio = Decimal(-1)
    if not ratio.is_finite() or not Decimal(0) < ratio <= Decimal(1):
        raise DomainError(_("Give a share between 0 and 1 (e.g. 0,5 or 0,6667)."), field=field)
    return ratio


@transaction.atomic
def poll_create(
    *,
    actor: Any,
    question: str,
    purpose: str,
    method: str,
    candidates: Sequence[Mapping[str, Any]],
    cluster_year: ClusterYear | None = None,
    meeting: Meeting | None = None,
    council: Org | None = None,
    seats: int = 1,
    secret: bool = True,
    quorum: Any = None,
    threshold_basis: str = "",
    threshold_ratio: Any = None,
    threshold_strict: bool = True,
    tie_break: str = TieBreak.NONE,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> Poll:
    """A draft poll with its candidates: each {"org": Org} or {"person": Person} or {"label": str}.
    A cluster poll's roll is its member units (delegates designated before opening); a council
    poll's roll is the council's members."""
    question = " ".join((question or "").split())
    if not question:
        raise DomainError(_("Write the question put to the vote."), field="question")
    if purpose not in Purpose.values:
        raise DomainError(_("Choose the purpose of the poll."), field="purpose")
    if method not in Method.values:
        raise DomainError(_("Choose the voting method."), field="method")
    if meeting is not None:
        cluster_year = meeting.cluster_year
    if (cluster_year is None) == (council is None):
        raise DomainError(_("A poll belongs to a cluster year's meeting or to a council."))
    if purpose in UNIT_PURPOSES and cluster_year is None:
        raise DomainError(
            _("Proposals and elections of the head are voted in a cluster."), field="purpose"
        )
    if not isinstance(seats, int) or seats < 1:
        raise DomainError(_("At least one seat."), field="seats")
    if purpose in (Purpose.HEAD, Purpose.DEPUTY) and seats != 1:
        raise DomainError(_("A head or deputy is elected to one seat."), field="seats")
    quorum_ratio = _ratio(quorum, "quorum")
    ratio = _ratio(threshold_ratio, "threshold_ratio")
    if (ratio is None) != (not threshold_basis):
        raise DomainError(
            _("A threshold needs both its share and its basis (eligible voters or ballots cast)."),
            field="threshold_ratio",
        )
    if ratio is not None and method not in (Method.YES_NO, Method.APPROVAL):
        raise DomainError(
            _("A threshold applies to yes/no and approval votes only."), field="threshold_ratio"
        )
    if tie_break not in TieBreak.values:
        raise DomainError(_("Choose the tie-break rule."), field="tie_break")
    if tie_break == TieBreak.FEWER_NO and method != Method.YES_NO:
        raise DomainError(
            _("'Fewer no votes' breaks ties in yes/no votes only."), field="tie_break"
        )
    if opens_at and closes_at and closes_at <= opens_at:
        raise DomainError(_("The poll closes after it opens."), field="closes_at")
    members = {m.org_id for m in cluster_year.members.all()} if cluster_year is not None else set()
    rows = []
    for position, item in enumerate(candidates, start=1):
        if item.get("org") is not None:
            org = item["org"]
            if purpose in UNIT_PURPOSES and org.pk not in members:
                raise DomainError(
                    _("%(name)s is not a member of the cluster this year.") % {"name": org.name},
                    field="candidates",
                )
            rows.append(
                Candidate(position=position, kind=CandidateKind.UNIT, org=org, label=org.name)
            )
        elif item.get("person") is not None:
            if purpose in UNIT_PURPOSES:
                raise DomainError(
                    _("Candidates for this purpose are member units."), field="candidates"
                )
            person = item["person"]
            rows.append(
                Candidate(
                    position=position,
                    kind=CandidateKind.PERSON,
                    person=person,
                    label=person.full_name,
                )
            )
        else:
            label = " ".join(str(item.get("label", "")).split())
            if not label:
                continue
            if purpose in UNIT_PURPOSES:
                raise DomainError(
                    _("Candidates for this purpose are member units."), field="candidates"
                )
            rows.append(Candidate(position=position, kind=CandidateKind.OPTION, label=label[:255]))
    labels = [c.label for c in rows]
    if len(set(labels)) != len(labels):
        raise DomainError(_("A candidate is listed twice."), field="candidates")
    if not rows:
        raise DomainError(_("List the candidates (or options)."), field="candidates")
    if seats > len(rows):
        raise DomainError(_("More seats than candidates."), field="seats")
    poll = Poll.objects.create(
        meeting=meeting,
        cluster_year=cluster_year,
        council=council,
        question=question[:500],
        purpose=purpose,
        method=method,
        seats=seats,
        electorate=Electorate.UNITS if cluster_year is not None else Electorate.COUNCIL,
        secret=secret,
        quorum=quorum_ratio,
        threshold_basis=threshold_basis if ratio is not None else "",
        threshold_ratio=ratio,
        threshold_strict=threshold_strict,
        tie_break=tie_break,
        opens_at=opens_at,
        closes_at=closes_at,
        receipt_key=secrets.token_hex(32),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for row in rows:
        row.poll = poll
    Candidate.objects.bulk_create(rows)
    if council is not None:
        from accounts.models import Membership, Role

        users = (
            Membership.objects.filter(org=council, role=Role.COUNCIL_MEMBER, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
        Voter.objects.bulk_create([Voter(poll=poll, user_id=u) for u in users])
    _audit(
        actor,
        "votes.poll.created",
        poll,
        question=[None, poll.question],
        method=[None, method],
        secret=[None, secret],
        candidates=[None, labels],
    )
    return poll


def _draft(poll: Poll) -> Poll:
    poll = (
        Poll.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    if poll.status != PollStatus.DRAFT:
        raise DomainError(_("Once a poll is open, nothing about it changes except closing it."))
    return poll


@transaction.atomic
def voter_designate(*, actor: Any, poll: Poll, org: Org, user: Any) -> Voter:
    """Name the delegate who votes for a member unit (one per unit, before the poll opens)."""
    poll = _draft(poll)
    if poll.electorate != Electorate.UNITS or poll.cluster_year is None:
        raise DomainError(_("A council poll's voters are the council's members."))
    if not poll.cluster_year.members.filter(org=org).exists():
        raise DomainError(_("This unit is not a member of the cluster this year."), field="org")
    if user is None or not user.is_active:
        raise DomainError(_("No active user by that name."), field="user")
    if not permissions.can_act_for_member(user, org):
        raise DomainError(
            _("%(user)s does not act for %(org)s; choose one of its focal points or officers.")
            % {"user": user.get_username(), "org": org.name},
            field="user",
        )
    other = Voter.objects.filter(poll=poll, user=user).exclude(org=org).first()
    if other is not None:
        raise DomainError(
            _("%(user)s already votes for %(org)s.")
            % {"user": user.get_username(), "org": other.org.name if other.org else ""},
            field="user",
        )
    voter, created = Voter.objects.get_or_create(poll=poll, org=org, defaults={"user": user})
    before = None if created else voter.user_id
    if not created and voter.user_id != user.pk:
        voter.user = user
        voter.save(update_fields=["user"])
    _audit(actor, "votes.delegate.designated", poll, org=[None, org.pk], user=[before, user.pk])
    return voter


def designate_defaults(*, actor: Any, poll: Poll) -> int:
    """Designate, for each member unit without a delegate, its own focal point (or officer) when
    exactly one user holds such a role in the unit itself. Returns how many were designated."""
    from accounts.models import Membership, Role

    if poll.cluster_year is None:
        return 0
    done = set(Voter.objects.filter(poll=poll).values_list("org_id", flat=True))
    count = 0
    for member in poll.cluster_year.members.select_related("org"):
        if member.org_id in done:
            continue
        users = list(
            Membership.objects.filter(
                org=member.org, role__in=[Role.FOCAL_POINT, Role.OFFICER], user__is_active=True
            ).select_related("user")
        )
        if len({m.user_id for m in users}) == 1:
            voter_designate(actor=actor, poll=poll, org=member.org, user=users[0].user)
            count += 1
    return count


def eligible_count(poll: Poll) -> int:
    """Eligible voters: the member units (a unit without a delegate still counts), or the council's
    members on the roll."""
    if poll.electorate == Electorate.UNITS and poll.cluster_year_id:
        return poll.cluster_year.members.count()  # type: ignore[union-attr]
    return poll.voters.count()


@transaction.atomic
def poll_open(*, actor: Any, poll: Poll) -> Poll:
    poll = _draft(poll)
    if poll.electorate == Electorate.UNITS:
        assert poll.cluster_year is not None
        designated = set(poll.voters.values_list("org_id", flat=True))
        missing = [
            m.org.name
            for m in poll.cluster_year.members.select_related("org")
            if m.org_id not in designated
        ]
        if missing:
            raise DomainError(
                _("Designate the delegate of every member unit first. Missing: %(names)s.")
                % {"names": ", ".join(missing)}
            )
    elif not poll.voters.exists():
        raise DomainError(_("The council has no members to vote."))
    poll.status, poll.opened_at = PollStatus.OPEN, timezone.now()
    poll.save(update_fields=["status", "opened_at"])
    _audit(
        actor,
        "votes.poll.opened",
        poll,
        status=[PollStatus.DRAFT, poll.status],
        voters=[None, eligible_count(poll)],
    )
    return poll


# --- voting -------------------------------------------------------------------------------------


def _canonical(content: Mapping[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def receipt_for(poll: Poll, ballot_id: Any, content: Mapping[str, Any]) -> str:
    """A code derived from the ballot and the poll's secret: XXXX-XXXX-XXXX."""
    digest = hmac.new(
        poll.receipt_key.encode(),
        f"{ballot_id}|{_canonical(content)}".encode(),
        hashlib.sha256,
    ).digest()
    code = base64.b32encode(digest).decode()[:12]
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def ballot_problem(poll: Poll, content: Mapping[str, Any]) -> str | None:
    """Why an electronic ballot is not well-formed (None when it is). Paper ballots may be
    spoiled; an electronic one is refused instead, so the voter can correct it."""
    keys = [c.key for c in poll.candidates.all()]
    verdict = rules.tally(
        {
            "method": poll.method,
            "candidates": keys,
            "seats": poll.seats,
            "eligible_voters": max(1, len(keys)),
            "ballots": [dict(content)],
        }
    )
    if verdict["invalid"]:
        if poll.method == Method.APPROVAL:
            return _("Approve at most %(n)s candidate(s).") % {"n": poll.seats}
        return _("The ballot is not filled in correctly.")
    return None


def voter_for(poll: Poll, user: Any) -> Voter | None:
    return Voter.objects.filter(poll=poll, user=user).select_related("org").first()


def has_voted(poll: Poll, voter: Voter) -> bool:
    return VoteCast.objects.filter(poll=poll, voter=voter).exists()


def _reshuffle(poll: Poll) -> None:
    """Rewrite the poll's ballots in random order, so storage order is not vote order."""
    ballots = list(Ballot.objects.filter(poll=poll).values("id", "content", "receipt", "paper"))
    _shuffle.shuffle(ballots)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(
        [
            Ballot(
                id=b["id"], poll=poll, content=b["content"], receipt=b["receipt"], paper=b["paper"]
            )
            for b in ballots
        ]
    )


def vote(*, actor: Any, poll: Poll, content: Mapping[str, Any]) -> str:
    """Cast the actor's ballot once; returns the receipt. A second attempt (also from two tabs at
    once) is refused by the database's unique constraint and changes nothing."""
    try:
        with transaction.atomic():
            # One vote at a time per poll: the ballots are rewritten in random order below.
            poll = Poll.objects.select_for_update(of=("self",)).get(pk=poll.pk)
            if poll.status != PollStatus.OPEN or poll.paper:
                raise DomainError(_("The poll is not open for voting."))
            if poll.closes_at and timezone.now() > poll.closes_at:
                raise DomainError(_("The poll's closing time has passed."))
            voter = voter_for(poll, actor)
            if voter is None:
                raise DomainError(_("You are not on this poll's roll of voters."))
            content = dict(content)
            if not content.get("blank"):
                problem = ballot_problem(poll, content)
                if problem:
                    raise DomainError(problem, field="ballot")
            else:
                content = {"blank": True}
            VoteCast.objects.create(poll=poll, voter=voter)
            ballot = Ballot(poll=poll, content=content)
            ballot.receipt = receipt_for(poll, ballot.id, content)
            if not poll.secret:
                ballot.voter = voter
            ballot.save(force_insert=True)
            if poll.secret:
                _reshuffle(poll)
            _audit(actor, "votes.ballot.cast", poll, voter=[None, voter.org_id])
            return ballot.receipt
    except IntegrityError:
        raise DomainError(
            _("You have already voted in this poll; a ballot is cast once.")
        ) from None


def turnout(poll: Poll) -> tuple[int, int]:
    """Ballots cast so far (not their content) and eligible voters."""
    return VoteCast.objects.filter(poll=poll).count(), eligible_count(poll)


# --- closing, paper, publishing -----------------------------------------------------------------


def _request(poll: Poll) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": poll.method,
        "candidates": [c.key for c in poll.candidates.all()],
        "seats": poll.seats,
        "eligible_voters": eligible_count(poll),
        "tie_break": poll.tie_break,
    }
    # The tally reads numbers (as the API's JSON gives them); a 4-decimal share is exact as float.
    if poll.quorum is not None:
        request["quorum"] = float(poll.quorum)
    if poll.threshold_ratio is not None:
        request["threshold"] = {
            "basis": poll.threshold_basis,
            "ratio": float(poll.threshold_ratio),
            "strict": poll.threshold_strict,
        }
    return request


def _labels(poll: Poll) -> dict[str, str]:
    return {c.key: c.label for c in poll.candidates.all()}


def _store_result(poll: Poll, result: dict[str, Any]) -> None:
    labels = {c.key: c.label for c in poll.candidates.all()}
    result["labels"] = labels
    result["receipts"] = sorted(
        r for r in Ballot.objects.filter(poll=poll).values_list("receipt", flat=True) if r
    )
    poll.result = result


@transaction.atomic
def poll_close(*, actor: Any, poll: Poll) -> Poll:
    """Close the vote and count it; the ballots and the result are immutable from then on."""
    poll = (
        Poll.objects.select_for_update(of=("self",)).select_related("cluster_year").get(pk=poll.pk)
    )
    if poll.status != PollStatus.OPEN:
        raise DomainError(_("Only an open poll is closed."))
    request = _request(poll)
    request["ballots"] = [b.content for b in Ballot.objects.filter(poll=poll)]
    try:
        result = rules.tally(request, labels=_labels(poll))
    except rules.TallyError as exc:
        raise DomainError(str(exc)) from None
    _store_result(poll, result)
    poll.status, poll.closed_at = PollStatus.CLOSED, timezone.now()
    poll.save(update_fields=["status", "closed_at", "result"])
    _audit(
        actor,
        "votes.poll.closed",
        poll,
        status=[PollStatus.OPEN, poll.status],
        ballots=[None, result["ballots_cast"]],
    )
    return poll


@transaction.atomic
def paper_record(
    *,
    actor: Any,
    poll: Poll,
    committee: str,
    ballots_issued: int,
    ballots: Sequence[Mapping[str, Any]] | None = None,
    totals: Mapping[str, Any] | None = None,
) -> Poll:
    """The counting committee's count of a paper vote: each ballot as counted (a spoiled one is
    counted invalid), or per-candidate totals with the numbers of ballots cast, invalid and blank.
    Tallied by the same rules, recorded as paper, and the poll closed."""
    poll = (
        Poll.objects.select_for_update(of=("self",)).select_related("cluster_year").get(pk=poll.pk)
    )
    if poll.status not in (PollStatus.DRAFT, PollStatus.OPEN):
        raise DomainError(_("The count is recorded once, before the poll is closed."))
    if VoteCast.objects.filter(poll=poll).exists():
        raise DomainError(
            _("Ballots were already cast electronically; a paper count cannot be added.")
        )
    committee = committee.strip()
    if not committee:
        raise DomainError(_("Name the members of the counting committee."), field="committee")
    eligible = eligible_count(poll)
    if not isinstance(ballots_issued, int) or not 0 <= ballots_issued <= eligible:
        raise DomainError(
            _("Ballots issued: a whole number from 0 to %(n)s (eligible voters).")
            % {"n": eligible},
            field="ballots_issued",
        )
    request = _request(poll)
    try:
        if totals is not None:
            request.update(totals)
            result = rules.tally_totals(request, labels=_labels(poll))
        else:
            request["ballots"] = list(ballots or [])
            result = rules.tally(request, labels=_labels(poll))
    except rules.TallyError as exc:
        raise DomainError(str(exc), field="count") from None
    if result["ballots_cast"] > ballots_issued:
        raise DomainError(
            _("More ballots counted (%(c)s) than issued (%(i)s).")
            % {"c": result["ballots_cast"], "i": ballots_issued},
            field="count",
        )
    if totals is None:
        Ballot.objects.bulk_create(
            [
                Ballot(
                    poll=poll, content=dict(b) if isinstance(b, Mapping) else {"raw": b}, paper=True
                )
                for b in _shuffled(list(ballots or []))
            ]
        )
    old = poll.status
    poll.paper, poll.paper_committee, poll.ballots_issued = True, committee, ballots_issued
    _store_result(poll, result)
    poll.result["paper"] = True  # type: ignore[index]
    now = timezone.now()
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    poll.opened_at = poll.opened_at or now
    poll.save(
        update_fields=[
            "paper",
            "paper_committee",
            "ballots_issued",
            "result",
            "status",
            "closed_at",
            "opened_at",
        ]
    )
    _audit(
        actor,
        "votes.paper.recorded",
        poll,
        status=[old, poll.status],
        ballots=[None, result["ballots_cast"]],
        committee=[None, committee],
    )
    return poll


def _shuffled(items: list[Any]) -> list[Any]:
    _shuffle.shuffle(items)
    return items


@transaction.atomic
def poll_publish(*, actor: Any, poll: Poll) -> Poll:
    """Publish the totals; an election sets next year's head or deputy, a proposal vote creates
    the proposals with the poll as their evidence."""
    poll = (
        Poll.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster", "meeting")
        .get(pk=poll.pk)
    )
    if poll.status != PollStatus.CLOSED:
        raise DomainError(_("Only a closed poll's result is published."))
    poll.status, poll.published_at = PollStatus.PUBLISHED, timezone.now()
    poll.save(update_fields=["status", "published_at"])
    effect = _apply(actor, poll)
    _audit(
        actor,
        "votes.poll.published",
        poll,
        status=[PollStatus.CLOSED, poll.status],
        winners=[None, (poll.result or {}).get("winners", [])],
        effect=[None, effect],
    )
    return poll


def winners(poll: Poll) -> list[Candidate]:
    keys = (poll.result or {}).get("winners", [])
    by_key = {c.key: c for c in poll.candidates.select_related("org")}
    return [by_key[k] for k in keys if k in by_key]


def _apply(actor: Any, poll: Poll) -> str:
    """What the published result does; a short description for the audit trail."""
    from clusters.services import cluster_year_open, cluster_year_set_head

    chosen = winners(poll)
    if not chosen or poll.cluster_year is None:
        return ""
    cy = poll.cluster_year
    if poll.purpose in (Purpose.FLAG, Purpose.CERTIFICATE):
        kind = ProposalKind.FLAG if poll.purpose == Purpose.FLAG else ProposalKind.CERTIFICATE
        for c in chosen:
            if c.org is not None:
                Proposal.objects.get_or_create(poll=poll, org=c.org, kind=kind, cluster_year=cy)
        return f"proposals:{len(chosen)}"
    if poll.purpose in (Purpose.HEAD, Purpose.DEPUTY):
        unit = chosen[0].org
        if unit is None:
            return ""
        following = cy.cluster.years.filter(year=cy.year + 1).first()
        if following is None and poll.purpose == Purpose.DEPUTY:
            from clusters import rules as cluster_rules

            members = [m.org_id for m in cy.members.order_by("rotation_position")]
            proposed_head, _proposed_deputy = cluster_rules.propose_head_and_deputy(
                members, cy.head_id, cy.deputy_id
            )
            if proposed_head == unit.pk:
                raise DomainError(
                    _(
                        "%(name)s is next in turn to head the cluster: publish the election of "
                        "next year's head first."
                    )
                    % {"name": unit.name}
                )
        if following is None:
            following = cluster_year_open(
                actor=actor,
                cluster=cy.cluster,
                year=cy.year + 1,
                head=unit if poll.purpose == Purpose.HEAD else None,
                deputy=unit if poll.purpose == Purpose.DEPUTY else None,
            )
        if not following.members.filter(org=unit).exists():
            raise DomainError(
                _("%(name)s is not a member next year; change the members first.")
                % {"name": unit.name}
            )
        head = unit if poll.purpose == Purpose.HEAD else following.head
        deputy = unit if poll.purpose == Purpose.DEPUTY else following.deputy
        if head is None:
            return f"deputy_proposed:{unit.pk}"
        if deputy is not None and deputy.pk == head.pk:
            deputy = None
        meeting = poll.meeting
        cluster_year_set_head(
            actor=actor,
            cluster_year=following,
            head=head,
            deputy=deputy,
            decision=_decision_text(poll),
            decision_date=meeting.date if meeting else timezone.localdate(),
        )
        return f"{poll.purpose}:{unit.pk}:{following.year}"
    return ""


def _decision_text(poll: Poll) -> str:
    """The appointing decision as the cluster year records it (at most 120 characters)."""
    if poll.meeting is not None:
        text = _("Vote at the meeting of %(d)s: %(q)s") % {
            "d": poll.meeting.date.strftime("%d/%m/%Y"),
            "q": poll.question,
        }
    else:
        text = _("Vote: %(q)s") % {"q": poll.question}
    return text if len(text) <= 120 else text[:119] + "…"


def results_viewed(*, actor: Any, poll: Poll) -> None:
    """Seeing the result before it is published is audited."""
    with transaction.atomic():
        _audit(actor, "votes.result.viewed", poll, status=[None, poll.status])
