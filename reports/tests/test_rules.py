"""The statistical report's pure rules: the period, the classification of the catalogue, the
figures' arithmetic and the placeholders."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports import rules

CATALOGUE = {
    "HCLD3": rules.AwardInfo("nha_nuoc", "form", "Huân chương Lao động hạng Ba"),
    "AHLD": rules.AwardInfo("nha_nuoc", "title", "Anh hùng Lao động"),
    "HC_HN": rules.AwardInfo("nha_nuoc", "form", "Huy chương Hữu nghị"),
    "XA_TB": rules.AwardInfo("bo_tinh", "title", "Xã, phường, đặc khu tiêu biểu"),
    "GD_VH": rules.AwardInfo("co_so", "title", "Gia đình văn hóa"),
    "KNC": rules.AwardInfo("chinh_phu", "form", "Kỷ niệm chương"),
}


def test_it_runs_the_statistical_year_from_december_to_november() -> None:
    assert rules.period(2024) == (dt.date(2023, 12, 1), dt.date(2024, 11, 30))
    assert rules.period(2024, "nam") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    with pytest.raises(ValueError, match="unknown period basis"):
        rules.period(2024, "quy")


@pytest.mark.parametrize(
    ("code", "row"),
    [
        ("HCLD3", "nn.huan_chuong"),
        ("AHLD", "nn.danh_hieu_vinh_du"),
        ("HC_HN", "nn.khac"),
        ("KNC", "nn.khac"),
        ("CSTD_TQ", "nn.cstd_tq"),
        ("CO_CP", "nn.co_cp"),
        ("BK_TTG", "nn.bk_ttg"),
        ("CSTD_BO", "bt.cstd"),
        ("CO_BO", "bt.co_thi_dua"),
        ("TTLDXS", "bt.ttldxs"),
        ("BK_BO", "bt.bang_khen"),
        ("XA_TB", "bt.khac"),
        ("CSTD_CS", "cs.cstd"),
        ("LDTT", "cs.ldtt"),
        ("TTLDTT", "cs.ttldtt"),
        ("GK", "cs.giay_khen"),
        ("GD_VH", "cs.khac"),
        ("XYZ", None),
    ],
)
def test_it_puts_each_title_and_form_on_its_row(code: str, row: str | None) -> None:
    assert rules.classify(code, CATALOGUE.get(code)) == row


def test_it_counts_collectives_and_individuals_in_their_columns() -> None:
    figures, unknown = rules.award_figures(
        [
            rules.AwardRow("HCLD3", False, "leader", "F", 2),
            rules.AwardRow("HCLD3", True, "", "", 1),
            rules.AwardRow("LDTT", False, "worker", "M", 5),
            rules.AwardRow("LDTT", False, "staff", "F", 3),
            rules.AwardRow("XYZ", False, "staff", "F", 4),
        ],
        CATALOGUE,
    )

    assert {k: v for k, v in figures.items() if k.startswith("nn.huan_chuong.")} == {
        "nn.huan_chuong.tap_the": 1,
        "nn.huan_chuong.ca_nhan": 2,
        "nn.huan_chuong.lanh_dao": 2,
        "nn.huan_chuong.lao_dong": 0,
        "nn.huan_chuong.nu": 2,
        "nn.huan_chuong.tong": 3,
    }
    assert [figures[f"cs.ldtt.{c}"] for c in rules.COLUMN_KEYS] == [0, 8, 0, 5, 3, 8]
    assert [figures[f"cs.cong.{c}"] for c in rules.COLUMN_KEYS] == [0, 8, 0, 5, 3, 8]
    assert [figures[f"tong.cong.{c}"] for c in rules.COLUMN_KEYS] == [1, 10, 2, 5, 5, 11]
    assert unknown == {"XYZ": 4}


ROWS = st.lists(
    st.builds(
        rules.AwardRow,
        code=st.sampled_from([*rules.SPECIFIC, *CATALOGUE]),
        collective=st.booleans(),
        category=st.sampled_from(["leader", "worker", "staff"]),
        gender=st.sampled_from(["M", "F"]),
        n=st.integers(min_value=1, max_value=1000),
    ),
    max_size=30,
)


@given(ROWS)
def test_totals_add_up_whatever_the_register(rows: list[rules.AwardRow]) -> None:
    figures, unknown = rules.award_figures(rows, CATALOGUE)

    assert unknown == {}
    assert figures.keys() <= rules.NUMBER_KEYS
    for section in rules.AWARD_SECTIONS:
        for col in rules.COLUMN_KEYS:
            assert figures[f"{section.total.key}.{col}"] == sum(
                figures[f"{r.key}.{col}"] for r in section.rows
            )
    for row in [r for s in rules.AWARD_SECTIONS for r in rules.table_rows(s)]:
        get = lambda c, k=row.key: figures[f"{k}.{c}"]  # noqa: E731
        assert get("tong") == get("tap_the") + get("ca_nhan")
        assert get("lanh_dao") + get("lao_dong") <= get("ca_nhan")
        assert get("nu") <= get("ca_nhan")
    assert figures["tong.cong.tong"] == sum(r.n for r in rows)


def test_the_placeholders_are_named_in_the_forms_order() -> None:
    keys = rules.number_keys()

    assert keys[:4] == [
        "phong_trao.cong",
        "phong_trao.thuong_xuyen",
        "phong_trao.chuyen_de",
        "de_nghi.ho_so",
    ]
    assert "nn.huan_chuong.ca_nhan" in keys
    assert len(keys) == len(set(keys)) == 4 + (7 + 6 + 6 + 4) * 6 + 6
    assert rules.KNOWN_KEYS == rules.NUMBER_KEYS | rules.TEXT_KEYS


@pytest.mark.parametrize(
    ("text", "names", "broken"),
    [
        ("{{ year }}", ["year"], False),
        ("Năm {{year}} — {{ unit_name }}", ["year", "unit_name"], False),
        ("{{ nn.huan_chuong.ca_nhan", [], True),
        ("nn }} x", [], True),
        ("{{ }}", [""], False),
        ("{ year }", [], False),
    ],
)
def test_it_finds_placeholders_and_broken_ones(text: str, names: list[str], broken: bool) -> None:
    assert rules.placeholders_in(text) == (names, broken)


def test_a_cell_that_is_one_placeholder_takes_the_value_itself() -> None:
    values = {"year": 2024, "n": 1234567, "unit_name": "=Tỉnh Thái Nguyên"}

    assert rules.fill_text(" {{ n }} ", values) == 1234567
    assert rules.fill_text("Năm {{ year }}: {{ n }} khen thưởng", values) == (
        "Năm 2024: 1.234.567 khen thưởng"
    )
    assert rules.fill_text("{{ unit_name }}", values) == "=Tỉnh Thái Nguyên"
    assert rules.fill_text("{{ other }}", values) == "{{ other }}"
