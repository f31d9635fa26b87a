"""What the REST API's operations share: the error bodies and the error statuses each operation
documents, the page size and offset limits, and the input parser that refuses U+0000.

Every operation lists the 4xx statuses it can answer (`response={200: …, **errors(401, 404, 422)}`),
so the OpenAPI schema tells clients, and schemathesis checks, what comes back.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

# The largest value a database id or offset can hold (a signed 64-bit integer).
BIGINT_MAX = 2**63 - 1
# The longest search text: a name or a code, with room to spare (SQLite refuses LIKE patterns over
# 50,000 bytes, and a longer text finds nothing anyway).
SEARCH_MAX = 200


class ErrorOut(Schema):
    detail: str = Field(description="What is wrong, in the user's language")
    field: str | None = Field(None, description="The field at fault, when there is one")


class InvalidValueOut(Schema):
    loc: list[str | int] = Field(description="Where: query, path, body or form, then the field")
    msg: str
    type: str | None = None


class InvalidOut(Schema):
    detail: str = Field(description="Some values are not valid, in the user's language")
    errors: list[InvalidValueOut]


ERROR_SCHEMAS: dict[int, Any] = {
    400: ErrorOut,  # a rule forbids the change (DomainError)
    401: ErrorOut,  # no valid token or session
    403: ErrorOut,  # the user's roles do not allow it, or a session's CSRF check failed
    404: ErrorOut,  # no such object, or not visible to the user
    422: InvalidOut,  # the request's values are malformed
}


def errors(*codes: int) -> dict[int, Any]:
    """The documented error responses of an operation, for its `response={…}`."""
    return {code: ERROR_SCHEMAS[code] for code in codes}


class Pagination(LimitOffsetPagination):
    """limit/offset pages; an offset beyond what a database can count answers 422, not 500."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=BIGINT_MAX)


class BoundedPagination(Pagination):
    """limit/offset pages of a list too large to count in full (the national register): the count
    stops `AT_MOST` past the page's end, and `count_exact` says whether it got to the end."""

    AT_MOST = 500

    class Output(Schema):
        items: list[Any]
        count: int = Field(
            description="How many there are, counted at most 500 past the end of this page."
        )
        count_exact: bool = Field(
            description="False when counting stopped: there are more than `count`."
        )

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        most = min(offset + limit + self.AT_MOST, BIGINT_MAX - 1)  # a LIMIT PostgreSQL takes
        counted = queryset.all()[: most + 1].count()
        return {
            "items": queryset[offset : offset + limit],
            "count": min(counted, most),
            "count_exact": counted <= most,
        }


def nul_message() -> str:
    return _("Text cannot contain the character U+0000 (NUL).")


def nul_character_error(loc: list[str | int]) -> ValidationError:
    return ValidationError([{"loc": loc, "msg": nul_message(), "type": "nul_character"}])


def nul_at(value: Any, path: list[str | int]) -> list[str | int] | None:
    """Where a text inside parsed JSON holds U+0000, which PostgreSQL cannot store or compare."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return [*path, str(key)]
            found = nul_at(item, [*path, str(key)])
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_at(item, [*path, index])
            if found is not None:
                return found
    return None


class NulRefusingParser(Parser):
    """The default JSON and query parser, refusing any text with U+0000 (422 with the field)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        where = nul_at(data, ["body"])
        if where is not None:
            # ninja wraps parser errors in "Cannot parse request body"; thidua.api unwraps it.
            raise nul_character_error(where)
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        source = "query" if data is request.GET else "form"
        for key, value in result.items():
            texts = value if isinstance(value, list) else [value]
            if any(isinstance(text, str) and "\x00" in text for text in texts):
                raise nul_character_error([source, key])
        return result
