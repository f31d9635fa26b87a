"""Reads of organisations: lineage as of a date, and lists scoped to what a user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import User
from orgs import rules
from orgs.models import Org
from orgs.selectors import (
    lineage_absorbed_paths,
    lineage_edges,
    org_children,
    org_get,
    org_lineage,
    org_list,
)
from orgs.services import lineage_record, org_create

MERGER = dt.date(2025, 7, 1)
EVE = dt.date(2025, 6, 30)


def codes(orgs: Any) -> list[str]:
    return [o.code for o in orgs]


def test_it_names_thai_nguyen_as_bac_kan_successor_from_the_merger_day(
    bac_kan: Org, thai_nguyen: Org
) -> None:
    lineage = org_lineage(bac_kan, MERGER)

    assert lineage.successor_now == thai_nguyen
    assert [(e.org, e.kind, e.date, e.via, e.depth) for e in lineage.successors] == [
        (thai_nguyen, "merged_into", MERGER, bac_kan, 1)
    ]
    assert lineage.predecessors == []
    assert lineage.dissolved_on is None
    assert rules.successor_at(bac_kan.pk, lineage_edges(), MERGER) == thai_nguyen.pk


def test_it_names_no_successor_on_the_eve_of_the_merger(bac_kan: Org) -> None:
    lineage = org_lineage(bac_kan, EVE)

    assert lineage.successor_now is None
    assert lineage.successors == []


def test_it_lists_bac_kan_among_thai_nguyen_predecessors(bac_kan: Org, thai_nguyen: Org) -> None:
    lineage = org_lineage(thai_nguyen)

    assert [(e.org, e.kind, e.via, e.depth) for e in lineage.predecessors] == [
        (bac_kan, "merged_into", thai_nguyen, 1)
    ]
    assert lineage.successor_now is None
    assert org_lineage(thai_nguyen, EVE).predecessors == []


@pytest.mark.parametrize(
    ("successor", "predecessors"),
    [
        ("25", {"26", "17"}),  # Phú Thọ ← Vĩnh Phúc, Hòa Bình
        ("79", {"74", "77"}),  # TP Hồ Chí Minh ← Bình Dương, Bà Rịa – Vũng Tàu
        ("37", {"35", "36"}),  # Ninh Bình ← Hà Nam, Nam Định
        ("01", set()),  # Hà Nội unchanged
    ],
)
def test_it_lists_every_province_merged_into_another(
    province: Any, successor: str, predecessors: set[str]
) -> None:
    lineage = org_lineage(province(successor))

    assert {e.org.code for e in lineage.predecessors} == predecessors


def test_it_follows_a_chain_of_mergers_to_today(bac_kan: Org, thai_nguyen: Org) -> None:
    # A commune of Bắc Kạn merged into another before the province did.
    old = org_create(actor=None, code="06.X1", name="Xã Cũ", kind="commune", parent=bac_kan)
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=old,
        successor=bac_kan,
        effective_date=dt.date(2020, 1, 1),
    )

    assert org_lineage(old).successor_now == thai_nguyen
    assert org_lineage(old, dt.date(2024, 1, 1)).successor_now == bac_kan
    assert [(e.org.code, e.depth) for e in org_lineage(thai_nguyen).predecessors] == [
        ("06", 1),
        ("06.X1", 2),
    ]


def test_it_reports_the_date_of_a_dissolution(snv_thai_nguyen: Org) -> None:
    lineage_record(
        actor=None,
        kind="dissolved",
        predecessor=snv_thai_nguyen,
        successor=None,
        effective_date=MERGER,
    )

    lineage = org_lineage(Org.objects.get(pk=snv_thai_nguyen.pk))

    assert lineage.dissolved_on == MERGER
    assert lineage.successor_now is None


def test_it_gives_a_successor_the_paths_of_the_units_merged_into_it(
    bac_kan: Org, thai_nguyen: Org, snv_bac_kan: Org, snv_thai_nguyen: Org
) -> None:
    assert lineage_absorbed_paths(thai_nguyen) == {bac_kan.path}
    assert lineage_absorbed_paths(snv_thai_nguyen) == {snv_bac_kan.path}
    assert lineage_absorbed_paths(bac_kan) == set()


def test_it_lists_what_an_officer_reaches_through_the_lineage(
    officer_thai_nguyen: User,
    thai_nguyen: Org,
    bac_kan: Org,
    snv_bac_kan: Org,
    snv_thai_nguyen: Org,
) -> None:
    assert set(org_list(user=officer_thai_nguyen)) == {
        thai_nguyen,
        bac_kan,
        snv_thai_nguyen,
        snv_bac_kan,
    }


def test_it_lists_only_a_viewer_subtree(
    viewer_bac_giang: User, bac_giang: Org, snv_bac_giang: Org, thai_nguyen: Org
) -> None:
    assert codes(org_list(user=viewer_bac_giang)) == ["24.SNV", "24"]
    assert org_get(user=viewer_bac_giang, pk=snv_bac_giang.pk) == snv_bac_giang
    with pytest.raises(Org.DoesNotExist):
        org_get(user=viewer_bac_giang, pk=thai_nguyen.pk)


def test_it_lists_nothing_for_an_outsider(outsider: User, thai_nguyen: Org) -> None:
    assert list(org_list(user=outsider)) == []
    with pytest.raises(Org.DoesNotExist):
        org_get(user=outsider, pk=thai_nguyen.pk)


def test_it_lists_everything_for_an_administrator(admin_user: User) -> None:
    assert org_list(user=admin_user).count() == Org.objects.count()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "province", "active_on": "2025-06-30"}, 63),
        ({"kind": "province", "active_on": "2025-07-01"}, 34),
        ({"kind": "province"}, 63),
        ({"kind": "ministry"}, 2),
        ({"kind": "not-a-kind"}, 67),  # an invalid filter is ignored
    ],
)
def test_it_filters_by_kind_and_date(
    admin_user: User, filters: dict[str, str], expected: int
) -> None:
    assert org_list(user=admin_user, filters=filters).count() == expected


def test_it_filters_direct_children_and_sorts(
    admin_user: User, thai_nguyen: Org, snv_thai_nguyen: Org
) -> None:
    org_create(actor=None, code="19.A", name="Ban A", kind="other", parent=thai_nguyen)
    org_create(actor=None, code="19.SNV.B", name="Phòng B", kind="other", parent=snv_thai_nguyen)

    children = org_list(user=admin_user, filters={"parent": thai_nguyen.pk})
    assert codes(children) == ["19.A", "19.SNV"]
    assert codes(
        org_list(user=admin_user, filters={"parent": thai_nguyen.pk, "sort": "-code"})
    ) == [
        "19.SNV",
        "19.A",
    ]


def test_it_ranks_the_exact_name_first(
    admin_user: User, thai_nguyen: Org, snv_thai_nguyen: Org
) -> None:
    # "Sở Nội vụ tỉnh Thái Nguyên" sorts before "Tỉnh Thái Nguyên" by name; the exact match wins.
    assert codes(org_list(user=admin_user, filters={"q": "thai nguyen"})) == ["19", "19.SNV"]


def test_it_lists_only_visible_children(
    viewer_bac_giang: User, officer_thai_nguyen: User, bac_giang: Org, snv_bac_giang: Org
) -> None:
    assert list(org_children(user=viewer_bac_giang, org=bac_giang)) == [snv_bac_giang]
    assert list(org_children(user=officer_thai_nguyen, org=bac_giang)) == []
