"""Tờ trình đề nghị khen thưởng (the kind "dossier_letter"): to the receiving level, the basis,
the proposal, the list of recipients, the cluster result and the vote behind it, the documents
attached."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy

from core import decree30
from documents.blocks import Block, Document, Grid, Heading, Para, Sign, Signatures, Title
from documents.registry import Field, Kind
from dossiers import selectors
from dossiers.documents.common import (
    BASIS,
    BODY_FIELDS,
    EXTRA_KINDS,
    TEXT_FIELDS,
    Context,
    authority,
    award_of,
    award_phrase,
    body_lines,
    count_phrase,
    header_block,
    paras,
    place,
    symbol,
    text_lines,
    text_rows,
    year_of,
)
from dossiers.models import DocumentKind, Dossier, DossierRecipient

KEY = "dossier_letter"


def _vote_text(poll: Any) -> str:
    """The supporting vote in one sentence: the question, each candidate's figure, who passed."""
    from votes import minutes

    data = minutes.poll_data(poll)
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


def _recipient_row(index: int, r: DossierRecipient) -> dict[str, str]:
    if r.person is not None:
        post = ", ".join(p for p in (r.person.position, r.person.unit.name) if p)
    else:
        post = r.org.parent.name if r.org is not None and r.org.parent is not None else ""
    summary = r.public_summary or " ".join(text_lines(r.achievements))[:400]
    return {"index": str(index), "name": r.name, "post": post, "summary": summary}


def letter_context(dossier: Dossier, *, day: dt.date | None = None) -> dict[str, Any]:
    """What the submission letter prints: the proposing unit, the receiving level, the basis,
    the proposal, the recipients, the documents attached; the day left blank unless given."""
    dossier = Dossier.objects.select_related(
        "proposer__parent", "receiver", "cluster_year__cluster", "poll"
    ).get(pk=dossier.pk)
    proposer, receiver = authority(dossier.proposer), authority(dossier.receiver)
    recipients = list(selectors.active_recipients(dossier).select_related("org__parent"))
    award_name, is_title = award_of(dossier.code)
    basis = list(BASIS)
    if dossier.cluster_year is not None:
        cy = dossier.cluster_year
        basis.append(f"Căn cứ kết quả thi đua năm {cy.year} của {cy.cluster.name};")
    if dossier.poll is not None:
        basis.append(_vote_text(dossier.poll))
    if dossier.vote_note:
        basis.append(f"Căn cứ kết quả bình xét, bỏ phiếu: {dossier.vote_note.rstrip('.;')};")
    individual = not recipients or recipients[0].person_id is not None
    count = count_phrase(recipients, individual)
    award = f"{'danh hiệu ' if is_title else ''}{award_name} năm {dossier.year}"
    abbreviation = symbol(dossier.proposer)
    return {
        "reference": dossier.reference,
        **body_lines(dossier.proposer),
        "number": f"Số:        /TTr-{abbreviation}",
        "place_date": decree30.place_date(place(dossier.proposer), day, year=year_of(day)),
        "award": award_phrase(dossier.code, dossier.year),
        "proposer": proposer,
        "receiver": receiver,
        "basis": text_rows(basis),
        "count": count,
        "proposal": (
            f"Xét thành tích đạt được, {proposer} đề nghị {receiver} xét, tặng {award} cho "
            f"{count}, cụ thể như sau:"
        ),
        "summary": text_rows(text_lines(dossier.summary)),
        "name_head": "Họ và tên" if individual else "Tên tập thể",
        "post_head": "Chức vụ, đơn vị" if individual else "Đơn vị cấp trên",
        "recipients": [_recipient_row(i, r) for i, r in enumerate(recipients, start=1)],
        "documents": text_rows(_document_lines(dossier)),
        "closing": f"{proposer} kính đề nghị {receiver} xem xét, quyết định./.",
        "archive": f"- Lưu: VT, {abbreviation}.",
    }


def build_letter(context: Context) -> Document:
    """Tờ trình đề nghị khen thưởng as document blocks."""
    blocks: list[Block] = [
        header_block(context, number=context["number"]),
        Title("Tờ trình", f"Về việc đề nghị tặng {context['award']}"),
        Para(f"Kính gửi: {context['receiver']}.", indent=False, align="center", size=14),
        *paras(context["basis"], italic=True),
        Para(context["proposal"]),
        *paras(context["summary"]),
        Grid(
            heads=["STT", context["name_head"], context["post_head"], "Thành tích tóm tắt"],
            rows=[[r["index"], r["name"], r["post"], r["summary"]] for r in context["recipients"]],
            widths_cm=[1.2, 4.2, 4.3, 6.3],
        ),
    ]
    if context["documents"]:
        blocks += [Heading("Hồ sơ kèm theo gồm:", indent=True), *paras(context["documents"])]
    blocks += [
        Para(context["closing"]),
        Signatures(right=Sign("Thủ trưởng đơn vị"), recipients=["- Như trên;", context["archive"]]),
    ]
    return Document(kind=KEY, filename=f"to-trinh-{context['reference']}", blocks=blocks)


FIELDS = [
    Field("reference", "Mã hồ sơ", "HS-2025-000012"),
    *BODY_FIELDS,
    Field("number", "Số, ký hiệu", "Số:        /TTr-SNV"),
    Field("place_date", "Địa danh, ngày tháng", "Thái Nguyên, ngày      tháng      năm 2025"),
    Field("award", "Danh hiệu, hình thức đề nghị", "danh hiệu Chiến sĩ thi đua cơ sở năm 2025"),
    Field("proposer", "Đơn vị đề nghị", "Sở Nội vụ tỉnh Thái Nguyên"),
    Field("receiver", "Kính gửi", "Ủy ban nhân dân tỉnh Thái Nguyên"),
    Field(
        "basis",
        "Căn cứ",
        example=text_rows(BASIS),
        children=[Field("text", "Căn cứ", BASIS[0])],
    ),
    Field("count", "Số cá nhân, tập thể", "1 cá nhân"),
    Field(
        "proposal",
        "Nội dung đề nghị",
        "Xét thành tích đạt được, Sở Nội vụ tỉnh Thái Nguyên đề nghị Ủy ban nhân dân tỉnh Thái "
        "Nguyên xét, tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2025 cho 1 cá nhân, cụ thể như sau:",
    ),
    Field("summary", "Tóm tắt của hồ sơ (từng đoạn)", example=[], children=TEXT_FIELDS),
    Field("name_head", "Tiêu đề cột tên", "Họ và tên"),
    Field("post_head", "Tiêu đề cột chức vụ, đơn vị", "Chức vụ, đơn vị"),
    Field(
        "recipients",
        "Danh sách đề nghị",
        children=[
            Field("index", "STT", "1"),
            Field("name", "Họ và tên, tên tập thể", "Nguyễn Thị Lan"),
            Field("post", "Chức vụ, đơn vị", "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên"),
            Field("summary", "Thành tích tóm tắt", "Hoàn thành xuất sắc nhiệm vụ năm 2025."),
        ],
    ),
    Field(
        "documents",
        "Hồ sơ kèm theo",
        example=[{"text": "- Báo cáo thành tích: Nguyễn Thị Lan;"}],
        children=TEXT_FIELDS,
    ),
    Field(
        "closing",
        "Lời đề nghị cuối",
        "Sở Nội vụ tỉnh Thái Nguyên kính đề nghị Ủy ban nhân dân tỉnh Thái Nguyên xem xét, "
        "quyết định./.",
    ),
    Field("archive", "Nơi lưu", "- Lưu: VT, SNV."),
]


KIND = Kind(
    key=KEY,
    name=gettext_lazy("Submission letter of a dossier (tờ trình)"),
    build=build_letter,
    fields=FIELDS,
    description=gettext_lazy(
        "The proposal of a dossier to the level that decides it, with its recipients and the "
        "documents attached."
    ),
)
