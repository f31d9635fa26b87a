"""The public pages, without sign-in: the candidates under public comment show only what the public
must see; a comment is accepted while the window is open and refused before and after it, from a
robot (the hidden field filled, the form sent too fast or too late, the time stamp forged) and
beyond the rate limit; nothing is stored when a comment is refused.

The world: Bắc Kạn's Sở Nội vụ proposes Nguyễn Thị Lan and Hoàng Văn Sơn for the Prime Minister's
certificate of merit; Thái Nguyên province posts them for comment.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accounts.models import Role
from conftest import make_user
from core.models import AuditEvent
from dossiers import services, views_public
from dossiers.models import Dossier, DossierRecipient, LevelRule, PublicComment
from orgs.models import Org
from people.models import Person
from people.services import person_create
from register import catalogue
from register.models import Award

TODAY = timezone.localdate()
YEAR = TODAY.year - 1
CANDIDATE_SUMMARY = "Ba năm liền hoàn thành xuất sắc nhiệm vụ, chủ trì số hoá hồ sơ"


def message(text: str, **params: Any) -> str:
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


@pytest.fixture(autouse=True)
def reference_data(db: Any) -> None:
    if not Award.objects.exists():
        catalogue.load()
    if not LevelRule.objects.exists():
        services.load_calendar()


def stored() -> dict[str, Any]:
    return {
        "comments": list(PublicComment.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def world(units: dict[str, Org], person_thai_nguyen: Person) -> dict[str, Any]:
    admin = make_user("quantri.congkhai", Role.ADMIN, None)
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1971,
        ethnicity="Nùng",
        unit=units["snv_bac_kan"],
        id_number="006071000999",
        start_date=dt.date(2000, 1, 1),
    )
    dossier = services.dossier_create(
        actor=admin,
        proposer=units["snv_thai_nguyen"],
        receiver=units["thai_nguyen"],
        level="chinh_phu",
        code="BK_TTG",
        year=YEAR,
        summary="Tờ trình nội bộ: không công bố",
    )
    lan = services.recipient_add(
        actor=admin,
        dossier=dossier,
        person=person_thai_nguyen,
        duties="Chuyên viên phòng thi đua (nội bộ)",
        achievements="Báo cáo thành tích chi tiết (nội bộ)",
        public_summary=CANDIDATE_SUMMARY,
    )
    son_in = services.recipient_add(
        actor=admin, dossier=dossier, person=son, public_summary="Tận tuỵ, gương mẫu"
    )
    removed = services.recipient_add(
        actor=admin,
        dossier=dossier,
        person=person_create(
            actor=None, full_name="Đỗ Văn Rút", gender="M", unit=units["snv_thai_nguyen"]
        ),
        public_summary="Đã rút khỏi hồ sơ",
    )
    services.recipient_remove(actor=admin, recipient=removed, reason="Không đủ điều kiện")
    Dossier.objects.filter(pk=dossier.pk).update(
        status="comment",
        comment_opens=TODAY - dt.timedelta(days=2),
        comment_closes=TODAY + dt.timedelta(days=8),
    )
    dossier.refresh_from_db()
    draft = services.dossier_create(
        actor=admin,
        proposer=units["snv_thai_nguyen"],
        receiver=units["thai_nguyen"],
        level="chinh_phu",
        code="BK_TTG",
        year=YEAR,
    )
    services.recipient_add(
        actor=admin, dossier=draft, person=person_thai_nguyen, public_summary="Bản nháp"
    )
    PublicComment.objects.create(
        dossier=dossier,
        author_name="Trần Thị Kín",
        contact="kin@example.vn",
        text="Một ý kiến đã gửi trước, có địa chỉ liên hệ.",
        source="y" * 64,
    )
    return {
        "admin": admin,
        "dossier": dossier,
        "draft": draft,
        "lan": lan,
        "son": son_in,
        "removed": removed,
        "person_lan": person_thai_nguyen,
        "person_son": son,
    }


def detail(dossier: Dossier) -> str:
    return reverse("public:comment-detail", args=[dossier.reference])


def comment(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "author_name": "Nguyễn Văn Dân",
        "contact": "0987 654 321",
        "recipient": "",
        "text": "Tôi xác nhận bà Lan rất tận tình với người dân.",
        "website": "",
    }
    return data | changes


def send(client: Client, dossier: Dossier, age: float = 30, **changes: Any) -> Any:
    """Post a comment whose form was opened `age` seconds ago."""
    token = views_public.comment_token(dossier.pk, time.time() - age)
    return client.post(detail(dossier), {"token": token} | comment(**changes))


def form_errors(response: Any) -> list[str]:
    assert response.status_code == 200
    return [e for errs in response.context["form"].errors.values() for e in errs]


# --- what the public sees ------------------------------------------------------------------------


def test_the_list_shows_only_dossiers_open_for_comment_today(world: dict[str, Any]) -> None:
    closed = services.dossier_create(
        actor=world["admin"],
        proposer=world["dossier"].proposer,
        receiver=world["dossier"].receiver,
        level="chinh_phu",
        code="BK_TTG",
        year=YEAR,
    )
    Dossier.objects.filter(pk=closed.pk).update(
        status="comment",
        comment_opens=TODAY - dt.timedelta(days=20),
        comment_closes=TODAY - dt.timedelta(days=1),
    )

    response = Client().get(reverse("public:comment-list"))

    assert response.status_code == 200
    [item] = response.context["items"]
    assert item["dossier"] == world["dossier"]
    assert item["award"] == Award.objects.get(code="BK_TTG").name
    assert item["candidates"] == [
        {
            "id": world["lan"].pk,
            "name": "Nguyễn Thị Lan",
            "unit": "Sở Nội vụ tỉnh Thái Nguyên",
            "summary": CANDIDATE_SUMMARY,
        },
        {
            "id": world["son"].pk,
            "name": "Hoàng Văn Sơn",
            "unit": "Sở Nội vụ tỉnh Bắc Kạn",
            "summary": "Tận tuỵ, gương mẫu",
        },
    ]
    html = response.content.decode()
    assert world["dossier"].comment_closes.strftime("%d/%m/%Y") in html
    assert world["draft"].reference not in html
    assert closed.reference not in html


@pytest.mark.parametrize("page", ["list", "detail"])
def test_no_personal_detail_reaches_the_public(world: dict[str, Any], page: str) -> None:
    address = reverse("public:comment-list") if page == "list" else detail(world["dossier"])

    html = Client().get(address).content.decode()

    assert "Nguyễn Thị Lan" in html
    assert CANDIDATE_SUMMARY in html
    for secret in (
        "1985",  # Lan's birth year
        "019185000123",  # her ID number
        "Tày",  # her ethnicity
        "Chuyên viên",  # her position, and the internal report's duties
        "1971",
        "006071000999",
        "Nùng",
        "nội bộ",  # the achievement report and the dossier's summary
        "Đỗ Văn Rút",  # a recipient removed from the dossier
        "kin@example.vn",  # another commenter's contact and name
        "Trần Thị Kín",
    ):
        assert secret not in html, secret


@pytest.mark.parametrize(
    "persona",
    [None, "outsider", "viewer_bac_giang", "officer_thai_nguyen", "admin_user"],
)
def test_anyone_opens_the_public_pages_signed_in_or_not(
    as_user: Any, world: dict[str, Any], persona: str | None
) -> None:
    client = as_user(persona)

    statuses = [
        client.get(reverse("public:comment-list")).status_code,
        client.get(detail(world["dossier"])).status_code,
    ]

    assert statuses == [200, 200]


def test_the_comment_form_says_the_contact_stays_with_the_officers(
    world: dict[str, Any],
) -> None:
    response = Client().get(detail(world["dossier"]))

    form = response.context["form"]
    assert form.fields["contact"].help_text == message(
        "Seen only by the officers who handle the comment, never published."
    )
    assert [c[0] for c in form.fields["recipient"].choices] == [
        "",
        world["lan"].pk,
        world["son"].pk,
    ]
    assert 'class="hp" aria-hidden="true"' in response.content.decode()


def test_the_page_links_to_complaints(world: dict[str, Any]) -> None:
    try:
        expected = reverse(
            "complaints:public-intake", kwargs={"reference": world["dossier"].reference}
        )
    except NoReverseMatch:
        expected = None

    response = Client().get(detail(world["dossier"]))

    assert response.context["complaint_url"] == expected
    if expected:
        assert expected in response.content.decode()


# --- sending a comment --------------------------------------------------------------------------


def test_a_comment_is_received_in_the_window(world: dict[str, Any]) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")

    response = send(client, world["dossier"], recipient=world["lan"].pk)

    assert response.status_code == 302
    assert response["Location"] == detail(world["dossier"])
    received = PublicComment.objects.exclude(author_name="Trần Thị Kín").get()
    assert (
        received.dossier,
        received.recipient,
        received.author_name,
        received.contact,
        received.text,
        received.source,
    ) == (
        world["dossier"],
        world["lan"],
        "Nguyễn Văn Dân",
        "0987 654 321",
        "Tôi xác nhận bà Lan rất tận tình với người dân.",
        services.source_key("203.0.113.7"),
    )
    thanks = client.get(response["Location"])
    assert [str(m) for m in thanks.context["messages"]] == [
        message(
            "Thank you: your comment is received. The officers appraising the dossier will "
            "consider it."
        )
    ]
    assert "0987 654 321" not in thanks.content.decode()


def test_a_comment_needs_no_name_nor_contact(world: dict[str, Any]) -> None:
    response = send(Client(), world["dossier"], author_name="", contact="")

    assert response.status_code == 302
    assert PublicComment.objects.filter(author_name="", contact="").count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [
        (TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=10), 404),  # not yet open
        (TODAY - dt.timedelta(days=12), TODAY - dt.timedelta(days=1), 410),  # closed
    ],
)
def test_a_comment_outside_the_window_is_refused(
    world: dict[str, Any], opens: dt.date, closes: dt.date, status: int
) -> None:
    Dossier.objects.filter(pk=world["dossier"].pk).update(
        comment_opens=opens, comment_closes=closes
    )
    before = stored()

    page = Client().get(detail(world["dossier"]))
    response = send(Client(), world["dossier"])

    assert (page.status_code, response.status_code) == (status, status)
    assert stored() == before
    if status == 410:
        assert (
            message(
                "Public comment on this dossier closed on %(c)s; comments are no longer accepted.",
                c=closes.strftime("%d/%m/%Y"),
            )
            in response.content.decode()
        )


def test_a_dossier_not_under_comment_is_not_found(world: dict[str, Any]) -> None:
    before = stored()

    draft = send(Client(), world["draft"])
    unknown = Client().get(reverse("public:comment-detail", args=["HS-0000-000000"]))

    assert (draft.status_code, unknown.status_code) == (404, 404)
    assert stored() == before


@pytest.mark.parametrize(
    ("age", "changes", "text"),
    [
        (30, {"website": "http://spam.example"}, "Your comment could not be accepted."),
        (0, {}, "That was very fast: please read your comment again, then send it."),
        (2, {}, "That was very fast: please read your comment again, then send it."),
        (3 * 3600, {}, "The form was open for too long; please send your comment again."),
    ],
)
def test_robots_are_refused_and_nothing_is_stored(
    world: dict[str, Any], age: float, changes: dict[str, Any], text: str
) -> None:
    before = stored()

    response = send(Client(), world["dossier"], age=age, **changes)

    assert form_errors(response) == [message(text)]
    assert stored() == before
    # The form sent back carries a fresh time stamp.
    assert response.context["form"].data["token"] != views_public.comment_token(
        world["dossier"].pk, time.time() - age
    )


@pytest.mark.parametrize("token", ["forged", "for-another-dossier"])
def test_a_forged_time_stamp_is_refused(world: dict[str, Any], token: str) -> None:
    value = (
        views_public.comment_token(world["draft"].pk, time.time() - 30)
        if token == "for-another-dossier"
        else "eyJkIjoxLCJ0IjowfQ:forged:signature"
    )
    before = stored()

    response = Client().post(detail(world["dossier"]), {"token": value} | comment())

    assert form_errors(response) == [
        message("The form could not be checked; please send your comment again.")
    ]
    assert stored() == before


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"text": "Ngắn"}, ("Write a comment of %(a)s to %(b)s characters.", {"a": 10, "b": 3000})),
        ({"text": ""}, ("This field is required.", {})),
    ],
)
def test_a_bad_comment_is_explained_and_not_stored(
    world: dict[str, Any], changes: dict[str, Any], text: tuple[str, dict[str, Any]]
) -> None:
    before = stored()

    response = send(Client(), world["dossier"], **changes)

    assert form_errors(response) == [message(text[0], **text[1])]
    assert stored() == before


def test_a_candidate_of_another_dossier_or_removed_is_not_offered(
    world: dict[str, Any],
) -> None:
    other = DossierRecipient.objects.get(dossier=world["draft"])
    before = stored()

    responses = [
        send(Client(), world["dossier"], recipient=r.pk) for r in (other, world["removed"])
    ]

    assert [len(form_errors(r)) for r in responses] == [1, 1]
    assert stored() == before


def test_one_connection_sends_only_a_few_comments_an_hour(world: dict[str, Any]) -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    for n in range(services.COMMENTS_PER_HOUR):
        assert (
            send(client, world["dossier"], text=f"Ý kiến số {n} về hồ sơ này.").status_code == 302
        )
    before = stored()

    response = send(client, world["dossier"], text="Một ý kiến nữa về hồ sơ này.")
    other = send(Client(REMOTE_ADDR="198.51.100.5"), world["dossier"], text="Ý kiến từ nơi khác.")

    assert form_errors(response) == [
        message("Too many comments from this connection; try again later.")
    ]
    assert other.status_code == 302
    assert PublicComment.objects.count() == len(before["comments"]) + 1


def test_the_same_comment_twice_is_refused(world: dict[str, Any]) -> None:
    client = Client(REMOTE_ADDR="192.0.2.9")
    assert send(client, world["dossier"]).status_code == 302
    before = stored()

    response = send(client, world["dossier"])

    assert form_errors(response) == [message("This comment was already received.")]
    assert stored() == before
