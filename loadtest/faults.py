# ruff: noqa: S603, S607, S608 - fixed commands of this machine (pg_ctlcluster, createdb, psql)
"""Failure tests: kill and restart parts of a production-like stack while clients save.

    .venv/bin/python -m loadtest.faults [--only web,task,postgres] [--port 8200]

Three scenarios on loopback (nginx on --port, gunicorn on the next ports, one task worker), against
a throwaway database `thidua_faults` made afresh each run (migrated, demo data loaded) on its own
PostgreSQL cluster (`faults`, port 5439, created when missing), so that restarting PostgreSQL
disturbs nobody else's database:

- web: clients save through HTTP (focal points' self-assessment on the page and through the API,
  officers registering people and importing small files, council members casting secret ballots)
  while gunicorn workers are killed with SIGKILL. Afterwards every acknowledged save is stored
  exactly once, the others wholly or not at all, every delegate has exactly one ballot and the
  tally equals the ballots sent, each kill cost at most its own request, and gunicorn has
  replaced its workers.
- task: people imports (and a recipient import) running in the task worker, which is killed with
  SIGKILL mid-way: the import runs again and completes (killed twice: it fails with a clear
  message), and nothing is ever half-written.
- postgres: clients save and browse while PostgreSQL restarts: errors only during the outage (503,
  never a 500 page), /healthz back at 200 within seconds, every acknowledged save stored, the task
  worker still running tasks.

Each scenario prints what was sent, what the clients were told, what is stored and a verdict; the
exit status is 1 when any check fails. The task worker is judged lost after TASK_WORKER_LOST_AFTER
= 8 s of silence here (60 s by default) and restarted 2 s after it dies (systemd: 5 s), to keep
the run short; the logs of every process are in var/faults/stack/logs.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from loadtest.stack import Stack, log, postgres_accepts, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "thidua-demo"
DB_NAME = "thidua_faults"
TEMPLATE_DB = "thidua_faults_template"
CLUSTER_NAME = "faults"
CLUSTER_PORT = 5439
SOCKET_DIR = "/var/run/postgresql"
# The worker's "lost after" for these runs (the product's default is 60 s): recovery within
# seconds keeps the task scenario short; the mechanism is the same.
LOST_AFTER = 8
TRANSIENT = {0, 502, 503, 504}
# A person whose save was not answered tries again for this long (reloading the page first).
RETRY_FOR = 60.0

OK, REFUSED, CUT, ERROR = "acknowledged", "refused", "cut", "error"
FOUND = "found"  # not a save: the person reloaded the page and saw it recorded


# --- the database ------------------------------------------------------------------------------------


def psql(sql: str, *, port: int, dbname: str = "postgres") -> str:
    done = subprocess.run(
        [
            "psql",
            "-h",
            SOCKET_DIR,
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            dbname,
            "-v",
            "ON_ERROR_STOP=1",
            "-Atqc",
            sql,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def ensure_cluster(name: str, port: int) -> None:
    """A PostgreSQL cluster of our own (Debian's pg_createcluster), running."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    rows = [line.split() for line in listing if line.strip()]
    mine = [r for r in rows if r[2] == str(port)]
    if not mine:
        version = rows[0][0] if rows else "15"
        log(f"creating PostgreSQL cluster {version}/{name} on port {port}")
        subprocess.run(
            [
                "pg_createcluster",
                version,
                name,
                "-p",
                str(port),
                "--start",
                "--",
                "--auth-local=trust",
                "--auth-host=trust",
            ],
            check=True,
            capture_output=True,
        )
    elif mine[0][3] != "online":
        subprocess.run(["pg_ctlcluster", mine[0][0], mine[0][1], "start"], check=True)
    for _ in range(100):
        if postgres_accepts(database_url("postgres", port)):
            return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL on port {port} does not answer")


def database_url(name: str, port: int) -> str:
    return f"postgres://postgres@:{port}/{name}?host={SOCKET_DIR}"


def schema_fingerprint() -> str:
    """Everything that shapes the migrated, demo-loaded database: the apps' code and data."""
    digest = hashlib.sha256()
    apps = sorted(d for d in ROOT.iterdir() if (d / "apps.py").exists() or d.name == "thidua")
    for app in apps:
        for path in sorted(app.rglob("*")):
            if "tests" in path.relative_to(ROOT).parts or path.suffix not in (".py", ".json"):
                continue
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def manage(*args: str, url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
        # The demo's files go here, not into the checkout's var/ (nothing reads them back).
        "THIDUA_VAR_DIR": str(ROOT / "var" / "faults" / "template-var"),
    }
    env.pop("THIDUA_TESTING", None)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def fresh_database(port: int, *, rebuild: bool) -> str:
    """Drop and create `thidua_faults` from a template database kept migrated with the demo data
    (rebuilt when the code that shapes it changes)."""
    fingerprint = schema_fingerprint()
    current = psql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{TEMPLATE_DB}'",
        port=port,
    )
    if rebuild or current != fingerprint:
        started = time.monotonic()
        log("building the template database (migrate, load_demo) …")
        psql(f"DROP DATABASE IF EXISTS {TEMPLATE_DB}", port=port)
        psql(f"CREATE DATABASE {TEMPLATE_DB}", port=port)
        url = database_url(TEMPLATE_DB, port)
        manage("migrate", "--noinput", "-v0", url=url)
        manage("load_demo", url=url)
        psql(f"COMMENT ON DATABASE {TEMPLATE_DB} IS '{fingerprint}'", port=port)
        log(f"template ready in {time.monotonic() - started:.0f} s")
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", port=port)
    psql(f"CREATE DATABASE {DB_NAME} TEMPLATE {TEMPLATE_DB}", port=port)
    return database_url(DB_NAME, port)


def setup_django(url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["THIDUA_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "thidua.settings"
    os.environ["TASK_WORKER_LOST_AFTER"] = str(LOST_AFTER)
    os.environ.pop("THIDUA_TESTING", None)
    var_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def fresh_connections() -> None:
    from django.db import connections

    connections.close_all()


# --- HTTP clients ----------------------------------------------------------------------------------


class Browser:
    """One person's requests session; every answer (or its absence, 0) is counted."""

    def __init__(self, base: str, username: str, token: str | None = None) -> None:
        self.base = base
        self.username = username
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "vi"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.statuses: Counter[int] = Counter()
        # (monotonic start, seconds, method, path, status) of every request.
        self.requests: list[tuple[float, float, str, str, int]] = []

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        started = time.monotonic()
        status = 0
        try:
            response = self.session.request(
                method, self.base + path, timeout=30, allow_redirects=False, **kwargs
            )
            status = response.status_code
            return response
        except requests.RequestException:
            return None
        finally:
            self.statuses[status] += 1
            self.requests.append(
                (started, time.monotonic() - started, method, path.split("?")[0], status)
            )

    def get(self, path: str) -> requests.Response | None:
        return self.request("GET", path)

    def post_form(
        self, path: str, data: dict[str, Any], files: dict[str, Any] | None = None
    ) -> requests.Response | None:
        token = self.session.cookies.get("csrftoken", "")
        return self.request(
            "POST",
            path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers={"Origin": self.base, "Referer": self.base + path},
        )

    def post_json(self, path: str, body: dict[str, Any]) -> requests.Response | None:
        return self.request("POST", path, json=body)

    def login(self, attempts: int = 20) -> None:
        for _ in range(attempts):
            page = self.get("/accounts/login/")
            if page is not None and page.status_code == 200:
                answer = self.post_form(
                    "/accounts/login/",
                    {"username": self.username, "password": PASSWORD, "next": "/"},
                )
                if (
                    answer is not None
                    and answer.status_code == 302
                    and "/accounts/login" not in answer.headers.get("Location", "")
                ):
                    return
            time.sleep(0.5)
        raise RuntimeError(f"{self.username} could not sign in")

    def get_until(self, path: str, *, tries: int = 40) -> requests.Response:
        """GET until a 200 (the person reloads the page)."""
        for _ in range(tries):
            page = self.get(path)
            if page is not None and page.status_code == 200:
                return page
            time.sleep(0.5)
        raise RuntimeError(f"{self.username}: {path} never answered 200")


def outcome_of(response: requests.Response | None) -> str:
    if response is None or response.status_code in TRANSIENT:
        return CUT
    if response.status_code >= 500:
        return ERROR
    return ""


def status_text(response: requests.Response | None) -> str:
    return "no answer" if response is None else str(response.status_code)


@dataclass
class Save:
    """One attempt to save something, and what the client was told."""

    kind: str
    key: str
    outcome: str
    detail: str = ""
    value: Any = None


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class Result:
    title: str
    rows: list[list[str]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    header: tuple[str, ...] = ("what", "sent", "acknowledged", "refused", "cut (unknown)", "stored")

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def check(self, name: str, passed: bool, detail: str = "") -> None:
        self.checks.append(Check(name, bool(passed), detail))

    def print(self) -> None:
        print()
        print(f"== {self.title}: {'PASS' if self.passed else 'FAIL'} ({self.seconds:.0f} s)")
        for note in self.notes:
            print(f"   {note}")
        if self.rows:
            header = list(self.header)
            widths = [max(len(str(r[i])) for r in [header, *self.rows]) for i in range(len(header))]
            for row in [header, *self.rows]:
                print(
                    "   "
                    + "  ".join(
                        str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                    )
                )
        for c in self.checks:
            print(
                f"   {'PASS' if c.passed else 'FAIL'}  {c.name}{': ' + c.detail if c.detail else ''}"
            )
        sys.stdout.flush()


def table_row(what: str, saves: list[Save], stored: int | str) -> list[str]:
    saves = [s for s in saves if s.outcome != FOUND]
    counts = Counter(s.outcome for s in saves)
    refused = counts[REFUSED] + counts[ERROR]
    return [what, str(len(saves)), str(counts[OK]), str(refused), str(counts[CUT]), str(stored)]


def run_threads(targets: list[Callable[[], None]], errors: list[str]) -> None:
    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except Exception:
            errors.append(traceback.format_exc(limit=3))

    threads = [threading.Thread(target=guarded, args=(t,), daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- data, through the project's services ----------------------------------------------------------


def make_user(username: str, role: str, org: Any) -> Any:
    from accounts.models import User
    from accounts.services import membership_grant, user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, password=PASSWORD, full_name=username)
    membership_grant(actor=None, user=user, role=role, org=org)
    return user


def admin() -> Any:
    from accounts.models import User

    return User.objects.get(username="quantri")


def scoring_setup(tag: str) -> list[dict[str, Any]]:
    """A focal point for each member of the demo's open 2017 table, its fresh sheet."""
    from django.urls import reverse

    from accounts.models import Role
    from accounts.services import token_create
    from scoring import assessment
    from scoring.models import ScoringTable, Sheet, SheetStatus, TableStatus
    from scoring.services import engine_table

    table = (
        ScoringTable.objects.filter(status=TableStatus.LOCKED, cluster_year__year=2017)
        .select_related("cluster_year")
        .get()
    )
    leaves = [c.code for c in engine_table(table).leaves()]
    people = []
    for n, member in enumerate(table.cluster_year.members.select_related("org").order_by("org")):
        sheet = assessment.sheet_for(table=table, org=member.org)
        assert sheet.status == SheetStatus.DRAFT and not sheet.marks.exists(), "sheet in use"
        user = make_user(f"faults.{tag}.dm{n}", Role.FOCAL_POINT, member.org)
        _token, secret = token_create(user=user, name="faults")
        people.append(
            {
                "username": user.username,
                "token": secret,
                "api": n % 2 == 1,
                "sheet_id": sheet.pk,
                "url": reverse(
                    "scoring:sheet",
                    args=[table.cluster_year.cluster_id, table.cluster_year.year, member.org_id],
                ),
                "leaves": leaves,
            }
        )
    assert Sheet.objects.filter(table=table).count() == len(people)
    return people


def poll_setup(tag: str, voters: int) -> dict[str, Any]:
    """A secret yes/no council poll, open, with `voters` new council members on its roll."""
    from accounts.models import Role
    from orgs.models import Org
    from votes import services as votes
    from votes.models import Method, Purpose, Voter

    council = Org.objects.get(code="TW-HDTDKT")
    delegates = [
        make_user(f"faults.{tag}.hd{n:02d}", Role.COUNCIL_MEMBER, council) for n in range(voters)
    ]
    poll = votes.poll_create(
        actor=admin(),
        question=f"Thử nghiệm sự cố ({tag}): thông qua các phương án",
        purpose=Purpose.OTHER,
        method=Method.YES_NO,
        candidates=[{"label": f"Phương án {i}"} for i in (1, 2, 3)],
        council=council,
        secret=True,
    )
    votes.poll_open(actor=admin(), poll=poll)
    keys = [c.key for c in poll.candidates.all()]
    mine = {u.pk for u in delegates}
    assert (
        set(Voter.objects.filter(poll=poll, user_id__in=mine).values_list("user_id", flat=True))
        == mine
    )
    choices = ("yes", "no", "abstain")
    return {
        "poll_id": poll.pk,
        "keys": keys,
        "delegates": [
            {
                "username": u.username,
                "user_id": u.pk,
                "choices": {k: choices[(n + i) % 3] for i, k in enumerate(keys)},
            }
            for n, u in enumerate(delegates)
        ],
    }


# --- client behaviours -------------------------------------------------------------------------------

VERSION = re.compile(r'name="version" value="(\d+)"')
MESSAGE = re.compile(r'class="message message-(\w+)"')


def page_focal_point(b: Browser, who: dict[str, Any], saves: int, out: list[Save]) -> None:
    """Self-assessment on the sheet page: save criteria one by one, then submit."""
    sheet_id, url, leaves = who["sheet_id"], who["url"], who["leaves"]

    def version() -> int | None:
        match = VERSION.search(b.get_until(url).text)
        return int(match.group(1)) if match else None

    current = version()
    for i in range(saves):
        code = leaves[i % len(leaves)]
        note = f"faults {b.username} #{i:03d}"
        answer = b.post_form(
            f"/scoring/sheets/{sheet_id}/save/",
            {"code": code, "version": current, "value": "1", "target": "", "note": note},
        )
        cut = outcome_of(answer)
        if cut or answer is None or answer.status_code != 302:
            out.append(Save("score", note, cut or REFUSED, status_text(answer)))
            current = version()
            continue
        page = b.get(answer.headers["Location"])
        if outcome_of(page) or page is None or page.status_code != 200:
            # The save answered, but its outcome was lost on the way back: unknown to the person.
            out.append(Save("score", note, CUT, "save answered, result page " + status_text(page)))
            current = version()
            continue
        levels = MESSAGE.findall(page.text)
        out.append(Save("score", note, OK if "success" in levels else REFUSED, ",".join(levels)))
        match = VERSION.search(page.text)
        current = int(match.group(1)) if match else version()
        time.sleep(random.uniform(0.02, 0.15))
    for _attempt in range(20):
        answer = b.post_form(f"/scoring/sheets/{sheet_id}/submit/", {})
        cut = outcome_of(answer)
        page = (
            b.get(answer.headers["Location"])
            if answer is not None and answer.status_code == 302
            else None
        )
        if not cut and page is not None and page.status_code == 200:
            levels = MESSAGE.findall(page.text)
            out.append(Save("submit", str(sheet_id), OK if "success" in levels else REFUSED))
            return
        out.append(Save("submit", str(sheet_id), CUT, status_text(answer)))
        if VERSION.search(b.get_until(url).text) is None:
            return  # the page shows the sheet submitted: the cut attempt was saved
        time.sleep(0.3)


def api_focal_point(b: Browser, who: dict[str, Any], saves: int, out: list[Save]) -> None:
    """The same through the REST API with a personal token (optimistic versions, 409 if stale)."""
    sheet_id, leaves = who["sheet_id"], who["leaves"]
    path = f"/api/v1/scoring/sheets/{sheet_id}"

    def state() -> dict[str, Any]:
        return b.get_until(path).json()  # type: ignore[no-any-return]

    current = state()["version"]
    for i in range(saves):
        note = f"faults {b.username} #{i:03d}"
        body = {"code": leaves[i % len(leaves)], "value": "1", "note": note, "version": current}
        answer = b.post_json(path + "/self", body)
        cut = outcome_of(answer)
        if cut or answer is None:
            out.append(Save("score", note, cut, status_text(answer)))
            current = state()["version"]
        elif answer.status_code == 200:
            out.append(Save("score", note, OK))
            current = answer.json()["version"]
        elif answer.status_code == 409:
            out.append(Save("score", note, REFUSED, "409 stale"))
            current = answer.json()["version"]
        else:
            out.append(Save("score", note, REFUSED, status_text(answer)))
            current = state()["version"]
        time.sleep(random.uniform(0.02, 0.15))
    for _attempt in range(20):
        answer = b.post_json(path + "/submit", {})
        cut = outcome_of(answer)
        if not cut and answer is not None:
            out.append(Save("submit", str(sheet_id), OK if answer.status_code == 200 else REFUSED))
            return
        out.append(Save("submit", str(sheet_id), CUT, status_text(answer)))
        if state()["status"] != "draft":
            return
        time.sleep(0.3)


def officer(b: Browser, prefix: str, count: int, out: list[Save], stop: threading.Event) -> None:
    """Register people one by one on the page; an unanswered save is tried again (a duplicate is
    then refused by the page if the first attempt was saved after all)."""
    for i in range(count):
        if stop.is_set():
            return
        name = f"{prefix} {i:03d}"
        deadline = time.monotonic() + RETRY_FOR
        while time.monotonic() < deadline:
            answer = b.post_form(
                "/people/new/",
                {
                    "full_name": name,
                    "gender": "F" if i % 2 else "M",
                    "birth_year": str(1970 + i % 30),
                    "ethnicity": "Kinh",
                    "unit_code": "19",
                    "position": "Chuyên viên",
                    "category": "staff",
                    "start_date": "",
                    "id_number": "",
                    "note": "faults",
                },
            )
            cut = outcome_of(answer)
            if cut or answer is None:
                out.append(Save("person", name, cut, status_text(answer)))
                time.sleep(0.3)
                continue
            location = answer.headers.get("Location", "")
            match = re.search(r"/people/(\d+)/$", location)
            if answer.status_code == 302 and match:
                out.append(Save("person", name, OK, value=int(match.group(1))))
            else:
                duplicate = "already registered" in answer.text or "đã có trong" in answer.text
                out.append(
                    Save("person", name, REFUSED, "duplicate" if duplicate else status_text(answer))
                )
            break
        time.sleep(random.uniform(0.02, 0.1))


def delegate(b: Browser, poll_id: int, who: dict[str, Any], out: list[Save], delay: float) -> None:
    """Cast a ballot on the page (choose, confirm, receipt); after a failure, reload the ballot
    page: it says whether the vote was recorded, and if not, vote again."""
    time.sleep(delay)
    path = f"/votes/{poll_id}/ballot/"
    choices = {f"c{k}": v for k, v in who["choices"].items()}
    deadline = time.monotonic() + RETRY_FOR
    while time.monotonic() < deadline:
        page = b.get(path)
        if page is None or page.status_code != 200:
            time.sleep(0.3)
            continue
        if 'id="already-voted"' in page.text:
            out.append(Save("ballot", who["username"], FOUND, "recorded (seen on reload)"))
            return
        confirm = b.post_form(path, choices)
        match = (
            re.search(r'name="ballot" value="([^"]*)"', confirm.text)
            if confirm is not None
            else None
        )
        if match is None:
            if outcome_of(confirm) == "" and confirm is not None:
                out.append(Save("ballot", who["username"], REFUSED, "no confirmation page"))
                return
            time.sleep(0.3)
            continue  # cut before anything was cast: start again
        answer = b.post_form(path, {"confirm": "1", "ballot": html.unescape(match.group(1))})
        cut = outcome_of(answer)
        receipt = (
            re.search(r'id="receipt">([A-Z2-7-]+)<', answer.text) if answer is not None else None
        )
        if cut or answer is None:
            out.append(Save("ballot", who["username"], cut, status_text(answer)))
            time.sleep(0.3)
            continue
        if receipt:
            out.append(Save("ballot", who["username"], OK, value=receipt.group(1)))
        else:
            out.append(
                Save("ballot", who["username"], REFUSED, ",".join(MESSAGE.findall(answer.text)))
            )
        return


# --- checks shared by the scenarios ------------------------------------------------------------------


def check_scores(result: Result, focal: list[dict[str, Any]], saves: list[Save]) -> None:
    from scoring.models import Mark, Sheet, SheetStatus, Stage

    score_saves = [s for s in saves if s.kind == "score"]
    submits = [s for s in saves if s.kind == "submit"]
    stored_notes = Counter(
        Mark.objects.filter(
            sheet_id__in=[f["sheet_id"] for f in focal], stage=Stage.SELF
        ).values_list("note", flat=True)
    )
    twice = [n for n, c in stored_notes.items() if c > 1]
    acked = {s.key for s in score_saves if s.outcome == OK}
    lost = sorted(acked - set(stored_notes))
    unknown = set(stored_notes) - {s.key for s in score_saves}
    refused_stored = [s.key for s in score_saves if s.outcome == REFUSED and stored_notes[s.key]]
    cut_stored = sum(1 for s in score_saves if s.outcome == CUT and stored_notes[s.key])
    result.rows.append(table_row("self-assessment saves", score_saves, sum(stored_notes.values())))
    result.check(
        "every acknowledged score is stored exactly once",
        not lost and not twice,
        f"{len(acked)} acknowledged, {len(lost)} missing, {len(twice)} stored twice",
    )
    result.check(
        "refused scores are not stored; no score appears that nobody sent",
        not refused_stored and not unknown,
        f"{len(refused_stored)} refused but stored, {len(unknown)} unknown",
    )
    # Each save bumps the sheet's version and adds its mark in one transaction.
    sheets = Sheet.objects.filter(pk__in=[f["sheet_id"] for f in focal])
    mismatched = [
        s.pk for s in sheets if s.version != Mark.objects.filter(sheet=s, stage=Stage.SELF).count()
    ]
    result.check(
        "no half-written score (each sheet's version = its number of marks)",
        not mismatched,
        f"{len(sheets) - len(mismatched)}/{len(sheets)} sheets consistent; "
        f"{cut_stored} cut saves were stored whole, the others not at all",
    )
    submitted = sheets.filter(status=SheetStatus.SUBMITTED).count()
    result.rows.append(table_row("sheet submissions", submits, submitted))
    acked_sheets = {int(s.key) for s in submits if s.outcome == OK}
    result.check(
        "every acknowledged submission is stored",
        all(Sheet.objects.get(pk=pk).status == SheetStatus.SUBMITTED for pk in acked_sheets),
        f"{len(acked_sheets)} acknowledged, {submitted}/{len(sheets)} sheets submitted",
    )


def check_people(result: Result, saves: list[Save]) -> None:
    from core.models import AuditEvent
    from people.models import Person, Posting

    people = [s for s in saves if s.kind == "person"]
    names = {s.key for s in people}
    stored = Counter(Person.objects.filter(full_name__in=names).values_list("full_name", flat=True))
    ids = dict(Person.objects.filter(full_name__in=names).values_list("full_name", "pk"))
    problems = []
    for name in sorted(names):
        attempts = [s for s in people if s.key == name]
        acked = [s for s in attempts if s.outcome == OK]
        duplicate = [s for s in attempts if s.detail == "duplicate"]
        if stored[name] > 1:
            problems.append(f"{name}: stored {stored[name]} times")
        elif acked and (stored[name] != 1 or ids.get(name) != acked[-1].value):
            problems.append(f"{name}: acknowledged as #{acked[-1].value}, stored {stored[name]}")
        elif duplicate and stored[name] != 1:
            problems.append(f"{name}: refused as a duplicate but not stored")
    result.rows.append(table_row("people registered", people, sum(stored.values())))
    result.check(
        "every acknowledged person is stored exactly once (a retried save never doubles)",
        not problems,
        "; ".join(problems[:5]) or f"{len(names)} people, {sum(stored.values())} stored",
    )
    pks = list(ids.values())
    postings = Counter(
        Posting.objects.filter(person_id__in=pks).values_list("person_id", flat=True)
    )
    events = Counter(
        AuditEvent.objects.filter(
            action="people.person.created", object_id__in=[str(p) for p in pks]
        ).values_list("object_id", flat=True)
    )
    partial = [p for p in pks if postings[p] != 1 or events[str(p)] != 1]
    result.check(
        "no half-written person (each has one posting and one audit event)",
        not partial,
        f"{len(pks) - len(partial)}/{len(pks)} whole",
    )


def check_ballots(result: Result, poll: dict[str, Any], saves: list[Save]) -> None:
    from votes import services as votes
    from votes.models import Ballot, Poll, VoteCast, Voter

    ballots = [s for s in saves if s.kind == "ballot"]
    poll_obj = Poll.objects.get(pk=poll["poll_id"])
    cast_by = set(VoteCast.objects.filter(poll=poll_obj).values_list("voter__user_id", flat=True))
    receipts = Counter(Ballot.objects.filter(poll=poll_obj).values_list("receipt", flat=True))
    delegates = poll["delegates"]
    problems = []
    for d in delegates:
        told = [s for s in ballots if s.key == d["username"]]
        acked = [s for s in told if s.outcome == OK]
        found = [s for s in told if s.outcome == FOUND]
        voted = d["user_id"] in cast_by
        if acked and (not voted or receipts[acked[-1].value] != 1):
            problems.append(f"{d['username']}: receipt {acked[-1].value} not stored once")
        if found and not voted:
            problems.append(f"{d['username']}: page said voted, no vote recorded")
        if len(acked) > 1:
            problems.append(f"{d['username']}: two receipts")
    n_ballots = sum(receipts.values())
    n_casts = VoteCast.objects.filter(poll=poll_obj).count()
    result.rows.append(table_row("ballots cast", ballots, n_ballots))
    n_found = sum(1 for s in ballots if s.outcome == FOUND)
    result.check(
        "no ballot counted twice or lost",
        not problems and n_ballots == n_casts == len(cast_by),
        f"{len(delegates)} delegates, {len(cast_by)} voted, {n_casts} votes recorded, "
        f"{n_ballots} ballots; "
        + ("; ".join(problems[:3]) or "each acknowledged receipt stored once")
        + f"; {n_found} delegate(s) saw on reloading that their unanswered ballot was recorded",
    )
    result.check(
        "every delegate could vote in the end",
        len(cast_by & {d["user_id"] for d in delegates}) == len(delegates),
        f"{len(cast_by)}/{len(delegates)}",
    )
    # Close the poll (the tally) and compare it with what the delegates who voted sent.
    fresh_connections()
    poll_obj = votes.poll_close(actor=admin(), poll=poll_obj)
    tally: dict[str, Any] = poll_obj.result or {}
    expected: dict[str, Counter[str]] = {k: Counter() for k in poll["keys"]}
    for d in delegates:
        if d["user_id"] in cast_by:
            for key, choice in d["choices"].items():
                expected[key][choice] += 1
    tallied = {
        r["candidate"]: Counter({c: r[c] or 0 for c in ("yes", "no", "abstain")})
        for r in tally["results"]
    }
    same = all(+tallied.get(k, Counter()) == +expected[k] for k in poll["keys"])
    result.check(
        "the tally equals the ballots sent",
        same and tally["ballots_cast"] == len(cast_by),
        f"{tally['ballots_cast']} ballots counted; "
        + ", ".join(f"{k}: {dict(tallied.get(k, {}))}" for k in poll["keys"]),
    )
    assert Voter.objects.filter(poll=poll_obj).count() >= len(delegates)


def check_audit(result: Result) -> None:
    from core.audit import audit_verify

    checked, problems = audit_verify()
    result.check("the audit trail's hash chain is intact", not problems, f"{checked} events")


# --- scenario: web workers killed -----------------------------------------------------------------


def scenario_web(stack: Stack) -> Result:
    result = Result("web: gunicorn workers killed (SIGKILL) while clients save")
    focal = scoring_setup("web")
    poll = poll_setup("web", voters=18)
    fresh_connections()
    browsers = {
        f["username"]: Browser(stack.url, f["username"], f["token"] if f["api"] else None)
        for f in focal
    }
    officers = [Browser(stack.url, "canbo.thainguyen") for _ in range(3)]
    voters = {d["username"]: Browser(stack.url, d["username"]) for d in poll["delegates"]}
    errors: list[str] = []
    files = stack.workdir / "imports"
    files.mkdir(exist_ok=True)
    small = [
        people_workbook(files / f"small-{n}.xlsx", f"Nhập Nhỏ {n}", SMALL_IMPORT) for n in range(8)
    ]
    run_threads(
        [
            b.login
            for b in [
                *(b for f, b in zip(focal, browsers.values(), strict=True) if not f["api"]),
                *officers,
                *voters.values(),
            ]
        ],
        errors,
    )
    saves: list[Save] = []
    outs: list[list[Save]] = []
    stop = threading.Event()
    kills: list[tuple[int, bool]] = []
    killed_at: list[float] = []

    def killer() -> None:
        time.sleep(2)
        for _ in range(10):
            busy = stack.busy_web_worker_pids()
            pool = busy or stack.web_worker_pids()
            if pool:
                pid = random.choice(pool)
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills.append((pid, bool(busy)))
                    killed_at.append(time.monotonic())
                except ProcessLookupError:
                    pass
            time.sleep(random.uniform(1.5, 3.0))
        stop.set()

    targets: list[Callable[[], None]] = [killer]
    for f in focal:
        out: list[Save] = []
        outs.append(out)
        fn = api_focal_point if f["api"] else page_focal_point
        targets.append(functools.partial(fn, browsers[f["username"]], f, 30, out))
    for n, b in enumerate(officers[:2]):
        out = []
        outs.append(out)
        targets.append(functools.partial(officer, b, f"Thử Sự Cố Web {'AB'[n]}", 60, out, stop))
    out = []
    outs.append(out)
    targets.append(functools.partial(small_imports, officers[2], small, out))
    per_thread = 6
    items = poll["delegates"]
    for start in range(0, len(items), per_thread):
        out = []
        outs.append(out)

        def vote_slice(
            chunk: list[dict[str, Any]] = items[start : start + per_thread], out: list[Save] = out
        ) -> None:
            for d in chunk:
                delegate(voters[d["username"]], poll["poll_id"], d, out, random.uniform(0.3, 3.0))

        targets.append(vote_slice)
    started = time.monotonic()
    run_threads(targets, errors)
    for out in outs:
        saves.extend(out)
    result.notes.append(
        f"{len(kills)} workers killed in {time.monotonic() - started:.0f} s of saving, "
        f"{sum(1 for _, busy in kills if busy)} of them while serving a request; "
        f"answers: {dict(sorted(sum((b.statuses for b in [*browsers.values(), *officers, *voters.values()]), Counter()).items()))}"
    )
    for e in errors:
        result.notes.append("client error: " + e.strip().splitlines()[-1])
    result.check("every client finished its work", not errors, f"{len(errors)} client errors")
    # Gunicorn replaces its workers by itself.
    killed = {pid for pid, _ in kills}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        alive = stack.web_worker_pids()
        if len(alive) == stack.instances * stack.workers and not killed & set(alive):
            break
        time.sleep(0.2)
    alive = stack.web_worker_pids()
    healthy = (
        all(
            _status(f"http://127.0.0.1:{stack.port + n}/healthz") == 200
            for n in range(1, stack.instances + 1)
        )
        and _status(stack.url + "/healthz") == 200
    )
    result.check(
        "gunicorn replaced every killed worker; /healthz 200 on each server and through nginx",
        len(alive) == stack.instances * stack.workers and not killed & set(alive) and healthy,
        f"{len(alive)} workers alive, none of the {len(killed)} killed",
    )
    cut_answers = sum(
        b.statuses[0] + b.statuses[502] for b in [*browsers.values(), *officers, *voters.values()]
    )
    result.check(
        "a kill costs at most the request in hand (the other servers and workers go on serving)",
        cut_answers <= len(kills),
        f"{cut_answers} requests unanswered or 502 for {len(kills)} kills",
    )
    server_errors = sum(
        n
        for b in [*browsers.values(), *officers, *voters.values()]
        for s, n in b.statuses.items()
        if s >= 500 and s not in TRANSIENT
    )
    result.check("no 500 answer", server_errors == 0, f"{server_errors} answers of 500")
    fresh_connections()
    check_scores(result, focal, saves)
    check_people(result, saves)
    check_small_imports(result, saves)
    check_ballots(result, poll, saves)
    check_audit(result)
    return result


SMALL_IMPORT = 400  # rows: imported within the upload's request (IMPORT_SYNC_MAX_ROWS)


def small_imports(b: Browser, files: list[Path], out: list[Save]) -> None:
    """Upload small people imports, each run within its request (all or nothing)."""
    for file in files:
        b.get_until("/imports/")
        with file.open("rb") as handle:
            answer = b.post_form(
                "/imports/", {"kind": "people"}, files={"file": (file.name, handle, XLSX)}
            )
        key = file.stem
        if outcome_of(answer) or answer is None or answer.status_code != 302:
            out.append(Save("import", key, outcome_of(answer) or REFUSED, status_text(answer)))
            continue
        page = b.get(answer.headers["Location"])
        if page is None or page.status_code != 200:
            out.append(Save("import", key, CUT, "imported, result page " + status_text(page)))
            continue
        done = "message-success" in page.text
        out.append(Save("import", key, OK if done else REFUSED, value=SMALL_IMPORT if done else 0))
        time.sleep(random.uniform(0.1, 0.5))


def check_small_imports(result: Result, saves: list[Save]) -> None:
    from imports.models import ImportJob
    from people.models import Person

    imports = [s for s in saves if s.kind == "import"]
    problems = []
    stored_total = 0
    for save in imports:
        n = save.key.split("-")[1]
        stored = Person.objects.filter(full_name__startswith=f"Nhập Nhỏ {n} ").count()
        stored_total += stored
        if stored not in (0, SMALL_IMPORT):
            problems.append(f"{save.key}: {stored} of {SMALL_IMPORT} rows stored")
        elif save.outcome == OK and stored != SMALL_IMPORT:
            problems.append(f"{save.key}: acknowledged, {stored} stored")
    stuck = ImportJob.objects.exclude(status__in=("done", "rejected", "failed")).count()
    result.rows.append(table_row(f"small imports ({SMALL_IMPORT} rows)", imports, stored_total))
    result.check(
        "no half-written import; every acknowledged import stored whole",
        not problems,
        "; ".join(problems[:3])
        or f"{stored_total // SMALL_IMPORT} files stored whole; {stuck} job(s) left 'checking' "
        "by a killed request (failed by the worker's sweep after 10 minutes)",
    )


def _status(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


# --- scenario: the task worker killed mid-import ------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING_IMPORT = ("pending", "validating", "writing", "applying")


def people_workbook(path: Path, prefix: str, rows: int) -> Path:
    from django.utils import translation
    from openpyxl import Workbook

    from imports import rules

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with translation.override("vi"):
        sheet.append([str(c.header) for c in rules.PEOPLE_COLUMNS])
    for i in range(rows):
        sheet.append(
            [
                f"{prefix} {i:05d}",
                "Nữ" if i % 2 else "Nam",
                1970 + i % 30,
                "Kinh",
                "Chuyên viên",
                "",
                "19",
                "",
                "",
                "",
            ]
        )
    book.save(path)
    return path


def recipients_workbook(path: Path, prefix: str, rows: int, year: int) -> Path:
    from django.utils import translation
    from openpyxl import Workbook

    from register import importing

    values = {
        "number": 0, "full_name": "", "birth_year": "", "gender": "", "unit_code": "19",
        "position": "Chuyên viên", "collective_code": "", "code": "LDTT", "year": year,
        "amount": "", "note": "",
    }  # fmt: skip
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with translation.override("vi"):
        sheet.append([str(c.header) for c in importing.COLUMNS])
    for i in range(rows):
        row = {
            **values,
            "number": i + 1,
            "full_name": f"{prefix} {i:05d}",
            "birth_year": 1965 + i % 35,
            "gender": "Nữ" if i % 2 else "Nam",
        }
        sheet.append([row[c.key] for c in importing.COLUMNS])
    book.save(path)
    return path


def wait_for(condition: Callable[[], Any], timeout: float, every: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None


def task_of(job_id: int, task_path: str) -> Any:
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(task_path=task_path, args_kwargs__args=[job_id])
        .order_by("-enqueued_at")
        .first()
    )


def task_finished(job_id: int, task_path: str) -> bool:
    task = task_of(job_id, task_path)
    return task is not None and task.status in ("SUCCESSFUL", "FAILED")


def open_write_transactions() -> int:
    """Other sessions with an open transaction that has written rows (an import, uncommitted)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def upload(b: Browser, path: str, file: Path, fields: dict[str, str]) -> int:
    b.get_until(path)
    with file.open("rb") as handle:
        answer = b.post_form(path, fields, files={"file": (file.name, handle, XLSX)})
    assert answer is not None and answer.status_code == 302, status_text(answer)
    match = re.search(r"/(\d+)/$", answer.headers["Location"])
    assert match, answer.headers["Location"]
    return int(match.group(1))


def people_import_round(
    stack: Stack, b: Browser, work: Path, label: str, rows: int, kill_in: list[str]
) -> dict[str, Any]:
    """Upload a people import, kill the worker when the job reaches each status of `kill_in`
    (the second kill waits for the second attempt), then let it recover by itself."""
    from imports.models import ImportJob
    from people.models import Person

    prefix = f"Nhập Sự Cố {label}"
    before = Person.objects.count()
    file = people_workbook(work / f"{label}.xlsx", prefix, rows)
    job_id = upload(b, "/imports/", file, {"kind": "people"})
    kills: list[str] = []
    half_written: list[int] = []
    started = time.monotonic()
    for n, phase in enumerate(kill_in, start=1):

        def reached(phase: str = phase, n: int = n) -> bool:
            job = ImportJob.objects.get(pk=job_id)
            task = task_of(job_id, "imports.tasks.run_import")
            attempts = len(task.worker_ids) if task else 0
            if job.status != phase or attempts < n or task.status != "RUNNING":
                return False
            return phase != "validating" or job.processed_rows > 0

        if not wait_for(reached, 90):
            kills.append(f"never reached {phase} (attempt {n})")
            continue
        if phase == "writing":
            time.sleep(0.3)  # inside the write's transaction
        job = ImportJob.objects.get(pk=job_id)
        writing = phase == "writing" and open_write_transactions()
        stack.kill_task_worker()
        kills.append(
            f"killed at {time.monotonic() - started:.1f} s in {job.status} "
            f"({job.processed_rows}/{job.total_rows} rows checked"
            + (", inside its write transaction)" if writing else ")")
        )

    def finished() -> bool:
        count = Person.objects.count()
        if count not in (before, before + rows):
            half_written.append(count)
        return ImportJob.objects.get(pk=job_id).is_finished

    done = wait_for(finished, 120, every=0.2)
    # The job commits its outcome a moment before the worker records the task's.
    wait_for(lambda: task_finished(job_id, "imports.tasks.run_import"), 15, every=0.1)
    job = ImportJob.objects.get(pk=job_id)
    task = task_of(job_id, "imports.tasks.run_import")
    after = Person.objects.filter(full_name__startswith=prefix).count()
    page = b.get_until(f"/imports/{job_id}/")
    return {
        "label": label,
        "rows": rows,
        "kills": kills,
        "finished": bool(done),
        "status": job.status,
        "message": job.message,
        "stored": after,
        "total_before": before,
        "half_written": half_written,
        "task": f"{task.status}, {len(task.worker_ids)} attempt(s)" if task else "none",
        "page_says": html.escape(job.message, quote=False) in page.text
        or job.message in html.unescape(page.text),
        "seconds": time.monotonic() - started,
    }


def recipient_import_round(stack: Stack, b: Browser, work: Path, rows: int) -> dict[str, Any]:
    """A decision's recipient list: checked in the background, applied in the background; the
    worker is killed while applying (the write)."""
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from orgs.models import Org
    from people.models import Person
    from register import services
    from register.import_models import RecipientImport
    from register.models import Record

    today = timezone.localdate()
    decision = services.decision_create(
        actor=User.objects.get(username="canbo.thainguyen"),
        number=f"{random.randint(100, 999)}/QĐ-UBND-SC",
        date=today,
        issuer=Org.objects.get(code="19"),
    )
    fresh_connections()
    prefix = "Khen Sự Cố"
    file = recipients_workbook(work / "recipients.xlsx", prefix, rows, today.year - 1)
    started = time.monotonic()
    job_id = upload(b, reverse("register:import-start", args=[decision.pk]), file, {})
    status = wait_for(
        lambda: (
            RecipientImport.objects.get(pk=job_id).status
            in ("ready", "review", "rejected", "failed")
        ),
        120,
        every=0.2,
    )
    job = RecipientImport.objects.get(pk=job_id)
    if not status or job.status != "ready":
        return {"label": "recipients", "rows": rows, "status": job.status, "message": job.message,
                "kills": ["never ready"], "stored": 0, "finished": False, "half_written": [],
                "task": "", "page_says": False, "seconds": time.monotonic() - started}  # fmt: skip
    b.get_until(reverse("register:import-detail", args=[job_id]))
    answer = b.post_form(reverse("register:import-apply", args=[job_id]), {})
    assert answer is not None and answer.status_code == 302, status_text(answer)
    kills = []
    half_written: list[int] = []

    def applying() -> bool:
        task = task_of(job_id, "register.importing.apply_import")
        return bool(task and task.status == "RUNNING")

    if wait_for(applying, 60):
        wait_for(open_write_transactions, 10)
        time.sleep(0.1)
        writing = open_write_transactions()
        stack.kill_task_worker()
        kills.append(
            f"killed at {time.monotonic() - started:.1f} s while applying"
            + (" (inside its write transaction)" if writing else "")
        )
    else:
        kills.append("never saw it applying")

    def finished() -> bool:
        count = Record.objects.filter(decision=decision).count()
        if count not in (0, rows):
            half_written.append(count)
        return RecipientImport.objects.get(pk=job_id).is_finished

    done = wait_for(finished, 120, every=0.2)
    wait_for(lambda: task_finished(job_id, "register.importing.apply_import"), 15, every=0.1)
    job = RecipientImport.objects.get(pk=job_id)
    task = task_of(job_id, "register.importing.apply_import")
    page = b.get_until(reverse("register:import-detail", args=[job_id]))
    return {
        "label": "recipients",
        "rows": rows,
        "kills": kills,
        "finished": bool(done),
        "status": job.status,
        "message": job.message,
        "stored": Record.objects.filter(decision=decision).count(),
        "people": Person.objects.filter(full_name__startswith=prefix).count(),
        "half_written": half_written,
        "task": f"{task.status}, {len(task.worker_ids)} attempt(s)" if task else "none",
        "page_says": job.message in html.unescape(page.text),
        "seconds": time.monotonic() - started,
    }


def scenario_task(stack: Stack) -> Result:
    from django.conf import settings

    result = Result(
        "task: the task worker killed (SIGKILL) in the middle of imports",
        header=("import", "rows sent", "kills", "job's final status", "task", "stored"),
    )
    work = stack.workdir / "imports"
    work.mkdir(exist_ok=True)
    b = Browser(stack.url, "canbo.thainguyen")
    b.login()
    rows = settings.IMPORT_SYNC_MAX_ROWS * 2
    result.notes.append(
        f"{rows} rows a file (background above {settings.IMPORT_SYNC_MAX_ROWS}); a worker is "
        f"lost after {LOST_AFTER} s of silence (TASK_WORKER_LOST_AFTER); the supervisor restarts "
        f"a killed worker after {stack.worker_restart_delay:.0f} s, as systemd would"
    )
    rounds = [
        ("people, killed while checking", ["validating"], "done"),
        ("people, killed while writing", ["writing"], "done"),
        ("people, killed twice", ["validating", "validating"], "failed"),
    ]
    for n, (what, kill_in, expected) in enumerate(rounds, start=1):
        outcome = people_import_round(stack, b, work, f"R{n}", rows, kill_in)
        fresh_connections()
        want = rows if expected == "done" else 0
        result.rows.append(
            [
                what,
                str(rows),
                str(len(outcome["kills"])),
                outcome["status"],
                outcome["task"],
                str(outcome["stored"]),
            ]
        )
        result.notes.append(
            f"{what}: {'; '.join(outcome['kills'])}; task {outcome['task']}; "
            f"{outcome['seconds']:.0f} s; told: “{outcome['message']}”"
        )
        result.check(
            f"{what}: {'resumed and completed' if expected == 'done' else 'failed with a clear message'}, "
            f"{want} people stored",
            outcome["finished"]
            and outcome["status"] == expected
            and outcome["stored"] == want
            and outcome["task"].endswith("2 attempt(s)")
            and len(outcome["kills"]) == len(kill_in)
            and all(k.startswith("killed") for k in outcome["kills"]),
            f"{outcome['status']}, {outcome['stored']} stored",
        )
        result.check(
            f"{what}: never half-written; the page shows the outcome",
            not outcome["half_written"] and outcome["page_says"],
            f"counts seen mid-way: {sorted(set(outcome['half_written']))[:5] or 'none partial'}",
        )
    rows_r = 5000
    outcome = recipient_import_round(stack, b, work, rows_r)
    fresh_connections()
    result.rows.append(
        [
            "recipient list, killed while applying",
            str(rows_r),
            str(len(outcome["kills"])),
            outcome["status"],
            outcome["task"],
            f"{outcome['stored']} records",
        ]
    )
    result.notes.append(
        f"recipient list: {'; '.join(outcome['kills'])}; task {outcome['task']}; "
        f"{outcome['seconds']:.0f} s; told: “{outcome['message']}”"
    )
    result.check(
        "recipient list: resumed and completed, every record and person once",
        outcome["finished"]
        and outcome["status"] == "done"
        and outcome["stored"] == rows_r
        and outcome["task"] == "SUCCESSFUL, 2 attempt(s)"
        and outcome.get("people") == rows_r
        and all(k.startswith("killed") for k in outcome["kills"]),
        f"{outcome['status']}, {outcome['stored']} records, {outcome.get('people')} people",
    )
    result.check(
        "recipient list: never half-written; the page shows the outcome",
        not outcome["half_written"] and outcome["page_says"],
        f"counts seen mid-way: {sorted(set(outcome['half_written']))[:5] or 'none partial'}",
    )
    check_audit(result)
    return result


# --- scenario: PostgreSQL restarted ------------------------------------------------------------------


def browse(b: Browser, stop: threading.Event, paths: list[str]) -> None:
    while not stop.is_set():
        b.get(random.choice(paths))
        time.sleep(random.uniform(0.05, 0.2))


def scenario_postgres(stack: Stack) -> Result:
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from accounts.services import token_create

    result = Result("postgres: PostgreSQL restarted (fast) while clients save and browse")
    poll = poll_setup("pg", voters=12)
    _token, secret = token_create(user=User.objects.get(username="canbo.thainguyen"), name="faults")
    fresh_connections()
    officers = [Browser(stack.url, "canbo.thainguyen") for _ in range(2)]
    readers = [Browser(stack.url, "canbo.thainguyen") for _ in range(2)]
    api = Browser(stack.url, "canbo.thainguyen", secret)
    voters = {d["username"]: Browser(stack.url, d["username"]) for d in poll["delegates"]}
    everyone = [*officers, *readers, api, *voters.values()]
    errors: list[str] = []
    run_threads([b.login for b in [*officers, *readers, *voters.values()]], errors)
    worker_before = stack.task_worker_pid()
    restarts_before = len(stack.worker_restarts)
    stop = threading.Event()
    outs: list[list[Save]] = []
    window: dict[str, float] = {}

    def restarter() -> None:
        time.sleep(4)
        window["start"] = time.monotonic()
        window["down"] = stack.restart_postgres()
        window["end"] = time.monotonic()
        window["healthy"] = wait_healthy(stack.url, timeout=60)
        time.sleep(8)
        stop.set()

    targets: list[Callable[[], None]] = [restarter]
    for n, b in enumerate(officers):
        out: list[Save] = []
        outs.append(out)
        targets.append(functools.partial(officer, b, f"Thử Sự Cố PG {'AB'[n]}", 400, out, stop))
    pages = ["/", "/people/?q=nguyen", "/orgs/", "/votes/", "/register/", "/stats/"]
    for b in readers:
        targets.append(functools.partial(browse, b, stop, pages))
    targets.append(
        functools.partial(browse, api, stop, ["/api/v1/people?limit=20", "/api/v1/orgs?q=bac"])
    )
    items = poll["delegates"]
    for start in range(0, len(items), 4):
        out = []
        outs.append(out)

        def vote_slice(
            chunk: list[dict[str, Any]] = items[start : start + 4], out: list[Save] = out
        ) -> None:
            for d in chunk:
                delegate(voters[d["username"]], poll["poll_id"], d, out, random.uniform(0.5, 2.5))

        targets.append(vote_slice)
    run_threads(targets, errors)
    saves = [s for out in outs for s in out]
    statuses = sum((b.statuses for b in everyone), Counter())
    requests_seen = [r for b in everyone for r in b.requests]
    down_from, end = window.get("start", 0.0), window.get("end", 0.0)
    during = Counter(s for t, _d, _m, _p, s in requests_seen if down_from <= t + _d and t <= end)
    late = [
        (round(t - end, 1), m, p, s)
        for t, _d, m, p, s in requests_seen
        if t > end + 1.0 and (s in TRANSIENT or s >= 500)
    ]
    result.notes.append(
        f"PostgreSQL down and back in {window.get('down', 0):.1f} s; /healthz 200 through nginx "
        f"{window.get('healthy', 0):.1f} s after it answered; {len(requests_seen)} requests, answers "
        f"{dict(sorted(statuses.items()))}; during the restart: {dict(sorted(during.items()))}"
    )
    for e in errors:
        result.notes.append("client error: " + e.strip().splitlines()[-1])
    result.check("every client finished its work", not errors, f"{len(errors)} client errors")
    result.check(
        "during the outage, answers are 503 (a message), never a 500 page",
        statuses[500] == 0,
        f"{during.get(503, 0)} × 503, {statuses[500]} × 500, {during.get(502, 0)} × 502",
    )
    result.check(
        "/healthz is 200 within 5 s of PostgreSQL answering again",
        "healthy" in window and window["healthy"] <= 5,
        f"{window.get('healthy', -1):.1f} s",
    )
    result.check(
        "no error once PostgreSQL answers again (no stale connections)",
        not late,
        f"{len(late)} failed requests started after it came back"
        + (f": {late[:3]}" if late else ""),
    )
    fresh_connections()
    check_people(result, saves)
    check_ballots(result, poll, saves)
    # The task worker still runs tasks (restarted, as systemd would, if the outage stopped it).
    from stats.tasks import catch_up

    enqueued = catch_up.enqueue()
    ran = wait_for(
        lambda: DBTaskResult.objects.filter(pk=enqueued.id, status="SUCCESSFUL").exists(),
        30,
        every=0.2,
    )
    restarted = len(stack.worker_restarts) - restarts_before
    result.check(
        "the task worker still runs tasks (a task enqueued now runs)",
        bool(ran),
        f"{'ran' if ran else 'did not run'}; worker {worker_before} → {stack.task_worker_pid()}, "
        f"{restarted} restart(s) by the supervisor",
    )
    check_audit(result)
    return result


# --- main ------------------------------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[Stack], Result]] = {
    "web": scenario_web,
    "task": scenario_task,
    "postgres": scenario_postgres,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help="web,task,postgres")
    parser.add_argument("--port", type=int, default=8200, help="nginx's port (gunicorn: the next)")
    parser.add_argument("--pg-port", type=int, default=CLUSTER_PORT, help="our PostgreSQL cluster")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the template database")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    started = time.monotonic()
    ensure_cluster(CLUSTER_NAME, args.pg_port)
    url = fresh_database(args.pg_port, rebuild=args.rebuild)
    stack_dir = ROOT / "var" / "faults" / "stack"
    if stack_dir.exists():
        import shutil

        shutil.rmtree(stack_dir)
    setup_django(url, stack_dir)
    random.seed()
    results: list[Result] = []
    with Stack(
        url,
        stack_dir,
        port=args.port,
        env={"TASK_WORKER_LOST_AFTER": str(LOST_AFTER)},
        worker_restart_delay=2.0,
    ) as stack:
        for name in chosen:
            begun = time.monotonic()
            try:
                result = SCENARIOS[name](stack)
            except Exception:
                result = Result(f"{name}: the scenario itself failed")
                result.check("the scenario ran", False, traceback.format_exc(limit=5))
            result.seconds = time.monotonic() - begun
            result.print()
            results.append(result)
            fresh_connections()
    print()
    print(f"== faults: {time.monotonic() - started:.0f} s in all; logs in {stack_dir / 'logs'}")
    for r in results:
        print(f"   {'PASS' if r.passed else 'FAIL'}  {r.title} ({r.seconds:.0f} s)")
    return 0 if results and all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
