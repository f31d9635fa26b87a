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


def _model_field(field: str, object_type: str) -> Any:
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        return apps.get_model(object_type)._meta.get_field(field)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


@register.filter
def field_label(field: str, object_type: str) -> str:
    """An audited field's name as the interface calls it."""
    from core.audit_catalogue import EXTRA_FIELDS

    model_field = _model_field(field, object_type)
    if model_field is not None and hasattr(model_field, "verbose_name"):
        return str(model_field.verbose_name)
    return str(EXTRA_FIELDS.get(field, field))


@register.simple_tag(takes_context=True)
def audit_display(context: Any, event: Any, field: str, value: Any) -> str:
    """A recorded value as a reader wants it: unit names, choice labels, dd/mm/yyyy dates."""
    # The view puts the page's unit names in the context (one query); anything else is looked up.
    names = context.get("audit_org_names")
    if names is None:
        names = context.render_context.setdefault("audit_org_names", {})
    return display_value(event, field, value, names)


def display_value(event: Any, field: str, value: Any, cache: dict[int, str | None]) -> str:
    from core.audit_catalogue import ORG_FIELDS

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(display_value(event, field, item, cache) for item in value)
    if isinstance(value, dict):  # e.g. a report's figures: target id → value
        return "; ".join(
            f"{key}: {display_value(event, field, item, cache)}" for key, item in value.items()
        )
    if field in ORG_FIELDS and isinstance(value, int):
        from orgs.models import Org

        if value not in cache:
            cache[value] = Org.objects.filter(pk=value).values_list("name", flat=True).first()
        return cache[value] or f"#{value}"
    model_field = _model_field(field, event.object_type)
    choices = dict(getattr(model_field, "choices", None) or [])
    if value in choices:
        return str(choices[value])
    return audit_value(value)


@register.filter
def get_field_label(form: Any, name: str) -> str:
    field = form.fields.get(name)
    return str(field.label) if field is not None else name


@register.filter
def action_label(code: str) -> str:
    from core.audit_catalogue import describe

    return describe(code)


@register.filter
def vn_number(value: Any) -> str:
    """A stored number as the interface writes it: 1.650 · 8,1 (no trailing zeros); — when empty."""
    from decimal import Decimal, InvalidOperation

    from core.text import number_input

    if value is None or value == "":
        return "—"
    try:
        return number_input(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def vn_points(value: Any) -> str:
    """Points rounded half-up to hundredths, written as the interface writes numbers: 19,41."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    if value is None or value == "":
        return "—"
    try:
        return vn_number(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return str(value)
