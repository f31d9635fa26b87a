"""Schemathesis against /api/v1/openapi.json: every operation, fuzzed in-process, as real users.

The schema is read from the application itself (Django's WSGI handler, no server), and each
operation gets schemathesis' examples, its coverage cases (boundaries, wrong types, missing and
extra values) and a bounded number of generated requests, positive and negative. The demo data is
loaded once for the module and rolled back at its end, so ids in paths often name real units,
people, clusters and their years, registrations, reporting periods, movements, scoring sheets and
dossiers; each operation runs as a system administrator, the commendation officer of Thái Nguyên
and the focal point of Lạng Sơn (a member of the demo's scoring cycle), each with a personal token.

Every response must be: no server error; a status the operation documents; the documented content
type and headers; a body matching the documented schema. Run on SQLite and on PostgreSQL (which
refuses U+0000 in text and numbers beyond bigint, where SQLite does not).

Reproducible: derandomized, no example database. `-s` prints how many requests each operation got
and the statuses it answered; API_FUZZ_EXAMPLES=300 runs deeper.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import ninja
import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup

from accounts import services as account_services
from accounts.models import ApiToken, User
from clusters.models import Cluster, ClusterMember, ClusterYear, Registration, ReportingPeriod
from core.api import nul_message
from dossiers.models import Dossier
from movements.models import Movement
from orgs.models import Org
from people.models import Person
from register.api import EXAMPLE as EVALUATE_EXAMPLE
from scoring.api import EXAMPLE as PREVIEW_EXAMPLE
from scoring.assessment import sheet_for
from scoring.models import Criterion, ScoringTable, Sheet
from scoring.services import engine_table
from votes.api import EXAMPLE as TALLY_EXAMPLE

# One worker runs the module under `pytest -n 2 --dist loadgroup`, so the demo loads once.
pytestmark = pytest.mark.xdist_group("api-schemathesis")

application = WSGIHandler()
SEED = 20250701
# Generated requests per operation for the administrator (half as many for the others); raise it
# for a deeper run, e.g. API_FUZZ_EXAMPLES=300 (the coverage phase's cases come on top).
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "40"))
# Values that databases treat differently: PostgreSQL refuses U+0000 in text and numbers beyond
# bigint; SQLite stores integers up to 2**63 - 1; far dates overflow date arithmetic. Half the
# hostile texts carry U+0000.
NUL_TEXT = ["\x00", "Bắc\x00Kạn", "CSTD_CS\x00", "\x00\x00\x00", "1\x00"]
OTHER_TEXT = [
    "%",
    "_",
    "\\",
    "'; DROP TABLE orgs_org; --",
    "\u202e\u0301",
    "𝔗𝔥𝔦 đ𝔲𝔞",
    "9999-12-31",
    "0001-01-01",
    "NaN",
    "-Infinity",
    "1e309",
    "9" * 40,
    "x" * 256,
    "Đ" * 301,
    "x" * 5000,
]
HOSTILE_INTEGERS = [
    2**31,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**30,
    32768,
    -1,
    0,
]


def load(coverage: bool) -> Any:
    """The schema as the application serves it; an explicit config, so no schemathesis.toml
    lying around changes what runs. The coverage phase (boundaries, wrong types, missing and extra
    values) is the slow part: it runs for the administrator only, where every check is reached."""
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "phases": {"coverage": {"enabled": coverage}},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = load(coverage=True)
schema_light = load(coverage=False)

ADMIN = "quantri"
OTHERS = ["canbo.thainguyen", "daumoi.langson"]
PERSONAS = [ADMIN, *OTHERS]
API_MODULES = [
    "accounts.api",
    "clusters.api",
    "core.api",
    "dossiers.api",
    "movements.api",
    "orgs.api",
    "people.api",
    "register.api",
    "scoring.api",
    "votes.api",
]

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]

# Filled by the `demo` fixture, read while cases are generated.
DEMO: dict[str, Any] = {}
TOKENS: dict[str, str] = {}
REAL_PATHS: dict[frozenset[str], list[dict[str, Any]]] = {}
REAL_QUERY: dict[str, list[Any]] = {}
REAL_BODY: dict[str, list[Any]] = {}
# (operation, persona) → status → count, printed at the end with -s.
SEEN: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)


def ids(queryset: Any, limit: int = 12) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


def collect_real_values() -> None:
    """Ids and values of the demo's objects, for paths, queries and bodies."""
    orgs = sorted(
        {
            *ids(Org.objects.filter(pk__in=Person.objects.values("unit_id")), 8),
            *ids(Org.objects.filter(pk__in=ClusterMember.objects.values("org_id")), 8),
            *ids(Org.objects.filter(code__in=["19", "06", "20", "24"])),
        }
    )
    single = {
        "org_id": orgs,
        "person_id": ids(Person.objects.all()),
        "cluster_id": ids(Cluster.objects.all()),
        "registration_id": ids(Registration.objects.all()),
        "period_id": ids(ReportingPeriod.objects.all()),
        "movement_id": ids(Movement.objects.all()),
        "sheet_id": ids(Sheet.objects.all()),
        "dossier_id": ids(Dossier.objects.all()),
        # Tokens no test signs in with: revoking one succeeds (and is undone after the request).
        "token_id": ids(ApiToken.objects.filter(name="spare")),
    }
    REAL_PATHS.clear()
    for name, values in single.items():
        REAL_PATHS[frozenset({name})] = [{name: value} for value in values]
    REAL_PATHS[frozenset({"cluster_id", "year"})] = [
        {"cluster_id": cluster_id, "year": year}
        for cluster_id, year in ClusterYear.objects.order_by("pk").values_list("cluster_id", "year")
    ]
    years = sorted(set(ClusterYear.objects.values_list("year", flat=True)))
    REAL_QUERY.clear()
    REAL_QUERY.update({"unit": orgs, "parent": orgs, "year": years})
    REAL_BODY.clear()
    REAL_BODY.update(
        {
            "org_id": ids(Org.objects.filter(pk__in=ClusterMember.objects.values("org_id")), 30),
            "code": sorted(set(Criterion.objects.values_list("code", flat=True)))[:20],
            "version": [1, 2, 3],
            "launched_by_code": list(
                Org.objects.filter(pk__in=orgs).values_list("code", flat=True)
            ),
            "start": ["2024-01-01", "2025-07-01"],
            "end": ["2025-12-31"],
            "decision_date": ["2024-01-01"],
        }
    )


def collect_demo_ids() -> None:
    """The objects the hand-written valid requests below act on."""
    covenant_open = Registration.objects.filter(covenant__status="sent", status="draft")
    sheet = Sheet.objects.get(org__code="20", table__cluster_year__year=2017)
    period = ReportingPeriod.objects.select_related("cluster_year").order_by("pk")[0]
    DEMO.clear()
    DEMO.update(
        {
            "spare_token": ApiToken.objects.get(user__username=ADMIN, name="spare").pk,
            "thai_nguyen": Org.objects.get(code="19").pk,
            "person": Person.objects.filter(unit__code="19.SNV").order_by("pk")[0].pk,
            "cluster": Cluster.objects.get(code="CTD-MNBG").pk,
            "registration": covenant_open.order_by("pk")[0].pk,
            "period": period.pk,
            "member": period.cluster_year.members.order_by("pk")[0].org_id,
            "sheet": sheet.pk,
            "sheet_version": sheet.version,
            "sheet_code": engine_table(sheet.table).leaves()[0].code,
            "dossier_submitted": Dossier.objects.get(status="submitted").pk,
        }
    )


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[None]:
    """The demo data and a token per persona, once for the module, rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", password="thidua-demo-fuzz", stdout=StringIO())
            for username in PERSONAS:
                user = User.objects.get(username=username)
                _token, secret = account_services.token_create(user=user, name="schemathesis")
                account_services.token_create(user=user, name="spare")
                TOKENS[username] = secret
            # The focal point of Lạng Sơn opens its 2017 sheet (scoring is open: the table is locked).
            langson = Org.objects.get(code="20")
            open_table = ScoringTable.objects.get(cluster_year__year=2017, status="locked")
            sheet_for(table=open_table, org=langson)
            collect_real_values()
            collect_demo_ids()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            TOKENS.clear()
    for (label, persona), statuses in sorted(SEEN.items()):
        print(
            f"{label} [{persona}]: {sum(statuses.values())} requests, {dict(sorted(statuses.items()))}"
        )
    print(f"total: {sum(sum(c.values()) for c in SEEN.values())} requests")


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Requests through the WSGI handler inside the test's transaction: as Django's test client
    does, keep request_started/finished from closing the connection mid-transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def realistic(value: Any, real: dict[str, list[Any]], name: str = "", depth: int = 0) -> Any:
    """A strategy for the generated value or, for a name with real values, one of those; inside
    lists and objects, the same for each item."""
    if real.get(name):
        return st.one_of(st.just(value), st.sampled_from(real[name]))
    if isinstance(value, list) and value and depth < 4:
        return st.tuples(*(realistic(item, real, name, depth + 1) for item in value)).map(list)
    if isinstance(value, dict) and value and depth < 4:
        return st.fixed_dictionaries(
            {key: realistic(item, real, key, depth + 1) for key, item in value.items()}
        )
    return st.just(value)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """The texts and whole numbers inside a value, with where they are."""
    if isinstance(value, bool):
        return []
    if isinstance(value, str | int):
        return [(path, value)]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for key, item in enumerate(value) for leaf in leaves(item, (*path, key))]
    return []


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


def hostile(value: Any) -> st.SearchStrategy:
    if isinstance(value, str):
        return st.one_of(st.sampled_from(NUL_TEXT), st.sampled_from(OTHER_TEXT))
    return st.sampled_from(HOSTILE_INTEGERS)


def one_hostile(value: Any) -> st.SearchStrategy:
    """The value with one of its texts or numbers replaced by a hostile one."""
    found = leaves(value)
    if not found:
        return st.just(value)
    return st.sampled_from(found).flatmap(
        lambda leaf: hostile(leaf[1]).map(lambda new: replaced(value, leaf[0], new))
    )


def varied(value: Any, real: dict[str, list[Any]]) -> st.SearchStrategy:
    """As generated; or with real values where there are some; and then perhaps one text or
    number replaced by a hostile value, so the rest of the request can get past the checks."""
    base = realistic(value, real)
    return st.one_of(st.just(value), base, base.flatmap(one_hostile))


def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy:
    if not path_parameters:
        return st.just(path_parameters)
    options = [st.just(path_parameters), one_hostile(path_parameters)]
    real = REAL_PATHS.get(frozenset(path_parameters))
    if real:
        options.append(st.sampled_from(real))
    return st.one_of(options)


def flatmap_query(context: Any, query: dict[str, Any] | None) -> st.SearchStrategy:
    if not isinstance(query, dict):
        return st.just(query)
    return varied(query, REAL_QUERY)


def flatmap_body(context: Any, body: Any) -> st.SearchStrategy:
    if not isinstance(body, dict | list):
        return st.just(body)
    return varied(body, REAL_BODY)


for loaded in (schema, schema_light):
    loaded.hook(flatmap_path_parameters)
    loaded.hook(flatmap_query)
    loaded.hook(flatmap_body)


def bounded(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


def call_and_check(case: Any, persona: str) -> None:
    headers = {"Authorization": f"Bearer {TOKENS[persona]}"}
    # Each request starts from the same data (a revoked token, a moved dossier are undone), so a
    # failure replays the same way while hypothesis shrinks it.
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    SEEN[(case.operation.label, persona)][response.status_code] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)


# The persona parameter also gives each operation its own test id: without one, pytest-xdist
# sees one id for all and runs only one of them.
@pytest.mark.parametrize("persona", [ADMIN])
@schema.parametrize()
@bounded(max_examples=EXAMPLES)
def test_every_operation_answers_the_administrator_as_documented(
    demo: None, db: Any, in_process_requests: None, persona: str, case: Any
) -> None:
    call_and_check(case, persona)


@pytest.mark.parametrize("persona", OTHERS)
@schema_light.parametrize()
@bounded(max_examples=max(EXAMPLES // 2, 1))
def test_every_operation_answers_an_officer_and_a_focal_point_as_documented(
    demo: None, db: Any, in_process_requests: None, persona: str, case: Any
) -> None:
    call_and_check(case, persona)


# --- Hostile variants of valid requests ------------------------------------------------------------
#
# Random generation seldom gets a whole request past the first checks, so a PostgreSQL-only failure
# deep in a write (a text too long for its column, U+0000, a number beyond bigint) may hide. Here
# each operation that reads more than an id has one valid request, written by hand against the demo
# data; it must succeed, and then every text and whole number in its path, query and body is
# replaced, one at a time, by hostile values. Each variant runs in a savepoint rolled back after it,
# so each starts from the same state.

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT_VARIANTS = ["Bắc\x00Kạn", "x" * 5000, "Đ" * 256, ""]
INTEGER_VARIANTS = [2**63, -(2**63) - 1, 10**30, 32768, -1, 0]


@dataclass
class Valid:
    persona: str
    method: str
    path: str
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    media_type: str | None = None


def valid_requests() -> dict[str, Valid]:
    d = DEMO
    json_body = "application/json"
    return {
        "create a token": Valid(
            ADMIN, "POST", "/tokens", body={"name": "ci"}, media_type=json_body
        ),
        "revoke a token": Valid(
            ADMIN, "DELETE", "/tokens/{token_id}", {"token_id": d["spare_token"]}
        ),
        "search units": Valid(
            OTHERS[0],
            "GET",
            "/orgs",
            query={
                "q": "thai",
                "kind": "department",
                "active_on": "2024-01-01",
                "parent": d["thai_nguyen"],
                "sort": "-name",
                "limit": 10,
                "offset": 0,
            },
        ),
        "a unit's lineage": Valid(
            OTHERS[0],
            "GET",
            "/orgs/{org_id}/lineage",
            {"org_id": d["thai_nguyen"]},
            {"at": "2025-07-01"},
        ),
        "search people": Valid(
            OTHERS[0],
            "GET",
            "/people",
            query={
                "q": "nguyen",
                "unit": d["thai_nguyen"],
                "category": "leader",
                "gender": "M",
                "sort": "birth_year",
            },
        ),
        "search clusters": Valid(ADMIN, "GET", "/clusters", query={"q": "MNBG", "kind": "cum"}),
        "a cluster year's indicators": Valid(
            ADMIN,
            "GET",
            "/clusters/{cluster_id}/years/{year}/indicators",
            {"cluster_id": d["cluster"], "year": 2016},
        ),
        "search movements": Valid(
            ADMIN, "GET", "/movements", query={"q": "thi đua", "kind": "regular", "year": 2024}
        ),
        "record a movement": Valid(
            ADMIN,
            "POST",
            "/movements",
            body={
                "launched_by_code": "20",
                "name": "Phong trào thi đua thử",
                "kind": "thematic",
                "scope": "ministry_or_province",
                "start": "2024-03-01",
                "end": "2025-12-31",
                "decision_number": "12/QĐ-UBND",
                "decision_date": "2024-02-20",
                "slogan": "Đoàn kết, sáng tạo",
                "theme": "Chuyển đổi số",
                "target_groups": "Cán bộ, công chức",
                "note": "Ghi chú",
            },
            media_type=json_body,
        ),
        "search the register": Valid(
            ADMIN,
            "GET",
            "/register/records",
            query={
                "q": "nguyen",
                "unit": d["thai_nguyen"],
                "code": "LDTT",
                "year": 2019,
                "level": "co_so",
                "category": "title",
                "gender": "F",
                "person_category": "worker",
                "ethnicity": "Kinh",
                "subject": "individual",
                "revoked": "no",
            },
        ),
        "a person's eligibility": Valid(
            OTHERS[0],
            "GET",
            "/people/{person_id}/eligibility",
            {"person_id": d["person"]},
            {"target": "CSTD_CS", "year": 2024},
        ),
        "evaluate a case": Valid(
            ADMIN, "POST", "/eligibility/evaluate", body=EVALUATE_EXAMPLE, media_type=json_body
        ),
        "preview a scoring table": Valid(
            ADMIN, "POST", "/scoring/preview", body=PREVIEW_EXAMPLE, media_type=json_body
        ),
        "tally ballots": Valid(
            ADMIN, "POST", "/votes/tally", body=TALLY_EXAMPLE, media_type=json_body
        ),
        "save a registration": Valid(
            ADMIN,
            "PUT",
            "/registrations/{registration_id}",
            {"registration_id": d["registration"]},
            body={
                "targets": [
                    {
                        "name": "Thu ngân sách nhà nước",
                        "measure": "tỷ đồng",
                        "value": "4006.5",
                        "deadline": "2016-12-31",
                    }
                ],
                "titles": ["CO_CP"],
                "note": "Đăng ký",
            },
            media_type=json_body,
        ),
        "submit a report": Valid(
            ADMIN,
            "POST",
            "/periods/{period_id}/submissions",
            {"period_id": d["period"]},
            body={
                "file": PDF,
                "org_id": d["member"],
                "summary": "Báo cáo năm",
                "actuals": "{}",
            },
            media_type="multipart/form-data",
        ),
        "save a self-assessment": Valid(
            OTHERS[1],
            "POST",
            "/scoring/sheets/{sheet_id}/self",
            {"sheet_id": d["sheet"]},
            body={
                "code": d["sheet_code"],
                "value": "4006",
                "target": "3889",
                "note": "Tự chấm",
                "version": d["sheet_version"],
            },
            media_type=json_body,
        ),
        "search dossiers": Valid(
            ADMIN,
            "GET",
            "/dossiers",
            query={"status": "submitted", "code": "BK_TTG", "year": 2018, "q": "Nghệ An"},
        ),
        "move a dossier": Valid(
            ADMIN,
            "POST",
            "/dossiers/{dossier_id}/transitions",
            {"dossier_id": d["dossier_submitted"]},
            body={"target": "appraisal", "note": "Thẩm định"},
            media_type=json_body,
        ),
    }


VALID_NAMES = [
    "create a token",
    "revoke a token",
    "search units",
    "a unit's lineage",
    "search people",
    "search clusters",
    "a cluster year's indicators",
    "search movements",
    "record a movement",
    "search the register",
    "a person's eligibility",
    "evaluate a case",
    "preview a scoring table",
    "tally ballots",
    "save a registration",
    "submit a report",
    "save a self-assessment",
    "search dossiers",
    "move a dossier",
]


def variants(valid: Valid) -> Iterator[tuple[str, Valid]]:
    """The request with one text or number at a time replaced by each hostile value."""
    for part in ("path_parameters", "query", "body"):
        value = getattr(valid, part)
        if not isinstance(value, dict | list):
            continue
        for where, current in leaves(value):
            news: list[Any] = []
            if isinstance(current, str):
                news += TEXT_VARIANTS
                if current.lstrip("-").isdigit():
                    news += INTEGER_VARIANTS
            else:
                news += [*INTEGER_VARIANTS, "Bắc\x00Kạn"]
            for new in news:
                label = f"{part}{list(where)} = {new!r:.40}"
                yield label, Valid(**{**valid.__dict__, part: replaced(value, where, new)})


def send(valid: Valid) -> tuple[Any, Any]:
    operation = schema[f"/api/v1{valid.path}"][valid.method]
    case = operation.Case(
        path_parameters=valid.path_parameters,
        query=valid.query,
        body=valid.body if valid.body is not None else NOT_SET,
        media_type=valid.media_type,
    )
    headers = {"Authorization": f"Bearer {TOKENS[valid.persona]}"}
    response = case.call(headers=headers)
    SEEN[(operation.label + " (variants)", valid.persona)][response.status_code] += 1
    return case, response


def has_nul(value: Any) -> bool:
    return any(isinstance(leaf, str) and "\x00" in leaf for _where, leaf in leaves(value))


@pytest.mark.parametrize("name", VALID_NAMES)
def test_hostile_values_in_a_valid_request_answer_as_documented(
    demo: None, db: Any, in_process_requests: None, name: str
) -> None:
    valid = valid_requests()[name]
    with transaction.atomic():
        _case, response = send(valid)
        transaction.set_rollback(True)
    assert 200 <= response.status_code < 300, (name, response.status_code, response.content[:500])

    problems = []
    for label, variant in variants(valid):
        with transaction.atomic():
            case, response = send(variant)
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as exc:
                titles = "; ".join(
                    f"{failure.title}: {failure.message}" for failure in exc.exceptions
                )
                problems.append(f"{label}: {response.status_code} {titles:.300}")
            nul = has_nul(variant.query) or has_nul(variant.body)
            if nul and response.status_code != 422:
                problems.append(f"{label}: U+0000 answered {response.status_code}, not 422")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


# --- Regressions: what the fuzzing found, one request each -----------------------------------------


def signed_in(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


# The demo data stays loaded for the whole module: these tests use its administrator.
@pytest.fixture
def admin(demo: None, db: Any) -> str:
    return ADMIN


def invalid_at(response: Any) -> list[Any]:
    """Where a 422 says the request is wrong, after checking it has a message."""
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] == str(_("Some values are not valid."))
    assert all(error["msg"] for error in body["errors"])
    return [error["loc"] for error in body["errors"]]


def test_a_page_offset_beyond_bigint_is_refused_not_a_server_error(admin: str) -> None:
    # Was a 500 on both databases ("datatype mismatch" on SQLite, out of range on PostgreSQL).
    client = signed_in(admin)

    assert invalid_at(client.get("/api/v1/orgs", {"offset": 10**20})) == [["query", "offset"]]
    last = client.get("/api/v1/people", {"offset": 2**63 - 1})
    assert last.status_code == 200
    assert last.json()["items"] == []


def test_a_token_name_with_nul_is_refused_and_no_token_is_made(admin: str) -> None:
    # Was a 500 on PostgreSQL, which cannot store U+0000 in text.
    tokens = ApiToken.objects.count()
    response = signed_in(admin).post(
        "/api/v1/tokens", {"name": "máy\x00chủ"}, content_type="application/json"
    )

    assert invalid_at(response) == [["body", "name"]]
    assert response.json()["errors"][0]["msg"] == str(nul_message())
    assert ApiToken.objects.count() == tokens


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/dossiers", "q"),
        ("/api/v1/register/records", "gender"),
        ("/api/v1/register/records", "ethnicity"),
        ("/api/v1/orgs", "q"),
        ("/api/v1/movements", "q"),
    ],
)
def test_nul_in_a_filter_is_refused_naming_it(admin: str, path: str, name: str) -> None:
    # The dossier and register searches were a 500 on PostgreSQL.
    response = signed_in(admin).get(path, {name: "Bắc\x00Kạn"})

    assert invalid_at(response) == [["query", name]]


def test_nul_in_a_case_to_evaluate_is_refused_naming_the_field(admin: str) -> None:
    case = {**EVALUATE_EXAMPLE, "history": [{"year": 2024, "code": "HTXSNV\x00"}]}

    response = signed_in(admin).post(
        "/api/v1/eligibility/evaluate", case, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json() == {"detail": str(nul_message()), "field": "history[0].code"}


def test_a_movement_name_longer_than_its_column_is_refused(admin: str) -> None:
    # PostgreSQL refused the row (varchar(255)) with a 500; SQLite stored it whole.
    client = signed_in(admin)
    movements = Movement.objects.count()
    body = {
        "launched_by_code": "20",
        "name": "P" * 256,
        "kind": "thematic",
        "scope": "ministry_or_province",
        "start": "2024-03-01",
    }

    assert invalid_at(client.post("/api/v1/movements", body, "application/json")) == [
        ["body", "payload", "name"]
    ]
    assert Movement.objects.count() == movements
    longest = client.post("/api/v1/movements", {**body, "name": "P" * 255}, "application/json")
    assert longest.status_code == 201
    assert Movement.objects.get(pk=longest.json()["id"]).name == "P" * 255


def test_a_report_for_an_org_id_beyond_bigint_is_refused(admin: str) -> None:
    # Was a 500 on SQLite: a foreign key lookup does not guard against overflow as a pk does.
    report = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")

    response = signed_in(admin).post(
        "/api/v1/periods/1/submissions", {"file": report, "org_id": str(2**63)}
    )

    assert invalid_at(response) == [["form", "org_id"]]


def test_a_search_text_longer_than_any_name_is_refused(admin: str) -> None:
    # SQLite refuses LIKE patterns over 50,000 bytes: was an HTML 503.
    client = signed_in(admin)

    assert invalid_at(client.get("/api/v1/orgs", {"q": "x" * 100_000})) == [["query", "q"]]
    assert client.get("/api/v1/orgs", {"q": "x" * 200}).status_code == 200


def test_too_many_parameters_or_too_large_a_body_answer_json(admin: str, settings: Any) -> None:
    # Django answered these itself with an HTML 400 page.
    client = signed_in(admin)
    many = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    assert invalid_at(client.get(f"/api/v1/orgs?{many}")) == [["query"]]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    large = {**TALLY_EXAMPLE, "candidates": [f"ứng viên {i}" for i in range(200)]}
    response = client.post("/api/v1/votes/tally", large, content_type="application/json")
    assert invalid_at(response) == [["body"]]


def test_no_two_api_schemas_share_a_name(admin: str) -> None:
    # clusters' and scoring's MemberOut were one component: the cluster years were documented with
    # the scoring preview's members (member, rank, total…), so every such response broke its schema.
    seen: dict[str, str] = {}
    for module in API_MODULES:
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, type) and issubclass(value, ninja.Schema):
                if value.__module__ != module:
                    continue
                assert value.__name__ not in seen, (value.__name__, module, seen[value.__name__])
                seen[value.__name__] = module

    components = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    members = components["ClusterYearOut"]["properties"]["members"]["items"]["$ref"]
    assert set(components[members.rsplit("/", 1)[1]]["properties"]) == {
        "org_id",
        "code",
        "name",
        "rotation_position",
    }


def test_every_operation_documents_the_errors_it_can_answer(admin: str) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            responses = set(operation["responses"])
            takes_input = operation.get("parameters") or operation.get("requestBody")
            if "security" in operation:
                assert "401" in responses, (method, path)
            if takes_input:
                assert "422" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)


def test_a_stale_session_cookie_without_a_token_is_unauthenticated(admin: str) -> None:
    # Was a 403 "CSRF check Failed" (in English) for every POST, PUT and DELETE.
    spare = ApiToken.objects.get(user__username=admin, name="spare")
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "phien-da-het-han"

    response = client.delete(f"/api/v1/tokens/{spare.pk}")

    assert response.status_code == 401
    assert response.json() == {"detail": str(_("Sign in or send a valid API token."))}
    spare.refresh_from_db()
    assert spare.revoked_at is None


def test_a_signed_in_session_without_the_csrf_token_is_refused_in_words(admin: str) -> None:
    spare = ApiToken.objects.get(user__username=admin, name="spare")
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username=admin))

    response = client.delete(f"/api/v1/tokens/{spare.pk}")

    assert response.status_code == 403
    assert response.json()["detail"] == str(
        _(
            "For your safety, the form was refused: its security check has expired or is "
            "missing. Nothing was changed."
        )
    )
    spare.refresh_from_db()
    assert spare.revoked_at is None
