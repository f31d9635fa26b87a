"""manage.py backup / restore: a round trip gives the same rows and files and a sound audit trail;
a damaged archive, another vendor's, a newer version's, or a target holding data without --yes is
refused and changes nothing.

Transactional tests (pg_dump and the SQLite backup API read committed data); on PostgreSQL the
round trip restores into a second database created and dropped here.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import stat
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from accounts.models import User
from conftest import make_user
from core.audit import audit_verify
from core.backup import (
    DATABASE_FILES,
    BackupError,
    live_counts,
    live_tables,
    media_checksums,
    pg_tool,
    tool_major,
)
from core.backup import archive as backup_archive
from core.models import AuditEvent
from imports.models import ImportJob

DB = pytest.mark.django_db(transaction=True)

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back_after_flush(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by flushing every table, the data migrations loaded included:
    load it again for the tests that run after this module."""
    yield
    from django.apps import apps

    from dossiers.services import load_calendar
    from orgs.reference import load_reference
    from register import catalogue

    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load(apps)
        load_calendar(apps)


@pytest.fixture
def pg_tools() -> None:
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore) are not installed")


@pytest.fixture
def media(settings: Any, tmp_path: Path, pg_tools: None) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(media: Path) -> Path:
    """The demo instance (its services upload 16 PDFs) and a file no row names."""
    call_command("load_demo", stdout=StringIO())
    (media / "loose").mkdir()
    (media / "loose" / "không-dùng.txt").write_bytes(b"a file no row names\n")
    return media


@pytest.fixture
def small(media: Path) -> Path:
    """Two accounts (audited) and two files."""
    make_user("mot")
    make_user("hai")
    (media / "a").mkdir(parents=True)
    (media / "a" / "one.pdf").write_bytes(b"%PDF-1.4 one")
    (media / "two.txt").write_bytes(b"two")
    return media


def table_counts() -> dict[str, int]:
    return live_counts(live_tables())


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def make_backup(tmp_path: Path) -> tuple[Path, str]:
    out = run("backup", "--output", str(tmp_path / "backups"))
    archives = list((tmp_path / "backups").iterdir())
    assert len(archives) == 1, archives
    return archives[0], out


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def rewrite(archive: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]) -> None:
    """Write the archive again, each member passed through `change` (None drops it)."""
    with tarfile.open(archive) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar if m.isfile()]  # type: ignore[union-attr]
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members:
            changed = change(name, data)
            if changed is not None:
                info = tarfile.TarInfo(changed[0])
                info.size = len(changed[1])
                tar.addfile(info, io.BytesIO(changed[1]))


def admin_sql(sql: str) -> None:
    import psycopg

    params: Any = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql.encode())


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at a new, empty database (no tables) for the block."""
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    kept = None
    if connection.vendor == "sqlite":
        new_name = str(tmp_path / "fresh.sqlite3")
        # The test database is in memory: closing its connection would destroy it, so keep it.
        kept = connection.connection
        connection.connection = None
    else:
        new_name = f"{name}_restore"
        admin_sql(f'DROP DATABASE IF EXISTS "{new_name}"')
        admin_sql(f'CREATE DATABASE "{new_name}"')
        connection.close()
    settings_dict["NAME"] = new_name
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = name
        if connection.vendor == "sqlite":
            connection.connection = kept
        else:
            admin_sql(f'DROP DATABASE IF EXISTS "{new_name}" WITH (FORCE)')


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# --- the round trip -----------------------------------------------------------------------------


@DB
def test_it_round_trips_a_populated_instance_into_a_new_database(
    demo: Path, tmp_path: Path, settings: Any
) -> None:
    started = time.monotonic()
    rows = table_counts()
    files = media_checksums(demo)
    events = AuditEvent.objects.count()
    assert rows["accounts_user"] == 7 and rows["dossiers_dossierdocument"] > 0
    assert len(files) == 17 and events > 100

    archive, out = make_backup(tmp_path)

    assert re.fullmatch(r"thidua-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert f"Archive: {archive} (" in out
    assert f"{len(rows)} tables, {sum(rows.values()):,} rows" in out
    assert "Uploaded files: 17 (" in out
    assert "16 file(s) named by the snapshot's rows, all in the archive" in out
    manifest = manifest_of(archive)
    assert manifest["format"] == "thidua-backup" and manifest["format_version"] == 1
    assert manifest["app"]["version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == rows
    assert {n: f["sha256"] for n, f in manifest["media"].items()} == files
    assert manifest["file_references"] == {"checked": 16, "missing": []}
    applied = MigrationRecorder(connection).applied_migrations()
    assert {(a, n) for a, names in manifest["migrations"].items() for n in names} == set(applied)
    assert "without its row" in manifest["consistency"]
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert names == {"manifest.json", "README.txt", DATABASE_FILES[connection.vendor]} | {
        f"media/{n}" for n in files
    }

    settings.MEDIA_ROOT = tmp_path / "restored" / "media"
    with fresh_database(tmp_path):
        assert live_tables() == []
        out = run("restore", str(archive))

        assert table_counts() == rows
        assert media_checksums(settings.MEDIA_ROOT) == files
        assert audit_verify() == (events, [])
        assert User.objects.filter(username="canbo.thainguyen").exists()
    assert f"Row counts: {len(rows)} tables, {sum(rows.values()):,} rows, as in the manifest" in out
    assert "Uploaded files restored: 17 in" in out
    assert f"audit_verify: Nhật ký toàn vẹn: {events} sự kiện đã kiểm tra" in out
    assert leftovers(tmp_path / "restored") == []
    assert leftovers(tmp_path / "backups") == []
    assert time.monotonic() - started < 30


@DB
def test_a_target_holding_data_is_replaced_only_with_yes(demo: Path, tmp_path: Path) -> None:
    rows, files = table_counts(), media_checksums(demo)
    archive, _ = make_backup(tmp_path)
    # The instance moves on after the backup: a new account, a file gone, a file added.
    make_user("sau.sao.luu")
    gone = sorted(files)[0]
    (demo / gone).unlink()
    (demo / "late.pdf").write_bytes(b"%PDF-1.4 late")
    changed_rows, changed_files = table_counts(), media_checksums(demo)
    assert changed_rows != rows and changed_files != files

    with pytest.raises(CommandError, match=r"holds 8 account\(s\) and \d+ audit event\(s\)"):
        run("restore", str(archive))
    assert table_counts() == changed_rows
    assert media_checksums(demo) == changed_files

    out = run("restore", str(archive), "--yes")

    assert table_counts() == rows
    assert media_checksums(demo) == files
    assert not User.objects.filter(username="sau.sao.luu").exists()
    checked, problems = audit_verify()
    assert problems == [] and checked == rows["core_auditevent"]
    assert "audit_verify: Nhật ký toàn vẹn" in out
    assert leftovers(tmp_path) == []


@DB
def test_the_file_check_reads_the_snapshot_not_the_live_database(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = backup_archive.media_files
    user = User.objects.get(username="canbo.thainguyen")

    def media_files_after_a_live_write(root: Path) -> Iterator[tuple[str, Path]]:
        # Written after the snapshot, while the files are copied: a row naming a file not on disk.
        ImportJob.objects.create(kind="people", file="imports/ghost.xlsx", created_by=user)
        yield from real(root)

    monkeypatch.setattr(backup_archive, "media_files", media_files_after_a_live_write)

    archive, _ = make_backup(tmp_path)

    manifest = manifest_of(archive)
    assert manifest["tables"]["imports_importjob"] == 0
    assert manifest["file_references"] == {"checked": 16, "missing": []}
    assert ImportJob.objects.count() == 1


@DB
def test_a_backup_missing_a_file_a_row_names_is_refused_unless_allowed(
    demo: Path, tmp_path: Path
) -> None:
    from dossiers.models import DossierDocument

    lost = DossierDocument.objects.order_by("pk").first()
    assert lost is not None
    (demo / lost.file.name).unlink()

    with pytest.raises(CommandError, match=f"1 file\\(s\\) named by rows .*{lost.file.name}"):
        run("backup", "--output", str(tmp_path / "backups"))
    assert list((tmp_path / "backups").iterdir()) == []

    out = run("backup", "--output", str(tmp_path / "backups"), "--allow-missing-files")

    assert "1 MISSING (listed in the manifest)" in out
    (archive,) = (tmp_path / "backups").iterdir()
    assert manifest_of(archive)["file_references"] == {"checked": 16, "missing": [lost.file.name]}


# --- refusals: nothing changes ------------------------------------------------------------------


def flip_a_byte(archive: Path) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


def truncate(archive: Path) -> None:
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) * 2 // 3])


def alter(prefix: str) -> Callable[[Path], None]:
    def change(archive: Path) -> None:
        rewrite(archive, lambda n, d: (n, d + b"!") if n.startswith(prefix) else (n, d))

    return change


def drop(name: str) -> Callable[[Path], None]:
    return lambda archive: rewrite(archive, lambda n, d: None if n == name else (n, d))


def add(name: str) -> Callable[[Path], None]:
    def change(archive: Path) -> None:
        rewrite(archive, lambda n, d: (n, d))
        with tarfile.open(archive) as tar:
            members = [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
        with tarfile.open(archive, "w:gz") as tar:
            for m, d in members:
                tar.addfile(m, io.BytesIO(d))
            info = tarfile.TarInfo(name)
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))

    return change


def not_an_archive(archive: Path) -> None:
    archive.write_bytes(b"this is not a backup\n" * 100)


def manifest_change(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def apply(archive: Path) -> None:
        def member(name: str, data: bytes) -> tuple[str, bytes]:
            if name != "manifest.json":
                return name, data
            manifest = json.loads(data)
            change(manifest)
            return name, json.dumps(manifest).encode()

        rewrite(archive, member)

    return apply


@DB
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flip_a_byte, "damaged"),
        (truncate, "damaged"),
        (not_an_archive, "damaged or not a .tar.gz"),
        (alter("media/a/one.pdf"), "damaged: media/a/one.pdf: checksum differs"),
        (alter("database/"), r"damaged: database/db\.\w+: checksum differs"),
        (drop("media/two.txt"), "damaged: media/two.txt: missing"),
        (drop("manifest.json"), "no manifest.json"),
        (add("media/extra.txt"), "damaged: media/extra.txt: not in the manifest"),
        (add("../outside.txt"), "unexpected entry: '../outside.txt'"),
        (add("media/../../outside.txt"), "unexpected entry"),
        (add("/thidua-absolute.txt"), "unexpected entry"),
        (manifest_change(lambda m: m.update(format="other")), "not a Thi đua backup"),
    ],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else "",
)
def test_a_damaged_archive_is_refused_and_nothing_changes(
    small: Path, tmp_path: Path, damage: Callable[[Path], None], message: str
) -> None:
    archive, _ = make_backup(tmp_path)
    make_user("ba")
    (small / "three.txt").write_bytes(b"three")
    rows, files = table_counts(), media_checksums(small)
    damage(archive)

    with pytest.raises(CommandError, match=message) as refused:
        run("restore", str(archive), "--yes")

    assert str(refused.value).endswith("Nothing was changed.")
    assert table_counts() == rows
    assert media_checksums(small) == files
    assert not (tmp_path / "outside.txt").exists() and not Path("/thidua-absolute.txt").exists()
    assert leftovers(tmp_path) == []


@DB
def test_an_archive_of_another_vendor_is_refused(small: Path, tmp_path: Path) -> None:
    archive, _ = make_backup(tmp_path)
    vendor, other = connection.vendor, OTHER_VENDOR[connection.vendor]

    def member(name: str, data: bytes) -> tuple[str, bytes]:
        if name == DATABASE_FILES[vendor]:
            return DATABASE_FILES[other], data
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"].update(vendor=other, file=DATABASE_FILES[other])
            return name, json.dumps(manifest).encode()
        return name, data

    rewrite(archive, member)
    rows, files = table_counts(), media_checksums(small)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

    with pytest.raises(
        CommandError, match=f"is a {names[other]} backup; this instance uses {names[vendor]}"
    ):
        run("restore", str(archive), "--yes")
    assert table_counts() == rows and media_checksums(small) == files


@DB
def test_an_archive_of_a_newer_version_is_refused(small: Path, tmp_path: Path) -> None:
    archive, _ = make_backup(tmp_path)
    manifest_change(lambda m: m["migrations"]["core"].append("9999_from_the_future"))(archive)
    rows, files = table_counts(), media_checksums(small)

    with pytest.raises(CommandError, match=r"newer version .*core\.9999_from_the_future"):
        run("restore", str(archive), "--yes")
    assert table_counts() == rows and media_checksums(small) == files


@DB
def test_a_restore_into_an_empty_target_needs_no_yes(small: Path, tmp_path: Path) -> None:
    """Just migrated (reference data, no accounts, no events) and no files counts as empty."""
    rows, files = table_counts(), media_checksums(small)
    archive, _ = make_backup(tmp_path)
    call_command("flush", "--noinput", verbosity=0)
    from django.apps import apps

    from orgs.reference import load_reference

    load_reference(apps)
    shutil.rmtree(small)
    assert not User.objects.exists() and not AuditEvent.objects.exists()

    run("restore", str(archive))

    assert table_counts() == rows and media_checksums(small) == files


# --- the PostgreSQL client tools ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", 15),
        ("pg_restore (PostgreSQL) 17.2", 17),
        ("pg_dump (PostgreSQL) 9.6.24", 9),
    ],
)
def test_tool_major_reads_the_version(text: str, major: int) -> None:
    assert tool_major(text) == major


def test_missing_or_old_client_tools_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump was not found.*postgresql-client-99"):
        pg_tool("pg_dump", 99)

    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 98.2'\n")
    old.chmod(0o755)
    with pytest.raises(
        BackupError, match=r"is pg_dump \(PostgreSQL\) 98\.2, older than the server \(99\)"
    ):
        pg_tool("pg_dump", 99)
    assert pg_tool("pg_dump", 98) == (str(old), "pg_dump (PostgreSQL) 98.2")


@DB
def test_a_restore_whose_audit_trail_fails_its_check_exits_with_an_error(
    small: Path, tmp_path: Path
) -> None:
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'edited' WHERE id = %s", [event.pk])
    archive, _ = make_backup(tmp_path)

    with pytest.raises(CommandError, match="Restored, but the audit trail check failed"):
        run("restore", str(archive), "--yes")
