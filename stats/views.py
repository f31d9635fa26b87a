"""The unit dashboard (thống kê khen thưởng của đơn vị) and the fairness indicators: charts with
their tables, an Excel workbook of the same tables (whole page or one chart)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core import permissions
from core.excel import XlsxColumn, XlsxSheet, sheets_bytes, xlsx_response
from core.listing import query_without
from orgs.models import Org
from stats import filters, rules, selectors, unit_dashboard, unit_fairness
from stats.forms import FairnessForm, UnitStatsForm
from stats.rules import Chart
from stats.selectors import AwardInfo, Filters, Source

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CATCH_UP_EVERY_S = 60


@dataclass
class Request:
    """A statistics request, checked: the form, the filters, where the figures come from."""

    form: UnitStatsForm
    filters: Filters
    source: Source
    catalogue: list[AwardInfo]


def _prepare(request: HttpRequest, form_class: type[UnitStatsForm]) -> Request | HttpResponse:
    permissions.require(request.user, "stats.view")
    catalogue = selectors.catalogue()
    form = form_class(request.GET or None, catalogue=catalogue)
    if form.is_bound and not form.is_valid():
        form.set_units(filters.unit_options(request.user, filters.home_unit(request.user)))
        template = (
            "stats/fairness.html" if form_class is FairnessForm else "stats/unit_dashboard.html"
        )
        return render(request, template, {"form": form, "invalid": True}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    unit = filters.unit_for(request.user, data.get("unit"))
    source = selectors.source_for()
    if not source.tally and source.as_of is not None:
        _catch_up_soon()
    f = filters.filters_for(unit=unit, data=data, catalogue=catalogue, source=source)
    if not form.is_bound or data.get("from") is None or data.get("to") is None:
        # Show the years chosen by default in the form, so a shared link keeps them.
        values = {key: str(value) for key, value in request.GET.items()}
        values.update({"from": str(f.year_from), "to": str(f.year_to)})
        if unit is not None:
            values.setdefault("unit", str(unit.pk))
        form = form_class(values, catalogue=catalogue)
        form.is_valid()
    form.set_units(filters.unit_options(request.user, unit))
    return Request(form, f, source, catalogue)


def _catch_up_soon() -> None:
    """The summary is behind the register: queue a catch-up (at most once a minute per process);
    the page meanwhile counts from the register itself."""
    from django.core.cache import cache

    from stats.tasks import catch_up

    if cache.add("stats:catch-up-queued", 1, CATCH_UP_EVERY_S):
        transaction.on_commit(catch_up.enqueue)


def _scope_label(f: Filters) -> str:
    unit = f.scope.unit
    if unit is None:
        return _("Whole country")
    label = _("%(unit)s, with the units below it") % {"unit": unit.name}
    if f.scope.absorbed:
        label += " " + _("and the units merged into it (%(units)s)") % {
            "units": ", ".join(o.name for o in f.scope.absorbed)
        }
    return label


def _notes(req: Request, extra: list[str]) -> list[str]:
    f = req.filters
    level = dict(_level_choices()).get(f.level, _("All")) if f.level else _("All")
    code = f.code or _("All")
    subject = {"individual": _("Individuals"), "collective": _("Collectives")}.get(
        f.subject, _("All")
    )
    as_of = (
        timezone.localtime(req.source.as_of).strftime("%d/%m/%Y %H:%M")
        if req.source.tally and req.source.as_of
        else timezone.localtime().strftime("%d/%m/%Y %H:%M")
    )
    return [
        _("Unit: %(u)s") % {"u": _scope_label(f)},
        _("Years of achievement: %(a)s–%(b)s") % {"a": f.year_from, "b": f.year_to},
        _("Level: %(l)s · title or form: %(c)s · recipients: %(s)s")
        % {"l": level, "c": code, "s": subject},
        _("Figures as of %(t)s.") % {"t": as_of},
        _(
            "Commendations in force; revoked ones are counted apart. An individual counts in the "
            "unit they worked in when the decision was made; a collective in itself."
        ),
        *extra,
    ]


def _level_choices() -> list[tuple[str, str]]:
    from register.models import Level

    return [(str(v), str(label)) for v, label in Level.choices]


def _sheet_title(index: int, title: str) -> str:
    return SHEET_FORBIDDEN.sub("-", f"{index}. {title}")[:31]


def _label_of(row: tuple[str, list[tuple[Any, str]]]) -> str:
    return row[0]


def _cell_of(index: int, row: tuple[str, list[tuple[Any, str]]]) -> Any:
    return row[1][index][0]


def _bound_of(index: int, bound: int, row: tuple[str, list[tuple[Any, str]]]) -> Any:
    value = row[1][index][0]
    return None if value is None else value[bound]


def _sheet(index: int, chart: Chart) -> XlsxSheet:
    columns = [XlsxColumn(chart.row_header, _label_of, 40)]
    for i, series in enumerate(chart.series):
        if series.fmt == rules.INTERVAL:  # two numbers in a workbook
            columns.append(
                XlsxColumn(f"{series.label} – {_('from')}", partial(_bound_of, i, 0), 16)
            )
            columns.append(XlsxColumn(f"{series.label} – {_('to')}", partial(_bound_of, i, 1), 16))
        else:
            columns.append(XlsxColumn(series.label, partial(_cell_of, i), 16))
    rows: list[Any] = list(chart.table_rows())
    totals = chart.totals()
    if totals is not None:
        rows.append((_("In all"), totals))
    return XlsxSheet(_sheet_title(index, chart.title), columns, rows)


def chart_workbook(
    request: HttpRequest, charts: list[Chart], notes: list[str], name: str
) -> HttpResponse:
    key = request.GET.get("chart", "")
    if key:
        charts = [c for c in charts if c.key == key]
        if not charts:
            raise Http404("chart")
        name = f"{name}-{key}"
    sheets = [_sheet(i, c) for i, c in enumerate(charts, start=1)]
    return xlsx_response(f"{name}.xlsx", sheets_bytes(sheets=sheets, notes=notes))


def _context(req: Request, request: HttpRequest) -> dict[str, Any]:
    return {
        "form": req.form,
        "filters": req.filters,
        "source": req.source,
        "scope_label": _scope_label(req.filters),
        "query": query_without(request, "format", "chart"),
        "now": timezone.now(),
    }


@login_required
def unit_view(request: HttpRequest) -> HttpResponse:
    """Thống kê của đơn vị: the commendations of a unit and its subtree over a period."""
    req = _prepare(request, UnitStatsForm)
    if isinstance(req, HttpResponse):
        return req
    f, source = req.filters, req.source
    board = unit_dashboard.dashboard(
        f,
        req.catalogue,
        selectors.tallies(f, source),
        selectors.unit_tallies(f, source),
        selectors.staff(f.scope),
        f.scope.areas,
        selectors.proposals(f),
    )
    if request.GET.get("format") == "xlsx":
        summary = board.summary
        notes = _notes(
            req,
            [
                _("In force: %(n)s (individuals %(i)s, collectives %(c)s); revoked: %(r)s.")
                % {
                    "n": summary.in_force,
                    "i": summary.individuals,
                    "c": summary.collectives,
                    "r": summary.revoked,
                },
                _(
                    "The workforce is today's: the people whose current unit is in the scope, "
                    "by their category, gender and ethnicity as recorded now."
                ),
            ],
        )
        return chart_workbook(request, board.charts, notes, "thong-ke-khen-thuong")
    context = _context(req, request)
    context.update(
        board=board,
        charts=board.charts,
        summary=board.summary,
        # Across both columns: many rows, or tables of many columns.
        wide=("year", "award", "group", "gender", "ethnic"),
    )
    return render(request, "stats/unit_dashboard.html", context)


@login_required
def fairness_view(request: HttpRequest) -> HttpResponse:
    """Leaders' concentration: their share of individual awards against their share of staff."""
    req = _prepare(request, FairnessForm)
    if isinstance(req, HttpResponse):
        return req
    f, source = req.filters, req.source
    group = req.form.cleaned_data.get("group") or "children"
    unit_tallies = selectors.unit_tallies(f, source)
    unit_staff = selectors.unit_staff(f.scope)
    units: dict[str, Org] = {}
    children: dict[int, Org] = {}
    if group == "units":
        units = selectors.orgs_by_path({u.path for u in unit_tallies})
    else:
        children = selectors.child_units({u.path for u in unit_tallies}, f.scope)
    result = unit_fairness.fairness(
        f,
        req.catalogue,
        selectors.tallies(f, source),
        unit_tallies,
        unit_staff,
        children,
        group=group,
        units=units,
    )
    if request.GET.get("format") == "xlsx":
        every = Chart(
            "all-units",
            _("Every unit"),
            "bar",
            _("Unit"),
            tuple(u.name for u in result.units),
            unit_fairness.indicator_series([u.indicator for u in result.units]),
            percent=True,
        )
        notes = _notes(req, [str(line) for line in method_lines()])
        return chart_workbook(request, [*result.charts, every], notes, "chi-so-tap-trung")
    context = _context(req, request)
    context.update(
        fairness=result,
        charts=result.charts,
        group=group,
        unit_rows=result.units,
        overall_status=unit_fairness.status_label(result.overall.status),
        base_query=query_without(request, "format", "chart", "unit"),
        method=method_lines(),
        min_awards=rules.MIN_AWARDS,
        confidence=99,
    )
    return render(request, "stats/fairness.html", context)


def method_lines() -> list[str]:
    """The method in plain words (the page and the workbook's note)."""
    return [
        _(
            "For each unit we compare two shares: the leaders' and managers' share of the "
            "individual awards of the period, and their share of the unit's staff today."
        ),
        _(
            "If awards went to leaders as often as to anyone else, the two shares would be close. "
            "The ratio says how many times more often leaders are awarded (1 = in proportion)."
        ),
        _(
            "Chance alone makes small units swing, so a unit is flagged (“Stands out”) only when "
            "it has at least %(m)s individual awards, the difference is larger than chance would "
            "explain at the 99 %% level (z-score above %(z)s; the interval shown is the Wilson "
            "interval of the leaders' share of awards), and the leaders' share is at least "
            "%(r)s times their share of the staff: in a large unit even a slight difference is "
            "beyond chance, and only a marked one is worth a look."
        )
        % {
            "m": rules.MIN_AWARDS,
            "z": number_format(round(rules.Z_FLAG, 2), 2),
            "r": number_format(rules.MIN_RATIO, 2),
        },
        _(
            "These are indicators, not verdicts: a unit may have good reasons (leaders who led a "
            "hard task well, a small staff, awards of the staff before they were promoted). A "
            "flag says where to look, and the figures to look at."
        ),
        _(
            "The staff is today's, while the awards span the period; people's category is their "
            "category today. With about one unit in a hundred flagged by chance alone, compare a "
            "flagged unit over several periods before drawing conclusions."
        ),
    ]
