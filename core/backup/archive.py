"""The archive: writing it (database snapshot, then media files, then manifest), and reading it
back with every file checked before anything is changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.backup.common import (
    CHUNK,
    CONSISTENCY,
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA,
    README,
    README_TEXT,
    BackupError,
    app_version,
    media_files,
    sha256_file,
)
from core.backup.databases import pg_snapshot, sqlite_snapshot


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    size: int
    db_seconds: float
    media_seconds: float
    seconds: float
    missing: list[str] = field(default_factory=list)


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, f: BinaryIO) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.f.read(size)
        self.digest.update(block)
        return block


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def default_archive_path(output: str | None, now: dt.datetime) -> Path:
    name = f"thidua-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    if not output:
        return Path(settings.VAR_DIR) / "backups" / name
    target = Path(output)
    # A name ending in .tar.gz is the archive itself; anything else is a directory to write in.
    return target if target.name.endswith((".tar.gz", ".tgz")) else target / name


def backup(output: str | None = None, *, allow_missing_files: bool = False) -> BackupResult:
    """Write one archive: the database snapshot, then the media files, then the manifest."""
    started = time.monotonic()
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    now = timezone.localtime()
    path = default_archive_path(output, now).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.is_relative_to(media_root):
        raise BackupError(f"Write the archive outside MEDIA_ROOT ({media_root}).")
    if path.exists():
        raise BackupError(f"{path} already exists; choose another name.")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")

    with tempfile.TemporaryDirectory(prefix=".thidua-backup-", dir=path.parent) as work:
        db_file = Path(work) / PurePosixPath(DATABASE_FILES[vendor]).name
        snap = sqlite_snapshot(db_file) if vendor == "sqlite" else pg_snapshot(db_file)
        db_seconds = time.monotonic() - started
        db_size = db_file.stat().st_size
        db_sha = sha256_file(db_file)
        media: dict[str, dict[str, Any]] = {}
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise BackupError(f"{partial} exists: is another backup running?") from exc
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(
                    fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
                ) as tar,
            ):
                with db_file.open("rb") as f:
                    tar.addfile(_tarinfo(DATABASE_FILES[vendor], db_size, time.time()), f)
                media_started = time.monotonic()
                for name, file_path in media_files(media_root):
                    with file_path.open("rb") as f:
                        stat = os.fstat(f.fileno())
                        reader = _HashingReader(f)
                        tar.addfile(_tarinfo(MEDIA + name, stat.st_size, stat.st_mtime), reader)  # type: ignore[arg-type]
                    media[name] = {"size": stat.st_size, "sha256": reader.digest.hexdigest()}
                media_seconds = time.monotonic() - media_started
                missing = sorted(snap.contents.file_refs - set(media))
                if missing and not allow_missing_files:
                    shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
                    raise BackupError(
                        f"{len(missing)} file(s) named by rows of the database are not in "
                        f"MEDIA_ROOT: {shown}. Run the backup again; if they are really lost, "
                        "back up anyway with --allow-missing-files (they are listed in the manifest)."
                    )
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.astimezone(dt.UTC).isoformat(),
                    "app": app_version(),
                    "database": {
                        "vendor": vendor,
                        "file": DATABASE_FILES[vendor],
                        "size": db_size,
                        "sha256": db_sha,
                        "server_version": snap.server_version,
                        "dump_tool": snap.dump_tool,
                    },
                    "migrations": snap.contents.migrations,
                    "tables": snap.contents.tables,
                    "media": media,
                    "file_references": {
                        "checked": len(snap.contents.file_refs),
                        "missing": missing,
                    },
                    "consistency": CONSISTENCY,
                }
                for name, data in (
                    (MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode()),
                    (README, README_TEXT.encode()),
                ):
                    tar.addfile(_tarinfo(name, len(data), time.time()), io.BytesIO(data))
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(
        path=path,
        manifest=manifest,
        size=path.stat().st_size,
        db_seconds=db_seconds,
        media_seconds=media_seconds,
        seconds=time.monotonic() - started,
        missing=missing,
    )


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a regular file at a safe place in the archive; else refuse."""
    name = member.name
    parts = PurePosixPath(name).parts
    safe = (
        member.isfile()
        and not name.startswith("/")
        and "\\" not in name
        and "\x00" not in name
        and all(p not in ("", ".", "..") for p in parts)
        and (
            name in (MANIFEST, README, *DATABASE_FILES.values())
            or (name.startswith(MEDIA) and len(parts) > 1)
        )
    )
    if not safe:
        raise BackupError(f"The archive holds an unexpected entry: {name!r}.")
    return name


def unpack(archive: Path, work: Path) -> dict[str, Any]:
    """Extract the archive into `work` and check every file against the manifest; return it.

    Raises BackupError when the archive is not a Thi đua backup or is damaged in any way.
    """
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    digests: dict[str, str] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = _member_name(member)
                if name in digests:
                    raise BackupError(f"The archive holds {name!r} twice.")
                source = tar.extractfile(member)
                assert source is not None
                target = work / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while block := source.read(CHUNK):
                        digest.update(block)
                        out.write(block)
                digests[name] = digest.hexdigest()
            # Read to the end, so gzip checks its CRC over the whole stream.
            fileobj: Any = tar.fileobj
            while fileobj.read(CHUNK):
                pass
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"The archive is damaged or not a .tar.gz file ({exc}).") from exc

    if MANIFEST not in digests:
        raise BackupError("The archive has no manifest.json: it is not a Thi đua backup.")
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        vendor = manifest["database"]["vendor"]
        expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
        expected.update({MEDIA + n: f["sha256"] for n, f in manifest["media"].items()})
        if not isinstance(manifest["tables"], dict) or not isinstance(manifest["migrations"], dict):
            raise TypeError("tables and migrations must be objects")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"The archive's manifest is damaged ({exc}).") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("The archive is not a Thi đua backup of a format this version reads.")
    if manifest["database"]["file"] != DATABASE_FILES.get(vendor):
        raise BackupError("The archive's manifest names an unexpected database file.")

    present = {n for n in digests if n not in (MANIFEST, README)}
    problems = [f"{n}: missing" for n in sorted(set(expected) - present)]
    problems += [f"{n}: not in the manifest" for n in sorted(present - set(expected))]
    problems += [
        f"{n}: checksum differs"
        for n in sorted(set(expected) & present)
        if digests[n] != expected[n]
    ]
    if problems:
        shown = "; ".join(problems[:10]) + (" …" if len(problems) > 10 else "")
        raise BackupError(f"The archive is damaged: {shown}.")
    return manifest


def install_media(staged: Path, media_root: Path) -> None:
    """Make MEDIA_ROOT exactly the staged tree: swap directories by renaming when possible."""
    staged.mkdir(parents=True, exist_ok=True)
    if not media_root.exists():
        os.replace(staged, media_root)
        return
    old = media_root.with_name(f".{media_root.name}.replaced-{os.getpid()}")
    try:
        os.replace(media_root, old)
    except OSError:
        # MEDIA_ROOT is a mount point or cannot be renamed: empty it and move the files in.
        for child in list(media_root.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staged.iterdir():
            shutil.move(str(child), media_root / child.name)
        return
    os.replace(staged, media_root)
    shutil.rmtree(old, ignore_errors=True)
