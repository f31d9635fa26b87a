"""Download of a commendation decision as a document (the document service), DOCX or PDF, for
those who see the decision; its recipients are those the decision's page shows them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from core import permissions
from documents.service import FORMATS, render_kind
from register import documents, selectors
from register.views import _decision


@login_required
@require_safe
def decision_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Quyết định khen thưởng with its recipients, from the issuer's template when it has one."""
    if fmt not in FORMATS:
        raise Http404
    permissions.require(request.user, "register.view")
    decision = _decision(request, pk)
    records = list(
        selectors.visible_records(request.user)
        .filter(decision=decision)
        .select_related("person__unit", "org__parent", "unit")
        .order_by("pk")
    )
    context = documents.decision_context(decision, records)
    content, content_type, filename = render_kind(
        documents.KEY, context, fmt=fmt, org=decision.issuer
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
