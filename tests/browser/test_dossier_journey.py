"""The proposal dossier journey of issue 7, in a real browser.

"A unit drafts a dossier for CSTĐ cơ sở with two people, one fails the eligibility check and is
removed, the dossier goes to public comment, a comment arrives from the public page, the officer
records its handling, the council approves, the decision is recorded, both the register and the
person's timeline show the new title; axe clean."

Given in Python (data, not the feature): a focal point of Sở Nội vụ Thái Nguyên (19.SNV), a member
of the province's emulation council, and last year's ratings of two demo people of 19.SNV (one
"excellently completed", one only "completed"). Everything else is done in the browser by the focal
point, the province's officer (canbo.thainguyen), an anonymous visitor on a 360 px phone and the
council member. axe-core scans every page on the way.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .conftest import DESKTOP, MOBILE, new_context, sign_in_with_form, vi

OFFICER = "canbo.thainguyen"  # commendation officer of Tỉnh Thái Nguyên ("19")
FOCAL_POINT = "daumoi.snv.thainguyen"
COUNCIL_MEMBER = "hoidong.thainguyen"
UNIT = "19.SNV"
CODE = "CSTD_CS"
DECISION_NUMBER = "88/QĐ-SNV"
INTERNAL_SUMMARY = "Tờ trình nội bộ của Sở, không công bố"
COMMENT = "Tôi là đồng nghiệp, xác nhận đồng chí có nhiều đóng góp cho việc số hoá hồ sơ của Sở."
VOTE_RESULT = "Hội đồng Thi đua - Khen thưởng bỏ phiếu kín: 7/7 thành viên đồng ý"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def label(msgid: str) -> re.Pattern[str]:
    """A field's whole label (its required mark aside): `vi(msgid)`, not a longer label holding it."""
    return re.compile(rf"^\s*{re.escape(vi(msgid))}(\s*\*)?\s*$")


def status_label(code: str) -> str:
    """The Vietnamese label of a dossier status (its msgid has the context "dossier")."""
    from dossiers.models import DossierStatus

    with translation.override("vi"):
        return str(DossierStatus(code).label)


def prepare(year: int) -> dict[str, Any]:
    """The accounts, and last year's ratings of two demo people of 19.SNV: one passes CSTĐ cơ sở,
    the other does not (checked with the eligibility engine, so the journey starts from a known
    state)."""
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from orgs.models import Org
    from people.models import Person
    from register.models import Award, Rating, RatingCode
    from register.selectors import evaluate_person

    from .conftest import DEMO_PASSWORD

    snv, province = Org.objects.get(code=UNIT), Org.objects.get(code="19")
    for username, role, org in (
        (FOCAL_POINT, Role.FOCAL_POINT, snv),
        (COUNCIL_MEMBER, Role.COUNCIL_MEMBER, province),
    ):
        user = user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=f"Tài khoản {username}",
            email=f"{username}@example.org",
        )
        membership_grant(actor=None, user=user, role=role, org=org)

    # The first two demo people of the department who hold no CSTĐ cơ sở for the year yet.
    passes, fails = list(
        Person.objects.filter(unit=snv, note__startswith="Dữ liệu minh họa")
        .exclude(records__code=CODE, records__year=year)
        .order_by("pk")[:2]
    )
    for person, rating in ((passes, RatingCode.HTXSNV), (fails, RatingCode.HTNV)):
        Rating.objects.update_or_create(
            person=person, year=year, defaults={"org": snv, "rating": rating}
        )
    assert evaluate_person(passes, CODE, year).eligible
    verdict = evaluate_person(fails, CODE, year)
    assert not verdict.eligible and verdict.missing
    assert passes.birth_year and fails.birth_year
    return {
        "passes": passes,
        "fails": fails,
        "why": verdict.missing[0],  # the engine's explanation, in Vietnamese
        "award": Award.objects.get(code=CODE).name,
    }


def status_badge(page: Page) -> Locator:
    return page.locator("main h1 + p .badge").first


def move(page: Page, button: str, note: str = "") -> None:
    """Take one step of the dossier's path from its page ("Next steps")."""
    actions = page.locator("#actions form[action$='/transition/']")
    if note:
        actions.get_by_label(label("Note or reason")).fill(note)
    with page.expect_navigation():
        actions.get_by_role("button", name=button, exact=True).click()


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] + 1, f"{page.url} scrolls sideways on a phone: {width}px"


def open_context(browser: Browser, live_server: Any, contexts: list[BrowserContext]) -> Page:
    context = new_context(browser, live_server, DESKTOP)
    contexts.append(context)
    return context.new_page()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_a_dossier_goes_from_draft_through_public_comment_to_the_register(
    browser: Browser,
    page: Page,
    demo: Any,
    live_server: Any,
    axe: Any,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    from dossiers.models import Dossier, PublicComment
    from register.models import Record

    today = timezone.localdate()
    year = today.year - 1
    cast = prepare(year)
    passes, fails = cast["passes"], cast["fails"]
    files = {}
    for name in ("to-trinh", "bien-ban-binh-xet", "bao-cao-1", "bao-cao-2", "quyet-dinh"):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(PDF)
    contexts: list[BrowserContext] = []

    try:
        # --- The focal point of Sở Nội vụ drafts the dossier. ---------------------------------
        sign_in_with_form(page, FOCAL_POINT, demo.password)
        # The menu item has its own (shorter) wording: found by where it leads.
        menu = page.get_by_role("navigation", name=vi("Main navigation"))
        menu.locator(f"a[href='{reverse('dossiers:dossier-list')}']").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(vi("Proposal dossiers"))
        screenshot(page, "dossier-01-list")
        axe.scan(page, "dossier-list")
        page.get_by_role("link", name=vi("New dossier")).click()
        axe.scan(page, "dossier-form")
        page.get_by_label(label("Proposing unit (code)")).fill(UNIT)
        page.get_by_label(label("Sent to (unit code)")).fill(UNIT)
        page.get_by_label(label("Level it goes to")).select_option("co_so")
        page.get_by_label(label("Title or form proposed")).select_option(CODE)
        page.get_by_label(label("Year of achievement")).fill(str(year))
        page.get_by_label(label("Summary of the proposal")).fill(INTERNAL_SUMMARY)
        screenshot(page, "dossier-02-form")
        with page.expect_navigation():
            page.get_by_role("button", name=vi("Draft the dossier")).click()
        dossier = Dossier.objects.get(proposer__code=UNIT, code=CODE, year=year)
        assert (dossier.receiver.code, dossier.level, dossier.status) == (UNIT, "co_so", "draft")
        expect(page.locator("h1")).to_contain_text(dossier.reference)
        detail = f"/dossiers/{dossier.pk}/"
        expect(status_badge(page)).to_have_text(status_label("draft"))
        axe.scan(page, "dossier-detail-empty")

        # Two people, each with their achievement report and the summary the public will see.
        for index, person in enumerate((passes, fails)):
            with page.expect_navigation():
                page.get_by_role("link", name=vi("Add a recipient")).click()
            page.get_by_label(label("Full name or person number")).fill(person.full_name)
            with page.expect_navigation():
                page.get_by_role("search").get_by_role("button", name=vi("Search")).click()
            row = page.locator("main table tbody tr").filter(has_text=person.full_name)
            row = row.filter(has_text=str(person.birth_year))
            expect(row).to_have_count(1)
            if index == 0:
                axe.scan(page, "dossier-recipient-search")
            choose = row.get_by_role("link", name=vi("Choose"))
            expect(choose).to_have_attribute("href", f"?person={person.pk}")
            with page.expect_navigation(url=re.compile(rf"\?person={person.pk}$")):
                choose.click()
            expect(page.locator("#report-h")).to_contain_text(person.full_name)
            page.get_by_label(label("Duties and circumstances")).fill(
                "Chuyên viên phòng Thi đua - Khen thưởng."
            )
            page.get_by_label(label("Achievements")).fill(
                f"Hoàn thành nhiệm vụ năm {year}; tham gia số hoá hồ sơ khen thưởng của Sở."
            )
            page.get_by_label(label("Summary of achievements (published for comment)")).fill(
                f"Số hoá hồ sơ khen thưởng của Sở năm {year}."
            )
            if index == 0:
                screenshot(page, "dossier-03-recipient-form")
                axe.scan(page, "dossier-recipient-form")
            with page.expect_navigation():
                page.get_by_role("button", name=vi("Propose in the dossier")).click()
            expect(page.locator("#recipients tbody")).to_contain_text(person.full_name)
        recipients = {r.person_id: r for r in dossier.recipients.all()}
        assert set(recipients) == {passes.pk, fails.pk}

        # The documents the catalogue requires: the dossier's own, and each achievement report.
        uploads = [
            (vi("Submission letter"), None, files["to-trinh"]),
            (vi("Minutes of the review meeting"), None, files["bien-ban-binh-xet"]),
            (vi("Achievement report"), passes.full_name, files["bao-cao-1"]),
            (vi("Achievement report"), fails.full_name, files["bao-cao-2"]),
        ]
        for kind, whom, path in uploads:
            attach = page.locator("form[action$='/documents/new/']")
            attach.get_by_label(label("Kind")).select_option(label=kind)
            attach.get_by_label(label("For the recipient")).select_option(
                label=whom or vi("The dossier as a whole")
            )
            attach.locator("input[type=file]").set_input_files(str(path))
            with page.expect_navigation():
                attach.get_by_role("button", name=vi("Attach"), exact=True).click()
            expect(page.locator("#messages")).to_contain_text(path.name)
        assert dossier.documents.count() == 4

        # The check fails for one of them, and says why (the eligibility engine's explanation).
        failing = page.locator("#recipients tbody tr").filter(has_text=fails.full_name)
        expect(failing.locator(".badge.missing")).to_have_text(vi("not eligible"))
        expect(failing).to_contain_text(cast["why"])
        failing.locator("summary").click()
        expect(failing.locator("ul.criteria li.fail").first).to_be_visible()
        passing = page.locator("#recipients tbody tr").filter(has_text=passes.full_name)
        expect(passing.locator(".badge.ok")).to_have_text(vi("eligible"))
        expect(page.locator("#checks li.fail")).to_have_count(1)
        expect(page.locator("#checks li.fail")).to_contain_text(fails.full_name)
        screenshot(page, "dossier-04-draft-failed-check")
        axe.scan(page, "dossier-detail-draft-failed-check")

        # Sending is refused while the check fails; nothing changes.
        move(page, vi("Send the dossier"))
        expect(page.locator("#actions .message-error")).to_contain_text(cast["why"])
        expect(status_badge(page)).to_have_text(status_label("draft"))
        dossier.refresh_from_db()
        assert (dossier.status, dossier.submitted_on) == ("draft", None)

        # The failing person is taken out, with the reason.
        failing.get_by_role("link", name=fails.full_name).click()
        expect(page.locator("#check-h + p .badge.missing")).to_have_text(vi("not eligible"))
        expect(page.locator("main")).to_contain_text(cast["why"])
        axe.scan(page, "dossier-recipient-detail")
        removal = page.locator("form[action$='/remove/']")
        removal.get_by_label(label("Reason")).fill(
            f"Xếp loại năm {year} chưa đạt Hoàn thành xuất sắc nhiệm vụ."
        )
        with page.expect_navigation():
            removal.get_by_role("button", name=vi("Remove"), exact=True).click()
        expect(page.locator("#recipients tbody tr")).to_have_count(1)
        expect(page.locator("#recipients tbody")).not_to_contain_text(fails.full_name)
        expect(page.locator("#recipients > details")).to_contain_text(fails.full_name)
        expect(page.locator("#checks li.fail")).to_have_count(0)
        expect(page.locator("#checks")).to_contain_text(vi("Every check passes."))

        # Sent.
        move(page, vi("Send the dossier"))
        expect(status_badge(page)).to_have_text(status_label("submitted"))
        screenshot(page, "dossier-05-submitted")
        axe.scan(page, "dossier-detail-submitted")

        # --- The province's officer appraises it and posts the candidate for comment. ----------
        officer = open_context(browser, live_server, contexts)
        sign_in_with_form(officer, OFFICER, demo.password)
        officer.goto("/dossiers/")
        waiting = officer.locator("#awaiting")
        expect(waiting.locator("tr").filter(has_text=dossier.reference)).to_contain_text(
            status_label("submitted")
        )
        axe.scan(officer, "dossier-list-awaiting")
        waiting.get_by_role("link", name=dossier.reference).click()
        expect(status_badge(officer)).to_have_text(status_label("submitted"))
        move(officer, vi("Begin the appraisal"))
        expect(status_badge(officer)).to_have_text(status_label("appraisal"))
        axe.scan(officer, "dossier-detail-appraisal")
        move(officer, vi("Post the candidates for public comment"))
        expect(status_badge(officer)).to_have_text(status_label("comment"))
        dossier.refresh_from_db()
        assert dossier.comment_opens == today
        assert dossier.comment_closes is not None and dossier.comment_closes > today
        screenshot(officer, "dossier-06-public-comment")
        axe.scan(officer, "dossier-detail-comment")

        # --- An anonymous visitor, on a phone, reads the candidates and comments. -------------
        visitor_context = new_context(browser, live_server, MOBILE)
        contexts.append(visitor_context)
        visitor = visitor_context.new_page()
        visitor.goto("/public/dossiers/")
        card = visitor.locator("main section.card").filter(has_text=dossier.reference)
        expect(card).to_contain_text(passes.full_name)
        expect(card).to_contain_text(passes.unit.name)
        expect(card).to_contain_text(f"Số hoá hồ sơ khen thưởng của Sở năm {year}.")
        main = visitor.locator("main")
        expect(main).not_to_contain_text(str(passes.birth_year))
        expect(main).not_to_contain_text(fails.full_name)
        expect(main).not_to_contain_text(INTERNAL_SUMMARY)
        no_horizontal_scroll(visitor)
        screenshot(visitor, "dossier-07-public-list-phone")
        axe.scan(visitor, "public-comment-list")
        card.get_by_role("link", name=vi("Send a comment")).click()
        loaded = time.monotonic()
        expect(visitor.get_by_role("heading", level=1)).to_contain_text(cast["award"])
        expect(main).to_contain_text(passes.full_name)
        expect(main).not_to_contain_text(str(passes.birth_year))
        no_horizontal_scroll(visitor)
        axe.scan(visitor, "public-comment-detail")
        # Only the fields a person sees (the robots' trap stays empty).
        visitor.get_by_label(label("Your name (optional)")).fill("Nguyễn Văn Bình")
        visitor.get_by_label(label("Phone or e-mail (optional)")).fill("0912 345 678")
        visitor.get_by_label(label("About the candidate (optional)")).select_option(
            label=passes.full_name
        )
        visitor.get_by_label(label("Your comment")).fill(COMMENT)
        screenshot(visitor, "dossier-08-public-comment-phone")
        # The form carries a signed time stamp and refuses what is sent within 3 seconds.
        visitor.wait_for_timeout(max(0, 3.5 - (time.monotonic() - loaded)) * 1000)
        with visitor.expect_navigation():
            visitor.get_by_role("button", name=vi("Send"), exact=True).click()
        expect(visitor.locator("#messages")).to_contain_text(
            vi(
                "Thank you: your comment is received. The officers appraising the dossier will "
                "consider it."
            )
        )
        comment = PublicComment.objects.get(dossier=dossier)
        assert (comment.text, comment.recipient_id) == (COMMENT, recipients[passes.pk].pk)

        # --- The officer sees the comment and records how it was handled. ---------------------
        officer.goto(detail)
        article = officer.locator("#comments article").filter(has_text=COMMENT)
        expect(article).to_contain_text("Nguyễn Văn Bình")
        expect(article).to_contain_text("0912 345 678")
        article.get_by_label(label("Handling")).select_option(
            label=vi("Checked: the achievements stand")
        )
        article.get_by_label(label("How it was handled")).fill(
            "Đã đối chiếu hồ sơ số hoá của Sở: thành tích đúng như báo cáo."
        )
        with officer.expect_navigation():
            article.get_by_role("button", name=vi("Record the handling")).click()
        expect(article.locator(".badge.ok")).to_have_text(vi("Checked: the achievements stand"))
        comment.refresh_from_db()
        assert comment.handling == "verified" and comment.handled_by is not None
        axe.scan(officer, "dossier-detail-comment-handled")

        # While the window is open, the council must wait: the step is not offered (the service
        # refuses it too, see dossiers/tests/test_services.py).
        expect(
            officer.locator("#actions").get_by_role(
                "button", name=vi("Send to the council"), exact=True
            )
        ).to_have_count(0)
        expect(status_badge(officer)).to_have_text(status_label("comment"))
        dossier.refresh_from_db()
        assert dossier.status == "comment"

        # The comment period passes. A browser cannot wait five working days, so the window is
        # moved into the past in the database, as if it had opened a week ago and closed
        # yesterday.
        Dossier.objects.filter(pk=dossier.pk).update(
            comment_opens=today - dt.timedelta(days=8), comment_closes=today - dt.timedelta(days=1)
        )
        closed = visitor.goto(f"/public/dossiers/{dossier.reference}/")
        assert closed is not None and closed.status == 410
        officer.goto(detail)
        move(officer, vi("Send to the council"))
        expect(status_badge(officer)).to_have_text(status_label("council"))
        axe.scan(officer, "dossier-detail-council")

        # --- The council member records the council's approval, with the vote's result. ------
        council = open_context(browser, live_server, contexts)
        sign_in_with_form(council, COUNCIL_MEMBER, demo.password)
        council.goto(detail)
        expect(status_badge(council)).to_have_text(status_label("council"))
        move(council, vi("Record the council's approval"), note=VOTE_RESULT)
        expect(status_badge(council)).to_have_text(status_label("approved"))
        expect(council.locator("#timeline li").last).to_contain_text(VOTE_RESULT)
        axe.scan(council, "dossier-detail-approved")

        # --- The officer records the decision; it lands in the register. ----------------------
        officer.goto(detail)
        decide = officer.locator("form[action$='/decide/']")
        decide.get_by_label(label("Number and symbol")).fill(DECISION_NUMBER)
        decide.get_by_label(label("Date signed")).fill(f"{today:%d/%m/%Y}")
        decide.get_by_label(label("Signed by")).fill("Người ký minh họa")
        decide.get_by_label(label("Signer's title")).fill("Giám đốc Sở Nội vụ")
        decide.locator("input[type=file]").set_input_files(str(files["quyet-dinh"]))
        expect(decide.get_by_label(passes.full_name)).to_be_checked()
        expect(decide.get_by_label(fails.full_name)).to_have_count(0)
        screenshot(officer, "dossier-09-decision-form")
        axe.scan(officer, "dossier-detail-decision-form")
        with officer.expect_navigation():
            decide.get_by_role("button", name=vi("Record the decision")).click()
        expect(status_badge(officer)).to_have_text(status_label("decided"))
        record = Record.objects.get(decision__number=DECISION_NUMBER)
        assert (record.person_id, record.code, record.year) == (passes.pk, CODE, year)
        assert not Record.objects.filter(person=fails, code=CODE, year=year).exists()
        screenshot(officer, "dossier-10-decided")
        axe.scan(officer, "dossier-detail-decided")

        # The decision's page lists the person.
        officer.locator("#facts-h ~ dl").get_by_role("link", name=DECISION_NUMBER).click()
        expect(officer.get_by_role("heading", level=1)).to_contain_text(DECISION_NUMBER)
        expect(officer.locator("main table tbody")).to_contain_text(passes.full_name)
        axe.scan(officer, "register-decision-from-dossier")

        # The register finds the new title.
        officer.goto("/register/")
        filters = officer.get_by_role("search")
        filters.get_by_label(label("Name")).fill(passes.full_name)
        filters.get_by_label(label("Title or form")).select_option(CODE)
        filters.get_by_label(label("Year")).fill(str(year))
        filters.get_by_role("button", name=vi("Search")).click()
        found = officer.locator("#results tbody tr").filter(has_text=DECISION_NUMBER)
        expect(found).to_have_count(1)
        expect(found).to_contain_text(passes.full_name)
        axe.scan(officer, "register-search-after-decision")

        # The person's timeline shows it for the year.
        found.get_by_role("link", name=passes.full_name).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(passes.full_name)
        entry = officer.locator("ol.timeline li").filter(has_text=cast["award"])
        entry = entry.filter(has_text=DECISION_NUMBER)
        expect(entry).to_have_count(1)
        expect(entry.locator("strong")).to_have_text(str(year))
        entry.scroll_into_view_if_needed()
        screenshot(officer, "dossier-11-person-timeline")
        axe.scan(officer, "person-detail-after-decision")

        # The calendar and time limits the path counted with.
        officer.goto("/dossiers/")
        officer.get_by_role("link", name=vi("Calendar and time limits")).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(
            vi("Working-day calendar and time limits")
        )
        screenshot(officer, "dossier-12-calendar")
        axe.scan(officer, "dossier-calendar")
    finally:
        for context in contexts:
            context.close()
    axe.assert_clean()
