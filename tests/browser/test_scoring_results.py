"""The scoring results page in a real browser: the ranking, the bar charts drawn by Chart.js from
the page's own data, axe-core clean."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

ADMIN = "quantri"


def settle_every_member() -> int:
    """Settle each member's sheet of the demo's locked table (seed 004, 2017); its pk."""
    from scoring.assessment import self_save, sheet_finalize, sheet_for, sheet_submit
    from scoring.models import ScoringTable
    from scoring.services import engine_table

    table = ScoringTable.objects.get(
        cluster_year__cluster__code="CTD-MNBG", cluster_year__year=2017
    )
    leaves = engine_table(table).leaves()
    members = [m.org for m in table.cluster_year.members.select_related("org")]
    for index, org in enumerate(members):
        sheet = sheet_for(table=table, org=org)
        for criterion in leaves:
            value = {"pass_fail": 1, "quantitative": 90 + index * 3}.get(criterion.kind, index % 4)
            target = 100 if criterion.kind == "quantitative" else None
            self_save(actor=None, sheet=sheet, code=criterion.code, value=value, target=target)
        sheet_finalize(actor=None, sheet=sheet_submit(actor=None, sheet=sheet))
    return table.pk


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_the_results_page_draws_its_charts_and_is_accessible(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any
) -> None:
    table_pk = settle_every_member()
    sign_in(page, ADMIN, demo.password)

    page.goto(f"/scoring/tables/{table_pk}/results/")

    expect(page.locator("#results tbody tr")).to_have_count(7)
    expect(page.locator("#results tbody tr").first).to_have_attribute("data-proposal", "flag")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-totals') !== undefined")
    drawn = page.evaluate("() => Chart.getChart('chart-groups').data.datasets.length")
    assert drawn == 3  # groups A, B and D of the sample table
    screenshot(page, "scoring-results")
    axe.scan(page, "scoring-results")
    axe.assert_clean()
