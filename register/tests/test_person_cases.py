"""register.selectors.person_cases reads many people's cases at once; each must be exactly the
case person_case reads for that person alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Org
from people.services import person_create
from register import selectors
from register.models import Decision, Initiative, InitiativeUse, Rating, Record


def test_it_reads_the_same_cases_as_one_by_one_in_three_queries(
    snv_thai_nguyen: Org, person_thai_nguyen: Any
) -> None:
    other = person_create(
        actor=None, full_name="Đỗ Văn Minh", gender="M", birth_year=1980, unit=snv_thai_nguyen
    )
    idle = person_create(
        actor=None, full_name="Vũ Thị Hoa", gender="F", birth_year=1992, unit=snv_thai_nguyen
    )
    decision = Decision.objects.create(
        number="1/QĐ-SNV", date=dt.date(2025, 1, 10), issuer=snv_thai_nguyen
    )
    for year, rating in ((2022, "HTTNV"), (2023, "HTXSNV"), (2024, "HTXSNV"), (2025, "HTNV")):
        Rating.objects.create(
            person=person_thai_nguyen, year=year, org=snv_thai_nguyen, rating=rating
        )
        Rating.objects.create(person=other, year=year, org=snv_thai_nguyen, rating="HTTNV")
    kept = Record.objects.create(
        decision=decision, person=person_thai_nguyen, code="CSTD_CS", year=2024
    )
    Record.objects.create(decision=decision, person=person_thai_nguyen, code="LDTT", year=2024)
    Record.objects.create(decision=decision, person=other, code="LDTT", year=2023, revoked=True)
    Record.objects.create(decision=decision, person=other, code="LDTT", year=2026)
    for code, year, scope, authors in (
        ("SK-1", 2023, "CO_SO", [person_thai_nguyen]),
        ("SK-2", 2024, "BO_TINH", [person_thai_nguyen, other]),
        ("SK-3", 2026, "BO_TINH", [other]),
    ):
        initiative = Initiative.objects.create(
            code=code,
            title=f"Sáng kiến {code}",
            recognised_by=snv_thai_nguyen,
            recognised_on=dt.date(year, 6, 1),
            year=year,
            scope=scope,
        )
        initiative.authors.set(authors)
        if code == "SK-1":
            InitiativeUse.objects.create(
                initiative=initiative, record=kept, code="CSTD_CS", year=2024
            )
    people = [person_thai_nguyen, other, idle]

    with CaptureQueriesContext(connection) as queries:
        cases = selectors.person_cases(people, "CSTD_BO", 2025)

    assert len(queries) == 3
    for person in people:
        assert cases[person.pk] == selectors.person_case(person, "CSTD_BO", 2025)
    assert [e.code for e in cases[person_thai_nguyen.pk].history] == [
        "HTTNV",
        "HTXSNV",
        "HTXSNV",
        "HTNV",
        "CSTD_CS",
        "LDTT",
    ]
    assert [(i.id, i.used_for) for i in cases[person_thai_nguyen.pk].initiatives] == [
        ("SK-1", "CSTD_CS"),
        ("SK-2", None),
    ]
    assert cases[idle.pk].history == () and cases[idle.pk].initiatives == ()
