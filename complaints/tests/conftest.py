"""The complaints' world: UBND tỉnh Thái Nguyên ("19") issued decision 15/QĐ-UBND for Nguyễn Thị
Lan and receives dossier HS-2026-000001, now under public comment; UBND tỉnh Bắc Giang ("24")
issued decision 22/QĐ-UBND for Trần Văn Hùng and receives its own dossier. The province's officers
handle complaints about what it issued or receives (complaint.handle): `officer_thai_nguyen`,
`officer2_thai_nguyen`; `officer_bac_giang` handles Bắc Giang's. Everyone else of conftest.py's
personas handles nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Role, User
from complaints.tests.helpers import keeper, public_dossier
from conftest import make_user
from dossiers.models import DossierRecipient
from orgs.models import Org
from people.models import Person
from register import catalogue
from register import services as register_services
from register.models import Award


@pytest.fixture(autouse=True)
def reference_data(db: Any, settings: Any, tmp_path: Path) -> None:
    """The catalogue (register/0002), again if a transactional test flushed it."""
    if not Award.objects.exists():
        catalogue.load()
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)


@pytest.fixture
def officer2_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("canbo2.thainguyen", Role.OFFICER, thai_nguyen)


@pytest.fixture
def world(
    units: dict[str, Org], person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    admin = keeper()
    decision_tn = register_services.decision_create(
        actor=admin, number="15/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=units["thai_nguyen"]
    )
    decision_bg = register_services.decision_create(
        actor=admin, number="22/QĐ-UBND", date=dt.date(2025, 1, 12), issuer=units["bac_giang"]
    )
    record_tn = register_services.record_add(
        actor=admin, decision=decision_tn, code="LDTT", year=2024, person=person_thai_nguyen
    )
    record_tn_unit = register_services.record_add(
        actor=admin, decision=decision_tn, code="TTLDTT", year=2024, org=units["snv_thai_nguyen"]
    )
    record_bg = register_services.record_add(
        actor=admin, decision=decision_bg, code="LDTT", year=2024, person=person_bac_giang
    )
    dossier_tn = public_dossier("HS-2026-000001", units["snv_thai_nguyen"], units["thai_nguyen"])
    DossierRecipient.objects.create(dossier=dossier_tn, person=person_thai_nguyen, rank=1)
    dossier_bg = public_dossier("HS-2026-000002", units["snv_bac_giang"], units["bac_giang"])
    # A dossier decided by decision 15/QĐ-UBND: its recipient's record is record_tn.
    dossier_done = public_dossier(
        "HS-2025-000003",
        units["snv_thai_nguyen"],
        units["thai_nguyen"],
        status="decided",
        decision=decision_tn,
        comment_opens=dt.date(2024, 12, 1),
        comment_closes=dt.date(2024, 12, 14),
    )
    DossierRecipient.objects.create(
        dossier=dossier_done, person=person_thai_nguyen, rank=1, record=record_tn
    )
    return {
        **units,
        "admin": admin,
        "lan": person_thai_nguyen,
        "hung": person_bac_giang,
        "decision_tn": decision_tn,
        "decision_bg": decision_bg,
        "record_tn": record_tn,
        "record_tn_unit": record_tn_unit,
        "record_bg": record_bg,
        "dossier_tn": dossier_tn,
        "dossier_bg": dossier_bg,
        "dossier_done": dossier_done,
    }
