"""The dossiers' API under /api/v1: the list scoped to the units a user reaches (with its filters,
pages and a fixed number of queries), one dossier with its recipients, documents and steps, its
checks, a step along the path (403 for the wrong side, 404 beyond reach, 400 with the reason), and
the public list of candidates, which carries nothing personal. Personas and the reference data
come from dossiers/tests/conftest.py (the focal point of Sở Nội vụ Thái Nguyên prepares, the
province's officer appraises).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from dossiers import selectors, services
from dossiers.models import DocumentKind, Dossier, DossierStatus, DossierStep
from orgs.models import Org
from people.models import Person

LIST = "/api/v1/dossiers"
PUBLIC = "/api/v1/public/dossiers"
PDF = b"%PDF-1.4\n% a scanned page\n"


def url(dossier: Dossier, tail: str = "") -> str:
    return f"{LIST}/{dossier.pk}{tail}"


def draft(actor: User, proposer: Org, receiver: Org, **kw: Any) -> Dossier:
    return services.dossier_create(
        actor=actor,
        proposer=proposer,
        receiver=receiver,
        level="co_so",
        code=kw.pop("code", "GK"),
        year=kw.pop("year", 2025),
        **kw,
    )


def attach(actor: User, dossier: Dossier, kind: str, recipient: Any = None) -> None:
    services.document_add_bytes(
        actor=actor,
        dossier=dossier,
        kind=kind,
        name=f"{kind.lower()}.pdf",
        content=PDF,
        recipient=recipient,
    )


@pytest.fixture
def ready(
    focal_snv_thai_nguyen: User,
    snv_thai_nguyen: Org,
    thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> Dossier:
    """A Giấy khen dossier for Nguyễn Thị Lan with every document: it may be sent."""
    focal = focal_snv_thai_nguyen
    dossier = draft(focal, snv_thai_nguyen, thai_nguyen, title="Giấy khen năm 2025 cho chị Lan")
    lan = services.recipient_add(
        actor=focal,
        dossier=dossier,
        person=person_thai_nguyen,
        duties="Chuyên viên phụ trách thi đua.",
        achievements="Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        public_summary="Hoàn thành xuất sắc nhiệm vụ năm 2025.",
    )
    attach(focal, dossier, DocumentKind.TO_TRINH)
    attach(focal, dossier, DocumentKind.BIEN_BAN_BINH_XET)
    attach(focal, dossier, DocumentKind.BAO_CAO_THANH_TICH, lan)
    return dossier


def post_transition(client: Any, dossier: Dossier, target: str, note: str = "") -> Any:
    return client.post(
        url(dossier, "/transitions"),
        {"target": target, "note": note},
        content_type="application/json",
    )


# --- the list ---------------------------------------------------------------------------------------


def test_it_lists_the_dossiers_of_the_units_reached_with_filters_and_pages(
    as_user: Any,
    ready: Dossier,
    officer_thai_nguyen: User,
    snv_thai_nguyen: Org,
    snv_bac_giang: Org,
    thai_nguyen: Org,
    secretariat_bac_giang: User,
) -> None:
    other = draft(officer_thai_nguyen, snv_thai_nguyen, thai_nguyen, code="LDTT", year=2024)
    elsewhere = draft(secretariat_bac_giang, snv_bac_giang, snv_bac_giang)
    client = as_user("officer_thai_nguyen")

    body = client.get(LIST).json()

    assert body["count"] == 2
    assert [d["reference"] for d in body["items"]] == [other.reference, ready.reference]
    first = body["items"][1]
    assert first == {
        "id": ready.pk,
        "reference": ready.reference,
        "title": "Giấy khen năm 2025 cho chị Lan",
        "status": "draft",
        "code": "GK",
        "award_name": "Giấy khen",
        "year": 2025,
        "level": "co_so",
        "proposer_id": snv_thai_nguyen.pk,
        "proposer_name": "Sở Nội vụ tỉnh Thái Nguyên",
        "receiver_id": thai_nguyen.pk,
        "receiver_name": "Tỉnh Thái Nguyên",
        "submitted_on": None,
        "appraisal_due": None,
        "comment_opens": None,
        "comment_closes": None,
        "version": 1,
        "created_at": first["created_at"],
        "updated_at": first["updated_at"],
    }
    refs = lambda **q: [d["reference"] for d in client.get(LIST, q).json()["items"]]  # noqa: E731
    assert refs(code="LDTT") == [other.reference]
    assert refs(year=2025) == [ready.reference]
    assert refs(q="chị lan") == [ready.reference]
    assert refs(q=ready.reference) == [ready.reference]
    assert refs(status="submitted") == []
    assert refs(limit=1, offset=1) == [ready.reference]
    assert client.get(LIST, {"status": "lost"}).status_code == 422
    assert [d["reference"] for d in as_user("secretariat_bac_giang").get(LIST).json()["items"]] == [
        elsewhere.reference
    ]


def test_the_list_takes_a_fixed_number_of_queries(
    as_user: Any,
    ready: Dossier,
    focal_snv_thai_nguyen: User,
    snv_thai_nguyen: Org,
    thai_nguyen: Org,
) -> None:
    client = as_user("officer_thai_nguyen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"limit": 100}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for year in range(2010, 2022):
        draft(focal_snv_thai_nguyen, snv_thai_nguyen, thai_nguyen, year=year)

    assert count() == few <= 10
    assert client.get(LIST).json()["count"] == 13


def test_the_list_is_for_signed_in_users_with_a_role(
    as_user: Any, ready: Dossier, outsider: User
) -> None:
    assert as_user(None).get(LIST).status_code == 401
    assert as_user("outsider").get(LIST).status_code == 403


# --- one dossier ------------------------------------------------------------------------------------


def test_it_shows_a_dossier_with_recipients_current_documents_and_steps(
    as_user: Any, ready: Dossier, focal_snv_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    attach(focal_snv_thai_nguyen, ready, DocumentKind.TO_TRINH)  # a newer letter replaces the first
    services.dossier_transition(actor=focal_snv_thai_nguyen, dossier=ready, target="submitted")

    response = as_user("officer_thai_nguyen").get(url(ready))

    assert response.status_code == 200
    body = response.json()
    ready.refresh_from_db()
    assert (body["status"], body["version"], body["submitted_on"]) == (
        "submitted",
        ready.version,
        ready.submitted_on.isoformat(),  # type: ignore[union-attr]
    )
    assert body["appraisal_due"] == ready.appraisal_due.isoformat()  # type: ignore[union-attr]
    [lan] = body["recipients"]
    assert {k: v for k, v in lan.items() if k != "eligibility"} == {
        "id": lan["id"],
        "rank": 1,
        "subject": "individual",
        "person_id": person_thai_nguyen.pk,
        "org_id": None,
        "name": "Nguyễn Thị Lan",
        "unit_name": "Sở Nội vụ tỉnh Thái Nguyên",
        "duties": "Chuyên viên phụ trách thi đua.",
        "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        "public_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        "initiatives": [],
        "outcome": "pending",
        "override_reason": "",
        "record_id": None,
    }
    assert lan["eligibility"] is None  # GK has no automatic rule: nothing stored
    assert sorted((d["kind"], d["recipient_id"]) for d in body["documents"]) == [
        ("BAO_CAO_THANH_TICH", lan["id"]),
        ("BIEN_BAN_BINH_XET", None),
        ("TO_TRINH", None),
    ]
    assert set(body["documents"][0]) == {
        "id",
        "kind",
        "name",
        "size",
        "recipient_id",
        "generated",
        "uploaded_at",
    }
    newest_letter = ready.documents.filter(kind="TO_TRINH").order_by("-uploaded_at", "-pk")[0]
    assert newest_letter.pk in {d["id"] for d in body["documents"]}
    assert [(s["from_status"], s["to_status"]) for s in body["steps"]] == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    assert body["steps"][1]["actor_name"] == str(focal_snv_thai_nguyen)
    assert body["next_states"] == ["appraisal", "returned"]


def test_the_next_states_are_those_of_the_callers_side(
    as_user: Any, ready: Dossier, viewer_thai_nguyen: User
) -> None:
    assert as_user("focal_snv_thai_nguyen").get(url(ready)).json()["next_states"] == ["submitted"]
    assert as_user("viewer_thai_nguyen").get(url(ready)).json()["next_states"] == []


def test_a_dossier_beyond_reach_is_not_found(
    as_user: Any, ready: Dossier, outsider: User, secretariat_bac_giang: User
) -> None:
    for persona in ("outsider", "secretariat_bac_giang"):
        client = as_user(persona)
        assert client.get(url(ready)).status_code == 404, persona
        assert client.get(url(ready, "/checks")).status_code == 404, persona
    assert as_user(None).get(url(ready)).status_code == 401
    assert as_user(None).get(url(ready, "/checks")).status_code == 401
    assert as_user("officer_thai_nguyen").get(f"{LIST}/999999").status_code == 404


def test_it_lists_the_checks_before_sending(
    as_user: Any, focal_snv_thai_nguyen: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    empty = draft(focal_snv_thai_nguyen, snv_thai_nguyen, thai_nguyen)

    response = as_user("focal_snv_thai_nguyen").get(url(empty, "/checks"))

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "recipients",
            "ok": False,
            "text": "Hồ sơ chưa có người hoặc tập thể được đề nghị",
            "recipient_id": None,
            "subject": "",
            "details": [],
            "overridable": False,
            "overridden": False,
            "override_reason": "",
            "blocking": True,
        },
        {
            "code": "documents",
            "ok": False,
            "text": "Thiếu giấy tờ của hồ sơ: Tờ trình đề nghị khen thưởng; Biên bản họp bình xét",
            "recipient_id": None,
            "subject": "",
            "details": ["Tờ trình đề nghị khen thưởng", "Biên bản họp bình xét"],
            "overridable": False,
            "overridden": False,
            "override_reason": "",
            "blocking": True,
        },
    ]


# --- transitions ------------------------------------------------------------------------------------


def test_a_dossier_is_sent_and_appraised_through_the_api(as_user: Any, ready: Dossier) -> None:
    sent = post_transition(as_user("focal_snv_thai_nguyen"), ready, "submitted")

    assert sent.status_code == 200
    assert (sent.json()["status"], sent.json()["next_states"]) == ("submitted", [])
    appraised = post_transition(as_user("officer_thai_nguyen"), ready, "appraisal")
    assert appraised.status_code == 200
    assert appraised.json()["status"] == "appraisal"
    ready.refresh_from_db()
    assert ready.status == DossierStatus.APPRAISAL
    assert list(ready.steps.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "appraisal",
    ]


def test_a_refused_step_answers_400_with_the_reason_and_changes_nothing(
    as_user: Any, focal_snv_thai_nguyen: User, snv_thai_nguyen: Org, thai_nguyen: Org
) -> None:
    empty = draft(focal_snv_thai_nguyen, snv_thai_nguyen, thai_nguyen)
    client = as_user("focal_snv_thai_nguyen")
    blocking = [c.text for c in selectors.dossier_checks(empty)[0] if c.blocking]

    response = post_transition(client, empty, "submitted")

    assert response.status_code == 400
    assert response.json() == {
        "detail": gettext("The dossier cannot be sent yet: %(p)s") % {"p": " · ".join(blocking)},
        "field": None,
    }
    assert "Thiếu giấy tờ của hồ sơ: Tờ trình đề nghị khen thưởng" in response.json()["detail"]
    skipped = post_transition(client, empty, "approved")
    assert skipped.status_code == 400
    assert skipped.json() == {
        "detail": gettext("A dossier that is %(s)s cannot become %(t)s.")
        % {"s": DossierStatus.DRAFT.label, "t": DossierStatus.APPROVED.label},
        "field": "target",
    }
    empty.refresh_from_db()
    assert (empty.status, empty.version, empty.steps.count()) == ("draft", 1, 1)


def test_returning_needs_a_reason(
    as_user: Any, ready: Dossier, focal_snv_thai_nguyen: User
) -> None:
    services.dossier_transition(actor=focal_snv_thai_nguyen, dossier=ready, target="submitted")
    client = as_user("officer_thai_nguyen")

    refused = post_transition(client, ready, "returned")
    returned = post_transition(client, ready, "returned", "Thiếu xác nhận của thủ trưởng đơn vị")

    assert refused.status_code == 400
    assert refused.json() == {"detail": gettext("Give the reason."), "field": "note"}
    assert returned.status_code == 200
    assert returned.json()["steps"][-1]["note"] == "Thiếu xác nhận của thủ trưởng đơn vị"


def test_the_wrong_side_is_denied_and_nothing_changes(
    as_user: Any,
    ready: Dossier,
    viewer_thai_nguyen: User,
    outsider: User,
    focal_snv_thai_nguyen: User,
) -> None:
    assert post_transition(as_user("viewer_thai_nguyen"), ready, "submitted").status_code == 403
    assert post_transition(as_user("outsider"), ready, "submitted").status_code == 404
    assert post_transition(as_user(None), ready, "submitted").status_code == 401
    services.dossier_transition(actor=focal_snv_thai_nguyen, dossier=ready, target="submitted")
    # The proposing unit's focal point cannot appraise its own dossier.
    assert post_transition(as_user("focal_snv_thai_nguyen"), ready, "appraisal").status_code == 403

    ready.refresh_from_db()
    assert (ready.status, ready.version) == ("submitted", 2)
    assert DossierStep.objects.filter(dossier=ready).count() == 2


def test_an_unknown_target_is_invalid(as_user: Any, ready: Dossier) -> None:
    response = post_transition(as_user("focal_snv_thai_nguyen"), ready, "won")

    assert response.status_code == 422
    ready.refresh_from_db()
    assert ready.status == "draft"


# --- the public list --------------------------------------------------------------------------------


def test_the_public_list_shows_the_candidates_under_comment_and_nothing_personal(
    as_user: Any,
    ready: Dossier,
    focal_snv_thai_nguyen: User,
    officer_thai_nguyen: User,
    snv_thai_nguyen: Org,
    thai_nguyen: Org,
    django_assert_max_num_queries: Any,
) -> None:
    services.dossier_transition(actor=focal_snv_thai_nguyen, dossier=ready, target="submitted")
    services.dossier_transition(actor=officer_thai_nguyen, dossier=ready, target="appraisal")
    services.dossier_transition(actor=officer_thai_nguyen, dossier=ready, target="comment")
    draft(focal_snv_thai_nguyen, snv_thai_nguyen, thai_nguyen)  # not posted: not listed
    ready.refresh_from_db()

    response = as_user(None).get(PUBLIC)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "reference": ready.reference,
        "title": "Giấy khen năm 2025 cho chị Lan",
        "receiver_name": "Tỉnh Thái Nguyên",
        "award_name": "Giấy khen",
        "comment_closes": ready.comment_closes.isoformat(),  # type: ignore[union-attr]
        "candidates": [
            {
                "name": "Nguyễn Thị Lan",
                "unit_name": "Sở Nội vụ tỉnh Thái Nguyên",
                "public_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
            }
        ],
    }
    with django_assert_max_num_queries(4):  # session, user, count, dossiers with candidates
        assert as_user(None).get(PUBLIC).status_code == 200
    text = response.content.decode()
    for personal in ("1985", "019185000123", "Tày", "gender", "birth", "contact", "id_number"):
        assert personal not in text, personal
    assert as_user("outsider").get(PUBLIC).json()["count"] == 1


def test_the_public_list_is_empty_when_nothing_is_under_comment(
    as_user: Any, ready: Dossier
) -> None:
    assert as_user(None).get(PUBLIC).json() == {"items": [], "count": 0}


def test_the_public_list_leaves_out_a_closed_window(
    as_user: Any, ready: Dossier, focal_snv_thai_nguyen: User, officer_thai_nguyen: User
) -> None:
    services.dossier_transition(actor=focal_snv_thai_nguyen, dossier=ready, target="submitted")
    services.dossier_transition(actor=officer_thai_nguyen, dossier=ready, target="appraisal")
    services.dossier_transition(
        actor=officer_thai_nguyen,
        dossier=ready,
        target="comment",
        today=timezone.localdate() - dt.timedelta(days=60),
    )

    assert as_user(None).get(PUBLIC).json()["count"] == 0
