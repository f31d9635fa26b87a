"""Import pages: template download, upload, background run with a progress bar, and who may see what."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from imports import rules
from imports.models import ImportJob, ImportStatus
from imports.tests.helpers import (
    XLSX_TYPE,
    counts,
    org_headers,
    org_row,
    org_upload,
    people_header,
    people_headers,
    people_rows,
    people_upload,
    person_row,
    read_xlsx,
    upload,
    vi,
    vi_catalogue_compiled,
    xlsx_bytes,
)
from orgs.models import Org
from people.models import Person

JOBS = reverse("imports:job-list")


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, kind: str, file: Any, **headers: Any) -> Any:
    return client.post(JOBS, {"kind": kind, "file": file}, headers=headers)


def template_url(kind: str) -> str:
    return reverse("imports:template", args=[kind])


def detail_url(job: ImportJob) -> str:
    return reverse("imports:job-detail", args=[job.pk])


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# template → fill → upload ----------------------------------------------------------------------


def test_it_serves_the_people_template_with_the_header_and_an_example_row(
    officer_thai_nguyen: Any,
) -> None:
    response = signed_in(officer_thai_nguyen).get(template_url("people"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-ca-nhan.xlsx"'
    rows = read_xlsx(response.content)
    assert rows[0] == people_headers("vi")
    assert rows[1] == [c.example if c.example != "" else None for c in rules.PEOPLE_COLUMNS]
    assert len(rows) == 2


def test_it_serves_the_org_template_with_the_header_and_an_example_row(
    officer_thai_nguyen: Any,
) -> None:
    response = signed_in(officer_thai_nguyen).get(template_url("orgs"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-don-vi.xlsx"'
    rows = read_xlsx(response.content)
    assert rows[0] == org_headers("vi")
    assert rows[1] == [c.example if c.example != "" else None for c in rules.ORG_COLUMNS]


def test_it_writes_the_template_headers_in_english_for_an_english_speaking_user(
    officer_thai_nguyen: Any,
) -> None:
    officer_thai_nguyen.language = "en"
    officer_thai_nguyen.save()
    response = signed_in(officer_thai_nguyen).get(template_url("people"))
    assert read_xlsx(response.content)[0][:3] == ["Full name *", "Gender *", "Birth year"]


def test_it_imports_the_people_template_once_filled_in(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    header = read_xlsx(client.get(template_url("people")).content)[0]
    filled = xlsx_bytes(
        [
            header,
            person_row(full_name="Lý Thị Hoa", gender="Nữ", birth_year=1991),
            person_row(full_name="Ma Văn Đức", gender="Nam", birth_year=1983, category="worker"),
        ]
    )
    before = counts()
    response = post(client, "people", upload(content=filled, name="ca-nhan.xlsx"))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(job)
    assert (job.status, job.kind, job.created_count, job.original_name) == (
        ImportStatus.DONE,
        "people",
        2,
        "ca-nhan.xlsx",
    )
    assert counts() == (before[0] + 2, before[1], before[2] + 2)
    assert set(Person.objects.values_list("name_key", flat=True)) == {"ly thi hoa", "ma van duc"}
    created = AuditEvent.objects.filter(action="people.person.created")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Person.objects.values_list("pk", flat=True)
    )
    applied = AuditEvent.objects.get(action="imports.job.applied")
    assert (applied.object_id, applied.actor_id) == (str(job.pk), officer_thai_nguyen.pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert [str(m) for m in page.context["messages"]] == [job.message]


def test_it_imports_the_org_template_once_filled_in(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    header = read_xlsx(client.get(template_url("orgs")).content)[0]
    filled = xlsx_bytes(
        [
            header,
            org_row(code="19.SCT", name="Sở Công Thương tỉnh Thái Nguyên"),
            org_row(code="19.SCT.VP", name="Văn phòng Sở Công Thương", parent_code="19.SCT"),
        ]
    )
    before = counts()
    response = post(client, "orgs", upload(content=filled))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.kind, job.created_count) == (ImportStatus.DONE, "orgs", 2)
    assert counts() == (before[0], before[1] + 2, before[2])
    assert Org.objects.get(code="19.SCT.VP").parent == Org.objects.get(code="19.SCT")
    assert AuditEvent.objects.filter(action="orgs.org.created").count() == 2
    assert AuditEvent.objects.filter(action="imports.job.applied").count() == 1


@pytest.mark.skipif(
    not vi_catalogue_compiled(), reason="the example row is in Vietnamese: needs django.mo"
)
def test_it_imports_the_example_rows_of_both_templates_as_downloaded(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    orgs = client.get(template_url("orgs")).content
    people = client.get(template_url("people")).content
    post(client, "orgs", upload(content=orgs, name="mau-nhap-don-vi.xlsx"))
    post(client, "people", upload(content=people, name="mau-nhap-ca-nhan.xlsx"))
    org_job, people_job = ImportJob.objects.order_by("pk")
    assert (org_job.status, org_job.errors, org_job.created_count) == (ImportStatus.DONE, [], 1)
    assert (people_job.status, people_job.errors, people_job.created_count) == (
        ImportStatus.DONE,
        [],
        1,
    )
    snv = Org.objects.get(code="19.SNV")
    assert (snv.kind, snv.parent) == ("department", thai_nguyen)
    lan = Person.objects.get()
    assert (lan.full_name, lan.gender, lan.birth_year, lan.category, lan.unit) == (
        "Nguyễn Thị Lan",
        "F",
        1985,
        "worker",
        snv,
    )


# bad uploads -----------------------------------------------------------------------------------


def refused_upload(response: Any, field: str | None, message: str) -> None:
    assert response.status_code == 200
    form = response.context["form"]
    if field is None:
        assert form.non_field_errors() == [message]
    else:
        assert form.errors[field] == [message]
    assert ImportJob.objects.count() == 0


def test_it_refuses_a_file_that_is_not_xlsx_by_name(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Path
) -> None:
    before = counts()
    content = xlsx_bytes([people_headers(), person_row()])
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content, name="a.xls"))
    refused_upload(response, "file", vi("Only Excel files (.xlsx) can be imported."))
    assert counts() == before
    assert stored_files(media_root) == []


def test_it_refuses_csv_bytes_named_xlsx(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Path
) -> None:
    before = counts()
    csv = "Họ và tên,Giới tính,Mã đơn vị\nNguyễn Văn An,Nam,19.SNV\n".encode()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=csv))
    refused_upload(response, "file", vi("The file is not a valid Excel workbook (.xlsx)."))
    assert counts() == before
    assert stored_files(media_root) == []


def test_it_refuses_a_zip_that_is_not_a_workbook(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải Excel")
    before = counts()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=buffer.getvalue()))
    refused_upload(response, None, vi("The file is not a valid Excel workbook (.xlsx)."))
    assert counts() == before


def test_it_keeps_no_file_of_a_refused_upload(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Path
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải Excel")
    post(signed_in(officer_thai_nguyen), "people", upload(content=buffer.getvalue()))
    assert ImportJob.objects.count() == 0
    assert stored_files(media_root) == []


@override_settings(IMPORT_MAX_BYTES=2**20)
def test_it_refuses_a_file_over_the_size_limit(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    content = xlsx_bytes([people_headers(), person_row()]) + b"\0" * 2**20
    before = counts()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content))
    with translation.override("vi"):
        limit = filesizeformat(2**20)
    refused_upload(response, "file", vi("The file is larger than %(size)s.", size=limit))
    assert limit == "1,0\xa0MB"
    assert counts() == before


@override_settings(IMPORT_MAX_BYTES=1000)
def test_it_refuses_a_file_over_a_tiny_size_limit(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Path
) -> None:
    content = xlsx_bytes([people_headers(), *people_rows(30)])
    assert len(content) > 1000
    before = counts()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert ImportJob.objects.count() == 0
    assert counts() == before
    assert stored_files(media_root) == []


@override_settings(IMPORT_MAX_BYTES=512 * 1024)
def test_it_names_a_size_limit_under_one_mb_truthfully(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    content = xlsx_bytes([people_headers(), person_row()]) + b"\0" * 600 * 1024
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content))
    with translation.override("vi"):
        limit = filesizeformat(512 * 1024)
    assert list(response.context["form"].errors["file"]) == [
        vi("The file is larger than %(size)s.", size=limit)
    ]
    assert limit == "512,0\xa0KB"


def test_it_accepts_a_file_at_the_size_limit(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, settings: Any
) -> None:
    content = xlsx_bytes([people_headers(), person_row()])
    settings.IMPORT_MAX_BYTES = len(content)
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content))
    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportStatus.DONE


@pytest.mark.parametrize(
    "rows", [pytest.param([], id="no-rows"), pytest.param("header", id="header-only")]
)
def test_it_refuses_a_sheet_without_data_rows(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Path, rows: Any
) -> None:
    content = xlsx_bytes([people_headers(), [None, "", None]] if rows == "header" else [])
    before = counts()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=content))
    refused_upload(response, "file", vi("The sheet has no data rows under the header."))
    assert counts() == before
    assert stored_files(media_root) == []


def test_it_refuses_an_empty_file(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    before = counts()
    response = post(signed_in(officer_thai_nguyen), "people", upload(content=b""))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert ImportJob.objects.count() == 0
    assert counts() == before


def test_it_shows_each_row_error_on_the_job_page_and_changes_nothing(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    before = counts()
    file = people_upload([person_row(), person_row(full_name="Lê Thị Sai", gender="X")])
    response = post(client, "people", file)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.REJECTED
    assert job.errors == [
        {"row": 3, "column": people_header("gender"), "message": vi("Write Nam or Nữ.")}
    ]
    assert counts() == before
    page = client.get(detail_url(job))
    html = page.content.decode()
    assert 'id="import-errors"' in html
    assert (
        f'<tr><td class="num">3</td><td>{people_header("gender")}</td>'
        f"<td>{vi('Write Nam or Nữ.')}</td></tr>"
    ) in html
    assert [str(m) for m in page.context["messages"]] == [job.message]


def test_it_lists_duplicates_on_the_job_page(
    officer_thai_nguyen: Any, person_thai_nguyen: Person
) -> None:
    client = signed_in(officer_thai_nguyen)
    post(client, "people", people_upload([person_row(full_name="Nguyễn Thị Lan", birth_year=1985)]))
    job = ImportJob.objects.get()
    html = client.get(detail_url(job)).content.decode()
    assert 'id="import-duplicates"' in html
    assert 'id="import-errors"' not in html


# background run and progress -------------------------------------------------------------------


@override_settings(IMPORT_SYNC_MAX_ROWS=5)
def test_it_runs_a_large_file_in_the_background(
    officer_thai_nguyen: Any,
    snv_thai_nguyen: Org,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(officer_thai_nguyen)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, "people", people_upload(people_rows(20)))
    assert len(callbacks) == 1
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(job)
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == (
        ImportStatus.DONE,
        20,
        20,
        20,
    )
    assert counts() == (before[0] + 20, before[1], before[2] + 20)
    assert AuditEvent.objects.filter(action="people.person.created").count() == 20
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        vi("The file has %(n)s rows; it is being imported in the background.", n=20)
    ]


@override_settings(IMPORT_SYNC_MAX_ROWS=5)
def test_it_leaves_a_large_file_to_the_worker_and_polls_until_it_is_done(
    officer_thai_nguyen: Any,
    snv_thai_nguyen: Org,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(officer_thai_nguyen)
    before = counts()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, "people", people_upload(people_rows(6)))
    job = ImportJob.objects.get()
    assert (job.status, job.processed_rows) == (ImportStatus.PENDING, 0)
    assert counts() == before

    page = client.get(detail_url(job)).content.decode()
    assert "<html" in page
    assert '<progress id="job-progress" max="100" value="0">0%</progress>' in page
    assert 'hx-trigger="every 1s"' in page

    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial
    assert "<progress" in partial
    assert f'hx-get="{detail_url(job)}" hx-trigger="every 1s" hx-swap="outerHTML"' in partial

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, processed_rows=3)
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="job-progress" max="100" value="50">50%</progress>' in partial
    assert 'hx-trigger="every 1s"' in partial

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 6)
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="job-progress" max="100" value="100">100%</progress>' in partial
    assert "hx-trigger" not in partial
    assert "hx-get" not in partial
    assert counts() == (before[0] + 6, before[1], before[2] + 6)


@override_settings(IMPORT_SYNC_MAX_ROWS=5)
def test_it_runs_a_file_at_the_limit_at_once(
    officer_thai_nguyen: Any,
    snv_thai_nguyen: Org,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(signed_in(officer_thai_nguyen), "people", people_upload(people_rows(5)))
    assert callbacks == []
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_it_does_not_poll_a_rejected_job(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    client = signed_in(officer_thai_nguyen)
    post(client, "people", people_upload([person_row(birth_year="19x5")]))
    job = ImportJob.objects.get()
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="job-progress" max="100" value="100">100%</progress>' in partial
    assert "hx-trigger" not in partial
    assert 'id="import-errors"' in partial


# who may do what -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "viewer_bac_giang", "council_member"])
@pytest.mark.parametrize("url", [JOBS, template_url("people"), template_url("orgs")])
def test_it_forbids_the_import_pages_to_those_who_may_not_import(
    persona: str, url: str, request: pytest.FixtureRequest
) -> None:
    response = signed_in(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "viewer_bac_giang"])
def test_it_forbids_an_upload_to_those_who_may_not_import(
    persona: str, request: pytest.FixtureRequest, snv_thai_nguyen: Org
) -> None:
    before = counts()
    client = signed_in(request.getfixturevalue(persona))
    response = post(client, "people", people_upload(people_rows(2)))
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
    assert counts() == before


def test_it_sends_an_anonymous_visitor_to_sign_in(db: Any) -> None:
    for url in (JOBS, template_url("people"), reverse("imports:job-detail", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_it_has_no_template_for_an_unknown_kind(officer_thai_nguyen: Any) -> None:
    response = signed_in(officer_thai_nguyen).get(template_url("awards"))
    assert response.status_code == 404


def test_it_hides_another_users_job(
    officer_thai_nguyen: Any, admin_user: Any, member_bac_kan: Any
) -> None:
    post(signed_in(member_bac_kan), "people", people_upload([person_row(unit_code="06.SNV")]))
    job = ImportJob.objects.get()
    assert signed_in(member_bac_kan).get(detail_url(job)).status_code == 200
    for other in (officer_thai_nguyen, admin_user):
        client = signed_in(other)
        assert client.get(detail_url(job)).status_code == 404
        assert client.get(detail_url(job), headers={"HX-Request": "true"}).status_code == 404
        listing = client.get(JOBS)
        assert list(listing.context["jobs"]) == []


def test_it_lists_only_my_own_jobs(officer_thai_nguyen: Any, member_bac_kan: Any) -> None:
    post(signed_in(member_bac_kan), "people", people_upload([person_row(unit_code="06.SNV")]))
    mine = signed_in(officer_thai_nguyen)
    post(mine, "people", people_upload([person_row(unit_code="06.SNV", full_name="Khác")]))
    listing = mine.get(JOBS)
    assert [j.created_by for j in listing.context["jobs"]] == [officer_thai_nguyen]


def test_it_offers_a_focal_point_only_people(member_bac_kan: Any) -> None:
    client = signed_in(member_bac_kan)
    page = client.get(JOBS)
    assert page.status_code == 200
    assert [code for code, _label in page.context["form"].fields["kind"].choices] == ["people"]
    assert page.context["kinds"] == ["people"]
    html = page.content.decode()
    assert template_url("people") in html
    assert template_url("orgs") not in html
    assert client.get(template_url("people")).status_code == 200
    assert client.get(template_url("orgs")).status_code == 403


def test_it_refuses_an_org_upload_from_a_focal_point(member_bac_kan: Any, bac_kan: Org) -> None:
    before = counts()
    response = post(
        signed_in(member_bac_kan), "orgs", org_upload([org_row(code="06.X", parent_code="06")])
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["kind"]
    assert ImportJob.objects.count() == 0
    assert counts() == before


def test_it_lets_a_focal_point_upload_people(member_bac_kan: Any, snv_bac_kan: Org) -> None:
    response = post(
        signed_in(member_bac_kan), "people", people_upload([person_row(unit_code="06.SNV")])
    )
    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert Person.objects.get().unit == snv_bac_kan


def test_it_offers_an_officer_both_kinds(officer_thai_nguyen: Any) -> None:
    page = signed_in(officer_thai_nguyen).get(JOBS)
    assert [code for code, _label in page.context["form"].fields["kind"].choices] == [
        "orgs",
        "people",
    ]
