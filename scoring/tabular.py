"""A scoring table as rows, the way officers keep it in Excel: one criterion per row, each naming
the group it belongs to. Rows ⇄ the engine's nested JSON. Pure functions, no database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import fold, parse_number
from imports.rules import Column, RowProblem, cell_text, is_blank, match_headers
from scoring.models import CriterionKind

COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Code"), True, "A1", 8, 20),
    Column("parent", gettext_lazy("In group (code)"), False, "A", 10, 20),
    Column(
        "text", gettext_lazy("Criterion"), True, "Thu ngân sách nhà nước so với kế hoạch", 50, 1000
    ),
    Column("kind", gettext_lazy("Kind"), True, "Against a target", 22),
    Column("max_points", gettext_lazy("Maximum points"), True, 30, 10),
    Column("points_each", gettext_lazy("Points each"), False, "", 10),
    Column("target", gettext_lazy("Target"), False, "", 10),
    Column("bonus_max", gettext_lazy("Bonus above the target, at most"), False, 5, 12),
    Column("formula", gettext_lazy("Formula"), False, "", 24, 300),
    Column("lower_is_better", gettext_lazy("Lowest is best (x)"), False, "", 10),
    Column("allowance", gettext_lazy("Declared difference"), False, "", 10),
    Column("guidance", gettext_lazy("Guidance"), False, "", 40, 2000),
    Column("evidence", gettext_lazy("Evidence required"), False, "", 30, 500),
)
NUMBERS = ("max_points", "points_each", "target", "bonus_max", "allowance")


def kind_of(value: Any) -> str | None:
    """A kind typed as its code or as its label in Vietnamese or English (diacritics ignored)."""
    from django.utils import translation

    text = fold(cell_text(value))
    for code, label in CriterionKind.choices:
        if text == fold(code):
            return str(code)
        for lang in ("vi", "en"):
            with translation.override(lang):
                if text == fold(str(label)):
                    return str(code)
    return None


def rows_to_data(sheet: Sequence[Sequence[Any]]) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """The criteria tree from a sheet whose first row holds the headers. A row's group must be a
    row above it of kind group. Problems name the Excel row."""
    if not sheet:
        return [], [RowProblem(1, "", _("The sheet is empty."))]
    positions, problems = match_headers(sheet[0], COLUMNS)
    if problems:
        return [], problems
    nodes: dict[str, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for number, row in enumerate(sheet[1:], start=2):
        if is_blank(row):
            continue

        def cell(key: str, row: Sequence[Any] = row) -> Any:
            index = positions.get(key)
            return row[index] if index is not None and index < len(row) else None

        code = cell_text(cell("code"))
        kind = kind_of(cell("kind"))
        if kind is None:
            problems.append(
                RowProblem(
                    number,
                    str(COLUMNS[3].header),
                    _("Unknown kind “%(k)s”.") % {"k": cell_text(cell("kind"))},
                )
            )
            continue
        item: dict[str, Any] = {
            "code": code,
            "text": cell_text(cell("text")),
            "kind": kind,
            "formula": cell_text(cell("formula")),
            "lower_is_better": bool(cell_text(cell("lower_is_better"))),
            "guidance": str(cell("guidance") or "").strip(),
            "evidence": cell_text(cell("evidence")),
        }
        for key in NUMBERS:
            value = parse_number(cell(key))
            if value is not None:
                item[key] = value
        if kind == "group":
            item["children"] = []
        parent = cell_text(cell("parent"))
        if parent:
            group = nodes.get(parent)
            if group is None or group["kind"] != "group":
                problems.append(
                    RowProblem(
                        number,
                        str(COLUMNS[1].header),
                        _("“%(p)s” is not a group on a row above.") % {"p": parent},
                    )
                )
                continue
            group["children"].append(item)
        else:
            top.append(item)
        if code:
            nodes.setdefault(code, item)
    return top, problems


def data_to_rows(criteria: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tree as rows, each group followed by its criteria (the order of the sheet)."""
    rows: list[dict[str, Any]] = []

    def walk(items: Sequence[Mapping[str, Any]], parent: str) -> None:
        for item in items:
            rows.append({**item, "parent": parent})
            walk(item.get("children") or [], str(item.get("code")))

    walk(criteria, "")
    return rows
