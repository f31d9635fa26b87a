"""Security headers and settings: CSP without inline code, HSTS behind TLS, cookies, CSRF on every
form, sign-in lock-out, password policy, and no secret in the logs."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD, make_user
from core.models import AuditEvent
from core.security import CONTENT_SECURITY_POLICY
from core.tests.test_settings import production_env
from movements.models import Movement

ROOT = Path(settings.BASE_DIR)
LOGIN = reverse("accounts:login")
# Served templates: the project's own and each app's (node_modules and .venv are not ours).
TEMPLATES = sorted(
    [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")],
    key=lambda p: str(p),
)
# HTML that WeasyPrint turns into PDF on the server; no browser loads it, so the policy is moot
# (its font sizes come from the data: style attributes are the simple way there).
PDF_ONLY = {"certificates/certificate_pdf.html", "documents/document.html"}


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def served_templates() -> list[Path]:
    return [p for p in TEMPLATES if not any(relative(p).endswith(name) for name in PDF_ONLY)]


def directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "signed_in", "status"),
    [
        (LOGIN, False, 200),
        ("/", True, 200),
        ("/orgs/", True, 200),
        ("/api/v1/openapi.json", True, 200),
        ("/orgs/999999999/", True, 404),
        ("/admin/", False, 302),
    ],
)
def test_it_sends_the_security_headers_on_every_response(
    officer_thai_nguyen: User, url: str, signed_in: bool, status: int
) -> None:
    client = Client()
    if signed_in:
        client.force_login(officer_thai_nguyen)

    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_allows_only_the_sites_own_scripts_styles_and_images() -> None:
    assert directives(CONTENT_SECURITY_POLICY) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


def test_it_sends_hsts_only_on_requests_nginx_marks_as_https(
    settings: Any, officer_thai_nguyen: User
) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    over_https = Client().get(LOGIN, headers={"X-Forwarded-Proto": "https"})
    over_http = Client().get(LOGIN)

    assert over_https["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in over_http


# --- no inline code in the pages --------------------------------------------------------------


def test_it_finds_the_templates_it_checks() -> None:
    names = {relative(p) for p in served_templates()}
    assert "templates/base.html" in names
    assert "accounts/templates/accounts/login.html" in names
    assert len(names) > 100
    assert [n for n in names if n.endswith(tuple(PDF_ONLY))] == []
    assert len([p for p in TEMPLATES if relative(p).endswith(tuple(PDF_ONLY))]) == len(PDF_ONLY)


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("an inline <script>", re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)),
        ("a <style> element", re.compile(r"<style[\s>]", re.I)),
        ("a style attribute", re.compile(r"\sstyle\s*=", re.I)),
        ("an on… event handler", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)),
        ("a javascript: address", re.compile(r"javascript:", re.I)),
    ],
)
def test_it_has_no_inline_code_the_policy_would_refuse(what: str, pattern: re.Pattern[str]) -> None:
    found = [
        f"{relative(p)}:{text[: m.start()].count(chr(10)) + 1}"
        for p in served_templates()
        for text in [p.read_text(encoding="utf-8")]
        for m in pattern.finditer(text)
    ]
    assert found == [], f"{what} in {found}"


def test_it_keeps_htmx_from_adding_its_own_style_element() -> None:
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in base


# --- CSRF --------------------------------------------------------------------------------------

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post\b[^>]*>(.*?)</form>", re.I | re.S)


def test_it_puts_a_csrf_token_in_every_post_form() -> None:
    forms = [
        (relative(p), m.group(1))
        for p in TEMPLATES
        for m in POST_FORM.finditer(p.read_text(encoding="utf-8"))
    ]
    without = [name for name, body in forms if "{% csrf_token %}" not in body]

    assert len(forms) > 100
    assert without == []


def test_it_exempts_no_view_from_csrf() -> None:
    apps = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "thidua"]
    exempt = [
        relative(p)
        for app in apps
        for p in app.rglob("*.py")
        if "tests" not in p.parts and "csrf_exempt" in p.read_text(encoding="utf-8")
    ]
    assert len(apps) > 15
    assert exempt == []
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_it_refuses_a_sign_in_posted_without_the_csrf_token(officer_thai_nguyen: User) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN, {"username": officer_thai_nguyen.username, "password": PASSWORD})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_a_csrf_failure_shows_our_page_with_no_inline_style(officer_thai_nguyen: User) -> None:
    """Django's own CSRF page styles itself inline, which the CSP blocks: ours uses app.css."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thai_nguyen)
    count = Movement.objects.count()

    response = client.post("/movements/new/", {"name": "Phong trào"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "<style" not in body and " style=" not in body
    assert "app.css" in body
    assert "Nothing was changed" in body or "Không có gì bị thay đổi" in body
    assert Movement.objects.count() == count


def test_it_refuses_an_api_write_by_session_without_the_csrf_token(
    officer_thai_nguyen: User,
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_thai_nguyen)
    count = Movement.objects.count()

    response = client.post(
        "/api/v1/movements", {"name": "Phong trào"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert Movement.objects.count() == count


# --- cookies and sessions ----------------------------------------------------------------------


def test_it_keeps_the_session_cookie_from_scripts_and_other_sites(
    officer_thai_nguyen: User,
) -> None:
    response = Client().post(
        LOGIN, {"username": officer_thai_nguyen.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 3600
    assert bool(cookie["secure"]) is settings.SESSION_COOKIE_SECURE


def run_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The security settings a production process (with `env` added) computes."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'hsts_subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'samesite': s.SESSION_COOKIE_SAMESITE, "
        "'httponly': s.SESSION_COOKIE_HTTPONLY, 'age': s.SESSION_COOKIE_AGE}))"
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path) | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_it_turns_on_hsts_and_secure_cookies_when_served_over_https(tmp_path: Path) -> None:
    assert run_settings(tmp_path) == {
        "session_secure": True,
        "csrf_secure": True,
        "hsts": 31536000,
        "hsts_subdomains": True,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "samesite": "Lax",
        "httponly": True,
        "age": 28800,
    }


def test_it_sends_no_hsts_when_the_site_is_not_served_over_https(tmp_path: Path) -> None:
    assert run_settings(tmp_path, SECURE_COOKIES="0") | {"proxy_header": None} == {
        "session_secure": False,
        "csrf_secure": False,
        "hsts": 0,
        "hsts_subdomains": False,
        "proxy_header": None,
        "samesite": "Lax",
        "httponly": True,
        "age": 28800,
    }


def test_it_passes_the_deployment_checks_silencing_only_what_nginx_provides(
    tmp_path: Path,
) -> None:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == ["security.W008", "security.W021"]


# --- sign-in lock-out --------------------------------------------------------------------------


def test_it_counts_failures_at_the_admin_sign_in_towards_the_same_lock_out(
    admin_user: User,
) -> None:
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    admin_login = reverse("admin:login")
    statuses = [
        Client().post(admin_login, {"username": "quantri", "password": f"sai-{n}"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    client = Client()
    response = client.post(LOGIN, {"username": "quantri", "password": PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


# --- password policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "Ngan-9chr",  # 9 characters: too short
        "1234567890123",  # only digits
        "password123",  # a common password
        "lan-thi-nguyen",  # too like the user's name
    ],
)
def test_it_refuses_a_weak_new_password(db: Any, weak: str) -> None:
    user = make_user("lan-thi-nguyen")
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_it_accepts_a_password_of_ten_characters(db: Any) -> None:
    user = make_user("lan")
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Xk7-vq2Lmz", "new_password2": "Xk7-vq2Lmz"},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("Xk7-vq2Lmz")


# --- secrets never logged ----------------------------------------------------------------------


def test_it_logs_neither_the_secret_key_nor_a_password_of_a_failed_sign_in(
    caplog: pytest.LogCaptureFixture, officer_thai_nguyen: User
) -> None:
    secret = "Bi-mat-tuyet-doi-9173"  # the password typed by mistake
    configured: Any = settings.LOGGING.get("loggers", {})
    loggers = [None, "django", "django.db.backends", "django.request", "django.security", "axes"]
    for name in [*loggers, *configured]:  # down to DEBUG, whatever LOGGING says
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # every SQL statement is logged with its parameters
    try:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):  # failures, then the lock-out
            Client().post(LOGIN, {"username": officer_thai_nguyen.username, "password": secret})
    finally:
        connection.force_debug_cursor = False

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "axes" in logged  # the capture saw the sign-in failures being handled
    assert "SELECT" in logged  # ...and the SQL they ran
    assert secret not in logged
    assert settings.SECRET_KEY not in logged
    assert not any(secret in str(e.__dict__) for e in AuditEvent.objects.all())
    from axes.models import AccessAttempt

    attempts = list(AccessAttempt.objects.values_list("post_data", flat=True))
    assert len(attempts) == 1
    assert secret not in attempts[0]
