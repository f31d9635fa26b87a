import datetime as dt
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.backup import (
    DATABASE_FILES,
    MEDIA,
    BackupError,
    check_migrations,
    human_size,
    install_media,
    live_counts,
    live_tables,
    media_checksums,
    pending_migrations,
    pg_restore,
    sqlite_restore,
    target_state,
    unpack,
    vendor_name,
)


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database and MEDIA_ROOT. The whole archive "
        "is checked first; a database holding accounts or audit events, or a MEDIA_ROOT holding "
        "files, is replaced only with --yes. Stop the app servers and the task worker first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="a thidua-backup-….tar.gz written by manage.py backup")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace the database and the uploaded files even if they hold data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.changed = False
        try:
            self.restore(Path(options["archive"]).resolve(), replace=options["yes"])
        except BackupError as exc:
            message = str(exc)
            if not self.changed and "Nothing was changed" not in message:
                message += " Nothing was changed."
            raise CommandError(message) from exc

    def restore(self, archive: Path, *, replace: bool) -> None:
        started = time.monotonic()
        media_root = Path(settings.MEDIA_ROOT).resolve()
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Staged next to MEDIA_ROOT, so the files are moved into place by renaming.
        with tempfile.TemporaryDirectory(prefix=".thidua-restore-", dir=media_root.parent) as tmp:
            work = Path(tmp)
            manifest = unpack(archive, work)
            db = manifest["database"]
            media = manifest["media"]
            made = timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"]))
            self.stdout.write(
                f"Archive {archive.name} ({human_size(archive.stat().st_size)}), made "
                f"{made:%Y-%m-%d %H:%M:%S %Z} by Thi đua {manifest['app'].get('version')} "
                f"(revision {manifest['app'].get('git_revision') or 'unknown'}): database "
                f"{human_size(db['size'])} and {len(media)} file(s) "
                f"({human_size(sum(f['size'] for f in media.values()))}) match their SHA-256, "
                f"checked in {time.monotonic() - started:.2f} s"
            )
            if db["vendor"] != connection.vendor:
                raise BackupError(
                    f"The archive is a {vendor_name(db['vendor'])} backup; this instance uses "
                    f"{vendor_name(connection.vendor)}. Nothing was changed."
                )
            check_migrations(manifest)
            state = target_state()
            if state.holds_data and not replace:
                raise BackupError(
                    f"The database holds {state.accounts} account(s) and {state.events} audit "
                    f"event(s), and MEDIA_ROOT {state.media_files} file(s): restoring replaces "
                    "all of it. Nothing was changed; run again with --yes to replace them."
                )

            step = time.monotonic()
            db_file = work / DATABASE_FILES[db["vendor"]]
            # Nothing is printed between the two replacements (a closed pipe must not stop us).
            if connection.vendor == "sqlite":
                sqlite_restore(db_file)
            else:
                pg_restore(db_file, manifest)  # one transaction: all or nothing
            self.changed = True
            db_seconds = time.monotonic() - step
            step = time.monotonic()
            install_media(work / MEDIA.rstrip("/"), media_root)
        ContentType.objects.clear_cache()
        self.stdout.write(
            f"Database restored ({vendor_name(connection.vendor)}, replacing "
            f"{len(state.tables)} table(s)) in {db_seconds:.2f} s"
        )
        restored = media_checksums(media_root)
        expected = {name: f["sha256"] for name, f in media.items()}
        if restored != expected:
            wrong = sorted(set(restored.items()) ^ set(expected.items()))
            raise BackupError(
                f"The files in MEDIA_ROOT differ from the archive after restoring: "
                f"{', '.join(sorted({n for n, _ in wrong})[:10])}."
            )
        self.stdout.write(
            f"Uploaded files restored: {len(restored)} in {media_root}, checksums verified, "
            f"in {time.monotonic() - step:.2f} s"
        )

        tables = manifest["tables"]
        present = set(live_tables())
        counts = live_counts(sorted(set(tables) & present))
        differ = [
            f"{t}: {counts.get(t, 'missing')} instead of {n}"
            for t, n in sorted(tables.items())
            if counts.get(t) != n
        ]
        if differ:
            raise BackupError(
                "Row counts differ from the manifest: " + "; ".join(differ[:10]) + "."
            )
        self.stdout.write(
            f"Row counts: {len(tables)} tables, {sum(tables.values()):,} rows, as in the manifest"
        )
        extra = sorted(present - set(tables))
        if extra:
            self.stderr.write(
                f"Tables not in the archive were left in the database: {', '.join(extra)}."
            )
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                f"The archive is from an older version: {pending} migration(s) to apply; run "
                "manage.py migrate."
            )

        out, err = StringIO(), StringIO()
        try:
            call_command("audit_verify", stdout=out, stderr=err)
        except CommandError as exc:
            self.stderr.write(err.getvalue().rstrip())
            raise CommandError(f"Restored, but the audit trail check failed: {exc}") from exc
        self.stdout.write(f"audit_verify: {out.getvalue().strip()}")
        self.stdout.write(f"Restore done in {time.monotonic() - started:.2f} s")
