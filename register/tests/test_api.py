"""The register's API under /api/v1: the stateless eligibility check (its answer's shape, and 422
naming the field for anything it cannot evaluate), a person's eligibility from the register (404
beyond the caller's reach), the record search with its filters and pages, a person's records, the
catalogue, and the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from accounts.services import token_create
from conftest import make_user
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create
from register import catalogue, services
from register.models import Award, Decision, Initiative, InitiativeUse, Record

EVALUATE = "/api/v1/eligibility/evaluate"
RECORDS = "/api/v1/register/records"

BODY: dict[str, Any] = {
    "target": "CSTD_BO",
    "year": 2025,
    "subject": "individual",
    "history": [
        {"year": 2023, "code": "CSTD_CS"},
        {"year": 2023, "code": "HTXSNV"},
        {"year": 2024, "code": "CSTD_CS"},
        {"year": 2024, "code": "HTXSNV"},
        {"year": 2025, "code": "CSTD_CS"},
        {"year": 2025, "code": "HTTNV"},
    ],
    "initiatives": [{"id": "SK-1", "year": 2025, "scope": "BO_TINH", "used_for": None}],
}
MEMBERS = {"total": 10, "completed": 10, "ldtt": 7, "cstd_cs": 1, "disciplined": 0}


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue and rule sets (migration register/0002), again if a transactional test
    flushed them."""
    if not Award.objects.exists():
        catalogue.load()


def keeper() -> User:
    found = User.objects.filter(username="quantri.soquyetdinh").first()
    return found or make_user("quantri.soquyetdinh", Role.ADMIN, None)


def evaluate(client: Client, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(EVALUATE, data, content_type="application/json", **extra)


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- the stateless check -----------------------------------------------------------------------


def test_it_evaluates_the_issues_example_and_says_why(as_user: Any, viewer_bac_giang: User) -> None:
    response = evaluate(as_user("viewer_bac_giang"), BODY | {"members": None})

    assert response.status_code == 200
    body = response.json()
    assert {
        k: body[k] for k in ("target", "year", "eligible", "rule_set", "legal_basis", "missing")
    } == {
        "target": "CSTD_BO",
        "year": 2025,
        "eligible": True,
        "rule_set": "LUAT_2022",
        "legal_basis": "Luật 06/2022/QH15, Điều 22",
        "missing": [],
    }
    assert body["target_name"] == "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"
    assert body["subject"] == "individual"
    assert [(c["code"], c["ok"]) for c in body["criteria"]] == [
        ("CSTD_BO.chain", True),
        ("CSTD_BO.chain_unused", True),
        ("CSTD_BO.initiative", True),
    ]
    for criterion in body["criteria"]:
        assert {"code", "ok", "text", "evidence"} <= set(criterion)
        assert criterion["text"]
    chain, _unused, initiative = body["criteria"]
    assert chain["evidence"] == [{"year": y, "code": "CSTD_CS"} for y in (2023, 2024, 2025)]
    assert initiative["evidence"] == [{"initiative": "SK-1", "year": 2025, "scope": "BO_TINH"}]


def test_it_says_what_is_missing(as_user: Any, viewer_bac_giang: User) -> None:
    history = [h for h in BODY["history"] if h != {"year": 2024, "code": "CSTD_CS"}]
    initiatives = [BODY["initiatives"][0] | {"used_for": "CSTD_CS"}]

    body = evaluate(
        as_user("viewer_bac_giang"), BODY | {"history": history, "initiatives": initiatives}
    ).json()

    assert body["eligible"] is False
    assert body["missing"] == [
        "cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2024)",
        "cần 1 sáng kiến (đề tài) phạm vi cấp bộ, ngành, tỉnh trở lên (2023–2025)",
    ]
    failed = {c["code"]: c for c in body["criteria"] if not c["ok"]}
    assert set(failed) == {"CSTD_BO.chain", "CSTD_BO.initiative"}
    assert "SK-1 (đã dùng cho Chiến sĩ thi đua cơ sở)" in failed["CSTD_BO.initiative"]["text"]
    assert failed["CSTD_BO.chain"]["missing"] == [
        "cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2024)"
    ]


def test_it_applies_the_rule_set_of_the_year(as_user: Any, viewer_bac_giang: User) -> None:
    body = evaluate(
        as_user("viewer_bac_giang"), BODY | {"year": 2023, "history": [], "initiatives": []}
    ).json()

    assert body["rule_set"] == "LUAT_2003"
    assert "Nghị định 91/2017/NĐ-CP" in body["legal_basis"]
    assert body["eligible"] is False


def test_it_evaluates_a_collective_with_its_members(as_user: Any, viewer_bac_giang: User) -> None:
    body = evaluate(
        as_user("viewer_bac_giang"),
        {
            "target": "TTLDXS",
            "year": 2025,
            "subject": "collective",
            "history": [{"year": 2025, "code": "HTXSNV"}],
            "members": MEMBERS,
        },
    ).json()

    assert (body["eligible"], body["legal_basis"]) == (True, "Luật 06/2022/QH15, Điều 27")
    short = evaluate(
        as_user("viewer_bac_giang"),
        {
            "target": "TTLDXS",
            "year": 2025,
            "subject": "collective",
            "history": [{"year": 2025, "code": "HTXSNV"}],
            "members": MEMBERS | {"ldtt": 6},
        },
    ).json()
    assert short["missing"] == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": "XYZ"}, "target"),
        ({"target": "CO_BO"}, "target"),  # a known code without rules
        ({"year": 1800}, "year"),
        ({"year": 2101}, "year"),
        ({"year": 2000, "history": [], "initiatives": []}, "year"),  # no rule set in force then
        ({"subject": "collective"}, "subject"),
        ({"subject": "household"}, "subject"),
        ({"history": [{"year": 2023, "code": "ABC"}]}, "history[0].code"),
        (
            {"history": [{"year": 2024, "code": "CSTD_CS"}, {"year": 2026, "code": "CSTD_CS"}]},
            "history[1].year",
        ),
        ({"history": [{"year": 1800, "code": "CSTD_CS"}]}, "history[0].year"),
        (
            {"history": [{"year": 2024, "code": "HTXSNV"}, {"year": 2024, "code": "HTNV"}]},
            "history[1].code",
        ),
        ({"initiatives": [{"id": "SK-1", "year": 2025, "scope": "TINH"}]}, "initiatives[0].scope"),
        (
            {"initiatives": [{"id": "SK-1", "year": 2026, "scope": "BO_TINH"}]},
            "initiatives[0].year",
        ),
        (
            {"initiatives": [{"id": "SK-1", "year": 2025, "scope": "BO_TINH", "used_for": "ABC"}]},
            "initiatives[0].used_for",
        ),
        (
            {"initiatives": [{"id": "SK-1", "year": 2025, "scope": "CO_SO"}] * 2},
            "initiatives[1].id",
        ),
    ],
)
def test_it_refuses_what_it_cannot_evaluate_naming_the_field(
    as_user: Any, viewer_bac_giang: User, changes: dict[str, Any], field: str
) -> None:
    response = evaluate(as_user("viewer_bac_giang"), BODY | changes)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("members", "field"),
    [
        (None, "members"),
        (MEMBERS | {"ldtt": 11}, "members.ldtt"),
        (MEMBERS | {"total": -1, "completed": -1, "ldtt": -1, "cstd_cs": -1}, "members.total"),
    ],
)
def test_it_refuses_a_collective_without_sound_members(
    as_user: Any, viewer_bac_giang: User, members: Any, field: str
) -> None:
    response = evaluate(
        as_user("viewer_bac_giang"),
        {"target": "TTLDTT", "year": 2025, "subject": "collective", "members": members},
    )

    assert response.status_code == 422
    assert response.json()["field"] == field


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in BODY.items() if k != key}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (BODY | {"year": "hai nghìn không trăm hai lăm"}, "year"),
        (BODY | {"year": 2025.5}, "year"),
        (BODY | {"year": None}, "year"),
        (without("target"), "target"),
        (without("year"), "year"),
        (without("subject"), "subject"),
        (BODY | {"ghi_chu": "thêm"}, "ghi_chu"),
        (BODY | {"history": [{"year": 2023, "code": "CSTD_CS", "unit": "19"}]}, "unit"),
        (BODY | {"history": {"2023": "CSTD_CS"}}, "history"),
        (BODY | {"initiatives": [{"id": "SK-1", "year": 2025}]}, "scope"),
        (BODY | {"members": {"total": "mười"}}, "members"),
    ],
)
def test_it_refuses_malformed_input_naming_the_field(
    as_user: Any, viewer_bac_giang: User, body: dict[str, Any], field: str
) -> None:
    response = evaluate(as_user("viewer_bac_giang"), body)

    assert response.status_code == 422
    answer = response.json()
    assert field in answer["field"], answer
    assert field in answer["detail"], answer


def test_it_refuses_a_year_sent_as_text(as_user: Any, viewer_bac_giang: User) -> None:
    response = evaluate(as_user("viewer_bac_giang"), BODY | {"year": "2025"})

    assert response.status_code == 422


@pytest.mark.parametrize("raw", ["{not json", "", "[]", "null"])
def test_it_refuses_a_body_that_is_not_a_case(
    as_user: Any, viewer_bac_giang: User, raw: str
) -> None:
    response = evaluate(as_user("viewer_bac_giang"), raw)

    assert response.status_code == 422
    assert response.json()["detail"]


def test_it_answers_401_to_anonymous_callers(db: Any) -> None:
    response = evaluate(Client(), BODY)

    assert response.status_code == 401
    assert list(response.json()) == ["detail"]


def test_it_answers_401_to_an_unknown_token(db: Any) -> None:
    response = evaluate(Client(), BODY, **bearer("td_khong-phai-ma-that"))

    assert response.status_code == 401


def test_it_answers_403_to_someone_without_a_role(as_user: Any, outsider: User) -> None:
    assert evaluate(as_user("outsider"), BODY).status_code == 403


def test_a_token_works_without_a_session(viewer_bac_giang: User) -> None:
    _token, secret = token_create(user=viewer_bac_giang, name="kịch bản")

    response = evaluate(Client(), BODY, **bearer(secret))

    assert response.status_code == 200
    assert response.json()["eligible"] is True


def test_the_check_stores_nothing(as_user: Any, viewer_bac_giang: User) -> None:
    before = (Record.objects.count(), Initiative.objects.count(), InitiativeUse.objects.count())

    evaluate(as_user("viewer_bac_giang"), BODY)

    assert (
        Record.objects.count(),
        Initiative.objects.count(),
        InitiativeUse.objects.count(),
    ) == before


# --- the register ------------------------------------------------------------------------------


@pytest.fixture
def world(
    units: dict[str, Org], person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    """Nguyễn Thị Lan (Thái Nguyên): CSTĐ cơ sở 2023–2025 and a province-wide initiative of 2025;
    an LĐTT 2024 revoked; Trần Văn Hùng (Bắc Giang): LĐTT 2024; Thái Nguyên's Sở Nội vụ: TTLĐTT
    2024; Hoàng Văn Sơn (Bắc Kạn, minority): LĐTT 2023."""
    admin = keeper()
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1990,
        ethnicity="Tày",
        category=Category.WORKER,
        unit=units["snv_bac_kan"],
        start_date=dt.date(2015, 1, 1),
    )
    tn = services.decision_create(
        actor=admin, number="15/QĐ-UBND", date=dt.date(2026, 1, 10), issuer=units["thai_nguyen"]
    )
    tn_movement = services.decision_create(
        actor=admin,
        number="40/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=units["thai_nguyen"],
        category="phong_trao",
    )
    bg = services.decision_create(
        actor=admin, number="22/QĐ-UBND", date=dt.date(2025, 1, 12), issuer=units["bac_giang"]
    )
    bk = services.decision_create(
        actor=admin, number="3/QĐ-UBND", date=dt.date(2024, 1, 20), issuer=units["bac_kan"]
    )
    lan = person_thai_nguyen
    records = {
        f"lan:CSTD_CS:{y}": services.record_add(
            actor=admin, decision=tn, code="CSTD_CS", year=y, person=lan
        )
        for y in (2023, 2024, 2025)
    }
    records["lan:LDTT:2024"] = services.record_add(
        actor=admin, decision=tn_movement, code="LDTT", year=2024, person=lan
    )
    records["snv:TTLDTT:2024"] = services.record_add(
        actor=admin, decision=tn_movement, code="TTLDTT", year=2024, org=units["snv_thai_nguyen"]
    )
    records["hung:LDTT:2024"] = services.record_add(
        actor=admin, decision=bg, code="LDTT", year=2024, person=person_bac_giang
    )
    records["son:LDTT:2023"] = services.record_add(
        actor=admin, decision=bk, code="LDTT", year=2023, person=son
    )
    services.record_revoke(
        actor=admin,
        record=records["lan:LDTT:2024"],
        reason="Trùng danh hiệu",
        decision_number="2/QĐ-TH",
        decision_date=dt.date(2025, 3, 1),
    )
    services.initiative_create(
        actor=admin,
        code="SK-TN-1",
        title="Số hoá hồ sơ",
        kind="sang_kien",
        recognised_by=units["thai_nguyen"],
        recognised_on=dt.date(2025, 6, 1),
        scope="BO_TINH",
        authors=[lan],
    )
    return {**units, "lan": lan, "hung": person_bac_giang, "son": son, "records": records}


def person_eligibility(client: Client, person: Person, **params: Any) -> Any:
    query: dict[str, Any] = {"target": "CSTD_BO", "year": 2025} | params
    return client.get(f"/api/v1/people/{person.pk}/eligibility", query)


def test_it_evaluates_a_person_from_the_register(as_user: Any, world: dict[str, Any]) -> None:
    response = person_eligibility(as_user("officer_thai_nguyen"), world["lan"])

    assert response.status_code == 200
    body = response.json()
    assert (body["eligible"], body["legal_basis"], body["missing"]) == (
        True,
        "Luật 06/2022/QH15, Điều 22",
        [],
    )
    records = world["records"]
    chain = body["criteria"][0]
    assert chain["evidence"] == [
        {"year": y, "code": "CSTD_CS", "ref": f"record:{records[f'lan:CSTD_CS:{y}'].pk}"}
        for y in (2023, 2024, 2025)
    ]
    assert body["criteria"][2]["evidence"][0]["initiative"] == "SK-TN-1"


def test_a_person_a_year_earlier_is_not_yet_eligible(as_user: Any, world: dict[str, Any]) -> None:
    body = person_eligibility(as_user("officer_thai_nguyen"), world["lan"], year=2024).json()

    assert body["eligible"] is False
    assert "cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2022)" in body["missing"]


@pytest.mark.parametrize(
    ("persona", "person", "status"),
    [
        ("officer_thai_nguyen", "lan", 200),
        ("officer_thai_nguyen", "son", 200),  # unit merged into the officer's
        ("officer_thai_nguyen", "hung", 404),
        ("viewer_bac_giang", "hung", 200),
        ("viewer_bac_giang", "lan", 404),
        ("member_bac_kan", "son", 200),
        ("member_bac_kan", "lan", 404),
        ("council_member", "lan", 404),
        ("outsider", "lan", 403),
    ],
)
def test_a_persons_eligibility_is_seen_within_reach(
    as_user: Any, world: dict[str, Any], persona: str, person: str, status: int
) -> None:
    response = person_eligibility(as_user(persona), world[person])

    assert response.status_code == status
    if status == 404:
        assert list(response.json()) == ["detail"]


def test_a_person_that_does_not_exist_is_404(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("admin_user").get(
        "/api/v1/people/999999/eligibility", {"target": "CSTD_BO", "year": 2025}
    )

    assert response.status_code == 404


def test_a_persons_eligibility_needs_a_session_or_token(world: dict[str, Any]) -> None:
    viewer = make_user("xem.thainguyen", Role.VIEWER, world["thai_nguyen"])
    _token, secret = token_create(user=viewer, name="kịch bản")

    query: dict[str, Any] = {"target": "CSTD_BO", "year": 2025}

    anonymous = person_eligibility(Client(), world["lan"])
    response = Client().get(
        f"/api/v1/people/{world['lan'].pk}/eligibility", query, **bearer(secret)
    )

    assert anonymous.status_code == 401
    assert response.status_code == 200
    assert response.json()["eligible"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target": "XYZ"}, "target"),
        ({"year": 1800}, "year"),
        ({"year": 2000}, "year"),
        ({"target": "TTLDTT"}, "subject"),
    ],
)
def test_a_person_cannot_be_evaluated_for_what_makes_no_sense(
    as_user: Any, world: dict[str, Any], params: dict[str, Any], field: str
) -> None:
    response = person_eligibility(as_user("officer_thai_nguyen"), world["lan"], **params)

    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    "query", [{"year": 2025}, {"target": "CSTD_BO"}, {"target": "CSTD_BO", "year": "abc"}]
)
def test_a_persons_eligibility_needs_a_target_and_a_year(
    as_user: Any, world: dict[str, Any], query: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(
        f"/api/v1/people/{world['lan'].pk}/eligibility", query
    )

    assert response.status_code == 422
    assert response.json()["detail"]


# --- the record search -------------------------------------------------------------------------


def labels(world: dict[str, Any], items: list[dict[str, Any]]) -> list[str]:
    by_pk = {r.pk: label for label, r in world["records"].items()}
    return [by_pk[item["id"]] for item in items]


def test_it_describes_each_record(as_user: Any, world: dict[str, Any]) -> None:
    record = world["records"]["lan:CSTD_CS:2024"]

    items = as_user("officer_thai_nguyen").get(RECORDS, {"code": "CSTD_CS", "year": 2024}).json()

    assert items == {
        "items": [
            {
                "id": record.pk,
                "code": "CSTD_CS",
                "year": 2024,
                "amount": 2_340_000,
                "revoked": False,
                "person_id": world["lan"].pk,
                "org_id": None,
                "decision_id": record.decision_id,
                "decision_number": "15/QĐ-UBND",
                "decision_date": "2026-01-10",
            }
        ],
        "count": 1,
        "count_exact": True,
    }


ALL = [  # newest year first, then the newest decision, then in order of entry
    "lan:CSTD_CS:2025",
    "lan:CSTD_CS:2024",
    "hung:LDTT:2024",
    "lan:LDTT:2024",
    "snv:TTLDTT:2024",
    "lan:CSTD_CS:2023",
    "son:LDTT:2023",
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL),
        (
            {"q": "nguyen thi lan"},
            ["lan:CSTD_CS:2025", "lan:CSTD_CS:2024", "lan:LDTT:2024", "lan:CSTD_CS:2023"],
        ),
        ({"code": "LDTT"}, ["hung:LDTT:2024", "lan:LDTT:2024", "son:LDTT:2023"]),
        ({"year": 2023}, ["lan:CSTD_CS:2023", "son:LDTT:2023"]),
        ({"revoked": "yes"}, ["lan:LDTT:2024"]),
        ({"revoked": "no", "code": "LDTT"}, ["hung:LDTT:2024", "son:LDTT:2023"]),
        ({"subject": "collective"}, ["snv:TTLDTT:2024"]),
        ({"category": "phong_trao"}, ["lan:LDTT:2024", "snv:TTLDTT:2024"]),
        (
            {"ethnicity": "minority"},
            [
                "lan:CSTD_CS:2025",
                "lan:CSTD_CS:2024",
                "lan:LDTT:2024",
                "lan:CSTD_CS:2023",
                "son:LDTT:2023",
            ],
        ),
        ({"person_category": "leader"}, ["hung:LDTT:2024"]),
        ({"gender": "M", "level": "co_so"}, ["hung:LDTT:2024", "son:LDTT:2023"]),
        ({"limit": 2}, ALL[:2]),
        ({"limit": 3, "offset": 5}, ALL[5:]),
        ({"offset": 100}, []),
    ],
)
def test_it_filters_and_pages_the_register(
    as_user: Any, world: dict[str, Any], params: dict[str, Any], expected: list[str]
) -> None:
    response = as_user("admin_user").get(RECORDS, params)

    assert response.status_code == 200
    assert labels(world, response.json()["items"]) == expected
    paged = "limit" in params or "offset" in params
    assert response.json()["count"] == (len(ALL) if paged else len(expected))
    assert response.json()["count_exact"] is True


@pytest.mark.parametrize(
    ("params", "count", "exact"),
    [
        ({"limit": 2}, 4, False),  # counted up to 2 past the page (2 + 2), and stopped
        ({"limit": 2, "offset": 1}, 5, False),  # 1 + 2 + 2
        ({"limit": 3}, 5, False),
        ({"limit": 3, "offset": 2}, 7, True),  # 2 + 3 + 2 = 7: all of them, exactly
        ({"limit": 3, "offset": 5}, 7, True),
        ({"limit": 1, "offset": 2**63 - 2}, 7, True),  # a LIMIT the database still takes
    ],
)
def test_the_count_stops_past_the_page(
    as_user: Any,
    world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, Any],
    count: int,
    exact: bool,
) -> None:
    """A province's register is counted in seconds; the search counts at most AT_MOST records
    past the end of the page asked for, and says whether it got to the end."""
    from core.api import BoundedPagination

    monkeypatch.setattr(BoundedPagination, "AT_MOST", 2)

    body = as_user("admin_user").get(RECORDS, params).json()

    assert (body["count"], body["count_exact"]) == (count, exact)


def test_it_filters_a_unit_with_the_units_below_it(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    province = client.get(RECORDS, {"unit": world["thai_nguyen"].pk}).json()
    other = client.get(RECORDS, {"unit": world["bac_giang"].pk}).json()

    assert labels(world, province["items"]) == [x for x in ALL if x.startswith(("lan", "snv"))]
    assert other == {"items": [], "count": 0, "count_exact": True}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_thai_nguyen", [x for x in ALL if not x.startswith("hung")]),
        ("viewer_bac_giang", ["hung:LDTT:2024"]),
        ("member_bac_kan", ["son:LDTT:2023"]),
        ("council_member", []),
    ],
)
def test_it_searches_only_the_records_in_reach(
    as_user: Any, world: dict[str, Any], persona: str, expected: list[str]
) -> None:
    response = as_user(persona).get(RECORDS, {"limit": 100})

    assert labels(world, response.json()["items"]) == expected


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), (None, 401)])
def test_the_search_is_closed_to_others(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    assert as_user(persona).get(RECORDS).status_code == status


@pytest.mark.parametrize("params", [{"year": "abc"}, {"limit": -1}, {"unit": "x"}])
def test_the_search_refuses_malformed_filters(
    as_user: Any, world: dict[str, Any], params: dict[str, Any]
) -> None:
    response = as_user("admin_user").get(RECORDS, params)

    assert response.status_code == 422


def test_the_search_takes_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = as_user("officer_thai_nguyen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(RECORDS, {"limit": 100}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    decision = Decision.objects.get(number="15/QĐ-UBND")
    for n in range(20):
        p = person_create(
            actor=None, full_name=f"Người Số {n}", gender="F", unit=world["snv_thai_nguyen"]
        )
        Record.objects.create(decision=decision, person=p, code="LDTT", year=2024)

    assert count() == few
    with django_assert_max_num_queries(12):
        client.get(RECORDS, {"limit": 100})


# --- a person's records, the catalogue ----------------------------------------------------------


def test_it_lists_a_persons_records_revoked_included(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(f"/api/v1/people/{world['lan'].pk}/records")

    assert response.status_code == 200
    assert [(r["year"], r["code"], r["revoked"]) for r in response.json()] == [
        (2023, "CSTD_CS", False),
        (2024, "CSTD_CS", False),
        (2024, "LDTT", True),
        (2025, "CSTD_CS", False),
    ]


@pytest.mark.parametrize(
    ("persona", "person", "status"),
    [
        ("officer_thai_nguyen", "hung", 404),
        ("viewer_bac_giang", "lan", 404),
        ("viewer_bac_giang", "hung", 200),
        ("outsider", "lan", 403),
        (None, "lan", 401),
    ],
)
def test_a_persons_records_are_seen_within_reach(
    as_user: Any, world: dict[str, Any], persona: str | None, person: str, status: int
) -> None:
    response = as_user(persona).get(f"/api/v1/people/{world[person].pk}/records")

    assert response.status_code == status


def test_it_lists_the_catalogue(as_user: Any, viewer_bac_giang: User) -> None:
    response = as_user("viewer_bac_giang").get("/api/v1/register/catalogue")

    assert response.status_code == 200
    awards = {a["code"]: a for a in response.json()}
    assert set(awards) >= {
        "LDTT",
        "CSTD_CS",
        "CSTD_BO",
        "CSTD_TQ",
        "TTLDTT",
        "TTLDXS",
        "BK_BO",
        "BK_TTG",
        "HCLD3",
        "GK",
    }
    assert awards["LDTT"]["reward_multiple"] == 0.3
    assert awards["LDTT"]["subject"] == "individual"
    assert awards["TTLDXS"]["subject"] == "collective"
    assert awards["HCLD3"]["reward_multiple"] is None
    assert set(awards["LDTT"]) == {
        "code",
        "name",
        "kind",
        "subject",
        "level",
        "decided_by",
        "reward_multiple",
        "documents",
        "legal_basis",
    }


def test_the_catalogue_is_closed_to_others(as_user: Any, outsider: User) -> None:
    assert as_user("outsider").get("/api/v1/register/catalogue").status_code == 403
    assert Client().get("/api/v1/register/catalogue").status_code == 401


# --- the OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_lists_the_register_endpoints(db: Any) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert "post" in paths["/api/v1/eligibility/evaluate"]
    assert "get" in paths["/api/v1/people/{person_id}/eligibility"]
    assert "get" in paths["/api/v1/register/records"]
    assert "get" in paths["/api/v1/people/{person_id}/records"]
    assert "get" in paths["/api/v1/register/catalogue"]
    evaluate_op = paths["/api/v1/eligibility/evaluate"]["post"]
    assert set(evaluate_op["responses"]) >= {"200", "422"}
    example = evaluate_op["requestBody"]["content"]["application/json"]["example"]
    assert example["target"] == "CSTD_BO"
    records = paths["/api/v1/register/records"]["get"]
    assert {p["name"] for p in records["parameters"]} >= {
        "q",
        "unit",
        "code",
        "year",
        "limit",
        "offset",
    }
    assert evaluate_op["tags"] == ["register"]
