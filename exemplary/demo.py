"""Demo exemplary models: the practices seed 004 names in the border provinces' 2016 review
(Lào Cai's model village, Hà Giang's village savings groups, Lạng Sơn's lit village roads), which
the provinces summarised in 2016 to replicate them. The seed gives the practices and the year;
the days of each stage are invented and the descriptions say so."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from exemplary import services
from exemplary.models import ExemplaryModel
from orgs.models import Org

NOTE = "Dữ liệu minh họa: mô hình nêu trong bài tổng kết năm 2016 của Cụm (seed 004); ngày của từng giai đoạn là minh họa."
MODELS = (
    ("10", "Thôn kiểu mẫu", "Xây dựng nông thôn mới"),
    ("02", "Nhóm tiết kiệm vay vốn thôn bản", "Giảm nghèo, xây dựng nông thôn mới"),
    ("20", "Thắp sáng đường thôn", "Xây dựng nông thôn mới"),
)
STAGES = (("nurtured", dt.date(2016, 6, 15)), ("summarised", dt.date(2016, 12, 10)))


@transaction.atomic
def load() -> int:
    """Create the demo models once; returns how many were created."""
    if ExemplaryModel.objects.filter(description=NOTE).exists():
        return 0
    admin = User.objects.filter(username="quantri").first()
    if admin is None:
        return 0
    created = 0
    for code, name, sector in MODELS:
        org = Org.objects.filter(code=code).first()
        if org is None:
            continue
        model = services.exemplary_create(
            actor=admin,
            kind="model",
            org=org,
            discovered_on=dt.date(2016, 3, 1),
            name=name,
            sector=sector,
            description=NOTE,
        )
        for stage, day in STAGES:
            services.exemplary_advance(actor=admin, model=model, stage=stage, on=day)
        created += 1
    return created
