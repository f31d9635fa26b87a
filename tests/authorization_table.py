"""The authorisation matrix: who may reach every page and every API operation.

One row per URL route (by name) and per API operation (method and path under /api/v1). A row says
how to build its URL (`args`), where the users of each side hold their roles (`sides`: an
organisation code per side), who is allowed for each method (`get`, `post`, ...), and, for a
write, the body to send (`data`: a valid one, so that a missing check would really change data).

Sides. "own" is the organisation the object belongs to (a person's unit, a decision's issuer,
...); "above" is the unit above it, whose roles reach it; "other" is OTHER, a province with nothing
of the demo in it. Some objects have more sides: a cluster year has its organising council
("organiser"), its head unit ("head") and its members ("member"); a scoring sheet also the unit
assigned to cross-check it ("reviewer"); a dossier has its proposing unit ("proposer") and the
level it was sent to ("receiver"). Every side is tried with each role an organisation can hold
(every role but admin); the system administrator, a signed-in user without any role ("norole")
and an anonymous visitor are tried once per row.

Who is allowed is a set of names: "admin", "norole", "anonymous", "<side>.<role>" (e.g.
"own.officer"), or the shorthands PUBLIC (everyone) and SIGNED_IN (everyone signed in). `grant`
reads a permission of core.permissions.ACTIONS, so the table follows the project's policy:
`grant("org.change", "own")` is the admin and every role of ACTIONS["org.change"] on the own side
(and the side above it). Forms that name a unit by its code (a new person's unit, a decision's
issuer) answer a caller who may use the form but not for that unit with a message, not a 403:
those callers are listed as `post_refused`, and their request must change nothing either.

The data are the demo's (manage.py load_demo) plus a few objects the demo lacks (a poll, a
complaint, templates, import jobs, tokens...), built by tests/test_authorization_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Role
from core.permissions import ACTIONS, CLUSTER_SECRETARIAT, KEEPERS

# A province the demo leaves alone: roles held there reach none of the demo's objects.
OTHER = "96"  # Cà Mau

ORG_ROLES: tuple[str, ...] = tuple(r for r in Role.values if r != Role.ADMIN)
ADMIN, OFFICER, SECRETARIAT, FOCAL_POINT, COUNCIL_MEMBER, VIEWER = (
    Role.ADMIN.value,
    Role.OFFICER.value,
    Role.SECRETARIAT.value,
    Role.FOCAL_POINT.value,
    Role.COUNCIL_MEMBER.value,
    Role.VIEWER.value,
)

Spec = frozenset[str]
PUBLIC: Spec = frozenset({"*"})
SIGNED_IN: Spec = frozenset({"signed_in"})
NOBODY: Spec = frozenset()
ADMIN_ONLY: Spec = frozenset({"admin"})


def on(side: str, roles: Iterable[str]) -> Spec:
    """These roles held on this side (the admin is not implied)."""
    return frozenset(f"{side}.{role}" for role in roles if role != ADMIN)


def grant(action: str, *sides: str) -> Spec:
    """The roles ACTIONS gives `action`, on each of `sides`, and the admin when it has it. A role
    reaches the units below its own, so what the "own" side may do the "above" side may too."""
    roles = ACTIONS[action]
    spec = frozenset({"admin"}) if ADMIN in roles else NOBODY
    for side in sides:
        spec |= on(side, roles)
        if side == "own":
            spec |= on("above", roles)
    return spec


def anywhere(action: str) -> Spec:
    """An action not tied to an object: any side where a user holds one of its roles."""
    return grant(action, "own", "other")


def elsewhere(action: str) -> Spec:
    """The roles of `action` on the other side: they reach a form that names a unit by its code,
    but not the unit the form names (the own side's), so the write is refused."""
    return on("other", ACTIONS[action])


# A cluster year is run (permissions.can_run_cluster_year) by the organising council's keepers,
# and, in the cluster's latest year, by the head unit's officers and secretariat.
RUN_LATEST: Spec = ADMIN_ONLY | on("organiser", KEEPERS) | on("head", CLUSTER_SECRETARIAT)
RUN_PAST: Spec = ADMIN_ONLY | on("organiser", KEEPERS)
# A cluster is seen by the roles of its organiser and of its members (the head is a member).
SEE_CLUSTER: Spec = grant("cluster.view", "organiser", "head", "member")
# A member unit acts for itself (its registration, reports and scoring sheet).
ACT_FOR_MEMBER: Spec = grant("cluster.act_for_member", "member")
REVIEW_SHEET: Spec = grant("cluster.act_for_member", "reviewer")

CLUSTER_SIDES = {"organiser": "TW-HDTDKT", "head": "10", "member": "20", "other": OTHER}
# A member's scoring sheet is also seen, and cross-checked, by the unit assigned to review it.
SHEET_SIDES = {**CLUSTER_SIDES, "reviewer": "14"}
DOSSIER_SIDES = {"proposer": "46", "receiver": "TW-HDTDKT", "other": OTHER}


@dataclass(frozen=True)
class Who:
    """One caller of a case: its name in the table and the user (None when anonymous)."""

    name: str
    user: Any
    side: str | None
    role: str | None


Args = Callable[[Any, Who], Mapping[str, Any]]
Data = Callable[[Any, Who], Mapping[str, Any]]


def no_args(world: Any, who: Who) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    """One route (a URL name) or one API operation ("METHOD /api/v1/path/{param}"), optionally
    with "#variant" when a second row tries it on another object."""

    target: str
    allow: Mapping[str, Spec]  # method → who is allowed
    # method → who reaches the page but whose write is refused with a message (a unit chosen by
    # code among those the caller may manage): answered like an allowed call, it changes nothing.
    refuse: Mapping[str, Spec] = field(default_factory=dict)
    args: Args = no_args
    sides: Mapping[str, str] = field(default_factory=lambda: {"own": "19", "other": OTHER})
    data: Data | None = None  # the body of unsafe methods (form fields, or JSON for the API)
    multipart: bool = False  # an API operation that takes a form with a file, not JSON
    watch: Callable[[Any], Any] | None = None  # the rows a denied request must leave unchanged
    note: str = ""

    @property
    def is_api(self) -> bool:
        return " " in self.target

    @property
    def route(self) -> str:
        """The URL name or API operation; a row may add "#variant" to try it on a second object."""
        return self.target.split("#", 1)[0]


def page(
    name: str,
    get: Spec | None = None,
    post: Spec | None = None,
    post_refused: Spec = frozenset(),
    **rest: Any,
) -> Row:
    allow = {m: s for m, s in (("GET", get), ("POST", post)) if s is not None}
    refuse = {"POST": post_refused} if post_refused else {}
    return Row(name, allow, refuse, **rest)


def api(operation: str, allowed: Spec, **rest: Any) -> Row:
    method = operation.split(" ", 1)[0]
    return Row(operation, {method: allowed}, **rest)


def obj(attr: str, key: str = "pk") -> Args:
    """URL arguments {key: world.<attr>.pk}."""
    return lambda w, who: {key: getattr(w, attr).pk}


def is_allowed(spec: Spec, who: str) -> bool:
    if "*" in spec:
        return True
    if "signed_in" in spec and who != "anonymous":
        return True
    return who in spec


# --------------------------------------------------------------------------------------------
# Routes that are not in the matrix, and why.

EXCLUDED_NAMESPACES = {
    # Django's admin: thidua/urls.py lets superusers only in (not the "admin" role), and its own
    # sign-in page turns everyone else away; test_django_admin_is_for_superusers_only checks it.
    "admin",
}


# Sở Nội vụ Thái Nguyên; "above" is the province, whose roles reach the department.
ORG = {"own": "19.SNV", "above": "19", "other": OTHER}
MOVEMENT_FORM = {
    "launched_by_code": "19",
    "name": "Phong trào thử của ma trận",
    "kind": "regular",
    "scope": "ministry_or_province",
    "start": "01/01/2025",
}
PROVINCE = {"own": "19", "other": OTHER}
ANY = {"own": "19", "other": OTHER}  # a page not about one object: roles anywhere

cluster = obj("cluster")


def year_args(attr: str = "year") -> Args:
    return lambda w, who: {"pk": w.cluster.pk, "year": getattr(w, attr).year}


def own_of(mapping: str, key: str = "pk") -> Args:
    """Objects that belong to a user, not to a unit (import jobs, API tokens): each caller has
    one, `world.<mapping>[user.pk]`. The "own" side (and the admin, and the user without a role)
    asks for their own; the "other" side for someone else's (the admin's)."""

    def args(w: Any, who: Who) -> Mapping[str, Any]:
        owner = w.users["admin"] if who.user is None or who.side == "other" else who.user
        return {key: getattr(w, mapping)[owner.pk].pk}

    return args


# The "own" side asks for its own object, the "other" side for someone else's.
PERSONAL = {"own": "19", "other": OTHER}
# Everyone signed in, for their own object only.
MINE: Spec = frozenset({"admin", "norole"}) | on("own", ORG_ROLES)


# --------------------------------------------------------------------------------------------
# Pages

PAGES: list[Row] = [
    # core
    page("core:home", get=SIGNED_IN, sides=ANY),
    page("core:healthz", get=PUBLIC, sides=ANY),
    page("core:audit-list", get=ADMIN_ONLY, sides=ANY),
    page(
        "core:audit-object",
        get=grant("audit.view", "own"),
        args=lambda w, who: {"object_type": "orgs.org", "object_id": w.unit.pk},
        sides=ORG,
    ),
    # accounts
    page("accounts:login", get=PUBLIC, sides=ANY),
    page("accounts:language", post=PUBLIC, sides=ANY, data=lambda w, who: {"language": "en"}),
    page("accounts:profile", get=SIGNED_IN, sides=ANY),
    page("accounts:password-change", get=SIGNED_IN, post=SIGNED_IN, sides=ANY),
    page("accounts:password-reset", get=PUBLIC, sides=ANY),
    page("accounts:password-reset-done", get=PUBLIC, sides=ANY),
    page("accounts:password-reset-complete", get=PUBLIC, sides=ANY),
    page(
        "accounts:token-list",
        get=SIGNED_IN,
        post=SIGNED_IN,
        sides=ANY,
        data=lambda w, who: {"name": "thử"},
    ),
    page(
        "accounts:token-revoke",
        post=MINE,
        args=own_of("api_tokens"),
        sides=PERSONAL,
        note="one's own token; someone else's is a 404",
    ),
    # orgs
    page("orgs:org-list", get=anywhere("org.view"), sides=ANY),
    page(
        "orgs:org-create",
        get=anywhere("org.create"),
        post=grant("org.create", "own"),
        post_refused=elsewhere("org.create"),
        sides=PROVINCE,
        data=lambda w, who: {
            "code": "19.MT",
            "name": "Phòng thử của ma trận",
            "kind": "department",
            "parent_code": "19",
        },
    ),
    page("orgs:org-detail", get=grant("org.view", "own"), args=obj("unit"), sides=ORG),
    page(
        "orgs:org-edit",
        get=grant("org.change", "own"),
        post=grant("org.change", "own"),
        args=obj("unit"),
        sides=ORG,
        data=lambda w, who: {
            "code": w.unit.code,
            "name": "Sở Nội vụ (tên thử)",
            "kind": w.unit.kind,
            "parent_code": "19",
        },
        watch=lambda w: type(w.unit).objects.filter(pk=w.unit.pk),
    ),
    page(
        "orgs:lineage-create",
        get=grant("org.lineage.change", "own"),
        post=grant("org.lineage.change", "own"),
        args=obj("unit"),
        sides=ORG,
        data=lambda w, who: {"kind": "dissolved", "effective_date": "01/08/2025"},
        watch=lambda w: type(w.unit).objects.filter(pk=w.unit.pk),
    ),
    # people
    page("people:person-list", get=anywhere("person.view"), sides=ANY),
    page(
        "people:person-create",
        get=anywhere("person.create"),
        post=grant("person.create", "own"),
        post_refused=elsewhere("person.create"),
        sides=ORG,
        data=lambda w, who: {
            "full_name": "Người Thử Ma Trận",
            "gender": "F",
            "category": "worker",
            "unit_code": "19.SNV",
        },
    ),
    page("people:person-detail", get=grant("person.view", "own"), args=obj("person"), sides=ORG),
    page(
        "people:person-edit",
        get=grant("person.change", "own"),
        post=grant("person.change", "own"),
        args=obj("person"),
        sides=ORG,
        data=lambda w, who: {
            "full_name": "Người Đổi Tên",
            "gender": w.person.gender,
            "category": w.person.category,
        },
        watch=lambda w: type(w.person).objects.filter(pk=w.person.pk),
    ),
    page(
        "people:person-transfer",
        get=grant("person.change", "own"),
        post=grant("person.change", "own"),
        args=obj("person"),
        sides=ORG,
        data=lambda w, who: {"to_unit_code": "19.BTDKT", "start_date": "01/09/2025"},
        watch=lambda w: type(w.person).objects.filter(pk=w.person.pk),
    ),
    # imports: people (person.import) and organisations (org.import)
    page(
        "imports:job-list",
        get=anywhere("person.import") | anywhere("org.import"),
        post=anywhere("person.import") | anywhere("org.import"),
        sides=ANY,
    ),
    page(
        "imports:template",
        get=anywhere("person.import"),
        args=lambda w, who: {"kind": "people"},
        sides=ANY,
    ),
    page(
        "imports:job-detail",
        get=grant("person.import", "own"),
        args=own_of("import_jobs"),
        sides=PERSONAL,
        note="one's own job (of people); someone else's is a 404",
    ),
    # clusters
    page("clusters:cluster-list", get=anywhere("cluster.view"), sides=ANY),
    page(
        "clusters:cluster-create",
        get=anywhere("cluster.manage"),
        post=grant("cluster.manage", "own"),
        post_refused=elsewhere("cluster.manage"),
        sides=ANY,
        data=lambda w, who: {
            "kind": "cum",
            "organiser_code": "19",
            "code": "CTD-MT",
            "name": "Cụm thi đua thử của ma trận",
        },
    ),
    page("clusters:cluster-detail", get=SEE_CLUSTER, args=cluster, sides=CLUSTER_SIDES),
    page(
        "clusters:year-open",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=cluster,
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"year": "2018"},
    ),
    page("clusters:year-detail", get=SEE_CLUSTER, args=year_args(), sides=CLUSTER_SIDES),
    page("clusters:year-members", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:year-head",
        post=RUN_LATEST,
        args=year_args(),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"head": w.member.pk, "decision": "05/QĐ-MT"},
        watch=lambda w: type(w.year).objects.filter(pk=w.year.pk),
    ),
    page(
        "clusters:year-flag",
        post=RUN_LATEST,
        args=year_args(),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"day": "20/12/2017"},
        watch=lambda w: type(w.year).objects.filter(pk=w.year.pk),
    ),
    page("clusters:year-outcomes", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:meeting-create",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=year_args(),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"kind": "mid_year", "date": "15/06/2017", "place": "Lạng Sơn"},
    ),
    page(
        "clusters:meeting-detail",
        get=SEE_CLUSTER,
        post=RUN_LATEST,
        args=obj("meeting", "meeting_id"),
        sides=CLUSTER_SIDES,
    ),
    page(
        "clusters:meeting-minutes",
        get=SEE_CLUSTER,
        args=obj("meeting", "meeting_id"),
        sides=CLUSTER_SIDES,
    ),
    page(
        "clusters:meeting-document",
        get=SEE_CLUSTER,
        args=lambda w, who: {"meeting_id": w.meeting.pk, "fmt": "docx"},
        sides=CLUSTER_SIDES,
    ),
    page(
        "clusters:covenant",
        get=SEE_CLUSTER,
        post=RUN_LATEST,
        args=year_args(),
        sides=CLUSTER_SIDES,
    ),
    page("clusters:covenant-send", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page("clusters:covenant-sign", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page("clusters:covenant-lock", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:covenant-document",
        get=SEE_CLUSTER,
        args=lambda w, who: {"pk": w.cluster.pk, "year": w.year.year, "fmt": "docx"},
        sides=CLUSTER_SIDES,
    ),
    page("clusters:covenant-scan", get=SEE_CLUSTER, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:registration",
        get=SEE_CLUSTER,
        post=ACT_FOR_MEMBER,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    page(
        "clusters:registration-decide",
        post=RUN_LATEST,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    page("clusters:reports", get=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:period-create",
        post=RUN_LATEST,
        args=year_args(),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {
            "kind": "half",
            "name": "Sáu tháng đầu năm 2017",
            "start": "01/01/2017",
            "end": "30/06/2017",
            "due": "15/07/2017",
        },
    ),
    page("clusters:extension-grant", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page("clusters:indicators", get=SEE_CLUSTER, args=year_args(), sides=CLUSTER_SIDES),
    page(
        "clusters:submission",
        get=ACT_FOR_MEMBER | RUN_LATEST,
        post=ACT_FOR_MEMBER,
        args=lambda w, who: {"period_id": w.period.pk, "org_id": w.member.pk},
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"file": w.upload(), "summary": "Báo cáo sửa"},
        watch=lambda w: type(w.submission).objects.filter(pk=w.submission.pk),
    ),
    page(
        "clusters:submission-file",
        get=ACT_FOR_MEMBER | RUN_LATEST,
        args=obj("submission", "submission_id"),
        sides=CLUSTER_SIDES,
    ),
    # movements (Thái Nguyên's)
    page("movements:movement-list", get=anywhere("movement.view"), sides=ANY),
    page(
        "movements:movement-create",
        get=anywhere("movement.manage"),
        post=grant("movement.manage", "own"),
        post_refused=elsewhere("movement.manage"),
        sides=PROVINCE,
        data=lambda w, who: MOVEMENT_FORM,
    ),
    page(
        "movements:movement-detail",
        get=grant("movement.view", "own"),
        args=obj("movement"),
        sides=PROVINCE,
    ),
    page(
        "movements:movement-edit",
        get=grant("movement.manage", "own"),
        post=grant("movement.manage", "own"),
        args=obj("movement"),
        sides=PROVINCE,
        data=lambda w, who: MOVEMENT_FORM,
        watch=lambda w: type(w.movement).objects.filter(pk=w.movement.pk),
    ),
    page(
        "movements:movement-participants",
        post=grant("movement.manage", "own"),
        args=obj("movement"),
        sides=PROVINCE,
        data=lambda w, who: {"unit_codes": "19.SNV"},
    ),
    page(
        "movements:review-create",
        get=grant("movement.manage", "own"),
        post=grant("movement.manage", "own"),
        args=obj("movement"),
        sides=PROVINCE,
        data=lambda w, who: {"kind": "so_ket", "date": "01/06/2025", "title": "Sơ kết thử"},
    ),
    page(
        "movements:review-document",
        get=grant("movement.view", "own"),
        args=obj("review", "review_id"),
        sides=PROVINCE,
    ),
    # scoring: the 2017 table (the latest year) and the member's sheet
    page("scoring:table", get=SEE_CLUSTER, args=year_args(), sides=CLUSTER_SIDES),
    page("scoring:table-start", post=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page("scoring:table-edit", post=RUN_LATEST, args=obj("table", "table_id"), sides=CLUSTER_SIDES),
    page(
        "scoring:table-publish", post=RUN_LATEST, args=obj("table", "table_id"), sides=CLUSTER_SIDES
    ),
    page("scoring:table-lock", post=RUN_LATEST, args=obj("table", "table_id"), sides=CLUSTER_SIDES),
    page("scoring:table-due", post=RUN_LATEST, args=obj("table", "table_id"), sides=CLUSTER_SIDES),
    page(
        "scoring:table-amend", post=RUN_LATEST, args=obj("table", "table_id"), sides=CLUSTER_SIDES
    ),
    page("scoring:table-xlsx", get=SEE_CLUSTER, args=obj("table", "table_id"), sides=CLUSTER_SIDES),
    page(
        "scoring:table-preview",
        get=SEE_CLUSTER,
        post=SEE_CLUSTER,
        args=obj("table", "table_id"),
        sides=CLUSTER_SIDES,
        note="a trial computation: it stores nothing",
    ),
    page(
        "scoring:sheet",
        get=ACT_FOR_MEMBER | RUN_LATEST | REVIEW_SHEET,
        args=lambda w, who: {"pk": w.cluster.pk, "year": w.year.year, "org_id": w.member.pk},
        sides=SHEET_SIDES,
    ),
    page(
        "scoring:sheet-save",
        post=ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        data=lambda w, who: {"code": w.sheet_code, "value": "1", "version": w.sheet.version},
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    page(
        "scoring:sheet-evidence",
        post=ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
    ),
    page(
        "scoring:sheet-submit",
        post=ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    page(
        "scoring:evidence-file",
        get=ACT_FOR_MEMBER | RUN_PAST | REVIEW_SHEET | grant("cluster.act_for_member", "head"),
        args=obj("evidence", "evidence_id"),
        sides=SHEET_SIDES,
        note="Lạng Sơn's 2016 sheet, which Lào Cai (2017's head) and Lai Châu cross-checked; "
        "2016 had no head, and only the organiser runs a past year",
    ),
    page(
        "scoring:sheet-review",
        post=REVIEW_SHEET,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        data=lambda w, who: {"reviewer": w.reviewer.pk, "code": w.sheet_code, "value": "1"},
        note="the assigned reviewing unit only (not the member, not the admin for it)",
    ),
    page(
        "scoring:sheet-explain",
        post=ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    page(
        "scoring:sheet-step",
        post=RUN_LATEST,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    page(
        "scoring:crosscheck",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=obj("table", "table_id"),
        sides=CLUSTER_SIDES,
    ),
    page(
        "scoring:results",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=obj("table", "table_id"),
        sides=CLUSTER_SIDES,
        note="unpublished: only those who run the year see the ranking",
    ),
    # votes: a paper vote at the 2017 meeting, counted and closed
    page("votes:poll-list", get=SIGNED_IN, sides=ANY, note="the polls the caller sees or votes in"),
    page(
        "votes:poll-create",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=lambda w, who: {"?": {"meeting": w.meeting.pk}},
        sides=CLUSTER_SIDES,
    ),
    page("votes:poll", get=SEE_CLUSTER, args=obj("poll", "poll_id"), sides=CLUSTER_SIDES),
    page("votes:poll-count", get=RUN_LATEST, args=obj("poll", "poll_id"), sides=CLUSTER_SIDES),
    page("votes:poll-step", post=RUN_LATEST, args=obj("poll", "poll_id"), sides=CLUSTER_SIDES),
    page(
        "votes:ballot",
        get=frozenset({"member.focal_point"}),
        post=frozenset({"member.focal_point"}),
        args=obj("ballot_poll", "poll_id"),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"choice": "yes"},
        note="a poll whose roll names Lạng Sơn's focal point as its delegate: the delegate only, "
        "not even the admin (the poll is not open yet, so the vote itself is refused)",
    ),
    page(
        "votes:paper",
        get=RUN_LATEST,
        post=RUN_LATEST,
        args=obj("poll", "poll_id"),
        sides=CLUSTER_SIDES,
    ),
    page(
        "votes:minutes",
        get=RUN_LATEST,
        args=lambda w, who: {"poll_id": w.poll.pk, "fmt": "docx"},
        sides=CLUSTER_SIDES,
        note="closed, not published: those who run the poll only",
    ),
]

# The commendation register: Sở Nội vụ Thái Nguyên's decision, record and Thái Nguyên's initiative.
DECISION = ORG

PAGES += [
    page("register:record-list", get=anywhere("register.view"), sides=ANY),
    page("register:decision-list", get=anywhere("register.view"), sides=ANY),
    page(
        "register:decision-create",
        get=anywhere("register.manage"),
        post=grant("register.manage", "own"),
        post_refused=elsewhere("register.manage"),
        sides=DECISION,
        data=lambda w, who: {
            "number": "99/QĐ-MT",
            "date": "05/05/2025",
            "issuer_code": "19.SNV",
            "category": "phong_trao",
        },
    ),
    page(
        "register:decision-detail",
        get=grant("register.view", "own"),
        post=grant("register.manage", "own"),
        args=obj("decision"),
        sides=DECISION,
        data=lambda w, who: {
            "code": "TTLDTT",
            "year": "2024",
            "unit_code": "19.BTDKT",
            "collective": "on",
        },
    ),
    page(
        "register:decision-document",
        get=grant("register.view", "own"),
        args=lambda w, who: {"pk": w.decision.pk, "fmt": "docx"},
        sides=DECISION,
    ),
    page(
        "register:record-revoke",
        get=grant("register.manage", "own"),
        post=grant("register.manage", "own"),
        args=obj("record"),
        sides=DECISION,
        data=lambda w, who: {
            "reason": "Thử thu hồi",
            "decision_number": "100/QĐ-MT",
            "decision_date": "01/06/2025",
        },
        watch=lambda w: type(w.record).objects.filter(pk=w.record.pk),
    ),
    page("register:eligible-list", get=anywhere("register.view"), sides=ANY),
    page("register:initiative-list", get=anywhere("register.view"), sides=ANY),
    page(
        "register:initiative-create",
        get=anywhere("register.manage"),
        post=grant("register.manage", "own"),
        post_refused=elsewhere("register.manage"),
        sides=PROVINCE,
        data=lambda w, who: {
            "code": "SK-MT-1",
            "title": "Sáng kiến thử",
            "kind": "sang_kien",
            "scope": "CO_SO",
            "recognised_by_code": "19",
            "recognised_on": "10/01/2025",
            "authors": w.person.full_name,
        },
    ),
    page(
        "register:initiative-detail",
        get=grant("register.view", "own"),
        post=grant("register.manage", "own"),
        args=obj("initiative"),
        sides=PROVINCE,
    ),
    page(
        "register:ratings",
        get=anywhere("register.rate"),
        post=grant("register.rate", "own"),
        post_refused=elsewhere("register.rate"),
        args=lambda w, who: {"?": {"unit_code": "19.SNV", "year": "2024"}},
        sides=DECISION,
        data=lambda w, who: {f"rating-{w.person.pk}": "HTXSNV"},
    ),
    page(
        "register:catalogue",
        get=anywhere("register.view"),
        post=grant("register.parameters", "own"),
        post_refused=elsewhere("register.parameters"),
        sides=ANY,
        data=lambda w, who: {
            "org_code": "19",
            "key": "CSTD_CS_MAX_SHARE",
            "value": "0.15",
            "valid_from": "01/01/2025",
        },
    ),
    page("register:fund", get=anywhere("register.view"), sides=ANY),
    page(
        "register:import-start",
        get=grant("register.manage", "own"),
        post=grant("register.manage", "own"),
        args=obj("decision"),
        sides=DECISION,
    ),
    page("register:import-template", get=anywhere("register.manage"), sides=ANY),
    page(
        "register:import-detail",
        get=grant("register.manage", "own"),
        args=own_of("recipient_imports"),
        sides=DECISION,
        note="one's own import on the decision; someone else's (the other side's) is a 404",
    ),
    page(
        "register:import-review",
        get=grant("register.manage", "own"),
        post=grant("register.manage", "own"),
        args=own_of("recipient_imports"),
        sides=DECISION,
    ),
    page(
        "register:import-apply",
        post=grant("register.manage", "own"),
        args=own_of("recipient_imports"),
        sides=DECISION,
    ),
]

# Proposal dossiers: HS-2026-000002, sent by Huế to the Central Council and submitted.
PREPARE = grant("dossier.prepare", "proposer")
APPRAISE = grant("dossier.appraise", "receiver")
SEE_DOSSIER = grant("dossier.view", "proposer", "receiver")
dossier = obj("dossier")
recipient = obj("recipient")

PAGES += [
    page("dossiers:dossier-list", get=anywhere("dossier.view"), sides=ANY),
    page(
        "dossiers:dossier-create",
        get=anywhere("dossier.prepare"),
        post=grant("dossier.prepare", "own"),
        post_refused=elsewhere("dossier.prepare"),
        sides=ANY,
        data=lambda w, who: {
            "proposer": "19.SNV",
            "receiver": "19",
            "level": "bo_tinh",
            "code": "BK_BO",
            "year": "2024",
        },
    ),
    page(
        "dossiers:calendar",
        get=anywhere("dossier.view"),
        post=ADMIN_ONLY,
        sides=ANY,
        data=lambda w, who: {"holiday": "1", "h-day": "24/12/2025", "h-name": "Ngày thử"},
        note="dossier.calendar: system administrators",
    ),
    page("dossiers:holiday-delete", post=ADMIN_ONLY, args=obj("holiday"), sides=ANY),
    page("dossiers:dossier-detail", get=SEE_DOSSIER, args=dossier, sides=DOSSIER_SIDES),
    page(
        "dossiers:dossier-transition",
        post=APPRAISE,
        args=dossier,
        sides=DOSSIER_SIDES,
        data=lambda w, who: {"target": "appraisal"},
        note="submitted → under appraisal: the receiving level's keepers",
    ),
    page("dossiers:dossier-forward", post=APPRAISE, args=dossier, sides=DOSSIER_SIDES),
    page(
        "dossiers:dossier-decide",
        post=grant("dossier.decide", "receiver"),
        args=dossier,
        sides=DOSSIER_SIDES,
    ),
    page(
        "dossiers:council-poll-link",
        post=grant("dossier.council", "receiver"),
        args=dossier,
        sides=DOSSIER_SIDES,
    ),
    page("dossiers:document-add", post=PREPARE | APPRAISE, args=dossier, sides=DOSSIER_SIDES),
    page(
        "dossiers:dossier-letter-docx",
        get=SEE_DOSSIER,
        post=PREPARE | APPRAISE,
        args=dossier,
        sides=DOSSIER_SIDES,
        note="POST keeps the generated letter among the dossier's documents",
    ),
    page("dossiers:dossier-letter-pdf", get=SEE_DOSSIER, args=dossier, sides=DOSSIER_SIDES),
    page(
        "dossiers:recipient-add",
        get=PREPARE,
        post=PREPARE,
        args=dossier,
        sides=DOSSIER_SIDES,
    ),
    page(
        "dossiers:recipient-edit",
        get=SEE_DOSSIER,
        post=PREPARE,
        args=recipient,
        sides=DOSSIER_SIDES,
    ),
    page("dossiers:recipient-remove", post=PREPARE, args=recipient, sides=DOSSIER_SIDES),
    page(
        "dossiers:recipient-override",
        post=grant("dossier.override", "proposer"),
        args=recipient,
        sides=DOSSIER_SIDES,
        note="dossier.override is checked on the proposing unit",
    ),
    page(
        "dossiers:recipient-report-docx",
        get=SEE_DOSSIER,
        post=PREPARE | APPRAISE,
        args=recipient,
        sides=DOSSIER_SIDES,
    ),
    page("dossiers:recipient-report-pdf", get=SEE_DOSSIER, args=recipient, sides=DOSSIER_SIDES),
    page(
        "dossiers:document-download",
        get=SEE_DOSSIER,
        args=obj("dossier_document"),
        sides=DOSSIER_SIDES,
    ),
    page(
        "dossiers:comment-handle",
        post=APPRAISE,
        args=obj("comment"),
        sides=DOSSIER_SIDES,
        note="HS-2026-000001: the same proposer and receiver",
    ),
]

# Complaints: one about the decision of Sở Nội vụ Thái Nguyên, handled by its keepers.
COMPLAINT = ORG
HANDLE = grant("complaint.handle", "own")
complaint = obj("complaint")

PAGES += [
    page("complaints:complaint-list", get=anywhere("complaint.handle"), sides=ANY),
    page(
        "complaints:complaint-create",
        get=anywhere("complaint.handle"),
        post=grant("complaint.handle", "own"),
        post_refused=elsewhere("complaint.handle"),
        sides=ANY,
        data=lambda w, who: {
            "kind": "phan_anh",
            "content": "Phản ánh thử: số liệu báo cáo chưa khớp với hồ sơ.",
            "received_on": "01/06/2025",
            "org_code": "19",
        },
    ),
    page("complaints:complaint-detail", get=HANDLE, args=complaint, sides=COMPLAINT),
    page(
        "complaints:complaint-assign",
        post=HANDLE,
        args=complaint,
        sides=COMPLAINT,
        data=lambda w, who: {"assignee": who.user.pk if who.user else 0},
        watch=lambda w: type(w.complaint).objects.filter(pk=w.complaint.pk),
    ),
    page(
        "complaints:complaint-step",
        post=HANDLE,
        args=complaint,
        sides=COMPLAINT,
        data=lambda w, who: {"note": "Đã xác minh."},
        watch=lambda w: type(w.complaint).objects.filter(pk=w.complaint.pk),
    ),
    page(
        "complaints:complaint-extend",
        post=HANDLE,
        args=complaint,
        sides=COMPLAINT,
        data=lambda w, who: {"days": "10", "reason": "Cần xác minh thêm."},
        watch=lambda w: type(w.complaint).objects.filter(pk=w.complaint.pk),
    ),
    page(
        "complaints:complaint-resolve",
        post=HANDLE,
        args=complaint,
        sides=COMPLAINT,
        data=lambda w, who: {"resolution": "Giữ nguyên quyết định."},
        watch=lambda w: type(w.complaint).objects.filter(pk=w.complaint.pk),
    ),
    page(
        "complaints:complaint-dismiss",
        post=HANDLE,
        args=complaint,
        sides=COMPLAINT,
        data=lambda w, who: {"reason": "Không thuộc thẩm quyền."},
        watch=lambda w: type(w.complaint).objects.filter(pk=w.complaint.pk),
    ),
    page(
        "complaints:complaint-from-comment",
        get=grant("complaint.handle", "receiver"),
        post=grant("complaint.handle", "receiver"),
        args=obj("comment"),
        sides=DOSSIER_SIDES,
    ),
    page(
        "complaints:public-intake",
        get=PUBLIC,
        post=PUBLIC,
        args=lambda w, who: {"reference": w.comment_dossier.reference},
        sides=ANY,
        note="the public page of a dossier under comment",
    ),
    page(
        "complaints:public-received",
        get=PUBLIC,
        args=lambda w, who: {"reference": w.comment_dossier.reference},
        sides=ANY,
    ),
]

# Exemplary models: Lạng Sơn's.
MODEL = {"own": "20", "other": OTHER}
model = obj("model")

PAGES += [
    page("exemplary:model-list", get=anywhere("exemplary.view"), sides=ANY),
    page(
        "exemplary:model-create",
        get=anywhere("exemplary.manage"),
        post=grant("exemplary.manage", "own"),
        post_refused=elsewhere("exemplary.manage"),
        sides=MODEL,
        data=lambda w, who: {
            "kind": "model",
            "org_code": "20",
            "name": "Mô hình thử",
            "discovered_on": "01/01/2025",
        },
    ),
    page("exemplary:model-detail", get=grant("exemplary.view", "own"), args=model, sides=MODEL),
    page(
        "exemplary:model-edit",
        get=grant("exemplary.manage", "own"),
        post=grant("exemplary.manage", "own"),
        args=model,
        sides=MODEL,
        data=lambda w, who: {"org_code": "20", "name": "Tên thử", "sector": "Nông nghiệp"},
        watch=lambda w: type(w.model).objects.filter(pk=w.model.pk),
    ),
    page(
        "exemplary:model-advance",
        post=grant("exemplary.manage", "own"),
        args=model,
        sides=MODEL,
        data=lambda w, who: {"stage": "replicated", "on": "01/02/2025"},
        watch=lambda w: type(w.model).objects.filter(pk=w.model.pk),
    ),
    page("exemplary:model-links", post=grant("exemplary.manage", "own"), args=model, sides=MODEL),
]

# Statistics and reports
PAGES += [
    page("stats:unit", get=anywhere("stats.view"), sides=ANY),
    page("stats:fairness", get=anywhere("stats.view"), sides=ANY),
    page("stats:rotation", get=anywhere("stats.view"), sides=ANY),
    page("stats:cluster", get=SEE_CLUSTER, args=cluster, sides=CLUSTER_SIDES),
    page(
        "reports:statistics",
        get=grant("stats.report", "own"),
        args=lambda w, who: {"?": {"unit": w.org("19").pk, "year": "2024"}},
        sides=PROVINCE,
        note="Thái Nguyên's report: its keepers; another unit's keepers are turned away",
    ),
    page(
        "reports:templates",
        get=grant("stats.report", "own"),
        post=grant("stats.report", "own"),
        args=lambda w, who: {"?": {"unit": w.org("19").pk}},
        sides=PROVINCE,
        data=lambda w, who: {"file": w.report_layout(), "note": "Mẫu thử"},
    ),
    page("reports:placeholders", get=anywhere("stats.report"), sides=ANY),
    page("reports:template-builtin", get=anywhere("stats.report"), sides=ANY),
    page(
        "reports:template-file",
        get=grant("stats.report", "own"),
        args=obj("report_template"),
        sides=PROVINCE,
    ),
    page(
        "reports:template-activate",
        post=grant("stats.report", "own"),
        args=obj("report_template"),
        sides=PROVINCE,
    ),
    page(
        "reports:template-deactivate",
        post=grant("stats.report", "own"),
        args=lambda w, who: {"org_id": w.org("19").pk},
        sides=PROVINCE,
    ),
    page("reports:cluster-yearend", get=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
    page("reports:cluster-yearend-pdf", get=RUN_LATEST, args=year_args(), sides=CLUSTER_SIDES),
]

# Document templates (Thái Nguyên's) and certificates (the decision of Sở Nội vụ Thái Nguyên)
PAGES += [
    page("documents:kind-list", get=anywhere("document.template"), sides=ANY),
    page(
        "documents:kind-detail",
        get=anywhere("document.template"),
        post=grant("document.template", "own"),
        post_refused=elsewhere("document.template"),
        args=lambda w, who: {"kind": "decision"},
        sides=PROVINCE,
        data=lambda w, who: {"org_code": "19", "file": w.document_layout()},
    ),
    page(
        "documents:kind-sample",
        get=anywhere("document.template"),
        args=lambda w, who: {"kind": "decision", "fmt": "docx"},
        sides=ANY,
    ),
    page(
        "documents:kind-starter",
        get=anywhere("document.template"),
        args=lambda w, who: {"kind": "decision"},
        sides=ANY,
    ),
    page(
        "documents:template-download",
        get=grant("document.template", "own"),
        args=obj("document_template"),
        sides=PROVINCE,
    ),
    page(
        "documents:template-preview",
        get=grant("document.template", "own"),
        args=lambda w, who: {"pk": w.document_template.pk, "fmt": "docx"},
        sides=PROVINCE,
    ),
    page(
        "documents:template-remove",
        post=grant("document.template", "own"),
        args=obj("document_template"),
        sides=PROVINCE,
    ),
    page(
        "certificates:decision",
        get=grant("certificate.print", "own"),
        args=obj("decision"),
        sides=DECISION,
    ),
    # Printing issues codes and counts prints: a POST, by those who act for the issuer (a GET
    # goes back to the decision's certificates page).
    page(
        "certificates:print",
        post=grant("certificate.print", "own"),
        args=obj("decision"),
        sides=DECISION,
    ),
    page(
        "certificates:print-docx",
        post=grant("certificate.print", "own"),
        args=obj("decision"),
        sides=DECISION,
    ),
    # For the public, without sign-in
    page("verify:form", get=PUBLIC, sides=ANY),
    page(
        "verify:code",
        get=PUBLIC,
        args=lambda w, who: {"code": w.certificate_code},
        sides=ANY,
    ),
    page("public:comment-list", get=PUBLIC, sides=ANY),
    page(
        "public:comment-detail",
        get=PUBLIC,
        post=PUBLIC,
        args=lambda w, who: {"reference": w.comment_dossier.reference},
        sides=ANY,
    ),
    # The API's own pages: its description and documentation are public.
    page("api:openapi-json", get=PUBLIC, sides=ANY),
    page("api:openapi-view", get=PUBLIC, sides=ANY),
]

# Routes the matrix does not request, and why.
PUBLIC_ROUTES: dict[str, str] = {
    "accounts:logout": "signs the caller out (POST); public, and it would end the case's session",
    "accounts:password-reset-confirm": "needs a one-time token of a user; public by design",
    "api:api-root": "django-ninja's index of /api/v1/: a 404 for everyone (it only names the docs)",
}


def _example(module: str) -> dict[str, Any]:
    """The documented example body of a stateless API operation (valid, so the call reaches the
    permission check and not the input's validation)."""
    import importlib

    return dict(importlib.import_module(module).EXAMPLE)


# --------------------------------------------------------------------------------------------
# API operations (anonymous callers get 401; objects out of reach are 404)

APIS: list[Row] = [
    api("GET /api/v1/orgs", anywhere("org.view"), sides=ANY),
    api(
        "GET /api/v1/orgs/{org_id}", grant("org.view", "own"), args=obj("unit", "org_id"), sides=ORG
    ),
    api(
        "GET /api/v1/orgs/{org_id}/lineage",
        grant("org.view", "own"),
        args=obj("unit", "org_id"),
        sides=ORG,
    ),
    api("GET /api/v1/people", anywhere("person.view"), sides=ANY),
    api(
        "GET /api/v1/people/{person_id}",
        grant("person.view", "own"),
        args=obj("person", "person_id"),
        sides=ORG,
    ),
    # Personal tokens: every signed-in user manages their own.
    api("GET /api/v1/tokens", SIGNED_IN, sides=ANY),
    api("POST /api/v1/tokens", SIGNED_IN, sides=ANY, data=lambda w, who: {"name": "thử"}),
    api(
        "DELETE /api/v1/tokens/{token_id}",
        MINE,
        args=own_of("api_tokens", "token_id"),
        sides=PERSONAL,
        note="one's own token (the one the request is signed with); someone else's is a 404",
    ),
    # Clusters: seed 004's cluster, 2017.
    api("GET /api/v1/clusters", anywhere("cluster.view"), sides=ANY),
    api(
        "GET /api/v1/clusters/{cluster_id}",
        SEE_CLUSTER,
        args=obj("cluster", "cluster_id"),
        sides=CLUSTER_SIDES,
    ),
    api(
        "GET /api/v1/clusters/{cluster_id}/years/{year}",
        SEE_CLUSTER,
        args=lambda w, who: {"cluster_id": w.cluster.pk, "year": w.year.year},
        sides=CLUSTER_SIDES,
    ),
    api(
        "GET /api/v1/clusters/{cluster_id}/years/{year}/covenant",
        SEE_CLUSTER,
        args=lambda w, who: {"cluster_id": w.cluster.pk, "year": w.year.year},
        sides=CLUSTER_SIDES,
    ),
    api(
        "PUT /api/v1/registrations/{registration_id}",
        ACT_FOR_MEMBER,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"targets": [], "titles": [], "note": "thử"},
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    api(
        "POST /api/v1/registrations/{registration_id}/register",
        ACT_FOR_MEMBER,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    api(
        "POST /api/v1/registrations/{registration_id}/accept",
        RUN_LATEST,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    api(
        "POST /api/v1/registrations/{registration_id}/return",
        RUN_LATEST,
        args=obj("registration", "registration_id"),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"reason": "Bổ sung chỉ tiêu."},
        watch=lambda w: type(w.registration).objects.filter(pk=w.registration.pk),
    ),
    api(
        "GET /api/v1/clusters/{cluster_id}/years/{year}/reports",
        RUN_LATEST | ACT_FOR_MEMBER | grant("cluster.act_for_member", "head"),
        args=lambda w, who: {"cluster_id": w.cluster.pk, "year": w.year.year},
        sides=CLUSTER_SIDES,
        note="those who run the year see every member; a member (the head too) its own row",
    ),
    api(
        "POST /api/v1/periods/{period_id}/submissions",
        ACT_FOR_MEMBER,
        args=obj("period", "period_id"),
        sides=CLUSTER_SIDES,
        data=lambda w, who: {"org_id": w.member.pk, "summary": "thử", "file": w.upload()},
        multipart=True,
    ),
    api(
        "GET /api/v1/clusters/{cluster_id}/years/{year}/indicators",
        SEE_CLUSTER,
        args=lambda w, who: {"cluster_id": w.cluster.pk, "year": w.year.year},
        sides=CLUSTER_SIDES,
    ),
    # Movements
    api("GET /api/v1/movements", anywhere("movement.view"), sides=ANY),
    api(
        "POST /api/v1/movements",
        grant("movement.manage", "own"),
        sides=PROVINCE,
        data=lambda w, who: {
            "launched_by_code": "19",
            "name": "Phong trào thử của ma trận",
            "kind": "regular",
            "scope": "ministry_or_province",
            "start": "2025-01-01",
        },
        note="launched by Thái Nguyên: its keepers only",
    ),
    api(
        "GET /api/v1/movements/{movement_id}",
        grant("movement.view", "own"),
        args=obj("movement", "movement_id"),
        sides=PROVINCE,
    ),
    # Scoring
    api(
        "POST /api/v1/scoring/preview",
        anywhere("cluster.view"),
        sides=ANY,
        data=lambda w, who: _example("scoring.api"),
    ),
    api(
        "GET /api/v1/scoring/sheets/{sheet_id}",
        ACT_FOR_MEMBER | RUN_LATEST | REVIEW_SHEET,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
    ),
    api(
        "POST /api/v1/scoring/sheets/{sheet_id}/self",
        ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        data=lambda w, who: {"code": w.sheet_code, "value": "1", "version": w.sheet.version},
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    api(
        "POST /api/v1/scoring/sheets/{sheet_id}/submit",
        ACT_FOR_MEMBER,
        args=obj("sheet", "sheet_id"),
        sides=SHEET_SIDES,
        watch=lambda w: type(w.sheet).objects.filter(pk=w.sheet.pk),
    ),
    # Votes and the register's stateless checks
    api(
        "POST /api/v1/votes/tally",
        anywhere("cluster.view"),
        sides=ANY,
        data=lambda w, who: _example("votes.api"),
    ),
    api(
        "POST /api/v1/eligibility/evaluate",
        anywhere("register.view"),
        sides=ANY,
        data=lambda w, who: _example("register.api"),
    ),
    api(
        "GET /api/v1/people/{person_id}/eligibility",
        grant("register.view", "own"),
        args=lambda w, who: {"person_id": w.person.pk, "?": {"target": "LDTT", "year": "2024"}},
        sides=ORG,
    ),
    api("GET /api/v1/register/records", anywhere("register.view"), sides=ANY),
    api(
        "GET /api/v1/people/{person_id}/records",
        grant("register.view", "own"),
        args=obj("person", "person_id"),
        sides=ORG,
    ),
    api("GET /api/v1/register/catalogue", anywhere("register.view"), sides=ANY),
    # Dossiers
    api("GET /api/v1/dossiers", anywhere("dossier.view"), sides=ANY),
    api(
        "GET /api/v1/dossiers/{dossier_id}",
        SEE_DOSSIER,
        args=obj("dossier", "dossier_id"),
        sides=DOSSIER_SIDES,
    ),
    api(
        "GET /api/v1/dossiers/{dossier_id}/checks",
        SEE_DOSSIER,
        args=obj("dossier", "dossier_id"),
        sides=DOSSIER_SIDES,
    ),
    api(
        "POST /api/v1/dossiers/{dossier_id}/transitions",
        APPRAISE,
        args=obj("dossier", "dossier_id"),
        sides=DOSSIER_SIDES,
        data=lambda w, who: {"target": "appraisal"},
        watch=lambda w: type(w.dossier).objects.filter(pk=w.dossier.pk),
    ),
    api("GET /api/v1/public/dossiers", PUBLIC, sides=ANY),
]

# --------------------------------------------------------------------------------------------
# Second looks: the same routes on objects in another situation.

# A past year: the Đồng bằng sông Hồng culture departments' cluster (organised by the Ministry of
# Culture) had Vĩnh Phúc as its head in 2017 and Ninh Bình in 2018. Last year's head loses its
# powers when the new year opens; only the organiser runs 2017 now.
PAST_SIDES = {
    "organiser": "TW-BVHTTDL",
    "past_head": "26.SVHTTDL",
    "head": "37.SVHTTDL",
    "other": OTHER,
}


def past_year_args(w: Any, who: Who) -> Mapping[str, Any]:
    return {"pk": w.past_cluster.pk, "year": 2017}


# A draft: HS-2026-000003, prepared by Sở Nội vụ Thái Nguyên for the province. Sending it is the
# proposing side's step; the province's roles reach the department, so its keepers may too.
DRAFT_SIDES = {"proposer": "19.SNV", "receiver": "19", "other": OTHER}
SEND = grant("dossier.prepare", "proposer", "receiver")

VARIANTS: list[Row] = [
    page(
        "clusters:meeting-create#past-year",
        get=RUN_PAST,
        post=RUN_PAST,
        args=past_year_args,
        sides=PAST_SIDES,
        data=lambda w, who: {"kind": "thematic", "date": "10/10/2017"},
    ),
    page(
        "clusters:year-head#past-year",
        post=RUN_PAST,
        args=past_year_args,
        sides=PAST_SIDES,
        data=lambda w, who: {"head": w.org("35.SVHTTDL").pk, "decision": "07/QĐ-MT"},
        watch=lambda w: w.past_cluster.years.filter(year=2017),
    ),
    page(
        "dossiers:dossier-transition#send",
        post=SEND,
        args=obj("draft_dossier"),
        sides=DRAFT_SIDES,
        data=lambda w, who: {"target": "submitted"},
        watch=lambda w: type(w.draft_dossier).objects.filter(pk=w.draft_dossier.pk),
        note="draft → submitted: the proposing side's step",
    ),
    api(
        "POST /api/v1/dossiers/{dossier_id}/transitions#send",
        SEND,
        args=obj("draft_dossier", "dossier_id"),
        sides=DRAFT_SIDES,
        data=lambda w, who: {"target": "submitted"},
        watch=lambda w: type(w.draft_dossier).objects.filter(pk=w.draft_dossier.pk),
    ),
]

ROWS: list[Row] = PAGES + APIS + VARIANTS
