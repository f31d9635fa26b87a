"""Pages of the Excel import of a decision's recipient list: the template, the upload, the progress
and summary of a job (polled by htmx while the worker runs), the review of uncertain people, and
the final apply. Every page asks core.permissions (register.manage on the decision), and a job is
seen only by the officer who uploaded it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import is_htmx
from people.models import Person
from register import importing, selectors
from register.import_models import MatchKind, RecipientImport, RecipientImportRow
from register.models import Decision

REVIEW_PER_PAGE = 50
NEW_PEOPLE_SHOWN = 200


class RecipientUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "Use the template; at most 10 MB. Any error rejects the whole file and changes nothing."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _decision(request: HttpRequest, pk: int) -> Decision:
    """A decision the user sees (404 otherwise) and may add recipients to (403 otherwise)."""
    decision = selectors.visible_decisions(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    permissions.require(request.user, "register.manage", decision)
    return decision


def _job(request: HttpRequest, pk: int) -> RecipientImport:
    """The user's own job (404 for anyone else's), on a decision they may still manage."""
    job = (
        RecipientImport.objects.select_related("decision__issuer")
        .filter(pk=pk, created_by_id=request.user.pk)
        .first()
    )
    if job is None:
        raise Http404
    permissions.require(request.user, "register.manage", job.decision)
    return job


def _too_large(request: HttpRequest) -> bool:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    return declared.isdigit() and int(declared) > settings.IMPORT_MAX_BYTES + 2**16


@login_required
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a recipient list for a decision; small files are checked at once."""
    decision = _decision(request, pk)
    if request.method == "POST" and _too_large(request):
        # Refuse before Django reads the body into memory or a temporary file.
        form = RecipientUploadForm(data={})
        form.is_valid()
        form.errors.clear()
        form.add_error(
            "file",
            _("The file is larger than %(size)s.")
            % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)},
        )
    else:
        form = RecipientUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = importing.import_create(
                    actor=request.user, decision=decision, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if importing.runs_in_background(job):
                    job_id = job.pk
                    transaction.on_commit(lambda: importing.validate_import.enqueue(job_id))
                    messages.info(
                        request,
                        _("The file has %(n)s rows; it is being checked in the background.")
                        % {"n": number_format(job.total_rows)},
                    )
                else:
                    job = importing.import_validate(job_id=job.pk)
                return redirect("register:import-detail", pk=job.pk)
    return render(
        request,
        "register/import_start.html",
        {"decision": decision, "form": form, "jobs": importing.jobs_for(request.user, decision)},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress (polled by htmx while the worker runs), errors and summary."""
    job = _job(request, pk)
    context: dict[str, Any] = {"job": job, "decision": job.decision}
    if job.status in (importing.Status.REVIEW, importing.Status.READY):
        context["unresolved"] = (
            importing.unresolved_rows(job) if job.status == importing.Status.REVIEW else 0
        )
        context["new_people"] = list(
            RecipientImportRow.objects.filter(job=job, match=MatchKind.NEW)
            .select_related("unit")
            .order_by("row")[:NEW_PEOPLE_SHOWN]
        )
    template = (
        "register/import_detail.html#progress"
        if is_htmx(request)
        else "register/import_detail.html"
    )
    return render(request, template, context)


@login_required
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The uncertain rows, a page at a time: the officer picks the person meant, or a new one."""
    job = _job(request, pk)
    if job.status not in (importing.Status.REVIEW, importing.Status.READY):
        return redirect("register:import-detail", pk=job.pk)
    rows = (
        RecipientImportRow.objects.filter(job=job, match=MatchKind.UNCERTAIN)
        .select_related("unit", "person")
        .order_by("row")
    )
    page = Paginator(rows, REVIEW_PER_PAGE).get_page(request.GET.get("page"))
    if request.method == "POST":
        choices: dict[int, str] = {}
        for key in request.POST:
            if key.startswith("row-") and key[4:].isdigit():
                choices[int(key[4:])] = request.POST.get(key, "")
        try:
            refused = importing.import_resolve(actor=request.user, job=job, choices=choices)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            for error in refused:
                messages.error(request, error.message)
            if not refused:
                messages.success(request, _("Your choices are saved."))
        job.refresh_from_db()
        if job.status == importing.Status.READY:
            return redirect("register:import-detail", pk=job.pk)
        return redirect(f"{request.path}?page={page.number}")
    ids = {pk for row in page.object_list for pk in (row.candidates or [])}
    people = Person.objects.filter(pk__in=ids).select_related("unit").in_bulk()
    items = [
        {
            "row": row,
            "candidates": [people[i] for i in (row.candidates or []) if i in people],
            "choice": "new" if row.create_new else str(row.person_id or ""),
        }
        for row in page.object_list
    ]
    return render(
        request,
        "register/import_review.html",
        {
            "job": job,
            "decision": job.decision,
            "page": page,
            "items": items,
            "unresolved": importing.unresolved_rows(job),
        },
    )


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the checked rows to the decision, all at once (large files in the background)."""
    job = _job(request, pk)
    try:
        job = importing.import_apply_start(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("register:import-detail", pk=job.pk)
    if importing.runs_in_background(job):
        job_id = job.pk
        transaction.on_commit(lambda: importing.apply_import.enqueue(job_id))
        messages.info(request, _("The recipients are being added in the background."))
    else:
        job = importing.import_apply(job_id=job.pk)
        level = messages.success if job.status == importing.Status.DONE else messages.error
        level(request, job.message)
    return redirect("register:import-detail", pk=job.pk)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The workbook to fill: the columns, two example rows, and notes with the codes."""
    permissions.require(request.user, "register.manage")
    columns, examples = importing.template_rows()
    xcols = [
        XlsxColumn(
            f"{c.header}{' *' if c.required else ''}", (lambda i: lambda row: row[i])(n), c.width
        )
        for n, c in enumerate(columns)
    ]
    content = workbook_bytes(
        title=_("Recipients"), columns=xcols, rows=examples, notes=importing.template_notes()
    )
    return xlsx_response("mau-danh-sach-khen-thuong.xlsx", content)
