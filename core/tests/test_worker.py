"""The task worker's heartbeat and lost tasks (core/worker.py): a task whose worker died is run
again once or failed with a message, never left RUNNING for ever; imports stay all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.db import InterfaceError, OperationalError
from django.test import Client, override_settings
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult, get_date_max
from openpyxl import Workbook

import imports.tasks  # noqa: F401 - declares its recovery and sweep, as the worker imports it
import register.tasks  # noqa: F401
from core import worker
from core.models import WorkerHeartbeat
from imports import rules
from imports.models import ImportJob, ImportKind, ImportStatus
from imports.services import import_job_create, import_job_run
from people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESTARTED = "The task worker stopped during the import; nothing was changed. It starts again."
STOPPED_TWICE = (
    "The task worker stopped twice during this import; nothing was changed. "
    "Try again later, or ask the administrator to check the task worker."
)


def vi(message: str) -> str:
    """A message as the uploader (Vietnamese, the default) reads it."""
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def running_task(task_path: str, *, worker_ids: list[str], args: list[Any] | None = None) -> Any:
    return DBTaskResult.objects.create(
        args_kwargs={"args": args or [], "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        run_after=get_date_max(),
        status="RUNNING",
        started_at=timezone.now(),
        worker_ids=worker_ids,
    )


def heartbeat(worker_id: str, *, ago: dt.timedelta) -> None:
    seen = timezone.now() - ago
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=seen, seen_at=seen)


@pytest.fixture
def fake_task() -> Iterator[Any]:
    """A task path declared safe to run again, with hooks that record their calls."""
    calls: list[tuple[str, Any]] = []
    task = mock.Mock(module_path="tests.fake.task")
    worker.recoverable(
        task,
        rerun=True,
        on_rerun=lambda r: calls.append(("rerun", r.pk)),
        on_failed=lambda r: calls.append(("failed", r.pk)),
    )
    yield calls
    worker._RECOVERY.pop("tests.fake.task")


# --- which tasks are lost ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_task_whose_worker_beats_is_not_lost() -> None:
    heartbeat("alive", ago=dt.timedelta(seconds=5))
    task = running_task("tests.fake.task", worker_ids=["alive"])
    assert worker.lost_tasks() == []
    assert worker.recover() == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
def test_a_task_whose_worker_is_silent_or_gone_is_lost(settings: Any) -> None:
    settings.TASK_WORKER_LOST_AFTER = 60
    heartbeat("silent", ago=dt.timedelta(seconds=61))
    silent = running_task("tests.fake.task", worker_ids=["silent"])
    gone = running_task("tests.fake.task", worker_ids=["never-beat"])
    # Only the last worker to claim it counts: it was run before by a worker now alive.
    heartbeat("alive", ago=dt.timedelta(seconds=1))
    retried = running_task("tests.fake.task", worker_ids=["alive", "silent"])
    running_task("tests.fake.task", worker_ids=["silent", "alive"])
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tests.fake.task",
        backend_name="default",
        run_after=get_date_max(),
        status="READY",
    )
    assert set(worker.lost_tasks()) == {silent.pk, gone.pk, retried.pk}


# --- what becomes of them ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rerunnable_task_goes_back_in_the_queue_once_then_fails(fake_task: Any) -> None:
    task = running_task("tests.fake.task", worker_ids=["dead"])
    assert worker.recover() == [("tests.fake.task", "rerun")]
    task.refresh_from_db()
    assert task.status == "READY" and task.started_at is None
    assert fake_task == [("rerun", task.pk)]
    # Claimed again by another worker that dies too: the second loss fails it.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", worker_ids=["dead", "dead-too"]
    )
    assert worker.recover() == [("tests.fake.task", "failed")]
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == worker.LOST_CLASS_PATH
    assert "stopped before finishing" in task.traceback
    assert task.finished_at is not None
    assert fake_task == [("rerun", task.pk), ("failed", task.pk)]


@pytest.mark.django_db
def test_a_task_claimed_meanwhile_by_a_worker_just_started_is_left_alone(fake_task: Any) -> None:
    """Between listing the lost tasks and locking one, a new worker may have claimed it."""
    task = running_task("tests.fake.task", worker_ids=["dead", "just-started"])
    heartbeat("just-started", ago=dt.timedelta(seconds=0))
    with mock.patch.object(worker, "lost_tasks", return_value=[task.pk]):
        assert worker.recover() == []
    task.refresh_from_db()
    assert task.status == "RUNNING" and fake_task == []


@pytest.mark.django_db
def test_a_task_not_declared_rerunnable_is_failed_at_once() -> None:
    task = running_task("stats.tasks.no_such_task", worker_ids=["dead"])
    assert worker.recover() == [("stats.tasks.no_such_task", "failed")]
    task.refresh_from_db()
    assert task.status == "FAILED"


@pytest.mark.django_db
def test_old_heartbeats_are_removed(settings: Any) -> None:
    heartbeat("yesterday", ago=dt.timedelta(days=2))
    heartbeat("now", ago=dt.timedelta(seconds=1))
    worker.recover()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["now"]


@pytest.mark.django_db
def test_beat_and_forget() -> None:
    worker.beat("w1")
    row = WorkerHeartbeat.objects.get(worker_id="w1")
    first = row.seen_at
    worker.beat("w1")
    row.refresh_from_db()
    assert row.seen_at >= first and row.pid > 0
    worker.forget("w1")
    assert not WorkerHeartbeat.objects.exists()


# --- the people import ---------------------------------------------------------------------------------


def people_file(rows: int, prefix: str = "Lê Văn") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with translation.override("vi"):
        sheet.append([str(c.header) for c in rules.PEOPLE_COLUMNS])
    for i in range(rows):
        sheet.append([f"{prefix} {i:03d}", "Nam", 1980, "", "", "", "19", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("nguoi.xlsx", out.getvalue(), content_type=XLSX)


@pytest.fixture
def job(officer_thai_nguyen: Any) -> ImportJob:
    return import_job_create(
        actor=officer_thai_nguyen, kind=ImportKind.PEOPLE, upload=people_file(3)
    )


@pytest.mark.django_db
def test_an_import_whose_worker_died_runs_again_and_writes_once(job: ImportJob) -> None:
    # The worker died while checking the rows: the job shows "checking" for ever.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, processed_rows=2)
    task = running_task("imports.tasks.run_import", worker_ids=["dead"], args=[job.pk])
    assert worker.recover() == [("imports.tasks.run_import", "rerun")]
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING and job.processed_rows == 0
    assert job.message == vi(RESTARTED)
    task.refresh_from_db()
    assert task.status == "READY"
    before = Person.objects.count()
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 3
    assert Person.objects.count() == before + 3


@pytest.mark.django_db
def test_an_import_lost_twice_fails_with_a_message_and_writes_nothing(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING)
    running_task("imports.tasks.run_import", worker_ids=["dead", "dead-too"], args=[job.pk])
    before = Person.objects.count()
    with translation.override("en"):  # whatever language is active, the uploader's is used
        assert worker.recover() == [("imports.tasks.run_import", "failed")]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert job.message == vi(STOPPED_TWICE)
    assert Person.objects.count() == before
    # Running it anyway (a task that was not lost after all) changes nothing.
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and Person.objects.count() == before


@pytest.mark.django_db
def test_a_job_finished_by_another_run_meanwhile_is_not_written_again(job: ImportJob) -> None:
    """Two runs of one job (its worker wrongly thought lost): the second writes nothing."""
    from imports import services

    check = services._check_people

    def finished_meanwhile(*args: Any, **kwargs: Any) -> Any:
        result = check(*args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE, created_count=3, message="done by the first run"
        )
        return result

    before = Person.objects.count()
    with mock.patch.object(services, "_check_people", finished_meanwhile):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.message == "done by the first run"
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_an_import_writes_and_finishes_in_one_transaction(job: ImportJob) -> None:
    """A failure after the rows are written (the job's own update) leaves no row behind."""
    from imports import services

    finish = services._finish

    def broken_finish(job_: ImportJob, status: str, **fields: Any) -> None:
        if status == ImportStatus.DONE:
            raise OperationalError("connection lost")
        finish(job_, status, **fields)

    before = Person.objects.count()
    with mock.patch.object(services, "_finish", broken_finish):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Person.objects.count() == before


INTERRUPTED = (
    "The import was interrupted (the server stopped); nothing was changed. Upload the file again."
)


@pytest.mark.django_db
def test_an_import_left_checking_by_a_killed_request_fails_after_ten_minutes(
    officer_thai_nguyen: Any,
) -> None:
    def job_in(status: str, minutes_ago: int) -> ImportJob:
        job = import_job_create(
            actor=officer_thai_nguyen, kind=ImportKind.PEOPLE, upload=people_file(1)
        )
        ImportJob.objects.filter(pk=job.pk).update(
            status=status, created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
        )
        return job

    stuck = job_in(ImportStatus.WRITING, 11)
    recent = job_in(ImportStatus.VALIDATING, 2)
    queued = job_in(ImportStatus.PENDING, 30)  # waiting for a busy worker
    DBTaskResult.objects.create(
        args_kwargs={"args": [queued.pk], "kwargs": {}},
        task_path="imports.tasks.run_import",
        backend_name="default",
        run_after=get_date_max(),
        status="READY",
    )
    done = job_in(ImportStatus.DONE, 60)
    assert ("imports.tasks.fail_interrupted_imports", "1 fixed") in worker.recover()
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        stuck.pk: ImportStatus.FAILED,
        recent.pk: ImportStatus.VALIDATING,
        queued.pk: ImportStatus.PENDING,
        done.pk: ImportStatus.DONE,
    }
    stuck.refresh_from_db()
    assert stuck.message == vi(INTERRUPTED) and stuck.finished_at is not None


@pytest.mark.django_db
def test_a_recipient_import_left_checking_by_a_killed_request_fails_after_ten_minutes(
    officer_thai_nguyen: Any, thai_nguyen: Any
) -> None:
    from register.import_models import RecipientImport

    checking = recipient_job(officer_thai_nguyen, thai_nguyen, "validating")
    applying = recipient_job(officer_thai_nguyen, thai_nguyen, "applying")
    RecipientImport.objects.update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert ("register.tasks.fail_interrupted_imports", "1 fixed") in worker.recover()
    checking.refresh_from_db()
    applying.refresh_from_db()
    assert checking.status == "failed" and checking.message == vi(INTERRUPTED)
    assert applying.status == "applying"  # applying starts later than the upload: not judged


# --- the recipient import --------------------------------------------------------------------------


NUMBERS = itertools.count(1)


def recipient_job(officer: Any, issuer: Any, status: str) -> Any:
    from register import services
    from register.import_models import RecipientImport

    decision = services.decision_create(
        actor=officer, number=f"{next(NUMBERS)}/QĐ", date=dt.date(2025, 3, 10), issuer=issuer
    )
    return RecipientImport.objects.create(
        decision=decision, created_by=officer, original_name="x.xlsx", status=status, total_rows=5
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "task", "after_rerun"),
    [
        ("validating", "register.importing.validate_import", "pending"),
        ("applying", "register.importing.apply_import", "applying"),
    ],
)
def test_a_recipient_import_whose_worker_died_runs_again_then_fails(
    officer_thai_nguyen: Any, thai_nguyen: Any, status: str, task: str, after_rerun: str
) -> None:
    job = recipient_job(officer_thai_nguyen, thai_nguyen, status)
    result = running_task(task, worker_ids=["dead"], args=[job.pk])
    assert worker.recover() == [(task, "rerun")]
    job.refresh_from_db()
    assert job.status == after_rerun and job.message == vi(RESTARTED)
    DBTaskResult.objects.filter(pk=result.pk).update(status="RUNNING", worker_ids=["a", "b"])
    assert worker.recover() == [(task, "failed")]
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert job.message == vi(STOPPED_TWICE)


@pytest.mark.django_db
def test_a_lost_recipient_check_runs_again_from_the_top(
    officer_thai_nguyen: Any, thai_nguyen: Any
) -> None:
    """Put back to "waiting", the check of a file runs again (it returns at once otherwise)."""
    from register import importing

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with translation.override("vi"):
        sheet.append([str(c.header) for c in importing.COLUMNS])
    sheet.append([1, "Lê Văn Tám", 1975, "Nam", "19", "", "", "LDTT", 2024, "", ""])
    out = io.BytesIO()
    book.save(out)
    job = recipient_job(officer_thai_nguyen, thai_nguyen, "validating")
    job.file.save("x.xlsx", io.BytesIO(out.getvalue()), save=True)
    running_task("register.importing.validate_import", worker_ids=["dead"], args=[job.pk])
    assert importing.import_validate(job_id=job.pk).status == "validating"  # stuck as it was
    worker.recover()
    assert importing.import_validate(job_id=job.pk).status == "ready"


@pytest.mark.django_db
def test_a_finished_recipient_import_is_left_alone(
    officer_thai_nguyen: Any, thai_nguyen: Any
) -> None:
    job = recipient_job(officer_thai_nguyen, thai_nguyen, "done")
    running_task("register.importing.apply_import", worker_ids=["a", "b"], args=[job.pk])
    worker.recover()
    job.refresh_from_db()
    assert job.status == "done"


# --- the worker command ------------------------------------------------------------------------------


def test_db_worker_is_ours() -> None:
    """core comes before django_tasks_db in INSTALLED_APPS, so its db_worker is the one run."""
    assert get_commands()["db_worker"] == "core"


@pytest.mark.django_db
def test_the_worker_recovers_lost_tasks_at_start_and_runs_them(settings: Any) -> None:
    settings.TASK_WORKER_LOST_AFTER = 60
    heartbeat("died-yesterday", ago=dt.timedelta(hours=3))
    task = running_task("stats.tasks.catch_up", worker_ids=["died-yesterday"])
    beats = mock.Mock()
    with (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
        mock.patch.object(worker, "Heartbeat", beats),  # its thread is tested below
        # The loop closes old connections, the test's transaction among them (on PostgreSQL).
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w-test"
        )
    beats.assert_called_once_with("w-test")
    beats.return_value.start.assert_called_once_with()
    beats.return_value.stop.assert_called_once_with()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids == ["died-yesterday", "w-test"]
    # A worker that stops cleanly removes its heartbeat.
    assert not WorkerHeartbeat.objects.filter(worker_id="w-test").exists()


def test_the_heartbeat_thread_beats_recovers_and_outlives_database_errors(settings: Any) -> None:
    settings.TASK_WORKER_LOST_AFTER = 1  # a beat every 0.5 s, a recovery every second
    beats: list[str] = []
    recoveries: list[int] = []

    def beat(worker_id: str, **kwargs: Any) -> None:
        beats.append(worker_id)
        if len(beats) == 1:
            raise OperationalError("the database is restarting")

    with (
        mock.patch.object(worker, "beat", beat),
        mock.patch.object(worker, "recover", lambda: recoveries.append(1)),
        mock.patch.object(worker, "close_old_connections"),
        mock.patch.object(worker.connections, "close_all"),
    ):
        thread = worker.Heartbeat("w-thread")
        thread.start()
        deadline = timezone.now() + dt.timedelta(seconds=10)
        while len(beats) < 3 and timezone.now() < deadline:
            thread.join(timeout=0.1)
        thread.stop()
    assert not thread.is_alive()
    assert len(beats) >= 3 and set(beats) == {"w-thread"}
    assert recoveries  # once the database answered again


# --- settings and the database outage page -----------------------------------------------------------


def test_reused_connections_are_checked_before_each_request(settings: Any) -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_answers_503_with_a_message(error: type[Exception]) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=error("down")
    ):
        client.cookies["sessionid"] = "x" * 32
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"<h1>" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_any_other_error_is_still_a_500() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=ValueError("bug")
    ):
        client.cookies["sessionid"] = "x" * 32
        response = client.get("/")
    assert response.status_code == 500
