"""Reads: the records a user may print certificates for, and a certificate by its code."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from certificates.models import Certificate
from core import permissions
from register import selectors as register_selectors
from register.models import Decision, Record


def decision_get(*, user: Any, pk: int) -> Decision | None:
    """A decision the user may see (its issuer's people, or those who see one of its recipients)."""
    return register_selectors.visible_decisions(user).filter(pk=pk).first()


def records_in_reach(*, user: Any, decision: Decision) -> QuerySet[Record]:
    """The decision's records whose recipient is within the user's reach for printing
    (a person's current unit, or the collective), revoked ones included, in the decision's order."""
    qs = Record.objects.filter(decision=decision)
    if not permissions.sees_everything(user, "certificate.print"):
        orgs = permissions.visible_orgs(user, "certificate.print")
        qs = qs.filter(Q(person__unit__in=orgs) | Q(org__in=orgs))
    return qs.select_related("person__unit", "org__parent", "unit", "certificate").order_by("pk")


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate under a normalised code, with what the public page shows."""
    return (
        Certificate.objects.select_related(
            "record__decision__issuer",
            "record__person__unit",
            "record__org__parent",
            "record__unit",
            "record__revocation",
        )
        .filter(code=code)
        .first()
    )
