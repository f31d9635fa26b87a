"""The scoring journey of the issue, in a real browser.

"Copy last year's table, publish, two members self-score with evidence, a reviewer disputes one
criterion, the member explains, the final review settles it, the ranking shows; axe clean."

The cluster, its two years, last year's table and the accounts are made through the services;
everything the issue names is done in the browser. The years are 2023 and 2024, when Cao Bằng,
Lạng Sơn and Quảng Ninh were provinces of their own; 2024 is the cluster's current year, headed by
Cao Bằng, whose secretariat runs it. Lạng Sơn scores on a 360 px phone, Quảng Ninh on a desktop and
then cross-checks Lạng Sơn; the head unit's own sheet is settled through the services (its focal
point is not part of the journey), since the ranking needs every member's sheet settled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from .conftest import DEMO_PASSWORD, MOBILE, new_context, vi

SECRETARIAT = "thuky.caobang"  # secretariat of the head unit, Cao Bằng
FOCAL_B = "daumoi.ls.hanhtrinh"  # focal point of Lạng Sơn, a member (not the demo account)
FOCAL_C = "daumoi.quangninh"  # focal point of Quảng Ninh, a member (and Lạng Sơn's reviewer)
HEAD_CODE, B_CODE, C_CODE = "04", "20", "22"  # Cao Bằng, Lạng Sơn, Quảng Ninh
CLUSTER_CODE = "CTD-DB-CHAM"
LAST_YEAR, YEAR = 2023, 2024
PDF = b"%PDF-1.4\n% minh chung cham diem thi dua - tep thu nghiem\n%%EOF\n"

# Each member's own values, criterion by criterion (leaf codes of the sample table): the value as
# typed in the Vietnamese way, and the target of the quantitative criterion A1.
SELF_B: dict[str, tuple[str, str | None]] = {
    "A1": ("104,5", "100"),
    "A2": ("7,8", None),
    "B1": ("1", None),
    "B2": ("4", None),
    "C": ("1", None),
    "D1": ("1", None),
    "D2": ("4", None),
    "T": ("1", None),
    "P": ("0", None),
}
SELF_C: dict[str, tuple[str, str | None]] = {
    "A1": ("98", "100"),
    "A2": ("10,2", None),
    "B1": ("1", None),
    "B2": ("5", None),
    "C": ("1", None),
    "D1": ("1", None),
    "D2": ("3", None),
    "T": ("0", None),
    "P": ("1", None),
}
SELF_HEAD: dict[str, tuple[str, str | None]] = {
    "A1": ("100", "100"),
    "A2": ("7", None),
    "B1": ("1", None),
    "B2": ("3", None),
    "C": ("1", None),
    "D1": ("0", None),
    "D2": ("2", None),
    "T": ("0", None),
    "P": ("0", None),
}
NOTE_A1 = "Thu ngân sách năm 2024 đạt 104,5% kế hoạch được giao."
DISPUTE = "Chỉ 2 điển hình có quyết định công nhận; 2 điển hình còn lại chưa có văn bản."
EXPLANATION = "Điển hình thứ ba được UBND tỉnh công nhận tại Quyết định 1520/QĐ-UBND (kèm theo)."
SETTLEMENT = "Công nhận 3 điển hình có quyết định; điển hình thứ tư chưa đủ hồ sơ."


@dataclass
class Journey:
    """What the services set up."""

    cluster: Any
    head: Any
    b: Any
    c: Any
    last_table: Any

    @property
    def year_url(self) -> str:
        return reverse("clusters:year-detail", args=[self.cluster.pk, YEAR])

    @property
    def table_url(self) -> str:
        return reverse("scoring:table", args=[self.cluster.pk, YEAR])

    def sheet_url(self, org: Any) -> str:
        return reverse("scoring:sheet", args=[self.cluster.pk, YEAR, org.pk])

    def table(self) -> Any:
        """This year's current scoring table."""
        from scoring.models import ScoringTable, TableStatus

        return (
            ScoringTable.objects.filter(cluster_year__cluster=self.cluster, cluster_year__year=YEAR)
            .exclude(status=TableStatus.SUPERSEDED)
            .get()
        )

    def sheet(self, org: Any) -> Any:
        from scoring.models import Sheet

        return Sheet.objects.get(table=self.table(), org=org)


def set_up() -> Journey:
    """The cluster; 2023 with its table (the sample) published and locked; 2024 opened with Cao
    Bằng as head (members copied from 2023); the secretariat and the members' focal points."""
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from clusters.services import cluster_create, cluster_year_open
    from orgs.models import Org
    from scoring.services import table_create, table_lock, table_publish
    from scoring.starter import STARTER

    council = Org.objects.get(code="TW-HDTDKT")
    head, b, c = (Org.objects.get(code=code) for code in (HEAD_CODE, B_CODE, C_CODE))
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=council,
        code=CLUSTER_CODE,
        name="Cụm thi đua các tỉnh biên giới Đông Bắc (chấm điểm thử nghiệm)",
    )
    last = cluster_year_open(
        actor=None, cluster=cluster, year=LAST_YEAR, members=[head, b, c], head=head, deputy=b
    )
    last_table = table_create(
        actor=None,
        cluster_year=last,
        title=f"Bảng chấm điểm thi đua năm {LAST_YEAR} của Cụm các tỉnh biên giới Đông Bắc",
        data=STARTER,
    )
    last_table = table_lock(actor=None, table=table_publish(actor=None, table=last_table))
    cluster_year_open(actor=None, cluster=cluster, year=YEAR, head=head)
    for username, role, org, email in (
        (SECRETARIAT, Role.SECRETARIAT, head, "thuky.caobang@example.org"),
        (FOCAL_B, Role.FOCAL_POINT, b, "daumoi.langson@example.org"),
        (FOCAL_C, Role.FOCAL_POINT, c, "daumoi.quangninh@example.org"),
    ):
        user = user_create(
            actor=None, username=username, password=DEMO_PASSWORD, full_name=username, email=email
        )
        membership_grant(actor=None, user=user, role=role, org=org)
    return Journey(cluster=cluster, head=head, b=b, c=c, last_table=last_table)


def settle_head_unit(journey: Journey) -> None:
    """The head unit's own sheet, filled, submitted and settled through the services."""
    from core.text import parse_number
    from scoring.assessment import self_save, sheet_finalize, sheet_for, sheet_submit

    sheet = sheet_for(table=journey.table(), org=journey.head)
    for code, (value, target) in SELF_HEAD.items():
        self_save(actor=None, sheet=sheet, code=code, value=parse_number(value), target=target)
    sheet_finalize(actor=None, sheet=sheet_submit(actor=None, sheet=sheet))


# --------------------------------------------------------------------------------------------
# Browser helpers


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def no_sideways_scroll(page: Page) -> None:
    """At 360 px the page itself never scrolls sideways (a wide table scrolls inside its wrap)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1
                         && !e.closest('.table-wrap, .visually-hidden, .skip-link'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string' ? '.' + e.className : ''))""",
        MOBILE["width"],
    )
    assert width <= MOBILE["width"], (
        f"{page.url} scrolls sideways at {MOBILE['width']} px: scrollWidth={width}; wide: {wide}"
    )


def submit(form: Locator, button: str = "button[type=submit]") -> None:
    """Click a form's submit button and wait for the page it leads to."""
    with form.page.expect_navigation():
        form.locator(button).click()


def message(page: Page, msgid: str, **values: str) -> None:
    """The page shows the success message `msgid` (in Vietnamese)."""
    text = vi(msgid) % values if values else vi(msgid)
    expect(page.locator("#messages .message-success")).to_have_text(text)


def card(page: Page, code: str) -> Locator:
    """A criterion's card on the sheet page."""
    return page.locator(f"main section#c-{code}")


def self_score(page: Page, code: str, value: str, target: str | None, note: str = "") -> None:
    """Save one criterion's own value. The page reloads after each save with the sheet's next
    version in the form, so the form is found again for every criterion."""
    form = card(page, code).locator("form[action$='/save/']")
    version = int(form.locator("input[name=version]").input_value())
    form.get_by_label(value_label(code)).fill(value)
    if target is not None:
        form.get_by_label(vi("Target"), exact=True).fill(target)
    if note:
        form.get_by_label(vi("Explanation"), exact=True).fill(note)
    submit(form)
    message(page, "%(code)s saved.", code=code)
    assert urlsplit(page.url).fragment == f"c-{code}", page.url
    form = card(page, code).locator("form[action$='/save/']")
    expect(form.locator("input[name=version]")).to_have_value(str(version + 1))
    expect(form.locator("input[name=value]")).to_have_value(value)


def value_label(code: str) -> str:
    """The label of a criterion's value field, by its kind in the sample table."""
    if code in ("B1", "C", "D1"):
        return vi("Met (1) or not (0)")
    if code in ("A1", "A2"):
        return vi("Actual value")
    return vi("Number of occurrences")


def attach(page: Page, code: str, file_name: str) -> None:
    """Attach a PDF as evidence of one criterion."""
    form = card(page, code).locator("form[action$='/evidence/']")
    form.locator("input[type=file]").set_input_files(
        {"name": file_name, "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(form)
    message(page, "The evidence is attached.")
    expect(card(page, code).get_by_role("link", name=file_name)).to_be_visible()


def fill_sheet(page: Page, values: dict[str, tuple[str, str | None]], evidence: str) -> None:
    """Every criterion, then a PDF on the first one (A1), as a member does."""
    for code, (value, target) in values.items():
        self_score(page, code, value, target, NOTE_A1 if code == "A1" else "")
    attach(page, "A1", evidence)


def sheet_row(page: Page, org: Any) -> Locator:
    return page.locator("#sheets tbody tr", has=page.get_by_role("link", name=org.name))


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded evidence goes to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sessions(browser: Browser, live_server: Any, demo: Any) -> Iterator[ExitStack]:
    """Closes the further browser contexts a test opens (one per person, each its own session)."""
    with ExitStack() as stack:
        yield stack


def session(stack: ExitStack, browser: Browser, live_server: Any, viewport: ViewportSize) -> Page:
    context = new_context(browser, live_server, viewport)
    stack.callback(context.close)
    return context.new_page()


# --------------------------------------------------------------------------------------------
# The journey


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_last_years_table_copied_members_score_a_dispute_is_settled_the_ranking_shows(
    page: Page,
    browser: Browser,
    live_server: Any,
    demo: Any,
    sessions: ExitStack,
    media_root: Path,
    sign_in: Any,
    axe: Any,
    screenshot: Any,
) -> None:
    from scoring.models import Evidence, Mark, SheetStatus, Stage, TableStatus

    journey = set_up()
    found: dict[str, list[dict[str, Any]]] = {}

    def scan(page: Page, name: str) -> None:
        """axe-core on the page; every violation is kept, whatever its impact."""
        found[name] = axe.scan(page, name)

    # 1. The secretariat opens the year's scoring table from the year's page: none yet; it copies
    # last year's, publishes it and locks it, which opens scoring.
    secretariat = page
    sign_in(secretariat, SECRETARIAT)
    secretariat.goto(journey.year_url)
    secretariat.locator(f"main a[href='{journey.table_url}']").click()
    secretariat.wait_for_url(re.compile(rf"/scoring/{journey.cluster.pk}/years/{YEAR}/$"))
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text(str(YEAR))
    expect(secretariat.locator("main")).to_contain_text(vi("No scoring table for this year yet."))
    submit(
        secretariat.locator("main form", has=secretariat.locator("input[value=last_year]")),
    )
    assert path_of(secretariat) == journey.table_url, secretariat.url
    message(secretariat, "Last year's table is copied as this year's draft.")
    title = f"Bảng chấm điểm thi đua năm {YEAR} của Cụm các tỉnh biên giới Đông Bắc"
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(title)
    expect(secretariat.locator("#table-status")).to_have_text(vi("Draft"))
    expect(secretariat.locator("main dl.facts")).to_contain_text(journey.last_table.title)
    codes = secretariat.locator("#criteria tbody tr td:first-child").all_inner_texts()
    assert codes == ["A", "A1", "A2", "B", "B1", "B2", "C", "D", "D1", "D2", "T", "P"], codes
    expect(secretariat.locator("#table-problems")).to_have_count(0)
    screenshot(secretariat, "scoring-journey-01-table-copied-secretariat")
    scan(secretariat, "scoring-journey-01-table-draft")
    assert journey.table().copied_from_id == journey.last_table.pk

    submit(secretariat.locator("main form[action$='/publish/']"))
    message(secretariat, "The scoring table is published to the members.")
    expect(secretariat.locator("#table-status")).to_have_text(vi("Published"))
    submit(secretariat.locator("main form[action$='/lock/']"))
    message(secretariat, "The scoring table is locked: scoring can open.")
    expect(secretariat.locator("#table-status")).to_have_text(vi("Locked: scoring is open"))
    crosscheck_url = reverse("scoring:crosscheck", args=[journey.table().pk])
    expect(secretariat.locator(f"main a[href='{crosscheck_url}']")).to_be_visible()
    screenshot(secretariat, "scoring-journey-02-table-locked-secretariat")
    scan(secretariat, "scoring-journey-02-table-locked")
    assert journey.table().status == TableStatus.LOCKED

    settle_head_unit(journey)

    # 2. Lạng Sơn on a 360 px phone, Quảng Ninh on a desktop: each finds its sheet from the
    # table page, scores every criterion, attaches a PDF and submits.
    member_b = session(sessions, browser, live_server, MOBILE)
    member_c = session(sessions, browser, live_server, {"width": 1280, "height": 900})
    for member, username, org, values, slug in (
        (member_b, FOCAL_B, journey.b, SELF_B, "lang-son"),
        (member_c, FOCAL_C, journey.c, SELF_C, "quang-ninh"),
    ):
        sign_in(member, username)
        member.goto(journey.table_url)
        sheet_link = member.locator(f"main a[href='{journey.sheet_url(org)}']")
        expect(sheet_link).to_have_count(1)  # its own sheet only
        sheet_link.click()
        member.wait_for_url(re.compile(rf"/sheets/{org.pk}/$"))
        expect(member.get_by_role("heading", level=1)).to_contain_text(org.name)
        expect(member.locator("#sheet-status")).to_have_text(vi("Self-assessment being filled"))
        fill_sheet(member, values, f"minh-chung-a1-{YEAR}-{slug}.pdf")
        if member is member_b:
            no_sideways_scroll(member_b)
            screenshot(member_b, "scoring-journey-03-sheet-filled-360-lang-son")
            scan(member_b, "scoring-journey-03-sheet-filled-360")
        submit(member.locator("main form[action$='/submit/']"))
        message(member, "The self-assessment is submitted for the cross-check.")
        expect(member.locator("#sheet-status")).to_have_text(vi("Submitted, under cross-check"))
        expect(member.locator("main form[action$='/save/']")).to_have_count(0)  # read-only now
        expect(card(member, "A1")).to_contain_text(NOTE_A1)

    no_sideways_scroll(member_b)
    screenshot(member_b, "scoring-journey-04-sheet-submitted-360-lang-son")
    scan(member_b, "scoring-journey-04-sheet-submitted-360")
    own_b = {
        m.code: (m.value, m.target)
        for m in Mark.objects.filter(sheet=journey.sheet(journey.b), stage=Stage.SELF)
    }
    assert own_b["A1"] == (Decimal("104.5"), Decimal("100")), own_b["A1"]
    assert own_b["A2"] == (Decimal("7.8"), None), own_b["A2"]
    assert len(own_b) == len(SELF_B)
    evidence = Evidence.objects.get(sheet=journey.sheet(journey.b))
    assert (evidence.code, evidence.file_name) == ("A1", f"minh-chung-a1-{YEAR}-lang-son.pdf")
    assert evidence.file.read() == PDF
    assert Path(evidence.file.path).is_relative_to(media_root)

    # 3. The secretariat assigns Quảng Ninh to cross-check Lạng Sơn.
    secretariat.goto(journey.table_url)
    secretariat.locator(f"main a[href='{crosscheck_url}']").click()
    secretariat.wait_for_url(re.compile(r"/crosscheck/$"))
    expect(secretariat.locator("#sheets tbody tr")).to_have_count(3)
    form = secretariat.locator("main form", has=secretariat.locator("input[value=assign]"))
    form.get_by_label(vi("Member reviewed")).select_option(label=journey.b.name)
    form.get_by_label(vi("Reviewing unit (code)")).fill(C_CODE)
    submit(form)
    message(secretariat, "The reviewer is assigned.")
    row = sheet_row(secretariat, journey.b)
    expect(row.locator("td").nth(0)).to_have_text(vi("Submitted, under cross-check"))
    expect(row.locator("td").nth(1)).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    expect(row.locator("td").nth(2)).to_have_text(journey.c.name)
    expect(sheet_row(secretariat, journey.head).locator("td").nth(0)).to_have_text(
        vi("Settled and locked")
    )
    screenshot(secretariat, "scoring-journey-05-crosscheck-assigned-secretariat")
    scan(secretariat, "scoring-journey-05-crosscheck")

    # 4. Quảng Ninh opens Lạng Sơn's sheet (no page links a reviewer to it: by its address) and
    # disputes D2: two outstanding examples proved, not four.
    member_c.goto(journey.sheet_url(journey.b))
    expect(member_c.locator("#sheet-status")).to_have_text(vi("Submitted, under cross-check"))
    expect(card(member_c, "A1").get_by_role("link", name=evidence.file_name)).to_be_visible()
    review = card(member_c, "D2").locator("form[action$='/review/']")
    review.locator("input[name=value]").fill("2")
    review.get_by_label(vi("Reason, when it differs")).fill(DISPUTE)
    submit(review)
    message(member_c, "%(code)s saved.", code="D2")
    expect(card(member_c, "D2").locator(".badge.late")).to_have_text(vi("Disputed"))
    expect(card(member_c, "D2").locator("ul.reviews")).to_contain_text(DISPUTE)
    for code in ("A1", "D1"):
        expect(card(member_c, code).locator(".badge.late")).to_have_count(0)
    screenshot(member_c, "scoring-journey-06-dispute-quang-ninh")
    scan(member_c, "scoring-journey-06-sheet-cross-check")

    # 5. The secretariat sees the dispute and asks Lạng Sơn to explain.
    secretariat.reload()
    expect(sheet_row(secretariat, journey.b).locator("td").nth(3)).to_have_text("1")
    sheet_row(secretariat, journey.b).get_by_role("link", name=journey.b.name).click()
    secretariat.wait_for_url(re.compile(rf"/sheets/{journey.b.pk}/$"))
    settle = secretariat.locator("main form[action$='/step/']")
    expect(settle.locator("fieldset legend")).to_have_text(re.compile(r"^D2\. "))
    submit(settle, "button[name=action][value=explanations]")
    message(secretariat, "The member is asked to explain the disputed criteria.")
    expect(secretariat.locator("#sheet-status")).to_have_text(vi("Explaining disputed criteria"))

    # 6. Lạng Sơn, on its phone, explains D2 (its value stands: no corrected value).
    member_b.goto(journey.table_url)
    member_b.locator(f"main a[href='{journey.sheet_url(journey.b)}']").click()
    member_b.wait_for_url(re.compile(rf"/sheets/{journey.b.pk}/$"))
    expect(member_b.locator("#sheet-status")).to_have_text(vi("Explaining disputed criteria"))
    expect(member_b.locator("main form[action$='/explain/']")).to_have_count(1)  # D2 only
    expect(card(member_b, "D2").locator("ul.reviews")).to_contain_text(DISPUTE)
    explain = card(member_b, "D2").locator("form[action$='/explain/']")
    explain.get_by_label(vi("Explanation"), exact=True).fill(EXPLANATION)
    no_sideways_scroll(member_b)
    screenshot(member_b, "scoring-journey-07-explaining-360-lang-son")
    scan(member_b, "scoring-journey-07-sheet-explaining-360")
    submit(explain)
    message(member_b, "%(code)s saved.", code="D2")
    history = card(member_b, "D2").locator("details")
    history.locator("summary").click()
    expect(history).to_contain_text(EXPLANATION)
    no_sideways_scroll(member_b)
    screenshot(member_b, "scoring-journey-08-explained-360-lang-son")

    # 7. The final review: the secretariat reads the explanation, settles D2 at three with its
    # reason and locks the sheet; then settles Quảng Ninh's sheet, which nobody disputed.
    secretariat.reload()
    history = card(secretariat, "D2").locator("details")
    history.locator("summary").click()
    expect(history).to_contain_text(EXPLANATION)
    settle = secretariat.locator("main form[action$='/step/']")
    settle.get_by_label(vi("Settled value")).fill("3")
    settle.get_by_label(vi("Reason"), exact=True).fill(SETTLEMENT)
    expect(settle.locator("button[name=action][value=explanations]")).to_have_count(0)
    screenshot(secretariat, "scoring-journey-09-final-review-secretariat")
    scan(secretariat, "scoring-journey-09-final-review")
    submit(settle, "button[name=action][value=settle]")
    message(secretariat, "The sheet is settled and locked.")
    expect(secretariat.locator("#sheet-status")).to_have_text(vi("Settled and locked"))
    expect(secretariat.locator("main form[action$='/step/']")).to_have_count(0)
    final_b = {
        m.code: (m.value, m.note)
        for m in Mark.objects.filter(sheet=journey.sheet(journey.b), stage=Stage.FINAL)
    }
    assert final_b["D2"] == (Decimal("3"), SETTLEMENT), final_b["D2"]
    assert final_b["A1"] == (Decimal("104.5"), ""), final_b["A1"]  # undisputed: its own value
    assert len(final_b) == len(SELF_B)

    secretariat.goto(crosscheck_url)
    sheet_row(secretariat, journey.c).get_by_role("link", name=journey.c.name).click()
    secretariat.wait_for_url(re.compile(rf"/sheets/{journey.c.pk}/$"))
    settle = secretariat.locator("main form[action$='/step/']")
    expect(settle.locator("fieldset")).to_have_count(0)  # nothing disputed
    submit(settle, "button[name=action][value=settle]")
    message(secretariat, "The sheet is settled and locked.")
    expect(secretariat.locator("#sheet-status")).to_have_text(vi("Settled and locked"))
    for org in (journey.head, journey.b, journey.c):
        assert journey.sheet(org).status == SheetStatus.FINAL, org.name

    # 8. The ranking: on the cross-check page, then on the results page.
    secretariat.goto(crosscheck_url)
    # Lạng Sơn keeps the lead with D2 settled at three (9 of its 98,19 points); Quảng Ninh loses
    # two points for a late report; Cao Bằng missed D1.
    ranking = secretariat.locator("#ranking tbody tr")
    expect(ranking).to_have_count(3)
    names = [journey.b.name, journey.c.name, journey.head.name]
    expect(ranking.locator("th")).to_have_text(names)
    expect(ranking.locator("td:nth-child(3)")).to_have_text(["98,19", "91,60", "70,73"])
    expect(secretariat.locator("#sheets tbody td:nth-child(2)")).to_have_text(
        [vi("Settled and locked")] * 3
    )
    screenshot(secretariat, "scoring-journey-10-crosscheck-ranking-secretariat")
    scan(secretariat, "scoring-journey-10-crosscheck-ranking")

    secretariat.get_by_role("link", name=vi("Results page")).click()
    secretariat.wait_for_url(re.compile(r"/results/$"))
    rows = secretariat.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("th")).to_have_text(names)
    expect(rows.locator("td:first-child")).to_have_text(["1", "2", "3"])
    expect(rows.first).to_have_attribute("data-proposal", "flag")
    expect(rows.first.locator(".badge.ok")).to_have_text(vi("proposed for the emulation flag"))
    expect(rows.nth(1)).to_have_attribute("data-proposal", "certificate")  # one runner-up
    expect(rows.nth(2)).to_have_attribute("data-proposal", "")
    expect(secretariat.locator("main .message-warning")).to_have_count(0)  # every sheet settled
    expect(secretariat.get_by_role("button", name=vi("Publish the results"))).to_be_visible()
    secretariat.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-totals') !== undefined"
    )
    screenshot(secretariat, "scoring-journey-11-results-secretariat")
    scan(secretariat, "scoring-journey-11-results")

    axe.assert_clean()  # serious and critical first, with their nodes
    unclean = {name: [v["id"] for v in vs] for name, vs in found.items() if vs}
    assert not unclean, f"axe-core violations (moderate or minor): {unclean}"
