"""The cluster's year-end report (báo cáo tổng kết): its context from the cluster year's data, the
DOCX and PDF rendered by the document service, the figures against hand-counted ones, and who may
have it.

The cluster follows seed 004: Cụm thi đua các tỉnh miền núi biên giới phía Bắc, organised by the
Central Council, here with three members in 2016: Lào Cai (head), Lạng Sơn (deputy), Sơn La. Each
province has a department (Sở) whose people are commended. Lào Cai is elected head for 2017.

Commendations decided in 2016 (revoked ones and other years do not count):
- Central, 20/4/2016: CO_CP Lạng Sơn (the member itself) · BK_TTG Sở Lào Cai (collective) ·
  BK_TTG Quàng Văn Sơn (Sở Sơn La) · HCLD3 Giàng Thị Mai (Sở Lào Cai).
- Lào Cai, 1/6/2016: BK_BO Giàng Thị Mai and Vàng A Páo · CO_BO Sở Lào Cai.
- Sơn La, 30/12/2016: BK_BO Sở Sơn La and Quàng Văn Sơn · BK_BO Lò Văn Ún, revoked.
- Lào Cai, 20/12/2016: LDTT Vàng A Páo.
- Not counted: Lạng Sơn 31/12/2015 BK_BO Hoàng Văn Thụ; Hà Nội 2016 BK_BO Nguyễn Văn Hà.
So: state 2 collectives and 2 individuals; ministry/province 2 and 3; grassroots 0 and 1.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx

from accounts.models import Role
from clusters.models import (
    ClusterYear,
    Covenant,
    CovenantCriterion,
    Meeting,
    Registration,
    ReportingPeriod,
    Submission,
    Target,
)
from clusters.services import cluster_create, cluster_year_open
from conftest import make_user
from documents import registry
from movements.services import movement_create
from orgs.models import Org
from orgs.services import org_create
from people.models import Category
from people.services import person_create
from register import services as register
from reports import yearend
from scoring.models import ScoringTable
from votes.models import Poll, Proposal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(content: bytes) -> str:
    """Every paragraph of a DOCX, tables (the header, the grids, the signatures) included."""
    doc = read_docx(BytesIO(content))
    lines = [p.text for p in doc.paragraphs]

    def cells(tables: Any) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(doc.tables)
    return "\n".join(lines)


@pytest.fixture
def cluster_2016(admin_user: Any, province: Any) -> dict[str, Any]:
    tw = Org.objects.get(code="TW-HDTDKT")
    lao_cai, lang_son, son_la, ha_noi = (province(c) for c in ("10", "20", "14", "01"))
    so = {
        p.code: org_create(
            actor=None,
            code=f"{p.code}.SNV",
            name=f"Sở Nội vụ {p.name.lower()}",
            kind="department",
            parent=p,
        )
        for p in (lao_cai, lang_son, son_la, ha_noi)
    }

    def person(name: str, unit: Org, gender: str = "M") -> Any:
        return person_create(
            actor=None,
            full_name=name,
            gender=gender,
            birth_year=1975,
            category=Category.STAFF,
            unit=unit,
        )

    mai = person("Giàng Thị Mai", so["10"], "F")
    pao = person("Vàng A Páo", so["10"])
    son = person("Quàng Văn Sơn", so["14"])
    un = person("Lò Văn Ún", so["14"])
    thu = person("Hoàng Văn Thụ", so["20"])
    ha = person("Nguyễn Văn Hà", so["01"])

    cluster = cluster_create(
        actor=admin_user,
        kind="cum",
        organiser=tw,
        code="CTD-MNBG",
        name="Cụm thi đua các tỉnh miền núi biên giới phía Bắc",
    )
    cy = cluster_year_open(
        actor=admin_user,
        cluster=cluster,
        year=2016,
        members=[lao_cai, lang_son, son_la],
        head=lao_cai,
        deputy=lang_son,
    )
    ClusterYear.objects.filter(pk=cy.pk).update(head=lao_cai, deputy=lang_son)
    cy.refresh_from_db()
    Meeting.objects.create(
        cluster_year=cy, kind="year_end", date=dt.date(2017, 3, 10), place="Sa Pa", host=lao_cai
    )

    def decision(number: str, day: dt.date, issuer: Org) -> Any:
        return register.decision_create(actor=admin_user, number=number, date=day, issuer=issuer)

    def add(d: Any, code: str, *, person: Any = None, org: Org | None = None) -> Any:
        return register.record_add(
            actor=admin_user, decision=d, code=code, year=d.date.year, person=person, org=org
        )

    d1 = decision("512/QĐ-TTg", dt.date(2016, 4, 20), tw)
    add(d1, "CO_CP", org=lang_son)
    add(d1, "BK_TTG", org=so["10"])
    add(d1, "BK_TTG", person=son)
    add(d1, "HCLD3", person=mai)
    d2 = decision("88/QĐ-UBND", dt.date(2016, 6, 1), lao_cai)
    add(d2, "BK_BO", person=mai)
    add(d2, "BK_BO", person=pao)
    add(d2, "CO_BO", org=so["10"])
    d3 = decision("1201/QĐ-UBND", dt.date(2016, 12, 30), son_la)
    add(d3, "BK_BO", org=so["14"])
    add(d3, "BK_BO", person=son)
    revoked = add(d3, "BK_BO", person=un)
    register.record_revoke(
        actor=admin_user,
        record=revoked,
        reason="Kê khai không đúng",
        decision_number="5/QĐ-UBND",
        decision_date=dt.date(2017, 2, 1),
    )
    d4 = decision("99/QĐ-UBND", dt.date(2016, 12, 20), lao_cai)
    add(d4, "LDTT", person=pao)
    add(decision("77/QĐ-UBND", dt.date(2015, 12, 31), lang_son), "BK_BO", person=thu)
    add(decision("66/QĐ-UBND", dt.date(2016, 5, 5), ha_noi), "BK_BO", person=ha)

    movement_create(
        actor=admin_user,
        launched_by=lao_cai,
        name="Lào Cai chung sức xây dựng nông thôn mới",
        kind="thematic",
        scope="ministry_or_province",
        start=dt.date(2016, 3, 1),
        decision_date=dt.date(2016, 2, 15),
        decision_number="KH-15",
    )
    national = movement_create(
        actor=admin_user,
        launched_by=tw,
        name="Cả nước chung sức xây dựng nông thôn mới",
        kind="regular",
        scope="national",
        start=dt.date(2011, 1, 1),
    )
    national.clusters.add(cluster)
    movement_create(
        actor=admin_user,
        launched_by=lao_cai,
        name="Thi đua năm 2015",
        kind="regular",
        scope="ministry_or_province",
        start=dt.date(2015, 1, 1),
        end=dt.date(2015, 12, 31),
    )

    covenant = Covenant.objects.create(
        cluster_year=cy,
        title="Giao ước thi đua năm 2016",
        status="signed",
        signed_on=dt.date(2016, 3, 15),
    )
    CovenantCriterion.objects.create(
        covenant=covenant, position=1, text="Thu ngân sách đạt kế hoạch"
    )
    CovenantCriterion.objects.create(covenant=covenant, position=2, text="Giảm tỷ lệ hộ nghèo")
    reg = Registration.objects.create(
        covenant=covenant, org=lao_cai, status="accepted", titles=["CO_CP"]
    )
    Target.objects.create(
        registration=reg, position=1, name="Thu ngân sách", measure="tỷ đồng", value=6000
    )
    Target.objects.create(registration=reg, position=2, name="Hộ nghèo", measure="%", value=3)
    Registration.objects.create(covenant=covenant, org=lang_son, status="registered", titles=[])
    Registration.objects.create(covenant=covenant, org=son_la, status="draft", titles=[])

    ScoringTable.objects.create(
        cluster_year=cy,
        title="Bảng chấm điểm thi đua năm 2016",
        status="locked",
        results={
            "rows": [
                {
                    "org_id": lang_son.pk,
                    "name": lang_son.name,
                    "rank": 1,
                    "total": "95.50",
                    "proposal": "flag",
                },
                {
                    "org_id": lao_cai.pk,
                    "name": lao_cai.name,
                    "rank": 2,
                    "total": "1090.25",
                    "proposal": "certificate",
                },
                {
                    "org_id": son_la.pk,
                    "name": son_la.name,
                    "rank": 3,
                    "total": "88.00",
                    "proposal": "",
                },
            ]
        },
        results_published_at=dt.datetime(2017, 2, 20, 3, 0, tzinfo=dt.UTC),
    )
    poll = Poll.objects.create(
        cluster_year=cy,
        question="Đề nghị khen thưởng năm 2016",
        purpose="flag",
        method="yes_no",
        electorate="units",
        status="published",
        receipt_key="k" * 64,
    )
    Proposal.objects.create(poll=poll, cluster_year=cy, org=lang_son, kind="flag")
    Proposal.objects.create(poll=poll, cluster_year=cy, org=lao_cai, kind="certificate")

    period = ReportingPeriod.objects.create(
        cluster_year=cy,
        kind="half",
        name="Sáu tháng đầu năm 2016",
        start=dt.date(2016, 1, 1),
        end=dt.date(2016, 6, 30),
        due=dt.date(2016, 7, 10),
    )
    for org, day in ((lao_cai, dt.date(2016, 7, 5)), (lang_son, dt.date(2016, 7, 20))):
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        Submission.objects.create(
            period=period,
            org=org,
            file="reports/2016/bc.pdf",
            file_name="bc.pdf",
            submitted_at=at,
            updated_at=at,
        )

    cy_2017 = cluster_year_open(
        actor=admin_user, cluster=cluster, year=2017, head=lao_cai, deputy=son_la
    )
    ClusterYear.objects.filter(pk=cy_2017.pk).update(head=lao_cai, deputy=son_la)
    return {"cy": cy, "cy_2017": cy_2017, "cluster": cluster, "lao_cai": lao_cai, "tw": tw}


# --- the context -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_context_tells_the_clusters_year(cluster_2016: dict[str, Any]) -> None:
    c = yearend.yearend_context(cluster_2016["cy"])

    assert (c["cluster"], c["year"], c["next_year"]) == (
        "Cụm thi đua các tỉnh miền núi biên giới phía Bắc",
        "2016",
        "2017",
    )
    assert (c["head"], c["deputy"], c["n_members"]) == ("Tỉnh Lào Cai", "Tỉnh Lạng Sơn", "3")
    assert c["members"] == [
        {"stt": "1", "name": "Tỉnh Lào Cai", "role": "Cụm trưởng"},
        {"stt": "2", "name": "Tỉnh Lạng Sơn", "role": "Cụm phó"},
        {"stt": "3", "name": "Tỉnh Sơn La", "role": "Thành viên"},
    ]
    assert c["place_date"] == "Lào Cai, ngày 10 tháng 3 năm 2017"
    assert c["lead_text"] == "Năm 2016, Tỉnh Lào Cai là Cụm trưởng, Tỉnh Lạng Sơn là Cụm phó."
    assert (c["signer_title"], c["signer_name"]) == ("Cụm trưởng", "Tỉnh Lào Cai")
    assert c["number"] == "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-CTĐ"
    # Movements: Lào Cai's launched in 2016; the national one the cluster joined.
    assert [m["name"] for m in c["movements_launched"]] == [
        "Lào Cai chung sức xây dựng nông thôn mới"
    ]
    assert c["movements_launched"][0]["date"] == "15/02/2016"
    assert [m["name"] for m in c["movements_joined"]] == [
        "Cả nước chung sức xây dựng nông thôn mới"
    ]
    # Covenant.
    assert (c["covenant_signed"], c["n_criteria"], c["n_registrations"]) == (
        "ngày 15 tháng 3 năm 2016",
        "2",
        "2",
    )
    assert c["registrations"] == [
        {
            "stt": "1",
            "name": "Tỉnh Lào Cai",
            "status": "đã chấp thuận",
            "titles": "Cờ thi đua của Chính phủ",
            "n_targets": "2",
        },
        {
            "stt": "2",
            "name": "Tỉnh Lạng Sơn",
            "status": "đã đăng ký, chờ xem xét",
            "titles": "—",
            "n_targets": "0",
        },
        {
            "stt": "3",
            "name": "Tỉnh Sơn La",
            "status": "đang chuẩn bị",
            "titles": "—",
            "n_targets": "0",
        },
    ]
    # Results and the vote.
    assert c["results"] == [
        {
            "rank": "1",
            "name": "Tỉnh Lạng Sơn",
            "total": "95,5",
            "proposal": "đề nghị tặng Cờ thi đua của Chính phủ",
        },
        {
            "rank": "2",
            "name": "Tỉnh Lào Cai",
            "total": "1.090,25",
            "proposal": "đề nghị tặng Bằng khen của Thủ tướng Chính phủ",
        },
        {"rank": "3", "name": "Tỉnh Sơn La", "total": "88", "proposal": "—"},
    ]
    assert c["proposals_text"] == (
        "Qua bình xét, bỏ phiếu: Tỉnh Lạng Sơn được đề nghị tặng Cờ thi đua của Chính phủ; "
        "Tỉnh Lào Cai được đề nghị tặng Bằng khen của Thủ tướng Chính phủ."
    )
    assert (
        c["next_text"]
        == "Tỉnh Lào Cai được suy tôn là Cụm trưởng năm 2017, Tỉnh Sơn La là Cụm phó."
    )
    assert c["late_text"] == (
        "Trong 1 kỳ báo cáo, một số đơn vị gửi báo cáo chậm: Tỉnh Lạng Sơn (1 kỳ); "
        "chưa gửi báo cáo: Tỉnh Sơn La (1 kỳ)."
    )


@pytest.mark.django_db
def test_the_figures_count_the_members_commendations_by_level_and_subject(
    cluster_2016: dict[str, Any],
) -> None:
    c = yearend.yearend_context(cluster_2016["cy"])

    assert (c["state_collectives"], c["state_individuals"]) == ("2", "2")
    assert (c["province_collectives"], c["province_individuals"]) == ("2", "3")
    assert (c["grassroots_collectives"], c["grassroots_individuals"]) == ("0", "1")
    assert c["awards_text"] == (
        "Năm 2016, 2 tập thể và 2 cá nhân thuộc các đơn vị trong Cụm đã được Chủ tịch nước, "
        "Thủ tướng Chính phủ khen thưởng; 2 tập thể và 3 cá nhân được khen thưởng cấp bộ, ngành, "
        "tỉnh; 0 tập thể và 1 cá nhân được khen thưởng cấp cơ sở."
    )
    assert [
        (
            a["name"],
            a["state_collectives"],
            a["state_individuals"],
            a["province_collectives"],
            a["province_individuals"],
        )
        for a in c["awards"]
    ] == [
        ("Tỉnh Lào Cai", "1", "1", "1", "2"),
        ("Tỉnh Lạng Sơn", "1", "0", "0", "0"),
        ("Tỉnh Sơn La", "0", "1", "1", "1"),
    ]
    assert c["member_awards"] == [
        {
            "unit": "Tỉnh Lạng Sơn",
            "award": "Cờ thi đua của Chính phủ",
            "decision": "Quyết định số 512/QĐ-TTg ngày 20/04/2016",
        }
    ]


@pytest.mark.django_db
def test_the_context_holds_every_registered_field(cluster_2016: dict[str, Any]) -> None:
    c = yearend.yearend_context(cluster_2016["cy"])
    kind = registry.get("cluster_yearend")

    assert set(c) == set(kind.field_keys)
    for f in kind.fields:
        if f.is_list:
            assert all(set(row) == {ch.key for ch in f.children} for row in c[f.key]), f.key
        else:
            assert isinstance(c[f.key], str) and c[f.key], f.key


# --- the documents ------------------------------------------------------------------------------------


def _no_gaps(text: str) -> None:
    assert "{{" not in text and "{%" not in text
    assert "None" not in text


@pytest.mark.django_db
def test_the_docx_reads_as_the_years_report(cluster_2016: dict[str, Any], as_user: Any) -> None:
    cluster = cluster_2016["cluster"]

    response = as_user("admin_user").get(
        reverse("reports:cluster-yearend", args=[cluster.pk, 2016])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-tong-ket-Cum-thi-dua-cac-tinh-mien-nui-bien-gioi-phia-Bac-2016.docx"'
    )
    text = docx_text(response.content)
    _no_gaps(text)
    for line in (
        "CỤM THI ĐUA CÁC TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC",
        "BÁO CÁO",
        "Tổng kết công tác thi đua, khen thưởng năm 2016 và phương hướng, nhiệm vụ năm 2017",
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. TỒN TẠI, HẠN CHẾ",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2017",
        "Lào Cai, ngày 10 tháng 3 năm 2017",
        "Năm 2016, 2 tập thể và 2 cá nhân thuộc các đơn vị trong Cụm đã được Chủ tịch nước, "
        "Thủ tướng Chính phủ khen thưởng; 2 tập thể và 3 cá nhân được khen thưởng cấp bộ, ngành, "
        "tỉnh; 0 tập thể và 1 cá nhân được khen thưởng cấp cơ sở.",
        "Tỉnh Lào Cai được suy tôn là Cụm trưởng năm 2017, Tỉnh Sơn La là Cụm phó.",
        "CỤM TRƯỞNG\n(Ký, ghi rõ họ tên, đóng dấu)",
        "Lào Cai chung sức xây dựng nông thôn mới",
        "1.090,25",
    ):
        assert line in text, line
    # The head unit's leader signs and writes their own name: no unit where a name goes.
    assert text.rstrip().endswith("CỤM TRƯỞNG\n(Ký, ghi rõ họ tên, đóng dấu)"), text[-200:]
    # III. is left for the officer: dotted lines between it and IV.
    part = text.split("III. TỒN TẠI, HẠN CHẾ")[1].split("IV. PHƯƠNG HƯỚNG")[0]
    assert part.strip().splitlines() == [yearend.DOTS] * 3


@pytest.mark.django_db
def test_the_pdf_is_laid_out_from_the_same_blocks(
    cluster_2016: dict[str, Any], as_user: Any
) -> None:
    from pypdf import PdfReader

    cluster = cluster_2016["cluster"]

    response = as_user("admin_user").get(
        reverse("reports:cluster-yearend-pdf", args=[cluster.pk, 2016])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "TỒN TẠI, HẠN CHẾ" in text
    assert "Tỉnh Lạng Sơn" in text


@pytest.mark.django_db
def test_a_year_with_nothing_recorded_still_reads_without_gaps(
    cluster_2016: dict[str, Any], as_user: Any
) -> None:
    cluster = cluster_2016["cluster"]

    response = as_user("admin_user").get(
        reverse("reports:cluster-yearend", args=[cluster.pk, 2017])
    )

    assert response.status_code == 200
    text = docx_text(response.content)
    _no_gaps(text)
    assert "Kết quả chấm điểm, xếp hạng thi đua năm 2017 chưa được công bố." in text
    assert "Cụm trưởng, Cụm phó năm 2018 chưa được bầu." in text
    assert "Lào Cai, ngày      tháng      năm 2018" in text


# --- who may --------------------------------------------------------------------------------------------


@pytest.fixture
def secretariat_lao_cai(cluster_2016: dict[str, Any]) -> Any:
    return make_user("thuky.laocai", Role.SECRETARIAT, cluster_2016["lao_cai"])


@pytest.fixture
def officer_tw(cluster_2016: dict[str, Any]) -> Any:
    return make_user("canbo.tw", Role.OFFICER, cluster_2016["tw"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "year", "status"),
    [
        ("admin_user", 2016, 200),
        ("officer_tw", 2016, 200),  # the organising council's officer
        ("secretariat_lao_cai", 2017, 200),  # the head unit runs the current year
        ("secretariat_lao_cai", 2016, 403),  # … not last year's any more
        ("officer_thai_nguyen", 2016, 403),
        ("secretariat_bac_giang", 2016, 403),
        ("member_bac_kan", 2016, 403),
        ("viewer_bac_giang", 2016, 403),
        ("council_member", 2016, 403),
        ("outsider", 2016, 403),
    ],
)
def test_who_may_have_the_report(
    cluster_2016: dict[str, Any], as_user: Any, persona: str, year: int, status: int
) -> None:
    client = as_user(persona)
    cluster = cluster_2016["cluster"]

    for name in ("reports:cluster-yearend", "reports:cluster-yearend-pdf"):
        response = client.get(reverse(name, args=[cluster.pk, year]))
        assert response.status_code == status, name


@pytest.mark.django_db
def test_a_year_that_is_not_open_is_not_found(cluster_2016: dict[str, Any], as_user: Any) -> None:
    response = as_user("admin_user").get(
        reverse("reports:cluster-yearend", args=[cluster_2016["cluster"].pk, 2015])
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_page_reads_a_bounded_number_of_queries(
    cluster_2016: dict[str, Any], as_user: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user("admin_user")
    url = reverse("reports:cluster-yearend", args=[cluster_2016["cluster"].pk, 2016])

    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_the_built_in_layout_takes_the_example_context() -> None:
    kind = registry.get("cluster_yearend")

    document = kind.build(kind.example_context())

    text = document.text()
    assert "Năm 2016, 247 tập thể và 562 cá nhân" in text
    _no_gaps(text)


@pytest.mark.django_db
def test_a_year_without_a_head_says_so_without_gaps(cluster_2016: dict[str, Any]) -> None:
    cy = cluster_2016["cy_2017"]
    ClusterYear.objects.filter(pk=cy.pk).update(head=None, deputy=None)

    context = yearend.yearend_context(cy)
    text = yearend.build(context).text()

    _no_gaps(text)
    # The header names the cluster alone as the issuing body.
    assert text.splitlines()[0].startswith("CỤM THI ĐUA CÁC TỈNH MIỀN NÚI BIÊN GIỚI PHÍA BẮC | Số:")
    assert "Năm 2017, Cụm chưa có Cụm trưởng, Cụm phó." in text
    assert "TM. CỤM THI ĐUA" in text
    assert "CHƯA CÓ" not in text
    assert "Ngày      tháng      năm 2018" in text


@pytest.mark.django_db
def test_proposals_by_rank_without_a_recorded_vote_are_told_as_such(
    cluster_2016: dict[str, Any],
) -> None:
    """The ranking's column proposes by rank; with no vote recorded, the report says the vote is
    still to be recorded rather than that nobody was proposed."""
    Proposal.objects.filter(cluster_year=cluster_2016["cy"]).delete()

    c = yearend.yearend_context(cluster_2016["cy"])

    assert c["results"][0]["proposal"] == "đề nghị tặng Cờ thi đua của Chính phủ"
    assert c["proposals_text"] == (
        "Đề nghị trong bảng trên là theo thứ hạng; kết quả bình xét, bỏ phiếu đề nghị "
        "khen thưởng chưa được ghi nhận."
    )
    assert (c["proposals_flag"], c["proposals_certificate"]) == ("—", "—")


@pytest.mark.parametrize(
    ("launched", "joined", "sentence"),
    [
        (
            "4",
            "1",
            "Trong năm, các đơn vị thành viên đã phát động 4 phong trào thi đua và tham gia 1 "
            "phong trào thi đua khác.",
        ),
        ("2", "0", "Trong năm, các đơn vị thành viên đã phát động 2 phong trào thi đua."),
        (
            "0",
            "3",
            "Trong năm, các đơn vị thành viên tham gia 3 phong trào thi đua; chưa ghi nhận phong "
            "trào do các đơn vị thành viên phát động.",
        ),
        (
            "0",
            "0",
            "Trong năm, chưa ghi nhận phong trào thi đua do các đơn vị thành viên phát động hoặc "
            "tham gia.",
        ),
    ],
)
def test_the_movements_sentence_never_counts_zero(
    launched: str, joined: str, sentence: str
) -> None:
    assert yearend._movements_text(launched, joined) == sentence
