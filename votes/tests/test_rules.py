"""The tally rules: each method on hand-checked examples, thresholds and quorum at their exact
boundaries, invalid and blank ballots, ties at the seat boundary, every malformed request, the
paper fallback (totals), and properties of the counts checked with Hypothesis."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from votes.rules import METHODS, TIE_BREAKS, TallyError, tally, tally_totals

# Deterministic: the same examples on every run, nothing written to a database directory.
PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=150)

RESULT_KEYS = {
    "method",
    "ballots_cast",
    "valid",
    "invalid",
    "blank",
    "quorum_met",
    "results",
    "ranking",
    "winners",
    "ties",
    "explanation",
}
ROW_KEYS = {
    "candidate",
    "rank",
    "score",
    "yes",
    "no",
    "abstain",
    "approvals",
    "votes",
    "points",
    "passed",
    "elected",
}
BLANK = {"blank": True}


def request(method: str, candidates: list[str], ballots: list[Any], **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "method": method,
        "candidates": candidates,
        "seats": 1,
        "eligible_voters": max(1, len(ballots)),
        "ballots": ballots,
    }
    base.update(extra)
    return base


def row(result: dict[str, Any], candidate: str) -> dict[str, Any]:
    return next(r for r in result["results"] if r["candidate"] == candidate)


def ranks(result: dict[str, Any]) -> dict[str, int]:
    return {r["candidate"]: r["rank"] for r in result["results"]}


def yes_no(**choices: str) -> dict[str, Any]:
    return {"choices": choices}


def ranking(*ids: str) -> dict[str, Any]:
    return {"ranking": list(ids)}


# ---------------------------------------------------------------------------------------------
# Each method by hand


def test_yes_no_by_hand() -> None:
    ballots = [
        yes_no(a="yes", b="no"),
        yes_no(a="yes", b="yes"),
        yes_no(a="no", b="yes"),
        yes_no(a="yes"),  # b left out: abstains on b
        yes_no(a="abstain", b="no"),
    ]
    result = tally(request("yes_no", ["a", "b"], ballots, eligible_voters=6))
    # a: yes 3 (ballots 1, 2, 4), no 1 (3), abstain 1 (5). b: yes 2 (2, 3), no 2 (1, 5),
    # abstain 1 (4). a ranks first with 3 yes votes and takes the one seat.
    assert set(result) == RESULT_KEYS
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        5,
        5,
        0,
        0,
    )
    assert result["quorum_met"] is True
    assert result["ranking"] == ["a", "b"]
    assert result["winners"] == ["a"]
    assert result["ties"] == []
    a, b = result["results"]
    assert set(a) == ROW_KEYS
    assert a == {
        "candidate": "a",
        "rank": 1,
        "score": 3,
        "yes": 3,
        "no": 1,
        "abstain": 1,
        "approvals": None,
        "votes": None,
        "points": None,
        "passed": None,
        "elected": True,
    }
    assert (b["rank"], b["score"], b["yes"], b["no"], b["abstain"]) == (2, 2, 2, 2, 1)
    assert b["elected"] is False
    assert "pairwise" not in result


def test_yes_no_empty_choices_is_a_valid_ballot_abstaining_on_everyone() -> None:
    result = tally(request("yes_no", ["a", "b"], [{"choices": {}}, yes_no(a="yes")]))
    assert result["valid"] == 2
    assert row(result, "a")["abstain"] == 1
    assert row(result, "b")["abstain"] == 2


def test_approval_by_hand() -> None:
    ballots = [
        {"approve": ["a", "b"]},
        {"approve": ["b", "c"]},
        {"approve": ["b"]},
        {"approve": ["a", "d"]},
        {"approve": []},  # valid, approves nobody
        {"approve": ["a", "b", "c"]},  # three approvals for two seats: invalid
    ]
    result = tally(request("approval", ["a", "b", "c", "d"], ballots, seats=2))
    # b: 3 (ballots 1, 2, 3); a: 2 (1, 4); c: 1 (2); d: 1 (4). Seats: b and a.
    assert (result["valid"], result["invalid"]) == (5, 1)
    assert result["ranking"] == ["b", "a", "c", "d"]
    assert ranks(result) == {"b": 1, "a": 2, "c": 3, "d": 3}
    assert [r["approvals"] for r in result["results"]] == [3, 2, 1, 1]
    assert [r["score"] for r in result["results"]] == [3, 2, 1, 1]
    assert result["winners"] == ["b", "a"]
    assert result["ties"] == []
    assert all(r["yes"] is None and r["votes"] is None for r in result["results"])


def test_plurality_by_hand() -> None:
    ballots = [{"choice": "b"}, {"choice": "a"}, {"choice": "b"}, BLANK, {"choice": "z"}]
    result = tally(request("plurality", ["a", "b", "c"], ballots, eligible_voters=9))
    # b 2, a 1, c 0; one blank, one invalid (unknown candidate z).
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        5,
        2 + 1,
        1,
        1,
    )
    assert result["ranking"] == ["b", "a", "c"]
    assert [r["votes"] for r in result["results"]] == [2, 1, 0]
    assert result["winners"] == ["b"]
    assert row(result, "b")["points"] is None


def test_borda_by_hand() -> None:
    ballots = [
        ranking("a", "b", "c", "d"),  # a 3, b 2, c 1, d 0
        ranking("b", "a"),  # b 3, a 2, c and d unranked: 0
        ranking("c", "b", "a", "d"),  # c 3, b 2, a 1, d 0
        ranking("d"),  # d 3
    ]
    result = tally(request("borda", ["a", "b", "c", "d"], ballots))
    # a 3+2+1 = 6; b 2+3+2 = 7; c 1+3 = 4; d 3.
    assert [(r["candidate"], r["points"], r["rank"]) for r in result["results"]] == [
        ("b", 7, 1),
        ("a", 6, 2),
        ("c", 4, 3),
        ("d", 3, 4),
    ]
    assert result["winners"] == ["b"]
    assert row(result, "b")["yes"] is None
    assert row(result, "b")["votes"] is None
    assert row(result, "b")["approvals"] is None


def test_schulze_wikipedia_example() -> None:
    """The 45-voter example of the Schulze method's Wikipedia article: E > A > C > B > D."""
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = [ranking(*order) for count, order in groups for _ in range(count)]
    result = tally(request("schulze", list("ABCDE"), ballots, eligible_voters=50))
    assert set(result) == RESULT_KEYS | {"pairwise", "strongest_paths"}
    assert result["pairwise"] == {
        "A": {"B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31},
    }
    assert result["strongest_paths"] == {
        "A": {"B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31},
    }
    # Wins: E beats all four; A beats B, C, D; C beats B, D; B beats D.
    assert [(r["candidate"], r["score"], r["rank"]) for r in result["results"]] == [
        ("E", 4, 1),
        ("A", 3, 2),
        ("C", 2, 3),
        ("B", 1, 4),
        ("D", 0, 5),
    ]
    assert result["winners"] == ["E"]
    assert all(
        r["yes"] is None and r["points"] is None and r["passed"] is None for r in result["results"]
    )


def test_schulze_partial_rankings_and_a_cycle_by_hand() -> None:
    ballots = [ranking("a", "b"), ranking("b", "c", "a"), ranking("c", "a"), ranking("a", "b")]
    ballots.append(ranking("c"))
    result = tally(request("schulze", ["a", "b", "c"], ballots))
    # Unranked candidates sit below the ranked ones, tied with each other.
    # a>b: ab, ab, ca = 3; b>a: bca = 1. a>c: ab, ab = 2; c>a: bca, ca, c = 3.
    # b>c: ab, ab, bca = 3; c>b: ca, c = 2. Links a→b 3, b→c 3, c→a 3: a cycle of equal
    # strength, every strongest path is 3, nobody beats anybody.
    assert result["pairwise"] == {
        "a": {"b": 3, "c": 2},
        "b": {"a": 1, "c": 3},
        "c": {"a": 3, "b": 2},
    }
    assert result["strongest_paths"] == {
        "a": {"b": 3, "c": 3},
        "b": {"a": 3, "c": 3},
        "c": {"a": 3, "b": 3},
    }
    assert ranks(result) == {"a": 1, "b": 1, "c": 1}
    assert result["winners"] == []
    assert result["ties"] == [["a", "b", "c"]]
    ordered = tally(request("schulze", ["a", "b", "c"], ballots, tie_break="order"))
    assert ordered["winners"] == ["a"]
    assert ranks(ordered) == {"a": 1, "b": 2, "c": 3}


def test_schulze_full_ballot_for_x_can_hurt_x() -> None:
    """Why the monotonicity property below adds a ballot ranking X alone: Schulze fails the
    participation criterion, so a full ballot with X first may cost X its place."""
    ballots = [ranking("a", "b"), ranking("b", "c", "a"), ranking("c", "a"), ranking("a", "b")]
    ballots.append(ranking("c"))
    before = tally(request("schulze", ["a", "b", "c"], ballots, eligible_voters=6))
    after = tally(request("schulze", ["a", "b", "c"], [*ballots, ranking("b", "a", "c")]))
    # After b>a>c: a>c 3 = c>a 3 so the link c→a goes, and b no longer reaches a; a→b 3 > 0.
    assert ranks(before)["b"] == 1
    assert ranks(after)["b"] == 2
    alone = tally(request("schulze", ["a", "b", "c"], [*ballots, ranking("b")]))
    assert ranks(alone)["b"] == 1


def test_pairwise_omits_the_diagonal() -> None:
    result = tally(request("schulze", ["a", "b"], [ranking("a")]))
    assert result["pairwise"] == {"a": {"b": 1}, "b": {"a": 0}}
    assert result["strongest_paths"] == {"a": {"b": 1}, "b": {"a": 0}}


# ---------------------------------------------------------------------------------------------
# Thresholds and quorum at the boundary


def yes_votes(candidates: dict[str, int], cast: int) -> list[dict[str, Any]]:
    """`cast` ballots, the first `n` saying yes to each candidate (the rest no)."""
    return [
        {"choices": {c: ("yes" if i < n else "no") for c, n in candidates.items()}}
        for i in range(cast)
    ]


@pytest.mark.parametrize(
    ("eligible", "cast", "yes", "ratio", "strict", "basis", "passed"),
    [
        # 7 eligible, more than half: 4/7 > 0.5 passes, 3/7 does not.
        (7, 7, 4, 0.5, True, "eligible", True),
        (7, 7, 3, 0.5, True, "eligible", False),
        # 8 eligible, exactly half: 4/8 = 0.5 passes "at least", fails "more than".
        (8, 8, 4, 0.5, False, "eligible", True),
        (8, 8, 4, 0.5, True, "eligible", False),
        (8, 8, 5, 0.5, True, "eligible", True),
        # 6 eligible, two thirds: 4/6 ≥ 0.6666666666666666 (2/3 as a float) passes, and so does
        # 0.6666; 0.6667 is read as written, so 4/6 < 0.6667 fails and 5/6 passes.
        (6, 6, 4, 2 / 3, False, "eligible", True),
        (6, 6, 4, 0.6666, False, "eligible", True),
        (6, 6, 4, 0.6667, False, "eligible", False),
        (6, 6, 5, 0.6667, False, "eligible", True),
        (6, 6, 4, 0.6667, True, "eligible", False),
        # Basis cast: 10 eligible, 6 cast. 3/6 = 0.5 is not more than half, 4/6 is; counted
        # on the eligible voters 4/10 is not.
        (10, 6, 3, 0.5, True, "cast", False),
        (10, 6, 3, 0.5, False, "cast", True),
        (10, 6, 4, 0.5, True, "cast", True),
        (10, 6, 4, 0.5, True, "eligible", False),
        (10, 6, 5, 0.5, False, "eligible", True),
        # A ratio of 1: unanimity.
        (3, 3, 3, 1, False, "eligible", True),
        (3, 3, 2, 1, False, "eligible", False),
    ],
)
def test_yes_no_threshold_boundary(
    eligible: int, cast: int, yes: int, ratio: float, strict: bool, basis: str, passed: bool
) -> None:
    result = tally(
        request(
            "yes_no",
            ["a"],
            yes_votes({"a": yes}, cast),
            eligible_voters=eligible,
            threshold={"basis": basis, "ratio": ratio, "strict": strict},
        )
    )
    assert row(result, "a")["yes"] == yes
    assert row(result, "a")["passed"] is passed
    assert result["winners"] == (["a"] if passed else [])
    assert row(result, "a")["elected"] is passed


def test_approval_threshold_boundary() -> None:
    ballots = [{"approve": ["a", "b"]}] * 4 + [{"approve": ["b", "c"]}] * 2 + [BLANK] * 2
    # 8 cast of 10 eligible. a 4, b 6, c 2. More than half of those cast (> 4): only b.
    result = tally(
        request(
            "approval",
            ["a", "b", "c"],
            ballots,
            seats=2,
            eligible_voters=10,
            threshold={"basis": "cast", "ratio": 0.5, "strict": True},
        )
    )
    assert [(r["candidate"], r["passed"]) for r in result["results"]] == [
        ("b", True),
        ("a", False),
        ("c", False),
    ]
    assert result["winners"] == ["b"]
    assert result["ties"] == []
    with translation.override("en"):
        text = tally(
            request(
                "approval",
                ["a", "b", "c"],
                ballots,
                seats=2,
                eligible_voters=10,
                threshold={"basis": "cast", "ratio": 0.5, "strict": True},
            )
        )["explanation"]
    assert "1 of 2 seats remain unfilled" in text
    assert "more than 50% of the 8 ballots cast" in text
    assert "at least 5 approvals" in text


@pytest.mark.parametrize(
    ("eligible", "cast", "quorum", "met"),
    [
        (10, 6, 0.6, True),  # exactly at the quorum
        (10, 5, 0.6, False),  # one below
        (4, 3, 0.75, True),
        (4, 2, 0.75, False),
        (3, 2, 0.6667, False),  # 2/3 < 0.6667 as written
        (3, 2, 2 / 3, True),
        (3, 3, 1, True),
        (3, 2, 1, False),
    ],
)
def test_quorum_boundary(eligible: int, cast: int, quorum: float, met: bool) -> None:
    ballots = [{"choice": "a"}] * (cast - 1) + [BLANK]  # a blank ballot counts toward quorum
    result = tally(
        request("plurality", ["a", "b"], ballots, eligible_voters=eligible, quorum=quorum)
    )
    assert result["quorum_met"] is met
    assert result["winners"] == (["a"] if met else [])
    assert row(result, "a")["elected"] is met
    assert row(result, "a")["passed"] is None  # no threshold
    assert result["ranking"] == ["a", "b"]  # still ranked


def test_quorum_not_met_fails_every_threshold_and_says_so() -> None:
    ballots = yes_votes({"a": 5, "b": 5}, 5)
    req = request(
        "yes_no",
        ["a", "b"],
        ballots,
        seats=2,
        eligible_voters=10,
        quorum=0.6,
        threshold={"basis": "cast", "ratio": 0.5, "strict": True},
    )
    result = tally(req)
    assert result["quorum_met"] is False
    assert result["winners"] == []
    assert result["ties"] == []
    assert [r["passed"] for r in result["results"]] == [False, False]
    assert not any(r["elected"] for r in result["results"])
    with translation.override("en"):
        text = tally(req)["explanation"]
    assert "was not met, so nobody is elected" in text
    assert "(6 ballots)" in text


def test_no_quorum_means_met() -> None:
    result = tally(request("plurality", ["a"], [], eligible_voters=5))
    assert result["quorum_met"] is True


def test_no_valid_ballots_elects_nobody() -> None:
    result = tally(request("plurality", ["a"], [BLANK, {"choice": "x"}], eligible_voters=3))
    assert (result["valid"], result["invalid"], result["blank"]) == (0, 1, 1)
    assert result["winners"] == []
    assert result["ties"] == []
    with translation.override("en"):
        assert "no valid ballots" in tally(request("plurality", ["a"], [BLANK]))["explanation"]


def test_threshold_on_cast_with_no_ballots_fails() -> None:
    result = tally(
        request(
            "yes_no",
            ["a"],
            [],
            eligible_voters=3,
            threshold={"basis": "cast", "ratio": 0.5, "strict": False},
        )
    )
    assert row(result, "a")["passed"] is False


# ---------------------------------------------------------------------------------------------
# Invalid and blank ballots


INVALID: dict[str, list[Any]] = {
    "yes_no": [
        yes_no(a="yes", z="yes"),  # unknown candidate
        yes_no(a="maybe"),  # unknown choice word
        yes_no(a="YES"),
        {"choices": {"a": True}},
        {"choices": ["a"]},
        {"choices": {"a": "yes"}, "extra": 1},
        {"choice": "a"},
    ],
    "approval": [
        {"approve": ["a", "b"]},  # more than the one seat
        {"approve": ["a", "a"]},  # duplicate (and more than one)
        {"approve": ["z"]},
        {"approve": "a"},
        {"approve": [1]},
        {"approve": None},
    ],
    "plurality": [
        {"choice": "z"},
        {"choice": ["a"]},
        {"choice": None},
        {"choice": ""},
        {"choice": "a", "blank": False},
        {"choices": {"a": "yes"}},
    ],
    "borda": [
        ranking("a", "a"),  # duplicate
        ranking("a", "z"),  # unknown
        ranking(),  # empty
        {"ranking": "ab"},
        {"ranking": [["a"]]},
        {"ranking": ["a"], "blank": True},
    ],
    "schulze": [
        ranking("b", "c", "b"),
        ranking("q"),
        ranking(),
        {"ranking": {"a": 1}},
        {"rank": ["a"]},
    ],
}
MALFORMED: list[Any] = [
    None,
    "a",
    3,
    [],
    ["a"],
    {},
    {"blank": False},
    {"blank": 1},
    {"blank": "true"},
    {"blank": True, "choice": "a"},
]


@pytest.mark.parametrize(
    ("method", "ballot"),
    [(m, b) for m, ballots in INVALID.items() for b in ballots]
    + [(m, b) for m in METHODS for b in MALFORMED],
)
def test_malformed_ballot_counts_invalid(method: str, ballot: Any) -> None:
    good = {
        "yes_no": yes_no(a="yes"),
        "approval": {"approve": ["a"]},
        "plurality": {"choice": "a"},
        "borda": ranking("a", "b"),
        "schulze": ranking("a", "b"),
    }[method]
    result = tally(request(method, ["a", "b", "c"], [good, ballot, BLANK]))
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        3,
        1,
        1,
        1,
    )
    assert result["ranking"][0] == "a"


def test_approving_exactly_the_seats_is_valid() -> None:
    result = tally(request("approval", ["a", "b", "c"], [{"approve": ["a", "b"]}], seats=2))
    assert result["valid"] == 1


# ---------------------------------------------------------------------------------------------
# Ties


def test_tie_at_the_seat_boundary_is_reported_and_not_elected() -> None:
    ballots = [{"choice": c} for c in "aaabbcc"]
    result = tally(request("plurality", ["c", "a", "b"], ballots, seats=2))
    # a 3, b 2, c 2: a takes a seat; b and c tie for the last one.
    assert ranks(result) == {"a": 1, "c": 2, "b": 2}
    assert result["ranking"] == ["a", "c", "b"]  # tied ones in candidate-list order
    assert result["winners"] == ["a"]
    assert result["ties"] == [["c", "b"]]
    assert [r["elected"] for r in result["results"]] == [True, False, False]
    with translation.override("en"):
        text = tally(request("plurality", ["c", "a", "b"], ballots, seats=2))["explanation"]
    assert "c, b are tied for the remaining seats (1)" in text
    assert "re-vote" in text


def test_a_tie_that_fits_the_seats_is_elected() -> None:
    ballots = [{"approve": ["a", "b"]}] * 2 + [{"approve": ["c"]}]
    result = tally(request("approval", ["a", "b", "c"], ballots, seats=2))
    assert result["winners"] == ["a", "b"]
    assert result["ties"] == []
    assert ranks(result) == {"a": 1, "b": 1, "c": 3}


def test_ties_below_the_seats_are_not_reported() -> None:
    ballots = [{"choice": c} for c in "aaabc"]
    result = tally(request("plurality", ["a", "b", "c"], ballots))
    assert result["winners"] == ["a"]
    assert result["ties"] == []
    assert ranks(result) == {"a": 1, "b": 2, "c": 2}


def test_tie_broken_by_candidate_order() -> None:
    ballots = [{"choice": c} for c in "aaabbcc"]
    result = tally(request("plurality", ["c", "a", "b"], ballots, seats=2, tie_break="order"))
    assert ranks(result) == {"a": 1, "c": 2, "b": 3}
    assert result["winners"] == ["a", "c"]
    assert result["ties"] == []


def test_tie_broken_by_fewer_no_then_still_tied() -> None:
    ballots = [
        yes_no(a="yes", b="yes", c="yes", d="no"),
        yes_no(a="yes", b="yes", c="yes", d="yes"),
        yes_no(a="yes", b="no", c="abstain", d="yes"),
        yes_no(a="no", b="abstain", c="no", d="yes"),
    ]
    # yes: a 3, b 2, c 2, d 3. no: a 1, b 1, c 1, d 1.
    # a and d tie on yes and on no; b and c tie on yes and on no.
    result = tally(request("yes_no", ["a", "b", "c", "d"], ballots, seats=3, tie_break="fewer_no"))
    assert ranks(result) == {"a": 1, "d": 1, "b": 3, "c": 3}
    assert result["winners"] == ["a", "d"]
    assert result["ties"] == [["b", "c"]]
    # One more ballot saying no to b: c now has fewer no votes and takes the seat.
    more = [*ballots, yes_no(b="no")]
    result = tally(request("yes_no", ["a", "b", "c", "d"], more, seats=3, tie_break="fewer_no"))
    assert ranks(result) == {"a": 1, "d": 1, "c": 3, "b": 4}
    assert result["winners"] == ["a", "d", "c"]
    assert result["ties"] == []
    unbroken = tally(request("yes_no", ["a", "b", "c", "d"], more, seats=3))
    assert unbroken["winners"] == ["a", "d"]
    assert unbroken["ties"] == [["b", "c"]]


def test_a_tied_group_that_fails_the_threshold_is_not_a_tie() -> None:
    ballots = yes_votes({"a": 4, "b": 2, "c": 2}, 4)
    result = tally(
        request(
            "yes_no",
            ["a", "b", "c"],
            ballots,
            seats=2,
            threshold={"basis": "cast", "ratio": 0.5, "strict": True},
        )
    )
    assert result["winners"] == ["a"]
    assert result["ties"] == []


# ---------------------------------------------------------------------------------------------
# Malformed requests


DROP = object()


def ok(**changes: Any) -> dict[str, Any]:
    base = request("yes_no", ["a", "b"], [yes_no(a="yes")], eligible_voters=3)
    base.update(changes)
    return {k: v for k, v in base.items() if v is not DROP}


THRESHOLD = {"basis": "eligible", "ratio": 0.5, "strict": True}

BAD_REQUESTS: list[Any] = [
    [],
    "yes_no",
    ok(method="stv"),
    ok(method=None),
    ok(method=DROP),
    ok(candidates=DROP),
    ok(candidates="ab"),
    ok(candidates=[]),
    ok(candidates=["a", "a"]),
    ok(candidates=["a", ""]),
    ok(candidates=["a", "  "]),
    ok(candidates=["a", 1]),
    ok(candidates=["a", None]),
    ok(seats=0),
    ok(seats=-1),
    ok(seats=1.0),
    ok(seats=True),
    ok(seats="1"),
    ok(seats=DROP),
    ok(seats=3),  # more seats than candidates
    ok(eligible_voters=DROP),
    ok(eligible_voters=None),
    ok(eligible_voters=0),
    ok(eligible_voters=-2),
    ok(eligible_voters=2.5),
    ok(eligible_voters=True),
    ok(eligible_voters="7"),
    ok(eligible_voters=1, ballots=[BLANK, BLANK]),  # more ballots than voters
    ok(quorum=0),
    ok(quorum=-0.1),
    ok(quorum=1.01),
    ok(quorum="0.5"),
    ok(quorum=True),
    ok(quorum=float("nan")),
    ok(quorum=float("inf")),
    ok(quorum=[0.5]),
    ok(threshold="half"),
    ok(threshold={**THRESHOLD, "basis": "all"}),
    ok(threshold={"ratio": 0.5, "strict": True}),
    ok(threshold={**THRESHOLD, "ratio": 0}),
    ok(threshold={**THRESHOLD, "ratio": 1.2}),
    ok(threshold={**THRESHOLD, "ratio": "0.5"}),
    ok(threshold={**THRESHOLD, "ratio": None}),
    ok(threshold={**THRESHOLD, "strict": "yes"}),
    ok(threshold={**THRESHOLD, "strict": 1}),
    ok(threshold={"basis": "eligible", "ratio": 0.5}),
    ok(threshold={**THRESHOLD, "extra": 1}),
    ok(method="plurality", threshold=THRESHOLD, ballots=[]),
    ok(method="borda", threshold=THRESHOLD, ballots=[]),
    ok(method="schulze", threshold=THRESHOLD, ballots=[]),
    ok(tie_break="coin"),
    ok(tie_break=1),
    ok(method="approval", tie_break="fewer_no", ballots=[]),
    ok(method="plurality", tie_break="fewer_no", ballots=[]),
    ok(method="borda", tie_break="fewer_no", ballots=[]),
    ok(method="schulze", tie_break="fewer_no", ballots=[]),
    ok(ballots=DROP),
    ok(ballots=None),
    ok(ballots={"a": 1}),
    ok(ballots="yes"),
]


@pytest.mark.parametrize("bad", BAD_REQUESTS)
def test_malformed_request_raises_with_a_message(bad: Any) -> None:
    with pytest.raises(TallyError) as caught:
        tally(bad)
    assert str(caught.value).strip()
    assert "%(" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_well_formed_base_request_is_accepted() -> None:
    assert tally(ok())["winners"] == ["a"]
    assert tally(ok(quorum=1 / 3, threshold=THRESHOLD, tie_break="fewer_no"))["valid"] == 1
    assert tally(ok(quorum=None, threshold=None, tie_break=None))["valid"] == 1
    assert set(TIE_BREAKS) == {"none", "order", "fewer_no"}


# ---------------------------------------------------------------------------------------------
# Totals (the paper fallback)


def totals_request(method: str, totals: Any, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "method": method,
        "candidates": ["a", "b"],
        "seats": 1,
        "eligible_voters": 10,
        "ballots_cast": 8,
        "invalid": 1,
        "blank": 1,
        "totals": totals,
    }
    base.update(extra)
    return {k: v for k, v in base.items() if v is not DROP}


YN_TOTALS = {"a": {"yes": 4, "no": 1, "abstain": 1}, "b": {"yes": 2, "no": 2, "abstain": 2}}


def test_totals_by_hand() -> None:
    result = tally_totals(totals_request("yes_no", YN_TOTALS))
    assert (result["ballots_cast"], result["valid"], result["invalid"], result["blank"]) == (
        8,
        6,
        1,
        1,
    )
    assert result["winners"] == ["a"]
    assert [(r["candidate"], r["yes"], r["no"], r["abstain"]) for r in result["results"]] == [
        ("a", 4, 1, 1),
        ("b", 2, 2, 2),
    ]
    assert "pairwise" not in result


def test_totals_abstain_is_what_the_valid_ballots_leave() -> None:
    """Abstain may be left out, or be below valid − yes − no: unmarked counts as abstain."""
    result = tally_totals(
        totals_request("yes_no", {"a": {"yes": 4, "no": 1}, "b": {"yes": 1, "no": 1, "abstain": 0}})
    )
    assert row(result, "a")["abstain"] == 1
    assert row(result, "b")["abstain"] == 4


BAD_TOTALS: list[Any] = [
    totals_request("borda", {}),
    totals_request("schulze", {}),
    totals_request("stv", {}),
    totals_request("yes_no", YN_TOTALS, ballots_cast=DROP),
    totals_request("yes_no", YN_TOTALS, invalid=DROP),
    totals_request("yes_no", YN_TOTALS, blank=DROP),
    totals_request("yes_no", YN_TOTALS, ballots_cast=-1),
    totals_request("yes_no", YN_TOTALS, ballots_cast=8.0),
    totals_request("yes_no", YN_TOTALS, invalid=True),
    totals_request("yes_no", YN_TOTALS, blank="1"),
    totals_request("yes_no", YN_TOTALS, ballots_cast=11),  # more than eligible
    totals_request("yes_no", YN_TOTALS, invalid=5, blank=4),  # valid = 8 − 9 < 0
    totals_request("yes_no", None),
    totals_request("yes_no", [["a", 1]]),
    totals_request("yes_no", {**YN_TOTALS, "z": {"yes": 0, "no": 0}}),
    totals_request("yes_no", {"a": YN_TOTALS["a"]}),  # b missing
    totals_request("yes_no", {**YN_TOTALS, "b": 3}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": 1, "no": 1, "maybe": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": -1, "no": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": 1.5, "no": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": "1", "no": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": True, "no": 1}}),
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": 3, "no": 2, "abstain": 2}}),  # 7 > 6
    totals_request("yes_no", {**YN_TOTALS, "b": {"yes": 4, "no": 3}}),  # 7 > 6
    totals_request("approval", {"a": {"approvals": 7}, "b": {"approvals": 0}}),  # 7 > 6
    totals_request("approval", {"a": {"approvals": 6}, "b": {"approvals": 1}}),  # 7 > 6 × 1 seat
    totals_request("approval", {"a": {"votes": 1}, "b": {"approvals": 1}}),
    totals_request("plurality", {"a": {"votes": 4}, "b": {"votes": 3}}),  # 7 > 6
    totals_request("plurality", {"a": {"votes": 4}, "b": {"yes": 1}}),
    totals_request("plurality", {"a": {"votes": 4}, "b": {}}),
    totals_request("plurality", {"a": {"votes": 1}, "b": {"votes": 1}}, eligible_voters=DROP),
    totals_request("plurality", {"a": {"votes": 1}, "b": {"votes": 1}}, tie_break="fewer_no"),
]


@pytest.mark.parametrize("bad", BAD_TOTALS)
def test_inconsistent_totals_raise_with_a_message(bad: Any) -> None:
    with pytest.raises(TallyError) as caught:
        tally_totals(bad)
    assert str(caught.value).strip()
    assert "%(" not in str(caught.value)


def test_totals_at_the_limits_are_accepted() -> None:
    assert tally_totals(totals_request("plurality", {"a": {"votes": 4}, "b": {"votes": 2}}))[
        "winners"
    ] == ["a"]
    assert tally_totals(totals_request("approval", {"a": {"approvals": 4}, "b": {"approvals": 2}}))[
        "winners"
    ] == ["a"]
    assert tally_totals(
        totals_request(
            "approval", {"a": {"approvals": 6}, "b": {"approvals": 6}}, seats=2, tie_break="order"
        )
    )["winners"] == ["a", "b"]
    assert tally_totals(
        totals_request("yes_no", {"a": {"yes": 6, "no": 0, "abstain": 0}, "b": {"yes": 0, "no": 6}})
    )["winners"] == ["a"]
    assert (
        tally_totals(
            totals_request("plurality", {"a": {"votes": 0}, "b": {"votes": 0}}, invalid=4, blank=4)
        )["valid"]
        == 0
    )


# ---------------------------------------------------------------------------------------------
# Explanation


def test_explanation_names_everything_in_english_msgids() -> None:
    req = request(
        "yes_no",
        ["a", "b"],
        [*yes_votes({"a": 5, "b": 2}, 6), BLANK, {"choice": "a"}],
        eligible_voters=9,
        quorum=0.6667,
        threshold={"basis": "eligible", "ratio": 0.5, "strict": True},
        tie_break="fewer_no",
    )
    with translation.override("en"):
        text = tally(req)["explanation"]
    assert "8 of 9 eligible voters cast a ballot: 6 valid, 1 invalid, 1 blank." in text
    assert "The quorum of 66,67% of eligible voters (7 ballots) was met." in text
    assert "more than 50% of the 9 eligible voters" in text
    assert "at least 5 yes votes" in text
    assert "fewer no votes" in text
    assert "Elected (1 of 1 seats): a." in text


@pytest.mark.parametrize("method", METHODS)
def test_explanation_in_the_default_language_is_one_paragraph(method: str) -> None:
    result = tally(request(method, ["a", "b"], [], eligible_voters=2, quorum=0.5))
    text = result["explanation"]
    assert isinstance(text, str)
    assert text
    assert "\n" not in text
    assert "%(" not in text


# ---------------------------------------------------------------------------------------------
# Properties


CANDIDATES = ["a", "b", "c", "d", "e"]
JUNK: list[Any] = [BLANK, None, "x", {"choice": "z"}, {"ranking": []}, {"approve": ["z"]}, {}]


@st.composite
def candidate_lists(draw: st.DrawFn, low: int = 2, high: int = 5) -> list[str]:
    n = draw(st.integers(low, high))
    return draw(st.permutations(CANDIDATES[:n]))


def ballot_strategy(method: str, candidates: list[str]) -> st.SearchStrategy[Any]:
    if method == "yes_no":
        return st.dictionaries(
            st.sampled_from(candidates), st.sampled_from(["yes", "no", "abstain"])
        ).map(lambda choices: {"choices": choices})
    if method == "approval":
        return st.lists(st.sampled_from(candidates), unique=True).map(
            lambda approve: {"approve": approve}
        )
    if method == "plurality":
        return st.sampled_from(candidates).map(lambda choice: {"choice": choice})
    return st.permutations(candidates).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda k: {"ranking": list(order[:k])})
    )


def ballots_for(method: str, candidates: list[str], junk: bool = True) -> st.SearchStrategy[Any]:
    one = ballot_strategy(method, candidates)
    if junk:
        one = st.one_of(one, one, one, st.sampled_from(JUNK))
    return st.lists(one, max_size=12)


@PROPERTY
@given(data=st.data(), candidates=candidate_lists())
def test_borda_total_points(data: st.DataObject, candidates: list[str]) -> None:
    complete = st.permutations(candidates).map(lambda order: {"ranking": list(order)})
    ballots = data.draw(st.lists(st.one_of(complete, complete, st.sampled_from(JUNK))))
    result = tally(request("borda", candidates, ballots))
    n = len(candidates)
    assert sum(r["points"] for r in result["results"]) == result["valid"] * n * (n - 1) // 2


def direct_pairwise(candidates: list[str], ballots: list[dict[str, Any]]) -> dict[str, Any]:
    d = {a: {b: 0 for b in candidates if b != a} for a in candidates}
    for ballot in ballots:
        order = ballot["ranking"]
        place = {c: order.index(c) if c in order else len(order) for c in candidates}
        for a, b in itertools.permutations(candidates, 2):
            if place[a] < place[b]:
                d[a][b] += 1
    return d


@PROPERTY
@given(data=st.data(), candidates=candidate_lists(3, 5))
def test_condorcet_winner_wins_schulze(data: st.DataObject, candidates: list[str]) -> None:
    ballots = data.draw(st.lists(ballot_strategy("schulze", candidates), min_size=1, max_size=11))
    d = direct_pairwise(candidates, ballots)
    winners = [a for a in candidates if all(d[a][b] > d[b][a] for b in d[a])]
    assume(winners)
    (winner,) = winners
    result = tally(request("schulze", candidates, [*ballots, BLANK]))
    assert result["pairwise"] == d
    assert result["ranking"][0] == winner
    assert [r["rank"] for r in result["results"]].count(1) == 1
    assert row(result, winner)["rank"] == 1
    assert row(result, winner)["score"] == len(candidates) - 1
    assert result["winners"] == [winner]


@PROPERTY
@given(
    data=st.data(),
    candidates=candidate_lists(3, 5),
    tie_break=st.sampled_from(["none", "order"]),
)
def test_schulze_monotonic_for_a_ballot_ranking_x_first(
    data: st.DataObject, candidates: list[str], tie_break: str
) -> None:
    """A ballot ranking X first, the rest unranked, never worsens X's rank number (a full
    ballot may: see test_schulze_full_ballot_for_x_can_hurt_x)."""
    ballots = data.draw(ballots_for("schulze", candidates))
    x = data.draw(st.sampled_from(candidates))
    eligible = len(ballots) + 1

    def rank_of_x(ballots: list[Any]) -> int:
        result = tally(
            request("schulze", candidates, ballots, eligible_voters=eligible, tie_break=tie_break)
        )
        return int(row(result, x)["rank"])

    before = rank_of_x(ballots)
    after = rank_of_x([*ballots, {"ranking": [x]}])
    assert after <= before


@st.composite
def any_request(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(METHODS))
    candidates = draw(candidate_lists(1, 5))
    ballots = draw(ballots_for(method, candidates))
    req = request(
        method,
        candidates,
        ballots,
        seats=draw(st.integers(1, len(candidates))),
        eligible_voters=len(ballots) + draw(st.integers(0, 3)),
        tie_break=draw(
            st.sampled_from(
                ["none", "order", "fewer_no"] if method == "yes_no" else ["none", "order"]
            )
        ),
    )
    if req["eligible_voters"] == 0:
        req["eligible_voters"] = 1
    if draw(st.booleans()):
        req["quorum"] = draw(st.sampled_from([0.25, 0.5, 0.6667, 1]))
    if method in ("yes_no", "approval") and draw(st.booleans()):
        req["threshold"] = {
            "basis": draw(st.sampled_from(["eligible", "cast"])),
            "ratio": draw(st.sampled_from([0.25, 0.5, 2 / 3, 1])),
            "strict": draw(st.booleans()),
        }
    return req


@settings(PROPERTY, max_examples=300)
@given(req=any_request())
def test_counts_are_consistent(req: dict[str, Any]) -> None:
    result = tally(req)
    n = len(req["candidates"])
    valid = result["valid"]
    assert set(result) == RESULT_KEYS | (
        {"pairwise", "strongest_paths"} if req["method"] == "schulze" else set()
    )
    assert result["ballots_cast"] == len(req["ballots"])
    assert result["ballots_cast"] == valid + result["invalid"] + result["blank"]
    rows = result["results"]
    assert [r["candidate"] for r in rows] == result["ranking"]
    assert sorted(result["ranking"]) == sorted(req["candidates"])
    bound = {"yes_no": valid, "approval": valid, "plurality": valid, "borda": valid * (n - 1)}
    for r in rows:
        assert 0 <= r["score"] <= bound.get(req["method"], n - 1)
        if req["method"] == "yes_no":
            assert r["yes"] + r["no"] + r["abstain"] == valid
            assert min(r["yes"], r["no"], r["abstain"]) >= 0
        assert r["elected"] == (r["candidate"] in result["winners"])
        if "threshold" not in req:
            assert r["passed"] is None
        elif r["elected"]:
            assert r["passed"] is True
    if req["method"] == "plurality":
        assert sum(r["votes"] for r in rows) == valid
    if req["method"] == "approval":
        assert sum(r["approvals"] for r in rows) <= valid * req["seats"]
    if req["method"] == "schulze":
        d = result["pairwise"]
        for a, b in itertools.permutations(req["candidates"], 2):
            assert d[a][b] + d[b][a] <= valid
    # Scores never increase down the ranking; ranks are competition ranks, shared only by
    # equal scores.
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0]["rank"] == 1
    for before, r, i in zip(rows, rows[1:], itertools.count(2), strict=False):
        if r["rank"] == before["rank"]:
            assert r["score"] == before["score"]
        else:
            assert r["rank"] == i
        if req["tie_break"] == "none":
            assert (r["rank"] == before["rank"]) == (r["score"] == before["score"])
    # Winners and ties.
    tied = [c for group in result["ties"] for c in group]
    assert len(result["winners"]) <= req["seats"]
    assert not set(result["winners"]) & set(tied)
    assert len(result["ties"]) <= 1
    if result["ties"]:
        assert len(result["winners"]) + len(tied) > req["seats"]
        assert len({row(result, c)["rank"] for c in tied}) == 1
    if not result["quorum_met"]:
        assert result["winners"] == []
    if req["tie_break"] == "order":
        assert result["ties"] == []
        assert [r["rank"] for r in rows] == list(range(1, n + 1))


def totals_of(method: str, candidates: list[str], ballots: list[Any]) -> dict[str, Any]:
    """The totals a counting committee would write down for these ballots, counted here."""
    result = tally(
        request(method, candidates, ballots, seats=1, eligible_voters=max(1, len(ballots)))
    )
    valid_ballots = [
        b for b in ballots if isinstance(b, dict) and b not in JUNK and not _invalid(method, b)
    ]
    assert len(valid_ballots) == result["valid"]
    totals: dict[str, Any] = {}
    for c in candidates:
        if method == "yes_no":
            yes = sum(1 for b in valid_ballots if b["choices"].get(c) == "yes")
            no = sum(1 for b in valid_ballots if b["choices"].get(c) == "no")
            abstain = len(valid_ballots) - yes - no
            totals[c] = {"yes": yes, "no": no, "abstain": abstain}
        elif method == "approval":
            totals[c] = {"approvals": sum(1 for b in valid_ballots if c in b["approve"])}
        else:
            totals[c] = {"votes": sum(1 for b in valid_ballots if b["choice"] == c)}
    return {
        "totals": totals,
        "ballots_cast": len(ballots),
        "invalid": result["invalid"],
        "blank": result["blank"],
    }


def _invalid(method: str, ballot: dict[str, Any]) -> bool:
    return method == "approval" and len(ballot["approve"]) > 1  # more than the one seat


@PROPERTY
@given(
    data=st.data(),
    method=st.sampled_from(["yes_no", "approval", "plurality"]),
    candidates=candidate_lists(1, 4),
)
def test_totals_give_the_same_result_as_the_ballots(
    data: st.DataObject, method: str, candidates: list[str]
) -> None:
    ballots = data.draw(ballots_for(method, candidates))
    extra: dict[str, Any] = {
        "eligible_voters": len(ballots) + data.draw(st.integers(0, 2)) or 1,
        "tie_break": data.draw(st.sampled_from(["none", "order"])),
    }
    if data.draw(st.booleans()):
        extra["quorum"] = data.draw(st.sampled_from([0.5, 0.6667, 1]))
    if method != "plurality" and data.draw(st.booleans()):
        extra["threshold"] = {
            "basis": data.draw(st.sampled_from(["eligible", "cast"])),
            "ratio": data.draw(st.sampled_from([0.5, 0.6667])),
            "strict": data.draw(st.booleans()),
        }
    from_ballots = tally(request(method, candidates, ballots, **extra))
    paper = request(method, candidates, ballots, **extra)
    del paper["ballots"]
    paper.update(totals_of(method, candidates, ballots))
    assert tally_totals(paper) == from_ballots
