"""The exemplary models' services: recording one (an individual, a collective or a model), correcting
it, moving it on one stage at a time, linking its movements and commendations. Each allowed call
changes exactly what it says and is audited; each refused call (a DomainError naming the field, with
its message) and each denied actor (PermissionDenied) changes nothing at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from core.errors import DomainError
from core.models import AuditEvent
from exemplary import selectors, services
from exemplary.models import ExemplaryModel, ExemplaryStep, Stage
from exemplary.tests.conftest import keeper, state, vi
from orgs.models import Org

TODAY = timezone.localdate()


def refused(call: Callable[[], Any], field: str | None) -> DomainError:
    """Run a call that must be refused: a DomainError on `field`, and nothing changed."""
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    assert caught.value.field == field
    return caught.value


def denied(call: Callable[[], Any]) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        call()
    assert state() == before


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-pk").first()  # type: ignore[return-value]


# --- exemplary_create --------------------------------------------------------------------------


def test_it_records_an_individual_under_their_name_and_audits_it(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=officer_thai_nguyen,
        kind="person",
        org=world["thai_nguyen"],
        person=world["lan"],
        discovered_on=dt.date(2024, 11, 20),
        sector="  Chuyển đổi   số ",
        description=" Số hoá hồ sơ khen thưởng. ",
        note="Phát hiện qua hội nghị sơ kết",
    )

    stored = ExemplaryModel.objects.get(pk=model.pk)
    assert (stored.kind, stored.name, stored.person, stored.collective, stored.org) == (
        "person",
        "Nguyễn Thị Lan",
        world["lan"],
        None,
        world["thai_nguyen"],
    )
    assert (stored.year, stored.sector, stored.description, stored.stage) == (
        2024,
        "Chuyển đổi số",
        "Số hoá hồ sơ khen thưởng.",
        "discovered",
    )
    assert stored.created_by == officer_thai_nguyen
    assert list(stored.steps.values_list("stage", "on", "note", "actor")) == [
        (
            "discovered",
            dt.date(2024, 11, 20),
            "Phát hiện qua hội nghị sơ kết",
            officer_thai_nguyen.pk,
        )
    ]
    event = last_event("exemplary.model.created")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        "exemplary.exemplarymodel",
        str(model.pk),
        world["thai_nguyen"].pk,
    )
    assert event.changes == {
        "kind": [None, "person"],
        "name": [None, "Nguyễn Thị Lan"],
        "person": [None, world["lan"].pk],
        "collective": [None, None],
        "org": [None, world["thai_nguyen"].pk],
        "year": [None, 2024],
        "sector": [None, "Chuyển đổi số"],
        "description": [None, "Số hoá hồ sơ khen thưởng."],
        "stage": [None, "discovered"],
        "discovered_on": [None, "2024-11-20"],
    }


def test_it_records_a_collective_under_its_name(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=officer_thai_nguyen,
        kind="collective",
        org=world["thai_nguyen"],
        collective=world["snv_thai_nguyen"],
        discovered_on=dt.date(2025, 1, 5),
    )

    assert (model.name, model.collective, model.person, model.year) == (
        "Sở Nội vụ tỉnh Thái Nguyên",
        world["snv_thai_nguyen"],
        None,
        2025,
    )


def test_it_records_a_model_by_its_name_and_a_focal_point_keeps_their_units(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=member_bac_kan,
        kind="model",
        org=world["snv_bac_kan"],
        name="  Tổ   hòa giải  giỏi ",
        discovered_on=TODAY,
    )

    assert (model.name, model.name_key, model.stage, model.year) == (
        "Tổ hòa giải giỏi",
        "to hoa giai gioi",
        "discovered",
        TODAY.year,
    )


def test_a_name_given_for_an_individual_is_kept(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=officer_thai_nguyen,
        kind="person",
        org=world["snv_thai_nguyen"],
        person=world["lan"],
        name="Cô giáo Lan – người giữ lửa",
        discovered_on=dt.date(2024, 1, 2),
    )

    assert model.name == "Cô giáo Lan – người giữ lửa"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "hero"}, "kind", "Unknown kind of exemplary model."),
        ({"person": None}, "person", "Name the individual."),
        (
            {"kind": "model", "name": "Mô hình"},
            "person",
            "Only an individual exemplary model names a person.",
        ),
        ({"kind": "collective", "person": None}, "collective", "Name the collective."),
        (
            {"collective": "snv_thai_nguyen"},
            "collective",
            "Only a collective exemplary model names a collective.",
        ),
        ({"kind": "model", "person": None, "name": "  "}, "name", "Give the model's name."),
        (
            {"discovered_on": TODAY + dt.timedelta(days=1)},
            "discovered_on",
            "The date cannot be in the future.",
        ),
        ({"discovered_on": dt.date(1900, 1, 1)}, "discovered_on", "The date is too early."),
    ],
)
def test_it_refuses_a_bad_exemplary_model(
    officer_thai_nguyen: User,
    world: dict[str, Any],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    args: dict[str, Any] = {
        "kind": "person",
        "org": world["snv_thai_nguyen"],
        "person": world["lan"],
        "discovered_on": dt.date(2024, 6, 1),
    } | changes
    if isinstance(args.get("collective"), str):
        args["collective"] = world[args["collective"]]

    error = refused(lambda: services.exemplary_create(actor=officer_thai_nguyen, **args), field)

    assert error.message == vi(message)


def test_it_refuses_the_same_individual_twice_in_a_year_for_one_unit(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    error = refused(
        lambda: services.exemplary_create(
            actor=officer_thai_nguyen,
            kind="person",
            org=world["snv_thai_nguyen"],
            person=world["lan"],
            discovered_on=dt.date(2025, 8, 1),
        ),
        "person",
    )

    assert error.message == vi(
        "%(u)s already keeps “%(n)s” as an exemplary model discovered in %(y)s.",
        u="Sở Nội vụ tỉnh Thái Nguyên",
        n="Nguyễn Thị Lan",
        y=2025,
    )


def test_it_refuses_a_models_name_twice_in_a_year_whatever_its_diacritics(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    error = refused(
        lambda: services.exemplary_create(
            actor=member_bac_kan,
            kind="model",
            org=world["snv_bac_kan"],
            name="mô hình dân vận KHÉO",
            discovered_on=dt.date(2024, 9, 1),
        ),
        "name",
    )

    assert "mô hình dân vận KHÉO" in error.message


def test_the_same_model_may_be_discovered_again_another_year(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=member_bac_kan,
        kind="model",
        org=world["snv_bac_kan"],
        name="Mô hình Dân vận khéo",
        discovered_on=dt.date(2025, 1, 3),
    )

    assert model.year == 2025


@pytest.mark.parametrize(
    ("persona", "org"),
    [
        ("outsider", "snv_thai_nguyen"),
        ("viewer_bac_giang", "snv_bac_giang"),  # viewers read
        ("secretariat_bac_giang", "bac_giang"),  # a cluster's secretariat does not keep them
        ("council_member", "snv_thai_nguyen"),
        ("member_bac_kan", "snv_thai_nguyen"),  # a focal point keeps only their own unit's
        ("officer_thai_nguyen", "bac_giang"),  # another province
    ],
)
def test_only_the_units_keepers_record_exemplary_models(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str, org: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.exemplary_create(
            actor=actor,
            kind="model",
            org=world[org],
            name="Mô hình mới",
            discovered_on=dt.date(2025, 1, 1),
        )
    )


def test_anonymous_callers_are_denied(world: dict[str, Any]) -> None:
    denied(
        lambda: services.exemplary_create(
            actor=AnonymousUser(),
            kind="model",
            org=world["snv_thai_nguyen"],
            name="Mô hình mới",
            discovered_on=dt.date(2025, 1, 1),
        )
    )


def test_an_individual_out_of_the_keepers_sight_is_denied(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    denied(
        lambda: services.exemplary_create(
            actor=officer_thai_nguyen,
            kind="person",
            org=world["snv_thai_nguyen"],
            person=world["hung"],
            discovered_on=dt.date(2025, 1, 1),
        )
    )


def test_an_officer_keeps_the_exemplary_models_of_a_merged_unit(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=officer_thai_nguyen,
        kind="person",
        org=world["snv_bac_kan"],
        person=world["son"],
        discovered_on=dt.date(2024, 4, 1),
    )

    assert model.org == world["snv_bac_kan"]


# --- exemplary_update --------------------------------------------------------------------------


def test_it_corrects_the_details_and_audits_what_changed(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = world["model_tn"]

    services.exemplary_update(
        actor=officer_thai_nguyen,
        model=model,
        name="Chị Lan, số hoá hồ sơ",
        sector="Cải cách hành chính",
        description="Làm gương.",
        org=world["thai_nguyen"],
    )

    stored = ExemplaryModel.objects.get(pk=model.pk)
    assert (stored.name, stored.name_key, stored.description, stored.org) == (
        "Chị Lan, số hoá hồ sơ",
        "chi lan, so hoa ho so",
        "Làm gương.",
        world["thai_nguyen"],
    )
    assert last_event("exemplary.model.updated").changes == {
        "name": ["Nguyễn Thị Lan", "Chị Lan, số hoá hồ sơ"],
        "description": ["", "Làm gương."],
        "org": [world["snv_thai_nguyen"].pk, world["thai_nguyen"].pk],
    }


def test_an_individuals_name_left_empty_is_theirs_again(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_update(
        actor=officer_thai_nguyen, model=world["model_tn"], name="Tên khác"
    )
    model = services.exemplary_update(actor=officer_thai_nguyen, model=model, name="")

    assert ExemplaryModel.objects.get(pk=model.pk).name == "Nguyễn Thị Lan"


def test_a_correction_that_changes_nothing_is_not_audited(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    before = state()

    services.exemplary_update(
        actor=officer_thai_nguyen, model=world["model_tn"], sector=" Cải cách  hành chính "
    )

    after = state()
    assert after["audit"] == before["audit"]


def test_it_refuses_a_bad_correction(
    officer_thai_nguyen: User, member_bac_kan: User, world: dict[str, Any]
) -> None:
    error = refused(
        lambda: services.exemplary_update(actor=member_bac_kan, model=world["model_bk"], name="  "),
        "name",
    )
    assert error.message == vi("Give the model's name.")
    error = refused(
        lambda: services.exemplary_update(
            actor=officer_thai_nguyen, model=world["model_tn"], stage="replicated"
        ),
        None,
    )
    assert error.message == vi("These fields cannot be changed: %(f)s.", f="stage")


def test_it_refuses_a_name_another_model_has_that_year(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    services.exemplary_create(
        actor=member_bac_kan,
        kind="model",
        org=world["snv_bac_kan"],
        name="Tổ tự quản",
        discovered_on=dt.date(2024, 2, 1),
    )

    refused(
        lambda: services.exemplary_update(
            actor=member_bac_kan, model=world["model_bk"], name="TỔ TỰ QUẢN"
        ),
        "name",
    )


@pytest.mark.parametrize(
    ("persona", "model", "org"),
    [
        ("viewer_bac_giang", "model_bg", None),
        ("secretariat_bac_giang", "model_bg", None),
        ("member_bac_kan", "model_tn", None),
        ("officer_thai_nguyen", "model_bg", None),
        ("member_bac_kan", "model_bk", "snv_thai_nguyen"),  # handing it to a unit out of reach
        ("officer_thai_nguyen", "model_tn", "bac_giang"),
    ],
)
def test_only_the_keepers_correct_and_hand_over_within_reach(
    request: pytest.FixtureRequest,
    world: dict[str, Any],
    persona: str,
    model: str,
    org: str | None,
) -> None:
    actor = request.getfixturevalue(persona)
    fields: dict[str, Any] = {"name": "Tên mới"} | ({"org": world[org]} if org else {})

    denied(lambda: services.exemplary_update(actor=actor, model=world[model], **fields))


# --- exemplary_advance -------------------------------------------------------------------------


def test_it_moves_on_one_stage_at_a_time_and_keeps_the_history(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = world["model_tn"]  # discovered on 1/3/2025

    services.exemplary_advance(
        actor=officer_thai_nguyen,
        model=model,
        stage="nurtured",
        on=dt.date(2025, 3, 1),  # the same day is allowed
        note=" Bồi dưỡng qua lớp tập huấn ",
    )
    services.exemplary_advance(
        actor=officer_thai_nguyen, model=model, stage="summarised", on=dt.date(2025, 9, 30)
    )
    services.exemplary_advance(
        actor=officer_thai_nguyen, model=model, stage="replicated", on=dt.date(2026, 1, 15)
    )

    assert ExemplaryModel.objects.get(pk=model.pk).stage == "replicated"
    assert list(
        ExemplaryStep.objects.filter(model=model).values_list("stage", "on", "note", "actor")
    ) == [
        ("discovered", dt.date(2025, 3, 1), "", keeper().pk),
        ("nurtured", dt.date(2025, 3, 1), "Bồi dưỡng qua lớp tập huấn", officer_thai_nguyen.pk),
        ("summarised", dt.date(2025, 9, 30), "", officer_thai_nguyen.pk),
        ("replicated", dt.date(2026, 1, 15), "", officer_thai_nguyen.pk),
    ]
    events = AuditEvent.objects.filter(action="exemplary.model.stage").order_by("pk")
    assert [e.changes for e in events] == [
        {
            "stage": ["discovered", "nurtured"],
            "on": [None, "2025-03-01"],
            "note": [None, "Bồi dưỡng qua lớp tập huấn"],
        },
        {"stage": ["nurtured", "summarised"], "on": [None, "2025-09-30"], "note": [None, ""]},
        {"stage": ["summarised", "replicated"], "on": [None, "2026-01-15"], "note": [None, ""]},
    ]
    assert {(e.object_id, e.org_id_hint, e.actor) for e in events} == {
        (str(model.pk), world["snv_thai_nguyen"].pk, officer_thai_nguyen)
    }


def advance_to(model: ExemplaryModel, stage: str) -> ExemplaryModel:
    """Move a model on (as the administrator) up to `stage`, one month apart from 1/6/2025."""
    day = dt.date(2025, 6, 1)
    while model.stage != stage:
        services.exemplary_advance(
            actor=keeper(), model=model, stage=model.next_stage or "", on=day
        )
        model.refresh_from_db()
        day += dt.timedelta(days=30)
    return model


@pytest.mark.parametrize(
    ("at", "to", "message", "params"),
    [
        (
            "discovered",
            "summarised",
            "No stage may be skipped: after “%(c)s” comes “%(n)s”.",
            {"c": Stage.DISCOVERED.label, "n": Stage.NURTURED.label},
        ),
        (
            "nurtured",
            "replicated",
            "No stage may be skipped: after “%(c)s” comes “%(n)s”.",
            {"c": Stage.NURTURED.label, "n": Stage.SUMMARISED.label},
        ),
        (
            "summarised",
            "nurtured",
            "An exemplary model does not go back: it is at “%(c)s”, after “%(s)s”.",
            {"c": Stage.SUMMARISED.label, "s": Stage.NURTURED.label},
        ),
        (
            "nurtured",
            "discovered",
            "An exemplary model does not go back: it is at “%(c)s”, after “%(s)s”.",
            {"c": Stage.NURTURED.label, "s": Stage.DISCOVERED.label},
        ),
        (
            "nurtured",
            "nurtured",
            "This exemplary model is already at the stage “%(s)s”.",
            {"s": Stage.NURTURED.label},
        ),
        (
            "replicated",
            "replicated",
            "“%(s)s” is the last stage: nothing follows it.",
            {"s": Stage.REPLICATED.label},
        ),
        ("discovered", "famous", "Unknown stage.", {}),
    ],
)
def test_it_refuses_to_skip_a_stage_or_go_back(
    officer_thai_nguyen: User,
    world: dict[str, Any],
    at: str,
    to: str,
    message: str,
    params: dict[str, Any],
) -> None:
    model = advance_to(world["model_tn"], at)

    error = refused(
        lambda: services.exemplary_advance(
            actor=officer_thai_nguyen, model=model, stage=to, on=dt.date(2026, 6, 1)
        ),
        "stage",
    )

    assert error.message == vi(message, **params)
    assert ExemplaryModel.objects.get(pk=model.pk).stage == at


def test_it_refuses_a_date_before_the_previous_stage(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    error = refused(
        lambda: services.exemplary_advance(
            actor=officer_thai_nguyen,
            model=world["model_tn"],
            stage="nurtured",
            on=dt.date(2025, 2, 28),
        ),
        "on",
    )

    assert error.message == vi(
        "The date cannot be before the previous stage's (%(d)s).", d="01/03/2025"
    )


def test_it_refuses_a_date_in_the_future(officer_thai_nguyen: User, world: dict[str, Any]) -> None:
    error = refused(
        lambda: services.exemplary_advance(
            actor=officer_thai_nguyen,
            model=world["model_tn"],
            stage="nurtured",
            on=TODAY + dt.timedelta(days=1),
        ),
        "on",
    )

    assert error.message == vi("The date cannot be in the future.")


def test_a_stale_page_cannot_record_the_same_stage_twice(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    stale = ExemplaryModel.objects.get(pk=world["model_tn"].pk)
    services.exemplary_advance(
        actor=officer_thai_nguyen, model=stale, stage="nurtured", on=dt.date(2025, 4, 1)
    )

    refused(
        lambda: services.exemplary_advance(
            actor=officer_thai_nguyen, model=stale, stage="nurtured", on=dt.date(2025, 4, 2)
        ),
        "stage",
    )


@pytest.mark.parametrize(
    ("persona", "model"),
    [
        ("outsider", "model_tn"),
        ("viewer_bac_giang", "model_bg"),
        ("secretariat_bac_giang", "model_bg"),
        ("council_member", "model_tn"),
        ("member_bac_kan", "model_tn"),
        ("officer_thai_nguyen", "model_bg"),
    ],
)
def test_only_the_keepers_move_a_model_on(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str, model: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(
        lambda: services.exemplary_advance(
            actor=actor, model=world[model], stage="nurtured", on=dt.date(2025, 6, 1)
        )
    )


def test_a_focal_point_moves_their_units_model_on(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    step = services.exemplary_advance(
        actor=member_bac_kan, model=world["model_bk"], stage="nurtured", on=dt.date(2024, 6, 1)
    )

    assert (step.stage, step.actor) == ("nurtured", member_bac_kan)


# --- exemplary_link ----------------------------------------------------------------------------


def test_it_links_movements_and_the_individuals_commendations(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = world["model_tn"]

    services.exemplary_link(
        actor=officer_thai_nguyen,
        model=model,
        movements=[world["movement_tn"]],
        records=[world["record_lan"]],
    )

    assert list(model.movements.all()) == [world["movement_tn"]]
    assert list(model.records.all()) == [world["record_lan"]]
    assert last_event("exemplary.model.updated").changes == {
        "movements": [[], [world["movement_tn"].pk]],
        "records": [[], [world["record_lan"].pk]],
    }


def test_linking_the_same_lists_again_is_not_audited(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = world["model_tn"]
    services.exemplary_link(
        actor=officer_thai_nguyen, model=model, movements=[world["movement_tn"]], records=[]
    )
    before = state()

    services.exemplary_link(
        actor=officer_thai_nguyen, model=model, movements=[world["movement_tn"]], records=None
    )

    assert state() == before


def test_a_collective_links_the_commendations_of_the_units_merged_into_it(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = services.exemplary_create(
        actor=officer_thai_nguyen,
        kind="collective",
        org=world["thai_nguyen"],
        collective=world["snv_thai_nguyen"],
        discovered_on=dt.date(2025, 8, 1),
    )

    services.exemplary_link(
        actor=officer_thai_nguyen,
        model=model,
        records=[world["record_snv_tn"], world["record_snv_bk"]],
    )

    assert set(model.records.all()) == {world["record_snv_tn"], world["record_snv_bk"]}


def test_a_model_links_its_keeping_units_commendations(
    member_bac_kan: User, world: dict[str, Any]
) -> None:
    services.exemplary_link(
        actor=member_bac_kan, model=world["model_bk"], records=[world["record_snv_bk"]]
    )

    assert list(world["model_bk"].records.all()) == [world["record_snv_bk"]]


@pytest.mark.parametrize("record", ["record_snv_tn", "record_lan_revoked", "record_hung"])
def test_it_refuses_a_commendation_that_is_not_the_subjects_own_in_force(
    officer_thai_nguyen: User, world: dict[str, Any], record: str
) -> None:
    rec = world[record]

    error = refused(
        lambda: services.exemplary_link(
            actor=officer_thai_nguyen, model=world["model_tn"], records=[world["record_lan"], rec]
        ),
        "records",
    )

    assert error.message == vi(
        "%(r)s (decision %(d)s) is not a commendation in force of %(n)s.",
        r=rec,
        d=rec.decision.number,
        n="Nguyễn Thị Lan",
    )


def test_it_refuses_a_movement_out_of_sight(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    error = refused(
        lambda: services.exemplary_link(
            actor=officer_thai_nguyen,
            model=world["model_tn"],
            movements=[world["movement_tn"], world["movement_bg"]],
        ),
        "movements",
    )

    assert error.message == vi("A movement chosen is not one you may see.")


def test_a_movement_linked_by_someone_who_sees_more_stays(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    model = world["model_tn"]
    services.exemplary_link(actor=keeper(), model=model, movements=[world["movement_bg"]])

    services.exemplary_link(
        actor=officer_thai_nguyen,
        model=model,
        movements=[world["movement_bg"], world["movement_tn"]],
    )

    assert set(model.movements.all()) == {world["movement_bg"], world["movement_tn"]}


@pytest.mark.parametrize(
    ("persona", "model"),
    [
        ("viewer_bac_giang", "model_bg"),
        ("secretariat_bac_giang", "model_bg"),
        ("member_bac_kan", "model_tn"),
        ("council_member", "model_tn"),
        ("officer_thai_nguyen", "model_bg"),
    ],
)
def test_only_the_keepers_link(
    request: pytest.FixtureRequest, world: dict[str, Any], persona: str, model: str
) -> None:
    actor = request.getfixturevalue(persona)

    denied(lambda: services.exemplary_link(actor=actor, model=world[model], records=[]))


# --- selectors ---------------------------------------------------------------------------------


def names(qs: Any) -> list[str]:
    return [m.name for m in qs]


def test_each_user_lists_the_models_kept_within_reach(
    request: pytest.FixtureRequest, world: dict[str, Any]
) -> None:
    def seen(persona: str) -> list[str]:
        return names(selectors.exemplary_list(user=request.getfixturevalue(persona)))

    assert seen("admin_user") == [
        "Nguyễn Thị Lan",
        "Sở Nội vụ tỉnh Bắc Giang",
        "Mô hình Dân vận khéo",
    ]
    assert seen("officer_thai_nguyen") == ["Nguyễn Thị Lan", "Mô hình Dân vận khéo"]
    assert seen("member_bac_kan") == ["Mô hình Dân vận khéo"]
    assert seen("viewer_bac_giang") == ["Sở Nội vụ tỉnh Bắc Giang"]
    assert seen("council_member") == []
    assert seen("outsider") == []


def test_the_list_filters_by_unit_year_stage_kind_and_name(
    admin_user: User, world: dict[str, Any]
) -> None:
    advance_to(world["model_bk"], "summarised")

    def listed(**filters: Any) -> list[str]:
        return names(selectors.exemplary_list(user=admin_user, **filters))

    assert listed(unit=world["thai_nguyen"]) == ["Nguyễn Thị Lan"]
    assert listed(unit=world["bac_kan"]) == ["Mô hình Dân vận khéo"]
    assert listed(year=2024) == ["Mô hình Dân vận khéo"]
    assert listed(stage="summarised") == ["Mô hình Dân vận khéo"]
    assert listed(kind="collective") == ["Sở Nội vụ tỉnh Bắc Giang"]
    assert listed(q="dan van") == ["Mô hình Dân vận khéo"]
    assert listed(unit=world["bac_giang"], year=2024) == []


def test_the_summary_counts_each_kind_at_each_stage(
    admin_user: User, world: dict[str, Any]
) -> None:
    advance_to(world["model_bk"], "nurtured")

    summary = selectors.stage_summary(selectors.exemplary_list(user=admin_user))

    assert [(r["kind"], r["counts"], r["total"]) for r in summary["rows"]] == [
        ("person", [1, 0, 0, 0], 1),
        ("collective", [1, 0, 0, 0], 1),
        ("model", [0, 1, 0, 0], 1),
    ]
    assert (summary["totals"], summary["total"]) == ([2, 1, 0, 0], 3)


def test_linkable_records_are_the_subjects_in_force_within_sight(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    records = selectors.linkable_records(user=officer_thai_nguyen, model=world["model_tn"])

    assert list(records) == [world["record_lan"]]


def test_people_are_found_by_name_in_the_unit_and_below(
    officer_thai_nguyen: User, world: dict[str, Any]
) -> None:
    found = selectors.people_named(
        user=officer_thai_nguyen, unit=world["thai_nguyen"], name="nguyen thi lan", birth_year=None
    )
    assert found == [world["lan"]]
    assert (
        selectors.people_named(
            user=officer_thai_nguyen,
            unit=world["thai_nguyen"],
            name="Nguyễn Thị Lan",
            birth_year=1990,
        )
        == []
    )
    assert (
        selectors.people_named(
            user=officer_thai_nguyen,
            unit=Org.objects.get(code="24"),
            name="Trần Văn Hùng",
            birth_year=None,
        )
        == []
    )
