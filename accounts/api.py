"""API authentication (personal tokens and the browser session) and token endpoints."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie, HttpBearer

from accounts import services
from accounts.models import ApiToken
from core.api import errors


class TokenAuth(HttpBearer):
    """`Authorization: Bearer td_…` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a signed-in session is CSRF-checked: a stale or forged cookie with a missing or
        # revoked token is unauthenticated (401), not a failed CSRF check (403).
        if not self._signed_in(request):
            return None
        return super()._get_key(request)

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and user.is_active)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if self._signed_in(request) else None


router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str


class TokenIn(Schema):
    name: str


@router.get("/tokens", response={200: list[TokenOut], **errors(401)}, summary="List my API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user_id=request.user.pk or 0).order_by("-created_at")


@router.post(
    "/tokens",
    response={201: TokenCreated, **errors(400, 401, 403, 422)},
    summary="Create an API token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = services.token_create(user=request.user, name=payload.name)  # type: ignore[arg-type]
    data = TokenOut.from_orm(token).dict()
    return Status(201, {**data, "token": secret})


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **errors(400, 401, 403, 404, 422)},
    summary="Revoke one of my API tokens",
)
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk)
    return services.token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
