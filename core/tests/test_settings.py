"""Settings: a production configuration passes Django's deployment checks; Vietnamese formats."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import string
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

ROOT = Path(settings.BASE_DIR)


def production_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a production run: no testing flag, no debug, a real key, no database URL."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("THIDUA_", "DJANGO_", "SECURE_", "SESSION_", "AXES_", "EMAIL_"))
        and key
        not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_CURRENT_TEST"}
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "THIDUA_VAR_DIR": str(tmp_path),  # nothing is written next to the project's own data
        "ALLOWED_HOSTS": "thidua.example.vn",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_checks(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", "--deploy")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_hardens_a_production_configuration(tmp_path: Path) -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'hasher': s.PASSWORD_HASHERS[0], 'session_secure': s.SESSION_COOKIE_SECURE, "
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'static': s.STORAGES['staticfiles']['BACKEND'], "
        "'tasks': s.TASKS['default']['BACKEND'], 'hosts': s.ALLOWED_HOSTS}))"
    )

    result = manage(tmp_path, "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "debug": False,
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "session_secure": True,
        "csrf_secure": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "tasks": "django_tasks_db.DatabaseBackend",
        "hosts": ["thidua.example.vn"],
    }


def test_it_runs_in_vietnam_in_vietnamese() -> None:
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.USE_TZ is True
    assert settings.USE_THOUSAND_SEPARATOR is True
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def render(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_writes_dates_day_first(language: str) -> None:
    with translation.override(language):
        assert formats.get_format("DATE_FORMAT") == "d/m/Y"
        assert render("{{ d|date }}", d=dt.date(2025, 7, 1)) == "01/07/2025"
        assert render("{{ d }}", d=dt.date(2025, 7, 1)) == "01/07/2025"
        assert render("{{ d|date:'SHORT_DATE_FORMAT' }}", d=dt.date(2025, 7, 1)) == "01/07/2025"


def test_it_writes_numbers_the_vietnamese_way() -> None:
    with translation.override("vi"):
        assert render("{{ 1234.5|floatformat:1 }}") == "1.234,5"
        assert render("{{ x|floatformat:2 }}", x=Decimal("1234567.891")) == "1.234.567,89"
        assert render("{{ n }}", n=1234567) == "1.234.567"
        assert render("{% load humanize %}{{ n|intcomma }}", n=1234567) == "1.234.567"


@pytest.mark.parametrize("typed", ["01/07/2025", "01-07-2025", "2025-07-01"])
def test_it_reads_dates_typed_day_first(typed: str) -> None:
    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean(typed) == dt.date(2025, 7, 1)
