"""Home page, audit pages and error pages: who sees what, and that ID numbers stay masked."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from orgs.models import Org
from orgs.services import org_update
from people.models import Person
from people.services import person_update

LOGIN = reverse("accounts:login")


@pytest.fixture
def world(
    thai_nguyen: Org,
    bac_kan: Org,
    bac_giang: Org,
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
    snv_bac_giang: Org,
    person_thai_nguyen: Person,
    person_bac_giang: Person,
) -> dict[str, Any]:
    return {
        "thai_nguyen": thai_nguyen,
        "bac_kan": bac_kan,
        "bac_giang": bac_giang,
        "snv_thai_nguyen": snv_thai_nguyen,
        "snv_bac_kan": snv_bac_kan,
        "snv_bac_giang": snv_bac_giang,
        "person_thai_nguyen": person_thai_nguyen,
        "person_bac_giang": person_bac_giang,
    }


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


# --- home --------------------------------------------------------------------------------------


def test_it_sends_visitors_to_sign_in(db: Any) -> None:
    assert_sent_to_login(Client().get(reverse("core:home")))


@pytest.mark.parametrize(
    ("persona", "provinces", "people"),
    [
        ("admin_user", 34, 2),
        ("officer_thai_nguyen", 1, 1),
        ("viewer_bac_giang", 0, 1),
        ("outsider", 0, 0),
    ],
)
def test_it_counts_only_what_the_user_may_see(
    as_user: Any, world: dict[str, Any], persona: str, provinces: int, people: int
) -> None:
    response = as_user(persona).get(reverse("core:home"))

    figures = response.context["figures"]
    assert response.status_code == 200
    assert (figures["provinces_active"], figures["people"]) == (provinces, people)


def test_it_shows_a_keeper_the_recent_changes_in_reach(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    org_update(actor=None, org=world["snv_bac_giang"], address="Bắc Giang")
    org_update(actor=None, org=world["snv_bac_kan"], address="Bắc Kạn")

    recent = client.get(reverse("core:home")).context["recent"]

    assert recent[0].object_repr == "Sở Nội vụ tỉnh Bắc Kạn"
    assert "Sở Nội vụ tỉnh Bắc Giang" not in {e.object_repr for e in recent}
    in_reach = set(
        Org.objects.filter(code__in=["19", "19.SNV", "06", "06.SNV"]).values_list("pk", flat=True)
    )
    assert {e.org_id_hint for e in recent} <= in_reach


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "member_bac_kan", "outsider"])
def test_it_shows_no_changes_to_others(as_user: Any, world: dict[str, Any], persona: str) -> None:
    assert as_user(persona).get(reverse("core:home")).context["recent"] == []


# --- audit list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("officer_thai_nguyen", 403),
        ("member_bac_kan", 403),
        ("secretariat_bac_giang", 403),
        ("council_member", 403),
        ("viewer_bac_giang", 403),
        ("outsider", 403),
        (None, 302),
    ],
)
def test_it_opens_the_whole_trail_only_to_administrators(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    for params in ({}, {"format": "xlsx"}):
        response = as_user(persona).get(reverse("core:audit-list"), params)

        assert response.status_code == status
        if persona is None:
            assert_sent_to_login(response)


def test_it_renders_403_with_the_project_page(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("core:audit-list"))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_it_filters_the_trail(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("admin_user").get(
        reverse("core:audit-list"), {"action": "people.person", "object_type": "people.person"}
    )

    events = list(response.context["page"])
    assert [e.action for e in events] == ["people.person.created", "people.person.created"]
    assert {e.object_repr for e in events} == {"Nguyễn Thị Lan", "Trần Văn Hùng"}


def test_it_filters_the_trail_by_date(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("admin_user")

    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert (
        list(client.get(reverse("core:audit-list"), {"date_from": tomorrow}).context["page"]) == []
    )


def test_it_exports_the_trail_with_id_numbers_masked(as_user: Any, world: dict[str, Any]) -> None:
    person_update(actor=None, person=world["person_thai_nguyen"], id_number="019185000999")

    response = as_user("admin_user").get(reverse("core:audit-list"), {"format": "xlsx"})

    rows = list(
        load_workbook(BytesIO(response.content), read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert len(rows) == AuditEvent.objects.count() + 1
    text = " ".join(str(v) for row in rows for v in row)
    assert "019185000123" not in text
    assert "019185000999" not in text
    assert "***" in text


def test_it_lists_the_trail_in_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("admin_user")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:audit-list")).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(30):
        org_update(actor=None, org=world["snv_thai_nguyen"], address=f"Số {n}")

    assert queries() == few


# --- audit of one object -----------------------------------------------------------------------


# persona → {object: status} for the history page of a unit or a person
HISTORY = {
    "admin_user": {"snv_bac_giang": 200, "person_bac_giang": 200},
    "officer_thai_nguyen": {
        "snv_thai_nguyen": 200,
        "snv_bac_kan": 200,  # merged into the officer's unit
        "person_thai_nguyen": 200,
        "snv_bac_giang": 404,
        "person_bac_giang": 404,
    },
    "member_bac_kan": {"snv_bac_kan": 403},  # sees the unit, not its history
    "secretariat_bac_giang": {"person_bac_giang": 403},
    "viewer_bac_giang": {"bac_giang": 403, "thai_nguyen": 404},
    "council_member": {"person_thai_nguyen": 404},
    "outsider": {"thai_nguyen": 404, "person_thai_nguyen": 404},
}


def history_url(obj: Any) -> str:
    return reverse("core:audit-object", args=[obj._meta.label_lower, obj.pk])


@pytest.mark.parametrize("persona", HISTORY)
def test_it_opens_an_object_history_only_to_its_keepers(
    as_user: Any, world: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        target: client.get(history_url(world[target])).status_code for target in HISTORY[persona]
    }

    assert statuses == HISTORY[persona]


def test_it_sends_visitors_to_sign_in_for_a_history(world: dict[str, Any]) -> None:
    assert_sent_to_login(Client().get(history_url(world["thai_nguyen"])))


@pytest.mark.parametrize(
    "object_type", ["accounts.user", "core.auditevent", "orgs", "nothing.here"]
)
def test_it_answers_404_for_other_object_types(
    as_user: Any, world: dict[str, Any], object_type: str
) -> None:
    response = as_user("admin_user").get(reverse("core:audit-object", args=[object_type, 1]))

    assert response.status_code == 404


def test_it_answers_404_for_a_missing_object(as_user: Any, world: dict[str, Any]) -> None:
    missing = Person.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]

    response = as_user("admin_user").get(
        reverse("core:audit-object", args=["people.person", missing])
    )

    assert response.status_code == 404


def test_it_shows_a_person_history_with_the_id_number_masked(
    as_user: Any, world: dict[str, Any]
) -> None:
    person = world["person_thai_nguyen"]
    person_update(actor=None, person=person, id_number="019185000999", position="Trưởng phòng")

    response = as_user("officer_thai_nguyen").get(
        reverse("core:audit-object", args=["people.person", person.pk])
    )

    body = response.content.decode()
    assert [e.action for e in response.context["page"]] == [
        "people.person.updated",
        "people.person.created",
    ]
    assert "Trưởng phòng" in body
    assert "019185000123" not in body
    assert "019185000999" not in body


def test_it_shows_a_unit_history_newest_first(as_user: Any, world: dict[str, Any]) -> None:
    org = world["snv_thai_nguyen"]
    org_update(actor=None, org=org, address="Số 1 đường Cách Mạng Tháng Tám")

    response = as_user("officer_thai_nguyen").get(
        reverse("core:audit-object", args=["orgs.org", org.pk])
    )

    events = list(response.context["page"])
    assert [e.action for e in events] == ["orgs.org.updated", "orgs.org.created"]
    assert events[0].changes == {"address": ["", "Số 1 đường Cách Mạng Tháng Tám"]}
    assert "Số 1 đường Cách Mạng Tháng Tám" in response.content.decode()


# --- errors ------------------------------------------------------------------------------------


def test_it_renders_404_with_the_project_page(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("outsider").get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]


def test_it_shows_an_event_whose_changes_hold_a_mapping(
    as_user: Any, world: dict[str, Any]
) -> None:
    """A report's figures are audited as {target id: value}; the trail shows them, not a 500."""
    from core.audit import audit_log

    audit_log(
        actor=None,
        action="clusters.report.submitted",
        obj=Org.objects.get(code="19"),
        org_id=None,
        changes={"actuals": [None, {"12": "4006.00", "13": "969.00"}]},
    )

    page = as_user("admin_user").get(reverse("core:audit-list"))

    assert page.status_code == 200
    assert "12: 4006.00; 13: 969.00" in page.content.decode()
