"""Background work for the register, run by `manage.py db_worker` (django-tasks database backend)."""

from django_tasks import task

from register import sweep


@task()
def sweep_eligibility(year: int | None = None) -> int:
    """The nightly sweep: store every person's and unit's current eligibility."""
    return sweep.run(year).pk
