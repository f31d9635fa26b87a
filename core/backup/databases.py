"""The database side: snapshots (SQLite online backup, pg_dump), restores, and the checks around them."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.backup.common import (
    PG_TABLES,
    SQLITE_TABLES,
    BackupError,
    file_columns,
    live_counts,
    live_tables,
    media_files,
    quote,
)


@dataclass
class Contents:
    """What a database snapshot holds, read from the snapshot itself (never the live database)."""

    tables: dict[str, int]
    migrations: dict[str, list[str]]
    file_refs: set[str]


@dataclass
class Snapshot:
    """A database snapshot written to `path`, and what it holds."""

    path: Path
    contents: Contents
    server_version: str
    dump_tool: str | None = None


def describe(execute: Callable[[str], list[tuple[Any, ...]]], tables: list[str]) -> Contents:
    """Row counts, applied migrations and FileField values, through `execute(sql) -> rows`."""
    counts = {t: int(execute(f"SELECT COUNT(*) FROM {quote(t)}")[0][0]) for t in sorted(tables)}  # noqa: S608
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        for app, name in execute("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations.setdefault(app, []).append(name)
    refs: set[str] = set()
    for table, column in file_columns():
        if table in counts:
            col = quote(column)
            sql = f"SELECT {col} FROM {quote(table)} WHERE {col} IS NOT NULL AND {col} <> ''"  # noqa: S608
            rows = execute(sql)
            refs.update(str(r[0]) for r in rows)
    return Contents(counts, migrations, refs)


def sqlite_snapshot(dest: Path) -> Snapshot:
    """Copy the live database with SQLite's online backup API (one consistent read), then read it."""
    connection.ensure_connection()
    live: Any = connection.connection
    copy = sqlite3.connect(dest)
    try:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file

        def execute(sql: str) -> list[tuple[Any, ...]]:
            return copy.execute(sql).fetchall()

        contents = describe(execute, [r[0] for r in execute(SQLITE_TABLES)])
    finally:
        copy.close()
    return Snapshot(dest, contents, sqlite3.sqlite_version)


def sqlite_restore(db_file: Path) -> None:
    """Replace the configured database with the archived one, in one step (the backup API)."""
    source = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        target: Any = connection.connection
        source.backup(target)
    finally:
        source.close()


_DJANGO_ONLY = {
    "cursor_factory",
    "context",
    "prepare_threshold",
    "isolation_level",
    "server_side_binding",
    "assume_role",
    "pool",
}


def pg_params() -> dict[str, str]:
    """The libpq connection parameters of the configured database (password included)."""
    wrapper: Any = connection
    params = wrapper.get_connection_params()
    return {
        k: str(v)
        for k, v in params.items()
        if k not in _DJANGO_ONLY and isinstance(v, str | int) and str(v) != ""
    }


def pg_command_env() -> tuple[str, dict[str, str]]:
    """A conninfo string without the password, and an environment carrying it (never in argv)."""
    from psycopg.conninfo import make_conninfo

    params = pg_params()
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo("", **params), env


def server_major() -> int:
    connection.ensure_connection()
    wrapper: Any = connection
    return int(wrapper.pg_version) // 10000


def tool_major(version_text: str) -> int:
    """16 from 'pg_dump (PostgreSQL) 16.4 (Debian …)', 9 from '… 9.6.24'."""
    match = re.search(r"\)\s*(\d+)(?:\.(\d+))?", version_text)
    if not match:
        raise BackupError(f"Cannot read the version of {version_text!r}.")
    return int(match.group(1))


def pg_tool(name: str, major: int) -> tuple[str, str]:
    """(path, version text) of pg_dump/pg_restore for a server of this major version."""
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)]
    install = (
        f"Install the PostgreSQL {major} client tools (Debian: apt-get install "
        f"postgresql-client-{major}) or put a {name} of version {major} or newer on the PATH."
    )
    found = [c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)]
    if not found:
        raise BackupError(f"{name} was not found. {install}")
    path = found[0]
    version = subprocess.run(  # noqa: S603 - fixed arguments
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.strip()
    if tool_major(version) < major:
        raise BackupError(f"{path} is {version}, older than the server ({major}). {install}")
    return path, version


def pg_snapshot(dest: Path) -> Snapshot:
    """pg_dump -Fc of the database, sharing one exported snapshot with the reads of the manifest."""
    import psycopg

    major = server_major()
    pg_dump, version = pg_tool("pg_dump", major)
    conninfo, env = pg_command_env()
    params: Any = pg_params()
    with psycopg.connect(**params) as snap:
        snap.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snap.read_only = True
        server_version = str(snap.info.server_version)
        with snap.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]  # type: ignore[index]
            done = subprocess.run(  # noqa: S603 - fixed arguments, conninfo without password
                [
                    pg_dump,
                    "--format=custom",
                    "--compress=0",  # the archive is compressed once, as a whole
                    f"--snapshot={snapshot_id}",
                    f"--file={dest}",
                    f"--dbname={conninfo}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()[-2000:]}")

            def execute(sql: str) -> list[tuple[Any, ...]]:
                cursor.execute(sql.encode())
                return cursor.fetchall()

            contents = describe(execute, [r[0] for r in execute(PG_TABLES)])
        snap.rollback()
    return Snapshot(dest, contents, server_version, version)


def pg_restore(dump: Path, manifest: dict[str, Any]) -> None:
    """pg_restore in one transaction: on any error the database is left as it was."""
    major = server_major()
    path, version = pg_tool("pg_restore", major)
    made_by = manifest["database"].get("dump_tool") or ""
    if made_by and tool_major(made_by) > tool_major(version):
        raise BackupError(
            f"The archive was dumped by {made_by}; {path} is {version} and cannot read it. "
            f"Install the PostgreSQL {tool_major(made_by)} client tools."
        )
    conninfo, env = pg_command_env()
    connection.close()
    done = subprocess.run(  # noqa: S603 - fixed arguments, conninfo without password
        [
            path,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            "pg_restore failed; the database was left as it was (one transaction): "
            f"{done.stderr.strip()[-2000:]}"
        )


def check_migrations(manifest: dict[str, Any]) -> None:
    """Refuse an archive made by a newer version of the code (migrations unknown here)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known: set[tuple[str, ...]] = set(loader.disk_migrations)
    known |= {tuple(r) for m in loader.disk_migrations.values() for r in (m.replaces or [])}
    installed = {a.label for a in apps.get_app_configs()}
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(m for m in archived if m[0] in installed and m not in known)
    if unknown:
        shown = ", ".join(f"{a}.{n}" for a, n in unknown[:10])
        raise BackupError(
            f"The archive was made by a newer version of Thi đua (migrations unknown here: {shown}). "
            "Install that version first."
        )


def pending_migrations() -> int:
    """How many migrations of this code the (restored) database lacks."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@dataclass
class TargetState:
    tables: list[str]
    accounts: int
    events: int
    media_files: int

    @property
    def holds_data(self) -> bool:
        return bool(self.accounts or self.events or self.media_files)


def target_state() -> TargetState:
    """What the configured database and MEDIA_ROOT hold: accounts, audit events, files.

    A database just created (no tables) or just migrated (the shipped reference data only) holds
    no accounts and no audit events, and counts as empty.
    """
    from django.contrib.auth import get_user_model

    from core.models import AuditEvent

    tables = live_tables()
    counts = live_counts(
        [t for t in (get_user_model()._meta.db_table, AuditEvent._meta.db_table) if t in tables]
    )
    files = sum(1 for _ in media_files(Path(settings.MEDIA_ROOT)))
    return TargetState(
        tables=tables,
        accounts=counts.get(get_user_model()._meta.db_table, 0),
        events=counts.get(AuditEvent._meta.db_table, 0),
        media_files=files,
    )
