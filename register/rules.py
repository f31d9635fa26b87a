"""The eligibility engine: pure functions over a case (history, initiatives, members) and a rule set.

`evaluate(case, rule_set)` says, for one subject, one target code and one year, whether the subject is
eligible, and why: every criterion of domain.md §6 with pass or fail, the records that satisfy it and,
when it fails, what is missing ("cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2026)").

Nothing here reads the database: the API evaluates a case sent by a client, and the register builds a
case from its rows (register.selectors.case_for_person). The set-based sweep (register.sweep) applies
the same definitions in SQL; tests check the two agree.

Definitions (domain.md §6):
- "Consecutive" years are uninterrupted calendar years ending in the year considered.
- A chain of CSTĐ cơ sở is consumed by the CSTĐ bộ/tỉnh it led to: the years before the year
  considered must not hold a CSTĐ bộ/tỉnh within the chain.
- An initiative counts once: one already used for a title or form (`used_for`) never counts again.
- BK_TTG and HCLD3 look at the five years ending in the year considered, which must all follow the
  lower award they rest on (and that lower award must not already have led to the same award).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

RATINGS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
RATING_NAMES = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
COMPLETED = frozenset({"HTXSNV", "HTTNV", "HTNV"})
SCOPES = ("CO_SO", "BO_TINH", "TOAN_QUOC")
SCOPE_NAMES = {"CO_SO": "cấp cơ sở", "BO_TINH": "cấp bộ, ngành, tỉnh", "TOAN_QUOC": "toàn quốc"}
MIN_YEAR = 1945
MAX_YEAR = 2100

# The targets the engine decides, with the subject each applies to and its bit in a sweep mask.
TARGETS: dict[str, str] = {
    "LDTT": "individual",
    "CSTD_CS": "individual",
    "CSTD_BO": "individual",
    "CSTD_TQ": "individual",
    "BK_BO": "individual",
    "BK_TTG": "individual",
    "HCLD3": "individual",
    "TTLDTT": "collective",
    "TTLDXS": "collective",
}
BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(TARGETS)}

NAMES: dict[str, str] = {
    "LDTT": "Lao động tiên tiến",
    "CSTD_CS": "Chiến sĩ thi đua cơ sở",
    "CSTD_BO": "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
    "CSTD_TQ": "Chiến sĩ thi đua toàn quốc",
    "TTLDTT": "Tập thể lao động tiên tiến",
    "TTLDXS": "Tập thể lao động xuất sắc",
    "BK_BO": "Bằng khen cấp bộ, ban, ngành, tỉnh",
    "BK_TTG": "Bằng khen của Thủ tướng Chính phủ",
    "HCLD3": "Huân chương Lao động hạng Ba",
}


# --- input ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A rating, title or form held in a year; `ref` points back to the register row, if any."""

    year: int
    code: str
    ref: str = ""


@dataclass(frozen=True)
class Initiative:
    """Sáng kiến / đề tài recognised in `year` at `scope`; `used_for` the code it already served."""

    id: str
    year: int
    scope: str
    used_for: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Members:
    """A collective's members in the year considered."""

    total: int
    completed: int
    ldtt: int
    cstd_cs: int
    disciplined: int


@dataclass(frozen=True)
class Case:
    subject: str  # "individual" | "collective"
    target: str
    year: int
    history: tuple[Entry, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    members: Members | None = None


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    legal_basis: Mapping[str, str]
    params: Mapping[str, Any]
    confirmed: bool = True

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- output -----------------------------------------------------------------------------------------


@dataclass
class Criterion:
    code: str
    ok: bool
    text: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    group: str | None = None  # criteria of one group are alternatives: one passing is enough

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ok": self.ok,
            "text": self.text,
            "evidence": self.evidence,
            "missing": self.missing,
            "group": self.group,
        }


@dataclass
class Result:
    target: str
    year: int
    subject: str
    eligible: bool
    rule_set: str
    legal_basis: str
    criteria: list[Criterion]
    missing: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_name": NAMES.get(self.target, self.target),
            "year": self.year,
            "subject": self.subject,
            "eligible": self.eligible,
            "rule_set": self.rule_set,
            "legal_basis": self.legal_basis,
            "criteria": [c.as_dict() for c in self.criteria],
            "missing": self.missing,
        }


class CaseError(ValueError):
    """A case the engine cannot evaluate; `field` names the input at fault (message in Vietnamese)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- choosing a rule set and its parameters ---------------------------------------------------------


def default_day(year: int) -> dt.date:
    """The day a rule set is chosen by when no acceptance date is known: the year's last day."""
    return dt.date(year, 12, 31)


def rule_set_for(rule_sets: Iterable[RuleSet], day: dt.date) -> RuleSet:
    """The confirmed rule set in force on `day` (the latest starting one, if periods overlap)."""
    candidates = [r for r in rule_sets if r.confirmed and r.in_force_on(day)]
    if not candidates:
        raise CaseError(f"Không có bộ quy tắc nào có hiệu lực vào ngày {day:%d/%m/%Y}.", "year")
    return max(candidates, key=lambda r: r.valid_from)


def share(value: Any) -> Decimal:
    return Decimal(str(value))


# --- helpers ----------------------------------------------------------------------------------------


def _years_with(history: Sequence[Entry], codes: Iterable[str]) -> dict[int, Entry]:
    wanted = set(codes)
    found: dict[int, Entry] = {}
    for e in history:
        if e.code in wanted and e.year not in found:
            found[e.year] = e
    return found


def _rating_by_year(history: Sequence[Entry]) -> dict[int, Entry]:
    return _years_with(history, RATINGS)


def _ev(e: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"year": e.year, "code": e.code}
    if e.ref:
        item["ref"] = e.ref
    return item


def _ev_initiative(i: Initiative) -> dict[str, Any]:
    item: dict[str, Any] = {"initiative": i.id, "year": i.year, "scope": i.scope}
    if i.title:
        item["title"] = i.title
    return item


def _year_list(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def _need(code: str, years: Sequence[int]) -> str:
    n = len(years)
    return f"cần thêm {n} lần {NAMES.get(code, code)} (năm {_year_list(years)})"


def _run_ending(years: set[int], year: int) -> int:
    """How many consecutive years ending in `year` are in `years`."""
    n = 0
    while year - n in years:
        n += 1
    return n


def _scope_at_least(scope: str, minimum: str) -> bool:
    return SCOPES.index(scope) >= SCOPES.index(minimum) if scope in SCOPES else False


def _unused(initiatives: Sequence[Initiative], lo: int, hi: int, minimum: str) -> list[Initiative]:
    return [
        i
        for i in initiatives
        if not i.used_for and lo <= i.year <= hi and _scope_at_least(i.scope, minimum)
    ]


def _used_note(initiatives: Sequence[Initiative], lo: int, hi: int, minimum: str) -> str:
    used = [
        i
        for i in initiatives
        if i.used_for and lo <= i.year <= hi and _scope_at_least(i.scope, minimum)
    ]
    if not used:
        return ""
    names = ", ".join(
        f"{i.id} (đã dùng cho {NAMES.get(i.used_for or '', i.used_for)})" for i in used
    )
    return f" Sáng kiến đã dùng làm tiêu chí không được tính lại: {names}."


def _good(e: Entry, params: Mapping[str, Any]) -> bool:
    return e.code in params["ldtt_ratings"]


# --- criteria per target ----------------------------------------------------------------------------


def _ldtt(case: Case, p: Mapping[str, Any]) -> list[Criterion]:
    y = case.year
    rating = _rating_by_year(case.history).get(y)
    names = " hoặc ".join(RATING_NAMES[c] for c in RATINGS if c in p["ldtt_ratings"])
    ok = rating is not None and _good(rating, p)
    text = f"Năm {y} được xếp loại {names}"
    if rating is not None:
        text += f" (xếp loại năm {y}: {RATING_NAMES.get(rating.code, rating.code)})"
    missing = [] if ok else [f"cần xếp loại {names} năm {y}"]
    return [Criterion("LDTT.rating", ok, text, [_ev(rating)] if ok and rating else [], missing)]


def _ldtt_met(case: Case, p: Mapping[str, Any], year: int) -> tuple[bool, list[dict[str, Any]]]:
    """Whether the LĐTT criteria are met in `year`: holds LĐTT, or is rated good enough."""
    held = _years_with(case.history, ["LDTT"]).get(year)
    if held:
        return True, [_ev(held)]
    rating = _rating_by_year(case.history).get(year)
    if rating is not None and _good(rating, p):
        return True, [_ev(rating)]
    return False, []


def _cstd_cs(case: Case, p: Mapping[str, Any]) -> list[Criterion]:
    y = case.year
    ok, ev = _ldtt_met(case, p, y)
    out = [
        Criterion(
            "CSTD_CS.ldtt",
            ok,
            f"Đạt tiêu chuẩn Lao động tiên tiến năm {y}",
            ev,
            []
            if ok
            else [f"cần đạt Lao động tiên tiến năm {y} (xếp loại Hoàn thành tốt nhiệm vụ trở lên)"],
        )
    ]
    rating = _rating_by_year(case.history).get(y)
    excellent = rating is not None and rating.code == "HTXSNV"
    found = _unused(case.initiatives, y, y, "CO_SO")
    note = _used_note(case.initiatives, y, y, "CO_SO")
    route = p["cstd_cs_route"]
    ini_ev = [_ev_initiative(i) for i in found]
    if route == "any":
        ok = excellent or bool(found)
        text = (
            f"Năm {y} được xếp loại Hoàn thành xuất sắc nhiệm vụ, hoặc có sáng kiến (đề tài) "
            f"được công nhận chưa dùng làm tiêu chí.{note}"
        )
        ev = ([_ev(rating)] if excellent and rating else []) + ini_ev
        missing = (
            []
            if ok
            else [
                f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {y} hoặc 1 sáng kiến (đề tài) được công nhận năm {y}"
            ]
        )
        out.append(Criterion("CSTD_CS.achievement", ok, text, ev, missing))
        return out
    if route == "both":
        out.append(
            Criterion(
                "CSTD_CS.excellent",
                excellent,
                f"Năm {y} được xếp loại Hoàn thành xuất sắc nhiệm vụ",
                [_ev(rating)] if excellent and rating else [],
                [] if excellent else [f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {y}"],
            )
        )
    out.append(
        Criterion(
            "CSTD_CS.initiative",
            bool(found),
            f"Có sáng kiến (đề tài) được công nhận năm {y}, chưa dùng làm tiêu chí.{note}",
            ini_ev,
            [] if found else [f"cần 1 sáng kiến (đề tài) được công nhận năm {y}"],
        )
    )
    return out


def _cstd_bo(case: Case, p: Mapping[str, Any]) -> list[Criterion]:
    y = case.year
    n = int(p["cstd_bo_chain"])
    window = list(range(y - n + 1, y + 1))
    cs = _years_with(case.history, ["CSTD_CS"])
    have = [yr for yr in window if yr in cs]
    lacking = [yr for yr in window if yr not in cs]
    out = [
        Criterion(
            "CSTD_BO.chain",
            not lacking,
            f"{n} năm liên tục đạt Chiến sĩ thi đua cơ sở ({window[0]}–{y})",
            [_ev(cs[yr]) for yr in have],
            [] if not lacking else [_need("CSTD_CS", lacking)],
        )
    ]
    bo = _years_with(case.history, ["CSTD_BO"])
    consumed = [yr for yr in window[:-1] if yr in bo]
    out.append(
        Criterion(
            "CSTD_BO.chain_unused",
            not consumed,
            "Chuỗi Chiến sĩ thi đua cơ sở này chưa được dùng để xét Chiến sĩ thi đua cấp bộ, tỉnh",
            [_ev(bo[yr]) for yr in consumed],
            []
            if not consumed
            else [
                f"chuỗi đã được dùng cho Chiến sĩ thi đua cấp bộ, tỉnh năm {_year_list(consumed)}: "
                f"cần chuỗi {n} năm mới"
            ],
        )
    )
    minimum = p["cstd_bo_scope"]
    found = _unused(case.initiatives, window[0], y, minimum)
    note = _used_note(case.initiatives, window[0], y, minimum)
    out.append(
        Criterion(
            "CSTD_BO.initiative",
            bool(found),
            f"Có sáng kiến (đề tài) phạm vi {SCOPE_NAMES[minimum]} trở lên trong các năm "
            f"{window[0]}–{y}, chưa dùng làm tiêu chí.{note}",
            [_ev_initiative(i) for i in found],
            []
            if found
            else [
                f"cần 1 sáng kiến (đề tài) phạm vi {SCOPE_NAMES[minimum]} trở lên ({window[0]}–{y})"
            ],
        )
    )
    return out


def _cstd_tq(case: Case, p: Mapping[str, Any]) -> list[Criterion]:
    y = case.year
    gap = int(p["cstd_tq_gap"])
    chain = int(p["cstd_bo_chain"])
    bo = _years_with(case.history, ["CSTD_BO"])
    now = bo.get(y)
    out = [
        Criterion(
            "CSTD_TQ.second",
            now is not None,
            f"Đạt Chiến sĩ thi đua cấp bộ, tỉnh năm {y} (lần thứ hai liên tục)",
            [_ev(now)] if now else [],
            [] if now else [f"cần Chiến sĩ thi đua cấp bộ, tỉnh năm {y}"],
        )
    ]
    earlier = [yr for yr in bo if yr <= y - gap]
    first = max(earlier) if earlier else None
    out.append(
        Criterion(
            "CSTD_TQ.first",
            first is not None,
            f"Đạt Chiến sĩ thi đua cấp bộ, tỉnh lần trước (năm {y - gap} trở về trước)",
            [_ev(bo[first])] if first else [],
            []
            if first
            else [f"cần Chiến sĩ thi đua cấp bộ, tỉnh lần thứ nhất (năm {y - gap} trở về trước)"],
        )
    )
    start = (first if first is not None else y - gap) - chain + 1
    cs = _years_with(case.history, ["CSTD_CS"])
    window = list(range(start, y + 1))
    lacking = [yr for yr in window if yr not in cs]
    out.append(
        Criterion(
            "CSTD_TQ.chain",
            not lacking,
            f"Chiến sĩ thi đua cơ sở liên tục mọi năm {start}–{y} (hai chu kỳ không gián đoạn)",
            [_ev(cs[yr]) for yr in window if yr in cs],
            [] if not lacking else [_need("CSTD_CS", lacking)],
        )
    )
    # The initiative lies within the unbroken chain of CSTĐ cơ sở ending in the year considered.
    run = _run_ending(set(cs), y)
    lo = min(y - run + 1, y - gap - chain + 1)
    minimum = p["cstd_tq_scope"]
    found = _unused(case.initiatives, lo, y, minimum)
    note = _used_note(case.initiatives, lo, y, minimum)
    out.append(
        Criterion(
            "CSTD_TQ.initiative",
            bool(found),
            f"Có sáng kiến (đề tài) phạm vi {SCOPE_NAMES[minimum]} trong chuỗi {lo}–{y}, "
            f"chưa dùng làm tiêu chí.{note}",
            [_ev_initiative(i) for i in found],
            []
            if found
            else [f"cần 1 sáng kiến (đề tài) phạm vi {SCOPE_NAMES[minimum]} ({lo}–{y})"],
        )
    )
    return out


def _bk_bo(case: Case, p: Mapping[str, Any]) -> list[Criterion]:
    y = case.year
    n = int(p["bk_bo_cs_years"])
    window = list(range(y - n + 1, y + 1))
    cs = _years_with(case.history, ["CSTD_CS"])
    lacking = [yr for yr in window if yr not in cs]
    route1 = Criterion(
        "BK_BO.cstd_cs",
        not lacking,
        f"Cách 1: {n} năm liên tục đạt Chiến sĩ thi đua cơ sở ({window[0]}–{y})",
        [_ev(cs[yr]) for yr in window if yr in cs],
        [] if not lacking else [_need("CSTD_CS", lacking)],
        group="route",
    )
    m = int(p["bk_bo_xs_years"])
    k = int(p["bk_bo_initiatives"])
    ratings = _rating_by_year(case.history)
    xs_years = {yr for yr, e in ratings.items() if e.code == "HTXSNV"}
    run = _run_ending(xs_years, y)
    lo = y - max(run, m) + 1
    found = _unused(case.initiatives, lo, y, "CO_SO")
    missing2: list[str] = []
    if run < m:
        need = [yr for yr in range(y - m + 1, y + 1) if yr not in xs_years]
        missing2.append(f"cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm {_year_list(need)}")
    if len(found) < k:
        missing2.append(f"cần thêm {k - len(found)} sáng kiến (đề tài) cấp cơ sở ({lo}–{y})")
    route2 = Criterion(
        "BK_BO.excellent_initiatives",
        not missing2,
        f"Cách 2: {m} năm liên tục trở lên Hoàn thành xuất sắc nhiệm vụ, có {k} sáng kiến (đề tài) "
        f"cấp cơ sở trong thời gian đó, chưa dùng làm tiêu chí.{_used_note(case.initiatives, lo, y, 'CO_SO')}",
        [_ev(ratings[yr]) for yr in range(y - run + 1, y + 1)] + [_ev_initiative(i) for i in found],
        missing2,
        group="route",
    )
    return [route1, route2]


def _after(
    case: Case, p: Mapping[str, Any], base: str, target: str, need_excellent: bool
) -> list[Criterion]:
    """BK_TTG (on BK_BO) and HCLD3 (on BK_TTG): five good years that follow the lower award."""
    y = case.year
    w = int(p["window"])
    need_cs = int(p["window_cs"])
    window = list(range(y - w + 1, y + 1))
    bases = _years_with(case.history, [base])
    prior = [yr for yr in _years_with(case.history, [target]) if yr < y]
    last_prior = max(prior) if prior else None
    usable = [yr for yr in bases if yr < window[0] and (last_prior is None or yr > last_prior)]
    ref = max(usable) if usable else None
    base_text = f"Đã được tặng {NAMES[base]} (năm {window[0] - 1} trở về trước)"
    if last_prior is not None:
        base_text += f", sau lần được tặng {NAMES[target]} năm {last_prior}"
    out = [
        Criterion(
            f"{target}.base",
            ref is not None,
            base_text,
            [_ev(bases[ref])] if ref is not None else [],
            [] if ref is not None else [f"cần {NAMES[base]} (năm {window[0] - 1} trở về trước)"],
        )
    ]
    ratings = _rating_by_year(case.history)
    bad = [yr for yr in window if yr not in ratings or not _good(ratings[yr], p)]
    out.append(
        Criterion(
            f"{target}.ratings",
            not bad,
            f"{w} năm liên tục {window[0]}–{y} xếp loại Hoàn thành tốt nhiệm vụ trở lên",
            [_ev(ratings[yr]) for yr in window if yr in ratings and _good(ratings[yr], p)],
            []
            if not bad
            else [f"cần xếp loại Hoàn thành tốt nhiệm vụ trở lên năm {_year_list(bad)}"],
        )
    )
    if need_excellent:
        xs = [yr for yr in window if yr in ratings and ratings[yr].code == "HTXSNV"]
        out.append(
            Criterion(
                f"{target}.excellent",
                bool(xs),
                f"Ít nhất 1 năm Hoàn thành xuất sắc nhiệm vụ trong {window[0]}–{y}",
                [_ev(ratings[yr]) for yr in xs],
                [] if xs else [f"cần 1 năm Hoàn thành xuất sắc nhiệm vụ trong {window[0]}–{y}"],
            )
        )
    cs = _years_with(case.history, ["CSTD_CS"])
    got = [yr for yr in window if yr in cs]
    short = need_cs - len(got)
    free = [yr for yr in window if yr not in cs]
    missing: list[str] = []
    if short > 0:
        missing = [
            f"cần thêm {short} lần Chiến sĩ thi đua cơ sở trong các năm {window[0]}–{y}"
            + (f" (năm chưa có: {_year_list(free)})" if free else "")
        ]
    out.append(
        Criterion(
            f"{target}.cstd_cs",
            short <= 0,
            f"{need_cs} lần Chiến sĩ thi đua cơ sở trong {window[0]}–{y}",
            [_ev(cs[yr]) for yr in got],
            missing,
        )
    )
    return out


def _collective(case: Case, p: Mapping[str, Any], excellent: bool) -> list[Criterion]:
    y = case.year
    m = case.members
    assert m is not None
    target = "TTLDXS" if excellent else "TTLDTT"
    needed = ("HTXSNV",) if excellent else tuple(sorted(COMPLETED))
    rating = _rating_by_year(case.history).get(y)
    ok = rating is not None and rating.code in needed
    label = "Hoàn thành xuất sắc nhiệm vụ" if excellent else "Hoàn thành nhiệm vụ trở lên"
    out = [
        Criterion(
            f"{target}.unit_rating",
            ok,
            f"Tập thể được xếp loại {label} năm {y}",
            [_ev(rating)] if ok and rating else [],
            [] if ok else [f"cần kết quả xếp loại tập thể {label} năm {y}"],
        )
    ]
    all_done = m.total > 0 and m.completed >= m.total
    out.append(
        Criterion(
            f"{target}.all_completed",
            all_done,
            f"100% cá nhân hoàn thành nhiệm vụ ({m.completed}/{m.total})",
            [{"members": m.total, "completed": m.completed}],
            []
            if all_done
            else [f"còn {max(m.total - m.completed, 0)} cá nhân chưa hoàn thành nhiệm vụ"]
            if m.total
            else ["tập thể chưa có cá nhân nào được xếp loại"],
        )
    )
    need = share(p["ttldxs_ldtt_share" if excellent else "ttldtt_ldtt_share"])
    enough = m.total > 0 and Decimal(m.ldtt) >= need * m.total
    percent = f"{(need * 100).normalize():f}%"
    lacking = 0
    if not enough and m.total > 0:
        lacking = math.ceil(need * m.total - m.ldtt)
    out.append(
        Criterion(
            f"{target}.ldtt_share",
            enough,
            f"Ít nhất {percent} cá nhân đạt Lao động tiên tiến ({m.ldtt}/{m.total})",
            [{"members": m.total, "ldtt": m.ldtt}],
            []
            if enough
            else [
                f"cần thêm {max(lacking, 1)} cá nhân đạt Lao động tiên tiến (tối thiểu {percent})"
            ],
        )
    )
    if excellent:
        out.append(
            Criterion(
                f"{target}.cstd_cs",
                m.cstd_cs >= 1,
                f"Có cá nhân đạt Chiến sĩ thi đua cơ sở ({m.cstd_cs})",
                [{"cstd_cs": m.cstd_cs}],
                []
                if m.cstd_cs >= 1
                else [f"cần ít nhất 1 cá nhân đạt Chiến sĩ thi đua cơ sở năm {y}"],
            )
        )
    out.append(
        Criterion(
            f"{target}.no_discipline",
            m.disciplined == 0,
            "Không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên",
            [{"disciplined": m.disciplined}],
            []
            if m.disciplined == 0
            else [f"có {m.disciplined} cá nhân bị kỷ luật từ cảnh cáo trở lên"],
        )
    )
    return out


def criteria_for(case: Case, params: Mapping[str, Any]) -> list[Criterion]:
    t = case.target
    if t == "LDTT":
        return _ldtt(case, params)
    if t == "CSTD_CS":
        return _cstd_cs(case, params)
    if t == "CSTD_BO":
        return _cstd_bo(case, params)
    if t == "CSTD_TQ":
        return _cstd_tq(case, params)
    if t == "BK_BO":
        return _bk_bo(case, params)
    if t == "BK_TTG":
        return _after(case, params, "BK_BO", "BK_TTG", need_excellent=False)
    if t == "HCLD3":
        return _after(case, params, "BK_TTG", "HCLD3", need_excellent=True)
    if t == "TTLDTT":
        return _collective(case, params, excellent=False)
    if t == "TTLDXS":
        return _collective(case, params, excellent=True)
    raise CaseError(f"Chưa có quy tắc xét cho mã {t}.", "target")


# --- validation and evaluation ----------------------------------------------------------------------


def check_case(case: Case, known_codes: Iterable[str]) -> None:
    """CaseError naming the field for anything the engine cannot evaluate."""
    known = set(known_codes) | set(RATINGS)
    if case.target not in TARGETS:
        if case.target in known:
            raise CaseError(f"Chưa có quy tắc xét cho mã {case.target}.", "target")
        raise CaseError(f"Mã danh hiệu, hình thức không tồn tại: {case.target}.", "target")
    if case.subject not in ("individual", "collective"):
        raise CaseError(
            "Đối tượng phải là individual (cá nhân) hoặc collective (tập thể).", "subject"
        )
    if TARGETS[case.target] != case.subject:
        who = "cá nhân" if TARGETS[case.target] == "individual" else "tập thể"
        raise CaseError(f"{NAMES[case.target]} chỉ xét cho {who}.", "subject")
    if not MIN_YEAR <= case.year <= MAX_YEAR:
        raise CaseError(f"Năm xét {case.year} không hợp lệ (từ {MIN_YEAR} đến {MAX_YEAR}).", "year")
    for i, e in enumerate(case.history):
        if e.code not in known:
            raise CaseError(f"Mã không tồn tại: {e.code}.", f"history[{i}].code")
        if not MIN_YEAR <= e.year <= case.year:
            raise CaseError(
                f"Năm {e.year} không hợp lệ: phải từ {MIN_YEAR} đến năm xét {case.year}.",
                f"history[{i}].year",
            )
    ratings_seen: dict[int, str] = {}
    for i, e in enumerate(case.history):
        if e.code in RATINGS:
            if e.year in ratings_seen and ratings_seen[e.year] != e.code:
                raise CaseError(
                    f"Năm {e.year} có hai kết quả xếp loại khác nhau.", f"history[{i}].code"
                )
            ratings_seen[e.year] = e.code
    ids: set[str] = set()
    for i, ini in enumerate(case.initiatives):
        if ini.scope not in SCOPES:
            raise CaseError(
                f"Phạm vi sáng kiến không hợp lệ: {ini.scope} (CO_SO, BO_TINH, TOAN_QUOC).",
                f"initiatives[{i}].scope",
            )
        if not MIN_YEAR <= ini.year <= case.year:
            raise CaseError(
                f"Năm {ini.year} không hợp lệ: phải từ {MIN_YEAR} đến năm xét {case.year}.",
                f"initiatives[{i}].year",
            )
        if ini.used_for is not None and ini.used_for not in known:
            raise CaseError(f"Mã không tồn tại: {ini.used_for}.", f"initiatives[{i}].used_for")
        if ini.id in ids:
            raise CaseError(f"Sáng kiến {ini.id} được khai hai lần.", f"initiatives[{i}].id")
        ids.add(ini.id)
    m = case.members
    if case.subject == "collective":
        if m is None:
            raise CaseError("Xét tập thể cần số liệu cá nhân của tập thể (members).", "members")
        for name in ("total", "completed", "ldtt", "cstd_cs", "disciplined"):
            if getattr(m, name) < 0:
                raise CaseError("Số người không được âm.", f"members.{name}")
        for name in ("completed", "ldtt", "cstd_cs", "disciplined"):
            if getattr(m, name) > m.total:
                raise CaseError(
                    f"Số người ({getattr(m, name)}) lớn hơn tổng số cá nhân ({m.total}).",
                    f"members.{name}",
                )


def evaluate(case: Case, rule_set: RuleSet, overrides: Mapping[str, Any] | None = None) -> Result:
    """Eligibility of `case` under `rule_set` (with a tenant's parameter overrides), explained."""
    params = dict(rule_set.params)
    if overrides:
        params.update(overrides)
    criteria = criteria_for(case, params)
    plain = [c for c in criteria if c.group is None]
    groups: dict[str, list[Criterion]] = {}
    for c in criteria:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c)
    eligible = all(c.ok for c in plain) and all(any(c.ok for c in g) for g in groups.values())
    missing: list[str] = []
    for c in plain:
        missing.extend(c.missing)
    for g in groups.values():
        if not any(c.ok for c in g):
            closest = min(g, key=lambda c: len(c.missing))
            others = [c for c in g if c is not closest]
            missing.extend(closest.missing)
            for other in others:
                if other.missing:
                    missing.append("hoặc: " + "; ".join(other.missing))
    return Result(
        target=case.target,
        year=case.year,
        subject=case.subject,
        eligible=eligible,
        rule_set=rule_set.code,
        legal_basis=rule_set.legal_basis.get(case.target, ""),
        criteria=criteria,
        missing=missing,
    )
