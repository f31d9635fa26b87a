"""Pages for clusters and blocks: list, detail with years, open a year, members, head, flag."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters import rules, selectors, services
from clusters.forms import (
    ClusterForm,
    FlagForm,
    HeadForm,
    MeetingForm,
    MembersForm,
    MinutesForm,
    OutcomesForm,
    YearOpenWithHeadForm,
    parse_codes,
)
from clusters.models import Cluster, ClusterKind, ClusterYear, Covenant, Meeting, Registration
from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import paginate, query_without
from orgs.models import Org
from votes.models import Poll


def _cluster(request: HttpRequest, pk: int) -> Cluster:
    try:
        return selectors.cluster_get(user=request.user, pk=pk)
    except Cluster.DoesNotExist as exc:
        raise Http404 from exc


def _year(request: HttpRequest, pk: int, year: int) -> ClusterYear:
    cluster = _cluster(request, pk)
    cluster_year = selectors.cluster_years(cluster=cluster).filter(year=year).first()
    if cluster_year is None:
        raise Http404
    return cluster_year


def _orgs_by_code(codes: list[str]) -> tuple[list[Org], list[str]]:
    found = {o.code: o for o in Org.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


def _form_error(form: Any, exc: DomainError, mapping: dict[str, str] | None = None) -> None:
    field = (mapping or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    """Danh sách cụm, khối thi đua the user may see, searchable, exportable."""
    permissions.require(request.user, "cluster.view")
    kind = request.GET.get("kind", "")
    clusters = selectors.cluster_list(
        user=request.user,
        q=request.GET.get("q", ""),
        kind=kind if kind in ClusterKind.values else "",
    )
    if request.GET.get("format") == "xlsx":
        columns = [
            XlsxColumn(_("Code"), lambda c: c.code, 14),
            XlsxColumn(_("Name"), lambda c: c.name, 50),
            XlsxColumn(_("Kind"), lambda c: c.get_kind_display(), 20),
            XlsxColumn(_("Organising council"), lambda c: c.organiser.name, 40),
        ]
        content = workbook_bytes(title=_("Clusters and blocks"), columns=columns, rows=clusters)
        return xlsx_response("cum-khoi.xlsx", content)
    return render(
        request,
        "clusters/cluster_list.html",
        {
            "page": paginate(request, clusters),
            "base_query": query_without(request, "page", "format"),
            "kinds": ClusterKind.choices,
            "can_create": permissions.can(request.user, "cluster.manage"),
        },
    )


@login_required
def cluster_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "cluster.manage")
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("organiser_code").strip().upper()
        organiser = (
            permissions.visible_orgs(request.user, "cluster.manage").filter(code=code).first()
        )
        if organiser is None:
            form.add_error(
                "organiser_code", _("No unit you may manage has the code %(c)s.") % {"c": code}
            )
        else:
            try:
                cluster = services.cluster_create(actor=request.user, organiser=organiser, **data)
                messages.success(request, _("“%(n)s” created.") % {"n": cluster.name})
                return redirect("clusters:cluster-detail", pk=cluster.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "clusters/cluster_form.html", {"form": form})


@login_required
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = _cluster(request, pk)
    years = list(selectors.cluster_years(cluster=cluster))
    current = years[0] if years else None
    may_open = permissions.can(request.user, "cluster.manage", cluster) or (
        current is not None and permissions.can_run_cluster_year(request.user, current)
    )
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "years": years,
            "current": current,
            "may_open": may_open,
            "timeline": selectors.cluster_timeline(years=years),
        },
    )


@login_required
def year_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mở năm mới: copies last year's members and proposes the next head by rotation."""
    cluster = _cluster(request, pk)
    current = cluster.years.select_related("head").order_by("-year").first()
    allowed = permissions.can(request.user, "cluster.manage", cluster) or (
        current is not None and permissions.can_run_cluster_year(request.user, current)
    )
    if not allowed:
        permissions.require(request.user, "cluster.manage", cluster)
    initial: dict[str, Any] = {"year": current.year + 1} if current else {}
    if current is not None:
        order = [m.org_id for m in current.members.all()]
        head_id, deputy_id = rules.propose_head_and_deputy(
            order, current.head_id, current.deputy_id
        )
        proposed = dict(Org.objects.filter(pk__in=[head_id, deputy_id]).values_list("pk", "code"))
        initial["head_code"] = proposed.get(head_id, "") if head_id else ""
        initial["deputy_code"] = proposed.get(deputy_id, "") if deputy_id else ""
    form = YearOpenWithHeadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        members = None
        codes = parse_codes(form.cleaned_data["member_codes"])
        if codes:
            members, missing = _orgs_by_code(codes)
            if missing:
                form.add_error(
                    "member_codes", _("Unknown unit codes: %(c)s.") % {"c": ", ".join(missing)}
                )
        chosen: dict[str, Org | None] = {}
        for key in ("head", "deputy"):
            code = form.cleaned_data[f"{key}_code"].strip().upper()
            chosen[key] = Org.objects.filter(code=code).first() if code else None
            if code and chosen[key] is None:
                form.add_error(f"{key}_code", _("Unknown unit codes: %(c)s.") % {"c": code})
        if not form.errors:
            try:
                opened = services.cluster_year_open(
                    actor=request.user,
                    cluster=cluster,
                    year=form.cleaned_data["year"],
                    members=members,
                    head=chosen["head"],
                    deputy=chosen["deputy"],
                )
                messages.success(request, _("Year %(y)s opened.") % {"y": opened.year})
                return redirect("clusters:year-detail", pk=cluster.pk, year=opened.year)
            except DomainError as exc:
                _form_error(
                    form,
                    exc,
                    {"members": "member_codes", "head": "head_code", "deputy": "deputy_code"},
                )
    return render(request, "clusters/year_open.html", {"cluster": cluster, "form": form})


def _my_units(request: HttpRequest, cluster_year: ClusterYear, members: list[Any]) -> list[Any]:
    """The member units the user acts for, with their registration and their reports' standing."""
    from clusters.reports import report_matrix

    mine = {m.org_id for m in members if permissions.can_act_for_member(request.user, m.org)}
    if not mine:
        return []
    registrations = {
        r.org_id: r for r in Registration.objects.filter(covenant__cluster_year=cluster_year)
    }
    return [
        {"org": row.org, "registration": registrations.get(row.org.pk), "cells": row.cells}
        for row in report_matrix(cluster_year)
        if row.org.pk in mine
    ]


def _year_context(request: HttpRequest, cluster_year: ClusterYear, **forms: Any) -> dict[str, Any]:
    members = list(cluster_year.members.all())
    may_run = permissions.can_run_cluster_year(request.user, cluster_year)
    return {
        "cluster": cluster_year.cluster,
        "cy": cluster_year,
        "members": members,
        "may_run": may_run,
        "covenant": Covenant.objects.filter(cluster_year=cluster_year).first(),
        "periods": list(cluster_year.periods.all()),
        "my_units": _my_units(request, cluster_year, members),
        "head_form": forms.get("head_form")
        or HeadForm(
            members=members,
            initial={
                "head": cluster_year.head_id,
                "deputy": cluster_year.deputy_id,
                "decision": cluster_year.head_decision,
                "decision_date": cluster_year.head_decision_date,
            },
        ),
        "members_form": forms.get("members_form")
        or MembersForm(initial={"member_codes": "\n".join(m.org.code for m in members)}),
        "flag_form": forms.get("flag_form") or FlagForm(),
        "outcomes_form": forms.get("outcomes_form")
        or OutcomesForm(
            initial={"leaders": cluster_year.leaders, "runners_up": cluster_year.runners_up}
        ),
    }


@login_required
def year_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    export = request.GET.get("format") == "xlsx"
    if export and request.GET.get("list") == "meetings":
        meeting_columns = [
            XlsxColumn(_("Date"), lambda m: m.date, 12),
            XlsxColumn(_("Kind of meeting"), lambda m: m.get_kind_display(), 22),
            XlsxColumn(_("Host unit"), lambda m: m.host.name if m.host else "", 30),
            XlsxColumn(_("Place"), lambda m: m.place, 30),
            XlsxColumn(_("Agenda"), lambda m: m.agenda, 50),
            XlsxColumn(_("Decisions taken"), lambda m: m.decisions, 60),
        ]
        content = workbook_bytes(
            title=_("Meetings"), columns=meeting_columns, rows=cluster_year.meetings.all()
        )
        return xlsx_response(f"hoi-nghi-{cluster_year.year}.xlsx", content)
    if export:
        member_columns = [
            XlsxColumn(_("Place in the rotation"), lambda m: m.rotation_position, 10),
            XlsxColumn(_("Code"), lambda m: m.org.code, 14),
            XlsxColumn(_("Member unit"), lambda m: m.org.name, 40),
            XlsxColumn(
                _("Role"),
                lambda m: (
                    _("head")
                    if m.org_id == cluster_year.head_id
                    else (_("deputy") if m.org_id == cluster_year.deputy_id else "")
                ),
                12,
            ),
        ]
        content = workbook_bytes(
            title=_("Members"), columns=member_columns, rows=cluster_year.members.all()
        )
        return xlsx_response(f"thanh-vien-{cluster_year.year}.xlsx", content)
    return render(request, "clusters/year_detail.html", _year_context(request, cluster_year))


def _require_run(request: HttpRequest, cluster_year: ClusterYear) -> None:
    permissions.require_run_cluster_year(request.user, cluster_year)


@login_required
@require_POST
def year_members(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    form = MembersForm(request.POST)
    if form.is_valid():
        members, missing = _orgs_by_code(parse_codes(form.cleaned_data["member_codes"]))
        if missing:
            form.add_error(
                "member_codes", _("Unknown unit codes: %(c)s.") % {"c": ", ".join(missing)}
            )
        else:
            try:
                services.cluster_year_set_members(
                    actor=request.user, cluster_year=cluster_year, members=members
                )
                messages.success(request, _("Members saved."))
                return redirect("clusters:year-detail", pk=pk, year=year)
            except DomainError as exc:
                _form_error(form, exc, {"members": "member_codes"})
    return render(
        request,
        "clusters/year_detail.html",
        _year_context(request, cluster_year, members_form=form),
    )


@login_required
@require_POST
def year_head(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    members = list(cluster_year.members.all())
    form = HeadForm(request.POST, members=members)
    if form.is_valid():
        by_id = {m.org_id: m.org for m in members}
        deputy_id = form.cleaned_data["deputy"]
        try:
            services.cluster_year_set_head(
                actor=request.user,
                cluster_year=cluster_year,
                head=by_id[form.cleaned_data["head"]],
                deputy=by_id.get(deputy_id) if deputy_id else None,
                decision=form.cleaned_data["decision"],
                decision_date=form.cleaned_data["decision_date"],
            )
            messages.success(request, _("Head and deputy appointed."))
            return redirect("clusters:year-detail", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request, "clusters/year_detail.html", _year_context(request, cluster_year, head_form=form)
    )


@login_required
@require_POST
def year_outcomes(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    form = OutcomesForm(request.POST)
    if form.is_valid():
        try:
            services.cluster_year_set_outcomes(
                actor=request.user,
                cluster_year=cluster_year,
                leaders=form.cleaned_data["leaders"],
                runners_up=form.cleaned_data["runners_up"],
            )
            messages.success(request, _("Saved."))
            return redirect("clusters:year-detail", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request,
        "clusters/year_detail.html",
        _year_context(request, cluster_year, outcomes_form=form),
    )


@login_required
@require_POST
def year_flag(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.cluster_year_hand_over_flag(
                actor=request.user,
                cluster_year=cluster_year,
                day=form.cleaned_data["day"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The handover of the rotating flag is recorded."))
            return redirect("clusters:year-detail", pk=pk, year=year)
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request, "clusters/year_detail.html", _year_context(request, cluster_year, flag_form=form)
    )


@login_required
def meeting_create(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Ghi nhận hội nghị of a cluster year."""
    cluster_year = _year(request, pk, year)
    _require_run(request, cluster_year)
    members = list(cluster_year.members.all())
    form = MeetingForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        by_id = {m.org_id: m.org for m in members}
        codes = parse_codes(form.cleaned_data["attendee_codes"])
        units, missing = _orgs_by_code(codes)
        if missing:
            form.add_error(
                "attendee_codes", _("Unknown unit codes: %(c)s.") % {"c": ", ".join(missing)}
            )
        else:
            host_id = form.cleaned_data["host"]
            try:
                people = services.resolve_attendees(
                    form.cleaned_data["attendee_people"].splitlines(), cluster_year
                )
                meeting = services.meeting_create(
                    actor=request.user,
                    cluster_year=cluster_year,
                    kind=form.cleaned_data["kind"],
                    date=form.cleaned_data["date"],
                    place=form.cleaned_data["place"],
                    host=by_id.get(host_id) if host_id else None,
                    agenda=form.cleaned_data["agenda"],
                    decisions=form.cleaned_data["decisions"],
                    attendee_units=units or [m.org for m in members],
                    attendee_people=people,
                )
                messages.success(request, _("The meeting is recorded."))
                return redirect("clusters:meeting-detail", meeting_id=meeting.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(
        request,
        "clusters/meeting_form.html",
        {"cluster": cluster_year.cluster, "cy": cluster_year, "form": form},
    )


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("cluster_year__cluster", "host", "cluster_year__head")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    # Visible exactly when its cluster is.
    _cluster(request, meeting.cluster_year.cluster_id)
    return meeting


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    may_run = permissions.can_run_cluster_year(request.user, meeting.cluster_year)
    form = MinutesForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_run:
            permissions.require_run_cluster_year(request.user, meeting.cluster_year)
        if form.is_valid():
            try:
                services.meeting_attach_minutes(
                    actor=request.user, meeting=meeting, upload=form.cleaned_data["minutes"]
                )
                messages.success(request, _("The minutes are attached."))
                return redirect("clusters:meeting-detail", meeting_id=meeting.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(
        request,
        "clusters/meeting_detail.html",
        {
            "meeting": meeting,
            "cy": meeting.cluster_year,
            "cluster": meeting.cluster_year.cluster,
            "units": meeting.attendee_units.order_by("name"),
            "people": meeting.attendee_people.select_related("unit").order_by("name_key"),
            "polls": Poll.objects.filter(meeting=meeting),
            "may_run": may_run,
            "form": form,
        },
    )


@login_required
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    """Download the minutes, for those who may see the cluster."""
    meeting = _meeting(request, meeting_id)
    if not meeting.minutes:
        raise Http404
    return FileResponse(
        meeting.minutes.open("rb"), as_attachment=True, filename=meeting.minutes_name
    )
