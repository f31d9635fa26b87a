"""A cluster's statistics (scores and ranks, flags and certificates, heads, late reports) and the
rotation analysis (luân phiên), for a cluster or for any set of units the user reaches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters import selectors as clusters_selectors
from clusters.models import Cluster, ClusterMember
from core import permissions
from core.excel import XlsxColumn, XlsxSheet, sheets_bytes, xlsx_response
from register.models import Award
from stats import cluster_selectors as sel
from stats import rotation
from stats.rotation import Pattern, StepStatus

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


def _evidence_sheet(title: str, rows: list[dict[str, Any]], with_source: bool) -> XlsxSheet:
    columns = [
        XlsxColumn(_("Year"), lambda r: r["year"], 8),
        XlsxColumn(_("Awardees"), lambda r: r["awardees"], 36),
        XlsxColumn(_("Their rank that year"), lambda r: r["ranks"], 12),
        XlsxColumn(_("Ranked first among those competing"), lambda r: r["first"], 30),
        XlsxColumn(_("Head unit"), lambda r: r["head"], 30),
        XlsxColumn(_("Next year's head"), lambda r: r["next_head"], 30),
        XlsxColumn(_("Round"), lambda r: str(r["status_label"]), 24),
        XlsxColumn(_("Members still waiting"), lambda r: r["waiting"], 10),
        XlsxColumn(_("Chance by lot of no repeat"), lambda r: r["chance"], 12),
    ]
    if with_source:
        columns.append(XlsxColumn(_("Source"), lambda r: str(r["source"]), 14))
    else:
        columns.append(XlsxColumn(_("Note"), lambda r: r["note"], 40))
    return XlsxSheet(_sheet_title(title), columns, rows)


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str) -> str:
    """A title Excel accepts (a translation may bring a colon or a slash)."""
    return SHEET_FORBIDDEN.sub("-", str(title))


def _indicator_sheet(headers: Sequence[str], rows: list[dict[str, Any]]) -> XlsxSheet:
    columns = [XlsxColumn(_("Indicator"), lambda r: str(r["label"]), 44)]
    for index, header in enumerate(headers):
        columns.append(
            XlsxColumn(header, lambda r, i=index: r["values"][i], 16)  # type: ignore[misc]
        )
    return XlsxSheet(_sheet_title(_("Fairness indicators")), columns, rows)


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


def _dashboard_xlsx(
    data: sel.Dashboard,
    award_names: dict[str, str],
    indicators: list[dict[str, Any]],
    fairness: dict[str, dict[str, Any]],
) -> HttpResponse:
    def per_year(get: Any, header: str, width: int = 10) -> list[XlsxColumn]:
        return [
            XlsxColumn(
                header % {"y": year},
                lambda r, i=i: get(r.cells[i]),  # type: ignore[misc]
                width,
            )
            for i, year in enumerate(data.years)
        ]

    def rank(cell: Any) -> Any:
        return cell.rank if isinstance(cell, sel.ResultCell) else None

    def total(cell: Any) -> Any:
        return cell.total if isinstance(cell, sel.ResultCell) else None

    def awards(cell: Any) -> Any:
        return "; ".join(_award_text(c, award_names) for c in cell) if cell else None

    member = XlsxColumn(_("Member unit"), lambda r: r.org.name, 34)
    code = XlsxColumn(_("Code"), lambda r: r.org.code, 10)
    rank_cols = []
    for i, year in enumerate(data.years):
        rank_cols += [
            XlsxColumn(
                _("%(y)s rank") % {"y": year},
                lambda r, i=i: rank(r.cells[i]),  # type: ignore[misc]
                8,
            ),
            XlsxColumn(
                _("%(y)s total") % {"y": year},
                lambda r, i=i: total(r.cells[i]),  # type: ignore[misc]
                10,
            ),
        ]

    def late_value(r: sel.MemberRow, i: int, attr: str) -> Any:
        cell = r.cells[i]
        return getattr(cell, attr) if cell is not None else None

    late_cols = []
    for i, year in enumerate(data.years):
        late_cols += [
            XlsxColumn(
                _("%(y)s late") % {"y": year},
                lambda r, i=i: late_value(r, i, "late"),  # type: ignore[misc]
                8,
            ),
            XlsxColumn(
                _("%(y)s days late") % {"y": year},
                lambda r, i=i: late_value(r, i, "days_late"),  # type: ignore[misc]
                8,
            ),
            XlsxColumn(
                _("%(y)s missing") % {"y": year},
                lambda r, i=i: late_value(r, i, "missing"),  # type: ignore[misc]
                8,
            ),
        ]
    sheets = [
        XlsxSheet(_("Ranks and scores"), [member, code, *rank_cols], data.ranks),
        XlsxSheet(
            _("Flags and certificates"),
            [
                member,
                code,
                *per_year(awards, "%(y)s", 24),
                XlsxColumn(_("Flags"), lambda r: r.flags, 8),
                XlsxColumn(_("Certificates of merit"), lambda r: r.certificates, 8),
            ],
            data.awards,
        ),
        XlsxSheet(
            _("Heads and deputies"),
            [
                XlsxColumn(_("Year"), lambda y: y.year, 8),
                XlsxColumn(_("Head unit"), lambda y: y.head.name if y.head else "", 34),
                XlsxColumn(_("Deputy unit"), lambda y: y.deputy.name if y.deputy else "", 34),
                XlsxColumn(_("Members"), lambda y: y.members, 8),
            ],
            data.year_rows,
        ),
        XlsxSheet(
            _("Times head or deputy"),
            [
                member,
                code,
                XlsxColumn(_("Head unit"), lambda r: r.head, 8),
                XlsxColumn(_("Deputy unit"), lambda r: r.deputy, 8),
            ],
            data.heads,
        ),
        XlsxSheet(
            _("Late reports"),
            [
                member,
                code,
                *late_cols,
                XlsxColumn(_("Late"), lambda r: r.late, 8),
                XlsxColumn(_("Days late"), lambda r: r.days_late, 8),
                XlsxColumn(_("Missing"), lambda r: r.missing, 8),
            ],
            data.late,
        ),
        _indicator_sheet([str(KIND_LABELS[k]) for k in fairness], indicators),
        *[
            _evidence_sheet(
                _("Evidence – %(kind)s") % {"kind": KIND_LABELS[kind]}, block["evidence"], True
            )
            for kind, block in fairness.items()
        ],
    ]
    content = sheets_bytes(
        sheets=[XlsxSheet(_sheet_title(s.title), s.columns, s.rows) for s in sheets]
    )
    return xlsx_response(f"thong-ke-cum-{data.cluster.code}.xlsx", content)


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
        return _dashboard_xlsx(data, award_names, indicators, fairness)
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


def _thresholds() -> dict[str, Any]:
    return {
        "min_years": rotation.MIN_AWARD_YEARS,
        "min_ranked": rotation.MIN_RANKED_AWARDS,
        "scores_share": int(rotation.FOLLOWS_SCORES_SHARE * 100),
        "run_chance": int(rotation.RUN_CHANCE_MAX * 100),
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
                content = sheets_bytes(
                    sheets=[
                        _indicator_sheet([str(_("Value"))], indicators),
                        _evidence_sheet(_("Evidence"), analysis_block["evidence"], False),
                    ]
                )
                return xlsx_response("luan-phien.xlsx", content)
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
