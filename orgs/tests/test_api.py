"""GET /api/v1/orgs…: scoped like the pages, JSON errors, lineage as of a date, bounded queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import token_create
from orgs.models import Org
from orgs.services import org_create

ENDPOINTS = ["/api/v1/orgs/{id}", "/api/v1/orgs/{id}/lineage"]


@pytest.mark.parametrize("path", ["/api/v1/orgs", *ENDPOINTS])
def test_it_answers_401_json_to_anonymous_callers(units: dict[str, Org], path: str) -> None:
    response = Client().get(path.format(id=units["thai_nguyen"].pk))

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["detail"]


# persona → the codes it lists
LISTS = {
    "officer_thai_nguyen": ["06.SNV", "19.SNV", "06", "19"],
    "member_bac_kan": ["06.SNV"],
    "secretariat_bac_giang": ["24.SNV", "24"],
    "viewer_bac_giang": ["24.SNV", "24"],
    "council_member": ["TW-HDTDKT"],
}


@pytest.mark.parametrize("persona", LISTS)
def test_it_lists_only_units_within_reach(
    as_user: Any, units: dict[str, Org], persona: str
) -> None:
    response = as_user(persona).get("/api/v1/orgs")

    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == LISTS[persona]
    assert response.json()["count"] == len(LISTS[persona])


def test_it_lists_everything_to_an_administrator(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("admin_user").get("/api/v1/orgs", {"limit": 5})

    assert response.json()["count"] == Org.objects.count() == 70
    assert len(response.json()["items"]) == 5


def test_it_refuses_the_list_to_an_outsider(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("outsider").get("/api/v1/orgs")

    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


# persona → {unit: status} for GET /orgs/{id} and GET /orgs/{id}/lineage alike
DETAIL = {
    "admin_user": {"bac_giang": 200},
    "officer_thai_nguyen": {"bac_kan": 200, "snv_bac_kan": 200, "bac_giang": 404},
    "member_bac_kan": {"snv_bac_kan": 200, "bac_kan": 404},
    "viewer_bac_giang": {"snv_bac_giang": 200, "thai_nguyen": 404},
    "council_member": {"thai_nguyen": 404},
    "outsider": {"thai_nguyen": 404},
}


@pytest.mark.parametrize("persona", DETAIL)
def test_it_shows_a_unit_only_within_reach(
    as_user: Any, units: dict[str, Org], persona: str
) -> None:
    client = as_user(persona)

    for path in ENDPOINTS:
        statuses = {
            target: client.get(path.format(id=units[target].pk)).status_code
            for target in DETAIL[persona]
        }
        assert statuses == DETAIL[persona], path
    for target, status in DETAIL[persona].items():
        if status == 404:
            response = client.get(ENDPOINTS[0].format(id=units[target].pk))
            assert list(response.json()) == ["detail"]


def test_it_describes_one_unit(as_user: Any, units: dict[str, Org]) -> None:
    org = units["snv_bac_kan"]

    body = as_user("officer_thai_nguyen").get(f"/api/v1/orgs/{org.pk}").json()

    assert body == {
        "id": org.pk,
        "code": "06.SNV",
        "name": "Sở Nội vụ tỉnh Bắc Kạn",
        "short_name": "",
        "kind": "department",
        "parent_id": units["bac_kan"].pk,
        "parent_name": "Tỉnh Bắc Kạn",
        "valid_from": None,
        "valid_to": "2025-06-30",
        "aliases": "",
        "address": "",
        "area": "",
    }


def test_it_gives_bac_kan_lineage(as_user: Any, units: dict[str, Org]) -> None:
    bac_kan, thai_nguyen = units["bac_kan"], units["thai_nguyen"]
    client = as_user("officer_thai_nguyen")

    on_merger = client.get(f"/api/v1/orgs/{bac_kan.pk}/lineage", {"at": "2025-07-01"}).json()
    on_eve = client.get(f"/api/v1/orgs/{bac_kan.pk}/lineage", {"at": "2025-06-30"}).json()

    assert on_merger["successor_now"]["code"] == "19"
    assert on_merger["successors"] == [
        {
            "id": thai_nguyen.pk,
            "code": "19",
            "name": "Tỉnh Thái Nguyên",
            "event": "merged_into",
            "effective_date": "2025-07-01",
            "via_id": bac_kan.pk,
            "depth": 1,
        }
    ]
    assert on_merger["dissolved_on"] is None
    assert on_eve["successor_now"] is None
    assert on_eve["successors"] == []


def test_it_lists_thai_nguyen_predecessors(as_user: Any, units: dict[str, Org]) -> None:
    thai_nguyen = units["thai_nguyen"]

    body = as_user("officer_thai_nguyen").get(f"/api/v1/orgs/{thai_nguyen.pk}/lineage").json()

    assert body["org"]["code"] == "19"
    assert [(p["code"], p["event"], p["depth"]) for p in body["predecessors"]] == [
        ("06", "merged_into", 1)
    ]
    assert body["successor_now"] is None


def test_it_refuses_a_malformed_date(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("officer_thai_nguyen").get(
        f"/api/v1/orgs/{units['bac_kan'].pk}/lineage", {"at": "30/06/2025"}
    )

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "bac kan"}, ["06", "06.SNV"]),
        ({"q": "BẮC KẠN"}, ["06", "06.SNV"]),
        ({"q": "hcm"}, ["79"]),
        ({"q": "thua thien hue"}, ["46"]),
        ({"q": "da nang", "kind": "province"}, ["48"]),
        ({"kind": "province", "active_on": "2025-07-01", "q": "thai"}, ["19"]),
        ({"kind": "province", "active_on": "2025-06-30", "q": "thai"}, ["34", "19"]),
        ({"parent": "BAC_KAN"}, ["06.SNV"]),
        (
            {
                "q": "tinh",
                "sort": "-code",
                "kind": "province",
                "active_on": "2025-07-01",
                "limit": 3,
            },
            ["96", "89", "87"],
        ),
    ],
)
def test_it_filters_like_the_page(
    as_user: Any, units: dict[str, Org], params: dict[str, Any], expected: list[str]
) -> None:
    if params.get("parent") == "BAC_KAN":
        params = {"parent": units["bac_kan"].pk}

    response = as_user("admin_user").get("/api/v1/orgs", params)

    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == expected


def test_it_refuses_an_unknown_kind(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("admin_user").get("/api/v1/orgs", {"kind": "galaxy"})

    assert response.status_code == 422


def test_it_works_with_a_bearer_token(units: dict[str, Org], officer_thai_nguyen: Any) -> None:
    _, secret = token_create(user=officer_thai_nguyen, name="script")

    response = Client().get(
        f"/api/v1/orgs/{units['bac_kan'].pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 200
    assert response.json()["code"] == "06"


def count_queries(client: Client, path: str, params: dict[str, Any]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["items"])


def test_it_lists_units_in_a_fixed_number_of_queries(
    as_user: Any, units: dict[str, Org], django_assert_max_num_queries: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    parent = units["snv_thai_nguyen"]
    params = {"parent": parent.pk, "limit": 100}
    for i in range(5):
        org_create(
            actor=None, code=f"19.Q{i:02}", name=f"Phòng {i:02}", kind="other", parent=parent
        )
    few = count_queries(client, "/api/v1/orgs", params)
    for i in range(5, 30):
        org_create(
            actor=None, code=f"19.Q{i:02}", name=f"Phòng {i:02}", kind="other", parent=parent
        )

    many = count_queries(client, "/api/v1/orgs", params)

    assert (few[1], many[1]) == (5, 30)
    assert many[0] == few[0]
    # session, user, roles, lineage reach (2), count, page, session save (3 with savepoints)
    with django_assert_max_num_queries(10):
        client.get("/api/v1/orgs", params)


def test_it_gives_lineage_in_a_fixed_number_of_queries(
    as_user: Any, units: dict[str, Org], django_assert_max_num_queries: Any
) -> None:
    client = as_user("admin_user")
    phu_tho = Org.objects.get(code="25")

    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/orgs/{phu_tho.pk}/lineage")

    assert len(response.json()["predecessors"]) == 2
