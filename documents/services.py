"""Writes of the document service: an organisation's replacement template for a kind of document
is uploaded (checked, the previous one retired) or removed (back to the layout above it or the
built-in one). Each write locks the organisation's row, so two officers cannot both install one,
and is audited in the same transaction."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import as_pairs, audit_log, user_or_none
from core.errors import DomainError
from core.uploads import check_document
from documents import registry, templating
from documents.models import DocumentTemplate
from orgs.models import Org

MAX_TEMPLATE_BYTES = 5 * 2**20


def _require(actor: Any, org: Org) -> None:
    if actor is not None:  # the system (a loader, a task) acts for everyone
        permissions.require(actor, "document.template", org)


@transaction.atomic
def template_upload(*, actor: Any, org: Org, kind: str, upload: Any) -> DocumentTemplate:
    """Install `upload` as the organisation's template for `kind`, retiring the one it had.
    Refused (DomainError, nothing changed) unless it is a DOCX whose tags are the kind's fields
    and that fills with the kind's example data."""
    _require(actor, org)
    try:
        spec = registry.get(kind)
    except LookupError:
        raise DomainError(_("Unknown kind of document."), field="kind") from None
    name = check_document(upload, allowed=(".docx",), max_bytes=MAX_TEMPLATE_BYTES)
    content = upload.read()
    upload.seek(0)
    templating.check(content, spec)
    Org.objects.select_for_update().filter(pk=org.pk).first()
    now = timezone.now()
    user = user_or_none(actor)
    current = DocumentTemplate.objects.filter(org=org, kind=kind, retired_at__isnull=True).first()
    if current is not None:
        current.retired_at, current.retired_by = now, user
        current.save(update_fields=["retired_at", "retired_by"])
    template = DocumentTemplate(
        org=org,
        kind=kind,
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        uploaded_at=now,
    )
    template.file.save(name, ContentFile(content), save=False)
    template.save()
    audit_log(
        actor=actor,
        action="documents.template.uploaded",
        obj=template,
        org_id=org.pk,
        changes=as_pairs(
            {
                "kind": kind,
                "name": name,
                "sha256": template.sha256,
                "replaced": [current.pk if current else None, None],
            }
        ),
    )
    return template


@transaction.atomic
def template_remove(*, actor: Any, template: DocumentTemplate) -> DocumentTemplate:
    """Retire the organisation's template: its documents are made again from the template of the
    unit above it, or the built-in layout. The file stays for the history."""
    _require(actor, template.org)
    Org.objects.select_for_update().filter(pk=template.org_id).first()
    template.refresh_from_db(fields=["retired_at", "retired_by"])
    if template.retired_at is not None:
        raise DomainError(_("This template has already been replaced or removed."))
    template.retired_at, template.retired_by = timezone.now(), user_or_none(actor)
    template.save(update_fields=["retired_at", "retired_by"])
    audit_log(
        actor=actor,
        action="documents.template.removed",
        obj=template,
        org_id=template.org_id,
        changes={"retired_at": [None, template.retired_at]},
    )
    return template
