"""The exemplary model pages: who may open which, the list per unit and year with its summary by
stage and its Excel export, recording, correcting, moving on and linking through the forms (a
refused or denied post changes nothing), and query counts that do not grow with the list."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from exemplary import services
from exemplary.models import ExemplaryModel, Kind, Stage
from exemplary.tests.conftest import keeper, state, vi
from people.services import person_create

LOGIN = reverse("accounts:login")
LIST = reverse("exemplary:model-list")
NEW = reverse("exemplary:model-create")

PAGES: dict[str, tuple[str, str | None]] = {
    "list": ("exemplary:model-list", None),
    "new": ("exemplary:model-create", None),
    "detail-tn": ("exemplary:model-detail", "model_tn"),
    "detail-bk": ("exemplary:model-detail", "model_bk"),
    "detail-bg": ("exemplary:model-detail", "model_bg"),
    "edit-tn": ("exemplary:model-edit", "model_tn"),
    "edit-bk": ("exemplary:model-edit", "model_bk"),
    "edit-bg": ("exemplary:model-edit", "model_bg"),
}


def url(page: str, world: dict[str, Any]) -> str:
    name, obj = PAGES[page]
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


def expect(overrides: dict[str, int], default: int) -> dict[str, int]:
    return {page: overrides.get(page, default) for page in PAGES}


# persona → page → status. Every role reads the models kept within its reach (a 404 beyond);
# officers and focal points keep those of their units; nobody else reaches anything.
ACCESS: dict[str, dict[str, int]] = {
    "admin_user": expect({}, 200),
    "officer_thai_nguyen": expect({"detail-bg": 404, "edit-bg": 404}, 200),
    "member_bac_kan": expect(
        {"detail-tn": 404, "edit-tn": 404, "detail-bg": 404, "edit-bg": 404}, 200
    ),
    "secretariat_bac_giang": expect(
        {
            "new": 403,
            "detail-tn": 404,
            "edit-tn": 404,
            "detail-bk": 404,
            "edit-bk": 404,
            "edit-bg": 403,
        },
        200,
    ),
    "viewer_bac_giang": expect(
        {
            "new": 403,
            "detail-tn": 404,
            "edit-tn": 404,
            "detail-bk": 404,
            "edit-bk": 404,
            "edit-bg": 403,
        },
        200,
    ),
    "council_member": expect(
        {"new": 403, "detail-tn": 404, "detail-bk": 404, "detail-bg": 404}
        | {"edit-tn": 404, "edit-bk": 404, "edit-bg": 404},
        200,
    ),
    "outsider": expect({}, 403),
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, world: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)

    statuses = {page: client.get(url(page, world)).status_code for page in PAGES}

    assert statuses == ACCESS[persona]


def test_it_sends_visitors_to_sign_in_from_every_page(world: dict[str, Any]) -> None:
    client = Client()
    before = state()
    model = world["model_tn"]
    posts = [
        reverse("exemplary:model-advance", args=[model.pk]),
        reverse("exemplary:model-links", args=[model.pk]),
    ]

    for target in [url(page, world) for page in PAGES] + posts:
        response = client.post(target, {"stage": "nurtured", "on": "01/06/2025", "name": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")

    assert state() == before


def test_moving_on_and_linking_take_posts_only(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    pk = world["model_tn"].pk

    assert client.get(reverse("exemplary:model-advance", args=[pk])).status_code == 405
    assert client.get(reverse("exemplary:model-links", args=[pk])).status_code == 405


@pytest.mark.parametrize(
    ("persona", "model", "status"),
    [
        ("viewer_bac_giang", "model_bg", 403),
        ("secretariat_bac_giang", "model_bg", 403),
        ("officer_thai_nguyen", "model_bg", 404),
        ("member_bac_kan", "model_tn", 404),
        ("outsider", "model_tn", 403),
    ],
)
def test_nobody_else_moves_on_links_or_edits(
    as_user: Any, world: dict[str, Any], persona: str, model: str, status: int
) -> None:
    client = as_user(persona)
    pk = world[model].pk
    before = state()

    for name, data in [
        ("exemplary:model-advance", {"stage": "nurtured", "on": "01/06/2025"}),
        ("exemplary:model-links", {"records": [world["record_hung"].pk]}),
        ("exemplary:model-edit", {"org_code": "24", "name": "Tên mới"}),
    ]:
        assert client.post(reverse(name, args=[pk]), data).status_code == status

    assert state() == before


# --- the list ----------------------------------------------------------------------------------


def listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return [m.name for m in response.context["page"]]


def test_the_list_filters_by_unit_with_the_units_below_and_year(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("admin_user")

    assert listed(client.get(LIST, {"unit_code": "19"})) == ["Nguyễn Thị Lan"]
    assert listed(client.get(LIST, {"unit_code": "06", "year": 2024})) == ["Mô hình Dân vận khéo"]
    assert listed(client.get(LIST, {"year": 2025})) == [
        "Nguyễn Thị Lan",
        "Sở Nội vụ tỉnh Bắc Giang",
    ]
    assert listed(client.get(LIST, {"kind": "model"})) == ["Mô hình Dân vận khéo"]
    assert listed(client.get(LIST, {"stage": "replicated"})) == []
    assert listed(client.get(LIST, {"q": "lan"})) == ["Nguyễn Thị Lan"]


def test_the_list_shows_the_summary_by_stage(as_user: Any, world: dict[str, Any]) -> None:
    services.exemplary_advance(
        actor=keeper(), model=world["model_tn"], stage="nurtured", on=dt.date(2025, 4, 1)
    )

    response = as_user("officer_thai_nguyen").get(LIST)

    summary = response.context["summary"]
    assert [(r["kind"], r["counts"]) for r in summary["rows"]] == [
        ("person", [0, 1, 0, 0]),
        ("collective", [0, 0, 0, 0]),
        ("model", [1, 0, 0, 0]),
    ]
    assert summary["total"] == 2
    html = response.content.decode()
    assert 'id="stage-summary"' in html
    assert "<caption" in html
    assert "01/04/2025" in html  # since when it is at its stage


def test_the_list_explains_a_unit_out_of_reach(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("viewer_bac_giang").get(LIST, {"unit_code": "19"})

    assert response.context["form"].errors["unit_code"]
    assert listed(response) == []
    assert "Nguyễn Thị Lan" not in response.content.decode()


def test_the_list_answers_htmx_with_the_results_only(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(
        LIST, {"year": 2025}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Nguyễn Thị Lan" in html


def test_the_list_exports_the_filtered_rows_to_excel(as_user: Any, world: dict[str, Any]) -> None:
    services.exemplary_update(
        actor=keeper(), model=world["model_bk"], description="=Làm theo cách của dân"
    )

    response = as_user("officer_thai_nguyen").get(LIST, {"year": 2024, "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    name, kind, subject, kept_by, code, year, sector, stage, since, description = rows[1]
    assert (name, kind, subject, kept_by, code, year, sector, stage) == (
        "Mô hình Dân vận khéo",
        vi(Kind.MODEL.label),
        None,  # a model names no individual or collective
        "Sở Nội vụ tỉnh Bắc Kạn",
        "06.SNV",
        2024,
        "Dân vận",
        vi(Stage.DISCOVERED.label),
    )
    assert since == dt.datetime(2024, 5, 10)
    assert sheet["I2"].number_format == "dd/mm/yyyy"
    assert sheet["J2"].data_type == "s"  # a formula-like text stays text
    assert description == "=Làm theo cách của dân"


def test_the_list_takes_a_fixed_number_of_queries(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    count()
    few = count()
    for n in range(10):
        person = person_create(
            actor=None, full_name=f"Người Số {n}", gender="F", unit=world["snv_thai_nguyen"]
        )
        model = services.exemplary_create(
            actor=keeper(),
            kind="person",
            org=world["snv_thai_nguyen"],
            person=person,
            discovered_on=dt.date(2025, 5, 1),
        )
        services.exemplary_advance(
            actor=keeper(), model=model, stage="nurtured", on=dt.date(2025, 6, 1)
        )

    assert count() == few
    assert len(listed(client.get(LIST))) == 12


def test_the_detail_takes_a_fixed_number_of_queries(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    model = world["model_tn"]
    target = reverse("exemplary:model-detail", args=[model.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        return len(ctx.captured_queries)

    count()
    few = count()
    services.exemplary_link(
        actor=keeper(), model=model, movements=[world["movement_tn"]], records=[world["record_lan"]]
    )
    services.exemplary_advance(
        actor=keeper(), model=model, stage="nurtured", on=dt.date(2025, 4, 1)
    )

    assert count() == few


# --- recording and correcting ------------------------------------------------------------------


def test_an_officer_records_an_individual_found_by_name(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").post(
        NEW,
        {
            "kind": "person",
            "org_code": "19",
            "person_name": "nguyen thi lan",
            "discovered_on": "12/02/2025",
            "sector": "Chuyển đổi số",
        },
    )

    model = ExemplaryModel.objects.get(org=world["thai_nguyen"])
    assert response.status_code == 302
    assert response["Location"] == reverse("exemplary:model-detail", args=[model.pk])
    assert (model.person, model.name, model.year, model.steps.get().on) == (
        world["lan"],
        "Nguyễn Thị Lan",
        2025,
        dt.date(2025, 2, 12),
    )


def test_namesakes_are_listed_and_a_birth_year_tells_them_apart(
    as_user: Any, world: dict[str, Any]
) -> None:
    person_create(
        actor=None,
        full_name="Nguyễn Thị Lan",
        gender="F",
        birth_year=1992,
        unit=world["snv_thai_nguyen"],
    )
    client = as_user("officer_thai_nguyen")
    data = {
        "kind": "person",
        "org_code": "19",
        "person_name": "Nguyễn Thị Lan",
        "discovered_on": "12/02/2025",
    }

    before = state()
    response = client.post(NEW, data)
    assert state() == before
    errors = response.context["form"].errors["person_name"]
    assert "1985" in errors[0] and "1992" in errors[0]

    client.post(NEW, data | {"birth_year": 1985})
    assert ExemplaryModel.objects.get(org=world["thai_nguyen"]).person == world["lan"]


def test_an_officer_records_a_collective_and_a_model(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    client.post(
        NEW,
        {
            "kind": "collective",
            "org_code": "19",
            "subject_code": "19.snv",
            "discovered_on": "01/02/2025",
        },
    )
    client.post(
        NEW,
        {
            "kind": "model",
            "org_code": "19",
            "name": "Thôn kiểu mẫu",
            "discovered_on": "01/02/2025",
            "description": "Xây dựng thôn kiểu mẫu",
        },
    )

    assert list(
        ExemplaryModel.objects.filter(org=world["thai_nguyen"])
        .order_by("pk")
        .values_list("kind", "name", "collective")
    ) == [
        ("collective", "Sở Nội vụ tỉnh Thái Nguyên", world["snv_thai_nguyen"].pk),
        ("model", "Thôn kiểu mẫu", None),
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "person", "org_code": "19", "discovered_on": "01/02/2025"}, "person_name"),
        ({"kind": "collective", "org_code": "19", "discovered_on": "01/02/2025"}, "subject_code"),
        ({"kind": "model", "org_code": "19", "discovered_on": "01/02/2025"}, "name"),
        (
            {"kind": "model", "org_code": "24", "name": "X", "discovered_on": "01/02/2025"},
            "org_code",
        ),
        (
            {
                "kind": "collective",
                "org_code": "19",
                "subject_code": "24.SNV",
                "discovered_on": "01/02/2025",
            },
            "subject_code",
        ),
        (
            {
                "kind": "person",
                "org_code": "19",
                "person_name": "Không Có Ai",
                "discovered_on": "01/02/2025",
            },
            "person_name",
        ),
        (
            {"kind": "model", "org_code": "19", "name": "X", "discovered_on": "31/12/2099"},
            "discovered_on",
        ),
        (
            {
                "kind": "person",
                "org_code": "19.SNV",
                "person_name": "Nguyễn Thị Lan",
                "discovered_on": "05/05/2025",
            },
            "person_name",
        ),
    ],
)
def test_a_bad_exemplary_model_is_explained_and_not_recorded(
    as_user: Any, world: dict[str, Any], data: dict[str, str], field: str
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(NEW, data)

    assert state() == before
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()


def test_an_officer_corrects_an_exemplary_model(as_user: Any, world: dict[str, Any]) -> None:
    model = world["model_tn"]

    response = as_user("officer_thai_nguyen").post(
        reverse("exemplary:model-edit", args=[model.pk]),
        {"org_code": "19", "name": "", "sector": "Số hoá", "description": "Điển hình"},
    )

    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.org, model.name, model.sector, model.description) == (
        world["thai_nguyen"],
        "Nguyễn Thị Lan",
        "Số hoá",
        "Điển hình",
    )


def test_a_focal_point_cannot_hand_a_model_to_a_unit_out_of_reach(
    as_user: Any, world: dict[str, Any]
) -> None:
    model = world["model_bk"]
    client = as_user("member_bac_kan")
    before = state()

    response = client.post(
        reverse("exemplary:model-edit", args=[model.pk]),
        {"org_code": "19.SNV", "name": "Mô hình Dân vận khéo"},
    )

    assert state() == before
    assert response.context["form"].errors["org_code"]


# --- moving on and linking ---------------------------------------------------------------------


def test_an_officer_moves_a_model_on_from_its_page(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    model = world["model_tn"]
    detail = reverse("exemplary:model-detail", args=[model.pk])
    page = client.get(detail)
    assert page.context["advance_form"].initial == {"stage": "nurtured"}

    response = client.post(
        reverse("exemplary:model-advance", args=[model.pk]),
        {"stage": "nurtured", "on": "15/04/2025", "note": "Tập huấn"},
    )

    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert "15/04/2025" in html and "Tập huấn" in html
    assert 'aria-current="step"' in html
    model.refresh_from_db()
    assert model.stage == "nurtured"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stage": "summarised", "on": "15/04/2025"}, None),  # a skipped stage
        ({"stage": "discovered", "on": "15/04/2025"}, None),  # a stale page
        ({"stage": "nurtured", "on": "28/02/2025"}, "on"),  # before its discovery
        ({"stage": "nurtured", "on": "31/12/2099"}, "on"),
        ({"stage": "nurtured", "on": ""}, "on"),
    ],
)
def test_a_bad_step_is_explained_and_not_recorded(
    as_user: Any, world: dict[str, Any], data: dict[str, str], field: str | None
) -> None:
    model = world["model_tn"]
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(reverse("exemplary:model-advance", args=[model.pk]), data)

    assert state() == before
    assert response.status_code == 200
    errors = response.context["advance_form"].errors
    assert errors[field or "__all__"]
    assert 'role="alert"' in response.content.decode()


def test_an_officer_links_movements_and_commendations(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")
    model = world["model_tn"]
    page = client.get(reverse("exemplary:model-detail", args=[model.pk]))
    form = page.context["links_form"]
    assert [pk for pk, _label in form.fields["records"].choices] == [world["record_lan"].pk]
    assert world["movement_bg"].pk not in [pk for pk, _label in form.fields["movements"].choices]

    response = client.post(
        reverse("exemplary:model-links", args=[model.pk]),
        {"movements": [world["movement_tn"].pk], "records": [world["record_lan"].pk]},
    )

    assert response.status_code == 302
    assert list(model.movements.all()) == [world["movement_tn"]]
    assert list(model.records.all()) == [world["record_lan"]]
    html = client.get(reverse("exemplary:model-detail", args=[model.pk])).content.decode()
    assert "15/QĐ-UBND" in html and world["movement_tn"].name in html


def test_a_commendation_not_offered_is_refused(as_user: Any, world: dict[str, Any]) -> None:
    model = world["model_tn"]
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(
        reverse("exemplary:model-links", args=[model.pk]),
        {"records": [world["record_hung"].pk], "movements": [world["movement_bg"].pk]},
    )

    assert state() == before
    errors = response.context["links_form"].errors
    assert errors["records"] and errors["movements"]


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"stage": "famous"}, {"kind": "%00"}, {"page": "x"}]
)
def test_malformed_filters_are_explained_without_an_error(
    as_user: Any, world: dict[str, Any], params: dict[str, str]
) -> None:
    response = as_user("officer_thai_nguyen").get(LIST, params)

    assert response.status_code == 200
    if "page" not in params:
        assert response.context["form"].errors
        assert listed(response) == []
