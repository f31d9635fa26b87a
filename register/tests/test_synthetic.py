"""The synthetic register (register.synthetic): counts, rates, constraints, chains, reruns.

Small registers on SQLite; every individual and collective award made is checked against the
eligibility engine (register.rules, Law 2022 parameters), as the sweep will see it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from orgs.models import Org
from people.models import Person, Posting
from register import catalogue, rules
from register.models import (
    Decision,
    Initiative,
    InitiativeUse,
    Rating,
    Record,
    UnitRating,
)
from register.synthetic import DECISION_SUFFIX, SYNTHETIC_NOTE, generate

GOOD = ("HTXSNV", "HTTNV")


def run(persons: int, years: int, **kwargs: Any) -> tuple[dict[str, Any], list[str]]:
    lines: list[str] = []
    result = generate(persons, years, log=lines.append, **kwargs)
    return result, lines


@pytest.fixture
def small(db: Any) -> dict[str, Any]:
    """300 people × 5 years (2021–2025) in 12 units."""
    result, lines = run(300, 5, end_year=2025, seed=1, units=12)
    result["lines"] = lines
    return result


@pytest.fixture
def larger(db: Any) -> dict[str, Any]:
    """1,200 people × 7 years, default units: enough for the rarer awards."""
    result, _lines = run(1200, 7, end_year=2025, seed=3)
    return result


def test_counts(small: dict[str, Any]) -> None:
    people = Person.objects.filter(note=SYNTHETIC_NOTE)
    assert people.count() == 300
    units = Org.objects.filter(code__startswith="SYN-1-")
    assert units.count() == small["units"] == 12
    assert Rating.objects.count() == 300 * 5
    assert set(Rating.objects.values_list("year", flat=True)) == set(range(2021, 2026))
    assert UnitRating.objects.count() == 12 * 5
    assert Posting.objects.count() == small["tables"]["people_posting"]
    assert Record.objects.count() == small["tables"]["register_record"]
    assert Decision.objects.count() == small["tables"]["register_decision"]
    assert Initiative.objects.count() == small["tables"]["register_initiative"]
    assert (
        Initiative.authors.through.objects.count() == small["tables"]["register_initiative_authors"]
    )
    assert InitiativeUse.objects.count() == small["tables"]["register_initiativeuse"]
    assert small["rows"] == sum(small["tables"].values())
    by_code = Counter(Record.objects.values_list("code", flat=True))
    assert dict(by_code) == small["records_by_code"]
    for stage in ("prepare", "units", "people", "register", "finish", "total"):
        assert small["seconds"][stage] >= 0
    assert any(line.startswith("units:") for line in small["lines"])
    assert any(line.strip().startswith("2025:") for line in small["lines"])
    assert small["lines"][-1].startswith("done:")


def test_rates_are_realistic(small: dict[str, Any]) -> None:
    person_years = 300 * 5
    ratings = Counter(Rating.objects.values_list("rating", flat=True))
    assert 0.08 < ratings["HTXSNV"] / person_years < 0.25
    assert 0.5 < ratings["HTTNV"] / person_years < 0.8
    assert 0.08 < ratings["HTNV"] / person_years < 0.28
    assert ratings["KHTNV"] / person_years < 0.08
    codes = Counter(Record.objects.values_list("code", flat=True))
    assert 0.65 < codes["LDTT"] / person_years < 0.85
    assert 0.06 < codes["CSTD_CS"] / person_years < 0.2
    unit_years = 12 * 5
    assert 0.3 < codes["TTLDTT"] / unit_years < 0.9
    assert codes["TTLDXS"] <= codes["TTLDTT"]
    scopes = Counter(Initiative.objects.values_list("scope", flat=True))
    assert 0.03 < scopes["CO_SO"] / person_years < 0.1
    genders = Counter(Person.objects.values_list("gender", flat=True))
    assert 0.4 < genders["F"] / 300 < 0.6
    kinh = Person.objects.filter(ethnicity="Kinh").count()
    assert 0.75 < kinh / 300 < 0.95
    categories = Counter(Person.objects.values_list("category", flat=True))
    assert 0.07 < categories["leader"] / 300 < 0.25
    moved = Posting.objects.values("person").annotate(n=Count("pk")).filter(n=2).count()
    assert 0.04 < moved / 300 < 0.18
    assert not Posting.objects.values("person").annotate(n=Count("pk")).filter(n__gt=2).exists()


def test_units_sit_in_the_province_tree(small: dict[str, Any]) -> None:
    for unit in Org.objects.filter(code__startswith="SYN-").select_related("parent"):
        assert unit.parent is not None and unit.parent.kind == "province"
        assert unit.path == f"{unit.parent.path}{unit.pk}/"
        assert unit.kind in ("department", "commune")
        assert unit.search_key.startswith("|") and unit.code.lower() in unit.search_key


def test_constraints_hold(small: dict[str, Any]) -> None:
    connection.check_constraints()  # foreign keys (SQLite defers them to commit)
    # One current posting per person, at the person's unit; a transfer closes the first one.
    for person in Person.objects.prefetch_related("postings"):
        postings = sorted(person.postings.all(), key=lambda p: p.start_date)
        assert [p.end_date is None for p in postings][-1]
        assert sum(p.end_date is None for p in postings) == 1
        assert postings[-1].org_id == person.unit_id
        if len(postings) == 2:
            ended = postings[0].end_date
            assert ended is not None and ended < postings[1].start_date
            assert postings[0].org_id != postings[1].org_id
        assert person.birth_year is not None and 1965 <= person.birth_year <= 2001
    rating_at = {(r.person_id, r.year): r for r in Rating.objects.all()}
    assert len(rating_at) == 300 * 5
    # Records: their unit is the person's unit that year; amounts as the catalogue says.
    amounts: dict[tuple[str, dt.date], int] = {}
    for rec in Record.objects.select_related("decision"):
        assert (rec.person_id is None) != (rec.org_id is None)
        key = (rec.code, rec.decision.date)
        if key not in amounts:
            amounts[key] = catalogue.reward_amount(*key)
        assert rec.amount == amounts[key]
        assert rec.decision.date.year == rec.year + 1
        if rec.person_id:
            if rec.year >= 2021:
                assert rec.unit_id == rating_at[rec.person_id, rec.year].org_id
        else:
            assert rec.code in ("TTLDTT", "TTLDXS")
    # Decisions: synthetic, none empty, grassroots ones signed by the unit itself.
    for decision in Decision.objects.annotate(n=Count("records")):
        assert decision.n > 0
        assert decision.number.endswith(DECISION_SUFFIX)
        assert SYNTHETIC_NOTE in decision.summary
    for rec in Record.objects.filter(code__in=["LDTT", "CSTD_CS"]).select_related("decision"):
        assert rec.decision.issuer_id == rec.unit_id
    # Initiatives: 1–3 authors, used at most once (the database enforces it too).
    authors = Counter(Initiative.authors.through.objects.values_list("initiative_id", flat=True))
    assert set(authors.values()) <= {1, 2, 3}
    assert len(authors) == Initiative.objects.count()
    uses = list(InitiativeUse.objects.select_related("record", "initiative"))
    assert len({u.initiative_id for u in uses}) == len(uses)
    for use in uses:
        assert use.record is not None and use.record.code == use.code
        assert use.record.year == use.year and use.record.person_id is not None
        assert use.initiative.authors.filter(pk=use.record.person_id).exists()


def _history(person_ids: list[int]) -> dict[int, dict[str, Any]]:
    data: dict[int, dict[str, Any]] = defaultdict(lambda: {"entries": [], "initiatives": []})
    for pid, year, code in Rating.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "year", "rating"
    ):
        data[pid]["entries"].append(rules.Entry(year, code))
    for pk, pid, year, code in Record.objects.filter(person_id__in=person_ids).values_list(
        "pk", "person_id", "year", "code"
    ):
        data[pid]["entries"].append(rules.Entry(year, code, f"record:{pk}"))
    used = {u.initiative_id: (u.code, u.record_id) for u in InitiativeUse.objects.all()}
    through = Initiative.authors.through.objects.filter(person_id__in=person_ids)
    for pid, ini in through.values_list("person_id", "initiative_id"):
        data[pid]["initiatives"].append(ini)
    inits = {i.pk: i for i in Initiative.objects.all()}
    for person in data.values():
        person["initiatives"] = [(inits[pk], used.get(pk)) for pk in person["initiatives"]]
    return data


def _check_against_engine() -> Counter[str]:
    """Every award of the register is eligible for the engine (Law 2022 parameters)."""
    rule_set = next(r for r in catalogue.rule_sets() if r.code == "LUAT_2022")
    first_year = Rating.objects.order_by("year").values_list("year", flat=True).first()
    records = list(Record.objects.filter(year__gte=first_year))
    history = _history(sorted({r.person_id for r in records if r.person_id}))
    checked: Counter[str] = Counter()
    for rec in records:
        if rec.person_id:
            person = history[rec.person_id]
            initiatives = tuple(
                rules.Initiative(
                    id=str(ini.pk),
                    year=ini.year,
                    scope=ini.scope,
                    # The record's own use does not count against it.
                    used_for=use[0] if use and use[1] != rec.pk else None,
                )
                for ini, use in person["initiatives"]
                if ini.year <= rec.year
            )
            case = rules.Case(
                subject="individual",
                target=rec.code,
                year=rec.year,
                history=tuple(e for e in person["entries"] if e.year <= rec.year),
                initiatives=initiatives,
            )
        else:
            assert rec.org_id is not None
            members = Rating.objects.filter(org_id=rec.org_id, year=rec.year)
            ids = list(members.values_list("person_id", flat=True))
            held = Record.objects.filter(person_id__in=ids, year=rec.year)
            case = rules.Case(
                subject="collective",
                target=rec.code,
                year=rec.year,
                history=tuple(
                    rules.Entry(u.year, u.rating)
                    for u in UnitRating.objects.filter(org_id=rec.org_id, year__lte=rec.year)
                ),
                members=rules.Members(
                    total=len(ids),
                    completed=members.exclude(rating="KHTNV").count(),
                    ldtt=held.filter(code="LDTT").count(),
                    cstd_cs=held.filter(code="CSTD_CS").count(),
                    disciplined=members.filter(discipline="CANH_CAO").count(),
                ),
            )
        result = rules.evaluate(case, rule_set)
        assert result.eligible, (rec.code, rec.year, result.missing)
        checked[rec.code] += 1
    return checked


def test_every_award_is_eligible(small: dict[str, Any]) -> None:
    checked = _check_against_engine()
    assert checked["LDTT"] > 0 and checked["CSTD_CS"] > 0 and checked["TTLDTT"] > 0


def test_chains_and_rarer_awards(larger: dict[str, Any]) -> None:
    cs: defaultdict[int | None, set[int]] = defaultdict(set)
    for pid, year in Record.objects.filter(code="CSTD_CS").values_list("person_id", "year"):
        cs[pid].add(year)
    chains = [p for p, ys in cs.items() if any({y, y + 1, y + 2} <= ys for y in ys)]
    assert len(chains) >= 10  # CSTĐ cơ sở three years in a row
    codes = larger["records_by_code"]
    for code in ("CSTD_BO", "BK_BO", "TTLDXS", "BK_TTG"):
        assert codes.get(code, 0) >= 1, code
    # CSTĐ cấp tỉnh: on a chain of three CSTĐ cơ sở, with a province-level initiative used.
    for rec in Record.objects.filter(code="CSTD_BO"):
        assert rec.person_id is not None
        assert {rec.year - 2, rec.year - 1, rec.year} <= cs[rec.person_id]
        use = InitiativeUse.objects.select_related("initiative").get(record=rec)
        assert use.initiative.scope in ("BO_TINH", "TOAN_QUOC")
    assert InitiativeUse.objects.filter(code="CSTD_CS").exists()
    # Earlier awards before the period feed the five-year windows.
    assert Record.objects.filter(year__lt=2019, code__in=["BK_BO", "BK_TTG"]).exists()
    checked = _check_against_engine()
    assert checked["CSTD_BO"] == codes["CSTD_BO"]


def test_rerun_with_another_seed_adds(small: dict[str, Any]) -> None:
    before = {
        "people": Person.objects.count(),
        "ratings": Rating.objects.count(),
        "records": Record.objects.count(),
        "decisions": Decision.objects.count(),
    }
    again, _lines = run(200, 5, end_year=2025, seed=2, units=8)
    assert again["tag"] == "2"
    assert Person.objects.count() == before["people"] + 200
    assert Rating.objects.count() == before["ratings"] + 200 * 5
    assert Record.objects.count() == before["records"] + again["tables"]["register_record"]
    assert Decision.objects.count() == before["decisions"] + again["tables"]["register_decision"]
    assert Org.objects.filter(code__startswith="SYN-2-").count() == 8
    # The same seed again adds an independent copy under another tag.
    third, _lines = run(50, 2, end_year=2025, seed=1, units=3)
    assert third["tag"] == "1r2"
    assert Org.objects.filter(code__startswith="SYN-1r2-").count() == 3
    connection.check_constraints()


def test_default_units_cover_every_province(db: Any) -> None:
    result, _lines = run(100, 1, end_year=2024, seed=5)
    provinces = Org.objects.filter(kind="province").count()
    assert result["units"] == 3 * provinces
    per_province = Counter(
        Org.objects.filter(code__startswith="SYN-5-").values_list("parent_id", flat=True)
    )
    assert len(per_province) == provinces and min(per_province.values()) == 3


def test_bad_arguments(db: Any) -> None:
    with pytest.raises(ValueError):
        generate(0, 5, log=lambda _line: None)
    with pytest.raises(ValueError):
        generate(10, 0, log=lambda _line: None)
    with pytest.raises(ValueError):
        generate(10, 5, units=0, log=lambda _line: None)


def test_command(db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("gen_synthetic", "--persons", "60", "--years", "3", "--units", "4", "--seed", "9")
    out = capsys.readouterr().out
    assert "people: 60" in out and "done:" in out
    assert Person.objects.filter(note=SYNTHETIC_NOTE).count() == 60


# --- PostgreSQL: several connections in parallel, outside a transaction ---------------------------

POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the parallel connections need PostgreSQL and no enclosing transaction",
)


@pytest.fixture
def reference_back(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test flushes every table at its end, the reference provinces and the
    catalogue included (loaded by migrations): load them before and again after."""
    from django.apps import apps

    from orgs.reference import load_reference

    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load()
    yield
    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load()


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_parallel_connections(reference_back: None) -> None:
    result, lines = run(400, 4, end_year=2025, seed=11, units=10, connections=2)
    assert result["connections"] == 2 and "2 connections in parallel" in lines[0]
    assert Person.objects.filter(note=SYNTHETIC_NOTE).count() == 400
    assert Rating.objects.count() == 1600
    assert Record.objects.count() == result["tables"]["register_record"]
    assert not Decision.objects.annotate(n=Count("records")).filter(n=0).exists()
    current = Posting.objects.filter(end_date__isnull=True)
    assert current.count() == 400
    assert not current.exclude(org_id=F("person__unit_id")).exists()
    connection.check_constraints()
    _check_against_engine()


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_failed_parallel_run_leaves_nothing(
    reference_back: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from register import synthetic

    def fail(self: Any, writer: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(synthetic._Generator, "uses", fail)
    orgs = Org.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        run(200, 3, end_year=2025, seed=12, units=6, connections=2)
    assert Org.objects.count() == orgs
    for model in (Person, Posting, Rating, UnitRating, Decision, Record, Initiative):
        assert not model.objects.exists(), model
