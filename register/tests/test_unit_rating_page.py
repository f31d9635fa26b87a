"""The ratings page also records the unit's own (collective) rating, for those who keep the register."""

from __future__ import annotations

from typing import Any

from core.models import AuditEvent
from orgs.models import Org
from register.models import UnitRating


def test_an_officer_records_the_units_rating(
    as_user: Any, officer_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    client = as_user("officer_thai_nguyen")
    url = f"/register/ratings/?unit_code={snv_thai_nguyen.code}&year=2025"

    page = client.get(url)
    assert page.status_code == 200
    assert b'name="unit_rating"' in page.content

    answer = client.post(url, {"unit_rating": "HTXSNV"})
    assert answer.status_code == 302
    assert UnitRating.objects.get(org=snv_thai_nguyen, year=2025).rating == "HTXSNV"
    assert AuditEvent.objects.filter(action="register.unit_rating.saved").count() == 1

    refused = client.post(url, {"unit_rating": "XUAT_SAC"})
    assert refused.status_code == 200
    assert UnitRating.objects.get(org=snv_thai_nguyen, year=2025).rating == "HTXSNV"


def test_a_focal_point_rates_people_but_not_the_unit(
    as_user: Any, member_bac_kan: Any, snv_bac_kan: Org
) -> None:
    client = as_user("member_bac_kan")
    url = f"/register/ratings/?unit_code={snv_bac_kan.code}&year=2024"

    page = client.get(url)
    assert page.status_code == 200
    assert b'name="unit_rating"' not in page.content
    assert client.post(url, {"unit_rating": "HTXSNV"}).status_code == 403
    assert not UnitRating.objects.exists()
