"""The load test's after-run checks (loadtest.run.check_writes) find lost and doubled writes: a save
the client was told succeeded but is not stored, one stored twice, a ballot without its receipt,
a poll whose ballots differ from its votes cast. A check that could not fail would prove nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from clusters.models import ClusterYear
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user
from loadtest.run import check_writes, kind_of
from orgs.models import Org
from scoring import assessment
from scoring.models import Mark
from scoring.services import table_create, table_lock, table_publish
from scoring.starter import STARTER
from votes import services as votes
from votes.models import Ballot

CODES = ("24", "06", "19")


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="khoi",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="LTT-01",
        name="Khối thử tải",
    )
    members = [province(code) for code in CODES]
    cy = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=cy,
        head=members[0],
        deputy=members[1],
        decision="1/QĐ",
        decision_date=dt.date(2015, 1, 15),
    )


@pytest.fixture
def world(year: ClusterYear, tmp_path: Path) -> dict[str, Any]:
    """A sheet with two saves, an open poll with two ballots cast (receipts kept)."""
    table = table_create(actor=None, cluster_year=year, title="Bảng điểm", data=STARTER)
    table_lock(actor=None, table=table_publish(actor=None, table=table))
    member = Org.objects.get(code="06")
    focal = make_user("lt-fp", "focal_point", member)
    sheet = assessment.sheet_for(table=table, org=member)
    for note in ("lt-a", "lt-b"):
        sheet.refresh_from_db()
        assessment.self_save(
            actor=focal,
            sheet=sheet,
            code="C",
            value=1,
            target=None,
            note=note,
            expected_version=sheet.version,
        )
    from clusters.services import meeting_create

    meeting = meeting_create(
        actor=None, cluster_year=year, kind="year_end", date=dt.date(2015, 12, 10)
    )
    orgs = [Org.objects.get(code=c) for c in CODES]
    poll = votes.poll_create(
        actor=None,
        question="Đề nghị tặng Bằng khen",
        purpose="certificate",
        method="plurality",
        meeting=meeting,
        candidates=[{"org": o} for o in orgs],
    )
    delegates = [make_user(f"lt-db{i}", "focal_point", o) for i, o in enumerate(orgs)]
    for user, org in zip(delegates, orgs, strict=True):
        votes.voter_designate(actor=None, poll=poll, org=org, user=user)
    votes.poll_open(actor=None, poll=poll)
    key = poll.candidates.all()[0].key
    receipts = [
        votes.vote(actor=user, poll=poll, content={"choice": key}) for user in delegates[:2]
    ]
    acks = [
        {"kind": "mark", "acked": True, "note": "lt-a", "user": "lt-fp", "sheet": sheet.pk},
        {"kind": "mark", "acked": True, "note": "lt-b", "user": "lt-fp", "sheet": sheet.pk},
        *(
            {"kind": "ballot", "acked": True, "receipt": r, "poll": poll.pk, "user": f"lt-db{i}"}
            for i, r in enumerate(receipts)
        ),
    ]
    manifest = {"tag": "T", "year": 2015, "polls": [{"id": poll.pk}]}
    return {"acks": acks, "manifest": manifest, "sheet": sheet, "poll": poll, "dir": tmp_path}


def check(world: dict[str, Any], acks: list[dict[str, Any]]) -> dict[str, Any]:
    (world["dir"] / "acks.jsonl").write_text("\n".join(json.dumps(a) for a in acks))
    return check_writes(world["dir"], world["manifest"])


def test_what_the_clients_were_told_matches_what_is_stored(world: dict[str, Any]) -> None:
    result = check(world, world["acks"])
    assert result["problems"] == []
    assert result["writes"] == {"ballot acknowledged": 2, "mark acknowledged": 2}


def test_an_acknowledged_save_that_is_not_stored_is_a_lost_write(world: dict[str, Any]) -> None:
    lost = {**world["acks"][0], "note": "lt-never-stored"}
    result = check(world, [*world["acks"], lost])
    assert result["lost_or_doubled"] == 1
    assert "lt-never-stored" in result["problems"][0]


def test_a_save_stored_twice_is_a_doubled_write(world: dict[str, Any]) -> None:
    mark = Mark.objects.get(note="lt-a")
    mark.pk = None
    mark.save()
    result = check(world, world["acks"])
    assert any("lt-a" in p and "2 times" in p for p in result["problems"])


def test_an_unacknowledged_save_may_be_stored_once_but_never_twice(world: dict[str, Any]) -> None:
    unacked = [{**a, "acked": False} if a["kind"] == "mark" else a for a in world["acks"]]
    assert check(world, unacked)["problems"] == []


def test_a_ballot_lost_or_counted_twice_is_found(world: dict[str, Any]) -> None:
    poll = world["poll"]
    Ballot.objects.filter(poll=poll)[0].delete()  # a ballot lost: votes cast stay 2
    result = check(world, world["acks"])
    assert any(f"poll {poll.pk}: 2 votes cast but 1 ballots" in p for p in result["problems"])


def test_routes_are_judged_by_their_own_goal() -> None:
    assert kind_of("save criterion") == kind_of("ballot cast") == "save"
    assert kind_of("sheet page") == kind_of("statistics dashboard") == "page"
    assert kind_of("sign in") == "login"
    assert kind_of("Aggregated") == "all"
