"""Reads: the decisions a user may print certificates for, their records, and a certificate by
its code."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from certificates.models import Certificate
from core import permissions
from register.models import Decision, Record


def decision_get(*, user: Any, pk: int) -> Decision | None:
    """A decision whose certificates the user may print: one issued by a unit the user acts for
    in printing (its commendation officers, or those of a unit above it), any for an
    administrator; None otherwise. The papers are signed in the issuer's name, so it is the
    issuer's side that prints them, wherever the recipients work now."""
    decisions = Decision.objects.select_related("issuer")
    if not permissions.sees_everything(user, "certificate.print"):
        orgs = permissions.visible_orgs(user, "certificate.print")
        decisions = decisions.filter(issuer__in=orgs)
    return decisions.filter(pk=pk).first()


def decision_records(*, decision: Decision) -> QuerySet[Record]:
    """All the decision's records, revoked ones included, in the decision's order, with what a
    certificate prints of them."""
    return (
        Record.objects.filter(decision=decision)
        .select_related("person", "org__parent", "unit", "certificate")
        .order_by("pk")
    )


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate under a normalised code, with what the public page shows."""
    return (
        Certificate.objects.select_related(
            "record__decision__issuer",
            "record__person",
            "record__org__parent",
            "record__unit",
            "record__revocation",
        )
        .filter(code=code)
        .first()
    )
