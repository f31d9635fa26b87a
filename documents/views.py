"""Pages of the document service: the kinds of generated document with their fields, the
built-in layout on example data, a starting template to edit, and each organisation's
replacement templates (upload, try, download, remove). For commendation officers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from documents import forms, registry, selectors, service, services, starters
from documents import render as renderer
from documents.models import DocumentTemplate
from documents.registry import Kind

HISTORY = 20  # retired templates shown on a kind's page


def _kind(key: str) -> Kind:
    try:
        return registry.get(key)
    except LookupError as exc:
        raise Http404 from exc


def _format(fmt: str) -> str:
    if fmt not in service.FORMATS:
        raise Http404
    return fmt


def _template(request: HttpRequest, pk: int) -> DocumentTemplate:
    try:
        return selectors.template_get(user=request.user, pk=pk)
    except DocumentTemplate.DoesNotExist as exc:
        raise Http404 from exc


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def field_rows(spec: Kind) -> list[dict[str, Any]]:
    """The fields as a template writes them: a value's tag, a list's loop and its rows' tags."""
    rows: list[dict[str, Any]] = []
    for f in spec.fields:
        if not f.is_list:
            rows.append(
                {"tags": [f.tag], "label": f.label, "example": str(f.example), "is_list": False}
            )
            continue
        rows.append({"tags": list(f.loop_tags), "label": f.label, "example": "", "is_list": True})
        for c in f.children:
            rows.append(
                {
                    "tags": [f.child_tag(c)],
                    "label": f"{f.label} › {c.label}",
                    "example": "" if c.is_list else str(c.example),
                    "is_list": False,
                }
            )
    return rows


@login_required
def kind_list(request: HttpRequest) -> HttpResponse:
    """Every kind of generated document, with how many of the user's units replaced its layout."""
    permissions.require(request.user, "document.template")
    counts = selectors.current_counts(user=request.user)
    rows = [
        {"kind": kind, "count": counts.get(kind.key, 0)}
        for kind in sorted(registry.kinds(), key=lambda k: str(k.name))
    ]
    return render(request, "documents/kind_list.html", {"rows": rows})


@login_required
def kind_detail(request: HttpRequest, kind: str) -> HttpResponse:
    """A kind's fields, its layouts, and the form to upload a unit's replacement template."""
    permissions.require(request.user, "document.template")
    spec = _kind(kind)
    home = selectors.home_org(user=request.user)
    form = forms.UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"org_code": home.code if home else ""},
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["org_code"]
        org = permissions.visible_orgs(request.user, "document.template").filter(code=code).first()
        if org is None:
            form.add_error(
                "org_code",
                _("No unit whose templates you may manage has the code %(c)s.") % {"c": code},
            )
        else:
            try:
                template = services.template_upload(
                    actor=request.user, org=org, kind=spec.key, upload=form.cleaned_data["file"]
                )
                messages.success(
                    request,
                    _("“%(n)s” is now the template of %(o)s.")
                    % {"n": template.name, "o": org.name},
                )
                return redirect("documents:kind-detail", kind=spec.key)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context = {
        "kind": spec,
        "field_rows": field_rows(spec),
        "form": form,
        "current": list(selectors.template_list(user=request.user, kind=spec.key)),
        "history": list(
            selectors.template_list(user=request.user, kind=spec.key, current=False).order_by(
                "-retired_at"
            )[:HISTORY]
        ),
    }
    return render(request, "documents/kind_detail.html", context)


@login_required
def kind_sample(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The built-in layout filled with the fields' examples."""
    permissions.require(request.user, "document.template")
    spec, fmt = _kind(kind), _format(fmt)
    content, content_type, filename = service.render_builtin(
        spec.key, spec.example_context(), fmt=fmt
    )
    return _attachment(content, content_type, f"mau-{filename}")


@login_required
def kind_starter(request: HttpRequest, kind: str) -> HttpResponse:
    """A DOCX to start a template from: the built-in layout with the tags in place."""
    permissions.require(request.user, "document.template")
    spec = _kind(kind)
    return _attachment(starters.starter(spec), renderer.DOCX_TYPE, f"mau-{spec.key}.docx")


@login_required
def template_download(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded template as it was uploaded."""
    permissions.require(request.user, "document.template")
    template = _template(request, pk)
    try:
        handle = template.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=template.name, content_type=renderer.DOCX_TYPE
    )


@login_required
def template_preview(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """An uploaded template filled with the fields' examples, as DOCX or PDF."""
    permissions.require(request.user, "document.template")
    template, fmt = _template(request, pk), _format(fmt)
    spec = _kind(template.kind)
    try:
        content, content_type, filename = service.template_fill(
            template, spec.example_context(), fmt=fmt, filename=f"xem-thu-{spec.key}"
        )
    except FileNotFoundError as exc:
        raise Http404 from exc
    return _attachment(content, content_type, filename)


@login_required
@require_POST
def template_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a unit's template: its documents go back to the layout above it or the built-in."""
    permissions.require(request.user, "document.template")
    template = _template(request, pk)
    try:
        services.template_remove(actor=request.user, template=template)
        messages.success(
            request,
            _("%(o)s's template removed; its documents use the layout above it again.")
            % {"o": template.org.name},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("documents:kind-detail", kind=template.kind)
