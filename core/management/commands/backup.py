from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup, human_size, vendor_name


class Command(BaseCommand):
    help = (
        "Write one archive (thidua-backup-YYYYMMDD-HHMMSS.tar.gz, under var/backups/ unless "
        "--output says otherwise) with a consistent snapshot of the database, the uploaded files "
        "and a manifest (versions, migrations, row counts, SHA-256 of every file)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            help="a directory to write the archive in, or the archive's name (ending in .tar.gz)",
        )
        parser.add_argument(
            "--allow-missing-files",
            action="store_true",
            help="write the archive even if rows name files missing from MEDIA_ROOT (listed in "
            "the manifest)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["output"], allow_missing_files=options["allow_missing_files"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        db = manifest["database"]
        tables = manifest["tables"]
        media = manifest["media"]
        refs = manifest["file_references"]
        self.stdout.write(
            f"Database snapshot ({vendor_name(db['vendor'])}): {human_size(db['size'])}, "
            f"{len(tables)} tables, {sum(tables.values()):,} rows, in {result.db_seconds:.2f} s"
        )
        self.stdout.write(
            f"Uploaded files: {len(media)} ({human_size(sum(f['size'] for f in media.values()))}), "
            f"in {result.media_seconds:.2f} s; {refs['checked']} file(s) named by the snapshot's "
            + (
                "rows, all in the archive"
                if not result.missing
                else f"rows, {len(result.missing)} MISSING (listed in the manifest)"
            )
        )
        self.stdout.write(
            f"Archive: {result.path} ({human_size(result.size)}), written in {result.seconds:.2f} s"
        )
