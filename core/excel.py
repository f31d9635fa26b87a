"""Excel output shared by every list: the rows a page shows, with its filters, as .xlsx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class XlsxColumn:
    header: Any
    value: Callable[[Any], Any]
    width: int = 18


@dataclass(frozen=True)
class XlsxSheet:
    """One sheet of a workbook: its title (at most 31 characters are kept), columns and rows."""

    title: str
    columns: Sequence[XlsxColumn]
    rows: Iterable[Any]


def workbook_bytes(
    *,
    title: str,
    columns: Sequence[XlsxColumn],
    rows: Iterable[Any],
    notes: Sequence[str] = (),
) -> bytes:
    """A one-sheet workbook: a bold header row, then one row per item; dates as dd/mm/yyyy."""
    return sheets_bytes(sheets=[XlsxSheet(title, columns, rows)], notes=notes)


def sheets_bytes(*, sheets: Sequence[XlsxSheet], notes: Sequence[str] = ()) -> bytes:
    """A workbook of several sheets (a report's tables), each like workbook_bytes's one."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(wb, sheet)
    if notes:
        info = wb.create_sheet(title=str(_("Note")))
        for line in notes:
            info.append([line])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_sheet(wb: Workbook, sheet: XlsxSheet) -> None:
    columns = sheet.columns
    ws = wb.create_sheet(title=sheet.title[:31])
    for index, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col.width
    ws.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="8B1A1A")
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=str(col.header))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    ws.append(header)
    for item in sheet.rows:
        out = []
        for col in columns:
            value = col.value(item)
            if isinstance(value, dt.datetime):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                # Text that looks like a formula stays text: an export never runs anything.
                cell.data_type = "s"
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            out.append(cell)
        ws.append(out)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
