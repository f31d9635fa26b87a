"""`GET /healthz`: the database and the task queue, for load balancers and monitoring."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from core import health

URL = "/healthz"


def add_task(
    *, enqueued_ago: dt.timedelta, run_after: dt.datetime | None = None, status: str = "READY"
) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="stats.tasks.refresh_unit",
        backend_name="default",
        run_after=run_after or get_date_max(),
        status=status,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return task


def get(client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).get(URL, **extra)


def test_the_url_is_the_root_healthz() -> None:
    assert reverse("core:healthz") == URL


@pytest.mark.django_db
def test_all_well_answers_ok_with_200() -> None:
    response = get()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "tasks"}
    assert body["checks"]["database"]["status"] == "ok"
    tasks = body["checks"]["tasks"]
    assert tasks["status"] == "ok"
    assert tasks["ready"] == 0
    assert tasks["oldest_ready_seconds"] is None
    assert tasks["stuck_after_seconds"] == 900
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_costs_two_queries(django_assert_num_queries: Any) -> None:
    add_task(enqueued_ago=dt.timedelta(minutes=1))
    with django_assert_num_queries(2):
        response = get()
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_sets_no_cookie_nor_redirects_signed_in_or_not(
    outsider: Any, django_assert_max_num_queries: Any
) -> None:
    anonymous = get()
    assert anonymous.status_code == 200
    assert not anonymous.cookies
    assert "Set-Cookie" not in anonymous.headers

    signed_in = Client()
    signed_in.force_login(outsider)
    signed_in.cookies["django_language"] = "en"
    with django_assert_max_num_queries(4):  # + the session and the user, read by the middleware
        response = get(signed_in)
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
def test_head_is_allowed_and_post_is_not() -> None:
    assert Client().head(URL).status_code == 200
    response = Client().post(URL)
    assert response.status_code == 405
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_recent_queue_is_ok() -> None:
    add_task(enqueued_ago=dt.timedelta(minutes=3))
    add_task(enqueued_ago=dt.timedelta(seconds=10))
    body = json.loads(get().content)
    assert body["status"] == "ok"
    assert body["checks"]["tasks"]["ready"] == 2
    assert 180 <= body["checks"]["tasks"]["oldest_ready_seconds"] <= 190


@pytest.mark.django_db
def test_a_task_ready_for_over_15_minutes_means_the_worker_is_stuck() -> None:
    add_task(enqueued_ago=dt.timedelta(minutes=20))
    add_task(enqueued_ago=dt.timedelta(seconds=5))
    with mock.patch.object(health.logger, "warning") as warning:
        response = get()
    assert response.status_code == 200  # pages still work; monitoring reads "status"
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["status"] == "ok"
    tasks = body["checks"]["tasks"]
    assert tasks["status"] == "stuck"
    assert tasks["ready"] == 2
    assert 1200 <= tasks["oldest_ready_seconds"] <= 1210
    warning.assert_called_once()


@pytest.mark.django_db
def test_finished_running_and_deferred_tasks_are_not_waiting() -> None:
    now = timezone.now()
    add_task(enqueued_ago=dt.timedelta(hours=5), status="SUCCESSFUL")
    add_task(enqueued_ago=dt.timedelta(hours=5), status="FAILED")
    add_task(enqueued_ago=dt.timedelta(hours=1), status="RUNNING")
    # Deferred a day ahead: not ready yet.
    add_task(enqueued_ago=dt.timedelta(hours=2), run_after=now + dt.timedelta(days=1))
    # Enqueued two hours ago to run a minute ago: ready for one minute only.
    add_task(enqueued_ago=dt.timedelta(hours=2), run_after=now - dt.timedelta(minutes=1))
    body = json.loads(get().content)
    assert body["status"] == "ok"
    assert body["checks"]["tasks"]["ready"] == 1
    assert 60 <= body["checks"]["tasks"]["oldest_ready_seconds"] <= 70


@pytest.mark.django_db
def test_a_database_failure_answers_503_and_names_no_secret() -> None:
    error = OperationalError('connection to server at "db.internal" failed: password for "thidua"')
    with mock.patch.object(connection, "cursor", side_effect=error):
        response = get()
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "fail",
        "checks": {
            "database": {"status": "fail", "error": "OperationalError"},
            "tasks": {"status": "skipped"},
        },
    }
    assert b"db.internal" not in response.content
    assert b"thidua" not in response.content
    assert not response.cookies


@pytest.mark.django_db
def test_an_unreachable_task_table_is_degraded() -> None:
    error = ProgrammingError('relation "django_tasks_db_dbtaskresult" does not exist')
    with mock.patch.object(DBTaskResult.objects, "ready", side_effect=error):
        response = get()
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["checks"]["tasks"] == {"status": "fail", "error": "ProgrammingError"}
    assert b"relation" not in response.content


@pytest.mark.django_db
def test_it_is_not_in_the_menu(as_user: Any) -> None:
    page = as_user("officer_thai_nguyen").get(reverse("core:home"))
    assert page.status_code == 200
    assert b"healthz" not in page.content
