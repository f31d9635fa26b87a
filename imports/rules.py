"""Pure rules for Excel imports: columns, header matching and cell parsing. No database access.

Every problem is reported as (row, column, Vietnamese message); rows are numbered as Excel shows
them (the header is row 1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import fold, normalize_name


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation: the header as the template shows it
    required: bool = False
    example: Any = ""
    width: int = 18
    max_length: int = 255


ORG_COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Unit code"), True, "19.SNV", 14, 40),
    Column("name", gettext_lazy("Unit name"), True, "Sở Nội vụ tỉnh Thái Nguyên", 40),
    Column("short_name", gettext_lazy("Short name"), False, "Sở Nội vụ Thái Nguyên", 24, 120),
    Column("kind", gettext_lazy("Kind of unit"), True, "Sở, ban, ngành", 24),
    Column("parent_code", gettext_lazy("Parent unit code"), False, "19", 16, 40),
    Column("address", gettext_lazy("Address"), False, "", 30),
    Column("valid_from", gettext_lazy("Valid from"), False, "", 14),
    Column("valid_to", gettext_lazy("Valid to"), False, "", 14),
    Column("aliases", gettext_lazy("Other names"), False, "", 24),
)

PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("full_name", gettext_lazy("Full name"), True, "Nguyễn Thị Lan", 28, 150),
    Column("gender", gettext_lazy("Gender"), True, "Nữ", 10),
    Column("birth_year", gettext_lazy("Birth year"), False, 1985, 10),
    Column("ethnicity", gettext_lazy("Ethnicity"), False, "Tày", 12, 50),
    Column("position", gettext_lazy("Position"), False, "Chuyên viên", 22, 150),
    Column("category", gettext_lazy("Category"), False, "Người lao động trực tiếp", 28),
    Column("unit_code", gettext_lazy("Unit code"), True, "19.SNV", 14, 40),
    Column("start_date", gettext_lazy("Posting start date"), False, "01/01/2020", 16),
    Column("id_number", gettext_lazy("ID number"), False, "", 16, 20),
    Column("note", gettext_lazy("Note"), False, "", 24),
)


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


def match_headers(
    header_row: Sequence[Any], columns: Sequence[Column]
) -> tuple[dict[str, int], list[RowProblem]]:
    """Map column keys to positions; headers match in Vietnamese or English, diacritics ignored."""
    from django.utils import translation

    wanted: dict[str, str] = {}
    for col in columns:
        for lang in ("vi", "en"):
            with translation.override(lang):
                wanted[fold(str(col.header))] = col.key
        wanted[col.key] = col.key
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        key = wanted.get(fold(str(cell or "")).rstrip("*").strip())
        if key and key not in positions:
            positions[key] = index
    problems = [
        RowProblem(
            1, str(col.header), _("The required column “%(c)s” is missing.") % {"c": col.header}
        )
        for col in columns
        if col.required and col.key not in positions
    ]
    return positions, problems


def is_blank(row: Sequence[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_name(str(value))


def id_number_text(value: Any) -> str:
    """An ID number cell: Excel turns 019185000123 into the number 19185000123; put the 0 back.

    Citizen ID numbers have 12 digits and old identity cards 9, and many start with 0.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return cell_text(value)
        digits = str(int(value))
        if len(digits) in (8, 11):
            return "0" + digits
        return digits
    from people.services import clean_id_number

    return clean_id_number(cell_text(value))


def parse_date(value: Any) -> dt.date | None:
    """A date cell as Excel gives it (a date, a datetime or text dd/mm/yyyy); ValueError if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_year(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        return value.year
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


GENDER_WORDS = {"nam": "M", "male": "M", "m": "M", "nu": "F", "female": "F", "f": "F"}


def parse_choice(value: Any, choices: Sequence[tuple[str, Any]]) -> str | None:
    """A choice by its code or its label in either language, diacritics ignored."""
    from django.utils import translation

    key = fold(cell_text(value))
    if not key:
        return None
    for code, label in choices:
        if key == fold(code):
            return code
        for lang in ("vi", "en"):
            with translation.override(lang):
                if key == fold(str(label)):
                    return code
    raise ValueError(key)


def read_cells(
    raw: Sequence[Any], positions: dict[str, int], columns: Sequence[Column], row_number: int
) -> ParsedRow:
    """Pick the known columns out of a raw row and check that required ones are filled."""
    parsed = ParsedRow(row_number)
    for col in columns:
        index = positions.get(col.key)
        value = raw[index] if index is not None and index < len(raw) else None
        parsed.values[col.key] = value
        text = cell_text(value)
        if col.required and text == "":
            parsed.problems.append(
                RowProblem(row_number, str(col.header), _("This cell must not be empty."))
            )
        elif len(text) > col.max_length:
            parsed.problems.append(
                RowProblem(
                    row_number,
                    str(col.header),
                    _("At most %(n)s characters.") % {"n": col.max_length},
                )
            )
    return parsed
