"""Certificates printed from a replacement template (documents/): the starting template has the
QR code's tag where the built-in layout draws it, so the DOCX and the PDF printed from the
issuer's template (or one of a unit above it) carry on each page the recipient's code and the QR
code of its verify page; without a template, the built-in layout."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx.shared import Cm

from accounts.models import User
from certificates import documents
from certificates.tests.conftest import World
from certificates.tests.test_printing import (
    CODE_TEXT,
    IN_FORCE,
    codes_by_record,
    pages_text,
    print_docx,
    print_pdf,
)
from documents import registry, starters
from documents import services as document_services
from documents.models import DocumentTemplate
from orgs.models import Org
from register.models import Decision

OWN_LINE = "Mẫu bằng khen của tỉnh"
BASE = "https://thidua.example.gov.vn"
PDFTOPPM, ZBARIMG = shutil.which("pdftoppm"), shutil.which("zbarimg")
needs_zbar = pytest.mark.skipif(
    not (PDFTOPPM and ZBARIMG), reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)"
)


def province_template() -> bytes:
    """The certificate's starting template as the province's officer edits it in Word: a line
    of the province's own on each page."""
    document = docx.Document(io.BytesIO(starters.starter(registry.get("certificate"))))
    edited = 0
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if "Tra cứu tại:" in run.text:
                run.text = run.text.replace("Tra cứu tại:", f"{OWN_LINE} · Tra cứu tại:")
                edited += 1
    assert edited == 1  # inside the loop over the certificates: on every page
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def public_base(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = BASE


@pytest.fixture(params=["issuer", "above"])
def installed(
    request: pytest.FixtureRequest,
    world: World,
    public_base: None,
    officer_thai_nguyen: User,
    thai_nguyen: Org,
    snv_thai_nguyen: Org,
) -> DocumentTemplate:
    """Thái Nguyên's template, for a decision of the province itself ("issuer") or of its
    department ("above": the province's template serves the units below it)."""
    if request.param == "above":
        Decision.objects.filter(pk=world.decision.pk).update(issuer=snv_thai_nguyen)
        world.decision.refresh_from_db()
    return document_services.template_upload(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        kind="certificate",
        upload=SimpleUploadedFile("bang-khen.docx", province_template()),
    )


def expected_urls(world: World) -> list[str]:
    codes = codes_by_record(world)
    return [f"{BASE}/verify/{codes[r.pk]}/" for r in (world.lan, world.hung, world.room, world.anh)]


def read_qr(png: bytes, where: Path) -> str:
    where.write_bytes(png)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(ZBARIMG), "--raw", "-q", str(where)], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def pictures_in_order(document: Any) -> list[tuple[bytes, int]]:
    """Each inline picture of the document's body, in order: its bytes and its width."""
    part = document.part
    return [
        (
            part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob,
            shape.width,
        )
        for shape in document.inline_shapes
    ]


@needs_zbar
def test_the_docx_from_the_template_has_each_recipients_qr_code(
    world: World, installed: DocumentTemplate, as_user: Any, tmp_path: Path
) -> None:
    # When the province's officer prints the decision's DOCX
    response = print_docx(as_user("officer_thai_nguyen"), world)

    # Then it is the province's template, a page per recipient in force...
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    lines = [p.text for p in document.paragraphs]
    text = "\n".join(lines)
    assert text.count(OWN_LINE) == 4
    for name in IN_FORCE:
        assert name in text
    urls = expected_urls(world)
    assert [c for line in lines for c in CODE_TEXT.findall(line) if "Mã xác thực" in line] == [
        url.rsplit("/", 2)[1] for url in urls
    ]
    # ... each with the QR code of its own verify page, 2.5 cm wide, above its code
    pictures = pictures_in_order(document)
    assert [png for png, _ in pictures] == [documents.qr_png(url) for url in urls]
    assert {width for _, width in pictures} == {Cm(2.5)}
    assert [read_qr(png, tmp_path / f"qr{i}.png") for i, (png, _) in enumerate(pictures)] == urls
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 4


@needs_zbar
def test_the_pdf_is_printed_from_the_template_with_each_qr_code(
    world: World, installed: DocumentTemplate, as_user: Any, tmp_path: Path
) -> None:
    # When the province's officer prints the decision's PDF
    response = print_pdf(as_user("officer_thai_nguyen"), world)

    # Then it is laid out from the province's template: a page per recipient, each with its
    # code and the QR code of its verify page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="chung-nhan-1520-qd-ubnd.pdf"'
    texts = [" ".join(t.split()) for t in pages_text(response.content)]
    urls = expected_urls(world)
    assert len(texts) == 4
    for text, name, url in zip(texts, IN_FORCE, urls, strict=True):
        assert OWN_LINE in text
        assert name in text
        assert f"Mã xác thực: {url.rsplit('/', 2)[1]}" in text
        assert set(CODE_TEXT.findall(text)) == {url.rsplit("/", 2)[1]}  # and in its address
    (tmp_path / "c.pdf").write_bytes(response.content)
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(PDFTOPPM), "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "page")],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert [read_qr(image.read_bytes(), tmp_path / "read.png") for image in images] == urls


def test_without_a_template_the_pdf_is_the_built_in_layout(
    world: World, installed: DocumentTemplate, as_user: Any, officer_thai_nguyen: User
) -> None:
    client: Client = as_user("officer_thai_nguyen")
    assert all(OWN_LINE in t for t in pages_text(print_pdf(client, world).content))

    # When the province removes its template
    document_services.template_remove(actor=officer_thai_nguyen, template=installed)

    # Then the certificates are the built-in landscape pages again
    texts = [" ".join(t.split()) for t in pages_text(print_pdf(client, world).content)]
    assert len(texts) == 4
    assert not any(OWN_LINE in t for t in texts)
    assert all("Tra cứu tại" not in t for t in texts)  # the built-in page words it otherwise
    assert "Bà Nguyễn Thị Lan" in texts[0]
