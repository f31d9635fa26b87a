"""`POST /api/v1/votes/tally`: the polls' tally, stateless, on ballots sent as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema, Status

from core import permissions
from core.api import InvalidOut, errors
from votes import rules

router = Router(tags=["votes"])

EXAMPLE = {
    "method": "yes_no",
    "candidates": ["LS", "LC", "SL"],
    "seats": 1,
    "eligible_voters": 7,
    "quorum": 0.6667,
    "threshold": {"basis": "eligible", "ratio": 0.5, "strict": True},
    "tie_break": "none",
    "ballots": [
        {"choices": {"LS": "yes", "LC": "no", "SL": "abstain"}},
        {"choices": {"LS": "yes", "LC": "yes", "SL": "no"}},
        {"choices": {"LS": "yes", "LC": "no", "SL": "no"}},
        {"choices": {"LS": "yes", "LC": "abstain", "SL": "no"}},
        {"choices": {"LS": "no", "LC": "yes", "SL": "yes"}},
        {"blank": True},
    ],
}


class TallyIn(Schema):
    method: str = Field(description="yes_no, approval, plurality, borda or schulze")
    candidates: list[Any] = Field(description="candidate ids (strings), in the declared order")
    seats: Any = Field(1, description="seats to fill, at least 1")
    eligible_voters: Any = Field(description="number of eligible voters, at least 1")
    quorum: Any = Field(None, description="share of eligible voters who must vote (optional)")
    threshold: Any = Field(
        None, description="yes_no and approval only: {basis, ratio, strict} (optional)"
    )
    tie_break: Any = Field(
        "none",
        description="none; order (the candidates' declared order); fewer_no (yes_no only)",
    )
    ballots: Any = Field(
        description=(
            "yes_no {choices: {id: yes|no|abstain}}; approval {approve: [id]}; plurality "
            "{choice: id}; borda and schulze {ranking: [id, …]} best first; any ballot may be "
            "{blank: true}. A malformed ballot is counted invalid, not refused."
        )
    )


class ResultOut(Schema):
    candidate: str
    rank: int
    score: int
    yes: int | None
    no: int | None
    abstain: int | None
    approvals: int | None
    votes: int | None
    points: int | None
    passed: bool | None
    elected: bool


class TallyOut(Schema):
    method: str
    ballots_cast: int
    valid: int
    invalid: int
    blank: int
    quorum_met: bool
    results: list[ResultOut]
    ranking: list[str]
    winners: list[str]
    ties: list[list[str]]
    explanation: str
    pairwise: dict[str, dict[str, int]] | None = Field(
        None, description="schulze only: ballots preferring the row over the column"
    )
    strongest_paths: dict[str, dict[str, int]] | None = Field(
        None, description="schulze only: strength of the strongest path"
    )


class TallyError(Schema):
    detail: str


@router.post(
    "/votes/tally",
    response={200: TallyOut, 422: TallyError | InvalidOut, **errors(401, 403)},
    summary="Tally ballots with the polls' rules (stateless)",
    openapi_extra={"requestBody": {"content": {"application/json": {"example": EXAMPLE}}}},
)
def tally(request: HttpRequest, body: TallyIn) -> Any:
    """Counts the ballots exactly as a poll does: yes/no per candidate, approval for N seats,
    plurality, Borda count or Schulze, with the optional quorum, threshold and tie-break. Invalid
    ballots are counted as invalid; a request malformed as a whole answers 422."""
    permissions.require(request.user, "cluster.view")
    payload = body.model_dump(mode="python")
    if payload.get("threshold") is None:
        payload.pop("threshold", None)
    if payload.get("quorum") is None:
        payload.pop("quorum", None)
    try:
        result = rules.tally(payload)
    except rules.TallyError as exc:
        return Status(422, {"detail": str(exc)})
    return JsonResponse(result)
