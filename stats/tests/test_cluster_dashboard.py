"""The cluster dashboard on a fixed cluster whose every figure is computed by hand: ranks and
totals, flags and certificates, heads and deputies, late reports, the fairness indicators, the
Excel workbook; a constant number of queries; who may see it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from clusters.models import Cluster, ClusterYear, Extension, ReportingPeriod, Submission
from clusters.services import cluster_create, cluster_year_open
from conftest import make_user
from core.models import AuditEvent
from orgs.models import Org
from register.models import Decision, Record
from scoring.models import ScoringTable, TableStatus
from stats import cluster_selectors, rotation
from votes.models import Poll, Proposal

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FLAG = "Cờ thi đua của Chính phủ"
CERT = "Bằng khen của Thủ tướng Chính phủ"


def vi(text: str, **params: Any) -> str:
    """What the page shows for a msgid (Vietnamese, once translated)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


# --- the fixed cluster -------------------------------------------------------------------------
#
# Cụm thi đua Bắc Trung Bộ (test): Thanh Hóa (T), Nghệ An (N), Hà Tĩnh (H) in 2013–2018;
# Quảng Bình (Q) only in 2013.
#
# year  members   head deputy  published ranking (total)     flag                certificate
# 2013  T N H Q   T    N       —                             T (decision)        —
# 2014  T N H     N    H       H 95, T 90, N 85              N (decision)        H (decision)
# 2015  T N H     H    T       N 96, T 92, H 88              H (decision)        N (decision)
# 2016  T N H     T    N       H 97, N 91, T 89              T (decision + poll) H (decision)
# 2017  T N H     N    H       T 94, H 93, N 80              N (poll)            T (poll)
# 2018  T N H     H    N       N 90, T 89, H 70              H (poll)            N (poll)
#
# The flag goes round T, N, H twice, always to the last of the ranking and always to the head of
# the year; the certificate goes to the first of those who did not get the flag.
# Ignored: a revoked flag (H 2017), a TTLĐXS (T 2015), Q's flag of 2015 (no longer a member).
#
# Reports: 2017 "6 tháng" due 15/7 and "Năm" due 15/12; 2018 "Năm" due 15/12.
#   T: 15/7 on time; 20/12 late 5 d.       2018: 17/12 late 2 d.
#   N: 25/7 late 10 d; 18/12 (extended to 20/12) on time.       2018: missing.
#   H: 6 tháng missing; 1/12 on time.      2018: extended to 20/12, in 22/12, late 2 d.

RANKING = {
    2014: [("H", 95), ("T", 90), ("N", 85)],
    2015: [("N", 96), ("T", 92), ("H", 88)],
    2016: [("H", 97), ("N", 91), ("T", 89)],
    2017: [("T", 94), ("H", 93), ("N", 80)],
    2018: [("N", 90), ("T", 89), ("H", 70)],
}
HEADS = {
    2013: ("T", "N"),
    2014: ("N", "H"),
    2015: ("H", "T"),
    2016: ("T", "N"),
    2017: ("N", "H"),
    2018: ("H", "N"),
}


class Fixed:
    """The fixed cluster and its units by letter."""

    def __init__(self, cluster: Cluster, units: dict[str, Org]) -> None:
        self.cluster = cluster
        self.units = units

    def __getattr__(self, letter: str) -> Org:
        return self.units[letter]

    @property
    def url(self) -> str:
        return reverse("stats:cluster", args=[self.cluster.pk])


def publish(cluster_year: ClusterYear, ranking: list[tuple[Org, int]]) -> None:
    rows = [
        {"org_id": org.pk, "name": org.name, "rank": place, "total": f"{total}.00"}
        for place, (org, total) in enumerate(ranking, start=1)
    ]
    ScoringTable.objects.create(
        cluster_year=cluster_year,
        title=f"Bảng chấm điểm {cluster_year.year}",
        status=TableStatus.LOCKED,
        results={"groups": [], "rows": rows, "leaders": 1, "runners_up": 1},
        results_published_at=timezone.now(),
    )


def award(org: Org, code: str, year: int, *, revoked: bool = False) -> Record:
    decision, _ = Decision.objects.get_or_create(
        issuer=Org.objects.get(code="TW-HDTDKT"),
        number=f"{year}/QĐ-TTg",
        defaults={"date": dt.date(year + 1, 3, 1)},
    )
    return Record.objects.create(decision=decision, org=org, code=code, year=year, revoked=revoked)


def propose(cluster_year: ClusterYear, org: Org, kind: str) -> Proposal:
    poll = Poll.objects.create(
        cluster_year=cluster_year,
        question=f"Suy tôn {kind} {cluster_year.year}",
        purpose=kind,
        method="yes_no",
        electorate="units",
        status="published",
        receipt_key="k" * 64,
    )
    return Proposal.objects.create(poll=poll, cluster_year=cluster_year, org=org, kind=kind)


def report(period: ReportingPeriod, org: Org, day: dt.date) -> None:
    at = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)
    Submission.objects.create(
        period=period,
        org=org,
        file="reports/x.pdf",
        file_name="x.pdf",
        submitted_at=at,
        updated_at=at,
    )


def add_year(fixed: Fixed, year: int, members: str, head: str, deputy: str) -> ClusterYear:
    return cluster_year_open(
        actor=None,
        cluster=fixed.cluster,
        year=year,
        members=[fixed.units[m] for m in members],
        head=fixed.units[head],
        deputy=fixed.units[deputy],
    )


@pytest.fixture(name="fixed")
def fixed_cluster(province: Any) -> Fixed:
    units = {"T": province("38"), "N": province("40"), "H": province("42"), "Q": province("44")}
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-BTB-TEST",
        name="Cụm thi đua Bắc Trung Bộ (kiểm thử)",
    )
    f = Fixed(cluster, units)
    years = {}
    for year, (head, deputy) in HEADS.items():
        years[year] = add_year(f, year, "TNHQ" if year == 2013 else "TNH", head, deputy)
    for year, ranking in RANKING.items():
        publish(years[year], [(units[m], total) for m, total in ranking])
    for year, letter in [(2013, "T"), (2014, "N"), (2015, "H"), (2016, "T")]:
        award(units[letter], "CO_CP", year)
    for year, letter in [(2014, "H"), (2015, "N"), (2016, "H")]:
        award(units[letter], "BK_TTG", year)
    propose(years[2016], units["T"], "flag")
    propose(years[2017], units["N"], "flag")
    propose(years[2018], units["H"], "flag")
    propose(years[2017], units["T"], "certificate")
    propose(years[2018], units["N"], "certificate")
    award(units["H"], "CO_CP", 2017, revoked=True)
    award(units["T"], "TTLDXS", 2015)
    award(units["Q"], "CO_CP", 2015)

    half = ReportingPeriod.objects.create(
        cluster_year=years[2017],
        kind="half",
        name="6 tháng 2017",
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 6, 30),
        due=dt.date(2017, 7, 15),
    )
    whole = ReportingPeriod.objects.create(
        cluster_year=years[2017],
        kind="year",
        name="Năm 2017",
        start=dt.date(2017, 1, 1),
        end=dt.date(2017, 12, 31),
        due=dt.date(2017, 12, 15),
    )
    last = ReportingPeriod.objects.create(
        cluster_year=years[2018],
        kind="year",
        name="Năm 2018",
        start=dt.date(2018, 1, 1),
        end=dt.date(2018, 12, 31),
        due=dt.date(2018, 12, 15),
    )
    report(half, units["T"], dt.date(2017, 7, 15))
    report(whole, units["T"], dt.date(2017, 12, 20))
    report(last, units["T"], dt.date(2018, 12, 17))
    report(half, units["N"], dt.date(2017, 7, 25))
    Extension.objects.create(period=whole, org=units["N"], due=dt.date(2017, 12, 19), reason="a")
    Extension.objects.create(period=whole, org=units["N"], due=dt.date(2017, 12, 20), reason="b")
    report(whole, units["N"], dt.date(2017, 12, 18))
    report(whole, units["H"], dt.date(2017, 12, 1))
    Extension.objects.create(period=last, org=units["H"], due=dt.date(2018, 12, 20), reason="c")
    report(last, units["H"], dt.date(2018, 12, 22))
    return f


@pytest.fixture(name="viewer")
def council_viewer(db: Any) -> Client:
    """A member of the Central Council, which organises the cluster."""
    client = Client()
    client.force_login(
        make_user("hoidong.xem", "council_member", Org.objects.get(code="TW-HDTDKT"))
    )
    return client


NAMES = ["Tỉnh Hà Tĩnh", "Tỉnh Nghệ An", "Tỉnh Quảng Bình", "Tỉnh Thanh Hóa"]


def rank_cell(cell: Any) -> Any:
    if isinstance(cell, cluster_selectors.ResultCell):
        return (cell.rank, cell.total)
    return cell


# --- the tables --------------------------------------------------------------------------------


def test_the_ranks_table_shows_each_members_rank_and_total_year_by_year(
    fixed: Fixed, viewer: Client
) -> None:
    page = viewer.get(fixed.url)

    data = page.context["data"]
    assert page.status_code == 200
    assert data.years == [2013, 2014, 2015, 2016, 2017, 2018]
    assert [(r.org.name, [rank_cell(c) for c in r.cells]) for r in data.ranks] == [
        ("Tỉnh Hà Tĩnh", ["", (1, 95), (3, 88), (1, 97), (2, 93), (3, 70)]),
        ("Tỉnh Nghệ An", ["", (3, 85), (1, 96), (2, 91), (3, 80), (1, 90)]),
        ("Tỉnh Quảng Bình", ["", None, None, None, None, None]),
        ("Tỉnh Thanh Hóa", ["", (2, 90), (2, 92), (3, 89), (1, 94), (2, 89)]),
    ]
    chart = page.context["charts"]["ranks"]
    assert chart["type"] == "line" and chart["reverse"] is True
    assert chart["labels"] == ["2013", "2014", "2015", "2016", "2017", "2018"]
    assert chart["datasets"] == [
        {"label": "Tỉnh Hà Tĩnh", "data": [None, 1, 3, 1, 2, 3]},
        {"label": "Tỉnh Nghệ An", "data": [None, 3, 1, 2, 3, 1]},
        {"label": "Tỉnh Thanh Hóa", "data": [None, 2, 2, 3, 1, 2]},
    ]
    html = page.content.decode()
    assert 'data-chart="chart-ranks"' in html and 'id="chart-ranks"' in html
    assert "<script>" not in html  # no inline code: data only in json_script


def test_the_awards_table_counts_decisions_and_fills_in_proposals(
    fixed: Fixed, viewer: Client
) -> None:
    page = viewer.get(fixed.url)

    proposed_flag = vi("proposed: %(kind)s", kind=vi("Emulation flag"))
    proposed_cert = vi("proposed: %(kind)s", kind=vi("Certificate of merit"))
    rows = [
        (i["row"].org.name, i["cells"], i["row"].flags, i["row"].certificates)
        for i in page.context["award_rows"]
    ]
    assert rows == [
        ("Tỉnh Hà Tĩnh", [[], [CERT], [FLAG], [CERT], [], [proposed_flag]], 2, 2),
        ("Tỉnh Nghệ An", [[], [FLAG], [CERT], [], [proposed_flag], [proposed_cert]], 2, 2),
        ("Tỉnh Quảng Bình", [[], None, None, None, None, None], 0, 0),
        ("Tỉnh Thanh Hóa", [[FLAG], [], [], [FLAG], [proposed_cert], []], 2, 1),
    ]
    chart = page.context["charts"]["awards"]
    assert chart["labels"] == NAMES
    assert [d["data"] for d in chart["datasets"]] == [[2, 2, 0, 2], [2, 2, 0, 1]]
    assert chart["stacked"] is True


def test_the_heads_tables_list_each_year_and_count_each_member(
    fixed: Fixed, viewer: Client
) -> None:
    data = viewer.get(fixed.url).context["data"]

    assert [(y.year, y.head.name, y.deputy.name, y.members) for y in data.year_rows] == [
        (2013, "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", 4),
        (2014, "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", 3),
        (2015, "Tỉnh Hà Tĩnh", "Tỉnh Thanh Hóa", 3),
        (2016, "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", 3),
        (2017, "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", 3),
        (2018, "Tỉnh Hà Tĩnh", "Tỉnh Nghệ An", 3),
    ]
    assert [(r.org.name, r.head, r.deputy) for r in data.heads] == [
        ("Tỉnh Hà Tĩnh", 2, 2),
        ("Tỉnh Nghệ An", 2, 3),
        ("Tỉnh Quảng Bình", 0, 0),
        ("Tỉnh Thanh Hóa", 2, 1),
    ]


def test_the_late_reports_table_counts_late_days_and_missing_reports(
    fixed: Fixed, viewer: Client
) -> None:
    page = viewer.get(fixed.url)

    def cell(c: Any) -> Any:
        return None if c is None else (c.periods, c.late, c.days_late, c.missing)

    nothing = (0, 0, 0, 0)
    assert [
        (r.org.name, [cell(c) for c in r.cells], r.late, r.days_late, r.missing)
        for r in page.context["data"].late
    ] == [
        ("Tỉnh Hà Tĩnh", [nothing] * 4 + [(2, 0, 0, 1), (1, 1, 2, 0)], 1, 2, 1),
        ("Tỉnh Nghệ An", [nothing] * 4 + [(2, 1, 10, 0), (1, 0, 0, 1)], 1, 10, 1),
        ("Tỉnh Quảng Bình", [nothing, None, None, None, None, None], 0, 0, 0),
        ("Tỉnh Thanh Hóa", [nothing] * 4 + [(2, 1, 5, 0), (1, 1, 2, 0)], 2, 7, 0),
    ]
    chart = page.context["charts"]["late"]
    assert [(d["label"], d["data"]) for d in chart["datasets"]] == [
        ("2013", [0, 0, 0, 0]),
        ("2014", [0, 0, None, 0]),
        ("2015", [0, 0, None, 0]),
        ("2016", [0, 0, None, 0]),
        ("2017", [0, 1, None, 1]),
        ("2018", [1, 0, None, 1]),
    ]


# --- fairness ----------------------------------------------------------------------------------


def test_the_flag_going_round_against_the_ranking_reads_as_rotation(
    fixed: Fixed, viewer: Client
) -> None:
    page = viewer.get(fixed.url)

    flag = page.context["data"].fairness["flag"]
    ind = flag.indicators
    assert flag.pattern == rotation.Pattern.ROTATION
    assert flag.reasons == (
        "not_top_ranked",
        "full_round_unlikely_by_lot",
        "same_order",
        "follows_head",
    )
    assert (ind.years, ind.award_years, ind.awards, ind.members) == (6, 6, 6, 4)
    assert (ind.ranked_awards, ind.top_hits, ind.top_share) == (5, 0, 0.0)
    assert (ind.mean_rank, ind.mean_rank_by_lot, ind.rank_correlation) == (3.0, 2.0, -1.0)
    assert (ind.longest_run, ind.run_from, ind.run_to, ind.full_rounds) == (6, 2013, 2018, 2)
    assert (ind.repeats, ind.same_order) == (0, True)
    # Quảng Bình leaves after 2013: 1 · 2/3 · 1/3 for each round of three.
    assert ind.chance_of_run == pytest.approx(4 / 81)
    assert (ind.head_years, ind.head_hits) == (6, 6)
    assert ind.head_hits_by_lot == pytest.approx(1 / 4 + 5 / 3)
    assert (ind.next_head_years, ind.next_head_hits) == (5, 0)

    block = page.context["fairness"][0]
    assert block["kind"] == "flag"
    assert block["pattern_label"] == vi("Pattern consistent with rotation")
    assert [
        (r["year"], r["awardees"], r["ranks"], r["first"], r["head"], r["status"], str(r["source"]))
        for r in block["evidence"]
    ] == [
        (2013, "Tỉnh Thanh Hóa", "—", "", "Tỉnh Thanh Hóa", "new", vi("decision")),
        (2014, "Tỉnh Nghệ An", "3", "Tỉnh Hà Tĩnh", "Tỉnh Nghệ An", "new", vi("decision")),
        (2015, "Tỉnh Hà Tĩnh", "3", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", "completes", vi("decision")),
        (2016, "Tỉnh Thanh Hóa", "3", "Tỉnh Hà Tĩnh", "Tỉnh Thanh Hóa", "new", vi("decision")),
        (2017, "Tỉnh Nghệ An", "3", "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", "new", vi("proposal")),
        (2018, "Tỉnh Hà Tĩnh", "3", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", "completes", vi("proposal")),
    ]
    assert block["explanation"][0] == vi(
        "The awardee was among the top-ranked members in %(hits)s of %(n)s awards whose rank "
        "is known (%(share)s).",
        hits=0,
        n=5,
        share="0,0 %",
    )


def test_the_certificate_to_the_first_of_the_others_reads_as_following_the_scores(
    fixed: Fixed, viewer: Client
) -> None:
    certificate = viewer.get(fixed.url).context["data"].fairness["certificate"]

    ind = certificate.indicators
    assert certificate.pattern == rotation.Pattern.SCORES
    assert certificate.reasons == ("top_ranked", "full_round_possible_by_lot")
    assert (ind.award_years, ind.ranked_awards, ind.top_hits, ind.top_share) == (5, 5, 5, 1.0)
    assert (ind.mean_rank, ind.mean_rank_by_lot, ind.rank_correlation) == (1.0, 1.5, 1.0)
    # H, N, then H again while T waits: the run 2016–2018 (H, T, N) is the longest.
    assert (ind.longest_run, ind.run_from, ind.run_to, ind.full_rounds) == (3, 2016, 2018, 1)
    assert (ind.repeats, ind.same_order) == (1, None)
    assert ind.chance_of_run == pytest.approx(2 / 9)
    assert (ind.head_years, ind.head_hits) == (5, 0)
    assert (ind.next_head_years, ind.next_head_hits) == (4, 1)  # H in 2014, head in 2015


def test_the_page_explains_the_method_and_words_the_summary(fixed: Fixed, viewer: Client) -> None:
    html = viewer.get(fixed.url).content.decode()

    assert vi("How the indicators are computed") in html
    assert vi("Awards follow the scores") in html
    assert vi("Pattern consistent with rotation") in html
    assert vi("repeat while others wait") in html
    assert 'data-pattern="rotation"' in html and 'data-pattern="scores"' in html


# --- Excel -------------------------------------------------------------------------------------


SHEETS = {
    "ranks": ["Ranks and scores"],
    "awards": ["Flags and certificates"],
    "heads": ["Heads and deputies", "Times head or deputy"],
    "late": ["Late reports"],
    "fairness": ["Fairness indicators", "Emulation flag", "Certificate of merit"],
}


def sheet_names(titles: list[str]) -> list[str]:
    """The sheet titles, numbered from 1 (cut at Excel's 31 characters), then the note. The
    evidence sheets are named after their award."""
    shown = [
        vi("Evidence – %(kind)s", kind=vi(t))
        if t in ("Emulation flag", "Certificate of merit")
        else vi(t)
        for t in titles
    ]
    return [f"{i}. {t}"[:31] for i, t in enumerate(shown, start=1)] + [vi("Note")]


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def workbook(client: Client, fixed: Fixed, section: str | None = None) -> Any:
    params = {"format": "xlsx"} | ({"chart": section} if section else {})
    response = client.get(fixed.url, params)
    assert response.status_code == 200
    name = "thong-ke-cum-CTD-BTB-TEST" + (f"-{section}" if section else "")
    assert f'filename="{name}.xlsx"' in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


# Each section's table, computed by hand from the fixed cluster (see the table at the top).
RANKS = [
    [vi("Member unit"), vi("Code")]
    + [vi(h, y=y) for y in range(2013, 2019) for h in ("%(y)s rank", "%(y)s total")],
    ["Tỉnh Hà Tĩnh", "42", None, None, 1, 95, 3, 88, 1, 97, 2, 93, 3, 70],
    ["Tỉnh Nghệ An", "40", None, None, 3, 85, 1, 96, 2, 91, 3, 80, 1, 90],
    ["Tỉnh Quảng Bình", "44"] + [None] * 12,
    ["Tỉnh Thanh Hóa", "38", None, None, 2, 90, 2, 92, 3, 89, 1, 94, 2, 89],
]


def awards_table() -> list[list[Any]]:
    proposed_flag = vi("proposed: %(kind)s", kind=vi("Emulation flag"))
    proposed_cert = vi("proposed: %(kind)s", kind=vi("Certificate of merit"))
    return [
        [
            vi("Member unit"),
            vi("Code"),
            *[str(y) for y in range(2013, 2019)],
            vi("Flags"),
            vi("Certificates of merit"),
        ],
        ["Tỉnh Hà Tĩnh", "42", None, CERT, FLAG, CERT, None, proposed_flag, 2, 2],
        ["Tỉnh Nghệ An", "40", None, FLAG, CERT, None, proposed_flag, proposed_cert, 2, 2],
        ["Tỉnh Quảng Bình", "44", None, None, None, None, None, None, 0, 0],
        ["Tỉnh Thanh Hóa", "38", FLAG, None, None, FLAG, proposed_cert, None, 2, 1],
        # Six flags (one a year: T, N, H, T decided; N, H proposed) and five certificates.
        [vi("In all"), None] + [None] * 6 + [6, 5],
    ]


HEADS_BY_YEAR = [
    [vi("Year"), vi("Head unit"), vi("Deputy unit"), vi("Members")],
    ["2013", "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", 4],
    ["2014", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", 3],
    ["2015", "Tỉnh Hà Tĩnh", "Tỉnh Thanh Hóa", 3],
    ["2016", "Tỉnh Thanh Hóa", "Tỉnh Nghệ An", 3],
    ["2017", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh", 3],
    ["2018", "Tỉnh Hà Tĩnh", "Tỉnh Nghệ An", 3],
]
HEAD_COUNTS = [
    [vi("Member unit"), vi("Code"), vi("Head unit"), vi("Deputy unit")],
    ["Tỉnh Hà Tĩnh", "42", 2, 2],
    ["Tỉnh Nghệ An", "40", 2, 3],
    ["Tỉnh Quảng Bình", "44", 0, 0],
    ["Tỉnh Thanh Hóa", "38", 2, 1],
    [vi("In all"), None, 6, 6],  # a head and a deputy each of the six years
]
NO_REPORT = [0, 0, 0]  # late, days late, missing
LATE = [
    [vi("Member unit"), vi("Code")]
    + [
        vi(h, y=y)
        for y in range(2013, 2019)
        for h in ("%(y)s late", "%(y)s days late", "%(y)s missing")
    ]
    + [vi("Late"), vi("Days late"), vi("Missing")],
    # H: 2017 six-month report missing; 2018 in 22/12 against 20/12 after its extension.
    ["Tỉnh Hà Tĩnh", "42"] + NO_REPORT * 4 + [0, 0, 1, 1, 2, 0] + [1, 2, 1],
    # N: 2017 six-month report 10 days late, year report within its extension; 2018 missing.
    ["Tỉnh Nghệ An", "40"] + NO_REPORT * 4 + [1, 10, 0, 0, 0, 1] + [1, 10, 1],
    ["Tỉnh Quảng Bình", "44"] + NO_REPORT + [None] * 15 + [0, 0, 0],
    # T: 2017 year report 5 days late; 2018 2 days late.
    ["Tỉnh Thanh Hóa", "38"] + NO_REPORT * 4 + [1, 5, 0, 1, 2, 0] + [2, 7, 0],
    [vi("In all"), None] + NO_REPORT * 4 + [2, 15, 1, 2, 4, 1] + [4, 19, 2],
]


def check_indicators(sheet: Any) -> None:
    indicators = {r[0]: r[1:] for r in sheet.iter_rows(values_only=True)}
    assert indicators[vi("Indicator")] == (vi("Emulation flag"), vi("Certificate of merit"))
    assert indicators[vi("Awardee among the top-ranked")] == (0, 5)
    assert indicators[vi("Rank correlation (−1 to +1)")] == (-1, 1)
    assert indicators[vi("Longest run without a repeat (award years)")] == (6, 3)
    assert indicators[vi("Years of that run")] == ("2013–2018", "2016–2018")
    assert indicators[vi("Chance of such a run by lot")] == (0.0494, 0.2222)  # 4/81, 2/9
    assert indicators[vi("Rounds in the same order")] == (vi("yes"), "—")
    # Three members in 2018: six award years, (1 · 2/3 · 1/3)² = 4/81 ≤ 5 %.
    assert indicators[vi("Shortest run worth pointing out (award years)")] == (6, 6)


def check_flag_evidence(sheet: Any) -> None:
    evidence = rows_of(sheet)
    assert evidence[0][0] == vi("Year")
    assert evidence[1] == [
        "2013",
        "Tỉnh Thanh Hóa",
        "—",
        None,
        "Tỉnh Thanh Hóa",
        "Tỉnh Nghệ An",
        vi("first in the round"),
        4,
        1,
        vi("decision"),
    ]
    assert evidence[6][0:3] == ["2018", "Tỉnh Hà Tĩnh", "3"]
    # 2018: H the last of three waiting, 1/3 by lot.
    assert evidence[6][-4:] == [vi("completes the round"), 1, 0.33, vi("proposal")]


def test_the_excel_workbook_holds_every_table_on_its_own_sheet(
    fixed: Fixed, viewer: Client
) -> None:
    book = workbook(viewer, fixed)

    assert book.sheetnames == sheet_names([t for titles in SHEETS.values() for t in titles])
    assert rows_of(book.worksheets[0]) == RANKS
    assert rows_of(book.worksheets[1]) == awards_table()
    assert rows_of(book.worksheets[2]) == HEADS_BY_YEAR
    assert rows_of(book.worksheets[3]) == HEAD_COUNTS
    assert rows_of(book.worksheets[4]) == LATE
    check_indicators(book.worksheets[5])
    check_flag_evidence(book.worksheets[6])
    notes = [r[0] for r in book.worksheets[-1].iter_rows(values_only=True)]
    assert notes[:2] == [
        vi("Statistics: %(n)s", n="Cụm thi đua Bắc Trung Bộ (kiểm thử) (CTD-BTB-TEST)"),
        vi("%(n)s year(s) recorded, %(a)s–%(b)s.", n=6, a=2013, b=2018),
    ]


@pytest.mark.parametrize("section", list(SHEETS))
def test_each_section_downloads_a_workbook_of_its_own_tables(
    fixed: Fixed, viewer: Client, section: str
) -> None:
    book = workbook(viewer, fixed, section)

    assert book.sheetnames == sheet_names(SHEETS[section])
    tables = [rows_of(ws) for ws in book.worksheets[:-1]]
    if section == "ranks":
        assert tables == [RANKS]
    elif section == "awards":
        assert tables == [awards_table()]
    elif section == "heads":
        assert tables == [HEADS_BY_YEAR, HEAD_COUNTS]
    elif section == "late":
        assert tables == [LATE]
    else:
        check_indicators(book.worksheets[0])
        check_flag_evidence(book.worksheets[1])
        certificate = tables[2]
        # The certificate: H 2014, N 2015, H 2016 (a repeat while T waits), T 2017, N 2018.
        assert [r[:2] for r in certificate[1:]] == [
            ["2013", None],
            ["2014", "Tỉnh Hà Tĩnh"],
            ["2015", "Tỉnh Nghệ An"],
            ["2016", "Tỉnh Hà Tĩnh"],
            ["2017", "Tỉnh Thanh Hóa"],
            ["2018", "Tỉnh Nghệ An"],
        ]
        assert certificate[4][6] == vi("repeat while others wait")  # 2016


def test_each_section_offers_its_excel_download(fixed: Fixed, viewer: Client) -> None:
    html = viewer.get(fixed.url).content.decode()

    assert 'href="?format=xlsx" download' in html
    for section in SHEETS:
        assert f'href="?format=xlsx&amp;chart={section}" download' in html


def test_an_unknown_section_is_not_found(fixed: Fixed, viewer: Client) -> None:
    assert viewer.get(fixed.url, {"format": "xlsx", "chart": "nothing"}).status_code == 404


# --- queries -----------------------------------------------------------------------------------


def count_queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_years_and_members(
    fixed: Fixed, viewer: Client, province: Any, django_assert_max_num_queries: Any
) -> None:
    before = count_queries(viewer, fixed.url)
    downloads = [{"format": "xlsx", "chart": section} for section in SHEETS]
    downloads.append({"format": "xlsx"})
    workbooks = [count_queries(viewer, fixed.url, params) for params in downloads]
    fixed.units["B"] = province("46")
    for year in (2019, 2020, 2021):
        cy = add_year(fixed, year, "TNHB", "B", "T")
        publish(cy, [(fixed.B, 99), (fixed.T, 98), (fixed.N, 97), (fixed.H, 96)])
        award(fixed.B, "CO_CP", year)
        propose(cy, fixed.T, "certificate")
        period = ReportingPeriod.objects.create(
            cluster_year=cy,
            kind="year",
            name=f"Năm {year}",
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            due=dt.date(year, 12, 15),
        )
        report(period, fixed.B, dt.date(year, 12, 30))
        Extension.objects.create(period=period, org=fixed.T, due=dt.date(year, 12, 31), reason="x")

    after = count_queries(viewer, fixed.url)

    assert after == before
    with django_assert_max_num_queries(16):
        viewer.get(fixed.url)
    # Each workbook reads what the page reads (no more), whatever the years and members.
    assert [count_queries(viewer, fixed.url, params) for params in downloads] == workbooks
    assert max(workbooks) <= before


# --- who may see it ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(fixed: Fixed) -> None:
    response = Client().get(fixed.url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_a_role_is_refused(fixed: Fixed, as_user: Any) -> None:
    client = as_user("outsider")
    events = AuditEvent.objects.count()

    assert client.get(fixed.url).status_code == 403
    assert client.get(fixed.url, {"format": "xlsx"}).status_code == 403
    for section in SHEETS:
        assert client.get(fixed.url, {"format": "xlsx", "chart": section}).status_code == 403
    assert AuditEvent.objects.count() == events


def test_a_cluster_outside_the_users_reach_is_not_found(fixed: Fixed, as_user: Any) -> None:
    client = as_user("officer_thai_nguyen")

    assert client.get(fixed.url).status_code == 404
    assert client.get(fixed.url, {"format": "xlsx"}).status_code == 404
    for section in SHEETS:
        response = client.get(fixed.url, {"format": "xlsx", "chart": section})
        assert response.status_code == 404
        assert "spreadsheetml" not in response.get("Content-Type", "")
    assert client.get(reverse("stats:cluster", args=[999_999])).status_code == 404


def test_a_member_units_focal_point_sees_its_clusters_figures(fixed: Fixed) -> None:
    client = Client()
    client.force_login(make_user("daumoi.nghean", "focal_point", fixed.N))

    page = client.get(fixed.url)

    assert page.status_code == 200
    assert page.context["data"].fairness["flag"].pattern == rotation.Pattern.ROTATION


def test_the_clusters_page_links_to_its_statistics(fixed: Fixed, viewer: Client) -> None:
    page = viewer.get(reverse("clusters:cluster-detail", args=[fixed.cluster.pk]))

    assert f'href="{fixed.url}"' in page.content.decode()


def test_a_cluster_without_years_shows_empty_tables(viewer: Client) -> None:
    cluster = cluster_create(
        actor=None,
        kind="khoi",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="KHOI-TRONG",
        name="Khối trống",
    )

    page = viewer.get(reverse("stats:cluster", args=[cluster.pk]))

    assert page.status_code == 200
    assert page.context["data"].years == []
    assert page.context["data"].fairness["flag"].pattern == rotation.Pattern.INSUFFICIENT
    assert vi("No year opened yet: there is nothing to count.") in page.content.decode()


# --- the demo data -----------------------------------------------------------------------------


def test_the_demo_cluster_of_seed_004_shows_lang_son_first_in_2016(db: Any) -> None:
    """Seed 004: Lạng Sơn first in 2016 (proposed for the Government flag), Lào Cai second."""
    call_command("load_demo", password="x", stdout=StringIO())
    cluster = Cluster.objects.get(code="CTD-MNBG")
    client = Client()
    client.force_login(
        make_user("hoidong.demo", "council_member", Org.objects.get(code="TW-HDTDKT"))
    )

    page = client.get(reverse("stats:cluster", args=[cluster.pk]))

    data = page.context["data"]
    ranks = {
        r.org.code: r.cells[data.years.index(2016)].rank
        for r in data.ranks
        if isinstance(r.cells[data.years.index(2016)], cluster_selectors.ResultCell)
    }
    assert ranks["20"] == 1 and ranks["10"] == 2  # Lạng Sơn, Lào Cai
    assert data.fairness["flag"].pattern == rotation.Pattern.INSUFFICIENT
    assert Decimal(0) < min(
        c.total for r in data.ranks for c in r.cells if isinstance(c, cluster_selectors.ResultCell)
    )
