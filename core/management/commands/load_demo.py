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
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import membership_grant, user_create
from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    covenant_sign,
    registration_accept,
    registration_for,
    registration_register,
    registration_save,
)
from clusters.models import Cluster, ClusterYear, Covenant, Submission
from clusters.reports import member_targets, period_create, submission_submit
from clusters.services import (
    cluster_create,
    cluster_year_hand_over_flag,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from core.text import fold
from movements.demo import load as load_movements
from orgs.models import LineageEvent, Org
from orgs.reference import load_reference
from orgs.services import lineage_record, org_create
from people.models import Person, Posting
from people.services import person_create, person_transfer

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "demo.json"
DEMO_NOTE = "Dữ liệu minh họa (demo)"


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying the file is a demo stand-in (ASCII only, so no font is needed)."""
    line = "Thi dua - tep minh hoa (demo), khong phai van ban that."
    stream = f"BT /F1 12 Tf 50 780 Td ({line}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


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
        created_covenants = self._covenants(data["covenants"])
        created_movements = load_movements()
        created_tables = self._scoring()
        from register.demo import load as load_register

        created_records = load_register()
        from dossiers.demo import load as load_dossiers

        created_dossiers = load_dossiers(demo_pdf)
        from exemplary.demo import load as load_exemplary

        created_models = load_exemplary()
        self.stdout.write(
            f"demo data: {created_units} unit(s), {created_users} account(s), "
            f"{created_people} person(s), {created_clusters} cluster(s), "
            f"{created_covenants} covenant(s), {created_movements} movement(s), "
            f"{created_tables} scoring table(s), {created_records} commendation(s), "
            f"{created_dossiers} dossier(s), {created_models} exemplary model(s) created"
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

    def _covenants(self, covenants: list[dict[str, Any]]) -> int:
        """The seeds' covenants through the real workflow: drafted, sent, registered, accepted,
        reported on, signed (with a demo scan) when the seed says so."""
        created = 0
        for item in covenants:
            cluster_year = ClusterYear.objects.get(cluster__code=item["cluster"], year=item["year"])
            if Covenant.objects.filter(cluster_year=cluster_year).exists():
                continue
            covenant = covenant_create(
                actor=None,
                cluster_year=cluster_year,
                title=item["title"],
                text=item["text"],
                criteria=item["criteria"],
            )
            covenant = covenant_send(actor=None, covenant=covenant)
            regs = list(item.get("registrations", []))
            if "all_members_titles" in item:
                regs = [
                    {"org": m.org.code, "titles": item["all_members_titles"], "targets": []}
                    for m in cluster_year.members.select_related("org")
                ]
            for spec in regs:
                registration = registration_for(
                    covenant=covenant, org=Org.objects.get(code=spec["org"])
                )
                registration_save(
                    actor=None,
                    registration=registration,
                    targets=[
                        TargetInput(name=t["name"], measure=t["measure"], value=t["value"])
                        for t in spec.get("targets", [])
                    ],
                    titles=spec.get("titles", []),
                    note=DEMO_NOTE,
                )
                registration_register(actor=None, registration=registration)
                registration_accept(actor=None, registration=registration)
            if "period" in item:
                self._demo_reports(cluster_year, item["period"], item["reports"])
            if "signed_on" in item:
                covenant_sign(
                    actor=None,
                    covenant=covenant,
                    signed_on=dt.date.fromisoformat(item["signed_on"]),
                    scan=ContentFile(demo_pdf(item["title"]), name="giao-uoc-minh-hoa.pdf"),
                )
            created += 1
        return created

    def _scoring(self) -> int:
        """Seed 004's 2016 as a full, clearly labelled scoring cycle (scoring/demo.py), and a
        locked 2017 table copied from it so sheets are open to try."""
        from scoring.demo import load as load_scoring

        return load_scoring(demo_pdf)

    def _demo_reports(
        self, cluster_year: ClusterYear, spec: dict[str, Any], items: list[dict[str, Any]]
    ) -> None:
        period = period_create(
            actor=None,
            cluster_year=cluster_year,
            kind=spec["kind"],
            name=spec["name"],
            start=dt.date.fromisoformat(spec["start"]),
            end=dt.date.fromisoformat(spec["end"]),
            due=dt.date.fromisoformat(spec["due"]),
        )
        for report in items:
            org = Org.objects.get(code=report["org"])
            targets = {t.name: t.pk for t in member_targets(cluster_year, org.pk)}
            submission = submission_submit(
                actor=None,
                period=period,
                org=org,
                upload=ContentFile(demo_pdf(report["summary"]), name="bao-cao-minh-hoa.pdf"),
                summary=report["summary"],
                actuals={targets[name]: value for name, value in report["actuals"].items()},
            )
            # A historic report: dated on its due date, not on the day the demo is loaded.
            received = dt.datetime.combine(period.due, dt.time(9), tzinfo=dt.UTC)
            Submission.objects.filter(pk=submission.pk).update(
                submitted_at=received, updated_at=received
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
