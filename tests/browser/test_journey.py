"""The journey of the issue, in a real browser.

"Sign in in Vietnamese, search 'bac kan', open the unit, see that it merged into Thái Nguyên on
01/07/2025, export the list to Excel; axe-core finds no serious or critical violation on these pages;
screenshots saved under var/screenshots/."

Plus the keyboard path (skip link, visible focus), a 360 px phone, and a page outside the user's
reach (a Vietnamese 404 that reveals nothing).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from .conftest import (
    MOBILE,
    SCREENSHOTS,
    catalogue_exists,
    vi,
)

OFFICER = "canbo.thainguyen"  # officer of Tỉnh Thái Nguyên: reaches Bắc Kạn through the merger
VIEWER = "xem.ninhbinh"  # viewer in Sở VHTT&DL Ninh Bình: nothing to do with Bắc Kạn
BAC_KAN = "Tỉnh Bắc Kạn"
THAI_NGUYEN = "Tỉnh Thái Nguyên"
# English msgids of the export's column headers: none may reach a Vietnamese workbook.
EXPORT_HEADERS = [
    "Code",
    "Name",
    "Short name",
    "Kind",
    "Parent unit",
    "Address",
    "Valid from",
    "Valid to",
]


def assert_vietnamese_page(page: Page) -> None:
    """The interface language is Vietnamese although the browser asks for en-US."""
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1
                         && !e.closest('.table-wrap, .visually-hidden, .skip-link'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string' ? '.' + e.className : ''))""",
        MOBILE["width"],
    )
    assert width <= MOBILE["width"] + 1, (
        f"{page.url} scrolls sideways at {MOBILE['width']} px: scrollWidth={width}; wide: {wide}"
    )


def stat_values(page: Page) -> list[int]:
    texts = page.locator(".stats .stat .value").all_inner_texts()
    return [int(re.sub(r"\D", "", t)) for t in texts]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_sign_in_search_bac_kan_see_merger_and_export(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    from core.selectors import home_figures
    from core.text import fold

    bac_kan, thai_nguyen = demo.org("06"), demo.org("19")

    # 1. The sign-in page speaks Vietnamese, whatever the browser's Accept-Language says.
    response = page.goto("/accounts/login/")
    assert response is not None and response.status == 200
    assert response.headers.get("content-language") == "vi"
    assert_vietnamese_page(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    if catalogue_exists():
        expect(heading).to_have_text("Đăng nhập")
        expect(page.get_by_role("button", name="Đăng nhập", exact=True)).to_be_visible()
    screenshot(page, "01-login-vi")
    axe.scan(page, "01-login")
    assert "Sign in" not in page.locator("body").inner_text(), "English 'Sign in' on the login page"
    assert "Sign in" not in page.title(), f"English page title: {page.title()!r}"

    # 2. Sign in through the labelled fields; the home page shows the user's real figures.
    sign_in(page, OFFICER, demo.password)
    assert urlsplit(page.url).path == "/"
    assert_vietnamese_page(page)
    figures = home_figures(user=demo.user(OFFICER))
    shown = stat_values(page)
    assert shown == [
        figures["orgs_active"],
        figures["provinces_active"],
        figures["orgs_ended"],
        figures["people"],
        figures["workers"],
    ]
    assert figures["people"] > 0 and figures["orgs_ended"] > 0, figures
    screenshot(page, "02-home-officer-thai-nguyen")
    axe.scan(page, "02-home")

    # 3. Organisations from the navigation; typing "bac kan" updates #results in place (htmx).
    nav_link = page.locator("#site-nav").get_by_role("link", name=vi("Organisations"), exact=True)
    nav_link.click()
    page.wait_for_url(re.compile(r"/orgs/$"))
    expect(page.locator("#site-nav a[aria-current=page]")).to_have_attribute("href", "/orgs/")
    page.evaluate("() => { window.__sameDocument = true; }")
    search = page.get_by_role("searchbox", name=vi("Search"))

    def is_search(resp: Any) -> bool:
        parts = urlsplit(resp.url)
        return parts.path == "/orgs/" and parse_qs(parts.query).get("q") == ["bac kan"]

    with page.expect_response(is_search) as searched:
        search.press_sequentially("bac kan", delay=30)
    assert searched.value.status == 200
    assert searched.value.request.headers.get("hx-request") == "true"
    rows = page.locator("#results tbody tr")
    expect(rows.first.get_by_role("link")).to_have_text(BAC_KAN)
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    assert parse_qs(urlsplit(page.url).query).get("q") == ["bac kan"], page.url  # hx-push-url
    names = rows.locator("td:nth-child(2) a").all_inner_texts()
    assert names and all("bac kan" in fold(n) for n in names), names
    screenshot(page, "03-orgs-search-bac-kan")
    axe.scan(page, "03-orgs-search")

    # 4. The unit's page says it merged into Tỉnh Thái Nguyên on 01/07/2025.
    rows.first.get_by_role("link", name=BAC_KAN, exact=True).click()
    page.wait_for_url(re.compile(rf"/orgs/{bac_kan.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(BAC_KAN)
    note = page.locator("#merged-note")
    expect(note).to_contain_text("01/07/2025")
    note_link = note.get_by_role("link", name=THAI_NGUYEN, exact=True)
    expect(note_link).to_have_attribute("href", f"/orgs/{thai_nguyen.pk}/")
    successors = page.locator("#successors")
    expect(successors).to_contain_text("01/07/2025")
    expect(successors.get_by_role("link", name=THAI_NGUYEN, exact=True)).to_have_attribute(
        "href", f"/orgs/{thai_nguyen.pk}/"
    )
    screenshot(page, "04-org-bac-kan-merged-into-thai-nguyen")
    axe.scan(page, "04-org-detail")

    # 5. Back on the searched list, the Excel link exports exactly what the list shows.
    page.go_back()
    page.wait_for_url(re.compile(r"/orgs/\?"))
    expect(page.locator("#results tbody tr").first.get_by_role("link")).to_have_text(BAC_KAN)
    export = page.locator("#export-xlsx")
    href = export.get_attribute("href") or ""
    assert parse_qs(urlsplit(href).query).get("q") == ["bac kan"], href
    shown_names = page.locator("#results tbody td:nth-child(2) a").all_inner_texts()
    with page.expect_download() as downloading:
        export.click()
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    saved = SCREENSHOTS / "05-export-orgs-bac-kan.xlsx"
    download.save_as(str(saved))
    workbook = load_workbook(saved, read_only=True)
    sheet = workbook.worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    header, data = table[0], table[1:]
    assert header and all(header), f"empty header cell: {header}"
    assert vi("Code") in header and vi("Name") in header, header
    if catalogue_exists():
        english = [h for h in header if h in EXPORT_HEADERS]
        assert not english, f"English column headers in the export: {english}"
    code_col, name_col = header.index(vi("Code")), header.index(vi("Name"))
    exported = [row[name_col] for row in data]
    assert BAC_KAN in exported, exported
    assert exported == shown_names, (exported, shown_names)
    from orgs.models import Org, OrgKind

    by_code = {o.code: o for o in Org.objects.filter(code__in=[row[code_col] for row in data])}
    assert len(by_code) == len(data)
    provinces = [o.name for o in by_code.values() if o.kind == OrgKind.PROVINCE]
    assert provinces == [BAC_KAN], f"unrelated provinces in the export: {provinces}"
    unrelated = [
        o.name for o in by_code.values() if not {"bac", "kan"} <= set(o.search_key.split())
    ]
    assert not unrelated, f"rows that do not match 'bac kan': {unrelated}"

    axe.assert_clean()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_keyboard_skip_link_then_visible_focus(
    page: Page, demo: Any, sign_in: Any, screenshot: Any
) -> None:
    sign_in(page, OFFICER, demo.password)
    page.goto("/orgs/")  # a fresh document: sequential focus starts at its top

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "href": "#main"}, f"first Tab stop: {focused}"
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(vi("Skip to content"))
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"skip link off-screen: {box}"
    outline = skip.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline[0] != "none" and outline[1] != "0px", (
        f"focused skip link has no outline {outline}"
    )
    screenshot(page, "06-keyboard-skip-link-focused")

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert urlsplit(page.url).fragment == "main"

    # The next Tab continues inside main (the breadcrumb's first link) and shows a focus ring.
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert inside_main, "Tab after the skip link left the main content"
    ring = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {tag: e.tagName, text: e.textContent.trim(), style: s.outlineStyle,
                    width: s.outlineWidth, matches: e.matches(':focus-visible')}; }"""
    )
    assert ring["tag"] == "A", ring
    assert ring["matches"] and ring["style"] != "none" and ring["width"] != "0px", ring
    screenshot(page, "06-keyboard-focus-ring-in-main")

    # Header links on the dark red bar show their focus ring too.
    page.goto("/orgs/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    brand = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {cls: e.className, style: s.outlineStyle, color: s.outlineColor}; }"""
    )
    assert brand["cls"] == "brand" and brand["style"] != "none", brand


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_phone_360_px_no_sideways_scroll_and_menu_opens(
    mobile_page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    page = mobile_page
    page.goto("/accounts/login/")
    assert_vietnamese_page(page)
    no_horizontal_scroll(page)
    screenshot(page, "07-mobile-360-login")
    sign_in(page, OFFICER, demo.password)

    assert urlsplit(page.url).path == "/"
    no_horizontal_scroll(page)
    nav = page.locator("#site-nav")
    toggle = page.locator("button.nav-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    screenshot(page, "07-mobile-360-home-menu-closed")
    axe.scan(page, "07-mobile-home")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    orgs_link = nav.get_by_role("link", name=vi("Organisations"), exact=True)
    expect(orgs_link).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, "07-mobile-360-home-menu-open")
    axe.scan(page, "07-mobile-menu-open")

    orgs_link.click()
    page.wait_for_url(re.compile(r"/orgs/$"))
    expect(page.locator("#results tbody tr").first).to_be_visible()
    no_horizontal_scroll(page)
    screenshot(page, "07-mobile-360-org-list")
    axe.scan(page, "07-mobile-org-list")

    page.goto(f"/orgs/{demo.org('06').pk}/")
    expect(page.locator("#merged-note")).to_contain_text("01/07/2025")
    no_horizontal_scroll(page)
    screenshot(page, "07-mobile-360-org-bac-kan")
    axe.assert_clean()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_unit_outside_the_viewers_reach_is_a_vietnamese_404(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    own_unit, bac_kan = demo.org("37.SVHTTDL"), demo.org("06")
    sign_in(page, VIEWER, demo.password)

    response = page.goto(f"/orgs/{own_unit.pk}/")  # the viewer's own unit: visible
    assert response is not None and response.status == 200

    response = page.goto(f"/orgs/{bac_kan.pk}/")
    assert response is not None and response.status == 404
    assert_vietnamese_page(page)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(vi("Page not found"))
    body = page.locator("body").inner_text()
    assert "Bắc Kạn" not in body, "the 404 page reveals the unit"
    expect(
        page.locator("main").get_by_role("link", name=vi("Back to the home page"))
    ).to_be_visible()
    screenshot(page, "08-denied-bac-kan-404-viewer-ninh-binh")
    axe.scan(page, "08-404")
    assert "Page not found" not in body, "the 404 page is in English"
    axe.assert_clean()
