from django.db import migrations


def load(apps, schema_editor):
    from register import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
