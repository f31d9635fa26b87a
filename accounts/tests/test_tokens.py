"""Personal API tokens: only a hash is kept, revoked tokens stop working, each user keeps their own."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import token_authenticate, token_create, token_revoke
from core.errors import DomainError
from core.models import AuditEvent


def tokens_state() -> list[tuple[Any, ...]]:
    return sorted(ApiToken.objects.values_list("pk", "user_id", "name", "key_hash", "revoked_at"))


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


# --- services ----------------------------------------------------------------------------------


def test_it_stores_only_the_sha256_of_a_new_token(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="  thống kê  ")

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("td_")
    assert len(secret) > 40
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:10]
    assert stored.name == "thống kê"
    assert secret not in [str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()]


def test_it_gives_each_token_its_own_secret(outsider: User) -> None:
    secrets = {token_create(user=outsider, name=f"t{n}")[1] for n in range(5)}

    assert len(secrets) == 5


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_it_refuses_a_token_without_a_proper_name(outsider: User, name: str) -> None:
    with pytest.raises(DomainError) as exc:
        token_create(user=outsider, name=name)

    assert exc.value.field == "name"
    assert ApiToken.objects.count() == 0


def test_it_authenticates_the_owner_and_notes_the_use(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")

    assert token_authenticate(secret) == outsider
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_it_does_not_rewrite_the_last_use_within_a_minute(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    token_authenticate(secret)

    assert ApiToken.objects.get(pk=token.pk).last_used_at == recent


@pytest.mark.parametrize(
    "secret", ["", "td_", "td_not-a-real-token", "Bearer td_x", "xx_abcdefghijklmnopqrstuvwxyz"]
)
def test_it_refuses_an_unknown_secret(outsider: User, secret: str) -> None:
    token_create(user=outsider, name="script")

    assert token_authenticate(secret) is None


def test_it_refuses_a_stored_hash_used_as_a_secret(outsider: User) -> None:
    token, _ = token_create(user=outsider, name="script")

    assert token_authenticate(token.key_hash) is None
    assert token_authenticate("td_" + token.key_hash) is None


def test_it_refuses_a_revoked_token(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")

    token_revoke(user=outsider, token=token)

    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert token_authenticate(secret) is None


def test_it_refuses_the_token_of_a_deactivated_user(outsider: User) -> None:
    _, secret = token_create(user=outsider, name="script")
    User.objects.filter(pk=outsider.pk).update(is_active=False)

    assert token_authenticate(secret) is None


def test_it_refuses_to_revoke_someone_elses_token(outsider: User, viewer_bac_giang: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    before, events = tokens_state(), AuditEvent.objects.count()

    with pytest.raises(DomainError):
        token_revoke(user=viewer_bac_giang, token=token)

    assert tokens_state() == before
    assert AuditEvent.objects.count() == events
    assert token_authenticate(secret) == outsider


def test_it_refuses_to_revoke_twice(outsider: User) -> None:
    token, _ = token_create(user=outsider, name="script")
    token_revoke(user=outsider, token=token)
    before, events = tokens_state(), AuditEvent.objects.count()

    with pytest.raises(DomainError):
        token_revoke(user=outsider, token=token)

    assert tokens_state() == before
    assert AuditEvent.objects.count() == events


# --- API ---------------------------------------------------------------------------------------


def test_it_lets_a_bearer_token_use_the_api(viewer_bac_giang: User, bac_giang: Any) -> None:
    _, secret = token_create(user=viewer_bac_giang, name="script")

    response = Client().get("/api/v1/orgs", headers=bearer(secret))

    assert response.status_code == 200
    assert [o["code"] for o in response.json()["items"]] == ["24"]


@pytest.mark.parametrize(
    "header", ["Bearer td_wrong", "Bearer ", "Token td_x", "Basic dXNlcjpwYXNz"]
)
def test_it_answers_401_to_a_bad_authorization_header(outsider: User, header: str) -> None:
    response = Client().get("/api/v1/tokens", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_it_answers_401_to_anonymous_token_calls(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    before = tokens_state()
    client = Client()

    responses = [
        client.get("/api/v1/tokens"),
        client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json"),
        client.delete(f"/api/v1/tokens/{token.pk}"),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert all(list(r.json()) == ["detail"] for r in responses)
    assert tokens_state() == before
    assert token_authenticate(secret) == outsider


def test_it_answers_400_to_a_blank_token_name(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)

    response = client.post("/api/v1/tokens", {"name": "  "}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["field"] == "name"
    assert ApiToken.objects.count() == 0


def test_it_answers_401_to_a_revoked_token(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    token_revoke(user=outsider, token=token)

    response = Client().get("/api/v1/tokens", headers=bearer(secret))

    assert response.status_code == 401


def test_it_creates_a_token_through_the_api_and_shows_the_secret_once(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)

    created = client.post("/api/v1/tokens", {"name": "báo cáo"}, content_type="application/json")

    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "báo cáo"
    assert body["token"].startswith(body["prefix"])
    assert token_authenticate(body["token"]) == outsider
    listed = client.get("/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]]
    assert "token" not in listed[0]
    assert body["token"] not in client.get("/api/v1/tokens").content.decode()


def test_it_lists_only_my_tokens(outsider: User, viewer_bac_giang: User) -> None:
    _, secret = token_create(user=outsider, name="mine")
    token_create(user=viewer_bac_giang, name="theirs")

    response = Client().get("/api/v1/tokens", headers=bearer(secret))

    assert [t["name"] for t in response.json()] == ["mine"]


def test_it_revokes_my_token_through_the_api(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    client = Client()
    client.force_login(outsider)

    response = client.delete(f"/api/v1/tokens/{token.pk}")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert token_authenticate(secret) is None


def test_it_answers_400_when_revoking_a_revoked_token(outsider: User) -> None:
    token, _ = token_create(user=outsider, name="script")
    token_revoke(user=outsider, token=token)
    before = tokens_state()
    client = Client()
    client.force_login(outsider)

    response = client.delete(f"/api/v1/tokens/{token.pk}")

    assert response.status_code == 400
    assert tokens_state() == before


def test_it_hides_someone_elses_token_from_revocation(
    outsider: User, viewer_bac_giang: User
) -> None:
    theirs, their_secret = token_create(user=viewer_bac_giang, name="theirs")
    _, my_secret = token_create(user=outsider, name="mine")
    before, events = tokens_state(), AuditEvent.objects.count()

    response = Client().delete(f"/api/v1/tokens/{theirs.pk}", headers=bearer(my_secret))

    assert response.status_code == 404
    assert tokens_state() == before
    assert AuditEvent.objects.count() == events
    assert token_authenticate(their_secret) == viewer_bac_giang


def test_it_refuses_a_session_post_without_csrf_token(outsider: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)

    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_it_needs_no_csrf_token_with_a_bearer_token(outsider: User) -> None:
    _, secret = token_create(user=outsider, name="script")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/tokens",
        {"name": "second"},
        content_type="application/json",
        headers=bearer(secret),
    )

    assert response.status_code == 201
    assert ApiToken.objects.filter(user=outsider).count() == 2


# --- pages -------------------------------------------------------------------------------------


def test_it_shows_a_new_secret_on_the_page_only_once(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)

    created = client.post(reverse("accounts:token-list"), {"name": "script"})

    token = ApiToken.objects.get(user=outsider)
    secret = created.context["secret"]
    assert created.status_code == 200
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret in created.content.decode()
    assert secret not in client.get(reverse("accounts:token-list")).content.decode()


def test_it_shows_a_form_error_for_a_blank_token_name(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)

    response = client.post(reverse("accounts:token-list"), {"name": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.count() == 0


def test_it_revokes_my_token_from_the_page(outsider: User) -> None:
    token, secret = token_create(user=outsider, name="script")
    client = Client()
    client.force_login(outsider)

    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:token-list")
    assert token_authenticate(secret) is None


def test_it_hides_someone_elses_token_on_the_revoke_page(
    outsider: User, viewer_bac_giang: User
) -> None:
    theirs, _ = token_create(user=viewer_bac_giang, name="theirs")
    before, events = tokens_state(), AuditEvent.objects.count()
    client = Client()
    client.force_login(outsider)

    response = client.post(reverse("accounts:token-revoke", args=[theirs.pk]))

    assert response.status_code == 404
    assert tokens_state() == before
    assert AuditEvent.objects.count() == events


def test_it_revokes_only_by_post(outsider: User) -> None:
    token, _ = token_create(user=outsider, name="script")
    client = Client()
    client.force_login(outsider)

    response = client.get(reverse("accounts:token-revoke", args=[token.pk]))

    assert response.status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
