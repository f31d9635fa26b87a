"""Importing organisations: parents in the register or earlier in the file, codes never doubled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from core.models import AuditEvent
from imports import rules, services
from imports.models import ImportJob, ImportStatus
from imports.tests.helpers import counts, org_header, org_headers, org_row, org_upload, upload, vi
from orgs.models import Org, OrgKind


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def run(user: Any, file: Any) -> ImportJob:
    job = services.import_job_create(actor=user, kind="orgs", upload=file)
    return services.import_job_run(job_id=job.pk)


def rejected_with(job: ImportJob, errors: list[dict[str, Any]]) -> None:
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert job.errors == errors
    assert job.created_count == 0
    assert job.message == vi("%(n)s error(s) found; nothing was imported.", n=len(errors))


# good files ------------------------------------------------------------------------------------


def test_it_imports_units_with_a_parent_defined_earlier_in_the_same_file(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    before = counts()
    file = org_upload(
        [
            org_row(
                code="19.stc",
                name="Sở  Tài chính tỉnh Thái Nguyên",
                short_name="Sở Tài chính",
                kind="Department or agency",
                parent_code="19",
                address="Số 1 Đường Đội Cấn",
                valid_from="01/07/2025",
                aliases="STC Thái Nguyên; Sở TC",
            ),
            org_row(
                code="19.STC.NS",
                name="Phòng Ngân sách",
                kind="department",
                parent_code="19.STC",
            ),
            org_row(
                code="19.STC.NS.1",
                name="Tổ Ngân sách xã",
                kind="other",
                parent_code="19.stc.ns",
                valid_from=dt.date(2025, 7, 1),
                valid_to="31/12/2030",
            ),
        ]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.total_rows, job.created_count, job.errors, job.duplicates) == (3, 3, [], [])
    assert counts() == (before[0], before[1] + 3, before[2])
    stc = Org.objects.get(code="19.STC")
    ns = Org.objects.get(code="19.STC.NS")
    team = Org.objects.get(code="19.STC.NS.1")
    assert (stc.name, stc.short_name, stc.kind, stc.parent, stc.address) == (
        "Sở Tài chính tỉnh Thái Nguyên",
        "Sở Tài chính",
        "department",
        thai_nguyen,
        "Số 1 Đường Đội Cấn",
    )
    assert (stc.valid_from, stc.valid_to, stc.aliases) == (
        dt.date(2025, 7, 1),
        None,
        "STC Thái Nguyên; Sở TC",
    )
    assert "| stc thai nguyen |" in stc.search_key
    assert (ns.parent, team.parent) == (stc, ns)
    assert stc.path == f"{thai_nguyen.path}{stc.pk}/"
    assert ns.path == f"{stc.path}{ns.pk}/"
    assert team.path == f"{ns.path}{team.pk}/"
    assert (team.kind, team.valid_from, team.valid_to) == (
        "other",
        dt.date(2025, 7, 1),
        dt.date(2030, 12, 31),
    )
    created = AuditEvent.objects.filter(action="orgs.org.created")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        str(o.pk) for o in (stc, ns, team)
    )
    assert AuditEvent.objects.get(action="imports.job.applied").changes == {"created": [None, 3]}


def test_it_imports_units_under_english_headers(admin_user: Any, thai_nguyen: Org) -> None:
    english = [
        "Unit code",
        "Unit name",
        "Short name",
        "Kind of unit",
        "Parent unit code",
        "Address",
        "Valid from",
        "Valid to",
        "Other names",
    ]
    assert org_headers("en") == [
        f"{h} *" if c.required else h for h, c in zip(english, rules.ORG_COLUMNS, strict=True)
    ]
    file = upload(
        [
            english,
            org_row(code="TW-MOI", name="Cơ quan mới", kind="Central body", parent_code=""),
            org_row(code="19.SYT", name="Sở Y tế", kind="DEPARTMENT", parent_code="19"),
        ]
    )
    job = run(admin_user, file)
    assert job.status == ImportStatus.DONE
    root = Org.objects.get(code="TW-MOI")
    assert (root.parent, root.kind, root.path) == (None, "central", f"/{root.pk}/")
    assert Org.objects.get(code="19.SYT").parent == thai_nguyen


@pytest.mark.parametrize("code", OrgKind.values)
def test_it_reads_the_kind_of_unit_by_its_vietnamese_label(
    admin_user: Any, thai_nguyen: Org, code: str
) -> None:
    with translation.override("vi"):
        label = str(OrgKind(code).label)
    job = run(admin_user, org_upload([org_row(code="19.X", kind=label)]))
    assert job.status == ImportStatus.DONE
    assert Org.objects.get(code="19.X").kind == code


def test_it_lets_an_officer_add_units_under_a_province_merged_into_theirs(
    officer_thai_nguyen: Any, bac_kan: Org
) -> None:
    job = run(officer_thai_nguyen, org_upload([org_row(code="06.STC", parent_code="06")]))
    assert job.status == ImportStatus.DONE
    assert Org.objects.get(code="06.STC").parent == bac_kan


# bad files -------------------------------------------------------------------------------------


def test_it_reports_every_problem_of_an_org_file_with_excel_row_numbers(
    officer_thai_nguyen: Any, thai_nguyen: Org, bac_giang: Org
) -> None:
    before = counts()
    file = org_upload(
        [
            org_row(code="19.A", name="Đơn vị A"),  # row 2
            org_row(code="19.B", kind="Phòng ban"),  # row 3
            org_row(code="19.C", valid_from="1/13/2025"),  # row 4
            org_row(code="19.D", valid_from="01/07/2025", valid_to="30/06/2025"),  # row 5
            org_row(code="19.E", parent_code="99"),  # row 6
            org_row(code="24.F", parent_code="24"),  # row 7: Bắc Giang is not theirs
            org_row(code="19.G", parent_code=""),  # row 8: only an admin adds a root
            org_row(code="19.H", parent_code="19.I"),  # row 9: parent comes later
            org_row(code="19.I"),  # row 10
            org_row(code="", name=""),  # row 11
        ]
    )
    job = run(officer_thai_nguyen, file)
    h = org_header
    rejected_with(
        job,
        [
            {"row": 3, "column": h("kind"), "message": vi("Unknown kind of unit.")},
            {"row": 4, "column": h("valid_from"), "message": vi("Write the date as dd/mm/yyyy.")},
            {
                "row": 5,
                "column": h("valid_to"),
                "message": vi("The end date is before the start date."),
            },
            {
                "row": 6,
                "column": h("parent_code"),
                "message": vi("No unit has the code %(p)s.", p="99"),
            },
            {
                "row": 7,
                "column": h("parent_code"),
                "message": vi("You may not add units under %(p)s.", p="24"),
            },
            {"row": 8, "column": h("parent_code"), "message": vi("Give the parent unit's code.")},
            {
                "row": 9,
                "column": h("parent_code"),
                "message": vi("No unit has the code %(p)s.", p="19.I"),
            },
            {"row": 11, "column": h("code"), "message": vi("This cell must not be empty.")},
            {"row": 11, "column": h("name"), "message": vi("This cell must not be empty.")},
        ],
    )
    assert counts() == before
    assert not AuditEvent.objects.filter(action="orgs.org.created").exists()


@pytest.mark.parametrize(
    ("values", "key", "message"),
    [
        pytest.param({"kind": ""}, "kind", "This cell must not be empty.", id="no-kind"),
        pytest.param({"kind": "Bộ"}, "kind", "Unknown kind of unit.", id="kind"),
        pytest.param(
            {"valid_to": "2030-02-30"}, "valid_to", "Write the date as dd/mm/yyyy.", id="date"
        ),
    ],
)
def test_it_rejects_a_bad_org_cell(
    admin_user: Any, values: dict[str, Any], key: str, message: str
) -> None:
    before = counts()
    job = run(admin_user, org_upload([org_row(code="19.OK"), org_row(code="19.BAD", **values)]))
    rejected_with(job, [{"row": 3, "column": org_header(key), "message": vi(message)}])
    assert counts() == before


def test_it_rejects_an_org_file_missing_a_required_column_at_row_1(admin_user: Any) -> None:
    keep = [i for i, c in enumerate(rules.ORG_COLUMNS) if c.key != "kind"]
    header = org_headers()
    row = org_row()
    before = counts()
    job = run(admin_user, upload([[header[i] for i in keep], [row[i] for i in keep]]))
    rejected_with(
        job,
        [
            {
                "row": 1,
                "column": org_header("kind"),
                "message": vi("The required column “%(c)s” is missing.", c=org_header("kind")),
            }
        ],
    )
    assert counts() == before


# duplicates ------------------------------------------------------------------------------------


def test_it_skips_and_reports_a_code_already_in_the_register(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    before = counts()
    file = org_upload(
        [
            org_row(code="19.snv", name="Sở Nội vụ (bản trùng)"),
            org_row(code="19.STC"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.created_count == 1
    assert job.duplicates == [
        {
            "row": 2,
            "value": "19.SNV",
            "message": vi("Unit code %(c)s already exists; row skipped.", c="19.SNV"),
        }
    ]
    assert counts() == (before[0], before[1] + 1, before[2])
    assert Org.objects.get(code="19.SNV").name == "Sở Nội vụ tỉnh Thái Nguyên"


def test_it_keeps_the_first_of_two_rows_with_the_same_code(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    before = counts()
    file = org_upload(
        [
            org_row(code="19.STC", name="Sở Tài chính"),
            org_row(code="19.SXD", name="Sở Xây dựng"),
            org_row(code=" 19.stc ", name="Sở Tài chính (lặp)"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    assert job.duplicates == [
        {
            "row": 4,
            "value": "19.STC",
            "message": vi("Unit code %(c)s repeats row %(r)s; row skipped.", c="19.STC", r=2),
        }
    ]
    assert counts() == (before[0], before[1] + 2, before[2])
    assert Org.objects.get(code="19.STC").name == "Sở Tài chính"


def test_it_hangs_a_unit_under_an_existing_code_even_when_that_row_is_skipped(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    file = org_upload(
        [
            org_row(code="19.SNV", name="Sở Nội vụ (trùng)"),
            org_row(code="19.SNV.VP", name="Văn phòng Sở", parent_code="19.SNV"),
        ]
    )
    job = run(officer_thai_nguyen, file)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, len(job.duplicates)) == (1, 1)
    assert Org.objects.get(code="19.SNV.VP").parent == snv_thai_nguyen


def test_it_still_checks_a_row_with_a_duplicate_code(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    before = counts()
    job = run(officer_thai_nguyen, org_upload([org_row(code="19.SNV", kind="Bộ"), org_row()]))
    rejected_with(
        job, [{"row": 2, "column": org_header("kind"), "message": vi("Unknown kind of unit.")}]
    )
    assert counts() == before


# who may import --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member_bac_kan", "viewer_bac_giang", "outsider"])
def test_it_refuses_an_org_import_from_someone_without_the_right(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=user, kind="orgs", upload=org_upload([org_row()]))
    assert ImportJob.objects.count() == 0
    assert counts() == before
