"""The voting journey of the issue, in a real browser.

"The secretariat opens a poll at the year-end meeting; seven delegates vote on phone screens; the
poll closes; results and the minutes PDF appear; the new head is set for next year."

Seed 004's cluster of seven northern border provinces, 2017 (headed by Lào Cai). The meeting, the
secretariat's and the delegates' accounts are made through the services; the poll is created,
opened, voted, closed and published in the browser. Lạng Sơn has two focal points (the demo's and
its delegate), so the secretariat designates its delegate on the roll by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import DEMO_PASSWORD, MOBILE, new_context

SECRETARIAT = "thuky.laocai"
MEMBERS = ["10", "20", "14", "02", "12", "04", "11"]
WINNER, RUNNER_UP = "14", "02"  # Sơn La, Hà Giang
CHOICES = {"10": "14", "20": "14", "14": "02", "02": "14", "12": "14", "04": "02", "11": "14"}


def delegate(code: str) -> str:
    return f"daibieu.{code}"


def prepare() -> int:
    """The year-end meeting of 2017 and the accounts; the meeting's pk."""
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from clusters.models import ClusterYear
    from clusters.services import meeting_create
    from orgs.models import Org

    cy = ClusterYear.objects.get(cluster__code="CTD-MNBG", year=2017)
    meeting = meeting_create(
        actor=None,
        cluster_year=cy,
        kind="year_end",
        date=dt.date(2017, 12, 15),
        place="Lào Cai",
        host=Org.objects.get(code="10"),
    )
    accounts = [(SECRETARIAT, Role.SECRETARIAT, "10")] + [
        (delegate(code), Role.FOCAL_POINT, code) for code in MEMBERS
    ]
    for username, role, code in accounts:
        user = user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=f"Đại biểu {code}",
            email=f"{username}@example.org",
        )
        membership_grant(actor=None, user=user, role=role, org=Org.objects.get(code=code))
    return meeting.pk


def org_pk(code: str) -> int:
    from orgs.models import Org

    return Org.objects.values_list("pk", flat=True).get(code=code)


def org_name(code: str) -> str:
    from orgs.models import Org

    return Org.objects.values_list("name", flat=True).get(code=code)


def sign_in_as(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    assert "/accounts/login/" not in page.url


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_year_end_vote_elects_next_years_head(
    browser: Browser, page: Page, demo: Any, live_server: Any, axe: Any, screenshot: Any
) -> None:
    meeting_pk = prepare()

    # The secretariat drafts the poll from the meeting.
    sign_in_as(page, SECRETARIAT)
    page.goto(f"/clusters/meetings/{meeting_pk}/")
    page.locator("#new-poll").click()
    page.locator("#id_question").fill("Suy tôn Cụm trưởng năm 2018")
    page.locator("#id_purpose").select_option("head")
    page.locator("#id_method").select_option("plurality")
    page.locator("#id_tie_break").select_option("none")
    for code in MEMBERS:
        page.locator(f"#cand-{org_pk(code)}").check()
    axe.scan(page, "poll-new")
    page.get_by_role("button", name="Tạo cuộc bỏ phiếu").click()
    expect(page.locator("#poll-status")).to_have_text("Nháp")
    poll_url = page.url

    # Lạng Sơn has two focal points: its delegate is designated by hand; then the vote opens.
    expect(page.locator("#roll .badge.late")).to_have_count(1)
    page.locator("#d-org").select_option(str(org_pk("20")))
    page.locator("#d-user").fill(delegate("20"))
    page.get_by_role("button", name="Chỉ định").click()
    expect(page.locator("#roll .badge.late")).to_have_count(0)
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.locator("#poll-status")).to_have_text("Đang mở")
    expect(page.locator("#live-count")).to_contain_text("0/7")
    screenshot(page, "poll-open")
    axe.scan(page, "poll-open")

    # Seven delegates vote on 360 px phones, each with a confirmation step and a receipt.
    receipts: dict[str, str] = {}
    for index, code in enumerate(MEMBERS):
        context = new_context(browser, live_server, MOBILE)
        phone = context.new_page()
        sign_in_as(phone, delegate(code))
        phone.goto("/votes/")
        phone.locator("#to-vote a").first.click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Suy tôn Cụm trưởng năm 2018")
        phone.locator("label", has_text=org_name(CHOICES[code])).click()
        if index == 0:
            screenshot(phone, "ballot-phone")
            axe.scan(phone, "ballot-phone")
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"the ballot scrolls sideways on a phone: {width}px"
        phone.locator("#review-vote").click()
        expect(phone.locator("#ballot-summary")).to_contain_text(org_name(CHOICES[code]))
        if index == 0:
            axe.scan(phone, "ballot-confirm")
        phone.locator("#confirm-vote").click()
        receipt = phone.locator("#receipt").inner_text().strip()
        assert len(receipt) == 14 and receipt.count("-") == 2
        receipts[code] = receipt
        if index == 0:
            screenshot(phone, "ballot-receipt")
            # A second attempt changes nothing.
            phone.goto(poll_url + "ballot/")
            expect(phone.locator("#already-voted")).to_be_visible()
        context.close()
    assert len(set(receipts.values())) == 7

    # The count shows seven ballots; the poll closes, the result and the minutes appear.
    page.goto(poll_url)
    expect(page.locator("#live-count")).to_contain_text("7/7")
    page.get_by_role("button", name="Đóng và kiểm phiếu").click()
    expect(page.locator("#result-table tbody tr").first).to_contain_text(org_name(WINNER))
    expect(page.locator("#result-table tbody tr").first).to_contain_text("5")
    with page.expect_download() as download:
        page.get_by_role("link", name="Biên bản kiểm phiếu (PDF)").click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator("#poll-status")).to_have_text("Đã công bố")
    screenshot(page, "poll-published")
    axe.scan(page, "poll-published")

    # The new head is set for 2018.
    from clusters.models import ClusterYear

    next_year = ClusterYear.objects.select_related("head").get(cluster__code="CTD-MNBG", year=2018)
    assert next_year.head is not None and next_year.head.code == WINNER
    page.goto(f"/clusters/{next_year.cluster_id}/years/2018/")
    expect(page.locator("main")).to_contain_text(org_name(WINNER))

    # A delegate finds its receipt among those counted.
    context = new_context(browser, live_server, MOBILE)
    phone = context.new_page()
    sign_in_as(phone, delegate("11"))
    phone.goto(poll_url)
    expect(phone.locator("#receipts")).to_contain_text(receipts["11"])
    context.close()
    axe.assert_clean()
