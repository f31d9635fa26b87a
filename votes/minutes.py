"""Biên bản kiểm phiếu (vote-count minutes) of a closed poll, a kind of document of the document
service ("vote_minutes"): `vote_minutes_context(poll)` gathers what the minutes print as plain
Vietnamese text, `build(context)` lays it out in the Decree 30/2020 layout (the issuing body at
the top left, the national title and motto at the top right, the count's table, the counting
committee's and the chair's signatures); `documents.service.render_kind` makes the DOCX or the
PDF, from the issuing unit's own template when it has one.

The minutes are in Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import decree30
from core.text import number_text
from documents.blocks import Document, Grid, Header, Para, Sign, Signatures, Title
from documents.registry import Field, Kind
from orgs.models import Org
from votes.models import Method, Poll

KEY = "vote_minutes"
CHOICE_WORDS = {"yes": "Đồng ý", "no": "Không đồng ý", "abstain": "Không biểu quyết"}
SIGN_NOTE = "(Ký, ghi rõ họ tên)"


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


def poll_data(poll: Poll) -> dict[str, Any]:
    """The closed poll's count with its candidates named: each row of the result with its label,
    the winners, the ties (also read by a dossier's submission letter)."""
    result = poll.result or {}
    labels = result.get("labels", {})
    rows = [{**r, "label": labels.get(r["candidate"], "?")} for r in result.get("results", [])]
    return {
        "result": result,
        "rows": rows,
        "winners": [labels.get(k, k) for k in result.get("winners", [])],
        "ties": [[labels.get(k, k) for k in group] for group in result.get("ties", [])],
        "yes_no": poll.method == Method.YES_NO,
    }


def row_figure(row: Mapping[str, Any], yes_no: bool) -> str:
    """What a candidate obtained: its yes, no and abstain votes, or its score."""
    if yes_no:
        return (
            f"Đồng ý {number_text(row.get('yes'))}, không đồng ý {number_text(row.get('no'))}, "
            f"không biểu quyết {number_text(row.get('abstain'))}"
        )
    return number_text(row.get("score"))


def winners_text(winners: list[str], ties: list[list[str]]) -> str:
    """ "Kết quả: A, B; còn bằng phiếu: C, D." """
    text = "Kết quả: " + (", ".join(winners) if winners else "không ai trúng cử")
    if ties:
        text += "; còn bằng phiếu: " + "; ".join(", ".join(g) for g in ties)
    return text + "."


def issuing_org(poll: Poll) -> Org | None:
    """The unit the minutes are issued by: the cluster year's head (else the cluster's organising
    council), or the council the poll belongs to."""
    cy = poll.cluster_year
    if cy is not None:
        return cy.head or cy.cluster.organiser
    return poll.council


def vote_minutes_context(poll: Poll) -> dict[str, Any]:
    """Everything the minutes of a closed poll print, as plain Vietnamese text."""
    from dossiers.documents import place
    from votes.services import eligible_count

    data = poll_data(poll)
    result = data["result"]
    meeting, cy = poll.meeting, poll.cluster_year
    if cy is not None:
        issuer = cy.head.name if cy.head else cy.cluster.name
    else:
        issuer = poll.council.name if poll.council else ""
    org = issuing_org(poll)
    day: dt.date | None = meeting.date if meeting is not None else None
    if day is None and poll.closed_at is not None:
        day = timezone.localdate(poll.closed_at)
    with translation.override("vi"):
        method = str(poll.get_method_display())
        meeting_line = ""
        if meeting is not None and cy is not None:
            venue = f", tại {meeting.place}" if meeting.place else ""
            meeting_line = (
                f"Hội nghị: {meeting.get_kind_display()} ngày {meeting.date:%d/%m/%Y}{venue}"
                f" — {cy.cluster.name} năm {cy.year}."
            )
    committee = [line.strip() for line in poll.paper_committee.splitlines() if line.strip()]
    issued = poll.ballots_issued if poll.ballots_issued is not None else result.get("ballots_cast")
    return {
        "poll_id": str(poll.pk),
        "issuer": issuer,
        "place_date": decree30.place_date(place(org) if org is not None else "", day),
        "question": poll.question,
        "meeting": meeting_line,
        "ballot_form": (
            f"{'bỏ phiếu kín' if poll.secret else 'biểu quyết công khai'}, "
            f"{'phiếu giấy' if poll.paper else 'bỏ phiếu điện tử'}"
        ),
        "method": method,
        "committee": "; ".join(committee),
        "committee_names": "\n".join(committee),
        "eligible": number_text(eligible_count(poll)),
        "issued": number_text(issued),
        "cast": number_text(result.get("ballots_cast")),
        "valid": number_text(result.get("valid")),
        "invalid": number_text(result.get("invalid")),
        "blank": number_text(result.get("blank")),
        "rows": [
            {
                "rank": str(row.get("rank", "")),
                "label": row["label"],
                "figure": row_figure(row, data["yes_no"]),
                "elected": "Có" if row.get("elected") else "—",
            }
            for row in data["rows"]
        ],
        "result": winners_text(data["winners"], data["ties"]),
        "explanation": str(result.get("explanation") or ""),
    }


def build(context: Mapping[str, Any]) -> Document:
    """The minutes as document blocks."""
    blocks: list[Any] = [
        Header(body=[context["issuer"]], place_date=context["place_date"]),
        Title("Biên bản kiểm phiếu", context["question"]),
    ]
    if context["meeting"]:
        blocks.append(Para(context["meeting"]))
    blocks.append(Para(f"Hình thức: {context['ballot_form']}; phương thức: {context['method']}."))
    if context["committee"]:
        blocks.append(Para(f"Tổ kiểm phiếu: {context['committee']}."))
    blocks += [
        Para(
            f"Số người (đơn vị) có quyền biểu quyết: {context['eligible']}; số phiếu phát ra: "
            f"{context['issued']}; số phiếu thu về: {context['cast']}; hợp lệ: "
            f"{context['valid']}; không hợp lệ: {context['invalid']}; phiếu trắng: "
            f"{context['blank']}."
        ),
        Grid(
            heads=["Thứ tự", "Ứng viên / phương án", "Kết quả", "Trúng cử / đạt"],
            rows=[[r["rank"], r["label"], r["figure"], r["elected"]] for r in context["rows"]],
            widths_cm=[1.8, 5.4, 6.2, 2.6],
        ),
        Para(context["result"], bold=True),
    ]
    if context["explanation"]:
        blocks.append(Para(context["explanation"]))
    blocks += [
        Para("Biên bản được lập và thông qua ngay sau khi kiểm phiếu."),
        Signatures(
            left=Sign(
                "Tổ kiểm phiếu",
                note=SIGN_NOTE,
                names=[n for n in str(context["committee_names"]).split("\n") if n],
            ),
            right=Sign("Chủ trì hội nghị", note=SIGN_NOTE),
        ),
    ]
    return Document(kind=KEY, filename=f"bien-ban-kiem-phieu-{context['poll_id']}", blocks=blocks)


FIELDS = [
    Field("poll_id", "Số hiệu cuộc bỏ phiếu", "12"),
    Field("issuer", "Đơn vị lập biên bản", "Tỉnh Bắc Giang"),
    Field("place_date", "Địa danh, ngày tháng", "Bắc Giang, ngày 10 tháng 12 năm 2015"),
    Field("question", "Nội dung biểu quyết", "Đề nghị tặng Cờ thi đua của Chính phủ năm 2015"),
    Field(
        "meeting",
        "Hội nghị",
        "Hội nghị: Hội nghị tổng kết ngày 10/12/2015 — Cụm thi đua 7 tỉnh năm 2015.",
    ),
    Field("ballot_form", "Hình thức bỏ phiếu", "bỏ phiếu kín, bỏ phiếu điện tử"),
    Field("method", "Phương thức", "Đa số tương đối (chọn một)"),
    Field("committee", "Tổ kiểm phiếu (một dòng)", "Nguyễn Văn A; Trần Thị B"),
    Field("committee_names", "Tổ kiểm phiếu (mỗi người một dòng)", "Nguyễn Văn A\nTrần Thị B"),
    Field("eligible", "Số người (đơn vị) có quyền biểu quyết", "7"),
    Field("issued", "Số phiếu phát ra", "7"),
    Field("cast", "Số phiếu thu về", "7"),
    Field("valid", "Số phiếu hợp lệ", "7"),
    Field("invalid", "Số phiếu không hợp lệ", "0"),
    Field("blank", "Số phiếu trắng", "0"),
    Field(
        "rows",
        "Kết quả từng ứng viên, phương án",
        example=[
            {"rank": "1", "label": "Tỉnh Thanh Hóa", "figure": "5", "elected": "Có"},
            {"rank": "2", "label": "Tỉnh Nghệ An", "figure": "2", "elected": "—"},
        ],
        children=[
            Field("rank", "Thứ tự", "1"),
            Field("label", "Ứng viên / phương án", "Tỉnh Thanh Hóa"),
            Field("figure", "Kết quả", "5"),
            Field("elected", "Trúng cử / đạt", "Có"),
        ],
    ),
    Field("result", "Kết quả", "Kết quả: Tỉnh Thanh Hóa."),
    Field("explanation", "Giải thích cách tính", ""),
]

KIND = Kind(
    key=KEY,
    name=gettext_lazy("Vote-count minutes"),
    build=build,
    fields=FIELDS,
    description=gettext_lazy(
        "Biên bản kiểm phiếu of a closed poll: the figures, each candidate's result, the "
        "counting committee's and the chair's signatures."
    ),
)
