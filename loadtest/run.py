"""The year-end load test (`make loadtest`): 370 people for 5 minutes against the production layout,
on the 1,000,000-person synthetic register in PostgreSQL.

1. The register: bench.register's kept database (`thidua_bench_register`); generated first if it is
   not there (about 6 minutes, then kept for the next runs).
2. This run's year-end data (loadtest.data): clusters, sheets, reports, polls, users.
3. The stack (loadtest.stack): nginx in front of two gunicorn servers (2 workers each) and a task
   worker, on 127.0.0.1 only.
4. locust, headless: 300 focal points, 50 officers, 20 delegates (loadtest/locustfile.py).
5. The checks: every save, submission, report and ballot the clients were told succeeded is stored
   exactly once; what was sent without an acknowledgement is stored wholly or not at all; each
   poll's ballots equal its votes cast.

Printed and written to var/loadtest/report.json: throughput, p50/p95/p99 per route, errors by
status, the checks, and the goals (zero 5xx, p95 < 500 ms for pages and < 200 ms for saves).
Options: --duration (seconds, default 300), --scale (people, default 1.0), --port.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "loadtest"
SAVES = {"save criterion", "submit sheet", "submit report", "ballot fill", "ballot cast"}
GOALS = {"page_p95_ms": 500, "save_p95_ms": 200, "server_errors": 0, "lost_or_doubled": 0}
SPAWN_RATE = 5  # people signing in per second until all 370 are there
RAMP_S = 90  # 370 sign-ins at 5 a second take about 75 s
PEOPLE = {"FocalPoint": 300, "Officer": 50, "Delegate": 20}


def log(message: str) -> None:
    print(f"[loadtest] {message}", flush=True)


def register_database() -> str:
    """The synthetic register's database URL, generating the register when it is missing."""
    from bench.register import database_urls, kept_database_exists

    admin, url = database_urls()
    if not kept_database_exists(admin):
        log("no synthetic register yet: generating it (python -m bench.register --keep)")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.register",
                "--reuse",
                "--steps",
                "dashboard",
                "--runs",
                "1",
            ],
            cwd=ROOT,
            check=True,
        )
    return url.replace("postgresql://", "postgres://", 1)


def run_locust(url: str, work: Path, manifest: Path, users: int, duration: int) -> int:
    env = {
        **os.environ,
        "LOADTEST_PEOPLE": str(users),
        "LOADTEST_MANIFEST": str(manifest),
        "LOADTEST_ACKS": str(work / "acks.jsonl"),
        "LOADTEST_STATUS": str(work / "status.json"),
    }
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{duration + RAMP_S}s",
        "--stop-timeout",
        "30",
        "--host",
        url,
        "--csv",
        str(work / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log(f"locust: {users} people for {duration} s against {url} (its output: {work}/locust.log)")
    with open(work / "locust.log", "wb") as out:
        return subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode


def kind_of(route: str) -> str:
    """A route's goal: saves (< 200 ms), pages (< 500 ms); signing in (a deliberately slow
    password hash, once a session) and the total have none."""
    if route == "Aggregated":
        return "all"
    if route == "sign in":
        return "login"
    return "save" if route in SAVES else "page"


def routes(work: Path, duration: int) -> list[dict[str, Any]]:
    """Per-route figures from locust's statistics (Aggregated last)."""
    rows = []
    with open(work / "locust_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["Request Count"]) == 0:
                continue  # only before the figures started again (the sign-ins)
            rows.append(
                {
                    "route": row["Name"],
                    "method": row["Type"],
                    "kind": kind_of(row["Name"]),
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "per_s": round(float(row["Requests/s"]), 2),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "max_ms": round(float(row["Max Response Time"] or 0)),
                }
            )
    return rows


def check_writes(work: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Compare what the clients were told with what the database holds."""
    from django.db.models import Count

    from core.models import AuditEvent
    from scoring.models import Mark, Sheet, SheetStatus
    from votes.models import Ballot, VoteCast

    acks = [json.loads(line) for line in (work / "acks.jsonl").read_text().splitlines() if line]
    problems: list[str] = []
    counts: Counter[str] = Counter()
    for a in acks:
        counts[f"{a['kind']} {'acknowledged' if a['acked'] else 'not acknowledged'}"] += 1

    marks = [a for a in acks if a["kind"] == "mark"]
    stored = Counter(
        Mark.objects.filter(note__in=[a["note"] for a in marks]).values_list("note", flat=True)
    )
    for a in marks:
        n = stored.get(a["note"], 0)
        if a["acked"] and n != 1:
            problems.append(f"save {a['note']} of {a['user']} acknowledged, stored {n} times")
        if not a["acked"] and n > 1:
            problems.append(f"save {a['note']} of {a['user']} not acknowledged, stored {n} times")

    org_of = {fp["username"]: fp["org"] for fp in manifest.get("focal_points", [])}
    this_run = {"table__cluster_year__cluster__code__startswith": f"LT{manifest['tag']}-"}
    for a in (a for a in acks if a["kind"] == "submit" and a["acked"]):
        sheet = Sheet.objects.filter(org_id=org_of.get(a["user"], 0), **this_run).first()
        if sheet is None or sheet.status != SheetStatus.SUBMITTED:
            status = sheet.status if sheet else "missing"
            problems.append(f"the sheet of {a['user']}: submission acknowledged, status {status}")

    reports = defaultdict(list)
    for a in (a for a in acks if a["kind"] == "report"):
        reports[a["org"]].append(a)
    from clusters.models import Submission

    for org, sent in reports.items():
        sub = Submission.objects.filter(org_id=org, period__cluster_year__year=manifest["year"])
        sub = sub.filter(period__cluster_year__cluster__code__startswith=f"LT{manifest['tag']}-")
        submission = sub.first()
        acked = [a for a in sent if a["acked"]]
        events = (
            AuditEvent.objects.filter(
                action="clusters.report.submitted", object_id=str(submission.pk)
            ).count()
            if submission
            else 0
        )
        if acked and (submission is None or submission.summary != acked[-1]["summary"]):
            problems.append(f"unit {org}: the last acknowledged report is not the one stored")
        if not len(acked) <= events <= len(sent):
            problems.append(f"unit {org}: {len(acked)} reports acknowledged, {events} stored")

    ballots = [a for a in acks if a["kind"] == "ballot"]
    receipts = Counter(
        Ballot.objects.filter(
            receipt__in=[a["receipt"] for a in ballots if a.get("receipt")]
        ).values_list("receipt", flat=True)
    )
    for a in ballots:
        if a["acked"] and receipts.get(a["receipt"], 0) != 1:
            problems.append(
                f"ballot {a['receipt']} acknowledged, stored {receipts.get(a['receipt'], 0)} times"
            )
    poll_ids = [p["id"] for p in manifest["polls"]]
    cast = dict(
        VoteCast.objects.filter(poll_id__in=poll_ids)
        .values_list("poll_id")
        .annotate(n=Count("id"))
        .values_list("poll_id", "n")
    )
    stored_ballots = dict(
        Ballot.objects.filter(poll_id__in=poll_ids)
        .values_list("poll_id")
        .annotate(n=Count("id"))
        .values_list("poll_id", "n")
    )
    acked_by_poll = Counter(a["poll"] for a in ballots if a["acked"])
    sent_by_poll = Counter(a["poll"] for a in ballots)
    for pid in poll_ids:
        c, b = cast.get(pid, 0), stored_ballots.get(pid, 0)
        if c != b:
            problems.append(f"poll {pid}: {c} votes cast but {b} ballots")
        if not acked_by_poll[pid] <= b <= sent_by_poll[pid]:
            problems.append(
                f"poll {pid}: {acked_by_poll[pid]} receipts given, {b} ballots stored, "
                f"{sent_by_poll[pid]} sent"
            )
    return {
        "writes": dict(sorted(counts.items())),
        "problems": problems,
        "lost_or_doubled": len(problems),
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def healthz(url: str) -> str:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as r:  # noqa: S310 (loopback)
            return str(r.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except OSError as exc:
        return f"no answer ({exc})"


def table(rows: list[dict[str, Any]]) -> str:
    head = f"{'route':<22} {'kind':<5} {'requests':>8} {'fail':>5} {'/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['route']:<22} {r['kind']:<5} {r['requests']:>8} {r['failures']:>5} "
            f"{r['per_s']:>6} {r['p50_ms']:>6.0f} {r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f} {r['max_ms']:>6}"
        )
    return "\n".join(lines)


def start_run(args: Any, database_url: str, build: Any) -> tuple[Path, dict[str, Any]]:
    """This run's data, then the stack and locust; what happened is kept in the run's run.json."""
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)  # a register kept from an earlier release
    tag = time.strftime("%m%d%H%M")
    work = OUT / f"run-{tag}"
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    manifest = build(tag)
    for pool, count in (("focal_points", 300), ("officers", 50), ("delegates", 20)):
        manifest[pool] = manifest[pool][: max(1, round(count * args.scale))]
    users = sum(len(manifest[p]) for p in ("focal_points", "officers", "delegates"))
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    log(f"run {tag}: data ready in {time.perf_counter() - t0:.0f} s")
    connections.close_all()
    from loadtest.stack import Stack

    started = dt.datetime.now()
    with Stack(database_url, work / "stack", port=args.port) as stack:
        load_before = os.getloadavg()
        code = run_locust(stack.url, work, work / "manifest.json", users, args.duration)
        load_after = os.getloadavg()
        health = healthz(stack.url)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "load_before": load_before,
        "load_after": load_after,
        "locust_exit": code,
        "healthz_after": health,
    }
    (work / "run.json").write_text(json.dumps(meta))
    return work, manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=300)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 370 people")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--check",
        type=Path,
        help="only check and report an earlier run (its var/loadtest/run-… dir)",
    )
    args = parser.parse_args(argv)

    database_url = register_database()
    from loadtest.data import build, setup_django

    setup_django(database_url)
    if args.check:
        work = args.check
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    else:
        work, manifest = start_run(args, database_url, build)
    meta = json.loads((work / "run.json").read_text()) if (work / "run.json").exists() else {}
    load_before = meta.get("load_before", [0.0, 0.0, 0.0])
    load_after = meta.get("load_after", [0.0, 0.0, 0.0])
    code, health = meta.get("locust_exit", -1), meta.get("healthz_after", "?")
    started = dt.datetime.fromisoformat(meta.get("started", dt.datetime.now().isoformat()))
    stats = routes(work, args.duration)
    answers = json.loads((work / "status.json").read_text())
    status, sign_ins = answers["status"], answers["sign_in_ms"]
    by_code: Counter[int] = Counter()
    for _name, code_, n in status:
        by_code[code_] += n
    server_errors = sum(n for c, n in by_code.items() if c >= 500 or c == 0)
    checks = check_writes(work, manifest)
    pages = [r for r in stats if r["kind"] == "page"]
    saves = [r for r in stats if r["kind"] == "save"]
    result = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
        },
        "layout": "nginx → 2 gunicorn servers × 2 sync workers, 1 task worker, PostgreSQL",
        "people": {
            p: len(manifest[k])
            for p, k in zip(PEOPLE, ("focal_points", "officers", "delegates"), strict=True)
        },
        "duration_s": args.duration,
        "routes": stats,
        "status_codes": {str(k): v for k, v in sorted(by_code.items())},
        "sign_in_during_ramp": {
            "count": len(sign_ins),
            "spawn_rate_per_s": SPAWN_RATE,
            "p50_ms": round(percentile(sign_ins, 50)),
            "p95_ms": round(percentile(sign_ins, 95)),
        },
        "server_errors": server_errors,
        "checks": checks,
        "healthz_after": health,
        "locust_exit": code,
        "goals": GOALS,
    }
    worst_page = max((r["p95_ms"] for r in pages), default=0)
    worst_save = max((r["p95_ms"] for r in saves), default=0)
    result["verdict"] = {
        "server_errors": server_errors == GOALS["server_errors"],
        "lost_or_doubled": checks["lost_or_doubled"] == 0,
        "page_p95": worst_page < GOALS["page_p95_ms"],
        "save_p95": worst_save < GOALS["save_p95_ms"],
    }
    (OUT / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    (work / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(table(stats))
    log(f"status codes: {result['status_codes']}; 5xx or no answer: {server_errors}")
    log(f"writes: {checks['writes']}")
    ramp = result["sign_in_during_ramp"]
    log(
        f"ramp: {ramp['count']} sign-ins at {SPAWN_RATE}/s, p50 {ramp['p50_ms']} ms, "
        f"p95 {ramp['p95_ms']} ms (not in the figures above)"
    )
    for p in checks["problems"][:20]:
        log(f"PROBLEM: {p}")
    log(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; healthz after: {health}"
    )
    log(f"verdict: {result['verdict']} (report: {OUT / 'report.json'})")
    return 0 if all(result["verdict"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
