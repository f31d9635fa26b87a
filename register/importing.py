"""Excel import of a decision's recipient list: check every row, match people, apply all or nothing.

1. `import_create` keeps the uploaded workbook (type and size checked as for the other imports) and
   counts its rows.
2. `import_validate` checks every row (Vietnamese messages naming the row and column; any error
   rejects the whole file) and matches each individual to the people registered, set-based: the
   candidates are read by normalised name (`Person.name_key`) in batches, never one query per row.
   A row is *matched* (exactly one person of that name and birth year in the given unit or below
   it), *uncertain* (people who might be them: same name and birth year elsewhere in the officer's
   reach, same name in the unit with another or no birth year, several people) or *new* (nobody:
   the person is created in the given unit). The checked rows are staged (RecipientImportRow).
3. The officer confirms the uncertain rows on the review screen (`import_resolve`: one of the
   candidates, or a new person).
4. `import_apply` writes everything in one transaction: the new people with a posting from the
   decision's date, the commendations (amount from the catalogue and the base salary on the
   decision's date unless the file gives one), and one audit event for the whole import.

Files over `sync_max_rows()` rows are checked and applied by the background tasks below while the
page polls the progress; `run_import_sync` does both steps in the calling thread (benchmarks).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from core import permissions, worker
from core.audit import audit_log
from core.errors import DomainError
from core.text import fold
from core.uploads import safe_name
from imports import rules
from imports.rules import Column, RowProblem
from imports.services import check_upload, read_rows
from orgs.models import Org
from people.models import Person, Posting
from register import services
from register.import_models import (
    MatchKind,
    RecipientImport,
    RecipientImportRow,
    RecipientImportStatus,
)
from register.models import Award, BaseSalary, Decision, Record

logger = logging.getLogger(__name__)

Status = RecipientImportStatus
PROGRESS_EVERY = 1000
NAME_BATCH = 900  # names per query when reading the candidates (under SQLite's parameter limit)
ID_BATCH = 900
WRITE_BATCH = 2000
MAX_CANDIDATES = 20
SYNC_MAX_ROWS = 1000


def sync_max_rows() -> int:
    """Files with more rows are checked and applied by the task worker."""
    return int(getattr(settings, "REGISTER_IMPORT_SYNC_MAX_ROWS", SYNC_MAX_ROWS))


# --- the workbook's columns -------------------------------------------------------------------------

COLUMNS: tuple[Column, ...] = (
    Column("number", gettext_lazy("No."), False, 1, 6),
    Column("full_name", gettext_lazy("Full name"), False, "Nguyễn Thị Lan", 28, 150),
    Column("birth_year", gettext_lazy("Birth year"), False, 1985, 10),
    Column("gender", gettext_lazy("Gender"), False, "Nữ", 10),
    Column("unit_code", gettext_lazy("Unit code"), False, "19.SNV", 14, 40),
    Column("position", gettext_lazy("Position"), False, "Chuyên viên", 22, 150),
    Column("collective_code", gettext_lazy("Collective (unit code)"), False, "", 18, 40),
    Column("code", gettext_lazy("Title or form code"), True, "LDTT", 18, 20),
    Column("year", gettext_lazy("Year of achievement"), True, "", 12),
    Column("amount", gettext_lazy("Amount (VND)"), False, "", 16),
    Column("note", gettext_lazy("Note"), False, "", 28),
)

# Headers as officers write them, accepted whatever the interface language and catalogue say.
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("STT", "TT", "Số thứ tự"),
    "full_name": ("Họ và tên", "Họ tên"),
    "birth_year": ("Năm sinh",),
    "gender": ("Giới tính",),
    "unit_code": ("Mã đơn vị", "Đơn vị"),
    "position": ("Chức vụ",),
    "collective_code": ("Tập thể (mã đơn vị)", "Tập thể", "Mã tập thể"),
    "code": ("Mã danh hiệu/hình thức", "Mã danh hiệu", "Mã hình thức", "Mã khen thưởng"),
    "year": ("Năm thành tích", "Năm"),
    "amount": ("Số tiền", "Số tiền (đồng)", "Tiền thưởng"),
    "note": ("Ghi chú",),
}


def match_headers(header_row: Sequence[Any]) -> tuple[dict[str, int], list[RowProblem]]:
    """Column positions by key: the template's headers in Vietnamese or English, or an alias."""
    positions, _missing = rules.match_headers(header_row, COLUMNS)
    wanted = {fold(alias): key for key, aliases in ALIASES.items() for alias in aliases}
    for index, cell in enumerate(header_row):
        key = wanted.get(fold(str(cell or "")).rstrip("*").strip())
        if key and key not in positions and index not in positions.values():
            positions[key] = index
    problems = [
        RowProblem(
            1, str(col.header), _("The required column “%(c)s” is missing.") % {"c": col.header}
        )
        for col in COLUMNS
        if col.required and col.key not in positions
    ]
    return positions, problems


def template_rows() -> tuple[Sequence[Column], list[list[Any]]]:
    """The template's columns and two example rows (an individual and a collective)."""
    year = timezone.localdate().year - 1
    person = {c.key: c.example for c in COLUMNS} | {"year": year}
    collective = {c.key: "" for c in COLUMNS} | {
        "number": 2,
        "collective_code": "19.SNV",
        "code": "TTLDTT",
        "year": year,
    }
    return COLUMNS, [[row[c.key] for c in COLUMNS] for row in (person, collective)]


def template_notes() -> list[str]:
    notes = [
        _("Fill one row per recipient under the header; delete the example rows."),
        _(
            "An individual: full name, birth year, gender, the code of the unit they work in and "
            "their position. A collective: only its unit code, in the column “%(c)s”."
        )
        % {"c": _("Collective (unit code)")},
        _(
            "Each individual is matched with the people registered by name, birth year and unit. "
            "Nobody found: a new person is created in that unit. Several possible people: you "
            "choose on a review screen before anything is saved."
        ),
        _("Amount: leave it empty for the catalogue's reward on the decision's date."),
        _("Any error rejects the whole file and changes nothing."),
        _("Codes of titles and forms:"),
    ]
    for award in Award.objects.order_by("rank", "code"):
        notes.append(f"{award.code}: {award.name} ({award.get_subject_display()})")
    return notes


# --- upload -----------------------------------------------------------------------------------------


def _data_rows(rows: Sequence[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    for index, row in enumerate(rows[1:], start=2):
        if not rules.is_blank(row):
            yield index, row


@transaction.atomic
def import_create(*, actor: Any, decision: Decision, upload: UploadedFile) -> RecipientImport:
    """Keep the uploaded workbook and count its rows; it is checked next (now or in the background)."""
    permissions.require(actor, "register.manage", decision)
    check_upload(upload)
    name = safe_name(upload.name or "") or "danh-sach.xlsx"
    job = RecipientImport(decision=decision, created_by=actor, original_name=name)
    job.file.save(name, upload, save=False)
    try:
        rows = read_rows(job.file.path)
    except DomainError:
        job.file.delete(save=False)
        raise
    job.total_rows = sum(1 for _ in _data_rows(rows))
    if job.total_rows == 0:
        job.file.delete(save=False)
        raise DomainError(_("The sheet has no data rows under the header."), field="file")
    job.save()
    return job


def runs_in_background(job: RecipientImport) -> bool:
    return job.total_rows > sync_max_rows()


FINISHED = (Status.DONE, Status.REJECTED, Status.FAILED)


def _progress(job: RecipientImport, **fields: Any) -> None:
    """Record progress; a finished job never changes again (a second run of it writes nothing)."""
    for key, value in fields.items():
        setattr(job, key, value)
    RecipientImport.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(**fields)


def _finish(job: RecipientImport, status: str, **fields: Any) -> None:
    _progress(job, status=status, finished_at=timezone.now(), **fields)


def _rejected(job: RecipientImport, problems: Sequence[RowProblem]) -> None:
    _finish(
        job,
        Status.REJECTED,
        errors=[p.as_dict() for p in problems],
        message=_("%(n)s error(s) found; nothing was imported.")
        % {"n": number_format(len(problems))},
    )


def _failed(job: RecipientImport, message: str) -> None:
    _finish(job, Status.FAILED, message=message)


def _unexpected(job: RecipientImport) -> None:
    logger.exception("recipient import %s failed", job.pk)
    _failed(job, _("An unexpected error stopped the import; nothing was changed."))


# --- checking and matching --------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """A row of the file once read: an individual (name, unit) or a collective (org)."""

    row: int
    code: str
    year: int
    amount: int
    note: str
    full_name: str = ""
    name_key: str = ""
    birth_year: int | None = None
    gender: str = ""
    position: str = ""
    unit: Org | None = None
    org_id: int | None = None
    match: str = ""
    person_id: int | None = None
    candidates: list[int] = field(default_factory=list)

    @property
    def person_key(self) -> tuple[str, int | None, int | None]:
        return (self.name_key, self.birth_year, self.unit.pk if self.unit else None)


@dataclass(slots=True)
class Candidate:
    pk: int
    birth_year: int | None
    path: str


class Checker:
    """Everything `import_validate` reads once for a file: catalogue, units, records, reach."""

    def __init__(self, job: RecipientImport, actor: Any, rows: list[list[Any]]) -> None:
        self.job = job
        self.actor = actor
        self.decision = job.decision
        self.rows = rows
        self.headers = {c.key: str(c.header) for c in COLUMNS}
        self.problems: list[RowProblem] = []
        self.lines: list[Line] = []

    def problem(self, row: int, key: str, message: str) -> None:
        self.problems.append(RowProblem(row, self.headers[key], message))

    def run(self) -> list[Line]:
        positions, problems = match_headers(self.rows[0] if self.rows else [])
        if problems:
            self.problems.extend(problems)
            return []
        data = list(_data_rows(self.rows))
        self._load(data, positions)
        for checked, (number, raw) in enumerate(data, start=1):
            if checked % PROGRESS_EVERY == 0:
                _progress(self.job, processed_rows=checked)
            self._read(number, raw, positions)
        self._match()
        self.problems.sort(key=lambda p: p.row)
        return self.lines

    # Reads shared by every row: a few queries for the whole file.
    def _load(self, data: list[tuple[int, Sequence[Any]]], positions: dict[str, int]) -> None:
        def values(key: str) -> set[str]:
            index = positions.get(key)
            if index is None:
                return set()
            return {rules.cell_text(r[index]).upper() for _n, r in data if index < len(r)} - {""}

        codes = values("unit_code") | values("collective_code")
        self.orgs: dict[str, Org] = {}
        for chunk in _chunks(sorted(codes), ID_BATCH):
            for org in Org.objects.filter(code__in=chunk):
                self.orgs[org.code.upper()] = org
        self.awards = {a.code: a for a in Award.objects.all()}
        salary = (
            BaseSalary.objects.filter(valid_from__lte=self.decision.date)
            .order_by("-valid_from")
            .values_list("amount", flat=True)
            .first()
        )
        self.default_amount = {
            code: (
                int((a.reward_multiple * salary).to_integral_value())
                if a.reward_multiple is not None and salary is not None
                else 0
            )
            for code, a in self.awards.items()
        }
        self.listed_people: set[tuple[int, str, int]] = set()
        self.listed_orgs: set[tuple[int, str, int]] = set()
        for person_id, org_id, code, year in Record.objects.filter(
            decision=self.decision
        ).values_list("person_id", "org_id", "code", "year"):
            if person_id is not None:
                self.listed_people.add((person_id, code, year))
            else:
                self.listed_orgs.add((org_id, code, year))
        today = timezone.localdate()
        self.min_birth = max(1900, self.decision.date.year - 100)
        self.max_birth = min(today.year, self.decision.date.year) - 15
        self.seen: dict[tuple[Any, ...], int] = {}

    def _org(self, number: int, key: str, code: str) -> Org | None:
        org = self.orgs.get(code)
        if org is None:
            self.problem(number, key, _("No unit has the code %(p)s.") % {"p": code})
            return None
        if not permissions.can(self.actor, "register.manage", org):
            self.problem(number, key, _("No unit you may manage has the code %(c)s.") % {"c": code})
            return None
        return org

    def _read(self, number: int, raw: Sequence[Any], positions: dict[str, int]) -> None:
        parsed = rules.read_cells(raw, positions, COLUMNS, number)
        v = parsed.values
        self.problems.extend(parsed.problems)
        before = len(self.problems)
        full_name = rules.cell_text(v["full_name"])
        collective_code = rules.cell_text(v["collective_code"]).upper()
        individual = bool(full_name)
        if full_name and collective_code:
            self.problem(
                number,
                "collective_code",
                _(
                    "Fill either the full name of an individual or the unit code of a collective, "
                    "not both."
                ),
            )
        elif not full_name and not collective_code:
            self.problem(
                number,
                "full_name",
                _("Give the full name of an individual or the unit code of a collective."),
            )
        code = rules.cell_text(v["code"]).upper()
        award = self.awards.get(code)
        if code and award is None:
            self.problem(number, "code", _("Unknown title or form code: %(c)s.") % {"c": code})
        year: int | None = None
        try:
            year = rules.parse_year(v["year"])
        except ValueError:
            self.problem(number, "year", _("Write a four-digit year."))
        if award is not None and year is not None and bool(full_name) != bool(collective_code):
            try:
                services.check_recipient(
                    award=award,
                    person=cast(Person, _SOMEONE) if individual else None,
                    org=None if individual else cast(Org, _SOMEONE),
                    year=year,
                    decision=self.decision,
                )
            except DomainError as exc:
                self.problem(number, "year" if exc.field == "year" else "code", exc.message)
        amount: int | None = None
        try:
            amount = parse_amount(v["amount"])
        except ValueError:
            self.problem(
                number,
                "amount",
                _("Write the amount in đồng as a whole number, or leave it empty."),
            )
        line = Line(
            row=number,
            code=code,
            year=year or 0,
            amount=amount if amount is not None else self.default_amount.get(code, 0),
            note=rules.cell_text(v["note"]),
        )
        if individual:
            self._read_person(line, v, full_name)
        elif collective_code:
            org = self._org(number, "collective_code", collective_code)
            if org is not None:
                line.org_id = org.pk
                line.match = MatchKind.COLLECTIVE
                key = ("org", org.pk, code, year)
                if key in self.seen:
                    self.problem(
                        number,
                        "collective_code",
                        _("Same recipient and title or form as row %(r)s.") % {"r": self.seen[key]},
                    )
                else:
                    self.seen[key] = number
                if (org.pk, code, year) in self.listed_orgs:
                    self.problem(
                        number,
                        "collective_code",
                        _("This recipient is already listed in the decision."),
                    )
        if len(self.problems) == before and not parsed.problems:
            self.lines.append(line)

    def _read_person(self, line: Line, v: Mapping[str, Any], full_name: str) -> None:
        number = line.row
        line.full_name = full_name
        line.name_key = fold(full_name)
        line.position = rules.cell_text(v["position"])
        try:
            line.birth_year = rules.parse_year(v["birth_year"])
        except ValueError:
            self.problem(number, "birth_year", _("Write a four-digit year."))
        else:
            if line.birth_year is not None and not (
                self.min_birth <= line.birth_year <= self.max_birth
            ):
                self.problem(
                    number,
                    "birth_year",
                    _("The birth year must be between %(a)s and %(b)s.")
                    % {"a": self.min_birth, "b": self.max_birth},
                )
        gender_key = fold(rules.cell_text(v["gender"]))
        if gender_key and gender_key not in rules.GENDER_WORDS:
            self.problem(number, "gender", _("Write Nam or Nữ."))
        line.gender = rules.GENDER_WORDS.get(gender_key, "")
        unit_code = rules.cell_text(v["unit_code"]).upper()
        if not unit_code:
            self.problem(number, "unit_code", _("This cell must not be empty."))
        else:
            line.unit = self._org(number, "unit_code", unit_code)
        if line.unit is not None:
            key = ("person", *line.person_key, line.code, line.year)
            if key in self.seen:
                self.problem(
                    number,
                    "full_name",
                    _("Same recipient and title or form as row %(r)s.") % {"r": self.seen[key]},
                )
            else:
                self.seen[key] = number

    def _match(self) -> None:
        """Match every individual with the people of the officer's reach, by name in batches."""
        people = [line for line in self.lines if line.match != MatchKind.COLLECTIVE]
        if not people:
            return
        by_name: dict[str, list[Candidate]] = {}
        reach = (
            None
            if permissions.sees_everything(self.actor, "register.manage")
            else permissions.visible_orgs(self.actor, "register.manage")
        )
        for chunk in _chunks(sorted({line.name_key for line in people}), NAME_BATCH):
            qs = Person.objects.filter(name_key__in=chunk)
            if reach is not None:
                qs = qs.filter(unit__in=reach)
            for pk, name_key, birth_year, path in qs.order_by("pk").values_list(
                "pk", "name_key", "birth_year", "unit__path"
            ):
                by_name.setdefault(name_key, []).append(Candidate(pk, birth_year, path))
        # Namesakes born the same year, looked up directly: with a national register a common name
        # has thousands of namesakes, and most rows are settled by the few born the same year.
        by_name_year: dict[tuple[str, int | None], list[Candidate]] = {}
        for name_key, candidates in by_name.items():
            for c in candidates:
                by_name_year.setdefault((name_key, c.birth_year), []).append(c)
        matched_rows: dict[tuple[int, str, int], int] = {}
        for line in people:
            assert line.unit is not None
            unit_path = line.unit.path
            same_year = by_name_year.get((line.name_key, line.birth_year), ())
            exact: list[int] = [c.pk for c in same_year if c.path.startswith(unit_path)]
            close: list[int] = []
            if len(exact) != 1:
                for c in by_name.get(line.name_key, ()):
                    in_unit = c.path.startswith(unit_path)
                    if in_unit and c.birth_year == line.birth_year:
                        continue
                    if in_unit or (line.birth_year is not None and c.birth_year == line.birth_year):
                        close.append(c.pk)
            if len(exact) == 1:
                line.match = MatchKind.MATCHED
                line.person_id = exact[0]
                key = (exact[0], line.code, line.year)
                if key in self.listed_people:
                    self.problem(
                        line.row,
                        "full_name",
                        _("This recipient is already listed in the decision."),
                    )
                elif key in matched_rows:
                    self.problem(
                        line.row,
                        "full_name",
                        _("Same recipient and title or form as row %(r)s.")
                        % {"r": matched_rows[key]},
                    )
                else:
                    matched_rows[key] = line.row
            elif exact or close:
                line.match = MatchKind.UNCERTAIN
                line.candidates = (exact + close)[:MAX_CANDIDATES]
            else:
                line.match = MatchKind.NEW
                if not line.gender:
                    self.problem(
                        line.row,
                        "gender",
                        _(
                            "Give the gender (Nam or Nữ): nobody of this name is registered in "
                            "this unit, so a new person will be created."
                        ),
                    )
                if not line.unit.is_active_on(self.decision.date):
                    self.problem(
                        line.row,
                        "unit_code",
                        _("%(unit)s is not active on %(day)s.")
                        % {"unit": line.unit.name, "day": self.decision.date.strftime("%d/%m/%Y")},
                    )


class _Someone:
    """Stands for the recipient in services.check_recipient, which only asks whether there is one."""


_SOMEONE = _Someone()


def parse_amount(value: Any) -> int | None:
    """An amount in đồng: a whole number cell, or text such as `1.404.000` or `1 404 000 đ`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        number = int(value)
    elif isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(value)
        number = int(value)
    else:
        text = fold(str(value)).replace("\u00a0", "").replace(" ", "")
        for suffix in ("vnd", "dong", "d"):
            text = text.removesuffix(suffix)
        text = text.replace(".", "").replace(",", "")
        if not text.isdigit():
            raise ValueError(value)
        number = int(text)
    if number < 0 or number > 10**15:
        raise ValueError(value)
    return number


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_validate(*, job_id: int) -> RecipientImport:
    """Check every row and match the people; stage the rows, or reject the file with its errors."""
    job = RecipientImport.objects.select_related("decision__issuer", "created_by").get(pk=job_id)
    if job.status != Status.PENDING:
        return job
    actor = job.created_by
    _progress(job, status=Status.VALIDATING, processed_rows=0)
    try:
        if not permissions.can(actor, "register.manage", job.decision):
            _failed(job, _("You may no longer add recipients to this decision."))
            return job
        checker = Checker(job, actor, read_rows(job.file.path))
        lines = checker.run()
        if checker.problems:
            _rejected(job, checker.problems)
            return job
        _stage(job, lines)
    except DomainError as exc:
        _failed(job, exc.message)
    except Exception:
        _unexpected(job)
    return job


@transaction.atomic
def _stage(job: RecipientImport, lines: list[Line]) -> None:
    RecipientImportRow.objects.filter(job=job).delete()
    for chunk in _chunks(lines, WRITE_BATCH * 5):
        RecipientImportRow.objects.bulk_create(
            [
                RecipientImportRow(
                    job=job,
                    row=line.row,
                    match=line.match,
                    full_name=line.full_name,
                    name_key=line.name_key,
                    birth_year=line.birth_year,
                    gender=line.gender,
                    position=line.position,
                    unit=line.unit,
                    person_id=line.person_id,
                    candidates=line.candidates,
                    org_id=line.org_id,
                    code=line.code,
                    year=line.year,
                    amount=line.amount,
                    note=line.note,
                )
                for line in chunk
            ],
            batch_size=WRITE_BATCH,
        )
    counts = {kind: 0 for kind in MatchKind.values}
    for line in lines:
        counts[line.match] += 1
    fields = {
        "matched_rows": counts[MatchKind.MATCHED],
        "new_rows": counts[MatchKind.NEW],
        "uncertain_rows": counts[MatchKind.UNCERTAIN],
        "collective_rows": counts[MatchKind.COLLECTIVE],
        "processed_rows": job.total_rows,
        "errors": [],
    }
    for key, value in fields.items():
        setattr(job, key, value)
    status = Status.REVIEW if counts[MatchKind.UNCERTAIN] else Status.READY
    _progress(
        job, status=status, message=summary_message(job, unresolved=job.uncertain_rows), **fields
    )


def summary_message(job: RecipientImport, *, unresolved: int) -> str:
    text = _(
        "%(n)s row(s) checked: %(m)s for registered people, %(p)s for new people, "
        "%(c)s for collectives."
    ) % {
        "n": number_format(job.total_rows),
        "m": number_format(job.matched_rows),
        "p": number_format(job.new_rows),
        "c": number_format(job.collective_rows),
    }
    if unresolved:
        return (
            text
            + " "
            + _("Confirm who is meant in %(u)s row(s) before adding them to the decision.")
            % {"u": number_format(unresolved)}
        )
    return text + " " + _("Nothing is saved until you add them to the decision.")


# --- review -----------------------------------------------------------------------------------------


def unresolved_rows(job: RecipientImport) -> int:
    return RecipientImportRow.objects.filter(
        job=job, match=MatchKind.UNCERTAIN, person__isnull=True, create_new=False
    ).count()


def _require_owner(actor: Any, job: RecipientImport) -> None:
    """Only the officer who uploaded a job may go on with it, while they may manage the decision."""
    if getattr(actor, "pk", None) != job.created_by_id:
        raise PermissionDenied("register.manage")
    permissions.require(actor, "register.manage", job.decision)


NEW = "new"


@transaction.atomic
def import_resolve(
    *, actor: Any, job: RecipientImport, choices: Mapping[int, str]
) -> list[DomainError]:
    """Record the officer's choice for uncertain rows: a candidate's id, or NEW (a new person).

    The choice holds for every uncertain row of the same name, birth year and unit (the same person
    is meant). Returns the choices refused, each a DomainError naming its row; the others are kept.
    """
    job = RecipientImport.objects.select_for_update().select_related("decision").get(pk=job.pk)
    _require_owner(actor, job)
    if job.status not in (Status.REVIEW, Status.READY):
        raise DomainError(_("This import can no longer be changed."))
    refused: list[DomainError] = []
    rows = RecipientImportRow.objects.select_related("unit").in_bulk(list(choices))
    done: set[tuple[str, int | None, int | None]] = set()
    for pk, choice in choices.items():
        row = rows.get(pk)
        if row is None or row.job_id != job.pk or row.match != MatchKind.UNCERTAIN:
            continue
        key = (row.name_key, row.birth_year, row.unit_id)
        if key in done or not choice:
            continue
        done.add(key)
        group = RecipientImportRow.objects.filter(
            job=job,
            match=MatchKind.UNCERTAIN,
            name_key=row.name_key,
            birth_year=row.birth_year,
            unit_id=row.unit_id,
        )
        try:
            if choice == NEW:
                _check_new(job, row, group)
                group.update(create_new=True, person=None)
            else:
                person_id = int(choice) if choice.isdigit() else 0
                _check_pick(job, row, group, person_id)
                group.update(create_new=False, person_id=person_id)
        except DomainError as exc:
            refused.append(exc)
    unresolved = unresolved_rows(job)
    status = Status.REVIEW if unresolved else Status.READY
    _progress(job, status=status, message=summary_message(job, unresolved=unresolved))
    return refused


def _check_new(job: RecipientImport, row: RecipientImportRow, group: Any) -> None:
    if not any(group.values_list("gender", flat=True)):
        raise DomainError(
            _("Row %(r)s: the file gives no gender (Nam or Nữ), so no new person can be created.")
            % {"r": row.row}
        )
    if row.unit is None or not row.unit.is_active_on(job.decision.date):
        raise DomainError(
            _("Row %(r)s: %(unit)s is not active on %(day)s.")
            % {
                "r": row.row,
                "unit": row.unit.name if row.unit else "—",
                "day": job.decision.date.strftime("%d/%m/%Y"),
            }
        )


def _check_pick(job: RecipientImport, row: RecipientImportRow, group: Any, person_id: int) -> None:
    if person_id not in (row.candidates or []):
        raise DomainError(_("Row %(r)s: choose one of the people offered.") % {"r": row.row})
    awards = list(group.values_list("row", "code", "year"))
    listed = set(
        Record.objects.filter(decision=job.decision, person_id=person_id).values_list(
            "code", "year"
        )
    )
    others = dict(
        (
            (code, year),
            number,
        )
        for number, code, year in RecipientImportRow.objects.filter(job=job, person_id=person_id)
        .exclude(pk__in=group.values("pk"))
        .values_list("row", "code", "year")
    )
    for number, code, year in awards:
        if (code, year) in listed:
            raise DomainError(
                _("Row %(r)s: this person is already listed in the decision for %(c)s %(y)s.")
                % {"r": number, "c": code, "y": year}
            )
        if (code, year) in others:
            raise DomainError(
                _("Row %(r)s: this person already receives %(c)s %(y)s in row %(o)s.")
                % {"r": number, "c": code, "y": year, "o": others[(code, year)]}
            )


def resolve_all_new(job: RecipientImport) -> int:
    """Every unresolved row becomes a new person (benchmarks, tests)."""
    count = RecipientImportRow.objects.filter(
        job=job, match=MatchKind.UNCERTAIN, person__isnull=True, create_new=False
    ).update(create_new=True)
    if job.status == Status.REVIEW:
        _progress(job, status=Status.READY, message=summary_message(job, unresolved=0))
    return count


# --- apply ------------------------------------------------------------------------------------------


@transaction.atomic
def import_apply_start(*, actor: Any, job: RecipientImport) -> RecipientImport:
    """The officer adds the checked rows to the decision: only once every row is resolved."""
    job = RecipientImport.objects.select_for_update().select_related("decision").get(pk=job.pk)
    _require_owner(actor, job)
    if job.status == Status.REVIEW or (
        job.status == Status.READY and job.uncertain_rows and unresolved_rows(job)
    ):
        raise DomainError(
            _("Confirm who is meant in every uncertain row before adding them to the decision.")
        )
    if job.status != Status.READY:
        raise DomainError(_("This import can no longer be changed."))
    _progress(job, status=Status.APPLYING)
    return job


class Rejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def import_apply(*, job_id: int) -> RecipientImport:
    """Write every row in one transaction: new people, the commendations, one audit event."""
    job = RecipientImport.objects.select_related("decision__issuer", "created_by").get(pk=job_id)
    if job.status != Status.APPLYING:
        return job
    try:
        _apply(job)
    except Rejected as exc:
        _rejected(job, exc.problems)
    except DomainError as exc:
        _failed(job, exc.message)
    except Exception:
        _unexpected(job)
    return job


ROW_FIELDS = (
    "row",
    "match",
    "full_name",
    "name_key",
    "birth_year",
    "gender",
    "position",
    "unit_id",
    "person_id",
    "create_new",
    "org_id",
    "code",
    "year",
    "amount",
    "note",
)


@transaction.atomic
def _apply(job: RecipientImport) -> None:
    locked = RecipientImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != Status.APPLYING:
        return
    actor = job.created_by
    decision = job.decision
    if not permissions.can(actor, "register.manage", decision):
        raise DomainError(_("You may no longer add recipients to this decision."))
    headers = {c.key: str(c.header) for c in COLUMNS}
    rows = [
        dict(zip(ROW_FIELDS, values, strict=True))
        for values in RecipientImportRow.objects.filter(job=job)
        .order_by("row")
        .values_list(*ROW_FIELDS)
        .iterator(chunk_size=10000)
    ]
    problems: list[RowProblem] = []
    # The people picked or matched: still registered, within reach; their unit now.
    person_ids = sorted({r["person_id"] for r in rows if r["person_id"] is not None})
    reach = (
        None
        if permissions.sees_everything(actor, "register.manage")
        else permissions.visible_orgs(actor, "register.manage")
    )
    unit_of: dict[int, int] = {}
    for chunk in _chunks(person_ids, ID_BATCH):
        qs = Person.objects.filter(pk__in=chunk)
        if reach is not None:
            qs = qs.filter(unit__in=reach)
        unit_of.update(qs.values_list("pk", "unit_id"))
    # The people to create: one per name, birth year and unit, whatever their number of rows.
    to_create: dict[tuple[str, int | None, int], Person] = {}
    first_row: dict[tuple[str, int | None, int], int] = {}
    for r in rows:
        if r["match"] == MatchKind.COLLECTIVE:
            if r["org_id"] is None:
                problems.append(
                    RowProblem(
                        r["row"], headers["collective_code"], _("This unit no longer exists.")
                    )
                )
            continue
        if r["person_id"] is not None:
            if r["person_id"] not in unit_of:
                problems.append(
                    RowProblem(
                        r["row"],
                        headers["full_name"],
                        _("%(n)s is no longer registered in a unit you manage.")
                        % {"n": r["full_name"]},
                    )
                )
            continue
        if r["match"] == MatchKind.UNCERTAIN and not r["create_new"]:
            problems.append(
                RowProblem(r["row"], headers["full_name"], _("Confirm who is meant in this row."))
            )
            continue
        if r["unit_id"] is None:
            problems.append(
                RowProblem(r["row"], headers["unit_code"], _("This unit no longer exists."))
            )
            continue
        key = (r["name_key"], r["birth_year"], r["unit_id"])
        person = to_create.get(key)
        if person is None:
            to_create[key] = Person(
                full_name=r["full_name"],
                name_key=r["name_key"],
                birth_year=r["birth_year"],
                gender=r["gender"],
                position=r["position"],
                unit_id=r["unit_id"],
            )
            first_row[key] = r["row"]
        elif not person.gender and r["gender"]:
            person.gender = r["gender"]
    for key, person in to_create.items():
        if not person.gender:
            problems.append(
                RowProblem(
                    first_row[key],
                    headers["gender"],
                    _("No gender is given for %(n)s; a new person needs one.")
                    % {"n": person.full_name},
                )
            )
    if problems:
        raise Rejected(problems)
    Person.objects.bulk_create(list(to_create.values()), batch_size=WRITE_BATCH)
    Posting.objects.bulk_create(
        (
            Posting(person=p, org_id=p.unit_id, position=p.position, start_date=decision.date)
            for p in to_create.values()
        ),
        batch_size=WRITE_BATCH,
    )
    # Each recipient once per title and year: against the decision as it is now, and the file.
    listed = set(
        Record.objects.filter(decision=decision).values_list("person_id", "org_id", "code", "year")
    )
    records: list[Record] = []
    seen: dict[tuple[Any, ...], int] = {}
    for r in rows:
        if r["match"] == MatchKind.COLLECTIVE:
            person_id, org_id, unit_id = None, r["org_id"], None
        elif r["person_id"] is not None:
            person_id, org_id, unit_id = r["person_id"], None, unit_of[r["person_id"]]
        else:
            person = to_create[(r["name_key"], r["birth_year"], r["unit_id"])]
            person_id, org_id, unit_id = person.pk, None, person.unit_id
        record_key = (person_id, org_id, r["code"], r["year"])
        column = headers["collective_code" if org_id else "full_name"]
        if record_key in listed:
            problems.append(
                RowProblem(r["row"], column, _("This recipient is already listed in the decision."))
            )
        elif record_key in seen:
            problems.append(
                RowProblem(
                    r["row"],
                    column,
                    _("Same recipient and title or form as row %(r)s.") % {"r": seen[record_key]},
                )
            )
        seen.setdefault(record_key, r["row"])
        records.append(
            Record(
                decision=decision,
                person_id=person_id,
                org_id=org_id,
                unit_id=unit_id,
                code=r["code"],
                year=r["year"],
                amount=r["amount"],
                note=r["note"],
            )
        )
    if problems:
        raise Rejected(problems)  # rolls back the people created above
    Record.objects.bulk_create(records, batch_size=WRITE_BATCH)
    from stats.services import tally_catch_up_later  # the statistics' summary catches up

    tally_catch_up_later()
    matched = sum(1 for r in rows if r["person_id"] is not None)
    collectives = sum(1 for r in rows if r["match"] == MatchKind.COLLECTIVE)
    audit_log(
        actor=actor,
        action="register.import.applied",
        obj=decision,
        org_id=decision.issuer_id,
        # One event for the whole import, as {key: [before, after]} like every other event.
        changes={
            "recipient_import": [None, job.pk],
            "import_file": [None, job.original_name],
            "rows": [None, len(rows)],
            "records_added": [None, len(records)],
            "people_matched": [None, matched],
            "people_created": [None, len(to_create)],
            "collectives": [None, collectives],
        },
    )
    # The staged copies (names, birth years) are not kept once the register holds the rows.
    RecipientImportRow.objects.filter(job=job).delete()
    _finish(
        job,
        Status.DONE,
        records_created=len(records),
        people_created=len(to_create),
        message=_("%(r)s commendation(s) added to the decision; %(p)s new people registered.")
        % {"r": number_format(len(records)), "p": number_format(len(to_create))},
    )


# --- background work --------------------------------------------------------------------------------


def _in_language_of(job_id: int) -> str:
    user_language = (
        RecipientImport.objects.filter(pk=job_id)
        .values_list("created_by__language", flat=True)
        .first()
    )
    return user_language or settings.LANGUAGE_CODE


@task()
def validate_import(job_id: int) -> str:
    """Check a large file outside the request (messages in the uploader's language)."""
    with translation.override(_in_language_of(job_id)):
        return import_validate(job_id=job_id).status


@task()
def apply_import(job_id: int) -> str:
    """Apply a large import outside the request."""
    with translation.override(_in_language_of(job_id)):
        return import_apply(job_id=job_id).status


def _lost(result: Any, *, status: str, message: Any) -> None:
    """Tell the job what became of it when the worker running it died (core/worker.py)."""
    job_id = worker.task_argument(result, "job_id")
    with translation.override(_in_language_of(job_id)):
        text = str(message)
    fields: dict[str, Any] = {"message": text}
    if status == Status.FAILED:
        fields.update(status=status, finished_at=timezone.now())
    elif status == Status.PENDING:
        fields.update(status=status, processed_rows=0)
    RecipientImport.objects.filter(
        pk=job_id, status__in=(Status.PENDING, Status.VALIDATING, Status.APPLYING)
    ).update(**fields)


_RESTARTED = gettext_lazy(
    "The task worker stopped during the import; nothing was changed. It starts again."
)
_STOPPED_TWICE = gettext_lazy(
    "The task worker stopped twice during this import; nothing was changed. "
    "Try again later, or ask the administrator to check the task worker."
)
# Longer than any check made within a request (gunicorn ends a request after 120 s).
INTERRUPTED_AFTER = dt.timedelta(minutes=10)


def fail_interrupted(now: dt.datetime) -> int:
    """A small file is checked within the upload's request; if its app server is killed, the job
    says "checking" for ever. Ten minutes after the upload, with no task on it, it is failed.
    (Applying starts later than the upload, so a stuck "saving" is left to the task recovery.)"""
    from django_tasks_db.models import DBTaskResult

    queued = {
        worker.task_argument(result, "job_id")
        for result in DBTaskResult.objects.filter(
            task_path=validate_import.module_path, status__in=("READY", "RUNNING")
        )
    }
    checking = (Status.PENDING, Status.VALIDATING)
    stale = RecipientImport.objects.filter(
        status__in=checking, created_at__lt=now - INTERRUPTED_AFTER
    ).exclude(pk__in=[pk for pk in queued if pk is not None])
    fixed = 0
    for job_id in stale.values_list("pk", flat=True):
        with translation.override(_in_language_of(job_id)):
            message = _(
                "The import was interrupted (the server stopped); nothing was changed. "
                "Upload the file again."
            )
        fixed += RecipientImport.objects.filter(pk=job_id, status__in=checking).update(
            status=Status.FAILED, message=message, finished_at=now
        )
    return fixed


# Checking starts again from the top (PENDING); applying runs again as it is (APPLYING): both
# write in one transaction that also moves the job on, so nothing was half-written.
worker.recoverable(
    validate_import,
    rerun=True,
    on_rerun=lambda r: _lost(r, status=Status.PENDING, message=_RESTARTED),
    on_failed=lambda r: _lost(r, status=Status.FAILED, message=_STOPPED_TWICE),
)
worker.recoverable(
    apply_import,
    rerun=True,
    on_rerun=lambda r: _lost(r, status=Status.APPLYING, message=_RESTARTED),
    on_failed=lambda r: _lost(r, status=Status.FAILED, message=_STOPPED_TWICE),
)


def run_import_sync(job: RecipientImport, *, resolve_new: bool = False) -> RecipientImport:
    """Check, match and apply a job in the calling thread (benchmarks, the shell).

    With `resolve_new`, rows left uncertain become new people; otherwise such a job stops for review.
    """
    job = import_validate(job_id=job.pk)
    if job.status == Status.REVIEW and resolve_new:
        resolve_all_new(job)
    if job.status != Status.READY:
        return job
    import_apply_start(actor=job.created_by, job=job)
    return import_apply(job_id=job.pk)


def jobs_for(actor: Any, decision: Decision) -> Iterable[RecipientImport]:
    """The officer's own imports for a decision, newest first."""
    return RecipientImport.objects.filter(decision=decision, created_by_id=actor.pk)[:20]
