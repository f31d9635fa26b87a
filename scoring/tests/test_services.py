"""Scoring tables through their life: draft, copy from last year, publish, lock, amend."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from clusters.models import ClusterYear
from clusters.services import cluster_create, cluster_year_open, meeting_create
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from scoring.models import Criterion, ScoringTable, TableStatus
from scoring.services import (
    engine_table,
    table_amend,
    table_copy_last_year,
    table_create,
    table_data,
    table_lock,
    table_publish,
    table_update,
)

TABLE: dict[str, Any] = {
    "scale": 100,
    "aggregation": "median",
    "tie_breaks": ["group:A", "bonus", "vote"],
    "criteria": [
        {
            "code": "A",
            "text": "Nhiệm vụ kinh tế - xã hội",
            "kind": "group",
            "max_points": 60,
            "children": [
                {
                    "code": "A1",
                    "text": "Thu ngân sách",
                    "kind": "quantitative",
                    "max_points": 30,
                    "bonus_max": 5,
                },
                {
                    "code": "A2",
                    "text": "Tăng trưởng GRDP",
                    "kind": "relative_best",
                    "max_points": 30,
                },
            ],
        },
        {"code": "B", "text": "Báo cáo đúng hạn", "kind": "pass_fail", "max_points": 40},
        {
            "code": "T",
            "text": "Cờ thi đua năm trước",
            "kind": "bonus",
            "max_points": 10,
            "points_each": 10,
        },
    ],
}


@pytest.fixture
def years(province: Any) -> tuple[ClusterYear, ClusterYear]:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MNBG",
        name="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    )
    members = [province(code) for code in ("10", "20", "14", "04")]
    first = cluster_year_open(actor=None, cluster=cluster, year=2016, members=members)
    second = cluster_year_open(actor=None, cluster=cluster, year=2017)
    return first, second


def snapshot() -> tuple[Any, ...]:
    return (
        list(ScoringTable.objects.values_list("pk", "status", "version", "title").order_by("pk")),
        list(Criterion.objects.values_list("table_id", "code", "max_points").order_by("pk")),
        AuditEvent.objects.count(),
    )


def test_a_draft_is_stored_as_a_tree_and_read_back_the_same(years: Any) -> None:
    table = table_create(actor=None, cluster_year=years[0], title="Bảng điểm 2016", data=TABLE)

    data = table_data(table)

    assert [c["code"] for c in data["criteria"]] == ["A", "B", "T"]
    assert [c["code"] for c in data["criteria"][0]["children"]] == ["A1", "A2"]
    assert data["aggregation"] == "median" and data["tie_breaks"] == ["group:A", "bonus", "vote"]
    assert engine_table(table).scale == 100
    assert AuditEvent.objects.filter(action="scoring.table.created").count() == 1


def test_a_draft_may_be_incomplete_but_is_published_only_when_it_adds_up(years: Any) -> None:
    incomplete = copy.deepcopy(TABLE)
    incomplete["criteria"][1]["max_points"] = 30  # adds up to 90, not 100
    table = table_create(actor=None, cluster_year=years[0], title="Nháp", data=incomplete)
    before = snapshot()

    with pytest.raises(DomainError, match="90"):
        table_publish(actor=None, table=table)

    assert snapshot() == before
    table_update(actor=None, table=table, title="Bảng điểm 2016", data=TABLE)
    published = table_publish(actor=None, table=table)
    assert published.status == TableStatus.PUBLISHED


def test_a_structurally_broken_draft_is_refused_naming_the_criterion(years: Any) -> None:
    broken = copy.deepcopy(TABLE)
    broken["criteria"][0]["children"][1]["formula"] = "__import__('os').system('x')"
    before = snapshot()

    with pytest.raises(DomainError, match="A2"):
        table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=broken)

    assert snapshot() == before


def test_last_years_table_is_copied_as_this_years_draft(years: Any) -> None:
    old = table_create(actor=None, cluster_year=years[0], title="Bảng điểm năm 2016", data=TABLE)
    table_publish(actor=None, table=old)

    copied = table_copy_last_year(actor=None, cluster_year=years[1])

    assert copied.status == TableStatus.DRAFT
    assert copied.title == "Bảng điểm năm 2017"
    assert copied.copied_from == old
    assert table_data(copied)["criteria"] == table_data(old)["criteria"]
    # Editing the copy leaves last year's table as it was.
    edited = copy.deepcopy(TABLE)
    edited["criteria"][1]["text"] = "Báo cáo đầy đủ, đúng hạn"
    table_update(actor=None, table=copied, title=copied.title, data=edited)
    assert table_data(old)["criteria"][1]["text"] == "Báo cáo đúng hạn"


def test_nothing_to_copy_in_the_first_year(years: Any) -> None:
    with pytest.raises(DomainError):
        table_copy_last_year(actor=None, cluster_year=years[0])


def test_one_current_table_per_year(years: Any) -> None:
    table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=TABLE)
    before = snapshot()

    with pytest.raises(DomainError):
        table_create(actor=None, cluster_year=years[0], title="Bảng khác", data=TABLE)

    assert snapshot() == before


def test_a_published_or_locked_table_does_not_change_without_an_amendment(years: Any) -> None:
    table = table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=TABLE)
    table_publish(actor=None, table=table)
    before = snapshot()

    with pytest.raises(DomainError):
        table_update(actor=None, table=table, title="Sửa", data=TABLE)
    with pytest.raises(DomainError):
        table_publish(actor=None, table=table)
    assert snapshot() == before

    table_lock(actor=None, table=table)
    with pytest.raises(DomainError):
        table_lock(actor=None, table=table)
    with pytest.raises(DomainError):
        table_update(actor=None, table=table, title="Sửa", data=TABLE)


def test_an_amendment_keeps_the_old_version_with_its_reason_and_meeting(years: Any) -> None:
    table = table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=TABLE)
    table_publish(actor=None, table=table)
    table_lock(actor=None, table=table)
    meeting = meeting_create(
        actor=None, cluster_year=years[0], kind="mid_year", date=dt.date(2016, 7, 17)
    )
    amended_data = copy.deepcopy(TABLE)
    amended_data["criteria"][0]["children"][0]["max_points"] = 25
    amended_data["criteria"][0]["children"].append(
        {"code": "A3", "text": "Cải cách hành chính", "kind": "pass_fail", "max_points": 5}
    )

    amended = table_amend(
        actor=None,
        table=table,
        reason="Bổ sung tiêu chí cải cách hành chính (sơ kết 6 tháng)",
        meeting=meeting,
        title="Bảng điểm (sửa đổi)",
        data=amended_data,
    )

    table.refresh_from_db()
    assert table.status == TableStatus.SUPERSEDED
    assert (amended.version, amended.status, amended.amends) == (2, TableStatus.LOCKED, table)
    assert [c["code"] for c in table_data(table)["criteria"][0]["children"]] == ["A1", "A2"]
    assert [c["code"] for c in table_data(amended)["criteria"][0]["children"]] == [
        "A1",
        "A2",
        "A3",
    ]
    event = AuditEvent.objects.get(action="scoring.table.amended")
    assert event.changes["amendment_meeting"] == [None, meeting.pk]


@pytest.mark.parametrize("missing", ["reason", "meeting", "sums"])
def test_an_amendment_without_reason_meeting_or_valid_sums_is_refused(
    years: Any, missing: str
) -> None:
    table = table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=TABLE)
    table_publish(actor=None, table=table)
    meeting = meeting_create(
        actor=None, cluster_year=years[0], kind="mid_year", date=dt.date(2016, 7, 17)
    )
    other_year_meeting = meeting_create(
        actor=None, cluster_year=years[1], kind="mid_year", date=dt.date(2017, 7, 17)
    )
    data = copy.deepcopy(TABLE)
    if missing == "sums":
        data["criteria"][1]["max_points"] = 35
    before = snapshot()

    with pytest.raises(DomainError):
        table_amend(
            actor=None,
            table=table,
            reason="" if missing == "reason" else "Lý do",
            meeting=other_year_meeting if missing == "meeting" else meeting,
            title="",
            data=data,
        )

    assert snapshot() == before


def test_a_draft_is_not_amended(years: Any) -> None:
    table = table_create(actor=None, cluster_year=years[0], title="Bảng điểm", data=TABLE)
    meeting = meeting_create(
        actor=None, cluster_year=years[0], kind="mid_year", date=dt.date(2016, 7, 17)
    )
    with pytest.raises(DomainError):
        table_amend(actor=None, table=table, reason="Lý do", meeting=meeting, title="", data=TABLE)
