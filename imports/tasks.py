"""Background work for imports, run by `manage.py db_worker` (django-tasks database backend)."""

from django_tasks import task

from imports.services import import_job_run


@task()
def run_import(job_id: int) -> str:
    """Run a large import outside the request; the page polls its progress."""
    job = import_job_run(job_id=job_id)
    return job.status
