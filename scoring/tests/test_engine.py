"""The scoring engine: building and validating tables, entries, points, totals and the ranking."""

from __future__ import annotations

import copy
import itertools
import statistics
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring import engine
from scoring.api import EXAMPLE as SENT
from scoring.engine import (
    AGGREGATIONS,
    MAX_CRITERIA,
    Criterion,
    Entry,
    MemberResult,
    Problem,
    Table,
    TableError,
    aggregate,
    build,
    compute,
    leaf_points,
    rank,
    read_entry,
)

EXAMPLE: dict[str, Any] = SENT
FAST = settings(max_examples=60, deadline=None)


def D(value: Any) -> Decimal:
    return Decimal(str(value))


def leaf(code: str, kind: str, max_points: Any, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "text": f"Tiêu chí {code}",
        "kind": kind,
        "max_points": max_points,
        **extra,
    }


def group(code: str, max_points: Any, *children: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return leaf(code, "group", max_points, children=list(children), **extra)


def table(*criteria: dict[str, Any], scale: Any = 100, **extra: Any) -> dict[str, Any]:
    return {"scale": scale, "criteria": list(criteria), **extra}


def problems(data: dict[str, Any]) -> list[Problem]:
    """The problems of a table, in English (the message ids), or a failure if it builds."""
    with translation.override("en"), pytest.raises(TableError) as caught:
        build(data)
    assert str(caught.value) == "; ".join(str(p) for p in caught.value.problems)
    return caught.value.problems


def english(message: str, **params: Any) -> str:
    with translation.override("en"):
        text = translation.gettext(message)
    return text % params if params else text


def single(kind: str, max_points: Any = 30, **extra: Any) -> Criterion:
    """One criterion of `kind`, built (and its formula compiled) through a valid table."""
    spec = leaf("K", kind, max_points, **extra)
    criteria = [spec]
    if kind in engine.ADJUSTMENTS:
        criteria.append(leaf("FILL", "pass_fail", 1000))
    elif D(max_points) < 1000:
        criteria.append(leaf("FILL", "pass_fail", 1000 - D(max_points)))
    built = build(table(*criteria, scale=1000))
    return next(c for c in built.leaves() if c.code == "K")


def valid() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE["table"])


# --- building and validating -------------------------------------------------------------------


def test_the_example_table_builds() -> None:
    built = build(valid())

    assert built.scale == 100
    assert built.aggregation == "mean"
    assert built.tie_breaks == ["group:A", "bonus", "vote"]
    assert [c.code for c in built.walk()] == ["A", "A1", "A2", "B", "C", "T", "P"]
    assert [c.code for c in built.leaves()] == ["A1", "A2", "B", "C", "T", "P"]
    assert built.criteria[0].children[0].bonus_max == 5
    assert built.criteria[2].points_each == 5


GROUP_MESSAGE = (
    "Its criteria add up to %(sum)s points, not the group's %(max)s "
    "(declare the difference if it is intended)."
)


def test_a_group_whose_criteria_do_not_add_up_names_the_group() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 30), leaf("A2", "pass_fail", 20)),
        leaf("B", "pass_fail", 40),
    )

    assert problems(data) == [Problem("A", english(GROUP_MESSAGE, sum="50", max="60"))]


@pytest.mark.parametrize(
    ("children", "allowance"),
    [
        ((30, 20), -10),  # the group's maximum is above its criteria's sum, declared
        ((30, 40), 10),  # the criteria add up to more (the group caps them), declared
        ((30, 30), 0),
        ((30, 30), None),
    ],
)
def test_a_declared_allowance_accepts_the_difference(
    children: tuple[int, int], allowance: int | None
) -> None:
    extra = {} if allowance is None else {"allowance": allowance}
    data = table(
        group("A", 60, leaf("A1", "pass_fail", children[0]), leaf("A2", "pass_fail", children[1]))
        | extra,
        leaf("B", "pass_fail", 40),
    )

    assert build(data).criteria[0].allowance == (allowance or 0)


def test_an_allowance_that_is_not_the_difference_is_refused() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 30), leaf("A2", "pass_fail", 20), allowance=10),
        leaf("B", "pass_fail", 40),
    )

    assert [p.code for p in problems(data)] == ["A"]


def test_bonus_and_penalty_under_a_group_are_outside_its_sum() -> None:
    data = table(
        group(
            "A",
            60,
            leaf("A1", "pass_fail", 60),
            leaf("A.T", "bonus", 5, points_each=1),
            leaf("A.P", "penalty", 5, points_each=1),
        ),
        leaf("B", "pass_fail", 40),
    )

    assert build(data).criteria[0].max_points == 60


@pytest.mark.parametrize("scale", [90, 0, 10000, "abc", None, -100])
def test_a_scale_other_than_100_or_1000_is_refused(scale: Any) -> None:
    data = table(leaf("A", "pass_fail", 90), scale=scale)

    assert problems(data) == [Problem("", english("The scale must be 100 or 1000 points."))]


@pytest.mark.parametrize("scale", [100, 1000, "100", "1000.0"])
def test_a_scale_of_100_or_1000_is_accepted(scale: Any) -> None:
    assert build(table(leaf("A", "pass_fail", D(scale)), scale=scale)).scale == D(scale)


def test_criteria_not_adding_up_to_the_scale_are_refused_for_the_table() -> None:
    data = table(leaf("A", "pass_fail", 60), leaf("B", "pass_fail", 30))

    assert problems(data) == [
        Problem(
            "",
            english(
                "The criteria add up to %(sum)s points, not the scale's %(scale)s.",
                sum="90",
                scale="100",
            ),
        )
    ]


def test_bonus_and_penalty_at_the_top_sit_outside_the_scale() -> None:
    data = table(
        leaf("A", "pass_fail", 100),
        leaf("T", "bonus", 15, points_each=5),
        leaf("P", "penalty", 10, points_each=2),
    )
    assert build(data).scale == 100

    data["criteria"][0]["max_points"] = 85  # the bonus does not make up the difference
    assert [p.code for p in problems(data)] == [""]


def test_a_code_that_appears_twice_is_named() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 30), leaf("A1", "pass_fail", 30)),
        leaf("B", "pass_fail", 40),
    )

    assert problems(data) == [Problem("A1", english("This code appears twice."))]


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("A 1", "A 1"),
        ("-A", "-A"),
        ("A/1", "A/1"),
        ("X" * 21, "X" * 21),
        ("Á1", "Á1"),
        ("", "?"),
        (None, "?"),
        ("   ", "?"),
    ],
)
def test_a_bad_code_is_refused_naming_what_was_given(code: Any, named: str) -> None:
    data = table(leaf("A", "pass_fail", 60), leaf("B", "pass_fail", 40))
    data["criteria"][1]["code"] = code

    assert problems(data) == [
        Problem(
            named,
            english("The code must be 1–20 letters, digits, dots, dashes or underscores."),
        )
    ]


@pytest.mark.parametrize("code", ["A", "a.1", "A-1_b", "9", "X" * 20, "1.2.3"])
def test_good_codes_are_accepted(code: str) -> None:
    assert build(table(leaf(code, "pass_fail", 100))).criteria[0].code == code


@pytest.mark.parametrize("text", ["", "   ", None])
def test_a_criterion_without_text_is_named(text: Any) -> None:
    data = table(leaf("A", "pass_fail", 60), leaf("B", "pass_fail", 40))
    data["criteria"][1]["text"] = text

    assert problems(data) == [Problem("B", english("The criterion's text is required."))]


@pytest.mark.parametrize("kind", ["bogus", "", None, "Group", "bonus "])
def test_an_unknown_kind_is_named(kind: Any) -> None:
    data = table(leaf("A", "pass_fail", 60), leaf("B", kind, 40))

    assert problems(data) == [
        Problem("B", english("Unknown kind of criterion: %(k)s.", k=str(kind or "")))
    ]


@pytest.mark.parametrize("max_points", [0, -5, None, "abc", 10001, "NaN", "Infinity", True])
def test_a_maximum_not_above_zero_is_named(max_points: Any) -> None:
    data = table(leaf("A", "pass_fail", 100), leaf("T", "bonus", max_points, points_each=1))

    assert problems(data) == [
        Problem("T", english("The maximum points must be above 0 (at most 10,000)."))
    ]


def test_a_group_without_criteria_is_named() -> None:
    data = table(group("A", 60), leaf("B", "pass_fail", 40))

    found = problems(data)

    assert Problem("A", english("A group needs at least one criterion.")) in found
    assert {p.code for p in found} == {"A"}


def test_a_leaf_with_criteria_under_it_is_named() -> None:
    data = table(
        leaf("A", "pass_fail", 60, children=[leaf("A1", "pass_fail", 60)]),
        leaf("B", "pass_fail", 40),
    )

    assert problems(data) == [Problem("A", english("Only a group has criteria under it."))]


@pytest.mark.parametrize("kind", ["per_occurrence", "bonus", "penalty"])
@pytest.mark.parametrize("points_each", [None, 0, -1, "abc"])
def test_counted_kinds_need_points_for_each_occurrence(kind: str, points_each: Any) -> None:
    extra = {} if points_each is None else {"points_each": points_each}
    others = [leaf("A", "pass_fail", 60)]
    if kind != "per_occurrence":  # bonus and penalty sit outside the scale
        others.append(leaf("B", "pass_fail", 40))
    data = table(*others, leaf("X", kind, 40, **extra))

    assert problems(data) == [
        Problem("X", english("Give the points for each occurrence (above 0)."))
    ]


def test_a_quantitative_target_must_be_above_zero_and_its_bonus_not_negative() -> None:
    data = table(
        leaf("A", "quantitative", 50, target=0),
        leaf("B", "quantitative", 50, target=10, bonus_max=-1),
    )

    assert problems(data) == [
        Problem("A", english("The target must be above 0.")),
        Problem("B", english("The bonus for exceeding the target cannot be negative.")),
    ]


@pytest.mark.parametrize(
    ("kind", "formula", "message"),
    [
        (
            "quantitative",
            "best * max_points",
            english(
                "The formula uses “%(x)s”; it may use %(names)s.",
                x="best",
                names="actual, max_points, ratio, target",
            ),
        ),
        (
            "relative_best",
            "target * max_points",
            english(
                "The formula uses “%(x)s”; it may use %(names)s.",
                x="target",
                names="actual, best, max_points",
            ),
        ),
        (
            "quantitative",
            "__import__('os')",
            english(
                "The formula calls “%(x)s”; only min, max, abs and round are allowed.",
                x="__import__",
            ),
        ),
        ("quantitative", "actual +", None),
        ("quantitative", "actual" + " " * 300 + "+ 1", english("The formula is too long.")),
        (
            "quantitative",
            "actual ** 2",
            english(
                "The formula may only use numbers, %(names)s, + − × ÷ and min, max, abs, round.",
                names="actual, max_points, ratio, target",
            ),
        ),
        (
            "relative_best",
            "actual.real",
            english(
                "The formula may only use numbers, %(names)s, + − × ÷ and min, max, abs, round.",
                names="actual, best, max_points",
            ),
        ),
    ],
)
def test_a_bad_formula_is_named_with_a_message_saying_why(
    kind: str, formula: str, message: str | None
) -> None:
    data = table(leaf("A", "pass_fail", 60), leaf("X", kind, 40, formula=formula, target=10))

    found = problems(data)

    assert [p.code for p in found] == ["X"]
    if message is None:
        with translation.override("en"):
            assert found[0].message.startswith("The formula cannot be read (")
    else:
        assert found[0].message == message


def test_a_good_formula_is_compiled_once_when_the_table_is_built() -> None:
    criterion = single("quantitative", formula="max_points * min(actual / target, 1)", target=10)

    assert criterion._compiled is not None
    assert criterion._compiled.names == {"max_points", "actual", "target"}


@pytest.mark.parametrize("kind", ["pass_fail", "per_occurrence", "bonus", "penalty"])
def test_a_formula_on_a_kind_that_takes_none_is_named(kind: str) -> None:
    data = table(
        leaf("A", "pass_fail", 60),
        leaf("B", "pass_fail", 40),
        leaf("X", kind, 40, points_each=1, formula="max_points"),
    )
    if kind in ("pass_fail", "per_occurrence"):
        data["criteria"] = [leaf("A", "pass_fail", 60), data["criteria"][2]]

    assert problems(data) == [Problem("X", english("Only quantitative criteria take a formula."))]


def test_a_formula_on_a_group_is_named() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 60), formula="max_points * 2"),
        leaf("B", "pass_fail", 40),
    )

    assert problems(data) == [Problem("A", english("Only quantitative criteria take a formula."))]


@pytest.mark.parametrize("rule", ["group:B", "group:A1", "group:Z", "points", "group:", "GROUP:A"])
def test_an_unknown_tie_break_is_refused_naming_the_rule(rule: str) -> None:
    data = table(
        group("A", 60, group("A1", 60, leaf("A1.1", "pass_fail", 60))),
        leaf("B", "pass_fail", 40),
        tie_breaks=["group:A", rule, "vote"],
    )

    found = problems(data)

    assert len(found) == 1
    assert found[0].code == ""
    assert f"“{rule}”" in found[0].message


def test_known_tie_breaks_are_accepted() -> None:
    data = valid() | {"tie_breaks": ["group:A", "penalty", "bonus", "vote"]}

    assert build(data).tie_breaks == ["group:A", "penalty", "bonus", "vote"]


def test_at_most_500_criteria() -> None:
    at_limit = table(*(leaf(f"C{i}", "pass_fail", "0.2") for i in range(MAX_CRITERIA)))
    assert len(build(at_limit).leaves()) == MAX_CRITERIA

    over = table(*(leaf(f"C{i}", "pass_fail", "0.2") for i in range(MAX_CRITERIA + 1)))
    assert problems(over) == [
        Problem("", english("A table has at most %(n)s criteria.", n=MAX_CRITERIA))
    ]


def test_criteria_nested_in_groups_count_towards_500() -> None:
    children = [leaf(f"C{i}", "pass_fail", "0.2") for i in range(MAX_CRITERIA)]
    data = table(group("G", 100, *children))  # 501 criteria with the group

    assert [p.code for p in problems(data)] == [""]


def nested(depth: int) -> dict[str, Any]:
    """Groups nested `depth` deep in all, the innermost holding one pass/fail criterion."""
    node = leaf(f"L{depth}", "pass_fail", 100)
    for level in range(depth - 1, 0, -1):
        node = group(f"G{level}", 100, node)
    return table(node)


def test_groups_nest_five_deep_at_most() -> None:
    assert [c.code for c in build(nested(5)).walk()] == ["G1", "G2", "G3", "G4", "L5"]

    assert problems(nested(6)) == [
        Problem("L6", english("Groups nest at most %(n)s deep.", n=engine.MAX_DEPTH))
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (table(), "The table needs at least one criterion."),
        ({"scale": 100, "criteria": "A"}, "The table needs at least one criterion."),
        ({"scale": 100, "criteria": ["A"]}, "Each criterion must be an object."),
        (table(leaf("A", "pass_fail", 100), aggregation="mode"), None),
        (table(leaf("A", "pass_fail", 100), tie_breaks="bonus"), "The tie-breaks must be a list."),
    ],
)
def test_table_wide_problems_name_no_criterion(data: dict[str, Any], message: str | None) -> None:
    found = problems(data)

    assert [p.code for p in found] == [""]
    if message is not None:
        assert found[0].message == english(message)


def test_several_problems_while_building_are_all_reported() -> None:
    data = table(
        group(
            "A",
            60,
            leaf("A1", "pass_fail", 30),
            leaf("A1", "pass_fail", 30),  # duplicate
            leaf("A 3", "pass_fail", 30),  # bad code
        ),
        leaf("B", "bogus", 20),  # unknown kind
        leaf("C", "pass_fail", 0),  # maximum not above 0
        leaf("D", "pass_fail", 20, text=""),  # no text
        scale=90,
    )

    found = problems(data)

    assert {(p.code, p.message) for p in found} == {
        ("", english("The scale must be 100 or 1000 points.")),
        ("A1", english("This code appears twice.")),
        ("A 3", english("The code must be 1–20 letters, digits, dots, dashes or underscores.")),
        ("B", english("Unknown kind of criterion: %(k)s.", k="bogus")),
        ("C", english("The maximum points must be above 0 (at most 10,000).")),
        ("D", english("The criterion's text is required.")),
    }


def test_several_rule_problems_are_all_reported() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 30), leaf("A2", "pass_fail", 20)),  # 50 ≠ 60
        leaf("B", "quantitative", 20, formula="actual ** 2"),  # bad formula
        leaf("C", "per_occurrence", 10),  # no points each
        leaf("D", "pass_fail", 10, children=[leaf("D1", "pass_fail", 10)]),  # leaf with children
        tie_breaks=["group:Z"],
    )

    found = problems(data)

    assert [p.code for p in found] == ["A", "B", "C", "D", ""]


def test_problems_of_both_kinds_are_reported_together() -> None:
    data = valid()
    data["criteria"][1]["text"] = ""  # B: structural
    data["criteria"][0]["children"][0]["formula"] = "actual ** 2"  # A1: a rule

    assert {p.code for p in problems(data)} == {"B", "A1"}


def test_every_problem_of_a_criterion_names_it() -> None:
    data = table(
        group("A", 60, leaf("A1", "pass_fail", 30), leaf("A2", "pass_fail", 20)),
        leaf("B", "quantitative", 40, formula="actual % 2", target=-1),
    )

    found = problems(data)

    assert [p.code for p in found] == ["A", "B", "B"]
    assert all(p.message for p in found)
    assert str(found[0]).startswith("A: ")


# --- entries ---------------------------------------------------------------------------------------


PASS_FAIL = Criterion(code="B", text="B", kind="pass_fail", max_points=D(20))
COUNT = Criterion(code="C", text="C", kind="per_occurrence", max_points=D(20), points_each=D(5))
QUANT = Criterion(code="A1", text="A1", kind="quantitative", max_points=D(30), target=D(100))


def entry_error(criterion: Criterion, raw: Any) -> str:
    with translation.override("en"), pytest.raises(ValueError) as caught:
        read_entry(criterion, raw)
    return str(caught.value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [(1, 1), (0, 0), (True, 1), (False, 0), ("1", 1), ("0", 0), ("1.0", 1), (1.0, 1), (" 1 ", 1)],
)
def test_pass_fail_accepts_one_zero_true_false(raw: Any, value: int) -> None:
    assert read_entry(PASS_FAIL, raw) == Entry(D(value))


@pytest.mark.parametrize("raw", [2, -1, 0.5, "yes", "đạt", "1e400", [1], {"value": 2}])
def test_pass_fail_refuses_anything_else(raw: Any) -> None:
    assert entry_error(PASS_FAIL, raw) == english("Pass or fail: enter 1 or 0.")


@pytest.mark.parametrize("kind", ["per_occurrence", "bonus", "penalty"])
@pytest.mark.parametrize(("raw", "value"), [(3, 3), ("3", 3), (3.0, 3), (0, 0), ("12.00", 12)])
def test_counts_are_whole_numbers(kind: str, raw: Any, value: int) -> None:
    criterion = Criterion(code="X", text="X", kind=kind, max_points=D(20), points_each=D(5))

    assert read_entry(criterion, raw) == Entry(D(value))


@pytest.mark.parametrize("kind", ["per_occurrence", "bonus", "penalty"])
@pytest.mark.parametrize("raw", [2.5, "0.1", "1e-3"])
def test_counts_refuse_fractions(kind: str, raw: Any) -> None:
    criterion = Criterion(code="X", text="X", kind=kind, max_points=D(20), points_each=D(5))

    assert entry_error(criterion, raw) == english("Enter a whole number of occurrences.")


@pytest.mark.parametrize(
    "criterion",
    [COUNT, QUANT, Criterion(code="R", text="R", kind="relative_best", max_points=D(30))],
    ids=["count", "quantitative", "relative_best"],
)
def test_negative_values_are_refused(criterion: Criterion) -> None:
    assert entry_error(criterion, -1) == english("The value cannot be negative.")
    assert entry_error(criterion, "-0.01") == english("The value cannot be negative.")
    assert entry_error(criterion, {"value": -3, "target": 10}) == english(
        "The value cannot be negative."
    )


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "-Infinity", True, [3], "1,5"])
def test_a_value_that_is_not_a_number_is_refused(raw: Any) -> None:
    assert entry_error(QUANT, raw) == english("Enter a number.")
    assert entry_error(COUNT, raw) == english("Enter a number.")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"value": 4006, "target": 3889}, Entry(D(4006), D(3889))),
        ({"value": "4006.5", "target": "3889"}, Entry(D("4006.5"), D(3889))),
        ({"actual": 4006, "target": 3889}, Entry(D(4006), D(3889))),
        ({"value": 4006}, Entry(D(4006))),
        ({"value": 4006, "target": None}, Entry(D(4006))),
        ({"value": 4006, "target": ""}, Entry(D(4006))),
        ({"value": None, "target": 3889}, Entry(None, D(3889))),
        ({"value": "", "target": 3889}, Entry(None, D(3889))),
        ({}, Entry(None)),
        (4006, Entry(D(4006))),
        ("4006.25", Entry(D("4006.25"))),
    ],
)
def test_quantitative_entries_take_their_own_target(raw: Any, expected: Entry) -> None:
    assert read_entry(QUANT, raw) == expected


@pytest.mark.parametrize("target", [0, -5, "0.00"])
def test_an_entrys_own_target_must_be_above_zero(target: Any) -> None:
    assert entry_error(QUANT, {"value": 5, "target": target}) == english(
        "The target must be above 0."
    )


def test_an_entrys_own_target_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        read_entry(QUANT, {"value": 5, "target": "abc"})


@pytest.mark.parametrize("criterion", [PASS_FAIL, COUNT, QUANT], ids=["pf", "count", "quant"])
@pytest.mark.parametrize("raw", [None, ""])
def test_an_empty_entry_is_none(criterion: Criterion, raw: Any) -> None:
    assert read_entry(criterion, raw) == Entry(None)


def test_an_entry_converts_numbers_to_decimals() -> None:
    entry = Entry(3, 2.5)  # type: ignore[arg-type]

    assert entry == Entry(D(3), D("2.5"))
    assert isinstance(entry.value, Decimal)
    assert isinstance(entry.target, Decimal)


# --- aggregation -------------------------------------------------------------------------------


VALUES = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@FAST
@given(st.lists(VALUES, min_size=1, max_size=9), st.sampled_from(AGGREGATIONS))
def test_an_aggregate_lies_between_the_least_and_greatest_value(
    values: list[Decimal], method: str
) -> None:
    result = aggregate(values, method)

    assert result is not None
    assert min(values) <= result <= max(values)


@FAST
@given(st.lists(VALUES, min_size=1, max_size=9))
def test_the_trimmed_mean_drops_one_highest_and_one_lowest_from_three_values(
    values: list[Decimal],
) -> None:
    ordered = sorted(values)
    kept = ordered[1:-1] if len(values) >= 3 else ordered

    assert aggregate(values, "trimmed_mean") == sum(kept, Decimal(0)) / len(kept)
    assert aggregate(values, "mean") == sum(values, Decimal(0)) / len(values)
    assert aggregate(values, "median") == statistics.median(ordered)


def test_aggregation_examples() -> None:
    values = [D(1), D(2), D(9)]

    assert aggregate(values, "mean") == 4
    assert aggregate(values, "median") == 2
    assert aggregate(values, "trimmed_mean") == 2
    assert aggregate([D(10), D(1), D(2), D(100)], "trimmed_mean") == 6
    assert aggregate([D(10), D(1), D(2), D(100)], "median") == 6
    assert aggregate([D(1), D(3)], "trimmed_mean") == 2
    assert aggregate([], "mean") is None


@FAST
@given(
    st.integers(min_value=1, max_value=9).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=n))
    ),
    st.sampled_from(AGGREGATIONS),
)
def test_pass_fail_from_several_reviewers_goes_by_the_majority(
    reviewers: tuple[int, int], method: str
) -> None:
    count, passes = reviewers
    assume(passes * 2 != count)  # an even split is no majority either way
    built = build(table(leaf("B", "pass_fail", 100), aggregation=method))
    votes = [Entry(D(1))] * passes + [Entry(D(0))] * (count - passes)

    (result,) = compute(built, {"M": {"B": votes}})

    assert result.points["B"] == (D(100) if passes * 2 > count else D(0))


def test_several_reviewers_values_combine_by_the_tables_aggregation() -> None:
    data = table(leaf("C", "per_occurrence", 100, points_each=1))
    values = [Entry(D(v)) for v in (10, 20, 90)]

    points = {
        method: compute(build(data | {"aggregation": method}), {"M": {"C": values}})[0].points["C"]
        for method in AGGREGATIONS
    }

    assert points == {"mean": 40, "median": 20, "trimmed_mean": 20}


def test_reviewers_without_a_value_are_left_out() -> None:
    built = build(table(leaf("C", "per_occurrence", 100, points_each=1)))

    (both,) = compute(built, {"M": {"C": [Entry(D(10)), Entry(None), Entry(D(30))]}})
    (none,) = compute(built, {"M": {"C": [Entry(None), Entry(None)]}})

    assert both.points["C"] == 20
    assert none.points["C"] is None
    assert none.missing == ["C"]


# --- points of each kind: properties -------------------------------------------------------------


MAXIMA = st.decimals(min_value="0.5", max_value=500, places=2)
ACTUALS = st.decimals(min_value=0, max_value=10**6, places=2)
POSITIVE = st.decimals(min_value="0.01", max_value=10**6, places=2)
COUNTS = st.integers(min_value=0, max_value=1000)
EACH = st.decimals(min_value="0.01", max_value=100, places=2)


@FAST
@given(MAXIMA, st.booleans())
def test_pass_fail_gives_the_maximum_or_nothing(top: Decimal, passed: bool) -> None:
    criterion = single("pass_fail", top)

    points = leaf_points(criterion, Entry(D(int(passed))))

    assert points == (top if passed else 0)


@FAST
@given(st.sampled_from(["per_occurrence", "bonus"]), MAXIMA, EACH, COUNTS, COUNTS)
def test_counted_points_lie_between_zero_and_the_maximum_and_grow_with_the_count(
    kind: str, top: Decimal, each: Decimal, count: int, other: int
) -> None:
    criterion = single(kind, top, points_each=each)
    low, high = sorted((count, other))

    points_low = leaf_points(criterion, Entry(D(low)))
    points_high = leaf_points(criterion, Entry(D(high)))

    assert points_low is not None and points_high is not None
    assert 0 <= points_low <= points_high <= top
    assert points_low == min(top, each * low)


@FAST
@given(MAXIMA, EACH, COUNTS, COUNTS)
def test_penalty_points_lie_between_minus_the_maximum_and_zero_and_fall_with_the_count(
    top: Decimal, each: Decimal, count: int, other: int
) -> None:
    criterion = single("penalty", top, points_each=each)
    low, high = sorted((count, other))

    points_low = leaf_points(criterion, Entry(D(low)))
    points_high = leaf_points(criterion, Entry(D(high)))

    assert points_low is not None and points_high is not None
    assert -top <= points_high <= points_low <= 0
    assert points_low == -min(top, each * low)


@FAST
@given(
    MAXIMA,
    st.decimals(min_value=0, max_value=50, places=2),
    POSITIVE,
    ACTUALS,
    ACTUALS,
    st.booleans(),
)
def test_quantitative_points_lie_between_zero_and_maximum_plus_bonus_and_grow_with_the_actual(
    top: Decimal,
    bonus_max: Decimal,
    target: Decimal,
    actual: Decimal,
    other: Decimal,
    own_target: bool,
) -> None:
    criterion = single(
        "quantitative", top, bonus_max=bonus_max, target=None if own_target else target
    )
    low, high = sorted((actual, other))

    def points(value: Decimal) -> Decimal:
        result = leaf_points(criterion, Entry(value, target if own_target else None))
        assert result is not None
        return result

    assert 0 <= points(low) <= points(high) <= top + bonus_max
    assert points(target) == top  # on target: exactly the maximum
    ratio = low / target
    if low <= target:
        assert points(low) == top * ratio
    else:
        assert points(low) == top + min(bonus_max, top * (ratio - 1))


MONOTONE_QUANTITATIVE = [
    "max_points * min(actual / target, 1)",
    "max_points * min(ratio, 1)",
    "round(max_points * ratio, 2)",
    "max_points * ratio",
    "actual - target",
    "max(0, min(max_points, (ratio - 0.5) * 2 * max_points))",
]
OTHER_QUANTITATIVE = [
    "max_points - actual",
    "-max_points",
    "max_points * 3",
    "abs(actual - target)",
]


@FAST
@given(
    st.sampled_from(MONOTONE_QUANTITATIVE + OTHER_QUANTITATIVE),
    MAXIMA,
    st.decimals(min_value=0, max_value=50, places=2),
    POSITIVE,
    ACTUALS,
    ACTUALS,
)
def test_a_quantitative_formula_stays_between_zero_and_maximum_plus_bonus(
    formula: str,
    top: Decimal,
    bonus_max: Decimal,
    target: Decimal,
    actual: Decimal,
    other: Decimal,
) -> None:
    criterion = single("quantitative", top, bonus_max=bonus_max, target=target, formula=formula)
    low, high = sorted((actual, other))

    points_low = leaf_points(criterion, Entry(low))
    points_high = leaf_points(criterion, Entry(high))

    assert points_low is not None and points_high is not None
    assert 0 <= points_low <= top + bonus_max
    assert 0 <= points_high <= top + bonus_max
    if formula in MONOTONE_QUANTITATIVE:
        assert points_low <= points_high


def test_a_quantitative_formula_is_used_instead_of_the_default() -> None:
    criterion = single("quantitative", 30, target=100, formula="max_points * min(ratio, 1) / 2")

    assert leaf_points(criterion, Entry(D(50))) == D("7.5")
    assert leaf_points(criterion, Entry(D(50), D(25))) == D(15)  # the entry's own target


def test_a_quantitative_criterion_without_any_target_is_not_computable() -> None:
    criterion = single("quantitative", 30)

    assert leaf_points(criterion, Entry(D(50))) is None
    assert leaf_points(criterion, Entry(D(50), D(100))) == 15


@FAST
@given(MAXIMA, st.booleans(), ACTUALS, ACTUALS, ACTUALS)
def test_relative_best_points_lie_within_the_maximum_and_follow_the_actual_for_a_fixed_best(
    top: Decimal, lower_is_better: bool, best: Decimal, actual: Decimal, other: Decimal
) -> None:
    criterion = single("relative_best", top, lower_is_better=lower_is_better)
    low, high = sorted((actual, other))

    points_low = leaf_points(criterion, Entry(low), best)
    points_high = leaf_points(criterion, Entry(high), best)

    assert points_low is not None and points_high is not None
    assert 0 <= points_low <= top
    assert 0 <= points_high <= top
    if lower_is_better:
        assert points_low >= points_high
    else:
        assert points_low <= points_high
    assert leaf_points(criterion, Entry(best), best) == top


@FAST
@given(
    MAXIMA,
    st.booleans(),
    st.lists(ACTUALS, min_size=1, max_size=6),
)
def test_the_member_with_the_best_actual_gets_exactly_the_maximum(
    top: Decimal, lower_is_better: bool, actuals: list[Decimal]
) -> None:
    data = table(
        leaf("R", "relative_best", top, lower_is_better=lower_is_better),
        leaf("F", "pass_fail", 1000 - top),
        scale=1000,
    )
    built = build(data)
    best = min(actuals) if lower_is_better else max(actuals)

    results = compute(built, {f"M{i}": {"R": Entry(a)} for i, a in enumerate(actuals)})

    for result, actual in zip(results, actuals, strict=True):
        points = result.points["R"]
        assert points is not None
        assert 0 <= points <= top
        if actual == best:
            assert points == top
        else:
            assert points < top
        assert result.pending == []


@FAST
@given(
    st.sampled_from(
        [
            ("round(actual / best * max_points, 2)", False),
            ("max_points * actual / best", False),
            ("round(best / actual * max_points, 2)", True),
        ]
    ),
    st.decimals(min_value="0.5", max_value=500, places=1),
    st.lists(POSITIVE, min_size=1, max_size=6),
)
def test_a_relative_best_formula_gives_the_best_member_the_maximum(
    formula_and_direction: tuple[str, bool], top: Decimal, actuals: list[Decimal]
) -> None:
    formula, lower_is_better = formula_and_direction
    built = build(
        table(
            leaf("R", "relative_best", top, formula=formula, lower_is_better=lower_is_better),
            leaf("F", "pass_fail", 1000 - top),
            scale=1000,
        )
    )
    best = min(actuals) if lower_is_better else max(actuals)

    results = compute(built, {f"M{i}": {"R": Entry(a)} for i, a in enumerate(actuals)})

    for result, actual in zip(results, actuals, strict=True):
        points = result.points["R"]
        assert points is not None
        assert 0 <= points <= top
        if actual == best:
            assert points == top


@FAST
@given(st.booleans(), st.lists(st.one_of(st.none(), ACTUALS), min_size=1, max_size=6))
def test_relative_best_is_pending_for_everyone_while_an_actual_is_missing(
    lower_is_better: bool, actuals: list[Decimal | None]
) -> None:
    assume(None in actuals)
    built = build(
        table(
            leaf("R", "relative_best", 60, lower_is_better=lower_is_better),
            leaf("F", "pass_fail", 40),
        )
    )

    results = compute(
        built, {f"M{i}": {"R": Entry(a), "F": Entry(D(1))} for i, a in enumerate(actuals)}
    )

    for result, actual in zip(results, actuals, strict=True):
        assert result.points["R"] is None
        assert result.total == 40
        if actual is None:
            assert (result.missing, result.pending) == (["R"], [])
        else:
            assert (result.missing, result.pending) == ([], ["R"])


def test_relative_best_counts_a_member_without_the_criterion_as_missing() -> None:
    built = build(table(leaf("R", "relative_best", 60), leaf("F", "pass_fail", 40)))

    results = compute(built, {"A": {"R": Entry(D(5))}, "B": {"F": Entry(D(1))}})

    assert [r.points["R"] for r in results] == [None, None]
    assert [r.pending for r in results] == [["R"], []]
    assert [r.missing for r in results] == [["F"], ["R"]]


# --- whole tables: properties ----------------------------------------------------------------------


QUANTITATIVE_FORMULAS = ["", "", *MONOTONE_QUANTITATIVE, *OTHER_QUANTITATIVE]
RELATIVE_FORMULAS = ["", "", "max_points * min(actual, best) / max(actual, best, 1)"]


def _draw_leaf(draw: Any, code: str, top: Decimal) -> dict[str, Any]:
    kind = draw(st.sampled_from(["pass_fail", "per_occurrence", "quantitative", "relative_best"]))
    spec = leaf(code, kind, top)
    if kind == "per_occurrence":
        spec["points_each"] = draw(EACH)
    elif kind == "quantitative":
        spec["target"] = draw(st.one_of(st.none(), POSITIVE))
        spec["bonus_max"] = draw(st.decimals(min_value=0, max_value=20, places=1))
        spec["formula"] = draw(st.sampled_from(QUANTITATIVE_FORMULAS))
    elif kind == "relative_best":
        spec["lower_is_better"] = draw(st.booleans())
        spec["formula"] = draw(st.sampled_from(RELATIVE_FORMULAS))
    return spec


def _draw_adjustment(draw: Any, code: str) -> dict[str, Any]:
    return leaf(
        code, draw(st.sampled_from(engine.ADJUSTMENTS)), draw(MAXIMA), points_each=draw(EACH)
    )


def _draw_node(draw: Any, codes: Iterator[int], top: Decimal, depth: int) -> dict[str, Any]:
    code = f"K{next(codes)}"
    if depth >= 3 or not draw(st.booleans()):
        return _draw_leaf(draw, code, top)
    children = [
        _draw_node(draw, codes, draw(MAXIMA), depth + 1)
        for _ in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    children += [
        _draw_adjustment(draw, f"K{next(codes)}")
        for _ in range(draw(st.integers(min_value=0, max_value=1)))
    ]
    in_group = sum(
        (D(c["max_points"]) for c in children if c["kind"] not in engine.ADJUSTMENTS), D(0)
    )
    return group(code, top, *children, allowance=in_group - top)


@st.composite
def tables(draw: Any) -> dict[str, Any]:
    scale = draw(st.sampled_from([100, 1000]))
    count = draw(st.integers(min_value=1, max_value=4))
    cuts = sorted(draw(st.sets(st.integers(1, scale - 1), min_size=count - 1, max_size=count - 1)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, scale], strict=True)]
    codes = itertools.count()
    criteria = [_draw_node(draw, codes, D(part), 1) for part in parts]
    criteria += [
        _draw_adjustment(draw, f"K{next(codes)}")
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    return table(*criteria, scale=scale, aggregation=draw(st.sampled_from(AGGREGATIONS)))


def _draw_value(draw: Any, criterion: Criterion) -> Entry:
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return Entry(None)
    if criterion.kind == "pass_fail":
        return Entry(D(draw(st.integers(min_value=0, max_value=1))))
    if criterion.kind in ("per_occurrence", "bonus", "penalty"):
        return Entry(D(draw(st.integers(min_value=0, max_value=50))))
    target = draw(st.one_of(st.none(), POSITIVE)) if criterion.kind == "quantitative" else None
    return Entry(draw(ACTUALS), target)


@st.composite
def scored(draw: Any) -> tuple[Table, dict[str, dict[str, Any]]]:
    built = build(draw(tables()))
    members = draw(st.integers(min_value=1, max_value=4))
    entries: dict[str, dict[str, Any]] = {}
    for number in range(members):
        entries[f"M{number}"] = {}
        for criterion in built.leaves():
            if draw(st.booleans()):
                entries[f"M{number}"][criterion.code] = _draw_value(draw, criterion)
            else:
                reviewers = draw(st.integers(min_value=0, max_value=3))
                entries[f"M{number}"][criterion.code] = [
                    _draw_value(draw, criterion) for _ in range(reviewers)
                ]
    return built, entries


def _leaf_bounds(criterion: Criterion) -> tuple[Decimal, Decimal]:
    if criterion.kind == "penalty":
        return -criterion.max_points, D(0)
    if criterion.kind == "quantitative":
        return D(0), criterion.max_points + criterion.bonus_max
    return D(0), criterion.max_points


@settings(max_examples=100, deadline=None)
@given(scored())
def test_points_and_totals_stay_within_their_bounds_for_any_table(
    case: tuple[Table, dict[str, dict[str, Any]]],
) -> None:
    built, entries = case
    ceiling = built.scale + sum(
        (
            c.max_points if c.kind == "bonus" else c.bonus_max
            for c in built.criteria
            if c.kind in ("bonus", "quantitative")
        ),
        D(0),
    )

    results = compute(built, entries)

    assert [r.member for r in results] == list(entries)
    for result in results:
        for criterion in built.walk():
            points = result.points[criterion.code]
            if criterion.kind == "group":
                assert points is not None
                assert 0 <= points <= criterion.max_points
            elif points is not None:
                low, high = _leaf_bounds(criterion)
                assert low <= points <= high
                if criterion.kind == "pass_fail":
                    assert points in (0, criterion.max_points)
            else:
                assert criterion.code in result.missing + result.pending
        assert 0 <= result.total <= ceiling
        assert result.total == max(D(0), result.in_scale + result.bonus - result.penalty)
        assert result.bonus >= 0
        assert result.penalty >= 0
        assert set(result.missing).isdisjoint(result.pending)
        assert set(result.points) == {c.code for c in built.walk()}


@settings(max_examples=40, deadline=None)
@given(scored())
def test_ranks_follow_the_totals_for_any_table(
    case: tuple[Table, dict[str, dict[str, Any]]],
) -> None:
    built, entries = case

    ranked = rank(built, compute(built, entries))

    totals = [engine.cents(row.result.total) for row in ranked]
    assert totals == sorted(totals, reverse=True)
    assert ranked[0].rank == 1
    assert ranked[0].gap == 0
    for index, row in enumerate(ranked):
        assert row.rank in (index + 1, ranked[index - 1].rank if index else 1)
        assert row.gap == engine.cents(ranked[0].result.total - row.result.total)  # half up
        assert row.gap >= 0


# --- computing: examples ------------------------------------------------------------------------


def example_entries() -> dict[str, dict[str, Entry]]:
    built = build(valid())
    by_code = {c.code: c for c in built.leaves()}
    return {
        member: {code: read_entry(by_code[code], raw) for code, raw in values.items()}
        for member, values in EXAMPLE["entries"].items()
    }


def test_seed_004_figures() -> None:
    built = build(valid())

    son_la, cao_bang = compute(built, example_entries())

    # Sơn La: 4,006 of a 3,889 plan is 103%: 30 × 4006/3889, the 0.9 over within the bonus of 5.
    a1 = son_la.points["A1"]
    assert a1 is not None
    assert abs(a1 - D(30) * D(4006) / D(3889)) < D("1e-20")
    a2 = D(30) * D("7.1") / D("8.0")  # relative to Cao Bằng's 8.0
    assert son_la.points["A2"] == a2 == D("26.625")
    assert son_la.rounded("A1") == D("30.90")
    assert son_la.rounded("A2") == D("26.63")
    assert son_la.points["A"] == a1 + a2
    assert son_la.rounded("A") == D("57.53")
    assert (son_la.points["B"], son_la.points["C"], son_la.points["T"], son_la.points["P"]) == (
        20,
        15,
        0,
        -2,
    )
    assert son_la.in_scale == a1 + a2 + 35
    assert (son_la.bonus, son_la.penalty) == (0, 2)
    assert son_la.total == a1 + a2 + 33
    assert son_la.total.quantize(engine.CENT) == D("90.53")
    # Cao Bằng: 143% of plan: 30 + the whole bonus of 5, but group A caps at 60.
    assert cao_bang.points["A1"] == 35
    assert cao_bang.points["A2"] == 30
    assert cao_bang.points["A"] == 60
    assert (cao_bang.in_scale, cao_bang.bonus, cao_bang.penalty, cao_bang.total) == (90, 10, 0, 100)
    assert son_la.missing == son_la.pending == cao_bang.missing == cao_bang.pending == []


def test_bonus_and_penalty_sit_outside_the_scale() -> None:
    built = build(
        table(
            leaf("A", "pass_fail", 100),
            leaf("T", "bonus", 15, points_each=10),
            leaf("P", "penalty", 10, points_each=4),
        )
    )
    entries = {
        "best": {"A": Entry(D(1)), "T": Entry(D(5)), "P": Entry(D(0))},
        "worst": {"A": Entry(D(0)), "T": Entry(D(0)), "P": Entry(D(9))},
        "both": {"A": Entry(D(1)), "T": Entry(D(1)), "P": Entry(D(1))},
    }

    best, worst, both = compute(built, entries)

    assert (best.in_scale, best.bonus, best.penalty, best.total) == (100, 15, 0, 115)
    assert (worst.in_scale, worst.bonus, worst.penalty, worst.total) == (0, 0, 10, 0)
    assert worst.points["P"] == -10
    assert (both.in_scale, both.bonus, both.penalty, both.total) == (100, 10, 4, 106)


def test_missing_entries_are_listed_and_the_rest_still_counts() -> None:
    built = build(valid())
    entries = example_entries()
    del entries["Sơn La"]["C"]
    del entries["Sơn La"]["T"]
    entries["Sơn La"]["B"] = Entry(None)

    son_la, cao_bang = compute(built, entries)

    assert son_la.missing == ["B", "C", "T"]
    assert son_la.pending == []
    assert son_la.points["B"] is None and son_la.points["C"] is None and son_la.points["T"] is None
    assert son_la.rounded("C") is None
    assert son_la.total.quantize(engine.CENT) == D("55.53")  # 57.53 for A, 2 deducted
    assert cao_bang.missing == []


def test_a_missing_relative_actual_leaves_it_pending_for_the_others() -> None:
    built = build(valid())
    entries = example_entries()
    del entries["Cao Bằng"]["A2"]

    son_la, cao_bang = compute(built, entries)

    assert son_la.pending == ["A2"]
    assert cao_bang.missing == ["A2"]
    assert son_la.points["A2"] is None
    assert son_la.rounded("A") == D("30.90")


def test_a_penalty_in_a_group_cannot_take_the_group_below_zero() -> None:
    built = build(
        table(
            group("A", 60, leaf("A1", "pass_fail", 60), leaf("A.P", "penalty", 20, points_each=5)),
            leaf("B", "pass_fail", 40),
        )
    )

    (result,) = compute(built, {"M": {"A1": Entry(D(0)), "A.P": Entry(D(3)), "B": Entry(D(1))}})

    assert result.points["A.P"] == -15
    assert result.points["A"] == 0
    assert result.total == 40
    assert result.penalty == 0  # deducted within the group, not from the total


# --- ranking ----------------------------------------------------------------------------------------


TIE_TABLE = table(
    group(
        "A",
        60,
        leaf("A1", "per_occurrence", 30, points_each=10),
        leaf("A2", "per_occurrence", 30, points_each=10),
    ),
    group("B", 40, leaf("B1", "per_occurrence", 40, points_each=10)),
    leaf("T", "bonus", 20, points_each=10),
    leaf("P", "penalty", 20, points_each=5),
)


def counts(a1: int, a2: int, b1: int, t: int = 0, p: int = 0) -> dict[str, Entry]:
    return {code: Entry(D(n)) for code, n in {"A1": a1, "A2": a2, "B1": b1, "T": t, "P": p}.items()}


def ranked(
    tie_breaks: list[str], entries: dict[str, dict[str, Entry]], name: Callable[[Any], str] = str
) -> list[engine.Ranked]:
    built = build(TIE_TABLE | {"tie_breaks": tie_breaks})
    with translation.override("en"):
        return rank(built, compute(built, entries), name)


def summary(rows: list[engine.Ranked]) -> list[tuple[str, int, Decimal]]:
    return [(row.result.member, row.rank, row.gap) for row in rows]


def test_members_are_ordered_by_total_with_the_gap_to_the_leader() -> None:
    rows = ranked(
        [],
        {
            "Lai Châu": counts(1, 1, 1),  # 30
            "Sơn La": counts(3, 3, 4),  # 100
            "Điện Biên": counts(2, 2, 2, p=1),  # 55
        },
    )

    assert summary(rows) == [
        ("Sơn La", 1, D("0.00")),
        ("Điện Biên", 2, D("45.00")),
        ("Lai Châu", 3, D("70.00")),
    ]
    assert [row.note for row in rows] == ["", "", ""]


def test_a_tie_is_broken_by_the_first_rule_that_separates_with_a_note() -> None:
    rows = ranked(
        ["group:A", "bonus"],
        {
            "Lai Châu": counts(1, 1, 2),  # 40: A 20, B 20
            "Sơn La": counts(2, 1, 1),  # 40: A 30, B 10
        },
    )

    assert summary(rows) == [("Sơn La", 1, D("0.00")), ("Lai Châu", 2, D("0.00"))]
    assert rows[1].note == english(
        "same total as %(m)s; placed after it on %(rule)s (%(a)s against %(b)s)",
        m="Sơn La",
        rule=english("group %(g)s", g="A"),
        a="20",
        b="30",
    )


def test_tie_breaks_apply_in_the_declared_order() -> None:
    entries = {
        "Lai Châu": counts(2, 1, 0, t=1),  # 40: A 30, bonus 10
        "Sơn La": counts(2, 2, 0),  # 40: A 40, bonus 0
    }

    by_group = ranked(["group:A", "bonus"], entries)
    by_bonus = ranked(["bonus", "group:A"], entries)

    assert [row.result.member for row in by_group] == ["Sơn La", "Lai Châu"]
    assert "group A" in by_group[1].note
    assert [row.result.member for row in by_bonus] == ["Lai Châu", "Sơn La"]
    assert by_bonus[1].note == english(
        "same total as %(m)s; placed after it on %(rule)s (%(a)s against %(b)s)",
        m="Lai Châu",
        rule=english("bonus points"),
        a="0",
        b="10",
    )


def test_a_later_rule_decides_when_the_first_is_equal_too() -> None:
    rows = ranked(
        ["group:A", "group:B", "bonus"],
        {
            "Lai Châu": counts(2, 2, 0, t=1),  # 50: A 40, B 0, bonus 10
            "Sơn La": counts(2, 2, 1),  # 50: A 40, B 10, bonus 0
        },
    )

    assert [row.result.member for row in rows] == ["Sơn La", "Lai Châu"]
    assert rows[1].rank == 2
    assert "group B" in rows[1].note
    assert "(0 against 10)" in rows[1].note


def test_the_penalty_rule_puts_fewer_penalty_points_first() -> None:
    rows = ranked(
        ["penalty"],
        {
            "Lai Châu": counts(2, 2, 0, t=1, p=2),  # 40 + 10 − 10
            "Sơn La": counts(2, 2, 0),  # 40
        },
    )

    assert [row.result.member for row in rows] == ["Sơn La", "Lai Châu"]
    assert rows[1].rank == 2
    assert english("penalty points (fewer first)") in rows[1].note


def test_the_penalty_note_shows_the_penalty_points_deducted() -> None:
    rows = ranked(
        ["penalty"],
        {"Lai Châu": counts(2, 2, 0, t=1, p=2), "Sơn La": counts(2, 2, 0)},
    )

    assert rows[1].note.endswith("(10 against 0)")


def test_members_still_tied_after_every_rule_share_the_rank() -> None:
    rows = ranked(
        ["group:A", "bonus"],
        {
            "Lai Châu": counts(2, 1, 1),  # 40, A 30
            "Sơn La": counts(1, 2, 1),  # 40, A 30
            "Điện Biên": counts(3, 3, 4),  # 100
            "Hà Giang": counts(1, 1, 1),  # 30
        },
    )

    assert summary(rows) == [
        ("Điện Biên", 1, D("0.00")),
        ("Lai Châu", 2, D("60.00")),
        ("Sơn La", 2, D("60.00")),
        ("Hà Giang", 4, D("70.00")),
    ]
    assert rows[2].note == english("tied with %(m)s", m="Lai Châu")
    assert [rows[0].note, rows[1].note, rows[3].note] == ["", "", ""]


def test_a_vote_leaves_the_tie_standing_with_a_note() -> None:
    rows = ranked(
        ["group:A", "vote"],
        {"Lai Châu": counts(2, 1, 1), "Sơn La": counts(1, 2, 1)},
        name=lambda member: f"tỉnh {member}",
    )

    assert summary(rows) == [("Lai Châu", 1, D("0.00")), ("Sơn La", 1, D("0.00"))]
    assert rows[1].note == english("tied with %(m)s; to be settled by a vote", m="tỉnh Lai Châu")


def test_rules_after_the_vote_still_apply() -> None:
    rows = ranked(
        ["vote", "bonus"],
        {"Lai Châu": counts(2, 2, 0), "Sơn La": counts(2, 1, 0, t=1)},
    )

    assert [row.result.member for row in rows] == ["Sơn La", "Lai Châu"]
    assert rows[1].rank == 2


def test_totals_are_compared_to_the_cent() -> None:
    built = build(table(leaf("Q", "quantitative", 100, target=3)))
    results = compute(built, {"X": {"Q": Entry(D(1))}, "Y": {"Q": Entry(D("1.0000001"))}})

    rows = rank(built, results)

    assert results[0].total != results[1].total
    assert [row.rank for row in rows] == [1, 1]
    assert rows[1].gap == 0


def test_ranking_nobody_is_empty() -> None:
    assert rank(build(valid()), []) == []


def test_member_result_rounds_points_half_up() -> None:
    result = MemberResult(
        member="M",
        points={"A": D("26.625"), "B": None},
        total=D(0),
        in_scale=D(0),
        bonus=D(0),
        penalty=D(0),
        missing=[],
        pending=[],
    )

    assert result.rounded("A") == D("26.63")
    assert result.rounded("B") is None
    assert result.rounded("Z") is None


def test_a_pass_needs_more_than_half_of_the_reviewers() -> None:
    """Two reviewers split (1 and 0): no majority, so no pass; two of three: a pass."""
    table = engine.build(
        {
            "scale": 100,
            "criteria": [
                {"code": "B", "text": "Báo cáo đúng hạn", "kind": "pass_fail", "max_points": 100}
            ],
        }
    )
    split = [engine.Entry(Decimal(1)), engine.Entry(Decimal(0))]
    two_of_three = [*split, engine.Entry(Decimal(1))]

    results = engine.compute(table, {"split": {"B": split}, "two": {"B": two_of_three}})

    assert [r.points["B"] for r in results] == [Decimal(0), Decimal(100)]
