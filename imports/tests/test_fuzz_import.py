"""Fuzzing the Excel imports (people, organisations, a decision's recipients) with generated sheets:
cells of any type (numbers, dates, booleans, formulas, very long text, control characters), merged
cells, empty rows, header variations, and a sheet 10,000 columns wide. Whatever comes in, the
import never fails with an unexpected error and never imports part of a file: either every row goes
in, or nothing does and the problems are listed."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.errors import DomainError
from imports import rules, services
from imports.models import ImportJob, ImportStatus
from imports.tests.helpers import (
    ORG_DEFAULTS,
    PERSON_DEFAULTS,
    XLSX_TYPE,
    headers,
)
from orgs.models import Org
from people.models import Person

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", min_codepoint=32), st.sampled_from("\t\r\n")),
    max_size=40,
)
CELLS = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://example.invalid/x","bấm vào")',
            "=A1&B1",
            "=1/0",
            "=SUM(A:A)",
            "@SUM(1)",
            "+cmd|' /C calc'!A0",
            "\u200b\ufeff\u202e",
            "\t \r\n",
            "_x0000_a_x0001_b_x001F_",  # control characters as Excel escapes them in XML
            "x" * 32_000,
            "Nguyễn " * 600,
        ]
    ),
    TEXT,
)


def mutate_header(header: str, how: str) -> str:
    return {
        "same": header,
        "upper": header.upper(),
        "spaces": f"  {header}  ",
        "nostar": header.rstrip(" *"),
        "garbage": header + " ?",
    }[how]


@st.composite
def sheets(draw: Any, columns: list[rules.Column] | Any, defaults: dict[str, Any]) -> bytes:
    """A workbook: the header row (perhaps reshaped), rows mixing good values and fuzz, blank rows
    and merged cells."""
    names = headers(columns)
    how = draw(st.sampled_from(["same", "upper", "spaces", "nostar", "garbage"]))
    order = draw(st.permutations(range(len(names))))
    drop = draw(st.sets(st.integers(0, len(names) - 1), max_size=2))
    keep = [i for i in order if i not in drop]
    header = [mutate_header(names[i], how) for i in keep]
    if draw(st.booleans()):
        header.append(draw(TEXT))  # an unknown extra column
    rows: list[list[Any]] = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["good", "fuzzed", "random", "blank"]))
        good = [defaults[columns[i].key] for i in keep]
        if kind == "good":
            rows.append(good)
        elif kind == "fuzzed":
            at = draw(st.integers(0, max(len(good) - 1, 0)))
            rows.append([draw(CELLS) if j == at else v for j, v in enumerate(good)])
        elif kind == "random":
            rows.append(draw(st.lists(CELLS, max_size=len(header) + 2)))
        else:
            rows.append([])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    for _ in range(draw(st.integers(0, 2))):
        r = draw(st.integers(1, len(rows) + 2))
        c = draw(st.integers(1, len(header)))
        ws.merge_cells(
            start_row=r,
            start_column=c,
            end_row=r + draw(st.integers(0, 2)),
            end_column=c + draw(st.integers(0, 2)),
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def unexpected(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def run_people_or_orgs(actor: Any, kind: str, content: bytes) -> tuple[ImportJob | None, int]:
    """Import `content`; return the job (None when refused at upload) and the records created."""
    before = Person.objects.count() + Org.objects.count()
    try:
        job = services.import_job_create(
            actor=actor, kind=kind, upload=SimpleUploadedFile("fuzz.xlsx", content, XLSX_TYPE)
        )
    except DomainError as exc:
        assert exc.message
        assert Person.objects.count() + Org.objects.count() == before
        return None, 0
    job = services.import_job_run(job_id=job.pk)
    return job, Person.objects.count() + Org.objects.count() - before


def check_all_or_nothing(job: ImportJob | None, created: int) -> None:
    event("refused at upload" if job is None else str(job.status))
    if job is None:
        return
    assert job.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)
    if job.status == ImportStatus.DONE:
        assert created == job.created_count
        assert created + len(job.duplicates) == job.total_rows
    else:
        assert created == 0
        assert job.message
        if job.status == ImportStatus.REJECTED:
            assert job.errors and all("row" in e for e in job.errors)


@FUZZ
@given(content=sheets(rules.PEOPLE_COLUMNS, PERSON_DEFAULTS))
def test_a_fuzzed_people_sheet_goes_in_whole_or_not_at_all(
    officer_thai_nguyen: Any,
    snv_thai_nguyen: Org,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
) -> None:
    caplog.clear()
    job, created = run_people_or_orgs(officer_thai_nguyen, "people", content)
    check_all_or_nothing(job, created)
    assert unexpected(caplog) == []


@FUZZ
@given(content=sheets(rules.ORG_COLUMNS, ORG_DEFAULTS))
def test_a_fuzzed_org_sheet_goes_in_whole_or_not_at_all(
    admin_user: Any, thai_nguyen: Org, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    caplog.clear()
    job, created = run_people_or_orgs(admin_user, "orgs", content)
    check_all_or_nothing(job, created)
    assert unexpected(caplog) == []


def recipient_defaults() -> dict[str, Any]:
    return {
        "number": 1,
        "full_name": "Lê Văn Tám",
        "birth_year": 1975,
        "gender": "Nam",
        "unit_code": "19.SNV",
        "position": "Chuyên viên",
        "collective_code": "",
        "code": "LDTT",
        "year": 2024,
        "amount": "",
        "note": "",
    }


def _recipient_sheets() -> Any:
    from register import importing

    return sheets(importing.COLUMNS, recipient_defaults())


@FUZZ
@given(content=st.deferred(_recipient_sheets))
def test_a_fuzzed_recipient_list_goes_in_whole_or_not_at_all(
    officer_thai_nguyen: Any,
    thai_nguyen: Org,
    snv_thai_nguyen: Org,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
) -> None:
    from register import importing
    from register import services as register_services
    from register.import_models import RecipientImportStatus as Status
    from register.models import Decision, Record

    caplog.clear()
    decision = Decision.objects.filter(
        issuer__code="19"
    ).first() or register_services.decision_create(
        actor=officer_thai_nguyen,
        number="1/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
    )
    before = (Record.objects.count(), Person.objects.count())
    try:
        job = importing.import_create(
            actor=officer_thai_nguyen,
            decision=decision,
            upload=SimpleUploadedFile("fuzz.xlsx", content, XLSX_TYPE),
        )
    except DomainError as exc:
        assert exc.message
        assert (Record.objects.count(), Person.objects.count()) == before
        return
    job = importing.run_import_sync(job, resolve_new=True)
    event(str(job.status))
    after = (Record.objects.count(), Person.objects.count())
    assert job.status in (Status.DONE, Status.REJECTED, Status.FAILED, Status.REVIEW)
    if job.status != Status.DONE:
        assert after == before
        assert job.message or job.status == Status.REVIEW
    else:
        assert after[0] > before[0]
    assert unexpected(caplog) == []


def wide_sheet(columns: int = 10_000) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([f"Cột {i}" for i in range(columns)])
    ws.append(list(range(columns)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_sheet_ten_thousand_columns_wide_is_refused_with_a_message(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, media_root: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        services.import_job_create(
            actor=officer_thai_nguyen,
            kind="people",
            upload=SimpleUploadedFile("rong.xlsx", wide_sheet(), XLSX_TYPE),
        )
    assert "60" in refused.value.message
    assert ImportJob.objects.count() == 0
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_a_ten_thousand_column_sheet_gets_a_page_not_a_server_error(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(officer_thai_nguyen)
    response = client.post(
        reverse("imports:job-list"),
        {"kind": "people", "file": SimpleUploadedFile("rong.xlsx", wide_sheet(), XLSX_TYPE)},
    )
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
    assert Person.objects.count() == 0


def test_a_ten_thousand_column_recipient_list_is_refused(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    from register import importing
    from register import services as register_services
    from register.import_models import RecipientImport

    decision = register_services.decision_create(
        actor=officer_thai_nguyen, number="2/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=thai_nguyen
    )
    with pytest.raises(DomainError):
        importing.import_create(
            actor=officer_thai_nguyen,
            decision=decision,
            upload=SimpleUploadedFile("rong.xlsx", wide_sheet(), XLSX_TYPE),
        )
    assert RecipientImport.objects.count() == 0


def nul_sheet(columns: Any, defaults: dict[str, Any], key: str) -> bytes:
    """One good row whose `key` cell holds Excel's escape for U+0000 (as CI's fuzzing found)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers(columns))
    ws.append([f"_x0000_{defaults[c.key]}" if c.key == key else defaults[c.key] for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_nul_character_in_a_cell_is_dropped_not_a_database_error(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, tmp_path: Any
) -> None:
    """PostgreSQL cannot store U+0000 in text or JSON: the reader drops it, on both databases."""
    path = tmp_path / "nul.xlsx"
    path.write_bytes(nul_sheet(rules.PEOPLE_COLUMNS, PERSON_DEFAULTS, "full_name"))
    rows = services.read_rows(str(path))
    assert not any("\x00" in str(value) for row in rows for value in row)
    job, created = run_people_or_orgs(
        officer_thai_nguyen,
        "people",
        nul_sheet(rules.PEOPLE_COLUMNS, PERSON_DEFAULTS, "full_name"),
    )
    assert job is not None and job.status == ImportStatus.DONE, job and job.errors
    assert created == 1
    assert Person.objects.filter(full_name=PERSON_DEFAULTS["full_name"]).exists()


def test_a_recipient_list_with_a_nul_in_an_unknown_title_is_rejected_with_its_message(
    officer_thai_nguyen: Any, thai_nguyen: Org, snv_thai_nguyen: Org
) -> None:
    from register import importing
    from register import services as register_services
    from register.import_models import RecipientImportStatus as Status
    from register.models import Record

    decision = register_services.decision_create(
        actor=officer_thai_nguyen,
        number="2/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
    )
    job = importing.import_create(
        actor=officer_thai_nguyen,
        decision=decision,
        upload=SimpleUploadedFile(
            "nul.xlsx",
            nul_sheet(importing.COLUMNS, recipient_defaults(), "code"),
            XLSX_TYPE,
        ),
    )
    job = importing.run_import_sync(job, resolve_new=True)
    job.refresh_from_db()
    assert job.status in (Status.REJECTED, Status.DONE, Status.REVIEW)
    assert "\x00" not in str(job.errors)
    if job.status != Status.DONE:
        assert Record.objects.count() == 0
