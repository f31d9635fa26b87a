"""Write the built-in statistical report template to reports/data/ (run after changing its layout
in reports/workbook.py, and commit the file)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports import workbook


class Command(BaseCommand):
    help = "Write the built-in statistical report template (.xlsx) to reports/data/."

    def handle(self, *args: Any, **options: Any) -> None:
        workbook.DATA.mkdir(parents=True, exist_ok=True)
        workbook.BUILTIN.write_bytes(workbook.builtin_fresh_bytes())
        self.stdout.write(str(workbook.BUILTIN))
