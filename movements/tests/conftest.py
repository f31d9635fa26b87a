"""Four movements seen from different places, so a permission test reads like a sentence.

- tn: launched by Thái Nguyên (2016–2020);
- national: launched by the Central Council, Bắc Giang takes part;
- lao_cai: launched by Lào Cai, its border cluster (Lào Cai, Thái Nguyên) takes part;
- snv_bac_kan: launched by Sở Nội vụ Bắc Kạn for 2017.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Role, User
from clusters.models import Cluster
from clusters.services import cluster_create, cluster_year_open
from conftest import make_user
from core.models import AuditEvent
from movements.models import Movement, MovementReview
from movements.services import movement_create, movement_set_participants
from orgs.models import Org

PDF = b"%PDF-1.4\n% bao cao so ket\n"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def officer_lao_cai(province: Any) -> User:
    """Commendation officer of Lào Cai: another province than Thái Nguyên."""
    return make_user("canbo.laocai", Role.OFFICER, province("10"))


@pytest.fixture
def border_cluster(council: Org, province: Any) -> Cluster:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=council,
        code="CTD-BG",
        name="Cụm thi đua các tỉnh biên giới",
    )
    cluster_year_open(
        actor=None, cluster=cluster, year=2017, members=[province("10"), province("19")]
    )
    return cluster


@pytest.fixture
def movements(
    council: Org, province: Any, snv_bac_kan: Org, border_cluster: Cluster
) -> dict[str, Movement]:
    tn = movement_create(
        actor=None,
        launched_by=province("19"),
        name="Thi đua yêu nước giai đoạn 2016 – 2020",
        kind="regular",
        scope="ministry_or_province",
        start=dt.date(2016, 1, 1),
        end=dt.date(2020, 12, 31),
    )
    national = movement_create(
        actor=None,
        launched_by=council,
        name="Cả nước chung sức xây dựng nông thôn mới",
        kind="thematic",
        scope="national",
        start=dt.date(2016, 1, 1),
    )
    movement_set_participants(actor=None, movement=national, clusters=[], units=[province("24")])
    lao_cai = movement_create(
        actor=None,
        launched_by=province("10"),
        name="Lào Cai chung sức xây dựng nông thôn mới và giảm nghèo bền vững",
        kind="thematic",
        scope="ministry_or_province",
        start=dt.date(2017, 3, 1),
        end=dt.date(2018, 12, 31),
    )
    movement_set_participants(actor=None, movement=lao_cai, clusters=[border_cluster], units=[])
    unit = movement_create(
        actor=None,
        launched_by=snv_bac_kan,
        name="Thi đua cải cách hành chính",
        kind="regular",
        scope="unit",
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 12, 31),
    )
    return {"tn": tn, "national": national, "lao_cai": lao_cai, "snv_bac_kan": unit}


def state() -> dict[str, Any]:
    """Everything a refused or denied request must leave as it was."""
    return {
        "counts": [m.objects.count() for m in (Movement, MovementReview, AuditEvent)],
        "movements": sorted(
            Movement.objects.values_list(
                "pk",
                "launched_by_id",
                "name",
                "decision_number",
                "decision_date",
                "slogan",
                "scope",
                "theme",
                "kind",
                "start",
                "end",
                "target_groups",
                "note",
                "search_key",
            )
        ),
        "clusters": sorted(
            Movement.clusters.through.objects.values_list("movement_id", "cluster_id")
        ),
        "units": sorted(Movement.participants.through.objects.values_list("movement_id", "org_id")),
        "reviews": sorted(
            MovementReview.objects.values_list(
                "pk", "movement_id", "kind", "date", "title", "document", "document_name"
            )
        ),
    }
