"""Background work for the register, run by `manage.py db_worker` (django-tasks database backend)."""

import datetime as dt

from django_tasks import task

from core import worker
from register import importing, sweep


@task()
def sweep_eligibility(year: int | None = None) -> int:
    """The nightly sweep: store every person's and unit's current eligibility."""
    return sweep.run(year).pk


@worker.sweep
def fail_interrupted_imports(now: dt.datetime) -> int:
    """Recipient imports left "checking" by an app server killed mid-request (register.importing)."""
    return importing.fail_interrupted(now)
