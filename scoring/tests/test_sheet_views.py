"""The member's scoring sheet page: who sees it, saving a criterion, concurrent saves, evidence,
submission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import ClusterYear
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user
from orgs.models import Org
from scoring.models import Evidence, Mark, ScoringTable, Sheet, SheetStatus
from scoring.services import table_create, table_lock, table_publish
from scoring.starter import STARTER


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
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
    cy = cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB",
        decision_date=dt.date(2015, 1, 20),
    )
    table = table_create(actor=None, cluster_year=cy, title="Bảng điểm 2015", data=STARTER)
    table_lock(actor=None, table=table_publish(actor=None, table=table))
    return cy


def sheet_url(cy: ClusterYear, org: Org) -> str:
    return reverse("scoring:sheet", args=[cy.cluster_id, cy.year, org.pk])


def client_of(client: Any, username: str, role: str, org: Org) -> Any:
    client.force_login(make_user(username, role, org))
    return client


def test_the_member_saves_a_criterion_and_sees_its_history(
    client: Any, year: ClusterYear, province: Any
) -> None:
    member = province("06")
    browser = client_of(client, "daumoi.bk", "focal_point", member)

    page = browser.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)
    saved = browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "B2", "value": "3", "note": "3 dịch vụ công", "version": sheet.version},
    )
    again = browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "B2", "value": "4", "note": "thêm 1 dịch vụ", "version": sheet.version + 1},
    )

    assert page.status_code == 200
    assert saved.status_code == again.status_code == 302
    assert list(Mark.objects.filter(sheet=sheet).values_list("value", flat=True)) == [3, 4]
    assert "thêm 1 dịch vụ" in browser.get(sheet_url(year, member)).content.decode()


def test_a_save_from_an_old_page_is_refused_and_shows_the_other_value(
    client: Any, year: ClusterYear, province: Any
) -> None:
    member = province("06")
    browser = client_of(client, "daumoi.bk", "focal_point", member)
    browser.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)
    opened_at = sheet.version
    browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "C", "value": "1", "note": "", "version": opened_at},
    )

    stale = browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "C", "value": "0", "note": "", "version": opened_at},
        follow=True,
    )

    assert list(Mark.objects.filter(sheet=sheet).values_list("value", flat=True)) == [1]
    messages = [str(m) for m in stale.context["messages"]]
    assert any("daumoi.bk" in m for m in messages)


@pytest.mark.parametrize("who", ["other_member", "outsider"])
def test_others_cannot_see_or_change_the_sheet(
    client: Any, year: ClusterYear, province: Any, who: str
) -> None:
    member, other = province("06"), province("24")  # not Thái Nguyên: it keeps Bắc Kạn since 2025
    owner = client_of(client.__class__(), "daumoi.bk", "focal_point", member)
    owner.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)
    if who == "other_member":
        browser = client_of(client, "daumoi.tn", "focal_point", other)
    else:
        browser = client
        browser.force_login(make_user("nobody"))
    before = (Mark.objects.count(), Evidence.objects.count(), sheet.status)

    answers = {
        browser.get(sheet_url(year, member)).status_code,
        browser.post(
            reverse("scoring:sheet-save", args=[sheet.pk]),
            {"code": "C", "value": "1", "version": sheet.version},
        ).status_code,
        browser.post(reverse("scoring:sheet-submit", args=[sheet.pk])).status_code,
        browser.post(
            reverse("scoring:sheet-evidence", args=[sheet.pk]),
            {"code": "C", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")},
        ).status_code,
    }

    assert answers <= {403, 404}
    sheet.refresh_from_db()
    assert (Mark.objects.count(), Evidence.objects.count(), sheet.status) == before


def test_evidence_is_checked_and_downloaded_by_the_member(
    client: Any, year: ClusterYear, province: Any
) -> None:
    member = province("06")
    browser = client_of(client, "daumoi.bk", "focal_point", member)
    browser.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)

    browser.post(
        reverse("scoring:sheet-evidence", args=[sheet.pk]),
        {"code": "C", "file": SimpleUploadedFile("nghi-quyet.pdf", b"%PDF-1.4 nghi quyet")},
    )
    browser.post(
        reverse("scoring:sheet-evidence", args=[sheet.pk]),
        {"code": "C", "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")},
    )

    evidence = Evidence.objects.get()
    assert evidence.file_name == "nghi-quyet.pdf"
    download = browser.get(reverse("scoring:evidence-file", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 nghi quyet"  # type: ignore[attr-defined]


def test_the_member_submits_only_a_complete_sheet(
    client: Any, year: ClusterYear, province: Any
) -> None:
    member = province("06")
    browser = client_of(client, "daumoi.bk", "focal_point", member)
    browser.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)
    submit = reverse("scoring:sheet-submit", args=[sheet.pk])

    browser.post(submit)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    values = {"A1": "100", "A2": "7", "B1": "1", "B2": "2", "C": "1", "D1": "1", "D2": "1"}
    values |= {"T": "0", "P": "0"}
    for code, value in values.items():
        sheet.refresh_from_db()
        target = {"target": "100"} if code == "A1" else {}
        browser.post(
            reverse("scoring:sheet-save", args=[sheet.pk]),
            {"code": code, "value": value, "version": sheet.version, **target},
        )
    browser.post(submit)

    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert ScoringTable.objects.get().status == "locked"


def test_numbers_are_read_as_the_page_writes_them(
    client: Any, year: ClusterYear, province: Any
) -> None:
    """1.050 is one thousand and fifty (dots group thousands), 2,5 is two and a half."""
    member = province("06")
    browser = client_of(client, "daumoi.bk", "focal_point", member)
    browser.get(sheet_url(year, member))
    sheet = Sheet.objects.get(org=member)

    browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "A1", "value": "1.050", "target": "1.000", "version": sheet.version},
    )
    browser.post(
        reverse("scoring:sheet-save", args=[sheet.pk]),
        {"code": "A2", "value": "2,5", "version": sheet.version + 1},
    )

    values = {m.code: (m.value, m.target) for m in Mark.objects.filter(sheet=sheet)}
    assert values == {"A1": (1050, 1000), "A2": (Decimal("2.5"), None)}
    page = browser.get(sheet_url(year, member)).content.decode()
    assert 'value="1.050"' in page  # shown the same way, so saving it again keeps 1050
