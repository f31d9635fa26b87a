"""The poll pages, through the test client: creating a poll from a meeting, the poll page (roll,
steps, result), the two-step ballot and its receipt, the live count, the minutes, the paper
count and the list. Messages are asserted in Vietnamese, the site's language.

The cluster is organised by the central council in 2015, headed by Bắc Giang ("24", the
secretariat persona's province) with Bắc Kạn ("06") and Thái Nguyên ("19"); each member province
has one focal point, its delegate (Thái Nguyên has an officer too, so no default delegate).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role, User
from clusters.models import ClusterYear, Meeting
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from conftest import make_user
from core.models import AuditEvent
from orgs.models import Org
from votes import services
from votes.models import Ballot, Poll, PollStatus, VoteCast, Voter

CODES = ("24", "06", "19")
RECEIPT = re.compile(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}")


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-7",
        name="Cụm thi đua 7 tỉnh",
    )
    members = [province(code) for code in CODES]
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB",
        decision_date=dt.date(2015, 1, 20),
    )


@pytest.fixture
def meeting(year: ClusterYear) -> Meeting:
    return meeting_create(
        actor=None, cluster_year=year, kind="year_end", date=dt.date(2015, 12, 10)
    )


@pytest.fixture
def org(year: ClusterYear) -> dict[str, Org]:
    return {code: Org.objects.get(code=code) for code in CODES}


@pytest.fixture
def delegates(org: dict[str, Org]) -> dict[str, User]:
    users = {code: make_user(f"dele{code}", Role.FOCAL_POINT, unit) for code, unit in org.items()}
    make_user("canbo19", Role.OFFICER, org["19"])
    return users


@pytest.fixture
def runner(secretariat_bac_giang: User) -> User:
    return secretariat_bac_giang


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def make_poll(
    runner: User,
    meeting: Meeting,
    org: Mapping[str, Org],
    *,
    method: str = "plurality",
    seats: int = 1,
    secret: bool = True,
    question: str = "Đề nghị tặng Cờ thi đua của Chính phủ",
) -> Poll:
    return services.poll_create(
        actor=runner,
        question=question,
        purpose="flag",
        method=method,
        seats=seats,
        secret=secret,
        candidates=[{"org": org[c]} for c in CODES],
        meeting=meeting,
    )


def open_poll(
    runner: User,
    meeting: Meeting,
    org: Mapping[str, Org],
    delegates: Mapping[str, User],
    **options: Any,
) -> Poll:
    poll = make_poll(runner, meeting, org, **options)
    for code, user in delegates.items():
        services.voter_designate(actor=runner, poll=poll, org=org[code], user=user)
    return services.poll_open(actor=runner, poll=poll)


def key(poll: Poll, code: str) -> str:
    return next(c.key for c in poll.candidates.select_related("org") if c.org.code == code)  # type: ignore[union-attr]


def status(poll: Poll) -> str:
    return Poll.objects.get(pk=poll.pk).status


def url(name: str, poll: Poll, *args: Any) -> str:
    return reverse(f"votes:{name}", args=[poll.pk, *args])


DENIED = (403, 404)


# --- the meeting page and creating a poll ----------------------------------------------------------


def test_the_meeting_page_offers_a_new_poll_to_those_who_run_the_year(
    meeting: Meeting, runner: User, admin_user: User, viewer_bac_giang: User
) -> None:
    page = reverse("clusters:meeting-detail", args=[meeting.pk])
    for user in (runner, admin_user):
        html = text(signed_in(user).get(page))
        assert 'id="new-poll"' in html
        assert f"{reverse('votes:poll-create')}?meeting={meeting.pk}" in html
        assert "Cuộc bỏ phiếu mới" in html
    response = signed_in(viewer_bac_giang).get(page)
    assert response.status_code == 200
    assert 'id="new-poll"' not in text(response)


def form_data(**override: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "question": "Đề nghị tặng Cờ thi đua của Chính phủ năm 2015",
        "purpose": "flag",
        "method": "approval",
        "seats": "1",
        "secret": "on",
        "quorum": "",
        "threshold_ratio": "",
        "threshold_basis": "",
        "threshold_strict": "1",
        "tie_break": "none",
        "opens_at": "",
        "closes_at": "",
        "options": "",
    }
    data.update(override)
    return data


def test_a_poll_is_created_from_a_meeting_with_default_delegates(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    client = signed_in(runner)
    create = f"{reverse('votes:poll-create')}?meeting={meeting.pk}"
    html = text(client.get(create))
    for unit in org.values():
        assert f'name="candidate_org" value="{unit.pk}"' in html
    response = client.post(
        create,
        form_data(candidate_org=[str(org["24"].pk), str(org["19"].pk)]),
        follow=True,
    )
    poll = Poll.objects.get()
    assert response.redirect_chain[-1][0] == url("poll", poll)
    assert poll.meeting_id == meeting.pk and poll.cluster_year_id == meeting.cluster_year_id
    assert poll.question == "Đề nghị tặng Cờ thi đua của Chính phủ năm 2015"
    assert (poll.method, poll.purpose, poll.secret, poll.status) == (
        "approval",
        "flag",
        True,
        "draft",
    )
    assert [c.org_id for c in poll.candidates.all()] == [org["24"].pk, org["19"].pk]
    # 24 and 06 have one focal point each; 19 has a focal point and an officer: chosen by hand.
    assert dict(poll.voters.values_list("org_id", "user_id")) == {
        org["24"].pk: delegates["24"].pk,
        org["06"].pk: delegates["06"].pk,
    }
    assert "Đã tạo bản nháp cuộc bỏ phiếu" in " ".join(messages_of(response))
    assert 'id="roll"' in text(response)


def test_a_council_poll_is_created_by_the_councils_officer(
    admin_user: User, council_member: User, secretariat_bac_giang: User
) -> None:
    create = f"{reverse('votes:poll-create')}?council=TW-HDTDKT"
    response = signed_in(secretariat_bac_giang).post(
        create, form_data(purpose="dossier", method="yes_no", options="Hồ sơ A")
    )
    assert response.status_code in DENIED
    assert Poll.objects.count() == 0
    response = signed_in(admin_user).post(
        create, form_data(purpose="dossier", method="yes_no", options="Hồ sơ A\nHồ sơ B\n")
    )
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert poll.council is not None and poll.council.code == "TW-HDTDKT"
    assert [c.label for c in poll.candidates.all()] == ["Hồ sơ A", "Hồ sơ B"]
    assert list(poll.voters.values_list("user_id", flat=True)) == [council_member.pk]


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "outsider", "member_bac_kan"])
def test_creating_a_poll_is_denied_to_those_who_do_not_run_the_year(
    meeting: Meeting, org: dict[str, Org], as_user: Any, persona: str
) -> None:
    client = as_user(persona)
    create = f"{reverse('votes:poll-create')}?meeting={meeting.pk}"
    assert client.get(create).status_code in DENIED
    response = client.post(create, form_data(candidate_org=[str(org["24"].pk)]))
    assert response.status_code in DENIED
    assert Poll.objects.count() == 0


def test_a_refused_poll_shows_the_reason_and_creates_nothing(
    meeting: Meeting, org: dict[str, Org], runner: User
) -> None:
    client = signed_in(runner)
    create = f"{reverse('votes:poll-create')}?meeting={meeting.pk}"
    response = client.post(create, form_data(candidate_org=[]))
    assert response.status_code == 200
    assert "Vui lòng liệt kê các ứng viên (hoặc phương án)." in text(response)
    response = client.post(
        create, form_data(seats="3", candidate_org=[str(org["24"].pk), str(org["06"].pk)])
    )
    assert response.status_code == 200
    assert "Số suất nhiều hơn số ứng viên." in text(response)
    response = client.post(create, form_data(quorum="1,5", candidate_org=[str(org["24"].pk)]))
    assert response.status_code == 200
    assert "Vui lòng nhập tỷ lệ từ 0 đến 1 (ví dụ 0,5 hoặc 0,6667)." in text(response)
    assert Poll.objects.count() == 0


def test_a_nan_quorum_is_a_form_error(meeting: Meeting, org: dict[str, Org], runner: User) -> None:
    create = f"{reverse('votes:poll-create')}?meeting={meeting.pk}"
    response = signed_in(runner).post(
        create, form_data(quorum="NaN", candidate_org=[str(org["24"].pk)])
    )
    assert response.status_code == 200
    assert Poll.objects.count() == 0


# --- the poll page and its steps -------------------------------------------------------------------


def step_forms(html: str) -> set[str]:
    return set(re.findall(r'name="step" value="(\w+)"', html))


def test_the_poll_page_shows_the_roll_and_the_steps_to_those_who_run_it(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    viewer_bac_giang: User,
    outsider: User,
) -> None:
    poll = make_poll(runner, meeting, org)
    services.voter_designate(actor=runner, poll=poll, org=org["24"], user=delegates["24"])
    page = url("poll", poll)
    html = text(signed_in(runner).get(page))
    assert 'id="roll"' in html
    assert step_forms(html) == {"open", "designate"}
    assert "dele24" in html
    assert "Mở bỏ phiếu" in html
    for user in (delegates["24"], viewer_bac_giang):
        response = signed_in(user).get(page)
        assert response.status_code == 200
        assert 'id="roll"' not in text(response)
        assert step_forms(text(response)) == set()
    assert signed_in(outsider).get(page).status_code == 404
    for code in ("06", "19"):
        services.voter_designate(actor=runner, poll=poll, org=org[code], user=delegates[code])
    services.poll_open(actor=runner, poll=poll)
    html = text(signed_in(runner).get(page))
    assert step_forms(html) == {"close"}
    assert 'id="live-count"' in html
    voter_html = text(signed_in(delegates["24"]).get(page))
    assert step_forms(voter_html) == set()
    assert 'id="go-vote"' in voter_html
    services.poll_close(actor=runner, poll=poll)
    assert step_forms(text(signed_in(runner).get(page))) == {"publish"}
    assert step_forms(text(signed_in(delegates["24"]).get(page))) == set()


def test_the_secretariat_takes_the_poll_through_its_steps(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = make_poll(runner, meeting, org)
    client = signed_in(runner)
    step = url("poll-step", poll)
    response = client.post(step, {"step": "open"}, follow=True)
    assert status(poll) == PollStatus.DRAFT
    message = " ".join(messages_of(response))
    assert org["06"].name in message and org["19"].name in message
    for code in CODES:
        response = client.post(
            step,
            {"step": "designate", "org": str(org[code].pk), "username": f"dele{code}"},
            follow=True,
        )
        assert "Đã chỉ định đại biểu." in messages_of(response)
    assert poll.voters.count() == 3
    response = client.post(step, {"step": "open"}, follow=True)
    assert response.redirect_chain[-1][0] == url("poll", poll)
    assert "Đã mở bỏ phiếu: các đại biểu có thể bỏ phiếu ngay bây giờ." in messages_of(response)
    assert status(poll) == PollStatus.OPEN
    services.vote(actor=delegates["24"], poll=poll, content={"choice": key(poll, "19")})
    response = client.post(step, {"step": "close"}, follow=True)
    assert "Đã đóng và kiểm phiếu." in messages_of(response)
    assert status(poll) == PollStatus.CLOSED
    response = client.post(step, {"step": "close"}, follow=True)
    assert "Chỉ có thể đóng cuộc bỏ phiếu đang mở." in messages_of(response)
    response = client.post(step, {"step": "publish"}, follow=True)
    assert "Đã công bố kết quả." in messages_of(response)
    assert status(poll) == PollStatus.PUBLISHED
    response = client.post(step, {"step": "dance"}, follow=True)
    assert "Thao tác không hợp lệ." in messages_of(response)
    assert status(poll) == PollStatus.PUBLISHED


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "outsider", "member_bac_kan", "delegate"])
def test_the_steps_are_denied_to_others(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    as_user: Any,
    persona: str,
) -> None:
    poll = make_poll(runner, meeting, org)
    for code in ("24", "06"):
        services.voter_designate(actor=runner, poll=poll, org=org[code], user=delegates[code])
    client = signed_in(delegates["24"]) if persona == "delegate" else as_user(persona)
    step = url("poll-step", poll)
    response = client.post(
        step, {"step": "designate", "org": str(org["19"].pk), "username": "dele19"}
    )
    assert response.status_code in DENIED
    assert poll.voters.count() == 2
    services.voter_designate(actor=runner, poll=poll, org=org["19"], user=delegates["19"])
    assert client.post(step, {"step": "open"}).status_code in DENIED
    assert status(poll) == PollStatus.DRAFT
    services.poll_open(actor=runner, poll=poll)
    assert client.post(step, {"step": "close"}).status_code in DENIED
    assert status(poll) == PollStatus.OPEN
    services.poll_close(actor=runner, poll=poll)
    assert client.post(step, {"step": "publish"}).status_code in DENIED
    assert status(poll) == PollStatus.CLOSED
    assert not AuditEvent.objects.filter(
        action__startswith="votes.", actor__username__in=["xem.bacgiang", "nguoingoai"]
    ).exists()


def test_designating_with_a_malformed_unit_is_a_message(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = make_poll(runner, meeting, org)
    response = signed_in(runner).post(
        url("poll-step", poll), {"step": "designate", "org": "abc", "username": "dele19"}
    )
    assert response.status_code == 302
    assert poll.voters.count() == 0


# --- the ballot ------------------------------------------------------------------------------------


def test_the_ballot_page_is_not_found_for_those_not_on_the_roll(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    viewer_bac_giang: User,
    outsider: User,
) -> None:
    poll = open_poll(runner, meeting, org, delegates)
    for user in (runner, viewer_bac_giang, outsider):
        assert signed_in(user).get(url("ballot", poll)).status_code == 404
        assert signed_in(user).post(url("ballot", poll), {"blank": "1"}).status_code == 404
    assert VoteCast.objects.count() == 0


def test_the_ballot_is_reviewed_then_cast_and_the_receipt_shown_once(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = open_poll(runner, meeting, org, delegates)
    client = signed_in(delegates["06"])
    ballot = url("ballot", poll)
    html = text(client.get(ballot))
    assert 'id="review-vote"' in html
    assert f'value="{key(poll, "19")}"' in html
    response = client.post(ballot, {"choice": key(poll, "19")})
    html = text(response)
    assert 'id="ballot-summary"' in html
    assert org["19"].name in html[html.index('id="ballot-summary"') :]
    assert 'id="confirm-vote"' in html
    assert VoteCast.objects.count() == 0 and Ballot.objects.count() == 0  # not cast yet
    sent = re.search(r'name="ballot" value="([^"]*)"', html)
    assert sent is not None
    content = json.loads(sent.group(1).replace("&quot;", '"'))
    assert content == {"choice": key(poll, "19")}
    response = client.post(ballot, {"confirm": "1", "ballot": json.dumps(content)})
    html = text(response)
    found = re.search(r'id="receipt">([^<]*)<', html)
    assert found is not None and RECEIPT.fullmatch(found.group(1))
    assert Ballot.objects.get(poll=poll).receipt == found.group(1)
    assert Ballot.objects.get(poll=poll).content == content
    assert VoteCast.objects.filter(poll=poll).count() == 1
    # Back to the ballot: already voted, nothing to fill, and a second cast changes nothing.
    html = text(client.get(ballot))
    assert 'id="already-voted"' in html
    assert "Bạn đã bỏ phiếu trong cuộc bỏ phiếu này." in html
    assert 'id="review-vote"' not in html
    response = client.post(
        ballot, {"confirm": "1", "ballot": json.dumps({"choice": key(poll, "24")})}
    )
    assert 'id="already-voted"' in text(response)
    assert 'id="receipt"' not in text(response)
    assert [b.content for b in Ballot.objects.filter(poll=poll)] == [content]
    assert VoteCast.objects.filter(poll=poll).count() == 1
    # The poll page says so too.
    assert "Bạn đã bỏ phiếu." in text(client.get(url("poll", poll)))


def test_a_blank_ballot_is_reviewed_and_cast(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = open_poll(runner, meeting, org, delegates, method="borda")
    client = signed_in(delegates["24"])
    html = text(client.post(url("ballot", poll), {"blank": "1"}))
    assert 'id="ballot-summary"' in html
    client.post(url("ballot", poll), {"confirm": "1", "ballot": '{"blank": true}'})
    assert [b.content for b in Ballot.objects.filter(poll=poll)] == [{"blank": True}]


BAD_BALLOTS: dict[str, tuple[str, int, Any, str]] = {
    "plurality without a choice": ("plurality", 1, {}, "Vui lòng chọn một ứng viên."),
    "plurality with an unknown choice": (
        "plurality",
        1,
        {"choice": "999999"},
        "Vui lòng chọn một ứng viên.",
    ),
    "approval of more than the seats": (
        "approval",
        1,
        {"approve": ["24", "06"]},
        "Chỉ được chọn tối đa 1 ứng viên.",
    ),
    "borda with a rank given twice": (
        "borda",
        1,
        {"r24": "1", "r06": "1"},
        "Mỗi thứ hạng chỉ được dành cho một ứng viên.",
    ),
    "borda with nothing ranked": (
        "borda",
        1,
        {},
        "Vui lòng xếp hạng ít nhất một ứng viên hoặc bỏ phiếu trắng.",
    ),
    "yes/no with a candidate left out": (
        "yes_no",
        1,
        {"c24": "yes", "c06": "no"},
        "Vui lòng chọn đồng ý, không đồng ý hoặc không biểu quyết cho từng ứng viên.",
    ),
}


@pytest.mark.parametrize(
    ("method", "seats", "post", "message"), BAD_BALLOTS.values(), ids=BAD_BALLOTS.keys()
)
def test_a_badly_filled_ballot_is_explained_and_nothing_is_cast(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    method: str,
    seats: int,
    post: dict[str, Any],
    message: str,
) -> None:
    poll = open_poll(runner, meeting, org, delegates, method=method, seats=seats)
    # The form's names carry the candidates' keys; the test writes unit codes.
    data: dict[str, Any] = {}
    for name, value in post.items():
        if name == "approve":
            data[name] = [key(poll, code) for code in value]
        elif name[1:] in CODES:
            data[name[0] + key(poll, name[1:])] = value
        else:
            data[name] = value
    response = signed_in(delegates["24"]).post(url("ballot", poll), data)
    assert response.status_code == 200
    assert message in messages_of(response)
    assert escape(message) in text(response)
    assert 'id="ballot-summary"' not in text(response)
    assert VoteCast.objects.count() == 0 and Ballot.objects.count() == 0


def test_a_forged_confirmation_casts_nothing(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = open_poll(runner, meeting, org, delegates, method="approval")
    client = signed_in(delegates["24"])
    for forged in (
        "{not json",
        "[1, 2]",
        json.dumps({"approve": [key(poll, "24"), key(poll, "06")]}),
    ):
        response = client.post(url("ballot", poll), {"confirm": "1", "ballot": forged})
        assert response.status_code == 200
        assert messages_of(response)
        assert 'id="receipt"' not in text(response)
    assert VoteCast.objects.count() == 0 and Ballot.objects.count() == 0


def test_few_voters_and_named_polls_are_announced_on_the_ballot(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    secret = open_poll(runner, meeting, org, delegates)
    client = signed_in(delegates["24"])
    html = text(client.get(url("ballot", secret)))
    assert 'id="few-voters"' in html
    assert "Dưới 5 cử tri" in html
    assert 'id="named-warning"' not in html
    assert 'id="few-voters"' in text(client.get(url("poll", secret)))
    named = open_poll(
        runner, meeting, org, delegates, secret=False, question="Biểu quyết công khai"
    )
    html = text(client.get(url("ballot", named)))
    assert 'id="named-warning"' in html
    assert "mọi người đều thấy nội dung bạn đã bỏ phiếu" in html
    assert 'id="few-voters"' not in html  # the warning is about secrecy


def test_a_council_poll_of_five_has_no_few_voters_warning(admin_user: User) -> None:
    council = Org.objects.get(code="TW-HDTDKT")
    members = [make_user(f"hoidong{i}", Role.COUNCIL_MEMBER, council) for i in range(5)]
    poll = services.poll_create(
        actor=admin_user,
        question="Thông qua hồ sơ",
        purpose="dossier",
        method="yes_no",
        candidates=[{"label": "Hồ sơ A"}],
        council=council,
    )
    services.poll_open(actor=admin_user, poll=poll)
    html = text(signed_in(members[0]).get(url("ballot", poll)))
    assert 'id="review-vote"' in html
    assert 'id="few-voters"' not in html


# --- results ---------------------------------------------------------------------------------------


def test_results_are_hidden_until_published_except_to_the_secretariat_once_closed(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = open_poll(runner, meeting, org, delegates)
    receipts = {
        code: services.vote(actor=delegates[code], poll=poll, content={"choice": key(poll, "19")})
        for code in ("24", "06")
    }
    page = url("poll", poll)
    voter = signed_in(delegates["24"])
    secretariat = signed_in(runner)
    assert 'id="result"' not in text(voter.get(page))
    assert 'id="result"' not in text(secretariat.get(page))  # open: nobody sees a count
    services.poll_close(actor=runner, poll=poll)
    assert 'id="result"' not in text(voter.get(page))
    assert not AuditEvent.objects.filter(action="votes.result.viewed").exists()
    html = text(secretariat.get(page))
    assert 'id="result"' in html
    assert 'id="receipts"' not in html  # listed once published
    viewed = AuditEvent.objects.get(action="votes.result.viewed")
    assert viewed.actor_id == runner.pk and viewed.object_id == str(poll.pk)
    services.poll_publish(actor=runner, poll=poll)
    html = text(voter.get(page))
    assert 'id="result"' in html
    assert 'id="receipts"' in html
    assert all(r in html for r in receipts.values())
    assert org["19"].name in html[html.index('id="result"') :]
    text(secretariat.get(page))
    assert AuditEvent.objects.filter(action="votes.result.viewed").count() == 1


def test_the_live_count_is_for_the_secretariat(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    viewer_bac_giang: User,
) -> None:
    poll = open_poll(runner, meeting, org, delegates)
    services.vote(actor=delegates["06"], poll=poll, content={"choice": key(poll, "24")})
    response = signed_in(runner).get(url("poll-count", poll))
    assert response.status_code == 200
    html = text(response)
    assert 'id="live-count"' in html
    assert re.search(r"\b1/3\b", html), html
    assert "Đã bỏ phiếu" in html
    assert signed_in(delegates["06"]).get(url("poll-count", poll)).status_code == 404
    assert signed_in(viewer_bac_giang).get(url("poll-count", poll)).status_code in DENIED


def test_the_minutes_come_once_closed_for_the_secretariat_and_once_published_for_all(
    meeting: Meeting, org: dict[str, Org], delegates: dict[str, User], runner: User
) -> None:
    poll = open_poll(runner, meeting, org, delegates)
    services.vote(actor=delegates["06"], poll=poll, content={"choice": key(poll, "24")})
    secretariat, voter = signed_in(runner), signed_in(delegates["06"])
    for fmt in ("pdf", "docx"):
        assert secretariat.get(url("minutes", poll, fmt)).status_code == 404  # still open
    services.poll_close(actor=runner, poll=poll)
    pdf = secretariat.get(url("minutes", poll, "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    docx = secretariat.get(url("minutes", poll, "docx"))
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    assert "attachment" in docx["Content-Disposition"]
    for fmt in ("pdf", "docx"):
        assert voter.get(url("minutes", poll, fmt)).status_code == 404  # not published yet
    assert secretariat.get(url("minutes", poll, "txt")).status_code == 404
    services.poll_publish(actor=runner, poll=poll)
    assert voter.get(url("minutes", poll, "docx")).content.startswith(b"PK")


# --- the paper count -------------------------------------------------------------------------------


def paper_data(poll: Poll, votes: Mapping[str, Any], **figures: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "committee": "Nguyễn Văn A\nTrần Thị B",
        "ballots_issued": "3",
        "ballots_cast": "3",
        "invalid": "0",
        "blank": "0",
    }
    data.update(figures)
    for code, n in votes.items():
        data[f"n_{key(poll, code)}"] = n
    return data


def test_the_paper_count_records_the_totals_and_closes_the_poll(
    meeting: Meeting, org: dict[str, Org], runner: User
) -> None:
    poll = make_poll(runner, meeting, org)
    client = signed_in(runner)
    assert client.get(url("paper", poll)).status_code == 200
    response = client.post(
        url("paper", poll), paper_data(poll, {"24": "2", "06": "0", "19": "1"}), follow=True
    )
    assert response.redirect_chain[-1][0] == url("poll", poll)
    assert "Đã ghi nhận kết quả kiểm phiếu giấy và đóng cuộc bỏ phiếu." in messages_of(response)
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.status == PollStatus.CLOSED and poll.paper
    assert poll.result is not None and poll.result["paper"] is True
    assert poll.result["winners"] == [key(poll, "24")]
    assert poll.ballots_issued == 3
    assert 'id="result"' in text(response)


PAPER_BAD: dict[str, tuple[dict[str, str], dict[str, str], str | None]] = {
    "a count that is not a number": (
        {"24": "hai", "06": "0", "19": "1"},
        {},
        "Số phiếu phải là số nguyên.",
    ),
    "more votes than valid ballots": ({"24": "3", "06": "1", "19": "0"}, {}, None),
    "more ballots returned than issued": (
        {"24": "1", "06": "1", "19": "1"},
        {"ballots_issued": "2"},
        "Số phiếu kiểm được (3) nhiều hơn số phiếu phát ra (2).",
    ),
    "more issued than eligible": ({"24": "1", "06": "0", "19": "0"}, {"ballots_issued": "4"}, None),
    "no committee": ({"24": "1", "06": "0", "19": "0"}, {"committee": ""}, None),
}


@pytest.mark.parametrize(("votes", "figures", "message"), PAPER_BAD.values(), ids=PAPER_BAD.keys())
def test_an_invalid_paper_count_is_explained_and_changes_nothing(
    meeting: Meeting,
    org: dict[str, Org],
    runner: User,
    votes: dict[str, str],
    figures: dict[str, str],
    message: str | None,
) -> None:
    poll = make_poll(runner, meeting, org)
    response = signed_in(runner).post(url("paper", poll), paper_data(poll, votes, **figures))
    assert response.status_code == 200
    html = text(response)
    assert 'class="message message-error"' in html
    if message is not None:
        assert escape(message) in html
    poll = Poll.objects.get(pk=poll.pk)
    assert (poll.status, poll.paper, poll.result) == (PollStatus.DRAFT, False, None)
    assert Ballot.objects.count() == 0
    assert not AuditEvent.objects.filter(action="votes.paper.recorded").exists()


def test_the_paper_count_is_denied_to_others(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    viewer_bac_giang: User,
) -> None:
    poll = make_poll(runner, meeting, org)
    services.voter_designate(actor=runner, poll=poll, org=org["24"], user=delegates["24"])
    for user in (delegates["24"], viewer_bac_giang):
        client = signed_in(user)
        assert client.get(url("paper", poll)).status_code in DENIED
        response = client.post(
            url("paper", poll), paper_data(poll, {"24": "1", "06": "0", "19": "0"})
        )
        assert response.status_code in DENIED
    assert status(poll) == PollStatus.DRAFT


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_visible_polls_and_the_ballots_waiting(
    meeting: Meeting,
    org: dict[str, Org],
    delegates: dict[str, User],
    runner: User,
    outsider: User,
) -> None:
    draft = make_poll(runner, meeting, org, question="Bầu cụm trưởng (nháp)")
    poll = open_poll(runner, meeting, org, delegates, question="Đề nghị tặng Cờ thi đua")
    listing = reverse("votes:poll-list")
    html = text(signed_in(runner).get(listing))
    assert escape(draft.question) in html and escape(poll.question) in html
    assert 'id="to-vote"' not in html  # the secretariat is not on the roll
    assert escape(poll.question) not in text(signed_in(outsider).get(listing))
    client = signed_in(delegates["19"])
    html = text(client.get(listing))
    assert 'id="to-vote"' in html
    assert "Phiếu đang chờ bạn bỏ phiếu" in html
    waiting = html[html.index('id="to-vote"') : html.index("</div>", html.index('id="to-vote"'))]
    assert url("ballot", poll) in waiting
    assert url("ballot", draft) not in waiting
    services.vote(actor=delegates["19"], poll=poll, content={"choice": key(poll, "19")})
    assert 'id="to-vote"' not in text(client.get(listing))


def test_anonymous_visitors_are_sent_to_sign_in(
    meeting: Meeting, org: dict[str, Org], runner: User
) -> None:
    poll = make_poll(runner, meeting, org)
    client = Client()
    for target in (
        reverse("votes:poll-list"),
        url("poll", poll),
        url("ballot", poll),
        url("poll-count", poll),
        url("minutes", poll, "pdf"),
    ):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"]
    assert Voter.objects.count() == 0


def test_a_ranked_paper_vote_is_entered_ballot_by_ballot(
    meeting: Meeting, org: dict[str, Org], runner: User
) -> None:
    """Borda on paper: one line per ballot, the candidates' numbers best first; a blank line of
    “trắng” is blank, a line naming an unknown or repeated number is spoiled (invalid)."""
    poll = make_poll(runner, meeting, org, method="borda")
    candidates = list(poll.candidates.all())
    response = signed_in(runner).post(
        url("paper", poll),
        {
            "committee": "Nguyễn Văn A\nTrần Thị B",
            "ballots_issued": "3",
            "ranked": "2, 1, 3\ntrắng\n1 > 1\n",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("poll", poll)
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.status == PollStatus.CLOSED and poll.paper
    result = poll.result
    assert result is not None
    assert (result["ballots_cast"], result["valid"], result["blank"], result["invalid"]) == (
        3,
        1,
        1,
        1,
    )
    assert result["winners"] == [candidates[1].key]
    points = {r["candidate"]: r["points"] for r in result["results"]}
    assert points == {candidates[1].key: 2, candidates[0].key: 1, candidates[2].key: 0}
    assert Ballot.objects.filter(poll=poll, paper=True).count() == 3
