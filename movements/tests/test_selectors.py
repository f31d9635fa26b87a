"""Who sees which movement: launched by a unit in reach, joined by one, or by a cluster in sight."""

from __future__ import annotations

from typing import Any

import pytest

from movements.models import Movement
from movements.selectors import movement_get, movement_list
from movements.services import movement_set_participants

# persona → the movements it sees, newest start first
SEES = {
    "admin_user": ["lao_cai", "snv_bac_kan", "national", "tn"],
    # Thái Nguyên's own; Bắc Kạn's department by lineage; Lào Cai's through the border cluster.
    "officer_thai_nguyen": ["lao_cai", "snv_bac_kan", "tn"],
    "officer_lao_cai": ["lao_cai"],
    "council_member": ["lao_cai", "national"],  # the council launched one, organises the cluster
    "viewer_bac_giang": ["national"],  # Bắc Giang takes part
    "secretariat_bac_giang": ["national"],
    "member_bac_kan": ["snv_bac_kan"],
    "outsider": [],
}


def names(movements: dict[str, Movement], listed: Any) -> list[str]:
    keys = {m.pk: key for key, m in movements.items()}
    return [keys[m.pk] for m in listed]


@pytest.mark.parametrize("persona", SEES)
def test_it_lists_the_movements_in_sight(
    request: pytest.FixtureRequest, movements: dict[str, Movement], persona: str
) -> None:
    user = request.getfixturevalue(persona)

    assert names(movements, movement_list(user=user)) == SEES[persona]


def gets(user: Any, movement: Movement) -> bool:
    try:
        return movement_get(user=user, pk=movement.pk) == movement
    except Movement.DoesNotExist:
        return False


@pytest.mark.parametrize("persona", SEES)
def test_it_gets_a_movement_only_in_sight(
    request: pytest.FixtureRequest, movements: dict[str, Movement], persona: str
) -> None:
    user = request.getfixturevalue(persona)

    found = [key for key, movement in movements.items() if gets(user, movement)]

    assert sorted(found) == sorted(SEES[persona])


def test_it_lists_a_movement_once_whatever_the_ways_it_is_seen(
    movements: dict[str, Movement], officer_thai_nguyen: Any, province: Any
) -> None:
    # Thái Nguyên launched it, takes part, and is a member of a cluster taking part.
    movement_set_participants(
        actor=None,
        movement=movements["tn"],
        clusters=list(movements["lao_cai"].clusters.all()),
        units=[province("19"), province("06")],
    )

    listed = names(movements, movement_list(user=officer_thai_nguyen))

    assert listed == ["lao_cai", "snv_bac_kan", "tn"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": 2015}, []),
        ({"year": 2016}, ["national", "tn"]),
        ({"year": 2017}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
        ({"year": 2019}, ["national", "tn"]),
        ({"year": 2021}, ["national"]),  # still running: no end
        ({"kind": "thematic"}, ["lao_cai", "national"]),
        ({"kind": "regular", "year": 2018}, ["tn"]),
        ({"q": "nong thon moi"}, ["lao_cai", "national"]),
        ({"q": "CẢ NƯỚC CHUNG SỨC XÂY DỰNG NÔNG THÔN MỚI"}, ["national"]),
        ({"q": "chung suc", "year": 2019}, ["national"]),
        ({"q": "hai phong"}, []),
    ],
)
def test_it_filters_by_year_kind_and_words(
    admin_user: Any, movements: dict[str, Movement], filters: dict[str, Any], expected: list[str]
) -> None:
    assert names(movements, movement_list(user=admin_user, **filters)) == expected


def test_it_filters_by_launching_unit(
    admin_user: Any, movements: dict[str, Movement], province: Any
) -> None:
    listed = movement_list(user=admin_user, launched_by=province("10").pk)

    assert names(movements, listed) == ["lao_cai"]
