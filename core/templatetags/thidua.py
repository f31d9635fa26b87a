"""Template helpers: sortable column headers and audit values."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str, css: str = "") -> str:
    """A <th> whose link sorts by `field`, toggling the direction; announces the current order."""
    request: HttpRequest = context["request"]
    current = request.GET.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["sort"] = f"-{field}"
        state, arrow = "ascending", " ▲"
    elif current == f"-{field}":
        params["sort"] = field
        state, arrow = "descending", " ▼"
    else:
        params["sort"] = field
        state, arrow = "none", ""
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="?{}" hx-get="?{}" hx-target="#results" '
        'hx-push-url="true" title="{}">{}{}</a></th>',
        css,
        state,
        params.urlencode(),
        params.urlencode(),
        _("Sort by this column"),
        label,
        arrow,
    )


@register.filter
def audit_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        y, m, d = value.split("-")
        return f"{d}/{m}/{y}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@register.filter
def field_label(field: str, object_type: str) -> str:
    """An audited field's name as the interface calls it (the model field's verbose name)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(field).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field


@register.filter
def action_label(code: str) -> str:
    from core.audit_catalogue import describe

    return describe(code)
