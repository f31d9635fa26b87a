"""The officers' pages: a decision's recipients with their verification codes, and the printing
of their certificates (one PDF or DOCX, a page per recipient in force), for those who act for the
decision's issuer.

Printing issues codes and counts prints, so it is a POST from the decision's page (a link or a
picture elsewhere cannot set it off); a GET of a print address goes back to that page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certificates import documents, rules, selectors, services
from core import permissions
from documents.service import render_kind
from register.models import Award, Decision


def _decision(request: HttpRequest, pk: int) -> Decision:
    """The decision, if the user may print its certificates: 403 without the right anywhere,
    404 when the decision is not one of those the user acts for."""
    permissions.require(request.user, "certificate.print")
    decision = selectors.decision_get(user=request.user, pk=pk)
    if decision is None:
        raise Http404
    return decision


@login_required
def decision_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    records = list(selectors.decision_records(decision=decision))
    awards = {
        code: (name, kind)
        for code, name, kind in Award.objects.filter(
            code__in={r.code for r in records}
        ).values_list("code", "name", "kind")
    }
    rows: list[dict[str, Any]] = []
    for r in records:
        certificate = getattr(r, "certificate", None)
        award_name, award_kind = awards.get(r.code, (r.code, ""))
        _, name, unit = documents.recipient_lines(r)
        rows.append(
            {
                "record": r,
                "name": name,
                "unit": unit,
                "award": award_name,
                "paper": rules.paper(award_kind, award_name).capitalize(),
                "code": certificate.display_code if certificate is not None else "",
                "times_printed": certificate.times_printed if certificate is not None else 0,
            }
        )
    in_force = sum(1 for r in records if not r.revoked)
    return render(
        request,
        "certificates/decision.html",
        {
            "decision": decision,
            "rows": rows,
            "in_force": in_force,
        },
    )


def _print(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    decision = _decision(request, pk)
    if request.method != "POST":
        return redirect("certificates:decision", pk=decision.pk)
    services.certificates_issue(actor=request.user, decision=decision)
    records = list(
        selectors.decision_records(decision=decision).filter(
            revoked=False, certificate__isnull=False
        )
    )
    if not records:
        messages.warning(
            request, _("There is no commendation in force to print a certificate for.")
        )
        return redirect("certificates:decision", pk=decision.pk)
    context = documents.certificate_context(decision, records, request)
    # The issuer's template (or the nearest one above it) when it has one, else the built-in
    # layout: the same for the PDF and the DOCX.
    content, content_type, name = render_kind(documents.KIND, context, fmt=fmt, org=decision.issuer)
    disposition = "inline" if fmt == "pdf" else "attachment"
    services.certificates_printed(
        actor=request.user,
        decision=decision,
        certificates=[r.certificate for r in records],
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
def print_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _print(request, pk, "pdf")


@login_required
def print_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _print(request, pk, "docx")
