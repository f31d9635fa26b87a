"""The eligibility sweep: every target for every person (and unit) of the register, set-based.

The register's history is folded per person into bit masks (bit i = year Y − i) by one GROUP BY over
ratings, one over records and one over initiatives; each rule of register.rules then becomes bit
arithmetic on those masks, evaluated by the database for all people at once. The result is stored as
one row per person and year (PersonEligibility.mask, bit per target: rules.BITS). Nothing loops over
people in Python.

The definitions are those of register.rules (tests compare the two on random registers). Masks cover
the MASK_YEARS years ending in Y: a chain longer than that counts as that long.
"""

# ruff: noqa: S608  (the SQL is built from integers and codes quoted by _quote_list; no user text)
from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from register import catalogue, rules
from register.models import Sweep

MASK_YEARS = 24
GOOD_DISCIPLINE = ("CANH_CAO", "HA_BAC", "CACH_CHUC", "BUOC_THOI_VIEC")


def _quote_list(values: Any) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _agg_distinct(expr: str) -> str:
    """OR of powers of two over a group: BIT_OR on PostgreSQL, SUM(DISTINCT) elsewhere."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({expr})"
    return f"SUM(DISTINCT {expr})"


def _bit(y: int) -> str:
    return f"(1 << ({y} - year))"


def _trail(m: str) -> str:
    """2^(R+1) where R is the number of trailing ones of mask m (m XOR (m+1), plus one)."""
    return f"((({m}) | (({m}) + 1)) - (({m}) & (({m}) + 1)) + 1)"


def _popcount(m: str, width: int) -> str:
    return "(" + " + ".join(f"((({m}) >> {i}) & 1)" for i in range(width)) + ")"


def person_mask_sql(year: int, params: Mapping[str, Any], person_scope: str = "") -> str:
    """SELECT person_id, mask for every person (restricted by `person_scope`, a SQL condition on
    p.id / p.unit_id, when given)."""
    y = year
    lo = y - MASK_YEARS + 1
    good = _quote_list(params["ldtt_ratings"])
    n = int(params["cstd_bo_chain"])
    full_n = (1 << n) - 1
    gap = int(params["cstd_tq_gap"])
    c2 = (1 << int(params["bk_bo_cs_years"])) - 1
    m2 = (1 << int(params["bk_bo_xs_years"])) - 1
    k2 = int(params["bk_bo_initiatives"])
    w = int(params["window"])
    wfull = (1 << w) - 1
    need_cs = int(params["window_cs"])
    bo_scopes = _quote_list(
        s for s in rules.SCOPES if rules._scope_at_least(s, params["cstd_bo_scope"])
    )
    tq_scopes = _quote_list(
        s for s in rules.SCOPES if rules._scope_at_least(s, params["cstd_tq_scope"])
    )
    scope_r = (
        f"AND person_id IN (SELECT p.id FROM people_person p WHERE {person_scope})"
        if person_scope
        else ""
    )
    scope_a = (
        f"AND a.person_id IN (SELECT p.id FROM people_person p WHERE {person_scope})"
        if person_scope
        else ""
    )
    where_p = f"WHERE {person_scope}" if person_scope else ""
    agg = _agg_distinct
    route = params["cstd_cs_route"]
    ldtt_met = "(((COALESCE(rc.ldtt, 0) | COALESCE(rt.good, 0)) & 1) = 1)"
    xs_now = "((COALESCE(rt.xs, 0) & 1) = 1)"
    ini_now = "(COALESCE(ini.ini_y, 0) = 1)"
    if route == "any":
        cstd_cs = f"({ldtt_met} AND ({xs_now} OR {ini_now}))"
    elif route == "both":
        cstd_cs = f"({ldtt_met} AND {xs_now} AND {ini_now})"
    else:
        cstd_cs = f"({ldtt_met} AND {ini_now})"
    cs = "COALESCE(rc.cs, 0)"
    bo = "COALESCE(rc.bo, 0)"
    good_m = "COALESCE(rt.good, 0)"
    xs_m = "COALESCE(rt.xs, 0)"
    neg_gap = ~((1 << gap) - 1)
    trail_cs = _trail(cs)
    b = rules.BITS
    conditions = {
        "LDTT": f"(({good_m} & 1) = 1)",
        "CSTD_CS": cstd_cs,
        "CSTD_BO": f"(({cs} & {full_n}) = {full_n} AND ({bo} & {full_n - 1}) = 0 "
        f"AND COALESCE(ini.ini_bo, 0) = 1)",
        "CSTD_TQ": f"(({bo} & 1) = 1 AND ({bo} & (({trail_cs} >> {n}) - 1) & ({neg_gap})) <> 0 "
        f"AND (COALESCE(ini.tq, 0) & (({trail_cs} >> 1) - 1)) <> 0)",
        "BK_BO": f"(({cs} & {c2}) = {c2} OR (({xs_m} & {m2}) = {m2} AND COALESCE(bk2.n, 0) >= {k2}))",
        "BK_TTG": f"(rc.bkbo_base IS NOT NULL AND (rc.bkttg_prior IS NULL OR rc.bkbo_base > rc.bkttg_prior) "
        f"AND ({good_m} & {wfull}) = {wfull} AND {_popcount(f'{cs} & {wfull}', w)} >= {need_cs})",
        "HCLD3": f"(rc.bkttg_base IS NOT NULL AND (rc.hcld3_prior IS NULL OR rc.bkttg_base > rc.hcld3_prior) "
        f"AND ({good_m} & {wfull}) = {wfull} AND ({xs_m} & {wfull}) <> 0 "
        f"AND {_popcount(f'{cs} & {wfull}', w)} >= {need_cs})",
    }
    mask = " + ".join(
        f"(CASE WHEN {cond} THEN {b[t]} ELSE 0 END)" for t, cond in conditions.items()
    )
    trail_xs = _trail("rt2.xs")
    return f"""
WITH rt AS (
  SELECT person_id,
    SUM(CASE WHEN rating IN ({good}) THEN {_bit(y)} ELSE 0 END) AS good,
    SUM(CASE WHEN rating = 'HTXSNV' THEN {_bit(y)} ELSE 0 END) AS xs
  FROM register_rating WHERE year BETWEEN {lo} AND {y} {scope_r}
  GROUP BY person_id
), rc AS (
  SELECT person_id,
    {agg(f"CASE WHEN code = 'LDTT' AND year >= {lo} THEN {_bit(y)} ELSE 0 END")} AS ldtt,
    {agg(f"CASE WHEN code = 'CSTD_CS' AND year >= {lo} THEN {_bit(y)} ELSE 0 END")} AS cs,
    {agg(f"CASE WHEN code = 'CSTD_BO' AND year >= {lo} THEN {_bit(y)} ELSE 0 END")} AS bo,
    MAX(CASE WHEN code = 'BK_BO' AND year <= {y - w} THEN year END) AS bkbo_base,
    MAX(CASE WHEN code = 'BK_TTG' AND year < {y} THEN year END) AS bkttg_prior,
    MAX(CASE WHEN code = 'BK_TTG' AND year <= {y - w} THEN year END) AS bkttg_base,
    MAX(CASE WHEN code = 'HCLD3' AND year < {y} THEN year END) AS hcld3_prior
  FROM register_record
  WHERE person_id IS NOT NULL AND NOT revoked AND year <= {y}
    AND (year >= {lo} OR code IN ('BK_BO', 'BK_TTG', 'HCLD3')) {scope_r}
  GROUP BY person_id
), ini AS (
  SELECT a.person_id,
    MAX(CASE WHEN i.year = {y} THEN 1 ELSE 0 END) AS ini_y,
    MAX(CASE WHEN i.year >= {y - n + 1} AND i.scope IN ({bo_scopes}) THEN 1 ELSE 0 END) AS ini_bo,
    {agg(f"CASE WHEN i.scope IN ({tq_scopes}) THEN (1 << ({y} - i.year)) ELSE 0 END")} AS tq
  FROM register_initiative_authors a
  JOIN register_initiative i ON i.id = a.initiative_id
  LEFT JOIN register_initiativeuse u ON u.initiative_id = i.id
  WHERE u.id IS NULL AND i.year BETWEEN {lo} AND {y} {scope_a}
  GROUP BY a.person_id
), bk2 AS (
  SELECT a.person_id, COUNT(*) AS n
  FROM rt rt2
  JOIN register_initiative_authors a ON a.person_id = rt2.person_id
  JOIN register_initiative i ON i.id = a.initiative_id
  LEFT JOIN register_initiativeuse u ON u.initiative_id = i.id
  WHERE (rt2.xs & {m2}) = {m2} AND u.id IS NULL AND i.year <= {y}
    AND (1 << ({y} - i.year)) * 2 < {trail_xs} AND i.year >= {lo}
  GROUP BY a.person_id
)
SELECT p.id AS person_id, {mask} AS mask
FROM people_person p
LEFT JOIN rt ON rt.person_id = p.id
LEFT JOIN rc ON rc.person_id = p.id
LEFT JOIN ini ON ini.person_id = p.id
LEFT JOIN bk2 ON bk2.person_id = p.id
{where_p}
"""


def unit_mask_sql(
    year: int, params: Mapping[str, Any], shares: Mapping[int, tuple[Decimal, Decimal]]
) -> str:
    """SELECT org_id, mask for every unit with people rated in `year` (collective targets).

    `shares` maps a tenant's org id to its (TTLĐTT, TTLĐXS) LĐTT shares when it sets its own."""
    y = year
    completed = _quote_list(sorted(rules.COMPLETED))
    serious = _quote_list(GOOD_DISCIPLINE)
    d_tt = Decimal(str(params["ttldtt_ldtt_share"]))
    d_xs = Decimal(str(params["ttldxs_ldtt_share"]))

    def share_expr(index: int, default: Decimal) -> str:
        if not shares:
            return str(default)
        cases = " ".join(
            f"WHEN o.path LIKE '/{tenant}/%' THEN {pair[index]}" for tenant, pair in shares.items()
        )
        return f"(CASE {cases} ELSE {default} END)"

    b = rules.BITS
    base = "m.total > 0 AND m.completed = m.total AND m.disciplined = 0"
    tt = f"(ur.rating IN ({completed}) AND {base} AND m.ldtt >= {share_expr(0, d_tt)} * m.total)"
    xs = (
        f"(ur.rating = 'HTXSNV' AND {base} AND m.ldtt >= {share_expr(1, d_xs)} * m.total "
        f"AND m.cstd >= 1)"
    )
    return f"""
WITH held AS (
  SELECT person_id,
    MAX(CASE WHEN code = 'LDTT' THEN 1 ELSE 0 END) AS ldtt,
    MAX(CASE WHEN code = 'CSTD_CS' THEN 1 ELSE 0 END) AS cstd
  FROM register_record
  WHERE person_id IS NOT NULL AND NOT revoked AND year = {y} AND code IN ('LDTT', 'CSTD_CS')
  GROUP BY person_id
), m AS (
  SELECT r.org_id,
    COUNT(*) AS total,
    SUM(CASE WHEN r.rating IN ({completed}) THEN 1 ELSE 0 END) AS completed,
    SUM(CASE WHEN r.discipline IN ({serious}) THEN 1 ELSE 0 END) AS disciplined,
    SUM(COALESCE(h.ldtt, 0)) AS ldtt,
    SUM(COALESCE(h.cstd, 0)) AS cstd
  FROM register_rating r LEFT JOIN held h ON h.person_id = r.person_id
  WHERE r.year = {y}
  GROUP BY r.org_id
)
SELECT m.org_id,
  (CASE WHEN {tt} THEN {b["TTLDTT"]} ELSE 0 END) + (CASE WHEN {xs} THEN {b["TTLDXS"]} ELSE 0 END) AS mask
FROM m
JOIN orgs_org o ON o.id = m.org_id
LEFT JOIN register_unitrating ur ON ur.org_id = m.org_id AND ur.year = {y}
"""


def tenant_shares(year: int) -> dict[int, tuple[Decimal, Decimal]]:
    """Tenants' own LĐTT shares in force at the end of `year`, with the rule set's as default."""
    from django.db.models import Q

    from register.models import Parameter

    day = rules.default_day(year)
    rule_set = rules.rule_set_for(catalogue.rule_sets(), day)
    found: dict[int, dict[str, Decimal]] = {}
    rows = Parameter.objects.filter(
        key__in=["TTLDTT_LDTT_SHARE", "TTLDXS_LDTT_SHARE"], valid_from__lte=day
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    for p in rows:
        found.setdefault(p.org_id, {})[p.key] = p.value
    return {
        org_id: (
            values.get("TTLDTT_LDTT_SHARE", Decimal(str(rule_set.params["ttldtt_ldtt_share"]))),
            values.get("TTLDXS_LDTT_SHARE", Decimal(str(rule_set.params["ttldxs_ldtt_share"]))),
        )
        for org_id, values in found.items()
    }


def rule_set_for_year(year: int) -> rules.RuleSet:
    return rules.rule_set_for(catalogue.rule_sets(), rules.default_day(year))


def person_masks(year: int, person_scope: str = "") -> dict[int, int]:
    """{person id: mask} computed live (for a subtree, a test, or a year without a sweep)."""
    sql = person_mask_sql(year, rule_set_for_year(year).params, person_scope)
    with connection.cursor() as cur:
        cur.execute(sql)
        return {pid: mask for pid, mask in cur.fetchall()}


def unit_masks(year: int) -> dict[int, int]:
    sql = unit_mask_sql(year, rule_set_for_year(year).params, tenant_shares(year))
    masks: dict[int, int] = {}
    with connection.cursor() as cur:
        cur.execute(sql)
        masks = {oid: mask for oid, mask in cur.fetchall()}
    masks.update(_lineage_units(year))
    return masks


def _lineage_units(year: int) -> dict[int, int]:
    """Units that absorbed others: their members and ratings include their predecessors', so the
    engine evaluates them one by one (a few hundred units nationally, not people)."""
    from orgs.models import LineageEvent, LineageKind, Org
    from register import selectors

    ids = set(
        LineageEvent.objects.filter(
            kind__in=[LineageKind.MERGED_INTO, LineageKind.RENAMED], successor__isnull=False
        ).values_list("successor_id", flat=True)
    )
    out: dict[int, int] = {}
    for org in Org.objects.filter(pk__in=ids):
        mask = 0
        for target in selectors.COLLECTIVE_TARGETS:
            if selectors.evaluate_unit(org, target, year).eligible:
                mask |= rules.BITS[target]
        out[org.pk] = mask
    return out


def run(year: int | None = None, log: Any = None) -> Sweep:
    """Compute and store the eligibility of every person and unit for `year` (default: this year)."""
    year = year or timezone.localdate().year
    rule_set = rule_set_for_year(year)
    started = time.perf_counter()
    sweep = Sweep.objects.create(year=year, rule_set=rule_set.code, started_at=timezone.now())
    person_sql = person_mask_sql(year, rule_set.params)
    unit_sql = unit_mask_sql(year, rule_set.params, tenant_shares(year))
    lineage = _lineage_units(year)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # One pass over every rating and record: hash the groups in memory, not on disk.
            cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("DELETE FROM register_personeligibility WHERE year = %s", [year])
        cur.execute(
            "INSERT INTO register_personeligibility (person_id, year, mask) "
            f"SELECT person_id, {year}, mask FROM ({person_sql}) s WHERE mask <> 0"
        )
        persons = cur.rowcount
        cur.execute("DELETE FROM register_uniteligibility WHERE year = %s", [year])
        cur.execute(
            "INSERT INTO register_uniteligibility (org_id, year, mask) "
            f"SELECT org_id, {year}, mask FROM ({unit_sql}) s WHERE mask <> 0"
        )
        units = cur.rowcount
        for org_id, mask in lineage.items():
            cur.execute(
                "DELETE FROM register_uniteligibility WHERE year = %s AND org_id = %s",
                [year, org_id],
            )
            if mask:
                cur.execute(
                    "INSERT INTO register_uniteligibility (org_id, year, mask) VALUES (%s, %s, %s)",
                    [org_id, year, mask],
                )
    sweep.persons = persons
    sweep.units = units
    sweep.seconds = time.perf_counter() - started
    sweep.finished_at = timezone.now()
    sweep.save(update_fields=["persons", "units", "seconds", "finished_at"])
    if log:
        log(
            f"sweep {year}: {persons} people and {units} units eligible for something, {sweep.seconds:.1f} s"
        )
    return sweep


def latest(year: int) -> Sweep | None:
    return (
        Sweep.objects.filter(year=year, finished_at__isnull=False).order_by("-started_at").first()
    )
