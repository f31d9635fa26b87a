"""Demo scores: one full cycle for a seed cluster year, through the services, once.

Seed 004's cluster of seven northern border provinces gets, for 2016, a clearly labelled sample
table and sample scores: self-assessment with evidence, cross-check by two other members each,
one disputed criterion explained and settled, and published results. The only outcome the seed
records (Lạng Sơn first, proposed for the Government flag; Lào Cai second, for the Prime Minister's
certificate) is what the sample scores give. The next year gets a table copied from it, published
and locked, so a newcomer can try self-scoring.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from clusters.models import ClusterYear
from orgs.models import Org
from scoring import assessment, services
from scoring.models import ScoringTable
from scoring.starter import STARTER

DATA_FILE = Path(__file__).resolve().parent / "demo_scoring.json"


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def _split(raw: Any) -> tuple[Any, Any]:
    return (raw[0], raw[1]) if isinstance(raw, list) else (raw, None)


@transaction.atomic
def load(pdf: Any) -> int:
    """Create the demo cycle when its year has no table yet; `pdf(text)` makes a demo PDF.
    Returns how many tables were created."""
    data = demo_data()
    cluster_year = ClusterYear.objects.get(cluster__code=data["cluster"], year=data["year"])
    if ScoringTable.objects.filter(cluster_year=cluster_year).exists():
        return 0
    table = services.table_create(
        actor=None, cluster_year=cluster_year, title=data["title"], data=STARTER
    )
    table = services.table_lock(actor=None, table=services.table_publish(actor=None, table=table))
    members = [Org.objects.get(code=code) for code in data["self"]]
    note = data["note"]
    sheets = {}
    for org in members:
        sheet = assessment.sheet_for(table=table, org=org)
        for code, raw in data["self"][org.code].items():
            value, target = _split(raw)
            assessment.self_save(
                actor=None, sheet=sheet, code=code, value=value, target=target, note=note
            )
        evidence = data["evidence"]
        assessment.evidence_add(
            actor=None,
            sheet=sheet,
            code=evidence["code"],
            upload=ContentFile(pdf(f"{org.name}: {note}"), name=evidence["name"]),
        )
        sheets[org.code] = assessment.sheet_submit(actor=None, sheet=sheet)
    disputes = {(d["member"], d["code"]): d for d in data["disputes"]}
    count = len(members)
    for i, org in enumerate(members):
        reviewers = [members[(i + k) % count] for k in range(1, data["reviewers_each"] + 1)]
        for reviewer in reviewers:
            assessment.assignment_add(actor=None, table=table, reviewer=reviewer, reviewee=org)
            for code, raw in data["self"][org.code].items():
                value, target = _split(raw)
                review_note = ""
                dispute = disputes.get((org.code, code))
                if dispute:
                    value, review_note = dispute["value"], dispute["review_note"]
                assessment.review_save(
                    actor=None,
                    sheet=sheets[org.code],
                    reviewer=reviewer,
                    code=code,
                    value=value,
                    target=target,
                    note=review_note,
                )
    for org in members:
        sheet = sheets[org.code]
        settlements = {}
        for (member, code), dispute in disputes.items():
            if member != org.code:
                continue
            if sheet.status == "submitted":
                sheet = assessment.explanations_open(actor=None, sheet=sheet)
            assessment.explain_save(actor=None, sheet=sheet, code=code, note=dispute["explanation"])
            settlements[code] = (dispute["value"], dispute["settled_note"])
        assessment.sheet_finalize(actor=None, sheet=sheet, settlements=settlements)
    assessment.results_publish(actor=None, table=table)
    following = ClusterYear.objects.filter(
        cluster=cluster_year.cluster, year=cluster_year.year + 1
    ).first()
    created = 1
    if following is not None and not ScoringTable.objects.filter(cluster_year=following).exists():
        copy = services.table_copy_last_year(actor=None, cluster_year=following)
        services.table_lock(actor=None, table=services.table_publish(actor=None, table=copy))
        created += 1
    return created
