"""Pure rules of complaints and denunciations: the statuses and the allowed moves, the legal time
limits in working days, who must give their name, references, and the public page's spam window.
No database access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KHIEU_NAI = "khieu_nai"
TO_CAO = "to_cao"
PHAN_ANH = "phan_anh"
KINDS = (KHIEU_NAI, TO_CAO, PHAN_ANH)

RECEIVED = "received"
HANDLING = "handling"
RESOLVED = "resolved"
DISMISSED = "dismissed"

OPEN = frozenset({RECEIVED, HANDLING})
CLOSED = frozenset({RESOLVED, DISMISSED})

# The declared path: assigning starts the handling; a complaint not accepted for handling
# (không thụ lý) is dismissed straight away; only a complaint being handled is resolved.
TRANSITIONS = frozenset(
    {
        (RECEIVED, HANDLING),
        (RECEIVED, DISMISSED),
        (HANDLING, RESOLVED),
        (HANDLING, DISMISSED),
    }
)


def can_move(source: str, target: str) -> bool:
    return (source, target) in TRANSITIONS


@dataclass(frozen=True)
class TimeLimit:
    """Thời hạn giải quyết: working days from receipt, and the one extension the handler may
    grant. `confirmed` is False while the figure is [U] (domain.md): the laws count "ngày" and the
    product counts working days, as its users asked; check against the text in force."""

    days: int
    extension_days: int
    legal_basis: str
    confirmed: bool = False


TIME_LIMITS: dict[str, TimeLimit] = {
    KHIEU_NAI: TimeLimit(
        days=30,
        extension_days=15,
        legal_basis="Luật Khiếu nại 2011, Điều 28 (lần đầu: 30 ngày; vụ việc phức tạp: 45 ngày)",
    ),
    TO_CAO: TimeLimit(
        days=30,
        extension_days=30,
        legal_basis="Luật Tố cáo 2018, Điều 30 (30 ngày; gia hạn một lần không quá 30 ngày)",
    ),
    # Phản ánh has no time limit of its own in these laws: the complaint's applies.
    PHAN_ANH: TimeLimit(
        days=30,
        extension_days=15,
        legal_basis="Không có thời hạn luật định riêng; áp dụng thời hạn giải quyết khiếu nại",
    ),
}

PREFIXES = {KHIEU_NAI: "KN", TO_CAO: "TC", PHAN_ANH: "PA"}


def reference(kind: str, year: int, number: int) -> str:
    """Số tiếp nhận the complainant quotes: KN-2026-000012 (TC for a denunciation, PA feedback)."""
    return f"{PREFIXES[kind]}-{year}-{number:06d}"


def identity_required(kind: str) -> bool:
    """A complaint or a denunciation states who sends it and how to reach them (Luật Khiếu nại
    2011 Điều 8; Luật Tố cáo 2018 Điều 23); feedback may be anonymous."""
    return kind in (KHIEU_NAI, TO_CAO)


def is_overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return status in OPEN and due_on is not None and due_on < today


CONTENT_MIN, CONTENT_MAX = 10, 5000

# The public page: a form filled in less than 3 seconds is a robot's; one older than 2 hours is
# stale. At most 3 complaints an hour from one connection.
FORM_MIN_SECONDS = 3
FORM_MAX_SECONDS = 2 * 3600
PUBLIC_PER_HOUR = 3
