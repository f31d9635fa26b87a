"""The audit trail: one event per service call, in its transaction; a hash chain that shows tampering."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts.models import ApiToken, Role, User
from accounts.services import membership_grant, token_create, token_revoke, user_create
from core.audit import GENESIS, audit_verify, compute_hash, diff, jsonable
from core.models import AuditChainHead, AuditEvent
from orgs.models import Org
from orgs.services import lineage_record, org_create, org_update
from people.models import Person
from people.services import person_create, person_transfer, person_update

ID_NUMBER = "019185000123"


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("id"))


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


class Boom(Exception):
    pass


# --- one event per service call ----------------------------------------------------------------


def test_it_records_who_created_a_unit_and_its_fields(
    officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    since = last_id()

    org = org_create(
        actor=officer_thai_nguyen,
        code="19.STC",
        name="Sở Tài chính",
        kind="department",
        parent=thai_nguyen,
    )

    [event] = new_events(since)
    assert (event.action, event.object_type, event.object_id, event.object_repr) == (
        "orgs.org.created",
        "orgs.org",
        str(org.pk),
        "Sở Tài chính",
    )
    assert (event.actor, event.actor_name, event.org_id_hint) == (
        officer_thai_nguyen,
        "canbo.thainguyen",
        org.pk,
    )
    assert event.changes == {
        "code": [None, "19.STC"],
        "name": [None, "Sở Tài chính"],
        "kind": [None, "department"],
        "parent": [None, thai_nguyen.pk],
    }


def test_it_records_only_the_changed_fields_before_and_after(
    snv_thai_nguyen: Org, bac_giang: Org
) -> None:
    since = last_id()

    org_update(
        actor=None,
        org=snv_thai_nguyen,
        name="Sở Nội vụ Thái Nguyên",
        code="19.SNV",
        valid_from=dt.date(2008, 1, 1),
        parent=bac_giang,
    )

    [event] = new_events(since)
    assert event.action == "orgs.org.updated"
    assert event.actor is None
    assert event.actor_name == "system"
    assert event.changes == {
        "name": ["Sở Nội vụ tỉnh Thái Nguyên", "Sở Nội vụ Thái Nguyên"],
        "parent": [snv_thai_nguyen.parent_id, bac_giang.pk],
        "valid_from": [None, "2008-01-01"],
    }


def test_it_records_a_lineage_change_and_the_end_it_sets(
    snv_thai_nguyen: Org, province: Any
) -> None:
    bac_ninh = province("27")  # active after the 2025 merger
    since = last_id()

    event = lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=snv_thai_nguyen,
        successor=bac_ninh,
        effective_date=dt.date(2025, 7, 1),
        legal_basis="NQ 1",
    )

    ended, recorded = new_events(since)
    assert (ended.action, ended.object_id, ended.changes) == (
        "orgs.org.updated",
        str(snv_thai_nguyen.pk),
        {"valid_to": [None, "2025-06-30"]},
    )
    assert (recorded.action, recorded.object_type, recorded.object_id) == (
        "orgs.lineage.recorded",
        "orgs.lineageevent",
        str(event.pk),
    )
    assert recorded.changes == {
        "kind": [None, "merged_into"],
        "predecessor": [None, snv_thai_nguyen.pk],
        "successor": [None, bac_ninh.pk],
        "effective_date": [None, "2025-07-01"],
        "legal_basis": [None, "NQ 1"],
    }


def test_it_records_the_people_services(snv_thai_nguyen: Org, snv_bac_giang: Org) -> None:
    since = last_id()

    person = person_create(
        actor=None,
        full_name="Lê Văn Nam",
        gender="M",
        birth_year=1980,
        unit=snv_thai_nguyen,
        position="Chuyên viên",
    )
    person_update(actor=None, person=person, position="Phó Giám đốc")
    person_transfer(
        actor=None,
        person=person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2099, 1, 1),
        decision="1/QĐ",
    )

    created, updated, transferred = new_events(since)
    assert [created.action, updated.action, transferred.action] == [
        "people.person.created",
        "people.person.updated",
        "people.person.transferred",
    ]
    assert {created.object_id, updated.object_id, transferred.object_id} == {str(person.pk)}
    assert updated.changes == {"position": ["Chuyên viên", "Phó Giám đốc"]}
    assert (updated.org_id_hint, transferred.org_id_hint) == (snv_thai_nguyen.pk, snv_bac_giang.pk)
    assert transferred.changes == {
        "unit": [snv_thai_nguyen.pk, snv_bac_giang.pk],
        "start_date": [None, "2099-01-01"],
        "decision": [None, "1/QĐ"],
    }


def test_it_records_the_account_services(thai_nguyen: Org) -> None:
    since = last_id()

    user = user_create(actor=None, username="moi", password=None, full_name="Người mới")
    membership_grant(actor=None, user=user, role=Role.VIEWER, org=thai_nguyen)
    membership_grant(actor=None, user=user, role=Role.VIEWER, org=thai_nguyen)  # already held
    token, secret = token_create(user=user, name="báo cáo")
    token_revoke(user=user, token=token)

    events = new_events(since)
    assert [e.action for e in events] == [
        "accounts.user.created",
        "accounts.role.granted",
        "accounts.token.created",
        "accounts.token.revoked",
    ]
    assert events[1].changes == {
        "user": [None, "moi"],
        "role": [None, "viewer"],
        "org": [None, thai_nguyen.pk],
    }
    assert events[2].actor == user
    assert secret not in json.dumps([e.changes for e in events])


def test_it_writes_nothing_for_an_update_that_changes_nothing(snv_thai_nguyen: Org) -> None:
    since = last_id()

    org_update(actor=None, org=snv_thai_nguyen, name=snv_thai_nguyen.name)

    assert new_events(since) == []


def test_it_rolls_the_event_back_with_the_change(thai_nguyen: Org, snv_thai_nguyen: Org) -> None:
    since = last_id()
    head = AuditChainHead.objects.get()

    with pytest.raises(Boom), transaction.atomic():
        org_create(actor=None, code="19.TMP", name="Tạm", kind="other", parent=thai_nguyen)
        assert len(new_events(since)) == 1
        raise Boom

    assert new_events(since) == []
    assert not Org.objects.filter(code="19.TMP").exists()
    assert (AuditChainHead.objects.get().last_id, AuditChainHead.objects.get().count) == (
        head.last_id,
        head.count,
    )
    assert audit_verify()[1] == []


def test_it_rolls_back_a_person_and_its_event_together(snv_thai_nguyen: Org) -> None:
    since = last_id()

    with pytest.raises(Boom), transaction.atomic():
        person_create(actor=None, full_name="Hà Văn Tạm", gender="M", unit=snv_thai_nguyen)
        raise Boom

    assert new_events(since) == []
    assert not Person.objects.filter(full_name="Hà Văn Tạm").exists()


def test_it_writes_no_event_for_a_refused_change(thai_nguyen: Org) -> None:
    since = last_id()

    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        org_create(actor=None, code="19", name="Trùng mã", kind="other")

    assert new_events(since) == []


# --- personal data -----------------------------------------------------------------------------


def test_it_never_keeps_an_id_number_in_clear(
    person_thai_nguyen: Person, snv_bac_giang: Org
) -> None:
    person_update(actor=None, person=person_thai_nguyen, id_number="019185000999")
    person_update(actor=None, person=person_thai_nguyen, id_number="")
    person_update(actor=None, person=person_thai_nguyen, id_number="123456789")
    person_transfer(
        actor=None, person=person_thai_nguyen, to_unit=snv_bac_giang, start_date=dt.date(2020, 1, 1)
    )

    events = AuditEvent.objects.filter(
        object_type="people.person", object_id=str(person_thai_nguyen.pk)
    )
    dumped = json.dumps([[e.changes, e.object_repr] for e in events])
    for secret in (ID_NUMBER, "019185000999", "123456789"):
        assert secret not in dumped
    created = events.get(action="people.person.created")
    assert created.changes["id_number"] == [None, "***"]
    updated = events.filter(action="people.person.updated").order_by("id")
    assert updated[0].changes["id_number"] == ["***", "***"]  # replaced
    assert updated[2].changes["id_number"] == [None, "***"]  # added


def test_it_records_a_removed_id_number_as_removed(person_thai_nguyen: Person) -> None:
    since = last_id()

    person_update(actor=None, person=person_thai_nguyen, id_number="")

    [event] = new_events(since)
    assert event.changes == {"id_number": ["***", None]}


def test_it_keeps_no_id_number_entry_for_a_person_without_one(snv_thai_nguyen: Org) -> None:
    since = last_id()

    person_create(actor=None, full_name="Vi Thị Hoa", gender="F", unit=snv_thai_nguyen)

    [event] = new_events(since)
    assert "id_number" not in event.changes


# --- helpers -----------------------------------------------------------------------------------


def test_it_turns_values_into_stable_json() -> None:
    aware = dt.datetime(2025, 7, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    assert jsonable(aware) == "2025-07-01T00:00:00+00:00"
    assert jsonable(dt.date(2025, 7, 1)) == "2025-07-01"
    assert jsonable((1, dt.date(2025, 1, 2))) == [1, "2025-01-02"]
    assert jsonable(1.5) == "1.5"
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


# --- the chain ---------------------------------------------------------------------------------


@pytest.fixture
def trail(thai_nguyen: Org) -> list[AuditEvent]:
    for n in range(6):
        org_create(actor=None, code=f"19.P{n}", name=f"Phòng {n}", kind="other", parent=thai_nguyen)
    return list(AuditEvent.objects.order_by("id"))


def test_it_chains_each_event_to_the_previous_one(trail: list[AuditEvent]) -> None:
    assert trail[0].prev_id == 0
    assert trail[0].prev_hash == GENESIS
    for previous, event in itertools.pairwise(trail):
        assert (event.prev_id, event.prev_hash) == (previous.pk, previous.hash)
        assert event.hash == compute_hash(event)
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash, head.count) == (trail[-1].pk, trail[-1].hash, len(trail))


def test_it_verifies_an_untouched_chain(trail: list[AuditEvent]) -> None:
    out = StringIO()

    assert audit_verify() == (len(trail), [])
    call_command("audit_verify", stdout=out)

    assert f"{len(trail)} sự kiện" in out.getvalue()


def test_it_names_the_edited_and_the_deleted_event(trail: list[AuditEvent]) -> None:
    edited, deleted = trail[-5], trail[-3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET object_repr=%s WHERE id=%s", ["Phòng giả mạo", edited.pk]
        )
        cursor.execute("DELETE FROM core_auditevent WHERE id=%s", [deleted.pk])

    checked, problems = audit_verify()

    assert checked == len(trail) - 1
    assert sorted((p.event_id, p.kind) for p in problems) == [
        (edited.pk, "edited"),
        (deleted.pk, "deleted"),
    ]


def test_it_fails_the_command_and_prints_the_ids(trail: list[AuditEvent]) -> None:
    edited, deleted = trail[-5], trail[-3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr=%s WHERE id=%s", ["x", edited.pk])
        cursor.execute("DELETE FROM core_auditevent WHERE id=%s", [deleted.pk])
    err = StringIO()

    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", stdout=StringIO(), stderr=err)

    assert "2 sai lệch" in str(exc.value)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert {re.search(r"#(\d+)", line).group(1) for line in lines} == {  # type: ignore[union-attr]
        str(edited.pk),
        str(deleted.pk),
    }
    assert any(f"#{edited.pk} " in line and "sửa" in line for line in lines)
    assert any(f"#{deleted.pk} " in line and "xóa" in line for line in lines)


def test_it_notices_an_edited_change_set(trail: list[AuditEvent]) -> None:
    target = trail[-2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET changes=%s WHERE id=%s",
            ['{"name": [null, "khác"]}', target.pk],
        )

    assert [(p.event_id, p.kind) for p in audit_verify()[1]] == [(target.pk, "edited")]


def test_it_notices_the_oldest_event_deleted(trail: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id=%s", [trail[0].pk])

    assert [(p.event_id, p.kind) for p in audit_verify()[1]] == [(trail[0].pk, "deleted")]


def test_it_notices_the_newest_event_deleted(trail: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id=%s", [trail[-1].pk])

    assert [(p.event_id, p.kind) for p in audit_verify()[1]] == [(trail[-1].pk, "deleted")]


def test_it_notices_an_edited_hash_rewritten_to_match(trail: list[AuditEvent]) -> None:
    # A forger who also recomputes the edited event's own hash still breaks the next link.
    target = AuditEvent.objects.get(pk=trail[-3].pk)
    target.object_repr = "giả"
    forged = compute_hash(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET object_repr=%s, hash=%s WHERE id=%s",
            ["giả", forged, target.pk],
        )

    assert [(p.event_id, p.kind) for p in audit_verify()[1]] == [(target.pk, "edited")]


def test_it_refuses_to_change_a_saved_event(trail: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(pk=trail[0].pk)
    event.object_repr = "khác"

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.get(pk=event.pk).object_repr == trail[0].object_repr
    assert audit_verify() == (len(trail), [])


def test_it_keeps_api_tokens_out_of_the_audit_trail(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")

    trail = json.dumps(list(AuditEvent.objects.values_list("changes", "object_repr")))
    assert secret[10:] not in trail
    assert ApiToken.objects.get(pk=token.pk).prefix == secret[:10]
