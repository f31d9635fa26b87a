"""The register journey of issue 6, in a real browser.

An officer of Thái Nguyên records a decision, imports its recipient list from Excel, resolves the one
uncertain match on the review screen, opens a person and reads why they are not yet eligible for
CSTĐ cấp tỉnh, then exports the list of who is eligible. axe-core checks every page on the way.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from .conftest import SCREENSHOTS, vi

OFFICER = "canbo.thainguyen"


def people_for_the_journey() -> dict[str, Any]:
    """Three demo people of Thái Nguyên's department, and a namesake that makes one row uncertain."""
    from orgs.models import Org
    from people.models import Person
    from people.services import person_create

    snv = Org.objects.get(code="19.SNV")
    people = list(Person.objects.filter(unit=snv).order_by("pk"))
    matched, doubtful = people[3], people[4]
    namesake = person_create(
        actor=None,
        full_name=doubtful.full_name,
        gender=doubtful.gender,
        birth_year=doubtful.birth_year,
        unit=Org.objects.get(code="19.BTDKT"),
        position="Chuyên viên",
        note="Dữ liệu minh họa (demo)",
    )
    # The demo's person one CSTĐ cơ sở short of CSTĐ cấp tỉnh (register/demo.py): people[1].
    return {"matched": matched, "doubtful": doubtful, "namesake": namesake, "short": people[1]}


def recipient_list(cast: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Năm sinh",
            "Giới tính",
            "Mã đơn vị",
            "Chức vụ",
            "Tập thể (mã đơn vị)",
            "Mã danh hiệu/hình thức",
            "Năm thành tích",
            "Số tiền",
            "Ghi chú",
        ]
    )
    m, d = cast["matched"], cast["doubtful"]
    ws.append([1, m.full_name, m.birth_year, "", "19.SNV", "", "", "GK", 2025, None, ""])
    # Unit "19" (the province): the namesake in the province's competition board matches too.
    ws.append([2, d.full_name, d.birth_year, "", "19", "", "", "GK", 2025, None, ""])
    ws.append([3, "Đinh Thị Mới", 1990, "Nữ", "19.SNV", "Chuyên viên", "", "GK", 2025, None, ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_import_a_decision_list_resolve_a_match_read_why_and_export(
    page: Page, demo: Any, sign_in: Any, axe: Any, screenshot: Any, tmp_path: Path
) -> None:
    from register.models import Record

    cast = people_for_the_journey()
    sign_in(page, OFFICER, demo.password)

    # Record the decision.
    page.goto("/register/decisions/new/")
    page.get_by_label(vi("Number and symbol")).fill("125/QĐ-UBND")
    page.get_by_label(vi("Date signed")).fill("20/01/2026")
    page.get_by_label(vi("Issuing authority (unit code)")).fill("19")
    page.get_by_label(vi("Signed by"), exact=True).fill("Người ký minh họa")
    axe.scan(page, "register-decision-new")
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Save")).click()
    expect(page.locator("h1")).to_contain_text("125/QĐ-UBND")

    # Import its list from Excel.
    page.get_by_role("link", name=vi("Import the recipient list from Excel")).click()
    axe.scan(page, "register-import-start")
    workbook = tmp_path / "danh-sach.xlsx"
    workbook.write_bytes(recipient_list(cast))
    page.locator("input[type=file]").set_input_files(str(workbook))
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Check the list")).click()
    expect(page.locator("main")).to_contain_text(vi("Some people need to be confirmed"))
    screenshot(page, "register-import-summary")
    axe.scan(page, "register-import-summary")

    # Resolve the uncertain match: the person of Thái Nguyên's department, not the namesake.
    page.locator("#import-review-link").click()
    doubtful = cast["doubtful"]
    option = page.get_by_label(f"{doubtful.full_name}", exact=False).filter(
        has_text=doubtful.unit.name
    )
    expect(page.locator("input[type=radio]")).to_have_count(3)  # two people, or someone new
    page.locator(f"input[type=radio][value='{doubtful.pk}']").check()
    screenshot(page, "register-import-review")
    axe.scan(page, "register-import-review")
    with page.expect_navigation():
        page.locator("#review-save").click()
    assert option is not None
    with page.expect_navigation():
        page.locator("#import-apply").click()
    expect(page.locator("main")).to_contain_text(vi("Commendations added"))
    added = Record.objects.filter(decision__number="125/QĐ-UBND")
    assert added.count() == 3
    assert added.filter(person=doubtful).exists()
    assert not added.filter(person=cast["namesake"]).exists()

    # Open a person and read why they are not yet eligible for CSTĐ cấp tỉnh.
    short = cast["short"]
    page.goto(f"/people/{short.pk}/")
    row = page.locator("#elig-CSTD_BO")
    row.locator("details").first.locator("summary").click()
    expect(row).to_contain_text("cần thêm 1 lần Chiến sĩ thi đua cơ sở (năm 2026)")
    expect(row).to_contain_text("Luật 06/2022/QH15, Điều 22")
    screenshot(page, "register-person-eligibility")
    axe.scan(page, "register-person")

    # Who is eligible for CSTĐ cấp tỉnh in 2025 in Thái Nguyên, exported to Excel.
    page.goto("/register/eligible/")
    page.locator("#id_target").select_option("CSTD_BO")
    page.locator("#id_year").fill("2025")
    page.locator("#id_unit_code").fill("19")
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Show")).click()
    names = page.locator("main table tbody tr td:first-child")
    expect(names.first).to_be_visible()
    shown = sorted(names.all_inner_texts())
    screenshot(page, "register-eligible")
    axe.scan(page, "register-eligible")
    with page.expect_download() as info:
        page.get_by_role("link", name=vi("Export to Excel")).click()
    target = SCREENSHOTS / "du-dieu-kien-CSTD_BO-2025.xlsx"
    info.value.save_as(str(target))
    sheet = load_workbook(target, read_only=True).worksheets[0]
    exported = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0])
    assert exported == shown
    assert short.full_name not in exported
    axe.assert_clean()
