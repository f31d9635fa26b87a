"""/api/v1/movements: scoped like the pages, detail with participants and reviews, creation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.services import token_create
from clusters.models import Cluster
from core.models import AuditEvent
from movements.models import Movement
from movements.services import movement_create, movement_set_participants, review_add
from movements.tests.conftest import PDF, state
from orgs.models import Org


def message(text: str, **params: Any) -> str:
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post("/api/v1/movements", json.dumps(payload), content_type="application/json")


def names(body: dict[str, Any]) -> list[str]:
    return [item["name"] for item in body["items"]]


@pytest.mark.parametrize("path", ["/api/v1/movements", "/api/v1/movements/{id}"])
def test_it_answers_401_json_to_anonymous_callers(
    movements: dict[str, Movement], path: str
) -> None:
    response = Client().get(path.format(id=movements["tn"].pk))

    assert response.status_code == 401
    assert list(response.json()) == ["detail"]


# persona → the names it lists
LISTS = {
    "admin_user": [
        "Lào Cai chung sức xây dựng nông thôn mới và giảm nghèo bền vững",
        "Thi đua cải cách hành chính",
        "Cả nước chung sức xây dựng nông thôn mới",
        "Thi đua yêu nước giai đoạn 2016 – 2020",
    ],
    "viewer_bac_giang": ["Cả nước chung sức xây dựng nông thôn mới"],
    "member_bac_kan": ["Thi đua cải cách hành chính"],
}


@pytest.mark.parametrize("persona", LISTS)
def test_it_lists_only_the_movements_in_sight(
    as_user: Any, movements: dict[str, Movement], persona: str
) -> None:
    body = as_user(persona).get("/api/v1/movements").json()

    assert names(body) == LISTS[persona]
    assert body["count"] == len(LISTS[persona])


def test_it_refuses_the_list_to_an_outsider(as_user: Any, movements: dict[str, Movement]) -> None:
    response = as_user("outsider").get("/api/v1/movements")

    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("params", "expected", "count"),
    [
        ({"q": "nong thon moi"}, ["lao_cai", "national"], 2),
        ({"kind": "regular"}, ["snv_bac_kan", "tn"], 2),
        ({"year": 2019}, ["national", "tn"], 2),
        ({"year": 2017, "kind": "thematic"}, ["lao_cai", "national"], 2),
        ({"limit": 1, "offset": 1}, ["snv_bac_kan"], 4),
    ],
)
def test_it_filters_and_pages_like_the_page(
    as_user: Any,
    movements: dict[str, Movement],
    params: dict[str, Any],
    expected: list[str],
    count: int,
) -> None:
    body = as_user("admin_user").get("/api/v1/movements", params).json()

    assert names(body) == [movements[key].name for key in expected]
    assert body["count"] == count


@pytest.mark.parametrize("params", [{"kind": "weekly"}, {"year": 99999}, {"year": "abc"}])
def test_it_refuses_malformed_filters_with_json(
    as_user: Any, movements: dict[str, Movement], params: dict[str, Any]
) -> None:
    response = as_user("admin_user").get("/api/v1/movements", params)

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


# persona → {movement: status} for GET /movements/{id}
DETAIL = {
    "admin_user": {"tn": 200, "national": 200},
    "officer_thai_nguyen": {"tn": 200, "lao_cai": 200, "national": 404},
    "viewer_bac_giang": {"national": 200, "tn": 404},
    "outsider": {"tn": 404, "national": 404},
}


@pytest.mark.parametrize("persona", DETAIL)
def test_it_shows_a_movement_only_in_sight(
    as_user: Any, movements: dict[str, Movement], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        key: client.get(f"/api/v1/movements/{movements[key].pk}").status_code
        for key in DETAIL[persona]
    }

    assert statuses == DETAIL[persona]


def test_it_describes_a_movement_with_its_participants_and_reviews(
    as_user: Any, movements: dict[str, Movement], border_cluster: Cluster, province: Any
) -> None:
    lao_cai = movements["lao_cai"]
    movement_set_participants(
        actor=None, movement=lao_cai, clusters=[border_cluster], units=[province("10")]
    )
    review = review_add(
        actor=None,
        movement=lao_cai,
        kind="so_ket",
        date=dt.date(2017, 12, 20),
        title="Sơ kết năm 2017",
        outcomes="5 tập thể được khen thưởng",
        collectives_commended=5,
        document=SimpleUploadedFile("so-ket.pdf", PDF),
    )

    body = as_user("officer_thai_nguyen").get(f"/api/v1/movements/{lao_cai.pk}").json()

    assert body == {
        "id": lao_cai.pk,
        "name": "Lào Cai chung sức xây dựng nông thôn mới và giảm nghèo bền vững",
        "kind": "thematic",
        "scope": "ministry_or_province",
        "launched_by_id": province("10").pk,
        "launched_by_code": "10",
        "theme": "",
        "start": "2017-03-01",
        "end": "2018-12-31",
        "decision_number": "",
        "decision_date": None,
        "slogan": "",
        "target_groups": "",
        "note": "",
        "clusters": [{"id": border_cluster.pk, "code": "CTD-BG", "name": border_cluster.name}],
        "participants": [{"id": province("10").pk, "code": "10", "name": "Tỉnh Lào Cai"}],
        "reviews": [
            {
                "id": review.pk,
                "kind": "so_ket",
                "date": "2017-12-20",
                "title": "Sơ kết năm 2017",
                "summary": "",
                "outcomes": "5 tập thể được khen thưởng",
                "collectives_commended": 5,
                "individuals_commended": None,
                "has_document": True,
            }
        ],
    }


# --- creation ----------------------------------------------------------------------------------

PAYLOAD = {
    "launched_by_code": "19",
    "name": "Thái Nguyên chung sức xây dựng NTM",
    "kind": "thematic",
    "scope": "ministry_or_province",
    "start": "2016-01-01",
    "end": "2020-12-31",
    "target_groups": "nông dân",
}


def test_it_creates_a_movement(
    as_user: Any, officer_thai_nguyen: Any, thai_nguyen: Org, db: Any
) -> None:
    response = post(as_user("officer_thai_nguyen"), PAYLOAD)

    assert response.status_code == 201
    movement = Movement.objects.get()
    body = response.json()
    assert (body["id"], body["launched_by_id"], body["end"], body["participants"]) == (
        movement.pk,
        thai_nguyen.pk,
        "2020-12-31",
        [],
    )
    assert (movement.name, movement.target_groups) == (PAYLOAD["name"], "nông dân")
    assert AuditEvent.objects.get(action="movements.movement.created").actor == officer_thai_nguyen


def test_it_creates_with_a_bearer_token(officer_thai_nguyen: Any, thai_nguyen: Org) -> None:
    _, secret = token_create(user=officer_thai_nguyen, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", enforce_csrf_checks=True)

    response = post(client, PAYLOAD)

    assert response.status_code == 201
    assert Movement.objects.get().launched_by == thai_nguyen


# persona → the status of POST /movements for Thái Nguyên
DENIED = {
    "officer_lao_cai": 403,  # manages Lào Cai only
    "viewer_bac_giang": 403,
    "member_bac_kan": 403,
    "council_member": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", DENIED)
def test_it_refuses_creation_to_those_who_may_not_manage_the_unit(
    as_user: Any, movements: dict[str, Movement], persona: str
) -> None:
    client = as_user(persona)
    before = state()

    response = post(client, PAYLOAD)

    assert response.status_code == DENIED[persona]
    assert response.json() == {"detail": message("Your roles do not allow this action.")}
    assert state() == before


def test_it_refuses_an_anonymous_creation(movements: dict[str, Movement]) -> None:
    before = state()

    response = post(Client(), PAYLOAD)

    assert response.status_code == 401
    assert state() == before


@pytest.mark.parametrize(
    ("changes", "status", "body"),
    [
        (
            {"end": "2015-12-31"},
            400,
            {"detail": ("The end must not precede the start.", {}), "field": "end"},
        ),
        (
            {"launched_by_code": "zz-9"},
            400,
            {"detail": ("No unit has the code %(p)s.", {"p": "ZZ-9"}), "field": "launched_by_code"},
        ),
        (
            {"name": "   "},
            400,
            {"detail": ("The name is required.", {}), "field": "name"},
        ),
    ],
)
def test_it_explains_a_refused_creation_in_vietnamese(
    as_user: Any,
    movements: dict[str, Movement],
    changes: dict[str, Any],
    status: int,
    body: dict[str, Any],
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = post(client, {**PAYLOAD, **changes})

    assert response.status_code == status
    text, params = body["detail"]
    assert response.json() == {"detail": message(text, **params), "field": body["field"]}
    assert state() == before


@pytest.mark.parametrize(
    "changes", [{"kind": "weekly"}, {"start": "01/01/2016"}, {"launched_by_code": None}]
)
def test_it_refuses_a_malformed_payload(
    as_user: Any, movements: dict[str, Movement], changes: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = post(client, {**PAYLOAD, **changes})

    assert response.status_code == 422
    assert response.json()["detail"] == message("Some values are not valid.")
    assert state() == before


# --- bounded queries ---------------------------------------------------------------------------


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_it_lists_and_reads_in_the_same_queries_whatever_the_size(
    as_user: Any, movements: dict[str, Movement], province: Any, border_cluster: Cluster
) -> None:
    client = as_user("officer_thai_nguyen")
    client.get("/api/v1/movements")  # warm the session
    tn = movements["tn"]
    few_list = queries(client, "/api/v1/movements")
    few_detail = queries(client, f"/api/v1/movements/{tn.pk}")

    for index in range(5):
        movement_create(
            actor=None,
            launched_by=province("19"),
            name=f"Phong trào {index}",
            kind="thematic",
            scope="ministry_or_province",
            start=dt.date(2017, 1, 1),
        )
        review_add(
            actor=None, movement=tn, kind="so_ket", date=dt.date(2017, 1, index + 1), title="Sơ kết"
        )
    movement_set_participants(
        actor=None,
        movement=tn,
        clusters=[border_cluster],
        units=[province(c) for c in ["10", "20", "14", "02", "12"]],
    )

    assert queries(client, "/api/v1/movements") == few_list
    assert queries(client, f"/api/v1/movements/{tn.pk}") == few_detail
    body = client.get(f"/api/v1/movements/{tn.pk}").json()
    assert (len(body["participants"]), len(body["reviews"])) == (5, 5)
