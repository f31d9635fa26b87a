"""Writes to organisations and their lineage; each one audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_log, diff, snapshot
from core.errors import DomainError
from core.text import normalize_name
from orgs import rules
from orgs.models import LineageEvent, LineageKind, Org, OrgArea, OrgKind
from orgs.reference import search_key_for
from orgs.selectors import lineage_edges

AUDITED_FIELDS = (
    "code",
    "name",
    "short_name",
    "aliases",
    "kind",
    "parent",
    "address",
    "area",
    "valid_from",
    "valid_to",
)


def _check(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Org | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    area: str = "",
    instance: Org | None = None,
) -> None:
    if not code:
        raise DomainError(_("The code is required."), field="code")
    if not name:
        raise DomainError(_("The name is required."), field="name")
    if kind not in OrgKind.values:
        raise DomainError(_("Unknown kind of unit: %(kind)s.") % {"kind": kind}, field="kind")
    if area not in OrgArea.values:
        raise DomainError(_("Unknown area: %(area)s.") % {"area": area}, field="area")
    clash = Org.objects.filter(code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise DomainError(
            _("Another unit already has the code %(code)s.") % {"code": code}, field="code"
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(_("The end date is before the start date."), field="valid_to")
    if (
        instance is not None
        and parent is not None
        and (parent.pk == instance.pk or parent.path.startswith(instance.path))
    ):
        raise DomainError(
            _("A unit cannot be placed under itself or one of its own sub-units."),
            field="parent",
        )


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in ("code", "name", "short_name", "aliases", "address"):
        if key in out and out[key] is not None:
            out[key] = normalize_name(str(out[key]))
    if "code" in out:
        out["code"] = out["code"].upper()
    return out


@transaction.atomic
def org_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Org | None = None,
    short_name: str = "",
    aliases: str = "",
    address: str = "",
    area: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Org:
    """Add a unit to the tree."""
    f = _clean(
        {
            "code": code,
            "name": name,
            "short_name": short_name,
            "aliases": aliases,
            "address": address,
        }
    )
    _check(
        code=f["code"],
        name=f["name"],
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        area=area,
    )
    org = Org.objects.create(
        kind=kind,
        parent=parent,
        area=area,
        valid_from=valid_from,
        valid_to=valid_to,
        search_key=search_key_for(f["code"], f["name"], f["short_name"], f["aliases"]),
        **f,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    Org.objects.filter(pk=org.pk).update(path=org.path)
    audit_log(
        actor=actor,
        action="orgs.org.created",
        obj=org,
        org_id=org.pk,
        changes={
            k: [None, v] for k, v in snapshot(org, AUDITED_FIELDS).items() if v not in ("", None)
        },
    )
    return org


@transaction.atomic
def org_update(*, actor: Any, org: Org, **fields: Any) -> Org:
    """Change a unit's fields; moving it moves its whole subtree."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    unknown = set(fields) - set(AUDITED_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(unknown)})
    before = snapshot(org, AUDITED_FIELDS)
    f = _clean(fields)
    merged = {**{k: getattr(org, k) for k in AUDITED_FIELDS}, **f}
    _check(
        code=merged["code"],
        name=merged["name"],
        kind=merged["kind"],
        parent=merged["parent"],
        valid_from=merged["valid_from"],
        valid_to=merged["valid_to"],
        area=merged["area"],
        instance=org,
    )
    old_path = org.path
    for key, value in f.items():
        setattr(org, key, value)
    org.search_key = search_key_for(org.code, org.name, org.short_name, org.aliases)
    org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
    org.save()
    if org.path != old_path:
        _move_subtree(old_path, org.path)
    changes = diff(before, snapshot(org, AUDITED_FIELDS))
    if changes:
        audit_log(actor=actor, action="orgs.org.updated", obj=org, org_id=org.pk, changes=changes)
    return org


def _move_subtree(old_prefix: str, new_prefix: str) -> None:
    for child in (
        Org.objects.select_for_update().filter(path__startswith=old_prefix).exclude(path=new_prefix)
    ):
        child.path = new_prefix + child.path[len(old_prefix) :]
        Org.objects.filter(pk=child.pk).update(path=child.path)


@transaction.atomic
def lineage_record(
    *,
    actor: Any,
    kind: str,
    predecessor: Org,
    successor: Org | None,
    effective_date: dt.date,
    legal_basis: str = "",
    note: str = "",
) -> LineageEvent:
    """Record that `predecessor` merged into / was renamed to / split / dissolved on a date.

    A unit that merges, is renamed or dissolves stops being active the day before.
    """
    if kind not in LineageKind.values:
        raise DomainError(_("Unknown kind of change: %(kind)s.") % {"kind": kind}, field="kind")
    if kind == LineageKind.DISSOLVED and successor is not None:
        raise DomainError(_("A dissolved unit has no successor."), field="successor")
    if kind != LineageKind.DISSOLVED and successor is None:
        raise DomainError(_("Choose the successor unit."), field="successor")
    if successor is not None and successor.pk == predecessor.pk:
        raise DomainError(_("A unit cannot succeed itself."), field="successor")
    predecessor = Org.objects.select_for_update().get(pk=predecessor.pk)
    if predecessor.valid_from and effective_date <= predecessor.valid_from:
        raise DomainError(
            _("The change must take effect after the unit began (%(d)s).")
            % {"d": predecessor.valid_from.strftime("%d/%m/%Y")},
            field="effective_date",
        )
    ending = (LineageKind.MERGED_INTO, LineageKind.RENAMED, LineageKind.DISSOLVED)
    if kind in ending:
        earlier = LineageEvent.objects.filter(predecessor=predecessor, kind__in=ending).first()
        if earlier is not None:
            raise DomainError(
                _("This unit already ended on %(d)s (%(kind)s); a unit ends only once.")
                % {
                    "d": earlier.effective_date.strftime("%d/%m/%Y"),
                    "kind": earlier.get_kind_display(),
                }
            )
    if successor is not None:
        if not successor.is_active_on(effective_date):
            raise DomainError(
                _("%(unit)s is not active on %(day)s.")
                % {"unit": successor.name, "day": effective_date.strftime("%d/%m/%Y")},
                field="successor",
            )
        if successor.path.startswith(predecessor.path):
            raise DomainError(
                _("A unit cannot merge into or be renamed to one of its own sub-units."),
                field="successor",
            )
    edge = rules.Edge(kind, predecessor.pk, successor.pk if successor else None, effective_date)
    if rules.has_cycle([*lineage_edges(), edge]):
        raise DomainError(
            _("This change would make a unit its own predecessor."), field="successor"
        )
    if LineageEvent.objects.filter(
        kind=kind, predecessor=predecessor, successor=successor, effective_date=effective_date
    ).exists():
        raise DomainError(_("This change is already recorded."))
    event = LineageEvent.objects.create(
        kind=kind,
        predecessor=predecessor,
        successor=successor,
        effective_date=effective_date,
        legal_basis=normalize_name(legal_basis),
        note=note.strip(),
    )
    if kind in (LineageKind.MERGED_INTO, LineageKind.RENAMED, LineageKind.DISSOLVED):
        end = effective_date - dt.timedelta(days=1)
        if predecessor.valid_to is None or predecessor.valid_to > end:
            org_update(actor=actor, org=predecessor, valid_to=end)
    audit_log(
        actor=actor,
        action="orgs.lineage.recorded",
        obj=event,
        org_id=predecessor.pk,
        changes={
            "kind": [None, kind],
            "predecessor": [None, predecessor.pk],
            "successor": [None, successor.pk if successor else None],
            "effective_date": [None, effective_date],
            "legal_basis": [None, event.legal_basis],
        },
    )
    return event
