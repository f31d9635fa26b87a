"""Add a realistic synthetic commendation register (register.synthetic) to the database."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from register.synthetic import generate


class Command(BaseCommand):
    help = (
        "Add a synthetic commendation register under the real province tree: units, people and "
        "postings, ratings, initiatives, decisions and records (all marked synthetic). Fast: COPY "
        "on PostgreSQL. Rerun with another seed to add more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, required=True, help="how many people")
        parser.add_argument("--years", type=int, required=True, help="how many years")
        parser.add_argument("--end-year", type=int, default=2025, help="the last year (2025)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--units", type=int, default=None, help="how many units (about persons / 50)"
        )
        parser.add_argument(
            "--connections",
            type=int,
            default=None,
            help="PostgreSQL: connections storing rows in parallel (one per CPU, at most 4); "
            "1 = everything in one transaction",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            result = generate(
                persons=options["persons"],
                years=options["years"],
                end_year=options["end_year"],
                seed=options["seed"],
                units=options["units"],
                log=log,
                connections=options["connections"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
