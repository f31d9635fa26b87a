"""List pages: pagination, query-string helpers and the htmx partial, shared by every list view."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, qs: Any, per_page: int = PER_PAGE) -> Page:
    paginator = Paginator(qs, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string minus some keys (to build sort and page links)."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def id_param(request: HttpRequest, name: str) -> int | None:
    """A database id from the query string, or None when absent or malformed (never a 500)."""
    value = request.GET.get(name, "")
    if value.isascii() and value.isdigit() and 0 < len(value) <= 18:
        return int(value)
    return None


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
