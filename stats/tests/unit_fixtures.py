"""A small fixed register for the unit statistics' tests, whose every figure is worked out by hand.

Thái Nguyên (the shipped province) with:
  Sở Nội vụ (SNV) and its room P1; a border commune XA (area "border").
People today (8): SNV p1 leader M Kinh · p2 worker F Tày · p3 staff F Kinh · p4 staff M Kinh;
  P1 p5 worker M Mông; XA p6 leader F Kinh · p7 worker M Dao · p8 worker F (ethnicity not recorded).
Records (unit at the time):
  r1  p1 LDTT    2022 D1 merit     SNV
  r2  p2 LDTT    2022 D1 merit     SNV
  r3  p1 CSTD_CS 2023 D2 merit     SNV
  r4  p5 LDTT    2023 D2 merit     P1
  r5  p6 BK_BO   2024 D3 movement  XA
  r6  p7 LDTT    2024 D3 movement  XA
  r7  p3 LDTT    2024 D4 sudden    SNV   revoked
  r8  SNV (collective) TTLDTT 2023 D2 merit
  r9  XA (collective)  BK_BO  2024 D3 movement
  r10 p8 GK      2021 D0 merit     XA
  r12 p4 GK      2022 D1 merit     XA    (p4 has moved to SNV since)
  r13 p6 BK_TTG  2024 D5 merit     XA
  r11 Bắc Giang's q1 LDTT 2024: outside the scope.
Dossiers: A Government BK_TTG 2024 decided (p6 awarded, p1 not awarded); B State HCLD3 2024 under
appraisal (XA pending; p5 removed); C Government draft (p2); D Bắc Giang's, submitted (q1);
E province level CSTD_BO (p1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dossiers.models import Dossier, DossierRecipient, Outcome
from orgs.models import Org
from orgs.services import org_create
from people.models import Person
from people.services import person_create
from register.models import Decision, Record, Revocation


def _person(unit: Org, name: str, gender: str, category: str, ethnicity: str) -> Person:
    return person_create(
        actor=None,
        full_name=name,
        gender=gender,
        birth_year=1980,
        ethnicity=ethnicity,
        position="",
        category=category,
        unit=unit,
        start_date=dt.date(2015, 1, 1),
    )


def _decision(issuer: Org, number: str, day: dt.date, category: str) -> Decision:
    return Decision.objects.create(number=number, date=day, issuer=issuer, category=category)


def _record(
    decision: Decision,
    code: str,
    year: int,
    *,
    person: Any = None,
    org: Any = None,
    unit: Any = None,
) -> Record:
    return Record.objects.create(
        decision=decision,
        code=code,
        year=year,
        person=person,
        org=org,
        unit=unit if person is not None else None,
    )


@pytest.fixture(name="register_data")
def register_data_fixture(units: dict[str, Org]) -> dict[str, Any]:
    tn, bg = units["thai_nguyen"], units["bac_giang"]
    snv, snv_bg = units["snv_thai_nguyen"], units["snv_bac_giang"]
    p1_room = org_create(
        actor=None, code="19.SNV.P1", name="Phòng Thi đua", kind="department", parent=snv
    )
    xa = org_create(
        actor=None, code="19.XA", name="Xã Biên Giới", kind="commune", parent=tn, area="border"
    )
    people = {
        "p1": _person(snv, "Lê Văn Một", "M", "leader", "Kinh"),
        "p2": _person(snv, "Hoàng Thị Hai", "F", "worker", "Tày"),
        "p3": _person(snv, "Trần Thị Ba", "F", "staff", "Kinh"),
        "p4": _person(snv, "Phạm Văn Bốn", "M", "staff", "Kinh"),
        "p5": _person(p1_room, "Giàng A Năm", "M", "worker", "Mông"),
        "p6": _person(xa, "Nguyễn Thị Sáu", "F", "leader", "Kinh"),
        "p7": _person(xa, "Triệu Văn Bảy", "M", "worker", "Dao"),
        "p8": _person(xa, "Đặng Thị Tám", "F", "worker", ""),
        "q1": _person(snv_bg, "Vũ Văn Chín", "M", "leader", "Kinh"),
    }
    p = people
    d0 = _decision(tn, "10/QĐ-UBND", dt.date(2021, 12, 20), "cong_trang")
    d1 = _decision(tn, "11/QĐ-UBND", dt.date(2022, 12, 20), "cong_trang")
    d2 = _decision(tn, "12/QĐ-UBND", dt.date(2023, 12, 20), "cong_trang")
    d3 = _decision(tn, "13/QĐ-UBND", dt.date(2024, 12, 20), "phong_trao")
    d4 = _decision(tn, "14/QĐ-UBND", dt.date(2024, 12, 21), "dot_xuat")
    d5 = _decision(
        Org.objects.get(code="TW-HDTDKT"), "15/QĐ-TTg", dt.date(2024, 12, 22), "cong_trang"
    )
    dbg = _decision(bg, "20/QĐ-UBND", dt.date(2024, 12, 20), "cong_trang")
    r = {
        "r1": _record(d1, "LDTT", 2022, person=p["p1"], unit=snv),
        "r2": _record(d1, "LDTT", 2022, person=p["p2"], unit=snv),
        "r3": _record(d2, "CSTD_CS", 2023, person=p["p1"], unit=snv),
        "r4": _record(d2, "LDTT", 2023, person=p["p5"], unit=p1_room),
        "r5": _record(d3, "BK_BO", 2024, person=p["p6"], unit=xa),
        "r6": _record(d3, "LDTT", 2024, person=p["p7"], unit=xa),
        "r7": _record(d4, "LDTT", 2024, person=p["p3"], unit=snv),
        "r8": _record(d2, "TTLDTT", 2023, org=snv),
        "r9": _record(d3, "BK_BO", 2024, org=xa),
        "r10": _record(d0, "GK", 2021, person=p["p8"], unit=xa),
        "r11": _record(dbg, "LDTT", 2024, person=p["q1"], unit=snv_bg),
        "r12": _record(d1, "GK", 2022, person=p["p4"], unit=xa),
        "r13": _record(d5, "BK_TTG", 2024, person=p["p6"], unit=xa),
    }
    Revocation.objects.create(
        record=r["r7"],
        reason="Sai đối tượng",
        decision_number="99/QĐ-UBND",
        decision_date=dt.date(2025, 3, 1),
    )
    Record.objects.filter(pk=r["r7"].pk).update(revoked=True)
    tw = Org.objects.get(code="TW-HDTDKT")

    def dossier(ref: str, proposer: Org, level: str, code: str, status: str) -> Dossier:
        return Dossier.objects.create(
            reference=ref,
            title=ref,
            proposer=proposer,
            receiver=tw,
            level=level,
            code=code,
            year=2024,
            status=status,
        )

    a = dossier("HS-A", tn, "chinh_phu", "BK_TTG", "decided")
    DossierRecipient.objects.create(
        dossier=a, person=p["p6"], outcome=Outcome.APPROVED, record=r["r13"]
    )
    DossierRecipient.objects.create(dossier=a, person=p["p1"], outcome=Outcome.NOT_APPROVED)
    b = dossier("HS-B", tn, "nha_nuoc", "HCLD3", "appraisal")
    DossierRecipient.objects.create(dossier=b, org=xa)
    DossierRecipient.objects.create(
        dossier=b, person=p["p5"], removed_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC)
    )
    c = dossier("HS-C", tn, "chinh_phu", "BK_TTG", "draft")
    DossierRecipient.objects.create(dossier=c, person=p["p2"])
    d = dossier("HS-D", bg, "chinh_phu", "BK_TTG", "submitted")
    DossierRecipient.objects.create(dossier=d, person=p["q1"])
    e = dossier("HS-E", tn, "bo_tinh", "CSTD_BO", "submitted")
    DossierRecipient.objects.create(dossier=e, person=p["p1"])
    return {"units": {**units, "p1_room": p1_room, "xa": xa}, "people": people, "records": r}
