"""POST /api/v1/scoring/preview: the engine on a table and trial entries sent as JSON."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import User
from accounts.services import token_create
from scoring.api import EXAMPLE

PATH = "/api/v1/scoring/preview"


def example() -> dict[str, Any]:
    return copy.deepcopy(EXAMPLE)


def post(client: Client, body: Any) -> Any:
    return client.post(PATH, data=json.dumps(body), content_type="application/json")


def shown(text: str, language: str = "vi", **params: Any) -> str:
    """A message as the API answers it, from the catalogue of `language`."""
    with translation.override(language):
        out = translation.gettext(text)
    return out % params if params else out


def errors_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {"detail", "errors"}
    assert answer["errors"]
    return answer["errors"]


@pytest.fixture
def admin(as_user: Any) -> Client:
    return as_user("admin_user")


# --- access ---------------------------------------------------------------------------------------


def test_an_anonymous_caller_is_401(as_user: Any) -> None:
    response = post(as_user(None), EXAMPLE)

    assert response.status_code == 401
    assert response.json() == {"detail": shown("Sign in or send a valid API token.")}


def test_a_user_without_any_role_is_403(as_user: Any) -> None:
    response = post(as_user("outsider"), EXAMPLE)

    assert response.status_code == 403
    assert response.json() == {"detail": shown("Your roles do not allow this action.")}


def test_a_user_without_any_role_is_403_even_for_an_invalid_table(as_user: Any) -> None:
    body = example()
    body["table"]["scale"] = 90

    assert post(as_user("outsider"), body).status_code == 403


@pytest.mark.parametrize(
    "persona",
    ["admin_user", "viewer_bac_giang", "member_bac_kan", "council_member", "secretariat_bac_giang"],
)
def test_any_role_may_preview(as_user: Any, persona: str) -> None:
    assert post(as_user(persona), EXAMPLE).status_code == 200


def test_a_personal_token_may_preview(viewer_bac_giang: User) -> None:
    _, secret = token_create(user=viewer_bac_giang, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert post(client, EXAMPLE).status_code == 200


def test_only_post_is_allowed(admin: Client) -> None:
    assert admin.get(PATH).status_code == 405


# --- a valid table ---------------------------------------------------------------------------------


def test_the_example_gives_the_expected_totals_and_ranks(admin: Client) -> None:
    response = post(admin, EXAMPLE)

    assert response.status_code == 200
    assert response.json() == {
        "scale": "100",
        "members": [
            {
                "member": "Cao Bằng",
                "rank": 1,
                "total": "100.00",
                "in_scale": "90.00",
                "bonus": "10.00",
                "penalty": "0.00",
                "gap_to_leader": "0.00",
                "tie_note": "",
                "points": {
                    "A1": "35.00",  # 143% of plan: 30 and the whole bonus of 5
                    "A2": "30.00",  # the best growth rate
                    "A": "60.00",  # 65, capped at the group's 60
                    "B": "20.00",
                    "C": "10.00",
                    "T": "10.00",
                    "P": "0.00",
                },
                "missing": [],
                "pending": [],
            },
            {
                "member": "Sơn La",
                "rank": 2,
                "total": "90.53",
                "in_scale": "92.53",
                "bonus": "0.00",
                "penalty": "2.00",
                "gap_to_leader": "9.47",
                "tie_note": "",
                "points": {
                    "A1": "30.90",  # seed 004: 4,006 of 3,889 = 103%
                    "A2": "26.63",  # 7.1 of Cao Bằng's 8.0
                    "A": "57.53",
                    "B": "20.00",
                    "C": "15.00",
                    "T": "0.00",
                    "P": "-2.00",
                },
                "missing": [],
                "pending": [],
            },
        ],
    }


def test_missing_and_pending_criteria_are_listed(admin: Client) -> None:
    body = example()
    del body["entries"]["Cao Bằng"]["A2"]
    body["entries"]["Sơn La"]["C"] = None

    members = {m["member"]: m for m in post(admin, body).json()["members"]}

    assert members["Cao Bằng"]["missing"] == ["A2"]
    assert members["Cao Bằng"]["pending"] == []
    assert members["Sơn La"]["missing"] == ["C"]
    assert members["Sơn La"]["pending"] == ["A2"]
    assert members["Sơn La"]["points"]["A2"] is None
    assert members["Sơn La"]["points"]["C"] is None
    assert members["Sơn La"]["points"]["A"] == "30.90"


def test_several_reviewers_values_are_combined(admin: Client) -> None:
    body = example()
    body["table"]["aggregation"] = "trimmed_mean"
    body["entries"]["Sơn La"]["C"] = [0, 1, 3, 4]  # 1 and 3 kept: 2 occurrences, 10 points
    body["entries"]["Sơn La"]["B"] = [1, 0, 1]

    members = {m["member"]: m for m in post(admin, body).json()["members"]}

    assert members["Sơn La"]["points"]["C"] == "10.00"
    assert members["Sơn La"]["points"]["B"] == "20.00"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_tie_left_to_a_vote_is_explained_in_the_users_language(
    as_user: Any, admin_user: User, language: str
) -> None:
    admin_user.language = language
    admin_user.save()
    body = example()
    body["entries"]["Sơn La"] = copy.deepcopy(body["entries"]["Cao Bằng"])

    members = post(as_user("admin_user"), body).json()["members"]

    # Still in the order sent, the second one's note naming the first.
    assert [(m["member"], m["rank"]) for m in members] == [("Sơn La", 1), ("Cao Bằng", 1)]
    assert members[0]["tie_note"] == ""
    assert members[1]["tie_note"] == shown(
        "tied with %(m)s; to be settled by a vote", language, m="Sơn La"
    )


def test_a_tie_broken_by_a_rule_is_explained(admin: Client) -> None:
    body = example()
    body["entries"]["Sơn La"] = copy.deepcopy(body["entries"]["Cao Bằng"])
    body["entries"]["Sơn La"]["A2"] = 7.1  # 26.63 in group A instead of 30
    body["entries"]["Sơn La"]["T"] = 0
    body["entries"]["Sơn La"]["C"] = 4
    body["table"]["tie_breaks"] = ["group:A"]
    # Both 100: Cao Bằng 60 + 20 + 10 + a bonus of 10; Sơn La 60 (35 + 26.63, capped) + 20 + 20.
    members = post(admin, body).json()["members"]

    assert [(m["member"], m["rank"], m["total"]) for m in members] == [
        ("Sơn La", 1, "100.00"),
        ("Cao Bằng", 1, "100.00"),
    ]
    assert members[1]["tie_note"] == shown("tied with %(m)s", m="Sơn La")  # A: 60 for both
    body["table"]["tie_breaks"] = ["group:A", "bonus"]

    members = post(admin, body).json()["members"]

    assert [(m["member"], m["rank"]) for m in members] == [("Cao Bằng", 1), ("Sơn La", 2)]
    assert members[1]["tie_note"] == shown(
        "same total as %(m)s; placed after it on %(rule)s (%(a)s against %(b)s)",
        m="Cao Bằng",
        rule=shown("bonus points"),
        a="0",
        b="10",
    )


def test_a_total_is_rounded_like_the_points_it_adds_up(admin: Client) -> None:
    body = {
        "table": {
            "scale": 100,
            "criteria": [
                {"code": "R", "text": "Tăng trưởng", "kind": "relative_best", "max_points": 30},
                {"code": "F", "text": "Báo cáo", "kind": "pass_fail", "max_points": 70},
            ],
        },
        "entries": {"Sơn La": {"R": 7.1, "F": 0}, "Cao Bằng": {"R": 8.0, "F": 0}},
    }

    son_la = post(admin, body).json()["members"][1]

    assert son_la["points"]["R"] == "26.63"
    assert son_la["total"] == son_la["in_scale"] == "26.63"


# --- invalid tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_group_whose_criteria_do_not_add_up_is_422_naming_it(
    as_user: Any, admin_user: User, language: str
) -> None:
    admin_user.language = language
    admin_user.save()
    body = example()
    body["table"]["criteria"][0]["children"][1]["max_points"] = 20  # A: 30 + 20 ≠ 60

    response = post(as_user("admin_user"), body)

    assert errors_of(response) == [
        {
            "criterion": "A",
            "member": "",
            "message": shown(
                "Its criteria add up to %(sum)s points, not the group's %(max)s "
                "(declare the difference if it is intended).",
                language,
                sum="50",
                max="60",
            ),
        }
    ]
    assert response.json()["detail"] == shown("The scoring table is not valid.", language)


def test_a_declared_allowance_makes_the_group_valid(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][0]["children"][1]["max_points"] = 20
    body["table"]["criteria"][0]["allowance"] = -10

    assert post(admin, body).status_code == 200


def test_a_bad_formula_is_422_naming_the_criterion(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][0]["children"][0]["formula"] = "__import__('os').system('id')"
    body["table"]["criteria"][0]["children"][1]["formula"] = "actual / target"

    errors = errors_of(post(admin, body))

    assert errors == [
        {
            "criterion": "A1",
            "member": "",
            "message": shown(
                "The formula calls “%(x)s”; only min, max, abs and round are allowed.",
                x="__import__('os').system",
            ),
        },
        {
            "criterion": "A2",
            "member": "",
            "message": shown(
                "The formula uses “%(x)s”; it may use %(names)s.",
                x="target",
                names="actual, best, max_points",
            ),
        },
    ]


def test_a_good_formula_is_used(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][0]["children"][1]["formula"] = "round(actual / best * max_points)"

    members = {m["member"]: m for m in post(admin, body).json()["members"]}

    assert members["Sơn La"]["points"]["A2"] == "27.00"


def test_several_table_problems_are_listed_each_naming_its_criterion(admin: Client) -> None:
    body = example()
    criteria = body["table"]["criteria"]
    criteria[0]["children"][1]["max_points"] = 20  # A: 50 ≠ 60
    criteria[2]["points_each"] = None  # C: per occurrence without points
    criteria[3]["formula"] = "max_points"  # T: a bonus takes no formula
    body["table"]["tie_breaks"] = ["group:B"]

    errors = errors_of(post(admin, body))

    assert [(e["criterion"], e["member"]) for e in errors] == [
        ("A", ""),
        ("C", ""),
        ("T", ""),
        ("", ""),  # the table: the tie-break
    ]
    assert all(e["message"] for e in errors)
    assert "“group:B”" in errors[3]["message"]


def test_a_scale_other_than_100_or_1000_is_422_for_the_table(admin: Client) -> None:
    body = example()
    body["table"]["scale"] = 90

    assert errors_of(post(admin, body)) == [
        {"criterion": "", "member": "", "message": shown("The scale must be 100 or 1000 points.")}
    ]


def test_a_duplicate_code_is_422_naming_it(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][2]["code"] = "B"

    assert [e["criterion"] for e in errors_of(post(admin, body))] == ["B"]


def test_an_unknown_kind_is_422_in_the_documented_form(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][1]["kind"] = "bogus"

    response = post(admin, body)

    # The engine checks the kind like every other rule: the documented form, in the user's language.
    errors = errors_of(response)
    assert response.json()["detail"] == shown("The scoring table is not valid.")
    assert errors == [
        {
            "criterion": "B",
            "member": "",
            "message": shown("Unknown kind of criterion: %(k)s.", k="bogus"),
        }
    ]


def test_an_unknown_kind_is_422_naming_the_criterion_code(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][1]["kind"] = "bogus"

    errors = errors_of(post(admin, body))

    assert [e.get("criterion") for e in errors] == ["B"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_points": "many"}, "max_points"),
        ({"code": None}, "code"),
        ({"children": "A1"}, "children"),
    ],
)
def test_a_table_that_does_not_match_the_schema_is_422(
    admin: Client, change: dict[str, Any], field: str
) -> None:
    body = example()
    body["table"]["criteria"][1].update(change)

    errors = errors_of(post(admin, body))

    assert any(field in error["loc"] for error in errors)


# --- invalid entries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "code", "raw", "message"),
    [
        ("Sơn La", "B", 2, "Pass or fail: enter 1 or 0."),
        ("Sơn La", "B", [1, 2], "Pass or fail: enter 1 or 0."),
        ("Cao Bằng", "C", 2.5, "Enter a whole number of occurrences."),
        ("Cao Bằng", "P", -1, "The value cannot be negative."),
        ("Sơn La", "A1", "nhiều", "Enter a number."),
        ("Sơn La", "A1", {"value": 4006, "target": 0}, "The target must be above 0."),
        ("Sơn La", "A", 60, "No such criterion to score in the table."),
        ("Sơn La", "Z9", 1, "No such criterion to score in the table."),
    ],
)
def test_an_invalid_entry_is_422_naming_criterion_and_member(
    admin: Client, member: str, code: str, raw: Any, message: str
) -> None:
    body = example()
    body["entries"][member][code] = raw

    response = post(admin, body)

    assert errors_of(response) == [{"criterion": code, "member": member, "message": shown(message)}]
    assert response.json()["detail"] == shown("Some entries are not valid.")


def test_every_invalid_entry_is_listed(admin: Client) -> None:
    body = example()
    body["entries"]["Sơn La"]["B"] = "đạt"
    body["entries"]["Cao Bằng"]["C"] = -2
    body["entries"]["Cao Bằng"]["T"] = 0.5

    errors = errors_of(post(admin, body))

    assert [(e["criterion"], e["member"]) for e in errors] == [
        ("B", "Sơn La"),
        ("C", "Cao Bằng"),
        ("T", "Cao Bằng"),
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_entry_messages_are_in_the_users_language(
    as_user: Any, admin_user: User, language: str
) -> None:
    admin_user.language = language
    admin_user.save()
    body = example()
    body["entries"]["Sơn La"]["B"] = 2

    response = post(as_user("admin_user"), body)

    assert response.json() == {
        "detail": shown("Some entries are not valid.", language),
        "errors": [
            {
                "criterion": "B",
                "member": "Sơn La",
                "message": shown("Pass or fail: enter 1 or 0.", language),
            }
        ],
    }


def test_a_formula_dividing_by_zero_is_422(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][0]["children"][1]["formula"] = "actual / best * max_points"
    body["entries"]["Sơn La"]["A2"] = 0
    body["entries"]["Cao Bằng"]["A2"] = 0

    response = post(admin, body)

    errors = errors_of(response)
    assert response.json()["detail"] == shown("Some entries are not valid.")
    assert [e["message"] for e in errors] == [
        shown("The formula divides by zero for these values.")
    ]


def test_a_formula_dividing_by_zero_names_the_criterion(admin: Client) -> None:
    body = example()
    body["table"]["criteria"][0]["children"][1]["formula"] = "actual / best * max_points"
    body["entries"]["Sơn La"]["A2"] = 0
    body["entries"]["Cao Bằng"]["A2"] = 0

    errors = errors_of(post(admin, body))

    assert [e["criterion"] for e in errors] == ["A2"]


def test_a_formula_naming_a_function_without_calling_it_is_422(as_user: Any) -> None:
    client = as_user("admin_user")
    client.raise_request_exception = False
    body = example()
    body["table"]["criteria"][0]["children"][0]["formula"] = "max_points * min"

    errors = errors_of(post(client, body))

    assert [e["criterion"] for e in errors] == ["A1"]


@pytest.mark.parametrize("body", ["{table:", "", "[]"])
def test_a_body_that_is_not_a_preview_is_422(admin: Client, body: str) -> None:
    response = admin.post(PATH, data=body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"] == shown("Some values are not valid.")


# --- the OpenAPI document -----------------------------------------------------------------------------


def test_the_openapi_document_carries_the_example(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    operation = schema["paths"][PATH]["post"]

    assert operation["requestBody"]["content"]["application/json"]["example"] == EXAMPLE
    assert operation["tags"] == ["scoring"]
    assert {"200", "422"} <= set(operation["responses"])
    # The engine's problems, or (a body that is not a preview at all) the API's invalid values.
    errors = operation["responses"]["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/PreviewErrorOut"} in errors
    problem = schema["components"]["schemas"]["ProblemOut"]["properties"]
    assert set(problem) == {"criterion", "member", "message"}
    assert operation.get("security")


def test_the_example_in_the_openapi_document_is_accepted(admin: Client) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    sent = schema["paths"][PATH]["post"]["requestBody"]["content"]["application/json"]["example"]

    assert post(admin, sent).status_code == 200
