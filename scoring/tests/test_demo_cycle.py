"""The demo's scoring cycle (scoring/demo.py, through `manage.py load_demo`): seed 004's 2016 as a
labelled sample, scored from self-assessment to published results; 2017 copied from it, open to try;
loaded once however often the command runs; the audit trail intact; seen by the demo accounts."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clusters.models import ClusterYear
from core.models import AuditEvent
from orgs.models import Org
from scoring import assessment
from scoring.demo import demo_data
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

MEMBERS = ["10", "20", "14", "02", "12", "04", "11"]
LEAVES = ["A1", "A2", "B1", "B2", "C", "D1", "D2", "T", "P"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def output(db: Any) -> str:
    out = StringIO()
    call_command("load_demo", password="x", stdout=out)
    return out.getvalue()


@pytest.fixture
def table(output: str) -> ScoringTable:
    return ScoringTable.objects.select_related("cluster_year__cluster").get(
        cluster_year__cluster__code="CTD-MNBG", cluster_year__year=2016
    )


def year(number: int) -> ClusterYear:
    return ClusterYear.objects.get(cluster__code="CTD-MNBG", year=number)


def sheet_of(table: ScoringTable, code: str) -> Sheet:
    return Sheet.objects.get(table=table, org__code=code)


def counts() -> dict[str, int]:
    return {
        "tables": ScoringTable.objects.count(),
        "sheets": Sheet.objects.count(),
        "marks": Mark.objects.count(),
        "evidence": Evidence.objects.count(),
        "assignments": Assignment.objects.count(),
        "conflicts": Conflict.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="scoring.").count(),
    }


def langson_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="daumoi.langson"))
    return client


# --- the 2016 cycle ----------------------------------------------------------------------------


def test_2016_has_one_locked_sample_table_with_a_final_sheet_per_member(
    output: str, table: ScoringTable
) -> None:
    assert "2 scoring table(s), " in output
    assert ScoringTable.objects.filter(cluster_year=year(2016)).count() == 1
    assert table.status == TableStatus.LOCKED
    assert table.version == 1
    assert "mẫu minh họa" in table.title
    assert "2016" in table.title
    sheets = Sheet.objects.filter(table=table)
    assert sorted(sheets.values_list("org__code", flat=True)) == sorted(MEMBERS)
    assert set(sheets.values_list("status", flat=True)) == {SheetStatus.FINAL}
    assert all(s.submitted_at and s.finalized_at for s in sheets)
    assert sorted(year(2016).members.values_list("org__code", flat=True)) == sorted(MEMBERS)


def test_every_member_self_scored_every_criterion_as_the_data_file_says(
    table: ScoringTable,
) -> None:
    data = demo_data()["self"]
    for code in MEMBERS:
        own = assessment.self_values(sheet_of(table, code))
        assert sorted(own) == sorted(LEAVES), code
        assert all(m.note == "Số liệu minh họa" for m in own.values())
    lang_son = assessment.self_values(sheet_of(table, "20"))
    assert (lang_son["A1"].value, lang_son["A1"].target) == (3250, 3100)
    assert lang_son["A2"].value == Decimal("8.7")
    assert lang_son["D2"].value == 4
    lao_cai = assessment.self_values(sheet_of(table, "10"))
    assert (lao_cai["A1"].value, lao_cai["A1"].target) == (Decimal("6240.86"), 6050)
    assert data["12"]["D2"] == 4


def test_each_sheet_has_one_pdf_as_evidence_on_a1(table: ScoringTable) -> None:
    evidence = list(Evidence.objects.filter(sheet__table=table).select_related("sheet__org"))

    assert sorted(e.sheet.org.code for e in evidence) == sorted(MEMBERS)
    assert {e.code for e in evidence} == {"A1"}
    for item in evidence:
        assert item.file_name.endswith(".pdf")
        with item.file.open("rb") as handle:
            assert handle.read(4) == b"%PDF"
    assert AuditEvent.objects.filter(action="scoring.evidence.added").count() == 7


def test_each_member_is_cross_checked_by_two_other_members(table: ScoringTable) -> None:
    pairs = list(
        Assignment.objects.filter(table=table).values_list("reviewer__code", "reviewee__code")
    )

    assert len(pairs) == 14
    assert all(reviewer != reviewee for reviewer, reviewee in pairs)
    assert all(reviewer in MEMBERS for reviewer, _ in pairs)
    for code in MEMBERS:
        reviewers = [r for r, reviewee in pairs if reviewee == code]
        assert len(set(reviewers)) == 2, code
    assert not Conflict.objects.filter(table=table).exists()
    # Every assigned reviewer scored every criterion of the sheet it reviews.
    for code in MEMBERS:
        sheet = sheet_of(table, code)
        reviews = assessment.review_values(sheet)
        assert sorted(reviews) == sorted(LEAVES)
        assert all(len(by_reviewer) == 2 for by_reviewer in reviews.values())
        assert Mark.objects.filter(sheet=sheet, stage=Stage.REVIEW).count() == 2 * len(LEAVES)


def test_lai_chau_d2_is_the_one_disputed_criterion_explained_and_settled_at_3(
    table: ScoringTable,
) -> None:
    lai_chau = sheet_of(table, "12")

    assert {code: assessment.disputed(sheet_of(table, code)) for code in MEMBERS} == {
        code: (["D2"] if code == "12" else []) for code in MEMBERS
    }
    assert assessment.latest(lai_chau, Stage.SELF, "D2").value == 4  # type: ignore[union-attr]
    reviews = list(Mark.objects.filter(sheet=lai_chau, stage=Stage.REVIEW, code="D2"))
    assert [m.value for m in reviews] == [3, 3]
    assert all(m.note for m in reviews)
    explanations = list(Mark.objects.filter(sheet=lai_chau, stage=Stage.EXPLANATION))
    assert [m.code for m in explanations] == ["D2"]
    assert explanations[0].note.strip()
    final = assessment.latest(lai_chau, Stage.FINAL, "D2")
    assert final is not None and final.value == 3 and final.note.strip()
    # No other sheet went through explanations; every final value of the others has no reason.
    assert not Mark.objects.filter(sheet__table=table, stage=Stage.EXPLANATION).exclude(
        sheet=lai_chau
    )
    assert AuditEvent.objects.filter(action="scoring.sheet.explaining").count() == 1
    assert AuditEvent.objects.filter(action="scoring.sheet.settled").count() == 7


def test_the_results_are_published_lang_son_first_for_the_flag_lao_cai_second(
    table: ScoringTable,
) -> None:
    assert table.results_published_at is not None
    assert table.results is not None
    rows = table.results["rows"]
    names = dict(Org.objects.filter(code__in=MEMBERS).values_list("pk", "name"))
    codes = dict(Org.objects.filter(code__in=MEMBERS).values_list("pk", "code"))

    assert len(rows) == 7
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert (codes[rows[0]["org_id"]], rows[0]["rank"], rows[0]["proposal"]) == ("20", 1, "flag")
    assert rows[0]["name"] == names[rows[0]["org_id"]]
    assert "Lạng Sơn" in rows[0]["name"]
    assert (codes[rows[1]["org_id"]], rows[1]["rank"], rows[1]["proposal"]) == (
        "10",
        2,
        "certificate",
    )
    assert [r["proposal"] for r in rows[2:]] == [""] * 5
    assert sorted(codes[r["org_id"]] for r in rows) == sorted(MEMBERS)
    totals = [float(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert totals[0] > totals[1]  # Lạng Sơn leads outright, not on a tie-break
    # The published rows are what the settled values give.
    recomputed = assessment.results(table)
    assert [(r.rank, r.result.member.code) for r in recomputed.ranked] == [
        (r["rank"], codes[r["org_id"]]) for r in rows
    ]
    assert recomputed.unsettled == []
    assert AuditEvent.objects.filter(action="scoring.results.published").count() == 1


def test_2017_has_a_table_copied_from_2016_published_and_locked_without_results(
    table: ScoringTable,
) -> None:
    following = ScoringTable.objects.get(cluster_year=year(2017))

    assert following.copied_from == table
    assert following.status == TableStatus.LOCKED
    assert following.published_at is not None and following.locked_at is not None
    assert following.results is None and following.results_published_at is None
    assert "2017" in following.title and "2016" not in following.title
    assert sorted(following.criteria.values_list("code", flat=True)) == sorted(
        table.criteria.values_list("code", flat=True)
    )
    assert not Sheet.objects.filter(table=following).exists()


# --- once, and the audit trail -----------------------------------------------------------------


def test_loading_the_demo_again_creates_nothing(table: ScoringTable) -> None:
    before = counts()
    out = StringIO()

    call_command("load_demo", password="x", stdout=out)

    assert "0 scoring table(s), 0 commendation(s), 0 dossier(s)" in out.getvalue()
    assert counts() == before
    assert before["tables"] == 2 and before["sheets"] == 7


def test_the_audit_trail_verifies_after_the_demo(table: ScoringTable) -> None:
    out = StringIO()

    call_command("audit_verify", stdout=out, stderr=StringIO())

    assert "không có sai lệch" in out.getvalue()
    assert AuditEvent.objects.filter(action__startswith="scoring.").exists()


# --- the demo accounts -------------------------------------------------------------------------


def test_lang_sons_focal_point_sees_the_results_with_lang_son_first(table: ScoringTable) -> None:
    user = User.objects.get(username="daumoi.langson")
    assert user.memberships.get().org.code == "20"  # type: ignore[attr-defined,union-attr]

    response = langson_client().get(reverse("scoring:results", args=[table.pk]))

    assert response.status_code == 200
    rows = response.context["data"]["rows"]
    assert rows[0]["name"] == Org.objects.get(code="20").name
    html = response.content.decode()
    body = html[html.index('id="results"') :]
    assert body.index(Org.objects.get(code="20").name) < body.index(Org.objects.get(code="10").name)
    assert 'data-proposal="flag"' in body


def test_lang_sons_focal_point_opens_its_2017_sheet(table: ScoringTable) -> None:
    cluster_year = year(2017)
    lang_son = Org.objects.get(code="20")

    response = langson_client().get(
        reverse("scoring:sheet", args=[cluster_year.cluster_id, 2017, lang_son.pk])
    )

    assert response.status_code == 200
    sheet = Sheet.objects.get(table__cluster_year=cluster_year, org=lang_son)
    assert sheet.status == SheetStatus.DRAFT
    assert response.context["editable"] is True
    assert response.context["sheet"] == sheet
