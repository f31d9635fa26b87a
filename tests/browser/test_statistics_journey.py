"""The statistics and certificates journey of issue 8, in a real browser.

The commendation officer of Thái Nguyên opens the province's dashboard, filters it to 2024, checks that
the charts are drawn and that each table says what its chart shows, downloads the Excel and finds the
same figures in it; then prints the certificates of a decision (one PDF page per recipient, each with
its code), and a member of the public, not signed in, verifies one code on a phone. axe-core checks
every page on the way.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import SCREENSHOTS, new_context, vi

OFFICER = "canbo.thainguyen"


def a_decision_of_thai_nguyen() -> Any:
    """A demo decision of Thái Nguyên's emulation board with a few recipients, none revoked."""
    from django.db.models import Count, Q

    from register.models import Decision

    return (
        Decision.objects.filter(issuer__code__startswith="19")
        .annotate(
            n=Count("records", filter=Q(records__revoked=False)),
            revoked=Count("records", filter=Q(records__revoked=True)),
        )
        .filter(n__gte=2, n__lte=8, revoked=0)
        .order_by("-date", "pk")
        .first()
    )


def table_figures(page: Page, key: str) -> dict[str, str]:
    """Label → total of the data table beneath chart `key` (its first and last cells)."""
    rows = page.locator(f"#{key} table tbody tr")
    figures = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("th, td")
        figures[cells.first.inner_text().strip()] = cells.last.inner_text().strip()
    return figures


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_dashboard_filtered_to_2024_excel_certificates_printed_and_a_code_verified(
    page: Page,
    demo: Any,
    sign_in: Any,
    axe: Any,
    screenshot: Any,
    tmp_path: Path,
    browser: Any,
    live_server: Any,
) -> None:
    from certificates.models import Certificate
    from register.models import Record

    sign_in(page, OFFICER, demo.password)

    # The province's dashboard, from the menu.
    page.goto("/")
    with page.expect_navigation():
        page.locator("#site-nav").get_by_role("link", name=vi("Statistics"), exact=True).click()
    expect(page.locator("h1")).to_have_text(vi("Commendation statistics"))
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    screenshot(page, "stats-dashboard")
    axe.scan(page, "stats-dashboard")

    # Filter to 2024: the URL carries the filters, so the view can be shared.
    page.locator("#id_from").fill("2024")
    page.locator("#id_to").fill("2024")
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Show")).click()
    assert "from=2024" in page.url and "to=2024" in page.url
    expected = (
        Record.objects.filter(
            year=2024, revoked=False, unit__path__startswith=demo.org("19").path
        ).count()
        + Record.objects.filter(
            year=2024, revoked=False, org__path__startswith=demo.org("19").path
        ).count()
    )
    assert expected > 0, "the demo has commendations of Thái Nguyên for 2024"
    # Every chart is drawn (Chart.js sized its canvas) and has its table beneath.
    charts = page.locator("canvas[data-chart]")
    assert charts.count() >= 5
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && Chart.getChart(c))"
    )
    assert page.locator("main table caption").count() >= charts.count()
    expect(page.locator("main")).to_contain_text(str(expected))
    screenshot(page, "stats-dashboard-2024")
    axe.scan(page, "stats-dashboard-2024")

    # The whole dashboard as Excel, one sheet per chart, with the same filters.
    with page.expect_download() as info:
        page.get_by_role("link", name=vi("Download everything (Excel)")).click()
    workbook_path = SCREENSHOTS / "thong-ke-2024.xlsx"
    info.value.save_as(str(workbook_path))
    workbook = load_workbook(workbook_path, read_only=True)
    assert len(workbook.sheetnames) >= 5
    cells = [
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert expected in cells

    # Print the certificates of a decision: one page per recipient, each with its code.
    decision = a_decision_of_thai_nguyen()
    assert decision is not None
    page.goto(f"/register/decisions/{decision.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=vi("Certificates and verification codes")).click()
    screenshot(page, "certificates-decision")
    axe.scan(page, "certificates-decision")
    # Printing is a button (a POST with the page's CSRF token). The browser shows the PDF in its
    # viewer, which hides the bytes from the page: the request the button makes is passed on to
    # the server unchanged and its answer kept on the way back.
    certificates_page = page.url
    answers: list[Any] = []

    def keep(route: Any) -> None:
        answers.append(route.fetch())
        route.fulfill(response=answers[-1])

    page.route("**/print.pdf", keep)
    with page.expect_response(lambda r: r.url.endswith("/print.pdf")) as printed:
        page.get_by_role("button", name=vi("Print the certificates")).click()
    page.unroute("**/print.pdf")
    assert printed.value.request.method == "POST"
    assert len(answers) == 1
    response = answers[0]
    assert response.ok and response.headers["content-type"] == "application/pdf"
    (tmp_path / "bang-khen.pdf").write_bytes(response.body())
    reader = PdfReader(io.BytesIO(response.body()))
    certificates = list(Certificate.objects.filter(record__decision=decision).order_by("pk"))
    assert len(reader.pages) == decision.n == len(certificates)
    first = certificates[0]
    page_texts = [p.extract_text().replace("-", "").replace(" ", "") for p in reader.pages]
    assert all(
        sum(c.code.replace("-", "") in text for c in certificates) == 1 for text in page_texts
    ), "each page carries exactly one of the codes"
    page.goto(certificates_page)
    expect(page.locator("main table")).to_contain_text(first.display_code)

    # A member of the public, on a phone and not signed in, types the code.
    public = new_context(browser, live_server, {"width": 360, "height": 740})
    try:
        phone = public.new_page()
        phone.goto("/verify/")
        axe.scan(phone, "verify-form")
        phone.get_by_role("textbox", name=vi("Verification code")).fill(
            first.display_code.lower().replace("-", " ")
        )
        with phone.expect_navigation():
            phone.get_by_role("button", name=vi("Verify")).click()
        person, org = first.record.person, first.record.org
        name = person.full_name if person is not None else org.name if org is not None else ""
        expect(phone.locator("main")).to_contain_text(name)
        expect(phone.locator("main")).to_contain_text(decision.number)
        if person is not None and person.birth_year:
            expect(phone.locator("main")).not_to_contain_text(str(person.birth_year))
        screenshot(phone, "verify-valid-mobile")
        axe.scan(phone, "verify-valid")
        phone.goto("/verify/TD-0000-0000-0000/")
        expect(phone.locator("h1")).to_be_visible()
        screenshot(phone, "verify-unknown-mobile")
        axe.scan(phone, "verify-unknown")
    finally:
        public.close()
    axe.assert_clean()
