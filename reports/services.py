"""Writes of the reports app: an organisation's statistical report templates (upload, choose which
one is in use, go back to the built-in layout). Nothing is deleted: the history stays."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core import permissions
from core.audit import as_pairs, audit_log, user_or_none
from core.errors import DomainError
from core.uploads import check_document
from orgs.models import Org
from reports import workbook
from reports.models import ReportTemplate


def _audit(actor: Any, action: str, template: ReportTemplate, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=template,
        org_id=template.org_id,
        changes=as_pairs({k: v for k, v in changes.items() if v is not None}),
    )


@transaction.atomic
def template_upload(*, actor: Any, org: Org, upload: Any, note: str = "") -> ReportTemplate:
    """Store an officer's adjusted layout as the organisation's template in use.

    Refused, with nothing stored, unless it is a real .xlsx (no macros) within the size limit whose
    every placeholder the report knows (the unknown ones are listed)."""
    permissions.require(actor, "stats.report", org)
    name = check_document(upload, allowed=(".xlsx",), max_bytes=workbook.MAX_BYTES, field="file")
    content = upload.read()
    upload.seek(0)
    _wb, placeholders = workbook.open_checked(content)
    note = " ".join(note.split())
    if len(note) > 255:
        raise DomainError(_("The note is too long (255 characters at most)."), field="note")
    # Lock the organisation so two uploads at once cannot both become active.
    Org.objects.select_for_update().filter(pk=org.pk).first()
    previous = list(
        ReportTemplate.objects.filter(org=org, active=True).values_list("pk", flat=True)
    )
    ReportTemplate.objects.filter(pk__in=previous).update(active=False)
    template = ReportTemplate(
        org=org,
        file_name=name,
        size=len(content),
        placeholders=len({p.name for p in placeholders}),
        note=note,
        active=True,
        uploaded_by=user_or_none(actor),
    )
    template.file.save(name, ContentFile(content), save=False)
    template.save()
    _audit(
        actor,
        "reports.template.uploaded",
        template,
        file_name=name,
        placeholders=template.placeholders,
        in_use_before=[previous, []] if previous else None,
    )
    return template


@transaction.atomic
def template_activate(*, actor: Any, template: ReportTemplate) -> ReportTemplate:
    """Use an earlier template of the organisation again (the one in use is kept, set aside)."""
    permissions.require(actor, "stats.report", template.org)
    Org.objects.select_for_update().filter(pk=template.org_id).first()
    template = ReportTemplate.objects.select_for_update().get(pk=template.pk)
    if template.active:
        raise DomainError(_("This template is already in use."))
    previous = list(
        ReportTemplate.objects.filter(org_id=template.org_id, active=True).values_list(
            "pk", flat=True
        )
    )
    ReportTemplate.objects.filter(pk__in=previous).update(active=False)
    template.active = True
    template.save(update_fields=["active"])
    _audit(
        actor,
        "reports.template.activated",
        template,
        active=[False, True],
        in_use_before=[previous, []],
    )
    return template


@transaction.atomic
def template_deactivate(*, actor: Any, org: Org) -> list[int]:
    """Stop using the organisation's own template: its reports use the nearest ancestor's, else
    the built-in layout. The template stays in the history."""
    permissions.require(actor, "stats.report", org)
    Org.objects.select_for_update().filter(pk=org.pk).first()
    active = list(ReportTemplate.objects.filter(org=org, active=True))
    if not active:
        raise DomainError(_("The organisation has no template of its own in use."))
    ReportTemplate.objects.filter(pk__in=[t.pk for t in active]).update(active=False)
    for template in active:
        _audit(actor, "reports.template.deactivated", template, active=[True, False])
    return [t.pk for t in active]
