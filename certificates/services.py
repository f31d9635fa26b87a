"""Writes: issuing verification codes and counting prints, each audited in its transaction."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from certificates import rules, selectors
from certificates.models import Certificate
from core import permissions
from core.audit import Entry, audit_log, audit_log_many, user_or_none
from register.models import Decision

# Draws before giving up on finding an unused code: with 2**60 codes a second draw is already
# a once-in-a-lifetime event, so reaching the limit means something else is wrong.
MAX_DRAWS = 8


def _unused_codes(count: int) -> list[str]:
    """`count` fresh random codes, none already issued and no two alike."""
    codes: set[str] = set()
    for _ in range(MAX_DRAWS):
        wanted = count - len(codes)
        if wanted <= 0:
            break
        drawn = {rules.code_from_int(secrets.randbits(rules.BITS)) for _ in range(wanted)}
        taken = set(Certificate.objects.filter(code__in=drawn).values_list("code", flat=True))
        codes |= drawn - taken
    if len(codes) < count:
        raise RuntimeError("could not draw unused verification codes")
    return sorted(codes)


@transaction.atomic
def certificates_issue(*, actor: Any, decision: Decision) -> list[Certificate]:
    """Give a verification code to each record in force of the decision that has none yet (the
    actor acts for the decision's issuer); codes already issued stay as they are. Returns the new
    ones."""
    permissions.require(actor, "certificate.print", decision)
    # Two officers printing the same decision at once must not both issue codes for a record:
    # they queue on the decision's row.
    Decision.objects.select_for_update().filter(pk=decision.pk).first()
    records = list(
        selectors.decision_records(decision=decision).filter(
            revoked=False, certificate__isnull=True
        )
    )
    if not records:
        return []
    now = timezone.now()
    issuer = user_or_none(actor)
    created = Certificate.objects.bulk_create(
        [
            Certificate(record=record, code=code, issued_at=now, issued_by=issuer)
            for record, code in zip(records, _unused_codes(len(records)), strict=True)
        ]
    )
    audit_log_many(
        actor=actor,
        entries=[
            Entry(
                "certificates.certificate.issued",
                obj=certificate,
                object_repr=f"{certificate.display_code} ({decision.number})",
                org_id=(record.person.unit_id if record.person is not None else record.org_id),
                changes={
                    "code": [None, certificate.display_code],
                    "record": [None, record.pk],
                    "decision": [None, decision.pk],
                },
            )
            for record, certificate in zip(records, created, strict=True)
        ],
    )
    return created


@transaction.atomic
def certificates_printed(
    *, actor: Any, decision: Decision, certificates: Sequence[Certificate], fmt: str
) -> int:
    """Count one more print of each certificate handed out in a file (PDF or DOCX) of a decision;
    the audit trail notes who printed how many, and in which format."""
    permissions.require(actor, "certificate.print", decision)
    pks = [c.pk for c in certificates]
    if not pks:
        return 0
    count = Certificate.objects.filter(pk__in=pks).update(
        times_printed=F("times_printed") + 1, last_printed_at=timezone.now()
    )
    audit_log(
        actor=actor,
        action="certificates.certificate.printed",
        obj=decision,
        changes={"format": [None, fmt], "certificates": [None, count]},
    )
    return count
