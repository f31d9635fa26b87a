"""The document service's entry point for other apps: a registered kind of document rendered from
its context, in DOCX or PDF, with the issuing organisation's replacement template when it (or a
unit above it) has one, else the kind's built-in layout.

    content, content_type, filename = render_kind("cluster_yearend", context, fmt="pdf", org=org)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from documents import docx_html, registry, render, selectors, templating
from documents.models import DocumentTemplate
from orgs.models import Org

logger = logging.getLogger(__name__)
FORMATS = ("docx", "pdf")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


def template_fill(
    template: DocumentTemplate, context: Mapping[str, Any], *, fmt: str, filename: str
) -> tuple[bytes, str, str]:
    """A replacement template filled with `context`, as DOCX or (laid out from it) PDF."""
    _check_format(fmt)
    with template.file.open("rb") as handle:
        content = templating.fill(handle.read(), context)
    if fmt == "docx":
        return content, render.DOCX_TYPE, f"{filename}.docx"
    page = docx_html.convert(content)
    return render.pdf_from_html(page), render.PDF_TYPE, f"{filename}.pdf"


def render_builtin(key: str, context: Mapping[str, Any], *, fmt: str) -> tuple[bytes, str, str]:
    """A kind's built-in layout filled with `context`."""
    _check_format(fmt)
    kind = registry.get(key)
    document = kind.build(context)
    if fmt == "docx":
        return render.docx(document), render.DOCX_TYPE, f"{document.filename}.docx"
    content = kind.pdf(context) if kind.pdf is not None else render.pdf(document)
    return content, render.PDF_TYPE, f"{document.filename}.pdf"


def render_kind(
    key: str, context: Mapping[str, Any], *, fmt: str = "docx", org: Org | None = None
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a document of kind `key` issued by `org`.

    The organisation's template (or the nearest one above it) is used when there is one; should
    it fail on this context (a file gone missing, a value the template cannot print), the
    built-in layout is used and the failure logged, so the user still gets the document."""
    _check_format(fmt)
    kind = registry.get(key)
    template = selectors.template_for(org=org, kind=key)
    if template is not None:
        filename = kind.build(context).filename
        try:
            return template_fill(template, context, fmt=fmt, filename=filename)
        except Exception:
            logger.exception(
                "document template #%s (%s, org %s) failed; using the built-in layout",
                template.pk,
                key,
                template.org_id,
            )
    return render_builtin(key, context, fmt=fmt)
