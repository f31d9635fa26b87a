"""A cluster year's documents, as kinds of the document service, in the Decree 30/2020 layout:

- "covenant": Giao ước thi đua of the year, headed by the cluster's head unit: the covenant's text
  and shared criteria, each member's registered targets and the titles it strives for as tables,
  and a grid of the members' signatures;
- "meeting_minutes": Biên bản hội nghị of a meeting: time, place, host, who attended, the agenda,
  the polls held at it with their published results, the conclusions, and blank lines for what
  the application does not hold (the chair, the secretary, the proceedings), so the secretary
  completes the minutes in Word.

`covenant_context` and `meeting_context` gather what each prints as plain Vietnamese text (dates
in words, numbers as 1.234,5); `build_covenant` and `build_minutes` lay them out. The documents
are in Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from clusters.models import ClusterYear, Covenant, Meeting, MeetingKind
from core import decree30
from core.codes import code_name
from core.text import fold, number_text
from documents.blocks import (
    Block,
    Document,
    Grid,
    Header,
    Heading,
    Para,
    Sign,
    Signatures,
    Title,
)
from documents.registry import Field, Kind
from orgs.models import Org

Context = Mapping[str, Any]
COVENANT = "covenant"
MINUTES = "meeting_minutes"
DOTS = "…" * 30  # a line to write on (fits the 16 cm of text, first line indented)
NAME_DOTS = "…" * 22  # room for a name after a label
SHORT_DOTS = "…" * 5  # room for an hour or a minute
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
SIGN_NOTE = "(Ký, ghi rõ họ tên)"
MEETING_TITLES: dict[str, str] = {
    MeetingKind.COVENANT: "Hội nghị ký kết giao ước thi đua năm {year}",
    MeetingKind.MID_YEAR: "Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year}",
    MeetingKind.YEAR_END: "Hội nghị tổng kết công tác thi đua, khen thưởng năm {year}",
    MeetingKind.THEMATIC: "Hội nghị chuyên đề năm {year}",
    MeetingKind.PREPARATORY: "Hội nghị trù bị năm {year}",
}
POLL_STATES = {
    "draft": "Chưa tiến hành biểu quyết.",
    "open": "Đang biểu quyết.",
    "closed": "Đã kiểm phiếu; kết quả chưa công bố.",
}


# --- text helpers ----------------------------------------------------------------------------------


def _rows(lines: Iterable[str]) -> list[dict[str, str]]:
    return [{"text": line} for line in lines]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _issuer(cluster_year: ClusterYear) -> tuple[dict[str, str], str]:
    """The header's two lines (the head unit's issuing body, else the cluster's name) and the
    place the document is dated in."""
    from dossiers.documents import issuing_body, place

    head = cluster_year.head
    if head is None:
        return {"body_above": "", "body": cluster_year.cluster.name}, ""
    lines = issuing_body(head)
    body = {"body_above": lines[0] if len(lines) > 1 else "", "body": lines[-1]}
    return body, place(head)


def _header(context: Context) -> Header:
    return Header(
        body=[context["body_above"], context["body"]],
        number=context.get("number", ""),
        place_date=context["place_date"],
    )


def _paras(rows: Iterable[Mapping[str, Any]], **style: Any) -> list[Block]:
    return [Para(row["text"], **style) for row in rows]


# --- the covenant ------------------------------------------------------------------------------------


def _members(cluster_year: ClusterYear) -> list[Org]:
    return [m.org for m in cluster_year.members.select_related("org").order_by("rotation_position")]


def covenant_context(cluster_year: ClusterYear, covenant: Covenant) -> dict[str, Any]:
    """What the covenant prints (read by `clusters.selectors.covenant_of`, with its criteria and
    registrations): the head unit's header, the cluster, the covenant's text and criteria, each
    member's targets and titles, and the members who sign it (the year's members in their
    rotation order, then any other unit registered)."""
    from dossiers.documents import authority

    cluster = cluster_year.cluster
    body, where = _issuer(cluster_year)
    registrations = {r.org_id: r for r in covenant.registrations.all()}
    orgs = _members(cluster_year)
    orgs += [r.org for r in registrations.values() if r.org not in orgs]
    members, targets = [], []
    for index, org in enumerate(orgs, start=1):
        registration = registrations.get(org.pk)
        titles = [code_name(c) for c in (registration.titles if registration else [])]
        members.append(
            {
                "index": str(index),
                "name": org.name,
                "titles": "; ".join(titles) or "(chưa đăng ký)",
            }
        )
        rows = list(registration.targets.all()) if registration else []
        if not rows:
            targets.append(
                {
                    "index": str(index),
                    "member": org.name,
                    "name": "(chưa đăng ký chỉ tiêu)",
                    "measure": "",
                    "value": "",
                    "deadline": "",
                }
            )
        for i, target in enumerate(rows):
            targets.append(
                {
                    "index": str(index) if i == 0 else "",
                    "member": org.name if i == 0 else "",
                    "name": target.name,
                    "measure": target.measure,
                    "value": number_text(target.value),
                    "deadline": f"{target.deadline:%d/%m/%Y}" if target.deadline else "",
                }
            )
    names = [authority(org) for org in orgs]
    signers = [
        {"left": names[i], "right": names[i + 1] if i + 1 < len(names) else ""}
        for i in range(0, len(names), 2)
    ]
    meeting = covenant.signing_meeting
    day = covenant.signed_on or (meeting.date if meeting is not None else None)
    signing = ""
    if meeting is not None:
        at = f" tại {meeting.place}" if meeting.place else ""
        signing = (
            f"Giao ước được ký kết tại Hội nghị ký kết giao ước thi đua của {cluster.name}, "
            f"{decree30.date_text(meeting.date)}{at}."
        )
    return {
        **body,
        "place_date": decree30.place_date(where, day, year=cluster_year.year),
        "year": str(cluster_year.year),
        "cluster": cluster.name,
        "code": cluster.code,
        "title": covenant.title,
        "intro": (
            f"Thực hiện Luật Thi đua, khen thưởng và hướng dẫn của {cluster.organiser.name} về "
            f"hoạt động của các cụm, khối thi đua, các đơn vị thành viên {cluster.name} thống "
            f"nhất ký kết Giao ước thi đua năm {cluster_year.year} với những nội dung sau:"
        ),
        "text": _rows(_lines(covenant.text)),
        "criteria": [
            {"number": str(i), "text": c.text}
            for i, c in enumerate(covenant.criteria.all(), start=1)
        ],
        "targets": targets,
        "members": members,
        "signing": signing,
        "count": str(len(orgs)),
        "signers": signers,
    }


def build_covenant(context: Context) -> Document:
    """Giao ước thi đua as document blocks."""
    parts: list[tuple[str, list[Block]]] = []
    if context["text"]:
        parts.append(("NỘI DUNG GIAO ƯỚC", _paras(context["text"])))
    parts += [
        (
            "CÁC TIÊU CHÍ THI ĐUA",
            [Para(f"{c['number']}. {c['text']}") for c in context["criteria"]]
            or [Para("(Chưa có tiêu chí.)", italic=True)],
        ),
        (
            "CHỈ TIÊU ĐĂNG KÝ CỦA CÁC ĐƠN VỊ",
            [
                Grid(
                    heads=["STT", "Đơn vị", "Chỉ tiêu", "Đơn vị tính", "Giá trị", "Thời hạn"],
                    rows=[
                        [
                            t["index"],
                            t["member"],
                            t["name"],
                            t["measure"],
                            t["value"],
                            t["deadline"],
                        ]
                        for t in context["targets"]
                    ],
                    widths_cm=[1.1, 3.6, 5.4, 2.0, 1.8, 2.1],
                    size=11,
                )
            ],
        ),
        (
            "DANH HIỆU, HÌNH THỨC KHEN THƯỞNG ĐĂNG KÝ PHẤN ĐẤU",
            [
                Grid(
                    heads=["STT", "Đơn vị", "Danh hiệu, hình thức khen thưởng"],
                    rows=[[m["index"], m["name"], m["titles"]] for m in context["members"]],
                    widths_cm=[1.1, 5.4, 9.5],
                )
            ],
        ),
        (
            "TỔ CHỨC THỰC HIỆN",
            [
                Para(
                    "Các đơn vị thành viên cam kết tổ chức thực hiện tốt các nội dung giao ước, "
                    "báo cáo kết quả theo quy định và cùng nhau chấm điểm, bình xét thi đua "
                    "cuối năm."
                ),
                *([Para(context["signing"])] if context["signing"] else []),
                Para(
                    f"Giao ước có hiệu lực kể từ ngày ký, được lập thành {context['count']} bản, "
                    "mỗi đơn vị thành viên giữ 01 bản./."
                ),
            ],
        ),
    ]
    blocks: list[Block] = [
        _header(context),
        Title(f"Giao ước thi đua năm {context['year']}", context["cluster"]),
        Para(context["intro"]),
    ]
    for number, (heading, body) in zip(ROMAN, parts, strict=False):
        blocks += [Heading(f"{number}. {heading}", indent=False), *body]
    # A heading, so that it stays with the signatures below it.
    blocks.append(Heading("ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC", indent=False))
    for pair in context["signers"]:
        right = Sign(pair["right"]) if pair["right"] else Sign("", note="")
        blocks.append(Signatures(left=Sign(pair["left"]), right=right))
    filename = f"giao-uoc-thi-dua-{context['year']}-{_slug(context['code'])}"
    return Document(kind=COVENANT, filename=filename, blocks=blocks)


# --- the minutes of a meeting ---------------------------------------------------------------------


def _poll_result(poll: Any) -> str:
    """A poll's outcome in words: its figures and who passed once published, else its state."""
    from votes import minutes

    if poll.status != "published":
        return POLL_STATES.get(poll.status, "")
    data = minutes.poll_data(poll)
    result = data["result"]
    figures = "; ".join(
        f"{row['label']}: {minutes.row_figure(row, data['yes_no'])}" for row in data["rows"]
    )
    return (
        f"Số phiếu thu về: {number_text(result.get('ballots_cast'))}, hợp lệ: "
        f"{number_text(result.get('valid'))}. {figures}.\n"
        f"{minutes.winners_text(data['winners'], data['ties'])}"
    )


def meeting_context(meeting: Meeting) -> dict[str, Any]:
    """What the minutes of a meeting print; what the application does not hold is left as
    dotted lines for the secretary."""
    from votes.models import Poll

    cluster_year = meeting.cluster_year
    cluster = cluster_year.cluster
    body, where = _issuer(cluster_year)
    attending = list(meeting.attendee_units.order_by("name"))
    present = {org.pk for org in attending}
    orgs = _members(cluster_year)
    members = [
        {
            "index": str(i),
            "name": org.name,
            "presence": ("Có mặt" if org.pk in present else "Vắng mặt") if present else "",
        }
        for i, org in enumerate(orgs, start=1)
    ]
    member_ids = {org.pk for org in orgs}
    people = [
        {
            "index": str(i),
            "name": p.full_name,
            "position": p.position,
            "unit": p.unit.name,
        }
        for i, p in enumerate(
            meeting.attendee_people.select_related("unit").order_by("name_key"), start=1
        )
    ]
    polls = [
        {"index": str(i), "question": poll.question, "result": _poll_result(poll)}
        for i, poll in enumerate(Poll.objects.filter(meeting=meeting).order_by("pk"), start=1)
    ]
    title = MEETING_TITLES.get(meeting.kind, "Hội nghị năm {year}").format(year=cluster_year.year)
    host = meeting.host or cluster_year.head
    return {
        **body,
        "place_date": decree30.place_date(where, meeting.date),
        "meeting": title,
        "cluster": cluster.name,
        "code": cluster.code,
        "date": f"{meeting.date:%Y-%m-%d}",
        "time": f"Vào hồi {SHORT_DOTS} giờ {SHORT_DOTS} phút, {decree30.date_text(meeting.date)}.",
        "venue": meeting.place or NAME_DOTS,
        "host": host.name if host is not None else NAME_DOTS,
        "chair": NAME_DOTS,
        "secretary": NAME_DOTS,
        "members": members,
        "guests": ", ".join(o.name for o in attending if o.pk not in member_ids),
        "people": people,
        "agenda": _rows(_lines(meeting.agenda) or [DOTS, DOTS]),
        "proceedings": _rows([DOTS] * 5),
        "polls": polls,
        "decisions": _rows(_lines(meeting.decisions) or [DOTS, DOTS, DOTS]),
    }


def build_minutes(context: Context) -> Document:
    """Biên bản hội nghị as document blocks."""
    blocks: list[Block] = [
        _header(context),
        Title("Biên bản", context["meeting"], context["cluster"]),
        Para(f"Thời gian: {context['time']}", align="left"),
        Para(f"Địa điểm: {context['venue']}.", align="left"),
        Para(f"Đơn vị tổ chức: {context['host']}.", align="left"),
        Para(f"Chủ trì hội nghị: {context['chair']}", align="left"),
        Para(f"Thư ký hội nghị: {context['secretary']}", align="left"),
        Heading("I. THÀNH PHẦN THAM DỰ", indent=False),
        Heading("1. Các đơn vị thành viên:"),
        Grid(
            heads=["STT", "Đơn vị", "Tham dự"],
            rows=[[m["index"], m["name"], m["presence"]] for m in context["members"]],
            widths_cm=[1.2, 11.0, 3.8],
        ),
    ]
    if context["guests"]:
        blocks.append(Para(f"Đơn vị khác dự hội nghị: {context['guests']}."))
    if context["people"]:
        blocks += [
            Heading("2. Đại biểu dự hội nghị:"),
            Grid(
                heads=["STT", "Họ và tên", "Chức vụ", "Đơn vị"],
                rows=[[p["index"], p["name"], p["position"], p["unit"]] for p in context["people"]],
                widths_cm=[1.2, 4.6, 4.0, 6.2],
            ),
        ]
    blocks += [
        Heading("II. NỘI DUNG HỘI NGHỊ", indent=False),
        Heading("1. Chương trình hội nghị:"),
        *_paras(context["agenda"]),
        Heading("2. Diễn biến hội nghị:"),
        *_paras(context["proceedings"]),
        Heading("3. Kết quả biểu quyết:"),
    ]
    if context["polls"]:
        blocks.append(
            Grid(
                heads=["STT", "Nội dung biểu quyết", "Kết quả"],
                rows=[[p["index"], p["question"], p["result"]] for p in context["polls"]],
                widths_cm=[1.2, 6.3, 8.5],
            )
        )
    else:
        blocks.append(Para("(Hội nghị không tổ chức bỏ phiếu trên hệ thống.)", italic=True))
    blocks += [
        Heading("III. KẾT LUẬN CỦA HỘI NGHỊ", indent=False),
        *_paras(context["decisions"]),
        Para(
            f"Hội nghị kết thúc vào hồi {SHORT_DOTS} giờ {SHORT_DOTS} phút cùng ngày. Biên bản "
            "đã được đọc lại trước hội nghị và được các đại biểu nhất trí thông qua./."
        ),
        Signatures(
            left=Sign("Thư ký hội nghị", note=SIGN_NOTE),
            right=Sign("Chủ trì hội nghị", note=SIGN_NOTE),
        ),
    ]
    filename = f"bien-ban-hoi-nghi-{_slug(context['code'])}-{context['date']}"
    return Document(kind=MINUTES, filename=filename, blocks=blocks)


# --- the kinds ------------------------------------------------------------------------------------

_BODY = [
    Field("body_above", "Cơ quan chủ quản", ""),
    Field("body", "Đơn vị ban hành (Cụm trưởng)", "Ủy ban nhân dân tỉnh Lào Cai"),
    Field("place_date", "Địa danh, ngày tháng", "Lào Cai, ngày 20 tháng 02 năm 2016"),
]
_TEXT = [Field("text", "Nội dung", "")]

COVENANT_FIELDS = [
    *_BODY,
    Field("year", "Năm", "2016"),
    Field("cluster", "Tên cụm, khối", "Cụm thi đua các tỉnh miền núi biên giới phía Bắc"),
    Field("code", "Mã cụm, khối", "CTD-MNBG"),
    Field("title", "Tên giao ước", "Giao ước thi đua năm 2016"),
    Field(
        "intro",
        "Lời mở đầu",
        "Thực hiện Luật Thi đua, khen thưởng …, các đơn vị thành viên thống nhất ký kết Giao ước "
        "thi đua năm 2016 với những nội dung sau:",
    ),
    Field(
        "text",
        "Nội dung giao ước (từng đoạn)",
        example=[{"text": "Các đơn vị thành viên thi đua hoàn thành toàn diện nhiệm vụ năm."}],
        children=_TEXT,
    ),
    Field(
        "criteria",
        "Tiêu chí thi đua",
        children=[
            Field("number", "Số thứ tự", "1"),
            Field("text", "Tiêu chí", "Hoàn thành chỉ tiêu tăng trưởng kinh tế"),
        ],
    ),
    Field(
        "targets",
        "Chỉ tiêu đăng ký (mỗi chỉ tiêu một dòng)",
        children=[
            Field("index", "STT đơn vị (dòng đầu)", "1"),
            Field("member", "Đơn vị (dòng đầu)", "Tỉnh Lào Cai"),
            Field("name", "Chỉ tiêu", "Tốc độ tăng trưởng GRDP"),
            Field("measure", "Đơn vị tính", "%"),
            Field("value", "Giá trị", "10,5"),
            Field("deadline", "Thời hạn", "31/12/2016"),
        ],
    ),
    Field(
        "members",
        "Danh hiệu đăng ký của các đơn vị",
        children=[
            Field("index", "STT", "1"),
            Field("name", "Đơn vị", "Tỉnh Lào Cai"),
            Field("titles", "Danh hiệu, hình thức", "Cờ thi đua của Chính phủ"),
        ],
    ),
    Field("signing", "Hội nghị ký kết", ""),
    Field("count", "Số đơn vị ký (số bản)", "3"),
    Field(
        "signers",
        "Chữ ký các đơn vị (từng cặp)",
        children=[
            Field("left", "Đơn vị ký bên trái", "Ủy ban nhân dân tỉnh Lào Cai"),
            Field("right", "Đơn vị ký bên phải", "Ủy ban nhân dân tỉnh Lạng Sơn"),
        ],
    ),
]

MINUTES_FIELDS = [
    *_BODY,
    Field("meeting", "Tên hội nghị", "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2016"),
    Field("cluster", "Tên cụm, khối", "Cụm thi đua các tỉnh miền núi biên giới phía Bắc"),
    Field("code", "Mã cụm, khối", "CTD-MNBG"),
    Field("date", "Ngày (yyyy-mm-dd)", "2017-03-10"),
    Field("time", "Thời gian", "Vào hồi … giờ … phút, ngày 10 tháng 3 năm 2017."),
    Field("venue", "Địa điểm", "Hội trường UBND tỉnh Lào Cai"),
    Field("host", "Đơn vị tổ chức", "Tỉnh Lào Cai"),
    Field("chair", "Chủ trì hội nghị", NAME_DOTS),
    Field("secretary", "Thư ký hội nghị", NAME_DOTS),
    Field(
        "members",
        "Các đơn vị thành viên",
        children=[
            Field("index", "STT", "1"),
            Field("name", "Đơn vị", "Tỉnh Lào Cai"),
            Field("presence", "Tham dự", "Có mặt"),
        ],
    ),
    Field("guests", "Đơn vị khác dự", ""),
    Field(
        "people",
        "Đại biểu dự hội nghị",
        example=[],
        children=[
            Field("index", "STT", "1"),
            Field("name", "Họ và tên", "Giàng Thị Mai"),
            Field("position", "Chức vụ", "Phó Giám đốc"),
            Field("unit", "Đơn vị", "Sở Nội vụ tỉnh Lào Cai"),
        ],
    ),
    Field(
        "agenda",
        "Chương trình (từng đoạn)",
        example=[{"text": "Tổng kết công tác thi đua, khen thưởng năm 2016."}],
        children=_TEXT,
    ),
    Field("proceedings", "Diễn biến (từng đoạn)", example=[{"text": DOTS}], children=_TEXT),
    Field(
        "polls",
        "Kết quả biểu quyết",
        example=[],
        children=[
            Field("index", "STT", "1"),
            Field("question", "Nội dung biểu quyết", "Suy tôn Cụm trưởng năm 2017"),
            Field("result", "Kết quả", "Kết quả: Tỉnh Lào Cai."),
        ],
    ),
    Field(
        "decisions",
        "Kết luận (từng đoạn)",
        example=[{"text": "Suy tôn Tỉnh Lào Cai là Cụm trưởng năm 2017."}],
        children=_TEXT,
    ),
]

COVENANT_KIND = Kind(
    key=COVENANT,
    name=gettext_lazy("Emulation covenant of a cluster year (giao ước thi đua)"),
    build=build_covenant,
    fields=COVENANT_FIELDS,
    description=gettext_lazy(
        "The covenant's criteria, each member's registered targets and titles, and the "
        "members' signatures."
    ),
)
MINUTES_KIND = Kind(
    key=MINUTES,
    name=gettext_lazy("Minutes of a cluster meeting (biên bản hội nghị)"),
    build=build_minutes,
    fields=MINUTES_FIELDS,
    description=gettext_lazy(
        "Time, place, attendance, agenda, the polls' results and the conclusions, with blank "
        "lines for the secretary."
    ),
)
