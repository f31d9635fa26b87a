"""The sheets API: reading a sheet with its history, saving with the version (409 when stale),
submitting; who may not."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from clusters.models import ClusterYear
from conftest import make_user
from scoring.assessment import sheet_for
from scoring.models import Mark, ScoringTable, SheetStatus
from scoring.tests.test_sheet_views import media_root, year  # noqa: F401

VALUES = {"A2": "7", "B1": "1", "B2": "2", "C": "1", "D1": "1", "D2": "1", "T": "0", "P": "0"}


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def member_client(province: Any, code: str = "06") -> Client:
    client = Client()
    client.force_login(make_user(f"daumoi.{code}", "focal_point", province(code)))
    return client


def test_a_member_saves_reads_and_submits_its_sheet(year: ClusterYear, province: Any) -> None:  # noqa: F811
    sheet = sheet_for(table=ScoringTable.objects.get(), org=province("06"))
    client = member_client(province)
    url = f"/api/v1/scoring/sheets/{sheet.pk}"

    answer = post(
        client, f"{url}/self", {"code": "A1", "value": "105", "target": "100", "version": 0}
    ).json()
    for index, (code, value) in enumerate(VALUES.items(), start=1):
        post(client, f"{url}/self", {"code": code, "value": value, "version": index})
    submitted = post(client, f"{url}/submit")

    assert answer["version"] == 1
    assert answer["marks"][0]["code"] == "A1" and answer["marks"][0]["value"] == "105.00"
    assert submitted.status_code == 200 and submitted.json()["status"] == SheetStatus.SUBMITTED
    assert client.get(url).json()["version"] == 9


def test_a_stale_save_is_409_with_the_value_saved_meanwhile(
    year: ClusterYear,  # noqa: F811
    province: Any,
) -> None:
    sheet = sheet_for(table=ScoringTable.objects.get(), org=province("06"))
    client = member_client(province)
    url = f"/api/v1/scoring/sheets/{sheet.pk}/self"
    post(client, url, {"code": "C", "value": "1", "version": 0})

    stale = post(client, url, {"code": "C", "value": "0", "version": 0})

    assert stale.status_code == 409
    assert stale.json()["version"] == 1
    assert stale.json()["current"]["value"] == "1.00"
    assert list(Mark.objects.values_list("value", flat=True)) == [1]


def test_another_member_and_an_outsider_cannot(year: ClusterYear, province: Any) -> None:  # noqa: F811
    sheet = sheet_for(table=ScoringTable.objects.get(), org=province("06"))
    other = member_client(province, "24")
    outsider = Client()
    outsider.force_login(make_user("nobody"))
    url = f"/api/v1/scoring/sheets/{sheet.pk}"

    answers = {
        other.get(url).status_code,
        post(other, f"{url}/self", {"code": "C", "value": "1", "version": 0}).status_code,
        outsider.get(url).status_code,
        post(outsider, f"{url}/submit").status_code,
        Client().get(url).status_code,
    }

    assert answers <= {401, 403, 404}
    assert not Mark.objects.exists()
