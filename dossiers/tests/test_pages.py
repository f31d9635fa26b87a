"""The dossier pages: who may open which, each form's success and refusals (a refused or denied
post changes nothing), the list with what waits for the user's level and its Excel export, a
dossier's whole path through the pages, documents only through a checked download, the generated
DOCX files, the calendar and the home page's card.

The world: Bắc Kạn's Sở Nội vụ (06.SNV, merged into Thái Nguyên's on 1/7/2025) drafts a dossier
for Thái Nguyên province ("bk"); a room of Bắc Giang's Sở Nội vụ drafts one for the department
("bg");
Thái Nguyên's Sở Nội vụ has sent one to its province that is past its appraisal due date ("late").
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import types
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role, User
from conftest import make_user
from core.models import AuditEvent
from dossiers import services
from dossiers.models import (
    Dossier,
    DossierDocument,
    DossierRecipient,
    DossierStep,
    Holiday,
    LevelRule,
    Outcome,
    PublicComment,
)
from orgs.models import Org
from orgs.services import org_create
from people.models import Person
from people.services import person_create
from register import catalogue
from register import services as register_services
from register.models import Award, Decision, Record
from votes.models import Poll

LOGIN = reverse("accounts:login")
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
DOCX = b"PK\x03\x04" + b"\x00" * 60
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TODAY = timezone.localdate()
# Dossiers of the former Sở Nội vụ Bắc Kạn are drafted before it merged (1/7/2025): a unit
# that no longer exists proposes nothing.
BEFORE_MERGER = dt.date(2025, 6, 2)
YEAR = TODAY.year - 1


def message(text: str, **params: Any) -> str:
    """A message as the page shows it (Vietnamese once the catalogue has it)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


@pytest.fixture(autouse=True)
def reference_data(db: Any) -> None:
    """The catalogue and the calendar (migrations), again if a transactional test flushed them."""
    if not Award.objects.exists():
        catalogue.load()
    if not LevelRule.objects.exists():
        services.load_calendar()


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fake_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The DOCX generator (dossiers.documents) is tested on its own; here it makes small files."""
    try:
        module = importlib.import_module("dossiers.documents")
    except ImportError:
        module = types.ModuleType("dossiers.documents")
        monkeypatch.setitem(sys.modules, "dossiers.documents", module)
    monkeypatch.setattr(
        module, "submission_letter", lambda d: DOCX + d.reference.encode(), raising=False
    )
    monkeypatch.setattr(
        module, "achievement_report", lambda r: DOCX + r.name.encode(), raising=False
    )


def keeper() -> User:
    """A system administrator who records the fixtures' rows."""
    found = User.objects.filter(username="quantri.hoso").first()
    return found or make_user("quantri.hoso", Role.ADMIN, None)


def state() -> dict[str, Any]:
    """Every row the dossier pages may write, and the audit trail's length."""
    rows: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Dossier,
            DossierRecipient,
            DossierDocument,
            DossierStep,
            PublicComment,
            Holiday,
            LevelRule,
            Decision,
            Record,
        )
    }
    rows["initiatives"] = list(DossierRecipient.initiatives.through.objects.order_by("pk").values())
    rows["audit"] = AuditEvent.objects.count()
    return rows


def unchanged(post: Callable[[], Any]) -> Any:
    """Post, and check that nothing changed; the response."""
    before = state()
    response = post()
    assert state() == before
    return response


def assert_sent_to_login(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def errors(response: Any, field: str, form: str = "form") -> list[str]:
    assert response.status_code == 200
    found: list[str] = response.context[form].errors.get(field, [])
    return found


def page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def refresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(
    units: dict[str, Org], person_thai_nguyen: Person, person_bac_giang: Person
) -> dict[str, Any]:
    admin = keeper()
    son = person_create(
        actor=None,
        full_name="Hoàng Văn Sơn",
        gender="M",
        birth_year=1990,
        unit=units["snv_bac_kan"],
        id_number="006090000789",
        start_date=dt.date(2015, 1, 1),
    )
    mai = person_create(
        actor=None,
        full_name="Lý Thị Mai",
        gender="F",
        birth_year=1988,
        unit=units["snv_bac_kan"],
        start_date=dt.date(2012, 1, 1),
    )
    initiative = register_services.initiative_create(
        actor=admin,
        code="SK-BK-1",
        title="Số hoá hồ sơ thi đua",
        kind="sang_kien",
        recognised_by=units["bac_kan"],
        recognised_on=dt.date(YEAR, 6, 1),
        scope="CO_SO",
        authors=[mai],
    )
    bk = services.dossier_create(
        actor=admin,
        proposer=units["snv_bac_kan"],
        receiver=units["thai_nguyen"],
        level="bo_tinh",
        code="BK_BO",
        year=YEAR,
        summary="Đề nghị Bằng khen của tỉnh",
        today=BEFORE_MERGER,
    )
    son_in_bk = services.recipient_add(
        actor=admin,
        dossier=bk,
        person=son,
        duties="Chuyên viên phòng tổ chức",
        achievements="Hoàn thành xuất sắc nhiệm vụ",
        public_summary="Hoàn thành xuất sắc nhiệm vụ hai năm liền",
    )
    letter_bk = services.document_add(
        actor=admin, dossier=bk, kind="TO_TRINH", upload=pdf("to-trinh-bk.pdf")
    )
    room_bg = org_create(
        actor=None,
        code="24.SNV.P1",
        name="Phòng Thi đua – Khen thưởng",
        kind="department",
        parent=units["snv_bac_giang"],
    )
    bg = services.dossier_create(
        actor=admin,
        proposer=room_bg,
        receiver=units["snv_bac_giang"],
        level="bo_tinh",
        code="BK_BO",
        year=YEAR,
    )
    hung_in_bg = services.recipient_add(actor=admin, dossier=bg, person=person_bac_giang)
    letter_bg = services.document_add(
        actor=admin, dossier=bg, kind="TO_TRINH", upload=pdf("to-trinh-bg.pdf")
    )
    late = services.dossier_create(
        actor=admin,
        proposer=units["snv_thai_nguyen"],
        receiver=units["thai_nguyen"],
        level="bo_tinh",
        code="BK_BO",
        year=YEAR,
        title="Hồ sơ quá hạn",
    )
    Dossier.objects.filter(pk=late.pk).update(
        status="submitted",
        submitted_on=TODAY - dt.timedelta(days=60),
        appraisal_due=TODAY - dt.timedelta(days=7),
    )
    return {
        **units,
        "admin": admin,
        "son": son,
        "mai": mai,
        "lan": person_thai_nguyen,
        "hung": person_bac_giang,
        "initiative": initiative,
        "room_bg": room_bg,
        "bk": bk,
        "bg": bg,
        "late": refresh(late),
        "son_in_bk": son_in_bk,
        "hung_in_bg": hung_in_bg,
        "letter_bk": letter_bk,
        "letter_bg": letter_bg,
    }


def set_status(dossier: Dossier, status: str, **fields: Any) -> Dossier:
    Dossier.objects.filter(pk=dossier.pk).update(status=status, **fields)
    return refresh(dossier)


# --- who may open what -------------------------------------------------------------------------


PAGES: dict[str, tuple[str, str | None]] = {
    "list": ("dossiers:dossier-list", None),
    "create": ("dossiers:dossier-create", None),
    "calendar": ("dossiers:calendar", None),
    "detail-bk": ("dossiers:dossier-detail", "bk"),
    "detail-bg": ("dossiers:dossier-detail", "bg"),
    "add-bk": ("dossiers:recipient-add", "bk"),
    "add-bg": ("dossiers:recipient-add", "bg"),
    "recipient-bk": ("dossiers:recipient-edit", "son_in_bk"),
    "recipient-bg": ("dossiers:recipient-edit", "hung_in_bg"),
    "download-bk": ("dossiers:document-download", "letter_bk"),
    "download-bg": ("dossiers:document-download", "letter_bg"),
    "letter-bk": ("dossiers:dossier-letter-docx", "bk"),
    "report-bg": ("dossiers:recipient-report-docx", "hung_in_bg"),
}


def url(page: str, world: dict[str, Any]) -> str:
    name, obj = PAGES[page]
    return reverse(name, args=[world[obj].pk]) if obj else reverse(name)


def expect(overrides: dict[str, int], default: int) -> dict[str, int]:
    return {page: overrides.get(page, default) for page in PAGES}


BK_ONLY = {
    "detail-bg": 404,
    "add-bg": 404,
    "recipient-bg": 404,
    "download-bg": 404,
    "report-bg": 404,
}
BG_ONLY = {
    "detail-bk": 404,
    "add-bk": 404,
    "recipient-bk": 404,
    "download-bk": 404,
    "letter-bk": 404,
}

# persona → page → status. Everyone with a role opens the list and the calendar; a dossier is seen
# by its proposing unit's people and its receiving level's (a 404 beyond); drafting needs a role
# that prepares dossiers; nobody without a role reaches anything.
ACCESS: dict[str, dict[str, int]] = {
    "admin_user": expect({}, 200),
    "officer_thai_nguyen": expect(BK_ONLY, 200),
    "member_bac_kan": expect(BK_ONLY, 200),
    "secretariat_bac_giang": expect(BG_ONLY, 200),
    "viewer_bac_giang": expect({**BG_ONLY, "create": 403, "add-bg": 403}, 200),
    "council_member": expect({"list": 200, "calendar": 200, "create": 403}, 404),
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
    posts = [
        reverse(name, args=[world["bk"].pk])
        for name in (
            "dossiers:dossier-transition",
            "dossiers:dossier-forward",
            "dossiers:dossier-decide",
            "dossiers:council-poll-link",
            "dossiers:document-add",
        )
    ]

    def visit() -> None:
        for page in PAGES:
            assert_sent_to_login(client.get(url(page, world)))
            assert_sent_to_login(client.post(url(page, world), {"reason": "x", "attach": "1"}))
        for address in posts:
            assert_sent_to_login(client.post(address, {"target": "submitted"}))

    unchanged(visit)


def test_the_action_pages_take_only_posts(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("admin_user")

    response = client.get(reverse("dossiers:dossier-transition", args=[world["bk"].pk]))

    assert response.status_code == 405


# --- the list ----------------------------------------------------------------------------------


def test_it_lists_only_the_dossiers_the_user_sees(as_user: Any, world: dict[str, Any]) -> None:
    def references(persona: str) -> list[str]:
        response = as_user(persona).get(reverse("dossiers:dossier-list"))
        assert response.status_code == 200
        return [d.reference for d in response.context["page"]]

    assert references("officer_thai_nguyen") == [world["late"].reference, world["bk"].reference]
    assert references("member_bac_kan") == [world["bk"].reference]
    assert references("viewer_bac_giang") == [world["bg"].reference]
    assert references("council_member") == []


def test_the_list_filters_by_status_code_year_and_words(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("admin_user")

    def references(**params: Any) -> list[str]:
        response = client.get(reverse("dossiers:dossier-list"), params)
        assert response.status_code == 200
        return [d.reference for d in response.context["page"]]

    everything = [world["late"].reference, world["bg"].reference, world["bk"].reference]
    assert references() == everything
    assert references(status="submitted") == [world["late"].reference]
    assert references(status="draft", q="quá hạn") == []
    assert references(q="quá hạn") == [world["late"].reference]
    assert references(q=world["bg"].reference) == [world["bg"].reference]
    assert references(code="CSTD_CS") == []
    assert references(year=YEAR) == everything
    assert references(year=YEAR - 1) == []
    assert references(overdue="on") == [world["late"].reference]
    # A filter that is not valid is shown and ignored.
    response = client.get(reverse("dossiers:dossier-list"), {"year": "x"})
    assert response.context["form"].errors["year"] == [message("Enter a whole number.")]
    assert [d.reference for d in response.context["page"]] == everything


def test_overdue_dossiers_stand_out_in_what_waits_for_my_level(
    as_user: Any, world: dict[str, Any]
) -> None:
    bk = set_status(
        world["bk"],
        "submitted",
        submitted_on=TODAY,
        appraisal_due=services.selectors.add_working_days(TODAY, 10),
    )

    response = as_user("officer_thai_nguyen").get(reverse("dossiers:dossier-list"))

    awaiting = {a["dossier"].reference: a for a in response.context["awaiting"]}
    assert list(awaiting) == [world["late"].reference, bk.reference]
    assert awaiting[world["late"].reference]["overdue"] is True
    assert awaiting[world["late"].reference]["late"] == -services.selectors.working_days_left(
        TODAY, world["late"].appraisal_due
    )
    assert awaiting[world["late"].reference]["late"] > 0
    assert (awaiting[bk.reference]["overdue"], awaiting[bk.reference]["days_left"]) == (False, 10)
    html = response.content.decode()
    assert html.count('class="badge overdue"') == 2  # in the waiting list and in the list
    assert message("Overdue") in html


def test_a_unit_that_only_prepares_has_nothing_waiting(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("member_bac_kan").get(reverse("dossiers:dossier-list"))

    assert response.context["awaiting"] == []
    assert response.context["can_create"] is True
    assert (
        as_user("viewer_bac_giang").get(reverse("dossiers:dossier-list")).context["can_create"]
        is False
    )


def test_the_list_exports_to_excel(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("dossiers:dossier-list"), {"status": "submitted", "format": "xlsx"}
    )

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    late = world["late"]
    assert rows[1][:9] == (
        late.reference,
        "Hồ sơ quá hạn",
        "Sở Nội vụ tỉnh Thái Nguyên",
        world["thai_nguyen"].name,
        message("Ministry or province"),
        "BK_BO",
        catalogue.award_names()["BK_BO"],
        YEAR,
        str(late.get_status_display()),
    )
    assert rows[1][10].date() == late.appraisal_due


def test_the_list_reads_a_fixed_number_of_queries(
    as_user: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    admin = world["admin"]
    for n in range(30):
        d = services.dossier_create(
            actor=admin,
            proposer=world["snv_thai_nguyen"],
            receiver=world["thai_nguyen"],
            level="bo_tinh",
            code="BK_BO",
            year=YEAR,
            title=f"Hồ sơ {n}",
        )
        set_status(
            d,
            "submitted",
            submitted_on=TODAY,
            appraisal_due=TODAY + dt.timedelta(days=n - 10),
        )
    client = as_user("officer_thai_nguyen")
    client.get(reverse("dossiers:dossier-list"))  # caches warm

    with django_assert_max_num_queries(14):
        response = client.get(reverse("dossiers:dossier-list"))

    assert len(response.context["page"]) == 25
    assert len(response.context["awaiting"]) == 31


def test_an_htmx_request_gets_the_results_only(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("dossiers:dossier-list"), {"status": "submitted"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert world["late"].reference in html
    assert "<html" not in html


# --- drafting ----------------------------------------------------------------------------------


def draft_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "proposer": "19.snv",
        "receiver": " 19 ",
        "level": "bo_tinh",
        "code": "BK_BO",
        "year": str(YEAR),
        "title": "",
        "summary": "Thành tích năm",
        "cluster_year": "",
        "poll": "",
        "vote_note": "7/7 phiếu tán thành",
    }
    return data | changes


def test_an_officer_drafts_a_dossier(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").post(reverse("dossiers:dossier-create"), draft_form())

    dossier = Dossier.objects.exclude(
        pk__in=[world["bk"].pk, world["bg"].pk, world["late"].pk]
    ).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier-detail", args=[dossier.pk])
    assert (
        dossier.proposer,
        dossier.receiver,
        dossier.level,
        dossier.code,
        dossier.year,
        dossier.status,
        dossier.vote_note,
    ) == (
        world["snv_thai_nguyen"],
        world["thai_nguyen"],
        "bo_tinh",
        "BK_BO",
        YEAR,
        "draft",
        "7/7 phiếu tán thành",
    )
    assert dossier.title == f"Đề nghị {Award.objects.get(code='BK_BO').name} năm {YEAR}"
    assert dossier.reference == f"HS-{TODAY.year}-{dossier.pk:06d}"


def test_the_draft_form_offers_the_units_the_user_prepares_for(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("secretariat_bac_giang").get(reverse("dossiers:dossier-create"))

    # Bắc Giang province itself merged into Bắc Ninh: only its departments still propose.
    assert [u.code for u in response.context["units"]] == ["24.SNV", "24.SNV.P1"]
    assert response.context["form"].initial == {"year": YEAR, "proposer": "24.SNV"}


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        (
            {"proposer": "24.SNV"},
            "proposer",
            ("You do not prepare dossiers for a unit with the code %(c)s.", {"c": "24.SNV"}),
        ),
        (
            {"proposer": "06.SNV"},  # merged into 19.SNV: its successor proposes
            "proposer",
            ("%(u)s no longer exists.", {"u": "Sở Nội vụ tỉnh Bắc Kạn"}),
        ),
        (
            {"receiver": "KHONG-CO"},
            "receiver",
            ("No unit in operation has the code %(c)s.", {"c": "KHONG-CO"}),
        ),
        (
            {"receiver": "06"},  # Bắc Kạn province merged into Thái Nguyên: no longer operates
            "receiver",
            ("No unit in operation has the code %(c)s.", {"c": "06"}),
        ),
        (
            {"level": "chinh_phu"},
            "level",
            ("%(a)s is decided at a lower level than the one chosen.", "BK_BO"),
        ),
        (
            {"year": str(TODAY.year + 1)},
            "year",
            ("The year must be between %(a)s and %(b)s.", {"a": 1945, "b": TODAY.year}),
        ),
    ],
)
def test_a_bad_draft_is_explained_and_not_recorded(
    as_user: Any,
    world: dict[str, Any],
    changes: dict[str, Any],
    field: str,
    text: tuple[str, Any],
) -> None:
    client = as_user("officer_thai_nguyen")
    msgid, params = text
    if params == "BK_BO":
        params = {"a": Award.objects.get(code="BK_BO").name}

    response = unchanged(
        lambda: client.post(reverse("dossiers:dossier-create"), draft_form(**changes))
    )

    assert errors(response, field) == [message(msgid, **params)]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("viewer_bac_giang", 403), ("council_member", 403), ("outsider", 403), (None, 302)],
)
def test_only_those_who_prepare_draft_dossiers(
    as_user: Any, world: dict[str, Any], persona: str | None, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(
        lambda: client.post(reverse("dossiers:dossier-create"), draft_form(proposer="24.SNV"))
    )

    assert response.status_code == status


# --- the dossier page --------------------------------------------------------------------------


def test_the_page_shows_facts_recipients_checks_documents_and_path(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("member_bac_kan").get(url("detail-bk", world))

    context = response.context
    html = response.content.decode()
    [row] = context["rows"]
    assert row["r"] == world["son_in_bk"]
    assert row["check"].ok is False
    assert [c["ok"] for c in row["result"]["criteria"]] == [
        c.startswith("✓") for c in row["check"].details
    ]
    assert row["result"]["missing"]
    blocking = [c.text for c in context["blocking"]]
    assert row["check"].text in blocking
    assert any(t.startswith("Thiếu giấy tờ của hồ sơ") for t in blocking)
    assert [d.pk for d in context["current"]] == [world["letter_bk"].pk]
    assert [(s.from_status, s.to_status) for s in context["steps"]] == [("", "draft")]
    assert [m["target"] for m in context["moves"]] == ["submitted"]
    assert context["can_prepare"] is True
    assert context["can_add_documents"] is True
    assert context["comments"] == []
    assert reverse("dossiers:document-download", args=[world["letter_bk"].pk]) in html
    assert world["letter_bk"].file.url not in html
    assert message("Blocking") in html


def test_the_receiving_level_sees_what_it_may_do_next(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(
        reverse("dossiers:dossier-detail", args=[world["late"].pk])
    )

    assert [m["target"] for m in response.context["moves"]] == ["appraisal", "returned"]
    assert response.context["reason_targets"] == ["returned"]
    assert response.context["overdue"] is True
    assert response.context["can_prepare"] is False


def test_a_viewer_sees_the_dossier_but_may_do_nothing(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("viewer_bac_giang").get(url("detail-bg", world))

    context = response.context
    assert (context["moves"], context["can_prepare"], context["can_add_documents"]) == (
        [],
        False,
        False,
    )
    assert (context["can_forward"], context["can_decide"], context["can_council"]) == (
        False,
        False,
        False,
    )
    assert message("Nothing waits for you on this dossier now.") in response.content.decode()


def test_a_forwarded_dossier_links_both_ways(as_user: Any, world: dict[str, Any]) -> None:
    source = set_status(world["bk"], "forwarded")
    child = services.dossier_create(
        actor=world["admin"],
        proposer=world["thai_nguyen"],
        receiver=world["thai_nguyen"],
        level="bo_tinh",
        code="BK_BO",
        year=YEAR,
    )
    Dossier.objects.filter(pk=child.pk).update(forwarded_from=source)

    child_page = as_user("officer_thai_nguyen").get(
        reverse("dossiers:dossier-detail", args=[child.pk])
    )
    source_page = as_user("member_bac_kan").get(url("detail-bk", world))

    assert child_page.context["forwarded_from_visible"] is True
    assert reverse("dossiers:dossier-detail", args=[source.pk]) in child_page.content.decode()
    assert source_page.context["forwarded_to"] == child
    assert source_page.context["forwarded_to_visible"] is False  # the province's own dossier
    assert child.reference in source_page.content.decode()


# --- moving a dossier along its path -----------------------------------------------------------


def move(client: Client, dossier: Dossier, target: str, note: str = "") -> Any:
    return client.post(
        reverse("dossiers:dossier-transition", args=[dossier.pk]), {"target": target, "note": note}
    )


@pytest.fixture
def ready(world: dict[str, Any]) -> Dossier:
    """A Giấy khen dossier of 06.SNV for its two people, sent to 19.SNV, with every document:
    Giấy khen has no automatic rule, so its checks pass."""
    admin = world["admin"]
    dossier = services.dossier_create(
        actor=admin,
        proposer=world["snv_bac_kan"],
        receiver=world["snv_thai_nguyen"],
        level="co_so",
        code="GK",
        year=YEAR,
        today=BEFORE_MERGER,
    )
    for person in (world["son"], world["mai"]):
        r = services.recipient_add(
            actor=admin, dossier=dossier, person=person, public_summary="Tận tuỵ, sáng tạo"
        )
        services.document_add(
            actor=admin,
            dossier=dossier,
            kind="BAO_CAO_THANH_TICH",
            recipient=r,
            upload=pdf(f"bao-cao-{r.pk}.pdf"),
        )
    for kind in ("TO_TRINH", "BIEN_BAN_BINH_XET"):
        services.document_add(actor=admin, dossier=dossier, kind=kind, upload=pdf(f"{kind}.pdf"))
    return dossier


def test_a_dossier_goes_from_draft_to_decision_through_the_pages(
    as_user: Any, world: dict[str, Any], ready: Dossier
) -> None:
    member, officer = as_user("member_bac_kan"), as_user("officer_thai_nguyen")
    son, mai = list(services.selectors.active_recipients(ready))

    assert move(member, ready, "submitted").status_code == 302
    assert refresh(ready).status == "submitted"
    assert ready.appraisal_due == services.selectors.add_working_days(TODAY, 10)
    assert move(officer, ready, "appraisal").status_code == 302
    assert move(officer, ready, "council").status_code == 302
    assert move(officer, ready, "approved", "Hội đồng: 7/7 phiếu tán thành").status_code == 302
    response = officer.get(reverse("dossiers:dossier-detail", args=[ready.pk]))
    assert (response.context["can_decide"], response.context["can_forward"]) == (True, False)
    assert response.context["decide_form"]["approved"].initial == [son.pk, mai.pk]
    response = officer.post(
        reverse("dossiers:dossier-decide", args=[ready.pk]),
        {
            "number": "45/QĐ-SNV",
            "date": TODAY.strftime("%d/%m/%Y"),
            "signer": "Nguyễn Văn Bình",
            "signer_title": "Giám đốc",
            "approved": [son.pk],
            "note": "",
            "file": pdf("qd-45.pdf"),
        },
    )

    assert response.status_code == 302
    ready = refresh(ready)
    assert ready.status == "decided"
    assert ready.decision is not None
    assert (ready.decision.number, ready.decision.issuer) == ("45/QĐ-SNV", world["snv_thai_nguyen"])
    assert ready.decision.file.read() == PDF
    assert [(r.person, r.code, r.year) for r in Record.objects.filter(decision=ready.decision)] == [
        (world["son"], "GK", YEAR)
    ]
    assert [refresh(son).outcome, refresh(mai).outcome] == [Outcome.APPROVED, Outcome.NOT_APPROVED]
    assert [s.to_status for s in ready.steps.all()] == [
        "draft",
        "submitted",
        "appraisal",
        "council",
        "approved",
        "decided",
    ]
    assert ready.steps.get(to_status="approved").note == "Hội đồng: 7/7 phiếu tán thành"


def test_sending_a_dossier_that_fails_its_checks_is_explained(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("member_bac_kan")

    response = unchanged(lambda: move(client, world["bk"], "submitted"))

    [error] = errors(response, "__all__", "transition_form")
    assert error.startswith(message("The dossier cannot be sent yet: %(p)s", p="")[:20])
    assert "Thiếu giấy tờ của hồ sơ" in error


def test_returning_needs_a_reason(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: move(client, world["late"], "returned", "  "))

    assert errors(response, "note", "transition_form") == [message("Give the reason.")]
    assert move(client, world["late"], "returned", "Thiếu biên bản").status_code == 302
    assert refresh(world["late"]).status == "returned"
    assert world["late"].steps.last().note == "Thiếu biên bản"


def test_a_step_off_the_path_is_explained(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("officer_thai_nguyen")

    off_path = unchanged(lambda: move(client, world["late"], "decided"))
    unknown = unchanged(lambda: move(client, world["late"], "khong-co"))

    [error] = errors(off_path, "__all__", "transition_form")
    assert error == message(
        "A dossier that is %(s)s cannot become %(t)s.",
        s=str(world["late"].get_status_display()),
        t=str(Dossier(status="decided").get_status_display()),
    )
    assert errors(unknown, "__all__", "transition_form") == [
        message("Choose a step of the dossier's path.")
    ]


@pytest.mark.parametrize(
    ("persona", "dossier", "target", "status"),
    [
        ("viewer_bac_giang", "bg", "submitted", 403),
        ("council_member", "bk", "submitted", 404),
        ("officer_thai_nguyen", "bg", "submitted", 404),
        ("member_bac_kan", "late", "appraisal", 404),
        ("outsider", "bk", "submitted", 403),
    ],
)
def test_nobody_else_moves_a_dossier(
    as_user: Any, world: dict[str, Any], persona: str, dossier: str, target: str, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(lambda: move(client, world[dossier], target))

    assert response.status_code == status


def test_the_proposing_unit_does_not_appraise_its_own_dossier(
    as_user: Any, world: dict[str, Any]
) -> None:
    # 06.SNV's focal point sees the dossier it sent but may not begin the appraisal.
    bk = set_status(world["bk"], "submitted", submitted_on=TODAY, appraisal_due=TODAY)
    client = as_user("member_bac_kan")

    response = unchanged(lambda: move(client, bk, "appraisal"))

    assert response.status_code == 403


# --- forwarding, the council's vote, the decision ----------------------------------------------


@pytest.fixture
def approved_low(world: dict[str, Any]) -> Dossier:
    """A Bằng khen of the province proposed at the grassroots level (19.SNV), approved there: it
    must go on to the province."""
    dossier = services.dossier_create(
        actor=world["admin"],
        proposer=world["snv_bac_kan"],
        receiver=world["snv_thai_nguyen"],
        level="co_so",
        code="BK_BO",
        year=YEAR,
        today=BEFORE_MERGER,
    )
    services.recipient_add(actor=world["admin"], dossier=dossier, person=world["son"])
    return set_status(dossier, "approved")


def test_an_officer_forwards_an_approved_dossier(
    as_user: Any, world: dict[str, Any], approved_low: Dossier
) -> None:
    client = as_user("officer_thai_nguyen")
    page = client.get(reverse("dossiers:dossier-detail", args=[approved_low.pk]))
    assert page.context["can_forward"] is True
    assert [c[0] for c in page.context["forward_form"].fields["level"].choices] == ["bo_tinh"]

    response = client.post(
        reverse("dossiers:dossier-forward", args=[approved_low.pk]),
        {"receiver": "19", "level": "bo_tinh", "note": "Chuyển tỉnh"},
    )

    child = Dossier.objects.get(forwarded_from=approved_low)
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:dossier-detail", args=[child.pk])
    assert (child.proposer, child.receiver, child.level, child.status) == (
        world["snv_thai_nguyen"],
        world["thai_nguyen"],
        "bo_tinh",
        "draft",
    )
    assert refresh(approved_low).status == "forwarded"
    assert [r.person for r in child.recipients.all()] == [world["son"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"receiver": "KHONG-CO", "level": "bo_tinh"}, "receiver"),
        ({"receiver": "19", "level": "chinh_phu"}, "level"),
    ],
)
def test_a_bad_forward_is_explained(
    as_user: Any,
    world: dict[str, Any],
    approved_low: Dossier,
    data: dict[str, str],
    field: str,
) -> None:
    client = as_user("officer_thai_nguyen")

    response = unchanged(
        lambda: client.post(reverse("dossiers:dossier-forward", args=[approved_low.pk]), data)
    )

    assert len(errors(response, field, "forward_form")) == 1


def test_only_the_receiving_level_forwards_or_decides(
    as_user: Any, world: dict[str, Any], approved_low: Dossier
) -> None:
    member = as_user("member_bac_kan")

    forward = unchanged(
        lambda: member.post(
            reverse("dossiers:dossier-forward", args=[approved_low.pk]),
            {"receiver": "19", "level": "bo_tinh"},
        )
    )
    decide = unchanged(
        lambda: member.post(
            reverse("dossiers:dossier-decide", args=[approved_low.pk]),
            {"number": "1/QĐ", "date": "01/01/2025"},
        )
    )

    assert (forward.status_code, decide.status_code) == (403, 403)


def test_a_level_that_does_not_decide_is_told_to_forward(
    as_user: Any, world: dict[str, Any], approved_low: Dossier
) -> None:
    client = as_user("officer_thai_nguyen")
    [son] = services.selectors.active_recipients(approved_low)
    award = Award.objects.get(code="BK_BO")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:dossier-decide", args=[approved_low.pk]),
            {"number": "46/QĐ-SNV", "date": TODAY.strftime("%d/%m/%Y"), "approved": [son.pk]},
        )
    )

    assert errors(response, "__all__", "decide_form") == [
        message("%(a)s is decided at a higher level: forward the dossier.", a=award.name)
    ]


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"date": "01/01/2099"}, "date", "The date cannot be in the future."),
        (
            {"approved": []},
            "approved",
            "Choose at least one recipient awarded (or return or reject the dossier).",
        ),
        ({"number": ""}, "number", "This field is required."),
    ],
)
def test_a_bad_decision_is_explained_and_not_recorded(
    as_user: Any,
    world: dict[str, Any],
    ready: Dossier,
    changes: dict[str, Any],
    field: str,
    text: str,
) -> None:
    set_status(ready, "approved")
    client = as_user("officer_thai_nguyen")
    data = {
        "number": "47/QĐ-SNV",
        "date": TODAY.strftime("%d/%m/%Y"),
        "approved": [r.pk for r in services.selectors.active_recipients(ready)],
    } | changes

    response = unchanged(
        lambda: client.post(reverse("dossiers:dossier-decide", args=[ready.pk]), data)
    )

    assert errors(response, field, "decide_form") == [message(text)]


@pytest.fixture
def council_poll(world: dict[str, Any]) -> Poll:
    return Poll.objects.create(
        council=world["thai_nguyen"],
        question="Phê duyệt hồ sơ đề nghị Giấy khen",
        purpose="dossier",
        method="yes_no",
        electorate="council",
        status="published",
        result={"winners": ["Hoàng Văn Sơn"]},
    )


def test_the_council_links_its_published_vote(
    as_user: Any, world: dict[str, Any], ready: Dossier, council_poll: Poll
) -> None:
    set_status(ready, "council")
    client = as_user("officer_thai_nguyen")
    assert client.get(reverse("dossiers:dossier-detail", args=[ready.pk])).context[
        "council_polls"
    ] == [council_poll]

    response = client.post(
        reverse("dossiers:council-poll-link", args=[ready.pk]), {"poll": council_poll.pk}
    )

    assert response.status_code == 302
    assert refresh(ready).council_poll == council_poll
    # With the vote linked, the approval needs no note.
    assert move(client, ready, "approved").status_code == 302
    assert refresh(ready).status == "approved"


def test_a_vote_not_offered_is_refused(
    as_user: Any, world: dict[str, Any], ready: Dossier, council_poll: Poll
) -> None:
    set_status(ready, "council")
    client = as_user("officer_thai_nguyen")
    Poll.objects.filter(pk=council_poll.pk).update(status="closed")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:council-poll-link", args=[ready.pk]), {"poll": council_poll.pk}
        )
    )

    assert len(errors(response, "poll", "council_form")) == 1


def test_approval_without_the_council_vote_needs_its_result(
    as_user: Any, world: dict[str, Any], ready: Dossier
) -> None:
    set_status(ready, "council")
    client = as_user("officer_thai_nguyen")

    response = unchanged(lambda: move(client, ready, "approved"))

    assert errors(response, "note", "transition_form") == [
        message("Record the council's vote: link the published council vote or write its result.")
    ]


# --- recipients --------------------------------------------------------------------------------


def test_a_focal_point_finds_a_person_by_name_and_proposes_her(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("member_bac_kan")
    address = reverse("dossiers:recipient-add", args=[world["bk"].pk])
    found = client.get(address, {"q": "ly thi mai"})
    assert [p.full_name for p in found.context["matches"]] == ["Lý Thị Mai"]
    assert client.get(address, {"q": "nguyen thi lan"}).context["matches"] == []  # not in reach
    chosen = client.get(address, {"person": world["mai"].pk})
    assert chosen.context["person"] == world["mai"]
    assert [c[0] for c in chosen.context["form"].fields["initiatives"].choices] == [
        world["initiative"].pk
    ]

    response = client.post(
        address,
        {
            "person": world["mai"].pk,
            "duties": "Chuyên viên",
            "achievements": "Số hoá toàn bộ hồ sơ",
            "public_summary": "Chủ trì số hoá hồ sơ thi đua",
            "initiatives": [world["initiative"].pk],
        },
    )

    assert response.status_code == 302
    added = DossierRecipient.objects.get(dossier=world["bk"], person=world["mai"])
    assert (added.duties, added.public_summary, list(added.initiatives.all())) == (
        "Chuyên viên",
        "Chủ trì số hoá hồ sơ thi đua",
        [world["initiative"]],
    )


def test_a_person_is_found_by_number_too(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("member_bac_kan").get(
        reverse("dossiers:recipient-add", args=[world["bk"].pk]), {"q": str(world["mai"].pk)}
    )

    assert response.context["matches"] == [world["mai"]]


def test_a_recipient_proposed_twice_is_explained(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:recipient-add", args=[world["bk"].pk]),
            {"person": world["son"].pk, "duties": "", "achievements": "", "public_summary": ""},
        )
    )

    assert errors(response, "__all__") == [
        message("This recipient is already proposed in the dossier.")
    ]


def test_a_person_out_of_reach_is_not_found(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:recipient-add", args=[world["bk"].pk]),
            {"person": world["lan"].pk, "duties": "x"},
        )
    )

    assert response.context["problem"] == message("Nobody you may see has this number.")
    assert page_messages(response) == [message("Nobody you may see has this number.")]


def test_a_collective_is_proposed_by_its_code(as_user: Any, world: dict[str, Any]) -> None:
    dossier = services.dossier_create(
        actor=world["admin"],
        proposer=world["snv_bac_kan"],
        receiver=world["snv_thai_nguyen"],
        level="co_so",
        code="TTLDTT",
        year=YEAR,
        today=BEFORE_MERGER,
    )
    client = as_user("member_bac_kan")
    address = reverse("dossiers:recipient-add", args=[dossier.pk])
    assert client.get(address, {"org": "06.snv"}).context["org"] == world["snv_bac_kan"]

    response = client.post(
        address,
        {"org": "06.snv", "duties": "", "achievements": "Hoàn thành tốt", "public_summary": ""},
    )

    assert response.status_code == 302
    assert [r.org for r in dossier.recipients.all()] == [world["snv_bac_kan"]]
    missing = unchanged(lambda: client.post(address, {"org": "24.SNV", "achievements": "x"}))
    assert missing.context["problem"] == message(
        "No unit you may see has the code %(c)s.", c="24.SNV"
    )


def test_recipients_are_changed_only_while_the_dossier_is_editable(
    as_user: Any, world: dict[str, Any]
) -> None:
    set_status(world["bk"], "submitted", submitted_on=TODAY, appraisal_due=TODAY)
    client = as_user("member_bac_kan")

    add = unchanged(lambda: client.get(reverse("dossiers:recipient-add", args=[world["bk"].pk])))
    edit = unchanged(
        lambda: client.post(
            url("recipient-bk", world),
            {"duties": "Mới", "achievements": "Mới", "public_summary": "Mới"},
        )
    )

    assert add.status_code == 302
    assert errors(edit, "__all__") == [
        message("The dossier can only be changed while it is a draft or has been returned.")
    ]


def test_a_focal_point_edits_the_achievement_report(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")

    response = client.post(
        url("recipient-bk", world),
        {"duties": "Trưởng phòng", "achievements": "Ba năm liền", "public_summary": "Tiêu biểu"},
    )

    assert response.status_code == 302
    son = refresh(world["son_in_bk"])
    assert (son.duties, son.achievements, son.public_summary) == (
        "Trưởng phòng",
        "Ba năm liền",
        "Tiêu biểu",
    )


def test_the_recipient_page_explains_the_check(as_user: Any, world: dict[str, Any]) -> None:
    officer = as_user("officer_thai_nguyen")

    response = officer.get(url("recipient-bk", world))

    assert response.context["check"].ok is False
    assert response.context["result"]["criteria"]
    assert response.context["can_override"] is True
    assert (
        as_user("member_bac_kan").get(url("recipient-bk", world)).context["can_override"] is False
    )
    assert "✗" in response.content.decode()


def test_an_officer_overrides_a_failed_check_with_a_reason(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")
    address = reverse("dossiers:recipient-override", args=[world["son_in_bk"].pk])

    short = unchanged(lambda: client.post(address, {"override-reason": "Vì sao"}))
    response = client.post(address, {"override-reason": "Thành tích đột xuất, đã xác minh"})

    assert errors(short, "reason", "override_form") == [
        message("Write the reason for overriding the check (at least 10 characters).")
    ]
    assert response.status_code == 302
    assert refresh(world["son_in_bk"]).override_reason == "Thành tích đột xuất, đã xác minh"
    page = client.get(url("detail-bk", world))
    [row] = page.context["rows"]
    assert row["check"].overridden is True
    assert row["check"] not in page.context["blocking"]


def test_a_focal_point_does_not_override(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:recipient-override", args=[world["son_in_bk"].pk]),
            {"override-reason": "Thành tích đột xuất, đã xác minh"},
        )
    )

    assert response.status_code == 403


def test_a_recipient_is_removed_with_a_reason(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")
    address = reverse("dossiers:recipient-remove", args=[world["son_in_bk"].pk])

    empty = unchanged(lambda: client.post(address, {"remove-reason": ""}))
    response = client.post(address, {"remove-reason": "Chưa đủ điều kiện"})

    assert errors(empty, "reason", "remove_form") == [message("This field is required.")]
    assert response.status_code == 302
    son = refresh(world["son_in_bk"])
    assert (son.removed_reason, son.removed_at is not None) == ("Chưa đủ điều kiện", True)
    assert as_user("member_bac_kan").get(url("detail-bk", world)).context["rows"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer_thai_nguyen", 403),
        ("viewer_bac_giang", 403),
        ("member_bac_kan", 404),
        ("outsider", 403),
    ],
)
def test_nobody_else_changes_recipients(
    as_user: Any, world: dict[str, Any], persona: str, status: int
) -> None:
    """A room of Bắc Giang's department sends a draft to Thái Nguyên province: the province's
    officer sees it but does not write its recipients' reports, nor does Bắc Giang's viewer."""
    dossier = services.dossier_create(
        actor=world["admin"],
        proposer=world["room_bg"],
        receiver=world["thai_nguyen"],
        level="bo_tinh",
        code="BK_BO",
        year=YEAR,
    )
    recipient = services.recipient_add(actor=world["admin"], dossier=dossier, person=world["hung"])
    client = as_user(persona)

    responses = unchanged(
        lambda: [
            client.post(
                reverse("dossiers:recipient-edit", args=[recipient.pk]),
                {"duties": "x", "achievements": "x", "public_summary": "x"},
            ).status_code,
            client.post(
                reverse("dossiers:recipient-remove", args=[recipient.pk]),
                {"remove-reason": "Không"},
            ).status_code,
            client.post(
                reverse("dossiers:recipient-add", args=[dossier.pk]),
                {"person": world["lan"].pk, "duties": "x"},
            ).status_code,
        ]
    )

    assert responses == [status, status, status]


# --- documents ---------------------------------------------------------------------------------


def test_a_focal_point_attaches_a_document(
    as_user: Any, world: dict[str, Any], media_root: Path
) -> None:
    client = as_user("member_bac_kan")

    response = client.post(
        reverse("dossiers:document-add", args=[world["bk"].pk]),
        {"kind": "BAO_CAO_THANH_TICH", "recipient": world["son_in_bk"].pk, "file": pdf("bc.pdf")},
    )

    assert response.status_code == 302
    doc = DossierDocument.objects.get(dossier=world["bk"], kind="BAO_CAO_THANH_TICH")
    assert (doc.recipient, doc.name, str(doc.uploaded_by)) == (
        world["son_in_bk"],
        "bc.pdf",
        str(User.objects.get(username="daumoi.backan")),
    )
    assert (media_root / doc.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        (
            {"kind": "BAO_CAO_THANH_TICH", "recipient": ""},
            "recipient",
            "Say which recipient this document is for.",
        ),
        ({"kind": "TO_TRINH", "exe": True}, "file", "The file's content does not match its type."),
    ],
)
def test_a_bad_document_is_explained_and_not_stored(
    as_user: Any,
    world: dict[str, Any],
    media_root: Path,
    data: dict[str, Any],
    field: str,
    text: str,
) -> None:
    client = as_user("member_bac_kan")
    files_before = sorted(media_root.rglob("*.*"))
    upload = (
        SimpleUploadedFile("qd.pdf", EXE, content_type="application/pdf")
        if data.pop("exe", False)
        else pdf()
    )

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:document-add", args=[world["bk"].pk]), data | {"file": upload}
        )
    )

    assert errors(response, field, "document_form") == [message(text)]
    assert sorted(media_root.rglob("*.*")) == files_before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("viewer_bac_giang", 403), ("member_bac_kan", 404), ("outsider", 403)],
)
def test_nobody_else_attaches_documents(
    as_user: Any, world: dict[str, Any], persona: str, status: int
) -> None:
    client = as_user(persona)

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:document-add", args=[world["bg"].pk]),
            {"kind": "TO_TRINH", "file": pdf()},
        )
    )

    assert response.status_code == status


def test_a_document_is_downloaded_through_the_checked_page(
    as_user: Any, world: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(url("download-bk", world))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="to-trinh-bk.pdf"' in response["Content-Disposition"]
    assert as_user("outsider").get(url("download-bk", world)).status_code == 403
    assert as_user("viewer_bac_giang").get(url("download-bk", world)).status_code == 404
    assert_sent_to_login(Client().get(url("download-bk", world)))


def test_a_newer_document_replaces_the_older_in_the_checks_and_both_stay(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("member_bac_kan")
    client.post(
        reverse("dossiers:document-add", args=[world["bk"].pk]),
        {"kind": "TO_TRINH", "file": pdf("to-trinh-moi.pdf")},
    )

    response = client.get(url("detail-bk", world))

    assert [d.name for d in response.context["current"]] == ["to-trinh-moi.pdf"]
    assert [d.name for d in response.context["history"]] == ["to-trinh-moi.pdf", "to-trinh-bk.pdf"]


def test_the_submission_letter_is_generated_as_docx(as_user: Any, world: dict[str, Any]) -> None:
    response = as_user("viewer_bac_giang").get(
        reverse("dossiers:dossier-letter-docx", args=[world["bg"].pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response.content == DOCX + world["bg"].reference.encode()
    assert f'filename="to-trinh-{world["bg"].reference}.docx"' in response["Content-Disposition"]


def test_generated_files_are_attached_to_the_dossier(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("member_bac_kan")

    letter = client.post(url("letter-bk", world), {"attach": "1"})
    report = client.post(
        reverse("dossiers:recipient-report-docx", args=[world["son_in_bk"].pk]), {"attach": "1"}
    )

    assert (letter.status_code, report.status_code) == (302, 302)
    made = DossierDocument.objects.filter(dossier=world["bk"], generated=True).order_by("pk")
    assert [(d.kind, d.recipient, d.name) for d in made] == [
        ("TO_TRINH", None, f"to-trinh-{world['bk'].reference}.docx"),
        (
            "BAO_CAO_THANH_TICH",
            world["son_in_bk"],
            f"bao-cao-thanh-tich-{world['bk'].reference}-{world['son_in_bk'].pk}.docx",
        ),
    ]
    assert made[0].file.read() == DOCX + world["bk"].reference.encode()


def test_a_viewer_may_read_but_not_attach_generated_files(
    as_user: Any, world: dict[str, Any]
) -> None:
    client = as_user("viewer_bac_giang")

    response = unchanged(
        lambda: client.post(
            reverse("dossiers:dossier-letter-docx", args=[world["bg"].pk]), {"attach": "1"}
        )
    )

    assert response.status_code == 403


def test_a_generated_file_refused_by_the_rules_is_explained(
    as_user: Any, world: dict[str, Any]
) -> None:
    # The dossier has left the proposing unit: its documents no longer change on that side.
    set_status(world["bk"], "submitted", submitted_on=TODAY, appraisal_due=TODAY)
    client = as_user("member_bac_kan")

    response = unchanged(lambda: client.post(url("letter-bk", world), {"attach": "1"}, follow=True))

    assert page_messages(response) == [
        message(
            "Documents are added by the proposing unit while the dossier is a draft or returned."
        )
    ]


# --- public comments, seen from the receiving level --------------------------------------------


@pytest.fixture
def commented(world: dict[str, Any]) -> PublicComment:
    bk = set_status(
        world["bk"],
        "comment",
        comment_opens=TODAY - dt.timedelta(days=1),
        comment_closes=TODAY + dt.timedelta(days=10),
    )
    return PublicComment.objects.create(
        dossier=bk,
        recipient=world["son_in_bk"],
        author_name="Người dân",
        contact="0912 345 678",
        text="Ông Sơn thực sự tận tuỵ với công việc.",
        source="x" * 64,
    )


def test_the_receiving_level_handles_a_public_comment(
    as_user: Any, world: dict[str, Any], commented: PublicComment
) -> None:
    client = as_user("officer_thai_nguyen")
    page = client.get(url("detail-bk", world))
    assert [c["c"] for c in page.context["comments"]] == [commented]
    assert "0912 345 678" in page.content.decode()
    address = reverse("dossiers:comment-handle", args=[commented.pk])

    empty = unchanged(lambda: client.post(address, {f"c{commented.pk}-handling": "verified"}))
    response = client.post(
        address,
        {f"c{commented.pk}-handling": "verified", f"c{commented.pk}-note": "Đã xác minh"},
    )

    [item] = empty.context["comments"]
    assert item["form"].errors["note"] == [message("This field is required.")]
    assert response.status_code == 302
    assert (refresh(commented).handling, commented.handling_note) == ("verified", "Đã xác minh")


def test_the_proposing_unit_sees_neither_the_comments_nor_their_contacts(
    as_user: Any, world: dict[str, Any], commented: PublicComment
) -> None:
    client = as_user("member_bac_kan")

    page = client.get(url("detail-bk", world))
    response = unchanged(
        lambda: client.post(
            reverse("dossiers:comment-handle", args=[commented.pk]),
            {f"c{commented.pk}-handling": "verified", f"c{commented.pk}-note": "x"},
        )
    )

    assert (page.context["comments"], page.context["comment_count"]) == ([], 1)
    assert "0912 345 678" not in page.content.decode()
    assert response.status_code == 403


# --- the calendar ------------------------------------------------------------------------------


def test_everyone_with_a_role_reads_the_calendar(as_user: Any, world: dict[str, Any]) -> None:
    Holiday.objects.filter(day__year=TODAY.year + 1).delete()
    shipped = Holiday.objects.filter(day__year=2025).count()

    response = as_user("viewer_bac_giang").get(reverse("dossiers:calendar"), {"year": 2025})

    assert len(response.context["holidays"]) == shipped > 0
    # From the lowest level to the highest.
    assert [r.level for r in response.context["rules"]] == [
        "co_so",
        "bo_tinh",
        "chinh_phu",
        "nha_nuoc",
    ]
    assert TODAY.year + 1 in response.context["missing_years"]
    assert response.context["can_edit"] is False
    assert "holiday-form" not in response.content.decode()


def test_an_administrator_keeps_the_calendar(as_user: Any, world: dict[str, Any]) -> None:
    client = as_user("admin_user")
    saturday = dt.date(TODAY.year + 1, 1, 2)
    while saturday.weekday() != 5:
        saturday += dt.timedelta(days=1)

    added = client.post(
        reverse("dossiers:calendar"),
        {
            "holiday": "1",
            "h-day": saturday.strftime("%d/%m/%Y"),
            "h-name": "Làm bù",
            "h-working": "on",
            "h-note": "Thông báo của Bộ Nội vụ",
        },
    )
    rule = client.post(
        reverse("dossiers:calendar"),
        {
            "level_rule": "1",
            "l-level": "co_so",
            "l-appraisal_days": "12",
            "l-comment_days": "5",
            "l-legal_basis": "Quy chế của tỉnh",
        },
    )

    assert added.status_code == 302
    assert added["Location"] == f"{reverse('dossiers:calendar')}?year={saturday.year}"
    holiday = Holiday.objects.get(day=saturday)
    assert (holiday.name, holiday.working) == ("Làm bù", True)
    assert rule.status_code == 302
    assert LevelRule.objects.filter(level="co_so").values_list(
        "appraisal_days", "public_comment", "legal_basis"
    ).get() == (12, False, "Quy chế của tỉnh")
    assert (
        client.get(reverse("dossiers:calendar"), {"day": saturday.isoformat()})
        .context["holiday_form"]
        .initial["name"]
        == "Làm bù"
    )
    deleted = client.post(reverse("dossiers:holiday-delete", args=[holiday.pk]))
    assert deleted.status_code == 302
    assert not Holiday.objects.filter(day=saturday).exists()


@pytest.mark.parametrize(
    ("data", "form", "field", "text"),
    [
        (
            {"holiday": "1", "h-day": "05/01/2027", "h-name": "Thứ Ba", "h-working": "on"},
            "holiday_form",
            "working",
            "Only a Saturday or Sunday can be marked as a working day.",
        ),
        (
            {"holiday": "1", "h-day": "05/01/2027", "h-name": "  "},
            "holiday_form",
            "name",
            "This field is required.",
        ),
        (
            {"level_rule": "1", "l-level": "co_so", "l-appraisal_days": "0", "l-comment_days": "5"},
            "rule_form",
            "appraisal_days",
            "Give between 1 and 365 working days.",
        ),
        (
            {
                "level_rule": "1",
                "l-level": "co_so",
                "l-appraisal_days": "10",
                "l-comment_days": "91",
            },
            "rule_form",
            "comment_days",
            "Give between 1 and 90 working days.",
        ),
    ],
)
def test_a_bad_calendar_entry_is_explained_and_not_saved(
    as_user: Any, world: dict[str, Any], data: dict[str, str], form: str, field: str, text: str
) -> None:
    client = as_user("admin_user")

    response = unchanged(lambda: client.post(reverse("dossiers:calendar"), data))

    assert errors(response, field, form) == [message(text)]


@pytest.mark.parametrize("persona", ["officer_thai_nguyen", "viewer_bac_giang", "outsider"])
def test_only_administrators_change_the_calendar(
    as_user: Any, world: dict[str, Any], persona: str
) -> None:
    client = as_user(persona)
    holiday = Holiday.objects.first()
    assert holiday is not None

    responses = unchanged(
        lambda: [
            client.post(
                reverse("dossiers:calendar"),
                {"holiday": "1", "h-day": "03/01/2027", "h-name": "Nghỉ"},
            ).status_code,
            client.post(reverse("dossiers:holiday-delete", args=[holiday.pk])).status_code,
        ]
    )

    assert responses == [403, 403]


# --- the home page -----------------------------------------------------------------------------


def test_the_home_page_counts_what_waits(as_user: Any, world: dict[str, Any]) -> None:
    set_status(world["bg"], "returned")

    officer = as_user("officer_thai_nguyen").get(reverse("core:home"))
    secretariat = as_user("secretariat_bac_giang").get(reverse("core:home"))
    viewer = as_user("viewer_bac_giang").get(reverse("core:home"))

    # The officer prepares for Thái Nguyên and, by lineage, Bắc Kạn: 06.SNV's draft is his too.
    assert officer.context["dossier_tasks"] == {
        "overdue": 1,
        "awaiting": 1,
        "drafts": 1,
        "returned": 0,
    }
    assert secretariat.context["dossier_tasks"] == {
        "overdue": 0,
        "awaiting": 0,
        "drafts": 0,
        "returned": 1,
    }
    assert viewer.context["dossier_tasks"] is None
    assert f"{reverse('dossiers:dossier-list')}?overdue=on" in officer.content.decode()
    assert "dossier-tasks" not in viewer.content.decode()
