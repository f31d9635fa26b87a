"""Quyết định khen thưởng (the kind "decision"): a commendation decision of the register with its
recipients, in the Decree 30/2020 layout: the issuer's header, "QUYẾT ĐỊNH / Về việc tặng …", the
authority, the legal basis (by the decision's date; dotted lines for what the officer completes),
Điều 1 with the recipients as a table, Điều 2 with the reward and the fund it is paid from,
Điều 3 on execution, the signature and "Nơi nhận".

`decision_context(decision, records)` gathers what it prints as plain Vietnamese text (dates in
words, amounts as 1.234.000 and in words); `build(context)` lays it out. The document is in
Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy

from core import decree30
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
from register.models import Award, Decision, Fund, Record

KEY = "decision"
DOTS = "…" * 12  # room the officer completes (short: justified lines stay even)
SALUTATIONS = {"M": "Ông", "F": "Bà"}
LAW_2003 = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số "
    "điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;"
)
LAW_2022 = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"
DECREES = (
    # (in force from, the decree detailing the law)
    (
        dt.date(2025, 7, 1),
        "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số "
        "điều của Luật Thi đua, khen thưởng;",
    ),
    (
        dt.date(2024, 1, 1),
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    ),
    (
        dt.date(1900, 1, 1),
        "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
    ),
)
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


# --- numbers ---------------------------------------------------------------------------------------


def _three(n: int, *, leading: bool) -> list[str]:
    """The words of a group of three digits (0 < n < 1000); a group after another reads its
    hundreds even when they are none ("không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool) -> list[str]:
    words: list[str] = []
    for scale, group in (("triệu", n // 10**6), ("nghìn", n // 1000 % 1000), ("", n % 1000)):
        if group:
            words += _three(group, leading=leading and not words)
            if scale:
                words.append(scale)
    return words


def _words(n: int, *, leading: bool = True) -> list[str]:
    billions, rest = divmod(n, 10**9)
    words = [*_words(billions), "tỷ"] if billions else []
    if rest:
        words += _below_billion(rest, leading=leading and not words)
    return words


def amount_words(amount: int) -> str:
    """An amount in words, as a decision writes it after "bằng chữ": "Hai triệu ba trăm bốn
    mươi nghìn đồng", "Một triệu không trăm linh năm nghìn đồng", "Hai tỷ năm trăm triệu đồng"."""
    if amount < 0:
        raise ValueError("an amount is not negative")
    text = " ".join(_words(amount)) if amount else "không"
    return f"{text[:1].upper()}{text[1:]} đồng"


# --- the context ------------------------------------------------------------------------------------


def basis_lines(day: dt.date, authority_name: str) -> list[str]:
    """The legal basis of a decision signed on `day`: the issuer's powers and the proposal
    (dotted, for the officer to complete), the law and the decree then in force."""
    decree = next(text for since, text in DECREES if day >= since)
    return [
        f"Căn cứ {DOTS} quy định chức năng, nhiệm vụ, quyền hạn của {authority_name};",
        LAW_2003 if day < dt.date(2024, 1, 1) else LAW_2022,
        decree,
        f"Xét đề nghị của {DOTS}.",
    ]


def fund_text(decision: Decision, authority_name: str) -> str:
    """The fund the rewards are paid from, as Điều 2 names it."""
    from register.catalogue import fund_for_kind

    fund = decision.fund or fund_for_kind(decision.issuer.kind)
    if fund == Fund.TW:
        return "Quỹ thi đua, khen thưởng Trung ương"
    if fund == Fund.KHAC:
        return "nguồn kinh phí khác theo quy định"
    return f"Quỹ thi đua, khen thưởng của {authority_name}"


def joined(phrases: Sequence[str]) -> str:
    """ "A", "A và B", "A, B và C"."""
    if len(phrases) < 2:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} và {phrases[-1]}"


def _count(records: Sequence[Record]) -> str:
    people = sum(1 for r in records if r.person_id)
    units = len(records) - people
    parts = [f"{units} tập thể" if units else "", f"{people} cá nhân" if people else ""]
    return " và ".join(p for p in parts if p) or "0 cá nhân"


def _recipient(index: int, record: Record, award: str) -> dict[str, str]:
    if record.person is not None:
        person = record.person
        unit = record.unit or person.unit
        name = f"{SALUTATIONS.get(person.gender, '')} {person.full_name}".strip()
        where = ", ".join(p for p in (person.position, unit.name) if p)
    else:
        org = record.org
        assert org is not None  # a record has a person or a collective (a database constraint)
        name = org.name
        where = org.parent.name if org.parent is not None else ""
    return {
        "index": str(index),
        "name": name,
        "unit": where,
        "award": award,
        "amount": number_text(record.amount),
    }


def _achievement(summary: str) -> str:
    """What the recipients are commended for, from the decision's summary ("đã có thành tích
    xuất sắc …"); the usual phrase when the summary does not say it."""
    summary = " ".join((summary or "").split()).rstrip(".;")
    if fold(summary).startswith("da "):
        return summary[:1].lower() + summary[1:]
    return "đã có thành tích xuất sắc trong thực hiện nhiệm vụ"


def decision_context(decision: Decision, records: Sequence[Record]) -> dict[str, Any]:
    """What the decision prints, listing `records` (in the order given) as its recipients."""
    from certificates import rules as certificate_rules
    from dossiers.documents import authority, issuing_body, place, symbol
    from register.selectors import catalogue_name

    issuer = decision.issuer
    authority_name = authority(issuer)
    head, on_behalf, own_title = certificate_rules.signer_lines(decision.signer_title, issuer.kind)
    names = {code: catalogue_name(code) for code in dict.fromkeys(r.code for r in records)}
    kinds = dict(Award.objects.filter(code__in=list(names)).values_list("code", "kind"))
    phrases = [f"{'danh hiệu ' if kinds.get(c) == 'title' else ''}{n}" for c, n in names.items()]
    lines = issuing_body(issuer)
    total = sum(r.amount for r in records)
    abbreviation = symbol(issuer)
    return {
        "body_above": lines[0] if len(lines) > 1 else "",
        "body": lines[-1],
        "decision_number": decision.number,
        "number": f"Số: {decision.number}",
        "place_date": decree30.place_date(place(issuer), decision.date),
        "award": joined(phrases),
        "authority": certificate_rules.authority_line(head, authority_name),
        "basis": [{"text": line} for line in basis_lines(decision.date, authority_name)],
        "count": _count(records),
        "achievement": _achievement(decision.summary),
        "recipients": [_recipient(i, r, names[r.code]) for i, r in enumerate(records, start=1)],
        "total": number_text(total),
        "total_words": amount_words(total),
        "fund": fund_text(decision, authority_name),
        "signer_on_behalf": on_behalf,
        "signer_title": own_title,
        "signer": decision.signer,
        "archive": f"- Lưu: VT, {abbreviation}.",
    }


# --- the layout -------------------------------------------------------------------------------------


def build(context: Mapping[str, Any]) -> Document:
    """The decision as document blocks."""
    award = context["award"]
    subject = f"Về việc tặng {award}" if award else "Về việc khen thưởng"
    rows = [
        [r["index"], r["name"], r["unit"], r["award"], r["amount"]] for r in context["recipients"]
    ]
    rows.append(["", "Tổng cộng", "", "", context["total"]])
    signer_title = "\n".join(p for p in (context["signer_on_behalf"], context["signer_title"]) if p)
    blocks: list[Block] = [
        Header(
            body=[context["body_above"], context["body"]],
            number=context["number"],
            place_date=context["place_date"],
        ),
        Title("Quyết định", subject),
        Para(context["authority"], bold=True, indent=False, align="center"),
        *[Para(line["text"], italic=True) for line in context["basis"]],
        Para("QUYẾT ĐỊNH:", bold=True, indent=False, align="center"),
        Heading(
            f"Điều 1. Tặng {award or 'khen thưởng'} cho {context['count']} "
            f"{context['achievement']}, gồm:"
        ),
        Grid(
            heads=[
                "STT",
                "Tập thể, cá nhân",
                "Chức vụ, đơn vị",
                "Danh hiệu, hình thức",
                "Số tiền (đồng)",
            ],
            rows=rows,
            widths_cm=[1.1, 4.4, 4.6, 3.5, 2.4],
        ),
        Para(
            f"Điều 2. Tiền thưởng kèm theo: tổng cộng {context['total']} đồng (bằng chữ: "
            f"{context['total_words']}), chi từ {context['fund']}."
        ),
        Para(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các "
            "cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
            "nhiệm thi hành Quyết định này./."
        ),
        Signatures(
            right=Sign(
                signer_title, note="", names=[context["signer"]] if context["signer"] else []
            ),
            recipients=["- Như Điều 3;", context["archive"]],
        ),
    ]
    slug = re.sub(r"[^a-z0-9]+", "-", fold(context["decision_number"])).strip("-")
    return Document(kind=KEY, filename=f"quyet-dinh-{slug or 'khen-thuong'}", blocks=blocks)


FIELDS = [
    Field("body_above", "Cơ quan chủ quản", ""),
    Field("body", "Cơ quan ban hành", "Ủy ban nhân dân tỉnh Thái Nguyên"),
    Field("decision_number", "Số, ký hiệu", "1520/QĐ-UBND"),
    Field("number", "Dòng số, ký hiệu", "Số: 1520/QĐ-UBND"),
    Field("place_date", "Địa danh, ngày tháng", "Thái Nguyên, ngày 20 tháng 12 năm 2024"),
    Field("award", "Danh hiệu, hình thức", "Bằng khen cấp bộ, ban, ngành, tỉnh"),
    Field("authority", "Thẩm quyền ban hành", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"),
    Field(
        "basis",
        "Căn cứ ban hành (cán bộ điều chỉnh)",
        example=[{"text": LAW_2022}, {"text": DECREES[1][1]}],
        children=[Field("text", "Căn cứ", LAW_2022)],
    ),
    Field("count", "Số tập thể, cá nhân", "1 tập thể và 1 cá nhân"),
    Field("achievement", "Thành tích", "đã có thành tích xuất sắc trong thực hiện nhiệm vụ"),
    Field(
        "recipients",
        "Danh sách khen thưởng (Điều 1)",
        example=[
            {
                "index": "1",
                "name": "Sở Nội vụ tỉnh Thái Nguyên",
                "unit": "Tỉnh Thái Nguyên",
                "award": "Bằng khen cấp bộ, ban, ngành, tỉnh",
                "amount": "3.510.000",
            },
            {
                "index": "2",
                "name": "Bà Nguyễn Thị Lan",
                "unit": "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên",
                "award": "Bằng khen cấp bộ, ban, ngành, tỉnh",
                "amount": "3.510.000",
            },
        ],
        children=[
            Field("index", "STT", "1"),
            Field("name", "Tập thể, cá nhân", "Bà Nguyễn Thị Lan"),
            Field("unit", "Chức vụ, đơn vị", "Chuyên viên, Sở Nội vụ tỉnh Thái Nguyên"),
            Field("award", "Danh hiệu, hình thức", "Bằng khen cấp bộ, ban, ngành, tỉnh"),
            Field("amount", "Số tiền (đồng)", "3.510.000"),
        ],
    ),
    Field("total", "Tổng số tiền (đồng)", "7.020.000"),
    Field("total_words", "Tổng số tiền bằng chữ", "Bảy triệu không trăm hai mươi nghìn đồng"),
    Field("fund", "Nguồn chi", "Quỹ thi đua, khen thưởng của Ủy ban nhân dân tỉnh Thái Nguyên"),
    Field("signer_on_behalf", "Ký thay (KT.)", "KT. CHỦ TỊCH"),
    Field("signer_title", "Chức vụ người ký", "PHÓ CHỦ TỊCH"),
    Field("signer", "Người ký", "Trịnh Việt Hùng"),
    Field("archive", "Nơi lưu", "- Lưu: VT, UBND."),
]

KIND = Kind(
    key=KEY,
    name=gettext_lazy("Commendation decision (quyết định khen thưởng)"),
    build=build,
    fields=FIELDS,
    description=gettext_lazy(
        "A decision of the register with its recipients, the reward and the fund it is paid "
        "from; the legal basis is for the officer to check."
    ),
)
