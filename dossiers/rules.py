"""Pure rules of a dossier's path: the allowed transitions, working-day arithmetic, and the checks
a dossier must pass before it is sent. No database access; every check explains itself."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DRAFT = "draft"
SUBMITTED = "submitted"
APPRAISAL = "appraisal"
PUBLIC_COMMENT = "comment"
COUNCIL = "council"
APPROVED = "approved"
RETURNED = "returned"
REJECTED = "rejected"
FORWARDED = "forwarded"
DECIDED = "decided"

PROPOSER = "proposer"
RECEIVER = "receiver"

# Levels from the lowest to the highest (register.models.Level).
LEVELS = ("co_so", "bo_tinh", "chinh_phu", "nha_nuoc")


@dataclass(frozen=True)
class Transition:
    """An allowed move: which side acts (the proposing unit or the receiving level), with which
    permission, and whether a reason is required."""

    source: str
    target: str
    side: str
    action: str
    reason_required: bool = False


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (t.source, t.target): t
    for t in (
        Transition(DRAFT, SUBMITTED, PROPOSER, "dossier.prepare"),
        Transition(RETURNED, SUBMITTED, PROPOSER, "dossier.prepare"),
        Transition(SUBMITTED, APPRAISAL, RECEIVER, "dossier.appraise"),
        Transition(SUBMITTED, RETURNED, RECEIVER, "dossier.appraise", reason_required=True),
        Transition(APPRAISAL, PUBLIC_COMMENT, RECEIVER, "dossier.appraise"),
        Transition(APPRAISAL, COUNCIL, RECEIVER, "dossier.appraise"),
        Transition(APPRAISAL, RETURNED, RECEIVER, "dossier.appraise", reason_required=True),
        Transition(PUBLIC_COMMENT, COUNCIL, RECEIVER, "dossier.appraise"),
        Transition(PUBLIC_COMMENT, RETURNED, RECEIVER, "dossier.appraise", reason_required=True),
        Transition(COUNCIL, APPROVED, RECEIVER, "dossier.council"),
        Transition(COUNCIL, RETURNED, RECEIVER, "dossier.council", reason_required=True),
        Transition(COUNCIL, REJECTED, RECEIVER, "dossier.council", reason_required=True),
        Transition(APPROVED, FORWARDED, RECEIVER, "dossier.appraise"),
        Transition(APPROVED, DECIDED, RECEIVER, "dossier.decide"),
    )
}

EDITABLE = frozenset({DRAFT, RETURNED})
# States in which the receiving level has the dossier and its appraisal clock runs.
APPRAISING = frozenset({SUBMITTED, APPRAISAL})
OPEN = frozenset({DRAFT, SUBMITTED, APPRAISAL, PUBLIC_COMMENT, COUNCIL, APPROVED, RETURNED})


def transition(source: str, target: str) -> Transition | None:
    return TRANSITIONS.get((source, target))


def next_states(source: str) -> list[str]:
    return [t.target for t in TRANSITIONS.values() if t.source == source]


def level_index(level: str) -> int:
    return LEVELS.index(level)


def decides_here(dossier_level: str, award_level: str) -> bool:
    """Whether the level a dossier reached may decide the award itself (else it forwards it)."""
    return level_index(dossier_level) >= level_index(award_level)


# --- working days ---------------------------------------------------------------------------------


def is_working_day(day: dt.date, calendar: Mapping[dt.date, bool]) -> bool:
    """Monday to Friday, except holidays; `calendar` maps a listed day to whether it is worked
    (False for a holiday, True for a weekend day worked to make up for one)."""
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int, calendar: Mapping[dt.date, bool]) -> dt.date:
    """The day on which `days` working days after `start` have passed (start itself not counted);
    with 0 days, `start` or the next working day if it is not one."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day, calendar):
            day += dt.timedelta(days=1)
        return day
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, calendar):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: Mapping[dt.date, bool]) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, calendar):
            count += 1
    return count


def comment_window_open(day: dt.date, opens: dt.date | None, closes: dt.date | None) -> bool:
    return opens is not None and closes is not None and opens <= day <= closes


# --- checks before sending --------------------------------------------------------------------------


@dataclass
class Check:
    """One check of a dossier: passes or not, why, and whether an authorised officer may override."""

    code: str  # recipients | documents | eligibility | quota | initiative | cluster
    ok: bool
    text: str
    recipient_id: int | None = None
    subject: str = ""
    details: list[str] = field(default_factory=list)
    overridable: bool = False
    overridden: bool = False
    override_reason: str = ""

    @property
    def blocking(self) -> bool:
        return not self.ok and not self.overridden

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ok": self.ok,
            "text": self.text,
            "recipient_id": self.recipient_id,
            "subject": self.subject,
            "details": self.details,
            "overridable": self.overridable,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
            "blocking": self.blocking,
        }


# Where each of the catalogue's documents belongs: the dossier as a whole, each recipient, or each
# recipient who relies on an initiative (the certificate of its effect, Law Art. 84).
DOSSIER_DOCUMENTS = frozenset({"TO_TRINH", "BIEN_BAN_BINH_XET"})
RECIPIENT_DOCUMENTS = frozenset({"BAO_CAO_THANH_TICH"})
INITIATIVE_DOCUMENTS = frozenset({"XAC_NHAN_SANG_KIEN"})


@dataclass(frozen=True)
class RecipientDocs:
    id: int
    name: str
    documents: frozenset[str]
    relies_on_initiative: bool


def document_checks(
    required: Sequence[str],
    names: Mapping[str, str],
    dossier_documents: Iterable[str],
    recipients: Sequence[RecipientDocs],
) -> list[Check]:
    """Every document the catalogue requires for the code: one check for the dossier's own
    documents and one per recipient."""
    present = set(dossier_documents)
    out: list[Check] = []
    own = [c for c in required if c not in RECIPIENT_DOCUMENTS | INITIATIVE_DOCUMENTS]
    missing = [names.get(c, c) for c in own if c not in present]
    out.append(
        Check(
            "documents",
            not missing,
            "Đủ giấy tờ chung của hồ sơ"
            if not missing
            else "Thiếu giấy tờ của hồ sơ: " + "; ".join(missing),
            details=missing,
        )
    )
    for r in recipients:
        needs = [c for c in required if c in RECIPIENT_DOCUMENTS]
        if r.relies_on_initiative:
            needs += [c for c in required if c in INITIATIVE_DOCUMENTS]
        lacking = [names.get(c, c) for c in needs if c not in r.documents]
        out.append(
            Check(
                "documents",
                not lacking,
                f"{r.name}: đủ giấy tờ"
                if not lacking
                else f"{r.name}: thiếu " + "; ".join(lacking),
                recipient_id=r.id,
                subject=r.name,
                details=lacking,
            )
        )
    return out


def quota_check(
    *,
    label: str,
    share: Decimal,
    base_label: str,
    base: int,
    existing: int,
    proposed: int,
) -> Check:
    """A receiving level's quota: at most `share` × `base` awards (rounded down), counting those
    already awarded and those proposed here."""
    allowed = math.floor(share * base)
    total = existing + proposed
    ok = total <= allowed
    pct = (share * 100).normalize()
    text = (
        f"{label}: {total} (đã có {existing}, đề nghị {proposed}) trên tối đa {allowed} "
        f"= {pct:f}% của {base} {base_label}"
    )
    details = [] if ok else [f"vượt {total - allowed}"]
    return Check(
        "quota", ok, ("Trong chỉ tiêu — " if ok else "Vượt tỷ lệ — ") + text, details=details
    )


@dataclass(frozen=True)
class InitiativeRef:
    """An initiative a recipient relies on, and where it was used or is relied on already."""

    code: str
    title: str
    used_for: str | None = None  # "CSTD_CS 2024" when the register records a use
    elsewhere: str | None = None  # another open dossier's reference relying on it


def initiative_checks(
    recipients: Sequence[tuple[int, str, Sequence[InitiativeRef]]],
) -> list[Check]:
    """An initiative counts once: not used in the register, not relied on by another recipient or
    another open dossier."""
    out: list[Check] = []
    seen: dict[str, str] = {}
    for rid, name, refs in recipients:
        for ref in refs:
            problem = None
            if ref.used_for:
                problem = f"sáng kiến {ref.code} đã được dùng làm tiêu chuẩn cho {ref.used_for}"
            elif ref.elsewhere:
                problem = f"sáng kiến {ref.code} đang được dùng trong hồ sơ {ref.elsewhere}"
            elif ref.code in seen:
                problem = f"sáng kiến {ref.code} đã được dùng cho {seen[ref.code]} trong hồ sơ này"
            seen.setdefault(ref.code, name)
            out.append(
                Check(
                    "initiative",
                    problem is None,
                    f"{name}: sáng kiến {ref.code} chưa được dùng"
                    if problem is None
                    else f"{name}: {problem}; mỗi sáng kiến chỉ được dùng một lần",
                    recipient_id=rid,
                    subject=name,
                )
            )
    return out


def blocking(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.blocking]
