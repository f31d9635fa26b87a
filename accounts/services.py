"""Writes to accounts: users, roles, API tokens; each one audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Membership, Role, User
from core import permissions
from core.audit import audit_log
from core.errors import DomainError

TOKEN_PREFIX = "td_"  # noqa: S105 - a prefix, not a secret


def token_hash(secret: str) -> str:
    """What is stored of a token: its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str | None, full_name: str = "", email: str = ""
) -> User:
    """Open an account (the password is hashed with Argon2)."""
    if User.objects.filter(username=username).exists():
        raise DomainError(_("This user name is taken."), field="username")
    user = User(username=username, full_name=full_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log(
        actor=actor,
        action="accounts.user.created",
        obj=user,
        changes={"username": [None, username], "full_name": [None, full_name]},
    )
    return user


@transaction.atomic
def membership_grant(*, actor: Any, user: User, role: str, org: Any | None) -> Membership:
    """Give a user a role in an organisation (or everywhere, for a system administrator)."""
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if role != Role.ADMIN and org is None:
        raise DomainError(_("Choose the organisation for this role."), field="org")
    if role == Role.ADMIN and org is not None:
        raise DomainError(_("A system administrator's role covers the whole system."), field="org")
    membership, created = Membership.objects.get_or_create(user=user, org=org, role=role)
    if created:
        audit_log(
            actor=actor,
            action="accounts.role.granted",
            obj=membership,
            org_id=org.pk if org else None,
            changes={
                "user": [None, user.username],
                "role": [None, role],
                "org": [None, org.pk if org else None],
            },
        )
    permissions.forget(user)
    return membership


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Choose the interface language (a preference, not audited)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Unknown language."), field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; returns it and its secret, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    if len(name) > 100:
        raise DomainError(_("The name is too long."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:10], key_hash=token_hash(secret)
    )
    audit_log(
        actor=user,
        action="accounts.token.created",
        obj=token,
        changes={"name": [None, name], "prefix": [None, token.prefix]},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != user.pk:
        raise DomainError(_("This token belongs to someone else."))
    if token.revoked_at is not None:
        raise DomainError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_log(
        actor=user,
        action="accounts.token.revoked",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at]},
    )
    return token


def token_authenticate(secret: str) -> User | None:
    """The active user behind an active token, or None; records when it was last used."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
