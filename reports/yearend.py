"""Báo cáo tổng kết công tác thi đua, khen thưởng of a cluster year, ready to edit (DOCX) or print
(PDF): `yearend_context(cluster_year)` gathers the year's data as plain Vietnamese text,
`build(context)` lays it out as document blocks (registered as the kind "cluster_yearend", so an
organisation may replace the layout with its own DOCX template).

The sections follow the year-end reports of the seeds (004: "247 tập thể và 562 cá nhân … được
Chủ tịch nước, Thủ tướng Chính phủ khen thưởng; … 8.169 tập thể và 11.468 cá nhân"): I. the
cluster's situation, II. results (movements, covenant, scores and ranking, the vote's proposals,
commendations, reports), III. shortcomings (left for the officer to write), IV. next year's
direction, and the head unit's signature. A commendation counts in the year its decision was
signed in; revoked ones do not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import (
    ClusterKind,
    ClusterYear,
    CovenantStatus,
    MeetingKind,
    RegistrationStatus,
)
from clusters.reports import report_matrix
from clusters.selectors import covenant_of
from core import decree30
from core.text import number_text
from documents.blocks import (
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
from movements.models import Movement, MovementKind
from orgs.models import Org, OrgKind
from register.models import Award, Level, Record
from reports.selectors import ancestor_ids, subtree_paths

DOTS = "…" * 32  # a line for the officer to write on (fits the 16 cm of text)
NONE = "—"

COVENANT_STATUS: dict[str, str] = {
    CovenantStatus.DRAFT: "đang dự thảo",
    CovenantStatus.SENT: "đã gửi các đơn vị thành viên, chưa ký kết",
    CovenantStatus.SIGNED: "đã ký kết",
    CovenantStatus.LOCKED: "đã ký kết và khóa",
}
REGISTRATION_STATUS: dict[str, str] = {
    RegistrationStatus.DRAFT: "đang chuẩn bị",
    RegistrationStatus.REGISTERED: "đã đăng ký, chờ xem xét",
    RegistrationStatus.ACCEPTED: "đã chấp thuận",
    RegistrationStatus.RETURNED: "trả lại để bổ sung",
}
MOVEMENT_KIND: dict[str, str] = {
    MovementKind.REGULAR: "Thường xuyên",
    MovementKind.THEMATIC: "Chuyên đề",
}


def names_text(names: Sequence[str]) -> str:
    """ "A, B và C"."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} và {names[-1]}"


def _place(org: Org | None) -> str:
    """The province the unit is in (its short name), for the date line."""
    if org is None:
        return ""
    province = (
        Org.objects.filter(pk__in=ancestor_ids(org), kind=OrgKind.PROVINCE).order_by("path").first()
    )
    return (province.short_name or province.name) if province else ""


# --- the context --------------------------------------------------------------------------------


def _awards(cy: ClusterYear, members: list[Org]) -> dict[str, Any]:
    """Commendations decided in the year for the members' units (and the people working in them),
    by level: state (President, Prime Minister), ministry or province, grassroots; collectives and
    individuals. Also the collective awards the member units themselves received."""
    start, end = dt.date(cy.year, 1, 1), dt.date(cy.year, 12, 31)
    prefixes = {m.pk: subtree_paths(m, end) for m in members}
    condition = Q()
    for paths in prefixes.values():
        for path in paths:
            condition |= (
                Q(org__path__startswith=path)
                | Q(person__isnull=False, unit__path__startswith=path)
                | Q(person__isnull=False, unit__isnull=True, person__unit__path__startswith=path)
            )
    levels = dict(Award.objects.values_list("code", "level"))
    rows = (
        Record.objects.filter(revoked=False, decision__date__gte=start, decision__date__lte=end)
        .filter(condition)
        .values("code", "org__path", "unit__path", "person__unit__path", "person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    empty = {"nn": [0, 0], "bt": [0, 0], "cs": [0, 0]}
    totals = {k: list(v) for k, v in empty.items()}
    per_member = {m.pk: {k: list(v) for k, v in empty.items()} for m in members}
    for row in rows:
        level = levels.get(row["code"])
        group = (
            "nn"
            if level in (Level.STATE, Level.GOVERNMENT)
            else "bt"
            if level == Level.MINISTRY_PROVINCE
            else "cs"
            if level == Level.GRASSROOTS
            else None
        )
        if group is None:
            continue
        individual = row["person_id"] is not None
        path = row["org__path"] or row["unit__path"] or row["person__unit__path"] or ""
        totals[group][int(individual)] += row["n"]
        for pk, paths in prefixes.items():
            if any(path.startswith(p) for p in paths):
                per_member[pk][group][int(individual)] += row["n"]
                break
    own = (
        Record.objects.filter(
            revoked=False, decision__date__gte=start, decision__date__lte=end, org__in=members
        )
        .select_related("org", "decision")
        .order_by("org__name", "decision__date", "pk")
    )
    award_names = dict(Award.objects.values_list("code", "name"))
    return {
        "state_collectives": number_text(totals["nn"][0]),
        "state_individuals": number_text(totals["nn"][1]),
        "province_collectives": number_text(totals["bt"][0]),
        "province_individuals": number_text(totals["bt"][1]),
        "grassroots_collectives": number_text(totals["cs"][0]),
        "grassroots_individuals": number_text(totals["cs"][1]),
        "awards_text": (
            f"Năm {cy.year}, {number_text(totals['nn'][0])} tập thể và {number_text(totals['nn'][1])} cá nhân "
            f"thuộc các đơn vị trong {_kind_word(cy)} đã được Chủ tịch nước, Thủ tướng Chính phủ "
            f"khen thưởng; {number_text(totals['bt'][0])} tập thể và {number_text(totals['bt'][1])} cá nhân "
            f"được khen thưởng cấp bộ, ngành, tỉnh; {number_text(totals['cs'][0])} tập thể và "
            f"{number_text(totals['cs'][1])} cá nhân được khen thưởng cấp cơ sở."
        ),
        "awards": [
            {
                "stt": str(i),
                "name": m.name,
                "state_collectives": number_text(per_member[m.pk]["nn"][0]),
                "state_individuals": number_text(per_member[m.pk]["nn"][1]),
                "province_collectives": number_text(per_member[m.pk]["bt"][0]),
                "province_individuals": number_text(per_member[m.pk]["bt"][1]),
            }
            for i, m in enumerate(members, start=1)
        ],
        "member_awards": [
            {
                "unit": r.org.name if r.org else NONE,
                "award": award_names.get(r.code, r.code),
                "decision": f"Quyết định số {r.decision.number} ngày {r.decision.date:%d/%m/%Y}",
            }
            for r in own
        ],
    }


def _kind_word(cy: ClusterYear) -> str:
    return "Khối" if cy.cluster.kind == ClusterKind.KHOI else "Cụm"


def _movements(cy: ClusterYear, members: list[Org]) -> dict[str, Any]:
    """Movements the members launched in the year, and those the cluster or its members joined
    that ran during the year."""
    start, end = dt.date(cy.year, 1, 1), dt.date(cy.year, 12, 31)
    running = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    launched_in_year = Q(decision_date__gte=start, decision_date__lte=end) | Q(
        decision_date__isnull=True, start__gte=start, start__lte=end
    )
    launched = list(
        Movement.objects.filter(launched_in_year, launched_by__in=members)
        .select_related("launched_by")
        .order_by("start", "name", "pk")
    )
    joined = list(
        Movement.objects.filter(running)
        .filter(Q(clusters=cy.cluster) | Q(participants__in=members))
        .exclude(pk__in=[m.pk for m in launched])
        .select_related("launched_by")
        .distinct()
        .order_by("start", "name", "pk")
    )

    def rows(items: list[Movement]) -> list[dict[str, str]]:
        return [
            {
                "stt": str(i),
                "name": m.name,
                "launched_by": m.launched_by.name,
                "kind": MOVEMENT_KIND.get(m.kind, m.kind),
                "date": (m.decision_date or m.start).strftime("%d/%m/%Y"),
            }
            for i, m in enumerate(items, start=1)
        ]

    return {
        "n_movements_launched": number_text(len(launched)),
        "n_movements_joined": number_text(len(joined)),
        "movements_launched": rows(launched),
        "movements_joined": rows(joined),
    }


def _covenant(cy: ClusterYear, members: list[Org]) -> dict[str, Any]:
    """The covenant, its criteria and the members' registrations (in the members' order)."""
    covenant = covenant_of(cy)
    if covenant is None:
        return {
            "covenant_title": "chưa có giao ước thi đua",
            "covenant_status": "chưa lập",
            "covenant_signed": "chưa ký kết",
            "n_criteria": "0",
            "criteria": [],
            "n_registrations": "0",
            "registrations": [],
        }
    order = {m.pk: i for i, m in enumerate(members)}
    registrations = sorted(
        covenant.registrations.all(), key=lambda r: (order.get(r.org_id, len(order)), r.org.name)
    )
    award_names = dict(Award.objects.values_list("code", "name"))
    return {
        "covenant_title": covenant.title,
        "covenant_status": COVENANT_STATUS.get(covenant.status, covenant.status),
        "covenant_signed": (
            decree30.date_text(covenant.signed_on) if covenant.signed_on else "chưa ký kết"
        ),
        "n_criteria": number_text(len(covenant.criteria.all())),
        "criteria": [
            {"stt": str(i), "text": c.text} for i, c in enumerate(covenant.criteria.all(), start=1)
        ],
        "n_registrations": number_text(
            sum(
                r.status in (RegistrationStatus.REGISTERED, RegistrationStatus.ACCEPTED)
                for r in registrations
            )
        ),
        "registrations": [
            {
                "stt": str(i),
                "name": r.org.name,
                "status": REGISTRATION_STATUS.get(r.status, r.status),
                "titles": "; ".join(award_names.get(t, t) for t in r.titles) or NONE,
                "n_targets": number_text(len(r.targets.all())),
            }
            for i, r in enumerate(registrations, start=1)
        ],
    }


def _results(cy: ClusterYear) -> dict[str, Any]:
    """The published scoring results (ranks and totals) and the vote's proposals."""
    from scoring.models import ScoringTable
    from votes.models import Proposal, ProposalKind

    table = (
        ScoringTable.objects.filter(cluster_year=cy, results_published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    central = cy.cluster.organiser.kind == OrgKind.CENTRAL
    flag = "Cờ thi đua của Chính phủ" if central else "Cờ thi đua của bộ, ngành, tỉnh"
    certificate = (
        "Bằng khen của Thủ tướng Chính phủ" if central else "Bằng khen của bộ, ngành, tỉnh"
    )
    proposal_words = {"flag": f"đề nghị tặng {flag}", "certificate": f"đề nghị tặng {certificate}"}
    results = []
    if table is not None and table.results:
        results = [
            {
                "rank": str(row["rank"]),
                "name": row["name"],
                "total": number_text(row["total"]),
                "proposal": proposal_words.get(row.get("proposal") or "", NONE),
            }
            for row in table.results.get("rows", [])
        ]
        published = timezone.localtime(table.results_published_at).date()
        results_note = (
            f"Kết quả chấm điểm, xếp hạng thi đua năm {cy.year} được công bố ngày "
            f"{published:%d/%m/%Y} theo {table.title} (thang điểm {table.scale})."
        )
    else:
        results_note = f"Kết quả chấm điểm, xếp hạng thi đua năm {cy.year} chưa được công bố."
    proposals = list(Proposal.objects.filter(cluster_year=cy).select_related("org"))
    flags = [p.org.name for p in proposals if p.kind == ProposalKind.FLAG]
    certificates = [p.org.name for p in proposals if p.kind == ProposalKind.CERTIFICATE]
    parts = []
    if flags:
        parts.append(f"{names_text(flags)} được đề nghị tặng {flag}")
    if certificates:
        parts.append(f"{names_text(certificates)} được đề nghị tặng {certificate}")
    if parts:
        proposals_text = "Qua bình xét, bỏ phiếu: " + "; ".join(parts) + "."
    elif any(r["proposal"] != NONE for r in results):
        # The ranks propose (the column above); the vote that settles it is not recorded yet.
        proposals_text = (
            "Đề nghị trong bảng trên là theo thứ hạng; kết quả bình xét, bỏ phiếu đề nghị "
            "khen thưởng chưa được ghi nhận."
        )
    else:
        proposals_text = "Chưa có đơn vị được đề nghị khen thưởng qua bình xét, bỏ phiếu."
    return {
        "results": results,
        "results_note": results_note,
        "proposals_flag": names_text(flags) or NONE,
        "proposals_certificate": names_text(certificates) or NONE,
        "proposals_text": proposals_text,
        "flag_name": flag,
        "certificate_name": certificate,
    }


def _late(cy: ClusterYear) -> dict[str, Any]:
    rows = [r for r in report_matrix(cy) if r.late or r.missing]
    late = [
        {
            "name": r.org.name,
            "late": number_text(r.late),
            "missing": number_text(r.missing),
        }
        for r in rows
    ]
    periods = cy.periods.count()
    if not periods:
        text = (
            "Trong năm, Cụm chưa đặt kỳ báo cáo."
            if cy.cluster.kind != ClusterKind.KHOI
            else ("Trong năm, Khối chưa đặt kỳ báo cáo.")
        )
    elif not rows:
        text = f"Các đơn vị thành viên gửi đầy đủ, đúng hạn báo cáo của {number_text(periods)} kỳ."
    else:
        pieces = []
        late_names = [f"{r.org.name} ({r.late} kỳ)" for r in rows if r.late]
        missing_names = [f"{r.org.name} ({r.missing} kỳ)" for r in rows if r.missing]
        if late_names:
            pieces.append("gửi báo cáo chậm: " + ", ".join(late_names))
        if missing_names:
            pieces.append("chưa gửi báo cáo: " + ", ".join(missing_names))
        text = f"Trong {number_text(periods)} kỳ báo cáo, một số đơn vị " + "; ".join(pieces) + "."
    return {"late": late, "late_text": text}


def yearend_context(cluster_year: ClusterYear) -> dict[str, Any]:
    """Everything the year-end report says, as plain Vietnamese text (numbers written 1.234)."""
    cy = (
        ClusterYear.objects.select_related("cluster__organiser", "head", "deputy")
        .prefetch_related("members__org")
        .get(pk=cluster_year.pk)
    )
    members = [m.org for m in cy.members.all()]
    word = _kind_word(cy)
    head_title = f"{word} trưởng"
    roles = {}
    if cy.head_id:
        roles[cy.head_id] = head_title
    if cy.deputy_id:
        roles[cy.deputy_id] = f"{word} phó"  # the same words as deputy_title
    following = (
        ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year + 1)
        .select_related("head", "deputy")
        .first()
    )
    next_head = following.head.name if following and following.head else ""
    next_deputy = following.deputy.name if following and following.deputy else ""
    if next_head:
        next_text = f"{next_head} được suy tôn là {head_title} năm {cy.year + 1}" + (
            f", {next_deputy} là {word} phó." if next_deputy else "."
        )
    else:
        next_text = f"{head_title}, {word} phó năm {cy.year + 1} chưa được bầu."
    lead = [f"{cy.head.name} là {head_title}"] if cy.head else []
    if cy.deputy:
        lead.append(f"{cy.deputy.name} là {word} phó")
    lead_text = (
        f"Năm {cy.year}, {', '.join(lead)}."
        if lead
        else f"Năm {cy.year}, {word} chưa có {head_title}, {word} phó."
    )
    meeting = cy.meetings.filter(kind=MeetingKind.YEAR_END).order_by("-date").first()
    place = _place(cy.head)
    context: dict[str, Any] = {
        "cluster": cy.cluster.name,
        "cluster_kind": f"{word} thi đua",
        "head_title": head_title,
        "deputy_title": f"{word} phó",
        "signer_title": head_title if cy.head else f"TM. {word} thi đua",
        "signer_name": cy.head.name if cy.head else "",
        "year": str(cy.year),
        "next_year": str(cy.year + 1),
        "organiser": cy.cluster.organiser.name,
        "head": cy.head.name if cy.head else "chưa có",
        "deputy": cy.deputy.name if cy.deputy else "chưa có",
        "number": "Số:" + "\u00a0" * 8 + "/BC-CTĐ",  # the number is given when it is issued
        "place_date": decree30.place_date(
            place, meeting.date if meeting else None, year=cy.year + 1
        ),
        "n_members": number_text(len(members)),
        "member_names": names_text([m.name for m in members]) or "chưa có",
        "members": [
            {"stt": str(i), "name": m.name, "role": roles.get(m.pk, "Thành viên")}
            for i, m in enumerate(members, start=1)
        ],
        "lead_text": lead_text,
        "next_head": next_head or "chưa bầu",
        "next_deputy": next_deputy or "chưa bầu",
        "next_text": next_text,
    }
    context.update(_movements(cy, members))
    context.update(_covenant(cy, members))
    context.update(_results(cy))
    context.update(_awards(cy, members))
    context.update(_late(cy))
    return context


# --- the built-in layout ------------------------------------------------------------------------


def _dotted(n: int = 3) -> list[Para]:
    return [Para(DOTS, indent=False, align="left") for _ in range(n)]


def _movements_text(launched: str, joined: str) -> str:
    """The movements' sentence, without "đã phát động 0 phong trào"."""
    if launched != "0" and joined != "0":
        return (
            f"Trong năm, các đơn vị thành viên đã phát động {launched} phong trào thi đua và "
            f"tham gia {joined} phong trào thi đua khác."
        )
    if launched != "0":
        return f"Trong năm, các đơn vị thành viên đã phát động {launched} phong trào thi đua."
    if joined != "0":
        return (
            f"Trong năm, các đơn vị thành viên tham gia {joined} phong trào thi đua; chưa ghi "
            "nhận phong trào do các đơn vị thành viên phát động."
        )
    return "Trong năm, chưa ghi nhận phong trào thi đua do các đơn vị thành viên phát động hoặc tham gia."


def build(context: Mapping[str, Any]) -> Document:
    """The year-end report in the Decree 30 layout."""
    c = context
    word = c["cluster_kind"]
    blocks: list[Any] = [
        Header(
            body=[c["cluster"], c["signer_name"]] if c["signer_name"] else [c["cluster"]],
            number=c["number"],
            place_date=c["place_date"],
        ),
        Title(
            "Báo cáo",
            f"Tổng kết công tác thi đua, khen thưởng năm {c['year']} "
            f"và phương hướng, nhiệm vụ năm {c['next_year']}",
            c["cluster"],
        ),
        Heading("I. ĐẶC ĐIỂM TÌNH HÌNH", indent=False),
        Para(
            f"{c['cluster']} do {c['organiser']} tổ chức, gồm {c['n_members']} đơn vị thành "
            f"viên: {c['member_names']}. {c['lead_text']}"
        ),
    ]
    if c["members"]:
        blocks.append(
            Grid(
                heads=["STT", "Đơn vị thành viên", "Vai trò"],
                rows=[[m["stt"], m["name"], m["role"]] for m in c["members"]],
                widths_cm=[1.5, 10.5, 4.0],
            )
        )
    blocks += [
        Para(
            f"Giao ước thi đua năm {c['year']} “{c['covenant_title']}”: {c['covenant_status']}, "
            f"ngày ký kết: {c['covenant_signed']}; {c['n_criteria']} nội dung, tiêu chí; "
            f"{c['n_registrations']} đơn vị đã đăng ký chỉ tiêu, danh hiệu thi đua."
        ),
        Heading("II. KẾT QUẢ THỰC HIỆN", indent=False),
        Heading("1. Tổ chức các phong trào thi đua"),
        Para(_movements_text(c["n_movements_launched"], c["n_movements_joined"])),
    ]
    movements = [*c["movements_launched"], *c["movements_joined"]]
    if movements:
        blocks.append(
            Grid(
                heads=["STT", "Phong trào thi đua", "Đơn vị phát động", "Loại", "Ngày"],
                rows=[
                    [str(i), m["name"], m["launched_by"], m["kind"], m["date"]]
                    for i, m in enumerate(movements, start=1)
                ],
                widths_cm=[1.2, 6.3, 4.5, 2.2, 2.3],
            )
        )
    blocks.append(Heading("2. Thực hiện giao ước thi đua"))
    if c["criteria"]:
        blocks += [Para(f"- {item['text']}", indent=True) for item in c["criteria"]]
    if c["registrations"]:
        blocks.append(
            Grid(
                heads=["STT", "Đơn vị", "Đăng ký", "Danh hiệu", "Chỉ tiêu"],
                rows=[
                    [r["stt"], r["name"], r["status"], r["titles"], r["n_targets"]]
                    for r in c["registrations"]
                ],
                widths_cm=[1.2, 5.6, 4.2, 3.2, 2.3],
            )
        )
    else:
        blocks.append(Para("Chưa có đơn vị đăng ký chỉ tiêu, danh hiệu thi đua."))
    blocks += [Heading("3. Kết quả chấm điểm, xếp hạng và bình xét"), Para(c["results_note"])]
    if c["results"]:
        blocks.append(
            Grid(
                heads=["Hạng", "Đơn vị", "Tổng điểm", "Đề nghị"],
                rows=[[r["rank"], r["name"], r["total"], r["proposal"]] for r in c["results"]],
                widths_cm=[1.5, 6.0, 2.5, 6.0],
            )
        )
    blocks += [
        Para(c["proposals_text"]),
        Para(c["next_text"]),
        Heading("4. Công tác khen thưởng"),
        Para(c["awards_text"]),
    ]
    if c["awards"]:
        blocks.append(
            Grid(
                heads=[
                    "STT",
                    "Đơn vị",
                    "Nhà nước: tập thể",
                    "Nhà nước: cá nhân",
                    "Bộ, tỉnh: tập thể",
                    "Bộ, tỉnh: cá nhân",
                ],
                rows=[
                    [
                        a["stt"],
                        a["name"],
                        a["state_collectives"],
                        a["state_individuals"],
                        a["province_collectives"],
                        a["province_individuals"],
                    ]
                    for a in c["awards"]
                ],
                widths_cm=[1.2, 5.2, 2.4, 2.4, 2.4, 2.4],
            )
        )
    if c["member_awards"]:
        blocks.append(
            Para(
                "Các đơn vị thành viên được khen thưởng: "
                + "; ".join(
                    f"{a['unit']}: {a['award']} ({a['decision']})" for a in c["member_awards"]
                )
                + "."
            )
        )
    blocks += [
        Heading("5. Thực hiện chế độ thông tin, báo cáo"),
        Para(c["late_text"]),
        Heading("III. TỒN TẠI, HẠN CHẾ", indent=False),
        *_dotted(),
        Heading(f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {c['next_year']}", indent=False),
        Para(
            f"Tiếp tục đẩy mạnh các phong trào thi đua yêu nước; tổ chức ký kết giao ước thi đua "
            f"năm {c['next_year']}. {c['next_text']}"
        ),
        *_dotted(),
        Signatures(
            right=Sign(
                c["signer_title"],
                # The head unit's leader signs and writes their name; the unit is in the header.
                note="(Ký, ghi rõ họ tên, đóng dấu)",
            ),
            recipients=[
                f"- {c['organiser']};",
                f"- Các đơn vị thành viên {word};",
                "- Lưu: VT.",
            ],
        ),
    ]
    return Document(
        kind="cluster_yearend",
        filename=f"bao-cao-tong-ket-{c['cluster']}-{c['year']}",
        blocks=blocks,
    )


# --- registration -------------------------------------------------------------------------------

MOVEMENT_FIELDS = [
    Field("stt", "Số thứ tự", "1"),
    Field("name", "Tên phong trào", "Cả nước chung sức xây dựng nông thôn mới"),
    Field("launched_by", "Đơn vị phát động", "Tỉnh Lào Cai"),
    Field("kind", "Loại", "Thường xuyên"),
    Field("date", "Ngày phát động", "15/02/2016"),
]

FIELDS = [
    Field("cluster", "Tên cụm, khối", "Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc"),
    Field("cluster_kind", "Cụm thi đua hay Khối thi đua", "Cụm thi đua"),
    Field("head_title", "Cụm trưởng hay Khối trưởng", "Cụm trưởng"),
    Field("deputy_title", "Cụm phó hay Khối phó", "Cụm phó"),
    Field("signer_title", "Chức danh ký", "Cụm trưởng"),
    Field("signer_name", "Đơn vị ký (Cụm trưởng)", "Tỉnh Lào Cai"),
    Field("year", "Năm", "2016"),
    Field("next_year", "Năm tới", "2017"),
    Field("organiser", "Đơn vị tổ chức cụm", "Hội đồng Thi đua - Khen thưởng Trung ương"),
    Field("head", "Đơn vị Cụm trưởng", "Tỉnh Lào Cai"),
    Field("deputy", "Đơn vị Cụm phó", "Tỉnh Lạng Sơn"),
    Field("number", "Số, ký hiệu", "Số:" + "\u00a0" * 8 + "/BC-CTĐ"),
    Field("place_date", "Địa danh, ngày tháng", "Lào Cai, ngày 10 tháng 3 năm 2017"),
    Field("n_members", "Số đơn vị thành viên", "7"),
    Field(
        "member_names", "Tên các đơn vị thành viên", "Tỉnh Lào Cai, Tỉnh Lạng Sơn và Tỉnh Sơn La"
    ),
    Field(
        "members",
        "Đơn vị thành viên",
        children=[
            Field("stt", "Số thứ tự", "1"),
            Field("name", "Tên đơn vị", "Tỉnh Lào Cai"),
            Field("role", "Vai trò", "Cụm trưởng"),
        ],
    ),
    Field(
        "lead_text",
        "Câu về Cụm trưởng, Cụm phó",
        "Năm 2016, Tỉnh Lào Cai là Cụm trưởng, Tỉnh Lạng Sơn là Cụm phó.",
    ),
    Field("next_head", "Cụm trưởng năm tới", "Tỉnh Lào Cai"),
    Field("next_deputy", "Cụm phó năm tới", "Tỉnh Sơn La"),
    Field(
        "next_text",
        "Câu về Cụm trưởng, Cụm phó năm tới",
        "Tỉnh Lào Cai được suy tôn là Cụm trưởng năm 2017.",
    ),
    Field("n_movements_launched", "Số phong trào các đơn vị phát động", "7"),
    Field("n_movements_joined", "Số phong trào tham gia", "5"),
    Field("movements_launched", "Phong trào do các đơn vị phát động", children=MOVEMENT_FIELDS),
    Field("movements_joined", "Phong trào các đơn vị tham gia", children=MOVEMENT_FIELDS),
    Field("covenant_title", "Tên giao ước thi đua", "Giao ước thi đua năm 2016"),
    Field("covenant_status", "Tình trạng giao ước", "đã ký kết"),
    Field("covenant_signed", "Ngày ký kết giao ước", "ngày 15 tháng 3 năm 2016"),
    Field("n_criteria", "Số nội dung, tiêu chí của giao ước", "6"),
    Field(
        "criteria",
        "Nội dung, tiêu chí của giao ước",
        children=[
            Field("stt", "Số thứ tự", "1"),
            Field("text", "Nội dung", "Thu ngân sách đạt kế hoạch"),
        ],
    ),
    Field("n_registrations", "Số đơn vị đã đăng ký", "7"),
    Field(
        "registrations",
        "Đăng ký thi đua của các đơn vị",
        children=[
            Field("stt", "Số thứ tự", "1"),
            Field("name", "Đơn vị", "Tỉnh Sơn La"),
            Field("status", "Tình trạng", "đã chấp thuận"),
            Field("titles", "Danh hiệu đăng ký", "Cờ thi đua của Chính phủ"),
            Field("n_targets", "Số chỉ tiêu", "4"),
        ],
    ),
    Field(
        "results",
        "Kết quả chấm điểm, xếp hạng",
        children=[
            Field("rank", "Hạng", "1"),
            Field("name", "Đơn vị", "Tỉnh Lạng Sơn"),
            Field("total", "Tổng điểm", "95,5"),
            Field("proposal", "Đề nghị", "đề nghị tặng Cờ thi đua của Chính phủ"),
        ],
    ),
    Field(
        "results_note",
        "Câu về kết quả chấm điểm",
        "Kết quả chấm điểm năm 2016 được công bố ngày 20/02/2017.",
    ),
    Field("flag_name", "Tên cờ thi đua được đề nghị", "Cờ thi đua của Chính phủ"),
    Field("certificate_name", "Tên bằng khen được đề nghị", "Bằng khen của Thủ tướng Chính phủ"),
    Field("proposals_flag", "Đơn vị được đề nghị tặng Cờ", "Tỉnh Lạng Sơn"),
    Field("proposals_certificate", "Đơn vị được đề nghị tặng Bằng khen", "Tỉnh Lào Cai"),
    Field(
        "proposals_text",
        "Câu về đề nghị khen thưởng",
        "Qua bình xét, bỏ phiếu: Tỉnh Lạng Sơn được đề nghị tặng Cờ thi đua của Chính phủ.",
    ),
    Field("state_collectives", "Tập thể được Chủ tịch nước, Thủ tướng khen thưởng", "247"),
    Field("state_individuals", "Cá nhân được Chủ tịch nước, Thủ tướng khen thưởng", "562"),
    Field("province_collectives", "Tập thể được bộ, tỉnh khen thưởng", "8.169"),
    Field("province_individuals", "Cá nhân được bộ, tỉnh khen thưởng", "11.468"),
    Field("grassroots_collectives", "Tập thể được khen thưởng cấp cơ sở", "12.000"),
    Field("grassroots_individuals", "Cá nhân được khen thưởng cấp cơ sở", "45.000"),
    Field(
        "awards_text",
        "Câu về số khen thưởng",
        "Năm 2016, 247 tập thể và 562 cá nhân … đã được Chủ tịch nước, Thủ tướng Chính phủ khen thưởng; …",
    ),
    Field(
        "awards",
        "Khen thưởng theo đơn vị",
        children=[
            Field("stt", "Số thứ tự", "1"),
            Field("name", "Đơn vị", "Tỉnh Sơn La"),
            Field("state_collectives", "Nhà nước: tập thể", "30"),
            Field("state_individuals", "Nhà nước: cá nhân", "80"),
            Field("province_collectives", "Bộ, tỉnh: tập thể", "1.200"),
            Field("province_individuals", "Bộ, tỉnh: cá nhân", "1.650"),
        ],
    ),
    Field(
        "member_awards",
        "Khen thưởng của các đơn vị thành viên",
        children=[
            Field("unit", "Đơn vị", "Tỉnh Lạng Sơn"),
            Field("award", "Danh hiệu, hình thức", "Cờ thi đua của Chính phủ"),
            Field("decision", "Quyết định", "Quyết định số 512/QĐ-TTg ngày 20/4/2017"),
        ],
    ),
    Field(
        "late",
        "Đơn vị báo cáo chậm",
        children=[
            Field("name", "Đơn vị", "Tỉnh Hà Giang"),
            Field("late", "Số kỳ báo cáo chậm", "1"),
            Field("missing", "Số kỳ chưa báo cáo", "0"),
        ],
    ),
    Field(
        "late_text",
        "Câu về báo cáo",
        "Trong 3 kỳ báo cáo, một số đơn vị gửi báo cáo chậm: Tỉnh Hà Giang (1 kỳ).",
    ),
]

KIND = Kind(
    key="cluster_yearend",
    name=_("Cluster year-end report"),
    build=build,
    fields=FIELDS,
    description=_(
        "Báo cáo tổng kết of a cluster or block's year: members, movements, covenant, scores and "
        "ranking, proposals, commendations, reports; signed by the head unit."
    ),
)
