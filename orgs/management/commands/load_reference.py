from django.apps import apps
from django.core.management.base import BaseCommand

from orgs.reference import load_reference


class Command(BaseCommand):
    help = "Load or refresh the shipped provinces (63 → 34, 1/7/2025) and central bodies."

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        created = load_reference(apps)
        self.stdout.write(f"reference data: {created} unit(s) created")
