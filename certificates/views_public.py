"""The public verify page (tra cứu bằng khen, giấy khen), without sign-in.

Anyone holding a paper checks it by the code printed on it (or its QR code): the page says whom it
was given to, for what, by which decision and authority, and whether it was revoked. Nothing
personal beyond that leaves the database (no birth year, no ID number, no gender). Lookups are
rate-limited per client so codes cannot be guessed, and robots are asked not to index the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certificates import rules, selectors, throttle
from certificates.documents import recipient_lines
from certificates.forms import VerifyForm
from certificates.models import Certificate
from core.clients import client_address
from dossiers.documents import authority


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, "certificates/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("verify:code", code=rules.display(form.cleaned_data["code"]))
    return _page(request, {"form": form, "state": "form"}, status=200)


def public_facts(certificate: Certificate) -> dict[str, Any]:
    """What the public sees of a certificate, and nothing more."""
    from register.selectors import catalogue_name

    record = certificate.record
    decision = record.decision
    _, name, unit = recipient_lines(record)
    revocation = getattr(record, "revocation", None) if record.revoked else None
    return {
        "code": certificate.display_code,
        "name": name,
        "unit": unit,
        "award": catalogue_name(record.code),
        "year": record.year,
        "decision_number": decision.number,
        "decision_date": decision.date,
        "issuer": authority(decision.issuer),
        "revoked": record.revoked,
        "revocation_number": revocation.decision_number if revocation is not None else "",
        "revocation_date": revocation.decision_date if revocation is not None else None,
    }


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    typed = code[:40]
    if not throttle.lookup_allowed(client_address(request)):
        return _page(request, {"state": "limited", "typed": typed}, status=429)
    normalised = rules.normalise(code)
    certificate = selectors.certificate_by_code(normalised) if normalised else None
    if certificate is None:
        form = VerifyForm(initial={"code": typed})
        return _page(request, {"state": "unknown", "typed": typed, "form": form}, status=404)
    facts = public_facts(certificate)
    state = "revoked" if facts["revoked"] else "valid"
    return _page(request, {"state": state, "facts": facts})
