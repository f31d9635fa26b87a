"""Benchmark of proposal dossiers: the checks before sending, the dossier page, the submission and
the public comment list, on Chiến sĩ thi đua cơ sở dossiers of 30 and 300 recipients.

Run from the project root: `.venv/bin/python -m bench.dossiers` (`make bench` runs it after
bench.run). Like bench.run it works on a throwaway database and never touches the project's own: an
SQLite file var/bench/dossiers.sqlite3, or, when DATABASE_URL names a PostgreSQL server, a database
`thidua_bench_dossiers` created on that server and dropped at the end. The database helpers are
bench.run's. Results are printed as a table and written to var/bench/dossiers.json.
"""

# ruff: noqa: S311  (seeded pseudo-random test data, nothing secret)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import run as base
from bench.run import (
    BASE_DIR,
    BENCH_DIR,
    ETHNIC,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    analyze,
    choose_database,
    drop_database,
    load_average,
    log,
    p95,
    prepare_database,
    stopwatch,
    table,
)

# A database of its own, so that bench.run and bench.dossiers may run side by side (bench.run's
# helpers read these two names when they are called).
base.SQLITE_FILE = BENCH_DIR / "dossiers.sqlite3"
base.PG_BENCH_DB = "thidua_bench_dossiers"
RESULTS_FILE = BENCH_DIR / "dossiers.json"

YEAR = 2025  # the year of achievement proposed
YEARS = (2023, 2024, 2025)  # annual ratings held by everyone
PEOPLE = 1_000
SIZES = (30, 300)  # recipients of the dossiers measured
SUBMIT_SIZE = 300
PUBLIC_DOSSIERS = 50  # dossiers under public comment on the public page …
PUBLIC_CANDIDATES = 5  # … with this many candidates each
INITIATIVE_EVERY = 5  # one candidate in five is rated HTTNV and relies on an initiative
ROOMS = ["Văn phòng Sở", "Phòng Tổ chức, biên chế", "Phòng Cải cách hành chính", "Ban Thi đua"]
RUNS = 11
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- timing ---------------------------------------------------------------------------------------


def measure(
    fn: Callable[[Any], Any], runs: int, prepare: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """A warm-up run, one run counting the SQL queries (not timed: capturing slows them down), then
    `runs` timed runs; `prepare` (not timed) makes each run's argument, e.g. a freshly read user."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn(prepare() if prepare else None)
    arg = prepare() if prepare else None
    with CaptureQueriesContext(connection) as ctx:
        fn(arg)
    queries = len(ctx.captured_queries)  # now: the next request clears the connection's log
    samples = []
    for _ in range(runs):
        arg = prepare() if prepare else None
        start = time.perf_counter()
        fn(arg)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
        "queries": queries,
    }


# --- data -----------------------------------------------------------------------------------------


def make_place() -> tuple[Any, Any, list[Any], Any]:
    """Sở Nội vụ of Thái Nguyên (its rooms hold the people) and an officer of the province, who
    prepares the unit's dossiers and appraises them at the province."""
    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from orgs.models import Org
    from orgs.services import org_create

    province = Org.objects.get(code="19")
    unit = org_create(
        actor=None,
        code="19.BENCH",
        name="Sở Nội vụ tỉnh Thái Nguyên",
        short_name="Sở Nội vụ",
        kind="department",
        parent=province,
    )
    rooms = [
        org_create(
            actor=None, code=f"19.BENCH.{i}", name=name, kind="other", parent=unit, short_name=name
        )
        for i, name in enumerate(ROOMS, start=1)
    ]
    officer = user_create(actor=None, username="bench.canbo.hoso", password=None)
    membership_grant(actor=None, user=officer, role=Role.OFFICER, org=province)
    return province, unit, rooms, officer


def candidates_total() -> int:
    return sum(SIZES) + PUBLIC_DOSSIERS * PUBLIC_CANDIDATES


def relies_on_initiative(i: int) -> bool:
    return i < candidates_total() and i % INITIATIVE_EVERY == 0


def seed_register(unit: Any, rooms: list[Any], officer: Any) -> dict[str, int]:
    """1,000 people of the unit with their ratings for 2023–2025, LĐTT and CSTĐ cơ sở records,
    and initiatives (some already used). The first people are the dossiers' candidates, each
    eligible for CSTĐ cơ sở 2025: rated HTXSNV, or HTTNV with an unused initiative of 2025."""
    from core.text import fold
    from people.models import Person, Posting
    from register import services as register_services
    from register.models import Initiative, InitiativeUse, Rating, Record

    rng = random.Random(2025)
    families = [f for f, _w in FAMILY]
    weights = [w for _f, w in FAMILY]
    people = []
    for i in range(PEOPLE):
        female = rng.random() < 0.5
        name = " ".join(
            (
                rng.choices(families, weights=weights)[0],
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        people.append(
            Person(
                full_name=name,
                name_key=fold(name),
                gender="F" if female else "M",
                birth_year=rng.randint(1965, 2000),
                ethnicity=rng.choice(ETHNIC),
                position=rng.choice(["Chuyên viên", "Chuyên viên chính", "Trưởng phòng"]),
                unit=rooms[i % len(rooms)],
            )
        )
    Person.objects.bulk_create(people, batch_size=500)
    people = list(Person.objects.filter(unit__in=rooms).order_by("pk"))
    Posting.objects.bulk_create(
        [
            Posting(person=p, org_id=p.unit_id, position=p.position, start_date=dt.date(2015, 1, 1))
            for p in people
        ],
        batch_size=500,
    )

    candidates = candidates_total()
    ratings: list[Rating] = []
    rated: dict[tuple[int, int], str] = {}
    for i, p in enumerate(people):
        for year in YEARS:
            if i < candidates and year == YEAR:
                code = "HTTNV" if relies_on_initiative(i) else "HTXSNV"
            elif i < candidates:
                code = rng.choices(["HTXSNV", "HTTNV"], weights=[3, 7])[0]
            else:
                code = rng.choices(["HTXSNV", "HTTNV", "HTNV", "KHTNV"], weights=[15, 65, 17, 3])[0]
            rated[(p.pk, year)] = code
            ratings.append(Rating(person=p, year=year, org_id=p.unit_id, rating=code))
    Rating.objects.bulk_create(ratings, batch_size=1000)

    decisions = {
        (code, year): register_services.decision_create(
            actor=officer,
            number=f"{n}/QĐ-SNV-{year}",
            date=dt.date(year + 1, 1, 20),
            issuer=unit,
            summary=f"{code} năm {year} (đo hiệu năng)",
        )
        for n, (code, year) in enumerate(
            [("LDTT", 2023), ("CSTD_CS", 2023), ("LDTT", 2024), ("CSTD_CS", 2024), ("LDTT", 2025)],
            start=1,
        )
    }
    records: list[Record] = []
    for p in people:
        for year in YEARS:
            good = rated[(p.pk, year)] in ("HTTNV", "HTXSNV")
            if good and (year < YEAR or rng.random() < 0.5):
                records.append(
                    Record(
                        decision=decisions[("LDTT", year)],
                        person=p,
                        unit_id=p.unit_id,
                        code="LDTT",
                        year=year,
                    )
                )
            if year < YEAR and rated[(p.pk, year)] == "HTXSNV" and rng.random() < 0.6:
                records.append(
                    Record(
                        decision=decisions[("CSTD_CS", year)],
                        person=p,
                        unit_id=p.unit_id,
                        code="CSTD_CS",
                        year=year,
                    )
                )
    Record.objects.bulk_create(records, batch_size=1000)

    # Initiatives: the candidates' unused ones of 2025, and older ones of anyone, half of them
    # already used for a CSTĐ cơ sở of their year.
    authored: dict[str, int] = {}
    initiatives: list[Initiative] = []
    for i, p in enumerate(people):
        if relies_on_initiative(i):
            code = f"SK-{YEAR}-{i:04d}"
            authored[code] = p.pk
            initiatives.append(
                Initiative(
                    code=code,
                    title=f"Sáng kiến cải tiến quy trình số {i} (đo hiệu năng)",
                    recognised_by=unit,
                    recognised_on=dt.date(YEAR, 11, 15),
                    year=YEAR,
                    scope="CO_SO",
                )
            )
    for n, p in enumerate(rng.sample(people, 200)):
        year = rng.choice([2023, 2024])
        code = f"SK-{year}-X{n:03d}"
        authored[code] = p.pk
        initiatives.append(
            Initiative(
                code=code,
                title=f"Sáng kiến số {n} năm {year} (đo hiệu năng)",
                recognised_by=unit,
                recognised_on=dt.date(year, 11, 15),
                year=year,
                scope=rng.choice(["CO_SO", "CO_SO", "BO_TINH"]),
            )
        )
    Initiative.objects.bulk_create(initiatives, batch_size=500)
    ids = dict(Initiative.objects.filter(code__in=authored).values_list("code", "pk"))
    Initiative.authors.through.objects.bulk_create(
        [
            Initiative.authors.through(initiative_id=ids[code], person_id=pk)
            for code, pk in authored.items()
        ],
        batch_size=1000,
    )
    held = {
        (r.person_id, r.year): r.pk
        for r in Record.objects.filter(person__in=people, code="CSTD_CS").only(
            "pk", "person_id", "year"
        )
    }
    uses = []
    for code, pk in authored.items():
        year = int(code.split("-")[1])
        record = held.get((pk, year))
        if year < YEAR and record is not None and rng.random() < 0.5:
            uses.append(
                InitiativeUse(initiative_id=ids[code], record_id=record, code="CSTD_CS", year=year)
            )
    InitiativeUse.objects.bulk_create(uses, batch_size=500)
    return {
        "people": len(people),
        "ratings": len(ratings),
        "records": len(records),
        "initiatives": len(initiatives),
        "initiative_uses": len(uses),
    }


def pdf(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def build_dossier(officer: Any, proposer: Any, receiver: Any, people: list[Any], title: str) -> Any:
    """A CSTĐ cơ sở 2025 draft through dossiers.services: its recipients (with the initiative
    relied on, where one is) and every document the catalogue asks for."""
    from dossiers import services
    from register.models import Initiative

    dossier = services.dossier_create(
        actor=officer,
        proposer=proposer,
        receiver=receiver,
        level="co_so",
        code="CSTD_CS",
        year=YEAR,
        title=title,
        summary="Đề nghị công nhận danh hiệu Chiến sĩ thi đua cơ sở (đo hiệu năng).",
    )
    for kind, name in (("TO_TRINH", "to-trinh.pdf"), ("BIEN_BAN_BINH_XET", "bien-ban.pdf")):
        services.document_add(actor=officer, dossier=dossier, kind=kind, upload=pdf(name))
    own = {
        pk: list(Initiative.objects.filter(authors=pk, year=YEAR, use__isnull=True))
        for pk in (p.pk for p in people)
    }
    for p in people:
        initiatives = own[p.pk]
        recipient = services.recipient_add(
            actor=officer,
            dossier=dossier,
            person=p,
            duties=f"{p.position}, {p.unit.name}.",
            achievements="Hoàn thành xuất sắc nhiệm vụ được giao; tích cực trong phong trào thi đua.",
            public_summary=f"{p.full_name}: hoàn thành xuất sắc nhiệm vụ năm {YEAR}.",
            initiatives=initiatives,
        )
        services.document_add(
            actor=officer,
            dossier=dossier,
            kind="BAO_CAO_THANH_TICH",
            recipient=recipient,
            upload=pdf("bao-cao-thanh-tich.pdf"),
        )
        if initiatives:
            services.document_add(
                actor=officer,
                dossier=dossier,
                kind="XAC_NHAN_SANG_KIEN",
                recipient=recipient,
                upload=pdf("xac-nhan-sang-kien.pdf"),
            )
    return dossier


def build_dossiers(officer: Any, province: Any, unit: Any) -> dict[str, Any]:
    """The drafts of 30 and 300 recipients, and 50 dossiers of 5 posted for public comment (sent,
    appraised, posted: each step through the services)."""
    from dossiers import services
    from people.models import Person

    people = list(
        Person.objects.filter(unit__parent=unit)
        .select_related("unit")
        .order_by("pk")[: candidates_total()]
    )
    drafts: dict[int, int] = {}
    start = 0
    for size in SIZES:
        dossier = build_dossier(
            officer,
            unit,
            province,
            people[start : start + size],
            f"Đề nghị công nhận Chiến sĩ thi đua cơ sở năm {YEAR} ({size} người)",
        )
        drafts[size] = dossier.pk
        start += size
    public = []
    for n in range(PUBLIC_DOSSIERS):
        group = people[start : start + PUBLIC_CANDIDATES]
        start += PUBLIC_CANDIDATES
        dossier = build_dossier(
            officer,
            unit,
            province,
            group,
            f"Đề nghị Chiến sĩ thi đua cơ sở năm {YEAR}, đợt {n + 1}",
        )
        for target in ("submitted", "appraisal", "comment"):
            dossier = services.dossier_transition(actor=officer, dossier=dossier, target=target)
        public.append(dossier.pk)
    return {"drafts": drafts, "public": public}


# --- measurements ---------------------------------------------------------------------------------


def bench_checks(pk: int, runs: int) -> dict[str, Any]:
    from dossiers import rules, selectors
    from dossiers.models import Dossier

    seen: dict[str, int] = {}

    def prepare() -> Any:
        return Dossier.objects.select_related("proposer", "receiver").get(pk=pk)

    def once(dossier: Any) -> None:
        checks, _results = selectors.dossier_checks(dossier)
        seen["checks"] = len(checks)
        seen["blocking"] = len(rules.blocking(checks))

    out = measure(once, runs, prepare)
    if seen["blocking"]:
        raise RuntimeError(f"dossier {pk}: {seen['blocking']} checks block it")
    return {**out, **seen}


def bench_detail(officer: Any, pk: int, runs: int) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    client.force_login(officer)
    url = f"/dossiers/{pk}/"
    seen: dict[str, Any] = {}

    def once(_: Any) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        seen["kb"] = round(len(response.content) / 1024)

    out = measure(once, runs)
    return {**out, "url": url, "kb": seen["kb"]}


def bench_submit(officer: Any, pk: int, runs: int) -> dict[str, Any]:
    """Sending the draft (every check, then each recipient's eligibility stored), rolled back."""
    from django.db import transaction

    from accounts.models import User
    from dossiers import services
    from dossiers.models import Dossier, DossierStatus

    def prepare() -> tuple[Any, Any]:
        return User.objects.get(pk=officer.pk), Dossier.objects.get(pk=pk)

    def once(arg: tuple[Any, Any]) -> None:
        user, dossier = arg
        with transaction.atomic():
            sent = services.dossier_transition(actor=user, dossier=dossier, target="submitted")
            assert sent.status == DossierStatus.SUBMITTED
            transaction.set_rollback(True)

    out = measure(once, runs, prepare)
    assert Dossier.objects.get(pk=pk).status == DossierStatus.DRAFT
    return out


def bench_public(runs: int) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    url = "/public/dossiers/"
    seen: dict[str, Any] = {}

    def once(_: Any) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        seen["kb"] = round(len(response.content) / 1024)
        seen["dossiers_on_page"] = response.content.count(b'<section class="card"')

    out = measure(once, runs)
    return {**out, "url": url, **seen}


# --- report ---------------------------------------------------------------------------------------


def git_commit() -> str:
    """The code measured: the commit of the checkout, '+changes' when dossiers or register differ."""
    try:
        head = subprocess.run(  # noqa: S603 - fixed command, no input
            ["git", "-C", str(BASE_DIR), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603 - fixed command, no input
            ["git", "-C", str(BASE_DIR), "status", "--porcelain", "dossiers", "register"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if dirty else head


def report(results: dict[str, Any]) -> str:
    meta = results["meta"]
    rows = [
        [
            c["what"],
            c.get("n_label", c["n"]),
            f"{c['median_ms']:.1f}",
            f"{c['min_ms']:.1f}–{c['max_ms']:.1f}",
            c["queries"],
        ]
        for c in results["cases"]
    ]
    out = [
        f"Dossier benchmark — {meta['database']} — code {meta['commit']}",
        table(
            f"Median of {meta['runs']} runs after a warm-up (ms); SQL queries of one run",
            ["what", "N", "median ms", "min–max ms", "queries"],
            rows,
        ),
        f"\nData: {meta['data']['people']:,} people, {meta['data']['ratings']:,} ratings, "
        f"{meta['data']['records']:,} records, {meta['data']['initiatives']} initiatives; "
        f"built in {meta['seed_seconds']:.0f} s (dossiers {meta['dossier_seconds']:.0f} s)",
        f"Load average at start {meta['load_average_at_start']}, at end "
        f"{meta['load_average_at_end']} on {meta['machine']}",
        f"Total {meta['seconds']:.0f} s · results in {meta['output']}",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dossiers", description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per case (at least 7)")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="where the JSON goes")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    runs = max(7, args.runs)
    started = time.perf_counter()
    db = choose_database()
    prepare_database(db)
    log(f"database: {db.describe()}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import override_settings

    media = tempfile.TemporaryDirectory(prefix="thidua-bench-media-")
    settings_override = override_settings(MEDIA_ROOT=media.name)
    settings_override.enable()
    try:
        with stopwatch() as t:
            call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated in {t[0]:.1f} s")
        with stopwatch() as seed:
            with transaction.atomic():
                province, unit, rooms, officer = make_place()
                counts = seed_register(unit, rooms, officer)
            with stopwatch() as built:
                made = build_dossiers(officer, province, unit)
            analyze()
        log(
            f"seeded {counts['people']:,} people, {counts['records']:,} records and "
            f"{len(made['public']) + len(made['drafts'])} dossiers in {seed[0]:.1f} s "
            f"(dossiers {built[0]:.1f} s)"
        )
        server = connection.vendor
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            import sqlite3

            server = f"SQLite {sqlite3.sqlite_version}"
        results: dict[str, Any] = {
            "meta": {
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": db.describe(),
                "vendor": connection.vendor,
                "server": server,
                "commit": git_commit(),
                "python": platform.python_version(),
                "django": django.get_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
                "runs": runs,
                "data": counts,
                "seed_seconds": round(seed[0], 1),
                "dossier_seconds": round(built[0], 1),
                "load_average_at_start": load_average(),
                "output": str(args.output),
            },
            "cases": [],
        }
        cases: list[dict[str, Any]] = results["cases"]
        for size in SIZES:
            row = bench_checks(made["drafts"][size], runs)
            cases.append({"case": "checks", "what": "selectors.dossier_checks", "n": size, **row})
            log(f"dossier_checks N={size}: {row['median_ms']} ms, {row['queries']} queries")
        for size in SIZES:
            row = bench_detail(officer, made["drafts"][size], runs)
            cases.append(
                {"case": "detail", "what": "GET /dossiers/<pk>/ (officer)", "n": size, **row}
            )
            log(f"detail page N={size}: {row['median_ms']} ms, {row['queries']} queries")
        row = bench_submit(officer, made["drafts"][SUBMIT_SIZE], runs)
        cases.append(
            {
                "case": "submit",
                "what": "dossier_transition → submitted (rolled back)",
                "n": SUBMIT_SIZE,
                **row,
            }
        )
        log(f"submission N={SUBMIT_SIZE}: {row['median_ms']} ms, {row['queries']} queries")
        row = bench_public(runs)
        cases.append(
            {
                "case": "public",
                "what": "GET /public/dossiers/ (anonymous, page 1 of 20)",
                "n": PUBLIC_DOSSIERS * PUBLIC_CANDIDATES,
                "n_label": f"{PUBLIC_DOSSIERS}×{PUBLIC_CANDIDATES}",
                **row,
            }
        )
        log(f"public list: {row['median_ms']} ms, {row['queries']} queries")
        results["meta"]["load_average_at_end"] = load_average()
        results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(report(results), flush=True)
    finally:
        settings_override.disable()
        media.cleanup()
        if args.keep:
            log(f"kept: {db.describe()}")
        else:
            drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
