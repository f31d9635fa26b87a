"""The year-end deadline, played by locust (headless, run by loadtest.run).

- 300 focal points (FocalPoint): each opens its unit's scoring sheet, saves criteria one at a time
  (each save reloads the sheet, as the browser does after the redirect), submits the unit's year
  report once or twice (a correction), and submits the self-assessment near the end.
- 50 commendation officers (Officer) browse their province: people list, person pages, the
  register, the statistics dashboard, the unit's page, cluster pages.
- 20 delegates (Delegate) vote in the year-end meeting's 40 polls, one after the other: open the
  ballot, fill it, confirm it, keep the receipt.

Think times are a person's: a focal point reads and types for 8–20 s between saves; an officer
reads a page for 4–10 s; a delegate takes 4–10 s per ballot step.

Every write the server acknowledged (and every write sent without an acknowledgement) is written
to LOADTEST_ACKS (JSON lines) for loadtest.run to compare with what the database holds. Each
response's status is counted by route (LOADTEST_STATUS) so 5xx are reported exactly.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from typing import Any

from locust import FastHttpUser, between, events, task

MANIFEST = json.loads(open(os.environ["LOADTEST_MANIFEST"], encoding="utf-8").read())  # noqa: SIM115
ACKS_PATH = os.environ["LOADTEST_ACKS"]
STATUS_PATH = os.environ["LOADTEST_STATUS"]
PASSWORD = MANIFEST["password"]
SUBMIT_AFTER_S = (150, 270)  # when a focal point submits its self-assessment, after its start

SAVE_ACTION = re.compile(r'action="/scoring/sheets/(\d+)/save/"')
VERSION = re.compile(r'name="version" value="(\d+)"')
BALLOT_JSON = re.compile(r'name="ballot" value="([^"]*)"')
RECEIPT = re.compile(r"\b([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})\b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

_lock = threading.Lock()
_records: list[dict[str, Any]] = []
_status: Counter[tuple[str, int]] = Counter()
_pools: dict[str, list[Any]] = {}


def record(kind: str, acked: bool, **fields: Any) -> None:
    with _lock:
        _records.append({"kind": kind, "acked": acked, "at": time.time(), **fields})


def take(pool: str) -> Any:
    """Each simulated person is used once: the next unused entry of the manifest's list."""
    with _lock:
        if pool not in _pools:
            _pools[pool] = list(MANIFEST[pool])
        return _pools[pool].pop(0)


_sign_ins: list[float] = []
_signed_in = [0]
PEOPLE = int(os.environ.get("LOADTEST_PEOPLE", "370"))


def signed_in(environment: Any) -> None:
    """The figures are those at full strength: once everybody has signed in (a deliberately slow
    password hash each), the statistics start again; the sign-ins are reported apart."""
    with _lock:
        _signed_in[0] += 1
        everybody = _signed_in[0] == PEOPLE
    if everybody:
        environment.stats.reset_all()


@events.request.add_listener
def count_status(name: str, response: Any, response_time: float = 0, **_: Any) -> None:
    code = getattr(response, "status_code", 0) or 0
    with _lock:
        _status[(name, int(code))] += 1
        if name == "sign in":
            _sign_ins.append(response_time)


@events.quitting.add_listener
def write_results(**_: Any) -> None:
    with open(ACKS_PATH, "w", encoding="utf-8") as out:
        for row in _records:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(STATUS_PATH, "w", encoding="utf-8") as out:
        json.dump(
            {
                "status": [[n, c, k] for (n, c), k in sorted(_status.items())],
                "sign_in_ms": sorted(_sign_ins),
            },
            out,
        )


class Person(FastHttpUser):
    abstract = True
    username = ""

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    def sign_in(self) -> None:
        self.client.get("/accounts/login/", name="sign-in page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(),
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"sign in refused ({r.status_code})")
        signed_in(self.environment)

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return ""
            return r.text or ""

    def post(self, url: str, fields: dict[str, str], name: str, **kw: Any) -> Any:
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        return self.client.post(url, data=fields, name=name, catch_response=True, **kw)


class FocalPoint(Person):
    weight = 300
    wait_time = between(8, 20)

    def on_start(self) -> None:
        me = take("focal_points")
        self.username, self.me = me["username"], me
        self.started = time.time()
        self.submit_at = self.started + random.uniform(*SUBMIT_AFTER_S)
        self.submitted = False
        self.filled: set[str] = set()
        self.reports = 0
        self.sign_in()
        self.load_sheet()

    def load_sheet(self) -> None:
        text = self.page(self.me["sheet_page"], "sheet page")
        action, version = SAVE_ACTION.search(text), VERSION.search(text)
        self.sheet_id = int(action.group(1)) if action else 0
        self.version = int(version.group(1)) if version else 0
        self.last_text = text

    @task(10)
    def save_criterion(self) -> None:
        if self.submitted or not self.sheet_id:
            self.load_sheet()
            return
        missing = [c for c in MANIFEST["criteria"] if c not in self.filled]
        if time.time() >= self.submit_at and not missing:
            self.submit_sheet()
            return
        # Near the deadline, the criteria still empty first; before it, any criterion.
        code = (
            missing[0]
            if time.time() >= self.submit_at
            else random.choice(list(MANIFEST["criteria"]))
        )
        value = random.choice(MANIFEST["criteria"][code])
        target = MANIFEST["targets"].get(code, "")
        note = f"lt-{uuid.uuid4().hex[:12]}"
        sent = {"user": self.username, "sheet": self.sheet_id, "code": code, "note": note}
        with self.post(
            f"/scoring/sheets/{self.sheet_id}/save/",
            {
                "code": code,
                "value": value,
                "target": target,
                "note": note,
                "version": str(self.version),
            },
            "save criterion",
            allow_redirects=False,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                record("mark", False, value=value, **sent)
                return
        self.load_sheet()
        acked = f"Đã lưu {code}." in self.last_text
        if acked:
            self.filled.add(code)
        record("mark", acked, value=value, **sent)

    def submit_sheet(self) -> None:
        sheet = self.sheet_id  # the submitted sheet's page has no save form left to read it from
        with self.post(
            f"/scoring/sheets/{sheet}/submit/", {}, "submit sheet", allow_redirects=False
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                record("submit", False, user=self.username, sheet=sheet)
                return
        self.load_sheet()
        acked = "Đã gửi bản tự chấm điểm để chấm chéo." in self.last_text
        self.submitted = acked
        record("submit", acked, user=self.username, sheet=sheet)

    @task(1)
    def submit_report(self) -> None:
        if self.reports >= 2:
            self.load_sheet()
            return
        url = self.me["report_page"]
        self.page(url, "report page")
        summary = f"Báo cáo tổng kết lt-{uuid.uuid4().hex[:12]}"
        boundary = uuid.uuid4().hex
        token = self.csrf()
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
                f"\r\n\r\n{token}\r\n"
                f'--{boundary}\r\nContent-Disposition: form-data; name="summary"\r\n\r\n'
                f"{summary}\r\n"
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="bao-cao-{self.reports + 1}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        sent = {"user": self.username, "org": self.me["org"], "summary": summary}
        with self.client.post(
            url,
            data=body,  # type: ignore[arg-type]  # bytes are sent as they are
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            name="submit report",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code}")
                record("report", False, **sent)
                return
        text = self.page(url, "report page")
        acked = "Đã nộp báo cáo." in text
        self.reports += acked
        record("report", acked, **sent)


class Officer(Person):
    weight = 50
    wait_time = between(4, 10)

    def on_start(self) -> None:
        me = take("officers")
        self.username, self.me = me["username"], me
        self.sign_in()

    @task(3)
    def people_list(self) -> None:
        self.page(self.me["pages"]["people_list"], "people list")

    @task(4)
    def person(self) -> None:
        if self.me["people"]:
            self.page(random.choice(self.me["people"]), "person page")

    @task(2)
    def records(self) -> None:
        self.page(self.me["pages"]["records"], "register list")

    @task(2)
    def dashboard(self) -> None:
        key = random.choice(["dashboard", "dashboard_2024"])
        self.page(self.me["pages"][key], "statistics dashboard")

    @task(1)
    def org(self) -> None:
        self.page(self.me["pages"]["org"], "unit page")

    @task(1)
    def cluster(self) -> None:
        key = random.choice(["cluster_year", "cluster_stats"])
        self.page(self.me["pages"][key], "cluster pages")


class Delegate(Person):
    weight = 20
    fixed_count = 20
    wait_time = between(4, 10)

    def on_start(self) -> None:
        self.username = take("delegates")
        self.polls = list(MANIFEST["polls"])
        self.sign_in()

    @task
    def vote(self) -> None:
        if not self.polls:
            self.page("/votes/", "poll list")
            return
        poll = self.polls.pop(0)  # one attempt per poll: a ballot is cast once
        url = poll["ballot_page"]
        self.page(url, "ballot page")
        self.wait()
        choice = random.choice(poll["candidates"])
        with self.post(url, {"choice": choice}, "ballot fill") as r:
            found = BALLOT_JSON.search(r.text or "") if r.status_code == 200 else None
            if not found:
                r.failure(f"no confirmation ({r.status_code})")
                record("ballot", False, user=self.username, poll=poll["id"], choice=choice)
                return
        self.wait()
        ballot = html.unescape(found.group(1))
        sent = {"user": self.username, "poll": poll["id"], "choice": choice}
        with self.post(url, {"confirm": "1", "ballot": ballot}, "ballot cast") as r:
            receipt = RECEIPT.search(r.text or "") if r.status_code == 200 else None
            if not receipt:
                r.failure(f"no receipt ({r.status_code})")
                record("ballot", False, **sent)
                return
        record("ballot", True, receipt=receipt.group(1), **sent)
