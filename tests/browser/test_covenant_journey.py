"""The covenant's journey of the issue, in a real browser.

"The secretariat opens a year, sends the covenant, two members register targets on a 360 px wide
screen, the secretariat accepts one and returns the other with a reason, marks the covenant signed;
a member submits a report after the due date and the dashboard shows it late. axe-core clean."

The cluster, its first year and the accounts are made through the services; everything the issue
names is done in the browser. Dates follow today's date: the journey's year is the one in which a
report due three days ago falls, so the report comes in late whatever day the test runs.

Opening a year proposes the next head by the rotation (last year's deputy, Lạng Sơn); here the
conference re-elected Cao Bằng, so the secretariat gives its own unit as head when it opens the year
and goes on running it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from .conftest import DEMO_PASSWORD, MOBILE, new_context, vi

SECRETARIAT = "thuky.caobang"  # secretariat of the head unit, Cao Bằng
FOCAL_B = "daumoi.ls.hanhtrinh"  # focal point of Lạng Sơn, a member (not the demo account)
FOCAL_C = "daumoi.quangninh"  # focal point of Quảng Ninh, a member
HEAD_CODE, B_CODE, C_CODE = "04", "20", "22"  # Cao Bằng, Lạng Sơn, Quảng Ninh (not merged in 2025)
CLUSTER_CODE = "CTD-BGPB-GU"
PDF = b"%PDF-1.4\n% giao uoc thi dua - tep thu nghiem\n%%EOF\n"
REASON = "Chỉ tiêu 2 thấp hơn kết quả năm trước; đề nghị nâng lên ít nhất 98%."


@dataclass
class Journey:
    """What the services set up, and the dates the journey uses."""

    cluster: Any
    head: Any
    b: Any
    c: Any
    year: int
    today: dt.date
    due: dt.date

    @property
    def cluster_url(self) -> str:
        return reverse("clusters:cluster-detail", args=[self.cluster.pk])

    @property
    def year_url(self) -> str:
        return reverse("clusters:year-detail", args=[self.cluster.pk, self.year])

    @property
    def covenant_url(self) -> str:
        return reverse("clusters:covenant", args=[self.cluster.pk, self.year])

    @property
    def reports_url(self) -> str:
        return reverse("clusters:reports", args=[self.cluster.pk, self.year])

    def registration(self, org: Any) -> Any:
        from clusters.models import Registration

        return Registration.objects.get(
            covenant__cluster_year__cluster=self.cluster,
            covenant__cluster_year__year=self.year,
            org=org,
        )


def dmy(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def set_up(today: dt.date) -> Journey:
    """A cluster of the Central Council whose first year is headed by Cao Bằng; the accounts."""
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
    from orgs.models import Org

    due = today - dt.timedelta(days=3)
    year = due.year  # the period starts on 1 January of the year: never after its due date
    council = Org.objects.get(code="TW-HDTDKT")
    head, b, c = (Org.objects.get(code=code) for code in (HEAD_CODE, B_CODE, C_CODE))
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=council,
        code=CLUSTER_CODE,
        name="Cụm thi đua các tỉnh biên giới Đông Bắc (thử nghiệm)",
    )
    first = cluster_year_open(actor=None, cluster=cluster, year=year - 1, members=[head, b, c])
    cluster_year_set_head(
        actor=None,
        cluster_year=first,
        head=head,
        deputy=b,
        decision=f"Biên bản suy tôn cụm trưởng {year - 1}",
        decision_date=dt.date(year - 1, 1, 15),
    )
    for username, role, org, email in (
        (SECRETARIAT, Role.SECRETARIAT, head, "thuky.caobang@example.org"),
        (FOCAL_B, Role.FOCAL_POINT, b, "daumoi.langson@example.org"),
        (FOCAL_C, Role.FOCAL_POINT, c, "daumoi.quangninh@example.org"),
    ):
        user = user_create(
            actor=None, username=username, password=DEMO_PASSWORD, full_name=username, email=email
        )
        membership_grant(actor=None, user=user, role=role, org=org)
    return Journey(cluster=cluster, head=head, b=b, c=c, year=year, today=today, due=due)


def register_head_unit(journey: Journey) -> None:
    """The head unit's own registration (every member's must be accepted before the signing); its
    focal point is not part of this journey, so it is prepared through the services."""
    from clusters.covenants import TargetInput, registration_register, registration_save

    registration = journey.registration(journey.head)
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput("Thu ngân sách nhà nước", "tỷ đồng", "4500", None)],
        titles=["CO_CP"],
    )
    registration_register(actor=None, registration=registration)


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


def main_form(page: Page, has: str) -> Locator:
    """The form in <main> that holds the element `has` (pages have several forms)."""
    return page.locator("main form", has=page.locator(has))


def fill_target(page: Page, index: int, name: str, measure: str, value: str, deadline: str) -> None:
    page.locator(f"input[name='t-{index}-name']").fill(name)
    page.locator(f"input[name='t-{index}-measure']").fill(measure)
    page.locator(f"input[name='t-{index}-value']").fill(value)
    page.locator(f"input[name='t-{index}-deadline']").fill(deadline)


def registration_row(page: Page, org: Any) -> Locator:
    return page.locator("#registrations tbody tr", has=page.get_by_role("link", name=org.name))


def your_unit(page: Page, org: Any) -> Locator:
    """The year page's "Your unit" card: the unit's registration and reports.

    Found by its heading rather than by its id ("mine-<pk>"), which the template renders with a
    thousands separator once the unit's pk passes 999 ("mine-1.137")."""
    heading = page.locator("h2[id^=mine-]", has_text=org.name)
    return page.locator("main section.card", has=heading)


def decide(page: Page, journey: Journey, org: Any, action: str, reason: str = "") -> None:
    """The secretariat opens a member's registration from the covenant page, accepts or returns it."""
    page.goto(journey.covenant_url)
    registration_row(page, org).get_by_role("link", name=org.name).click()
    page.wait_for_url(re.compile(r"/clusters/registrations/\d+/$"))
    expect(page.locator("#registration-status")).to_have_text(vi("Registered, awaiting review"))
    if reason:
        page.locator("textarea[name=reason]").fill(reason)
    form = main_form(page, f"button[name=action][value={action}]")
    submit(form, f"button[name=action][value={action}]")
    assert path_of(page) == journey.covenant_url, page.url


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded scans and reports go to a temporary folder, not var/media."""
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
def test_secretariat_runs_the_covenant_members_register_on_phones_a_late_report_shows(
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
    from clusters.models import ClusterYear, Covenant, CovenantStatus, IndicatorValue, Target

    journey = set_up(timezone.localdate())
    year = journey.year
    found: dict[str, list[dict[str, Any]]] = {}

    def scan(page: Page, name: str) -> None:
        """axe-core on the page; every violation is kept, whatever its impact."""
        found[name] = axe.scan(page, name)

    # 1. The secretariat opens the next year from the cluster's page and lands on the year's page.
    secretariat = page
    sign_in(secretariat, SECRETARIAT)
    secretariat.goto(journey.cluster_url)
    open_link = secretariat.locator(
        f"main a[href='{reverse('clusters:year-open', args=[journey.cluster.pk])}']"
    )
    open_link.click()
    secretariat.wait_for_url(re.compile(r"/years/new/$"))
    form = main_form(secretariat, "input[name=year]")
    expect(form.locator("input[name=year]")).to_have_value(str(year))  # last year + 1
    # The rotation proposes last year's deputy (Lạng Sơn); the conference re-elected Cao Bằng.
    expect(form.locator("input[name=head_code]")).to_have_value(B_CODE)
    form.locator("input[name=head_code]").fill(HEAD_CODE)
    form.locator("input[name=deputy_code]").fill(B_CODE)
    submit(form)
    assert path_of(secretariat) == journey.year_url, secretariat.url
    expect(secretariat.get_by_role("heading", level=1)).to_contain_text(str(year))
    opened = ClusterYear.objects.get(cluster=journey.cluster, year=year)
    codes = [m.org.code for m in opened.members.order_by("rotation_position")]
    assert codes == [HEAD_CODE, B_CODE, C_CODE], codes  # last year's members, copied
    expect(secretariat.locator("#head")).to_have_text(journey.head.name)
    # Still the head unit's secretariat: the year's forms are offered.
    expect(secretariat.locator("main form[action$='/head/']")).to_have_count(1)

    # The secretariat drafts the covenant (title and criteria, one per line) and sends it.
    secretariat.locator(f"main a[href='{journey.covenant_url}']").click()
    secretariat.wait_for_url(re.compile(r"/covenant/$"))
    form = main_form(secretariat, "textarea[name=criteria]")
    title = f"Giao ước thi đua năm {year} của Cụm thi đua các tỉnh biên giới Đông Bắc"
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=text]").fill(
        f"Các tỉnh thành viên cam kết thi đua hoàn thành thắng lợi nhiệm vụ chính trị năm {year}."
    )
    form.locator("textarea[name=criteria]").fill(
        "Hoàn thành các chỉ tiêu kinh tế - xã hội\n"
        "Giữ vững quốc phòng, an ninh biên giới\n"
        "Làm tốt công tác thi đua, khen thưởng"
    )
    form.locator("input[name=registration_due]").fill(dmy(dt.date(year, 2, 15)))
    submit(form)
    expect(secretariat.get_by_role("heading", level=1)).to_have_text(title)
    expect(secretariat.locator("#covenant-status")).to_have_text(vi("Draft"))
    expect(secretariat.locator("#text-h ~ ol li")).to_have_count(3)
    submit(secretariat.locator("main form[action$='/covenant/send/']"))
    assert path_of(secretariat) == journey.covenant_url, secretariat.url
    expect(secretariat.locator("#covenant-status")).to_have_text(vi("Sent to members"))
    expect(secretariat.locator("#registrations tbody tr")).to_have_count(3)
    for org in (journey.head, journey.b, journey.c):
        expect(registration_row(secretariat, org).locator(".badge")).to_have_text(
            vi("Being prepared")
        )
    screenshot(secretariat, "covenant-01-sent-secretariat")
    scan(secretariat, "covenant-01-covenant-sent")

    register_head_unit(journey)

    # 2. Each member, on a 360 px phone, finds its registration from the year's page ("Your
    # unit"), fills two targets and a title, and registers.
    members: dict[str, Page] = {}
    entries = {
        FOCAL_B: (
            journey.b,
            "lang-son",
            [
                (
                    "Thu ngân sách nhà nước trên địa bàn",
                    "tỷ đồng",
                    "1.234,5",
                    dt.date(year, 12, 31),
                ),
                ("Tỷ lệ hộ nghèo giảm", "%", "1,5", dt.date(year + 1, 6, 30)),
            ],
            "CO_CP",
            ["1.234,50", "1,50"],
        ),
        FOCAL_C: (
            journey.c,
            "quang-ninh",
            [
                ("Trồng rừng mới", "ha", "2.500", dt.date(year, 12, 31)),
                ("Tỷ lệ trường đạt chuẩn quốc gia", "%", "92,5", dt.date(year, 12, 31)),
            ],
            "BK_TTG",
            ["2.500", "92,50"],
        ),
    }
    for username, (org, slug, targets, title_code, displayed) in entries.items():
        member = session(sessions, browser, live_server, MOBILE)
        members[username] = member
        sign_in(member, username)
        member.goto(journey.year_url)
        card = your_unit(member, org)
        expect(card).to_contain_text(org.name)
        no_sideways_scroll(member)
        if org == journey.b:
            screenshot(member, f"covenant-02-year-your-unit-360-{slug}")
            scan(member, "covenant-02-year-your-unit-360")
        card.locator("a[href*='/clusters/registrations/']").click()
        member.wait_for_url(re.compile(r"/clusters/registrations/\d+/$"))
        expect(member.locator("#registration-status")).to_have_text(vi("Being prepared"))
        for index, (name, measure, value, deadline) in enumerate(targets):
            fill_target(member, index, name, measure, value, dmy(deadline))
        member.locator(f"input[name=titles][value={title_code}]").check()
        no_sideways_scroll(member)
        screenshot(member, f"covenant-03-registration-form-360-{slug}")
        scan(member, f"covenant-03-registration-form-360-{slug}")
        submit(main_form(member, "button[name=action]"), "button[name=action][value=register]")
        expect(member.locator("#registration-status")).to_have_text(
            vi("Registered, awaiting review")
        )
        # Shown with two decimals when not whole (1.234,50), grouped in the Vietnamese way.
        shown = member.locator("#targets tbody tr td:nth-child(3)").all_inner_texts()
        assert shown == displayed, shown
        no_sideways_scroll(member)
        screenshot(member, f"covenant-04-registered-360-{slug}")
        scan(member, f"covenant-04-registered-360-{slug}")

    saved = Target.objects.filter(registration=journey.registration(journey.b))
    assert [(t.name, t.measure, str(t.value), t.deadline) for t in saved] == [
        ("Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", "1234.50", dt.date(year, 12, 31)),
        ("Tỷ lệ hộ nghèo giảm", "%", "1.50", dt.date(year + 1, 6, 30)),
    ]
    assert journey.registration(journey.b).titles == ["CO_CP"]

    # 3. The secretariat accepts Lạng Sơn (and the head unit), returns Quảng Ninh with a reason.
    decide(secretariat, journey, journey.b, "accept")
    decide(secretariat, journey, journey.head, "accept")
    decide(secretariat, journey, journey.c, "return", REASON)
    expect(registration_row(secretariat, journey.b).locator(".badge")).to_have_text(vi("Accepted"))
    expect(registration_row(secretariat, journey.c).locator(".badge")).to_have_text(
        vi("Returned for correction")
    )

    # Quảng Ninh sees the reason, corrects its second target and registers again.
    member_c = members[FOCAL_C]
    member_c.goto(journey.covenant_url)
    expect(member_c.locator("#my-registrations")).to_contain_text(REASON)
    no_sideways_scroll(member_c)
    screenshot(member_c, "covenant-05-covenant-returned-360-quang-ninh")
    scan(member_c, "covenant-05-covenant-returned-360")
    member_c.locator("#my-registrations a[href*='/clusters/registrations/']").click()
    member_c.wait_for_url(re.compile(r"/clusters/registrations/\d+/$"))
    expect(member_c.locator("#registration-status")).to_have_text(vi("Returned for correction"))
    expect(member_c.locator(".message-warning")).to_contain_text(REASON)
    expect(member_c.locator("input[name='t-0-value']")).to_have_value("2.500")
    expect(member_c.locator("input[name='t-1-deadline']")).to_have_value(dmy(dt.date(year, 12, 31)))
    member_c.locator("input[name='t-1-value']").fill("98")
    no_sideways_scroll(member_c)
    screenshot(member_c, "covenant-06-registration-returned-360-quang-ninh")
    scan(member_c, "covenant-06-registration-returned-360")
    submit(main_form(member_c, "button[name=action]"), "button[name=action][value=register]")
    expect(member_c.locator("#registration-status")).to_have_text(vi("Registered, awaiting review"))
    expect(member_c.locator(".message-warning")).to_have_count(0)

    decide(secretariat, journey, journey.c, "accept")
    expect(secretariat.locator("#registrations .badge.ok")).to_have_count(3)

    # The secretariat records the signing: the date and the signed scan (PDF).
    signed_on = min(journey.today, dt.date(year, 12, 31))
    form = secretariat.locator("main form[action$='/covenant/sign/']")
    form.locator("input[name=signed_on]").fill(dmy(signed_on))
    form.locator("input[name=scan]").set_input_files(
        {"name": f"giao-uoc-{year}-da-ky.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(form)
    assert path_of(secretariat) == journey.covenant_url, secretariat.url
    expect(secretariat.locator("#covenant-status")).to_have_text(vi("Signed"))
    expect(secretariat.locator("main")).to_contain_text(dmy(signed_on))
    expect(secretariat.locator(f"main a[href$='/years/{year}/covenant/scan/']")).to_have_text(
        f"giao-uoc-{year}-da-ky.pdf"
    )
    expect(secretariat.locator("ol.steps li[aria-current=step]")).to_have_text(vi("Signed"))
    covenant = Covenant.objects.get(cluster_year__cluster=journey.cluster, cluster_year__year=year)
    assert (covenant.status, covenant.signed_on) == (CovenantStatus.SIGNED, signed_on)
    assert covenant.signed_scan.read() == PDF
    assert Path(covenant.signed_scan.path).is_relative_to(media_root)
    screenshot(secretariat, "covenant-07-signed-secretariat")
    scan(secretariat, "covenant-07-covenant-signed")

    # 4. The secretariat sets a reporting period whose due date has passed.
    secretariat.goto(journey.year_url)
    secretariat.locator(f"main a[href='{journey.reports_url}']").click()
    secretariat.wait_for_url(re.compile(r"/reports/$"))
    period_name = f"Quý I/{year}"
    form = main_form(secretariat, "input[name=name]")
    form.locator("select[name=kind]").select_option("quarter")
    form.locator("input[name=name]").fill(period_name)
    form.locator("input[name=start]").fill(dmy(dt.date(year, 1, 1)))
    form.locator("input[name=end]").fill(dmy(dt.date(year, 3, 31)))
    form.locator("input[name=due]").fill(dmy(journey.due))
    submit(form)
    assert path_of(secretariat) == journey.reports_url, secretariat.url
    expect(secretariat.locator("#report-matrix thead")).to_contain_text(period_name)
    expect(secretariat.locator("#report-matrix td[data-status]")).to_have_count(3)
    expect(secretariat.locator("#report-matrix td[data-status=missing]")).to_have_count(3)

    # Lạng Sơn, on its phone, submits its report (file and figures) three days late.
    member_b = members[FOCAL_B]
    member_b.goto(journey.year_url)
    card = your_unit(member_b, journey.b)
    expect(card.locator(".badge.missing")).to_have_text(vi("Missing, overdue"))
    card.get_by_role("link", name=period_name).click()
    member_b.wait_for_url(re.compile(rf"/clusters/periods/\d+/members/{journey.b.pk}/$"))
    expect(member_b.locator("#submission-status")).to_have_text(vi("Missing, overdue"))
    actuals = member_b.locator("main form input[name^=actual_]")
    expect(actuals).to_have_count(2)
    actuals.nth(0).fill("1.300")
    actuals.nth(1).fill("1,2")
    member_b.locator("textarea[name=summary]").fill("Báo cáo kết quả thi đua quý I của tỉnh.")
    member_b.locator("input[name=file]").set_input_files(
        {"name": f"bao-cao-quy-1-{year}.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    no_sideways_scroll(member_b)
    submit(main_form(member_b, "input[name=file]"))
    status = member_b.locator("#submission-status")
    expect(status).to_have_text(vi("Late"))
    expect(status).to_have_class(re.compile(r"\blate\b"))
    expect(member_b.locator("main")).to_contain_text(f"bao-cao-quy-1-{year}.pdf")
    expect(member_b.locator("main table tbody tr")).to_have_count(2)
    expect(member_b.locator("main table tbody tr").nth(0)).to_contain_text("1.300")
    assert sorted(
        str(v.actual)
        for v in IndicatorValue.objects.filter(target__registration=journey.registration(journey.b))
    ) == ["1.20", "1300.00"]
    no_sideways_scroll(member_b)
    screenshot(member_b, "covenant-08-submission-late-360-lang-son")
    scan(member_b, "covenant-08-submission-late-360")

    # The secretariat's dashboard: Lạng Sơn late, Quảng Ninh (and the head unit) missing.
    secretariat.goto(journey.reports_url)

    def cell(org: Any) -> Locator:
        row = secretariat.locator(
            "#report-matrix tbody tr", has=secretariat.locator("th", has_text=org.name)
        )
        return row.locator("td[data-status]")

    expect(cell(journey.b)).to_have_attribute("data-status", "late")
    expect(cell(journey.b).locator(".badge")).to_have_text(vi("Late"))
    expect(cell(journey.b)).to_contain_text(dmy(journey.today))
    expect(cell(journey.c)).to_have_attribute("data-status", "missing")
    expect(cell(journey.head)).to_have_attribute("data-status", "missing")
    screenshot(secretariat, "covenant-09-reports-dashboard-secretariat")
    scan(secretariat, "covenant-09-reports-dashboard")

    # Only the late and missing members: all three still shown (one late, two missing).
    secretariat.get_by_role("link", name=vi("Only members late or missing")).click()
    secretariat.wait_for_url(re.compile(r"\?late=1$"))
    expect(secretariat.locator("#report-matrix tbody tr")).to_have_count(3)

    axe.assert_clean()  # serious and critical first, with their nodes
    unclean = {name: [v["id"] for v in vs] for name, vs in found.items() if vs}
    assert not unclean, f"axe-core violations (moderate or minor): {unclean}"
