"""Dependency audit, run by `make lint` (so by CI): fails on a known vulnerability with a fix.

Run from the project root: `.venv/bin/python -m tools.audit_dependencies [--strict] [--no-npm]`.

1. Python packages: pip-audit over the virtual environment (every installed distribution but the
   project itself), asking PyPI's vulnerability data for each installed version.
2. Where pip-audit could not audit a package (a PyPI mirror that serves each project's JSON but not
   each release's, as on the machines this project is built on), the project's JSON is asked
   instead: it lists the vulnerabilities of the latest release, so it answers for an installed
   version that is the latest. An older installed version is then reported as not audited.
3. Front-end packages: `npm audit --omit=dev` (what is served to browsers), when the registry answers.

Exit status: 1 when a vulnerability has a fixed version to move to (the fix is named), 0 otherwise.
A vulnerability with no fix yet, and every package that could not be audited, is listed;
`--strict` also fails when some package could not be audited.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYPI_PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_S = 20


@dataclass(frozen=True)
class Vulnerability:
    package: str
    version: str
    id: str
    fixed_in: tuple[str, ...]
    source: str
    aliases: tuple[str, ...] = ()

    @property
    def fixable(self) -> bool:
        return bool(self.fixed_in)


@dataclass
class Audit:
    ecosystem: str
    audited: list[str] = field(default_factory=list)
    vulnerabilities: list[Vulnerability] = field(default_factory=list)
    not_audited: dict[str, str] = field(default_factory=dict)  # package → why

    @property
    def fixable(self) -> list[Vulnerability]:
        return [v for v in self.vulnerabilities if v.fixable]


def parse_pip_audit(report: dict[str, Any]) -> tuple[Audit, dict[str, str]]:
    """pip-audit's JSON report → the audit so far, and the skipped packages (name → version)."""
    audit = Audit("python")
    skipped: dict[str, str] = {}
    for dep in report.get("dependencies", []):
        name = dep["name"]
        if "skip_reason" in dep:
            if "editable" in dep["skip_reason"]:
                continue  # the project itself
            version = dep.get("version") or _version_in(dep["skip_reason"])
            if version:
                skipped[name] = version
            else:
                audit.not_audited[name] = dep["skip_reason"]
            continue
        audit.audited.append(name)
        for vuln in dep.get("vulns", []):
            audit.vulnerabilities.append(
                Vulnerability(
                    package=name,
                    version=dep["version"],
                    id=vuln["id"],
                    fixed_in=tuple(vuln.get("fix_versions") or ()),
                    aliases=tuple(vuln.get("aliases") or ()),
                    source="pip-audit",
                )
            )
    return audit, skipped


def _version_in(reason: str) -> str:
    """pip-audit's skip reason ends with "name (1.2.3)"."""
    if reason.endswith(")") and "(" in reason:
        return reason.rsplit("(", 1)[1].rstrip(")")
    return ""


def audit_from_project_json(
    audit: Audit, skipped: dict[str, str], fetch: Callable[[str], dict[str, Any] | None]
) -> None:
    """Audit each skipped package whose installed version is its latest from the project's JSON."""

    def one(item: tuple[str, str]) -> tuple[str, str, dict[str, Any] | None]:
        name, version = item
        try:
            return name, version, fetch(name)
        except Exception as exc:  # network or JSON trouble: that package is not audited
            return name, version, {"error": str(exc)}

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, sorted(skipped.items())))
    for name, version, data in answers:
        if not data or "error" in data:
            why = (data or {}).get("error", "no answer")
            audit.not_audited[name] = f"{version}: PyPI did not answer ({why})"
            continue
        latest = str(data.get("info", {}).get("version", ""))
        if latest != version:
            newer = newer_in_series(version, data.get("releases") or {})
            audit.not_audited[name] = (
                f"{version}: no vulnerability data for this release here (latest is {latest}"
                + (f"; {newer} is a newer release of the same series" if newer else "")
                + ")"
            )
            continue
        audit.audited.append(name)
        for vuln in data.get("vulnerabilities") or []:
            if vuln.get("withdrawn"):
                continue
            audit.vulnerabilities.append(
                Vulnerability(
                    package=name,
                    version=version,
                    id=str(vuln.get("id", "?")),
                    fixed_in=tuple(vuln.get("fixed_in") or ()),
                    aliases=tuple(vuln.get("aliases") or ()),
                    source="PyPI",
                )
            )


def newer_in_series(version: str, releases: dict[str, Any]) -> str:
    """The newest release of `version`'s major.minor series above it (an LTS's security release),
    or "" when `version` is the newest of its series."""
    from packaging.version import InvalidVersion, Version

    try:
        mine = Version(version)
    except InvalidVersion:
        return ""
    best = mine
    for text, files in releases.items():
        try:
            other = Version(text)
        except InvalidVersion:
            continue
        if other.release[:2] == mine.release[:2] and not other.is_prerelease and other > best:
            if files and all(f.get("yanked") for f in files):
                continue
            best = other
    return "" if best == mine else str(best)


def parse_npm_audit(report: dict[str, Any]) -> Audit:
    """`npm audit --json` (v7+ format) → the audit."""
    audit = Audit("npm")
    if "error" in report:
        error = report["error"]
        summary = error.get("summary") if isinstance(error, dict) else error
        why = summary or report.get("message") or "npm audit failed"
        audit.not_audited["all packages"] = f"the registry's audit service: {why}"
        return audit
    for name, entry in (report.get("vulnerabilities") or {}).items():
        fix = entry.get("fixAvailable")
        fixed_in: tuple[str, ...] = ()
        if isinstance(fix, dict):
            fixed_in = (f"{fix.get('name', name)}@{fix.get('version', '?')}",)
        elif fix:
            fixed_in = ("npm audit fix",)
        ids = [v.get("url") or v.get("title") for v in entry.get("via", []) if isinstance(v, dict)]
        audit.vulnerabilities.append(
            Vulnerability(
                package=name,
                version=str(entry.get("range", "")),
                id=", ".join(i for i in ids if i) or entry.get("severity", "?"),
                fixed_in=fixed_in,
                source="npm",
            )
        )
    audit.audited.append("*")
    return audit


def fetch_project_json(name: str) -> dict[str, Any] | None:
    url = PYPI_PROJECT_JSON.format(name=name)
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 (fixed https URL)
        return json.load(response)


def run_pip_audit() -> dict[str, Any]:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [
        str(pip_audit),
        "--format",
        "json",
        "--skip-editable",
        "--progress-spinner",
        "off",
    ]
    done = subprocess.run(  # noqa: S603 (our own venv's pip-audit, fixed arguments)
        command, capture_output=True, text=True, timeout=600, cwd=ROOT, check=False
    )
    # pip-audit exits 1 when it finds vulnerabilities; the JSON is on stdout either way.
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        message = f"pip-audit failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
        raise SystemExit(message) from exc


def run_npm_audit() -> dict[str, Any]:
    npm = shutil.which("npm")
    if not npm or not (ROOT / "package-lock.json").exists():
        return {"error": "npm or package-lock.json missing"}
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [npm, "audit", "--omit=dev", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    try:
        return json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        return {"error": done.stderr.strip()[-500:] or "no JSON from npm audit"}


def report(audits: Iterable[Audit], strict: bool) -> int:
    status = 0
    for audit in audits:
        fixable = audit.fixable
        print(
            f"[audit] {audit.ecosystem}: {len(audit.audited)} audited, "
            f"{len(audit.vulnerabilities)} known vulnerabilities ({len(fixable)} with a fix), "
            f"{len(audit.not_audited)} not audited"
        )
        for v in audit.vulnerabilities:
            fix = f"fixed in {', '.join(v.fixed_in)}" if v.fixable else "no fix yet"
            print(f"[audit]   {v.package} {v.version}: {v.id} ({fix}; from {v.source})")
        for name, why in sorted(audit.not_audited.items()):
            print(f"[audit]   not audited: {name} {why}")
        if fixable:
            status = 1
        if strict and audit.not_audited:
            status = 1
    print("[audit] FAILED: upgrade the packages above" if status else "[audit] passed")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="fail when a package is not audited")
    parser.add_argument("--no-npm", action="store_true", help="skip the front-end packages")
    args = parser.parse_args(argv)
    python, skipped = parse_pip_audit(run_pip_audit())
    audit_from_project_json(python, skipped, fetch_project_json)
    audits = [python]
    if not args.no_npm:
        audits.append(parse_npm_audit(run_npm_audit()))
    return report(audits, args.strict)


if __name__ == "__main__":
    sys.exit(main())
