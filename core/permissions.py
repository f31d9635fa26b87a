"""Who may do what: `can(user, action, obj)` and `visible_orgs(user)`.

A user holds roles in organisations (accounts.Membership). A role in an organisation reaches the
organisation's descendants, and the units that merged into it or were renamed to it (with their
descendants), since their records are now kept by the successor. A system administrator reaches all.
Every view and API endpoint asks this module; nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Membership, Role

ALL_ROLES = frozenset(Role.values)
KEEPERS = frozenset({Role.ADMIN, Role.OFFICER})
UNIT_KEEPERS = frozenset({Role.ADMIN, Role.OFFICER, Role.FOCAL_POINT})

# action → the roles that allow it (within what the role reaches).
ACTIONS: dict[str, frozenset[str]] = {
    "org.view": ALL_ROLES,
    "org.create": KEEPERS,
    "org.change": KEEPERS,
    "org.import": KEEPERS,
    "org.lineage.change": KEEPERS,
    "person.view": ALL_ROLES,
    "person.create": UNIT_KEEPERS,
    "person.change": UNIT_KEEPERS,
    "person.import": UNIT_KEEPERS,
    "person.view_personal": UNIT_KEEPERS,
    "cluster.view": ALL_ROLES,
    "cluster.manage": KEEPERS,
    # A member unit's own work in a cluster: its covenant registration and its reports.
    "cluster.act_for_member": UNIT_KEEPERS,
    "movement.view": ALL_ROLES,
    "movement.manage": KEEPERS,
    "vote.manage": KEEPERS,
    # The commendation register: read by all; decisions, revocations, initiatives and parameters
    # kept by the commendation officers; annual ratings also entered by a unit's focal point.
    "register.view": ALL_ROLES,
    "register.manage": KEEPERS,
    "register.rate": UNIT_KEEPERS,
    "register.parameters": KEEPERS,
    # Proposal dossiers: prepared by the proposing unit, appraised and decided by the level they go
    # to (its commendation officers), reviewed by its council; an officer may override a failed
    # eligibility check with a written reason. The working-day calendar is national.
    "dossier.view": ALL_ROLES,
    "dossier.prepare": frozenset({Role.ADMIN, Role.OFFICER, Role.FOCAL_POINT, Role.SECRETARIAT}),
    "dossier.appraise": KEEPERS,
    "dossier.override": KEEPERS,
    "dossier.council": frozenset({Role.ADMIN, Role.OFFICER, Role.COUNCIL_MEMBER}),
    "dossier.decide": KEEPERS,
    "dossier.calendar": frozenset({Role.ADMIN}),
    # Complaints and denunciations: received and handled by commendation officers; the
    # complainant's identity is seen only by those who handle it.
    "complaint.handle": KEEPERS,
    # Exemplary models (điển hình tiên tiến): kept by a unit's focal points and officers.
    "exemplary.view": ALL_ROLES,
    "exemplary.manage": UNIT_KEEPERS,
    "stats.view": ALL_ROLES,
    "stats.report": KEEPERS,
    "document.template": KEEPERS,
    "certificate.print": KEEPERS,
    "audit.view": KEEPERS,
    "audit.view_all": frozenset({Role.ADMIN}),
    "user.manage": frozenset({Role.ADMIN}),
}


@dataclass(frozen=True)
class Reach:
    """What a user's roles reach: per role, the path prefixes of the subtrees it covers."""

    everything: bool
    paths_by_role: dict[str, tuple[str, ...]]

    def roles_for_path(self, path: str) -> set[str]:
        return {
            role
            for role, prefixes in self.paths_by_role.items()
            if any(path.startswith(prefix) for prefix in prefixes)
        }

    def all_paths(self) -> set[str]:
        return {p for prefixes in self.paths_by_role.values() for p in prefixes}


def _reach(user: Any) -> Reach:
    cached = getattr(user, "_thidua_reach", None)
    if cached is not None:
        return cached
    from orgs.selectors import lineage_absorbed_paths

    everything = False
    paths: dict[str, set[str]] = {}
    if user is not None and user.is_authenticated and user.is_active:
        memberships = Membership.objects.filter(user=user).select_related("org")
        for m in memberships:
            if m.role == Role.ADMIN:
                everything = everything or m.org_id is None
                paths.setdefault(m.role, set()).add("/")
                continue
            if m.org is None:  # excluded by the membership constraint
                continue
            prefixes = paths.setdefault(m.role, set())
            prefixes.add(m.org.path)
            prefixes.update(lineage_absorbed_paths(m.org))
    reach = Reach(everything, {role: tuple(_outermost(p)) for role, p in paths.items()})
    if user is not None:
        user._thidua_reach = reach
    return reach


def _outermost(paths: set[str]) -> list[str]:
    """Drop the prefixes already covered by a shorter one ("/3/" covers "/3/17/")."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return sorted(kept)


def sees_everything(user: Any, action: str) -> bool:
    """Whether the user's reach for `action` is the whole system (a system administrator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return _reach(user).everything and Role.ADMIN in ACTIONS[action]


def forget(user: Any) -> None:
    """Drop the cached reach (after roles change)."""
    if hasattr(user, "_thidua_reach"):
        del user._thidua_reach


def _org_of(obj: Any) -> Any:
    """The organisation an object belongs to, for scoping."""
    if obj is None:
        return None
    label = obj._meta.label_lower
    if label == "orgs.org":
        return obj
    if label == "people.person":
        return obj.unit
    if label == "clusters.cluster":
        return obj.organiser
    if label == "clusters.clusteryear":
        return obj.cluster.organiser
    if label == "scoring.sheet":
        return obj.org
    if label == "scoring.scoringtable":
        return obj.cluster_year.cluster.organiser
    if label == "movements.movement":
        return obj.launched_by
    if label == "register.decision":
        return obj.issuer
    if label == "register.record":
        return obj.person.unit if obj.person_id else obj.org
    if label == "register.initiative":
        return obj.recognised_by
    if label == "dossiers.dossier":
        return obj.proposer
    if label == "dossiers.dossierrecipient":
        return obj.dossier.proposer
    if label == "orgs.lineageevent":
        return obj.successor or obj.predecessor
    return getattr(obj, "org", None)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may do `action` on `obj` (or anywhere, when obj is None)."""
    if user is None or not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    allowed_roles = ACTIONS.get(action)
    if allowed_roles is None:
        raise ValueError(f"unknown action {action!r}")
    reach = _reach(user)
    if allowed_roles == {Role.ADMIN}:
        return reach.everything
    if obj is None:
        return bool(allowed_roles & set(reach.paths_by_role))
    org = _org_of(obj)
    if org is None:
        return reach.everything and Role.ADMIN in allowed_roles
    return bool(allowed_roles & reach.roles_for_path(org.path))


CLUSTER_SECRETARIAT: frozenset[str] = frozenset({Role.ADMIN, Role.OFFICER, Role.SECRETARIAT})


def can_run_cluster_year(user: Any, cluster_year: Any) -> bool:
    """Whether the user may manage a cluster year: the organising council's officers always; the
    head unit's officers and secretariat for the cluster's current (latest) year only, so last
    year's secretariat loses its powers when a new year opens with another head."""
    if can(user, "cluster.manage", cluster_year.cluster):
        return True
    if cluster_year.head_id is None or user is None or not user.is_authenticated:
        return False
    latest = cluster_year.cluster.years.order_by("-year").values_list("pk", flat=True).first()
    if latest != cluster_year.pk:
        return False
    return bool(CLUSTER_SECRETARIAT & _reach(user).roles_for_path(cluster_year.head.path))


def require_run_cluster_year(user: Any, cluster_year: Any) -> None:
    """Raise PermissionDenied (403) unless the user may run the cluster year."""
    if not can_run_cluster_year(user, cluster_year):
        raise PermissionDenied("cluster.manage")


def can_act_for_member(user: Any, org: Any) -> bool:
    """Whether the user may act for a member unit in its cluster: its registration under the
    covenant and its reports. The unit's own focal points and officers (and those who keep its
    records through the unit's lineage) may; another member's focal point may not."""
    return can(user, "cluster.act_for_member", org)


def can_on_dossier(user: Any, action: str, dossier: Any, side: str) -> bool:
    """Whether the user may do `action` on a dossier from its proposing unit's side ("proposer")
    or from the side of the level it was sent to ("receiver")."""
    return can(user, action, dossier.proposer if side == "proposer" else dossier.receiver)


def can_view_dossier(user: Any, dossier: Any) -> bool:
    """A dossier is seen by the proposing unit's people and by the receiving level's."""
    return can(user, "dossier.view", dossier.proposer) or can(
        user, "dossier.view", dossier.receiver
    )


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (a Vietnamese 403 page, or a JSON 403) unless `can`."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def visible_orgs(user: Any, action: str = "org.view") -> QuerySet[Any]:
    """The organisations the user's roles reach for `action` (all roles for viewing)."""
    from orgs.models import Org

    if user is None or not user.is_authenticated or not user.is_active:
        return Org.objects.none()
    reach = _reach(user)
    if reach.everything and Role.ADMIN in ACTIONS[action]:
        return Org.objects.all()
    prefixes = {
        p for role, ps in reach.paths_by_role.items() if role in ACTIONS[action] for p in ps
    }
    if not prefixes:
        return Org.objects.none()
    condition = Q()
    for prefix in sorted(prefixes):
        condition |= Q(path__startswith=prefix)
    return Org.objects.filter(condition)
