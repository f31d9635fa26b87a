"""`GET /healthz`: is this app server able to serve, and is the task worker keeping up?

For load balancers and monitoring: no sign-in, no session, no cookies, two queries. The answer
names no host, user, path or error message (only the error's class), so it can be public.

- status "ok" (HTTP 200): the database answers and no task has waited longer than `STUCK_AFTER`;
- "degraded" (HTTP 200): the database answers, but the task queue is unreachable or a task has
  been ready for longer than `STUCK_AFTER` (the worker is down or stuck). Pages still work, so the
  code stays 200: the queue is shared by every app server, and a 503 from all of them would make a
  load balancer take the whole site out for a background delay. Monitoring alerts on the body's
  `"status"`;
- "fail" (HTTP 503): the database does not answer; this app server cannot serve.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import connection
from django.db.models import Case, Count, DateTimeField, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# A task ready for longer than this means no worker is taking tasks.
STUCK_AFTER = dt.timedelta(minutes=15)


def _elapsed_ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def check_database() -> dict[str, Any]:
    """One trivial query."""
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning("healthz: database check failed: %s", type(error).__name__)
        return {"status": "fail", "error": type(error).__name__}
    return {"status": "ok", "ms": _elapsed_ms(start)}


def check_tasks(now: dt.datetime | None = None) -> dict[str, Any]:
    """One query on the django-tasks table: how many tasks are ready and since when the oldest is.

    A task is ready from its enqueueing, or from its `run_after` when it was deferred.
    """
    now = now or timezone.now()
    start = time.perf_counter()
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("run_after", "enqueued_at"),
        output_field=DateTimeField(),
    )
    try:
        figures = DBTaskResult.objects.ready().aggregate(ready=Count("pk"), oldest=Min(ready_since))
    except Exception as error:
        logger.warning("healthz: task queue check failed: %s", type(error).__name__)
        return {"status": "fail", "error": type(error).__name__}
    oldest: dt.datetime | None = figures["oldest"]
    age = max(0, int((now - oldest).total_seconds())) if oldest is not None else None
    stuck = age is not None and age > STUCK_AFTER.total_seconds()
    if stuck:
        logger.warning("healthz: a task has been ready for %s s; is the worker running?", age)
    return {
        "status": "stuck" if stuck else "ok",
        "ready": figures["ready"],
        "oldest_ready_seconds": age,
        "stuck_after_seconds": int(STUCK_AFTER.total_seconds()),
        "ms": _elapsed_ms(start),
    }


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    if database["status"] != "ok":
        tasks: dict[str, Any] = {"status": "skipped"}
        status, code = "fail", 503
    else:
        tasks = check_tasks()
        status, code = ("ok", 200) if tasks["status"] == "ok" else ("degraded", 200)
    return JsonResponse(
        {"status": status, "checks": {"database": database, "tasks": tasks}}, status=code
    )
