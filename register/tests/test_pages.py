"""The register's pages: who may open which, each form's success and refusals (a refused or denied
post changes nothing), who is eligible (from a sweep or computed on the spot) with its Excel
export and a query count that does not grow with the list, the record list's export, and what a
person's page shows from the register.

The world: Thái Nguyên ("19") with its Sở Nội vụ (19.SNV) and a room under it (19.SNV.P1); Bắc
Kạn's Sở Nội vụ (06.SNV), merged into 19.SNV on 1/7/2025; Bắc Giang ("24") and its Sở Nội vụ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role, User
from conftest import make_user
from core.models import AuditEvent
from orgs.models import Org
from orgs.services import org_create
from people.models import Category, Person
from people.services import person_create
from register import catalogue, services, sweep
from register.models import (
    Award,
    Decision,
    Initiative,
    InitiativeUse,
    Parameter,
    Rating,
    Record,
    Revocation,
    UnitRating,
)

LOGIN = reverse("accounts:login")
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue and rule sets (migration register/0002), again if a transactional test
    flushed them."""
    if not Award.objects.exists():
        catalogue.load()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def keeper() -> User:
    """A system administrator who records the fixtures' rows."""
    found = User.objects.filter(username="quantri.soquyetdinh").first()
    return found or make_user("quantri.soquyetdinh", Role.ADMIN, None)


def state() -> dict[str, Any]:
    """Every row the register's pages may write, and the audit trail's length."""
    rows: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Decision,
            Record,
            Revocation,
            Rating,
            UnitRating,
            Initiative,
            InitiativeUse,
            Parameter,
        )
    }
    rows["authors"] = list(Initiative.authors.through.objects.order_by("pk").values())
    rows["audit"] = AuditEvent.objects.count()
    return rows


def unchanged(post: Callable[[], Any]) -> Any:
    """Post, and check that nothing changed; the response."""
    before = state()
    response = post()
    assert state() == before
    return response


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def form_errors(response: Any, field: str) -> list[str]:
    assert response.status_code == 200
    errors: list[str] = response.context["form"].errors.get(field, [])
    return errors


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(
    units: dict[str, Org], person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    """A decision of each province with one recipient, an initiative of each, and Bắc Kạn's
    decision for a person of its Sở Nội vụ."""
    admin = keeper()
    room = org_create(
        actor=None,
        code="19.SNV.P1",
        name="Phòng Tổ chức",
        kind="department",
        parent=units["snv_thai_nguyen"],
    )
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1990,
        unit=units["snv_bac_kan"],
        start_date=dt.date(2015, 1, 1),
    )
    tn = services.decision_create(
        actor=admin, number="15/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=units["thai_nguyen"]
    )
    bg = services.decision_create(
        actor=admin, number="22/QĐ-UBND", date=dt.date(2025, 1, 12), issuer=units["bac_giang"]
    )
    bk = services.decision_create(
        actor=admin, number="3/QĐ-UBND", date=dt.date(2024, 12, 20), issuer=units["bac_kan"]
    )
    rec_tn = services.record_add(
        actor=admin, decision=tn, code="LDTT", year=2024, person=person_thai_nguyen
    )
    rec_bg = services.record_add(
        actor=admin, decision=bg, code="LDTT", year=2024, person=person_bac_giang
    )
    rec_bk = services.record_add(actor=admin, decision=bk, code="LDTT", year=2024, person=son)
    ini_tn = services.initiative_create(
        actor=admin,
        code="SK-TN-1",
        title="Số hoá hồ sơ",
        kind="sang_kien",
        recognised_by=units["thai_nguyen"],
        recognised_on=dt.date(2025, 6, 1),
        scope="BO_TINH",
        authors=[person_thai_nguyen],
    )
    ini_bg = services.initiative_create(
        actor=admin,
        code="SK-BG-1",
        title="Cải cách thủ tục",
        kind="sang_kien",
        recognised_by=units["bac_giang"],
        recognised_on=dt.date(2025, 6, 1),
        scope="CO_SO",
        authors=[person_bac_giang],
    )
    return {
        **units,
        "room": room,
        "son": son,
        "lan": person_thai_nguyen,
        "hung": person_bac_giang,
        "decision_tn": tn,
        "decision_bg": bg,
        "decision_bk": bk,
        "record_tn": rec_tn,
        "record_bg": rec_bg,
        "record_bk": rec_bk,
        "initiative_tn": ini_tn,
        "initiative_bg": ini_bg,
    }


# --- who may open what -------------------------------------------------------------------------


PAGES: dict[str, tuple[str, str | None]] = {
    "records": ("register:record-list", None),
    "decisions": ("register:decision-list", None),
    "decision-new": ("register:decision-create", None),
    "decision-tn": ("register:decision-detail", "decision_tn"),
    "decision-bg": ("register:decision-detail", "decision_bg"),
    "decision-bk": ("register:decision-detail", "decision_bk"),
    "revoke-tn": ("register:record-revoke", "record_tn"),
    "revoke-bg": ("register:record-revoke", "record_bg"),
    "eligible": ("register:eligible-list", None),
    "initiatives": ("register:initiative-list", None),
    "initiative-new": ("register:initiative-create", None),
    "initiative-tn": ("register:initiative-detail", "initiative_tn"),
    "initiative-bg": ("register:initiative-detail", "initiative_bg"),
    "ratings": ("register:ratings", None),
    "catalogue": ("register:catalogue", None),
}


def url(page: str, world: dict[str, Any]) -> str:
    name, obj = PAGES[page]
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


def expect(overrides: dict[str, int], default: int) -> dict[str, int]:
    return {page: overrides.get(page, default) for page in PAGES}


# persona → page → status. Everyone with a role reads the register within reach (a 404 beyond);
# officers keep it; focal points enter their unit's ratings; nobody else reaches anything.
ACCESS: dict[str, dict[str, int]] = {
    "admin_user": expect({}, 200),
    "officer_thai_nguyen": expect(
        {"decision-bg": 404, "revoke-bg": 404, "initiative-bg": 404}, 200
    ),
    "member_bac_kan": expect(
        {
            "decision-new": 403,
            "decision-tn": 404,
            "decision-bg": 404,
            "revoke-tn": 404,
            "revoke-bg": 404,
            "initiative-new": 403,
            "initiative-tn": 404,
            "initiative-bg": 404,
        },
        200,
    ),
    "viewer_bac_giang": expect(
        {
            "decision-new": 403,
            "decision-tn": 404,
            "decision-bk": 404,
            "revoke-tn": 404,
            "revoke-bg": 403,
            "initiative-new": 403,
            "initiative-tn": 404,
            "ratings": 403,
        },
        200,
    ),
    "secretariat_bac_giang": expect(
        {
            "decision-new": 403,
            "decision-tn": 404,
            "decision-bk": 404,
            "revoke-tn": 404,
            "revoke-bg": 403,
            "initiative-new": 403,
            "initiative-tn": 404,
            "ratings": 403,
        },
        200,
    ),
    "outsider": expect({"revoke-tn": 404, "revoke-bg": 404}, 403),
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, world: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)

    statuses = {page: client.get(url(page, world)).status_code for page in PAGES}

    assert statuses == ACCESS[persona]


def test_it_sends_visitors_to_sign_in_from_every_page(world: dict[str, Any]) -> None:
    client = Client()
    before = state()

    for page in PAGES:
        assert_sent_to_login(client.get(url(page, world)))
        assert_sent_to_login(client.post(url(page, world), {"reason": "x", "number": "1"}))

    assert state() == before


def test_it_lists_only_what_the_user_may_see(as_user: Any, world: dict[str, Any]) -> None:
    officer, viewer = as_user("officer_thai_nguyen"), as_user("viewer_bac_giang")
    name = "register:decision-list"

    assert [d.number for d in officer.get(reverse(name)).context["page"]] == [
        "15/QĐ-UBND",
        "3/QĐ-UBND",
    ]
    assert [d.number for d in viewer.get(reverse(name)).context["page"]] == ["22/QĐ-UBND"]
    assert [r.pk for r in viewer.get(reverse("register:record-list")).context["page"]] == [
        world["record_bg"].pk
    ]
    assert [i.code for i in viewer.get(reverse("register:initiative-list")).context["page"]] == [
        "SK-BG-1"
    ]


def test_the_decision_list_searches_numbers_and_years(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    def numbers(**params: Any) -> list[str]:
        response = client.get(reverse("register:decision-list"), params)
        assert response.status_code == 200
        return [d.number for d in response.context["page"]]

    assert numbers(q="15/") == ["15/QĐ-UBND"]
    assert numbers(year=2024) == ["3/QĐ-UBND"]
    assert numbers(year="x") == ["15/QĐ-UBND", "3/QĐ-UBND"]
    assert numbers(q="22/") == []  # Bắc Giang's


def test_the_initiative_list_searches_codes_authors_scope_and_use(
    as_user: Any, world: dict[str, Any]
) -> None:
    InitiativeUse.objects.create(initiative=world["initiative_bg"], code="CSTD_CS", year=2025)
    client = as_user("admin_user")

    def codes(**params: Any) -> list[str]:
        response = client.get(reverse("register:initiative-list"), params)
        assert response.status_code == 200
        return [i.code for i in response.context["page"]]

    assert codes() == ["SK-BG-1", "SK-TN-1"]
    assert codes(q="sk-tn") == ["SK-TN-1"]
    assert codes(q="tran van hung") == ["SK-BG-1"]
    assert codes(scope="BO_TINH") == ["SK-TN-1"]
    assert codes(scope="KHAC") == ["SK-BG-1", "SK-TN-1"]
    assert codes(used="yes") == ["SK-BG-1"]
    assert codes(used="no") == ["SK-TN-1"]


# --- recording a decision ----------------------------------------------------------------------


def decision_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": "16/QĐ-UBND",
        "date": "10/01/2025",
        "issuer_code": "19",
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Phó Chủ tịch",
        "category": "cong_trang",
        "movement": "",
        "summary": "Tặng danh hiệu năm 2024",
    }
    return data | changes


def test_an_officer_records_a_decision_with_its_scan(
    as_user: Any, world: dict[str, Any], media_root: Path
) -> None:
    scan = SimpleUploadedFile("qd-16.pdf", PDF, content_type="application/pdf")

    response = as_user("officer_thai_nguyen").post(
        reverse("register:decision-create"), decision_form(issuer_code=" 19 ", file=scan)
    )

    decision = Decision.objects.get(number="16/QĐ-UBND")
    assert response.status_code == 302
    assert response["Location"] == reverse("register:decision-detail", args=[decision.pk])
    assert (decision.issuer, decision.date, decision.signer) == (
        world["thai_nguyen"],
        dt.date(2025, 1, 10),
        "Nguyễn Văn Hùng",
    )
    assert (media_root / decision.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "01/01/2099"}, "date"),
        ({"date": "31/02/2025"}, "date"),
        ({"number": ""}, "number"),
        ({"number": "15/QĐ-UBND"}, "number"),  # Thái Nguyên already has it
        ({"issuer_code": "24"}, "issuer_code"),  # out of the officer's reach
        ({"issuer_code": "KHONG-CO"}, "issuer_code"),
        ({"category": "khac"}, "category"),
        ({"file": "exe"}, "file"),  # an executable renamed .pdf
    ],
)
def test_a_bad_decision_is_explained_and_not_recorded(
    as_user: Any, world: dict[str, Any], media_root: Path, changes: dict[str, Any], field: str
) -> None:
    if changes.get("file") == "exe":
        changes = {"file": SimpleUploadedFile("qd.pdf", EXE, content_type="application/pdf")}
    client = as_user("officer_thai_nguyen")

    response = unchanged(
        lambda: client.post(reverse("register:decision-create"), decision_form(**changes))
    )

    assert form_errors(response, field)
    assert list(media_root.rglob("*.*")) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("viewer_bac_giang", 403),
        ("secretariat_bac_giang", 403),
        ("member_bac_kan", 403),
        ("council_member", 403),
        ("outsider", 403),
        (None, 302),
    ],
)
def test_only_officers_record_decisions(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(
        lambda: client.post(reverse("register:decision-create"), decision_form(issuer_code="24"))
    )

    assert response.status_code == status


# --- adding recipients -------------------------------------------------------------------------


@pytest.fixture
def namesakes(world: dict[str, Any]) -> dict[str, Person]:
    """Two people called Nguyễn Văn An in Thái Nguyên: one in 19.SNV, one in the room under it."""
    return {
        "snv": person_create(
            actor=None,
            full_name="Nguyễn Văn An",
            gender="M",
            birth_year=1975,
            unit=world["snv_thai_nguyen"],
            category=Category.LEADER,
        ),
        "room": person_create(
            actor=None,
            full_name="Nguyễn Văn An",
            gender="M",
            birth_year=1980,
            unit=world["room"],
        ),
    }


def recipient_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "CSTD_CS",
        "year": "2024",
        "person_name": "nguyen thi lan",
        "birth_year": "",
        "unit_code": "19",
        "amount": "",
    }
    return data | changes


def add(client: Client, decision: Decision, **changes: Any) -> Any:
    return client.post(
        reverse("register:decision-detail", args=[decision.pk]), recipient_form(**changes)
    )


def test_an_officer_adds_a_recipient_by_name_and_unit(as_user: Any, world: dict[str, Any]) -> None:
    response = add(as_user("officer_thai_nguyen"), world["decision_tn"])

    assert response.status_code == 302
    record = Record.objects.get(decision=world["decision_tn"], code="CSTD_CS")
    assert (record.person, record.year, record.amount) == (world["lan"], 2024, 2_340_000)


def test_an_officer_adds_a_collective(as_user: Any, world: dict[str, Any]) -> None:
    response = add(
        as_user("officer_thai_nguyen"),
        world["decision_tn"],
        code="TTLDTT",
        person_name="",
        unit_code="19.snv",
        collective="on",
        amount="2000000",
    )

    assert response.status_code == 302
    record = Record.objects.get(decision=world["decision_tn"], code="TTLDTT")
    assert (record.org, record.person, record.amount) == (world["snv_thai_nguyen"], None, 2_000_000)


def test_namesakes_are_listed_for_the_officer_to_choose(
    as_user: Any, world: dict[str, Any], namesakes: dict[str, Person]
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: add(client, world["decision_tn"], person_name="Nguyễn Văn An"))

    [error] = form_errors(response, "person_name")
    assert "Sở Nội vụ tỉnh Thái Nguyên" in error
    assert "Phòng Tổ chức" in error
    assert "1975" in error
    assert "1980" in error


@pytest.mark.parametrize(
    ("changes", "chosen"), [({"birth_year": "1980"}, "room"), ({"unit_code": "19.SNV.P1"}, "room")]
)
def test_a_birth_year_or_a_lower_unit_tells_namesakes_apart(
    as_user: Any,
    world: dict[str, Any],
    namesakes: dict[str, Person],
    changes: dict[str, str],
    chosen: str,
) -> None:
    response = add(
        as_user("officer_thai_nguyen"), world["decision_tn"], person_name="Nguyễn Văn An", **changes
    )

    assert response.status_code == 302
    assert (
        Record.objects.get(decision=world["decision_tn"], code="CSTD_CS").person
        == namesakes[chosen]
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person_name": "Không Có Ai"}, "person_name"),
        ({"person_name": ""}, "person_name"),  # neither a name nor the collective box
        ({"unit_code": "24.SNV"}, "unit_code"),  # out of reach
        ({"year": "2026"}, "year"),  # after the decision (10/1/2025)
        ({"year": "abc"}, "year"),
        ({"code": "KHONG_CO"}, "code"),
        ({"code": "LDTT", "year": "2024"}, None),  # already listed (non-field error)
        ({"code": "LDTT", "collective": "on", "unit_code": "19.SNV"}, "person_name"),
        ({"amount": "-5"}, "amount"),
    ],
)
def test_a_bad_recipient_is_explained_and_not_added(
    as_user: Any, world: dict[str, Any], changes: dict[str, Any], field: str | None
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: add(client, world["decision_tn"], **changes))

    if field is None:
        assert response.context["form"].non_field_errors()
    else:
        assert form_errors(response, field)


@pytest.mark.parametrize(
    ("persona", "decision", "status"),
    [
        ("viewer_bac_giang", "decision_bg", 403),
        ("viewer_bac_giang", "decision_tn", 404),
        ("member_bac_kan", "decision_bk", 403),
        ("member_bac_kan", "decision_tn", 404),
        ("officer_thai_nguyen", "decision_bg", 404),
        ("outsider", "decision_tn", 403),
        (None, "decision_tn", 302),
    ],
)
def test_nobody_else_adds_recipients(
    as_user: Any, world: dict[str, Any], persona: str | None, decision: str, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(
        lambda: add(client, world[decision], unit_code=world[decision].issuer.code)
    )

    assert response.status_code == status


# --- revoking ----------------------------------------------------------------------------------


def revoke_form(**changes: Any) -> dict[str, str]:
    data = {
        "reason": "Hồ sơ kê khai không trung thực",
        "decision_number": "45/QĐ-UBND",
        "decision_date": "02/03/2025",
    }
    return data | changes


def test_an_officer_revokes_a_record(as_user: Any, world: dict[str, Any]) -> None:
    record = world["record_tn"]

    response = as_user("officer_thai_nguyen").post(
        reverse("register:record-revoke", args=[record.pk]), revoke_form()
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("register:decision-detail", args=[record.decision_id])
    record.refresh_from_db()
    assert record.revoked
    assert record.revocation.decision_date == dt.date(2025, 3, 2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"decision_number": ""}, "decision_number"),
        ({"decision_date": "09/01/2025"}, "decision_date"),  # before the decision
        ({"decision_date": "01/01/2099"}, "decision_date"),
        ({"decision_date": "hôm qua"}, "decision_date"),
    ],
)
def test_a_revocation_without_its_grounds_is_explained(
    as_user: Any, world: dict[str, Any], changes: dict[str, str], field: str
) -> None:
    client = as_user("officer_thai_nguyen")
    path = reverse("register:record-revoke", args=[world["record_tn"].pk])

    response = unchanged(lambda: client.post(path, revoke_form(**changes)))

    assert form_errors(response, field)


def test_a_second_revocation_is_explained(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    path = reverse("register:record-revoke", args=[world["record_tn"].pk])
    client.post(path, revoke_form())

    response = unchanged(lambda: client.post(path, revoke_form(decision_number="46/QĐ-UBND")))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


@pytest.mark.parametrize(
    ("persona", "record", "status"),
    [
        ("viewer_bac_giang", "record_bg", 403),
        ("secretariat_bac_giang", "record_bg", 403),
        ("member_bac_kan", "record_bk", 403),
        ("officer_thai_nguyen", "record_bg", 404),
        ("outsider", "record_tn", 404),
        (None, "record_tn", 302),
    ],
)
def test_nobody_else_revokes(
    as_user: Any, world: dict[str, Any], persona: str | None, record: str, status: int
) -> None:
    client = as_user(persona)
    path = reverse("register:record-revoke", args=[world[record].pk])

    response = unchanged(lambda: client.post(path, revoke_form()))

    assert response.status_code == status


# --- the ratings grid --------------------------------------------------------------------------


def grid_url(unit: str, year: int) -> str:
    return f"{reverse('register:ratings')}?unit_code={unit}&year={year}"


def test_an_officer_rates_a_unit(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    lan = world["lan"]
    other = person_create(
        actor=None, full_name="Lê Văn Bình", gender="M", unit=world["snv_thai_nguyen"]
    )

    shown = client.get(grid_url("19.snv", 2025))
    response = client.post(
        grid_url("19.snv", 2025),
        {
            f"rating-{lan.pk}": "HTXSNV",
            f"discipline-{lan.pk}": "",
            f"rating-{other.pk}": "HTNV",
            f"discipline-{other.pk}": "KHIEN_TRACH",
        },
    )

    assert [p.full_name for p, _r in shown.context["rows"]] == ["Lê Văn Bình", "Nguyễn Thị Lan"]
    assert response.status_code == 302
    assert response["Location"] == grid_url("19.snv", 2025)
    assert sorted(
        Rating.objects.filter(org=world["snv_thai_nguyen"], year=2025).values_list(
            "person__full_name", "rating", "discipline"
        )
    ) == [("Lê Văn Bình", "HTNV", "KHIEN_TRACH"), ("Nguyễn Thị Lan", "HTXSNV", "")]


def test_a_unit_is_rated_when_a_newcomer_was_rated_at_their_former_unit(
    as_user: Any, world: dict[str, Any]
) -> None:
    from people.services import person_transfer

    son, lan = world["son"], world["lan"]
    Rating.objects.create(person=son, org=world["snv_bac_kan"], year=2025, rating="HTTNV")
    person_transfer(
        actor=None, person=son, to_unit=world["snv_thai_nguyen"], start_date=dt.date(2025, 7, 1)
    )
    client = as_user("officer_thai_nguyen")

    response = client.post(
        grid_url("19.SNV", 2025), {f"rating-{lan.pk}": "HTXSNV", f"rating-{son.pk}": ""}
    )

    assert response.status_code == 302
    assert Rating.objects.get(person=lan, year=2025).rating == "HTXSNV"
    assert Rating.objects.get(person=son, year=2025).org == world["snv_bac_kan"]


def test_a_focal_point_rates_their_unit(as_user: Any, world: dict[str, Any]) -> None:
    son = world["son"]

    response = as_user("member_bac_kan").post(
        grid_url("06.SNV", 2024), {f"rating-{son.pk}": "HTTNV"}
    )

    assert response.status_code == 302
    assert Rating.objects.get(person=son).rating == "HTTNV"


def test_an_unknown_rating_is_explained_and_nothing_saved(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    lan = world["lan"]

    response = unchanged(
        lambda: client.post(grid_url("19.SNV", 2025), {f"rating-{lan.pk}": "GIOI"})
    )

    assert response.status_code == 200
    assert page_messages(response)


@pytest.mark.parametrize(
    ("query", "field"),
    [("24.SNV", "unit_code"), ("KHONG-CO", "unit_code")],
)
def test_a_unit_out_of_reach_is_explained(
    as_user: Any, world: dict[str, Any], query: str, field: str
) -> None:
    client = as_user("officer_thai_nguyen")
    hung = world["hung"]

    response = unchanged(lambda: client.post(grid_url(query, 2025), {f"rating-{hung.pk}": "HTTNV"}))

    assert form_errors(response, field)


def test_a_future_year_is_explained(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    lan = world["lan"]

    response = unchanged(
        lambda: client.post(grid_url("19.SNV", THIS_YEAR + 1), {f"rating-{lan.pk}": "HTTNV"})
    )

    assert form_errors(response, "year")


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("member_bac_kan", "19.SNV", 200),  # "no unit you may rate has this code"
        ("viewer_bac_giang", "24.SNV", 403),
        ("secretariat_bac_giang", "24.SNV", 403),
        ("outsider", "19.SNV", 403),
        (None, "19.SNV", 302),
    ],
)
def test_nobody_else_rates(
    as_user: Any, world: dict[str, Any], persona: str | None, unit: str, status: int
) -> None:
    client = as_user(persona)
    people = {"19.SNV": world["lan"], "24.SNV": world["hung"]}

    response = unchanged(
        lambda: client.post(grid_url(unit, 2025), {f"rating-{people[unit].pk}": "HTXSNV"})
    )

    assert response.status_code == status


# --- initiatives -------------------------------------------------------------------------------


def initiative_form(**changes: Any) -> dict[str, str]:
    data = {
        "code": "SK-2025-07",
        "title": "Phần mềm chấm điểm thi đua",
        "kind": "sang_kien",
        "scope": "CO_SO",
        "recognised_by_code": "19",
        "recognised_on": "01/06/2025",
        "authors": "Nguyễn Thị Lan\r\n  hoang van son \r\n",
    }
    return data | changes


def test_an_officer_records_an_initiative_with_its_authors(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").post(
        reverse("register:initiative-create"),
        initiative_form(recognised_by_code="19", authors="Nguyễn Thị Lan\r\nnguyen thi lan"),
    )

    ini = Initiative.objects.get(code="SK-2025-07")
    assert response.status_code == 302
    assert response["Location"] == reverse("register:initiative-detail", args=[ini.pk])
    assert list(ini.authors.all()) == [world["lan"]]
    assert (ini.year, ini.scope, ini.recognised_by) == (2025, "CO_SO", world["thai_nguyen"])


def test_authors_are_found_in_the_units_under_the_recognising_body(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").post(
        reverse("register:initiative-create"),
        initiative_form(recognised_by_code="06", authors="Hoàng Văn Sơn"),
    )

    assert response.status_code == 302
    assert list(Initiative.objects.get(code="SK-2025-07").authors.all()) == [world["son"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"authors": "Không Có Ai"}, "authors"),
        ({"authors": "Nguyễn Văn An"}, "authors"),  # two namesakes
        ({"authors": "Trần Văn Hùng"}, "authors"),  # in Bắc Giang
        ({"authors": " "}, "authors"),
        ({"recognised_by_code": "24"}, "recognised_by_code"),
        ({"code": "SK-TN-1"}, "code"),  # exists
        ({"scope": "TINH"}, "scope"),
        ({"recognised_on": "01/01/2099"}, "recognised_on"),
    ],
)
def test_a_bad_initiative_is_explained_and_not_recorded(
    as_user: Any,
    world: dict[str, Any],
    namesakes: dict[str, Person],
    changes: dict[str, str],
    field: str,
) -> None:
    client = as_user("officer_thai_nguyen")
    data = initiative_form(authors="Nguyễn Thị Lan") | changes

    response = unchanged(lambda: client.post(reverse("register:initiative-create"), data))

    assert form_errors(response, field)
    if changes.get("authors") == "Nguyễn Văn An":
        [error] = form_errors(response, "authors")
        assert "Phòng Tổ chức" in error
        assert "Sở Nội vụ tỉnh Thái Nguyên" in error


@pytest.mark.parametrize(
    ("persona", "status"),
    [("viewer_bac_giang", 403), ("member_bac_kan", 403), ("outsider", 403), (None, 302)],
)
def test_nobody_else_records_initiatives(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    client = as_user(persona)
    data = initiative_form(recognised_by_code="24", authors="Trần Văn Hùng")

    response = unchanged(lambda: client.post(reverse("register:initiative-create"), data))

    assert response.status_code == status


def test_an_officer_records_the_use_of_an_initiative_once(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    ini = world["initiative_tn"]
    path = reverse("register:initiative-detail", args=[ini.pk])

    first = client.post(path, {"code": "CSTD_CS", "year": "2025", "note": ""})
    again = unchanged(lambda: client.post(path, {"code": "BK_BO", "year": "2025", "note": ""}))

    assert first.status_code == 302
    assert InitiativeUse.objects.get(initiative=ini).code == "CSTD_CS"
    [error] = form_errors(again, "code")
    assert "SK-TN-1" in error
    assert "Chiến sĩ thi đua cơ sở" in error
    assert not again.context["can_manage"]


@pytest.mark.parametrize(
    ("changes", "field"), [({"code": "KHONG"}, "code"), ({"year": "1800"}, "year")]
)
def test_a_bad_use_is_explained(
    as_user: Any, world: dict[str, Any], changes: dict[str, str], field: str
) -> None:
    client = as_user("officer_thai_nguyen")
    path = reverse("register:initiative-detail", args=[world["initiative_tn"].pk])

    response = unchanged(lambda: client.post(path, {"code": "CSTD_CS", "year": "2025"} | changes))

    assert form_errors(response, field)


@pytest.mark.parametrize(
    ("persona", "initiative", "status"),
    [
        ("viewer_bac_giang", "initiative_bg", 403),
        ("viewer_bac_giang", "initiative_tn", 404),
        ("officer_thai_nguyen", "initiative_bg", 404),
        ("outsider", "initiative_tn", 403),
        (None, "initiative_tn", 302),
    ],
)
def test_nobody_else_records_a_use(
    as_user: Any, world: dict[str, Any], persona: str | None, initiative: str, status: int
) -> None:
    client = as_user(persona)
    path = reverse("register:initiative-detail", args=[world[initiative].pk])

    response = unchanged(lambda: client.post(path, {"code": "CSTD_CS", "year": "2025"}))

    assert response.status_code == status


# --- parameters --------------------------------------------------------------------------------


def parameter_form(**changes: Any) -> dict[str, str]:
    data = {
        "org_code": "19",
        "key": "TTLDTT_LDTT_SHARE",
        "value": "0.6",
        "valid_from": "01/01/2025",
        "note": "Quyết định 12/2024",
    }
    return data | changes


def test_an_officer_sets_a_parameter_of_the_province(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    response = client.post(reverse("register:catalogue"), parameter_form())
    page = client.get(reverse("register:catalogue"))

    assert response.status_code == 302
    assert list(Parameter.objects.values_list("org__code", "key", "value", "valid_from")) == [
        ("19", "TTLDTT_LDTT_SHARE", Decimal("0.6"), dt.date(2025, 1, 1))
    ]
    assert [p.org.code for p in page.context["parameters"]] == ["19"]
    assert (
        as_user("viewer_bac_giang").get(reverse("register:catalogue")).context["parameters"].count()
        == 0
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "1.5"}, "value"),
        ({"value": "-0.1"}, "value"),
        ({"value": "nửa"}, "value"),
        ({"org_code": "19.SNV"}, "org_code"),  # a department does not set parameters
        ({"org_code": "24"}, "org_code"),  # out of reach
        ({"key": "LUONG"}, "key"),
        ({"valid_from": ""}, "valid_from"),
    ],
)
def test_a_bad_parameter_is_explained_and_not_saved(
    as_user: Any, world: dict[str, Any], changes: dict[str, str], field: str
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(
        lambda: client.post(reverse("register:catalogue"), parameter_form(**changes))
    )

    assert form_errors(response, field)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("viewer_bac_giang", 403),
        ("member_bac_kan", 403),
        ("secretariat_bac_giang", 403),
        ("outsider", 403),
        (None, 302),
    ],
)
def test_nobody_else_sets_parameters(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(
        lambda: client.post(reverse("register:catalogue"), parameter_form(org_code="24"))
    )

    assert response.status_code == status


def test_the_catalogue_shows_todays_rewards(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("viewer_bac_giang").get(reverse("register:catalogue"))

    amounts = {row["award"].code: row["amount"] for row in response.context["awards"]}
    assert amounts["LDTT"] == catalogue.reward_amount("LDTT", timezone.localdate())
    assert amounts["LDTT"] >= 702_000
    assert amounts["HCLD3"] is None
    assert {r.code for r in response.context["rule_sets"]} >= {"LUAT_2003", "LUAT_2022"}


# --- the record list ---------------------------------------------------------------------------


def test_the_record_list_filters_and_explains_an_unknown_unit(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")

    by_name = client.get(reverse("register:record-list"), {"q": "nguyen thi lan"})
    by_unit = client.get(reverse("register:record-list"), {"unit_code": "06.snv"})
    unknown = client.get(reverse("register:record-list"), {"unit_code": "24.SNV"})

    assert [r.pk for r in by_name.context["page"]] == [world["record_tn"].pk]
    assert [r.pk for r in by_unit.context["page"]] == [world["record_bk"].pk]
    assert form_errors(unknown, "unit_code")
    assert list(unknown.context["page"]) == []


def test_the_record_list_answers_htmx_with_the_results_only(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("register:record-list"), {"q": "lan"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in body
    assert "<html" not in body


def test_the_record_list_exports_exactly_the_filtered_rows(
    as_user: Any, world: dict[str, Any]
) -> None:
    services.record_revoke(
        actor=keeper(),
        record=world["record_bk"],
        reason="Thu hồi",
        decision_number="2/QĐ",
        decision_date=dt.date(2025, 2, 1),
    )
    client = as_user("officer_thai_nguyen")

    everything = read_xlsx(client.get(reverse("register:record-list"), {"format": "xlsx"}))
    revoked = read_xlsx(
        client.get(reverse("register:record-list"), {"revoked": "yes", "format": "xlsx"})
    )

    header = everything[0]
    assert len(header) == 15
    rows = {row[3]: row for row in everything[1:]}
    assert set(rows) == {"Nguyễn Thị Lan", "Hoàng Văn Sơn"}
    lan = rows["Nguyễn Thị Lan"]
    assert lan[:5] == (2024, "LDTT", "Lao động tiên tiến", "Nguyễn Thị Lan", 1985)
    assert lan[6] == "Tày"
    assert lan[8] == "Sở Nội vụ tỉnh Thái Nguyên"
    assert lan[9:12] == ("15/QĐ-UBND", dt.datetime(2025, 1, 10), "Tỉnh Thái Nguyên")
    assert lan[13] == 702_000
    assert lan[14] in (None, "")
    assert rows["Hoàng Văn Sơn"][14]  # revoked
    assert [row[3] for row in revoked[1:]] == ["Hoàng Văn Sơn"]
    cells = " ".join(str(v) for row in everything for v in row)
    assert "019185000123" not in cells  # no ID numbers in an export


def test_the_record_list_page_takes_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("register:record-list")).status_code == 200
        return len(ctx.captured_queries)

    count()
    few = count()
    decision = world["decision_tn"]
    for n in range(10):
        p = person_create(
            actor=None, full_name=f"Người Số {n}", gender="F", unit=world["snv_thai_nguyen"]
        )
        services.record_add(actor=keeper(), decision=decision, code="LDTT", year=2024, person=p)

    assert count() == few


# --- who is eligible ---------------------------------------------------------------------------


@pytest.fixture
def eligible(world: dict[str, Any]) -> dict[str, Person]:
    """Rated HTXSNV in 2025, so Chiến sĩ thi đua cơ sở 2025 (Law 06/2022 Art. 23): two people in
    19.SNV, one in the room under it, one in Bắc Giang; one more in 19.SNV only rated HTNV."""
    people = {
        "lan": world["lan"],
        "an": person_create(
            actor=None,
            full_name="Nguyễn Văn An",
            gender="M",
            birth_year=1975,
            unit=world["snv_thai_nguyen"],
        ),
        "binh": person_create(actor=None, full_name="Lò Thị Bình", gender="F", unit=world["room"]),
        "hung": world["hung"],
        "cuong": person_create(
            actor=None, full_name="Đỗ Văn Cường", gender="M", unit=world["snv_thai_nguyen"]
        ),
    }
    for key, p in people.items():
        Rating.objects.create(
            person=p, org=p.unit, year=2025, rating="HTNV" if key == "cuong" else "HTXSNV"
        )
    return people


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.context["form"].errors
    return [p.full_name for p in response.context["page"]]


def eligible_page(client: Client, **params: Any) -> Any:
    query: dict[str, Any] = {"target": "CSTD_CS", "year": 2025} | params
    return client.get(reverse("register:eligible-list"), query)


@pytest.mark.parametrize("swept", [False, True])
def test_it_lists_who_is_eligible_with_or_without_a_sweep(
    as_user: Any, world: dict[str, Any], eligible: dict[str, Person], swept: bool
) -> None:
    if swept:
        sweep.run(2025)
    client = as_user("officer_thai_nguyen")

    everywhere = eligible_page(client)
    province = eligible_page(client, unit_code="19")
    room = eligible_page(client, unit_code="19.snv.p1")

    # by unit name, then name: the room ("Phòng Tổ chức") before "Sở Nội vụ tỉnh Thái Nguyên"
    assert names(everywhere) == ["Lò Thị Bình", "Nguyễn Thị Lan", "Nguyễn Văn An"]
    assert names(province) == names(everywhere)
    assert names(room) == ["Lò Thị Bình"]
    assert ("LUAT_2022" in str(everywhere.context["source"])) == swept
    assert names(eligible_page(as_user("viewer_bac_giang"))) == ["Trần Văn Hùng"]


@pytest.mark.parametrize("swept", [False, True])
def test_the_sweep_and_the_spot_computation_agree_after_changes(
    as_user: Any, world: dict[str, Any], eligible: dict[str, Person], swept: bool
) -> None:
    Rating.objects.filter(person=eligible["cuong"]).update(rating="HTXSNV")
    if swept:
        sweep.run(2025)

    assert "Đỗ Văn Cường" in names(
        eligible_page(as_user("officer_thai_nguyen"), unit_code="19.SNV")
    )


def test_it_explains_a_unit_out_of_reach_and_a_year_too_far(
    as_user: Any, world: dict[str, Any], eligible: dict[str, Person]
) -> None:
    client = as_user("officer_thai_nguyen")

    assert form_errors(eligible_page(client, unit_code="24"), "unit_code")
    assert form_errors(eligible_page(client, year=THIS_YEAR + 2), "year")
    assert form_errors(eligible_page(client, target="CO_BO"), "target")
    assert not eligible_page(client, unit_code="24").context["searched"]


@pytest.mark.parametrize("swept", [False, True])
def test_it_exports_who_is_eligible(
    as_user: Any, world: dict[str, Any], eligible: dict[str, Person], swept: bool
) -> None:
    if swept:
        sweep.run(2025)
    client = as_user("officer_thai_nguyen")

    rows = read_xlsx(eligible_page(client, unit_code="19", format="xlsx"))

    assert len(rows[0]) == 7
    assert [r[0] for r in rows[1:]] == ["Lò Thị Bình", "Nguyễn Thị Lan", "Nguyễn Văn An"]
    assert [r[4] for r in rows[1:]] == ["19.SNV.P1", "19.SNV", "19.SNV"]
    assert rows[1][6] == "CSTD_CS · Chiến sĩ thi đua cơ sở (2025)"


@pytest.mark.parametrize(
    "swept",
    [False, True],
)
def test_it_lists_eligible_collectives(as_user: Any, world: dict[str, Any], swept: bool) -> None:
    unit = world["snv_thai_nguyen"]
    UnitRating.objects.create(org=unit, year=2025, rating="HTTNV")
    Rating.objects.create(person=world["lan"], org=unit, year=2025, rating="HTTNV")
    decision = Decision.objects.create(
        number="T/QĐ", date=dt.date(2026, 1, 5), issuer=world["thai_nguyen"]
    )
    Record.objects.create(decision=decision, person=world["lan"], code="LDTT", year=2025)
    if swept:
        sweep.run(2025)
    client = as_user("officer_thai_nguyen")

    response = eligible_page(client, target="TTLDTT")
    rows = read_xlsx(eligible_page(client, target="TTLDTT", format="xlsx"))

    assert [o.code for o in response.context["page"]] == ["19.SNV"]
    assert [r[0] for r in rows[1:]] == ["19.SNV"]
    assert [
        o.code for o in eligible_page(as_user("viewer_bac_giang"), target="TTLDTT").context["page"]
    ] == []


def test_it_shows_the_provinces_quota_of_cstd_cs(
    as_user: Any, world: dict[str, Any], eligible: dict[str, Person]
) -> None:
    Parameter.objects.create(
        org=world["thai_nguyen"],
        key="CSTD_CS_MAX_SHARE",
        value=Decimal("0.15"),
        valid_from=dt.date(2024, 1, 1),
    )
    decision = Decision.objects.create(
        number="LDTT/2025", date=dt.date(2026, 1, 5), issuer=world["thai_nguyen"]
    )
    for n in range(20):
        p = person_create(actor=None, full_name=f"Lao Động {n}", gender="M", unit=world["room"])
        Record.objects.create(decision=decision, person=p, code="LDTT", year=2025)
    client = as_user("officer_thai_nguyen")

    quota = eligible_page(client, unit_code="19").context["quota"]

    assert quota == {"share": Decimal("15"), "ldtt": 20, "max": 3}
    assert eligible_page(client, unit_code="24").context.get("quota") is None
    assert eligible_page(client).context["quota"] is None  # no unit: no single tenant


def add_eligible(unit: Org, start: int, stop: int) -> None:
    for n in range(start, stop):
        p = person_create(
            actor=None,
            full_name=f"Người Đủ Điều Kiện {n:02}",
            gender="M",
            birth_year=1980,
            unit=unit,
        )
        Rating.objects.create(person=p, org=unit, year=2025, rating="HTXSNV")


def count_queries(client: Client, **params: Any) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = eligible_page(client, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["page"].paginator.count


@pytest.mark.parametrize("swept", [False, True])
def test_the_eligible_list_takes_a_fixed_number_of_queries(
    as_user: Any,
    world: dict[str, Any],
    swept: bool,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user("officer_thai_nguyen")
    unit = world["snv_thai_nguyen"]
    add_eligible(unit, 0, 5)
    if swept:
        sweep.run(2025)
    few, n_few = count_queries(client, unit_code="19")
    add_eligible(unit, 5, 30)
    if swept:
        sweep.run(2025)

    many, n_many = count_queries(client, unit_code="19")

    assert (n_few, n_many) == (5, 30)
    assert many == few
    # session, user, roles, lineage reach (2), the unit, the sweep, the rule sets (or the stored
    # masks), the count, the page, session save...
    with django_assert_max_num_queries(14):
        eligible_page(client, unit_code="19")
    with django_assert_max_num_queries(14):
        read_xlsx(eligible_page(client, unit_code="19", format="xlsx"))


# --- a person's page ---------------------------------------------------------------------------


def two_years_of_cstd_cs(person: Person, issuer: Org) -> None:
    """CSTĐ cơ sở last year and the year before: one more this year makes three in a row."""
    decision = Decision.objects.create(
        number=f"CS/{person.pk}", date=dt.date(THIS_YEAR - 1, 12, 31), issuer=issuer
    )
    for year in (THIS_YEAR - 2, THIS_YEAR - 1):
        Record.objects.create(decision=decision, person=person, code="CSTD_CS", year=year)


def test_a_persons_page_explains_what_is_missing(as_user: Any, world: dict[str, Any]) -> None:
    two_years_of_cstd_cs(world["lan"], world["thai_nguyen"])

    response = as_user("officer_thai_nguyen").get(
        reverse("people:person-detail", args=[world["lan"].pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["outlook_years"] == [THIS_YEAR, THIS_YEAR + 1]
    assert f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {THIS_YEAR})" in body
    [row] = [r for r in response.context["outlook"] if r["target"] == "CSTD_BO"]
    assert [r.eligible for r in row["results"]] == [False, False]
    assert (
        row["results"][0].missing[0] == f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {THIS_YEAR})"
    )
    assert 'id="elig-CSTD_BO"' in body
    assert {r["target"] for r in response.context["outlook"]} == {
        "LDTT",
        "CSTD_CS",
        "CSTD_BO",
        "CSTD_TQ",
        "BK_BO",
        "BK_TTG",
        "HCLD3",
    }
    assert [i.code for i in response.context["timeline"] if i.kind == "record"] == [
        "LDTT",
        "CSTD_CS",
        "CSTD_CS",
    ]


def test_a_viewer_sees_the_eligibility_but_no_personal_data(
    as_user: Any, world: dict[str, Any]
) -> None:
    two_years_of_cstd_cs(world["hung"], world["bac_giang"])

    response = as_user("viewer_bac_giang").get(
        reverse("people:person-detail", args=[world["hung"].pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="elig-CSTD_BO"' in body
    assert f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {THIS_YEAR})" in body
    assert "024079000456" not in body
    assert 'id="id-number"' not in body
    assert not response.context["can_manage_register"]


def test_a_persons_page_marks_a_revoked_record(as_user: Any, world: dict[str, Any]) -> None:
    services.record_revoke(
        actor=keeper(),
        record=world["record_tn"],
        reason="Kê khai sai",
        decision_number="9/QĐ-TH",
        decision_date=dt.date(2025, 5, 5),
    )

    response = as_user("officer_thai_nguyen").get(
        reverse("people:person-detail", args=[world["lan"].pk])
    )

    body = response.content.decode()
    assert 'class="revoked"' in body
    assert "Kê khai sai" in body


def test_a_persons_page_takes_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    lan = world["lan"]
    path = reverse("people:person-detail", args=[lan.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first page of the process reads the catalogue's names once
    few = count()
    decision = world["decision_tn"]
    for year in range(2015, 2024):
        Rating.objects.create(person=lan, org=lan.unit, year=year, rating="HTXSNV")
        Record.objects.create(decision=decision, person=lan, code="CSTD_CS", year=year)

    assert count() == few


def test_vietnamese_is_the_default_language(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("register:record-list"))

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
