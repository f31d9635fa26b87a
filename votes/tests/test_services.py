"""The poll services: creating (every refusal creates nothing), designating delegates, the draft →
open → closed → published life cycle with its audit trail, what publishing does (next year's head
or deputy, proposals for a flag or a certificate, nothing on a tie), and the paper count.

The cluster is organised by the central council in 2015, headed by Bắc Giang ("24", the
secretariat persona's province) with Bắc Kạn ("06") as deputy and Thái Nguyên ("19"); each member
province has exactly one focal point, its delegate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from accounts.models import Role, User
from clusters.models import Cluster, ClusterYear, Meeting
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from votes import services
from votes.models import (
    Ballot,
    Candidate,
    Electorate,
    Poll,
    PollStatus,
    Proposal,
    ProposalKind,
    VoteCast,
    Voter,
)

CODES = ("24", "06", "19")


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
def council() -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def cluster(db: Any, council: Org) -> Cluster:
    return cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-7", name="Cụm thi đua 7 tỉnh"
    )


@pytest.fixture
def year(cluster: Cluster, province: Any) -> ClusterYear:
    members = [province(code) for code in CODES]
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB",
        decision_date=dt.date(2015, 1, 20),
    )


@pytest.fixture
def meeting(year: ClusterYear) -> Meeting:
    return meeting_create(
        actor=None,
        cluster_year=year,
        kind="year_end",
        date=dt.date(2015, 12, 10),
        place="Bắc Giang",
    )


@pytest.fixture
def org(year: ClusterYear) -> dict[str, Org]:
    return {code: Org.objects.get(code=code) for code in CODES}


@pytest.fixture
def delegates(org: dict[str, Org]) -> dict[str, User]:
    """One focal point per member province: its delegate."""
    return {code: make_user(f"dele{code}", Role.FOCAL_POINT, unit) for code, unit in org.items()}


@pytest.fixture
def actor(secretariat_bac_giang: User) -> User:
    return secretariat_bac_giang


def unit_poll(
    actor: User,
    meeting: Meeting,
    org: Mapping[str, Org],
    *,
    purpose: str = "flag",
    method: str = "yes_no",
    codes: tuple[str, ...] = CODES,
    question: str = "Đề nghị tặng Cờ thi đua của Chính phủ",
    **options: Any,
) -> Poll:
    return services.poll_create(
        actor=actor,
        question=question,
        purpose=purpose,
        method=method,
        candidates=[{"org": org[code]} for code in codes],
        meeting=meeting,
        **options,
    )


def designate_all(
    actor: User, poll: Poll, org: Mapping[str, Org], delegates: Mapping[str, User]
) -> None:
    for code, user in delegates.items():
        services.voter_designate(actor=actor, poll=poll, org=org[code], user=user)


def opened(actor: User, poll: Poll, org: Mapping[str, Org], delegates: Mapping[str, User]) -> Poll:
    designate_all(actor, poll, org, delegates)
    return services.poll_open(actor=actor, poll=poll)


def key(poll: Poll, code_or_label: str) -> str:
    """A candidate's key in the tally, by its unit's code or its label."""
    for c in poll.candidates.select_related("org"):
        if (c.org is not None and c.org.code == code_or_label) or c.label == code_or_label:
            return c.key
    raise AssertionError(code_or_label)


def fresh(poll: Poll) -> Poll:
    return Poll.objects.get(pk=poll.pk)


def actions(poll: Poll) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="votes.poll", object_id=str(poll.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def all_vote(poll: Poll, delegates: Mapping[str, User], contents: Mapping[str, Any]) -> None:
    for code, content in contents.items():
        services.vote(actor=delegates[code], poll=poll, content=content)


def poll_state(poll: Poll) -> tuple[Any, ...]:
    p = fresh(poll)
    return (
        p.status,
        p.paper,
        p.result,
        p.ballots_issued,
        p.paper_committee,
        Ballot.objects.filter(poll=p).count(),
        VoteCast.objects.filter(poll=p).count(),
    )


# --- creating: every refusal creates nothing ---------------------------------------------------


REFUSED: dict[str, dict[str, Any]] = {
    "empty question": {"question": "   \n "},
    "unknown purpose": {"purpose": "prize"},
    "unknown method": {"method": "dhondt"},
    "no candidates": {"candidates": []},
    "only empty options": {"purpose": "other", "candidates": [{"label": "  "}]},
    "duplicate candidate": {"candidates": ["24", "24"]},
    "duplicate option": {"purpose": "other", "candidates": [{"label": "A"}, {"label": " A "}]},
    "more seats than candidates": {"method": "approval", "seats": 4},
    "no seat": {"seats": 0},
    "head poll with two seats": {"purpose": "head", "method": "approval", "seats": 2},
    "deputy poll with two seats": {"purpose": "deputy", "method": "approval", "seats": 2},
    "threshold for plurality": {
        "method": "plurality",
        "threshold_basis": "cast",
        "threshold_ratio": "0.5",
    },
    "threshold for borda": {"method": "borda", "threshold_basis": "eligible", "threshold_ratio": 1},
    "threshold share without basis": {"threshold_ratio": "0.5"},
    "threshold basis without share": {"threshold_basis": "cast"},
    "fewer_no for approval": {"method": "approval", "tie_break": "fewer_no"},
    "fewer_no for plurality": {"method": "plurality", "tie_break": "fewer_no"},
    "unknown tie-break": {"tie_break": "coin"},
    "unit candidate not a member": {"candidates": ["24", "01"]},
    "options for a head poll": {
        "purpose": "head",
        "method": "plurality",
        "candidates": ["24", {"label": "Phương án khác"}],
    },
    "options for a flag poll": {"candidates": [{"label": "Tỉnh Bắc Giang"}]},
    "quorum 0": {"quorum": 0},
    "quorum above 1": {"quorum": "1.5"},
    "quorum negative": {"quorum": "-0,5"},
    "quorum not a number": {"quorum": "hai phần ba"},
    "threshold 0": {"threshold_basis": "cast", "threshold_ratio": "0"},
    "threshold above 1": {"threshold_basis": "eligible", "threshold_ratio": "1,01"},
    "closes before it opens": {
        "opens_at": dt.datetime(2015, 12, 10, 9, tzinfo=dt.UTC),
        "closes_at": dt.datetime(2015, 12, 10, 8, tzinfo=dt.UTC),
    },
}


def _create(actor: User, meeting: Meeting, org: Mapping[str, Org], **override: Any) -> Poll:
    raw = override.pop("candidates", list(CODES))
    candidates = [org.get(c) or Org.objects.get(code=c) if isinstance(c, str) else c for c in raw]
    kwargs: dict[str, Any] = {
        "actor": actor,
        "question": "Đề nghị tặng Cờ thi đua của Chính phủ",
        "purpose": "flag",
        "method": "yes_no",
        "candidates": [c if isinstance(c, dict) else {"org": c} for c in candidates],
        "meeting": meeting,
    }
    kwargs.update(override)
    return services.poll_create(**kwargs)


@pytest.mark.parametrize("override", REFUSED.values(), ids=REFUSED.keys())
def test_poll_create_refuses_and_creates_nothing(
    actor: User, meeting: Meeting, org: dict[str, Org], override: dict[str, Any]
) -> None:
    before = (Poll.objects.count(), Candidate.objects.count(), Voter.objects.count())
    with pytest.raises(DomainError) as caught:
        _create(actor, meeting, org, **override)
    assert caught.value.message
    assert (Poll.objects.count(), Candidate.objects.count(), Voter.objects.count()) == before
    assert not AuditEvent.objects.filter(action="votes.poll.created").exists()


def test_poll_create_refuses_a_unit_purpose_for_a_council(actor: User, council: Org) -> None:
    with pytest.raises(DomainError):
        services.poll_create(
            actor=actor,
            question="Bầu cụm trưởng",
            purpose="head",
            method="plurality",
            candidates=[{"label": "A"}, {"label": "B"}],
            council=council,
        )
    assert Poll.objects.count() == 0


def test_poll_create_needs_exactly_one_owner(actor: User, year: ClusterYear, council: Org) -> None:
    common: dict[str, Any] = {
        "actor": actor,
        "question": "Thông qua quy chế",
        "purpose": "other",
        "method": "yes_no",
        "candidates": [{"label": "Quy chế"}],
    }
    with pytest.raises(DomainError):
        services.poll_create(**common)
    with pytest.raises(DomainError):
        services.poll_create(**common, cluster_year=year, council=council)
    assert Poll.objects.count() == 0


def test_poll_create_refuses_a_nan_quorum(
    actor: User, meeting: Meeting, org: dict[str, Org]
) -> None:
    with pytest.raises(DomainError):
        _create(actor, meeting, org, quorum="NaN")
    assert Poll.objects.count() == 0


def test_poll_create_refuses_a_person_for_a_head_poll(
    actor: User, meeting: Meeting, org: dict[str, Org], person_bac_giang: Any
) -> None:
    with pytest.raises(DomainError):
        _create(
            actor,
            meeting,
            org,
            purpose="head",
            method="plurality",
            candidates=["24", {"person": person_bac_giang}],
        )
    assert Poll.objects.count() == 0


def test_poll_create_a_draft_with_its_candidates_audited(
    actor: User, meeting: Meeting, org: dict[str, Org]
) -> None:
    poll = unit_poll(
        actor,
        meeting,
        org,
        method="approval",
        seats=2,
        quorum="0,6667",
        threshold_basis="eligible",
        threshold_ratio="0.5",
        threshold_strict=False,
        question="  Đề nghị   tặng Cờ  ",
    )
    assert poll.status == PollStatus.DRAFT
    assert poll.question == "Đề nghị tặng Cờ"
    assert poll.cluster_year_id == meeting.cluster_year_id
    assert poll.meeting_id == meeting.pk
    assert poll.electorate == Electorate.UNITS
    stored = fresh(poll)
    assert stored.quorum == Decimal("0.6667")
    assert stored.threshold_ratio == Decimal("0.5")
    assert poll.threshold_basis == "eligible"
    assert poll.threshold_strict is False
    assert poll.receipt_key and len(poll.receipt_key) == 64
    assert [(c.position, c.org_id, c.kind) for c in poll.candidates.all()] == [
        (i, org[code].pk, "unit") for i, code in enumerate(CODES, start=1)
    ]
    assert Voter.objects.filter(poll=poll).count() == 0  # delegates are designated later
    assert actions(poll) == ["votes.poll.created"]
    event = AuditEvent.objects.get(action="votes.poll.created")
    assert event.actor_id == actor.pk
    assert event.changes["candidates"] == [None, [org[c].name for c in CODES]]


def test_a_council_poll_puts_its_active_members_on_the_roll(
    actor: User, council: Org, council_member: User, officer_thai_nguyen: User
) -> None:
    second = make_user("hoidong.2", Role.COUNCIL_MEMBER, council)
    gone = make_user("hoidong.3", Role.COUNCIL_MEMBER, council)
    gone.is_active = False
    gone.save()
    make_user("canbo.tw", Role.OFFICER, council)  # an officer runs the poll, does not vote
    poll = services.poll_create(
        actor=actor,
        question="Thông qua hồ sơ đề nghị",
        purpose="dossier",
        method="yes_no",
        candidates=[{"label": "Hồ sơ số 12"}],
        council=council,
    )
    assert poll.electorate == Electorate.COUNCIL
    assert set(poll.voters.values_list("user_id", flat=True)) == {council_member.pk, second.pk}
    assert services.eligible_count(poll) == 2
    # The roll is complete at once: the poll opens and a council member votes.
    services.poll_open(actor=actor, poll=poll)
    receipt = services.vote(
        actor=council_member, poll=poll, content={"choices": {key(poll, "Hồ sơ số 12"): "yes"}}
    )
    assert receipt
    with pytest.raises(DomainError):
        services.vote(actor=officer_thai_nguyen, poll=poll, content={"blank": True})


def test_a_council_without_members_cannot_open(actor: User, council: Org) -> None:
    poll = services.poll_create(
        actor=actor,
        question="Thông qua hồ sơ",
        purpose="dossier",
        method="yes_no",
        candidates=[{"label": "Hồ sơ"}],
        council=council,
    )
    with pytest.raises(DomainError):
        services.poll_open(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.DRAFT


# --- delegates ---------------------------------------------------------------------------------


def test_designating_a_delegate_checks_the_unit_and_the_user(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], province: Any
) -> None:
    poll = unit_poll(actor, meeting, org)
    with pytest.raises(DomainError):  # Hà Nội is not a member
        services.voter_designate(actor=actor, poll=poll, org=province("01"), user=delegates["24"])
    with pytest.raises(DomainError):  # Bắc Giang's focal point does not act for Thái Nguyên
        services.voter_designate(actor=actor, poll=poll, org=org["19"], user=delegates["24"])
    with pytest.raises(DomainError):
        services.voter_designate(actor=actor, poll=poll, org=org["19"], user=None)
    services.voter_designate(actor=actor, poll=poll, org=org["24"], user=delegates["24"])
    # One user votes for one unit only: dele19 reaches Bắc Kạn by lineage, but votes for 19.
    services.voter_designate(actor=actor, poll=poll, org=org["19"], user=delegates["19"])
    with pytest.raises(DomainError):
        services.voter_designate(actor=actor, poll=poll, org=org["06"], user=delegates["19"])
    # Replacing a unit's delegate keeps one voter per unit.
    other = make_user("daumoi2.bacgiang", Role.FOCAL_POINT, org["24"])
    services.voter_designate(actor=actor, poll=poll, org=org["24"], user=other)
    assert dict(poll.voters.values_list("org_id", "user_id")) == {
        org["24"].pk: other.pk,
        org["19"].pk: delegates["19"].pk,
    }
    assert AuditEvent.objects.filter(action="votes.delegate.designated").count() == 3


def test_designate_defaults_picks_the_only_focal_point_of_each_unit(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    make_user("canbo19", Role.OFFICER, org["19"])  # two keepers in 19: no default
    poll = unit_poll(actor, meeting, org)
    assert services.designate_defaults(actor=actor, poll=poll) == 2
    assert dict(poll.voters.values_list("org_id", "user_id")) == {
        org["24"].pk: delegates["24"].pk,
        org["06"].pk: delegates["06"].pk,
    }


# --- the life cycle ------------------------------------------------------------------------------


def test_opening_needs_a_delegate_for_every_member_unit(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = unit_poll(actor, meeting, org)
    services.voter_designate(actor=actor, poll=poll, org=org["24"], user=delegates["24"])
    with pytest.raises(DomainError) as caught:
        services.poll_open(actor=actor, poll=poll)
    assert org["06"].name in caught.value.message
    assert org["19"].name in caught.value.message
    assert org["24"].name not in caught.value.message
    assert fresh(poll).status == PollStatus.DRAFT
    assert fresh(poll).opened_at is None
    assert "votes.poll.opened" not in actions(poll)


def test_draft_open_closed_published_each_step_audited(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = unit_poll(actor, meeting, org)
    assert actions(poll) == ["votes.poll.created"]
    designate_all(actor, poll, org, delegates)
    poll = services.poll_open(actor=actor, poll=poll)
    assert poll.status == PollStatus.OPEN and poll.opened_at is not None
    assert services.turnout(poll) == (0, 3)
    k24, k06, k19 = (key(poll, c) for c in CODES)
    all_vote(
        poll,
        delegates,
        {
            "24": {"choices": {k24: "yes", k06: "yes", k19: "no"}},
            "06": {"choices": {k24: "yes", k06: "abstain", k19: "no"}},
            "19": {"choices": {k24: "no", k06: "no", k19: "yes"}},
        },
    )
    assert services.turnout(poll) == (3, 3)
    assert fresh(poll).result is None  # nothing counted while open
    poll = services.poll_close(actor=actor, poll=poll)
    assert poll.status == PollStatus.CLOSED and poll.closed_at is not None
    result = fresh(poll).result
    assert result is not None
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        3,
        3,
        0,
        0,
    )
    assert result["winners"] == [k24]  # the most "yes"
    rows = {r["candidate"]: r for r in result["results"]}
    assert (rows[k24]["yes"], rows[k24]["no"], rows[k24]["abstain"]) == (2, 1, 0)
    assert (rows[k06]["yes"], rows[k06]["no"], rows[k06]["abstain"]) == (1, 1, 1)
    assert rows[k24]["elected"] is True and rows[k06]["elected"] is False
    assert result["labels"] == {k24: org["24"].name, k06: org["06"].name, k19: org["19"].name}
    assert len(result["receipts"]) == 3
    poll = services.poll_publish(actor=actor, poll=poll)
    assert poll.status == PollStatus.PUBLISHED and poll.published_at is not None
    assert actions(poll) == [
        "votes.poll.created",
        "votes.delegate.designated",
        "votes.delegate.designated",
        "votes.delegate.designated",
        "votes.poll.opened",
        "votes.ballot.cast",
        "votes.ballot.cast",
        "votes.ballot.cast",
        "votes.poll.closed",
        "votes.poll.published",
    ]
    opened_event = AuditEvent.objects.get(action="votes.poll.opened")
    assert opened_event.changes["status"] == ["draft", "open"]
    closed_event = AuditEvent.objects.get(action="votes.poll.closed")
    assert closed_event.changes["status"] == ["open", "closed"]
    assert closed_event.changes["ballots"] == [None, 3]
    published = AuditEvent.objects.get(action="votes.poll.published")
    assert published.changes["status"] == ["closed", "published"]
    assert published.changes["winners"] == [None, [k24]]
    assert {e.actor_id for e in AuditEvent.objects.filter(action__startswith="votes.poll.")} == {
        actor.pk
    }


QUORUM_AND_THRESHOLD_BUG = (
    "BUG: services._request sends the poll's quorum and threshold ratio to the tally as strings "
    "(str(Decimal)), which votes.rules refuses ('must be a number'): a poll with a quorum or a "
    "threshold can be neither closed nor counted on paper"
)


def test_a_poll_with_a_quorum_and_a_threshold_closes_and_applies_them(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = unit_poll(
        actor, meeting, org, quorum="0,6667", threshold_basis="eligible", threshold_ratio="0,5"
    )
    poll = opened(actor, poll, org, delegates)
    k24, k06, k19 = (key(poll, c) for c in CODES)
    all_vote(
        poll,
        delegates,
        {
            "24": {"choices": {k24: "yes", k06: "yes", k19: "no"}},
            "06": {"choices": {k24: "yes", k06: "abstain", k19: "no"}},
            "19": {"choices": {k24: "no", k06: "no", k19: "yes"}},
        },
    )
    services.poll_close(actor=actor, poll=poll)
    result = fresh(poll).result
    assert result is not None
    assert result["quorum_met"] is True  # 3 of 3 eligible
    rows = {r["candidate"]: r for r in result["results"]}
    assert rows[k24]["passed"] is True  # 2 of 3 eligible: more than half
    assert rows[k06]["passed"] is False and rows[k19]["passed"] is False
    assert result["winners"] == [k24]


def test_a_quorum_not_met_elects_nobody(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org, quorum="0,6667"), org, delegates)
    k24 = key(poll, "24")
    all_vote(poll, delegates, {c: {"choices": {k24: "yes"}} for c in ("24", "06")})
    services.poll_close(actor=actor, poll=poll)
    result = fresh(poll).result
    assert result is not None
    assert result["quorum_met"] is False  # 2/3 < 0.6667, compared exactly
    assert result["winners"] == []


def test_nothing_changes_once_open(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org), org, delegates)
    other = make_user("daumoi2.bacgiang", Role.FOCAL_POINT, org["24"])
    with pytest.raises(DomainError):
        services.voter_designate(actor=actor, poll=poll, org=org["24"], user=other)
    with pytest.raises(DomainError):
        services.poll_open(actor=actor, poll=poll)
    assert poll.voters.get(org=org["24"]).user_id == delegates["24"].pk
    assert fresh(poll).status == PollStatus.OPEN


def test_only_an_open_poll_closes_and_only_a_closed_one_publishes(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = unit_poll(actor, meeting, org)
    with pytest.raises(DomainError):
        services.poll_close(actor=actor, poll=poll)
    with pytest.raises(DomainError):
        services.poll_publish(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.DRAFT
    poll = opened(actor, poll, org, delegates)
    with pytest.raises(DomainError):
        services.poll_publish(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.OPEN
    services.poll_close(actor=actor, poll=poll)
    with pytest.raises(DomainError):
        services.poll_close(actor=actor, poll=poll)
    services.poll_publish(actor=actor, poll=poll)
    with pytest.raises(DomainError):
        services.poll_publish(actor=actor, poll=poll)
    with pytest.raises(DomainError):
        services.poll_close(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.PUBLISHED
    assert actions(poll).count("votes.poll.closed") == 1
    assert actions(poll).count("votes.poll.published") == 1


def test_a_closed_poll_keeps_its_result_and_refuses_votes(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org, method="plurality"), org, delegates)
    services.vote(actor=delegates["24"], poll=poll, content={"choice": key(poll, "24")})
    services.poll_close(actor=actor, poll=poll)
    result = fresh(poll).result
    assert result is not None and result["ballots_cast"] == 1
    with pytest.raises(DomainError):
        services.vote(actor=delegates["06"], poll=poll, content={"choice": key(poll, "06")})
    assert fresh(poll).result == result
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert VoteCast.objects.filter(poll=poll).count() == 1
    services.poll_publish(actor=actor, poll=poll)
    with pytest.raises(DomainError):
        services.vote(actor=delegates["19"], poll=poll, content={"choice": key(poll, "19")})
    assert fresh(poll).result == result
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_votes_are_refused_before_opening_off_the_roll_and_when_malformed(
    actor: User,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    officer_thai_nguyen: User,
) -> None:
    poll = unit_poll(actor, meeting, org, method="approval")
    designate_all(actor, poll, org, delegates)
    with pytest.raises(DomainError):  # still a draft
        services.vote(actor=delegates["24"], poll=poll, content={"approve": []})
    services.poll_open(actor=actor, poll=poll)
    with pytest.raises(DomainError):  # reaches 19 but is not its delegate
        services.vote(actor=officer_thai_nguyen, poll=poll, content={"approve": []})
    with pytest.raises(DomainError):  # one seat: one approval at most
        services.vote(
            actor=delegates["24"],
            poll=poll,
            content={"approve": [key(poll, "24"), key(poll, "06")]},
        )
    with pytest.raises(DomainError):
        services.vote(actor=delegates["24"], poll=poll, content={"approve": ["999999"]})
    assert VoteCast.objects.filter(poll=poll).count() == 0
    assert Ballot.objects.filter(poll=poll).count() == 0
    # A blank ballot is stored as just that, whatever came with it.
    services.vote(
        actor=delegates["24"], poll=poll, content={"blank": True, "approve": [key(poll, "24")]}
    )
    assert [b.content for b in Ballot.objects.filter(poll=poll)] == [{"blank": True}]


def test_a_poll_past_its_closing_time_refuses_votes(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = unit_poll(
        actor,
        meeting,
        org,
        opens_at=dt.datetime(2015, 12, 10, 8, tzinfo=dt.UTC),
        closes_at=dt.datetime(2015, 12, 10, 9, tzinfo=dt.UTC),
    )
    poll = opened(actor, poll, org, delegates)
    with pytest.raises(DomainError):
        services.vote(actor=delegates["24"], poll=poll, content={"blank": True})
    assert VoteCast.objects.filter(poll=poll).count() == 0


# --- what publishing does ------------------------------------------------------------------------


def elect(
    actor: User,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    purpose: str,
    choices: Mapping[str, str],
    question: str = "Bầu cụm trưởng năm 2016",
) -> Poll:
    """A closed plurality poll of `purpose`: each delegate (by code) chooses a unit (by code)."""
    poll = opened(
        actor,
        unit_poll(actor, meeting, org, purpose=purpose, method="plurality", question=question),
        org,
        delegates,
    )
    all_vote(poll, delegates, {v: {"choice": key(poll, c)} for v, c in choices.items()})
    return services.poll_close(actor=actor, poll=poll)


def year_state(cluster: Cluster) -> list[tuple[Any, ...]]:
    return [
        (
            y.year,
            y.head_id,
            y.deputy_id,
            y.head_decision,
            sorted(y.members.values_list("org_id", flat=True)),
        )
        for y in cluster.years.order_by("year")
    ]


def test_a_head_poll_opens_next_year_with_the_elected_head(
    actor: User,
    cluster: Cluster,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
) -> None:
    poll = elect(actor, meeting, org, delegates, "head", {"24": "19", "06": "19", "19": "24"})
    assert cluster.years.count() == 1
    services.poll_publish(actor=actor, poll=poll)
    following = cluster.years.get(year=2016)
    assert following.head_id == org["19"].pk
    assert following.deputy_id != org["19"].pk
    assert set(following.members.values_list("org_id", flat=True)) == {o.pk for o in org.values()}
    assert poll.question in following.head_decision
    assert following.head_decision_date == meeting.date
    assert AuditEvent.objects.filter(action="clusters.year.head_appointed").count() == 2
    published = AuditEvent.objects.get(action="votes.poll.published")
    assert published.changes["effect"] == [None, f"head:{org['19'].pk}:2016"]


def test_a_head_poll_sets_the_head_of_an_existing_next_year(
    actor: User,
    cluster: Cluster,
    year: ClusterYear,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
) -> None:
    following = cluster_year_open(actor=None, cluster=cluster, year=2016)
    # The rotation proposes last year's deputy (06) as head, 19 as deputy.
    assert (following.head_id, following.deputy_id) == (org["06"].pk, org["19"].pk)
    poll = elect(actor, meeting, org, delegates, "head", {"24": "24", "06": "24", "19": "19"})
    services.poll_publish(actor=actor, poll=poll)
    following.refresh_from_db()
    assert (following.head_id, following.deputy_id) == (org["24"].pk, org["19"].pk)
    assert cluster.years.count() == 2
    year.refresh_from_db()
    assert (year.head_id, year.deputy_id) == (org["24"].pk, org["06"].pk)  # this year unchanged


def test_a_head_elected_as_the_deputy_of_next_year_is_no_longer_its_deputy(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    following = cluster_year_open(actor=None, cluster=cluster, year=2016)
    poll = elect(actor, meeting, org, delegates, "head", {"24": "19", "06": "19", "19": "19"})
    services.poll_publish(actor=actor, poll=poll)
    following.refresh_from_db()
    assert (following.head_id, following.deputy_id) == (org["19"].pk, None)


def test_a_head_poll_is_not_published_when_the_unit_leaves_next_year(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    cluster_year_open(actor=None, cluster=cluster, year=2016, members=[org["06"], org["19"]])
    poll = elect(actor, meeting, org, delegates, "head", {"24": "24", "06": "24", "19": "24"})
    before = year_state(cluster)
    with pytest.raises(DomainError) as caught:
        services.poll_publish(actor=actor, poll=poll)
    assert org["24"].name in caught.value.message
    assert fresh(poll).status == PollStatus.CLOSED
    assert fresh(poll).published_at is None
    assert year_state(cluster) == before
    assert "votes.poll.published" not in actions(poll)


def test_a_deputy_poll_opens_next_year_with_the_elected_deputy(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = elect(
        actor,
        meeting,
        org,
        delegates,
        "deputy",
        {"24": "24", "06": "24", "19": "06"},
        question="Bầu cụm phó năm 2016",
    )
    services.poll_publish(actor=actor, poll=poll)
    following = cluster.years.get(year=2016)
    assert following.deputy_id == org["24"].pk
    assert following.head_id == org["06"].pk  # the rotation's proposal stands
    assert set(following.members.values_list("org_id", flat=True)) == {o.pk for o in org.values()}


def test_a_deputy_poll_sets_the_deputy_of_an_existing_next_year(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    following = cluster_year_open(actor=None, cluster=cluster, year=2016)
    poll = elect(
        actor,
        meeting,
        org,
        delegates,
        "deputy",
        {"24": "24", "06": "24", "19": "24"},
        question="Bầu cụm phó năm 2016",
    )
    services.poll_publish(actor=actor, poll=poll)
    following.refresh_from_db()
    assert (following.head_id, following.deputy_id) == (org["06"].pk, org["24"].pk)
    assert cluster.years.count() == 2


def test_a_deputy_poll_electing_the_unit_next_in_turn_to_head_waits_for_the_heads_election(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    """Next year is not open and the unit elected deputy is the one the rotation puts at the
    head: publishing says to publish the head's election first and changes nothing (the poll
    stays closed, no year is opened)."""
    poll = elect(
        actor,
        meeting,
        org,
        delegates,
        "deputy",
        {"24": "06", "06": "06", "19": "06"},
        question="Bầu cụm phó năm 2016",
    )
    with pytest.raises(DomainError, match="Cụm trưởng"):
        services.poll_publish(actor=actor, poll=poll)
    poll.refresh_from_db()
    assert poll.status == "closed"
    assert not cluster.years.filter(year=2016).exists()


def test_a_head_poll_with_a_long_question_keeps_the_decision_within_its_field(
    actor: User, cluster: Cluster, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    question = "Bầu đơn vị cụm trưởng " + "của Cụm thi đua các tỉnh trung du và miền núi " * 4
    assert 150 < len(question) <= 500
    poll = elect(
        actor,
        meeting,
        org,
        delegates,
        "head",
        {"24": "19", "06": "19", "19": "19"},
        question=question,
    )
    services.poll_publish(actor=actor, poll=poll)
    following = cluster.years.get(year=2016)
    assert following.head_id == org["19"].pk
    limit = ClusterYear._meta.get_field("head_decision").max_length
    assert limit is not None and len(following.head_decision) <= limit


@pytest.mark.parametrize(
    ("purpose", "kind"),
    [("flag", ProposalKind.FLAG), ("certificate", ProposalKind.CERTIFICATE)],
)
def test_a_proposal_poll_creates_proposals_for_its_winners(
    actor: User,
    year: ClusterYear,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    purpose: str,
    kind: str,
) -> None:
    poll = opened(
        actor,
        unit_poll(actor, meeting, org, purpose=purpose, method="approval", seats=2),
        org,
        delegates,
    )
    k24, k06, k19 = (key(poll, c) for c in CODES)
    all_vote(
        poll,
        delegates,
        {
            "24": {"approve": [k24, k19]},
            "06": {"approve": [k19, k06]},
            "19": {"approve": [k24, k19]},
        },
    )
    services.poll_close(actor=actor, poll=poll)
    assert Proposal.objects.count() == 0  # nothing before publication
    services.poll_publish(actor=actor, poll=poll)
    proposals = Proposal.objects.filter(poll=poll)
    assert sorted((p.org_id, p.kind, p.cluster_year_id) for p in proposals) == sorted(
        [(org["24"].pk, kind, year.pk), (org["19"].pk, kind, year.pk)]
    )
    assert Proposal.objects.count() == 2
    assert cluster_years_unchanged(year)


def cluster_years_unchanged(year: ClusterYear) -> bool:
    return year.cluster.years.count() == 1


@pytest.mark.parametrize("purpose", ["flag", "head", "deputy"])
def test_a_tie_changes_nothing(
    actor: User,
    cluster: Cluster,
    year: ClusterYear,
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    purpose: str,
) -> None:
    poll = opened(
        actor, unit_poll(actor, meeting, org, purpose=purpose, method="plurality"), org, delegates
    )
    all_vote(
        poll,
        delegates,
        {
            "24": {"choice": key(poll, "19")},
            "06": {"choice": key(poll, "24")},
            "19": {"blank": True},
        },
    )
    services.poll_close(actor=actor, poll=poll)
    result = fresh(poll).result
    assert result is not None
    assert result["winners"] == []
    assert sorted(result["ties"][0]) == sorted([key(poll, "24"), key(poll, "19")])
    before = year_state(cluster)
    services.poll_publish(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.PUBLISHED
    assert Proposal.objects.count() == 0
    assert year_state(cluster) == before
    published = AuditEvent.objects.get(action="votes.poll.published")
    assert published.changes["effect"] == [None, ""]


# --- the paper count -----------------------------------------------------------------------------


def test_paper_ballots_are_tallied_marked_paper_and_close_the_poll(
    actor: User, meeting: Meeting, org: dict[str, Org]
) -> None:
    poll = unit_poll(actor, meeting, org, method="plurality")  # a draft: no delegates needed
    k24, k06 = key(poll, "24"), key(poll, "06")
    spoiled: Any = "rách, không đọc được"  # a paper ballot as the committee could not read it
    poll = services.paper_record(
        actor=actor,
        poll=poll,
        committee="Nguyễn Văn A\nTrần Thị B",
        ballots_issued=3,
        ballots=[{"choice": k24}, {"choice": k24}, spoiled],
    )
    poll = fresh(poll)
    assert poll.status == PollStatus.CLOSED
    assert poll.paper is True
    assert poll.paper_committee == "Nguyễn Văn A\nTrần Thị B"
    assert poll.ballots_issued == 3
    assert poll.opened_at is not None and poll.closed_at is not None
    result = poll.result
    assert result is not None
    assert result["paper"] is True
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        3,
        2,
        1,
        0,
    )
    assert result["winners"] == [k24]
    rows = {r["candidate"]: r for r in result["results"]}
    assert rows[k24]["votes"] == 2 and rows[k06]["votes"] == 0
    assert result["receipts"] == []
    ballots = list(Ballot.objects.filter(poll=poll))
    assert len(ballots) == 3
    assert all(b.paper and b.voter_id is None and b.receipt == "" for b in ballots)
    assert {"raw": "rách, không đọc được"} in [b.content for b in ballots]
    assert VoteCast.objects.filter(poll=poll).count() == 0
    event = AuditEvent.objects.get(action="votes.paper.recorded")
    assert event.changes["status"] == ["draft", "closed"]
    assert event.changes["ballots"] == [None, 3]
    # The count is closed: no electronic vote, no second count; it publishes like any poll.
    with pytest.raises(DomainError):
        services.paper_record(actor=actor, poll=poll, committee="C", ballots_issued=3, ballots=[])
    services.poll_publish(actor=actor, poll=poll)
    assert fresh(poll).status == PollStatus.PUBLISHED
    assert Proposal.objects.filter(poll=poll, org=org["24"]).exists()


def test_paper_totals_are_tallied_on_an_open_poll(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org), org, delegates)
    k24, k06, k19 = (key(poll, c) for c in CODES)
    services.paper_record(
        actor=actor,
        poll=poll,
        committee="Tổ kiểm phiếu",
        ballots_issued=3,
        totals={
            "totals": {
                k24: {"yes": 2, "no": 0},
                k06: {"yes": 1, "no": 1, "abstain": 0},
                k19: {"yes": 0, "no": 2},
            },
            "ballots_cast": 3,
            "invalid": 0,
            "blank": 1,
        },
    )
    poll = fresh(poll)
    assert poll.status == PollStatus.CLOSED and poll.paper
    result = poll.result
    assert result is not None and result["paper"] is True
    assert (result["ballots_cast"], result["valid"], result["blank"]) == (3, 2, 1)
    assert result["winners"] == [k24]
    assert Ballot.objects.filter(poll=poll).count() == 0  # totals: no ballot rows
    with pytest.raises(DomainError):
        services.vote(actor=delegates["24"], poll=poll, content={"blank": True})


def test_paper_totals_apply_the_threshold(
    actor: User, meeting: Meeting, org: dict[str, Org]
) -> None:
    poll = unit_poll(actor, meeting, org, threshold_basis="cast", threshold_ratio="0,5")
    k24, k06, k19 = (key(poll, c) for c in CODES)
    services.paper_record(
        actor=actor,
        poll=poll,
        committee="Tổ kiểm phiếu",
        ballots_issued=3,
        totals={
            "totals": {
                k24: {"yes": 3, "no": 0},
                k06: {"yes": 1, "no": 2},
                k19: {"yes": 0, "no": 3},
            },
            "ballots_cast": 3,
            "invalid": 0,
            "blank": 0,
        },
    )
    result = fresh(poll).result
    assert result is not None
    assert [r["candidate"] for r in result["results"] if r["passed"]] == [k24]
    assert result["winners"] == [k24]


PAPER_REFUSED: dict[str, dict[str, Any]] = {
    "empty committee": {"committee": " \n ", "ballots_issued": 3, "ballots": [{"blank": True}]},
    "more counted than issued": {
        "committee": "Tổ",
        "ballots_issued": 2,
        "ballots": [{"blank": True}] * 3,
    },
    "more issued than eligible": {"committee": "Tổ", "ballots_issued": 4, "ballots": []},
    "issued negative": {"committee": "Tổ", "ballots_issued": -1, "ballots": []},
    "totals counted more than issued": {
        "committee": "Tổ",
        "ballots_issued": 1,
        "totals": {"totals": "FILL", "ballots_cast": 2, "invalid": 0, "blank": 2},
    },
    "totals malformed": {
        "committee": "Tổ",
        "ballots_issued": 3,
        "totals": {"totals": {}, "ballots_cast": 2, "invalid": 0, "blank": 0},
    },
}


@pytest.mark.parametrize("call", PAPER_REFUSED.values(), ids=PAPER_REFUSED.keys())
def test_a_refused_paper_count_changes_nothing(
    actor: User, meeting: Meeting, org: dict[str, Org], call: dict[str, Any]
) -> None:
    poll = unit_poll(actor, meeting, org, method="plurality")
    call = dict(call)
    if call.get("totals", {}).get("totals") == "FILL":
        call["totals"] = {
            **call["totals"],
            "totals": {key(poll, c): {"votes": 0} for c in CODES},
        }
    before = poll_state(poll)
    with pytest.raises(DomainError):
        services.paper_record(actor=actor, poll=poll, **call)
    assert poll_state(poll) == before
    assert not AuditEvent.objects.filter(action="votes.paper.recorded").exists()


def test_a_paper_count_is_refused_once_ballots_were_cast_electronically(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org, method="plurality"), org, delegates)
    services.vote(actor=delegates["06"], poll=poll, content={"choice": key(poll, "06")})
    before = poll_state(poll)
    with pytest.raises(DomainError):
        services.paper_record(
            actor=actor,
            poll=poll,
            committee="Tổ",
            ballots_issued=2,
            ballots=[{"choice": key(poll, "24")}, {"choice": key(poll, "24")}],
        )
    assert poll_state(poll) == before
    assert fresh(poll).status == PollStatus.OPEN and not fresh(poll).paper


# --- PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite ignores FOR UPDATE")
def test_the_poll_services_lock_the_poll_on_postgresql(
    actor: User, meeting: Meeting, org: dict[str, Org], delegates: dict[str, User]
) -> None:
    poll = opened(actor, unit_poll(actor, meeting, org, method="plurality"), org, delegates)
    all_vote(poll, delegates, {c: {"choice": key(poll, "24")} for c in CODES})
    services.poll_close(actor=actor, poll=poll)
    services.poll_publish(actor=actor, poll=poll)
    paper = unit_poll(actor, meeting, org, method="plurality", question="Phiếu giấy")
    services.paper_record(
        actor=actor, poll=paper, committee="Tổ", ballots_issued=1, ballots=[{"blank": True}]
    )
    assert fresh(poll).status == PollStatus.PUBLISHED
    assert fresh(paper).status == PollStatus.CLOSED
