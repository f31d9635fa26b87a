"""Shared fixtures: named personas, so a permission test reads like a sentence.

The shipped reference data (63 → 34 provinces) is loaded by migration 0002 of orgs, so every
database test starts with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import Role, User
from accounts.services import membership_grant, user_create
from orgs.models import Org
from orgs.services import lineage_record, org_create
from people.models import Category
from people.services import person_create

PASSWORD = "m4t-khau-thu-nghiem"  # noqa: S105 - test accounts only


def make_user(username: str, role: str | None = None, org: Org | None = None) -> User:
    user = user_create(actor=None, username=username, password=PASSWORD, full_name=username)
    if role is not None:
        membership_grant(actor=None, user=user, role=role, org=org)
    return user


@pytest.fixture
def province(db: Any):
    """Look up a shipped province by its pre-2025 code (e.g. "19" Thái Nguyên, "06" Bắc Kạn)."""

    def get(code: str) -> Org:
        return Org.objects.get(code=code)

    return get


@pytest.fixture
def thai_nguyen(province: Any) -> Org:
    return province("19")


@pytest.fixture
def bac_kan(province: Any) -> Org:
    return province("06")


@pytest.fixture
def bac_giang(province: Any) -> Org:
    return province("24")


@pytest.fixture
def snv_thai_nguyen(thai_nguyen: Org) -> Org:
    return org_create(
        actor=None,
        code="19.SNV",
        name="Sở Nội vụ tỉnh Thái Nguyên",
        kind="department",
        parent=thai_nguyen,
    )


@pytest.fixture
def snv_bac_kan(bac_kan: Org, snv_thai_nguyen: Org) -> Org:
    """Sở Nội vụ Bắc Kạn, merged into Sở Nội vụ Thái Nguyên on 1/7/2025."""
    org = org_create(
        actor=None, code="06.SNV", name="Sở Nội vụ tỉnh Bắc Kạn", kind="department", parent=bac_kan
    )
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=org,
        successor=snv_thai_nguyen,
        effective_date=dt.date(2025, 7, 1),
    )
    org.refresh_from_db()
    return org


@pytest.fixture
def snv_bac_giang(bac_giang: Org) -> Org:
    return org_create(
        actor=None,
        code="24.SNV",
        name="Sở Nội vụ tỉnh Bắc Giang",
        kind="department",
        parent=bac_giang,
    )


@pytest.fixture
def admin_user(db: Any) -> User:
    return make_user("quantri", Role.ADMIN, None)


@pytest.fixture
def officer_thai_nguyen(thai_nguyen: Org) -> User:
    """Commendation officer of Thái Nguyên province: reaches its units and, by lineage, Bắc Kạn's."""
    return make_user("canbo.thainguyen", Role.OFFICER, thai_nguyen)


@pytest.fixture
def secretariat_bac_giang(bac_giang: Org) -> User:
    return make_user("thuky.bacgiang", Role.SECRETARIAT, bac_giang)


@pytest.fixture
def member_bac_kan(snv_bac_kan: Org) -> User:
    """Focal point of Sở Nội vụ Bắc Kạn."""
    return make_user("daumoi.backan", Role.FOCAL_POINT, snv_bac_kan)


@pytest.fixture
def council_member(db: Any) -> User:
    return make_user("hoidong.tw", Role.COUNCIL_MEMBER, Org.objects.get(code="TW-HDTDKT"))


@pytest.fixture
def viewer_bac_giang(bac_giang: Org) -> User:
    return make_user("xem.bacgiang", Role.VIEWER, bac_giang)


@pytest.fixture
def outsider(db: Any) -> User:
    """Signed in, but holds no role anywhere."""
    return make_user("nguoingoai")


@pytest.fixture
def person_thai_nguyen(snv_thai_nguyen: Org):
    return person_create(
        actor=None,
        full_name="Nguyễn Thị Lan",
        gender="F",
        birth_year=1985,
        ethnicity="Tày",
        position="Chuyên viên",
        category=Category.WORKER,
        unit=snv_thai_nguyen,
        id_number="019185000123",
        start_date=dt.date(2010, 3, 1),
    )


@pytest.fixture
def person_bac_giang(snv_bac_giang: Org):
    return person_create(
        actor=None,
        full_name="Trần Văn Hùng",
        gender="M",
        birth_year=1979,
        position="Giám đốc",
        category=Category.LEADER,
        unit=snv_bac_giang,
        id_number="024079000456",
    )


@pytest.fixture
def as_user(request: pytest.FixtureRequest, db: Any) -> Any:
    """A client signed in as the named persona fixture (anonymous for None)."""
    from django.test import Client

    def make(persona: str | None) -> Client:
        client = Client()
        if persona is not None:
            client.force_login(request.getfixturevalue(persona))
        return client

    return make


@pytest.fixture
def units(
    thai_nguyen: Org,
    bac_kan: Org,
    bac_giang: Org,
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
    snv_bac_giang: Org,
) -> dict[str, Org]:
    """The provinces and departments of the permission tables, by name."""
    return {
        "thai_nguyen": thai_nguyen,
        "bac_kan": bac_kan,
        "bac_giang": bac_giang,
        "snv_thai_nguyen": snv_thai_nguyen,
        "snv_bac_kan": snv_bac_kan,
        "snv_bac_giang": snv_bac_giang,
    }
