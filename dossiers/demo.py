"""Demo dossiers: the seed-002 flow (Thanh Hóa 1st in its cluster → proposed for the Government
flag; Nghệ An 2nd → the Prime Minister's certificate) and a draft of Thái Nguyên's department.

Everything goes through the services, as the demo administrator, so the checks, the path and the
audit trail are real; titles and texts say "(minh họa)". The seed records the proposals, not the
Government's decision, so no demo dossier is decided.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier
from orgs.models import Org
from people.models import Person

DEMO_MARK = "(minh họa)"


@transaction.atomic
def load(demo_pdf: Callable[[str], bytes]) -> int:
    """Create the demo dossiers once; returns how many were created."""
    services.load_calendar()
    if Dossier.objects.filter(title__endswith=DEMO_MARK).exists():
        return 0
    admin = User.objects.filter(username="quantri").first()
    if admin is None:
        return 0
    created = 0
    created += _seed_002(admin, demo_pdf)
    created += _thai_nguyen(admin, demo_pdf)
    return created


def _pdf(demo_pdf: Callable[[str], bytes], name: str) -> ContentFile:
    return ContentFile(demo_pdf(name), name=name)


def _complete(admin: Any, dossier: Dossier, demo_pdf: Callable[[str], bytes]) -> None:
    """The dossier's own documents and each recipient's achievement report (demo stand-ins)."""
    for kind, name in (("TO_TRINH", "to-trinh.pdf"), ("BIEN_BAN_BINH_XET", "bien-ban.pdf")):
        services.document_add(actor=admin, dossier=dossier, kind=kind, upload=_pdf(demo_pdf, name))
    for r in dossier.recipients.filter(removed_at__isnull=True):
        services.document_add(
            actor=admin,
            dossier=dossier,
            kind="BAO_CAO_THANH_TICH",
            recipient=r,
            upload=_pdf(demo_pdf, "bao-cao-thanh-tich.pdf"),
        )


def _seed_002(admin: Any, demo_pdf: Callable[[str], bytes]) -> int:
    from clusters.models import ClusterYear

    hue, council = (
        Org.objects.filter(code="46").first(),
        Org.objects.filter(code="TW-HDTDKT").first(),
    )
    thanh_hoa, nghe_an = (
        Org.objects.filter(code="38").first(),
        Org.objects.filter(code="40").first(),
    )
    cluster_year = ClusterYear.objects.filter(cluster__code="CTD-BTB", year=2018).first()
    if not (hue and council and thanh_hoa and nghe_an and cluster_year):
        return 0
    vote = "Suy tôn tại hội nghị tổng kết ngày 12/3/2019 tại Thừa Thiên Huế (seed 002)"
    flag = services.dossier_create(
        actor=admin,
        proposer=hue,
        receiver=council,
        level="chinh_phu",
        code="CO_CP",
        year=2018,
        title=f"Đề nghị tặng Cờ thi đua của Chính phủ năm 2018 cho tỉnh Thanh Hóa {DEMO_MARK}",
        summary="Cụm thi đua 6 tỉnh Bắc Trung Bộ đề nghị đơn vị xếp thứ nhất năm 2018. "
        "Đơn vị đăng cai tổng kết (Thừa Thiên Huế) gửi hồ sơ thay mặt Cụm (minh họa).",
        cluster_year=cluster_year,
        vote_note=vote,
    )
    services.recipient_add(
        actor=admin,
        dossier=flag,
        org=thanh_hoa,
        achievements="Xếp thứ nhất Cụm thi đua 6 tỉnh Bắc Trung Bộ năm 2018 (seed 002).",
        public_summary="Dẫn đầu Cụm thi đua 6 tỉnh Bắc Trung Bộ năm 2018 (dữ liệu minh họa).",
    )
    _complete(admin, flag, demo_pdf)
    for target in ("submitted", "appraisal", "comment"):
        flag = services.dossier_transition(actor=admin, dossier=flag, target=target)

    certificate = services.dossier_create(
        actor=admin,
        proposer=hue,
        receiver=council,
        level="chinh_phu",
        code="BK_TTG",
        year=2018,
        title=f"Đề nghị tặng Bằng khen của Thủ tướng Chính phủ năm 2018 cho tỉnh Nghệ An {DEMO_MARK}",
        summary="Đơn vị xếp thứ nhì Cụm thi đua 6 tỉnh Bắc Trung Bộ năm 2018 (minh họa).",
        cluster_year=cluster_year,
        vote_note=vote,
    )
    services.recipient_add(
        actor=admin,
        dossier=certificate,
        org=nghe_an,
        achievements="Xếp thứ nhì Cụm thi đua 6 tỉnh Bắc Trung Bộ năm 2018 (seed 002).",
        public_summary="Xếp thứ nhì Cụm thi đua 6 tỉnh Bắc Trung Bộ năm 2018 (dữ liệu minh họa).",
    )
    _complete(admin, certificate, demo_pdf)
    services.dossier_transition(actor=admin, dossier=certificate, target="submitted")
    return 2


def _thai_nguyen(admin: Any, demo_pdf: Callable[[str], bytes]) -> int:
    """A draft for CSTĐ cấp tỉnh 2025 with the demo register's two showcase people: one eligible,
    one a CSTĐ cơ sở short (the checks explain why)."""
    from register.models import Initiative

    snv, province = Org.objects.filter(code="19.SNV").first(), Org.objects.filter(code="19").first()
    if not (snv and province):
        return 0
    people = list(
        Person.objects.filter(
            unit=snv, note__startswith="Dữ liệu minh họa", records__code="CSTD_CS"
        )
        .distinct()
        .order_by("pk")[:2]
    )
    if not people:
        return 0
    dossier = services.dossier_create(
        actor=admin,
        proposer=snv,
        receiver=province,
        level="bo_tinh",
        code="CSTD_BO",
        year=2025,
        title=f"Đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025 {DEMO_MARK}",
    )
    for person in people:
        initiatives = Initiative.objects.filter(
            authors=person, scope__in=["BO_TINH", "TOAN_QUOC"], use__isnull=True
        )
        services.recipient_add(
            actor=admin,
            dossier=dossier,
            person=person,
            duties="Chuyên viên làm công tác thi đua, khen thưởng (minh họa).",
            achievements="Hoàn thành xuất sắc nhiệm vụ ba năm liền; có sáng kiến được công nhận "
            "phạm vi cấp tỉnh (minh họa).",
            public_summary="Ba năm liền Chiến sĩ thi đua cơ sở (dữ liệu minh họa).",
            initiatives=initiatives,
        )
    return 1
