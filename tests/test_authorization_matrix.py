"""The authorisation matrix (tests/authorization_table.py), run against the demo data.

For every route and API operation of the table, every method, and every caller (anonymous, a
signed-in user without a role, the system administrator, and each role on each side of the row):
an allowed caller gets an answer (2xx/3xx; a 4xx about the input is still "allowed" for writes),
a denied one gets 403 or 404 (signed in), a redirect to the sign-in page (anonymous, pages) or 401
(anonymous, API). A denied write changes nothing: the row counts of every table, the audit trail
and the rows the table watches are the same afterwards.

The data are built once per module and per test worker, inside a transaction rolled back at the
end; each case runs in a savepoint rolled back after it, so allowed writes do not leak.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Role, User
from accounts.services import membership_grant, token_create, user_create
from orgs.models import Org
from tests.authorization_table import (
    EXCLUDED_NAMESPACES,
    ORG_ROLES,
    OTHER,
    PUBLIC_ROUTES,
    ROWS,
    Row,
    Who,
    is_allowed,
    no_args,
)

PASSWORD = "m4t-khau-ma-tran"
LOGIN_URL = "/accounts/login/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


# --------------------------------------------------------------------------------------------
# The world: the demo, the objects it lacks, and one user per role and side.


class World:
    """The objects the table's rows point at, and the callers."""

    # Callers: "admin", "norole", and "<org code>|<role>"; their API tokens and sessions by user.
    users: dict[str, User]
    tokens: dict[int, str]
    api_tokens: dict[int, Any]
    sessions: dict[int, str]
    # Orgs and people
    unit: Org
    person: Any
    # Clusters, covenants, reports, scoring, votes
    cluster: Any
    past_cluster: Any
    year: Any
    past_year: Any
    member: Org
    reviewer: Org
    covenant: Any
    registration: Any
    meeting: Any
    period: Any
    submission: Any
    table: Any
    past_table: Any
    past_sheet: Any
    sheet: Any
    sheet_code: str
    evidence: Any
    poll: Any
    ballot_poll: Any
    # Movements, the register, dossiers, complaints, exemplary models, templates
    movement: Any
    review: Any
    decision: Any
    record: Any
    initiative: Any
    certificate_code: str
    dossier: Any
    draft_dossier: Any
    recipient: Any
    dossier_document: Any
    comment_dossier: Any
    comment: Any
    holiday: Any
    complaint: Any
    model: Any
    document_template: Any
    report_template: Any
    import_jobs: dict[int, Any]
    recipient_imports: dict[int, Any]

    def org(self, code: str) -> Org:
        return Org.objects.get(code=code)

    def upload(self) -> ContentFile[bytes]:
        """A small PDF to send where a file is needed."""
        return ContentFile(PDF, name="bao-cao.pdf")

    def document_layout(self) -> ContentFile[bytes]:
        """The starter DOCX of a decision, as an officer would upload it."""
        from documents import registry, starters

        return ContentFile(starters.starter(registry.get("decision")), name="mau.docx")

    def report_layout(self) -> ContentFile[bytes]:
        """The built-in statistical report layout, as an officer would upload it."""
        from reports import workbook

        return ContentFile(workbook.builtin_bytes(), name="mau.xlsx")


def _user(username: str, role: str | None = None, org: Org | None = None) -> User:
    user = user_create(actor=None, username=username, password=PASSWORD, full_name=username)
    if role is not None:
        membership_grant(actor=None, user=user, role=role, org=org)
    return user


def _callers(world: World) -> None:
    """One user per role and side organisation of the table, the admin and a user with no role."""
    world.users = {"admin": _user("mt.admin", Role.ADMIN, None), "norole": _user("mt.norole")}
    codes = {OTHER} | {code for row in ROWS for code in row.sides.values()}
    for code in sorted(codes):
        org = Org.objects.get(code=code)
        for role in ORG_ROLES:
            world.users[f"{code}|{role}"] = _user(f"mt.{code}.{role}".lower(), role, org)
    world.tokens = {}
    world.api_tokens = {}
    world.sessions = {}
    for user in world.users.values():
        token, secret = token_create(user=user, name="ma trận")
        world.tokens[user.pk] = secret
        world.api_tokens[user.pk] = token
        client = Client()
        client.force_login(user)
        world.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value


def _extras(world: World) -> None:
    """The objects the demo does not have, and handles on the demo's own."""
    from certificates.services import certificates_issue
    from clusters.models import Cluster, ClusterYear, Covenant, Registration
    from clusters.reports import period_create, submission_submit
    from clusters.services import meeting_attach_minutes, meeting_create
    from complaints.services import complaint_receive
    from documents import services as document_services
    from dossiers.models import Dossier, DossierDocument, Holiday, PublicComment
    from exemplary.models import ExemplaryModel
    from imports.models import ImportJob
    from movements.models import Movement, MovementReview
    from register.import_models import RecipientImport
    from register.models import Decision, Initiative, Record
    from reports import services as report_services
    from scoring.models import Assignment, Evidence, ScoringTable, Sheet
    from votes import services as vote_services

    admin = world.users["admin"]
    w = world
    # Orgs and people: Sở Nội vụ Thái Nguyên and one of its people.
    w.unit = Org.objects.get(code="19.SNV")
    w.person = w.unit.people.order_by("pk").first()
    # Clusters: seed 004's cluster (organised by the Central Council), its latest year 2017
    # (head: Lào Cai) and 2016; Lạng Sơn is a member, not the head.
    w.cluster = Cluster.objects.get(code="CTD-MNBG")
    w.year = ClusterYear.objects.get(cluster=w.cluster, year=2017)
    w.past_year = ClusterYear.objects.get(cluster=w.cluster, year=2016)
    w.member = Org.objects.get(code="20")
    w.past_cluster = Cluster.objects.get(code="CTD-VHTTDL-DBSH")
    w.covenant = Covenant.objects.get(cluster_year=w.year)
    w.registration = Registration.objects.get(covenant=w.covenant, org=w.member)
    w.meeting = meeting_create(
        actor=None,
        cluster_year=w.year,
        kind="year_end",
        date=dt.date(2017, 12, 15),
        place="Lào Cai",
        host=Org.objects.get(code="10"),
    )
    w.period = period_create(
        actor=None,
        cluster_year=w.year,
        kind="year",
        name="Báo cáo năm 2017",
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 12, 31),
        due=dt.date(2017, 12, 20),
    )
    w.submission = submission_submit(
        actor=None,
        period=w.period,
        org=w.member,
        upload=w.upload(),
        summary="Báo cáo năm",
    )
    w.meeting = meeting_attach_minutes(actor=None, meeting=w.meeting, upload=w.upload())
    # Scoring: the 2017 table (locked, sheets open); the 2016 sheets and their evidence.
    w.table = ScoringTable.objects.get(cluster_year=w.year)
    w.past_table = ScoringTable.objects.get(cluster_year=w.past_year)
    w.past_sheet = Sheet.objects.get(table=w.past_table, org=w.member)
    w.evidence = Evidence.objects.get(sheet=w.past_sheet)
    from scoring import assessment

    w.sheet = assessment.sheet_for(table=w.table, org=w.member)
    w.sheet_code = w.table.criteria.filter(children__isnull=True).order_by("pk").first().code
    # Lai Châu cross-checks Lạng Sơn's sheet (scoring.Assignment, made directly: the table's
    # cross-check is not open in the demo).
    w.reviewer = Org.objects.get(code="14")
    Assignment.objects.create(table=w.table, reviewer=w.reviewer, reviewee=w.member)
    # Votes: a paper vote at the 2017 meeting, counted and closed (not published).
    candidates = [m.org for m in w.year.members.select_related("org").order_by("org__code")]
    poll = vote_services.poll_create(
        actor=None,
        question="Đề nghị tặng Cờ thi đua của Chính phủ năm 2017",
        purpose="flag",
        method="plurality",
        candidates=[{"org": org} for org in candidates],
        meeting=w.meeting,
    )
    key = poll.candidates.order_by("position")[0].key
    # An electronic vote, not open yet, whose roll names Lạng Sơn's focal point.
    w.ballot_poll = vote_services.poll_create(
        actor=None,
        question="Biểu quyết thông qua chương trình công tác năm 2018",
        purpose="other",
        method="yes_no",
        candidates=[{"label": "Chương trình công tác năm 2018"}],
        meeting=w.meeting,
    )
    vote_services.voter_designate(
        actor=None, poll=w.ballot_poll, org=w.member, user=world.users["20|focal_point"]
    )
    w.poll = vote_services.paper_record(
        actor=None,
        poll=poll,
        committee="Nguyễn Văn An\nTrần Thị Bình",
        ballots_issued=2,
        ballots=[{"choice": key}, {"choice": key}],
    )
    # Movements: one launched by Thái Nguyên, and the one with a review.
    w.movement = Movement.objects.filter(launched_by__code="19").order_by("pk").first()
    w.review = MovementReview.objects.order_by("pk").first()
    w.review.document.save("tong-ket.pdf", w.upload(), save=False)
    w.review.document_name = "tong-ket.pdf"
    w.review.save(update_fields=["document", "document_name"])
    # The register: a decision of Sở Nội vụ Thái Nguyên, one of its records, an initiative.
    w.decision = (
        Decision.objects.filter(issuer=w.unit, records__revoked=False).order_by("pk").first()
    )
    w.record = Record.objects.filter(decision=w.decision, revoked=False).order_by("pk").first()
    w.initiative = Initiative.objects.filter(recognised_by__code="19").order_by("pk").first()
    w.certificate_code = certificates_issue(actor=admin, decision=w.decision)[0].display_code
    # The demo's three dossiers, in the order load_demo creates them (their references carry the
    # primary key, which PostgreSQL's sequences do not give back when other tests roll back, and
    # the year of the day): the first under public comment, with a comment; the second sent by
    # Huế to the Central Council (submitted, with documents); the third a draft.
    first, sent, draft = Dossier.objects.order_by("pk")[:3]
    w.dossier = sent
    w.draft_dossier = draft
    w.recipient = w.dossier.recipients.order_by("pk").first()
    w.dossier_document = DossierDocument.objects.filter(dossier=w.dossier).order_by("pk").first()
    w.comment_dossier = first
    today = timezone.localdate()
    Dossier.objects.filter(pk=w.comment_dossier.pk).update(
        comment_opens=today - dt.timedelta(days=3), comment_closes=today + dt.timedelta(days=7)
    )
    w.comment_dossier.refresh_from_db()
    w.comment = PublicComment.objects.create(
        dossier=w.comment_dossier, text="Ý kiến thử.", source="ma-tran"
    )
    w.holiday = Holiday.objects.order_by("pk").first()
    # Complaints: one about the decision of Sở Nội vụ Thái Nguyên, handled by Thái Nguyên.
    w.complaint = complaint_receive(
        actor=admin,
        kind="khieu_nai",
        content="Thành tích trong báo cáo không đúng sự thật, đề nghị xem xét lại.",
        complainant_name="Đinh Văn Kín",
        complainant_contact="0912 345 678",
        decision=w.decision,
    )
    # Exemplary models: Lạng Sơn's.
    w.model = ExemplaryModel.objects.get(org__code="20")
    # Templates: a document template and a report layout of Thái Nguyên.
    w.document_template = document_services.template_upload(
        actor=admin, org=Org.objects.get(code="19"), kind="decision", upload=w.document_layout()
    )
    w.report_template = report_services.template_upload(
        actor=admin, org=Org.objects.get(code="19"), upload=w.report_layout()
    )
    # Import jobs are their uploader's own: one per caller, and the admin's for "someone else's".
    w.import_jobs = {}
    w.recipient_imports = {}
    for user in world.users.values():
        w.import_jobs[user.pk] = ImportJob.objects.create(
            kind="people", file="imports/x.xlsx", original_name="x.xlsx", created_by=user
        )
        w.recipient_imports[user.pk] = RecipientImport.objects.create(
            decision=w.decision,
            file="register-imports/x.xlsx",
            original_name="x.xlsx",
            created_by=user,
        )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    media = tempfile.mkdtemp(prefix="thidua-matrix-")
    overrides = override_settings(MEDIA_ROOT=media)
    overrides.enable()
    # The matrix asks who gets an answer, not what the PDF looks like (documents/tests does):
    # WeasyPrint's layout, a tenth of a second a page, is skipped.
    fast_pdf = mock.patch("weasyprint.HTML.write_pdf", lambda self, *args, **kwargs: PDF)
    fast_pdf.start()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", password=PASSWORD, stdout=StringIO())
            built = World()
            _callers(built)
            _extras(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            fast_pdf.stop()
            shutil.rmtree(media, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The cases


@dataclass(frozen=True)
class Case:
    row: Row
    method: str
    who: str  # "anonymous", "norole", "admin" or "<side>.<role>"

    @property
    def id(self) -> str:
        return f"{self.row.target}|{self.method}|{self.who}"


def _expectations(row: Row, side: str) -> tuple[tuple[bool, bool], ...]:
    return tuple(
        (
            is_allowed(row.allow[method], f"{side}.{role}"),
            is_allowed(row.refuse.get(method, frozenset()), f"{side}.{role}"),
        )
        for method in row.allow
        for role in ORG_ROLES
    )


def _callers_of(row: Row) -> list[str]:
    """The callers of a row. A page about no object (a list, a form) is the same page on either
    side; its "other" side is tried only where the table expects something different there."""
    sides = list(row.sides)
    if (
        row.args is no_args
        and {"own", "other"} <= set(sides)
        and _expectations(row, "other") == _expectations(row, "own")
    ):
        sides.remove("other")
    names = ["anonymous", "norole", "admin"]
    names += [f"{side}.{role}" for side in sides for role in ORG_ROLES]
    return names


CASES = [Case(row, method, who) for row in ROWS for method in row.allow for who in _callers_of(row)]


def _who(world: World, row: Row, name: str) -> Who:
    if name == "anonymous":
        return Who(name, None, None, None)
    if name in ("norole", "admin"):
        return Who(name, world.users[name], None, name if name == "admin" else None)
    side, role = name.split(".", 1)
    return Who(name, world.users[f"{row.sides[side]}|{role}"], side, role)


@functools.cache
def _count_everything() -> tuple[list[str], str]:
    """Every table of the project and one statement counting the rows of each."""
    tables = sorted(
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    )
    qn = connection.ops.quote_name
    # Table names from the models, quoted: no outside input reaches the statement.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)  # noqa: S608
    return tables, sql


def _snapshot(row: Row, world: World) -> Any:
    """Row counts of every table, the last audit event, and the rows the table watches."""
    tables, sql = _count_everything()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    from core.models import AuditEvent

    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    watched = None
    if row.watch is not None:
        watched = [
            json.dumps(values, sort_keys=True, default=str) for values in row.watch(world).values()
        ]
    return counts, last_event, watched


def _url(row: Row, world: World, who: Who) -> str:
    args = dict(row.args(world, who))
    params = args.pop("?", None)
    if row.is_api:
        url = row.route.split(" ", 1)[1].format(**args)
    else:
        url = reverse(row.route, kwargs=args)
    return f"{url}?{urlencode(params)}" if params else url


def _request(case: Case, world: World, who: Who) -> Any:
    row = case.row
    url = _url(row, world, who)
    client = Client()
    headers: dict[str, str] = {}
    if who.user is not None:
        if row.is_api:
            headers["Authorization"] = f"Bearer {world.tokens[who.user.pk]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[who.user.pk]
    data = dict(row.data(world, who)) if row.data is not None else {}
    method = case.method.lower()
    if case.method == "GET":
        return client.get(url, headers=headers)
    if row.is_api and not row.multipart:
        return getattr(client, method)(
            url, json.dumps(data), content_type="application/json", headers=headers
        )
    return getattr(client, method)(url, data, headers=headers)


def _outcome(response: Any, api: bool) -> str:
    code = response.status_code
    if api and code == 401:
        return "login"
    if not api and code == 302 and response["Location"].startswith(LOGIN_URL):
        return "login"
    if code in (403, 404):
        return "denied"
    return "allowed" if code < 500 else f"error {code}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matrix(case: Case, world: World) -> None:
    row = case.row
    who = _who(world, row, case.who)
    allowed = is_allowed(row.allow[case.method], case.who)
    refused = not allowed and is_allowed(row.refuse.get(case.method, frozenset()), case.who)
    before = _snapshot(row, world) if case.method in UNSAFE and not allowed else None

    response = _request(case, world, who)

    problems = []
    outcome = _outcome(response, row.is_api)
    expected = "allowed" if allowed or refused else "login" if who.user is None else "denied"
    if outcome != expected:
        location = response.get("Location", "")
        problems.append(f"expected {expected}, got {response.status_code} {location}".strip())
    elif expected == "allowed" and case.method == "GET" and response.status_code >= 400:
        problems.append(f"expected 2xx/3xx, got {response.status_code}")
    if before is not None and _snapshot(row, world) != before:
        problems.append(f"a {'refused' if refused else 'denied'} request changed data")
    assert not problems, f"{case.id}: " + "; ".join(problems)


# --------------------------------------------------------------------------------------------
# Completeness: every route and every API operation has a row (or is public, or excluded).


def _route_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def _api_operations() -> set[str]:
    from thidua.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


# The API's own pages (its description, documentation and index); every other route of the
# "api" namespace is an operation, checked against the OpenAPI document below.
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def test_every_route_has_a_row() -> None:
    names = {n for n in _route_names() if n.split(":", 1)[0] not in EXCLUDED_NAMESPACES}
    pages = {n for n in names if not n.startswith("api:") or n in API_PAGES}
    covered = {row.route for row in ROWS if not row.is_api}
    missing = pages - covered - set(PUBLIC_ROUTES)
    assert not missing, f"routes without a row in tests/authorization_table.py: {sorted(missing)}"
    unknown = (covered | set(PUBLIC_ROUTES)) - pages
    assert not unknown, f"rows for routes that do not exist: {sorted(unknown)}"


def test_every_api_operation_has_a_row() -> None:
    operations = _api_operations()
    covered = {row.route for row in ROWS if row.is_api}
    missing = operations - covered
    assert not missing, f"API operations without a row: {sorted(missing)}"
    unknown = covered - operations
    assert not unknown, f"rows for API operations that do not exist: {sorted(unknown)}"


def test_every_row_is_unique() -> None:
    targets = [row.target for row in ROWS]
    assert len(targets) == len(set(targets))


def test_denied_requests_are_checked_for_changes() -> None:
    """The matrix has denied writes on both pages and the API (the no-change check runs)."""
    denied_writes = [
        c for c in CASES if c.method in UNSAFE and not is_allowed(c.row.allow[c.method], c.who)
    ]
    assert any(c.row.is_api for c in denied_writes)
    assert any(not c.row.is_api for c in denied_writes)


# --------------------------------------------------------------------------------------------
# Django's admin (outside the matrix): superusers only, whatever their roles.


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "norole", "admin", "own.officer", "superuser"])
@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/orgs/org/"])
def test_django_admin_is_for_superusers_only(world: World, who: str, url: str) -> None:
    client = Client()
    if who == "superuser":
        user = User.objects.create_superuser("mt.superuser", "", PASSWORD)
        client.force_login(user)
    elif who != "anonymous":
        user = world.users[
            "admin" if who == "admin" else "norole" if who == "norole" else "19|officer"
        ]
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[user.pk]

    response = client.get(url)

    if who == "superuser":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
