"""The working-day calendar and the levels' time limits: read by everyone with a role for
dossiers, kept by the system administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.listing import id_param
from dossiers import forms, rules, selectors, services
from dossiers.models import Holiday, LevelRule
from dossiers.views import form_error


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The holidays of a year and the levels' time limits: read by everyone with a role for
    dossiers, kept by the system administrators."""
    permissions.require(request.user, "dossier.view")
    can_edit = permissions.can(request.user, "dossier.calendar")
    today = timezone.localdate()
    year = id_param(request, "year") or today.year
    if not forms.MIN_YEAR <= year <= forms.MAX_YEAR:
        year = today.year
    holiday_initial: dict[str, Any] = {}
    day = _iso_day(request.GET.get("day", ""))
    listed = Holiday.objects.filter(day=day).first() if day else None
    if listed is not None:
        holiday_initial = {
            "day": listed.day,
            "name": listed.name,
            "working": listed.working,
            "note": listed.note,
        }
    rule_initial: dict[str, Any] = {}
    level = request.GET.get("level", "")
    rule = LevelRule.objects.filter(level=level).first() if level else None
    if rule is not None:
        rule_initial = {
            "level": rule.level,
            "appraisal_days": rule.appraisal_days,
            "public_comment": rule.public_comment,
            "comment_days": rule.comment_days,
            "legal_basis": rule.legal_basis,
        }
    posted = request.POST if request.method == "POST" else None
    holiday_form = forms.HolidayForm(
        posted if posted and "holiday" in posted else None, initial=holiday_initial, prefix="h"
    )
    rule_form = forms.LevelRuleForm(
        posted if posted and "level_rule" in posted else None, initial=rule_initial, prefix="l"
    )
    if request.method == "POST":
        permissions.require(request.user, "dossier.calendar")
        form: Any = holiday_form if "holiday" in request.POST else rule_form
        if form.is_bound and form.is_valid():
            try:
                if form is holiday_form:
                    saved = services.holiday_save(actor=request.user, **form.cleaned_data)
                    messages.success(
                        request, _("%(d)s is saved in the calendar.") % {"d": str(saved)}
                    )
                    return redirect(f"{reverse('dossiers:calendar')}?year={saved.day.year}")
                services.level_rule_save(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The time limits are saved."))
                return redirect(f"{reverse('dossiers:calendar')}?year={year}#limits")
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "dossiers/calendar.html",
        {
            "year": year,
            "years": list(range(today.year - 2, today.year + 3)),
            "holidays": list(Holiday.objects.filter(day__year=year).order_by("day")),
            "rules": sorted(LevelRule.objects.all(), key=lambda r: rules.level_index(r.level)),
            "missing_years": selectors.years_without_holidays([today.year, today.year + 1]),
            "can_edit": can_edit,
            "holiday_form": holiday_form,
            "rule_form": rule_form,
        },
    )


def _iso_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(request.user, "dossier.calendar")
    holiday = Holiday.objects.filter(pk=pk).first()
    if holiday is None:
        raise Http404
    services.holiday_delete(actor=request.user, holiday=holiday)
    messages.success(request, _("%(d)s is removed from the calendar.") % {"d": str(holiday)})
    return redirect(f"{reverse('dossiers:calendar')}?year={holiday.day.year}")
