"""The secrecy of the ballot: nothing in the database links a voter to a ballot (schema, stored
rows, storage order, audit trail), receipts prove a ballot was counted without saying what it
was, a named poll says who voted what by design, and one vote per voter is enforced by the
database itself, also when two requests race (PostgreSQL only).

A cluster of seven provinces in 2015, headed by Bắc Giang ("24", the secretariat persona's
province); each province has exactly one focal point, designated as its delegate by default.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

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
from votes.models import Ballot, Poll, PollStatus, VoteCast, Voter

CODES = ("24", "06", "19", "20", "22", "25", "26")  # the order the delegates vote in
CANDIDATES = ("24", "06", "19")
WORDS = {"yes": "Đồng ý", "no": "Không đồng ý", "abstain": "Không biểu quyết"}
RECEIPT = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")

# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MN",
        name="Cụm thi đua các tỉnh miền núi",
    )
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
        actor=None, cluster_year=year, kind="year_end", date=dt.date(2015, 12, 10)
    )


@pytest.fixture
def delegates(year: ClusterYear) -> dict[str, User]:
    return {
        code: make_user(f"dele{code}", Role.FOCAL_POINT, Org.objects.get(code=code))
        for code in CODES
    }


@pytest.fixture
def actor(secretariat_bac_giang: User) -> User:
    return secretariat_bac_giang


def open_poll(actor: User, meeting: Meeting, *, secret: bool = True, n: int = 1) -> Poll:
    poll = services.poll_create(
        actor=actor,
        question=f"Đề nghị tặng Cờ thi đua (lần {n})",
        purpose="flag",
        method="yes_no",
        candidates=[{"org": Org.objects.get(code=c)} for c in CANDIDATES],
        meeting=meeting,
        secret=secret,
    )
    assert services.designate_defaults(actor=actor, poll=poll) == len(CODES)
    return services.poll_open(actor=actor, poll=poll)


def keys(poll: Poll) -> list[str]:
    return [c.key for c in poll.candidates.all()]


def contents(poll: Poll) -> list[dict[str, Any]]:
    """Seven distinct yes/no ballots, in the order the delegates cast them."""
    combos = list(itertools.product(("yes", "no", "abstain"), repeat=len(CANDIDATES)))[:7]
    return [{"choices": dict(zip(keys(poll), combo, strict=True))} for combo in combos]


def cast_all(poll: Poll, delegates: Mapping[str, User]) -> dict[str, str]:
    """Every delegate votes, in CODES order, the ballot of the same index; receipts by code."""
    return {
        code: services.vote(actor=delegates[code], poll=poll, content=content)
        for code, content in zip(CODES, contents(poll), strict=True)
    }


def raw_rows(table: str, poll: Poll) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The stored rows of a poll in `table`, as the database returns them (no ORDER BY)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {connection.ops.quote_name(table)} WHERE poll_id = %s",  # noqa: S608
            [poll.pk],
        )
        columns = [d[0] for d in cursor.description]
        return columns, list(cursor.fetchall())


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


@pytest.fixture
def secret_poll(actor: User, meeting: Meeting, delegates: dict[str, User]) -> Poll:
    return open_poll(actor, meeting)


# --- (a) the schema ------------------------------------------------------------------------------


def test_a_ballot_has_no_voter_but_the_nullable_named_one_and_no_time() -> None:
    fields = Ballot._meta.get_fields()
    related = {f.name: f for f in fields if f.is_relation}
    assert set(related) == {"poll", "voter"}
    assert related["poll"].related_model is Poll
    voter = Ballot._meta.get_field("voter")
    assert voter.related_model is Voter and voter.null is True
    assert not any(f.related_model in (User, VoteCast) for f in fields if f.is_relation)
    assert not [f.name for f in fields if isinstance(f, models.DateField | models.TimeField)]
    assert isinstance(Ballot._meta.pk, models.UUIDField)  # not a counter in vote order


def test_a_vote_cast_has_no_time_and_no_link_to_a_ballot() -> None:
    fields = VoteCast._meta.get_fields()
    assert {f.name for f in fields} == {"id", "poll", "voter"}
    assert not [f.name for f in fields if isinstance(f, models.DateField | models.TimeField)]
    assert not any(f.related_model is Ballot for f in fields if f.is_relation)
    assert not any(f.related_model is VoteCast for f in Ballot._meta.get_fields() if f.is_relation)
    assert "receipt" not in {f.name for f in fields}
    assert "receipt" not in {f.name for f in Voter._meta.get_fields()}


# --- (b) the stored rows -----------------------------------------------------------------------


def test_no_stored_ballot_names_its_voter(secret_poll: Poll, delegates: dict[str, User]) -> None:
    cast_all(secret_poll, delegates)
    voters = list(Voter.objects.filter(poll=secret_poll))
    assert len(voters) == 7
    assert all(b.voter_id is None for b in Ballot.objects.filter(poll=secret_poll))
    forbidden = {str(v.pk) for v in voters}
    forbidden |= {str(v.user_id) for v in voters} | {str(v.org_id) for v in voters}
    names = {u.username for u in delegates.values()} | {
        o.name for o in Org.objects.filter(code__in=CODES) if o.code not in CANDIDATES
    }
    columns, rows = raw_rows(Ballot._meta.db_table, secret_poll)
    assert len(rows) == 7
    assert "voter_id" in columns
    for row in rows:
        stored = dict(zip(columns, row, strict=True))
        assert stored["voter_id"] is None
        for column, value in stored.items():
            if column == "poll_id":
                continue
            assert str(value) not in forbidden, (column, value)
            assert not any(name in str(value) for name in names), (column, value)


# --- (c) the storage order -----------------------------------------------------------------------


def test_the_stored_order_of_ballots_is_not_the_vote_order(
    actor: User, meeting: Meeting, delegates: dict[str, User]
) -> None:
    orm_same, raw_same = [], []
    for n in range(5):
        poll = open_poll(actor, meeting, n=n)
        cast_all(poll, delegates)
        cast = contents(poll)
        in_orm_order = [b.content for b in Ballot.objects.filter(poll=poll)]
        columns, rows = raw_rows(Ballot._meta.db_table, poll)
        in_raw_order = [as_json(row[columns.index("content")]) for row in rows]
        # The same ballots, all of them, whatever the order.
        assert sorted(map(json.dumps, in_orm_order)) == sorted(map(json.dumps, cast))
        assert sorted(map(json.dumps, in_raw_order)) == sorted(map(json.dumps, cast))
        orm_same.append(in_orm_order == cast)
        raw_same.append(in_raw_order == cast)
    # 7! = 5040 orders: storing in vote order by chance five times over is out of the question.
    assert not all(orm_same)
    assert not all(raw_same)


# --- (d) the audit trail -----------------------------------------------------------------------


def test_the_audit_of_casting_holds_no_ballot_content(
    secret_poll: Poll, delegates: dict[str, User]
) -> None:
    receipts = cast_all(secret_poll, delegates)
    events = list(
        AuditEvent.objects.filter(action="votes.ballot.cast", object_id=str(secret_poll.pk))
    )
    assert len(events) == 7
    assert {e.actor_id for e in events} == {u.pk for u in delegates.values()}
    for event in events:
        assert set(event.changes) == {"voter"}
        text = json.dumps(event.changes, ensure_ascii=False) + event.object_repr
        for word in ("yes", "no", "abstain", "choices", "ballot", "content"):
            assert f'"{word}"' not in text
        for key in keys(secret_poll):
            assert f'"{key}"' not in text
    # No receipt is written anywhere in the audit trail.
    everything = json.dumps(
        list(AuditEvent.objects.values("changes", "object_repr")), ensure_ascii=False
    )
    assert not any(r in everything for r in receipts.values())


# --- (e) receipts --------------------------------------------------------------------------------


def test_receipts_are_distinct_listed_after_closing_and_kept_with_the_ballot_only(
    actor: User, secret_poll: Poll, delegates: dict[str, User]
) -> None:
    receipts = cast_all(secret_poll, delegates)
    assert all(RECEIPT.match(r) for r in receipts.values()), receipts
    assert len(set(receipts.values())) == 7
    stored = set(Ballot.objects.filter(poll=secret_poll).values_list("receipt", flat=True))
    assert stored == set(receipts.values())
    for table in (VoteCast._meta.db_table, Voter._meta.db_table):
        _, rows = raw_rows(table, secret_poll)
        assert rows
        assert not any(str(v) in stored for row in rows for v in row)
    services.poll_close(actor=actor, poll=secret_poll)
    result = Poll.objects.get(pk=secret_poll.pk).result
    assert result is not None
    assert sorted(result["receipts"]) == sorted(receipts.values())
    assert result["receipts"] == sorted(result["receipts"])  # listed sorted, not in vote order


# --- (f) a named poll ----------------------------------------------------------------------------


def test_a_named_poll_stores_and_shows_who_voted_what(
    actor: User, meeting: Meeting, delegates: dict[str, User]
) -> None:
    poll = open_poll(actor, meeting, secret=False)
    cast_all(poll, delegates)
    codes = dict(Voter.objects.filter(poll=poll).values_list("pk", "org__code"))
    by_code = {}
    for ballot in Ballot.objects.filter(poll=poll):
        assert ballot.voter_id is not None
        by_code[codes[ballot.voter_id]] = ballot.content
    assert by_code == dict(zip(CODES, contents(poll), strict=True))
    services.poll_close(actor=actor, poll=poll)
    client = Client()
    client.force_login(actor)
    html = client.get(reverse("votes:poll", args=[poll.pk])).content.decode()
    named = re.search(r'<ul id="named-ballots">(.*?)</ul>', html, re.S)
    assert named is not None
    items = re.findall(r"<li>(.*?)</li>", named.group(1), re.S)
    assert len(items) == 7
    labels = {c.key: c.label for c in poll.candidates.all()}
    for code, content in zip(CODES, contents(poll), strict=True):
        name = escape(Org.objects.get(code=code).name)
        [item] = [i for i in items if i.startswith(f"{name}: ")]
        for key, choice in content["choices"].items():
            assert escape(f"{labels[key]}: {WORDS[choice]}") in item, (code, item)
    # After publication the delegates see it too.
    services.poll_publish(actor=actor, poll=poll)
    client.force_login(delegates["19"])
    html = client.get(reverse("votes:poll", args=[poll.pk])).content.decode()
    assert 'id="named-ballots"' in html


def test_a_secret_poll_shows_no_one_what_anyone_voted(
    actor: User, secret_poll: Poll, delegates: dict[str, User]
) -> None:
    cast_all(secret_poll, delegates)
    services.poll_close(actor=actor, poll=secret_poll)
    services.poll_publish(actor=actor, poll=secret_poll)
    client = Client()
    client.force_login(actor)
    html = client.get(reverse("votes:poll", args=[secret_poll.pk])).content.decode()
    assert 'id="result"' in html
    assert 'id="named-ballots"' not in html


# --- (g) one vote per voter ------------------------------------------------------------------------


def test_the_database_keeps_one_vote_per_voter(
    secret_poll: Poll, delegates: dict[str, User]
) -> None:
    voter = Voter.objects.get(poll=secret_poll, user=delegates["24"])
    VoteCast.objects.create(poll=secret_poll, voter=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteCast.objects.create(poll=secret_poll, voter=voter)
    assert VoteCast.objects.filter(poll=secret_poll, voter=voter).count() == 1


def test_voting_twice_is_refused_and_keeps_one_ballot(
    secret_poll: Poll, delegates: dict[str, User]
) -> None:
    first = services.vote(actor=delegates["24"], poll=secret_poll, content={"blank": True})
    with pytest.raises(DomainError) as caught:
        services.vote(
            actor=delegates["24"],
            poll=secret_poll,
            content={"choices": dict.fromkeys(keys(secret_poll), "yes")},
        )
    with translation.override("vi"):
        expected = translation.gettext(
            "You have already voted in this poll; a ballot is cast once."
        )
    assert caught.value.message == expected
    assert [b.content for b in Ballot.objects.filter(poll=secret_poll)] == [{"blank": True}]
    assert [b.receipt for b in Ballot.objects.filter(poll=secret_poll)] == [first]
    assert VoteCast.objects.filter(poll=secret_poll).count() == 1
    assert AuditEvent.objects.filter(action="votes.ballot.cast").count() == 1


# --- (h) two requests at once (PostgreSQL) -------------------------------------------------------


@pytest.fixture(scope="module")
def reference_data_back(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by flushing every table, the reference provinces included (loaded
    by migration orgs/0002); load them again for the tests that run after it."""
    from django.apps import apps

    from orgs.reference import load_reference

    with django_db_blocker.unblock():
        load_reference(apps)
    yield
    with django_db_blocker.unblock():
        load_reference(apps)


@pytest.fixture
def reference_data(reference_data_back: None, django_db_blocker: Any) -> None:
    """The reference provinces, loaded again after an earlier transactional test's flush."""
    from django.apps import apps

    from orgs.reference import load_reference

    with django_db_blocker.unblock():
        load_reference(apps)


def race(*calls: Any) -> list[Any]:
    """Run the calls at once, each in its own thread with its own connection; their outcomes."""
    start = threading.Barrier(len(calls), timeout=10)
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = calls[index]()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def committed_open_poll(province: Any) -> tuple[Poll, dict[str, User]]:
    """The seven-province cluster's open secret poll, committed (transactional tests), and the
    delegates. Opened by writing the roll and the status directly: on PostgreSQL poll_open
    itself fails (see test_services.test_the_poll_services_lock_the_poll_on_postgresql), and
    what is tested here is casting."""
    secretariat = make_user("thuky.bacgiang", Role.SECRETARIAT, province("24"))
    cluster: Cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MN",
        name="Cụm thi đua các tỉnh miền núi",
    )
    members = [province(code) for code in CODES]
    year = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    delegates = {c: make_user(f"dele{c}", Role.FOCAL_POINT, province(c)) for c in CODES}
    poll = services.poll_create(
        actor=secretariat,
        question="Đề nghị tặng Cờ thi đua",
        purpose="flag",
        method="yes_no",
        candidates=[{"org": province(c)} for c in CANDIDATES],
        cluster_year=year,
    )
    Voter.objects.bulk_create([Voter(poll=poll, org=province(c), user=delegates[c]) for c in CODES])
    Poll.objects.filter(pk=poll.pk).update(status=PollStatus.OPEN, opened_at=timezone.now())
    return Poll.objects.get(pk=poll.pk), delegates


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL (SQLite's test database takes one writer at a time)",
)


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_tabs_voting_at_once_cast_one_ballot(reference_data: None, province: Any) -> None:
    poll, delegates = committed_open_poll(province)
    k = keys(poll)
    delegate = delegates["24"]

    outcomes = race(
        lambda: services.vote(actor=delegate, poll=poll, content={"choices": {k[0]: "yes"}}),
        lambda: services.vote(actor=delegate, poll=poll, content={"choices": {k[0]: "no"}}),
    )

    receipts = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(receipts), len(refused)) == (1, 1), outcomes
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert VoteCast.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.get(poll=poll).receipt == receipts[0]
    assert AuditEvent.objects.filter(action="votes.ballot.cast").count() == 1


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_delegates_voting_at_once_both_cast(reference_data: None, province: Any) -> None:
    poll, delegates = committed_open_poll(province)
    k = keys(poll)
    services.vote(actor=delegates["19"], poll=poll, content={"blank": True})  # one stored already

    # Votes on one poll take turns (the poll row is locked while its ballots are rewritten in
    # random order), so two delegates at the same moment both cast.
    outcomes = race(
        lambda: services.vote(actor=delegates["24"], poll=poll, content={"choices": {k[0]: "yes"}}),
        lambda: services.vote(actor=delegates["06"], poll=poll, content={"choices": {k[0]: "no"}}),
    )

    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert Ballot.objects.filter(poll=poll).count() == 3
    assert VoteCast.objects.filter(poll=poll).count() == 3


def test_a_closed_secret_poll_counts_every_ballot(
    actor: User, secret_poll: Poll, delegates: dict[str, User]
) -> None:
    cast_all(secret_poll, delegates)
    services.poll_close(actor=actor, poll=secret_poll)
    poll = Poll.objects.get(pk=secret_poll.pk)
    assert poll.status == PollStatus.CLOSED
    assert poll.result is not None
    assert poll.result["ballots_cast"] == 7 and poll.result["valid"] == 7
    yes = {r["candidate"]: r["yes"] for r in poll.result["results"]}
    # Of the first seven of yes/no/abstain³, the first candidate is "yes" on all seven.
    assert yes[keys(poll)[0]] == 7
