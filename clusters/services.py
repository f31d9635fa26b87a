"""Writes to clusters and their years; each one audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusters import rules
from clusters.models import (
    Cluster,
    ClusterKind,
    ClusterMember,
    ClusterYear,
    Meeting,
    MeetingKind,
)
from core.audit import audit_log
from core.errors import DomainError
from core.search import fenced_key
from core.text import normalize_name
from core.uploads import DOCUMENTS, check_document
from orgs.models import Org
from people.models import Person


@transaction.atomic
def cluster_create(
    *,
    actor: Any,
    kind: str,
    organiser: Org,
    code: str,
    name: str,
    description: str = "",
    valid_from: dt.date | None = None,
    uses_rotating_flag: bool = False,
) -> Cluster:
    """Form a cluster or block under its organising council."""
    code, name = normalize_name(code).upper(), normalize_name(name)
    if kind not in ClusterKind.values:
        raise DomainError(_("Unknown kind of cluster."), field="kind")
    if not code:
        raise DomainError(_("The code is required."), field="code")
    if not name:
        raise DomainError(_("The name is required."), field="name")
    if Cluster.objects.filter(code=code).exists():
        raise DomainError(
            _("Another cluster already has the code %(code)s.") % {"code": code}, field="code"
        )
    cluster = Cluster.objects.create(
        kind=kind,
        organiser=organiser,
        code=code,
        name=name,
        description=description.strip(),
        valid_from=valid_from,
        uses_rotating_flag=uses_rotating_flag,
        search_key=fenced_key(code, name),
    )
    audit_log(
        actor=actor,
        action="clusters.cluster.created",
        obj=cluster,
        org_id=organiser.pk,
        changes={"code": [None, code], "name": [None, name], "kind": [None, kind]},
    )
    return cluster


def _check_members(members: Sequence[Org], year: int) -> None:
    if len({m.pk for m in members}) != len(members):
        raise DomainError(_("A unit appears twice among the members."), field="members")
    day = dt.date(year, 12, 31)
    start = dt.date(year, 1, 1)
    # A unit counts when it existed at any time in the year (many lived only part of 2025).
    ended = [
        m.name
        for m in members
        if not (
            (m.valid_from is None or m.valid_from <= day)
            and (m.valid_to is None or m.valid_to >= start)
        )
    ]
    if ended:
        raise DomainError(
            _("These units did not exist in %(year)s: %(names)s.")
            % {"year": year, "names": ", ".join(ended)},
            field="members",
        )


@transaction.atomic
def cluster_year_open(
    *,
    actor: Any,
    cluster: Cluster,
    year: int,
    members: Sequence[Org] | None = None,
    note: str = "",
    head: Org | None = None,
    deputy: Org | None = None,
) -> ClusterYear:
    """Open a year: copy last year's members (or take `members` for the first year) and propose the
    next head and deputy by the rotation, unless `head` / `deputy` are given (e.g. as elected at the
    year-end conference); the secretariat confirms them with the appointing decision."""
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    if not 1990 <= year <= 2100:
        raise DomainError(_("The year must be between 1990 and 2100."), field="year")
    if cluster.years.filter(year=year).exists():
        raise DomainError(_("The year %(year)s is already open.") % {"year": year}, field="year")
    previous = cluster.years.filter(year__lt=year).order_by("-year").first()
    if cluster.years.filter(year__gt=year).exists():
        raise DomainError(_("A later year is already open."), field="year")
    if members is None:
        if previous is None:
            raise DomainError(_("Choose the members of the first year."), field="members")
        members = [m.org for m in previous.members.select_related("org")]
    _check_members(members, year)
    if len(members) < 2:
        raise DomainError(_("A cluster needs at least two members."), field="members")
    head_id: int | None = None
    deputy_id: int | None = None
    if previous is not None:
        head_id, deputy_id = rules.propose_head_and_deputy(
            [m.pk for m in members], previous.head_id, previous.deputy_id
        )
    member_ids = {m.pk for m in members}
    if head is not None:
        if head.pk not in member_ids:
            raise DomainError(
                _("The head must be a member of the cluster this year."), field="head"
            )
        head_id = head.pk
        if deputy_id == head_id:
            deputy_id = None
    if deputy is not None:
        if deputy.pk not in member_ids:
            raise DomainError(
                _("The deputy must be a member of the cluster this year."), field="deputy"
            )
        deputy_id = deputy.pk
    if head_id is not None and head_id == deputy_id:
        raise DomainError(_("The head and the deputy must be different units."), field="deputy")
    cluster_year = ClusterYear.objects.create(
        cluster=cluster, year=year, head_id=head_id, deputy_id=deputy_id, note=note.strip()
    )
    ClusterMember.objects.bulk_create(
        [
            ClusterMember(cluster_year=cluster_year, org=org, rotation_position=index)
            for index, org in enumerate(members, start=1)
        ]
    )
    audit_log(
        actor=actor,
        action="clusters.year.opened",
        obj=cluster_year,
        org_id=cluster.organiser_id,
        changes={
            "year": [None, year],
            "members": [None, [m.pk for m in members]],
            "head": [None, head_id],
            "deputy": [None, deputy_id],
        },
    )
    return cluster_year


@transaction.atomic
def cluster_year_set_members(
    *, actor: Any, cluster_year: ClusterYear, members: Sequence[Org]
) -> ClusterYear:
    """Change a year's members (joining and leaving units); the rotation follows the given order."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    _check_members(members, cluster_year.year)
    if len(members) < 2:
        raise DomainError(_("A cluster needs at least two members."), field="members")
    ids = {m.pk for m in members}
    for org_id in (cluster_year.head_id, cluster_year.deputy_id):
        if org_id is not None and org_id not in ids:
            raise DomainError(
                _("The head and the deputy must stay members; change them first."),
                field="members",
            )
    before = list(cluster_year.members.values_list("org_id", flat=True))
    cluster_year.members.all().delete()
    ClusterMember.objects.bulk_create(
        [
            ClusterMember(cluster_year=cluster_year, org=org, rotation_position=index)
            for index, org in enumerate(members, start=1)
        ]
    )
    audit_log(
        actor=actor,
        action="clusters.year.members_changed",
        obj=cluster_year,
        org_id=cluster_year.cluster.organiser_id,
        changes={"members": [before, [m.pk for m in members]]},
    )
    return cluster_year


@transaction.atomic
def cluster_year_set_head(
    *,
    actor: Any,
    cluster_year: ClusterYear,
    head: Org,
    deputy: Org | None,
    decision: str,
    decision_date: dt.date | None,
) -> ClusterYear:
    """Appoint the head (cụm trưởng) and deputy (cụm phó) by a decision; both must be members."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    member_ids = set(cluster_year.members.values_list("org_id", flat=True))
    if head.pk not in member_ids:
        raise DomainError(_("The head must be a member of the cluster this year."), field="head")
    if deputy is not None and deputy.pk not in member_ids:
        raise DomainError(
            _("The deputy must be a member of the cluster this year."), field="deputy"
        )
    if deputy is not None and deputy.pk == head.pk:
        raise DomainError(_("The head and the deputy must be different units."), field="deputy")
    decision = normalize_name(decision)
    if not decision:
        raise DomainError(_("Give the appointing decision (number and symbol)."), field="decision")
    before = {
        "head": cluster_year.head_id,
        "deputy": cluster_year.deputy_id,
        "head_decision": cluster_year.head_decision,
        "head_decision_date": cluster_year.head_decision_date,
    }
    cluster_year.head, cluster_year.deputy = head, deputy
    cluster_year.head_decision, cluster_year.head_decision_date = decision, decision_date
    cluster_year.save()
    audit_log(
        actor=actor,
        action="clusters.year.head_appointed",
        obj=cluster_year,
        org_id=cluster_year.cluster.organiser_id,
        changes={
            "head": [before["head"], head.pk],
            "deputy": [before["deputy"], deputy.pk if deputy else None],
            "head_decision": [before["head_decision"], decision],
            "head_decision_date": [before["head_decision_date"], decision_date],
        },
    )
    return cluster_year


@transaction.atomic
def cluster_year_set_outcomes(
    *, actor: Any, cluster_year: ClusterYear, leaders: int, runners_up: int
) -> ClusterYear:
    """How many leading units the year proposes for a flag and how many runners-up for a
    certificate of merit (seed 002: the first for the Government flag, the second for the Prime
    Minister's certificate)."""
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    members = cluster_year.members.count()
    if leaders < 0 or runners_up < 0:
        raise DomainError(_("The numbers cannot be negative."), field="leaders")
    if leaders + runners_up > members:
        raise DomainError(
            _("The cluster has %(n)s members this year: at most %(n)s proposals.") % {"n": members},
            field="leaders",
        )
    before = [cluster_year.leaders, cluster_year.runners_up]
    cluster_year.leaders, cluster_year.runners_up = leaders, runners_up
    cluster_year.save(update_fields=["leaders", "runners_up"])
    audit_log(
        actor=actor,
        action="clusters.year.outcomes_set",
        obj=cluster_year,
        org_id=cluster_year.cluster.organiser_id,
        changes={"leaders": [before[0], leaders], "runners_up": [before[1], runners_up]},
    )
    return cluster_year


@transaction.atomic
def cluster_year_hand_over_flag(
    *, actor: Any, cluster_year: ClusterYear, day: dt.date, note: str = ""
) -> ClusterYear:
    """Record the rotating flag (cờ luân lưu) passing to this year's head unit."""
    cluster_year = (
        ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
    )
    if not cluster_year.cluster.uses_rotating_flag:
        raise DomainError(_("This cluster does not use a rotating flag."))
    if cluster_year.head_id is None:
        raise DomainError(_("Appoint the head first: the flag passes to the head unit."))
    if cluster_year.flag_handover_date is not None:
        raise DomainError(_("The handover of this year is already recorded."))
    cluster_year.flag_handover_date = day
    cluster_year.flag_handover_note = normalize_name(note)
    cluster_year.save(update_fields=["flag_handover_date", "flag_handover_note"])
    audit_log(
        actor=actor,
        action="clusters.year.flag_handed_over",
        obj=cluster_year,
        org_id=cluster_year.cluster.organiser_id,
        changes={"flag_handover_date": [None, day], "head": [None, cluster_year.head_id]},
    )
    return cluster_year


def _check_meeting(cluster_year: ClusterYear, day: dt.date, host: Org | None) -> None:
    if not (cluster_year.year - 1 <= day.year <= cluster_year.year + 1):
        raise DomainError(
            _("A meeting of %(year)s is held between %(a)s and %(b)s.")
            % {"year": cluster_year.year, "a": cluster_year.year - 1, "b": cluster_year.year + 1},
            field="date",
        )
    if host is not None and not cluster_year.members.filter(org=host).exists():
        raise DomainError(_("The host must be a member of the cluster this year."), field="host")


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    cluster_year: ClusterYear,
    kind: str,
    date: dt.date,
    place: str = "",
    host: Org | None = None,
    agenda: str = "",
    decisions: str = "",
    attendee_units: Sequence[Org] = (),
    attendee_people: Sequence[Person] = (),
) -> Meeting:
    """Record a conference of the cluster year (hội nghị ký kết, sơ kết, tổng kết, …)."""
    if kind not in MeetingKind.values:
        raise DomainError(_("Unknown kind of meeting."), field="kind")
    _check_meeting(cluster_year, date, host)
    member_paths = [m.org.path for m in cluster_year.members.select_related("org")]
    outside = [
        p.full_name
        for p in attendee_people
        if not any(p.unit.path.startswith(path) for path in member_paths)
    ]
    if outside:
        raise DomainError(
            _("These people do not work in a member unit: %(names)s.")
            % {"names": ", ".join(outside)},
            field="attendee_people",
        )
    meeting = Meeting.objects.create(
        cluster_year=cluster_year,
        kind=kind,
        date=date,
        place=normalize_name(place),
        host=host,
        agenda=agenda.strip(),
        decisions=decisions.strip(),
    )
    if attendee_units:
        meeting.attendee_units.set(attendee_units)
    if attendee_people:
        meeting.attendee_people.set(attendee_people)
    audit_log(
        actor=actor,
        action="clusters.meeting.recorded",
        obj=meeting,
        org_id=cluster_year.cluster.organiser_id,
        changes={
            "kind": [None, kind],
            "date": [None, date],
            "place": [None, meeting.place],
            "host": [None, host.pk if host else None],
            "attendee_people": [None, [p.pk for p in attendee_people] or None],
        },
    )
    return meeting


@transaction.atomic
def meeting_attach_minutes(*, actor: Any, meeting: Meeting, upload: Any) -> Meeting:
    """Attach the signed minutes (biên bản) as PDF, DOCX or ODT, at most 20 MB."""
    name = check_document(upload, allowed=DOCUMENTS, field="minutes")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    old_name = meeting.minutes_name
    meeting.minutes.save(name, upload, save=False)
    meeting.minutes_name = name[:255]
    meeting.save(update_fields=["minutes", "minutes_name"])
    audit_log(
        actor=actor,
        action="clusters.meeting.minutes_attached",
        obj=meeting,
        org_id=meeting.cluster_year.cluster.organiser_id,
        changes={"minutes_name": [old_name or None, meeting.minutes_name]},
    )
    return meeting


def resolve_attendees(lines: Sequence[str], cluster_year: ClusterYear) -> list[Person]:
    """Attending people typed one per line as "full name; unit code", found in the register in
    that unit (or below it), which must belong to a member. DomainError names each line at fault."""
    from core.text import fold

    people: list[Person] = []
    problems: list[str] = []
    member_paths = [m.org.path for m in cluster_year.members.select_related("org")]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name, _sep, code = line.partition(";")
        name, code = normalize_name(name), code.strip().upper()
        if not name or not code:
            problems.append(_("line %(n)s: write “full name; unit code”") % {"n": number})
            continue
        org = Org.objects.filter(code=code).first()
        if org is None or not any(org.path.startswith(p) for p in member_paths):
            problems.append(
                _("line %(n)s: %(c)s is not a member unit nor one of its units")
                % {"n": number, "c": code}
            )
            continue
        found = list(
            Person.objects.filter(
                unit__path__startswith=org.path, name_key=fold(name)
            ).select_related("unit")[:2]
        )
        if not found:
            problems.append(
                _("line %(n)s: no “%(name)s” in the register of %(c)s")
                % {"n": number, "name": name, "c": code}
            )
        elif len(found) > 1:
            problems.append(
                _("line %(n)s: several people named “%(name)s” in %(c)s; give their own unit")
                % {"n": number, "name": name, "c": code}
            )
        else:
            people.append(found[0])
    if problems:
        raise DomainError("; ".join(problems) + ".", field="attendee_people")
    return people
