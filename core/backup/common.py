"""Constants and small helpers shared by backup and restore."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import FileField

FORMAT = "thidua-backup"

FORMAT_VERSION = 1

MANIFEST = "manifest.json"

README = "README.txt"

MEDIA = "media/"

DATABASE_FILES = {"sqlite": "database/db.sqlite3", "postgresql": "database/db.dump"}

VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

CHUNK = 1 << 20

CONSISTENCY = (
    "The database is one consistent snapshot (PostgreSQL: pg_dump; SQLite: the online backup API). "
    "The uploaded files were copied after it: a file uploaded during the backup may be included "
    "without its row (harmless), and no row of the snapshot points to a file missing from the "
    "archive (checked at backup time against the snapshot's file columns)."
)

README_TEXT = f"""Thi đua backup
==============

database/   the database snapshot ({DATABASE_FILES["sqlite"]} for SQLite, {DATABASE_FILES["postgresql"]}
            for PostgreSQL, pg_dump custom format)
media/      the uploaded files (MEDIA_ROOT)
{MANIFEST}  app version and git revision, migrations applied per app, database vendor, row counts
            per table, size and SHA-256 of every file, time of creation

{CONSISTENCY}

Restore with the same version of Thi đua (or a newer one, then run `manage.py migrate`):

    manage.py restore <this archive>          into an empty database and MEDIA_ROOT
    manage.py restore <this archive> --yes    replacing what is there

Stop the app servers and the task worker first. The archive holds personal data: keep it private.
"""


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover


def quote(name: str) -> str:
    """An SQL identifier, quoted the same way on SQLite and PostgreSQL."""
    return '"' + name.replace('"', '""') + '"'


def vendor_name(vendor: str) -> str:
    return VENDOR_NAMES.get(vendor, vendor)


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of the installed models."""
    columns = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField):
                columns.append((model._meta.db_table, f.column))
    return sorted(set(columns))


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name relative to MEDIA_ROOT, path) of every regular file under it, in a stable order."""
    if not root.is_dir():
        return
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path.relative_to(root).as_posix(), path


def media_checksums(root: Path) -> dict[str, str]:
    """{name: SHA-256} of the files under MEDIA_ROOT."""
    return {name: sha256_file(path) for name, path in media_files(root)}


def app_version() -> dict[str, str | None]:
    try:
        version: str | None = metadata.version("thidua")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed with `pip -e .`
        version = None
    revision = None
    git = shutil.which("git")
    if git and (Path(settings.BASE_DIR) / ".git").exists():
        try:
            out = subprocess.run(  # noqa: S603 - fixed arguments
                [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            revision = out.stdout.strip() or None if out.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            revision = None
    return {"name": "thidua", "version": version, "git_revision": revision}


SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"

PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"


def live_tables() -> list[str]:
    """The tables of the configured database (none when it was just created)."""
    with connection.cursor() as cursor:
        cursor.execute(PG_TABLES if connection.vendor == "postgresql" else SQLITE_TABLES)
        return sorted(r[0] for r in cursor.fetchall())


def live_counts(tables: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts
