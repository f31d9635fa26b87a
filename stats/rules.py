"""Pure computations of the statistics pages (no database): shares, representation of groups,
the leaders' concentration indicator, and the shape of a chart with its table.

The concentration indicator compares the leaders' share of a unit's individual awards with their
share of its staff. Under the hypothesis "awards go to leaders as often as to anyone else", the
number of awards to leaders out of n is binomial with the staff share p0; the score statistic
z = (k − n·p0) / √(n·p0·(1 − p0)) says how many standard deviations the count is from that, and the
Wilson interval is the set of shares that hypothesis test would not reject, so "p0 lies below the
interval" and "z > Z_FLAG" are the same statement. A unit is flagged only with at least
MIN_AWARDS individual awards, z above Z_FLAG (99 %, two-sided) and a ratio of the shares of at least
MIN_RATIO: with tens of thousands of awards even a slight difference is "significant", and only a
difference large enough to matter is worth a look. An indicator to look at, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

Z_FLAG = 2.5758293035489004  # two-sided 99 %: few false flags among a province's many units
MIN_AWARDS = 20  # fewer individual awards than this: too few to say anything
MIN_RATIO = 1.25  # and leaders' share of awards at least a quarter above their share of staff
DEFAULT_SPAN = 5  # the dashboards show the last five years with data unless asked otherwise


# --- shares -----------------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to share."""
    if whole <= 0:
        return None
    return part / whole


def pct(part: int, whole: int) -> float | None:
    """A percentage rounded to one decimal (the same number in the chart, the table and Excel)."""
    s = share(part, whole)
    return None if s is None else round(100 * s, 1)


def shares(counts: Mapping[K, int]) -> dict[K, float]:
    """Each key's share of the total (they add up to 1); all 0 when the total is 0."""
    total = sum(counts.values())
    if total <= 0:
        return dict.fromkeys(counts, 0.0)
    return {k: v / total for k, v in counts.items()}


def count_by(items: Iterable[T], key: Callable[[T], K], weight: Callable[[T], int]) -> dict[K, int]:
    """Sum `weight` per `key` (a GROUP BY in memory, over already grouped rows)."""
    out: dict[K, int] = {}
    for item in items:
        k = key(item)
        out[k] = out.get(k, 0) + weight(item)
    return out


# --- representation of groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupShare:
    """One group's share of the awards next to its share of the workforce."""

    key: str
    awards: int
    award_share: float | None  # percent, one decimal
    staff: int
    staff_share: float | None  # percent, one decimal
    ratio: float | None  # award share ÷ staff share, two decimals


def representation(
    awards: Mapping[str, int], staff: Mapping[str, int], keys: Sequence[str]
) -> list[GroupShare]:
    """For each group (in `keys` order): its awards and staff, their shares, and the ratio of the
    two shares (1 = awarded in proportion to its numbers; 2 = twice as often)."""
    n = sum(awards.get(k, 0) for k in keys)
    s = sum(staff.get(k, 0) for k in keys)
    out = []
    for k in keys:
        a, w = awards.get(k, 0), staff.get(k, 0)
        ratio = None
        if n > 0 and w > 0:
            ratio = round((a * s) / (n * w), 2)
        out.append(GroupShare(k, a, pct(a, n), w, pct(w, s), ratio))
    return out


# --- the concentration indicator ------------------------------------------------------------------


def wilson(k: int, n: int, z: float = Z_FLAG) -> tuple[float, float]:
    """The Wilson score interval of a share k/n (0 ≤ k ≤ n, n > 0), within [0, 1]."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError("k must be between 0 and n")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Exact at the ends (0 and 1), whatever the rounding of the formula.
    low = 0.0 if k == 0 else min(p, max(0.0, centre - half))
    high = 1.0 if k == n else max(p, min(1.0, centre + half))
    return low, high


def score_z(k: int, n: int, leaders: int, staff: int) -> float | None:
    """z = (k − n·p0) / √(n·p0·(1 − p0)) with p0 = leaders / staff, computed as
    (k·staff − n·leaders) / √(n·leaders·(staff − leaders)) so that a share exactly equal to p0
    gives exactly 0. None when p0 is 0 or 1 or there are no awards (nothing to compare)."""
    if n <= 0 or staff <= 0 or leaders <= 0 or leaders >= staff:
        return None
    return (k * staff - n * leaders) / math.sqrt(n * leaders * (staff - leaders))


ABOVE = "above"  # leaders' share of awards clearly and markedly above their staff share: flagged
BELOW = "below"  # clearly and markedly below
IN_LINE = "in_line"  # not distinguishable from their share of staff, or only slightly off
FEW_AWARDS = "few_awards"  # fewer than MIN_AWARDS individual awards
NO_BASIS = "no_basis"  # no staff figure, or no leaders or only leaders on the staff today


@dataclass(frozen=True)
class Concentration:
    """The leaders' share of a unit's individual awards against their share of its staff."""

    awards: int
    leader_awards: int
    staff: int
    leaders: int
    award_share: float | None  # percent, one decimal
    staff_share: float | None  # percent, one decimal
    ratio: float | None  # award share ÷ staff share, two decimals
    z: float | None  # two decimals
    low: float | None  # Wilson interval of the award share, percent, one decimal
    high: float | None
    status: str
    min_awards: int = MIN_AWARDS
    z_flag: float = Z_FLAG
    min_ratio: float = MIN_RATIO

    @property
    def interval(self) -> tuple[float, float] | None:
        return None if self.low is None or self.high is None else (self.low, self.high)

    @property
    def flagged(self) -> bool:
        return self.status == ABOVE


def concentration(
    *,
    leader_awards: int,
    awards: int,
    leaders: int,
    staff: int,
    min_awards: int = MIN_AWARDS,
    z_flag: float = Z_FLAG,
    min_ratio: float = MIN_RATIO,
) -> Concentration:
    """The indicator for one unit (or level, or year): shares, ratio, z and the Wilson interval;
    the status says whether the leaders' share of awards stands out from their share of staff."""
    if not 0 <= leader_awards <= awards:
        raise ValueError("leader_awards must be between 0 and awards")
    if not 0 <= leaders <= staff:
        raise ValueError("leaders must be between 0 and staff")
    z = score_z(leader_awards, awards, leaders, staff)
    low = high = None
    if awards > 0:
        lo, hi = wilson(leader_awards, awards, z_flag)
        low, high = round(100 * lo, 1), round(100 * hi, 1)
    ratio = exact_ratio = None
    if awards > 0 and leaders > 0:
        exact_ratio = (leader_awards * staff) / (awards * leaders)
        ratio = round(exact_ratio, 2)
    if awards < min_awards:
        status = FEW_AWARDS
    elif z is None or exact_ratio is None:
        status = NO_BASIS
    elif z > z_flag and exact_ratio >= min_ratio:
        status = ABOVE
    elif z < -z_flag and exact_ratio * min_ratio <= 1:
        status = BELOW
    else:
        status = IN_LINE
    return Concentration(
        awards=awards,
        leader_awards=leader_awards,
        staff=staff,
        leaders=leaders,
        award_share=pct(leader_awards, awards),
        staff_share=pct(leaders, staff),
        ratio=ratio,
        z=None if z is None else round(z, 2),
        low=low,
        high=high,
        status=status,
        min_awards=min_awards,
        z_flag=z_flag,
        min_ratio=min_ratio,
    )


# --- units and periods ----------------------------------------------------------------------------


def default_years(
    last_with_data: int | None, this_year: int, span: int = DEFAULT_SPAN
) -> tuple[int, int]:
    """The last `span` years with data (ending in the latest year that has any; this year when
    there is none)."""
    end = last_with_data if last_with_data is not None else this_year
    return end - span + 1, end


def child_id(path: str, parent_path: str) -> int | None:
    """The id of the child of `parent_path` whose subtree holds `path` ("/3/17/40/" under "/3/" →
    17); None for the parent itself or a path outside it."""
    if not path.startswith(parent_path) or path == parent_path:
        return None
    rest = path[len(parent_path) :].strip("/").split("/")
    return int(rest[0]) if rest and rest[0] else None


def area_of(path: str, marked: Mapping[str, str]) -> str:
    """A unit's area: the one marked on the unit itself or on its nearest marked ancestor."""
    parts = path.strip("/").split("/")
    for n in range(len(parts), 0, -1):
        area = marked.get("/" + "/".join(parts[:n]) + "/")
        if area:
            return area
    return ""


# --- a chart and its table ------------------------------------------------------------------------


COUNT = "count"
PERCENT = "percent"
RATIO = "ratio"
TEXT = "text"
INTERVAL = "interval"  # (low, high) percentages: one column on the page, two in Excel


@dataclass(frozen=True)
class Series:
    """One column of a chart's table, drawn as a dataset unless `in_chart` is False.

    fmt: "count" (adds up in the total row), "percent" (0–100, one decimal), "ratio" (two
    decimals), "text" or "interval" ((low, high) percentages)."""

    label: str
    values: tuple[Any, ...]
    fmt: str = COUNT
    in_chart: bool = True


@dataclass(frozen=True)
class Chart:
    """A chart and the table beneath it: the same rows and numbers (static/js/charts.js's spec)."""

    key: str
    title: str
    kind: str  # bar | line | doughnut | pie
    row_header: str
    rows: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    percent: bool = False
    horizontal: bool = False
    note: str = ""
    keys: tuple[str, ...] = ()  # stable keys of the rows (codes, years), whatever the language

    def by_key(self) -> dict[str, list[Any]]:
        """{row key: [values]}: the table for code that must not depend on the language."""
        keys = self.keys or self.rows
        return {k: [s.values[i] for s in self.series] for i, k in enumerate(keys)}

    @property
    def element_id(self) -> str:
        """The id of the json_script element holding the spec (the canvas's data-chart)."""
        return f"chart-{self.key}-data"

    @property
    def empty(self) -> bool:
        """Nothing to draw: no rows, or no count above 0 and no percentage at all."""
        if not self.rows:
            return True
        for s in self.series:
            if s.fmt == COUNT and any(v for v in s.values):
                return False
            if s.fmt == PERCENT and any(v is not None for v in s.values):
                return False
        return True

    def spec(self) -> dict[str, Any]:
        """The JSON static/js/charts.js draws."""
        return {
            "type": self.kind,
            "labels": list(self.rows),
            "datasets": [
                {"label": s.label, "data": list(s.values)} for s in self.series if s.in_chart
            ],
            "stacked": self.stacked,
            "percent": self.percent,
            "horizontal": self.horizontal,
        }

    def table_rows(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        """(row label, [(value, fmt) per column]) for the table and the Excel sheet."""
        return [
            (label, [(s.values[i], s.fmt) for s in self.series])
            for i, label in enumerate(self.rows)
        ]

    def totals(self) -> list[tuple[Any, str]] | None:
        """The total row (counts only), or None when no column adds up."""
        if not any(s.fmt == COUNT for s in self.series):
            return None
        return [
            (sum(int(v or 0) for v in s.values), s.fmt) if s.fmt == COUNT else (None, s.fmt)
            for s in self.series
        ]
