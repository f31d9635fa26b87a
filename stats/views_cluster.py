"""A cluster's statistics (scores and ranks, flags and certificates, heads, late reports) and the
rotation analysis (luân phiên), for a cluster or for any set of units the user reaches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import selectors as clusters_selectors
from clusters.models import Cluster, ClusterMember
from core import permissions
from register.models import Award
from stats import cluster_selectors as sel
from stats import rotation
from stats.rotation import Pattern, StepStatus
from stats.rules import COUNT, TEXT, Chart, Series
from stats.views import chart_workbook  # the unit dashboard's Excel, one chart or all

KIND_LABELS = {
    "flag": gettext_lazy("Emulation flag"),
    "certificate": gettext_lazy("Certificate of merit"),
}
PATTERN_LABELS = {
    Pattern.INSUFFICIENT: gettext_lazy("Not enough data"),
    Pattern.SCORES: gettext_lazy("Awards follow the scores"),
    Pattern.ROTATION: gettext_lazy("Pattern consistent with rotation"),
    Pattern.UNCLEAR: gettext_lazy("Neither pattern stands out"),
}
STEP_LABELS = {
    StepStatus.NONE: gettext_lazy("no award"),
    StepStatus.NEW: gettext_lazy("first in the round"),
    StepStatus.COMPLETES: gettext_lazy("completes the round"),
    StepStatus.REPEAT: gettext_lazy("repeat while others wait"),
}
SOURCE_LABELS = {
    "decision": gettext_lazy("decision"),
    "proposal": gettext_lazy("proposal"),
    "": "",
}


def _pct(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{number_format(Decimal(str(round(value * 100, places))), places)} %"


def _num(value: float | None, places: int = 2) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, places)))


# --- explanation -------------------------------------------------------------------------------


def explain(analysis: rotation.Analysis) -> list[str]:
    """The summary's reasons in plain words, with the figures they rest on."""
    ind = analysis.indicators
    lines: list[str] = []
    for reason in analysis.reasons:
        if reason == "few_members":
            lines.append(_("Fewer than two members: there is nothing to compare."))
        elif reason == "few_award_years":
            lines.append(
                _(
                    "Only %(n)s year(s) with an award: at least %(min)s are needed before a "
                    "pattern can be told from chance."
                )
                % {"n": ind.award_years, "min": rotation.MIN_AWARD_YEARS}
            )
        elif reason == "ranks_unknown":
            lines.append(
                _(
                    "The published ranking is known for %(n)s award(s) only: the awards cannot "
                    "be compared with the scores."
                )
                % {"n": ind.ranked_awards}
            )
        elif reason in ("top_ranked", "not_top_ranked"):
            lines.append(
                _(
                    "The awardee was among the top-ranked members in %(hits)s of %(n)s awards "
                    "whose rank is known (%(share)s)."
                )
                % {"hits": ind.top_hits, "n": ind.ranked_awards, "share": _pct(ind.top_share)}
            )
        elif reason in ("full_round_unlikely_by_lot", "full_round_possible_by_lot"):
            lines.append(
                _(
                    "From %(a)s to %(b)s, %(run)s awards in a row went to members who had not had "
                    "one in the round (%(rounds)s full round(s): every member once). Drawn by lot "
                    "each year, awards would go that long without a repeat with a chance of "
                    "%(p)s."
                )
                % {
                    "a": ind.run_from,
                    "b": ind.run_to,
                    "run": ind.longest_run,
                    "rounds": ind.full_rounds,
                    "p": _pct(ind.chance_of_run, 2),
                }
            )
        elif reason == "run_unlikely_by_lot":
            lines.append(
                _(
                    "From %(a)s to %(b)s, %(run)s awards in a row went to members who had not had "
                    "one in the round, though not every member had one yet. Drawn by lot each "
                    "year, awards would go that long without a repeat with a chance of %(p)s: "
                    "%(max)s or less, so the run is worth pointing out even before the round is "
                    "complete."
                )
                % {
                    "a": ind.run_from,
                    "b": ind.run_to,
                    "run": ind.longest_run,
                    "p": _pct(ind.chance_of_run, 2),
                    "max": _pct(rotation.RUN_CHANCE_MAX, 0),
                }
            )
        elif reason == "run_follows_scores":
            lines.append(
                _(
                    "The awards went to the top-ranked members, who happened to be different "
                    "members each time: the run follows the scores, not a turn."
                )
            )
        elif reason == "few_years_for_a_run":
            lines.append(
                _(
                    "Every award so far went to a member who had not had one in the round, but "
                    "over %(n)s award year(s) only: with this many members, a draw by lot gives "
                    "a run without a repeat a chance of %(max)s or less only from %(needed)s "
                    "award years in a row. The run cannot yet be told from chance."
                )
                % {
                    "n": ind.award_years,
                    "needed": ind.run_needed,
                    "max": _pct(rotation.RUN_CHANCE_MAX, 0),
                }
            )
        elif reason == "no_full_round":
            lines.append(
                _(
                    "No run of awards reached every member once before a member had a second "
                    "one (longest run: %(run)s award year(s); %(repeats)s repeat(s) while others "
                    "waited)."
                )
                % {"run": ind.longest_run, "repeats": ind.repeats}
            )
        elif reason == "same_order":
            lines.append(_("Successive rounds followed the same order: a cycle."))
        elif reason == "follows_head":
            lines.append(
                _(
                    "The award went to the head unit of the year in %(hits)s of %(n)s years (a "
                    "draw by lot would give about %(lot)s)."
                )
                % {
                    "hits": ind.head_hits,
                    "n": ind.head_years,
                    "lot": number_format(_num(ind.head_hits_by_lot, 1) or 0, 1),
                }
            )
    return lines


def indicator_rows(analyses: Sequence[rotation.Analysis]) -> list[dict[str, Any]]:
    """The indicators side by side (one column per analysis), as the page and Excel show them."""

    def yes_no(value: bool | None) -> str:
        return "—" if value is None else (_("yes") if value else _("no"))

    def run_years(ind: rotation.Indicators) -> str:
        return f"{ind.run_from}–{ind.run_to}" if ind.run_from is not None else "—"

    spec: list[tuple[str, Any]] = [
        (_("Years"), lambda i: i.years),
        (_("Years with an award"), lambda i: i.award_years),
        (_("Awards with a known rank"), lambda i: i.ranked_awards),
        (_("Awardee among the top-ranked"), lambda i: i.top_hits),
        (_("Share among the top-ranked"), lambda i: _num(i.top_share)),
        (_("Mean rank of the awardees"), lambda i: _num(i.mean_rank)),
        (_("Mean rank by lot"), lambda i: _num(i.mean_rank_by_lot)),
        (_("Rank correlation (−1 to +1)"), lambda i: _num(i.rank_correlation)),
        (_("Longest run without a repeat (award years)"), lambda i: i.longest_run),
        (_("Years of that run"), run_years),
        (_("Full rounds in it"), lambda i: i.full_rounds),
        (_("Repeats while others waited"), lambda i: i.repeats),
        (_("Rounds in the same order"), lambda i: yes_no(i.same_order)),
        (_("Chance of such a run by lot"), lambda i: _num(i.chance_of_run, 4)),
        (_("Shortest run worth pointing out (award years)"), lambda i: i.run_needed),
        (_("Years with a known head"), lambda i: i.head_years),
        (_("Award to the head of the year"), lambda i: i.head_hits),
        (_("Award to the next year's head"), lambda i: i.next_head_hits),
    ]
    return [
        {"label": label, "values": [get(a.indicators) for a in analyses]} for label, get in spec
    ]


def evidence_rows(
    analysis: rotation.Analysis,
    names: dict[Any, str],
    sources: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
) -> list[dict[str, Any]]:
    """The evidence year by year: the awardees and their rank, who ranked first, the heads."""

    def name(key: Any) -> str:
        return names.get(key, str(key)) if key is not None else ""

    def listed(keys: Any) -> str:
        return ", ".join(sorted((name(k) for k in keys), key=str.casefold))

    rows = []
    for step in analysis.steps:
        ranked = [(name(k), r) for k, r in step.awardee_ranks.items()]  # a year may award several
        rows.append(
            {
                "year": step.year,
                "members": step.members,
                "awardees": listed(step.awardees),
                "ranks": ", ".join(
                    str(r) if r is not None else "—" for _n, r in sorted(ranked, key=lambda x: x[0])
                ),
                "first": listed(step.first),
                "head": name(step.head),
                "next_head": name(step.next_head),
                "head_awarded": step.head is not None and step.head in step.awardees,
                "status": step.status,
                "status_label": STEP_LABELS[step.status],
                "waiting": step.waiting,
                "chance": _num(step.chance, 2),
                "source": SOURCE_LABELS.get((sources or {}).get(step.year, ""), ""),
                "note": (notes or {}).get(step.year, ""),
            }
        )
    return rows


def fairness_block(
    analysis: rotation.Analysis,
    names: dict[Any, str],
    sources: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
) -> dict[str, Any]:
    return {
        "analysis": analysis,
        "pattern": analysis.pattern,
        "pattern_label": PATTERN_LABELS[analysis.pattern],
        "explanation": explain(analysis),
        "evidence": evidence_rows(analysis, names, sources, notes),
    }


def _evidence_chart(key: str, title: str, rows: list[dict[str, Any]], with_source: bool) -> Chart:
    """The evidence year by year as a table for Excel (one row a year)."""

    def column(label: str, get: Any) -> Series:
        return Series(label, tuple(get(r) for r in rows), TEXT)

    columns = [
        column(_("Awardees"), lambda r: r["awardees"]),
        column(_("Their rank that year"), lambda r: r["ranks"]),
        column(_("Ranked first among those competing"), lambda r: r["first"]),
        column(_("Head unit"), lambda r: r["head"]),
        column(_("Next year's head"), lambda r: r["next_head"]),
        column(_("Round"), lambda r: str(r["status_label"])),
        column(_("Members still waiting"), lambda r: r["waiting"]),
        column(_("Chance by lot of no repeat"), lambda r: r["chance"]),
    ]
    if with_source:
        columns.append(column(_("Source"), lambda r: str(r["source"])))
    else:
        columns.append(column(_("Note"), lambda r: r["note"]))
    return Chart(key, title, "bar", _("Year"), tuple(str(r["year"]) for r in rows), tuple(columns))


def _indicator_chart(key: str, headers: Sequence[str], rows: list[dict[str, Any]]) -> Chart:
    """The indicators side by side (one column per analysis) as a table for Excel."""
    return Chart(
        key,
        _("Fairness indicators"),
        "bar",
        _("Indicator"),
        tuple(str(r["label"]) for r in rows),
        tuple(
            Series(header, tuple(r["values"][i] for r in rows), TEXT)
            for i, header in enumerate(headers)
        ),
    )


# --- the cluster dashboard ---------------------------------------------------------------------


def _award_names(codes: Sequence[str]) -> dict[str, str]:
    return dict(Award.objects.filter(code__in=codes).values_list("code", "name"))


def _award_text(cell: sel.AwardCell, names: dict[str, str]) -> str:
    if cell.decided:
        return names.get(cell.code, cell.code)
    return _("proposed: %(kind)s") % {"kind": KIND_LABELS[cell.kind]}


def _charts(data: sel.Dashboard) -> dict[str, dict[str, Any]]:
    years = [str(y) for y in data.years]
    ranks = {
        "type": "line",
        "labels": years,
        "datasets": [
            {
                "label": row.org.name,
                "data": [c.rank if isinstance(c, sel.ResultCell) else None for c in row.cells],
            }
            for row in data.ranks
            if any(isinstance(c, sel.ResultCell) for c in row.cells)
        ],
        "stacked": False,
        "percent": False,
        "reverse": True,
    }
    published_years = sum(
        any(isinstance(r.cells[i], sel.ResultCell) for r in data.ranks)
        for i in range(len(data.years))
    )
    if published_years < 2:  # a line needs two points: the table says it all
        ranks["labels"], ranks["datasets"] = [], []
    awards = {
        "type": "bar",
        "labels": [r.org.name for r in data.awards],
        "datasets": [
            {"label": str(_("Flags")), "data": [r.flags for r in data.awards]},
            {
                "label": str(_("Certificates of merit")),
                "data": [r.certificates for r in data.awards],
            },
        ],
        "stacked": True,
        "percent": False,
    }
    heads = {
        "type": "bar",
        "labels": [r.org.name for r in data.heads],
        "datasets": [
            {"label": str(_("Head unit")), "data": [r.head for r in data.heads]},
            {"label": str(_("Deputy unit")), "data": [r.deputy for r in data.heads]},
        ],
        "stacked": False,
        "percent": False,
    }
    late = {
        "type": "bar",
        "labels": [r.org.name for r in data.late],
        "datasets": [
            {
                "label": str(year),
                "data": [
                    c.late if c is not None else None for c in (r.cells[i] for r in data.late)
                ],
            }
            for i, year in enumerate(data.years)
        ],
        "stacked": True,
        "percent": False,
    }
    return {"ranks": ranks, "awards": awards, "heads": heads, "late": late}


def _section_tables(
    data: sel.Dashboard,
    award_names: dict[str, str],
    indicators: list[dict[str, Any]],
    fairness: dict[str, dict[str, Any]],
) -> list[Chart]:
    """Every table of the page, keyed by its section (ranks, awards, heads, late, fairness), for
    the unit dashboard's Excel helper: ?format=xlsx&chart=<section> gives that section's tables,
    ?format=xlsx all of them. Ranks, totals, member counts and codes are TEXT columns: shown as
    they are, never added up in the "In all" row that the count columns get."""

    def per_member(rows: list[sel.MemberRow], label: str, get: Any, fmt: str) -> Series:
        return Series(label, tuple(get(r) for r in rows), fmt)

    def code(rows: list[sel.MemberRow]) -> Series:
        return per_member(rows, _("Code"), lambda r: r.org.code, TEXT)

    def in_year(i: int, get: Any) -> Any:
        return lambda r: None if r.cells[i] is None else get(r.cells[i])

    def result(attr: str) -> Any:
        return lambda c: getattr(c, attr) if isinstance(c, sel.ResultCell) else None

    def awards_text(cell: list[sel.AwardCell]) -> str | None:
        return "; ".join(_award_text(c, award_names) for c in cell) if cell else None

    rank_columns = [code(data.ranks)]
    award_columns = [code(data.awards)]
    late_columns = [code(data.late)]
    for i, year in enumerate(data.years):
        rank_columns += [
            per_member(data.ranks, _("%(y)s rank") % {"y": year}, in_year(i, result("rank")), TEXT),
            per_member(
                data.ranks, _("%(y)s total") % {"y": year}, in_year(i, result("total")), TEXT
            ),
        ]
        award_columns.append(per_member(data.awards, str(year), in_year(i, awards_text), TEXT))
        late_columns += [
            per_member(data.late, header % {"y": year}, in_year(i, attrgetter(attr)), COUNT)
            for header, attr in (
                (_("%(y)s late"), "late"),
                (_("%(y)s days late"), "days_late"),
                (_("%(y)s missing"), "missing"),
            )
        ]
    award_columns += [
        per_member(data.awards, _("Flags"), attrgetter("flags"), COUNT),
        per_member(data.awards, _("Certificates of merit"), attrgetter("certificates"), COUNT),
    ]
    late_columns += [
        per_member(data.late, _("Late"), attrgetter("late"), COUNT),
        per_member(data.late, _("Days late"), attrgetter("days_late"), COUNT),
        per_member(data.late, _("Missing"), attrgetter("missing"), COUNT),
    ]
    years = data.year_rows
    return [
        Chart(
            "ranks",
            _("Ranks and scores"),
            "line",
            _("Member unit"),
            tuple(r.org.name for r in data.ranks),
            tuple(rank_columns),
        ),
        Chart(
            "awards",
            _("Flags and certificates"),
            "bar",
            _("Member unit"),
            tuple(r.org.name for r in data.awards),
            tuple(award_columns),
        ),
        Chart(
            "heads",
            _("Heads and deputies"),
            "bar",
            _("Year"),
            tuple(str(y.year) for y in years),
            (
                Series(_("Head unit"), tuple(y.head.name if y.head else "" for y in years), TEXT),
                Series(
                    _("Deputy unit"), tuple(y.deputy.name if y.deputy else "" for y in years), TEXT
                ),
                Series(_("Members"), tuple(y.members for y in years), TEXT),
            ),
        ),
        Chart(
            "heads",
            _("Times head or deputy"),
            "bar",
            _("Member unit"),
            tuple(r.org.name for r in data.heads),
            (
                code(data.heads),
                per_member(data.heads, _("Head unit"), attrgetter("head"), COUNT),
                per_member(data.heads, _("Deputy unit"), attrgetter("deputy"), COUNT),
            ),
        ),
        Chart(
            "late",
            _("Late reports"),
            "bar",
            _("Member unit"),
            tuple(r.org.name for r in data.late),
            tuple(late_columns),
        ),
        _indicator_chart("fairness", [str(KIND_LABELS[k]) for k in fairness], indicators),
        *[
            _evidence_chart(
                "fairness",
                _("Evidence – %(kind)s") % {"kind": KIND_LABELS[kind]},
                block["evidence"],
                True,
            )
            for kind, block in fairness.items()
        ],
    ]


def _dashboard_notes(data: sel.Dashboard) -> list[str]:
    """The workbook's note: which cluster and years, as of when, what is counted."""
    notes = [_("Statistics: %(n)s") % {"n": f"{data.cluster.name} ({data.cluster.code})"}]
    if data.years:
        notes.append(
            _("%(n)s year(s) recorded, %(a)s–%(b)s.")
            % {"n": len(data.years), "a": data.years[0], "b": data.years[-1]}
        )
    notes += [
        _("Figures as of %(t)s.") % {"t": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
        _("An empty cell: nothing recorded that year, or the unit was not a member then."),
        _(
            "Awards counted: the decisions recorded in the commendation register (flags CO_CP, "
            "CO_BO; certificates of merit BK_TTG, BK_BO). On a cluster’s page, a year without a "
            "recorded decision counts the proposals of the cluster’s votes. Ranks come from the "
            "published scoring results."
        ),
        _(
            "These are indicators, not verdicts: they describe how the awards went round the "
            "members and how they relate to the published scores. A cluster may have good "
            "reasons for its choices."
        ),
    ]
    return notes


@login_required
def cluster_dashboard(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Thống kê cụm thi đua: scores and ranks over the years, flags and certificates, heads and
    deputies in turn, late reports, and the fairness indicators (rotation)."""
    permissions.require(request.user, "stats.view")
    try:
        cluster = clusters_selectors.cluster_get(user=request.user, pk=pk)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc
    data = sel.cluster_dashboard(cluster)
    award_names = _award_names([*sel.FLAG_CODES, *sel.CERTIFICATE_CODES])
    fairness = {
        kind: fairness_block(analysis, data.names, data.sources[kind])
        for kind, analysis in data.fairness.items()
    }
    indicators = indicator_rows(list(data.fairness.values()))
    if request.GET.get("format") == "xlsx":
        return chart_workbook(
            request,
            _section_tables(data, award_names, indicators, fairness),
            _dashboard_notes(data),
            f"thong-ke-cum-{data.cluster.code}",
        )
    members_ids = sorted({r.org.pk for r in data.ranks})
    return render(
        request,
        "stats/cluster_dashboard.html",
        {
            "cluster": cluster,
            "data": data,
            "award_rows": [
                {
                    "row": row,
                    "cells": [
                        None if cell is None else [_award_text(c, award_names) for c in cell]
                        for cell in row.cells
                    ],
                }
                for row in data.awards
            ],
            "charts": _charts(data),
            "fairness": [
                {"kind": kind, "label": KIND_LABELS[kind], **block}
                for kind, block in fairness.items()
            ],
            "indicators": indicators,
            "kind_labels": [KIND_LABELS[k] for k in fairness],
            "rotation_url": reverse("stats:rotation")
            + "?"
            + urlencode([("units", i) for i in members_ids] + [("code", "flag")]),
            "thresholds": _thresholds(),
        },
    )


EXAMPLE_MEMBERS = 7  # the method's worked example: a cluster of seven


def _thresholds() -> dict[str, Any]:
    example_run = rotation.shortest_unlikely_run(EXAMPLE_MEMBERS)
    return {
        "min_years": rotation.MIN_AWARD_YEARS,
        "min_ranked": rotation.MIN_RANKED_AWARDS,
        "scores_share": int(rotation.FOLLOWS_SCORES_SHARE * 100),
        "run_chance": int(rotation.RUN_CHANCE_MAX * 100),
        "example_members": EXAMPLE_MEMBERS,
        "example_run": example_run,
        "example_shorter_run": (example_run or 1) - 1,
        "example_chance": _pct(rotation.run_chance(EXAMPLE_MEMBERS, example_run or 0), 1),
        "example_shorter": _pct(rotation.run_chance(EXAMPLE_MEMBERS, (example_run or 1) - 1), 1),
    }


# --- rotation for a set of units ---------------------------------------------------------------

CODE_SPLIT = re.compile(r"[\s,;]+")


class RotationForm(forms.Form):
    """Which units, which award, which years."""

    add = forms.CharField(
        label=gettext_lazy("Add units by code"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Unit codes separated by spaces or commas, e.g. 38 40 42."),
        widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
    )
    cluster = forms.TypedChoiceField(
        label=gettext_lazy("Add the members of a cluster"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    code = forms.ChoiceField(label=gettext_lazy("Award"), initial="flag", required=False)

    def __init__(self, *args: Any, clusters: Sequence[Cluster], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cluster_field = self.fields["cluster"]
        code_field = self.fields["code"]
        assert isinstance(cluster_field, forms.TypedChoiceField)
        assert isinstance(code_field, forms.ChoiceField)
        cluster_field.choices = [("", "—"), *((c.pk, c.name) for c in clusters)]
        code_field.choices = [
            ("flag", _("Any emulation flag (CO_CP, CO_BO)")),
            ("certificate", _("Any certificate of merit (BK_TTG, BK_BO)")),
            *sel.award_choices(),
        ]
        # "from" and "to" are the query's names; Python keeps "from" for itself.
        self.fields["from"] = forms.IntegerField(
            label=_("From year"), required=False, min_value=1990, max_value=2100
        )
        self.fields["to"] = forms.IntegerField(
            label=_("To year"), required=False, min_value=1990, max_value=2100
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("from"), data.get("to")
        if first is not None and last is not None and first > last:
            self.add_error("to", _("The last year comes before the first."))
        return data


def _query(ids: Sequence[int], data: dict[str, Any]) -> str:
    pairs: list[tuple[str, Any]] = [("units", i) for i in ids]
    pairs.append(("code", data.get("code") or "flag"))
    for key in ("from", "to"):
        if data.get(key) is not None:
            pairs.append((key, data[key]))
    return urlencode(pairs)


@login_required
def rotation_page(request: HttpRequest) -> HttpResponseBase:
    """Luân phiên? The rotation indicators for a set of units the user reaches and an award."""
    permissions.require(request.user, "stats.view")
    reach = sel.units_in_reach(request.user)
    clusters = list(clusters_selectors.cluster_list(user=request.user)[:300])
    form = RotationForm(request.GET or None, clusters=clusters)
    problems: list[str] = []

    raw_ids = request.GET.getlist("units")
    ids: list[int] = []
    for raw in raw_ids:
        try:
            ids.append(int(raw))
        except ValueError:
            problems.append(_("“%(v)s” is not a unit number.") % {"v": raw[:40]})
    chosen = list(reach.filter(pk__in=ids).order_by("name", "pk")) if ids else []
    outside = set(ids) - {u.pk for u in chosen}
    if outside:
        problems.append(
            _(
                "%(n)s of the units asked for are outside your reach or do not exist: nothing "
                "was analysed. Choose units from your own organisation or your clusters."
            )
            % {"n": len(outside)}
        )

    analysis_block = None
    indicators: list[dict[str, Any]] = []
    facts = None
    if form.is_bound and form.is_valid() and not problems:
        data = form.cleaned_data
        added: list[int] = []
        codes = [c for c in CODE_SPLIT.split(data.get("add") or "") if c]
        if codes:
            found = dict(reach.filter(code__in=codes).values_list("code", "pk"))
            missing = [c for c in codes if c not in found]
            if missing:
                problems.append(
                    _("No unit within your reach has the code(s): %(codes)s.")
                    % {"codes": ", ".join(missing[:20])}
                )
            added += [found[c] for c in codes if c in found]
        if data.get("cluster") is not None:
            if not any(c.pk == data["cluster"] for c in clusters):
                problems.append(_("Choose a cluster from the list."))
            else:
                added += list(
                    ClusterMember.objects.filter(cluster_year__cluster_id=data["cluster"])
                    .values_list("org_id", flat=True)
                    .distinct()
                )
        if (codes or data.get("cluster") is not None) and not problems:
            merged = list(dict.fromkeys([*(u.pk for u in chosen), *added]))
            return redirect(reverse("stats:rotation") + "?" + _query(merged, data))
        if not problems and len(chosen) < 2:
            problems.append(_("Choose at least two units to compare."))
        if not problems:
            facts = sel.unit_set_facts(
                chosen, sel.codes_for(data.get("code") or "flag"), data.get("from"), data.get("to")
            )
            names = {u.pk: u.name for u in chosen}
            notes = {
                year: str(_("scored in several clusters: ranks not compared"))
                for year, source in facts.rank_source.items()
                if source == "mixed"
            }
            analysis = rotation.analyse(facts.facts)
            analysis_block = fairness_block(analysis, names, notes=notes)
            indicators = indicator_rows([analysis])
            if request.GET.get("format") == "xlsx":
                tables = [
                    _indicator_chart("indicators", [str(_("Value"))], indicators),
                    _evidence_chart("evidence", _("Evidence"), analysis_block["evidence"], False),
                ]
                workbook_notes = [
                    _(
                        "These are indicators, not verdicts: they describe how the awards went "
                        "round the units and how they relate to the published scores."
                    ),
                    _(
                        "Ranks: when the chosen units were all scored in one cluster’s published "
                        "results that year, their order among themselves; otherwise unknown. "
                        "Head: the head of that cluster year, when it is one of the chosen units."
                    ),
                ]
                return chart_workbook(request, tables, workbook_notes, "luan-phien")
    options = list(reach.order_by("path")[:300])
    return render(
        request,
        "stats/cluster_rotation.html",
        {
            "form": form,
            "chosen": chosen,
            "problems": problems,
            "result": analysis_block,
            "indicators": indicators,
            "facts": facts,
            "unit_options": options,
            "thresholds": _thresholds(),
            "xlsx_query": request.GET.urlencode() + "&format=xlsx" if analysis_block else "",
        },
    )
