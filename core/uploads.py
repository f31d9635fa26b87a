"""Checks for uploaded documents: the extension is allowed, the size is bounded, the content's first
bytes match the type (a renamed executable is not a PDF). Every check fails with a Vietnamese message
and changes nothing."""

from __future__ import annotations

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


def safe_name(name: str) -> str:
    """The file's own name, without any directory part a browser or a client may send."""
    return PurePath(name.replace("\\", "/")).name.strip()[:255]


def check_document(
    upload: Any,
    *,
    allowed: tuple[str, ...] = DOCUMENTS,
    max_bytes: int = MAX_BYTES,
    field: str = "file",
    signatures: Mapping[str, tuple[bytes, ...]] = SIGNATURES,
) -> str:
    """Check an uploaded file; return its safe name. DomainError (on `field`) when refused."""
    name = safe_name(upload.name or "")
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
    return name
