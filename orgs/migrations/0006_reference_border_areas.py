"""Mark the shipped provinces' areas (orgs/data/reference.json: the border provinces of the north)."""

from django.db import migrations


def mark(apps, schema_editor):
    from orgs.reference import reference_data

    Org = apps.get_model("orgs", "Org")
    for item in reference_data()["provinces"]:
        if item.get("area"):
            Org.objects.filter(code=item["code"], area="").update(area=item["area"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_area")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
