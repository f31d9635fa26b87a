"""The cross-check through the pages: assignments and conflicts, a reviewer's dispute, the member's
explanation, the final review, the ranking; and who may do none of it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from clusters.models import ClusterYear
from conftest import make_user
from orgs.models import Org
from scoring.models import Assignment, Conflict, Mark, ScoringTable, Sheet, SheetStatus, Stage
from scoring.tests.test_sheet_views import media_root, sheet_url, year  # noqa: F401

VALUES = {"A1": "100", "A2": "7", "B1": "1", "B2": "2", "C": "1", "D1": "1", "D2": "1", "T": "0"}
VALUES |= {"P": "0"}


def signed_in(username: str, role: str, org: Org) -> Client:
    client = Client()
    client.force_login(make_user(username, role, org))
    return client


def fill_and_submit(client: Client, cy: ClusterYear, org: Org) -> Sheet:
    client.get(sheet_url(cy, org))
    sheet = Sheet.objects.get(org=org)
    for code, value in VALUES.items():
        sheet.refresh_from_db()
        extra = {"target": "100"} if code == "A1" else {}
        client.post(
            reverse("scoring:sheet-save", args=[sheet.pk]),
            {"code": code, "value": value, "version": sheet.version, **extra},
        )
    client.post(reverse("scoring:sheet-submit", args=[sheet.pk]))
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    return sheet


def test_a_dispute_is_explained_settled_and_ranked(year: ClusterYear, province: Any) -> None:  # noqa: F811
    table = ScoringTable.objects.get()
    bac_kan, thai_nguyen, bac_giang = province("06"), province("19"), province("24")
    member = signed_in("daumoi.bk", "focal_point", bac_kan)
    reviewer = signed_in("daumoi.bg", "focal_point", bac_giang)
    secretariat = signed_in("thuky.bg", "secretariat", bac_giang)
    sheet = fill_and_submit(member, year, bac_kan)
    crosscheck = reverse("scoring:crosscheck", args=[table.pk])

    # The secretariat assigns Bắc Giang to review Bắc Kạn; Thái Nguyên declares a conflict.
    secretariat.post(crosscheck, {"action": "assign", "reviewee": bac_kan.pk, "reviewer": "24"})
    secretariat.post(
        crosscheck,
        {"action": "conflict", "reviewee": bac_kan.pk, "reviewer": "19", "reason": "Sáp nhập"},
    )
    refused = secretariat.post(
        crosscheck, {"action": "assign", "reviewee": bac_kan.pk, "reviewer": "19"}, follow=True
    )
    assert list(Assignment.objects.values_list("reviewer__code", flat=True)) == ["24"]
    assert Conflict.objects.get().reviewer == thai_nguyen
    assert any("Sáp nhập" in str(m) for m in refused.context["messages"])

    # The reviewer disputes D2 (1 → 0) with a reason; a different value without reason is refused.
    review = reverse("scoring:sheet-review", args=[sheet.pk])
    sheet.refresh_from_db()
    reviewer.post(
        review, {"code": "D2", "value": "0", "reviewer": bac_giang.pk, "version": sheet.version}
    )
    assert not Mark.objects.filter(stage=Stage.REVIEW).exists()
    reviewer.post(
        review,
        {
            "code": "D2",
            "value": "0",
            "note": "Mô hình chưa được công nhận",
            "reviewer": bac_giang.pk,
            "version": sheet.version,
        },
    )

    step = reverse("scoring:sheet-step", args=[sheet.pk])
    secretariat.post(step, {"action": "explanations"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.EXPLAINING
    member.post(
        reverse("scoring:sheet-explain", args=[sheet.pk]),
        {"code": "D2", "note": "Đã có quyết định công nhận", "version": sheet.version},
    )
    # Settling without a value for the disputed criterion is refused; with one, the sheet locks.
    secretariat.post(step, {"action": "settle"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.EXPLAINING
    secretariat.post(step, {"action": "settle", "final_D2": "1", "why_D2": "Có quyết định"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.FINAL

    page = secretariat.get(crosscheck)
    ranked = page.context["outcome"].ranked
    assert [row.result.member for row in ranked] == [bac_kan]
    # A1 20 + A2 20 → 40; B 10 + 4; C 15; D 10 + 3 = 82.
    assert ranked[0].result.total == 82
    assert "Mô hình chưa được công nhận" in member.get(sheet_url(year, bac_kan)).content.decode()


def test_members_and_unassigned_units_cannot_run_the_cross_check(
    year: ClusterYear,  # noqa: F811
    province: Any,
) -> None:
    table = ScoringTable.objects.get()
    bac_kan, bac_giang = province("06"), province("24")
    member = signed_in("daumoi.bk", "focal_point", bac_kan)
    stranger = signed_in("daumoi.bg", "focal_point", bac_giang)  # not assigned
    sheet = fill_and_submit(member, year, bac_kan)
    before = (Mark.objects.count(), Assignment.objects.count(), Sheet.objects.get().status)

    answers = {
        member.get(reverse("scoring:crosscheck", args=[table.pk])).status_code,
        member.post(
            reverse("scoring:crosscheck", args=[table.pk]),
            {"action": "assign", "reviewee": bac_kan.pk, "reviewer": "24"},
        ).status_code,
        member.post(
            reverse("scoring:sheet-step", args=[sheet.pk]), {"action": "settle"}
        ).status_code,
        stranger.post(
            reverse("scoring:sheet-review", args=[sheet.pk]),
            {"code": "C", "value": "0", "note": "x", "reviewer": bac_giang.pk},
        ).status_code,
    }

    assert answers <= {403, 404}
    assert (Mark.objects.count(), Assignment.objects.count(), Sheet.objects.get().status) == before
