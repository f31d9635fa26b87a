"""Reads of dossiers: scoped lists, the working-day calendar, the checks before sending, the
officer's overdue dossiers and the public comment page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet, Sum

from core import permissions
from dossiers import rules
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRecipient,
    DossierStatus,
    Holiday,
    LevelRule,
    PublicComment,
)
from orgs.models import Org

DATA = Path(__file__).resolve().parent / "data" / "calendar.json"


def shipped_calendar() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


# --- scoping -----------------------------------------------------------------------------------------


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers of the units the user reaches, proposed by them or sent to them."""
    qs = Dossier.objects.select_related("proposer", "receiver")
    if permissions.sees_everything(user, "dossier.view"):
        return qs
    orgs = permissions.visible_orgs(user, "dossier.view")
    return qs.filter(Q(proposer__in=orgs) | Q(receiver__in=orgs))


def dossier_list(*, user: Any, filters: Mapping[str, Any]) -> QuerySet[Dossier]:
    qs = visible_dossiers(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("code"):
        qs = qs.filter(code=filters["code"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q))
    if filters.get("overdue"):
        qs = qs.filter(status__in=sorted(rules.APPRAISING), appraisal_due__lt=filters["overdue"])
    return qs.order_by("-created_at", "-pk")


def active_recipients(dossier: Dossier) -> QuerySet[DossierRecipient]:
    return (
        dossier.recipients.filter(removed_at__isnull=True)
        .select_related("person__unit", "org")
        .prefetch_related("initiatives")
        .order_by("rank", "pk")
    )


# --- calendar ---------------------------------------------------------------------------------------


def calendar(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The listed days between two dates (with a margin for long time limits): holiday → False,
    weekend day worked → True."""
    return dict(Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "working"))


def add_working_days(start: dt.date, days: int) -> dt.date:
    # A generous window: every 5 working days span at most 7 calendar days, plus Tết's week.
    window = calendar(start, start + dt.timedelta(days=days * 2 + 30))
    return rules.add_working_days(start, days, window)


def working_days_left(today: dt.date, due: dt.date) -> int:
    lo, hi = min(today, due), max(today, due)
    return rules.working_days_between(today, due, calendar(lo, hi))


def years_without_holidays(years: list[int]) -> list[int]:
    listed = set(Holiday.objects.filter(working=False).values_list("day__year", flat=True))
    return [y for y in years if y not in listed]


def level_rule(level: str) -> LevelRule:
    """The time limits of a level (the shipped defaults when an administrator removed the row)."""
    rule = LevelRule.objects.filter(level=level).first()
    if rule is not None:
        return rule
    for row in shipped_calendar()["levels"]:
        if row["level"] == level:
            return LevelRule(**row)
    return LevelRule(level=level, appraisal_days=10, public_comment=False, comment_days=10)


# --- checks before sending ---------------------------------------------------------------------------


def current_documents(dossier: Dossier) -> list[DossierDocument]:
    """The newest document of each kind (per recipient): older uploads stay in the history."""
    seen: set[tuple[str, int | None]] = set()
    out = []
    docs = dossier.documents.select_related("recipient__person", "recipient__org")
    for doc in docs.order_by("-uploaded_at", "-pk"):
        if doc.recipient is not None and doc.recipient.removed_at is not None:
            continue  # a removed recipient's documents stay in the history only
        key = (doc.kind, doc.recipient_id)
        if key in seen:
            continue
        seen.add(key)
        out.append(doc)
    return out


def document_check_list(dossier: Dossier, recipients: list[DossierRecipient]) -> list[rules.Check]:
    from register import catalogue
    from register.models import Award

    award = Award.objects.filter(code=dossier.code).first()
    required = list(award.documents) if award else []
    docs = current_documents(dossier)
    own = {d.kind for d in docs if d.recipient_id is None}
    per: dict[int, set[str]] = {}
    for d in docs:
        if d.recipient_id is not None:
            per.setdefault(d.recipient_id, set()).add(d.kind)
    return rules.document_checks(
        required,
        catalogue.document_names(),
        own,
        [
            rules.RecipientDocs(
                r.pk, r.name, frozenset(per.get(r.pk, set())), bool(r.initiatives.all())
            )
            for r in recipients
        ],
    )


def _no_rule(dossier: Dossier, recipient: DossierRecipient) -> rules.Check:
    name = recipient.name
    return rules.Check(
        "eligibility",
        True,
        f"{name}: chưa có quy tắc xét tự động cho {dossier.code}; "
        "Hội đồng xét theo hồ sơ và thành tích",
        recipient_id=recipient.pk,
        subject=name,
    )


def _verdict(dossier: Dossier, recipient: DossierRecipient, result: Any) -> rules.Check:
    """The engine's result as a check of the dossier, with the override where one was given."""
    from register import rules as engine

    name = recipient.name
    text = (
        f"{name}: đủ điều kiện {engine.NAMES.get(dossier.code, dossier.code)} năm {dossier.year}"
        if result.eligible
        else f"{name}: chưa đủ điều kiện — " + "; ".join(result.missing or ["xem các tiêu chí"])
    )
    overridden = bool(recipient.override_reason) and not result.eligible
    return rules.Check(
        "eligibility",
        result.eligible,
        text,
        recipient_id=recipient.pk,
        subject=name,
        details=[("✓ " if c.ok else "✗ ") + c.text for c in result.criteria],
        overridable=not result.eligible,
        overridden=overridden,
        override_reason=recipient.override_reason if overridden else "",
    )


def _engine_subject(dossier: Dossier, recipient: DossierRecipient) -> bool:
    from register import rules as engine

    subject = "individual" if recipient.person_id else "collective"
    return engine.TARGETS.get(dossier.code) == subject


def eligibility_check(dossier: Dossier, recipient: DossierRecipient) -> tuple[rules.Check, Any]:
    """The eligibility engine's verdict on one recipient for the dossier's code and year."""
    return eligibility_checks(dossier, [recipient])[0]


def eligibility_checks(
    dossier: Dossier, recipients: list[DossierRecipient]
) -> list[tuple[rules.Check, Any]]:
    """The engine's verdict on each recipient, the register read once for all the people (a
    dossier may list hundreds) and the tenant's parameters once per province or ministry."""
    from register import catalogue
    from register import rules as engine
    from register import selectors as register_selectors

    day = engine.default_day(dossier.year)
    people = [r.person for r in recipients if r.person is not None and _engine_subject(dossier, r)]
    cases = register_selectors.person_cases(people, dossier.code, dossier.year) if people else {}
    overrides: dict[str, dict[str, Any]] = {}
    out: list[tuple[rules.Check, Any]] = []
    for r in recipients:
        if not _engine_subject(dossier, r):
            out.append((_no_rule(dossier, r), None))
            continue
        try:
            if r.person is not None:
                root = r.person.unit.path.strip("/").split("/")[0]
                if root not in overrides:
                    overrides[root] = register_selectors.overrides_for(r.person.unit, day)
                rule_set = engine.rule_set_for(catalogue.rule_sets(), day)
                result = engine.evaluate(cases[r.person.pk], rule_set, overrides[root])
            elif r.org is not None:
                result = register_selectors.evaluate_unit(r.org, dossier.code, dossier.year)
            else:  # excluded by the recipient constraint
                raise engine.CaseError("Người được đề nghị không xác định.", "recipient")
        except engine.CaseError as exc:
            failed = rules.Check(
                "eligibility",
                False,
                f"{r.name}: {exc.message}",
                r.pk,
                r.name,
                overridable=True,
                overridden=bool(r.override_reason),
                override_reason=r.override_reason,
            )
            out.append((failed, None))
            continue
        out.append((_verdict(dossier, r, result), result))
    return out


def _pending_elsewhere(dossier: Dossier, code: str) -> QuerySet[DossierRecipient]:
    """Recipients proposed for `code` in the same year by other dossiers still on their way."""
    return DossierRecipient.objects.filter(
        removed_at__isnull=True,
        dossier__code=code,
        dossier__year=dossier.year,
        dossier__status__in=[
            DossierStatus.SUBMITTED,
            DossierStatus.APPRAISAL,
            DossierStatus.PUBLIC_COMMENT,
            DossierStatus.COUNCIL,
            DossierStatus.APPROVED,
        ],
    ).exclude(dossier=dossier)


def quota_checks(dossier: Dossier, recipients: list[DossierRecipient]) -> list[rules.Check]:
    """The receiving level's quotas, where its ministry or province sets one (register parameters):
    CSTĐ cơ sở as a share of LĐTT in the proposing unit, Government flags as a share of the
    leaders of the clusters the province or ministry organises."""
    from clusters.models import ClusterYear
    from register import selectors as register_selectors
    from register.models import ParameterKey, Record

    day = dt.date(dossier.year, 12, 31)
    out: list[rules.Check] = []
    if dossier.code == "CSTD_CS":
        share = register_selectors.parameter_value(
            dossier.proposer, ParameterKey.CSTD_CS_MAX_SHARE, day
        )
        if share is not None:
            scope = Q(person__unit__path__startswith=dossier.proposer.path)
            held = Record.objects.filter(scope, year=dossier.year, revoked=False)
            ldtt = held.filter(code="LDTT").values("person_id").distinct().count()
            existing = held.filter(code="CSTD_CS").values("person_id").distinct().count()
            existing += (
                _pending_elsewhere(dossier, "CSTD_CS")
                .filter(person__unit__path__startswith=dossier.proposer.path)
                .count()
            )
            out.append(
                rules.quota_check(
                    label="Chiến sĩ thi đua cơ sở",
                    share=Decimal(share),
                    base_label="Lao động tiên tiến",
                    base=ldtt,
                    existing=existing,
                    proposed=len(recipients),
                )
            )
    if dossier.code == "CO_CP":
        tenant = register_selectors.tenant_of(dossier.proposer)
        share = register_selectors.parameter_value(
            dossier.proposer, ParameterKey.CO_CP_MAX_SHARE, day
        )
        if tenant is not None and share is not None:
            leaders = (
                ClusterYear.objects.filter(
                    year=dossier.year, cluster__organiser__path__startswith=tenant.path
                ).aggregate(n=Sum("leaders"))["n"]
                or 0
            )
            existing = Record.objects.filter(
                code="CO_CP",
                year=dossier.year,
                revoked=False,
                org__path__startswith=tenant.path,
            ).count()
            existing += (
                _pending_elsewhere(dossier, "CO_CP")
                .filter(org__path__startswith=tenant.path)
                .count()
            )
            out.append(
                rules.quota_check(
                    label="Cờ thi đua của Chính phủ",
                    share=Decimal(share),
                    base_label="đơn vị dẫn đầu cụm, khối",
                    base=leaders,
                    existing=existing,
                    proposed=len(recipients),
                )
            )
    return out


def initiative_check_list(
    dossier: Dossier, recipients: list[DossierRecipient]
) -> list[rules.Check]:
    from register import rules as engine
    from register.models import InitiativeUse

    ids = [i.pk for r in recipients for i in r.initiatives.all()]
    uses = {
        u.initiative_id: f"{engine.NAMES.get(u.code, u.code)} năm {u.year}"
        for u in InitiativeUse.objects.filter(initiative_id__in=ids)
    }
    elsewhere: dict[int, str] = {}
    for rid, ref in (
        DossierRecipient.initiatives.through.objects.filter(
            initiative_id__in=ids,
            dossierrecipient__removed_at__isnull=True,
            dossierrecipient__dossier__status__in=sorted(rules.OPEN),
        )
        .exclude(dossierrecipient__dossier=dossier)
        .values_list("initiative_id", "dossierrecipient__dossier__reference")
    ):
        elsewhere.setdefault(rid, ref)
    return rules.initiative_checks(
        [
            (
                r.pk,
                r.name,
                [
                    rules.InitiativeRef(
                        i.code, i.title, used_for=uses.get(i.pk), elsewhere=elsewhere.get(i.pk)
                    )
                    for i in r.initiatives.all()
                ],
            )
            for r in recipients
        ]
    )


# The cluster vote's proposals that support each code (votes.models.ProposalKind).
PROPOSAL_KINDS = {"CO_CP": "flag", "CO_BO": "flag", "BK_TTG": "certificate", "BK_BO": "certificate"}


def cluster_checks(dossier: Dossier, recipients: list[DossierRecipient]) -> list[rules.Check]:
    """A dossier from a cluster's result proposes units of that cluster year and, where the
    cluster's vote recorded proposals for this kind of award, the units it proposed."""
    if dossier.cluster_year_id is None:
        return []
    from clusters.models import ClusterMember
    from votes.models import Proposal

    cy = dossier.cluster_year
    members = set(ClusterMember.objects.filter(cluster_year=cy).values_list("org_id", flat=True))
    kind = PROPOSAL_KINDS.get(dossier.code)
    proposed = (
        set(Proposal.objects.filter(cluster_year=cy, kind=kind).values_list("org_id", flat=True))
        if kind
        else set()
    )
    out = []
    for r in recipients:
        if r.org_id is None:
            continue
        if members and r.org_id not in members:
            text = f"{r.name}: không phải thành viên {cy}"
            out.append(rules.Check("cluster", False, text, r.pk, r.name))
        elif proposed and r.org_id not in proposed:
            text = f"{r.name}: không có trong kết quả bỏ phiếu đề nghị của {cy}"
            out.append(rules.Check("cluster", False, text, r.pk, r.name))
        else:
            text = f"{r.name}: thành viên {cy}" + (
                ", được Cụm bỏ phiếu đề nghị" if r.org_id in proposed else ""
            )
            out.append(rules.Check("cluster", True, text, r.pk, r.name))
    return out


def dossier_checks(dossier: Dossier) -> tuple[list[rules.Check], dict[int, Any]]:
    """Every check before sending, and the engine's result per recipient (for the reasons)."""
    recipients = list(active_recipients(dossier))
    checks: list[rules.Check] = []
    if not recipients:
        checks.append(
            rules.Check("recipients", False, "Hồ sơ chưa có người hoặc tập thể được đề nghị")
        )
    checks += document_check_list(dossier, recipients)
    results: dict[int, Any] = {}
    for r, (check, result) in zip(recipients, eligibility_checks(dossier, recipients), strict=True):
        checks.append(check)
        results[r.pk] = result
    checks += quota_checks(dossier, recipients)
    checks += initiative_check_list(dossier, recipients)
    checks += cluster_checks(dossier, recipients)
    return checks, results


# --- dashboards and the public page ------------------------------------------------------------------


def overdue_dossiers(*, user: Any, today: dt.date) -> QuerySet[Dossier]:
    """Dossiers the user's level must appraise whose due date has passed."""
    orgs = permissions.visible_orgs(user, "dossier.appraise")
    qs = Dossier.objects.filter(
        status__in=sorted(rules.APPRAISING), appraisal_due__lt=today
    ).select_related("proposer", "receiver")
    if not permissions.sees_everything(user, "dossier.appraise"):
        qs = qs.filter(receiver__in=orgs)
    return qs.order_by("appraisal_due", "pk")


def awaiting(*, user: Any) -> QuerySet[Dossier]:
    """Dossiers waiting for the user's level: sent to it and not yet past the council."""
    qs = Dossier.objects.filter(
        status__in=[
            DossierStatus.SUBMITTED,
            DossierStatus.APPRAISAL,
            DossierStatus.PUBLIC_COMMENT,
            DossierStatus.COUNCIL,
            DossierStatus.APPROVED,
        ]
    ).select_related("proposer", "receiver")
    if not permissions.sees_everything(user, "dossier.appraise"):
        qs = qs.filter(receiver__in=permissions.visible_orgs(user, "dossier.appraise"))
    return qs.order_by("appraisal_due", "pk")


def public_dossiers(today: dt.date) -> QuerySet[Dossier]:
    """Dossiers under public comment whose window is open today (the public page)."""
    return (
        Dossier.objects.filter(
            status=DossierStatus.PUBLIC_COMMENT,
            comment_opens__lte=today,
            comment_closes__gte=today,
        )
        .select_related("receiver")
        .order_by("comment_closes", "pk")
    )


def unhandled_comments(dossier: Dossier) -> QuerySet[PublicComment]:
    return dossier.comments.filter(handling="")


def receivers_for(user: Any) -> QuerySet[Org]:
    """Where a dossier may be sent: any active unit (the level above is usually outside the
    proposing unit's reach, so this is not scoped)."""
    return Org.objects.filter(valid_to__isnull=True)
