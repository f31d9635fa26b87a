"""A small register for the reports' figures, every number of which can be counted by hand.

Thái Nguyên (the province) and its Sở Nội vụ; Bắc Giang as another province whose records never
count for Thái Nguyên. Report year 2024: the statistical period runs from 1/12/2023 to 30/11/2024.

People (current details): Lan, leader, woman, Sở Nội vụ · Minh, direct worker, man, Sở Nội vụ ·
Hoa, staff, woman, the province itself · Tuấn, staff, man, worked at Sở Nội vụ when commended
and moved to Bắc Giang afterwards · Hùng, Bắc Giang.

Decisions:
- D1 10/3/2024, Central Council: HCLD3 Lan; BK_TTG Minh and Sở Nội vụ (collective); CO_CP the
  province (collective).
- D2 15/12/2023, the province (in the statistical period, not in calendar 2024): BK_BO Hoa, Minh and
  Tuấn; CO_BO and TTLDXS Sở Nội vụ.
- D3 20/12/2024, the province (after the statistical period, in calendar 2024): LDTT Minh and Hoa;
  GK Sở Nội vụ.
- D4 1/6/2024, Sở Nội vụ: LDTT Lan, Minh, Hoa; CSTD_CS Minh; TTLDTT Sở Nội vụ; GK Hoa, revoked.
- D5 5/5/2024, Bắc Giang: BK_BO Hùng.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dossiers.models import Dossier, DossierRecipient, DossierStatus
from movements.services import movement_create
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create
from register import catalogue, services
from register.models import Award


@pytest.fixture(autouse=True)
def reference_data(db: Any, settings: Any, tmp_path: Path) -> None:
    """The catalogue (register/0002, again if a transactional test flushed it); uploads go to a
    temporary directory."""
    if not Award.objects.exists():
        catalogue.load()
    settings.MEDIA_ROOT = tmp_path / "media"


def _person(name: str, gender: str, category: str, unit: Org) -> Person:
    return person_create(
        actor=None,
        full_name=name,
        gender=gender,
        birth_year=1980,
        category=category,
        unit=unit,
        start_date=dt.date(2010, 1, 1),
    )


@pytest.fixture
def world(
    admin_user: Any, thai_nguyen: Org, snv_thai_nguyen: Org, bac_giang: Org
) -> dict[str, Any]:
    tw = Org.objects.get(code="TW-HDTDKT")
    lan = _person("Nguyễn Thị Lan", "F", Category.LEADER, snv_thai_nguyen)
    minh = _person("Lê Văn Minh", "M", Category.WORKER, snv_thai_nguyen)
    hoa = _person("Đỗ Thị Hoa", "F", Category.STAFF, thai_nguyen)
    tuan = _person("Phạm Văn Tuấn", "M", Category.STAFF, snv_thai_nguyen)
    hung = _person("Trần Văn Hùng", "M", Category.LEADER, bac_giang)

    def decision(number: str, day: dt.date, issuer: Org) -> Any:
        return services.decision_create(actor=admin_user, number=number, date=day, issuer=issuer)

    def add(
        d: Any, code: str, year: int, *, person: Person | None = None, org: Org | None = None
    ) -> Any:
        return services.record_add(
            actor=admin_user, decision=d, code=code, year=year, person=person, org=org
        )

    d1 = decision("101/QĐ-CTN", dt.date(2024, 3, 10), tw)
    add(d1, "HCLD3", 2023, person=lan)
    add(d1, "BK_TTG", 2023, person=minh)
    add(d1, "BK_TTG", 2023, org=snv_thai_nguyen)
    add(d1, "CO_CP", 2023, org=thai_nguyen)
    d2 = decision("2/QĐ-UBND", dt.date(2023, 12, 15), thai_nguyen)
    for p in (hoa, minh, tuan):
        add(d2, "BK_BO", 2023, person=p)
    add(d2, "CO_BO", 2023, org=snv_thai_nguyen)
    add(d2, "TTLDXS", 2023, org=snv_thai_nguyen)
    d3 = decision("3/QĐ-UBND", dt.date(2024, 12, 20), thai_nguyen)
    add(d3, "LDTT", 2024, person=minh)
    add(d3, "LDTT", 2024, person=hoa)
    add(d3, "GK", 2024, org=snv_thai_nguyen)
    d4 = decision("4/QĐ-SNV", dt.date(2024, 6, 1), snv_thai_nguyen)
    for p in (lan, minh, hoa):
        add(d4, "LDTT", 2023, person=p)
    add(d4, "CSTD_CS", 2023, person=minh)
    add(d4, "TTLDTT", 2023, org=snv_thai_nguyen)
    revoked = add(d4, "GK", 2023, person=hoa)
    services.record_revoke(
        actor=admin_user,
        record=revoked,
        reason="Kê khai không trung thực",
        decision_number="9/QĐ-SNV",
        decision_date=dt.date(2024, 8, 1),
    )
    d5 = decision("5/QĐ-UBND", dt.date(2024, 5, 5), bac_giang)
    add(d5, "BK_BO", 2023, person=hung)
    # Tuấn moved to Bắc Giang after his award: it stays with the unit he worked in.
    Person.objects.filter(pk=tuan.pk).update(unit=bac_giang)

    def movement(org: Org, name: str, kind: str, start: dt.date, decided: dt.date | None) -> None:
        movement_create(
            actor=admin_user,
            launched_by=org,
            name=name,
            kind=kind,
            scope="ministry_or_province" if org.parent_id is None else "unit",
            start=start,
            decision_date=decided,
            decision_number="KH-1" if decided else "",
        )

    movement(
        thai_nguyen,
        "Thi đua thực hiện nhiệm vụ năm 2024",
        "regular",
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    )
    movement(snv_thai_nguyen, "Thi đua cải cách hành chính", "thematic", dt.date(2024, 5, 1), None)
    movement(thai_nguyen, "Thi đua năm 2023", "regular", dt.date(2023, 1, 1), dt.date(2023, 11, 15))
    movement(
        bac_giang, "Bắc Giang thi đua 2024", "regular", dt.date(2024, 1, 1), dt.date(2024, 1, 5)
    )

    def dossier(
        ref: str, proposer: Org, receiver: Org, level: str, status: str, sent: dt.date | None
    ) -> Dossier:
        return Dossier.objects.create(
            reference=ref,
            title=f"Đề nghị {ref}",
            proposer=proposer,
            receiver=receiver,
            level=level,
            code="BK_TTG" if level == "chinh_phu" else "BK_BO",
            year=2023,
            status=status,
            submitted_on=sent,
        )

    ds1 = dossier(
        "HS-1", thai_nguyen, tw, "chinh_phu", DossierStatus.SUBMITTED, dt.date(2024, 3, 1)
    )
    DossierRecipient.objects.create(dossier=ds1, person=minh)
    DossierRecipient.objects.create(dossier=ds1, org=snv_thai_nguyen)
    DossierRecipient.objects.create(
        dossier=ds1, person=lan, removed_at=dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
    )
    ds2 = dossier(
        "HS-2", snv_thai_nguyen, thai_nguyen, "bo_tinh", DossierStatus.DECIDED, dt.date(2024, 4, 1)
    )
    DossierRecipient.objects.create(dossier=ds2, person=lan)
    ds3 = dossier("HS-3", thai_nguyen, tw, "chinh_phu", DossierStatus.DRAFT, None)
    DossierRecipient.objects.create(dossier=ds3, person=hoa)
    ds4 = dossier(
        "HS-4", thai_nguyen, tw, "chinh_phu", DossierStatus.SUBMITTED, dt.date(2024, 12, 5)
    )
    DossierRecipient.objects.create(dossier=ds4, person=hoa)
    return {"lan": lan, "minh": minh, "hoa": hoa, "tuan": tuan, "hung": hung, "tw": tw}
