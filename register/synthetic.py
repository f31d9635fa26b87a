"""A realistic synthetic commendation register, built fast (`manage.py gen_synthetic`).

`generate(persons, years, …)` adds, under the real province tree already in the database:

- units (departments and communes, about one per 50 people, at least three per province);
- people with their postings (about 10% transferred once during the period);
- one rating per person and year at the unit they were in, persistent (good people stay good),
  warnings and "did not complete" concentrated in troubled unit-years;
- initiatives (1–3 authors from the same unit) recognised by the unit, the province or centrally;
- decisions and records at realistic rates: LĐTT, CSTĐ cơ sở (persistent, so 3-year chains exist),
  CSTĐ cấp tỉnh on a chain and a province-level initiative, Bằng khen of the province, a few of the
  Prime Minister, very few Huân chương Lao động hạng Ba and CSTĐ toàn quốc; collective titles and a
  rating per unit and year; each use of an initiative as a criterion (InitiativeUse).

Every award is eligible under register.rules with the Law 2022 parameters (tests check each one),
for every year: before 2024 a CSTĐ cơ sở may rest on HTXSNV alone, which the 2003 law's rule set
would not accept. Some older people hold a BK_BO or BK_TTG from before the period, so that the
five-year windows of BK_TTG and HCLD3 can be met. Everything is marked synthetic: unit codes start
"SYN-<seed>-", decision numbers end "/QĐ-SYN", people's notes and decisions' summaries say so.

Speed: rows are made in Python with one `random.Random(seed)` (year by year, person by person), ids
are reserved up front from the tables' sequences, and rows go to PostgreSQL with COPY from writer
threads while Python makes the next year (executemany on SQLite). People are numbered unit by unit,
so rows in person order are also in unit and decision order and every index fills in sweep order.
Decisions are made up front (empty ones dropped at the end) so that records can go to any
connection. Outside a transaction, PostgreSQL gets one connection per CPU (at most four), rows of
one person always on the same one. Constraints, indexes and foreign keys all stay; foreign keys are
checked at the end of each COPY (SET CONSTRAINTS ALL IMMEDIATE) rather than piling up until commit,
and the tables are analysed at the end.
"""

# ruff: noqa: S311, S608  (seeded pseudo-random data; SQL built from model table and column names)
from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import os
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

SYNTHETIC_NOTE = "Dữ liệu tổng hợp (synthetic)"
CODE_PREFIX = "SYN-"
DECISION_SUFFIX = "/QĐ-SYN"

# --- names ----------------------------------------------------------------------------------------

KINH_FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4)]
KINH_FAMILY += [("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2)]
KINH_FAMILY += [("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Mai", 1)]
# Minorities (≈15% of the people) with family names usual among them.
ETHNIC = [
    ("Tày", 19, ["Hoàng", "Nông", "Lương", "Hà", "Ma", "Lục", "Vi", "Đàm"]),
    ("Thái", 18, ["Lò", "Quàng", "Cầm", "Lường", "Vi", "Hà"]),
    ("Mường", 15, ["Bùi", "Đinh", "Quách", "Hà", "Xa"]),
    ("Khmer", 13, ["Thạch", "Sơn", "Kim", "Danh", "Lâm"]),
    ("Mông", 14, ["Giàng", "Vàng", "Sùng", "Thào", "Lý", "Hầu"]),
    ("Nùng", 11, ["Hoàng", "Nông", "Lăng", "Vi", "Chu"]),
    ("Hoa", 8, ["Lâm", "Quách", "Lý", "Trương", "Hứa"]),
    ("Dao", 9, ["Triệu", "Bàn", "Đặng", "Lý"]),
    ("Gia Rai", 5, ["Rơ Mah", "Ksor", "Siu", "Rơ Châm"]),
    ("Ê Đê", 4, ["Niê", "Êban", "Mlô", "Ayun"]),
    ("Ba Na", 3, ["Đinh", "Y"]),
    ("Chăm", 2, ["Đàng", "Thành", "Quảng"]),
]
MINORITY_SHARE = 0.15
MIDDLE_M = ["Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Ngọc", "Trọng"]
MIDDLE_M += ["Quốc", "Tiến", "Mạnh", "Duy"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Kim", "Phương"]
MIDDLE_F += ["Bích", "Thùy", "Mai", "Khánh"]
GIVEN_M = "An Bình Cường Dũng Đạt Hải Hùng Huy Khánh Long Minh Nam Phong Quân Sơn Thắng Toàn"
GIVEN_M += " Trung Tuấn Việt Hiếu Hoàng Kiên Lâm Nghĩa Phúc Tài Thành Thịnh Vinh"
GIVEN_F = "Anh Bích Chi Dung Giang Hà Hằng Hoa Hương Lan Liên Linh Mai Nga Ngọc Nhung Oanh"
GIVEN_F += " Phương Thảo Trang Vân Yến Hạnh Huyền Loan Ly Nhàn Quyên Tâm Thủy"
GIVEN = {False: GIVEN_M.split(), True: GIVEN_F.split()}
MIDDLE = {False: MIDDLE_M, True: MIDDLE_F}

# category, share, positions
CATEGORIES = [
    ("leader", 0.15, ["Trưởng phòng", "Phó Trưởng phòng", "Phó Trưởng phòng", "Phó Giám đốc"]),
    ("worker", 0.30, ["Nhân viên", "Kỹ thuật viên", "Văn thư", "Lái xe", "Nhân viên phục vụ"]),
    ("staff", 0.55, ["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Cán sự", "Công chức"]),
]

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
    "Thanh tra",
    "Ban Quản lý các khu công nghiệp",
    "Đài Phát thanh và Truyền hình",
    "Trường Chính trị",
    "Liên đoàn Lao động",
    "Hội Liên hiệp Phụ nữ",
    "Hội Nông dân",
]
SUBUNITS = [
    "Trung tâm Dịch vụ công",
    "Trung tâm Đào tạo",
    "Trung tâm Công nghệ thông tin",
    "Ban Quản lý dự án",
    "Trung tâm Kiểm định",
    "Chi cục Quản lý chuyên ngành",
]
PLACE = "An Bình Hòa Phú Tân Thịnh Phúc Lộc Thành Trung Đông Tây Nam Bắc Hưng Long Quang Minh"
PLACE += " Xuân Thuận Hải Sơn Lâm Mỹ Vĩnh Khánh Định Hiệp Lợi Yên"
PLACES = PLACE.split()
TOPICS = [
    "cải cách thủ tục hành chính",
    "số hóa hồ sơ lưu trữ",
    "nâng cao chất lượng phục vụ người dân",
    "tiết kiệm chi thường xuyên",
    "quản lý văn bản điện tử",
    "ứng dụng phần mềm quản lý thi đua, khen thưởng",
    "tuyên truyền, phổ biến pháp luật",
    "rút ngắn thời gian giải quyết hồ sơ",
    "quản lý tài sản công",
    "nâng cao chất lượng đội ngũ công chức",
    "phòng, chống thiên tai",
    "bảo vệ môi trường khu dân cư",
    "xây dựng nông thôn mới",
    "chuyển đổi số trong quản lý nhà nước",
    "tiếp công dân và giải quyết khiếu nại",
]

# --- rates ----------------------------------------------------------------------------------------

RATINGS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")  # indexes 0..3
# A person's underlying level (0 excellent, 1 good, 2 fair) keeps from one year to the next with
# probability PERSIST, else is drawn afresh from their category's shares (leaders rated higher).
PERSIST = 0.6
LEVEL_SHARES = {"leader": (0.24, 0.62), "worker": (0.12, 0.66), "staff": (0.15, 0.66)}
# Troubled unit-years hold the "did not complete" ratings and the warnings, so most units have none
# (the collective titles need every member to complete their tasks and no warning).
TROUBLED_KEEP, TROUBLED_START = 0.55, 0.15  # ≈25% of unit-years
KHTNV_IF_TROUBLED = (0.0, 0.06, 0.40)  # by level
WARNING_IF_TROUBLED = 0.02  # ≈0.5% of person-years; the rating becomes KHTNV or HTNV
P_LDTT = 0.94  # of those rated HTTNV or better
P_CSTD_CS_AGAIN, P_CSTD_CS_FIRST = 0.9, 0.5  # of those eligible, after a CSTĐ cơ sở or not
P_CSTD_BO = 0.55
P_CSTD_TQ = 0.7
P_BK_BO = 0.2
P_BK_TTG = 0.35
P_HCLD3 = 0.4
# Initiatives led per person-year, by rating (≈6% grassroots, ≈1% province, ≈0.05% nationwide).
P_INIT_CO_SO = (0.15, 0.05, 0.015, 0.0)
P_INIT_BO_TINH = (0.008, 0.002, 0.0003, 0.0)
# More after a CSTĐ cơ sở (aiming at the province title), by rating.
P_INIT_BO_TINH_ON_CHAIN = (0.12, 0.025, 0.0, 0.0)
P_INIT_TQ = (0.0002, 0.00002, 0.0, 0.0)
P_INIT_TQ_ON_CHAIN = 0.015  # after three or more CSTĐ cơ sở in a row
CO_AUTHORS = (0.55, 0.85)  # cumulative: none, one, else two
P_TRANSFER = 0.10
P_TRANSFER_SAME_PROVINCE = 0.7
# Units: unit rating shares (excellent, good, fair; rest "did not complete") and title chances.
UNIT_RATING_OK = (0.20, 0.85, 1.0)
UNIT_RATING_TROUBLED = (0.0, 0.40, 0.85)
P_TTLDTT, P_TTLDXS = 0.8, 0.95
LDTT_TENTHS_TT, LDTT_TENTHS_XS = 5, 7  # LĐTT members needed, in tenths (rule-set shares)
# Awards before the period, so that five-year windows (BK_TTG, HCLD3) can start at once.
P_LEGACY_BK_BO, P_LEGACY_BK_TTG = 0.04, 0.006  # of people born before 1980
LEGACY_YEARS = 8

Log = Callable[[str], None]


# --- database writing -----------------------------------------------------------------------------

Row = tuple[Any, ...]
Item = tuple[str, Any]  # ("copy", (table, sql, rows, plain)) | ("commit", None) | ("stop", None)


class _Lane:
    """One database connection fed from a queue by its own thread (PostgreSQL COPY).

    A lane that owns its connection commits at each barrier; one that shares Django's connection
    (single-transaction mode) only drains, and nothing else may use that connection meanwhile.
    """

    def __init__(self, writer: _Writer, raw: Any, owns: bool, name: str) -> None:
        self.writer = writer
        self.raw = raw
        self.owns = owns
        self.queue: queue.Queue[Item] = queue.Queue(4)
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        writer = self.writer
        while True:
            kind, payload = self.queue.get()
            try:
                if kind == "stop":
                    return
                if writer.error is not None:
                    continue  # drain, so that the producer never blocks
                started = time.perf_counter()
                if kind == "commit":
                    if self.owns:
                        self.raw.commit()
                    continue
                table, sql, rows, plain = payload
                with self.raw.cursor() as cursor:
                    if self.owns:
                        # Foreign keys checked at the end of each COPY, not all at commit.
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    with cursor.copy(sql) as copy:
                        if plain:
                            # Numbers, dates, NULLs and fixed codes: COPY text without escaping,
                            # about three times faster than write_row.
                            text = "\n".join(["\t".join(map(str, row)) for row in rows])
                            copy.write(text.replace("\tNone", "\t\\N") + "\n")
                        else:
                            write_row = copy.write_row
                            for row in rows:
                                write_row(row)
                spent = time.perf_counter() - started
                with writer.lock:
                    writer.busy += spent
                    writer.busy_by_table[table] = writer.busy_by_table.get(table, 0.0) + spent
            except BaseException as exc:  # handed to the producer
                writer.error = writer.error or exc
            finally:
                self.queue.task_done()

    def put(self, item: Item) -> None:
        while True:
            self.writer.check()
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def stop(self, rollback: bool) -> None:
        with contextlib.suppress(queue.Full):
            self.queue.put(("stop", None), timeout=60)
        self.thread.join(timeout=600)
        if self.owns:
            with contextlib.suppress(Exception):
                if rollback:
                    self.raw.rollback()
                self.raw.close()


class _Writer:
    """Rows to tables: COPY on PostgreSQL, executemany elsewhere (SQLite).

    parallel (PostgreSQL outside a transaction): several connections, each with its own transaction
    committed at each barrier(); rows of one person go to one connection (`by_person`), so that
    two transactions seldom lock the same person. Otherwise one lane on Django's connection, inside
    the caller's transaction, and barrier() only waits.
    """

    CHUNK = 100_000

    def __init__(self, lanes: int, parallel: bool, person_first: int, persons: int) -> None:
        from django.db import connection

        self.connection = connection
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None
        self.lock = threading.Lock()
        self.busy = 0.0  # seconds spent storing rows, summed over the connections
        self.busy_by_table: dict[str, float] = {}
        self.person_first = person_first
        self.persons = persons
        self.lanes: list[_Lane] = []
        if connection.vendor == "postgresql":
            if parallel:
                wrapper: Any = connection
                params = wrapper.get_connection_params()
                for k in range(lanes):
                    raw = wrapper.Database.connect(**params)
                    self.lanes.append(_Lane(self, raw, True, f"gen-synthetic-{k}"))
            else:
                connection.ensure_connection()
                self.lanes.append(_Lane(self, connection.connection, False, "gen-synthetic"))

    def check(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"writing the synthetic register failed: {self.error}") from (
                self.error
            )

    def pending(self) -> int:
        return sum(lane.queue.qsize() for lane in self.lanes)

    def write(
        self,
        model: Any,
        names: Sequence[str],
        rows: list[Row],
        by_person: int | None = None,
        lane: int = 0,
        plain: bool = False,
    ) -> None:
        """Store `rows` (tuples in the order of the fields `names`). `by_person`: the position of
        the person's id in the rows, to send each person's rows to the same connection. `plain`:
        the values are only numbers, dates, None, booleans and strings without tabs, newlines,
        backslashes or "None" (written as text directly, not escaped)."""
        if not rows:
            return
        self.check()
        table = model._meta.db_table
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(n).column) for n in names)
        if not self.lanes:
            marks = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"
            started = time.perf_counter()
            with self.connection.cursor() as cursor:
                for start in range(0, len(rows), 10_000):
                    cursor.executemany(sql, rows[start : start + 10_000])
            spent = time.perf_counter() - started
            self.busy += spent
            self.busy_by_table[table] = self.busy_by_table.get(table, 0.0) + spent
            return
        sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
        lanes = len(self.lanes)
        if lanes > 1 and by_person is not None:
            parts: list[list[Row]] = [[] for _ in range(lanes)]
            first, n = self.person_first, self.persons
            for row in rows:
                person = row[by_person]
                k = (person - first) * lanes // n if person is not None else lane % lanes
                parts[k].append(row)
        else:
            parts = [[] for _ in range(lanes)]
            parts[lane % lanes] = rows
        for k, part in enumerate(parts):
            for start in range(0, len(part), self.CHUNK):
                chunk = part[start : start + self.CHUNK]
                self.lanes[k].put(("copy", (table, sql, chunk, plain)))

    def barrier(self) -> None:
        """Wait until everything written so far is stored (and, in parallel mode, committed)."""
        for lane in self.lanes:
            lane.put(("commit", None))
        for lane in self.lanes:
            lane.queue.join()
        self.check()

    def close(self) -> None:
        self.barrier()
        for lane in self.lanes:
            lane.stop(rollback=False)
        self.lanes = []

    def abort(self) -> None:
        self.error = self.error or RuntimeError("aborted")
        for lane in self.lanes:
            lane.stop(rollback=True)
        self.lanes = []


class _Ids:
    """Primary keys handed out in Python: a block reserved from each table's sequence up front."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}  # the last id reserved (PostgreSQL)
        self.reserved: dict[str, tuple[str, int]] = {}  # table -> (sequence, last reserved)

    def reserve(self, model: Any, bound: int) -> int:
        """The first of `bound` ids nobody else will take (on PostgreSQL, by moving the sequence)."""
        table = model._meta.db_table
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {quote(table)}")
            top = cursor.fetchone()[0] or 0
            if self.connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = max(int(cursor.fetchone()[0]), top + 1)
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + bound])
                self.reserved[table] = (sequence, first + bound)
                self.last[table] = first + bound
            else:
                if self.connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    top = max(top, row[0] if row else 0)
                first = top + 1
        self.first[table] = first
        return first

    def release(self, model: Any, next_free: int) -> None:
        """Give back the unused end of the block, unless someone drew from the sequence since."""
        table = model._meta.db_table
        if table not in self.reserved:
            return
        sequence, last = self.reserved.pop(table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {sequence}")
            if cursor.fetchone()[0] == last:
                if next_free > self.first[table]:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, next_free - 1])
                else:
                    cursor.execute("SELECT setval(%s, %s, false)", [sequence, next_free])


# --- helpers --------------------------------------------------------------------------------------


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(r: float, cum: Sequence[float]) -> int:
    i = 0
    while i < len(cum) - 1 and r >= cum[i]:
        i += 1
    return i


class _Names:
    def __init__(self, rng: random.Random) -> None:
        from core.text import fold

        self.rng = rng
        self.fold = fold
        self.keys: dict[str, str] = {}
        self.kinh = [f for f, _w in KINH_FAMILY]
        self.kinh_cum = _cumulative([w for _f, w in KINH_FAMILY])
        self.ethnic = [e for e, _w, _f in ETHNIC]
        self.ethnic_cum = _cumulative([w for _e, w, _f in ETHNIC])
        self.ethnic_family = {e: f for e, _w, f in ETHNIC}

    def person(self) -> tuple[str, str, str, str]:
        """(full name, name key, gender, ethnicity)."""
        rand = self.rng.random
        female = rand() < 0.5
        if rand() < MINORITY_SHARE:
            ethnicity = self.ethnic[bisect.bisect(self.ethnic_cum, rand() * self.ethnic_cum[-1])]
            families = self.ethnic_family[ethnicity]
            family = families[int(rand() * len(families))]
        else:
            ethnicity = "Kinh"
            family = self.kinh[bisect.bisect(self.kinh_cum, rand() * self.kinh_cum[-1])]
        middle, given = MIDDLE[female], GIVEN[female]
        name = f"{family} {middle[int(rand() * len(middle))]} {given[int(rand() * len(given))]}"
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = self.fold(name)
        return name, key, "F" if female else "M", ethnicity


def _date(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


FIELDS: dict[str, list[str]] = {
    "org": [
        "id",
        "code",
        "name",
        "short_name",
        "kind",
        "parent",
        "path",
        "aliases",
        "address",
        "valid_from",
        "valid_to",
        "search_key",
        "created_at",
        "updated_at",
    ],
    "person": [
        "id",
        "full_name",
        "gender",
        "birth_year",
        "ethnicity",
        "position",
        "category",
        "unit",
        "id_number",
        "note",
        "name_key",
        "created_at",
        "updated_at",
    ],
    "posting": ["id", "person", "org", "position", "start_date", "end_date", "decision"],
    "rating": ["id", "person", "year", "org", "rating", "discipline", "updated_at"],
    "record": [
        "id",
        "decision",
        "person",
        "org",
        "unit",
        "code",
        "year",
        "amount",
        "revoked",
        "note",
        "created_at",
        "decision_date",
    ],
    "decision": [
        "id",
        "number",
        "date",
        "issuer",
        "signer",
        "signer_title",
        "category",
        "movement",
        "fund",
        "file",
        "summary",
        "created_by",
        "created_at",
    ],
    "initiative": [
        "id",
        "code",
        "title",
        "kind",
        "recognised_by",
        "recognised_on",
        "year",
        "scope",
        "created_at",
    ],
    "author": ["id", "initiative", "person"],
    "use": ["id", "initiative", "record", "code", "year", "note", "created_by", "created_at"],
    "unit_rating": ["id", "org", "year", "rating"],
}


# --- the generator --------------------------------------------------------------------------------


class _Generator:
    """One run. prepare() reads and reserves; units(), people(), register() only write."""

    def __init__(
        self, persons: int, years: int, end_year: int, seed: int, units: int | None, log: Log
    ) -> None:
        from django.db import connection
        from django.utils import timezone

        if persons < 1 or years < 1:
            raise ValueError("persons and years must be at least 1")
        first_year = end_year - years + 1
        if first_year - LEGACY_YEARS < 1946 or end_year > 2098:
            raise ValueError(f"the period must lie between {1946 + LEGACY_YEARS} and 2098")
        if units is not None and units < 1:
            raise ValueError("units must be at least 1")
        self.n = persons
        self.years = years
        self.end_year = end_year
        self.first_year = first_year
        self.base_year = first_year - LEGACY_YEARS - 1  # bit 0 of the history masks
        self.seed = seed
        self.units_wanted = units
        self.log = log
        self.rng = random.Random(seed)
        now = timezone.now()
        self.now: Any = (
            now
            if connection.vendor == "postgresql"
            else connection.ops.adapt_datetimefield_value(now)
        )
        self.ids = _Ids()
        self.records_by_code: dict[str, int] = {}
        self.initiatives_by_scope: dict[str, int] = {}
        self.uses_by_code: dict[str, int] = {}

    # reading and reserving -------------------------------------------------------------------------

    def prepare(self) -> None:
        from orgs.models import LineageEvent, Org
        from people.models import Person, Posting
        from register.models import (
            Award,
            BaseSalary,
            Decision,
            Initiative,
            InitiativeUse,
            Rating,
            Record,
            UnitRating,
        )

        self.provinces = list(Org.objects.filter(kind="province").order_by("code"))
        if not self.provinces:
            raise RuntimeError("no provinces: run migrate first (it loads the province tree)")
        self.central_id: int | None = (
            Org.objects.filter(kind="central").order_by("id").values_list("id", flat=True).first()
        )
        self.province_valid_to = {p.pk: p.valid_to for p in self.provinces}
        self.successor: dict[int, tuple[int, dt.date]] = {
            e.predecessor_id: (e.successor_id, e.effective_date)
            for e in LineageEvent.objects.filter(kind__in=["merged_into", "renamed"])
            if e.successor_id is not None
        }
        self.multiples: dict[str, Decimal | None] = dict(
            Award.objects.values_list("code", "reward_multiple")
        )
        self.salaries = sorted(BaseSalary.objects.values_list("valid_from", "amount"))
        tag, k = str(self.seed), 1
        while Org.objects.filter(code__startswith=f"{CODE_PREFIX}{tag}-").exists():
            k += 1
            tag = f"{self.seed}r{k}"
        self.tag = tag
        self.u = self.units_wanted or max(self.n // 50, 3 * len(self.provinces))
        n, u, y = self.n, self.u, self.years
        ids = self.ids
        self.org_first = ids.reserve(Org, u)
        self.person_first = ids.reserve(Person, n)
        self.posting_first = ids.reserve(Posting, 2 * n)
        p = len(self.provinces)
        self.decision_first = ids.reserve(Decision, (u + p + 2) * (y + LEGACY_YEARS + 1))
        self.rating_first = ids.reserve(Rating, n * y)
        self.record_first = ids.reserve(Record, 8 * n * y + n + 2 * u * y)
        self.initiative_first = ids.reserve(Initiative, n * y)
        self.author_first = ids.reserve(Initiative.authors.through, 3 * n * y)
        self.use_first = ids.reserve(InitiativeUse, n * y)
        self.unit_rating_first = ids.reserve(UnitRating, u * y)
        self.posting_next = self.posting_first
        self.decision_next = self.decision_first
        self.rating_next = self.rating_first
        self.record_next = self.record_first
        self.initiative_next = self.initiative_first
        self.author_next = self.author_first
        self.use_next = self.use_first
        self.unit_rating_next = self.unit_rating_first

    def _tables(self) -> list[tuple[Any, int, int]]:
        """(model, first id, next id) of every table written, referencing ones first."""
        from orgs.models import Org
        from people.models import Person, Posting
        from register.models import (
            Decision,
            Initiative,
            InitiativeUse,
            Rating,
            Record,
            UnitRating,
        )

        return [
            (InitiativeUse, self.use_first, self.use_next),
            (Initiative.authors.through, self.author_first, self.author_next),
            (Initiative, self.initiative_first, self.initiative_next),
            (Record, self.record_first, self.record_next),
            (Rating, self.rating_first, self.rating_next),
            (UnitRating, self.unit_rating_first, self.unit_rating_next),
            (Decision, self.decision_first, self.decision_next),
            (Posting, self.posting_first, self.posting_next),
            (Person, self.person_first, self.person_first + self.n),
            (Org, self.org_first, self.org_first + self.u),
        ]

    def drop_empty_decisions(self) -> int:
        """Decisions were made up front for every unit, province and year: drop those left empty."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM register_decision WHERE id >= %s AND id < %s AND NOT EXISTS "
                "(SELECT 1 FROM register_record WHERE register_record.decision_id = register_decision.id)",
                [self.decision_first, self.decision_next],
            )
            return int(cursor.rowcount)

    def finish(self) -> None:
        """Give back the ids reserved but not used."""
        for model, _first, next_free in self._tables():
            self.ids.release(model, next_free)

    def cleanup(self) -> None:
        """Remove what a failed parallel run had already committed (its own id ranges only)."""
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model, first, _next in self._tables():
                last = self.ids.last.get(model._meta.db_table, first)
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} WHERE id >= %s AND id <= %s",
                    [first, last],
                )

    # units -----------------------------------------------------------------------------------------

    def units(self, writer: _Writer) -> None:
        """Departments (a quarter) and communes under the provinces, bigger cities getting more."""
        from orgs.models import Org
        from orgs.reference import search_key_for

        rng = self.rng
        provinces = self.provinces
        total = self.u
        weights = [rng.uniform(0.6, 1.4) * (3 if p.code in ("01", "79") else 1) for p in provinces]
        floor = min(3, total // len(provinces))
        counts = [floor] * len(provinces)
        for k in rng.choices(range(len(provinces)), weights=weights, k=total - floor * len(counts)):
            counts[k] += 1
        rows: list[Row] = []
        self.unit_org: list[int] = []
        self.unit_province: list[int] = []
        self.unit_kind: list[str] = []
        self.unit_short: list[str] = []
        sizes: list[float] = []
        oid = self.org_first
        tag = self.tag
        for prov, count in zip(provinces, counts, strict=True):
            place = prov.short_name or prov.name
            of_province = prov.name[:1].lower() + prov.name[1:]  # "tỉnh Thái Nguyên"
            departments = max(1, round(count * 0.25)) if count > 1 else 0
            for k in range(count):
                if k < departments:
                    base = DEPARTMENTS[k % len(DEPARTMENTS)]
                    lap = k // len(DEPARTMENTS)
                    if lap:
                        base = f"{SUBUNITS[(lap - 1) % len(SUBUNITS)]} – {base}"
                        if lap > len(SUBUNITS):
                            base += f" ({(lap - 1) // len(SUBUNITS) + 1})"
                    code = f"{CODE_PREFIX}{tag}-{prov.code}.D{k:03d}"
                    name, short, kind = f"{base} {of_province}", f"{base} {place}", "department"
                else:
                    word = "Phường" if rng.random() < 0.25 else "Xã"
                    short = f"{word} {rng.choice(PLACES)} {rng.choice(PLACES)}"
                    code = f"{CODE_PREFIX}{tag}-{prov.code}.X{k:04d}"
                    name, kind = f"{short}, {of_province}", "commune"
                rows.append(
                    (
                        oid,
                        code,
                        name,
                        short,
                        kind,
                        prov.pk,
                        f"{prov.path}{oid}/",
                        "",
                        "",
                        None,
                        None,
                        search_key_for(code, name, short, ""),
                        self.now,
                        self.now,
                    )
                )
                self.unit_org.append(oid)
                self.unit_province.append(prov.pk)
                self.unit_kind.append(kind)
                self.unit_short.append(short)
                sizes.append(rng.uniform(0.3, 1.7))
                oid += 1
        writer.write(Org, FIELDS["org"], rows)
        self.unit_cum = _cumulative(sizes)
        self.units_by_province: dict[int, list[int]] = {}
        for u, p in enumerate(self.unit_province):
            self.units_by_province.setdefault(p, []).append(u)

    # people ----------------------------------------------------------------------------------------

    def people(self, writer: _Writer) -> None:
        """People in units (sized unevenly), one posting each, a second for the 10% transferred.

        Born 1965–2000, but at least 20 years old when the period starts (they are rated from then).
        """
        from people.models import Person, Posting

        rng = self.rng
        rand, randint = rng.random, rng.randint
        n, u_count = self.n, self.u
        first_year, end_year = self.first_year, self.end_year
        names = _Names(rng)
        cat_cum = _cumulative([s for _c, s, _p in CATEGORIES])
        positions = [p for _c, _s, p in CATEGORIES]
        cat_names = [c for c, _s, _p in CATEGORIES]
        unit_org, unit_province, by_province = (
            self.unit_org,
            self.unit_province,
            self.units_by_province,
        )
        # People numbered unit by unit (as a staff list would be imported): rows in person order
        # are then in unit and decision order too, so that every index fills in sweep order.
        u0 = sorted(rng.choices(range(u_count), cum_weights=self.unit_cum, k=n))
        u1 = list(u0)
        moved = [0] * n  # the year from which a person works at u1 (0: never moved)
        cat = [0] * n
        birth = [0] * n
        latest_birth = max(1965, min(2000, first_year - 20))
        people: list[Row] = []
        postings: list[Row] = []
        post_id = self.posting_first
        pid = self.person_first
        span = end_year - first_year
        now = self.now
        for i in range(n):
            name, key, gender, ethnicity = names.person()
            c = _pick(rand(), cat_cum)
            cat[i] = c
            position = positions[c][int(rand() * len(positions[c]))]
            born = randint(1965, latest_birth)
            birth[i] = born
            start_year = randint(max(born + 20, first_year - 25), first_year)
            start = _date(start_year, randint(1, 12), randint(1, 28))
            if span and rand() < P_TRANSFER:
                pool: Sequence[int] = by_province[unit_province[u0[i]]]
                if len(pool) < 2 or rand() >= P_TRANSFER_SAME_PROVINCE:
                    pool = range(u_count)
                if len(pool) > 1:
                    target = u0[i]
                    while target == u0[i]:
                        target = pool[int(rand() * len(pool))]
                    year = first_year + 1 + int(rand() * span)
                    month, day = randint(1, 12), randint(2, 28)
                    u1[i] = target
                    moved[i] = year
                    end = _date(year, month, day - 1)
                    postings.append((post_id, pid, unit_org[u0[i]], position, start, end, ""))
                    post_id += 1
                    start = _date(year, month, day)
            unit = unit_org[u1[i]]
            postings.append((post_id, pid, unit, position, start, None, ""))
            post_id += 1
            people.append(
                (
                    pid,
                    name,
                    gender,
                    born,
                    ethnicity,
                    position,
                    cat_names[c],
                    unit,
                    "",
                    SYNTHETIC_NOTE,
                    key,
                    now,
                    now,
                )
            )
            pid += 1
        writer.write(Person, FIELDS["person"], people, by_person=0)
        writer.write(Posting, FIELDS["posting"], postings, by_person=1, plain=True)
        self.posting_next = post_id
        self.u0, self.u1, self.moved, self.cat, self.birth = u0, u1, moved, cat, birth
        self.cat_names = cat_names

    # decisions -------------------------------------------------------------------------------------

    def _province_on(self, province: int, day: dt.date) -> int:
        """The province, or what it had been merged into by `day`."""
        for _ in range(10):
            if province not in self.successor:
                break
            successor, effective = self.successor[province]
            valid_to = self.province_valid_to.get(province)
            if day < effective and (valid_to is None or day <= valid_to):
                break
            province = successor
        return province

    def _amount(self, code: str, day: dt.date) -> int:
        """Multiple × the base salary on the decision's date, as register.catalogue.reward_amount."""
        key = (code, day)
        amount = self._amounts.get(key)
        if amount is None:
            multiple = self.multiples.get(code)
            salary = None
            for start, value in self.salaries:
                if start <= day:
                    salary = value
            amount = 0
            if multiple is not None and salary is not None:
                amount = int((multiple * salary).to_integral_value())
            self._amounts[key] = amount
        return amount

    def decisions(self, writer: _Writer) -> None:
        """One decision per unit and year (its grassroots titles, dated early the next year), per
        province and year (province titles and forms, collective titles; the province it had been
        merged into by then signs), and centrally per year (Prime Minister; State President).

        Made up front so that records can go to any connection; those left empty are dropped at
        the end (drop_empty_decisions).
        """
        from register.catalogue import fund_for_kind
        from register.models import Decision

        rng = random.Random(self.seed + 2)
        rand = rng.random
        signers = _Names(rng)
        provinces = sorted(set(self.unit_province))
        rows: list[Row] = []
        did = self.decision_first
        now = self.now
        self.unit_decisions: dict[int, list[tuple[int, dt.date]]] = {}
        self.province_decisions: dict[int, dict[int, tuple[int, dt.date]]] = {}
        self.central_decisions: dict[tuple[str, int], tuple[int, dt.date]] = {}

        def add(
            day: dt.date, issuer: int, title: str, summary: str, fund: str
        ) -> tuple[int, dt.date]:
            nonlocal did
            rows.append(
                (
                    did,
                    f"{did}{DECISION_SUFFIX}",
                    day.isoformat(),
                    issuer,
                    signers.person()[0],
                    title,
                    "cong_trang",
                    None,
                    fund,
                    "",
                    f"{summary} — {SYNTHETIC_NOTE}",
                    None,
                    now,
                )
            )
            did += 1
            return did - 1, day

        def late(year: int, month: int, days: int) -> dt.date:
            return dt.date(year + 1, month, 1) + dt.timedelta(days=int(rand() * days))

        for year in range(self.first_year - LEGACY_YEARS, self.end_year + 1):
            in_period = year >= self.first_year
            if in_period:
                self.unit_decisions[year] = [
                    add(
                        late(year, 1, 80),
                        org,
                        "Giám đốc" if kind == "department" else "Chủ tịch Ủy ban nhân dân",
                        f"Công nhận danh hiệu thi đua năm {year}",
                        fund_for_kind(kind),
                    )
                    for org, kind in zip(self.unit_org, self.unit_kind, strict=True)
                ]
            by_province = self.province_decisions[year] = {}
            for province in provinces:
                day = late(year, 4, 60)
                by_province[province] = add(
                    day,
                    self._province_on(province, day),
                    "Chủ tịch Ủy ban nhân dân",
                    f"Khen thưởng thành tích năm {year}",
                    fund_for_kind("province"),
                )
            if self.central_id:
                self.central_decisions["ttg", year] = add(
                    late(year, 7, 120),
                    self.central_id,
                    "Thủ tướng Chính phủ",
                    f"Khen thưởng thành tích năm {year}",
                    fund_for_kind("central"),
                )
                if in_period:
                    self.central_decisions["ctn", year] = add(
                        late(year, 8, 120),
                        self.central_id,
                        "Chủ tịch nước",
                        f"Tặng Huân chương Lao động, thành tích năm {year}",
                        fund_for_kind("central"),
                    )
        writer.write(Decision, FIELDS["decision"], rows, lane=1)
        self.decision_next = did

    def _record(
        self,
        dec: tuple[int, dt.date],
        code: str,
        year: int,
        person: int | None,
        org: int | None,
        unit: int | None,
    ) -> int:
        rid = self.record_next
        self.record_next += 1
        self._records.append(
            (
                rid,
                dec[0],
                person,
                org,
                unit,
                code,
                year,
                self._amount(code, dec[1]),
                False,
                "",
                self.now,
                dec[1],
            )
        )
        self.records_by_code[code] = self.records_by_code.get(code, 0) + 1
        return rid

    def _use(self, initiative: tuple[int, int, int], code: str, year: int, record: int) -> None:
        self.used[initiative[0] - self.initiative_first] = 1
        self._uses.append(
            (self.use_next, initiative[0], record, code, year, SYNTHETIC_NOTE, None, self.now)
        )
        self.use_next += 1
        self.uses_by_code[code] = self.uses_by_code.get(code, 0) + 1

    # the register ----------------------------------------------------------------------------------

    def register(self, writer: _Writer) -> None:
        """Year by year: ratings, initiatives, records, unit ratings (uses kept for uses())."""
        from register.models import Record

        n = self.n
        self._amounts: dict[tuple[str, dt.date], int] = {}
        self._records: list[Row] = []
        self._uses: list[Row] = []
        self.used = bytearray(n * self.years)  # by initiative id − first id
        rand = self.rng.random
        level_cum = {
            c: [*_cumulative(LEVEL_SHARES[name]), 1.0] for c, name in enumerate(self.cat_names)
        }
        state = _State(
            level=[_pick(rand(), level_cum[c]) for c in self.cat],
            level_cum=[level_cum[c] for c in self.cat],
            n=n,
        )
        steady = TROUBLED_START / (1 - TROUBLED_KEEP + TROUBLED_START)
        self.troubled = [rand() < steady for _ in range(self.u)]

        legacy = self._legacy(state)
        if legacy:
            writer.write(Record, FIELDS["record"], self._records, by_person=2, plain=True)
            self.log(f"  before {self.first_year}: {legacy:,} earlier awards (BK_BO, BK_TTG)")
        for year in range(self.first_year, self.end_year + 1):
            started = time.perf_counter()
            counts = self._year(year, state, writer)
            seconds = time.perf_counter() - started
            self.log(
                f"  {year}: {counts['ratings']:,} ratings, {counts['initiatives']:,} initiatives, "
                f"{counts['records']:,} records, {counts['uses']:,} uses — {seconds:.1f} s"
                + (f" (database {writer.pending()} batches behind)" if writer.pending() else "")
            )

    def _legacy(self, state: _State) -> int:
        """BK_BO and BK_TTG before the period for some older people (at their first unit)."""
        rand = self.rng.random
        base, first_year = self.base_year, self.first_year
        central = self.central_id
        by_year: dict[int, list[tuple[int, str]]] = {}
        for i in range(self.n):
            if self.birth[i] >= 1980:
                continue
            r = rand()
            if r < P_LEGACY_BK_TTG and central:
                year = first_year - 1 - int(rand() * LEGACY_YEARS)
                by_year.setdefault(year, []).append((i, "BK_TTG"))
                state.ttg[i] |= 1 << (year - base)
            elif r < P_LEGACY_BK_TTG + P_LEGACY_BK_BO:
                year = first_year - 1 - int(rand() * LEGACY_YEARS)
                by_year.setdefault(year, []).append((i, "BK_BO"))
                state.bk[i] |= 1 << (year - base)
        made = 0
        for year in sorted(by_year):
            for i, code in by_year[year]:
                u = self.u0[i]
                if code == "BK_TTG":
                    dec = self.central_decisions["ttg", year]
                else:
                    dec = self.province_decisions[year][self.unit_province[u]]
                self._record(dec, code, year, self.person_first + i, None, self.unit_org[u])
                made += 1
        return made

    def _year(self, year: int, s: _State, writer: _Writer) -> dict[str, int]:
        from register.models import Initiative, Rating, Record, UnitRating

        rng = self.rng
        rand = rng.random
        n, u_count = self.n, self.u
        now = self.now
        pfirst = self.person_first
        unit_org, unit_province = self.unit_org, self.unit_province
        u0, u1, moved = self.u0, self.u1, self.moved
        central = self.central_id
        bit = 1 << (year - self.base_year)
        self._records = []
        uses_before = len(self._uses)
        record, use = self._record, self._use
        unit_decisions = self.unit_decisions[year]
        province_decisions = self.province_decisions[year]
        # Only used when there is a central body (`central`).
        ttg = self.central_decisions.get(("ttg", year), (0, dt.date.min))
        ctn = self.central_decisions.get(("ctn", year), (0, dt.date.min))
        used = self.used
        ifirst = self.initiative_first
        ratings: list[Row] = []
        initiatives: list[Row] = []
        authors: list[Row] = []
        unit_ratings: list[Row] = []
        members: list[list[int]] = [[] for _ in range(u_count)]
        troubled = self.troubled = [
            rand() < (TROUBLED_KEEP if was else TROUBLED_START) for was in self.troubled
        ]
        level, level_cum, run = s.level, s.level_cum, s.run
        unit_now, rating_now, warned = s.unit_now, s.rating_now, s.warned
        leads: list[tuple[int, int]] = []
        rid = self.rating_next

        # Pass 1: unit, rating and warning; who leads an initiative.
        for i in range(n):
            m = moved[i]
            u = u1[i] if m and year >= m else u0[i]
            unit_now[i] = u
            members[u].append(i)
            lv = level[i]
            r = rand()
            if r >= PERSIST:
                r = (r - PERSIST) / (1 - PERSIST)
                cum = level_cum[i]
                lv = 0 if r < cum[0] else 1 if r < cum[1] else 2
                level[i] = lv
            rating = lv
            discipline = ""
            if troubled[u]:
                r = rand()
                if r < WARNING_IF_TROUBLED:
                    discipline = "CANH_CAO"
                    rating = 3 if r < WARNING_IF_TROUBLED * 0.7 else 2
                elif r < WARNING_IF_TROUBLED + KHTNV_IF_TROUBLED[lv]:
                    rating = 3
            rating_now[i] = rating
            warned[i] = 1 if discipline else 0
            ratings.append((rid, pfirst + i, year, unit_org[u], RATINGS[rating], discipline, now))
            rid += 1
            if rating == 3:
                continue
            r = rand()
            p = P_INIT_TQ[rating] + (P_INIT_TQ_ON_CHAIN if run[i] >= 3 else 0.0)
            if r < p:
                leads.append((i, 2))
                continue
            p += P_INIT_BO_TINH[rating] + (P_INIT_BO_TINH_ON_CHAIN[rating] if run[i] else 0.0)
            if r < p:
                leads.append((i, 1))
            elif r < p + P_INIT_CO_SO[rating]:
                leads.append((i, 0))
        self.rating_next = rid

        # Initiatives: 1–3 authors of the unit, recognised by the unit, the province or centrally.
        inits = s.inits
        iid, aid = self.initiative_next, self.author_next
        scope_names = ("CO_SO", "BO_TINH", "TOAN_QUOC")
        scope_words = ("cấp cơ sở", "cấp tỉnh", "toàn quốc")
        by_scope = self.initiatives_by_scope
        for i, scope in leads:
            u = unit_now[i]
            team = [i]
            r = rand()
            extra = 0 if r < CO_AUTHORS[0] else 1 if r < CO_AUTHORS[1] else 2
            pool = members[u]
            if len(pool) > 1:
                for _ in range(extra):
                    other = pool[int(rand() * len(pool))]
                    if other not in team and rating_now[other] != 3:
                        team.append(other)
            day = dt.date(year, 9, 1) + dt.timedelta(days=int(rand() * 120))
            if scope == 0:
                by = unit_org[u]
            elif scope == 1 or not central:
                by = self._province_on(unit_province[u], day)
            else:
                by = central
            kind = "de_tai" if scope and rand() < 0.4 else "sang_kien"
            title = (
                f"{'Đề tài' if kind == 'de_tai' else 'Sáng kiến'} {scope_words[scope]}: giải pháp "
                f"{TOPICS[int(rand() * len(TOPICS))]} tại {self.unit_short[u]}"
            )
            initiatives.append(
                (
                    iid,
                    f"SK-SYN-{iid}",
                    title,
                    kind,
                    by,
                    day.isoformat(),
                    year,
                    scope_names[scope],
                    now,
                )
            )
            by_scope[scope_names[scope]] = by_scope.get(scope_names[scope], 0) + 1
            entry = (iid, year, scope)
            for member in team:
                authors.append((aid, iid, pfirst + member))
                aid += 1
                held = inits.get(member)
                if held is None:
                    inits[member] = [entry]
                else:
                    held.append(entry)
            iid += 1
        self.initiative_next, self.author_next = iid, aid

        # Pass 2: records, following register.rules (Law 2022 parameters).
        total = [0] * u_count
        completed = [0] * u_count
        ldtt_n = [0] * u_count
        cs_n = [0] * u_count
        warned_n = [0] * u_count
        cs_mask, good_mask, xs_mask = s.cs, s.good, s.xs
        bo_mask, bk_mask, ttg_mask, hc_mask, last_bo = s.bo, s.bk, s.ttg, s.hc, s.last_bo
        windows = central and year - self.first_year >= 4
        recent3 = (bit >> 1) | (bit >> 2) | (bit >> 3)
        upto_3_before = (bit >> 2) - 1  # years ≤ y − 3
        window = bit * 2 - (bit >> 4)  # the five years ending in y
        before_window = (bit >> 4) - 1
        base = self.base_year
        for i in range(n):
            u = unit_now[i]
            rating = rating_now[i]
            total[u] += 1
            if warned[i]:
                warned_n[u] += 1
            if rating == 3:
                run[i] = 0
                continue
            completed[u] += 1
            if rating == 2:
                run[i] = 0
                continue
            good_mask[i] |= bit
            if rating == 0:
                xs_mask[i] |= bit
            if rand() >= P_LDTT:
                run[i] = 0
                continue
            pid = pfirst + i
            unit = unit_org[u]
            ldtt_n[u] += 1
            unit_decision = unit_decisions[u]
            record(unit_decision, "LDTT", year, pid, None, unit)
            held = inits.get(i)
            fresh = None
            if held:
                for entry in held:
                    if (
                        entry[1] == year
                        and not used[entry[0] - ifirst]
                        and (fresh is None or entry[2] < fresh[2])
                    ):
                        fresh = entry
            if (rating != 0 and fresh is None) or rand() >= (
                P_CSTD_CS_AGAIN if run[i] else P_CSTD_CS_FIRST
            ):
                run[i] = 0
                continue
            rec = record(unit_decision, "CSTD_CS", year, pid, None, unit)
            # HTXSNV needs no initiative (Law 2022); before 2024 a grassroots one was still used.
            if fresh is not None and (rating != 0 or (year < 2024 and fresh[2] == 0)):
                use(fresh, "CSTD_CS", year, rec)
            cs_n[u] += 1
            streak = run[i] = run[i] + 1
            cs_mask[i] |= bit
            province_award = False
            # CSTĐ cấp tỉnh: three CSTĐ cơ sở in a row not yet used, a province-level initiative.
            if streak >= 3 and last_bo[i] < year - 2 and held:
                pick = None
                for entry in held:
                    if (
                        entry[2] >= 1
                        and year - 2 <= entry[1]
                        and not used[entry[0] - ifirst]
                        and (pick is None or entry[2] < pick[2])
                    ):
                        pick = entry
                if pick is not None and rand() < P_CSTD_BO:
                    dec = province_decisions[unit_province[u]]
                    rec = record(dec, "CSTD_BO", year, pid, None, unit)
                    use(pick, "CSTD_BO", year, rec)
                    earlier = bo_mask[i] & upto_3_before
                    bo_mask[i] |= bit
                    last_bo[i] = year
                    province_award = True
                    # CSTĐ toàn quốc: a second CSTĐ cấp tỉnh, CSTĐ cơ sở every year since the
                    # first one's chain began, a nationwide initiative within the chain.
                    if earlier and central:
                        first = earlier.bit_length() - 1 + base
                        if streak >= year - first + 3:
                            lo = min(year - streak + 1, year - 5)
                            top = None
                            for entry in held:
                                if entry[2] == 2 and entry[1] >= lo and not used[entry[0] - ifirst]:
                                    top = entry
                                    break
                            if top is not None and rand() < P_CSTD_TQ:
                                rec = record(ttg, "CSTD_TQ", year, pid, None, unit)
                                use(top, "CSTD_TQ", year, rec)
            # Bằng khen cấp tỉnh: two CSTĐ cơ sở in a row (none in the three years before).
            if not province_award and streak >= 2 and not bk_mask[i] & recent3 and rand() < P_BK_BO:
                record(province_decisions[unit_province[u]], "BK_BO", year, pid, None, unit)
                bk_mask[i] |= bit
            # BK_TTG on a BK_BO, HCLD3 on a BK_TTG: five good years after it, 3 CSTĐ cơ sở.
            if (
                windows
                and good_mask[i] & window == window
                and (cs_mask[i] & window).bit_count() >= 3
            ):
                prior = ttg_mask[i] & (bit - 1)
                after = ~((1 << prior.bit_length()) - 1)
                if bk_mask[i] & before_window & after and rand() < P_BK_TTG:
                    record(ttg, "BK_TTG", year, pid, None, unit)
                    ttg_mask[i] |= bit
                else:
                    prior = hc_mask[i] & (bit - 1)
                    after = ~((1 << prior.bit_length()) - 1)
                    if (
                        xs_mask[i] & window
                        and ttg_mask[i] & before_window & after
                        and rand() < P_HCLD3
                    ):
                        record(ctn, "HCLD3", year, pid, None, unit)
                        hc_mask[i] |= bit

        # Units: a rating each; TTLĐTT and TTLĐXS by the province where the members allow.
        urid = self.unit_rating_next
        for u in range(u_count):
            shares = UNIT_RATING_TROUBLED if troubled[u] else UNIT_RATING_OK
            r = rand()
            rating = 0 if r < shares[0] else 1 if r < shares[1] else 2 if r < shares[2] else 3
            unit = unit_org[u]
            unit_ratings.append((urid, unit, year, RATINGS[rating]))
            urid += 1
            members_n = total[u]
            if (
                rating == 3
                or not members_n
                or completed[u] < members_n
                or warned_n[u]
                or 10 * ldtt_n[u] < LDTT_TENTHS_TT * members_n
                or rand() >= P_TTLDTT
            ):
                continue
            dec = province_decisions[unit_province[u]]
            record(dec, "TTLDTT", year, None, unit, None)
            if (
                rating == 0
                and 10 * ldtt_n[u] >= LDTT_TENTHS_XS * members_n
                and cs_n[u]
                and rand() < P_TTLDXS
            ):
                record(dec, "TTLDXS", year, None, unit, None)
        self.unit_rating_next = urid

        writer.write(Rating, FIELDS["rating"], ratings, by_person=1, plain=True)
        writer.write(Initiative, FIELDS["initiative"], initiatives)
        writer.write(Initiative.authors.through, FIELDS["author"], authors, plain=True)
        writer.write(Record, FIELDS["record"], self._records, by_person=2, lane=1, plain=True)
        writer.write(UnitRating, FIELDS["unit_rating"], unit_ratings, lane=1, plain=True)
        return {
            "ratings": len(ratings),
            "initiatives": len(initiatives),
            "records": len(self._records),
            "uses": len(self._uses) - uses_before,
        }

    def uses(self, writer: _Writer) -> None:
        """Initiatives used as criteria: written last, once their records are stored everywhere."""
        from register.models import InitiativeUse

        writer.write(InitiativeUse, FIELDS["use"], self._uses, plain=True)


class _State:
    """What the generator remembers of each person from one year to the next."""

    def __init__(self, level: list[int], level_cum: list[list[float]], n: int) -> None:
        self.level = level  # underlying level: 0 excellent, 1 good, 2 fair
        self.level_cum = level_cum
        self.run = [0] * n  # CSTĐ cơ sở in a row up to last year
        # History masks, bit = year − base year: CSTĐ cơ sở, rated HTTNV or better, HTXSNV,
        # CSTĐ cấp tỉnh, Bằng khen cấp tỉnh, Bằng khen Thủ tướng, Huân chương Lao động hạng Ba.
        self.cs = [0] * n
        self.good = [0] * n
        self.xs = [0] * n
        self.bo = [0] * n
        self.bk = [0] * n
        self.ttg = [0] * n
        self.hc = [0] * n
        self.last_bo = [0] * n
        self.inits: dict[int, list[tuple[int, int, int]]] = {}  # (initiative id, year, scope)
        self.unit_now = [0] * n
        self.rating_now = bytearray(n)
        self.warned = bytearray(n)


# --- entry point ----------------------------------------------------------------------------------


def generate(
    persons: int,
    years: int,
    end_year: int = 2025,
    seed: int = 1,
    units: int | None = None,
    log: Log = print,
    *,
    connections: int | None = None,
) -> dict[str, Any]:
    """Add a synthetic register of `persons` people over the `years` years ending in `end_year`.

    Returns the counts (rows per table, records per code, initiatives per scope, uses per code)
    and the seconds per stage. Rerunning (with another seed, or the same) adds a further register.

    Inside a transaction (or on SQLite, or with connections=1) everything happens in one
    transaction on Django's connection. On PostgreSQL outside one, rows are stored by several
    connections in parallel (`connections`, by default one per CPU, at most four), each committing
    stage by stage; if anything fails, what was already committed is removed.
    """
    from django.db import connection, transaction

    started = time.perf_counter()
    seconds: dict[str, float] = {}
    gen = _Generator(persons, years, end_year, seed, units, log)
    pg = connection.vendor == "postgresql"
    cpus = os.cpu_count() or 1
    lanes = connections if connections is not None else min(4, cpus)
    if lanes < 1:
        raise ValueError("connections must be at least 1")
    parallel = pg and not connection.in_atomic_block and lanes > 1
    lanes = lanes if parallel else 1
    mark = [time.perf_counter()]

    def stage(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = round(now - mark[0], 2)
        mark[0] = now

    log(
        f"Synthetic register: {persons:,} people × {years} years ({gen.first_year}–{end_year}), "
        f"seed {seed}, on {connection.vendor}"
        + (f" with {lanes} connections in parallel" if parallel else "")
    )
    with contextlib.nullcontext() if parallel else transaction.atomic():
        gen.prepare()
        if pg and not parallel:
            with connection.cursor() as cursor:
                # Foreign keys checked at the end of each COPY rather than all at commit.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        stage("prepare")
        writer = _Writer(lanes, parallel, gen.person_first, persons)
        try:
            gen.units(writer)
            writer.barrier()
            stage("units")
            log(f"units: {gen.u:,} (codes {CODE_PREFIX}{gen.tag}-…) in {seconds['units']} s")
            gen.people(writer)
            gen.decisions(writer)
            writer.barrier()
            stage("people")
            log(
                f"people: {persons:,}, postings: {gen.posting_next - gen.posting_first:,}, "
                f"decisions (before dropping empty ones): "
                f"{gen.decision_next - gen.decision_first:,} in {seconds['people']} s"
            )
            gen.register(writer)
            stage("register")
            writer.barrier()
            stage("flush")
            log(f"register made in {seconds['register']} s; stored {seconds['flush']} s later")
            gen.uses(writer)
            writer.close()
            stage("uses")
        except BaseException:
            writer.abort()
            if parallel:
                log("failed: removing what was already stored")
                gen.cleanup()
            raise
        with contextlib.nullcontext() if not parallel else transaction.atomic():
            if pg:
                with connection.cursor() as cursor:
                    tables = ", ".join(connection.ops.quote_name(name) for name in writer.counts)
                    cursor.execute(f"ANALYZE {tables}")
            dropped = gen.drop_empty_decisions()
            writer.counts["register_decision"] -= dropped
            gen.finish()
            if pg and not parallel:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        stage("finish")
    seconds["database"] = round(writer.busy, 2)
    seconds["total"] = round(time.perf_counter() - started, 2)
    rows = sum(writer.counts.values())
    result = {
        "persons": persons,
        "years": years,
        "first_year": gen.first_year,
        "end_year": end_year,
        "seed": seed,
        "tag": gen.tag,
        "units": gen.u,
        "connections": lanes,
        "rows": rows,
        "tables": dict(writer.counts),
        "records_by_code": dict(sorted(gen.records_by_code.items())),
        "initiatives_by_scope": dict(sorted(gen.initiatives_by_scope.items())),
        "uses_by_code": dict(sorted(gen.uses_by_code.items())),
        "seconds": seconds,
        "database_seconds_by_table": {k: round(v, 2) for k, v in writer.busy_by_table.items()},
        "rows_per_second": round(rows / seconds["total"]) if seconds["total"] else 0,
    }
    log(
        f"done: {rows:,} rows in {seconds['total']} s ({result['rows_per_second']:,} rows/s); "
        + ", ".join(f"{k} {v:,}" for k, v in writer.counts.items())
    )
    return result
