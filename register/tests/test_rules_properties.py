"""Properties of the eligibility engine (register.rules) over random cases, without the database.

- Monotonicity of the chain rules: adding a qualifying record (a CSTĐ cơ sở, a rating raised to
  HTXSNV, an LĐTT title, an unused initiative) never turns eligible into ineligible, and never makes
  a passing criterion fail. The engine's documented exceptions are left out on purpose: a CSTĐ
  bộ/tỉnh consumes a chain (CSTD_BO.chain_unused) and a BK_TTG / HCLD3 consumes the award it rests
  on, so the target's own code and the consuming codes are never added.
- The verdict is the criteria: eligible iff every plain criterion passes and every group has one
  that passes; `missing` is empty iff eligible; a criterion passes iff it misses nothing.
- The evidence is the case's own records: years within the case, (year, code) pairs of its history,
  unused initiatives of its own.
- Determinism: the same case gives the same answer, whatever the order of its history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from register import rules
from register.rules import Case, Entry, Initiative, Members, Result, RuleSet
from register.tests.test_rules import KNOWN_CODES, LAW_2003, LAW_2022, LAW_2026

CHAIN_TARGETS = ("LDTT", "CSTD_CS", "CSTD_BO", "CSTD_TQ", "BK_BO", "BK_TTG", "HCLD3")
COLLECTIVE_TARGETS = ("TTLDTT", "TTLDXS")
RULE_SETS = (LAW_2003, LAW_2022, LAW_2026)
# Weighted towards good ratings, so that five good years in a row come up often enough.
RATING_CHOICES = ("HTXSNV", "HTTNV", "HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV", None)
AWARD_CODES = ("LDTT", "CSTD_BO", "CSTD_TQ", "BK_BO", "BK_TTG", "HCLD3", "GK", "HCLD2")
USED_FOR = (None, None, None, "CSTD_CS", "CSTD_BO", "BK_BO", "BK_TTG")
LAST_YEAR = 2026

SETTINGS = settings(max_examples=300, deadline=None)

rule_sets = st.sampled_from(RULE_SETS)


def judge(case: Case, rule_set: RuleSet) -> Result:
    rules.check_case(case, KNOWN_CODES)
    return rules.evaluate(case, rule_set)


def ok_codes(result: Result) -> set[str]:
    return {c.code for c in result.criteria if c.ok}


# --- strategies -------------------------------------------------------------------------------------


@st.composite
def initiatives_in(draw: st.DrawFn, first: int, year: int) -> tuple[Initiative, ...]:
    n = draw(st.integers(0, 4))
    return tuple(
        Initiative(
            id=f"SK-{i}",
            year=draw(st.integers(first, year)),
            scope=draw(st.sampled_from(rules.SCOPES)),
            used_for=draw(st.sampled_from(USED_FOR)),
        )
        for i in range(n)
    )


def eligible_case(target: str, year: int) -> Case:
    """The smallest case meeting `target` in `year` under every rule set of RULE_SETS."""
    y = year

    def hist(*pairs: tuple[int, str]) -> tuple[Entry, ...]:
        return tuple(Entry(yr, code) for yr, code in pairs)

    if target == "LDTT":
        return Case("individual", target, y, hist((y, "HTTNV")))
    if target == "CSTD_CS":
        return Case("individual", target, y, hist((y, "HTXSNV")), (Initiative("B", y, "CO_SO"),))
    if target == "CSTD_BO":
        chain = hist(*[(yr, "CSTD_CS") for yr in range(y - 2, y + 1)])
        return Case("individual", target, y, chain, (Initiative("B", y, "BO_TINH"),))
    if target == "CSTD_TQ":
        chain = hist(*[(yr, "CSTD_CS") for yr in range(y - 5, y + 1)], (y - 3, "CSTD_BO"))
        history = (*chain, Entry(y, "CSTD_BO"))
        return Case("individual", target, y, history, (Initiative("B", y, "TOAN_QUOC"),))
    if target == "BK_BO":
        return Case("individual", target, y, hist((y - 1, "CSTD_CS"), (y, "CSTD_CS")))
    base = "BK_BO" if target == "BK_TTG" else "BK_TTG"
    rating = "HTTNV" if target == "BK_TTG" else "HTXSNV"
    history = hist(
        (y - 5, base),
        *[(yr, rating) for yr in range(y - 4, y + 1)],
        *[(yr, "CSTD_CS") for yr in (y - 4, y - 2, y)],
    )
    return Case("individual", target, y, history)


@st.composite
def individual_cases(draw: st.DrawFn, targets: tuple[str, ...] = CHAIN_TARGETS) -> Case:
    """A valid case of an individual: ratings, CSTĐ cơ sở (often a dense chain), other awards.

    Half of the cases start from a case meeting the target, with a few of its records dropped, so
    that cases near each boundary (eligible or just not) come up often.
    """
    target = draw(st.sampled_from(targets))
    year = draw(st.integers(2010, LAST_YEAR))
    first = year - draw(st.integers(0, 10))
    years = list(range(first, year + 1))
    history: list[Entry] = []
    initiatives: list[Initiative] = []
    if draw(st.booleans()):
        seed = eligible_case(target, year)
        drop = draw(st.sets(st.sampled_from(range(len(seed.history))), max_size=2))
        # Refs follow one scheme, so that equal (year, code) pairs are equal entries.
        history += [
            Entry(e.year, e.code, ref=f"{e.code}/{e.year}")
            for n, e in enumerate(seed.history)
            if n not in drop
        ]
        if draw(st.integers(0, 3)):
            initiatives += seed.initiatives
    rated = {e.year for e in history if e.code in rules.RATINGS}
    for y in years:
        rating = draw(st.sampled_from(RATING_CHOICES))
        if rating and y not in rated:
            history.append(Entry(y, rating, ref=f"{rating}/{y}"))
    if draw(st.booleans()):
        holes = draw(st.sets(st.sampled_from(years), max_size=2))
        cs_years = [y for y in years if y not in holes]
    else:
        cs_years = sorted(draw(st.sets(st.sampled_from(years))))
    history += [Entry(y, "CSTD_CS", ref=f"CSTD_CS/{y}") for y in cs_years]
    awards = draw(st.lists(st.tuples(st.sampled_from(years), st.sampled_from(AWARD_CODES))))
    history += [Entry(y, code, ref=f"{code}/{y}") for y, code in awards]
    history = draw(st.permutations(history))
    initiatives += draw(initiatives_in(first, year))
    return Case("individual", target, year, tuple(history), tuple(initiatives))


@st.composite
def collective_cases(draw: st.DrawFn) -> Case:
    target = draw(st.sampled_from(COLLECTIVE_TARGETS))
    year = draw(st.integers(2010, LAST_YEAR))
    rating = draw(st.sampled_from(RATING_CHOICES))
    total = draw(st.integers(0, 60))
    members = Members(
        total=total,
        completed=draw(st.sampled_from([total, *range(total + 1)])),
        ldtt=draw(st.integers(0, total)),
        cstd_cs=draw(st.integers(0, total)),
        disciplined=draw(st.sampled_from([0, 0, *range(total + 1)])),
    )
    history = (Entry(year, rating),) if rating else ()
    return Case("collective", target, year, history, (), members)


any_cases = st.one_of(individual_cases(CHAIN_TARGETS), collective_cases())


@dataclasses.dataclass(frozen=True)
class Addition:
    """A qualifying record: kind "CSTD_CS", "LDTT", "HTXSNV" (the year's rating raised) or "SK"."""

    kind: str
    year: int
    scope: str = "CO_SO"


@st.composite
def additions_to(draw: st.DrawFn, case: Case) -> list[Addition]:
    # The target's own code is never added (nor, by construction, a consuming code).
    kinds = [k for k in ("CSTD_CS", "LDTT", "HTXSNV", "SK") if k != case.target]
    return draw(
        st.lists(
            st.builds(
                Addition,
                kind=st.sampled_from(kinds),
                year=st.integers(case.year - 12, case.year),
                scope=st.sampled_from(rules.SCOPES),
            ),
            min_size=1,
            max_size=6,
        )
    )


def add(case: Case, additions: list[Addition]) -> Case:
    history = list(case.history)
    initiatives = list(case.initiatives)
    for n, a in enumerate(additions):
        if a.kind == "HTXSNV":
            history = [e for e in history if not (e.year == a.year and e.code in rules.RATINGS)]
            history.append(Entry(a.year, "HTXSNV"))
        elif a.kind == "SK":
            initiatives.append(Initiative(f"NEW-{n}", a.year, a.scope))
        else:
            history.append(Entry(a.year, a.kind))
    return dataclasses.replace(case, history=tuple(history), initiatives=tuple(initiatives))


# --- monotonicity -----------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), case=individual_cases(), rule_set=rule_sets)
def test_adding_a_qualifying_record_never_makes_a_criterion_fail(
    data: st.DataObject, case: Case, rule_set: RuleSet
) -> None:
    more = add(case, data.draw(additions_to(case)))
    before = judge(case, rule_set)
    after = judge(more, rule_set)
    assert ok_codes(before) <= ok_codes(after)
    if before.eligible:
        assert after.eligible, after.missing


@SETTINGS
@given(
    data=st.data(),
    target=st.sampled_from(CHAIN_TARGETS),
    year=st.integers(2010, LAST_YEAR),
    rule_set=rule_sets,
)
def test_an_eligible_case_stays_eligible_with_more_qualifying_records(
    data: st.DataObject, target: str, year: int, rule_set: RuleSet
) -> None:
    case = eligible_case(target, year)
    assert judge(case, rule_set).eligible
    more = add(case, data.draw(additions_to(case)))
    after = judge(more, rule_set)
    assert after.eligible, after.missing


@SETTINGS
@given(
    case=individual_cases(),
    rule_set=rule_sets,
    year_back=st.integers(0, 6),
    scope=st.sampled_from(rules.SCOPES),
    used_for=st.sampled_from([c for c in USED_FOR if c]),
)
def test_a_used_initiative_changes_nothing_but_the_note(
    case: Case, rule_set: RuleSet, year_back: int, scope: str, used_for: str
) -> None:
    used = Initiative("USED", case.year - year_back, scope, used_for=used_for)
    more = dataclasses.replace(case, initiatives=(*case.initiatives, used))

    def verdict(r: Result) -> list[tuple[str, bool, object, list[str]]]:
        return [(c.code, c.ok, c.evidence, c.missing) for c in r.criteria]

    before, after = judge(case, rule_set), judge(more, rule_set)
    assert verdict(before) == verdict(after)
    assert before.missing == after.missing


@SETTINGS
@given(case=collective_cases(), rule_set=rule_sets, more=st.integers(1, 60))
def test_more_ldtt_members_never_hurt_a_collective(
    case: Case, rule_set: RuleSet, more: int
) -> None:
    assert case.members is not None
    raised = dataclasses.replace(
        case.members, ldtt=min(case.members.total, case.members.ldtt + more)
    )
    before = judge(case, rule_set)
    after = judge(dataclasses.replace(case, members=raised), rule_set)
    assert ok_codes(before) <= ok_codes(after)


# --- the verdict is the criteria --------------------------------------------------------------------


@SETTINGS
@given(case=any_cases, rule_set=rule_sets)
def test_eligible_iff_every_criterion_or_one_of_each_group_passes(
    case: Case, rule_set: RuleSet
) -> None:
    result = judge(case, rule_set)
    plain = [c.ok for c in result.criteria if c.group is None]
    groups: dict[str, list[bool]] = {}
    for c in result.criteria:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c.ok)
    assert result.eligible == (all(plain) and all(any(g) for g in groups.values()))
    assert result.criteria, "every answer explains itself"


@SETTINGS
@given(case=any_cases, rule_set=rule_sets)
def test_missing_is_empty_iff_eligible(case: Case, rule_set: RuleSet) -> None:
    result = judge(case, rule_set)
    assert (result.missing == []) == result.eligible
    for c in result.criteria:
        assert c.ok == (c.missing == []), c.code
        assert all(isinstance(m, str) and m for m in c.missing)
    failed = [m for c in result.criteria if not c.ok and c.group is None for m in c.missing]
    assert all(m in result.missing for m in failed)


@SETTINGS
@given(case=any_cases, rule_set=rule_sets)
def test_evidence_is_drawn_from_the_case(case: Case, rule_set: RuleSet) -> None:
    result = judge(case, rule_set)
    entries = {(e.year, e.code) for e in case.history}
    years = {e.year for e in case.history} | {i.year for i in case.initiatives}
    unused = {i.id: i for i in case.initiatives if not i.used_for}
    for c in result.criteria:
        for item in c.evidence:
            if "year" in item:
                assert rules.MIN_YEAR <= item["year"] <= case.year
                assert item["year"] in years
            if "code" in item:
                assert (item["year"], item["code"]) in entries
            if "initiative" in item:
                initiative = unused[item["initiative"]]  # never a used one
                assert (item["year"], item["scope"]) == (initiative.year, initiative.scope)


@SETTINGS
@given(data=st.data(), case=any_cases, rule_set=rule_sets)
def test_evaluation_is_deterministic_and_ignores_the_order_of_history(
    data: st.DataObject, case: Case, rule_set: RuleSet
) -> None:
    first = judge(case, rule_set).as_dict()
    assert judge(case, rule_set).as_dict() == first
    shuffled = dataclasses.replace(case, history=tuple(data.draw(st.permutations(case.history))))
    assert judge(shuffled, rule_set).as_dict() == first


@SETTINGS
@given(data=st.data(), case=individual_cases(), rule_set=rule_sets)
def test_the_verdict_ignores_the_order_of_history_even_with_duplicate_rows(
    data: st.DataObject, case: Case, rule_set: RuleSet
) -> None:
    # Every row its own ref, and some rows twice: which duplicate is cited may follow the order,
    # the verdict may not.
    rows = [dataclasses.replace(e, ref=f"row-{n}") for n, e in enumerate(case.history)]
    twice = data.draw(st.lists(st.sampled_from(rows), max_size=3)) if rows else []
    rows += [dataclasses.replace(e, ref=e.ref + "-bis") for e in twice]
    ordered = dataclasses.replace(case, history=tuple(rows))
    shuffled = dataclasses.replace(case, history=tuple(data.draw(st.permutations(rows))))

    def verdict(r: Result) -> tuple[bool, list[tuple[str, bool, list[str]]], list[str]]:
        return r.eligible, [(c.code, c.ok, c.missing) for c in r.criteria], r.missing

    assert verdict(judge(shuffled, rule_set)) == verdict(judge(ordered, rule_set))
    assert verdict(judge(ordered, rule_set)) == verdict(judge(case, rule_set))


# --- collective shares ------------------------------------------------------------------------------

SHARES = ("0.5", "0.6", "0.65", "0.7", "0.75", "0.8", "1")


@SETTINGS
@given(
    total=st.integers(1, 80),
    data=st.data(),
    target=st.sampled_from(COLLECTIVE_TARGETS),
    override=st.sampled_from((None, *SHARES)),
)
def test_the_ldtt_share_is_exact_arithmetic(
    total: int, data: st.DataObject, target: str, override: str | None
) -> None:
    ldtt = data.draw(st.integers(0, total))
    key = "ttldxs_ldtt_share" if target == "TTLDXS" else "ttldtt_ldtt_share"
    need = Fraction(override or LAW_2022.params[key])
    case = Case("collective", target, LAST_YEAR, (), (), Members(total, total, ldtt, 1, 0))
    rules.check_case(case, KNOWN_CODES)
    result = rules.evaluate(case, LAW_2022, {key: override} if override else None)
    share = next(c for c in result.criteria if c.code == f"{target}.ldtt_share")
    assert share.ok == (Fraction(ldtt, total) >= need)
    assert f"{Fraction(need * 100)}%" in share.text


@SETTINGS
@example(total=21, ldtt=9, share="0.5")
@example(total=21, ldtt=13, share="0.7")
@given(total=st.integers(1, 80), ldtt=st.integers(0, 80), share=st.sampled_from(SHARES))
def test_the_missing_count_of_ldtt_members_is_the_least_that_suffices(
    total: int, ldtt: int, share: str
) -> None:
    ldtt = min(ldtt, total)
    case = Case("collective", "TTLDTT", LAST_YEAR, (), (), Members(total, total, ldtt, 0, 0))
    result = rules.evaluate(case, LAW_2022, {"ttldtt_ldtt_share": share})
    c = next(c for c in result.criteria if c.code == "TTLDTT.ldtt_share")
    if c.ok:
        return
    more = int(c.missing[0].split()[2])  # "cần thêm N cá nhân …"
    need = Decimal(share) * total
    assert ldtt + more >= need
    assert ldtt + more - 1 < need


# --- choosing the rule set --------------------------------------------------------------------------


@SETTINGS
@given(
    day=st.dates(dt.date(2004, 7, 1), dt.date(LAST_YEAR, 12, 31)),
    confirmed=st.booleans(),
)
def test_rule_set_for_follows_the_dates_and_skips_unconfirmed_versions(
    day: dt.date, confirmed: bool
) -> None:
    draft = dataclasses.replace(LAW_2026, confirmed=confirmed)
    chosen = rules.rule_set_for([draft, LAW_2022, LAW_2003], day)
    assert chosen.in_force_on(day)
    assert chosen.confirmed
    if day <= dt.date(2023, 12, 31):
        assert chosen.code == "LUAT_2003"
    elif day < draft.valid_from or not confirmed:
        assert chosen.code == "LUAT_2022"
    else:
        assert chosen.code == "LUAT_2026"
