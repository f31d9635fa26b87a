"""Reads of the register: the cases the engine gets follow people across transfers and units across
their lineage; timelines are in order and mark revocations; the search filters as the page says,
ignores diacritics and shows only what the user may see; a province's own parameters apply to its
units.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import Role, User
from conftest import make_user
from orgs.models import LineageEvent, Org
from orgs.services import lineage_record, org_create
from people.models import Category, Person
from people.services import person_create, person_transfer
from register import catalogue, rules, selectors, services, sweep
from register.models import (
    Award,
    Decision,
    Initiative,
    InitiativeUse,
    Parameter,
    Rating,
    Record,
    UnitRating,
)


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue and rule sets (migration register/0002), again if a transactional test
    flushed them."""
    if not Award.objects.exists():
        catalogue.load()


def decision(issuer: Org, number: str, day: dt.date, category: str = "cong_trang") -> Decision:
    return Decision.objects.create(number=number, date=day, issuer=issuer, category=category)


def award(
    decision: Decision,
    code: str,
    year: int,
    *,
    person: Person | None = None,
    org: Org | None = None,
) -> Record:
    return services.record_add(
        actor=keeper(), decision=decision, code=code, year=year, person=person, org=org
    )


def keeper() -> User:
    """A system administrator who records the fixtures' decisions."""
    found = User.objects.filter(username="quantri.soquyetdinh").first()
    return found or make_user("quantri.soquyetdinh", Role.ADMIN, None)


def rate(person: Person, org: Org, year: int, rating: str, discipline: str = "") -> Rating:
    return Rating.objects.create(
        person=person, org=org, year=year, rating=rating, discipline=discipline
    )


def initiative(code: str, body: Org, year: int, scope: str, *authors: Person) -> Initiative:
    ini = Initiative.objects.create(
        code=code,
        title=f"Sáng kiến {code}",
        recognised_by=body,
        recognised_on=dt.date(year, 6, 1),
        year=year,
        scope=scope,
    )
    ini.authors.set(authors)
    return ini


def person(name: str, unit: Org, **fields: Any) -> Person:
    fields.setdefault("gender", "M")
    fields.setdefault("start_date", dt.date(2015, 1, 1))
    return person_create(actor=None, full_name=name, unit=unit, **fields)


# --- a person's case follows transfers ---------------------------------------------------------


@pytest.fixture
def moved(snv_bac_kan: Org, snv_thai_nguyen: Org, bac_kan: Org, thai_nguyen: Org) -> Person:
    """Hoàng Văn Sơn: in Bắc Kạn's Sở Nội vụ until 30/6/2025, CSTĐ cơ sở 2023 and 2024 there;
    in Thái Nguyên's from 1/7/2025, CSTĐ cơ sở 2025 there, with a province-wide initiative of 2025."""
    son = person("Hoàng Văn Sơn", snv_bac_kan, birth_year=1990)
    for year, rating in ((2023, "HTXSNV"), (2024, "HTXSNV")):
        rate(son, snv_bac_kan, year, rating)
        award(
            decision(bac_kan, f"{year}/QĐ-UBND", dt.date(year + 1, 1, 20)),
            "CSTD_CS",
            year,
            person=son,
        )
    person_transfer(actor=None, person=son, to_unit=snv_thai_nguyen, start_date=dt.date(2025, 7, 1))
    son.refresh_from_db()
    rate(son, snv_thai_nguyen, 2025, "HTTNV")
    award(decision(thai_nguyen, "5/QĐ-UBND", dt.date(2026, 1, 15)), "CSTD_CS", 2025, person=son)
    initiative("SK-TN-1", thai_nguyen, 2025, "BO_TINH", son)
    return son


def test_a_persons_case_keeps_what_they_earned_in_their_old_unit(
    moved: Person, snv_bac_kan: Org, snv_thai_nguyen: Org
) -> None:
    case = selectors.person_case(moved, "CSTD_BO", 2025)

    assert sorted((e.year, e.code) for e in case.history) == [
        (2023, "CSTD_CS"),
        (2023, "HTXSNV"),
        (2024, "CSTD_CS"),
        (2024, "HTXSNV"),
        (2025, "CSTD_CS"),
        (2025, "HTTNV"),
    ]
    assert [(i.id, i.year, i.scope, i.used_for) for i in case.initiatives] == [
        ("SK-TN-1", 2025, "BO_TINH", None)
    ]
    units = dict(
        Record.objects.filter(person=moved).values_list("year", "unit__code").order_by("year")
    )
    assert units == {2023: "06.SNV", 2024: "06.SNV", 2025: "19.SNV"}


def test_a_person_moved_in_2025_keeps_their_chain_for_cstd_bo(moved: Person) -> None:
    result = selectors.evaluate_person(moved, "CSTD_BO", 2025)

    assert result.eligible, result.missing
    assert result.legal_basis == "Luật 06/2022/QH15, Điều 22"
    chain = next(c for c in result.criteria if c.code == "CSTD_BO.chain")
    records = {r.year: r.pk for r in Record.objects.filter(person=moved)}
    assert chain.evidence == [
        {"year": y, "code": "CSTD_CS", "ref": f"record:{records[y]}"} for y in (2023, 2024, 2025)
    ]
    ini = next(c for c in result.criteria if c.code == "CSTD_BO.initiative")
    assert [e["initiative"] for e in ini.evidence] == ["SK-TN-1"]
    # The sweep agrees.
    assert sweep.person_masks(2025)[moved.pk] & rules.BITS["CSTD_BO"]


def test_a_used_initiative_or_a_later_year_does_not_count(moved: Person) -> None:
    assert not selectors.evaluate_person(moved, "CSTD_BO", 2024).eligible
    InitiativeUse.objects.create(
        initiative=Initiative.objects.get(code="SK-TN-1"), code="BK_BO", year=2025
    )

    result = selectors.evaluate_person(moved, "CSTD_BO", 2025)

    assert not result.eligible
    assert [i.used_for for i in selectors.person_case(moved, "CSTD_BO", 2025).initiatives] == [
        "BK_BO"
    ]
    assert result.missing == [
        "cần 1 sáng kiến (đề tài) phạm vi cấp bộ, ngành, tỉnh trở lên (2023–2025)"
    ]


def test_a_persons_case_ignores_later_years_and_revoked_records(
    moved: Person, thai_nguyen: Org
) -> None:
    Record.objects.filter(person=moved, year=2024).update(revoked=True)

    case = selectors.person_case(moved, "CSTD_BO", 2024)

    assert sorted((e.year, e.code) for e in case.history) == [
        (2023, "CSTD_CS"),
        (2023, "HTXSNV"),
        (2024, "HTXSNV"),
    ]
    assert case.initiatives == ()


# --- a unit's case and timeline follow its lineage ---------------------------------------------


@pytest.fixture
def lineage(
    snv_bac_kan: Org, snv_thai_nguyen: Org, bac_kan: Org, thai_nguyen: Org
) -> dict[str, Org]:
    """Phòng Thi đua of Bắc Kạn's Sở Nội vụ (itself formed in 2020 by merging a former office)
    merged into the one of Thái Nguyên's on 1/7/2025."""
    old = org_create(
        actor=None,
        code="06.SNV.TDKT",
        name="Phòng Thi đua – Khen thưởng (Bắc Kạn)",
        kind="department",
        parent=snv_bac_kan,
        valid_from=dt.date(2018, 1, 1),
    )
    older = org_create(
        actor=None,
        code="06.BTDKT",
        name="Ban Thi đua – Khen thưởng tỉnh Bắc Kạn",
        kind="department",
        parent=bac_kan,
        valid_from=dt.date(2010, 1, 1),
    )
    new = org_create(
        actor=None,
        code="19.SNV.TDKT",
        name="Phòng Thi đua – Khen thưởng (Thái Nguyên)",
        kind="department",
        parent=snv_thai_nguyen,
    )
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=older,
        successor=old,
        effective_date=dt.date(2020, 1, 1),
    )
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=old,
        successor=new,
        effective_date=dt.date(2025, 7, 1),
    )
    return {"older": older, "old": old, "new": new}


@pytest.fixture
def old_unit_history(lineage: dict[str, Org], bac_kan: Org) -> dict[str, Any]:
    """The old unit in 2024: rated excellent, three members all completing their tasks, two of them
    LĐTT and one CSTĐ cơ sở; the older unit was a Tập thể lao động tiên tiến in 2018."""
    old, older = lineage["old"], lineage["older"]
    members = [
        person(name, old, birth_year=1980 + n, start_date=dt.date(2019, 1, 1))
        for n, name in enumerate(("Hà Văn Một", "Hà Thị Hai", "Hà Văn Ba"))
    ]
    UnitRating.objects.create(org=old, year=2024, rating="HTXSNV")
    UnitRating.objects.create(org=older, year=2018, rating="HTTNV")
    for member, rating in zip(members, ("HTXSNV", "HTTNV", "HTNV"), strict=True):
        rate(member, old, 2024, rating)
    d = decision(bac_kan, "9/QĐ-UBND", dt.date(2025, 2, 1))
    award(d, "LDTT", 2024, person=members[0])
    award(d, "LDTT", 2024, person=members[1])
    award(d, "CSTD_CS", 2024, person=members[0])
    d2018 = decision(bac_kan, "3/QĐ-UBND", dt.date(2019, 2, 1))
    ttldtt = award(d2018, "TTLDTT", 2018, org=older)
    return {"members": members, "ttldtt": ttldtt}


def test_a_units_timeline_shows_its_predecessors_records_and_ratings(
    lineage: dict[str, Org], old_unit_history: dict[str, Any]
) -> None:
    new, old, older = lineage["new"], lineage["old"], lineage["older"]
    assert LineageEvent.objects.filter(kind="merged_into", predecessor=old, successor=new).exists()

    timeline = selectors.unit_timeline(new)

    assert [(i.year, i.kind, i.code, i.unit, i.revoked) for i in timeline] == [
        (2018, "unit_rating", "HTTNV", older, False),
        (2018, "record", "TTLDTT", older, False),
        (2024, "unit_rating", "HTXSNV", old, False),
    ]
    assert timeline[1].obj == old_unit_history["ttldtt"]
    assert selectors.lineage_ids(new) == [new.pk, old.pk, older.pk]


def test_a_unit_does_not_show_its_successors_history(
    lineage: dict[str, Org], old_unit_history: dict[str, Any]
) -> None:
    UnitRating.objects.create(org=lineage["new"], year=2025, rating="HTTNV")

    assert [(i.year, i.code) for i in selectors.unit_timeline(lineage["old"])] == [
        (2018, "HTTNV"),
        (2018, "TTLDTT"),
        (2024, "HTXSNV"),
    ]
    assert selectors.unit_timeline(Org.objects.get(code="24")) == []


def test_a_units_timeline_marks_revoked_records(
    lineage: dict[str, Org], old_unit_history: dict[str, Any]
) -> None:
    Record.objects.filter(pk=old_unit_history["ttldtt"].pk).update(revoked=True)

    timeline = selectors.unit_timeline(lineage["new"])

    assert [(i.code, i.revoked) for i in timeline if i.kind == "record"] == [("TTLDTT", True)]


def test_a_successor_is_evaluated_on_its_predecessors_members_and_ratings(
    lineage: dict[str, Org], old_unit_history: dict[str, Any]
) -> None:
    new = lineage["new"]

    case = selectors.unit_case(new, "TTLDXS", 2024)
    tt = selectors.evaluate_unit(new, "TTLDTT", 2024)
    xs = selectors.evaluate_unit(new, "TTLDXS", 2024)

    assert case.members == rules.Members(total=3, completed=3, ldtt=2, cstd_cs=1, disciplined=0)
    assert [(e.year, e.code) for e in case.history] == [
        (2018, "HTTNV"),
        (2024, "HTXSNV"),
        (2018, "TTLDTT"),
    ]
    assert tt.eligible, tt.missing
    # TTLĐXS needs 70% LĐTT: 2 of 3 is not enough.
    assert not xs.eligible
    assert xs.missing == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)"]
    # The sweep evaluates units with predecessors the same way.
    masks = sweep.unit_masks(2024)
    assert masks[new.pk] == rules.BITS["TTLDTT"]


def test_a_unit_without_lineage_is_evaluated_on_its_own(
    lineage: dict[str, Org], old_unit_history: dict[str, Any], snv_thai_nguyen: Org
) -> None:
    result = selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2024)

    assert not result.eligible
    assert selectors.unit_members(snv_thai_nguyen, 2024) == rules.Members(0, 0, 0, 0, 0)


def test_members_disciplined_at_warning_or_above_count(
    lineage: dict[str, Org], old_unit_history: dict[str, Any]
) -> None:
    one, two, _three = old_unit_history["members"]
    Rating.objects.filter(person=one, year=2024).update(discipline="KHIEN_TRACH")
    Rating.objects.filter(person=two, year=2024).update(discipline="CANH_CAO")

    members = selectors.unit_members(lineage["new"], 2024)

    assert members.disciplined == 1
    assert not selectors.evaluate_unit(lineage["new"], "TTLDTT", 2024).eligible


# --- a person's timeline -----------------------------------------------------------------------


def test_a_persons_timeline_is_in_order_and_marks_revocations(
    moved: Person, thai_nguyen: Org, snv_bac_kan: Org, snv_thai_nguyen: Org
) -> None:
    initiative("SK-TN-0", thai_nguyen, 2024, "CO_SO", moved)
    late = Record.objects.get(person=moved, year=2024)
    services.record_revoke(
        actor=keeper(),
        record=late,
        reason="Sai sót hồ sơ",
        decision_number="1/QĐ-TH",
        decision_date=dt.date(2025, 3, 1),
    )

    timeline = selectors.person_timeline(moved)

    assert [(i.year, i.kind, i.code, i.unit, i.revoked) for i in timeline] == [
        (2023, "rating", "HTXSNV", snv_bac_kan, False),
        (2023, "record", "CSTD_CS", snv_bac_kan, False),
        (2024, "rating", "HTXSNV", snv_bac_kan, False),
        (2024, "record", "CSTD_CS", snv_bac_kan, True),
        (2024, "initiative", "CO_SO", thai_nguyen, False),
        (2025, "rating", "HTTNV", snv_thai_nguyen, False),
        (2025, "record", "CSTD_CS", snv_thai_nguyen, False),
        (2025, "initiative", "BO_TINH", thai_nguyen, False),
    ]
    assert timeline[1].label == "Chiến sĩ thi đua cơ sở"
    assert timeline[3].obj.revocation.reason == "Sai sót hồ sơ"


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def register(
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
    snv_bac_giang: Org,
    thai_nguyen: Org,
    bac_kan: Org,
    bac_giang: Org,
    person_bac_giang: Person,
) -> dict[str, Record]:
    """Records labelled `who:code:year`: in Thái Nguyên's Sở Nội vụ (and a room under it), in Bắc
    Kạn's (revoked) and in Bắc Giang's, plus one for Thái Nguyên's Sở Nội vụ itself."""
    room = org_create(
        actor=None,
        code="19.SNV.P1",
        name="Phòng Tổ chức",
        kind="department",
        parent=snv_thai_nguyen,
    )
    an = person(
        "Nguyễn Văn An",
        snv_thai_nguyen,
        birth_year=1975,
        ethnicity="Kinh",
        category=Category.LEADER,
    )
    binh = person(
        "Lò Thị Bình",
        room,
        gender="F",
        birth_year=1990,
        ethnicity="Thái",
        category=Category.WORKER,
    )
    son = person("Hoàng Văn Sơn", snv_bac_kan, birth_year=1990, ethnicity="Tày")
    merit = decision(thai_nguyen, "15/QĐ-UBND", dt.date(2025, 1, 10))
    movement = decision(thai_nguyen, "40/QĐ-UBND", dt.date(2025, 3, 1), category="phong_trao")
    old = decision(bac_kan, "8/QĐ-UBND", dt.date(2024, 2, 1))
    other = decision(bac_giang, "15/QĐ-UBND", dt.date(2025, 1, 10))
    records = {
        "an:LDTT:2024": award(merit, "LDTT", 2024, person=an),
        "an:CSTD_CS:2024": award(merit, "CSTD_CS", 2024, person=an),
        "binh:LDTT:2024": award(merit, "LDTT", 2024, person=binh),
        "snv:TTLDTT:2024": award(merit, "TTLDTT", 2024, org=snv_thai_nguyen),
        "binh:BK_BO:2024": award(movement, "BK_BO", 2024, person=binh),
        "son:LDTT:2023": award(old, "LDTT", 2023, person=son),
        "hung:LDTT:2024": award(other, "LDTT", 2024, person=person_bac_giang),
    }
    services.record_revoke(
        actor=keeper(),
        record=records["son:LDTT:2023"],
        reason="Thu hồi",
        decision_number="2/QĐ-TH",
        decision_date=dt.date(2024, 5, 1),
    )
    return records


@pytest.fixture(params=["ids", "subquery", "join"])
def sizes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way the search writes a set of people or units (selectors.FEW, MANY): as a list of
    ids, as a subquery, through the join; the results are the same."""
    if request.param != "ids":
        monkeypatch.setattr(selectors, "FEW", 0)
    if request.param == "join":
        monkeypatch.setattr(selectors, "MANY", 0)
        monkeypatch.setattr(selectors, "MANY_NAMED", 0)
    return str(request.param)


def found(user: User, records: dict[str, Record], **filters: Any) -> list[str]:
    labels = {r.pk: label for label, r in records.items()}
    return [labels[r.pk] for r in selectors.record_search(user=user, filters=filters)]


ALL = [
    "binh:BK_BO:2024",  # 2024, decision of 1/3/2025
    "an:LDTT:2024",  # 2024, decision of 10/1/2025, in order of entry
    "an:CSTD_CS:2024",
    "binh:LDTT:2024",
    "snv:TTLDTT:2024",
    "hung:LDTT:2024",
    "son:LDTT:2023",
]


def test_the_search_lists_everything_newest_first(
    admin_user: User, register: dict[str, Record], sizes: str
) -> None:
    assert found(admin_user, register) == ALL


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "nguyen van an"}, ["an:LDTT:2024", "an:CSTD_CS:2024"]),
        ({"q": "NGUYỄN VĂN AN"}, ["an:LDTT:2024", "an:CSTD_CS:2024"]),
        ({"q": "  lo   thi binh "}, ["binh:BK_BO:2024", "binh:LDTT:2024"]),
        ({"q": "so noi vu tinh thai nguyen"}, ["snv:TTLDTT:2024"]),
        ({"q": "khong co ai"}, []),
        ({"code": "LDTT"}, ["an:LDTT:2024", "binh:LDTT:2024", "hung:LDTT:2024", "son:LDTT:2023"]),
        ({"year": 2023}, ["son:LDTT:2023"]),
        ({"level": "bo_tinh"}, ["binh:BK_BO:2024"]),
        (
            {"level": "co_so"},
            [
                "an:LDTT:2024",
                "an:CSTD_CS:2024",
                "binh:LDTT:2024",
                "snv:TTLDTT:2024",
                "hung:LDTT:2024",
                "son:LDTT:2023",
            ],
        ),
        ({"category": "phong_trao"}, ["binh:BK_BO:2024"]),
        ({"gender": "F"}, ["binh:BK_BO:2024", "binh:LDTT:2024"]),
        ({"person_category": "leader"}, ["an:LDTT:2024", "an:CSTD_CS:2024", "hung:LDTT:2024"]),
        ({"person_category": "worker"}, ["binh:BK_BO:2024", "binh:LDTT:2024"]),
        ({"person_category": "staff"}, ["son:LDTT:2023"]),
        ({"ethnicity": "Kinh"}, ["an:LDTT:2024", "an:CSTD_CS:2024", "hung:LDTT:2024"]),
        ({"ethnicity": "minority"}, ["binh:BK_BO:2024", "binh:LDTT:2024", "son:LDTT:2023"]),
        ({"ethnicity": "Tày"}, ["son:LDTT:2023"]),
        ({"revoked": "yes"}, ["son:LDTT:2023"]),
        ({"revoked": "no"}, ALL[:-1]),
        ({"subject": "collective"}, ["snv:TTLDTT:2024"]),
        ({"subject": "individual"}, [x for x in ALL if x != "snv:TTLDTT:2024"]),
        ({"code": "LDTT", "year": 2024, "gender": "M"}, ["an:LDTT:2024", "hung:LDTT:2024"]),
        ({"code": "", "year": None, "q": ""}, ALL),
    ],
)
def test_the_search_filters(
    admin_user: User,
    register: dict[str, Record],
    filters: dict[str, Any],
    expected: list[str],
    sizes: str,
) -> None:
    assert found(admin_user, register, **filters) == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (
            "19.SNV",
            [
                "binh:BK_BO:2024",
                "an:LDTT:2024",
                "an:CSTD_CS:2024",
                "binh:LDTT:2024",
                "snv:TTLDTT:2024",
            ],
        ),
        (
            "19",
            [
                "binh:BK_BO:2024",
                "an:LDTT:2024",
                "an:CSTD_CS:2024",
                "binh:LDTT:2024",
                "snv:TTLDTT:2024",
            ],
        ),
        ("19.SNV.P1", ["binh:BK_BO:2024", "binh:LDTT:2024"]),
        ("06.SNV", ["son:LDTT:2023"]),
        ("24", ["hung:LDTT:2024"]),
    ],
)
def test_the_search_takes_a_unit_with_the_units_below_it(
    admin_user: User, register: dict[str, Record], unit: str, expected: list[str], sizes: str
) -> None:
    org = Org.objects.get(code=unit)

    assert found(admin_user, register, unit=org.pk) == expected
    assert found(admin_user, register, unit=org.pk, code="LDTT") == [
        x for x in expected if ":LDTT:" in x
    ]


def test_the_search_finds_a_record_by_the_unit_at_the_time(
    admin_user: User,
    register: dict[str, Record],
    snv_thai_nguyen: Org,
    snv_bac_giang: Org,
    sizes: str,
) -> None:
    """A person moved on: the record stays found under the unit that proposed it."""
    an = register["an:LDTT:2024"].person
    assert an is not None
    person_transfer(actor=None, person=an, to_unit=snv_bac_giang, start_date=dt.date(2026, 1, 1))

    assert found(admin_user, register, unit=snv_thai_nguyen.pk, q="nguyen van an") == [
        "an:LDTT:2024",
        "an:CSTD_CS:2024",
    ]
    assert found(admin_user, register, unit=snv_bac_giang.pk, q="nguyen van an") == [
        "an:LDTT:2024",
        "an:CSTD_CS:2024",
    ]


# --- visibility --------------------------------------------------------------------------------


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "officer_thai_nguyen",  # and Bắc Kạn's, merged into Thái Nguyên
            [x for x in ALL if not x.startswith("hung")],
        ),
        ("officer_bac_giang", ["hung:LDTT:2024"]),
        ("viewer_bac_giang", ["hung:LDTT:2024"]),
        ("member_bac_kan", ["son:LDTT:2023"]),
        ("council_member", []),
        ("outsider", []),
    ],
)
def test_the_search_shows_only_records_in_reach(
    request: pytest.FixtureRequest,
    register: dict[str, Record],
    persona: str,
    expected: list[str],
    sizes: str,
) -> None:
    user = request.getfixturevalue(persona)

    assert found(user, register) == expected


def test_an_officer_of_bac_giang_sees_nothing_of_thai_nguyen(
    officer_bac_giang: User,
    register: dict[str, Record],
    snv_thai_nguyen: Org,
    thai_nguyen: Org,
    sizes: str,
) -> None:
    assert found(officer_bac_giang, register, unit=snv_thai_nguyen.pk) == []
    assert found(officer_bac_giang, register, q="nguyen van an") == []
    assert list(
        selectors.visible_decisions(officer_bac_giang).values_list("issuer__code", "number")
    ) == [("24", "15/QĐ-UBND")]
    assert not selectors.visible_people(officer_bac_giang).filter(unit=snv_thai_nguyen).exists()


def test_a_decision_is_seen_by_those_who_see_one_of_its_recipients(
    member_bac_kan: User, register: dict[str, Record], snv_bac_kan: Org
) -> None:
    assert list(selectors.visible_decisions(member_bac_kan).values_list("number", flat=True)) == [
        "8/QĐ-UBND"
    ]


# --- tenant parameters -------------------------------------------------------------------------


@pytest.fixture
def team(snv_thai_nguyen: Org, snv_bac_giang: Org, thai_nguyen: Org, bac_giang: Org) -> None:
    """Two units of four, each rated HTTNV in 2025 with every member completing tasks and half of
    them LĐTT (enough for the default 50%)."""
    for unit, issuer in ((snv_thai_nguyen, thai_nguyen), (snv_bac_giang, bac_giang)):
        UnitRating.objects.create(org=unit, year=2025, rating="HTTNV")
        d = decision(issuer, f"T-{unit.code}", dt.date(2026, 1, 10))
        for n in range(4):
            member = person(f"Thành Viên {unit.code} {n}", unit, birth_year=1980 + n)
            rate(member, unit, 2025, "HTTNV")
            if n < 2:
                award(d, "LDTT", 2025, person=member)


def share(org: Org, key: str, value: str, start: dt.date, end: dt.date | None = None) -> Parameter:
    return Parameter.objects.create(
        org=org, key=key, value=Decimal(value), valid_from=start, valid_to=end
    )


def test_a_provinces_share_applies_to_its_units(
    team: None, snv_thai_nguyen: Org, snv_bac_giang: Org, thai_nguyen: Org
) -> None:
    assert selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2025).eligible

    share(thai_nguyen, "TTLDTT_LDTT_SHARE", "0.75", dt.date(2025, 1, 1))

    result = selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2025)
    assert not result.eligible
    assert result.missing == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 75%)"]
    assert selectors.overrides_for(snv_thai_nguyen, dt.date(2025, 12, 31)) == {
        "ttldtt_ldtt_share": "0.7500"
    }
    # Another province's unit keeps the rule set's 50%.
    assert selectors.evaluate_unit(snv_bac_giang, "TTLDTT", 2025).eligible
    # The sweep applies the same shares.
    masks = sweep.unit_masks(2025)
    assert not masks.get(snv_thai_nguyen.pk, 0) & rules.BITS["TTLDTT"]
    assert masks[snv_bac_giang.pk] & rules.BITS["TTLDTT"]


def test_a_lower_share_of_the_province_makes_a_unit_eligible(
    team: None, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    Record.objects.filter(person__unit=snv_thai_nguyen, code="LDTT").first().delete()  # type: ignore[union-attr]
    assert not selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2025).eligible

    share(thai_nguyen, "TTLDTT_LDTT_SHARE", "0.25", dt.date(2024, 1, 1))

    assert selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2025).eligible


@pytest.mark.parametrize(
    ("owner", "start", "end"),
    [
        ("24", dt.date(2025, 1, 1), None),  # another province's
        ("19", dt.date(2026, 1, 1), None),  # not yet in force at the end of 2025
        ("19", dt.date(2020, 1, 1), dt.date(2025, 6, 30)),  # ended before
    ],
)
def test_a_share_out_of_force_or_of_another_province_does_not_apply(
    team: None, snv_thai_nguyen: Org, owner: str, start: dt.date, end: dt.date | None
) -> None:
    share(Org.objects.get(code=owner), "TTLDTT_LDTT_SHARE", "0.75", start, end)

    assert selectors.evaluate_unit(snv_thai_nguyen, "TTLDTT", 2025).eligible
    assert selectors.overrides_for(snv_thai_nguyen, dt.date(2025, 12, 31)) == {}


def test_the_tenant_of_a_unit_is_its_ministry_or_province(
    snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    assert selectors.tenant_of(snv_thai_nguyen) == thai_nguyen
    assert selectors.tenant_of(thai_nguyen) == thai_nguyen
    assert selectors.overrides_for(None, dt.date(2025, 1, 1)) == {}
