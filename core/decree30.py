"""Văn bản hành chính as DOCX in the layout of Decree 30/2020/NĐ-CP (Phụ lục I), shared by every
generated document (vote-count minutes, a dossier's submission letter and achievement reports).

A4 with margins 2 / 2 / 3 / 2 cm; Times New Roman (Liberation Serif and Tinos are metric-compatible
stand-ins, so LibreOffice lays the page out the same) 13 pt; the issuing body at the top left with a
short rule under it and its "Số: …" line; the national title and motto at the top right with a rule
the length of the motto and the place and date in italics; the title in bold capitals; signature
blocks with the "Nơi nhận:" list at the foot.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
SIZE = 13

TEXT_WIDTH = Cm(16)  # 21 cm less the 3 cm and 2 cm margins
BODY_WIDTH, TITLE_WIDTH = Cm(6.5), Cm(9.5)  # the header's two columns
MOTTO_RULE = Cm(5.8)  # the motto in bold 13 pt measures 5.61 cm
BODY_RULE = Cm(2.2)  # a third to a half of the body's name
# Inside the cells, less the default cell margins of 0.19 cm on each side.
BODY_SPACE, TITLE_SPACE = Cm(6.5 - 0.38), Cm(9.5 - 0.38)
HALF_WIDTH = Cm(8)


def new_document(*, size: int = SIZE) -> DocxDocument:
    """An empty A4 document whose Normal style is Times New Roman `size` pt, in Vietnamese."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = cast(ParagraphStyle, doc.styles["Normal"])
    style.font.name = FONT
    style.font.size = Pt(size)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.0
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for script in ("w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    lang = OxmlElement("w:lang")  # last in rPr's sequence: the spell checker reads Vietnamese
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    return doc


def to_bytes(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- dates ----------------------------------------------------------------------------------------


def date_text(day: dt.date | None, *, year: int | None = None) -> str:
    """A date in words, as Decree 30 (Phụ lục I) writes it: a day below 10 and the months 1 and 2
    take a leading zero ("ngày 05 tháng 02 năm 2026", "ngày 15 tháng 5 năm 2018"). Without a
    day, the blanks the clerk fills in when the document is issued, with the year if given."""
    if day is None:
        return f"ngày      tháng      năm {year if year is not None else '      '}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(place: str, day: dt.date | None, *, year: int | None = None) -> str:
    """The place and date line ("Thái Nguyên, ngày 15 tháng 5 năm 2018"; "Ngày …" alone)."""
    text = date_text(day, year=year)
    return f"{place}, {text}" if place else text[:1].upper() + text[1:]


# --- building blocks -------------------------------------------------------------------------------


def _tight(paragraph: Paragraph) -> Paragraph:
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _run_paragraph(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell_line(
    cell: _Cell,
    text: str,
    *,
    first: bool = False,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
) -> Paragraph:
    """A line of a table cell (its first paragraph, or a new one), with no space after."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    return _tight(_run_paragraph(paragraph, text, bold=bold, italic=italic, size=size, align=align))


def rule(paragraph: Paragraph, *, width: Length, space: Length, where: str = "bottom") -> None:
    """A horizontal line `width` long, centred in `space`, under (or over) a paragraph: a border
    between indents, the way Decree 30's short lines under the body's name and the motto look."""
    indent = Length(max(0, (space - width) // 2))
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{where}")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    ppr = paragraph._p.get_or_add_pPr()
    # pBdr comes after keepNext…pageBreakBefore…numPr and before shd, spacing, ind, jc.
    anchor = next(
        (child for child in ppr if child.tag in {qn("w:shd"), qn("w:spacing"), qn("w:ind")}),
        None,
    )
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        jc = ppr.find(qn("w:jc"))
        if jc is not None:
            jc.addprevious(borders)
        else:
            ppr.append(borders)


def _widths(table: Table, widths: Sequence[Length]) -> None:
    """Fixed column widths: the grid's (LibreOffice reads it) and each cell's (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def header(
    doc: DocxDocument,
    *,
    body: Sequence[str],
    number: str = "",
    place_date_text: str = "",
) -> None:
    """The two columns at the top: the issuing body (its superior's name, then its own in bold, a
    short rule) and the national title with the motto and its rule; on the row below, level with
    each other, the number ("Số: …") and the place and date."""
    table = doc.add_table(rows=2, cols=2)
    (left, right), (below_left, below_right) = (row.cells for row in table.rows)
    lines = [line for line in body if line]
    for i, line in enumerate(lines):
        _cell_line(left, line.upper(), first=i == 0, bold=i == len(lines) - 1, size=12)
    if lines:
        mark = _cell_line(left, "", size=4)
        mark.paragraph_format.space_before = Pt(3)
        rule(mark, width=BODY_RULE, space=BODY_SPACE, where="top")
    _cell_line(right, NATIONAL_TITLE, first=True, bold=True, size=12)
    motto = _cell_line(right, MOTTO, bold=True, size=SIZE)
    rule(motto, width=MOTTO_RULE, space=TITLE_SPACE)
    number_line = _cell_line(below_left, number, first=True, size=SIZE)
    when = _cell_line(below_right, place_date_text, first=True, italic=True, size=SIZE)
    for paragraph in (number_line, when):
        paragraph.paragraph_format.space_before = Pt(6)
    _widths(table, [BODY_WIDTH, TITLE_WIDTH])
    doc.add_paragraph()


def title(doc: DocxDocument, heading: str, *subtitles: str, size: int = 14) -> None:
    """The document's name in bold capitals and its subject (trích yếu) in bold, centred, with a
    short rule under the subject."""
    _tight(_run_paragraph(doc.add_paragraph(), heading.upper(), bold=True, size=size))
    for line in subtitles:
        _tight(_run_paragraph(doc.add_paragraph(), line, bold=True, size=size))
    if subtitles:
        mark = _tight(_run_paragraph(doc.add_paragraph(), "", size=4))
        mark.paragraph_format.space_before = Pt(3)
        rule(mark, width=Cm(3.5), space=TEXT_WIDTH, where="top")
    doc.add_paragraph()


def paragraph(
    doc: DocxDocument,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    indent: bool = True,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    size: int | None = None,
) -> Paragraph:
    """A body paragraph: justified, its first line indented 1 cm."""
    p = _run_paragraph(doc.add_paragraph(), text, bold=bold, italic=italic, size=size, align=align)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    return p


def heading(doc: DocxDocument, text: str, *, indent: bool = True) -> Paragraph:
    """A bold heading of a part ("I. …" flush left, "1. …" indented), kept with what follows."""
    p = paragraph(doc, text, bold=True, indent=indent, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.keep_with_next = True
    return p


def labelled(doc: DocxDocument, label: str, value: str) -> Paragraph:
    """A line of a profile, "- Họ và tên: Nguyễn Thị Lan": the label plain, the value as given."""
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Cm(1)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.add_run(f"- {label}: ")
    p.add_run(value)
    return p


def grid(
    doc: DocxDocument,
    heads: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[Length],
    *,
    size: int = 12,
) -> Table:
    """A bordered table with a bold centred header row; cells in `size` pt."""
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell_line(cell, text, first=True, bold=True, size=size)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            align = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT
            for j, line in enumerate(str(text).splitlines() or [""]):
                _cell_line(cell, line, first=j == 0, size=size, align=align)
    for i, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row stays on one page
        if i == 0:
            properties.append(OxmlElement("w:tblHeader"))  # the header row repeats on each page
    _widths(table, widths)
    doc.add_paragraph()
    return table


@dataclass(frozen=True)
class Signature:
    """A signature block: who signs (bold capitals), how, room for the signature, the name."""

    title: str
    note: str = "(Ký, ghi rõ họ tên, đóng dấu)"
    names: Sequence[str] = field(default_factory=tuple)


def _sign(cell: _Cell, signature: Signature) -> None:
    _cell_line(cell, signature.title.upper(), first=True, bold=True, size=SIZE)
    if signature.note:
        _cell_line(cell, signature.note, italic=True, size=SIZE)
    for _ in range(4):
        _cell_line(cell, "", size=SIZE)
    for name in signature.names:
        _cell_line(cell, name, bold=True, size=SIZE)


def signatures(
    doc: DocxDocument,
    *,
    right: Signature,
    left: Signature | None = None,
    recipients: Sequence[str] = (),
) -> None:
    """The foot: the "Nơi nhận:" list (or a second signature) at the left, the signature of the
    head of the issuing body at the right."""
    table = doc.add_table(rows=1, cols=2)
    cell_left, cell_right = table.rows[0].cells
    if recipients:
        left_align = WD_ALIGN_PARAGRAPH.LEFT
        _cell_line(
            cell_left, "Nơi nhận:", first=True, bold=True, italic=True, size=12, align=left_align
        )
        for line in recipients:
            _cell_line(cell_left, line, size=11, align=left_align)
    elif left is not None:
        _sign(cell_left, left)
    _sign(cell_right, right)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page
    _widths(table, [HALF_WIDTH, HALF_WIDTH])
