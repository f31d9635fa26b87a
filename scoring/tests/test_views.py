"""Pages of the scoring table: who may see and change it, Excel round trip, publish, lock, amend,
preview."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from core.models import AuditEvent
from orgs.models import Org
from scoring.models import Criterion, ScoringTable, TableStatus
from scoring.services import table_data


@pytest.fixture
def year(province: Any) -> ClusterYear:
    """Seed 000's cluster in 2015, headed by Bắc Giang (the secretariat persona's province)."""
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


def page_url(cy: ClusterYear) -> str:
    return reverse("scoring:table", args=[cy.cluster_id, cy.year])


def start(client: Client, cy: ClusterYear, source: str = "sample") -> Any:
    return client.post(
        reverse("scoring:table-start", args=[cy.cluster_id, cy.year]), {"from": source}
    )


def state() -> tuple[Any, ...]:
    return (
        list(ScoringTable.objects.values_list("pk", "status", "version", "title", "aggregation")),
        list(Criterion.objects.values_list("table_id", "code", "text", "max_points")),
        AuditEvent.objects.count(),
    )


def test_the_secretariat_starts_from_the_sample_and_publishes(
    as_user: Any, year: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")

    assert start(client, year).status_code == 302
    table = ScoringTable.objects.get()
    page = client.get(page_url(year))
    published = client.post(reverse("scoring:table-publish", args=[table.pk]))
    locked = client.post(reverse("scoring:table-lock", args=[table.pk]))

    assert page.status_code == 200 and 'id="criteria"' in page.content.decode()
    assert published.status_code == locked.status_code == 302
    table.refresh_from_db()
    assert table.status == TableStatus.LOCKED
    assert table_data(table)["scale"] == 100


@pytest.mark.parametrize(
    "persona", ["member_bac_kan", "viewer_bac_giang", "council_member", "officer_thai_nguyen"]
)
def test_others_cannot_change_the_table_and_nothing_changes(
    as_user: Any, year: ClusterYear, persona: str
) -> None:
    start(as_user("secretariat_bac_giang"), year)
    table = ScoringTable.objects.get()
    client = as_user(persona)
    before = state()

    answers = [
        start(client, year).status_code,
        client.post(reverse("scoring:table-publish", args=[table.pk])).status_code,
        client.post(reverse("scoring:table-lock", args=[table.pk])).status_code,
        client.post(
            reverse("scoring:table-edit", args=[table.pk]),
            {"title": "Khác", "scale": 100, "aggregation": "mean", "tie_breaks": ""},
        ).status_code,
    ]

    assert set(answers) <= {403, 404}
    assert state() == before


def test_an_outsider_does_not_see_the_table(as_user: Any, year: ClusterYear) -> None:
    start(as_user("secretariat_bac_giang"), year)
    table = ScoringTable.objects.get()
    client = as_user("outsider")

    assert client.get(page_url(year)).status_code == 404
    assert client.get(reverse("scoring:table-xlsx", args=[table.pk])).status_code == 404
    assert client.get(reverse("scoring:table-preview", args=[table.pk])).status_code == 404


def test_the_excel_sheet_goes_out_and_comes_back_edited(as_user: Any, year: ClusterYear) -> None:
    client = as_user("secretariat_bac_giang")
    start(client, year)
    table = ScoringTable.objects.get()
    sheet = client.get(reverse("scoring:table-xlsx", args=[table.pk]))
    book = load_workbook(BytesIO(sheet.content))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    code_at, text_at = header.index("Mã"), header.index("Tiêu chí")
    c_row = next(i for i, r in enumerate(rows) if r[code_at] == "C")
    book.active.cell(row=c_row + 1, column=text_at + 1, value="Xây dựng Đảng và hệ thống chính trị")
    out = BytesIO()
    book.save(out)

    response = client.post(
        reverse("scoring:table-edit", args=[table.pk]),
        {
            "title": "Bảng chấm điểm 2015",
            "scale": 100,
            "aggregation": "median",
            "tie_breaks": "group:A, bonus, vote",
            "file": SimpleUploadedFile("bang.xlsx", out.getvalue()),
        },
    )

    assert response.status_code == 302
    table.refresh_from_db()
    data = table_data(table)
    assert (table.title, table.aggregation) == ("Bảng chấm điểm 2015", "median")
    texts = {c["code"]: c["text"] for c in data["criteria"]}
    assert texts["C"] == "Xây dựng Đảng và hệ thống chính trị"
    assert len(data["criteria"]) == 6


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("bang.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("bang.xlsx", b"not a workbook"),
    ],
)
def test_a_bad_upload_is_refused_and_changes_nothing(
    as_user: Any, year: ClusterYear, upload: Any
) -> None:
    client = as_user("secretariat_bac_giang")
    start(client, year)
    table = ScoringTable.objects.get()
    before = state()

    response = client.post(
        reverse("scoring:table-edit", args=[table.pk]),
        {"title": "Khác", "scale": 100, "aggregation": "mean", "tie_breaks": "", "file": upload},
    )

    assert response.status_code == 200
    assert response.context["settings_form"].errors
    assert state() == before


def test_the_preview_computes_the_trial_members_points(as_user: Any, year: ClusterYear) -> None:
    client = as_user("secretariat_bac_giang")
    start(client, year)
    table = ScoringTable.objects.get()
    values = {
        "v_A1": "4006",
        "t_A1": "3889",
        "v_A2": "7",
        "v_B1": "1",
        "v_B2": "3",
        "v_C": "1",
        "v_D1": "1",
        "v_D2": "2",
        "v_T": "0",
        "v_P": "1",
    }

    response = client.post(reverse("scoring:table-preview", args=[table.pk]), values)
    refused = client.post(
        reverse("scoring:table-preview", args=[table.pk]), {**values, "v_B1": "2"}
    )

    result = response.context["result"]
    # A: 20 × 1.03 + 20 capped at 40; B 10 + 6; C 15; D 10 + 6; penalty −2.
    assert str(result.total.quantize(result.total.__class__("0.01"))) == "85.00"
    assert refused.context["result"] is None
    assert "B1" in [r["c"].code for r in refused.context["rows"] if r["error"]]
    assert state()[0] == [(table.pk, "draft", 1, table.title, "mean")]  # nothing saved by a preview


def test_an_amendment_through_the_page_keeps_the_old_version(
    as_user: Any, year: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")
    start(client, year)
    table = ScoringTable.objects.get()
    client.post(reverse("scoring:table-publish", args=[table.pk]))
    meeting = meeting_create(
        actor=None, cluster_year=year, kind="mid_year", date=dt.date(2015, 7, 17)
    )
    form = {
        "title": table.title,
        "scale": 100,
        "aggregation": "trimmed_mean",
        "tie_breaks": "group:A, vote",
        "reason": "Sửa quy tắc tổng hợp điểm chấm chéo (sơ kết 6 tháng)",
    }

    without_meeting = client.post(reverse("scoring:table-amend", args=[table.pk]), form)
    amended = client.post(
        reverse("scoring:table-amend", args=[table.pk]), {**form, "meeting": meeting.pk}
    )

    assert without_meeting.status_code == 200
    assert amended.status_code == 302
    versions = dict(ScoringTable.objects.values_list("version", "status"))
    assert versions == {1: TableStatus.SUPERSEDED, 2: TableStatus.PUBLISHED}


def test_last_years_table_is_copied_from_the_page(as_user: Any, year: ClusterYear) -> None:
    client = as_user("admin_user")
    start(client, year)
    client.post(reverse("scoring:table-publish", args=[ScoringTable.objects.get().pk]))
    next_year = cluster_year_open(actor=None, cluster=year.cluster, year=2016)

    response = start(client, next_year, "last_year")

    assert response.status_code == 302
    copy = ScoringTable.objects.get(cluster_year=next_year)
    assert copy.status == TableStatus.DRAFT
    assert copy.copied_from == ScoringTable.objects.get(cluster_year=year)
