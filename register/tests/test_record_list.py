"""The register's list at national scale (issue 9): records keep their decision's date for the order
newest first, however they are written; the list counts a bounded number of records and says "more
than", and its pages still go on past the bound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from conftest import make_user
from core.listing import BoundedPaginator, paginate
from orgs.models import Org
from people.models import Person
from people.services import person_create
from register import catalogue, selectors, services
from register.models import Award, Decision, Record


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    if not Award.objects.exists():
        catalogue.load()


def keeper() -> User:
    found = User.objects.filter(username="quantri.danhsach").first()
    return found or make_user("quantri.danhsach", Role.ADMIN, None)


@pytest.fixture
def people(snv_thai_nguyen: Org) -> list[Person]:
    return [
        person_create(
            actor=None,
            full_name=f"Nguyễn Văn {name}",
            unit=snv_thai_nguyen,
            gender="M",
            start_date=dt.date(2015, 1, 1),
        )
        for name in ("An", "Bình", "Cường", "Dũng", "Hải")
    ]


@pytest.fixture
def decision(thai_nguyen: Org) -> Decision:
    return services.decision_create(
        actor=keeper(), number="7/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=thai_nguyen
    )


# --- the decision's date on its records ------------------------------------------------------------


def test_a_record_keeps_its_decisions_date_however_it_is_written(
    decision: Decision, people: list[Person]
) -> None:
    added = services.record_add(
        actor=keeper(), decision=decision, code="LDTT", year=2024, person=people[0]
    )
    created = Record.objects.create(
        decision_id=decision.pk, person=people[1], code="LDTT", year=2024
    )
    loaded, by_id = Record.objects.bulk_create(
        [
            Record(decision=decision, person=people[2], code="LDTT", year=2024),
            Record(decision_id=decision.pk, person=people[3], code="LDTT", year=2024),
        ]
    )

    for record in (added, created, loaded, by_id):
        assert record.decision_date == dt.date(2025, 1, 10)
    assert set(Record.objects.values_list("decision_date", flat=True)) == {dt.date(2025, 1, 10)}


def test_a_decisions_new_date_is_passed_on_to_its_records(
    decision: Decision, people: list[Person]
) -> None:
    for p in people[:2]:
        services.record_add(actor=keeper(), decision=decision, code="LDTT", year=2024, person=p)

    decision.date = dt.date(2025, 2, 3)
    decision.save()

    assert set(Record.objects.values_list("decision_date", flat=True)) == {dt.date(2025, 2, 3)}


def test_a_record_moved_to_another_decision_takes_its_date(
    decision: Decision, people: list[Person], thai_nguyen: Org
) -> None:
    record = services.record_add(
        actor=keeper(), decision=decision, code="LDTT", year=2024, person=people[0]
    )
    other = services.decision_create(
        actor=keeper(), number="9/QĐ-UBND", date=dt.date(2025, 3, 1), issuer=thai_nguyen
    )

    record.decision = other
    record.save()

    assert Record.objects.get(pk=record.pk).decision_date == dt.date(2025, 3, 1)


# --- a bounded count ----------------------------------------------------------------------------------


def test_a_bounded_paginator_counts_up_to_its_bound_and_one_more() -> None:
    few = BoundedPaginator(list(range(7)), 3, bound=10)
    many = BoundedPaginator(list(range(100)), 3, bound=10)

    assert (few.count, few.more, few.num_pages) == (7, False, 3)
    assert (many.count, many.more, many.num_pages) == (11, True, 4)
    assert list(many.page(4)) == [9, 10]


def page_of(qs: Any, **params: str) -> Any:
    return paginate(RequestFactory().get("/", params), qs, per_page=2, most=3)


def test_pages_go_on_past_the_bound(decision: Decision, people: list[Person]) -> None:
    for p in people:
        services.record_add(actor=keeper(), decision=decision, code="LDTT", year=2024, person=p)
    records = Record.objects.order_by("pk")
    ids = list(records.values_list("pk", flat=True))

    first = page_of(records)
    third = page_of(records, page="3")
    beyond = page_of(records, page="9")
    unreadable = page_of(records, page="x")

    assert (first.paginator.more, first.paginator.bound, first.has_next()) == (True, 3, True)
    assert [r.pk for r in third] == ids[4:] and not third.has_next()
    assert (third.paginator.more, third.paginator.count) == (False, 5)
    assert (beyond.number, [r.pk for r in beyond]) == (3, ids[4:])
    assert (unreadable.number, [r.pk for r in unreadable]) == (1, ids[:2])


def test_the_list_says_more_than_its_bound(
    officer_thai_nguyen: User,
    decision: Decision,
    snv_thai_nguyen: Org,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """28 records, counted up to 26: a page of 25 and a next one; on the second page, all counted."""
    for n in range(28):
        someone = person_create(
            actor=None,
            full_name=f"Trần Thị Số {n}",
            unit=snv_thai_nguyen,
            gender="F",
            start_date=dt.date(2015, 1, 1),
        )
        services.record_add(
            actor=keeper(), decision=decision, code="LDTT", year=2024, person=someone
        )
    monkeypatch.setattr(selectors, "COUNT_AT_MOST", 26)
    officer_thai_nguyen.language = "en"
    officer_thai_nguyen.save()
    client = Client()
    client.force_login(officer_thai_nguyen)

    with translation.override(settings.LANGUAGE_CODE):  # the page's language ends with the test
        first = client.get(reverse("register:record-list"), {"code": "LDTT"}).content.decode()
        second = client.get(reverse("register:record-list"), {"page": "2"}).content.decode()
        one = client.get(reverse("register:record-list"), {"q": "tran thi so 7"}).content.decode()

    assert "More than 26 commendations" in first
    assert "<span>Page 1</span>" in first and 'rel="next"' in first
    assert "28 commendations" in second and "More than" not in second
    assert "<span>Page 2 of 2</span>" in second and 'rel="next"' not in second
    assert "1 commendation<" in one and 'class="pagination"' not in one
