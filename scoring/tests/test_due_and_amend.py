"""The date self-assessments are due (service, page, late sheets); amending a table while scoring
is open (draft sheets carried over, refused once a member has submitted); reviewers and conflicts
only while the cross-check is open; a reviewer's form filled with what it saved last.

The cluster is seed 000's in 2015, headed by Bắc Giang ("24", the secretariat persona's province),
with Bắc Kạn ("06") and Thái Nguyên ("19"), scored on the starter table.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from clusters.models import ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from scoring import assessment
from scoring.models import (
    Assignment,
    Conflict,
    Evidence,
    Mark,
    ScoringTable,
    Sheet,
    SheetStatus,
    Stage,
    TableStatus,
)
from scoring.services import table_amend, table_create, table_lock, table_publish, table_set_due
from scoring.starter import STARTER

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
LEAVES = ["A1", "A2", "B1", "B2", "C", "D1", "D2", "T", "P"]
# The member's own values: (value, target) for the quantitative A1, else the value.
SELF: dict[str, Any] = {
    "A1": (100, 100),
    "A2": 7,
    "B1": 1,
    "B2": 2,
    "C": 1,
    "D1": 1,
    "D2": 1,
    "T": 0,
    "P": 0,
}


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-7",
        name="Cụm thi đua 7 tỉnh",
    )
    members = [province(code) for code in ("24", "06", "19")]
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
def org(year: ClusterYear) -> dict[str, Org]:
    return {code: Org.objects.get(code=code) for code in ("24", "06", "19")}


def draft_table(year: ClusterYear) -> ScoringTable:
    return table_create(actor=None, cluster_year=year, title="Bảng điểm 2015", data=STARTER)


def published_table(year: ClusterYear) -> ScoringTable:
    return table_publish(actor=None, table=draft_table(year))


@pytest.fixture
def table(year: ClusterYear) -> ScoringTable:
    """The year's table, locked: scoring is open."""
    return table_lock(actor=None, table=published_table(year))


@pytest.fixture
def meeting(year: ClusterYear) -> Any:
    return meeting_create(actor=None, cluster_year=year, kind="mid_year", date=dt.date(2015, 7, 17))


def fill(sheet: Sheet, values: dict[str, Any] | None = None) -> None:
    for code, raw in (values or SELF).items():
        value, target = raw if isinstance(raw, tuple) else (raw, None)
        assessment.self_save(actor=None, sheet=sheet, code=code, value=value, target=target)


def submitted(table: ScoringTable, member: Org) -> Sheet:
    sheet = assessment.sheet_for(table=table, org=member)
    fill(sheet)
    return assessment.sheet_submit(actor=None, sheet=sheet)


def settle_all(table: ScoringTable) -> None:
    """Every member self-scores, submits and is settled (nobody reviews: own values stand)."""
    for member in table.cluster_year.members.select_related("org"):
        assessment.sheet_finalize(actor=None, sheet=submitted(table, member.org))


def fresh(table: ScoringTable) -> ScoringTable:
    return ScoringTable.objects.get(pk=table.pk)


def snapshot() -> tuple[Any, ...]:
    """Everything the services touched here write, to show a refused call changed nothing."""
    return (
        list(
            ScoringTable.objects.order_by("pk").values_list(
                "pk", "status", "version", "self_due", "results_published_at"
            )
        ),
        list(Sheet.objects.order_by("pk").values_list("pk", "table_id", "status", "version")),
        list(Mark.objects.order_by("pk").values_list("pk", "sheet_id", "code", "stage", "value")),
        list(Assignment.objects.order_by("pk").values_list("pk", "table_id", "reviewer_id")),
        list(Conflict.objects.order_by("pk").values_list("pk", "table_id", "reviewer_id")),
        AuditEvent.objects.filter(action__startswith="scoring.").count(),
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(cy: ClusterYear) -> str:
    return reverse("scoring:table", args=[cy.cluster_id, cy.year])


def sheet_url(cy: ClusterYear, member: Org) -> str:
    return reverse("scoring:sheet", args=[cy.cluster_id, cy.year, member.pk])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def element(html: str, element_id: str) -> str:
    """The opening tag (and text up to its closing tag) of the element with `element_id`."""
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    assert match is not None, f"no element #{element_id}"
    return match.group(0)


def input_value(html: str, element_id: str) -> str | None:
    """The value attribute of the input with `element_id` (None when it has none)."""
    match = re.search(rf'<input[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match is not None, f"no input #{element_id}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def sheet_row(html: str, name: str) -> str:
    """The row of the crosscheck page's sheets table for the member named `name`."""
    sheets = html[html.index('id="sheets"') : html.index("</table>", html.index('id="sheets"'))]
    rows = [r for r in re.findall(r"<tr>.*?</tr>", sheets, re.S) if name in r]
    assert len(rows) == 1, name
    return rows[0]


# --- the due date: the service -----------------------------------------------------------------


def test_the_due_date_is_set_changed_and_cleared_each_audited(
    table: ScoringTable, admin_user: User
) -> None:
    set_ = table_set_due(actor=admin_user, table=table, due=dt.date(2015, 11, 30))
    assert set_.self_due == dt.date(2015, 11, 30)
    assert fresh(table).self_due == dt.date(2015, 11, 30)

    table_set_due(actor=admin_user, table=table, due=dt.date(2016, 1, 15))  # early the next year
    assert fresh(table).self_due == dt.date(2016, 1, 15)
    table_set_due(actor=admin_user, table=table, due=dt.date(2016, 1, 15))  # the same: no event
    table_set_due(actor=admin_user, table=table, due=None)
    assert fresh(table).self_due is None

    recorded = events("scoring.table.due_set")
    assert [e.changes["self_due"] for e in recorded] == [
        [None, "2015-11-30"],
        ["2015-11-30", "2016-01-15"],
        ["2016-01-15", None],
    ]
    assert all(e.actor == admin_user for e in recorded)
    assert {e.object_id for e in recorded} == {str(table.pk)}
    assert {e.org_id_hint for e in recorded} == {table.cluster_year.cluster.organiser_id}


@pytest.mark.parametrize(
    ("due", "accepted"),
    [
        (dt.date(2014, 12, 31), False),
        (dt.date(2015, 1, 1), True),
        (dt.date(2016, 12, 31), True),
        (dt.date(2017, 1, 1), False),
        (dt.date(2030, 6, 1), False),
    ],
)
def test_the_due_date_falls_in_the_tables_year_or_the_next(
    table: ScoringTable, due: dt.date, accepted: bool
) -> None:
    before = snapshot()

    if accepted:
        table_set_due(actor=None, table=table, due=due)
        assert fresh(table).self_due == due
        assert len(events("scoring.table.due_set")) == 1
        return
    with pytest.raises(DomainError) as refused:
        table_set_due(actor=None, table=table, due=due)
    assert refused.value.field == "due"
    assert "2015" in refused.value.message
    assert snapshot() == before


def test_the_due_date_is_set_on_a_draft_too(year: ClusterYear) -> None:
    draft = draft_table(year)

    table_set_due(actor=None, table=draft, due=dt.date(2015, 12, 1))

    assert fresh(draft).self_due == dt.date(2015, 12, 1)


def test_a_superseded_version_takes_no_due_date(table: ScoringTable, meeting: Any) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 10, 1))
    table_amend(
        actor=None, table=table, reason="Sửa giữa năm", meeting=meeting, title="", data=STARTER
    )
    before = snapshot()

    with pytest.raises(DomainError):
        table_set_due(actor=None, table=table, due=dt.date(2015, 12, 1))

    assert snapshot() == before
    assert fresh(table).self_due == dt.date(2015, 10, 1)


def test_no_due_date_changes_once_the_results_are_published(table: ScoringTable) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 10, 1))
    settle_all(table)
    assessment.results_publish(actor=None, table=table)
    before = snapshot()

    for due in (dt.date(2015, 12, 1), None):
        with pytest.raises(DomainError):
            table_set_due(actor=None, table=table, due=due)

    assert snapshot() == before
    assert fresh(table).self_due == dt.date(2015, 10, 1)


# --- the due date: the page --------------------------------------------------------------------


def test_the_secretariat_sets_the_due_date_and_the_table_page_shows_it(
    as_user: Any, table: ScoringTable, year: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")

    response = client.post(reverse("scoring:table-due", args=[table.pk]), {"due": "30/11/2015"})

    assert response.status_code == 302
    assert response["Location"] == page_url(year)
    assert fresh(table).self_due == dt.date(2015, 11, 30)
    [event] = events("scoring.table.due_set")
    assert event.actor.username == "thuky.bacgiang"  # type: ignore[union-attr]
    page = client.get(page_url(year))
    assert re.search(r'id="table-due">\s*30/11/2015\s*<', page.content.decode())
    assert "Đã lưu hạn nộp bảng tự chấm." in messages_of(page)


def test_the_table_page_shows_a_dash_without_a_due_date(
    as_user: Any, table: ScoringTable, year: ClusterYear
) -> None:
    page = as_user("secretariat_bac_giang").get(page_url(year))

    assert re.search(r'id="table-due">\s*—\s*<', page.content.decode())


def test_an_empty_date_clears_the_due_date(
    as_user: Any, table: ScoringTable, year: ClusterYear
) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 11, 30))

    response = as_user("secretariat_bac_giang").post(
        reverse("scoring:table-due", args=[table.pk]), {"due": ""}
    )

    assert response.status_code == 302
    assert fresh(table).self_due is None


@pytest.mark.parametrize(
    "persona",
    ["member_bac_kan", "viewer_bac_giang", "council_member", "officer_thai_nguyen", "outsider"],
)
def test_others_cannot_set_the_due_date(as_user: Any, table: ScoringTable, persona: str) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 11, 30))
    before = snapshot()

    response = as_user(persona).post(
        reverse("scoring:table-due", args=[table.pk]), {"due": "01/12/2015"}
    )

    assert response.status_code in (403, 404)
    assert snapshot() == before
    assert fresh(table).self_due == dt.date(2015, 11, 30)


def test_an_anonymous_visitor_cannot_set_the_due_date(table: ScoringTable) -> None:
    before = snapshot()

    response = Client().post(reverse("scoring:table-due", args=[table.pk]), {"due": "01/12/2015"})

    assert response.status_code == 302 and "login" in response["Location"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("31/02/2015", "Nhập một ngày hợp lệ."),
        ("ngày mai", "Nhập một ngày hợp lệ."),
        ("15/03/2020", "Hạn nộp phải thuộc năm 2015 hoặc đầu năm sau."),
        ("31/12/2014", "Hạn nộp phải thuộc năm 2015 hoặc đầu năm sau."),
    ],
)
def test_a_bad_date_shows_a_vietnamese_error_and_changes_nothing(
    as_user: Any, table: ScoringTable, typed: str, error: str
) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 11, 30))
    before = snapshot()

    response = as_user("secretariat_bac_giang").post(
        reverse("scoring:table-due", args=[table.pk]), {"due": typed}
    )

    assert response.status_code == 200
    form = response.context["due_form"]
    assert form.errors and any(error in e for e in form.errors["due"])
    assert error in response.content.decode()
    assert snapshot() == before


def test_a_superseded_version_takes_no_due_date_from_the_page(
    as_user: Any, table: ScoringTable, meeting: Any
) -> None:
    amended = table_amend(
        actor=None, table=table, reason="Sửa giữa năm", meeting=meeting, title="", data=STARTER
    )
    before = snapshot()

    response = as_user("secretariat_bac_giang").post(
        reverse("scoring:table-due", args=[table.pk]), {"due": "01/12/2015"}
    )

    assert response.status_code == 200
    assert response.context["due_form"].errors
    assert snapshot() == before
    assert (fresh(table).self_due, fresh(amended).self_due) == (None, None)


def test_the_due_date_form_is_gone_once_the_results_are_published(
    as_user: Any, table: ScoringTable, year: ClusterYear
) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 11, 30))
    client = as_user("secretariat_bac_giang")
    before = client.get(page_url(year)).content.decode()
    settle_all(table)
    assessment.results_publish(actor=None, table=table)

    after = client.get(page_url(year)).content.decode()

    assert 'id="due-h"' in before
    assert reverse("scoring:table-due", args=[table.pk]) in before
    assert 'id="due-h"' not in after
    assert reverse("scoring:table-due", args=[table.pk]) not in after
    assert re.search(r'id="table-due">\s*30/11/2015\s*<', after)


def test_the_due_date_form_is_only_for_those_who_run_the_year(
    as_user: Any, table: ScoringTable, year: ClusterYear
) -> None:
    html = as_user("viewer_bac_giang").get(page_url(year)).content.decode()

    assert 'id="table-due"' in html
    assert 'id="due-h"' not in html


def test_a_sheet_submitted_after_the_due_date_is_marked_late_on_the_crosscheck_page(
    as_user: Any, table: ScoringTable, org: dict[str, Org]
) -> None:
    client = as_user("secretariat_bac_giang")
    client.post(reverse("scoring:table-due", args=[table.pk]), {"due": "10/01/2015"})  # long past
    late = submitted(fresh(table), org["06"])
    on_time = submitted(fresh(table), org["19"])
    Sheet.objects.filter(pk=on_time.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(2015, 1, 5, 9, 0))
    )
    assessment.sheet_for(table=table, org=org["24"])  # opened, not submitted

    html = client.get(reverse("scoring:crosscheck", args=[table.pk])).content.decode()

    assert 'class="badge late"' in sheet_row(html, org["06"].name)
    assert "05/01/2015" in sheet_row(html, org["19"].name)
    assert "badge late" not in sheet_row(html, org["19"].name)
    assert "badge late" not in sheet_row(html, org["24"].name)
    assert html.count('class="badge late"') == 1
    assert [e.changes["late"] for e in events("scoring.sheet.submitted")] == [
        [None, True],
        [None, True],
    ]
    assert late.submitted_at is not None


def test_a_sheet_submitted_on_the_due_day_is_not_late(
    as_user: Any, table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = submitted(table, org["06"])
    assert sheet.submitted_at is not None
    day = timezone.localdate(sheet.submitted_at)
    client = as_user("secretariat_bac_giang")
    url = reverse("scoring:crosscheck", args=[table.pk])

    ScoringTable.objects.filter(pk=table.pk).update(self_due=day)
    on_the_day = sheet_row(client.get(url).content.decode(), org["06"].name)
    ScoringTable.objects.filter(pk=table.pk).update(self_due=day - dt.timedelta(days=1))
    a_day_late = sheet_row(client.get(url).content.decode(), org["06"].name)
    ScoringTable.objects.filter(pk=table.pk).update(self_due=None)
    no_date = sheet_row(client.get(url).content.decode(), org["06"].name)

    assert "badge late" not in on_the_day
    assert 'class="badge late"' in a_day_late
    assert "badge late" not in no_date


# --- amending while scoring is open ------------------------------------------------------------


def test_an_amendment_carries_the_draft_sheets_reviewers_conflicts_and_due_date_over(
    table: ScoringTable, org: dict[str, Org], meeting: Any
) -> None:
    table_set_due(actor=None, table=table, due=dt.date(2015, 11, 30))
    bac_kan = assessment.sheet_for(table=table, org=org["06"])
    fill(bac_kan, {"A1": (90, 100), "B2": 3})
    assessment.evidence_add(
        actor=None,
        sheet=bac_kan,
        code="A1",
        upload=ContentFile(PDF, name="thu-ngan-sach.pdf"),
    )
    thai_nguyen = assessment.sheet_for(table=table, org=org["19"])
    fill(thai_nguyen, {"C": 1})
    assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])
    assessment.conflict_declare(
        actor=None, table=table, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
    )
    marks = sorted(Mark.objects.values_list("pk", "sheet_id", "code", "value"))
    versions = dict(Sheet.objects.values_list("pk", "version"))

    amended = table_amend(
        actor=None,
        table=table,
        reason="Bổ sung tiêu chí giữa năm",
        meeting=meeting,
        title="Bảng điểm 2015 (sửa đổi)",
        data=STARTER,
    )

    assert fresh(table).status == TableStatus.SUPERSEDED
    assert amended.status == TableStatus.LOCKED and amended.version == 2
    assert amended.self_due == dt.date(2015, 11, 30)
    assert set(Sheet.objects.values_list("table_id", flat=True)) == {amended.pk}
    assert not Sheet.objects.filter(table=table).exists()
    assert sorted(Mark.objects.values_list("pk", "sheet_id", "code", "value")) == marks
    assert dict(Sheet.objects.values_list("pk", "version")) == versions
    assert Evidence.objects.get().sheet_id == bac_kan.pk
    assert list(Assignment.objects.values_list("table_id", "reviewer__code", "reviewee__code")) == [
        (amended.pk, "24", "06")
    ]
    assert list(Conflict.objects.values_list("table_id", "reviewer__code", "reviewee__code")) == [
        (amended.pk, "19", "06")
    ]
    [event] = events("scoring.table.amended")
    assert event.changes["sheets"] == [None, 2]
    assert event.changes["version"] == [1, 2]
    assert event.object_id == str(amended.pk)

    # The member carries on with the same sheet under the new version.
    assert assessment.sheet_for(table=amended, org=org["06"]) == bac_kan
    assert Sheet.objects.count() == 2
    fill(Sheet.objects.get(pk=bac_kan.pk))
    done = assessment.sheet_submit(actor=None, sheet=bac_kan)
    assert done.status == SheetStatus.SUBMITTED and done.table_id == amended.pk
    with pytest.raises(DomainError):  # the carried assignment holds on the new version
        assessment.assignment_add(actor=None, table=amended, reviewer=org["24"], reviewee=org["06"])


def test_an_amendment_before_any_sheet_counts_none_and_keeps_the_due_date(
    year: ClusterYear, meeting: Any
) -> None:
    published = published_table(year)
    table_set_due(actor=None, table=published, due=dt.date(2016, 1, 10))

    amended = table_amend(
        actor=None,
        table=published,
        reason="Sửa thang điểm",
        meeting=meeting,
        title="",
        data=STARTER,
    )

    assert amended.status == TableStatus.PUBLISHED
    assert amended.self_due == dt.date(2016, 1, 10)
    assert events("scoring.table.amended")[0].changes["sheets"] == [None, 0]


def test_the_member_opens_its_carried_sheet_on_the_page_after_an_amendment(
    table: ScoringTable, org: dict[str, Org], meeting: Any, year: ClusterYear
) -> None:
    sheet = assessment.sheet_for(table=table, org=org["06"])
    fill(sheet, {"A2": "7.5"})
    amended = table_amend(
        actor=None, table=table, reason="Sửa giữa năm", meeting=meeting, title="", data=STARTER
    )
    member = signed_in(make_user("daumoi.bk", Role.FOCAL_POINT, org["06"]))

    response = member.get(sheet_url(year, org["06"]))

    assert response.status_code == 200
    assert response.context["sheet"].pk == sheet.pk
    assert response.context["table"].pk == amended.pk
    assert Sheet.objects.count() == 1
    row = next(r for r in response.context["rows"] if r["c"].code == "A2")
    assert row["value"] == "7,5"


@pytest.mark.parametrize("stage", ["submitted", "explaining", "final"])
def test_an_amendment_is_refused_once_a_member_has_submitted(
    table: ScoringTable, org: dict[str, Org], meeting: Any, stage: str
) -> None:
    assessment.sheet_for(table=table, org=org["24"])  # a draft beside it changes nothing
    sheet = submitted(table, org["06"])
    if stage == "explaining":
        assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])
        assessment.review_save(
            actor=None, sheet=sheet, reviewer=org["24"], code="C", value=0, note="Chưa đạt"
        )
        assessment.explanations_open(actor=None, sheet=sheet)
    elif stage == "final":
        assessment.sheet_finalize(actor=None, sheet=sheet)
    assert Sheet.objects.get(pk=sheet.pk).status == stage
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        table_amend(
            actor=None, table=table, reason="Sửa giữa năm", meeting=meeting, title="", data=STARTER
        )

    assert snapshot() == before
    assert ScoringTable.objects.count() == 1 and fresh(table).status == TableStatus.LOCKED
    assert "đã nộp bảng tự chấm" in refused.value.message
    with translation.override("en"), pytest.raises(DomainError) as in_english:
        table_amend(
            actor=None,
            table=table,
            reason="Sửa giữa năm",
            meeting=meeting,
            title="",
            data=STARTER,
        )
    assert "submitted their self-assessments" in in_english.value.message


def test_the_amendment_page_says_why_it_is_refused_after_a_submission(
    as_user: Any, table: ScoringTable, org: dict[str, Org], meeting: Any
) -> None:
    submitted(table, org["06"])
    before = snapshot()

    response = as_user("secretariat_bac_giang").post(
        reverse("scoring:table-amend", args=[table.pk]),
        {
            "title": table.title,
            "scale": 100,
            "aggregation": "mean",
            "tie_breaks": "",
            "reason": "Sửa giữa năm",
            "meeting": meeting.pk,
        },
    )

    assert response.status_code == 200
    assert "đã nộp bảng tự chấm" in response.content.decode()
    assert snapshot() == before


# --- reviewers and conflicts only while the cross-check is open -------------------------------


@pytest.mark.parametrize("status", ["draft", "published", "superseded"])
def test_reviewers_and_conflicts_wait_for_the_locked_current_table(
    year: ClusterYear, org: dict[str, Org], meeting: Any, status: str
) -> None:
    if status == "draft":
        target = draft_table(year)
    elif status == "published":
        target = published_table(year)
    else:
        target = table_lock(actor=None, table=published_table(year))
        table_amend(
            actor=None, table=target, reason="Sửa giữa năm", meeting=meeting, title="", data=STARTER
        )
    assert fresh(target).status == status
    before = snapshot()

    with pytest.raises(DomainError) as assign:
        assessment.assignment_add(actor=None, table=target, reviewer=org["24"], reviewee=org["06"])
    with pytest.raises(DomainError):
        assessment.conflict_declare(
            actor=None, table=target, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
        )

    assert snapshot() == before
    assert "khóa" in assign.value.message


def test_reviewers_and_conflicts_are_refused_once_the_results_are_published(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    settle_all(table)
    assessment.results_publish(actor=None, table=table)
    before = snapshot()

    with pytest.raises(DomainError) as assign:
        assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])
    with pytest.raises(DomainError) as conflict:
        assessment.conflict_declare(
            actor=None, table=table, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
        )

    assert snapshot() == before
    assert "công bố" in assign.value.message and "công bố" in conflict.value.message


def test_while_the_cross_check_is_open_reviewers_and_conflicts_are_recorded(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])
    assessment.conflict_declare(
        actor=None, table=table, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
    )

    assert list(Assignment.objects.values_list("reviewer__code", "reviewee__code")) == [
        ("24", "06")
    ]
    assert list(Conflict.objects.values_list("reviewer__code", "reason")) == [("19", "Sáp nhập")]


def test_a_failed_assignment_leaves_nothing_behind(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    before = snapshot()

    audit_down = mock.patch("scoring.assessment.audit_log", side_effect=RuntimeError("down"))
    with audit_down, pytest.raises(RuntimeError):
        assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])

    assert snapshot() == before


def test_a_failed_conflict_declaration_leaves_nothing_behind(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    assessment.assignment_add(actor=None, table=table, reviewer=org["19"], reviewee=org["06"])
    before = snapshot()

    audit_down = mock.patch("scoring.assessment.audit_log", side_effect=RuntimeError("down"))
    with audit_down, pytest.raises(RuntimeError):
        assessment.conflict_declare(
            actor=None, table=table, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
        )

    assert snapshot() == before


def test_a_post_to_the_crosscheck_page_before_the_table_is_locked_is_refused(
    as_user: Any, year: ClusterYear, org: dict[str, Org]
) -> None:
    published = published_table(year)
    client = as_user("secretariat_bac_giang")
    before = snapshot()

    response = client.post(
        reverse("scoring:crosscheck", args=[published.pk]),
        {"action": "assign", "reviewee": org["06"].pk, "reviewer": "24"},
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "Chỉ phân công chấm chéo khi bảng điểm đã khóa và đã mở chấm điểm."
    ]
    assert snapshot() == before


def test_the_assign_form_shows_while_a_sheet_is_still_open(
    as_user: Any, table: ScoringTable, org: dict[str, Org]
) -> None:
    assessment.sheet_finalize(actor=None, sheet=submitted(table, org["06"]))  # one settled

    html = (
        as_user("secretariat_bac_giang")
        .get(reverse("scoring:crosscheck", args=[table.pk]))
        .content.decode()
    )

    assert 'id="assign-h"' in html


def test_the_assign_form_is_hidden_once_every_sheet_is_settled(
    as_user: Any, table: ScoringTable
) -> None:
    settle_all(table)

    html = (
        as_user("secretariat_bac_giang")
        .get(reverse("scoring:crosscheck", args=[table.pk]))
        .content.decode()
    )

    assert 'id="assign-h"' not in html
    assert 'id="sheets"' in html


def test_after_publication_the_crosscheck_page_hides_the_form_and_refuses_a_post(
    as_user: Any, table: ScoringTable, org: dict[str, Org]
) -> None:
    assessment.conflict_declare(
        actor=None, table=table, reviewer=org["19"], reviewee=org["06"], reason="Sáp nhập"
    )
    settle_all(table)
    assessment.results_publish(actor=None, table=table)
    client = as_user("secretariat_bac_giang")
    url = reverse("scoring:crosscheck", args=[table.pk])
    before = snapshot()

    page = client.get(url).content.decode()
    assigned = client.post(
        url, {"action": "assign", "reviewee": org["06"].pk, "reviewer": "24"}, follow=True
    )
    declared = client.post(
        url,
        {"action": "conflict", "reviewee": org["24"].pk, "reviewer": "06", "reason": "Lý do"},
        follow=True,
    )

    assert 'id="assign-h"' not in page
    assert 'id="conflicts-h"' in page and "Sáp nhập" in page  # declared conflicts stay listed
    assert assigned.status_code == declared.status_code == 200
    assert "Kết quả đã công bố: việc chấm chéo đã kết thúc." in messages_of(assigned)
    assert "Kết quả đã công bố: việc chấm chéo đã kết thúc." in messages_of(declared)
    assert all(m.level_tag == "error" for m in assigned.context["messages"])
    assert snapshot() == before


# --- the reviewer's form -----------------------------------------------------------------------


@pytest.fixture
def review_setup(table: ScoringTable, org: dict[str, Org], year: ClusterYear) -> dict[str, Any]:
    """Bắc Kạn's sheet submitted; Bắc Giang and Thái Nguyên assigned to review it."""
    sheet = submitted(table, org["06"])
    assessment.assignment_add(actor=None, table=table, reviewer=org["24"], reviewee=org["06"])
    assessment.assignment_add(actor=None, table=table, reviewer=org["19"], reviewee=org["06"])
    return {
        "sheet": sheet,
        "url": sheet_url(year, org["06"]),
        "bac_giang": signed_in(make_user("daumoi.bg", Role.FOCAL_POINT, org["24"])),
        "thai_nguyen": signed_in(make_user("daumoi.tn", Role.FOCAL_POINT, org["19"])),
    }


def review_post(client: Client, sheet: Sheet, reviewer: Org, **form: Any) -> Any:
    version = Sheet.objects.get(pk=sheet.pk).version
    return client.post(
        reverse("scoring:sheet-review", args=[sheet.pk]),
        {"reviewer": reviewer.pk, "version": version, **form},
    )


def test_the_reviewers_form_starts_empty_with_its_progress_at_zero(
    review_setup: dict[str, Any], org: dict[str, Org]
) -> None:
    reviewer = org["24"].pk

    html = review_setup["bac_giang"].get(review_setup["url"]).content.decode()

    assert input_value(html, f"rv-{reviewer}-A2") == ""
    assert input_value(html, f"rt-{reviewer}-A1") == ""
    progress = element(html, f"review-progress-{reviewer}")
    assert "đã lưu 0/9 tiêu chí" in progress and org["24"].name in progress
    assert html.count("Lưu điểm chấm chéo") == len(LEAVES)
    assert "Sửa điểm chấm chéo" not in html


def test_the_reviewers_form_is_filled_with_what_it_saved_last(
    review_setup: dict[str, Any], org: dict[str, Org]
) -> None:
    client, sheet, bac_giang = review_setup["bac_giang"], review_setup["sheet"], org["24"]
    review_post(client, sheet, bac_giang, code="D2", value="4", note="Bốn điển hình")
    review_post(client, sheet, bac_giang, code="D2", value="3", note="Ba điển hình")  # the latest
    review_post(client, sheet, bac_giang, code="A2", value="3,5", note="Theo niên giám")
    review_post(
        client, sheet, bac_giang, code="A1", value="1.050", target="1.000", note="Theo quyết toán"
    )
    review_post(client, sheet, bac_giang, code="C", value="1")  # agrees: no reason needed
    assert Mark.objects.filter(stage=Stage.REVIEW).count() == 5

    html = client.get(review_setup["url"]).content.decode()
    pk = bac_giang.pk

    assert input_value(html, f"rv-{pk}-D2") == "3"
    assert input_value(html, f"rv-{pk}-A2") == "3,5"
    assert input_value(html, f"rv-{pk}-A1") == "1.050"
    assert input_value(html, f"rt-{pk}-A1") == "1.000"
    assert input_value(html, f"rv-{pk}-C") == "1"
    assert input_value(html, f"rv-{pk}-B2") == ""
    assert "Ba điển hình</textarea>" in element(html, f"rn-{pk}-D2")
    assert element(html, f"rn-{pk}-C").endswith("></textarea>")
    assert html.count("Sửa điểm chấm chéo") == 4
    assert html.count("Lưu điểm chấm chéo") == len(LEAVES) - 4
    assert "đã lưu 4/9 tiêu chí" in element(html, f"review-progress-{pk}")


def test_the_form_saved_again_keeps_the_same_values(
    review_setup: dict[str, Any], org: dict[str, Org]
) -> None:
    """What the form shows, posted back unchanged, stores the same value."""
    client, sheet, pk = review_setup["bac_giang"], review_setup["sheet"], org["24"].pk
    review_post(client, sheet, org["24"], code="A1", value="1.050", target="1.000", note="x")
    html = client.get(review_setup["url"]).content.decode()

    review_post(
        client,
        sheet,
        org["24"],
        code="A1",
        value=input_value(html, f"rv-{pk}-A1"),
        target=input_value(html, f"rt-{pk}-A1"),
        note="x",
    )

    assert list(
        Mark.objects.filter(stage=Stage.REVIEW).order_by("id").values_list("value", "target")
    ) == [(1050, 1000), (1050, 1000)]


def test_each_reviewer_sees_only_its_own_saved_values(
    review_setup: dict[str, Any], org: dict[str, Org]
) -> None:
    sheet = review_setup["sheet"]
    review_post(review_setup["bac_giang"], sheet, org["24"], code="A2", value="3,5", note="x")

    html = review_setup["thai_nguyen"].get(review_setup["url"]).content.decode()

    assert f'id="rv-{org["24"].pk}-A2"' not in html
    assert f'id="review-progress-{org["24"].pk}"' not in html
    assert input_value(html, f"rv-{org['19'].pk}-A2") == ""
    assert "đã lưu 0/9 tiêu chí" in element(html, f"review-progress-{org['19'].pk}")


def test_the_member_and_the_secretariat_get_no_review_form(
    review_setup: dict[str, Any], org: dict[str, Org], as_user: Any
) -> None:
    member = signed_in(make_user("daumoi.bk", Role.FOCAL_POINT, org["06"]))

    for client in (member, as_user("secretariat_bac_giang")):
        html = client.get(review_setup["url"]).content.decode()
        assert 'id="rv-' not in html
        assert 'id="review-progress-' not in html
