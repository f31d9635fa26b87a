"""The rotation page for a set of units: the form, the units within the user's reach, the
analysis from the register and the published results, Excel, queries, refusals."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from core.models import AuditEvent
from register.models import Record
from stats import rotation
from stats.tests.test_cluster_dashboard import (  # noqa: F401 - fixtures "fixed", "viewer"
    Fixed,
    add_year,
    award,
    council_viewer,
    fixed_cluster,
    publish,
    vi,
)

URL = reverse("stats:rotation")


def ids(*units: Any) -> list[tuple[str, int]]:
    return [("units", u.pk) for u in units]


def get(client: Client, params: list[tuple[str, Any]]) -> Any:
    from urllib.parse import urlencode

    return client.get(f"{URL}?{urlencode(params)}")


def test_the_empty_form_offers_the_awards_and_the_users_clusters(
    fixed: Fixed, viewer: Client
) -> None:
    page = viewer.get(URL)

    form = page.context["form"]
    assert page.status_code == 200
    assert page.context["result"] is None
    assert page.context["problems"] == []
    assert [c for c, _ in form.fields["code"].choices][:4] == [
        "flag",
        "certificate",
        "TTLDTT",
        "TTLDXS",
    ]
    assert (fixed.cluster.pk, fixed.cluster.name) in form.fields["cluster"].choices
    assert {"38", "40", "42", "44"} <= {u.code for u in page.context["unit_options"]}


def test_the_flags_of_three_units_are_analysed_from_the_register(
    fixed: Fixed, viewer: Client
) -> None:
    """Flags recorded: T 2013, N 2014, H 2015, T 2016 (the polls' proposals are not decisions).
    Ranked last of the three each year from 2014; always the head of the year."""
    page = get(viewer, [*ids(fixed.T, fixed.N, fixed.H), ("code", "flag")])

    block = page.context["result"]
    ind = block["analysis"].indicators
    assert page.status_code == 200
    assert [u.code for u in page.context["chosen"]] == ["42", "40", "38"]  # by name
    assert page.context["facts"].years == [2013, 2014, 2015, 2016]
    assert block["pattern"] == rotation.Pattern.UNCLEAR
    # T, N, H, T: no repeat yet, but four award years among three members are fewer than the
    # six a run needs to stand out (two full rounds: (1 · 2/3 · 1/3)² = 4/81 ≈ 4.9 %).
    assert block["analysis"].reasons == (
        "not_top_ranked",
        "full_round_possible_by_lot",
        "few_years_for_a_run",
        "follows_head",
    )
    assert ind.run_needed == 6
    assert (
        vi(
            "Every award so far went to a member who had not had one in the round, but over %(n)s "
            "award year(s) only: with this many members, a draw by lot gives a run without a repeat "
            "a chance of %(max)s or less only from %(needed)s award years in a row. The run cannot "
            "yet be told from chance.",
            n=4,
            max="5 %",
            needed=6,
        )
        in block["explanation"]
    )
    assert (ind.award_years, ind.ranked_awards, ind.top_hits) == (4, 3, 0)
    assert (ind.mean_rank, ind.mean_rank_by_lot, ind.rank_correlation) == (3.0, 2.0, -1.0)
    assert (ind.longest_run, ind.full_rounds, ind.repeats) == (4, 1, 0)
    assert ind.chance_of_run == pytest.approx(2 / 9)
    assert (ind.head_years, ind.head_hits) == (4, 4)
    assert [
        (r["year"], r["awardees"], r["ranks"], r["first"], r["head"]) for r in block["evidence"]
    ] == [
        (2013, "Tỉnh Thanh Hóa", "—", "", "Tỉnh Thanh Hóa"),
        (2014, "Tỉnh Nghệ An", "3", "Tỉnh Hà Tĩnh", "Tỉnh Nghệ An"),
        (2015, "Tỉnh Hà Tĩnh", "3", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh"),
        (2016, "Tỉnh Thanh Hóa", "3", "Tỉnh Hà Tĩnh", "Tỉnh Thanh Hóa"),
    ]
    html = page.content.decode()
    assert 'data-pattern="unclear"' in html
    assert vi("Neither pattern stands out") in html


def test_one_code_and_a_span_of_years_narrow_the_analysis(fixed: Fixed, viewer: Client) -> None:
    page = get(
        viewer,
        [*ids(fixed.T, fixed.N, fixed.H), ("code", "BK_TTG"), ("from", 2014), ("to", 2016)],
    )

    block = page.context["result"]
    assert page.context["facts"].years == [2014, 2015, 2016]
    assert block["pattern"] == rotation.Pattern.INSUFFICIENT
    assert [r["awardees"] for r in block["evidence"]] == [
        "Tỉnh Hà Tĩnh",
        "Tỉnh Nghệ An",
        "Tỉnh Hà Tĩnh",
    ]
    assert block["explanation"] == [
        vi(
            "Only %(n)s year(s) with an award: at least %(min)s are needed before a pattern can "
            "be told from chance.",
            n=3,
            min=4,
        )
    ]


def test_six_different_flags_among_seven_units_read_as_rotation_before_a_full_round(
    fixed: Fixed, viewer: Client, province: Any
) -> None:
    """Seven units, a flag a year 2019–2024 to six different ones (Thanh Hóa never): by lot
    1 · 6/7 · 5/7 · 4/7 · 3/7 · 2/7 = 720/16807 ≈ 4,28 %, no published ranking those years."""
    from clusters.services import cluster_create, cluster_year_open
    from orgs.models import Org

    others = [province("45"), province("46"), province("48")]
    neighbours = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-BTB-2",
        name="Cụm láng giềng",
    )
    cluster_year_open(actor=None, cluster=neighbours, year=2012, members=others)  # in reach
    for year, unit in zip(range(2019, 2025), [*others, fixed.Q, fixed.N, fixed.H], strict=True):
        award(unit, "CO_CP", year)

    page = get(
        viewer,
        [*ids(fixed.T, fixed.N, fixed.H, fixed.Q, *others), ("code", "flag"), ("from", 2019)],
    )

    block = page.context["result"]
    ind = block["analysis"].indicators
    assert page.context["facts"].years == [2019, 2020, 2021, 2022, 2023, 2024]
    assert block["pattern"] == rotation.Pattern.ROTATION
    assert block["analysis"].reasons == ("ranks_unknown", "run_unlikely_by_lot")
    assert (ind.longest_run, ind.full_rounds, ind.run_needed) == (6, 0, 6)
    assert ind.chance_of_run == pytest.approx(720 / 16807)
    assert block["explanation"][1] == vi(
        "From %(a)s to %(b)s, %(run)s awards in a row went to members who had not had one in "
        "the round, though not every member had one yet. Drawn by lot each year, awards would "
        "go that long without a repeat with a chance of %(p)s: %(max)s or less, so the run is "
        "worth pointing out even before the round is complete.",
        a=2019,
        b=2024,
        run=6,
        p="4,28 %",
        max="5 %",
    )
    assert [r["waiting"] for r in block["evidence"]] == [7, 6, 5, 4, 3, 2]
    html = page.content.decode()
    assert 'data-pattern="rotation"' in html
    # The method states the threshold with the worked example of seven members.
    assert (
        vi(
            "We read the awards in year order as rounds. A round is full when every member has "
            "received the award once; then a new round starts. When a member receives it a second "
            "time while others are still waiting, the run ends. A long run of awards to members "
            "still waiting, all the more with full rounds that follow the same order, is what "
            "rotation looks like. We give the chance that awards drawn by lot each year would have "
            "gone that long without a repeat: the smaller it is, the less likely the run is a "
            "coincidence. A run is worth pointing out when that chance is %(p)s %% or less, even "
            "before every member has had the award: with %(m)s members, %(l)s award years in a row "
            "to different members have a chance of %(c)s by lot (%(s)s years: %(c2)s). Over many "
            "years a run this unlikely may still happen once by chance: it says where to look, not "
            "what happened. Years without an award are skipped.",
            p=5,
            m=7,
            l=6,
            c="4,3 %",
            s=5,
            c2="15,0 %",
        )
        in html
    )


def test_units_scored_in_two_clusters_are_not_ranked_against_each_other(
    fixed: Fixed, viewer: Client, province: Any
) -> None:
    from clusters.models import ClusterYear
    from clusters.services import cluster_create, cluster_year_open
    from orgs.models import Org

    other = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="CTD-KHAC",
        name="Cụm khác",
    )
    cy = cluster_year_open(
        actor=None, cluster=other, year=2014, members=[province("46"), province("48")]
    )
    publish(cy, [(province("46"), 90), (province("48"), 80)])

    page = get(viewer, [*ids(fixed.T, fixed.N, province("46")), ("code", "flag")])

    evidence = {r["year"]: r for r in page.context["result"]["evidence"]}
    assert evidence[2014]["ranks"] == "—"
    assert evidence[2014]["note"] == vi("scored in several clusters: ranks not compared")
    assert evidence[2015]["awardees"] == ""  # the flag went to H, not chosen
    assert ClusterYear.objects.filter(cluster=other).count() == 1


def test_adding_units_by_code_comes_back_with_their_numbers(fixed: Fixed, viewer: Client) -> None:
    response = get(
        viewer, [*ids(fixed.T), ("add", "40, 42"), ("code", "certificate"), ("from", 2014)]
    )

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query == {
        "units": [str(fixed.T.pk), str(fixed.N.pk), str(fixed.H.pk)],
        "code": ["certificate"],
        "from": ["2014"],
    }


def test_taking_a_clusters_members_comes_back_with_their_numbers(
    fixed: Fixed, viewer: Client
) -> None:
    response = get(viewer, [("cluster", fixed.cluster.pk), ("code", "flag")])

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert sorted(int(i) for i in query["units"]) == sorted(
        u.pk for u in (fixed.T, fixed.N, fixed.H, fixed.Q)
    )


def test_an_unknown_code_is_named_and_nothing_is_analysed(fixed: Fixed, viewer: Client) -> None:
    page = get(viewer, [*ids(fixed.T, fixed.N), ("add", "40 ZZ-9 19"), ("code", "flag")])

    assert page.status_code == 200
    # Thái Nguyên (19) exists but is outside the council member's reach: named like an unknown code.
    assert page.context["problems"] == [
        vi("No unit within your reach has the code(s): %(codes)s.", codes="ZZ-9, 19")
    ]
    assert page.context["result"] is None


def test_units_outside_the_reach_are_refused_with_a_message(
    fixed: Fixed, as_user: Any, thai_nguyen: Any
) -> None:
    client = as_user("officer_thai_nguyen")
    events = AuditEvent.objects.count()

    page = get(client, [*ids(thai_nguyen, fixed.N), ("code", "flag")])

    assert page.status_code == 200
    assert page.context["result"] is None
    assert page.context["problems"] == [
        vi(
            "%(n)s of the units asked for are outside your reach or do not exist: nothing was "
            "analysed. Choose units from your own organisation or your clusters.",
            n=1,
        )
    ]
    assert [u.code for u in page.context["chosen"]] == ["19"]  # the other is not even named
    assert "Nghệ An" not in page.content.decode()
    assert 'role="alert"' in page.content.decode()
    assert AuditEvent.objects.count() == events
    excel = get(client, [*ids(thai_nguyen, fixed.N), ("code", "flag"), ("format", "xlsx")])
    assert excel["Content-Type"].startswith("text/html")


def test_bad_input_says_what_is_wrong(fixed: Fixed, viewer: Client) -> None:
    not_a_number = get(viewer, [("units", "abc"), ("code", "flag")])
    one_unit = get(viewer, [*ids(fixed.T), ("code", "flag")])
    backwards = get(
        viewer, [*ids(fixed.T, fixed.N), ("code", "flag"), ("from", 2018), ("to", 2014)]
    )
    unknown_award = get(viewer, [*ids(fixed.T, fixed.N), ("code", "NOPE")])

    assert not_a_number.context["problems"] == [vi("“%(v)s” is not a unit number.", v="abc")]
    assert one_unit.context["problems"] == [vi("Choose at least two units to compare.")]
    assert backwards.context["form"].errors == {"to": [vi("The last year comes before the first.")]}
    assert "code" in unknown_award.context["form"].errors
    for page in (not_a_number, one_unit, backwards, unknown_award):
        assert page.status_code == 200
        assert page.context["result"] is None


def test_without_an_award_chosen_the_flags_are_analysed(fixed: Fixed, viewer: Client) -> None:
    page = get(viewer, ids(fixed.T, fixed.N, fixed.H))

    assert page.context["problems"] == []
    assert page.context["facts"].years == [2013, 2014, 2015, 2016]


def test_the_excel_workbook_holds_the_indicators_and_the_evidence(
    fixed: Fixed, viewer: Client
) -> None:
    response = get(viewer, [*ids(fixed.T, fixed.N, fixed.H), ("code", "flag"), ("format", "xlsx")])

    book = load_workbook(BytesIO(response.content))
    assert response.status_code == 200
    assert 'filename="luan-phien.xlsx"' in response["Content-Disposition"]
    assert book.sheetnames == [
        f"1. {vi('Fairness indicators')}",
        f"2. {vi('Evidence')}",
        vi("Note"),
    ]
    indicators = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True)}
    assert indicators[vi("Indicator")] == vi("Value")
    assert indicators[vi("Years with an award")] == 4
    assert indicators[vi("Mean rank of the awardees")] == 3
    assert indicators[vi("Chance of such a run by lot")] == 0.2222
    assert indicators[vi("Shortest run worth pointing out (award years)")] == 6
    evidence = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert [r[:3] for r in evidence[1:]] == [
        ["2013", "Tỉnh Thanh Hóa", "—"],
        ["2014", "Tỉnh Nghệ An", "3"],
        ["2015", "Tỉnh Hà Tĩnh", "3"],
        ["2016", "Tỉnh Thanh Hóa", "3"],
    ]


def count_queries(client: Client, params: list[tuple[str, Any]]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_units_and_years(
    fixed: Fixed, viewer: Client, province: Any
) -> None:
    before = count_queries(viewer, [*ids(fixed.T, fixed.N), ("code", "flag")])
    for year in (2019, 2020, 2021):
        cy = add_year(fixed, year, "TNH", "T", "N")
        publish(cy, [(fixed.T, 90), (fixed.N, 80), (fixed.H, 70)])
        award(fixed.H, "CO_CP", year)

    after = count_queries(viewer, [*ids(fixed.T, fixed.N, fixed.H, fixed.Q), ("code", "flag")])

    assert after == before
    assert Record.objects.filter(code="CO_CP", year__gte=2019).count() == 3


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_a_role_is_refused(fixed: Fixed, as_user: Any) -> None:
    client = as_user("outsider")

    assert get(client, [*ids(fixed.T, fixed.N), ("code", "flag")]).status_code == 403


def test_a_focal_point_analyses_the_units_of_its_own_clusters(fixed: Fixed) -> None:
    client = Client()
    client.force_login(make_user("daumoi.nghean2", "focal_point", fixed.N))

    page = get(client, [*ids(fixed.T, fixed.N, fixed.H), ("code", "flag")])

    assert page.context["problems"] == []
    assert page.context["result"]["pattern"] == rotation.Pattern.UNCLEAR
