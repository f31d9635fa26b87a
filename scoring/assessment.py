"""Scoring sheets through their stages: self-assessment with evidence, cross-check by assigned
reviewers, explanation of disputed criteria, final review; and the results from the settled values.

Every value is a new Mark: nothing entered is ever overwritten. A sheet's `version` grows with each
saved value; a save names the version it was made from, and a save made from an older version is
refused with the value saved meanwhile (two people on one sheet never lose an edit silently).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import ClusterMember
from core.audit import audit_log
from core.errors import DomainError
from core.uploads import SIGNATURES, check_document
from orgs.models import Org
from scoring import engine
from scoring.models import (
    Assignment,
    Conflict,
    Evidence,
    Mark,
    ScoringTable,
    Sheet,
    SheetStatus,
    Stage,
    TableStatus,
)
from scoring.services import engine_table

EVIDENCE_TYPES = (".pdf", ".docx", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png")
EVIDENCE_MAX_BYTES = 20 * 2**20


class StaleSave(DomainError):
    """The sheet changed since the page was opened; `current` is the value saved meanwhile."""

    def __init__(self, message: str, *, current: Mark | None, version: int) -> None:
        super().__init__(message, field="version")
        self.current = current
        self.version = version


def _audit(actor: Any, action: str, obj: Any, table: ScoringTable, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        org_id=table.cluster_year.cluster.organiser_id,
        changes=changes,
    )


def _leaf(table: ScoringTable, code: str) -> engine.Criterion:
    for criterion in engine_table(table).leaves():
        if criterion.code == code:
            return criterion
    raise DomainError(_("No such criterion to score in the table."), field="code")


def _is_member(table: ScoringTable, org: Org) -> bool:
    return ClusterMember.objects.filter(cluster_year=table.cluster_year_id, org=org).exists()


def sheet_for(*, table: ScoringTable, org: Org) -> Sheet:
    """A member's sheet, made when first needed once scoring is open (the table locked)."""
    table = ScoringTable.objects.select_related("cluster_year").get(pk=table.pk)
    if table.status != TableStatus.LOCKED:
        raise DomainError(_("Scoring opens when the secretariat locks the table."))
    if not _is_member(table, org):
        raise DomainError(_("This unit is not a member of the cluster this year."))
    sheet, _created = Sheet.objects.get_or_create(table=table, org=org)
    return sheet


def latest(sheet: Sheet, stage: str, code: str, reviewer: Org | None = None) -> Mark | None:
    marks = Mark.objects.filter(sheet=sheet, stage=stage, code=code)
    if stage == Stage.REVIEW:
        marks = marks.filter(reviewer=reviewer)
    return marks.order_by("-created_at", "-id").first()


def _bump(sheet: Sheet, expected_version: int | None, code: str, stage: str) -> None:
    """Claim the next version of the sheet, or refuse a save made from an older page."""
    if expected_version is None:
        Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
        return
    updated = Sheet.objects.filter(pk=sheet.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        current = Sheet.objects.get(pk=sheet.pk)
        mark = (
            Mark.objects.filter(sheet=sheet, code=code, stage=stage)
            .select_related("author")
            .order_by("-created_at", "-id")
            .first()
        )
        who = (mark.author.get_full_name() or mark.author.username) if mark and mark.author else ""
        raise StaleSave(
            _(
                "Someone saved this sheet since you opened it%(who)s. Their value is shown; "
                "check it and save again if yours should replace it."
            )
            % {"who": f" ({who})" if who else ""},
            current=mark,
            version=current.version,
        )


def _entry(criterion: engine.Criterion, value: Any, target: Any) -> engine.Entry:
    try:
        return engine.read_entry(criterion, {"value": value, "target": target})
    except ValueError as exc:
        raise DomainError(f"{criterion.code}: {exc}", field="value") from None


def _mark(
    *,
    actor: Any,
    sheet: Sheet,
    code: str,
    stage: str,
    entry: engine.Entry,
    note: str,
    reviewer: Org | None = None,
) -> Mark:
    return Mark.objects.create(
        sheet=sheet,
        code=code,
        stage=stage,
        reviewer=reviewer,
        value=entry.value,
        target=entry.target,
        note=note.strip(),
        author=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def self_save(
    *,
    actor: Any,
    sheet: Sheet,
    code: str,
    value: Any,
    target: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Mark:
    """The member's own value for one criterion, with its explanation."""
    sheet = Sheet.objects.select_related("table__cluster_year__cluster").get(pk=sheet.pk)
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(_("The self-assessment is submitted; it no longer changes."))
    criterion = _leaf(sheet.table, code)
    entry = _entry(criterion, value, target)
    _bump(sheet, expected_version, code, Stage.SELF)
    return _mark(actor=actor, sheet=sheet, code=code, stage=Stage.SELF, entry=entry, note=note)


@transaction.atomic
def evidence_add(*, actor: Any, sheet: Sheet, code: str, upload: Any) -> Evidence:
    """Attach a supporting file (PDF, office documents, images; checked, at most 20 MB)."""
    sheet = Sheet.objects.select_related("table__cluster_year__cluster").get(pk=sheet.pk)
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.EXPLAINING):
        raise DomainError(_("Evidence is added while filling the sheet or explaining."))
    _leaf(sheet.table, code)
    name = check_document(
        upload, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, signatures=SIGNATURES
    )
    evidence = Evidence(
        sheet=sheet,
        code=code,
        file_name=name,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.file.save(name, upload, save=False)
    evidence.save()
    _audit(
        actor,
        "scoring.evidence.added",
        sheet,
        sheet.table,
        code=[None, code],
        file_name=[None, name],
    )
    return evidence


def self_values(sheet: Sheet) -> dict[str, Mark]:
    """The latest self-assessed mark of each criterion."""
    out: dict[str, Mark] = {}
    for mark in Mark.objects.filter(sheet=sheet, stage=Stage.SELF).order_by("created_at", "id"):
        out[mark.code] = mark
    return out


@transaction.atomic
def sheet_submit(*, actor: Any, sheet: Sheet) -> Sheet:
    """Send the self-assessment: every criterion must have a value."""
    sheet = (
        Sheet.objects.select_for_update()
        .select_related("table__cluster_year__cluster")
        .get(pk=sheet.pk)
    )
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(_("The self-assessment is already submitted."))
    values = self_values(sheet)
    missing = [
        c.code
        for c in engine_table(sheet.table).leaves()
        if c.code not in values or values[c.code].value is None
    ]
    if missing:
        raise DomainError(
            _("Give a value for every criterion first. Missing: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at"])
    due = sheet.table.self_due
    late = bool(due and timezone.localdate() > due)
    _audit(
        actor,
        "scoring.sheet.submitted",
        sheet,
        sheet.table,
        status=[SheetStatus.DRAFT, sheet.status],
        late=[None, late],
    )
    return sheet


# --- cross-check ------------------------------------------------------------------------------


def _cross_check_open(table: ScoringTable) -> None:
    table = ScoringTable.objects.get(pk=table.pk)
    if table.status != TableStatus.LOCKED:
        raise DomainError(_("Reviewers are assigned once the table is locked and scoring is open."))
    if table.results_published_at is not None:
        raise DomainError(_("The results are published: the cross-check is over."))


@transaction.atomic
def conflict_declare(
    *, actor: Any, table: ScoringTable, reviewer: Org, reviewee: Org, reason: str
) -> Conflict:
    """Declare that `reviewer` must not review `reviewee`; an existing assignment is withdrawn."""
    _cross_check_open(table)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the conflict."), field="reason")
    try:
        with transaction.atomic():
            conflict = Conflict.objects.create(
                table=table, reviewer=reviewer, reviewee=reviewee, reason=reason
            )
    except IntegrityError:
        raise DomainError(_("This conflict is already declared.")) from None
    withdrawn = Assignment.objects.filter(
        table=table, reviewer=reviewer, reviewee=reviewee
    ).delete()[0]
    _audit(
        actor,
        "scoring.conflict.declared",
        table,
        table,
        reviewer=[None, reviewer.pk],
        org=[None, reviewee.pk],
        reason=[None, reason],
        withdrawn=[None, bool(withdrawn)],
    )
    return conflict


@transaction.atomic
def assignment_add(*, actor: Any, table: ScoringTable, reviewer: Org, reviewee: Org) -> Assignment:
    """Assign a reviewing unit to a member: never the member itself, never across a conflict."""
    _cross_check_open(table)
    if reviewer.pk == reviewee.pk:
        raise DomainError(_("A unit never reviews its own sheet."), field="reviewer")
    if not _is_member(table, reviewee):
        raise DomainError(
            _("This unit is not a member of the cluster this year."), field="reviewee"
        )
    conflict = Conflict.objects.filter(table=table, reviewer=reviewer, reviewee=reviewee).first()
    if conflict is not None:
        raise DomainError(
            _("%(r)s declared a conflict with %(m)s: %(why)s")
            % {"r": reviewer.name, "m": reviewee.name, "why": conflict.reason},
            field="reviewer",
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                table=table, reviewer=reviewer, reviewee=reviewee
            )
    except IntegrityError:
        raise DomainError(_("This reviewer is already assigned to this member.")) from None
    _audit(
        actor,
        "scoring.assignment.added",
        table,
        table,
        reviewer=[None, reviewer.pk],
        org=[None, reviewee.pk],
    )
    return assignment


@transaction.atomic
def review_save(
    *,
    actor: Any,
    sheet: Sheet,
    reviewer: Org,
    code: str,
    value: Any,
    target: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Mark:
    """An assigned reviewer's value for one criterion; a reason is required when it differs
    from the member's own value."""
    sheet = Sheet.objects.select_related("table__cluster_year__cluster").get(pk=sheet.pk)
    if sheet.status != SheetStatus.SUBMITTED:
        raise DomainError(
            _("Cross-checking happens after the member submits and before explanations.")
        )
    if not Assignment.objects.filter(
        table=sheet.table, reviewer=reviewer, reviewee=sheet.org
    ).exists():
        raise DomainError(_("This unit is not assigned to review this member."))
    criterion = _leaf(sheet.table, code)
    entry = _entry(criterion, value, target)
    own = latest(sheet, Stage.SELF, code)
    if _differs(entry, own) and not note.strip():
        raise DomainError(
            _("Give the reason when your value differs from the member's own."), field="note"
        )
    _bump(sheet, expected_version, code, Stage.REVIEW)
    return _mark(
        actor=actor,
        sheet=sheet,
        code=code,
        stage=Stage.REVIEW,
        entry=entry,
        note=note,
        reviewer=reviewer,
    )


def review_values(sheet: Sheet) -> dict[str, dict[int, Mark]]:
    """Criterion → reviewer id → that reviewer's latest mark, for the reviewers still assigned
    (a unit withdrawn for a declared conflict no longer counts; its marks stay on record)."""
    assigned = Assignment.objects.filter(table=sheet.table_id, reviewee=sheet.org_id).values(
        "reviewer_id"
    )
    out: dict[str, dict[int, Mark]] = defaultdict(dict)
    for mark in Mark.objects.filter(
        sheet=sheet, stage=Stage.REVIEW, reviewer__in=assigned
    ).order_by("created_at", "id"):
        assert mark.reviewer_id is not None
        out[mark.code][mark.reviewer_id] = mark
    return out


def _differs(review: Mark | engine.Entry, own: Mark | None) -> bool:
    """A reviewer's value (or target, when given) differs from the member's own."""
    if own is None:
        return True
    if review.value != own.value:
        return True
    return review.target is not None and review.target != own.target


def disputed(sheet: Sheet) -> list[str]:
    """Criteria where a reviewer's value (or target) differs from the member's own."""
    own = self_values(sheet)
    return sorted(
        code
        for code, by_reviewer in review_values(sheet).items()
        if any(_differs(m, own.get(code)) for m in by_reviewer.values())
    )


@transaction.atomic
def explanations_open(*, actor: Any, sheet: Sheet) -> Sheet:
    """Ask the member to explain the disputed criteria."""
    sheet = (
        Sheet.objects.select_for_update()
        .select_related("table__cluster_year__cluster")
        .get(pk=sheet.pk)
    )
    if sheet.status != SheetStatus.SUBMITTED:
        raise DomainError(_("Explanations follow the cross-check of a submitted sheet."))
    codes = disputed(sheet)
    if not codes:
        raise DomainError(_("No criterion is disputed: settle the sheet directly."))
    sheet.status = SheetStatus.EXPLAINING
    sheet.save(update_fields=["status"])
    _audit(actor, "scoring.sheet.explaining", sheet, sheet.table, disputed=[None, codes])
    return sheet


@transaction.atomic
def explain_save(
    *,
    actor: Any,
    sheet: Sheet,
    code: str,
    note: str,
    value: Any = None,
    target: Any = None,
    expected_version: int | None = None,
) -> Mark:
    """The member's answer on a disputed criterion (optionally a corrected value)."""
    sheet = Sheet.objects.select_related("table__cluster_year__cluster").get(pk=sheet.pk)
    if sheet.status != SheetStatus.EXPLAINING:
        raise DomainError(_("Explanations are given when the secretariat asks for them."))
    if code not in disputed(sheet):
        raise DomainError(_("Only disputed criteria are explained."), field="code")
    if not note.strip():
        raise DomainError(_("Write the explanation."), field="note")
    criterion = _leaf(sheet.table, code)
    own = latest(sheet, Stage.SELF, code)
    entry = (
        _entry(criterion, value, target)
        if value not in (None, "")
        else engine.Entry(own.value if own else None, own.target if own else None)
    )
    _bump(sheet, expected_version, code, Stage.EXPLANATION)
    return _mark(
        actor=actor, sheet=sheet, code=code, stage=Stage.EXPLANATION, entry=entry, note=note
    )


def cross_value(table: engine.Table, marks: Iterable[Mark]) -> engine.Entry | None:
    """Reviewers' values combined as the table says; the self-score never counts."""
    marks = list(marks)
    values = [m.value for m in marks if m.value is not None]
    if not values:
        return None
    targets = [m.target for m in marks if m.target is not None]
    return engine.Entry(
        engine.aggregate(values, table.aggregation), targets[0] if targets else None
    )


@transaction.atomic
def sheet_finalize(
    *,
    actor: Any,
    sheet: Sheet,
    settlements: Mapping[str, tuple[Any, str]] | None = None,
) -> Sheet:
    """The final review: each criterion's value is settled and the sheet locked. A disputed
    criterion needs an explicit settlement with its reason; the others take the reviewers'
    combined value (or the member's own when nobody reviewed it)."""
    sheet = (
        Sheet.objects.select_for_update()
        .select_related("table__cluster_year__cluster")
        .get(pk=sheet.pk)
    )
    if sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.EXPLAINING):
        raise DomainError(_("Only a submitted sheet is settled, once."))
    spec = engine_table(sheet.table)
    settlements = dict(settlements or {})
    leaves = {c.code for c in spec.leaves()}
    unknown = sorted(set(settlements) - leaves)
    if unknown:
        raise DomainError(
            _("No such criterion to score in the table.") + f" ({', '.join(unknown)})",
            field="settlements",
        )
    empty = sorted(c for c, (value, _note) in settlements.items() if value in (None, ""))
    if empty:
        raise DomainError(
            _("Give the settled value of each criterion: %(codes)s.") % {"codes": ", ".join(empty)},
            field="settlements",
        )
    codes = disputed(sheet)
    unsettled = [c for c in codes if c not in settlements or not str(settlements[c][1]).strip()]
    if unsettled:
        raise DomainError(
            _("Settle each disputed criterion with its reason: %(codes)s.")
            % {"codes": ", ".join(unsettled)},
            field="settlements",
        )
    own = self_values(sheet)
    reviews = review_values(sheet)
    final: list[tuple[str, engine.Entry, str]] = []
    for criterion in spec.leaves():
        if criterion.code in settlements:
            value, note = settlements[criterion.code]
            own_target = own[criterion.code].target if criterion.code in own else None
            final.append((criterion.code, _entry(criterion, value, own_target), str(note)))
            continue
        mark = own.get(criterion.code)
        own_target = mark.target if mark else None
        combined = cross_value(spec, reviews.get(criterion.code, {}).values())
        if combined is None:
            combined = engine.Entry(mark.value if mark else None, own_target)
        elif combined.target is None:
            # Reviewers confirmed the value without retyping the target: the member's stands.
            combined = engine.Entry(combined.value, own_target)
        final.append((criterion.code, combined, ""))
    for code, entry, note in final:
        _mark(actor=actor, sheet=sheet, code=code, stage=Stage.FINAL, entry=entry, note=note)
    sheet.status, sheet.finalized_at = SheetStatus.FINAL, timezone.now()
    sheet.version += 1
    sheet.save(update_fields=["status", "finalized_at", "version"])
    _audit(
        actor,
        "scoring.sheet.settled",
        sheet,
        sheet.table,
        status=[SheetStatus.EXPLAINING if codes else SheetStatus.SUBMITTED, sheet.status],
        settled=[None, {c: str(settlements[c][0]) for c in settlements}],
    )
    return sheet


# --- results -------------------------------------------------------------------------------------


@dataclass
class Results:
    table: engine.Table
    ranked: list[engine.Ranked]
    unsettled: list[Org]


def results(table: ScoringTable) -> Results:
    """Totals and ranking from the settled (final) values of every member's sheet. Members whose
    sheet is not settled yet are listed apart."""
    spec = engine_table(table)
    members = [
        m.org
        for m in ClusterMember.objects.filter(cluster_year=table.cluster_year_id).select_related(
            "org"
        )
    ]
    sheets = {s.org_id: s for s in Sheet.objects.filter(table=table)}
    entries: dict[Any, dict[str, engine.Entry]] = {}
    for mark in Mark.objects.filter(sheet__table=table, stage=Stage.FINAL).select_related("sheet"):
        entries.setdefault(mark.sheet.org_id, {})[mark.code] = engine.Entry(mark.value, mark.target)
    by_id = {m.pk: m for m in members}
    settled = {
        org_id: values
        for org_id, values in entries.items()
        if org_id in by_id and sheets.get(org_id) and sheets[org_id].status == SheetStatus.FINAL
    }
    ranked = engine.rank(
        spec,
        engine.compute(spec, {by_id[org_id]: values for org_id, values in settled.items()}),
        name=lambda org: org.name,
    )
    return Results(
        table=spec,
        ranked=ranked,
        unsettled=[m for m in members if m.pk not in settled],
    )


# --- published results ------------------------------------------------------------------------


def outcome_rows(table: ScoringTable, outcome: Results) -> list[dict[str, Any]]:
    """The ranking as plain rows: each member's total, its points per top-level group, its rank,
    the gap to the leader, the tie note, and what the rank proposes it for (the cluster year says
    how many leading units go for a flag and how many runners-up for a certificate)."""
    cy = table.cluster_year
    groups = list(outcome.table.criteria)  # every top-level criterion: the row adds up
    rows = []
    for row in outcome.ranked:
        proposal = ""
        if row.rank <= cy.leaders:
            proposal = "flag"
        elif row.rank <= cy.leaders + cy.runners_up:
            proposal = "certificate"
        rows.append(
            {
                "org_id": row.result.member.pk,
                "name": row.result.member.name,
                "rank": row.rank,
                "total": str(engine.cents(row.result.total)),
                "bonus": str(engine.cents(row.result.bonus)),
                "penalty": str(engine.cents(row.result.penalty)),
                "gap": str(row.gap),
                "note": row.note,
                "groups": {
                    g.code: str(engine.cents(row.result.points.get(g.code) or Decimal(0)))
                    for g in groups
                },
                "proposal": proposal,
            }
        )
    return rows


def top_level(spec: engine.Table) -> list[dict[str, str]]:
    """The table's top-level criteria (groups, single criteria, bonus, penalty) as columns."""
    return [
        {"code": c.code, "text": c.text, "max": str(c.max_points), "kind": c.kind}
        for c in spec.criteria
    ]


@transaction.atomic
def results_publish(*, actor: Any, table: ScoringTable) -> ScoringTable:
    """Publish the results once every member's sheet is settled: the ranking is kept as it was
    published (read-only from then on) and the publication audited."""
    table = (
        ScoringTable.objects.select_for_update()
        .select_related("cluster_year__cluster")
        .get(pk=table.pk)
    )
    if table.status != TableStatus.LOCKED:
        raise DomainError(_("Results are published from the locked table of the year."))
    if table.results_published_at is not None:
        raise DomainError(_("The results are already published."))
    outcome = results(table)
    if outcome.unsettled:
        raise DomainError(
            _("Every member's sheet must be settled first. Not yet: %(names)s.")
            % {"names": ", ".join(o.name for o in outcome.unsettled)}
        )
    rows = outcome_rows(table, outcome)
    table.results = {
        "groups": top_level(outcome.table),
        "rows": rows,
        "leaders": table.cluster_year.leaders,
        "runners_up": table.cluster_year.runners_up,
    }
    table.results_published_at = timezone.now()
    table.save(update_fields=["results", "results_published_at"])
    _audit(
        actor,
        "scoring.results.published",
        table,
        table,
        ranking=[None, [[r["rank"], r["org_id"], r["total"]] for r in rows]],
    )
    return table
