"""Reference data shipped with the product: the 63 → 34 provinces of 1/7/2025 and central bodies.

`load_reference(apps)` is idempotent and takes an app registry so a data migration can call it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from core.search import fenced_key

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference.json"


def reference_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def search_key_for(code: str, name: str, short_name: str, aliases: str) -> str:
    """`| code | name | short name | alias … |`, folded: each part can be matched whole or by prefix."""
    return fenced_key(code, name, short_name, *aliases.split(";"))


def load_reference(apps: Any) -> int:
    """Create or refresh the shipped organisations and their lineage; returns how many were created."""
    Org = apps.get_model("orgs", "Org")
    LineageEvent = apps.get_model("orgs", "LineageEvent")
    data = reference_data()
    merger_date = dt.date.fromisoformat(data["merger_date"])
    created = 0
    # The area (border, remote, island) came with migration 0005: older migrations' models lack it.
    has_area = any(f.name == "area" for f in Org._meta.get_fields())

    def upsert(code: str, parent: Any, area: str = "", **fields: Any) -> Any:
        nonlocal created
        fields["search_key"] = search_key_for(
            code, fields["name"], fields.get("short_name", ""), fields.get("aliases", "")
        )
        org = Org.objects.filter(code=code).first()
        if org is None:
            org = Org.objects.create(code=code, parent=parent, **fields)
            created += 1
        else:
            for key, value in fields.items():
                setattr(org, key, value)
            org.parent = parent
            org.save()
        if has_area and area and not org.area:
            # Shipped as a default: an officer's own marking of the unit is kept.
            org.area = area
            Org.objects.filter(pk=org.pk).update(area=area)
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        Org.objects.filter(pk=org.pk).update(path=org.path)
        return org

    by_code: dict[str, Any] = {}
    for item in data["central"]:
        parent = by_code.get(item["parent"]) if item["parent"] else None
        by_code[item["code"]] = upsert(
            item["code"],
            parent,
            name=item["name"],
            short_name=item["short_name"],
            kind=item["kind"],
        )
    for item in data["provinces"]:
        by_code[item["code"]] = upsert(
            item["code"],
            None,
            name=item["name"],
            short_name=item["short_name"],
            aliases=item["aliases"],
            area=item.get("area", ""),
            kind="province",
            valid_to=(merger_date - dt.timedelta(days=1)) if item["merged_into"] else None,
        )
    for item in data["provinces"]:
        if item["merged_into"]:
            LineageEvent.objects.get_or_create(
                kind="merged_into",
                predecessor=by_code[item["code"]],
                successor=by_code[item["merged_into"]],
                effective_date=merger_date,
                defaults={"legal_basis": data["legal_basis"]},
            )
    return created
