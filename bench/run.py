"""Benchmark: Excel import throughput, search latency at scale, list page render time, scoring.

Run from the project root: `.venv/bin/python -m bench.run` (or `make bench`). It works on a
throwaway database and never touches the project's own: an SQLite file under var/bench/, or, when
DATABASE_URL names a PostgreSQL server, a database `thidua_bench` created on that server and dropped
at the end. Results are printed as a table and written to var/bench/results.json.
"""

# ruff: noqa: S311  (seeded pseudo-random test data, nothing secret)
from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import math
import os
import platform
import random
import shutil
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
RESULTS_FILE = BENCH_DIR / "results.json"
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"
PG_BENCH_DB = "thidua_bench"
PG_SCHEMES = ("postgres", "postgresql", "pgsql")
PASSWORD = "bench-m4t-khau-rat-dai"  # noqa: S105 - throwaway accounts in a throwaway database

DESCRIPTION = (
    "Benchmark: Excel import throughput, search latency at scale, list page render time, "
    "scoring engine."
)
SEARCH_RUNS = 20
PAGE_RUNS = 10


# --- database -------------------------------------------------------------------------------------


@dataclass
class Database:
    vendor: str  # "sqlite" | "postgresql"
    url: str  # what Django uses
    admin_conninfo: str = ""  # PostgreSQL: where CREATE/DROP DATABASE is issued

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite file {SQLITE_FILE.relative_to(BASE_DIR)}"
        return f"PostgreSQL database {PG_BENCH_DB} (created and dropped by the benchmark)"


def _pg_url(parts: Any, scheme: str, database: str) -> str:
    """The URL with another scheme and database; "//" is kept when there is no host (the local
    socket: postgres:///db), which urlunsplit would drop."""
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{parts.netloc}/{database}{query}"


def choose_database() -> Database:
    """PostgreSQL if the caller's DATABASE_URL names one, else a fresh SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme if url else ""
    if scheme in PG_SCHEMES:
        parts = urlsplit(url)
        caller_db = parts.path.lstrip("/")
        maintenance = "postgres" if caller_db in ("", PG_BENCH_DB) else caller_db
        admin = _pg_url(parts, "postgresql", maintenance)
        bench = _pg_url(parts, parts.scheme, PG_BENCH_DB)
        return Database("postgresql", bench, admin)
    return Database("sqlite", f"sqlite:///{SQLITE_FILE}")


def pg_execute(conninfo: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # constant SQL, no user input


def prepare_database(db: Database) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(BENCH_DIR / "media", ignore_errors=True)
    if db.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        pg_execute(
            db.admin_conninfo,
            f"DROP DATABASE IF EXISTS {PG_BENCH_DB}",
            f"CREATE DATABASE {PG_BENCH_DB} ENCODING 'UTF8' TEMPLATE template0",
        )
    # Settings read the environment once, at django.setup().
    os.environ["DATABASE_URL"] = db.url
    os.environ["THIDUA_VAR_DIR"] = str(BENCH_DIR)
    # Plain static storage (no collectstatic manifest needed to render pages); DEBUG stays off so
    # Django does not keep every query in memory.
    os.environ["THIDUA_TESTING"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    # WhiteNoise warns once per client that var/bench/staticfiles does not exist; nothing is served.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def drop_database(db: Database) -> None:
    from django.db import connections

    connections.close_all()
    if db.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        try:
            pg_execute(db.admin_conninfo, f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        except Exception:
            pg_execute(db.admin_conninfo, f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
    shutil.rmtree(BENCH_DIR / "media", ignore_errors=True)


# --- timing ---------------------------------------------------------------------------------------


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def repeat_ms(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    fn()  # warm-up: caches, prepared plans, lazy imports
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(p95(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load: other work on the machine makes timings noisy."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- data -----------------------------------------------------------------------------------------

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4)]
FAMILY += [("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2)]
FAMILY += [("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Ma", 1), ("Hà", 1), ("Lục", 1)]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Ngọc", "Trọng"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim", "Phương"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
]
GIVEN_F = [
    "Anh",
    "Bích",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Vân",
    "Yến",
]
ETHNIC = ["Kinh"] * 8 + ["Tày", "Nùng", "Dao", "Mông", "Thái", "Mường"]
DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Văn phòng Ủy ban nhân dân",
    "Thanh tra tỉnh",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Liên đoàn Lao động tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn",
    "Hội Nông dân tỉnh",
]
ROOMS = [
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Thi đua – Khen thưởng",
    "Phòng Pháp chế",
    "Phòng Quản lý chuyên ngành",
    "Phòng Thanh tra",
    "Trung tâm Dịch vụ công",
    "Trung tâm Đào tạo",
    "Phòng Công nghệ thông tin",
    "Ban Quản lý dự án",
    "Phòng Hành chính – Tổng hợp",
]
PLACE = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thịnh",
    "Phúc",
    "Lộc",
    "Thành",
    "Trung",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Hưng",
    "Long",
    "Quang",
    "Minh",
    "Xuân",
    "Thuận",
]


def org_rows(provinces: list[Any], total: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Level-1 units (departments, communes) under each province, level-2 rooms under departments."""
    rng = random.Random(2025)
    per_province = max(1, total // (len(provinces) * 4))  # a quarter at level 1, the rest below
    departments = min(len(DEPARTMENTS), max(1, per_province // 4))
    communes = max(0, per_province - departments)
    level1: list[dict[str, Any]] = []
    for prov in provinces:
        place = prov.short_name or prov.name
        for i, dept in enumerate(DEPARTMENTS[:departments]):
            level1.append(
                {
                    "code": f"{prov.code}.D{i:02d}",
                    "name": f"{dept} tỉnh {place}",
                    "short_name": f"{dept} {place}",
                    "kind": "department",
                    "parent_code": prov.code,
                }
            )
        for i in range(communes):
            kind_word = rng.choice(["Xã", "Xã", "Phường"])
            name = f"{kind_word} {rng.choice(PLACE)} {rng.choice(PLACE)}"
            level1.append(
                {
                    "code": f"{prov.code}.X{i:03d}",
                    "name": f"{name}, tỉnh {place}",
                    "short_name": name,
                    "kind": "commune",
                    "parent_code": prov.code,
                }
            )
    level1 = level1[:total]
    level2_target = total - len(level1)
    level2: list[dict[str, Any]] = []
    dept_rows = [r for r in level1 if r["kind"] == "department"]
    room = 0
    while len(level2) < level2_target and dept_rows:
        for parent in dept_rows:
            if len(level2) >= level2_target:
                break
            level2.append(
                {
                    "code": f"{parent['code']}.P{room:03d}",
                    "name": ROOMS[room % len(ROOMS)]
                    + ("" if room < len(ROOMS) else f" số {room // len(ROOMS) + 1}"),
                    "short_name": "",
                    "kind": "public_service" if room % len(ROOMS) >= 7 else "other",
                    "parent_code": parent["code"],
                }
            )
        room += 1
    return level1, level2


def insert_rows(model: Any, rows: Iterable[dict[str, Any]], batch: int = 5000) -> int:
    """Plain INSERTs of many rows (the ORM's bulk_create spends most of its time compiling).

    Columns not given take the field's default; auto_now(_add) dates are now. Works on SQLite and
    PostgreSQL alike through Django's cursor.
    """
    from django.db import connection
    from django.utils import timezone

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    fixed: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = f.get_db_prep_save(now, connection)
        else:  # the field's default: "" for text, None for nullable columns
            fixed[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names come from the model, values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    names = [f.attname for f in fields]
    made = 0
    chunk: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append([row[n] if n in row else fixed[n] for n in names])
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                made += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            made += len(chunk)
    return made


def fill_paths() -> None:
    """Materialised paths of the units just inserted (path "/"), from their parents' paths."""
    from django.db import connection

    from orgs.models import Org

    table = connection.ops.quote_name(Org._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET path = "  # noqa: S608 - table name from the model, no input
            f"(SELECT p.path FROM {table} p WHERE p.id = {table}.parent_id) "
            "|| CAST(id AS TEXT) || '/' "
            "WHERE path = '/' AND parent_id IS NOT NULL"
        )


def create_orgs(total: int) -> int:
    from orgs.models import Org
    from orgs.reference import search_key_for

    provinces = list(Org.objects.filter(kind="province").order_by("code"))
    level1, level2 = org_rows(provinces, total)

    def values(rows: list[dict[str, Any]], parent_ids: dict[str, int]) -> Iterator[dict[str, Any]]:
        for r in rows:
            yield {
                "code": r["code"],
                "name": r["name"],
                "short_name": r["short_name"],
                "kind": r["kind"],
                "parent_id": parent_ids[r["parent_code"]],
                "path": "/",
                "search_key": search_key_for(r["code"], r["name"], r["short_name"], ""),
            }

    made = insert_rows(Org, values(level1, {p.code: p.pk for p in provinces}))
    fill_paths()
    ids = dict(
        Org.objects.filter(kind="department", parent__kind="province").values_list("code", "pk")
    )
    made += insert_rows(Org, values(level2, ids))
    fill_paths()
    return made


def create_people(total: int) -> int:
    from core.text import fold
    from orgs.models import Org
    from people.models import Person

    rng = random.Random(7)
    unit_ids = list(
        Org.objects.exclude(kind="province")
        .exclude(kind__in=["central", "ministry"])
        .values_list("pk", flat=True)
    )
    families = [f for f, _w in FAMILY]
    cum_weights = list(itertools.accumulate(w for _f, w in FAMILY))
    categories, cum_categories = ["staff", "worker", "leader"], [6, 9, 10]
    keys: dict[str, str] = {}
    positions = ["Chuyên viên", "Chuyên viên chính", "Nhân viên", "Trưởng phòng"]

    def rows() -> Iterator[dict[str, Any]]:
        for _ in range(total):
            female = rng.random() < 0.5
            name = " ".join(
                (
                    rng.choices(families, cum_weights=cum_weights)[0],
                    rng.choice(MIDDLE_F if female else MIDDLE_M),
                    rng.choice(GIVEN_F if female else GIVEN_M),
                )
            )
            key = keys.get(name)
            if key is None:
                key = keys[name] = fold(name)
            yield {
                "full_name": name,
                "name_key": key,
                "gender": "F" if female else "M",
                "birth_year": rng.randint(1962, 2004),
                "ethnicity": rng.choice(ETHNIC),
                "position": rng.choice(positions),
                "category": rng.choices(categories, cum_weights=cum_categories)[0],
                "unit_id": rng.choice(unit_ids),
                "id_number": "",
                "note": "",
            }

    return insert_rows(Person, rows())


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def make_users() -> tuple[Any, Any]:
    from django.db import transaction

    from accounts.models import Role
    from accounts.services import membership_grant, user_create
    from orgs.models import Org

    with transaction.atomic():
        admin = user_create(actor=None, username="bench.quantri", password=PASSWORD)
        membership_grant(actor=None, user=admin, role=Role.ADMIN, org=None)
        officer = user_create(actor=None, username="bench.canbo.thainguyen", password=PASSWORD)
        membership_grant(
            actor=None, user=officer, role=Role.OFFICER, org=Org.objects.get(code="19")
        )
    return admin, officer


# --- a) import throughput -------------------------------------------------------------------------


def people_workbook(rows: int, tag: str, unit_codes: list[str]) -> bytes:
    from django.utils import translation
    from openpyxl import Workbook

    from imports import rules

    rng = random.Random(tag)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Dữ liệu")
    with translation.override("vi"):
        ws.append([f"{c.header}{' *' if c.required else ''}" for c in rules.PEOPLE_COLUMNS])
    for i in range(rows):
        female = i % 2 == 0
        ws.append(
            [
                f"{rng.choice(['Nguyễn', 'Trần', 'Lê', 'Hoàng'])} "
                f"{'Thị' if female else 'Văn'} {rng.choice(GIVEN_F if female else GIVEN_M)} "
                f"Nhập {tag} {i + 1}",
                "Nữ" if female else "Nam",
                rng.randint(1965, 2003),
                rng.choice(ETHNIC),
                "Chuyên viên",
                rng.choice(["leader", "worker", "staff"]),
                unit_codes[i % len(unit_codes)],
                dt.date(2015 + i % 10, 1 + i % 12, 1 + i % 28),
                f"0{rng.randint(10**10, 10**11 - 1)}" if i % 3 == 0 else "",
                "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def bench_import(officer: Any, sizes: list[tuple[int, int]]) -> list[dict[str, Any]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportStatus
    from imports.services import import_job_create, import_job_run
    from orgs.models import Org

    units = list(
        Org.objects.filter(code__startswith="19.D").order_by("code").values_list("code", flat=True)
    )[:10] or ["19"]
    results = []
    for rows, runs in sizes:
        seconds: list[float] = []
        create_s: list[float] = []
        for run in range(runs):
            content = people_workbook(rows, f"{rows}-{run}", units)
            upload = SimpleUploadedFile(f"bench-{rows}-{run}.xlsx", content)
            start = time.perf_counter()
            job = import_job_create(actor=officer, kind="people", upload=upload)
            middle = time.perf_counter()
            job = import_job_run(job_id=job.pk)
            end = time.perf_counter()
            if job.status != ImportStatus.DONE or job.created_count != rows:
                raise RuntimeError(
                    f"import of {rows} rows ended {job.status}: {job.message} {job.errors[:3]}"
                )
            seconds.append(end - start)
            create_s.append(middle - start)
            log(f"import {rows} rows, run {run + 1}/{runs}: {end - start:.2f} s")
        median = statistics.median(seconds)
        results.append(
            {
                "rows": rows,
                "runs": runs,
                "seconds": round(median, 3),
                "rows_per_s": round(rows / median, 1),
                "create_seconds": round(statistics.median(create_s), 3),
                "all_seconds": [round(s, 3) for s in seconds],
                "file_kb": round(len(content) / 1024, 1),
            }
        )
    return results


# --- b) search latency, c) page render ------------------------------------------------------------


def bench_search(admin: Any, officer: Any) -> list[dict[str, Any]]:
    from accounts.models import User
    from orgs.selectors import org_list
    from people.selectors import person_list

    results = []
    cases: list[tuple[str, str, Callable[..., Any], str]] = [
        ("orgs", "thai nguyen", org_list, "admin"),
        ("orgs", "thai nguyen", org_list, "officer"),
        ("people", "nguyen thi lan", person_list, "admin"),
        ("people", "nguyen thi lan", person_list, "officer"),
    ]
    users = {"admin": admin.pk, "officer": officer.pk}
    for what, query, selector, who in cases:
        found: dict[str, int] = {}

        def once(
            selector: Callable[..., Any] = selector,
            who: str = who,
            query: str = query,
            found: dict[str, int] = found,
        ) -> None:
            user = User.objects.get(pk=users[who])  # a fresh user: reach computed as per request
            qs = selector(user=user, filters={"q": query})
            first_page = list(qs[:25])
            found["count"] = qs.count()
            found["page"] = len(first_page)

        timing = repeat_ms(once, SEARCH_RUNS)
        results.append({"list": what, "q": query, "user": who, **found, **timing})
        log(f"search {what} {query!r} as {who}: median {timing['median_ms']} ms")
    return results


def bench_pages(officer: Any) -> list[dict[str, Any]]:
    from django.test import Client

    client = Client()
    client.force_login(officer)
    results = []
    for url in ("/orgs/?q=bac+kan", "/people/?q=nguyen"):
        status: dict[str, int] = {}

        def once(url: str = url, status: dict[str, int] = status) -> None:
            response = client.get(url)
            status["status"] = response.status_code
            status["bytes"] = len(response.content)

        timing = repeat_ms(once, PAGE_RUNS)
        if status["status"] != 200:
            raise RuntimeError(f"GET {url} answered {status['status']}")
        results.append({"url": url, "user": "officer", **status, **timing})
        log(f"page {url}: median {timing['median_ms']} ms")
    return results


# --- report ---------------------------------------------------------------------------------------


SCORING_RUNS = 30


def scoring_table_data() -> dict[str, Any]:
    """A 1,000-point table of 60 criteria: 5 groups of 200 points with 10 criteria each (every
    kind), 3 bonus and 2 penalty criteria outside the scale."""
    kinds = ["pass_fail", "per_occurrence", "quantitative", "relative_best", "quantitative"]
    groups = []
    for g in range(5):
        children = []
        for i in range(10):
            kind = kinds[(g + i) % len(kinds)]
            item: dict[str, Any] = {
                "code": f"{'ABCDE'[g]}{i + 1}",
                "text": f"Tiêu chí {g + 1}.{i + 1}",
                "kind": kind,
                "max_points": 20,
            }
            if kind == "per_occurrence":
                item["points_each"] = 4
            if kind == "quantitative":
                item["bonus_max"] = 2 if i % 2 else 0
                if i % 3 == 0:
                    item["formula"] = "max_points * min(ratio, 1)"
            children.append(item)
        groups.append(
            {
                "code": "ABCDE"[g],
                "text": f"Nhóm {g + 1}",
                "kind": "group",
                "max_points": 200,
                "children": children,
            }
        )
    extras = [
        {
            "code": f"T{i}",
            "text": f"Điểm thưởng {i}",
            "kind": "bonus",
            "max_points": 30,
            "points_each": 10,
        }
        for i in range(1, 4)
    ] + [
        {
            "code": f"P{i}",
            "text": f"Điểm trừ {i}",
            "kind": "penalty",
            "max_points": 20,
            "points_each": 5,
        }
        for i in range(1, 3)
    ]
    return {
        "scale": 1000,
        "aggregation": "trimmed_mean",
        "tie_breaks": ["group:A", "group:B", "bonus", "vote"],
        "criteria": groups + extras,
    }


def bench_scoring() -> list[dict[str, Any]]:
    """The scoring engine on the issue's case: 60 criteria, 12 members, 3 reviewers each."""
    from scoring import engine

    rng = random.Random(4)
    table = engine.build(scoring_table_data())
    leaves = table.leaves()

    def value(kind: str) -> engine.Entry:
        if kind == "pass_fail":
            return engine.Entry(Decimal(rng.choice([0, 1])))
        if kind in ("per_occurrence", "bonus", "penalty"):
            return engine.Entry(Decimal(rng.randint(0, 6)))
        if kind == "quantitative":
            return engine.Entry(Decimal(f"{rng.uniform(50, 150):.2f}"), Decimal(100))
        return engine.Entry(Decimal(f"{rng.uniform(1, 12):.2f}"))

    entries = {
        f"Thành viên {m + 1}": {c.code: [value(c.kind) for _ in range(3)] for c in leaves}
        for m in range(12)
    }

    def run() -> list[Any]:
        return engine.rank(table, engine.compute(table, entries))

    ranked = run()
    assert len(ranked) == 12 and all(not r.result.missing for r in ranked)
    assert 0 < ranked[-1].result.total <= ranked[0].result.total <= 1090

    timing = repeat_ms(run, SCORING_RUNS)
    build = repeat_ms(lambda: engine.build(scoring_table_data()), SCORING_RUNS)
    return [
        {
            "step": "totals and ranking (12 members × 60 criteria × 3 reviewers)",
            **timing,
            "goal_ms": 200,
        },
        {"step": "validate the 1,000-point table", **build, "goal_ms": None},
    ]


def bench_scoring_save() -> dict[str, Any]:
    """Saving one criterion of a member's sheet (optimistic version check + the new mark), on the
    1,000-point table of a 12-member cluster year, in the benchmark database."""
    from clusters.services import cluster_create, cluster_year_open
    from orgs.models import Org
    from scoring.assessment import self_save, sheet_for
    from scoring.models import Sheet
    from scoring.services import table_create, table_lock, table_publish

    provinces = list(Org.objects.filter(kind="province").order_by("code")[:12])
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=Org.objects.get(code="TW-HDTDKT"),
        code="BENCH-SCORING",
        name="Cụm đo hiệu năng chấm điểm",
    )
    year = cluster_year_open(actor=None, cluster=cluster, year=2024, members=provinces)
    table = table_create(
        actor=None, cluster_year=year, title="Bảng 1.000 điểm", data=scoring_table_data()
    )
    table = table_lock(actor=None, table=table_publish(actor=None, table=table))
    sheet = sheet_for(table=table, org=provinces[0])
    codes = ["A3", "B1", "C5", "D2", "E4"]
    counter = [0]

    def save() -> None:
        counter[0] += 1
        version = Sheet.objects.values_list("version", flat=True).get(pk=sheet.pk)
        self_save(
            actor=None,
            sheet=sheet,
            code=codes[counter[0] % len(codes)],
            value=str(counter[0] % 5),
            note="Đo hiệu năng",
            expected_version=version,
        )

    return {"step": "save one criterion of a sheet", **repeat_ms(save, SCORING_RUNS), "goal_ms": 50}


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    cells = [header, *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(
            c.ljust(w)
            if i == 0 or not c.replace(".", "").replace(",", "").isdigit()
            else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    rule = "-" * len(line(header))
    return "\n".join([f"\n{title}", rule, line(header), rule, *(line(r) for r in cells[1:]), rule])


def report(results: dict[str, Any]) -> str:
    out = [
        f"Thi đua benchmark — {results['meta']['database']} — "
        f"{results['meta']['orgs']:,} orgs, {results['meta']['people']:,} people"
    ]
    out.append(
        table(
            "a) Excel import (import_job_create + import_job_run), officer of Thái Nguyên",
            ["rows", "runs", "seconds (median)", "rows/s", "of which create (s)"],
            [
                [
                    r["rows"],
                    r["runs"],
                    f"{r['seconds']:.2f}",
                    f"{r['rows_per_s']:.0f}",
                    f"{r['create_seconds']:.2f}",
                ]
                for r in results["import"]
            ],
        )
    )
    out.append(
        table(
            f"b) Search: first page of 25 + count, {SEARCH_RUNS} runs",
            ["list", "query", "user", "matches", "median ms", "p95 ms"],
            [
                [
                    r["list"],
                    r["q"],
                    r["user"],
                    r["count"],
                    f"{r['median_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                ]
                for r in results["search"]
            ],
        )
    )
    out.append(
        table(
            f"c) List page render (Django test client, signed-in officer), {PAGE_RUNS} runs",
            ["url", "status", "KB", "median ms", "p95 ms"],
            [
                [
                    r["url"],
                    r["status"],
                    f"{r['bytes'] / 1024:.0f}",
                    f"{r['median_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                ]
                for r in results["pages"]
            ],
        )
    )
    if results.get("scoring"):
        out.append(
            table(
                f"d) Scoring engine, {SCORING_RUNS} runs",
                ["step", "median ms", "p95 ms", "goal ms"],
                [
                    [r["step"], f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}", r["goal_ms"] or "—"]
                    for r in results["scoring"]
                ],
            )
        )
    out.append(
        f"\nLoad average (1/5/15 min) at start {results['meta']['load_average_at_start']}, "
        f"at end {results['meta']['load_average_at_end']} on {results['meta']['machine']}"
    )
    out.append(
        f"\nTotal {results['meta']['seconds']:.0f} s · results in {RESULTS_FILE.relative_to(BASE_DIR)}"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=DESCRIPTION)
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every data size (e.g. 0.05 for a smoke run)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    n_orgs = max(100, int(20_000 * args.scale))
    n_people = max(1_000, int(200_000 * args.scale))
    import_sizes = [(max(50, int(1_000 * args.scale)), 3), (max(100, int(5_000 * args.scale)), 1)]

    db = choose_database()
    prepare_database(db)
    log(f"database: {db.describe()}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    try:
        with stopwatch() as t:
            call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated in {t[0]:.1f} s")
        admin, officer = make_users()
        with stopwatch() as t:
            with transaction.atomic():
                made_orgs = create_orgs(n_orgs)
                made_people = create_people(n_people)
            analyze()
        log(f"created {made_orgs:,} orgs and {made_people:,} people in {t[0]:.1f} s")

        results: dict[str, Any] = {
            "meta": {
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "database": db.describe(),
                "vendor": connection.vendor,
                "python": platform.python_version(),
                "django": django.get_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
                "scale": args.scale,
                "orgs": made_orgs,
                "people": made_people,
                "seed_seconds": round(t[0], 1),
                "load_average_at_start": load_average(),
            }
        }
        results["import"] = bench_import(officer, import_sizes)
        results["search"] = bench_search(admin, officer)
        results["pages"] = bench_pages(officer)
        results["scoring"] = [*bench_scoring(), bench_scoring_save()]
        results["meta"]["load_average_at_end"] = load_average()
        results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
        RESULTS_FILE.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(report(results), flush=True)
    finally:
        if args.keep:
            log(f"kept: {db.describe()}")
        else:
            drop_database(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
