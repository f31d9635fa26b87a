"""A dossier's generated documents, as DOCX from its data in the layout of Decree 30/2020: the
submission letter (tờ trình đề nghị khen thưởng) and each recipient's achievement report (báo cáo
thành tích, after the annex of Decree 152/2025/NĐ-CP). The officer edits them in Word or LibreOffice,
signs and attaches them (services.document_add_bytes).

The number and the day of the letter are left blank for the clerk who issues it (unless given);
the year is filled in. The documents are in Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone, translation
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from core import decree30
from core.text import fold
from dossiers import selectors
from dossiers.models import DocumentKind, Dossier, DossierRecipient
from orgs.models import Org, OrgKind

# The legal basis cited by every letter (domain.md §4: the law and the decree in force).
BASIS = (
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều "
    "của Luật Thi đua, khen thưởng;",
)
CAPITAL = "Hà Nội"  # the place of a central body's documents
RATING_YEARS = 5  # annual ratings shown in an individual's report: the dossier's year and before
GENDERS = {"M": "Nam", "F": "Nữ"}
EXTRA_KINDS = {
    DocumentKind.BIEN_BAN_BO_PHIEU: "Biên bản kiểm phiếu",
    DocumentKind.KHAC: "Tài liệu khác",
}


# --- names, places and file names --------------------------------------------------------------


def _own_name(org: Org) -> str:
    """The unit's name without its province when the province is the line above it
    ("Sở Nội vụ tỉnh Thái Nguyên" under "Tỉnh Thái Nguyên" → "Sở Nội vụ")."""
    parent = org.parent
    if parent is None:
        return org.name
    cut = len(org.name) - len(parent.name)
    if cut > 1 and org.name[cut - 1] == " " and fold(org.name[cut:]) == fold(parent.name):
        return org.name[: cut - 1]
    return org.name


def authority(org: Org) -> str:
    """The name a unit acts under: a province's is its People's Committee's
    ("Tỉnh Thái Nguyên" → "Ủy ban nhân dân tỉnh Thái Nguyên")."""
    if org.kind == OrgKind.PROVINCE:
        return f"Ủy ban nhân dân {org.name[:1].lower()}{org.name[1:]}"
    return org.name


def issuing_body(org: Org) -> list[str]:
    """The top-left lines of a document issued by `org`: its superior, then itself."""
    if org.kind == OrgKind.PROVINCE:
        return [authority(org)]
    parent = org.parent
    if parent is None:
        return [org.name]
    above = f"UBND {parent.name}" if parent.kind == OrgKind.PROVINCE else parent.name
    return [above, _own_name(org)]


def symbol(org: Org) -> str:
    """The issuing body's abbreviation in a number and symbol ("Sở Nội vụ" → "SNV")."""
    if org.kind == OrgKind.PROVINCE:
        return "UBND"
    words = [w for w in re.split(r"[\s,\-–]+", _own_name(org)) if w and w.lower() != "và"]
    return "".join(fold(w)[:1] for w in words).upper()[:12] or "DV"


def place(org: Org) -> str:
    """Where the unit's documents are dated: its province (short name), else the capital."""
    ids = [int(part) for part in org.path.strip("/").split("/") if part.isdigit()]
    provinces = sorted(
        Org.objects.filter(pk__in=ids or [org.pk], kind=OrgKind.PROVINCE),
        key=lambda o: len(o.path),
    )
    if not provinces:
        return CAPITAL
    province = provinces[-1]
    if province.short_name:
        return province.short_name
    return re.sub(r"^(Tỉnh|Thành phố)\s+", "", province.name)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def letter_filename(dossier: Dossier) -> str:
    """The letter's file name, e.g. "to-trinh-HS-2026-000012.docx"."""
    return f"to-trinh-{_safe(dossier.reference)}.docx"


def report_filename(recipient: DossierRecipient) -> str:
    """A report's file name, e.g. "bao-cao-thanh-tich-HS-2026-000012-nguyen-thi-lan.docx"."""
    name = _slug(recipient.name)[:60].strip("-") or str(recipient.pk)
    return f"bao-cao-thanh-tich-{_safe(recipient.dossier.reference)}-{name}.docx"


def _safe(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", fold(reference).upper()).strip("-")


# --- shared pieces -------------------------------------------------------------------------------


def _award(code: str) -> tuple[str, bool]:
    """The award's name, and whether it is a title (danh hiệu) rather than a form."""
    from register.models import Award
    from register.selectors import catalogue_name

    kind = Award.objects.filter(code=code).values_list("kind", flat=True).first()
    return catalogue_name(code), kind == "title"


def _award_phrase(code: str, year: int) -> str:
    """What is proposed, as the letter and the report say it: "danh hiệu Chiến sĩ thi đua cơ sở
    năm 2025", "Bằng khen cấp bộ, ban, ngành, tỉnh năm 2025"."""
    name, is_title = _award(code)
    return f"{'danh hiệu ' if is_title else ''}{name} năm {year}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _paragraphs(doc: DocxDocument, text: str, *, empty: str = "") -> None:
    lines = _lines(text) or ([empty] if empty else [])
    for line in lines:
        decree30.paragraph(doc, line)


def _year(day: dt.date | None) -> int:
    return day.year if day is not None else timezone.localdate().year


def _decision_text(record: Any) -> str:
    d = record.decision
    return f"Quyết định số {d.number} ngày {d.date:%d/%m/%Y} của {authority(d.issuer)}"


def _count_phrase(recipients: Sequence[DossierRecipient], individual: bool) -> str:
    people = sum(1 for r in recipients if r.person_id)
    units = len(recipients) - people
    parts = [f"{people} cá nhân" if people else "", f"{units} tập thể" if units else ""]
    return " và ".join(p for p in parts if p) or ("0 cá nhân" if individual else "0 tập thể")


# --- the submission letter ------------------------------------------------------------------------


def _vote_text(poll: Any) -> str:
    """The supporting vote in one sentence: the question, each candidate's figure, who passed."""
    from votes import minutes

    data = minutes.context(poll)
    figures = []
    for row in data["rows"]:
        if data["yes_no"]:
            figures.append(
                f"{row['label']}: {row['yes']} phiếu đồng ý, {row['no']} phiếu không đồng ý"
            )
        else:
            figures.append(f"{row['label']}: {row['score']}")
    winners = ", ".join(data["winners"]) or "không có"
    result = data["result"]
    return (
        f"Căn cứ kết quả bỏ phiếu “{poll.question}” ({result.get('ballots_cast', 0)} phiếu "
        f"thu về, {result.get('valid', 0)} hợp lệ): {'; '.join(figures)}; đạt: {winners};"
    )


def _document_lines(dossier: Dossier) -> list[str]:
    """The documents attached, by kind (the letter itself aside), recipients' ones named."""
    from register import catalogue

    names = {**catalogue.document_names(), **{str(k): v for k, v in EXTRA_KINDS.items()}}
    by_kind: dict[str, list[str]] = {}
    for doc in selectors.current_documents(dossier):
        if doc.kind == DocumentKind.TO_TRINH:
            continue
        if doc.recipient is not None and doc.recipient.removed_at is not None:
            continue
        by_kind.setdefault(doc.kind, []).append(doc.recipient.name if doc.recipient else "")
    lines = []
    for kind in DocumentKind.values:
        if kind not in by_kind:
            continue
        whose = [n for n in by_kind[kind] if n]
        label = names.get(kind, kind)
        lines.append(f"- {label}: {', '.join(whose)};" if whose else f"- {label};")
    return lines


def _recipient_row(index: int, r: DossierRecipient) -> list[str]:
    if r.person is not None:
        post = ", ".join(p for p in (r.person.position, r.person.unit.name) if p)
    else:
        post = r.org.parent.name if r.org is not None and r.org.parent is not None else ""
    summary = r.public_summary or " ".join(_lines(r.achievements))[:400]
    return [str(index), r.name, post, summary]


def submission_letter(dossier: Dossier, *, day: dt.date | None = None) -> bytes:
    """Tờ trình đề nghị khen thưởng: to the receiving level, the basis, the proposal, the list of
    recipients, the cluster result and the vote behind it, the documents attached."""
    with translation.override("vi"):
        return decree30.to_bytes(_letter(dossier, day))


def _letter(dossier: Dossier, day: dt.date | None) -> DocxDocument:
    dossier = Dossier.objects.select_related(
        "proposer__parent", "receiver", "cluster_year__cluster", "poll"
    ).get(pk=dossier.pk)
    proposer, receiver = authority(dossier.proposer), authority(dossier.receiver)
    recipients = list(selectors.active_recipients(dossier).select_related("org__parent"))
    award_name, is_title = _award(dossier.code)
    doc = decree30.new_document()
    decree30.header(
        doc,
        body=issuing_body(dossier.proposer),
        number=f"Số:        /TTr-{symbol(dossier.proposer)}",
        place_date_text=decree30.place_date(place(dossier.proposer), day, year=_year(day)),
    )
    decree30.title(
        doc, "Tờ trình", f"Về việc đề nghị tặng {_award_phrase(dossier.code, dossier.year)}"
    )
    decree30.paragraph(
        doc, f"Kính gửi: {receiver}.", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=14
    )
    basis = list(BASIS)
    if dossier.cluster_year is not None:
        cy = dossier.cluster_year
        basis.append(f"Căn cứ kết quả thi đua năm {cy.year} của {cy.cluster.name};")
    if dossier.poll is not None:
        basis.append(_vote_text(dossier.poll))
    if dossier.vote_note:
        basis.append(f"Căn cứ kết quả bình xét, bỏ phiếu: {dossier.vote_note.rstrip('.;')};")
    for line in basis:
        decree30.paragraph(doc, line, italic=True)
    individual = not recipients or recipients[0].person_id is not None
    decree30.paragraph(
        doc,
        f"Xét thành tích đạt được, {proposer} đề nghị {receiver} xét, tặng "
        f"{'danh hiệu ' if is_title else ''}{award_name} năm {dossier.year} cho "
        f"{_count_phrase(recipients, individual)}, cụ thể như sau:",
    )
    _paragraphs(doc, dossier.summary)
    decree30.grid(
        doc,
        [
            "STT",
            "Họ và tên" if individual else "Tên tập thể",
            "Chức vụ, đơn vị" if individual else "Đơn vị cấp trên",
            "Thành tích tóm tắt",
        ],
        [_recipient_row(i, r) for i, r in enumerate(recipients, start=1)],
        [Cm(1.2), Cm(4.2), Cm(4.3), Cm(6.3)],
    )
    documents = _document_lines(dossier)
    if documents:
        decree30.paragraph(doc, "Hồ sơ kèm theo gồm:").paragraph_format.keep_with_next = True
        for line in documents:
            decree30.paragraph(doc, line)
    decree30.paragraph(
        doc,
        f"{proposer} kính đề nghị {receiver} xem xét, quyết định./.",
    )
    decree30.signatures(
        doc,
        right=decree30.Signature("Thủ trưởng đơn vị"),
        recipients=["- Như trên;", f"- Lưu: VT, {symbol(dossier.proposer)}."],
    )
    return doc


# --- the achievement report -----------------------------------------------------------------------


def achievement_report(recipient: DossierRecipient, *, day: dt.date | None = None) -> bytes:
    """Báo cáo thành tích of one recipient (annex of Decree 152): the person's or unit's profile,
    their duties and achievements, the initiatives relied on, and what the register holds of them
    (titles and forms not revoked, annual ratings)."""
    with translation.override("vi"):
        return decree30.to_bytes(_report(recipient, day))


def _report(recipient: DossierRecipient, day: dt.date | None) -> DocxDocument:
    recipient = DossierRecipient.objects.select_related(
        "dossier", "person__unit__parent", "org__parent"
    ).get(pk=recipient.pk)
    dossier = recipient.dossier
    person, org = recipient.person, recipient.org
    unit = person.unit if person is not None else org
    assert unit is not None  # a recipient is a person or a unit (database constraint)
    doc = decree30.new_document()
    decree30.header(
        doc,
        body=issuing_body(unit),
        place_date_text=decree30.place_date(place(unit), day, year=_year(day)),
    )
    phrase = _award_phrase(dossier.code, dossier.year)
    if person is not None:
        who = ", ".join(p for p in (person.full_name, person.position, person.unit.name) if p)
        salutation = {"M": "Ông ", "F": "Bà "}.get(person.gender, "")
        decree30.title(doc, "Báo cáo thành tích", f"Đề nghị tặng {phrase}", salutation + who)
        _person_profile(doc, recipient)
    else:
        assert org is not None
        decree30.title(doc, "Báo cáo thành tích", f"Đề nghị tặng {phrase}", org.name)
        _unit_profile(doc, recipient)
    _initiatives(doc, recipient, "3. " if person is not None else "")
    decree30.heading(doc, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", indent=False)
    records = _records(recipient)
    titles, forms = _split(records)
    decree30.heading(doc, "1. Danh hiệu thi đua:")
    _history(doc, "Danh hiệu thi đua", titles, org)
    decree30.heading(doc, "2. Hình thức khen thưởng:")
    _history(doc, "Hình thức khen thưởng", forms, org)
    _ratings(doc, recipient)
    if person is not None:
        decree30.signatures(
            doc,
            left=decree30.Signature("Thủ trưởng đơn vị xác nhận"),
            right=decree30.Signature(
                "Người báo cáo thành tích",
                note="(Ký, ghi rõ họ và tên)",
                names=[person.full_name],
            ),
        )
    else:
        decree30.signatures(
            doc,
            left=decree30.Signature("Thủ trưởng đơn vị cấp trên xác nhận"),
            right=decree30.Signature("Thủ trưởng đơn vị"),
        )
    return doc


def _person_profile(doc: DocxDocument, recipient: DossierRecipient) -> None:
    person = recipient.person
    assert person is not None
    decree30.heading(doc, "I. SƠ LƯỢC LÝ LỊCH", indent=False)
    decree30.labelled(doc, "Họ và tên", person.full_name)
    decree30.labelled(doc, "Năm sinh", str(person.birth_year or ""))
    decree30.labelled(doc, "Giới tính", GENDERS.get(person.gender, ""))
    decree30.labelled(doc, "Dân tộc", person.ethnicity)
    decree30.labelled(doc, "Chức vụ", person.position)
    decree30.labelled(doc, "Đơn vị công tác", person.unit.name)
    decree30.heading(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", indent=False)
    decree30.heading(doc, "1. Quyền hạn, nhiệm vụ được giao:")
    _paragraphs(doc, recipient.duties, empty="(chưa ghi)")
    decree30.heading(doc, "2. Thành tích đạt được:")
    _paragraphs(doc, recipient.achievements, empty="(chưa ghi)")


def _unit_profile(doc: DocxDocument, recipient: DossierRecipient) -> None:
    from register.selectors import lineage_ids

    org = recipient.org
    assert org is not None
    decree30.heading(doc, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", indent=False)
    decree30.labelled(doc, "Tên đơn vị", org.name)
    if org.parent is not None:
        decree30.labelled(doc, "Đơn vị cấp trên", org.parent.name)
    if org.address:
        decree30.labelled(doc, "Địa chỉ trụ sở", org.address)
    before = [o.name for o in Org.objects.filter(pk__in=lineage_ids(org)[1:]).order_by("name")]
    if before:
        decree30.labelled(doc, "Tiếp nhận từ (sáp nhập, đổi tên)", "; ".join(before))
    decree30.heading(doc, "Đặc điểm, tình hình, chức năng, nhiệm vụ:")
    _paragraphs(doc, recipient.duties, empty="(chưa ghi)")
    decree30.heading(doc, "II. THÀNH TÍCH ĐẠT ĐƯỢC", indent=False)
    _paragraphs(doc, recipient.achievements, empty="(chưa ghi)")


def _initiatives(doc: DocxDocument, recipient: DossierRecipient, number: str) -> None:
    from register.rules import SCOPE_NAMES

    initiatives = list(recipient.initiatives.order_by("year", "code"))
    if not initiatives:
        return
    decree30.heading(doc, f"{number}Sáng kiến, đề tài làm căn cứ đề nghị:")
    decree30.grid(
        doc,
        ["Mã số", "Tên sáng kiến, đề tài", "Phạm vi ảnh hưởng", "Năm"],
        [[i.code, i.title, SCOPE_NAMES.get(i.scope, i.scope), str(i.year)] for i in initiatives],
        [Cm(2.6), Cm(8), Cm(3.8), Cm(1.6)],
    )


def _records(recipient: DossierRecipient) -> list[Any]:
    """The recipient's records in the register, revoked ones and this dossier's own left out;
    a unit's include those of the units merged into it."""
    from register.models import Record
    from register.selectors import lineage_ids

    if recipient.person is not None:
        qs = Record.objects.filter(person=recipient.person)
    else:
        assert recipient.org is not None
        qs = Record.objects.filter(org_id__in=lineage_ids(recipient.org))
    return list(
        qs.filter(revoked=False)
        .exclude(pk=recipient.record_id or 0)
        .select_related("decision__issuer", "org")
        .order_by("year", "decision__date", "pk")
    )


def _split(records: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    from register.models import Award

    titles = set(Award.objects.filter(kind="title").values_list("code", flat=True))
    records = list(records)
    return [r for r in records if r.code in titles], [r for r in records if r.code not in titles]


def _history(doc: DocxDocument, label: str, records: Sequence[Any], org: Org | None) -> None:
    """One table of the register's records; a record of a unit merged into `org` names it."""
    from register.selectors import catalogue_name

    if not records:
        decree30.paragraph(doc, "(Không có)", italic=True)
        return
    rows = []
    for r in records:
        name = catalogue_name(r.code)
        if org is not None and r.org is not None and r.org_id != org.pk:
            name += f" ({r.org.name})"
        rows.append([str(r.year), name, _decision_text(r)])
    decree30.grid(
        doc,
        ["Năm", label, "Số, ngày, tháng, năm của quyết định; cơ quan ban hành"],
        rows,
        [Cm(1.6), Cm(6), Cm(8.4)],
    )


def _ratings(doc: DocxDocument, recipient: DossierRecipient) -> None:
    """Xếp loại chất lượng of the last years: a person's annual ratings (with any discipline), a
    unit's own ratings."""
    from register.models import Rating, UnitRating
    from register.rules import RATING_NAMES

    last = recipient.dossier.year
    years = (last - RATING_YEARS + 1, last)
    rows: list[list[str]] = []
    if recipient.person is not None:
        for rating in Rating.objects.filter(
            person=recipient.person, year__gte=years[0], year__lte=years[1]
        ).order_by("year"):
            text = RATING_NAMES.get(rating.rating, rating.rating)
            if rating.discipline:
                text += f"; kỷ luật: {rating.get_discipline_display()}"
            rows.append([str(rating.year), text])
    else:
        for unit_rating in UnitRating.objects.filter(
            org=recipient.org, year__gte=years[0], year__lte=years[1]
        ).order_by("year"):
            rows.append(
                [str(unit_rating.year), RATING_NAMES.get(unit_rating.rating, unit_rating.rating)]
            )
    if not rows:
        return
    decree30.heading(doc, f"3. Xếp loại chất lượng từ năm {years[0]} đến năm {years[1]}:")
    decree30.grid(doc, ["Năm", "Xếp loại"], rows, [Cm(1.6), Cm(14.4)])
