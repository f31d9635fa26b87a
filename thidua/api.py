"""The REST API under /api/v1: token or session authentication, JSON errors with a message."""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import SessionAuth, TokenAuth
from accounts.api import router as accounts_router
from clusters.api import router as clusters_router
from core.api import NulRefusingParser
from core.errors import DomainError
from dossiers.api import router as dossiers_router
from movements.api import router as movements_router
from orgs.api import router as orgs_router
from people.api import router as people_router
from register.api import router as register_router
from scoring.api import router as scoring_router
from votes.api import router as votes_router

api = NinjaAPI(
    title="Thi đua API",
    version="1",
    description="Emulation and commendation register. Authenticate with a personal token "
    "(`Authorization: Bearer td_…`) or the browser session. Every error answers JSON with a "
    "`detail` in the user's language: 400 when a rule refuses the change (`field` names the field "
    "at fault), 401, 403, 404, and 422 for values that are not valid (`errors` lists each, with "
    "where it is). Text may not contain the character U+0000.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=NulRefusingParser(),
)
api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", accounts_router)
api.add_router("/", clusters_router)
api.add_router("/", movements_router)
api.add_router("/", scoring_router)
api.add_router("/", votes_router)
api.add_router("/", register_router)
api.add_router("/", dossiers_router)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Sign in or send a valid API token.")}, status=401
    )


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Your roles do not allow this action.")}, status=403
    )


@api.exception_handler(Http404)
def on_missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Some values are not valid."), "errors": exc.errors}, status=422
    )


def _invalid_request(
    request: HttpRequest, exc: Exception, where: str, message: str
) -> HttpResponse:
    # Logged where Django logs these suspicious requests when it answers them itself.
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
    return api.create_response(
        request,
        {
            "detail": _("Some values are not valid."),
            "errors": [{"loc": [where], "msg": message, "type": "request_too_large"}],
        },
        status=422,
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django's own answer would be an HTML 400 page.
    return _invalid_request(request, exc, "body", _("The request body is too large."))


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def on_too_many(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _invalid_request(
        request, exc, "query", _("The request has too many parameters or files.")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ValidationError):
        # The parser refused a value inside a body it could read (U+0000 in a text).
        return on_invalid(request, exc.__cause__)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # A body that is not JSON: the same 422 as any other invalid input, in the user's language.
        return api.create_response(
            request,
            {
                "detail": _("Some values are not valid."),
                "errors": [{"loc": ["body"], "msg": _("The request body is not valid JSON.")}],
            },
            status=422,
        )
    if exc.status_code == 403:
        # ninja's only 403: the CSRF check of a signed-in session (a page's script without the
        # CSRF token); its own message is English. The same words as the refused-form page.
        detail = _(
            "For your safety, the form was refused: its security check has expired or is "
            "missing. Nothing was changed."
        )
        return api.create_response(request, {"detail": detail}, status=403)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
