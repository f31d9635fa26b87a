"""The world of the certificate tests: a decision of Thái Nguyên's People's Committee giving a
Bằng khen to three individuals (one of them in former Bắc Kạn, merged into Thái Nguyên) and a
collective with a long name, an emulation title to a fourth person, and one Bằng khen revoked
since."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import Role, User
from conftest import make_user
from orgs.models import Org
from orgs.services import org_create
from people.models import Category, Person
from people.services import person_create
from register import catalogue, services
from register.models import Award, Decision, Record

LONG_COLLECTIVE = "Phòng Tổ chức cán bộ và Đào tạo, Bồi dưỡng công chức, viên chức cấp tỉnh"


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    if not Award.objects.exists():
        catalogue.load()


def keeper() -> User:
    """A system administrator who records the fixtures' rows."""
    found = User.objects.filter(username="quantri.chungnhan").first()
    return found or make_user("quantri.chungnhan", Role.ADMIN, None)


def person(name: str, unit: Org, gender: str = "F", birth_year: int = 1985) -> Person:
    return person_create(
        actor=None,
        full_name=name,
        gender=gender,
        birth_year=birth_year,
        position="Chuyên viên",
        category=Category.WORKER,
        unit=unit,
        id_number=f"019{birth_year}{len(name):05d}",
        start_date=dt.date(2015, 1, 1),
    )


@dataclass
class World:
    decision: Decision
    lan: Record  # Nguyễn Thị Lan, Bằng khen
    hung: Record  # Đặng Quốc Hưng (Bắc Kạn), Bằng khen
    room: Record  # the collective with a long name, Bằng khen
    anh: Record  # Lương Thị Ngọc Ánh, Chiến sĩ thi đua cấp tỉnh (a title)
    thu: Record  # Phùng Thị Thu, Bằng khen, revoked


@pytest.fixture
def world(
    thai_nguyen: Org,
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
    person_thai_nguyen: Person,
) -> World:
    actor = keeper()
    room = org_create(
        actor=None,
        code="19.SNV.TCCB",
        name=LONG_COLLECTIVE,
        kind="other",
        parent=snv_thai_nguyen,
    )
    decision = services.decision_create(
        actor=actor,
        number="1520/QĐ-UBND",
        date=dt.date(2024, 12, 20),
        issuer=thai_nguyen,
        signer="Trịnh Việt Hùng",
        signer_title="Chủ tịch",
        summary="Tặng Bằng khen cho các tập thể, cá nhân năm 2024",
    )

    def add(code: str, **who: Any) -> Record:
        return services.record_add(actor=actor, decision=decision, code=code, year=2024, **who)

    hung = person("Đặng Quốc Hưng", snv_bac_kan, gender="M", birth_year=1979)
    anh = person("Lương Thị Ngọc Ánh", snv_thai_nguyen, birth_year=1990)
    thu = person("Phùng Thị Thu", snv_thai_nguyen, birth_year=1988)
    records = World(
        decision=decision,
        lan=add("BK_BO", person=person_thai_nguyen),
        hung=add("BK_BO", person=hung),
        room=add("BK_BO", org=room),
        anh=add("CSTD_BO", person=anh),
        thu=add("BK_BO", person=thu),
    )
    services.record_revoke(
        actor=actor,
        record=records.thu,
        reason="Khai man thành tích",
        decision_number="88/QĐ-UBND",
        decision_date=dt.date(2025, 3, 5),
    )
    records.thu.refresh_from_db()
    return records


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)
