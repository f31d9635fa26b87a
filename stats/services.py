"""Writes of the statistics: the summary of the register (stats.RecordTally) and its state.

`tally_refresh` rebuilds the whole summary (`manage.py stats_refresh`, nightly); `tally_catch_up`
redoes only the units whose records changed since the last run (new records, revocations, people
whose category, gender, ethnicity or unit changed), and is queued after register writes
(stats.tasks.catch_up, `tally_catch_up_later`). Both take the marks of the register first, so a
write that lands meanwhile is caught by the next run; redoing a unit is idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from core.models import AuditEvent
from register.models import Record, Revocation
from stats.models import RecordTally, TallyState
from stats.selectors import TALLY_PERSON_ACTIONS, tally_rows

BATCH = 500
# A catch-up touching more units than this rebuilds everything instead: one grouped pass over the
# register is faster than thousands of units redone one batch at a time (a national import).
FULL_ABOVE = 2000
COLUMNS = (
    ("unit_id", "t_unit"),
    ("year", "t_year"),
    ("code", "t_code"),
    ("decision_category", "t_category"),
    ("subject", "t_subject"),
    ("person_category", "t_person_category"),
    ("gender", "t_gender"),
    ("ethnic_group", "t_ethnic"),
    ("revoked", "t_revoked"),
    ("n", "t_n"),
)


@dataclass(frozen=True)
class Marks:
    """How far the register goes: its last record, revocation and audit event."""

    record: int
    revocation: int
    audit: int


def _marks() -> Marks:
    return Marks(
        record=Record.objects.aggregate(m=Max("pk"))["m"] or 0,
        revocation=Revocation.objects.aggregate(m=Max("pk"))["m"] or 0,
        audit=AuditEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
    )


def _state() -> TallyState:
    TallyState.objects.get_or_create(pk=1)
    return TallyState.objects.select_for_update().get(pk=1)


def _insert(records: QuerySet[Record]) -> int:
    """INSERT … SELECT the grouped records into the summary, in the database (no rows in Python)."""
    sql, params = tally_rows(records, by_unit=True).query.sql_with_params()
    table = connection.ops.quote_name(RecordTally._meta.db_table)
    target = ", ".join(connection.ops.quote_name(c) for c, _a in COLUMNS)
    source = ", ".join(connection.ops.quote_name(a) for _c, a in COLUMNS)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({target}) SELECT {source} FROM ({sql}) AS grouped",  # noqa: S608
            params,
        )
        return int(cur.rowcount or 0)


def _records_of_units(unit_ids: list[int]) -> QuerySet[Record]:
    """Records whose recipient's unit at the time is one of `unit_ids` (as tally_rows says)."""
    return Record.objects.filter(
        Q(unit_id__in=unit_ids)
        | Q(unit__isnull=True, org_id__in=unit_ids)
        | Q(unit__isnull=True, org__isnull=True, person__unit_id__in=unit_ids)
    )


def _units_of(records: QuerySet[Record]) -> set[int]:
    """The recipients' units (at the time) of some records."""
    out: set[int] = set()
    for unit, org, person_unit in records.values_list("unit_id", "org_id", "person__unit_id"):
        pk = unit or org or person_unit
        if pk:
            out.add(pk)
    return out


def _redo_units(unit_ids: Iterable[int]) -> int:
    """Recount the units' records; returns the change in the summary's number of rows."""
    ids = sorted(set(unit_ids))
    delta = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        deleted, _by_model = RecordTally.objects.filter(unit_id__in=chunk).delete()
        delta += _insert(_records_of_units(chunk)) - deleted
    return delta


@transaction.atomic
def tally_refresh(*, actor: Any = None) -> TallyState:
    """Rebuild the whole summary from the register (readers see the old one until it commits).

    Not audited, like tally_catch_up: the summary is derived data that changes nothing in the
    register, and the state row says when it was built."""
    started = time.perf_counter()
    state = _state()
    marks = _marks()
    RecordTally.objects.all().delete()
    _insert(Record.objects.all())
    state.max_record_id = marks.record
    state.max_revocation_id = marks.revocation
    state.audit_id = marks.audit
    state.refreshed_at = timezone.now()
    state.rows = RecordTally.objects.count()
    state.seconds = round(time.perf_counter() - started, 2)
    state.save()
    return state


@transaction.atomic
def tally_catch_up(*, actor: Any = None) -> TallyState:
    """Bring the summary level with the register: redo the units touched since the last run (a
    full rebuild when there was none)."""
    state = _state()
    if state.refreshed_at is None:
        return tally_refresh(actor=actor)
    started = time.perf_counter()
    marks = _marks()
    units: set[int] = set()
    if marks.record > state.max_record_id:
        units |= _units_of(Record.objects.filter(pk__gt=state.max_record_id, pk__lte=marks.record))
    if marks.revocation > state.max_revocation_id:
        units |= _units_of(
            Record.objects.filter(
                revocation__pk__gt=state.max_revocation_id,
                revocation__pk__lte=marks.revocation,
            )
        )
    if marks.audit > state.audit_id:
        people = {
            int(pk)
            for pk in AuditEvent.objects.filter(
                pk__gt=state.audit_id, pk__lte=marks.audit, action__in=TALLY_PERSON_ACTIONS
            ).values_list("object_id", flat=True)
            if str(pk).isdigit()
        }
        if people:
            units |= _units_of(Record.objects.filter(person_id__in=sorted(people)))
    if len(units) > FULL_ABOVE:
        return tally_refresh(actor=actor)
    if units:
        state.rows = max(0, state.rows + _redo_units(units))
    state.max_record_id = marks.record
    state.max_revocation_id = marks.revocation
    state.audit_id = marks.audit
    state.refreshed_at = timezone.now()
    state.seconds = round(time.perf_counter() - started, 2)
    state.save()
    return state


def _enqueue_catch_up() -> None:
    from stats.tasks import catch_up

    catch_up.enqueue()


def tally_catch_up_later() -> None:
    """Queue a catch-up for the task worker once the current transaction commits (call it after
    a register write: a decision's records, a revocation, an import, a person's change). One
    per transaction, however many writes it holds (the demo's 300 records queue one)."""
    pending = getattr(connection, "run_on_commit", [])
    if connection.in_atomic_block and any(item[1] is _enqueue_catch_up for item in pending):
        return
    transaction.on_commit(_enqueue_catch_up)
