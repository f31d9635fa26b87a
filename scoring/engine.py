"""The scoring engine: a table of criteria, members' entries, points, totals and the ranking.

Pure functions over plain data (no database), so the same calculation serves the secretariat's
preview, the API's preview, members' sheets and the final results. Decimal arithmetic throughout;
points are rounded to two decimals only when reported.

Criterion kinds:
- ``group``: the sum of its children, between 0 and its maximum;
- ``pass_fail``: the maximum or nothing;
- ``per_occurrence``: points for each occurrence, up to the maximum;
- ``quantitative``: against a target — by default linear up to the target, then (optionally)
  bonus points for exceeding it, up to ``bonus_max``; or a declared formula over ``actual``,
  ``target``, ``ratio`` and ``max_points``;
- ``relative_best``: the member with the best actual gets the maximum, the others pro rata (or by a
  declared formula over ``actual``, ``best`` and ``max_points``); pending until every member's
  actual is in;
- ``bonus`` / ``penalty``: points added / deducted per item, between 0 and the maximum (bonus) or
  between minus the maximum and 0 (penalty). At the top level they sit outside the scale.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from scoring import expressions

KINDS = (
    "group",
    "pass_fail",
    "per_occurrence",
    "quantitative",
    "relative_best",
    "bonus",
    "penalty",
)
ADJUSTMENTS = ("bonus", "penalty")
SCALES = (Decimal(100), Decimal(1000))
AGGREGATIONS = ("mean", "median", "trimmed_mean")
QUANTITATIVE_NAMES = frozenset({"actual", "target", "ratio", "max_points"})
RELATIVE_NAMES = frozenset({"actual", "best", "max_points"})
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
MAX_CRITERIA = 500
MAX_DEPTH = 5
CENT = Decimal("0.01")
ZERO = Decimal(0)


@dataclass
class Criterion:
    """One node of the table's tree."""

    code: str
    text: str
    kind: str
    max_points: Decimal
    children: list[Criterion] = field(default_factory=list)
    points_each: Decimal | None = None
    target: Decimal | None = None
    bonus_max: Decimal = ZERO
    formula: str = ""
    lower_is_better: bool = False
    allowance: Decimal = ZERO
    guidance: str = ""
    evidence: str = ""
    _compiled: expressions.Formula | None = field(default=None, repr=False, compare=False)

    @property
    def counts_in_scale(self) -> bool:
        return self.kind not in ADJUSTMENTS

    def walk(self) -> Iterable[Criterion]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Table:
    """A scoring table: its scale, criteria, how reviewers' values combine, the tie-breaks."""

    scale: Decimal
    criteria: list[Criterion]
    aggregation: str = "mean"
    tie_breaks: list[str] = field(default_factory=list)

    def walk(self) -> Iterable[Criterion]:
        for criterion in self.criteria:
            yield from criterion.walk()

    def leaves(self) -> list[Criterion]:
        return [c for c in self.walk() if c.kind != "group"]


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: the criterion's code (empty for the table as a whole)."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class ComputeError(ValueError):
    """A formula could not be evaluated for a member's values (e.g. a division by zero)."""

    def __init__(self, code: str, error: expressions.FormulaError, member: Any = None) -> None:
        super().__init__(f"{code}: {error}")
        self.code = code
        self.error = error
        self.member = member

    @property
    def message(self) -> str:
        if self.error.code == "division_by_zero":
            return _("The formula divides by zero for these values.")
        return _("The formula cannot be computed for these values.")


class TableError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def cents(value: Decimal) -> Decimal:
    """Points as reported: two decimals, halves rounded up (the same for points and totals)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_decimal(value: Any) -> Decimal | None:
    """A number from JSON, a form or the database; None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- building and validating a table -------------------------------------------------------------


def build(data: Mapping[str, Any], *, strict: bool = True) -> Table:
    """A table from its JSON form; TableError listing every problem, each naming its criterion.
    `strict=False` (a draft being written) skips the sums, which only a published table must meet."""
    problems: list[Problem] = []
    scale = as_decimal(data.get("scale"))
    if scale not in SCALES:
        problems.append(Problem("", _("The scale must be 100 or 1000 points.")))
        scale = Decimal(100)
    aggregation = str(data.get("aggregation") or "mean")
    if aggregation not in AGGREGATIONS:
        problems.append(
            Problem("", _("Reviewers' values combine by mean, median or trimmed mean."))
        )
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem("", _("The table needs at least one criterion.")))
        raw = []
    seen: set[str] = set()
    count = [0]
    criteria = [_build_criterion(item, 1, seen, count, problems) for item in raw]
    ties = data.get("tie_breaks") or []
    if not isinstance(ties, list):
        problems.append(Problem("", _("The tie-breaks must be a list.")))
        ties = []
    table = Table(
        scale=scale,
        criteria=[c for c in criteria if c is not None],
        aggregation=aggregation,
        tie_breaks=[str(t) for t in ties],
    )
    structural = bool(problems)
    # Every criterion's own rules are checked whatever else is wrong, so one round names every
    # problem; the sums are checked once the criteria themselves are sound.
    problems.extend(validate(table, strict=strict and not structural, sums=not structural))
    if problems:
        raise TableError(problems)
    return table


def _build_criterion(
    item: Any, depth: int, seen: set[str], count: list[int], problems: list[Problem]
) -> Criterion | None:
    count[0] += 1
    if count[0] > MAX_CRITERIA:
        if count[0] == MAX_CRITERIA + 1:
            problems.append(
                Problem("", _("A table has at most %(n)s criteria.") % {"n": MAX_CRITERIA})
            )
        return None
    if not isinstance(item, Mapping):
        problems.append(Problem("", _("Each criterion must be an object.")))
        return None
    code = str(item.get("code") or "").strip()
    where = code or "?"
    if not CODE_RE.match(code):
        problems.append(
            Problem(
                where,
                _("The code must be 1–20 letters, digits, dots, dashes or underscores."),
            )
        )
    elif code in seen:
        problems.append(Problem(code, _("This code appears twice.")))
    seen.add(code)
    text = str(item.get("text") or "").strip()
    if not text:
        problems.append(Problem(where, _("The criterion's text is required.")))
    kind = str(item.get("kind") or "")
    if kind not in KINDS:
        problems.append(Problem(where, _("Unknown kind of criterion: %(k)s.") % {"k": kind}))
    if depth > MAX_DEPTH:
        problems.append(Problem(where, _("Groups nest at most %(n)s deep.") % {"n": MAX_DEPTH}))
        return None
    max_points = as_decimal(item.get("max_points"))
    if max_points is None or max_points <= 0 or max_points > 10000:
        problems.append(Problem(where, _("The maximum points must be above 0 (at most 10,000).")))
        max_points = ZERO
    children_raw = item.get("children") or []
    if not isinstance(children_raw, list):
        problems.append(Problem(where, _("The children must be a list.")))
        children_raw = []
    children = [
        c
        for c in (_build_criterion(x, depth + 1, seen, count, problems) for x in children_raw)
        if c is not None
    ]
    criterion = Criterion(
        code=code,
        text=text[:1000],
        kind=kind,
        max_points=max_points,
        children=children,
        points_each=as_decimal(item.get("points_each")),
        target=as_decimal(item.get("target")),
        bonus_max=as_decimal(item.get("bonus_max")) or ZERO,
        formula=str(item.get("formula") or "").strip(),
        lower_is_better=bool(item.get("lower_is_better", False)),
        allowance=as_decimal(item.get("allowance")) or ZERO,
        guidance=str(item.get("guidance") or "")[:2000],
        evidence=str(item.get("evidence") or "")[:500],
    )
    return criterion


def validate(table: Table, *, strict: bool = True, sums: bool = True) -> list[Problem]:
    """Every rule a publishable table must follow, each problem naming its criterion; without
    `strict`, the rules a draft must already follow (all but the sums)."""
    problems: list[Problem] = []
    for criterion in table.walk():
        problems.extend(_validate_criterion(criterion, strict=strict, complete=sums))
    if not sums:
        return problems
    in_scale = sum((c.max_points for c in table.criteria if c.counts_in_scale), ZERO)
    if strict and in_scale != table.scale:
        problems.append(
            Problem(
                "",
                _("The criteria add up to %(sum)s points, not the scale's %(scale)s.")
                % {"sum": _show(in_scale), "scale": _show(table.scale)},
            )
        )
    groups = {c.code for c in table.criteria if c.kind == "group"}
    for rule in table.tie_breaks:
        if rule in ("bonus", "penalty", "vote"):
            continue
        if rule.startswith("group:") and rule[6:] in groups:
            continue
        problems.append(
            Problem(
                "",
                _(
                    "Unknown tie-break “%(r)s”: use group:CODE (a top-level group), bonus, penalty or vote."
                )
                % {"r": rule},
            )
        )
    return problems


def _validate_criterion(
    c: Criterion, *, strict: bool = True, complete: bool = True
) -> list[Problem]:
    """A criterion's own rules. `complete=False`: the tree lost rows that were refused (too deep,
    malformed), so an empty group is not reported again."""
    problems: list[Problem] = []
    if c.formula and c.kind not in ("quantitative", "relative_best"):
        problems.append(Problem(c.code, _("Only quantitative criteria take a formula.")))
    if c.kind == "group":
        if not c.children and complete:
            problems.append(Problem(c.code, _("A group needs at least one criterion.")))
        children_max = sum((x.max_points for x in c.children if x.counts_in_scale), ZERO)
        if strict and children_max - c.max_points != c.allowance:
            problems.append(
                Problem(
                    c.code,
                    _(
                        "Its criteria add up to %(sum)s points, not the group's %(max)s "
                        "(declare the difference if it is intended)."
                    )
                    % {"sum": _show(children_max), "max": _show(c.max_points)},
                )
            )
        return problems
    if c.children:
        problems.append(Problem(c.code, _("Only a group has criteria under it.")))
    if c.kind in ("per_occurrence", "bonus", "penalty") and (
        c.points_each is None or c.points_each <= 0
    ):
        problems.append(Problem(c.code, _("Give the points for each occurrence (above 0).")))
    if c.kind == "quantitative":
        if c.target is not None and c.target <= 0:
            problems.append(Problem(c.code, _("The target must be above 0.")))
        if c.bonus_max < 0:
            problems.append(
                Problem(c.code, _("The bonus for exceeding the target cannot be negative."))
            )
    if c.formula and c.kind in ("quantitative", "relative_best"):
        names = QUANTITATIVE_NAMES if c.kind == "quantitative" else RELATIVE_NAMES
        try:
            c._compiled = expressions.parse(c.formula, names)
        except expressions.FormulaError as exc:
            problems.append(Problem(c.code, formula_message(exc, names)))
    return problems


def formula_message(exc: expressions.FormulaError, names: frozenset[str]) -> str:
    allowed = ", ".join(sorted(names))
    if exc.code == "name":
        return _("The formula uses “%(x)s”; it may use %(names)s.") % {
            "x": exc.detail,
            "names": allowed,
        }
    if exc.code == "function":
        return _("The formula calls “%(x)s”; only min, max, abs and round are allowed.") % {
            "x": exc.detail
        }
    if exc.code == "syntax":
        return _("The formula cannot be read (%(x)s).") % {"x": exc.detail}
    if exc.code == "empty":
        return _("The formula is empty.")
    if exc.code == "too_long":
        return _("The formula is too long.")
    return _("The formula may only use numbers, %(names)s, + − × ÷ and min, max, abs, round.") % {
        "names": allowed
    }


def _show(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- entries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a member (or a reviewer) entered for one criterion."""

    value: Decimal | None  # actual, count, or 1/0 for pass/fail
    target: Decimal | None = None  # a quantitative criterion's own target for this member

    def __post_init__(self) -> None:
        for name in ("value", "target"):
            raw = getattr(self, name)
            if raw is not None and not isinstance(raw, Decimal):
                object.__setattr__(self, name, Decimal(str(raw)))


def read_entry(criterion: Criterion, raw: Any) -> Entry:
    """An entry from JSON or a form; ValueError with a user message when it is not valid."""
    target = None
    if isinstance(raw, Mapping):
        if raw.get("target") not in (None, ""):
            target = as_decimal(raw.get("target"))
            if target is None:
                raise ValueError(_("The target must be a number."))
        raw = raw.get("value", raw.get("actual"))
    if raw is None or raw == "":
        return Entry(None, target)
    if criterion.kind == "pass_fail":
        if isinstance(raw, bool):
            return Entry(Decimal(int(raw)))
        number = as_decimal(raw)
        if number not in (Decimal(0), Decimal(1)):
            raise ValueError(_("Pass or fail: enter 1 or 0."))
        return Entry(number)
    number = as_decimal(raw)
    if number is None:
        raise ValueError(_("Enter a number."))
    if number < 0:
        raise ValueError(_("The value cannot be negative."))
    if criterion.kind in ("per_occurrence", "bonus", "penalty") and number != number.to_integral():
        raise ValueError(_("Enter a whole number of occurrences."))
    if target is not None and target <= 0:
        raise ValueError(_("The target must be above 0."))
    return Entry(number, target)


def aggregate(values: Sequence[Decimal], method: str) -> Decimal | None:
    """Several reviewers' values for one criterion, combined as the table says."""
    if not values:
        return None
    ordered = sorted(values)
    if method == "median":
        return Decimal(statistics.median(ordered))
    if method == "trimmed_mean" and len(ordered) >= 3:
        ordered = ordered[1:-1]
    return sum(ordered, ZERO) / len(ordered)


# --- points -------------------------------------------------------------------------------------------


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def leaf_points(criterion: Criterion, entry: Entry, best: Decimal | None = None) -> Decimal | None:
    """Points of a leaf criterion; None when they cannot be computed yet (missing, pending)."""
    value = entry.value
    if value is None:
        return None
    top = criterion.max_points
    kind = criterion.kind
    if kind == "pass_fail":
        # Several reviewers: a pass needs more than half of them (an even split is no majority).
        return top if value > Decimal("0.5") else ZERO
    if kind in ("per_occurrence", "bonus"):
        return _clamp(value * (criterion.points_each or ZERO), ZERO, top)
    if kind == "penalty":
        return -_clamp(value * (criterion.points_each or ZERO), ZERO, top)
    if kind == "quantitative":
        target = entry.target or criterion.target
        if target is None or target <= 0:
            return None
        ratio = value / target
        if criterion._compiled is not None:
            raw = criterion._compiled(
                {"actual": value, "target": target, "ratio": ratio, "max_points": top}
            )
        else:
            raw = top * min(ratio, Decimal(1))
            if ratio > 1 and criterion.bonus_max > 0:
                raw += min(criterion.bonus_max, top * (ratio - 1))
        return _clamp(raw, ZERO, top + criterion.bonus_max)
    if kind == "relative_best":
        if best is None:
            return None
        if criterion._compiled is not None:
            raw = criterion._compiled({"actual": value, "best": best, "max_points": top})
        elif criterion.lower_is_better:
            raw = top if value == 0 else top * best / value
        else:
            raw = top if best == 0 else top * value / best
        return _clamp(raw, ZERO, top)
    return None


@dataclass
class MemberResult:
    """A member's points per criterion (None: not computable yet) and its totals."""

    member: Any
    points: dict[str, Decimal | None]
    total: Decimal
    in_scale: Decimal
    bonus: Decimal
    penalty: Decimal
    missing: list[str]
    pending: list[str]

    def rounded(self, code: str) -> Decimal | None:
        value = self.points.get(code)
        return None if value is None else cents(value)


def compute(
    table: Table, entries: Mapping[Any, Mapping[str, Entry | Sequence[Entry]]]
) -> list[MemberResult]:
    """Every member's points and totals. An entry may be a list (several reviewers' values): they
    are combined by the table's aggregation first. A relative-to-best criterion is pending for all
    until every member's actual is in."""
    combined: dict[Any, dict[str, Entry]] = {}
    for member, by_code in entries.items():
        combined[member] = {}
        for code, entry in by_code.items():
            if isinstance(entry, Entry):
                combined[member][code] = entry
                continue
            values = [e.value for e in entry if e.value is not None]
            targets = [e.target for e in entry if e.target is not None]
            combined[member][code] = Entry(
                aggregate(values, table.aggregation), targets[0] if targets else None
            )
    best: dict[str, Decimal | None] = {}
    for criterion in table.leaves():
        if criterion.kind != "relative_best":
            continue
        actuals = [combined[m].get(criterion.code, Entry(None)).value for m in combined]
        if not actuals or any(a is None for a in actuals):
            best[criterion.code] = None
        else:
            known = [a for a in actuals if a is not None]
            best[criterion.code] = min(known) if criterion.lower_is_better else max(known)
    results = []
    for member, by_code in combined.items():
        points: dict[str, Decimal | None] = {}
        missing: list[str] = []
        pending: list[str] = []

        in_scale = bonus = penalty = ZERO
        for criterion in table.criteria:
            try:
                value = _score(criterion, by_code, best, points, missing, pending)
            except ComputeError as exc:
                exc.member = member
                raise
            if criterion.kind == "bonus":
                bonus += value
            elif criterion.kind == "penalty":
                penalty += value
            else:
                in_scale += value
        results.append(
            MemberResult(
                member=member,
                points=points,
                total=max(ZERO, in_scale + bonus + penalty),
                in_scale=in_scale,
                bonus=bonus,
                penalty=-penalty,
                missing=missing,
                pending=pending,
            )
        )
    return results


def _score(
    c: Criterion,
    by_code: Mapping[str, Entry],
    best: Mapping[str, Decimal | None],
    points: dict[str, Decimal | None],
    missing: list[str],
    pending: list[str],
) -> Decimal:
    """Points of `c` (a group: of its subtree), recorded in `points` on the way."""
    if c.kind == "group":
        total = sum(
            (_score(child, by_code, best, points, missing, pending) for child in c.children), ZERO
        )
        points[c.code] = _clamp(total, ZERO, c.max_points)
        return points[c.code] or ZERO
    entry = by_code.get(c.code, Entry(None))
    try:
        value = leaf_points(c, entry, best.get(c.code))
    except expressions.FormulaError as exc:
        raise ComputeError(c.code, exc) from None
    points[c.code] = value
    if entry.value is None:
        missing.append(c.code)
    elif value is None:
        pending.append(c.code)
    return value or ZERO


# --- ranking ---------------------------------------------------------------------------------------


@dataclass
class Ranked:
    result: MemberResult
    rank: int
    gap: Decimal  # points behind the leader
    note: str = ""  # how a tie with the member above was broken, or that it stands


def _tie_key(result: MemberResult, rule: str) -> Decimal:
    if rule == "bonus":
        return result.bonus
    if rule == "penalty":
        return -result.penalty  # fewer penalty points first
    if rule.startswith("group:"):
        return result.points.get(rule[6:]) or ZERO
    return ZERO


def _rule_label(rule: str) -> str:
    if rule == "bonus":
        return _("bonus points")
    if rule == "penalty":
        return _("penalty points (fewer first)")
    return _("group %(g)s") % {"g": rule[6:]}


def rank(table: Table, results: Sequence[MemberResult], name: Any = str) -> list[Ranked]:
    """Order by total, then by the table's tie-breaks in order; say how each tie was settled.
    Members still equal after every rule (or when the rule is a vote) share the rank."""
    rules = [r for r in table.tie_breaks if r != "vote"]
    by_vote = "vote" in table.tie_breaks

    def key(r: MemberResult) -> tuple[Decimal, ...]:
        return (cents(r.total), *(cents(_tie_key(r, rule)) for rule in rules))

    ordered = sorted(results, key=key, reverse=True)
    leader = ordered[0].total if ordered else ZERO
    ranked: list[Ranked] = []
    for index, result in enumerate(ordered):
        row = Ranked(result=result, rank=index + 1, gap=cents(leader - result.total))
        if index:
            above = ranked[-1]
            if cents(above.result.total) == cents(result.total):
                decided = next(
                    (
                        rule
                        for rule in rules
                        if cents(_tie_key(above.result, rule)) != cents(_tie_key(result, rule))
                    ),
                    None,
                )
                if decided is None:
                    row.rank = above.rank
                    row.note = (
                        _("tied with %(m)s; to be settled by a vote")
                        % {"m": name(above.result.member)}
                        if by_vote
                        else _("tied with %(m)s") % {"m": name(above.result.member)}
                    )
                else:
                    row.note = _(
                        "same total as %(m)s; placed after it on %(rule)s (%(a)s against %(b)s)"
                    ) % {
                        "m": name(above.result.member),
                        "rule": _rule_label(decided),
                        "a": _show(cents(abs(_tie_key(result, decided)))),
                        "b": _show(cents(abs(_tie_key(above.result, decided)))),
                    }
        ranked.append(row)
    return ranked
