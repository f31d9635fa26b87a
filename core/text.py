"""Text helpers shared by every app: diacritic-insensitive search keys."""

import re
import unicodedata

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
