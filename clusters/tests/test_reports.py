"""Reporting periods, members' reports, extensions, the report matrix and the email reminders (with a
frozen clock), the management command, and who may act for a member or run a cluster year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Role, User
from accounts.services import membership_grant, user_create
from clusters import rules
from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    registration_accept,
    registration_register,
    registration_save,
)
from clusters.models import (
    ClusterYear,
    Covenant,
    Extension,
    IndicatorValue,
    Registration,
    Reminder,
    ReportingPeriod,
    Submission,
    Target,
)
from clusters.reports import (
    effective_due,
    extension_grant,
    member_targets,
    period_create,
    report_matrix,
    send_reminders,
    standard_periods,
    submission_submit,
)
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user
from core import permissions
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n% bao cao 6 thang\n"
XLSX = b"PK\x03\x04 bieu mau so lieu"
DUE = dt.date(2017, 6, 15)  # the six-month report of 2017


def local(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An instant given by the clock on a wall in Hà Nội, as `timezone.now()` returns it (UTC)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI).astimezone(dt.UTC)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def upload(name: str = "bao-cao.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


class Clock:
    """`django.utils.timezone.now`, frozen at an instant the test moves."""

    def __init__(self) -> None:
        self.instant = local(dt.date(2017, 1, 10))

    def now(self) -> dt.datetime:
        return self.instant

    def set(self, instant: dt.datetime) -> None:
        self.instant = instant


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def north(province: Any) -> list[Org]:
    """Bắc Giang (head), Bắc Kạn (deputy), Thái Nguyên."""
    return [province("24"), province("06"), province("19")]


def open_year(council: Org, members: list[Org], year: int) -> ClusterYear:
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-BC", name="Cụm thi đua báo cáo"
    )
    opened = cluster_year_open(actor=None, cluster=cluster, year=year, members=members)
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=members[0],
        deputy=members[1],
        decision="01/BB-CTĐ",
        decision_date=dt.date(year, 1, 20),
    )


@pytest.fixture
def year_2017(council: Org, north: list[Org]) -> ClusterYear:
    return open_year(council, north, 2017)


def seed_targets() -> list[TargetInput]:
    """Seed 004: the state budget revenue (billion đồng) and new forest planted (ha)."""
    return [
        TargetInput("Thu ngân sách nhà nước", "tỷ đồng", "3889"),
        TargetInput("Trồng rừng mới", "ha", "969"),
    ]


@pytest.fixture
def covenant(year_2017: ClusterYear, north: list[Org]) -> Covenant:
    """Sent; Bắc Giang's and Bắc Kạn's registrations accepted, Thái Nguyên's only registered."""
    covenant = covenant_create(
        actor=None, cluster_year=year_2017, title="Giao ước 2017", text="Giao ước thi đua."
    )
    covenant_send(actor=None, covenant=covenant)
    for org in north:
        registration = Registration.objects.get(covenant=covenant, org=org)
        registration_save(
            actor=None, registration=registration, targets=seed_targets(), titles=["CO_CP"]
        )
        registration_register(actor=None, registration=registration)
        if org != north[2]:
            registration_accept(actor=None, registration=registration)
    return covenant


def targets_of(covenant: Covenant, org: Org) -> list[Target]:
    return list(Target.objects.filter(registration__covenant=covenant, registration__org=org))


@pytest.fixture
def six_months(year_2017: ClusterYear) -> ReportingPeriod:
    kind, name, start, end, due = standard_periods(2017)[0]
    return period_create(
        actor=None, cluster_year=year_2017, kind=kind, name=name, start=start, end=end, due=due
    )


@pytest.fixture
def whole_year(year_2017: ClusterYear) -> ReportingPeriod:
    kind, name, start, end, due = standard_periods(2017)[1]
    return period_create(
        actor=None, cluster_year=year_2017, kind=kind, name=name, start=start, end=end, due=due
    )


def report_state() -> dict[str, Any]:
    """Everything a refused report or extension must leave as it was."""
    return {
        "periods": list(
            ReportingPeriod.objects.order_by("pk").values_list(
                "pk", "cluster_year_id", "kind", "name", "start", "end", "due"
            )
        ),
        "submissions": list(
            Submission.objects.order_by("pk").values_list(
                "pk", "period_id", "org_id", "file", "file_name", "summary", "submitted_at"
            )
        ),
        "actuals": list(
            IndicatorValue.objects.order_by("pk").values_list("target_id", "period_id", "actual")
        ),
        "extensions": list(
            Extension.objects.order_by("pk").values_list("period_id", "org_id", "due", "reason")
        ),
        "audit": AuditEvent.objects.count(),
    }


# --- Rules: report_status ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_on", "today", "status"),
    [
        (DUE - days(10), DUE - days(5), "on_time"),
        (DUE, DUE, "on_time"),  # the due day counts
        (DUE, DUE + days(30), "on_time"),
        (DUE + days(1), DUE + days(1), "late"),
        (DUE + days(40), DUE + days(90), "late"),
        (None, DUE - days(3), "pending"),
        (None, DUE, "pending"),  # not yet missing on the due day itself
        (None, DUE + days(1), "missing"),
        (None, DUE + days(200), "missing"),
    ],
)
def test_report_status(submitted_on: dt.date | None, today: dt.date, status: str) -> None:
    assert rules.report_status(DUE, submitted_on, today) == status


@given(
    due=st.dates(dt.date(2000, 1, 1), dt.date(2099, 1, 1)),
    submitted=st.none() | st.integers(-60, 60),
    today=st.integers(-60, 60),
)
def test_report_status_depends_on_the_submission_not_on_today(
    due: dt.date, submitted: int | None, today: int
) -> None:
    submitted_on = None if submitted is None else due + days(submitted)
    status = rules.report_status(due, submitted_on, due + days(today))
    if submitted is not None:
        assert status == ("on_time" if submitted <= 0 else "late")
    else:
        assert status == ("missing" if today > 0 else "pending")


# --- Rules: reminders_due ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "kinds"),
    [
        (-30, []),
        (-4, []),
        (-3, ["before"]),
        (-1, ["before"]),
        (0, ["before"]),
        (1, ["overdue"]),
        (2, ["overdue"]),
        (3, ["overdue", "escalation"]),
        (60, ["overdue", "escalation"]),
    ],
)
def test_reminders_due_windows(offset: int, kinds: list[str]) -> None:
    assert rules.reminders_due(DUE, DUE + days(offset), submitted=False) == kinds
    assert rules.reminders_due(DUE, DUE + days(offset), submitted=True) == []


@pytest.mark.parametrize(
    ("offset", "kinds"),
    [(-6, []), (-5, ["before"]), (0, ["before"]), (1, ["overdue", "escalation"])],
)
def test_reminders_due_windows_follow_the_settings(offset: int, kinds: list[str]) -> None:
    today = DUE + days(offset)
    assert rules.reminders_due(DUE, today, False, days_before=5, escalate_after=1) == kinds


# --- Rules: percent_of_plan ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "percent"),
    [
        ("4006", "3889", "103.0"),  # seed 004: budget revenue
        ("1386", "969", "143.0"),  # seed 004: new forest
        ("0", "969", "0.0"),
        ("969", "969", "100.0"),
        ("1", "16", "6.3"),  # 6.25: half rounds up, not to even
        ("1", "3", "33.3"),
        ("2", "3", "66.7"),
    ],
)
def test_percent_of_plan(actual: str, target: str, percent: str) -> None:
    result = rules.percent_of_plan(Decimal(actual), Decimal(target))
    assert result == Decimal(percent)
    assert str(result) == percent


def test_percent_of_plan_is_none_without_an_actual_or_a_target() -> None:
    assert rules.percent_of_plan(None, Decimal("969")) is None
    assert rules.percent_of_plan(Decimal("10"), Decimal("0")) is None


# --- period_create -------------------------------------------------------------------------------


def test_the_standard_periods_are_set_and_audited(
    year_2017: ClusterYear, six_months: ReportingPeriod, whole_year: ReportingPeriod
) -> None:
    assert [(p.kind, p.start, p.end, p.due) for p in year_2017.periods.all()] == [
        ("half", dt.date(2017, 1, 1), dt.date(2017, 6, 30), dt.date(2017, 6, 15)),
        ("year", dt.date(2017, 1, 1), dt.date(2017, 12, 31), dt.date(2017, 11, 15)),
    ]
    assert "2017" in six_months.name
    assert six_months.name != whole_year.name
    event = AuditEvent.objects.filter(action="clusters.period.created").latest("pk")
    assert (event.object_type, event.object_id) == ("clusters.reportingperiod", str(whole_year.pk))
    assert event.changes["due"] == [None, "2017-11-15"]
    assert event.org_id_hint == year_2017.cluster.organiser_id


def test_a_period_may_end_and_be_due_the_next_year(year_2017: ClusterYear) -> None:
    period = period_create(
        actor=None,
        cluster_year=year_2017,
        kind="custom",
        name="  Năm học   2017-2018 ",
        start=dt.date(2017, 9, 1),
        end=dt.date(2018, 5, 31),
        due=dt.date(2018, 6, 10),
    )
    assert period.name == "Năm học 2017-2018"


D = dt.date


@pytest.mark.parametrize(
    ("kind", "name", "start", "end", "due", "field"),
    [
        ("month", "Tháng 1", D(2017, 1, 1), D(2017, 1, 31), D(2017, 2, 5), "kind"),
        ("quarter", "   ", D(2017, 1, 1), D(2017, 3, 31), D(2017, 4, 5), "name"),
        ("quarter", "Quý IV", D(2016, 10, 1), D(2016, 12, 31), D(2017, 1, 5), "start"),
        ("quarter", "Quý I 2018", D(2018, 1, 1), D(2018, 3, 31), D(2018, 4, 5), "start"),
        ("custom", "Ngược", D(2017, 3, 31), D(2017, 3, 1), D(2017, 4, 5), "end"),
        ("custom", "Quá dài", D(2017, 1, 1), D(2019, 1, 1), D(2017, 12, 1), "end"),
        ("quarter", "Quý II", D(2017, 4, 1), D(2017, 6, 30), D(2017, 3, 31), "due"),
        ("quarter", "Quý III", D(2017, 7, 1), D(2017, 9, 30), D(2019, 1, 5), "due"),
        ("quarter", "quý i/2017", D(2017, 1, 1), D(2017, 3, 31), D(2017, 4, 5), "name"),
    ],
)
def test_a_period_that_does_not_fit_the_year_is_refused(
    year_2017: ClusterYear,
    kind: str,
    name: str,
    start: dt.date,
    end: dt.date,
    due: dt.date,
    field: str,
) -> None:
    period_create(
        actor=None,
        cluster_year=year_2017,
        kind="quarter",
        name="Quý I/2017",
        start=D(2017, 1, 1),
        end=D(2017, 3, 31),
        due=D(2017, 4, 5),
    )
    before = report_state()
    with pytest.raises(DomainError) as refused:
        period_create(
            actor=None,
            cluster_year=year_2017,
            kind=kind,
            name=name,
            start=start,
            end=end,
            due=due,
        )
    assert refused.value.field == field
    assert report_state() == before


# --- extension_grant and effective_due -----------------------------------------------------------


def test_an_extension_moves_one_members_due_date_and_is_audited(
    six_months: ReportingPeriod, north: list[Org], secretariat_bac_giang: User
) -> None:
    bac_kan = north[1]
    extension = extension_grant(
        actor=secretariat_bac_giang,
        period=six_months,
        org=bac_kan,
        due=D(2017, 6, 20),
        reason="  Lũ quét ở Bắc Kạn ",
    )
    assert (extension.reason, extension.granted_by) == ("Lũ quét ở Bắc Kạn", secretariat_bac_giang)
    assert effective_due(six_months, bac_kan.pk) == D(2017, 6, 20)
    assert effective_due(six_months, north[2].pk) == DUE  # the others keep the period's date
    event = AuditEvent.objects.get(action="clusters.period.extended")
    assert (event.actor, event.object_id) == (secretariat_bac_giang, str(six_months.pk))
    assert event.changes == {
        "org": [None, bac_kan.pk],
        "due": ["2017-06-15", "2017-06-20"],
        "reason": [None, "Lũ quét ở Bắc Kạn"],
    }

    extension_grant(actor=None, period=six_months, org=bac_kan, due=D(2017, 6, 30), reason="Lũ")
    assert effective_due(six_months, bac_kan.pk) == D(2017, 6, 30)
    assert AuditEvent.objects.filter(action="clusters.period.extended").latest("pk").changes[
        "due"
    ] == ["2017-06-20", "2017-06-30"]


def test_the_effective_due_date_is_the_latest_extension_not_the_last_granted(
    six_months: ReportingPeriod, north: list[Org]
) -> None:
    bac_kan = north[1]
    Extension.objects.create(period=six_months, org=bac_kan, due=D(2017, 6, 30), reason="a")
    Extension.objects.create(period=six_months, org=bac_kan, due=D(2017, 6, 20), reason="b")
    assert effective_due(six_months, bac_kan.pk) == D(2017, 6, 30)
    (row,) = [r for r in report_matrix(six_months.cluster_year, D(2017, 6, 25)) if r.org == bac_kan]
    assert (row.cells[0].due, row.cells[0].status) == (D(2017, 6, 30), "pending")


@pytest.mark.parametrize(
    ("org_index", "due", "reason", "field"),
    [
        (1, D(2017, 6, 20), "", "reason"),
        (1, D(2017, 6, 20), "  \n ", "reason"),
        (1, DUE, "Lũ", "due"),  # not later than the due date
        (1, D(2017, 6, 1), "Lũ", "due"),
        (1, D(2019, 1, 1), "Lũ", "due"),
        (3, D(2017, 6, 20), "Lũ", "org"),  # Thanh Hóa is not a member
    ],
)
def test_an_extension_that_does_not_fit_is_refused(
    six_months: ReportingPeriod,
    north: list[Org],
    province: Any,
    org_index: int,
    due: dt.date,
    reason: str,
    field: str,
) -> None:
    org = [*north, province("38")][org_index]
    before = report_state()
    with pytest.raises(DomainError) as refused:
        extension_grant(actor=None, period=six_months, org=org, due=due, reason=reason)
    assert refused.value.field == field
    assert report_state() == before
    assert effective_due(six_months, org.pk) == DUE


def test_an_extension_must_be_later_than_the_current_one(
    six_months: ReportingPeriod, north: list[Org]
) -> None:
    extension_grant(actor=None, period=six_months, org=north[1], due=D(2017, 6, 25), reason="Lũ")
    before = report_state()
    for due in (D(2017, 6, 20), D(2017, 6, 25)):
        with pytest.raises(DomainError) as refused:
            extension_grant(actor=None, period=six_months, org=north[1], due=due, reason="Lũ")
        assert refused.value.field == "due"
    assert report_state() == before


def test_no_extension_once_the_report_is_in(
    six_months: ReportingPeriod, north: list[Org], clock: Clock
) -> None:
    clock.set(local(D(2017, 6, 10)))
    submission_submit(actor=None, period=six_months, org=north[1], upload=upload())
    before = report_state()
    with pytest.raises(DomainError):
        extension_grant(
            actor=None, period=six_months, org=north[1], due=D(2017, 6, 30), reason="Lũ"
        )
    assert report_state() == before


# --- submission_submit ---------------------------------------------------------------------------


def test_a_member_submits_its_report_with_its_figures(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org], clock: Clock
) -> None:
    bac_giang = north[0]
    focal = make_user("daumoi.bg", Role.FOCAL_POINT, bac_giang)
    budget, forest = targets_of(covenant, bac_giang)
    clock.set(local(D(2017, 6, 14), 16))
    submission = submission_submit(
        actor=focal,
        period=six_months,
        org=bac_giang,
        upload=upload("Báo cáo 6 tháng.pdf"),
        summary="  Hoàn thành vượt kế hoạch ",
        actuals={budget.pk: "4 006", forest.pk: Decimal("1386")},
    )
    submission.refresh_from_db()
    assert (submission.file_name, submission.summary, submission.submitted_by) == (
        "Báo cáo 6 tháng.pdf",
        "Hoàn thành vượt kế hoạch",
        focal,
    )
    assert submission.submitted_at == submission.updated_at == local(D(2017, 6, 14), 16)
    assert submission.file.read() == PDF
    figures = {v.target_id: v.actual for v in IndicatorValue.objects.filter(period=six_months)}
    assert figures == {budget.pk: Decimal("4006.00"), forest.pk: Decimal("1386.00")}
    percents = [rules.percent_of_plan(figures[t.pk], t.value) for t in (budget, forest)]
    assert percents == [Decimal("103.0"), Decimal("143.0")]
    event = AuditEvent.objects.get(action="clusters.report.submitted")
    assert (event.actor, event.object_type) == (focal, "clusters.submission")
    assert set(event.changes) == {"org", "file_name", "actuals", "status"}
    assert event.changes["org"] == [None, bac_giang.pk]
    assert event.changes["file_name"] == [None, "Báo cáo 6 tháng.pdf"]
    assert event.changes["status"] == [None, "on_time"]
    assert event.changes["actuals"][0] is None
    for target, figure in ((budget, "4006.00"), (forest, "1386.00")):
        assert f"'{target.pk}': '{figure}'" in str(event.changes["actuals"][1])


def test_the_audit_keeps_a_reports_figures_as_json(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org], clock: Clock
) -> None:
    budget, forest = targets_of(covenant, north[0])
    submission_submit(
        actor=None,
        period=six_months,
        org=north[0],
        upload=upload(),
        actuals={budget.pk: "4006", forest.pk: "1386"},
    )
    event = AuditEvent.objects.get(action="clusters.report.submitted")
    assert event.changes["actuals"] == [
        None,
        {str(budget.pk): "4006.00", str(forest.pk): "1386.00"},
    ]


def test_a_correction_keeps_when_the_report_first_came_in(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org], clock: Clock
) -> None:
    bac_kan = north[1]
    budget, forest = targets_of(covenant, bac_kan)
    first = local(D(2017, 6, 14), 10)
    clock.set(first)
    submission_submit(
        actor=None,
        period=six_months,
        org=bac_kan,
        upload=upload("ban-dau.pdf"),
        actuals={budget.pk: "3000"},
    )
    later = local(D(2017, 6, 20), 15)
    clock.set(later)
    submission_submit(
        actor=None,
        period=six_months,
        org=bac_kan,
        upload=upload("dinh-chinh.xlsx", XLSX),
        summary="Đính chính số liệu",
        actuals={budget.pk: "3100.5", forest.pk: "500"},
    )
    (submission,) = Submission.objects.all()
    assert (submission.submitted_at, submission.updated_at) == (first, later)
    assert (submission.file_name, submission.summary) == ("dinh-chinh.xlsx", "Đính chính số liệu")
    assert submission.file.read() == XLSX
    assert dict(IndicatorValue.objects.values_list("target_id", "actual")) == {
        budget.pk: Decimal("3100.50"),
        forest.pk: Decimal("500.00"),
    }
    corrections = AuditEvent.objects.filter(action="clusters.report.submitted").order_by("pk")
    assert [e.changes["file_name"] for e in corrections] == [
        [None, "ban-dau.pdf"],
        ["ban-dau.pdf", "dinh-chinh.xlsx"],
    ]
    # Still on time: the first version came in before the due date.
    assert [e.changes["status"][1] for e in corrections] == ["on_time", "on_time"]
    (row,) = [r for r in report_matrix(six_months.cluster_year, D(2017, 7, 1)) if r.org == bac_kan]
    assert row.cells[0].status == "on_time"


def test_a_non_member_cannot_submit(
    six_months: ReportingPeriod, province: Any, media_root: Path
) -> None:
    before = report_state()
    with pytest.raises(DomainError) as refused:
        submission_submit(actor=None, period=six_months, org=province("38"), upload=upload())
    assert refused.value.field == "org"
    assert report_state() == before
    assert media_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.exe", b"MZ\x90\x00"),
        ("bao-cao.jpg", b"\xff\xd8\xff\xe0"),  # a scan is not a report
        ("bao-cao.pdf", b"MZ\x90\x00 renamed"),
        ("bao-cao.xlsx", PDF),
        ("bao-cao.pdf", b""),
    ],
    ids=["exe", "jpg", "pdf-mismatch", "xlsx-mismatch", "empty"],
)
def test_a_report_file_of_the_wrong_type_is_refused(
    covenant: Covenant,
    six_months: ReportingPeriod,
    north: list[Org],
    media_root: Path,
    name: str,
    content: bytes,
) -> None:
    (budget, _forest) = targets_of(covenant, north[0])
    before = report_state()
    with pytest.raises(DomainError) as refused:
        submission_submit(
            actor=None,
            period=six_months,
            org=north[0],
            upload=upload(name, content),
            actuals={budget.pk: "10"},
        )
    assert refused.value.field == "file"
    assert report_state() == before
    assert media_files(media_root) == []


def test_a_figure_for_another_members_target_is_refused_and_changes_nothing(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org], media_root: Path
) -> None:
    bac_giang, bac_kan, _ = north
    own, _own_forest = targets_of(covenant, bac_giang)
    theirs, _their_forest = targets_of(covenant, bac_kan)
    before = report_state()
    with pytest.raises(DomainError) as refused:
        submission_submit(
            actor=None,
            period=six_months,
            org=bac_giang,
            upload=upload(),
            actuals={own.pk: "4006", theirs.pk: "1"},
        )
    assert refused.value.field == "actuals"
    assert report_state() == before
    assert media_files(media_root) == []


def test_figures_count_only_for_an_accepted_registration(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org]
) -> None:
    thai_nguyen = north[2]  # registered, not accepted
    assert member_targets(six_months.cluster_year, thai_nguyen.pk) == []
    (own, _forest) = targets_of(covenant, thai_nguyen)
    before = report_state()
    with pytest.raises(DomainError):
        submission_submit(
            actor=None,
            period=six_months,
            org=thai_nguyen,
            upload=upload(),
            actuals={own.pk: "100"},
        )
    assert report_state() == before
    # Without figures, its report is still received.
    submission_submit(actor=None, period=six_months, org=thai_nguyen, upload=upload())
    assert Submission.objects.filter(org=thai_nguyen).count() == 1


@pytest.mark.parametrize("bad", ["-1", "-0.01", "nhiều", "NaN", "Infinity", "1e13", "1e16"])
def test_a_figure_that_is_not_a_number_of_zero_or_more_is_refused(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org], bad: str
) -> None:
    (budget, _forest) = targets_of(covenant, north[0])
    before = report_state()
    with pytest.raises(DomainError) as refused:
        submission_submit(
            actor=None, period=six_months, org=north[0], upload=upload(), actuals={budget.pk: bad}
        )
    assert refused.value.field == "actuals"
    assert report_state() == before


def test_blank_figures_are_left_out(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org]
) -> None:
    budget, forest = targets_of(covenant, north[0])
    submission_submit(
        actor=None,
        period=six_months,
        org=north[0],
        upload=upload(),
        actuals={budget.pk: "0", forest.pk: "  "},
    )
    assert dict(IndicatorValue.objects.values_list("target_id", "actual")) == {
        budget.pk: Decimal("0.00")
    }


# --- report_matrix -------------------------------------------------------------------------------


def statuses(cluster_year: ClusterYear, today: dt.date) -> dict[str, list[str]]:
    return {
        row.org.code: [c.status for c in row.cells] for row in report_matrix(cluster_year, today)
    }


def test_the_matrix_shows_each_members_standing_on_a_given_day(
    year_2017: ClusterYear,
    six_months: ReportingPeriod,
    whole_year: ReportingPeriod,
    north: list[Org],
    clock: Clock,
) -> None:
    bac_giang, bac_kan, thai_nguyen = north
    clock.set(local(D(2017, 6, 10)))
    submission_submit(actor=None, period=six_months, org=bac_giang, upload=upload())
    clock.set(local(D(2017, 6, 20)))
    submission_submit(actor=None, period=six_months, org=thai_nguyen, upload=upload())
    extension_grant(actor=None, period=six_months, org=bac_kan, due=D(2017, 6, 30), reason="Lũ")

    bg, bk, tn = (o.code for o in north)
    assert statuses(year_2017, D(2017, 6, 15)) == {
        bg: ["on_time", "pending"],
        bk: ["pending", "pending"],
        tn: ["late", "pending"],  # in after the due date: late, whatever the day looked at
    }
    assert statuses(year_2017, D(2017, 6, 25)) == {
        bg: ["on_time", "pending"],
        bk: ["pending", "pending"],  # extended to 30 June
        tn: ["late", "pending"],
    }
    assert statuses(year_2017, D(2017, 11, 16)) == {
        bg: ["on_time", "missing"],
        bk: ["missing", "missing"],
        tn: ["late", "missing"],
    }
    rows = {row.org.code: row for row in report_matrix(year_2017, D(2017, 11, 16))}
    assert [(rows[c].late, rows[c].missing) for c in (bg, bk, tn)] == [(0, 1), (0, 2), (1, 1)]
    assert [c.due for c in rows[bk].cells] == [D(2017, 6, 30), D(2017, 11, 15)]
    assert rows[bk].cells[0].extension is not None
    assert rows[bg].cells[0].submission is not None
    assert rows[bk].cells[0].submission is None


@pytest.mark.parametrize(
    ("instant", "status"),
    [
        (local(DUE, 23, 59), "on_time"),  # 16:59 UTC on the due day
        (local(DUE + days(1), 0, 30), "late"),  # still the due day in UTC
        (local(DUE + days(1), 6, 59), "late"),  # 23:59 UTC on the due day
    ],
)
def test_a_report_after_the_due_date_by_the_local_calendar_is_late(
    year_2017: ClusterYear,
    six_months: ReportingPeriod,
    north: list[Org],
    monkeypatch: pytest.MonkeyPatch,
    instant: dt.datetime,
    status: str,
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: instant)
    submission_submit(actor=None, period=six_months, org=north[1], upload=upload())
    (row,) = [r for r in report_matrix(year_2017, D(2017, 7, 1)) if r.org == north[1]]
    assert row.cells[0].status == status
    assert AuditEvent.objects.get(action="clusters.report.submitted").changes["status"] == [
        None,
        status,
    ]


# --- Reminders -----------------------------------------------------------------------------------


def person(username: str, email: str, role: str, org: Org, *, active: bool = True) -> User:
    user = user_create(
        actor=None, username=username, password=None, full_name=username, email=email
    )
    membership_grant(actor=None, user=user, role=role, org=org)
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def addresses(year_2017: ClusterYear, north: list[Org]) -> dict[str, list[str]]:
    """Focal points at each member, the secretariat at the head (Bắc Giang)."""
    bac_giang, bac_kan, thai_nguyen = north
    person("dm.bg", "daumoi@bacgiang.gov.vn", Role.FOCAL_POINT, bac_giang)
    person("tk.bg", "thuky@bacgiang.gov.vn", Role.SECRETARIAT, bac_giang)
    person("dm.bk", "daumoi@backan.gov.vn", Role.FOCAL_POINT, bac_kan)
    person("cu.bk", "nghihuu@backan.gov.vn", Role.FOCAL_POINT, bac_kan, active=False)
    person("xem.bk", "xem@backan.gov.vn", Role.VIEWER, bac_kan)
    person("dm1.tn", "vanthu@thainguyen.gov.vn", Role.FOCAL_POINT, thai_nguyen)
    person("dm2.tn", "daumoi@thainguyen.gov.vn", Role.FOCAL_POINT, thai_nguyen)
    return {
        "head": ["thuky@bacgiang.gov.vn"],
        bac_giang.code: ["daumoi@bacgiang.gov.vn"],
        bac_kan.code: ["daumoi@backan.gov.vn"],
        thai_nguyen.code: ["daumoi@thainguyen.gov.vn", "vanthu@thainguyen.gov.vn"],
    }


@pytest.fixture
def head_reported(
    six_months: ReportingPeriod, whole_year: ReportingPeriod, north: list[Org], clock: Clock
) -> ReportingPeriod:
    """The head unit, Bắc Giang, sent its six-month report on 8 June; the others have not."""
    clock.set(local(D(2017, 6, 8)))
    submission_submit(actor=None, period=six_months, org=north[0], upload=upload())
    return six_months


def reminders() -> set[tuple[str, str, dt.date]]:
    return set(Reminder.objects.values_list("org__code", "kind", "due"))


def run_on(day: dt.date, clock: Clock, **options: Any) -> list[Any]:
    """Run the reminders as the daily job would on `day`; the emails it sent."""
    clock.set(local(day, 7))
    mail.outbox.clear()
    send_reminders(today=day, **options)
    return list(mail.outbox)


def test_reminders_before_after_and_escalated_each_sent_once_per_due_date(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
    secretariat_bac_giang: User,
) -> None:
    period = head_reported
    bac_giang, bac_kan, thai_nguyen = north
    bg, bk, tn = (o.code for o in north)

    # Four days before: too early.
    assert run_on(DUE - days(4), clock) == []
    assert reminders() == set()

    # Three days before: a reminder to each member without a report, none to Bắc Giang.
    sent = run_on(DUE - days(3), clock)
    assert sorted(m.to for m in sent) == sorted([addresses[bk], addresses[tn]])
    for message in sent:
        assert period.name in message.subject
        assert "15/06/2017" in message.subject
    by_to = {tuple(m.to): m for m in sent}
    assert bac_kan.name in by_to[tuple(addresses[bk])].body
    assert thai_nguyen.name in by_to[tuple(addresses[tn])].body
    assert reminders() == {(bk, "before", DUE), (tn, "before", DUE)}
    row = Reminder.objects.get(org=thai_nguyen)
    assert row.recipients == ", ".join(addresses[tn])
    before_subject = sent[0].subject

    # The same day again, and the following days up to the due date: nothing twice.
    assert run_on(DUE - days(3), clock) == []
    assert run_on(DUE - days(1), clock) == []
    assert run_on(DUE, clock) == []
    assert len(reminders()) == 2

    # The day after: an overdue notice to each late member.
    sent = run_on(DUE + days(1), clock)
    assert sorted(m.to for m in sent) == sorted([addresses[bk], addresses[tn]])
    assert all(m.subject != before_subject and "15/06/2017" in m.subject for m in sent)
    assert reminders() == {
        (bk, "before", DUE),
        (tn, "before", DUE),
        (bk, "overdue", DUE),
        (tn, "overdue", DUE),
    }
    assert run_on(DUE + days(2), clock) == []

    # Three days after: one email to the head unit's secretariat, listing the late members.
    (escalation,) = run_on(DUE + days(3), clock)
    assert escalation.to == addresses["head"]
    assert period.name in escalation.subject
    assert period.cluster_year.cluster.name in escalation.subject
    assert bac_kan.name in escalation.body
    assert thai_nguyen.name in escalation.body
    assert bac_giang.name not in escalation.body
    assert {(o, k) for o, k, _d in reminders() if k == "escalation"} == {
        (bk, "escalation"),
        (tn, "escalation"),
    }
    assert set(Reminder.objects.filter(kind="escalation").values_list("recipients", flat=True)) == {
        "thuky@bacgiang.gov.vn"
    }
    assert run_on(DUE + days(3), clock) == []
    assert run_on(DUE + days(10), clock) == []

    # Bắc Kạn is given until 25 June: new reminders for the new due date, for Bắc Kạn only.
    new_due = D(2017, 6, 25)
    extension_grant(
        actor=secretariat_bac_giang, period=period, org=bac_kan, due=new_due, reason="Lũ quét"
    )
    assert run_on(new_due - days(4), clock) == []
    (reminder,) = run_on(new_due - days(3), clock)
    assert reminder.to == addresses[bk]
    assert "25/06/2017" in reminder.subject
    assert run_on(new_due, clock) == []
    (overdue,) = run_on(new_due + days(1), clock)
    assert (overdue.to, "25/06/2017" in overdue.subject) == (addresses[bk], True)
    (escalation,) = run_on(new_due + days(3), clock)
    assert escalation.to == addresses["head"]
    assert bac_kan.name in escalation.body
    assert thai_nguyen.name not in escalation.body
    assert {(o, k, d) for o, k, d in reminders() if d == new_due} == {
        (bk, "before", new_due),
        (bk, "overdue", new_due),
        (bk, "escalation", new_due),
    }
    assert Reminder.objects.count() == 9
    assert bg not in {org for org, _kind, _due in reminders()}  # its report came in on time
    assert run_on(new_due + days(3), clock) == []


def test_a_report_sent_after_the_reminder_stops_the_overdue_notice(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    run_on(DUE - days(3), clock)
    clock.set(local(DUE - days(1)))
    submission_submit(actor=None, period=head_reported, org=north[2], upload=upload())
    (overdue,) = run_on(DUE + days(1), clock)
    assert overdue.to == addresses[north[1].code]
    (escalation,) = run_on(DUE + days(3), clock)
    assert north[2].name not in escalation.body


def test_a_dry_run_sends_and_records_nothing(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    clock.set(local(DUE - days(3)))
    run = send_reminders(today=DUE - days(3), dry_run=True)
    assert (mail.outbox, Reminder.objects.count(), run.sent) == ([], 0, 0)
    assert len(run.lines) == 2
    assert any(north[1].code in line for line in run.lines)
    assert any(north[2].code in line for line in run.lines)
    assert not any(north[0].code in line for line in run.lines)
    # The real run afterwards still sends them.
    assert len(run_on(DUE - days(3), clock)) == 2


def test_a_dry_run_after_the_days_run_lists_no_member_reminder_again(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    assert len(run_on(DUE - days(3), clock)) == 2
    assert send_reminders(today=DUE - days(3), dry_run=True).lines == []
    assert len(run_on(DUE + days(1), clock)) == 2
    assert send_reminders(today=DUE + days(1), dry_run=True).lines == []


def test_a_dry_run_after_the_days_run_lists_no_escalation_again(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    run_on(DUE + days(1), clock)
    assert len(run_on(DUE + days(3), clock)) == 1  # the escalation to the head
    assert run_on(DUE + days(3), clock) == []  # a real run sends nothing more
    assert send_reminders(today=DUE + days(3), dry_run=True).lines == []


def test_a_member_without_an_address_is_counted_and_reminded_once_it_has_one(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    User.objects.filter(memberships__org=north[2]).update(is_active=False)
    clock.set(local(DUE - days(3)))
    run = send_reminders(today=DUE - days(3))
    assert (run.sent, run.skipped_no_address) == (1, 1)
    assert reminders() == {(north[1].code, "before", DUE)}
    person("dm3.tn", "moi@thainguyen.gov.vn", Role.FOCAL_POINT, north[2])
    (late,) = run_on(DUE - days(2), clock)
    assert late.to == ["moi@thainguyen.gov.vn"]


def test_the_command_sends_the_days_reminders(
    head_reported: ReportingPeriod,
    north: list[Org],
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    clock.set(local(D(2017, 6, 16), 7))
    out = StringIO()
    call_command("send_report_reminders", "--today", "2017-06-16", stdout=out)
    assert sorted(m.to for m in mail.outbox) == sorted(
        [addresses[north[1].code], addresses[north[2].code]]
    )
    assert reminders() == {(north[1].code, "overdue", DUE), (north[2].code, "overdue", DUE)}
    output = out.getvalue()
    assert "2017-06-16" in output
    assert "2 email" in output
    assert north[1].code in output

    mail.outbox.clear()
    call_command("send_report_reminders", "--today", "2017-06-16", stdout=StringIO())
    assert mail.outbox == []


def test_the_commands_dry_run_sends_nothing(
    head_reported: ReportingPeriod, addresses: dict[str, list[str]], clock: Clock
) -> None:
    out = StringIO()
    call_command("send_report_reminders", "--today", "2017-06-16", "--dry-run", stdout=out)
    assert (mail.outbox, Reminder.objects.count()) == ([], 0)
    assert "0 email" in out.getvalue()


@pytest.mark.parametrize("bad", ["16/06/2017", "2017-13-01", "hôm nay"])
def test_the_command_refuses_a_day_it_cannot_read(db: Any, bad: str) -> None:
    with pytest.raises(CommandError):
        call_command("send_report_reminders", "--today", bad, stdout=StringIO())
    assert (mail.outbox, Reminder.objects.count()) == ([], 0)


# --- Permissions ---------------------------------------------------------------------------------


def test_a_focal_point_acts_for_its_own_unit_only(
    member_bac_kan: User,
    snv_bac_kan: Org,
    snv_bac_giang: Org,
    snv_thai_nguyen: Org,
    officer_thai_nguyen: User,
    secretariat_bac_giang: User,
    outsider: User,
    bac_giang: Org,
) -> None:
    assert permissions.can_act_for_member(member_bac_kan, snv_bac_kan)
    assert not permissions.can_act_for_member(member_bac_kan, snv_bac_giang)
    # The successor keeps the merged unit's records, not the other way round.
    assert not permissions.can_act_for_member(member_bac_kan, snv_thai_nguyen)
    assert permissions.can_act_for_member(officer_thai_nguyen, snv_bac_kan)
    # The secretariat reviews registrations; it does not make them for the members.
    assert not permissions.can_act_for_member(secretariat_bac_giang, bac_giang)
    assert not permissions.can_act_for_member(outsider, snv_bac_kan)


def test_the_head_units_secretariat_runs_the_current_year_only(
    council: Org, north: list[Org], secretariat_bac_giang: User, outsider: User
) -> None:
    year_2015 = open_year(council, north, 2015)  # head Bắc Giang, deputy Bắc Kạn
    secretariat_bac_kan = make_user("thuky.backan", Role.SECRETARIAT, north[1])
    council_officer = make_user("canbo.hoidong", Role.OFFICER, council)
    assert permissions.can_run_cluster_year(secretariat_bac_giang, year_2015)
    assert not permissions.can_run_cluster_year(secretariat_bac_kan, year_2015)
    assert not permissions.can_run_cluster_year(outsider, year_2015)

    year_2016 = cluster_year_open(actor=None, cluster=year_2015.cluster, year=2016)
    assert year_2016.head == north[1]  # last year's deputy takes over
    for user in (secretariat_bac_giang, secretariat_bac_kan, council_officer):
        permissions.forget(user)
    assert not permissions.can_run_cluster_year(secretariat_bac_giang, year_2015)
    assert not permissions.can_run_cluster_year(secretariat_bac_giang, year_2016)
    assert permissions.can_run_cluster_year(secretariat_bac_kan, year_2016)
    assert not permissions.can_run_cluster_year(secretariat_bac_kan, year_2015)
    # The organising council's officers run every year.
    assert permissions.can_run_cluster_year(council_officer, year_2015)
    assert permissions.can_run_cluster_year(council_officer, year_2016)


def test_the_heads_own_late_report_is_escalated_to_the_organising_council(
    six_months: ReportingPeriod,
    north: list[Org],
    council: Org,
    addresses: dict[str, list[str]],
    clock: Clock,
) -> None:
    person("cb.tw", "canbo@tdkt.gov.vn", Role.OFFICER, council)
    for org in north[1:]:
        submission_submit(actor=None, period=six_months, org=org, upload=upload())

    sent = run_on(DUE + days(3), clock)

    escalations = [m for m in sent if m.to == ["canbo@tdkt.gov.vn"]]
    assert len(escalations) == 1
    assert north[0].name in escalations[0].body
    assert ("24", "escalation", DUE) in reminders()


def test_a_corrected_report_replaces_its_figures(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org]
) -> None:
    budget, forest = targets_of(covenant, north[0])
    submission_submit(
        actor=None,
        period=six_months,
        org=north[0],
        upload=upload(),
        actuals={budget.pk: "2000", forest.pk: "500"},
    )

    submission_submit(
        actor=None,
        period=six_months,
        org=north[0],
        upload=upload("bao-cao-sua.pdf"),
        actuals={budget.pk: "2100", forest.pk: ""},
    )

    assert dict(IndicatorValue.objects.values_list("target_id", "actual")) == {
        budget.pk: Decimal("2100.00")
    }


def test_a_figure_with_more_than_two_decimals_is_refused(
    covenant: Covenant, six_months: ReportingPeriod, north: list[Org]
) -> None:
    budget, _forest = targets_of(covenant, north[0])
    before = report_state()

    with pytest.raises(DomainError):
        submission_submit(
            actor=None,
            period=six_months,
            org=north[0],
            upload=upload(),
            actuals={budget.pk: "4006.125"},
        )

    assert report_state() == before
