"""Pure rules of the document service: page geometry, safe file names, column widths that fit the
page, the names a replacement template may use. No database, no files."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence

# A4 less the margins of Decree 30 (left 3 cm, right 2 cm; top and bottom 2 cm).
PORTRAIT_TEXT_CM = 21.0 - 3.0 - 2.0
LANDSCAPE_TEXT_CM = 29.7 - 3.0 - 2.0
MIN_SIZE, MAX_SIZE = 8, 28
FILENAME_MAX = 100
KIND_KEY = re.compile(r"[a-z][a-z0-9_]{0,49}")
FIELD_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")
# Names a template cannot take for a field: Jinja's own words and what docxtpl puts in the context.
RESERVED = frozenset(
    {"true", "false", "none", "True", "False", "None", "loop", "self", "varargs", "kwargs"}
    | {"and", "or", "not", "in", "is", "if", "else", "elif", "for", "endfor", "endif", "block"}
    | {"set", "with", "macro", "call", "filter", "import", "include", "extends", "raw", "tpl"}
    | set(keyword.kwlist)
)


def check_size(size: int) -> int:
    """A font size in points that a document may use (8–28)."""
    if not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(
            f"font size must be a whole number of points from {MIN_SIZE} to {MAX_SIZE}"
        )
    return size


def safe_filename(text: str) -> str:
    """A file name without extension that every system and browser keeps as it is: Vietnamese
    letters without their marks, anything else but letters, digits and underscores as single
    hyphens ("Báo cáo 2017" → "Bao-cao-2017"); "van-ban" when nothing is left."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    name = re.sub(r"[^A-Za-z0-9_]+", "-", bare).strip("-_")[:FILENAME_MAX].strip("-_")
    return name or "van-ban"


def fit_widths(widths: Sequence[float], available: float) -> tuple[float, ...]:
    """Column widths as given when they fit in `available` cm, else shrunk in proportion so
    that they fill it exactly."""
    total = sum(widths)
    if total <= available:
        return tuple(widths)
    return tuple(w * available / total for w in widths)


def check_kind_key(key: str) -> str:
    """A kind's key: lower-case letters, digits and underscores, starting with a letter."""
    if not KIND_KEY.fullmatch(key or ""):
        raise ValueError(f"document kind key {key!r} must match {KIND_KEY.pattern}")
    return key


def check_field_keys(keys: Iterable[str]) -> None:
    """Field keys are names a template can write ({{ cluster }}): identifiers, none reserved,
    none twice among siblings."""
    seen: set[str] = set()
    for key in keys:
        if not FIELD_KEY.fullmatch(key or "") or key in RESERVED:
            raise ValueError(f"field key {key!r} is not a name a template can use")
        if key in seen:
            raise ValueError(f"field key {key!r} appears twice")
        seen.add(key)


def unknown_names(used: Iterable[str], known: Iterable[str]) -> list[str]:
    """The names a template uses that are not fields of its kind, sorted."""
    return sorted(set(used) - set(known))
