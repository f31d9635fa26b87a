"""Rotation indicators (khen thưởng luân phiên): do awards go round the members in turn, or do
they follow the scores?

Pure functions, no database. The caller gives, for each year, the members, their ranks when the
scores are known (1 = best), who received the award (a flag or a certificate of merit) and the head
unit of the year. `analyse()` answers with indicators, the evidence year by year and a summary
that names a pattern without passing judgement:

- **Awards and scores.** How often the awardee was among the top-ranked members (the top one when
  a single award is given, the top k when k are given); the awardees' mean rank beside the mean a
  draw by lot would give; and a rank correlation (rank-biserial): over every pair of an awardee
  and another member ranked the same year, +1 when the awardee always ranked better, 0 when
  better and worse are as frequent, −1 when always worse. Ranks are taken among the members
  competing: for the certificate of merit, the unit given the flag that year is left out, so
  the runner-up of the ranking is the first of those competing.
- **Each member once before anyone twice.** Awards are read in year order as rounds: an award to
  a member who has not had one in the current round continues it; once every member has had one,
  the round is full and a new one starts. An award to a member who already had one while others
  are still waiting breaks the run. The longest run, the full rounds in it, whether successive
  rounds followed the same order (a cycle), and the chance that awards drawn by lot each year
  would have gone that long without a repeat. A run is pointed out when that chance is at most
  RUN_CHANCE_MAX, whether or not it completed a round: in a cluster of seven, six different
  awardees in six award years (chance 6/7 · 5/7 · 4/7 · 3/7 · 2/7 ≈ 4.3 %) already is. For a
  cluster's size, `shortest_unlikely_run` says how many award years in a row that takes.
- **Heads in turn.** How often the award went to the head unit of the year (the host of the
  year-end conference), and to the unit that became the next year's head.

Years without an award are skipped (neither continuing nor breaking a run); awardees who were not
members that year are left out. Member keys may be anything hashable (ids, names): renaming them
changes no indicator.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from math import comb

# The summary's thresholds. They describe what counts as "enough" and "often"; they are
# indicators' cut-offs, not legal rules.
MIN_AWARD_YEARS = 4  # fewer years with an award: not enough data to speak of a pattern
MIN_RANKED_AWARDS = 3  # fewer awards with a known rank: the scores cannot be compared
FOLLOWS_SCORES_SHARE = 0.75  # awardee among the top-ranked in at least this share of awards
RUN_CHANCE_MAX = 0.05  # a run without repeats this unlikely by lot is worth pointing out,
# full round or not; with unknown scores and fewer award years than the shortest such run for the
# cluster's size, there is not enough data to tell a rotation from a draw by lot
FOLLOWS_HEAD_SHARE = 0.75  # the award went to the head unit in at least this share of years
MIN_HEAD_YEARS = 3


class Pattern:
    """The summary's words, as codes (the page words them)."""

    INSUFFICIENT = "insufficient"  # not enough data
    SCORES = "scores"  # awards follow the scores
    ROTATION = "rotation"  # pattern consistent with rotation
    UNCLEAR = "unclear"  # neither pattern stands out


class StepStatus:
    """What one year's award did to the round."""

    NONE = "none"  # no award to a member that year
    NEW = "new"  # every awardee was still waiting in the round
    COMPLETES = "completes"  # the round is full: every member has had the award once
    REPEAT = "repeat"  # an awardee had one already while other members were still waiting


@dataclass(frozen=True)
class YearFacts:
    """One year as the caller knows it."""

    year: int
    members: frozenset[Hashable]
    awardees: frozenset[Hashable] = frozenset()
    ranks: Mapping[Hashable, int] = field(default_factory=dict)
    head: Hashable | None = None
    # Members who did not compete for this award that year (e.g. for the certificate of merit,
    # the unit given the flag): left out when the awards are compared with the ranking.
    ineligible: frozenset[Hashable] = frozenset()


@dataclass(frozen=True)
class Step:
    """The evidence for one year: the awardees with their rank, who ranked first, the heads, and
    what the award did to the round (with the chance a draw by lot would have done the same)."""

    year: int
    members: int
    awardees: frozenset[Hashable]
    awardee_ranks: Mapping[Hashable, int | None]
    first: frozenset[Hashable]  # the best-ranked member(s) competing; empty when ranks unknown
    head: Hashable | None
    next_head: Hashable | None
    waiting: int  # members still waiting in the round before this year's award
    status: str
    chance: float | None  # chance by lot of no repeat at this step; None without an award
    run: int  # which run the step belongs to (0 without an award)


@dataclass(frozen=True)
class Indicators:
    """Every figure the summary rests on."""

    years: int
    award_years: int
    awards: int
    members: int
    # Awards and scores
    ranked_awards: int
    top_hits: int
    top_share: float | None
    mean_rank: float | None
    mean_rank_by_lot: float | None
    rank_correlation: float | None
    # Each member once before anyone twice
    longest_run: int
    run_from: int | None
    run_to: int | None
    full_rounds: int
    repeats: int
    same_order: bool | None
    chance_of_run: float | None
    # The shortest run of single awards, one a year without a repeat, that a draw by lot would
    # give with a chance of RUN_CHANCE_MAX or less, for the members of the latest year (None
    # with fewer than two). Members who come and go change the chance of an actual run.
    run_needed: int | None
    # Heads in turn
    head_years: int
    head_hits: int
    head_hits_by_lot: float | None
    next_head_years: int
    next_head_hits: int


@dataclass(frozen=True)
class Analysis:
    pattern: str
    reasons: tuple[str, ...]
    indicators: Indicators
    steps: tuple[Step, ...]


@dataclass
class _Run:
    number: int
    years: list[int] = field(default_factory=list)
    chance: float = 1.0
    full_rounds: int = 0
    # Each round's order: the awardees year by year (a year may award several at once).
    rounds: list[list[frozenset[Hashable]]] = field(default_factory=lambda: [[]])


def no_repeat_chance(members: int, waiting: int, awards: int) -> float:
    """The chance that `awards` members drawn by lot from `members` avoid a repeat when `waiting`
    of them have not had the award in the current round: all drawn among those waiting, or (when
    more are drawn than wait) every waiting member among those drawn."""
    if awards <= 0 or members <= 0 or awards > members:
        return 1.0
    if awards <= waiting:
        return comb(waiting, awards) / comb(members, awards)
    return comb(members - waiting, awards - waiting) / comb(members, awards)


def shortest_unlikely_run(members: int, threshold: float = RUN_CHANCE_MAX) -> int | None:
    """How many award years in a row, one award a year to a member who had not had one in the
    round, a draw by lot would give with a chance of `threshold` or less (7 members: 6, since
    1 · 6/7 · 5/7 · 4/7 · 3/7 · 2/7 ≈ 0.043). None with fewer than two members or a threshold of
    0 or less (no run is ever that unlikely)."""
    if members < 2 or threshold <= 0:
        return None
    length = 1
    while run_chance(members, length) > threshold:  # ends: each full round multiplies by < 1
        length += 1
    return length


def run_chance(members: int, length: int) -> float:
    """The chance that `length` single awards drawn by lot, one a year among `members`, go to a
    member who has not had one in the round each time (rounds start again once full): the
    product of the steps' `no_repeat_chance`, as `analyse` multiplies them along a run."""
    chance, waiting = 1.0, members
    for _step in range(length):
        chance *= no_repeat_chance(members, waiting, 1)
        waiting = waiting - 1 or members  # the round is full: the next one starts
    return chance


def _first(ranks: Mapping[Hashable, int]) -> frozenset[Hashable]:
    if not ranks:
        return frozenset()
    best = min(ranks.values())
    return frozenset(k for k, r in ranks.items() if r == best)


def relative_ranks(ranks: Mapping[Hashable, int]) -> dict[Hashable, int]:
    """Ranks among the given members only, ties kept (1, 2, 2, 4): one plus those ranked better."""
    return {k: 1 + sum(other < r for other in ranks.values()) for k, r in ranks.items()}


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _same_order(rounds: list[list[frozenset[Hashable]]]) -> bool | None:
    """Whether each round followed the previous one's order (the last, unfinished round is
    compared on what it has so far, when it has at least two years). None: nothing to compare."""
    comparisons = []
    for previous, current in pairwise(rounds):
        if len(current) < 2:
            continue
        comparisons.append(current == previous[: len(current)])
    return all(comparisons) if comparisons else None


def analyse(years: Sequence[YearFacts]) -> Analysis:
    """Indicators, evidence and summary for a sequence of years (any order; one entry a year)."""
    ordered = sorted(years, key=lambda y: y.year)
    seen_years = [y.year for y in ordered]
    if len(set(seen_years)) != len(seen_years):
        raise ValueError("one entry a year")
    heads = {y.year: y.head for y in ordered}

    steps: list[Step] = []
    runs: list[_Run] = []
    run: _Run | None = None
    received: set[Hashable] = set()
    repeats = 0
    ranked_ranks: list[float] = []
    lot_ranks: list[float] = []
    top_hits = 0
    pair_score = 0
    pairs = 0
    head_years = head_hits = next_head_years = next_head_hits = 0
    head_by_lot = 0.0

    for facts in ordered:
        members = frozenset(facts.members)
        awardees = frozenset(facts.awardees) & members
        published = {k: r for k, r in facts.ranks.items() if k in members}
        ranks = relative_ranks({k: r for k, r in published.items() if k not in facts.ineligible})
        next_head = heads.get(facts.year + 1)
        if not awardees:
            steps.append(
                Step(
                    year=facts.year,
                    members=len(members),
                    awardees=awardees,
                    awardee_ranks={},
                    first=_first(ranks),
                    head=facts.head,
                    next_head=next_head,
                    waiting=len(members - received),
                    status=StepStatus.NONE,
                    chance=None,
                    run=0,
                )
            )
            continue

        # Awards and scores.
        k = len(awardees)
        if ranks:
            ranked_members = list(ranks.values())
            for a in awardees & ranks.keys():
                ranked_ranks.append(ranks[a])
                lot_ranks.append(sum(ranked_members) / len(ranked_members))
                top_hits += ranks[a] <= k
                for other, other_rank in ranks.items():
                    if other in awardees:
                        continue
                    pairs += 1
                    pair_score += (ranks[a] < other_rank) - (ranks[a] > other_rank)

        # Heads in turn.
        if facts.head is not None and facts.head in members:
            head_years += 1
            head_hits += facts.head in awardees
            head_by_lot += k / len(members)
        if next_head is not None:
            next_head_years += 1
            next_head_hits += next_head in awardees

        # Rounds: each member once before anyone twice.
        received &= members  # members who left no longer count
        waiting = members - received
        if not waiting:  # the round filled up as others left: a new one starts
            received = set()
            waiting = members
        chance = no_repeat_chance(len(members), len(waiting), k)
        repeat = not (awardees <= waiting or waiting <= awardees)
        repeats += repeat
        if run is None or repeat:  # a repeat ends the run; this award opens the next one
            run = _Run(number=len(runs) + 1)
            runs.append(run)
            received = set()
            open_to = members
        else:
            run.chance *= chance
            open_to = waiting
        run.years.append(facts.year)
        closing = awardees & open_to
        run.rounds[-1].append(closing)
        received |= closing
        completes = received >= members
        if completes:  # every member has had it once; awardees beyond those open the next round
            run.full_rounds += 1
            extra = awardees - open_to
            received = set(extra)
            run.rounds.append([extra] if extra else [])
        if repeat:
            status = StepStatus.REPEAT
        else:
            status = StepStatus.COMPLETES if completes else StepStatus.NEW
        steps.append(
            Step(
                year=facts.year,
                members=len(members),
                awardees=awardees,
                awardee_ranks={a: published.get(a) for a in awardees},
                first=_first(ranks),
                head=facts.head,
                next_head=next_head,
                waiting=len(waiting),
                status=status,
                chance=chance,
                run=run.number,
            )
        )

    longest = max(runs, key=lambda r: (len(r.years), r.full_rounds, -r.chance), default=None)
    rounds = [r for r in longest.rounds if r] if longest else []
    award_steps = [s for s in steps if s.status != StepStatus.NONE]
    indicators = Indicators(
        years=len(ordered),
        award_years=len(award_steps),
        awards=sum(len(s.awardees) for s in award_steps),
        members=len(frozenset().union(*(y.members for y in ordered))) if ordered else 0,
        ranked_awards=len(ranked_ranks),
        top_hits=top_hits,
        top_share=top_hits / len(ranked_ranks) if ranked_ranks else None,
        mean_rank=_mean(ranked_ranks),
        mean_rank_by_lot=_mean(lot_ranks),
        rank_correlation=pair_score / pairs if pairs else None,
        longest_run=len(longest.years) if longest else 0,
        run_from=longest.years[0] if longest else None,
        run_to=longest.years[-1] if longest else None,
        full_rounds=longest.full_rounds if longest else 0,
        repeats=repeats,
        same_order=_same_order(rounds) if longest and longest.full_rounds else None,
        chance_of_run=longest.chance if longest else None,
        run_needed=shortest_unlikely_run(len(ordered[-1].members)) if ordered else None,
        head_years=head_years,
        head_hits=head_hits,
        head_hits_by_lot=head_by_lot if head_years else None,
        next_head_years=next_head_years,
        next_head_hits=next_head_hits,
    )
    max_members = max((len(y.members) for y in ordered), default=0)
    pattern, reasons = summarise(indicators, max_members)
    return Analysis(pattern=pattern, reasons=reasons, indicators=indicators, steps=tuple(steps))


def summarise(ind: Indicators, max_members: int) -> tuple[str, tuple[str, ...]]:
    """The pattern the indicators point to, and the reasons (codes) the page words.

    A run of awards without a repeat is pointed out ("unlikely by lot") when a draw by lot would
    give it with a chance of RUN_CHANCE_MAX or less, whether it completed a round or not. Awards
    that follow the scores are never read as rotation, even when each year's first was a
    different member: the run is then said to follow the scores. When every award so far went to
    a member still waiting but there are fewer award years than the shortest run that could be
    pointed out, the run cannot tell; with the scores unknown too, there is not enough data."""
    reasons: list[str] = []
    if max_members < 2:
        return Pattern.INSUFFICIENT, ("few_members",)
    if ind.award_years < MIN_AWARD_YEARS:
        return Pattern.INSUFFICIENT, ("few_award_years",)
    ranks_known = ind.ranked_awards >= MIN_RANKED_AWARDS
    follows_scores = (
        ranks_known and ind.top_share is not None and ind.top_share >= FOLLOWS_SCORES_SHARE
    )
    unlikely_run = ind.chance_of_run is not None and ind.chance_of_run <= RUN_CHANCE_MAX
    # Every award went to a member still waiting, but too few years for any run to stand out.
    too_short_to_tell = (
        not unlikely_run
        and ind.repeats == 0
        and ind.run_needed is not None
        and ind.award_years < ind.run_needed
    )
    follows_head = (
        ind.head_years >= MIN_HEAD_YEARS and ind.head_hits >= FOLLOWS_HEAD_SHARE * ind.head_years
    )
    if not ranks_known:
        reasons.append("ranks_unknown")
    if follows_scores:
        reasons.append("top_ranked")
    elif ranks_known:
        reasons.append("not_top_ranked")
    if unlikely_run:
        reasons.append("full_round_unlikely_by_lot" if ind.full_rounds else "run_unlikely_by_lot")
        if ind.same_order:
            reasons.append("same_order")
        if follows_scores:
            reasons.append("run_follows_scores")
    elif ind.full_rounds >= 1:
        reasons.append("full_round_possible_by_lot")
    else:
        reasons.append("no_full_round")
    if too_short_to_tell:
        reasons.append("few_years_for_a_run")
    if follows_head:
        reasons.append("follows_head")
    if follows_scores:
        return Pattern.SCORES, tuple(reasons)
    if unlikely_run:
        return Pattern.ROTATION, tuple(reasons)
    if too_short_to_tell and not ranks_known:
        return Pattern.INSUFFICIENT, tuple(reasons)
    return Pattern.UNCLEAR, tuple(reasons)
