"""The statistical report's Excel: the built-in template (reports/data/), the check of an uploaded
one, and filling a template with the figures.

A template is an ordinary .xlsx: any cell may hold placeholders (`{{ nn.huan_chuong.ca_nhan }}`,
`{{ unit_name }}`). Filling replaces a cell that holds one placeholder by the value itself, so a
number stays a number Excel can add up; placeholders inside text become text. Formulas, styles,
merged cells, widths and print settings are kept as the officer left them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from core.errors import DomainError
from reports import rules

DATA = Path(__file__).resolve().parent / "data"
BUILTIN = DATA / "bieu-thong-ke-thi-dua-khen-thuong.xlsx"
MAX_BYTES = 5 * 2**20
MAX_UNPACKED = 60 * 2**20  # a zip bomb expands far beyond this
MAX_ENTRIES = 2000
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
DOCTYPE_MARKS = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)

FONT = "Times New Roman"


def builtin_bytes() -> bytes:
    """The shipped template, as committed in reports/data/."""
    return BUILTIN.read_bytes()


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A placeholder (or a broken one: the cell's text) and the cell it is in."""

    name: str
    where: str


def _text_cells(wb: Workbook) -> Iterator[tuple[Worksheet, Any]]:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if (
                    cell.data_type == "s"
                    and isinstance(value, str)
                    and ("{" in value or "}" in value)
                ):
                    yield ws, cell


def scan(wb: Workbook) -> tuple[list[Found], list[Found]]:
    """The placeholders a workbook holds, and the unknown or broken ones."""
    known: list[Found] = []
    unknown: list[Found] = []
    for ws, cell in _text_cells(wb):
        where = f"{ws.title}!{cell.coordinate}"
        names, broken = rules.placeholders_in(cell.value)
        for name in names:
            (known if name in rules.KNOWN_KEYS else unknown).append(Found(name, where))
        if broken:
            unknown.append(Found(cell.value.strip()[:60], where))
    return known, unknown


def _unreadable() -> DomainError:
    return DomainError(_("The file is not a readable Excel workbook (.xlsx)."), field="file")


def _check_zip(content: bytes) -> None:
    """A plain .xlsx archive: no macros, bounded once unpacked, and XML without a document type
    (entity declarations are how an XML part is made to blow up while it is parsed)."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            infos = archive.infolist()
            names = [i.filename.lower() for i in infos]
            if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise DomainError(_("The workbook is too large once unpacked."), field="file")
            if "xl/workbook.xml" not in names:
                raise _unreadable()
            if any(n.rsplit("/", 1)[-1] in MACRO_PARTS for n in names) or b"macroEnabled" in (
                archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
            ):
                raise DomainError(
                    _(
                        "The workbook contains macros. Save it as an Excel workbook (.xlsx) "
                        "without macros."
                    ),
                    field="file",
                )
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    data = archive.read(info)
                    if any(mark in data for mark in DOCTYPE_MARKS):
                        raise _unreadable()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise _unreadable() from exc


def open_checked(content: bytes) -> tuple[Workbook, list[Found]]:
    """Open an uploaded template, refusing what is not a plain .xlsx (macros, a broken or
    oversized archive) or holds an unknown or broken placeholder (each is listed with its cell).
    Returns the workbook and its placeholders."""
    _check_zip(content)
    try:
        wb = load_workbook(BytesIO(content), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _unreadable() from exc
    known, unknown = scan(wb)
    if unknown:
        listed = ", ".join(f"«{f.name}» ({f.where})" for f in unknown[:20])
        more = len(unknown) - 20
        if more > 0:
            listed += " " + _("and %(n)s more") % {"n": more}
        raise DomainError(
            _(
                "The template holds placeholders the report does not know: %(list)s. "
                "The page of placeholders lists the known ones."
            )
            % {"list": listed},
            field="file",
        )
    if not known:
        raise DomainError(
            _("The template holds no placeholder: nothing would be filled in."), field="file"
        )
    return wb, known


# --- filling --------------------------------------------------------------------------------


def fill(content: bytes, values: Mapping[str, Any]) -> bytes:
    """The template with every placeholder replaced by its value."""
    wb = load_workbook(BytesIO(content))
    for _ws, cell in _text_cells(wb):
        new = rules.fill_text(cell.value, values)
        if new == cell.value:
            continue
        cell.value = new
        if isinstance(new, str):
            # Text that looks like a formula (a unit named "=…") stays text.
            cell.data_type = "s"
        elif isinstance(new, int):
            cell.number_format = "#,##0"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def read_cells(content: bytes) -> dict[str, Any]:
    """Every non-empty cell as {"Sheet!A1": value} (for checks and tests)."""
    wb = load_workbook(BytesIO(content))
    return {
        f"{ws.title}!{cell.coordinate}": cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


# --- the built-in layout --------------------------------------------------------------------

COLUMN_LETTERS = ("C", "D", "E", "F", "G", "H")  # rules.COLUMN_KEYS in this order
WIDTHS = {"A": 6, "B": 50, "C": 10, "D": 10, "E": 12, "F": 13, "G": 8, "H": 12}
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="D9D9D9")
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def placeholder(name: str) -> str:
    return "{{ " + name + " }}"


def _put(
    ws: Worksheet,
    ref: str,
    value: Any,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 12,
    align: str = "left",
    merge_to: str = "",
    wrap: bool = True,
) -> None:
    ws[ref] = value
    cell = ws[ref]
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")


def _boxed_row(ws: Worksheet, row: int) -> None:
    for letter in WIDTHS:
        ws[f"{letter}{row}"].border = BOX


def _figure_row(
    ws: Worksheet, r: int, number: str, label: str, key: str, *, bold: bool = False
) -> None:
    _put(ws, f"A{r}", number, bold=bold, align="center")
    _put(ws, f"B{r}", label, bold=bold)
    for letter, col in zip(COLUMN_LETTERS, rules.COLUMN_KEYS, strict=True):
        _put(ws, f"{letter}{r}", placeholder(f"{key}.{col}"), bold=bold, align="right")
    _boxed_row(ws, r)


def _single_row(ws: Worksheet, r: int, number: str, label: str, key: str, *, bold: bool) -> None:
    """A row with one figure (movements, dossiers) in the last column; the others greyed."""
    _put(ws, f"A{r}", number, bold=bold, align="center")
    _put(ws, f"B{r}", label, bold=bold)
    for letter in COLUMN_LETTERS[:-1]:
        ws[f"{letter}{r}"].fill = GREY
    _put(ws, f"H{r}", placeholder(key), bold=bold, align="right")
    _boxed_row(ws, r)


def build_builtin() -> Workbook:
    """The built-in layout: header, the table (movements, the three levels of commendation, the
    grand total, proposals sent up) and the signatures; a second sheet explains the figures."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu TĐKT"
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True

    _put(ws, "A1", "Biểu số: ……………", bold=True, merge_to="C1")
    _put(ws, "A2", "Ban hành kèm theo Thông tư của Bộ Nội vụ", italic=True, size=10, merge_to="C2")
    _put(
        ws,
        "A3",
        "(số hiệu biểu chưa được đối chiếu: xem sheet Ghi chú)",
        italic=True,
        size=10,
        merge_to="C3",
    )
    _put(ws, "E1", "Đơn vị báo cáo: {{ unit_name }}", merge_to="H1")
    _put(ws, "E2", "Đơn vị nhận báo cáo: {{ receiver_name }}", merge_to="H2")
    _put(
        ws,
        "A5",
        "SỐ LƯỢNG PHONG TRÀO THI ĐUA VÀ KHEN THƯỞNG",
        bold=True,
        size=14,
        align="center",
        merge_to="H5",
    )
    _put(ws, "A6", "Năm {{ year }}", bold=True, align="center", merge_to="H6")
    _put(ws, "A7", "(Kỳ báo cáo: {{ period_text }})", italic=True, align="center", merge_to="H7")

    # Header: two rows, then the column numbers.
    _put(ws, "A9", "STT", bold=True, align="center", merge_to="A10")
    _put(ws, "B9", "Chỉ tiêu", bold=True, align="center", merge_to="B10")
    _put(ws, "C9", "Tập thể", bold=True, align="center", merge_to="C10")
    _put(ws, "D9", "Cá nhân", bold=True, align="center", merge_to="G9")
    _put(ws, "D10", "Tổng số", bold=True, align="center")
    _put(ws, "E10", "Trong đó: Lãnh đạo, quản lý", bold=True, align="center", size=11)
    _put(ws, "F10", "Trong đó: Người lao động trực tiếp", bold=True, align="center", size=11)
    _put(ws, "G10", "Trong đó: Nữ", bold=True, align="center", size=11)
    _put(ws, "H9", "Tổng số (tập thể và cá nhân)", bold=True, align="center", merge_to="H10")
    for r in (9, 10):
        _boxed_row(ws, r)
    ws.row_dimensions[10].height = 45
    for letter, text in zip(WIDTHS, ("A", "B", "1", "2", "3", "4", "5", "6 = 1 + 2"), strict=True):
        _put(ws, f"{letter}11", text, italic=True, size=10, align="center")
    _boxed_row(ws, 11)

    r = 12
    _put(ws, f"A{r}", ROMAN[0], bold=True, align="center")
    _put(ws, f"B{r}", "PHONG TRÀO THI ĐUA", bold=True)
    _boxed_row(ws, r)
    r += 1
    _single_row(ws, r, "1", rules.MOVEMENTS_TOTAL.label, rules.MOVEMENTS_TOTAL.key, bold=True)
    for i, row in enumerate(rules.MOVEMENTS, start=1):
        r += 1
        _single_row(
            ws,
            r,
            f"1.{i}",
            "Trong đó: " + row.label[:1].lower() + row.label[1:],
            row.key,
            bold=False,
        )

    for n, section in enumerate(rules.AWARD_SECTIONS, start=1):
        r += 1
        _put(ws, f"A{r}", ROMAN[n], bold=True, align="center")
        _put(ws, f"B{r}", section.label.upper(), bold=True)
        _boxed_row(ws, r)
        for i, row in enumerate(section.rows, start=1):
            r += 1
            _figure_row(ws, r, str(i), row.label, row.key)
        r += 1
        _figure_row(ws, r, "", section.total.label, section.total.key, bold=True)
    r += 1
    _figure_row(ws, r, ROMAN[4], rules.GRAND_TOTAL.label.upper(), rules.GRAND_TOTAL.key, bold=True)

    r += 1
    _put(ws, f"A{r}", ROMAN[5], bold=True, align="center")
    _put(ws, f"B{r}", rules.DE_NGHI.label.upper(), bold=True)
    _boxed_row(ws, r)
    r += 1
    _single_row(ws, r, "1", rules.DOSSIERS.label, rules.DOSSIERS.key, bold=False)
    for i, row in enumerate(rules.DE_NGHI.rows, start=2):
        r += 1
        _figure_row(ws, r, str(i), row.label, row.key)
    r += 1
    _figure_row(ws, r, "", rules.DE_NGHI.total.label, rules.DE_NGHI.total.key, bold=True)

    # Signatures: the preparer on the left, the head of the unit on the right.
    r += 2
    _put(ws, f"E{r}", "{{ place_date }}", italic=True, align="center", merge_to=f"H{r}")
    r += 1
    _put(ws, f"B{r}", "NGƯỜI LẬP BIỂU", bold=True, align="center")
    _put(ws, f"E{r}", "THỦ TRƯỞNG ĐƠN VỊ", bold=True, align="center", merge_to=f"H{r}")
    r += 1
    _put(ws, f"B{r}", "(Ký, ghi rõ họ tên)", italic=True, align="center")
    _put(
        ws, f"E{r}", "(Ký, đóng dấu, ghi rõ họ tên)", italic=True, align="center", merge_to=f"H{r}"
    )
    r += 4
    _put(ws, f"B{r}", "{{ preparer }}", bold=True, align="center")
    _put(ws, f"E{r}", "{{ signer }}", bold=True, align="center", merge_to=f"H{r}")
    ws.print_area = f"A1:H{r}"

    notes = wb.create_sheet("Ghi chú")
    notes.column_dimensions["A"].width = 120
    for i, line in enumerate(NOTES, start=1):
        notes[f"A{i}"] = line
        notes[f"A{i}"].font = Font(name=FONT, size=12, bold=(i == 1))
        notes[f"A{i}"].alignment = Alignment(wrap_text=True, vertical="top")
    return wb


NOTES = (
    "Ghi chú về biểu",
    "1. Biểu theo chế độ báo cáo thống kê ngành Nội vụ, lĩnh vực thi đua, khen thưởng (Thông tư "
    "03/2018/TT-BNV; Thông tư 02/2023/TT-BNV từ ngày 10/5/2023; Thông tư 18/2025/TT-BNV ngày "
    "08/10/2025). CHƯA ĐƯỢC XÁC NHẬN: số hiệu biểu và các dòng, cột chưa được đối chiếu với phụ lục "
    "của các thông tư; đơn vị điều chỉnh biểu cho đúng mẫu đang áp dụng rồi tải lên làm mẫu của mình.",
    "2. Kỳ báo cáo: từ ngày 01/12 năm trước đến ngày 30/11 năm báo cáo (theo Thông tư 02/2023/TT-BNV, "
    "nguồn thứ cấp), hoặc năm dương lịch nếu chọn.",
    "3. Số khen thưởng: các khen thưởng trong sổ (không tính khen thưởng đã bị thu hồi) có quyết định "
    "ký trong kỳ, của tập thể thuộc đơn vị báo cáo và các đơn vị trực thuộc, và của cá nhân công tác "
    "tại các đơn vị đó khi có quyết định.",
    "4. Lãnh đạo, quản lý / người lao động trực tiếp / nữ: theo thông tin hiện tại của cá nhân.",
    "5. Số phong trào thi đua: phong trào do đơn vị và các đơn vị trực thuộc phát động trong kỳ "
    "(theo ngày văn bản phát động, nếu không có thì ngày bắt đầu).",
    "6. Đề nghị khen thưởng gửi cấp trên: hồ sơ do đơn vị và các đơn vị trực thuộc gửi trong kỳ tới "
    "một cấp ngoài đơn vị; đếm tập thể, cá nhân được đề nghị (không tính người đã rút khỏi hồ sơ).",
    "7. Mỗi trường dữ liệu (tên trường đặt trong cặp ngoặc nhọn kép, ví dụ nn.huan_chuong.ca_nhan) "
    "được thay bằng số liệu khi lập báo cáo; danh sách các trường có trên trang “Các trường của biểu” "
    "của phần mềm. Có thể chuyển, thêm, bớt dòng, cột, định dạng; không được dùng macro.",
)


def builtin_fresh_bytes() -> bytes:
    out = BytesIO()
    build_builtin().save(out)
    return out.getvalue()
