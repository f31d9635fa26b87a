"""Ids in links and hidden fields are written without the thousands separator the interface uses
for numbers ("7.117" would choose nobody): a register has millions of people."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from dossiers.tests.factories import draft
from orgs.models import Org
from people.models import Person


def test_a_person_with_a_large_id_is_chosen_by_that_id(
    focal_snv_thai_nguyen: Any, snv_thai_nguyen: Org
) -> None:
    dossier = draft(
        focal_snv_thai_nguyen,
        proposer=snv_thai_nguyen,
        receiver=snv_thai_nguyen,
        code="CSTD_CS",
        level="co_so",
    )
    person = Person.objects.create(
        pk=1_234_567,
        full_name="Đặng Thị Thu",
        name_key="dang thi thu",
        gender="F",
        birth_year=1990,
        unit=snv_thai_nguyen,
    )
    client = Client()
    client.force_login(focal_snv_thai_nguyen)
    address = reverse("dossiers:recipient-add", args=[dossier.pk])

    found = client.get(address, {"q": "dang thi thu"}).content.decode()
    chosen = client.get(address, {"person": "1234567"})

    assert 'href="?person=1234567"' in found
    assert chosen.context["person"] == person
    assert 'name="person" value="1234567"' in chosen.content.decode()
