"""The register's list, newest first, along one index (issue 9: the list page of a province's officer
took 13–18 s on a national register).

Records keep their decision's date (decision_date), so that the list's order (year of achievement ↓,
decision's date ↓, entry ↑) is one index, record_newest_first, which also holds the columns the
list's filters test; the index by code becomes the same order within a code, and a small partial
index keeps the revoked ones. People get an index (unit, id), so that the people of a subtree are
read from an index alone.

Not atomic: on a large register the dates are copied in batches, each committed, so that no lock is
held for long (the column is added empty, filled, then made NOT NULL). On an empty database this is
instant.
"""

from django.db import migrations, models, transaction
from django.db.models import Q

BATCH = 250_000
PEOPLE_INDEX = "people_person_unit_id_id"


def fill_decision_dates(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE register_record SET decision_date = (SELECT date FROM register_decision"
                " WHERE register_decision.id = register_record.decision_id)"
                " WHERE decision_date IS NULL"
            )
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM register_record")
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE register_record AS r SET decision_date = d.date FROM register_decision AS d"
                " WHERE d.id = r.decision_id AND r.id >= %s AND r.id < %s"
                " AND r.decision_date IS NULL",
                [start, start + BATCH],
            )


def vacuum(apps, schema_editor):
    """Fresh statistics and visibility maps, for the planner and the index-only scans the list
    relies on (the records just rewritten; the people, in case they never were vacuumed)."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) register_record")
            cursor.execute("VACUUM (ANALYZE) people_person")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orgs", "0006_reference_border_areas"),
        ("people", "0001_initial"),
        ("register", "0004_decision_fund"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="decision_date",
            field=models.DateField(editable=False, null=True, verbose_name="decision date"),
        ),
        migrations.RunPython(fill_decision_dates, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="record",
            name="decision_date",
            field=models.DateField(editable=False, verbose_name="decision date"),
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                fields=[
                    "-year",
                    "-decision_date",
                    "id",
                    "person",
                    "org",
                    "unit",
                    "code",
                    "revoked",
                ],
                name="record_newest_first",
            ),
        ),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                fields=[
                    "code",
                    "-year",
                    "-decision_date",
                    "id",
                    "person",
                    "org",
                    "unit",
                    "revoked",
                ],
                name="record_code_newest_first",
            ),
        ),
        migrations.RemoveIndex(model_name="record", name="register_re_code_9edf19_idx"),
        migrations.AddIndex(
            model_name="record",
            index=models.Index(
                condition=Q(revoked=True),
                fields=["-year", "-decision_date", "id"],
                name="record_revoked_newest_first",
            ),
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {PEOPLE_INDEX} ON people_person (unit_id, id)",
            f"DROP INDEX IF EXISTS {PEOPLE_INDEX}",
            elidable=True,
        ),
        migrations.RunPython(vacuum, migrations.RunPython.noop, elidable=True),
    ]
