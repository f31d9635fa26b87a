"""Pure rules of the cluster year: who is proposed as next head and deputy. No database access."""

from __future__ import annotations

from collections.abc import Sequence


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
