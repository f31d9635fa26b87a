"""Hostile or malformed input: clear refusals, never a 500, nothing changed."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.services import membership_grant
from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes
from core.models import AuditEvent
from imports.models import ImportJob
from imports.tests.helpers import people_headers, person_row, xlsx_bytes
from orgs.models import LineageEvent, Org
from orgs.services import lineage_record, org_create
from people.services import person_transfer


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_it_refuses_an_administrator_role_tied_to_one_unit(outsider: Any, thai_nguyen: Org) -> None:
    with pytest.raises(DomainError):
        membership_grant(actor=None, user=outsider, role=Role.ADMIN, org=thai_nguyen)
    assert not Membership.objects.filter(user=outsider).exists()
    assert not permissions.can(outsider, "audit.view_all")


def test_it_keeps_formula_like_text_as_text_in_exports() -> None:
    content = workbook_bytes(
        title="x",
        columns=[XlsxColumn("Tên", lambda row: row, 20)],
        rows=['=HYPERLINK("http://example.org","x")', "+1", "-2", "@SUM(A1)", "bình thường"],
    )
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    values = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.data_type for c in values] == ["s"] * 5
    assert values[0].value == '=HYPERLINK("http://example.org","x")'


@pytest.mark.parametrize(
    "url",
    [
        "/orgs/new/?parent=abc",
        "/orgs/?parent=99999999999999999999999",
        "/orgs/?parent=1.5",
        "/orgs/?active_on=garbage",
        "/orgs/?sort=bogus",
        "/orgs/?page=abc",
        "/orgs/?q=%00",
        "/people/?unit=%C2%B2",
        "/people/?unit=-3",
        "/people/new/?unit=%C2%B2",
        "/people/?sort=%00",
    ],
)
def test_it_answers_malformed_query_parameters_without_an_error(
    officer_thai_nguyen: Any, url: str
) -> None:
    response = signed_in(officer_thai_nguyen).get(url)
    assert response.status_code == 200


def test_it_says_which_filter_values_were_ignored(officer_thai_nguyen: Any) -> None:
    response = signed_in(officer_thai_nguyen).get("/orgs/", {"active_on": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["active_on"]
    assert b'role="alert"' in response.content


@pytest.mark.parametrize(
    "url", ["/api/v1/orgs?parent=99999999999999999999999", "/api/v1/people?unit=abc"]
)
def test_it_answers_malformed_api_parameters_with_json(officer_thai_nguyen: Any, url: str) -> None:
    response = signed_in(officer_thai_nguyen).get(url)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_it_caps_the_api_page_size(admin_user: Any) -> None:
    client = signed_in(admin_user)
    too_many = client.get("/api/v1/orgs", {"limit": 100000})
    assert too_many.status_code == 422
    assert "detail" in too_many.json()
    most = client.get("/api/v1/orgs", {"limit": 500})
    assert most.status_code == 200
    assert len(most.json()["items"]) == most.json()["count"]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_refuses_a_sheet_too_large_to_read(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, settings: Any, media_root: Path
) -> None:
    # a tiny file whose one far-away cell would make the reader allocate millions of cells
    settings.IMPORT_MAX_ROWS = 100
    wb = openpyxl.Workbook()
    sheet = wb.active
    for col, header in enumerate(people_headers(), start=1):
        sheet.cell(row=1, column=col, value=header)
    sheet.cell(row=5000, column=3, value="x")
    buffer = BytesIO()
    wb.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lon.xlsx", buffer.getvalue())
    response = signed_in(officer_thai_nguyen).post(
        reverse("imports:job-list"), {"kind": "people", "file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0
    assert list(media_root.rglob("*.xlsx")) == []


def test_it_refuses_an_oversized_upload_before_reading_it(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, settings: Any, media_root: Path
) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    content = xlsx_bytes([people_headers(), person_row()]) + b"\0" * 200_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(officer_thai_nguyen).post(
        reverse("imports:job-list"),
        {"kind": "people", "file": SimpleUploadedFile("x.xlsx", content)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0


def test_it_lets_a_unit_end_only_once(snv_bac_kan: Org, province: Any) -> None:
    # Sở Nội vụ Bắc Kạn merged into Sở Nội vụ Thái Nguyên on 1/7/2025 (fixture)
    before = (LineageEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError):
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=snv_bac_kan,
            successor=province("08"),
            effective_date=dt.date(2025, 8, 1),
        )
    assert (LineageEvent.objects.count(), AuditEvent.objects.count()) == before


def test_it_refuses_a_successor_that_has_ended_or_lies_below(
    thai_nguyen: Org, snv_thai_nguyen: Org, province: Any
) -> None:
    with pytest.raises(DomainError) as ended:
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=thai_nguyen,
            successor=province("06"),  # Bắc Kạn ended on 30/06/2025
            effective_date=dt.date(2026, 1, 1),
        )
    assert ended.value.field == "successor"
    with pytest.raises(DomainError) as below:
        lineage_record(
            actor=None,
            kind="renamed",
            predecessor=thai_nguyen,
            successor=snv_thai_nguyen,
            effective_date=dt.date(2026, 1, 1),
        )
    assert below.value.field == "successor"
    thai_nguyen.refresh_from_db()
    assert thai_nguyen.valid_to is None


def test_it_reads_an_audit_page_in_a_fixed_number_of_queries(
    admin_user: Any, snv_thai_nguyen: Org, snv_bac_giang: Org, person_thai_nguyen: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for year in range(2015, 2025):
        unit = snv_bac_giang if year % 2 else snv_thai_nguyen
        person_transfer(
            actor=None, person=person_thai_nguyen, to_unit=unit, start_date=dt.date(year, 1, 1)
        )
        person_thai_nguyen.refresh_from_db()
        org_create(
            actor=None,
            code=f"19.P{year}",
            name=f"Phòng {year}",
            kind="other",
            parent=snv_thai_nguyen,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/audit/")
    assert response.status_code == 200
    assert len(many) == len(few)


def test_it_shows_a_change_of_members_by_unit_names(admin_user: Any, province: Any) -> None:
    # given a cluster year whose members changed (lists of unit ids in the audit trail)
    from clusters.services import cluster_create, cluster_year_open, cluster_year_set_members

    organiser = Org.objects.get(code="TW-HDTDKT")
    cluster = cluster_create(actor=None, kind="cum", organiser=organiser, code="C1", name="Cụm 1")
    members = [province("24"), province("06"), province("19")]
    cluster_year = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    cluster_year_set_members(actor=None, cluster_year=cluster_year, members=members[:2])
    # when the administrator reads the trail
    response = signed_in(admin_user).get("/audit/")
    # then the members are named, not numbered
    assert response.status_code == 200
    assert "Tỉnh Bắc Giang; Tỉnh Bắc Kạn; Tỉnh Thái Nguyên" in response.content.decode()
