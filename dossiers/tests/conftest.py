"""The dossiers' world: Sở Nội vụ Thái Nguyên proposes, the province (UBND tỉnh Thái Nguyên)
appraises, its council reviews and its chairman decides; the Central Council is the level above.

Personas, by side:
- proposing unit: `focal_snv_thai_nguyen` (its focal point) and `officer_snv_thai_nguyen` (an
  officer of the department, who does not reach the province);
- receiving level: `officer_thai_nguyen` (the province's officer, who also reaches its units) and
  `council_thai_nguyen` (a member of the province's council);
- neither: `member_bac_kan` (the focal point of the former Sở Nội vụ Bắc Kạn), `council_member` (of
  the Central Council), `viewer_thai_nguyen` (sees both sides), `secretariat_bac_giang`,
  `outsider`; `admin_user` reaches everything.

The story runs in 2025 (the services take `today`): dossiers of the year 2024 are drafted and sent on
Monday 3/3/2025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Role, User
from conftest import make_user
from dossiers import services
from dossiers.models import Dossier, Holiday
from dossiers.tests.factories import T0, bring, draft
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create
from register import catalogue
from register.models import Award

# --- reference data and storage --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reference_data(db: Any, settings: Any, tmp_path: Path) -> None:
    """The catalogue and rule sets (register/0002), the calendar and time limits (dossiers/0002),
    loaded again if a transactional test flushed them; uploads go to a temporary directory."""
    if not Award.objects.exists():
        catalogue.load()
    if not Holiday.objects.exists():
        services.load_calendar()
    settings.MEDIA_ROOT = tmp_path


# --- places and personas ---------------------------------------------------------------------------


@pytest.fixture
def council_tw(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def focal_snv_thai_nguyen(snv_thai_nguyen: Org) -> User:
    return make_user("daumoi.snv.thainguyen", Role.FOCAL_POINT, snv_thai_nguyen)


@pytest.fixture
def officer_snv_thai_nguyen(snv_thai_nguyen: Org) -> User:
    return make_user("canbo.snv.thainguyen", Role.OFFICER, snv_thai_nguyen)


@pytest.fixture
def council_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("hoidong.thainguyen", Role.COUNCIL_MEMBER, thai_nguyen)


@pytest.fixture
def viewer_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("xem.thainguyen", Role.VIEWER, thai_nguyen)


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)


@pytest.fixture
def colleague_thai_nguyen(snv_thai_nguyen: Org) -> Person:
    """A second civil servant of Sở Nội vụ Thái Nguyên."""
    return person_create(
        actor=None,
        full_name="Lê Văn Minh",
        gender="M",
        birth_year=1988,
        category=Category.WORKER,
        unit=snv_thai_nguyen,
        start_date=dt.date(2012, 9, 1),
    )


@pytest.fixture
def flag_dossier(
    admin_user: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> Callable[..., Dossier]:
    """The province's flag (CO_BO, decided by the province) proposed for Sở Nội vụ Thái Nguyên,
    brought to a state; with code="CO_CP" the Government's flag, which the province forwards."""

    def make(status: str = "draft", code: str = "CO_BO", today: dt.date = T0) -> Dossier:
        dossier = draft(
            admin_user,
            proposer=snv_thai_nguyen,
            receiver=thai_nguyen,
            code=code,
            level="bo_tinh",
            orgs=[snv_thai_nguyen],
            today=today,
        )
        return bring(admin_user, dossier, status, today=today)

    return make


@pytest.fixture
def cstd_dossier(
    admin_user: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> Callable[..., Dossier]:
    """A draft proposing people of Sở Nội vụ Thái Nguyên for Chiến sĩ thi đua cơ sở 2024 (or
    another code, year or receiver), sent to the province at the grassroots level."""

    def make(
        people: list[Person],
        *,
        code: str = "CSTD_CS",
        initiatives: dict[int, list[Any]] | None = None,
        documents: bool = True,
        year: int = 2024,
        today: dt.date = T0,
        receiver: Org | None = None,
    ) -> Dossier:
        return draft(
            admin_user,
            proposer=snv_thai_nguyen,
            receiver=receiver or thai_nguyen,
            code=code,
            level="co_so",
            people=people,
            initiatives=initiatives,
            documents=documents,
            year=year,
            today=today,
        )

    return make
