"""Hostile uploads, at every checker path: wrong extension, content that lies about its type, one
byte over the limit, a zip bomb inside an office file, macros, SVG with script, and names that try
to leave the upload folder. Each is refused with a message and changes nothing (no row, no file)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.errors import DomainError
from core.uploads import MAX_BYTES, REPORTS, SCANS, check_document
from documents.services import MAX_TEMPLATE_BYTES
from dossiers.services import DOSSIER_FILES
from imports.services import check_upload
from reports import workbook as report_workbook
from scoring.assessment import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
BOMB_BYTES = 300 * 2**20  # what the bomb's one member unpacks to


def xlsx(rows: list[list[Any]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows or [["Họ và tên"], ["Nguyễn Văn An"]]:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_members(base: bytes, extra: dict[str, bytes], content_types: bytes | None = None) -> bytes:
    """`base` (a zip) with members added, and optionally its [Content_Types].xml replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in extra.items():
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """A workbook-shaped zip of a few hundred KB whose sheet unpacks to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * 2**20
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def vba_xlsx() -> bytes:
    return with_members(xlsx(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def macro_enabled_xlsx() -> bytes:
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
    )
    return with_members(xlsx(), {}, content_types=types)


# --- every checker path: its accepted types, its limit, and how it is called --------------------


def import_check(upload: Any) -> Any:
    check_upload(upload)
    return upload.name


PATHS: dict[str, tuple[tuple[str, ...], int, Callable[[Any], Any]]] = {
    "scoring-evidence": (
        EVIDENCE_TYPES,
        EVIDENCE_MAX_BYTES,
        lambda u: check_document(u, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES),
    ),
    "dossier-document": (
        DOSSIER_FILES,
        MAX_BYTES,
        lambda u: check_document(u, allowed=DOSSIER_FILES),
    ),
    "decision-scan": (SCANS, MAX_BYTES, lambda u: check_document(u, allowed=SCANS)),
    "cluster-report": (REPORTS, MAX_BYTES, lambda u: check_document(u, allowed=REPORTS)),
    "document-template": (
        (".docx",),
        MAX_TEMPLATE_BYTES,
        lambda u: check_document(u, allowed=(".docx",), max_bytes=MAX_TEMPLATE_BYTES),
    ),
    "report-layout": (
        (".xlsx",),
        report_workbook.MAX_BYTES,
        lambda u: check_document(u, allowed=(".xlsx",), max_bytes=report_workbook.MAX_BYTES),
    ),
    "excel-import": ((".xlsx",), django_settings.IMPORT_MAX_BYTES, import_check),
}

MAGIC = {".pdf": PDF, ".png": PNG, ".jpg": b"\xff\xd8\xff\xe0", ".xlsx": b"PK\x03\x04"}


def primary(allowed: tuple[str, ...]) -> str:
    return next(ext for ext in (".pdf", ".xlsx", ".docx", ".png") if ext in allowed)


def hostile_cases(
    allowed: tuple[str, ...], limit: int
) -> list[tuple[str, str, Callable[[], bytes]]]:
    ext = primary(allowed)
    head = MAGIC.get(ext, b"PK\x03\x04")
    office = next((e for e in (".xlsx", ".docx") if e in allowed), None)
    cases: list[tuple[str, str, Callable[[], bytes]]] = [
        ("exe", "cai-dat.exe", lambda: EXE),
        ("svg-script", "logo.svg", lambda: SVG),
        ("html", "trang.html", lambda: HTML),
        ("xlsm", "bang.xlsm", vba_xlsx),
        ("docm", "van-ban.docm", vba_xlsx),
        ("no-extension", "khong-duoi", lambda: PDF),
        ("html-as-" + ext, "trang" + ext, lambda: HTML),
        ("exe-as-" + ext, "bao-cao" + ext, lambda: EXE),
        ("svg-as-" + ext, "anh" + ext, lambda: SVG),
        ("empty", "rong" + ext, lambda: b""),
        ("oversize", "lon" + ext, lambda: head + b"\x00" * (limit + 1 - len(head))),
        ("nul-byte-name", "bao-cao\x00.exe" + ext, lambda: PDF if ext == ".pdf" else xlsx()),
        ("long-name", "a" * 300 + ext, lambda: PDF if ext == ".pdf" else xlsx()),
    ]
    if ".pdf" in allowed:
        cases.append(("png-as-pdf", "quyet-dinh.pdf", lambda: PNG))
    if ".png" in allowed:
        cases.append(("svg-as-png", "anh.png", lambda: SVG))
    if office:
        cases += [
            ("zip-bomb", "bom" + office, zip_bomb),
            ("vba-project", "macro" + office, vba_xlsx),
            ("macro-enabled-type", "macro" + office, macro_enabled_xlsx),
        ]
    return cases


MATRIX = [
    pytest.param(path, name, make, id=f"{path}-{case}")
    for path, (allowed, limit, _check) in PATHS.items()
    for case, name, make in hostile_cases(allowed, limit)
]


@pytest.mark.parametrize(("path", "name", "make"), MATRIX)
def test_every_checker_refuses_hostile_files(
    path: str, name: str, make: Callable[[], bytes]
) -> None:
    check = PATHS[path][2]
    with pytest.raises(DomainError) as refused:
        check(SimpleUploadedFile(name, make()))
    assert refused.value.message


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\System32\\passwd", "..\\..\\passwd"]
)
def test_every_checker_keeps_only_the_file_name(path: str, name: str) -> None:
    allowed, _limit, check = PATHS[path]
    ext = primary(allowed)
    content = PDF if ext == ".pdf" else xlsx()
    upload = SimpleUploadedFile("x" + ext, content)
    upload.name = (
        name + ext
    )  # Django's own upload handler would strip it; a client of the API may not

    result = check(upload)

    if path != "excel-import":
        assert result == "passwd" + ext


def test_a_plain_workbook_passes_every_office_check() -> None:
    for path in ("report-layout", "excel-import", "cluster-report", "scoring-evidence"):
        PATHS[path][2](SimpleUploadedFile("bang.xlsx", xlsx()))


# --- through the services: nothing stored, no row ------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "keep.txt").write_text("x")
    return Path(settings.MEDIA_ROOT)


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


SERVICE_CASES = [
    pytest.param("bang.xlsm", vba_xlsx, id="xlsm"),
    pytest.param("bang.xlsx", vba_xlsx, id="vba-project"),
    pytest.param("bang.xlsx", macro_enabled_xlsx, id="macro-enabled-type"),
    pytest.param("bang.xlsx", zip_bomb, id="zip-bomb"),
    pytest.param("bang.xlsx", lambda: HTML, id="html-as-xlsx"),
    pytest.param("logo.svg", lambda: SVG, id="svg-script"),
    pytest.param("bang\x00.xlsx", xlsx, id="nul-byte"),
    pytest.param("a" * 300 + ".xlsx", xlsx, id="long-name"),
]


def people_sheet() -> bytes:
    from imports.tests.helpers import people_headers, person_row

    return xlsx([people_headers(), person_row()])


@pytest.mark.parametrize(("name", "make"), SERVICE_CASES)
def test_the_people_import_refuses_and_stores_nothing(
    officer_thai_nguyen: Any, snv_thai_nguyen: Any, media: Path, name: str, make: Any
) -> None:
    from imports.models import ImportJob
    from imports.services import import_job_create

    before = listing(media)
    with pytest.raises(DomainError):
        import_job_create(
            actor=officer_thai_nguyen, kind="people", upload=SimpleUploadedFile(name, make())
        )
    assert ImportJob.objects.count() == 0
    assert listing(media) == before


def decision(officer: Any, issuer: Any) -> Any:
    from register.services import decision_create

    return decision_create(
        actor=officer, number="15/QĐ-UBND", date=dt.date(2025, 1, 10), issuer=issuer
    )


@pytest.mark.parametrize(("name", "make"), SERVICE_CASES)
def test_the_recipient_import_refuses_and_stores_nothing(
    officer_thai_nguyen: Any, thai_nguyen: Any, media: Path, name: str, make: Any
) -> None:
    from register.import_models import RecipientImport
    from register.importing import import_create

    target = decision(officer_thai_nguyen, thai_nguyen)
    before = listing(media)
    with pytest.raises(DomainError):
        import_create(
            actor=officer_thai_nguyen, decision=target, upload=SimpleUploadedFile(name, make())
        )
    assert RecipientImport.objects.count() == 0
    assert listing(media) == before


SCAN_CASES = [
    pytest.param("qd.pdf", lambda: PNG, id="png-as-pdf"),
    pytest.param("qd.svg", lambda: SVG, id="svg-script"),
    pytest.param("qd.png", lambda: SVG, id="svg-as-png"),
    pytest.param("qd.pdf", lambda: PDF + b"\x00" * MAX_BYTES, id="oversize"),
    pytest.param("qd\x00.pdf", lambda: PDF, id="nul-byte"),
    pytest.param("qd.docx", vba_xlsx, id="docx-not-a-scan"),
]


@pytest.mark.parametrize(("name", "make"), SCAN_CASES)
def test_a_decision_scan_is_refused_with_no_decision_and_no_file(
    officer_thai_nguyen: Any, thai_nguyen: Any, media: Path, name: str, make: Any
) -> None:
    from register.models import Decision
    from register.services import decision_create

    before = listing(media)
    with pytest.raises(DomainError):
        decision_create(
            actor=officer_thai_nguyen,
            number="16/QĐ-UBND",
            date=dt.date(2025, 1, 10),
            issuer=thai_nguyen,
            file=SimpleUploadedFile(name, make()),
        )
    assert Decision.objects.count() == 0
    assert listing(media) == before


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "/etc/passwd.pdf", "..\\..\\passwd.pdf"])
def test_a_decision_scan_is_stored_under_its_own_name_only(
    officer_thai_nguyen: Any, thai_nguyen: Any, media: Path, name: str
) -> None:
    from register.services import decision_create

    upload = SimpleUploadedFile("x.pdf", PDF)
    upload.name = name
    stored = decision_create(
        actor=officer_thai_nguyen,
        number="17/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=thai_nguyen,
        file=upload,
    )
    assert stored.file.name.startswith("decisions/")
    assert Path(stored.file.name).name.startswith("passwd")
    assert ".." not in stored.file.name
    assert Path(stored.file.path).resolve().is_relative_to(media.resolve())


def test_an_import_is_stored_under_its_own_name_only(
    officer_thai_nguyen: Any, snv_thai_nguyen: Any, media: Path
) -> None:
    from imports.services import import_job_create

    upload = SimpleUploadedFile("x.xlsx", people_sheet())
    upload.name = "../../etc/nhap.xlsx"
    job = import_job_create(actor=officer_thai_nguyen, kind="people", upload=upload)
    assert job.original_name == "nhap.xlsx"
    assert job.file.name.startswith("imports/")
    assert Path(job.file.path).resolve().is_relative_to(media.resolve())


@pytest.mark.parametrize(
    ("name", "make"),
    [
        pytest.param("mau.docm", vba_xlsx, id="docm"),
        pytest.param("mau.docx", vba_xlsx, id="vba-project"),
        pytest.param("mau.docx", zip_bomb, id="zip-bomb"),
        pytest.param("mau.docx", lambda: HTML, id="html-as-docx"),
        pytest.param(
            "mau.docx", lambda: b"PK\x03\x04" + b"\x00" * MAX_TEMPLATE_BYTES, id="oversize"
        ),
    ],
)
def test_a_document_template_is_refused_and_nothing_changes(
    officer_thai_nguyen: Any, thai_nguyen: Any, media: Path, name: str, make: Any
) -> None:
    from documents import registry
    from documents.models import DocumentTemplate
    from documents.services import template_upload

    kind = registry.kinds()[0].key
    before = listing(media)
    with pytest.raises(DomainError):
        template_upload(
            actor=officer_thai_nguyen,
            org=thai_nguyen,
            kind=kind,
            upload=SimpleUploadedFile(name, make()),
        )
    assert DocumentTemplate.objects.count() == 0
    assert listing(media) == before


@pytest.mark.parametrize(
    ("name", "make"),
    [
        pytest.param("bieu.xlsm", vba_xlsx, id="xlsm"),
        pytest.param("bieu.xlsx", vba_xlsx, id="vba-project"),
        pytest.param("bieu.xlsx", zip_bomb, id="zip-bomb"),
        pytest.param("bieu.xlsx", lambda: SVG, id="svg-as-xlsx"),
    ],
)
def test_a_report_layout_is_refused_and_nothing_changes(
    officer_thai_nguyen: Any, thai_nguyen: Any, media: Path, name: str, make: Any
) -> None:
    from reports.models import ReportTemplate
    from reports.services import template_upload

    before = listing(media)
    with pytest.raises(DomainError):
        template_upload(
            actor=officer_thai_nguyen, org=thai_nguyen, upload=SimpleUploadedFile(name, make())
        )
    assert ReportTemplate.objects.count() == 0
    assert listing(media) == before


@pytest.mark.parametrize(
    ("name", "make", "shown"),
    [
        pytest.param(
            "bang.xlsx",
            vba_xlsx,
            "The workbook contains macros. Save it as an Excel workbook (.xlsx) without macros.",
            id="macros",
        ),
        pytest.param(
            "bang.xlsx",
            zip_bomb,
            "The file unpacks to too much data; it may be a compressed bomb.",
            id="zip-bomb",
        ),
        pytest.param("bang.xlsm", vba_xlsx, "Only Excel files (.xlsx) can be imported.", id="xlsm"),
    ],
)
def test_the_import_page_shows_the_refusal_in_vietnamese(
    officer_thai_nguyen: Any, media: Path, name: str, make: Any, shown: str
) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from imports.models import ImportJob

    client = Client()
    client.force_login(officer_thai_nguyen)
    before = listing(media)
    response = client.post(
        reverse("imports:job-list"), {"kind": "people", "file": SimpleUploadedFile(name, make())}
    )
    assert response.status_code == 200
    with translation.override("vi"):
        message = translation.gettext(shown)
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert listing(media) == before
