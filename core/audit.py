"""The audit trail: services call `audit_log` inside their transaction; `audit_verify` checks the chain.

Each event stores the hash of the previous one (and its id), so an edited event no longer matches its
hash and a deleted one leaves a link pointing at nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """A value as it is kept in an event's before/after: JSON primitives only, stable across databases."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an object, as plain values (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = jsonable(getattr(obj, attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value changed."""
    keys = sorted(set(before) | set(after))
    return {
        k: [jsonable(before.get(k)), jsonable(after.get(k))]
        for k in keys
        if jsonable(before.get(k)) != jsonable(after.get(k))
    }


def user_or_none(actor: Any) -> Any:
    """The signed-in user behind an action, or None for the system (a demo loader, a task)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def as_pairs(changes: Mapping[str, Any]) -> dict[str, Any]:
    """An event's changes as [before, after]: a value given as a list is already a pair; any other
    value is something new, [None, value]."""
    return {k: v if isinstance(v, list) else [None, v] for k, v in changes.items()}


def _payload(event: AuditEvent) -> str:
    return json.dumps(
        {
            "at": event.at.astimezone(dt.UTC).isoformat(),
            "actor": event.actor_id,
            "actor_name": event.actor_name,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "org": event.org_id_hint,
            "changes": event.changes,
            "prev_hash": event.prev_hash,
            "prev_id": event.prev_id,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_payload(event).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One event to append: what `audit_log` takes, for `audit_log_many`."""

    action: str
    obj: Model | None = None
    object_type: str = ""
    object_id: str | int = ""
    object_repr: str = ""
    org_id: int | None = None
    changes: Mapping[str, Any] | None = None


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    org_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the trail, in the caller's transaction (services only)."""
    entry = Entry(action, obj, object_type, object_id, object_repr, org_id, changes)
    return audit_log_many(actor=actor, entries=[entry])[0]


def audit_log_many(*, actor: Any, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events in order, locking the chain's head once (bulk writes, imports)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_log must run inside the service's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=1)
    user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    events = []
    for entry in entries:
        obj = entry.obj
        event = AuditEvent(
            at=now,
            actor=user,
            actor_name=(user.get_username() if user else "system"),
            action=entry.action,
            object_type=entry.object_type or (obj._meta.label_lower if obj is not None else ""),
            object_id=str(entry.object_id or (obj.pk if obj is not None else "")),
            object_repr=(entry.object_repr or (str(obj) if obj is not None else ""))[:300],
            org_id_hint=entry.org_id,
            changes=jsonable_changes(entry.changes or {}),
            prev_hash=head.last_hash,
            prev_id=head.last_id,
        )
        event.hash = compute_hash(event)
        event.save()
        head.last_hash, head.last_id = event.hash, event.pk
        head.count += 1
        events.append(event)
    if events:
        head.save()
    return events


def jsonable_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    # A JSON round trip makes the in-memory value equal to what any database gives back.
    return json.loads(json.dumps({k: jsonable(v) for k, v in changes.items()}, ensure_ascii=False))


@dataclass(frozen=True)
class Problem:
    event_id: int
    kind: str  # "edited" | "deleted"
    message: str


def audit_verify() -> tuple[int, list[Problem]]:
    """Walk the chain; return how many events were checked and each edited or deleted one."""
    problems: list[Problem] = []
    checked = 0
    prev_hash, prev_id = GENESIS, 0
    # Read the head first and walk only what it covers: events appended meanwhile are not
    # mistaken for a broken chain, and no lock is held during the walk.
    head = AuditChainHead.objects.filter(singleton=1).first()
    last_id = head.last_id if head is not None else 0
    events = AuditEvent.objects.filter(id__lte=last_id).order_by("id")
    for event in events.iterator(chunk_size=2000):
        checked += 1
        if event.prev_id != prev_id:
            problems.append(
                Problem(event.prev_id, "deleted", f"event #{event.prev_id} was deleted")
            )
        elif event.prev_hash != prev_hash:
            problems.append(
                Problem(prev_id, "edited", f"event #{prev_id} was edited (chain broken)")
            )
        if compute_hash(event) != event.hash:
            problems.append(
                Problem(event.pk, "edited", f"event #{event.pk} ({event.action}) was edited")
            )
        prev_hash, prev_id = event.hash, event.pk
    if head is not None and head.last_id != prev_id:
        problems.append(Problem(head.last_id, "deleted", f"event #{head.last_id} was deleted"))
    elif head is not None and head.last_hash != prev_hash:
        problems.append(Problem(prev_id, "edited", f"event #{prev_id} was edited (chain broken)"))
    # One event can be reported both by its own hash and by its successor's link; keep it once.
    unique = {(p.event_id, p.kind): p for p in problems}
    return checked, list(unique.values())
