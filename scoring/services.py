"""Writes to scoring tables: draft, copy last year's, publish, lock, amend, set the date
self-assessments are due. Each audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import ClusterYear, Meeting
from core.audit import audit_log
from core.errors import DomainError
from core.text import normalize_name
from scoring import engine
from scoring.models import Criterion, ScoringTable, SheetStatus, TableStatus

FIELDS = (
    "points_each",
    "target",
    "bonus_max",
    "formula",
    "lower_is_better",
    "allowance",
    "guidance",
    "evidence",
)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def table_data(table: ScoringTable) -> dict[str, Any]:
    """The table as the engine and the API read it: scale, aggregation, tie-breaks, the tree."""
    rows = list(table.criteria.order_by("position", "id"))
    children: dict[int | None, list[Criterion]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def node(row: Criterion) -> dict[str, Any]:
        item: dict[str, Any] = {
            "code": row.code,
            "text": row.text,
            "kind": row.kind,
            "max_points": _number(row.max_points),
            "points_each": _number(row.points_each),
            "target": _number(row.target),
            "bonus_max": _number(row.bonus_max),
            "formula": row.formula,
            "lower_is_better": row.lower_is_better,
            "allowance": _number(row.allowance),
            "guidance": row.guidance,
            "evidence": row.evidence,
        }
        if row.kind == "group":
            item["children"] = [node(child) for child in children.get(row.pk, [])]
        return item

    return {
        "scale": table.scale,
        "aggregation": table.aggregation,
        "tie_breaks": list(table.tie_breaks),
        "criteria": [node(row) for row in children.get(None, [])],
    }


def engine_table(table: ScoringTable) -> engine.Table:
    """The engine's table for a stored version (published ones are valid by construction)."""
    return engine.build(table_data(table), strict=table.status != TableStatus.DRAFT)


def _checked(data: Mapping[str, Any], *, strict: bool) -> engine.Table:
    try:
        return engine.build(data, strict=strict)
    except engine.TableError as exc:
        raise DomainError(
            " ".join(str(problem) for problem in exc.problems), field="criteria"
        ) from None


def _store(table: ScoringTable, criteria: Sequence[engine.Criterion]) -> None:
    position = [0]

    def save(item: engine.Criterion, parent: Criterion | None) -> None:
        position[0] += 1
        row = Criterion.objects.create(
            table=table,
            parent=parent,
            position=position[0],
            code=item.code,
            text=item.text,
            kind=item.kind,
            max_points=item.max_points,
            points_each=item.points_each,
            target=item.target,
            bonus_max=item.bonus_max,
            formula=item.formula,
            lower_is_better=item.lower_is_better,
            allowance=item.allowance,
            guidance=item.guidance,
            evidence=item.evidence,
        )
        for child in item.children:
            save(child, row)

    for item in criteria:
        save(item, None)


def _audit(actor: Any, action: str, table: ScoringTable, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=table,
        org_id=table.cluster_year.cluster.organiser_id,
        changes=changes,
    )


def _current(cluster_year: ClusterYear) -> ScoringTable | None:
    return (
        ScoringTable.objects.filter(cluster_year=cluster_year)
        .exclude(status=TableStatus.SUPERSEDED)
        .first()
    )


@transaction.atomic
def table_create(
    *,
    actor: Any,
    cluster_year: ClusterYear,
    title: str,
    data: Mapping[str, Any],
    copied_from: ScoringTable | None = None,
) -> ScoringTable:
    """Draft the year's scoring table (one current table per cluster year)."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if _current(cluster_year) is not None:
        raise DomainError(_("This year already has its scoring table."))
    title = normalize_name(title)
    if not title:
        raise DomainError(_("The title is required."), field="title")
    spec = _checked(data, strict=False)
    table = ScoringTable.objects.create(
        cluster_year=cluster_year,
        title=title,
        scale=int(spec.scale),
        aggregation=spec.aggregation,
        tie_breaks=spec.tie_breaks,
        copied_from=copied_from,
    )
    _store(table, spec.criteria)
    _audit(
        actor,
        "scoring.table.created",
        table,
        title=[None, title],
        criteria=[None, len(list(spec.walk()))],
        copied_from=[None, copied_from.pk if copied_from else None],
    )
    return table


def table_copy_last_year(*, actor: Any, cluster_year: ClusterYear) -> ScoringTable:
    """A draft for this year from last year's table (its latest version), to be edited."""
    previous = (
        ScoringTable.objects.filter(
            cluster_year__cluster=cluster_year.cluster, cluster_year__year__lt=cluster_year.year
        )
        .exclude(status=TableStatus.SUPERSEDED)
        .order_by("-cluster_year__year")
        .first()
    )
    if previous is None:
        raise DomainError(_("No earlier year of this cluster has a scoring table to copy."))
    title = previous.title.replace(str(previous.cluster_year.year), str(cluster_year.year))
    return table_create(
        actor=actor,
        cluster_year=cluster_year,
        title=title,
        data=table_data(previous),
        copied_from=previous,
    )


@transaction.atomic
def table_update(
    *, actor: Any, table: ScoringTable, title: str, data: Mapping[str, Any]
) -> ScoringTable:
    """Change a draft: its title, scale, aggregation, tie-breaks and criteria."""
    table = ScoringTable.objects.select_for_update().get(pk=table.pk)
    if table.status != TableStatus.DRAFT:
        raise DomainError(
            _("Only a draft changes freely; a published table is amended with a reason.")
        )
    title = normalize_name(title)
    if not title:
        raise DomainError(_("The title is required."), field="title")
    spec = _checked(data, strict=False)
    before = table_data(table)
    table.title, table.scale = title, int(spec.scale)
    table.aggregation, table.tie_breaks = spec.aggregation, spec.tie_breaks
    table.save()
    table.criteria.all().delete()
    _store(table, spec.criteria)
    _audit(
        actor,
        "scoring.table.updated",
        table,
        criteria=[len(_codes(before)), len(list(spec.walk()))],
        scale=[before["scale"], table.scale],
    )
    return table


def _codes(data: Mapping[str, Any]) -> list[str]:
    out: list[str] = []

    def walk(items: Sequence[Mapping[str, Any]]) -> None:
        for item in items:
            out.append(str(item.get("code")))
            walk(item.get("children") or [])

    walk(data.get("criteria") or [])
    return out


@transaction.atomic
def table_publish(*, actor: Any, table: ScoringTable) -> ScoringTable:
    """Publish the draft to the members: it must meet every rule (sums, scale, formulas)."""
    table = ScoringTable.objects.select_for_update().get(pk=table.pk)
    if table.status != TableStatus.DRAFT:
        raise DomainError(_("Only a draft can be published."))
    _checked(table_data(table), strict=True)
    table.status, table.published_at = TableStatus.PUBLISHED, timezone.now()
    table.save(update_fields=["status", "published_at"])
    _audit(actor, "scoring.table.published", table, status=[TableStatus.DRAFT, table.status])
    return table


@transaction.atomic
def table_lock(*, actor: Any, table: ScoringTable) -> ScoringTable:
    """Lock the published table when scoring opens."""
    table = ScoringTable.objects.select_for_update().get(pk=table.pk)
    if table.status != TableStatus.PUBLISHED:
        raise DomainError(_("Only a published table can be locked."))
    table.status, table.locked_at = TableStatus.LOCKED, timezone.now()
    table.save(update_fields=["status", "locked_at"])
    _audit(actor, "scoring.table.locked", table, status=[TableStatus.PUBLISHED, table.status])
    return table


@transaction.atomic
def table_amend(
    *,
    actor: Any,
    table: ScoringTable,
    reason: str,
    meeting: Meeting | None,
    title: str,
    data: Mapping[str, Any],
) -> ScoringTable:
    """Amend a published (or locked) table: a new version with the reason and the meeting that
    approved it; the old version is kept, superseded (seed 000 amended its table mid-year)."""
    table = ScoringTable.objects.select_for_update().get(pk=table.pk)
    if table.status not in (TableStatus.PUBLISHED, TableStatus.LOCKED):
        raise DomainError(_("Only a published or locked table is amended; edit the draft."))
    if table.results_published_at is not None:
        raise DomainError(_("The results are published: the table no longer changes."))
    if table.sheets.exclude(status=SheetStatus.DRAFT).exists():
        raise DomainError(
            _(
                "Members have already submitted their self-assessments under this version: "
                "it no longer changes."
            )
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the amendment."), field="reason")
    if meeting is None or meeting.cluster_year_id != table.cluster_year_id:
        raise DomainError(
            _("Name the meeting of this cluster year that approved the amendment."),
            field="meeting",
        )
    title = normalize_name(title) or table.title
    spec = _checked(data, strict=True)
    old_status = table.status
    table.status = TableStatus.SUPERSEDED
    table.save(update_fields=["status"])
    amended = ScoringTable.objects.create(
        cluster_year=table.cluster_year,
        version=table.version + 1,
        status=old_status,
        title=title,
        scale=int(spec.scale),
        aggregation=spec.aggregation,
        tie_breaks=spec.tie_breaks,
        amends=table,
        amendment_reason=reason,
        amendment_meeting=meeting,
        published_at=timezone.now(),
        locked_at=timezone.now() if old_status == TableStatus.LOCKED else None,
        copied_from=table.copied_from,
        self_due=table.self_due,
    )
    _store(amended, spec.criteria)
    # Scoring already open: the members' draft sheets, the reviewers and the declared conflicts
    # carry over to the new version (values of criteria the amendment removed stay on record).
    carried = table.sheets.update(table=amended)
    table.assignments.update(table=amended)
    table.conflicts.update(table=amended)
    _audit(
        actor,
        "scoring.table.amended",
        amended,
        version=[table.version, amended.version],
        amendment_reason=[None, reason],
        amendment_meeting=[None, meeting.pk],
        sheets=[None, carried],
    )
    return amended


@transaction.atomic
def table_set_due(*, actor: Any, table: ScoringTable, due: dt.date | None) -> ScoringTable:
    """Set (or clear) the date self-assessments are due. A sheet sent after it is marked late."""
    table = ScoringTable.objects.select_for_update().select_related("cluster_year").get(pk=table.pk)
    if table.status == TableStatus.SUPERSEDED:
        raise DomainError(_("This version is superseded; set the date on the current one."))
    if table.results_published_at is not None:
        raise DomainError(_("The results are published: the table no longer changes."))
    year = table.cluster_year.year
    if due is not None and not (year <= due.year <= year + 1):
        raise DomainError(
            _("The due date falls in %(y)s or early the next year.") % {"y": year}, field="due"
        )
    if due == table.self_due:
        return table
    old, table.self_due = table.self_due, due
    table.save(update_fields=["self_due"])
    _audit(
        actor,
        "scoring.table.due_set",
        table,
        self_due=[old.isoformat() if old else None, due.isoformat() if due else None],
    )
    return table
