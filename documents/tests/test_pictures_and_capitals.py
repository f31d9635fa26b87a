"""Replacement templates and what the built-in layouts print beyond plain text: pictures (a
certificate's QR code) print where their tag stands, at their width, one per row of a list, and
the starting template puts the tag where the layout draws the picture; what a layout prints in
capitals (the issuing body in the header, Decree 30) a starting template prints in capitals too,
for every registered kind."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from docx import Document as open_docx
from docx.shared import Cm

from core.errors import DomainError
from documents import registry, render, starters, templating
from documents.blocks import Document, Image, PageBreak, Para
from documents.registry import Field, Kind
from documents.templating import Picture
from documents.tests.conftest import docx_bytes, docx_text, png, vi

# --- pictures -----------------------------------------------------------------------------------

RED, GREEN = png(2, 1), png(1, 2)


def pictures(content: bytes) -> list[tuple[bytes, int]]:
    """Each inline picture of a DOCX's body in order: its bytes and its width (EMU)."""
    doc = open_docx(io.BytesIO(content))
    related = doc.part.related_parts
    return [
        (related[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob, shape.width)
        for shape in doc.inline_shapes
    ]


def media(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return sorted(n for n in package.namelist() if n.startswith("word/media/"))


def test_a_picture_prints_where_its_tag_stands_at_its_width():
    content = docx_bytes("Mã QR: {{ qr }} — {{ logo }}", "Năm {{ year }}")
    filled = templating.fill(content, {"qr": Picture(RED, width_cm=2.5), "logo": GREEN, "year": 1})
    assert pictures(filled) == [(RED, Cm(2.5)), (GREEN, Cm(templating.PICTURE_CM))]
    assert docx_text(filled) == "Mã QR:  — \nNăm 1"
    assert len(media(filled)) == 2


def test_each_row_of_a_list_prints_its_own_picture():
    content = docx_bytes(
        "{%p for item in rows %}", "{{ item.name }}: {{ item.qr }}", "{%p endfor %}"
    )
    rows = [
        {"name": "Lan", "qr": Picture(RED, width_cm=2.5)},
        {"name": "Hưng", "qr": Picture(GREEN, width_cm=2.5)},
    ]
    filled = templating.fill(content, {"rows": rows})
    assert [p for p in docx_text(filled).split("\n") if p] == ["Lan: ", "Hưng: "]
    assert pictures(filled) == [(RED, Cm(2.5)), (GREEN, Cm(2.5))]


def test_a_picture_shows_as_a_picture_not_as_bytes():
    picture = Picture(RED, width_cm=2.5)
    assert str(picture) == "(hình ảnh, rộng 2,5 cm)"
    assert bytes(picture) == RED and picture.startswith(b"\x89PNG")
    assert templating.is_picture(picture) and templating.is_picture(b"\xff\xd8\xff\xe0")
    assert not templating.is_picture(b"GIF89a") and not templating.is_picture("\x89PNG")


LOGO_KIND = Kind(
    key="logo_kind",
    name="Có hình",
    build=lambda c: Document(kind="logo_kind", filename="x", blocks=[Para(str(c["year"]))]),
    fields=[Field("year", "Năm", "2024"), Field("logo", "Biểu trưng", Picture(RED, 2.0))],
)


@pytest.mark.parametrize("text", ["{{ logo._image }}", "{{ logo._image.tpl.save('/tmp/x') }}"])
def test_a_template_reaches_nothing_behind_a_picture(text):
    # docxtpl's image holds the whole template (which can save files): a template only prints it.
    with pytest.raises(DomainError) as info:
        templating.check(docx_bytes(text), LOGO_KIND)
    assert info.value.message == vi(
        "The template does something templates may not do: %(e)s.",
        e="access to attribute '_image' of '_Shown' object is unsafe",
    )
    with pytest.raises(DomainError) as info:
        templating.check(docx_bytes("{{ logo.tpl }}"), LOGO_KIND)
    assert info.value.message == vi(
        "The template uses a name this document does not have: %(e)s.",
        e="'documents.templating._Shown object' has no attribute 'tpl'",
    )
    filled = templating.fill(docx_bytes("[{{ logo.tpl }}][{{ logo|upper }}]"), {"logo": RED})
    assert docx_text(filled) == "[][(HÌNH ẢNH)]"  # filters see a label, never the XML


def cards(context: Any) -> Document:
    """A layout drawing a picture per row, on a page of its own, as the certificates do."""
    blocks: list[Any] = []
    for i, row in enumerate(context["rows"]):
        if i:
            blocks.append(PageBreak())
        blocks.append(Para(f"Thẻ của {row['name']}", indent=False, align="center"))
        if isinstance(row["qr"], bytes):
            blocks.append(Image(png=row["qr"], width_cm=2.5, align="left"))
        blocks.append(Para(f"Mã: {row['code']}", indent=False, align="left"))
    return Document(kind="cards", filename="the", blocks=blocks)


CARDS = Kind(
    key="cards_kind",
    name="Thẻ",
    build=cards,
    fields=[
        Field(
            "rows",
            "Thẻ",
            children=[
                Field("name", "Tên", "Lan"),
                Field("qr", "Mã QR", Picture(RED, width_cm=2.5)),
                Field("code", "Mã", "TD-1"),
            ],
        )
    ],
)


def test_the_starting_template_puts_a_pictures_tag_where_the_layout_draws_it():
    content = starters.starter(CARDS)
    templating.check(content, CARDS)  # accepted as it is
    # The layout draws a row's picture only when it has one, and breaks the page only between
    # two cards: so does the starting template.
    assert [p for p in docx_text(content).split("\n") if p] == [
        "{%p for item in rows %}",
        "Thẻ của {{ item.name }}",
        "{%p if item.qr %}",
        "{{ item.qr }}",
        "{%p endif %}",
        "Mã: {{ item.code }}",
        "{%p if not loop.last %}",
        "{%p endif %}",
        "{%p endfor %}",
    ]
    assert media(content) == []  # the layout's placeholder pictures are gone
    rows = [
        {"name": "Lan", "qr": Picture(RED, width_cm=2.5), "code": "TD-1"},
        {"name": "Hưng", "qr": Picture(GREEN, width_cm=2.5), "code": "TD-2"},
    ]
    filled = templating.fill(content, {"rows": rows})
    assert [p for p in docx_text(filled).split("\n") if p] == [
        "Thẻ của Lan",
        "Mã: TD-1",
        "Thẻ của Hưng",
        "Mã: TD-2",
    ]
    assert pictures(filled) == [(RED, Cm(2.5)), (GREEN, Cm(2.5))]


# --- capitals -----------------------------------------------------------------------------------


def lines(content: bytes) -> list[str]:
    """Every line of a DOCX's text (paragraphs and table cells), stripped, without empty ones."""
    doc = open_docx(io.BytesIO(content))
    found = [p.text for p in starters._all_paragraphs(doc)]
    return [line.strip() for text in found for line in text.split("\n") if line.strip()]


def capitals(content: bytes) -> list[str]:
    return [line for line in lines(content) if line == line.upper() and line != line.lower()]


# Lines of values (not fixed words of the layout) each built-in layout prints in capitals, from the
# kinds' examples: the issuing body above all.
VALUES_IN_CAPITALS = {
    "achievement_report": ["UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ", "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN"],
    "certificate": ["CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", "BẰNG KHEN", "CHỦ TỊCH"],
    "cluster_yearend": ["CỤM THI ĐUA 7 TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC", "TỈNH LÀO CAI"],
    "covenant": ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"],
    "decision": ["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"],
    "dossier_letter": ["UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ"],
    "meeting_minutes": ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI"],
    "vote_minutes": ["TỈNH BẮC GIANG"],
}


def test_every_kind_of_the_project_is_checked_for_capitals():
    assert sorted(k.key for k in registry.kinds()) == sorted(VALUES_IN_CAPITALS)


@pytest.mark.parametrize("key", sorted(VALUES_IN_CAPITALS))
def test_the_starting_template_prints_in_capitals_what_the_layout_prints_in_capitals(key):
    kind = registry.get(key)
    context = kind.example_context()
    built = render.docx(kind.build(context))
    filled = templating.fill(starters.starter(kind), context)
    for line in VALUES_IN_CAPITALS[key]:
        assert line in capitals(built)  # the hand-read expectation holds for the built-in layout
        assert line in lines(filled)
    missing = [line for line in capitals(built) if line not in lines(filled)]
    assert missing == []


# --- the kind's page ----------------------------------------------------------------------------


def test_the_certificate_kinds_page_shows_its_qr_code_as_a_picture(as_user):
    response = as_user("officer_thai_nguyen").get(
        reverse("documents:kind-detail", args=["certificate"])
    )

    page = response.content.decode()
    assert (
        "<td><code>{{ item.qr_png }}</code></td>"
        "<td>Bằng khen, giấy khen (mỗi người một trang) › Mã QR của địa chỉ tra cứu (hình ảnh)</td>"
        "<td>(hình ảnh, rộng 2,5 cm)</td>"
    ) in page
    assert "PNG" not in page
