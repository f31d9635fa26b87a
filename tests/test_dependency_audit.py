"""The dependency audit run by `make lint`: it fails on a known vulnerability with a fix, and says
which packages it could not audit (tools/audit_dependencies.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tools import audit_dependencies as audit_mod


def pip_audit_report(*deps: dict[str, Any]) -> dict[str, Any]:
    return {"dependencies": list(deps), "fixes": []}


DJANGO_VULN: dict[str, Any] = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {
            "id": "PYSEC-2025-1",
            "fix_versions": ["5.2.2"],
            "aliases": ["CVE-2025-1"],
            "description": "SQL injection",
        }
    ],
}


def run(
    monkeypatch: pytest.MonkeyPatch,
    pip_report: dict[str, Any],
    projects: dict[str, dict[str, Any]] | None = None,
    npm: dict[str, Any] | None = None,
    argv: list[str] | None = None,
) -> int:
    monkeypatch.setattr(audit_mod, "run_pip_audit", lambda: pip_report)
    monkeypatch.setattr(audit_mod, "fetch_project_json", lambda name: (projects or {}).get(name))
    monkeypatch.setattr(audit_mod, "run_npm_audit", lambda: npm or {"vulnerabilities": {}})
    return audit_mod.main(argv or [])


def test_it_fails_on_a_vulnerability_with_a_fix_and_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(monkeypatch, pip_audit_report(DJANGO_VULN))
    out = capsys.readouterr().out
    assert status == 1
    assert "django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2" in out
    assert "FAILED" in out


def test_it_passes_a_vulnerability_with_no_fix_yet_but_lists_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unfixed = {**DJANGO_VULN, "vulns": [{**DJANGO_VULN["vulns"][0], "fix_versions": []}]}
    assert run(monkeypatch, pip_audit_report(unfixed)) == 0
    assert "PYSEC-2025-1 (no fix yet" in capsys.readouterr().out


def test_it_passes_clean_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = {"name": "openpyxl", "version": "3.1.5", "vulns": []}
    assert run(monkeypatch, pip_audit_report(clean)) == 0


def skipped(name: str, version: str) -> dict[str, Any]:
    return {
        "name": name,
        "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} ({version})",
    }


def test_a_skipped_package_at_its_latest_release_is_audited_from_the_project_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    projects = {
        "sqlparse": {
            "info": {"version": "0.4.3"},
            "releases": {},
            "vulnerabilities": [
                {"id": "GHSA-x", "fixed_in": ["0.4.4"], "aliases": [], "withdrawn": None},
                {"id": "GHSA-old", "fixed_in": ["0.4.4"], "withdrawn": "2024-01-01"},
            ],
        }
    }
    status = run(monkeypatch, pip_audit_report(skipped("sqlparse", "0.4.3")), projects)
    out = capsys.readouterr().out
    assert status == 1
    assert "sqlparse 0.4.3: GHSA-x (fixed in 0.4.4; from PyPI)" in out
    assert "GHSA-old" not in out


def test_an_older_skipped_release_is_reported_not_audited_with_its_series_newest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    projects = {
        "django": {
            "info": {"version": "6.1.3"},
            "releases": {
                "5.2.20": [{"yanked": False}],
                "5.2.21": [{"yanked": False}],
                "5.2.22": [{"yanked": True}],
                "6.0a1": [{"yanked": False}],
                "6.1.3": [{"yanked": False}],
            },
            "vulnerabilities": [{"id": "GHSA-latest", "fixed_in": ["6.1.4"]}],
        }
    }
    status = run(monkeypatch, pip_audit_report(skipped("django", "5.2.20")), projects)
    out = capsys.readouterr().out
    assert status == 0
    assert "not audited: django 5.2.20" in out
    assert "5.2.21 is a newer release of the same series" in out
    assert "GHSA-latest" not in out  # the latest release's data says nothing about 5.2.20
    assert (
        run(monkeypatch, pip_audit_report(skipped("django", "5.2.20")), projects, argv=["--strict"])
        == 1
    )


def test_a_package_pypi_cannot_answer_for_is_not_audited(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(name: str) -> dict[str, Any]:
        raise OSError("no route")

    monkeypatch.setattr(audit_mod, "run_pip_audit", lambda: pip_audit_report(skipped("x", "1")))
    monkeypatch.setattr(audit_mod, "fetch_project_json", broken)
    monkeypatch.setattr(audit_mod, "run_npm_audit", lambda: {"vulnerabilities": {}})
    assert audit_mod.main([]) == 0
    assert "not audited: x 1: PyPI did not answer (no route)" in capsys.readouterr().out


def test_the_project_itself_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    editable = {"name": "thidua", "skip_reason": "distribution marked as editable"}
    assert run(monkeypatch, pip_audit_report(editable), argv=["--strict", "--no-npm"]) == 0


def test_front_end_vulnerabilities_with_a_fix_fail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    npm = {
        "vulnerabilities": {
            "htmx.org": {
                "severity": "high",
                "range": "<2.0.4",
                "via": [{"url": "https://github.com/advisories/GHSA-h", "title": "XSS"}],
                "fixAvailable": {"name": "htmx.org", "version": "2.0.4"},
            }
        }
    }
    assert run(monkeypatch, pip_audit_report(), npm=npm) == 1
    assert "htmx.org <2.0.4: https://github.com/advisories/GHSA-h (fixed in htmx.org@2.0.4" in (
        capsys.readouterr().out
    )


def test_an_unreachable_npm_audit_service_is_reported_not_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    npm = {"message": "405 Method Not Allowed", "error": {"summary": "", "detail": ""}}
    assert run(monkeypatch, pip_audit_report(), npm=npm) == 0
    assert "not audited: all packages the registry's audit service: 405" in capsys.readouterr().out
    assert run(monkeypatch, pip_audit_report(), npm=npm, argv=["--strict"]) == 1
