"""The renderer: the same blocks as DOCX (read back with python-docx), as HTML and as PDF, in
the layout of Decree 30/2020, portrait and landscape."""

from __future__ import annotations

import io

import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from documents import docx_html, render
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
from documents.tests.conftest import CONTEXT, build, pdf_fonts, pdf_pages, png

A4 = (595, 842)


def full(*, landscape: bool = False, rows: int = 3) -> Document:
    return Document(
        kind="demo",
        filename="bao-cao",
        landscape=landscape,
        blocks=[
            Header(
                body=["UBND tỉnh Thái Nguyên", "Sở Nội vụ"],
                number="Số: 12/BC-CTĐ",
                place_date="Thái Nguyên, ngày 15 tháng 5 năm 2018",
            ),
            Title("Báo cáo", "Tổng kết công tác thi đua, khen thưởng năm 2017"),
            Heading("I. KẾT QUẢ", indent=False),
            Para("Thi đua & khen thưởng <b>không phải thẻ</b>", italic=True),
            Para("Căn giữa", align="center", indent=False, bold=True, size=14),
            Labelled("Họ và tên", "Nguyễn Thị Lan"),
            Grid(
                heads=["STT", "Đơn vị", "Điểm"],
                rows=[[str(i), "Thanh Hóa\nvà Nghệ An", "95,5"] for i in range(1, rows + 1)],
                widths_cm=[1.5, 10.5, 4.0],
            ),
            Image(png=png(), width_cm=2.0, align="center"),
            PageBreak(),
            Signatures(
                left=Sign("Thư ký", note="(Ký, ghi rõ họ tên)", names=["Lê Văn C"]),
                right=Sign("Chủ tịch", names=["Nguyễn Văn A"]),
            ),
        ],
    )


def open_bytes(content: bytes):
    return open_docx(io.BytesIO(content))


def test_it_writes_the_decree_30_layout_as_docx():
    doc = open_bytes(render.docx(full()))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 3.0
    head = doc.tables[0]
    assert [c.text for c in head.rows[0].cells] == [
        "UBND TỈNH THÁI NGUYÊN\nSỞ NỘI VỤ\n",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    ]
    assert [c.text for c in head.rows[1].cells] == [
        "Số: 12/BC-CTĐ",
        "Thái Nguyên, ngày 15 tháng 5 năm 2018",
    ]
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[:6] == [
        "BÁO CÁO",
        "Tổng kết công tác thi đua, khen thưởng năm 2017",
        "I. KẾT QUẢ",
        "Thi đua & khen thưởng <b>không phải thẻ</b>",
        "Căn giữa",
        "- Họ và tên: Nguyễn Thị Lan",
    ]
    centred = next(p for p in doc.paragraphs if p.text == "Căn giữa")
    assert centred.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert centred.runs[0].bold and centred.runs[0].font.size.pt == 14
    grid = doc.tables[1]
    assert [c.text for c in grid.rows[0].cells] == ["STT", "Đơn vị", "Điểm"]
    assert [c.text for c in grid.rows[1].cells] == ["1", "Thanh Hóa\nvà Nghệ An", "95,5"]
    assert len(grid.rows) == 4
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    assert [round(c.width.cm, 1) for c in grid.columns] == [1.5, 10.5, 4.0]
    signs = doc.tables[2]
    assert [c.text for c in signs.rows[0].cells] == [
        "THƯ KÝ\n(Ký, ghi rõ họ tên)\n\n\n\n\nLê Văn C",
        "CHỦ TỊCH\n(Ký, ghi rõ họ tên, đóng dấu)\n\n\n\n\nNguyễn Văn A",
    ]
    assert len(doc.inline_shapes) == 1
    assert round(doc.inline_shapes[0].width.cm, 1) == 2.0
    breaks = doc.element.body.findall(f".//{qn('w:br')}")
    assert [b.get(qn("w:type")) for b in breaks] == ["page"]


def test_it_numbers_the_pages_from_the_second_at_the_top():
    doc = open_bytes(render.docx(full()))
    section = doc.sections[0]
    assert section.different_first_page_header_footer is True
    field = section.header.paragraphs[0]._p.find(qn("w:fldSimple"))
    assert field.get(qn("w:instr")) == "PAGE"
    assert section.first_page_header.paragraphs[0].text == ""


def test_it_lays_a_landscape_document_across_the_wider_page():
    doc = open_bytes(
        render.docx(
            Document(
                kind="demo",
                filename="xep-hang",
                landscape=True,
                blocks=[
                    Header(body=["Sở Nội vụ"]),
                    Title("Bảng xếp hạng", "Năm 2017"),
                    Grid(heads=["A", "B"], rows=[["1", "2"]], widths_cm=[20, 20]),
                    Signatures(right=Sign("Chủ tịch")),
                ],
            )
        )
    )
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    head, grid, signs = doc.tables
    assert round(sum(c.width.cm for c in head.columns), 1) == 24.7
    assert [round(c.width.cm, 2) for c in grid.columns] == [12.35, 12.35]  # shrunk to fit
    assert [round(c.width.cm, 2) for c in signs.columns] == [12.35, 12.35]
    # The motto's rule stays centred under the motto in its wider column.
    motto = head.rows[0].cells[1].paragraphs[1]
    indent = (head.columns[1].width - Cm(5.8)) / 2 - Cm(0.19)
    assert abs(motto.paragraph_format.left_indent - indent) < Cm(0.05)


def test_it_shrinks_a_portrait_table_too_wide_for_the_page():
    doc = open_bytes(
        render.docx(
            Document(
                kind="demo",
                filename="x",
                blocks=[Grid(heads=["A", "B"], rows=[], widths_cm=[12, 12])],
            )
        )
    )
    assert [round(c.width.cm, 1) for c in doc.tables[0].columns] == [8.0, 8.0]


def test_its_html_escapes_the_text_and_keeps_the_layout():
    page = render.html(full())
    assert "Thi đua &amp; khen thưởng &lt;b&gt;không phải thẻ&lt;/b&gt;" in page
    assert "<b>không" not in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert '<div class="body">UBND TỈNH THÁI NGUYÊN</div>' in page
    assert '<div class="body bold">SỞ NỘI VỤ</div>' in page
    assert "Thanh Hóa<br>và Nghệ An" in page
    assert (
        '<col style="width: 1.50cm"><col style="width: 10.50cm"><col style="width: 4.00cm">' in page
    )
    assert '<th scope="col">Đơn vị</th>' in page
    assert 'src="data:image/png;base64,' in page
    assert "size: A4;" in page
    assert "size: A4 landscape;" in render.html(full(landscape=True))


def test_its_pdf_prints_a4_pages_in_a_times_compatible_font():
    pdf = render.pdf(full(rows=60))
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    assert len(pages) == 4  # the long table runs over, then the page break before the signatures
    assert set(pages) == {A4}
    assert pdf_fonts(pdf) & {"Liberation-Serif", "Tinos", "TimesNewRomanPSMT"}
    assert pdf_pages(render.pdf(full(landscape=True))) == [(842, 595), (842, 595)]


def test_it_reads_a_docx_back_as_html_for_a_templates_pdf():
    page = docx_html.convert(render.docx(build(CONTEXT)))
    assert "@page { size: 21.00cm 29.70cm; margin: 2.00cm 2.00cm 2.00cm 3.00cm;" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Hà Tĩnh &amp; Quảng Bình &lt;liên kết&gt;" in page
    assert '<table class="docx bordered">' in page  # the grid
    assert page.count('<table class="docx">') == 2  # the header and the signatures
    assert "<thead><tr><td>" in page  # the grid's repeated header row
    assert "border-top:0.75pt solid #000" in page  # Decree 30's short rules
    assert "font-weight:bold" in page


def test_its_html_of_a_docx_keeps_merged_cells_pictures_and_breaks():
    doc = open_docx()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Gộp ngang"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Gộp dọc"
    doc.add_picture(io.BytesIO(png()), width=Cm(3))
    doc.add_page_break()
    doc.add_paragraph("Sau")
    out = io.BytesIO()
    doc.save(out)
    page = docx_html.convert(out.getvalue())
    assert '<td colspan="2"><p>Gộp ngang</p></td>' in page
    assert '<td rowspan="2"><p>Gộp dọc</p></td>' in page
    assert page.count("<tr>") == 3
    assert 'src="data:image/png;base64,' in page and "width:3.00cm" in page
    assert '<span class="page-break"></span>' in page
    LETTER = (612, 792)  # python-docx's default page, kept
    assert pdf_pages(render.pdf_from_html(page)) == [LETTER, LETTER]


@pytest.mark.parametrize("bad", ["file:///etc/passwd", "http://127.0.0.1:9/x.png"])
def test_its_pdf_fetches_nothing_a_page_names(bad, caplog):
    page = f'<html><body><p>x</p><img src="{bad}"></body></html>'
    with caplog.at_level("WARNING", logger="weasyprint"):
        assert render.pdf_from_html(page).startswith(b"%PDF")  # printed without the picture
    refused = [r.getMessage() for r in caplog.records if bad in r.getMessage()]
    assert len(refused) == 1
    assert "disallowed protocol" in refused[0] or "embed their pictures" in refused[0]
