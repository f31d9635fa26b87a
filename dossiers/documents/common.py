"""Shared pieces of a dossier's documents: the names an issuing body goes by, the place of the
date line, file names, what is proposed in words, and small helpers of the layouts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone

from core.text import fold
from documents.blocks import Block, Header, Para
from documents.registry import Field
from dossiers.models import DocumentKind, Dossier, DossierRecipient
from orgs.models import Org, OrgKind

Context = Mapping[str, Any]


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


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def letter_filename(dossier: Dossier) -> str:
    """The letter's file name, e.g. "to-trinh-HS-2026-000012.docx"."""
    return f"to-trinh-{_safe(dossier.reference)}.docx"


def report_filename(recipient: DossierRecipient) -> str:
    """A report's file name, e.g. "bao-cao-thanh-tich-HS-2026-000012-nguyen-thi-lan.docx"."""
    name = slug(recipient.name)[:60].strip("-") or str(recipient.pk)
    return f"bao-cao-thanh-tich-{_safe(recipient.dossier.reference)}-{name}.docx"


def _safe(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", fold(reference).upper()).strip("-")


# --- shared pieces -------------------------------------------------------------------------------


def award_of(code: str) -> tuple[str, bool]:
    """The award's name, and whether it is a title (danh hiệu) rather than a form."""
    from register.models import Award
    from register.selectors import catalogue_name

    kind = Award.objects.filter(code=code).values_list("kind", flat=True).first()
    return catalogue_name(code), kind == "title"


def award_phrase(code: str, year: int) -> str:
    """What is proposed, as the letter and the report say it: "danh hiệu Chiến sĩ thi đua cơ sở
    năm 2025", "Bằng khen cấp bộ, ban, ngành, tỉnh năm 2025"."""
    name, is_title = award_of(code)
    return f"{'danh hiệu ' if is_title else ''}{name} năm {year}"


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def text_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    """Lines as a list field's rows ({"text": …})."""
    return [{"text": line} for line in lines]


def year_of(day: dt.date | None) -> int:
    return day.year if day is not None else timezone.localdate().year


def decision_text(record: Any) -> str:
    d = record.decision
    return f"Quyết định số {d.number} ngày {d.date:%d/%m/%Y} của {authority(d.issuer)}"


def count_phrase(recipients: Sequence[DossierRecipient], individual: bool) -> str:
    people = sum(1 for r in recipients if r.person_id)
    units = len(recipients) - people
    parts = [f"{people} cá nhân" if people else "", f"{units} tập thể" if units else ""]
    return " và ".join(p for p in parts if p) or ("0 cá nhân" if individual else "0 tập thể")


def body_lines(org: Org) -> dict[str, str]:
    """The issuing body as two fields: its superior ("" for a province) and itself."""
    lines = issuing_body(org)
    return {"body_above": lines[0] if len(lines) > 1 else "", "body": lines[-1]}


def header_block(context: Context, *, number: str = "") -> Header:
    return Header(
        body=[context["body_above"], context["body"]],
        number=number,
        place_date=context["place_date"],
    )


def paras(rows: Iterable[Mapping[str, Any]], **style: Any) -> list[Block]:
    return [Para(row["text"], **style) for row in rows]


BODY_FIELDS = [
    Field("body_above", "Cơ quan chủ quản", "UBND tỉnh Thái Nguyên"),
    Field("body", "Cơ quan, đơn vị ban hành", "Sở Nội vụ"),
]
TEXT_FIELDS = [Field("text", "Nội dung", "")]
