"""The world of the document service tests: a registered kind of document ("test_yearend", a
cluster's year-end report with a list of members), uploaded files kept in a temporary folder, and
helpers that write DOCX templates the way an officer would in Word."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx import Document as open_docx

from documents import registry
from documents.blocks import (
    Document,
    Grid,
    Header,
    Heading,
    Para,
    Sign,
    Signatures,
    Title,
)
from documents.registry import Field, Kind

KEY = "test_yearend"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build(context: Any) -> Document:
    """The built-in layout of the test kind."""
    return Document(
        kind=KEY,
        filename=f"bao-cao-tong-ket-{context['year']}",
        blocks=[
            Header(
                body=[context["above"], context["issuer"]],
                number=context["number"],
                place_date=context["place_date"],
            ),
            Title("Báo cáo", f"Tổng kết công tác thi đua, khen thưởng năm {context['year']}"),
            Heading("I. KẾT QUẢ", indent=False),
            Para(context["summary"]),
            Grid(
                heads=["STT", "Đơn vị", "Điểm"],
                rows=[[m["rank"], m["name"], m["score"]] for m in context["members"]],
                widths_cm=[1.5, 10.5, 4.0],
            ),
            Signatures(
                right=Sign("Trưởng cụm", names=[context["signer"]]),
                recipients=["- Các đơn vị thành viên;", "- Lưu: VT."],
            ),
        ],
    )


FIELDS = [
    Field("above", "Cơ quan chủ quản", "UBND tỉnh Thái Nguyên"),
    Field("issuer", "Cơ quan ban hành", "Sở Nội vụ"),
    Field("number", "Số, ký hiệu", "Số: 12/BC-CTĐ"),
    Field("place_date", "Địa danh, ngày tháng", "Thái Nguyên, ngày 15 tháng 5 năm 2018"),
    Field("year", "Năm", "2017"),
    Field("summary", "Tóm tắt kết quả", "Các đơn vị đã hoàn thành tốt nhiệm vụ."),
    Field("signer", "Người ký", "Nguyễn Văn A"),
    Field(
        "members",
        "Thành viên",
        children=[
            Field("rank", "Thứ hạng", "1"),
            Field("name", "Tên đơn vị", "Thanh Hóa"),
            Field("score", "Điểm", "95,5"),
        ],
    ),
]

KIND = Kind(key=KEY, name="Báo cáo tổng kết cụm (thử)", build=build, fields=FIELDS)

CONTEXT = {
    "above": "UBND tỉnh Thái Nguyên",
    "issuer": "Sở Nội vụ",
    "number": "Số: 7/BC-CTĐ",
    "place_date": "Thái Nguyên, ngày 05 tháng 01 năm 2018",
    "year": "2017",
    "summary": "Cụm có 5 đơn vị; Thanh Hóa dẫn đầu.",
    "signer": "Trần Thị B",
    "members": [
        {"rank": "1", "name": "Thanh Hóa", "score": "95,5"},
        {"rank": "2", "name": "Nghệ An", "score": "93"},
        {"rank": "3", "name": "Hà Tĩnh & Quảng Bình <liên kết>", "score": "90,25"},
    ],
}


def vi(text: str, **params: Any) -> str:
    """A message as the service gives it in the default language (vi)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


@pytest.fixture
def kind() -> Iterator[Kind]:
    """The test kind, registered for the test only."""
    registry.register(KIND)
    yield KIND
    registry.unregister(KEY)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A Word document with these paragraphs, and a table after them when given."""
    doc = open_docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=0, cols=len(table[0]))
        grid.style = "Table Grid"
        for row in table:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_bytes() -> bytes:
    """An officer's own layout for the test kind: two paragraphs and the members' table."""
    return docx_bytes(
        "{{ issuer }} — BÁO CÁO NĂM {{ year }}",
        "Người ký: {{ signer }}",
        table=[
            ["Hạng", "Đơn vị", "Điểm"],
            ["{%tr for item in members %}", "", ""],
            ["{{ item.rank }}", "{{ item.name }}", "{{ item.score }}"],
            ["{%tr endfor %}", "", ""],
        ],
    )


def upload(content: bytes, name: str = "mau-bao-cao.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX_TYPE)


def docx_text(content: bytes) -> str:
    """Every paragraph's text, the tables' cells included, one per line."""
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def png(width: int = 2, height: int = 1) -> bytes:
    """A small red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf_data(content: bytes) -> bytes:
    """A PDF's bytes with its compressed streams (object streams included) unpacked after them."""
    data = content
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            data += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return data


def pdf_fonts(content: bytes) -> set[str]:
    """The fonts a PDF embeds (their names without the subset prefix)."""
    names = re.findall(rb"/BaseFont\s*/([A-Za-z+\-]+)", pdf_data(content))
    return {name.decode().split("+", 1)[-1] for name in names}


def pdf_pages(content: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf_data(content))
    return [(round(float(w)), round(float(h))) for w, h in boxes]
