"""Biên bản kiểm phiếu (vote-count minutes) as DOCX and PDF, in the layout of Decree 30/2020
(national motto at the top right, the issuing body at the top left, Times New Roman-compatible
font 13–14 pt, signatures at the foot), from the closed poll's data."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from votes.models import Method, Poll

CHOICE_WORDS = {"yes": "Đồng ý", "no": "Không đồng ý", "abstain": "Không biểu quyết"}


def describe_ballot(method: str, content: Any, labels: dict[str, str]) -> str:
    """A ballot in words (for the confirmation step and named polls)."""
    if not isinstance(content, dict):
        return _("Invalid ballot")
    if content.get("blank"):
        return _("Blank ballot")
    try:
        if method == Method.YES_NO:
            return "; ".join(
                f"{labels.get(k, k)}: {CHOICE_WORDS.get(v, v)}"
                for k, v in content.get("choices", {}).items()
            )
        if method == Method.APPROVAL:
            names = [labels.get(k, k) for k in content.get("approve", [])]
            return _("Approves: %(names)s") % {"names": ", ".join(names) or "—"}
        if method == Method.PLURALITY:
            choice = str(content.get("choice"))
            return _("Chooses: %(name)s") % {"name": labels.get(choice, choice)}
        ranking = content.get("ranking", [])
        return " › ".join(f"{i}. {labels.get(k, k)}" for i, k in enumerate(ranking, start=1))
    except (AttributeError, TypeError):
        return _("Invalid ballot")


def context(poll: Poll) -> dict[str, Any]:
    result = poll.result or {}
    labels = result.get("labels", {})
    rows = [{**r, "label": labels.get(r["candidate"], "?")} for r in result.get("results", [])]
    meeting = poll.meeting
    cy = poll.cluster_year
    issuer = (
        (cy.head.name if cy and cy.head else cy.cluster.name)
        if cy
        else (poll.council.name if poll.council else "")
    )
    return {
        "poll": poll,
        "result": result,
        "rows": rows,
        "winners": [labels.get(k, k) for k in result.get("winners", [])],
        "ties": [[labels.get(k, k) for k in group] for group in result.get("ties", [])],
        "meeting": meeting,
        "cluster_year": cy,
        "issuer": issuer,
        "place": (meeting.place if meeting and meeting.place else ""),
        "day": (meeting.date if meeting else timezone.localdate(poll.closed_at)),
        "issued": poll.ballots_issued
        if poll.ballots_issued is not None
        else result.get("ballots_cast", 0),
        "committee": [line.strip() for line in poll.paper_committee.splitlines() if line.strip()],
        "method": poll.get_method_display(),
        "yes_no": poll.method == Method.YES_NO,
    }


def _eligible(poll: Poll) -> int:
    from votes.services import eligible_count

    return eligible_count(poll)


def _full(poll: Poll) -> dict[str, Any]:
    data = context(poll)
    data["eligible"] = _eligible(poll)
    data["facts"] = _facts(data)
    data["winners_text"] = _winners_text(data)
    for row in data["rows"]:
        row["figure"] = _row_figure(row, data["yes_no"])
    return data


def pdf(poll: Poll) -> bytes:
    from weasyprint import HTML

    data = _full(poll)
    html = render_to_string("votes/minutes.html", data)
    return bytes(HTML(string=html).write_pdf())


def docx(poll: Poll) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    data = _full(poll)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"  # type: ignore[attr-defined]
    style.font.size = Pt(13)  # type: ignore[attr-defined]

    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].add_run(data["issuer"].upper()).bold = True
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto = right.paragraphs[0]
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    line = right.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    when = right.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    day = data["day"]
    when.add_run(
        f"{data['place'] + ', ' if data['place'] else ''}ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    ).italic = True

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("BIÊN BẢN KIỂM PHIẾU").bold = True
    subject = doc.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject.add_run(data["poll"].question).bold = True

    for text in data["facts"]:
        doc.add_paragraph(text)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    heads = ["Thứ tự", "Ứng viên / phương án", "Kết quả", "Trúng cử / đạt"]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in data["rows"]:
        cells = table.add_row().cells
        cells[0].text = str(row["rank"])
        cells[1].text = row["label"]
        cells[2].text = row["figure"]
        cells[3].text = "Có" if row["elected"] else "—"
    doc.add_paragraph(data["winners_text"])
    if data["result"].get("explanation"):
        doc.add_paragraph(data["result"]["explanation"])
    doc.add_paragraph("Biên bản được lập và thông qua ngay sau khi kiểm phiếu.")
    signs = doc.add_table(rows=2, cols=2)
    signs.rows[0].cells[0].paragraphs[0].add_run("TỔ KIỂM PHIẾU").bold = True
    signs.rows[0].cells[1].paragraphs[0].add_run("CHỦ TRÌ HỘI NGHỊ").bold = True
    signs.rows[1].cells[0].text = "\n".join(data["committee"]) or "(ký, ghi rõ họ tên)"
    signs.rows[1].cells[1].text = "(ký, ghi rõ họ tên)"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _facts(data: dict[str, Any]) -> list[str]:
    poll, result = data["poll"], data["result"]
    lines = []
    if data["meeting"] is not None:
        lines.append(
            f"Hội nghị: {data['meeting'].get_kind_display()} ngày {data['meeting'].date:%d/%m/%Y}"
            f" — {data['cluster_year'].cluster.name} năm {data['cluster_year'].year}."
        )
    lines.append(
        f"Hình thức: {'bỏ phiếu kín' if poll.secret else 'biểu quyết công khai'}"
        f"{', phiếu giấy' if poll.paper else ', bỏ phiếu điện tử'}; phương thức: {data['method']}."
    )
    if data["committee"]:
        lines.append("Tổ kiểm phiếu: " + "; ".join(data["committee"]) + ".")
    lines.append(
        f"Số người (đơn vị) có quyền biểu quyết: {data['eligible']}; số phiếu phát ra: "
        f"{data['issued']}; số phiếu thu về: {result.get('ballots_cast', 0)}; "
        f"hợp lệ: {result.get('valid', 0)}; không hợp lệ: {result.get('invalid', 0)}; "
        f"phiếu trắng: {result.get('blank', 0)}."
    )
    return lines


def _row_figure(row: dict[str, Any], yes_no: bool) -> str:
    if yes_no:
        return f"Đồng ý {row['yes']}, không đồng ý {row['no']}, không biểu quyết {row['abstain']}"
    return str(row["score"])


def _winners_text(data: dict[str, Any]) -> str:
    text = "Kết quả: " + (", ".join(data["winners"]) if data["winners"] else "không ai trúng cử")
    if data["ties"]:
        text += "; còn bằng phiếu: " + "; ".join(", ".join(g) for g in data["ties"])
    return text + "."
