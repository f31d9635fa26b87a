"""Excel imports of organisations and people: check every row, then write all or nothing.

`import_job_create` stores the upload and counts its rows; small files are run at once, large ones
by the background task (imports.tasks.run_import) while the page shows a progress bar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from core import permissions
from core.audit import audit_log
from core.errors import DomainError
from core.text import fold
from core.uploads import check_name, check_zip, safe_name
from imports import rules
from imports.models import ImportJob, ImportKind, ImportStatus
from orgs.models import Org, OrgKind
from people.models import Category, Gender
from people.services import ID_NUMBER

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 250
MAX_COLUMNS = 60
XLSX_MAGIC = b"PK\x03\x04"


def check_upload(upload: UploadedFile) -> None:
    """Type and size of an uploaded workbook; DomainError with a Vietnamese message otherwise."""
    name = check_name(upload.name or "")
    if not name.lower().endswith(".xlsx"):
        raise DomainError(_("Only Excel files (.xlsx) can be imported."), field="file")
    if upload.size is None or upload.size == 0:
        raise DomainError(_("The file is empty."), field="file")
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(size)s.")
            % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)},
            field="file",
        )
    head = upload.read(4)
    upload.seek(0)
    if head != XLSX_MAGIC:
        raise DomainError(_("The file is not a valid Excel workbook (.xlsx)."), field="file")
    check_zip(upload)


def read_rows(path: str) -> list[list[Any]]:
    """All rows of the first sheet, as Python values (its size is checked before reading it)."""
    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    except Exception as exc:  # calamine raises several kinds for a broken workbook
        raise DomainError(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    last_row, last_col = sheet.end or (0, 0)
    if last_row + 1 > settings.IMPORT_MAX_ROWS + 1 or last_col + 1 > MAX_COLUMNS:
        raise DomainError(
            _("The sheet is too large: at most %(rows)s rows and %(cols)s columns.")
            % {"rows": settings.IMPORT_MAX_ROWS, "cols": MAX_COLUMNS},
            field="file",
        )
    try:
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise DomainError(_("The file is not a valid Excel workbook (.xlsx).")) from exc
    return [[_without_nul(value) for value in row] for row in rows]


def _without_nul(value: Any) -> Any:
    """PostgreSQL text (and JSON) cannot hold U+0000: a cell's NUL bytes are dropped when read."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _data_rows(rows: Sequence[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    for index, row in enumerate(rows[1:], start=2):
        if not rules.is_blank(row):
            yield index, row


@transaction.atomic
def import_job_create(*, actor: Any, kind: str, upload: UploadedFile) -> ImportJob:
    """Keep the uploaded file and count its rows; the job runs next (now or in the background)."""
    action = "org.import" if kind == ImportKind.ORGS else "person.import"
    permissions.require(actor, action)
    check_upload(upload)
    name = safe_name(upload.name or "") or "import.xlsx"
    job = ImportJob(kind=kind, created_by=actor, original_name=name)
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
    audit_log(
        actor=actor,
        action="imports.job.created",
        obj=job,
        changes={"kind": [None, kind], "rows": [None, job.total_rows]},
    )
    return job


def import_job_runs_in_background(job: ImportJob) -> bool:
    """Large files go to the task worker; small ones run within the request."""
    return job.total_rows > settings.IMPORT_SYNC_MAX_ROWS


FINISHED = (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)


def _progress(job: ImportJob, **fields: Any) -> None:
    """Record progress; a finished job never changes again (a second run of it writes nothing)."""
    for key, value in fields.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(**fields)


def import_job_run(*, job_id: int) -> ImportJob:
    """Check every row (progress is saved as it goes), then write everything in one transaction.

    Any error rejects the whole file: nothing is written, each problem is kept with its row and
    column. Duplicates are reported and skipped, never doubled.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    actor = job.created_by
    _progress(job, status=ImportStatus.VALIDATING, processed_rows=0)
    try:
        rows = read_rows(job.file.path)
        if job.kind == ImportKind.ORGS:
            plan, problems, duplicates = _check_orgs(job, actor, rows)
        else:
            plan, problems, duplicates = _check_people(job, actor, rows)
        if problems:
            _finish(
                job,
                ImportStatus.REJECTED,
                errors=[p.as_dict() for p in problems],
                duplicates=duplicates,
                message=_("%(n)s error(s) found; nothing was imported.")
                % {"n": number_format(len(problems))},
            )
            return job
        _progress(job, status=ImportStatus.WRITING, processed_rows=job.total_rows)
        if not _write(job, actor, plan, duplicates):
            job.refresh_from_db()  # another run of this job finished it (core/worker.py)
    except DomainError as exc:
        _finish(job, ImportStatus.FAILED, message=exc.message)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            ImportStatus.FAILED,
            message=_("An unexpected error stopped the import; nothing was changed."),
        )
    return job


def _finish(job: ImportJob, status: str, **fields: Any) -> None:
    fields.setdefault(
        "processed_rows", job.total_rows if status != ImportStatus.FAILED else job.processed_rows
    )
    _progress(job, status=status, finished_at=timezone.now(), **fields)


@transaction.atomic
def _write(
    job: ImportJob, actor: Any, plan: list[dict[str, Any]], duplicates: list[dict[str, Any]]
) -> bool:
    """Write the plan and mark the job done, in one transaction: a worker killed half-way leaves
    nothing written, and a job run twice (its worker thought lost) is written once."""
    from orgs.services import org_create
    from people.services import person_bulk_create

    if ImportJob.objects.select_for_update().get(pk=job.pk).is_finished:
        return False
    if job.kind == ImportKind.PEOPLE:
        person_bulk_create(actor=actor, items=plan)
    else:
        created_orgs: dict[str, Org] = {}
        for item in plan:
            parent = item.pop("parent", None)
            parent_code = item.pop("parent_code_new", None)
            if parent_code:
                parent = created_orgs[parent_code]
            org = org_create(actor=actor, parent=parent, **item)
            created_orgs[org.code] = org
    audit_log(
        actor=actor,
        action="imports.job.applied",
        obj=job,
        changes={"created": [None, len(plan)]},
    )
    _finish(
        job,
        ImportStatus.DONE,
        created_count=len(plan),
        duplicates=duplicates,
        message=_("%(c)s record(s) created, %(d)s duplicate(s) skipped.")
        % {"c": number_format(len(plan)), "d": number_format(len(duplicates))},
    )
    return True


def _tick(job: ImportJob, checked: int) -> None:
    if checked % PROGRESS_EVERY == 0:
        _progress(job, processed_rows=checked)


def _check_orgs(
    job: ImportJob, actor: Any, rows: list[list[Any]]
) -> tuple[list[dict[str, Any]], list[rules.RowProblem], list[dict[str, Any]]]:
    positions, problems = rules.match_headers(rows[0] if rows else [], rules.ORG_COLUMNS)
    if problems:
        return [], problems, []
    data = list(_data_rows(rows))
    codes = {rules.cell_text(r[positions["code"]]).upper() for _, r in data}
    parent_codes = (
        {rules.cell_text(r[positions["parent_code"]]).upper() for _, r in data}
        if "parent_code" in positions
        else set()
    )
    existing = set(Org.objects.filter(code__in=codes).values_list("code", flat=True))
    parents = {o.code: o for o in Org.objects.filter(code__in=parent_codes - {""})}
    may_create = {
        o.pk for o in permissions.visible_orgs(actor, "org.create").filter(code__in=parent_codes)
    }
    is_admin = permissions.can(actor, "audit.view_all")
    plan: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    headers = {c.key: str(c.header) for c in rules.ORG_COLUMNS}
    for checked, (number, raw) in enumerate(data, start=1):
        _tick(job, checked)
        parsed = rules.read_cells(raw, positions, rules.ORG_COLUMNS, number)
        v = parsed.values
        code = rules.cell_text(v["code"]).upper()
        duplicate: dict[str, Any] | None = None
        if code in existing or code in seen:
            duplicate = {
                "row": number,
                "value": code,
                "message": (
                    _("Unit code %(c)s already exists; row skipped.") % {"c": code}
                    if code in existing
                    else _("Unit code %(c)s repeats row %(r)s; row skipped.")
                    % {"c": code, "r": seen[code]}
                ),
            }
        elif code:
            seen[code] = number
        item: dict[str, Any] = {
            "code": code,
            "name": rules.cell_text(v["name"]),
            "short_name": rules.cell_text(v["short_name"]),
            "address": rules.cell_text(v["address"]),
            "aliases": rules.cell_text(v["aliases"]),
        }
        try:
            item["kind"] = rules.parse_choice(v["kind"], OrgKind.choices) or ""
        except ValueError:
            parsed.problems.append(
                rules.RowProblem(number, headers["kind"], _("Unknown kind of unit."))
            )
        for key in ("valid_from", "valid_to"):
            try:
                item[key] = rules.parse_date(v[key])
            except ValueError:
                parsed.problems.append(
                    rules.RowProblem(number, headers[key], _("Write the date as dd/mm/yyyy."))
                )
        if (
            item.get("valid_from")
            and item.get("valid_to")
            and item["valid_to"] < item["valid_from"]
        ):
            parsed.problems.append(
                rules.RowProblem(
                    number, headers["valid_to"], _("The end date is before the start date.")
                )
            )
        parent_code = rules.cell_text(v["parent_code"]).upper()
        if parent_code:
            if parent_code in parents:
                parent = parents[parent_code]
                if parent.pk not in may_create:
                    parsed.problems.append(
                        rules.RowProblem(
                            number,
                            headers["parent_code"],
                            _("You may not add units under %(p)s.") % {"p": parent_code},
                        )
                    )
                item["parent"] = parent
            elif parent_code in seen and seen[parent_code] < number:
                item["parent_code_new"] = parent_code
            else:
                parsed.problems.append(
                    rules.RowProblem(
                        number,
                        headers["parent_code"],
                        _("No unit has the code %(p)s.") % {"p": parent_code},
                    )
                )
        elif not is_admin:
            parsed.problems.append(
                rules.RowProblem(number, headers["parent_code"], _("Give the parent unit's code."))
            )
        # A row's errors count even when it repeats another: any error rejects the file.
        problems.extend(parsed.problems)
        if parsed.problems:
            continue
        if duplicate is not None:
            duplicates.append(duplicate)
            continue
        plan.append(item)
    return plan, problems, duplicates


def _check_people(
    job: ImportJob, actor: Any, rows: list[list[Any]]
) -> tuple[list[dict[str, Any]], list[rules.RowProblem], list[dict[str, Any]]]:
    from people.models import Person

    positions, problems = rules.match_headers(rows[0] if rows else [], rules.PEOPLE_COLUMNS)
    if problems:
        return [], problems, []
    data = list(_data_rows(rows))
    unit_codes = {rules.cell_text(r[positions["unit_code"]]).upper() for _, r in data}
    units = {
        o.code: o
        for o in permissions.visible_orgs(actor, "person.create").filter(code__in=unit_codes)
    }
    existing = set(
        Person.objects.filter(unit__in=list(units.values())).values_list(
            "name_key", "birth_year", "unit_id"
        )
    )
    headers = {c.key: str(c.header) for c in rules.PEOPLE_COLUMNS}
    this_year = timezone.localdate().year
    plan: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    seen: dict[tuple[str, int | None, int], int] = {}
    for checked, (number, raw) in enumerate(data, start=1):
        _tick(job, checked)
        parsed = rules.read_cells(raw, positions, rules.PEOPLE_COLUMNS, number)
        v = parsed.values
        p = parsed.problems
        item: dict[str, Any] = {
            "full_name": rules.cell_text(v["full_name"]),
            "ethnicity": rules.cell_text(v["ethnicity"]) or "Kinh",
            "position": rules.cell_text(v["position"]),
            "note": rules.cell_text(v["note"]),
            "id_number": rules.id_number_text(v["id_number"]),
        }
        gender_key = fold(rules.cell_text(v["gender"]))
        if gender_key and gender_key not in rules.GENDER_WORDS:
            p.append(rules.RowProblem(number, headers["gender"], _("Write Nam or Nữ.")))
        item["gender"] = rules.GENDER_WORDS.get(gender_key, Gender.MALE)
        try:
            item["birth_year"] = rules.parse_year(v["birth_year"])
            year = item["birth_year"]
            if year is not None and not (this_year - 100 <= year <= this_year - 15):
                p.append(
                    rules.RowProblem(
                        number,
                        headers["birth_year"],
                        _("The birth year must be between %(a)s and %(b)s.")
                        % {"a": this_year - 100, "b": this_year - 15},
                    )
                )
        except ValueError:
            item["birth_year"] = None
            p.append(rules.RowProblem(number, headers["birth_year"], _("Write a four-digit year.")))
        try:
            item["category"] = rules.parse_choice(v["category"], Category.choices) or Category.STAFF
        except ValueError:
            p.append(rules.RowProblem(number, headers["category"], _("Unknown category.")))
        try:
            item["start_date"] = rules.parse_date(v["start_date"])
        except ValueError:
            p.append(
                rules.RowProblem(number, headers["start_date"], _("Write the date as dd/mm/yyyy."))
            )
        if item["id_number"] and not ID_NUMBER.fullmatch(item["id_number"]):
            p.append(
                rules.RowProblem(
                    number,
                    headers["id_number"],
                    _("The ID number must have 12 digits (or 9 for an old identity card)."),
                )
            )
        unit_code = rules.cell_text(v["unit_code"]).upper()
        unit = units.get(unit_code)
        if unit_code and unit is None:
            p.append(
                rules.RowProblem(
                    number,
                    headers["unit_code"],
                    _("No unit you may manage has the code %(c)s.") % {"c": unit_code},
                )
            )
        item["unit"] = unit
        start = item.get("start_date") or timezone.localdate()
        if unit is not None and not unit.is_active_on(start):
            p.append(
                rules.RowProblem(
                    number,
                    headers["unit_code"],
                    _("%(unit)s is not active on %(day)s.")
                    % {"unit": unit.name, "day": start.strftime("%d/%m/%Y")},
                )
            )
        # A row's errors count even when it repeats another: any error rejects the file.
        problems.extend(p)
        if p or unit is None:
            continue
        key = (fold(item["full_name"]), item.get("birth_year"), unit.pk)
        if key in existing or key in seen:
            duplicates.append(
                {
                    "row": number,
                    "value": item["full_name"],
                    "message": (
                        _("%(n)s is already registered in %(u)s; row skipped.")
                        % {"n": item["full_name"], "u": unit.name}
                        if key in existing
                        else _("Same person as row %(r)s; row skipped.") % {"r": seen[key]}
                    ),
                }
            )
            continue
        seen[key] = number
        plan.append(item)
    return plan, problems, duplicates


def template_rows(kind: str) -> tuple[Sequence[rules.Column], list[list[Any]]]:
    columns = rules.ORG_COLUMNS if kind == ImportKind.ORGS else rules.PEOPLE_COLUMNS
    return columns, [[c.example for c in columns]]
