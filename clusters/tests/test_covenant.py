"""The covenant (giao ước thi đua) and the members' registrations: the whole workflow, every step the
transition tables refuse, the checks on targets, titles, signing date and scan, and a property test
over random sequences of a registration's steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from clusters import rules
from clusters.covenants import (
    MAX_TARGETS,
    TargetInput,
    covenant_create,
    covenant_lock,
    covenant_send,
    covenant_sign,
    covenant_update,
    registration_accept,
    registration_for,
    registration_register,
    registration_return,
    registration_save,
)
from clusters.models import (
    ClusterYear,
    Covenant,
    CovenantCriterion,
    CovenantStatus,
    Meeting,
    Registration,
    RegistrationStatus,
    Target,
)
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    cluster_year_set_members,
    meeting_create,
)
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org

PDF = b"%PDF-1.4\n% giao uoc da ky\n"
SIGNED_ON = dt.date(2015, 3, 10)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def north(province: Any) -> list[Org]:
    """Bắc Giang (head), Bắc Kạn (deputy), Thái Nguyên, in the order of the rotation."""
    return [province("24"), province("06"), province("19")]


@pytest.fixture
def year_2015(council: Org, north: list[Org]) -> ClusterYear:
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-GU", name="Cụm thi đua giao ước"
    )
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=north)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=north[0],
        deputy=north[1],
        decision="01/BB-CTĐ",
        decision_date=dt.date(2015, 1, 20),
    )


@pytest.fixture
def signing_meeting(year_2015: ClusterYear, north: list[Org]) -> Meeting:
    return meeting_create(
        actor=None,
        cluster_year=year_2015,
        kind="covenant",
        date=SIGNED_ON,
        place="Hội trường UBND tỉnh Bắc Giang",
        host=north[0],
    )


@pytest.fixture
def other_years_meeting(council: Org, province: Any) -> Meeting:
    """A signing conference of another cluster's 2015."""
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-KHAC", name="Cụm thi đua khác"
    )
    other = cluster_year_open(
        actor=None, cluster=cluster, year=2015, members=[province("01"), province("26")]
    )
    return meeting_create(actor=None, cluster_year=other, kind="covenant", date=SIGNED_ON)


@pytest.fixture
def secretariat(secretariat_bac_giang: Any) -> Any:
    return secretariat_bac_giang


def focal_point(org: Org) -> Any:
    return make_user(f"daumoi.{org.code}", Role.FOCAL_POINT, org)


def scan(name: str = "giao-uoc-2015.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def budget_targets() -> list[TargetInput]:
    """Two targets of seed 004: the state budget revenue and new forest planted."""
    return [
        TargetInput("Thu ngân sách nhà nước", "tỷ đồng", "3889", dt.date(2015, 12, 31)),
        TargetInput(" Trồng  rừng mới ", "ha", Decimal("969.50"), None),
    ]


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def snapshot() -> dict[str, Any]:
    """Everything a refused step must leave as it was."""
    return {
        "covenants": list(
            Covenant.objects.order_by("pk").values_list(
                "pk",
                "status",
                "title",
                "text",
                "registration_due",
                "signing_meeting_id",
                "sent_at",
                "signed_on",
                "signed_scan",
                "signed_scan_name",
                "locked_at",
            )
        ),
        "criteria": list(
            CovenantCriterion.objects.order_by("pk").values_list("covenant_id", "position", "text")
        ),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "pk",
                "org_id",
                "status",
                "titles",
                "note",
                "return_reason",
                "registered_at",
                "decided_at",
                "updated_at",
            )
        ),
        "targets": list(
            Target.objects.order_by("pk").values_list(
                "pk", "registration_id", "position", "name", "measure", "value", "deadline"
            )
        ),
        "audit": AuditEvent.objects.count(),
    }


def registration_of(covenant: Covenant, org: Org) -> Registration:
    return Registration.objects.get(covenant=covenant, org=org)


def events_since(first_id: int) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(pk__gt=first_id)
        .filter(action__regex=r"^clusters\.(covenant|registration)\.")
        .order_by("pk")
        .values_list("action", "object_type", "object_id")
    )


def last_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- Bringing a covenant and a registration to a given state -------------------------------------


def draft_covenant(year: ClusterYear, actor: Any = None) -> Covenant:
    return covenant_create(
        actor=actor,
        cluster_year=year,
        title="Giao ước thi đua năm 2015",
        text="Các tỉnh trong Cụm cùng giao ước thi đua.",
        criteria=["Hoàn thành các chỉ tiêu kinh tế - xã hội", "Cải cách hành chính"],
        registration_due=dt.date(2015, 2, 28),
    )


def registered(covenant: Covenant, org: Org, actor: Any = None) -> Registration:
    registration = registration_of(covenant, org)
    registration_save(
        actor=actor, registration=registration, targets=budget_targets(), titles=["CO_CP"]
    )
    return registration_register(actor=actor, registration=registration)


def accepted(covenant: Covenant, org: Org, actor: Any = None) -> Registration:
    return registration_accept(actor=actor, registration=registered(covenant, org, actor))


def covenant_in(state: str, year: ClusterYear) -> Covenant:
    covenant = draft_covenant(year)
    if state == CovenantStatus.DRAFT:
        return covenant
    covenant = covenant_send(actor=None, covenant=covenant)
    if state == CovenantStatus.SENT:
        return covenant
    for member in year.members.select_related("org"):
        accepted(covenant, member.org)
    covenant = covenant_sign(actor=None, covenant=covenant, signed_on=SIGNED_ON, scan=scan())
    if state == CovenantStatus.SIGNED:
        return covenant
    return covenant_lock(actor=None, covenant=covenant)


def registration_in(state: str, covenant: Covenant, org: Org) -> Registration:
    if state == RegistrationStatus.DRAFT:  # prepared, not yet registered
        return registration_save(
            actor=None, registration=registration_of(covenant, org), targets=[GOOD], titles=[]
        )
    registration = registered(covenant, org)
    if state == RegistrationStatus.REGISTERED:
        return registration
    if state == RegistrationStatus.ACCEPTED:
        return registration_accept(actor=None, registration=registration)
    return registration_return(actor=None, registration=registration, reason="Thiếu chỉ tiêu")


COVENANT_ACTIONS: dict[str, Callable[[Covenant], Any]] = {
    "edit": lambda c: covenant_update(
        actor=None,
        covenant=c,
        title="Giao ước (sửa)",
        text="Văn bản sửa",
        criteria=["Tiêu chí mới"],
        registration_due=dt.date(2015, 3, 1),
    ),
    "send": lambda c: covenant_send(actor=None, covenant=c),
    "sign": lambda c: covenant_sign(actor=None, covenant=c, signed_on=SIGNED_ON, scan=scan()),
    "lock": lambda c: covenant_lock(actor=None, covenant=c),
}

REGISTRATION_ACTIONS: dict[str, Callable[[Registration], Any]] = {
    "edit": lambda r: registration_save(
        actor=None,
        registration=r,
        targets=[TargetInput("Tăng trưởng GRDP", "%", "8.5")],
        titles=["BK_TTG"],
        note="sửa",
    ),
    "register": lambda r: registration_register(actor=None, registration=r),
    "accept": lambda r: registration_accept(actor=None, registration=r),
    "return": lambda r: registration_return(actor=None, registration=r, reason="Sửa lại"),
}

ILLEGAL_COVENANT_STEPS = [
    (state, action)
    for state in CovenantStatus.values
    for action in COVENANT_ACTIONS
    if (state, action) not in rules.COVENANT_TRANSITIONS
]
ILLEGAL_REGISTRATION_STEPS = [
    (state, action)
    for state in RegistrationStatus.values
    for action in REGISTRATION_ACTIONS
    if (state, action) not in rules.REGISTRATION_TRANSITIONS
]


# --- The declared workflow -----------------------------------------------------------------------


def test_the_tables_declare_the_documented_workflow() -> None:
    """The tables are the specification: pin them, so a widened table is a deliberate change."""
    assert rules.COVENANT_TRANSITIONS == {
        ("draft", "edit"): "draft",
        ("draft", "send"): "sent",
        ("sent", "sign"): "signed",
        ("signed", "lock"): "locked",
    }
    assert rules.REGISTRATION_TRANSITIONS == {
        ("draft", "edit"): "draft",
        ("draft", "register"): "registered",
        ("returned", "edit"): "returned",
        ("returned", "register"): "registered",
        ("registered", "accept"): "accepted",
        ("registered", "return"): "returned",
    }
    assert len(ILLEGAL_COVENANT_STEPS) == 12
    assert len(ILLEGAL_REGISTRATION_STEPS) == 10
    assert rules.allowed_actions(rules.REGISTRATION_TRANSITIONS, "registered") == [
        "accept",
        "return",
    ]
    assert rules.allowed_actions(rules.COVENANT_TRANSITIONS, "locked") == []


# --- The happy path ------------------------------------------------------------------------------


def test_the_whole_workflow_from_draft_to_locked_is_audited_step_by_step(
    year_2015: ClusterYear,
    north: list[Org],
    council: Org,
    secretariat: Any,
    signing_meeting: Meeting,
    media_root: Path,
) -> None:
    bac_giang, bac_kan, thai_nguyen = north
    members = {org.pk: focal_point(org) for org in north}
    start = last_id()

    # Draft: blank criteria are dropped, nobody has a registration yet.
    covenant = covenant_create(
        actor=secretariat,
        cluster_year=year_2015,
        title="  Giao ước   thi đua 2015 ",
        text=" Các tỉnh cùng giao ước. \n",
        criteria=["Hoàn thành chỉ tiêu kinh tế", "   "],
        registration_due=dt.date(2015, 2, 28),
    )
    covenant.refresh_from_db()
    assert (covenant.status, covenant.title, covenant.text) == (
        "draft",
        "Giao ước thi đua 2015",
        "Các tỉnh cùng giao ước.",
    )
    assert list(covenant.criteria.values_list("position", "text")) == [
        (1, "Hoàn thành chỉ tiêu kinh tế")
    ]
    assert not Registration.objects.exists()
    with pytest.raises(DomainError):
        registration_for(covenant=covenant, org=bac_kan)

    # Update the draft: new criteria in order, the signing conference chosen.
    covenant_update(
        actor=secretariat,
        covenant=covenant,
        title="Giao ước thi đua năm 2015",
        text="Các tỉnh cùng giao ước.",
        criteria=["Kinh tế - xã hội", "Cải cách hành chính", "Xây dựng Đảng"],
        registration_due=dt.date(2015, 3, 5),
        signing_meeting=signing_meeting,
    )
    covenant.refresh_from_db()
    assert covenant.title == "Giao ước thi đua năm 2015"
    assert covenant.signing_meeting == signing_meeting
    assert list(covenant.criteria.values_list("position", "text")) == [
        (1, "Kinh tế - xã hội"),
        (2, "Cải cách hành chính"),
        (3, "Xây dựng Đảng"),
    ]
    updated = AuditEvent.objects.get(action="clusters.covenant.updated")
    assert set(updated.changes) == {"title", "criteria", "registration_due", "signing_meeting"}
    assert updated.changes["registration_due"] == ["2015-02-28", "2015-03-05"]

    # Send: one registration per member, in draft.
    covenant_send(actor=secretariat, covenant=covenant)
    covenant.refresh_from_db()
    assert covenant.status == "sent"
    assert covenant.sent_at is not None
    assert sorted(covenant.registrations.values_list("org_id", "status")) == sorted(
        (org.pk, "draft") for org in north
    )
    assert registration_for(covenant=covenant, org=bac_kan) == registration_of(covenant, bac_kan)

    # Each member saves its targets and titles, then registers.
    for org in north:
        registration = registration_of(covenant, org)
        registration_save(
            actor=members[org.pk],
            registration=registration,
            targets=budget_targets(),
            titles=["bk_ttg", "CO_CP"],
            note=" Phấn đấu ",
        )
        registration.refresh_from_db()
        assert (registration.status, registration.titles, registration.note) == (
            "draft",
            ["CO_CP", "BK_TTG"],
            "Phấn đấu",
        )
        assert list(registration.targets.values_list("position", "name", "measure", "value")) == [
            (1, "Thu ngân sách nhà nước", "tỷ đồng", Decimal("3889.00")),
            (2, "Trồng rừng mới", "ha", Decimal("969.50")),
        ]
    for org in north:
        registration_register(actor=members[org.pk], registration=registration_of(covenant, org))
        registration = registration_of(covenant, org)
        assert registration.status == "registered"
        assert registration.registered_at is not None

    # The secretariat accepts Bắc Giang and Thái Nguyên, returns Bắc Kạn with a reason.
    registration_accept(actor=secretariat, registration=registration_of(covenant, bac_giang))
    registration_return(
        actor=secretariat,
        registration=registration_of(covenant, bac_kan),
        reason="  Thiếu chỉ tiêu thu ngân sách ",
    )
    registration_accept(actor=secretariat, registration=registration_of(covenant, thai_nguyen))
    returned = registration_of(covenant, bac_kan)
    assert (returned.status, returned.return_reason) == (
        "returned",
        "Thiếu chỉ tiêu thu ngân sách",
    )
    assert returned.decided_at is not None

    # Bắc Kạn corrects (still returned), registers again (reason cleared), is accepted.
    registration_save(
        actor=members[bac_kan.pk],
        registration=returned,
        targets=[*budget_targets(), TargetInput("Xã đạt chuẩn nông thôn mới", "xã", 12)],
        titles=["HCLD3"],
    )
    returned.refresh_from_db()
    assert returned.status == "returned"
    assert returned.targets.count() == 3
    registration_register(actor=members[bac_kan.pk], registration=returned)
    returned.refresh_from_db()
    assert (returned.status, returned.return_reason) == ("registered", "")
    registration_accept(actor=secretariat, registration=returned)
    assert sorted(covenant.registrations.values_list("status", flat=True)) == ["accepted"] * 3

    # Sign with the scan, then lock.
    covenant_sign(actor=secretariat, covenant=covenant, signed_on=SIGNED_ON, scan=scan())
    covenant.refresh_from_db()
    assert (covenant.status, covenant.signed_on, covenant.signed_scan_name) == (
        "signed",
        SIGNED_ON,
        "giao-uoc-2015.pdf",
    )
    assert covenant.signing_meeting == signing_meeting
    assert [p.read_bytes() for p in media_files(media_root)] == [PDF]
    covenant_lock(actor=secretariat, covenant=covenant)
    covenant.refresh_from_db()
    assert covenant.status == "locked"
    assert covenant.locked_at is not None

    # The audit trail: each step, in order, on the right object.
    reg = {org.pk: str(registration_of(covenant, org).pk) for org in north}
    cov, r = ("clusters.covenant", str(covenant.pk)), "clusters.registration"
    assert events_since(start) == [
        ("clusters.covenant.created", *cov),
        ("clusters.covenant.updated", *cov),
        ("clusters.covenant.sent", *cov),
        *[("clusters.registration.saved", r, reg[o.pk]) for o in north],
        *[("clusters.registration.registered", r, reg[o.pk]) for o in north],
        ("clusters.registration.accepted", r, reg[bac_giang.pk]),
        ("clusters.registration.returned", r, reg[bac_kan.pk]),
        ("clusters.registration.accepted", r, reg[thai_nguyen.pk]),
        ("clusters.registration.saved", r, reg[bac_kan.pk]),
        ("clusters.registration.registered", r, reg[bac_kan.pk]),
        ("clusters.registration.accepted", r, reg[bac_kan.pk]),
        ("clusters.covenant.signed", *cov),
        ("clusters.covenant.locked", *cov),
    ]
    steps = AuditEvent.objects.filter(pk__gt=start, action__startswith="clusters.co")
    assert {e.org_id_hint for e in steps} == {council.pk}
    assert {e.actor for e in steps} == {secretariat}
    member_steps = AuditEvent.objects.filter(
        pk__gt=start,
        action__in=["clusters.registration.saved", "clusters.registration.registered"],
    )
    assert {(e.actor, e.changes["org"][1]) for e in member_steps} == {
        (members[o.pk], o.pk) for o in north
    }
    sent = AuditEvent.objects.get(action="clusters.covenant.sent")
    assert sorted(sent.changes["members"][1]) == sorted(o.pk for o in north)
    returned_event = AuditEvent.objects.get(action="clusters.registration.returned")
    assert returned_event.changes["return_reason"] == [None, "Thiếu chỉ tiêu thu ngân sách"]
    assert returned_event.changes["status"] == ["registered", "returned"]
    signed = AuditEvent.objects.get(action="clusters.covenant.signed")
    assert signed.changes == {
        "status": ["sent", "signed"],
        "signed_on": [None, "2015-03-10"],
        "signed_scan_name": [None, "giao-uoc-2015.pdf"],
    }


# --- Every step the tables refuse ----------------------------------------------------------------


@pytest.mark.parametrize(("state", "action"), ILLEGAL_COVENANT_STEPS)
def test_a_covenant_step_the_table_refuses_changes_nothing(
    year_2015: ClusterYear, media_root: Path, state: str, action: str
) -> None:
    covenant = covenant_in(state, year_2015)
    assert covenant.status == state
    before, files = snapshot(), media_files(media_root)
    with pytest.raises(DomainError):
        COVENANT_ACTIONS[action](covenant)
    assert snapshot() == before
    assert media_files(media_root) == files


@pytest.mark.parametrize(("state", "action"), ILLEGAL_REGISTRATION_STEPS)
def test_a_registration_step_the_table_refuses_changes_nothing(
    year_2015: ClusterYear, north: list[Org], state: str, action: str
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_in(state, covenant, north[1])
    assert registration.status == state
    before = snapshot()
    with pytest.raises(DomainError):
        REGISTRATION_ACTIONS[action](registration)
    assert snapshot() == before


@pytest.mark.parametrize(("state", "action"), sorted(rules.REGISTRATION_TRANSITIONS))
def test_a_registration_step_the_table_allows_leads_where_it_says(
    year_2015: ClusterYear, north: list[Org], state: str, action: str
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_in(state, covenant, north[1])
    REGISTRATION_ACTIONS[action](registration)
    registration.refresh_from_db()
    assert registration.status == rules.REGISTRATION_TRANSITIONS[(state, action)]


@pytest.mark.parametrize("covenant_state", [CovenantStatus.SIGNED, CovenantStatus.LOCKED])
@pytest.mark.parametrize("action", list(REGISTRATION_ACTIONS))
def test_registrations_are_final_once_the_covenant_is_signed(
    year_2015: ClusterYear, north: list[Org], covenant_state: str, action: str
) -> None:
    covenant = covenant_in(covenant_state, year_2015)
    registration = registration_of(covenant, north[1])
    before = snapshot()
    with pytest.raises(DomainError):
        REGISTRATION_ACTIONS[action](registration)
    assert snapshot() == before


def test_a_returned_registration_cannot_be_accepted_without_registering_again(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    returned = registration_in(RegistrationStatus.RETURNED, covenant, north[2])
    before = snapshot()
    with pytest.raises(DomainError):
        registration_accept(actor=None, registration=returned)
    assert snapshot() == before
    returned.refresh_from_db()
    assert returned.return_reason == "Thiếu chỉ tiêu"


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_registration_is_not_returned_without_a_reason(
    year_2015: ClusterYear, north: list[Org], reason: str
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registered(covenant, north[0])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        registration_return(actor=None, registration=registration, reason=reason)
    assert refused.value.field == "reason"
    assert snapshot() == before


@pytest.mark.parametrize("saved_first", [False, True])
def test_a_registration_with_neither_targets_nor_titles_cannot_be_registered(
    year_2015: ClusterYear, north: list[Org], saved_first: bool
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    if saved_first:  # saved with a note only
        registration_save(
            actor=None, registration=registration, targets=[], titles=[" "], note="Chưa có"
        )
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        registration_register(actor=None, registration=registration)
    assert refused.value.field == "targets"
    assert snapshot() == before


def test_a_registration_of_titles_only_can_be_registered(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    registration_save(actor=None, registration=registration, targets=[], titles=["CO_CP"])
    registration_register(actor=None, registration=registration)
    registration.refresh_from_db()
    assert registration.status == "registered"


def test_the_covenant_is_not_signed_while_a_registration_is_pending(
    year_2015: ClusterYear, north: list[Org], media_root: Path
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    accepted(covenant, north[0])
    accepted(covenant, north[2])
    registered(covenant, north[1])  # Bắc Kạn: awaiting review
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(actor=None, covenant=covenant, signed_on=SIGNED_ON, scan=scan())
    assert north[1].name in refused.value.message
    assert north[0].name not in refused.value.message
    assert snapshot() == before
    assert media_files(media_root) == []


def test_a_member_who_joined_after_sending_must_be_accepted_before_signing(
    year_2015: ClusterYear, north: list[Org], province: Any
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    for org in north:
        accepted(covenant, org)
    lang_son = province("20")
    cluster_year_set_members(actor=None, cluster_year=year_2015, members=[*north, lang_son])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(actor=None, covenant=covenant, signed_on=SIGNED_ON, scan=scan())
    assert lang_son.name in refused.value.message
    assert snapshot() == before

    late = registration_for(covenant=covenant, org=lang_son)
    assert (late.status, late.covenant) == ("draft", covenant)
    accepted(covenant, lang_son)
    covenant_sign(actor=None, covenant=covenant, signed_on=SIGNED_ON, scan=scan())
    covenant.refresh_from_db()
    assert covenant.status == "signed"


def test_only_members_get_a_registration(year_2015: ClusterYear, province: Any) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    before = snapshot()
    with pytest.raises(DomainError):
        registration_for(covenant=covenant, org=province("38"))  # Thanh Hóa
    assert snapshot() == before


def test_a_year_has_one_covenant(year_2015: ClusterYear) -> None:
    draft_covenant(year_2015)
    before = snapshot()
    with pytest.raises(DomainError):
        draft_covenant(year_2015)
    assert snapshot() == before


@pytest.mark.parametrize("title", ["", "   "])
def test_a_covenant_needs_a_title(year_2015: ClusterYear, title: str) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_create(actor=None, cluster_year=year_2015, title=title, text="x")
    assert refused.value.field == "title"
    assert snapshot() == before


def test_a_covenant_with_neither_text_nor_criteria_is_not_sent(year_2015: ClusterYear) -> None:
    covenant = covenant_create(
        actor=None, cluster_year=year_2015, title="Giao ước", text="  ", criteria=[" "]
    )
    before = snapshot()
    with pytest.raises(DomainError):
        covenant_send(actor=None, covenant=covenant)
    assert snapshot() == before


# --- Targets and titles --------------------------------------------------------------------------

GOOD = TargetInput("Thu ngân sách", "tỷ đồng", "100")


@pytest.mark.parametrize(
    "targets",
    [
        pytest.param([TargetInput("  ", "ha", "10")], id="empty-name"),
        pytest.param([GOOD, TargetInput("Trồng rừng", " ", "10")], id="missing-measure"),
        pytest.param([TargetInput("x" * 301, "ha", "10")], id="name-too-long"),
        pytest.param([TargetInput("Trồng rừng", "h" * 61, "10")], id="measure-too-long"),
        pytest.param([TargetInput("Trồng rừng", "ha", 0)], id="zero"),
        pytest.param([TargetInput("Trồng rừng", "ha", "0.00")], id="zero-decimal"),
        pytest.param([TargetInput("Trồng rừng", "ha", -5)], id="negative"),
        pytest.param([TargetInput("Trồng rừng", "ha", "mười")], id="not-a-number"),
        pytest.param([TargetInput("Trồng rừng", "ha", "")], id="blank-value"),
        pytest.param([TargetInput("Trồng rừng", "ha", "NaN")], id="nan"),
        pytest.param([TargetInput("Trồng rừng", "ha", "Infinity")], id="infinity"),
        pytest.param([TargetInput("Trồng rừng", "ha", "10000000000000")], id="too-large"),
        pytest.param([TargetInput("Trồng rừng", "ha", "1e16")], id="far-too-large"),
        pytest.param([TargetInput("Trồng rừng", "ha", "1.234")], id="three-decimals"),
        pytest.param([TargetInput("Trồng rừng", "ha", 0.125)], id="float-three-decimals"),
        pytest.param(
            [TargetInput("Trồng rừng", "ha", "10", dt.date(2014, 12, 31))], id="deadline-before"
        ),
        pytest.param(
            [TargetInput("Trồng rừng", "ha", "10", dt.date(2017, 1, 1))], id="deadline-after"
        ),
        pytest.param([GOOD] * (MAX_TARGETS + 1), id="too-many"),
    ],
)
def test_a_registration_with_a_bad_target_is_refused_and_changes_nothing(
    year_2015: ClusterYear, north: list[Org], targets: list[TargetInput]
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    registration_save(actor=None, registration=registration, targets=[GOOD], titles=["CO_CP"])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        registration_save(actor=None, registration=registration, targets=targets, titles=[])
    assert refused.value.field == "targets"
    assert snapshot() == before


def test_targets_at_the_limits_are_accepted(year_2015: ClusterYear, north: list[Org]) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    edge = [
        TargetInput("Từ đầu năm", "ha", "0.01", dt.date(2015, 1, 1)),
        TargetInput("Đến cuối năm sau", "ha", "1 234.5", dt.date(2016, 12, 31)),
        TargetInput("Số thực", "%", 2.5),
        TargetInput("Số nguyên", "xã", 7),
        TargetInput("Lớn", "đồng", "999999999999.99"),
    ]
    registration_save(actor=None, registration=registration, targets=edge, titles=[])
    assert list(registration.targets.values_list("value", flat=True)) == [
        Decimal("0.01"),
        Decimal("1234.50"),
        Decimal("2.50"),
        Decimal("7.00"),
        Decimal("999999999999.99"),
    ]
    many = [TargetInput(f"Chỉ tiêu {i}", "ha", i) for i in range(1, MAX_TARGETS + 1)]
    registration_save(actor=None, registration=registration, targets=many, titles=[])
    assert list(registration.targets.values_list("position", flat=True)) == list(
        range(1, MAX_TARGETS + 1)
    )


def test_the_largest_target_value_is_kept_exactly(year_2015: ClusterYear, north: list[Org]) -> None:
    """Values are bounded so that they survive every database (SQLite keeps them as floats)."""
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput("Lớn nhất", "đồng", "9999999999999.99")],
        titles=[],
    )
    assert list(Target.objects.values_list("value", flat=True)) == [Decimal("9999999999999.99")]


@pytest.mark.parametrize(
    "titles",
    [["LDTT"], ["CO_CP", "CSTD_TQ"], ["HUAN_CHUONG_VANG"], ["co cp"]],
    ids=["individual-title", "one-unknown", "made-up", "spaced"],
)
def test_unknown_title_codes_are_refused(
    year_2015: ClusterYear, north: list[Org], titles: list[str]
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        registration_save(actor=None, registration=registration, targets=[GOOD], titles=titles)
    assert refused.value.field == "titles"
    assert snapshot() == before


def test_titles_follow_the_catalogue_order_without_duplicates(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    covenant = covenant_in(CovenantStatus.SENT, year_2015)
    registration = registration_of(covenant, north[0])
    registration_save(
        actor=None,
        registration=registration,
        targets=[GOOD],
        titles=["hcld1", " BK_TTG ", "", "TTLDXS", "bk_ttg", "GK"],
    )
    registration.refresh_from_db()
    assert registration.titles == ["TTLDXS", "GK", "BK_TTG", "HCLD1"]


# --- Signing date, scan, conference --------------------------------------------------------------


def ready_to_sign(year: ClusterYear) -> Covenant:
    covenant = covenant_in(CovenantStatus.SENT, year)
    for member in year.members.select_related("org"):
        accepted(covenant, member.org)
    return covenant


@pytest.mark.parametrize("signed_on", [dt.date(2013, 12, 31), dt.date(2016, 1, 1)])
def test_the_signing_date_falls_in_the_year_or_the_one_before(
    year_2015: ClusterYear, media_root: Path, signed_on: dt.date
) -> None:
    covenant = ready_to_sign(year_2015)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(actor=None, covenant=covenant, signed_on=signed_on, scan=scan())
    assert refused.value.field == "signed_on"
    assert snapshot() == before
    assert media_files(media_root) == []


@pytest.mark.parametrize("signed_on", [dt.date(2014, 12, 20), dt.date(2015, 12, 31)])
def test_the_signing_date_may_be_late_in_the_year_before_or_in_the_year(
    year_2015: ClusterYear, signed_on: dt.date
) -> None:
    covenant = covenant_sign(
        actor=None, covenant=ready_to_sign(year_2015), signed_on=signed_on, scan=scan()
    )
    assert (covenant.status, covenant.signed_on) == ("signed", signed_on)


def test_the_signing_date_is_not_in_the_future(
    year_2015: ClusterYear, monkeypatch: pytest.MonkeyPatch, media_root: Path
) -> None:
    covenant = ready_to_sign(year_2015)
    # 5 March 2015, 00:30 in Hà Nội (still 4 March in UTC).
    instant = dt.datetime(2015, 3, 4, 17, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(actor=None, covenant=covenant, signed_on=dt.date(2015, 3, 6), scan=scan())
    assert refused.value.field == "signed_on"
    assert refused.value.message == gettext("The signing date cannot be in the future.")
    assert snapshot() == before
    assert media_files(media_root) == []
    # Today, by the local calendar, is fine.
    covenant_sign(actor=None, covenant=covenant, signed_on=dt.date(2015, 3, 5), scan=scan())
    covenant.refresh_from_db()
    assert covenant.signed_on == dt.date(2015, 3, 5)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("giao-uoc.docx", b"PK\x03\x04 a word file"),
        ("giao-uoc.exe", b"MZ\x90\x00"),
        ("giao-uoc", PDF),
        ("giao-uoc.pdf", b"MZ\x90\x00 not a pdf"),
        ("giao-uoc.png", PDF),
        ("giao-uoc.pdf", b""),
    ],
    ids=["docx", "exe", "no-extension", "pdf-mismatch", "png-mismatch", "empty"],
)
def test_a_scan_of_the_wrong_type_is_refused(
    year_2015: ClusterYear, media_root: Path, name: str, content: bytes
) -> None:
    covenant = ready_to_sign(year_2015)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(actor=None, covenant=covenant, signed_on=SIGNED_ON, scan=scan(name, content))
    assert refused.value.field == "scan"
    assert snapshot() == before
    assert media_files(media_root) == []


def test_a_jpeg_scan_is_accepted_and_a_path_in_its_name_dropped(
    year_2015: ClusterYear, media_root: Path
) -> None:
    jpeg = b"\xff\xd8\xff\xe0 scan"
    covenant = covenant_sign(
        actor=None,
        covenant=ready_to_sign(year_2015),
        signed_on=SIGNED_ON,
        scan=scan("C:\\Scans\\..\\giao-uoc.jpg", jpeg),
    )
    covenant.refresh_from_db()
    assert covenant.signed_scan_name == "giao-uoc.jpg"
    (stored,) = media_files(media_root)
    assert stored.read_bytes() == jpeg
    assert media_root in stored.parents


def test_a_signing_conference_of_another_cluster_year_is_refused(
    year_2015: ClusterYear, other_years_meeting: Meeting, media_root: Path
) -> None:
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_create(
            actor=None,
            cluster_year=year_2015,
            title="Giao ước",
            text="x",
            signing_meeting=other_years_meeting,
        )
    assert refused.value.field == "signing_meeting"
    assert snapshot() == before

    covenant = draft_covenant(year_2015)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_update(
            actor=None,
            covenant=covenant,
            title="Giao ước",
            text="x",
            criteria=[],
            registration_due=None,
            signing_meeting=other_years_meeting,
        )
    assert refused.value.field == "signing_meeting"
    assert snapshot() == before

    covenant_send(actor=None, covenant=covenant)
    for member in year_2015.members.select_related("org"):
        accepted(covenant, member.org)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        covenant_sign(
            actor=None,
            covenant=covenant,
            signed_on=SIGNED_ON,
            scan=scan(),
            signing_meeting=other_years_meeting,
        )
    assert refused.value.field == "signing_meeting"
    assert snapshot() == before
    assert media_files(media_root) == []


def test_the_same_clusters_next_year_meeting_is_another_cluster_year(
    year_2015: ClusterYear,
) -> None:
    year_2016 = cluster_year_open(actor=None, cluster=year_2015.cluster, year=2016)
    meeting = meeting_create(
        actor=None, cluster_year=year_2016, kind="covenant", date=dt.date(2016, 3, 1)
    )
    before = snapshot()
    with pytest.raises(DomainError):
        covenant_create(
            actor=None, cluster_year=year_2015, title="Giao ước", text="x", signing_meeting=meeting
        )
    assert snapshot() == before


# --- Property: random sequences of a registration's steps ----------------------------------------

# A step as the member or the secretariat may try it; the second item is the table's action.
STEPS: dict[str, str] = {
    "save_targets": "edit",
    "save_titles": "edit",
    "save_empty": "edit",
    "register": "register",
    "accept": "accept",
    "return": "return",
    "return_no_reason": "return",
}


def perform(step: str, registration: Registration) -> None:
    if step == "save_targets":
        registration_save(
            actor=None, registration=registration, targets=budget_targets(), titles=["GK"]
        )
    elif step == "save_titles":
        registration_save(actor=None, registration=registration, targets=[], titles=["CO_BO"])
    elif step == "save_empty":
        registration_save(actor=None, registration=registration, targets=[], titles=[])
    elif step == "register":
        registration_register(actor=None, registration=registration)
    elif step == "accept":
        registration_accept(actor=None, registration=registration)
    elif step == "return":
        registration_return(actor=None, registration=registration, reason="Bổ sung chỉ tiêu")
    else:
        registration_return(actor=None, registration=registration, reason=" ")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=12))
def test_a_registration_only_ever_moves_as_the_table_says(
    year_2015: ClusterYear, north: list[Org], steps: list[str]
) -> None:
    with transaction.atomic():  # each example starts from the same sent covenant
        covenant = covenant_in(CovenantStatus.SENT, year_2015)
        registration = registration_of(covenant, north[1])
        status, has_targets, has_titles = "draft", False, False
        for step in steps:
            action = STEPS[step]
            new = rules.next_state(rules.REGISTRATION_TRANSITIONS, status, action)
            empty = not (has_targets or has_titles)
            allowed = (
                new is not None
                and not (action == "register" and empty)
                and step != "return_no_reason"
            )
            before = snapshot()
            if allowed:
                perform(step, registration)
                assert new is not None
                status = new
                if action == "edit":
                    has_targets = step == "save_targets"
                    has_titles = step in ("save_targets", "save_titles")
            else:
                with pytest.raises(DomainError):
                    perform(step, registration)
                assert snapshot() == before
            registration.refresh_from_db()
            assert registration.status == status
            assert registration.targets.exists() == has_targets
            assert bool(registration.titles) == has_titles
        transaction.set_rollback(True)
