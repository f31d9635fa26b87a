"""`POST /api/v1/votes/tally`: the stateless tally, its documented response shape, invalid
ballots counted (not refused), malformed requests answered 422 with a message, authentication,
and its place in the OpenAPI document with a request example."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from votes.api import EXAMPLE

TALLY = "/api/v1/votes/tally"
VI_NO_CANDIDATE = "Vui lòng nêu ít nhất một ứng viên."  # "Give at least one candidate."
KEYS = {
    "method",
    "ballots_cast",
    "valid",
    "invalid",
    "blank",
    "quorum_met",
    "results",
    "ranking",
    "winners",
    "ties",
    "explanation",
}
ROW_KEYS = {
    "candidate",
    "rank",
    "score",
    "yes",
    "no",
    "abstain",
    "approvals",
    "votes",
    "points",
    "passed",
    "elected",
}


@pytest.fixture
def client(viewer_bac_giang: User) -> Client:
    client = Client()
    client.force_login(viewer_bac_giang)
    return client


def post(client: Client, body: Any) -> Any:
    return client.post(TALLY, json.dumps(body), content_type="application/json")


def test_a_yes_no_tally_answers_exactly_the_documented_keys(client: Client) -> None:
    response = post(client, EXAMPLE)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == KEYS
    assert data["method"] == "yes_no"
    assert (data["ballots_cast"], data["valid"], data["invalid"], data["blank"]) == (6, 5, 0, 1)
    assert data["quorum_met"] is True  # 6 of 7 ≥ 0.6667
    assert len(data["results"]) == 3
    for row in data["results"]:
        assert set(row) == ROW_KEYS
        assert row["approvals"] is None and row["votes"] is None and row["points"] is None
    rows = {r["candidate"]: r for r in data["results"]}
    assert (rows["LS"]["yes"], rows["LS"]["no"], rows["LS"]["abstain"]) == (4, 1, 0)
    assert rows["LS"]["passed"] is True  # 4 of 7 eligible: more than half
    assert rows["LC"]["passed"] is False  # 2 of 7
    assert data["winners"] == ["LS"]
    assert data["ranking"][0] == "LS"
    assert data["ties"] == []
    assert isinstance(data["explanation"], str) and data["explanation"]


def test_a_schulze_tally_adds_the_pairwise_matrices(client: Client) -> None:
    response = post(
        client,
        {
            "method": "schulze",
            "candidates": ["A", "B", "C"],
            "seats": 1,
            "eligible_voters": 5,
            "ballots": [
                {"ranking": ["A", "B", "C"]},
                {"ranking": ["A", "C", "B"]},
                {"ranking": ["B", "C", "A"]},
                {"ranking": ["C", "A", "B"]},
                {"ranking": ["A", "B"]},
            ],
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == KEYS | {"pairwise", "strongest_paths"}
    assert data["pairwise"]["A"]["B"] == 4 and data["pairwise"]["B"]["A"] == 1
    assert set(data["strongest_paths"]) == {"A", "B", "C"}
    assert data["winners"] == ["A"]
    assert all(set(r) == ROW_KEYS for r in data["results"])


def test_malformed_ballots_are_counted_invalid(client: Client) -> None:
    response = post(
        client,
        {
            "method": "plurality",
            "candidates": ["A", "B"],
            "seats": 1,
            "eligible_voters": 6,
            "ballots": [
                {"choice": "A"},
                {"choice": "Z"},
                {"choices": {"A": "yes"}},
                "A",
                None,
                {"blank": True},
            ],
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["ballots_cast"], data["valid"], data["invalid"], data["blank"]) == (6, 1, 4, 1)
    assert data["winners"] == ["A"]


def request(**override: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "method": "approval",
        "candidates": ["A", "B"],
        "seats": 1,
        "eligible_voters": 3,
        "ballots": [{"approve": ["A"]}],
    }
    body.update(override)
    return body


MALFORMED = {
    "unknown method": request(method="dhondt"),
    "no candidates": request(candidates=[]),
    "seats 0": request(seats=0),
    "more seats than candidates": request(seats=3),
    "a candidate twice": request(candidates=["A", "A"]),
    "no eligible voters": request(eligible_voters=0),
    "more ballots than voters": request(eligible_voters=1, ballots=[{"blank": True}] * 2),
    "quorum above 1": request(quorum=1.5),
    "threshold for plurality": request(
        method="plurality", threshold={"basis": "cast", "ratio": 0.5, "strict": True}
    ),
    "ballots not a list": request(ballots={"approve": ["A"]}),
    "fewer_no for approval": request(tie_break="fewer_no"),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_is_a_422_with_a_message(client: Client, body: dict[str, Any]) -> None:
    response = post(client, body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.strip()


def test_a_missing_field_or_a_body_that_is_not_json_is_a_422(client: Client) -> None:
    body = request()
    del body["eligible_voters"]
    assert post(client, body).status_code == 422
    response = client.post(TALLY, "{not json", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_messages_are_in_vietnamese_by_default(client: Client) -> None:
    response = post(client, request(candidates=[]))
    assert response.json()["detail"] == VI_NO_CANDIDATE


def test_anonymous_callers_are_refused(db: Any) -> None:
    response = post(Client(), EXAMPLE)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_a_signed_in_user_without_a_role_is_refused(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)
    assert post(client, EXAMPLE).status_code == 403


def test_the_endpoint_is_documented_with_an_example(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"][TALLY]["post"]
    content = operation["requestBody"]["content"]["application/json"]
    assert content["example"] == EXAMPLE
    assert "422" in operation["responses"] and "200" in operation["responses"]
    assert "votes" in operation.get("tags", [])
