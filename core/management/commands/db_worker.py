"""`manage.py db_worker`: django-tasks' database worker, with a heartbeat and lost-task recovery.

It replaces django_tasks_db's command of the same name (core comes before django_tasks_db in
INSTALLED_APPS), with the same options, so the systemd unit and `make run` start it unchanged.
While it runs, a thread beats for it and, every few beats, queues again or fails the tasks of
workers that died (core/worker.py).
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands import db_worker as base

from core import worker as watch


class Worker(base.Worker):
    def run(self) -> None:
        autodiscover_modules("tasks")  # the apps' tasks declare their recovery and sweeps
        watch.beat(self.worker_id)
        try:
            watch.recover()  # tasks left by workers that died long ago (a reboot): at once
        except Exception:
            base.logger.exception("recovering the tasks of lost workers failed")
        heartbeat = watch.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
            try:
                watch.forget(self.worker_id)
            except Exception:  # the row then just ages out
                base.logger.warning("could not remove the heartbeat of %s", self.worker_id)


class Command(base.Command):
    help = "Run the background task worker (django-tasks database backend, with a heartbeat)"

    def handle(  # type: ignore[override]
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        # django_tasks_db's handle(), building the Worker above.
        self.configure_logging(verbosity)
        if reload and batch:
            base.logger.warning("--reload and --batch cannot be used together; no autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise base.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
