"""Pages of the covenant, registrations, reporting periods, reports and indicators: who may see and
do what (a member acts for itself only, the head unit's secretariat runs its current year only), the
forms and their errors in the interface's language, and the Excel exports."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Role, User
from clusters.covenants import (
    TargetInput,
    covenant_create,
    covenant_send,
    covenant_sign,
    registration_accept,
    registration_register,
    registration_save,
)
from clusters.models import (
    ClusterYear,
    Covenant,
    CovenantCriterion,
    CovenantStatus,
    Extension,
    IndicatorValue,
    PeriodKind,
    Registration,
    RegistrationStatus,
    ReportingPeriod,
    Submission,
    Target,
)
from clusters.reports import period_create, submission_submit
from clusters.services import cluster_create, cluster_year_open, cluster_year_set_head
from conftest import make_user
from core.models import AuditEvent
from orgs.models import Org

PDF = b"%PDF-1.4\n% tai lieu thu nghiem\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
LOGIN = reverse("accounts:login")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BUDGET = "Thu ngân sách nhà nước trên địa bàn"
INVESTMENT = "Tỷ lệ giải ngân vốn đầu tư công"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- helpers -----------------------------------------------------------------------------------


def shown(text: str, language: str = "vi", **params: Any) -> str:
    """A message as the page shows it, from the catalogue of `language` (English when untranslated)."""
    with translation.override(language):
        out = translation.gettext(text)
    return out % params if params else out


def content(response: Any) -> str:
    return response.content.decode()


def assert_shows(response: Any, text: str) -> None:
    assert escape(text) in content(response), text


def state() -> dict[str, Any]:
    """Everything a refused or denied request must leave as it was, files included."""
    root = Path(django_settings.MEDIA_ROOT)
    models = (
        Covenant,
        CovenantCriterion,
        Registration,
        Target,
        ReportingPeriod,
        Extension,
        Submission,
        IndicatorValue,
        AuditEvent,
    )
    return {
        "counts": {m.__name__: m.objects.count() for m in models},
        "covenants": list(
            Covenant.objects.order_by("pk").values_list(
                "pk", "title", "text", "status", "registration_due", "signed_on", "signed_scan"
            )
        ),
        "criteria": list(CovenantCriterion.objects.order_by("pk").values_list("text", flat=True)),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "pk", "org_id", "status", "titles", "note", "return_reason", "decided_at"
            )
        ),
        "targets": list(
            Target.objects.order_by("pk").values_list(
                "registration_id", "position", "name", "measure", "value", "deadline"
            )
        ),
        "periods": list(
            ReportingPeriod.objects.order_by("pk").values_list("pk", "name", "start", "end", "due")
        ),
        "extensions": list(
            Extension.objects.order_by("pk").values_list("period_id", "org_id", "due", "reason")
        ),
        "submissions": list(
            Submission.objects.order_by("pk").values_list(
                "pk", "org_id", "file", "file_name", "summary", "updated_at"
            )
        ),
        "actuals": list(
            IndicatorValue.objects.order_by("pk").values_list("target_id", "period_id", "actual")
        ),
        "files": sorted(str(p) for p in root.rglob("*") if p.is_file()),
    }


def url(name: str, cy: ClusterYear) -> str:
    return reverse(f"clusters:{name}", args=[cy.cluster_id, cy.year])


def registration_url(registration: Registration) -> str:
    return reverse("clusters:registration", args=[registration.pk])


def decide_url(registration: Registration) -> str:
    return reverse("clusters:registration-decide", args=[registration.pk])


def submission_url(period: ReportingPeriod, org: Org) -> str:
    return reverse("clusters:submission", args=[period.pk, org.pk])


def file_url(submission: Submission) -> str:
    return reverse("clusters:submission-file", args=[submission.pk])


def upload(name: str = "tai-lieu.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def registration_of(covenant: Covenant, org: Org) -> Registration:
    return Registration.objects.get(covenant=covenant, org=org)


def registered(covenant: Covenant, org: Org, targets: list[tuple[str, str, str]]) -> Registration:
    registration = registration_of(covenant, org)
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput(name, measure, value) for name, measure, value in targets],
        titles=["TTLDXS"],
    )
    return registration_register(actor=None, registration=registration)


def downloaded(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class _Forms(HTMLParser):
    """The fields each form of a page would send, as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
            return
        if not self.forms or not a.get("name"):
            return
        name = str(a["name"])
        if tag == "input":
            kind = a.get("type") or "text"
            if kind in ("submit", "file", "button") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                return
            self.forms[-1].setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.forms[-1].setdefault(name, []).append("")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1][self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            values = self.forms[-1][self._textarea]
            values[-1] = values[-1].removeprefix("\n")
            self._textarea = None


def browser_form(response: Any, marker: str) -> dict[str, Any]:
    """The form of the page that holds the field `marker`, as the browser would post it."""
    parser = _Forms()
    parser.feed(content(response))
    form = next(f for f in parser.forms if marker in f)
    return {k: v if len(v) > 1 or k == "titles" else v[0] for k, v in form.items()}


def target_rows(rows: list[dict[str, str]], initial: int = 0, **extra: Any) -> dict[str, Any]:
    """The registration formset's data: one dict per row (an empty dict is a blank row)."""
    data: dict[str, Any] = {
        "t-TOTAL_FORMS": str(len(rows)),
        "t-INITIAL_FORMS": str(initial),
        "t-MIN_NUM_FORMS": "0",
        "t-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key in ("name", "measure", "value", "deadline"):
            data[f"t-{index}-{key}"] = row.get(key, "")
    data.update(extra)
    return data


def matrix(response: Any) -> dict[str, list[str]]:
    """The report matrix as the page shows it: member → the data-status of each period's cell."""
    rows = re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', content(response), flags=re.DOTALL)
    return {name: re.findall(r'data-status="(\w+)"', cells) for name, cells in rows}


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def council(db: Any) -> Org:
    return Org.objects.get(code="TW-HDTDKT")


@pytest.fixture
def council_officer(council: Org) -> User:
    """Officer of the Central Council, which organises the cluster: runs every year of it."""
    return make_user("canbo.hoidong", Role.OFFICER, council)


@pytest.fixture
def orgs(province: Any) -> dict[str, Org]:
    """The members, in the order of the rotation: Bắc Giang (head), Bắc Kạn (deputy), Thái Nguyên."""
    return {"bac_giang": province("24"), "bac_kan": province("06"), "thai_nguyen": province("19")}


@pytest.fixture
def focal_bac_kan(orgs: dict[str, Org]) -> User:
    """Focal point of the member province Bắc Kạn itself."""
    return make_user("daumoi.tinh.backan", Role.FOCAL_POINT, orgs["bac_kan"])


@pytest.fixture
def focal_bac_giang(orgs: dict[str, Org]) -> User:
    """Focal point of Bắc Giang, the head unit: acts for Bắc Giang, does not run the cluster."""
    return make_user("daumoi.tinh.bacgiang", Role.FOCAL_POINT, orgs["bac_giang"])


@pytest.fixture
def cy(council: Org, orgs: dict[str, Org]) -> ClusterYear:
    """2015 of the cluster: Bắc Giang heads it, Bắc Kạn is its deputy."""
    cluster = cluster_create(
        actor=None, kind="cum", organiser=council, code="CTD-GU", name="Cụm thi đua giao ước"
    )
    opened = cluster_year_open(actor=None, cluster=cluster, year=2015, members=list(orgs.values()))
    return cluster_year_set_head(
        actor=None,
        cluster_year=opened,
        head=orgs["bac_giang"],
        deputy=orgs["bac_kan"],
        decision="01/BB-CTĐ",
        decision_date=dt.date(2015, 1, 20),
    )


def drafted(cy: ClusterYear) -> Covenant:
    return covenant_create(
        actor=None,
        cluster_year=cy,
        title="Giao ước thi đua năm 2015",
        text="Các tỉnh cùng giao ước thi đua.",
        criteria=["Hoàn thành chỉ tiêu thu ngân sách", "Đẩy mạnh cải cách hành chính"],
        registration_due=dt.date(2015, 2, 28),
    )


@pytest.fixture
def draft(cy: ClusterYear) -> Covenant:
    return drafted(cy)


@pytest.fixture
def sent(draft: Covenant) -> Covenant:
    return covenant_send(actor=None, covenant=draft)


def accept_all(covenant: Covenant, orgs: dict[str, Org]) -> Covenant:
    """Every member registers its budget target (Bắc Kạn also an investment one) and is accepted."""
    targets = {
        "bac_giang": [(BUDGET, "tỷ đồng", "12000")],
        "bac_kan": [(BUDGET, "tỷ đồng", "3889"), (INVESTMENT, "%", "95")],
        "thai_nguyen": [(BUDGET, "tỷ đồng", "15000")],
    }
    for key, rows in targets.items():
        registration_accept(actor=None, registration=registered(covenant, orgs[key], rows))
    return covenant


@pytest.fixture
def accepted(sent: Covenant, orgs: dict[str, Org]) -> Covenant:
    return accept_all(sent, orgs)


@pytest.fixture
def signed(accepted: Covenant) -> Covenant:
    return covenant_sign(
        actor=None,
        covenant=accepted,
        signed_on=dt.date(2015, 3, 10),
        scan=upload("giao-uoc-da-ky.pdf"),
    )


@pytest.fixture
def periods(cy: ClusterYear) -> dict[str, ReportingPeriod]:
    return {
        "half": period_create(
            actor=None,
            cluster_year=cy,
            kind=PeriodKind.HALF,
            name="Sáu tháng đầu năm 2015",
            start=dt.date(2015, 1, 1),
            end=dt.date(2015, 6, 30),
            due=dt.date(2015, 6, 15),
        ),
        "year": period_create(
            actor=None,
            cluster_year=cy,
            kind=PeriodKind.YEAR,
            name="Cả năm 2015",
            start=dt.date(2015, 1, 1),
            end=dt.date(2015, 12, 31),
            due=dt.date(2015, 11, 15),
        ),
    }


def submit(
    period: ReportingPeriod,
    org: Org,
    on: dt.datetime | None = None,
    actuals: dict[int, str] | None = None,
) -> Submission:
    """A member's report, sent today, or on `on` when given."""
    submission = submission_submit(
        actor=None, period=period, org=org, upload=upload("bao-cao.pdf"), actuals=actuals or {}
    )
    if on is not None:
        Submission.objects.filter(pk=submission.pk).update(submitted_at=on, updated_at=on)
        submission.refresh_from_db()
    return submission


def budget_target(covenant: Covenant, org: Org) -> Target:
    return Target.objects.get(registration__covenant=covenant, registration__org=org, name=BUDGET)


# --- who may run the covenant and the reporting periods ---------------------------------------

DRAFT_DATA = {
    "title": "Giao ước thi đua năm 2015 của Cụm",
    "text": "Nội dung giao ước",
    "criteria": "Hoàn thành chỉ tiêu thu ngân sách\n\nĐẩy mạnh cải cách hành chính\n",
    "registration_due": "28/02/2015",
    "signing_meeting": "",
}

RUN_ACTIONS = [
    "draft",
    "edit",
    "send",
    "accept",
    "return",
    "sign",
    "lock",
    "period",
    "usual",
    "extension",
]


def prepare(action: str, cy: ClusterYear, orgs: dict[str, Org]) -> tuple[str, dict[str, Any]]:
    """Bring the year to where `action` is allowed; the address and data of the request doing it."""
    if action == "draft":
        return url("covenant", cy), DRAFT_DATA
    if action == "period":
        return url("period-create", cy), {
            "kind": "quarter",
            "name": "Quý I/2015",
            "start": "01/01/2015",
            "end": "31/03/2015",
            "due": "15/04/2015",
        }
    if action == "usual":
        return url("period-create", cy), {"usual": "1"}
    if action == "extension":
        period = period_create(
            actor=None,
            cluster_year=cy,
            kind=PeriodKind.QUARTER,
            name="Quý I/2015",
            start=dt.date(2015, 1, 1),
            end=dt.date(2015, 3, 31),
            due=dt.date(2015, 4, 15),
        )
        return url("extension-grant", cy), {
            "period": period.pk,
            "org": orgs["bac_kan"].pk,
            "due": "30/04/2015",
            "reason": "Địa phương bị lũ quét",
        }
    covenant = drafted(cy)
    if action == "edit":
        return url("covenant", cy), {**DRAFT_DATA, "title": "Giao ước đã sửa"}
    if action == "send":
        return url("covenant-send", cy), {}
    covenant_send(actor=None, covenant=covenant)
    mine = registered(covenant, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])
    if action == "accept":
        return decide_url(mine), {"action": "accept"}
    if action == "return":
        return decide_url(mine), {"action": "return", "reason": "Chỉ tiêu thấp hơn năm trước"}
    registration_accept(actor=None, registration=mine)
    for key in ("bac_giang", "thai_nguyen"):
        registration_accept(
            actor=None,
            registration=registered(covenant, orgs[key], [(BUDGET, "tỷ đồng", "1000")]),
        )
    if action == "sign":
        return url("covenant-sign", cy), {"signed_on": "10/03/2015", "scan": upload()}
    covenant_sign(actor=None, covenant=covenant, signed_on=dt.date(2015, 3, 10), scan=upload())
    assert action == "lock"
    return url("covenant-lock", cy), {}


# persona → the answer to each step of running the year, while Bắc Giang heads it
RUNNERS = {
    "secretariat_bac_giang": 302,
    "council_officer": 302,
    "focal_bac_giang": 403,  # the head unit's focal point acts for Bắc Giang, does not run
    "focal_bac_kan": 403,
    "officer_thai_nguyen": 403,
    "viewer_bac_giang": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("action", RUN_ACTIONS)
@pytest.mark.parametrize(("persona", "expected"), list(RUNNERS.items()))
def test_only_the_head_units_secretariat_and_the_council_run_the_year(
    as_user: Any,
    cy: ClusterYear,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    council_officer: User,
    action: str,
    persona: str,
    expected: int,
) -> None:
    address, data = prepare(action, cy, orgs)
    client = as_user(persona)
    before = state()

    response = client.post(address, data)

    assert response.status_code == expected
    if expected == 302:
        assert not response["Location"].startswith(LOGIN)
        assert state() != before
    else:
        assert state() == before


@pytest.mark.parametrize("action", RUN_ACTIONS)
def test_last_years_secretariat_is_refused_once_the_next_year_opens_with_another_head(
    as_user: Any, cy: ClusterYear, orgs: dict[str, Org], action: str
) -> None:
    address, data = prepare(action, cy, orgs)
    opened = cluster_year_open(actor=None, cluster=cy.cluster, year=2016)
    assert opened.head == orgs["bac_kan"]
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(address, data)

    assert response.status_code == 403
    assert state() == before


def test_the_council_still_runs_last_year_after_the_rotation(
    as_user: Any, cy: ClusterYear, orgs: dict[str, Org], council_officer: User
) -> None:
    address, data = prepare("send", cy, orgs)
    cluster_year_open(actor=None, cluster=cy.cluster, year=2016)

    response = as_user("council_officer").post(address, data)

    assert response.status_code == 302
    assert Covenant.objects.get(cluster_year=cy).status == CovenantStatus.SENT


def test_the_covenant_page_offers_the_draft_form_only_to_who_runs_the_current_year(
    as_user: Any, draft: Covenant, cy: ClusterYear
) -> None:
    secretariat = as_user("secretariat_bac_giang")
    viewer = as_user("viewer_bac_giang")

    before = secretariat.get(url("covenant", cy))
    seen = viewer.get(url("covenant", cy))
    cluster_year_open(actor=None, cluster=cy.cluster, year=2016)
    after = secretariat.get(url("covenant", cy))

    assert (before.context["may_run"], before.context["form"] is not None) == (True, True)
    assert (seen.status_code, seen.context["may_run"], seen.context["form"]) == (200, False, None)
    assert (after.status_code, after.context["may_run"], after.context["form"]) == (
        200,
        False,
        None,
    )
    assert url("covenant-send", cy) in content(before)
    assert url("covenant-send", cy) not in content(after)


# --- who may see what --------------------------------------------------------------------------

PAGES = [
    "year",
    "covenant",
    "covenant_xlsx",
    "registration_bac_kan",
    "scan",
    "reports",
    "indicators",
    "submission_bac_kan",
    "submission_bac_giang",
    "file_bac_kan",
    "file_bac_giang",
]

# persona → page → status. A cluster out of sight is a 404 everywhere; a member's focal point sees
# its own report and file only; the dashboard is for the secretariat and the council's officers.
SEES: dict[str, dict[str, int]] = {
    "secretariat_bac_giang": dict.fromkeys(PAGES, 200),
    "council_officer": dict.fromkeys(PAGES, 200),
    "focal_bac_kan": {
        "year": 200,
        "covenant": 200,
        "covenant_xlsx": 200,
        "registration_bac_kan": 200,
        "scan": 200,
        "reports": 403,
        "indicators": 200,
        "submission_bac_kan": 200,
        "submission_bac_giang": 403,
        "file_bac_kan": 200,
        "file_bac_giang": 404,
    },
    "viewer_bac_giang": {
        "year": 200,
        "covenant": 200,
        "covenant_xlsx": 200,
        "registration_bac_kan": 200,
        "scan": 200,
        "reports": 403,
        "indicators": 200,
        "submission_bac_kan": 403,
        "file_bac_kan": 404,
    },
    "council_member": {
        "covenant": 200,
        "reports": 403,
        "submission_bac_kan": 403,
        "file_bac_kan": 404,
    },
    "member_bac_kan": dict.fromkeys(PAGES, 404),  # Sở Nội vụ Bắc Kạn: the province is the member
    "outsider": dict.fromkeys(PAGES, 404),
}


@pytest.fixture
def world(
    cy: ClusterYear,
    signed: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    council_officer: User,
) -> dict[str, str]:
    """A signed covenant, two periods, the half-year reports of Bắc Kạn and Bắc Giang: the URLs."""
    half = periods["half"]
    return {
        "year": url("year-detail", cy),
        "covenant": url("covenant", cy),
        "covenant_xlsx": url("covenant", cy) + "?format=xlsx",
        "registration_bac_kan": registration_url(registration_of(signed, orgs["bac_kan"])),
        "scan": url("covenant-scan", cy),
        "reports": url("reports", cy),
        "indicators": url("indicators", cy),
        "submission_bac_kan": submission_url(half, orgs["bac_kan"]),
        "submission_bac_giang": submission_url(half, orgs["bac_giang"]),
        "file_bac_kan": file_url(submit(half, orgs["bac_kan"])),
        "file_bac_giang": file_url(submit(half, orgs["bac_giang"])),
    }


@pytest.mark.parametrize("persona", SEES)
def test_each_page_opens_by_role_and_membership(
    as_user: Any, world: dict[str, str], persona: str
) -> None:
    client = as_user(persona)
    before = state()

    responses = {page: client.get(world[page]) for page in SEES[persona]}

    assert {page: r.status_code for page, r in responses.items()} == SEES[persona]
    for page in ("scan", "file_bac_kan", "file_bac_giang"):
        if page in responses and responses[page].status_code == 200:
            assert downloaded(responses[page]) == PDF
            assert "attachment" in responses[page]["Content-Disposition"]
    assert state() == before


def test_visitors_are_sent_to_sign_in(world: dict[str, str]) -> None:
    client = Client()

    for address in world.values():
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")


def test_objects_of_a_cluster_out_of_sight_are_404_for_a_member_of_another(
    as_user: Any,
    council: Org,
    province: Any,
    world: dict[str, str],
) -> None:
    """Bắc Kạn's focal point asks for Thanh Hóa and Nghệ An's covenant, registration and report."""
    cluster = cluster_create(actor=None, kind="cum", organiser=council, code="CTD-BTB", name="BTB")
    south = cluster_year_open(
        actor=None, cluster=cluster, year=2015, members=[province("38"), province("40")]
    )
    covenant = covenant_send(actor=None, covenant=drafted(south))
    period = period_create(
        actor=None,
        cluster_year=south,
        kind=PeriodKind.HALF,
        name="Sáu tháng",
        start=dt.date(2015, 1, 1),
        end=dt.date(2015, 6, 30),
        due=dt.date(2015, 6, 15),
    )
    report = submit(period, province("38"))
    client = as_user("focal_bac_kan")
    before = state()

    answers = [
        client.get(url("covenant", south)),
        client.get(registration_url(registration_of(covenant, province("38")))),
        client.post(
            registration_url(registration_of(covenant, province("38"))),
            target_rows([{"name": BUDGET, "measure": "tỷ đồng", "value": "1"}]),
        ),
        client.post(decide_url(registration_of(covenant, province("38"))), {"action": "accept"}),
        client.get(submission_url(period, province("38"))),
        client.post(submission_url(period, province("38")), {"file": upload()}),
        client.get(file_url(report)),
        client.get(url("reports", south)),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert state() == before


# --- a member acts for itself only -------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "victim"),
    [
        ("focal_bac_kan", "bac_giang"),
        ("focal_bac_kan", "thai_nguyen"),
        ("focal_bac_giang", "bac_kan"),
        ("viewer_bac_giang", "bac_giang"),  # a viewer does not act, even for its own unit
        ("secretariat_bac_giang", "bac_kan"),  # the secretariat reviews, it does not register
    ],
)
@pytest.mark.parametrize("action", ["save", "register"])
def test_nobody_edits_or_registers_another_members_registration(
    as_user: Any,
    sent: Covenant,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    persona: str,
    victim: str,
    action: str,
) -> None:
    registration = registration_of(sent, orgs[victim])
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput(BUDGET, "tỷ đồng", "5000")],
        titles=["CO_CP"],
    )
    client = as_user(persona)
    page = client.get(registration_url(registration))
    before = state()

    response = client.post(
        registration_url(registration),
        target_rows(
            [{"name": "Chỉ tiêu giả", "measure": "tỷ đồng", "value": "1"}],
            titles=["TTLDTT"],
            action=action,
        ),
    )

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert "t-TOTAL_FORMS" not in content(page)
    assert response.status_code == 403
    assert state() == before
    assert registration_of(sent, orgs[victim]).status == RegistrationStatus.DRAFT


def test_an_officer_acts_for_a_unit_its_province_absorbed(
    as_user: Any, sent: Covenant, orgs: dict[str, Org]
) -> None:
    """Thái Nguyên keeps Bắc Kạn's records since the 2025 merger: its officer may act for Bắc Kạn."""
    registration = registration_of(sent, orgs["bac_kan"])

    response = as_user("officer_thai_nguyen").post(
        registration_url(registration),
        target_rows([{"name": BUDGET, "measure": "tỷ đồng", "value": "3889"}], action="save"),
    )

    assert response.status_code == 302
    assert list(registration.targets.values_list("value", flat=True)) == [Decimal("3889")]


@pytest.mark.parametrize(
    ("persona", "victim"),
    [
        ("focal_bac_kan", "bac_giang"),
        ("focal_bac_kan", "thai_nguyen"),
        ("focal_bac_giang", "bac_kan"),
        ("viewer_bac_giang", "bac_giang"),
        ("secretariat_bac_giang", "bac_kan"),  # the secretariat oversees reports, sends none
    ],
)
def test_nobody_submits_another_members_report(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    focal_bac_giang: User,
    persona: str,
    victim: str,
) -> None:
    period = periods["half"]
    target = budget_target(accepted, orgs[victim])
    client = as_user(persona)
    before = state()

    response = client.post(
        submission_url(period, orgs[victim]),
        {"file": upload("bao-cao.pdf"), "summary": "Báo cáo giả", f"actual_{target.pk}": "1"},
    )

    assert response.status_code == 403
    assert state() == before
    assert not Submission.objects.exists()


def test_a_focal_point_cannot_see_another_members_report_page(
    as_user: Any, periods: dict[str, ReportingPeriod], orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    submit(periods["half"], orgs["bac_giang"])
    client = as_user("focal_bac_kan")

    other = client.get(submission_url(periods["half"], orgs["bac_giang"]))
    own = client.get(submission_url(periods["half"], orgs["bac_kan"]))
    stranger = client.get(submission_url(periods["half"], Org.objects.get(code="38")))

    assert (other.status_code, own.status_code, stranger.status_code) == (403, 200, 404)
    assert own.context["may_act"] is True


# --- drafting and sending ----------------------------------------------------------------------


def test_the_secretariat_drafts_then_edits_the_covenant(
    as_user: Any, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    client = as_user("secretariat_bac_giang")

    page = client.get(url("covenant", cy))
    created = client.post(url("covenant", cy), DRAFT_DATA, follow=True)
    edited = client.post(
        url("covenant", cy), {**DRAFT_DATA, "title": "Giao ước thi đua 2015 (sửa)", "criteria": ""}
    )

    assert page.status_code == 200
    assert page.context["covenant"] is None
    assert created.redirect_chain == [(url("covenant", cy), 302)]
    assert_shows(created, shown("The covenant is drafted."))
    assert edited.status_code == 302
    covenant = Covenant.objects.get(cluster_year=cy)
    assert (covenant.title, covenant.text, covenant.status, covenant.registration_due) == (
        "Giao ước thi đua 2015 (sửa)",
        "Nội dung giao ước",
        CovenantStatus.DRAFT,
        dt.date(2015, 2, 28),
    )
    assert list(covenant.criteria.values_list("text", flat=True)) == []
    assert list(
        AuditEvent.objects.filter(action__startswith="clusters.covenant.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["clusters.covenant.created", "clusters.covenant.updated"]


def test_the_drafted_criteria_are_kept_one_per_line(as_user: Any, cy: ClusterYear) -> None:
    as_user("secretariat_bac_giang").post(url("covenant", cy), DRAFT_DATA)

    covenant = Covenant.objects.get(cluster_year=cy)
    assert list(covenant.criteria.values_list("text", flat=True)) == [
        "Hoàn thành chỉ tiêu thu ngân sách",
        "Đẩy mạnh cải cách hành chính",
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("title", ["", "   "])
def test_a_draft_without_a_title_shows_the_error_and_creates_nothing(
    as_user: Any, cy: ClusterYear, secretariat_bac_giang: User, language: str, title: str
) -> None:
    secretariat_bac_giang.language = language
    secretariat_bac_giang.save()
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(url("covenant", cy), {**DRAFT_DATA, "title": title})

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [shown("This field is required.", language)]
    assert_shows(response, shown("This field is required.", language))
    assert_shows(response, shown("Please correct the errors below.", language))
    assert state() == before


def test_a_draft_with_a_bad_date_shows_the_error_and_creates_nothing(
    as_user: Any, cy: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(url("covenant", cy), {**DRAFT_DATA, "registration_due": "31/02/2015"})

    assert response.status_code == 200
    assert "registration_due" in response.context["form"].errors
    assert state() == before


def test_sending_gives_each_member_a_registration(
    as_user: Any, draft: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    response = as_user("secretariat_bac_giang").post(url("covenant-send", cy), follow=True)

    assert response.redirect_chain == [(url("covenant", cy), 302)]
    assert_shows(response, shown("The covenant is sent: each member can now register."))
    draft.refresh_from_db()
    assert draft.status == CovenantStatus.SENT
    assert sorted(draft.registrations.values_list("org__code", flat=True)) == ["06", "19", "24"]
    assert response.context["form"] is None  # the text no longer changes


def test_sending_twice_or_editing_once_sent_shows_why_and_changes_nothing(
    as_user: Any, sent: Covenant, cy: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")
    before = state()

    again = client.post(url("covenant-send", cy), follow=True)
    edit = client.post(url("covenant", cy), {**DRAFT_DATA, "title": "Sửa sau khi gửi"})

    status = shown("Sent to members")
    expected = shown("This step is not possible while the status is “%(status)s”.", status=status)
    assert_shows(again, expected)
    assert edit.status_code == 200
    assert expected in edit.context["form"].non_field_errors()
    assert state() == before


def test_an_empty_covenant_is_not_sent(as_user: Any, cy: ClusterYear) -> None:
    covenant_create(actor=None, cluster_year=cy, title="Giao ước trống")
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(url("covenant-send", cy), follow=True)

    assert_shows(response, shown("Write the covenant's text or criteria before sending it."))
    assert state() == before


def test_a_step_on_a_year_without_covenant_is_404(as_user: Any, cy: ClusterYear) -> None:
    client = as_user("secretariat_bac_giang")

    assert client.post(url("covenant-send", cy)).status_code == 404
    assert client.post(url("covenant-lock", cy)).status_code == 404
    assert client.get(url("covenant-scan", cy)).status_code == 404
    assert client.get(url("covenant", cy) + "?format=xlsx").status_code == 404


# --- a member's registration -------------------------------------------------------------------


def test_a_member_registers_its_targets_in_the_vietnamese_number_format(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    page = client.get(registration_url(registration))

    saved = client.post(
        registration_url(registration),
        target_rows(
            [
                {},
                {
                    "name": BUDGET,
                    "measure": "tỷ đồng",
                    "value": "1.234,5",
                    "deadline": "31/12/2015",
                },
                {"name": "", "measure": "", "value": "", "deadline": ""},
                {"name": INVESTMENT, "measure": "%", "value": "95", "deadline": ""},
                {"name": "Số km đường giao thông nông thôn", "measure": "km", "value": "1.250"},
            ],
            titles=["CO_CP", "TTLDXS"],
            note="Đăng ký của tỉnh Bắc Kạn",
            action="save",
        ),
        follow=True,
    )

    assert page.status_code == 200
    assert page.context["editable"] is True
    assert saved.redirect_chain == [(registration_url(registration), 302)]
    assert_shows(saved, shown("Saved. Register when the targets are ready."))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    assert list(registration.targets.values_list("name", "measure", "value", "deadline")) == [
        (BUDGET, "tỷ đồng", Decimal("1234.5"), dt.date(2015, 12, 31)),
        (INVESTMENT, "%", Decimal("95"), None),
        ("Số km đường giao thông nông thôn", "km", Decimal("1250"), None),
    ]
    assert (registration.titles, registration.note) == (
        ["TTLDXS", "CO_CP"],
        "Đăng ký của tỉnh Bắc Kạn",
    )
    # The page shows the figures back as typed, ready to be sent again unchanged.
    assert 'value="1.234,5"' in content(saved)
    assert 'value="1.250"' in content(saved)


def test_the_page_as_rendered_registers_without_changing_the_figures(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    registration_save(
        actor=None,
        registration=registration,
        targets=[
            TargetInput(BUDGET, "tỷ đồng", "1234.5", dt.date(2015, 12, 31)),
            TargetInput(INVESTMENT, "%", "95.25"),
            TargetInput("Số xã đạt chuẩn nông thôn mới", "xã", "1000000"),
        ],
        titles=["TTLDXS"],
        note="Ghi chú\nhai dòng",
    )
    targets_before = list(registration.targets.values_list("name", "measure", "value", "deadline"))
    client = as_user("focal_bac_kan")
    page = client.get(registration_url(registration))
    data = browser_form(page, "t-TOTAL_FORMS")

    response = client.post(
        registration_url(registration), {**data, "action": "register"}, follow=True
    )

    assert_shows(response, shown("Registered: the secretariat will review it."))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.registered_at is not None
    assert (
        list(registration.targets.values_list("name", "measure", "value", "deadline"))
        == targets_before
    )
    assert (registration.titles, registration.note) == (["TTLDXS"], "Ghi chú\nhai dòng")
    assert response.context["editable"] is False
    # Once registered, the member's page shows the targets and no form.
    assert "t-TOTAL_FORMS" not in content(response)


def test_registering_an_empty_registration_shows_why(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])

    response = as_user("focal_bac_kan").post(
        registration_url(registration), target_rows([{}, {}], action="register")
    )

    assert response.status_code == 200
    assert shown("Register at least one target or one title or form.") in (
        response.context["form"].non_field_errors()
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "abc"},
            ("the value must be a number.", {}),
        ),
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "0"},
            ("the value must be a positive number.", {}),
        ),
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "-5"},
            ("the value must be a positive number.", {}),
        ),
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "1,234"},
            ("at most two decimal places.", {}),
        ),
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "10", "deadline": "31/12/2017"},
            ("the deadline must fall in %(a)s or %(b)s.", {"a": 2015, "b": 2016}),
        ),
        (
            {"name": BUDGET, "measure": "tỷ đồng", "value": "10", "deadline": "31/12/2014"},
            ("the deadline must fall in %(a)s or %(b)s.", {"a": 2015, "b": 2016}),
        ),
        ({"name": BUDGET, "measure": "", "value": "10"}, ("the unit of measure is required.", {})),
        ({"name": "", "measure": "tỷ đồng", "value": "10"}, ("the name is required.", {})),
    ],
)
@pytest.mark.parametrize("action", ["save", "register"])
def test_a_bad_target_shows_the_error_and_changes_nothing(
    as_user: Any,
    sent: Covenant,
    orgs: dict[str, Org],
    focal_bac_kan: User,
    row: dict[str, str],
    error: tuple[str, dict[str, Any]],
    action: str,
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    registration_save(
        actor=None,
        registration=registration,
        targets=[TargetInput(INVESTMENT, "%", "90")],
        titles=["CO_CP"],
    )
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        registration_url(registration),
        target_rows(
            [{"name": INVESTMENT, "measure": "%", "value": "95"}, row],
            titles=["TTLDXS"],
            action=action,
        ),
    )

    text, params = error
    expected = shown("Target %(n)s: ", n=2) + shown(text, **params)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [expected]
    assert_shows(response, expected)
    assert state() == before


def test_an_impossible_deadline_is_a_form_error_and_changes_nothing(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(
        registration_url(registration),
        target_rows(
            [{"name": BUDGET, "measure": "tỷ đồng", "value": "10", "deadline": "31/13/2015"}],
            action="save",
        ),
    )

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["deadline"]
    assert state() == before


def test_a_member_cannot_change_its_registration_once_the_covenant_is_signed(
    as_user: Any, signed: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registration_of(signed, orgs["bac_kan"])
    client = as_user("focal_bac_kan")
    page = client.get(registration_url(registration))
    before = state()

    response = client.post(
        registration_url(registration),
        target_rows([{"name": BUDGET, "measure": "tỷ đồng", "value": "1"}], action="save"),
    )

    assert page.context["editable"] is False
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        shown("Registrations can change only while the covenant is open.")
    ]
    assert state() == before


# --- the secretariat's review ------------------------------------------------------------------


def test_the_secretariat_returns_with_a_reason_then_accepts_the_corrected_registration(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3500")])
    secretariat = as_user("secretariat_bac_giang")
    member = as_user("focal_bac_kan")

    review = secretariat.get(registration_url(registration))
    returned = secretariat.post(
        decide_url(registration),
        {"action": "return", "reason": "Chỉ tiêu thu ngân sách thấp hơn năm trước"},
        follow=True,
    )
    seen = member.get(registration_url(registration))
    corrected = browser_form(seen, "t-TOTAL_FORMS")
    corrected["t-0-value"] = "3.889"
    again = member.post(registration_url(registration), {**corrected, "action": "register"})
    accepted = secretariat.post(decide_url(registration), {"action": "accept"}, follow=True)

    assert review.context["may_run"] is True
    assert decide_url(registration) in content(review)
    assert returned.redirect_chain == [(url("covenant", cy), 302)]
    assert_shows(
        returned,
        shown("%(org)s's registration is returned with your reason.", org=orgs["bac_kan"].name),
    )
    assert seen.context["editable"] is True
    assert_shows(seen, "Chỉ tiêu thu ngân sách thấp hơn năm trước")
    assert again.status_code == 302
    assert accepted.redirect_chain == [(url("covenant", cy), 302)]
    assert_shows(accepted, shown("%(org)s's registration is accepted.", org=orgs["bac_kan"].name))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACCEPTED
    assert registration.return_reason == ""
    assert list(registration.targets.values_list("value", flat=True)) == [Decimal("3889")]
    assert list(
        AuditEvent.objects.filter(action__startswith="clusters.registration.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "clusters.registration.saved",
        "clusters.registration.registered",
        "clusters.registration.returned",
        "clusters.registration.saved",
        "clusters.registration.registered",
        "clusters.registration.accepted",
    ]


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_returning_without_a_reason_shows_why_and_changes_nothing(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], reason: str | None
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3500")])
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(
        decide_url(registration),
        {"action": "return"} if reason is None else {"action": "return", "reason": reason},
        follow=True,
    )

    assert response.redirect_chain == [(registration_url(registration), 302)]
    assert_shows(response, shown("Say why the registration is returned."))
    assert state() == before
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_accepting_a_registration_not_yet_registered_shows_why(
    as_user: Any, sent: Covenant, orgs: dict[str, Org]
) -> None:
    registration = registration_of(sent, orgs["bac_kan"])
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(decide_url(registration), {"action": "accept"}, follow=True)

    assert_shows(
        response,
        shown(
            "This step is not possible while the status is “%(status)s”.",
            status=shown("Being prepared"),
        ),
    )
    assert state() == before


def test_the_review_form_is_not_offered_to_members(
    as_user: Any, sent: Covenant, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    registration = registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3500")])

    page = as_user("focal_bac_kan").get(registration_url(registration))

    assert page.context["may_run"] is False
    assert decide_url(registration) not in content(page)


# --- signing and locking -----------------------------------------------------------------------


def test_the_secretariat_signs_with_the_scan_then_locks(
    as_user: Any, accepted: Covenant, cy: ClusterYear, media_root: Path
) -> None:
    client = as_user("secretariat_bac_giang")

    form = client.get(url("covenant", cy))
    signed = client.post(
        url("covenant-sign", cy),
        {"signed_on": "10/03/2015", "scan": upload("Giao ước đã ký.pdf"), "signing_meeting": ""},
        follow=True,
    )
    scan = client.get(url("covenant-scan", cy))
    locked = client.post(url("covenant-lock", cy), follow=True)
    again = client.post(url("covenant-lock", cy), follow=True)

    assert url("covenant-sign", cy) in content(form)
    assert signed.redirect_chain == [(url("covenant", cy), 302)]
    assert_shows(signed, shown("The signing of the covenant is recorded."))
    assert url("covenant-scan", cy) in content(signed)
    assert downloaded(scan) == PDF
    assert "Giao" in scan["Content-Disposition"]
    assert_shows(locked, shown("The covenant is locked."))
    assert_shows(
        again,
        shown(
            "This step is not possible while the status is “%(status)s”.", status=shown("Locked")
        ),
    )
    accepted.refresh_from_db()
    assert (accepted.status, accepted.signed_on, accepted.signed_scan_name) == (
        CovenantStatus.LOCKED,
        dt.date(2015, 3, 10),
        "Giao ước đã ký.pdf",
    )
    assert accepted.locked_at is not None
    assert [p.read_bytes() for p in media_root.rglob("*") if p.is_file()] == [PDF]


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("giao-uoc.pdf", EXE, ("The file's content does not match its type.", {})),
        (
            "giao-uoc.exe",
            EXE,
            ("The file must be one of: %(types)s.", {"types": "PDF, JPG, JPEG, PNG"}),
        ),
        ("giao-uoc.pdf", b"", None),  # an empty upload: Django's own message
    ],
)
def test_a_bad_scan_shows_the_error_and_signs_nothing(
    as_user: Any,
    accepted: Covenant,
    cy: ClusterYear,
    name: str,
    data: bytes,
    error: tuple[str, dict[str, Any]] | None,
) -> None:
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(
        url("covenant-sign", cy), {"signed_on": "10/03/2015", "scan": upload(name, data)}
    )

    assert response.status_code == 200
    errors = response.context["sign_form"].errors
    assert list(errors) == ["scan"]
    if error is not None:
        assert errors["scan"] == [shown(error[0], **error[1])]
        assert_shows(response, shown(error[0], **error[1]))
    assert state() == before


def test_signing_before_every_registration_is_accepted_shows_who_is_missing(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    registration_accept(
        actor=None,
        registration=registered(sent, orgs["bac_giang"], [(BUDGET, "tỷ đồng", "12000")]),
    )
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(url("covenant-sign", cy), {"signed_on": "10/03/2015", "scan": upload()})

    names = ", ".join(sorted([orgs["bac_kan"].name, orgs["thai_nguyen"].name]))
    assert response.status_code == 200
    assert response.context["sign_form"].non_field_errors() == [
        shown(
            "Every member's registration must be accepted first. Not yet: %(names)s.",
            names=names,
        )
    ]
    assert state() == before


def test_a_signing_date_in_another_year_is_a_field_error(
    as_user: Any, accepted: Covenant, cy: ClusterYear
) -> None:
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(url("covenant-sign", cy), {"signed_on": "10/03/2013", "scan": upload()})

    assert response.context["sign_form"].errors["signed_on"] == [
        shown("A covenant of %(year)s is signed in %(a)s or %(b)s.", year=2015, a=2014, b=2015)
    ]
    assert state() == before


# --- the covenant's Excel export ---------------------------------------------------------------


def test_the_covenant_exports_each_members_targets(
    as_user: Any, accepted: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    rows = sheet_rows(as_user("viewer_bac_giang").get(url("covenant", cy), {"format": "xlsx"}))

    status = shown("Accepted")
    header = rows[0]
    assert header[0] == shown("Member unit")
    assert [(r[0], r[1], r[3], r[4], number(r[5])) for r in rows[1:]] == [
        (orgs["bac_giang"].name, status, BUDGET, "tỷ đồng", Decimal("12000")),
        (orgs["bac_kan"].name, status, BUDGET, "tỷ đồng", Decimal("3889")),
        (orgs["bac_kan"].name, status, INVESTMENT, "%", Decimal("95")),
        (orgs["thai_nguyen"].name, status, BUDGET, "tỷ đồng", Decimal("15000")),
    ]
    assert all(r[2] for r in rows[1:])  # the titles striven for, by name


def test_the_export_lists_a_member_without_targets_once(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])

    rows = sheet_rows(as_user("secretariat_bac_giang").get(url("covenant", cy), {"format": "xlsx"}))

    assert [(r[0], r[3]) for r in rows[1:]] == [
        (orgs["bac_giang"].name, None),  # an empty cell
        (orgs["bac_kan"].name, BUDGET),
        (orgs["thai_nguyen"].name, None),
    ]


# --- reporting periods and extensions ----------------------------------------------------------


def test_the_secretariat_sets_a_period(as_user: Any, cy: ClusterYear) -> None:
    address, data = prepare("period", cy, {})

    response = as_user("secretariat_bac_giang").post(address, data, follow=True)

    assert response.redirect_chain == [(url("reports", cy), 302)]
    assert_shows(response, shown("The reporting period is set."))
    assert list(cy.periods.values_list("kind", "name", "start", "end", "due")) == [
        ("quarter", "Quý I/2015", dt.date(2015, 1, 1), dt.date(2015, 3, 31), dt.date(2015, 4, 15))
    ]


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"start": "01/01/2016"}, "start", ("The period must start in %(year)s.", {"year": 2015})),
        ({"end": "31/12/2014"}, "end", ("The end must not precede the start.", {})),
        (
            {"due": "01/01/2017"},
            "due",
            (
                "The due date must fall between the start of the period and the end of %(y)s.",
                {"y": 2016},
            ),
        ),
        ({"name": ""}, "name", ("This field is required.", {})),
        ({"start": "32/01/2015"}, "start", None),
    ],
)
def test_a_bad_period_shows_the_error_and_creates_nothing(
    as_user: Any,
    cy: ClusterYear,
    change: dict[str, str],
    field: str,
    error: tuple[str, dict[str, Any]] | None,
) -> None:
    address, data = prepare("period", cy, {})
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(address, {**data, **change})

    assert response.status_code == 200
    errors = response.context["period_form"].errors
    assert list(errors) == [field]
    if error is not None:
        assert errors[field] == [shown(error[0], **error[1])]
    assert state() == before


def test_a_period_name_is_used_once_a_year(as_user: Any, cy: ClusterYear) -> None:
    address, data = prepare("period", cy, {})
    client = as_user("secretariat_bac_giang")
    client.post(address, data)
    before = state()

    response = client.post(address, {**data, "name": "quý i/2015"})

    assert response.context["period_form"].errors["name"] == [
        shown("This year already has a period with that name.")
    ]
    assert state() == before


def test_the_usual_periods_are_added_once(as_user: Any, cy: ClusterYear) -> None:
    client = as_user("secretariat_bac_giang")

    first = client.post(url("period-create", cy), {"usual": "1"}, follow=True)
    second = client.post(url("period-create", cy), {"usual": "1"}, follow=True)

    assert_shows(first, shown("%(n)s period(s) added.", n=2))
    assert_shows(second, shown("%(n)s period(s) added.", n=0))
    assert list(cy.periods.values_list("kind", "name", "start", "end", "due")) == [
        (
            "half",
            shown("Six months %(y)s", y=2015),
            dt.date(2015, 1, 1),
            dt.date(2015, 6, 30),
            dt.date(2015, 6, 15),
        ),
        (
            "year",
            shown("Year %(y)s", y=2015),
            dt.date(2015, 1, 1),
            dt.date(2015, 12, 31),
            dt.date(2015, 11, 15),
        ),
    ]


def test_the_usual_periods_are_added_once_whatever_the_interface_language(
    as_user: Any, cy: ClusterYear, secretariat_bac_giang: User, council_officer: User
) -> None:
    """The secretariat (Vietnamese) adds the usual periods, then the council's officer (English)
    clicks the same button: the year must not get a second six-month and a second year period."""
    council_officer.language = "en"
    council_officer.save()
    as_user("secretariat_bac_giang").post(url("period-create", cy), {"usual": "1"})

    # The periods are recognised by kind and dates, not by their translated names ("Năm 2015"
    # vs "Year 2015"): a user with another interface language adds nothing twice.
    as_user("council_officer").post(url("period-create", cy), {"usual": "1"})

    assert sorted(cy.periods.values_list("kind", flat=True)) == ["half", "year"]


def test_the_secretariat_grants_an_extension_with_its_reason(
    as_user: Any, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    address, data = prepare("extension", cy, orgs)
    client = as_user("secretariat_bac_giang")

    response = client.post(address, data, follow=True)

    assert response.redirect_chain == [(url("reports", cy), 302)]
    assert_shows(response, shown("The extension is granted."))
    assert list(Extension.objects.values_list("org_id", "due", "reason")) == [
        (orgs["bac_kan"].pk, dt.date(2015, 4, 30), "Địa phương bị lũ quét")
    ]
    period = ReportingPeriod.objects.get()
    assert Extension.objects.get().granted_by is not None
    cells = {row.org.pk: row.cells[0] for row in response.context["rows"]}
    assert cells[orgs["bac_kan"].pk].due == dt.date(2015, 4, 30)
    assert cells[orgs["bac_giang"].pk].due == period.due


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"due": "15/04/2015"}, "due"),  # not after the period's due date
        ({"due": "01/01/2017"}, "due"),
        ({"org": "999999"}, "org"),  # not a member
    ],
)
def test_a_bad_extension_shows_the_error_and_grants_nothing(
    as_user: Any, cy: ClusterYear, orgs: dict[str, Org], change: dict[str, str], field: str
) -> None:
    address, data = prepare("extension", cy, orgs)
    client = as_user("secretariat_bac_giang")
    before = state()

    response = client.post(address, {**data, **change})

    assert response.status_code == 200
    assert list(response.context["extension_form"].errors) == [field]
    assert state() == before


# --- a member's report, the dashboard and the indicators ---------------------------------------


def test_a_member_submits_its_report_with_its_figures_and_sees_the_percent_of_plan(
    as_user: Any,
    accepted: Covenant,
    cy: ClusterYear,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    media_root: Path,
) -> None:
    period = periods["half"]
    budget = budget_target(accepted, orgs["bac_kan"])
    investment = Target.objects.get(registration__org=orgs["bac_kan"], name=INVESTMENT)
    client = as_user("focal_bac_kan")
    page = client.get(submission_url(period, orgs["bac_kan"]))

    response = client.post(
        submission_url(period, orgs["bac_kan"]),
        {
            "file": upload("Báo cáo 6 tháng.pdf"),
            "summary": "Vượt chỉ tiêu thu ngân sách",
            f"actual_{budget.pk}": "4.006",
            f"actual_{investment.pk}": "",
        },
        follow=True,
    )
    indicators = as_user("viewer_bac_giang").get(url("indicators", cy))

    assert page.status_code == 200
    assert set(page.context["form"].fields) == {
        "file",
        "summary",
        f"actual_{budget.pk}",
        f"actual_{investment.pk}",
    }
    assert response.redirect_chain == [(submission_url(period, orgs["bac_kan"]), 302)]
    assert_shows(response, shown("The report is submitted."))
    submission = Submission.objects.get()
    assert (submission.org, submission.file_name, submission.summary) == (
        orgs["bac_kan"],
        "Báo cáo 6 tháng.pdf",
        "Vượt chỉ tiêu thu ngân sách",
    )
    assert list(IndicatorValue.objects.values_list("target_id", "period_id", "actual")) == [
        (budget.pk, period.pk, Decimal("4006"))
    ]
    assert response.context["status"] == "late"  # due 15/06/2015, sent today
    assert file_url(submission) in content(response)
    assert "103%" in content(response)
    assert "<strong>103%</strong>" in content(indicators)
    lines = {
        (g.name, line.org.code): line.percent
        for g in indicators.context["groups"]
        for line in g.lines
    }
    assert lines == {
        (BUDGET, "24"): None,
        (BUDGET, "06"): Decimal("103.0"),
        (BUDGET, "19"): None,
        (INVESTMENT, "06"): None,
    }
    assert [p.read_bytes() for p in media_root.rglob("*") if p.is_file()] == [PDF]


def test_a_corrected_report_keeps_its_first_date_and_replaces_the_figures(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
) -> None:
    period = periods["half"]
    budget = budget_target(accepted, orgs["bac_kan"])
    first_on = dt.datetime(2015, 6, 10, 9, 0, tzinfo=VN)
    submit(period, orgs["bac_kan"], on=first_on, actuals={budget.pk: "3000"})
    client = as_user("focal_bac_kan")
    page = client.get(submission_url(period, orgs["bac_kan"]))

    response = client.post(
        submission_url(period, orgs["bac_kan"]),
        {"file": upload("bao-cao-sua.pdf"), "summary": "", f"actual_{budget.pk}": "3.950,5"},
    )

    assert page.context["status"] == "on_time"
    assert 'value="3.000"' in content(page)  # as the registration form shows numbers
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.submitted_at == first_on
    assert submission.file_name == "bao-cao-sua.pdf"
    assert IndicatorValue.objects.get().actual == Decimal("3950.5")
    assert client.get(submission_url(period, orgs["bac_kan"])).context["status"] == "on_time"


@pytest.mark.parametrize(
    ("files", "actual", "field"),
    [
        ({"file": ("bao-cao.pdf", EXE)}, "4006", "file"),
        ({"file": ("bao-cao.exe", PDF)}, "4006", "file"),
        ({}, "4006", "file"),
        ({"file": ("bao-cao.pdf", PDF)}, "abc", "actuals"),
        ({"file": ("bao-cao.pdf", PDF)}, "-1", "actuals"),
    ],
)
def test_a_bad_report_shows_the_error_and_stores_nothing(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    orgs: dict[str, Org],
    focal_bac_kan: User,
    files: dict[str, tuple[str, bytes]],
    actual: str,
    field: str,
) -> None:
    period = periods["half"]
    budget = budget_target(accepted, orgs["bac_kan"])
    data: dict[str, Any] = {f"actual_{budget.pk}": actual}
    if "file" in files:
        data["file"] = upload(*files["file"])
    client = as_user("focal_bac_kan")
    before = state()

    response = client.post(submission_url(period, orgs["bac_kan"]), data)

    assert response.status_code == 200
    form = response.context["form"]
    if field == "file":
        assert list(form.errors) == ["file"]
    else:
        assert form.non_field_errors()
    if field == "file":
        assert_shows(response, shown("Please correct the errors below."))
    assert state() == before


@pytest.fixture
def reported(
    accepted: Covenant, periods: dict[str, ReportingPeriod], orgs: dict[str, Org]
) -> dict[str, Submission]:
    """Six months: Bắc Giang on time, Bắc Kạn late (today), Thái Nguyên nothing. Year: Bắc Giang
    on time, the others nothing."""
    half, year = periods["half"], periods["year"]
    return {
        "bac_giang_half": submit(
            half, orgs["bac_giang"], on=dt.datetime(2015, 6, 15, 23, 30, tzinfo=VN)
        ),
        "bac_kan_half": submit(half, orgs["bac_kan"]),
        "bac_giang_year": submit(
            year, orgs["bac_giang"], on=dt.datetime(2015, 11, 1, 8, 0, tzinfo=VN)
        ),
    }


def test_the_dashboard_shows_who_is_on_time_late_or_missing(
    as_user: Any, reported: dict[str, Submission], cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    client = as_user("secretariat_bac_giang")

    everyone = client.get(url("reports", cy))
    late = client.get(url("reports", cy), {"late": "1"})

    assert matrix(everyone) == {
        orgs["bac_giang"].name: ["on_time", "on_time"],
        orgs["bac_kan"].name: ["late", "missing"],
        orgs["thai_nguyen"].name: ["missing", "missing"],
    }
    assert (everyone.context["late_count"], everyone.context["missing_count"]) == (1, 3)
    assert matrix(late) == {
        orgs["bac_kan"].name: ["late", "missing"],
        orgs["thai_nguyen"].name: ["missing", "missing"],
    }
    assert late.context["only_late"] is True
    period = reported["bac_kan_half"].period
    assert submission_url(period, orgs["bac_kan"]) in content(everyone)


def test_the_dashboard_counts_an_extended_report_as_on_time(
    as_user: Any,
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
) -> None:
    half = periods["half"]
    as_user("secretariat_bac_giang").post(
        url("extension-grant", cy),
        {"period": half.pk, "org": orgs["thai_nguyen"].pk, "due": "30/06/2015", "reason": "Bão"},
    )
    submit(half, orgs["thai_nguyen"], on=dt.datetime(2015, 6, 25, 10, 0, tzinfo=VN))

    page = as_user("secretariat_bac_giang").get(url("reports", cy))

    assert matrix(page)[orgs["thai_nguyen"].name] == ["on_time", "missing"]
    assert_shows(page, shown("extended to %(d)s", d="30/06/2015"))


def test_the_dashboard_shows_nobody_late_before_the_due_date(
    as_user: Any,
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2015, 6, 1, 3, 0, tzinfo=dt.UTC))
    submit(periods["half"], orgs["bac_kan"])
    client = as_user("secretariat_bac_giang")

    everyone = client.get(url("reports", cy))
    late = client.get(url("reports", cy), {"late": "1"})

    assert matrix(everyone) == {
        orgs["bac_giang"].name: ["pending", "pending"],
        orgs["bac_kan"].name: ["on_time", "pending"],
        orgs["thai_nguyen"].name: ["pending", "pending"],
    }
    assert matrix(late) == {}
    assert_shows(late, shown("No member is late."))


def test_the_reports_export_has_a_row_per_member_and_period(
    as_user: Any,
    reported: dict[str, Submission],
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
) -> None:
    rows = sheet_rows(as_user("council_officer").get(url("reports", cy), {"format": "xlsx"}))

    on_time, late, missing = shown("On time"), shown("Late"), shown("Missing, overdue")
    assert rows[0][0] == shown("Member unit")
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        (orgs["bac_giang"].name, "Sáu tháng đầu năm 2015", on_time),
        (orgs["bac_giang"].name, "Cả năm 2015", on_time),
        (orgs["bac_kan"].name, "Sáu tháng đầu năm 2015", late),
        (orgs["bac_kan"].name, "Cả năm 2015", missing),
        (orgs["thai_nguyen"].name, "Sáu tháng đầu năm 2015", missing),
        (orgs["thai_nguyen"].name, "Cả năm 2015", missing),
    ]
    assert rows[1][2] == dt.datetime(2015, 6, 15)
    assert rows[1][4] == dt.datetime(2015, 6, 15, 23, 30)  # local time, as the page shows it
    assert rows[5][4] is None


def test_the_reports_export_follows_the_late_filter(
    as_user: Any, reported: dict[str, Submission], cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    """Every list exports the rows it shows, with its filters (core.excel): the dashboard filtered
    to the members late or missing exports those members only, and its export link says so."""
    client = as_user("secretariat_bac_giang")

    page = client.get(url("reports", cy), {"late": "1"})
    rows = sheet_rows(client.get(url("reports", cy), {"late": "1", "format": "xlsx"}))

    # The export keeps the page's filter: the secretariat asking for the late members gets only
    # them, not Bắc Giang.
    assert sorted({r[0] for r in rows[1:]}) == sorted(
        [orgs["bac_kan"].name, orgs["thai_nguyen"].name]
    )
    assert re.search(
        r'href="\?[^"]*late=1[^"]*format=xlsx|href="\?[^"]*format=xlsx[^"]*late=1', content(page)
    )


def test_the_reports_export_is_refused_to_a_member(
    as_user: Any, reported: dict[str, Submission], cy: ClusterYear, focal_bac_kan: User
) -> None:
    response = as_user("focal_bac_kan").get(url("reports", cy), {"format": "xlsx"})

    assert response.status_code == 403


def test_the_indicators_export_sets_each_members_figure_against_its_target(
    as_user: Any,
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
) -> None:
    submit(
        periods["half"],
        orgs["bac_kan"],
        actuals={budget_target(accepted, orgs["bac_kan"]).pk: "4006"},
    )
    submit(
        periods["half"],
        orgs["bac_giang"],
        actuals={budget_target(accepted, orgs["bac_giang"]).pk: "6000"},
    )

    rows = sheet_rows(as_user("viewer_bac_giang").get(url("indicators", cy), {"format": "xlsx"}))

    assert rows[0][0] == shown("Target")
    assert [
        (r[0], r[1], r[2], number(r[3]), number(r[4]), number(r[5]), r[6]) for r in rows[1:]
    ] == [
        (
            BUDGET,
            "tỷ đồng",
            orgs["bac_kan"].name,
            3889,
            4006,
            Decimal("103.0"),
            "Sáu tháng đầu năm 2015",
        ),
        (BUDGET, "tỷ đồng", orgs["bac_giang"].name, 12000, 6000, 50, "Sáu tháng đầu năm 2015"),
        (BUDGET, "tỷ đồng", orgs["thai_nguyen"].name, 15000, None, None, None),
        (INVESTMENT, "%", orgs["bac_kan"].name, 95, None, None, None),
    ]


def test_the_indicators_page_without_accepted_targets_says_so(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org]
) -> None:
    registered(sent, orgs["bac_kan"], [(BUDGET, "tỷ đồng", "3889")])  # registered, not accepted

    page = as_user("viewer_bac_giang").get(url("indicators", cy))

    assert page.context["groups"] == []
    assert_shows(
        page, shown("No accepted target yet: members register targets under the covenant.")
    )


# --- the year page's card of the user's own units ----------------------------------------------


def test_the_year_page_shows_a_member_its_registration_and_reports(
    as_user: Any,
    reported: dict[str, Submission],
    accepted: Covenant,
    periods: dict[str, ReportingPeriod],
    cy: ClusterYear,
    orgs: dict[str, Org],
    focal_bac_kan: User,
) -> None:
    member = as_user("focal_bac_kan").get(url("year-detail", cy))
    secretariat = as_user("secretariat_bac_giang").get(url("year-detail", cy))

    mine = member.context["my_units"]
    assert [u["org"] for u in mine] == [orgs["bac_kan"]]
    assert mine[0]["registration"] == registration_of(accepted, orgs["bac_kan"])
    assert [c.status for c in mine[0]["cells"]] == ["late", "missing"]
    assert registration_url(mine[0]["registration"]) in content(member)
    assert submission_url(periods["half"], orgs["bac_kan"]) in content(member)
    assert submission_url(periods["half"], orgs["bac_giang"]) not in content(member)
    assert member.context["may_run"] is False
    assert url("reports", cy) not in content(member)
    assert secretariat.context["my_units"] == []
    assert secretariat.context["may_run"] is True
    assert url("reports", cy) in content(secretariat)


def test_the_year_page_says_when_the_covenant_is_not_sent_yet(
    as_user: Any, draft: Covenant, cy: ClusterYear, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    page = as_user("focal_bac_kan").get(url("year-detail", cy))

    assert [(u["org"], u["registration"]) for u in page.context["my_units"]] == [
        (orgs["bac_kan"], None)
    ]
    assert_shows(page, shown("the covenant has not been sent yet"))


def test_the_covenant_page_leads_a_member_to_its_own_registration_only(
    as_user: Any, sent: Covenant, cy: ClusterYear, orgs: dict[str, Org], focal_bac_kan: User
) -> None:
    page = as_user("focal_bac_kan").get(url("covenant", cy))

    assert [r.org for r in page.context["mine"]] == [orgs["bac_kan"]]
    assert page.context["may_run"] is False
    assert page.context["form"] is None
