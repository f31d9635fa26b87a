"""Pure rules of a vote count: validating a tally request, counting ballots (yes/no, approval,
plurality, Borda, Schulze) or totals entered from paper, quorum, thresholds, ranking, tie-breaks,
winners and a plain-language explanation. No database access.

All ratios are compared exactly: a number in the request is read as the decimal written
(``Decimal(str(x))``) and compared as a ``Fraction``, so a quorum of 0.6667 is 0.6667, not 2/3.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeGuard

from django.utils.formats import number_format
from django.utils.translation import gettext as _

METHODS = ("yes_no", "approval", "plurality", "borda", "schulze")
TIE_BREAKS = ("none", "order", "fewer_no")
BASES = ("eligible", "cast")
CHOICES = ("yes", "no", "abstain")

THRESHOLD_METHODS = ("yes_no", "approval")
TOTALS_METHODS = ("yes_no", "approval", "plurality")
RANKING_METHODS = ("borda", "schulze")

# The one key a valid ballot has, per method.
BALLOT_KEYS = {
    "yes_no": "choices",
    "approval": "approve",
    "plurality": "choice",
    "borda": "ranking",
    "schulze": "ranking",
}

# The fields of one candidate's entry in "totals", per method (required, optional).
TOTALS_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "yes_no": (("yes", "no"), ("abstain",)),
    "approval": (("approvals",), ()),
    "plurality": (("votes",), ()),
}


class TallyError(ValueError):
    """The request as a whole is malformed; ``str(exc)`` is the message for the user."""


# ---------------------------------------------------------------------------------------------
# The request


@dataclass(frozen=True)
class Threshold:
    basis: str  # "eligible" | "cast"
    ratio: Decimal  # as written
    strict: bool

    def passes(self, count: int, basis_count: int) -> bool:
        """count / basis_count > ratio (strict) or ≥ ratio, exactly; never with an empty basis."""
        if basis_count <= 0:
            return False
        share = Fraction(count, basis_count)
        ratio = Fraction(self.ratio)
        return share > ratio if self.strict else share >= ratio

    def needed(self, basis_count: int) -> int:
        """The fewest votes that pass with this basis."""
        product = Fraction(self.ratio) * basis_count
        if self.strict:
            return math.floor(product) + 1
        return math.ceil(product)


@dataclass(frozen=True)
class Rules:
    method: str
    candidates: tuple[str, ...]
    seats: int
    eligible_voters: int
    quorum: Decimal | None
    threshold: Threshold | None
    tie_break: str


def _show(value: object) -> str:
    """A short display of a value the request got wrong."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _decimal(value: object) -> Decimal | None:
    """A JSON number as the decimal written, or None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _share(value: object) -> Decimal | None:
    """A number in (0, 1], or None."""
    number = _decimal(value)
    if number is None or not 0 < number <= 1:
        return None
    return number


def _rules(request: object) -> Rules:
    if not isinstance(request, Mapping):
        raise TallyError(_("The request must be a JSON object."))

    method = request.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise TallyError(
            _("Unknown voting method %(method)s. Use one of: %(methods)s.")
            % {"method": _show(method), "methods": ", ".join(METHODS)}
        )

    candidates = request.get("candidates")
    if not isinstance(candidates, list | tuple):
        raise TallyError(_("Candidates must be a list of candidate ids."))
    if not candidates:
        raise TallyError(_("Give at least one candidate."))
    seen: set[str] = set()
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            raise TallyError(
                _("Each candidate id must be a non-empty string (got %(value)s).")
                % {"value": _show(candidate)}
            )
        if candidate in seen:
            raise TallyError(_("Candidate “%(id)s” is listed more than once.") % {"id": candidate})
        seen.add(candidate)

    seats = request.get("seats")
    if not _is_int(seats) or seats < 1:
        raise TallyError(_("The number of seats must be a whole number of at least 1."))
    if seats > len(candidates):
        raise TallyError(
            _("There are %(seats)s seats but only %(count)s candidates.")
            % {"seats": seats, "count": len(candidates)}
        )

    eligible = request.get("eligible_voters")
    if eligible is None:
        raise TallyError(_("Give the number of eligible voters."))
    if not _is_int(eligible) or eligible < 1:
        raise TallyError(_("The number of eligible voters must be a whole number of at least 1."))

    quorum: Decimal | None = None
    if request.get("quorum") is not None:
        quorum = _share(request["quorum"])
        if quorum is None:
            raise TallyError(
                _(
                    "The quorum must be a number greater than 0 and at most 1 "
                    "(the share of eligible voters who must vote)."
                )
            )

    threshold: Threshold | None = None
    if request.get("threshold") is not None:
        if method not in THRESHOLD_METHODS:
            raise TallyError(_("A threshold applies only to yes/no and approval votes."))
        threshold = _threshold(request["threshold"])

    tie_break = request.get("tie_break")
    if tie_break is None:
        tie_break = "none"
    if not isinstance(tie_break, str) or tie_break not in TIE_BREAKS:
        raise TallyError(
            _("Unknown tie-break %(value)s. Use one of: %(values)s.")
            % {"value": _show(tie_break), "values": ", ".join(TIE_BREAKS)}
        )
    if tie_break == "fewer_no" and method != "yes_no":
        raise TallyError(_("The “fewer_no” tie-break applies only to yes/no votes."))

    return Rules(
        method=method,
        candidates=tuple(candidates),
        seats=seats,
        eligible_voters=eligible,
        quorum=quorum,
        threshold=threshold,
        tie_break=tie_break,
    )


def _threshold(value: object) -> Threshold:
    if not isinstance(value, Mapping):
        raise TallyError(_("The threshold must be an object with basis, ratio and strict."))
    for key in value:
        if key not in ("basis", "ratio", "strict"):
            raise TallyError(_("Unknown threshold field %(key)s.") % {"key": _show(key)})
    basis = value.get("basis")
    if not isinstance(basis, str) or basis not in BASES:
        raise TallyError(_("The threshold basis must be “eligible” or “cast”."))
    ratio = _share(value.get("ratio"))
    if ratio is None:
        raise TallyError(_("The threshold ratio must be a number greater than 0 and at most 1."))
    strict = value.get("strict")
    if not isinstance(strict, bool):
        raise TallyError(_("The threshold field “strict” must be true or false."))
    return Threshold(basis=basis, ratio=ratio, strict=strict)


# ---------------------------------------------------------------------------------------------
# Ballots


def _is_blank(ballot: object) -> bool:
    return isinstance(ballot, Mapping) and set(ballot) == {"blank"} and ballot["blank"] is True


def _payload(ballot: object, key: str) -> object:
    """The value of the method's one key, or None when the ballot has another shape."""
    if not isinstance(ballot, Mapping) or set(ballot) != {key}:
        return None
    return ballot[key]


def _parse_choices(ballot: object, ids: frozenset[str]) -> dict[str, str] | None:
    choices = _payload(ballot, "choices")
    if not isinstance(choices, Mapping):
        return None
    parsed: dict[str, str] = {}
    for candidate, choice in choices.items():
        if not isinstance(candidate, str) or candidate not in ids:
            return None
        if not isinstance(choice, str) or choice not in CHOICES:
            return None
        parsed[candidate] = choice
    return parsed


def _parse_names(names: object, ids: frozenset[str]) -> list[str] | None:
    """A list of distinct known candidate ids, or None."""
    if not isinstance(names, list | tuple):
        return None
    parsed: list[str] = []
    for name in names:
        if not isinstance(name, str) or name not in ids or name in parsed:
            return None
        parsed.append(name)
    return parsed


def _parse_approve(ballot: object, ids: frozenset[str], seats: int) -> list[str] | None:
    approved = _parse_names(_payload(ballot, "approve"), ids)
    if approved is None or len(approved) > seats:
        return None
    return approved


def _parse_choice(ballot: object, ids: frozenset[str]) -> str | None:
    choice = _payload(ballot, "choice")
    if not isinstance(choice, str) or choice not in ids:
        return None
    return choice


def _parse_ranking(ballot: object, ids: frozenset[str]) -> list[str] | None:
    ranking = _parse_names(_payload(ballot, "ranking"), ids)
    return ranking or None  # an empty ranking is invalid


# ---------------------------------------------------------------------------------------------
# Counting


@dataclass
class Count:
    """What was counted, before ranking; the dicts not used by the method stay None."""

    ballots_cast: int
    valid: int
    invalid: int
    blank: int
    score: dict[str, int]
    yes: dict[str, int] | None = None
    no: dict[str, int] | None = None
    abstain: dict[str, int] | None = None
    approvals: dict[str, int] | None = None
    votes: dict[str, int] | None = None
    points: dict[str, int] | None = None
    pairwise: dict[str, dict[str, int]] | None = None
    strongest_paths: dict[str, dict[str, int]] | None = None


def count_ballots(rules: Rules, ballots: Sequence[object]) -> Count:
    ids = frozenset(rules.candidates)
    cands = rules.candidates
    blank = invalid = 0
    parsed: list[Any] = []
    for ballot in ballots:
        if _is_blank(ballot):
            blank += 1
            continue
        item: object
        if rules.method == "yes_no":
            item = _parse_choices(ballot, ids)
        elif rules.method == "approval":
            item = _parse_approve(ballot, ids, rules.seats)
        elif rules.method == "plurality":
            item = _parse_choice(ballot, ids)
        else:
            item = _parse_ranking(ballot, ids)
        if item is None:
            invalid += 1
        else:
            parsed.append(item)
    valid = len(parsed)
    count = Count(ballots_cast=len(ballots), valid=valid, invalid=invalid, blank=blank, score={})

    if rules.method == "yes_no":
        yes = dict.fromkeys(cands, 0)
        no = dict.fromkeys(cands, 0)
        for choices in parsed:
            for candidate, choice in choices.items():
                if choice == "yes":
                    yes[candidate] += 1
                elif choice == "no":
                    no[candidate] += 1
        count.yes, count.no = yes, no
        count.abstain = {c: valid - yes[c] - no[c] for c in cands}
        count.score = dict(yes)
    elif rules.method == "approval":
        approvals = dict.fromkeys(cands, 0)
        for approved in parsed:
            for candidate in approved:
                approvals[candidate] += 1
        count.approvals = approvals
        count.score = dict(approvals)
    elif rules.method == "plurality":
        votes = dict.fromkeys(cands, 0)
        for choice in parsed:
            votes[choice] += 1
        count.votes = votes
        count.score = dict(votes)
    elif rules.method == "borda":
        n = len(cands)
        points = dict.fromkeys(cands, 0)
        for ranking in parsed:
            for position, candidate in enumerate(ranking):
                points[candidate] += n - 1 - position
        count.points = points
        count.score = dict(points)
    else:
        pairwise = pairwise_counts(cands, parsed)
        strongest = strongest_paths(cands, pairwise)
        count.pairwise = pairwise
        count.strongest_paths = strongest
        count.score = {
            a: sum(1 for b in cands if b != a and strongest[a][b] > strongest[b][a]) for a in cands
        }
    return count


def pairwise_counts(
    candidates: Sequence[str], rankings: Sequence[Sequence[str]]
) -> dict[str, dict[str, int]]:
    """d[a][b]: how many rankings put a above b (ranked above unranked; unranked tied)."""
    d = {a: {b: 0 for b in candidates if b != a} for a in candidates}
    for ranking in rankings:
        below = set(candidates)
        for candidate in ranking:
            below.discard(candidate)
            row = d[candidate]
            for other in below:
                row[other] += 1
    return d


def strongest_paths(
    candidates: Sequence[str], d: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """Schulze's widest paths: a link a→b of strength d[a][b] exists only when d[a][b] > d[b][a]."""
    p = {
        a: {b: (d[a][b] if d[a][b] > d[b][a] else 0) for b in candidates if b != a}
        for a in candidates
    }
    for i in candidates:
        for j in candidates:
            if j == i:
                continue
            via = p[j][i]
            if not via:
                continue
            for k in candidates:
                if k in (i, j):
                    continue
                strength = min(via, p[i][k])
                if strength > p[j][k]:
                    p[j][k] = strength
    return p


def _total(value: object, what: str, candidate: str) -> int:
    if not _is_int(value) or value < 0:
        raise TallyError(
            _("The %(field)s total for “%(id)s” must be a whole number of at least 0.")
            % {"field": what, "id": candidate}
        )
    return value


def _ballot_figure(request: Mapping[str, Any], key: str) -> int:
    if key not in request:
        raise TallyError(_("Give the number “%(field)s”.") % {"field": key})
    value = request[key]
    if not _is_int(value) or value < 0:
        raise TallyError(_("“%(field)s” must be a whole number of at least 0.") % {"field": key})
    return value


def count_totals(rules: Rules, request: Mapping[str, Any]) -> Count:
    cast = _ballot_figure(request, "ballots_cast")
    invalid = _ballot_figure(request, "invalid")
    blank = _ballot_figure(request, "blank")
    if cast > rules.eligible_voters:
        raise TallyError(
            _("There are %(ballots)s ballots but only %(eligible)s eligible voters.")
            % {"ballots": cast, "eligible": rules.eligible_voters}
        )
    valid = cast - invalid - blank
    if valid < 0:
        raise TallyError(
            _("Invalid and blank ballots (%(spoilt)s) exceed the ballots cast (%(cast)s).")
            % {"spoilt": invalid + blank, "cast": cast}
        )

    totals = request.get("totals")
    if not isinstance(totals, Mapping):
        raise TallyError(_("Totals must be an object with one entry per candidate."))
    for key in totals:
        if key not in rules.candidates:
            raise TallyError(_("The totals name an unknown candidate %(id)s.") % {"id": _show(key)})
    required, optional = TOTALS_FIELDS[rules.method]
    figures: dict[str, dict[str, int]] = {}
    for candidate in rules.candidates:
        if candidate not in totals:
            raise TallyError(
                _("The totals for candidate “%(id)s” are missing.") % {"id": candidate}
            )
        entry = totals[candidate]
        if not isinstance(entry, Mapping):
            raise TallyError(
                _("The totals for “%(id)s” must be an object with %(fields)s.")
                % {"id": candidate, "fields": ", ".join(required + optional)}
            )
        for key in entry:
            if key not in required + optional:
                raise TallyError(
                    _("Unknown field %(field)s in the totals for “%(id)s”.")
                    % {"field": _show(key), "id": candidate}
                )
        for key in required:
            if key not in entry:
                raise TallyError(
                    _("The totals for “%(id)s” lack “%(field)s”.") % {"id": candidate, "field": key}
                )
        figures[candidate] = {key: _total(entry[key], key, candidate) for key in entry}

    count = Count(ballots_cast=cast, valid=valid, invalid=invalid, blank=blank, score={})
    if rules.method == "yes_no":
        for candidate, entry in figures.items():
            total = entry["yes"] + entry["no"] + entry.get("abstain", 0)
            if total > valid:
                raise TallyError(
                    _(
                        "For “%(id)s”, yes, no and abstain add up to %(total)s, "
                        "more than the %(valid)s valid ballots."
                    )
                    % {"id": candidate, "total": total, "valid": valid}
                )
        count.yes = {c: figures[c]["yes"] for c in rules.candidates}
        count.no = {c: figures[c]["no"] for c in rules.candidates}
        # A ballot that leaves a candidate unmarked abstains on it, as with individual ballots.
        count.abstain = {c: valid - count.yes[c] - count.no[c] for c in rules.candidates}
        count.score = dict(count.yes)
    elif rules.method == "approval":
        for candidate, entry in figures.items():
            if entry["approvals"] > valid:
                raise TallyError(
                    _(
                        "“%(id)s” has %(approvals)s approvals, more than the %(valid)s valid ballots."
                    )
                    % {"id": candidate, "approvals": entry["approvals"], "valid": valid}
                )
        total = sum(entry["approvals"] for entry in figures.values())
        if total > valid * rules.seats:
            raise TallyError(
                _(
                    "The approvals add up to %(total)s, more than %(valid)s valid ballots "
                    "approving at most %(seats)s candidates each allow."
                )
                % {"total": total, "valid": valid, "seats": rules.seats}
            )
        count.approvals = {c: figures[c]["approvals"] for c in rules.candidates}
        count.score = dict(count.approvals)
    else:
        total = sum(entry["votes"] for entry in figures.values())
        if total > valid:
            raise TallyError(
                _("The votes add up to %(total)s, more than the %(valid)s valid ballots.")
                % {"total": total, "valid": valid}
            )
        count.votes = {c: figures[c]["votes"] for c in rules.candidates}
        count.score = dict(count.votes)
    return count


# ---------------------------------------------------------------------------------------------
# Ranking, winners, explanation


def rank_groups(rules: Rules, count: Count) -> list[list[str]]:
    """The candidates best first, in groups still tied after the tie-break (each group in
    candidate-list order)."""
    index = {c: i for i, c in enumerate(rules.candidates)}
    no = count.no or {}

    def key(candidate: str) -> tuple[int, int, int]:
        return (
            -count.score[candidate],
            no.get(candidate, 0) if rules.tie_break == "fewer_no" else 0,
            index[candidate] if rules.tie_break == "order" else 0,
        )

    groups: list[list[str]] = []
    last: tuple[int, int, int] | None = None
    for candidate in sorted(rules.candidates, key=lambda c: (key(c), index[c])):
        if key(candidate) != last:
            groups.append([])
            last = key(candidate)
        groups[-1].append(candidate)
    return groups


def _quorum_met(rules: Rules, count: Count) -> bool:
    if rules.quorum is None:
        return True
    return Fraction(count.ballots_cast, rules.eligible_voters) >= Fraction(rules.quorum)


def _threshold_basis(rules: Rules, count: Count) -> int:
    assert rules.threshold is not None
    return rules.eligible_voters if rules.threshold.basis == "eligible" else count.ballots_cast


def _percent(ratio: Decimal) -> str:
    percent = ratio * 100
    shown: int | Decimal = (
        int(percent) if percent == percent.to_integral_value() else percent.normalize()
    )
    return f"{number_format(shown)}%"


# Names to write in the explanation instead of ids (a poll's candidates' labels), for the call.
_LABELS: ContextVar[Mapping[str, str] | None] = ContextVar("votes_rules_labels", default=None)


def _names(candidates: Sequence[str]) -> str:
    labels = _LABELS.get() or {}
    return ", ".join(labels.get(c, c) for c in candidates)


def _labelled(labels: Mapping[str, str] | None, run: Any) -> dict[str, Any]:
    token = _LABELS.set(labels)
    try:
        result: dict[str, Any] = run()
        return result
    finally:
        _LABELS.reset(token)


def decide(rules: Rules, count: Count) -> dict[str, Any]:
    """The response: ranking, ranks, who passed, winners and ties, and the explanation."""
    quorum_met = _quorum_met(rules, count)
    groups = rank_groups(rules, count)

    passed: dict[str, bool | None] = dict.fromkeys(rules.candidates)
    if rules.threshold is not None:
        basis = _threshold_basis(rules, count)
        for candidate in rules.candidates:
            passed[candidate] = quorum_met and rules.threshold.passes(count.score[candidate], basis)

    winners: list[str] = []
    ties: list[list[str]] = []
    if quorum_met and count.valid > 0:
        left = rules.seats
        for group in groups:
            if left == 0:
                break
            if rules.threshold is not None and not passed[group[0]]:
                continue  # (every member of a group has the same score, so the same outcome)
            if len(group) <= left:
                winners.extend(group)
                left -= len(group)
            else:
                ties.append(list(group))
                break

    elected = set(winners)
    ranking = [c for group in groups for c in group]
    results: list[dict[str, Any]] = []
    position = 1
    for group in groups:
        for candidate in group:
            results.append(
                {
                    "candidate": candidate,
                    "rank": position,
                    "score": count.score[candidate],
                    "yes": None if count.yes is None else count.yes[candidate],
                    "no": None if count.no is None else count.no[candidate],
                    "abstain": None if count.abstain is None else count.abstain[candidate],
                    "approvals": None if count.approvals is None else count.approvals[candidate],
                    "votes": None if count.votes is None else count.votes[candidate],
                    "points": None if count.points is None else count.points[candidate],
                    "passed": passed[candidate],
                    "elected": candidate in elected,
                }
            )
        position += len(group)

    response: dict[str, Any] = {
        "method": rules.method,
        "ballots_cast": count.ballots_cast,
        "valid": count.valid,
        "invalid": count.invalid,
        "blank": count.blank,
        "quorum_met": quorum_met,
        "results": results,
        "ranking": ranking,
        "winners": winners,
        "ties": ties,
        "explanation": explain(rules, count, quorum_met, winners, ties),
    }
    if count.pairwise is not None and count.strongest_paths is not None:
        response["pairwise"] = count.pairwise
        response["strongest_paths"] = count.strongest_paths
    return response


def _method_sentence(rules: Rules) -> str:
    n = len(rules.candidates)
    if rules.method == "yes_no":
        return _(
            "Each candidate was voted on separately (yes, no or abstain) and candidates are "
            "ranked by their yes votes."
        )
    if rules.method == "approval":
        return _(
            "Approval vote: each voter approved at most %(seats)s candidates and candidates "
            "are ranked by their approvals."
        ) % {"seats": rules.seats}
    if rules.method == "plurality":
        return _(
            "Plurality vote: each voter chose one candidate and candidates are ranked by their "
            "votes."
        )
    if rules.method == "borda":
        return _(
            "Borda count over %(count)s candidates: a ballot gives %(top)s points to its first "
            "choice, one point less to each next one and 0 to the candidates it leaves out; "
            "candidates are ranked by their points."
        ) % {"count": n, "top": n - 1}
    return _(
        "Schulze method: every pair of candidates is compared through the strongest chain of "
        "majorities between them, and candidates are ranked by how many others they beat."
    )


def _threshold_sentence(rules: Rules, count: Count) -> str:
    threshold = rules.threshold
    assert threshold is not None
    basis = _threshold_basis(rules, count)
    values = {"ratio": _percent(threshold.ratio), "basis": basis}
    if threshold.basis == "eligible":
        if threshold.strict:
            text = _(
                "A candidate passes with more than %(ratio)s of the %(basis)s eligible voters."
            )
        else:
            text = _("A candidate passes with at least %(ratio)s of the %(basis)s eligible voters.")
    elif threshold.strict:
        text = _("A candidate passes with more than %(ratio)s of the %(basis)s ballots cast.")
    else:
        text = _("A candidate passes with at least %(ratio)s of the %(basis)s ballots cast.")
    text %= values
    if basis > 0:
        needed = {"needed": threshold.needed(basis)}
        if rules.method == "yes_no":
            text += " " + _("That takes at least %(needed)s yes votes.") % needed
        else:
            text += " " + _("That takes at least %(needed)s approvals.") % needed
    return text


def explain(
    rules: Rules,
    count: Count,
    quorum_met: bool,
    winners: Sequence[str],
    ties: Sequence[Sequence[str]],
) -> str:
    """One paragraph: ballots, quorum, method, threshold, tie-break, winners and ties."""
    parts = [
        _(
            "%(cast)s of %(eligible)s eligible voters cast a ballot: %(valid)s valid, "
            "%(invalid)s invalid, %(blank)s blank."
        )
        % {
            "cast": count.ballots_cast,
            "eligible": rules.eligible_voters,
            "valid": count.valid,
            "invalid": count.invalid,
            "blank": count.blank,
        }
    ]
    if rules.quorum is not None:
        values = {
            "quorum": _percent(rules.quorum),
            "needed": math.ceil(Fraction(rules.quorum) * rules.eligible_voters),
        }
        if quorum_met:
            parts.append(
                _("The quorum of %(quorum)s of eligible voters (%(needed)s ballots) was met.")
                % values
            )
        else:
            parts.append(
                _(
                    "The quorum of %(quorum)s of eligible voters (%(needed)s ballots) was not "
                    "met, so nobody is elected."
                )
                % values
            )
    parts.append(_method_sentence(rules))
    if rules.threshold is not None:
        parts.append(_threshold_sentence(rules, count))
    if rules.tie_break == "order":
        parts.append(_("Equal scores are decided by the order of the candidate list."))
    elif rules.tie_break == "fewer_no":
        parts.append(_("Equal yes votes are decided in favour of fewer no votes."))

    if quorum_met:
        if count.valid == 0:
            parts.append(_("There are no valid ballots, so nobody is elected."))
        elif winners:
            parts.append(
                _("Elected (%(count)s of %(seats)s seats): %(winners)s.")
                % {"count": len(winners), "seats": rules.seats, "winners": _names(winners)}
            )
        else:
            parts.append(_("Nobody is elected."))
        left = rules.seats - len(winners)
        for group in ties:
            parts.append(
                _(
                    "%(candidates)s are tied for the remaining seats (%(left)s); a re-vote "
                    "between them is needed."
                )
                % {"candidates": _names(group), "left": left}
            )
        if count.valid > 0 and not ties and 0 < left < rules.seats:
            parts.append(
                _("%(left)s of %(seats)s seats remain unfilled.")
                % {"left": left, "seats": rules.seats}
            )
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Entry points


def tally(request: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Count the ballots of a request (the JSON of POST /api/v1/votes/tally) and return the
    response JSON. Malformed ballots are counted as invalid; a malformed request raises
    TallyError. `labels` names the candidates in the explanation (ids otherwise)."""
    return _labelled(labels, lambda: _tally(request))


def _tally(request: Mapping[str, Any]) -> dict[str, Any]:
    rules = _rules(request)
    ballots = request.get("ballots")
    if not isinstance(ballots, list | tuple):
        raise TallyError(_("Ballots must be a list."))
    if len(ballots) > rules.eligible_voters:
        raise TallyError(
            _("There are %(ballots)s ballots but only %(eligible)s eligible voters.")
            % {"ballots": len(ballots), "eligible": rules.eligible_voters}
        )
    return decide(rules, count_ballots(rules, ballots))


def tally_totals(
    request: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The paper fallback: the counting committee enters per-candidate totals instead of
    ballots. Same response as tally() (never with pairwise); Borda and Schulze need ballots."""
    return _labelled(labels, lambda: _tally_totals(request))


def _tally_totals(request: Mapping[str, Any]) -> dict[str, Any]:
    rules = _rules(request)
    if rules.method not in TOTALS_METHODS:
        raise TallyError(
            _(
                "Borda and Schulze counts need the individual ballots; they cannot be counted "
                "from totals."
            )
        )
    return decide(rules, count_totals(rules, request))
