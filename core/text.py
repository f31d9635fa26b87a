"""Text helpers shared by every app: diacritic-insensitive search keys."""

import re
import unicodedata
from decimal import Decimal

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces: `Bắc  Kạn` → `bac kan`.

    Stored beside names so that search ignores diacritics and case on SQLite and PostgreSQL alike.
    """
    if not text:
        return ""
    text = text.replace("\x00", "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().casefold()


def normalize_name(text: str | None) -> str:
    """Tidy a person's or unit's name as typed: NFC, single spaces, no edge spaces."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def parse_number(value: object) -> str | None:
    """A number as typed in the interface's format (1.234,5 · 1234,5 · 1234.5; a dot followed by
    three digits groups thousands) or read from a cell → "1234.5"; None when empty. Whether it is
    a valid number is for the caller to check."""
    from django.utils.formats import sanitize_separators

    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    return str(sanitize_separators(str(value).strip().replace(" ", "").replace("\u00a0", "")))


def number_text(value: object, *, empty: str = "0") -> str:
    """A count, amount or score as Vietnamese documents write it: 1.234.567 · 12,5 · -3 (dots between
    thousands, a decimal comma, no trailing zeros); `empty` when there is none. What is not a number
    is returned as it is."""
    from decimal import InvalidOperation

    if value is None or value == "":
        return empty
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    whole, _sep, frac = f"{d.normalize():f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"


def number_input(value: Decimal) -> str:
    """A stored decimal as a form shows it, so that saving it again gives the same value
    (Decimal("1050.00") → "1.050", Decimal("2.50") → "2,5")."""
    from django.utils.formats import localize_input

    return str(localize_input(value.normalize() if value % 1 else int(value)))
