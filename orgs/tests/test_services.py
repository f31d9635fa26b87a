"""Writes to organisations and their lineage: tree paths, refusals, and the end date a merger sets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import LineageEvent, Org
from orgs.services import lineage_record, org_create, org_update

MERGER = dt.date(2025, 7, 1)


def state() -> dict[str, Any]:
    """Everything a refused write must leave as it was."""
    return {
        "orgs": sorted(
            Org.objects.values_list(
                "pk", "code", "name", "parent_id", "path", "valid_from", "valid_to"
            )
        ),
        "lineage": LineageEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def tree(thai_nguyen: Org) -> dict[str, Org]:
    """Thái Nguyên › Sở Tài chính › Phòng Kế hoạch › Tổ Tổng hợp."""
    a = org_create(
        actor=None, code="19.STC", name="Sở Tài chính", kind="department", parent=thai_nguyen
    )
    b = org_create(actor=None, code="19.STC.KH", name="Phòng Kế hoạch", kind="other", parent=a)
    c = org_create(actor=None, code="19.STC.KH.TH", name="Tổ Tổng hợp", kind="other", parent=b)
    return {"a": a, "b": b, "c": c}


def test_it_places_a_new_unit_under_its_parent(thai_nguyen: Org) -> None:
    org = org_create(
        actor=None, code="19.snv", name="  Sở  Nội vụ ", kind="department", parent=thai_nguyen
    )

    org.refresh_from_db()
    assert org.path == f"{thai_nguyen.path}{org.pk}/"
    assert org.code == "19.SNV"
    assert org.name == "Sở Nội vụ"
    assert org.search_key == "| 19.snv | so noi vu |"


def test_it_places_a_unit_without_parent_at_the_top(db: Any) -> None:
    org = org_create(actor=None, code="TW-BYT", name="Bộ Y tế", kind="ministry")

    org.refresh_from_db()
    assert org.path == f"/{org.pk}/"
    assert org.parent is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "19"}, "code"),  # Thái Nguyên's code
        ({"code": "tw-hdtdkt"}, "code"),  # codes are compared upper-cased
        ({"code": "  "}, "code"),
        ({"name": " "}, "name"),
        ({"kind": "galaxy"}, "kind"),
        ({"valid_from": dt.date(2025, 1, 2), "valid_to": dt.date(2025, 1, 1)}, "valid_to"),
    ],
)
def test_it_refuses_a_bad_new_unit(thai_nguyen: Org, fields: dict[str, Any], field: str) -> None:
    before = state()
    data: dict[str, Any] = {
        "code": "19.NEW",
        "name": "Đơn vị mới",
        "kind": "department",
        "parent": thai_nguyen,
    }

    with pytest.raises(DomainError) as exc:
        org_create(actor=None, **(data | fields))

    assert exc.value.field == field
    assert state() == before


def test_it_accepts_a_period_of_one_day(db: Any) -> None:
    day = dt.date(2025, 1, 1)
    org = org_create(
        actor=None, code="X1", name="Ban tạm", kind="other", valid_from=day, valid_to=day
    )

    assert (org.valid_from, org.valid_to) == (day, day)


def test_it_moves_a_whole_subtree_with_its_unit(tree: dict[str, Org], bac_giang: Org) -> None:
    others = dict(
        Org.objects.exclude(pk__in=[o.pk for o in tree.values()]).values_list("pk", "path")
    )

    org_update(actor=None, org=tree["a"], parent=bac_giang)

    a, b, c = (Org.objects.get(pk=tree[k].pk) for k in "abc")
    assert a.path == f"{bac_giang.path}{a.pk}/"
    assert b.path == f"{bac_giang.path}{a.pk}/{b.pk}/"
    assert c.path == f"{bac_giang.path}{a.pk}/{b.pk}/{c.pk}/"
    assert a.parent_id == bac_giang.pk
    assert (b.parent_id, c.parent_id) == (a.pk, b.pk)
    assert dict(Org.objects.exclude(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "path")) == others


def test_it_moves_a_unit_to_the_top(tree: dict[str, Org]) -> None:
    org_update(actor=None, org=tree["b"], parent=None)

    b, c = Org.objects.get(pk=tree["b"].pk), Org.objects.get(pk=tree["c"].pk)
    assert b.path == f"/{b.pk}/"
    assert c.path == f"/{b.pk}/{c.pk}/"


@pytest.mark.parametrize("new_parent", ["a", "b", "c"])
def test_it_refuses_to_move_a_unit_under_itself_or_its_descendants(
    tree: dict[str, Org], new_parent: str
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        org_update(actor=None, org=tree["a"], parent=Org.objects.get(pk=tree[new_parent].pk))

    assert exc.value.field == "parent"
    assert state() == before


def test_it_refuses_a_code_taken_by_another_unit(tree: dict[str, Org]) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        org_update(actor=None, org=tree["a"], code="19.stc.kh")

    assert exc.value.field == "code"
    assert state() == before


def test_it_keeps_a_unit_own_code_on_update(tree: dict[str, Org]) -> None:
    org = org_update(actor=None, org=tree["a"], code="19.STC", name="Sở Tài chính tỉnh Thái Nguyên")

    assert (org.code, org.name) == ("19.STC", "Sở Tài chính tỉnh Thái Nguyên")
    assert "so tai chinh tinh thai nguyen" in Org.objects.get(pk=org.pk).search_key


def test_it_refuses_an_end_date_before_the_start(tree: dict[str, Org]) -> None:
    org_update(actor=None, org=tree["a"], valid_from=dt.date(2020, 1, 1))
    before = state()

    with pytest.raises(DomainError) as exc:
        org_update(actor=None, org=tree["a"], valid_to=dt.date(2019, 12, 31))

    assert exc.value.field == "valid_to"
    assert state() == before


def test_it_refuses_fields_outside_the_audited_ones(tree: dict[str, Org]) -> None:
    before = state()

    with pytest.raises(DomainError):
        org_update(actor=None, org=tree["a"], path="/1/")

    assert state() == before


def test_it_writes_nothing_when_an_update_changes_nothing(tree: dict[str, Org]) -> None:
    before = state()

    org_update(actor=None, org=tree["a"], name="Sở Tài chính")

    assert state() == before


# --- lineage -----------------------------------------------------------------------------------


def test_it_ends_a_merged_unit_the_day_before(tree: dict[str, Org], snv_thai_nguyen: Org) -> None:
    event = lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=tree["a"],
        successor=snv_thai_nguyen,
        effective_date=MERGER,
        legal_basis="  Quyết định   số 1 ",
    )

    assert Org.objects.get(pk=tree["a"].pk).valid_to == dt.date(2025, 6, 30)
    assert (event.kind, event.predecessor_id, event.successor_id, event.effective_date) == (
        "merged_into",
        tree["a"].pk,
        snv_thai_nguyen.pk,
        MERGER,
    )
    assert event.legal_basis == "Quyết định số 1"


@pytest.mark.parametrize("kind", ["renamed", "dissolved"])
def test_it_ends_a_renamed_or_dissolved_unit_the_day_before(
    tree: dict[str, Org], snv_thai_nguyen: Org, kind: str
) -> None:
    successor = None if kind == "dissolved" else snv_thai_nguyen

    lineage_record(
        actor=None, kind=kind, predecessor=tree["c"], successor=successor, effective_date=MERGER
    )

    assert Org.objects.get(pk=tree["c"].pk).valid_to == dt.date(2025, 6, 30)


def test_it_keeps_a_split_parent_active(tree: dict[str, Org], snv_thai_nguyen: Org) -> None:
    lineage_record(
        actor=None,
        kind="split_from",
        predecessor=snv_thai_nguyen,
        successor=tree["a"],
        effective_date=MERGER,
    )

    assert Org.objects.get(pk=snv_thai_nguyen.pk).valid_to is None
    assert Org.objects.get(pk=tree["a"].pk).valid_to is None


def test_it_keeps_an_earlier_end_date(tree: dict[str, Org], snv_thai_nguyen: Org) -> None:
    org_update(actor=None, org=tree["c"], valid_to=dt.date(2024, 12, 31))

    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=tree["c"],
        successor=snv_thai_nguyen,
        effective_date=MERGER,
    )

    assert Org.objects.get(pk=tree["c"].pk).valid_to == dt.date(2024, 12, 31)


def test_it_refuses_a_unit_succeeding_itself(tree: dict[str, Org]) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=tree["a"],
            successor=tree["a"],
            effective_date=MERGER,
        )

    assert exc.value.field == "successor"
    assert state() == before


def test_it_refuses_a_cycle(tree: dict[str, Org], snv_thai_nguyen: Org) -> None:
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=tree["a"],
        successor=snv_thai_nguyen,
        effective_date=MERGER,
    )
    lineage_record(
        actor=None,
        kind="renamed",
        predecessor=snv_thai_nguyen,
        successor=tree["b"],
        effective_date=MERGER,
    )
    before = state()

    with pytest.raises(DomainError) as exc:
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=tree["b"],
            successor=tree["a"],
            effective_date=dt.date(2026, 1, 1),
        )

    assert exc.value.field == "successor"
    assert state() == before


def test_it_refuses_the_reverse_of_a_shipped_merger(bac_kan: Org, thai_nguyen: Org) -> None:
    before = state()

    with pytest.raises(DomainError):
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=thai_nguyen,
            successor=bac_kan,
            effective_date=dt.date(2026, 1, 1),
        )

    assert state() == before


def test_it_refuses_a_change_already_recorded(bac_kan: Org, thai_nguyen: Org) -> None:
    before = state()

    with pytest.raises(DomainError):
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=bac_kan,
            successor=thai_nguyen,
            effective_date=MERGER,
        )

    assert state() == before


def test_it_refuses_the_same_dissolution_twice(tree: dict[str, Org]) -> None:
    lineage_record(
        actor=None, kind="dissolved", predecessor=tree["c"], successor=None, effective_date=MERGER
    )
    before = state()

    with pytest.raises(DomainError):
        lineage_record(
            actor=None,
            kind="dissolved",
            predecessor=tree["c"],
            successor=None,
            effective_date=MERGER,
        )

    assert state() == before


@pytest.mark.parametrize(
    ("kind", "with_successor", "field"),
    [
        ("dissolved", True, "successor"),
        ("merged_into", False, "successor"),
        ("renamed", False, "successor"),
        ("split_from", False, "successor"),
        ("exploded", True, "kind"),
    ],
)
def test_it_refuses_a_successor_that_does_not_match_the_kind(
    tree: dict[str, Org], kind: str, with_successor: bool, field: str
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        lineage_record(
            actor=None,
            kind=kind,
            predecessor=tree["c"],
            successor=tree["a"] if with_successor else None,
            effective_date=MERGER,
        )

    assert exc.value.field == field
    assert state() == before


@pytest.mark.parametrize("day", [dt.date(2020, 1, 1), dt.date(2019, 6, 1)])
def test_it_refuses_a_change_on_or_before_the_unit_began(
    tree: dict[str, Org], snv_thai_nguyen: Org, day: dt.date
) -> None:
    org_update(actor=None, org=tree["c"], valid_from=dt.date(2020, 1, 1))
    before = state()

    with pytest.raises(DomainError) as exc:
        lineage_record(
            actor=None,
            kind="merged_into",
            predecessor=tree["c"],
            successor=snv_thai_nguyen,
            effective_date=day,
        )

    assert exc.value.field == "effective_date"
    assert state() == before


def test_it_accepts_a_change_the_day_after_the_unit_began(
    tree: dict[str, Org], snv_thai_nguyen: Org
) -> None:
    org_update(actor=None, org=tree["c"], valid_from=dt.date(2020, 1, 1))

    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=tree["c"],
        successor=snv_thai_nguyen,
        effective_date=dt.date(2020, 1, 2),
    )

    c = Org.objects.get(pk=tree["c"].pk)
    assert (c.valid_from, c.valid_to) == (dt.date(2020, 1, 1), dt.date(2020, 1, 1))
