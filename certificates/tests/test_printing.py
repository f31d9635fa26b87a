"""Printing a decision's certificates: one PDF page per recipient in force, each with its name
(diacritics intact), its unit at the time, its code and a QR code of its verify page; codes issued
once and kept on every reprint; every recipient of the decision, printed by those who act for its
issuer; the PDF and the DOCX through the document service (the issuer's template when it has
one); printing is a POST; who may print (a refused request changes nothing); the decision page's
queries."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role, User
from certificates import documents, rules, services
from certificates.models import Certificate
from certificates.tests.conftest import LONG_COLLECTIVE, World, keeper, person
from conftest import make_user
from core.models import AuditEvent
from documents import registry, starters
from documents.service import render_kind
from orgs.models import Org
from people.services import person_transfer
from register import services as register_services
from register.models import Record

IN_FORCE = ["Nguyễn Thị Lan", "Đặng Quốc Hưng", LONG_COLLECTIVE, "Lương Thị Ngọc Ánh"]
CODE_TEXT = re.compile(r"TD-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def print_pdf(client: Client, world: World) -> Any:
    return client.post(reverse("certificates:print", args=[world.decision.pk]))


def print_docx(client: Client, world: World) -> Any:
    return client.post(reverse("certificates:print-docx", args=[world.decision.pk]))


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def codes_by_record(world: World) -> dict[int, str]:
    return {
        c.record_id: c.display_code
        for c in Certificate.objects.filter(record__decision=world.decision)
    }


def state() -> tuple[Any, ...]:
    return (list(Certificate.objects.order_by("pk").values()), AuditEvent.objects.count())


# --- the PDF ---------------------------------------------------------------------------------


def test_it_prints_a_page_per_recipient_in_force(world: World, as_user: Any) -> None:
    response = print_pdf(as_user("officer_thai_nguyen"), world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="chung-nhan-1520-qd-ubnd.pdf"'
    texts = pages_text(response.content)
    assert len(texts) == 4
    codes = codes_by_record(world)
    assert set(codes) == {world.lan.pk, world.hung.pk, world.room.pk, world.anh.pk}
    records = [world.lan, world.hung, world.room, world.anh]
    for text, name, record in zip(texts, IN_FORCE, records, strict=True):
        flat = " ".join(text.split())
        assert name in flat
        assert codes[record.pk] in flat
        assert "1520/QĐ-UBND" in flat
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
        assert "Độc lập - Tự do - Hạnh phúc" in flat
        assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" in flat
        assert "Thái Nguyên, ngày 20 tháng 12 năm 2024" in flat
        assert "Trịnh Việt Hùng" in flat
        assert "Phùng Thị Thu" not in flat  # revoked: not printed
        assert CODE_TEXT.findall(flat) == [codes[record.pk]]
    assert "BẰNG KHEN" in texts[0]
    assert "TẶNG" in texts[0]
    assert "Bà Nguyễn Thị Lan" in " ".join(texts[0].split())
    assert "Ông Đặng Quốc Hưng" in " ".join(texts[1].split())
    assert "Đơn vị: Sở Nội vụ tỉnh Bắc Kạn" in " ".join(texts[1].split())
    assert "Trực thuộc: Sở Nội vụ tỉnh Thái Nguyên" in " ".join(texts[2].split())
    assert "GIẤY CHỨNG NHẬN" in texts[3]
    assert "TẶNG" not in texts[3]
    assert "Đạt danh hiệu “Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh” năm 2024" in " ".join(
        texts[3].split()
    )


def move_lan_to_bac_giang_and_forget_her_unit_at_the_time(world: World, to_unit: Org) -> None:
    """Lan has moved to Bắc Giang since, and her record (an old import) does not say where she
    worked when the decision was made."""
    assert world.lan.person is not None
    person_transfer(
        actor=keeper(), person=world.lan.person, to_unit=to_unit, start_date=dt.date(2025, 3, 1)
    )
    Record.objects.filter(pk=world.lan.pk).update(unit=None)


def test_a_certificate_prints_the_unit_at_the_time_and_no_unit_when_unknown(
    world: World, as_user: Any, snv_bac_giang: Org
) -> None:
    # Given Hưng, who has moved to Bắc Giang since, and Lan, whose unit at the time is unknown
    assert world.hung.person is not None
    person_transfer(
        actor=keeper(),
        person=world.hung.person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2025, 3, 1),
    )
    move_lan_to_bac_giang_and_forget_her_unit_at_the_time(world, snv_bac_giang)
    client = as_user("officer_thai_nguyen")

    # When the certificates are printed, as PDF and as DOCX
    texts = [" ".join(t.split()) for t in pages_text(print_pdf(client, world).content)]
    document = docx.Document(io.BytesIO(print_docx(client, world).content))
    lines = [p.text for p in document.paragraphs]

    # Then Hưng's shows the unit he worked in then; Lan's has no unit line at all
    assert "Đơn vị: Sở Nội vụ tỉnh Bắc Kạn" in texts[1]
    assert "Bắc Giang" not in texts[1]
    assert "Bà Nguyễn Thị Lan" in texts[0]
    assert "Đơn vị" not in texts[0]
    assert "Bắc Giang" not in texts[0]
    assert "Đơn vị: Sở Nội vụ tỉnh Bắc Kạn" in lines
    assert [line for line in lines if line.startswith("Đơn vị")] == [
        "Đơn vị: Sở Nội vụ tỉnh Bắc Kạn",
        "Đơn vị: Sở Nội vụ tỉnh Thái Nguyên",  # Ánh's
    ]
    assert not any("Bắc Giang" in line for line in lines)


def test_the_pages_are_a4_landscape(world: World, as_user: Any) -> None:
    reader = PdfReader(io.BytesIO(print_pdf(as_user("officer_thai_nguyen"), world).content))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)


def test_a_long_name_and_summary_still_take_one_page_each(world: World, as_user: Any) -> None:
    world.decision.summary = ("Đã có thành tích xuất sắc trong phong trào thi đua yêu nước, " * 9)[
        :500
    ]
    world.decision.signer_title = "Phó Chủ tịch Thường trực"
    world.decision.save()
    lan = world.lan.person
    assert lan is not None
    lan.full_name = ("Nguyễn Hoàng Phương Thảo Tôn Nữ Thị Quỳnh Hương " * 4)[:150]
    lan.save()
    texts = pages_text(print_pdf(as_user("officer_thai_nguyen"), world).content)
    assert len(texts) == 4
    first = " ".join(texts[0].split())
    assert "KT. CHỦ TỊCH" in first
    assert "PHÓ CHỦ TỊCH THƯỜNG TRỰC" in first
    assert "Nguyễn Hoàng Phương Thảo Tôn Nữ Thị Quỳnh Hương" in first


PDFTOPPM, ZBARIMG = shutil.which("pdftoppm"), shutil.which("zbarimg")


@pytest.mark.skipif(
    not (PDFTOPPM and ZBARIMG),
    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)",
)
def test_each_qr_code_reads_as_its_verify_page(
    world: World, as_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://thidua.example.gov.vn/"
    content = print_pdf(as_user("officer_thai_nguyen"), world).content
    (tmp_path / "c.pdf").write_bytes(content)
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(PDFTOPPM), "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "page")],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 4
    codes = codes_by_record(world)
    expected = [codes[r.pk] for r in (world.lan, world.hung, world.room, world.anh)]
    read = []
    for image in images:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [str(ZBARIMG), "--raw", "-q", str(image)], capture_output=True, text=True, check=False
        )
        read.append(result.stdout.strip())
    assert read == [f"https://thidua.example.gov.vn/verify/{code}/" for code in expected]


def test_the_printed_address_comes_from_the_request_without_a_public_base_url(
    world: World, as_user: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = ""
    texts = pages_text(print_pdf(as_user("officer_thai_nguyen"), world).content)
    assert "http://testserver/verify/" in texts[0]


# --- codes: once, stable, unique ----------------------------------------------------------------


def test_codes_are_issued_once_and_stay_the_same_on_every_reprint(
    world: World, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    first = print_pdf(client, world)
    codes = codes_by_record(world)
    second = print_pdf(client, world)
    assert codes_by_record(world) == codes
    assert [CODE_TEXT.findall(t) for t in pages_text(first.content)] == [
        CODE_TEXT.findall(t) for t in pages_text(second.content)
    ]
    assert len(set(codes.values())) == 4
    assert sorted(Certificate.objects.values_list("times_printed", flat=True)) == [2, 2, 2, 2]
    issued = AuditEvent.objects.filter(action="certificates.certificate.issued")
    assert issued.count() == 4
    assert {e.changes["code"][1] for e in issued} == set(codes.values())
    printed = AuditEvent.objects.filter(action="certificates.certificate.printed")
    assert [e.changes for e in printed.order_by("pk")] == [
        {"format": [None, "pdf"], "certificates": [None, 4]}
    ] * 2


def test_a_recipient_added_later_gets_a_new_code_and_the_others_keep_theirs(
    world: World, as_user: Any, snv_thai_nguyen: Org
) -> None:
    client = as_user("officer_thai_nguyen")
    print_pdf(client, world)
    codes = codes_by_record(world)
    later = register_services.record_add(
        actor=keeper(),
        decision=world.decision,
        code="GK",
        year=2024,
        person=person("Vi Thị Hoa", snv_thai_nguyen, birth_year=1992),
    )
    texts = pages_text(print_pdf(client, world).content)
    assert len(texts) == 5
    now = codes_by_record(world)
    assert {k: v for k, v in now.items() if k != later.pk} == codes
    assert now[later.pk] not in codes.values()
    assert "GIẤY KHEN" in texts[4]


def test_a_drawn_code_already_issued_is_drawn_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = Certificate.objects.create(
        record=world.lan, code=rules.code_from_int(7), issued_at=world.decision.created_at
    )
    draws = iter([7, 7, 8, 9, 10])
    monkeypatch.setattr(services.secrets, "randbits", lambda bits: next(draws))
    created = services.certificates_issue(actor=keeper(), decision=world.decision)
    assert sorted(c.code for c in created) == [rules.code_from_int(n) for n in (8, 9, 10)]
    assert Certificate.objects.get(pk=taken.pk).code == rules.code_from_int(7)
    assert Certificate.objects.count() == 4  # Lan's code stays; the three others are new


def test_the_issuers_officer_prints_every_recipient_wherever_they_work_now(
    world: World, as_user: Any, person_bac_giang: Any, snv_bac_giang: Org
) -> None:
    # Given a recipient who works in Bắc Giang and one who has moved there since the decision
    other = register_services.record_add(
        actor=keeper(), decision=world.decision, code="BK_BO", year=2024, person=person_bac_giang
    )
    assert world.lan.person is not None
    person_transfer(
        actor=keeper(),
        person=world.lan.person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2025, 3, 1),
    )
    client = as_user("officer_thai_nguyen")

    # When Thái Nguyên's officer prints the province's decision
    texts = pages_text(print_pdf(client, world).content)

    # Then both are printed, each with the unit they worked in when the decision was made
    assert len(texts) == 5
    flat = [" ".join(t.split()) for t in texts]
    assert "Bà Nguyễn Thị Lan" in flat[0]
    assert "Đơn vị: Sở Nội vụ tỉnh Thái Nguyên" in flat[0]
    assert "Bắc Giang" not in flat[0]
    assert "Ông Trần Văn Hùng" in flat[4]
    assert "Đơn vị: Sở Nội vụ tỉnh Bắc Giang" in flat[4]
    assert set(codes_by_record(world)) == {
        world.lan.pk,
        world.hung.pk,
        world.room.pk,
        world.anh.pk,
        other.pk,
    }
    page = client.get(reverse("certificates:decision", args=[world.decision.pk]))
    assert [row["name"] for row in page.context["rows"]] == [
        *IN_FORCE,
        "Phùng Thị Thu",
        "Trần Văn Hùng",
    ]


def test_nothing_to_print_sends_back_to_the_decision_page(world: World, as_user: Any) -> None:
    for record in (world.lan, world.hung, world.room, world.anh):
        register_services.record_revoke(
            actor=keeper(),
            record=record,
            reason="Thu hồi",
            decision_number="90/QĐ-UBND",
            decision_date=world.decision.date,
        )
    client = as_user("officer_thai_nguyen")
    before = state()
    response = print_pdf(client, world)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:decision", args=[world.decision.pk])
    assert state() == before


# --- the decision page -------------------------------------------------------------------------


def test_the_decision_page_lists_recipients_with_their_codes(world: World, as_user: Any) -> None:
    client = as_user("officer_thai_nguyen")
    url = reverse("certificates:decision", args=[world.decision.pk])
    page = client.get(url).content.decode()
    # Printing is a POST: the buttons of a form with the page's CSRF token.
    pdf, docx_url = (
        reverse(path, args=[world.decision.pk])
        for path in ("certificates:print", "certificates:print-docx")
    )
    form = re.search(
        rf'<form method="post" action="{pdf}" class="actions">(.*?)</form>', page, re.S
    )
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert '<button class="button" type="submit">' in form.group(1)
    assert f'type="submit" formaction="{docx_url}">' in form.group(1)
    assert f'href="{pdf}"' not in page and f'href="{docx_url}"' not in page
    assert not CODE_TEXT.findall(page)  # no code before the first printing
    print_pdf(client, world)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert set(CODE_TEXT.findall(page)) == set(codes_by_record(world).values())
    assert response.context["in_force"] == 4
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["Phùng Thị Thu"]["record"].revoked is True
    assert rows["Phùng Thị Thu"]["code"] == ""
    assert rows["Nguyễn Thị Lan"]["paper"] == "Bằng khen"
    assert rows["Lương Thị Ngọc Ánh"]["paper"] == "Giấy chứng nhận"
    assert rows["Nguyễn Thị Lan"]["times_printed"] == 1
    assert '<tr class="revoked">' in page


def test_the_decision_page_needs_the_same_queries_for_more_recipients(
    world: World,
    as_user: Any,
    snv_thai_nguyen: Org,
    django_assert_max_num_queries: Any,
) -> None:
    client = as_user("officer_thai_nguyen")
    url = reverse("certificates:decision", args=[world.decision.pk])
    print_pdf(client, world)
    with django_assert_max_num_queries(10):
        client.get(url)
    for i in range(6):
        register_services.record_add(
            actor=keeper(),
            decision=world.decision,
            code="GK",
            year=2024,
            person=person(f"Hà Văn Nam {i}", snv_thai_nguyen, gender="M", birth_year=1980 + i),
        )
    print_pdf(client, world)
    with django_assert_max_num_queries(10):
        assert len(client.get(url).context["rows"]) == 11


# --- the DOCX ----------------------------------------------------------------------------------


def test_the_docx_has_a_page_and_a_qr_code_per_recipient(world: World, as_user: Any) -> None:
    client = as_user("officer_thai_nguyen")
    response = print_docx(client, world)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="chung-nhan-1520-qd-ubnd.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    codes = codes_by_record(world)
    for name in IN_FORCE:
        assert name in text
    for code in codes.values():
        assert f"Mã xác thực: {code}" in text
    assert "Phùng Thị Thu" not in text
    assert len(document.inline_shapes) == 4
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        body = package.read("word/document.xml")
    assert body.count(b'w:type="page"') == 3
    section = document.sections[0]
    assert (section.page_width or 0) > (section.page_height or 0)  # landscape
    assert AuditEvent.objects.filter(
        action="certificates.certificate.printed", changes__format=[None, "docx"]
    ).exists()


def test_the_kind_is_registered_with_the_document_service() -> None:
    kind = registry.get("certificate")
    assert kind.pdf is documents.pdf
    assert kind.build is documents.build
    example = documents.build(kind.example_context())
    assert example.landscape is True
    assert "Nguyễn Thị Lan" in example.text()
    assert "TD-7K3M-9QXA-2F8B" in example.text()
    assert starters.starter(kind).startswith(b"PK")  # a template to start from
    content, content_type, name = render_kind("certificate", kind.example_context(), fmt="pdf")
    assert (content[:5], content_type, name) == (
        b"%PDF-",
        "application/pdf",
        "chung-nhan-1520-qd-ubnd.pdf",
    )
    assert len(pages_text(content)) == 1


def test_the_context_is_made_of_plain_values(world: World, rf: Any) -> None:
    services.certificates_issue(actor=keeper(), decision=world.decision)
    records = list(
        world.decision.records.filter(revoked=False).select_related("certificate").order_by("pk")
    )
    context = documents.certificate_context(world.decision, records, rf.get("/"))
    first = context["certificates"][0]
    assert first["qr_png"] == documents.qr_png(first["verify_url"])
    assert first["qr_png"].width_cm == 2.5  # a picture a template prints 2.5 cm wide
    assert first["verify_url"] == f"http://testserver/verify/{first['code']}/"
    assert {k: v for k, v in first.items() if k not in {"qr_png", "code", "verify_url"}} == {
        "paper": "BẰNG KHEN",
        "give": "TẶNG",
        "salutation": "Bà",
        "name": "Nguyễn Thị Lan",
        "unit": "Sở Nội vụ tỉnh Thái Nguyên",
        "unit_line": "Đơn vị: Sở Nội vụ tỉnh Thái Nguyên",
        "collective": False,
        "award": "Bằng khen cấp bộ, ban, ngành, tỉnh",
        "year": "2024",
        "achievement": "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
    }
    assert {k: v for k, v in context.items() if k != "certificates"} == {
        "decision_number": "1520/QĐ-UBND",
        "decision_date": "20/12/2024",
        "issuer": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "place_date": "Thái Nguyên, ngày 20 tháng 12 năm 2024",
        "signer": "Trịnh Việt Hùng",
        "signer_on_behalf": "",
        "signer_title": "CHỦ TỊCH",
        "verify_form_url": "http://testserver/verify/",
    }


# --- who may print ------------------------------------------------------------------------------

PATHS = ["certificates:decision", "certificates:print", "certificates:print-docx"]


def request(client: Client, path: str, world: World) -> Any:
    """The page with a GET, printing with a POST (as the page's buttons do)."""
    url = reverse(path, args=[world.decision.pk])
    return client.get(url) if path == "certificates:decision" else client.post(url)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "persona", ["member_bac_kan", "viewer_bac_giang", "outsider", "council_member"]
)
def test_those_without_the_print_right_are_refused(
    world: World, as_user: Any, persona: str, path: str
) -> None:
    client = as_user(persona)
    before = state()
    response = request(client, path, world)
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("path", PATHS)
def test_an_officer_of_another_province_does_not_find_the_decision(
    world: World, as_user: Any, officer_bac_giang: User, path: str
) -> None:
    client = Client()
    client.force_login(officer_bac_giang)
    before = state()
    assert request(client, path, world).status_code == 404
    assert state() == before


@pytest.mark.parametrize("path", PATHS)
def test_the_officer_of_where_a_recipient_moved_does_not_print_the_decision(
    world: World, officer_bac_giang: User, snv_bac_giang: Org, path: str
) -> None:
    # Given a recipient of Thái Nguyên's decision who has moved to Bắc Giang since
    assert world.lan.person is not None
    person_transfer(
        actor=keeper(),
        person=world.lan.person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2025, 3, 1),
    )
    client = Client()
    client.force_login(officer_bac_giang)
    before = state()

    # When Bắc Giang's officer opens the certificates or prints them
    response = request(client, path, world)

    # Then the decision is not theirs to print: not found, no code issued, nothing counted
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("path", PATHS)
def test_an_officer_below_the_issuer_does_not_print_its_decision(
    world: World, snv_thai_nguyen: Org, path: str
) -> None:
    # Sở Nội vụ's officer does not sign for the province's People's Committee.
    client = Client()
    client.force_login(make_user("canbo.snv.thainguyen", Role.OFFICER, snv_thai_nguyen))
    before = state()
    assert request(client, path, world).status_code == 404
    assert state() == before


@pytest.mark.parametrize("path", PATHS)
def test_an_anonymous_visitor_is_sent_to_sign_in(world: World, path: str) -> None:
    before = state()
    response = request(Client(), path, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert state() == before


@pytest.mark.parametrize("path", ["certificates:print", "certificates:print-docx"])
def test_a_get_of_a_print_address_prints_nothing_and_goes_back_to_the_page(
    world: World, as_user: Any, path: str
) -> None:
    # A link or a picture on another site cannot issue codes or count prints.
    client = as_user("officer_thai_nguyen")
    before = state()
    response = client.get(reverse(path, args=[world.decision.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:decision", args=[world.decision.pk])
    assert state() == before
    assert Certificate.objects.count() == 0


def test_printing_needs_the_pages_csrf_token(world: World, officer_thai_nguyen: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thai_nguyen)
    before = state()
    forged = client.post(reverse("certificates:print", args=[world.decision.pk]))
    assert forged.status_code == 403
    assert state() == before
    page = client.get(reverse("certificates:decision", args=[world.decision.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        reverse("certificates:print", args=[world.decision.pk]),
        {"csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_an_unknown_decision_is_not_found(world: World, as_user: Any) -> None:
    assert as_user("admin_user").post(reverse("certificates:print", args=[999999])).status_code == (
        404
    )


def test_the_service_refuses_who_may_not_print(
    world: World, member_bac_kan: User, officer_bac_giang: User
) -> None:
    before = state()
    for actor in (member_bac_kan, officer_bac_giang):
        with pytest.raises(PermissionDenied):
            services.certificates_issue(actor=actor, decision=world.decision)
        with pytest.raises(PermissionDenied):
            services.certificates_printed(
                actor=actor, decision=world.decision, certificates=[], fmt="pdf"
            )
    assert state() == before


def test_an_administrator_prints_everything(
    world: World, as_user: Any, person_bac_giang: Any
) -> None:
    register_services.record_add(
        actor=keeper(), decision=world.decision, code="BK_BO", year=2024, person=person_bac_giang
    )
    assert len(pages_text(print_pdf(as_user("admin_user"), world).content)) == 5
