"""Results of a cluster year's scoring: ranking from the settled sheets, leaders and runners-up
marked as the cluster year says, charts with their data, Excel, publication read-only and audited."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import ClusterYear
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from scoring.assessment import results_publish, self_save, sheet_finalize, sheet_for, sheet_submit
from scoring.models import ScoringTable
from scoring.services import table_amend
from scoring.tests.test_sheet_views import media_root, year  # noqa: F401

BASE = {"A1": "100", "A2": "7", "B1": "1", "C": "1", "D1": "1", "T": "0", "P": "0"}


def settle(table: ScoringTable, org: Any, b2: str, d2: str) -> None:
    sheet = sheet_for(table=table, org=org)
    for code, value in {**BASE, "B2": b2, "D2": d2}.items():
        self_save(
            actor=None, sheet=sheet, code=code, value=value, target="100" if code == "A1" else None
        )
    sheet_finalize(actor=None, sheet=sheet_submit(actor=None, sheet=sheet))


@pytest.fixture
def settled(year: ClusterYear, province: Any) -> ScoringTable:  # noqa: F811
    """Bắc Kạn 91, Thái Nguyên 84, Bắc Giang 77 (their B2 and D2 differ)."""
    table = ScoringTable.objects.get()
    settle(table, province("24"), "1", "0")  # 40 + 12 + 15 + 10 + 0 = 77
    settle(table, province("06"), "5", "2")  # 40 + 20 + 15 + 10 + 6 = 91
    settle(table, province("19"), "3", "1")  # 40 + 16 + 15 + 10 + 3 = 84
    return table


def secretariat(province: Any) -> Client:
    client = Client()
    client.force_login(make_user("thuky.bg", "secretariat", province("24")))
    return client


def test_the_results_rank_mark_the_leader_and_runner_up_and_draw_the_charts(
    settled: ScoringTable, province: Any
) -> None:
    page = secretariat(province).get(reverse("scoring:results", args=[settled.pk]))

    rows = page.context["data"]["rows"]
    assert [(r["name"], r["total"], r["proposal"]) for r in rows] == [
        ("Tỉnh Bắc Kạn", "91.00", "flag"),
        ("Tỉnh Thái Nguyên", "84.00", "certificate"),
        ("Tỉnh Bắc Giang", "77.00", ""),
    ]
    assert [r["gap"] for r in rows] == ["0.00", "7.00", "14.00"]
    chart = page.context["chart"]
    assert chart["totals"] == [91.0, 84.0, 77.0]
    assert [g["label"][:1] for g in chart["groups"]] == ["A", "B", "D"]
    assert 'id="chart-data"' in page.content.decode()


def test_the_cluster_year_decides_how_many_are_proposed(
    settled: ScoringTable, province: Any
) -> None:
    ClusterYear.objects.filter(pk=settled.cluster_year_id).update(leaders=2, runners_up=0)

    rows = (
        secretariat(province)
        .get(reverse("scoring:results", args=[settled.pk]))
        .context["data"]["rows"]
    )

    assert [r["proposal"] for r in rows] == ["flag", "flag", ""]


def test_the_results_export_to_excel(settled: ScoringTable, province: Any) -> None:
    response = secretariat(province).get(
        reverse("scoring:results", args=[settled.pk]), {"format": "xlsx"}
    )

    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [v[1] for v in values[1:]] == ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên", "Tỉnh Bắc Giang"]
    assert values[1][0] == 1


def test_publishing_keeps_the_ranking_read_only_and_audited(
    settled: ScoringTable, province: Any
) -> None:
    client = secretariat(province)
    url = reverse("scoring:results", args=[settled.pk])

    client.post(url)

    settled.refresh_from_db()
    assert settled.results_published_at is not None
    assert settled.results is not None
    assert [r["rank"] for r in settled.results["rows"]] == [1, 2, 3]
    assert AuditEvent.objects.filter(action="scoring.results.published").count() == 1
    with pytest.raises(DomainError):
        results_publish(actor=None, table=settled)
    with pytest.raises(DomainError):
        table_amend(actor=None, table=settled, reason="Sửa", meeting=None, title="", data={})
    assert 'class="badge ok"' in client.get(url).content.decode()


def test_nothing_is_published_while_a_sheet_is_unsettled(
    year: ClusterYear,  # noqa: F811
    province: Any,
) -> None:
    table = ScoringTable.objects.get()
    settle(table, province("24"), "1", "0")
    before = AuditEvent.objects.count()

    with pytest.raises(DomainError):
        results_publish(actor=None, table=table)

    table.refresh_from_db()
    assert table.results is None and AuditEvent.objects.count() == before


def test_only_the_secretariat_publishes_and_members_see_published_results_only(
    settled: ScoringTable, province: Any
) -> None:
    member = Client()
    member.force_login(make_user("daumoi.bk", "focal_point", province("06")))
    url = reverse("scoring:results", args=[settled.pk])

    before = member.get(url)
    response = member.post(url)
    settled.refresh_from_db()
    assert (before.status_code, response.status_code) == (404, 403)
    assert settled.results_published_at is None

    secretariat(province).post(url)
    assert member.get(url).status_code == 200
