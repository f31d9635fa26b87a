"""The public verify page: a valid code shows what the paper says and nothing personal; a revoked
commendation is marked revoked with the revoking decision; an unknown code is a friendly 404;
codes are read whatever their case, spaces and dashes; lookups are limited per client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from certificates import rules, services, throttle
from certificates.models import Certificate
from certificates.tests.conftest import World, keeper
from core.models import AuditEvent
from people.services import person_transfer
from register import services as register_services
from register.models import Record

PERSONAL = ("1985", "019185000123", "Tày", "Chuyên viên", "Bà ", "Nữ")


@pytest.fixture
def issued(world: World) -> World:
    services.certificates_issue(actor=keeper(), decision=world.decision)
    return world


def code_of(record: Any) -> str:
    return Certificate.objects.get(record=record).display_code


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def verify(code: str, client: Client | None = None, **extra: Any) -> Any:
    return (client or Client()).get(reverse("verify:code", args=[code]), **extra)


def test_it_shows_what_a_valid_certificate_says(issued: World) -> None:
    code = code_of(issued.lan)
    response = verify(code)
    assert response.status_code == 200
    assert response.context["state"] == "valid"
    assert response.context["facts"] == {
        "code": code,
        "name": "Nguyễn Thị Lan",
        "unit": "Sở Nội vụ tỉnh Thái Nguyên",
        "award": "Bằng khen cấp bộ, ban, ngành, tỉnh",
        "year": 2024,
        "decision_number": "1520/QĐ-UBND",
        "decision_date": dt.date(2024, 12, 20),
        "issuer": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "revoked": False,
        "revocation_number": "",
        "revocation_date": None,
    }
    page = response.content.decode()
    for text in (
        code,
        "Nguyễn Thị Lan",
        "Sở Nội vụ tỉnh Thái Nguyên",
        "1520/QĐ-UBND",
        "20/12/2024",
    ):
        assert text in page
    assert 'class="verify-verdict verify-valid"' in page
    assert "verify-revoked" not in page


def test_it_shows_the_unit_at_the_time_and_no_unit_when_unknown(
    issued: World, snv_bac_giang: Any
) -> None:
    # Given Lan, who has moved to Bắc Giang since, on a record that does not say her unit then
    assert issued.lan.person is not None
    person_transfer(
        actor=keeper(),
        person=issued.lan.person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2025, 3, 1),
    )
    Record.objects.filter(pk=issued.lan.pk).update(unit=None)
    # and Hưng, who moved too, on a record that does
    assert issued.hung.person is not None
    person_transfer(
        actor=keeper(),
        person=issued.hung.person,
        to_unit=snv_bac_giang,
        start_date=dt.date(2025, 3, 1),
    )

    lan, hung = verify(code_of(issued.lan)), verify(code_of(issued.hung))

    # Then Lan's page has no unit (not where she works now), Hưng's the unit he worked in then
    assert lan.context["facts"]["unit"] == ""
    page = lan.content.decode()
    assert "Bắc Giang" not in page
    assert f"<dt>{vi('Unit')}</dt>" not in page
    assert hung.context["facts"]["unit"] == "Sở Nội vụ tỉnh Bắc Kạn"
    assert "Bắc Giang" not in hung.content.decode()


def test_it_says_nothing_personal(issued: World) -> None:
    page = verify(code_of(issued.lan)).content.decode()
    main = page[page.index('<main id="main"') :]
    for text in PERSONAL:
        assert text not in main


def test_robots_are_asked_not_to_index_and_nobody_to_cache(issued: World) -> None:
    for response in (verify(code_of(issued.lan)), Client().get(reverse("verify:form"))):
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Cache-Control"] == "no-store"


def test_a_collective_shows_the_unit_it_belongs_to(issued: World) -> None:
    facts = verify(code_of(issued.room)).context["facts"]
    assert facts["name"] == issued.room.org.name  # type: ignore[union-attr]
    assert facts["unit"] == "Sở Nội vụ tỉnh Thái Nguyên"


def test_a_revoked_commendation_is_marked_revoked_with_the_revoking_decision(
    issued: World,
) -> None:
    code = code_of(issued.lan)
    register_services.record_revoke(
        actor=keeper(),
        record=issued.lan,
        reason="Kê khai thành tích không đúng sự thật",
        decision_number="99/QĐ-UBND",
        decision_date=dt.date(2025, 4, 2),
    )
    response = verify(code)
    assert response.status_code == 200
    assert response.context["state"] == "revoked"
    facts = response.context["facts"]
    assert (facts["revoked"], facts["revocation_number"], facts["revocation_date"]) == (
        True,
        "99/QĐ-UBND",
        dt.date(2025, 4, 2),
    )
    page = response.content.decode()
    assert 'class="verify-verdict verify-revoked" role="alert"' in page
    assert "99/QĐ-UBND" in page
    assert "02/04/2025" in page
    assert "Nguyễn Thị Lan" in page
    assert "verify-valid" not in page
    assert "Kê khai" not in page  # the reason stays with the officers


@pytest.mark.parametrize("typed", ["TD-0000-0000-0000", "7K3M9QXA2F8B", "not-a-code", "TD-IIII"])
def test_an_unknown_code_is_a_friendly_not_found(issued: World, typed: str) -> None:
    response = verify(typed)
    assert response.status_code == 404
    assert response.context["state"] == "unknown"
    page = response.content.decode()
    assert 'class="verify-verdict verify-unknown"' in page
    assert f"“{typed}”" in page
    assert 'action="/verify/"' in page
    assert "Nguyễn Thị Lan" not in page


@pytest.mark.parametrize(
    "variant",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", " "),
        lambda c: c[3:],  # without "TD-"
        lambda c: c.lower().replace("-", "")[2:],
    ],
)
def test_a_code_is_found_whatever_its_case_spaces_and_dashes(issued: World, variant: Any) -> None:
    code = code_of(issued.hung)
    response = verify(variant(code))
    assert response.status_code == 200
    assert response.context["facts"]["code"] == code
    assert response.context["facts"]["name"] == "Đặng Quốc Hưng"


def test_the_form_sends_a_typed_code_to_its_page(issued: World) -> None:
    code = code_of(issued.hung)
    typed = f"  {code.lower().replace('-', ' ')} "
    response = Client().get(reverse("verify:form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:code", args=[code])


def test_the_form_explains_a_code_that_cannot_be_one(db: Any) -> None:
    response = Client().get(reverse("verify:form"), {"code": "TD-12"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    empty = Client().get(reverse("verify:form"))
    assert empty.status_code == 200
    assert not empty.context["form"].is_bound


def test_looking_up_changes_nothing_and_needs_few_queries(
    issued: World, django_assert_max_num_queries: Any
) -> None:
    code = code_of(issued.lan)
    before = (AuditEvent.objects.count(), list(Certificate.objects.values()))
    with django_assert_max_num_queries(3):
        assert verify(code).status_code == 200
    assert verify("TD-0000-0000-0000").status_code == 404
    assert (AuditEvent.objects.count(), list(Certificate.objects.values())) == before


@pytest.fixture
def limited(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "certificates-verify-tests",
        }
    }
    settings.CERTIFICATE_VERIFY_LOOKUPS = 3
    cache.clear()
    yield
    cache.clear()


def test_a_client_over_the_limit_gets_429_and_nothing_else(issued: World, limited: None) -> None:
    code = code_of(issued.lan)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [verify("TD-0000-0000-000" + d, client).status_code for d in "123"] == [404] * 3
    response = verify(code, client)
    assert response.status_code == 429
    assert response.context["state"] == "limited"
    page = response.content.decode()
    assert "Nguyễn Thị Lan" not in page
    assert 'role="alert"' in page
    # Another client is not held back by the first one.
    assert verify(code, Client(REMOTE_ADDR="198.51.100.4")).status_code == 200


def test_the_limit_counts_per_window(limited: None) -> None:
    assert [throttle.lookup_allowed("203.0.113.9", now=1000.0) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    later = 1000.0 + throttle.WINDOW_SECONDS
    assert throttle.lookup_allowed("203.0.113.9", now=later) is True


def test_the_verify_url_printed_on_paper_is_the_code_page(issued: World) -> None:
    code = code_of(issued.lan)
    assert reverse("verify:code", args=[code]) == f"/verify/{code}/"
    assert rules.normalise(code) == Certificate.objects.get(record=issued.lan).code
