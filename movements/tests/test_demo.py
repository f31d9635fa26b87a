"""The demo's movements: the seed articles' facts, loaded once however often load() runs."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from clusters.services import cluster_create
from core.models import AuditEvent
from movements import demo
from movements.models import Movement, MovementReview
from orgs.models import Org


def counts() -> dict[str, int]:
    return {
        "movements": Movement.objects.count(),
        "reviews": MovementReview.objects.count(),
        "clusters": Movement.clusters.through.objects.count(),
        "units": Movement.participants.through.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="movements.").count(),
    }


def test_it_loads_every_movement_of_the_data_file_once(db: Any) -> None:
    expected = len(demo.demo_data())

    first = demo.load()
    loaded = counts()
    second = demo.load()

    assert (first, second) == (expected, 0)
    assert counts() == loaded
    assert loaded["movements"] == expected == 10
    assert loaded["clusters"] == 0  # no cluster loaded: the links are skipped


def test_it_links_the_seed_004_movements_to_the_border_cluster(db: Any) -> None:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MNBG",
        name="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    )

    demo.load()

    linked = sorted(cluster.movements.values_list("launched_by__code", flat=True))
    assert linked == ["02", "04", "10", "12", "TW-HDTDKT"]
    national = Movement.objects.get(name="Cả nước chung sức xây dựng nông thôn mới")
    assert (national.scope, national.launched_by.code, national.decision_number) == (
        "national",
        "TW-HDTDKT",
        "",
    )
    assert sorted(national.participants.values_list("code", flat=True)) == [
        "02",
        "04",
        "10",
        "11",
        "12",
        "14",
        "20",
    ]


def test_it_records_the_interim_review_of_directive_11(db: Any) -> None:
    demo.load()

    review = MovementReview.objects.select_related("movement__launched_by").get()
    assert (review.kind, review.date, review.collectives_commended) == (
        "so_ket",
        dt.date(2018, 5, 15),
        15,
    )
    assert review.movement.launched_by.code == "19"
    assert "Chỉ thị số 11" in review.title


def test_it_invents_no_decision_number_and_says_what_is_illustrative(db: Any) -> None:
    data = json.loads(demo.DATA_FILE.read_text(encoding="utf-8"))

    demo.load()

    assert set(Movement.objects.values_list("decision_number", flat=True)) == {""}
    assert all("dữ liệu minh họa" in item["note"] for item in data["movements"])
    assert all("seed" in item["note"] for item in data["movements"])


@pytest.fixture
def demo_loaded(db: Any) -> dict[str, int]:
    call_command("load_demo", password="x", stdout=StringIO())
    demo.load()
    return counts()


def test_it_runs_after_the_demo_and_creates_nothing_twice(demo_loaded: dict[str, int]) -> None:
    again = demo.load()

    assert again == 0
    assert counts() == demo_loaded
    assert demo_loaded["movements"] == len(demo.demo_data())
    codes = set(Movement.clusters.through.objects.values_list("cluster__code", flat=True))
    assert {"CTD-MNBG", "CTD-TDMNPB", "CTD-VHTTDL-DBSH"} <= codes
