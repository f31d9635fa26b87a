"""The unit dashboard's charts, shaped from the grouped counts that stats.selectors reads (no
database here): each chart with the rows and numbers of its table. The fairness page's are in
stats.unit_fairness."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dossiers.models import DossierStatus, Outcome
from orgs.models import OrgArea
from people.models import Category as PersonCategory
from people.models import Gender
from register.models import Category as DecisionCategory
from register.models import Level
from stats import rules
from stats.models import EthnicGroup
from stats.rules import PERCENT, RATIO, Chart, Series
from stats.selectors import (
    COLLECTIVE,
    INDIVIDUAL,
    STATE_LEVELS,
    AwardInfo,
    Filters,
    Proposals,
    Staff,
    Tally,
    UnitTally,
)

LEADER = PersonCategory.LEADER
PERSON_CATEGORIES = [c.value for c in PersonCategory]
UNKNOWN_LEVEL = "?"


def levels_of(catalogue: Sequence[AwardInfo]) -> dict[str, str]:
    return {a.code: a.level for a in catalogue}


@dataclass(frozen=True)
class Summary:
    in_force: int
    individuals: int
    collectives: int
    revoked: int


@dataclass
class Dashboard:
    summary: Summary
    charts: list[Chart] = field(default_factory=list)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def _split(
    tallies: Sequence[Tally], key: Callable[[Tally], object], rows: Sequence[object]
) -> tuple[list[int], list[int], list[int]]:
    """(individuals in force, collectives in force, revoked) per row, `key` giving a tally's row."""
    ind = dict.fromkeys(rows, 0)
    col = dict.fromkeys(rows, 0)
    rev = dict.fromkeys(rows, 0)
    for t in tallies:
        value = key(t)
        if value not in ind:
            continue
        if t.revoked:
            rev[value] += t.n
        elif t.subject == INDIVIDUAL:
            ind[value] += t.n
        else:
            col[value] += t.n
    return [ind[r] for r in rows], [col[r] for r in rows], [rev[r] for r in rows]


def _by_subject_series(
    ind: Sequence[int], col: Sequence[int], rev: Sequence[int]
) -> tuple[Series, ...]:
    return (
        Series(_("Individuals"), tuple(ind)),
        Series(_("Collectives"), tuple(col)),
        Series(_("Revoked (not counted)"), tuple(rev), in_chart=False),
    )


def _representation_chart(
    key: str,
    title: str,
    row_header: str,
    keys: Sequence[str],
    labels: Sequence[str],
    awards: dict[str, int],
    workforce: dict[str, int],
    note: str,
) -> Chart:
    groups = rules.representation(awards, workforce, keys)
    return Chart(
        key=key,
        title=title,
        kind="bar",
        row_header=row_header,
        rows=tuple(labels),
        series=(
            Series(
                _("Share of individual awards (%)"), tuple(g.award_share for g in groups), PERCENT
            ),
            Series(
                _("Share of the workforce today (%)"), tuple(g.staff_share for g in groups), PERCENT
            ),
            Series(_("Individual awards"), tuple(g.awards for g in groups), in_chart=False),
            Series(_("People today"), tuple(g.staff for g in groups), in_chart=False),
            Series(
                _("Ratio of the shares"),
                tuple(g.ratio for g in groups),
                RATIO,
                in_chart=False,
            ),
        ),
        percent=True,
        note=note,
        keys=tuple(k or "none" for k in keys),
    )


def dashboard(
    f: Filters,
    catalogue: Sequence[AwardInfo],
    tallies: Sequence[Tally],
    unit_tallies: Sequence[UnitTally],
    staff: Sequence[Staff],
    areas: dict[str, str],
    proposals: Proposals,
) -> Dashboard:
    """Every chart of the unit dashboard, from the grouped counts."""
    in_force = [t for t in tallies if not t.revoked]
    individuals = [t for t in in_force if t.subject == INDIVIDUAL]
    summary = Summary(
        in_force=sum(t.n for t in in_force),
        individuals=sum(t.n for t in individuals),
        collectives=sum(t.n for t in in_force if t.subject == COLLECTIVE),
        revoked=sum(t.n for t in tallies if t.revoked),
    )
    charts: list[Chart] = []

    # Trend by year.
    ind, col, rev = _split(tallies, lambda t: t.year, f.years)
    charts.append(
        Chart(
            "year",
            _("Commendations by year of achievement"),
            "line",
            _("Year"),
            tuple(str(y) for y in f.years),
            _by_subject_series(ind, col, rev),
            keys=tuple(str(y) for y in f.years),
        )
    )

    # By level (through the catalogue).
    level_of = levels_of(catalogue)
    level_keys = [lv.value for lv in Level]
    level_labels = [str(lv.label) for lv in Level]
    if any(t.code not in level_of for t in tallies):
        level_keys.append(UNKNOWN_LEVEL)
        level_labels.append(_("Not in the catalogue"))
    ind, col, rev = _split(tallies, lambda t: level_of.get(t.code, UNKNOWN_LEVEL), level_keys)
    charts.append(
        Chart(
            "level",
            _("Commendations by level"),
            "bar",
            _("Level"),
            tuple(level_labels),
            _by_subject_series(ind, col, rev),
            stacked=True,
            keys=tuple(level_keys),
        )
    )

    # By category of commendation (the decision's).
    cat_keys = [c.value for c in DecisionCategory]
    ind, col, rev = _split(tallies, lambda t: t.category, cat_keys)
    charts.append(
        Chart(
            "category",
            _("Commendations by kind"),
            "doughnut",
            _("Kind of commendation"),
            tuple(str(c.label) for c in DecisionCategory),
            (
                Series(_("Commendations"), tuple(a + b for a, b in zip(ind, col, strict=True))),
                Series(_("Revoked (not counted)"), tuple(rev), in_chart=False),
            ),
            keys=tuple(cat_keys),
        )
    )

    # By title or form (code and name), in the catalogue's order.
    present = {t.code for t in tallies}
    names = {a.code: a.name for a in catalogue}
    codes = [a.code for a in catalogue if a.code in present]
    codes += sorted(present - set(codes))
    ind, col, rev = _split(tallies, lambda t: t.code, codes)
    charts.append(
        Chart(
            "award",
            _("Commendations by title or form"),
            "bar",
            _("Title or form"),
            tuple(f"{names.get(c, c)} ({c})" for c in codes),
            _by_subject_series(ind, col, rev),
            stacked=True,
            horizontal=True,
            keys=tuple(codes),
        )
    )

    # Individuals and collectives.
    n_all = summary.in_force
    charts.append(
        Chart(
            "subject",
            _("Individuals and collectives"),
            "pie",
            _("Recipient"),
            (_("Individuals"), _("Collectives")),
            (
                Series(_("Commendations"), (summary.individuals, summary.collectives)),
                Series(
                    _("Share (%)"),
                    (rules.pct(summary.individuals, n_all), rules.pct(summary.collectives, n_all)),
                    PERCENT,
                    in_chart=False,
                ),
            ),
            keys=(INDIVIDUAL, COLLECTIVE),
        )
    )

    # Remote, border and island areas (marked on a unit or on one above it).
    area_keys = [a.value for a in OrgArea]
    area_ind = dict.fromkeys(area_keys, 0)
    area_col = dict.fromkeys(area_keys, 0)
    for u in unit_tallies:
        area = rules.area_of(u.path, areas)
        target = area_ind if u.subject == INDIVIDUAL else area_col
        target[area] = target.get(area, 0) + u.n
    charts.append(
        Chart(
            "area",
            _("Remote, border and island areas"),
            "bar",
            _("Area"),
            tuple(str(a.label) for a in OrgArea),
            (
                Series(_("Individuals"), tuple(area_ind[k] for k in area_keys)),
                Series(_("Collectives"), tuple(area_col[k] for k in area_keys)),
            ),
            stacked=True,
            note=_(
                "A unit is in an area when it, or a unit above it, is marked so on its page "
                "(Organisations → Edit → Area)."
            ),
            keys=tuple(k or "none" for k in area_keys),
        )
    )

    workforce_note = _(
        "The workforce is today's: the people whose current unit is in the scope, "
        "by their category, gender and ethnicity as recorded now."
    )
    by_cat = rules.count_by(individuals, lambda t: t.person_category, lambda t: t.n)
    staff_cat = rules.count_by(staff, lambda s: s.category, lambda s: s.n)
    charts.append(
        _representation_chart(
            "group",
            _("Leaders, direct workers and other staff"),
            _("Group"),
            PERSON_CATEGORIES,
            [str(c.label) for c in PersonCategory],
            by_cat,
            staff_cat,
            workforce_note,
        )
    )
    by_gender = rules.count_by(individuals, lambda t: t.gender, lambda t: t.n)
    staff_gender = rules.count_by(staff, lambda s: s.gender, lambda s: s.n)
    charts.append(
        _representation_chart(
            "gender",
            _("Women and men"),
            _("Gender"),
            [g.value for g in Gender],
            [str(g.label) for g in Gender],
            by_gender,
            staff_gender,
            workforce_note,
        )
    )
    ethnic_keys = [EthnicGroup.KINH.value, EthnicGroup.MINORITY.value, EthnicGroup.UNKNOWN.value]
    by_ethnic = rules.count_by(individuals, lambda t: t.ethnic, lambda t: t.n)
    staff_ethnic = rules.count_by(staff, lambda s: s.ethnic, lambda s: s.n)
    charts.append(
        _representation_chart(
            "ethnic",
            _("Ethnic minorities"),
            _("Ethnic group"),
            ethnic_keys,
            [str(EthnicGroup(k).label) for k in ethnic_keys],
            by_ethnic,
            staff_ethnic,
            workforce_note,
        )
    )

    # State-level proposals.
    statuses = [s for s in DossierStatus if s != DossierStatus.DRAFT]
    level_names = {lv: str(Level(lv).label) for lv in STATE_LEVELS}
    charts.append(
        Chart(
            "proposals",
            _("Proposals to the Government and the State, by status"),
            "bar",
            _("Status"),
            tuple(str(s.label) for s in statuses),
            tuple(
                Series(
                    level_names[lv],
                    tuple(proposals.by_status.get((lv, s.value), 0) for s in statuses),
                )
                for lv in STATE_LEVELS
            ),
            stacked=True,
            horizontal=True,
            note=_(
                "Dossiers (not drafts) sent to the Government or the State level with at least "
                "one recipient in the scope, by the year of achievement."
            ),
            keys=tuple(s.value for s in statuses),
        )
    )
    outcomes = [Outcome.APPROVED, Outcome.NOT_APPROVED, Outcome.PENDING]
    charts.append(
        Chart(
            "outcomes",
            _("Recipients proposed to the Government and the State, by outcome"),
            "bar",
            _("Outcome"),
            tuple(str(o.label) for o in outcomes),
            tuple(
                Series(
                    level_names[lv],
                    tuple(proposals.by_outcome.get((lv, o.value), 0) for o in outcomes),
                )
                for lv in STATE_LEVELS
            ),
            stacked=True,
            note=_(
                "Recipients in the scope; a dossier forwarded to a higher level counts in the "
                "dossier that decided it."
            ),
            keys=tuple(o.value for o in outcomes),
        )
    )
    return Dashboard(summary, charts)
