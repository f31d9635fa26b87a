"""The dossiers' services: drafting, the path of every transition by role, the checks that block
sending and their override, public comment and its handling, the decision landing in the register,
forwarding to the level that decides, and the calendar's time limits.

Every allowed call changes what it says and is audited; every refused call (a DomainError) and
every denied actor (PermissionDenied) changes nothing at all: no status, version, step, recipient,
document, comment, decision, record or audit event. Messages are compared through gettext, so the
tests hold in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext

from accounts.models import User
from core.models import AuditEvent
from dossiers import rules, selectors, services
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRecipient,
    DossierStatus,
    Holiday,
    LevelRule,
    Outcome,
    PublicComment,
)
from dossiers.tests.factories import (
    LATER,
    T0,
    at,
    awarded,
    bring,
    denied,
    draft,
    initiative,
    pdf,
    rate,
    refused,
    staff,
    state,
)
from orgs.models import Org
from people.models import Person
from register import selectors as register_selectors
from register import services as register_services
from register.models import Decision, InitiativeUse, Record

P, R = rules.PROPOSER, rules.RECEIVER
ACTIONS = ("dossier.prepare", "dossier.appraise", "dossier.council", "dossier.decide")
EVERYTHING = frozenset((side, action) for side in (P, R) for action in ACTIONS)
# What each persona may do on a dossier of Sở Nội vụ Thái Nguyên sent to the province, by side.
MAY: dict[str, frozenset[tuple[str, str]]] = {
    "focal_snv_thai_nguyen": frozenset({(P, "dossier.prepare")}),
    "officer_snv_thai_nguyen": frozenset((P, action) for action in ACTIONS),
    "officer_thai_nguyen": EVERYTHING,
    "council_thai_nguyen": frozenset({(P, "dossier.council"), (R, "dossier.council")}),
    "member_bac_kan": frozenset(),
    "council_member": frozenset(),
    "viewer_thai_nguyen": frozenset(),
    "secretariat_bac_giang": frozenset(),
    "outsider": frozenset(),
    "admin_user": EVERYTHING,
}
STATES = [s.value for s in DossierStatus]
REASON = "Thiếu biên bản họp bình xét có chữ ký của thủ trưởng đơn vị"
SOURCE = services.source_key("203.0.113.7")
OTHER_SOURCE = services.source_key("198.51.100.23")
COMMENT = "Đề nghị làm rõ thành tích cải cách hành chính năm 2024."


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-pk").first()
    assert event is not None, action
    return event


def send(actor: User, dossier: Dossier, today: dt.date = T0) -> Dossier:
    return services.dossier_transition(
        actor=actor, dossier=dossier, target="submitted", today=today
    )


def not_sent(p: str) -> str:
    return gettext("The dossier cannot be sent yet: %(p)s") % {"p": p}


# --- drafting --------------------------------------------------------------------------------------


def test_it_drafts_a_dossier_and_audits_it(
    focal_snv_thai_nguyen: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    dossier = services.dossier_create(
        actor=focal_snv_thai_nguyen,
        proposer=snv_thai_nguyen,
        receiver=thai_nguyen,
        level="bo_tinh",
        code="CO_BO",
        year=2024,
        summary="  Dẫn đầu khối các sở  ",
        today=T0,
    )

    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.reference == f"HS-2025-{stored.pk:06d}"
    assert (stored.title, stored.summary, stored.status, stored.version, stored.created_by) == (
        "Đề nghị Cờ thi đua của bộ, ban, ngành, tỉnh năm 2024",
        "Dẫn đầu khối các sở",
        "draft",
        1,
        focal_snv_thai_nguyen,
    )
    assert [(s.from_status, s.to_status, s.actor) for s in stored.steps.all()] == [
        ("", "draft", focal_snv_thai_nguyen)
    ]
    event = last_event("dossiers.dossier.created")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        focal_snv_thai_nguyen,
        str(stored.pk),
        snv_thai_nguyen.pk,
    )
    assert event.changes == {
        "reference": [None, stored.reference],
        "code": [None, "CO_BO"],
        "year": [None, 2024],
        "receiver": [None, thai_nguyen.pk],
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "CSTD_XYZ"}, "code"),
        ({"level": "xa"}, "level"),
        # Chiến sĩ thi đua cơ sở is decided by the unit's head, not sent to the province's level.
        ({"code": "CSTD_CS", "level": "bo_tinh"}, "level"),
        ({"year": 2026}, "year"),
        ({"year": 1944}, "year"),
    ],
)
def test_it_refuses_a_draft_that_cannot_be(
    changes: dict[str, Any],
    field: str,
    focal_snv_thai_nguyen: User,
    snv_thai_nguyen: Org,
    thai_nguyen: Org,
) -> None:
    values: dict[str, Any] = {"level": "bo_tinh", "code": "CO_BO", "year": 2024} | changes

    refused(
        lambda: services.dossier_create(
            actor=focal_snv_thai_nguyen,
            proposer=snv_thai_nguyen,
            receiver=thai_nguyen,
            today=T0,
            **values,
        ),
        field=field,
    )


def test_it_refuses_a_dossier_to_a_unit_that_no_longer_exists(
    officer_thai_nguyen: User, snv_thai_nguyen: Org, snv_bac_kan: Org
) -> None:
    error = refused(
        lambda: services.dossier_create(
            actor=officer_thai_nguyen,
            proposer=snv_thai_nguyen,
            receiver=snv_bac_kan,
            level="co_so",
            code="CSTD_CS",
            year=2024,
            today=dt.date(2025, 8, 1),
        ),
        field="receiver",
    )

    assert error.message == gettext("%(u)s no longer exists.") % {"u": snv_bac_kan.name}


@pytest.mark.parametrize(
    "persona",
    [
        "member_bac_kan",
        "council_thai_nguyen",
        "viewer_thai_nguyen",
        "secretariat_bac_giang",
        "outsider",
    ],
)
def test_only_the_proposing_side_drafts(
    persona: str, request: pytest.FixtureRequest, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.dossier_create(
            actor=actor,
            proposer=snv_thai_nguyen,
            receiver=thai_nguyen,
            level="bo_tinh",
            code="CO_BO",
            year=2024,
            today=T0,
        )
    )


def test_a_draft_is_changed_at_the_version_it_was_read(
    flag_dossier: Callable[..., Dossier], focal_snv_thai_nguyen: User
) -> None:
    dossier = flag_dossier()
    title = dossier.title

    updated = services.dossier_update(
        actor=focal_snv_thai_nguyen,
        dossier=dossier,
        version=1,
        title="  Đề nghị Cờ thi đua của tỉnh năm 2024  ",
        summary="Dẫn đầu khối các sở",
    )

    assert (updated.title, updated.summary, updated.version) == (
        "Đề nghị Cờ thi đua của tỉnh năm 2024",
        "Dẫn đầu khối các sở",
        2,
    )
    assert last_event("dossiers.dossier.updated").changes == {
        "title": [title, "Đề nghị Cờ thi đua của tỉnh năm 2024"],
        "summary": ["", "Dẫn đầu khối các sở"],
    }
    error = refused(
        lambda: services.dossier_update(
            actor=focal_snv_thai_nguyen, dossier=dossier, version=1, title="Bản cũ"
        )
    )
    assert error.message == gettext("Someone changed this dossier meanwhile; reload the page.")
    refused(
        lambda: services.dossier_update(
            actor=focal_snv_thai_nguyen, dossier=dossier, version=2, title="   "
        ),
        field="title",
    )
    refused(
        lambda: services.dossier_update(
            actor=focal_snv_thai_nguyen, dossier=dossier, version=2, status="approved"
        )
    )


def test_it_proposes_a_person_once_and_of_the_right_kind(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
    snv_thai_nguyen: Org,
    admin_user: User,
) -> None:
    dossier = cstd_dossier([person_thai_nguyen])
    sk = initiative(admin_user, "SK-2024-09", [colleague_thai_nguyen])
    not_his = initiative(admin_user, "SK-2024-10", [person_thai_nguyen])

    error = refused(
        lambda: services.recipient_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, person=person_thai_nguyen
        )
    )
    assert error.message == gettext("This recipient is already proposed in the dossier.")
    refused(
        lambda: services.recipient_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, org=snv_thai_nguyen
        ),
        field="recipient",
    )
    refused(
        lambda: services.recipient_add(
            actor=focal_snv_thai_nguyen,
            dossier=dossier,
            person=colleague_thai_nguyen,
            initiatives=[not_his],
        ),
        field="initiatives",
    )
    added = services.recipient_add(
        actor=focal_snv_thai_nguyen,
        dossier=dossier,
        person=colleague_thai_nguyen,
        public_summary="  Lê Văn Minh:   số hoá   hồ sơ  ",
        initiatives=[sk],
    )
    assert (added.rank, added.public_summary, list(added.initiatives.all())) == (
        2,
        "Lê Văn Minh: số hoá hồ sơ",
        [sk],
    )
    assert last_event("dossiers.recipient.added").changes["initiatives"] == [None, ["SK-2024-09"]]


def test_a_removed_recipient_needs_a_reason_and_leaves_the_checks(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTNV")
    dossier = cstd_dossier([person_thai_nguyen, colleague_thai_nguyen])
    minh = dossier.recipients.get(person=colleague_thai_nguyen)

    refused(
        lambda: services.recipient_remove(actor=focal_snv_thai_nguyen, recipient=minh, reason=" "),
        field="reason",
    )
    services.recipient_remove(
        actor=focal_snv_thai_nguyen, recipient=minh, reason="Chưa đủ tiêu chuẩn năm 2024"
    )
    sent = send(focal_snv_thai_nguyen, dossier)

    minh.refresh_from_db()
    assert minh.removed_at is not None
    assert minh.removed_reason == "Chưa đủ tiêu chuẩn năm 2024"
    assert sent.status == "submitted"
    assert [r.person for r in selectors.active_recipients(sent)] == [person_thai_nguyen]


def test_the_proposer_changes_a_dossier_only_as_a_draft_or_returned(
    flag_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
) -> None:
    dossier = flag_dossier("submitted")
    (recipient,) = dossier.recipients.all()
    editable = gettext("The dossier can only be changed while it is a draft or has been returned.")

    error = refused(
        lambda: services.recipient_update(
            actor=focal_snv_thai_nguyen,
            recipient=recipient,
            duties="",
            achievements="Sửa sau khi gửi",
            public_summary="",
        )
    )
    assert error.message == editable
    error = refused(
        lambda: services.document_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, kind="KHAC", upload=pdf()
        )
    )
    assert error.message == gettext(
        "Documents are added by the proposing unit while the dossier is a draft or returned."
    )


def test_the_receiving_officer_adds_documents_while_appraising(
    flag_dossier: Callable[..., Dossier], officer_thai_nguyen: User, outsider: User
) -> None:
    dossier = flag_dossier("appraisal")

    doc = services.document_add(
        actor=officer_thai_nguyen, dossier=dossier, kind="KHAC", upload=pdf("xac-minh.pdf")
    )

    assert (doc.kind, doc.name, doc.uploaded_by, doc.dossier) == (
        "KHAC",
        "xac-minh.pdf",
        officer_thai_nguyen,
        dossier,
    )
    assert last_event("dossiers.document.added").changes["kind"] == [None, "KHAC"]
    denied(
        lambda: services.document_add(actor=outsider, dossier=dossier, kind="KHAC", upload=pdf())
    )


def test_it_refuses_a_document_that_is_not_what_it_says(
    flag_dossier: Callable[..., Dossier], focal_snv_thai_nguyen: User
) -> None:
    dossier = flag_dossier()
    exe = SimpleUploadedFile("to-trinh.pdf", b"MZ\x90\x00" + b"\x00" * 60)

    refused(
        lambda: services.document_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, kind="TO_TRINH", upload=exe
        ),
        field="file",
    )
    refused(
        lambda: services.document_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, kind="BAO_CAO_THANH_TICH", upload=pdf()
        ),
        field="recipient",
    )
    refused(
        lambda: services.document_add(
            actor=focal_snv_thai_nguyen, dossier=dossier, kind="GIAY_TO_LA", upload=pdf()
        ),
        field="kind",
    )


# --- the path, transition by transition and role by role -------------------------------------------


def move(actor: User, dossier: Dossier, target: str, council_tw: Org) -> Any:
    """Ask for `target` through the service that makes it (forwarding and deciding have theirs)."""
    if target == "forwarded":
        return services.dossier_forward(
            actor=actor, dossier=dossier, receiver=council_tw, level="chinh_phu"
        )
    if target == "decided":
        return services.dossier_decide(
            actor=actor,
            dossier=dossier,
            number="12/QĐ-UBND",
            date=dt.date(2025, 3, 20),
            approved=[r.pk for r in dossier.recipients.all()],
        )
    return services.dossier_transition(
        actor=actor, dossier=dossier, target=target, note=REASON, today=LATER
    )


def by_role(allowed: bool) -> list[tuple[str, str, str]]:
    """(source, target, persona) for every transition of the table and every persona, where the
    persona holds (or, with allowed=False, lacks) the side and permission the table names."""
    return [
        (source, target, persona)
        for (source, target), t in sorted(rules.TRANSITIONS.items())
        for persona, may in sorted(MAY.items())
        if ((t.side, t.action) in may) is allowed
    ]


def for_move(flag_dossier: Callable[..., Dossier], source: str, target: str) -> Dossier:
    # The province decides its own flag; the Government's flag it forwards to the Central Council.
    return flag_dossier(source, code="CO_CP" if target == "forwarded" else "CO_BO")


@pytest.mark.parametrize(("source", "target", "persona"), by_role(allowed=True))
def test_each_transition_is_made_by_those_the_table_allows(
    source: str,
    target: str,
    persona: str,
    request: pytest.FixtureRequest,
    flag_dossier: Callable[..., Dossier],
    council_tw: Org,
) -> None:
    actor = request.getfixturevalue(persona)
    dossier = for_move(flag_dossier, source, target)
    steps, version = dossier.steps.count(), dossier.version

    move(actor, dossier, target, council_tw)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.version) == (target, version + 1)
    assert dossier.steps.count() == steps + 1
    step = dossier.steps.order_by("-pk").first()
    assert step is not None
    assert (step.from_status, step.to_status, step.actor) == (source, target, actor)
    event = last_event(f"dossiers.dossier.{target}")
    assert (event.actor, event.object_id) == (actor, str(dossier.pk))
    assert event.changes["status"] == [source, target]


@pytest.mark.parametrize(("source", "target", "persona"), by_role(allowed=False))
def test_each_transition_is_denied_to_everyone_else(
    source: str,
    target: str,
    persona: str,
    request: pytest.FixtureRequest,
    flag_dossier: Callable[..., Dossier],
    council_tw: Org,
) -> None:
    actor = request.getfixturevalue(persona)
    dossier = for_move(flag_dossier, source, target)

    denied(lambda: move(actor, dossier, target, council_tw))


def test_the_role_table_covers_every_transition_and_persona() -> None:
    allowed, refused_ = by_role(allowed=True), by_role(allowed=False)

    assert len(allowed) + len(refused_) == len(rules.TRANSITIONS) * len(MAY) == 140
    # The proposing side sends; the receiving level does the rest; the council only votes.
    assert sorted({p for s, t, p in allowed if (s, t) == ("draft", "submitted")}) == [
        "admin_user",
        "focal_snv_thai_nguyen",
        "officer_snv_thai_nguyen",
        "officer_thai_nguyen",
    ]
    assert sorted({p for s, t, p in allowed if (s, t) == ("council", "approved")}) == [
        "admin_user",
        "council_thai_nguyen",
        "officer_thai_nguyen",
    ]
    assert sorted({p for s, t, p in allowed if (s, t) == ("approved", "decided")}) == [
        "admin_user",
        "officer_thai_nguyen",
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in STATES for t in STATES if (s, t) not in rules.TRANSITIONS],
)
def test_every_move_outside_the_table_is_refused(
    source: str, target: str, admin_user: User, flag_dossier: Callable[..., Dossier]
) -> None:
    dossier = flag_dossier(source, code="CO_CP" if source == "forwarded" else "CO_BO")

    error = refused(
        lambda: services.dossier_transition(
            actor=admin_user, dossier=dossier, target=target, note=REASON, today=LATER
        ),
        field="target",
    )

    assert error.message == gettext("A dossier that is %(s)s cannot become %(t)s.") % {
        "s": DossierStatus(source).label,
        "t": DossierStatus(target).label,
    }


def test_an_unknown_state_is_refused(
    admin_user: User, flag_dossier: Callable[..., Dossier]
) -> None:
    dossier = flag_dossier("submitted")

    refused(
        lambda: services.dossier_transition(
            actor=admin_user, dossier=dossier, target="archived", note=REASON, today=LATER
        ),
        field="target",
    )


def test_deciding_or_forwarding_before_the_council_approves_is_refused(
    officer_thai_nguyen: User, flag_dossier: Callable[..., Dossier], council_tw: Org
) -> None:
    flag = flag_dossier("council")
    government_flag = flag_dossier("council", code="CO_CP")

    refused(lambda: move(officer_thai_nguyen, flag, "decided", council_tw), field="target")
    refused(
        lambda: move(officer_thai_nguyen, government_flag, "forwarded", council_tw), field="target"
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("decided", "Record the decision to decide the dossier."),
        ("forwarded", "Choose where to forward the dossier."),
    ],
)
def test_deciding_and_forwarding_have_their_own_services(
    target: str, message: str, officer_thai_nguyen: User, flag_dossier: Callable[..., Dossier]
) -> None:
    dossier = flag_dossier("approved")

    error = refused(
        lambda: services.dossier_transition(
            actor=officer_thai_nguyen, dossier=dossier, target=target, today=LATER
        ),
        field="target",
    )

    assert error.message == gettext(message)


@pytest.mark.parametrize(
    ("source", "target"), sorted(k for k, t in rules.TRANSITIONS.items() if t.reason_required)
)
@pytest.mark.parametrize("note", ["", "  \n "])
def test_a_return_or_a_rejection_needs_a_reason(
    source: str,
    target: str,
    note: str,
    officer_thai_nguyen: User,
    flag_dossier: Callable[..., Dossier],
) -> None:
    dossier = flag_dossier(source)

    error = refused(
        lambda: services.dossier_transition(
            actor=officer_thai_nguyen, dossier=dossier, target=target, note=note, today=LATER
        ),
        field="note",
    )

    assert error.message == gettext("Give the reason.")


def test_a_returned_dossier_keeps_the_reason_and_is_sent_again_with_a_new_due_date(
    flag_dossier: Callable[..., Dossier],
    officer_thai_nguyen: User,
    focal_snv_thai_nguyen: User,
) -> None:
    dossier = flag_dossier("appraisal")

    returned = services.dossier_transition(
        actor=officer_thai_nguyen, dossier=dossier, target="returned", note=f"  {REASON} "
    )
    services.document_add(
        actor=focal_snv_thai_nguyen,
        dossier=returned,
        kind="BIEN_BAN_BINH_XET",
        upload=pdf("bien-ban-co-chu-ky.pdf"),
    )
    again = send(focal_snv_thai_nguyen, returned, today=dt.date(2025, 4, 1))

    assert [(s.from_status, s.to_status, s.note) for s in again.steps.all()][-2:] == [
        ("appraisal", "returned", REASON),
        ("returned", "submitted", ""),
    ]
    assert last_event("dossiers.dossier.returned").changes["note"] == [None, REASON]
    # 25 working days from 1/4/2025, across Giỗ Tổ (7/4) and 30/4–2/5 with Saturday 26/4 worked.
    assert (again.submitted_on, again.appraisal_due) == (dt.date(2025, 4, 1), dt.date(2025, 5, 9))


def test_the_council_approves_only_with_its_vote_recorded(
    flag_dossier: Callable[..., Dossier], council_thai_nguyen: User
) -> None:
    dossier = flag_dossier("council")

    error = refused(
        lambda: services.dossier_transition(
            actor=council_thai_nguyen, dossier=dossier, target="approved", today=LATER
        ),
        field="note",
    )
    assert error.message == gettext(
        "Record the council's vote: link the published council vote or write its result."
    )
    approved = services.dossier_transition(
        actor=council_thai_nguyen,
        dossier=dossier,
        target="approved",
        note="Biểu quyết 9/9 thành viên tán thành",
        today=LATER,
    )
    assert approved.status == "approved"


# --- the checks block sending ----------------------------------------------------------------------


def test_a_dossier_missing_documents_is_not_sent(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen], documents=False)
    services.document_add(actor=admin_user, dossier=dossier, kind="TO_TRINH", upload=pdf())

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Thiếu giấy tờ của hồ sơ: Biên bản họp bình xét · Nguyễn Thị Lan: thiếu Báo cáo thành tích"
    )


def test_a_complete_dossier_is_sent_with_its_due_date_and_the_engines_verdict(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    sent = send(focal_snv_thai_nguyen, dossier)

    # Ten working days (the grassroots level's limit) from Monday 3/3/2025: Monday 17/3/2025.
    assert (sent.status, sent.submitted_on, sent.appraisal_due, sent.version) == (
        "submitted",
        T0,
        dt.date(2025, 3, 17),
        2,
    )
    (recipient,) = sent.recipients.all()
    expected = register_selectors.evaluate_person(person_thai_nguyen, "CSTD_CS", 2024).as_dict()
    assert recipient.eligibility == expected
    assert recipient.eligibility["eligible"] is True
    assert last_event("dossiers.dossier.submitted").changes["appraisal_due"] == [None, "2025-03-17"]


def test_an_ineligible_recipient_stops_the_dossier_with_the_engines_explanation(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTNV")
    dossier = cstd_dossier([person_thai_nguyen])
    engine = register_selectors.evaluate_person(person_thai_nguyen, "CSTD_CS", 2024)

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Nguyễn Thị Lan: chưa đủ điều kiện — " + "; ".join(engine.missing)
    )
    assert "cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm 2024" in error.message


def test_a_proposal_beyond_the_quota_is_not_sent(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    officer_thai_nguyen: User,
    admin_user: User,
    thai_nguyen: Org,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> None:
    register_services.parameter_set(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        key="CSTD_CS_MAX_SHARE",
        value=Decimal("0.15"),
        valid_from=dt.date(2024, 1, 1),
    )
    awarded(admin_user, snv_thai_nguyen, "LDTT", 2024, staff(snv_thai_nguyen, 6), number="1/QĐ")
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Vượt tỷ lệ — Chiến sĩ thi đua cơ sở: 1 (đã có 0, đề nghị 1) trên tối đa 0 "
        "= 15% của 6 Lao động tiên tiến"
    )


def test_an_initiative_used_before_is_not_counted_again(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    admin_user: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(
        admin_user, "SK-2023-05", [person_thai_nguyen], recognised_on=dt.date(2023, 5, 1)
    )
    register_services.initiative_use(actor=admin_user, initiative=sk, code="LDTT", year=2023)
    dossier = cstd_dossier([person_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]})

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Nguyễn Thị Lan: sáng kiến SK-2023-05 đã được dùng làm tiêu chuẩn cho Lao động tiên tiến "
        "năm 2023; mỗi sáng kiến chỉ được dùng một lần"
    )


def test_an_initiative_relied_on_by_a_dossier_already_sent_is_not_counted_again(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    admin_user: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-11", [person_thai_nguyen, colleague_thai_nguyen])
    first = send(
        focal_snv_thai_nguyen,
        cstd_dossier([person_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]}),
    )
    second = cstd_dossier([colleague_thai_nguyen], initiatives={colleague_thai_nguyen.pk: [sk]})

    error = refused(lambda: send(focal_snv_thai_nguyen, second))

    assert error.message == not_sent(
        f"Lê Văn Minh: sáng kiến SK-2024-11 đang được dùng trong hồ sơ {first.reference}; "
        "mỗi sáng kiến chỉ được dùng một lần"
    )


def test_one_initiative_for_two_recipients_of_a_dossier_is_not_sent(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    admin_user: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-12", [person_thai_nguyen, colleague_thai_nguyen])
    dossier = cstd_dossier(
        [person_thai_nguyen, colleague_thai_nguyen],
        initiatives={person_thai_nguyen.pk: [sk], colleague_thai_nguyen.pk: [sk]},
    )

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Lê Văn Minh: sáng kiến SK-2024-12 đã được dùng cho Nguyễn Thị Lan trong hồ sơ này; "
        "mỗi sáng kiến chỉ được dùng một lần"
    )


# --- overriding the eligibility check --------------------------------------------------------------

OVERRIDE = "Thành tích đột xuất trong phòng chống bão số 3 (Yagi), được Chủ tịch tỉnh biểu dương"


@pytest.fixture
def lan_short(cstd_dossier: Callable[..., Dossier], person_thai_nguyen: Person) -> DossierRecipient:
    """Nguyễn Thị Lan, rated only HTNV in 2024, proposed for CSTĐ cơ sở."""
    rate(person_thai_nguyen, 2024, "HTNV")
    return cstd_dossier([person_thai_nguyen]).recipients.get()


@pytest.mark.parametrize(
    "persona", ["officer_thai_nguyen", "officer_snv_thai_nguyen", "admin_user"]
)
def test_an_officer_overrides_a_failed_check_with_a_reason_and_the_dossier_goes(
    persona: str,
    request: pytest.FixtureRequest,
    lan_short: DossierRecipient,
    focal_snv_thai_nguyen: User,
) -> None:
    officer = request.getfixturevalue(persona)
    check, _result = selectors.eligibility_check(lan_short.dossier, lan_short)

    services.recipient_override(actor=officer, recipient=lan_short, reason=f"  {OVERRIDE}  ")

    lan_short.refresh_from_db()
    assert (lan_short.override_reason, lan_short.override_by) == (OVERRIDE, officer)
    assert lan_short.override_at is not None
    event = last_event("dossiers.recipient.overridden")
    assert (event.actor, event.object_id) == (officer, str(lan_short.dossier_id))
    assert event.changes == {
        "recipient": [None, "Nguyễn Thị Lan"],
        "check": [None, check.text],
        "reason": [None, OVERRIDE],
    }
    sent = send(focal_snv_thai_nguyen, lan_short.dossier)
    assert sent.status == "submitted"
    lan_short.refresh_from_db()
    assert lan_short.eligibility is not None
    assert lan_short.eligibility["eligible"] is False


@pytest.mark.parametrize(
    "persona",
    [
        "focal_snv_thai_nguyen",
        "council_thai_nguyen",
        "viewer_thai_nguyen",
        "member_bac_kan",
        "officer_bac_giang",
        "outsider",
    ],
)
def test_only_an_officer_reaching_the_proposer_may_override(
    persona: str, request: pytest.FixtureRequest, lan_short: DossierRecipient
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.recipient_override(actor=actor, recipient=lan_short, reason=OVERRIDE))


@pytest.mark.parametrize("reason", ["", "Đột xuất", "   ngắn quá   "])
def test_an_override_needs_a_real_reason(
    reason: str, lan_short: DossierRecipient, officer_thai_nguyen: User
) -> None:
    error = refused(
        lambda: services.recipient_override(
            actor=officer_thai_nguyen, recipient=lan_short, reason=reason
        ),
        field="reason",
    )

    assert error.message == gettext(
        "Write the reason for overriding the check (at least 10 characters)."
    )


def test_there_is_nothing_to_override_when_the_check_passes(
    cstd_dossier: Callable[..., Dossier], officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    recipient = cstd_dossier([person_thai_nguyen]).recipients.get()

    error = refused(
        lambda: services.recipient_override(
            actor=officer_thai_nguyen, recipient=recipient, reason=OVERRIDE
        )
    )

    assert error.message == gettext(
        "This recipient passes the check; there is nothing to override."
    )


def test_an_override_comes_before_sending(
    lan_short: DossierRecipient, officer_thai_nguyen: User, focal_snv_thai_nguyen: User
) -> None:
    services.recipient_override(actor=officer_thai_nguyen, recipient=lan_short, reason=OVERRIDE)
    send(focal_snv_thai_nguyen, lan_short.dossier)

    error = refused(
        lambda: services.recipient_override(
            actor=officer_thai_nguyen, recipient=lan_short, reason=OVERRIDE + " (bổ sung)"
        )
    )

    assert error.message == gettext("The check can only be overridden before the dossier is sent.")


def test_an_override_lifts_only_the_eligibility_check(
    cstd_dossier: Callable[..., Dossier],
    officer_thai_nguyen: User,
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTNV")
    dossier = cstd_dossier([person_thai_nguyen], documents=False)
    services.recipient_override(
        actor=officer_thai_nguyen, recipient=dossier.recipients.get(), reason=OVERRIDE
    )

    error = refused(lambda: send(focal_snv_thai_nguyen, dossier))

    assert error.message == not_sent(
        "Thiếu giấy tờ của hồ sơ: Tờ trình đề nghị khen thưởng; Biên bản họp bình xét"
        " · Nguyễn Thị Lan: thiếu Báo cáo thành tích"
    )


# --- public comment --------------------------------------------------------------------------------


@pytest.fixture
def in_comment(flag_dossier: Callable[..., Dossier]) -> Dossier:
    """The province's flag, posted for comment on Monday 3/3/2025 until Monday 10/3/2025."""
    return flag_dossier("comment")


def comment(
    dossier: Dossier,
    text: str = COMMENT,
    *,
    source: str = SOURCE,
    when: dt.datetime | None = None,
    **kw: Any,
) -> PublicComment:
    return services.comment_receive(
        dossier=dossier, text=text, source=source, now=when or at(dt.date(2025, 3, 4)), **kw
    )


def test_it_posts_the_window_for_comment_in_working_days(in_comment: Dossier) -> None:
    assert (in_comment.comment_opens, in_comment.comment_closes) == (T0, dt.date(2025, 3, 10))
    assert last_event("dossiers.dossier.comment").changes["comment"] == [
        None,
        ["2025-03-03", "2025-03-10"],
    ]


def test_a_summary_to_publish_is_needed_before_comment(
    flag_dossier: Callable[..., Dossier], admin_user: User, officer_thai_nguyen: User
) -> None:
    dossier = flag_dossier("returned")
    recipient = dossier.recipients.get()
    services.recipient_update(
        actor=admin_user, recipient=recipient, duties="", achievements="", public_summary=""
    )
    dossier = bring(admin_user, dossier, "appraisal")

    error = refused(
        lambda: services.dossier_transition(
            actor=officer_thai_nguyen, dossier=dossier, target="comment", today=LATER
        )
    )

    assert error.message == gettext("Write the summary of achievements to publish for: %(n)s.") % {
        "n": "Sở Nội vụ tỉnh Thái Nguyên"
    }


def test_a_comment_is_received_while_the_window_is_open(in_comment: Dossier) -> None:
    recipient = in_comment.recipients.get()

    received = comment(
        in_comment,
        f"  {COMMENT}  ",
        author_name="  Nguyễn   Văn  Ba ",
        contact=" 0912 345 678 ",
        recipient_id=recipient.pk,
        when=at(dt.date(2025, 3, 10), 23, 59),
    )

    stored = PublicComment.objects.get(pk=received.pk)
    assert (stored.text, stored.author_name, stored.contact, stored.recipient, stored.source) == (
        COMMENT,
        "Nguyễn Văn Ba",
        "0912 345 678",
        recipient,
        SOURCE,
    )
    assert (stored.handling, stored.handled_by) == ("", None)
    event = last_event("dossiers.comment.received")
    assert (event.actor, event.object_id, event.changes) == (
        None,
        str(in_comment.pk),
        {"comment": [None, stored.pk]},
    )
    assert "203.0.113.7" not in SOURCE
    assert len(SOURCE) == 64


@pytest.mark.parametrize(
    "when",
    [at(dt.date(2025, 3, 2), 23, 59), at(dt.date(2025, 3, 11), 0, 1), at(dt.date(2025, 6, 1))],
)
def test_a_comment_outside_the_window_is_refused(in_comment: Dossier, when: dt.datetime) -> None:
    error = refused(lambda: comment(in_comment, when=when))

    assert error.message == gettext("This dossier is not open for public comment.")


@pytest.mark.parametrize("status", ["appraisal", "council"])
def test_a_dossier_not_posted_for_comment_takes_none(
    status: str, flag_dossier: Callable[..., Dossier]
) -> None:
    dossier = flag_dossier(status)

    refused(lambda: comment(dossier, when=at(T0)))


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("Ngắn quá!", False),  # 9 characters
        ("  Ngắn quá!  ", False),
        ("Quá ngắn!!", True),  # 10
        ("x" * 3000, True),
        ("x" * 3001, False),
    ],
)
def test_a_comment_is_between_10_and_3000_characters(
    text: str, accepted: bool, in_comment: Dossier
) -> None:
    if not accepted:
        error = refused(lambda: comment(in_comment, text), field="text")
        assert error.message == gettext("Write a comment of %(a)s to %(b)s characters.") % {
            "a": 10,
            "b": 3000,
        }
        return

    assert comment(in_comment, text).text == text


def test_a_source_sends_at_most_three_comments_an_hour_on_a_dossier(
    in_comment: Dossier, flag_dossier: Callable[..., Dossier]
) -> None:
    other_dossier = flag_dossier("comment")
    day = dt.date(2025, 3, 4)
    for i in range(3):
        comment(in_comment, f"{COMMENT} ({i + 1})", when=at(day, 9, 10 * i))

    error = refused(lambda: comment(in_comment, f"{COMMENT} (4)", when=at(day, 9, 30)))

    assert error.message == gettext("Too many comments from this connection; try again later.")
    assert comment(in_comment, f"{COMMENT} (4)", source=OTHER_SOURCE, when=at(day, 9, 31))
    assert comment(other_dossier, f"{COMMENT} (4)", when=at(day, 9, 32))
    # An hour after the first ones, the source may comment again.
    assert comment(in_comment, f"{COMMENT} (5)", when=at(day, 10, 25))


def test_a_source_sends_at_most_ten_comments_a_day(in_comment: Dossier) -> None:
    day = dt.date(2025, 3, 5)
    for i in range(10):
        comment(in_comment, f"{COMMENT} ({i + 1})", when=at(day, 7 + i // 3 * 2, i % 3))

    error = refused(lambda: comment(in_comment, f"{COMMENT} (11)", when=at(day, 16)))

    assert error.message == gettext("Too many comments from this connection; try again later.")
    assert comment(in_comment, f"{COMMENT} (11)", when=at(dt.date(2025, 3, 6), 16, 1))


def test_the_same_comment_twice_is_refused(in_comment: Dossier) -> None:
    comment(in_comment, when=at(dt.date(2025, 3, 4), 9))

    error = refused(lambda: comment(in_comment, when=at(dt.date(2025, 3, 4), 9, 5)), field="text")

    assert error.message == gettext("This comment was already received.")
    assert comment(in_comment, source=OTHER_SOURCE, when=at(dt.date(2025, 3, 4), 9, 6))


@pytest.mark.parametrize("whose", ["another dossier's", "nobody's"])
def test_a_comment_is_about_a_candidate_of_the_dossier(
    whose: str, in_comment: Dossier, flag_dossier: Callable[..., Dossier]
) -> None:
    stranger = flag_dossier("comment").recipients.get()
    recipient_id = stranger.pk if whose == "another dossier's" else 999_999

    error = refused(lambda: comment(in_comment, recipient_id=recipient_id), field="recipient")

    assert error.message == gettext("Choose a candidate of this dossier.")


# --- handling comments, then the council -----------------------------------------------------------


def test_the_receiving_officer_records_how_a_comment_was_handled(
    in_comment: Dossier, officer_thai_nguyen: User
) -> None:
    received = comment(in_comment)

    services.comment_handle(
        actor=officer_thai_nguyen,
        comment=received,
        handling="verified",
        note="  Đã xác minh với Sở: thành tích đúng như báo cáo. ",
    )

    received.refresh_from_db()
    assert (received.handling, received.handling_note, received.handled_by) == (
        "verified",
        "Đã xác minh với Sở: thành tích đúng như báo cáo.",
        officer_thai_nguyen,
    )
    assert received.handled_at is not None
    event = last_event("dossiers.comment.handled")
    assert (event.actor, event.changes) == (
        officer_thai_nguyen,
        {
            "comment": [None, received.pk],
            "handling": [
                ["", ""],
                ["verified", "Đã xác minh với Sở: thành tích đúng như báo cáo."],
            ],
        },
    )


@pytest.mark.parametrize(
    ("handling", "note", "field"),
    [
        ("verified", "", "note"),
        ("verified", "   ", "note"),
        ("ignored", "Không liên quan", "handling"),
    ],
)
def test_handling_a_comment_needs_a_kind_and_a_note(
    handling: str, note: str, field: str, in_comment: Dossier, officer_thai_nguyen: User
) -> None:
    received = comment(in_comment)

    refused(
        lambda: services.comment_handle(
            actor=officer_thai_nguyen, comment=received, handling=handling, note=note
        ),
        field=field,
    )


@pytest.mark.parametrize(
    "persona",
    [
        "focal_snv_thai_nguyen",
        "officer_snv_thai_nguyen",
        "council_thai_nguyen",
        "viewer_thai_nguyen",
        "officer_bac_giang",
        "outsider",
    ],
)
def test_only_the_receiving_officer_handles_comments(
    persona: str, request: pytest.FixtureRequest, in_comment: Dossier
) -> None:
    actor = request.getfixturevalue(persona)
    received = comment(in_comment)

    denied(
        lambda: services.comment_handle(
            actor=actor, comment=received, handling="verified", note="Đã xác minh"
        )
    )


def test_comments_are_handled_only_while_in_comment_or_council(
    in_comment: Dossier, officer_thai_nguyen: User
) -> None:
    received = comment(in_comment)
    services.dossier_transition(
        actor=officer_thai_nguyen, dossier=in_comment, target="returned", note=REASON, today=T0
    )

    error = refused(
        lambda: services.comment_handle(
            actor=officer_thai_nguyen, comment=received, handling="accepted", note="Tiếp thu"
        )
    )

    assert error.message == gettext(
        "Comments are handled while the dossier is in public comment or review."
    )


def test_the_council_waits_for_the_window_to_close_and_every_comment_to_be_handled(
    in_comment: Dossier, officer_thai_nguyen: User
) -> None:
    received = comment(in_comment)

    def to_council(today: dt.date) -> Dossier:
        return services.dossier_transition(
            actor=officer_thai_nguyen, dossier=in_comment, target="council", today=today
        )

    error = refused(lambda: to_council(dt.date(2025, 3, 10)))
    assert error.message == gettext("Public comment is open until %(d)s.") % {"d": "10/03/2025"}
    error = refused(lambda: to_council(dt.date(2025, 3, 11)))
    assert error.message == gettext(
        "Record how each public comment was handled first (%(n)s left)."
    ) % {"n": 1}

    services.comment_handle(
        actor=officer_thai_nguyen, comment=received, handling="not_relevant", note="Không liên quan"
    )
    assert to_council(dt.date(2025, 3, 11)).status == "council"


# --- the decision lands in the register ------------------------------------------------------------


@pytest.fixture
def approved_cstd(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> Dossier:
    """Lan (relying on an initiative) and Minh for CSTĐ cơ sở 2024, approved by the council."""
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-20", [person_thai_nguyen])
    dossier = cstd_dossier(
        [person_thai_nguyen, colleague_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]}
    )
    return bring(admin_user, dossier, "approved")


def test_a_partial_decision_records_the_approved_and_marks_the_others(
    approved_cstd: Dossier, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    lan, minh = approved_cstd.recipients.order_by("rank")
    version = approved_cstd.version

    decision = services.dossier_decide(
        actor=officer_thai_nguyen,
        dossier=approved_cstd,
        number="25/QĐ-UBND",
        date=dt.date(2025, 3, 20),
        approved=[lan.pk],
        signer="Trịnh Việt Hùng",
        signer_title="Chủ tịch",
    )

    assert (decision.number, decision.date, decision.issuer, decision.category) == (
        "25/QĐ-UBND",
        dt.date(2025, 3, 20),
        thai_nguyen,
        "cong_trang",
    )
    assert decision.summary == f"{approved_cstd.title} (hồ sơ {approved_cstd.reference})"
    # 1.0 × the base salary on 20/3/2025 (2,340,000 from 1/7/2024).
    assert [
        (r.person, r.code, r.year, r.amount, r.note)
        for r in Record.objects.filter(decision=decision)
    ] == [
        (lan.person, "CSTD_CS", 2024, 2_340_000, f"Hồ sơ {approved_cstd.reference}"),
    ]
    lan.refresh_from_db()
    minh.refresh_from_db()
    record = Record.objects.get(decision=decision)
    assert (lan.outcome, lan.record) == (Outcome.APPROVED, record)
    assert (minh.outcome, minh.record) == (Outcome.NOT_APPROVED, None)
    (use,) = InitiativeUse.objects.all()
    assert (use.initiative.code, use.record, use.code, use.year) == (
        "SK-2024-20",
        record,
        "CSTD_CS",
        2024,
    )
    approved_cstd.refresh_from_db()
    assert (approved_cstd.status, approved_cstd.decision, approved_cstd.version) == (
        "decided",
        decision,
        version + 1,
    )
    step = approved_cstd.steps.order_by("-pk").first()
    assert step is not None
    assert step.note == "Quyết định 25/QĐ-UBND: 1/2 được khen thưởng"
    event = last_event("dossiers.dossier.decided")
    assert event.changes == {
        "status": ["approved", "decided"],
        "note": [None, "Quyết định 25/QĐ-UBND: 1/2 được khen thưởng"],
        "decision": [None, "25/QĐ-UBND"],
        "awarded": [None, 1],
        "not_awarded": [None, 1],
    }


def test_the_reward_is_the_multiple_of_the_base_salary_on_the_decisions_date(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    officer_thai_nguyen: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTTNV")
    rate(colleague_thai_nguyen, 2023, "HTXSNV")
    # Under the 2003 law CSTĐ cơ sở 2023 also needs an initiative.
    sk = initiative(
        admin_user, "SK-2023-30", [colleague_thai_nguyen], recognised_on=dt.date(2023, 5, 1)
    )
    ldtt = bring(admin_user, cstd_dossier([person_thai_nguyen], code="LDTT"), "approved")
    earlier = bring(
        admin_user,
        cstd_dossier(
            [colleague_thai_nguyen],
            year=2023,
            today=dt.date(2024, 3, 4),
            initiatives={colleague_thai_nguyen.pk: [sk]},
        ),
        "approved",
        today=dt.date(2024, 3, 4),
    )

    services.dossier_decide(
        actor=officer_thai_nguyen,
        dossier=ldtt,
        number="26/QĐ-UBND",
        date=dt.date(2025, 3, 20),
        approved=[r.pk for r in ldtt.recipients.all()],
    )
    services.dossier_decide(
        actor=officer_thai_nguyen,
        dossier=earlier,
        number="40/QĐ-UBND",
        date=dt.date(2024, 5, 10),
        approved=[r.pk for r in earlier.recipients.all()],
    )

    # LĐTT: 0.3 × 2,340,000; CSTĐ cơ sở decided on 10/5/2024: 1.0 × 1,800,000 (Decree 24/2023).
    assert sorted(Record.objects.values_list("code", "year", "amount")) == [
        ("CSTD_CS", 2023, 1_800_000),
        ("LDTT", 2024, 702_000),
    ]


def test_a_collective_gets_its_flags_reward(
    flag_dossier: Callable[..., Dossier], snv_thai_nguyen: Org
) -> None:
    dossier = flag_dossier("decided")

    record = Record.objects.get(decision=dossier.decision)
    # Cờ thi đua của tỉnh: 8.0 × 2,340,000.
    assert (record.org, record.person, record.code, record.amount) == (
        snv_thai_nguyen,
        None,
        "CO_BO",
        18_720_000,
    )
    assert dossier.recipients.get().record == record


@pytest.mark.parametrize(
    ("approved", "message"),
    [
        ([], "Choose at least one recipient awarded (or return or reject the dossier)."),
        ([999_999], "A recipient chosen is not in this dossier."),
    ],
)
def test_a_decision_names_recipients_of_the_dossier(
    approved: list[int], message: str, approved_cstd: Dossier, officer_thai_nguyen: User
) -> None:
    error = refused(
        lambda: services.dossier_decide(
            actor=officer_thai_nguyen,
            dossier=approved_cstd,
            number="25/QĐ-UBND",
            date=dt.date(2025, 3, 20),
            approved=approved,
        ),
        field="approved",
    )

    assert error.message == gettext(message)


@pytest.mark.parametrize(
    ("date", "field"),
    [
        (dt.date(2023, 12, 1), "year"),  # before the year of the achievements
        (dt.date(2100, 1, 1), "date"),  # in the future
    ],
)
def test_a_decision_dated_impossibly_is_refused_and_nothing_lands(
    date: dt.date, field: str, approved_cstd: Dossier, officer_thai_nguyen: User
) -> None:
    refused(
        lambda: services.dossier_decide(
            actor=officer_thai_nguyen,
            dossier=approved_cstd,
            number="25/QĐ-UBND",
            date=date,
            approved=[r.pk for r in approved_cstd.recipients.all()],
        ),
        field=field,
    )


def test_a_decision_number_already_used_is_refused(
    approved_cstd: Dossier, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    register_services.decision_create(
        actor=officer_thai_nguyen, number="25/QĐ-UBND", date=dt.date(2025, 2, 1), issuer=thai_nguyen
    )

    refused(
        lambda: services.dossier_decide(
            actor=officer_thai_nguyen,
            dossier=approved_cstd,
            number="25/qđ-ubnd",
            date=dt.date(2025, 3, 20),
            approved=[r.pk for r in approved_cstd.recipients.all()],
        ),
        field="number",
    )


def test_a_decision_this_level_cannot_take_is_refused(
    approved_cstd_bo: Dossier, officer_thai_nguyen: User
) -> None:
    error = refused(
        lambda: services.dossier_decide(
            actor=officer_thai_nguyen,
            dossier=approved_cstd_bo,
            number="31/QĐ-SNV",
            date=dt.date(2025, 3, 20),
            approved=[r.pk for r in approved_cstd_bo.recipients.all()],
        )
    )

    assert error.message == gettext("%(a)s is decided at a higher level: forward the dossier.") % {
        "a": "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"
    }


# --- forwarding to the level that decides ----------------------------------------------------------


@pytest.fixture
def approved_cstd_bo(
    admin_user: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> Dossier:
    """Lan and Minh, CSTĐ cơ sở 2022–2024 with a province-wide initiative each, proposed for
    CSTĐ cấp tỉnh; the department's council approved, the province decides."""
    people = [person_thai_nguyen, colleague_thai_nguyen]
    for year in (2022, 2023, 2024):
        awarded(admin_user, snv_thai_nguyen, "CSTD_CS", year, people, number=f"{year}/QĐ-SNV")
    initiatives = {
        p.pk: [initiative(admin_user, f"SK-BT-{i}", [p], scope="BO_TINH")]
        for i, p in enumerate(people, start=1)
    }
    for p in people:
        assert register_selectors.evaluate_person(p, "CSTD_BO", 2024).eligible
    dossier = draft(
        admin_user,
        proposer=snv_thai_nguyen,
        receiver=snv_thai_nguyen,
        code="CSTD_BO",
        level="co_so",
        people=people,
        initiatives=initiatives,
    )
    return bring(admin_user, dossier, "approved")


def test_an_approved_dossier_is_forwarded_to_the_level_that_decides(
    approved_cstd_bo: Dossier, officer_thai_nguyen: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    parent = approved_cstd_bo
    documents = sorted(
        (d.kind, d.recipient.person_id if d.recipient else None, d.file.name)
        for d in selectors.current_documents(parent)
    )

    child = services.dossier_forward(
        actor=officer_thai_nguyen,
        dossier=parent,
        receiver=thai_nguyen,
        level="bo_tinh",
        note="Hội đồng Sở đề nghị",
    )

    child.refresh_from_db()
    assert (
        child.proposer,
        child.receiver,
        child.level,
        child.code,
        child.year,
        child.title,
        child.status,
        child.forwarded_from,
    ) == (snv_thai_nguyen, thai_nguyen, "bo_tinh", "CSTD_BO", 2024, parent.title, "draft", parent)
    assert child.reference.startswith("HS-") and child.reference.endswith(f"-{child.pk:06d}")
    assert [
        (r.person, r.rank, r.achievements, r.public_summary, [i.code for i in r.initiatives.all()])
        for r in child.recipients.order_by("rank")
    ] == [
        (r.person, r.rank, r.achievements, r.public_summary, [i.code for i in r.initiatives.all()])
        for r in parent.recipients.order_by("rank")
    ]
    assert (
        sorted(
            (d.kind, d.recipient.person_id if d.recipient else None, d.file.name)
            for d in child.documents.all()
        )
        == documents
    )
    assert all(d.recipient is None or d.recipient.dossier == child for d in child.documents.all())
    assert [(s.from_status, s.to_status, s.note) for s in child.steps.all()] == [
        ("", "draft", gettext("Forwarded from %(r)s") % {"r": parent.reference})
    ]
    parent.refresh_from_db()
    assert parent.status == "forwarded"
    event = last_event("dossiers.dossier.forwarded")
    assert (event.object_id, event.changes["forwarded_to"]) == (
        str(parent.pk),
        [None, child.reference],
    )


def test_the_decision_on_a_forwarded_dossier_tells_the_first_one(
    approved_cstd_bo: Dossier, admin_user: User, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    child = services.dossier_forward(
        actor=officer_thai_nguyen, dossier=approved_cstd_bo, receiver=thai_nguyen, level="bo_tinh"
    )
    child = bring(admin_user, child, "approved")
    lan, minh = child.recipients.order_by("rank")

    decision = services.dossier_decide(
        actor=officer_thai_nguyen,
        dossier=child,
        number="30/QĐ-UBND",
        date=dt.date(2025, 4, 1),
        approved=[lan.pk],
    )

    # CSTĐ cấp tỉnh: 3.0 × 2,340,000.
    record = Record.objects.get(decision=decision)
    assert (record.person, record.code, record.year, record.amount) == (
        lan.person,
        "CSTD_BO",
        2024,
        7_020_000,
    )
    assert [(r.person, r.outcome) for r in approved_cstd_bo.recipients.order_by("rank")] == [
        (lan.person, Outcome.APPROVED),
        (minh.person, Outcome.NOT_APPROVED),
    ]
    assert [(u.initiative.code, u.record) for u in InitiativeUse.objects.all()] == [
        ("SK-BT-1", record)
    ]


def test_forwarding_is_refused_where_this_level_decides(
    approved_cstd: Dossier, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    error = refused(
        lambda: services.dossier_forward(
            actor=officer_thai_nguyen, dossier=approved_cstd, receiver=thai_nguyen, level="bo_tinh"
        )
    )

    assert error.message == gettext("This level decides %(a)s itself.") % {
        "a": "Chiến sĩ thi đua cơ sở"
    }


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("co_so", "Forward to a higher level."),
        ("xa", "Forward to a higher level."),
        ("chinh_phu", "%(a)s is decided at a lower level."),
    ],
)
def test_forwarding_goes_up_to_the_deciding_level_and_no_further(
    level: str,
    message: str,
    approved_cstd_bo: Dossier,
    officer_thai_nguyen: User,
    council_tw: Org,
) -> None:
    error = refused(
        lambda: services.dossier_forward(
            actor=officer_thai_nguyen, dossier=approved_cstd_bo, receiver=council_tw, level=level
        ),
        field="level",
    )

    assert error.message == gettext(message) % {"a": "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"}


# --- the levels' time limits and the calendar ------------------------------------------------------


def test_the_due_date_follows_the_levels_time_limit_across_tet(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    focal_snv_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    services.level_rule_save(
        actor=admin_user, level="co_so", appraisal_days=3, public_comment=False, comment_days=5
    )
    friday = dt.date(2025, 1, 24)
    dossier = cstd_dossier([person_thai_nguyen], today=friday)

    sent = send(focal_snv_thai_nguyen, dossier, today=friday)

    # Three working days after Friday 24/1/2025, Tết (27–31/1) not counted: Wednesday 5/2/2025.
    assert (sent.submitted_on, sent.appraisal_due) == (friday, dt.date(2025, 2, 5))


def test_a_level_that_posts_for_comment_does_not_go_straight_to_the_council(
    flag_dossier: Callable[..., Dossier], admin_user: User, officer_thai_nguyen: User
) -> None:
    services.level_rule_save(
        actor=admin_user, level="bo_tinh", appraisal_days=25, public_comment=True, comment_days=10
    )
    dossier = flag_dossier("appraisal")

    error = refused(
        lambda: services.dossier_transition(
            actor=officer_thai_nguyen, dossier=dossier, target="council", today=LATER
        )
    )

    assert error.message == gettext(
        "At this level the candidates must be posted for public comment first."
    )
    posted = services.dossier_transition(
        actor=officer_thai_nguyen, dossier=dossier, target="comment", today=LATER
    )
    # Ten working days from Monday 17/3/2025: Monday 31/3/2025.
    assert (posted.status, posted.comment_closes) == ("comment", dt.date(2025, 3, 31))


def test_the_government_level_posts_for_comment_as_shipped(
    admin_user: User, officer_thai_nguyen: User, thai_nguyen: Org, snv_thai_nguyen: Org
) -> None:
    dossier = draft(
        admin_user,
        proposer=thai_nguyen,
        receiver=Org.objects.get(code="TW-HDTDKT"),
        code="CO_CP",
        level="chinh_phu",
        orgs=[snv_thai_nguyen],
    )
    dossier = bring(admin_user, dossier, "appraisal")

    error = refused(
        lambda: services.dossier_transition(
            actor=admin_user, dossier=dossier, target="council", today=LATER
        )
    )

    assert error.message == gettext(
        "At this level the candidates must be posted for public comment first."
    )


def test_the_administrator_sets_a_levels_time_limits(admin_user: User) -> None:
    rule = services.level_rule_save(
        actor=admin_user,
        level="bo_tinh",
        appraisal_days=20,
        public_comment=True,
        comment_days=7,
        legal_basis=" Quyết định 12/2025 của UBND tỉnh ",
    )

    stored = LevelRule.objects.get(level="bo_tinh")
    assert stored.pk == rule.pk
    assert (stored.appraisal_days, stored.public_comment, stored.comment_days) == (20, True, 7)
    assert stored.legal_basis == "Quyết định 12/2025 của UBND tỉnh"
    assert last_event("dossiers.level_rule.saved").changes == {
        "limits": [[25, False, 5], [20, True, 7]]
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"level": "xa"}, "level"),
        ({"appraisal_days": 0}, "appraisal_days"),
        ({"appraisal_days": 366}, "appraisal_days"),
        ({"comment_days": 0}, "comment_days"),
        ({"comment_days": 91}, "comment_days"),
    ],
)
def test_a_time_limit_is_a_sensible_number_of_working_days(
    values: dict[str, Any], field: str, admin_user: User
) -> None:
    given: dict[str, Any] = {
        "level": "co_so",
        "appraisal_days": 10,
        "public_comment": False,
        "comment_days": 5,
    }

    refused(lambda: services.level_rule_save(actor=admin_user, **(given | values)), field=field)


@pytest.mark.parametrize("persona", ["officer_thai_nguyen", "council_member", "outsider"])
def test_only_the_administrator_keeps_the_calendar(
    persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.level_rule_save(
            actor=actor, level="co_so", appraisal_days=5, public_comment=False, comment_days=5
        )
    )
    denied(lambda: services.holiday_save(actor=actor, day=dt.date(2025, 3, 4), name="Nghỉ"))
    tet = Holiday.objects.get(day=dt.date(2026, 2, 17))
    denied(lambda: services.holiday_delete(actor=actor, holiday=tet))


def test_a_holiday_added_moves_the_due_dates(db: Any, admin_user: User) -> None:
    assert selectors.add_working_days(T0, 1) == dt.date(2025, 3, 4)

    holiday = services.holiday_save(
        actor=admin_user, day=dt.date(2025, 3, 4), name="  Nghỉ   bù  ", note="Thông báo số 1"
    )

    assert (holiday.name, holiday.working, holiday.note) == ("Nghỉ bù", False, "Thông báo số 1")
    assert selectors.add_working_days(T0, 1) == dt.date(2025, 3, 5)
    assert last_event("dossiers.holiday.saved").changes == {"day": [None, ["Nghỉ bù", False]]}
    services.holiday_delete(actor=admin_user, holiday=holiday)
    assert selectors.add_working_days(T0, 1) == dt.date(2025, 3, 4)
    assert last_event("dossiers.holiday.deleted").changes == {
        "day": [["2025-03-04", "Nghỉ bù", False], None]
    }


def test_a_weekend_day_made_a_working_day_counts(db: Any, admin_user: User) -> None:
    friday = dt.date(2025, 3, 7)

    services.holiday_save(actor=admin_user, day=dt.date(2025, 3, 8), name="Làm bù", working=True)

    assert selectors.add_working_days(friday, 1) == dt.date(2025, 3, 8)
    assert Holiday.objects.filter(day=dt.date(2025, 3, 8)).count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"day": dt.date(2025, 3, 4), "name": "Làm bù", "working": True}, "working"),
        ({"day": dt.date(2025, 3, 4), "name": "   "}, "name"),
    ],
)
def test_a_calendar_day_is_named_and_only_a_weekend_day_is_worked(
    values: dict[str, Any], field: str, admin_user: User
) -> None:
    refused(lambda: services.holiday_save(actor=admin_user, **values), field=field)


def test_loading_the_shipped_calendar_again_keeps_the_officers_changes(
    db: Any, admin_user: User
) -> None:
    services.holiday_save(
        actor=admin_user, day=dt.date(2025, 9, 1), name="Quốc khánh (nghỉ theo thông báo)"
    )
    services.level_rule_save(
        actor=admin_user, level="co_so", appraisal_days=7, public_comment=False, comment_days=5
    )
    LevelRule.objects.filter(level="nha_nuoc").delete()

    services.load_calendar()

    assert Holiday.objects.get(day=dt.date(2025, 9, 1)).name == "Quốc khánh (nghỉ theo thông báo)"
    assert LevelRule.objects.get(level="co_so").appraisal_days == 7
    assert LevelRule.objects.get(level="nha_nuoc").appraisal_days == 30
    assert Holiday.objects.count() == len(selectors.shipped_calendar()["holidays"])


# --- the whole path, once --------------------------------------------------------------------------


def test_a_dossier_goes_from_the_department_to_the_register(
    cstd_dossier: Callable[..., Dossier],
    focal_snv_thai_nguyen: User,
    officer_thai_nguyen: User,
    council_thai_nguyen: User,
    person_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])
    audit = AuditEvent.objects.count()

    dossier = send(focal_snv_thai_nguyen, dossier)
    for actor, target, note in (
        (officer_thai_nguyen, "appraisal", ""),
        (officer_thai_nguyen, "council", ""),
        (council_thai_nguyen, "approved", "Biểu quyết 7/7 tán thành"),
    ):
        dossier = services.dossier_transition(
            actor=actor, dossier=dossier, target=target, note=note, today=T0
        )
    services.dossier_decide(
        actor=officer_thai_nguyen,
        dossier=dossier,
        number="27/QĐ-UBND",
        date=dt.date(2025, 3, 21),
        approved=[r.pk for r in dossier.recipients.all()],
    )

    dossier.refresh_from_db()
    assert [(s.from_status, s.to_status) for s in dossier.steps.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "appraisal"),
        ("appraisal", "council"),
        ("council", "approved"),
        ("approved", "decided"),
    ]
    assert dossier.version == 6
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))[audit:] == [
        "dossiers.dossier.submitted",
        "dossiers.dossier.appraisal",
        "dossiers.dossier.council",
        "dossiers.dossier.approved",
        "register.decision.created",
        "register.record.added",
        "dossiers.dossier.decided",
    ]
    assert Decision.objects.get().records.get().person == person_thai_nguyen
    assert state()["Record"][0]["amount"] == 2_340_000
    assert DossierDocument.objects.filter(dossier=dossier).count() == 3
