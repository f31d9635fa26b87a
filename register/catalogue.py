"""The catalogue (titles, forms, base salary) and the rule sets, loaded from register/data/*.json.

The JSON files are the project's own copy of domain.md §4–6; `load()` upserts them (a data migration
calls it, and so can an administrator after editing the files). Officers' changes made in the
database (new rule-set versions, parameters) are not touched by it.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from register import rules

DATA = Path(__file__).resolve().parent / "data"


def read_json(name: str) -> dict[str, Any]:
    with open(DATA / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@lru_cache(maxsize=1)
def document_names() -> dict[str, str]:
    names: dict[str, str] = read_json("catalogue.json")["documents"]
    return names


def load(apps: Any = None) -> None:
    """Upsert the catalogue, the base salary table and the rule sets from the JSON files."""
    get = apps.get_model if apps is not None else _model
    Award = get("register", "Award")
    BaseSalary = get("register", "BaseSalary")
    RuleSet = get("register", "RuleSet")
    data = read_json("catalogue.json")
    for item in data["awards"]:
        values = dict(item)
        code = values.pop("code")
        multiple = values.get("reward_multiple")
        values["reward_multiple"] = Decimal(multiple) if multiple is not None else None
        Award.objects.update_or_create(code=code, defaults=values)
    for row in data["base_salary"]:
        BaseSalary.objects.update_or_create(
            valid_from=row["valid_from"],
            defaults={"amount": row["amount"], "legal_basis": row["legal_basis"]},
        )
    for rs in read_json("rule_sets.json")["rule_sets"]:
        values = dict(rs)
        code = values.pop("code")
        RuleSet.objects.update_or_create(code=code, defaults=values)


def _model(app: str, name: str) -> Any:
    from django.apps import apps

    return apps.get_model(app, name)


def base_salary_on(day: dt.date) -> int | None:
    """The base salary in force on `day` (None before the first row of the table)."""
    from register.models import BaseSalary

    row = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    return row.amount if row else None


def reward_amount(code: str, day: dt.date) -> int:
    """The reward for `code` on a decision dated `day`: its multiple × the base salary then (VND)."""
    from register.models import Award

    award = Award.objects.filter(code=code).first()
    salary = base_salary_on(day)
    if award is None or award.reward_multiple is None or salary is None:
        return 0
    return int((award.reward_multiple * salary).to_integral_value())


# The fund that pays a decision's rewards, by the issuer's kind (orgs.models.OrgKind): the central
# fund for the Prime Minister's, the President's and central bodies' decisions; the ministry's or
# province's own fund for theirs; the unit's (or commune's) fund for everything below them.
FUND_BY_KIND = {"central": "TW", "ministry": "BO_TINH", "province": "BO_TINH"}


def fund_for_kind(kind: str) -> str:
    """The source fund (register.models.Fund) of a decision issued by a unit of this kind."""
    return FUND_BY_KIND.get(kind, "CO_SO")


# Rule sets and codes change rarely (an administrator's edit): each process keeps them for a minute,
# and forgets them at once when this process saves one (register.apps connects the signals).
CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, Any]] = {}


def clear_cache(**_kwargs: Any) -> None:
    _cache.clear()


def _cached(key: str, load: Any) -> Any:
    import time

    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    _cache[key] = (now, value)
    return value


def rule_sets() -> list[rules.RuleSet]:
    """Every rule set of the database, as the engine's value objects."""
    result: list[rules.RuleSet] = _cached("rule_sets", _load_rule_sets)
    return result


def _load_rule_sets() -> list[rules.RuleSet]:
    from register.models import RuleSet

    return [
        rules.RuleSet(
            code=r.code,
            name=r.name,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            legal_basis=r.legal_basis,
            params=r.params,
            confirmed=r.confirmed,
        )
        for r in RuleSet.objects.all()
    ]


def award_names() -> dict[str, str]:
    """{code: name} of the catalogue (cached like the rule sets)."""
    from register.models import Award

    def load() -> dict[str, str]:
        return dict(Award.objects.values_list("code", "name"))

    result: dict[str, str] = _cached("award_names", load)
    return result


def known_codes() -> set[str]:
    from register.models import Award

    def load() -> set[str]:
        return set(Award.objects.values_list("code", flat=True)) | set(rules.TARGETS)

    result: set[str] = _cached("known_codes", load)
    return result
