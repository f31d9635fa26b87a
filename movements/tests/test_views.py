"""Movement pages: who opens and changes what, forms and their errors, uploads, list, export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clusters.models import Cluster
from clusters.services import cluster_create, cluster_year_open
from core.models import AuditEvent
from movements.models import Movement, MovementReview
from movements.services import movement_create, movement_set_participants, review_add
from movements.tests.conftest import PDF, state
from orgs.models import Org

LOGIN = reverse("accounts:login")


def message(text: str, **params: Any) -> str:
    """A message as the page shows it (Vietnamese, from the catalogue)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def url(name: str, movement: Movement | None = None) -> str:
    return reverse(f"movements:{name}", args=[movement.pk] if movement else [])


def listed(response: Any, movements: dict[str, Movement]) -> list[str]:
    keys = {m.pk: key for key, m in movements.items()}
    return [keys[m.pk] for m in response.context["page"]]


# --- who opens what ----------------------------------------------------------------------------

# persona → {(page, movement): status}. A movement out of sight is a 404; one in sight that the
# persona may not manage is a 403 on the pages that change it.
ACCESS: dict[str, dict[tuple[str, str | None], int]] = {
    "admin_user": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "tn"): 200,
        ("detail", "national"): 200,
        ("edit", "lao_cai"): 200,
        ("review", "snv_bac_kan"): 200,
    },
    "officer_thai_nguyen": {
        ("list", None): 200,
        ("create", None): 200,
        ("detail", "tn"): 200,
        ("detail", "lao_cai"): 200,
        ("detail", "national"): 404,
        ("edit", "tn"): 200,
        ("edit", "snv_bac_kan"): 200,  # Bắc Kạn's records are Thái Nguyên's since the merger
        ("edit", "lao_cai"): 403,
        ("edit", "national"): 404,
        ("review", "tn"): 200,
        ("review", "lao_cai"): 403,
    },
    "officer_lao_cai": {
        ("create", None): 200,
        ("detail", "tn"): 404,
        ("detail", "lao_cai"): 200,
        ("edit", "lao_cai"): 200,
        ("edit", "tn"): 404,
    },
    "council_member": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "national"): 200,
        ("detail", "tn"): 404,
        ("edit", "national"): 403,
        ("review", "national"): 403,
    },
    "viewer_bac_giang": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "national"): 200,
        ("detail", "tn"): 404,
        ("edit", "national"): 403,
        ("review", "national"): 403,
    },
    "member_bac_kan": {
        ("list", None): 200,
        ("create", None): 403,
        ("detail", "snv_bac_kan"): 200,
        ("edit", "snv_bac_kan"): 403,
        ("review", "snv_bac_kan"): 403,
    },
    "outsider": {
        ("list", None): 403,
        ("create", None): 403,
        ("detail", "tn"): 404,
        ("edit", "tn"): 404,
        ("review", "tn"): 404,
    },
}
PAGES = {
    "list": "movement-list",
    "create": "movement-create",
    "detail": "movement-detail",
    "edit": "movement-edit",
    "review": "review-create",
}


@pytest.mark.parametrize("persona", ACCESS)
def test_it_opens_each_page_by_role_and_reach(
    as_user: Any, movements: dict[str, Movement], persona: str
) -> None:
    client = as_user(persona)

    statuses = {
        (page, target): client.get(
            url(PAGES[page], movements[target] if target else None)
        ).status_code
        for page, target in ACCESS[persona]
    }

    assert statuses == ACCESS[persona]


def test_it_shows_the_manage_forms_only_to_those_who_may_manage(
    as_user: Any, movements: dict[str, Movement]
) -> None:
    own = as_user("officer_thai_nguyen").get(url("movement-detail", movements["tn"]))
    other = as_user("officer_thai_nguyen").get(url("movement-detail", movements["lao_cai"]))

    assert (own.context["may_manage"], other.context["may_manage"]) == (True, False)
    assert url("movement-participants", movements["tn"]).encode() in own.content
    assert url("review-create", movements["tn"]).encode() in own.content
    assert url("movement-participants", movements["lao_cai"]).encode() not in other.content
    assert url("review-create", movements["lao_cai"]).encode() not in other.content


def test_it_sends_visitors_to_sign_in_from_every_page(movements: dict[str, Movement]) -> None:
    client = Client()
    tn = movements["tn"]
    addresses = [
        url("movement-list"),
        url("movement-create"),
        url("movement-detail", tn),
        url("movement-edit", tn),
        url("movement-participants", tn),
        url("review-create", tn),
        reverse("movements:review-document", args=[1]),
    ]
    before = state()

    for address in addresses:
        for response in (client.get(address), client.post(address, {"name": "X"})):
            assert response.status_code == 302
            assert response["Location"].startswith(f"{LOGIN}?next=")

    assert state() == before


# --- every denied post changes nothing ---------------------------------------------------------


def posts(province: Any) -> dict[str, dict[str, Any]]:
    """Valid changes: they succeed for whoever may manage the movement."""
    return {
        "edit": {
            "launched_by_code": "19",
            "name": "Tên đã sửa",
            "kind": "regular",
            "scope": "unit",
            "start": "01/01/2017",
        },
        "participants": {"cluster_codes": "", "unit_codes": "24"},
        "review": {
            "kind": "so_ket",
            "date": "15/05/2018",
            "title": "Sơ kết",
            "document": SimpleUploadedFile("bao-cao.pdf", PDF),
        },
    }


POST_PAGES = {
    "edit": "movement-edit",
    "participants": "movement-participants",
    "review": "review-create",
}

# (persona, movement) → the status every post answers
DENIED = {
    ("officer_thai_nguyen", "lao_cai"): 403,
    ("officer_thai_nguyen", "national"): 404,
    ("officer_lao_cai", "tn"): 404,
    ("council_member", "national"): 403,
    ("viewer_bac_giang", "national"): 403,
    ("secretariat_bac_giang", "national"): 403,
    ("member_bac_kan", "snv_bac_kan"): 403,
    ("outsider", "tn"): 404,
    ("outsider", "national"): 404,
}


@pytest.mark.parametrize(("persona", "target"), DENIED)
def test_it_changes_nothing_for_anyone_else(
    as_user: Any, movements: dict[str, Movement], province: Any, persona: str, target: str
) -> None:
    client = as_user(persona)
    data = posts(province)
    before = state()

    statuses = {
        page: client.post(url(name, movements[target]), data[page]).status_code
        for page, name in POST_PAGES.items()
    }
    # Thanh Hóa's code: no persona here manages it.
    created = client.post(url("movement-create"), {**data["edit"], "launched_by_code": "38"})

    assert statuses == dict.fromkeys(POST_PAGES, DENIED[(persona, target)])
    if persona in ("officer_thai_nguyen", "officer_lao_cai"):
        assert created.status_code == 200  # may create, but not for Thanh Hóa
    else:
        assert created.status_code == 403
    assert state() == before


@pytest.mark.parametrize("persona", ["admin_user", "officer_thai_nguyen"])
def test_it_lets_those_who_manage_it_change_it(
    as_user: Any, movements: dict[str, Movement], province: Any, persona: str
) -> None:
    # The very posts refused to others succeed here.
    client = as_user(persona)
    data = posts(province)
    tn = movements["tn"]

    statuses = {
        page: client.post(url(name, tn), data[page]).status_code
        for page, name in POST_PAGES.items()
    }

    assert statuses == dict.fromkeys(POST_PAGES, 302)
    tn.refresh_from_db()
    assert (tn.name, tn.scope, tn.end) == ("Tên đã sửa", "unit", None)
    assert list(tn.participants.values_list("code", flat=True)) == ["24"]
    assert list(tn.reviews.values_list("title", "document_name")) == [("Sơ kết", "bao-cao.pdf")]


# --- create and edit ---------------------------------------------------------------------------


def test_it_creates_a_movement_for_a_unit_the_officer_manages(
    as_user: Any, officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    response = as_user("officer_thai_nguyen").post(
        url("movement-create"),
        {
            "launched_by_code": " 19 ",
            "name": "Thái Nguyên chung sức xây dựng NTM",
            "kind": "thematic",
            "scope": "ministry_or_province",
            "start": "01/01/2016",
            "end": "31/12/2020",
            "decision_number": "",
            "slogan": "",
            "theme": "Nông thôn mới",
            "target_groups": "nông dân",
        },
    )

    movement = Movement.objects.get()
    assert (response.status_code, response["Location"]) == (302, url("movement-detail", movement))
    assert (movement.launched_by, movement.kind, movement.start, movement.end, movement.theme) == (
        thai_nguyen,
        "thematic",
        dt.date(2016, 1, 1),
        dt.date(2020, 12, 31),
        "Nông thôn mới",
    )
    assert AuditEvent.objects.get(action="movements.movement.created").actor == officer_thai_nguyen


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"launched_by_code": "10"},
            "launched_by_code",
            ("No unit you may manage has the code %(c)s.", {"c": "10"}),
        ),
        (
            {"launched_by_code": "ZZ"},
            "launched_by_code",
            ("No unit you may manage has the code %(c)s.", {"c": "ZZ"}),
        ),
        ({"end": "31/12/2015"}, "end", ("The end must not precede the start.", {})),
        (
            {"start": "1/1/1900"},
            "start",
            ("The start must fall between %(a)s and %(b)s.", {"a": 1948, "b": 2100}),
        ),
    ],
)
def test_it_shows_why_a_movement_is_refused_and_saves_nothing(
    as_user: Any,
    thai_nguyen: Org,
    changes: dict[str, str],
    field: str,
    error: tuple[str, dict[str, Any]],
) -> None:
    data = {
        "launched_by_code": "19",
        "name": "Phong trào thử",
        "kind": "regular",
        "scope": "unit",
        "start": "01/01/2016",
        **changes,
    }
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(url("movement-create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message(error[0], **error[1])]}
    assert state() == before


def test_it_edits_a_movement_from_its_current_values(
    as_user: Any, movements: dict[str, Movement], province: Any
) -> None:
    client = as_user("officer_lao_cai")
    lao_cai = movements["lao_cai"]

    form = client.get(url("movement-edit", lao_cai)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(start="01/03/2017", end="31/12/2019", slogan="Chung sức, đồng lòng")
    response = client.post(url("movement-edit", lao_cai), data)

    assert form.initial["launched_by_code"] == "10"
    assert form.initial["name"] == lao_cai.name
    assert (response.status_code, response["Location"]) == (302, url("movement-detail", lao_cai))
    lao_cai.refresh_from_db()
    assert (lao_cai.end, lao_cai.slogan, lao_cai.launched_by) == (
        dt.date(2019, 12, 31),
        "Chung sức, đồng lòng",
        province("10"),
    )
    event = (
        AuditEvent.objects.filter(action="movements.movement.updated", object_id=str(lao_cai.pk))
        .order_by("id")
        .last()
    )
    assert event is not None
    assert event.changes == {
        "end": ["2018-12-31", "2019-12-31"],
        "slogan": ["", "Chung sức, đồng lòng"],
    }


def test_it_refuses_to_hand_a_movement_to_a_unit_out_of_reach(
    as_user: Any, movements: dict[str, Movement]
) -> None:
    client = as_user("officer_lao_cai")
    before = state()

    response = client.post(
        url("movement-edit", movements["lao_cai"]),
        {
            "launched_by_code": "19",
            "name": movements["lao_cai"].name,
            "kind": "thematic",
            "scope": "ministry_or_province",
            "start": "01/03/2017",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "launched_by_code": [message("No unit you may manage has the code %(c)s.", c="19")]
    }
    assert state() == before


# --- participants ------------------------------------------------------------------------------


@pytest.fixture
def hidden_cluster(council: Org, province: Any) -> Cluster:
    """Thanh Hóa and Nghệ An: out of Thái Nguyên's sight."""
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-BTB", name="Cụm thi đua Bắc Trung Bộ"
    )
    cluster_year_open(
        actor=None, cluster=cluster, year=2018, members=[province("38"), province("40")]
    )
    return cluster


def test_it_sets_the_participants_by_code(
    as_user: Any, movements: dict[str, Movement], border_cluster: Cluster, province: Any
) -> None:
    tn = movements["tn"]

    response = as_user("officer_thai_nguyen").post(
        url("movement-participants", tn),
        {"cluster_codes": "ctd-bg", "unit_codes": "06, 24\n19.SNV"},
    )

    assert (response.status_code, response["Location"]) == (302, url("movement-detail", tn))
    assert list(tn.clusters.all()) == [border_cluster]
    assert sorted(tn.participants.values_list("code", flat=True)) == ["06", "19.SNV", "24"]
    page = as_user("officer_thai_nguyen").get(url("movement-detail", tn))
    assert [u.code for u in page.context["units"]] == ["19.SNV", "24", "06"]  # by name
    assert page.context["participants_form"].initial == {
        "cluster_codes": "CTD-BG",
        "unit_codes": "19.SNV\n24\n06",
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"cluster_codes": "CTD-BTB\nCTD-X", "unit_codes": "24"},
            {"cluster_codes": [("Unknown cluster codes: %(c)s.", {"c": "CTD-BTB, CTD-X"})]},
        ),
        (
            {"cluster_codes": "", "unit_codes": "24\n99"},
            {"unit_codes": [("Unknown unit codes: %(c)s.", {"c": "99"})]},
        ),
        (
            {"cluster_codes": "", "unit_codes": "24\n24"},
            {"unit_codes": [("A unit appears twice among the participants.", {})]},
        ),
    ],
)
def test_it_refuses_unknown_or_hidden_participants(
    as_user: Any,
    movements: dict[str, Movement],
    hidden_cluster: Cluster,
    data: dict[str, str],
    errors: dict[str, list[tuple[str, dict[str, Any]]]],
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(url("movement-participants", movements["tn"]), data)

    assert response.status_code == 200
    assert response.context["participants_form"].errors == {
        field: [message(text, **params) for text, params in items]
        for field, items in errors.items()
    }
    assert state() == before


# --- reviews and their documents ---------------------------------------------------------------


def review_data(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "so_ket",
        "date": "15/05/2018",
        "title": "Sơ kết 3 năm thực hiện Chỉ thị số 11",
        "summary": "Hội nghị do Phó Chủ tịch UBND tỉnh chủ trì.",
        "outcomes": "15 tập thể được khen thưởng",
        "collectives_commended": "15",
        "individuals_commended": "",
        **changes,
    }


def test_it_records_a_review_with_a_pdf_and_shows_it(
    as_user: Any, movements: dict[str, Movement]
) -> None:
    client = as_user("officer_thai_nguyen")
    tn = movements["tn"]

    response = client.post(
        url("review-create", tn), review_data(document=SimpleUploadedFile("so-ket.pdf", PDF))
    )
    page = client.get(url("movement-detail", tn))

    assert (response.status_code, response["Location"]) == (302, url("movement-detail", tn))
    review = MovementReview.objects.get()
    assert (review.movement, review.collectives_commended, review.individuals_commended) == (
        tn,
        15,
        None,
    )
    assert page.context["reviews"] == [review]
    document = reverse("movements:review-document", args=[review.pk])
    assert document.encode() in page.content
    assert "15 tập thể được khen thưởng".encode() in page.content


BAD_FILES = [
    ("so-ket.exe", PDF, "The file must be one of: %(types)s.", {"types": "PDF, DOCX, ODT"}),
    ("so-ket.pdf", b"MZ\x90\x00not a pdf", "The file's content does not match its type.", {}),
    ("so-ket.odt", PDF, "The file's content does not match its type.", {}),
]


@pytest.mark.parametrize(("name", "content", "text", "params"), BAD_FILES)
def test_it_refuses_a_bad_document_and_records_nothing(
    as_user: Any,
    movements: dict[str, Movement],
    media_root: Any,
    name: str,
    content: bytes,
    text: str,
    params: dict[str, Any],
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(
        url("review-create", movements["tn"]),
        review_data(document=SimpleUploadedFile(name, content)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"document": [message(text, **params)]}
    assert state() == before
    assert list(media_root.rglob("*.*")) == []


def test_it_refuses_an_empty_document(
    as_user: Any, movements: dict[str, Movement], media_root: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(
        url("review-create", movements["tn"]),
        review_data(document=SimpleUploadedFile("so-ket.pdf", b"")),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["document"]
    assert state() == before
    assert list(media_root.rglob("*.*")) == []


def test_it_refuses_a_second_final_review_on_the_page(
    as_user: Any, movements: dict[str, Movement]
) -> None:
    tn = movements["tn"]
    review_add(
        actor=None, movement=tn, kind="tong_ket", date=dt.date(2021, 1, 15), title="Tổng kết"
    )
    client = as_user("officer_thai_nguyen")
    before = state()

    response = client.post(
        url("review-create", tn), review_data(kind="tong_ket", date="20/01/2021")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "kind": [message("The final review of this movement is already recorded.")]
    }
    assert state() == before


@pytest.fixture
def review(movements: dict[str, Movement]) -> MovementReview:
    return review_add(
        actor=None,
        movement=movements["tn"],
        kind="so_ket",
        date=dt.date(2018, 5, 15),
        title="Sơ kết",
        document=SimpleUploadedFile("so-ket.pdf", PDF),
    )


# persona → the answer to downloading the document of a review of Thái Nguyên's movement
DOWNLOADS = {
    "admin_user": 200,
    "officer_thai_nguyen": 200,
    "officer_lao_cai": 404,
    "viewer_bac_giang": 404,
    "council_member": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", DOWNLOADS)
def test_it_lets_only_those_who_see_the_movement_download_the_document(
    as_user: Any, review: MovementReview, persona: str
) -> None:
    response = as_user(persona).get(reverse("movements:review-document", args=[review.pk]))

    assert response.status_code == DOWNLOADS[persona]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == 'attachment; filename="so-ket.pdf"'


def test_it_answers_404_for_a_review_without_document_or_missing(
    as_user: Any, movements: dict[str, Movement], review: MovementReview
) -> None:
    bare = review_add(
        actor=None,
        movement=movements["tn"],
        kind="so_ket",
        date=dt.date(2019, 5, 15),
        title="Sơ kết 2",
    )
    client = as_user("admin_user")

    assert client.get(reverse("movements:review-document", args=[bare.pk])).status_code == 404
    assert (
        client.get(reverse("movements:review-document", args=[review.pk + 100])).status_code == 404
    )
    missing = reverse("movements:movement-detail", args=[movements["tn"].pk + 100])
    assert client.get(missing).status_code == 404


# --- list, search, export ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
        ({"q": "nong thon moi"}, ["lao_cai", "national"]),
        ({"kind": "thematic"}, ["lao_cai", "national"]),
        ({"kind": "galaxy"}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
        ({"year": "2019"}, ["national", "tn"]),
        ({"year": "2019", "kind": "regular"}, ["tn"]),
        ({"year": "20x9"}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
        ({"year": "99999999999999999999"}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
        ({"launched_by": "abc"}, ["lao_cai", "snv_bac_kan", "national", "tn"]),
    ],
)
def test_it_searches_and_filters_the_list(
    as_user: Any, movements: dict[str, Movement], params: dict[str, str], expected: list[str]
) -> None:
    response = as_user("admin_user").get(url("movement-list"), params)

    assert response.status_code == 200
    assert listed(response, movements) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_it_lists_by_launching_unit(
    as_user: Any, movements: dict[str, Movement], province: Any
) -> None:
    response = as_user("admin_user").get(url("movement-list"), {"launched_by": province("19").pk})

    assert listed(response, movements) == ["tn"]


def test_it_lists_only_the_movements_in_sight(as_user: Any, movements: dict[str, Movement]) -> None:
    response = as_user("viewer_bac_giang").get(url("movement-list"))

    assert listed(response, movements) == ["national"]
    assert response.context["can_create"] is False


def read_xlsx(response: Any) -> list[tuple[Any, ...]]:
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="phong-trao-thi-dua.xlsx"'
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_exactly_the_filtered_movements(
    as_user: Any, movements: dict[str, Movement], province: Any, council: Org
) -> None:
    response = as_user("admin_user").get(
        url("movement-list"), {"q": "nong thon", "year": "2017", "format": "xlsx"}
    )

    rows = read_xlsx(response)
    with translation.override("vi"):
        headers = tuple(
            translation.gettext(h)
            for h in (
                "Name",
                "Launched by",
                "Kind",
                "Scope",
                "Theme or sector",
                "Start",
                "End",
                "Launching document number",
                "Launching document date",
                "Slogan",
                "Target groups",
            )
        )
        thematic = translation.gettext("Thematic")
        province_scope = translation.gettext("Ministry or province")
        national_scope = translation.gettext("Nationwide")
    assert rows[0] == headers
    assert rows[1:] == [
        (
            "Lào Cai chung sức xây dựng nông thôn mới và giảm nghèo bền vững",
            province("10").name,
            thematic,
            province_scope,
            None,
            dt.datetime(2017, 3, 1),
            dt.datetime(2018, 12, 31),
            None,
            None,
            None,
            None,
        ),
        (
            "Cả nước chung sức xây dựng nông thôn mới",
            council.name,
            thematic,
            national_scope,
            None,
            dt.datetime(2016, 1, 1),
            None,
            None,
            None,
            None,
            None,
        ),
    ]


def test_it_exports_nothing_out_of_sight(as_user: Any, movements: dict[str, Movement]) -> None:
    rows = read_xlsx(as_user("member_bac_kan").get(url("movement-list"), {"format": "xlsx"}))

    assert [row[0] for row in rows[1:]] == ["Thi đua cải cách hành chính"]


# --- bounded queries ---------------------------------------------------------------------------


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_it_lists_movements_in_the_same_queries_whatever_their_number(
    as_user: Any, movements: dict[str, Movement], province: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    client.get(url("movement-list"))  # warm the session

    few = queries(client, url("movement-list"))
    for index, code in enumerate(["10", "20", "14", "02", "12"]):
        movement = movement_create(
            actor=None,
            launched_by=province(code),
            name=f"Phong trào {index}",
            kind="thematic",
            scope="ministry_or_province",
            start=dt.date(2017, 1, 1),
        )
        movement_set_participants(
            actor=None, movement=movement, clusters=[], units=[province("19")]
        )
    many = queries(client, url("movement-list"))

    assert few == many
    assert client.get(url("movement-list")).context["page"].paginator.count == 8


def test_it_shows_a_movement_in_the_same_queries_whatever_its_size(
    as_user: Any, council: Org, province: Any, border_cluster: Cluster
) -> None:
    def build(name: str, codes: list[str], reviews: int) -> Movement:
        movement = movement_create(
            actor=None,
            launched_by=council,
            name=name,
            kind="thematic",
            scope="national",
            start=dt.date(2016, 1, 1),
        )
        clusters = [border_cluster] if codes else []
        movement_set_participants(
            actor=None, movement=movement, clusters=clusters, units=[province(c) for c in codes]
        )
        for day in range(1, reviews + 1):
            review_add(
                actor=None,
                movement=movement,
                kind="so_ket",
                date=dt.date(2017, 1, day),
                title=f"Sơ kết {day}",
                document=SimpleUploadedFile(f"{day}.pdf", PDF),
            )
        return movement

    small = build("Nhỏ", ["19"], 1)
    large = build("Lớn", ["10", "20", "14", "02", "12", "04", "11", "19", "24"], 6)
    client = as_user("admin_user")
    client.get(url("movement-list"))

    assert queries(client, url("movement-detail", small)) == queries(
        client, url("movement-detail", large)
    )


def test_it_links_only_the_clusters_in_sight(
    as_user: Any, movements: dict[str, Movement], border_cluster: Cluster, province: Any
) -> None:
    national = movements["national"]
    movement_set_participants(
        actor=None, movement=national, clusters=[border_cluster], units=[province("24")]
    )
    link = reverse("clusters:cluster-detail", args=[border_cluster.pk]).encode()

    viewer = as_user("viewer_bac_giang").get(url("movement-detail", national))
    admin = as_user("admin_user").get(url("movement-detail", national))

    assert border_cluster.name.encode() in viewer.content
    assert link not in viewer.content  # Bắc Giang is no member of the border cluster
    assert link in admin.content
