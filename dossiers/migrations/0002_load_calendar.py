"""Load the shipped holiday calendar and the levels' time limits (dossiers/data/calendar.json)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from dossiers.services import load_calendar

    load_calendar(apps)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
