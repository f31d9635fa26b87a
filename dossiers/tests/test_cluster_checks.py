"""A dossier that comes from a cluster's result proposes units of that cluster year and, where the
cluster's vote recorded proposals, the units it proposed (the seed-002 flow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clusters.services import cluster_create, cluster_year_open
from dossiers import selectors, services
from orgs.models import Org
from votes.models import Poll, Proposal

YEAR = 2018


@pytest.fixture
def cluster_year(admin_user: Any, province: Any) -> Any:
    cluster = cluster_create(
        actor=admin_user,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-BTB-TEST",
        name="Cụm thi đua 6 tỉnh Bắc Trung Bộ (thử)",
    )
    members = [province(c) for c in ("38", "40", "42", "44", "45", "46")]
    return cluster_year_open(actor=admin_user, cluster=cluster, year=YEAR, members=members)


def flag_dossier(admin_user: Any, province: Any, cluster_year: Any, *codes: str) -> Any:
    dossier = services.dossier_create(
        actor=admin_user,
        proposer=province("46"),
        receiver=Org.objects.get(code="TW-HDTDKT"),
        level="chinh_phu",
        code="CO_CP",
        year=YEAR,
        cluster_year=cluster_year,
        today=dt.date(2019, 3, 20),
    )
    for code in codes:
        services.recipient_add(actor=admin_user, dossier=dossier, org=province(code))
    return dossier


def cluster_texts(dossier: Any) -> list[tuple[bool, str]]:
    checks, _results = selectors.dossier_checks(dossier)
    return [(c.ok, c.text) for c in checks if c.code == "cluster"]


def test_it_accepts_a_member_of_the_cluster_year(
    admin_user: Any, province: Any, cluster_year: Any
) -> None:
    dossier = flag_dossier(admin_user, province, cluster_year, "38")

    assert cluster_texts(dossier) == [(True, f"Tỉnh Thanh Hóa: thành viên {cluster_year}")]


def test_it_blocks_a_unit_outside_the_cluster_year(
    admin_user: Any, province: Any, cluster_year: Any
) -> None:
    dossier = flag_dossier(admin_user, province, cluster_year, "19")

    assert cluster_texts(dossier) == [
        (False, f"Tỉnh Thái Nguyên: không phải thành viên {cluster_year}")
    ]


def test_it_follows_the_cluster_vote_where_it_recorded_proposals(
    admin_user: Any, province: Any, cluster_year: Any
) -> None:
    poll = Poll.objects.create(
        cluster_year=cluster_year,
        question="Suy tôn đơn vị dẫn đầu",
        purpose="flag",
        method="plurality",
        electorate="units",
        receipt_key="k",
    )
    Proposal.objects.create(poll=poll, cluster_year=cluster_year, org=province("38"), kind="flag")
    dossier = flag_dossier(admin_user, province, cluster_year, "38", "40")

    assert cluster_texts(dossier) == [
        (True, f"Tỉnh Thanh Hóa: thành viên {cluster_year}, được Cụm bỏ phiếu đề nghị"),
        (False, f"Tỉnh Nghệ An: không có trong kết quả bỏ phiếu đề nghị của {cluster_year}"),
    ]


def test_a_dossier_without_a_cluster_has_no_cluster_check(admin_user: Any, province: Any) -> None:
    dossier = flag_dossier(admin_user, province, None, "38")

    assert cluster_texts(dossier) == []
