"""Demo data from the five seed articles: units, accounts for each role, a few (fictitious) people.

Idempotent: running it again creates nothing twice. All people are invented and marked as demo.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import membership_grant, user_create
from clusters.models import Cluster, ClusterYear
from clusters.services import (
    cluster_create,
    cluster_year_hand_over_flag,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from core.text import fold
from orgs.models import LineageEvent, Org
from orgs.reference import load_reference
from orgs.services import lineage_record, org_create
from people.models import Person, Posting
from people.services import person_create, person_transfer

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "demo.json"
DEMO_NOTE = "Dữ liệu minh họa (demo)"


class Command(BaseCommand):
    help = "Load the demo data (seed clusters' units, demo accounts, fictitious people)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default="thidua-demo", help="password of demo accounts")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        load_reference(apps)
        data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        created_units = self._units(data["units"])
        self._lineage(data["lineage"])
        created_users = self._accounts(data["accounts"], options["password"])
        created_people = self._people(data["people"])
        created_clusters = self._clusters(data["clusters"])
        self._meetings(data["meetings"])
        self.stdout.write(
            f"demo data: {created_units} unit(s), {created_users} account(s), "
            f"{created_people} person(s), {created_clusters} cluster(s) created"
        )

    def _units(self, units: list[dict[str, Any]]) -> int:
        created = 0
        for item in units:
            if Org.objects.filter(code=item["code"]).exists():
                continue
            parent = Org.objects.get(code=item["parent"])
            org_create(
                actor=None,
                code=item["code"],
                name=item["name"],
                short_name=item.get("short_name", ""),
                kind=item["kind"],
                parent=parent,
                address=item.get("address", ""),
            )
            created += 1
        return created

    def _lineage(self, events: list[dict[str, Any]]) -> None:
        for item in events:
            pred = Org.objects.get(code=item["predecessor"])
            succ = Org.objects.get(code=item["successor"]) if item.get("successor") else None
            day = dt.date.fromisoformat(item["date"])
            if LineageEvent.objects.filter(
                predecessor=pred, successor=succ, effective_date=day
            ).exists():
                continue
            lineage_record(
                actor=None,
                kind=item["kind"],
                predecessor=pred,
                successor=succ,
                effective_date=day,
                legal_basis=item.get("legal_basis", ""),
            )

    def _accounts(self, accounts: list[dict[str, Any]], password: str) -> int:
        created = 0
        for item in accounts:
            user = User.objects.filter(username=item["username"]).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=item["username"],
                    password=password,
                    full_name=item["full_name"],
                    email=item.get("email", ""),
                )
                if item["role"] == "admin":
                    user.is_staff = user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                created += 1
            org = Org.objects.get(code=item["org"]) if item.get("org") else None
            membership_grant(actor=None, user=user, role=item["role"], org=org)
        return created

    def _clusters(self, clusters: list[dict[str, Any]]) -> int:
        """The seeds' clusters with their recorded years, members, heads and outcomes."""
        created = 0
        for item in clusters:
            if Cluster.objects.filter(code=item["code"]).exists():
                continue
            cluster = cluster_create(
                actor=None,
                kind=item["kind"],
                organiser=Org.objects.get(code=item["organiser"]),
                code=item["code"],
                name=item["name"],
                uses_rotating_flag=item["flag"],
            )
            for spec in item["years"]:
                members = (
                    [Org.objects.get(code=c) for c in spec["members"]]
                    if "members" in spec
                    else None
                )
                cluster_year = cluster_year_open(
                    actor=None,
                    cluster=cluster,
                    year=spec["year"],
                    members=members,
                    note=spec.get("note", ""),
                )
                if spec.get("head"):
                    deputy = Org.objects.get(code=spec["deputy"]) if spec.get("deputy") else None
                    cluster_year = cluster_year_set_head(
                        actor=None,
                        cluster_year=cluster_year,
                        head=Org.objects.get(code=spec["head"]),
                        deputy=deputy,
                        decision=spec["decision"],
                        decision_date=None,
                    )
                if spec.get("flag_day"):
                    cluster_year_hand_over_flag(
                        actor=None,
                        cluster_year=cluster_year,
                        day=dt.date.fromisoformat(spec["flag_day"]),
                        note=spec.get("flag_note", ""),
                    )
            created += 1
        return created

    def _meetings(self, meetings: list[dict[str, Any]]) -> None:
        """The conferences the seeds report, added once (also to an older demo database)."""
        for item in meetings:
            cluster_year = ClusterYear.objects.get(cluster__code=item["cluster"], year=item["year"])
            day = dt.date.fromisoformat(item["date"])
            if cluster_year.meetings.filter(kind=item["kind"], date=day).exists():
                continue
            meeting_create(
                actor=None,
                cluster_year=cluster_year,
                kind=item["kind"],
                date=day,
                place=item.get("place", ""),
                host=Org.objects.get(code=item["host"]) if item.get("host") else None,
                agenda=item.get("agenda", ""),
                decisions=item.get("decisions", ""),
                attendee_units=[m.org for m in cluster_year.members.select_related("org")],
            )

    def _people(self, spec: dict[str, Any]) -> int:
        rng = random.Random(2025)  # noqa: S311 - fictitious names, reproducible
        names = spec["names"]
        created = 0
        for unit_spec in spec["units"]:
            unit = Org.objects.get(code=unit_spec["code"])
            for index in range(unit_spec["count"]):
                gender = "F" if index % 2 else "M"
                middle = names["middle_f"] if gender == "F" else names["middle_m"]
                given = names["given_f"] if gender == "F" else names["given_m"]
                full_name = (
                    f"{rng.choice(names['family'])} {rng.choice(middle)} {rng.choice(given)}"
                )
                birth_year = rng.randint(1968, 2000)
                ethnicity = rng.choice(unit_spec.get("ethnicities", ["Kinh"]))
                id_number = f"0{rng.randint(10, 99)}{rng.randint(100000000, 999999999)}"
                start = dt.date(rng.randint(2005, 2020), 1, 1)
                # Every random draw happens before this check, so a second run draws the same names.
                if Person.objects.filter(name_key=fold(full_name), birth_year=birth_year).exists():
                    continue
                position, category = spec["positions"][index % len(spec["positions"])]
                person_create(
                    actor=None,
                    full_name=full_name,
                    gender=gender,
                    birth_year=birth_year,
                    ethnicity=ethnicity,
                    position=position,
                    category=category,
                    unit=unit,
                    id_number=id_number,
                    note=DEMO_NOTE,
                    start_date=start,
                )
                created += 1
        for move in spec["transfers"]:
            if Posting.objects.filter(decision=move["decision"]).exists():
                continue
            unit_from = Org.objects.get(code=move["from"])
            person = Person.objects.filter(unit=unit_from).order_by("id").first()
            if person is None:
                continue
            person_transfer(
                actor=None,
                person=person,
                to_unit=Org.objects.get(code=move["to"]),
                start_date=dt.date.fromisoformat(move["date"]),
                decision=move.get("decision", ""),
            )
        return created
