"""A filled DOCX template as an HTML page, so an organisation's own layout can be printed to PDF
by WeasyPrint like the built-in one (no office suite on the server).

It reads what administrative documents are made of: paragraphs (alignment, indents, spacing,
borders such as Decree 30's short rules, page breaks), runs (bold, italic, underline, capitals,
size), tables (column widths, merged cells, borders), pictures, and the page's size, orientation
and margins. What it does not know (text boxes, shapes, footnotes, headers) it leaves out; the
DOCX remains the exact form.
"""

from __future__ import annotations

import base64
import io
from html import escape
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn

EMU_PER_CM = 360000
TWIPS_PER_CM = 566.93
ALIGNS = {"center": "center", "right": "right", "both": "justify", "distribute": "justify"}
NIL = {"nil", "none"}


def _twips(value: str | None) -> float:
    try:
        return int(value or 0) / TWIPS_PER_CM
    except ValueError:
        return 0.0


def _val(element: Any, tag: str, attr: str = "val") -> str | None:
    if element is None:
        return None
    child = element.find(qn(tag))
    return None if child is None else child.get(qn(f"w:{attr}"))


def _on(element: Any, tag: str) -> bool | None:
    """A toggle property (w:b, w:i, w:caps): True, False, or None when not set."""
    if element is None:
        return None
    child = element.find(qn(tag))
    if child is None:
        return None
    return child.get(qn("w:val")) not in {"0", "false", "off"}


def _leading(items: list[Any], test: Any) -> Any:
    """The items at the start of the list that pass the test (a table's repeated header rows)."""
    for item in items:
        if not test(item):
            return
        yield item


class _Converter:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.part = doc.part
        normal = doc.styles["Normal"]
        self.size = normal.font.size.pt if normal.font.size is not None else 13.0
        after = normal.paragraph_format.space_after
        self.space_after = after.pt if after is not None else 0.0
        self.table_styles_bordered = {"TableGrid", "Table Grid"}

    # --- runs ---
    def run(self, r: Any) -> str:
        rpr = r.find(qn("w:rPr"))
        styles = []
        if _on(rpr, "w:b"):
            styles.append("font-weight:bold")
        if _on(rpr, "w:i"):
            styles.append("font-style:italic")
        underline = _val(rpr, "w:u")
        if underline and underline not in NIL:
            styles.append("text-decoration:underline")
        if _on(rpr, "w:strike"):
            styles.append("text-decoration:line-through")
        if _on(rpr, "w:caps"):
            styles.append("text-transform:uppercase")
        size = _val(rpr, "w:sz")
        if size and size.isdigit():
            styles.append(f"font-size:{int(size) / 2:g}pt")
        parts = []
        for child in r:
            tag = child.tag
            if tag == qn("w:t"):
                parts.append(escape(child.text or ""))
            elif tag == qn("w:tab"):
                parts.append("&emsp;")
            elif tag == qn("w:br"):
                kind = child.get(qn("w:type"))
                parts.append('<span class="page-break"></span>' if kind == "page" else "<br>")
            elif tag == qn("w:drawing"):
                parts.append(self.picture(child))
        text = "".join(parts)
        if not text:
            return ""
        return f'<span style="{";".join(styles)}">{text}</span>' if styles else text

    def picture(self, drawing: Any) -> str:
        blip = next(drawing.iter(qn("a:blip")), None)
        extent = next(drawing.iter(qn("wp:extent")), None)
        if blip is None:
            return ""
        rid = blip.get(qn("r:embed"))
        try:
            image = self.part.related_parts[rid]
        except KeyError:
            return ""
        data = base64.b64encode(image.blob).decode("ascii")
        width = ""
        if extent is not None and (extent.get("cx") or "").isdigit():
            width = f' style="width:{int(extent.get("cx")) / EMU_PER_CM:.2f}cm"'
        return f'<img src="data:{image.content_type};base64,{data}" alt=""{width}>'

    # --- paragraphs ---
    def paragraph(self, p: Any) -> str:
        ppr = p.find(qn("w:pPr"))
        styles = []
        align = _val(ppr, "w:jc")
        if align in ALIGNS:
            styles.append(f"text-align:{ALIGNS[align]}")
        elif align in {"left", "start"}:
            styles.append("text-align:left")
        ind = ppr.find(qn("w:ind")) if ppr is not None else None
        if ind is not None:
            left = _twips(ind.get(qn("w:left")) or ind.get(qn("w:start")))
            right = _twips(ind.get(qn("w:right")) or ind.get(qn("w:end")))
            first = _twips(ind.get(qn("w:firstLine"))) - _twips(ind.get(qn("w:hanging")))
            styles += [f"margin-left:{left:.2f}cm", f"margin-right:{right:.2f}cm"]
            if first:
                styles.append(f"text-indent:{first:.2f}cm")
        spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
        if spacing is not None:
            before, after = spacing.get(qn("w:before")), spacing.get(qn("w:after"))
            if before is not None and before.isdigit():
                styles.append(f"margin-top:{int(before) / 20:g}pt")
            if after is not None and after.isdigit():
                styles.append(f"margin-bottom:{int(after) / 20:g}pt")
        borders = ppr.find(qn("w:pBdr")) if ppr is not None else None
        if borders is not None:
            for side in ("top", "bottom"):
                line = borders.find(qn(f"w:{side}"))
                if line is not None and line.get(qn("w:val")) not in NIL:
                    styles.append(f"border-{side}:0.75pt solid #000")
        if _on(ppr, "w:keepNext"):
            styles.append("break-after:avoid")
        before_break = '<div class="page-break"></div>' if _on(ppr, "w:pageBreakBefore") else ""
        content = "".join(self.run(r) for r in p.iter(qn("w:r")))
        # An empty paragraph is as tall as its mark's font (Decree 30's thin rule lines).
        mark = ppr.find(qn("w:rPr")) if ppr is not None else None
        size = _val(mark, "w:sz") or next(
            (_val(r.find(qn("w:rPr")), "w:sz") for r in p.iter(qn("w:r"))), None
        )
        if not content and size and size.isdigit():
            styles.append(f"font-size:{int(size) / 2:g}pt")
        style = f' style="{";".join(styles)}"' if styles else ""
        return f"{before_break}<p{style}>{content or '&nbsp;'}</p>"

    # --- tables ---
    def table(self, tbl: Any) -> str:
        tblpr = tbl.find(qn("w:tblPr"))
        style = _val(tblpr, "w:tblStyle") or ""
        bordered = style in self.table_styles_bordered
        tbl_borders = tblpr.find(qn("w:tblBorders")) if tblpr is not None else None
        if tbl_borders is not None:
            bordered = any(
                child.get(qn("w:val")) not in NIL for child in tbl_borders if child is not None
            )
        grid = tbl.find(qn("w:tblGrid"))
        widths = [_twips(col.get(qn("w:w"))) for col in grid] if grid is not None else []
        rows = [tr for tr in tbl if tr.tag == qn("w:tr")]
        layout = [self._cells(tr) for tr in rows]
        spans = self._rowspans(layout)
        html = [f'<table class="docx{" bordered" if bordered else ""}">']
        if widths:
            html.append(
                "<colgroup>"
                + "".join(f'<col style="width:{w:.2f}cm">' for w in widths)
                + "</colgroup>"
            )
        heads = sum(1 for _ in _leading(rows, lambda tr: _on(tr.find(qn("w:trPr")), "w:tblHeader")))
        for r, cells in enumerate(layout):
            if r == 0 and heads:
                html.append("<thead>")
            if r == heads:
                html.append("</thead><tbody>" if heads else "<tbody>")
            html.append("<tr>")
            for column, span, merge, tc in cells:
                if merge == "continue":
                    continue
                attrs = f' colspan="{span}"' if span > 1 else ""
                rowspan = spans.get((r, column), 1)
                if rowspan > 1:
                    attrs += f' rowspan="{rowspan}"'
                inner = "".join(self.block(child) for child in tc)
                html.append(f"<td{attrs}>{inner}</td>")
            html.append("</tr>")
        if layout:
            html.append("</tbody>" if heads < len(layout) else "</thead>")
        html.append("</table>")
        return "".join(html)

    @staticmethod
    def _cells(tr: Any) -> list[tuple[int, int, str | None, Any]]:
        """Each cell of a row: its first grid column, its span, its vertical merge."""
        cells, column = [], 0
        for tc in tr:
            if tc.tag != qn("w:tc"):
                continue
            tcpr = tc.find(qn("w:tcPr"))
            span_text = _val(tcpr, "w:gridSpan") or "1"
            span = int(span_text) if span_text.isdigit() else 1
            merge = None
            if tcpr is not None and tcpr.find(qn("w:vMerge")) is not None:
                merge = _val(tcpr, "w:vMerge") or "continue"
            cells.append((column, span, merge, tc))
            column += span
        return cells

    @staticmethod
    def _rowspans(
        layout: list[list[tuple[int, int, str | None, Any]]],
    ) -> dict[tuple[int, int], int]:
        spans: dict[tuple[int, int], int] = {}
        for r, cells in enumerate(layout):
            for column, _span, merge, _tc in cells:
                if merge != "restart":
                    continue
                count = 1
                for below in layout[r + 1 :]:
                    if any(c == column and m == "continue" for c, _s, m, _t in below):
                        count += 1
                    else:
                        break
                spans[(r, column)] = count
        return spans

    def block(self, element: Any) -> str:
        if element.tag == qn("w:p"):
            return self.paragraph(element)
        if element.tag == qn("w:tbl"):
            return self.table(element)
        return ""

    def page(self) -> tuple[str, str]:
        section = self.doc.sections[-1]
        width = (section.page_width or 0) / EMU_PER_CM or 21.0
        height = (section.page_height or 0) / EMU_PER_CM or 29.7
        margins = [
            (m or 0) / EMU_PER_CM
            for m in (
                section.top_margin,
                section.right_margin,
                section.bottom_margin,
                section.left_margin,
            )
        ]
        return f"{width:.2f}cm {height:.2f}cm", " ".join(f"{m:.2f}cm" for m in margins)


def convert(content: bytes) -> str:
    """The DOCX as a standalone HTML page."""
    doc = open_docx(io.BytesIO(content))
    converter = _Converter(doc)
    size, margins = converter.page()
    body = "".join(converter.block(child) for child in doc.element.body)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>'
        f"@page {{ size: {size}; margin: {margins};"
        " @top-center { content: counter(page); font-size: 13pt;"
        ' font-family: "Times New Roman", "Liberation Serif", "Tinos", serif; } }'
        " @page :first { @top-center { content: none; } }"
        f' body {{ font-family: "Times New Roman", "Liberation Serif", "Tinos", serif;'
        f" font-size: {converter.size:g}pt; line-height: 1.15; margin: 0; }}"
        f" p {{ margin: 0 0 {converter.space_after:g}pt; }}"
        " table.docx { border-collapse: collapse; table-layout: fixed; }"
        " table.docx td { vertical-align: top; padding: 0 0.19cm; }"
        " table.docx.bordered td { border: 0.75pt solid #000; }"
        " table.docx tr { break-inside: avoid; }"
        " .page-break { display: block; break-after: page; }"
        f"</style></head><body>{body}</body></html>"
    )
