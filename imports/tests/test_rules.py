"""imports.rules: pure parsing of headers and cells (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.text import fold
from imports import rules
from imports.tests.helpers import (
    org_headers,
    people_header,
    people_headers,
    vi,
    vi_catalogue_compiled,
)
from orgs.models import OrgKind
from people.models import Category

PEOPLE_KEYS = [c.key for c in rules.PEOPLE_COLUMNS]
REQUIRED_PEOPLE = {c.key for c in rules.PEOPLE_COLUMNS if c.required}


needs_vi_catalogue = pytest.mark.skipif(
    not vi_catalogue_compiled(),
    reason="locale/vi/LC_MESSAGES/django.mo is not compiled yet",
)


# parse_date ------------------------------------------------------------------------------------


def test_it_reads_a_date_written_dd_mm_yyyy() -> None:
    assert rules.parse_date("05/03/2020") == dt.date(2020, 3, 5)
    assert rules.parse_date(" 5/3/2020 ") == dt.date(2020, 3, 5)


def test_it_reads_the_other_accepted_date_spellings() -> None:
    assert rules.parse_date("05-03-2020") == dt.date(2020, 3, 5)
    assert rules.parse_date("05.03.2020") == dt.date(2020, 3, 5)
    assert rules.parse_date("2020-03-05") == dt.date(2020, 3, 5)


def test_it_takes_date_and_datetime_cells_as_they_are() -> None:
    assert rules.parse_date(dt.date(2020, 3, 5)) == dt.date(2020, 3, 5)
    assert rules.parse_date(dt.datetime(2020, 3, 5, 14, 30)) == dt.date(2020, 3, 5)


def test_it_reads_an_empty_date_cell_as_none() -> None:
    assert rules.parse_date(None) is None
    assert rules.parse_date("") is None
    assert rules.parse_date("   ") is None


@pytest.mark.parametrize(
    "text",
    ["31/02/2020", "32/01/2020", "05/13/2020", "2020/03/05", "5 tháng 3 năm 2020", "03/2020", "x"],
)
def test_it_refuses_a_date_in_another_format(text: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_date(text)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_it_reads_back_any_date_written_dd_mm_yyyy(day: dt.date) -> None:
    assert rules.parse_date(day.strftime("%d/%m/%Y")) == day
    assert rules.parse_date(day) == day


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)))
def test_it_keeps_the_day_of_any_datetime(moment: dt.datetime) -> None:
    assert rules.parse_date(moment) == moment.date()


# parse_year ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [1985, 1985.0, "1985", " 1985 ", dt.date(1985, 6, 1), dt.datetime(1985, 6, 1)]
)
def test_it_reads_a_birth_year(value: object) -> None:
    assert rules.parse_year(value) == 1985


def test_it_reads_an_empty_year_cell_as_none() -> None:
    assert rules.parse_year(None) is None
    assert rules.parse_year("") is None
    assert rules.parse_year("  ") is None


@pytest.mark.parametrize("value", ["19x5", "1985.5", 1985.5, "-1985", "năm 1985", "1,985"])
def test_it_refuses_a_year_that_is_not_a_whole_number(value: object) -> None:
    with pytest.raises(ValueError):
        rules.parse_year(value)


@given(st.integers(min_value=0, max_value=99999))
def test_it_reads_back_any_whole_year(year: int) -> None:
    assert rules.parse_year(str(year)) == year
    assert rules.parse_year(float(year)) == year
    assert rules.parse_year(year) == year


@given(st.text(alphabet="0123456789", min_size=2, max_size=4), st.sampled_from("x-./ aB"))
def test_it_refuses_digits_with_any_other_character_in_them(digits: str, intruder: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_year(digits[:1] + intruder + digits[1:])


# parse_choice ----------------------------------------------------------------------------------


def test_it_reads_a_choice_by_its_code_any_case() -> None:
    assert rules.parse_choice("leader", Category.choices) == "leader"
    assert rules.parse_choice(" WORKER ", Category.choices) == "worker"
    assert rules.parse_choice("Public_Service", OrgKind.choices) == "public_service"


def test_it_reads_a_choice_by_its_english_label() -> None:
    assert rules.parse_choice("Leader or manager", Category.choices) == "leader"
    assert rules.parse_choice("direct WORKER", Category.choices) == "worker"
    assert rules.parse_choice("Department or agency", OrgKind.choices) == "department"
    assert (
        rules.parse_choice("Civil servant or employee without a leading post", Category.choices)
        == "staff"
    )


@pytest.mark.parametrize("code", Category.values)
def test_it_reads_a_category_by_its_vietnamese_label_with_or_without_diacritics(code: str) -> None:
    with translation.override("vi"):
        label = str(Category(code).label)
    assert rules.parse_choice(label, Category.choices) == code
    assert rules.parse_choice(fold(label).upper(), Category.choices) == code


@pytest.mark.parametrize("code", OrgKind.values)
def test_it_reads_a_kind_of_unit_by_its_vietnamese_label(code: str) -> None:
    with translation.override("vi"):
        label = str(OrgKind(code).label)
    assert rules.parse_choice(label, OrgKind.choices) == code


def test_it_matches_a_vietnamese_label_ignoring_diacritics_and_case() -> None:
    choices = [("leader", "Lãnh đạo, quản lý"), ("worker", "Người lao động trực tiếp")]
    assert rules.parse_choice("Lãnh đạo, quản lý", choices) == "leader"
    assert rules.parse_choice("LANH DAO, QUAN LY", choices) == "leader"
    assert rules.parse_choice("nguoi  lao dong truc tiep", choices) == "worker"


def test_it_reads_an_empty_choice_as_none() -> None:
    assert rules.parse_choice(None, Category.choices) is None
    assert rules.parse_choice("", Category.choices) is None
    assert rules.parse_choice("   ", Category.choices) is None


@pytest.mark.parametrize("value", ["boss", "Lãnh đạo tỉnh", "leaders", 1])
def test_it_refuses_an_unknown_choice(value: object) -> None:
    with pytest.raises(ValueError):
        rules.parse_choice(value, Category.choices)


@given(st.sampled_from(Category.choices), st.sampled_from(["en", "vi"]), st.booleans())
def test_it_reads_every_category_label_in_either_language(
    choice: tuple[str, object], lang: str, shout: bool
) -> None:
    code, label = choice
    with translation.override(lang):
        text = str(label)
    assert rules.parse_choice(text.upper() if shout else text, Category.choices) == code


@needs_vi_catalogue
@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("Lãnh đạo, quản lý", "leader"),
        ("Người lao động trực tiếp", "worker"),
        ("Công chức, viên chức, người lao động", "staff"),
    ],
)
def test_it_reads_the_category_labels_the_template_notes_promise(label: str, code: str) -> None:
    assert rules.parse_choice(label, Category.choices) == code


@needs_vi_catalogue
def test_it_reads_the_kind_of_unit_of_the_template_example_row() -> None:
    example = next(c.example for c in rules.ORG_COLUMNS if c.key == "kind")
    assert rules.parse_choice(example, OrgKind.choices) == "department"


# match_headers ---------------------------------------------------------------------------------


def test_it_finds_every_column_of_the_template_headers_in_vietnamese() -> None:
    positions, problems = rules.match_headers(people_headers("vi"), rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {key: i for i, key in enumerate(PEOPLE_KEYS)}


def test_it_finds_every_column_of_english_headers() -> None:
    english = [
        "Full name",
        "Gender",
        "Birth year",
        "Ethnicity",
        "Position",
        "Category",
        "Unit code",
        "Posting start date",
        "ID number",
        "Note",
    ]
    assert people_headers("en", star=False) == english
    positions, problems = rules.match_headers(english, rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {key: i for i, key in enumerate(PEOPLE_KEYS)}


def test_it_finds_org_columns_in_english_and_vietnamese() -> None:
    for lang in ("vi", "en"):
        positions, problems = rules.match_headers(org_headers(lang), rules.ORG_COLUMNS)
        assert problems == []
        assert positions == {c.key: i for i, c in enumerate(rules.ORG_COLUMNS)}


def test_it_matches_headers_ignoring_diacritics_case_spaces_and_the_star() -> None:
    vi_headers = people_headers("vi", star=False)
    mangled = [
        "  " + fold(vi_headers[0]).upper() + " *",
        vi_headers[1] + "*",
        fold(vi_headers[2]),
        vi_headers[3].upper(),
        vi_headers[4],
        vi_headers[5],
        "UNIT   CODE *",
        "posting start date",
        "id number",
        "NOTE",
    ]
    positions, problems = rules.match_headers(mangled, rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {key: i for i, key in enumerate(PEOPLE_KEYS)}


def test_it_accepts_the_column_keys_as_headers() -> None:
    positions, problems = rules.match_headers(PEOPLE_KEYS, rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {key: i for i, key in enumerate(PEOPLE_KEYS)}


def test_it_ignores_unknown_and_empty_header_cells_and_keeps_the_first_of_a_repeat() -> None:
    row = [None, "Ghi chú riêng", "Full name", "", "Gender", "Unit code", "Full name", 42]
    positions, problems = rules.match_headers(row, rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {"full_name": 2, "gender": 4, "unit_code": 5}


def test_it_reports_each_missing_required_column_at_row_1() -> None:
    row = [
        h
        for h, c in zip(people_headers("vi"), rules.PEOPLE_COLUMNS, strict=True)
        if c.key != "unit_code"
    ]
    positions, problems = rules.match_headers(row, rules.PEOPLE_COLUMNS)
    assert "unit_code" not in positions
    assert [p.as_dict() for p in problems] == [
        {
            "row": 1,
            "column": people_header("unit_code"),
            "message": vi("The required column “%(c)s” is missing.", c=people_header("unit_code")),
        }
    ]


def test_it_reports_all_required_columns_of_an_empty_header_row() -> None:
    _positions, problems = rules.match_headers([], rules.PEOPLE_COLUMNS)
    assert [(p.row, p.column) for p in problems] == [
        (1, people_header(key)) for key in PEOPLE_KEYS if key in REQUIRED_PEOPLE
    ]


@given(
    st.permutations(range(len(rules.PEOPLE_COLUMNS))),
    st.sampled_from(["vi", "en"]),
    st.sampled_from([str, str.upper, str.lower, fold]),
    st.booleans(),
)
def test_it_finds_columns_in_any_order_language_and_case(
    order: list[int], lang: str, transform: Callable[[str], str], star: bool
) -> None:
    names = people_headers(lang, star=star)
    shuffled = [transform(names[i]) for i in order]
    positions, problems = rules.match_headers(shuffled, rules.PEOPLE_COLUMNS)
    assert problems == []
    assert positions == {PEOPLE_KEYS[i]: place for place, i in enumerate(order)}


@given(st.sets(st.sampled_from(PEOPLE_KEYS)))
def test_it_reports_exactly_the_required_columns_left_out(left_out: set[str]) -> None:
    row = [
        h for h, key in zip(people_headers("vi"), PEOPLE_KEYS, strict=True) if key not in left_out
    ]
    positions, problems = rules.match_headers(row, rules.PEOPLE_COLUMNS)
    assert set(positions) == set(PEOPLE_KEYS) - left_out
    assert [p.column for p in problems] == [
        people_header(key) for key in PEOPLE_KEYS if key in left_out & REQUIRED_PEOPLE
    ]
    assert {p.row for p in problems} <= {1}


# cells -----------------------------------------------------------------------------------------


def test_it_writes_whole_numbers_without_a_decimal_point_and_tidies_spaces() -> None:
    assert rules.cell_text(None) == ""
    assert rules.cell_text(1985.0) == "1985"
    assert rules.cell_text(19.5) == "19.5"
    assert rules.cell_text("  Nguyễn   Thị  Lan ") == "Nguyễn Thị Lan"


def test_it_calls_a_row_of_empty_cells_blank() -> None:
    assert rules.is_blank([None, "", "   "])
    assert rules.is_blank([])
    assert not rules.is_blank([None, "", 0])


def test_it_reports_each_empty_required_cell_with_its_row_and_header() -> None:
    positions = {key: i for i, key in enumerate(PEOPLE_KEYS)}
    raw = ["", "Nam", 1980, "", "", "", "   ", "", "", ""]
    parsed = rules.read_cells(raw, positions, rules.PEOPLE_COLUMNS, 7)
    assert parsed.row == 7
    assert parsed.values["gender"] == "Nam"
    assert parsed.values["birth_year"] == 1980
    assert [p.as_dict() for p in parsed.problems] == [
        {
            "row": 7,
            "column": people_header("full_name"),
            "message": vi("This cell must not be empty."),
        },
        {
            "row": 7,
            "column": people_header("unit_code"),
            "message": vi("This cell must not be empty."),
        },
    ]


def test_it_reads_a_short_row_as_empty_cells() -> None:
    positions = {"full_name": 0, "gender": 1, "unit_code": 6}
    parsed = rules.read_cells(["Lê Văn Tám"], positions, rules.PEOPLE_COLUMNS, 3)
    assert parsed.values["full_name"] == "Lê Văn Tám"
    assert parsed.values["note"] is None
    assert [p.column for p in parsed.problems] == [
        people_header("gender"),
        people_header("unit_code"),
    ]
