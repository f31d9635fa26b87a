"""The leaders' concentration page against hand-computed figures."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from orgs.models import Org
from orgs.services import org_create
from people.models import Person
from register.models import Decision, Record
from stats import rules, services
from stats.tests.unit_fixtures import register_data_fixture  # noqa: F401  (a fixture)

URL = "/stats/fairness/"


def numbers(response: Any, key: str) -> dict[str, list[Any]]:
    """A chart's numeric columns (all but the indicator's words) by row key: the two shares (%),
    awards, to leaders, ratio, z and the Wilson 99 % interval (low, high)."""
    chart = next(c for c in response.context["charts"] if c.key == key)
    return {k: v[:7] for k, v in chart.by_key().items()}


def test_it_compares_the_leaders_share_of_awards_with_their_share_of_staff(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL)

    assert response.status_code == 200
    o = response.context["fairness"].overall
    # 4 of the 9 individual awards to leaders; 2 of the 8 people are leaders:
    # ratio (4·8)/(9·2) = 1.78, z = (4·8 − 9·2)/√(9·2·6) = 14/10.39 = 1.35.
    assert (o.awards, o.leader_awards, o.staff, o.leaders) == (9, 4, 8, 2)
    assert (o.award_share, o.staff_share, o.ratio, o.z) == (44.4, 25.0, 1.78, 1.35)
    assert o.status == rules.FEW_AWARDS
    # share, staff share, awards, to leaders, ratio, z, Wilson 99 % interval
    assert numbers(response, "level") == {
        "co_so": [28.6, 25.0, 7, 2, 1.14, 0.22, (5.8, 72.2)],
        "bo_tinh": [100.0, 25.0, 1, 1, 4.0, 1.73, (13.1, 100.0)],
        "chinh_phu": [100.0, 25.0, 1, 1, 4.0, 1.73, (13.1, 100.0)],
        "nha_nuoc": [None, 25.0, 0, 0, None, None, None],
    }
    assert numbers(response, "year") == {
        "2020": [None, 25.0, 0, 0, None, None, None],
        "2021": [0.0, 25.0, 1, 0, 0.0, -0.58, (0.0, 86.9)],
        "2022": [33.3, 25.0, 3, 1, 1.33, 0.33, (4.0, 85.6)],
        "2023": [50.0, 25.0, 2, 1, 2.0, 0.82, (6.2, 93.8)],
        "2024": [66.7, 25.0, 3, 2, 2.67, 1.67, (14.4, 96.0)],
    }
    rows = [
        (
            r.key,
            r.indicator.awards,
            r.indicator.leader_awards,
            r.indicator.staff,
            r.indicator.leaders,
            r.indicator.ratio,
            r.indicator.z,
            r.indicator.status,
        )
        for r in response.context["fairness"].units
    ]
    # SNV (with its room): awards r1 r2 r3 r4, 2 to p1; staff p1–p5, 1 leader.
    # XA: r5 r6 r10 r12 r13, 2 to p6; staff p6–p8, 1 leader.
    assert rows == [
        ("19.SNV", 4, 2, 5, 1, 2.5, 1.5, rules.FEW_AWARDS),
        ("19.XA", 5, 2, 3, 1, 1.2, 0.32, rules.FEW_AWARDS),
    ]
    assert response.context["fairness"].flagged == []


def test_it_explains_the_method_in_plain_words(
    as_user: Any, register_data: dict[str, Any], officer_thai_nguyen: Any
) -> None:
    officer_thai_nguyen.language = "en"
    officer_thai_nguyen.save(update_fields=["language"])

    html = as_user("officer_thai_nguyen").get(URL).content.decode()

    assert "These are indicators, not verdicts" in html
    assert "at least 20 individual awards" in html
    assert "z-score above 2,58" in html  # the English interface keeps Vietnamese number formats


@pytest.fixture
def lopsided(register_data: dict[str, Any]) -> dict[str, Org]:
    """Two departments of 20 people with 2 leaders and 20 awards in 2024: in LD the leaders hold
    10 of them, in CB 2 (exactly their share of the staff)."""
    tn = register_data["units"]["thai_nguyen"]
    decision = Decision.objects.create(number="50/QĐ", date=dt.date(2024, 12, 28), issuer=tn)
    out = {}
    for code, to_leaders in (("19.LD", 10), ("19.CB", 2)):
        unit = org_create(actor=None, code=code, name=f"Sở {code}", kind="department", parent=tn)
        people = Person.objects.bulk_create(
            Person(
                full_name=f"{code} {i}",
                gender="M" if i % 2 else "F",
                unit=unit,
                category="leader" if i < 2 else "worker",
            )
            for i in range(20)
        )
        records = []
        for i in range(20):
            leader = i < to_leaders
            person = people[i % 2] if leader else people[2 + i % 18]
            records.append(
                Record(
                    decision=decision,
                    person=person,
                    unit=unit,
                    code="GK" if i % 2 else "LDTT",
                    year=2024 - (i // 4) % 2,
                )
            )
        Record.objects.bulk_create(records)
        out[code] = unit
    return out


def test_it_flags_the_unit_whose_leaders_take_far_more_than_their_share(
    as_user: Any, register_data: dict[str, Any], lopsided: dict[str, Org]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL)

    fairness = response.context["fairness"]
    # LD: z = (10·20 − 20·2)/√(20·2·18) = 160/26.83 = 5.96; CB: (2·20 − 20·2) = 0.
    assert [
        (r.key, r.indicator.ratio, r.indicator.z, r.indicator.status) for r in fairness.units
    ] == [
        ("19.LD", 5.0, 5.96, rules.ABOVE),
        ("19.CB", 1.0, 0.0, rules.IN_LINE),
        ("19.SNV", 2.5, 1.5, rules.FEW_AWARDS),
        ("19.XA", 1.2, 0.32, rules.FEW_AWARDS),
    ]
    assert [r.key for r in fairness.flagged] == ["19.LD"]
    assert numbers(response, "units") == {
        "19.LD": [50.0, 10.0, 20, 10, 5.0, 5.96, (25.0, 75.0)],
        "19.CB": [10.0, 10.0, 20, 2, 1.0, 0.0, (2.0, 37.9)],
    }
    html = response.content.decode()
    assert html.count('data-flagged="1"') == 1
    assert f"unit={lopsided['19.LD'].pk}" in html


def test_it_compares_every_unit_on_its_own_when_asked(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL, {"group": "units"})

    rows = [
        (
            r.key,
            r.indicator.awards,
            r.indicator.leader_awards,
            r.indicator.staff,
            r.indicator.leaders,
        )
        for r in response.context["fairness"].units
    ]
    assert rows == [
        ("19.SNV", 3, 2, 4, 1),
        ("19.XA", 5, 2, 3, 1),
        ("19.SNV.P1", 1, 0, 1, 0),
    ]


def test_it_downloads_the_indicators(
    as_user: Any, register_data: dict[str, Any], lopsided: dict[str, Org]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL, {"format": "xlsx"})

    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 5  # by level, by year, the units standing out, every unit, note
    every = [[c.value for c in row] for row in wb[wb.sheetnames[3]].iter_rows()]
    assert [row[:9] for row in every[1:5]] == [
        ["Sở 19.LD", 50.0, 10.0, 20, 10, 5.0, 5.96, 25.0, 75.0],
        ["Sở 19.CB", 10.0, 10.0, 20, 2, 1.0, 0.0, 2.0, 37.9],
        ["Sở Nội vụ tỉnh Thái Nguyên", 50.0, 20.0, 4, 2, 2.5, 1.5, 10.5, 89.5],
        ["Xã Biên Giới", 40.0, 33.3, 5, 2, 1.2, 0.32, 8.3, 83.1],
    ]
    notes = [row[0].value for row in wb[wb.sheetnames[-1]].iter_rows()]
    assert len(notes) == 10  # unit, years, filters, as of, counting rule; the method (5)


def test_it_keeps_the_fairness_page_to_the_users_reach(
    as_user: Any, client: Any, register_data: dict[str, Any]
) -> None:
    bac_giang = register_data["units"]["bac_giang"]

    assert client.get(URL).status_code == 302
    assert as_user("outsider").get(URL).status_code == 403
    assert as_user("officer_thai_nguyen").get(URL, {"unit": bac_giang.pk}).status_code == 404
    assert as_user("officer_thai_nguyen").get(URL, {"group": "nope"}).status_code == 400


def test_it_reads_the_fairness_page_in_a_constant_number_of_queries(
    as_user: Any,
    register_data: dict[str, Any],
    lopsided: dict[str, Org],
    django_assert_num_queries: Any,
) -> None:
    client = as_user("officer_thai_nguyen")
    services.tally_refresh()
    client.get(URL)

    with django_assert_num_queries(FAIRNESS_QUERIES):
        response = client.get(URL)

    assert response.context["source"].kind == "tally"
    assert [r.key for r in response.context["fairness"].flagged] == ["19.LD"]


FAIRNESS_QUERIES = 18
