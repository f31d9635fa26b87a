"""One renderer for every generated document: blocks → DOCX (python-docx, through
`core.decree30`'s Decree 30/2020 layout), → HTML (the same layout in CSS) and → PDF (that HTML
through WeasyPrint). Times New Roman, with Liberation Serif and Tinos as metric-compatible
stand-ins, so a page breaks in the same place in Word, LibreOffice and the PDF.

Pages are numbered from the second one, at the top centre, as Decree 30 (Phụ lục I) asks.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length
from docx.table import Table
from docx.text.paragraph import Paragraph

from core import decree30
from documents import rules
from documents.blocks import (
    Document,
    Grid,
    Header,
    Heading,
    Image,
    Labelled,
    PageBreak,
    Para,
    Sign,
    Signatures,
    Title,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


# --- DOCX -----------------------------------------------------------------------------------------


def docx(document: Document) -> bytes:
    """The document as DOCX, editable in Word or LibreOffice."""
    doc = decree30.new_document()
    section = doc.sections[0]
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    _page_numbers(doc)
    width = Cm(document.text_width_cm)
    for block in document.blocks:
        _WRITERS[type(block)](doc, block, width)
    return decree30.to_bytes(doc)


def _page_numbers(doc: DocxDocument) -> None:
    """The page number at the top centre of every page but the first."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_widths(table: Table, widths: list[Length]) -> None:
    """Fixed column widths: the grid's (LibreOffice reads it) and each cell's (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _shift_rules(paragraphs: list[Paragraph], extra: int) -> None:
    """Keep a centred rule centred when the space it sits in grows by `extra`."""
    for p in paragraphs:
        ppr = p._p.pPr
        if ppr is None or ppr.find(qn("w:pBdr")) is None:
            continue
        fmt = p.paragraph_format
        fmt.left_indent = Length((fmt.left_indent or 0) + extra // 2)
        fmt.right_indent = Length((fmt.right_indent or 0) + extra // 2)


def _header(doc: DocxDocument, block: Header, width: Length) -> None:
    decree30.header(doc, body=block.body, number=block.number, place_date_text=block.place_date)
    extra = width - decree30.TEXT_WIDTH
    if extra > 0:  # landscape: the two columns share the wider line
        table = doc.tables[-1]
        half = extra // 2
        _set_widths(
            table, [Length(decree30.BODY_WIDTH + half), Length(decree30.TITLE_WIDTH + half)]
        )
        for cell in table.rows[0].cells:
            _shift_rules(cell.paragraphs, extra // 2)


def _title(doc: DocxDocument, block: Title, width: Length) -> None:
    before = len(doc.paragraphs)
    decree30.title(doc, block.heading, *block.subtitles, size=block.size)
    extra = width - decree30.TEXT_WIDTH
    if extra > 0:
        _shift_rules(doc.paragraphs[before:], extra)


def _para(doc: DocxDocument, block: Para, width: Length) -> None:
    decree30.paragraph(
        doc,
        block.text,
        bold=block.bold,
        italic=block.italic,
        indent=block.indent,
        align=ALIGN[block.align],
        size=block.size,
    )


def _heading(doc: DocxDocument, block: Heading, width: Length) -> None:
    decree30.heading(doc, block.text, indent=block.indent)


def _labelled(doc: DocxDocument, block: Labelled, width: Length) -> None:
    decree30.labelled(doc, block.label, block.value)


def _grid(doc: DocxDocument, block: Grid, width: Length) -> None:
    widths = rules.fit_widths(block.widths_cm, width / Cm(1))
    decree30.grid(doc, block.heads, block.rows, [Cm(w) for w in widths], size=block.size)


def _signature(sign: Sign | None) -> decree30.Signature | None:
    if sign is None:
        return None
    return decree30.Signature(sign.title, note=sign.note, names=sign.names)


def _signatures(doc: DocxDocument, block: Signatures, width: Length) -> None:
    right = _signature(block.right)
    assert right is not None
    decree30.signatures(doc, right=right, left=_signature(block.left), recipients=block.recipients)
    if width > decree30.TEXT_WIDTH:
        _set_widths(doc.tables[-1], [Length(width // 2), Length(width // 2)])


def _page_break(doc: DocxDocument, block: PageBreak, width: Length) -> None:
    doc.add_page_break()


def _image(doc: DocxDocument, block: Image, width: Length) -> None:
    doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    doc.paragraphs[-1].alignment = ALIGN[block.align]


_WRITERS: dict[type, Callable[[DocxDocument, Any, Length], None]] = {
    Header: _header,
    Title: _title,
    Para: _para,
    Heading: _heading,
    Labelled: _labelled,
    Grid: _grid,
    Signatures: _signatures,
    PageBreak: _page_break,
    Image: _image,
}


# --- HTML and PDF ---------------------------------------------------------------------------------


def _grid_widths(block: Grid, available: float) -> list[str]:
    return [f"{w:.2f}cm" for w in rules.fit_widths(block.widths_cm, available)]


def html(document: Document) -> str:
    """The document as a standalone HTML page in the Decree 30 layout (what the PDF prints)."""
    items = [
        {"b": block, "widths": _grid_widths(block, document.text_width_cm)}
        if isinstance(block, Grid)
        else {"b": block}
        for block in document.blocks
    ]
    return render_to_string(
        "documents/document.html",
        {"document": document, "items": items, "landscape": document.landscape},
    )


def _fetcher() -> Any:
    """Only the pictures inside the page (data: addresses): WeasyPrint reads no file and no
    network address named in a document."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 66 takes a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError("documents embed their pictures")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"})


def pdf_from_html(page: str) -> bytes:
    """A standalone HTML page printed to PDF."""
    from weasyprint import HTML

    return bytes(HTML(string=page, url_fetcher=_fetcher()).write_pdf())


def pdf(document: Document) -> bytes:
    """The document as PDF, laid out like the DOCX."""
    return pdf_from_html(html(document))
