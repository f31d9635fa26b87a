"""Importing a decision's recipient list from Excel: every row checked, people matched (or left for
the officer to confirm), everything written at once with one audit event, or nothing at all."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from core.text import fold
from orgs.models import Org
from orgs.services import org_create
from people.models import Person, Posting
from register import importing, services
from register.import_models import (
    MatchKind,
    RecipientImport,
    RecipientImportRow,
    RecipientImportStatus,
)
from register.models import Award, Decision, Record

Status = RecipientImportStatus
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAY = dt.date(2025, 3, 10)
SALARY = 2_340_000  # the base salary in force on DAY (Nghị định 73/2024)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def decision(officer_thai_nguyen: Any, thai_nguyen: Org) -> Decision:
    return services.decision_create(
        actor=officer_thai_nguyen, number="123/QĐ-UBND", date=DAY, issuer=thai_nguyen
    )


@pytest.fixture
def stc_thai_nguyen(thai_nguyen: Org) -> Org:
    return org_create(
        actor=None,
        code="19.STC",
        name="Sở Tài chính tỉnh Thái Nguyên",
        kind="department",
        parent=thai_nguyen,
    )


# --- workbooks --------------------------------------------------------------------------------------


def header(key: str, lang: str = "vi") -> str:
    """A column's header as the error report names it."""
    col = next(c for c in importing.COLUMNS if c.key == key)
    with translation.override(lang):
        return str(col.header)


def headers(lang: str = "vi") -> list[str]:
    with translation.override(lang):
        return [f"{c.header}{' *' if c.required else ''}" for c in importing.COLUMNS]


def vi(message: str, **params: Any) -> str:
    """A message as the import writes it in the product's language (Vietnamese)."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % params if params else text


PERSON = {
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


def person_row(**values: Any) -> list[Any]:
    merged = {**PERSON, **values}
    return [merged[c.key] for c in importing.COLUMNS]


def collective_row(code: str = "19.SNV", award: str = "TTLDTT", **values: Any) -> list[Any]:
    return person_row(
        full_name="",
        birth_year="",
        gender="",
        unit_code="",
        position="",
        collective_code=code,
        code=award,
        **values,
    )


def xlsx_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(rows: Iterable[Sequence[Any]], name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes([headers(), *rows]), content_type=XLSX_TYPE)


def read_xlsx(content: bytes, sheet: int = 0) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in wb.worksheets[sheet].iter_rows(values_only=True)]


def check(user: Any, decision: Decision, rows: Iterable[Sequence[Any]]) -> RecipientImport:
    job = importing.import_create(actor=user, decision=decision, upload=upload(rows))
    job = importing.import_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def apply(user: Any, job: RecipientImport) -> RecipientImport:
    importing.import_apply_start(actor=user, job=job)
    job = importing.import_apply(job_id=job.pk)
    job.refresh_from_db()
    return job


def register_state() -> tuple[int, int, int, int]:
    """What an import may change: people, postings, commendations, audit events."""
    return (
        Person.objects.count(),
        Posting.objects.count(),
        Record.objects.count(),
        AuditEvent.objects.count(),
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start_url(decision: Decision) -> str:
    return reverse("register:import-start", args=[decision.pk])


def detail_url(job: RecipientImport) -> str:
    return reverse("register:import-detail", args=[job.pk])


def review_url(job: RecipientImport) -> str:
    return reverse("register:import-review", args=[job.pk])


def apply_url(job: RecipientImport) -> str:
    return reverse("register:import-apply", args=[job.pk])


TEMPLATE_URL = reverse("register:import-template")


# --- a good file ------------------------------------------------------------------------------------


def test_it_checks_a_good_file_and_changes_nothing_before_it_is_applied(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person
) -> None:
    before = register_state()
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(full_name="  nguyễn  thị LAN ", birth_year=1985, gender="", code="CSTD_CS"),
            person_row(full_name="Lê Văn Tám", birth_year=1975, gender="nam"),
            collective_row("19.SNV", "TTLDTT"),
        ],
    )
    assert (job.status, job.errors, job.total_rows, job.processed_rows) == (
        Status.READY,
        [],
        3,
        3,
    )
    assert (job.matched_rows, job.new_rows, job.uncertain_rows, job.collective_rows) == (1, 1, 0, 1)
    assert register_state() == before
    staged = {r.row: r for r in RecipientImportRow.objects.filter(job=job)}
    assert (staged[2].match, staged[2].person) == (MatchKind.MATCHED, person_thai_nguyen)
    assert (staged[3].match, staged[3].person, staged[3].gender) == (MatchKind.NEW, None, "M")
    assert staged[4].match == MatchKind.COLLECTIVE


def test_it_applies_a_good_file_all_at_once_with_one_audit_event(
    officer_thai_nguyen: Any,
    decision: Decision,
    person_thai_nguyen: Person,
    snv_thai_nguyen: Org,
) -> None:
    people, postings, records, events = register_state()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(
                full_name="Nguyễn Thị Lan", birth_year=1985, code="CSTD_CS", note="Xuất sắc"
            ),
            person_row(full_name="Lê Văn Tám", birth_year=1975, position="Phó Giám đốc"),
            person_row(full_name="Lê Văn Tám", birth_year=1975, code="BK_BO", amount="1.000.000"),
            collective_row("19.SNV", "TTLDTT", year=2023, amount=5000000),
        ],
    )
    assert job.status == Status.READY
    job = apply(officer_thai_nguyen, job)
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 4, 1)
    assert job.message == vi(
        "%(r)s commendation(s) added to the decision; %(p)s new people registered.", r=4, p=1
    )
    # One new person (two rows name them), with a posting from the decision's date.
    tam = Person.objects.get(name_key="le van tam")
    assert (tam.full_name, tam.gender, tam.birth_year, tam.unit, tam.position) == (
        "Lê Văn Tám",
        "M",
        1975,
        snv_thai_nguyen,
        "Phó Giám đốc",
    )
    posting = Posting.objects.get(person=tam)
    assert (posting.org, posting.start_date, posting.end_date) == (snv_thai_nguyen, DAY, None)
    got = {
        (r.person_id, r.org_id, r.unit_id, r.code, r.year, r.amount, r.note)
        for r in Record.objects.filter(decision=decision)
    }
    assert got == {
        (person_thai_nguyen.pk, None, snv_thai_nguyen.pk, "CSTD_CS", 2024, SALARY, "Xuất sắc"),
        (tam.pk, None, snv_thai_nguyen.pk, "LDTT", 2024, SALARY * 3 // 10, ""),
        (tam.pk, None, snv_thai_nguyen.pk, "BK_BO", 2024, 1_000_000, ""),
        (None, snv_thai_nguyen.pk, None, "TTLDTT", 2023, 5_000_000, ""),
    }
    assert register_state() == (people + 1, postings + 1, records + 4, events + 1)
    assert not RecipientImportRow.objects.filter(job=job).exists()  # staged copies are dropped
    event = AuditEvent.objects.get(action="register.import.applied")
    assert (event.actor_id, event.object_type, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen.pk,
        "register.decision",
        str(decision.pk),
        decision.issuer_id,
    )
    assert event.changes == {
        "recipient_import": [None, job.pk],
        "import_file": [None, "danh-sach.xlsx"],
        "rows": [None, 4],
        "records_added": [None, 4],
        "people_matched": [None, 1],
        "people_created": [None, 1],
        "collectives": [None, 1],
    }
    assert list(AuditEvent.objects.filter(pk__gt=last_event).values_list("action", flat=True)) == [
        "register.import.applied"
    ]


def test_it_reads_english_and_vietnamese_headers_and_matches_in_the_units_below(
    officer_thai_nguyen: Any, decision: Decision, thai_nguyen: Org, person_thai_nguyen: Person
) -> None:
    """The row names the province; the person works in one of its departments."""
    english = [
        "No.",
        "Full name",
        "Birth year",
        "Gender",
        "Unit code",
        "Position",
        "Collective (unit code)",
        "Title or form code",
        "Year of achievement",
        "Amount (VND)",
        "Note",
    ]
    typed = [
        "STT",
        "Họ và tên",
        "Năm sinh",
        "Giới tính",
        "Mã đơn vị",
        "Chức vụ",
        "Tập thể (mã đơn vị)",
        "Mã danh hiệu/hình thức",
        "Năm thành tích",
        "Số tiền",
        "Ghi chú",
    ]
    for header_row in (english, typed):
        job = importing.import_create(
            actor=officer_thai_nguyen,
            decision=decision,
            upload=SimpleUploadedFile(
                "x.xlsx",
                xlsx_bytes(
                    [
                        header_row,
                        person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19"),
                    ]
                ),
            ),
        )
        job = importing.import_validate(job_id=job.pk)
        assert (job.status, job.errors, job.matched_rows) == (Status.READY, [], 1)


# --- the template -----------------------------------------------------------------------------------


def test_it_serves_the_template_with_headers_example_rows_and_the_codes(
    officer_thai_nguyen: Any,
) -> None:
    response = signed_in(officer_thai_nguyen).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="mau-danh-sach-khen-thuong.xlsx"' in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    assert rows[0] == headers()
    assert len(rows) == 3  # the header, an individual, a collective
    notes = [r[0] for r in read_xlsx(response.content, sheet=1)]
    for award in Award.objects.all():
        assert any(str(n).startswith(f"{award.code}: ") for n in notes)


def test_it_imports_the_template_as_downloaded(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, snv_thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    content = client.get(TEMPLATE_URL).content
    response = client.post(start_url(decision), {"file": SimpleUploadedFile("mau.xlsx", content)})
    job = RecipientImport.objects.get()
    assert response.status_code == 302
    assert (job.status, job.errors) == (Status.READY, [])
    assert (job.matched_rows, job.collective_rows) == (1, 1)  # Nguyễn Thị Lan, 19.SNV


# --- pages: upload, summary, apply ------------------------------------------------------------------


def test_it_goes_from_upload_to_summary_to_apply_through_the_pages(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person
) -> None:
    client = signed_in(officer_thai_nguyen)
    page = client.get(start_url(decision))
    assert page.status_code == 200
    assert reverse("register:import-template") in page.content.decode()
    response = client.post(
        start_url(decision),
        {"file": upload([person_row(), person_row(full_name="Nguyễn Thị Lan", birth_year=1985)])},
    )
    job = RecipientImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(job)
    html = client.get(detail_url(job)).content.decode()
    assert 'id="import-summary"' in html
    assert 'id="import-new-people"' in html and "Lê Văn Tám" in html
    assert f'action="{apply_url(job)}"' in html
    assert "hx-trigger" not in html
    response = client.post(apply_url(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 2, 1)
    assert Record.objects.filter(decision=decision).count() == 2
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [job.message]
    assert f'action="{apply_url(job)}"' not in page.content.decode()


def test_it_refuses_a_file_that_is_not_a_workbook(
    officer_thai_nguyen: Any, decision: Decision
) -> None:
    response = signed_in(officer_thai_nguyen).post(
        start_url(decision), {"file": SimpleUploadedFile("a.xlsx", b"STT;Ho va ten\n1;An\n")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        vi("The file is not a valid Excel workbook (.xlsx).")
    ]
    assert not RecipientImport.objects.exists()


def test_it_refuses_a_sheet_without_rows(officer_thai_nguyen: Any, decision: Decision) -> None:
    response = signed_in(officer_thai_nguyen).post(start_url(decision), {"file": upload([])})
    assert response.context["form"].errors["file"] == [
        vi("The sheet has no data rows under the header.")
    ]
    assert not RecipientImport.objects.exists()


# --- bad rows ---------------------------------------------------------------------------------------

# (row values, column key, message, params): the bad row comes second, so it is row 3.
BAD_ROWS: list[tuple[str, list[Any], str, str, dict[str, Any]]] = [
    (
        "unknown code",
        person_row(code="XYZ"),
        "code",
        "Unknown title or form code: %(c)s.",
        {"c": "XYZ"},
    ),
    ("empty code", person_row(code=""), "code", "This cell must not be empty.", {}),
    (
        "a collective's title on a person's row",
        person_row(code="TTLDTT"),
        "code",
        "%(a)s is for collectives.",
        {"a": "TTLDTT"},
    ),
    (
        "an individual's title on a collective's row",
        collective_row(award="CSTD_CS"),
        "code",
        "%(a)s is for individuals.",
        {"a": "CSTD_CS"},
    ),
    (
        "year after the decision",
        person_row(year=2026),
        "year",
        "The year of achievement (%(y)s) is after the decision's date.",
        {"y": 2026},
    ),
    ("year not a year", person_row(year="năm ngoái"), "year", "Write a four-digit year.", {}),
    ("year empty", person_row(year=""), "year", "This cell must not be empty.", {}),
    (
        "unit code unknown",
        person_row(unit_code="99.KHONG"),
        "unit_code",
        "No unit has the code %(p)s.",
        {"p": "99.KHONG"},
    ),
    (
        "unit code outside the officer's reach",
        person_row(unit_code="24.SNV"),
        "unit_code",
        "No unit you may manage has the code %(c)s.",
        {"c": "24.SNV"},
    ),
    (
        "collective outside the officer's reach",
        collective_row("24.SNV"),
        "collective_code",
        "No unit you may manage has the code %(c)s.",
        {"c": "24.SNV"},
    ),
    ("unit code empty", person_row(unit_code=""), "unit_code", "This cell must not be empty.", {}),
    (
        "neither a name nor a collective",
        person_row(full_name=""),
        "full_name",
        "Give the full name of an individual or the unit code of a collective.",
        {},
    ),
    (
        "both a name and a collective",
        person_row(collective_code="19.SNV"),
        "collective_code",
        "Fill either the full name of an individual or the unit code of a collective, not both.",
        {},
    ),
    (
        "birth year not a year",
        person_row(birth_year="19x5"),
        "birth_year",
        "Write a four-digit year.",
        {},
    ),
    (
        "birth year implausible",
        person_row(birth_year=2015),
        "birth_year",
        "The birth year must be between %(a)s and %(b)s.",
        {"a": 1925, "b": 2010},
    ),
    ("gender unknown", person_row(gender="X"), "gender", "Write Nam or Nữ.", {}),
    (
        "a new person without gender",
        person_row(gender=""),
        "gender",
        "Give the gender (Nam or Nữ): nobody of this name is registered in this unit, so a new "
        "person will be created.",
        {},
    ),
    (
        "amount not a whole number",
        person_row(amount="một triệu"),
        "amount",
        "Write the amount in đồng as a whole number, or leave it empty.",
        {},
    ),
    (
        "name too long",
        person_row(full_name="A" * 151),
        "full_name",
        "At most %(n)s characters.",
        {"n": 150},
    ),
]


@pytest.mark.parametrize(
    ("bad", "column", "message", "params"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS],
)
def test_it_rejects_a_file_with_a_bad_row_and_changes_nothing(
    officer_thai_nguyen: Any,
    decision: Decision,
    snv_thai_nguyen: Org,
    snv_bac_giang: Org,
    bad: list[Any],
    column: str,
    message: str,
    params: dict[str, Any],
) -> None:
    if "a" in params and isinstance(params["a"], str):
        params = {**params, "a": Award.objects.get(code=params["a"]).name}
    before = register_state()
    job = check(officer_thai_nguyen, decision, [person_row(full_name="Hà Thị Thu"), bad])
    assert job.status == Status.REJECTED
    assert job.errors == [{"row": 3, "column": header(column), "message": vi(message, **params)}]
    assert job.message == vi("%(n)s error(s) found; nothing was imported.", n=1)
    assert register_state() == before
    assert not RecipientImportRow.objects.exists()


def test_it_names_the_columns_and_messages_in_vietnamese(
    officer_thai_nguyen: Any, decision: Decision, snv_thai_nguyen: Org
) -> None:
    job = check(officer_thai_nguyen, decision, [person_row(unit_code="99.KHONG", gender="X")])
    assert job.errors == [
        {"row": 2, "column": "Giới tính", "message": "Ghi Nam hoặc Nữ."},
        {
            "row": 2,
            "column": "Mã đơn vị",
            "message": "Không có đơn vị nào mang mã 99.KHONG.",
        },
    ]


def test_it_rejects_a_row_repeated_in_the_file(
    officer_thai_nguyen: Any, decision: Decision, snv_thai_nguyen: Org
) -> None:
    before = register_state()
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(),
            person_row(code="CSTD_CS"),  # another title: fine
            person_row(full_name="LÊ VĂN  TÁM"),  # the same person, title and year as row 2
            collective_row(),
            collective_row(),
        ],
    )
    message = "Same recipient and title or form as row %(r)s."
    assert job.errors == [
        {"row": 4, "column": header("full_name"), "message": vi(message, r=2)},
        {"row": 6, "column": header("collective_code"), "message": vi(message, r=5)},
    ]
    assert register_state() == before


def test_it_rejects_recipients_already_listed_in_the_decision(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, snv_thai_nguyen: Org
) -> None:
    services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="LDTT",
        year=2024,
        person=person_thai_nguyen,
    )
    services.record_add(
        actor=officer_thai_nguyen, decision=decision, code="TTLDTT", year=2024, org=snv_thai_nguyen
    )
    before = register_state()
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985),
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985, year=2023),  # another year
            collective_row(),
        ],
    )
    listed = vi("This recipient is already listed in the decision.")
    assert job.errors == [
        {"row": 2, "column": header("full_name"), "message": listed},
        {"row": 4, "column": header("collective_code"), "message": listed},
    ]
    assert register_state() == before


def test_it_reports_a_missing_required_column(officer_thai_nguyen: Any, decision: Decision) -> None:
    cut = [h for h in headers() if not h.startswith(header("year"))]
    job = importing.import_create(
        actor=officer_thai_nguyen,
        decision=decision,
        upload=SimpleUploadedFile("x.xlsx", xlsx_bytes([cut, person_row()[:-3]])),
    )
    job = importing.import_validate(job_id=job.pk)
    assert job.status == Status.REJECTED
    assert job.errors == [
        {
            "row": 1,
            "column": header("year"),
            "message": vi("The required column “%(c)s” is missing.", c=header("year")),
        }
    ]


def test_it_lists_every_error_of_the_file_on_its_page(
    officer_thai_nguyen: Any, decision: Decision, snv_thai_nguyen: Org
) -> None:
    client = signed_in(officer_thai_nguyen)
    client.post(
        start_url(decision),
        {"file": upload([person_row(code="XYZ"), person_row(), person_row(year="x", gender="?")])},
    )
    job = RecipientImport.objects.get()
    assert job.status == Status.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, header("code")),
        (4, header("year")),
        (4, header("gender")),
    ]
    html = client.get(detail_url(job)).content.decode()
    assert 'id="import-errors"' in html
    assert "hx-trigger" not in html
    assert f'action="{apply_url(job)}"' not in html
    assert client.post(apply_url(job)).status_code == 302
    job.refresh_from_db()
    assert job.status == Status.REJECTED
    assert not Record.objects.exists()


# --- uncertain matches and the review screen --------------------------------------------------------


@pytest.fixture
def two_binhs(snv_thai_nguyen: Org) -> list[Person]:
    """Two people of the same name and birth year in one unit (the form would warn; it happens)."""
    return [
        Person.objects.create(
            full_name="Nguyễn Văn Bình",
            name_key="nguyen van binh",
            gender="M",
            birth_year=1980,
            unit=snv_thai_nguyen,
            position=position,
        )
        for position in ("Chánh Văn phòng", "Chuyên viên")
    ]


def test_it_leaves_uncertain_people_to_the_officer(
    officer_thai_nguyen: Any,
    decision: Decision,
    person_thai_nguyen: Person,
    stc_thai_nguyen: Org,
    two_binhs: list[Person],
) -> None:
    before = register_state()
    job = check(
        officer_thai_nguyen,
        decision,
        [
            # Same name and birth year, another unit of the province (moved?): uncertain.
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC"),
            # Same name in the unit, another birth year: uncertain.
            person_row(full_name="Nguyễn Thị Lan", birth_year=1986, gender="Nữ"),
            # Two people of that name and birth year in the unit: uncertain.
            person_row(full_name="Nguyễn Văn Bình", birth_year=1980),
            person_row(full_name="Nguyễn Văn Bình", birth_year=1980, code="CSTD_CS"),
        ],
    )
    assert (job.status, job.uncertain_rows, job.matched_rows, job.new_rows) == (
        Status.REVIEW,
        4,
        0,
        0,
    )
    staged = {r.row: r for r in RecipientImportRow.objects.filter(job=job)}
    assert staged[2].candidates == [person_thai_nguyen.pk]
    assert staged[3].candidates == [person_thai_nguyen.pk]
    assert sorted(staged[4].candidates) == sorted(p.pk for p in two_binhs)
    assert register_state() == before


def test_it_refuses_to_apply_while_rows_are_unconfirmed(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, stc_thai_nguyen: Org
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC")],
    )
    before = register_state()
    with pytest.raises(DomainError) as refused:
        importing.import_apply_start(actor=officer_thai_nguyen, job=job)
    assert refused.value.message == vi(
        "Confirm who is meant in every uncertain row before adding them to the decision."
    )
    client = signed_in(officer_thai_nguyen)
    response = client.post(apply_url(job))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [refused.value.message]
    job.refresh_from_db()
    assert job.status == Status.REVIEW
    assert register_state() == before
    # Applying it directly does nothing either: it was never started.
    assert importing.import_apply(job_id=job.pk).status == Status.REVIEW
    assert register_state() == before


def test_the_officer_picks_the_person_or_a_new_one_on_the_review_screen(
    officer_thai_nguyen: Any,
    decision: Decision,
    person_thai_nguyen: Person,
    snv_thai_nguyen: Org,
    stc_thai_nguyen: Org,
    two_binhs: list[Person],
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC"),
            person_row(full_name="Nguyễn Thị Lan", birth_year=1986, gender="Nữ"),
            person_row(full_name="Nguyễn Văn Bình", birth_year=1980),
            person_row(full_name="Nguyễn Văn Bình", birth_year=1980, code="CSTD_CS"),
            person_row(full_name="Lê Văn Tám"),  # nobody: new, no question asked
        ],
    )
    rows = {r.row: r for r in RecipientImportRow.objects.filter(job=job)}
    client = signed_in(officer_thai_nguyen)
    html = client.get(review_url(job)).content.decode()
    for row in (2, 3, 4, 5):
        assert f'id="review-row-{row}"' in html
    assert f'name="row-{rows[2].pk}" value="{person_thai_nguyen.pk}"' in html
    assert f'name="row-{rows[3].pk}" value="new"' in html
    assert "Chánh Văn phòng" in html  # enough to tell the two Bình apart
    assert 'id="review-row-6"' not in html

    # A first save: Lan (row 2) is the registered Lan; the other Lan is someone new.
    response = client.post(
        review_url(job),
        {f"row-{rows[2].pk}": str(person_thai_nguyen.pk), f"row-{rows[3].pk}": "new"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.REVIEW
    assert importing.unresolved_rows(job) == 2
    # The choice for Bình's first row holds for his second (same name, birth year and unit).
    client.post(review_url(job), {f"row-{rows[4].pk}": str(two_binhs[1].pk)})
    job.refresh_from_db()
    assert job.status == Status.READY
    assert importing.unresolved_rows(job) == 0

    before = register_state()
    client.post(apply_url(job))
    job.refresh_from_db()
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 5, 2)
    lan_1986 = Person.objects.get(name_key="nguyen thi lan", birth_year=1986)
    assert (lan_1986.unit, lan_1986.gender) == (snv_thai_nguyen, "F")
    got = {(r.person_id, r.unit_id, r.code) for r in Record.objects.filter(decision=decision)}
    tam = Person.objects.get(name_key="le van tam")
    assert got == {
        (person_thai_nguyen.pk, snv_thai_nguyen.pk, "LDTT"),  # her unit, not the row's 19.STC
        (lan_1986.pk, snv_thai_nguyen.pk, "LDTT"),
        (two_binhs[1].pk, snv_thai_nguyen.pk, "LDTT"),
        (two_binhs[1].pk, snv_thai_nguyen.pk, "CSTD_CS"),
        (tam.pk, snv_thai_nguyen.pk, "LDTT"),
    }
    assert register_state()[:3] == (before[0] + 2, before[1] + 2, before[2] + 5)
    assert AuditEvent.objects.filter(action="register.import.applied").count() == 1


def test_the_review_accepts_only_the_people_offered(
    officer_thai_nguyen: Any,
    decision: Decision,
    person_thai_nguyen: Person,
    stc_thai_nguyen: Org,
    person_bac_giang: Person,
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC")],
    )
    row = RecipientImportRow.objects.get(job=job)
    for choice in (str(person_bac_giang.pk), "abc", str(person_thai_nguyen.pk + 999)):
        refused = importing.import_resolve(
            actor=officer_thai_nguyen, job=job, choices={row.pk: choice}
        )
        assert [e.message for e in refused] == [
            vi("Row %(r)s: choose one of the people offered.", r=2)
        ]
    row.refresh_from_db()
    assert (row.person_id, row.create_new) == (None, False)
    job.refresh_from_db()
    assert job.status == Status.REVIEW


def test_the_review_refuses_a_new_person_without_gender(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, stc_thai_nguyen: Org
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985, gender="", unit_code="19.STC")],
    )
    row = RecipientImportRow.objects.get(job=job)
    refused = importing.import_resolve(actor=officer_thai_nguyen, job=job, choices={row.pk: "new"})
    assert [e.message for e in refused] == [
        vi(
            "Row %(r)s: the file gives no gender (Nam or Nữ), so no new person can be created.",
            r=2,
        )
    ]
    assert importing.unresolved_rows(job) == 1


def test_the_review_refuses_a_person_already_listed_for_that_title(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, stc_thai_nguyen: Org
) -> None:
    services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="LDTT",
        year=2024,
        person=person_thai_nguyen,
    )
    job = check(
        officer_thai_nguyen,
        decision,
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC")],
    )
    row = RecipientImportRow.objects.get(job=job)
    refused = importing.import_resolve(
        actor=officer_thai_nguyen, job=job, choices={row.pk: str(person_thai_nguyen.pk)}
    )
    assert [e.message for e in refused] == [
        vi(
            "Row %(r)s: this person is already listed in the decision for %(c)s %(y)s.",
            r=2,
            c="LDTT",
            y=2024,
        )
    ]
    assert importing.unresolved_rows(job) == 1


def test_it_rejects_at_apply_what_changed_since_the_check_and_changes_nothing(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985), person_row()],
    )
    assert job.status == Status.READY
    # Meanwhile someone adds Lan by hand.
    services.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="LDTT",
        year=2024,
        person=person_thai_nguyen,
    )
    before = register_state()
    job = apply(officer_thai_nguyen, job)
    assert job.status == Status.REJECTED
    assert job.errors == [
        {
            "row": 2,
            "column": header("full_name"),
            "message": vi("This recipient is already listed in the decision."),
        }
    ]
    assert register_state() == before  # Lê Văn Tám was not created either


# --- who may do what --------------------------------------------------------------------------------


@pytest.fixture
def viewer_thai_nguyen(thai_nguyen: Org) -> Any:
    return make_user("xem.thainguyen", Role.VIEWER, thai_nguyen)


@pytest.fixture
def other_officer(thai_nguyen: Org) -> Any:
    return make_user("canbo2.thainguyen", Role.OFFICER, thai_nguyen)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("viewer_bac_giang", 404), ("viewer_thai_nguyen", 403)],
)
def test_it_refuses_the_upload_to_those_who_may_not_manage_the_decision(
    persona: str, status: int, decision: Decision, snv_thai_nguyen: Org, request: Any
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    before = register_state()
    assert client.get(start_url(decision)).status_code == status
    assert client.post(start_url(decision), {"file": upload([person_row()])}).status_code == status
    assert not RecipientImport.objects.exists()
    assert register_state() == before


@pytest.mark.parametrize("persona", ["outsider", "viewer_thai_nguyen", "viewer_bac_giang"])
def test_it_refuses_the_template_to_those_who_may_not_manage(persona: str, request: Any) -> None:
    assert signed_in(request.getfixturevalue(persona)).get(TEMPLATE_URL).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in(decision: Decision) -> None:
    for url in (start_url(decision), TEMPLATE_URL):
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_services_refuse_a_viewer(viewer_thai_nguyen: Any, decision: Decision) -> None:
    with pytest.raises(PermissionDenied):
        importing.import_create(
            actor=viewer_thai_nguyen, decision=decision, upload=upload([person_row()])
        )
    assert not RecipientImport.objects.exists()


def test_another_officers_job_is_hidden_and_untouched(
    officer_thai_nguyen: Any,
    other_officer: Any,
    decision: Decision,
    person_thai_nguyen: Person,
    stc_thai_nguyen: Org,
) -> None:
    job = check(
        officer_thai_nguyen,
        decision,
        [
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC"),
            person_row(),
        ],
    )
    row = RecipientImportRow.objects.get(job=job, match=MatchKind.UNCERTAIN)
    client = signed_in(other_officer)
    before = register_state()
    assert client.get(detail_url(job)).status_code == 404
    assert client.get(review_url(job)).status_code == 404
    assert (
        client.post(review_url(job), {f"row-{row.pk}": str(person_thai_nguyen.pk)}).status_code
        == 404
    )
    assert client.post(apply_url(job)).status_code == 404
    assert job.pk not in [j.pk for j in client.get(start_url(decision)).context["jobs"]]
    with pytest.raises(PermissionDenied):
        importing.import_resolve(actor=other_officer, job=job, choices={row.pk: "new"})
    with pytest.raises(PermissionDenied):
        importing.import_apply_start(actor=other_officer, job=job)
    row.refresh_from_db()
    job.refresh_from_db()
    assert (row.person_id, row.create_new, job.status) == (None, False, Status.REVIEW)
    assert register_state() == before


def test_an_officer_who_lost_the_role_cannot_go_on(
    officer_thai_nguyen: Any, decision: Decision, snv_thai_nguyen: Org
) -> None:
    from accounts.models import Membership
    from core import permissions

    job = check(officer_thai_nguyen, decision, [person_row()])
    Membership.objects.filter(user=officer_thai_nguyen).delete()
    permissions.forget(officer_thai_nguyen)
    client = signed_in(officer_thai_nguyen)
    before = register_state()
    assert client.get(detail_url(job)).status_code == 403
    assert client.post(apply_url(job)).status_code == 403
    job.refresh_from_db()
    assert job.status == Status.READY
    assert register_state() == before


# --- large files: in the background, with a progress bar --------------------------------------------


def many_rows(n: int, **values: Any) -> list[list[Any]]:
    return [
        person_row(number=i + 1, full_name=f"Nguyễn Văn Số {i + 1}", **values) for i in range(n)
    ]


@override_settings(REGISTER_IMPORT_SYNC_MAX_ROWS=5)
def test_a_large_file_is_checked_and_applied_by_the_task_worker(
    officer_thai_nguyen: Any,
    decision: Decision,
    snv_thai_nguyen: Org,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(officer_thai_nguyen)
    before = register_state()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(start_url(decision), {"file": upload(many_rows(12))})
    job = RecipientImport.objects.get()
    assert response.status_code == 302
    assert (job.status, job.total_rows, len(callbacks)) == (Status.PENDING, 12, 1)
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        vi("The file has %(n)s rows; it is being checked in the background.", n=12)
    ]
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial
    assert f'hx-get="{detail_url(job)}" hx-trigger="every 1s" hx-swap="outerHTML"' in partial

    callbacks[0]()  # the worker runs the check (the test settings run tasks at once)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.new_rows) == (Status.READY, 12, 12)
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert f'action="{apply_url(job)}"' in partial
    assert register_state() == before

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(apply_url(job))
    job.refresh_from_db()
    assert (job.status, len(callbacks)) == (Status.APPLYING, 1)
    partial = client.get(detail_url(job), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress id="job-progress" max="100"></progress>' in partial
    callbacks[0]()
    job.refresh_from_db()
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 12, 12)
    assert register_state()[:3] == (before[0] + 12, before[1] + 12, before[2] + 12)


@override_settings(REGISTER_IMPORT_SYNC_MAX_ROWS=5)
def test_a_file_at_the_limit_is_checked_at_once(
    officer_thai_nguyen: Any,
    decision: Decision,
    snv_thai_nguyen: Org,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_in(officer_thai_nguyen).post(start_url(decision), {"file": upload(many_rows(5))})
    assert callbacks == []
    assert RecipientImport.objects.get().status == Status.READY


def test_the_task_writes_its_messages_in_the_uploaders_language(
    officer_thai_nguyen: Any, decision: Decision, snv_thai_nguyen: Org
) -> None:
    officer_thai_nguyen.language = "en"
    officer_thai_nguyen.save()
    job = importing.import_create(
        actor=officer_thai_nguyen, decision=decision, upload=upload([person_row(gender="X")])
    )
    importing.validate_import.enqueue(job.pk)
    job.refresh_from_db()
    assert job.errors == [{"row": 2, "column": "Gender", "message": "Write Nam or Nữ."}]


def test_run_import_sync_checks_matches_and_applies(
    officer_thai_nguyen: Any, decision: Decision, person_thai_nguyen: Person, stc_thai_nguyen: Org
) -> None:
    job = importing.import_create(
        actor=officer_thai_nguyen,
        decision=decision,
        upload=upload(
            [
                person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="19.STC"),
                *many_rows(3),
            ]
        ),
    )
    assert importing.run_import_sync(job).status == Status.REVIEW
    job = RecipientImport.objects.get()
    job.status = Status.PENDING
    job.save()
    job = importing.run_import_sync(job, resolve_new=True)
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 4, 4)


# --- query counts -----------------------------------------------------------------------------------


def test_a_500_row_file_takes_a_bounded_number_of_queries(
    officer_thai_nguyen: Any,
    decision: Decision,
    thai_nguyen: Org,
    django_assert_max_num_queries: Any,
) -> None:
    units = [
        org_create(
            actor=None, code=f"19.D{i}", name=f"Phòng {i}", kind="department", parent=thai_nguyen
        )
        for i in range(10)
    ]
    registered = Person.objects.bulk_create(
        Person(
            full_name=f"Trần Thị Mẫu {i}",
            name_key=fold(f"Trần Thị Mẫu {i}"),
            gender="F",
            birth_year=1970 + i % 30,
            unit=units[i % 10],
        )
        for i in range(200)
    )
    rows: list[list[Any]] = [
        person_row(
            full_name=p.full_name, birth_year=p.birth_year, gender="", unit_code=units[i % 10].code
        )
        for i, p in enumerate(registered)
    ]
    rows += [
        person_row(full_name=f"Phạm Văn Mới {i}", unit_code=units[i % 10].code) for i in range(250)
    ]
    rows += [collective_row(u.code, year=2015 + y) for u in units for y in range(5)]
    assert len(rows) == 500
    job = importing.import_create(actor=officer_thai_nguyen, decision=decision, upload=upload(rows))
    with django_assert_max_num_queries(25):
        job = importing.import_validate(job_id=job.pk)
    assert (job.status, job.matched_rows, job.new_rows, job.collective_rows) == (
        Status.READY,
        200,
        250,
        50,
    )
    importing.import_apply_start(actor=officer_thai_nguyen, job=job)
    # SQLite caps a bulk insert at 999 parameters (a few dozen rows); PostgreSQL takes 2,000 rows.
    with django_assert_max_num_queries(40):
        job = importing.import_apply(job_id=job.pk)
    assert (job.status, job.records_created, job.people_created) == (Status.DONE, 500, 250)
    client = signed_in(officer_thai_nguyen)
    with django_assert_max_num_queries(25):
        assert client.get(detail_url(job)).status_code == 200
