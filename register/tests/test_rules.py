"""The eligibility engine (register.rules) against domain.md §4–6, without the database.

Every rule is checked at its boundaries (a chain exactly long enough, one year short, a gap year, a
rating one step too low, an initiative of too small a scope or already used, a collective share at
and just below its threshold), each test named after the article it applies, and each checking the
explanation (which criterion failed, what is missing, which records are the evidence), not only the
verdict. Then the rule-set versions and the errors of `check_case`.

The rule sets are built from register/data/rule_sets.json, the catalogue codes from catalogue.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from register import rules
from register.rules import (
    Case,
    CaseError,
    Criterion,
    Entry,
    Initiative,
    Members,
    Result,
    RuleSet,
)

DATA = Path(rules.__file__).resolve().parent / "data"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load_rule_sets() -> dict[str, RuleSet]:
    """The rule sets of register/data/rule_sets.json, as the engine's value objects."""
    with open(DATA / "rule_sets.json", encoding="utf-8") as fh:
        raw = json.load(fh)["rule_sets"]
    out: dict[str, RuleSet] = {}
    for item in raw:
        valid_from = _date(item["valid_from"])
        assert valid_from is not None
        out[item["code"]] = RuleSet(
            code=item["code"],
            name=item["name"],
            valid_from=valid_from,
            valid_to=_date(item["valid_to"]),
            legal_basis=item["legal_basis"],
            params=item["params"],
            confirmed=item["confirmed"],
        )
    return out


def load_known_codes() -> frozenset[str]:
    with open(DATA / "catalogue.json", encoding="utf-8") as fh:
        return frozenset(a["code"] for a in json.load(fh)["awards"])


RULE_SETS = load_rule_sets()
LAW_2003 = RULE_SETS["LUAT_2003"]
LAW_2022 = RULE_SETS["LUAT_2022"]
KNOWN_CODES = load_known_codes()

# The draft amendment (domain.md §4, [U]): HTXSNV *and* an initiative for CSTĐ cơ sở, added as data.
LAW_2026 = dataclasses.replace(
    LAW_2022,
    code="LUAT_2026",
    name="Luật sửa đổi, bổ sung Luật Thi đua, Khen thưởng (dự thảo)",
    valid_from=dt.date(2026, 10, 1),
    valid_to=None,
    legal_basis={**LAW_2022.legal_basis, "CSTD_CS": "Luật 06/2026/QH16, Điều 23"},
    params={**LAW_2022.params, "cstd_cs_route": "both"},
)

Y = 2026  # the year considered, unless a test says otherwise

LDTT_NAMES = "Hoàn thành xuất sắc nhiệm vụ hoặc Hoàn thành tốt nhiệm vụ"


# --- building cases ---------------------------------------------------------------------------------


def held(code: str, *years: int) -> tuple[Entry, ...]:
    return tuple(Entry(y, code) for y in years)


def cs(*years: int) -> tuple[Entry, ...]:
    return held("CSTD_CS", *years)


def span(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def ini(
    id: str, year: int, scope: str = "CO_SO", used_for: str | None = None, title: str = ""
) -> Initiative:
    return Initiative(id=id, year=year, scope=scope, used_for=used_for, title=title)


def person(
    target: str,
    *history: Iterable[Entry],
    initiatives: Iterable[Initiative] = (),
    year: int = Y,
) -> Case:
    entries: tuple[Entry, ...] = tuple(e for part in history for e in part)
    return Case("individual", target, year, entries, tuple(initiatives))


def unit(
    target: str,
    rating: str | None,
    members: Members | None,
    year: int = Y,
) -> Case:
    history = (Entry(year, rating),) if rating else ()
    return Case("collective", target, year, history, (), members)


def judge(
    case: Case, rule_set: RuleSet = LAW_2022, overrides: Mapping[str, Any] | None = None
) -> Result:
    """Check the case the way the API does, then evaluate it."""
    rules.check_case(case, KNOWN_CODES)
    return rules.evaluate(case, rule_set, overrides)


def crit(result: Result, code: str) -> Criterion:
    found = [c for c in result.criteria if c.code == code]
    assert len(found) == 1, [c.code for c in result.criteria]
    return found[0]


def failing(result: Result) -> set[str]:
    return {c.code for c in result.criteria if not c.ok}


def ev(*pairs: tuple[int, str]) -> list[dict[str, Any]]:
    return [{"year": y, "code": c} for y, c in pairs]


def ev_ini(*items: Initiative) -> list[dict[str, Any]]:
    return [{"initiative": i.id, "year": i.year, "scope": i.scope} for i in items]


def assert_eligible(result: Result, basis: str) -> None:
    assert result.eligible, result.missing
    assert result.missing == []
    assert result.legal_basis == basis
    assert all(c.missing == [] for c in result.criteria if c.ok)


def assert_fails_only(result: Result, basis: str, *codes: str) -> None:
    assert not result.eligible
    assert result.legal_basis == basis
    assert failing(result) == set(codes)
    for code in codes:
        assert crit(result, code).missing, code


# --- LDTT: Lao động tiên tiến (Luật 06/2022, Điều 24) -------------------------------------------

LDTT_BASIS = "Luật 06/2022/QH15, Điều 24"


@pytest.mark.parametrize("rating", ["HTTNV", "HTXSNV"])
def test_ldtt_luat_06_2022_dieu_24_rated_good_or_better(rating: str) -> None:
    result = judge(person("LDTT", held(rating, Y)))
    assert_eligible(result, LDTT_BASIS)
    c = crit(result, "LDTT.rating")
    assert c.ok
    assert c.evidence == ev((Y, rating))


@pytest.mark.parametrize("rating", ["HTNV", "KHTNV"])
def test_ldtt_luat_06_2022_dieu_24_rating_one_step_too_low(rating: str) -> None:
    result = judge(person("LDTT", held(rating, Y)))
    assert_fails_only(result, LDTT_BASIS, "LDTT.rating")
    c = crit(result, "LDTT.rating")
    assert c.evidence == []
    assert c.missing == [f"cần xếp loại {LDTT_NAMES} năm {Y}"]
    assert f"(xếp loại năm {Y}: {rules.RATING_NAMES[rating]})" in c.text
    assert result.missing == c.missing


def test_ldtt_luat_06_2022_dieu_24_gap_year_without_rating() -> None:
    # Rated in the years around, but not in the year considered.
    result = judge(person("LDTT", held("HTXSNV", Y - 2, Y - 1)))
    assert_fails_only(result, LDTT_BASIS, "LDTT.rating")
    assert result.missing == [f"cần xếp loại {LDTT_NAMES} năm {Y}"]


def test_ldtt_luat_06_2022_dieu_24_keeps_the_reference_of_the_rating() -> None:
    case = person("LDTT", [Entry(Y, "HTTNV", ref="rating:42")])
    assert crit(judge(case), "LDTT.rating").evidence == [
        {"year": Y, "code": "HTTNV", "ref": "rating:42"}
    ]


# --- CSTD_CS: Chiến sĩ thi đua cơ sở (Luật 06/2022, Điều 23) ------------------------------------

CSTD_CS_BASIS = "Luật 06/2022/QH15, Điều 23"
CSTD_CS_ACHIEVEMENT_MISSING = (
    f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y} hoặc 1 sáng kiến (đề tài) "
    f"được công nhận năm {Y}"
)


def test_cstd_cs_luat_06_2022_dieu_23_excellent_rating_alone() -> None:
    result = judge(person("CSTD_CS", held("HTXSNV", Y)))
    assert_eligible(result, CSTD_CS_BASIS)
    assert crit(result, "CSTD_CS.ldtt").evidence == ev((Y, "HTXSNV"))
    assert crit(result, "CSTD_CS.achievement").evidence == ev((Y, "HTXSNV"))


@pytest.mark.parametrize("scope", rules.SCOPES)
def test_cstd_cs_luat_06_2022_dieu_23_good_rating_and_initiative(scope: str) -> None:
    sk = ini("SK-1", Y, scope, title="Số hóa hồ sơ khen thưởng")
    result = judge(person("CSTD_CS", held("HTTNV", Y), initiatives=[sk]))
    assert_eligible(result, CSTD_CS_BASIS)
    assert crit(result, "CSTD_CS.ldtt").evidence == ev((Y, "HTTNV"))
    assert crit(result, "CSTD_CS.achievement").evidence == [
        {"initiative": "SK-1", "year": Y, "scope": scope, "title": "Số hóa hồ sơ khen thưởng"}
    ]


def test_cstd_cs_luat_06_2022_dieu_23_ldtt_title_held_and_initiative() -> None:
    sk = ini("SK-1", Y)
    result = judge(person("CSTD_CS", held("LDTT", Y), initiatives=[sk]))
    assert_eligible(result, CSTD_CS_BASIS)
    assert crit(result, "CSTD_CS.ldtt").evidence == ev((Y, "LDTT"))
    assert crit(result, "CSTD_CS.achievement").evidence == ev_ini(sk)


def test_cstd_cs_luat_06_2022_dieu_23_good_rating_without_initiative() -> None:
    result = judge(person("CSTD_CS", held("HTTNV", Y)))
    assert_fails_only(result, CSTD_CS_BASIS, "CSTD_CS.achievement")
    c = crit(result, "CSTD_CS.achievement")
    assert c.evidence == []
    assert c.missing == [CSTD_CS_ACHIEVEMENT_MISSING]
    assert result.missing == [CSTD_CS_ACHIEVEMENT_MISSING]


def test_cstd_cs_luat_06_2022_dieu_23_rating_one_step_too_low() -> None:
    # HTNV does not meet LĐTT, even with an initiative.
    result = judge(person("CSTD_CS", held("HTNV", Y), initiatives=[ini("SK-1", Y)]))
    assert_fails_only(result, CSTD_CS_BASIS, "CSTD_CS.ldtt")
    assert crit(result, "CSTD_CS.ldtt").missing == [
        f"cần đạt Lao động tiên tiến năm {Y} (xếp loại Hoàn thành tốt nhiệm vụ trở lên)"
    ]
    assert crit(result, "CSTD_CS.ldtt").evidence == []


def test_cstd_cs_luat_06_2022_dieu_23_initiative_already_used() -> None:
    sk = ini("SK-1", Y, used_for="BK_BO")
    result = judge(person("CSTD_CS", held("HTTNV", Y), initiatives=[sk]))
    assert_fails_only(result, CSTD_CS_BASIS, "CSTD_CS.achievement")
    c = crit(result, "CSTD_CS.achievement")
    assert c.evidence == []
    assert c.missing == [CSTD_CS_ACHIEVEMENT_MISSING]
    assert (
        "Sáng kiến đã dùng làm tiêu chí không được tính lại: "
        "SK-1 (đã dùng cho Bằng khen cấp bộ, ban, ngành, tỉnh)." in c.text
    )


def test_cstd_cs_luat_06_2022_dieu_23_initiative_of_another_year() -> None:
    result = judge(person("CSTD_CS", held("HTTNV", Y), initiatives=[ini("SK-1", Y - 1)]))
    assert_fails_only(result, CSTD_CS_BASIS, "CSTD_CS.achievement")


# --- CSTD_CS under the 2003 regime (Nghị định 91/2017, Điều 23) ------------------------------------

CSTD_CS_BASIS_2003 = (
    "Luật Thi đua, Khen thưởng 2003 (sửa đổi 2013); Nghị định 91/2017/NĐ-CP, Điều 23"
)


def test_cstd_cs_luat_2003_nd_91_2017_dieu_23_excellent_rating_alone_is_not_enough() -> None:
    case = person("CSTD_CS", held("HTXSNV", 2023), year=2023)
    assert judge(case, LAW_2022).eligible  # the 2022 law would accept it
    result = judge(case, LAW_2003)
    assert_fails_only(result, CSTD_CS_BASIS_2003, "CSTD_CS.initiative")
    assert result.rule_set == "LUAT_2003"
    assert crit(result, "CSTD_CS.initiative").missing == [
        "cần 1 sáng kiến (đề tài) được công nhận năm 2023"
    ]
    assert crit(result, "CSTD_CS.ldtt").ok
    assert "CSTD_CS.excellent" not in {c.code for c in result.criteria}


@pytest.mark.parametrize("rating", ["HTTNV", "HTXSNV"])
def test_cstd_cs_luat_2003_nd_91_2017_dieu_23_ldtt_and_initiative(rating: str) -> None:
    sk = ini("SK-2023", 2023)
    result = judge(person("CSTD_CS", held(rating, 2023), initiatives=[sk], year=2023), LAW_2003)
    assert_eligible(result, CSTD_CS_BASIS_2003)
    assert crit(result, "CSTD_CS.initiative").evidence == ev_ini(sk)


def test_cstd_cs_luat_2003_nd_91_2017_dieu_23_initiative_already_used() -> None:
    sk = ini("SK-2023", 2023, used_for="CSTD_CS")
    case = person("CSTD_CS", held("HTXSNV", 2023), initiatives=[sk], year=2023)
    result = judge(case, LAW_2003)
    assert_fails_only(result, CSTD_CS_BASIS_2003, "CSTD_CS.initiative")
    assert "SK-2023 (đã dùng cho Chiến sĩ thi đua cơ sở)" in crit(result, "CSTD_CS.initiative").text


def test_cstd_cs_luat_2003_nd_91_2017_dieu_23_rating_one_step_too_low() -> None:
    case = person("CSTD_CS", held("HTNV", 2023), initiatives=[ini("SK", 2023)], year=2023)
    assert_fails_only(judge(case, LAW_2003), CSTD_CS_BASIS_2003, "CSTD_CS.ldtt")


# --- CSTD_BO: Chiến sĩ thi đua cấp bộ, tỉnh (Luật 06/2022, Điều 22) -------------------------------

CSTD_BO_BASIS = "Luật 06/2022/QH15, Điều 22"
SK_BO = ini("SK-BO", Y - 1, "BO_TINH")
CSTD_BO_INITIATIVE_MISSING = (
    f"cần 1 sáng kiến (đề tài) phạm vi cấp bộ, ngành, tỉnh trở lên ({Y - 2}–{Y})"
)


@pytest.mark.parametrize("scope", ["BO_TINH", "TOAN_QUOC"])
def test_cstd_bo_luat_06_2022_dieu_22_chain_exactly_three_years(scope: str) -> None:
    sk = ini("SK-BO", Y - 2, scope)
    result = judge(person("CSTD_BO", cs(Y - 2, Y - 1, Y), initiatives=[sk]))
    assert_eligible(result, CSTD_BO_BASIS)
    assert crit(result, "CSTD_BO.chain").evidence == ev(
        (Y - 2, "CSTD_CS"), (Y - 1, "CSTD_CS"), (Y, "CSTD_CS")
    )
    assert crit(result, "CSTD_BO.chain_unused").evidence == []
    assert crit(result, "CSTD_BO.initiative").evidence == ev_ini(sk)


def test_cstd_bo_luat_06_2022_dieu_22_chain_one_year_short() -> None:
    result = judge(person("CSTD_BO", cs(Y - 1, Y), initiatives=[SK_BO]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.chain")
    c = crit(result, "CSTD_BO.chain")
    assert c.missing == [f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {Y - 2})"]
    assert c.evidence == ev((Y - 1, "CSTD_CS"), (Y, "CSTD_CS"))
    assert result.missing == c.missing


def test_cstd_bo_luat_06_2022_dieu_22_chain_not_reaching_the_year_considered() -> None:
    result = judge(person("CSTD_BO", cs(Y - 3, Y - 2, Y - 1), initiatives=[SK_BO]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.chain")
    assert result.missing == [f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {Y})"]


@pytest.mark.parametrize("gap", [Y - 2, Y - 1])
def test_cstd_bo_luat_06_2022_dieu_22_gap_year(gap: int) -> None:
    years = [y for y in span(Y - 5, Y) if y != gap]
    result = judge(person("CSTD_BO", cs(*years), initiatives=[SK_BO]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.chain")
    assert crit(result, "CSTD_BO.chain").missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {gap})"
    ]


def test_cstd_bo_luat_06_2022_dieu_22_gap_before_the_chain_does_not_matter() -> None:
    result = judge(person("CSTD_BO", cs(Y - 6, Y - 5, Y - 4, Y - 2, Y - 1, Y), initiatives=[SK_BO]))
    assert_eligible(result, CSTD_BO_BASIS)


def test_cstd_bo_luat_06_2022_dieu_22_chain_missing_every_year() -> None:
    result = judge(person("CSTD_BO", initiatives=[SK_BO]))
    assert crit(result, "CSTD_BO.chain").missing == [
        f"cần thêm 3 lần Chiến sĩ thi đua cơ sở (năm {Y - 2}, {Y - 1}, {Y})"
    ]


def test_cstd_bo_luat_06_2022_dieu_22_initiative_of_too_small_a_scope() -> None:
    sk = ini("SK-CS", Y - 1, "CO_SO")
    result = judge(person("CSTD_BO", cs(Y - 2, Y - 1, Y), initiatives=[sk]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.initiative")
    c = crit(result, "CSTD_BO.initiative")
    assert c.evidence == []
    assert c.missing == [CSTD_BO_INITIATIVE_MISSING]


def test_cstd_bo_luat_06_2022_dieu_22_initiative_already_used() -> None:
    sk = ini("SK-BO", Y - 1, "BO_TINH", used_for="CSTD_CS")
    result = judge(person("CSTD_BO", cs(Y - 2, Y - 1, Y), initiatives=[sk]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.initiative")
    c = crit(result, "CSTD_BO.initiative")
    assert c.missing == [CSTD_BO_INITIATIVE_MISSING]
    assert "SK-BO (đã dùng cho Chiến sĩ thi đua cơ sở)" in c.text


def test_cstd_bo_luat_06_2022_dieu_22_initiative_before_the_chain() -> None:
    sk = ini("SK-BO", Y - 3, "BO_TINH")
    result = judge(person("CSTD_BO", cs(*span(Y - 3, Y)), initiatives=[sk]))
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.initiative")


@pytest.mark.parametrize("earlier", [Y - 2, Y - 1])
def test_cstd_bo_luat_06_2022_dieu_22_chain_already_consumed(earlier: int) -> None:
    case = person("CSTD_BO", cs(*span(Y - 5, Y)), held("CSTD_BO", earlier), initiatives=[SK_BO])
    result = judge(case)
    assert_fails_only(result, CSTD_BO_BASIS, "CSTD_BO.chain_unused")
    c = crit(result, "CSTD_BO.chain_unused")
    assert c.evidence == ev((earlier, "CSTD_BO"))
    assert c.missing == [
        f"chuỗi đã được dùng cho Chiến sĩ thi đua cấp bộ, tỉnh năm {earlier}: cần chuỗi 3 năm mới"
    ]


def test_cstd_bo_luat_06_2022_dieu_22_new_chain_after_the_previous_award() -> None:
    # CSTĐ bộ in 2023 consumed 2021–2023; 2024–2026 is a new chain.
    case = person("CSTD_BO", cs(*span(Y - 5, Y)), held("CSTD_BO", Y - 3), initiatives=[SK_BO])
    assert_eligible(judge(case), CSTD_BO_BASIS)


def test_cstd_bo_luat_2003_nd_91_2017_dieu_22_same_chain_rule() -> None:
    basis = "Luật Thi đua, Khen thưởng 2003 (sửa đổi 2013); Nghị định 91/2017/NĐ-CP, Điều 22"
    sk = ini("SK-BO", 2022, "BO_TINH")
    ok = person("CSTD_BO", cs(2021, 2022, 2023), initiatives=[sk], year=2023)
    assert_eligible(judge(ok, LAW_2003), basis)
    short = person("CSTD_BO", cs(2022, 2023), initiatives=[sk], year=2023)
    assert_fails_only(judge(short, LAW_2003), basis, "CSTD_BO.chain")


# --- CSTD_TQ: Chiến sĩ thi đua toàn quốc (Luật 06/2022, Điều 21) ----------------------------------

CSTD_TQ_BASIS = "Luật 06/2022/QH15, Điều 21"
TQ = 2025  # domain.md §6: CSTĐ bộ 2022 and 2025, CSTĐ cơ sở every year 2020–2025
SK_TQ = ini("SK-TQ", 2024, "TOAN_QUOC")


def test_cstd_tq_luat_06_2022_dieu_21_two_cycles_in_a_row() -> None:
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2022, 2025), initiatives=[SK_TQ], year=TQ
    )
    result = judge(case)
    assert_eligible(result, CSTD_TQ_BASIS)
    assert crit(result, "CSTD_TQ.second").evidence == ev((2025, "CSTD_BO"))
    assert crit(result, "CSTD_TQ.first").evidence == ev((2022, "CSTD_BO"))
    assert crit(result, "CSTD_TQ.chain").evidence == ev(*[(y, "CSTD_CS") for y in span(2020, 2025)])
    assert crit(result, "CSTD_TQ.initiative").evidence == ev_ini(SK_TQ)


def test_cstd_tq_luat_06_2022_dieu_21_chain_one_year_short() -> None:
    case = person(
        "CSTD_TQ", cs(*span(2021, 2025)), held("CSTD_BO", 2022, 2025), initiatives=[SK_TQ], year=TQ
    )
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.chain")
    assert crit(result, "CSTD_TQ.chain").missing == [
        "cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2020)"
    ]


@pytest.mark.parametrize("gap", [2021, 2023, 2024])
def test_cstd_tq_luat_06_2022_dieu_21_gap_year(gap: int) -> None:
    years = [y for y in span(2018, 2025) if y != gap]
    case = person("CSTD_TQ", cs(*years), held("CSTD_BO", 2022, 2025), initiatives=[SK_TQ], year=TQ)
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.chain")
    c = crit(result, "CSTD_TQ.chain")
    assert c.missing == [f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {gap})"]
    assert (gap, "CSTD_CS") not in [(e["year"], e["code"]) for e in c.evidence]


def test_cstd_tq_luat_06_2022_dieu_21_first_award_too_recent() -> None:
    # CSTĐ bộ 2023 and 2025: the 2023 one cannot rest on a chain separate from 2025's.
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2023, 2025), initiatives=[SK_TQ], year=TQ
    )
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.first")
    assert crit(result, "CSTD_TQ.first").missing == [
        "cần Chiến sĩ thi đua cấp bộ, tỉnh lần thứ nhất (năm 2022 trở về trước)"
    ]


def test_cstd_tq_luat_06_2022_dieu_21_not_proposed_right_after_the_second() -> None:
    # The second CSTĐ bộ must be the one of the year considered.
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2022), initiatives=[SK_TQ], year=TQ
    )
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.second")
    assert crit(result, "CSTD_TQ.second").missing == ["cần Chiến sĩ thi đua cấp bộ, tỉnh năm 2025"]


@pytest.mark.parametrize("scope", ["CO_SO", "BO_TINH"])
def test_cstd_tq_luat_06_2022_dieu_21_initiative_of_too_small_a_scope(scope: str) -> None:
    sk = ini("SK", 2024, scope)
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2022, 2025), initiatives=[sk], year=TQ
    )
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.initiative")
    c = crit(result, "CSTD_TQ.initiative")
    assert c.evidence == []
    assert c.missing == ["cần 1 sáng kiến (đề tài) phạm vi toàn quốc (2020–2025)"]


def test_cstd_tq_luat_06_2022_dieu_21_initiative_already_used() -> None:
    sk = ini("SK-TQ", 2024, "TOAN_QUOC", used_for="CSTD_BO")
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2022, 2025), initiatives=[sk], year=TQ
    )
    result = judge(case)
    assert_fails_only(result, CSTD_TQ_BASIS, "CSTD_TQ.initiative")
    assert "SK-TQ (đã dùng cho Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh)" in (
        crit(result, "CSTD_TQ.initiative").text
    )


def test_cstd_tq_luat_06_2022_dieu_21_initiative_before_the_chain() -> None:
    sk = ini("SK-TQ", 2019, "TOAN_QUOC")
    case = person(
        "CSTD_TQ", cs(*span(2020, 2025)), held("CSTD_BO", 2022, 2025), initiatives=[sk], year=TQ
    )
    assert_fails_only(judge(case), CSTD_TQ_BASIS, "CSTD_TQ.initiative")
    # Within a longer unbroken chain, the same initiative counts.
    longer = dataclasses.replace(case, history=(*case.history, *cs(2018, 2019)))
    assert_eligible(judge(longer), CSTD_TQ_BASIS)


# --- BK_BO: Bằng khen cấp bộ, tỉnh (Luật 06/2022, Điều 74) ----------------------------------------

BK_BO_BASIS = "Luật 06/2022/QH15, Điều 74"
TWO_SK = (ini("SK-1", Y - 1), ini("SK-2", Y))


def test_bk_bo_luat_06_2022_dieu_74_two_years_of_cstd_cs() -> None:
    result = judge(person("BK_BO", cs(Y - 1, Y)))
    assert_eligible(result, BK_BO_BASIS)
    route = crit(result, "BK_BO.cstd_cs")
    assert route.ok and route.group == "route"
    assert route.evidence == ev((Y - 1, "CSTD_CS"), (Y, "CSTD_CS"))
    assert not crit(result, "BK_BO.excellent_initiatives").ok  # one route is enough


def test_bk_bo_luat_06_2022_dieu_74_cstd_cs_one_year_short() -> None:
    result = judge(person("BK_BO", cs(Y)))
    assert not result.eligible
    assert result.legal_basis == BK_BO_BASIS
    assert failing(result) == {"BK_BO.cstd_cs", "BK_BO.excellent_initiatives"}
    assert crit(result, "BK_BO.cstd_cs").missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {Y - 1})"
    ]
    assert crit(result, "BK_BO.excellent_initiatives").missing == [
        f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y - 1}, {Y}",
        f"cần thêm 2 sáng kiến (đề tài) cấp cơ sở ({Y - 1}–{Y})",
    ]
    # The closest route first, the other as an alternative.
    assert result.missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {Y - 1})",
        f"hoặc: cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y - 1}, {Y}; "
        f"cần thêm 2 sáng kiến (đề tài) cấp cơ sở ({Y - 1}–{Y})",
    ]


def test_bk_bo_luat_06_2022_dieu_74_cstd_cs_gap_year() -> None:
    result = judge(person("BK_BO", cs(Y - 3, Y - 2, Y)))
    assert not result.eligible
    assert crit(result, "BK_BO.cstd_cs").missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm {Y - 1})"
    ]


def test_bk_bo_luat_06_2022_dieu_74_excellent_two_years_and_two_initiatives() -> None:
    result = judge(person("BK_BO", held("HTXSNV", Y - 1, Y), initiatives=TWO_SK))
    assert_eligible(result, BK_BO_BASIS)
    route = crit(result, "BK_BO.excellent_initiatives")
    assert route.group == "route"
    assert route.evidence == ev((Y - 1, "HTXSNV"), (Y, "HTXSNV")) + ev_ini(*TWO_SK)
    assert not crit(result, "BK_BO.cstd_cs").ok


def test_bk_bo_luat_06_2022_dieu_74_longer_excellent_run_widens_the_initiative_window() -> None:
    sks = (ini("SK-1", Y - 4), ini("SK-2", Y - 3))
    result = judge(person("BK_BO", held("HTXSNV", *span(Y - 4, Y)), initiatives=sks))
    assert_eligible(result, BK_BO_BASIS)
    # Outside the run, an initiative does not count.
    early = (ini("SK-1", Y - 5), ini("SK-2", Y - 3))
    case = person("BK_BO", held("HTTNV", Y - 5), held("HTXSNV", *span(Y - 4, Y)), initiatives=early)
    result = judge(case)
    assert not result.eligible
    assert crit(result, "BK_BO.excellent_initiatives").missing == [
        f"cần thêm 1 sáng kiến (đề tài) cấp cơ sở ({Y - 4}–{Y})"
    ]


def test_bk_bo_luat_06_2022_dieu_74_rating_one_step_too_low() -> None:
    result = judge(person("BK_BO", held("HTXSNV", Y - 1), held("HTTNV", Y), initiatives=TWO_SK))
    assert not result.eligible
    assert failing(result) == {"BK_BO.cstd_cs", "BK_BO.excellent_initiatives"}
    assert crit(result, "BK_BO.excellent_initiatives").missing == [
        f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y}"
    ]


def test_bk_bo_luat_06_2022_dieu_74_excellent_gap_year() -> None:
    case = person("BK_BO", held("HTXSNV", Y - 2, Y), held("HTTNV", Y - 1), initiatives=TWO_SK)
    result = judge(case)
    assert not result.eligible
    assert crit(result, "BK_BO.excellent_initiatives").missing == [
        f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y - 1}"
    ]


def test_bk_bo_luat_06_2022_dieu_74_one_initiative_short() -> None:
    result = judge(person("BK_BO", held("HTXSNV", Y - 1, Y), initiatives=TWO_SK[:1]))
    assert not result.eligible
    c = crit(result, "BK_BO.excellent_initiatives")
    assert c.missing == [f"cần thêm 1 sáng kiến (đề tài) cấp cơ sở ({Y - 1}–{Y})"]
    assert c.evidence == ev((Y - 1, "HTXSNV"), (Y, "HTXSNV")) + ev_ini(TWO_SK[0])


def test_bk_bo_luat_06_2022_dieu_74_initiative_already_used() -> None:
    sks = (ini("SK-1", Y - 1), ini("SK-2", Y, used_for="CSTD_CS"))
    result = judge(person("BK_BO", held("HTXSNV", Y - 1, Y), initiatives=sks))
    assert not result.eligible
    c = crit(result, "BK_BO.excellent_initiatives")
    assert c.missing == [f"cần thêm 1 sáng kiến (đề tài) cấp cơ sở ({Y - 1}–{Y})"]
    assert "SK-2 (đã dùng cho Chiến sĩ thi đua cơ sở)" in c.text
    assert "SK-2" not in [e.get("initiative") for e in c.evidence]


# --- BK_TTG: Bằng khen Thủ tướng (Luật 06/2022, Điều 73) -------------------------------------------

BK_TTG_BASIS = "Luật 06/2022/QH15, Điều 73"
WINDOW = span(Y - 4, Y)  # 2022–2026


def after_base(base: str, base_year: int, *extra: Iterable[Entry], target: str) -> Case:
    """Five good years 2022–2026 with CSTĐ cơ sở in 2022, 2024, 2026 after `base` in `base_year`."""
    return person(
        target, held(base, base_year), held("HTTNV", *WINDOW), cs(Y - 4, Y - 2, Y), *extra
    )


def bk_ttg(base_year: int = Y - 5, *extra: Iterable[Entry]) -> Case:
    return after_base("BK_BO", base_year, *extra, target="BK_TTG")


def replace_rating(case: Case, year: int, code: str | None) -> Case:
    kept = tuple(e for e in case.history if not (e.year == year and e.code in rules.RATINGS))
    return dataclasses.replace(case, history=kept + ((Entry(year, code),) if code else ()))


def drop(case: Case, year: int, code: str) -> Case:
    kept = tuple(e for e in case.history if (e.year, e.code) != (year, code))
    return dataclasses.replace(case, history=kept)


def test_bk_ttg_luat_06_2022_dieu_73_five_years_after_bk_bo() -> None:
    result = judge(bk_ttg())
    assert_eligible(result, BK_TTG_BASIS)
    assert crit(result, "BK_TTG.base").evidence == ev((Y - 5, "BK_BO"))
    assert crit(result, "BK_TTG.ratings").evidence == ev(*[(y, "HTTNV") for y in WINDOW])
    assert crit(result, "BK_TTG.cstd_cs").evidence == ev(
        (Y - 4, "CSTD_CS"), (Y - 2, "CSTD_CS"), (Y, "CSTD_CS")
    )
    assert "BK_TTG.excellent" not in {c.code for c in result.criteria}


def test_bk_ttg_luat_06_2022_dieu_73_window_one_year_short() -> None:
    # Bằng khen bộ in 2022: only four years follow it up to 2026.
    result = judge(bk_ttg(Y - 4))
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.base")
    c = crit(result, "BK_TTG.base")
    assert c.evidence == []
    assert c.missing == [f"cần Bằng khen cấp bộ, ban, ngành, tỉnh (năm {Y - 5} trở về trước)"]


@pytest.mark.parametrize("gap", WINDOW)
def test_bk_ttg_luat_06_2022_dieu_73_gap_year_without_rating(gap: int) -> None:
    result = judge(replace_rating(bk_ttg(), gap, None))
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.ratings")
    c = crit(result, "BK_TTG.ratings")
    assert c.missing == [f"cần xếp loại Hoàn thành tốt nhiệm vụ trở lên năm {gap}"]
    assert gap not in [e["year"] for e in c.evidence]


@pytest.mark.parametrize("rating", ["HTNV", "KHTNV"])
def test_bk_ttg_luat_06_2022_dieu_73_rating_one_step_too_low(rating: str) -> None:
    result = judge(replace_rating(bk_ttg(), Y - 3, rating))
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.ratings")
    assert crit(result, "BK_TTG.ratings").missing == [
        f"cần xếp loại Hoàn thành tốt nhiệm vụ trở lên năm {Y - 3}"
    ]


def test_bk_ttg_luat_06_2022_dieu_73_cstd_cs_one_short() -> None:
    result = judge(drop(bk_ttg(), Y, "CSTD_CS"))
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.cstd_cs")
    c = crit(result, "BK_TTG.cstd_cs")
    assert c.evidence == ev((Y - 4, "CSTD_CS"), (Y - 2, "CSTD_CS"))
    assert c.missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở trong các năm {Y - 4}–{Y} "
        f"(năm chưa có: {Y - 3}, {Y - 1}, {Y})"
    ]


def test_bk_ttg_luat_06_2022_dieu_73_cstd_cs_before_the_window_does_not_count() -> None:
    result = judge(drop(bk_ttg(Y - 6, cs(Y - 5)), Y, "CSTD_CS"))
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.cstd_cs")


def test_bk_ttg_luat_06_2022_dieu_73_bk_bo_already_led_to_bk_ttg() -> None:
    # Bằng khen bộ 2015 led to Bằng khen Thủ tướng 2020; it cannot serve again.
    case = person(
        "BK_TTG",
        held("BK_BO", 2015),
        held("BK_TTG", 2020),
        held("HTTNV", *WINDOW),
        cs(Y - 4, Y - 2, Y),
    )
    result = judge(case)
    assert_fails_only(result, BK_TTG_BASIS, "BK_TTG.base")
    c = crit(result, "BK_TTG.base")
    assert "sau lần được tặng Bằng khen của Thủ tướng Chính phủ năm 2020" in c.text
    assert c.missing == [f"cần Bằng khen cấp bộ, ban, ngành, tỉnh (năm {Y - 5} trở về trước)"]
    # A new Bằng khen bộ after 2020, five years before the proposal, serves.
    renewed = dataclasses.replace(case, history=(*case.history, Entry(2021, "BK_BO")))
    result = judge(renewed)
    assert_eligible(result, BK_TTG_BASIS)
    assert crit(result, "BK_TTG.base").evidence == ev((2021, "BK_BO"))


# --- HCLD3: Huân chương Lao động hạng Ba (Luật 06/2022, Điều 44) -----------------------------------

HCLD3_BASIS = "Luật 06/2022/QH15, Điều 44"


def hcld3(base_year: int = Y - 5, excellent: int | None = Y - 1) -> Case:
    case = after_base("BK_TTG", base_year, target="HCLD3")
    return replace_rating(case, excellent, "HTXSNV") if excellent else case


def test_hcld3_luat_06_2022_dieu_44_five_years_after_bk_ttg() -> None:
    result = judge(hcld3())
    assert_eligible(result, HCLD3_BASIS)
    assert crit(result, "HCLD3.base").evidence == ev((Y - 5, "BK_TTG"))
    assert crit(result, "HCLD3.excellent").evidence == ev((Y - 1, "HTXSNV"))
    assert crit(result, "HCLD3.cstd_cs").evidence == ev(
        (Y - 4, "CSTD_CS"), (Y - 2, "CSTD_CS"), (Y, "CSTD_CS")
    )


def test_hcld3_luat_06_2022_dieu_44_without_an_excellent_year() -> None:
    result = judge(hcld3(excellent=None))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.excellent")
    assert crit(result, "HCLD3.excellent").missing == [
        f"cần 1 năm Hoàn thành xuất sắc nhiệm vụ trong {Y - 4}–{Y}"
    ]


def test_hcld3_luat_06_2022_dieu_44_excellent_year_before_the_window() -> None:
    result = judge(replace_rating(hcld3(base_year=Y - 6, excellent=None), Y - 5, "HTXSNV"))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.excellent")


def test_hcld3_luat_06_2022_dieu_44_window_one_year_short() -> None:
    result = judge(hcld3(base_year=Y - 4))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.base")
    assert crit(result, "HCLD3.base").missing == [
        f"cần Bằng khen của Thủ tướng Chính phủ (năm {Y - 5} trở về trước)"
    ]


def test_hcld3_luat_06_2022_dieu_44_gap_year_without_rating() -> None:
    result = judge(replace_rating(hcld3(), Y - 2, None))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.ratings")
    assert crit(result, "HCLD3.ratings").missing == [
        f"cần xếp loại Hoàn thành tốt nhiệm vụ trở lên năm {Y - 2}"
    ]


def test_hcld3_luat_06_2022_dieu_44_rating_one_step_too_low() -> None:
    result = judge(replace_rating(hcld3(), Y, "HTNV"))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.ratings")


def test_hcld3_luat_06_2022_dieu_44_cstd_cs_one_short() -> None:
    result = judge(drop(hcld3(), Y - 2, "CSTD_CS"))
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.cstd_cs")
    assert crit(result, "HCLD3.cstd_cs").missing == [
        f"cần thêm 1 lần Chiến sĩ thi đua cơ sở trong các năm {Y - 4}–{Y} "
        f"(năm chưa có: {Y - 3}, {Y - 2}, {Y - 1})"
    ]


def test_hcld3_luat_06_2022_dieu_44_bk_ttg_already_led_to_hcld3() -> None:
    case = hcld3(base_year=2018)
    case = dataclasses.replace(case, history=(*case.history, Entry(2020, "HCLD3")))
    result = judge(case)
    assert_fails_only(result, HCLD3_BASIS, "HCLD3.base")
    assert (
        "sau lần được tặng Huân chương Lao động hạng Ba năm 2020" in crit(result, "HCLD3.base").text
    )


def test_hcld3_luat_06_2022_dieu_44_bk_bo_is_not_the_base() -> None:
    case = replace_rating(after_base("BK_BO", Y - 5, target="HCLD3"), Y, "HTXSNV")
    assert_fails_only(judge(case), HCLD3_BASIS, "HCLD3.base")


# --- TTLDTT: Tập thể lao động tiên tiến (Luật 06/2022, Điều 28) ------------------------------------

TTLDTT_BASIS = "Luật 06/2022/QH15, Điều 28"


def members(
    total: int = 20, completed: int | None = None, ldtt: int = 10, cstd_cs: int = 1
) -> Members:
    return Members(
        total=total,
        completed=total if completed is None else completed,
        ldtt=ldtt,
        cstd_cs=cstd_cs,
        disciplined=0,
    )


@pytest.mark.parametrize("rating", ["HTNV", "HTTNV", "HTXSNV"])
def test_ttldtt_luat_06_2022_dieu_28_half_of_members_ldtt(rating: str) -> None:
    result = judge(unit("TTLDTT", rating, members(20, ldtt=10)))
    assert_eligible(result, TTLDTT_BASIS)
    assert crit(result, "TTLDTT.unit_rating").evidence == ev((Y, rating))
    share = crit(result, "TTLDTT.ldtt_share")
    assert share.evidence == [{"members": 20, "ldtt": 10}]
    assert share.text == "Ít nhất 50% cá nhân đạt Lao động tiên tiến (10/20)"


def test_ttldtt_luat_06_2022_dieu_28_share_just_below_half() -> None:
    result = judge(unit("TTLDTT", "HTTNV", members(20, ldtt=9)))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.ldtt_share")
    c = crit(result, "TTLDTT.ldtt_share")
    assert c.evidence == [{"members": 20, "ldtt": 9}]
    assert c.missing == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 50%)"]
    assert result.missing == c.missing


@pytest.mark.parametrize(("ldtt", "eligible"), [(11, True), (10, False)])
def test_ttldtt_luat_06_2022_dieu_28_half_of_an_odd_total_rounds_up(
    ldtt: int, eligible: bool
) -> None:
    assert judge(unit("TTLDTT", "HTTNV", members(21, ldtt=ldtt))).eligible is eligible


def test_ttldtt_luat_06_2022_dieu_28_missing_count_rounds_up() -> None:
    result = judge(unit("TTLDTT", "HTTNV", members(21, ldtt=9)))
    assert crit(result, "TTLDTT.ldtt_share").missing == [
        "cần thêm 2 cá nhân đạt Lao động tiên tiến (tối thiểu 50%)"
    ]


@pytest.mark.parametrize(("ldtt", "eligible"), [(14, True), (13, False)])
def test_ttldtt_luat_06_2022_dieu_28_tenant_share_of_70_percent(ldtt: int, eligible: bool) -> None:
    case = unit("TTLDTT", "HTTNV", members(20, ldtt=ldtt))
    assert judge(case).eligible  # 50% by default
    result = judge(case, overrides={"ttldtt_ldtt_share": "0.7"})
    assert result.eligible is eligible
    c = crit(result, "TTLDTT.ldtt_share")
    assert c.text == f"Ít nhất 70% cá nhân đạt Lao động tiên tiến ({ldtt}/20)"
    if not eligible:
        assert c.missing == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)"]
    assert LAW_2022.params["ttldtt_ldtt_share"] == "0.5"  # the override leaves the rule set alone


def test_ttldtt_luat_06_2022_dieu_28_tenant_share_as_a_number() -> None:
    case = unit("TTLDTT", "HTTNV", members(20, ldtt=13))
    assert judge(case, overrides={"ttldtt_ldtt_share": 0.65}).eligible
    assert not judge(case, overrides={"ttldtt_ldtt_share": 0.7}).eligible


def test_ttldtt_luat_06_2022_dieu_28_unit_rating_one_step_too_low() -> None:
    result = judge(unit("TTLDTT", "KHTNV", members()))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.unit_rating")
    c = crit(result, "TTLDTT.unit_rating")
    assert c.evidence == []
    assert c.missing == [f"cần kết quả xếp loại tập thể Hoàn thành nhiệm vụ trở lên năm {Y}"]


def test_ttldtt_luat_06_2022_dieu_28_unit_not_rated() -> None:
    result = judge(unit("TTLDTT", None, members()))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.unit_rating")


def test_ttldtt_luat_06_2022_dieu_28_one_member_not_completed() -> None:
    result = judge(unit("TTLDTT", "HTTNV", members(20, completed=19)))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.all_completed")
    c = crit(result, "TTLDTT.all_completed")
    assert c.evidence == [{"members": 20, "completed": 19}]
    assert c.missing == ["còn 1 cá nhân chưa hoàn thành nhiệm vụ"]


def test_ttldtt_luat_06_2022_dieu_28_one_member_disciplined() -> None:
    result = judge(unit("TTLDTT", "HTTNV", dataclasses.replace(members(), disciplined=1)))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.no_discipline")
    c = crit(result, "TTLDTT.no_discipline")
    assert c.evidence == [{"disciplined": 1}]
    assert c.missing == ["có 1 cá nhân bị kỷ luật từ cảnh cáo trở lên"]


def test_ttldtt_luat_06_2022_dieu_28_without_members() -> None:
    result = judge(unit("TTLDTT", "HTTNV", Members(0, 0, 0, 0, 0)))
    assert_fails_only(result, TTLDTT_BASIS, "TTLDTT.all_completed", "TTLDTT.ldtt_share")
    assert crit(result, "TTLDTT.all_completed").missing == [
        "tập thể chưa có cá nhân nào được xếp loại"
    ]


# --- TTLDXS: Tập thể lao động xuất sắc (Luật 06/2022, Điều 27) -------------------------------------

TTLDXS_BASIS = "Luật 06/2022/QH15, Điều 27"


def test_ttldxs_luat_06_2022_dieu_27_seventy_percent_ldtt() -> None:
    result = judge(unit("TTLDXS", "HTXSNV", members(20, ldtt=14)))
    assert_eligible(result, TTLDXS_BASIS)
    assert crit(result, "TTLDXS.unit_rating").evidence == ev((Y, "HTXSNV"))
    assert crit(result, "TTLDXS.ldtt_share").evidence == [{"members": 20, "ldtt": 14}]
    assert crit(result, "TTLDXS.cstd_cs").evidence == [{"cstd_cs": 1}]


def test_ttldxs_luat_06_2022_dieu_27_share_just_below_seventy_percent() -> None:
    result = judge(unit("TTLDXS", "HTXSNV", members(20, ldtt=13)))
    assert_fails_only(result, TTLDXS_BASIS, "TTLDXS.ldtt_share")
    c = crit(result, "TTLDXS.ldtt_share")
    assert c.text == "Ít nhất 70% cá nhân đạt Lao động tiên tiến (13/20)"
    assert c.missing == ["cần thêm 1 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)"]


@pytest.mark.parametrize(("ldtt", "eligible"), [(15, True), (14, False)])
def test_ttldxs_luat_06_2022_dieu_27_seventy_percent_of_an_odd_total_rounds_up(
    ldtt: int, eligible: bool
) -> None:
    # 70% of 21 is 14.7: 15 are needed.
    assert judge(unit("TTLDXS", "HTXSNV", members(21, ldtt=ldtt))).eligible is eligible


def test_ttldxs_luat_06_2022_dieu_27_missing_count_rounds_up() -> None:
    result = judge(unit("TTLDXS", "HTXSNV", members(21, ldtt=13)))
    assert crit(result, "TTLDXS.ldtt_share").missing == [
        "cần thêm 2 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)"
    ]


@pytest.mark.parametrize(("ldtt", "eligible"), [(16, True), (15, False)])
def test_ttldxs_luat_06_2022_dieu_27_tenant_share_of_80_percent(ldtt: int, eligible: bool) -> None:
    case = unit("TTLDXS", "HTXSNV", members(20, ldtt=ldtt))
    result = judge(case, overrides={"ttldxs_ldtt_share": "0.8"})
    assert result.eligible is eligible
    assert "80%" in crit(result, "TTLDXS.ldtt_share").text


def test_ttldxs_luat_06_2022_dieu_27_unit_rating_one_step_too_low() -> None:
    result = judge(unit("TTLDXS", "HTTNV", members(20, ldtt=20)))
    assert_fails_only(result, TTLDXS_BASIS, "TTLDXS.unit_rating")
    assert crit(result, "TTLDXS.unit_rating").missing == [
        f"cần kết quả xếp loại tập thể Hoàn thành xuất sắc nhiệm vụ năm {Y}"
    ]


def test_ttldxs_luat_06_2022_dieu_27_without_a_cstd_cs_member() -> None:
    result = judge(unit("TTLDXS", "HTXSNV", members(20, ldtt=20, cstd_cs=0)))
    assert_fails_only(result, TTLDXS_BASIS, "TTLDXS.cstd_cs")
    assert crit(result, "TTLDXS.cstd_cs").missing == [
        f"cần ít nhất 1 cá nhân đạt Chiến sĩ thi đua cơ sở năm {Y}"
    ]


def test_ttldxs_luat_06_2022_dieu_27_one_member_not_completed() -> None:
    result = judge(unit("TTLDXS", "HTXSNV", members(20, completed=19, ldtt=19)))
    assert_fails_only(result, TTLDXS_BASIS, "TTLDXS.all_completed")


def test_ttldxs_luat_06_2022_dieu_27_one_member_disciplined() -> None:
    case = unit("TTLDXS", "HTXSNV", dataclasses.replace(members(ldtt=18), disciplined=2))
    result = judge(case)
    assert_fails_only(result, TTLDXS_BASIS, "TTLDXS.no_discipline")
    assert crit(result, "TTLDXS.no_discipline").missing == [
        "có 2 cá nhân bị kỷ luật từ cảnh cáo trở lên"
    ]


def test_ttldxs_luat_06_2022_dieu_27_every_shortfall_is_listed() -> None:
    case = unit("TTLDXS", "HTTNV", Members(20, 18, 10, 0, 1))
    result = judge(case)
    assert failing(result) == {
        "TTLDXS.unit_rating",
        "TTLDXS.all_completed",
        "TTLDXS.ldtt_share",
        "TTLDXS.cstd_cs",
        "TTLDXS.no_discipline",
    }
    assert result.missing == [
        f"cần kết quả xếp loại tập thể Hoàn thành xuất sắc nhiệm vụ năm {Y}",
        "còn 2 cá nhân chưa hoàn thành nhiệm vụ",
        "cần thêm 4 cá nhân đạt Lao động tiên tiến (tối thiểu 70%)",
        f"cần ít nhất 1 cá nhân đạt Chiến sĩ thi đua cơ sở năm {Y}",
        "có 1 cá nhân bị kỷ luật từ cảnh cáo trở lên",
    ]


# --- rule-set versions ------------------------------------------------------------------------------


def test_the_data_holds_the_two_regimes_back_to_back() -> None:
    assert LAW_2003.valid_to == dt.date(2023, 12, 31)
    assert LAW_2022.valid_from == dt.date(2024, 1, 1)
    assert LAW_2022.valid_to is None
    for rs in (LAW_2003, LAW_2022):
        assert rs.confirmed
        assert set(rs.legal_basis) == set(rules.TARGETS)


def test_rule_set_for_picks_the_2003_regime_for_2023() -> None:
    assert rules.default_day(2023) == dt.date(2023, 12, 31)
    chosen = rules.rule_set_for([LAW_2003, LAW_2022], rules.default_day(2023))
    assert chosen.code == "LUAT_2003"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_rule_set_for_picks_the_2022_law_from_2024(year: int) -> None:
    assert rules.rule_set_for([LAW_2003, LAW_2022], rules.default_day(year)).code == "LUAT_2022"
    assert rules.rule_set_for([LAW_2022, LAW_2003], dt.date(2024, 1, 1)).code == "LUAT_2022"


def test_rule_set_for_without_a_rule_set_in_force() -> None:
    with pytest.raises(CaseError) as err:
        rules.rule_set_for([LAW_2003, LAW_2022], dt.date(2004, 6, 30))
    assert err.value.field == "year"
    assert err.value.message == "Không có bộ quy tắc nào có hiệu lực vào ngày 30/06/2004."


def test_cstd_cs_by_year_follows_the_regime_in_force() -> None:
    for year, eligible in [(2023, False), (2024, True)]:
        case = person("CSTD_CS", held("HTXSNV", year), year=year)
        chosen = rules.rule_set_for(RULE_SETS.values(), rules.default_day(year))
        assert judge(case, chosen).eligible is eligible, year


def test_a_new_version_added_as_data_changes_cstd_cs() -> None:
    sets = [LAW_2003, LAW_2022, LAW_2026]
    assert rules.rule_set_for(sets, dt.date(2026, 9, 30)).code == "LUAT_2022"
    chosen = rules.rule_set_for(sets, rules.default_day(2026))
    assert chosen.code == "LUAT_2026"

    excellent_only = person("CSTD_CS", held("HTXSNV", Y))
    assert judge(excellent_only, LAW_2022).eligible
    result = judge(excellent_only, chosen)
    assert not result.eligible
    assert result.rule_set == "LUAT_2026"
    assert result.legal_basis == "Luật 06/2026/QH16, Điều 23"
    assert failing(result) == {"CSTD_CS.initiative"}
    assert crit(result, "CSTD_CS.initiative").missing == [
        f"cần 1 sáng kiến (đề tài) được công nhận năm {Y}"
    ]

    both = dataclasses.replace(excellent_only, initiatives=(ini("SK-1", Y),))
    result = judge(both, chosen)
    assert result.eligible
    assert crit(result, "CSTD_CS.excellent").evidence == ev((Y, "HTXSNV"))

    good_with_initiative = person("CSTD_CS", held("HTTNV", Y), initiatives=[ini("SK-1", Y)])
    assert judge(good_with_initiative, LAW_2022).eligible
    result = judge(good_with_initiative, chosen)
    assert failing(result) == {"CSTD_CS.excellent"}
    assert crit(result, "CSTD_CS.excellent").missing == [
        f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {Y}"
    ]


def test_an_unconfirmed_version_is_never_picked() -> None:
    draft = dataclasses.replace(LAW_2026, confirmed=False)
    for day in (dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2030, 1, 1)):
        assert rules.rule_set_for([LAW_2003, LAW_2022, draft], day).code == "LUAT_2022"
    with pytest.raises(CaseError):
        rules.rule_set_for([draft], dt.date(2026, 12, 31))


def test_the_result_names_the_rule_set_and_serialises() -> None:
    result = judge(person("LDTT", held("HTTNV", 2023), year=2023), LAW_2003)
    data = result.as_dict()
    assert data["rule_set"] == "LUAT_2003"
    assert data["target_name"] == "Lao động tiên tiến"
    assert data["legal_basis"].endswith("Nghị định 91/2017/NĐ-CP, Điều 24")
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# --- check_case -------------------------------------------------------------------------------------

GOOD_MEMBERS = Members(20, 20, 10, 1, 0)
ERRORS: list[tuple[str, Case, str, str]] = [
    (
        "unknown_target",
        Case("individual", "XYZ", Y),
        "target",
        "Mã danh hiệu, hình thức không tồn tại: XYZ.",
    ),
    (
        "catalogue_code_without_rules",
        Case("collective", "CO_BO", Y, members=GOOD_MEMBERS),
        "target",
        "Chưa có quy tắc xét cho mã CO_BO.",
    ),
    (
        "bad_subject",
        Case("household", "LDTT", Y),
        "subject",
        "Đối tượng phải là individual (cá nhân) hoặc collective (tập thể).",
    ),
    (
        "individual_title_for_a_collective",
        Case("collective", "LDTT", Y, members=GOOD_MEMBERS),
        "subject",
        "Lao động tiên tiến chỉ xét cho cá nhân.",
    ),
    (
        "collective_title_for_an_individual",
        Case("individual", "TTLDXS", Y),
        "subject",
        "Tập thể lao động xuất sắc chỉ xét cho tập thể.",
    ),
    (
        "year_considered_1800",
        Case("individual", "LDTT", 1800),
        "year",
        "Năm xét 1800 không hợp lệ (từ 1945 đến 2100).",
    ),
    (
        "history_year_after_the_year_considered",
        Case("individual", "LDTT", Y, (Entry(Y, "HTTNV"), Entry(Y + 1, "CSTD_CS"))),
        "history[1].year",
        f"Năm {Y + 1} không hợp lệ: phải từ 1945 đến năm xét {Y}.",
    ),
    (
        "history_year_1800",
        Case("individual", "LDTT", Y, (Entry(1800, "LDTT"),)),
        "history[0].year",
        f"Năm 1800 không hợp lệ: phải từ 1945 đến năm xét {Y}.",
    ),
    (
        "history_unknown_code",
        Case("individual", "LDTT", Y, (Entry(Y, "HTTNV"), Entry(Y, "CSTD_XA"))),
        "history[1].code",
        "Mã không tồn tại: CSTD_XA.",
    ),
    (
        "two_ratings_in_one_year",
        Case(
            "individual",
            "LDTT",
            Y,
            (Entry(Y - 1, "HTTNV"), Entry(Y, "HTXSNV"), Entry(Y - 1, "HTNV")),
        ),
        "history[2].code",
        f"Năm {Y - 1} có hai kết quả xếp loại khác nhau.",
    ),
    (
        "bad_scope",
        Case("individual", "CSTD_CS", Y, (), (Initiative("SK-1", Y, "TINH"),)),
        "initiatives[0].scope",
        "Phạm vi sáng kiến không hợp lệ: TINH (CO_SO, BO_TINH, TOAN_QUOC).",
    ),
    (
        "initiative_after_the_year_considered",
        Case(
            "individual",
            "CSTD_CS",
            Y,
            (),
            (Initiative("SK-1", Y, "CO_SO"), Initiative("SK-2", Y + 1, "CO_SO")),
        ),
        "initiatives[1].year",
        f"Năm {Y + 1} không hợp lệ: phải từ 1945 đến năm xét {Y}.",
    ),
    (
        "initiative_used_for_an_unknown_code",
        Case("individual", "CSTD_CS", Y, (), (Initiative("SK-1", Y, "CO_SO", used_for="XYZ"),)),
        "initiatives[0].used_for",
        "Mã không tồn tại: XYZ.",
    ),
    (
        "duplicate_initiative_ids",
        Case(
            "individual",
            "CSTD_CS",
            Y,
            (),
            (Initiative("SK-1", Y, "CO_SO"), Initiative("SK-1", Y - 1, "BO_TINH")),
        ),
        "initiatives[1].id",
        "Sáng kiến SK-1 được khai hai lần.",
    ),
    (
        "collective_without_members",
        Case("collective", "TTLDTT", Y, (Entry(Y, "HTTNV"),)),
        "members",
        "Xét tập thể cần số liệu cá nhân của tập thể (members).",
    ),
    (
        "negative_total",
        Case("collective", "TTLDTT", Y, (), (), Members(-1, 0, 0, 0, 0)),
        "members.total",
        "Số người không được âm.",
    ),
    (
        "negative_ldtt",
        Case("collective", "TTLDTT", Y, (), (), Members(20, 20, -3, 0, 0)),
        "members.ldtt",
        "Số người không được âm.",
    ),
    (
        "negative_disciplined",
        Case("collective", "TTLDXS", Y, (), (), Members(20, 20, 14, 1, -1)),
        "members.disciplined",
        "Số người không được âm.",
    ),
    (
        "completed_larger_than_total",
        Case("collective", "TTLDTT", Y, (), (), Members(20, 21, 10, 0, 0)),
        "members.completed",
        "Số người (21) lớn hơn tổng số cá nhân (20).",
    ),
    (
        "ldtt_larger_than_total",
        Case("collective", "TTLDTT", Y, (), (), Members(20, 20, 25, 0, 0)),
        "members.ldtt",
        "Số người (25) lớn hơn tổng số cá nhân (20).",
    ),
    (
        "cstd_cs_larger_than_total",
        Case("collective", "TTLDXS", Y, (), (), Members(5, 5, 5, 6, 0)),
        "members.cstd_cs",
        "Số người (6) lớn hơn tổng số cá nhân (5).",
    ),
    (
        "disciplined_larger_than_total",
        Case("collective", "TTLDXS", Y, (), (), Members(5, 5, 5, 1, 7)),
        "members.disciplined",
        "Số người (7) lớn hơn tổng số cá nhân (5).",
    ),
]


@pytest.mark.parametrize(
    ("case", "field", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_check_case_rejects(case: Case, field: str, message: str) -> None:
    with pytest.raises(CaseError) as err:
        rules.check_case(case, KNOWN_CODES)
    assert err.value.field == field
    assert err.value.message == message
    assert str(err.value) == message


def test_check_case_without_the_catalogue_a_catalogue_code_is_unknown() -> None:
    with pytest.raises(CaseError) as err:
        rules.check_case(Case("collective", "CO_BO", Y, members=GOOD_MEMBERS), rules.TARGETS)
    assert err.value.field == "target"
    assert err.value.message == "Mã danh hiệu, hình thức không tồn tại: CO_BO."


def test_evaluate_a_target_without_rules() -> None:
    with pytest.raises(CaseError) as err:
        rules.evaluate(Case("collective", "CO_BO", Y, members=GOOD_MEMBERS), LAW_2022)
    assert err.value.field == "target"
    assert err.value.message == "Chưa có quy tắc xét cho mã CO_BO."


def test_check_case_accepts_a_rating_repeated_and_the_boundary_years() -> None:
    history = (Entry(1945, "HTNV"), Entry(Y, "HTTNV"), Entry(Y, "HTTNV", ref="dup"))
    initiatives = (Initiative("SK-1", 1945, "TOAN_QUOC", used_for="CSTD_TQ"),)
    rules.check_case(Case("individual", "LDTT", Y, history, initiatives), KNOWN_CODES)
    rules.check_case(Case("individual", "LDTT", 2100), KNOWN_CODES)
    rules.check_case(Case("individual", "LDTT", 1945), KNOWN_CODES)
    # Ratings are always known, even with no catalogue at all.
    rules.check_case(Case("individual", "LDTT", Y, (Entry(Y, "HTXSNV"),)), ())


@pytest.mark.parametrize("total", [0, 20])
def test_check_case_accepts_members_at_their_limits(total: int) -> None:
    m = Members(total, total, total, total, total)
    rules.check_case(Case("collective", "TTLDXS", Y, (), (), m), KNOWN_CODES)
