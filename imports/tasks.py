"""Background work for imports, run by `manage.py db_worker` (django-tasks database backend)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core import worker
from imports.models import ImportJob, ImportStatus
from imports.services import import_job_run

RUNNING = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.WRITING)
# Longer than any import checked within a request (gunicorn ends a request after 120 s).
INTERRUPTED_AFTER = dt.timedelta(minutes=10)


@task()
def run_import(job_id: int) -> str:
    """Run a large import outside the request; the page polls its progress."""
    job = import_job_run(job_id=job_id)
    return job.status


def _job(result: DBTaskResult) -> tuple[int, str]:
    job_id = int(worker.task_argument(result, "job_id") or 0)
    language = (
        ImportJob.objects.filter(pk=job_id).values_list("created_by__language", flat=True).first()
    )
    return job_id, language or settings.LANGUAGE_CODE


def _rerun(result: DBTaskResult) -> None:
    """The worker died during the import (which wrote nothing): it starts again from the top."""
    job_id, language = _job(result)
    with override(language):
        message = _(
            "The task worker stopped during the import; nothing was changed. It starts again."
        )
    ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
        status=ImportStatus.PENDING, processed_rows=0, message=message
    )


def _failed(result: DBTaskResult) -> None:
    job_id, language = _job(result)
    with override(language):
        message = _(
            "The task worker stopped twice during this import; nothing was changed. "
            "Try again later, or ask the administrator to check the task worker."
        )
    ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
        status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
    )


worker.recoverable(run_import, rerun=True, on_rerun=_rerun, on_failed=_failed)


@worker.sweep
def fail_interrupted_imports(now: dt.datetime) -> int:
    """A small file is imported within the upload's request; if its app server is killed, the
    job (which wrote nothing: one transaction) says "checking" for ever. Ten minutes after the
    upload, with no task on it, it is failed with a message."""
    queued = {
        worker.task_argument(result, "job_id")
        for result in DBTaskResult.objects.filter(
            task_path=run_import.module_path, status__in=("READY", "RUNNING")
        )
    }
    stale = ImportJob.objects.filter(
        status__in=RUNNING, created_at__lt=now - INTERRUPTED_AFTER
    ).exclude(pk__in=[pk for pk in queued if pk is not None])
    fixed = 0
    for job_id, language in stale.values_list("pk", "created_by__language"):
        with override(language or settings.LANGUAGE_CODE):
            message = _(
                "The import was interrupted (the server stopped); nothing was changed. "
                "Upload the file again."
            )
        fixed += ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
            status=ImportStatus.FAILED, message=message, finished_at=now
        )
    return fixed
