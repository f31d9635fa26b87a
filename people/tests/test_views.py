"""People pages: who may open and change whom, ID numbers only for the unit's keepers, export, queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import ApiToken
from core.models import AuditEvent
from orgs.models import LineageEvent, Org
from people.models import Category, Person, Posting
from people.services import person_create
from people.views import export_columns

LOGIN = reverse("accounts:login")
VI_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
ID_NUMBERS = {
    "person_thai_nguyen": "019185000123",
    "person_bac_giang": "024079000456",
    "person_bac_kan": "006190000777",
    "person_council": "001170000888",
}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Org, Person, Posting, LineageEvent, AuditEvent, ApiToken)
    }


def person_row(person: Person) -> tuple[Any, ...]:
    p = Person.objects.get(pk=person.pk)
    postings = tuple(
        p.postings.order_by("start_date").values_list("org_id", "start_date", "end_date")
    )
    return (
        p.full_name,
        p.gender,
        p.birth_year,
        p.position,
        p.unit_id,
        p.id_number,
        p.note,
        postings,
    )


def message(text: str, **params: Any) -> str:
    """A message as the page shows it: Vietnamese once the catalogue is compiled."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    if VI_CATALOGUE.exists():
        assert shown != text, f"no Vietnamese for {text!r}"
    return shown % params if params else shown


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
        ),
    }


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


# --- who may open what -------------------------------------------------------------------------

PAGES = {
    "list": ("people:person-list", False),
    "create": ("people:person-create", False),
    "detail": ("people:person-detail", True),
    "edit": ("people:person-edit", True),
    "transfer": ("people:person-transfer", True),
}


def page_url(page: str, people: dict[str, Person], target: str | None = None) -> str:
    name, takes_person = PAGES[page]
    return reverse(name, args=[people[target].pk]) if takes_person and target else reverse(name)


# persona → {(page, person): status}. Unit keepers (admin, officer, focal point) change people in
# their reach; everyone with a role sees them; out of reach is a 404.
ACCESS = {
    "admin_user": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "person_bac_giang"): 200,
        ("edit", "person_bac_giang"): 200,
        ("transfer", "person_bac_giang"): 200,
    },
    "officer_thai_nguyen": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "person_thai_nguyen"): 200,
        ("detail", "person_bac_kan"): 200,  # unit merged into the officer's
        ("detail", "person_bac_giang"): 404,
        ("edit", "person_bac_kan"): 200,
        ("edit", "person_bac_giang"): 404,
        ("transfer", "person_bac_kan"): 200,
        ("transfer", "person_bac_giang"): 404,
    },
    "member_bac_kan": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "person_bac_kan"): 200,
        ("detail", "person_thai_nguyen"): 404,
        ("edit", "person_bac_kan"): 200,
        ("transfer", "person_bac_kan"): 200,
        ("edit", "person_thai_nguyen"): 404,
    },
    "secretariat_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "person_bac_giang"): 200,
        ("edit", "person_bac_giang"): 403,
        ("transfer", "person_bac_giang"): 403,
    },
    "viewer_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "person_bac_giang"): 200,
        ("detail", "person_thai_nguyen"): 404,
        ("edit", "person_bac_giang"): 403,
        ("transfer", "person_bac_giang"): 403,
    },
    "council_member": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "person_council"): 200,
        ("detail", "person_thai_nguyen"): 404,
        ("edit", "person_council"): 403,
        ("transfer", "person_council"): 403,
    },
    "outsider": {
        ("list", None): 403,
        ("create", None): 403,
        ("detail", "person_thai_nguyen"): 404,
        ("edit", "person_bac_giang"): 404,
        ("transfer", "person_bac_giang"): 404,
    },
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, people: dict[str, Person], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        (page, target): client.get(page_url(page, people, target)).status_code
        for page, target in ACCESS[persona]
    }

    assert statuses == ACCESS[persona]


def test_it_sends_visitors_to_sign_in_from_every_page(people: dict[str, Person]) -> None:
    client = Client()
    for page in PAGES:
        for method in (client.get, client.post):
            assert_sent_to_login(method(page_url(page, people, "person_thai_nguyen")))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_thai_nguyen", ["Hoàng Văn Sơn", "Nguyễn Thị Lan"]),
        ("member_bac_kan", ["Hoàng Văn Sơn"]),
        ("viewer_bac_giang", ["Trần Văn Hùng"]),
        ("council_member", ["Phạm Thị Hà"]),
    ],
)
def test_it_lists_only_people_within_reach(
    as_user: Any, people: dict[str, Person], persona: str, expected: list[str]
) -> None:
    response = as_user(persona).get(reverse("people:person-list"))

    assert [p.full_name for p in response.context["page"]] == expected


# persona → the people whose page it opens, and whether it sees their ID number there
SEES_ID = {
    "admin_user": {"person_bac_giang": True, "person_council": True},
    "officer_thai_nguyen": {"person_thai_nguyen": True, "person_bac_kan": True},
    "member_bac_kan": {"person_bac_kan": True},
    "secretariat_bac_giang": {"person_bac_giang": False},
    "viewer_bac_giang": {"person_bac_giang": False},
    "council_member": {"person_council": False},
}


@pytest.mark.parametrize("persona", SEES_ID)
def test_it_shows_id_numbers_only_to_the_unit_keepers(
    as_user: Any, people: dict[str, Person], persona: str
) -> None:
    client = as_user(persona)
    seen = {}
    for target in SEES_ID[persona]:
        response = client.get(reverse("people:person-detail", args=[people[target].pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert (ID_NUMBERS[target] in body) == ('id="id-number"' in body)
        seen[target] = ID_NUMBERS[target] in body

    assert seen == SEES_ID[persona]


# --- changes: allowed ones happen, denied ones change nothing ----------------------------------


NEW_PERSON = {
    "full_name": "Lý Thị Mai",
    "gender": "F",
    "birth_year": "1992",
    "ethnicity": "Tày",
    "unit_code": "06.snv",
    "position": "Chuyên viên",
    "category": Category.WORKER,
    "start_date": "01/02/2020",
    "id_number": "006192000111",
    "note": "",
}


def test_it_lets_a_focal_point_register_a_person(as_user: Any, people: dict[str, Person]) -> None:
    response = as_user("member_bac_kan").post(reverse("people:person-create"), NEW_PERSON)

    person = Person.objects.get(full_name="Lý Thị Mai")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[person.pk])
    assert (person.unit.code, person.id_number, person.birth_year) == (
        "06.SNV",
        "006192000111",
        1992,
    )
    assert person.postings.get().start_date == dt.date(2020, 2, 1)


def test_it_refuses_a_registration_in_a_unit_out_of_reach(
    as_user: Any, people: dict[str, Person]
) -> None:
    client = as_user("member_bac_kan")
    before = counts()

    response = client.post(reverse("people:person-create"), NEW_PERSON | {"unit_code": "19.SNV"})

    assert response.status_code == 200
    assert response.context["form"].errors["unit_code"] == [
        message("No unit you may manage has the code %(c)s.", c="19.SNV")
    ]
    assert counts() == before


def edit_data(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_year": person.birth_year or "",
        "ethnicity": person.ethnicity,
        "position": person.position,
        "category": person.category,
        "id_number": person.id_number,
        "note": person.note,
    }
    return data | changes


def test_it_lets_an_officer_correct_a_person_of_a_merged_unit(
    as_user: Any, people: dict[str, Person]
) -> None:
    person = people["person_bac_kan"]

    response = as_user("officer_thai_nguyen").post(
        reverse("people:person-edit", args=[person.pk]), edit_data(person, position="Trưởng phòng")
    )

    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).position == "Trưởng phòng"


# persona → the person it tries to change, and the answer for each page
DENIED = {
    "secretariat_bac_giang": ("person_bac_giang", {"create": 403, "edit": 403, "transfer": 403}),
    "viewer_bac_giang": ("person_bac_giang", {"create": 403, "edit": 403, "transfer": 403}),
    "council_member": ("person_council", {"create": 403, "edit": 403, "transfer": 403}),
    "officer_thai_nguyen": ("person_bac_giang", {"edit": 404, "transfer": 404}),
    "member_bac_kan": ("person_thai_nguyen", {"edit": 404, "transfer": 404}),
    "outsider": ("person_bac_giang", {"create": 403, "edit": 404, "transfer": 404}),
    None: ("person_bac_giang", {"create": 302, "edit": 302, "transfer": 302}),
}


@pytest.mark.parametrize("persona", DENIED)
def test_it_changes_nothing_for_anyone_else(
    as_user: Any, people: dict[str, Person], persona: str | None
) -> None:
    target, expected = DENIED[persona]
    person = people[target]
    client = as_user(persona)
    before, row = counts(), person_row(person)
    posted = {
        "create": NEW_PERSON | {"unit_code": person.unit.code},
        "edit": edit_data(person, full_name="Tên giả", id_number=""),
        "transfer": {"to_unit_code": "19.SNV", "start_date": "01/01/2030"},
    }

    statuses = {
        page: client.post(page_url(page, people, target), posted[page]).status_code
        for page in expected
    }

    assert statuses == expected
    assert person_row(person) == row
    assert counts() == before


def test_it_lets_an_officer_transfer_a_person(as_user: Any, people: dict[str, Person]) -> None:
    person = people["person_bac_kan"]

    response = as_user("officer_thai_nguyen").post(
        reverse("people:person-transfer", args=[person.pk]),
        {
            "to_unit_code": "19.snv",
            "start_date": "01/07/2025",
            "position": "",
            "decision": "15/QĐ-UBND",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit.code == "19.SNV"
    assert list(
        person.postings.order_by("start_date").values_list("org__code", "end_date", "decision")
    ) == [
        ("06.SNV", dt.date(2025, 6, 30), ""),
        ("19.SNV", None, "15/QĐ-UBND"),
    ]


def test_it_refuses_a_transfer_to_a_unit_out_of_reach(
    as_user: Any, people: dict[str, Person]
) -> None:
    person = people["person_thai_nguyen"]
    client = as_user("officer_thai_nguyen")
    before, row = counts(), person_row(person)

    response = client.post(
        reverse("people:person-transfer", args=[person.pk]),
        {"to_unit_code": "24.SNV", "start_date": "01/07/2025"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["to_unit_code"] == [
        message("No unit you may manage has the code %(c)s.", c="24.SNV")
    ]
    assert person_row(person) == row
    assert counts() == before


# --- form errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("id_number", ["12345", "0191850001", "01918500012x"])
def test_it_explains_a_bad_id_number(
    as_user: Any, people: dict[str, Person], id_number: str
) -> None:
    client = as_user("member_bac_kan")
    before = counts()

    response = client.post(reverse("people:person-create"), NEW_PERSON | {"id_number": id_number})

    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        message("The ID number must have 12 digits (or 9 for an old identity card).")
    ]
    assert counts() == before


def test_it_explains_a_bad_id_number_on_correction(as_user: Any, people: dict[str, Person]) -> None:
    person = people["person_thai_nguyen"]
    client = as_user("officer_thai_nguyen")
    before, row = counts(), person_row(person)

    response = client.post(
        reverse("people:person-edit", args=[person.pk]), edit_data(person, id_number="12345")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        message("The ID number must have 12 digits (or 9 for an old identity card).")
    ]
    assert person_row(person) == row
    assert counts() == before


def test_it_explains_a_duplicate_person(as_user: Any, people: dict[str, Person]) -> None:
    client = as_user("officer_thai_nguyen")
    before = counts()

    response = client.post(
        reverse("people:person-create"),
        NEW_PERSON
        | {
            "full_name": "nguyen thi lan",
            "birth_year": "1985",
            "unit_code": "19.SNV",
            "id_number": "",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [
        message(
            "%(name)s (born %(year)s) is already registered in %(unit)s.",
            name="nguyen thi lan",
            year=1985,
            unit="Sở Nội vụ tỉnh Thái Nguyên",
        )
    ]
    assert counts() == before


@pytest.mark.parametrize("start_date", ["01/01/2015", "31/12/2014"])
def test_it_explains_a_transfer_on_or_before_the_current_posting(
    as_user: Any, people: dict[str, Person], start_date: str
) -> None:
    person = people["person_bac_kan"]  # posted on 01/01/2015
    client = as_user("officer_thai_nguyen")
    before, row = counts(), person_row(person)

    response = client.post(
        reverse("people:person-transfer", args=[person.pk]),
        {"to_unit_code": "19.SNV", "start_date": start_date},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        message("The new posting must start after the current one (%(d)s).", d="01/01/2015")
    ]
    assert person_row(person) == row
    assert counts() == before


def test_it_explains_a_transfer_to_the_same_unit(as_user: Any, people: dict[str, Person]) -> None:
    person = people["person_thai_nguyen"]
    client = as_user("officer_thai_nguyen")
    before, row = counts(), person_row(person)

    response = client.post(
        reverse("people:person-transfer", args=[person.pk]),
        {"to_unit_code": "19.SNV", "start_date": "01/01/2025"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["to_unit_code"] == [
        message("The person already works in this unit.")
    ]
    assert person_row(person) == row
    assert counts() == before


# --- list, export, queries ---------------------------------------------------------------------


def test_it_searches_names_ignoring_diacritics(as_user: Any, people: dict[str, Person]) -> None:
    response = as_user("admin_user").get(reverse("people:person-list"), {"q": "nguyen thi lan"})

    assert [p.full_name for p in response.context["page"]] == ["Nguyễn Thị Lan"]


def test_it_lists_a_unit_with_its_sub_units(
    as_user: Any, people: dict[str, Person], bac_kan: Org
) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("people:person-list"), {"unit": bac_kan.pk}
    )

    assert [p.full_name for p in response.context["page"]] == ["Hoàng Văn Sơn"]
    assert response.context["unit"] == bac_kan


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_the_people_in_reach_without_id_numbers(
    as_user: Any, people: dict[str, Person]
) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("people:person-list"), {"format": "xlsx"})

    rows = read_xlsx(response)
    with translation.override("vi"):
        header = tuple(str(c.header) for c in export_columns())
        id_label = str(Person._meta.get_field("id_number").verbose_name)
        male, female = (
            str(Person(gender="M").get_gender_display()),
            str(Person(gender="F").get_gender_display()),
        )
        staff = str(Person(category=Category.STAFF).get_category_display())
        worker = str(Person(category=Category.WORKER).get_category_display())
    assert rows == [
        header,
        ("Hoàng Văn Sơn", male, 1990, "Kinh", None, staff, "06.SNV", "Sở Nội vụ tỉnh Bắc Kạn"),
        (
            "Nguyễn Thị Lan",
            female,
            1985,
            "Tày",
            "Chuyên viên",
            worker,
            "19.SNV",
            "Sở Nội vụ tỉnh Thái Nguyên",
        ),
    ]
    assert id_label not in header
    cells = " ".join(str(v) for row in rows for v in row)
    assert all(number not in cells for number in ID_NUMBERS.values())


def test_it_exports_exactly_the_filtered_people(as_user: Any, people: dict[str, Person]) -> None:
    response = as_user("admin_user").get(
        reverse("people:person-list"), {"q": "THỊ", "format": "xlsx"}
    )

    assert [row[0] for row in read_xlsx(response)[1:]] == ["Nguyễn Thị Lan", "Phạm Thị Hà"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("birth_year", ["Phạm Thị Hà", "Trần Văn Hùng", "Nguyễn Thị Lan", "Hoàng Văn Sơn"]),
        ("-birth_year", ["Hoàng Văn Sơn", "Nguyễn Thị Lan", "Trần Văn Hùng", "Phạm Thị Hà"]),
        (
            "-name",
            ["Trần Văn Hùng", "Phạm Thị Hà", "Nguyễn Thị Lan", "Hoàng Văn Sơn"],
        ),
        ("unit", ["Phạm Thị Hà", "Trần Văn Hùng", "Hoàng Văn Sơn", "Nguyễn Thị Lan"]),
    ],
)
def test_it_sorts_by_the_column_headers(
    as_user: Any, people: dict[str, Person], sort: str, expected: list[str]
) -> None:
    response = as_user("admin_user").get(reverse("people:person-list"), {"sort": sort})

    assert response.status_code == 200
    assert [p.full_name for p in response.context["page"]] == expected


def add_people(unit: Org, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        person_create(
            actor=None,
            full_name=f"Người Số {i:02}",
            gender="M",
            birth_year=1980,
            unit=unit,
            id_number=f"{i:012}",
        )


def count_queries(client: Client, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("people:person-list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_and_exports_people_in_a_fixed_number_of_queries(
    as_user: Any, people: dict[str, Person], snv_thai_nguyen: Org
) -> None:
    client = as_user("officer_thai_nguyen")
    page, export = {"unit": snv_thai_nguyen.pk}, {"unit": snv_thai_nguyen.pk, "format": "xlsx"}
    add_people(snv_thai_nguyen, 5)
    few = (count_queries(client, page), count_queries(client, export))
    add_people(snv_thai_nguyen, 25, start=5)

    assert (count_queries(client, page), count_queries(client, export)) == few


def test_it_lists_a_page_of_people_within_a_query_budget(
    as_user: Any,
    people: dict[str, Person],
    snv_thai_nguyen: Org,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user("officer_thai_nguyen")
    add_people(snv_thai_nguyen, 30)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:person-list"))

    assert len(response.context["page"]) == 25
