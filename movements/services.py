"""Writes to emulation movements and their reviews; each one audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from core.audit import audit_log, diff, snapshot
from core.errors import DomainError
from core.search import fenced_key
from core.text import fold, normalize_name
from core.uploads import DOCUMENTS, check_document
from movements.models import Movement, MovementKind, MovementReview, MovementScope, ReviewKind
from orgs.models import Org

# The fields movement_update may change, and the ones its audit event compares.
AUDITED_FIELDS = (
    "launched_by",
    "name",
    "decision_number",
    "decision_date",
    "slogan",
    "scope",
    "theme",
    "kind",
    "start",
    "end",
    "target_groups",
    "note",
)
# The first emulation call (lời kêu gọi thi đua ái quốc) dates from 1948; earlier is a typo.
FIRST_YEAR, LAST_YEAR = 1948, 2100


def _existed_during(item: Org | Cluster, start: dt.date, end: dt.date | None) -> bool:
    """Whether a unit or cluster existed at some time between start and end (open-ended if None)."""
    began_in_time = item.valid_from is None or end is None or item.valid_from <= end
    ended_after = item.valid_to is None or item.valid_to >= start
    return began_in_time and ended_after


def _check_movement(movement: Movement) -> None:
    """The rules every movement keeps, whether new or changed."""
    if not movement.name:
        raise DomainError(_("The name is required."), field="name")
    if movement.kind not in MovementKind.values:
        raise DomainError(_("Unknown kind of movement."), field="kind")
    if movement.scope not in MovementScope.values:
        raise DomainError(_("Unknown scope of movement."), field="scope")
    if not FIRST_YEAR <= movement.start.year <= LAST_YEAR:
        raise DomainError(
            _("The start must fall between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="start",
        )
    if movement.end is not None and movement.end < movement.start:
        raise DomainError(_("The end must not precede the start."), field="end")
    if movement.end is not None and movement.end.year > LAST_YEAR:
        raise DomainError(_("The end must fall before %(b)s.") % {"b": LAST_YEAR + 1}, field="end")
    unit = movement.launched_by
    if not _existed_during(unit, movement.start, movement.start):
        raise DomainError(
            _("%(unit)s did not exist on the start date.") % {"unit": unit.name},
            field="launched_by",
        )
    same_day = Movement.objects.filter(launched_by=unit, start=movement.start).exclude(
        pk=movement.pk
    )
    if any(fold(other) == fold(movement.name) for other in same_day.values_list("name", flat=True)):
        raise DomainError(
            _("This unit already launched a movement with this name on this start date."),
            field="name",
        )


def _search_key(movement: Movement) -> str:
    return fenced_key(movement.name, movement.decision_number)


@transaction.atomic
def movement_create(
    *,
    actor: Any,
    launched_by: Org,
    name: str,
    kind: str,
    scope: str,
    start: dt.date,
    end: dt.date | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    slogan: str = "",
    theme: str = "",
    target_groups: str = "",
    note: str = "",
) -> Movement:
    """Record a movement launched by a unit (phát động phong trào thi đua)."""
    movement = Movement(
        launched_by=launched_by,
        name=normalize_name(name),
        kind=kind,
        scope=scope,
        start=start,
        end=end,
        decision_number=normalize_name(decision_number),
        decision_date=decision_date,
        slogan=normalize_name(slogan),
        theme=normalize_name(theme),
        target_groups=target_groups.strip(),
        note=note.strip(),
    )
    _check_movement(movement)
    movement.search_key = _search_key(movement)
    movement.save()
    audit_log(
        actor=actor,
        action="movements.movement.created",
        obj=movement,
        org_id=launched_by.pk,
        changes={f: [None, v] for f, v in snapshot(movement, AUDITED_FIELDS).items()},
    )
    return movement


@transaction.atomic
def movement_update(*, actor: Any, movement: Movement, **fields: Any) -> Movement:
    """Correct a movement's details; the audit event keeps each changed field's old and new value."""
    unknown = set(fields) - set(AUDITED_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    movement = (
        Movement.objects.select_for_update().select_related("launched_by").get(pk=movement.pk)
    )
    before = snapshot(movement, AUDITED_FIELDS)
    for key in ("name", "decision_number", "slogan", "theme"):
        if key in fields:
            fields[key] = normalize_name(fields[key])
    for key in ("target_groups", "note"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    for key, value in fields.items():
        setattr(movement, key, value)
    _check_movement(movement)
    if movement.reviews.filter(date__lt=movement.start).exists():
        raise DomainError(
            _("A review of this movement took place before this start date."), field="start"
        )
    ended = _not_in_period(movement, movement.participants.all(), movement.clusters.all())
    if ended:
        raise DomainError(
            _("These participants did not exist during the movement: %(names)s.")
            % {"names": ", ".join(ended)},
            field="start",
        )
    movement.search_key = _search_key(movement)
    movement.save()
    changes = diff(before, snapshot(movement, AUDITED_FIELDS))
    if changes:
        audit_log(
            actor=actor,
            action="movements.movement.updated",
            obj=movement,
            org_id=movement.launched_by_id,
            changes=changes,
        )
    return movement


def _not_in_period(
    movement: Movement, units: Sequence[Org] | Any, clusters: Sequence[Cluster] | Any
) -> list[str]:
    """Names of the units and clusters that did not exist at any time during the movement."""
    return [
        item.name
        for item in [*clusters, *units]
        if not _existed_during(item, movement.start, movement.end)
    ]


@transaction.atomic
def movement_set_participants(
    *,
    actor: Any,
    movement: Movement,
    clusters: Sequence[Cluster],
    units: Sequence[Org],
) -> Movement:
    """Set the clusters/blocks and the units taking part; each must have existed during it."""
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if len({c.pk for c in clusters}) != len(clusters):
        raise DomainError(_("A cluster appears twice."), field="clusters")
    if len({u.pk for u in units}) != len(units):
        raise DomainError(_("A unit appears twice among the participants."), field="units")
    ended_clusters = _not_in_period(movement, [], clusters)
    if ended_clusters:
        raise DomainError(
            _("These clusters did not exist during the movement: %(names)s.")
            % {"names": ", ".join(ended_clusters)},
            field="clusters",
        )
    ended_units = _not_in_period(movement, units, [])
    if ended_units:
        raise DomainError(
            _("These units did not exist during the movement: %(names)s.")
            % {"names": ", ".join(ended_units)},
            field="units",
        )
    before_clusters = sorted(movement.clusters.values_list("code", flat=True))
    before_units = sorted(movement.participants.values_list("pk", flat=True))
    after_clusters = sorted(c.code for c in clusters)
    after_units = sorted(u.pk for u in units)
    changes: dict[str, list[Any]] = {}
    if before_clusters != after_clusters:
        movement.clusters.set(clusters)
        changes["clusters"] = [before_clusters, after_clusters]
    if before_units != after_units:
        movement.participants.set(units)
        changes["participants"] = [before_units, after_units]
    if changes:
        audit_log(
            actor=actor,
            action="movements.movement.updated",
            obj=movement,
            org_id=movement.launched_by_id,
            changes=changes,
        )
    return movement


def _check_review(movement: Movement, kind: str, date: dt.date) -> None:
    if kind not in ReviewKind.values:
        raise DomainError(_("Unknown kind of review."), field="kind")
    if date < movement.start:
        raise DomainError(
            _("A review cannot take place before the movement starts (%(d)s).")
            % {"d": movement.start.strftime("%d/%m/%Y")},
            field="date",
        )
    if date > timezone.localdate():
        raise DomainError(_("A review is recorded once it has taken place."), field="date")
    final = movement.reviews.filter(kind=ReviewKind.TONG_KET).first()
    if kind == ReviewKind.TONG_KET:
        if final is not None:
            raise DomainError(
                _("The final review of this movement is already recorded."), field="kind"
            )
        if movement.reviews.filter(date__gt=date).exists():
            raise DomainError(_("The final review cannot precede an interim review."), field="date")
    elif final is not None and date > final.date:
        raise DomainError(
            _("An interim review cannot follow the final review (%(d)s).")
            % {"d": final.date.strftime("%d/%m/%Y")},
            field="date",
        )


@transaction.atomic
def review_add(
    *,
    actor: Any,
    movement: Movement,
    kind: str,
    date: dt.date,
    title: str,
    summary: str = "",
    outcomes: str = "",
    collectives_commended: int | None = None,
    individuals_commended: int | None = None,
    document: Any = None,
) -> MovementReview:
    """Record an interim (sơ kết) or the final (tổng kết) review, with its document if any."""
    document_name = (
        check_document(document, allowed=DOCUMENTS, field="document") if document else ""
    )
    # The lock makes two final reviews sent at once wait for each other.
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    title = normalize_name(title)
    if not title:
        raise DomainError(_("The title is required."), field="title")
    _check_review(movement, kind, date)
    for field, count in (
        ("collectives_commended", collectives_commended),
        ("individuals_commended", individuals_commended),
    ):
        if count is not None and count < 0:
            raise DomainError(
                _("A number of people or collectives cannot be negative."), field=field
            )
    review = MovementReview(
        movement=movement,
        kind=kind,
        date=date,
        title=title,
        summary=summary.strip(),
        outcomes=outcomes.strip(),
        collectives_commended=collectives_commended,
        individuals_commended=individuals_commended,
    )
    if document:
        review.document.save(document_name, document, save=False)
        review.document_name = document_name[:255]
    review.save()
    audit_log(
        actor=actor,
        action="movements.review.recorded",
        obj=review,
        org_id=movement.launched_by_id,
        changes={
            "kind": [None, kind],
            "date": [None, date],
            "title": [None, title],
            "collectives_commended": [None, collectives_commended],
            "individuals_commended": [None, individuals_commended],
            "document_name": [None, review.document_name or None],
        },
    )
    return review
