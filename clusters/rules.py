"""Pure rules of the cluster year: who is proposed as next head and deputy. No database access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def next_in_rotation(order: Sequence[int], current: int | None) -> int | None:
    """The member after `current` in the rotation order (wrapping), or the first one."""
    if not order:
        return None
    if current is None or current not in order:
        return order[0]
    return order[(order.index(current) + 1) % len(order)]


def propose_head_and_deputy(
    order: Sequence[int], last_head: int | None, last_deputy: int | None
) -> tuple[int | None, int | None]:
    """Next year's proposal: last year's deputy becomes head when still a member (the usual
    custom), else the member after last year's head; the deputy is the member after the new head."""
    if not order:
        return None, None
    head: int | None
    if last_deputy is not None and last_deputy in order and last_deputy != last_head:
        head = last_deputy
    else:
        head = next_in_rotation(order, last_head)
    deputy = next_in_rotation(order, head)
    return head, (deputy if deputy != head else None)


# The covenant's workflow: (state, action) → next state. Anything not listed is refused.
COVENANT_TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "edit"): "draft",
    ("draft", "send"): "sent",
    ("sent", "sign"): "signed",
    ("signed", "lock"): "locked",
}

# A member's registration: prepared (draft), registered, then accepted or returned with a reason;
# a returned registration is corrected and registered again. Only the member edits and registers;
# only the secretariat accepts and returns.
REGISTRATION_TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "edit"): "draft",
    ("draft", "register"): "registered",
    ("returned", "edit"): "returned",
    ("returned", "register"): "registered",
    ("registered", "accept"): "accepted",
    ("registered", "return"): "returned",
}


def next_state(table: dict[tuple[str, str], str], state: str, action: str) -> str | None:
    """The state after `action`, or None when the table does not allow it."""
    return table.get((state, action))


def allowed_actions(table: dict[tuple[str, str], str], state: str) -> list[str]:
    return [action for (s, action) in table if s == state]


def percent_of_plan(actual: Decimal | None, target: Decimal) -> Decimal | None:
    """Actual as a percentage of the target, to one decimal (seed 004: 4,006 of 3,889 → 103.0)."""
    if actual is None or target <= 0:
        return None
    return (actual * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class ReportStatus:
    """Where a member stands for a period on a given day."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"


def report_status(due: dt.date, submitted_on: dt.date | None, today: dt.date) -> str:
    """On time when in by the due date (the due day counts); late when in after it; missing when
    the due date has passed with nothing in; pending while it has not."""
    if submitted_on is not None:
        return ReportStatus.ON_TIME if submitted_on <= due else ReportStatus.LATE
    return ReportStatus.MISSING if today > due else ReportStatus.PENDING


def reminders_due(
    due: dt.date,
    today: dt.date,
    submitted: bool,
    *,
    days_before: int = 3,
    escalate_after: int = 3,
) -> list[str]:
    """Which reminders a member without a report gets on `today`: a reminder within `days_before`
    days before the due date, an overdue notice from the day after it, and an escalation to the
    head unit once `escalate_after` days have passed. The caller sends each one at most once per
    due date (an extension gives a new due date, so new reminders)."""
    if submitted:
        return []
    kinds = []
    if due - dt.timedelta(days=days_before) <= today <= due:
        kinds.append("before")
    if today > due:
        kinds.append("overdue")
    if today >= due + dt.timedelta(days=escalate_after):
        kinds.append("escalation")
    return kinds
