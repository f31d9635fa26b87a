"""The yearly statistical report on emulation and commendation: its rows, columns and placeholders,
and the pure arithmetic that turns counts from the register into the report's figures.

The layout follows the Ministry of Home Affairs' statistical forms for the sector (chế độ báo cáo
thống kê ngành Nội vụ, lĩnh vực thi đua, khen thưởng: Thông tư 03/2018/TT-BNV, replaced by
Thông tư 02/2023/TT-BNV from 10/5/2023, itself followed by Thông tư 18/2025/TT-BNV of 8/10/2025).
**Unconfirmed:** the forms' numbers (biểu số) and their exact rows and columns could not be checked
against the circulars' annexes, so no form code is written and the rows are the ones the forms are
known to count (movements launched; state, ministry/province and grassroots commendations, for
collectives and individuals, leaders and direct workers). An officer adjusts the layout by uploading
their own template; the figures stay the same.

The reporting period of the sector's statistics is 1 December of the year before to 30 November of
the report year (Thông tư 02/2023/TT-BNV, as quoted by Sở Nội vụ Hưng Yên: a secondary source), so it
is the default; the calendar year can be chosen instead. A commendation counts in the period its
decision was signed in (Decision.date), not by its year of achievement: a statistical report counts
the awards made in the period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.text import number_text

# --- the period --------------------------------------------------------------------------------

PERIOD_STATISTICAL = "thong_ke"
PERIOD_CALENDAR = "nam"
PERIODS = (PERIOD_STATISTICAL, PERIOD_CALENDAR)


def period(year: int, basis: str = PERIOD_STATISTICAL) -> tuple[dt.date, dt.date]:
    """The first and last day of the report's period for `year` (both counted)."""
    if basis == PERIOD_CALENDAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if basis == PERIOD_STATISTICAL:
        return dt.date(year - 1, 12, 1), dt.date(year, 11, 30)
    raise ValueError(f"unknown period basis {basis!r}")


# --- rows and columns --------------------------------------------------------------------------

# Award levels and kinds as register.models stores them (kept as plain strings: no database here).
NHA_NUOC, CHINH_PHU, BO_TINH, CO_SO = "nha_nuoc", "chinh_phu", "bo_tinh", "co_so"
TITLE, FORM = "title", "form"
LEADER, WORKER, FEMALE = "leader", "worker", "F"


@dataclass(frozen=True)
class Row:
    """A line of the report: its placeholder prefix and its label on the form."""

    key: str
    label: str


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    rows: tuple[Row, ...]
    total: Row


NN = Section(
    "nn",
    "Khen thưởng cấp Nhà nước (Chủ tịch nước, Thủ tướng Chính phủ)",
    (
        Row("nn.huan_chuong", "Huân chương"),
        Row("nn.danh_hieu_vinh_du", "Danh hiệu vinh dự nhà nước"),
        Row("nn.cstd_tq", "Chiến sĩ thi đua toàn quốc"),
        Row("nn.co_cp", "Cờ thi đua của Chính phủ"),
        Row("nn.bk_ttg", "Bằng khen của Thủ tướng Chính phủ"),
        Row("nn.khac", "Hình thức khác (huy chương, giải thưởng…)"),
    ),
    Row("nn.cong", "Cộng khen thưởng cấp Nhà nước"),
)
BT = Section(
    "bt",
    "Khen thưởng cấp bộ, ban, ngành, tỉnh",
    (
        Row("bt.cstd", "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"),
        Row("bt.co_thi_dua", "Cờ thi đua của bộ, ban, ngành, tỉnh"),
        Row("bt.ttldxs", "Tập thể lao động xuất sắc"),
        Row("bt.bang_khen", "Bằng khen của bộ, ban, ngành, tỉnh"),
        Row("bt.khac", "Danh hiệu, hình thức khác"),
    ),
    Row("bt.cong", "Cộng khen thưởng cấp bộ, ban, ngành, tỉnh"),
)
CS = Section(
    "cs",
    "Khen thưởng cấp cơ sở",
    (
        Row("cs.cstd", "Chiến sĩ thi đua cơ sở"),
        Row("cs.ldtt", "Lao động tiên tiến"),
        Row("cs.ttldtt", "Tập thể lao động tiên tiến"),
        Row("cs.giay_khen", "Giấy khen"),
        Row("cs.khac", "Danh hiệu khác (gia đình, thôn, tổ dân phố văn hóa…)"),
    ),
    Row("cs.cong", "Cộng khen thưởng cấp cơ sở"),
)
AWARD_SECTIONS = (NN, BT, CS)
GRAND_TOTAL = Row("tong.cong", "Tổng số khen thưởng")

DE_NGHI = Section(
    "de_nghi",
    "Đề nghị khen thưởng gửi cấp trên",
    (
        Row("de_nghi.nn", "Đề nghị khen thưởng cấp Nhà nước"),
        Row("de_nghi.bt", "Đề nghị khen thưởng cấp bộ, ban, ngành, tỉnh"),
        Row("de_nghi.cs", "Đề nghị khen thưởng cấp cơ sở"),
    ),
    Row("de_nghi.cong", "Cộng số tập thể, cá nhân được đề nghị"),
)

# (key, label on the form, meaning on the placeholders page)
COLUMNS: tuple[tuple[str, str, Any], ...] = (
    ("tap_the", "Tập thể", _("collectives (units, households, villages)")),
    ("ca_nhan", "Cá nhân", _("individuals")),
    ("lanh_dao", "Lãnh đạo, quản lý", _("individuals who are leaders or managers")),
    ("lao_dong", "Người lao động trực tiếp", _("individuals who are direct workers")),
    ("nu", "Nữ", _("individuals who are women")),
    ("tong", "Tổng số", _("collectives and individuals together")),
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)

MOVEMENTS: tuple[Row, ...] = (
    Row("phong_trao.thuong_xuyen", "Phong trào thi đua thường xuyên"),
    Row("phong_trao.chuyen_de", "Phong trào thi đua theo đợt, chuyên đề"),
)
MOVEMENTS_TOTAL = Row("phong_trao.cong", "Số phong trào thi đua được phát động")
DOSSIERS = Row("de_nghi.ho_so", "Số hồ sơ đề nghị khen thưởng gửi cấp trên")

# Text placeholders: key → meaning.
TEXT_FIELDS: tuple[tuple[str, Any], ...] = (
    ("unit_name", _("the reporting unit's name")),
    ("unit_code", _("the reporting unit's code")),
    ("receiver_name", _("the unit the report is sent to (the parent unit, else Bộ Nội vụ)")),
    ("year", _("the report's year")),
    ("period_start", _("the first day of the period (dd/mm/yyyy)")),
    ("period_end", _("the last day of the period (dd/mm/yyyy)")),
    ("period_text", _("the period in words (“từ ngày 01/12/2023 đến ngày 30/11/2024”)")),
    ("report_date", _("the day the report is made (dd/mm/yyyy)")),
    ("place_date", _("the place and date line (“Thái Nguyên, ngày 05 tháng 12 năm 2024”)")),
    ("preparer", _("the person who prepared the report (Người lập biểu)")),
    ("signer", _("the head of the unit who signs (Thủ trưởng đơn vị), as typed on the page")),
)
TEXT_KEYS = frozenset(k for k, _ in TEXT_FIELDS)


def table_rows(section: Section) -> tuple[Row, ...]:
    return (*section.rows, section.total)


def number_keys() -> list[str]:
    """Every numeric placeholder, in the form's order."""
    keys = [MOVEMENTS_TOTAL.key, *(r.key for r in MOVEMENTS), DOSSIERS.key]
    for section in (*AWARD_SECTIONS, DE_NGHI):
        keys += [f"{row.key}.{col}" for row in table_rows(section) for col in COLUMN_KEYS]
    keys += [f"{GRAND_TOTAL.key}.{col}" for col in COLUMN_KEYS]
    return keys


NUMBER_KEYS = frozenset(number_keys())
KNOWN_KEYS = NUMBER_KEYS | TEXT_KEYS


# --- classifying the register's awards ---------------------------------------------------------


@dataclass(frozen=True)
class AwardInfo:
    """What the classification needs of a catalogue entry (register.Award)."""

    level: str
    kind: str
    name: str


SPECIFIC = {
    "CSTD_TQ": "nn.cstd_tq",
    "CO_CP": "nn.co_cp",
    "BK_TTG": "nn.bk_ttg",
    "CSTD_BO": "bt.cstd",
    "CO_BO": "bt.co_thi_dua",
    "TTLDXS": "bt.ttldxs",
    "BK_BO": "bt.bang_khen",
    "CSTD_CS": "cs.cstd",
    "LDTT": "cs.ldtt",
    "TTLDTT": "cs.ttldtt",
    "GK": "cs.giay_khen",
}


def classify(code: str, award: AwardInfo | None) -> str | None:
    """The report row of a title or form: its own row for the codes the form names, else by its
    level (a Huân chương by its name, a state title as an honorary title); None when unknown."""
    if code in SPECIFIC:
        return SPECIFIC[code]
    if award is None:
        return None
    if award.level == NHA_NUOC and award.kind == FORM and award.name.startswith("Huân chương"):
        return "nn.huan_chuong"
    if award.level == NHA_NUOC and award.kind == TITLE:
        return "nn.danh_hieu_vinh_du"
    if award.level in (NHA_NUOC, CHINH_PHU):
        return "nn.khac"
    if award.level == BO_TINH:
        return "bt.khac"
    if award.level == CO_SO:
        return "cs.khac"
    return None


@dataclass(frozen=True)
class Count:
    """How many recipients share a row's key: collective or individual (with the individual's
    category and gender)."""

    key: str
    collective: bool
    category: str = ""
    gender: str = ""
    n: int = 1


def columns_of(count: Count) -> tuple[str, ...]:
    """The columns one group of recipients counts in."""
    if count.collective:
        return ("tap_the", "tong")
    cols = ["ca_nhan", "tong"]
    if count.category == LEADER:
        cols.append("lanh_dao")
    if count.category == WORKER:
        cols.append("lao_dong")
    if count.gender == FEMALE:
        cols.append("nu")
    return tuple(cols)


def section_figures(sections: Iterable[Section], counts: Iterable[Count]) -> dict[str, int]:
    """Every row × column of the sections, zero-filled; each section's total row adds its rows."""
    sections = tuple(sections)
    figures = {
        f"{row.key}.{col}": 0 for s in sections for row in table_rows(s) for col in COLUMN_KEYS
    }
    totals = {row.key: s.total.key for s in sections for row in s.rows}
    for count in counts:
        if count.key not in totals:
            raise ValueError(f"no row {count.key!r}")
        for col in columns_of(count):
            figures[f"{count.key}.{col}"] += count.n
            figures[f"{totals[count.key]}.{col}"] += count.n
    return figures


@dataclass(frozen=True)
class AwardRow:
    """A group of register records: the code, collective or individual, category and gender."""

    code: str
    collective: bool
    category: str
    gender: str
    n: int


def award_figures(
    rows: Iterable[AwardRow], catalogue: Mapping[str, AwardInfo]
) -> tuple[dict[str, int], dict[str, int]]:
    """The award sections' figures with the grand total, and the records whose code the
    catalogue does not know (by code: counted nowhere, shown to the officer)."""
    counts: list[Count] = []
    unknown: dict[str, int] = {}
    for row in rows:
        key = classify(row.code, catalogue.get(row.code))
        if key is None:
            unknown[row.code] = unknown.get(row.code, 0) + row.n
            continue
        counts.append(Count(key, row.collective, row.category, row.gender, row.n))
    figures = section_figures(AWARD_SECTIONS, counts)
    for col in COLUMN_KEYS:
        figures[f"{GRAND_TOTAL.key}.{col}"] = sum(
            figures[f"{s.total.key}.{col}"] for s in AWARD_SECTIONS
        )
    return figures, unknown


def proposal_key(level: str) -> str:
    """The proposals' row for the level a dossier goes to."""
    if level in (NHA_NUOC, CHINH_PHU):
        return "de_nghi.nn"
    if level == BO_TINH:
        return "de_nghi.bt"
    return "de_nghi.cs"


def movement_figures(regular: int, thematic: int) -> dict[str, int]:
    return {
        "phong_trao.thuong_xuyen": regular,
        "phong_trao.chuyen_de": thematic,
        "phong_trao.cong": regular + thematic,
    }


# --- placeholders ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
WHOLE = re.compile(r"^\s*\{\{\s*([^{}]*?)\s*\}\}\s*$")


def placeholders_in(text: str) -> tuple[list[str], bool]:
    """The placeholder names in a cell's text, and whether the text has a broken one (a "{{"
    or "}}" left over once the well-formed ones are taken out)."""
    names = PLACEHOLDER.findall(text)
    rest = PLACEHOLDER.sub("", text)
    return names, ("{{" in rest or "}}" in rest)


def fill_text(text: str, values: Mapping[str, object]) -> object:
    """A cell's new value: a cell that is one placeholder takes the value itself (a number stays a
    number); placeholders inside text are replaced by their text (figures as 1.234)."""
    whole = WHOLE.match(text)
    if whole and whole.group(1) in values:
        return values[whole.group(1)]

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        if isinstance(value, int) and name not in TEXT_KEYS:
            return number_text(value)  # a figure; the year stays 2024
        return str(value)

    return PLACEHOLDER.sub(one, text)
