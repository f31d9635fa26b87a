"""List pages: pagination, query-string helpers and the htmx partial, shared by every list view."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PER_PAGE = 25
# A bounded count goes at most this far to reach the requested page (pages beyond are the last).
DEEPEST = 100_000


def paginate(
    request: HttpRequest, qs: Any, per_page: int = PER_PAGE, *, most: int | None = None
) -> Page:
    """The requested page of `qs`. With `most`, rows are counted only up to `most` (or up to the
    requested page, when further, within DEEPEST) and one more: enough to tell that there are
    more and to go on to the next page, on lists too long to count on every request
    (BoundedPaginator)."""
    number = request.GET.get("page")
    if most is None:
        return Paginator(qs, per_page).get_page(number)
    try:
        wanted = max(1, int(str(number)))
    except ValueError:
        wanted = 1
    bound = max(most, min(wanted * per_page, DEEPEST))
    return BoundedPaginator(qs, per_page, bound=bound).get_page(number)


class BoundedPaginator(Paginator):
    """A paginator that counts at most `bound` rows and one more. `more` says whether the list goes
    beyond `bound`; its pages then end at the one after the bound, and `count` is `bound` + 1."""

    def __init__(self, object_list: Any, per_page: int, *, bound: int) -> None:
        super().__init__(object_list, per_page)
        self.bound = bound

    @cached_property
    def count(self) -> int:
        # In the list's order, as its pages are read: the count follows the same index and stops
        # at the bound (without an order, the database guesses where rows are, and may be wrong).
        head = self.object_list[: self.bound + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)

    @property
    def more(self) -> bool:
        return self.count > self.bound


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
