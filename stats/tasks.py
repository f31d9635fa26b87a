"""Background work of the statistics, run by `manage.py db_worker` (django-tasks database backend)."""

from django_tasks import task

from core import worker
from stats import services


@task()
def catch_up() -> int:
    """Bring the register's summary level after writes (stats.services.tally_catch_up)."""
    return services.tally_catch_up().max_record_id


@task()
def refresh() -> int:
    """Rebuild the register's summary (stats.services.tally_refresh)."""
    return services.tally_refresh().rows


# Both rebuild derived data in one transaction: a run cut short left nothing, so run it again.
worker.recoverable(catch_up, rerun=True)
worker.recoverable(refresh, rerun=True)
