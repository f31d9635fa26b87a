"""The pure rules of a dossier's path (dossiers.rules), without the database: the declared table of
transitions, working-day arithmetic over constructed calendars (Tết, 30/4–1/5, a make-up
Saturday), its properties under hypothesis, and the checks before sending (documents, quota,
initiatives), each explaining itself.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dossiers import rules
from dossiers.rules import Check, InitiativeRef, RecipientDocs

STATES = (
    "draft",
    "submitted",
    "appraisal",
    "comment",
    "council",
    "approved",
    "returned",
    "rejected",
    "forwarded",
    "decided",
)
P, R = "proposer", "receiver"

# The path as domain.md §7 and the issue describe it: (side, permission, reason required).
EXPECTED = {
    ("draft", "submitted"): (P, "dossier.prepare", False),
    ("returned", "submitted"): (P, "dossier.prepare", False),
    ("submitted", "appraisal"): (R, "dossier.appraise", False),
    ("submitted", "returned"): (R, "dossier.appraise", True),
    ("appraisal", "comment"): (R, "dossier.appraise", False),
    ("appraisal", "council"): (R, "dossier.appraise", False),
    ("appraisal", "returned"): (R, "dossier.appraise", True),
    ("comment", "council"): (R, "dossier.appraise", False),
    ("comment", "returned"): (R, "dossier.appraise", True),
    ("council", "approved"): (R, "dossier.council", False),
    ("council", "returned"): (R, "dossier.council", True),
    ("council", "rejected"): (R, "dossier.council", True),
    ("approved", "forwarded"): (R, "dossier.appraise", False),
    ("approved", "decided"): (R, "dossier.decide", False),
}

# Tết Bính Ngọ 2026 as the shipped calendar has it, built by hand: Monday 16 to Friday 20 February.
TET_2026 = {dt.date(2026, 2, d): False for d in range(16, 21)}
# 2025: Tết 27–31/1; 30/4, 1/5 and the swapped 2/5 off, Saturday 26/4 worked instead.
CAL_2025 = {
    **{dt.date(2025, 1, d): False for d in range(27, 32)},
    dt.date(2025, 4, 26): True,
    dt.date(2025, 4, 30): False,
    dt.date(2025, 5, 1): False,
    dt.date(2025, 5, 2): False,
}


# --- the table of transitions ----------------------------------------------------------------------


def test_it_declares_exactly_the_path_of_a_dossier() -> None:
    declared = {key: (t.side, t.action, t.reason_required) for key, t in rules.TRANSITIONS.items()}

    assert declared == EXPECTED
    assert all((t.source, t.target) == key for key, t in rules.TRANSITIONS.items())


def test_it_knows_every_state_of_the_model() -> None:
    from dossiers.models import DossierStatus

    assert set(DossierStatus.values) == set(STATES)
    assert {s for pair in rules.TRANSITIONS for s in pair} == set(STATES)


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in STATES for t in STATES if (s, t) not in EXPECTED],
)
def test_it_finds_no_transition_outside_the_table(source: str, target: str) -> None:
    assert rules.transition(source, target) is None


def test_it_asks_a_reason_exactly_for_returns_and_rejections() -> None:
    needing = {key for key, t in rules.TRANSITIONS.items() if t.reason_required}

    assert needing == {key for key in EXPECTED if key[1] in ("returned", "rejected")}


@pytest.mark.parametrize(
    ("source", "targets"),
    [
        ("draft", ["submitted"]),
        ("submitted", ["appraisal", "returned"]),
        ("appraisal", ["comment", "council", "returned"]),
        ("comment", ["council", "returned"]),
        ("council", ["approved", "returned", "rejected"]),
        ("approved", ["forwarded", "decided"]),
        ("returned", ["submitted"]),
        ("rejected", []),
        ("forwarded", []),
        ("decided", []),
    ],
)
def test_it_lists_the_next_states(source: str, targets: list[str]) -> None:
    assert rules.next_states(source) == targets


def test_it_keeps_a_dossier_editable_only_as_a_draft_or_returned() -> None:
    assert set(rules.EDITABLE) == {"draft", "returned"}
    assert set(rules.APPRAISING) == {"submitted", "appraisal"}
    assert set(rules.OPEN) == set(STATES) - {"rejected", "forwarded", "decided"}


@pytest.mark.parametrize(
    ("dossier_level", "award_level", "decides"),
    [
        ("co_so", "co_so", True),
        ("co_so", "bo_tinh", False),
        ("co_so", "chinh_phu", False),
        ("bo_tinh", "co_so", True),
        ("bo_tinh", "bo_tinh", True),
        ("bo_tinh", "chinh_phu", False),
        ("chinh_phu", "chinh_phu", True),
        ("chinh_phu", "nha_nuoc", False),
        ("nha_nuoc", "nha_nuoc", True),
    ],
)
def test_it_decides_an_award_at_its_level_or_above(
    dossier_level: str, award_level: str, decides: bool
) -> None:
    assert rules.decides_here(dossier_level, award_level) is decides


def test_it_refuses_an_unknown_level() -> None:
    with pytest.raises(ValueError):
        rules.level_index("xa")


@pytest.mark.parametrize(
    ("day", "opens", "closes", "open_"),
    [
        (dt.date(2025, 3, 3), dt.date(2025, 3, 3), dt.date(2025, 3, 10), True),
        (dt.date(2025, 3, 10), dt.date(2025, 3, 3), dt.date(2025, 3, 10), True),
        (dt.date(2025, 3, 2), dt.date(2025, 3, 3), dt.date(2025, 3, 10), False),
        (dt.date(2025, 3, 11), dt.date(2025, 3, 3), dt.date(2025, 3, 10), False),
        (dt.date(2025, 3, 5), None, dt.date(2025, 3, 10), False),
        (dt.date(2025, 3, 5), dt.date(2025, 3, 3), None, False),
    ],
)
def test_it_opens_the_comment_window_from_its_first_to_its_last_day(
    day: dt.date, opens: dt.date | None, closes: dt.date | None, open_: bool
) -> None:
    assert rules.comment_window_open(day, opens, closes) is open_


# --- working days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2025, 4, 25), True),  # Friday
        (dt.date(2025, 4, 26), True),  # Saturday worked to make up for 2/5
        (dt.date(2025, 4, 27), False),  # Sunday
        (dt.date(2025, 4, 30), False),  # Wednesday, Ngày Chiến thắng
        (dt.date(2025, 5, 3), False),  # Saturday
        (dt.date(2025, 1, 27), False),  # Monday of Tết
        (dt.date(2025, 2, 3), True),  # Monday after Tết
    ],
)
def test_it_tells_a_working_day(day: dt.date, working: bool) -> None:
    assert rules.is_working_day(day, CAL_2025) is working


@pytest.mark.parametrize(
    ("start", "days", "calendar", "end"),
    [
        # 10 working days from Thursday 12/2/2026 across Tết: Thursday 5/3/2026.
        (dt.date(2026, 2, 12), 10, TET_2026, dt.date(2026, 3, 5)),
        # The same without Tết: Thursday 26/2/2026.
        (dt.date(2026, 2, 12), 10, {}, dt.date(2026, 2, 26)),
        # The day after Friday 13/2/2026 is Monday 23/2/2026, the first day after Tết.
        (dt.date(2026, 2, 13), 1, TET_2026, dt.date(2026, 2, 23)),
        # Across Tết 2025: from Friday 24/1 one working day is Monday 3/2/2025.
        (dt.date(2025, 1, 24), 1, CAL_2025, dt.date(2025, 2, 3)),
        (dt.date(2025, 1, 20), 10, CAL_2025, dt.date(2025, 2, 10)),
        # The make-up Saturday 26/4/2025 counts.
        (dt.date(2025, 4, 25), 1, CAL_2025, dt.date(2025, 4, 26)),
        (dt.date(2025, 4, 25), 3, CAL_2025, dt.date(2025, 4, 29)),
        # Across 30/4–2/5/2025: Tuesday 6/5.
        (dt.date(2025, 4, 25), 5, CAL_2025, dt.date(2025, 5, 6)),
        (dt.date(2025, 4, 29), 1, CAL_2025, dt.date(2025, 5, 5)),
        # Start not counted: Monday + 1 = Tuesday; Friday + 1 = Monday.
        (dt.date(2025, 3, 3), 1, {}, dt.date(2025, 3, 4)),
        (dt.date(2025, 3, 7), 1, {}, dt.date(2025, 3, 10)),
        # Zero days: the day itself when worked, else the next working day.
        (dt.date(2025, 3, 3), 0, {}, dt.date(2025, 3, 3)),
        (dt.date(2025, 3, 8), 0, {}, dt.date(2025, 3, 10)),
        (dt.date(2025, 4, 30), 0, CAL_2025, dt.date(2025, 5, 5)),
        (dt.date(2025, 1, 27), 0, CAL_2025, dt.date(2025, 2, 3)),
        (dt.date(2025, 4, 26), 0, CAL_2025, dt.date(2025, 4, 26)),
    ],
)
def test_it_adds_working_days(
    start: dt.date, days: int, calendar: dict[dt.date, bool], end: dt.date
) -> None:
    assert rules.add_working_days(start, days, calendar) == end


def test_it_refuses_negative_working_days() -> None:
    with pytest.raises(ValueError):
        rules.add_working_days(dt.date(2025, 3, 3), -1, {})


@pytest.mark.parametrize(
    ("start", "end", "calendar", "count"),
    [
        (dt.date(2026, 2, 12), dt.date(2026, 3, 5), TET_2026, 10),
        (dt.date(2026, 3, 5), dt.date(2026, 2, 12), TET_2026, -10),
        (dt.date(2025, 3, 3), dt.date(2025, 3, 3), {}, 0),
        (dt.date(2025, 3, 7), dt.date(2025, 3, 9), {}, 0),  # Friday to Sunday
        (dt.date(2025, 4, 25), dt.date(2025, 5, 6), CAL_2025, 5),
        (dt.date(2025, 1, 24), dt.date(2025, 2, 2), CAL_2025, 0),  # only Tết and weekends
    ],
)
def test_it_counts_working_days_between_two_dates(
    start: dt.date, end: dt.date, calendar: dict[dt.date, bool], count: int
) -> None:
    assert rules.working_days_between(start, end, calendar) == count


# Random calendars over the first half of 2025: any listed day may be a holiday or a day worked.
FIRST = dt.date(2025, 1, 1)
days_2025 = st.integers(0, 180).map(lambda n: FIRST + dt.timedelta(days=n))
calendars = st.dictionaries(days_2025, st.booleans(), max_size=60)
PROPS = settings(max_examples=300, deadline=None)


@PROPS
@given(start=days_2025, n=st.integers(0, 60), calendar=calendars)
@example(start=dt.date(2026, 2, 12), n=10, calendar=TET_2026)
def test_property_the_day_reached_is_a_working_day(
    start: dt.date, n: int, calendar: dict[dt.date, bool]
) -> None:
    assert rules.is_working_day(rules.add_working_days(start, n, calendar), calendar)


@PROPS
@given(start=days_2025, n=st.integers(1, 60), calendar=calendars)
@example(start=dt.date(2025, 1, 24), n=1, calendar=CAL_2025)
def test_property_counting_back_gives_the_days_added(
    start: dt.date, n: int, calendar: dict[dt.date, bool]
) -> None:
    end = rules.add_working_days(start, n, calendar)

    assert end > start
    assert rules.working_days_between(start, end, calendar) == n
    assert rules.working_days_between(end, start, calendar) == -n


@PROPS
@given(start=days_2025, calendar=calendars)
def test_property_zero_days_is_the_first_working_day_from_the_start(
    start: dt.date, calendar: dict[dt.date, bool]
) -> None:
    end = rules.add_working_days(start, 0, calendar)

    assert end >= start
    assert rules.is_working_day(end, calendar)
    assert all(
        not rules.is_working_day(start + dt.timedelta(days=i), calendar)
        for i in range((end - start).days)
    )
    # Counted back: nothing when the start is worked, else the one day reached.
    expected = 0 if rules.is_working_day(start, calendar) else 1
    assert rules.working_days_between(start, end, calendar) == expected


@PROPS
@given(start=days_2025, n=st.integers(0, 60), calendar=calendars)
def test_property_more_days_end_later(
    start: dt.date, n: int, calendar: dict[dt.date, bool]
) -> None:
    this = rules.add_working_days(start, n, calendar)
    following = rules.add_working_days(start, n + 1, calendar)

    assert following >= this
    if n >= 1 or rules.is_working_day(start, calendar):
        assert following > this


@PROPS
@given(start=days_2025, m=st.integers(1, 40), n=st.integers(0, 40), calendar=calendars)
def test_property_adding_in_two_steps_is_adding_once(
    start: dt.date, m: int, n: int, calendar: dict[dt.date, bool]
) -> None:
    middle = rules.add_working_days(start, m, calendar)

    assert rules.add_working_days(middle, n, calendar) == rules.add_working_days(
        start, m + n, calendar
    )


@PROPS
@given(three=st.lists(days_2025, min_size=3, max_size=3).map(sorted), calendar=calendars)
def test_property_counts_add_up(three: list[dt.date], calendar: dict[dt.date, bool]) -> None:
    a, b, c = three

    assert rules.working_days_between(a, c, calendar) == rules.working_days_between(
        a, b, calendar
    ) + rules.working_days_between(b, c, calendar)


# --- document checks -------------------------------------------------------------------------------

REQUIRED = ["TO_TRINH", "BAO_CAO_THANH_TICH", "BIEN_BAN_BINH_XET", "XAC_NHAN_SANG_KIEN"]
NAMES = {
    "TO_TRINH": "Tờ trình đề nghị khen thưởng",
    "BAO_CAO_THANH_TICH": "Báo cáo thành tích",
    "BIEN_BAN_BINH_XET": "Biên bản họp bình xét",
    "XAC_NHAN_SANG_KIEN": "Giấy chứng nhận sáng kiến",
}


def test_it_passes_a_complete_dossier() -> None:
    checks = rules.document_checks(
        REQUIRED,
        NAMES,
        ["TO_TRINH", "BIEN_BAN_BINH_XET"],
        [
            RecipientDocs(1, "Nguyễn Thị Lan", frozenset({"BAO_CAO_THANH_TICH"}), False),
            RecipientDocs(
                2,
                "Lê Văn Minh",
                frozenset({"BAO_CAO_THANH_TICH", "XAC_NHAN_SANG_KIEN"}),
                True,
            ),
        ],
    )

    assert [(c.code, c.ok, c.text, c.recipient_id, c.details) for c in checks] == [
        ("documents", True, "Đủ giấy tờ chung của hồ sơ", None, []),
        ("documents", True, "Nguyễn Thị Lan: đủ giấy tờ", 1, []),
        ("documents", True, "Lê Văn Minh: đủ giấy tờ", 2, []),
    ]
    assert rules.blocking(checks) == []


def test_it_names_each_missing_document() -> None:
    checks = rules.document_checks(
        REQUIRED,
        NAMES,
        ["TO_TRINH"],
        [
            RecipientDocs(1, "Nguyễn Thị Lan", frozenset(), False),
            RecipientDocs(2, "Lê Văn Minh", frozenset({"BAO_CAO_THANH_TICH"}), True),
        ],
    )

    assert [(c.ok, c.text, c.details) for c in checks] == [
        (False, "Thiếu giấy tờ của hồ sơ: Biên bản họp bình xét", ["Biên bản họp bình xét"]),
        (False, "Nguyễn Thị Lan: thiếu Báo cáo thành tích", ["Báo cáo thành tích"]),
        (False, "Lê Văn Minh: thiếu Giấy chứng nhận sáng kiến", ["Giấy chứng nhận sáng kiến"]),
    ]
    assert rules.blocking(checks) == checks
    assert [c.overridable for c in checks] == [False, False, False]


def test_it_asks_the_initiative_certificate_only_of_those_relying_on_one() -> None:
    checks = rules.document_checks(
        REQUIRED,
        NAMES,
        ["TO_TRINH", "BIEN_BAN_BINH_XET"],
        [RecipientDocs(1, "Nguyễn Thị Lan", frozenset({"BAO_CAO_THANH_TICH"}), False)],
    )

    assert [c.ok for c in checks] == [True, True]


def test_it_shows_the_code_of_a_document_without_a_name() -> None:
    checks = rules.document_checks(["TO_TRINH", "QUYET_DINH_CU"], {}, [], [])

    assert checks[0].text == "Thiếu giấy tờ của hồ sơ: TO_TRINH; QUYET_DINH_CU"


# --- quota -----------------------------------------------------------------------------------------


def test_it_keeps_a_quota_within_the_share() -> None:
    check = rules.quota_check(
        label="Chiến sĩ thi đua cơ sở",
        share=Decimal("0.15"),
        base_label="Lao động tiên tiến",
        base=7,
        existing=0,
        proposed=1,
    )

    assert (check.code, check.ok, check.details) == ("quota", True, [])
    assert check.text == (
        "Trong chỉ tiêu — Chiến sĩ thi đua cơ sở: 1 (đã có 0, đề nghị 1) trên tối đa 1 "
        "= 15% của 7 Lao động tiên tiến"
    )


def test_it_blocks_a_quota_exceeded_and_says_by_how_much() -> None:
    check = rules.quota_check(
        label="Chiến sĩ thi đua cơ sở",
        share=Decimal("0.2"),
        base_label="Lao động tiên tiến",
        base=9,
        existing=1,
        proposed=2,
    )

    assert (check.ok, check.details, check.blocking, check.overridable) == (
        False,
        ["vượt 2"],
        True,
        False,
    )
    assert check.text == (
        "Vượt tỷ lệ — Chiến sĩ thi đua cơ sở: 3 (đã có 1, đề nghị 2) trên tối đa 1 "
        "= 20% của 9 Lao động tiên tiến"
    )


@PROPS
@given(
    share=st.decimals(0, 1, places=4),
    base=st.integers(0, 500),
    existing=st.integers(0, 100),
    proposed=st.integers(0, 100),
)
def test_property_a_quota_passes_iff_the_total_fits_the_share_rounded_down(
    share: Decimal, base: int, existing: int, proposed: int
) -> None:
    check = rules.quota_check(
        label="x", share=share, base_label="y", base=base, existing=existing, proposed=proposed
    )

    assert check.ok is (existing + proposed <= math.floor(share * base))
    assert check.details == (
        [] if check.ok else [f"vượt {existing + proposed - math.floor(share * base)}"]
    )


# --- initiatives -----------------------------------------------------------------------------------


def test_it_lets_each_unused_initiative_count_once() -> None:
    checks = rules.initiative_checks(
        [
            (1, "Nguyễn Thị Lan", [InitiativeRef("SK-1", "Số hoá hồ sơ")]),
            (2, "Lê Văn Minh", [InitiativeRef("SK-2", "Một cửa điện tử")]),
        ]
    )

    assert [(c.code, c.ok, c.text, c.recipient_id) for c in checks] == [
        ("initiative", True, "Nguyễn Thị Lan: sáng kiến SK-1 chưa được dùng", 1),
        ("initiative", True, "Lê Văn Minh: sáng kiến SK-2 chưa được dùng", 2),
    ]


def test_it_blocks_an_initiative_used_in_the_register() -> None:
    (check,) = rules.initiative_checks(
        [
            (
                1,
                "Nguyễn Thị Lan",
                [InitiativeRef("SK-1", "", used_for="Chiến sĩ thi đua cơ sở năm 2023")],
            )
        ]
    )

    assert (check.ok, check.blocking, check.overridable) == (False, True, False)
    assert check.text == (
        "Nguyễn Thị Lan: sáng kiến SK-1 đã được dùng làm tiêu chuẩn cho Chiến sĩ thi đua cơ sở "
        "năm 2023; mỗi sáng kiến chỉ được dùng một lần"
    )


def test_it_blocks_an_initiative_relied_on_by_another_open_dossier() -> None:
    (check,) = rules.initiative_checks(
        [(1, "Nguyễn Thị Lan", [InitiativeRef("SK-1", "", elsewhere="HS-2025-000007")])]
    )

    assert check.ok is False
    assert check.text == (
        "Nguyễn Thị Lan: sáng kiến SK-1 đang được dùng trong hồ sơ HS-2025-000007; "
        "mỗi sáng kiến chỉ được dùng một lần"
    )


def test_it_blocks_the_same_initiative_twice_in_a_dossier() -> None:
    checks = rules.initiative_checks(
        [
            (1, "Nguyễn Thị Lan", [InitiativeRef("SK-1", "")]),
            (2, "Lê Văn Minh", [InitiativeRef("SK-1", "")]),
        ]
    )

    assert [(c.ok, c.text) for c in checks] == [
        (True, "Nguyễn Thị Lan: sáng kiến SK-1 chưa được dùng"),
        (
            False,
            "Lê Văn Minh: sáng kiến SK-1 đã được dùng cho Nguyễn Thị Lan trong hồ sơ này; "
            "mỗi sáng kiến chỉ được dùng một lần",
        ),
    ]


def test_it_names_the_register_use_before_another_dossier() -> None:
    (check,) = rules.initiative_checks(
        [
            (
                1,
                "Nguyễn Thị Lan",
                [
                    InitiativeRef(
                        "SK-1", "", used_for="Lao động tiên tiến năm 2023", elsewhere="HS-1"
                    )
                ],
            )
        ]
    )

    assert "đã được dùng làm tiêu chuẩn cho Lao động tiên tiến năm 2023" in check.text
    assert "HS-1" not in check.text


# --- blocking and overriding -----------------------------------------------------------------------


def test_an_overridden_check_no_longer_blocks_but_still_fails() -> None:
    check = Check(
        "eligibility",
        False,
        "Nguyễn Thị Lan: chưa đủ điều kiện",
        recipient_id=1,
        overridable=True,
        overridden=True,
        override_reason="Thành tích đột xuất trong phòng chống bão lũ",
    )

    assert rules.blocking([check]) == []
    assert check.as_dict() == {
        "code": "eligibility",
        "ok": False,
        "text": "Nguyễn Thị Lan: chưa đủ điều kiện",
        "recipient_id": 1,
        "subject": "",
        "details": [],
        "overridable": True,
        "overridden": True,
        "override_reason": "Thành tích đột xuất trong phòng chống bão lũ",
        "blocking": False,
    }
