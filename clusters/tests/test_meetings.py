"""Meetings of a cluster year: recording, minutes upload checks, who may do it, timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clusters.models import Cluster, ClusterYear, Covenant, Meeting
from clusters.services import (
    cluster_create,
    cluster_year_open,
    cluster_year_set_head,
    meeting_attach_minutes,
    meeting_create,
)
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org

PDF = b"%PDF-1.4\n% minutes\n"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def year_2015(province: Any) -> ClusterYear:
    """Seed 000's cluster in 2015: head Bắc Giang, deputy Bắc Kạn."""
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-7",
        name="Cụm thi đua 7 tỉnh Trung du và Miền núi phía Bắc",
    )
    members = [province(code) for code in ("25", "08", "15", "17", "24", "06", "19")]
    cluster_year = cluster_year_open(actor=None, cluster=cluster, year=2015, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=cluster_year,
        head=province("24"),
        deputy=province("06"),
        decision="01/BB-CTĐ",
        decision_date=dt.date(2015, 1, 20),
    )


def state() -> tuple[int, int]:
    return Meeting.objects.count(), AuditEvent.objects.count()


def test_it_records_a_meeting_hosted_by_a_member(year_2015: ClusterYear, province: Any) -> None:
    meeting = meeting_create(
        actor=None,
        cluster_year=year_2015,
        kind="mid_year",
        date=dt.date(2015, 7, 17),
        place="Hội trường UBND tỉnh Bắc Kạn",
        host=province("06"),
        attendee_units=[province("24"), province("06")],
    )
    assert meeting.host == province("06")
    assert meeting.attendee_units.count() == 2
    event = AuditEvent.objects.get(action="clusters.meeting.recorded")
    assert event.changes["date"] == [None, "2015-07-17"]


@pytest.mark.parametrize(
    ("kind", "day", "host", "field"),
    [
        ("picnic", dt.date(2015, 7, 17), None, "kind"),
        ("mid_year", dt.date(2013, 7, 17), None, "date"),
        ("mid_year", dt.date(2015, 7, 17), "38", "host"),  # Thanh Hóa is not a member
    ],
)
def test_it_refuses_a_meeting_that_does_not_fit_the_year(
    year_2015: ClusterYear, province: Any, kind: str, day: dt.date, host: str | None, field: str
) -> None:
    before = state()
    with pytest.raises(DomainError) as refused:
        meeting_create(
            actor=None,
            cluster_year=year_2015,
            kind=kind,
            date=day,
            host=province(host) if host else None,
        )
    assert refused.value.field == field
    assert state() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.exe", PDF),
        ("bien-ban.pdf", b"MZ\x90\x00 not a pdf"),
        ("bien-ban.pdf", b""),
    ],
)
def test_it_refuses_minutes_of_the_wrong_type(
    year_2015: ClusterYear, name: str, content: bytes, media_root: Path
) -> None:
    meeting = meeting_create(
        actor=None, cluster_year=year_2015, kind="year_end", date=dt.date(2015, 12, 1)
    )
    before = state()
    with pytest.raises(DomainError):
        meeting_attach_minutes(
            actor=None, meeting=meeting, upload=SimpleUploadedFile(name, content)
        )
    meeting.refresh_from_db()
    assert (meeting.minutes_name, state()) == ("", before)
    assert list(media_root.rglob("*")) == []


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_the_head_units_secretariat_record_a_meeting_and_attach_minutes(
    year_2015: ClusterYear, secretariat_bac_giang: Any
) -> None:
    client = signed_in(secretariat_bac_giang)
    url = reverse("clusters:meeting-create", args=[year_2015.cluster_id, 2015])
    response = client.post(
        url,
        {"kind": "mid_year", "date": "17/07/2015", "place": "Bắc Kạn", "host": year_2015.deputy_id},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.attendee_units.count() == 7  # all members when none is listed
    response = client.post(
        reverse("clusters:meeting-detail", args=[meeting.pk]),
        {"minutes": SimpleUploadedFile("bien-ban.pdf", PDF)},
    )
    assert response.status_code == 302
    download = client.get(reverse("clusters:meeting-minutes", args=[meeting.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_it_refuses_others_and_changes_nothing(
    year_2015: ClusterYear, viewer_bac_giang: Any, outsider: Any, member_bac_kan: Any
) -> None:
    meeting = meeting_create(
        actor=None, cluster_year=year_2015, kind="year_end", date=dt.date(2015, 12, 1)
    )
    meeting_attach_minutes(
        actor=None, meeting=meeting, upload=SimpleUploadedFile("bien-ban.pdf", PDF)
    )
    before = state()
    viewer = signed_in(viewer_bac_giang)  # sees the cluster (Bắc Giang is a member), may not run it
    create = reverse("clusters:meeting-create", args=[year_2015.cluster_id, 2015])
    assert viewer.get(create).status_code == 403
    assert viewer.post(create, {"kind": "thematic", "date": "01/09/2015"}).status_code == 403
    detail = reverse("clusters:meeting-detail", args=[meeting.pk])
    assert viewer.get(detail).status_code == 200
    upload = {"minutes": SimpleUploadedFile("khac.pdf", PDF)}
    assert viewer.post(detail, upload).status_code == 403
    stranger = signed_in(outsider)
    assert stranger.get(detail).status_code == 404
    assert stranger.get(reverse("clusters:meeting-minutes", args=[meeting.pk])).status_code == 404
    assert state() == before
    meeting.refresh_from_db()
    assert meeting.minutes_name == "bien-ban.pdf"


def test_it_shows_the_cluster_timeline_newest_first(
    year_2015: ClusterYear, admin_user: Any, province: Any
) -> None:
    meeting_create(
        actor=None,
        cluster_year=year_2015,
        kind="mid_year",
        date=dt.date(2015, 7, 17),
        host=province("06"),
    )
    response = signed_in(admin_user).get(
        reverse("clusters:cluster-detail", args=[year_2015.cluster_id])
    )
    timeline = response.context["timeline"]
    assert [(e["date"], e["kind"]) for e in timeline] == [
        (dt.date(2015, 7, 17), "meeting"),
        (dt.date(2015, 1, 20), "head"),
    ]
    api = signed_in(admin_user).get(f"/api/v1/clusters/{year_2015.cluster_id}").json()
    assert [m["date"] for m in api["years"][0]["meetings"]] == ["2015-07-17"]
    assert Cluster.objects.count() == 1


def test_it_records_attending_people_typed_by_name_and_unit(
    year_2015: ClusterYear, secretariat_bac_giang: Any, snv_bac_kan: Org
) -> None:
    from people.services import person_create

    director = person_create(
        actor=None,
        full_name="Hoàng Văn Minh",
        gender="M",
        unit=snv_bac_kan,
        position="Giám đốc",
        start_date=dt.date(2010, 1, 1),
    )
    client = signed_in(secretariat_bac_giang)
    url = reverse("clusters:meeting-create", args=[year_2015.cluster_id, 2015])

    response = client.post(
        url,
        {
            "kind": "mid_year",
            "date": "17/07/2015",
            # Diacritics and case do not matter; the unit may be the member or one of its units.
            "attendee_people": "hoang van minh; 06\n",
        },
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert list(meeting.attendee_people.all()) == [director]
    page = client.get(reverse("clusters:meeting-detail", args=[meeting.pk])).content.decode()
    assert "Hoàng Văn Minh, Giám đốc" in page


@pytest.mark.parametrize(
    "typed",
    [
        "Hoàng Văn Minh",  # no unit code
        "Hoàng Văn Minh; 01",  # Hà Nội is not a member
        "Nguyễn Thị Không Có; 06",  # not in the register
    ],
)
def test_it_refuses_attending_people_it_cannot_find_and_records_nothing(
    year_2015: ClusterYear, secretariat_bac_giang: Any, snv_bac_kan: Org, typed: str
) -> None:
    from people.services import person_create

    person_create(
        actor=None,
        full_name="Hoàng Văn Minh",
        gender="M",
        unit=snv_bac_kan,
        start_date=dt.date(2010, 1, 1),
    )
    before = state()

    response = signed_in(secretariat_bac_giang).post(
        reverse("clusters:meeting-create", args=[year_2015.cluster_id, 2015]),
        {"kind": "mid_year", "date": "17/07/2015", "attendee_people": typed},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["attendee_people"]
    assert state() == before


def test_it_asks_for_the_unit_when_two_people_share_a_name(
    year_2015: ClusterYear, snv_bac_kan: Org, province: Any
) -> None:
    from clusters.services import resolve_attendees
    from people.services import person_create

    for unit in (snv_bac_kan, province("06")):
        person_create(
            actor=None,
            full_name="Lý Thị Mai",
            gender="F",
            unit=unit,
            start_date=dt.date(2010, 1, 1),
        )

    with pytest.raises(DomainError, match="06"):
        resolve_attendees(["Lý Thị Mai; 06"], year_2015)
    assert [p.unit for p in resolve_attendees(["Lý Thị Mai; 06.SNV"], year_2015)] == [snv_bac_kan]


def test_the_timeline_shows_the_covenants_signing_and_the_reports_due(
    year_2015: ClusterYear, admin_user: Any
) -> None:
    from clusters.reports import period_create

    period_create(
        actor=None,
        cluster_year=year_2015,
        kind="half",
        name="6 tháng 2015",
        start=dt.date(2015, 1, 1),
        end=dt.date(2015, 6, 30),
        due=dt.date(2015, 6, 15),
    )
    Covenant.objects.create(
        cluster_year=year_2015,
        title="Giao ước 2015",
        status="signed",
        signed_on=dt.date(2015, 3, 2),
    )

    response = signed_in(admin_user).get(
        reverse("clusters:cluster-detail", args=[year_2015.cluster_id])
    )

    events = [(e["date"], e["kind"]) for e in response.context["timeline"]]
    assert events == [
        (dt.date(2015, 6, 15), "report"),
        (dt.date(2015, 3, 2), "covenant"),
        (dt.date(2015, 1, 20), "head"),
    ]
    assert "0/7" in response.content.decode()  # reports received of the members
