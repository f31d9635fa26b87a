"""Personal data (issue 9): every place a person's ID number or birth year, or a complainant's
identity, leaves the system, and who gets it. Each check reads the bytes a user receives: the
page's HTML, the API's JSON, the workbook's cells (openpyxl), the DOCX's text (python-docx) and
the PDF's text (pypdf).

What is personal and who sees it:
- A person's ID number (số CCCD) is seen only by those who may `person.view_personal` on the
  person's unit (system administrators, officers and focal points, within their reach): on the
  person's page, the edit form and the API's person; in an export only when asked for
  (`personal=1`) by such a user, and then only for the people where they may. Anyone else who asks
  gets the file without it and a note saying why.
- The register keeps a birth year, never a date of birth: the year is the masked form, shown to
  everyone who may see the person. Certificates show neither.
- A complainant's name, contact and address are seen only by those who handle the complaint
  (complaint.handle), never in the audit trail nor in the admin; a public comment's sender only by
  the officers who appraise the dossier.

Inventory (route → personal data it can hold → who gets it):

| route | personal data | who |
|---|---|---|
| /people/ (page, htmx) | birth year | all who see the person |
| /people/?format=xlsx | birth year; ID number with personal=1 | ID: may view_personal, per row |
| /people/<id>/ | birth year; ID number | ID: may view_personal |
| /people/<id>/edit/ | ID number (form) | person.change = the same roles |
| /register/ page and ?format=xlsx | birth year (export); ID number with personal=1 | as /people/ |
| /register/eligible/ page and ?format=xlsx | birth year; ID number with personal=1 | as /people/ |
| /register/decisions/<id>/ | names only | register.view |
| /register/decisions/<id>/quyet-dinh.docx/.pdf | names, position, unit | register.view |
| /register/fund/?format=xlsx, /dossiers/?format=xlsx, /stats/ xlsx | no person fields | all |
| /dossiers/<id>/ | names; public comments' senders | senders: dossier.appraise |
| /dossiers/<id>/to-trinh.docx/.pdf | names, position, unit | dossier.view |
| /dossiers/recipients/<id>/bao-cao-thanh-tich.docx/.pdf | birth year (Năm sinh) | dossier.view |
| /certificates/decisions/<id>/print.pdf/.docx | name, unit (no birth year, no ID) | certificate.print |
| /verify/<code>/ (public) | name, unit | anyone with the code |
| /public/dossiers/<ref>/ and /api/v1/public/dossiers | name, unit, public summary | anyone |
| /votes/<id>/ and minutes.docx/.pdf | candidates' names | those who see the poll |
| /exemplary/ page, xlsx, detail | names | exemplary.view |
| /complaints/ and /complaints/<id>/ | complainant's name, contact, address | complaint.handle |
| /admin/complaints/complaint/<id>/change/ | none (identity and step notes left out) | superusers |
| /audit/, /audit/?format=xlsx, /audit/people.person/<id>/ | ID number masked as *** | audit.view |
| /api/v1/people | birth year (no ID number) | person.view |
| /api/v1/people/<id> | birth year; ID number or null | ID: may view_personal |
| /api/v1/people/<id>/records, /register/records, /dossiers/<id> | no ID number | per endpoint |
| manage.py backup | everything (file mode 0600) | system operators; out of scope |
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document as open_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role, User
from certificates import services as certificate_services
from certificates.models import Certificate
from complaints import rules as complaint_rules
from complaints import services as complaint_services
from complaints.models import Complaint
from complaints.tests.helpers import ADDRESS, CONTACT, CONTENT, NAME, comment, public_dossier
from conftest import make_user
from dossiers import services as dossier_services
from dossiers.models import Dossier, DossierRecipient, Holiday
from exemplary import services as exemplary_services
from exemplary.models import ExemplaryModel
from orgs.models import Org
from people.models import Person
from people.personal import PersonalExport
from people.services import person_create
from register import catalogue
from register import services as register_services
from register.models import Award, Decision, Rating
from votes.models import Candidate, Poll, Voter

LAN_NAME, LAN_ID, LAN_BORN = "Nguyễn Thị Lan", "019185000123", "1985"  # 19.SNV (conftest.py)
SON_NAME, SON_ID, SON_BORN = "Hoàng Văn Sơn", "006190000777", "1990"  # 06.SNV, merged into 19.SNV
STEP_NOTE = f"Đã gọi điện cho ông {NAME} để xác minh."

# Those who may see personal data on Thái Nguyên's people, and those who may see the people only.
MAY = ("admin_user", "officer_thai_nguyen", "focal_thai_nguyen")
MAY_NOT = ("viewer_thai_nguyen", "secretariat_thai_nguyen", "council_thai_nguyen")
EVERYONE = MAY + MAY_NOT
# Handles complaints about what the province issues or receives (complaint.handle).
HANDLERS = ("admin_user", "officer_thai_nguyen")
NOT_HANDLERS = ("focal_thai_nguyen", *MAY_NOT)


# --- the world ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reference_data(db: Any, settings: Any, tmp_path: Path) -> None:
    """The catalogue and calendar (migrations), again if a transactional test flushed them."""
    if not Award.objects.exists():
        catalogue.load()
    if not Holiday.objects.exists():
        dossier_services.load_calendar()
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def focal_thai_nguyen(snv_thai_nguyen: Org) -> User:
    """Focal point of Sở Nội vụ Thái Nguyên (reaches former Sở Nội vụ Bắc Kạn by the merger)."""
    return make_user("daumoi.snv.thainguyen", Role.FOCAL_POINT, snv_thai_nguyen)


@pytest.fixture
def viewer_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("xem.thainguyen", Role.VIEWER, thai_nguyen)


@pytest.fixture
def secretariat_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("thuky.thainguyen", Role.SECRETARIAT, thai_nguyen)


@pytest.fixture
def council_thai_nguyen(thai_nguyen: Org) -> User:
    return make_user("hoidong.thainguyen", Role.COUNCIL_MEMBER, thai_nguyen)


@pytest.fixture
def focal_bac_kan_viewer_thai_nguyen(thai_nguyen: Org, snv_bac_kan: Org) -> User:
    """Focal point of former Sở Nội vụ Bắc Kạn, and a viewer of the whole province: sees both
    people, may see the personal data of Bắc Kạn's only."""
    from accounts.services import membership_grant

    user = make_user("daumoi.backan.xem", Role.FOCAL_POINT, snv_bac_kan)
    membership_grant(actor=None, user=user, role=Role.VIEWER, org=thai_nguyen)
    return user


@pytest.fixture
def superuser(db: Any) -> User:
    """A superuser without any role: the admin is theirs, complaints are not."""
    return User.objects.create_superuser("sieuquantri", password="x-9f!Kq2-sieu")


@dataclass
class World:
    lan: Person
    son: Person
    decision: Decision
    dossier: Dossier
    recipient: DossierRecipient
    complaint: Complaint
    model: ExemplaryModel
    poll: Poll


@pytest.fixture
def world(
    units: dict[str, Org],
    person_thai_nguyen: Person,
    admin_user: User,
    council_thai_nguyen: User,
) -> World:
    """Lan (19.SNV) and Sơn (06.SNV), both with an ID number, rated excellent in 2025 and given a
    Bằng khen by the province in 2025; Lan proposed in a dossier under public comment (with a
    comment and a denunciation naming its sender), kept as an exemplary model and a candidate of
    the province council's published vote."""
    lan = person_thai_nguyen
    son = person_create(
        actor=None,
        full_name=SON_NAME,
        gender="M",
        birth_year=int(SON_BORN),
        unit=units["snv_bac_kan"],
        id_number=SON_ID,
        start_date=dt.date(2015, 1, 1),
    )
    for p in (lan, son):
        Rating.objects.create(person=p, org=p.unit, year=2025, rating="HTXSNV")
    decision = register_services.decision_create(
        actor=admin_user,
        number="15/QĐ-UBND",
        date=dt.date(2025, 1, 10),
        issuer=units["thai_nguyen"],
        signer="Trịnh Việt Hùng",
        signer_title="Chủ tịch",
        summary="Tặng Bằng khen năm 2024",
    )
    for p in (lan, son):
        register_services.record_add(
            actor=admin_user, decision=decision, code="BK_BO", year=2024, person=p
        )
    dossier = public_dossier("HS-2026-000001", units["snv_thai_nguyen"], units["thai_nguyen"])
    recipient = DossierRecipient.objects.create(
        dossier=dossier,
        person=lan,
        rank=1,
        achievements="Hoàn thành xuất sắc nhiệm vụ được giao.",
        public_summary="Hoàn thành xuất sắc nhiệm vụ năm 2025.",
    )
    comment(dossier, recipient=recipient)
    complaint = complaint_services.complaint_receive(
        actor=admin_user,
        kind=complaint_rules.TO_CAO,
        content=CONTENT,
        complainant_name=NAME,
        complainant_contact=CONTACT,
        complainant_address=ADDRESS,
        dossier=dossier,
    )
    complaint_services.complaint_step(actor=admin_user, complaint=complaint, note=STEP_NOTE)
    model = exemplary_services.exemplary_create(
        actor=admin_user,
        kind="person",
        org=units["snv_thai_nguyen"],
        discovered_on=dt.date(2025, 3, 1),
        person=lan,
        sector="Cải cách hành chính",
    )
    poll = Poll.objects.create(
        council=units["thai_nguyen"],
        question="Hiệp thương đề nghị Chiến sĩ thi đua cấp tỉnh",
        purpose="dossier",
        method="yes_no",
        electorate="council",
        status="published",
        closed_at=dt.datetime(2025, 11, 4, 3, 0, tzinfo=dt.UTC),
    )
    candidate = Candidate.objects.create(
        poll=poll, position=1, kind="person", person=lan, label=lan.full_name
    )
    poll.result = {
        "labels": {candidate.key: lan.full_name},
        "results": [
            {
                "candidate": candidate.key,
                "rank": 1,
                "yes": 9,
                "no": 0,
                "abstain": 0,
                "elected": True,
            }
        ],
        "winners": [candidate.key],
        "ties": [],
        "ballots_cast": 9,
        "valid": 9,
        "invalid": 0,
        "blank": 0,
    }
    poll.save(update_fields=["result"])
    Voter.objects.create(poll=poll, user=council_thai_nguyen)
    return World(lan, son, decision, dossier, recipient, complaint, model, poll)


# --- reading what a user receives ------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of every sheet, the note sheet included."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def docx_text(content: bytes) -> str:
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    for section in doc.sections:
        lines += [p.text for p in section.header.paragraphs]
        lines += [p.text for p in section.footer.paragraphs]
    return "\n".join(lines)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def text(response: Any) -> str:
    """What the user reads: the page, the JSON, or the file's text."""
    content = body(response)
    kind = response["Content-Type"].split(";")[0]
    if kind == XLSX:
        return "\n".join(
            " | ".join("" if v is None else str(v) for v in row) for row in xlsx_rows(content)
        )
    if kind == DOCX:
        return docx_text(content)
    if kind == PDF:
        return pdf_text(content)
    if kind == "application/json":  # as read, not as escaped
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode()


def vi(message: str) -> str:
    """A message as the application writes it (Vietnamese, once translated)."""
    with translation.override("vi"):
        return translation.gettext(message)


def id_header() -> str:
    with translation.override("vi"):
        return str(Person._meta.get_field("id_number").verbose_name)


LEFT_OUT = "ID numbers were left out: your role does not let you see personal data."
KEEP_SAFE = (
    "This file holds ID numbers, which are personal data: keep it safe. They are given only for "
    "the people of the units where your role lets you see them."
)


# --- pages -------------------------------------------------------------------------------------------

# page → (its address, whether it shows Lan's birth year). Each page names Lan; none shows an ID
# number but the person's own page, to those who may see it.
PAGES: dict[str, tuple[Callable[[World], str], bool]] = {
    "people": (lambda w: reverse("people:person-list"), True),
    "people-search": (lambda w: reverse("people:person-list") + "?q=lan&personal=1", True),
    "records": (lambda w: reverse("register:record-list") + "?personal=1", False),
    "eligible": (
        lambda w: reverse("register:eligible-list") + "?target=CSTD_CS&year=2025&personal=1",
        True,
    ),
    "decision": (lambda w: reverse("register:decision-detail", args=[w.decision.pk]), False),
    "dossier": (lambda w: reverse("dossiers:dossier-detail", args=[w.dossier.pk]), False),
    "dossier-recipient": (
        lambda w: reverse("dossiers:recipient-edit", args=[w.recipient.pk]),
        False,
    ),
    "exemplary": (lambda w: reverse("exemplary:model-list"), False),
    "exemplary-model": (lambda w: reverse("exemplary:model-detail", args=[w.model.pk]), False),
}


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("page", PAGES)
def test_lists_and_pages_name_people_without_their_id_numbers(
    as_user: Any, world: World, page: str, persona: str
) -> None:
    address, shows_birth_year = PAGES[page]

    response = as_user(persona).get(address(world))

    shown = text(response)
    assert response.status_code == 200
    assert LAN_NAME in shown
    assert LAN_ID not in shown and SON_ID not in shown
    assert (LAN_BORN in shown) == shows_birth_year


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_person_page_shows_the_id_number_only_to_those_who_may(
    as_user: Any, world: World, persona: str
) -> None:
    response = as_user(persona).get(reverse("people:person-detail", args=[world.lan.pk]))

    shown = text(response)
    assert response.status_code == 200
    assert LAN_BORN in shown  # the birth year is the masked form of the date of birth
    assert (LAN_ID in shown) == (persona in MAY)
    assert ('id="id-number"' in shown) == (persona in MAY)


def test_the_person_page_follows_the_person_unit_for_a_user_with_two_roles(
    as_user: Any, world: World
) -> None:
    client = as_user("focal_bac_kan_viewer_thai_nguyen")

    lan = text(client.get(reverse("people:person-detail", args=[world.lan.pk])))
    son = text(client.get(reverse("people:person-detail", args=[world.son.pk])))

    assert (LAN_NAME in lan, LAN_ID in lan) == (True, False)
    assert (SON_NAME in son, SON_ID in son) == (True, True)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_edit_form_holding_the_id_number_opens_only_for_those_who_may(
    as_user: Any, world: World, persona: str
) -> None:
    response = as_user(persona).get(reverse("people:person-edit", args=[world.lan.pk]))

    assert response.status_code == (200 if persona in MAY else 403)
    assert (LAN_ID in text(response)) == (persona in MAY)


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    "page",
    [
        reverse("people:person-list"),
        reverse("register:record-list"),
        reverse("register:eligible-list") + "?target=CSTD_CS&year=2025",
    ],
)
def test_the_export_with_id_numbers_is_offered_only_to_those_who_may(
    as_user: Any, world: World, page: str, persona: str
) -> None:
    shown = text(as_user(persona).get(page))

    assert "format=xlsx" in shown
    assert ("personal=1" in shown) == (persona in MAY)
    assert (vi("Export with ID numbers") in shown) == (persona in MAY)


def test_the_plain_export_link_never_carries_personal_1_from_the_address(
    as_user: Any, world: World
) -> None:
    shown = text(as_user("officer_thai_nguyen").get(reverse("people:person-list") + "?personal=1"))

    exports = sorted(re.findall(r'href="([^"]*format=xlsx[^"]*)"', shown))
    assert [("personal=1" in link) for link in exports] == [False, True]


def test_unit_collective_eligibility_offers_no_export_with_id_numbers(
    as_user: Any, world: World
) -> None:
    shown = text(
        as_user("officer_thai_nguyen").get(
            reverse("register:eligible-list") + "?target=TTLDTT&year=2025"
        )
    )

    assert "format=xlsx" in shown and "personal=1" not in shown


# --- Excel exports of people: personal columns only when asked for, by those who may -------------

PERSON_EXPORTS: dict[str, str] = {
    "people": reverse("people:person-list") + "?format=xlsx",
    "records": reverse("register:record-list") + "?format=xlsx",
    "eligible": reverse("register:eligible-list") + "?target=CSTD_CS&year=2025&format=xlsx",
}


def export(client: Client, which: str, personal: bool) -> list[tuple[Any, ...]]:
    response = client.get(PERSON_EXPORTS[which] + ("&personal=1" if personal else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return xlsx_rows(body(response))


def cells(rows: list[tuple[Any, ...]]) -> set[str]:
    return {str(v) for row in rows for v in row if v is not None}


def row_of(rows: list[tuple[Any, ...]], name: str) -> dict[str, Any]:
    header = [str(v) for v in rows[0]]
    (found,) = [r for r in rows if name in r]
    return dict(zip(header, found, strict=False))


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("which", PERSON_EXPORTS)
def test_an_export_leaves_id_numbers_out_by_default(
    as_user: Any, world: World, which: str, persona: str
) -> None:
    rows = export(as_user(persona), which, personal=False)

    found = cells(rows)
    assert {LAN_NAME, SON_NAME} <= found
    assert {LAN_ID, SON_ID}.isdisjoint(found)
    assert id_header() not in found
    assert {vi(LEFT_OUT), vi(KEEP_SAFE)}.isdisjoint(found)
    # the birth year stays: it is all the register keeps of a date of birth
    assert (row_of(rows, LAN_NAME)[vi("Birth year")], row_of(rows, SON_NAME)[vi("Birth year")]) == (
        int(LAN_BORN),
        int(SON_BORN),
    )


@pytest.mark.parametrize("persona", MAY)
@pytest.mark.parametrize("which", PERSON_EXPORTS)
def test_an_export_holds_id_numbers_when_asked_by_those_who_may(
    as_user: Any, world: World, which: str, persona: str
) -> None:
    rows = export(as_user(persona), which, personal=True)

    assert row_of(rows, LAN_NAME)[id_header()] == LAN_ID
    assert row_of(rows, SON_NAME)[id_header()] == SON_ID
    assert row_of(rows, LAN_NAME)[vi("Birth year")] == int(LAN_BORN)
    assert (vi(KEEP_SAFE),) in rows
    assert (vi(LEFT_OUT),) not in rows


@pytest.mark.parametrize("persona", MAY_NOT)
@pytest.mark.parametrize("which", PERSON_EXPORTS)
def test_an_export_leaves_id_numbers_out_and_says_so_when_asked_by_those_who_may_not(
    as_user: Any, world: World, which: str, persona: str
) -> None:
    rows = export(as_user(persona), which, personal=True)

    found = cells(rows)
    assert {LAN_NAME, SON_NAME} <= found
    assert {LAN_ID, SON_ID}.isdisjoint(found)
    assert id_header() not in found
    assert (vi(LEFT_OUT),) in rows
    assert rows == [*export(as_user(persona), which, personal=False), (vi(LEFT_OUT),)]


@pytest.mark.parametrize("which", PERSON_EXPORTS)
def test_an_export_gives_id_numbers_only_where_the_role_allows(
    as_user: Any, world: World, which: str
) -> None:
    rows = export(as_user("focal_bac_kan_viewer_thai_nguyen"), which, personal=True)

    assert row_of(rows, SON_NAME)[id_header()] == SON_ID
    assert row_of(rows, LAN_NAME)[id_header()] in ("", None)
    assert LAN_ID not in cells(rows)


@pytest.mark.parametrize("value", ["0", "yes", "true", "on", "11", ""])
def test_only_personal_1_asks_for_id_numbers(as_user: Any, world: World, value: str) -> None:
    response = as_user("officer_thai_nguyen").get(PERSON_EXPORTS["people"] + f"&personal={value}")

    assert LAN_ID not in text(response)


def test_the_personal_columns_come_only_when_asked_and_allowed() -> None:
    may = PersonalExport(user=None, asked=True, allowed=True)

    assert [str(c.header) for c in may.columns(lambda p: p)] == [
        str(Person._meta.get_field("id_number").verbose_name)
    ]
    assert PersonalExport(user=None, asked=True, allowed=False).columns(lambda p: p) == []
    assert PersonalExport(user=None, asked=False, allowed=True).columns(lambda p: p) == []
    assert may.id_number(None) == ""


# --- other Excel exports: no person field to leave out --------------------------------------------

OTHER_EXPORTS: dict[str, tuple[Callable[[World], str], str]] = {
    "dossiers": (lambda w: reverse("dossiers:dossier-list") + "?format=xlsx", "HS-2026-000001"),
    "exemplary": (lambda w: reverse("exemplary:model-list") + "?format=xlsx", LAN_NAME),
    "fund": (
        lambda w: reverse("register:fund") + "?year_from=2025&year_to=2025&format=xlsx",
        "15/QĐ-UBND",
    ),
    "stats": (
        lambda w: (
            reverse("stats:unit") + f"?unit={w.decision.issuer_id}&from=2024&to=2025&format=xlsx"
        ),
        "",
    ),
}


@pytest.mark.parametrize("persona", ["admin_user", "officer_thai_nguyen", "viewer_thai_nguyen"])
@pytest.mark.parametrize("which", OTHER_EXPORTS)
def test_other_exports_hold_no_id_number_even_when_asked(
    as_user: Any, world: World, which: str, persona: str
) -> None:
    address, expected = OTHER_EXPORTS[which]

    response = as_user(persona).get(address(world) + "&personal=1")

    shown = text(response)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert expected in shown
    assert LAN_ID not in shown and SON_ID not in shown


# --- documents: DOCX and PDF -----------------------------------------------------------------------

DOCUMENTS: dict[str, tuple[Callable[[World], str], bool]] = {
    # document → (its address, whether it shows the birth year)
    "report.docx": (
        lambda w: reverse("dossiers:recipient-report-docx", args=[w.recipient.pk]),
        True,
    ),
    "report.pdf": (lambda w: reverse("dossiers:recipient-report-pdf", args=[w.recipient.pk]), True),
    "letter.docx": (lambda w: reverse("dossiers:dossier-letter-docx", args=[w.dossier.pk]), False),
    "letter.pdf": (lambda w: reverse("dossiers:dossier-letter-pdf", args=[w.dossier.pk]), False),
    "decision.docx": (
        lambda w: reverse("register:decision-document", args=[w.decision.pk, "docx"]),
        False,
    ),
    "decision.pdf": (
        lambda w: reverse("register:decision-document", args=[w.decision.pk, "pdf"]),
        False,
    ),
}


def names_in(shown: str) -> bool:
    """Lan's name, allowing for a PDF's text extraction splitting it."""
    return LAN_NAME in shown or LAN_NAME in " ".join(shown.split())


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_documents_hold_no_id_number(
    as_user: Any, world: World, document: str, persona: str
) -> None:
    address, shows_birth_year = DOCUMENTS[document]

    response = as_user(persona).get(address(world) + "?personal=1")

    shown = text(response)
    assert response.status_code == 200
    assert response["Content-Type"] == (DOCX if document.endswith("docx") else PDF)
    assert names_in(shown)
    assert LAN_ID not in shown and SON_ID not in shown
    assert (LAN_BORN in shown) == shows_birth_year


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("persona", EVERYONE)
def test_certificates_show_nothing_personal(
    as_user: Any, world: World, persona: str, fmt: str
) -> None:
    """Bằng khen: the salutation, the name and the unit; no birth year, no ID number."""
    name = "certificates:print" if fmt == "pdf" else "certificates:print-docx"

    response = as_user(persona).post(reverse(name, args=[world.decision.pk]))

    if persona not in HANDLERS:  # certificate.print: the commendation officers
        assert response.status_code == 403
        return
    shown = text(response)
    assert response.status_code == 200
    assert "15/QĐ-UBND" in shown or "15/QĐ-UBND" in " ".join(shown.split())
    for personal in (LAN_ID, SON_ID, LAN_BORN, SON_BORN):
        assert personal not in shown


def test_the_public_verify_page_shows_nothing_personal(
    client: Client, world: World, admin_user: User
) -> None:
    certificate_services.certificates_issue(actor=admin_user, decision=world.decision)
    code = Certificate.objects.get(record__person=world.lan).display_code

    response = client.get(reverse("verify:code", args=[code]))

    shown = text(response)
    assert response.status_code == 200 and LAN_NAME in shown
    for personal in (LAN_ID, LAN_BORN):
        assert personal not in shown


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("persona", ["officer_thai_nguyen", "council_thai_nguyen"])
def test_the_vote_count_minutes_hold_no_id_number(
    as_user: Any, world: World, persona: str, fmt: str
) -> None:
    client = as_user(persona)

    page = client.get(reverse("votes:poll", args=[world.poll.pk]))
    minutes = client.get(reverse("votes:minutes", args=[world.poll.pk, fmt]))

    assert (page.status_code, minutes.status_code) == (200, 200)
    for shown in (text(page), text(minutes)):
        assert names_in(shown)
        assert LAN_ID not in shown and LAN_BORN not in shown


# --- the public pages --------------------------------------------------------------------------------


def test_the_public_comment_page_and_api_show_nothing_personal(
    client: Client, world: World
) -> None:
    page = client.get(reverse("public:comment-detail", args=[world.dossier.reference]))
    api = client.get("/api/v1/public/dossiers")

    for response in (page, api):
        shown = text(response)
        assert response.status_code == 200 and LAN_NAME in shown
        for personal in (LAN_ID, LAN_BORN, NAME, CONTACT):
            assert personal not in shown


# --- the API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_api_lists_people_with_birth_years_and_no_id_numbers(
    as_user: Any, world: World, persona: str
) -> None:
    response = as_user(persona).get("/api/v1/people", {"q": "lan"})

    items = response.json()["items"]
    assert response.status_code == 200
    assert [(p["full_name"], p["birth_year"]) for p in items] == [(LAN_NAME, int(LAN_BORN))]
    assert all("id_number" not in p for p in items)
    assert LAN_ID not in text(response)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_api_gives_a_person_id_number_only_to_those_who_may(
    as_user: Any, world: World, persona: str
) -> None:
    response = as_user(persona).get(f"/api/v1/people/{world.lan.pk}")

    assert response.status_code == 200
    assert response.json()["birth_year"] == int(LAN_BORN)
    assert response.json()["id_number"] == (LAN_ID if persona in MAY else None)
    assert (LAN_ID in text(response)) == (persona in MAY)


def test_the_api_follows_the_person_unit_for_a_user_with_two_roles(
    as_user: Any, world: World
) -> None:
    client = as_user("focal_bac_kan_viewer_thai_nguyen")

    seen = {
        p.full_name: client.get(f"/api/v1/people/{p.pk}").json()["id_number"]
        for p in (world.lan, world.son)
    }

    assert seen == {LAN_NAME: None, SON_NAME: SON_ID}


API_READS: dict[str, Callable[[World], str]] = {
    "person-records": lambda w: f"/api/v1/people/{w.lan.pk}/records",
    "register-records": lambda w: "/api/v1/register/records",
    "dossier": lambda w: f"/api/v1/dossiers/{w.dossier.pk}",
    "person-eligibility": lambda w: (
        f"/api/v1/people/{w.lan.pk}/eligibility?target=CSTD_CS&year=2025"
    ),
}


@pytest.mark.parametrize("persona", ["admin_user", "officer_thai_nguyen", "viewer_thai_nguyen"])
@pytest.mark.parametrize("endpoint", API_READS)
def test_other_api_reads_hold_no_id_number(
    as_user: Any, world: World, endpoint: str, persona: str
) -> None:
    response = as_user(persona).get(API_READS[endpoint](world))

    shown = text(response)
    assert response.status_code == 200, shown
    assert LAN_ID not in shown and SON_ID not in shown


# --- complaints: the complainant's identity ---------------------------------------------------------


@pytest.mark.parametrize("persona", HANDLERS)
def test_those_who_handle_a_complaint_see_who_sent_it(
    as_user: Any, world: World, persona: str
) -> None:
    client = as_user(persona)

    listing = text(client.get(reverse("complaints:complaint-list")))
    page = text(client.get(reverse("complaints:complaint-detail", args=[world.complaint.pk])))

    assert world.complaint.reference in listing and NAME in listing
    for identity in (NAME, CONTACT, ADDRESS, STEP_NOTE):
        assert identity in page


@pytest.mark.parametrize("persona", NOT_HANDLERS)
def test_nobody_else_sees_a_complaint_or_who_sent_it(
    as_user: Any, world: World, persona: str
) -> None:
    client = as_user(persona)

    listing = client.get(reverse("complaints:complaint-list"))
    page = client.get(reverse("complaints:complaint-detail", args=[world.complaint.pk]))
    dossier = client.get(reverse("dossiers:dossier-detail", args=[world.dossier.pk]))

    assert (listing.status_code, page.status_code, dossier.status_code) == (403, 404, 200)
    for response in (listing, page, dossier):
        for identity in (NAME, CONTACT, ADDRESS):
            assert identity not in text(response)


def test_a_public_comment_sender_is_shown_to_the_appraising_officers_only(
    as_user: Any, world: World
) -> None:
    address = reverse("dossiers:dossier-detail", args=[world.dossier.pk])

    officer = text(as_user("officer_thai_nguyen").get(address))
    proposer = text(as_user("focal_thai_nguyen").get(address))

    assert NAME in officer and CONTACT in officer
    assert NAME not in proposer and CONTACT not in proposer


@pytest.mark.parametrize("persona", HANDLERS)
def test_the_audit_trail_never_holds_an_id_number_or_a_complainant(
    as_user: Any, world: World, persona: str
) -> None:
    client = as_user(persona)

    pages = [
        client.get(reverse("core:audit-list")),
        client.get(reverse("core:audit-list") + "?format=xlsx"),
        client.get(reverse("core:audit-object", args=["people.person", world.lan.pk])),
    ]

    # the whole trail is the system administrators' (audit.view_all); a person's, its keepers'
    everything = 200 if persona == "admin_user" else 403
    assert [r.status_code for r in pages] == [everything, everything, 200]
    if persona == "admin_user":
        assert pages[1]["Content-Type"] == XLSX
        assert LAN_NAME in text(pages[1])
    for response in pages:
        shown = text(response)
        for personal in (LAN_ID, SON_ID, NAME, CONTACT, ADDRESS):
            assert personal not in shown
    assert "***" in text(pages[2])  # the ID number's entry, masked


def test_the_admin_shows_no_complainant_to_a_superuser(
    client: Client, world: World, superuser: User
) -> None:
    client.force_login(superuser)

    listing = client.get(reverse("admin:complaints_complaint_changelist"))
    page = client.get(reverse("admin:complaints_complaint_change", args=[world.complaint.pk]))

    assert (listing.status_code, page.status_code) == (200, 200)
    assert world.complaint.reference in text(page)
    for response in (listing, page):
        for identity in (NAME, CONTACT, ADDRESS, STEP_NOTE):
            assert identity not in text(response)


def test_the_admin_shows_no_id_number_to_a_superuser(
    client: Client, world: World, superuser: User
) -> None:
    client.force_login(superuser)

    page = client.get(reverse("admin:people_person_change", args=[world.lan.pk]))

    assert page.status_code == 200 and LAN_NAME in text(page)
    assert LAN_ID not in text(page)
