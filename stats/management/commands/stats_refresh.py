"""`manage.py stats_refresh [--catch-up] [--enqueue]`: rebuild the statistics' summary of the
register (nightly from cron), or only bring it level with the latest writes."""

from typing import Any

from django.core.management.base import BaseCommand

from stats import services


class Command(BaseCommand):
    help = "Rebuild the summary of the commendation register that the statistics pages read."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--catch-up",
            action="store_true",
            help="only redo the units whose records changed since the last run",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the task worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from stats.tasks import catch_up, refresh

            (catch_up if options["catch_up"] else refresh).enqueue()
            self.stdout.write("queued")
            return
        run = services.tally_catch_up if options["catch_up"] else services.tally_refresh
        state = run()
        self.stdout.write(
            f"statistics summary: {state.rows:,} rows, records up to #{state.max_record_id}, "
            f"{state.seconds:.1f} s"
        )
