"""Reads of dossiers: working days on the shipped calendar (Tết 2025 and 2026, 30/4–1/5 with its
make-up Saturday), the levels' time limits, the checks before sending (documents, the eligibility
engine's explanation, the province's CSTĐ cơ sở quota, initiatives counted once), the officer's
overdue dossiers and the public comment page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import User
from dossiers import rules, selectors, services
from dossiers.models import Dossier, Holiday, LevelRule
from dossiers.tests.factories import (
    T0,
    awarded,
    bring,
    draft,
    initiative,
    pdf,
    rate,
    staff,
)
from orgs.models import Org
from people.models import Person
from register import selectors as register_selectors
from register import services as register_services

# --- working days on the shipped calendar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        # Thursday 12/2/2026 + 10 working days, across Tết Bính Ngọ (16–20/2): Thursday 5/3/2026.
        (dt.date(2026, 2, 12), 10, dt.date(2026, 3, 5)),
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 23)),
        # Tết Ất Tỵ (27–31/1/2025).
        (dt.date(2025, 1, 24), 1, dt.date(2025, 2, 3)),
        (dt.date(2025, 1, 20), 10, dt.date(2025, 2, 10)),
        # Tết Giáp Thìn (8, 9, 12–14/2/2024).
        (dt.date(2024, 2, 7), 1, dt.date(2024, 2, 15)),
        # 30/4–1/5/2025 with 2/5 off and Saturday 26/4 worked instead.
        (dt.date(2025, 4, 25), 1, dt.date(2025, 4, 26)),
        (dt.date(2025, 4, 25), 5, dt.date(2025, 5, 6)),
        (dt.date(2025, 4, 29), 1, dt.date(2025, 5, 5)),
        # 2024: Monday 29/4 off, Saturday 4/5 worked.
        (dt.date(2024, 4, 26), 1, dt.date(2024, 5, 2)),
        (dt.date(2024, 5, 3), 1, dt.date(2024, 5, 4)),
        # 2026: Giỗ Tổ moved to Monday 27/4, then 30/4 and 1/5.
        (dt.date(2026, 4, 24), 5, dt.date(2026, 5, 6)),
        # Quốc khánh 2025: 1 and 2/9.
        (dt.date(2025, 8, 29), 1, dt.date(2025, 9, 3)),
        # Zero days on a holiday rolls to the next working day; on a working day it stays.
        (dt.date(2025, 4, 30), 0, dt.date(2025, 5, 5)),
        (dt.date(2026, 2, 16), 0, dt.date(2026, 2, 23)),
        (dt.date(2025, 4, 26), 0, dt.date(2025, 4, 26)),
        (dt.date(2025, 3, 3), 0, dt.date(2025, 3, 3)),
    ],
)
def test_it_adds_working_days_on_the_shipped_calendar(
    db: Any, start: dt.date, days: int, end: dt.date
) -> None:
    assert selectors.add_working_days(start, days) == end


def test_it_reads_enough_of_the_calendar_for_long_time_limits(db: Any) -> None:
    whole = dict(Holiday.objects.values_list("day", "working"))
    starts = [
        dt.date(2024, 1, 2),
        dt.date(2024, 12, 20),
        dt.date(2025, 1, 24),
        dt.date(2026, 2, 13),
    ]

    for start in starts:
        for days in range(0, 400, 7):
            assert selectors.add_working_days(start, days) == rules.add_working_days(
                start, days, whole
            ), (start, days)


def test_it_counts_the_working_days_left(db: Any) -> None:
    assert selectors.working_days_left(dt.date(2026, 2, 12), dt.date(2026, 3, 5)) == 10
    assert selectors.working_days_left(dt.date(2026, 3, 5), dt.date(2026, 2, 12)) == -10
    assert selectors.working_days_left(dt.date(2025, 1, 24), dt.date(2025, 2, 3)) == 1


def test_it_lists_the_calendar_days_of_a_period(db: Any) -> None:
    assert selectors.calendar(dt.date(2025, 4, 25), dt.date(2025, 5, 5)) == {
        dt.date(2025, 4, 26): True,
        dt.date(2025, 4, 30): False,
        dt.date(2025, 5, 1): False,
        dt.date(2025, 5, 2): False,
    }


def test_it_names_the_years_without_holidays(db: Any) -> None:
    assert selectors.years_without_holidays([2023, 2024, 2025, 2026, 2027]) == [2023, 2027]


def test_it_reads_the_shipped_time_limits(db: Any) -> None:
    limits = {
        level: (r.appraisal_days, r.public_comment, r.comment_days)
        for level in rules.LEVELS
        for r in [selectors.level_rule(level)]
    }

    assert limits == {
        "co_so": (10, False, 5),
        "bo_tinh": (25, False, 5),
        "chinh_phu": (30, True, 10),
        "nha_nuoc": (30, True, 10),
    }


def test_it_falls_back_to_the_shipped_limits_when_a_level_was_removed(db: Any) -> None:
    LevelRule.objects.filter(level="chinh_phu").delete()

    rule = selectors.level_rule("chinh_phu")

    assert rule.pk is None
    assert (rule.appraisal_days, rule.public_comment, rule.comment_days) == (30, True, 10)


# --- the checks before sending ---------------------------------------------------------------------


def summary(checks: list[rules.Check]) -> list[tuple[str, bool, str]]:
    return [(c.code, c.ok, c.text) for c in checks]


def test_it_passes_a_complete_dossier_of_an_eligible_person(
    cstd_dossier: Callable[..., Dossier], person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    checks, results = selectors.dossier_checks(dossier)

    assert summary(checks) == [
        ("documents", True, "Đủ giấy tờ chung của hồ sơ"),
        ("documents", True, "Nguyễn Thị Lan: đủ giấy tờ"),
        ("eligibility", True, "Nguyễn Thị Lan: đủ điều kiện Chiến sĩ thi đua cơ sở năm 2024"),
    ]
    (recipient,) = dossier.recipients.all()
    assert results[recipient.pk].eligible is True
    assert rules.blocking(checks) == []


def test_it_blocks_a_dossier_without_recipients(cstd_dossier: Callable[..., Dossier]) -> None:
    dossier = cstd_dossier([])

    checks, _results = selectors.dossier_checks(dossier)

    assert summary(rules.blocking(checks)) == [
        ("recipients", False, "Hồ sơ chưa có người hoặc tập thể được đề nghị")
    ]


def test_it_names_the_missing_documents(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-07", [colleague_thai_nguyen])
    dossier = cstd_dossier(
        [person_thai_nguyen, colleague_thai_nguyen],
        initiatives={colleague_thai_nguyen.pk: [sk]},
        documents=False,
    )
    lan, minh = dossier.recipients.order_by("rank")
    services.document_add(actor=admin_user, dossier=dossier, kind="TO_TRINH", upload=pdf())
    services.document_add(
        actor=admin_user, dossier=dossier, kind="BAO_CAO_THANH_TICH", recipient=minh, upload=pdf()
    )

    checks, _results = selectors.dossier_checks(dossier)

    assert summary([c for c in checks if c.code == "documents"]) == [
        ("documents", False, "Thiếu giấy tờ của hồ sơ: Biên bản họp bình xét"),
        ("documents", False, "Nguyễn Thị Lan: thiếu Báo cáo thành tích"),
        (
            "documents",
            False,
            "Lê Văn Minh: thiếu Giấy chứng nhận hiệu quả, phạm vi ảnh hưởng của sáng kiến "
            "hoặc đề tài",
        ),
    ]
    assert [c.recipient_id for c in checks if c.code == "documents"] == [None, lan.pk, minh.pk]


def test_it_checks_the_newest_document_of_each_kind(
    cstd_dossier: Callable[..., Dossier], admin_user: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])
    newer = services.document_add(
        actor=admin_user, dossier=dossier, kind="TO_TRINH", upload=pdf("to-trinh-v2.pdf")
    )

    current = selectors.current_documents(dossier)

    assert sorted((d.kind, d.name) for d in current) == [
        ("BAO_CAO_THANH_TICH", "a.pdf"),
        ("BIEN_BAN_BINH_XET", "a.pdf"),
        ("TO_TRINH", "to-trinh-v2.pdf"),
    ]
    assert newer in current
    assert dossier.documents.count() == 4  # the older proposal stays in the history


def test_it_explains_why_a_recipient_is_not_eligible(
    cstd_dossier: Callable[..., Dossier], person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTNV")
    dossier = cstd_dossier([person_thai_nguyen])
    engine = register_selectors.evaluate_person(person_thai_nguyen, "CSTD_CS", 2024)

    checks, results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "eligibility"]
    assert engine.eligible is False
    assert check.text == "Nguyễn Thị Lan: chưa đủ điều kiện — " + "; ".join(engine.missing)
    assert "cần xếp loại Hoàn thành xuất sắc nhiệm vụ năm 2024" in check.text
    assert check.details == [("✓ " if c.ok else "✗ ") + c.text for c in engine.criteria]
    assert (check.ok, check.blocking, check.overridable, check.overridden) == (
        False,
        True,
        True,
        False,
    )
    (recipient,) = dossier.recipients.all()
    assert check.recipient_id == recipient.pk
    assert results[recipient.pk].missing == engine.missing


def test_an_overridden_recipient_no_longer_blocks(
    cstd_dossier: Callable[..., Dossier], officer_thai_nguyen: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTNV")
    dossier = cstd_dossier([person_thai_nguyen])
    (recipient,) = dossier.recipients.all()
    reason = "Thành tích đột xuất trong phòng chống bão số 3 (Yagi)"
    services.recipient_override(actor=officer_thai_nguyen, recipient=recipient, reason=reason)

    checks, _results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "eligibility"]
    assert (check.ok, check.overridden, check.override_reason, check.blocking) == (
        False,
        True,
        reason,
        False,
    )
    assert rules.blocking(checks) == []


def test_it_leaves_a_code_without_automatic_rules_to_the_council(
    flag_dossier: Callable[..., Dossier],
) -> None:
    dossier = flag_dossier()

    checks, results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "eligibility"]
    assert (check.ok, check.text) == (
        True,
        "Sở Nội vụ tỉnh Thái Nguyên: chưa có quy tắc xét tự động cho CO_BO; "
        "Hội đồng xét theo hồ sơ và thành tích",
    )
    assert list(results.values()) == [None]


# --- quota -----------------------------------------------------------------------------------------


@pytest.fixture
def quota_15(officer_thai_nguyen: User, thai_nguyen: Org) -> None:
    """Thái Nguyên allows CSTĐ cơ sở for at most 15% of its LĐTT, from 1/1/2024."""
    register_services.parameter_set(
        actor=officer_thai_nguyen,
        org=thai_nguyen,
        key="CSTD_CS_MAX_SHARE",
        value=Decimal("0.15"),
        valid_from=dt.date(2024, 1, 1),
    )


def ldtt_holders(actor: User, unit: Org, n: int) -> list[Person]:
    people = staff(unit, n)
    awarded(actor, unit, "LDTT", 2024, people, number="01/QĐ-LĐTT")
    return people


def test_it_blocks_more_cstd_cs_than_the_province_allows(
    quota_15: None,
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> None:
    ldtt_holders(admin_user, snv_thai_nguyen, 6)  # 15% of 6 is 0.9: none allowed
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    checks, _results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "quota"]
    assert (check.ok, check.blocking, check.details) == (False, True, ["vượt 1"])
    assert check.text == (
        "Vượt tỷ lệ — Chiến sĩ thi đua cơ sở: 1 (đã có 0, đề nghị 1) trên tối đa 0 "
        "= 15% của 6 Lao động tiên tiến"
    )


def test_it_passes_a_proposal_within_the_quota(
    quota_15: None,
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> None:
    ldtt_holders(admin_user, snv_thai_nguyen, 7)  # 15% of 7 is 1.05: one allowed
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    checks, _results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "quota"]
    assert (check.ok, check.text) == (
        True,
        "Trong chỉ tiêu — Chiến sĩ thi đua cơ sở: 1 (đã có 0, đề nghị 1) trên tối đa 1 "
        "= 15% của 7 Lao động tiên tiến",
    )


def test_the_quota_counts_those_awarded_and_those_proposed_elsewhere(
    quota_15: None,
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    holders = ldtt_holders(admin_user, snv_thai_nguyen, 7)
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    first = bring(admin_user, cstd_dossier([colleague_thai_nguyen]), "submitted")
    awarded(admin_user, snv_thai_nguyen, "CSTD_CS", 2024, holders[:1], number="02/QĐ-SNV")
    dossier = cstd_dossier([person_thai_nguyen])

    checks, _results = selectors.dossier_checks(dossier)

    (check,) = [c for c in checks if c.code == "quota"]
    assert first.status == "submitted"
    assert check.ok is False
    assert check.text == (
        "Vượt tỷ lệ — Chiến sĩ thi đua cơ sở: 3 (đã có 2, đề nghị 1) trên tối đa 1 "
        "= 15% của 7 Lao động tiên tiến"
    )


def test_no_quota_applies_where_the_province_set_none(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    bac_giang: Org,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> None:
    register_services.parameter_set(
        actor=admin_user,
        org=bac_giang,
        key="CSTD_CS_MAX_SHARE",
        value=Decimal("0.15"),
        valid_from=dt.date(2024, 1, 1),
    )
    ldtt_holders(admin_user, snv_thai_nguyen, 2)
    rate(person_thai_nguyen, 2024, "HTXSNV")
    dossier = cstd_dossier([person_thai_nguyen])

    checks, _results = selectors.dossier_checks(dossier)

    assert [c for c in checks if c.code == "quota"] == []


# --- initiatives -----------------------------------------------------------------------------------


def test_it_blocks_an_initiative_already_used_in_the_register(
    cstd_dossier: Callable[..., Dossier], admin_user: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(
        admin_user, "SK-2023-01", [person_thai_nguyen], recognised_on=dt.date(2023, 5, 1)
    )
    register_services.initiative_use(actor=admin_user, initiative=sk, code="CSTD_CS", year=2023)
    dossier = cstd_dossier([person_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]})

    checks, _results = selectors.dossier_checks(dossier)

    assert summary([c for c in checks if c.code == "initiative"]) == [
        (
            "initiative",
            False,
            "Nguyễn Thị Lan: sáng kiến SK-2023-01 đã được dùng làm tiêu chuẩn cho Chiến sĩ thi đua "
            "cơ sở năm 2023; mỗi sáng kiến chỉ được dùng một lần",
        )
    ]
    assert [c.code for c in rules.blocking(checks)] == ["initiative"]


def test_it_blocks_an_initiative_relied_on_by_another_open_dossier(
    cstd_dossier: Callable[..., Dossier], admin_user: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-02", [person_thai_nguyen])
    other = cstd_dossier([person_thai_nguyen], code="GK", initiatives={person_thai_nguyen.pk: [sk]})
    dossier = cstd_dossier([person_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]})

    checks, _results = selectors.dossier_checks(dossier)

    assert summary([c for c in checks if c.code == "initiative"]) == [
        (
            "initiative",
            False,
            f"Nguyễn Thị Lan: sáng kiến SK-2024-02 đang được dùng trong hồ sơ {other.reference}; "
            "mỗi sáng kiến chỉ được dùng một lần",
        )
    ]


def test_a_rejected_dossier_no_longer_holds_its_initiatives(
    cstd_dossier: Callable[..., Dossier], admin_user: User, person_thai_nguyen: Person
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-03", [person_thai_nguyen])
    other = cstd_dossier([person_thai_nguyen], code="GK", initiatives={person_thai_nguyen.pk: [sk]})
    bring(admin_user, other, "rejected")
    dossier = cstd_dossier([person_thai_nguyen], initiatives={person_thai_nguyen.pk: [sk]})

    checks, _results = selectors.dossier_checks(dossier)

    assert summary([c for c in checks if c.code == "initiative"]) == [
        ("initiative", True, "Nguyễn Thị Lan: sáng kiến SK-2024-03 chưa được dùng")
    ]
    assert rules.blocking(checks) == []


def test_it_blocks_one_initiative_relied_on_twice_in_a_dossier(
    cstd_dossier: Callable[..., Dossier],
    admin_user: User,
    person_thai_nguyen: Person,
    colleague_thai_nguyen: Person,
) -> None:
    rate(person_thai_nguyen, 2024, "HTXSNV")
    rate(colleague_thai_nguyen, 2024, "HTXSNV")
    sk = initiative(admin_user, "SK-2024-04", [person_thai_nguyen, colleague_thai_nguyen])
    dossier = cstd_dossier(
        [person_thai_nguyen, colleague_thai_nguyen],
        initiatives={person_thai_nguyen.pk: [sk], colleague_thai_nguyen.pk: [sk]},
    )

    checks, _results = selectors.dossier_checks(dossier)

    assert summary([c for c in checks if c.code == "initiative"]) == [
        ("initiative", True, "Nguyễn Thị Lan: sáng kiến SK-2024-04 chưa được dùng"),
        (
            "initiative",
            False,
            "Lê Văn Minh: sáng kiến SK-2024-04 đã được dùng cho Nguyễn Thị Lan trong hồ sơ này; "
            "mỗi sáng kiến chỉ được dùng một lần",
        ),
    ]


# --- the officer's overdue dossiers, the public page -----------------------------------------------


def test_it_lists_only_the_receiving_officers_overdue_dossiers(
    flag_dossier: Callable[..., Dossier],
    admin_user: User,
    officer_thai_nguyen: User,
    officer_bac_giang: User,
    officer_snv_thai_nguyen: User,
    focal_snv_thai_nguyen: User,
    council_thai_nguyen: User,
    snv_bac_giang: Org,
    bac_giang: Org,
) -> None:
    # Sent on 3/3/2025 to a province (25 working days, Giỗ Tổ on 7/4): due on 8/4/2025.
    late = flag_dossier("submitted")
    late_in_appraisal = flag_dossier("appraisal")
    in_council = flag_dossier("council")
    sent_later = flag_dossier("submitted", today=dt.date(2025, 3, 20))
    elsewhere = bring(
        admin_user,
        draft(
            admin_user,
            proposer=snv_bac_giang,
            receiver=bac_giang,
            code="CO_BO",
            level="bo_tinh",
            orgs=[snv_bac_giang],
        ),
        "submitted",
    )
    day = dt.date(2025, 4, 9)

    def overdue(user: User, today: dt.date = day) -> list[Dossier]:
        return list(selectors.overdue_dossiers(user=user, today=today))

    assert late.appraisal_due == dt.date(2025, 4, 8)
    assert sent_later.appraisal_due == dt.date(2025, 4, 25)
    assert in_council.appraisal_due == dt.date(2025, 4, 8)
    assert overdue(officer_thai_nguyen) == [late, late_in_appraisal]
    assert overdue(officer_bac_giang) == [elsewhere]
    assert overdue(admin_user) == [late, late_in_appraisal, elsewhere]
    assert overdue(officer_thai_nguyen, dt.date(2025, 4, 8)) == []
    assert overdue(officer_snv_thai_nguyen) == []
    assert overdue(focal_snv_thai_nguyen) == []
    assert overdue(council_thai_nguyen) == []


def test_the_public_page_shows_dossiers_while_their_window_is_open(
    flag_dossier: Callable[..., Dossier],
) -> None:
    # Opened on Monday 3/3/2025 for 5 working days: until Monday 10/3/2025.
    open_ = flag_dossier("comment")
    flag_dossier("appraisal")
    flag_dossier("council")

    assert (open_.comment_opens, open_.comment_closes) == (T0, dt.date(2025, 3, 10))
    assert list(selectors.public_dossiers(dt.date(2025, 3, 2))) == []
    assert list(selectors.public_dossiers(T0)) == [open_]
    assert list(selectors.public_dossiers(dt.date(2025, 3, 10))) == [open_]
    assert list(selectors.public_dossiers(dt.date(2025, 3, 11))) == []


def test_a_dossier_is_seen_by_both_sides_and_nobody_else(
    flag_dossier: Callable[..., Dossier],
    admin_user: User,
    focal_snv_thai_nguyen: User,
    officer_thai_nguyen: User,
    council_thai_nguyen: User,
    member_bac_kan: User,
    viewer_bac_giang: User,
    outsider: User,
) -> None:
    dossier = flag_dossier("submitted")

    def seen(user: User) -> list[Dossier]:
        return list(selectors.dossier_list(user=user, filters={}))

    assert seen(focal_snv_thai_nguyen) == [dossier]
    assert seen(officer_thai_nguyen) == [dossier]
    assert seen(council_thai_nguyen) == [dossier]
    assert seen(admin_user) == [dossier]
    assert seen(member_bac_kan) == []
    assert seen(viewer_bac_giang) == []
    assert seen(outsider) == []
    assert list(selectors.dossier_list(user=admin_user, filters={"status": "draft"})) == []
    assert list(
        selectors.dossier_list(user=admin_user, filters={"q": dossier.reference.lower()})
    ) == [dossier]
