"""The unit dashboard against hand-computed figures of a small fixed register (unit_fixtures)."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from stats import services
from stats.tests.unit_fixtures import register_data_fixture  # noqa: F401  (a fixture)

URL = "/stats/"

# Every chart of Thái Nguyên's dashboard, years 2020–2024 (the last five with data): by hand from
# the records listed in unit_fixtures.
EXPECTED: dict[str, dict[str, list[Any]]] = {
    # individuals, collectives (in force), revoked
    "year": {
        "2020": [0, 0, 0],
        "2021": [1, 0, 0],
        "2022": [3, 0, 0],
        "2023": [2, 1, 0],
        "2024": [3, 1, 1],
    },
    "level": {
        "co_so": [7, 1, 1],
        "bo_tinh": [1, 1, 0],
        "chinh_phu": [1, 0, 0],
        "nha_nuoc": [0, 0, 0],
    },
    "award": {
        "LDTT": [4, 0, 1],
        "CSTD_CS": [1, 0, 0],
        "TTLDTT": [0, 1, 0],
        "GK": [2, 0, 0],
        "BK_BO": [1, 1, 0],
        "BK_TTG": [1, 0, 0],
    },
    # in force, revoked
    "category": {
        "cong_trang": [8, 0],
        "dot_xuat": [0, 1],
        "phong_trao": [3, 0],
        "cong_hien": [0, 0],
        "nien_han": [0, 0],
        "doi_ngoai": [0, 0],
    },
    # commendations, share (%)
    "subject": {"individual": [9, 81.8], "collective": [2, 18.2]},
    # share of individual awards (%), share of the workforce today (%), awards, people, ratio
    "group": {
        "leader": [44.4, 25.0, 4, 2, 1.78],
        "worker": [44.4, 50.0, 4, 4, 0.89],
        "staff": [11.1, 25.0, 1, 2, 0.44],
    },
    "gender": {"M": [55.6, 50.0, 5, 4, 1.11], "F": [44.4, 50.0, 4, 4, 0.89]},
    "ethnic": {
        "kinh": [55.6, 50.0, 5, 4, 1.11],
        "minority": [33.3, 37.5, 3, 3, 0.89],
        "none": [11.1, 12.5, 1, 1, 0.89],
    },
    # individuals, collectives
    "area": {"none": [4, 1], "remote": [0, 0], "border": [5, 1], "island": [0, 0]},
    # dossiers to the Government, to the State
    "proposals": {
        "submitted": [0, 0],
        "appraisal": [0, 1],
        "comment": [0, 0],
        "council": [0, 0],
        "approved": [0, 0],
        "returned": [0, 0],
        "rejected": [0, 0],
        "forwarded": [0, 0],
        "decided": [1, 0],
    },
    # recipients proposed to the Government, to the State
    "outcomes": {"approved": [1, 0], "not_approved": [1, 0], "pending": [0, 1]},
}


def table(response: Any, key: str) -> dict[str, list[Any]]:
    """A chart's table by row key (codes, years: whatever the interface's language)."""
    chart = next(c for c in response.context["charts"] if c.key == key)
    return chart.by_key()


class Tables(HTMLParser):
    """The text of every cell of every table, by the table's id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.current = dict(attrs).get("id") or ""
            self.tables[self.current] = []
        elif tag == "tr" and self.current is not None:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.current is not None:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(response: Any) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def specs_of(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script id="chart-([a-z-]+)-data" type="application/json">(.*?)</script>', html
        )
    }


@pytest.mark.parametrize("summary", [False, True], ids=["from-the-register", "from-the-summary"])
def test_it_counts_every_chart_of_the_fixed_register(
    as_user: Any, register_data: dict[str, Any], summary: bool
) -> None:
    if summary:
        services.tally_refresh()

    response = as_user("officer_thai_nguyen").get(URL)

    assert response.status_code == 200
    assert response.context["source"].kind == ("tally" if summary else "live")
    f = response.context["filters"]
    assert (f.scope.unit.code, f.year_from, f.year_to) == ("19", 2020, 2024)
    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == (11, 9, 2, 1)
    assert {key: table(response, key) for key in EXPECTED} == EXPECTED
    assert [c.key for c in response.context["charts"]] == [
        "year",
        "level",
        "category",
        "award",
        "subject",
        "area",
        "group",
        "gender",
        "ethnic",
        "proposals",
        "outcomes",
    ]


def test_it_writes_the_same_numbers_in_each_chart_and_in_the_table_beneath(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL)

    specs, tables = specs_of(response), tables_of(response)
    for chart in response.context["charts"]:
        assert specs[chart.key] == chart.spec()
        rows = tables[f"table-{chart.key}"]
        header, body = rows[0], rows[1 : 1 + len(chart.rows)]
        assert header == [chart.row_header, *(s.label for s in chart.series)]
        for i, dataset in enumerate(specs[chart.key]["datasets"]):
            column = header.index(dataset["label"])
            shown = [row[column] for row in body]
            expected = [
                "–"
                if v is None
                else (f"{v:.1f}".replace(".", ",") + " %" if chart.percent else str(v))
                for v in dataset["data"]
            ]
            assert shown == expected, (chart.key, i)
    assert tables["table-group"][1] == ["Lãnh đạo, quản lý", "44,4 %", "25,0 %", "4", "2", "1,78"]
    assert tables["table-year"][-1] == ["Tổng cộng", "9", "2", "1"]


def test_it_says_the_workforce_is_todays_and_when_the_figures_are_from(
    as_user: Any, register_data: dict[str, Any], officer_thai_nguyen: Any
) -> None:
    officer_thai_nguyen.language = "en"
    officer_thai_nguyen.save(update_fields=["language"])
    state = services.tally_refresh()

    html = as_user("officer_thai_nguyen").get(URL).content.decode()

    assert "The workforce is today&#x27;s" in html
    as_of = timezone.localtime(state.refreshed_at).strftime("%d/%m/%Y %H:%M")
    assert f"Figures as of {as_of}: the register's summary, level with the register." in html


def test_it_downloads_every_chart_as_a_sheet_with_the_same_cells(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL, {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-khen-thuong.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == len(EXPECTED) + 1  # and the note
    year = wb[wb.sheetnames[0]]
    assert [[c.value for c in row] for row in year.iter_rows()] == [
        ["Năm", "Cá nhân", "Tập thể", "Đã thu hồi (không tính)"],
        ["2020", 0, 0, 0],
        ["2021", 1, 0, 0],
        ["2022", 3, 0, 0],
        ["2023", 2, 1, 0],
        ["2024", 3, 1, 1],
        ["Tổng cộng", 9, 2, 1],
    ]
    group = wb[wb.sheetnames[6]]
    assert [c.value for c in group[2]] == ["Lãnh đạo, quản lý", 44.4, 25.0, 4, 2, 1.78]
    notes = [row[0].value for row in wb[wb.sheetnames[-1]].iter_rows()]
    assert any("Tỉnh Thái Nguyên" in str(n) for n in notes)
    assert any("2020–2024" in str(n) for n in notes)


def test_it_downloads_one_chart_with_the_same_filters(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    client = as_user("officer_thai_nguyen")

    response = client.get(URL, {"format": "xlsx", "chart": "level", "from": "2024", "to": "2024"})

    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 2
    assert [[c.value for c in row] for row in wb[wb.sheetnames[0]].iter_rows()] == [
        ["Cấp", "Cá nhân", "Tập thể", "Đã thu hồi (không tính)"],
        ["Cơ sở", 1, 0, 1],
        ["Bộ, ngành, tỉnh", 1, 1, 0],
        ["Chính phủ", 1, 0, 0],
        ["Nhà nước", 0, 0, 0],
        ["Tổng cộng", 3, 1, 1],
    ]
    assert client.get(URL, {"format": "xlsx", "chart": "nope"}).status_code == 404


def test_it_keeps_to_the_years_asked(as_user: Any, register_data: dict[str, Any]) -> None:
    response = as_user("officer_thai_nguyen").get(URL, {"from": "2022", "to": "2023"})

    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == (6, 5, 1, 0)
    assert table(response, "year") == {"2022": [3, 0, 0], "2023": [2, 1, 0]}


def test_it_counts_a_unit_with_its_sub_units_only(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    snv = register_data["units"]["snv_thai_nguyen"]

    response = as_user("officer_thai_nguyen").get(URL, {"unit": snv.pk})

    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == (5, 4, 1, 1)
    assert table(response, "group") == {
        "leader": [50.0, 20.0, 2, 1, 2.5],
        "worker": [50.0, 40.0, 2, 2, 1.25],
        "staff": [0.0, 40.0, 0, 2, 0.0],
    }
    assert table(response, "area") == {
        "none": [4, 1],
        "remote": [0, 0],
        "border": [0, 0],
        "island": [0, 0],
    }
    # The 2024 State dossier's recipient (XA) is not in the department; p1 was not awarded.
    assert table(response, "outcomes") == {
        "approved": [0, 0],
        "not_approved": [1, 0],
        "pending": [0, 0],
    }


def test_it_counts_an_individual_in_the_unit_they_worked_in_then(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    xa = register_data["units"]["xa"]

    response = as_user("officer_thai_nguyen").get(URL, {"unit": xa.pk, "code": "GK"})

    # r10 (p8) and r12 (p4, who has moved to the department since) were given at XA.
    assert table(response, "award") == {"GK": [2, 0, 0]}
    assert table(response, "area")["border"] == [2, 0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "bo_tinh"}, (2, 1, 1, 0)),
        ({"code": "LDTT"}, (4, 4, 0, 1)),
        ({"subject": "collective"}, (2, 0, 2, 0)),
        ({"subject": "individual", "level": "co_so"}, (7, 7, 0, 1)),
    ],
)
def test_it_filters_by_level_award_and_recipients(
    as_user: Any, register_data: dict[str, Any], params: dict[str, str], expected: tuple[int, ...]
) -> None:
    response = as_user("officer_thai_nguyen").get(URL, params)

    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == expected


def test_it_adds_the_units_merged_into_the_province_when_asked(
    as_user: Any, register_data: dict[str, Any], bac_kan: Any
) -> None:
    from register.models import Decision, Record

    snv_bac_kan = register_data["units"]["snv_bac_kan"]
    d = Decision.objects.create(number="1/QĐ-BK", date="2024-12-01", issuer=bac_kan)
    Record.objects.create(decision=d, org=snv_bac_kan, code="TTLDTT", year=2024)
    client = as_user("officer_thai_nguyen")

    alone = client.get(URL).context["summary"]
    merged = client.get(URL, {"merged": "on"})

    assert alone.collectives == 2
    assert merged.context["summary"].collectives == 3
    assert "Tỉnh Bắc Kạn" in merged.context["scope_label"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unit": "abc"}, "unit"),
        ({"from": "2024", "to": "2020"}, "to"),
        ({"from": "1800"}, "from"),
        ({"level": "nha_nuoc", "code": "LDTT"}, "code"),
        ({"subject": "household"}, "subject"),
    ],
)
def test_it_explains_bad_filters_without_failing(
    as_user: Any, register_data: dict[str, Any], params: dict[str, str], field: str
) -> None:
    response = as_user("officer_thai_nguyen").get(URL, params)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b'class="errorlist"' in response.content
    assert b"data-chart" not in response.content


def test_it_hides_a_unit_outside_the_users_reach(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    bac_giang = register_data["units"]["bac_giang"]

    assert as_user("officer_thai_nguyen").get(URL, {"unit": bac_giang.pk}).status_code == 404
    assert as_user("officer_thai_nguyen").get(URL, {"unit": 10**12}).status_code == 404
    assert (
        as_user("viewer_bac_giang")
        .get(URL, {"unit": register_data["units"]["thai_nguyen"].pk})
        .status_code
        == 404
    )


def test_it_shows_a_viewer_only_their_reach(as_user: Any, register_data: dict[str, Any]) -> None:
    response = as_user("viewer_bac_giang").get(URL)

    assert response.status_code == 200
    f = response.context["filters"]
    assert (f.scope.unit.code, f.year_from, f.year_to) == ("24", 2020, 2024)
    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == (1, 1, 0, 0)
    assert table(response, "proposals")["submitted"] == [1, 0]
    assert [v for v, _label in response.context["form"].unit_options] == [
        str(register_data["units"]["bac_giang"].pk),
        str(register_data["units"]["snv_bac_giang"].pk),
    ]


def test_it_shows_the_whole_country_to_an_administrator(
    as_user: Any, register_data: dict[str, Any]
) -> None:
    response = as_user("admin_user").get(URL)

    assert response.context["filters"].scope.unit is None
    s = response.context["summary"]
    assert (s.in_force, s.individuals, s.collectives, s.revoked) == (12, 10, 2, 1)
    with translation.override("vi"):
        whole_country = translation.gettext("Whole country")
    assert whole_country == "Toàn quốc"
    assert response.context["form"].unit_options[0] == ("", whole_country)


def test_it_asks_an_anonymous_visitor_to_sign_in(
    client: Any, register_data: dict[str, Any]
) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_someone_without_a_role(as_user: Any, register_data: dict[str, Any]) -> None:
    assert as_user("outsider").get(URL).status_code == 403
    assert as_user("outsider").get(URL, {"format": "xlsx"}).status_code == 403


def test_it_reads_a_constant_number_of_queries(
    as_user: Any,
    register_data: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    from orgs.services import org_create
    from register.models import Decision, Record

    client = as_user("officer_thai_nguyen")
    services.tally_refresh()
    client.get(URL)
    with django_assert_num_queries(QUERIES) as small:
        client.get(URL)
    # More units, people and records: the same queries.
    tn = register_data["units"]["thai_nguyen"]
    d = Decision.objects.create(number="77/QĐ", date="2024-12-30", issuer=tn)
    for i in range(5):
        unit = org_create(actor=None, code=f"19.X{i}", name=f"Xã {i}", kind="commune", parent=tn)
        Record.objects.create(decision=d, org=unit, code="TTLDTT", year=2024)
    services.tally_catch_up()
    with django_assert_num_queries(QUERIES) as large:
        response = client.get(URL)
    assert response.context["summary"].collectives == 7
    assert len(small.captured_queries) == len(large.captured_queries)


QUERIES = 19
