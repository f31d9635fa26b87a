"""`manage.py eligibility_sweep [--year Y]`: the nightly sweep (run it from cron or a systemd timer)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from register import sweep


class Command(BaseCommand):
    help = "Compute and store every person's and unit's eligibility for the year (set-based)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, action="append", help="year(s); default: this year")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue it for the task worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["year"] or [timezone.localdate().year]
        for year in years:
            if options["enqueue"]:
                from register.tasks import sweep_eligibility

                sweep_eligibility.enqueue(year)
                self.stdout.write(f"queued the sweep of {year}")
            else:
                sweep.run(year, log=self.stdout.write)
