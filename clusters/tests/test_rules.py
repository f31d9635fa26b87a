"""Pure rotation rules of a cluster year: examples from the seed clusters, then properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clusters import rules

# Ids standing for the member units, so the examples read like the domain.
BAC_GIANG, BAC_KAN, THAI_NGUYEN, LAO_CAI = 24, 6, 19, 10
VINH_PHUC, NINH_BINH, HA_NAM = 26, 37, 35
NORTH = [BAC_GIANG, BAC_KAN, THAI_NGUYEN]


# --- next_in_rotation --------------------------------------------------------------------------


def test_it_passes_the_turn_to_the_next_member() -> None:
    assert rules.next_in_rotation(NORTH, BAC_GIANG) == BAC_KAN
    assert rules.next_in_rotation(NORTH, BAC_KAN) == THAI_NGUYEN


def test_it_wraps_from_the_last_member_to_the_first() -> None:
    assert rules.next_in_rotation(NORTH, THAI_NGUYEN) == BAC_GIANG


def test_it_starts_with_the_first_member_without_a_current_one() -> None:
    assert rules.next_in_rotation(NORTH, None) == BAC_GIANG


def test_it_starts_with_the_first_member_when_the_current_one_left() -> None:
    assert rules.next_in_rotation(NORTH, LAO_CAI) == BAC_GIANG


def test_it_gives_nobody_without_members() -> None:
    assert rules.next_in_rotation([], BAC_GIANG) is None
    assert rules.next_in_rotation([], None) is None


def test_it_gives_the_only_member_back_to_itself() -> None:
    assert rules.next_in_rotation([LAO_CAI], LAO_CAI) == LAO_CAI


# --- propose_head_and_deputy -------------------------------------------------------------------


def test_it_makes_last_year_deputy_the_head() -> None:
    # 2015: Bắc Giang head, Bắc Kạn deputy → 2016: Bắc Kạn head, Thái Nguyên deputy.
    assert rules.propose_head_and_deputy(NORTH, BAC_GIANG, BAC_KAN) == (BAC_KAN, THAI_NGUYEN)


def test_it_wraps_the_deputy_after_the_last_member() -> None:
    assert rules.propose_head_and_deputy(NORTH, BAC_KAN, THAI_NGUYEN) == (THAI_NGUYEN, BAC_GIANG)


def test_it_follows_the_rotation_without_a_deputy_last_year() -> None:
    # Sở VHTT&DL cluster: 2017 Vĩnh Phúc head, no deputy → 2018 Ninh Bình head, Hà Nam deputy.
    order = [VINH_PHUC, NINH_BINH, HA_NAM]

    assert rules.propose_head_and_deputy(order, VINH_PHUC, None) == (NINH_BINH, HA_NAM)


def test_it_follows_the_rotation_when_last_year_deputy_left() -> None:
    order = [BAC_GIANG, THAI_NGUYEN, LAO_CAI]

    assert rules.propose_head_and_deputy(order, BAC_GIANG, BAC_KAN) == (THAI_NGUYEN, LAO_CAI)


def test_it_starts_over_when_both_last_year_leaders_left() -> None:
    assert rules.propose_head_and_deputy([THAI_NGUYEN, LAO_CAI], BAC_GIANG, BAC_KAN) == (
        THAI_NGUYEN,
        LAO_CAI,
    )


def test_it_proposes_the_first_members_without_leaders_last_year() -> None:
    assert rules.propose_head_and_deputy(NORTH, None, None) == (BAC_GIANG, BAC_KAN)


def test_it_ignores_a_deputy_equal_to_the_head() -> None:
    assert rules.propose_head_and_deputy(NORTH, BAC_GIANG, BAC_GIANG) == (BAC_KAN, THAI_NGUYEN)


def test_it_proposes_no_deputy_for_a_single_member() -> None:
    assert rules.propose_head_and_deputy([LAO_CAI], LAO_CAI, None) == (LAO_CAI, None)
    assert rules.propose_head_and_deputy([LAO_CAI], BAC_GIANG, BAC_KAN) == (LAO_CAI, None)


def test_it_proposes_nobody_without_members() -> None:
    assert rules.propose_head_and_deputy([], BAC_GIANG, BAC_KAN) == (None, None)


# --- properties --------------------------------------------------------------------------------

# Pure functions over short lists: a few dozen examples each keep the suite fast; no example database.
PROPERTY = settings(max_examples=80, deadline=None, database=None)
UNIT_IDS = st.integers(min_value=1, max_value=40)
ORDERS = st.lists(UNIT_IDS, min_size=1, max_size=10, unique=True)


@st.composite
def last_years(draw: st.DrawFn) -> tuple[list[int], int | None, int | None]:
    """A rotation order and last year's head and deputy: members, former members or nobody."""
    order = draw(ORDERS)
    leader = st.one_of(st.none(), st.sampled_from(order), UNIT_IDS)
    head = draw(leader)
    deputy = draw(leader.filter(lambda d: d is None or d != head))
    return order, head, deputy


@PROPERTY
@given(ORDERS, st.data())
def test_it_always_passes_the_turn_to_a_member(order: list[int], data: st.DataObject) -> None:
    current = data.draw(st.one_of(st.none(), st.sampled_from(order), UNIT_IDS))

    assert rules.next_in_rotation(order, current) in order


@PROPERTY
@given(ORDERS)
def test_it_visits_every_member_once_per_round(order: list[int]) -> None:
    seen = [order[0]]
    for _ in range(len(order) - 1):
        seen.append(rules.next_in_rotation(order, seen[-1]))  # type: ignore[arg-type]

    assert seen == order
    assert rules.next_in_rotation(order, seen[-1]) == order[0]


@PROPERTY
@given(last_years())
def test_it_always_proposes_members(case: tuple[list[int], int | None, int | None]) -> None:
    order, last_head, last_deputy = case

    head, deputy = rules.propose_head_and_deputy(order, last_head, last_deputy)

    assert head in order
    assert deputy is None or deputy in order


@PROPERTY
@given(last_years())
def test_it_never_proposes_the_head_as_deputy(
    case: tuple[list[int], int | None, int | None],
) -> None:
    head, deputy = rules.propose_head_and_deputy(*case)

    assert head != deputy


@PROPERTY
@given(last_years())
def test_it_proposes_a_deputy_exactly_when_there_are_two_members(
    case: tuple[list[int], int | None, int | None],
) -> None:
    order = case[0]

    head, deputy = rules.propose_head_and_deputy(*case)

    assert (deputy is None) == (len(order) == 1)
    if deputy is not None:
        assert deputy == rules.next_in_rotation(order, head)


@PROPERTY
@given(last_years())
def test_it_promotes_last_year_deputy_while_still_a_member(
    case: tuple[list[int], int | None, int | None],
) -> None:
    order, last_head, last_deputy = case

    head, _ = rules.propose_head_and_deputy(order, last_head, last_deputy)

    if last_deputy is not None and last_deputy in order:
        assert head == last_deputy
    else:
        assert head == rules.next_in_rotation(order, last_head)


@PROPERTY
@given(ORDERS, st.data())
def test_it_promotes_a_deputy_who_stayed(order: list[int], data: st.DataObject) -> None:
    # Forced case of the property above: the deputy is always drawn among the members.
    deputy = data.draw(st.sampled_from(order))
    last_head = data.draw(st.one_of(st.none(), UNIT_IDS).filter(lambda h: h != deputy))

    assert rules.propose_head_and_deputy(order, last_head, deputy)[0] == deputy
