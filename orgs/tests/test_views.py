"""Organisation pages: who may open and change what, form errors, Excel export, query counts."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import ApiToken
from core.models import AuditEvent
from orgs.models import LineageEvent, Org
from orgs.services import org_create
from orgs.views import export_columns
from people.models import Person, Posting

LOGIN = reverse("accounts:login")
VI_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Org, Person, Posting, LineageEvent, AuditEvent, ApiToken)
    }


def org_row(org: Org) -> tuple[Any, ...]:
    org = Org.objects.get(pk=org.pk)
    return (org.code, org.name, org.kind, org.parent_id, org.path, org.valid_from, org.valid_to)


def message(text: str, **params: Any) -> str:
    """A message as the page shows it: Vietnamese once the catalogue is compiled."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    if VI_CATALOGUE.exists():
        assert shown != text, f"no Vietnamese for {text!r}"
    return shown % params if params else shown


def all_errors(response: Any) -> list[str]:
    return [e for errors in response.context["form"].errors.values() for e in errors]


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


# --- who may open what -------------------------------------------------------------------------

# page → (url name, whether it takes a unit)
PAGES = {
    "list": ("orgs:org-list", False),
    "create": ("orgs:org-create", False),
    "detail": ("orgs:org-detail", True),
    "edit": ("orgs:org-edit", True),
    "lineage": ("orgs:lineage-create", True),
}


def page_url(page: str, units: dict[str, Org], target: str | None = None) -> str:
    name, takes_unit = PAGES[page]
    return reverse(name, args=[units[target].pk]) if takes_unit and target else reverse(name)


# persona → {(page, unit): status}. Roles reach down the tree and through mergers (Bắc Kạn → Thái
# Nguyên); keepers (admin, officer) change units; a unit out of reach is a 404, not a hint.
ACCESS = {
    "admin_user": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "bac_giang"): 200,
        ("edit", "bac_giang"): 200,
        ("lineage", "bac_giang"): 200,
    },
    "officer_thai_nguyen": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "thai_nguyen"): 200,
        ("detail", "bac_kan"): 200,
        ("detail", "snv_bac_kan"): 200,
        ("detail", "bac_giang"): 404,
        ("edit", "bac_kan"): 200,
        ("edit", "snv_bac_kan"): 200,
        ("edit", "bac_giang"): 404,
        ("lineage", "snv_bac_kan"): 200,
        ("lineage", "bac_giang"): 404,
    },
    "member_bac_kan": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "snv_bac_kan"): 200,
        ("detail", "bac_kan"): 404,
        ("edit", "snv_bac_kan"): 403,
        ("lineage", "snv_bac_kan"): 403,
    },
    "secretariat_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "snv_bac_giang"): 200,
        ("edit", "snv_bac_giang"): 403,
        ("lineage", "snv_bac_giang"): 403,
    },
    "viewer_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "bac_giang"): 200,
        ("detail", "snv_bac_giang"): 200,
        ("detail", "thai_nguyen"): 404,
        ("edit", "bac_giang"): 403,
        ("lineage", "bac_giang"): 403,
        ("edit", "thai_nguyen"): 404,
    },
    "council_member": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "thai_nguyen"): 404,
        ("edit", "thai_nguyen"): 404,
        ("lineage", "thai_nguyen"): 404,
    },
    "outsider": {
        ("list", None): 403,
        ("create", None): 403,
        ("detail", "thai_nguyen"): 404,
        ("edit", "bac_giang"): 404,
        ("lineage", "bac_giang"): 404,
    },
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, units: dict[str, Org], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        (page, target): client.get(page_url(page, units, target)).status_code
        for page, target in ACCESS[persona]
    }

    assert statuses == ACCESS[persona]


def test_it_sends_visitors_to_sign_in_from_every_page(units: dict[str, Org]) -> None:
    client = Client()
    for page in PAGES:
        for method in (client.get, client.post):
            assert_sent_to_login(method(page_url(page, units, "thai_nguyen")))


def test_it_answers_404_for_a_unit_that_does_not_exist(as_user: Any, units: dict[str, Org]) -> None:
    missing = Org.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]

    assert as_user("admin_user").get(reverse("orgs:org-detail", args=[missing])).status_code == 404


def test_it_prefills_the_parent_only_when_reachable(as_user: Any, units: dict[str, Org]) -> None:
    client = as_user("officer_thai_nguyen")
    url = reverse("orgs:org-create")

    assert client.get(url, {"parent": units["thai_nguyen"].pk}).context["form"].initial == {
        "parent_code": "19"
    }
    assert client.get(url, {"parent": units["bac_giang"].pk}).context["form"].initial == {}


def test_it_shows_where_a_merged_unit_went(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("orgs:org-detail", args=[units["bac_kan"].pk])
    )

    body = response.content.decode()
    assert response.context["lineage"].successor_now == units["thai_nguyen"]
    assert "Tỉnh Thái Nguyên" in body
    assert reverse("orgs:org-detail", args=[units["thai_nguyen"].pk]) in body
    assert "30/06/2025" in body


def test_it_names_but_does_not_link_a_successor_out_of_reach(
    as_user: Any, units: dict[str, Org]
) -> None:
    # Bắc Giang merged into Bắc Ninh; the viewer of Bắc Giang does not reach Bắc Ninh.
    bac_ninh = Org.objects.get(code="27")

    response = as_user("viewer_bac_giang").get(
        reverse("orgs:org-detail", args=[units["bac_giang"].pk])
    )

    body = response.content.decode()
    assert "Tỉnh Bắc Ninh" in body
    assert reverse("orgs:org-detail", args=[bac_ninh.pk]) not in body


# --- changes: allowed ones happen, denied ones change nothing ----------------------------------


NEW_UNIT = {
    "code": "19.stc",
    "name": "Sở Tài chính tỉnh Thái Nguyên",
    "kind": "department",
    "parent_code": "19",
}


def test_it_lets_an_officer_create_a_unit(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("officer_thai_nguyen").post(reverse("orgs:org-create"), NEW_UNIT)

    org = Org.objects.get(code="19.STC")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:org-detail", args=[org.pk])
    assert org.parent == units["thai_nguyen"]
    assert AuditEvent.objects.filter(action="orgs.org.created", object_id=str(org.pk)).count() == 1


def test_it_lets_only_an_administrator_create_a_top_level_unit(
    as_user: Any, units: dict[str, Org]
) -> None:
    data = {"code": "TW-BYT", "name": "Bộ Y tế", "kind": "ministry", "parent_code": ""}
    client = as_user("officer_thai_nguyen")
    before = counts()

    refused = client.post(reverse("orgs:org-create"), data)

    assert refused.status_code == 200
    assert refused.context["form"].errors["parent_code"]
    assert counts() == before
    assert as_user("admin_user").post(reverse("orgs:org-create"), data).status_code == 302
    assert Org.objects.get(code="TW-BYT").parent is None


def test_it_refuses_a_parent_out_of_reach(as_user: Any, units: dict[str, Org]) -> None:
    client = as_user("officer_thai_nguyen")
    before = counts()

    response = client.post(reverse("orgs:org-create"), NEW_UNIT | {"parent_code": "24"})

    assert response.status_code == 200
    assert response.context["form"].errors["parent_code"] == [
        message("No unit you may manage has the code %(c)s.", c="24")
    ]
    assert counts() == before


def test_it_lets_an_officer_edit_a_unit_merged_into_theirs(
    as_user: Any, units: dict[str, Org]
) -> None:
    org = units["snv_bac_kan"]

    response = as_user("officer_thai_nguyen").post(
        reverse("orgs:org-edit", args=[org.pk]),
        {
            "code": "06.SNV",
            "name": "Sở Nội vụ Bắc Kạn (cũ)",
            "kind": "department",
            "parent_code": "06",
            "valid_to": "30/06/2025",
        },
    )

    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.parent, org.valid_to) == (
        "Sở Nội vụ Bắc Kạn (cũ)",
        units["bac_kan"],
        dt.date(2025, 6, 30),
    )


def test_it_refuses_to_move_a_unit_under_its_own_sub_unit(
    as_user: Any, units: dict[str, Org]
) -> None:
    org = units["thai_nguyen"]
    client = as_user("officer_thai_nguyen")
    before, row = counts(), org_row(org)

    response = client.post(
        reverse("orgs:org-edit", args=[org.pk]),
        {"code": "19", "name": org.name, "kind": "province", "parent_code": "19.SNV"},
    )

    assert response.status_code == 200
    assert message(
        "A unit cannot be placed under itself or one of its own sub-units."
    ) in all_errors(response)
    assert org_row(org) == row
    assert counts() == before


def test_it_lets_an_officer_record_a_merger(as_user: Any, units: dict[str, Org]) -> None:
    commune = org_create(
        actor=None, code="19.X1", name="Xã Một", kind="commune", parent=units["thai_nguyen"]
    )

    response = as_user("officer_thai_nguyen").post(
        reverse("orgs:lineage-create", args=[commune.pk]),
        {
            "kind": "merged_into",
            "successor_code": "19.snv",
            "effective_date": "01/07/2025",
            "legal_basis": "NQ 1",
        },
    )

    assert response.status_code == 302
    event = LineageEvent.objects.get(predecessor=commune)
    assert (event.successor, event.effective_date) == (
        units["snv_thai_nguyen"],
        dt.date(2025, 7, 1),
    )
    assert Org.objects.get(pk=commune.pk).valid_to == dt.date(2025, 6, 30)


# persona → the unit whose pages it tries to post to, and the answer for each page
DENIED = {
    "member_bac_kan": ("snv_bac_kan", {"create": 403, "edit": 403, "lineage": 403}),
    "secretariat_bac_giang": ("snv_bac_giang", {"create": 403, "edit": 403, "lineage": 403}),
    "viewer_bac_giang": ("bac_giang", {"create": 403, "edit": 403, "lineage": 403}),
    "council_member": ("bac_giang", {"create": 403, "edit": 404, "lineage": 404}),
    "officer_thai_nguyen": ("bac_giang", {"edit": 404, "lineage": 404}),
    "outsider": ("bac_giang", {"create": 403, "edit": 404, "lineage": 404}),
    None: ("bac_giang", {"create": 302, "edit": 302, "lineage": 302}),
}
POSTED = {
    "create": NEW_UNIT | {"parent_code": "24"},
    "edit": {"code": "HACKED", "name": "Đổi tên", "kind": "other", "parent_code": ""},
    "lineage": {"kind": "dissolved", "successor_code": "", "effective_date": "01/07/2025"},
}


@pytest.mark.parametrize("persona", DENIED)
def test_it_changes_nothing_for_anyone_else(
    as_user: Any, units: dict[str, Org], persona: str | None
) -> None:
    target, expected = DENIED[persona]
    client = as_user(persona)
    before, row = counts(), org_row(units[target])

    statuses = {
        page: client.post(page_url(page, units, target), POSTED[page]).status_code
        for page in expected
    }

    assert statuses == expected
    assert org_row(units[target]) == row
    assert counts() == before


# --- form errors -------------------------------------------------------------------------------


def test_it_explains_a_duplicate_code(as_user: Any, units: dict[str, Org]) -> None:
    client = as_user("admin_user")
    before = counts()

    response = client.post(reverse("orgs:org-create"), NEW_UNIT | {"code": " 19 "})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        message("Another unit already has the code %(code)s.", code="19")
    ]
    assert counts() == before


def test_it_explains_an_end_before_the_start(as_user: Any, units: dict[str, Org]) -> None:
    client = as_user("officer_thai_nguyen")
    before = counts()

    response = client.post(
        reverse("orgs:org-create"),
        NEW_UNIT | {"valid_from": "01/07/2025", "valid_to": "30/06/2025"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["valid_to"] == [
        message("The end date is before the start date.")
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "field", "text", "params"),
    [
        (
            {"kind": "merged_into", "successor_code": "19"},
            "successor_code",
            "A unit cannot succeed itself.",
            {},
        ),
        (
            {"kind": "merged_into", "successor_code": ""},
            "successor_code",
            "Choose the successor unit.",
            {},
        ),
        (
            {"kind": "dissolved", "successor_code": "06"},
            "successor_code",
            "A dissolved unit has no successor.",
            {},
        ),
        (
            {"kind": "merged_into", "successor_code": "24"},
            "successor_code",
            "No unit you can see has the code %(c)s.",
            {"c": "24"},
        ),
        (
            {"kind": "merged_into", "successor_code": "06"},
            "successor_code",
            "%(unit)s is not active on %(day)s.",
            {"unit": "Tỉnh Bắc Kạn", "day": "01/01/2026"},
        ),
    ],
)
def test_it_explains_a_bad_lineage_change(
    as_user: Any,
    units: dict[str, Org],
    data: dict[str, str],
    field: str,
    text: str,
    params: dict[str, str],
) -> None:
    org = units["thai_nguyen"]
    client = as_user("officer_thai_nguyen")
    before, row = counts(), org_row(org)

    response = client.post(
        reverse("orgs:lineage-create", args=[org.pk]), {"effective_date": "01/01/2026", **data}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message(text, **params)]
    assert org_row(org) == row
    assert counts() == before


# --- list, export, queries ---------------------------------------------------------------------


def test_it_searches_the_list_ignoring_diacritics(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("officer_thai_nguyen").get(reverse("orgs:org-list"), {"q": "bac kan"})

    assert [o.code for o in response.context["page"]] == ["06", "06.SNV"]


@pytest.mark.parametrize(
    ("day", "expected"), [("30/06/2025", 63), ("01/07/2025", 34), ("2025-07-01", 34)]
)
def test_it_filters_provinces_active_on_a_date_typed_day_first(
    as_user: Any, day: str, expected: int
) -> None:
    response = as_user("admin_user").get(
        reverse("orgs:org-list"), {"kind": "province", "active_on": day}
    )

    assert response.context["page"].paginator.count == expected


def test_it_returns_only_the_results_to_htmx(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("orgs:org-list"), {"q": "thai nguyen"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert "Tỉnh Thái Nguyên" in body


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_exactly_the_filtered_units(as_user: Any, units: dict[str, Org]) -> None:
    response = as_user("admin_user").get(
        reverse("orgs:org-list"), {"q": "bac kan", "format": "xlsx"}
    )

    rows = read_xlsx(response)
    with translation.override("vi"):
        header = tuple(str(c.header) for c in export_columns())
        province = str(units["bac_kan"].get_kind_display())
        department = str(units["snv_bac_kan"].get_kind_display())
    assert rows == [
        header,
        ("06", "Tỉnh Bắc Kạn", "Bắc Kạn", province, None, None, None, dt.datetime(2025, 6, 30)),
        (
            "06.SNV",
            "Sở Nội vụ tỉnh Bắc Kạn",
            None,
            department,
            "Tỉnh Bắc Kạn",
            None,
            None,
            dt.datetime(2025, 6, 30),
        ),
    ]
    assert 'filename="don-vi.xlsx"' in response["Content-Disposition"]


def test_it_exports_only_what_the_user_may_see(as_user: Any, units: dict[str, Org]) -> None:
    rows = read_xlsx(as_user("viewer_bac_giang").get(reverse("orgs:org-list"), {"format": "xlsx"}))

    assert [row[0] for row in rows[1:]] == ["24.SNV", "24"]


def test_it_refuses_the_export_to_an_outsider(as_user: Any, units: dict[str, Org]) -> None:
    assert as_user("outsider").get(reverse("orgs:org-list"), {"format": "xlsx"}).status_code == 403


def add_units(parent: Org, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        org_create(
            actor=None, code=f"19.Q{i:02}", name=f"Phòng {i:02}", kind="other", parent=parent
        )


def count_queries(client: Client, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_exports_and_shows_units_in_a_fixed_number_of_queries(
    as_user: Any, units: dict[str, Org], django_assert_max_num_queries: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    parent = units["snv_thai_nguyen"]
    requests: list[tuple[str, dict[str, Any]]] = [
        (reverse("orgs:org-list"), {"parent": parent.pk}),
        (reverse("orgs:org-list"), {"parent": parent.pk, "format": "xlsx"}),
        (reverse("orgs:org-detail", args=[parent.pk]), {}),
    ]
    add_units(parent, 5)
    few = [count_queries(client, url, params) for url, params in requests]
    add_units(parent, 25, start=5)

    many = [count_queries(client, url, params) for url, params in requests]

    assert many == few
    with django_assert_max_num_queries(12):
        page = client.get(reverse("orgs:org-list"), {"parent": parent.pk})
    assert len(page.context["page"]) == 25
