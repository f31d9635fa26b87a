"""An organisation's own statistical report template: downloaded, adjusted in Excel, uploaded
(checked, refused with a message and nothing stored when bad), used for its reports and its units',
kept in a history; only the organisation's officers may touch it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from core.models import AuditEvent
from orgs.models import Org
from reports import workbook
from reports.models import ReportTemplate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    with translation.override("vi"):
        yield


def message(text: str, **params: Any) -> str:
    """A message as the user reads it (Vietnamese, from the catalogue)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def as_bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def adjusted() -> bytes:
    """The built-in template as an officer reshapes it: the state-level block moved 30 rows down
    and 2 columns right, a title rewritten with its placeholders, a bold cell and a formula that
    adds two figures, and a sheet of their own."""
    wb = load_workbook(BytesIO(workbook.builtin_bytes()))
    ws = wb["Biểu TĐKT"]
    ws.move_range("A16:H23", rows=40, cols=2)
    ws["A5"] = "THỐNG KÊ KHEN THƯỞNG CỦA {{ unit_name }} ({{ unit_code }}) NĂM {{ year }}"
    ws["K70"] = "{{ tong.cong.tong }}"
    ws["K70"].font = Font(bold=True, color="C00000")
    ws["L70"] = "=K70*2"
    extra = wb.create_sheet("Tóm tắt")
    extra["B2"] = "Từ {{ period_start }} đến {{ period_end }}, lập ngày {{ report_date }}"
    extra["C3"] = "{{ cs.ldtt.ca_nhan }}"
    return as_bytes(wb)


def upload(client: Any, org: Org, content: bytes, name: str = "mau-thai-nguyen.xlsx") -> Any:
    return client.post(
        f"{reverse('reports:templates')}?unit={org.pk}",
        {"file": SimpleUploadedFile(name, content, content_type=XLSX), "note": "Mẫu 2024"},
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def state() -> tuple[int, int, list[Path]]:
    return ReportTemplate.objects.count(), AuditEvent.objects.count(), stored_files()


# --- the adjusted template in use ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_adjusted_template_is_filled_where_the_officer_put_the_placeholders(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")

    response = upload(client, thai_nguyen, adjusted())

    assert response.status_code == 302
    template = ReportTemplate.objects.get()
    assert (template.org, template.active, template.file_name, template.note) == (
        thai_nguyen,
        True,
        "mau-thai-nguyen.xlsx",
        "Mẫu 2024",
    )
    assert template.placeholders == 159
    event = AuditEvent.objects.get(action="reports.template.uploaded")
    assert event.org_id_hint == thai_nguyen.pk

    response = client.get(
        reverse("reports:statistics"), {"unit": thai_nguyen.pk, "year": 2024, "format": "xlsx"}
    )

    wb = load_workbook(BytesIO(response.content))
    ws = wb["Biểu TĐKT"]
    assert ws["A5"].value == "THỐNG KÊ KHEN THƯỞNG CỦA Tỉnh Thái Nguyên (19) NĂM 2024"
    # The state-level block, moved: Huân chương row 17 → 57, columns C…H → E…J.
    assert ws["D57"].value == "Huân chương"
    assert [ws[f"{c}57"].value for c in "EFGHIJ"] == [0, 1, 1, 0, 1, 1]
    assert [ws[f"{c}63"].value for c in "EFGHIJ"] == [2, 2, 1, 1, 1, 4]
    assert all(ws[f"{c}17"].value is None for c in "CDEFGH")
    # The rest stays where it was.
    assert [ws[f"{c}38"].value for c in "CDEFGH"] == [5, 9, 2, 4, 4, 14]
    assert ws["K70"].value == 14
    assert ws["K70"].font.bold is True
    assert ws["K70"].font.color.rgb == "00C00000"
    assert ws["L70"].value == "=K70*2"
    summary = wb["Tóm tắt"]
    assert summary["B2"].value.startswith("Từ 01/12/2023 đến 30/11/2024, lập ngày ")
    assert summary["C3"].value == 3


@pytest.mark.django_db
def test_the_units_below_use_their_provinces_template(
    world: dict[str, Any], thai_nguyen: Org, snv_thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    upload(client, thai_nguyen, adjusted())

    response = client.get(
        reverse("reports:statistics"), {"unit": snv_thai_nguyen.pk, "year": 2024, "format": "xlsx"}
    )

    ws = load_workbook(BytesIO(response.content))["Biểu TĐKT"]
    assert ws["A5"].value == "THỐNG KÊ KHEN THƯỞNG CỦA Sở Nội vụ tỉnh Thái Nguyên (19.SNV) NĂM 2024"
    assert ws["E2"].value == "Đơn vị nhận báo cáo: Tỉnh Thái Nguyên"
    assert ws["K70"].value == 11
    page = client.get(reverse("reports:templates"), {"unit": snv_thai_nguyen.pk})
    assert page.context["in_use"].org == thai_nguyen


@pytest.mark.django_db
def test_uploads_keep_the_history_and_an_earlier_one_can_be_used_again(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    upload(client, thai_nguyen, adjusted(), "mau-1.xlsx")
    upload(client, thai_nguyen, workbook.builtin_bytes(), "mau-2.xlsx")
    first, second = ReportTemplate.objects.order_by("pk")

    assert [(t.file_name, t.active) for t in ReportTemplate.objects.order_by("pk")] == [
        ("mau-1.xlsx", False),
        ("mau-2.xlsx", True),
    ]
    assert len(stored_files()) == 2

    response = client.post(reverse("reports:template-activate", args=[first.pk]))

    assert response.status_code == 302
    assert [t.active for t in ReportTemplate.objects.order_by("pk")] == [True, False]
    page = client.get(reverse("reports:templates"), {"unit": thai_nguyen.pk})
    assert [t.file_name for t in page.context["history"]] == ["mau-2.xlsx", "mau-1.xlsx"]
    assert client.get(reverse("reports:template-file", args=[second.pk])).status_code == 200

    response = client.post(reverse("reports:template-deactivate", args=[thai_nguyen.pk]))

    assert response.status_code == 302
    assert ReportTemplate.objects.filter(active=True).count() == 0
    assert ReportTemplate.objects.count() == 2
    assert list(
        AuditEvent.objects.filter(action__startswith="reports.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "reports.template.uploaded",
        "reports.template.uploaded",
        "reports.template.activated",
        "reports.template.deactivated",
    ]
    stats = client.get(reverse("reports:statistics"), {"unit": thai_nguyen.pk, "year": 2024})
    assert stats.context["template"] is None


@pytest.mark.django_db
def test_the_built_in_template_and_a_stored_one_download_as_they_are(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    content = adjusted()
    upload(client, thai_nguyen, content)

    builtin = client.get(reverse("reports:template-builtin"))
    stored = client.get(reverse("reports:template-file", args=[ReportTemplate.objects.get().pk]))

    assert builtin.content == workbook.builtin_bytes()
    assert b"".join(stored.streaming_content) == content
    assert stored["Content-Disposition"] == 'attachment; filename="mau-thai-nguyen.xlsx"'


# --- bad uploads ---------------------------------------------------------------------------------


def with_macros() -> bytes:
    source = zipfile.ZipFile(BytesIO(workbook.builtin_bytes()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return out.getvalue()


def with_entities() -> bytes:
    """The built-in template whose workbook part declares entities (a "billion laughs")."""
    source = zipfile.ZipFile(BytesIO(workbook.builtin_bytes()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>' + data
            target.writestr(info, data)
    return out.getvalue()


def a_zip_of(name: str, content: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(name, content)
    return out.getvalue()


def with_cells(**cells: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu"
    for ref, value in cells.items():
        ws[ref] = value
    return as_bytes(wb)


BAD = [
    pytest.param(
        "mau.xlsm",
        workbook.builtin_bytes(),
        ("The file must be one of: %(types)s.", {"types": "XLSX"}),
        id="xlsm",
    ),
    pytest.param(
        "mau.xlsx",
        with_macros(),
        (
            "The workbook contains macros. Save it as an Excel workbook (.xlsx) without macros.",
            {},
        ),
        id="macros",
    ),
    pytest.param(
        "mau.xlsx",
        b"MZ\x90\x00 not a workbook",
        ("The file's content does not match its type.", {}),
        id="exe",
    ),
    pytest.param(
        "mau.xlsx",
        a_zip_of("word/document.xml", b"<w/>"),
        ("The file is not a readable Excel workbook (.xlsx).", {}),
        id="zip-not-workbook",
    ),
    pytest.param(
        "mau.xlsx",
        a_zip_of("xl/workbook.xml", b"<broken"),
        ("The file is not a readable Excel workbook (.xlsx).", {}),
        id="broken-workbook",
    ),
    pytest.param(
        "mau.xlsx",
        with_entities(),
        ("The file is not a readable Excel workbook (.xlsx).", {}),
        id="xml-entities",
    ),
    pytest.param(
        "mau.xlsx",
        b"PK\x03\x04" + b"\x00" * (5 * 2**20),
        ("The file must not be empty nor larger than %(mb)s MB.", {"mb": 5}),
        id="too-large",
    ),
    pytest.param(
        "mau.xlsx",
        with_cells(A1="Báo cáo năm 2024", B2="12"),
        ("The template holds no placeholder: nothing would be filled in.", {}),
        id="no-placeholder",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "expected"), BAD)
def test_a_bad_file_is_refused_with_a_message_and_nothing_stored(
    world: dict[str, Any],
    thai_nguyen: Org,
    as_user: Any,
    name: str,
    content: bytes,
    expected: tuple[str, dict[str, Any]],
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = upload(client, thai_nguyen, content, name)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message(expected[0], **expected[1])]
    assert state() == before


@pytest.mark.django_db
def test_unknown_and_broken_placeholders_are_listed_with_their_cells(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()
    content = with_cells(
        A1="Năm {{ year }}",
        C12="{{ nn.huan_chuong.canhan }}",
        D12="{{ nn.huan_chuong.ca_nhan }}",
        E3="Đơn vị: {{ ten_don_vi }}",
        F4="{{ cs.ldtt.tong",
    )

    response = upload(client, thai_nguyen, content)

    assert response.status_code == 400
    # In reading order: row by row.
    listed = (
        "«ten_don_vi» (Biểu!E3), «{{ cs.ldtt.tong» (Biểu!F4), «nn.huan_chuong.canhan» (Biểu!C12)"
    )
    assert response.context["form"].errors["file"] == [
        message(
            "The template holds placeholders the report does not know: %(list)s. "
            "The page of placeholders lists the known ones.",
            list=listed,
        )
    ]
    assert "«nn.huan_chuong.canhan» (Biểu!C12)" in response.content.decode()
    assert state() == before


# --- who may ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["viewer_bac_giang", "member_bac_kan", "secretariat_bac_giang", "outsider"]
)
def test_others_cannot_upload_a_template(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any, persona: str
) -> None:
    client = as_user(persona)
    before = state()

    response = upload(client, thai_nguyen, adjusted())

    assert response.status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_an_officer_cannot_touch_another_provinces_templates(
    world: dict[str, Any], thai_nguyen: Org, bac_giang: Org, as_user: Any
) -> None:
    upload(as_user("admin_user"), bac_giang, adjusted(), "bac-giang-1.xlsx")
    upload(as_user("admin_user"), bac_giang, adjusted(), "bac-giang-2.xlsx")
    first, second = ReportTemplate.objects.order_by("pk")
    client = as_user("officer_thai_nguyen")
    before = state()

    assert upload(client, bac_giang, adjusted()).status_code == 403
    assert client.get(reverse("reports:templates"), {"unit": bac_giang.pk}).status_code == 403
    assert client.get(reverse("reports:template-file", args=[first.pk])).status_code == 403
    assert client.post(reverse("reports:template-activate", args=[first.pk])).status_code == 403
    deactivate = reverse("reports:template-deactivate", args=[bac_giang.pk])
    assert client.post(deactivate).status_code == 403
    assert state() == before
    assert [t.active for t in ReportTemplate.objects.order_by("pk")] == [False, True]
    assert second.active


@pytest.mark.django_db
def test_activating_twice_or_stopping_without_a_template_says_why(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    upload(client, thai_nguyen, adjusted())
    client.get(reverse("reports:templates"), {"unit": thai_nguyen.pk})  # shows "stored"
    template = ReportTemplate.objects.get()
    before = state()

    again = client.post(reverse("reports:template-activate", args=[template.pk]), follow=True)

    assert [str(m) for m in again.context["messages"]] == [
        message("This template is already in use.")
    ]
    assert state() == before
    client.post(reverse("reports:template-deactivate", args=[thai_nguyen.pk]), follow=True)
    after = state()
    stop = client.post(reverse("reports:template-deactivate", args=[thai_nguyen.pk]), follow=True)
    assert [str(m) for m in stop.context["messages"]] == [
        message("The organisation has no template of its own in use.")
    ]
    assert state() == after


@pytest.mark.django_db
def test_a_template_whose_file_went_missing_gives_the_built_in_layout(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    upload(client, thai_nguyen, adjusted())
    Path(ReportTemplate.objects.get().file.path).unlink()

    response = client.get(
        reverse("reports:statistics"), {"unit": thai_nguyen.pk, "year": 2024, "format": "xlsx"}
    )

    ws = load_workbook(BytesIO(response.content))["Biểu TĐKT"]
    assert ws["A5"].value == "SỐ LƯỢNG PHONG TRÀO THI ĐUA VÀ KHEN THƯỞNG"
    assert ws["H38"].value == 14
