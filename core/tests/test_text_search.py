"""Search that ignores diacritics and case, the same on SQLite and PostgreSQL, exact parts first."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from core.search import fenced_key, search
from core.text import fold, normalize_name, number_text
from orgs.models import Org
from orgs.selectors import org_list
from orgs.services import org_create
from people.models import Person
from people.selectors import person_list
from people.services import person_create


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bắc  Kạn", "bac kan"),
        ("BẮC KẠN", "bac kan"),
        ("Đà Nẵng", "da nang"),
        ("đường Điện Biên Phủ", "duong dien bien phu"),
        ("  Thừa Thiên – Huế ", "thua thien – hue"),
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("Hoà Bình", "hoa binh"),
        (unicodedata.normalize("NFD", "Hòa Bình"), "hoa binh"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_folds_diacritics_case_and_spaces(text: str | None, folded: str) -> None:
    assert fold(text) == folded


def test_it_normalizes_names_to_composed_single_spaced_text() -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị\tLan ")

    assert normalize_name(decomposed) == "Nguyễn Thị Lan"
    assert normalize_name(decomposed) == unicodedata.normalize("NFC", "Nguyễn Thị Lan")
    assert normalize_name(None) == ""


def test_it_fences_each_folded_part() -> None:
    assert fenced_key("19", "Tỉnh Thái Nguyên", "", "  ", "Thái Nguyên") == (
        "| 19 | tinh thai nguyen | thai nguyen |"
    )


@pytest.fixture
def decoys(thai_nguyen: Org, bac_kan: Org) -> None:
    """Units whose names contain the searched words without being them; they sort first by name."""
    org_create(
        actor=None,
        code="19.SNV",
        name="Sở Nội vụ tỉnh Thái Nguyên",
        kind="department",
        parent=thai_nguyen,
    )
    org_create(
        actor=None, code="19.CD", name="Công đoàn Thái Nguyên", kind="mass_org", parent=thai_nguyen
    )
    org_create(
        actor=None, code="06.SNV", name="Sở Nội vụ tỉnh Bắc Kạn", kind="department", parent=bac_kan
    )


def ranked(query: str) -> list[str]:
    return [o.name for o in search(Org.objects.all(), query).order_by("search_rank", "name", "id")]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("thai nguyen", "Tỉnh Thái Nguyên"),
        ("Thái Nguyên", "Tỉnh Thái Nguyên"),
        ("bac kan", "Tỉnh Bắc Kạn"),
        ("BẮC KẠN", "Tỉnh Bắc Kạn"),
        ("  bắc   kạn ", "Tỉnh Bắc Kạn"),
        ("đà nẵng", "Thành phố Đà Nẵng"),
        ("da nang", "Thành phố Đà Nẵng"),
        ("hcm", "Thành phố Hồ Chí Minh"),
        ("sai gon", "Thành phố Hồ Chí Minh"),
        ("thua thien hue", "Thành phố Huế"),
        ("Thừa Thiên Huế", "Thành phố Huế"),
        ("hoa binh", "Tỉnh Hòa Bình"),
        ("br-vt", "Tỉnh Bà Rịa – Vũng Tàu"),
        ("19", "Tỉnh Thái Nguyên"),
    ],
)
def test_it_ranks_the_exact_part_first(decoys: None, query: str, first: str) -> None:
    assert ranked(query)[0] == first


def test_it_finds_every_unit_containing_all_words(decoys: None) -> None:
    assert ranked("thai nguyen") == [
        "Tỉnh Thái Nguyên",
        "Công đoàn Thái Nguyên",
        "Sở Nội vụ tỉnh Thái Nguyên",
    ]
    assert ranked("bac kan") == ["Tỉnh Bắc Kạn", "Sở Nội vụ tỉnh Bắc Kạn"]
    assert ranked("so noi vu bac kan") == ["Sở Nội vụ tỉnh Bắc Kạn"]


def test_it_ranks_a_prefix_before_a_match_inside_a_part(db: Any) -> None:
    org_create(actor=None, code="A1", name="Bắc Kạn mới", kind="other")
    org_create(actor=None, code="A2", name="Ban Bắc Kạn", kind="other")

    assert ranked("bac kan") == ["Tỉnh Bắc Kạn", "Bắc Kạn mới", "Ban Bắc Kạn"]


@pytest.mark.parametrize("query", ["", "   ", "|", " | "])
def test_it_leaves_the_list_alone_for_an_empty_query(db: Any, query: str) -> None:
    assert search(Org.objects.all(), query).count() == Org.objects.count()


@pytest.mark.parametrize("query", ["ha noi xyz", "thai nguyen | bac kan", "thai  nguyen bac"])
def test_it_finds_nothing_when_a_word_is_missing(db: Any, query: str) -> None:
    assert ranked(query) == []


def test_it_treats_fence_characters_as_spaces(db: Any) -> None:
    assert ranked("| 19 |") == ["Tỉnh Thái Nguyên"]


def test_it_searches_through_the_org_selector(decoys: None, admin_user: User) -> None:
    assert [o.name for o in org_list(user=admin_user, filters={"q": "thai nguyen"})] == [
        "Tỉnh Thái Nguyên",
        "Công đoàn Thái Nguyên",
        "Sở Nội vụ tỉnh Thái Nguyên",
    ]


def test_it_searches_only_what_the_user_may_see(decoys: None, viewer_bac_giang: User) -> None:
    assert list(org_list(user=viewer_bac_giang, filters={"q": "thai nguyen"})) == []


# --- people ------------------------------------------------------------------------------------


@pytest.fixture
def namesakes(snv_thai_nguyen: Org) -> None:
    for name, year in [
        ("Đỗ Nguyễn Thị Lan", 1990),  # sorts first by name, but only contains the words
        ("Nguyễn Thị Lan Anh", 1991),
        ("Nguyễn Thị Lan", 1985),
        ("Nguyễn Văn Lan", 1980),
        ("Trần Thị Mai", 1982),
    ]:
        person_create(actor=None, full_name=name, gender="F", birth_year=year, unit=snv_thai_nguyen)


def people_found(user: User, query: str) -> list[str]:
    return [p.full_name for p in person_list(user=user, filters={"q": query})]


@pytest.mark.parametrize(
    "query", ["nguyen thi lan", "Nguyễn Thị Lan", "NGUYỄN THỊ LAN", " nguyen  THI lan "]
)
def test_it_finds_a_person_ignoring_diacritics_exact_name_first(
    namesakes: None, admin_user: User, query: str
) -> None:
    assert people_found(admin_user, query) == [
        "Nguyễn Thị Lan",
        "Nguyễn Thị Lan Anh",
        "Đỗ Nguyễn Thị Lan",
    ]


def test_it_finds_people_by_one_word(namesakes: None, admin_user: User) -> None:
    assert people_found(admin_user, "lan") == [
        "Đỗ Nguyễn Thị Lan",
        "Nguyễn Thị Lan",
        "Nguyễn Thị Lan Anh",
        "Nguyễn Văn Lan",
    ]


def test_it_finds_people_only_in_reach(namesakes: None, viewer_bac_giang: User) -> None:
    assert people_found(viewer_bac_giang, "nguyen thi lan") == []


def test_it_lists_everyone_for_an_empty_query(namesakes: None, admin_user: User) -> None:
    assert len(people_found(admin_user, "  ")) == Person.objects.count() == 5


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1234567, "1.234.567"),
        (-3, "-3"),
        (Decimal("12.50"), "12,5"),
        (Decimal("1E+3"), "1.000"),
        ("95.5", "95,5"),
        (None, "0"),
        ("", "0"),
        ("n/a", "n/a"),
    ],
)
def test_documents_write_numbers_the_vietnamese_way(value: object, text: str) -> None:
    assert number_text(value) == text
