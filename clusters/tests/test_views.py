"""Cluster pages: who sees and runs which year, forms and their errors, list, search, export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Role
from clusters.models import Cluster, ClusterMember, ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_hand_over_flag,
    cluster_year_open,
    cluster_year_set_head,
    cluster_year_set_members,
)
from conftest import make_user
from core import permissions
from core.models import AuditEvent
from orgs.models import Org

LOGIN = reverse("accounts:login")


def message(text: str, **params: Any) -> str:
    """A message as the page shows it (Vietnamese, from the catalogue)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def state() -> dict[str, Any]:
    """Everything a refused or denied request must leave as it was."""
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


def year_of(cluster: Cluster, year: int) -> ClusterYear:
    return ClusterYear.objects.select_related("head", "deputy", "cluster").get(
        cluster=cluster, year=year
    )


def member_codes(cluster: Cluster, year: int) -> list[str]:
    return list(year_of(cluster, year).members.values_list("org__code", flat=True))


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def codes_listed(response: Any) -> list[str]:
    return [c.code for c in response.context["page"]]


@pytest.fixture
def council(db: Any) -> Org:
    """Hội đồng Thi đua - Khen thưởng Trung ương: organises the provinces' clusters."""
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def council_officer(council: Org) -> Any:
    """Commendation officer of the Central Council: manages every cluster it organises."""
    return make_user("canbo.hoidong", Role.OFFICER, council)


@pytest.fixture
def north(council: Org, province: Any) -> Cluster:
    """Bắc Giang, Bắc Kạn, Thái Nguyên; 2015: Bắc Giang head, Bắc Kạn deputy; a rotating flag."""
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=council,
        code="CTD-TDMN",
        name="Cụm thi đua các tỉnh Trung du miền núi phía Bắc",
        uses_rotating_flag=True,
    )
    opened = cluster_year_open(
        actor=None,
        cluster=cluster,
        year=2015,
        members=[province("24"), province("06"), province("19")],
    )
    cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=province("24"),
        deputy=province("06"),
        decision="Biên bản suy tôn 2015",
        decision_date=dt.date(2015, 1, 20),
    )
    return cluster


@pytest.fixture
def south(council: Org, province: Any) -> Cluster:
    """Thanh Hóa and Nghệ An: no persona's unit is a member."""
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-BTB", name="Cụm thi đua Bắc Trung Bộ"
    )
    cluster_year_open(
        actor=None, cluster=cluster, year=2018, members=[province("38"), province("40")]
    )
    return cluster


@pytest.fixture
def clusters(north: Cluster, south: Cluster) -> dict[str, Cluster]:
    return {"north": north, "south": south}


@pytest.fixture
def rotated(north: Cluster, province: Any) -> Cluster:
    """The council opens 2016 and appoints Thái Nguyên head, Bắc Kạn deputy."""
    opened = cluster_year_open(actor=None, cluster=north, year=2016)
    cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=province("19"),
        deputy=province("06"),
        decision="Biên bản suy tôn 2016",
        decision_date=dt.date(2016, 1, 15),
    )
    return north


def url(name: str, cluster: Cluster, year: int | None = None) -> str:
    args = [cluster.pk] if year is None else [cluster.pk, year]
    return reverse(f"clusters:{name}", args=args)


# --- who sees what -----------------------------------------------------------------------------

# persona → {(page, cluster): status}. A cluster is seen from its organising council or from a
# member unit; one out of sight is a 404. Opening a year needs the council or the current head.
ACCESS: dict[str, dict[tuple[str, str | None], int]] = {
    "admin_user": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "north"): 200,
        ("detail", "south"): 200,
        ("year", "north"): 200,
        ("year", "south"): 200,
        ("open", "north"): 200,
    },
    "council_officer": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "north"): 200,
        ("detail", "south"): 200,
        ("year", "south"): 200,
        ("open", "north"): 200,
        ("open", "south"): 200,
    },
    "council_member": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "north"): 200,
        ("detail", "south"): 200,
        ("year", "north"): 200,
        ("open", "north"): 403,
    },
    "officer_thai_nguyen": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "north"): 200,
        ("detail", "south"): 404,
        ("year", "north"): 200,
        ("year", "south"): 404,
        ("open", "north"): 403,
        ("open", "south"): 404,
    },
    "secretariat_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "north"): 200,
        ("detail", "south"): 404,
        ("year", "north"): 200,
        ("year", "south"): 404,
        ("open", "north"): 200,  # Bắc Giang heads the current year
        ("open", "south"): 404,
    },
    "viewer_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "north"): 200,
        ("detail", "south"): 404,
        ("year", "north"): 200,
        ("open", "north"): 403,
    },
    "member_bac_kan": {  # reaches Sở Nội vụ Bắc Kạn, not the province that is the member
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "north"): 404,
        ("year", "north"): 404,
        ("open", "north"): 404,
    },
    "outsider": {
        ("list", None): 403,
        ("create", None): 403,
        ("detail", "north"): 404,
        ("detail", "south"): 404,
        ("year", "north"): 404,
        ("open", "north"): 404,
    },
}
FIRST_YEAR = {"north": 2015, "south": 2018}


def page_url(page: str, clusters: dict[str, Cluster], target: str | None) -> str:
    if target is None:
        return reverse(f"clusters:cluster-{page}")
    if page == "year":
        return url("year-detail", clusters[target], FIRST_YEAR[target])
    return url("year-open" if page == "open" else "cluster-detail", clusters[target])


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, clusters: dict[str, Cluster], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        (page, target): client.get(page_url(page, clusters, target)).status_code
        for page, target in ACCESS[persona]
    }

    assert statuses == ACCESS[persona]


# persona → the clusters it lists
LISTS = {
    "admin_user": ["CTD-BTB", "CTD-TDMN"],
    "council_officer": ["CTD-BTB", "CTD-TDMN"],
    "council_member": ["CTD-BTB", "CTD-TDMN"],
    "officer_thai_nguyen": ["CTD-TDMN"],
    "secretariat_bac_giang": ["CTD-TDMN"],
    "viewer_bac_giang": ["CTD-TDMN"],
    "member_bac_kan": [],
}


@pytest.mark.parametrize("persona", LISTS)
def test_it_lists_only_the_clusters_in_sight(
    as_user: Any, clusters: dict[str, Cluster], persona: str
) -> None:
    response = as_user(persona).get(reverse("clusters:cluster-list"))

    assert response.status_code == 200
    assert codes_listed(response) == LISTS[persona]


def test_it_keeps_a_cluster_in_sight_of_a_former_member(
    as_user: Any, rotated: Cluster, province: Any
) -> None:
    # Bắc Giang leaves in 2016: its viewer still sees the cluster, by the 2015 membership.
    cluster_year_set_members(
        actor=None,
        cluster_year=year_of(rotated, 2016),
        members=[province("19"), province("06")],
    )
    client = as_user("viewer_bac_giang")

    assert codes_listed(client.get(reverse("clusters:cluster-list"))) == ["CTD-TDMN"]
    assert client.get(url("cluster-detail", rotated)).status_code == 200
    assert client.get(url("year-detail", rotated, 2016)).status_code == 200


def test_it_sends_visitors_to_sign_in_from_every_page(north: Cluster) -> None:
    client = Client()
    urls = [
        reverse("clusters:cluster-list"),
        reverse("clusters:cluster-create"),
        url("cluster-detail", north),
        url("year-open", north),
        url("year-detail", north, 2015),
        url("year-members", north, 2015),
        url("year-head", north, 2015),
        url("year-flag", north, 2015),
    ]
    before = state()

    for address in urls:
        assert_sent_to_login(client.get(address))
        assert_sent_to_login(client.post(address, {"year": 2016, "member_codes": "24\n19"}))

    assert state() == before


def test_it_answers_404_for_a_cluster_or_year_that_does_not_exist(
    as_user: Any, north: Cluster
) -> None:
    client = as_user("admin_user")

    assert client.get(reverse("clusters:cluster-detail", args=[north.pk + 1000])).status_code == 404
    assert client.get(url("year-detail", north, 2016)).status_code == 404
    assert client.post(
        url("year-members", north, 2016), {"member_codes": "24\n19"}
    ).status_code == (404)


# --- who runs which year -----------------------------------------------------------------------

# persona → whether it may run the 2015 year, while Bắc Giang heads it
RUNS_2015 = {
    "admin_user": True,
    "council_officer": True,
    "secretariat_bac_giang": True,
    "officer_thai_nguyen": False,
    "viewer_bac_giang": False,
    "council_member": False,
    "member_bac_kan": False,
    "outsider": False,
}


@pytest.mark.parametrize("persona", RUNS_2015)
def test_it_lets_the_council_and_the_head_unit_run_the_current_year(
    request: pytest.FixtureRequest, north: Cluster, persona: str
) -> None:
    user = request.getfixturevalue(persona)

    assert permissions.can_run_cluster_year(user, year_of(north, 2015)) is RUNS_2015[persona]


def test_it_lets_nobody_anonymous_run_a_year(north: Cluster) -> None:
    assert permissions.can_run_cluster_year(AnonymousUser(), year_of(north, 2015)) is False


# persona → whether it may run (2015, 2016) once Thái Nguyên heads 2016
RUNS_AFTER_ROTATION = {
    "council_officer": (True, True),
    "secretariat_bac_giang": (False, False),
    "officer_thai_nguyen": (False, True),
    "viewer_bac_giang": (False, False),
}


@pytest.mark.parametrize("persona", RUNS_AFTER_ROTATION)
def test_it_gives_the_year_to_the_new_head_unit(
    request: pytest.FixtureRequest, rotated: Cluster, persona: str
) -> None:
    user = request.getfixturevalue(persona)

    assert (
        permissions.can_run_cluster_year(user, year_of(rotated, 2015)),
        permissions.can_run_cluster_year(user, year_of(rotated, 2016)),
    ) == RUNS_AFTER_ROTATION[persona]


def test_it_lets_the_head_unit_secretariat_run_its_year_then_hands_over(
    as_user: Any, north: Cluster, province: Any
) -> None:
    client = as_user("secretariat_bac_giang")
    bac_giang, thai_nguyen = province("24"), province("19")

    page = client.get(url("year-detail", north, 2015))
    flag = client.post(url("year-flag", north, 2015), {"day": "19/12/2014", "note": "Nhận cờ"})
    head = client.post(
        url("year-head", north, 2015),
        {
            "head": bac_giang.pk,
            "deputy": thai_nguyen.pk,
            "decision": "Biên bản 2",
            "decision_date": "02/02/2015",
        },
    )
    members = client.post(url("year-members", north, 2015), {"member_codes": "24\n19\n06"})
    opened = client.post(url("year-open", north), {"year": 2016, "member_codes": ""})

    assert page.context["may_run"] is True
    assert [r.status_code for r in (flag, head, members, opened)] == [302, 302, 302, 302]
    assert opened["Location"] == url("year-detail", north, 2016)
    last = year_of(north, 2015)
    assert (last.flag_handover_date, last.head, last.deputy, last.head_decision_date) == (
        dt.date(2014, 12, 19),
        bac_giang,
        thai_nguyen,
        dt.date(2015, 2, 2),
    )
    new = year_of(north, 2016)
    assert member_codes(north, 2016) == ["24", "19", "06"]
    assert (new.head, new.deputy) == (thai_nguyen, province("06"))
    assert client.get(url("year-detail", north, 2016)).context["may_run"] is False
    assert client.get(url("year-detail", north, 2015)).context["may_run"] is False


def test_it_lets_the_council_open_the_next_year_and_appoint_the_head(
    as_user: Any, north: Cluster, province: Any
) -> None:
    client = as_user("council_officer")
    thai_nguyen, bac_kan = province("19"), province("06")

    form = client.get(url("year-open", north)).context["form"]
    opened = client.post(url("year-open", north), {"year": 2016})
    proposed = year_of(north, 2016)
    appointed = client.post(
        url("year-head", north, 2016),
        {
            "head": thai_nguyen.pk,
            "deputy": bac_kan.pk,
            "decision": "Biên bản suy tôn 2016",
            "decision_date": "15/01/2016",
        },
    )

    # The form shows the rotation's proposal, which the opener may change.
    assert form.initial == {"year": 2016, "head_code": "06", "deputy_code": "19"}
    assert (opened.status_code, opened["Location"]) == (302, url("year-detail", north, 2016))
    assert (proposed.head, proposed.deputy) == (bac_kan, thai_nguyen)  # last deputy moves up
    assert (appointed.status_code, appointed["Location"]) == (
        302,
        url("year-detail", north, 2016),
    )
    row = year_of(north, 2016)
    assert (row.head, row.deputy, row.head_decision, row.head_decision_date) == (
        thai_nguyen,
        bac_kan,
        "Biên bản suy tôn 2016",
        dt.date(2016, 1, 15),
    )
    assert member_codes(north, 2016) == ["24", "06", "19"]


def posts(province: Any, current: int) -> dict[tuple[str, int | None], dict[str, Any]]:
    """Valid changes to each year of the north cluster: they succeed for whoever runs the year."""
    pk = {code: province(code).pk for code in ("24", "06", "19")}
    return {
        ("head", 2015): {"head": pk["19"], "deputy": pk["24"], "decision": "QĐ 99"},
        ("members", 2015): {"member_codes": "19\n24\n06"},
        ("flag", 2015): {"day": "19/12/2014", "note": "Nhận cờ"},
        ("head", 2016): {"head": pk["19"], "deputy": pk["24"], "decision": "QĐ 99"},
        ("members", 2016): {"member_codes": "06\n19\n24"},
        ("flag", 2016): {"day": "20/12/2015", "note": "Nhận cờ"},
        ("open", None): {"year": current + 1, "member_codes": ""},
    }


def post_url(cluster: Cluster, page: str, year: int | None) -> str:
    return url("year-open", cluster) if year is None else url(f"year-{page}", cluster, year)


ALL_2016 = [("head", 2016), ("members", 2016), ("flag", 2016), ("open", None)]
ALL_2015 = [("head", 2015), ("members", 2015), ("flag", 2015), ("open", None)]

# (persona, whether 2016 is open with Thái Nguyên as head) → the answer to each post
DENIED = {
    ("secretariat_bac_giang", True): (ALL_2015[:3] + ALL_2016, 403),
    ("viewer_bac_giang", True): (ALL_2015[:3] + ALL_2016, 403),
    ("officer_thai_nguyen", True): (ALL_2015[:3], 403),
    ("officer_thai_nguyen", False): (ALL_2015, 403),
    ("viewer_bac_giang", False): (ALL_2015, 403),
    ("council_member", False): (ALL_2015, 403),
    ("member_bac_kan", False): (ALL_2015, 404),
    ("outsider", False): (ALL_2015, 404),
    (None, False): (ALL_2015, 302),
}


@pytest.mark.parametrize(("persona", "after_rotation"), DENIED)
def test_it_changes_nothing_for_anyone_else(
    request: pytest.FixtureRequest,
    as_user: Any,
    north: Cluster,
    province: Any,
    persona: str | None,
    after_rotation: bool,
) -> None:
    if after_rotation:
        request.getfixturevalue("rotated")
    pages, status = DENIED[(persona, after_rotation)]
    data = posts(province, 2016 if after_rotation else 2015)
    client = as_user(persona)
    before = state()

    statuses = {
        (page, year): client.post(post_url(north, page, year), data[(page, year)]).status_code
        for page, year in pages
    }

    assert statuses == dict.fromkeys(pages, status)
    assert state() == before


@pytest.mark.parametrize("persona", ["officer_thai_nguyen", "council_officer"])
def test_it_lets_the_new_head_unit_and_the_council_run_the_new_year(
    as_user: Any, rotated: Cluster, province: Any, persona: str
) -> None:
    # The very posts denied to last year's secretariat succeed for the rightful users.
    data = posts(province, 2016)
    client = as_user(persona)

    statuses = {
        (page, year): client.post(post_url(rotated, page, year), data[(page, year)]).status_code
        for page, year in ALL_2016
    }

    assert statuses == dict.fromkeys(ALL_2016, 302)
    row = year_of(rotated, 2016)
    assert (row.head, row.deputy, row.flag_handover_date) == (
        province("19"),
        province("24"),
        dt.date(2015, 12, 20),
    )
    assert member_codes(rotated, 2016) == ["06", "19", "24"]
    assert year_of(rotated, 2017).head == province("24")  # 2016's deputy moves up


# --- list, search, export ----------------------------------------------------------------------


@pytest.fixture
def block(council: Org) -> Cluster:
    return cluster_create(
        actor=None,
        kind="khoi",
        organiser=council,
        code="KTD-VHXH",
        name="Khối thi đua các cơ quan văn hóa – xã hội",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "miền núi"}, ["CTD-TDMN"]),
        ({"q": "TRUNG DU MIEN NUI"}, ["CTD-TDMN"]),
        ({"q": "bắc trung bộ"}, ["CTD-BTB"]),
        ({"q": "ctd-btb"}, ["CTD-BTB"]),
        ({"q": "van hoa"}, ["KTD-VHXH"]),
        ({"q": "cum thi dua"}, ["CTD-BTB", "CTD-TDMN"]),
        ({"q": "thi dua", "kind": "khoi"}, ["KTD-VHXH"]),
        ({"kind": "cum"}, ["CTD-BTB", "CTD-TDMN"]),
        ({"kind": "galaxy"}, ["CTD-BTB", "CTD-TDMN", "KTD-VHXH"]),
        ({"q": "hai phong"}, []),
    ],
)
def test_it_searches_and_filters_the_list(
    as_user: Any,
    clusters: dict[str, Cluster],
    block: Cluster,
    params: dict[str, str],
    expected: list[str],
) -> None:
    response = as_user("council_officer").get(reverse("clusters:cluster-list"), params)

    assert response.status_code == 200
    assert codes_listed(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="cum-khoi.xlsx"'
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_exactly_the_filtered_clusters(
    as_user: Any, clusters: dict[str, Cluster], block: Cluster, council: Org
) -> None:
    response = as_user("council_officer").get(
        reverse("clusters:cluster-list"), {"q": "thi dua", "kind": "cum", "format": "xlsx"}
    )

    with translation.override("vi"):
        header = tuple(
            translation.gettext(h) for h in ("Code", "Name", "Kind", "Organising council")
        )
        cum = str(clusters["north"].get_kind_display())
    assert read_xlsx(response) == [
        header,
        ("CTD-BTB", "Cụm thi đua Bắc Trung Bộ", cum, council.name),
        ("CTD-TDMN", "Cụm thi đua các tỉnh Trung du miền núi phía Bắc", cum, council.name),
    ]


def test_it_exports_only_the_clusters_in_sight(as_user: Any, clusters: dict[str, Cluster]) -> None:
    response = as_user("viewer_bac_giang").get(reverse("clusters:cluster-list"), {"format": "xlsx"})

    assert [row[0] for row in read_xlsx(response)[1:]] == ["CTD-TDMN"]


def test_it_offers_to_form_a_cluster_only_to_keepers(as_user: Any, north: Cluster) -> None:
    list_url = reverse("clusters:cluster-list")

    assert as_user("council_officer").get(list_url).context["can_create"] is True
    assert as_user("viewer_bac_giang").get(list_url).context["can_create"] is False


# --- forming a cluster -------------------------------------------------------------------------

NEW_CLUSTER = {
    "kind": "khoi",
    "organiser_code": " tw-hdtdkt ",
    "code": "ktd-moi",
    "name": "Khối thi đua mới",
    "description": "Các cơ quan Trung ương",
    "valid_from": "01/01/2026",
    "uses_rotating_flag": "on",
}


def test_it_lets_the_council_officer_form_a_cluster(
    as_user: Any, council: Org, council_officer: Any
) -> None:
    response = as_user("council_officer").post(reverse("clusters:cluster-create"), NEW_CLUSTER)

    cluster = Cluster.objects.get(code="KTD-MOI")
    assert (response.status_code, response["Location"]) == (302, url("cluster-detail", cluster))
    assert (
        cluster.kind,
        cluster.organiser,
        cluster.name,
        cluster.description,
        cluster.valid_from,
        cluster.uses_rotating_flag,
    ) == ("khoi", council, "Khối thi đua mới", "Các cơ quan Trung ương", dt.date(2026, 1, 1), True)
    event = AuditEvent.objects.get(action="clusters.cluster.created", object_id=str(cluster.pk))
    assert event.actor == council_officer


@pytest.mark.parametrize(
    ("persona", "data", "field", "text", "params"),
    [
        (
            "council_officer",
            {"organiser_code": "XX-KHONG"},
            "organiser_code",
            "No unit you may manage has the code %(c)s.",
            {"c": "XX-KHONG"},
        ),
        (
            "officer_thai_nguyen",
            {"organiser_code": "tw-hdtdkt"},
            "organiser_code",
            "No unit you may manage has the code %(c)s.",
            {"c": "TW-HDTDKT"},
        ),
        (
            "council_officer",
            {"code": " ctd-tdmn "},
            "code",
            "Another cluster already has the code %(code)s.",
            {"code": "CTD-TDMN"},
        ),
    ],
)
def test_it_explains_a_bad_new_cluster(
    as_user: Any,
    north: Cluster,
    persona: str,
    data: dict[str, str],
    field: str,
    text: str,
    params: dict[str, str],
) -> None:
    client = as_user(persona)
    before = state()

    response = client.post(reverse("clusters:cluster-create"), NEW_CLUSTER | data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message(text, **params)]}
    assert state() == before


def test_it_refuses_a_date_typed_month_first(as_user: Any, council_officer: Any) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(
        reverse("clusters:cluster-create"), NEW_CLUSTER | {"valid_from": "12/31/2026"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["valid_from"]
    assert state() == before


@pytest.mark.parametrize("persona", ["secretariat_bac_giang", "council_member", "outsider"])
def test_it_lets_no_one_else_form_a_cluster(as_user: Any, council: Org, persona: str) -> None:
    client = as_user(persona)
    before = state()

    response = client.post(reverse("clusters:cluster-create"), NEW_CLUSTER)

    assert response.status_code == 403
    assert state() == before


# --- the cluster page --------------------------------------------------------------------------


def test_it_shows_the_years_newest_first(as_user: Any, rotated: Cluster) -> None:
    response = as_user("council_officer").get(url("cluster-detail", rotated))

    body = response.content.decode()
    assert [y.year for y in response.context["years"]] == [2016, 2015]
    assert response.context["current"].year == 2016
    assert response.context["may_open"] is True
    assert "Tỉnh Thái Nguyên" in body
    assert url("year-detail", rotated, 2015) in body
    assert url("year-open", rotated) in body


def test_it_hides_the_open_button_from_a_viewer(as_user: Any, north: Cluster) -> None:
    response = as_user("viewer_bac_giang").get(url("cluster-detail", north))

    assert response.context["may_open"] is False
    assert url("year-open", north) not in response.content.decode()


# --- opening a year ----------------------------------------------------------------------------


@pytest.fixture
def empty(council: Org) -> Cluster:
    return cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-MOI", name="Cụm thi đua mới lập"
    )


def test_it_opens_the_first_year_with_codes_one_per_line(
    as_user: Any, empty: Cluster, province: Any
) -> None:
    response = as_user("council_officer").post(
        url("year-open", empty), {"year": 2015, "member_codes": "24\n 06 \n\n19, 10\n"}
    )

    assert (response.status_code, response["Location"]) == (302, url("year-detail", empty, 2015))
    assert member_codes(empty, 2015) == ["24", "06", "19", "10"]
    assert (year_of(empty, 2015).head, year_of(empty, 2015).deputy) == (None, None)


def test_it_suggests_no_year_for_the_first_one(as_user: Any, empty: Cluster) -> None:
    assert as_user("council_officer").get(url("year-open", empty)).context["form"].initial == {}


@pytest.mark.parametrize(
    ("target", "data", "field", "text", "params"),
    [
        (
            "empty",
            {"year": 2015, "member_codes": "24\nxx\n06\nYY"},
            "member_codes",
            "Unknown unit codes: %(c)s.",
            {"c": "XX, YY"},
        ),
        (
            "empty",
            {"year": 2015, "member_codes": ""},
            "member_codes",
            "Choose the members of the first year.",
            {},
        ),
        (
            "empty",
            {"year": 2015, "member_codes": "24"},
            "member_codes",
            "A cluster needs at least two members.",
            {},
        ),
        (
            "empty",
            {"year": 2026, "member_codes": "19\n06"},
            "member_codes",
            "These units did not exist in %(year)s: %(names)s.",
            {"year": 2026, "names": "Tỉnh Bắc Kạn"},
        ),
        (
            "north",
            {"year": 2015},
            "year",
            "The year %(year)s is already open.",
            {"year": 2015},
        ),
        ("north", {"year": 2014}, "year", "A later year is already open.", {}),
        (
            "north",
            {"year": 2026},
            "member_codes",
            "These units did not exist in %(year)s: %(names)s.",
            {"year": 2026, "names": "Tỉnh Bắc Giang, Tỉnh Bắc Kạn"},
        ),
    ],
)
def test_it_explains_a_year_that_cannot_open(
    as_user: Any,
    request: pytest.FixtureRequest,
    target: str,
    data: dict[str, Any],
    field: str,
    text: str,
    params: dict[str, Any],
) -> None:
    cluster = request.getfixturevalue(target)
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-open", cluster), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message(text, **params)]}
    assert state() == before


def test_it_refuses_an_implausible_year_in_the_form(as_user: Any, north: Cluster) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-open", north), {"year": 1989})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["year"]
    assert state() == before


# --- the year page: members, head, flag ----------------------------------------------------------


def test_it_prefills_the_year_forms(as_user: Any, north: Cluster, province: Any) -> None:
    response = as_user("council_officer").get(url("year-detail", north, 2015))

    context = response.context
    assert context["may_run"] is True
    assert context["members_form"].initial == {"member_codes": "24\n06\n19"}
    assert context["head_form"].initial == {
        "head": province("24").pk,
        "deputy": province("06").pk,
        "decision": "Biên bản suy tôn 2015",
        "decision_date": dt.date(2015, 1, 20),
    }
    assert [m.org.code for m in context["members"]] == ["24", "06", "19"]
    assert "20/01/2015" in response.content.decode()


def test_it_hides_the_forms_from_a_viewer(as_user: Any, north: Cluster) -> None:
    response = as_user("viewer_bac_giang").get(url("year-detail", north, 2015))

    body = response.content.decode()
    assert response.context["may_run"] is False
    assert url("year-head", north, 2015) not in body
    assert url("year-members", north, 2015) not in body
    assert url("year-flag", north, 2015) not in body


def test_it_saves_the_members_in_the_typed_order(as_user: Any, north: Cluster) -> None:
    response = as_user("council_officer").post(
        url("year-members", north, 2015), {"member_codes": "19\n10, 24\n06"}
    )

    assert (response.status_code, response["Location"]) == (302, url("year-detail", north, 2015))
    assert list(year_of(north, 2015).members.values_list("org__code", "rotation_position")) == [
        ("19", 1),
        ("10", 2),
        ("24", 3),
        ("06", 4),
    ]


@pytest.mark.parametrize(
    ("codes", "text", "params"),
    [
        ("24\n06\nzz", "Unknown unit codes: %(c)s.", {"c": "ZZ"}),
        ("06\n19", "The head and the deputy must stay members; change them first.", {}),
        ("24\n06\n24", "A unit appears twice among the members.", {}),
        ("24", "A cluster needs at least two members.", {}),
    ],
)
def test_it_explains_bad_members(
    as_user: Any, north: Cluster, codes: str, text: str, params: dict[str, str]
) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-members", north, 2015), {"member_codes": codes})

    assert response.status_code == 200
    assert response.context["members_form"].errors == {"member_codes": [message(text, **params)]}
    assert [m.org.code for m in response.context["members"]] == ["24", "06", "19"]
    assert state() == before


def test_it_appoints_the_head_with_a_date_typed_day_first(
    as_user: Any, north: Cluster, province: Any
) -> None:
    response = as_user("council_officer").post(
        url("year-head", north, 2015),
        {
            "head": province("19").pk,
            "deputy": "",
            "decision": "12/QĐ-HĐTĐKT",
            "decision_date": "17/11/2014",
        },
    )

    assert (response.status_code, response["Location"]) == (302, url("year-detail", north, 2015))
    row = year_of(north, 2015)
    assert (row.head, row.deputy, row.head_decision, row.head_decision_date) == (
        province("19"),
        None,
        "12/QĐ-HĐTĐKT",
        dt.date(2014, 11, 17),
    )


@pytest.mark.parametrize(
    ("head", "deputy", "decision", "errors"),
    [
        ("19", "19", "QĐ 1", {"deputy": "The head and the deputy must be different units."}),
        ("10", "06", "QĐ 1", {"head": None}),  # not a member: not among the choices
        ("19", "10", "QĐ 1", {"deputy": None}),
        ("19", "06", "   ", {"decision": None}),
    ],
)
def test_it_explains_a_bad_appointment(
    as_user: Any,
    north: Cluster,
    province: Any,
    head: str,
    deputy: str,
    decision: str,
    errors: dict[str, str | None],
) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(
        url("year-head", north, 2015),
        {
            "head": province(head).pk,
            "deputy": province(deputy).pk,
            "decision": decision,
            "decision_date": "01/03/2015",
        },
    )

    assert response.status_code == 200
    form_errors = response.context["head_form"].errors
    assert list(form_errors) == list(errors)
    for field, text in errors.items():
        if text is not None:
            assert form_errors[field] == [message(text)]
    assert state() == before


def test_it_records_the_flag_with_a_date_typed_day_first(as_user: Any, north: Cluster) -> None:
    response = as_user("council_officer").post(
        url("year-flag", north, 2015), {"day": "17/11/2014", "note": " Trao cờ  luân lưu "}
    )

    assert (response.status_code, response["Location"]) == (302, url("year-detail", north, 2015))
    row = year_of(north, 2015)
    assert (row.flag_handover_date, row.flag_handover_note) == (
        dt.date(2014, 11, 17),
        "Trao cờ luân lưu",
    )


def test_it_explains_a_flag_already_handed_over(as_user: Any, north: Cluster) -> None:
    cluster_year_hand_over_flag(
        actor=None, cluster_year=year_of(north, 2015), day=dt.date(2014, 11, 17)
    )
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-flag", north, 2015), {"day": "18/11/2014"})

    assert response.status_code == 200
    form = response.context["flag_form"]
    assert form.non_field_errors() == [message("The handover of this year is already recorded.")]
    assert state() == before


def test_it_explains_a_flag_for_a_cluster_without_one(as_user: Any, south: Cluster) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-flag", south, 2018), {"day": "18/11/2017"})

    assert response.status_code == 200
    assert response.context["flag_form"].non_field_errors() == [
        message("This cluster does not use a rotating flag.")
    ]
    assert state() == before


@pytest.mark.parametrize("day", ["", "2014-17-11", "31/02/2015"])
def test_it_refuses_a_bad_flag_date(as_user: Any, north: Cluster, day: str) -> None:
    client = as_user("council_officer")
    before = state()

    response = client.post(url("year-flag", north, 2015), {"day": day})

    assert response.status_code == 200
    assert list(response.context["flag_form"].errors) == ["day"]
    assert state() == before


def test_it_answers_405_to_a_get_on_a_form_target(as_user: Any, north: Cluster) -> None:
    client = as_user("council_officer")

    assert client.get(url("year-head", north, 2015)).status_code == 405


def test_it_opens_the_year_with_the_head_the_conference_elected(
    as_user: Any, north: Cluster, province: Any
) -> None:
    client = as_user("council_officer")

    opened = client.post(
        url("year-open", north), {"year": 2016, "head_code": "19", "deputy_code": "24"}
    )

    assert opened.status_code == 302
    new = year_of(north, 2016)
    assert (new.head, new.deputy) == (province("19"), province("24"))


def test_it_refuses_a_head_who_is_not_a_member_and_opens_nothing(
    as_user: Any, north: Cluster, province: Any
) -> None:
    client = as_user("council_officer")

    page = client.post(url("year-open", north), {"year": 2016, "head_code": "01"})
    unknown = client.post(url("year-open", north), {"year": 2016, "head_code": "ZZ-99"})

    assert page.status_code == unknown.status_code == 200
    assert page.context["form"].errors["head_code"]
    assert unknown.context["form"].errors["head_code"]
    assert not north.years.filter(year=2016).exists()
