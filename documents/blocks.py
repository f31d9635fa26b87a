"""A generated document as a list of blocks, so one renderer lays every kind out the same way in
DOCX and in PDF (Decree 30/2020/NĐ-CP): the header, the title, paragraphs, headings, labelled
lines, tables, signatures, page breaks and pictures. An app builds a `Document` from its data; it
never formats a page itself.

    Document(kind="cluster_yearend", filename="bao-cao-tong-ket-2017", blocks=[
        Header(body=["UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ"], number="Số: 12/BC-CTĐ",
               place_date="Thái Nguyên, ngày 15 tháng 5 năm 2018"),
        Title("Báo cáo", "Tổng kết công tác thi đua, khen thưởng năm 2017"),
        Heading("I. KẾT QUẢ", indent=False), Para("…"),
        Grid(heads=["STT", "Đơn vị"], rows=[["1", "Thanh Hóa"]], widths_cm=[1.5, 14.5]),
        Signatures(right=Sign("Chủ tịch", names=["Nguyễn Văn A"]), recipients=["- Lưu: VT."]),
    ])

Blocks check their own shape when they are made (a ValueError names what is wrong), so a mistake
shows where the document is built, not later in the renderer.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from documents import rules

ALIGNS = ("justify", "left", "center", "right")
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"


def _texts(values: Sequence[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise ValueError(f"{what} is a list of lines, not one string")
    return tuple(str(v) for v in values)


def _align(value: str) -> str:
    if value not in ALIGNS:
        raise ValueError(f"align must be one of {', '.join(ALIGNS)}, not {value!r}")
    return value


@dataclass(frozen=True)
class Header:
    """The top of the page: the issuing body (its superior first, itself last, in bold), the
    national title and motto, the number and symbol ("Số: 12/BC-CTĐ") and the place and date."""

    block: ClassVar[str] = "header"
    body: Sequence[str]
    number: str = ""
    place_date: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", _texts(self.body, "Header.body"))

    @property
    def lines(self) -> list[str]:
        """The body's lines in capitals, empty ones left out (as the DOCX writes them)."""
        return [line.upper() for line in self.body if line]


@dataclass(frozen=True, init=False)
class Title:
    """The document's name in bold capitals ("BÁO CÁO") and its subject lines (trích yếu)."""

    block: ClassVar[str] = "title"
    heading: str
    subtitles: tuple[str, ...]
    size: int

    def __init__(self, heading: str, *subtitles: str, size: int = 14) -> None:
        object.__setattr__(self, "heading", str(heading))
        object.__setattr__(self, "subtitles", tuple(str(s) for s in subtitles))
        object.__setattr__(self, "size", rules.check_size(size))


@dataclass(frozen=True)
class Para:
    """A body paragraph: justified with its first line indented 1 cm unless told otherwise."""

    block: ClassVar[str] = "para"
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True
    align: str = "justify"
    size: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", str(self.text))
        _align(self.align)
        if self.size is not None:
            rules.check_size(self.size)


@dataclass(frozen=True)
class Heading:
    """A part's heading in bold ("I. KẾT QUẢ" flush left with indent=False, "1. …" indented)."""

    block: ClassVar[str] = "heading"
    text: str
    indent: bool = True


@dataclass(frozen=True)
class Labelled:
    """A profile line, "- Họ và tên: Nguyễn Thị Lan"."""

    block: ClassVar[str] = "labelled"
    label: str
    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", str(self.value))


@dataclass(frozen=True)
class Grid:
    """A bordered table with a bold header row that repeats on each page; a row never splits
    across pages. Widths in cm, one per column; too wide for the page, they shrink in proportion.
    A cell's text may hold several lines ("\\n")."""

    block: ClassVar[str] = "grid"
    heads: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths_cm: Sequence[float]
    size: int = 12

    def __post_init__(self) -> None:
        heads = _texts(self.heads, "Grid.heads")
        if not heads:
            raise ValueError("a Grid has at least one column")
        if len(self.widths_cm) != len(heads):
            raise ValueError(f"Grid has {len(heads)} columns but {len(self.widths_cm)} widths")
        if any(w <= 0 for w in self.widths_cm):
            raise ValueError("Grid widths are positive")
        rows = []
        for i, row in enumerate(self.rows, start=1):
            cells = _texts(row, f"Grid row {i}")
            if len(cells) != len(heads):
                raise ValueError(f"Grid row {i} has {len(cells)} cells, not {len(heads)}")
            rows.append(cells)
        object.__setattr__(self, "heads", heads)
        object.__setattr__(self, "rows", tuple(rows))
        object.__setattr__(self, "widths_cm", tuple(float(w) for w in self.widths_cm))
        rules.check_size(self.size)


@dataclass(frozen=True)
class Sign:
    """One signature: who signs (printed in bold capitals), how, then room and the names."""

    title: str
    note: str = "(Ký, ghi rõ họ tên, đóng dấu)"
    names: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _texts(self.names, "Sign.names"))


@dataclass(frozen=True)
class Signatures:
    """The foot: the head's signature at the right; at the left the "Nơi nhận:" list, or a second
    signature when there is no list."""

    block: ClassVar[str] = "signatures"
    right: Sign
    left: Sign | None = None
    recipients: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipients", _texts(self.recipients, "Signatures.recipients"))
        if self.left is not None and self.recipients:
            raise ValueError("Signatures has either a left signature or recipients, not both")


@dataclass(frozen=True)
class PageBreak:
    """What follows starts a new page."""

    block: ClassVar[str] = "pagebreak"


@dataclass(frozen=True)
class Image:
    """A picture (PNG or JPEG bytes) `width_cm` wide: a photo, a logo, a QR code."""

    block: ClassVar[str] = "image"
    png: bytes = field(repr=False)
    width_cm: float = 3.0
    align: str = "right"

    def __post_init__(self) -> None:
        if not (self.png.startswith(PNG) or self.png.startswith(JPEG)):
            raise ValueError("Image takes PNG or JPEG bytes")
        if not 0 < self.width_cm <= rules.LANDSCAPE_TEXT_CM:
            raise ValueError("Image width is between 0 and the page's width")
        _align(self.align)

    @property
    def mime(self) -> str:
        return "image/png" if self.png.startswith(PNG) else "image/jpeg"

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.png).decode('ascii')}"


Block = Header | Title | Para | Heading | Labelled | Grid | Signatures | PageBreak | Image
BLOCKS = (Header, Title, Para, Heading, Labelled, Grid, Signatures, PageBreak, Image)


@dataclass(frozen=True)
class Document:
    """A whole document: its kind (the registry's key), the file name without extension (made
    safe: ASCII, hyphens), its blocks, and whether the pages are landscape (wide tables)."""

    kind: str
    filename: str
    blocks: Sequence[Block]
    landscape: bool = False

    def __post_init__(self) -> None:
        blocks = tuple(self.blocks)
        for i, block in enumerate(blocks, start=1):
            if not isinstance(block, BLOCKS):
                raise ValueError(f"block {i} is a {type(block).__name__}, not a document block")
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "filename", rules.safe_filename(self.filename or self.kind))

    @property
    def text_width_cm(self) -> float:
        return rules.LANDSCAPE_TEXT_CM if self.landscape else rules.PORTRAIT_TEXT_CM

    def text(self) -> str:
        """Every word of the document, one block per line (for tests and search)."""
        return "\n".join(_block_text(block) for block in self.blocks)


def _block_text(block: Block) -> str:
    if isinstance(block, Header):
        return " | ".join([*block.lines, block.number, block.place_date])
    if isinstance(block, Title):
        return " | ".join([block.heading.upper(), *block.subtitles])
    if isinstance(block, Para | Heading):
        return block.text
    if isinstance(block, Labelled):
        return f"- {block.label}: {block.value}"
    if isinstance(block, Grid):
        return "\n".join(" | ".join(row) for row in (block.heads, *block.rows))
    if isinstance(block, Signatures):
        signs = [s for s in (block.left, block.right) if s is not None]
        parts = [*block.recipients]
        for sign in signs:
            parts += [sign.title.upper(), sign.note, *sign.names]
        return " | ".join(p for p in parts if p)
    return ""
