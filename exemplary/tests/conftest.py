"""The world of the exemplary model tests.

Thái Nguyên ("19") with its Sở Nội vụ (19.SNV); Bắc Kạn's Sở Nội vụ (06.SNV), merged into 19.SNV on
1/7/2025; Bắc Giang ("24") and its Sở Nội vụ. Three exemplary models: Lan of 19.SNV, kept by 19.SNV
(an individual); "Dân vận khéo", a model kept by 06.SNV; 24.SNV kept by Bắc Giang (a collective).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from accounts.models import Role, User
from conftest import make_user
from core.models import AuditEvent
from exemplary import services
from exemplary.models import ExemplaryModel, ExemplaryStep
from movements.services import movement_create
from orgs.models import Org
from people.models import Person
from people.services import person_create
from register import catalogue
from register import services as register_services
from register.models import Award


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue and base salaries, again if a transactional test flushed them."""
    if not Award.objects.exists():
        catalogue.load()


def keeper() -> User:
    """A system administrator who records the fixtures' rows."""
    found = User.objects.filter(username="quantri.dienhinh").first()
    return found or make_user("quantri.dienhinh", Role.ADMIN, None)


def vi(text: Any, **params: Any) -> str:
    """A message as the services give it in the default language (vi); params may be lazy labels."""
    with translation.override("vi"):
        shown = translation.gettext(str(text))
        values = {k: str(v) for k, v in params.items()}
    return shown % values if params else shown


def state() -> dict[str, Any]:
    """Every row the exemplary services may write, and the audit trail's length."""
    return {
        "models": list(ExemplaryModel.objects.order_by("pk").values()),
        "steps": list(ExemplaryStep.objects.order_by("pk").values()),
        "movements": list(ExemplaryModel.movements.through.objects.order_by("pk").values()),
        "records": list(ExemplaryModel.records.through.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def world(
    units: dict[str, Org], person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    admin = keeper()
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1990,
        unit=units["snv_bac_kan"],
        start_date=dt.date(2015, 1, 1),
    )
    movement_tn = movement_create(
        actor=admin,
        launched_by=units["thai_nguyen"],
        name="Thái Nguyên chung sức xây dựng nông thôn mới",
        kind="thematic",
        scope="ministry_or_province",
        start=dt.date(2021, 1, 1),
    )
    movement_bg = movement_create(
        actor=admin,
        launched_by=units["bac_giang"],
        name="Bắc Giang thi đua cải cách hành chính",
        kind="thematic",
        scope="ministry_or_province",
        start=dt.date(2021, 1, 1),
    )
    decision_tn = register_services.decision_create(
        actor=admin, number="15/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=units["thai_nguyen"]
    )
    decision_bk = register_services.decision_create(
        actor=admin, number="3/QĐ-UBND", date=dt.date(2024, 12, 20), issuer=units["bac_kan"]
    )
    decision_bg = register_services.decision_create(
        actor=admin, number="22/QĐ-UBND", date=dt.date(2025, 1, 12), issuer=units["bac_giang"]
    )

    def record(decision: Any, code: str, **who: Any) -> Any:
        return register_services.record_add(
            actor=admin, decision=decision, code=code, year=2024, **who
        )

    record_lan = record(decision_tn, "LDTT", person=person_thai_nguyen)
    record_lan_revoked = record(decision_tn, "CSTD_CS", person=person_thai_nguyen)
    register_services.record_revoke(
        actor=admin,
        record=record_lan_revoked,
        reason="Sai sót",
        decision_number="2/QĐ-UBND",
        decision_date=dt.date(2025, 2, 1),
    )
    record_snv_tn = record(decision_tn, "TTLDTT", org=units["snv_thai_nguyen"])
    record_snv_bk = record(decision_bk, "TTLDTT", org=units["snv_bac_kan"])
    record_hung = record(decision_bg, "LDTT", person=person_bac_giang)
    record_snv_bg = record(decision_bg, "TTLDTT", org=units["snv_bac_giang"])
    model_tn = services.exemplary_create(
        actor=admin,
        kind="person",
        org=units["snv_thai_nguyen"],
        person=person_thai_nguyen,
        discovered_on=dt.date(2025, 3, 1),
        sector="Cải cách hành chính",
    )
    model_bk = services.exemplary_create(
        actor=admin,
        kind="model",
        org=units["snv_bac_kan"],
        name="Mô hình Dân vận khéo",
        discovered_on=dt.date(2024, 5, 10),
        sector="Dân vận",
    )
    model_bg = services.exemplary_create(
        actor=admin,
        kind="collective",
        org=units["bac_giang"],
        collective=units["snv_bac_giang"],
        discovered_on=dt.date(2025, 2, 1),
    )
    return {
        **units,
        "lan": person_thai_nguyen,
        "hung": person_bac_giang,
        "son": son,
        "movement_tn": movement_tn,
        "movement_bg": movement_bg,
        "record_lan": record_lan,
        "record_lan_revoked": record_lan_revoked,
        "record_snv_tn": record_snv_tn,
        "record_snv_bk": record_snv_bk,
        "record_hung": record_hung,
        "record_snv_bg": record_snv_bg,
        "model_tn": model_tn,
        "model_bk": model_bk,
        "model_bg": model_bg,
    }
