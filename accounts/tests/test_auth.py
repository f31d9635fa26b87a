"""Signing in and out: Argon2 hashes, lock-out after repeated failures, password reset, language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hashers
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.services import token_create, user_create
from conftest import PASSWORD, make_user

LOGIN = reverse("accounts:login")


@pytest.fixture
def lan(db: Any) -> User:
    user = make_user("lan")
    user.email = "lan@example.vn"
    user.save()
    return user


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_hashes_passwords_with_argon2(db: Any) -> None:
    # The suite runs a cheaper Argon2 (core.hashers); production's list is checked in test_settings.
    assert isinstance(get_hashers()[0], Argon2PasswordHasher)
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in django_settings.PASSWORD_HASHERS

    user = user_create(actor=None, username="argon", password=PASSWORD)

    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_it_accepts_a_hash_made_with_the_production_cost(db: Any) -> None:
    user = user_create(actor=None, username="argon", password=None)
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save()

    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_it_keeps_an_account_without_password_unusable(db: Any) -> None:
    user = user_create(actor=None, username="khongmatkhau", password=None)

    assert not user.has_usable_password()


def test_it_shows_the_sign_in_page(db: Any) -> None:
    response = Client().get(LOGIN)

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_it_signs_in_with_username_and_password(lan: User) -> None:
    client = Client()

    response = sign_in(client, "lan", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session[SESSION_KEY] == str(lan.pk)
    assert client.get(reverse("core:home")).status_code == 200


def test_it_follows_a_safe_next_after_sign_in(lan: User) -> None:
    response = Client().post(
        LOGIN, {"username": "lan", "password": PASSWORD, "next": reverse("orgs:org-list")}
    )

    assert response["Location"] == reverse("orgs:org-list")


def test_it_ignores_an_external_next_after_sign_in(lan: User) -> None:
    response = Client().post(
        LOGIN, {"username": "lan", "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("core:home")


def test_it_refuses_a_wrong_password_with_an_error(lan: User) -> None:
    client = Client()

    response = sign_in(client, "lan", "sai-mat-khau")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


def test_it_locks_the_account_after_five_failures(lan: User) -> None:
    assert django_settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    statuses = [sign_in(client, "lan", f"sai-{n}").status_code for n in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    locked = sign_in(client, "lan", PASSWORD)
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    assert SESSION_KEY not in Client().session


def test_it_locks_one_account_without_locking_another(lan: User) -> None:
    make_user("hung")
    for n in range(5):
        sign_in(Client(), "lan", f"sai-{n}")

    assert sign_in(Client(), "hung", PASSWORD).status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(lan: User) -> None:
    for n in range(4):
        sign_in(Client(), "lan", f"sai-{n}")
    assert sign_in(Client(), "lan", PASSWORD).status_code == 302

    statuses = [sign_in(Client(), "lan", f"sai-{n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 200]


def test_it_unlocks_after_a_reset(lan: User) -> None:
    from axes.utils import reset

    for n in range(5):
        sign_in(Client(), "lan", f"sai-{n}")

    reset(username="lan")

    assert sign_in(Client(), "lan", PASSWORD).status_code == 302


def test_it_signs_out_only_by_post(lan: User) -> None:
    client = Client()
    client.force_login(lan)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session[SESSION_KEY] == str(lan.pk)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_it_sends_a_password_reset_email_to_a_known_address(lan: User) -> None:
    response = Client().post(reverse("accounts:password-reset"), {"email": "lan@example.vn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@example.vn"]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_it_answers_the_same_for_an_unknown_address_without_sending(lan: User) -> None:
    response = Client().post(reverse("accounts:password-reset"), {"email": "ai@example.vn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_it_resets_the_password_through_the_emailed_link(lan: User) -> None:
    Client().post(reverse("accounts:password-reset"), {"email": "lan@example.vn"})
    link = next(
        line.strip()
        for line in mail.outbox[0].body.splitlines()
        if "/accounts/password/reset/" in line
    )
    path = link[link.index("/accounts/") :]
    client = Client()

    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "mot-mat-khau-moi-2025", "new_password2": "mot-mat-khau-moi-2025"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert User.objects.get(pk=lan.pk).check_password("mot-mat-khau-moi-2025")


def test_it_changes_the_password_of_a_signed_in_user(lan: User) -> None:
    client = Client()
    client.force_login(lan)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "doi-mat-khau-2025",
            "new_password2": "doi-mat-khau-2025",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.get(pk=lan.pk).check_password("doi-mat-khau-2025")


def test_it_refuses_a_password_change_with_a_wrong_old_password(lan: User) -> None:
    client = Client()
    client.force_login(lan)
    before = User.objects.get(pk=lan.pk).password

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "sai",
            "new_password1": "doi-mat-khau-2025",
            "new_password2": "doi-mat-khau-2025",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(pk=lan.pk).password == before


# --- language ----------------------------------------------------------------------------------


def test_it_remembers_the_language_on_the_account_and_in_a_cookie(lan: User) -> None:
    client = Client()
    client.force_login(lan)

    response = client.post(reverse("accounts:language"), {"language": "en", "next": "/orgs/"})

    assert response.status_code == 302
    assert response["Location"] == "/orgs/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert User.objects.get(pk=lan.pk).language == "en"
    assert client.get(reverse("accounts:profile"))["Content-Language"] == "en"


def test_it_switches_language_for_a_visitor_with_a_cookie_only(lan: User) -> None:
    client = Client()

    response = client.post(reverse("accounts:language"), {"language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(LOGIN)["Content-Language"] == "en"
    assert User.objects.get(pk=lan.pk).language == "vi"


def test_it_speaks_vietnamese_by_default_whatever_the_browser_says(lan: User) -> None:
    response = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi"


def test_it_prefers_the_account_language_over_the_cookie(lan: User) -> None:
    client = Client()
    client.force_login(lan)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    assert client.get(reverse("accounts:profile"))["Content-Language"] == "vi"


@pytest.mark.parametrize("language", ["fr", "", "vi-VN"])
def test_it_refuses_an_unknown_language(lan: User, language: str) -> None:
    client = Client()
    client.force_login(lan)

    response = client.post(reverse("accounts:language"), {"language": language})

    assert response.status_code == 302
    assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert User.objects.get(pk=lan.pk).language == "vi"


def test_it_refuses_an_external_next_after_a_language_switch(lan: User) -> None:
    response = Client().post(
        reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_it_switches_language_only_by_post(lan: User) -> None:
    client = Client()
    client.force_login(lan)

    assert client.get(reverse("accounts:language") + "?language=en").status_code == 405
    assert User.objects.get(pk=lan.pk).language == "vi"


# --- sessions ----------------------------------------------------------------------------------


def test_it_expires_sessions_after_a_working_day(lan: User) -> None:
    # the session ends a working day after sign-in, whatever the activity (absolute expiry)
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 24 * 3600
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.force_login(lan)
    session = Session.objects.get()
    assert (
        abs(
            (session.expire_date - timezone.now()).total_seconds()
            - django_settings.SESSION_COOKIE_AGE
        )
        < 60
    )
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_sets_a_finite_session_cookie_on_sign_in(lan: User) -> None:
    client = Client()

    response = sign_in(client, "lan", PASSWORD)

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == django_settings.SESSION_COOKIE_AGE
    assert cookie["httponly"] is True


# --- who may open the account pages ------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["accounts:profile", "accounts:token-list", "accounts:password-change"]
)
def test_it_sends_visitors_to_sign_in_for_account_pages(db: Any, name: str) -> None:
    for response in (Client().get(reverse(name)), Client().post(reverse(name), {"name": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    assert not ApiToken.objects.exists()


def test_it_sends_visitors_to_sign_in_before_revoking(lan: User) -> None:
    token, _ = token_create(user=lan, name="script")

    response = Client().post(reverse("accounts:token-revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize(
    "name", ["accounts:profile", "accounts:token-list", "accounts:password-change"]
)
def test_it_opens_account_pages_to_anyone_signed_in(outsider: User, name: str) -> None:
    client = Client()
    client.force_login(outsider)

    assert client.get(reverse(name)).status_code == 200


def test_it_lists_my_roles_on_my_profile(officer_thai_nguyen: User) -> None:
    client = Client()
    client.force_login(officer_thai_nguyen)

    response = client.get(reverse("accounts:profile"))

    assert [(m.role, m.org.code) for m in response.context["memberships"]] == [("officer", "19")]


@pytest.mark.parametrize(
    "name",
    [
        "accounts:login",
        "accounts:password-reset",
        "accounts:password-reset-done",
        "accounts:password-reset-complete",
    ],
)
def test_it_opens_the_public_pages_to_visitors(db: Any, name: str) -> None:
    assert Client().get(reverse(name)).status_code == 200


def test_it_sends_a_signed_in_user_away_from_the_sign_in_page(lan: User) -> None:
    client = Client()
    client.force_login(lan)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
