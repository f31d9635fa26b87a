"""Excel import pages: the template, the upload, and the job's progress and row-by-row report."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core import permissions
from core.errors import DomainError
from core.excel import XlsxColumn, workbook_bytes, xlsx_response
from core.listing import is_htmx
from imports import services
from imports.forms import UploadForm
from imports.models import ImportJob, ImportKind
from imports.tasks import run_import

ACTION: dict[str, str] = {ImportKind.ORGS: "org.import", ImportKind.PEOPLE: "person.import"}


def _may_import(request: HttpRequest) -> list[str]:
    return [kind for kind, action in ACTION.items() if permissions.can(request.user, action)]


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    kinds = _may_import(request)
    if not kinds:
        permissions.require(request.user, "person.import")
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (
        request.method == "POST"
        and declared.isdigit()
        and int(declared) > settings.IMPORT_MAX_BYTES + 2**16
    ):
        # Refuse before Django reads the body into memory or a temporary file.
        form = UploadForm(data={})
        form.is_valid()
        form.errors.clear()
        form.add_error(
            "file",
            _("The file is larger than %(size)s.")
            % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)},
        )
        jobs = ImportJob.objects.filter(created_by_id=request.user.pk).order_by("-created_at")[:20]
        return render(
            request, "imports/job_list.html", {"form": form, "jobs": jobs, "kinds": kinds}
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    kind_field = form.fields["kind"]
    assert isinstance(kind_field, forms.ChoiceField)
    kind_field.choices = [c for c in ImportKind.choices if c[0] in kinds]
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            job = services.import_job_create(
                actor=request.user, kind=kind, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if services.import_job_runs_in_background(job):
                transaction.on_commit(lambda: run_import.enqueue(job.pk))
                messages.info(
                    request,
                    _("The file has %(n)s rows; it is being imported in the background.")
                    % {"n": number_format(job.total_rows)},
                )
            else:
                job = services.import_job_run(job_id=job.pk)
                level = messages.success if job.status == "done" else messages.error
                level(request, job.message)
            return redirect("imports:job-detail", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by_id=request.user.pk).order_by("-created_at")[:20]
    return render(request, "imports/job_list.html", {"form": form, "jobs": jobs, "kinds": kinds})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress (polled by htmx while it runs) and its report."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=request.user.pk).first()
    if job is None:
        raise Http404
    permissions.require(request.user, ACTION[job.kind])
    template = "imports/job_detail.html#progress" if is_htmx(request) else "imports/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ACTION:
        raise Http404
    permissions.require(request.user, ACTION[kind])
    columns, examples = services.template_rows(kind)
    xcols = [
        XlsxColumn(
            f"{c.header}{' *' if c.required else ''}", (lambda i: lambda row: row[i])(n), c.width
        )
        for n, c in enumerate(columns)
    ]
    notes = [
        _("Fill one row per record under the header; delete the example row."),
        _("Columns marked * are required. Dates as dd/mm/yyyy."),
        _(
            "Any error rejects the whole file and changes nothing; duplicates are reported and skipped."
        ),
    ]
    if kind == ImportKind.PEOPLE:
        notes.append(
            _(
                "Gender: Nam or Nữ. Category: Lãnh đạo, quản lý / Người lao động trực tiếp / Công chức, viên chức, người lao động."
            )
        )
    else:
        from orgs.models import OrgKind

        notes.append(
            _("Kind of unit: one of")
            + " "
            + "; ".join(str(label) for _code, label in OrgKind.choices)
        )
    content = workbook_bytes(title=_("Data"), columns=xcols, rows=examples, notes=notes)
    return xlsx_response(
        f"mau-nhap-{'don-vi' if kind == ImportKind.ORGS else 'ca-nhan'}.xlsx", content
    )
