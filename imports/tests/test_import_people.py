"""Importing people: row-by-row checks, all-or-nothing writes, duplicates reported not doubled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import AuditEvent
from imports import rules, services
from imports.models import ImportJob, ImportStatus
from imports.tests.helpers import (
    counts,
    people_header,
    people_headers,
    people_rows,
    people_upload,
    person_row,
    upload,
    vi,
)
from orgs.models import Org
from people.models import Person, Posting


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def run(user: Any, file: Any) -> ImportJob:
    job = services.import_job_create(actor=user, kind="people", upload=file)
    return services.import_job_run(job_id=job.pk)


def rejected_with(job: ImportJob, errors: list[dict[str, Any]]) -> None:
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert job.errors == errors
    assert job.created_count == 0
    assert job.message == vi("%(n)s error(s) found; nothing was imported.", n=len(errors))
    assert job.finished_at is not None


# good files ------------------------------------------------------------------------------------


def test_it_imports_people_under_the_template_headers(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    file = people_upload(
        [
            person_row(
                full_name="  Hoàng   Thị Mai ",
                gender="Nữ",
                birth_year=1990,
                ethnicity="Nùng",
                position="Phó Giám đốc",
                category="leader",
                start_date="15/08/2018",
                id_number="019190000777",
                note="Chiến sĩ thi đua",
            ),
            person_row(full_name="Lê Văn Tám", gender="nam", birth_year="1975", category=""),
        ]
    )
    before = counts()
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.processed_rows, job.created_count) == (2, 2, 2)
    assert job.errors == []
    assert job.duplicates == []
    assert job.message == vi("%(c)s record(s) created, %(d)s duplicate(s) skipped.", c=2, d=0)
    assert counts() == (before[0] + 2, before[1], before[2] + 2)
    mai = Person.objects.get(full_name="Hoàng Thị Mai")
    assert (mai.gender, mai.birth_year, mai.ethnicity, mai.position, mai.category) == (
        "F",
        1990,
        "Nùng",
        "Phó Giám đốc",
        "leader",
    )
    assert (mai.unit, mai.id_number, mai.note, mai.name_key) == (
        snv_thai_nguyen,
        "019190000777",
        "Chiến sĩ thi đua",
        "hoang thi mai",
    )
    posting = Posting.objects.get(person=mai)
    assert (posting.org, posting.start_date, posting.end_date) == (
        snv_thai_nguyen,
        dt.date(2018, 8, 15),
        None,
    )
    tam = Person.objects.get(full_name="Lê Văn Tám")
    assert (tam.gender, tam.birth_year, tam.category) == ("M", 1975, "staff")


def test_it_imports_people_under_english_headers(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    english = [
        "Full name",
        "Gender",
        "Birth year",
        "Ethnicity",
        "Position",
        "Category",
        "Unit code",
        "Posting start date",
        "ID number",
        "Note",
    ]
    file = upload(
        [
            english,
            person_row(full_name="Phạm Thu Hà", gender="Female", category="Direct worker"),
            person_row(full_name="Đỗ Minh Quân", gender="Male", category="Leader or manager"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    assert dict(
        Person.objects.filter(unit=snv_thai_nguyen).values_list("name_key", "category")
    ) == {
        "pham thu ha": "worker",
        "do minh quan": "leader",
    }
    assert Person.objects.get(name_key="pham thu ha").gender == "F"


def test_it_takes_typed_excel_cells_other_columns_any_order_and_skips_blank_rows(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    header = [
        "Ghi chú nội bộ",
        "Unit code *",
        "Birth year",
        "Full name *",
        "Gender *",
        "Posting start date",
    ]
    file = upload(
        [
            header,
            ["bỏ qua", "19.snv", 1988, "Vũ Thị Hồng", "F", dt.date(2019, 5, 20)],
            [None, None, None, None, None, None],
            ["", " 19.SNV ", 1966.0, "Bùi Văn Nam", "M", dt.datetime(2001, 1, 2, 8, 0)],
        ]
    )
    job = run(officer_thai_nguyen, file)
    assert job.total_rows == 2
    assert job.status == ImportStatus.DONE
    hong = Person.objects.get(name_key="vu thi hong")
    nam = Person.objects.get(name_key="bui van nam")
    assert (hong.unit, hong.birth_year, hong.gender, hong.ethnicity, hong.category) == (
        snv_thai_nguyen,
        1988,
        "F",
        "Kinh",
        "staff",
    )
    assert hong.postings.get().start_date == dt.date(2019, 5, 20)
    assert (nam.birth_year, nam.postings.get().start_date) == (1966, dt.date(2001, 1, 2))


def test_it_starts_the_posting_today_when_no_date_is_given(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    job = run(officer_thai_nguyen, people_upload([person_row(start_date="")]))
    assert job.status == ImportStatus.DONE
    assert Posting.objects.get(person__name_key="nguyen van an").start_date == timezone.localdate()


def test_it_imports_into_a_unit_reached_through_a_merger(
    officer_thai_nguyen: Any, snv_bac_kan: Org
) -> None:
    job = run(officer_thai_nguyen, people_upload([person_row(unit_code="06.SNV")]))
    assert job.status == ImportStatus.DONE
    assert Person.objects.get(name_key="nguyen van an").unit == snv_bac_kan


def test_it_lets_a_focal_point_import_people_into_their_own_unit(
    member_bac_kan: Any, snv_bac_kan: Org
) -> None:
    job = run(member_bac_kan, people_upload([person_row(unit_code="06.SNV")]))
    assert job.status == ImportStatus.DONE
    assert Person.objects.filter(unit=snv_bac_kan).count() == 1


def test_it_writes_an_audit_event_per_person_and_one_for_the_job(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    before = AuditEvent.objects.count()
    job = run(officer_thai_nguyen, people_upload(people_rows(3)))
    created = AuditEvent.objects.filter(action="people.person.created")
    assert created.count() == 3
    assert set(created.values_list("actor", flat=True)) == {officer_thai_nguyen.pk}
    assert set(created.values_list("object_id", flat=True)) == {
        str(pk) for pk in Person.objects.values_list("pk", flat=True)
    }
    applied = AuditEvent.objects.get(action="imports.job.applied")
    assert (applied.object_type, applied.object_id, applied.changes) == (
        "imports.importjob",
        str(job.pk),
        {"created": [None, 3]},
    )
    job_created = AuditEvent.objects.get(action="imports.job.created")
    assert job_created.changes == {"kind": [None, "people"], "rows": [None, 3]}
    assert AuditEvent.objects.count() == before + 5


def test_it_reports_progress_until_every_row_is_checked(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []
    real = services._progress

    def spy(job: ImportJob, **fields: Any) -> None:
        real(job, **fields)
        stored = ImportJob.objects.get(pk=job.pk)
        seen.append((stored.status, stored.processed_rows))

    monkeypatch.setattr(services, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(services, "_progress", spy)
    job = run(officer_thai_nguyen, people_upload(people_rows(7)))
    assert seen == [
        ("validating", 0),
        ("validating", 2),
        ("validating", 4),
        ("validating", 6),
        ("writing", 7),
        ("done", 7),
    ]
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.percent) == (7, 7, 100)


def test_it_counts_every_row_as_checked_when_a_file_is_rejected(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    job = run(officer_thai_nguyen, people_upload([*people_rows(3), person_row(gender="X")]))
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert (job.processed_rows, job.total_rows) == (4, 4)


def test_it_runs_a_finished_job_only_once(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    job = run(officer_thai_nguyen, people_upload(people_rows(2)))
    after = counts()
    again = services.import_job_run(job_id=job.pk)
    assert again.status == ImportStatus.DONE
    assert counts() == after
    assert AuditEvent.objects.filter(action="imports.job.applied").count() == 1


def test_it_fails_without_change_when_the_stored_file_is_gone(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    job = services.import_job_create(
        actor=officer_thai_nguyen, kind="people", upload=people_upload(people_rows(2))
    )
    Path(job.file.path).unlink()
    before = counts()
    job = services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message == vi("The file is not a valid Excel workbook (.xlsx).")
    assert counts() == before


# bad cells: one error per problem, nothing written ---------------------------------------------


BAD_CELLS = [
    pytest.param({"gender": "X"}, "gender", "Write Nam or Nữ.", id="gender"),
    pytest.param({"birth_year": "19x5"}, "birth_year", "Write a four-digit year.", id="year-text"),
    pytest.param({"birth_year": 1985.5}, "birth_year", "Write a four-digit year.", id="year-frac"),
    pytest.param(
        {"id_number": "12345"},
        "id_number",
        "The ID number must have 12 digits (or 9 for an old identity card).",
        id="id-5-digits",
    ),
    pytest.param(
        {"id_number": "01918500012A"},
        "id_number",
        "The ID number must have 12 digits (or 9 for an old identity card).",
        id="id-letter",
    ),
    pytest.param({"category": "Giám đốc"}, "category", "Unknown category.", id="category"),
    pytest.param(
        {"start_date": "31/02/2020"}, "start_date", "Write the date as dd/mm/yyyy.", id="date"
    ),
    pytest.param(
        {"start_date": "2020/02/01"}, "start_date", "Write the date as dd/mm/yyyy.", id="date-iso"
    ),
    pytest.param({"full_name": "  "}, "full_name", "This cell must not be empty.", id="no-name"),
    pytest.param({"gender": ""}, "gender", "This cell must not be empty.", id="no-gender"),
]


@pytest.mark.parametrize(("values", "key", "message"), BAD_CELLS)
def test_it_rejects_a_bad_cell_naming_row_and_column(
    officer_thai_nguyen: Any,
    snv_thai_nguyen: Org,
    values: dict[str, Any],
    key: str,
    message: str,
) -> None:
    before = counts()
    file = people_upload([*people_rows(2), person_row(**{"full_name": "Hà Văn Lỗi", **values})])
    job = run(officer_thai_nguyen, file)
    rejected_with(job, [{"row": 4, "column": people_header(key), "message": vi(message)}])
    assert counts() == before


def test_it_rejects_a_unit_code_nobody_has(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    before = counts()
    job = run(officer_thai_nguyen, people_upload([person_row(unit_code="99.xyz")]))
    rejected_with(
        job,
        [
            {
                "row": 2,
                "column": people_header("unit_code"),
                "message": vi("No unit you may manage has the code %(c)s.", c="99.XYZ"),
            }
        ],
    )
    assert counts() == before


def test_it_rejects_a_unit_outside_the_users_reach(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, snv_bac_giang: Org
) -> None:
    before = counts()
    file = people_upload([person_row(), person_row(full_name="Trần Văn B", unit_code="24.SNV")])
    job = run(officer_thai_nguyen, file)
    rejected_with(
        job,
        [
            {
                "row": 3,
                "column": people_header("unit_code"),
                "message": vi("No unit you may manage has the code %(c)s.", c="24.SNV"),
            }
        ],
    )
    assert counts() == before


def test_it_keeps_a_focal_point_to_their_own_unit(
    member_bac_kan: Any, snv_bac_kan: Org, snv_thai_nguyen: Org
) -> None:
    before = counts()
    job = run(member_bac_kan, people_upload([person_row(unit_code="19.SNV")]))
    rejected_with(
        job,
        [
            {
                "row": 2,
                "column": people_header("unit_code"),
                "message": vi("No unit you may manage has the code %(c)s.", c="19.SNV"),
            }
        ],
    )
    assert counts() == before


def test_it_checks_the_birth_year_range_at_both_ends(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    year = timezone.localdate().year
    before = counts()
    file = people_upload(
        [
            person_row(full_name="Người Một", birth_year=year - 100),
            person_row(full_name="Người Hai", birth_year=year - 15),
            person_row(full_name="Người Ba", birth_year=year - 101),
            person_row(full_name="Người Bốn", birth_year=year - 14),
            person_row(full_name="Người Năm", birth_year=1850),
        ]
    )
    job = run(officer_thai_nguyen, file)
    message = vi("The birth year must be between %(a)s and %(b)s.", a=year - 100, b=year - 15)
    column = people_header("birth_year")
    rejected_with(
        job,
        [
            {"row": 4, "column": column, "message": message},
            {"row": 5, "column": column, "message": message},
            {"row": 6, "column": column, "message": message},
        ],
    )
    assert counts() == before


def test_it_reports_every_problem_of_a_file_with_excel_row_numbers(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, snv_bac_giang: Org
) -> None:
    before = counts()
    year = timezone.localdate().year
    file = people_upload(
        [
            person_row(full_name="Đúng Một"),  # row 2
            person_row(full_name="Sai Giới", gender="X"),  # row 3
            [None] * len(rules.PEOPLE_COLUMNS),  # row 4: blank, skipped
            person_row(full_name="Sai Năm", birth_year="19x5"),  # row 5
            person_row(full_name="Quá Già", birth_year=1800),  # row 6
            person_row(full_name="Sai Số", id_number="12345"),  # row 7
            person_row(full_name="Sai Đối Tượng", category="khác"),  # row 8
            person_row(full_name="Không Đơn Vị", unit_code="99.XYZ"),  # row 9
            person_row(full_name="Ngoài Phạm Vi", unit_code="24.SNV"),  # row 10
            person_row(full_name="Sai Ngày", start_date="2020.13.01"),  # row 11
            person_row(full_name="", gender="X", id_number="1"),  # row 12
            person_row(full_name="Đúng Hai"),  # row 13
        ]
    )
    job = run(officer_thai_nguyen, file)
    h = people_header
    rejected_with(
        job,
        [
            {"row": 3, "column": h("gender"), "message": vi("Write Nam or Nữ.")},
            {"row": 5, "column": h("birth_year"), "message": vi("Write a four-digit year.")},
            {
                "row": 6,
                "column": h("birth_year"),
                "message": vi(
                    "The birth year must be between %(a)s and %(b)s.", a=year - 100, b=year - 15
                ),
            },
            {
                "row": 7,
                "column": h("id_number"),
                "message": vi("The ID number must have 12 digits (or 9 for an old identity card)."),
            },
            {"row": 8, "column": h("category"), "message": vi("Unknown category.")},
            {
                "row": 9,
                "column": h("unit_code"),
                "message": vi("No unit you may manage has the code %(c)s.", c="99.XYZ"),
            },
            {
                "row": 10,
                "column": h("unit_code"),
                "message": vi("No unit you may manage has the code %(c)s.", c="24.SNV"),
            },
            {"row": 11, "column": h("start_date"), "message": vi("Write the date as dd/mm/yyyy.")},
            {"row": 12, "column": h("full_name"), "message": vi("This cell must not be empty.")},
            {"row": 12, "column": h("gender"), "message": vi("Write Nam or Nữ.")},
            {
                "row": 12,
                "column": h("id_number"),
                "message": vi("The ID number must have 12 digits (or 9 for an old identity card)."),
            },
        ],
    )
    assert job.total_rows == 11
    assert counts() == before
    assert not AuditEvent.objects.filter(
        action__in=["people.person.created", "imports.job.applied"]
    ).exists()


def test_it_rejects_a_file_missing_a_required_column_at_row_1(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    keep = [i for i, c in enumerate(rules.PEOPLE_COLUMNS) if c.key != "unit_code"]
    header = people_headers()
    rows = [[header[i] for i in keep]] + [[r[i] for i in keep] for r in people_rows(2)]
    before = counts()
    job = run(officer_thai_nguyen, upload(rows))
    rejected_with(
        job,
        [
            {
                "row": 1,
                "column": people_header("unit_code"),
                "message": vi(
                    "The required column “%(c)s” is missing.", c=people_header("unit_code")
                ),
            }
        ],
    )
    assert counts() == before


def test_it_accepts_a_nine_digit_identity_card_number(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    job = run(officer_thai_nguyen, people_upload([person_row(id_number="091234567")]))
    assert job.status == ImportStatus.DONE
    assert Person.objects.get().id_number == "091234567"


def test_it_accepts_an_id_number_excel_stored_as_a_number(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    job = run(officer_thai_nguyen, people_upload([person_row(id_number=19185000123)]))
    assert job.status == ImportStatus.DONE
    assert Person.objects.get().id_number == "019185000123"


# duplicates ------------------------------------------------------------------------------------


def test_it_skips_and_reports_a_person_already_registered(
    officer_thai_nguyen: Any, person_thai_nguyen: Person
) -> None:
    before = counts()
    file = people_upload(
        [
            person_row(full_name="Trịnh Văn Mới", birth_year=1990),
            person_row(full_name="NGUYEN THI LAN", gender="Nữ", birth_year=1985),
        ]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.created_count == 1
    assert job.errors == []
    assert job.duplicates == [
        {
            "row": 3,
            "value": "NGUYEN THI LAN",
            "message": vi(
                "%(n)s is already registered in %(u)s; row skipped.",
                n="NGUYEN THI LAN",
                u="Sở Nội vụ tỉnh Thái Nguyên",
            ),
        }
    ]
    assert job.message == vi("%(c)s record(s) created, %(d)s duplicate(s) skipped.", c=1, d=1)
    assert counts() == (before[0] + 1, before[1], before[2] + 1)
    assert Person.objects.filter(name_key="nguyen thi lan").count() == 1


def test_it_does_not_call_a_different_birth_year_or_unit_a_duplicate(
    officer_thai_nguyen: Any, person_thai_nguyen: Person, snv_bac_kan: Org
) -> None:
    file = people_upload(
        [
            person_row(full_name="Nguyễn Thị Lan", birth_year=1986, unit_code="19.SNV"),
            person_row(full_name="Nguyễn Thị Lan", birth_year=1985, unit_code="06.SNV"),
            person_row(full_name="Nguyễn Thị Lan", birth_year="", unit_code="19.SNV"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    assert job.status == ImportStatus.DONE
    assert job.duplicates == []
    assert Person.objects.filter(name_key="nguyen thi lan").count() == 4


def test_it_keeps_the_first_of_two_rows_for_the_same_person(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    before = counts()
    file = people_upload(
        [
            person_row(full_name="Đặng Thị Thu", birth_year=1992, position="Kế toán"),
            person_row(full_name="Trương Văn Khác"),
            person_row(full_name="dang  thi THU", birth_year="1992", unit_code="19.snv"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    assert job.duplicates == [
        {
            "row": 4,
            "value": "dang thi THU",
            "message": vi("Same person as row %(r)s; row skipped.", r=2),
        }
    ]
    assert counts() == (before[0] + 2, before[1], before[2] + 2)
    assert Person.objects.get(name_key="dang thi thu").position == "Kế toán"


def test_it_finishes_with_nothing_created_when_every_row_is_a_duplicate(
    officer_thai_nguyen: Any, person_thai_nguyen: Person
) -> None:
    before = counts()
    file = people_upload([person_row(full_name="Nguyễn Thị Lan", birth_year=1985)])
    job = run(officer_thai_nguyen, file)
    assert job.status == ImportStatus.DONE
    assert job.created_count == 0
    assert len(job.duplicates) == 1
    assert counts() == before


def test_it_writes_no_duplicate_when_the_file_is_rejected(
    officer_thai_nguyen: Any, person_thai_nguyen: Person
) -> None:
    before = counts()
    file = people_upload(
        [person_row(full_name="Nguyễn Thị Lan", birth_year=1985), person_row(gender="?")]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert [d["row"] for d in job.duplicates] == [2]
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, people_header("gender"))]
    assert counts() == before


def test_it_still_checks_a_duplicate_row(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    before = counts()
    file = people_upload([person_row(), person_row(gender="X", id_number="123")])
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, people_header("gender")),
        (3, people_header("id_number")),
    ]
    assert counts() == before


# who may import --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "outsider", "council_member"])
def test_it_refuses_an_import_from_someone_without_the_right(
    persona: str, request: pytest.FixtureRequest, snv_thai_nguyen: Org
) -> None:
    user = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=user, kind="people", upload=people_upload(people_rows(1)))
    assert ImportJob.objects.count() == 0
    assert counts() == before


def test_it_counts_only_data_rows(officer_thai_nguyen: Any, snv_thai_nguyen: Org) -> None:
    file = people_upload([person_row(), [None] * 10, ["", " ", None], person_row(full_name="B")])
    job = services.import_job_create(actor=officer_thai_nguyen, kind="people", upload=file)
    assert (job.total_rows, job.status, job.original_name) == (2, "pending", "nhap.xlsx")
    assert (job.created_by, job.processed_rows) == (officer_thai_nguyen, 0)
    assert Path(job.file.path).is_file()


def test_it_rejects_a_posting_in_a_unit_that_has_ended(
    officer_thai_nguyen: Any, snv_bac_kan: Org
) -> None:
    # given Sở Nội vụ Bắc Kạn, merged into Sở Nội vụ Thái Nguyên on 1/7/2025
    before = counts()
    # when one row posts someone there from 2026 and another before the merger
    job = run(
        officer_thai_nguyen,
        people_upload(
            [
                person_row(full_name="Lò Văn Páo", unit_code="06.SNV", start_date="01/01/2026"),
                person_row(full_name="Ma Thị Hoa", unit_code="06.SNV", start_date="01/01/2020"),
            ]
        ),
    )
    # then the file is rejected on row 2 only, naming the unit column, and nothing is written
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, vi("Unit code"))]
    assert counts() == before
