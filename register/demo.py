"""Demo register: ratings, titles, initiatives and decisions for the demo's fictitious people.

Everything is invented and labelled "Dữ liệu minh họa (demo)": decision numbers end in "(demo)".
It gives the pages something true to the rules to show: a 2023–2025 chain of CSTĐ cơ sở that makes
one person eligible for CSTĐ cấp tỉnh in 2025, another who is one CSTĐ cơ sở short, a chain that
crosses the 2025 transfer from Bắc Kạn to Thái Nguyên, a revoked record, and a sweep of 2025.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from orgs.models import Org
from people.models import Person
from register import catalogue, sweep
from register.models import (
    Decision,
    Initiative,
    InitiativeUse,
    Rating,
    Record,
    Revocation,
    UnitRating,
)

DEMO_NOTE = "Dữ liệu minh họa (demo)"
YEARS = range(2019, 2026)
UNITS = ("19.SNV", "19.BTDKT", "06.SNV", "24.SNV", "26.SVHTTDL", "37.SVHTTDL")


def _unit_in(person: Person, year: int) -> Org:
    """The unit a person worked in on 1 July of `year` (their postings), else their current unit."""
    day = dt.date(year, 7, 1)
    for posting in person.postings.select_related("org").order_by("start_date"):
        if posting.start_date <= day and (posting.end_date is None or day <= posting.end_date):
            return posting.org
    return person.unit


@transaction.atomic
def load() -> int:
    """Create the demo register once; returns how many records were created."""
    catalogue.load()  # the shipped catalogue and rule sets (a flushed test database lacks them)
    if Decision.objects.filter(summary=DEMO_NOTE).exists():
        return 0
    people = list(
        Person.objects.filter(note__startswith="Dữ liệu minh họa")
        .select_related("unit")
        .order_by("pk")
    )
    if not people:
        return 0
    rng = random.Random(2026)  # noqa: S311 - invented data, reproducible
    decisions: dict[tuple[int, int], Decision] = {}

    def decision(issuer: Org, year: int, number: int) -> Decision:
        key = (issuer.pk, year)
        if key not in decisions:
            suffix = issuer.code.split(".")[-1]
            decisions[key] = Decision.objects.create(
                number=f"{number:02d}/QĐ-{suffix} (demo)",
                date=dt.date(year + 1, 1, 15),
                issuer=issuer,
                signer="Người ký minh họa",
                signer_title="Giám đốc",
                category="cong_trang",
                fund=catalogue.fund_for_kind(issuer.kind),
                summary=DEMO_NOTE,
            )
        return decisions[key]

    def record(person: Person, code: str, year: int, issuer: Org | None = None) -> Record:
        unit = _unit_in(person, year)
        d = decision(issuer or unit, year, 10 + len(decisions))
        return Record.objects.create(
            decision=d,
            person=person,
            unit=unit,
            code=code,
            year=year,
            amount=catalogue.reward_amount(code, d.date),
            note=DEMO_NOTE,
        )

    def initiative(person: Person, year: int, scope: str, title: str) -> Initiative:
        unit = _unit_in(person, year)
        body = (
            Org.objects.get(pk=int(unit.path.strip("/").split("/")[0]))
            if scope != "CO_SO"
            else unit
        )
        ini = Initiative.objects.create(
            code=f"SK-{year}-{person.pk:04d}-{scope[:2]}",
            title=f"{title} (minh họa)",
            kind="sang_kien",
            recognised_by=body,
            recognised_on=dt.date(year, 11, 20),
            year=year,
            scope=scope,
        )
        ini.authors.add(person)
        return ini

    # Ratings and grassroots titles for everyone, from a persistent "level" per person.
    showcase = _showcase(people)
    for person in people:
        if person.pk in showcase:
            continue
        level = rng.random()
        for year in YEARS:
            roll = rng.random() * 0.6 + level * 0.4
            rating = (
                "HTXSNV"
                if roll > 0.78
                else "HTTNV"
                if roll > 0.25
                else "HTNV"
                if roll > 0.05
                else "KHTNV"
            )
            Rating.objects.create(
                person=person, year=year, org=_unit_in(person, year), rating=rating
            )
            if rating in ("HTXSNV", "HTTNV") and rng.random() < 0.9:
                record(person, "LDTT", year)
                if rating == "HTXSNV" and rng.random() < 0.6:
                    record(person, "CSTD_CS", year)

    _showcase_records(showcase, record, initiative)
    for code in UNITS:
        unit = Org.objects.filter(code=code).first()
        if unit is None:
            continue
        for year in YEARS:
            if code == "06.SNV" and year == 2025:
                continue  # merged into Thái Nguyên's department in 2025
            UnitRating.objects.create(
                org=unit, year=year, rating="HTXSNV" if rng.random() < 0.4 else "HTTNV"
            )
    sweep.run(2025)
    return Record.objects.filter(note=DEMO_NOTE).count()


def _showcase(people: list[Person]) -> dict[int, tuple[str, Person]]:
    """Three people of Thái Nguyên's department whose cases the pages explain."""
    tn = [p for p in people if p.unit.code == "19.SNV"]
    moved = [p for p in tn if p.postings.count() > 1]
    stay = [p for p in tn if p not in moved]
    out: dict[int, tuple[str, Person]] = {}
    if len(stay) >= 2:
        out[stay[0].pk] = ("ready", stay[0])
        out[stay[1].pk] = ("one_short", stay[1])
    if moved:
        out[moved[0].pk] = ("transferred", moved[0])
    return out


def _showcase_records(
    showcase: dict[int, tuple[str, Person]], record: Any, initiative: Any
) -> None:
    for role, person in showcase.values():
        for year in YEARS:
            rating = "HTXSNV" if year >= 2023 else "HTTNV"
            if role == "one_short" and year == 2023:
                rating = "HTNV"
            Rating.objects.create(
                person=person, year=year, org=_unit_in(person, year), rating=rating
            )
            if rating in ("HTXSNV", "HTTNV"):
                record(person, "LDTT", year)
            if rating == "HTXSNV":
                record(person, "CSTD_CS", year)
        if role == "ready":
            initiative(person, 2024, "BO_TINH", "Số hóa hồ sơ khen thưởng cấp tỉnh")
            wrong = record(person, "BK_BO", 2020)
            Revocation.objects.create(
                record=wrong,
                reason="Ghi nhầm đối tượng (minh họa thu hồi)",
                decision_number="05/QĐ-SNV (demo)",
                decision_date=dt.date(2022, 3, 1),
            )
            Record.objects.filter(pk=wrong.pk).update(revoked=True)
        elif role == "one_short":
            used = initiative(person, 2025, "BO_TINH", "Quy trình bình xét thi đua trực tuyến")
            cs = Record.objects.filter(person=person, code="CSTD_CS", year=2025).first()
            InitiativeUse.objects.create(
                initiative=used, record=cs, code="CSTD_CS", year=2025, note=DEMO_NOTE
            )
        elif role == "transferred":
            initiative(person, 2025, "BO_TINH", "Sổ tay thi đua cho cán bộ cấp xã")
