"""The complaints' pages: who may open which (visitors are sent to sign in, except on the public
page), who sees the complainant's identity, each form's success and refusals (a refused or denied
post changes nothing), the public intake page with its defences against robots, and a list page
whose query count does not grow with the list."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from complaints import forms, selectors, services
from complaints.models import Complaint
from complaints.tests.helpers import (
    ADDRESS,
    CONTACT,
    CONTENT,
    NAME,
    comment,
    keeper,
    public_dossier,
    state,
    today,
    vi,
)
from dossiers.models import Dossier, PublicComment
from register.models import Record, Revocation

LOGIN = reverse("accounts:login")
PERSONAS = (
    "admin_user",
    "officer_thai_nguyen",
    "officer_bac_giang",
    "member_bac_kan",
    "secretariat_bac_giang",
    "council_member",
    "viewer_bac_giang",
    "outsider",
)
HANDLERS_TN = ("admin_user", "officer_thai_nguyen")


@pytest.fixture
def complaints(world: dict[str, Any]) -> dict[str, Any]:
    """A denunciation of each province's decision, received by the administrator, and a public
    comment on Thái Nguyên's dossier."""
    admin = keeper()

    def receive(decision: str, name: str, contact: str, address: str) -> Complaint:
        return services.complaint_receive(
            actor=admin,
            kind="to_cao",
            content=CONTENT,
            complainant_name=name,
            complainant_contact=contact,
            complainant_address=address,
            decision=world[decision],
        )

    return {
        **world,
        "complaint_tn": receive("decision_tn", NAME, CONTACT, ADDRESS),
        "complaint_bg": receive("decision_bg", "Phạm Thị Bắc", "0987 000 111", "Xã Tân Yên"),
        "comment_tn": comment(world["dossier_tn"]),
    }


def unchanged(post: Any) -> Any:
    before = state()
    response = post()
    assert state() == before
    return response


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- who may open what -------------------------------------------------------------------------


PAGES: dict[str, tuple[str, str | None]] = {
    "list": ("complaints:complaint-list", None),
    "new": ("complaints:complaint-create", None),
    "detail-tn": ("complaints:complaint-detail", "complaint_tn"),
    "detail-bg": ("complaints:complaint-detail", "complaint_bg"),
    "from-comment-tn": ("complaints:complaint-from-comment", "comment_tn"),
}
ACTIONS = ("assign", "step", "extend", "resolve", "dismiss")


def url(page: str, world: dict[str, Any]) -> str:
    name, obj = PAGES[page]
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


def action_url(action: str, complaint: Complaint) -> str:
    return reverse(f"complaints:complaint-{action}", args=[complaint.pk])


def expect(overrides: dict[str, int], default: int) -> dict[str, int]:
    return {page: overrides.get(page, default) for page in PAGES}


NOBODY = expect({"detail-tn": 404, "detail-bg": 404}, 403)
# persona → page → status: handlers open the list and the intake form, and the complaints of the
# units they handle (a 404 beyond); everyone else is refused.
ACCESS: dict[str, dict[str, int]] = {
    "admin_user": expect({}, 200),
    "officer_thai_nguyen": expect({"detail-bg": 404}, 200),
    "officer_bac_giang": expect({"detail-tn": 404, "from-comment-tn": 404}, 200),
    "member_bac_kan": NOBODY,
    "secretariat_bac_giang": NOBODY,
    "council_member": NOBODY,
    "viewer_bac_giang": NOBODY,
    "outsider": NOBODY,
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, complaints: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)

    statuses = {page: client.get(url(page, complaints)).status_code for page in PAGES}

    assert statuses == ACCESS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_handling_forms_answer_only_the_units_handlers(
    as_user: Any, complaints: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)
    expected = 200 if persona in HANDLERS_TN else 404

    for action in ACTIONS:
        # An empty form: the page comes back with the errors, or a 404 beyond reach.
        response = unchanged(
            lambda a=action: client.post(action_url(a, complaints["complaint_tn"]))
        )
        assert response.status_code == expected, action
        assert client.get(action_url(action, complaints["complaint_tn"])).status_code in (
            405,
            404,
        )


def test_it_sends_visitors_to_sign_in_except_on_the_public_pages(
    complaints: dict[str, Any],
) -> None:
    client = Client()

    for page in PAGES:
        assert_sent_to_login(client.get(url(page, complaints)))
        assert_sent_to_login(unchanged(lambda p=page: client.post(url(p, complaints), {})))
    for action in ACTIONS:
        assert_sent_to_login(
            unchanged(lambda a=action: client.post(action_url(a, complaints["complaint_tn"])))
        )
    public = reverse("complaints:public-intake", args=["HS-2026-000001"])
    assert client.get(public).status_code == 200
    received = reverse("complaints:public-received", args=["HS-2026-000001"])
    assert client.get(received).status_code == 200


@pytest.mark.parametrize("persona", [*PERSONAS, None])
def test_the_public_page_opens_for_everyone(
    as_user: Any, complaints: dict[str, Any], persona: str | None
) -> None:
    response = as_user(persona).get(reverse("complaints:public-intake", args=["HS-2026-000001"]))

    assert response.status_code == 200


# --- who sees the complainant ------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_handlers_see_who_complained(
    as_user: Any, complaints: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)
    pages = [
        client.get(url("list", complaints)),
        client.get(url("detail-tn", complaints)),
        client.get(reverse("complaints:complaint-list") + "?q=TC"),
    ]
    html = "".join(p.content.decode() for p in pages)
    tn = complaints["complaint_tn"]

    shown = {NAME in html, CONTACT in html, ADDRESS in html}
    assert shown == {persona in HANDLERS_TN}
    assert (tn.reference in html) == (persona in HANDLERS_TN)


def test_the_assignee_sees_who_complained(
    client: Client, complaints: dict[str, Any], outsider: User
) -> None:
    Complaint.objects.filter(pk=complaints["complaint_tn"].pk).update(assignee=outsider)
    client.force_login(outsider)

    html = client.get(url("detail-tn", complaints)).content.decode()

    assert NAME in html and CONTACT in html and ADDRESS in html


def test_a_page_without_the_right_to_see_the_identity_hides_it(
    as_user: Any, complaints: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "can_see_identity", lambda user, complaint: False)

    html = "".join(
        as_user("officer_thai_nguyen").get(url(page, complaints)).content.decode()
        for page in ("list", "detail-tn")
    )

    assert NAME not in html and CONTACT not in html and ADDRESS not in html
    assert html.count(vi("Hidden — only the handlers may see it")) == 2


# --- the list ----------------------------------------------------------------------------------


def test_the_list_marks_overdue_complaints(as_user: Any, complaints: dict[str, Any]) -> None:
    Complaint.objects.filter(pk=complaints["complaint_tn"].pk).update(
        due_on=today() - dt.timedelta(days=1)
    )
    client = as_user("officer_thai_nguyen")

    response = client.get(url("list", complaints))
    overdue = client.get(url("list", complaints), {"overdue": "on"})

    assert response.context["overdue"] == 1
    [row] = list(response.context["page"])
    assert row.overdue is True
    assert 'class="badge late"' in response.content.decode()
    assert [c.pk for c in overdue.context["page"]] == [complaints["complaint_tn"].pk]


def test_the_list_page_takes_a_fixed_number_of_queries(
    as_user: Any, complaints: dict[str, Any], officer_thai_nguyen: User
) -> None:
    client = as_user("officer_thai_nguyen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("list", complaints)).status_code == 200
        return len(ctx.captured_queries)

    count()
    few = count()
    for n in range(4):
        services.complaint_receive(
            actor=officer_thai_nguyen,
            kind="khieu_nai",
            content=f"{CONTENT} {n}",
            complainant_name=NAME,
            complainant_contact=CONTACT,
            record=complaints["record_tn"],
        )
        other = services.complaint_receive(
            actor=officer_thai_nguyen,
            kind="phan_anh",
            content=f"{CONTENT} {n}",
            dossier=complaints["dossier_tn"],
        )
        services.complaint_assign(
            actor=officer_thai_nguyen, complaint=other, assignee=officer_thai_nguyen
        )

    assert count() == few


# --- intake by an officer ----------------------------------------------------------------------


def intake(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "khieu_nai",
        "received_on": today().strftime("%d/%m/%Y"),
        "dossier_reference": "",
        "decision_number": "15/qđ-ubnd",
        "issuer_code": " 19 ",
        "recipient_name": "",
        "record": "",
        "org_code": "",
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        "complainant_address": ADDRESS,
        "content": CONTENT,
    }
    return data | changes


def test_an_officer_records_a_complaint_about_a_decision(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").post(url("new", complaints), intake())

    complaint = Complaint.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint-detail", args=[complaint.pk])
    assert (complaint.kind, complaint.decision, complaint.org, complaint.complainant_name) == (
        "khieu_nai",
        complaints["decision_tn"],
        complaints["thai_nguyen"],
        NAME,
    )


def test_an_officer_records_a_complaint_about_one_recipient(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    as_user("officer_thai_nguyen").post(
        url("new", complaints), intake(recipient_name="nguyen thi lan")
    )

    complaint = Complaint.objects.latest("pk")
    assert (complaint.decision, complaint.record) == (
        complaints["decision_tn"],
        complaints["record_tn"],
    )


def test_an_officer_records_a_complaint_about_a_dossier_for_another_unit(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    as_user("officer_thai_nguyen").post(
        url("new", complaints),
        intake(
            decision_number="",
            issuer_code="",
            dossier_reference="hs-2026-000001",
            org_code="19.snv",
        ),
    )

    complaint = Complaint.objects.latest("pk")
    assert (complaint.dossier, complaint.org) == (
        complaints["dossier_tn"],
        complaints["snv_thai_nguyen"],
    )


def test_a_link_from_the_register_names_the_commendation(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    record = complaints["record_tn"]

    page = client.get(url("new", complaints), {"record": record.pk})
    response = client.post(
        url("new", complaints), intake(decision_number="", issuer_code="", record=record.pk)
    )

    assert page.context["record"] == record
    assert "Nguyễn Thị Lan · LDTT 2024 · 15/QĐ-UBND" in page.content.decode()
    assert response.status_code == 302
    assert Complaint.objects.latest("pk").record == record


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_number": "", "issuer_code": ""}, "dossier_reference"),
        ({"decision_number": "22/QĐ-UBND", "issuer_code": "24"}, "decision_number"),
        ({"issuer_code": ""}, "issuer_code"),
        ({"recipient_name": "Trần Văn Hùng"}, "recipient_name"),
        ({"dossier_reference": "HS-2026-000002"}, "dossier_reference"),  # Bắc Giang's
        ({"org_code": "24"}, "org_code"),
        ({"complainant_name": ""}, "complainant_name"),
        ({"complainant_contact": "", "complainant_address": ""}, "complainant_contact"),
        ({"received_on": "01/01/2099"}, "received_on"),
        ({"content": "ngắn"}, "content"),
    ],
)
def test_a_bad_intake_is_explained_and_not_recorded(
    as_user: Any, complaints: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: client.post(url("new", complaints), intake(**changes)))

    assert response.status_code == 200
    assert response.context["form"].errors.get(field)


# --- handling on the complaint's page ----------------------------------------------------------


def test_the_page_shows_the_handling_forms_to_handlers(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(url("detail-tn", complaints))

    context = response.context
    assert {
        k for k in ("assign_form", "step_form", "extend_form", "dismiss_form") if k in context
    } == {
        "assign_form",
        "step_form",
        "extend_form",
        "dismiss_form",
    }
    assert "resolve_form" not in context  # assigned first
    assert [u.username for u in context["assign_form"].handlers.values()] == [
        "canbo.thainguyen",
        "quantri.khieunai",
    ]


def test_a_handler_is_assigned_then_records_a_step_extends_and_resolves_with_a_revocation(
    as_user: Any, complaints: dict[str, Any], officer_thai_nguyen: User
) -> None:
    client = as_user("officer_thai_nguyen")
    complaint = complaints["complaint_tn"]
    record = complaints["record_tn"]

    responses = [
        client.post(
            action_url("assign", complaint),
            {"assign-assignee": officer_thai_nguyen.pk, "assign-note": "Xác minh"},
        ),
        client.post(action_url("step", complaint), {"step-note": "Đã làm việc với đơn vị."}),
        client.post(
            action_url("extend", complaint), {"extend-days": "10", "extend-reason": "Phức tạp"}
        ),
        client.post(
            action_url("resolve", complaint),
            {
                "resolve-resolution": "Tố cáo đúng; thu hồi.",
                "resolve-resolved_on": "",
                "resolve-record": record.pk,
                "resolve-decision_number": "99/QĐ-UBND",
                "resolve-decision_date": today().strftime("%d/%m/%Y"),
            },
        ),
    ]

    detail = reverse("complaints:complaint-detail", args=[complaint.pk])
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, detail)] * 4
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.status, stored.assignee, stored.extension_days) == (
        "resolved",
        officer_thai_nguyen,
        10,
    )
    assert stored.revocation == Revocation.objects.get(record=record)
    assert Record.objects.get(pk=record.pk).revoked is True
    assert [s.kind for s in stored.steps.all()] == [
        "received",
        "assigned",
        "note",
        "extended",
        "resolved",
    ]
    page = client.get(detail)
    html = page.content.decode()
    assert "99/QĐ-UBND" in html and "Đã làm việc với đơn vị." in html
    assert "assign_form" not in page.context and "step_form" not in page.context


def test_a_handler_dismisses_a_complaint(as_user: Any, complaints: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    complaint = complaints["complaint_tn"]

    response = client.post(action_url("dismiss", complaint), {"dismiss-reason": "Rút đơn"})

    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "dismissed"


@pytest.mark.parametrize(
    ("action", "data", "form", "field"),
    [
        ("assign", {"assign-assignee": "0"}, "assign_form", "assignee"),
        ("step", {"step-note": ""}, "step_form", "note"),
        ("extend", {"extend-days": "31", "extend-reason": "x"}, "extend_form", "days"),
        ("extend", {"extend-reason": ""}, "extend_form", "reason"),
        ("dismiss", {"dismiss-reason": ""}, "dismiss_form", "reason"),
        ("resolve", {"resolve-resolution": "Xong."}, "resolve_form", None),  # not yet assigned
    ],
)
def test_a_bad_handling_form_is_explained_and_changes_nothing(
    as_user: Any,
    complaints: dict[str, Any],
    action: str,
    data: dict[str, str],
    form: str,
    field: str | None,
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: client.post(action_url(action, complaints["complaint_tn"]), data))

    assert response.status_code == 200
    errors = response.context[form].errors
    assert errors.get(field or "__all__")


def test_a_revocation_needs_its_decision(
    as_user: Any, complaints: dict[str, Any], officer_thai_nguyen: User
) -> None:
    complaint = complaints["complaint_tn"]
    services.complaint_assign(
        actor=officer_thai_nguyen, complaint=complaint, assignee=officer_thai_nguyen
    )
    client = as_user("officer_thai_nguyen")

    response = unchanged(
        lambda: client.post(
            action_url("resolve", complaint),
            {"resolve-resolution": "Thu hồi.", "resolve-record": complaints["record_tn"].pk},
        )
    )

    errors = response.context["resolve_form"].errors
    assert set(errors) == {"decision_number", "decision_date"}


# --- a public comment turned into a complaint --------------------------------------------------


def test_an_officer_turns_a_public_comment_into_a_complaint(
    as_user: Any, complaints: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    note: PublicComment = complaints["comment_tn"]

    response = client.post(url("from-comment-tn", complaints), {"kind": "to_cao"})

    complaint = Complaint.objects.get(comment=note)
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint-detail", args=[complaint.pk])
    again = client.get(url("from-comment-tn", complaints))
    assert again.context["existing"] == complaint
    assert (
        unchanged(
            lambda: client.post(url("from-comment-tn", complaints), {"kind": "to_cao"})
        ).status_code
        == 200
    )


# --- the public page ---------------------------------------------------------------------------


def public_url(reference: str = "HS-2026-000001") -> str:
    return reverse("complaints:public-intake", args=[reference])


def public_form(reference: str = "HS-2026-000001", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "to_cao",
        "content": CONTENT,
        "complainant_name": NAME,
        "complainant_contact": CONTACT,
        "complainant_address": "",
        "website": "",
        "stamp": forms.make_stamp(reference, time.time() - 10),
    }
    return data | changes


def test_the_public_sends_a_denunciation_and_gets_its_number(
    client: Client, complaints: dict[str, Any]
) -> None:
    page = client.get(public_url())
    response = client.post(public_url(), public_form(), follow=True)

    complaint = Complaint.objects.get(channel="public")
    assert page.status_code == 200
    assert 'name="website"' in page.content.decode()
    assert 'name="stamp"' in page.content.decode()
    assert response.redirect_chain == [
        (reverse("complaints:public-received", args=["HS-2026-000001"]), 302)
    ]
    [message] = page_messages(response)
    assert complaint.reference in message
    assert complaint.reference.startswith(f"TC-{today().year}-")
    assert (complaint.dossier, complaint.complainant_name, complaint.org) == (
        complaints["dossier_tn"],
        NAME,
        complaints["thai_nguyen"],
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"website": "http://spam.example"},
        {"stamp": "gia-mao"},
        {"stamp": ("HS-2026-000001", 0)},  # sent at once
        {"stamp": ("HS-2026-000001", 3 * 3600)},  # served too long ago
        {"stamp": ("HS-2026-000002", 10)},  # another dossier's page
        {"complainant_name": ""},
        {"content": ""},
    ],
)
def test_the_public_page_refuses_robots_and_bad_forms(
    client: Client, complaints: dict[str, Any], changes: dict[str, Any]
) -> None:
    if isinstance(changes.get("stamp"), tuple):
        reference, age = changes["stamp"]
        changes = {"stamp": forms.make_stamp(reference, time.time() - age)}
    data = public_form(**changes)

    response = unchanged(lambda: client.post(public_url(), data))

    assert response.status_code == 200
    assert response.context["form"].errors
    # The form comes back with a fresh stamp, good once the person has read it again.
    stamp = response.context["form"].data["stamp"]
    assert stamp != data["stamp"]
    assert forms.stamp_problem(stamp, "HS-2026-000001", time.time() + 5) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "appraisal"},
        {"comment_opens": dt.date(2000, 1, 1), "comment_closes": dt.date(2000, 1, 14)},
        {"comment_opens": dt.date(2099, 1, 1), "comment_closes": dt.date(2099, 1, 14)},
    ],
)
def test_the_public_page_exists_only_while_the_window_is_open(
    client: Client, complaints: dict[str, Any], changes: dict[str, Any]
) -> None:
    Dossier.objects.filter(pk=complaints["dossier_tn"].pk).update(**changes)

    assert client.get(public_url()).status_code == 404
    assert unchanged(lambda: client.post(public_url(), public_form())).status_code == 404
    assert client.get(public_url("HS-9999-999999")).status_code == 404


def test_the_public_page_takes_three_complaints_an_hour_from_one_connection(
    client: Client, complaints: dict[str, Any]
) -> None:
    for n in range(3):
        response = client.post(public_url(), public_form(content=f"{CONTENT} {n}"))
        assert response.status_code == 302

    response = unchanged(lambda: client.post(public_url(), public_form(content=f"{CONTENT} 3")))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        vi("Too many complaints from this connection; try again later.")
    ]
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(public_url(), public_form(content=f"{CONTENT} 4")).status_code == 302


def test_the_public_page_of_another_dossier_is_its_own(
    client: Client, complaints: dict[str, Any]
) -> None:
    public_dossier("HS-2026-000007", complaints["snv_bac_giang"], complaints["bac_giang"])

    response = client.post(public_url("HS-2026-000007"), public_form("HS-2026-000007"))

    assert response.status_code == 302
    assert Complaint.objects.get(channel="public").org == complaints["bac_giang"]


def test_the_admin_shows_complaints_read_only(client: Client, complaints: dict[str, Any]) -> None:
    superuser = User.objects.create_superuser("sieuquantri", password="x-9f!Kq2")
    client.force_login(superuser)
    complaint = complaints["complaint_tn"]

    listing = client.get(reverse("admin:complaints_complaint_changelist"))
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

    assert listing.status_code == 200 and complaint.reference in listing.content.decode()
    assert page.status_code == 200
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    assert (
        unchanged(
            lambda: client.post(reverse("admin:complaints_complaint_delete", args=[complaint.pk]))
        ).status_code
        == 403
    )
