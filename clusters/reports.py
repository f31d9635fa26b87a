"""Reporting periods of a cluster year, members' reports, extensions and email reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Membership, Role
from clusters import rules
from clusters.covenants import MAX_VALUE
from clusters.models import (
    ClusterYear,
    CovenantStatus,
    Extension,
    IndicatorValue,
    PeriodKind,
    Registration,
    RegistrationStatus,
    Reminder,
    ReminderKind,
    ReportingPeriod,
    Submission,
    Target,
)
from core.audit import audit_log
from core.errors import DomainError
from core.text import normalize_name
from core.uploads import REPORTS, check_document
from orgs.models import Org


def _audit(actor: Any, action: str, obj: Any, cluster_year: ClusterYear, **changes: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        obj=obj,
        org_id=cluster_year.cluster.organiser_id,
        changes=changes,
    )


@transaction.atomic
def period_create(
    *,
    actor: Any,
    cluster_year: ClusterYear,
    kind: str,
    name: str,
    start: dt.date,
    end: dt.date,
    due: dt.date,
) -> ReportingPeriod:
    """Set a reporting period (quarter, six months, year or custom) with its due date."""
    if kind not in PeriodKind.values:
        raise DomainError(_("Unknown kind of period."), field="kind")
    name = normalize_name(name)
    if not name:
        raise DomainError(_("The name is required."), field="name")
    year = cluster_year.year
    if start.year != year:
        raise DomainError(_("The period must start in %(year)s.") % {"year": year}, field="start")
    if end < start:
        raise DomainError(_("The end must not precede the start."), field="end")
    if end.year > year + 1:
        raise DomainError(_("The period must end by %(year)s.") % {"year": year + 1}, field="end")
    if due < start or due.year > year + 1:
        raise DomainError(
            _("The due date must fall between the start of the period and the end of %(y)s.")
            % {"y": year + 1},
            field="due",
        )
    if cluster_year.periods.filter(name__iexact=name).exists():
        raise DomainError(_("This year already has a period with that name."), field="name")
    period = ReportingPeriod.objects.create(
        cluster_year=cluster_year, kind=kind, name=name, start=start, end=end, due=due
    )
    _audit(
        actor,
        "clusters.period.created",
        period,
        cluster_year,
        name=[None, name],
        start=[None, start],
        end=[None, end],
        due=[None, due],
    )
    return period


def standard_periods(year: int) -> list[tuple[str, str, dt.date, dt.date, dt.date]]:
    """The usual periods of a year: the six-month report due mid-June and the year's report due
    mid-November, as clusters commonly set them; the secretariat edits what differs."""
    return [
        (
            PeriodKind.HALF,
            _("Six months %(y)s") % {"y": year},
            dt.date(year, 1, 1),
            dt.date(year, 6, 30),
            dt.date(year, 6, 15),
        ),
        (
            PeriodKind.YEAR,
            _("Year %(y)s") % {"y": year},
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            dt.date(year, 11, 15),
        ),
    ]


def effective_due(period: ReportingPeriod, org_id: int) -> dt.date:
    """The due date for one member: the period's, or the latest extension granted to it."""
    extended = period.extensions.filter(org_id=org_id).aggregate(latest=Max("due"))["latest"]
    return max(period.due, extended) if extended else period.due


@transaction.atomic
def extension_grant(
    *, actor: Any, period: ReportingPeriod, org: Org, due: dt.date, reason: str
) -> Extension:
    """Give one member a later due date, with the reason; logged and audited."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    cluster_year = period.cluster_year
    if not cluster_year.members.filter(org=org).exists():
        raise DomainError(_("This unit is not a member of the cluster this year."), field="org")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the extension."), field="reason")
    current = effective_due(period, org.pk)
    if due <= current:
        raise DomainError(
            _("The new due date must be after %(d)s.") % {"d": f"{current:%d/%m/%Y}"},
            field="due",
        )
    if due.year > cluster_year.year + 1:
        raise DomainError(
            _("The new due date must fall by the end of %(y)s.") % {"y": cluster_year.year + 1},
            field="due",
        )
    if Submission.objects.filter(period=period, org=org).exists():
        raise DomainError(_("This member's report is already in."), field="org")
    extension = Extension.objects.create(
        period=period,
        org=org,
        due=due,
        reason=reason,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(
        actor,
        "clusters.period.extended",
        period,
        cluster_year,
        org=[None, org.pk],
        due=[current, due],
        reason=[None, reason],
    )
    return extension


def member_targets(cluster_year: ClusterYear, org_id: int) -> list[Target]:
    """The targets a member committed to under the year's covenant (accepted registration)."""
    registration = (
        Registration.objects.filter(
            covenant__cluster_year=cluster_year,
            org_id=org_id,
            status=RegistrationStatus.ACCEPTED,
            covenant__status__in=[
                CovenantStatus.SENT,
                CovenantStatus.SIGNED,
                CovenantStatus.LOCKED,
            ],
        )
        .prefetch_related("targets")
        .first()
    )
    return list(registration.targets.all()) if registration else []


def _clean_actuals(
    targets: list[Target], actuals: Mapping[int, Decimal | str | None]
) -> dict[int, Decimal]:
    by_id = {t.pk: t for t in targets}
    cleaned: dict[int, Decimal] = {}
    for target_id, raw in actuals.items():
        if target_id not in by_id:
            raise DomainError(_("A figure refers to a target of another member."), field="actuals")
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = Decimal(str(raw).strip().replace(" ", ""))
        except InvalidOperation:
            raise DomainError(
                _("“%(t)s”: the actual value must be a number.") % {"t": by_id[target_id].name},
                field="actuals",
            ) from None
        if not value.is_finite() or value < 0:
            raise DomainError(
                _("“%(t)s”: the actual value must be zero or more.") % {"t": by_id[target_id].name},
                field="actuals",
            )
        if value >= MAX_VALUE:
            raise DomainError(
                _("“%(t)s”: the value is too large; write it in the target's unit.")
                % {"t": by_id[target_id].name},
                field="actuals",
            )
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(
                _("“%(t)s”: at most two decimal places.") % {"t": by_id[target_id].name},
                field="actuals",
            )
        cleaned[target_id] = value.quantize(Decimal("0.01"))
    return cleaned


@transaction.atomic
def submission_submit(
    *,
    actor: Any,
    period: ReportingPeriod,
    org: Org,
    upload: Any,
    summary: str = "",
    actuals: Mapping[int, Decimal | str | None] | None = None,
) -> Submission:
    """A member's report for a period: the file and its figures. A correction replaces them but
    keeps when the report first came in."""
    period = ReportingPeriod.objects.select_related("cluster_year__cluster").get(pk=period.pk)
    cluster_year = period.cluster_year
    if not cluster_year.members.filter(org=org).exists():
        raise DomainError(_("This unit is not a member of the cluster this year."), field="org")
    targets = member_targets(cluster_year, org.pk)
    cleaned = _clean_actuals(targets, actuals or {})
    name = check_document(upload, allowed=REPORTS, field="file")
    now = timezone.now()
    submission = Submission.objects.select_for_update().filter(period=period, org=org).first()
    old_name = submission.file_name if submission else None
    if submission is None:
        submission = Submission(period=period, org=org, submitted_at=now)
    submission.file.save(name, upload, save=False)
    submission.file_name, submission.summary = name, summary.strip()
    submission.updated_at = now
    submission.submitted_by = actor if getattr(actor, "pk", None) else None
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Two tabs sent the first report at once: the other one won; say so, change nothing.
        raise DomainError(
            _("The report was just submitted from elsewhere; reload the page.")
        ) from None
    # The report's figures replace the previous ones: a figure left blank is no longer reported.
    IndicatorValue.objects.filter(period=period, target__in=targets).exclude(
        target_id__in=list(cleaned)
    ).delete()
    for target_id, value in cleaned.items():
        IndicatorValue.objects.update_or_create(
            target_id=target_id, period=period, defaults={"actual": value}
        )
    due = effective_due(period, org.pk)
    status = rules.report_status(
        due, timezone.localtime(submission.submitted_at).date(), now.date()
    )
    _audit(
        actor,
        "clusters.report.submitted",
        submission,
        cluster_year,
        org=[None, org.pk],
        file_name=[old_name, name],
        actuals=[None, {str(k): str(v) for k, v in cleaned.items()}],
        status=[None, status],
    )
    return submission


@dataclass
class Cell:
    """A member's standing for one period."""

    period: ReportingPeriod
    due: dt.date
    status: str
    submission: Submission | None = None
    extension: Extension | None = None


@dataclass
class MemberRow:
    org: Org
    cells: list[Cell] = field(default_factory=list)

    @property
    def late(self) -> int:
        return sum(c.status == rules.ReportStatus.LATE for c in self.cells)

    @property
    def missing(self) -> int:
        return sum(c.status == rules.ReportStatus.MISSING for c in self.cells)


def report_matrix(cluster_year: ClusterYear, today: dt.date | None = None) -> list[MemberRow]:
    """Who has submitted what, for every member and period (four queries, whatever the size)."""
    today = today or timezone.localdate()
    periods = list(cluster_year.periods.all())
    members = list(cluster_year.members.select_related("org"))
    submissions = {
        (s.period_id, s.org_id): s
        for s in Submission.objects.filter(period__cluster_year=cluster_year)
    }
    extensions: dict[tuple[int, int], Extension] = {}
    for ext in Extension.objects.filter(period__cluster_year=cluster_year).order_by("due"):
        extensions[(ext.period_id, ext.org_id)] = ext  # the latest due wins
    rows = []
    for member in members:
        row = MemberRow(org=member.org)
        for period in periods:
            key = (period.pk, member.org_id)
            extension = extensions.get(key)
            due = max(period.due, extension.due) if extension else period.due
            submission = submissions.get(key)
            submitted_on = (
                timezone.localtime(submission.submitted_at).date() if submission else None
            )
            row.cells.append(
                Cell(
                    period=period,
                    due=due,
                    status=rules.report_status(due, submitted_on, today),
                    submission=submission,
                    extension=extension,
                )
            )
        rows.append(row)
    return rows


# --- Reminders -------------------------------------------------------------------------------

MEMBER_ROLES = (Role.FOCAL_POINT, Role.OFFICER)
HEAD_ROLES = (Role.SECRETARIAT, Role.OFFICER)


def _emails(org_id: int, roles: tuple[str, ...]) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(org_id=org_id, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


@dataclass
class ReminderRun:
    sent: int = 0
    skipped_no_address: int = 0
    lines: list[str] = field(default_factory=list)


def _already(period: ReportingPeriod, org_id: int, kind: str, due: dt.date) -> bool:
    return Reminder.objects.filter(period=period, org_id=org_id, kind=kind, due=due).exists()


def _record(period: ReportingPeriod, org_id: int, kind: str, due: dt.date, to: list[str]) -> bool:
    """Record a reminder once; False when it was already sent for this due date."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period, org_id=org_id, kind=kind, due=due, recipients=", ".join(to)
            )
    except IntegrityError:
        return False
    return True


def send_reminders(
    *,
    today: dt.date,
    days_before: int | None = None,
    escalate_after: int | None = None,
    dry_run: bool = False,
) -> ReminderRun:
    """Email the members whose report is due soon or overdue; escalate to the head unit after the
    due date. Each reminder goes once per member, period, kind and due date, so the command can run
    every day (and twice a day) without repeating itself."""
    days_before = settings.REPORT_REMINDER_DAYS_BEFORE if days_before is None else days_before
    escalate_after = (
        settings.REPORT_ESCALATE_AFTER_DAYS if escalate_after is None else escalate_after
    )
    run = ReminderRun()
    horizon = today + dt.timedelta(days=days_before)
    periods = (
        ReportingPeriod.objects.filter(due__lte=horizon, due__gte=today - dt.timedelta(days=366))
        .select_related("cluster_year__cluster", "cluster_year__head")
        .order_by("due", "id")
    )
    for period in periods:
        cluster_year = period.cluster_year
        escalations: dict[int, list[tuple[Org, dt.date]]] = defaultdict(list)
        for row in report_matrix(cluster_year, today):
            cell = next(c for c in row.cells if c.period.pk == period.pk)
            kinds = rules.reminders_due(
                cell.due,
                today,
                cell.submission is not None,
                days_before=days_before,
                escalate_after=escalate_after,
            )
            for kind in kinds:
                if kind == ReminderKind.ESCALATION:
                    # To the head unit; the head's own lateness goes to the organising council.
                    above = cluster_year.head_id
                    if above is None or above == row.org.pk:
                        above = cluster_year.cluster.organiser_id
                    escalations[above].append((row.org, cell.due))
                    continue
                to = _emails(row.org.pk, MEMBER_ROLES)
                if not to:
                    run.skipped_no_address += 1
                    run.lines.append(f"{period} · {row.org.code}: {kind}, no address")
                    continue
                if dry_run:
                    if not _already(period, row.org.pk, kind, cell.due):
                        run.lines.append(f"{period} · {row.org.code}: {kind} → {', '.join(to)}")
                    continue
                if _record(period, row.org.pk, kind, cell.due, to):
                    _mail_member(kind, period, row.org, cell.due, to)
                    run.sent += 1
                    run.lines.append(f"{period} · {row.org.code}: {kind} → {', '.join(to)}")
        for head_id, late in escalations.items():
            to = _emails(head_id, HEAD_ROLES)
            if not to:
                run.skipped_no_address += 1
                continue
            if dry_run:
                fresh = [
                    (org, due)
                    for org, due in late
                    if not _already(period, org.pk, ReminderKind.ESCALATION, due)
                ]
            else:
                fresh = [
                    (org, due)
                    for org, due in late
                    if _record(period, org.pk, ReminderKind.ESCALATION, due, to)
                ]
            if fresh and not dry_run:
                _mail_head(period, fresh, to)
                run.sent += 1
            if fresh:
                codes = ", ".join(o.code for o, _d in fresh)
                run.lines.append(f"{period} · head: escalation ({codes}) → {', '.join(to)}")
    return run


def _mail_member(kind: str, period: ReportingPeriod, org: Org, due: dt.date, to: list[str]) -> None:
    cluster = period.cluster_year.cluster
    with override("vi"):
        if kind == ReminderKind.BEFORE:
            subject = _("Reminder: report “%(p)s” due on %(d)s") % {
                "p": period.name,
                "d": f"{due:%d/%m/%Y}",
            }
            body = _(
                "%(org)s's report for “%(p)s” of %(c)s is due on %(d)s. "
                "Please submit it in Thi đua before that date."
            )
        else:
            subject = _("Overdue: report “%(p)s” was due on %(d)s") % {
                "p": period.name,
                "d": f"{due:%d/%m/%Y}",
            }
            body = _(
                "%(org)s's report for “%(p)s” of %(c)s was due on %(d)s and has not been "
                "received. Please submit it in Thi đua as soon as possible; the head unit "
                "of the cluster is informed of late reports."
            )
        message = body % {
            "org": org.name,
            "p": period.name,
            "c": cluster.name,
            "d": f"{due:%d/%m/%Y}",
        }
    send_mail(subject, message, None, to)


def _mail_head(period: ReportingPeriod, late: list[tuple[Org, dt.date]], to: list[str]) -> None:
    cluster = period.cluster_year.cluster
    with override("vi"):
        subject = _("Late reports in %(c)s: %(p)s") % {"c": cluster.name, "p": period.name}
        lines = [f"- {org.name} ({_('due')} {due:%d/%m/%Y})" for org, due in late]
        message = (
            _("These members have not submitted their report for “%(p)s”:") % {"p": period.name}
            + "\n"
            + "\n".join(lines)
        )
    send_mail(subject, message, None, to)
