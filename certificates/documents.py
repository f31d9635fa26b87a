"""A decision's certificates as documents: Bằng khen, Giấy khen or a certificate of the title
(giấy chứng nhận), a page per recipient, A4 landscape, with the verification code and a QR code
of the public verify page in the lower left corner.

`certificate_context` gathers everything printed as plain values (the document service's
templates read the same dict); `pdf` lays it out through WeasyPrint from
certificates/certificate_pdf.html; `build` gives the same pages as blocks for the DOCX.
The documents are in Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from certificates import rules
from core import decree30
from core.text import fold
from documents.blocks import Block, Document, Image, PageBreak, Para, Sign, Signatures
from documents.registry import Field, Kind, register
from documents.render import pdf_from_html
from documents.templating import Picture
from dossiers.documents import authority, place
from register.models import Award, Decision, Record

KIND = "certificate"
SALUTATIONS = {"M": "Ông", "F": "Bà"}
QR_CM = 2.5  # the QR code's width on a DOCX page (the PDF's layout sets its own)


def public_url(path: str, request: HttpRequest | None) -> str:
    """An absolute address the public can open: under settings.PUBLIC_BASE_URL when the
    deployment sets one (the address printed on paper must not depend on who printed it),
    else under the address the request came to."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def verify_url(code: str, request: HttpRequest | None) -> str:
    return public_url(reverse("verify:code", args=[rules.display(code)]), request)


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def recipient_lines(record: Record) -> tuple[str, str, str]:
    """(salutation, name, the unit line) of a record's recipient. A person's unit is the one
    they worked in when the decision was made, never where they work now; "" when the record
    does not say (the paper and the verify page then leave the unit out)."""
    if record.person is not None:
        person = record.person
        unit = record.unit.name if record.unit is not None else ""
        return SALUTATIONS.get(person.gender, ""), person.full_name, unit
    org = record.org
    assert org is not None  # a record has a person or a collective (a database constraint)
    parent = org.parent
    above = ""
    if parent is not None and fold(parent.name) not in fold(org.name):
        above = parent.name
    return "", org.name, above


def unit_line(unit: str, *, collective: bool) -> str:
    """The line under the recipient's name: "Đơn vị: …" for a person, "Trực thuộc: …" for a
    collective; none when the unit is not known."""
    if not unit:
        return ""
    return f"{'Trực thuộc' if collective else 'Đơn vị'}: {unit}"


def certificate_context(
    decision: Decision, records: Sequence[Record], request: HttpRequest | None
) -> dict[str, Any]:
    """What the certificates of `records` (in force, each with its certificate) print."""
    issuer = decision.issuer
    head, on_behalf, own_title = rules.signer_lines(decision.signer_title, issuer.kind)
    authority_name = authority(issuer)
    awards = {a.code: a for a in Award.objects.filter(code__in={r.code for r in records})}
    certificates = []
    for record in records:
        award = awards.get(record.code)
        award_name = award.name if award is not None else record.code
        award_kind = award.kind if award is not None else ""
        paper = rules.paper(award_kind, award_name)
        salutation, name, unit = recipient_lines(record)
        code = record.certificate.code
        url = verify_url(code, request)
        certificates.append(
            {
                "code": rules.display(code),
                "verify_url": url,
                "qr_png": Picture(qr_png(url), width_cm=QR_CM),
                "paper": paper,
                "give": "TẶNG" if rules.is_certificate(paper) else "",
                "salutation": salutation,
                "name": name,
                "unit": unit,
                "unit_line": unit_line(unit, collective=record.person_id is None),
                "collective": record.person_id is None,
                "award": award_name,
                "year": str(record.year),
                "achievement": rules.achievement(
                    paper_name=paper,
                    award_kind=award_kind,
                    award_name=award_name,
                    year=record.year,
                    summary=decision.summary,
                ),
            }
        )
    return {
        "decision_number": decision.number,
        "decision_date": f"{decision.date:%d/%m/%Y}",
        "issuer": authority_name,
        "authority": rules.authority_line(head, authority_name),
        "place_date": decree30.place_date(place(issuer), decision.date),
        "signer": decision.signer,
        "signer_on_behalf": on_behalf,
        "signer_title": own_title,
        "verify_form_url": public_url(reverse("verify:form"), request),
        "certificates": certificates,
    }


def filename(context: Mapping[str, Any]) -> str:
    """The file name, without its extension, from the decision's number: chung-nhan-15-qd-ubnd."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(str(context.get("decision_number", "")))).strip("-")
    return f"chung-nhan-{slug or 'quyet-dinh'}"


# --- PDF -----------------------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    # Vector, so it stays sharp on paper; 0 border: the layout gives it its quiet zone.
    return str(segno.make(url, error="m").svg_data_uri(scale=1, border=0))


def pdf(context: Mapping[str, Any]) -> bytes:
    """The certificates as one PDF, a page per recipient (WeasyPrint; the page reads nothing
    but the pictures inside it)."""
    pages = []
    authority_text = str(context.get("authority", ""))
    for c in context.get("certificates") or []:
        unit = str(c.get("unit_line") or "")
        name_size, unit_size, line_size = rules.fit_sizes(
            authority=authority_text,
            name=f"{c.get('salutation', '')} {c.get('name', '')}".strip(),
            unit=unit,
            line=str(c.get("achievement", "")),
        )
        pages.append(
            {
                **c,
                "qr_svg": _qr_svg(str(c.get("verify_url") or c.get("code") or "-")),
                "name_size": name_size,
                "unit_line": unit,
                "unit_size": unit_size,
                "line_size": line_size,
            }
        )
    html = render_to_string(
        "certificates/certificate_pdf.html",
        {
            **context,
            "pages": pages,
            "authority_size": rules.authority_size(authority_text),
        },
    )
    return pdf_from_html(html)


# --- DOCX (through the document service) ---------------------------------------------------------


def build(context: Mapping[str, Any]) -> Document:
    """The certificates as document blocks for the DOCX: a landscape page per recipient, with
    the QR code and the verification code at the foot."""
    blocks: list[Block] = []
    for i, c in enumerate(context.get("certificates") or []):
        if i:
            blocks.append(PageBreak())
        name = f"{c.get('salutation', '')} {c.get('name', '')}".strip()
        unit = str(c.get("unit_line") or "")
        signer_title = str(context.get("signer_title", ""))
        if context.get("signer_on_behalf"):
            signer_title = f"{context['signer_on_behalf']}\n{signer_title}"
        blocks += [
            Para(decree30.NATIONAL_TITLE, bold=True, indent=False, align="center", size=13),
            Para(decree30.MOTTO, bold=True, indent=False, align="center", size=14),
            Para(
                str(context.get("authority", "")), bold=True, indent=False, align="center", size=15
            ),
        ]
        if c.get("give"):
            blocks.append(Para(str(c["give"]), bold=True, indent=False, align="center", size=16))
        blocks += [
            Para(str(c.get("paper", "")), bold=True, indent=False, align="center", size=28),
            Para(name, bold=True, indent=False, align="center", size=22 if len(name) <= 40 else 16),
        ]
        if unit:
            blocks.append(Para(unit, indent=False, align="center", size=15))
        blocks += [
            Para(str(c.get("achievement", "")), italic=True, indent=False, align="center", size=15),
            Para(str(context.get("place_date", "")), italic=True, indent=False, align="right"),
            Signatures(right=Sign(signer_title, note="", names=[str(context.get("signer", ""))])),
        ]
        png = c.get("qr_png")
        if isinstance(png, bytes) and png:
            blocks.append(Image(png=png, width_cm=QR_CM, align="left"))
        blocks += [
            Para(
                f"Quyết định số {context.get('decision_number', '')} ngày "
                f"{context.get('decision_date', '')} · Mã xác thực: {c.get('code', '')}",
                indent=False,
                align="left",
                size=11,
            ),
            Para(f"Tra cứu tại: {c.get('verify_url', '')}", indent=False, align="left", size=10),
        ]
    return Document(kind=KIND, filename=filename(context), blocks=blocks, landscape=True)


EXAMPLE_URL = "https://thidua.example.gov.vn/verify/TD-7K3M-9QXA-2F8B/"
FIELDS = [
    Field("decision_number", "Số, ký hiệu quyết định", "1520/QĐ-UBND"),
    Field("decision_date", "Ngày quyết định", "20/12/2024"),
    Field("issuer", "Cơ quan ban hành", "Ủy ban nhân dân tỉnh Thái Nguyên"),
    Field("authority", "Người tặng (dòng trên cùng)", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"),
    Field("place_date", "Địa danh, ngày tháng", "Thái Nguyên, ngày 20 tháng 12 năm 2024"),
    Field("signer", "Người ký", "Trịnh Việt Hùng"),
    Field("signer_on_behalf", "Ký thay (KT.)", ""),
    Field("signer_title", "Chức vụ người ký", "CHỦ TỊCH"),
    Field("verify_form_url", "Trang tra cứu", "https://thidua.example.gov.vn/verify/"),
    Field(
        "certificates",
        "Bằng khen, giấy khen (mỗi người một trang)",
        children=[
            Field("code", "Mã xác thực", "TD-7K3M-9QXA-2F8B"),
            Field("verify_url", "Địa chỉ tra cứu", EXAMPLE_URL),
            Field(
                "qr_png",
                "Mã QR của địa chỉ tra cứu (hình ảnh)",
                Picture(qr_png(EXAMPLE_URL), width_cm=QR_CM),
            ),
            Field("paper", "Loại giấy", "BẰNG KHEN"),
            Field("give", "Chữ “TẶNG”", "TẶNG"),
            Field("salutation", "Ông/Bà", "Bà"),
            Field("name", "Người, tập thể được tặng", "Nguyễn Thị Lan"),
            Field("unit", "Đơn vị (khi được khen)", "Sở Nội vụ tỉnh Thái Nguyên"),
            Field(
                "unit_line",
                "Dòng đơn vị (“Đơn vị: …”, “Trực thuộc: …”; trống khi không rõ đơn vị)",
                "Đơn vị: Sở Nội vụ tỉnh Thái Nguyên",
            ),
            Field("award", "Danh hiệu, hình thức", "Bằng khen cấp bộ, ban, ngành, tỉnh"),
            Field("year", "Năm thành tích", "2024"),
            Field(
                "achievement",
                "Thành tích",
                "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2024",
            ),
        ],
    ),
]


def register_kind() -> None:
    """Register the certificates with the document service (from CertificatesConfig.ready)."""
    from django.utils.translation import gettext_lazy as _

    register(
        Kind(
            key=KIND,
            name=_("Certificates of a decision (Bằng khen, Giấy khen)"),
            build=build,
            fields=FIELDS,
            pdf=pdf,
            description=_(
                "A page per recipient in force, with the verification code and its QR code."
            ),
        )
    )
