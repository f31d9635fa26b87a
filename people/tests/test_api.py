"""GET /api/v1/people…: scoped like the pages; ID numbers only for the keepers of the person's unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import token_create
from orgs.models import Org
from people.models import Person
from people.services import person_create, person_transfer

ID_NUMBERS = {
    "person_thai_nguyen": "019185000123",
    "person_bac_giang": "024079000456",
    "person_bac_kan": "006190000777",
    "person_council": "001170000888",
}


@pytest.fixture
def people(
    person_thai_nguyen: Person, person_bac_giang: Person, snv_bac_kan: Org
) -> dict[str, Person]:
    return {
        "person_thai_nguyen": person_thai_nguyen,
        "person_bac_giang": person_bac_giang,
        "person_bac_kan": person_create(
            actor=None,
            full_name="Hoàng Văn Sơn",
            gender="M",
            birth_year=1990,
            unit=snv_bac_kan,
            id_number=ID_NUMBERS["person_bac_kan"],
            start_date=dt.date(2015, 1, 1),
        ),
        "person_council": person_create(
            actor=None,
            full_name="Phạm Thị Hà",
            gender="F",
            birth_year=1970,
            unit=Org.objects.get(code="TW-HDTDKT"),
            id_number=ID_NUMBERS["person_council"],
            category="leader",
        ),
    }


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/people/{id}"])
def test_it_answers_401_json_to_anonymous_callers(people: dict[str, Person], path: str) -> None:
    response = Client().get(path.format(id=people["person_thai_nguyen"].pk))

    assert response.status_code == 401
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("admin_user", 200, ["Hoàng Văn Sơn", "Nguyễn Thị Lan", "Phạm Thị Hà", "Trần Văn Hùng"]),
        ("officer_thai_nguyen", 200, ["Hoàng Văn Sơn", "Nguyễn Thị Lan"]),
        ("member_bac_kan", 200, ["Hoàng Văn Sơn"]),
        ("secretariat_bac_giang", 200, ["Trần Văn Hùng"]),
        ("viewer_bac_giang", 200, ["Trần Văn Hùng"]),
        ("council_member", 200, ["Phạm Thị Hà"]),
        ("outsider", 403, None),
    ],
)
def test_it_lists_only_people_within_reach(
    as_user: Any, people: dict[str, Person], persona: str, status: int, expected: list[str] | None
) -> None:
    response = as_user(persona).get("/api/v1/people")

    assert response.status_code == status
    if expected is not None:
        assert [p["full_name"] for p in response.json()["items"]] == expected
        assert all("id_number" not in p for p in response.json()["items"])


# persona → {person: (status, the ID number it sees)}
DETAIL: dict[str, dict[str, tuple[int, str | None]]] = {
    "admin_user": {"person_bac_giang": (200, "024079000456")},
    "officer_thai_nguyen": {
        "person_thai_nguyen": (200, "019185000123"),
        "person_bac_kan": (200, "006190000777"),  # unit merged into the officer's
        "person_bac_giang": (404, None),
    },
    "member_bac_kan": {"person_bac_kan": (200, "006190000777"), "person_thai_nguyen": (404, None)},
    "secretariat_bac_giang": {"person_bac_giang": (200, None)},
    "viewer_bac_giang": {"person_bac_giang": (200, None), "person_thai_nguyen": (404, None)},
    "council_member": {"person_council": (200, None), "person_bac_giang": (404, None)},
    "outsider": {"person_thai_nguyen": (404, None)},
}


@pytest.mark.parametrize("persona", DETAIL)
def test_it_shows_a_person_and_the_id_number_only_to_keepers(
    as_user: Any, people: dict[str, Person], persona: str
) -> None:
    client = as_user(persona)
    seen = {}
    for target in DETAIL[persona]:
        response = client.get(f"/api/v1/people/{people[target].pk}")
        body = response.json()
        seen[target] = (response.status_code, body.get("id_number"))
        if seen[target][1] is None:
            assert ID_NUMBERS[target] not in response.content.decode()

    assert seen == DETAIL[persona]


def test_it_describes_a_person_with_the_posting_history(
    as_user: Any, people: dict[str, Person], snv_thai_nguyen: Org, snv_bac_kan: Org
) -> None:
    person = people["person_bac_kan"]
    person_transfer(
        actor=None,
        person=person,
        to_unit=snv_thai_nguyen,
        start_date=dt.date(2025, 7, 1),
        decision="15/QĐ",
    )

    body = as_user("officer_thai_nguyen").get(f"/api/v1/people/{person.pk}").json()

    assert body == {
        "id": person.pk,
        "full_name": "Hoàng Văn Sơn",
        "gender": "M",
        "birth_year": 1990,
        "ethnicity": "Kinh",
        "position": "",
        "category": "staff",
        "unit_id": snv_thai_nguyen.pk,
        "unit_name": "Sở Nội vụ tỉnh Thái Nguyên",
        "note": "",
        "id_number": "006190000777",
        "postings": [
            {
                "org_id": snv_thai_nguyen.pk,
                "org_name": "Sở Nội vụ tỉnh Thái Nguyên",
                "position": "",
                "start_date": "2025-07-01",
                "end_date": None,
                "decision": "15/QĐ",
            },
            {
                "org_id": snv_bac_kan.pk,
                "org_name": "Sở Nội vụ tỉnh Bắc Kạn",
                "position": "",
                "start_date": "2015-01-01",
                "end_date": "2025-06-30",
                "decision": "",
            },
        ],
    }


def test_it_hides_the_id_number_from_a_bearer_token_of_a_viewer(
    people: dict[str, Person], viewer_bac_giang: Any
) -> None:
    _, secret = token_create(user=viewer_bac_giang, name="script")

    response = Client().get(
        f"/api/v1/people/{people['person_bac_giang'].pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 200
    assert response.json()["id_number"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "nguyen thi lan"}, ["Nguyễn Thị Lan"]),
        ({"q": "NGUYỄN THỊ LAN"}, ["Nguyễn Thị Lan"]),
        ({"q": "thi"}, ["Nguyễn Thị Lan", "Phạm Thị Hà"]),
        ({"gender": "M"}, ["Hoàng Văn Sơn", "Trần Văn Hùng"]),
        ({"category": "leader"}, ["Phạm Thị Hà", "Trần Văn Hùng"]),
        (
            {"sort": "-birth_year"},
            ["Hoàng Văn Sơn", "Nguyễn Thị Lan", "Trần Văn Hùng", "Phạm Thị Hà"],
        ),
        ({"sort": "unit"}, ["Phạm Thị Hà", "Trần Văn Hùng", "Hoàng Văn Sơn", "Nguyễn Thị Lan"]),
        ({"limit": 2, "offset": 1}, ["Nguyễn Thị Lan", "Phạm Thị Hà"]),
        (
            {"sort": "name"},
            ["Hoàng Văn Sơn", "Nguyễn Thị Lan", "Phạm Thị Hà", "Trần Văn Hùng"],
        ),
    ],
)
def test_it_filters_like_the_page(
    as_user: Any, people: dict[str, Person], params: dict[str, Any], expected: list[str]
) -> None:
    response = as_user("admin_user").get("/api/v1/people", params)

    assert response.status_code == 200
    assert [p["full_name"] for p in response.json()["items"]] == expected
    assert response.json()["count"] == (4 if "limit" in params else len(expected))


def test_it_filters_a_unit_with_its_sub_units(
    as_user: Any, people: dict[str, Person], bac_kan: Org
) -> None:
    response = as_user("officer_thai_nguyen").get("/api/v1/people", {"unit": bac_kan.pk})

    assert [p["full_name"] for p in response.json()["items"]] == ["Hoàng Văn Sơn"]


def test_it_finds_nobody_in_a_unit_out_of_reach(
    as_user: Any, people: dict[str, Person], bac_giang: Org
) -> None:
    response = as_user("officer_thai_nguyen").get("/api/v1/people", {"unit": bac_giang.pk})

    assert response.json() == {"items": [], "count": 0}


def count_queries(client: Client, path: str, params: dict[str, Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


def add_people(unit: Org, start: int, stop: int) -> None:
    for i in range(start, stop):
        person_create(
            actor=None, full_name=f"Người Số {i:02}", gender="F", birth_year=1980, unit=unit
        )


def test_it_lists_people_in_a_fixed_number_of_queries(
    as_user: Any,
    people: dict[str, Person],
    snv_thai_nguyen: Org,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user("officer_thai_nguyen")
    params = {"unit": snv_thai_nguyen.pk, "limit": 100}
    add_people(snv_thai_nguyen, 0, 4)
    few, few_body = count_queries(client, "/api/v1/people", params)
    add_people(snv_thai_nguyen, 4, 29)

    many, many_body = count_queries(client, "/api/v1/people", params)

    assert (few_body["count"], many_body["count"]) == (5, 30)
    assert many == few
    # session, user, roles, lineage reach (2), unit, count, page, units of the page (prefetch),
    # session save (3 with savepoints)
    with django_assert_max_num_queries(12):
        client.get("/api/v1/people", params)


def test_it_shows_a_person_in_a_fixed_number_of_queries(
    as_user: Any, people: dict[str, Person], snv_thai_nguyen: Org, snv_bac_giang: Org
) -> None:
    client = as_user("admin_user")
    person = people["person_thai_nguyen"]
    path = f"/api/v1/people/{person.pk}"
    few, _ = count_queries(client, path, {})
    for year in range(2020, 2026):
        unit = snv_bac_giang if year % 2 == 0 else snv_thai_nguyen
        person_transfer(actor=None, person=person, to_unit=unit, start_date=dt.date(year, 1, 1))

    many, body = count_queries(client, path, {})

    assert len(body["postings"]) == 7
    assert many == few
