"""Rotation indicators on constructed sequences: rotation is told from awards that follow the
scores, short sequences say so, and renaming the members changes nothing."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stats.rotation import (
    Pattern,
    StepStatus,
    YearFacts,
    analyse,
    no_repeat_chance,
    relative_ranks,
    run_chance,
    shortest_unlikely_run,
)

ABCD = frozenset("ABCD")


def years(
    awardees: Sequence[str | set[str]],
    ranks: Sequence[dict[Hashable, int]] | None = None,
    members: frozenset[Hashable] = ABCD,
    heads: Sequence[str | None] | None = None,
    start: int = 2010,
) -> list[YearFacts]:
    out = []
    for i, a in enumerate(awardees):
        out.append(
            YearFacts(
                year=start + i,
                members=members,
                awardees=frozenset(a) if a else frozenset(),
                ranks=ranks[i] if ranks else {},
                head=heads[i] if heads else None,
            )
        )
    return out


def ranking(order: str) -> dict[Hashable, int]:
    """ "BDAC" → B first, D second, A third, C fourth."""
    return {member: place for place, member in enumerate(order, start=1)}


# Ranks unrelated to the awards: the awardee ranks 3, 2, 4, 1, 2, 3, 4, 2.
UNRELATED = [
    ranking("BCAD"),  # A third
    ranking("ABDC"),  # B second
    ranking("ABDC"),  # C fourth
    ranking("DABC"),  # D first
    ranking("BACD"),  # A second
    ranking("ACBD"),  # B third
    ranking("ABDC"),  # C fourth
    ranking("ADBC"),  # D second
]


def test_it_detects_pure_rotation_with_unrelated_ranks() -> None:
    analysis = analyse(years("ABCDABCD", UNRELATED))

    ind = analysis.indicators
    assert analysis.pattern == Pattern.ROTATION
    assert analysis.reasons == ("not_top_ranked", "full_round_unlikely_by_lot", "same_order")
    assert (ind.years, ind.award_years, ind.awards, ind.members) == (8, 8, 8, 4)
    assert (ind.ranked_awards, ind.top_hits, ind.top_share) == (8, 1, 0.125)
    assert ind.mean_rank == 21 / 8
    assert ind.mean_rank_by_lot == 2.5
    # Each year the awardee ranked r of 4 gives (4 − r) better pairs and (r − 1) worse ones.
    assert ind.rank_correlation == pytest.approx(-2 / 24)
    assert (ind.longest_run, ind.run_from, ind.run_to) == (8, 2010, 2017)
    assert (ind.full_rounds, ind.repeats, ind.same_order) == (2, 0, True)
    # By lot: 1 · 3/4 · 2/4 · 1/4 for each round.
    assert ind.chance_of_run == pytest.approx((6 / 64) ** 2)
    assert [s.status for s in analysis.steps] == [
        StepStatus.NEW,
        StepStatus.NEW,
        StepStatus.NEW,
        StepStatus.COMPLETES,
    ] * 2
    assert [s.waiting for s in analysis.steps] == [4, 3, 2, 1] * 2
    assert [s.chance for s in analysis.steps] == [1.0, 0.75, 0.5, 0.25] * 2
    # The evidence: the awardee, their rank that year, the member ranked first.
    step = analysis.steps[2]
    assert (step.year, step.awardees, dict(step.awardee_ranks), step.first) == (
        2012,
        frozenset("C"),
        {"C": 4},
        frozenset("A"),
    )


def test_awards_that_follow_the_scores_are_not_flagged_even_when_they_go_round() -> None:
    """Every awardee ranked first; by chance the first was a different member each year."""
    first_each_year = [ranking(a + "".join(sorted(set("ABCD") - {a}))) for a in "ABCDABCD"]

    analysis = analyse(years("ABCDABCD", first_each_year))

    assert analysis.pattern == Pattern.SCORES
    assert analysis.indicators.top_share == 1.0
    assert analysis.indicators.rank_correlation == 1.0
    assert analysis.indicators.mean_rank == 1.0
    assert "top_ranked" in analysis.reasons


def test_awards_to_the_first_with_repeats_follow_the_scores() -> None:
    firsts = "AABACA"
    table = [ranking(a + "".join(sorted(set("ABCD") - {a}))) for a in firsts]

    analysis = analyse(years(firsts, table))

    assert analysis.pattern == Pattern.SCORES
    assert analysis.indicators.repeats == 3


def test_short_or_thin_data_says_so() -> None:
    three = analyse(years("ABC", UNRELATED[:3]))
    alone = analyse(years("AAAAA", members=frozenset("A")))
    nothing = analyse([])
    no_awards = analyse(years(["", "", "", "", ""]))

    assert (three.pattern, three.reasons) == (Pattern.INSUFFICIENT, ("few_award_years",))
    assert (alone.pattern, alone.reasons) == (Pattern.INSUFFICIENT, ("few_members",))
    assert nothing.pattern == Pattern.INSUFFICIENT
    assert nothing.indicators.longest_run == 0 and nothing.indicators.chance_of_run is None
    assert no_awards.pattern == Pattern.INSUFFICIENT
    assert [s.status for s in no_awards.steps] == [StepStatus.NONE] * 5


def test_rotation_without_known_scores_says_the_scores_are_unknown() -> None:
    analysis = analyse(years("ABCDABCD"))

    assert analysis.pattern == Pattern.ROTATION
    assert analysis.reasons[0] == "ranks_unknown"
    assert analysis.indicators.top_share is None
    assert analysis.indicators.rank_correlation is None


def test_one_member_always_winning_is_not_rotation() -> None:
    analysis = analyse(years("AAAAAA"))

    assert analysis.pattern == Pattern.UNCLEAR
    assert analysis.indicators.repeats == 5
    assert analysis.indicators.longest_run == 1
    assert analysis.indicators.full_rounds == 0
    assert "no_full_round" in analysis.reasons


def test_a_repeat_while_others_wait_ends_the_run_and_opens_the_next() -> None:
    analysis = analyse(years("ABACDB"))

    ind = analysis.indicators
    assert [s.status for s in analysis.steps] == [
        StepStatus.NEW,
        StepStatus.NEW,
        StepStatus.REPEAT,  # A again while C and D wait
        StepStatus.NEW,
        StepStatus.NEW,
        StepStatus.COMPLETES,  # A, C, D, B: every member once
    ]
    assert analysis.steps[2].waiting == 2
    assert [s.run for s in analysis.steps] == [1, 1, 2, 2, 2, 2]
    assert (ind.longest_run, ind.run_from, ind.run_to, ind.full_rounds) == (4, 2012, 2015, 1)
    assert ind.chance_of_run == pytest.approx(3 / 4 * 2 / 4 * 1 / 4)
    assert ind.repeats == 1
    assert ind.same_order is None


def test_a_different_order_in_the_next_round_is_no_cycle() -> None:
    analysis = analyse(years("ABCDBADC"))

    assert analysis.indicators.full_rounds == 2
    assert analysis.indicators.same_order is False
    assert analysis.pattern == Pattern.ROTATION
    assert "same_order" not in analysis.reasons


def test_several_awards_a_year_go_round_in_pairs() -> None:
    members = frozenset("ABCDEF")
    pairs = [{"A", "B"}, {"C", "D"}, {"E", "F"}] * 2

    analysis = analyse(years(pairs, members=members))

    ind = analysis.indicators
    assert (ind.awards, ind.full_rounds, ind.same_order) == (12, 2, True)
    # By lot: 2 of the 4 waiting among 6 (6/15), then the last 2 (1/15), for each round.
    assert ind.chance_of_run == pytest.approx((6 / 15 * 1 / 15) ** 2)
    assert analysis.pattern == Pattern.ROTATION


def test_awards_beyond_the_last_waiting_open_the_next_round() -> None:
    analysis = analyse(years([{"A", "B"}, {"C", "A"}, "B", "C"], members=frozenset("ABC")))

    assert [s.status for s in analysis.steps] == [
        StepStatus.NEW,
        StepStatus.COMPLETES,  # C closes the round; A opens the next
        StepStatus.NEW,
        StepStatus.COMPLETES,
    ]
    assert analysis.indicators.full_rounds == 2
    assert analysis.indicators.repeats == 0


def test_a_member_who_leaves_no_longer_holds_up_the_round() -> None:
    facts = [
        YearFacts(2010, frozenset("ABCD"), frozenset("A")),
        YearFacts(2011, frozenset("ABCD"), frozenset("B")),
        YearFacts(2012, frozenset("ABC"), frozenset("C")),  # D left: A, B, C is a full round
        YearFacts(2013, frozenset("ABC"), frozenset("A")),
    ]

    analysis = analyse(facts)

    assert [s.status for s in analysis.steps] == [
        StepStatus.NEW,
        StepStatus.NEW,
        StepStatus.COMPLETES,
        StepStatus.NEW,
    ]
    assert analysis.indicators.members == 4


def test_awards_to_the_head_of_the_year_are_counted() -> None:
    heads = list("ABCDAB")

    analysis = analyse(years("ABCDAB", heads=heads))

    ind = analysis.indicators
    assert (ind.head_years, ind.head_hits) == (6, 6)
    assert ind.head_hits_by_lot == pytest.approx(6 / 4)
    # The next year's head is known for five years; it was never that year's awardee.
    assert (ind.next_head_years, ind.next_head_hits) == (5, 0)
    assert "follows_head" in analysis.reasons


def test_the_certificate_leaves_the_flag_holder_out_of_the_ranking() -> None:
    """The runner-up gets the certificate: first among those who did not get the flag."""
    facts = [
        YearFacts(
            2010 + i,
            ABCD,
            frozenset(order[1]),
            ranking(order),
            ineligible=frozenset(order[0]),
        )
        for i, order in enumerate(["ABCD", "BCDA", "CDAB", "DABC"])
    ]

    analysis = analyse(facts)

    assert analysis.pattern == Pattern.SCORES
    assert analysis.indicators.top_share == 1.0
    assert analysis.indicators.mean_rank == 1.0
    assert analysis.indicators.mean_rank_by_lot == 2.0  # ranks 1, 2, 3 among the three left
    assert analysis.steps[0].awardee_ranks == {"B": 2}  # the published rank stays in evidence
    assert analysis.steps[0].first == frozenset("B")


# --- runs before the round is complete (seven members) ---------------------------------------

SEVEN = frozenset("ABCDEFG")


def first_is(winner: str, members: frozenset[Hashable] = SEVEN) -> dict[Hashable, int]:
    """The winner ranked first, the others after it in alphabetical order."""
    return ranking(winner + "".join(sorted(str(m) for m in members - {winner})))


def last_is(loser: str, members: frozenset[Hashable] = SEVEN) -> dict[Hashable, int]:
    """G ranked first, then the others alphabetically, and `loser` last of the seven."""
    rest = "".join(sorted(str(m) for m in members - {loser, "G"}))
    return ranking("G" + rest + loser)


# By lot, one award a year among seven: the 2nd goes to another member with chance 6/7, the 3rd
# 5/7, the 4th 4/7, the 5th 3/7, the 6th 2/7.
SIX_OF_SEVEN = Fraction(6 * 5 * 4 * 3 * 2, 7**5)  # 720/16807 ≈ 0.0428
FIVE_OF_SEVEN = Fraction(6 * 5 * 4 * 3, 7**4)  # 360/2401 ≈ 0.1499


def test_six_different_awardees_of_seven_against_the_ranks_read_as_rotation() -> None:
    """No full round (G never had it), but six different awardees in six years, each ranked
    last of the seven: a draw by lot gives that with a chance of about 4.3 % only."""
    analysis = analyse(years("ABCDEF", [last_is(a) for a in "ABCDEF"], members=SEVEN))

    ind = analysis.indicators
    assert analysis.pattern == Pattern.ROTATION
    assert analysis.reasons == ("not_top_ranked", "run_unlikely_by_lot")
    assert (ind.longest_run, ind.run_from, ind.run_to) == (6, 2010, 2015)
    assert (ind.full_rounds, ind.repeats, ind.same_order) == (0, 0, None)
    assert ind.chance_of_run == pytest.approx(float(SIX_OF_SEVEN))
    assert ind.chance_of_run == pytest.approx(0.04284, abs=1e-5)
    assert ind.run_needed == 6
    assert (ind.top_hits, ind.mean_rank, ind.mean_rank_by_lot) == (0, 7.0, 4.0)
    assert ind.rank_correlation == -1.0
    assert [s.waiting for s in analysis.steps] == [7, 6, 5, 4, 3, 2]


def test_six_different_awardees_of_seven_without_scores_read_as_rotation() -> None:
    analysis = analyse(years("ABCDEF", members=SEVEN))

    assert analysis.pattern == Pattern.ROTATION
    assert analysis.reasons == ("ranks_unknown", "run_unlikely_by_lot")
    assert analysis.indicators.chance_of_run == pytest.approx(float(SIX_OF_SEVEN))


def test_different_awardees_who_each_ranked_first_follow_the_scores() -> None:
    """The same six different awardees, but each was the first of the year's ranking: the run
    is as unlikely by lot, and it is said to follow the scores."""
    analysis = analyse(years("ABCDEF", [first_is(a) for a in "ABCDEF"], members=SEVEN))

    assert analysis.pattern == Pattern.SCORES
    assert analysis.reasons == ("top_ranked", "run_unlikely_by_lot", "run_follows_scores")
    assert analysis.indicators.chance_of_run == pytest.approx(float(SIX_OF_SEVEN))
    assert analysis.indicators.top_share == 1.0


def test_the_same_member_first_several_years_and_awarded_follows_the_scores() -> None:
    winners = "AABAACA"

    analysis = analyse(years(winners, [first_is(a) for a in winners], members=SEVEN))

    ind = analysis.indicators
    assert analysis.pattern == Pattern.SCORES
    assert analysis.reasons == ("top_ranked", "no_full_round")
    # Runs: A | A B | A | A C | A: the longest are two awards long, 6/7 by lot.
    assert (ind.longest_run, ind.repeats) == (2, 4)
    assert ind.chance_of_run == pytest.approx(6 / 7)


def test_five_different_awardees_of_seven_are_not_enough_to_tell() -> None:
    """Five years, five different awardees: by lot 6/7 · 5/7 · 4/7 · 3/7 ≈ 15 %; six years
    would be needed for a run to stand out among seven."""
    unranked = analyse(years("ABCDE", members=SEVEN))
    ranked = analyse(years("ABCDE", [last_is(a) for a in "ABCDE"], members=SEVEN))

    assert unranked.pattern == Pattern.INSUFFICIENT
    assert unranked.reasons == ("ranks_unknown", "no_full_round", "few_years_for_a_run")
    assert unranked.indicators.chance_of_run == pytest.approx(float(FIVE_OF_SEVEN))
    assert unranked.indicators.run_needed == 6
    # With the scores known, they can still be compared: not the top-ranked, but no rotation.
    assert ranked.pattern == Pattern.UNCLEAR
    assert ranked.reasons == ("not_top_ranked", "no_full_round", "few_years_for_a_run")


def test_short_runs_of_seven_are_not_rotation() -> None:
    three_years = analyse(years("ABC", members=SEVEN))
    three_again = analyse(years("ABCABCAB", members=SEVEN))

    assert (three_years.pattern, three_years.reasons) == (
        Pattern.INSUFFICIENT,
        ("few_award_years",),
    )
    ind = three_again.indicators
    assert three_again.pattern == Pattern.UNCLEAR
    assert three_again.reasons == ("ranks_unknown", "no_full_round")
    # Runs ABC | ABC | AB: the longest three awards long, 6/7 · 5/7 by lot.
    assert (ind.longest_run, ind.repeats) == (3, 2)
    assert ind.chance_of_run == pytest.approx(30 / 49)


def test_the_shortest_run_worth_pointing_out_for_a_clusters_size() -> None:
    # 7: 1 · 6/7 · 5/7 · 4/7 · 3/7 · 2/7 ≈ 0.043 (five years: ≈ 0.150).
    assert shortest_unlikely_run(7) == 6
    assert run_chance(7, 6) == pytest.approx(720 / 16807)
    assert run_chance(7, 5) == pytest.approx(360 / 2401)
    # 4: a full round (6/64) then 1 · 3/4 · 2/4: 9/256 ≈ 0.035 at seven; 18/256 ≈ 0.070 at six.
    assert shortest_unlikely_run(4) == 7
    assert run_chance(4, 7) == pytest.approx(9 / 256)
    assert run_chance(4, 6) == pytest.approx(18 / 256)
    # 3: two full rounds, (2/9)² = 4/81 ≈ 0.049.
    assert shortest_unlikely_run(3) == 6
    # 2: five full rounds (1/2 each): 1/32; four give 1/16 = 0.0625.
    assert shortest_unlikely_run(2) == 10
    assert shortest_unlikely_run(1) is None
    assert shortest_unlikely_run(7, threshold=0) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=7), st.data())
def test_awards_going_round_without_scores_stand_out_from_the_shortest_unlikely_run(
    size: int, data: st.DataObject
) -> None:
    members = sorted(POOL[:size])
    order = "".join(data.draw(st.permutations(members)))
    needed = shortest_unlikely_run(size)
    assert needed is not None
    count = data.draw(st.integers(min_value=1, max_value=needed + 4))
    turn = (order * (count // size + 1))[:count]

    analysis = analyse(years(turn, members=frozenset(members)))

    assert analysis.indicators.repeats == 0
    if count >= needed:
        assert analysis.pattern == Pattern.ROTATION
    else:
        assert analysis.pattern == Pattern.INSUFFICIENT


def test_one_entry_a_year() -> None:
    with pytest.raises(ValueError):
        analyse([YearFacts(2010, ABCD), YearFacts(2010, ABCD)])


def test_awardees_outside_the_members_are_left_out() -> None:
    analysis = analyse([YearFacts(2010, ABCD, frozenset({"A", "Z"}))])

    assert analysis.steps[0].awardees == frozenset("A")


def test_the_chance_of_no_repeat_by_lot() -> None:
    assert no_repeat_chance(4, 4, 1) == 1.0
    assert no_repeat_chance(4, 1, 1) == 0.25
    assert no_repeat_chance(6, 4, 2) == pytest.approx(6 / 15)
    assert no_repeat_chance(3, 1, 2) == pytest.approx(2 / 3)  # the waiting one among the two
    assert no_repeat_chance(3, 1, 0) == 1.0


def test_relative_ranks_keep_ties() -> None:
    assert relative_ranks({"A": 2, "B": 5, "C": 5, "D": 9}) == {"A": 1, "B": 2, "C": 2, "D": 4}


# --- properties --------------------------------------------------------------------------------

POOL = "ABCDEFG"


@st.composite
def sequences(draw: st.DrawFn) -> list[YearFacts]:
    size = draw(st.integers(min_value=2, max_value=6))
    members = frozenset(POOL[:size])
    out = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        awardees = draw(st.sets(st.sampled_from(sorted(members)), max_size=2))
        ranked = draw(st.booleans())
        order = draw(st.permutations(sorted(members)))
        head = draw(st.one_of(st.none(), st.sampled_from(sorted(members))))
        out.append(
            YearFacts(
                year=2000 + i,
                members=members,
                awardees=frozenset(awardees),
                ranks=ranking("".join(order)) if ranked else {},
                head=head,
            )
        )
    return out


def renamed(facts: list[YearFacts], names: dict[Hashable, Hashable]) -> list[YearFacts]:
    return [
        YearFacts(
            year=f.year,
            members=frozenset(names[m] for m in f.members),
            awardees=frozenset(names[m] for m in f.awardees),
            ranks={names[m]: r for m, r in f.ranks.items()},
            head=names[f.head] if f.head is not None else None,
        )
        for f in facts
    ]


@settings(max_examples=200, deadline=None)
@given(sequences(), st.permutations(list(range(len(POOL)))))
def test_renaming_the_members_changes_no_indicator(
    facts: list[YearFacts], permutation: list[int]
) -> None:
    names: dict[Hashable, Hashable] = {m: f"unit-{permutation[i]}" for i, m in enumerate(POOL)}

    before, after = analyse(facts), analyse(renamed(facts, names))

    assert after.indicators == before.indicators
    assert (after.pattern, after.reasons) == (before.pattern, before.reasons)
    for a, b in zip(after.steps, before.steps, strict=True):
        assert a.awardees == frozenset(names[m] for m in b.awardees)
        assert a.first == frozenset(names[m] for m in b.first)
        assert (a.status, a.waiting, a.chance, a.run) == (b.status, b.waiting, b.chance, b.run)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=7),
    st.integers(min_value=0, max_value=15),
    st.data(),
)
def test_one_member_always_winning_is_never_rotation(
    size: int, count: int, data: st.DataObject
) -> None:
    members = frozenset(POOL[:size])
    winner = data.draw(st.sampled_from(sorted(members)))
    facts = [
        YearFacts(
            year=2000 + i,
            members=members,
            awardees=frozenset({winner}) if data.draw(st.booleans()) else frozenset(),
            ranks=ranking("".join(data.draw(st.permutations(sorted(members)))))
            if data.draw(st.booleans())
            else {},
        )
        for i in range(count)
    ]

    assert analyse(facts).pattern != Pattern.ROTATION


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=7), st.data())
def test_awards_to_the_first_ranked_always_read_as_following_the_scores(
    size: int, data: st.DataObject
) -> None:
    members = sorted(POOL[:size])
    facts = []
    for i in range(data.draw(st.integers(min_value=4, max_value=14))):
        order = "".join(data.draw(st.permutations(members)))
        facts.append(YearFacts(2000 + i, frozenset(members), frozenset(order[0]), ranking(order)))

    analysis = analyse(facts)

    assert analysis.pattern == Pattern.SCORES
    assert analysis.indicators.rank_correlation == 1.0


@settings(max_examples=200, deadline=None)
@given(sequences())
def test_the_figures_stay_in_their_bounds(facts: list[YearFacts]) -> None:
    ind = analyse(facts).indicators

    assert 0 <= ind.full_rounds <= ind.longest_run <= ind.award_years <= ind.years
    assert ind.repeats <= max(ind.award_years - 1, 0)
    if ind.chance_of_run is not None:
        assert 0 < ind.chance_of_run <= 1
    if ind.rank_correlation is not None:
        assert -1 <= ind.rank_correlation <= 1
    if ind.top_share is not None:
        assert (
            Fraction(ind.top_hits, ind.ranked_awards) == Fraction(ind.top_share).limit_denominator()
        )
