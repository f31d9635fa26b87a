"""The officers' pages: a decision's recipients with their verification codes, and the printing
of their certificates (one PDF or DOCX, a page per recipient in force)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certificates import documents, rules, selectors, services
from core import permissions
from register.models import Award, Decision, Record

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _decision(request: HttpRequest, pk: int) -> Decision:
    permissions.require(request.user, "certificate.print")
    decision = selectors.decision_get(user=request.user, pk=pk)
    if decision is None:
        raise Http404
    return decision


@login_required
def decision_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    records = list(selectors.records_in_reach(user=request.user, decision=decision))
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
            "hidden": Record.objects.filter(decision=decision).count() - len(records),
        },
    )


def _print(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    decision = _decision(request, pk)
    services.certificates_issue(actor=request.user, decision=decision)
    records = list(
        selectors.records_in_reach(user=request.user, decision=decision).filter(
            revoked=False, certificate__isnull=False
        )
    )
    if not records:
        messages.warning(
            request, _("There is no commendation in force to print a certificate for.")
        )
        return redirect("certificates:decision", pk=decision.pk)
    context = documents.certificate_context(decision, records, request)
    name = documents.filename(context)
    if fmt == "pdf":
        content, content_type, disposition = documents.pdf(context), PDF, "inline"
        name = f"{name}.pdf"
    else:
        from documents.service import render_kind

        content, content_type, name = render_kind(
            documents.KIND, context, fmt="docx", org=decision.issuer
        )
        disposition = "attachment"
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
