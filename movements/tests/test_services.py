"""Movement services: the rules they keep, the audit events they write, nothing changed on error."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from clusters.models import Cluster
from clusters.services import cluster_create
from core.errors import DomainError
from core.models import AuditEvent
from movements.models import Movement, MovementReview
from movements.services import (
    movement_create,
    movement_set_participants,
    movement_update,
    review_add,
)
from movements.tests.conftest import PDF, state
from orgs.models import Org
from orgs.services import org_create


def message(text: str, **params: Any) -> str:
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def create(unit: Org, **fields: Any) -> Movement:
    values: dict[str, Any] = {
        "name": "Thi đua sản xuất, kinh doanh giỏi",
        "kind": "regular",
        "scope": "ministry_or_province",
        "start": dt.date(2015, 1, 1),
    }
    return movement_create(actor=None, launched_by=unit, **{**values, **fields})


# --- movement_create ---------------------------------------------------------------------------


def test_it_records_a_movement_and_audits_it(officer_thai_nguyen: Any, thai_nguyen: Org) -> None:
    movement = movement_create(
        actor=officer_thai_nguyen,
        launched_by=thai_nguyen,
        name="  Thái Nguyên   chung sức xây dựng NTM ",
        kind="thematic",
        scope="ministry_or_province",
        start=dt.date(2016, 1, 1),
        end=dt.date(2020, 12, 31),
        decision_number="12/KH-UBND",
        theme="Nông thôn mới",
        target_groups="nông dân; cán bộ, công chức",
    )

    movement.refresh_from_db()
    assert (movement.name, movement.launched_by, movement.end) == (
        "Thái Nguyên chung sức xây dựng NTM",
        thai_nguyen,
        dt.date(2020, 12, 31),
    )
    assert movement.search_key == "| thai nguyen chung suc xay dung ntm | 12/kh-ubnd |"
    [event] = events("movements.movement.created")
    assert (event.actor, event.object_type, event.object_id, event.org_id_hint) == (
        officer_thai_nguyen,
        "movements.movement",
        str(movement.pk),
        thai_nguyen.pk,
    )
    assert event.changes["name"] == [None, "Thái Nguyên chung sức xây dựng NTM"]
    assert event.changes["launched_by"] == [None, thai_nguyen.pk]
    assert event.changes["end"] == [None, "2020-12-31"]


REFUSED_CREATIONS = [
    ({"name": "  "}, "name", "The name is required.", {}),
    ({"kind": "weekly"}, "kind", "Unknown kind of movement.", {}),
    ({"scope": "galaxy"}, "scope", "Unknown scope of movement.", {}),
    (
        {"end": dt.date(2014, 12, 31)},
        "end",
        "The end must not precede the start.",
        {},
    ),
    (
        {"start": dt.date(1900, 1, 1)},
        "start",
        "The start must fall between %(a)s and %(b)s.",
        {"a": 1948, "b": 2100},
    ),
    (
        {"start": dt.date(2026, 1, 1)},  # Bắc Kạn ended on 30/6/2025
        "launched_by",
        "%(unit)s did not exist on the start date.",
        {"unit": "Tỉnh Bắc Kạn"},
    ),
]


@pytest.mark.parametrize(("fields", "field", "text", "params"), REFUSED_CREATIONS)
def test_it_refuses_a_movement_that_breaks_a_rule(
    bac_kan: Org, fields: dict[str, Any], field: str, text: str, params: dict[str, Any]
) -> None:
    before = state()

    with pytest.raises(DomainError) as caught:
        create(bac_kan, **fields)

    assert (caught.value.field, caught.value.message) == (field, message(text, **params))
    assert state() == before


def test_it_refuses_the_same_movement_twice(thai_nguyen: Org, bac_kan: Org) -> None:
    create(thai_nguyen)
    before = state()

    with pytest.raises(DomainError) as caught:
        create(thai_nguyen, name="THI ĐUA SẢN XUẤT, KINH DOANH GIỎI")

    assert caught.value.field == "name"
    assert state() == before
    # Another unit, or another start, is another movement.
    create(bac_kan)
    create(thai_nguyen, start=dt.date(2016, 1, 1))
    assert Movement.objects.count() == 3


# --- movement_update ---------------------------------------------------------------------------


def test_it_records_each_changed_field_old_and_new(
    officer_thai_nguyen: Any, thai_nguyen: Org
) -> None:
    movement = create(thai_nguyen, slogan="Đoàn kết, sáng tạo")

    movement_update(
        actor=officer_thai_nguyen,
        movement=movement,
        name="Thi đua sản xuất, kinh doanh giỏi",  # unchanged
        slogan="Đoàn kết, sáng tạo, hiệu quả",
        end=dt.date(2015, 12, 31),
        decision_number="937/KH-CTĐ",
    )

    movement.refresh_from_db()
    assert (movement.slogan, movement.end) == (
        "Đoàn kết, sáng tạo, hiệu quả",
        dt.date(2015, 12, 31),
    )
    assert movement.search_key == "| thi dua san xuat, kinh doanh gioi | 937/kh-ctd |"
    [event] = events("movements.movement.updated")
    assert event.actor == officer_thai_nguyen
    assert event.changes == {
        "decision_number": ["", "937/KH-CTĐ"],
        "end": [None, "2015-12-31"],
        "slogan": ["Đoàn kết, sáng tạo", "Đoàn kết, sáng tạo, hiệu quả"],
    }


def test_it_writes_no_event_when_nothing_changes(thai_nguyen: Org) -> None:
    movement = create(thai_nguyen)

    movement_update(actor=None, movement=movement, name=movement.name, start=movement.start)

    assert events("movements.movement.updated") == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": dt.date(2014, 1, 1)}, "end"),
        ({"name": ""}, "name"),
        ({"search_key": "x"}, None),
        ({"created_at": timezone.now()}, None),
    ],
)
def test_it_refuses_an_update_that_breaks_a_rule(
    thai_nguyen: Org, fields: dict[str, Any], field: str | None
) -> None:
    movement = create(thai_nguyen)
    before = state()

    with pytest.raises(DomainError) as caught:
        movement_update(actor=None, movement=movement, **fields)

    assert caught.value.field == field
    assert state() == before


def test_it_keeps_the_start_before_every_review(thai_nguyen: Org) -> None:
    movement = create(thai_nguyen)
    review_add(
        actor=None, movement=movement, kind="so_ket", date=dt.date(2015, 7, 17), title="Sơ kết"
    )
    before = state()

    with pytest.raises(DomainError) as caught:
        movement_update(actor=None, movement=movement, start=dt.date(2015, 8, 1))

    assert caught.value.field == "start"
    assert state() == before


def test_it_keeps_the_participants_inside_the_period(thai_nguyen: Org, bac_kan: Org) -> None:
    movement = create(thai_nguyen)
    movement_set_participants(actor=None, movement=movement, clusters=[], units=[bac_kan])
    before = state()

    with pytest.raises(DomainError) as caught:
        movement_update(actor=None, movement=movement, start=dt.date(2025, 8, 1))

    assert caught.value.message == message(
        "These participants did not exist during the movement: %(names)s.", names="Tỉnh Bắc Kạn"
    )
    assert state() == before


# --- movement_set_participants -----------------------------------------------------------------


@pytest.fixture
def cluster(db: Any) -> Cluster:
    return cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-MNBG",
        name="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    )


def test_it_sets_the_clusters_and_units_taking_part(
    officer_thai_nguyen: Any, thai_nguyen: Org, bac_kan: Org, province: Any, cluster: Cluster
) -> None:
    movement = create(thai_nguyen)
    lao_cai = province("10")

    movement_set_participants(
        actor=officer_thai_nguyen, movement=movement, clusters=[cluster], units=[lao_cai, bac_kan]
    )
    movement_set_participants(
        actor=officer_thai_nguyen, movement=movement, clusters=[cluster], units=[lao_cai]
    )

    assert list(movement.clusters.all()) == [cluster]
    assert list(movement.participants.all()) == [lao_cai]
    first, second = events("movements.movement.updated")
    assert first.changes == {
        "clusters": [[], ["CTD-MNBG"]],
        "participants": [[], sorted([lao_cai.pk, bac_kan.pk])],
    }
    assert second.changes == {"participants": [sorted([lao_cai.pk, bac_kan.pk]), [lao_cai.pk]]}
    assert (second.actor, second.org_id_hint) == (officer_thai_nguyen, thai_nguyen.pk)


def test_it_refuses_units_and_clusters_that_did_not_exist_during_the_movement(
    thai_nguyen: Org, bac_kan: Org, cluster: Cluster
) -> None:
    movement = create(thai_nguyen, start=dt.date(2025, 7, 1))
    commune = org_create(
        actor=None,
        code="19.XA1",
        name="Xã Thử Nghiệm",
        kind="commune",
        parent=thai_nguyen,
        valid_from=dt.date(2025, 7, 1),
    )
    old_cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-CU",
        name="Cụm đã giải thể",
    )
    Cluster.objects.filter(pk=old_cluster.pk).update(valid_to=dt.date(2020, 12, 31))
    old_cluster.refresh_from_db()
    before = state()

    with pytest.raises(DomainError) as units_refused:
        movement_set_participants(
            actor=None, movement=movement, clusters=[], units=[commune, bac_kan]
        )
    with pytest.raises(DomainError) as clusters_refused:
        movement_set_participants(
            actor=None, movement=movement, clusters=[cluster, old_cluster], units=[commune]
        )
    with pytest.raises(DomainError) as twice:
        movement_set_participants(
            actor=None, movement=movement, clusters=[], units=[commune, commune]
        )

    assert (units_refused.value.field, units_refused.value.message) == (
        "units",
        message("These units did not exist during the movement: %(names)s.", names="Tỉnh Bắc Kạn"),
    )
    assert (clusters_refused.value.field, clusters_refused.value.message) == (
        "clusters",
        message(
            "These clusters did not exist during the movement: %(names)s.", names="Cụm đã giải thể"
        ),
    )
    assert twice.value.field == "units"
    assert state() == before


# --- review_add --------------------------------------------------------------------------------


def test_it_records_a_review_with_its_document(
    officer_thai_nguyen: Any, thai_nguyen: Org, media_root: Any
) -> None:
    movement = create(thai_nguyen, start=dt.date(2016, 1, 1))

    review = review_add(
        actor=officer_thai_nguyen,
        movement=movement,
        kind="so_ket",
        date=dt.date(2018, 5, 15),
        title="Sơ kết 3 năm thực hiện Chỉ thị số 11",
        outcomes="15 tập thể được khen thưởng",
        collectives_commended=15,
        document=SimpleUploadedFile("../../bao cao.pdf", PDF),
    )

    review.refresh_from_db()
    assert (review.kind, review.collectives_commended, review.individuals_commended) == (
        "so_ket",
        15,
        None,
    )
    assert review.document_name == "bao cao.pdf"
    assert re.fullmatch(r"movements/\d{4}/bao_cao(_\w+)?\.pdf", review.document.name)
    with review.document.open("rb") as stored:
        assert stored.read() == PDF
    [event] = events("movements.review.recorded")
    assert (event.object_type, event.object_id, event.org_id_hint, event.actor) == (
        "movements.movementreview",
        str(review.pk),
        thai_nguyen.pk,
        officer_thai_nguyen,
    )
    assert event.changes == {
        "kind": [None, "so_ket"],
        "date": [None, "2018-05-15"],
        "title": [None, "Sơ kết 3 năm thực hiện Chỉ thị số 11"],
        "collectives_commended": [None, 15],
        "individuals_commended": [None, None],
        "document_name": [None, "bao cao.pdf"],
    }


BAD_FILES = [
    ("bao-cao.exe", PDF, "The file must be one of: %(types)s.", {"types": "PDF, DOCX, ODT"}),
    ("bao-cao.pdf", b"MZ\x90\x00binary", "The file's content does not match its type.", {}),
    ("bao-cao.docx", PDF, "The file's content does not match its type.", {}),
    ("bao-cao.pdf", b"", "The file must not be empty nor larger than %(mb)s MB.", {"mb": 20}),
]


@pytest.mark.parametrize(("name", "content", "text", "params"), BAD_FILES)
def test_it_refuses_a_bad_document_and_records_nothing(
    thai_nguyen: Org, media_root: Any, name: str, content: bytes, text: str, params: dict[str, Any]
) -> None:
    movement = create(thai_nguyen)
    before = state()

    with pytest.raises(DomainError) as caught:
        review_add(
            actor=None,
            movement=movement,
            kind="so_ket",
            date=dt.date(2015, 7, 17),
            title="Sơ kết 6 tháng",
            document=SimpleUploadedFile(name, content),
        )

    assert (caught.value.field, caught.value.message) == ("document", message(text, **params))
    assert state() == before
    assert list(media_root.rglob("*.*")) == []


def test_it_records_the_final_review_only_once(thai_nguyen: Org) -> None:
    movement = create(thai_nguyen, end=dt.date(2015, 12, 31))
    review_add(
        actor=None, movement=movement, kind="tong_ket", date=dt.date(2016, 1, 20), title="Tổng kết"
    )
    before = state()

    with pytest.raises(DomainError) as caught:
        review_add(
            actor=None,
            movement=movement,
            kind="tong_ket",
            date=dt.date(2016, 2, 1),
            title="Tổng kết lần hai",
        )

    assert (caught.value.field, caught.value.message) == (
        "kind",
        message("The final review of this movement is already recorded."),
    )
    assert state() == before


def day_after_tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("existing", "kind", "date", "field"),
    [
        ([], "so_ket", dt.date(2014, 12, 31), "date"),  # before the start
        ([], "so_ket", None, "date"),  # in the future
        ([], "ky_niem", dt.date(2015, 6, 1), "kind"),
        ([("so_ket", dt.date(2015, 7, 17))], "tong_ket", dt.date(2015, 7, 1), "date"),
        ([("tong_ket", dt.date(2015, 12, 20))], "so_ket", dt.date(2015, 12, 21), "date"),
    ],
)
def test_it_refuses_a_review_on_the_wrong_date_or_kind(
    thai_nguyen: Org,
    existing: list[tuple[str, dt.date]],
    kind: str,
    date: dt.date | None,
    field: str,
) -> None:
    movement = create(thai_nguyen)
    for review_kind, review_date in existing:
        review_add(
            actor=None, movement=movement, kind=review_kind, date=review_date, title="Hội nghị"
        )
    before = state()

    with pytest.raises(DomainError) as caught:
        review_add(
            actor=None,
            movement=movement,
            kind=kind,
            date=date or day_after_tomorrow(),
            title="Hội nghị",
        )

    assert caught.value.field == field
    assert state() == before


def test_it_refuses_a_review_without_a_title_or_with_negative_counts(thai_nguyen: Org) -> None:
    movement = create(thai_nguyen)
    before = state()

    with pytest.raises(DomainError) as untitled:
        review_add(
            actor=None, movement=movement, kind="so_ket", date=dt.date(2015, 7, 17), title=" "
        )
    with pytest.raises(DomainError) as negative:
        review_add(
            actor=None,
            movement=movement,
            kind="so_ket",
            date=dt.date(2015, 7, 17),
            title="Sơ kết",
            individuals_commended=-1,
        )

    assert (untitled.value.field, negative.value.field) == ("title", "individuals_commended")
    assert state() == before
    assert MovementReview.objects.count() == 0
