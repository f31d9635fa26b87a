"""The demo's clusters: the seed articles' facts, loaded once however often the command runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from clusters.models import Cluster, ClusterMember, ClusterYear
from clusters.selectors import cluster_list
from core import permissions
from core.models import AuditEvent

SEED_CLUSTERS = ["CTD-BTB", "CTD-MNBG", "CTD-TDMNPB", "CTD-VHTTDL-DBSH"]


def cluster_counts() -> dict[str, int]:
    return {
        "clusters": Cluster.objects.count(),
        "years": ClusterYear.objects.count(),
        "members": ClusterMember.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="clusters.").count(),
    }


@pytest.fixture
def demo(db: Any) -> dict[str, int]:
    call_command("load_demo", password="x", stdout=StringIO())
    return cluster_counts()


def year(code: str, number: int) -> ClusterYear:
    return ClusterYear.objects.select_related("head", "deputy", "cluster").get(
        cluster__code=code, year=number
    )


def member_codes(cluster_year: ClusterYear) -> list[str]:
    return list(cluster_year.members.values_list("org__code", flat=True))


def test_it_loads_the_four_seed_clusters_once(demo: dict[str, int]) -> None:
    out = StringIO()

    call_command("load_demo", password="x", stdout=out)

    assert sorted(Cluster.objects.values_list("code", flat=True)) == SEED_CLUSTERS
    assert cluster_counts() == demo
    assert demo["clusters"] == 4
    assert (
        "0 cluster(s), 0 covenant(s), 0 movement(s), 0 scoring table(s), 0 commendation(s), "
        "0 dossier(s), 0 exemplary model(s) created" in out.getvalue()
    )


def test_it_records_the_years_of_each_seed_cluster(demo: dict[str, int]) -> None:
    years = sorted(ClusterYear.objects.values_list("cluster__code", "year"))

    assert years == [
        ("CTD-BTB", 2018),
        ("CTD-MNBG", 2016),
        ("CTD-MNBG", 2017),
        ("CTD-TDMNPB", 2015),
        ("CTD-VHTTDL-DBSH", 2017),
        ("CTD-VHTTDL-DBSH", 2018),
    ]


def test_it_seeds_the_seven_northern_provinces_led_by_bac_giang(demo: dict[str, int]) -> None:
    row = year("CTD-TDMNPB", 2015)

    assert member_codes(row) == ["25", "08", "15", "17", "24", "06", "19"]
    assert (row.head.code, row.deputy.code) == ("24", "06")  # type: ignore[union-attr]
    assert row.cluster.organiser.code == "TW-HDTDKT"
    assert row.cluster.uses_rotating_flag is False


def test_it_seeds_the_rotating_flag_passing_to_ninh_binh(demo: dict[str, int]) -> None:
    row = year("CTD-VHTTDL-DBSH", 2018)

    assert row.head.code == "37.SVHTTDL"  # type: ignore[union-attr]
    assert row.flag_handover_date == dt.date(2017, 11, 17)
    assert row.cluster.uses_rotating_flag is True
    assert row.cluster.organiser.code == "TW-BVHTTDL"
    assert member_codes(row) == ["26.SVHTTDL", "37.SVHTTDL", "35.SVHTTDL"]
    assert year("CTD-VHTTDL-DBSH", 2017).head.code == "26.SVHTTDL"  # type: ignore[union-attr]


def test_it_seeds_lao_cai_as_head_in_2017(demo: dict[str, int]) -> None:
    row = year("CTD-MNBG", 2017)

    assert row.head.code == "10"  # type: ignore[union-attr]
    assert member_codes(row) == member_codes(year("CTD-MNBG", 2016))
    assert year("CTD-MNBG", 2016).head is None


def test_it_seeds_six_provinces_of_the_north_central_coast(demo: dict[str, int]) -> None:
    row = year("CTD-BTB", 2018)

    assert member_codes(row) == ["38", "40", "42", "44", "45", "46"]
    assert (row.head, row.deputy) == (None, None)


def test_it_gives_the_demo_accounts_their_clusters(demo: dict[str, int]) -> None:
    secretariat = User.objects.get(username="thuky.bacgiang")  # Bắc Giang heads CTD-TDMNPB 2015
    officer = User.objects.get(username="canbo.thainguyen")
    viewer = User.objects.get(username="xem.ninhbinh")  # Ninh Bình heads CTD-VHTTDL-DBSH 2018

    assert permissions.can_run_cluster_year(secretariat, year("CTD-TDMNPB", 2015)) is True
    assert permissions.can_run_cluster_year(officer, year("CTD-TDMNPB", 2015)) is False
    assert permissions.can_run_cluster_year(viewer, year("CTD-VHTTDL-DBSH", 2018)) is False
    assert [c.code for c in cluster_list(user=secretariat)] == ["CTD-TDMNPB"]
    assert [c.code for c in cluster_list(user=officer)] == ["CTD-TDMNPB"]
    assert [c.code for c in cluster_list(user=viewer)] == ["CTD-VHTTDL-DBSH"]


def test_it_seeds_seed_004s_budget_revenue_against_plan(demo: dict[str, int]) -> None:
    from clusters.selectors import indicator_table

    groups = indicator_table(year("CTD-MNBG", 2016))

    assert [g.name for g in groups] == ["Thu ngân sách nhà nước trên địa bàn"]
    figures = {line.org.code: (line.actual, line.percent) for line in groups[0].lines}
    # Seed 004: Sơn La 4,006 bn VND = 103% of plan; Cao Bằng 1,386 bn = 143%.
    assert {code: (str(a), str(p)) for code, (a, p) in figures.items()} == {
        "14": ("4006.00", "103.0"),
        "04": ("1386.00", "143.0"),
    }


def test_it_seeds_the_2017_covenant_as_signed_by_all_seven(demo: dict[str, int]) -> None:
    from clusters.models import Covenant

    covenant = Covenant.objects.get(cluster_year=year("CTD-MNBG", 2017))

    assert covenant.status == "signed"
    assert covenant.signed_scan_name.endswith(".pdf")
    assert sorted(covenant.registrations.values_list("status", flat=True)) == ["accepted"] * 7
    assert covenant.signed_scan.read(4) == b"%PDF"
