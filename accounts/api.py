"""API authentication (personal tokens and the browser session) and token endpoints."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie, HttpBearer

from accounts import services
from accounts.models import ApiToken


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

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


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


@router.get("/tokens", response=list[TokenOut], summary="List my API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return ApiToken.objects.filter(user_id=request.user.pk or 0).order_by("-created_at")


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = services.token_create(user=request.user, name=payload.name)  # type: ignore[arg-type]
    data = TokenOut.from_orm(token).dict()
    return Status(201, {**data, "token": secret})


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of my API tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    token = get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk)
    return services.token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
