"""GET /api/v1/clusters…: scoped like the pages, years with members and leaders, bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.services import token_create
from clusters.models import Cluster
from clusters.services import (
    cluster_create,
    cluster_year_hand_over_flag,
    cluster_year_open,
    cluster_year_set_head,
)
from conftest import make_user
from orgs.models import Org

# Provinces that existed from 2015 to 2020, to build clusters of any size.
PROVINCES = ["24", "06", "19", "10", "20", "14", "02", "12", "04", "11", "15", "08", "25", "17"]


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def council_officer(council: Org) -> Any:
    return make_user("canbo.hoidong", Role.OFFICER, council)


def build(council: Org, code: str, name: str, codes: list[str], years: range) -> Cluster:
    """A cluster whose first year has `codes` as members, then one year after another."""
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code=code, name=name, uses_rotating_flag=True
    )
    members = [Org.objects.get(code=c) for c in codes]
    for year in years:
        cluster_year_open(
            actor=None, cluster=cluster, year=year, members=members if year == years[0] else None
        )
    return cluster


@pytest.fixture
def north(council: Org, province: Any) -> Cluster:
    """Bắc Giang, Bắc Kạn, Thái Nguyên; 2015: Bắc Giang head, Bắc Kạn deputy; 2016 proposed."""
    cluster = build(
        council, "CTD-TDMN", "Cụm thi đua Trung du miền núi", PROVINCES[:3], range(2015, 2016)
    )
    year_2015 = cluster.years.get(year=2015)
    cluster_year_set_head(
        actor=None,
        cluster_year=year_2015,
        head=province("24"),
        deputy=province("06"),
        decision="Biên bản suy tôn 2015",
        decision_date=dt.date(2015, 1, 20),
    )
    cluster_year_hand_over_flag(actor=None, cluster_year=year_2015, day=dt.date(2014, 12, 19))
    cluster_year_open(actor=None, cluster=cluster, year=2016)
    return cluster


@pytest.fixture
def south(council: Org) -> Cluster:
    """Thanh Hóa and Nghệ An: no persona's unit is a member."""
    return build(council, "CTD-BTB", "Cụm thi đua Bắc Trung Bộ", ["38", "40"], range(2018, 2019))


@pytest.fixture
def clusters(north: Cluster, south: Cluster) -> dict[str, Cluster]:
    return {"north": north, "south": south}


@pytest.mark.parametrize("path", ["/api/v1/clusters", "/api/v1/clusters/{id}"])
def test_it_answers_401_json_to_anonymous_callers(clusters: dict[str, Cluster], path: str) -> None:
    response = Client().get(path.format(id=clusters["north"].pk))

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["detail"]


# persona → the clusters it lists, by name
LISTS = {
    "admin_user": ["CTD-BTB", "CTD-TDMN"],
    "council_officer": ["CTD-BTB", "CTD-TDMN"],
    "council_member": ["CTD-BTB", "CTD-TDMN"],
    "officer_thai_nguyen": ["CTD-TDMN"],
    "secretariat_bac_giang": ["CTD-TDMN"],
    "viewer_bac_giang": ["CTD-TDMN"],
    "member_bac_kan": [],
}


@pytest.mark.parametrize("persona", LISTS)
def test_it_lists_only_the_clusters_in_sight(
    as_user: Any, clusters: dict[str, Cluster], persona: str
) -> None:
    response = as_user(persona).get("/api/v1/clusters")

    assert response.status_code == 200
    assert [c["code"] for c in response.json()["items"]] == LISTS[persona]
    assert response.json()["count"] == len(LISTS[persona])


def test_it_refuses_the_list_to_an_outsider(as_user: Any, clusters: dict[str, Cluster]) -> None:
    response = as_user("outsider").get("/api/v1/clusters")

    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


# persona → {cluster: status} for GET /clusters/{id}
DETAIL = {
    "admin_user": {"north": 200, "south": 200},
    "council_member": {"north": 200, "south": 200},
    "officer_thai_nguyen": {"north": 200, "south": 404},
    "viewer_bac_giang": {"north": 200, "south": 404},
    "member_bac_kan": {"north": 404, "south": 404},
    "outsider": {"north": 404, "south": 404},
}


@pytest.mark.parametrize("persona", DETAIL)
def test_it_shows_a_cluster_only_in_sight(
    as_user: Any, clusters: dict[str, Cluster], persona: str
) -> None:
    client = as_user(persona)

    responses = {
        target: client.get(f"/api/v1/clusters/{clusters[target].pk}") for target in DETAIL[persona]
    }

    assert {t: r.status_code for t, r in responses.items()} == DETAIL[persona]
    for response in responses.values():
        if response.status_code == 404:
            assert list(response.json()) == ["detail"]


def test_it_answers_404_for_a_cluster_that_does_not_exist(
    as_user: Any, clusters: dict[str, Cluster]
) -> None:
    response = as_user("admin_user").get(f"/api/v1/clusters/{clusters['south'].pk + 1000}")

    assert response.status_code == 404


def test_it_describes_a_cluster_with_its_years(
    as_user: Any, north: Cluster, council: Org, province: Any
) -> None:
    bac_giang, bac_kan, thai_nguyen = province("24"), province("06"), province("19")
    members = [
        {"org_id": org.pk, "code": org.code, "name": org.name, "rotation_position": position}
        for position, org in enumerate([bac_giang, bac_kan, thai_nguyen], start=1)
    ]

    body = as_user("viewer_bac_giang").get(f"/api/v1/clusters/{north.pk}").json()

    assert body == {
        "id": north.pk,
        "code": "CTD-TDMN",
        "name": "Cụm thi đua Trung du miền núi",
        "kind": "cum",
        "organiser_id": council.pk,
        "uses_rotating_flag": True,
        "description": "",
        "years": [
            {
                "year": 2016,
                "head_id": bac_kan.pk,
                "deputy_id": thai_nguyen.pk,
                "head_decision": "",
                "head_decision_date": None,
                "flag_handover_date": None,
                "members": members,
                "meetings": [],
            },
            {
                "year": 2015,
                "head_id": bac_giang.pk,
                "deputy_id": bac_kan.pk,
                "head_decision": "Biên bản suy tôn 2015",
                "head_decision_date": "2015-01-20",
                "flag_handover_date": "2014-12-19",
                "members": members,
                "meetings": [],
            },
        ],
    }


@pytest.mark.parametrize(
    ("params", "expected", "count"),
    [
        ({"q": "mien nui"}, ["CTD-TDMN"], 1),
        ({"q": "BẮC TRUNG BỘ"}, ["CTD-BTB"], 1),
        ({"q": "cum thi dua"}, ["CTD-BTB", "CTD-TDMN"], 2),
        ({"kind": "cum"}, ["CTD-BTB", "CTD-TDMN", "CTD-THU"], 3),
        ({"kind": "khoi"}, ["KTD-VHXH"], 1),
        ({"q": "thi dua", "kind": "khoi"}, ["KTD-VHXH"], 1),
        ({"limit": 2}, ["CTD-BTB", "CTD-TDMN"], 4),
        ({"limit": 2, "offset": 2}, ["CTD-THU", "KTD-VHXH"], 4),
    ],
)
def test_it_filters_and_pages_like_the_page(
    as_user: Any,
    clusters: dict[str, Cluster],
    council: Org,
    params: dict[str, Any],
    expected: list[str],
    count: int,
) -> None:
    cluster_create(actor=None, kind="cum", organiser=council, code="CTD-THU", name="Cụm thử")
    cluster_create(
        actor=None, kind="khoi", organiser=council, code="KTD-VHXH", name="Khối thi đua văn hóa"
    )

    response = as_user("admin_user").get("/api/v1/clusters", params)

    assert response.status_code == 200
    assert [c["code"] for c in response.json()["items"]] == expected
    assert response.json()["count"] == count


def test_it_refuses_an_unknown_kind(as_user: Any, clusters: dict[str, Cluster]) -> None:
    response = as_user("admin_user").get("/api/v1/clusters", {"kind": "galaxy"})

    assert response.status_code == 422
    assert set(response.json()) == {"detail", "errors"}


def test_it_describes_the_listed_fields(
    as_user: Any, clusters: dict[str, Cluster], council: Org
) -> None:
    items = as_user("viewer_bac_giang").get("/api/v1/clusters").json()["items"]

    assert items == [
        {
            "id": clusters["north"].pk,
            "code": "CTD-TDMN",
            "name": "Cụm thi đua Trung du miền núi",
            "kind": "cum",
            "organiser_id": council.pk,
            "uses_rotating_flag": True,
        }
    ]


def test_it_works_with_a_bearer_token(clusters: dict[str, Cluster], viewer_bac_giang: Any) -> None:
    _, secret = token_create(user=viewer_bac_giang, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    listed = client.get("/api/v1/clusters")
    hidden = client.get(f"/api/v1/clusters/{clusters['south'].pk}")

    assert [c["code"] for c in listed.json()["items"]] == ["CTD-TDMN"]
    assert hidden.status_code == 404


# --- query counts ------------------------------------------------------------------------------


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_it_reads_a_cluster_in_the_same_queries_whatever_its_size(
    as_user: Any, council: Org, django_assert_max_num_queries: Any
) -> None:
    small = build(council, "CTD-NHO", "Cụm nhỏ", PROVINCES[:2], range(2015, 2016))
    large = build(council, "CTD-LON", "Cụm lớn", PROVINCES, range(2015, 2021))
    client = as_user("council_officer")
    client.get("/api/v1/clusters")  # warm the session

    few = queries(client, f"/api/v1/clusters/{small.pk}")
    many = queries(client, f"/api/v1/clusters/{large.pk}")

    assert few == many
    body = client.get(f"/api/v1/clusters/{large.pk}").json()
    assert [len(y["members"]) for y in body["years"]] == [len(PROVINCES)] * 6
    with django_assert_max_num_queries(few):
        client.get(f"/api/v1/clusters/{large.pk}")


def test_it_lists_clusters_in_the_same_queries_whatever_their_number(
    as_user: Any, council: Org
) -> None:
    build(council, "CTD-1", "Cụm một", PROVINCES[:2], range(2015, 2016))
    client = as_user("officer_thai_nguyen")
    client.get("/api/v1/clusters")  # warm the session

    one = queries(client, "/api/v1/clusters")
    for index in range(2, 7):
        codes = ["19", PROVINCES[index + 3]]  # Thái Nguyên, in the officer's sight, and another
        build(council, f"CTD-{index}", f"Cụm {index}", codes, range(2015, 2017))
    many = queries(client, "/api/v1/clusters")

    assert one == many
    assert client.get("/api/v1/clusters").json()["count"] == 6
