"""PostgreSQL only: trigram indexes so substring search stays fast at national scale.

SQLite (and a PostgreSQL without the pg_trgm extension available) keeps the plain indexes; the
queries are the same either way.
"""

from django.db import migrations

INDEXES = [
    ("orgs_org_search_key_trgm", "orgs_org", "search_key"),
    ("people_person_name_key_trgm", "people_person", "name_key"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_reference_provinces"), ("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
