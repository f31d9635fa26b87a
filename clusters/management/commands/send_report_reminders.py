"""Email the reminders of members' reports: before the due date, overdue, escalated to the head.

Run it once a day (cron or a systemd timer, see the README). Running it again the same day sends
nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clusters.reports import send_reminders


class Command(BaseCommand):
    help = "Send the email reminders of cluster members' reports (before and after the due date)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD); default: today")
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be reminded; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date written YYYY-MM-DD") from exc
        run = send_reminders(today=today, dry_run=options["dry_run"])
        for line in run.lines:
            self.stdout.write(line)
        self.stdout.write(
            f"{today:%Y-%m-%d}: {run.sent} email(s) sent, "
            f"{run.skipped_no_address} reminder(s) without an address"
        )
