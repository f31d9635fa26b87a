"""Pages of the commendation register: search, decisions, revocation, eligibility lists,
initiatives, annual ratings and the catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import id_param, is_htmx, paginate, query_without
from core.text import fold
from movements.models import Movement
from orgs.models import Org
from people.models import Person
from people.personal import PARAM as PERSONAL
from people.personal import PersonalExport, may_export_personal, personal_export
from register import catalogue, forms, rules, selectors, services, sweep
from register.models import (
    Award,
    BaseSalary,
    Decision,
    Initiative,
    InitiativeUse,
    Parameter,
    PersonEligibility,
    Rating,
    Record,
    RuleSet,
    UnitEligibility,
    UnitRating,
)

EXPORT_LIMIT = 200_000


def _form_error(form: Any, exc: DomainError, mapping: dict[str, str] | None = None) -> None:
    field = (mapping or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _org_by_code(user: Any, code: str, action: str) -> Org | None:
    return permissions.visible_orgs(user, action).filter(code=code).first()


# --- search -----------------------------------------------------------------------------------------


def record_columns(personal: PersonalExport | None = None) -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Year"), lambda r: r.year, 8),
        XlsxColumn(_("Code"), lambda r: r.code, 10),
        XlsxColumn(_("Title or form"), lambda r: selectors.catalogue_name(r.code), 34),
        XlsxColumn(_("Recipient"), lambda r: r.person.full_name if r.person_id else r.org.name, 30),
        XlsxColumn(_("Birth year"), lambda r: r.person.birth_year if r.person_id else None, 10),
        *(personal.columns(lambda r: r.person if r.person_id else None) if personal else []),
        XlsxColumn(_("Gender"), lambda r: r.person.get_gender_display() if r.person_id else "", 8),
        XlsxColumn(_("Ethnicity"), lambda r: r.person.ethnicity if r.person_id else "", 10),
        XlsxColumn(
            _("Leader or worker"),
            lambda r: r.person.get_category_display() if r.person_id else "",
            20,
        ),
        XlsxColumn(
            _("Unit"),
            lambda r: (r.unit.name if r.unit_id else r.person.unit.name) if r.person_id else "",
            30,
        ),
        XlsxColumn(_("Decision"), lambda r: r.decision.number, 18),
        XlsxColumn(_("Date"), lambda r: r.decision.date, 12),
        XlsxColumn(_("Issued by"), lambda r: r.decision.issuer.name, 30),
        XlsxColumn(_("Category"), lambda r: r.decision.get_category_display(), 16),
        XlsxColumn(_("Amount (VND)"), lambda r: r.amount, 14),
        XlsxColumn(_("Revoked"), lambda r: _("yes") if r.revoked else "", 8),
    ]


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.view")
    form = forms.RecordFilterForm(request.GET or None)
    records: QuerySet[Record] = Record.objects.none()
    unit = None
    if not request.GET or form.is_valid():
        filters: dict[str, Any] = dict(form.cleaned_data) if form.is_bound else {}
        code = filters.pop("unit_code", "")
        if code:
            unit = _org_by_code(request.user, code, "register.view")
            if unit is None:
                form.add_error(
                    "unit_code", _("No unit you may see has the code %(c)s.") % {"c": code}
                )
        if not form.errors:
            if unit is not None:
                filters["unit"] = unit.pk
            records = selectors.record_search(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx" and not form.errors:
        personal = personal_export(request)
        content = workbook_bytes(
            title=_("Commendations"),
            columns=record_columns(personal),
            rows=records[:EXPORT_LIMIT].iterator(chunk_size=2000),
            notes=personal.notes(),
        )
        return xlsx_response("khen-thuong.xlsx", content)
    context = {
        "form": form,
        "page": paginate(request, records, most=selectors.COUNT_AT_MOST),
        "base_query": query_without(request, "page", "format", PERSONAL),
        "export_query": query_without(request, "format", "page", PERSONAL),
        "can_export_personal": may_export_personal(request.user),
        "can_manage": permissions.can(request.user, "register.manage"),
    }
    template = (
        "register/record_list.html#results" if is_htmx(request) else "register/record_list.html"
    )
    return render(request, template, context)


# --- decisions --------------------------------------------------------------------------------------


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.view")
    decisions = selectors.visible_decisions(request.user).annotate(recipients=Count("records"))
    q = (request.GET.get("q") or "").strip()
    if q:
        decisions = decisions.filter(Q(number__icontains=q) | Q(summary__icontains=q))
    year = id_param(request, "year")
    if year:
        decisions = decisions.filter(date__year=year)
    return render(
        request,
        "register/decision_list.html",
        {
            "page": paginate(request, decisions.order_by("-date", "-pk")),
            "q": q,
            "year": year or "",
            "base_query": query_without(request, "page"),
            "can_manage": permissions.can(request.user, "register.manage"),
        },
    )


@login_required
def decision_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.manage")
    movements = Movement.objects.filter(
        launched_by__in=permissions.visible_orgs(request.user, "movement.view")
    ).order_by("-pk")[:200]
    form = forms.DecisionForm(request.POST or None, request.FILES or None, movements=movements)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        issuer = _org_by_code(request.user, data.pop("issuer_code"), "register.manage")
        movement_id = data.pop("movement")
        movement = next((m for m in movements if m.pk == movement_id), None)
        if issuer is None:
            form.add_error("issuer_code", _("No unit you may manage has this code."))
        else:
            try:
                decision = services.decision_create(
                    actor=request.user, issuer=issuer, movement=movement, **data
                )
                messages.success(request, _("Decision %(n)s recorded.") % {"n": decision.number})
                return redirect("register:decision-detail", pk=decision.pk)
            except DomainError as exc:
                _form_error(form, exc)
    return render(request, "register/decision_form.html", {"form": form})


def _decision(request: HttpRequest, pk: int) -> Decision:
    decision = selectors.visible_decisions(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, "register.view")
    decision = _decision(request, pk)
    can_manage = permissions.can(request.user, "register.manage", decision)
    form = forms.RecordAddForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "register.manage", decision)
        if form.is_valid():
            try:
                _add_recipient(request, decision, form.cleaned_data)
                messages.success(request, _("Recipient added."))
                return redirect("register:decision-detail", pk=decision.pk)
            except DomainError as exc:
                _form_error(form, exc, {"recipient": "person_name"})
    records = (
        selectors.visible_records(request.user)
        .filter(decision=decision)
        .select_related("person__unit", "org", "unit")
        .order_by("pk")
    )
    totals = Record.objects.filter(decision=decision, revoked=False).aggregate(
        n=Count("pk"), amount=Sum("amount")
    )
    return render(
        request,
        "register/decision_detail.html",
        {
            "decision": decision,
            "page": paginate(request, records, per_page=50),
            "base_query": query_without(request, "page"),
            "totals": totals,
            "hidden": Record.objects.filter(decision=decision).count() - records.count(),
            "form": form,
            "can_manage": can_manage,
            "can_print": permissions.can(request.user, "certificate.print", decision.issuer),
        },
    )


def _add_recipient(request: HttpRequest, decision: Decision, data: dict[str, Any]) -> Record:
    unit = _org_by_code(request.user, data["unit_code"], "register.view")
    if unit is None:
        raise DomainError(_("No unit you may see has this code."), field="unit_code")
    if data["collective"]:
        return services.record_add(
            actor=request.user,
            decision=decision,
            code=data["code"],
            year=data["year"],
            org=unit,
            amount=data["amount"],
        )
    key = fold(data["person_name"])
    people = Person.objects.filter(name_key=key, unit__path__startswith=unit.path).select_related(
        "unit"
    )
    if data.get("birth_year"):
        people = people.filter(birth_year=data["birth_year"])
    found = list(people[:6])
    if not found:
        raise DomainError(
            _("Nobody of that name is registered in %(u)s; register the person first.")
            % {"u": unit.name},
            field="person_name",
        )
    if len(found) > 1:
        raise DomainError(
            _("Several people have that name: %(list)s. Give the birth year or a lower unit.")
            % {
                "list": "; ".join(
                    f"{p.full_name} ({p.birth_year or '?'}, {p.unit.name})" for p in found
                )
            },
            field="person_name",
        )
    return services.record_add(
        actor=request.user,
        decision=decision,
        code=data["code"],
        year=data["year"],
        person=found[0],
        amount=data["amount"],
    )


@login_required
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    record = (
        selectors.visible_records(request.user)
        .select_related("decision__issuer", "person__unit", "org")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    permissions.require(request.user, "register.manage", record)
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_revoke(actor=request.user, record=record, **form.cleaned_data)
            messages.success(request, _("The commendation was revoked; it stays in the history."))
            return redirect("register:decision-detail", pk=record.decision_id)
        except DomainError as exc:
            _form_error(form, exc)
    return render(request, "register/revoke_form.html", {"form": form, "record": record})


# --- eligibility ------------------------------------------------------------------------------------


def eligible_columns(
    target: str, year: int, personal: PersonalExport | None = None
) -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Full name"), lambda p: p.full_name, 28),
        XlsxColumn(_("Birth year"), lambda p: p.birth_year, 10),
        *(personal.columns(lambda p: p) if personal else []),
        XlsxColumn(_("Gender"), lambda p: p.get_gender_display(), 8),
        XlsxColumn(_("Position"), lambda p: p.position, 22),
        XlsxColumn(_("Unit code"), lambda p: p.unit.code, 14),
        XlsxColumn(_("Unit"), lambda p: p.unit.name, 36),
        XlsxColumn(_("Eligible for"), lambda p: f"{target} · {rules.NAMES[target]} ({year})", 40),
    ]


def unit_columns(target: str, year: int) -> list[XlsxColumn]:
    return [
        XlsxColumn(_("Unit code"), lambda o: o.code, 14),
        XlsxColumn(_("Unit"), lambda o: o.name, 40),
        XlsxColumn(_("Eligible for"), lambda o: f"{target} · {rules.NAMES[target]} ({year})", 40),
    ]


@login_required
def eligible_list(request: HttpRequest) -> HttpResponse:
    """Eligible for X in year Y in unit Z (with descendants), from the nightly sweep when it covered
    that year, otherwise computed set-based for the unit's subtree on the spot."""
    permissions.require(request.user, "register.view")
    year_now = timezone.localdate().year
    data = request.GET if "target" in request.GET else None
    form = forms.EligibleFilterForm(data, initial={"year": year_now - 1, "target": "CSTD_CS"})
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["target"]
        year = form.cleaned_data["year"]
        unit = None
        if form.cleaned_data["unit_code"]:
            unit = _org_by_code(request.user, form.cleaned_data["unit_code"], "register.view")
            if unit is None:
                form.add_error("unit_code", _("No unit you may see has this code."))
        if not form.errors:
            if year > year_now + 1:
                form.add_error("year", _("Eligibility is computed up to next year."))
            else:
                rows, source = _eligible(request.user, target, year, unit)
                if request.GET.get("format") == "xlsx":
                    individual = rules.TARGETS[target] == "individual"
                    personal = personal_export(request)
                    cols = (
                        eligible_columns(target, year, personal)
                        if individual
                        else unit_columns(target, year)
                    )
                    content = workbook_bytes(
                        title=_("Eligible"),
                        columns=cols,
                        rows=rows[:EXPORT_LIMIT].iterator(chunk_size=2000),
                        notes=[
                            f"{rules.NAMES[target]} — {year}",
                            str(source),
                            *(personal.notes() if individual else []),
                        ],
                    )
                    return xlsx_response(f"du-dieu-kien-{target}-{year}.xlsx", content)
                context.update(
                    searched=True,
                    target=target,
                    target_name=rules.NAMES[target],
                    year=year,
                    unit=unit,
                    source=source,
                    individual=rules.TARGETS[target] == "individual",
                    page=paginate(request, rows),
                    base_query=query_without(request, "page", "format", PERSONAL),
                    export_query=query_without(request, "format", "page", PERSONAL),
                    can_export_personal=rules.TARGETS[target] == "individual"
                    and may_export_personal(request.user),
                    quota=_quota(unit, target, year),
                )
    return render(request, "register/eligible_list.html", context)


def _eligible(user: Any, target: str, year: int, unit: Org | None) -> tuple[QuerySet[Any], str]:
    bit = rules.BITS[target]
    run = sweep.latest(year)
    individual = rules.TARGETS[target] == "individual"
    if individual:
        people = selectors.visible_people(user).select_related("unit")
        if unit is not None:
            people = people.filter(unit__path__startswith=unit.path)
        ids: Any
        if run is not None:
            ids = (
                PersonEligibility.objects.filter(year=year)
                .annotate(hit=bit_of("mask", bit))
                .filter(hit__gt=0)
                .values("person_id")
            )
            source = _("From the sweep of %(d)s (rule set %(r)s).") % {
                "d": timezone.localtime(run.finished_at).strftime("%d/%m/%Y %H:%M")
                if run.finished_at
                else "",
                "r": run.rule_set,
            }
        else:
            scope = (
                f"p.unit_id IN (SELECT id FROM orgs_org WHERE path LIKE '{_like(unit.path)}%')"  # noqa: S608
                if unit
                else ""
            )
            masks = sweep.person_masks(year, scope)
            ids = [pid for pid, m in masks.items() if m & bit]
            source = _("Computed now: no sweep has covered %(y)s yet.") % {"y": year}
        return people.filter(pk__in=ids).order_by("unit__name", "name_key", "pk"), source
    orgs = permissions.visible_orgs(user, "register.view")
    if unit is not None:
        orgs = orgs.filter(path__startswith=unit.path)
    uids: Any
    if run is not None:
        uids = (
            UnitEligibility.objects.filter(year=year)
            .annotate(hit=bit_of("mask", bit))
            .filter(hit__gt=0)
            .values("org_id")
        )
        source = _("From the sweep of %(d)s (rule set %(r)s).") % {
            "d": timezone.localtime(run.finished_at).strftime("%d/%m/%Y %H:%M")
            if run.finished_at
            else "",
            "r": run.rule_set,
        }
    else:
        uids = [oid for oid, m in sweep.unit_masks(year).items() if m & bit]
        source = _("Computed now: no sweep has covered %(y)s yet.") % {"y": year}
    return orgs.filter(pk__in=uids).order_by("name", "pk"), source


def _like(path: str) -> str:
    # Paths are made of digits and slashes ("/3/17/"); anything else is refused.
    if not all(ch.isdigit() or ch == "/" for ch in path):
        raise Http404
    return path


def bit_of(field: str, bit: int) -> Any:
    from django.db.models import F

    return F(field).bitand(bit)


def _quota(unit: Org | None, target: str, year: int) -> dict[str, Any] | None:
    """CSTĐ cơ sở ≤ a share of LĐTT, where the unit's ministry or province applies that ratio."""
    if target != "CSTD_CS" or unit is None:
        return None
    share = selectors.parameter_value(unit, "CSTD_CS_MAX_SHARE", rules.default_day(year))
    if share is None:
        return None
    ldtt = Record.objects.filter(
        code="LDTT", year=year, revoked=False, person__unit__path__startswith=unit.path
    ).count()
    return {"share": share * 100, "ldtt": ldtt, "max": int(share * ldtt)}


# --- initiatives ------------------------------------------------------------------------------------


def _visible_initiatives(user: Any) -> QuerySet[Initiative]:
    qs = Initiative.objects.select_related("recognised_by", "use")
    if permissions.sees_everything(user, "register.view"):
        return qs
    orgs = permissions.visible_orgs(user, "register.view")
    return qs.filter(Q(recognised_by__in=orgs) | Q(authors__unit__in=orgs)).distinct()


@login_required
def initiative_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.view")
    qs = _visible_initiatives(request.user).annotate(n_authors=Count("authors", distinct=True))
    q = fold(request.GET.get("q"))
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(authors__name_key__contains=q)).distinct()
    scope = request.GET.get("scope") or ""
    if scope in rules.SCOPES:
        qs = qs.filter(scope=scope)
    used = request.GET.get("used") or ""
    if used == "yes":
        qs = qs.filter(use__isnull=False)
    elif used == "no":
        qs = qs.filter(use__isnull=True)
    return render(
        request,
        "register/initiative_list.html",
        {
            "page": paginate(request, qs.order_by("-year", "code")),
            "q": request.GET.get("q", ""),
            "scope": scope,
            "used": used,
            "scopes": [(s, rules.SCOPE_NAMES[s]) for s in rules.SCOPES],
            "base_query": query_without(request, "page"),
            "can_manage": permissions.can(request.user, "register.manage"),
        },
    )


@login_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.manage")
    form = forms.InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        body = _org_by_code(request.user, data.pop("recognised_by_code"), "register.manage")
        if body is None:
            form.add_error("recognised_by_code", _("No unit you may manage has this code."))
        else:
            names = [n for n in (line.strip() for line in data.pop("authors").splitlines()) if n]
            authors, problems = _authors(body, names)
            for problem in problems:
                form.add_error("authors", problem)
            if not problems:
                try:
                    ini = services.initiative_create(
                        actor=request.user, recognised_by=body, authors=authors, **data
                    )
                    messages.success(request, _("Initiative %(c)s recorded.") % {"c": ini.code})
                    return redirect("register:initiative-detail", pk=ini.pk)
                except DomainError as exc:
                    _form_error(form, exc)
    return render(request, "register/initiative_form.html", {"form": form})


def _authors(body: Org, names: list[str]) -> tuple[list[Person], list[str]]:
    found: list[Person] = []
    problems: list[str] = []
    for name in names:
        matches = list(
            Person.objects.filter(
                name_key=fold(name), unit__path__startswith=body.path
            ).select_related("unit")[:5]
        )
        if len(matches) == 1:
            found.append(matches[0])
        elif not matches:
            problems.append(_("%(n)s: nobody of that name in %(u)s.") % {"n": name, "u": body.name})
        else:
            problems.append(
                _(
                    "%(n)s: several people of that name (%(list)s); record it from the person's page."
                )
                % {
                    "n": name,
                    "list": "; ".join(f"{p.unit.name}, {p.birth_year or '?'}" for p in matches),
                }
            )
    return found, problems


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, "register.view")
    ini = _visible_initiatives(request.user).filter(pk=pk).first()
    if ini is None:
        raise Http404
    can_manage = permissions.can(request.user, "register.manage", ini)
    use = InitiativeUse.objects.filter(initiative=ini).select_related("record__decision").first()
    form = forms.InitiativeUseForm(request.POST or None, initial={"year": ini.year})
    if request.method == "POST":
        permissions.require(request.user, "register.manage", ini)
        if form.is_valid():
            try:
                services.initiative_use(actor=request.user, initiative=ini, **form.cleaned_data)
                messages.success(request, _("The use of the initiative was recorded."))
                return redirect("register:initiative-detail", pk=ini.pk)
            except DomainError as exc:
                _form_error(form, exc, {"initiative": "code"})
    return render(
        request,
        "register/initiative_detail.html",
        {
            "ini": ini,
            "authors": ini.authors.select_related("unit"),
            "use": use,
            "form": form,
            "can_manage": can_manage and use is None,
        },
    )


# --- annual ratings ---------------------------------------------------------------------------------


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """A unit's annual ratings for a year: one row per person working there or rated there."""
    permissions.require(request.user, "register.rate")
    year_now = timezone.localdate().year
    form = forms.RatingsFilterForm(
        request.GET if "unit_code" in request.GET else None, initial={"year": year_now - 1}
    )
    context: dict[str, Any] = {"form": form, "unit": None}
    if form.is_bound and form.is_valid():
        unit = _org_by_code(request.user, form.cleaned_data["unit_code"], "register.rate")
        year = form.cleaned_data["year"]
        if unit is None:
            form.add_error("unit_code", _("No unit you may rate has this code."))
        elif year > year_now:
            form.add_error("year", _("The year cannot be in the future."))
        else:
            existing = {r.person_id: r for r in Rating.objects.filter(org=unit, year=year)}
            people = list(
                Person.objects.filter(Q(unit=unit) | Q(pk__in=list(existing))).order_by(
                    "name_key", "pk"
                )[:500]
            )
            unit_rating = UnitRating.objects.filter(org=unit, year=year).first()
            can_rate_unit = permissions.can(request.user, "register.manage", unit)
            if request.method == "POST" and "unit_rating" in request.POST:
                permissions.require(request.user, "register.manage", unit)
                try:
                    services.unit_rating_save(
                        actor=request.user, org=unit, year=year, rating=request.POST["unit_rating"]
                    )
                    messages.success(request, _("The unit's rating was saved."))
                    return redirect(f"{request.path}?{request.GET.urlencode()}")
                except DomainError as exc:
                    messages.error(request, exc.message)
            elif request.method == "POST":
                rows = []
                for p in people:
                    rows.append(
                        (
                            p,
                            request.POST.get(f"rating-{p.pk}", ""),
                            request.POST.get(f"discipline-{p.pk}", ""),
                        )
                    )
                try:
                    n = services.ratings_save(actor=request.user, org=unit, year=year, rows=rows)
                    messages.success(request, _("%(n)s ratings saved.") % {"n": n})
                    return redirect(f"{request.path}?{request.GET.urlencode()}")
                except DomainError as exc:
                    messages.error(request, exc.message)
            context.update(
                unit_rating=unit_rating,
                can_rate_unit=can_rate_unit,
                unit=unit,
                year=year,
                rows=[(p, existing.get(p.pk)) for p in people],
                rating_choices=forms.RATING_CHOICES,
                discipline_choices=forms.DISCIPLINE_CHOICES,
            )
    return render(request, "register/ratings.html", context)


# --- catalogue --------------------------------------------------------------------------------------


@login_required
def catalogue_page(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "register.view")
    can_set = permissions.can(request.user, "register.parameters")
    form = forms.ParameterForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "register.parameters")
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = _org_by_code(request.user, data.pop("org_code"), "register.parameters")
            if org is None:
                form.add_error(
                    "org_code", _("No ministry or province you may manage has this code.")
                )
            else:
                try:
                    services.parameter_set(actor=request.user, org=org, **data)
                    messages.success(request, _("Parameter saved."))
                    return redirect("register:catalogue")
                except DomainError as exc:
                    _form_error(form, exc, {"org": "org_code"})
    today = timezone.localdate()
    params = Parameter.objects.filter(
        org__in=permissions.visible_orgs(request.user, "register.view")
    ).select_related("org")
    names = catalogue.document_names()
    awards = [
        {
            "award": a,
            "documents": [names.get(d, d) for d in a.documents],
            "amount": catalogue.reward_amount(a.code, today) if a.reward_multiple else None,
        }
        for a in Award.objects.all()
    ]
    return render(
        request,
        "register/catalogue.html",
        {
            "awards": awards,
            "salaries": BaseSalary.objects.all(),
            "rule_sets": RuleSet.objects.all(),
            "parameters": params,
            "form": form,
            "can_set": can_set,
            "today": today,
        },
    )


def person_panel(person: Person, user: Any) -> dict[str, Any]:
    """What a person's page shows from the register: the timeline and this year's and next year's
    eligibility for every individual target."""
    year = timezone.localdate().year
    outlook = selectors.person_outlook(person, [year, year + 1])
    by_target: dict[str, dict[int, rules.Result]] = {}
    for item in outlook:
        by_target.setdefault(item["result"].target, {})[item["year"]] = item["result"]
    return {
        "timeline": selectors.person_timeline(person),
        "outlook_years": [year, year + 1],
        "outlook": [
            {
                "target": t,
                "name": rules.NAMES[t],
                "results": [by_target[t][y] for y in (year, year + 1)],
            }
            for t in selectors.INDIVIDUAL_TARGETS
        ],
        "can_manage_register": permissions.can(user, "register.manage", person),
    }


def unit_panel(org: Org) -> dict[str, Any]:
    return {"unit_timeline": selectors.unit_timeline(org)}
