"""Documents of a dossier: attached, downloaded only through a page that checks who asks, and the
files made from the dossier's data by the document service: DOCX (downloaded, or attached to it)
and PDF (downloaded)."""

from __future__ import annotations

import importlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.errors import DomainError
from dossiers import forms, selectors, services
from dossiers.models import DocumentKind, Dossier, DossierDocument, DossierRecipient
from dossiers.views import (
    appraises,
    detail_url,
    form_error,
    prepares,
    render_detail,
    require_that,
    visible_dossier,
    visible_recipient,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    require_that(
        prepares(request.user, dossier) or appraises(request.user, dossier), "dossier.prepare"
    )
    recipients = list(selectors.active_recipients(dossier))
    form = forms.DocumentForm(request.POST, request.FILES, recipients=recipients)
    if form.is_valid():
        data = form.cleaned_data
        try:
            doc = services.document_add(
                actor=request.user,
                dossier=dossier,
                kind=data["kind"],
                upload=data["file"],
                recipient=next((r for r in recipients if r.pk == data["recipient"]), None),
            )
            messages.success(request, _("%(n)s attached.") % {"n": doc.name})
            return redirect(detail_url(dossier, "documents"))
        except DomainError as exc:
            form_error(form, exc)
    return render_detail(request, dossier, document_form=form)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A document of a dossier, for those who see the dossier (never a public media address)."""
    permissions.require(request.user, "dossier.view")
    doc = (
        DossierDocument.objects.select_related("dossier__proposer", "dossier__receiver")
        .filter(pk=pk)
        .first()
    )
    if doc is None or not permissions.can_view_dossier(request.user, doc.dossier):
        raise Http404
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=doc.name)


def _documents() -> Any:
    """The generator (dossiers.documents), imported when a file is asked for."""
    return importlib.import_module("dossiers.documents")


def _docx(
    request: HttpRequest,
    dossier: Dossier,
    *,
    name: str,
    content: bytes,
    kind: str,
    recipient: DossierRecipient | None = None,
) -> HttpResponse:
    """The generated file: downloaded (GET) or attached to the dossier ("attach" POST)."""
    if request.method != "POST":
        response = HttpResponse(content, content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    try:
        services.document_add_bytes(
            actor=request.user,
            dossier=dossier,
            kind=kind,
            name=name,
            content=content,
            recipient=recipient,
            generated=True,
        )
        messages.success(request, _("%(n)s generated and attached.") % {"n": name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(detail_url(dossier, "documents"))


@login_required
def letter_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Tờ trình of the dossier as DOCX, made from its data."""
    dossier = visible_dossier(request, pk)
    if request.method == "POST":
        require_that(
            prepares(request.user, dossier) or appraises(request.user, dossier), "dossier.prepare"
        )
    return _docx(
        request,
        dossier,
        name=f"to-trinh-{dossier.reference}.docx",
        content=_documents().submission_letter(dossier),
        kind=DocumentKind.TO_TRINH,
    )


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Báo cáo thành tích of one recipient as DOCX, made from its fields."""
    recipient = visible_recipient(request, pk)
    dossier = recipient.dossier
    if recipient.removed_at is not None:
        raise Http404
    if request.method == "POST":
        require_that(
            prepares(request.user, dossier) or appraises(request.user, dossier), "dossier.prepare"
        )
    return _docx(
        request,
        dossier,
        name=f"bao-cao-thanh-tich-{dossier.reference}-{recipient.pk}.docx",
        content=_documents().achievement_report(recipient),
        kind=DocumentKind.BAO_CAO_THANH_TICH,
        recipient=recipient,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Tờ trình of the dossier as PDF, for those who see the dossier."""
    dossier = visible_dossier(request, pk)
    content = _documents().submission_letter(dossier, fmt="pdf")
    return _pdf(content, f"to-trinh-{dossier.reference}.pdf")


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Báo cáo thành tích of one recipient as PDF, for those who see the dossier."""
    recipient = visible_recipient(request, pk)
    if recipient.removed_at is not None:
        raise Http404
    content = _documents().achievement_report(recipient, fmt="pdf")
    return _pdf(content, f"bao-cao-thanh-tich-{recipient.dossier.reference}-{recipient.pk}.pdf")
