"""/api/v1 for the covenant, registrations, reports and indicators: scoped like the pages, a member
acts for itself only, the secretariat runs its current year only, and every refusal is a JSON error
(400 with the message and field, 403, 404, 422) that changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.services import token_create
from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    covenant_sign,
    registration_accept,
    registration_register,
    registration_save,
)
from clusters.models import (
    ClusterYear,
    Covenant,
    CovenantCriterion,
    Extension,
    IndicatorValue,
    PeriodKind,
    Registration,
    RegistrationStatus,
    ReportingPeriod,
    Submission,
    Target,
)
from clusters.reports import period_create, submission_submit
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user
from core.models import AuditEvent
from orgs.models import Org

API = "/api/v1"
PDF = b"%PDF-1.4\n% bao cao\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BUDGET = "Thu ngân sách nhà nước trên địa bàn"
INVESTMENT = "Tỷ lệ giải ngân vốn đầu tư công"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- helpers -----------------------------------------------------------------------------------


def shown(text: str, language: str = "vi", **params: Any) -> str:
    """A message as the API answers it, from the catalogue of `language`."""
    with translation.override(language):
        out = translation.gettext(text)
    return out % params if params else out


def state() -> dict[str, Any]:
    """Everything a refused or denied call must leave as it was, files included."""
    root = Path(django_settings.MEDIA_ROOT)
    models = (
        Covenant,
        CovenantCriterion,
        Registration,
        Target,
        ReportingPeriod,
        Extension,
        Submission,
        IndicatorValue,
        AuditEvent,
    )
    return {
        "counts": {m.__name__: m.objects.count() for m in models},
        "covenants": list(Covenant.objects.order_by("pk").values_list("pk", "status", "title")),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "pk", "org_id", "status", "titles", "note", "return_reason", "decided_at"
            )
        ),
        "targets": list(
            Target.objects.order_by("pk").values_list(
                "registration_id", "position", "name", "measure", "value", "deadline"
            )
        ),
        "submissions": list(
            Submission.objects.order_by("pk").values_list(
                "pk", "org_id", "file", "file_name", "summary", "updated_at"
            )
        ),
        "actuals": list(
            IndicatorValue.objects.order_by("pk").values_list("target_id", "period_id", "actual")
        ),
        "files": sorted(str(p) for p in root.rglob("*") if p.is_file()),
    }


def upload(name: str = "bao-cao.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def year_path(cy: ClusterYear, rest: str = "") -> str:
    return f"{API}/clusters/{cy.cluster_id}/years/{cy.year}{rest}"


def registration_path(registration: Registration, rest: str = "") -> str:
    return f"{API}/registrations/{registration.pk}{rest}"


def submissions_path(period: ReportingPeriod) -> str:
    return f"{API}/periods/{period.pk}/submissions"


def put_json(client: Client, path: str, body: Any) -> Any:
    return client.put(path, data=json.dumps(body), content_type="application/json")


def post_json(client: Client, path: str, body: Any = None) -> Any:
    if body is None:
        return client.post(path)
    return client.post(path, data=json.dumps(body), content_type="application/json")


def assert_error(response: Any, status: int, keys: set[str] | None = None) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == (keys or {"detail"})
    assert body["detail"]
    return body


def iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def parsed(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def same_moment(text: str | None, moment: dt.datetime | None) -> bool:
    """The API writes datetimes to the millisecond."""
    if text is None or moment is None:
        return text is None and moment is None
    answered = parsed(text)
    assert answered is not None
    return abs(answered - moment) < dt.timedelta(milliseconds=1)


def registration_of(covenant: Covenant, org: Org) -> Registration:
    return Registration.objects.get(covenant=covenant, org=org)


def registered(covenant: Covenant, org: Org, targets: list[tuple[str, str, str]]) -> Registration:
    registration = registration_of(covenant, org)
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput(name, measure, value) for name, measure, value in targets],
        titles=["TTLDXS"],
    )
    return registration_register(actor=None, registration=registration)


def budget_target(covenant: Covenant, org: Org) -> Target:
    return Target.objects.get(registration__covenant=covenant, registration__org=org, name=BUDGET)


def submit(period: ReportingPeriod, org: Org, on: dt.datetime | None = None) -> Submission:
    submission = submission_submit(actor=None, period=period, org=org, upload=upload())
    if on is not None:
        Submission.objects.filter(pk=submission.pk).update(submitted_at=on, updated_at=on)
        submission.refresh_from_db()
    return submission


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def council_officer(council: Org) -> User:
    return make_user("canbo.hoidong", Role.OFFICER, council)


@pytest.fixture
def orgs(province: Any) -> dict[str, Org]:
    """The members, in the order of the rotation: Bắc Giang (head), Bắc Kạn (deputy), Thái Nguyên."""
    return {"bac_giang": province("24"), "bac_kan": province("06"), "thai_nguyen": province("19")}


@pytest.fixture
def focal_bac_kan(orgs: dict[str, Org]) -> User:
    return make_user("daumoi.tinh.backan", Role.FOCAL_POINT, orgs["bac_kan"])


@pytest.fixture
def focal_bac_giang(orgs: dict[str, Org]) -> User:
    """Focal point of the head unit: acts for Bắc Giang, does not run the cluster."""
    return make_user("daumoi.tinh.bacgiang", Role.FOCAL_POINT, orgs["bac_giang"])


@pytest.fixture
def cy(council: Org, orgs: dict[str, Org]) -> ClusterYear:
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-GU", name="Cụm thi đua giao ước"
    )
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=list(orgs.values()))
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=orgs["bac_giang"],
        deputy=orgs["bac_kan"],
        decision="01/BB-CTĐ",
        decision_date=dt.date(2015, 1, 20),
    )


@pytest.fixture
def draft(cy: ClusterYear) -> Covenant:
    return covenant_create(
        actor=None,
        cluster_year=cy,
        title="Giao ước thi đua năm 2015",
        text="Các tỉnh cùng giao ước thi đua.",
        criteria=["Hoàn thành chỉ tiêu thu ngân sách", "Đẩy mạnh cải cách hành chính"],
        registration_due=dt.date(2015, 2, 28),
    )


@pytest.fixture
def sent(draft: Covenant) -> Covenant:
    return covenant_send(actor=None, covenant=draft)


@pytest.fixture
def accepted(sent: Covenant, orgs: dict[str, Org]) -> Covenant:
    targets = {
        "bac_giang": [(BUDGET, "tỷ đồng", "12000")],
        "bac_kan": [(BUDGET, "tỷ đồng", "3889"), (INVESTMENT, "%", "95")],
        "thai_nguyen": [(BUDGET, "tỷ đồng", "15000")],
    }
    for key, rows in targets.items():
        registration_accept(actor=None, registration=registered(sent, orgs[key], rows))
    return sent


@pytest.fixture
def periods(cy: ClusterYear) -> dict[str, ReportingPeriod]:
    return {
        "half": period_create(
            actor=None,
            cluster_year=cy,
            kind=PeriodKind.HALF,
            name="Sáu tháng đầu năm 2015",
            start=dt.date(2015, 1, 1),
            end=dt.date(2015, 6, 30),
            due=dt.date(2015, 6, 15),
        ),
        "year": period_create(
            actor=None,
            cluster_year=cy,
            kind=PeriodKind.YEAR,
            name="Cả năm 2015",
            start=dt.date(2015, 1, 1),
            end=dt.date(2015, 12, 31),
            due=dt.date(2015, 11, 15),
        ),
    }


@pytest.fixture
def south(council: Org, province: Any) -> ClusterYear:
    """Thanh Hóa and Nghệ An's cluster: no persona's unit is a member."""
    cluster = cluster_create(actor=None, kind="cum", organiser=council, code="CTD-BTB", name="BTB")
    return cluster_year_open(
        actor=None, cluster=cluster, year=2015, members=[province("38"), province("40")]
    )


# --- anonymous callers and objects out of sight ------------------------------------------------


def calls(
    cy: ClusterYear, registration: Registration, period: ReportingPeriod, org: Org
) -> list[tuple[str, str, Any]]:
    """Every endpoint of the covenant and reports, with a body that would be valid."""
    return [
        ("get", year_path(cy), None),
        ("get", year_path(cy, "/covenant"), None),
        ("get", year_path(cy, "/reports"), None),
        ("get", year_path(cy, "/indicators"), None),
        (
            "put",
            registration_path(registration),
            {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "1"}]},
        ),
        ("post", registration_path(registration, "/register"), None),
        ("post", registration_path(registration, "/accept"), None),
        ("post", registration_path(registration, "/return"), {"reason": "Thiếu chỉ tiêu"}),
        ("multipart", submissions_path(period), {"org_id": org.pk}),
    ]


def call(client: Client, method: str, path: str, body: Any) -> Any:
    if method == "get":
        return client.get(path)
    if method == "put":
        return put_json(client, path, body)
    if method == "multipart":
        return client.post(path, {**body, "file": upload()})
    return post_json(client, path, body)


def test_anonymous_callers_get_401_json_everywhere(
    accepted: Covenant, cy: ClusterYear, periods: dict[str, ReportingPeriod], orgs: dict[str, Org]
) -> None:
    registration = registration_of(accepted, orgs["bac_kan"])
    before = state()

    answers = [
        call(Client(), *c) for c in calls(cy, registration, periods["half"], orgs["bac_kan"])
    ]

    for response in answers:
        assert_error(response, 401)
    assert state() == before


@pytest.mark.parametrize("persona", ["outsider", "member_bac_kan"])
def test_a_cluster_out_of_sight_is_404_json_everywhere(
    as_user: Any,
    accepted: Covenant,
    cy: ClusterYear,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    persona: str,
) -> None:
    """An outsider, and Sở Nội vụ Bắc Kạn's focal point (the province is the member, not it)."""
    registration = registration_of(accepted, orgs["bac_kan"])
    client = as_user(persona)
    before = state()

    answers = [call(client, *c) for c in calls(cy, registration, periods["half"], orgs["bac_kan"])]

    for response in answers:
        assert assert_error(response, 404) == {"detail": shown("Not found.")}
    assert state() == before


def test_a_member_gets_404_for_another_clusters_objects(
    as_user: Any, south: ClusterYear, province: Any, focal_bac_kan: User
) -> None:
    covenant = covenant_send(
        actor=None,
        covenant=covenant_create(actor=None, cluster_year=south, title="GU", criteria=["Một"]),
    )
    registration = registered(covenant, province("38"), [(BUDGET, "tỷ đồng", "1")])
    period = period_create(
        actor=None,
        cluster_year=south,
        kind=PeriodKind.HALF,
        name="Sáu tháng",
        start=dt.date(2015, 1, 1),
        end=dt.date(2015, 6, 30),
        due=dt.date(2015, 6, 15),
    )
    client = as_user("focal_bac_kan")
    before = state()

    answers = [call(client, *c) for c in calls(south, registration, period, province("38"))]

    assert [r.status_code for r in answers] == [404] * len(answers)
    assert state() == before


def test_unknown_objects_are_404(as_user: Any, sent: Covenant, cy: ClusterYear) -> None:
    client = as_user("admin_user")
    missing = Registration.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]

    answers = [
        client.get(year_path(cy).replace("/2015", "/2016")),
        client.get(f"{API}/clusters/{cy.cluster_id + 1000}/years/2015/covenant"),
        put_json(client, f"{API}/registrations/{missing}", {"targets": []}),
        post_json(client, f"{API}/registrations/{missing}/accept"),
        client.post(f"{API}/periods/999999/submissions", {"org_id": 1, "file": upload()}),
    ]

    for response in answers:
        assert_error(response, 404)


# --- the year and its covenant -----------------------------------------------------------------


def test_the_year_tells_its_covenant_status_and_periods(
    as_user: Any,
    sent: Covenant,
    cy: ClusterYear,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
) -> None:
    body = as_user("viewer_bac_giang").get(year_path(cy)).json()

    assert body == {
        "year": 2015,
        "cluster_id": cy.cluster_id,
        "head_id": orgs["bac_giang"].pk,
        "deputy_id": orgs["bac_kan"].pk,
        "head_decision": "01/BB-CTĐ",
        "head_decision_date": "2015-01-20",
        "flag_handover_date": None,
        "members": [
            {"org_id": org.pk, "code": org.code, "name": org.name, "rotation_position": position}
            for position, org in enumerate(orgs.values(), start=1)
        ],
        "meetings": [],
        "covenant_status": "sent",
        "periods": [
            {
                "id": periods["half"].pk,
                "kind": "half",
                "name": "Sáu tháng đầu năm 2015",
                "start": "2015-01-01",
                "end": "2015-06-30",
                "due": "2015-06-15",
            },
            {
                "id": periods["year"].pk,
                "kind": "year",
                "name": "Cả năm 2015",
                "start": "2015-01-01",
                "end": "2015-12-31",
                "due": "2015-11-15",
            },
        ],
    }


def test_a_year_without_covenant_says_so(as_user: Any, cy: ClusterYear) -> None:
    client = as_user("viewer_bac_giang")

    year = client.get(year_path(cy))
    covenant = client.get(year_path(cy, "/covenant"))

    assert (year.json()["covenant_status"], year.json()["periods"]) == (None, [])
    assert assert_error(covenant, 404) == {"detail": shown("Not found.")}


def test_the_covenant_lists_its_criteria_and_every_registration(
    as_user: Any, accepted: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    registrations = {
        r.org_id: r for r in Registration.objects.filter(covenant=accepted).order_by("pk")
    }

    body = as_user("viewer_bac_giang").get(year_path(cy, "/covenant")).json()

    assert {k: v for k, v in body.items() if k != "registrations"} == {
        "id": accepted.pk,
        "title": "Giao ước thi đua năm 2015",
        "text": "Các tỉnh cùng giao ước thi đua.",
        "status": "sent",
        "registration_due": "2015-02-28",
        "signing_meeting_id": None,
        "sent_at": body["sent_at"],
        "signed_on": None,
        "has_signed_scan": False,
        "criteria": ["Hoàn thành chỉ tiêu thu ngân sách", "Đẩy mạnh cải cách hành chính"],
    }
    assert same_moment(body["sent_at"], accepted.sent_at)
    # Ordered by the member's name: Bắc Giang, Bắc Kạn, Thái Nguyên.
    assert [r["org_code"] for r in body["registrations"]] == ["24", "06", "19"]
    bac_kan = body["registrations"][1]
    registration = registrations[orgs["bac_kan"].pk]
    targets = list(registration.targets.order_by("position"))
    assert {k: v for k, v in bac_kan.items() if k not in ("registered_at", "decided_at")} == {
        "id": registration.pk,
        "org_id": orgs["bac_kan"].pk,
        "org_code": "06",
        "org_name": orgs["bac_kan"].name,
        "status": "accepted",
        "titles": ["TTLDXS"],
        "note": "",
        "return_reason": "",
        "targets": [
            {
                "id": targets[0].pk,
                "name": BUDGET,
                "measure": "tỷ đồng",
                "value": bac_kan["targets"][0]["value"],
                "deadline": None,
            },
            {
                "id": targets[1].pk,
                "name": INVESTMENT,
                "measure": "%",
                "value": bac_kan["targets"][1]["value"],
                "deadline": None,
            },
        ],
    }
    assert [Decimal(str(t["value"])) for t in bac_kan["targets"]] == [Decimal(3889), Decimal(95)]
    assert same_moment(bac_kan["registered_at"], registration.registered_at)
    assert same_moment(bac_kan["decided_at"], registration.decided_at)


def test_the_covenant_tells_when_its_signed_scan_is_in(
    as_user: Any, accepted: Covenant, cy: ClusterYear
) -> None:
    covenant_sign(
        actor=None, covenant=accepted, signed_on=dt.date(2015, 3, 10), scan=upload("gu.pdf")
    )

    body = as_user("viewer_bac_giang").get(year_path(cy, "/covenant")).json()

    assert (body["status"], body["signed_on"], body["has_signed_scan"]) == (
        "signed",
        "2015-03-10",
        True,
    )


# --- a member's registration -------------------------------------------------------------------


def test_a_member_saves_then_registers_its_targets(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")

    saved = put_json(
        client,
        registration_path(registration),
        {
            "targets": [
                {"name": BUDGET, "measure": "tỷ đồng", "value": "1234.5", "deadline": "2015-12-31"},
                {"name": INVESTMENT, "measure": "%", "value": 95},
            ],
            "titles": ["co_cp", "TTLDXS"],
            "note": "Đăng ký qua API",
        },
    )
    done = post_json(client, registration_path(registration, "/register"))

    assert saved.status_code == 200
    body = saved.json()
    assert (body["id"], body["status"], body["titles"], body["note"]) == (
        registration.pk,
        "draft",
        ["TTLDXS", "CO_CP"],
        "Đăng ký qua API",
    )
    assert [
        (t["name"], t["measure"], Decimal(str(t["value"])), t["deadline"]) for t in body["targets"]
    ] == [
        (BUDGET, "tỷ đồng", Decimal("1234.5"), "2015-12-31"),
        (INVESTMENT, "%", Decimal("95"), None),
    ]
    assert done.status_code == 200
    assert done.json()["status"] == "registered"
    assert parsed(done.json()["registered_at"]) is not None
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert list(registration.targets.values_list("value", "deadline")) == [
        (Decimal("1234.5"), dt.date(2015, 12, 31)),
        (Decimal("95"), None),
    ]
    assert (
        AuditEvent.objects.filter(
            action__in=["clusters.registration.saved", "clusters.registration.registered"]
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("persona", "victim"),
    [
        ("focal_bac_kan", "bac_giang"),
        ("focal_bac_kan", "thai_nguyen"),
        ("focal_bac_giang", "bac_kan"),
        ("viewer_bac_giang", "bac_giang"),
        ("secretariat_bac_giang", "bac_kan"),
        ("council_member", "bac_kan"),
    ],
)
@pytest.mark.parametrize("endpoint", ["put", "register"])
def test_nobody_saves_or_registers_another_members_registration(
    as_user: Any,
    sent: Covenant,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    persona: str,
    victim: str,
    endpoint: str,
) -> None:
    registration = registration_of(sent, orgs[victim])
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput(BUDGET, "tỷ đồng", "5000")],
        titles=["CO_CP"],
    )
    client = as_user(persona)
    before = state()

    if endpoint == "put":
        response = put_json(
            client,
            registration_path(registration),
            {"targets": [{"name": "Chỉ tiêu giả", "measure": "tỷ đồng", "value": "1"}]},
        )
    else:
        response = post_json(client, registration_path(registration, "/register"))

    assert assert_error(response, 403) == {"detail": shown("Your roles do not allow this action.")}
    assert state() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"targets": "Thu ngân sách"},
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng"}]},
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "abc"}]},
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "1.234,5"}]},
        {
            "targets": [
                {"name": BUDGET, "measure": "tỷ đồng", "value": "1", "deadline": "31/12/2015"}
            ]
        },
        {"targets": [], "titles": "TTLDXS"},
        [],
    ],
)
def test_a_malformed_registration_body_is_422(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User, body: Any
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = put_json(client, registration_path(registration), body)

    answer = assert_error(response, 422, {"detail", "errors"})
    assert answer["detail"] == shown("Some values are not valid.")
    assert answer["errors"]
    assert state() == before


@pytest.mark.parametrize("endpoint", ["put", "return"])
def test_a_body_that_is_not_json_is_422_in_the_users_language(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User, endpoint: str
) -> None:
    if endpoint == "put":
        registration = registration_of(sent, orgs["bac_kan"])
    else:
        registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])
    client = as_user("focal_bac_kan" if endpoint == "put" else "secretariat_bac_giang")
    before = state()

    if endpoint == "put":
        response = client.put(
            registration_path(registration), data="{targets:", content_type="application/json"
        )
    else:
        response = client.post(registration_path(registration, "/return"))  # no body at all

    # Not django-ninja's own English 400 ("Cannot parse request body"): the API's 422.
    answer = assert_error(response, 422, {"detail", "errors"})
    assert answer["detail"] == shown("Some values are not valid.")
    assert state() == before


@pytest.mark.parametrize(
    ("targets", "titles", "field", "message"),
    [
        (
            [{"name": BUDGET, "measure": "tỷ đồng", "value": "10", "deadline": "2017-12-31"}],
            [],
            "targets",
            ("the deadline must fall in %(a)s or %(b)s.", {"a": 2015, "b": 2016}),
        ),
        (
            [{"name": BUDGET, "measure": "tỷ đồng", "value": "0"}],
            [],
            "targets",
            ("the value must be a positive number.", {}),
        ),
        (
            [{"name": BUDGET, "measure": "tỷ đồng", "value": "1.005"}],
            [],
            "targets",
            ("at most two decimal places.", {}),
        ),
        (
            [{"name": "  ", "measure": "tỷ đồng", "value": "10"}],
            [],
            "targets",
            ("the name is required.", {}),
        ),
        ([], ["HUAN_CHUONG_VU_TRU"], "titles", None),
    ],
)
def test_a_registration_the_rules_refuse_is_400_with_its_field(
    as_user: Any,
    sent: Covenant,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    targets: list[dict[str, Any]],
    titles: list[str],
    field: str,
    message: tuple[str, dict[str, Any]] | None,
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = put_json(
        client, registration_path(registration), {"targets": targets, "titles": titles}
    )

    body = assert_error(response, 400, {"detail", "field"})
    assert body["field"] == field
    if message is not None:
        assert body["detail"] == shown("Target %(n)s: ", n=1) + shown(message[0], **message[1])
    assert state() == before


def test_too_many_targets_are_refused(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    targets = [{"name": f"Chỉ tiêu {i}", "measure": "%", "value": "1"} for i in range(51)]
    before = state()

    response = put_json(client, registration_path(registration), {"targets": targets})

    body = assert_error(response, 400, {"detail", "field"})
    assert body == {
        "detail": shown("At most %(n)s targets per registration.", n=50),
        "field": "targets",
    }
    assert state() == before


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_illegal_step_is_400_in_the_users_language(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User, language: str
) -> None:
    focal_bac_kan.language = language
    focal_bac_kan.save()
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])
    client = as_user("focal_bac_kan")
    before = state()

    edit = put_json(
        client,
        registration_path(registration),
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "1"}]},
    )
    again = post_json(client, registration_path(registration, "/register"))

    status = shown("Registered, awaiting review", language)
    expected = shown(
        "This step is not possible while the status is “%(status)s”.", language, status=status
    )
    assert assert_error(edit, 400, {"detail", "field"}) == {"detail": expected, "field": None}
    assert assert_error(again, 400, {"detail", "field"}) == {"detail": expected, "field": None}
    assert state() == before


def test_an_empty_registration_is_not_registered(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = post_json(client, registration_path(registration, "/register"))

    assert assert_error(response, 400, {"detail", "field"}) == {
        "detail": shown("Register at least one target or one title or form."),
        "field": "targets",
    }
    assert state() == before


def test_registrations_are_final_once_the_covenant_is_signed(
    as_user: Any, accepted: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    covenant_sign(actor=None, covenant=accepted, signed_on=dt.date(2015, 3, 10), scan=upload())
    registration = registration_of(accepted, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = put_json(
        client,
        registration_path(registration),
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "1"}]},
    )

    assert assert_error(response, 400, {"detail", "field"})["detail"] == shown(
        "Registrations can change only while the covenant is open."
    )
    assert state() == before


def test_a_registration_can_be_saved_with_a_bearer_token(
    sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User, focal_bac_giang: User
) -> None:
    _, secret = token_create(user=focal_bac_kan, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    other = registration_of(sent, orgs["bac_giang"])
    body = {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "3889"}]}

    own = put_json(client, registration_path(registration_of(sent, orgs["bac_kan"])), body)
    refused = put_json(client, registration_path(other), body)

    assert own.status_code == 200
    assert refused.status_code == 403
    assert not other.targets.exists()


# --- the secretariat's review ------------------------------------------------------------------


def test_the_secretariat_returns_with_a_reason_then_accepts(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3500")])
    secretariat = as_user("secretariat_bac_giang")
    member = as_user("focal_bac_kan")

    returned = post_json(
        secretariat,
        registration_path(registration, "/return"),
        {"reason": "  Chỉ tiêu thấp hơn năm trước  "},
    )
    fixed = put_json(
        member,
        registration_path(registration),
        {"targets": [{"name": BUDGET, "measure": "tỷ đồng", "value": "3889"}]},
    )
    again = post_json(member, registration_path(registration, "/register"))
    accepted = post_json(secretariat, registration_path(registration, "/accept"))
    twice = post_json(secretariat, registration_path(registration, "/accept"))

    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "returned",
        "Chỉ tiêu thấp hơn năm trước",
    )
    assert (fixed.json()["status"], again.json()["status"]) == ("returned", "registered")
    assert again.json()["return_reason"] == ""
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert parsed(accepted.json()["decided_at"]) is not None
    assert assert_error(twice, 400, {"detail", "field"})["detail"] == shown(
        "This step is not possible while the status is “%(status)s”.", status=shown("Accepted")
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACCEPTED


@pytest.mark.parametrize(
    ("body", "status", "keys"),
    [
        ({}, 422, {"detail", "errors"}),
        ({"reason": None}, 422, {"detail", "errors"}),
        ({"reason": ""}, 400, {"detail", "field"}),
        ({"reason": " \n "}, 400, {"detail", "field"}),
    ],
)
def test_returning_without_a_reason_is_refused(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], body: Any, status: int, keys: set[str]
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3500")])
    client = as_user("secretariat_bac_giang")
    before = state()

    response = post_json(client, registration_path(registration, "/return"), body)

    answer = assert_error(response, status, keys)
    if status == 400:
        assert answer == {
            "detail": shown("Say why the registration is returned."),
            "field": "reason",
        }
    assert state() == before


def test_a_registration_not_yet_registered_is_neither_accepted_nor_returned(
    as_user: Any, sent: Covenant, orgs: dict[str, Org]
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("secretariat_bac_giang")
    before = state()

    accept = post_json(client, registration_path(registration, "/accept"))
    back = post_json(client, registration_path(registration, "/return"), {"reason": "Sai"})

    expected = shown(
        "This step is not possible while the status is “%(status)s”.",
        status=shown("Being prepared"),
    )
    assert assert_error(accept, 400, {"detail", "field"})["detail"] == expected
    assert assert_error(back, 400, {"detail", "field"})["detail"] == expected
    assert state() == before


# persona → the answer to accept and return while Bắc Giang heads the year
REVIEWERS = {
    "secretariat_bac_giang": 200,
    "council_officer": 200,
    "focal_bac_kan": 403,  # its own registration: a member does not review itself
    "focal_bac_giang": 403,  # the head unit's focal point does not run the cluster
    "officer_thai_nguyen": 403,
    "viewer_bac_giang": 403,
    "council_member": 403,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "expected"), list(REVIEWERS.items()))
@pytest.mark.parametrize("endpoint", ["accept", "return"])
def test_only_who_runs_the_year_reviews_registrations(
    as_user: Any,
    sent: Covenant,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    council_officer: User,
    persona: str,
    expected: int,
    endpoint: str,
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])
    client = as_user(persona)
    before = state()

    response = post_json(
        client, registration_path(registration, f"/{endpoint}"), {"reason": "Xem lại chỉ tiêu"}
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == ("accepted" if endpoint == "accept" else "returned")
    else:
        assert_error(response, expected)
        assert state() == before


@pytest.mark.parametrize("endpoint", ["accept", "return"])
def test_last_years_secretariat_reviews_nothing_once_the_next_year_opens(
    as_user: Any,
    sent: Covenant,
    cy: ClusterYear,
    orgs: dict[str, Org],
    council_officer: User,
    endpoint: str,
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])
    new = cluster_year_open(actor=None, cluster=cy.cluster, year=2016)
    assert new.head == orgs["bac_kan"]
    secretariat = as_user("secretariat_bac_giang")
    council = as_user("council_officer")
    before = state()

    refused = post_json(
        secretariat, registration_path(registration, f"/{endpoint}"), {"reason": "Xem lại"}
    )

    assert assert_error(refused, 403) == {"detail": shown("Your roles do not allow this action.")}
    assert state() == before
    allowed = post_json(
        council, registration_path(registration, f"/{endpoint}"), {"reason": "Xem lại"}
    )
    assert allowed.status_code == 200


# --- reports -----------------------------------------------------------------------------------


@pytest.fixture
def reported(
    accepted: Covenant, periods: dict[str, ReportingPeriod], orgs: dict[str, Org]
) -> dict[str, Submission]:
    """Six months: Bắc Giang on time, Bắc Kạn late (today), Thái Nguyên nothing; year: nothing."""
    return {
        "bac_giang": submit(
            periods["half"], orgs["bac_giang"], on=dt.datetime(2015, 6, 14, 16, 0, tzinfo=VN)
        ),
        "bac_kan": submit(periods["half"], orgs["bac_kan"]),
    }


def test_the_secretariat_sees_every_members_reports(
    as_user: Any,
    reported: dict[str, Submission],
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
) -> None:
    response = as_user("secretariat_bac_giang").get(year_path(cy, "/reports"))

    assert response.status_code == 200
    body = response.json()
    half, year = periods["half"].pk, periods["year"].pk
    assert [
        (
            r["org_code"],
            r["late"],
            r["missing"],
            [(c["period_id"], c["status"]) for c in r["cells"]],
        )
        for r in body
    ] == [
        ("24", 0, 1, [(half, "on_time"), (year, "missing")]),
        ("06", 1, 1, [(half, "late"), (year, "missing")]),
        ("19", 0, 2, [(half, "missing"), (year, "missing")]),
    ]
    bac_giang = body[0]
    assert {k: v for k, v in bac_giang.items() if k != "cells"} == {
        "org_id": orgs["bac_giang"].pk,
        "org_code": "24",
        "org_name": orgs["bac_giang"].name,
        "late": 0,
        "missing": 1,
    }
    cell = bac_giang["cells"][0]
    assert {k: v for k, v in cell.items() if k != "submitted_at"} == {
        "period_id": half,
        "due": "2015-06-15",
        "status": "on_time",
        "submission_id": reported["bac_giang"].pk,
    }
    assert parsed(cell["submitted_at"]) == dt.datetime(2015, 6, 14, 16, 0, tzinfo=VN)
    assert bac_giang["cells"][1] == {
        "period_id": year,
        "due": "2015-11-15",
        "status": "missing",
        "submitted_at": None,
        "submission_id": None,
    }


# persona → the members whose rows it gets, or the error
REPORT_READERS: dict[str, list[str] | int] = {
    "council_officer": ["24", "06", "19"],
    "focal_bac_kan": ["06"],
    "focal_bac_giang": ["24"],
    "officer_thai_nguyen": ["06", "19"],  # Thái Nguyên keeps Bắc Kạn's records since 2025
    "viewer_bac_giang": 403,
    "council_member": 403,
    "outsider": 404,
    "member_bac_kan": 404,
}


@pytest.mark.parametrize(("persona", "expected"), list(REPORT_READERS.items()))
def test_a_member_reads_only_its_own_reports(
    as_user: Any,
    reported: dict[str, Submission],
    cy: ClusterYear,
    focal_bac_kan: User,
    focal_bac_giang: User,
    council_officer: User,
    persona: str,
    expected: list[str] | int,
) -> None:
    response = as_user(persona).get(year_path(cy, "/reports"))

    if isinstance(expected, int):
        assert_error(response, expected)
    else:
        assert response.status_code == 200
        assert [r["org_code"] for r in response.json()] == expected


def test_a_member_submits_its_report_with_its_figures(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    media_root: Path,
) -> None:
    period = periods["half"]
    budget = budget_target(accepted, orgs["bac_kan"])
    investment = Target.objects.get(registration__org=orgs["bac_kan"], name=INVESTMENT)
    client = as_user("focal_bac_kan")

    response = client.post(
        submissions_path(period),
        {
            "file": upload("Báo cáo 6 tháng.pdf"),
            "org_id": orgs["bac_kan"].pk,
            "summary": " Vượt chỉ tiêu ",
            "actuals": json.dumps({str(budget.pk): "4006", str(investment.pk): None}),
        },
    )

    assert response.status_code == 201
    body = response.json()
    submission = Submission.objects.get()
    assert {k: v for k, v in body.items() if k not in ("submitted_at", "updated_at")} == {
        "id": submission.pk,
        "period_id": period.pk,
        "org_id": orgs["bac_kan"].pk,
        "file_name": "Báo cáo 6 tháng.pdf",
        "summary": "Vượt chỉ tiêu",
        "status": "late",  # due 15/06/2015, sent today
    }
    assert same_moment(body["submitted_at"], submission.submitted_at)
    assert same_moment(body["updated_at"], submission.updated_at)
    assert list(IndicatorValue.objects.values_list("target_id", "period_id", "actual")) == [
        (budget.pk, period.pk, Decimal("4006"))
    ]
    assert [p.read_bytes() for p in media_root.rglob("*") if p.is_file()] == [PDF]
    assert AuditEvent.objects.filter(action="clusters.report.submitted").count() == 1


def test_a_report_in_by_the_due_date_is_on_time(
    as_user: Any,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 15/06/2015 at 23:30 in Hà Nội, the due day itself (16:30 UTC).
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2015, 6, 15, 16, 30, tzinfo=dt.UTC))
    client = as_user("focal_bac_kan")

    response = client.post(
        submissions_path(periods["half"]), {"file": upload(), "org_id": orgs["bac_kan"].pk}
    )
    later = client.get(
        f"{API}/clusters/{periods['half'].cluster_year.cluster_id}/years/2015/reports"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "on_time"
    assert [c["status"] for c in later.json()[0]["cells"]] == ["on_time", "pending"]


def test_a_correction_keeps_the_first_date_and_its_status(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
) -> None:
    first_on = dt.datetime(2015, 6, 10, 9, 0, tzinfo=VN)
    submit(periods["half"], orgs["bac_kan"], on=first_on)
    budget = budget_target(accepted, orgs["bac_kan"])

    response = as_user("focal_bac_kan").post(
        submissions_path(periods["half"]),
        {
            "file": upload("bao-cao-sua.pdf"),
            "org_id": orgs["bac_kan"].pk,
            "actuals": json.dumps({budget.pk: 3950.5}),
        },
    )

    assert response.status_code == 201
    assert response.json()["status"] == "on_time"
    assert parsed(response.json()["submitted_at"]) == first_on
    assert Submission.objects.get().file_name == "bao-cao-sua.pdf"
    assert IndicatorValue.objects.get().actual == Decimal("3950.5")


@pytest.mark.parametrize(
    ("persona", "victim"),
    [
        ("focal_bac_kan", "bac_giang"),
        ("focal_bac_kan", "thai_nguyen"),
        ("focal_bac_giang", "bac_kan"),
        ("viewer_bac_giang", "bac_giang"),
        ("secretariat_bac_giang", "bac_kan"),
        ("council_member", "bac_kan"),
    ],
)
def test_nobody_submits_another_members_report(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    persona: str,
    victim: str,
) -> None:
    target = budget_target(accepted, orgs[victim])
    client = as_user(persona)
    before = state()

    response = client.post(
        submissions_path(periods["half"]),
        {
            "file": upload(),
            "org_id": orgs[victim].pk,
            "summary": "Báo cáo giả",
            "actuals": json.dumps({str(target.pk): "1"}),
        },
    )

    assert assert_error(response, 403) == {"detail": shown("Your roles do not allow this action.")}
    assert state() == before


def test_a_report_for_a_unit_that_is_not_a_member_is_404(
    as_user: Any, periods: dict[str, ReportingPeriod], province: Any
) -> None:
    client = as_user("admin_user")
    before = state()

    response = client.post(
        submissions_path(periods["half"]), {"file": upload(), "org_id": province("38").pk}
    )

    assert_error(response, 404)
    assert state() == before


@pytest.mark.parametrize(
    ("with_file", "org_id"),
    [
        (False, "member"),  # no file
        (True, None),  # no org_id
        (True, "Bắc Kạn"),  # org_id not a number
        (False, None),  # nothing at all
    ],
)
def test_a_malformed_submission_is_422(
    as_user: Any,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    with_file: bool,
    org_id: str | None,
) -> None:
    fields: dict[str, Any] = {"summary": "Báo cáo"}
    if with_file:
        fields["file"] = upload()
    if org_id is not None:
        fields["org_id"] = orgs["bac_kan"].pk if org_id == "member" else org_id
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(submissions_path(periods["half"]), fields)

    assert_error(response, 422, {"detail", "errors"})
    assert state() == before


@pytest.mark.parametrize(
    "actuals",
    ["{", "[1, 2]", "null", '"4006"', '{"abc": 1}', "4006", '{"1.5": 3}'],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_figures_that_are_not_a_json_object_are_400(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    actuals: str,
    language: str,
) -> None:
    focal_bac_kan.language = language
    focal_bac_kan.save()
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        submissions_path(periods["half"]),
        {"file": upload(), "org_id": orgs["bac_kan"].pk, "actuals": actuals},
    )

    assert assert_error(response, 400, {"detail", "field"}) == {
        "detail": shown("The figures must be a JSON object of target id → value.", language),
        "field": "actuals",
    }
    assert state() == before


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ("abc", "“%(t)s”: the actual value must be a number."),
        ("-1", "“%(t)s”: the actual value must be zero or more."),
        ({"value": 1}, "“%(t)s”: the actual value must be a number."),
        (float("nan"), "“%(t)s”: the actual value must be zero or more."),
    ],
)
def test_a_figure_that_is_not_a_number_is_400(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    figure: Any,
    message: str,
) -> None:
    budget = budget_target(accepted, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        submissions_path(periods["half"]),
        {
            "file": upload(),
            "org_id": orgs["bac_kan"].pk,
            "actuals": json.dumps({budget.pk: figure}),
        },
    )

    assert assert_error(response, 400, {"detail", "field"}) == {
        "detail": shown(message, t=BUDGET),
        "field": "actuals",
    }
    assert state() == before


def test_a_figure_for_another_members_target_is_400(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
) -> None:
    theirs = budget_target(accepted, orgs["bac_giang"])
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        submissions_path(periods["half"]),
        {"file": upload(), "org_id": orgs["bac_kan"].pk, "actuals": json.dumps({theirs.pk: 1})},
    )

    assert assert_error(response, 400, {"detail", "field"}) == {
        "detail": shown("A figure refers to a target of another member."),
        "field": "actuals",
    }
    assert state() == before


@pytest.mark.parametrize(
    ("name", "data", "message", "params"),
    [
        ("bao-cao.pdf", EXE, "The file's content does not match its type.", {}),
        (
            "bao-cao.exe",
            PDF,
            "The file must be one of: %(types)s.",
            {"types": "PDF, DOCX, ODT, XLSX, ODS"},
        ),
    ],
)
def test_a_bad_report_file_is_400(
    as_user: Any,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    name: str,
    data: bytes,
    message: str,
    params: dict[str, Any],
) -> None:
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        submissions_path(periods["half"]),
        {"file": upload(name, data), "org_id": orgs["bac_kan"].pk},
    )

    assert assert_error(response, 400, {"detail", "field"}) == {
        "detail": shown(message, **params),
        "field": "file",
    }
    assert state() == before


# --- indicators --------------------------------------------------------------------------------


def test_the_indicators_set_each_members_figure_against_its_target(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
) -> None:
    budget = budget_target(accepted, orgs["bac_kan"])
    submission_submit(
        actor=None,
        period=periods["half"],
        org=orgs["bac_kan"],
        upload=upload(),
        actuals={budget.pk: "4006"},
    )

    response = as_user("viewer_bac_giang").get(year_path(cy, "/indicators"))

    assert response.status_code == 200
    body = response.json()
    assert [(g["name"], g["measure"], len(g["lines"])) for g in body] == [
        (BUDGET, "tỷ đồng", 3),
        (INVESTMENT, "%", 1),
    ]
    first = body[0]["lines"][0]
    assert {
        k: v for k, v in first.items() if k not in ("target_value", "actual", "percent_of_plan")
    } == {
        "org_id": orgs["bac_kan"].pk,
        "org_name": orgs["bac_kan"].name,
        "target_id": budget.pk,
        "period_id": periods["half"].pk,
    }
    assert (
        Decimal(str(first["target_value"])),
        Decimal(str(first["actual"])),
        Decimal(str(first["percent_of_plan"])),
    ) == (Decimal("3889"), Decimal("4006"), Decimal("103.0"))
    others = body[0]["lines"][1:]
    assert {line["org_id"] for line in others} == {orgs["bac_giang"].pk, orgs["thai_nguyen"].pk}
    assert all(
        (line["actual"], line["percent_of_plan"], line["period_id"]) == (None, None, None)
        for line in others
    )


def test_the_indicators_leave_out_targets_not_accepted(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])

    response = as_user("viewer_bac_giang").get(year_path(cy, "/indicators"))

    assert response.status_code == 200
    assert response.json() == []
