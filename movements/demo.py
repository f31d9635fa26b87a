"""Demo movements: the ones the seed articles name, loaded through the services once.

`load()` runs after the demo's units and clusters; it skips a movement its launching unit already
has under the same name, and a cluster the demo has not loaded.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from clusters.models import Cluster
from movements.models import Movement
from movements.services import movement_create, movement_set_participants, review_add
from orgs.models import Org

DATA_FILE = Path(__file__).resolve().parent / "demo_movements.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def demo_data() -> list[dict[str, Any]]:
    movements: list[dict[str, Any]] = json.loads(DATA_FILE.read_text(encoding="utf-8"))["movements"]
    return movements


@transaction.atomic
def load() -> int:
    """Create the seed articles' movements that are missing; return how many were created."""
    created = 0
    for item in demo_data():
        unit = Org.objects.get(code=item["launched_by"])
        if Movement.objects.filter(launched_by=unit, name=item["name"]).exists():
            continue
        movement = movement_create(
            actor=None,
            launched_by=unit,
            name=item["name"],
            kind=item["kind"],
            scope=item["scope"],
            start=dt.date.fromisoformat(item["start"]),
            end=_date(item.get("end")),
            theme=item.get("theme", ""),
            target_groups=item.get("target_groups", ""),
            note=item.get("note", ""),
        )
        clusters = list(Cluster.objects.filter(code__in=item.get("clusters", [])))
        units = [Org.objects.get(code=code) for code in item.get("participants", [])]
        if clusters or units:
            movement_set_participants(actor=None, movement=movement, clusters=clusters, units=units)
        for review in item.get("reviews", []):
            review_add(
                actor=None,
                movement=movement,
                kind=review["kind"],
                date=dt.date.fromisoformat(review["date"]),
                title=review["title"],
                summary=review.get("summary", ""),
                outcomes=review.get("outcomes", ""),
                collectives_commended=review.get("collectives_commended"),
                individuals_commended=review.get("individuals_commended"),
            )
        created += 1
    return created
