"""Benchmark of the commendation register at national scale (issue 6), on PostgreSQL.

Run from the project root: `.venv/bin/python -m bench.register` (part of `make bench`). It creates a
throwaway PostgreSQL database `thidua_bench_register` on the server of DATABASE_URL (or, without one,
the local server as the current user), fills it with `manage.py gen_synthetic`'s register
(1,000,000 people × 10 years by default, about 20 million rows), measures, and drops it:

  1. the full eligibility sweep of every target for every person and unit (register.sweep.run),
  2. one person's evaluation with its explanation through the API
     (GET /api/v1/people/{id}/eligibility?target=…&year=…), random people and targets,
  3. the eligible-list page of a province (GET /register/eligible/?target=…&year=…&unit_code=…),
  4. the import of a 100,000-row decision list from Excel (validate, match, write),
  5. the statistics: the rebuild of the register's summary (stats.services.tally_refresh) and a
     province's dashboard (GET /stats/?unit=…, all years and one year), counted from the summary,
     and, for comparison, a few runs counted from the register directly,
  6. the commendation register's list (GET /register/, unfiltered and by year, unit, name and
     title), as a province's officer and as a system administrator (every record).

Figures (medians, p95, machine, load) are printed and written to var/bench/register.json.
Options: --persons, --years, --runs, --import-rows, --keep, --reuse (use the kept database
instead of generating a new one), --steps (some of sweep,api,pages,import,dashboard,records).
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
    "dashboard_p95_ms": 500.0,
    "records_p95_ms": 300.0,
}
STEPS = ("sweep", "api", "pages", "import", "dashboard", "records")


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


def kept_database_exists(admin: str) -> bool:
    """Whether a kept benchmark database is there (with a register in it)."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
    if row is None:
        return False
    parts = urlsplit(admin)
    with psycopg.connect(urlunsplit(parts._replace(path=f"/{DB_NAME}")), autocommit=True) as conn:
        table = conn.execute("SELECT to_regclass('register_record')").fetchone()
        if table is None or table[0] is None:
            return False
        found = conn.execute("SELECT EXISTS (SELECT 1 FROM register_record)").fetchone()
        return bool(found and found[0])


def prepare(admin: str, bench_url: str, *, reuse: bool = False) -> None:
    if not reuse:
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
    from accounts.models import Role, User
    from accounts.services import membership_grant, user_create
    from orgs.models import Org

    username = f"bench.canbo.{province_code}"
    existing = User.objects.filter(username=username).first()
    if existing is not None:  # a reused database
        return existing
    user = user_create(actor=None, username=username, password=PASSWORD)
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


def make_admin() -> Any:
    from accounts.models import Role, User
    from accounts.services import membership_grant, user_create

    admin = User.objects.filter(username="bench.quantri").first()
    if admin is None:
        admin = user_create(actor=None, username="bench.quantri", password=PASSWORD)
        membership_grant(actor=None, user=admin, role=Role.ADMIN, org=None)
    return admin


def bench_records(
    officer: Any, admin: Any, province_code: str, year: int, runs: int
) -> list[dict[str, Any]]:
    """The commendation register's list page (GET /register/…, 1 warm-up + `runs` runs each), as the
    province's officer and as a system administrator, unfiltered and with the list's filters."""
    from django.test import Client

    queries = [
        "",
        f"year={year}",
        f"unit_code={province_code}",
        f"unit_code={province_code}&year={year}",
        "q=nguyen",
        "q=nguyen+thi+lan",
        "code=CSTD_CS",
        f"code=BK_BO&year={year}",
    ]
    out = []
    for who, user in (("officer", officer), ("admin", admin)):
        client = Client()
        client.force_login(user)
        for query in queries:
            url = f"/register/?{query}" if query else "/register/"
            sizes: list[int] = []

            def one(url: str = url, sizes: list[int] = sizes, client: Client = client) -> None:
                r = client.get(url)
                assert r.status_code == 200, r.status_code
                sizes.append(len(r.content))

            row = timed_ms(one, runs)
            row["user"] = who
            row["url"] = url
            row["kb"] = round(sizes[-1] / 1024)
            row["goal_p95_ms"] = GOALS["records_p95_ms"]
            log(f"register list as {who} {url}: median {row['median_ms']:.0f} ms")
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

    from orgs.models import Org
    from people.models import Person
    from register import importing, services

    admin = make_admin()
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
        # A new number each run, so a reused database takes another import.
        number=f"{int(time.time()) % 100_000}/QĐ-BENCH",
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


def bench_dashboard(officer: Any, province: Any, runs: int, live_runs: int) -> dict[str, Any]:
    """A province's statistics dashboard as its officer sees it (GET /stats/?unit=…, the last five
    years with data and one year), counted from the register's summary: 1 warm-up + `runs` runs
    each. Before that, `live_runs` runs counted from the register directly (what the page does
    while the summary is behind), and the summary brought level (catch-up) and rebuilt (full)."""
    from unittest import mock

    from django.db import connection
    from django.test import Client

    from stats import selectors, services

    client = Client()
    client.force_login(officer)
    urls = [f"/stats/?unit={province.pk}", f"/stats/?unit={province.pk}&from=2024&to=2024"]
    out: dict[str, Any] = {"goal_p95_ms": GOALS["dashboard_p95_ms"], "pages": [], "live": []}

    def page(url: str) -> None:
        r = client.get(url)
        assert r.status_code == 200, r.status_code

    if live_runs:
        live = selectors.Source("live", None, False)
        with mock.patch.object(selectors, "source_for", return_value=live):
            for url in urls:
                row = timed_ms(lambda url=url: page(url), live_runs)
                row["url"] = url
                out["live"].append(row)
                log(f"dashboard counted live {url}: median {row['median_ms']:.0f} ms")
    before = selectors.source_for()
    if before.behind:
        t0 = time.perf_counter()
        state = services.tally_catch_up()
        out["catch_up_s"] = round(time.perf_counter() - t0, 1)
        log(f"statistics summary caught up in {out['catch_up_s']} s")
    t0 = time.perf_counter()
    state = services.tally_refresh()
    out["refresh_s"] = round(time.perf_counter() - t0, 1)
    out["summary_rows"] = state.rows
    log(f"statistics summary rebuilt: {state.rows:,} rows in {out['refresh_s']} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE stats_recordtally")
    assert selectors.source_for().tally
    for url in urls:
        row = timed_ms(lambda url=url: page(url), runs)
        row["url"] = url
        row["goal_p95_ms"] = GOALS["dashboard_p95_ms"]
        out["pages"].append(row)
        log(f"dashboard {url}: median {row['median_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms")
    assert selectors.source_for().tally  # every run read the summary
    return out


def reused_counts() -> dict[str, Any]:
    """The sizes of a kept database (the planner's estimates, instant on 20 million rows)."""
    from django.db import connection

    tables = [
        "orgs_org",
        "people_person",
        "register_decision",
        "register_record",
        "register_rating",
    ]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [tables]
        )
        counts: dict[str, Any] = {name: max(0, int(n)) for name, n in cur.fetchall()}
        cur.execute("SELECT MIN(year), MAX(year) FROM register_rating")
        first, last = cur.fetchone()
    counts["years"] = (last - first + 1) if first is not None else 0
    counts["rows"] = sum(counts.get(t, 0) for t in tables)
    return counts


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    made = (
        f"generated in {meta['generate_s']:.0f} s"
        if meta.get("generate_s") is not None
        else "the kept database, reused"
    )
    out = [
        f"Register benchmark — PostgreSQL {meta['server']} — {meta['persons']:,} persons × "
        f"{meta['years']} years, {meta['rows']:,} rows, {made}"
    ]
    rows: list[list[str]] = []
    if results.get("sweep"):
        s = results["sweep"]
        rows.append(
            [
                "full sweep, all targets, all persons",
                f"{s['median_s']:.1f} s",
                f"{s['max_s']:.1f} s",
                f"< {s['goal_s']:.0f} s",
            ]
        )
    if results.get("api"):
        a = results["api"]
        rows.append(
            [
                "one person via the API",
                f"{a['median_ms']:.1f} ms",
                f"{a['p95_ms']:.1f} ms",
                f"p95 < {a['goal_p95_ms']:.0f} ms",
            ]
        )
    for p in results.get("pages") or []:
        rows.append(
            [
                f"eligible page {p['url'].split('?')[1]}",
                f"{p['median_ms']:.0f} ms",
                f"{p['p95_ms']:.0f} ms",
                f"p95 < {p['goal_p95_ms']:.0f} ms",
            ]
        )
    if rows:
        out.append(table("Eligibility", ["what", "median", "p95 / max", "goal"], rows))
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
    if results.get("dashboard"):
        d = results["dashboard"]
        rows = [
            [
                f"{p['url']} (summary)",
                f"{p['median_ms']:.0f} ms",
                f"{p['p95_ms']:.0f} ms",
                f"p95 < {p['goal_p95_ms']:.0f} ms",
            ]
            for p in d["pages"]
        ]
        rows += [
            [
                f"{p['url']} (counted live, before)",
                f"{p['median_ms']:.0f} ms",
                f"{p['max_ms']:.0f} ms (max)",
                "—",
            ]
            for p in d["live"]
        ]
        rows.append(
            [f"summary rebuilt ({d['summary_rows']:,} rows)", f"{d['refresh_s']:.1f} s", "", "—"]
        )
        if "catch_up_s" in d:
            rows.append(
                ["summary caught up after the steps above", f"{d['catch_up_s']:.1f} s", "", "—"]
            )
        out.append(table("Statistics dashboard", ["what", "median", "p95", "goal"], rows))
    if results.get("records"):
        rows = [
            [
                f"{r['user']} {r['url']}",
                f"{r['median_ms']:.0f} ms",
                f"{r['p95_ms']:.0f} ms",
                f"p95 < {r['goal_p95_ms']:.0f} ms",
            ]
            for r in results["records"]
        ]
        out.append(table("Commendation register list", ["what", "median", "p95", "goal"], rows))
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
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the kept database when it exists instead of generating one (implies --keep)",
    )
    parser.add_argument(
        "--steps",
        default=",".join(STEPS),
        help=f"comma-separated, some of {','.join(STEPS)} (default: all)",
    )
    parser.add_argument(
        "--live-runs", type=int, default=3, help="dashboard runs counted from the register"
    )
    args = parser.parse_args(argv)
    steps = {step.strip() for step in args.steps.split(",") if step.strip()}
    if steps - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(steps - set(STEPS)))}")
    admin, bench_url = database_urls()
    try:
        pg_execute(admin, "SELECT 1")
    except Exception as exc:  # psycopg raises several kinds when no server answers
        log(f"PostgreSQL is not reachable ({exc.__class__.__name__}): register benchmark skipped")
        return 0
    started = time.perf_counter()
    reuse = args.reuse and kept_database_exists(admin)
    if args.reuse:
        args.keep = True
        log("reusing the kept database" if reuse else "no kept database: generating one")
    prepare(admin, bench_url, reuse=reuse)
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
        generate_s: float | None = None
        if reuse:
            counts = reused_counts()
            args.persons = counts["people_person"]
            args.years = counts["years"]
        else:
            log(f"generating {args.persons:,} persons × {args.years} years …")
            t0 = time.perf_counter()
            counts = synthetic.generate(
                persons=args.persons, years=args.years, end_year=year, seed=1, log=log
            )
            generate_s = time.perf_counter() - t0
        with connection.cursor() as cur:
            # As autovacuum would have by the time anyone reads the register (this machine's
            # server runs without it): the visibility map lets the lists' counts read their
            # indexes only; without it a province officer's /register/ took 280-540 ms, not 40.
            t0 = time.perf_counter()
            cur.execute("VACUUM ANALYZE")
            log(f"VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")
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
                "generate_s": None if generate_s is None else round(generate_s, 1),
                "load_average_at_start": load_average(),
            }
        }
        if "sweep" in steps:
            results["sweep"] = bench_sweep(year, args.sweeps)
        if "api" in steps:
            results["api"] = bench_api(officer, province.path, year, args.runs * 3)
        if "pages" in steps:
            results["pages"] = bench_page(officer, province_code, year, args.runs)
        if "import" in steps and args.import_rows:
            results["import"] = bench_import(args.import_rows, year)
        if "dashboard" in steps:
            results["dashboard"] = bench_dashboard(officer, province, args.runs, args.live_runs)
        if "records" in steps:
            results["records"] = bench_records(
                officer, make_admin(), province_code, year - 1, args.runs
            )
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
