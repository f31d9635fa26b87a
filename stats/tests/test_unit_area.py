"""The area of a unit (remote, border, island): shipped for the northern border provinces, edited
on the unit's form, shown on its page and in the API, counted by the dashboard."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.urls import reverse

from core.models import AuditEvent
from orgs.models import Org
from orgs.reference import load_reference

BORDER = {"02", "04", "10", "11", "12", "14", "20"}  # seed 004's cluster: the northern border


def test_it_ships_the_seven_northern_border_provinces_as_border(db: Any) -> None:
    marked = dict(Org.objects.exclude(area="").values_list("code", "area"))

    assert marked == dict.fromkeys(BORDER, "border")
    assert set(Org.objects.filter(code__in=BORDER).values_list("short_name", flat=True)) == {
        "Lào Cai",
        "Lạng Sơn",
        "Sơn La",
        "Hà Giang",
        "Lai Châu",
        "Cao Bằng",
        "Điện Biên",
    }


def test_it_lets_an_officer_mark_a_units_area(as_user: Any, units: dict[str, Org]) -> None:
    org = units["snv_thai_nguyen"]
    client = as_user("officer_thai_nguyen")

    response = client.post(
        reverse("orgs:org-edit", args=[org.pk]),
        {
            "code": "19.SNV",
            "name": org.name,
            "kind": "department",
            "parent_code": "19",
            "area": "remote",
        },
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.area == "remote"
    event = AuditEvent.objects.filter(action="orgs.org.updated", object_id=str(org.pk)).get()
    assert event.changes == {"area": ["", "remote"]}
    assert 'id="org-area"' in client.get(reverse("orgs:org-detail", args=[org.pk])).content.decode()
    assert client.get(f"/api/v1/orgs/{org.pk}").json()["area"] == "remote"


def test_it_refuses_an_unknown_area_and_changes_nothing(
    as_user: Any, units: dict[str, Org]
) -> None:
    org = units["snv_thai_nguyen"]

    response = as_user("officer_thai_nguyen").post(
        reverse("orgs:org-edit", args=[org.pk]),
        {
            "code": "19.SNV",
            "name": org.name,
            "kind": "department",
            "parent_code": "19",
            "area": "desert",
        },
    )

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    org.refresh_from_db()
    assert org.area == ""


def test_it_keeps_an_officers_marking_when_the_reference_is_reloaded(db: Any) -> None:
    lao_cai, thai_nguyen = Org.objects.get(code="10"), Org.objects.get(code="19")
    Org.objects.filter(pk=lao_cai.pk).update(area="remote")
    Org.objects.filter(pk=thai_nguyen.pk).update(area="remote")

    load_reference(apps)

    assert Org.objects.get(code="10").area == "remote"
    assert Org.objects.get(code="19").area == "remote"


def test_it_counts_a_unit_below_a_border_province_in_the_border_area(as_user: Any, db: Any) -> None:
    import datetime as dt

    from orgs.services import org_create
    from register.models import Decision, Record

    lao_cai = Org.objects.get(code="10")
    commune = org_create(actor=None, code="10.X1", name="Xã Y Tý", kind="commune", parent=lao_cai)
    d = Decision.objects.create(number="1/QĐ-LC", date=dt.date(2024, 12, 1), issuer=lao_cai)
    Record.objects.create(decision=d, org=commune, code="TTLDTT", year=2024)

    response = as_user("admin_user").get("/stats/", {"unit": lao_cai.pk})

    area = next(c for c in response.context["charts"] if c.key == "area")
    assert area.by_key()["border"] == [0, 1]
    assert area.by_key()["none"] == [0, 0]
