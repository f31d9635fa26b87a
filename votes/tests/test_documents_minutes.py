"""The vote-count minutes (biên bản kiểm phiếu) through the document service: the context as plain
Vietnamese text, the DOCX and the PDF read back (python-docx, pypdf), the starting template, the
head unit's own template, who may have them (nobody else gets anything made) and the queries.

The cluster (organised by the central council) is headed in 2015 by Bắc Giang ("24", the
secretariat persona's province) with Bắc Kạn ("06") and Thái Nguyên ("19"). At the year-end
meeting of 10/12/2015 the members vote on paper for the Government's flag: Bắc Giang 2, Thái
Nguyên 1, counted by Nguyễn Văn An and Trần Thị Bình.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document as open_docx
from pypdf import PdfReader

from accounts.models import Role, User
from clusters.models import ClusterYear, Meeting
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_create,
)
from conftest import make_user
from core.text import number_text
from documents import registry, starters, templating
from documents import services as document_services
from orgs.models import Org
from votes import minutes, services, views
from votes.models import Method, Poll

CODES = ("24", "06", "19")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUESTION = "Đề nghị tặng Cờ thi đua của Chính phủ năm 2015"


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year(province: Any) -> ClusterYear:
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-7",
        name="Cụm thi đua 7 tỉnh",
    )
    members = [province(code) for code in CODES]
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB",
        decision_date=dt.date(2015, 1, 20),
    )


@pytest.fixture
def meeting(year: ClusterYear) -> Meeting:
    return meeting_create(
        actor=None,
        cluster_year=year,
        kind="year_end",
        date=dt.date(2015, 12, 10),
        place="Hội trường UBND tỉnh Bắc Giang",
    )


def candidate(poll: Poll, code: str) -> str:
    return next(c.key for c in poll.candidates.select_related("org") if c.org.code == code)  # type: ignore[union-attr]


@pytest.fixture
def poll(meeting: Meeting, secretariat_bac_giang: User) -> Poll:
    """The paper vote, counted and closed (not yet published)."""
    poll = services.poll_create(
        actor=secretariat_bac_giang,
        question=QUESTION,
        purpose="flag",
        method="plurality",
        seats=1,
        secret=True,
        candidates=[{"org": Org.objects.get(code=c)} for c in CODES],
        meeting=meeting,
    )
    k24, k19 = candidate(poll, "24"), candidate(poll, "19")
    return services.paper_record(
        actor=secretariat_bac_giang,
        poll=poll,
        committee="Nguyễn Văn An\nTrần Thị Bình",
        ballots_issued=3,
        ballots=[{"choice": k24}, {"choice": k24}, {"choice": k19}],
    )


def url(poll: Poll, fmt: str) -> str:
    return reverse("votes:minutes", args=[poll.pk, fmt])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_lines(content: bytes) -> list[str]:
    """Every paragraph of a DOCX, the tables' cells included, one a line."""
    doc = open_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return lines


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def assert_filled(text: str) -> None:
    for gap in ("{{", "{%", "}}", "None", "\u27e6"):
        assert gap not in text, gap


# --- the context ------------------------------------------------------------------------------------


def test_the_context_is_plain_vietnamese_text(poll: Poll) -> None:
    poll = Poll.objects.get(pk=poll.pk)
    with translation.override("vi"):
        method = str(Method.PLURALITY.label)
        meeting_kind = str(Meeting.objects.get().get_kind_display())

    context = minutes.vote_minutes_context(poll)

    assert context == {
        "poll_id": str(poll.pk),
        "issuer": "Tỉnh Bắc Giang",
        "place_date": "Bắc Giang, ngày 10 tháng 12 năm 2015",
        "question": QUESTION,
        "meeting": f"Hội nghị: {meeting_kind} ngày 10/12/2015, tại Hội trường UBND tỉnh Bắc "
        "Giang — Cụm thi đua 7 tỉnh năm 2015.",
        "ballot_form": "bỏ phiếu kín, phiếu giấy",
        "method": method,
        "committee": "Nguyễn Văn An; Trần Thị Bình",
        "committee_names": "Nguyễn Văn An\nTrần Thị Bình",
        "eligible": "3",
        "issued": "3",
        "cast": "3",
        "valid": "3",
        "invalid": "0",
        "blank": "0",
        "rows": [
            {"rank": "1", "label": "Tỉnh Bắc Giang", "figure": "2", "elected": "Có"},
            {"rank": "2", "label": "Tỉnh Thái Nguyên", "figure": "1", "elected": "—"},
            {"rank": "3", "label": "Tỉnh Bắc Kạn", "figure": "0", "elected": "—"},
        ],
        "result": "Kết quả: Tỉnh Bắc Giang.",
        "explanation": poll.result["explanation"],  # type: ignore[index]
    }
    assert context["explanation"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (7, "7"), (1234, "1.234"), (1234567, "1.234.567"), (12.5, "12,5"), (None, "0")],
)
def test_counts_are_written_the_vietnamese_way(value: Any, text: str) -> None:
    assert number_text(value) == text


def test_a_council_poll_is_issued_by_the_council_in_the_capital(db: Any) -> None:
    council = Org.objects.get(code="TW-HDTDKT")
    poll = Poll.objects.create(
        council=council,
        question="Hiệp thương danh hiệu Chiến sĩ thi đua toàn quốc",
        purpose="dossier",
        method="yes_no",
        electorate="council",
        status="published",
        closed_at=dt.datetime(2025, 11, 4, 3, 0, tzinfo=dt.UTC),
        result={
            "labels": {"a": "Nguyễn Thị Lan"},
            "results": [
                {"candidate": "a", "rank": 1, "yes": 9, "no": 1, "abstain": 0, "elected": True}
            ],
            "winners": ["a"],
            "ties": [],
            "ballots_cast": 10,
            "valid": 10,
            "invalid": 0,
            "blank": 0,
        },
    )

    context = minutes.vote_minutes_context(poll)

    assert minutes.issuing_org(poll) == council
    assert (context["issuer"], context["place_date"], context["meeting"]) == (
        council.name,
        "Hà Nội, ngày 04 tháng 11 năm 2025",
        "",
    )
    assert context["rows"][0]["figure"] == "Đồng ý 9, không đồng ý 1, không biểu quyết 0"
    assert context["explanation"] == ""


# --- the files ----------------------------------------------------------------------------------------


def test_the_docx_carries_the_count_in_the_decree_30_layout(
    poll: Poll, secretariat_bac_giang: User
) -> None:
    response = signed_in(secretariat_bac_giang).get(url(poll, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="bien-ban-kiem-phieu-{poll.pk}.docx"'
    )
    lines = docx_lines(response.content)
    for line in (
        "TỈNH BẮC GIANG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Giang, ngày 10 tháng 12 năm 2015",
        "BIÊN BẢN KIỂM PHIẾU",
        QUESTION,
        "Tổ kiểm phiếu: Nguyễn Văn An; Trần Thị Bình.",
        "Số người (đơn vị) có quyền biểu quyết: 3; số phiếu phát ra: 3; số phiếu thu về: 3; "
        "hợp lệ: 3; không hợp lệ: 0; phiếu trắng: 0.",
        "Tỉnh Bắc Giang",
        "Kết quả: Tỉnh Bắc Giang.",
        "TỔ KIỂM PHIẾU",
        "CHỦ TRÌ HỘI NGHỊ",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ):
        assert line in lines, line
    assert_filled("\n".join(lines))


def test_the_pdf_is_one_page_with_its_diacritics_intact(
    poll: Poll, secretariat_bac_giang: User
) -> None:
    response = signed_in(secretariat_bac_giang).get(url(poll, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'filename="bien-ban-kiem-phieu-{poll.pk}.pdf"')
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = " ".join(pages[0].split())
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN KIỂM PHIẾU",
        "Bắc Giang, ngày 10 tháng 12 năm 2015",
        "Kết quả: Tỉnh Bắc Giang.",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ):
        assert words in text, words
    assert_filled(text)


# --- templates ----------------------------------------------------------------------------------------


def test_the_starting_template_is_accepted_as_it_is(db: Any) -> None:
    kind = registry.get(minutes.KEY)

    templating.check(starters.starter(kind), kind)  # no error
    assert kind.build(kind.example_context()).filename == "bien-ban-kiem-phieu-12"


def own_template() -> bytes:
    doc = open_docx()
    doc.add_paragraph("MẪU RIÊNG: {{ question }} — {{ issuer }}")
    table = doc.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        (
            ["{%tr for item in rows %}", ""],
            ["{{ item.label }}", "{{ item.figure }}"],
            ["{%tr endfor %}", ""],
        ),
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_the_head_units_own_template_makes_its_minutes(
    poll: Poll, secretariat_bac_giang: User, bac_giang: Org
) -> None:
    officer = make_user("canbo.bacgiang", Role.OFFICER, bac_giang)
    document_services.template_upload(
        actor=officer,
        org=bac_giang,
        kind=minutes.KEY,
        upload=SimpleUploadedFile("mau.docx", own_template(), content_type=DOCX_TYPE),
    )
    client = signed_in(secretariat_bac_giang)

    lines = [line for line in docx_lines(client.get(url(poll, "docx")).content) if line]
    pdf = client.get(url(poll, "pdf"))

    assert lines == [
        f"MẪU RIÊNG: {QUESTION} — Tỉnh Bắc Giang",
        "Tỉnh Bắc Giang",
        "2",
        "Tỉnh Thái Nguyên",
        "1",
        "Tỉnh Bắc Kạn",
        "0",
    ]
    assert "MẪU RIÊNG" in pdf_pages(pdf.content)[0]


# --- who may ---------------------------------------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds the minutes' view asks the document service for."""
    asked: list[str] = []
    real = views.render_kind

    def render(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(views, "render_kind", render)
    return asked


@pytest.mark.parametrize("persona", ["viewer_bac_giang", "member_bac_kan", "outsider"])
def test_before_publication_only_those_who_run_the_poll_have_the_minutes(
    request: pytest.FixtureRequest, poll: Poll, persona: str, spy: list[str]
) -> None:
    client = signed_in(request.getfixturevalue(persona))

    for fmt in ("docx", "pdf"):
        assert client.get(url(poll, fmt)).status_code == 404

    assert spy == []


def test_once_published_a_member_has_them_and_a_stranger_still_not(
    poll: Poll, secretariat_bac_giang: User, viewer_bac_giang: User, outsider: User, spy: list[str]
) -> None:
    services.poll_publish(actor=secretariat_bac_giang, poll=poll)

    assert signed_in(outsider).get(url(poll, "docx")).status_code == 404
    assert spy == []
    assert signed_in(viewer_bac_giang).get(url(poll, "docx")).status_code == 200
    assert spy == [minutes.KEY]


def test_the_download_reads_a_bounded_number_of_queries(
    poll: Poll, secretariat_bac_giang: User, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(secretariat_bac_giang)

    with django_assert_max_num_queries(14):
        assert client.get(url(poll, "docx")).status_code == 200
