"""The pure rules: the verification code and how a typed one is read back, which paper an award
prints on, the authority and signature lines, and font sizes that keep a page within its frame."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates import rules

CODE = "7K3M9QXA2F8B"
numbers = st.integers(min_value=0, max_value=(1 << rules.BITS) - 1)


def test_it_writes_60_bits_as_12_symbols_of_crockford_base32() -> None:
    assert rules.BITS == 60
    assert rules.code_from_int(0) == "000000000000"
    assert rules.code_from_int((1 << 60) - 1) == "ZZZZZZZZZZZZ"
    assert rules.code_from_int(31) == "00000000000Z"
    assert rules.code_from_int(32) == "000000000010"
    assert not set("ILOU") & set(rules.ALPHABET)
    assert len(rules.ALPHABET) == 32


@pytest.mark.parametrize("value", [-1, 1 << 60])
def test_it_refuses_numbers_outside_60_bits(value: int) -> None:
    with pytest.raises(ValueError):
        rules.code_from_int(value)


def test_it_shows_a_code_grouped_after_the_prefix() -> None:
    assert rules.display(CODE) == "TD-7K3M-9QXA-2F8B"


@pytest.mark.parametrize(
    "typed",
    [
        "TD-7K3M-9QXA-2F8B",
        "td-7k3m-9qxa-2f8b",
        " TD 7K3M 9QXA 2F8B ",
        "TD7K3M9QXA2F8B",
        "7K3M9QXA2F8B",
        "7k3m-9qxa-2f8b",
        "TD–7K3M–9QXA–2F8B",  # en dashes, as a word processor writes them
        "TD.7K3M.9QXA.2F8B",
        "ＴＤ-７Ｋ３Ｍ-９ＱＸＡ-２Ｆ８Ｂ",  # full-width, from a phone keyboard
    ],
)
def test_it_reads_a_typed_code_whatever_its_case_spaces_and_dashes(typed: str) -> None:
    assert rules.normalise(typed) == CODE


def test_it_reads_letters_mistaken_for_digits_as_those_digits() -> None:
    assert rules.normalise("TD-IL0O-0000-0000") == "110000000000"
    assert rules.normalise("td-ilOo-0000-0000") == "110000000000"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "TD",
        "TD-7K3M-9QXA",  # too short
        "TD-7K3M-9QXA-2F8B-1",  # too long
        "TD-7K3M-9QXA-2F8U",  # U is not in the alphabet
        "XX7K3M9QXA2F8B",  # 14 symbols without the prefix
        "TD-7K3M-9QXA-2F8#",
        "TD-7K3M-9QXA-2F8Ă",
    ],
)
def test_it_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert rules.normalise(typed) is None


@given(numbers)
def test_a_shown_code_reads_back_as_itself_however_it_is_typed(value: int) -> None:
    code = rules.code_from_int(value)
    shown = rules.display(code)
    assert rules.normalise(shown) == code
    assert rules.normalise(shown.lower()) == code
    assert rules.normalise(shown.replace("-", " ")) == code
    assert rules.normalise(shown.replace("-", "")) == code
    assert rules.normalise(code) == code


@given(st.text(max_size=60))
def test_any_text_reads_as_a_code_or_as_nothing(text: str) -> None:
    code = rules.normalise(text)
    assert code is None or (len(code) == 12 and set(code) <= set(rules.ALPHABET))


@pytest.mark.parametrize(
    ("kind", "name", "paper"),
    [
        ("form", "Bằng khen cấp bộ, ban, ngành, tỉnh", "BẰNG KHEN"),
        ("form", "Bằng khen của Thủ tướng Chính phủ", "BẰNG KHEN"),
        ("form", "Giấy khen", "GIẤY KHEN"),
        ("form", "giấy khen của Giám đốc Sở", "GIẤY KHEN"),
        ("form", "Huân chương Lao động hạng Ba", "GIẤY CHỨNG NHẬN"),
        ("title", "Chiến sĩ thi đua cơ sở", "GIẤY CHỨNG NHẬN"),
        ("title", "Bằng khen (wrongly catalogued as a title)", "GIẤY CHỨNG NHẬN"),
        ("", "UNKNOWN_CODE", "GIẤY CHỨNG NHẬN"),
    ],
)
def test_it_prints_bang_khen_and_giay_khen_as_such_and_the_rest_as_certificates(
    kind: str, name: str, paper: str
) -> None:
    assert rules.paper(kind, name) == paper


def test_a_certificate_of_merit_says_the_achievement() -> None:
    def line(summary: str, paper: str = "BẰNG KHEN") -> str:
        return rules.achievement(
            paper_name=paper, award_kind="form", award_name="Giấy khen", year=2024, summary=summary
        )

    default = "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024"
    assert line("") == default
    assert line("Tặng Bằng khen cho các tập thể, cá nhân năm 2024") == default
    assert line("  Đã có thành tích   xuất sắc trong phong trào  ") == (
        "Đã có thành tích xuất sắc trong phong trào"
    )


def test_a_certificate_of_a_title_names_the_title_and_the_year() -> None:
    assert (
        rules.achievement(
            paper_name="GIẤY CHỨNG NHẬN",
            award_kind="title",
            award_name="Chiến sĩ thi đua cơ sở",
            year=2025,
            summary="Đã có thành tích",
        )
        == "Đạt danh hiệu “Chiến sĩ thi đua cơ sở” năm 2025"
    )
    assert (
        rules.achievement(
            paper_name="GIẤY CHỨNG NHẬN",
            award_kind="form",
            award_name="Huân chương Lao động hạng Ba",
            year=2025,
            summary="",
        )
        == "Đã được tặng thưởng Huân chương Lao động hạng Ba năm 2025"
    )


@pytest.mark.parametrize(
    ("title", "kind", "lines"),
    [
        ("Chủ tịch", "province", ("CHỦ TỊCH", "", "CHỦ TỊCH")),
        ("", "province", ("CHỦ TỊCH", "", "CHỦ TỊCH")),
        ("", "department", ("GIÁM ĐỐC", "", "GIÁM ĐỐC")),
        ("", "other", ("THỦ TRƯỞNG", "", "THỦ TRƯỞNG")),
        ("Phó Chủ tịch", "province", ("CHỦ TỊCH", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
        (
            "Phó Chủ tịch Thường trực",
            "province",
            ("CHỦ TỊCH", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC"),
        ),
        ("KT. Phó Giám đốc", "department", ("GIÁM ĐỐC", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
        ("Thứ trưởng", "ministry", ("BỘ TRƯỞNG", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")),
        ("Thủ trưởng", "other", ("THỦ TRƯỞNG", "", "THỦ TRƯỞNG")),
        ("Phó Tổng giám đốc", "other", ("TỔNG GIÁM ĐỐC", "KT. TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC")),
    ],
)
def test_a_deputy_signs_on_behalf_of_the_head(
    title: str, kind: str, lines: tuple[str, str, str]
) -> None:
    assert rules.signer_lines(title, kind) == lines


def test_the_authority_line_names_the_head_and_the_authority_once() -> None:
    assert (
        rules.authority_line("CHỦ TỊCH", "Ủy ban nhân dân tỉnh Thái Nguyên")
        == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"
    )
    assert rules.authority_line("THỦ TƯỚNG", "Thủ tướng Chính phủ") == "THỦ TƯỚNG CHÍNH PHỦ"


def test_short_texts_print_big() -> None:
    assert rules.fit_sizes(
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        name="Bà Nguyễn Thị Lan",
        unit="Đơn vị: Sở Nội vụ tỉnh Thái Nguyên",
        line="Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
    ) == (34.0, 17.0, 19.0)


@given(
    authority=st.text(min_size=1, max_size=90),
    name=st.text(min_size=1, max_size=258),  # "Bà " + a name, or a collective's 255
    unit=st.text(max_size=267),  # "Trực thuộc: " + a unit's 255
    line=st.text(min_size=1, max_size=500),  # a decision's summary
)
def test_the_longest_texts_shrink_until_they_fit_between_the_paper_and_the_foot(
    authority: str, name: str, unit: str, line: str
) -> None:
    sizes = rules.fit_sizes(authority=authority, name=name, unit=unit, line=line)
    assert all(rules.SMALLEST_PT <= s <= 34.0 for s in sizes)
    assert rules.middle_height_mm(name, unit, line, sizes) <= rules.middle_room_mm(authority)
