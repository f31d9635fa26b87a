"""The set-based sweep agrees with the pure engine, person by person and target by target."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from orgs.models import Org
from people.models import Person, Posting
from register import rules, selectors, sweep
from register.models import (
    Decision,
    Initiative,
    InitiativeUse,
    Parameter,
    PersonEligibility,
    Rating,
    Record,
    UnitEligibility,
    UnitRating,
)

YEAR = 2025
YEARS = range(2014, 2026)
RATING_CODES = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
RATING_WEIGHTS = (4.0, 7.0, 0.4, 0.2)


def _random_register(unit: Org, seed: int, people: int = 60) -> list[Person]:
    rng = random.Random(seed)
    decision = Decision.objects.create(
        number=f"{seed}/QĐ-TEST", date=dt.date(2026, 1, 15), issuer=unit
    )
    persons = []
    for n in range(people):
        p = Person.objects.create(full_name=f"Người thử {seed}-{n}", gender="M", unit=unit)
        Posting.objects.create(person=p, org=unit, start_date=dt.date(2010, 1, 1))
        persons.append(p)
        for year in YEARS:
            if rng.random() < 0.97:
                rating = rng.choices(RATING_CODES, RATING_WEIGHTS)[0]
                Rating.objects.create(person=p, year=year, org=unit, rating=rating)
            for code, chance in (
                ("LDTT", 0.7),
                ("CSTD_CS", 0.55),
                ("CSTD_BO", 0.12),
                ("BK_BO", 0.1),
                ("BK_TTG", 0.06),
                ("HCLD3", 0.03),
            ):
                if rng.random() < chance:
                    Record.objects.create(
                        decision=decision,
                        person=p,
                        code=code,
                        year=year,
                        revoked=rng.random() < 0.05,
                    )
            if rng.random() < 0.3:
                ini = Initiative.objects.create(
                    code=f"SK-{seed}-{n}-{year}-{rng.randrange(10**6)}",
                    title="Sáng kiến thử",
                    recognised_by=unit,
                    recognised_on=dt.date(year, 6, 1),
                    year=year,
                    scope=rng.choice(rules.SCOPES),
                )
                ini.authors.add(p)
                if rng.random() < 0.3:
                    InitiativeUse.objects.create(initiative=ini, code="CSTD_CS", year=year)
    return persons


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sweep_agrees_with_engine_for_every_person_and_target(
    snv_thai_nguyen: Org, seed: int
) -> None:
    persons = _random_register(snv_thai_nguyen, seed)
    for year in (2023, YEAR):  # the 2003 regime and the 2022 one
        masks = sweep.person_masks(year)
        disagreements: list[Any] = []
        for p in persons:
            for target in selectors.INDIVIDUAL_TARGETS:
                expected = selectors.evaluate_person(p, target, year).eligible
                got = bool(masks.get(p.pk, 0) & rules.BITS[target])
                if expected != got:
                    disagreements.append((p.pk, target, year, expected, got))
        assert disagreements == []
    # The random register is rich enough for the comparison to mean something.
    masks = sweep.person_masks(YEAR)
    for target in selectors.INDIVIDUAL_TARGETS:
        if target in ("CSTD_TQ", "HCLD3", "BK_TTG"):
            continue  # rare; the exact cases below cover them
        assert any(m & rules.BITS[target] for m in masks.values()), target


def test_sweep_stores_masks_and_units(snv_thai_nguyen: Org, thai_nguyen: Org) -> None:
    persons = _random_register(snv_thai_nguyen, 7, people=30)
    UnitRating.objects.create(org=snv_thai_nguyen, year=YEAR, rating="HTXSNV")
    run = sweep.run(YEAR)
    stored = dict(PersonEligibility.objects.filter(year=YEAR).values_list("person_id", "mask"))
    live = {pid: m for pid, m in sweep.person_masks(YEAR).items() if m}
    assert stored == live
    assert run.persons == len(stored)
    assert run.finished_at is not None
    # Units: the engine and the stored mask agree.
    for target in selectors.COLLECTIVE_TARGETS:
        expected = selectors.evaluate_unit(snv_thai_nguyen, target, YEAR).eligible
        mask = (
            UnitEligibility.objects.filter(year=YEAR, org=snv_thai_nguyen)
            .values_list("mask", flat=True)
            .first()
            or 0
        )
        assert bool(mask & rules.BITS[target]) == expected
    # A second run replaces the first.
    sweep.run(YEAR)
    assert PersonEligibility.objects.filter(year=YEAR).count() == len(stored)
    assert persons


def _unit_with_members(unit: Org, ldtt: int, total: int) -> None:
    decision = Decision.objects.create(number="9/QĐ-U", date=dt.date(2026, 1, 10), issuer=unit)
    for n in range(total):
        p = Person.objects.create(full_name=f"Thành viên {n}", gender="F", unit=unit)
        Rating.objects.create(person=p, year=YEAR, org=unit, rating="HTTNV")
        if n < ldtt:
            Record.objects.create(decision=decision, person=p, code="LDTT", year=YEAR)
    UnitRating.objects.create(org=unit, year=YEAR, rating="HTTNV")


@pytest.mark.parametrize(("ldtt", "eligible"), [(10, True), (9, False)])
def test_unit_share_at_and_below_threshold_luat_06_2022_dieu_28(
    snv_thai_nguyen: Org, ldtt: int, eligible: bool
) -> None:
    _unit_with_members(snv_thai_nguyen, ldtt, 20)
    mask = sweep.unit_masks(YEAR).get(snv_thai_nguyen.pk, 0)
    assert bool(mask & rules.BITS["TTLDTT"]) is eligible
    assert selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", YEAR).eligible is eligible


def test_tenant_share_applies_in_sweep_and_engine(snv_thai_nguyen: Org, thai_nguyen: Org) -> None:
    _unit_with_members(snv_thai_nguyen, 12, 20)  # 60 %: enough for the default 50 %
    assert sweep.unit_masks(YEAR)[snv_thai_nguyen.pk] & rules.BITS["TTLDTT"]
    Parameter.objects.create(
        org=thai_nguyen, key="TTLDTT_LDTT_SHARE", value="0.7", valid_from=dt.date(2025, 1, 1)
    )
    assert not sweep.unit_masks(YEAR)[snv_thai_nguyen.pk] & rules.BITS["TTLDTT"]
    result = selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", YEAR)
    assert not result.eligible
    assert any("70%" in c.text for c in result.criteria)


EXACT: dict[str, list[tuple[int, str]]] = {
    # Luật 06/2022, Điều 21: CSTĐ bộ 2022 and 2025, CSTĐ cơ sở every year 2020–2025.
    "CSTD_TQ": [(y, "CSTD_CS") for y in range(2020, 2026)] + [(2022, "CSTD_BO"), (2025, "CSTD_BO")],
    # Điều 73: BK_BO 2019, then 2021–2025 rated well with CSTĐ cơ sở three times.
    "BK_TTG": [(2019, "BK_BO")]
    + [(y, "HTTNV") for y in range(2021, 2026)]
    + [(2021, "CSTD_CS"), (2023, "CSTD_CS"), (2025, "CSTD_CS")],
    # Điều 44: BK_TTG 2020, then 2021–2025 rated well, one of them excellent, CSTĐ cơ sở ×3.
    "HCLD3": [(2020, "BK_TTG"), (2024, "HTXSNV")]
    + [(y, "HTTNV") for y in (2021, 2022, 2023, 2025)]
    + [(2021, "CSTD_CS"), (2022, "CSTD_CS"), (2025, "CSTD_CS")],
}


@pytest.mark.parametrize("target", sorted(EXACT))
def test_sweep_finds_rare_targets(snv_thai_nguyen: Org, target: str) -> None:
    decision = Decision.objects.create(
        number="1/QĐ-X", date=dt.date(2026, 1, 5), issuer=snv_thai_nguyen
    )
    p = Person.objects.create(full_name="Người đủ điều kiện", gender="F", unit=snv_thai_nguyen)
    for year, code in EXACT[target]:
        if code in rules.RATINGS:
            Rating.objects.create(person=p, year=year, org=snv_thai_nguyen, rating=code)
        else:
            Record.objects.create(decision=decision, person=p, code=code, year=year)
    if target == "CSTD_TQ":
        ini = Initiative.objects.create(
            code="SK-TQ",
            title="Sáng kiến toàn quốc",
            recognised_by=snv_thai_nguyen,
            recognised_on=dt.date(2024, 5, 1),
            year=2024,
            scope="TOAN_QUOC",
        )
        ini.authors.add(p)
    assert selectors.evaluate_person(p, target, YEAR).eligible
    assert sweep.person_masks(YEAR)[p.pk] & rules.BITS[target]
    # One record revoked: the engine and the sweep both drop the person.
    rec = Record.objects.filter(person=p).exclude(code__in=rules.RATINGS).order_by("-year").first()
    assert rec is not None
    Record.objects.filter(pk=rec.pk).update(revoked=True)
    assert not selectors.evaluate_person(p, target, YEAR).eligible
    assert not sweep.person_masks(YEAR)[p.pk] & rules.BITS[target]
