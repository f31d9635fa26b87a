"""Ship the 63 pre-2025 provinces, the 34 of 1/7/2025 with their merger lineage, and central bodies."""

from django.db import migrations


def load(apps, schema_editor):
    from orgs.reference import load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
