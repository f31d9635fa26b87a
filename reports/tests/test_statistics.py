"""The statistical report's figures from the register (conftest's small register, counted by hand),
the page that shows them and the Excel filled into the built-in template."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgs.models import Org
from reports import rules, selectors, workbook

COLS = rules.COLUMN_KEYS  # tap_the, ca_nhan, lanh_dao, lao_dong, nu, tong


def row(figures: dict[str, int], key: str) -> list[int]:
    return [figures[f"{key}.{c}"] for c in COLS]


@pytest.mark.django_db
def test_it_counts_the_province_with_its_units_in_the_statistical_year(
    world: dict[str, Any], thai_nguyen: Org
) -> None:
    stats = selectors.statistics(unit=thai_nguyen, year=2024)
    f = stats.figures

    assert (str(stats.start), str(stats.end)) == ("2023-12-01", "2024-11-30")
    assert row(f, "nn.huan_chuong") == [0, 1, 1, 0, 1, 1]
    assert row(f, "nn.bk_ttg") == [1, 1, 0, 1, 0, 2]
    assert row(f, "nn.co_cp") == [1, 0, 0, 0, 0, 1]
    assert row(f, "nn.cong") == [2, 2, 1, 1, 1, 4]
    assert row(f, "bt.bang_khen") == [0, 3, 0, 1, 1, 3]
    assert row(f, "bt.co_thi_dua") == [1, 0, 0, 0, 0, 1]
    assert row(f, "bt.ttldxs") == [1, 0, 0, 0, 0, 1]
    assert row(f, "bt.cong") == [2, 3, 0, 1, 1, 5]
    assert row(f, "cs.ldtt") == [0, 3, 1, 1, 2, 3]
    assert row(f, "cs.cstd") == [0, 1, 0, 1, 0, 1]
    assert row(f, "cs.ttldtt") == [1, 0, 0, 0, 0, 1]
    assert row(f, "cs.giay_khen") == [0, 0, 0, 0, 0, 0]  # the only one in the period is revoked
    assert row(f, "cs.cong") == [1, 4, 1, 2, 2, 5]
    assert row(f, "tong.cong") == [5, 9, 2, 4, 4, 14]
    assert (f["phong_trao.thuong_xuyen"], f["phong_trao.chuyen_de"], f["phong_trao.cong"]) == (
        1,
        1,
        2,
    )
    assert f["de_nghi.ho_so"] == 1
    assert row(f, "de_nghi.nn") == [1, 1, 0, 1, 0, 2]
    assert row(f, "de_nghi.bt") == [0, 0, 0, 0, 0, 0]
    assert row(f, "de_nghi.cong") == [1, 1, 0, 1, 0, 2]
    assert stats.unknown_codes == {}
    assert set(f) == rules.NUMBER_KEYS


@pytest.mark.django_db
def test_the_calendar_year_takes_the_decisions_signed_in_it(
    world: dict[str, Any], thai_nguyen: Org
) -> None:
    f = selectors.statistics(unit=thai_nguyen, year=2024, basis="nam").figures

    assert row(f, "bt.cong") == [0, 0, 0, 0, 0, 0]
    assert row(f, "cs.ldtt") == [0, 5, 1, 2, 3, 5]
    assert row(f, "cs.giay_khen") == [1, 0, 0, 0, 0, 1]
    assert row(f, "cs.cong") == [2, 6, 1, 3, 3, 8]
    assert row(f, "tong.cong") == [4, 8, 2, 4, 4, 12]
    assert f["phong_trao.cong"] == 2
    assert f["de_nghi.ho_so"] == 2
    assert row(f, "de_nghi.nn") == [1, 2, 0, 1, 1, 3]


@pytest.mark.django_db
def test_a_department_counts_its_own_people_and_the_proposals_it_sends_to_the_province(
    world: dict[str, Any], snv_thai_nguyen: Org
) -> None:
    f = selectors.statistics(unit=snv_thai_nguyen, year=2024).figures

    assert row(f, "nn.cong") == [1, 2, 1, 1, 1, 3]
    assert row(f, "bt.bang_khen") == [0, 2, 0, 1, 0, 2]  # Minh, and Tuấn who has moved since
    assert row(f, "cs.cong") == [1, 3, 1, 2, 1, 4]
    assert row(f, "tong.cong") == [4, 7, 2, 4, 2, 11]
    assert f["phong_trao.cong"] == 1
    assert f["de_nghi.ho_so"] == 1
    assert row(f, "de_nghi.bt") == [0, 1, 1, 0, 1, 1]


@pytest.mark.django_db
def test_another_province_counts_only_its_own(world: dict[str, Any], bac_giang: Org) -> None:
    f = selectors.statistics(unit=bac_giang, year=2024).figures

    assert row(f, "tong.cong") == [0, 1, 1, 0, 0, 1]
    assert f["phong_trao.cong"] == 1
    assert f["de_nghi.ho_so"] == 0


@pytest.mark.django_db
def test_a_code_outside_the_catalogue_is_reported_not_counted(
    world: dict[str, Any], thai_nguyen: Org
) -> None:
    from register.models import Record

    Record.objects.filter(code="TTLDXS").update(code="CU_CODE")

    stats = selectors.statistics(unit=thai_nguyen, year=2024)

    assert stats.unknown_codes == {"CU_CODE": 1}
    assert row(stats.figures, "bt.ttldxs") == [0, 0, 0, 0, 0, 0]
    assert stats.figures["tong.cong.tong"] == 13


# --- the built-in template and the Excel --------------------------------------------------------


def test_the_shipped_template_is_the_built_in_layout() -> None:
    """reports/data/ holds what `manage.py write_report_template` writes (run it after changing the
    layout): the same cells and values."""
    shipped = workbook.read_cells(workbook.builtin_bytes())
    fresh = workbook.read_cells(workbook.builtin_fresh_bytes())

    assert shipped == fresh
    _wb, known = workbook.open_checked(workbook.builtin_bytes())
    assert {f.name for f in known} == rules.KNOWN_KEYS - {
        "unit_code",
        "period_start",
        "period_end",
        "report_date",
    }


def _xlsx(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


@pytest.mark.django_db
def test_the_excel_holds_the_figures_in_the_built_in_layout(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")

    response = client.get(
        reverse("reports:statistics"),
        {"unit": thai_nguyen.pk, "year": 2024, "signer": "Nguyễn Văn An", "format": "xlsx"},
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-thong-ke-tdkt-19-2024.xlsx"'
    )
    ws = _xlsx(response)["Biểu TĐKT"]
    assert ws["E1"].value == "Đơn vị báo cáo: Tỉnh Thái Nguyên"
    assert ws["E2"].value == "Đơn vị nhận báo cáo: Bộ Nội vụ"
    assert ws["A6"].value == "Năm 2024"
    assert ws["A7"].value == "(Kỳ báo cáo: từ ngày 01/12/2023 đến ngày 30/11/2024)"
    # Movements: total, regular, thematic in column H.
    assert [ws[f"H{r}"].value for r in (13, 14, 15)] == [2, 1, 1]
    # State level: Huân chương, honorary titles, CSTĐ toàn quốc, CP flag, PM certificate, other, sum.
    assert [ws[f"B{r}"].value for r in (17, 20, 21, 23)] == [
        "Huân chương",
        "Cờ thi đua của Chính phủ",
        "Bằng khen của Thủ tướng Chính phủ",
        "Cộng khen thưởng cấp Nhà nước",
    ]
    assert [ws[f"{c}17"].value for c in "CDEFGH"] == [0, 1, 1, 0, 1, 1]
    assert [ws[f"{c}21"].value for c in "CDEFGH"] == [1, 1, 0, 1, 0, 2]
    assert [ws[f"{c}23"].value for c in "CDEFGH"] == [2, 2, 1, 1, 1, 4]
    assert [ws[f"{c}28"].value for c in "CDEFGH"] == [0, 3, 0, 1, 1, 3]  # Bằng khen bộ, tỉnh
    assert [ws[f"{c}30"].value for c in "CDEFGH"] == [2, 3, 0, 1, 1, 5]
    assert [ws[f"{c}33"].value for c in "CDEFGH"] == [0, 3, 1, 1, 2, 3]  # LĐTT
    assert [ws[f"{c}37"].value for c in "CDEFGH"] == [1, 4, 1, 2, 2, 5]
    assert ws["B38"].value == "TỔNG SỐ KHEN THƯỞNG"
    assert [ws[f"{c}38"].value for c in "CDEFGH"] == [5, 9, 2, 4, 4, 14]
    assert ws["H40"].value == 1  # dossiers sent up
    assert [ws[f"{c}41"].value for c in "CDEFGH"] == [1, 1, 0, 1, 0, 2]
    assert ws["B47"].value == "NGƯỜI LẬP BIỂU"
    assert ws["B52"].value == "canbo.thainguyen"
    assert ws["E52"].value == "Nguyễn Văn An"
    assert ws["E46"].value.startswith("Thái Nguyên, ngày ")
    assert isinstance(ws["H38"].value, int)
    left = [
        c.value
        for r in ws.iter_rows()
        for c in r
        if isinstance(c.value, str) and ("{{" in c.value or "}}" in c.value)
    ]
    assert left == []


# --- the page -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_previews_the_figures(
    world: dict[str, Any], thai_nguyen: Org, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user("officer_thai_nguyen")

    with django_assert_max_num_queries(17):
        response = client.get(reverse("reports:statistics"), {"unit": thai_nguyen.pk, "year": 2024})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-key="tong.cong"' in html
    sections = response.context["sections"]
    total = next(line for s in sections for line in s["lines"] if line["row"].key == "tong.cong")
    assert total["values"] == [5, 9, 2, 4, 4, 14]
    assert response.context["movements"][0][1] == 2
    assert f"unit={thai_nguyen.pk}&amp;year=2024&amp;period=thong_ke&amp;format=xlsx" in html


@pytest.mark.django_db
def test_without_a_choice_the_page_shows_the_officers_province_this_year(
    world: dict[str, Any], thai_nguyen: Org, snv_thai_nguyen: Org, as_user: Any
) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("reports:statistics"))

    assert response.status_code == 200
    assert response.context["unit"] == thai_nguyen
    choices = list(response.context["form"].fields["unit"].widget.choices)
    assert choices[0] == (thai_nguyen.pk, "Tỉnh Thái Nguyên")
    assert (snv_thai_nguyen.pk, "— Sở Nội vụ tỉnh Thái Nguyên") in choices


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [({"year": "1800"}, "year"), ({"year": "hai nghìn"}, "year"), ({"period": "quy"}, "period")],
)
def test_a_bad_choice_is_shown_on_the_form(
    world: dict[str, Any], as_user: Any, query: dict[str, str], field: str
) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("reports:statistics"), query)

    assert response.status_code == 200
    assert response.context["stats"] is None
    assert list(response.context["form"].errors) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona",
    ["viewer_bac_giang", "member_bac_kan", "secretariat_bac_giang", "council_member", "outsider"],
)
def test_only_officers_see_the_report(world: dict[str, Any], as_user: Any, persona: str) -> None:
    client = as_user(persona)

    for name in (
        "reports:statistics",
        "reports:templates",
        "reports:placeholders",
        "reports:template-builtin",
    ):
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in(as_user: Any) -> None:
    response = as_user(None).get(reverse("reports:statistics"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_an_officer_cannot_report_on_another_province(
    world: dict[str, Any], bac_giang: Org, as_user: Any
) -> None:
    client = as_user("officer_thai_nguyen")

    for fmt in ("", "xlsx"):
        response = client.get(
            reverse("reports:statistics"), {"unit": bac_giang.pk, "year": 2024, "format": fmt}
        )
        assert response.status_code == 403
    assert client.get(reverse("reports:statistics"), {"unit": 10**9}).status_code == 404


@pytest.mark.django_db
def test_the_administrator_reports_on_any_unit(
    world: dict[str, Any], bac_giang: Org, as_user: Any
) -> None:
    response = as_user("admin_user").get(
        reverse("reports:statistics"), {"unit": bac_giang.pk, "year": 2024}
    )

    assert response.status_code == 200
    assert response.context["stats"].figures["tong.cong.tong"] == 1


@pytest.mark.django_db
def test_the_placeholders_page_lists_every_placeholder(
    as_user: Any, officer_thai_nguyen: Any
) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("reports:placeholders"))

    assert response.status_code == 200
    listed = {key for group in response.context["groups"] for key, _m in group["items"]}
    assert listed == rules.KNOWN_KEYS
    assert "{{ nn.huan_chuong.ca_nhan }}" in response.content.decode()
