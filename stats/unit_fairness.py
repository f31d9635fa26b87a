"""The fairness page's indicators, shaped from the grouped counts that stats.selectors reads (no
database here): the leaders' share of individual awards against their share of the staff, overall,
by level, by year and per unit (stats.rules.concentration)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from orgs.models import Org
from register.models import Level
from stats import rules
from stats.rules import INTERVAL, PERCENT, RATIO, TEXT, Chart, Series
from stats.selectors import INDIVIDUAL, AwardInfo, Filters, Tally, UnitStaff, UnitTally
from stats.unit_dashboard import LEADER, levels_of


@dataclass(frozen=True)
class UnitRow:
    org: Org | None  # None: the scope's unit itself
    name: str
    indicator: rules.Concentration
    status: str  # the indicator's status, in words

    @property
    def key(self) -> str:
        """The unit's code ("" for the scope's unit itself)."""
        return self.org.code if self.org is not None else ""


@dataclass
class Fairness:
    overall: rules.Concentration
    charts: list[Chart]
    units: list[UnitRow]  # every unit, the flagged first
    min_awards: int = rules.MIN_AWARDS
    z_flag: float = rules.Z_FLAG

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    @property
    def assessed(self) -> list[UnitRow]:
        return [u for u in self.units if u.indicator.status != rules.FEW_AWARDS]

    @property
    def flagged(self) -> list[UnitRow]:
        return [u for u in self.units if u.indicator.flagged]


def status_label(status: str) -> str:
    return {
        rules.ABOVE: _("Stands out"),
        rules.BELOW: _("Clearly below"),
        rules.IN_LINE: _("In line"),
        rules.FEW_AWARDS: _("Too few awards"),
        rules.NO_BASIS: _("No staff figure"),
    }[status]


def indicator_series(items: Sequence[rules.Concentration]) -> tuple[Series, ...]:
    return (
        Series(_("Leaders' share of awards (%)"), tuple(c.award_share for c in items), PERCENT),
        Series(_("Leaders' share of staff (%)"), tuple(c.staff_share for c in items), PERCENT),
        Series(_("Individual awards"), tuple(c.awards for c in items), in_chart=False),
        Series(_("To leaders"), tuple(c.leader_awards for c in items), in_chart=False),
        Series(_("Ratio"), tuple(c.ratio for c in items), RATIO, in_chart=False),
        Series(_("z-score"), tuple(c.z for c in items), RATIO, in_chart=False),
        Series(_("99 % interval (%)"), tuple(c.interval for c in items), INTERVAL, in_chart=False),
        Series(_("Indicator"), tuple(status_label(c.status) for c in items), TEXT, in_chart=False),
    )


def fairness(
    f: Filters,
    catalogue: Sequence[AwardInfo],
    tallies: Sequence[Tally],
    unit_tallies: Sequence[UnitTally],
    unit_staff: Sequence[UnitStaff],
    children: dict[int, Org],
    *,
    group: str = "children",
    units: dict[str, Org] | None = None,
    top: int = 20,
) -> Fairness:
    """Leaders' share of individual awards against their share of the staff: overall, by level,
    by year, and per unit (the scope's sub-units, or every unit when `group` is "units")."""
    individuals = [t for t in tallies if not t.revoked and t.subject == INDIVIDUAL]
    leaders = sum(s.n for s in unit_staff if s.category == LEADER)
    people = sum(s.n for s in unit_staff)

    def indicator(rows: Sequence[Tally]) -> rules.Concentration:
        return rules.concentration(
            leader_awards=sum(t.n for t in rows if t.person_category == LEADER),
            awards=sum(t.n for t in rows),
            leaders=leaders,
            staff=people,
        )

    overall = indicator(individuals)
    level_of = levels_of(catalogue)
    by_level = [indicator([t for t in individuals if level_of.get(t.code) == lv]) for lv in Level]
    by_year = [indicator([t for t in individuals if t.year == y]) for y in f.years]
    charts = [
        Chart(
            "level",
            _("Leaders' share by level"),
            "bar",
            _("Level"),
            tuple(str(lv.label) for lv in Level),
            indicator_series(by_level),
            percent=True,
            keys=tuple(lv.value for lv in Level),
        ),
        Chart(
            "year",
            _("Leaders' share by year"),
            "line",
            _("Year"),
            tuple(str(y) for y in f.years),
            indicator_series(by_year),
            percent=True,
            keys=tuple(str(y) for y in f.years),
        ),
    ]

    # Per unit: the scope's sub-units (their whole subtrees), or each unit on its own.
    main = f.scope.prefixes[0] if f.scope.prefixes else "/"

    def group_of(path: str) -> str:
        if group == "units":
            return path
        if path.startswith(main):
            cid = rules.child_id(path, main)
            return "" if cid is None else f"#{cid}"
        for org in f.scope.absorbed:
            if path.startswith(org.path):
                return f"#{org.pk}"
        return ""

    awards: dict[str, list[int]] = {}
    for u in unit_tallies:
        if u.subject != INDIVIDUAL:
            continue
        a = awards.setdefault(group_of(u.path), [0, 0])
        a[0] += u.n
        a[1] += u.n if u.person_category == LEADER else 0
    workforce: dict[str, list[int]] = {}
    for s in unit_staff:
        w = workforce.setdefault(group_of(s.path), [0, 0])
        w[0] += s.n
        w[1] += s.n if s.category == LEADER else 0
    rows: list[UnitRow] = []
    for key in sorted(set(awards) | set(workforce)):
        n, k = awards.get(key, [0, 0])
        staff_n, leaders_n = workforce.get(key, [0, 0])
        if n == 0:
            continue
        org: Org | None
        if key.startswith("#"):
            org = children.get(int(key[1:]))
        elif key:
            org = (units or {}).get(key)
        else:
            org = f.scope.unit
        if key == "":
            name = (
                _("%(unit)s itself") % {"unit": f.scope.unit.name}
                if f.scope.unit is not None
                else _("Whole country")
            )
        else:
            name = org.name if org is not None else key
        ind = rules.concentration(leader_awards=k, awards=n, leaders=leaders_n, staff=staff_n)
        rows.append(UnitRow(org if key else None, name, ind, status_label(ind.status)))
    order = {
        rules.ABOVE: 0,
        rules.IN_LINE: 1,
        rules.BELOW: 2,
        rules.NO_BASIS: 3,
        rules.FEW_AWARDS: 4,
    }
    rows.sort(
        key=lambda r: (
            order[r.indicator.status],
            -(r.indicator.z if r.indicator.z is not None else -1e9),
            -r.indicator.awards,
            r.name,
        )
    )
    shown = [r for r in rows if r.indicator.status not in (rules.FEW_AWARDS, rules.NO_BASIS)][:top]
    charts.append(
        Chart(
            "units",
            _("Units whose leaders' share stands out most"),
            "bar",
            _("Unit"),
            tuple(r.name for r in shown),
            indicator_series([r.indicator for r in shown]),
            percent=True,
            horizontal=True,
            keys=tuple(r.key for r in shown),
            note=(
                _(
                    "The %(n)s assessed units with the highest z-scores (at least %(m)s "
                    "individual awards and a staff figure)."
                )
                if shown
                else _(
                    "No unit has at least %(m)s individual awards and a staff figure to be "
                    "assessed."
                )
            )
            % {"n": len(shown), "m": rules.MIN_AWARDS},
        )
    )
    return Fairness(overall, charts, rows)
