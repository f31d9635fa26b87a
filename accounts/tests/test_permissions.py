"""Who may do what (core.permissions): roles reach down the tree and through mergers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import Role, User
from accounts.services import membership_grant
from core import permissions
from orgs.models import LineageEvent, Org
from orgs.services import org_create
from people.models import Person


@pytest.fixture
def world(
    thai_nguyen: Org,
    bac_kan: Org,
    bac_giang: Org,
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
    snv_bac_giang: Org,
    person_thai_nguyen: Person,
    person_bac_giang: Person,
) -> dict[str, Any]:
    council = Org.objects.get(code="TW-HDTDKT")
    return {
        "thai_nguyen": thai_nguyen,
        "bac_kan": bac_kan,
        "bac_giang": bac_giang,
        "bac_ninh": Org.objects.get(code="27"),
        "snv_thai_nguyen": snv_thai_nguyen,
        "snv_bac_kan": snv_bac_kan,
        "snv_bac_giang": snv_bac_giang,
        "council": council,
        "person_thai_nguyen": person_thai_nguyen,
        "person_bac_giang": person_bac_giang,
        "merger_bac_kan": LineageEvent.objects.get(predecessor=bac_kan),
    }


# persona → {(action, object): allowed}
CASES: dict[str, dict[tuple[str, str | None], bool]] = {
    "admin_user": {
        ("org.change", "bac_giang"): True,
        ("person.view_personal", "person_bac_giang"): True,
        ("audit.view_all", None): True,
        ("user.manage", None): True,
    },
    "officer_thai_nguyen": {
        ("org.change", "thai_nguyen"): True,
        ("org.change", "snv_thai_nguyen"): True,
        ("org.change", "bac_kan"): True,  # merged into Thái Nguyên
        ("org.change", "snv_bac_kan"): True,  # below a merged unit
        ("org.lineage.change", "merger_bac_kan"): True,
        ("person.view_personal", "person_thai_nguyen"): True,
        ("audit.view", "bac_kan"): True,
        ("org.view", "bac_giang"): False,
        ("person.view", "person_bac_giang"): False,
        ("org.view", "council"): False,
        ("audit.view_all", None): False,
        ("user.manage", None): False,
    },
    "member_bac_kan": {
        ("person.create", "snv_bac_kan"): True,
        ("person.view_personal", "snv_bac_kan"): True,
        ("org.view", "snv_bac_kan"): True,
        ("org.change", "snv_bac_kan"): False,
        ("audit.view", "snv_bac_kan"): False,
        ("org.view", "bac_kan"): False,  # the province is above the unit
        ("org.view", "snv_thai_nguyen"): False,  # the successor is not the unit's
        ("person.view", "person_thai_nguyen"): False,
    },
    "secretariat_bac_giang": {
        ("org.view", "snv_bac_giang"): True,
        ("person.view", "person_bac_giang"): True,
        ("person.view_personal", "person_bac_giang"): False,
        ("person.change", "person_bac_giang"): False,
        ("org.create", "bac_giang"): False,
        ("org.view", "bac_ninh"): False,  # Bắc Giang merged into Bắc Ninh, not the reverse
    },
    "viewer_bac_giang": {
        ("org.view", "bac_giang"): True,
        ("person.view", "person_bac_giang"): True,
        ("person.view_personal", "person_bac_giang"): False,
        ("org.change", "bac_giang"): False,
        ("org.lineage.change", "bac_giang"): False,
        ("person.create", "snv_bac_giang"): False,
        ("audit.view", "bac_giang"): False,
        ("org.view", "thai_nguyen"): False,
    },
    "council_member": {
        ("org.view", "council"): True,
        ("org.change", "council"): False,
        ("org.view", "thai_nguyen"): False,
    },
    "outsider": {
        ("org.view", "thai_nguyen"): False,
        ("org.view", None): False,
        ("person.view", None): False,
    },
}


@pytest.mark.parametrize("persona", CASES)
def test_it_decides_each_action_by_role_and_reach(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str
) -> None:
    user = request.getfixturevalue(persona)

    decisions = {
        (action, target): permissions.can(user, action, world[target] if target else None)
        for action, target in CASES[persona]
    }

    assert decisions == CASES[persona]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin_user", {"org.view", "org.create", "person.create", "audit.view", "audit.view_all"}),
        ("officer_thai_nguyen", {"org.view", "org.create", "person.create", "audit.view"}),
        ("member_bac_kan", {"org.view", "person.create"}),
        ("secretariat_bac_giang", {"org.view"}),
        ("council_member", {"org.view"}),
        ("viewer_bac_giang", {"org.view"}),
        ("outsider", set()),
    ],
)
def test_it_answers_anywhere_questions_by_role(
    request: pytest.FixtureRequest, persona: str, allowed: set[str]
) -> None:
    user = request.getfixturevalue(persona)
    asked = {"org.view", "org.create", "person.create", "audit.view", "audit.view_all"}

    assert {action for action in asked if permissions.can(user, action)} == allowed


def test_it_shows_an_officer_the_units_merged_into_theirs(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    visible = set(permissions.visible_orgs(officer_thai_nguyen).values_list("code", flat=True))

    assert visible == {"19", "19.SNV", "06", "06.SNV"}


def test_it_shows_a_keeper_of_the_successor_province_the_merged_ones(world: dict[str, Any]) -> None:
    from conftest import make_user

    officer = make_user("canbo.bacninh", Role.OFFICER, world["bac_ninh"])

    assert set(permissions.visible_orgs(officer).values_list("code", flat=True)) == {
        "27",
        "24",
        "24.SNV",
    }
    assert permissions.can(officer, "person.view_personal", world["person_bac_giang"])


def test_it_scopes_visible_orgs_by_action(world: dict[str, Any], viewer_bac_giang: User) -> None:
    assert set(permissions.visible_orgs(viewer_bac_giang).values_list("code", flat=True)) == {
        "24",
        "24.SNV",
    }
    assert not permissions.visible_orgs(viewer_bac_giang, "org.change").exists()


def test_it_shows_everything_to_an_administrator(world: dict[str, Any], admin_user: User) -> None:
    assert permissions.visible_orgs(admin_user).count() == Org.objects.count()


def test_it_shows_nothing_to_an_outsider_or_anonymous(
    world: dict[str, Any], outsider: User
) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.visible_orgs(outsider).exists()
    assert not permissions.visible_orgs(AnonymousUser()).exists()
    assert not permissions.visible_orgs(None).exists()
    assert not permissions.can(AnonymousUser(), "org.view")
    assert not permissions.can(None, "org.view")


def test_it_denies_everything_to_a_deactivated_user(
    world: dict[str, Any], officer_thai_nguyen: User
) -> None:
    officer_thai_nguyen.is_active = False
    officer_thai_nguyen.save()
    user = User.objects.get(pk=officer_thai_nguyen.pk)

    assert not permissions.can(user, "org.view", world["thai_nguyen"])
    assert not permissions.visible_orgs(user).exists()


def test_it_reaches_a_unit_created_below_after_the_role(
    world: dict[str, Any], viewer_bac_giang: User
) -> None:
    permissions.visible_orgs(viewer_bac_giang)  # reach computed and cached
    commune = org_create(
        actor=None, code="24.X", name="Xã Mới", kind="commune", parent=world["bac_giang"]
    )

    assert permissions.can(viewer_bac_giang, "org.view", commune)


def test_it_forgets_the_cached_reach_when_a_role_is_granted(
    world: dict[str, Any], outsider: User
) -> None:
    assert not permissions.can(outsider, "org.view", world["thai_nguyen"])

    membership_grant(actor=None, user=outsider, role=Role.VIEWER, org=world["thai_nguyen"])

    assert permissions.can(outsider, "org.view", world["thai_nguyen"])
    assert permissions.can(outsider, "org.view", world["snv_bac_kan"])


def test_it_refuses_an_unknown_action(world: dict[str, Any], admin_user: User) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        permissions.can(admin_user, "org.explode")


def test_it_denies_objects_without_an_organisation_to_all_but_administrators(
    world: dict[str, Any], admin_user: User, officer_thai_nguyen: User
) -> None:
    token_like = User.objects.get(pk=officer_thai_nguyen.pk)  # no org attribute

    assert permissions.can(admin_user, "user.manage", token_like)
    assert not permissions.can(officer_thai_nguyen, "org.view", token_like)


def test_it_scopes_a_lineage_event_by_its_successor(
    world: dict[str, Any], officer_thai_nguyen: User, viewer_bac_giang: User
) -> None:
    dissolved = LineageEvent(
        kind="dissolved", predecessor=world["snv_bac_giang"], effective_date=dt.date(2026, 1, 1)
    )

    assert permissions.can(officer_thai_nguyen, "org.view", world["merger_bac_kan"])
    assert not permissions.can(viewer_bac_giang, "org.view", world["merger_bac_kan"])
    assert permissions.can(viewer_bac_giang, "org.view", dissolved)


def test_it_reaches_a_unit_merged_into_one_of_its_sub_units(
    officer_thai_nguyen: Any, snv_thai_nguyen: Org, bac_giang: Org
) -> None:
    # given a unit outside Thái Nguyên's tree that merged into a department of Thái Nguyên
    import datetime as dt

    from core import permissions
    from orgs.services import lineage_record, org_create

    outside = org_create(
        actor=None,
        code="24.TTTT",
        name="Trung tâm Bắc Giang",
        kind="public_service",
        parent=bac_giang,
    )
    assert not permissions.can(officer_thai_nguyen, "org.view", outside)
    lineage_record(
        actor=None,
        kind="merged_into",
        predecessor=outside,
        successor=snv_thai_nguyen,
        effective_date=dt.date(2025, 7, 1),
    )
    permissions.forget(officer_thai_nguyen)
    # then the province officer keeps its records
    assert permissions.can(officer_thai_nguyen, "org.view", outside)
    assert permissions.can(officer_thai_nguyen, "org.change", outside)
    assert not permissions.can(officer_thai_nguyen, "org.view", bac_giang)
