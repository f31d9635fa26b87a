"""A dossier's generated documents: the submission letter and the achievement reports, as DOCX in
the layout of Decree 30/2020, read back with python-docx: the national title and motto, the titles,
every field from the dossier and the register, Vietnamese diacritics intact, Times New Roman on A4.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from accounts.models import User
from core import decree30
from dossiers import documents, services
from dossiers.models import DocumentKind, Dossier, DossierRecipient
from orgs.models import Org
from orgs.services import org_create
from people.models import Person
from register import services as register
from votes import rules as vote_rules
from votes.models import Poll

PDF = b"%PDF-1.4\n% a scanned page\n"


def text_of(content: bytes) -> str:
    """Every paragraph of the document, tables included, one a line, in reading order."""
    body = Document(io.BytesIO(content)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def decision(actor: User, issuer: Org, number: str, day: dt.date) -> Any:
    return register.decision_create(actor=actor, number=number, date=day, issuer=issuer)


@pytest.fixture
def lan_dossier(
    officer_thai_nguyen: User,
    thai_nguyen: Org,
    snv_thai_nguyen: Org,
    person_thai_nguyen: Person,
) -> tuple[Dossier, DossierRecipient]:
    """Sở Nội vụ Thái Nguyên proposes Nguyễn Thị Lan as Chiến sĩ thi đua cơ sở for 2025, on a
    paper vote, with her initiative and her history in the register."""
    officer, lan = officer_thai_nguyen, person_thai_nguyen
    old = decision(officer, thai_nguyen, "15/QĐ-UBND", dt.date(2024, 12, 20))
    register.record_add(actor=officer, decision=old, code="LDTT", year=2024, person=lan)
    register.record_add(actor=officer, decision=old, code="GK", year=2024, person=lan)
    wrong = register.record_add(actor=officer, decision=old, code="CSTD_CS", year=2024, person=lan)
    register.record_revoke(
        actor=officer,
        record=wrong,
        reason="Hồ sơ kê khai sai thành tích",
        decision_number="3/QĐ-UBND",
        decision_date=dt.date(2025, 3, 2),
    )
    register.ratings_save(actor=officer, org=snv_thai_nguyen, year=2024, rows=[(lan, "HTXSNV", "")])
    initiative = register.initiative_create(
        actor=officer,
        code="SK-2025-07",
        title="Số hóa hồ sơ thi đua, khen thưởng của Sở",
        kind="sang_kien",
        recognised_by=snv_thai_nguyen,
        recognised_on=dt.date(2025, 11, 3),
        scope="CO_SO",
        authors=[lan],
    )
    dossier = services.dossier_create(
        actor=officer,
        proposer=snv_thai_nguyen,
        receiver=thai_nguyen,
        level="co_so",
        code="CSTD_CS",
        year=2025,
        vote_note="7/7 phiếu đồng ý",
    )
    recipient = services.recipient_add(
        actor=officer,
        dossier=dossier,
        person=lan,
        duties="Chuyên viên phụ trách công tác thi đua, khen thưởng của Sở.",
        achievements="Hoàn thành xuất sắc nhiệm vụ năm 2025.\nChủ trì số hóa 1.200 hồ sơ.",
        public_summary="Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ thi đua.",
        initiatives=[initiative],
    )
    services.document_add_bytes(
        actor=officer,
        dossier=dossier,
        kind=DocumentKind.BIEN_BAN_BINH_XET,
        name="bien-ban-binh-xet.pdf",
        content=PDF,
    )
    services.document_add_bytes(
        actor=officer,
        dossier=dossier,
        kind=DocumentKind.BAO_CAO_THANH_TICH,
        name="bao-cao.pdf",
        content=PDF,
        recipient=recipient,
    )
    return dossier, recipient


# --- the submission letter -------------------------------------------------------------------------


def test_the_letter_carries_the_dossier_in_the_decree_30_layout(
    lan_dossier: tuple[Dossier, DossierRecipient],
) -> None:
    dossier, _recipient = lan_dossier

    text = text_of(documents.submission_letter(dossier, day=dt.date(2026, 2, 5)))

    for line in (
        "UBND TỈNH THÁI NGUYÊN",
        "SỞ NỘI VỤ",
        "Số:        /TTr-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 05 tháng 02 năm 2026",
        "TỜ TRÌNH",
        "Về việc đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2025",
        "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên.",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "Căn cứ kết quả bình xét, bỏ phiếu: 7/7 phiếu đồng ý;",
        "Xét thành tích đạt được, Sở Nội vụ tỉnh Thái Nguyên đề nghị Ủy ban nhân dân tỉnh "
        "Thái Nguyên xét, tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2025 cho 1 cá nhân, cụ thể như sau:",
        "Nguyễn Thị Lan",
        "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
        "Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ thi đua.",
        "Hồ sơ kèm theo gồm:",
        "- Báo cáo thành tích: Nguyễn Thị Lan;",
        "- Biên bản họp bình xét;",
        "Sở Nội vụ tỉnh Thái Nguyên kính đề nghị Ủy ban nhân dân tỉnh Thái Nguyên xem xét, "
        "quyết định./.",
        "Nơi nhận:",
        "- Lưu: VT, SNV.",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert line in text.splitlines(), line
    assert "Nghị định số 152/2025/NĐ-CP" in text
    assert text.index("CỘNG HÒA") < text.index("TỜ TRÌNH") < text.index("Nơi nhận:")
    assert "Căn cứ kết quả bỏ phiếu" not in text  # no poll linked


def test_the_letter_leaves_the_number_and_day_for_the_clerk(
    lan_dossier: tuple[Dossier, DossierRecipient],
) -> None:
    dossier, _recipient = lan_dossier
    year = timezone.localdate().year

    text = text_of(documents.submission_letter(dossier))

    assert f"Thái Nguyên, ngày      tháng      năm {year}" in text.splitlines()


def test_the_letter_names_the_supporting_vote_and_the_cluster_result(
    lan_dossier: tuple[Dossier, DossierRecipient], officer_thai_nguyen: User
) -> None:
    dossier, _recipient = lan_dossier
    result = vote_rules.tally(
        {
            "method": "yes_no",
            "candidates": ["lan"],
            "seats": 1,
            "eligible_voters": 3,
            "ballots": [{"choices": {"lan": "yes"}}] * 2 + [{"choices": {"lan": "no"}}],
        }
    )
    result["labels"] = {"lan": "Nguyễn Thị Lan"}
    poll = Poll.objects.create(
        council=Org.objects.get(code="TW-HDTDKT"),
        question="Đề nghị Chiến sĩ thi đua cơ sở năm 2025",
        purpose="dossier",
        method="yes_no",
        electorate="council",
        status="published",
        result=result,
    )
    services.dossier_update(
        actor=officer_thai_nguyen, dossier=dossier, version=dossier.version, poll=poll
    )

    text = text_of(documents.submission_letter(dossier))

    assert (
        "Căn cứ kết quả bỏ phiếu “Đề nghị Chiến sĩ thi đua cơ sở năm 2025” (3 phiếu thu về, "
        "3 hợp lệ): Nguyễn Thị Lan: 2 phiếu đồng ý, 1 phiếu không đồng ý; đạt: Nguyễn Thị Lan;"
    ) in text.splitlines()


def test_the_letter_is_times_new_roman_on_a4(
    lan_dossier: tuple[Dossier, DossierRecipient],
) -> None:
    dossier, _recipient = lan_dossier

    doc = Document(io.BytesIO(documents.submission_letter(dossier)))

    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"  # type: ignore[attr-defined]
    assert normal.font.size.pt == 13  # type: ignore[attr-defined]
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "Times New Roman"
    assert {f.get(qn("w:ascii")) for f in doc.element.body.iter(qn("w:rFonts"))} <= {
        None,
        "Times New Roman",
    }
    section = doc.sections[0]
    page = (section.page_width, section.page_height, section.left_margin, section.top_margin)
    assert [round(length.cm, 1) if length is not None else None for length in page] == [
        21.0,
        29.7,
        3.0,
        2.0,
    ]
    header = doc.tables[0]
    runs = [r for p in header.cell(0, 1).paragraphs for r in p.runs]
    assert [(r.text, r.bold, r.italic, r.font.size.pt) for r in runs] == [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, None, 12),
        ("Độc lập - Tự do - Hạnh phúc", True, None, 13),
    ]
    assert [r.text for r in header.cell(0, 0).paragraphs[1].runs] == ["SỞ NỘI VỤ"]
    assert header.cell(0, 0).paragraphs[1].runs[0].bold is True
    assert header.cell(1, 1).paragraphs[0].runs[0].italic is True  # place and date
    assert header.cell(1, 0).paragraphs[0].text.startswith("Số:")


# --- the achievement report ------------------------------------------------------------------------


def test_an_individuals_report_has_her_profile_achievements_and_register_history(
    lan_dossier: tuple[Dossier, DossierRecipient],
) -> None:
    _dossier, recipient = lan_dossier

    text = text_of(documents.achievement_report(recipient, day=dt.date(2026, 1, 15)))
    lines = text.splitlines()

    for line in (
        "SỞ NỘI VỤ",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 15 tháng 01 năm 2026",
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2025",
        "Bà Nguyễn Thị Lan, Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Họ và tên: Nguyễn Thị Lan",
        "- Năm sinh: 1985",
        "- Giới tính: Nữ",
        "- Dân tộc: Tày",
        "- Chức vụ: Chuyên viên",
        "- Đơn vị công tác: Sở Nội vụ tỉnh Thái Nguyên",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "1. Quyền hạn, nhiệm vụ được giao:",
        "Chuyên viên phụ trách công tác thi đua, khen thưởng của Sở.",
        "2. Thành tích đạt được:",
        "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        "Chủ trì số hóa 1.200 hồ sơ.",
        "3. Sáng kiến, đề tài làm căn cứ đề nghị:",
        "SK-2025-07",
        "Số hóa hồ sơ thi đua, khen thưởng của Sở",
        "cấp cơ sở",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "1. Danh hiệu thi đua:",
        "Lao động tiên tiến",
        "2. Hình thức khen thưởng:",
        "Giấy khen",
        "Quyết định số 15/QĐ-UBND ngày 20/12/2024 của Ủy ban nhân dân tỉnh Thái Nguyên",
        "3. Xếp loại chất lượng từ năm 2021 đến năm 2025:",
        "Hoàn thành xuất sắc nhiệm vụ",
        "THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        "(Ký, ghi rõ họ và tên)",
    ):
        assert line in lines, line
    # The titles table holds the LĐTT, the forms table the Giấy khen; the revoked CSTĐ is left out.
    titles = text[text.index("1. Danh hiệu thi đua:") : text.index("2. Hình thức khen thưởng:")]
    forms = text[text.index("2. Hình thức khen thưởng:") : text.index("3. Xếp loại")]
    assert "Lao động tiên tiến" in titles and "Giấy khen" not in titles
    assert "Giấy khen" in forms and "Lao động tiên tiến" not in forms
    assert "Chiến sĩ thi đua cơ sở" not in text[text.index("III.") :]
    assert lines.count("Nguyễn Thị Lan") == 1  # her name under her signature
    assert "019185000123" not in text  # the ID number is not part of the report


def test_a_units_report_includes_the_records_of_the_units_merged_into_it(
    officer_thai_nguyen: User,
    thai_nguyen: Org,
    bac_kan: Org,
    snv_thai_nguyen: Org,
    snv_bac_kan: Org,
) -> None:
    officer = officer_thai_nguyen
    own = decision(officer, thai_nguyen, "20/QĐ-UBND", dt.date(2025, 1, 10))
    register.record_add(actor=officer, decision=own, code="TTLDTT", year=2024, org=snv_thai_nguyen)
    merged = decision(officer, bac_kan, "8/QĐ-UBND", dt.date(2024, 1, 12))
    register.record_add(actor=officer, decision=merged, code="TTLDTT", year=2023, org=snv_bac_kan)
    register.unit_rating_save(actor=officer, org=snv_thai_nguyen, year=2024, rating="HTTNV")
    department = org_create(
        actor=None,
        code="19.SNV.TDKT",
        name="Phòng Thi đua - Khen thưởng",
        kind="other",
        parent=snv_thai_nguyen,
    )
    dossier = services.dossier_create(
        actor=officer,
        proposer=snv_thai_nguyen,
        receiver=thai_nguyen,
        level="co_so",
        code="TTLDTT",
        year=2025,
    )
    recipient = services.recipient_add(
        actor=officer,
        dossier=dossier,
        org=snv_thai_nguyen,
        duties="Tham mưu công tác tổ chức, cán bộ và thi đua, khen thưởng của tỉnh.",
        achievements="Hoàn thành 100% chỉ tiêu được giao.",
    )
    services.recipient_add(actor=officer, dossier=dossier, org=department)

    text = text_of(documents.achievement_report(recipient))
    letter = text_of(documents.submission_letter(dossier))

    for line in (
        "UBND TỈNH THÁI NGUYÊN",
        "SỞ NỘI VỤ",
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng danh hiệu Tập thể lao động tiên tiến năm 2025",
        "Sở Nội vụ tỉnh Thái Nguyên",
        "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        "- Tên đơn vị: Sở Nội vụ tỉnh Thái Nguyên",
        "- Đơn vị cấp trên: Tỉnh Thái Nguyên",
        "- Tiếp nhận từ (sáp nhập, đổi tên): Sở Nội vụ tỉnh Bắc Kạn",
        "Tham mưu công tác tổ chức, cán bộ và thi đua, khen thưởng của tỉnh.",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Hoàn thành 100% chỉ tiêu được giao.",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "Tập thể lao động tiên tiến",
        "Quyết định số 20/QĐ-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh Thái Nguyên",
        "Tập thể lao động tiên tiến (Sở Nội vụ tỉnh Bắc Kạn)",
        "Quyết định số 8/QĐ-UBND ngày 12/01/2024 của Ủy ban nhân dân tỉnh Bắc Kạn",
        "Hoàn thành tốt nhiệm vụ",
        "THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN XÁC NHẬN",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert line in text.splitlines(), line
    assert "cho 2 tập thể, cụ thể như sau:" in letter
    assert "Tên tập thể" in letter.splitlines()
    assert "Phòng Thi đua - Khen thưởng" in letter.splitlines()


# --- file names and the Decree 30 date --------------------------------------------------------------


def test_the_file_names_are_ascii(lan_dossier: tuple[Dossier, DossierRecipient]) -> None:
    dossier, recipient = lan_dossier

    assert documents.letter_filename(dossier) == f"to-trinh-{dossier.reference}.docx"
    assert (
        documents.report_filename(recipient)
        == f"bao-cao-thanh-tich-{dossier.reference}-nguyen-thi-lan.docx"
    )
    assert dossier.reference.startswith("HS-")


def test_a_generated_letter_can_be_attached_to_the_dossier(
    lan_dossier: tuple[Dossier, DossierRecipient], officer_thai_nguyen: User
) -> None:
    dossier, _recipient = lan_dossier

    doc = services.document_add_bytes(
        actor=officer_thai_nguyen,
        dossier=dossier,
        kind=DocumentKind.TO_TRINH,
        name=documents.letter_filename(dossier),
        content=documents.submission_letter(dossier),
        generated=True,
    )

    assert (doc.name, doc.generated, doc.size > 10_000) == (
        documents.letter_filename(dossier),
        True,
        True,
    )
    # The letter does not list itself among the documents attached.
    assert "- Tờ trình" not in text_of(documents.submission_letter(dossier))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2018, 5, 15), "ngày 15 tháng 5 năm 2018"),
        (dt.date(2025, 1, 1), "ngày 01 tháng 01 năm 2025"),
        (dt.date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
    ],
)
def test_dates_follow_decree_30(day: dt.date, expected: str) -> None:
    assert decree30.date_text(day) == expected
    assert decree30.place_date("Thái Nguyên", day) == f"Thái Nguyên, {expected}"


def test_a_unit_without_a_province_dates_its_documents_in_the_capital(db: Any) -> None:
    council = Org.objects.get(code="TW-HDTDKT")

    assert documents.place(council) == "Hà Nội"
    assert documents.issuing_body(council)[-1] == council.name
