"""The shipped reference data: 63 provinces until 30/6/2025, 34 from 1/7/2025, and their lineage."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from core.text import fold
from orgs.models import LineageEvent, Org
from orgs.reference import load_reference

MERGER = dt.date(2025, 7, 1)

# ../shared/domain.md §3: old provinces merged into the first-named one (short names).
MERGERS = {
    "Tuyên Quang": ["Hà Giang"],
    "Lào Cai": ["Yên Bái"],
    "Thái Nguyên": ["Bắc Kạn"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Giang"],
    "Hưng Yên": ["Thái Bình"],
    "Hải Phòng": ["Hải Dương"],
    "Ninh Bình": ["Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Bình"],
    "Đà Nẵng": ["Quảng Nam"],
    "Quảng Ngãi": ["Kon Tum"],
    "Gia Lai": ["Bình Định"],
    "Khánh Hòa": ["Ninh Thuận"],
    "Lâm Đồng": ["Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Phú Yên"],
    "TP Hồ Chí Minh": ["Bình Dương", "Bà Rịa – Vũng Tàu"],
    "Đồng Nai": ["Bình Phước"],
    "Tây Ninh": ["Long An"],
    "Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Tiền Giang"],
    "Cà Mau": ["Bạc Liêu"],
    "An Giang": ["Kiên Giang"],
}
UNCHANGED = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
]


def provinces_active_on(day: dt.date) -> list[Org]:
    return [o for o in Org.objects.filter(kind="province") if o.is_active_on(day)]


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Org.objects.values_list(
            "code",
            "name",
            "short_name",
            "aliases",
            "kind",
            "parent__code",
            "path",
            "valid_from",
            "valid_to",
            "search_key",
        )
    ) + sorted(
        LineageEvent.objects.values_list(
            "kind", "predecessor__code", "successor__code", "effective_date", "legal_basis"
        )
    )


def test_it_ships_63_provinces_active_until_the_merger(db: Any) -> None:
    assert len(provinces_active_on(dt.date(2025, 6, 30))) == 63
    assert Org.objects.filter(kind="province").count() == 63


def test_it_ships_34_provinces_active_from_the_merger(db: Any) -> None:
    active = provinces_active_on(MERGER)

    assert len(active) == 34
    assert sorted(o.short_name for o in active) == sorted([*MERGERS, *UNCHANGED])


def test_it_ships_29_mergers_into_the_right_provinces(db: Any) -> None:
    events = LineageEvent.objects.select_related("predecessor", "successor")

    pairs = [(e.predecessor.short_name, e.successor and e.successor.short_name) for e in events]
    assert sorted(pairs) == sorted((old, new) for new, olds in MERGERS.items() for old in olds)
    assert len(events) == 29
    assert {(e.kind, e.effective_date) for e in events} == {("merged_into", MERGER)}
    assert all("202/2025/QH15" in e.legal_basis for e in events)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Tỉnh Hà Giang", "Tỉnh Tuyên Quang"),
        ("Tỉnh Yên Bái", "Tỉnh Lào Cai"),
        ("Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"),
        ("Tỉnh Vĩnh Phúc", "Tỉnh Phú Thọ"),
        ("Tỉnh Hòa Bình", "Tỉnh Phú Thọ"),
        ("Tỉnh Bình Dương", "Thành phố Hồ Chí Minh"),
        ("Tỉnh Bà Rịa – Vũng Tàu", "Thành phố Hồ Chí Minh"),
        ("Tỉnh Quảng Nam", "Thành phố Đà Nẵng"),
    ],
)
def test_it_ends_a_merged_province_the_day_before(db: Any, old: str, new: str) -> None:
    event = LineageEvent.objects.get(predecessor__name=old)
    successor = event.successor

    assert successor is not None
    assert successor.name == new
    assert event.predecessor.valid_to == dt.date(2025, 6, 30)
    assert successor.valid_to is None


def test_it_keeps_unchanged_provinces_without_lineage(db: Any) -> None:
    for name in UNCHANGED:
        org = Org.objects.get(kind="province", short_name=name)
        assert org.valid_to is None, name
        assert not LineageEvent.objects.filter(predecessor=org).exists(), name
        assert not LineageEvent.objects.filter(successor=org).exists(), name


def test_it_ships_the_central_bodies_in_their_tree(db: Any) -> None:
    ministry = Org.objects.get(code="TW-BNV")
    board = Org.objects.get(code="TW-BTDKT")

    assert board.parent == ministry
    assert board.path == f"/{ministry.pk}/{board.pk}/"
    assert Org.objects.get(code="TW-HDTDKT").path == f"/{Org.objects.get(code='TW-HDTDKT').pk}/"


def test_it_keeps_every_path_consistent_with_its_parent(db: Any) -> None:
    for org in Org.objects.select_related("parent"):
        expected = f"{org.parent.path if org.parent else '/'}{org.pk}/"
        assert org.path == expected, org.code


def test_it_makes_former_names_searchable(db: Any) -> None:
    hue = Org.objects.get(code="46")

    assert "| thua thien hue |" in hue.search_key
    assert hue.search_key.startswith("| 46 | thanh pho hue | hue |")
    assert all(o.search_key == o.search_key.lower() for o in Org.objects.all())
    assert all(fold(o.name) in o.search_key for o in Org.objects.all())


def test_it_loads_the_reference_idempotently(db: Any) -> None:
    before = snapshot()

    assert load_reference(apps) == 0
    assert load_reference(apps) == 0

    assert snapshot() == before


def test_it_refreshes_the_reference_from_the_command(db: Any) -> None:
    Org.objects.filter(code="19").update(name="Tên sai")
    before_count = Org.objects.count()
    out = StringIO()

    call_command("load_reference", stdout=out)

    assert out.getvalue().strip() == "reference data: 0 unit(s) created"
    assert Org.objects.get(code="19").name == "Tỉnh Thái Nguyên"
    assert Org.objects.count() == before_count
    assert LineageEvent.objects.count() == 29


def test_it_recreates_a_missing_merger(db: Any) -> None:
    LineageEvent.objects.filter(predecessor__code="06").delete()

    load_reference(apps)

    event = LineageEvent.objects.get(predecessor__code="06")
    assert event.successor_id == Org.objects.get(code="19").pk
    assert LineageEvent.objects.count() == 29
