"""The complaints' services: intake by an officer, from the public page and from a public comment;
assignment, steps, the one extension, resolution (with a revocation) and dismissal. Each allowed
call changes exactly what it says and is audited without the complainant's identity; each refused
call (a DomainError naming the field) and each denied actor (PermissionDenied) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from complaints import rules, selectors, services
from complaints.models import Complaint, ComplaintStep
from complaints.tests.helpers import (
    ADDRESS,
    CONTACT,
    CONTENT,
    NAME,
    comment,
    denied,
    last_event,
    public_dossier,
    refused,
    today,
    vi,
)
from core.models import AuditEvent
from dossiers.models import Holiday
from register.models import Record, Revocation

# Signed in, but handling no complaint in Thái Nguyên.
NON_HANDLERS = (
    "member_bac_kan",
    "secretariat_bac_giang",
    "council_member",
    "viewer_bac_giang",
    "outsider",
    "officer_bac_giang",
)


def receive(actor: Any, **changes: Any) -> Complaint:
    values: dict[str, Any] = {
        "kind": "to_cao",
        "content": CONTENT,
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        "complainant_address": ADDRESS,
    }
    return services.complaint_receive(actor=actor, **(values | changes))


@pytest.fixture
def complaint(world: dict[str, Any], officer_thai_nguyen: User) -> Complaint:
    """A denunciation about decision 15/QĐ-UBND, received today by Thái Nguyên's officer."""
    return receive(officer_thai_nguyen, decision=world["decision_tn"])


@pytest.fixture
def handling(
    complaint: Complaint, officer_thai_nguyen: User, officer2_thai_nguyen: User
) -> Complaint:
    """The same, assigned to the province's second officer."""
    return services.complaint_assign(
        actor=officer_thai_nguyen, complaint=complaint, assignee=officer2_thai_nguyen
    )


def identity_absent(event: AuditEvent) -> None:
    text = json.dumps([event.changes, event.object_repr], ensure_ascii=False)
    for secret in (NAME, CONTACT, ADDRESS):
        assert secret not in text


# --- intake by an officer ----------------------------------------------------------------------


def test_an_officer_receives_a_denunciation_about_a_decision(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(officer_thai_nguyen, decision=world["decision_tn"], content=f"  {CONTENT} ")

    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.reference == f"TC-{today().year}-{stored.pk:06d}"
    assert (stored.kind, stored.channel, stored.status) == ("to_cao", "officer", "received")
    assert (stored.org, stored.decision, stored.dossier, stored.record) == (
        world["thai_nguyen"],
        world["decision_tn"],
        None,
        None,
    )
    assert (stored.complainant_name, stored.complainant_contact, stored.content) == (
        NAME,
        CONTACT,
        CONTENT,
    )
    assert stored.received_on == today()
    assert stored.due_on == services.due_date("to_cao", today())
    assert stored.created_by == officer_thai_nguyen
    assert [(s.kind, s.actor) for s in stored.steps.all()] == [("received", officer_thai_nguyen)]
    event = last_event("complaints.complaint.received")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        "complaints.complaint",
        str(stored.pk),
        world["thai_nguyen"].pk,
    )
    assert event.changes["kind"] == [None, "to_cao"]
    assert event.changes["decision"] == [None, world["decision_tn"].pk]
    identity_absent(event)


def test_a_complaint_about_a_commendation_goes_to_the_decisions_issuer(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(officer_thai_nguyen, kind="khieu_nai", record=world["record_tn"])

    assert complaint.reference.startswith("KN-")
    assert (complaint.org, complaint.record) == (world["thai_nguyen"], world["record_tn"])


def test_a_complaint_about_a_dossier_goes_to_its_receiving_level(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(
        officer_thai_nguyen,
        kind="phan_anh",
        dossier=world["dossier_tn"],
        complainant_name="",
        complainant_contact="",
        complainant_address="",
    )

    assert complaint.reference.startswith("PA-")
    assert (complaint.org, complaint.dossier, complaint.complainant_name) == (
        world["thai_nguyen"],
        world["dossier_tn"],
        "",
    )


def test_an_officer_names_another_unit_to_handle_it(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(
        officer_thai_nguyen, decision=world["decision_tn"], org=world["snv_thai_nguyen"]
    )

    assert complaint.org == world["snv_thai_nguyen"]


def test_a_dossier_and_its_decisions_record_make_one_subject(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(
        officer_thai_nguyen,
        dossier=world["dossier_done"],
        decision=world["decision_tn"],
        record=world["record_tn"],
    )

    assert (complaint.dossier, complaint.decision, complaint.record) == (
        world["dossier_done"],
        world["decision_tn"],
        world["record_tn"],
    )


def test_the_time_limit_counts_working_days_across_holidays(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    # Monday 28/8/2023; Friday 1/9 and Monday 4/9 are holidays (Quốc khánh).
    Holiday.objects.filter(day__range=(dt.date(2023, 8, 1), dt.date(2023, 12, 31))).delete()
    Holiday.objects.create(day=dt.date(2023, 9, 1), name="Quốc khánh")
    Holiday.objects.create(day=dt.date(2023, 9, 4), name="Quốc khánh (nghỉ bù)")

    complaint = receive(
        officer_thai_nguyen, decision=world["decision_tn"], received_on=dt.date(2023, 8, 28)
    )

    # 30 working days: Wednesday 11/10 rather than Monday 9/10 without the two holidays.
    assert rules.TIME_LIMITS["to_cao"].days == 30
    assert complaint.due_on == dt.date(2023, 10, 11)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision": None}, "subject"),
        ({"kind": "kien_nghi"}, "kind"),
        ({"content": "ngắn"}, "content"),
        ({"content": "x" * 5001}, "content"),
        ({"complainant_name": "  "}, "complainant_name"),
        ({"kind": "khieu_nai", "complainant_name": " "}, "complainant_name"),
        ({"complainant_contact": "", "complainant_address": ""}, "complainant_contact"),
        ({"complainant_name": "x" * 151}, "complainant_name"),
        ({"received_on": dt.date(2099, 1, 1)}, "received_on"),
        ({"received_on": dt.date(1900, 1, 1)}, "received_on"),
        ({"record": "record_bg"}, "record"),  # not in decision 15/QĐ-UBND
        ({"dossier": "dossier_tn"}, "decision"),  # the dossier is not decided by it
    ],
)
def test_a_bad_complaint_is_explained_and_not_recorded(
    world: dict[str, Any],
    officer_thai_nguyen: User,
    admin_user: User,
    changes: dict[str, Any],
    field: str,
) -> None:
    changes = {k: world[v] if k in ("record", "dossier") else v for k, v in changes.items()}

    values = {"decision": world["decision_tn"]} | changes

    refused(lambda: receive(admin_user, **values), field=field)


def test_a_record_from_another_dossier_is_refused(world: dict[str, Any], admin_user: User) -> None:
    error = refused(
        lambda: receive(admin_user, dossier=world["dossier_tn"], record=world["record_tn"]),
        field="record",
    )

    assert error.message == vi("The commendation did not come from that dossier.")


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_handlers_receive_complaints(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: receive(actor, decision=world["decision_tn"]))
    denied(lambda: receive(actor, dossier=world["dossier_tn"]))


def test_an_officer_cannot_hand_a_complaint_to_a_unit_out_of_reach(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    denied(
        lambda: receive(officer_thai_nguyen, decision=world["decision_tn"], org=world["bac_giang"])
    )
    denied(lambda: receive(officer_thai_nguyen, decision=world["decision_bg"]))


# --- intake from the public page ---------------------------------------------------------------


def public(world: dict[str, Any], **changes: Any) -> Complaint:
    values: dict[str, Any] = {
        "dossier": world["dossier_tn"],
        "kind": "to_cao",
        "content": CONTENT,
        "source": "nguon-1",
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
    }
    return services.complaint_receive_public(**(values | changes))


def test_the_public_sends_a_denunciation_about_a_dossier_under_comment(
    world: dict[str, Any],
) -> None:
    complaint = public(world)

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.channel, stored.org, stored.dossier, stored.source) == (
        "public",
        world["thai_nguyen"],
        world["dossier_tn"],
        "nguon-1",
    )
    assert (stored.received_on, stored.created_by, stored.complainant_name) == (
        today(),
        None,
        NAME,
    )
    assert [(s.kind, s.actor) for s in stored.steps.all()] == [("received", None)]
    event = last_event("complaints.complaint.received")
    assert (event.actor, event.actor_name, event.changes["channel"]) == (
        None,
        "system",
        [None, "public"],
    )
    identity_absent(event)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "appraisal"},
        {"status": "council"},
        {"comment_opens": dt.date(2000, 1, 1), "comment_closes": dt.date(2000, 1, 14)},
        {"comment_opens": dt.date(2099, 1, 1), "comment_closes": dt.date(2099, 1, 14)},
        {"comment_opens": None, "comment_closes": None},
    ],
)
def test_the_public_page_takes_complaints_only_while_the_window_is_open(
    world: dict[str, Any], changes: dict[str, Any]
) -> None:
    dossier = public_dossier("HS-2026-000009", world["snv_thai_nguyen"], world["thai_nguyen"])
    type(dossier).objects.filter(pk=dossier.pk).update(**changes)

    error = refused(lambda: public(world, dossier=dossier))

    assert error.message == vi("This dossier is not open for public comment.")


def test_the_public_page_takes_three_complaints_an_hour_from_one_connection(
    world: dict[str, Any],
) -> None:
    now = timezone.now()
    for n in range(3):
        public(world, content=f"{CONTENT} ({n})", now=now + dt.timedelta(minutes=n))

    error = refused(
        lambda: public(world, content=f"{CONTENT} (3)", now=now + dt.timedelta(minutes=10))
    )

    assert error.message == vi("Too many complaints from this connection; try again later.")
    # Another connection, or the same an hour after the first, may send again.
    public(world, content=f"{CONTENT} (4)", source="nguon-2", now=now + dt.timedelta(minutes=10))
    public(world, content=f"{CONTENT} (5)", now=now + dt.timedelta(minutes=61))
    assert Complaint.objects.filter(source="nguon-1").count() == 4


def test_the_public_page_does_not_take_the_same_complaint_twice(world: dict[str, Any]) -> None:
    public(world)

    refused(lambda: public(world, content=f" {CONTENT}"), field="content")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"complainant_name": ""}, "complainant_name"),
        ({"complainant_contact": ""}, "complainant_contact"),
        ({"content": "?"}, "content"),
        ({"kind": "khac"}, "kind"),
    ],
)
def test_a_bad_public_complaint_is_refused(
    world: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    refused(lambda: public(world, **changes), field=field)


def test_anonymous_feedback_is_taken(world: dict[str, Any]) -> None:
    complaint = public(world, kind="phan_anh", complainant_name="", complainant_contact="")

    assert (complaint.kind, complaint.complainant_name) == ("phan_anh", "")


# --- a public comment handled as a complaint ---------------------------------------------------


def test_an_officer_records_a_public_comment_as_a_denunciation(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    note = comment(world["dossier_tn"])

    complaint = services.comment_to_complaint(
        actor=officer_thai_nguyen, comment=note, kind="to_cao"
    )

    assert (complaint.comment, complaint.dossier, complaint.org, complaint.channel) == (
        note,
        world["dossier_tn"],
        world["thai_nguyen"],
        "public",
    )
    assert (complaint.complainant_name, complaint.complainant_contact, complaint.content) == (
        NAME,
        CONTACT,
        CONTENT,
    )
    assert complaint.received_on == timezone.localdate(note.received_at)
    assert (complaint.created_by, complaint.source) == (officer_thai_nguyen, "")
    assert complaint.steps.get().note == vi(
        "From a public comment on dossier %(r)s.", r="HS-2026-000001"
    )
    # The comment's own handling is the dossier page's business.
    note.refresh_from_db()
    assert note.handling == ""


def test_a_comment_becomes_one_complaint_only(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    note = comment(world["dossier_tn"])
    first = services.comment_to_complaint(actor=officer_thai_nguyen, comment=note, kind="to_cao")

    error = refused(
        lambda: services.comment_to_complaint(
            actor=officer_thai_nguyen, comment=note, kind="phan_anh"
        ),
        field="comment",
    )

    assert first.reference in error.message


def test_an_anonymous_comment_is_recorded_as_feedback_only(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    note = comment(world["dossier_tn"], author_name="", contact="")

    refused(
        lambda: services.comment_to_complaint(
            actor=officer_thai_nguyen, comment=note, kind="to_cao"
        ),
        field="kind",
    )
    complaint = services.comment_to_complaint(
        actor=officer_thai_nguyen, comment=note, kind="phan_anh"
    )
    assert complaint.kind == "phan_anh"


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_the_receiving_levels_handlers_turn_comments_into_complaints(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str
) -> None:
    note = comment(world["dossier_tn"])
    actor = request.getfixturevalue(persona)

    denied(lambda: services.comment_to_complaint(actor=actor, comment=note, kind="to_cao"))


# --- assignment ----------------------------------------------------------------------------------


def test_an_officer_assigns_a_handler_and_the_handling_starts(
    complaint: Complaint, officer_thai_nguyen: User, officer2_thai_nguyen: User
) -> None:
    updated = services.complaint_assign(
        actor=officer_thai_nguyen,
        complaint=complaint,
        assignee=officer2_thai_nguyen,
        note="Xác minh trong 10 ngày",
    )

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.assignee, stored.status) == (officer2_thai_nguyen, "handling")
    assert updated.status == "handling"
    step = stored.steps.last()
    assert step is not None
    assert (step.kind, step.actor, step.note) == (
        "assigned",
        officer_thai_nguyen,
        f"{officer2_thai_nguyen}: Xác minh trong 10 ngày",
    )
    event = last_event("complaints.complaint.assigned")
    assert event.changes == {
        "assignee": [None, officer2_thai_nguyen.pk],
        "status": ["received", "handling"],
    }


def test_a_handler_is_reassigned(
    handling: Complaint, officer_thai_nguyen: User, admin_user: User
) -> None:
    services.complaint_assign(actor=admin_user, complaint=handling, assignee=officer_thai_nguyen)

    stored = Complaint.objects.get(pk=handling.pk)
    assert (stored.assignee, stored.status) == (officer_thai_nguyen, "handling")


@pytest.mark.parametrize("assignee", ["officer_bac_giang", "member_bac_kan", "outsider"])
def test_only_a_handler_of_the_unit_can_be_assigned(
    request: pytest.FixtureRequest,
    complaint: Complaint,
    officer_thai_nguyen: User,
    assignee: str,
) -> None:
    user = request.getfixturevalue(assignee)

    refused(
        lambda: services.complaint_assign(
            actor=officer_thai_nguyen, complaint=complaint, assignee=user
        ),
        field="assignee",
    )


def test_an_inactive_officer_cannot_be_assigned(
    complaint: Complaint, officer_thai_nguyen: User, officer2_thai_nguyen: User
) -> None:
    User.objects.filter(pk=officer2_thai_nguyen.pk).update(is_active=False)
    officer2_thai_nguyen.refresh_from_db()

    refused(
        lambda: services.complaint_assign(
            actor=officer_thai_nguyen, complaint=complaint, assignee=officer2_thai_nguyen
        ),
        field="assignee",
    )


def test_the_same_handler_is_not_assigned_twice(
    handling: Complaint, officer_thai_nguyen: User, officer2_thai_nguyen: User
) -> None:
    refused(
        lambda: services.complaint_assign(
            actor=officer_thai_nguyen, complaint=handling, assignee=officer2_thai_nguyen
        ),
        field="assignee",
    )


def test_a_closed_complaint_is_not_assigned(
    complaint: Complaint, officer_thai_nguyen: User, officer2_thai_nguyen: User
) -> None:
    services.complaint_dismiss(actor=officer_thai_nguyen, complaint=complaint, reason="Rút đơn")

    refused(
        lambda: services.complaint_assign(
            actor=officer_thai_nguyen, complaint=complaint, assignee=officer2_thai_nguyen
        )
    )


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_the_units_handlers_assign(
    request: pytest.FixtureRequest,
    complaint: Complaint,
    officer2_thai_nguyen: User,
    persona: str,
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.complaint_assign(
            actor=actor, complaint=complaint, assignee=officer2_thai_nguyen
        )
    )


# --- steps ----------------------------------------------------------------------------------------


def test_the_assignee_records_a_step(handling: Complaint, officer2_thai_nguyen: User) -> None:
    step = services.complaint_step(
        actor=officer2_thai_nguyen, complaint=handling, note=" Đã làm việc với người tố cáo. "
    )

    assert (step.kind, step.actor, step.note) == (
        "note",
        officer2_thai_nguyen,
        "Đã làm việc với người tố cáo.",
    )
    assert [s.kind for s in handling.steps.all()] == ["received", "assigned", "note"]
    event = last_event("complaints.complaint.step")
    assert event.changes == {"step": [None, "note"]}


def test_the_assignee_handles_it_even_without_a_role_in_the_unit(
    handling: Complaint, outsider: User
) -> None:
    Complaint.objects.filter(pk=handling.pk).update(assignee=outsider)

    services.complaint_step(actor=outsider, complaint=handling, note="Đã xác minh.")

    assert handling.steps.last().actor == outsider  # type: ignore[union-attr]


def test_an_empty_step_is_refused(handling: Complaint, officer2_thai_nguyen: User) -> None:
    refused(
        lambda: services.complaint_step(actor=officer2_thai_nguyen, complaint=handling, note=" "),
        field="note",
    )


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_handlers_record_steps(
    request: pytest.FixtureRequest, handling: Complaint, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.complaint_step(actor=actor, complaint=handling, note="Ghi chú"))


# --- extension ------------------------------------------------------------------------------------


def test_the_handler_extends_the_time_limit_once(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    Holiday.objects.filter(day__range=(dt.date(2023, 8, 1), dt.date(2023, 12, 31))).delete()
    complaint = receive(
        officer_thai_nguyen, decision=world["decision_tn"], received_on=dt.date(2023, 8, 28)
    )
    assert complaint.due_on == dt.date(2023, 10, 9)

    services.complaint_extend(
        actor=officer_thai_nguyen, complaint=complaint, reason="Vụ việc phức tạp"
    )

    stored = Complaint.objects.get(pk=complaint.pk)
    # A denunciation: at most 30 more working days (Luật Tố cáo 2018, Điều 30).
    assert (stored.due_on, stored.extension_days, stored.extension_reason) == (
        dt.date(2023, 11, 20),
        30,
        "Vụ việc phức tạp",
    )
    assert stored.steps.last().kind == "extended"  # type: ignore[union-attr]
    event = last_event("complaints.complaint.step")
    assert event.changes == {
        "step": [None, "extended"],
        "due_on": ["2023-10-09", "2023-11-20"],
        "extension_days": [0, 30],
    }
    error = refused(
        lambda: services.complaint_extend(
            actor=officer_thai_nguyen, complaint=complaint, reason="Lần nữa"
        )
    )
    assert error.message == vi("The time limit can be extended only once.")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"reason": " "}, "reason"), ({"days": 31}, "days"), ({"days": 0}, "days")],
)
def test_a_bad_extension_is_refused(
    complaint: Complaint, officer_thai_nguyen: User, changes: dict[str, Any], field: str
) -> None:
    values = {"reason": "Phức tạp"} | changes

    refused(
        lambda: services.complaint_extend(actor=officer_thai_nguyen, complaint=complaint, **values),
        field=field,
    )


def test_a_complaint_extends_by_at_most_fifteen_working_days(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(officer_thai_nguyen, kind="khieu_nai", decision=world["decision_tn"])

    refused(
        lambda: services.complaint_extend(
            actor=officer_thai_nguyen, complaint=complaint, reason="Phức tạp", days=16
        ),
        field="days",
    )
    services.complaint_extend(
        actor=officer_thai_nguyen, complaint=complaint, reason="Phức tạp", days=15
    )
    assert Complaint.objects.get(pk=complaint.pk).extension_days == 15


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_handlers_extend(
    request: pytest.FixtureRequest, complaint: Complaint, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.complaint_extend(actor=actor, complaint=complaint, reason="Lý do"))


# --- resolution -----------------------------------------------------------------------------------


def test_the_handler_resolves_the_complaint(
    handling: Complaint, officer2_thai_nguyen: User
) -> None:
    services.complaint_resolve(
        actor=officer2_thai_nguyen, complaint=handling, resolution="Tố cáo không đúng."
    )

    stored = Complaint.objects.get(pk=handling.pk)
    assert (stored.status, stored.resolution, stored.resolved_on, stored.revocation) == (
        "resolved",
        "Tố cáo không đúng.",
        today(),
        None,
    )
    assert stored.steps.last().kind == "resolved"  # type: ignore[union-attr]
    event = last_event("complaints.complaint.resolved")
    assert event.changes == {
        "status": ["handling", "resolved"],
        "resolved_on": [None, today().isoformat()],
    }


@pytest.mark.parametrize("record", ["record_tn", "record_tn_unit"])
def test_a_resolution_revokes_a_commendation_of_the_decision(
    world: dict[str, Any], handling: Complaint, officer2_thai_nguyen: User, record: str
) -> None:
    target: Record = world[record]

    services.complaint_resolve(
        actor=officer2_thai_nguyen,
        complaint=handling,
        resolution="Tố cáo đúng: thành tích không có thật.",
        revoke=target,
        decision_number="99/QĐ-UBND",
        decision_date=today(),
    )

    stored = Complaint.objects.get(pk=handling.pk)
    revocation = Revocation.objects.get(record=target)
    assert stored.revocation == revocation
    assert (revocation.reason, revocation.decision_number, revocation.decision_date) == (
        "Tố cáo đúng: thành tích không có thật.",
        "99/QĐ-UBND",
        today(),
    )
    assert Record.objects.get(pk=target.pk).revoked is True
    assert last_event("register.record.revoked").object_id == str(target.pk)
    event = last_event("complaints.complaint.resolved")
    assert event.changes["revocation"] == [None, revocation.pk]


def test_a_resolution_revokes_a_commendation_of_the_dossier(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = receive(officer_thai_nguyen, dossier=world["dossier_done"])
    services.complaint_assign(
        actor=officer_thai_nguyen, complaint=complaint, assignee=officer_thai_nguyen
    )

    services.complaint_resolve(
        actor=officer_thai_nguyen,
        complaint=complaint,
        resolution="Thu hồi.",
        revoke=world["record_tn"],
        decision_number="100/QĐ-UBND",
        decision_date=today(),
    )

    assert Record.objects.get(pk=world["record_tn"].pk).revoked is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resolution": " "}, "resolution"),
        ({"resolved_on": dt.date(2099, 1, 1)}, "resolved_on"),
        ({"resolved_on": dt.date(2020, 1, 1)}, "resolved_on"),  # before it was received
        ({"revoke": "record_bg"}, "record"),  # not the complaint's subject
        ({"revoke": "record_tn", "decision_date": None}, "decision_date"),
        ({"revoke": "record_tn", "decision_number": " "}, "decision_number"),
        ({"revoke": "record_tn", "decision_date": dt.date(2024, 1, 1)}, "decision_date"),
    ],
)
def test_a_bad_resolution_is_refused(
    world: dict[str, Any],
    handling: Complaint,
    officer2_thai_nguyen: User,
    changes: dict[str, Any],
    field: str,
) -> None:
    values: dict[str, Any] = {
        "resolution": "Thu hồi.",
        "decision_number": "99/QĐ-UBND",
        "decision_date": today(),
    }
    values |= {k: world[v] if k == "revoke" else v for k, v in changes.items()}

    refused(
        lambda: services.complaint_resolve(
            actor=officer2_thai_nguyen, complaint=handling, **values
        ),
        field=field,
    )


def test_a_revoked_commendation_is_not_revoked_again(
    world: dict[str, Any], handling: Complaint, officer2_thai_nguyen: User, admin_user: User
) -> None:
    from register import services as register_services

    register_services.record_revoke(
        actor=admin_user,
        record=world["record_tn"],
        reason="Đã thu hồi trước",
        decision_number="1/QĐ",
        decision_date=today(),
    )

    refused(
        lambda: services.complaint_resolve(
            actor=officer2_thai_nguyen,
            complaint=handling,
            resolution="Thu hồi.",
            revoke=world["record_tn"],
            decision_number="99/QĐ-UBND",
            decision_date=today(),
        ),
        field="record",
    )


def test_the_handler_revokes_only_what_they_keep(
    world: dict[str, Any], admin_user: User, officer_thai_nguyen: User
) -> None:
    # Bắc Giang's decision, handed to Thái Nguyên by an administrator.
    complaint = receive(admin_user, decision=world["decision_bg"], org=world["thai_nguyen"])
    services.complaint_assign(
        actor=officer_thai_nguyen, complaint=complaint, assignee=officer_thai_nguyen
    )

    refused(
        lambda: services.complaint_resolve(
            actor=officer_thai_nguyen,
            complaint=complaint,
            resolution="Thu hồi.",
            revoke=world["record_bg"],
            decision_number="99/QĐ-UBND",
            decision_date=today(),
        ),
        field="record",
    )


def test_a_complaint_is_assigned_before_it_is_resolved(
    complaint: Complaint, officer_thai_nguyen: User
) -> None:
    error = refused(
        lambda: services.complaint_resolve(
            actor=officer_thai_nguyen, complaint=complaint, resolution="Xong."
        )
    )

    assert error.message == vi("Assign the complaint to a handler before resolving it.")


def test_a_resolved_complaint_stays_closed(handling: Complaint, officer2_thai_nguyen: User) -> None:
    services.complaint_resolve(actor=officer2_thai_nguyen, complaint=handling, resolution="Xong.")

    for call in (
        lambda: services.complaint_resolve(
            actor=officer2_thai_nguyen, complaint=handling, resolution="Lần nữa."
        ),
        lambda: services.complaint_dismiss(
            actor=officer2_thai_nguyen, complaint=handling, reason="Lần nữa."
        ),
        lambda: services.complaint_step(actor=officer2_thai_nguyen, complaint=handling, note="x"),
        lambda: services.complaint_extend(
            actor=officer2_thai_nguyen, complaint=handling, reason="x"
        ),
    ):
        refused(call)


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_handlers_resolve(
    request: pytest.FixtureRequest, world: dict[str, Any], handling: Complaint, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.complaint_resolve(actor=actor, complaint=handling, resolution="Xong."))
    denied(
        lambda: services.complaint_resolve(
            actor=actor,
            complaint=handling,
            resolution="Thu hồi.",
            revoke=world["record_tn"],
            decision_number="99/QĐ-UBND",
            decision_date=today(),
        )
    )


# --- dismissal ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["complaint", "handling"])
def test_the_handler_dismisses_a_complaint(
    request: pytest.FixtureRequest, officer_thai_nguyen: User, fixture: str
) -> None:
    complaint: Complaint = request.getfixturevalue(fixture)
    before = complaint.status

    services.complaint_dismiss(
        actor=officer_thai_nguyen, complaint=complaint, reason="Đơn không đủ điều kiện thụ lý."
    )

    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.status, stored.resolution, stored.resolved_on) == (
        "dismissed",
        "Đơn không đủ điều kiện thụ lý.",
        today(),
    )
    assert stored.steps.last().kind == "dismissed"  # type: ignore[union-attr]
    event = last_event("complaints.complaint.resolved")
    assert event.changes["status"] == [before, "dismissed"]


def test_a_dismissal_gives_its_reason(complaint: Complaint, officer_thai_nguyen: User) -> None:
    refused(
        lambda: services.complaint_dismiss(
            actor=officer_thai_nguyen, complaint=complaint, reason=""
        ),
        field="reason",
    )


@pytest.mark.parametrize("persona", NON_HANDLERS)
def test_only_handlers_dismiss(
    request: pytest.FixtureRequest, complaint: Complaint, persona: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.complaint_dismiss(actor=actor, complaint=complaint, reason="x"))


# --- selectors -------------------------------------------------------------------------------------


def test_each_user_sees_the_complaints_they_handle(
    request: pytest.FixtureRequest,
    world: dict[str, Any],
    admin_user: User,
    officer_bac_giang: User,
    officer_thai_nguyen: User,
    officer2_thai_nguyen: User,
) -> None:
    tn = receive(admin_user, decision=world["decision_tn"])
    bg = receive(admin_user, decision=world["decision_bg"])
    mine = receive(admin_user, decision=world["decision_bg"])
    Complaint.objects.filter(pk=mine.pk).update(assignee=officer_thai_nguyen)

    def seen(user: User) -> set[int]:
        return set(selectors.visible_complaints(user).values_list("pk", flat=True))

    assert seen(admin_user) == {tn.pk, bg.pk, mine.pk}
    assert seen(officer_thai_nguyen) == {tn.pk, mine.pk}
    assert seen(officer2_thai_nguyen) == {tn.pk}
    assert seen(officer_bac_giang) == {bg.pk, mine.pk}
    for persona in NON_HANDLERS[:-1]:
        assert seen(request.getfixturevalue(persona)) == set()


def test_only_handlers_and_the_assignee_see_who_complained(
    request: pytest.FixtureRequest, handling: Complaint, outsider: User
) -> None:
    for persona in ("admin_user", "officer_thai_nguyen", "officer2_thai_nguyen"):
        assert selectors.can_see_identity(request.getfixturevalue(persona), handling)
    for persona in NON_HANDLERS:
        assert not selectors.can_see_identity(request.getfixturevalue(persona), handling)
    Complaint.objects.filter(pk=handling.pk).update(assignee=outsider)
    handling.refresh_from_db()
    assert selectors.can_see_identity(outsider, handling)


def test_the_list_filters_by_status_kind_and_overdue(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    Holiday.objects.filter(day__range=(dt.date(2023, 8, 1), dt.date(2023, 12, 31))).delete()
    late = receive(
        officer_thai_nguyen, decision=world["decision_tn"], received_on=dt.date(2023, 8, 28)
    )
    fresh = receive(officer_thai_nguyen, kind="khieu_nai", record=world["record_tn"])
    closed = receive(
        officer_thai_nguyen, decision=world["decision_tn"], received_on=dt.date(2023, 8, 28)
    )
    services.complaint_dismiss(actor=officer_thai_nguyen, complaint=closed, reason="Rút đơn")

    def refs(**filters: Any) -> list[str]:
        return [
            c.reference for c in selectors.complaint_list(user=officer_thai_nguyen, filters=filters)
        ]

    assert refs() == [fresh.reference, closed.reference, late.reference]
    assert refs(overdue=True) == [late.reference]
    assert refs(kind="khieu_nai") == [fresh.reference]
    assert refs(status="dismissed") == [closed.reference]
    assert refs(q=late.reference.lower()) == [late.reference]
    assert selectors.overdue_count(user=officer_thai_nguyen) == 1


def test_the_handlers_of_a_unit_include_those_of_the_unit_it_merged_into(
    world: dict[str, Any],
    admin_user: User,
    officer_thai_nguyen: User,
    officer2_thai_nguyen: User,
    officer_bac_giang: User,
    member_bac_kan: User,
) -> None:
    # Sở Nội vụ Bắc Kạn merged into Sở Nội vụ Thái Nguyên (conftest.py): Thái Nguyên's officers
    # reach it; its own focal point does not handle complaints.
    handlers = selectors.handlers_for(world["snv_bac_kan"])

    assert {u.username for u in handlers} == {
        "quantri",
        "quantri.khieunai",
        "canbo.thainguyen",
        "canbo2.thainguyen",
    }


def test_steps_are_kept_in_order(handling: Complaint) -> None:
    assert [s.kind for s in selectors.steps(handling)] == ["received", "assigned"]
    assert ComplaintStep.objects.filter(complaint=handling).count() == 2
