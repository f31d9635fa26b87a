"""Biên bản kiểm phiếu (vote-count minutes) as DOCX and PDF, in the layout of Decree 30/2020
(national motto at the top right, the issuing body at the top left, Times New Roman-compatible
font 13–14 pt, signatures at the foot), from the closed poll's data."""

from __future__ import annotations

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
    from docx.shared import Cm

    from core import decree30

    data = _full(poll)
    doc = decree30.new_document()
    decree30.header(
        doc,
        body=[data["issuer"]],
        place_date_text=decree30.place_date(data["place"], data["day"]),
    )
    decree30.title(doc, "Biên bản kiểm phiếu", data["poll"].question)
    for text in data["facts"]:
        decree30.paragraph(doc, text)
    decree30.grid(
        doc,
        ["Thứ tự", "Ứng viên / phương án", "Kết quả", "Trúng cử / đạt"],
        [
            [str(row["rank"]), row["label"], row["figure"], "Có" if row["elected"] else "—"]
            for row in data["rows"]
        ],
        [Cm(1.8), Cm(5.4), Cm(6.2), Cm(2.6)],
    )
    decree30.paragraph(doc, data["winners_text"])
    if data["result"].get("explanation"):
        decree30.paragraph(doc, data["result"]["explanation"])
    decree30.paragraph(doc, "Biên bản được lập và thông qua ngay sau khi kiểm phiếu.")
    decree30.signatures(
        doc,
        left=decree30.Signature(
            "Tổ kiểm phiếu", note="(Ký, ghi rõ họ tên)", names=data["committee"]
        ),
        right=decree30.Signature("Chủ trì hội nghị", note="(Ký, ghi rõ họ tên)"),
    )
    return decree30.to_bytes(doc)


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
