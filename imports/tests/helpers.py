"""Build .xlsx uploads in memory for the import tests.

Headers come from `rules.PEOPLE_COLUMNS` / `rules.ORG_COLUMNS` rendered in a given language, so the
tests hold whatever the Vietnamese catalogue says (or the English text while it is not compiled).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from imports import rules
from orgs.models import Org
from people.models import Person, Posting

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers(columns: Sequence[rules.Column], lang: str = "vi", star: bool = True) -> list[str]:
    """The header row as the template writes it: the label in `lang`, " *" after required ones."""
    with translation.override(lang):
        return [f"{c.header}{' *' if star and c.required else ''}" for c in columns]


def people_headers(lang: str = "vi", star: bool = True) -> list[str]:
    return headers(rules.PEOPLE_COLUMNS, lang, star)


def org_headers(lang: str = "vi", star: bool = True) -> list[str]:
    return headers(rules.ORG_COLUMNS, lang, star)


def header_of(columns: Sequence[rules.Column], key: str, lang: str = "vi") -> str:
    """A column's header as an error report names it (no star)."""
    col = next(c for c in columns if c.key == key)
    with translation.override(lang):
        return str(col.header)


def people_header(key: str) -> str:
    return header_of(rules.PEOPLE_COLUMNS, key)


def org_header(key: str) -> str:
    return header_of(rules.ORG_COLUMNS, key)


def vi(message: str, **params: Any) -> str:
    """A message as the import writes it, in Vietnamese (the product's language)."""
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % params if params else text


def vi_catalogue_compiled() -> bool:
    """Whether locale/vi/LC_MESSAGES/django.mo is there (Vietnamese labels differ from English)."""
    from people.models import Category

    with translation.override("vi"):
        return str(Category.LEADER.label) != "Leader or manager"


PERSON_DEFAULTS: dict[str, Any] = {
    "full_name": "Nguyễn Văn An",
    "gender": "Nam",
    "birth_year": 1980,
    "ethnicity": "Kinh",
    "position": "Chuyên viên",
    "category": "staff",
    "unit_code": "19.SNV",
    "start_date": "01/02/2020",
    "id_number": "",
    "note": "",
}

ORG_DEFAULTS: dict[str, Any] = {
    "code": "19.STC",
    "name": "Sở Tài chính tỉnh Thái Nguyên",
    "short_name": "",
    "kind": "department",
    "parent_code": "19",
    "address": "",
    "valid_from": "",
    "valid_to": "",
    "aliases": "",
}


def person_row(**values: Any) -> list[Any]:
    merged = {**PERSON_DEFAULTS, **values}
    return [merged[c.key] for c in rules.PEOPLE_COLUMNS]


def org_row(**values: Any) -> list[Any]:
    merged = {**ORG_DEFAULTS, **values}
    return [merged[c.key] for c in rules.ORG_COLUMNS]


def people_rows(n: int, unit_code: str = "19.SNV", **values: Any) -> list[list[Any]]:
    """`n` distinct people (the name differs) in one unit."""
    return [
        person_row(full_name=f"Nguyễn Văn Số {i + 1}", unit_code=unit_code, **values)
        for i in range(n)
    ]


def xlsx_bytes(rows: Iterable[Sequence[Any]], title: str = "Dữ liệu") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(
    rows: Iterable[Sequence[Any]] | None = None,
    name: str = "nhap.xlsx",
    content: bytes | None = None,
) -> SimpleUploadedFile:
    """An uploaded file: a workbook of `rows`, or raw `content`."""
    data = content if content is not None else xlsx_bytes(rows or [])
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def people_upload(rows: Iterable[Sequence[Any]], lang: str = "vi", **kw: Any) -> SimpleUploadedFile:
    return upload([people_headers(lang), *rows], **kw)


def org_upload(rows: Iterable[Sequence[Any]], lang: str = "vi", **kw: Any) -> SimpleUploadedFile:
    return upload([org_headers(lang), *rows], **kw)


def read_xlsx(content: bytes) -> list[list[Any]]:
    """All rows of the first sheet of a workbook, as values."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def counts() -> tuple[int, int, int]:
    """(people, organisations, postings): what an import may change."""
    return Person.objects.count(), Org.objects.count(), Posting.objects.count()
