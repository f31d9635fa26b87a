"""Backups: one .tar.gz holding a consistent database snapshot, the uploaded files and a manifest.

Layout of an archive:

    database/db.sqlite3 or database/db.dump   the snapshot (SQLite online backup / pg_dump -Fc)
    media/<path>                              every file under MEDIA_ROOT
    manifest.json                             versions, migrations, row counts, SHA-256 of every file
    README.txt                                what the archive holds and how to restore it

The database is copied first, as one snapshot; the uploaded files after it. Uploads are written to
disk before their row is committed and never deleted once a row points at them, so every file a
row of the snapshot names is in the archive (checked while backing up, against the snapshot itself);
a file uploaded during the backup may be archived without its row, which is harmless.

`restore` checks the whole archive before changing anything.
"""

from core.backup.archive import backup, install_media, unpack
from core.backup.common import (
    DATABASE_FILES,
    MEDIA,
    BackupError,
    human_size,
    live_counts,
    live_tables,
    media_checksums,
    vendor_name,
)
from core.backup.databases import (
    check_migrations,
    pending_migrations,
    pg_restore,
    pg_tool,
    sqlite_restore,
    target_state,
    tool_major,
)

__all__ = [
    "DATABASE_FILES",
    "MEDIA",
    "BackupError",
    "backup",
    "check_migrations",
    "human_size",
    "install_media",
    "live_counts",
    "live_tables",
    "media_checksums",
    "pending_migrations",
    "pg_restore",
    "pg_tool",
    "sqlite_restore",
    "target_state",
    "tool_major",
    "unpack",
    "vendor_name",
]
