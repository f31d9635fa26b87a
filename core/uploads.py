"""Checks for uploaded documents: the extension is allowed, the size is bounded, the content's first
bytes match the type (a renamed executable is not a PDF). Every check fails with a Vietnamese message
and changes nothing."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from core.errors import DomainError

ZIP = b"PK\x03\x04"
# Extension → the magic bytes its content starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".odt": (ZIP,),
    ".ods": (ZIP,),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}

DOCUMENTS = (".pdf", ".docx", ".odt")
REPORTS = (".pdf", ".docx", ".odt", ".xlsx", ".ods")
SCANS = (".pdf", ".jpg", ".jpeg", ".png")
MAX_BYTES = 20 * 2**20
# An office file (a zip) may not unpack to more than this, nor any large part of it unpack more than
# MAX_RATIO times its packed size: a "zip bomb" would exhaust the memory of whatever reads it.
MAX_UNZIPPED_BYTES = 256 * 2**20
MAX_RATIO = 100
RATIO_FROM_BYTES = 2**20
# Parts that carry macros (VBA) in an OOXML file renamed .xlsx/.docx.
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
MAX_NAME = 200  # characters; Django cuts longer names to 255, losing the middle


def safe_name(name: str) -> str:
    """The file's own name, without any directory part a browser or a client may send."""
    return PurePath(name.replace("\\", "/")).name.strip()[:255]


def check_name(name: str, *, field: str = "file") -> str:
    """The safe name of an upload; refused when it holds control characters (a NUL byte) or is too
    long to keep."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise DomainError(_("The file name contains characters that are not allowed."), field=field)
    safe = safe_name(name)
    if len(safe) > MAX_NAME or len(name) >= 255:
        raise DomainError(
            _("The file name is too long (at most %(n)s characters).") % {"n": MAX_NAME},
            field=field,
        )
    return safe


def check_zip(upload: Any, *, field: str = "file") -> None:
    """Refuse an office file (zip) that unpacks to too much or carries macros. A file that is not a
    readable zip is left to the reader of its format."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
            declared = (
                archive.read(types)[: 2**20].lower()
                if types is not None and types.file_size <= 2**20
                else b""
            )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return
    finally:
        upload.seek(0)
    total = 0
    for member in members:
        total += member.file_size
        packed = max(member.compress_size, 1)
        if total > MAX_UNZIPPED_BYTES or (
            member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * packed
        ):
            raise DomainError(
                _("The file unpacks to too much data; it may be a compressed bomb."), field=field
            )
        if member.filename.lower().rsplit("/", 1)[-1] in MACRO_PARTS:
            raise _macros(members, field)
    if b"macroenabled" in declared:
        raise _macros(members, field)


def _macros(members: list[zipfile.ZipInfo], field: str) -> DomainError:
    if any(m.filename.startswith("xl/") for m in members):
        return DomainError(
            _("The workbook contains macros. Save it as an Excel workbook (.xlsx) without macros."),
            field=field,
        )
    return DomainError(_("Files with macros are not accepted."), field=field)


def check_document(
    upload: Any,
    *,
    allowed: tuple[str, ...] = DOCUMENTS,
    max_bytes: int = MAX_BYTES,
    field: str = "file",
    signatures: Mapping[str, tuple[bytes, ...]] = SIGNATURES,
) -> str:
    """Check an uploaded file; return its safe name. DomainError (on `field`) when refused."""
    name = check_name(upload.name or "", field=field)
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed:
        raise DomainError(
            _("The file must be one of: %(types)s.")
            % {"types": ", ".join(s.lstrip(".").upper() for s in allowed)},
            field=field,
        )
    if not upload.size or upload.size > max_bytes:
        raise DomainError(
            _("The file must not be empty nor larger than %(mb)s MB.") % {"mb": max_bytes // 2**20},
            field=field,
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in signatures[suffix]):
        raise DomainError(_("The file's content does not match its type."), field=field)
    if head.startswith(ZIP):
        check_zip(upload, field=field)
    upload.name = name  # whatever stores it next gets no directory part from the client
    return name
