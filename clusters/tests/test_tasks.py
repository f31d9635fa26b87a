"""The home page's "waiting for you" card: a member's registration and reports, the secretariat's
reviews and late members; nothing for someone who acts for no member."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    registration_for,
    registration_register,
    registration_save,
)
from clusters.reports import period_create, submission_submit
from clusters.selectors import cluster_tasks
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user

TODAY = dt.date(2024, 5, 10)


@pytest.fixture
def setting(province: Any, tmp_path: Any, settings: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    council = province("19")
    head, b, c = province("24"), province("06"), province("15")
    cluster = cluster_create(actor=None, kind="cum", organiser=council, code="C-T", name="Cụm thử")
    cy = cluster_year_open(actor=None, cluster=cluster, year=2024, members=[head, b, c])
    cy = cluster_year_set_head(
        actor=None, cluster_year=cy, head=head, deputy=b, decision="1/QĐ", decision_date=None
    )
    covenant = covenant_send(
        actor=None,
        covenant=covenant_create(
            actor=None, cluster_year=cy, title="Giao ước 2024", criteria=["Tiêu chí 1"]
        ),
    )
    period = period_create(
        actor=None,
        cluster_year=cy,
        kind="custom",
        name="Quý I/2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 3, 31),
        due=dt.date(2024, 4, 10),
    )
    return {
        "cy": cy,
        "covenant": covenant,
        "period": period,
        "head": head,
        "b": b,
        "c": c,
        "focal_b": make_user("daumoi.b", "focal_point", b),
        "secretariat": make_user("thuky.head", "secretariat", head),
    }


def kinds(tasks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (item["kind"], item["org"].code if "org" in item else str(item["count"]))
        for task in tasks
        for item in task["items"]
    ]


def test_a_focal_point_sees_its_registration_and_its_overdue_report(setting: Any) -> None:
    tasks = cluster_tasks(user=setting["focal_b"], today=TODAY)

    assert [t["year"] for t in tasks] == [setting["cy"]]
    assert kinds(tasks) == [("register", "06"), ("report", "06")]
    assert tasks[0]["items"][1]["cell"].status == "missing"


def test_the_tasks_go_once_done(setting: Any) -> None:
    registration = registration_for(covenant=setting["covenant"], org=setting["b"])
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput("Thu ngân sách", "tỷ đồng", "100")],
        titles=[],
    )
    registration_register(actor=None, registration=registration)
    submission_submit(
        actor=None,
        period=setting["period"],
        org=setting["b"],
        upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4 bao cao"),
    )

    assert cluster_tasks(user=setting["focal_b"], today=TODAY) == []
    # The secretariat now has one registration to review and two members late (head and C).
    assert kinds(cluster_tasks(user=setting["secretariat"], today=TODAY)) == [
        ("review", "1"),
        ("late", "2"),
    ]


def test_the_secretariat_of_a_past_year_has_nothing_waiting(setting: Any) -> None:
    # The rotation proposes last year's deputy (B) as the new head.
    opened = cluster_year_open(actor=None, cluster=setting["cy"].cluster, year=2025)
    assert opened.head_id == setting["b"].pk

    tasks = cluster_tasks(user=setting["secretariat"], today=TODAY)

    assert all(item["kind"] not in ("review", "late") for t in tasks for item in t["items"])


def test_an_outsider_and_the_administrator_see_no_card(
    setting: Any, outsider: Any, admin_user: Any
) -> None:
    assert cluster_tasks(user=outsider, today=TODAY) == []
    assert cluster_tasks(user=admin_user, today=TODAY) == []


def test_the_home_page_shows_the_card_to_the_focal_point(setting: Any, monkeypatch: Any) -> None:
    instant = dt.datetime.combine(TODAY, dt.time(3), tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: instant)
    client = Client()
    client.force_login(setting["focal_b"])

    page = client.get("/").content.decode()

    assert 'id="cluster-tasks"' in page
    assert f"/clusters/periods/{setting['period'].pk}/members/{setting['b'].pk}/" in page


def test_a_viewer_of_a_member_has_nothing_waiting(setting: Any) -> None:
    viewer = make_user("xem.bg", "viewer", setting["head"])

    assert cluster_tasks(user=viewer, today=TODAY) == []
