"""The register's services: decisions, recipients, revocations, ratings, initiatives and tenant
parameters. Each allowed call changes exactly what it says and is audited; each refused call (a
DomainError with a message naming the field) and each denied actor (PermissionDenied) changes
nothing at all.

The world: Thái Nguyên ("19") and its Sở Nội vụ, into which Bắc Kạn's Sở Nội vụ merged on 1/7/2025;
Bắc Giang ("24") and its Sở Nội vụ; the officer of Thái Nguyên keeps the register for both.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from accounts.models import Role, User
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create, person_transfer
from register import catalogue, rules, selectors, services, sweep
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

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
# Denied everywhere in Thái Nguyên: no role, roles of another province, or roles that only read.
OUTSIDERS = ("outsider", "viewer_bac_giang", "secretariat_bac_giang", "officer_bac_giang")


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def register_catalogue(db: Any) -> None:
    """The catalogue, base salaries and rule sets (migration register/0002); loaded again if an
    earlier transactional test flushed them."""
    if not Award.objects.exists():
        catalogue.load()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer_bac_giang(bac_giang: Org) -> User:
    return make_user("canbo.bacgiang", Role.OFFICER, bac_giang)


@pytest.fixture
def decision(officer_thai_nguyen: User, thai_nguyen: Org) -> Decision:
    """UBND tỉnh Thái Nguyên's decision of 10/1/2025 (base salary 2,340,000)."""
    return services.decision_create(
        actor=officer_thai_nguyen,
        number="15/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
        signer="Nguyễn Văn Hùng",
        signer_title="Phó Chủ tịch",
        summary="Tặng danh hiệu năm 2024",
    )


@pytest.fixture
def late_decision(officer_thai_nguyen: User, thai_nguyen: Org) -> Decision:
    """A decision of January 2026: it can recognise achievements of 2025 and before."""
    return services.decision_create(
        actor=officer_thai_nguyen,
        number="20/QĐ-UBND",
        date=dt.date(2026, 1, 15),
        issuer=thai_nguyen,
    )


@pytest.fixture
def person_bac_kan(snv_bac_kan: Org) -> Person:
    return person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1990,
        unit=snv_bac_kan,
        start_date=dt.date(2015, 1, 1),
    )


@pytest.fixture
def initiative(
    officer_thai_nguyen: User, thai_nguyen: Org, person_thai_nguyen: Person
) -> Initiative:
    return services.initiative_create(
        actor=officer_thai_nguyen,
        code="sk-2025-01",
        title="Số hoá hồ sơ khen thưởng",
        kind="sang_kien",
        recognised_by=thai_nguyen,
        recognised_on=dt.date(2025, 6, 1),
        scope="BO_TINH",
        authors=[person_thai_nguyen],
    )


def state() -> dict[str, Any]:
    """Every row the register's services may write, and the audit trail's length."""
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


def refused(call: Callable[[], Any], field: str | None = "__any__") -> DomainError:
    """Run a call that must be refused: a DomainError on `field`, and nothing changed."""
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    assert caught.value.message
    if field != "__any__":
        assert caught.value.field == field
    return caught.value


def denied(call: Callable[[], Any]) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        call()
    assert state() == before


def vi(text: str, **params: Any) -> str:
    """A message as the services give it in the default language (vi)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-pk").first()  # type: ignore[return-value]


# --- decision_create ---------------------------------------------------------------------------


def test_it_records_a_decision_and_audits_it(officer_thai_nguyen: User, thai_nguyen: Org) -> None:
    decision = services.decision_create(
        actor=officer_thai_nguyen,
        number="  15/QĐ-UBND  ",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
        signer=" Nguyễn Văn Hùng ",
        category="phong_trao",
    )

    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.number, stored.date, stored.issuer, stored.signer, stored.category) == (
        "15/QĐ-UBND",
        dt.date(2025, 1, 10),
        thai_nguyen,
        "Nguyễn Văn Hùng",
        "phong_trao",
    )
    assert stored.created_by == officer_thai_nguyen
    event = last_event("register.decision.created")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        "register.decision",
        str(decision.pk),
        thai_nguyen.pk,
    )
    assert event.changes == {
        "number": [None, "15/QĐ-UBND"],
        "date": [None, "2025-01-10"],
        "category": [None, "phong_trao"],
        "fund": [None, "BO_TINH"],
    }


@pytest.mark.parametrize("number", ["15/QĐ-UBND", " 15/QĐ-UBND ", "15/qĐ-ubnd"])
def test_it_refuses_a_second_decision_with_the_same_number_from_one_issuer(
    decision: Decision, officer_thai_nguyen: User, thai_nguyen: Org, number: str
) -> None:
    error = refused(
        lambda: services.decision_create(
            actor=officer_thai_nguyen, number=number, date=dt.date(2025, 2, 1), issuer=thai_nguyen
        ),
        field="number",
    )

    assert "Tỉnh Thái Nguyên" in error.message


def test_it_refuses_a_duplicate_number_typed_in_lower_case(
    decision: Decision, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    refused(
        lambda: services.decision_create(
            actor=officer_thai_nguyen,
            number="15/qđ-ubnd",
            date=dt.date(2025, 2, 1),
            issuer=thai_nguyen,
        ),
        field="number",
    )


def test_it_accepts_the_same_number_from_another_issuer(
    decision: Decision, admin_user: User, bac_giang: Org
) -> None:
    other = services.decision_create(
        actor=admin_user, number="15/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=bac_giang
    )

    assert Decision.objects.filter(number="15/QĐ-UBND").count() == 2
    assert other.issuer == bac_giang


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": dt.date(2099, 1, 1)}, "date"),
        ({"number": "   "}, "number"),
        ({"date": dt.date(1900, 1, 1)}, "date"),
        ({"category": "khong_ro"}, "category"),
    ],
)
def test_it_refuses_a_bad_decision(
    officer_thai_nguyen: User, thai_nguyen: Org, changes: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {
        "number": "15/QĐ-UBND",
        "date": dt.date(2025, 1, 10),
        "issuer": thai_nguyen,
    } | changes

    refused(lambda: services.decision_create(actor=officer_thai_nguyen, **values), field=field)


def test_it_refuses_a_decision_dated_tomorrow(officer_thai_nguyen: User, thai_nguyen: Org) -> None:
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    refused(
        lambda: services.decision_create(
            actor=officer_thai_nguyen, number="1/QĐ", date=tomorrow, issuer=thai_nguyen
        ),
        field="date",
    )


def test_it_keeps_the_scanned_decision(
    officer_thai_nguyen: User, thai_nguyen: Org, media_root: Path
) -> None:
    scan = SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf")

    decision = services.decision_create(
        actor=officer_thai_nguyen,
        number="15/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
        file=scan,
    )

    stored = Decision.objects.get(pk=decision.pk)
    assert stored.file.name.startswith("decisions/")
    assert stored.file.name.endswith(".pdf")
    assert (media_root / stored.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("quyet-dinh.pdf", EXE),  # an executable renamed .pdf
        ("quyet-dinh.exe", EXE),
        ("quyet-dinh.docx", b"PK\x03\x04" + b"\x00" * 40),  # not a scan type
        ("quyet-dinh.png", PDF),  # a PDF renamed .png
        ("quyet-dinh.pdf", b""),
    ],
)
def test_it_checks_the_type_of_the_scanned_file(
    officer_thai_nguyen: User, thai_nguyen: Org, media_root: Path, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content)

    refused(
        lambda: services.decision_create(
            actor=officer_thai_nguyen,
            number="15/QĐ-UBND",
            date=dt.date(2025, 1, 10),
            issuer=thai_nguyen,
            file=upload,
        ),
        field="file",
    )
    assert list(media_root.rglob("*.*")) == []


@pytest.mark.parametrize(
    ("persona", "issuer"),
    [
        *((p, "19") for p in OUTSIDERS),
        ("member_bac_kan", "06"),  # a focal point does not keep the register
        ("council_member", "19"),
        ("officer_thai_nguyen", "24"),  # another province's decision
    ],
)
def test_it_lets_only_the_issuers_officers_record_a_decision(
    request: pytest.FixtureRequest, units: dict[str, Org], persona: str, issuer: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.decision_create(
            actor=actor,
            number="99/QĐ",
            date=dt.date(2025, 1, 10),
            issuer=Org.objects.get(code=issuer),
        )
    )


def test_it_denies_anonymous_callers(thai_nguyen: Org) -> None:
    from django.contrib.auth.models import AnonymousUser

    denied(
        lambda: services.decision_create(
            actor=AnonymousUser(), number="99/QĐ", date=dt.date(2025, 1, 10), issuer=thai_nguyen
        )
    )


# --- record_add --------------------------------------------------------------------------------


def test_it_pays_ldtt_at_the_base_salary_of_the_decision_date(
    decision: Decision, officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    record = services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="LDTT",
        year=2024,
        person=person_thai_nguyen,
    )

    stored = Record.objects.get(pk=record.pk)
    assert stored.amount == 702_000  # 0.3 × 2,340,000 (from 1/7/2024)
    assert (stored.person, stored.org, stored.unit, stored.code, stored.year) == (
        person_thai_nguyen,
        None,
        person_thai_nguyen.unit,
        "LDTT",
        2024,
    )
    assert not stored.revoked
    event = last_event("register.record.added")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        str(record.pk),
        person_thai_nguyen.unit_id,
    )
    assert event.changes == {
        "decision": [None, "15/QĐ-UBND"],
        "code": [None, "LDTT"],
        "year": [None, 2024],
        "amount": [None, 702000],
    }


def test_it_pays_at_the_base_salary_in_force_before_july_2024(
    officer_thai_nguyen: User, thai_nguyen: Org, person_thai_nguyen: Person
) -> None:
    decision = services.decision_create(
        actor=officer_thai_nguyen, number="7/QĐ-UBND", date=dt.date(2024, 3, 1), issuer=thai_nguyen
    )

    record = services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="CSTD_BO",
        year=2023,
        person=person_thai_nguyen,
    )

    assert catalogue.base_salary_on(dt.date(2024, 3, 1)) == 1_800_000
    assert Record.objects.get(pk=record.pk).amount == 5_400_000  # 3 × 1,800,000


def test_it_pays_a_collective_and_takes_a_given_amount(
    decision: Decision, officer_thai_nguyen: User, snv_thai_nguyen: Org, person_thai_nguyen: Person
) -> None:
    unit_record = services.record_add(
        actor=officer_thai_nguyen, decision=decision, code="TTLDTT", year=2024, org=snv_thai_nguyen
    )
    given = services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="CSTD_CS",
        year=2024,
        person=person_thai_nguyen,
        amount=1_000_000,
    )

    assert (unit_record.amount, unit_record.org, unit_record.unit) == (
        1_872_000,  # 0.8 × 2,340,000
        snv_thai_nguyen,
        None,
    )
    assert given.amount == 1_000_000


@pytest.mark.parametrize(
    ("code", "recipient", "year", "field"),
    [
        ("LDTT", "org", 2024, "recipient"),  # an individual title on a collective
        ("CSTD_CS", "org", 2024, "recipient"),
        ("TTLDTT", "person", 2024, "recipient"),  # a collective title on an individual
        ("LDTT", "person", 2026, "year"),  # after the decision's date (2025)
        ("LDTT", "person", 1900, "year"),
        ("XYZ", "person", 2024, "code"),
        ("LDTT", "both", 2024, None),
        ("LDTT", "none", 2024, None),
    ],
)
def test_it_refuses_a_recipient_that_breaks_a_rule(
    decision: Decision,
    officer_thai_nguyen: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
    code: str,
    recipient: str,
    year: int,
    field: str | None,
) -> None:
    recipients: dict[str, dict[str, Any]] = {
        "org": {"org": snv_thai_nguyen},
        "person": {"person": person_thai_nguyen},
        "both": {"org": snv_thai_nguyen, "person": person_thai_nguyen},
        "none": {},
    }
    who = recipients[recipient]

    refused(
        lambda: services.record_add(
            actor=officer_thai_nguyen, decision=decision, code=code, year=year, **who
        ),
        field=field,
    )


def test_it_refuses_a_negative_amount(
    decision: Decision, officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    refused(
        lambda: services.record_add(
            actor=officer_thai_nguyen,
            decision=decision,
            code="LDTT",
            year=2024,
            person=person_thai_nguyen,
            amount=-1,
        ),
        field="amount",
    )


def test_it_refuses_a_recipient_listed_twice(
    decision: Decision, officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="LDTT",
        year=2024,
        person=person_thai_nguyen,
    )

    refused(
        lambda: services.record_add(
            actor=officer_thai_nguyen,
            decision=decision,
            code="LDTT",
            year=2024,
            person=person_thai_nguyen,
        )
    )


def test_it_lets_an_officer_commend_a_person_of_a_merged_unit(
    decision: Decision, officer_thai_nguyen: User, person_bac_kan: Person, snv_bac_kan: Org
) -> None:
    record = services.record_add(
        actor=officer_thai_nguyen, decision=decision, code="LDTT", year=2024, person=person_bac_kan
    )

    assert record.unit == snv_bac_kan


@pytest.mark.parametrize("persona", [*OUTSIDERS, "member_bac_kan", "council_member"])
def test_it_lets_only_the_officers_add_recipients(
    request: pytest.FixtureRequest, decision: Decision, person_thai_nguyen: Person, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.record_add(
            actor=actor, decision=decision, code="LDTT", year=2024, person=person_thai_nguyen
        )
    )


def test_it_denies_a_recipient_out_of_the_officers_reach(
    decision: Decision, officer_thai_nguyen: User, person_bac_giang: Person, snv_bac_giang: Org
) -> None:
    denied(
        lambda: services.record_add(
            actor=officer_thai_nguyen,
            decision=decision,
            code="LDTT",
            year=2024,
            person=person_bac_giang,
        )
    )
    denied(
        lambda: services.record_add(
            actor=officer_thai_nguyen,
            decision=decision,
            code="TTLDTT",
            year=2024,
            org=snv_bac_giang,
        )
    )


# --- record_revoke -----------------------------------------------------------------------------


@pytest.fixture
def chain(
    late_decision: Decision,
    officer_thai_nguyen: User,
    person_thai_nguyen: Person,
    initiative: Initiative,
) -> dict[int, Record]:
    """Chiến sĩ thi đua cơ sở 2023, 2024 and 2025, and a BO_TINH initiative of 2025 (unused):
    eligible for Chiến sĩ thi đua cấp tỉnh 2025."""
    return {
        year: services.record_add(
            actor=officer_thai_nguyen,
            decision=late_decision,
            code="CSTD_CS",
            year=year,
            person=person_thai_nguyen,
        )
        for year in (2023, 2024, 2025)
    }


def revoke(actor: User, record: Record, **changes: Any) -> Revocation:
    values: dict[str, Any] = {
        "reason": "Hồ sơ kê khai không trung thực",
        "decision_number": "45/QĐ-UBND",
        "decision_date": dt.date(2026, 3, 2),
    } | changes
    return services.record_revoke(actor=actor, record=record, **values)


def test_it_revokes_a_record_and_keeps_it_in_the_history(
    chain: dict[int, Record], officer_thai_nguyen: User
) -> None:
    record = chain[2024]

    revocation = revoke(officer_thai_nguyen, record, reason="  Hồ sơ kê khai không trung thực ")

    stored = Record.objects.get(pk=record.pk)
    assert stored.revoked
    assert Revocation.objects.get(pk=revocation.pk).record == stored
    assert (
        revocation.reason,
        revocation.decision_number,
        revocation.decision_date,
        revocation.created_by,
    ) == ("Hồ sơ kê khai không trung thực", "45/QĐ-UBND", dt.date(2026, 3, 2), officer_thai_nguyen)
    event = last_event("register.record.revoked")
    assert (event.actor, event.object_id) == (officer_thai_nguyen, str(record.pk))
    assert event.changes["initiatives_freed"] == [None, []]
    assert event.changes["reason"] == [None, "Hồ sơ kê khai không trung thực"]
    assert event.changes["revoked"] == [False, True]


def test_a_revoked_record_no_longer_counts(
    chain: dict[int, Record], officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    assert selectors.evaluate_person(person_thai_nguyen, "CSTD_BO", 2025).eligible

    revoke(officer_thai_nguyen, chain[2024])

    result = selectors.evaluate_person(person_thai_nguyen, "CSTD_BO", 2025)
    assert not result.eligible
    assert result.missing == ["cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2024)"]
    assert not sweep.person_masks(2025).get(person_thai_nguyen.pk, 0) & rules.BITS["CSTD_BO"]


def test_revoking_frees_the_initiatives_the_record_used(
    chain: dict[int, Record],
    late_decision: Decision,
    officer_thai_nguyen: User,
    person_thai_nguyen: Person,
    initiative: Initiative,
) -> None:
    bo = services.record_add(
        actor=officer_thai_nguyen,
        decision=late_decision,
        code="CSTD_BO",
        year=2025,
        person=person_thai_nguyen,
    )
    services.initiative_use(
        actor=officer_thai_nguyen, initiative=initiative, code="CSTD_BO", year=2025, record=bo
    )
    assert not selectors.evaluate_person(person_thai_nguyen, "CSTD_BO", 2025).eligible

    revoke(officer_thai_nguyen, bo)

    assert not InitiativeUse.objects.filter(initiative=initiative).exists()
    assert last_event("register.record.revoked").changes["initiatives_freed"] == [
        None,
        ["SK-2025-01"],
    ]
    # The initiative counts again (the revoked title does not consume the chain either).
    assert selectors.evaluate_person(person_thai_nguyen, "CSTD_BO", 2025).eligible


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"decision_number": " "}, "decision_number"),
        ({"decision_date": dt.date(2026, 1, 14)}, "decision_date"),  # before the decision
        ({"decision_date": dt.date(2099, 1, 1)}, "decision_date"),
    ],
)
def test_it_refuses_a_revocation_without_its_grounds(
    chain: dict[int, Record], officer_thai_nguyen: User, changes: dict[str, Any], field: str
) -> None:
    refused(lambda: revoke(officer_thai_nguyen, chain[2024], **changes), field=field)

    assert not Record.objects.get(pk=chain[2024].pk).revoked


def test_it_accepts_a_revocation_dated_the_day_of_the_decision(
    chain: dict[int, Record], officer_thai_nguyen: User
) -> None:
    revoke(officer_thai_nguyen, chain[2024], decision_date=dt.date(2026, 1, 15))

    assert Record.objects.get(pk=chain[2024].pk).revoked


def test_it_refuses_to_revoke_twice(chain: dict[int, Record], officer_thai_nguyen: User) -> None:
    revoke(officer_thai_nguyen, chain[2024])

    refused(lambda: revoke(officer_thai_nguyen, chain[2024], decision_number="46/QĐ-UBND"))
    assert Revocation.objects.get().decision_number == "45/QĐ-UBND"


@pytest.mark.parametrize("persona", [*OUTSIDERS, "member_bac_kan", "council_member"])
def test_it_lets_only_the_officers_revoke(
    request: pytest.FixtureRequest, chain: dict[int, Record], persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: revoke(actor, chain[2024]))


# --- ratings_save ------------------------------------------------------------------------------


@pytest.fixture
def colleague(snv_thai_nguyen: Org) -> Person:
    return person_create(
        actor=None,
        full_name="Lê Văn Bình",
        gender="M",
        birth_year=1988,
        category=Category.LEADER,
        unit=snv_thai_nguyen,
    )


def ratings_of(org: Org, year: int) -> dict[str, tuple[str, str]]:
    return {
        r.person.full_name: (r.rating, r.discipline)
        for r in Rating.objects.filter(org=org, year=year).select_related("person")
    }


def test_it_saves_a_units_ratings_once_per_person_and_year(
    officer_thai_nguyen: User, snv_thai_nguyen: Org, person_thai_nguyen: Person, colleague: Person
) -> None:
    first = services.ratings_save(
        actor=officer_thai_nguyen,
        org=snv_thai_nguyen,
        year=2025,
        rows=[(person_thai_nguyen, "HTXSNV", ""), (colleague, "HTNV", "KHIEN_TRACH")],
    )
    again = services.ratings_save(
        actor=officer_thai_nguyen,
        org=snv_thai_nguyen,
        year=2025,
        rows=[(person_thai_nguyen, "HTXSNV", ""), (colleague, "HTTNV", "")],
    )

    assert (first, again) == (2, 1)
    assert ratings_of(snv_thai_nguyen, 2025) == {
        "Nguyễn Thị Lan": ("HTXSNV", ""),
        "Lê Văn Bình": ("HTTNV", ""),
    }
    assert Rating.objects.filter(person=colleague, year=2025).count() == 1
    events = AuditEvent.objects.filter(action="register.rating.saved").order_by("pk")
    assert [(e.object_id, e.org_id_hint, e.changes) for e in events] == [
        (
            str(person_thai_nguyen.pk),
            snv_thai_nguyen.pk,
            {"year": [2025, 2025], "rating": ["", "HTXSNV"]},
        ),
        (
            str(colleague.pk),
            snv_thai_nguyen.pk,
            {"year": [2025, 2025], "rating": ["", "HTNV"], "discipline": ["", "KHIEN_TRACH"]},
        ),
        (
            str(colleague.pk),
            snv_thai_nguyen.pk,
            {"year": [2025, 2025], "rating": ["HTNV", "HTTNV"], "discipline": ["KHIEN_TRACH", ""]},
        ),
    ]
    assert all(e.actor == officer_thai_nguyen for e in events)


def test_a_changed_rating_is_audited_with_its_previous_value(
    officer_thai_nguyen: User, snv_thai_nguyen: Org, colleague: Person
) -> None:
    for rating in ("HTNV", "HTTNV"):
        services.ratings_save(
            actor=officer_thai_nguyen,
            org=snv_thai_nguyen,
            year=2025,
            rows=[(colleague, rating, "")],
        )

    assert last_event("register.rating.saved").changes == {
        "year": [2025, 2025],
        "rating": ["HTNV", "HTTNV"],
    }


def test_clearing_a_rating_deletes_it(
    officer_thai_nguyen: User, snv_thai_nguyen: Org, person_thai_nguyen: Person, colleague: Person
) -> None:
    services.ratings_save(
        actor=officer_thai_nguyen,
        org=snv_thai_nguyen,
        year=2025,
        rows=[(person_thai_nguyen, "HTXSNV", ""), (colleague, "HTTNV", "")],
    )

    changed = services.ratings_save(
        actor=officer_thai_nguyen,
        org=snv_thai_nguyen,
        year=2025,
        rows=[(person_thai_nguyen, "", ""), (colleague, "HTTNV", "")],
    )

    assert changed == 1
    assert ratings_of(snv_thai_nguyen, 2025) == {"Lê Văn Bình": ("HTTNV", "")}
    assert last_event("register.rating.saved").changes == {
        "year": [2025, 2025],
        "rating": ["HTXSNV", ""],
    }


def test_it_refuses_a_rating_given_elsewhere_the_same_year(
    officer_thai_nguyen: User, snv_bac_kan: Org, snv_thai_nguyen: Org, person_bac_kan: Person
) -> None:
    services.ratings_save(
        actor=officer_thai_nguyen, org=snv_bac_kan, year=2024, rows=[(person_bac_kan, "HTTNV", "")]
    )

    error = refused(
        lambda: services.ratings_save(
            actor=officer_thai_nguyen,
            org=snv_thai_nguyen,
            year=2024,
            rows=[(person_bac_kan, "HTXSNV", "")],
        )
    )
    assert "Sở Nội vụ tỉnh Bắc Kạn" in error.message
    assert "Hoàng Văn Sơn" in error.message


def test_a_blank_row_for_someone_rated_elsewhere_changes_nothing(
    officer_thai_nguyen: User,
    snv_bac_kan: Org,
    snv_thai_nguyen: Org,
    person_bac_kan: Person,
    person_thai_nguyen: Person,
) -> None:
    services.ratings_save(
        actor=officer_thai_nguyen, org=snv_bac_kan, year=2025, rows=[(person_bac_kan, "HTTNV", "")]
    )
    person_transfer(
        actor=None, person=person_bac_kan, to_unit=snv_thai_nguyen, start_date=dt.date(2025, 7, 1)
    )

    changed = services.ratings_save(
        actor=officer_thai_nguyen,
        org=snv_thai_nguyen,
        year=2025,
        rows=[(person_thai_nguyen, "HTXSNV", ""), (person_bac_kan, "", "")],
    )

    assert changed == 1
    assert ratings_of(snv_thai_nguyen, 2025) == {"Nguyễn Thị Lan": ("HTXSNV", "")}
    assert ratings_of(snv_bac_kan, 2025) == {"Hoàng Văn Sơn": ("HTTNV", "")}


@pytest.mark.parametrize(
    ("rows", "year", "field"),
    [
        ([("lan", "XUAT_SAC", "")], 2025, "rating"),
        ([("lan", "HTXSNV", "KY_LUAT")], 2025, None),
        ([("lan", "HTXSNV", "")], 2099, "year"),
        ([("lan", "HTXSNV", "")], 1900, "year"),
        # the first row is valid, the second not: neither is kept
        ([("binh", "HTTNV", ""), ("lan", "?", "")], 2025, "rating"),
    ],
)
def test_it_refuses_unknown_ratings_and_years(
    officer_thai_nguyen: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
    colleague: Person,
    rows: list[tuple[str, str, str]],
    year: int,
    field: str | None,
) -> None:
    people = {"lan": person_thai_nguyen, "binh": colleague}

    refused(
        lambda: services.ratings_save(
            actor=officer_thai_nguyen,
            org=snv_thai_nguyen,
            year=year,
            rows=[(people[p], r, d) for p, r, d in rows],
        ),
        field=field,
    )


def test_a_focal_point_rates_their_own_unit(
    member_bac_kan: User, snv_bac_kan: Org, person_bac_kan: Person
) -> None:
    services.ratings_save(
        actor=member_bac_kan, org=snv_bac_kan, year=2024, rows=[(person_bac_kan, "HTTNV", "")]
    )

    assert ratings_of(snv_bac_kan, 2024) == {"Hoàng Văn Sơn": ("HTTNV", "")}


@pytest.mark.parametrize("persona", [*OUTSIDERS, "member_bac_kan", "council_member"])
def test_it_lets_only_the_units_keepers_rate(
    request: pytest.FixtureRequest, snv_thai_nguyen: Org, person_thai_nguyen: Person, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.ratings_save(
            actor=actor, org=snv_thai_nguyen, year=2025, rows=[(person_thai_nguyen, "HTTNV", "")]
        )
    )


def test_it_does_not_rate_a_person_out_of_reach(
    officer_thai_nguyen: User, snv_thai_nguyen: Org, person_bac_giang: Person
) -> None:
    before = state()
    with pytest.raises((PermissionDenied, DomainError)):
        services.ratings_save(
            actor=officer_thai_nguyen,
            org=snv_thai_nguyen,
            year=2025,
            rows=[(person_bac_giang, "HTTNV", "")],
        )
    assert state() == before


def test_it_saves_a_units_own_rating(officer_thai_nguyen: User, snv_thai_nguyen: Org) -> None:
    services.unit_rating_save(
        actor=officer_thai_nguyen, org=snv_thai_nguyen, year=2025, rating="HTXSNV"
    )
    services.unit_rating_save(
        actor=officer_thai_nguyen, org=snv_thai_nguyen, year=2025, rating="HTTNV"
    )

    assert list(UnitRating.objects.values_list("org", "year", "rating")) == [
        (snv_thai_nguyen.pk, 2025, "HTTNV")
    ]
    assert last_event("register.unit_rating.saved").changes == {
        "year": [2025, 2025],
        "rating": ["HTXSNV", "HTTNV"],
    }

    services.unit_rating_save(actor=officer_thai_nguyen, org=snv_thai_nguyen, year=2025, rating="")
    assert not UnitRating.objects.exists()
    refused(
        lambda: services.unit_rating_save(
            actor=officer_thai_nguyen, org=snv_thai_nguyen, year=2025, rating="TOT"
        ),
        field="rating",
    )


def test_a_focal_point_may_not_rate_the_unit_itself(member_bac_kan: User, snv_bac_kan: Org) -> None:
    denied(
        lambda: services.unit_rating_save(
            actor=member_bac_kan, org=snv_bac_kan, year=2024, rating="HTXSNV"
        )
    )


# --- initiatives -------------------------------------------------------------------------------


def test_it_records_an_initiative_with_its_authors(
    initiative: Initiative, person_thai_nguyen: Person, officer_thai_nguyen: User
) -> None:
    stored = Initiative.objects.get(pk=initiative.pk)

    assert (stored.code, stored.year, stored.scope) == ("SK-2025-01", 2025, "BO_TINH")
    assert list(stored.authors.all()) == [person_thai_nguyen]
    assert last_event("register.initiative.created").actor == officer_thai_nguyen


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "SK-2025-01"}, "code"),  # exists
        ({"code": "  "}, "code"),
        ({"title": " "}, "title"),
        ({"scope": "TINH"}, "scope"),
        ({"recognised_on": dt.date(2099, 1, 1)}, "recognised_on"),
        ({"authors": []}, "authors"),
    ],
)
def test_it_refuses_a_bad_initiative(
    initiative: Initiative,
    officer_thai_nguyen: User,
    thai_nguyen: Org,
    person_thai_nguyen: Person,
    changes: dict[str, Any],
    field: str,
) -> None:
    values: dict[str, Any] = {
        "code": "SK-2025-02",
        "title": "Sáng kiến khác",
        "kind": "sang_kien",
        "recognised_by": thai_nguyen,
        "recognised_on": dt.date(2025, 6, 1),
        "scope": "CO_SO",
        "authors": [person_thai_nguyen],
    } | changes

    refused(lambda: services.initiative_create(actor=officer_thai_nguyen, **values), field=field)


def test_it_denies_authors_out_of_reach(
    officer_thai_nguyen: User, thai_nguyen: Org, person_bac_giang: Person
) -> None:
    denied(
        lambda: services.initiative_create(
            actor=officer_thai_nguyen,
            code="SK-X",
            title="Sáng kiến",
            kind="sang_kien",
            recognised_by=thai_nguyen,
            recognised_on=dt.date(2025, 6, 1),
            scope="CO_SO",
            authors=[person_bac_giang],
        )
    )


def test_it_records_the_use_of_an_initiative(
    initiative: Initiative, officer_thai_nguyen: User
) -> None:
    use = services.initiative_use(
        actor=officer_thai_nguyen, initiative=initiative, code="CSTD_CS", year=2025, note=" đợt 1 "
    )

    assert (use.initiative, use.code, use.year, use.note, use.created_by) == (
        initiative,
        "CSTD_CS",
        2025,
        "đợt 1",
        officer_thai_nguyen,
    )
    event = last_event("register.initiative.used")
    assert (event.object_id, event.changes) == (
        str(initiative.pk),
        {"code": [None, "CSTD_CS"], "year": [None, 2025], "record": [None, None]},
    )


def test_it_refuses_a_second_use_naming_the_first(
    initiative: Initiative, officer_thai_nguyen: User
) -> None:
    services.initiative_use(
        actor=officer_thai_nguyen, initiative=initiative, code="CSTD_CS", year=2025
    )

    error = refused(
        lambda: services.initiative_use(
            actor=officer_thai_nguyen, initiative=initiative, code="BK_BO", year=2025
        ),
        field="initiative",
    )

    assert error.message == vi(
        "Initiative %(i)s was already used as a criterion for %(c)s (%(y)s); "
        "an initiative counts only once.",
        i="SK-2025-01",
        c="Chiến sĩ thi đua cơ sở",
        y=2025,
    )
    assert "Chiến sĩ thi đua cơ sở" in error.message
    assert "SK-2025-01" in error.message


@pytest.mark.parametrize(
    ("code", "record_code", "record_year", "field"),
    [
        ("XYZ", None, None, "code"),
        ("CSTD_BO", "CSTD_CS", 2025, None),  # the record is for another title
        ("CSTD_CS", "CSTD_CS", 2024, None),  # the record is for another year
    ],
)
def test_it_refuses_a_use_that_does_not_match(
    initiative: Initiative,
    chain: dict[int, Record],
    officer_thai_nguyen: User,
    code: str,
    record_code: str | None,
    record_year: int | None,
    field: str | None,
) -> None:
    record = chain[record_year] if record_year else None

    refused(
        lambda: services.initiative_use(
            actor=officer_thai_nguyen, initiative=initiative, code=code, year=2025, record=record
        ),
        field=field,
    )


@pytest.mark.parametrize("persona", [*OUTSIDERS, "member_bac_kan", "council_member"])
def test_it_lets_only_the_officers_record_a_use(
    request: pytest.FixtureRequest, initiative: Initiative, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.initiative_use(
            actor=actor, initiative=initiative, code="CSTD_CS", year=2025
        )
    )


# --- parameter_set -----------------------------------------------------------------------------


def set_share(actor: User, org: Org, value: str, valid_from: dt.date, **kw: Any) -> Parameter:
    return services.parameter_set(
        actor=actor,
        org=org,
        key=kw.pop("key", "TTLDTT_LDTT_SHARE"),
        value=Decimal(value),
        valid_from=valid_from,
        **kw,
    )


def test_a_new_value_closes_the_previous_one_the_day_before(
    officer_thai_nguyen: User, thai_nguyen: Org, snv_thai_nguyen: Org
) -> None:
    first = set_share(officer_thai_nguyen, thai_nguyen, "0.6", dt.date(2024, 1, 1), note=" QĐ 12 ")
    second = set_share(officer_thai_nguyen, thai_nguyen, "0.7", dt.date(2025, 7, 1))

    rows = list(
        Parameter.objects.filter(org=thai_nguyen)
        .order_by("valid_from")
        .values_list("key", "value", "valid_from", "valid_to", "note")
    )
    assert rows == [
        ("TTLDTT_LDTT_SHARE", Decimal("0.6"), dt.date(2024, 1, 1), dt.date(2025, 6, 30), "QĐ 12"),
        ("TTLDTT_LDTT_SHARE", Decimal("0.7"), dt.date(2025, 7, 1), None, ""),
    ]
    # A unit's value on each side of the change (the province is its tenant).
    value = selectors.parameter_value
    assert value(snv_thai_nguyen, "TTLDTT_LDTT_SHARE", dt.date(2025, 6, 30)) == Decimal("0.6")
    assert value(snv_thai_nguyen, "TTLDTT_LDTT_SHARE", dt.date(2025, 7, 1)) == Decimal("0.7")
    assert value(snv_thai_nguyen, "TTLDTT_LDTT_SHARE", dt.date(2023, 12, 31)) is None
    event = last_event("register.parameter.set")
    assert (event.object_id, event.org_id_hint, event.changes) == (
        str(second.pk),
        thai_nguyen.pk,
        {
            "key": [None, "TTLDTT_LDTT_SHARE"],
            "value": [None, "0.7"],
            "valid_from": [None, "2025-07-01"],
        },
    )
    assert first.pk != second.pk


def test_each_parameter_has_its_own_periods(officer_thai_nguyen: User, thai_nguyen: Org) -> None:
    set_share(officer_thai_nguyen, thai_nguyen, "0.6", dt.date(2024, 1, 1))
    set_share(officer_thai_nguyen, thai_nguyen, "0.8", dt.date(2025, 1, 1), key="TTLDXS_LDTT_SHARE")

    assert set(Parameter.objects.values_list("key", "valid_to")) == {
        ("TTLDTT_LDTT_SHARE", None),
        ("TTLDXS_LDTT_SHARE", None),
    }


@pytest.mark.parametrize("value", ["0", "1", "0.15", "0.5"])
def test_it_accepts_shares_from_0_to_1(
    officer_thai_nguyen: User, thai_nguyen: Org, value: str
) -> None:
    set_share(officer_thai_nguyen, thai_nguyen, value, dt.date(2025, 1, 1))

    assert Parameter.objects.get().value == Decimal(value)


@pytest.mark.parametrize("value", ["1.01", "-0.1", "50"])
def test_it_refuses_a_share_out_of_range(
    officer_thai_nguyen: User, thai_nguyen: Org, value: str
) -> None:
    refused(
        lambda: set_share(officer_thai_nguyen, thai_nguyen, value, dt.date(2025, 1, 1)),
        field="value",
    )


@pytest.mark.parametrize("code", ["19", "TW-BNV", "TW-HDTDKT"])
def test_ministries_central_bodies_and_provinces_set_parameters(
    admin_user: User, code: str
) -> None:
    org = Org.objects.get(code=code)

    set_share(admin_user, org, "0.6", dt.date(2025, 1, 1))

    assert Parameter.objects.get().org == org


def test_a_department_does_not_set_parameters(
    officer_thai_nguyen: User, snv_thai_nguyen: Org
) -> None:
    refused(
        lambda: set_share(officer_thai_nguyen, snv_thai_nguyen, "0.6", dt.date(2025, 1, 1)),
        field="org",
    )


def test_it_refuses_an_unknown_parameter(officer_thai_nguyen: User, thai_nguyen: Org) -> None:
    refused(
        lambda: set_share(
            officer_thai_nguyen, thai_nguyen, "0.6", dt.date(2025, 1, 1), key="LUONG_CO_SO"
        ),
        field="key",
    )


@pytest.mark.parametrize("start", [dt.date(2025, 7, 1), dt.date(2025, 1, 1)])
def test_it_refuses_a_value_starting_before_the_latest(
    officer_thai_nguyen: User, thai_nguyen: Org, start: dt.date
) -> None:
    set_share(officer_thai_nguyen, thai_nguyen, "0.6", dt.date(2025, 7, 1))

    refused(lambda: set_share(officer_thai_nguyen, thai_nguyen, "0.7", start), field="valid_from")


@pytest.mark.parametrize(
    "persona", [*OUTSIDERS, "member_bac_kan", "council_member", "officer_thai_nguyen"]
)
def test_it_lets_only_the_tenants_officers_set_parameters(
    request: pytest.FixtureRequest, thai_nguyen: Org, bac_giang: Org, persona: str
) -> None:
    actor = request.getfixturevalue(persona)
    org = bac_giang if persona == "officer_thai_nguyen" else thai_nguyen

    denied(lambda: set_share(actor, org, "0.6", dt.date(2025, 1, 1)))


# --- two uses at once (PostgreSQL) -------------------------------------------------------------


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrency needs PostgreSQL (SQLite's test database takes one writer at a time)",
)


@pytest.fixture
def committed_reference(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test flushes every table at its end, the reference provinces and the
    register's catalogue included (loaded by migrations): load them before and again after."""
    from django.apps import apps

    from orgs.reference import load_reference

    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load()
    yield
    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load()


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, each in its own thread with its own connection; their outcomes."""
    start = threading.Barrier(len(calls), timeout=10)
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = calls[index]()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return outcomes


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_officers_using_one_initiative_at_once_use_it_once(committed_reference: None) -> None:
    thai_nguyen = Org.objects.get(code="19")
    officer = make_user("canbo.thainguyen", Role.OFFICER, thai_nguyen)
    other = make_user("canbo2.thainguyen", Role.OFFICER, thai_nguyen)
    ini = Initiative.objects.create(
        code="SK-RACE",
        title="Sáng kiến",
        recognised_by=thai_nguyen,
        recognised_on=dt.date(2025, 6, 1),
        year=2025,
        scope="BO_TINH",
    )

    outcomes = race(
        lambda: services.initiative_use(actor=officer, initiative=ini, code="CSTD_CS", year=2025),
        lambda: services.initiative_use(actor=other, initiative=ini, code="BK_BO", year=2025),
    )

    uses = [o for o in outcomes if isinstance(o, InitiativeUse)]
    errors = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(uses), len(errors)) == (1, 1), outcomes
    stored = InitiativeUse.objects.get(initiative=ini)
    assert stored.pk == uses[0].pk
    first = (
        "Chiến sĩ thi đua cơ sở"
        if stored.code == "CSTD_CS"
        else "Bằng khen cấp bộ, ban, ngành, tỉnh"
    )
    assert first in errors[0].message
    assert AuditEvent.objects.filter(action="register.initiative.used").count() == 1
