"""The REST API's contract: GET /api/v1/openapi.json must match the committed snapshot.

A deliberate API change is recorded with `UPDATE_SNAPSHOTS=1 pytest tests/test_openapi_snapshot.py`,
and the diff of tests/snapshots/openapi.json is reviewed with the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.test import Client

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"


def dump(schema: Any) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def fetch_schema() -> Any:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_it_matches_the_committed_openapi_snapshot(db: Any) -> None:
    current = dump(fetch_schema())
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")

    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1 and commit it"
    assert current == SNAPSHOT.read_text(encoding="utf-8"), (
        "the API changed; if on purpose, run with UPDATE_SNAPSHOTS=1 and review the diff"
    )


def test_it_documents_every_endpoint_behind_authentication(db: Any) -> None:
    schema = fetch_schema()

    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    assert operations == {
        ("GET", "/api/v1/orgs"),
        ("GET", "/api/v1/orgs/{org_id}"),
        ("GET", "/api/v1/orgs/{org_id}/lineage"),
        ("GET", "/api/v1/people"),
        ("GET", "/api/v1/people/{person_id}"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/{token_id}"),
        ("GET", "/api/v1/clusters"),
        ("GET", "/api/v1/clusters/{cluster_id}"),
        ("GET", "/api/v1/clusters/{cluster_id}/years/{year}"),
        ("GET", "/api/v1/clusters/{cluster_id}/years/{year}/covenant"),
        ("GET", "/api/v1/clusters/{cluster_id}/years/{year}/reports"),
        ("GET", "/api/v1/clusters/{cluster_id}/years/{year}/indicators"),
        ("PUT", "/api/v1/registrations/{registration_id}"),
        ("POST", "/api/v1/registrations/{registration_id}/register"),
        ("POST", "/api/v1/registrations/{registration_id}/accept"),
        ("POST", "/api/v1/registrations/{registration_id}/return"),
        ("POST", "/api/v1/periods/{period_id}/submissions"),
        ("GET", "/api/v1/movements"),
        ("GET", "/api/v1/movements/{movement_id}"),
        ("POST", "/api/v1/movements"),
        ("POST", "/api/v1/scoring/preview"),
        ("POST", "/api/v1/votes/tally"),
        ("POST", "/api/v1/eligibility/evaluate"),
        ("GET", "/api/v1/people/{person_id}/eligibility"),
        ("GET", "/api/v1/people/{person_id}/records"),
        ("GET", "/api/v1/register/records"),
        ("GET", "/api/v1/register/catalogue"),
        ("GET", "/api/v1/scoring/sheets/{sheet_id}"),
        ("POST", "/api/v1/scoring/sheets/{sheet_id}/self"),
        ("POST", "/api/v1/scoring/sheets/{sheet_id}/submit"),
        ("GET", "/api/v1/dossiers"),
        ("GET", "/api/v1/dossiers/{dossier_id}"),
        ("GET", "/api/v1/dossiers/{dossier_id}/checks"),
        ("POST", "/api/v1/dossiers/{dossier_id}/transitions"),
        ("GET", "/api/v1/public/dossiers"),
    }
    public = {("get", "/api/v1/public/dossiers")}  # the candidates posted for public comment
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if (method, path) in public:
                assert "security" not in operation, (method, path)
                continue
            assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], (method, path)


def test_it_never_documents_an_id_number_in_a_list(db: Any) -> None:
    schemas = fetch_schema()["components"]["schemas"]

    assert "id_number" not in schemas["PersonOut"]["properties"]
    assert "id_number" in schemas["PersonDetailOut"]["properties"]
    assert "token" not in schemas["TokenOut"]["properties"]
    assert "key_hash" not in json.dumps(schemas)
    # The public list of candidates posted for comment: nothing personal beyond the name.
    assert set(schemas["PublicDossierOut"]["properties"]) == {
        "reference",
        "title",
        "receiver_name",
        "award_name",
        "comment_closes",
        "candidates",
    }
    assert set(schemas["PublicCandidateOut"]["properties"]) == {
        "name",
        "unit_name",
        "public_summary",
    }
