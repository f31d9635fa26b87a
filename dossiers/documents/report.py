"""Báo cáo thành tích (the kind "achievement_report") of one recipient of a dossier, after the
annex of Decree 152: the person's or unit's profile, their duties and achievements, the
initiatives relied on, and what the register holds of them (titles and forms not revoked,
annual ratings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from core import decree30
from documents.blocks import Block, Document, Grid, Heading, Labelled, Para, Sign, Signatures, Title
from documents.registry import Field, Kind
from dossiers.documents.common import (
    BODY_FIELDS,
    GENDERS,
    RATING_YEARS,
    TEXT_FIELDS,
    Context,
    award_phrase,
    body_lines,
    decision_text,
    header_block,
    paras,
    place,
    slug,
    text_lines,
    text_rows,
    year_of,
)
from dossiers.models import DossierRecipient
from orgs.models import Org

KEY = "achievement_report"


def report_context(recipient: DossierRecipient, *, day: dt.date | None = None) -> dict[str, Any]:
    """What a recipient's achievement report prints (annex of Decree 152): the person's or
    unit's profile, their duties and achievements, the initiatives relied on, and what the
    register holds of them (titles and forms not revoked, annual ratings)."""
    recipient = DossierRecipient.objects.select_related(
        "dossier", "person__unit__parent", "org__parent"
    ).get(pk=recipient.pk)
    dossier = recipient.dossier
    person, org = recipient.person, recipient.org
    unit = person.unit if person is not None else org
    assert unit is not None  # a recipient is a person or a unit (database constraint)
    phrase = award_phrase(dossier.code, dossier.year)
    titles, forms = _split(_records(recipient))
    initiatives = _initiatives(recipient)
    ratings, years = _ratings(recipient)
    context: dict[str, Any] = {
        "reference": dossier.reference,
        **body_lines(unit),
        "place_date": decree30.place_date(place(unit), day, year=year_of(day)),
        "award": phrase,
        "duties": text_rows(text_lines(recipient.duties) or ["(chưa ghi)"]),
        "achievements": text_rows(text_lines(recipient.achievements) or ["(chưa ghi)"]),
        "initiatives": initiatives,
        "titles": _history(titles, org),
        "forms": _history(forms, org),
        "ratings": ratings,
        "ratings_heading": f"3. Xếp loại chất lượng từ năm {years[0]} đến năm {years[1]}:",
    }
    if person is not None:
        who = ", ".join(p for p in (person.full_name, person.position, person.unit.name) if p)
        salutation = {"M": "Ông ", "F": "Bà "}.get(person.gender, "")
        context.update(
            subject_kind="ca_nhan",
            subject=salutation + who,
            name=person.full_name,
            profile_heading="I. SƠ LƯỢC LÝ LỊCH",
            profile=_person_profile(recipient),
            duties_heading="1. Quyền hạn, nhiệm vụ được giao:",
            achievements_heading="2. Thành tích đạt được:",
            initiatives_heading="3. Sáng kiến, đề tài làm căn cứ đề nghị:",
            sign_left="Thủ trưởng đơn vị xác nhận",
            sign_right="Người báo cáo thành tích",
            sign_right_note="(Ký, ghi rõ họ và tên)",
            signer=person.full_name,
        )
    else:
        assert org is not None
        context.update(
            subject_kind="tap_the",
            subject=org.name,
            name=org.name,
            profile_heading="I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
            profile=_unit_profile(recipient),
            duties_heading="Đặc điểm, tình hình, chức năng, nhiệm vụ:",
            achievements_heading="",
            initiatives_heading="Sáng kiến, đề tài làm căn cứ đề nghị:",
            sign_left="Thủ trưởng đơn vị cấp trên xác nhận",
            sign_right="Thủ trưởng đơn vị",
            sign_right_note="(Ký, ghi rõ họ tên, đóng dấu)",
            signer="",
        )
    return context


def build_report(context: Context) -> Document:
    """Báo cáo thành tích as document blocks: an individual's (profile, then duties and
    achievements under II) or a unit's (its situation and duties under I, achievements under II)."""
    collective = context["subject_kind"] == "tap_the"
    blocks: list[Block] = [
        header_block(context),
        Title("Báo cáo thành tích", f"Đề nghị tặng {context['award']}", context["subject"]),
        Heading(context["profile_heading"], indent=False),
        *[Labelled(row["label"], row["value"]) for row in context["profile"]],
    ]
    duties = [Heading(context["duties_heading"]), *paras(context["duties"])]
    achievements = paras(context["achievements"])
    if context["achievements_heading"]:
        achievements.insert(0, Heading(context["achievements_heading"]))
    achieved = Heading("II. THÀNH TÍCH ĐẠT ĐƯỢC", indent=False)
    if collective:
        blocks += [*duties, achieved, *achievements]
    else:
        blocks += [achieved, *duties, *achievements]
    if context["initiatives"]:
        blocks += [
            Heading(context["initiatives_heading"]),
            Grid(
                heads=["Mã số", "Tên sáng kiến, đề tài", "Phạm vi ảnh hưởng", "Năm"],
                rows=[
                    [i["code"], i["title"], i["scope"], i["year"]] for i in context["initiatives"]
                ],
                widths_cm=[2.6, 8, 3.8, 1.6],
            ),
        ]
    blocks.append(Heading("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", indent=False))
    for heading, key, label in (
        ("1. Danh hiệu thi đua:", "titles", "Danh hiệu thi đua"),
        ("2. Hình thức khen thưởng:", "forms", "Hình thức khen thưởng"),
    ):
        blocks.append(Heading(heading))
        if not context[key]:
            blocks.append(Para("(Không có)", italic=True))
            continue
        blocks.append(
            Grid(
                heads=["Năm", label, "Số, ngày, tháng, năm của quyết định; cơ quan ban hành"],
                rows=[[r["year"], r["name"], r["decision"]] for r in context[key]],
                widths_cm=[1.6, 6, 8.4],
            )
        )
    if context["ratings"]:
        blocks += [
            Heading(context["ratings_heading"]),
            Grid(
                heads=["Năm", "Xếp loại"],
                rows=[[r["year"], r["rating"]] for r in context["ratings"]],
                widths_cm=[1.6, 14.4],
            ),
        ]
    signer = [context["signer"]] if context["signer"] else []
    blocks.append(
        Signatures(
            left=Sign(context["sign_left"]),
            right=Sign(context["sign_right"], note=context["sign_right_note"], names=signer),
        )
    )
    filename = f"bao-cao-thanh-tich-{context['reference']}-{slug(context['name'])[:60]}"
    return Document(kind=KEY, filename=filename, blocks=blocks)


def _person_profile(recipient: DossierRecipient) -> list[dict[str, str]]:
    person = recipient.person
    assert person is not None
    return [
        {"label": "Họ và tên", "value": person.full_name},
        {"label": "Năm sinh", "value": str(person.birth_year or "")},
        {"label": "Giới tính", "value": GENDERS.get(person.gender, "")},
        {"label": "Dân tộc", "value": person.ethnicity},
        {"label": "Chức vụ", "value": person.position},
        {"label": "Đơn vị công tác", "value": person.unit.name},
    ]


def _unit_profile(recipient: DossierRecipient) -> list[dict[str, str]]:
    from register.selectors import lineage_ids

    org = recipient.org
    assert org is not None
    rows = [{"label": "Tên đơn vị", "value": org.name}]
    if org.parent is not None:
        rows.append({"label": "Đơn vị cấp trên", "value": org.parent.name})
    if org.address:
        rows.append({"label": "Địa chỉ trụ sở", "value": org.address})
    before = [o.name for o in Org.objects.filter(pk__in=lineage_ids(org)[1:]).order_by("name")]
    if before:
        rows.append({"label": "Tiếp nhận từ (sáp nhập, đổi tên)", "value": "; ".join(before)})
    return rows


def _initiatives(recipient: DossierRecipient) -> list[dict[str, str]]:
    from register.rules import SCOPE_NAMES

    return [
        {
            "code": i.code,
            "title": i.title,
            "scope": SCOPE_NAMES.get(i.scope, i.scope),
            "year": str(i.year),
        }
        for i in recipient.initiatives.order_by("year", "code")
    ]


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


def _history(records: Sequence[Any], org: Org | None) -> list[dict[str, str]]:
    """The register's records as rows; a record of a unit merged into `org` names it."""
    from register.selectors import catalogue_name

    rows = []
    for r in records:
        name = catalogue_name(r.code)
        if org is not None and r.org is not None and r.org_id != org.pk:
            name += f" ({r.org.name})"
        rows.append({"year": str(r.year), "name": name, "decision": decision_text(r)})
    return rows


def _ratings(recipient: DossierRecipient) -> tuple[list[dict[str, str]], tuple[int, int]]:
    """Xếp loại chất lượng of the last years: a person's annual ratings (with any discipline), a
    unit's own ratings; and the years they span."""
    from register.models import Rating, UnitRating
    from register.rules import RATING_NAMES

    last = recipient.dossier.year
    years = (last - RATING_YEARS + 1, last)
    rows: list[dict[str, str]] = []
    if recipient.person is not None:
        for rating in Rating.objects.filter(
            person=recipient.person, year__gte=years[0], year__lte=years[1]
        ).order_by("year"):
            text = RATING_NAMES.get(rating.rating, rating.rating)
            if rating.discipline:
                with translation.override("vi"):
                    text += f"; kỷ luật: {rating.get_discipline_display()}"
            rows.append({"year": str(rating.year), "rating": text})
    else:
        for unit_rating in UnitRating.objects.filter(
            org=recipient.org, year__gte=years[0], year__lte=years[1]
        ).order_by("year"):
            rows.append(
                {
                    "year": str(unit_rating.year),
                    "rating": RATING_NAMES.get(unit_rating.rating, unit_rating.rating),
                }
            )
    return rows, years


FIELDS = [
    Field("reference", "Mã hồ sơ", "HS-2025-000012"),
    *BODY_FIELDS,
    Field("place_date", "Địa danh, ngày tháng", "Thái Nguyên, ngày      tháng      năm 2025"),
    Field("award", "Danh hiệu, hình thức đề nghị", "danh hiệu Chiến sĩ thi đua cơ sở năm 2025"),
    Field("subject_kind", "Cá nhân (ca_nhan) hay tập thể (tap_the)", "ca_nhan"),
    Field("subject", "Người, tập thể được đề nghị", "Bà Nguyễn Thị Lan, Chuyên viên, Sở Nội vụ"),
    Field("name", "Họ và tên, tên tập thể", "Nguyễn Thị Lan"),
    Field("profile_heading", "Tiêu đề phần I", "I. SƠ LƯỢC LÝ LỊCH"),
    Field(
        "profile",
        "Sơ lược lý lịch, đặc điểm",
        children=[Field("label", "Mục", "Họ và tên"), Field("value", "Nội dung", "Nguyễn Thị Lan")],
    ),
    Field("duties_heading", "Tiêu đề nhiệm vụ", "1. Quyền hạn, nhiệm vụ được giao:"),
    Field("duties", "Quyền hạn, nhiệm vụ (từng đoạn)", children=TEXT_FIELDS),
    Field("achievements_heading", "Tiêu đề thành tích", "2. Thành tích đạt được:"),
    Field("achievements", "Thành tích đạt được (từng đoạn)", children=TEXT_FIELDS),
    Field("initiatives_heading", "Tiêu đề sáng kiến", "3. Sáng kiến, đề tài làm căn cứ đề nghị:"),
    Field(
        "initiatives",
        "Sáng kiến, đề tài",
        example=[],
        children=[
            Field("code", "Mã số", "SK-2025-07"),
            Field("title", "Tên sáng kiến, đề tài", "Số hóa hồ sơ thi đua, khen thưởng"),
            Field("scope", "Phạm vi ảnh hưởng", "cấp cơ sở"),
            Field("year", "Năm", "2025"),
        ],
    ),
    *[
        Field(
            key,
            label,
            example=[],
            children=[
                Field("year", "Năm", "2024"),
                Field("name", label, example),
                Field(
                    "decision",
                    "Quyết định",
                    "Quyết định số 15/QĐ-UBND ngày 20/12/2024 của Ủy ban nhân dân tỉnh Thái Nguyên",
                ),
            ],
        )
        for key, label, example in (
            ("titles", "Danh hiệu thi đua", "Lao động tiên tiến"),
            ("forms", "Hình thức khen thưởng", "Giấy khen"),
        )
    ],
    Field(
        "ratings_heading", "Tiêu đề xếp loại", "3. Xếp loại chất lượng từ năm 2021 đến năm 2025:"
    ),
    Field(
        "ratings",
        "Xếp loại chất lượng",
        example=[],
        children=[
            Field("year", "Năm", "2024"),
            Field("rating", "Xếp loại", "Hoàn thành xuất sắc nhiệm vụ"),
        ],
    ),
    Field("sign_left", "Người ký bên trái", "Thủ trưởng đơn vị xác nhận"),
    Field("sign_right", "Người ký bên phải", "Người báo cáo thành tích"),
    Field("sign_right_note", "Ghi chú chữ ký bên phải", "(Ký, ghi rõ họ và tên)"),
    Field("signer", "Họ tên người báo cáo", "Nguyễn Thị Lan"),
]


KIND = Kind(
    key=KEY,
    name=gettext_lazy("Achievement report (báo cáo thành tích)"),
    build=build_report,
    fields=FIELDS,
    description=gettext_lazy(
        "A recipient's profile, duties and achievements, initiatives and what the register "
        "holds of them."
    ),
)
