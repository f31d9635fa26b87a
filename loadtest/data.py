"""The load test's year-end data, added to the synthetic register (bench.register's database):
15 clusters of 20 member departments, each with its 2026 year, a locked scoring table and a yearly
report due in three days; a focal point per member (300), 50 commendation officers of provinces,
and a year-end meeting of the first cluster with 40 open secret polls and 20 delegates.

Everything is created through the project's services, under a run tag (`LT<tag>`), so runs do not
mix and the checks after a run look at this run's objects only. The users, pages and ids the load
generator needs are written to a manifest (JSON).

Run by loadtest.run; alone: `DATABASE_URL=… python -m loadtest.data <manifest.json> [--tag T]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

CLUSTERS = 15
MEMBERS = 20
OFFICERS = 50
DELEGATES = 20
POLLS = 40
YEAR = 2026
PASSWORD = "thidua-loadtest-2026"
# Every criterion of the starter table, as a focal point fills it: code → values to choose from
# (a self-assessment is submitted only when every criterion has a value), and the targets of the
# quantitative ones.
CRITERIA = {
    "A1": ["92", "100", "104"],
    "A2": ["6", "7", "8"],
    "B1": ["0", "1"],
    "B2": ["1", "2", "3", "4"],
    "C": ["0", "1"],
    "D1": ["1"],
    "D2": ["1", "2", "3"],
    "T": ["0", "1"],
    "P": ["0", "1"],
}
TARGETS = {"A1": "100"}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    import django

    django.setup()


def users(prefix: str, count: int, password_hash: str) -> list[Any]:
    from accounts.models import User

    made = [
        User(username=f"{prefix}{i:03d}", full_name=f"{prefix}{i:03d}", password=password_hash)
        for i in range(1, count + 1)
    ]
    return User.objects.bulk_create(made)


def build(tag: str) -> dict[str, Any]:
    """Create this run's data; return the manifest."""
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services import membership_grant, user_create
    from clusters import reports
    from clusters.services import (
        cluster_create,
        cluster_year_open,
        cluster_year_set_head,
        meeting_create,
    )
    from orgs.models import Org
    from people.models import Person
    from scoring.services import table_create, table_lock, table_publish
    from scoring.starter import STARTER
    from votes import services as votes

    rng = random.Random(tag)
    today = timezone.localdate()
    prefix = f"lt{tag}"
    first = user_create(actor=None, username=f"{prefix}admin", password=PASSWORD)
    membership_grant(actor=None, user=first, role=Role.ADMIN, org=None)
    # Provinces of the synthetic register that have departments (SYN-…D…), in code order.
    parents = list(
        Org.objects.filter(code__regex=r"^SYN-[0-9]+-[0-9]+\.D000$")
        .order_by("code")
        .values_list("parent_id", "code")[:MEMBERS]
    )
    if len(parents) < MEMBERS:
        raise SystemExit("the synthetic register is missing: run `python -m bench.register --keep`")
    organiser = Org.objects.get(code="TW-HDTDKT")
    manifest: dict[str, Any] = {
        "tag": tag,
        "password": PASSWORD,
        "year": YEAR,
        "criteria": CRITERIA,
        "targets": TARGETS,
        "focal_points": [],
        "officers": [],
        "delegates": [],
        "polls": [],
    }
    fps = users(f"{prefix}fp", CLUSTERS * MEMBERS, first.password)
    cluster_years = []
    for c in range(CLUSTERS):
        members = [Org.objects.get(code=code.replace(".D000", f".D{c:03d}")) for _, code in parents]
        cluster = cluster_create(
            actor=first,
            kind="khoi",
            organiser=organiser,
            code=f"LT{tag}-{c + 1:02d}",
            name=f"Khối thi đua thử tải {tag} số {c + 1}",
        )
        cy = cluster_year_open(actor=first, cluster=cluster, year=YEAR, members=members)
        cy = cluster_year_set_head(
            actor=first,
            cluster_year=cy,
            head=members[0],
            deputy=members[1],
            decision=f"{c + 1}/QĐ-LT",
            decision_date=dt.date(YEAR, 1, 15),
        )
        table = table_create(actor=first, cluster_year=cy, title=f"Bảng điểm {YEAR}", data=STARTER)
        table_lock(actor=first, table=table_publish(actor=first, table=table))
        period = reports.period_create(
            actor=first,
            cluster_year=cy,
            kind="year",
            name=f"Báo cáo tổng kết năm {YEAR}",
            start=dt.date(YEAR, 1, 1),
            end=dt.date(YEAR, 11, 30),
            due=today + dt.timedelta(days=3),
        )
        cluster_years.append((cluster, cy, members))
        for m, org in enumerate(members):
            user = fps[c * MEMBERS + m]
            membership_grant(actor=first, user=user, role=Role.FOCAL_POINT, org=org)
            manifest["focal_points"].append(
                {
                    "username": user.username,
                    "org": org.pk,
                    "sheet_page": f"/scoring/{cluster.pk}/years/{YEAR}/sheets/{org.pk}/",
                    "report_page": f"/clusters/periods/{period.pk}/members/{org.pk}/",
                }
            )
    for i, user in enumerate(users(f"{prefix}cb", OFFICERS, first.password)):
        province_id, _code = parents[i % len(parents)]
        province = Org.objects.get(pk=province_id)
        membership_grant(actor=first, user=user, role=Role.OFFICER, org=province)
        people = list(
            Person.objects.filter(unit__path__startswith=province.path)
            .order_by("?")
            .values_list("pk", flat=True)[:20]
        )
        cluster, cy, _members = cluster_years[i % CLUSTERS]
        manifest["officers"].append(
            {
                "username": user.username,
                "pages": {
                    "people_list": f"/people/?unit={province.pk}",
                    "records": f"/register/?unit_code={province.code}&year=2024",
                    "dashboard": f"/stats/?unit={province.pk}",
                    "dashboard_2024": f"/stats/?unit={province.pk}&from=2024&to=2024",
                    "org": f"/orgs/{province.pk}/",
                    "cluster_year": f"/clusters/{cluster.pk}/years/{YEAR}/",
                    "cluster_stats": f"/stats/clusters/{cluster.pk}/",
                },
                "people": [f"/people/{pk}/" for pk in people],
            }
        )
    cluster, cy, members = cluster_years[0]
    meeting = meeting_create(actor=first, cluster_year=cy, kind="year_end", date=today)
    delegates = users(f"{prefix}db", DELEGATES, first.password)
    for user, org in zip(delegates, members, strict=True):
        membership_grant(actor=first, user=user, role=Role.FOCAL_POINT, org=org)
    for p in range(POLLS):
        candidates = rng.sample(members, 3)
        poll = votes.poll_create(
            actor=first,
            question=f"Đề nghị tặng Bằng khen, lượt {p + 1}",
            purpose="certificate",
            method="plurality",
            meeting=meeting,
            candidates=[{"org": org} for org in candidates],
        )
        for user, org in zip(delegates, members, strict=True):
            votes.voter_designate(actor=first, poll=poll, org=org, user=user)
        votes.poll_open(actor=first, poll=poll)
        manifest["polls"].append(
            {
                "id": poll.pk,
                "ballot_page": f"/votes/{poll.pk}/ballot/",
                "candidates": [c.key for c in poll.candidates.all()],
            }
        )
    manifest["delegates"] = [u.username for u in delegates]
    assert User.objects.filter(username__startswith=prefix).count() == 1 + len(fps) + 70
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--tag", default=time.strftime("%m%d%H%M"))
    args = parser.parse_args(argv)
    setup_django(os.environ["DATABASE_URL"])
    t0 = time.perf_counter()
    manifest = build(args.tag)
    args.manifest.parent.mkdir(parents=True, exist_ok=True)
    args.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"[loadtest] data for run {args.tag} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
