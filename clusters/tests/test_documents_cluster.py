"""A cluster year's documents through the document service: the covenant (giao ước thi đua) and
the minutes of a meeting (biên bản hội nghị): their contexts as plain Vietnamese text, the DOCX
and the PDF read back (python-docx, pypdf), the starting templates, the head unit's own template,
who may have them (nobody else gets anything made), the links on their pages and the queries.

Cụm thi đua các tỉnh miền núi biên giới phía Bắc (organised by the Central Council), 2016: Lào Cai
heads it, Lạng Sơn is its deputy, Sơn La the third member. The covenant is signed at the
conference of 20/02/2016 in Lào Cai: Lào Cai registers two targets and the Government's flag,
Lạng Sơn one target and the province's flag, Sơn La nothing yet. At the year-end meeting of
15/12/2016 Lào Cai and Lạng Sơn attend with the Central Council; the members elect next year's
head (published) and have a second poll still open.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from accounts.models import Role, User
from clusters import documents, views_documents
from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    registration_save,
)
from clusters.models import ClusterYear, Covenant, Meeting, Registration
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from conftest import make_user
from documents import registry, starters, templating
from documents import services as document_services
from orgs.models import Org
from people.models import Category
from people.services import person_create
from votes import services as votes

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CLUSTER = "Cụm thi đua các tỉnh miền núi biên giới phía Bắc"


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def orgs(province: Any) -> dict[str, Org]:
    return {"lao_cai": province("10"), "lang_son": province("20"), "son_la": province("14")}


@pytest.fixture
def cy(orgs: dict[str, Org]) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MNBG",
        name=CLUSTER,
    )
    opened = cluster_year_open(actor=None, cluster=cluster, year=2016, members=list(orgs.values()))
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=orgs["lao_cai"],
        deputy=orgs["lang_son"],
        decision="01/QĐ-HĐTĐKT",
        decision_date=dt.date(2016, 1, 15),
    )


@pytest.fixture
def secretariat_lao_cai(orgs: dict[str, Org]) -> User:
    return make_user("thuky.laocai", Role.SECRETARIAT, orgs["lao_cai"])


@pytest.fixture
def focal_son_la(orgs: dict[str, Org]) -> User:
    return make_user("daumoi.sonla", Role.FOCAL_POINT, orgs["son_la"])


def register(covenant: Covenant, org: Org, targets: list[TargetInput], titles: list[str]) -> None:
    registration = Registration.objects.get(covenant=covenant, org=org)
    registration_save(actor=None, registration=registration, targets=targets, titles=titles)


@pytest.fixture
def covenant(cy: ClusterYear, orgs: dict[str, Org]) -> Covenant:
    signing = meeting_create(
        actor=None,
        cluster_year=cy,
        kind="covenant",
        date=dt.date(2016, 2, 20),
        place="Thành phố Lào Cai",
    )
    covenant = covenant_create(
        actor=None,
        cluster_year=cy,
        title="Giao ước thi đua năm 2016",
        text="Các tỉnh cùng thi đua hoàn thành toàn diện nhiệm vụ năm 2016.",
        criteria=["Hoàn thành chỉ tiêu tăng trưởng kinh tế", "Đẩy mạnh cải cách hành chính"],
        signing_meeting=signing,
    )
    covenant = covenant_send(actor=None, covenant=covenant)
    register(
        covenant,
        orgs["lao_cai"],
        [
            TargetInput("Tốc độ tăng trưởng GRDP", "%", "10.5", dt.date(2016, 12, 31)),
            TargetInput("Thu ngân sách nhà nước", "tỷ đồng", Decimal("7250")),
        ],
        ["CO_CP"],
    )
    register(covenant, orgs["lang_son"], [TargetInput("Giảm tỷ lệ hộ nghèo", "%", "3")], ["CO_BO"])
    return covenant


@pytest.fixture
def meeting(cy: ClusterYear, orgs: dict[str, Org], secretariat_lao_cai: User) -> Meeting:
    council = Org.objects.get(code="TW-HDTDKT")
    mai = person_create(
        actor=None,
        full_name="Giàng Thị Mai",
        gender="F",
        birth_year=1978,
        position="Phó Chủ tịch",
        category=Category.LEADER,
        unit=orgs["lao_cai"],
    )
    meeting = meeting_create(
        actor=None,
        cluster_year=cy,
        kind="year_end",
        date=dt.date(2016, 12, 15),
        place="Hội trường UBND tỉnh Lào Cai",
        host=orgs["lao_cai"],
        agenda="Tổng kết công tác thi đua năm 2016.\nBầu Cụm trưởng năm 2017.",
        attendee_units=[orgs["lao_cai"], orgs["lang_son"], council],
        attendee_people=[mai],
    )
    election = votes.poll_create(
        actor=secretariat_lao_cai,
        question="Suy tôn Cụm trưởng năm 2017",
        purpose="other",
        method="plurality",
        seats=1,
        secret=True,
        candidates=[{"org": org} for org in orgs.values()],
        meeting=meeting,
    )
    keys = {c.org_id: c.key for c in election.candidates.all()}
    votes.paper_record(
        actor=secretariat_lao_cai,
        poll=election,
        committee="Vàng A Páo",
        ballots_issued=3,
        ballots=[{"choice": keys[orgs["son_la"].pk]}] * 2 + [{"choice": keys[orgs["lao_cai"].pk]}],
    )
    votes.poll_publish(actor=secretariat_lao_cai, poll=election)
    votes.poll_create(
        actor=secretariat_lao_cai,
        question="Đề nghị tặng Cờ thi đua của Chính phủ",
        purpose="flag",
        method="plurality",
        seats=1,
        secret=True,
        candidates=[{"org": org} for org in orgs.values()],
        meeting=meeting,
    )
    return meeting


def covenant_url(cy: ClusterYear, fmt: str) -> str:
    return reverse("clusters:covenant-document", args=[cy.cluster_id, cy.year, fmt])


def minutes_url(meeting: Meeting, fmt: str) -> str:
    return reverse("clusters:meeting-document", args=[meeting.pk, fmt])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_lines(content: bytes) -> list[str]:
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return lines


def pdf_text(content: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(content)).pages
    return len(pages), " ".join(" ".join(page.extract_text() for page in pages).split())


def assert_filled(text: str) -> None:
    for gap in ("{{", "{%", "}}", "None", "\u27e6"):
        assert gap not in text, gap


# --- the covenant --------------------------------------------------------------------------------------


def test_the_covenants_context_is_plain_vietnamese_text(
    cy: ClusterYear, covenant: Covenant
) -> None:
    from clusters.selectors import covenant_of

    context = documents.covenant_context(cy, covenant_of(cy) or covenant)

    assert list(context) == registry.get(documents.COVENANT).field_keys
    assert (context["body_above"], context["body"], context["place_date"]) == (
        "",
        "Ủy ban nhân dân tỉnh Lào Cai",
        "Lào Cai, ngày 20 tháng 02 năm 2016",
    )
    assert context["criteria"] == [
        {"number": "1", "text": "Hoàn thành chỉ tiêu tăng trưởng kinh tế"},
        {"number": "2", "text": "Đẩy mạnh cải cách hành chính"},
    ]
    assert context["targets"] == [
        {
            "index": "1",
            "member": "Tỉnh Lào Cai",
            "name": "Tốc độ tăng trưởng GRDP",
            "measure": "%",
            "value": "10,5",
            "deadline": "31/12/2016",
        },
        {
            "index": "",
            "member": "",
            "name": "Thu ngân sách nhà nước",
            "measure": "tỷ đồng",
            "value": "7.250",
            "deadline": "",
        },
        {
            "index": "2",
            "member": "Tỉnh Lạng Sơn",
            "name": "Giảm tỷ lệ hộ nghèo",
            "measure": "%",
            "value": "3",
            "deadline": "",
        },
        {
            "index": "3",
            "member": "Tỉnh Sơn La",
            "name": "(chưa đăng ký chỉ tiêu)",
            "measure": "",
            "value": "",
            "deadline": "",
        },
    ]
    assert context["members"] == [
        {"index": "1", "name": "Tỉnh Lào Cai", "titles": "Cờ thi đua của Chính phủ"},
        {"index": "2", "name": "Tỉnh Lạng Sơn", "titles": "Cờ thi đua của bộ, ban, ngành, tỉnh"},
        {"index": "3", "name": "Tỉnh Sơn La", "titles": "(chưa đăng ký)"},
    ]
    assert context["signers"] == [
        {"left": "Ủy ban nhân dân tỉnh Lào Cai", "right": "Ủy ban nhân dân tỉnh Lạng Sơn"},
        {"left": "Ủy ban nhân dân tỉnh Sơn La", "right": ""},
    ]
    assert context["signing"] == (
        f"Giao ước được ký kết tại Hội nghị ký kết giao ước thi đua của {CLUSTER}, "
        "ngày 20 tháng 02 năm 2016 tại Thành phố Lào Cai."
    )
    assert context["count"] == "3"


def test_the_covenant_comes_as_docx_with_its_tables_and_signatures(
    cy: ClusterYear, covenant: Covenant, focal_son_la: User
) -> None:
    response = signed_in(focal_son_la).get(covenant_url(cy, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="giao-uoc-thi-dua-2016-ctd-mnbg.docx"'
    )
    lines = docx_lines(response.content)
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 20 tháng 02 năm 2016",
        "GIAO ƯỚC THI ĐUA NĂM 2016",
        CLUSTER,
        "Các tỉnh cùng thi đua hoàn thành toàn diện nhiệm vụ năm 2016.",
        "1. Hoàn thành chỉ tiêu tăng trưởng kinh tế",
        "Tốc độ tăng trưởng GRDP",
        "10,5",
        "7.250",
        "Cờ thi đua của Chính phủ",
        "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC",
        "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    ):
        assert line in lines, line
    assert_filled("\n".join(lines))


def test_the_covenant_comes_as_pdf_with_its_diacritics_intact(
    cy: ClusterYear, covenant: Covenant, secretariat_lao_cai: User
) -> None:
    response = signed_in(secretariat_lao_cai).get(covenant_url(cy, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages == 2
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIAO ƯỚC THI ĐUA NĂM 2016",
        "Cụm thi đua các tỉnh miền núi biên giới phía Bắc",
        "Giảm tỷ lệ hộ nghèo",
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    ):
        assert words in text, words
    assert_filled(text)


def test_the_covenant_page_links_its_documents(
    cy: ClusterYear, covenant: Covenant, focal_son_la: User
) -> None:
    page = signed_in(focal_son_la).get(reverse("clusters:covenant", args=[cy.cluster_id, 2016]))

    html = page.content.decode()
    assert f'href="{covenant_url(cy, "docx")}"' in html
    assert f'href="{covenant_url(cy, "pdf")}"' in html


# --- the minutes of a meeting ----------------------------------------------------------------------------


def test_the_minutes_context_leaves_blanks_for_the_secretary(meeting: Meeting) -> None:
    context = documents.meeting_context(meeting)

    assert list(context) == registry.get(documents.MINUTES).field_keys
    assert context["meeting"] == "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2016"
    assert context["place_date"] == "Lào Cai, ngày 15 tháng 12 năm 2016"
    blank = documents.SHORT_DOTS
    assert context["time"] == f"Vào hồi {blank} giờ {blank} phút, ngày 15 tháng 12 năm 2016."
    assert (context["venue"], context["host"]) == ("Hội trường UBND tỉnh Lào Cai", "Tỉnh Lào Cai")
    assert context["chair"] == context["secretary"] == documents.NAME_DOTS
    assert context["members"] == [
        {"index": "1", "name": "Tỉnh Lào Cai", "presence": "Có mặt"},
        {"index": "2", "name": "Tỉnh Lạng Sơn", "presence": "Có mặt"},
        {"index": "3", "name": "Tỉnh Sơn La", "presence": "Vắng mặt"},
    ]
    assert context["guests"] == Org.objects.get(code="TW-HDTDKT").name
    assert context["people"] == [
        {
            "index": "1",
            "name": "Giàng Thị Mai",
            "position": "Phó Chủ tịch",
            "unit": "Tỉnh Lào Cai",
        }
    ]
    assert context["agenda"] == [
        {"text": "Tổng kết công tác thi đua năm 2016."},
        {"text": "Bầu Cụm trưởng năm 2017."},
    ]
    assert context["proceedings"] == [{"text": documents.DOTS}] * 5
    assert context["decisions"] == [{"text": documents.DOTS}] * 3
    assert context["polls"] == [
        {
            "index": "1",
            "question": "Suy tôn Cụm trưởng năm 2017",
            "result": "Số phiếu thu về: 3, hợp lệ: 3. Tỉnh Sơn La: 2; Tỉnh Lào Cai: 1; "
            "Tỉnh Lạng Sơn: 0.\nKết quả: Tỉnh Sơn La.",
        },
        {
            "index": "2",
            "question": "Đề nghị tặng Cờ thi đua của Chính phủ",
            "result": "Chưa tiến hành biểu quyết.",
        },
    ]


def test_the_minutes_come_as_docx_and_pdf(meeting: Meeting, focal_son_la: User) -> None:
    client = signed_in(focal_son_la)

    docx = client.get(minutes_url(meeting, "docx"))
    pdf = client.get(minutes_url(meeting, "pdf"))

    assert docx.status_code == pdf.status_code == 200
    assert docx["Content-Disposition"] == (
        'attachment; filename="bien-ban-hoi-nghi-ctd-mnbg-2016-12-15.docx"'
    )
    lines = docx_lines(docx.content)
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        "BIÊN BẢN",
        "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2016",
        "Địa điểm: Hội trường UBND tỉnh Lào Cai.",
        f"Chủ trì hội nghị: {documents.NAME_DOTS}",
        "Vắng mặt",
        "Giàng Thị Mai",
        "Suy tôn Cụm trưởng năm 2017",
        "Kết quả: Tỉnh Sơn La.",
        documents.DOTS,
        "THƯ KÝ HỘI NGHỊ",
        "CHỦ TRÌ HỘI NGHỊ",
    ):
        assert line in lines, line
    assert_filled("\n".join(lines))
    pages, text = pdf_text(pdf.content)
    assert pages == 2
    for words in ("Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN", "Giàng Thị Mai", "Tỉnh Sơn La"):
        assert words in text, words
    assert_filled(text)


def test_the_meeting_page_links_the_draft_minutes(meeting: Meeting, focal_son_la: User) -> None:
    html = (
        signed_in(focal_son_la)
        .get(reverse("clusters:meeting-detail", args=[meeting.pk]))
        .content.decode()
    )

    assert f'href="{minutes_url(meeting, "docx")}"' in html
    assert f'href="{minutes_url(meeting, "pdf")}"' in html


# --- templates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [documents.COVENANT, documents.MINUTES])
def test_the_starting_templates_are_accepted_and_whole(db: Any, key: str) -> None:
    kind = registry.get(key)

    content = starters.starter(kind)

    templating.check(content, kind)  # no error
    tables = open_docx(io.BytesIO(content)).element.body.iter(qn("w:tbl"))
    assert all(table.find(qn("w:tr")) is not None for table in tables)  # Word opens it


def test_the_head_units_template_makes_the_covenant(
    cy: ClusterYear, covenant: Covenant, orgs: dict[str, Org], focal_son_la: User
) -> None:
    officer = make_user("canbo.laocai", Role.OFFICER, orgs["lao_cai"])
    doc = open_docx()
    doc.add_paragraph("GIAO ƯỚC RIÊNG {{ year }}: {{ cluster }}")
    doc.add_paragraph("{% for item in signers %}{{ item.left }} / {{ item.right }}; {% endfor %}")
    out = io.BytesIO()
    doc.save(out)
    document_services.template_upload(
        actor=officer,
        org=orgs["lao_cai"],
        kind=documents.COVENANT,
        upload=SimpleUploadedFile("mau.docx", out.getvalue(), content_type=DOCX_TYPE),
    )

    lines = docx_lines(signed_in(focal_son_la).get(covenant_url(cy, "docx")).content)

    assert lines == [
        f"GIAO ƯỚC RIÊNG 2016: {CLUSTER}",
        "Ủy ban nhân dân tỉnh Lào Cai / Ủy ban nhân dân tỉnh Lạng Sơn; "
        "Ủy ban nhân dân tỉnh Sơn La / ; ",
    ]


# --- who may ---------------------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds the download views ask the document service for."""
    asked: list[str] = []
    real = views_documents.render_kind

    def render(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(views_documents, "render_kind", render)
    return asked


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "member_bac_kan", "outsider"])
def test_those_who_do_not_see_the_cluster_get_nothing(
    request: pytest.FixtureRequest,
    cy: ClusterYear,
    covenant: Covenant,
    meeting: Meeting,
    persona: str,
    spy: list[str],
) -> None:
    client = signed_in(request.getfixturevalue(persona))

    for fmt in ("docx", "pdf"):
        assert client.get(covenant_url(cy, fmt)).status_code == 404
        assert client.get(minutes_url(meeting, fmt)).status_code == 404
    assert spy == []


def test_no_covenant_no_document_and_only_docx_or_pdf(
    cy: ClusterYear, meeting: Meeting, focal_son_la: User, spy: list[str]
) -> None:
    client = signed_in(focal_son_la)

    assert client.get(covenant_url(cy, "docx")).status_code == 404  # not drafted yet
    assert client.get(minutes_url(meeting, "odt")).status_code == 404
    assert client.post(minutes_url(meeting, "docx")).status_code == 405
    assert spy == []
    assert client.get(minutes_url(meeting, "docx")).status_code == 200
    assert spy == [documents.MINUTES]


def test_the_downloads_read_a_bounded_number_of_queries(
    cy: ClusterYear,
    covenant: Covenant,
    meeting: Meeting,
    focal_son_la: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = signed_in(focal_son_la)

    with django_assert_max_num_queries(20):
        assert client.get(covenant_url(cy, "docx")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(minutes_url(meeting, "docx")).status_code == 200
