"""axe-core on the pages the journey does not visit, as the administrator `quantri`.

Each page is scanned as rendered for a signed-in administrator with the demo data; any violation
of impact "serious" or "critical" fails the test, with its rule id, help text and target nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import vi

ADMIN = "quantri"


def person_with_history() -> str:
    """A demo person who changed units (a richer page: postings table); else the first one."""
    from people.models import Person

    person = (
        Person.objects.filter(postings__isnull=False)
        .distinct()
        .order_by("-postings__start_date")
        .first()
        or Person.objects.order_by("id").first()
    )
    assert person is not None, "the demo data has no person"
    return f"/people/{person.pk}/"


def cluster_pk(code: str) -> int:
    from clusters.models import Cluster

    return Cluster.objects.get(code=code).pk


def meeting_pk(code: str) -> int:
    from clusters.models import Meeting

    return Meeting.objects.filter(cluster_year__cluster__code=code).values_list("pk", flat=True)[0]


def org_pk(code: str) -> int:
    from orgs.models import Org

    return Org.objects.values_list("pk", flat=True).get(code=code)


def scoring_table_pk(year: int = 2017) -> int:
    from scoring.models import ScoringTable

    return ScoringTable.objects.values_list("pk", flat=True).get(cluster_year__year=year)


def demo_recipient_failing_check() -> str:
    """The recipient of the demo's Thái Nguyên draft who fails the eligibility check: as the
    administrator, the page shows the form to override the check with a reason."""
    from dossiers.models import DossierRecipient
    from dossiers.selectors import eligibility_check

    for r in DossierRecipient.objects.filter(
        dossier__code="CSTD_BO", dossier__status="draft", removed_at__isnull=True
    ).select_related("dossier", "person"):
        if not eligibility_check(r.dossier, r)[0].ok:
            return f"/dossiers/recipients/{r.pk}/"
    raise AssertionError("the demo's draft dossier has no recipient failing the check")


PAGES: list[tuple[str, Callable[[], str]]] = [
    ("people-list", lambda: "/people/"),
    ("person-detail", person_with_history),
    ("import", lambda: "/imports/"),
    ("profile", lambda: "/accounts/profile/"),
    ("tokens", lambda: "/accounts/tokens/"),
    ("audit-log", lambda: "/audit/"),
    ("clusters", lambda: "/clusters/"),
    ("cluster-detail", lambda: f"/clusters/{cluster_pk('CTD-VHTTDL-DBSH')}/"),
    ("cluster-year", lambda: f"/clusters/{cluster_pk('CTD-VHTTDL-DBSH')}/years/2018/"),
    ("cluster-open-year", lambda: f"/clusters/{cluster_pk('CTD-MNBG')}/years/new/"),
    ("meeting", lambda: f"/clusters/meetings/{meeting_pk('CTD-BTB')}/"),
    ("meeting-new", lambda: f"/clusters/{cluster_pk('CTD-BTB')}/years/2018/meetings/new/"),
    ("covenant", lambda: f"/clusters/{cluster_pk('CTD-MNBG')}/years/2017/covenant/"),
    ("reports", lambda: f"/clusters/{cluster_pk('CTD-MNBG')}/years/2016/reports/"),
    ("indicators", lambda: f"/clusters/{cluster_pk('CTD-MNBG')}/years/2016/indicators/"),
    ("movements", lambda: "/movements/"),
    ("scoring-table", lambda: f"/scoring/{cluster_pk('CTD-MNBG')}/years/2017/"),
    ("scoring-preview", lambda: f"/scoring/tables/{scoring_table_pk()}/preview/"),
    ("scoring-crosscheck", lambda: f"/scoring/tables/{scoring_table_pk()}/crosscheck/"),
    (
        "scoring-sheet",
        lambda: f"/scoring/{cluster_pk('CTD-MNBG')}/years/2017/sheets/{org_pk('14')}/",
    ),
    (
        "scoring-sheet-settled",
        lambda: f"/scoring/{cluster_pk('CTD-MNBG')}/years/2016/sheets/{org_pk('12')}/",
    ),
    ("scoring-results", lambda: f"/scoring/tables/{scoring_table_pk(2016)}/results/"),
    ("votes", lambda: "/votes/"),
    ("poll-new", lambda: f"/votes/new/?meeting={meeting_pk('CTD-BTB')}"),
    ("dossier-calendar-edit", lambda: "/dossiers/calendar/"),
    ("dossier-recipient-override", demo_recipient_failing_check),
]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_page_has_no_serious_axe_violation(
    name: str,
    path: Callable[[], str],
    page: Page,
    demo: Any,
    sign_in: Any,
    axe: Any,
    screenshot: Any,
) -> None:
    sign_in(page, ADMIN, demo.password)
    url = path()
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, f"a11y-{name}")
    axe.scan(page, f"a11y-{name}")
    axe.assert_clean()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_new_token_callout_has_no_serious_axe_violation(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    """The tokens page once a token exists: the one-time secret callout and the table's row."""
    sign_in(page, ADMIN, demo.password)
    page.goto("/accounts/tokens/")
    page.get_by_label(vi("Token name")).fill("báo cáo thống kê")
    with page.expect_navigation():
        page.locator("main form[method=post]").first.get_by_role("button").click()
    expect(page.locator("#new-token")).to_have_text(re.compile(r"\S{20,}"))
    expect(page.locator("main table tbody tr").first).to_contain_text("báo cáo thống kê")
    screenshot(page, "a11y-tokens-new-secret")
    axe.scan(page, "a11y-tokens-new-secret")
    axe.assert_clean()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_people_search_results_have_no_serious_axe_violation(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    """The people list after an htmx search (the swapped-in #results must stay accessible)."""
    from people.models import Person

    someone = Person.objects.order_by("id").first()
    assert someone is not None
    family = someone.full_name.split()[0]
    sign_in(page, ADMIN, demo.password)
    page.goto("/people/")
    with page.expect_response(
        lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_role("searchbox").fill(family)
    expect(page.locator("#results tbody tr").first).to_contain_text(family)
    screenshot(page, "a11y-people-search")
    axe.scan(page, "a11y-people-search")
    axe.assert_clean()
