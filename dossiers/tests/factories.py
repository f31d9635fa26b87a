"""Builders and assertions shared by the dossiers' tests (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from core.errors import DomainError
from core.models import AuditEvent
from dossiers import services
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRecipient,
    DossierStep,
    Holiday,
    LevelRule,
    PublicComment,
)
from orgs.models import Org
from people.models import Person
from register.models import Decision, Initiative, InitiativeUse, Rating, Record

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.date(2025, 3, 3)  # Monday: drafted, sent, appraised
LATER = dt.date(2025, 3, 17)  # Monday, after any comment window opened on T0 (5 working days)
YEAR = 2024
PDF = b"%PDF-1.4 test"


# --- building dossiers -----------------------------------------------------------------------------


def pdf(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def rate(person: Person, year: int, rating: str = "HTXSNV") -> Rating:
    return Rating.objects.create(person=person, year=year, org=person.unit, rating=rating)


def draft(
    actor: User,
    *,
    proposer: Org,
    receiver: Org,
    code: str,
    level: str,
    people: Iterable[Person] = (),
    orgs: Iterable[Org] = (),
    initiatives: dict[int, list[Initiative]] | None = None,
    documents: bool = True,
    year: int = YEAR,
    today: dt.date = T0,
) -> Dossier:
    """A draft with its recipients (each with a summary to publish) and, unless told otherwise,
    every document the catalogue asks for."""
    dossier = services.dossier_create(
        actor=actor,
        proposer=proposer,
        receiver=receiver,
        level=level,
        code=code,
        year=year,
        today=today,
    )
    for person in people:
        services.recipient_add(
            actor=actor,
            dossier=dossier,
            person=person,
            achievements="Hoàn thành xuất sắc nhiệm vụ được giao.",
            public_summary=f"{person.full_name}: hoàn thành xuất sắc nhiệm vụ năm {year}.",
            initiatives=(initiatives or {}).get(person.pk, []),
        )
    for org in orgs:
        services.recipient_add(
            actor=actor,
            dossier=dossier,
            org=org,
            achievements="Dẫn đầu phong trào thi đua.",
            public_summary=f"{org.name}: dẫn đầu phong trào thi đua năm {year}.",
        )
    if documents:
        complete(actor, dossier)
    return dossier


def complete(actor: User, dossier: Dossier) -> None:
    """The proposal, the review meeting's minutes, and each recipient's achievement report (and
    the initiative's certificate for those who rely on one)."""
    for kind in ("TO_TRINH", "BIEN_BAN_BINH_XET"):
        services.document_add(actor=actor, dossier=dossier, kind=kind, upload=pdf())
    for r in dossier.recipients.filter(removed_at__isnull=True):
        services.document_add(
            actor=actor, dossier=dossier, kind="BAO_CAO_THANH_TICH", recipient=r, upload=pdf()
        )
        if r.initiatives.exists():
            services.document_add(
                actor=actor, dossier=dossier, kind="XAC_NHAN_SANG_KIEN", recipient=r, upload=pdf()
            )


# The steps (target, note) that bring a draft to each state; FORWARDED and DECIDED have their own
# services (see `bring`).
ROUTE: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "submitted": [("submitted", "")],
    "appraisal": [("submitted", ""), ("appraisal", "")],
    "comment": [("submitted", ""), ("appraisal", ""), ("comment", "")],
    "council": [("submitted", ""), ("appraisal", ""), ("council", "")],
    "approved": [
        ("submitted", ""),
        ("appraisal", ""),
        ("council", ""),
        ("approved", "Hội đồng biểu quyết 9/9 tán thành"),
    ],
    "returned": [("submitted", ""), ("returned", "Thiếu biên bản họp bình xét có chữ ký")],
    "rejected": [
        ("submitted", ""),
        ("appraisal", ""),
        ("council", ""),
        ("rejected", "Hội đồng không tán thành (3/9)"),
    ],
}


def bring(actor: User, dossier: Dossier, status: str, *, today: dt.date = T0) -> Dossier:
    """Move a dossier along the path to `status` through the services."""
    route = ROUTE["approved"] if status in ("forwarded", "decided") else ROUTE[status]
    for target, note in route:
        dossier = services.dossier_transition(
            actor=actor, dossier=dossier, target=target, note=note, today=today
        )
    if status == "forwarded":
        services.dossier_forward(
            actor=actor,
            dossier=dossier,
            receiver=Org.objects.get(code="TW-HDTDKT"),
            level="chinh_phu",
        )
    if status == "decided":
        services.dossier_decide(
            actor=actor,
            dossier=dossier,
            number="99/QĐ-UBND",
            date=dt.date(2025, 3, 10),
            approved=[r.pk for r in dossier.recipients.all()],
        )
    dossier.refresh_from_db()
    assert dossier.status == status
    return dossier


# --- asserting that nothing changed ----------------------------------------------------------------


def state() -> dict[str, Any]:
    """Every row the dossiers' services may write (a dossier's status and version, its steps,
    recipients, documents and comments, the register's decisions and records), and the audit
    trail's length."""
    rows: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Dossier,
            DossierRecipient,
            DossierDocument,
            DossierStep,
            PublicComment,
            Holiday,
            LevelRule,
            Decision,
            Record,
            InitiativeUse,
        )
    }
    rows["audit"] = AuditEvent.objects.count()
    return rows


def refused(call: Callable[[], Any], field: str | None = "__any__") -> DomainError:
    """Run a call that must be refused: a DomainError (on `field`, when given), nothing changed."""
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    assert caught.value.message
    if field != "__any__":
        assert caught.value.field == field
    return caught.value


def denied(call: Callable[[], Any]) -> None:
    """Run a call the actor may not make: PermissionDenied, nothing changed."""
    before = state()
    with pytest.raises(PermissionDenied):
        call()
    assert state() == before


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of a day in Viet Nam."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# --- the register ----------------------------------------------------------------------------------


def initiative(
    actor: User,
    code: str,
    authors: Iterable[Person],
    *,
    scope: str = "CO_SO",
    recognised_on: dt.date = dt.date(2024, 6, 1),
) -> Initiative:
    """A grassroots initiative (sáng kiến) recognised by the province."""
    from register import services as register_services

    authors = list(authors)
    return register_services.initiative_create(
        actor=actor,
        code=code,
        title=f"Sáng kiến {code}",
        kind="sang_kien",
        recognised_by=Org.objects.get(code="19"),
        recognised_on=recognised_on,
        scope=scope,
        authors=authors,
    )


def awarded(
    actor: User,
    issuer: Org,
    code: str,
    year: int,
    people: Iterable[Person],
    *,
    number: str,
    date: dt.date | None = None,
) -> list[Record]:
    """A decision of `issuer` giving `code` for `year` to each person."""
    from register import services as register_services

    decision = register_services.decision_create(
        actor=actor, number=number, date=date or dt.date(year + 1, 1, 15), issuer=issuer
    )
    return [
        register_services.record_add(
            actor=actor, decision=decision, code=code, year=year, person=person
        )
        for person in people
    ]


NAMES = (
    "Phạm Văn An",
    "Đỗ Thị Bình",
    "Vũ Văn Cường",
    "Bùi Thị Dung",
    "Đặng Văn Đức",
    "Hồ Thị Giang",
    "Ngô Văn Hải",
    "Dương Thị Hoa",
    "Lý Văn Khánh",
    "Trịnh Thị Linh",
)


def staff(unit: Org, n: int) -> list[Person]:
    """`n` civil servants of a unit (at most 10), with distinct names."""
    from people.services import person_create

    return [
        person_create(
            actor=None,
            full_name=NAMES[i],
            gender="F" if " Thị " in NAMES[i] else "M",
            birth_year=1980 + i,
            unit=unit,
            start_date=dt.date(2015, 1, 1),
        )
        for i in range(n)
    ]
