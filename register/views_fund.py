"""The reward fund page (tiền thưởng): what each decision pays, totalled by year, source fund and
unit, with an Excel export of the same tables."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.excel import XlsxColumn, XlsxSheet, sheets_bytes, xlsx_response
from core.listing import is_htmx, paginate, query_without
from register import forms, selectors
from register.models import Fund

EXPORT_LIMIT = 200_000


def fund_name(code: str) -> str:
    return str(dict(Fund.choices).get(code, _("Not set")))


def issuer_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Year signed"), lambda r: r["decision_year"], 10),
        XlsxColumn(_("Source fund"), lambda r: fund_name(r["fund"]), 36),
        XlsxColumn(_("Issuer code"), lambda r: r["issuer_code"], 14),
        XlsxColumn(_("Issued by"), lambda r: r["issuer_name"], 36),
        XlsxColumn(_("Commendations"), lambda r: r["n"], 14),
        XlsxColumn(_("Amount (VND)"), lambda r: r["amount"], 16),
        XlsxColumn(_("Revoked (not counted)"), lambda r: r["n_revoked"], 14),
    ]


def unit_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Year signed"), lambda r: r["decision_year"], 10),
        XlsxColumn(_("Unit code"), lambda r: r["recipient_code"], 14),
        XlsxColumn(_("Recipient's unit"), lambda r: r["recipient_name"], 36),
        XlsxColumn(_("Individuals"), lambda r: r["n_people"], 12),
        XlsxColumn(_("Collectives"), lambda r: r["n_collectives"], 12),
        XlsxColumn(_("Amount (VND)"), lambda r: r["amount"], 16),
        XlsxColumn(_("Revoked (not counted)"), lambda r: r["n_revoked"], 14),
    ]


def decision_columns() -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Decision"), lambda r: r["number"], 20),
        XlsxColumn(_("Date"), lambda r: r["date"], 12),
        XlsxColumn(_("Issued by"), lambda r: r["issuer_name"], 36),
        XlsxColumn(_("Source fund"), lambda r: fund_name(r["fund"]), 36),
        XlsxColumn(_("Commendations"), lambda r: r["n"], 14),
        XlsxColumn(_("Amount (VND)"), lambda r: r["amount"], 16),
        XlsxColumn(_("Revoked (not counted)"), lambda r: r["n_revoked"], 14),
    ]


@login_required
def fund_report(request: HttpRequest) -> HttpResponse:
    """Tiền thưởng theo quyết định, năm, nguồn quỹ và đơn vị: the records the user may see."""
    permissions.require(request.user, "register.view")
    this_year = timezone.localdate().year
    data = request.GET if any(k in request.GET for k in forms.FundFilterForm.base_fields) else None
    form = forms.FundFilterForm(data, initial={"year_from": this_year, "year_to": this_year})
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_bound and not form.is_valid():
        return render(request, "register/fund.html", context)
    filters = (
        dict(form.cleaned_data)
        if form.is_bound
        else {"unit_code": "", "year_from": this_year, "year_to": this_year, "fund": ""}
    )
    unit = None
    code = filters.pop("unit_code")
    if code:
        unit = permissions.visible_orgs(request.user, "register.view").filter(code=code).first()
        if unit is None:
            form.add_error("unit_code", _("No unit you may see has the code %(c)s.") % {"c": code})
            return render(request, "register/fund.html", context)
    records = selectors.fund_records(user=request.user, unit=unit, **filters)
    by_issuer = selectors.fund_by_issuer(records)
    by_unit = selectors.fund_by_recipient_unit(records)
    decisions = selectors.fund_by_decision(records)
    if request.GET.get("format") == "xlsx":
        content = sheets_bytes(
            sheets=[
                XlsxSheet(_("By fund and issuer"), issuer_columns(), by_issuer),
                XlsxSheet(_("By recipient's unit"), unit_columns(), by_unit),
                XlsxSheet(_("Decisions"), decision_columns(), decisions[:EXPORT_LIMIT]),
            ],
            notes=_notes(unit, filters),
        )
        return xlsx_response("tien-thuong.xlsx", content)
    for row in by_issuer:
        row["fund_name"] = fund_name(row["fund"])
    page = paginate(request, decisions, per_page=50)
    for row in page:
        row["fund_name"] = fund_name(row["fund"])
    context.update(
        searched=True,
        unit=unit,
        filters=filters,
        by_issuer=by_issuer,
        by_unit=by_unit,
        page=page,
        total={
            "n": sum(r["n"] for r in by_issuer),
            "amount": sum(r["amount"] for r in by_issuer),
            "n_revoked": sum(r["n_revoked"] for r in by_issuer),
        },
        base_query=query_without(request, "page", "format"),
        export_query=query_without(request, "format", "page"),
    )
    template = "register/fund.html#decisions" if is_htmx(request) else "register/fund.html"
    return render(request, template, context)


def _notes(unit: Any, filters: dict[str, Any]) -> list[str]:
    start, end = filters.get("year_from"), filters.get("year_to")
    return [
        _(
            "Rewards of the commendations in force: the catalogue's multiple × the base salary on "
            "the decision's date. Revoked commendations are counted apart, not in the amounts."
        ),
        _("Unit: %(u)s") % {"u": f"{unit.code} · {unit.name}" if unit else _("all you may see")},
        _("Signed from %(a)s until %(b)s") % {"a": start or "…", "b": end or "…"},
        _("Source fund: %(f)s")
        % {"f": fund_name(filters["fund"]) if filters.get("fund") else _("All")},
    ]
