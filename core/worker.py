"""The task worker's heartbeat, and what becomes of a task whose worker died.

django-tasks' database backend marks a task RUNNING when a worker claims it, and SUCCESSFUL or
FAILED when that worker finishes it. A worker killed in between (kill -9, out of memory, a power
cut) leaves the task RUNNING for ever, and an import's progress bar waiting on it. So each worker
(`manage.py db_worker`, core/management/commands/db_worker.py) writes a heartbeat row every few
seconds, and every worker looks, now and then, for RUNNING tasks whose worker has been silent for
`TASK_WORKER_LOST_AFTER` seconds (or has no row at all):

- a task its module declared safe to run again (`recoverable(task, rerun=True)`) goes back in the
  queue once, and its `on_rerun` hook tells its job; lost a second time, it fails;
- any other task is marked failed (`WorkerLost`), and its `on_failed` hook tells its job why.

Apps may also declare a `sweep`, run at each pass, for work left unfinished without any task (an
import checked within a request whose app server was killed).

Writes of the tasks that run again are all or nothing, in one transaction that also marks their
job done, so a task lost mid-way left nothing behind, and running it again writes it once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task is run at most this many times (the first run and one after its worker was lost).
MAX_ATTEMPTS = 2
LOST_CLASS_PATH = "core.worker.WorkerLost"


class WorkerLost(Exception):
    """Recorded (by name) as the error of a task whose worker died while running it."""


Hook = Callable[[DBTaskResult], None]


@dataclass(frozen=True, slots=True)
class Recovery:
    rerun: bool = False
    on_rerun: Hook | None = None
    on_failed: Hook | None = None


_RECOVERY: dict[str, Recovery] = {}
Sweep = Callable[[dt.datetime], int]
_SWEEPS: list[Sweep] = []


def recoverable(
    task: Any, *, rerun: bool, on_rerun: Hook | None = None, on_failed: Hook | None = None
) -> None:
    """Declare what to do with `task` when its worker dies: run it again (once) or fail it."""
    _RECOVERY[task.module_path] = Recovery(rerun=rerun, on_rerun=on_rerun, on_failed=on_failed)


def sweep(function: Sweep) -> Sweep:
    """Run `function(now)` at every recovery pass: for work left unfinished without any task, such
    as an import checked within a request whose app server died. It returns how many it fixed."""
    _SWEEPS.append(function)
    return function


def task_argument(result: DBTaskResult, name: str, position: int = 0) -> Any:
    """An argument the task was enqueued with, by name or by position."""
    args_kwargs = result.args_kwargs or {}
    kwargs = args_kwargs.get("kwargs") or {}
    if name in kwargs:
        return kwargs[name]
    args = args_kwargs.get("args") or []
    return args[position] if len(args) > position else None


def _recovery_for(task_path: str) -> Recovery:
    if task_path not in _RECOVERY:
        with contextlib.suppress(ImportError):
            import_string(task_path)  # the task's module declares its recovery when imported
    return _RECOVERY.get(task_path, Recovery())


def lost_after() -> dt.timedelta:
    return dt.timedelta(seconds=max(1, settings.TASK_WORKER_LOST_AFTER))


def beat_every() -> float:
    """Seconds between heartbeats: several beats fit in `lost_after`."""
    return max(0.5, lost_after().total_seconds() / 6)


def beat(worker_id: str, *, started_at: dt.datetime | None = None) -> None:
    """This worker is alive."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at or now,
                "seen_at": now,
            },
        )


def forget(worker_id: str) -> None:
    """This worker stopped cleanly: its row goes (a task it left RUNNING is lost at once)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def lost_tasks(now: dt.datetime | None = None) -> list[Any]:
    """The ids of RUNNING tasks whose worker is silent or gone."""
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - lost_after()).values_list(
            "worker_id", flat=True
        )
    )
    return [
        pk
        for pk, worker_ids in DBTaskResult.objects.running().values_list("pk", "worker_ids")
        if not worker_ids or worker_ids[-1] not in alive
    ]


def recover(now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Queue again or fail each lost task; returns (task path, "rerun" or "failed") for each."""
    now = now or timezone.now()
    done: list[tuple[str, str]] = []
    for pk in lost_tasks(now):
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None:  # it finished, or another worker is recovering it
                continue
            last = (result.worker_ids or [None])[-1]
            if WorkerHeartbeat.objects.filter(
                worker_id=last, seen_at__gte=timezone.now() - lost_after()
            ).exists():
                continue  # claimed meanwhile by a worker that had just started
            recovery = _recovery_for(result.task_path)
            attempts = len(result.worker_ids or [])
            if recovery.rerun and attempts < MAX_ATTEMPTS:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                if recovery.on_rerun is not None:
                    recovery.on_rerun(result)
                outcome = "rerun"
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.return_value = None
                result.exception_class_path = LOST_CLASS_PATH
                result.traceback = (
                    f"WorkerLost: the worker running this task (attempt {attempts}) stopped "
                    "before finishing it.\n"
                )
                result.save(
                    update_fields=[
                        "status",
                        "finished_at",
                        "return_value",
                        "exception_class_path",
                        "traceback",
                    ]
                )
                if recovery.on_failed is not None:
                    recovery.on_failed(result)
                outcome = "failed"
        logger.warning(
            "task %s (%s) lost its worker after %s attempt(s): %s",
            pk,
            result.task_path,
            attempts,
            "queued again" if outcome == "rerun" else "marked failed",
        )
        done.append((result.task_path, outcome))
    for function in _SWEEPS:
        try:
            fixed = function(now)
        except Exception:
            logger.exception("%s failed", function.__qualname__)
            continue
        if fixed:
            logger.warning("%s: %s", function.__qualname__, fixed)
            done.append((f"{function.__module__}.{function.__qualname__}", f"{fixed} fixed"))
    # Rows of workers gone for a day are no longer needed to judge anything.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return done


class Heartbeat(threading.Thread):
    """Beats for the worker, and recovers lost tasks every few beats, on its own connection.

    Errors (the database restarting) are logged once and retried at the next beat."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="task-worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def run(self) -> None:
        every = beat_every()
        recover_every = every * 2
        last_recovery = float("-inf")
        failing = False
        while not self._stopping.is_set():
            close_old_connections()
            try:
                beat(self.worker_id, started_at=self.started_at)
                if time.monotonic() - last_recovery >= recover_every:
                    last_recovery = time.monotonic()
                    recover()
                if failing:
                    logger.info("task worker heartbeat: the database answers again")
                failing = False
            except Exception as error:  # keep beating, whatever happened
                if not failing:
                    logger.warning("task worker heartbeat failed: %s", type(error).__name__)
                failing = True
                connections.close_all()
            self._stopping.wait(every)
        connections.close_all()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)
