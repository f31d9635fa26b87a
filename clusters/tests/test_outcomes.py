"""How many units a cluster year proposes for a flag and for a certificate of merit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from clusters.models import ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    cluster_year_set_outcomes,
)
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-7",
        name="Cụm thi đua 7 tỉnh",
    )
    members = [province(code) for code in ("24", "06", "19")]
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB",
        decision_date=dt.date(2015, 1, 20),
    )


def test_the_default_is_one_leader_and_one_runner_up(year: ClusterYear) -> None:
    assert (year.leaders, year.runners_up) == (1, 1)


def test_the_secretariat_sets_the_numbers_and_it_is_audited(
    as_user: Any, year: ClusterYear
) -> None:
    url = reverse("clusters:year-outcomes", args=[year.cluster_id, year.year])

    response = as_user("secretariat_bac_giang").post(url, {"leaders": 2, "runners_up": 1})

    year.refresh_from_db()
    assert response.status_code == 302
    assert (year.leaders, year.runners_up) == (2, 1)
    event = AuditEvent.objects.get(action="clusters.year.outcomes_set")
    assert event.changes["leaders"] == [1, 2]


def test_more_proposals_than_members_are_refused(year: ClusterYear) -> None:
    with pytest.raises(DomainError):
        cluster_year_set_outcomes(actor=None, cluster_year=year, leaders=3, runners_up=1)
    year.refresh_from_db()
    assert (year.leaders, year.runners_up) == (1, 1)


@pytest.mark.parametrize("persona", ["member_bac_kan", "viewer_bac_giang", "outsider"])
def test_others_cannot_set_them(as_user: Any, year: ClusterYear, persona: str) -> None:
    url = reverse("clusters:year-outcomes", args=[year.cluster_id, year.year])

    response = as_user(persona).post(url, {"leaders": 2, "runners_up": 0})

    year.refresh_from_db()
    assert response.status_code in (403, 404)
    assert (year.leaders, year.runners_up) == (1, 1)
