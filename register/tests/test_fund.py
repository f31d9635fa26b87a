"""The reward fund: each decision's source fund (given, or following from its issuer), and the page
that totals the rewards paid by year, fund and issuer and by the recipient's unit, each decision with
its total, and the same tables in Excel. Figures are computed by hand from the catalogue's multiples
and the base salary on the decision's date (2,340,000 VND from 1/7/2024, 1,800,000 before).

The world: Thái Nguyên ("19"), its Sở Nội vụ (19.SNV) and a room under it (19.SNV.P1); Bắc Kạn's
Sở Nội vụ (06.SNV), merged into 19.SNV on 1/7/2025; Bắc Giang ("24") and its Sở Nội vụ; the Central
Council (TW-HDTDKT).
"""

from __future__ import annotations

import datetime as dt
import importlib
from io import BytesIO
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Role, User
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from orgs.services import org_create
from people.models import Person
from people.services import person_create, person_transfer
from register import catalogue, services
from register.models import Award, Decision, Fund, Record

FUND = reverse("register:fund")
LOGIN = reverse("accounts:login")
SNV_TN = "Sở Nội vụ tỉnh Thái Nguyên"


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue and base salaries (migration register/0002), again after a flushed database."""
    if not Award.objects.exists():
        catalogue.load()


def keeper() -> User:
    found = User.objects.filter(username="quantri.quythuong").first()
    return found or make_user("quantri.quythuong", Role.ADMIN, None)


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)


@pytest.fixture
def central() -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def world(
    units: dict[str, Org], central: Org, person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    """Rewards of 2025 (and one of 2023, one of 2024) for people and collectives of both provinces.

    19.SNV (a department: the unit's fund), 15/1/2025: LĐTT 2024 for Lan (0.3 × 2,340,000 =
    702,000) and for An (702,000, later revoked); TTLĐTT for the room (0.8 × = 1,872,000).
    Thái Nguyên (a province: its fund), 10/3/2025: CSTĐ bộ/tỉnh for Lan (3.0 × = 7,020,000);
    TTLĐXS for 19.SNV (1.5 × = 3,510,000). The Central Council (the central fund), 20/5/2025:
    the Government flag for Thái Nguyên (12.0 × = 28,080,000). Thái Nguyên, 20/12/2023: LĐTT 2023
    for Lan (0.3 × 1,800,000 = 540,000). Bắc Kạn, 20/12/2024: LĐTT 2024 for Sơn of 06.SNV
    (702,000). Bắc Giang, 12/1/2025: CSTĐ bộ/tỉnh for Hùng (7,020,000).
    """
    admin = keeper()
    room = org_create(
        actor=None,
        code="19.SNV.P1",
        name="Phòng Tổ chức",
        kind="department",
        parent=units["snv_thai_nguyen"],
    )
    an = person_create(
        actor=None, full_name="Nguyễn Văn An", gender="M", unit=units["snv_thai_nguyen"]
    )
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        unit=units["snv_bac_kan"],
        start_date=dt.date(2015, 1, 1),
    )
    lan = person_thai_nguyen

    def decision(number: str, day: dt.date, issuer: Org) -> Decision:
        return services.decision_create(actor=admin, number=number, date=day, issuer=issuer)

    d_snv = decision("5/QĐ-SNV", dt.date(2025, 1, 15), units["snv_thai_nguyen"])
    d_tn = decision("15/QĐ-UBND", dt.date(2025, 3, 10), units["thai_nguyen"])
    d_tw = decision("40/QĐ-HĐTĐKT", dt.date(2025, 5, 20), central)
    d_old = decision("99/QĐ-UBND", dt.date(2023, 12, 20), units["thai_nguyen"])
    d_bk = decision("3/QĐ-UBND", dt.date(2024, 12, 20), units["bac_kan"])
    d_bg = decision("22/QĐ-UBND", dt.date(2025, 1, 12), units["bac_giang"])

    def add(d: Decision, code: str, year: int, **who: Any) -> Record:
        return services.record_add(actor=admin, decision=d, code=code, year=year, **who)

    add(d_snv, "LDTT", 2024, person=lan)
    revoked = add(d_snv, "LDTT", 2024, person=an)
    add(d_snv, "TTLDTT", 2024, org=room)
    add(d_tn, "CSTD_BO", 2024, person=lan)
    add(d_tn, "TTLDXS", 2024, org=units["snv_thai_nguyen"])
    add(d_tw, "CO_CP", 2024, org=units["thai_nguyen"])
    add(d_old, "LDTT", 2023, person=lan)
    add(d_bk, "LDTT", 2024, person=son)
    add(d_bg, "CSTD_BO", 2024, person=person_bac_giang)
    services.record_revoke(
        actor=admin,
        record=revoked,
        reason="Kê khai không trung thực",
        decision_number="7/QĐ-SNV",
        decision_date=dt.date(2025, 6, 1),
    )
    # Lan moves to the room afterwards: her rewards stay with the unit she worked in then.
    person_transfer(actor=None, person=lan, to_unit=room, start_date=dt.date(2025, 9, 1))
    return {
        **units,
        "room": room,
        "central": central,
        "d_snv": d_snv,
        "d_tn": d_tn,
        "d_tw": d_tw,
        "d_old": d_old,
        "d_bk": d_bk,
        "d_bg": d_bg,
    }


def page(client: Client, **params: Any) -> Any:
    response = client.get(FUND, params)
    assert response.status_code == 200
    return response


def issuer_rows(response: Any) -> list[tuple[Any, ...]]:
    return [
        (r["decision_year"], r["fund"], r["issuer_name"], r["n"], r["amount"], r["n_revoked"])
        for r in response.context["by_issuer"]
    ]


def unit_rows(response: Any) -> list[tuple[Any, ...]]:
    return [
        (
            r["decision_year"],
            r["recipient_name"],
            r["n_people"],
            r["n_collectives"],
            r["amount"],
            r["n_revoked"],
        )
        for r in response.context["by_unit"]
    ]


def decision_rows(response: Any) -> list[tuple[Any, ...]]:
    return [
        (r["number"], r["fund"], r["n"], r["amount"], r["n_revoked"])
        for r in response.context["page"]
    ]


# --- the decision's fund -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "fund"),
    [("TW-HDTDKT", "TW"), ("TW-BNV", "BO_TINH"), ("19", "BO_TINH"), ("19.SNV", "CO_SO")],
)
def test_the_fund_follows_from_the_issuer_when_not_given(
    units: dict[str, Org], code: str, fund: str
) -> None:
    decision = services.decision_create(
        actor=keeper(), number="1/QĐ", date=dt.date(2025, 1, 10), issuer=Org.objects.get(code=code)
    )

    assert Decision.objects.get(pk=decision.pk).fund == fund
    event = AuditEvent.objects.get(action="register.decision.created", object_id=str(decision.pk))
    assert event.changes["fund"] == [None, fund]


def test_a_fund_given_is_kept(units: dict[str, Org]) -> None:
    decision = services.decision_create(
        actor=keeper(),
        number="1/QĐ",
        date=dt.date(2025, 1, 10),
        issuer=units["thai_nguyen"],
        fund=Fund.KHAC,
    )

    assert Decision.objects.get(pk=decision.pk).fund == "KHAC"


def test_an_unknown_fund_is_refused_and_nothing_recorded(units: dict[str, Org]) -> None:
    admin = keeper()
    events = AuditEvent.objects.count()

    with pytest.raises(DomainError) as caught:
        services.decision_create(
            actor=admin,
            number="1/QĐ",
            date=dt.date(2025, 1, 10),
            issuer=units["thai_nguyen"],
            fund="QUY_LA",
        )

    assert caught.value.field == "fund"
    with translation.override("vi"):
        assert caught.value.message == translation.gettext("Unknown source fund.")
    assert not Decision.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_migration_fills_the_fund_from_the_issuers_kind(
    units: dict[str, Org], central: Org
) -> None:
    issuers = {
        "central": central,
        "ministry": Org.objects.get(code="TW-BNV"),
        "province": units["bac_giang"],
        "department": units["snv_bac_giang"],
    }
    made = {
        kind: Decision.objects.create(number=f"{kind}/QĐ", date=dt.date(2020, 1, 1), issuer=org)
        for kind, org in issuers.items()
    }
    kept = Decision.objects.create(
        number="khac/QĐ", date=dt.date(2020, 1, 1), issuer=central, fund="KHAC"
    )
    migration = importlib.import_module("register.migrations.0004_decision_fund")

    migration.fill_fund(apps, None)

    assert {k: Decision.objects.get(pk=d.pk).fund for k, d in made.items()} == {
        "central": "TW",
        "ministry": "BO_TINH",
        "province": "BO_TINH",
        "department": "CO_SO",
    }
    assert Decision.objects.get(pk=kept.pk).fund == "KHAC"


def test_an_officer_records_a_decisions_fund_and_sees_it(
    as_user: Any, units: dict[str, Org]
) -> None:
    client = as_user("officer_thai_nguyen")

    response = client.post(
        reverse("register:decision-create"),
        {
            "number": "8/QĐ-UBND",
            "date": "10/01/2025",
            "issuer_code": "19",
            "category": "cong_trang",
            "fund": "KHAC",
        },
    )

    decision = Decision.objects.get(number="8/QĐ-UBND")
    assert response.status_code == 302
    assert decision.fund == "KHAC"
    detail = client.get(reverse("register:decision-detail", args=[decision.pk]))
    assert str(Fund.KHAC.label) in detail.content.decode()


def test_the_decision_form_derives_the_fund_when_left_empty(
    as_user: Any, units: dict[str, Org]
) -> None:
    as_user("officer_thai_nguyen").post(
        reverse("register:decision-create"),
        {
            "number": "9/QĐ-UBND",
            "date": "10/01/2025",
            "issuer_code": "19",
            "category": "cong_trang",
        },
    )

    assert Decision.objects.get(number="9/QĐ-UBND").fund == "BO_TINH"


# --- the totals --------------------------------------------------------------------------------


def test_it_totals_the_rewards_by_year_fund_and_issuer(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2025, year_to=2025)

    assert issuer_rows(response) == [
        (2025, "BO_TINH", "Tỉnh Thái Nguyên", 2, 7_020_000 + 3_510_000, 0),
        (2025, "CO_SO", SNV_TN, 2, 702_000 + 1_872_000, 1),
        (2025, "TW", "Hội đồng Thi đua – Khen thưởng Trung ương", 1, 28_080_000, 0),
    ]
    assert response.context["total"] == {"n": 5, "amount": 41_184_000, "n_revoked": 1}


def test_it_totals_by_the_recipients_unit_at_the_time(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2025, year_to=2025)

    # Lan works in the room now; her 2025 rewards stay with 19.SNV, where she was then.
    assert unit_rows(response) == [
        (2025, "Phòng Tổ chức", 0, 1, 1_872_000, 0),
        (2025, SNV_TN, 2, 1, 702_000 + 7_020_000 + 3_510_000, 1),
        (2025, "Tỉnh Thái Nguyên", 0, 1, 28_080_000, 0),
    ]


def test_it_lists_each_decision_with_its_total(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2023, year_to=2025)

    assert decision_rows(response) == [
        ("40/QĐ-HĐTĐKT", "TW", 1, 28_080_000, 0),
        ("15/QĐ-UBND", "BO_TINH", 2, 10_530_000, 0),
        ("5/QĐ-SNV", "CO_SO", 2, 2_574_000, 1),
        ("3/QĐ-UBND", "BO_TINH", 1, 702_000, 0),
        ("99/QĐ-UBND", "BO_TINH", 1, 540_000, 0),
    ]


def test_it_pays_at_the_base_salary_of_each_decisions_date(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2023, year_to=2024)

    assert issuer_rows(response) == [
        (2023, "BO_TINH", "Tỉnh Thái Nguyên", 1, 540_000, 0),
        (2024, "BO_TINH", "Tỉnh Bắc Kạn", 1, 702_000, 0),
    ]
    assert unit_rows(response) == [
        (2023, SNV_TN, 1, 0, 540_000, 0),
        (2024, "Sở Nội vụ tỉnh Bắc Kạn", 1, 0, 702_000, 0),
    ]


def test_it_filters_by_fund(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2025, year_to=2025, fund="CO_SO")

    assert issuer_rows(response) == [(2025, "CO_SO", SNV_TN, 2, 2_574_000, 1)]
    assert [r[0] for r in decision_rows(response)] == ["5/QĐ-SNV"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("19.SNV.P1", [(2025, "CO_SO", SNV_TN, 1, 1_872_000, 0)]),
        (
            "19.snv",
            [
                (2025, "BO_TINH", "Tỉnh Thái Nguyên", 2, 10_530_000, 0),
                (2025, "CO_SO", SNV_TN, 2, 2_574_000, 1),
            ],
        ),
    ],
)
def test_it_filters_by_the_recipients_unit_with_the_units_below(
    as_user: Any, world: dict[str, Any], code: str, expected: list[tuple[Any, ...]]
) -> None:
    response = page(as_user("officer_thai_nguyen"), unit_code=code, year_from=2025, year_to=2025)

    assert issuer_rows(response) == expected


def test_it_shows_only_what_the_user_may_see(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_bac_giang"), year_from=2023, year_to=2025)

    assert issuer_rows(response) == [(2025, "BO_TINH", "Tỉnh Bắc Giang", 1, 7_020_000, 0)]
    assert unit_rows(response) == [(2025, "Sở Nội vụ tỉnh Bắc Giang", 1, 0, 7_020_000, 0)]
    assert [r[0] for r in decision_rows(response)] == ["22/QĐ-UBND"]
    assert "Thái Nguyên" not in response.content.decode()


def test_a_unit_out_of_sight_is_explained(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_bac_giang"), unit_code="19")

    assert response.context["form"].errors["unit_code"]
    assert response.context["searched"] is False
    assert "Thái Nguyên" not in response.content.decode()


def test_years_in_the_wrong_order_are_explained(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"), year_from=2025, year_to=2024)

    assert response.context["form"].errors["year_to"]
    assert response.context["searched"] is False


def test_it_shows_this_years_decisions_at_first(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("officer_thai_nguyen"))

    assert response.context["filters"]["year_from"] == response.context["filters"]["year_to"]
    assert response.context["by_issuer"] == []  # nothing signed this year (2026) in the world


def test_the_page_shows_the_amounts_in_vietnamese_format(
    as_user: Any, world: dict[str, Any]
) -> None:
    html = page(as_user("officer_thai_nguyen"), year_from=2025, year_to=2025).content.decode()

    assert "41.184.000" in html
    assert "28.080.000" in html


# --- Excel -------------------------------------------------------------------------------------


def test_it_exports_the_same_tables_to_excel(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(
        FUND, {"year_from": 2025, "year_to": 2025, "format": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(BytesIO(response.content))
    issuer, unit, decisions, note = book.worksheets
    issuer_values = [tuple(r) for r in issuer.iter_rows(min_row=2, values_only=True)]
    assert issuer_values == [
        (
            2025,
            str(Fund.BO_TINH.label),
            "19",
            "Tỉnh Thái Nguyên",
            2,
            10_530_000,
            0,
        ),
        (2025, str(Fund.CO_SO.label), "19.SNV", SNV_TN, 2, 2_574_000, 1),
        (
            2025,
            str(Fund.TW.label),
            "TW-HDTDKT",
            "Hội đồng Thi đua – Khen thưởng Trung ương",
            1,
            28_080_000,
            0,
        ),
    ]
    assert [tuple(r) for r in unit.iter_rows(min_row=2, values_only=True)] == [
        (2025, "19.SNV.P1", "Phòng Tổ chức", 0, 1, 1_872_000, 0),
        (2025, "19.SNV", SNV_TN, 2, 1, 11_232_000, 1),
        (2025, "19", "Tỉnh Thái Nguyên", 0, 1, 28_080_000, 0),
    ]
    rows = [tuple(r) for r in decisions.iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("40/QĐ-HĐTĐKT", dt.datetime(2025, 5, 20), 1, 28_080_000, 0),
        ("15/QĐ-UBND", dt.datetime(2025, 3, 10), 2, 10_530_000, 0),
        ("5/QĐ-SNV", dt.datetime(2025, 1, 15), 2, 2_574_000, 1),
    ]
    assert decisions["B2"].number_format == "dd/mm/yyyy"
    assert any("2025" in str(c.value) for c in note["A"])


def test_the_export_keeps_to_the_users_reach(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_bac_giang").get(
        FUND, {"year_from": 2023, "year_to": 2025, "format": "xlsx"}
    )

    book = load_workbook(BytesIO(response.content), read_only=True)
    cells = " ".join(
        str(v) for ws in book.worksheets[:3] for row in ws.iter_rows(values_only=True) for v in row
    )
    assert "Bắc Giang" in cells
    assert "Thái Nguyên" not in cells


# --- who may open it ---------------------------------------------------------------------------


ACCESS = {
    "admin_user": 200,
    "officer_thai_nguyen": 200,
    "member_bac_kan": 200,
    "secretariat_bac_giang": 200,
    "council_member": 200,
    "viewer_bac_giang": 200,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_it_opens_the_page_to_every_role(
    as_user: Any, world: dict[str, Any], persona: str, status: int
) -> None:
    client = as_user(persona)

    assert client.get(FUND).status_code == status
    assert client.get(FUND, {"format": "xlsx"}).status_code == status


def test_it_sends_visitors_to_sign_in(world: dict[str, Any]) -> None:
    response = Client().get(FUND, {"format": "xlsx"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_a_council_member_sees_no_province_rewards(as_user: Any, world: dict[str, Any]) -> None:
    response = page(as_user("council_member"), year_from=2023, year_to=2025)

    assert response.context["by_issuer"] == []


# --- queries -----------------------------------------------------------------------------------


def record_queries(ctx: CaptureQueriesContext) -> int:
    return sum("register_record" in q["sql"] for q in ctx.captured_queries)


def test_each_table_is_one_query_whatever_the_data(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    params = {"year_from": 2023, "year_to": 2025, "unit_code": "19"}

    def count(**extra: Any) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(FUND, params | extra).status_code == 200
        return len(ctx.captured_queries), record_queries(ctx)

    count()
    few, on_records = count()
    admin = keeper()
    for n in range(8):
        unit = org_create(
            actor=None,
            code=f"19.X{n}",
            name=f"Xã Số {n}",
            kind="commune",
            parent=world["thai_nguyen"],
        )
        person = person_create(actor=None, full_name=f"Người Số {n}", gender="F", unit=unit)
        d = services.decision_create(
            actor=admin, number=f"{n}/QĐ-UBND", date=dt.date(2025, 2, 1), issuer=unit
        )
        services.record_add(actor=admin, decision=d, code="LDTT", year=2024, person=person)

    # the two tables, and the page of decisions with its count
    assert (few, on_records) == count()
    assert on_records == 4
    assert count(format="xlsx")[1] == 3


@pytest.mark.parametrize(
    "params",
    [{"year_from": "abc"}, {"fund": "QUY_LA"}, {"year_to": "99999"}, {"page": "%00"}],
)
def test_malformed_filters_are_explained_without_an_error(
    as_user: Any, world: dict[str, Any], params: dict[str, str]
) -> None:
    response = as_user("officer_thai_nguyen").get(FUND, params)

    assert response.status_code == 200
    if "page" not in params:
        assert response.context["form"].errors
        assert response.context["searched"] is False
