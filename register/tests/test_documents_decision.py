"""A commendation decision (quyết định khen thưởng) through the document service: amounts in
figures and words, the legal basis by date, the context as plain Vietnamese text, the DOCX and the
PDF read back (python-docx, pypdf), a long list spanning pages with its table header repeated, the
starting template, the issuer's own template, who may have it (nobody else gets anything made,
and each sees the recipients the decision's page shows them) and queries that do not grow with
the recipients.

Ủy ban nhân dân tỉnh Thái Nguyên decides on 20/12/2024 (No. 1520/QĐ-UBND, signed by its Vice
Chairman Trịnh Việt Hùng) to award Sở Nội vụ the title Tập thể lao động xuất sắc and Nguyễn Thị Lan
the province's Bằng khen, each with 3.510.000 đồng.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from accounts.models import User
from core.text import number_text
from documents import registry, starters, templating
from documents import services as document_services
from orgs.models import Org
from people.models import Category, Person
from people.services import person_create
from register import documents, views_documents
from register import services as register
from register.models import Decision

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AWARD = "3.510.000"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def decision(
    officer_thai_nguyen: User, thai_nguyen: Org, snv_thai_nguyen: Org, person_thai_nguyen: Person
) -> Decision:
    decision = register.decision_create(
        actor=officer_thai_nguyen,
        number="1520/QĐ-UBND",
        date=dt.date(2024, 12, 20),
        issuer=thai_nguyen,
        signer="Trịnh Việt Hùng",
        signer_title="Phó Chủ tịch",
        summary="Đã có thành tích xuất sắc trong công tác thi đua, khen thưởng năm 2024",
    )
    register.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="TTLDXS",
        year=2024,
        org=snv_thai_nguyen,
        amount=3_510_000,
    )
    register.record_add(
        actor=officer_thai_nguyen,
        decision=decision,
        code="BK_BO",
        year=2024,
        person=person_thai_nguyen,
        amount=3_510_000,
    )
    return decision


def people(unit: Org, count: int, first: int = 1) -> list[Person]:
    return [
        person_create(
            actor=None,
            full_name=f"Hoàng Văn Số {i:02d}",
            gender="M",
            birth_year=1970 + i % 30,
            position="Chuyên viên",
            category=Category.WORKER,
            unit=unit,
        )
        for i in range(first, first + count)
    ]


def long_decision(
    actor: User, issuer: Org, unit: Org, count: int, number: str, first: int = 1
) -> Decision:
    decision = register.decision_create(
        actor=actor,
        number=number,
        date=dt.date(2025, 4, 28),
        issuer=issuer,
        signer="Trịnh Việt Hùng",
    )
    for person in people(unit, count, first):
        register.record_add(
            actor=actor, decision=decision, code="BK_BO", year=2024, person=person, amount=3_510_000
        )
    return decision


def url(decision: Decision, fmt: str) -> str:
    return reverse("register:decision-document", args=[decision.pk, fmt])


def docx_lines(content: bytes) -> list[str]:
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return lines


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages]


def assert_filled(text: str) -> None:
    for gap in ("{{", "{%", "}}", "None", "\u27e6"):
        assert gap not in text, gap


# --- amounts and the legal basis (no database) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "figures", "words"),
    [
        (0, "0", "Không đồng"),
        (15, "15", "Mười lăm đồng"),
        (21, "21", "Hai mươi mốt đồng"),
        (105, "105", "Một trăm linh năm đồng"),
        (1_005_000, "1.005.000", "Một triệu không trăm linh năm nghìn đồng"),
        (2_340_000, "2.340.000", "Hai triệu ba trăm bốn mươi nghìn đồng"),
        (7_020_000, "7.020.000", "Bảy triệu không trăm hai mươi nghìn đồng"),
        (210_600_000, "210.600.000", "Hai trăm mười triệu sáu trăm nghìn đồng"),
        (2_500_000_000, "2.500.000.000", "Hai tỷ năm trăm triệu đồng"),
        (1_200_000_000_000, "1.200.000.000.000", "Một nghìn hai trăm tỷ đồng"),
    ],
)
def test_amounts_are_written_in_figures_and_words(amount: int, figures: str, words: str) -> None:
    assert number_text(amount) == figures
    assert documents.amount_words(amount) == words


@pytest.mark.parametrize(
    ("day", "law", "decree"),
    [
        (dt.date(2023, 12, 31), "ngày 26 tháng 11 năm 2003", "91/2017/NĐ-CP"),
        (dt.date(2024, 1, 1), "số 06/2022/QH15", "98/2023/NĐ-CP"),
        (dt.date(2025, 6, 30), "số 06/2022/QH15", "98/2023/NĐ-CP"),
        (dt.date(2025, 7, 1), "số 06/2022/QH15", "152/2025/NĐ-CP"),
    ],
)
def test_the_legal_basis_is_the_one_in_force_on_the_day(
    day: dt.date, law: str, decree: str
) -> None:
    lines = documents.basis_lines(day, "Ủy ban nhân dân tỉnh Thái Nguyên")

    assert len(lines) == 4
    assert lines[0].startswith("Căn cứ …") and lines[0].endswith(
        "quy định chức năng, nhiệm vụ, quyền hạn của Ủy ban nhân dân tỉnh Thái Nguyên;"
    )
    assert law in lines[1] and decree in lines[2]
    assert lines[3] == f"Xét đề nghị của {documents.DOTS}."


# --- the context and the files ----------------------------------------------------------------------------


def test_the_context_is_plain_vietnamese_text(decision: Decision) -> None:
    records = list(decision.records.select_related("person__unit", "org__parent", "unit"))

    context = documents.decision_context(decision, sorted(records, key=lambda r: r.pk))

    assert list(context) == registry.get(documents.KEY).field_keys
    assert {k: v for k, v in context.items() if k not in ("basis", "recipients")} == {
        "body_above": "",
        "body": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "decision_number": "1520/QĐ-UBND",
        "number": "Số: 1520/QĐ-UBND",
        "place_date": "Thái Nguyên, ngày 20 tháng 12 năm 2024",
        "award": "danh hiệu Tập thể lao động xuất sắc và Bằng khen cấp bộ, ban, ngành, tỉnh",
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "count": "1 tập thể và 1 cá nhân",
        "achievement": "đã có thành tích xuất sắc trong công tác thi đua, khen thưởng năm 2024",
        "total": "7.020.000",
        "total_words": "Bảy triệu không trăm hai mươi nghìn đồng",
        "fund": "Quỹ thi đua, khen thưởng của Ủy ban nhân dân tỉnh Thái Nguyên",
        "signer_on_behalf": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer": "Trịnh Việt Hùng",
        "archive": "- Lưu: VT, UBND.",
    }
    assert context["recipients"] == [
        {
            "index": "1",
            "name": "Sở Nội vụ tỉnh Thái Nguyên",
            "unit": "Tỉnh Thái Nguyên",
            "award": "Tập thể lao động xuất sắc",
            "amount": AWARD,
        },
        {
            "index": "2",
            "name": "Bà Nguyễn Thị Lan",
            "unit": "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
            "award": "Bằng khen cấp bộ, ban, ngành, tỉnh",
            "amount": AWARD,
        },
    ]
    assert [line["text"] for line in context["basis"]] == documents.basis_lines(
        dt.date(2024, 12, 20), "Ủy ban nhân dân tỉnh Thái Nguyên"
    )


def test_the_decision_comes_as_docx_in_the_decree_30_layout(
    decision: Decision, as_user: Any
) -> None:
    response = as_user("officer_thai_nguyen").get(url(decision, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="quyet-dinh-1520-qd-ubnd.docx"'
    )
    lines = docx_lines(response.content)
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 1520/QĐ-UBND",
        "Thái Nguyên, ngày 20 tháng 12 năm 2024",
        "QUYẾT ĐỊNH",
        "Về việc tặng danh hiệu Tập thể lao động xuất sắc và Bằng khen cấp bộ, ban, ngành, tỉnh",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Tặng danh hiệu Tập thể lao động xuất sắc và Bằng khen cấp bộ, ban, ngành, tỉnh "
        "cho 1 tập thể và 1 cá nhân đã có thành tích xuất sắc trong công tác thi đua, khen "
        "thưởng năm 2024, gồm:",
        "Bà Nguyễn Thị Lan",
        "Tổng cộng",
        "7.020.000",
        "Điều 2. Tiền thưởng kèm theo: tổng cộng 7.020.000 đồng (bằng chữ: Bảy triệu không trăm "
        "hai mươi nghìn đồng), chi từ Quỹ thi đua, khen thưởng của Ủy ban nhân dân tỉnh Thái "
        "Nguyên.",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT, UBND.",
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "Trịnh Việt Hùng",
    ):
        assert line in lines, line
    assert any(
        line.startswith("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.") for line in lines
    )
    assert_filled("\n".join(lines))


def test_the_decision_comes_as_pdf_with_its_diacritics_intact(
    decision: Decision, as_user: Any
) -> None:
    response = as_user("officer_thai_nguyen").get(url(decision, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 20 tháng 12 năm 2024",
        "QUYẾT ĐỊNH",
        "Bà Nguyễn Thị Lan",
        "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",  # on two lines
        "Trịnh Việt Hùng",
    ):
        assert words in pages[0], words
    assert_filled(pages[0])


def test_sixty_recipients_span_pages_with_the_table_header_on_each(
    officer_thai_nguyen: User, thai_nguyen: Org, snv_thai_nguyen: Org, as_user: Any
) -> None:
    decision = long_decision(officer_thai_nguyen, thai_nguyen, snv_thai_nguyen, 60, "77/QĐ-UBND")
    client = as_user("officer_thai_nguyen")

    pages = pdf_pages(client.get(url(decision, "pdf")).content)
    docx = open_docx(io.BytesIO(client.get(url(decision, "docx")).content))

    assert len(pages) == 4
    with_rows = [page for page in pages if "Hoàng Văn Số" in page]
    assert len(with_rows) == 3
    for page in with_rows:
        assert "STT Tập thể, cá nhân Chức vụ, đơn vị Danh hiệu, hình thức Số tiền (đồng)" in page
    assert "Ông Hoàng Văn Số 60" in with_rows[-1]
    text = " ".join(pages)
    assert "tổng cộng 210.600.000 đồng (bằng chữ: Hai trăm mười triệu sáu trăm nghìn đồng)" in text
    assert "ngày 28 tháng 4 năm 2025" in text and "98/2023/NĐ-CP" in text
    grid = docx.tables[1]
    assert len(grid.rows) == 62  # the header, 60 recipients, the total
    header = grid.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None  # on each page
    assert_filled(text)


def test_the_decisions_page_links_its_documents_and_keeps_the_certificates(
    decision: Decision, as_user: Any
) -> None:
    html = (
        as_user("officer_thai_nguyen")
        .get(reverse("register:decision-detail", args=[decision.pk]))
        .content.decode()
    )

    top = html[: html.index('id="rec-h"')]
    assert f'href="{url(decision, "docx")}"' in top
    assert f'href="{url(decision, "pdf")}"' in top
    assert f'href="{reverse("certificates:decision", args=[decision.pk])}"' in top


# --- templates ------------------------------------------------------------------------------------------


def test_the_starting_template_is_accepted_as_it_is(db: Any) -> None:
    kind = registry.get(documents.KEY)

    content = starters.starter(kind)

    templating.check(content, kind)  # no error
    assert "{%tr for item in recipients %}" in "\n".join(docx_lines(content))


def test_the_issuers_own_template_makes_its_decisions(
    decision: Decision, officer_thai_nguyen: User, thai_nguyen: Org, as_user: Any
) -> None:
    doc = open_docx()
    doc.add_paragraph("QUYẾT ĐỊNH RIÊNG {{ decision_number }}")
    doc.add_paragraph(
        "{% for item in recipients %}{{ item.name }}: {{ item.amount }}; {% endfor %}"
    )
    out = io.BytesIO()
    doc.save(out)
    document_services.template_upload(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        kind=documents.KEY,
        upload=SimpleUploadedFile("mau.docx", out.getvalue(), content_type=DOCX_TYPE),
    )
    client = as_user("officer_thai_nguyen")

    lines = docx_lines(client.get(url(decision, "docx")).content)
    pages = pdf_pages(client.get(url(decision, "pdf")).content)

    expected = f"Sở Nội vụ tỉnh Thái Nguyên: {AWARD}; Bà Nguyễn Thị Lan: {AWARD};"
    assert lines == ["QUYẾT ĐỊNH RIÊNG 1520/QĐ-UBND", f"{expected} "]
    assert pages == [f"QUYẾT ĐỊNH RIÊNG 1520/QĐ-UBND {expected}"]


# --- who may --------------------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds the download view asks the document service for."""
    asked: list[str] = []
    real = views_documents.render_kind

    def render(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(views_documents, "render_kind", render)
    return asked


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 403),  # no role: may not read the register
        ("viewer_bac_giang", 404),
        ("secretariat_bac_giang", 404),
        ("member_bac_kan", 404),
    ],
)
def test_those_who_do_not_see_the_decision_get_nothing(
    decision: Decision, as_user: Any, persona: str, status: int, spy: list[str]
) -> None:
    client = as_user(persona)

    for fmt in ("docx", "pdf"):
        assert client.get(url(decision, fmt)).status_code == status
    assert spy == []


def test_only_docx_or_pdf_and_only_by_get(decision: Decision, as_user: Any, spy: list[str]) -> None:
    client = as_user("officer_thai_nguyen")

    assert client.get(url(decision, "odt")).status_code == 404
    assert client.post(url(decision, "docx")).status_code == 405
    assert spy == []
    assert client.get(url(decision, "docx")).status_code == 200
    assert spy == [documents.KEY]


def test_each_sees_the_recipients_the_decisions_page_shows_them(
    decision: Decision, admin_user: User, person_bac_giang: Person, as_user: Any
) -> None:
    register.record_add(
        actor=admin_user,
        decision=decision,
        code="BK_BO",
        year=2024,
        person=person_bac_giang,
        amount=3_510_000,
    )

    mine = docx_lines(as_user("officer_thai_nguyen").get(url(decision, "docx")).content)
    every = docx_lines(as_user("admin_user").get(url(decision, "docx")).content)

    assert "Ông Trần Văn Hùng" not in mine
    assert "Bà Nguyễn Thị Lan" in mine and "7.020.000" in mine
    assert "Ông Trần Văn Hùng" in every and "10.530.000" in every


# --- queries ------------------------------------------------------------------------------------------------


def test_the_downloads_queries_do_not_grow_with_the_recipients(
    officer_thai_nguyen: User, thai_nguyen: Org, snv_thai_nguyen: Org, as_user: Any
) -> None:
    small = long_decision(officer_thai_nguyen, thai_nguyen, snv_thai_nguyen, 2, "1/QĐ-UBND")
    large = long_decision(
        officer_thai_nguyen, thai_nguyen, snv_thai_nguyen, 40, "2/QĐ-UBND", first=101
    )
    client = as_user("officer_thai_nguyen")

    counts = []
    for decision in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(decision, "docx")).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1] <= 20
