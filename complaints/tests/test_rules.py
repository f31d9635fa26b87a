"""The complaints' pure rules: the declared path, the time limits with their legal basis, who must
give their name, references; and the audit codes the services write exist in the catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from complaints import rules
from core.audit_catalogue import ACTIONS, OBJECT_TYPES

DAY = dt.date(2026, 3, 2)


def test_the_path_goes_from_received_through_handling_to_a_close() -> None:
    moves = {
        (a, b)
        for a in (rules.RECEIVED, rules.HANDLING, rules.RESOLVED, rules.DISMISSED)
        for b in (rules.RECEIVED, rules.HANDLING, rules.RESOLVED, rules.DISMISSED)
        if rules.can_move(a, b)
    }

    assert moves == {
        ("received", "handling"),
        ("received", "dismissed"),
        ("handling", "resolved"),
        ("handling", "dismissed"),
    }


@pytest.mark.parametrize("kind", rules.KINDS)
def test_every_kind_has_a_time_limit_with_its_legal_basis(kind: str) -> None:
    limit = rules.TIME_LIMITS[kind]

    assert limit.days == 30
    assert 0 < limit.extension_days <= 30
    assert limit.legal_basis
    assert limit.confirmed is False  # [U] until checked against the text in force


def test_the_laws_named_are_those_of_complaints_and_denunciations() -> None:
    assert "Luật Khiếu nại 2011, Điều 28" in rules.TIME_LIMITS["khieu_nai"].legal_basis
    assert "Luật Tố cáo 2018, Điều 30" in rules.TIME_LIMITS["to_cao"].legal_basis
    assert rules.TIME_LIMITS["to_cao"].extension_days == 30
    assert rules.TIME_LIMITS["khieu_nai"].extension_days == 15


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("khieu_nai", "KN-2026-000012"), ("to_cao", "TC-2026-000012"), ("phan_anh", "PA-2026-000012")],
)
def test_a_reference_names_the_kind_the_year_and_the_number(kind: str, expected: str) -> None:
    assert rules.reference(kind, 2026, 12) == expected


def test_only_feedback_may_be_anonymous() -> None:
    assert [k for k in rules.KINDS if rules.identity_required(k)] == ["khieu_nai", "to_cao"]


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        ("received", DAY - dt.timedelta(days=1), True),
        ("handling", DAY - dt.timedelta(days=1), True),
        ("handling", DAY, False),
        ("resolved", DAY - dt.timedelta(days=1), False),
        ("dismissed", DAY - dt.timedelta(days=1), False),
        ("received", None, False),
    ],
)
def test_only_an_open_complaint_past_its_due_date_is_overdue(
    status: str, due: dt.date | None, expected: bool
) -> None:
    assert rules.is_overdue(status, due, DAY) is expected


def test_the_audit_codes_are_in_the_catalogue() -> None:
    for code in ("received", "assigned", "step", "resolved"):
        assert f"complaints.complaint.{code}" in ACTIONS
    assert "complaints.complaint" in OBJECT_TYPES
