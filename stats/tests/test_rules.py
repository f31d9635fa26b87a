"""The statistics' pure computations, without a database."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stats import rules

counts = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 10_000))


@given(counts)
def test_it_makes_shares_that_add_up_to_one(values: dict[str, int]) -> None:
    shares = rules.shares(values)

    assert set(shares) == set(values)
    if sum(values.values()) > 0:
        assert math.isclose(sum(shares.values()), 1.0)
        assert all(0 <= s <= 1 for s in shares.values())
    else:
        assert all(s == 0 for s in shares.values())


def test_it_gives_no_share_of_nothing() -> None:
    assert rules.share(3, 0) is None
    assert rules.pct(1, 3) == 33.3
    assert rules.pct(2, 3) == 66.7


def test_it_compares_each_groups_share_of_awards_with_its_share_of_staff() -> None:
    groups = rules.representation(
        {"leader": 4, "worker": 4, "staff": 1},
        {"leader": 2, "worker": 4, "staff": 2},
        ["leader", "worker", "staff"],
    )

    assert [(g.key, g.awards, g.award_share, g.staff, g.staff_share, g.ratio) for g in groups] == [
        ("leader", 4, 44.4, 2, 25.0, 1.78),
        ("worker", 4, 44.4, 4, 50.0, 0.89),
        ("staff", 1, 11.1, 2, 25.0, 0.44),
    ]


def test_it_leaves_the_ratio_empty_without_awards_or_staff() -> None:
    groups = rules.representation({}, {"leader": 0, "worker": 3}, ["leader", "worker"])

    assert [(g.award_share, g.staff_share, g.ratio) for g in groups] == [
        (None, 0.0, None),
        (None, 100.0, None),
    ]


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_it_keeps_the_wilson_interval_within_0_and_1_around_the_share(kn: tuple[int, int]) -> None:
    k, n = kn

    low, high = rules.wilson(k, n)

    assert 0 <= low <= k / n <= high <= 1


def test_it_computes_the_wilson_interval_by_hand() -> None:
    # p = 0.5, n = 4, z = 2.5758 (z² = 6.6349): centre = (0.5 + z²/8) / (1 + z²/4) = 0.5,
    # half = z / (1 + z²/4) · √(0.0625 + z²/64) = 0.96882 · 0.40764 = 0.39494
    low, high = rules.wilson(2, 4)

    assert round(low, 4) == 0.1051
    assert round(high, 4) == 0.8949


def test_it_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        rules.wilson(5, 4)
    with pytest.raises(ValueError):
        rules.concentration(leader_awards=3, awards=2, leaders=1, staff=10)
    with pytest.raises(ValueError):
        rules.concentration(leader_awards=1, awards=2, leaders=11, staff=10)


def test_it_flags_a_unit_whose_leaders_take_half_the_awards_with_a_tenth_of_the_staff() -> None:
    # z = (10·20 − 20·2) / √(20·2·18) = 160 / 26.833 = 5.96
    c = rules.concentration(leader_awards=10, awards=20, leaders=2, staff=20)

    assert (c.award_share, c.staff_share, c.ratio, c.z) == (50.0, 10.0, 5.0, 5.96)
    assert c.status == rules.ABOVE
    assert c.flagged
    assert c.low is not None and c.staff_share is not None and c.low > c.staff_share


def test_it_does_not_flag_a_unit_with_too_few_awards_however_lopsided() -> None:
    c = rules.concentration(leader_awards=19, awards=19, leaders=1, staff=100)

    assert c.status == rules.FEW_AWARDS
    assert not c.flagged


def test_it_says_when_there_is_no_staff_figure_to_compare_with() -> None:
    assert rules.concentration(leader_awards=5, awards=30, leaders=0, staff=0).status == (
        rules.NO_BASIS
    )
    assert rules.concentration(leader_awards=5, awards=30, leaders=0, staff=40).status == (
        rules.NO_BASIS
    )
    assert rules.concentration(leader_awards=30, awards=30, leaders=4, staff=4).status == (
        rules.NO_BASIS
    )


def test_it_does_not_flag_a_slight_difference_that_only_a_large_unit_makes_significant() -> None:
    # 16.5 % of 71,729 awards against 15.1 % of the staff: z = 10.48, far beyond chance, but the
    # ratio is only 1.09.
    c = rules.concentration(leader_awards=11_812, awards=71_729, leaders=2_453, staff=16_280)

    assert (c.ratio, c.status) == (1.09, rules.IN_LINE)
    assert c.z is not None and c.z > rules.Z_FLAG


def test_it_marks_leaders_clearly_below_their_share() -> None:
    c = rules.concentration(leader_awards=0, awards=60, leaders=30, staff=100)

    assert c.status == rules.BELOW
    assert not c.flagged


@given(st.integers(1, 40), st.integers(1, 99), st.integers(1, 100).map(lambda x: x))
def test_it_never_flags_a_unit_whose_leaders_share_equals_their_staff_share(
    multiple: int, leaders: int, extra: int
) -> None:
    staff = leaders + extra
    awards, leader_awards = multiple * staff, multiple * leaders  # k/n == L/N exactly

    c = rules.concentration(
        leader_awards=leader_awards, awards=awards, leaders=leaders, staff=staff
    )

    assert c.z == 0
    assert c.status in (rules.IN_LINE, rules.FEW_AWARDS)
    assert not c.flagged
    assert c.ratio == 1.0


@given(
    st.integers(1, 300).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n), st.integers(2, 500))
    ),
    st.data(),
)
def test_it_flags_only_what_the_interval_and_the_minimum_justify(
    kns: tuple[int, int, int], data: st.DataObject
) -> None:
    k, n, staff = kns
    leaders = data.draw(st.integers(1, staff - 1))

    c = rules.concentration(leader_awards=k, awards=n, leaders=leaders, staff=staff)

    if c.flagged:
        assert n >= rules.MIN_AWARDS
        assert k / n > leaders / staff
        low, _high = rules.wilson(k, n)
        assert low > leaders / staff - 1e-9  # the staff share lies below the interval
        assert k * staff >= rules.MIN_RATIO * n * leaders  # and markedly so


@given(st.integers(20, 200), st.integers(1, 50), st.integers(51, 400), st.data())
def test_it_never_lowers_z_when_leaders_get_one_more_award(
    n: int, leaders: int, staff: int, data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, n - 1))

    before = rules.score_z(k, n, leaders, staff)
    after = rules.score_z(k + 1, n, leaders, staff)

    assert before is not None and after is not None
    assert after > before


def test_it_finds_the_child_that_holds_a_unit_and_the_area_it_lies_in() -> None:
    assert rules.child_id("/3/17/40/", "/3/") == 17
    assert rules.child_id("/3/", "/3/") is None
    assert rules.child_id("/4/1/", "/3/") is None
    assert rules.child_id("/3/17/", "/") == 3
    marked = {"/3/": "border", "/3/17/": "remote"}
    assert rules.area_of("/3/17/40/", marked) == "remote"
    assert rules.area_of("/3/18/", marked) == "border"
    assert rules.area_of("/4/", marked) == ""


def test_it_defaults_to_the_last_five_years_with_data() -> None:
    assert rules.default_years(2024, 2026) == (2020, 2024)
    assert rules.default_years(None, 2026) == (2022, 2026)


def test_it_shapes_a_chart_with_its_table_and_totals() -> None:
    chart = rules.Chart(
        "k",
        "Title",
        "bar",
        "Year",
        ("2023", "2024"),
        (
            rules.Series("Individuals", (3, 4)),
            rules.Series("Share", (42.9, 57.1), rules.PERCENT, in_chart=False),
        ),
    )

    assert chart.spec() == {
        "type": "bar",
        "labels": ["2023", "2024"],
        "datasets": [{"label": "Individuals", "data": [3, 4]}],
        "stacked": False,
        "percent": False,
        "horizontal": False,
    }
    assert chart.table_rows() == [
        ("2023", [(3, "count"), (42.9, "percent")]),
        ("2024", [(4, "count"), (57.1, "percent")]),
    ]
    assert chart.totals() == [(7, "count"), (None, "percent")]
    assert not chart.empty
    assert rules.Chart("e", "E", "bar", "X", ("a",), (rules.Series("n", (0,)),)).empty
