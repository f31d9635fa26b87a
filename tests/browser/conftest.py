"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

Every test here is transactional (live_server): the tables are flushed after each one, so the
`demo` fixture loads the demo data (reference provinces included) again at the start of each test.

Screenshots, downloads and the axe-core report go to var/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

BASE_DIR = Path(settings.BASE_DIR)
SCREENSHOTS = BASE_DIR / "var" / "screenshots"
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CATALOGUE = BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DEMO_PASSWORD = "m4t-khau-trinh-duyet"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
MOBILE: ViewportSize = {"width": 360, "height": 740}
FAILING_IMPACTS = {"serious", "critical"}
AXE_REPORT: dict[str, list[dict[str, Any]]] = {}


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker; with `-p no:xdist` and --strict-markers it must be known.
    config.addinivalue_line("markers", "xdist_group(name): run tests of a group on one worker")


def catalogue_exists() -> bool:
    return CATALOGUE.exists()


def vi(msgid: str) -> str:
    """What the interface shows for `msgid` in Vietnamese (the msgid itself while untranslated)."""
    with translation.override("vi"):
        return translation.gettext(msgid)


# --------------------------------------------------------------------------------------------
# Browser, context, page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an asyncio loop running in the main thread for as long as it is
    # open; Django refuses ORM calls from a thread with a running loop unless told it is safe (it
    # is: every call is synchronous, and the live server answers from its own thread). Set only
    # while the browser lives, so runs without browser tests keep Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        _write_axe_report()


def new_context(browser: Browser, live_server: Any, viewport: ViewportSize) -> BrowserContext:
    # en-US on purpose: the application ignores Accept-Language and speaks Vietnamese by default.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport=viewport,
        accept_downloads=True,
        timezone_id="Asia/Ho_Chi_Minh",
    )
    watch_csp(context)
    context.set_default_timeout(15_000)
    # Assertions wait as long as actions do: a loaded CI machine (two workers, PostgreSQL) can take
    # more than expect's default 5 s to render a page.
    expect.set_options(timeout=15_000)
    return context


# --------------------------------------------------------------------------------------------
# Content-Security-Policy: whatever the browser refuses under the policy (core/security.py) fails
# the test that caused it, whichever page or context (new_context) it happened in.

CSP_VIOLATIONS: list[str] = []
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  `Content Security Policy violation: ${e.violatedDirective}`
  + ` refused ${e.blockedURI || "inline code"}`
  + ` (${e.sourceFile || document.location.href}:${e.lineNumber})`));
"""


def watch_csp(context: BrowserContext) -> None:
    """Collect the console's CSP messages and the pages' `securitypolicyviolation` events."""
    # Init scripts come through the browser's debugging protocol, which the policy does not govern.
    context.add_init_script(_REPORT_CSP_VIOLATIONS)

    def collect(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", collect)


@pytest.fixture(autouse=True)
def _no_csp_violations() -> Iterator[None]:
    CSP_VIOLATIONS.clear()
    yield  # torn down after the test's contexts are closed, so their last messages are in
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(
        dict.fromkeys(CSP_VIOLATIONS)
    )


@pytest.fixture
def context(browser: Browser, live_server: Any, demo: Demo) -> Iterator[BrowserContext]:
    context = new_context(browser, live_server, DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def mobile_context(browser: Browser, live_server: Any, demo: Demo) -> Iterator[BrowserContext]:
    context = new_context(browser, live_server, MOBILE)
    yield context
    context.close()


@pytest.fixture
def mobile_page(mobile_context: BrowserContext) -> Page:
    return mobile_context.new_page()


# --------------------------------------------------------------------------------------------
# Data


@dataclass
class Demo:
    password: str
    url: str

    def org(self, code: str) -> Any:
        from orgs.models import Org

        return Org.objects.get(code=code)

    def user(self, username: str) -> Any:
        from accounts.models import User

        return User.objects.get(username=username)


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back_after_flush(django_db_blocker: Any) -> Iterator[None]:
    """Leave the test database as migrations left it: with the shipped reference provinces.

    A transactional test ends by flushing every table, which also removes what migrations
    orgs/0002, register/0002 and dossiers/0002 loaded. Other tests (run later by the same xdist worker) rely on that data, so once
    this module's last flush is done the reference data is loaded again.
    """
    yield
    from django.apps import apps

    from dossiers.services import load_calendar
    from orgs.reference import load_reference
    from register import catalogue

    with django_db_blocker.unblock():
        load_reference(apps)
        catalogue.load(apps)
        load_calendar(apps)


@pytest.fixture
def demo(live_server: Any, transactional_db: Any) -> Demo:
    """The demo data (idempotent; includes the shipped reference provinces and 2025 lineage)."""
    call_command("load_demo", password=DEMO_PASSWORD, stdout=StringIO())
    return Demo(password=DEMO_PASSWORD, url=live_server.url)


# --------------------------------------------------------------------------------------------
# Signing in


def sign_in_with_form(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill the sign-in form by its labels, as a person would, and submit it."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    page.get_by_label(vi("User name")).fill(username)
    page.get_by_label(vi("Password")).fill(password)
    with page.expect_navigation():
        page.locator("main form[method=post]").first.get_by_role(
            "button", name=vi("Sign in"), exact=True
        ).click()
    assert "/accounts/login/" not in page.url, f"sign-in as {username} failed: {page.url}"


@pytest.fixture
def sign_in() -> Callable[..., None]:
    return sign_in_with_form


# --------------------------------------------------------------------------------------------
# Screenshots


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --------------------------------------------------------------------------------------------
# axe-core


@dataclass
class Axe:
    """Runs axe-core on a page; serious and critical violations are collected, then asserted."""

    source: str
    failures: list[str] = field(default_factory=list)

    def scan(self, page: Page, name: str) -> list[dict[str, Any]]:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the debugging protocol: an inline <script> tag would be refused by
            # the Content-Security-Policy (and reported as a violation).
            page.evaluate(self.source)
        result: dict[str, Any] = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return {passes: r.passes.length, violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({
                        target: n.target, html: n.html.slice(0, 300),
                        summary: (n.failureSummary || '').slice(0, 500),
                    })),
                }))};
            }"""
        )
        # A scan that checked nothing (axe not run, blank page) must not pass silently.
        assert result["passes"] > 0, f"axe-core checked nothing on {page.url}"
        violations: list[dict[str, Any]] = result["violations"]
        AXE_REPORT[name] = [dict(v, url=page.url) for v in violations]
        for v in violations:
            targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"])
            line = f"[{name}] {v['id']} ({v['impact']}): {v['help']} — {targets}"
            print("axe:", line)
            if v["impact"] in FAILING_IMPACTS:
                details = "\n".join(
                    f"      {' '.join(map(str, n['target']))}: {n['summary']}" for n in v["nodes"]
                )
                self.failures.append(f"{line}\n{details}")
        return violations

    def assert_clean(self) -> None:
        assert not self.failures, "axe-core found serious or critical violations:\n" + "\n".join(
            self.failures
        )


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in {BASE_DIR}")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str) -> Axe:
    return Axe(source=axe_source)


def _write_axe_report() -> None:
    if AXE_REPORT:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "axe-report.json").write_text(
            json.dumps(AXE_REPORT, ensure_ascii=False, indent=1), encoding="utf-8"
        )
