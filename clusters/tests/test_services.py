"""Writes to clusters and their years: rotation on opening, refusals that change nothing, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from clusters.models import Cluster, ClusterMember, ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_hand_over_flag,
    cluster_year_open,
    cluster_year_set_head,
    cluster_year_set_members,
)
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from orgs.services import org_create


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    """Services speak the user's language; the users of this software read Vietnamese."""
    with translation.override("vi"):
        yield


def message(text: str, **params: Any) -> str:
    """A message as the user reads it (Vietnamese, from the catalogue)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def state() -> dict[str, Any]:
    """Everything a refused write must leave as it was."""
    return {
        "counts": [m.objects.count() for m in (Cluster, ClusterYear, ClusterMember, AuditEvent)],
        "clusters": sorted(
            Cluster.objects.values_list(
                "pk", "kind", "organiser_id", "code", "name", "description", "uses_rotating_flag"
            )
        ),
        "years": sorted(
            ClusterYear.objects.values_list(
                "pk",
                "cluster_id",
                "year",
                "head_id",
                "deputy_id",
                "head_decision",
                "head_decision_date",
                "flag_handover_date",
                "flag_handover_note",
                "note",
            )
        ),
        "members": sorted(
            ClusterMember.objects.values_list("cluster_year_id", "org_id", "rotation_position")
        ),
    }


def member_codes(cluster_year: ClusterYear) -> list[str]:
    return [m.org.code for m in cluster_year.members.select_related("org")]


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


@pytest.fixture
def council(db: Any) -> Org:
    """Hội đồng Thi đua - Khen thưởng Trung ương: organises the provinces' clusters."""
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def cluster(council: Org) -> Cluster:
    return cluster_create(
        actor=None,
        kind="cum",
        organiser=council,
        code="CTD-THU",
        name="Cụm thi đua thử nghiệm",
        uses_rotating_flag=True,
    )


@pytest.fixture
def north(province: Any) -> list[Org]:
    """Bắc Giang, Bắc Kạn, Thái Nguyên, in the order of the head's rotation."""
    return [province("24"), province("06"), province("19")]


@pytest.fixture
def year_2015(cluster: Cluster, north: list[Org]) -> ClusterYear:
    """2015: Bắc Giang head, Bắc Kạn deputy."""
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=north)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=north[0],
        deputy=north[1],
        decision="Biên bản suy tôn 2015",
        decision_date=dt.date(2015, 1, 20),
    )


# --- cluster_create ----------------------------------------------------------------------------


def test_it_forms_a_cluster_and_audits_it(council: Org, admin_user: Any) -> None:
    created = cluster_create(
        actor=admin_user,
        kind="khoi",
        organiser=council,
        code=" ktd-bo  nganh ",
        name="  Khối thi đua   các Bộ, ngành ",
        description=" Khối của các bộ \n",
        valid_from=dt.date(2020, 1, 1),
    )

    row = Cluster.objects.get(pk=created.pk)
    assert (row.kind, row.organiser, row.code, row.name, row.description) == (
        "khoi",
        council,
        "KTD-BO NGANH",
        "Khối thi đua các Bộ, ngành",
        "Khối của các bộ",
    )
    assert (row.valid_from, row.uses_rotating_flag) == (dt.date(2020, 1, 1), False)
    assert row.search_key == "| ktd-bo nganh | khoi thi dua cac bo, nganh |"
    event = last_event("clusters.cluster.created")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        admin_user,
        "clusters.cluster",
        str(row.pk),
        council.pk,
    )
    assert event.changes == {
        "code": [None, "KTD-BO NGANH"],
        "name": [None, "Khối thi đua các Bộ, ngành"],
        "kind": [None, "khoi"],
    }


@pytest.mark.parametrize(
    ("fields", "field", "text", "params"),
    [
        (
            {"code": "ctd-thu"},
            "code",
            "Another cluster already has the code %(code)s.",
            {"code": "CTD-THU"},
        ),
        (
            {"code": " CTD-THU "},
            "code",
            "Another cluster already has the code %(code)s.",
            {"code": "CTD-THU"},
        ),
        ({"kind": "to"}, "kind", "Unknown kind of cluster.", {}),
        ({"kind": ""}, "kind", "Unknown kind of cluster.", {}),
        ({"code": "   "}, "code", "The code is required.", {}),
        ({"name": " "}, "name", "The name is required.", {}),
    ],
)
def test_it_refuses_a_bad_new_cluster(
    cluster: Cluster, fields: dict[str, Any], field: str, text: str, params: dict[str, str]
) -> None:
    before = state()
    data: dict[str, Any] = {
        "kind": "cum",
        "organiser": cluster.organiser,
        "code": "CTD-MOI",
        "name": "Cụm thi đua mới",
    }

    with pytest.raises(DomainError) as exc:
        cluster_create(actor=None, **(data | fields))

    assert (exc.value.field, exc.value.message) == (field, message(text, **params))
    assert state() == before


# --- cluster_year_open -------------------------------------------------------------------------


def test_it_opens_the_first_year_with_the_chosen_members(
    cluster: Cluster, north: list[Org], admin_user: Any
) -> None:
    opened = cluster_year_open(
        actor=admin_user, cluster=cluster, year=2015, members=north, note=" Năm đầu "
    )

    row = ClusterYear.objects.get(pk=opened.pk)
    assert (row.cluster, row.year, row.head, row.deputy, row.note) == (
        cluster,
        2015,
        None,
        None,
        "Năm đầu",
    )
    assert list(row.members.values_list("org__code", "rotation_position")) == [
        ("24", 1),
        ("06", 2),
        ("19", 3),
    ]
    event = last_event("clusters.year.opened")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        admin_user,
        "clusters.clusteryear",
        str(row.pk),
        cluster.organiser_id,
    )
    assert event.changes == {
        "year": [None, 2015],
        "members": [None, [o.pk for o in north]],
        "head": [None, None],
        "deputy": [None, None],
    }


def test_it_accepts_a_unit_that_existed_part_of_the_year(cluster: Cluster, province: Any) -> None:
    # Bắc Kạn ended on 30/06/2025: still a member of the 2025 year.
    opened = cluster_year_open(
        actor=None, cluster=cluster, year=2025, members=[province("06"), province("19")]
    )

    assert member_codes(opened) == ["06", "19"]


def test_it_copies_last_year_members_and_proposes_the_deputy_as_head(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    opened = cluster_year_open(actor=None, cluster=year_2015.cluster, year=2016)

    row = ClusterYear.objects.get(pk=opened.pk)
    assert member_codes(row) == ["24", "06", "19"]
    assert list(row.members.values_list("rotation_position", flat=True)) == [1, 2, 3]
    assert (row.head, row.deputy) == (north[1], north[2])  # Bắc Kạn head, Thái Nguyên deputy
    assert (row.head_decision, row.head_decision_date) == ("", None)
    assert last_event("clusters.year.opened").changes == {
        "year": [None, 2016],
        "members": [None, [o.pk for o in north]],
        "head": [None, north[1].pk],
        "deputy": [None, north[2].pk],
    }
    assert ClusterYear.objects.get(pk=year_2015.pk).head == north[0]  # last year stays as it was


def test_it_follows_the_rotation_when_last_year_had_no_deputy(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    cluster_year_set_head(
        actor=None,
        cluster_year=year_2015,
        head=north[2],
        deputy=None,
        decision="QĐ 2",
        decision_date=None,
    )

    opened = cluster_year_open(actor=None, cluster=year_2015.cluster, year=2016)

    assert (opened.head, opened.deputy) == (north[0], north[1])  # wraps after Thái Nguyên


def test_it_proposes_the_first_members_when_last_year_had_no_head(
    cluster: Cluster, north: list[Org]
) -> None:
    cluster_year_open(actor=None, cluster=cluster, year=2015, members=north)

    opened = cluster_year_open(actor=None, cluster=cluster, year=2017)

    assert (opened.head, opened.deputy) == (north[0], north[1])


def test_it_proposes_by_the_new_members_when_given(
    year_2015: ClusterYear, province: Any, north: list[Org]
) -> None:
    # Bắc Kạn (last year's deputy) leaves; Lào Cai joins.
    members = [north[0], north[2], province("10")]

    opened = cluster_year_open(actor=None, cluster=year_2015.cluster, year=2016, members=members)

    assert member_codes(opened) == ["24", "19", "10"]
    assert (opened.head, opened.deputy) == (north[2], members[2])


@pytest.mark.parametrize(
    ("year", "codes", "field", "text", "params"),
    [
        (2015, None, "members", "Choose the members of the first year.", {}),
        (2015, [], "members", "A cluster needs at least two members.", {}),
        (2015, ["19"], "members", "A cluster needs at least two members.", {}),
        (2015, ["19", "24", "19"], "members", "A unit appears twice among the members.", {}),
        (
            2026,
            ["19", "06"],
            "members",
            "These units did not exist in %(year)s: %(names)s.",
            {"year": 2026, "names": "Tỉnh Bắc Kạn"},
        ),
        (
            2026,
            ["06", "24", "19"],
            "members",
            "These units did not exist in %(year)s: %(names)s.",
            {"year": 2026, "names": "Tỉnh Bắc Kạn, Tỉnh Bắc Giang"},
        ),
        (1989, ["19", "24"], "year", "The year must be between 1990 and 2100.", {}),
        (2101, ["19", "24"], "year", "The year must be between 1990 and 2100.", {}),
    ],
)
def test_it_refuses_a_bad_first_year(
    cluster: Cluster,
    province: Any,
    year: int,
    codes: list[str] | None,
    field: str,
    text: str,
    params: dict[str, Any],
) -> None:
    members = None if codes is None else [province(c) for c in codes]
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_open(actor=None, cluster=cluster, year=year, members=members)

    assert (exc.value.field, exc.value.message) == (field, message(text, **params))
    assert state() == before


@pytest.mark.parametrize(
    ("year", "text", "params"),
    [
        (2015, "The year %(year)s is already open.", {"year": 2015}),
        (2014, "A later year is already open.", {}),
        (2010, "A later year is already open.", {}),
    ],
)
def test_it_refuses_a_year_already_open_or_before_the_latest(
    year_2015: ClusterYear, north: list[Org], year: int, text: str, params: dict[str, Any]
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_open(actor=None, cluster=year_2015.cluster, year=year, members=north)

    assert (exc.value.field, exc.value.message) == ("year", message(text, **params))
    assert state() == before


def test_it_refuses_to_copy_a_member_that_no_longer_exists(
    cluster: Cluster, north: list[Org]
) -> None:
    cluster_year_open(actor=None, cluster=cluster, year=2025, members=north)
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_open(actor=None, cluster=cluster, year=2026)

    assert (exc.value.field, exc.value.message) == (
        "members",
        message(
            "These units did not exist in %(year)s: %(names)s.",
            year=2026,
            names="Tỉnh Bắc Giang, Tỉnh Bắc Kạn",
        ),
    )
    assert state() == before


def test_it_accepts_a_unit_that_existed_only_within_the_year(
    cluster: Cluster, province: Any
) -> None:
    # A department formed on 1/3/2025 and merged away with its province on 1/7/2025.
    short_lived = org_create(
        actor=None,
        code="06.SNNMT",
        name="Sở Nông nghiệp và Môi trường tỉnh Bắc Kạn",
        kind="department",
        parent=province("06"),
        valid_from=dt.date(2025, 3, 1),
        valid_to=dt.date(2025, 6, 30),
    )

    opened = cluster_year_open(
        actor=None, cluster=cluster, year=2025, members=[short_lived, province("19")]
    )

    assert member_codes(opened) == ["06.SNNMT", "19"]


# --- cluster_year_set_members ------------------------------------------------------------------


@pytest.fixture
def young_unit(province: Any) -> Org:
    """A unit formed in 2020: it did not exist in 2015."""
    return org_create(
        actor=None,
        code="19.TTHCC",
        name="Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên",
        kind="other",
        parent=province("19"),
        valid_from=dt.date(2020, 5, 1),
    )


def test_it_changes_the_members_in_the_given_order(
    year_2015: ClusterYear, north: list[Org], province: Any, admin_user: Any
) -> None:
    members = [north[2], province("10"), north[0], north[1]]

    cluster_year_set_members(actor=admin_user, cluster_year=year_2015, members=members)

    assert list(year_2015.members.values_list("org__code", "rotation_position")) == [
        ("19", 1),
        ("10", 2),
        ("24", 3),
        ("06", 4),
    ]
    event = last_event("clusters.year.members_changed")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        admin_user,
        str(year_2015.pk),
        year_2015.cluster.organiser_id,
    )
    assert event.changes == {"members": [[o.pk for o in north], [o.pk for o in members]]}


@pytest.mark.parametrize(
    ("codes", "text", "params"),
    [
        (["06", "19"], "The head and the deputy must stay members; change them first.", {}),
        (["24", "19"], "The head and the deputy must stay members; change them first.", {}),
        (["24", "06", "24"], "A unit appears twice among the members.", {}),
        (["24"], "A cluster needs at least two members.", {}),
        (
            ["24", "06", "19.TTHCC"],
            "These units did not exist in %(year)s: %(names)s.",
            {"year": 2015, "names": "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên"},
        ),
    ],
)
def test_it_refuses_bad_members(
    year_2015: ClusterYear,
    young_unit: Org,
    province: Any,
    codes: list[str],
    text: str,
    params: dict[str, Any],
) -> None:
    members = [province(c) for c in codes]
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_set_members(actor=None, cluster_year=year_2015, members=members)

    assert (exc.value.field, exc.value.message) == ("members", message(text, **params))
    assert state() == before


# --- cluster_year_set_head ---------------------------------------------------------------------


def test_it_appoints_the_head_and_deputy_by_decision(
    cluster: Cluster, north: list[Org], admin_user: Any
) -> None:
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=north)

    cluster_year_set_head(
        actor=admin_user,
        cluster_year=opened,
        head=north[0],
        deputy=north[1],
        decision="  Biên bản   suy tôn ",
        decision_date=dt.date(2015, 1, 20),
    )

    row = ClusterYear.objects.get(pk=opened.pk)
    assert (row.head, row.deputy, row.head_decision, row.head_decision_date) == (
        north[0],
        north[1],
        "Biên bản suy tôn",
        dt.date(2015, 1, 20),
    )
    event = last_event("clusters.year.head_appointed")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        admin_user,
        str(opened.pk),
        cluster.organiser_id,
    )
    assert event.changes == {
        "head": [None, north[0].pk],
        "deputy": [None, north[1].pk],
        "head_decision": ["", "Biên bản suy tôn"],
        "head_decision_date": [None, "2015-01-20"],
    }


def test_it_audits_a_new_appointment_against_the_previous_one(
    year_2015: ClusterYear, north: list[Org]
) -> None:
    cluster_year_set_head(
        actor=None,
        cluster_year=year_2015,
        head=north[2],
        deputy=None,
        decision="QĐ 7",
        decision_date=None,
    )

    row = ClusterYear.objects.get(pk=year_2015.pk)
    assert (row.head, row.deputy, row.head_decision, row.head_decision_date) == (
        north[2],
        None,
        "QĐ 7",
        None,
    )
    changes = last_event("clusters.year.head_appointed").changes
    assert (changes["head"], changes["deputy"], changes["head_decision"]) == (
        [north[0].pk, north[2].pk],
        [north[1].pk, None],
        ["Biên bản suy tôn 2015", "QĐ 7"],
    )


def test_it_audits_the_previous_decision_date(year_2015: ClusterYear, north: list[Org]) -> None:
    cluster_year_set_head(
        actor=None,
        cluster_year=year_2015,
        head=north[0],
        deputy=north[1],
        decision="QĐ 8",
        decision_date=dt.date(2015, 2, 1),
    )

    assert last_event("clusters.year.head_appointed").changes["head_decision_date"] == [
        "2015-01-20",
        "2015-02-01",
    ]


@pytest.mark.parametrize(
    ("head", "deputy", "decision", "field", "text"),
    [
        ("10", "06", "QĐ 1", "head", "The head must be a member of the cluster this year."),
        ("19", "10", "QĐ 1", "deputy", "The deputy must be a member of the cluster this year."),
        ("19", "19", "QĐ 1", "deputy", "The head and the deputy must be different units."),
        ("19", "06", "   ", "decision", "Give the appointing decision (number and symbol)."),
        ("19", None, "", "decision", "Give the appointing decision (number and symbol)."),
    ],
)
def test_it_refuses_a_bad_appointment(
    year_2015: ClusterYear,
    province: Any,
    head: str,
    deputy: str | None,
    decision: str,
    field: str,
    text: str,
) -> None:
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_set_head(
            actor=None,
            cluster_year=year_2015,
            head=province(head),
            deputy=province(deputy) if deputy else None,
            decision=decision,
            decision_date=dt.date(2015, 3, 1),
        )

    assert (exc.value.field, exc.value.message) == (field, message(text))
    assert state() == before


# --- cluster_year_hand_over_flag ---------------------------------------------------------------


def test_it_records_the_rotating_flag_passing_to_the_head(
    year_2015: ClusterYear, north: list[Org], admin_user: Any
) -> None:
    cluster_year_hand_over_flag(
        actor=admin_user,
        cluster_year=year_2015,
        day=dt.date(2014, 12, 19),
        note="  Trao cờ tại   hội nghị tổng kết ",
    )

    row = ClusterYear.objects.get(pk=year_2015.pk)
    assert (row.flag_handover_date, row.flag_handover_note) == (
        dt.date(2014, 12, 19),
        "Trao cờ tại hội nghị tổng kết",
    )
    event = last_event("clusters.year.flag_handed_over")
    assert (event.actor, event.object_id, event.org_id_hint) == (
        admin_user,
        str(year_2015.pk),
        year_2015.cluster.organiser_id,
    )
    assert event.changes == {
        "flag_handover_date": [None, "2014-12-19"],
        "head": [None, north[0].pk],
    }


def test_it_records_the_flag_handover_once(year_2015: ClusterYear) -> None:
    cluster_year_hand_over_flag(actor=None, cluster_year=year_2015, day=dt.date(2014, 12, 19))
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_hand_over_flag(actor=None, cluster_year=year_2015, day=dt.date(2015, 1, 5))

    assert (exc.value.field, exc.value.message) == (
        None,
        message("The handover of this year is already recorded."),
    )
    assert state() == before


def test_it_refuses_the_flag_before_the_head_is_appointed(
    cluster: Cluster, north: list[Org]
) -> None:
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=north)
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_hand_over_flag(actor=None, cluster_year=opened, day=dt.date(2015, 1, 5))

    assert (exc.value.field, exc.value.message) == (
        None,
        message("Appoint the head first: the flag passes to the head unit."),
    )
    assert state() == before


def test_it_refuses_the_flag_for_a_cluster_without_one(council: Org, north: list[Org]) -> None:
    plain = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-KHONG-CO", name="Cụm không cờ"
    )
    opened = cluster_year_open(actor=None, cluster=plain, year=2015, members=north)
    opened = cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=north[0],
        deputy=None,
        decision="QĐ 1",
        decision_date=None,
    )
    before = state()

    with pytest.raises(DomainError) as exc:
        cluster_year_hand_over_flag(actor=None, cluster_year=opened, day=dt.date(2015, 1, 5))

    assert (exc.value.field, exc.value.message) == (
        None,
        message("This cluster does not use a rotating flag."),
    )
    assert state() == before
