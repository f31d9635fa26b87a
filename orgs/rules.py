"""Pure lineage rules: who came before and after a unit at a date. No database access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# Kinds through which a unit's identity (and its chain of titles) passes to another unit.
CONTINUING_KINDS = frozenset({"merged_into", "renamed"})


@dataclass(frozen=True)
class Edge:
    """One lineage event: `pred` became (part of) `succ` on `date` (succ None when dissolved)."""

    kind: str
    pred: int
    succ: int | None
    date: dt.date


@dataclass(frozen=True)
class Link:
    """A unit reached through the lineage, with the event that links it and its distance."""

    org_id: int
    kind: str
    date: dt.date
    via: int  # the unit on the other side of this event
    depth: int


def predecessors(org_id: int, edges: Iterable[Edge], at: dt.date | None = None) -> list[Link]:
    """Every unit that flowed into `org_id` by `at` (merged, renamed or split off), transitively.

    Ordered nearest first, then newest first.
    """
    usable = [e for e in edges if e.succ is not None and (at is None or e.date <= at)]
    by_succ: dict[int, list[Edge]] = {}
    for e in usable:
        by_succ.setdefault(e.succ, []).append(e)  # type: ignore[arg-type]
    found: list[Link] = []
    seen = {org_id}
    frontier = [(org_id, 0)]
    while frontier:
        current, depth = frontier.pop(0)
        for e in sorted(by_succ.get(current, []), key=lambda e: (e.date, e.pred), reverse=True):
            if e.pred in seen:
                continue
            seen.add(e.pred)
            found.append(Link(e.pred, e.kind, e.date, current, depth + 1))
            # A split parent lives on; what came before it is not this unit's history.
            if e.kind in CONTINUING_KINDS:
                frontier.append((e.pred, depth + 1))
    return found


def successors(org_id: int, edges: Iterable[Edge], at: dt.date | None = None) -> list[Link]:
    """Every unit `org_id` became or gave rise to by `at`, transitively through merges and renamings.

    A dissolution appears as a link whose org_id is the dissolved unit itself (no successor).
    """
    usable = [e for e in edges if at is None or e.date <= at]
    by_pred: dict[int, list[Edge]] = {}
    for e in usable:
        by_pred.setdefault(e.pred, []).append(e)
    found: list[Link] = []
    seen = {org_id}
    frontier = [(org_id, 0)]
    while frontier:
        current, depth = frontier.pop(0)
        for e in sorted(by_pred.get(current, []), key=lambda e: (e.date, e.succ or 0)):
            if e.succ is None:
                found.append(Link(current, e.kind, e.date, current, depth + 1))
                continue
            if e.succ in seen:
                continue
            seen.add(e.succ)
            found.append(Link(e.succ, e.kind, e.date, current, depth + 1))
            if e.kind in CONTINUING_KINDS:
                frontier.append((e.succ, depth + 1))
    return found


def successor_at(org_id: int, edges: Iterable[Edge], at: dt.date) -> int | None:
    """The unit that carries `org_id`'s identity on `at`: itself, its merged/renamed heir, or None.

    None means the unit (or its heir) was dissolved by that date.
    """
    by_pred: dict[int, list[Edge]] = {}
    for e in edges:
        if e.date <= at and (e.kind in CONTINUING_KINDS or e.kind == "dissolved"):
            by_pred.setdefault(e.pred, []).append(e)
    current: int | None = org_id
    seen: set[int] = set()
    while current is not None and current not in seen and current in by_pred:
        seen.add(current)
        event = max(by_pred[current], key=lambda e: e.date)
        current = event.succ
    return current


def has_cycle(edges: Iterable[Edge]) -> bool:
    """Whether the continuing links (merges, renamings) loop back on themselves."""
    graph: dict[int, set[int]] = {}
    for e in edges:
        if e.succ is not None and e.kind in CONTINUING_KINDS:
            graph.setdefault(e.pred, set()).add(e.succ)
    state: dict[int, int] = {}

    def visit(node: int) -> bool:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(graph))
