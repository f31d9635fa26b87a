"""Pure lineage rules: examples from the 2025 merger, then properties over random merge histories."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from orgs import rules
from orgs.rules import Edge

MERGER = dt.date(2025, 7, 1)
EVE = dt.date(2025, 6, 30)

# Ids standing for units, so the examples read like the domain.
BAC_KAN, THAI_NGUYEN, VINH_PHUC, HOA_BINH, PHU_THO = 6, 19, 26, 17, 25
OLD_NAME, NEW_NAME, SPLIT_OFF, GONE = 100, 101, 102, 103

REAL = [
    Edge("merged_into", BAC_KAN, THAI_NGUYEN, MERGER),
    Edge("merged_into", VINH_PHUC, PHU_THO, MERGER),
    Edge("merged_into", HOA_BINH, PHU_THO, MERGER),
]


def ids(links: list[rules.Link]) -> list[int]:
    return [link.org_id for link in links]


# --- examples ----------------------------------------------------------------------------------


def test_it_finds_the_successor_from_the_merger_day_on() -> None:
    assert rules.successor_at(BAC_KAN, REAL, MERGER) == THAI_NGUYEN
    assert rules.successor_at(BAC_KAN, REAL, dt.date(2030, 1, 1)) == THAI_NGUYEN


def test_it_keeps_the_unit_itself_before_the_merger_day() -> None:
    assert rules.successor_at(BAC_KAN, REAL, EVE) == BAC_KAN


def test_it_keeps_a_unit_without_events_as_its_own_successor() -> None:
    assert rules.successor_at(THAI_NGUYEN, REAL, MERGER) == THAI_NGUYEN


def test_it_lists_every_unit_merged_into_a_province() -> None:
    links = rules.predecessors(PHU_THO, REAL)

    assert sorted(ids(links)) == [HOA_BINH, VINH_PHUC]
    assert {(link.kind, link.date, link.via, link.depth) for link in links} == {
        ("merged_into", MERGER, PHU_THO, 1)
    }


def test_it_hides_predecessors_before_the_event_date() -> None:
    assert rules.predecessors(THAI_NGUYEN, REAL, EVE) == []
    assert ids(rules.predecessors(THAI_NGUYEN, REAL, MERGER)) == [BAC_KAN]


def test_it_lists_the_successor_of_a_merged_unit() -> None:
    assert rules.successors(BAC_KAN, REAL) == [
        rules.Link(THAI_NGUYEN, "merged_into", MERGER, BAC_KAN, 1)
    ]
    assert rules.successors(BAC_KAN, REAL, EVE) == []


def test_it_follows_a_renaming_then_a_merger() -> None:
    edges = [
        Edge("renamed", OLD_NAME, NEW_NAME, dt.date(2020, 1, 1)),
        Edge("merged_into", NEW_NAME, THAI_NGUYEN, MERGER),
    ]

    assert rules.successor_at(OLD_NAME, edges, dt.date(2019, 12, 31)) == OLD_NAME
    assert rules.successor_at(OLD_NAME, edges, dt.date(2024, 1, 1)) == NEW_NAME
    assert rules.successor_at(OLD_NAME, edges, MERGER) == THAI_NGUYEN
    assert [(link.org_id, link.depth) for link in rules.predecessors(THAI_NGUYEN, edges)] == [
        (NEW_NAME, 1),
        (OLD_NAME, 2),
    ]
    assert [(link.org_id, link.via, link.depth) for link in rules.successors(OLD_NAME, edges)] == [
        (NEW_NAME, OLD_NAME, 1),
        (THAI_NGUYEN, NEW_NAME, 2),
    ]


def test_it_orders_predecessors_nearest_first_then_newest_first() -> None:
    edges = [
        Edge("merged_into", 1, 10, dt.date(2001, 1, 1)),
        Edge("merged_into", 2, 10, dt.date(2003, 1, 1)),
        Edge("merged_into", 3, 1, dt.date(2000, 1, 1)),
    ]

    assert ids(rules.predecessors(10, edges)) == [2, 1, 3]


def test_it_returns_none_once_a_unit_is_dissolved() -> None:
    edges = [Edge("dissolved", GONE, None, MERGER)]

    assert rules.successor_at(GONE, edges, EVE) == GONE
    assert rules.successor_at(GONE, edges, MERGER) is None
    assert rules.successors(GONE, edges) == [rules.Link(GONE, "dissolved", MERGER, GONE, 1)]


def test_it_returns_none_when_the_heir_is_dissolved_later() -> None:
    edges = [
        Edge("merged_into", BAC_KAN, THAI_NGUYEN, MERGER),
        Edge("dissolved", THAI_NGUYEN, None, dt.date(2030, 1, 1)),
    ]

    assert rules.successor_at(BAC_KAN, edges, dt.date(2029, 12, 31)) == THAI_NGUYEN
    assert rules.successor_at(BAC_KAN, edges, dt.date(2030, 1, 1)) is None


def test_it_does_not_pass_identity_through_a_split() -> None:
    # SPLIT_OFF was split from THAI_NGUYEN, which had absorbed BAC_KAN: the parent lives on.
    edges = [*REAL, Edge("split_from", THAI_NGUYEN, SPLIT_OFF, dt.date(2026, 1, 1))]

    assert rules.successor_at(THAI_NGUYEN, edges, dt.date(2027, 1, 1)) == THAI_NGUYEN
    assert [(link.org_id, link.kind) for link in rules.predecessors(SPLIT_OFF, edges)] == [
        (THAI_NGUYEN, "split_from")
    ]


def test_it_detects_a_direct_and_an_indirect_cycle() -> None:
    assert rules.has_cycle([Edge("merged_into", 1, 2, MERGER), Edge("renamed", 2, 1, MERGER)])
    assert rules.has_cycle(
        [
            Edge("merged_into", 1, 2, MERGER),
            Edge("merged_into", 2, 3, MERGER),
            Edge("renamed", 3, 1, MERGER),
        ]
    )
    assert rules.has_cycle([Edge("renamed", 1, 1, MERGER)])


def test_it_ignores_splits_and_dissolutions_when_looking_for_cycles() -> None:
    edges = [
        Edge("merged_into", 1, 2, MERGER),
        Edge("split_from", 2, 1, dt.date(2026, 1, 1)),
        Edge("dissolved", 2, None, dt.date(2027, 1, 1)),
    ]

    assert not rules.has_cycle(edges)
    assert not rules.has_cycle(REAL)
    assert not rules.has_cycle([])


def test_it_survives_a_cycle_without_looping_forever() -> None:
    edges = [Edge("merged_into", 1, 2, MERGER), Edge("merged_into", 2, 1, MERGER)]

    assert rules.successor_at(1, edges, MERGER) in {1, 2}
    assert ids(rules.successors(1, edges)) == [2]
    assert ids(rules.predecessors(1, edges)) == [2]


# --- properties --------------------------------------------------------------------------------

DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
KINDS = st.sampled_from(["merged_into", "renamed"])
# Pure functions over small graphs: a few dozen examples each keep the suite fast; no example database.
PROPERTY = settings(max_examples=60, deadline=None, database=None)


@st.composite
def merge_forests(draw: st.DrawFn) -> tuple[int, list[Edge]]:
    """Units 0..n-1; each merges (or is renamed) at most once, into a unit with a higher id.

    Higher ids only, so the history is acyclic; one continuing event per unit, so the heir is unique.
    """
    n = draw(st.integers(min_value=2, max_value=12))
    edges = []
    for unit in range(n - 1):
        if draw(st.booleans()):
            target = draw(st.integers(min_value=unit + 1, max_value=n - 1))
            edges.append(Edge(draw(KINDS), unit, target, draw(DAYS)))
    return n, edges


def follow(unit: int, edges: list[Edge], at: dt.date) -> int:
    """The heir by walking the forest one step at a time (each unit has at most one outgoing edge)."""
    out = {e.pred: e for e in edges}
    while unit in out and out[unit].date <= at:
        unit = out[unit].succ  # type: ignore[assignment]
    return unit


def reachable(unit: int, edges: list[Edge], at: dt.date | None) -> set[int]:
    found: set[int] = set()
    frontier = [unit]
    while frontier:
        current = frontier.pop()
        for e in edges:
            if e.pred == current and e.succ not in found and (at is None or e.date <= at):
                found.add(e.succ)  # type: ignore[arg-type]
                frontier.append(e.succ)  # type: ignore[arg-type]
    return found


@PROPERTY
@given(merge_forests(), DAYS)
def test_it_follows_merge_chains_to_the_unit_active_on_the_date(
    forest: tuple[int, list[Edge]], at: dt.date
) -> None:
    n, edges = forest
    for unit in range(n):
        assert rules.successor_at(unit, edges, at) == follow(unit, edges, at)


@PROPERTY
@given(merge_forests())
def test_it_ends_every_chain_at_a_terminal_unit_after_all_events(
    forest: tuple[int, list[Edge]],
) -> None:
    n, edges = forest
    sources = {e.pred for e in edges}
    for unit in range(n):
        heir = rules.successor_at(unit, edges, dt.date.max)
        assert heir is not None
        assert heir not in sources
        assert heir == unit or heir in reachable(unit, edges, None)


@PROPERTY
@given(merge_forests())
def test_it_keeps_every_unit_itself_before_any_event(forest: tuple[int, list[Edge]]) -> None:
    n, edges = forest
    for unit in range(n):
        assert rules.successor_at(unit, edges, dt.date(1989, 12, 31)) == unit


@PROPERTY
@given(merge_forests(), st.one_of(st.none(), DAYS))
def test_it_makes_predecessors_and_successors_inverse(
    forest: tuple[int, list[Edge]], at: dt.date | None
) -> None:
    n, edges = forest
    succ = {u: set(ids(rules.successors(u, edges, at))) for u in range(n)}
    pred = {u: set(ids(rules.predecessors(u, edges, at))) for u in range(n)}
    for a in range(n):
        assert succ[a] == reachable(a, edges, at)
        for b in range(n):
            assert (b in succ[a]) == (a in pred[b])


@PROPERTY
@given(merge_forests(), st.one_of(st.none(), DAYS))
def test_it_gives_depth_one_exactly_to_direct_links(
    forest: tuple[int, list[Edge]], at: dt.date | None
) -> None:
    n, edges = forest
    for unit in range(n):
        direct = {e.pred for e in edges if e.succ == unit and (at is None or e.date <= at)}
        links = rules.predecessors(unit, edges, at)
        assert {link.org_id for link in links if link.depth == 1} == direct
        assert len(ids(links)) == len(set(ids(links)))


@PROPERTY
@given(merge_forests())
def test_it_sees_no_cycle_in_an_acyclic_history(forest: tuple[int, list[Edge]]) -> None:
    _, edges = forest
    assert not rules.has_cycle(edges)


@PROPERTY
@given(merge_forests(), st.data())
def test_it_detects_an_injected_cycle(forest: tuple[int, list[Edge]], data: st.DataObject) -> None:
    n, edges = forest
    # A unit merging back into itself or into any unit it already flows into closes a loop.
    unit = data.draw(st.integers(min_value=0, max_value=n - 1))
    ancestor = data.draw(st.sampled_from(sorted(reachable(unit, edges, None) | {unit})))
    kind = data.draw(KINDS)
    injected = Edge(kind, ancestor, unit, data.draw(DAYS))

    assert rules.has_cycle([*edges, injected])
    assert rules.has_cycle([injected, *edges])


@PROPERTY
@given(merge_forests(), st.data())
def test_it_ignores_injected_back_links_that_are_splits(
    forest: tuple[int, list[Edge]], data: st.DataObject
) -> None:
    n, edges = forest
    unit = data.draw(st.integers(min_value=0, max_value=n - 1))
    ancestor = data.draw(st.sampled_from(sorted(reachable(unit, edges, None) | {unit})))

    assert not rules.has_cycle([*edges, Edge("split_from", ancestor, unit, MERGER)])


@PROPERTY
@given(merge_forests(), DAYS)
def test_it_returns_none_for_a_chain_ending_in_dissolution(
    forest: tuple[int, list[Edge]], day: dt.date
) -> None:
    n, edges = forest
    terminal = n - 1  # never has an outgoing edge in the forest
    history = [*edges, Edge("dissolved", terminal, None, day)]
    for unit in range(n):
        if follow(unit, edges, dt.date.max) == terminal:
            assert rules.successor_at(unit, history, dt.date.max) is None
        else:
            assert rules.successor_at(unit, history, dt.date.max) is not None
