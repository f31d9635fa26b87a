"""A dossier's letter and achievement reports through the document service: their contexts as plain
Vietnamese text, the DOCX and the new PDF downloads read back (python-docx, pypdf), the starting
templates, a unit's own template (or the province's above it), who may have them (nobody else
gets anything made) and queries that do not grow with the recipients.

Sở Nội vụ Thái Nguyên proposes Nguyễn Thị Lan and Lê Văn Minh as Chiến sĩ thi đua cơ sở 2024 to
the province (conftest.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as open_docx
from pypdf import PdfReader

from accounts.models import User
from documents import registry, starters, templating
from documents import service as document_service
from documents import services as document_services
from dossiers import documents, services
from dossiers.models import Dossier, DossierRecipient
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def dossier(
    cstd_dossier: Callable[..., Dossier], person_thai_nguyen: Person, colleague_thai_nguyen: Person
) -> Dossier:
    return cstd_dossier([person_thai_nguyen, colleague_thai_nguyen])


@pytest.fixture
def lan(dossier: Dossier, person_thai_nguyen: Person) -> DossierRecipient:
    return dossier.recipients.get(person=person_thai_nguyen)


def letter_url(dossier: Dossier, fmt: str) -> str:
    return reverse(f"dossiers:dossier-letter-{fmt}", args=[dossier.pk])


def report_url(recipient: DossierRecipient, fmt: str) -> str:
    return reverse(f"dossiers:recipient-report-{fmt}", args=[recipient.pk])


def docx_text(content: bytes) -> str:
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def pdf_text(content: bytes) -> tuple[int, str]:
    """The number of pages and the words of a PDF, spaces collapsed."""
    pages = PdfReader(io.BytesIO(content)).pages
    return len(pages), " ".join(" ".join(page.extract_text() for page in pages).split())


def assert_filled(text: str) -> None:
    for gap in ("{{", "{%", "}}", "None", "\u27e6"):
        assert gap not in text, gap


def plain(value: Any) -> bool:
    """Text, or a list of rows of text: what a template prints without a filter."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(
        isinstance(row, dict) and all(isinstance(v, str) for v in row.values()) for row in value
    )


# --- contexts ------------------------------------------------------------------------------------------


def test_the_contexts_hold_every_field_as_plain_text(
    dossier: Dossier, lan: DossierRecipient
) -> None:
    letter = documents.letter_context(dossier)
    report = documents.report_context(lan)

    assert list(letter) == registry.get(documents.LETTER_KEY).field_keys
    assert sorted(report) == sorted(registry.get(documents.REPORT_KEY).field_keys)
    assert all(plain(v) for v in (*letter.values(), *report.values()))
    assert letter["recipients"] == [
        {
            "index": "1",
            "name": "Nguyễn Thị Lan",
            "post": "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
            "summary": "Nguyễn Thị Lan: hoàn thành xuất sắc nhiệm vụ năm 2024.",
        },
        {
            "index": "2",
            "name": "Lê Văn Minh",
            "post": "Sở Nội vụ tỉnh Thái Nguyên",
            "summary": "Lê Văn Minh: hoàn thành xuất sắc nhiệm vụ năm 2024.",
        },
    ]
    assert (letter["body_above"], letter["body"], letter["count"]) == (
        "UBND Tỉnh Thái Nguyên",
        "Sở Nội vụ",
        "2 cá nhân",
    )
    assert report["profile"][:2] == [
        {"label": "Họ và tên", "value": "Nguyễn Thị Lan"},
        {"label": "Năm sinh", "value": "1985"},
    ]
    assert report["subject"] == "Bà Nguyễn Thị Lan, Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên"


# --- the PDF downloads ---------------------------------------------------------------------------------


def test_the_letter_comes_as_pdf_in_the_decree_30_layout(dossier: Dossier, as_user: Any) -> None:
    response = as_user("focal_snv_thai_nguyen").get(letter_url(dossier, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="to-trinh-{dossier.reference}.pdf"'
    )
    pages, text = pdf_text(response.content)
    assert pages == 1
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ NỘI VỤ",
        "Số: /TTr-SNV",
        "Thái Nguyên, ngày tháng năm",
        "TỜ TRÌNH",
        "Về việc đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2024",
        "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên.",
        "Nguyễn Thị Lan",
        "Lê Văn Minh",
        "Hồ sơ kèm theo gồm:",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert words in text, words
    assert_filled(text)


def test_an_achievement_report_comes_as_pdf(lan: DossierRecipient, as_user: Any) -> None:
    response = as_user("officer_thai_nguyen").get(report_url(lan, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-thanh-tich-{lan.dossier.reference}-{lan.pk}.pdf"'
    )
    pages, text = pdf_text(response.content)
    assert pages == 1
    for words in (
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO THÀNH TÍCH",
        "Bà Nguyễn Thị Lan, Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Dân tộc: Tày",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Hoàn thành xuất sắc nhiệm vụ được giao.",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "(Không có)",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
    ):
        assert words in text, words
    assert "019185000123" not in text  # the ID number is not part of the report
    assert_filled(text)


def test_the_docx_downloads_still_come_from_the_service(
    dossier: Dossier, lan: DossierRecipient, as_user: Any
) -> None:
    client = as_user("focal_snv_thai_nguyen")

    letter = client.get(letter_url(dossier, "docx"))
    report = client.get(report_url(lan, "docx"))

    assert (letter["Content-Type"], report["Content-Type"]) == (DOCX_TYPE, DOCX_TYPE)
    assert "TỜ TRÌNH" in docx_text(letter.content)
    assert "BÁO CÁO THÀNH TÍCH" in docx_text(report.content)
    assert_filled(docx_text(letter.content) + docx_text(report.content))


def test_the_detail_pages_link_the_pdfs(
    dossier: Dossier, lan: DossierRecipient, as_user: Any
) -> None:
    client = as_user("focal_snv_thai_nguyen")

    detail = client.get(reverse("dossiers:dossier-detail", args=[dossier.pk])).content.decode()
    recipient = client.get(reverse("dossiers:recipient-edit", args=[lan.pk])).content.decode()

    assert f'href="{letter_url(dossier, "pdf")}"' in detail
    assert f'href="{report_url(lan, "pdf")}"' in detail
    assert f'href="{report_url(lan, "pdf")}"' in recipient


# --- templates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [documents.LETTER_KEY, documents.REPORT_KEY])
def test_the_starting_templates_are_accepted_as_they_are(db: Any, key: str) -> None:
    kind = registry.get(key)

    templating.check(starters.starter(kind), kind)  # no error


def template(*paragraphs: str) -> SimpleUploadedFile:
    doc = open_docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile("mau.docx", out.getvalue(), content_type=DOCX_TYPE)


def test_the_provinces_template_makes_its_departments_letters(
    dossier: Dossier, lan: DossierRecipient, officer_thai_nguyen: User, thai_nguyen: Org
) -> None:
    document_services.template_upload(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        kind=documents.LETTER_KEY,
        upload=template(
            "TỜ TRÌNH RIÊNG {{ reference }}",
            "{% for item in recipients %}{{ item.name }};{% endfor %}",
        ),
    )
    document_services.template_upload(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        kind=documents.REPORT_KEY,
        upload=template("BÁO CÁO RIÊNG: {{ name }} ({{ award }})"),
    )

    letter = documents.submission_letter(dossier)
    report = documents.achievement_report(lan)
    _pages, pdf = pdf_text(documents.submission_letter(dossier, fmt="pdf"))

    assert docx_text(letter) == (f"TỜ TRÌNH RIÊNG {dossier.reference}\nNguyễn Thị Lan;Lê Văn Minh;")
    assert docx_text(report) == (
        "BÁO CÁO RIÊNG: Nguyễn Thị Lan (danh hiệu Chiến sĩ thi đua cơ sở năm 2024)"
    )
    assert pdf == f"TỜ TRÌNH RIÊNG {dossier.reference} Nguyễn Thị Lan;Lê Văn Minh;"


# --- who may -------------------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds asked of the document service."""
    asked: list[str] = []
    real = document_service.render_kind

    def render(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(document_service, "render_kind", render)
    return asked


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 403),  # no role for dossiers at all
        ("member_bac_kan", 404),
        ("secretariat_bac_giang", 404),
        ("council_member", 404),
    ],
)
def test_those_who_do_not_see_the_dossier_get_no_pdf(
    dossier: Dossier,
    lan: DossierRecipient,
    as_user: Any,
    persona: str,
    status: int,
    spy: list[str],
) -> None:
    client = as_user(persona)

    assert client.get(letter_url(dossier, "pdf")).status_code == status
    assert client.get(report_url(lan, "pdf")).status_code == status
    assert spy == []


def test_a_removed_recipients_report_is_not_made_and_a_pdf_is_not_posted(
    dossier: Dossier, lan: DossierRecipient, as_user: Any, admin_user: User, spy: list[str]
) -> None:
    services.recipient_remove(actor=admin_user, recipient=lan, reason="Không đủ điều kiện")
    client = as_user("focal_snv_thai_nguyen")

    assert client.get(report_url(lan, "pdf")).status_code == 404
    assert client.post(letter_url(dossier, "pdf"), {"attach": "1"}).status_code == 405
    assert spy == []
    assert client.get(letter_url(dossier, "docx")).status_code == 200
    assert spy == [documents.LETTER_KEY]


# --- queries ----------------------------------------------------------------------------------------------


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_letters_queries_do_not_grow_with_the_recipients(
    cstd_dossier: Callable[..., Dossier], snv_thai_nguyen: Org, as_user: Any
) -> None:
    people = [
        person_create(
            actor=None,
            full_name=f"Hoàng Văn Số {i}",
            gender="M",
            birth_year=1980 + i,
            category=Category.WORKER,
            unit=snv_thai_nguyen,
        )
        for i in range(8)
    ]
    small, large = cstd_dossier(people[:2]), cstd_dossier(people[2:])
    client = as_user("focal_snv_thai_nguyen")

    assert queries(client, letter_url(small, "docx")) == queries(client, letter_url(large, "docx"))
    recipient = large.recipients.first()
    assert recipient is not None
    assert queries(client, report_url(recipient, "docx")) <= 30
