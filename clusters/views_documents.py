"""Downloads of a cluster year's generated documents (the document service): the covenant and
the minutes of a meeting, DOCX or PDF, for those who see the cluster (as their pages do)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from clusters import documents
from clusters.covenant_views import _covenant_or_404
from clusters.views import _meeting, _year
from documents.service import FORMATS, render_kind


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


@login_required
@require_safe
def covenant_document(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    """Giao ước thi đua of the year, from the head unit's template when it has one."""
    fmt = _format(fmt)
    cluster_year = _year(request, pk, year)
    covenant = _covenant_or_404(cluster_year)
    context = documents.covenant_context(cluster_year, covenant)
    org = cluster_year.head or cluster_year.cluster.organiser
    return _file(*render_kind(documents.COVENANT, context, fmt=fmt, org=org))


@login_required
@require_safe
def meeting_document(request: HttpRequest, meeting_id: int, fmt: str) -> HttpResponse:
    """Biên bản hội nghị, for the secretary to complete, from the head unit's template when it
    has one."""
    fmt = _format(fmt)
    meeting = _meeting(request, meeting_id)
    cluster_year = meeting.cluster_year
    context = documents.meeting_context(meeting)
    org = cluster_year.head or cluster_year.cluster.organiser
    return _file(*render_kind(documents.MINUTES, context, fmt=fmt, org=org))
