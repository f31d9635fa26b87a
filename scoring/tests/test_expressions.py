"""Safe formulas: what is accepted evaluates with decimals; anything else is refused with a code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.expressions import MAX_LENGTH, FormulaError, parse

QUANTITATIVE = frozenset({"actual", "target", "ratio", "max_points"})
RELATIVE = frozenset({"actual", "best", "max_points"})


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def refused(text: str, names: frozenset[str] = QUANTITATIVE) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse(text, names)
    return caught.value


# --- accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        # Seed 004: 4,006 of 3,889 → the 30 points, capped at the target.
        ("max_points * min(actual / target, 1)", {"actual": 4006, "target": 3889}, "30"),
        ("max_points * min(actual / target, 1)", {"actual": 1944.5, "target": 3889}, "15.0"),
        ("round(actual / best * max_points, 2)", {"actual": "7.1", "best": "8.0"}, "26.63"),
        ("round(actual / best * max_points, 2)", {"actual": "8.0", "best": "8.0"}, "30.00"),
        ("round(actual / best * max_points)", {"actual": "7.1", "best": "8.0"}, "27"),
        ("-max_points", {}, "-30"),
        ("+max_points", {}, "30"),
        ("-(actual - target)", {"actual": 5, "target": 7}, "2"),
        ("max(0, min(max_points, actual - target))", {"actual": 50, "target": 7}, "30"),
        ("max(0, min(max_points, actual - target))", {"actual": 5, "target": 7}, "0"),
        ("min(max(actual, 1), max(target, 2), 3)", {"actual": 0, "target": 0}, "1"),
        ("abs(actual - target)", {"actual": 5, "target": 7}, "2"),
        ("ratio * max_points", {"ratio": "0.5"}, "15.0"),
        ("1 + 2 * 3 - 4 / 8", {}, "6.5"),
        ("(1 + 2) * 3", {}, "9"),
        ("0.1 + 0.2", {}, "0.3"),  # decimals, not binary floats
        ("round(2.5)", {}, "3"),  # half up, not Python's banker's rounding
        ("round(0.125, 2)", {}, "0.13"),
    ],
)
def test_accepted_formulas_evaluate_with_decimals(
    text: str, values: dict[str, object], expected: str
) -> None:
    names = QUANTITATIVE | RELATIVE
    formula = parse(text, names)
    given_values = {"max_points": D(30), **{k: D(str(v)) for k, v in values.items()}}

    result = formula(given_values)

    assert isinstance(result, Decimal)
    assert result == D(expected)
    assert str(result) == expected


def test_a_formula_lists_the_names_it_reads_and_keeps_its_text() -> None:
    formula = parse("  max_points * min(actual / target, 1)  ", QUANTITATIVE)

    assert formula.names == {"max_points", "actual", "target"}
    assert formula.text == "max_points * min(actual / target, 1)"


def test_the_exact_ratio_is_kept_until_rounding() -> None:
    formula = parse("max_points * actual / target", QUANTITATIVE)

    result = formula({"max_points": D(30), "actual": D(4006), "target": D(3889)})

    assert result == D(30) * D(4006) / D(3889)
    assert result.quantize(D("0.01")) == D("30.90")


def test_division_by_zero_at_evaluation_is_a_formula_error() -> None:
    formula = parse("round(actual / best * max_points, 2)", RELATIVE)

    with pytest.raises(FormulaError) as caught:
        formula({"actual": D(0), "best": D(0), "max_points": D(30)})

    assert caught.value.code == "division_by_zero"


def test_zero_divided_by_zero_is_a_formula_error_too() -> None:
    formula = parse("actual / target", QUANTITATIVE)

    with pytest.raises(FormulaError) as caught:
        formula({"actual": D("0.0"), "target": D("0.00")})

    assert caught.value.code == "division_by_zero"


def test_round_to_more_than_six_places_is_refused_when_evaluated() -> None:
    formula = parse("round(actual, 7)", QUANTITATIVE)

    with pytest.raises(FormulaError) as caught:
        formula({"actual": D("1.5")})

    assert caught.value.code == "bad_round"


# --- refused --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("best * max_points", "name"),  # `best` is a relative-to-best name only
        ("actual * points", "name"),
        ("actual.real", "element"),
        ("max_points.__class__", "element"),
        ("actual[0]", "element"),
        ("actual ** 2", "operator"),
        ("actual % 2", "operator"),
        ("actual // 2", "operator"),
        ("actual << 1", "operator"),
        ("actual & 1", "operator"),
        ("actual @ target", "operator"),
        ("~actual", "operator"),
        ("not actual", "operator"),
        ("actual > target", "element"),
        ("actual == target", "element"),
        ("1 < actual < 2", "element"),
        ("actual and target", "element"),
        ("actual or 1", "element"),
        ("actual if actual else target", "element"),
        ("'30'", "constant"),
        ("b'30'", "constant"),
        ("True", "constant"),
        ("None", "constant"),
        ("1j", "constant"),
        ("...", "constant"),
        ("lambda: 1", "element"),
        ("(lambda x: x)(actual)", "function"),
        ("__import__('os')", "function"),
        ("__import__('os').system('true')", "function"),
        ("eval('1')", "function"),
        ("open('/etc/passwd')", "function"),
        ("int(actual)", "function"),
        ("pow(actual, 2)", "function"),
        ("min.__call__(actual)", "function"),
        ("round(actual, ndigits=2)", "arguments"),
        ("min(actual, key=abs)", "arguments"),
        ("min()", "arguments"),
        ("abs(actual, target)", "arguments"),
        ("round(actual, 2, 3)", "arguments"),
        ("min(*[actual])", "element"),
        ('f"{actual}"', "element"),
        ("(actual := 1)", "element"),
        ("[actual]", "element"),
        ("(actual, target)", "element"),
        ("{actual}", "element"),
        ("{'a': actual}", "element"),
        ("[x for x in actual]", "element"),
        ("actual +", "syntax"),
        ("max_points * (actual", "syntax"),
        ("actual = 1", "syntax"),
        ("import os", "syntax"),
        ("1; 2", "syntax"),
        ("", "empty"),
        ("   \n\t ", "empty"),
    ],
)
def test_refused_formulas_raise_with_the_right_code(text: str, code: str) -> None:
    assert refused(text).code == code


def test_none_as_text_is_empty() -> None:
    assert refused(None).code == "empty"  # type: ignore[arg-type]


def test_a_formula_longer_than_300_characters_is_refused() -> None:
    long_text = "actual" + " " * MAX_LENGTH + "+ 1"

    error = refused(long_text)

    assert error.code == "too_long"
    assert error.detail == str(len(long_text))


def test_exactly_300_characters_is_not_too_long() -> None:
    text = "actual" + " " * (MAX_LENGTH - len("actual") - len("+1")) + "+1"
    assert len(text) == MAX_LENGTH

    assert parse(text, QUANTITATIVE)({"actual": D(1)}) == D(2)


def test_a_formula_with_too_many_nodes_is_refused() -> None:
    text = "+".join(["1"] * 60)  # short enough, but well over 100 nodes

    assert len(text) < MAX_LENGTH
    assert refused(text).code == "too_long"


def test_a_deeply_nested_formula_is_refused_not_crashing() -> None:
    assert refused("-" * 250 + "actual").code == "too_long"
    deep = "(" * 147 + "actual" + ")" * 147  # redundant parentheses add no nodes
    assert parse(deep, QUANTITATIVE)({"actual": D(7)}) == D(7)


def test_a_short_formula_is_well_within_the_node_limit() -> None:
    text = "+".join(["1"] * 30)  # 29 additions, 30 numbers, 29 operators: 88 nodes

    assert parse(text, QUANTITATIVE)({}) == D(30)


def test_names_are_checked_against_the_names_given() -> None:
    assert parse("best", RELATIVE).names == {"best"}
    assert refused("best", QUANTITATIVE).code == "name"
    assert refused("target", RELATIVE).detail == "target"


def test_the_error_says_what_was_refused() -> None:
    assert refused("actual.real").detail == "Attribute"
    assert refused("__import__('os')").detail == "__import__"
    assert refused("actual ** 2").detail == "Pow"
    assert "points" in str(refused("actual * points"))


@pytest.mark.parametrize("text", ["max_points * min", "min + 1", "max(round, 1)"])
def test_a_function_name_used_as_a_value_is_refused(text: str) -> None:
    try:
        formula = parse(text, QUANTITATIVE)
    except FormulaError:
        return
    formula({"max_points": D(30), "actual": D(1), "target": D(1), "ratio": D(1)})


def test_round_with_an_infinite_number_of_places_is_a_formula_error() -> None:
    try:
        formula = parse("round(actual, 1e400)", QUANTITATIVE)
    except FormulaError:
        return
    with pytest.raises(FormulaError):
        formula({"actual": D(1)})


# --- fuzzing ----------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # e.g. "1and": Python's own
@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_raises_anything_but_formula_error(text: str) -> None:
    try:
        formula = parse(text, QUANTITATIVE)
    except FormulaError as exc:
        assert exc.code in {
            "empty",
            "too_long",
            "syntax",
            "name",
            "function",
            "arguments",
            "operator",
            "constant",
            "element",
        }
    else:
        assert formula.names <= QUANTITATIVE


PIECES = st.sampled_from(
    [
        "actual",
        "target",
        "ratio",
        "max_points",
        "best",
        "1",
        "0",
        "2.5",
        "1e400",
        "+",
        "-",
        "*",
        "/",
        "**",
        "%",
        "(",
        ")",
        ",",
        "min(",
        "max(",
        "abs(",
        "round(",
        "min",
        ".real",
        "[0]",
        "'s'",
        " ",
        "<",
        "and",
        "lambda:",
        "__import__(",
        "\x00",
    ]
)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # e.g. "1and": Python's own
@settings(max_examples=100, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_formula_like_text_never_raises_anything_but_formula_error(text: str) -> None:
    try:
        formula = parse(text, QUANTITATIVE)
    except FormulaError as exc:
        assert exc.code
    else:
        assert formula.names <= QUANTITATIVE
        assert len(formula.text) <= MAX_LENGTH
