"""Benchmark of the commendation register at national scale (issue 6), on PostgreSQL.

Run from the project root: `.venv/bin/python -m bench.register` (part of `make bench`). It creates a
throwaway PostgreSQL database `thidua_bench_register` on the server of DATABASE_URL (or, without one,
the local server as the current user), fills it with `manage.py gen_synthetic`'s register
(1,000,000 people × 10 years by default, about 20 million rows), measures, and drops it:

  1. the full eligibility sweep of every target for every person and unit (register.sweep.run),
  2. one person's evaluation with its explanation through the API
     (GET /api/v1/people/{id}/eligibility?target=…&year=…), random people and targets,
  3. the eligible-list page of a province (GET /register/eligible/?target=…&year=…&unit_code=…),
  4. the import of a 100,000-row decision list from Excel (validate, match, write).

Figures (medians, p95, machine, load) are printed and written to var/bench/register.json.
Options: --persons, --years, --runs, --import-rows, --keep.
"""

# ruff: noqa: S311  (seeded pseudo-random choices, nothing secret)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.run import (
    BASE_DIR,
    BENCH_DIR,
    PASSWORD,
    load_average,
    log,
    p95,
    pg_execute,
    table,
)

DB_NAME = "thidua_bench_register"
RESULTS = BENCH_DIR / "register.json"
GOALS = {
    "sweep_s": 60.0,
    "api_p95_ms": 30.0,
    "page_p95_ms": 300.0,
    "import_s": 60.0,
}


def database_urls() -> tuple[str, str]:
    """(admin conninfo, bench database URL) on the PostgreSQL server of DATABASE_URL or the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        url = "postgresql://localhost/postgres"
    parts = urlsplit(url)
    caller = parts.path.lstrip("/")
    admin_db = "postgres" if caller in ("", DB_NAME) else caller
    libpq = parts._replace(scheme="postgresql")
    return (
        urlunsplit(libpq._replace(path=f"/{admin_db}")),
        urlunsplit(parts._replace(path=f"/{DB_NAME}")),
    )


def prepare(admin: str, bench_url: str) -> None:
    pg_execute(
        admin,
        f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)",
        f"CREATE DATABASE {DB_NAME} ENCODING 'UTF8' TEMPLATE template0",
    )
    os.environ["DATABASE_URL"] = bench_url
    os.environ["THIDUA_VAR_DIR"] = str(BENCH_DIR)
    os.environ["THIDUA_TESTING"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"


def timed_ms(fn: Any, runs: int) -> dict[str, Any]:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95(samples), 2),
        "max_ms": round(max(samples), 2),
    }


def bench_sweep(year: int, runs: int) -> dict[str, Any]:
    from register import sweep

    seconds = []
    last = None
    for _ in range(runs):
        last = sweep.run(year)
        seconds.append(last.seconds)
        log(f"sweep {year}: {last.seconds:.1f} s ({last.persons:,} people eligible for something)")
    assert last is not None
    return {
        "runs": runs,
        "median_s": round(statistics.median(seconds), 2),
        "max_s": round(max(seconds), 2),
        "persons_with_eligibility": last.persons,
        "units_with_eligibility": last.units,
        "goal_s": GOALS["sweep_s"],
    }


def make_officer(province_code: str) -> Any:
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from orgs.models import Org

    user = user_create(actor=None, username=f"bench.canbo.{province_code}", password=PASSWORD)
    membership_grant(
        actor=None, user=user, role=Role.OFFICER, org=Org.objects.get(code=province_code)
    )
    return user


def bench_api(officer: Any, province_path: str, year: int, runs: int) -> dict[str, Any]:
    from django.test import Client

    from people.models import Person
    from register import rules

    ids = list(
        Person.objects.filter(unit__path__startswith=province_path)
        .order_by("?")
        .values_list("pk", flat=True)[: runs + 1]
    )
    rng = random.Random(6)
    client = Client()
    client.force_login(officer)
    targets = [t for t, s in rules.TARGETS.items() if s == "individual"]
    state = {"i": 0}
    statuses: list[int] = []

    def one() -> None:
        pid = ids[state["i"] % len(ids)]
        state["i"] += 1
        r = client.get(
            f"/api/v1/people/{pid}/eligibility", {"target": rng.choice(targets), "year": str(year)}
        )
        statuses.append(r.status_code)

    out = timed_ms(one, runs)
    out["statuses"] = sorted(set(statuses))
    out["goal_p95_ms"] = GOALS["api_p95_ms"]
    return out


def bench_page(officer: Any, province_code: str, year: int, runs: int) -> list[dict[str, Any]]:
    from django.test import Client

    client = Client()
    client.force_login(officer)
    out = []
    for target in ("CSTD_CS", "CSTD_BO", "LDTT"):
        url = f"/register/eligible/?target={target}&year={year}&unit_code={province_code}"
        sizes: list[int] = []

        def one(url: str = url, sizes: list[int] = sizes) -> None:
            r = client.get(url)
            assert r.status_code == 200, r.status_code
            sizes.append(len(r.content))

        row = timed_ms(one, runs)
        row["url"] = url
        row["kb"] = round(sizes[-1] / 1024)
        row["goal_p95_ms"] = GOALS["page_p95_ms"]
        out.append(row)
    return out


def decision_workbook(people: list[tuple[str, int | None, str, str]], year: int) -> bytes:
    """A decision's recipient list as officers send it: Vietnamese headers, one person per row."""
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Năm sinh",
            "Giới tính",
            "Mã đơn vị",
            "Chức vụ",
            "Tập thể (mã đơn vị)",
            "Mã danh hiệu/hình thức",
            "Năm thành tích",
            "Số tiền",
            "Ghi chú",
        ]
    )
    for n, (name, birth, gender, unit) in enumerate(people, start=1):
        ws.append(
            [n, name, birth, "Nữ" if gender == "F" else "Nam", unit, "", "", "GK", year, None, ""]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bench_import(rows: int, year: int) -> dict[str, Any]:
    """Import a `rows`-row decision list (Giấy khen of the Central Council for registered people
    across the provinces, as a national decision lists them): upload, check every row, match every
    person, write the records; one run, end to end, by a system administrator."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from orgs.models import Org
    from people.models import Person
    from register import importing, services

    admin = user_create(actor=None, username="bench.quantri", password=PASSWORD)
    membership_grant(actor=None, user=admin, role=Role.ADMIN, org=None)
    issuer = Org.objects.get(code="TW-HDTDKT")
    # People a list can tell apart: one row per name, birth year and unit (namesakes born the same
    # year in the same unit would be the same line of the file, which the import refuses).
    seen: set[tuple[Any, ...]] = set()
    people: list[tuple[str, int | None, str, str]] = []
    sample = Person.objects.order_by("?").values_list(
        "full_name", "birth_year", "gender", "unit__code"
    )[: rows + rows // 5]
    for name, birth, gender, unit in sample:
        key = (name, birth, unit)
        if key not in seen and len(people) < rows:
            seen.add(key)
            people.append((name, birth, gender, unit))
    content = decision_workbook(people, year)
    decision = services.decision_create(
        actor=admin,
        number="9999/QĐ-BENCH",
        date=dt.date(year + 1, 1, 20),
        issuer=issuer,
        summary="Benchmark",
    )
    upload = SimpleUploadedFile("danh-sach.xlsx", content)
    start = time.perf_counter()
    job = importing.import_create(actor=admin, decision=decision, upload=upload)
    created = time.perf_counter() - start
    job = importing.run_import_sync(job, resolve_new=True)
    seconds = time.perf_counter() - start
    log(f"import of {len(people):,} rows: {seconds:.1f} s, status {job.status}")
    if job.errors:
        log(f"first problems: {job.errors[:5]}")
    return {
        "rows": len(people),
        "seconds": round(seconds, 1),
        "create_seconds": round(created, 1),
        "status": job.status,
        "records_added": decision.records.count(),
        "file_kb": round(len(content) / 1024),
        "goal_s": GOALS["import_s"],
    }


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    out = [
        f"Register benchmark — PostgreSQL {meta['server']} — {meta['persons']:,} persons × "
        f"{meta['years']} years, {meta['rows']:,} rows, generated in {meta['generate_s']:.0f} s"
    ]
    s = results["sweep"]
    a = results["api"]
    out.append(
        table(
            "Eligibility",
            ["what", "median", "p95 / max", "goal"],
            [
                [
                    "full sweep, all targets, all persons",
                    f"{s['median_s']:.1f} s",
                    f"{s['max_s']:.1f} s",
                    f"< {s['goal_s']:.0f} s",
                ],
                [
                    "one person via the API",
                    f"{a['median_ms']:.1f} ms",
                    f"{a['p95_ms']:.1f} ms",
                    f"p95 < {a['goal_p95_ms']:.0f} ms",
                ],
                *[
                    [
                        f"eligible page {p['url'].split('?')[1]}",
                        f"{p['median_ms']:.0f} ms",
                        f"{p['p95_ms']:.0f} ms",
                        f"p95 < {p['goal_p95_ms']:.0f} ms",
                    ]
                    for p in results["pages"]
                ],
            ],
        )
    )
    if results.get("import"):
        i = results["import"]
        out.append(
            table(
                "Decision list import",
                ["rows", "seconds", "rows/s", "goal"],
                [
                    [
                        f"{i['rows']:,}",
                        f"{i['seconds']:.1f}",
                        f"{i['rows'] / i['seconds']:.0f}",
                        f"< {i['goal_s']:.0f} s",
                    ]
                ],
            )
        )
    out.append(
        f"\nLoad average at start {meta['load_average_at_start']}, at end {meta['load_average_at_end']} "
        f"on {meta['machine']} · results in {RESULTS.relative_to(BASE_DIR)}"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.register", description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30, help="runs of the API and page timings")
    parser.add_argument("--sweeps", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    admin, bench_url = database_urls()
    try:
        pg_execute(admin, "SELECT 1")
    except Exception as exc:  # psycopg raises several kinds when no server answers
        log(f"PostgreSQL is not reachable ({exc.__class__.__name__}): register benchmark skipped")
        return 0
    started = time.perf_counter()
    prepare(admin, bench_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from orgs.models import Org
    from register import synthetic

    year = 2025
    province_code = "19"  # Thái Nguyên (with Bắc Kạn merged in, in the real tree)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        log(f"generating {args.persons:,} persons × {args.years} years …")
        t0 = time.perf_counter()
        counts = synthetic.generate(
            persons=args.persons, years=args.years, end_year=year, seed=1, log=log
        )
        generate_s = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            server = cur.fetchone()[0]
        officer = make_officer(province_code)
        province = Org.objects.get(code=province_code)
        results: dict[str, Any] = {
            "meta": {
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "server": server,
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU, "
                f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2**30} GiB",
                "persons": args.persons,
                "years": args.years,
                "rows": int(counts.get("rows", 0)),
                "counts": counts,
                "generate_s": round(generate_s, 1),
                "load_average_at_start": load_average(),
            }
        }
        results["sweep"] = bench_sweep(year, args.sweeps)
        results["api"] = bench_api(officer, province.path, year, args.runs * 3)
        results["pages"] = bench_page(officer, province_code, year, args.runs)
        if args.import_rows:
            results["import"] = bench_import(args.import_rows, year)
        results["meta"]["load_average_at_end"] = load_average()
        results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(report(results), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            pg_execute(admin, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
