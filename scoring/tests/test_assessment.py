"""Scoring sheets through their stages: self-assessment with evidence, cross-check by assigned
reviewers, explanation of disputed criteria, final review, results; optimistic locking of a sheet.

The cluster is seed 004's: Lào Cai ("10"), Lạng Sơn ("20"), Sơn La ("14") and Cao Bằng ("04") in
2017, scored on the starter table (A1, A2, B1, B2, C, D1, D2, T, P).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from openpyxl import Workbook

from accounts.models import Role, User
from clusters.models import ClusterYear
from clusters.services import cluster_create, cluster_year_open, meeting_create
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from orgs.models import Org
from scoring.assessment import (
    EVIDENCE_MAX_BYTES,
    StaleSave,
    assignment_add,
    conflict_declare,
    cross_value,
    disputed,
    evidence_add,
    explain_save,
    explanations_open,
    latest,
    results,
    review_save,
    review_values,
    self_save,
    self_values,
    sheet_finalize,
    sheet_for,
    sheet_submit,
)
from scoring.models import (
    Assignment,
    Conflict,
    Evidence,
    Mark,
    ScoringTable,
    Sheet,
    SheetStatus,
    Stage,
    TableStatus,
)
from scoring.services import engine_table, table_amend, table_create, table_lock, table_publish
from scoring.starter import STARTER

LEAVES = ["A1", "A2", "B1", "B2", "C", "D1", "D2", "T", "P"]
MEMBERS = ("10", "20", "14", "04")
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

# Self-assessed values: (value, target) for the quantitative A1, else the value.
SELF: dict[str, dict[str, Any]] = {
    # Lào Cai: A1 110 of 100 → 22 (A capped at 40); B 10 + 10; C 15; D 10 + 12; T +10.
    "10": {"A1": (110, 100), "A2": 8, "B1": 1, "B2": 5, "C": 1, "D1": 1, "D2": 4, "T": 1, "P": 0},
    # Lạng Sơn: A1 18 + A2 6/8·20; B 10 + 6; C 15; D 0 + 15 (self) or 12 (settled); P −2.
    "20": {"A1": (90, 100), "A2": 6, "B1": 1, "B2": 3, "C": 1, "D1": 0, "D2": 5, "T": 0, "P": 1},
    # Sơn La: A1 20 + A2 7/8·20; B 0 + 8; C 15; D 10 + 6.
    "14": {"A1": (100, 100), "A2": 7, "B1": 0, "B2": 4, "C": 1, "D1": 1, "D2": 2, "T": 0, "P": 0},
}


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def open_year() -> ClusterYear:
    organiser = Org.objects.get(code="TW-HDTDKT")
    cluster = cluster_create(
        actor=None,
        kind="cum",
        organiser=organiser,
        code="CTD-MNBG",
        name="Cụm thi đua 7 tỉnh miền núi biên giới phía Bắc",
    )
    members = [Org.objects.get(code=code) for code in MEMBERS]
    return cluster_year_open(actor=None, cluster=cluster, year=2017, members=members)


@pytest.fixture
def year(db: Any) -> ClusterYear:
    return open_year()


@pytest.fixture
def org(year: ClusterYear) -> dict[str, Org]:
    """The members by their pre-2025 code, and Thái Nguyên ("19"), not a member."""
    return {code: Org.objects.get(code=code) for code in (*MEMBERS, "19")}


def locked_table(
    year: ClusterYear, data: dict[str, Any] | None = None, **extra: Any
) -> ScoringTable:
    table = table_create(
        actor=None, cluster_year=year, title="Bảng điểm thi đua năm 2017", data=data or STARTER
    )
    table_publish(actor=None, table=table)
    table = table_lock(actor=None, table=table)
    if extra:
        ScoringTable.objects.filter(pk=table.pk).update(**extra)
        table.refresh_from_db()
    return table


@pytest.fixture
def table(year: ClusterYear) -> ScoringTable:
    return locked_table(year, self_due=dt.date(2099, 12, 15))


@pytest.fixture
def secretariat(year: ClusterYear) -> User:
    return make_user("thuky.cum", Role.SECRETARIAT, Org.objects.get(code="TW-HDTDKT"))


@pytest.fixture
def focal(org: dict[str, Org]) -> dict[str, User]:
    """A focal point of each member, by the member's code."""
    return {code: make_user(f"daumoi.{code}", Role.FOCAL_POINT, org[code]) for code in MEMBERS}


def split(value: Any) -> tuple[Any, Any]:
    return value if isinstance(value, tuple) else (value, None)


def fill(sheet: Sheet, values: dict[str, Any], actor: Any = None) -> None:
    for code, raw in values.items():
        value, target = split(raw)
        self_save(
            actor=actor, sheet=sheet, code=code, value=value, target=target, note=f"Tự chấm {code}"
        )


def review(
    sheet: Sheet,
    reviewer: Org,
    values: dict[str, Any],
    notes: dict[str, str] | None = None,
    actor: Any = None,
) -> None:
    for code, raw in values.items():
        value, target = split(raw)
        review_save(
            actor=actor,
            sheet=sheet,
            reviewer=reviewer,
            code=code,
            value=value,
            target=target,
            note=(notes or {}).get(code, ""),
        )


def submitted(table: ScoringTable, member: Org, values: dict[str, Any], actor: Any = None) -> Sheet:
    sheet = sheet_for(table=table, org=member)
    fill(sheet, values, actor)
    return sheet_submit(actor=actor, sheet=sheet)


def fresh(sheet: Sheet) -> Sheet:
    return Sheet.objects.get(pk=sheet.pk)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def state() -> tuple[Any, ...]:
    """Everything the sheet stages write, to show a refused call changed nothing."""
    return (
        list(Sheet.objects.values_list("pk", "status", "version", "submitted_at", "finalized_at")),
        list(
            Mark.objects.values_list("pk", "sheet_id", "code", "stage", "value", "target", "note")
        ),
        list(Evidence.objects.values_list("pk", "sheet_id", "code", "file", "file_name")),
        list(Assignment.objects.values_list("pk", "reviewer_id", "reviewee_id")),
        list(Conflict.objects.values_list("pk", "reviewer_id", "reviewee_id", "reason")),
        AuditEvent.objects.count(),
    )


def actions(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- the whole path ---------------------------------------------------------------------------


def test_four_members_from_self_assessment_to_a_ranking_of_the_settled_values(
    table: ScoringTable, org: dict[str, Org], focal: dict[str, User], secretariat: User
) -> None:
    lao_cai, lang_son, son_la, cao_bang = (org[c] for c in MEMBERS)
    sheets = {code: sheet_for(table=table, org=org[code]) for code in MEMBERS}
    assert sheet_for(table=table, org=lao_cai) == sheets["10"]  # one sheet per member

    # Self-assessment, with evidence, then submission.
    for code, values in SELF.items():
        fill(sheets[code], values, focal[code])
    evidence_add(
        actor=focal["10"],
        sheet=sheets["10"],
        code="A1",
        upload=SimpleUploadedFile("quyet-toan-thu-ngan-sach.pdf", PDF),
    )
    for code in SELF:
        sheets[code] = sheet_submit(actor=focal[code], sheet=sheets[code])
        assert sheets[code].status == SheetStatus.SUBMITTED and sheets[code].submitted_at
    # Cao Bằng fills only part of its sheet: it stays a draft and is never settled.
    fill(sheets["04"], {"A1": (95, 100), "A2": 9}, focal["04"])

    # Cross-check: each settled member reviewed by the two others.
    pairs = [(lang_son, lao_cai), (son_la, lao_cai), (lao_cai, lang_son), (son_la, lang_son)]
    pairs += [(lao_cai, son_la), (lang_son, son_la)]
    for reviewer, reviewee in pairs:
        assignment_add(actor=secretariat, table=table, reviewer=reviewer, reviewee=reviewee)
    agree = {code: dict(values) for code, values in SELF.items()}
    review(sheets["10"], lang_son, {**agree["10"], "B2": 4}, {"B2": "Chỉ có 4 dịch vụ toàn trình"})
    review(sheets["10"], son_la, agree["10"])
    review(sheets["20"], lao_cai, agree["20"])
    review(sheets["20"], son_la, {**agree["20"], "D2": 4}, {"D2": "Một điển hình trùng năm trước"})
    review(sheets["14"], lao_cai, agree["14"])
    review(sheets["14"], lang_son, agree["14"])
    assert (disputed(sheets["10"]), disputed(sheets["20"]), disputed(sheets["14"])) == (
        ["B2"],
        ["D2"],
        [],
    )

    # Explanation of the disputed criteria, then the final review.
    for code, disputed_code in (("10", "B2"), ("20", "D2")):
        explanations_open(actor=secretariat, sheet=sheets[code])
        explain_save(
            actor=focal[code],
            sheet=sheets[code],
            code=disputed_code,
            note="Đề nghị giữ nguyên, có minh chứng kèm theo",
        )
    with pytest.raises(DomainError):
        explanations_open(actor=secretariat, sheet=sheets["14"])  # nothing disputed
    sheet_finalize(
        actor=secretariat,
        sheet=sheets["10"],
        settlements={"B2": (5, "Minh chứng đủ 5 dịch vụ")},
    )
    sheet_finalize(
        actor=secretariat,
        sheet=sheets["20"],
        settlements={"D2": (4, "Theo kết luận của đoàn chấm chéo")},
    )
    sheet_finalize(actor=secretariat, sheet=sheets["14"])

    for code in SELF:
        sheet = fresh(sheets[code])
        assert sheet.status == SheetStatus.FINAL and sheet.finalized_at
        finals = {m.code: m.value for m in Mark.objects.filter(sheet=sheet, stage=Stage.FINAL)}
        assert sorted(finals) == sorted(LEAVES)
    assert latest(sheets["20"], Stage.FINAL, "D2").value == 4  # type: ignore[union-attr]
    assert latest(sheets["20"], Stage.SELF, "D2").value == 5  # type: ignore[union-attr]

    outcome = results(table)

    # From the settled values: Lạng Sơn's self-assessed D2 (5 → 15 points) would give it 77 and
    # the second place; settled at 4 (12 points) it has 74, behind Sơn La's 76.5.
    assert [r.result.member for r in outcome.ranked] == [lao_cai, son_la, lang_son]
    assert [r.rank for r in outcome.ranked] == [1, 2, 3]
    assert [r.result.total for r in outcome.ranked] == [
        Decimal(107),
        Decimal("76.5"),
        Decimal(74),
    ]
    by_member = {r.result.member: r.result for r in outcome.ranked}
    assert by_member[lao_cai].points["A"] == 40  # A1's 22 + A2's 20, capped at the group's 40
    assert by_member[lao_cai].bonus == 10
    assert by_member[lang_son].penalty == 2
    assert by_member[lang_son].points["D2"] == 12
    assert by_member[son_la].points["A2"] == Decimal("17.5")  # 7 against the best 8
    assert outcome.unsettled == [cao_bang]
    assert [len(actions(a)) for a in ("scoring.sheet.submitted", "scoring.sheet.settled")] == [3, 3]
    assert len(actions("scoring.assignment.added")) == 6
    assert len(actions("scoring.sheet.explaining")) == 2


def test_results_before_anything_is_settled_list_every_member_apart(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    submitted(table, org["10"], SELF["10"])

    outcome = results(table)

    assert outcome.ranked == []
    assert sorted(m.pk for m in outcome.unsettled) == sorted(org[c].pk for c in MEMBERS)


# --- opening the sheets ----------------------------------------------------------------------


def test_scoring_does_not_open_before_the_table_is_locked(
    year: ClusterYear, org: dict[str, Org]
) -> None:
    table = table_create(actor=None, cluster_year=year, title="Bảng điểm", data=STARTER)

    with pytest.raises(DomainError):
        sheet_for(table=table, org=org["10"])
    table_publish(actor=None, table=table)
    with pytest.raises(DomainError):
        sheet_for(table=table, org=org["10"])

    assert Sheet.objects.count() == 0
    table_lock(actor=None, table=table)
    assert sheet_for(table=table, org=org["10"]).status == SheetStatus.DRAFT


def test_a_superseded_table_takes_no_new_sheets(table: ScoringTable, org: dict[str, Org]) -> None:
    meeting = meeting_create(
        actor=None, cluster_year=table.cluster_year, kind="mid_year", date=dt.date(2017, 7, 14)
    )
    amended = table_amend(
        actor=None,
        table=table,
        reason="Sửa đổi giữa năm",
        meeting=meeting,
        title="Bảng điểm (sửa đổi)",
        data=STARTER,
    )
    table.refresh_from_db()
    assert table.status == TableStatus.SUPERSEDED

    with pytest.raises(DomainError):
        sheet_for(table=table, org=org["10"])
    assert Sheet.objects.count() == 0
    assert sheet_for(table=amended, org=org["10"]).table == amended


def test_a_unit_outside_the_cluster_gets_no_sheet(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    thai_nguyen = org["19"]
    before = state()

    with pytest.raises(DomainError):
        sheet_for(table=table, org=thai_nguyen)
    with pytest.raises(DomainError):
        assignment_add(actor=secretariat, table=table, reviewer=org["10"], reviewee=thai_nguyen)

    assert state() == before


# --- self-assessment ---------------------------------------------------------------------------


def test_every_self_save_is_kept_and_the_latest_counts(
    table: ScoringTable, org: dict[str, Org], focal: dict[str, User]
) -> None:
    sheet = sheet_for(table=table, org=org["10"])

    first = self_save(
        actor=focal["10"], sheet=sheet, code="A1", value=100, target=100, note="Lần 1"
    )
    second = self_save(actor=focal["10"], sheet=sheet, code="A1", value=105, target=100, note="x")
    third = self_save(actor=focal["10"], sheet=sheet, code="A1", value=110, target=100, note="y")

    kept = list(Mark.objects.filter(sheet=sheet, code="A1", stage=Stage.SELF).order_by("id"))
    assert [m.pk for m in kept] == [first.pk, second.pk, third.pk]
    assert [m.value for m in kept] == [100, 105, 110]
    assert [m.note for m in kept] == ["Lần 1", "x", "y"]
    assert all(m.author == focal["10"] for m in kept)
    assert self_values(sheet)["A1"] == third
    assert latest(sheet, Stage.SELF, "A1") == third
    assert fresh(sheet).version == 3

    fill(sheet, {k: v for k, v in SELF["10"].items() if k != "A1"})
    sheet_submit(actor=None, sheet=sheet)
    sheet_finalize(actor=None, sheet=sheet)
    assert latest(sheet, Stage.FINAL, "A1").value == 110  # type: ignore[union-attr]
    assert Mark.objects.filter(sheet=sheet, code="A1").count() == 4  # three self, one final


def test_a_value_outside_the_criterion_is_refused(table: ScoringTable, org: dict[str, Org]) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    before = state()

    for code, value in (("B1", 2), ("D2", "1.5"), ("A2", -1), ("A2", "nhiều"), ("ZZ", 1)):
        with pytest.raises(DomainError):
            self_save(actor=None, sheet=sheet, code=code, value=value)
    with pytest.raises(DomainError):
        self_save(actor=None, sheet=sheet, code="A1", value=10, target=0)

    assert state() == before


def test_a_sheet_is_not_submitted_with_missing_values(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    fill(sheet, {k: v for k, v in SELF["10"].items() if k not in ("C", "P")})
    self_save(actor=None, sheet=sheet, code="B2", value="")  # cleared again
    before = state()

    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=None, sheet=sheet)

    assert "B2, C, P" in refused.value.message
    assert state() == before
    assert fresh(sheet).status == SheetStatus.DRAFT


def test_a_submitted_self_assessment_no_longer_changes(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = submitted(table, org["10"], SELF["10"])
    before = state()

    with pytest.raises(DomainError):
        self_save(actor=None, sheet=sheet, code="B2", value=4)
    with pytest.raises(DomainError):
        sheet_submit(actor=None, sheet=sheet)
    with pytest.raises(DomainError):
        evidence_add(actor=None, sheet=sheet, code="B2", upload=SimpleUploadedFile("them.pdf", PDF))

    assert state() == before


def test_the_submission_records_whether_it_came_after_the_deadline(
    year: ClusterYear, org: dict[str, Org]
) -> None:
    table = locked_table(year, self_due=dt.date(2018, 1, 15))  # long past
    submitted(table, org["10"], SELF["10"])
    ScoringTable.objects.filter(pk=table.pk).update(self_due=dt.date(2099, 1, 15))
    table.refresh_from_db()
    submitted(table, org["20"], SELF["20"])

    late = [e.changes["late"] for e in actions("scoring.sheet.submitted")]

    assert late == [[None, True], [None, False]]


# --- evidence ---------------------------------------------------------------------------------


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Chỉ tiêu", "Kết quả"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("bao-cao-quyet-toan.pdf", PDF, id="pdf"),
        pytest.param("anh-chup-giay-khen.PNG", PNG, id="png"),
        pytest.param("so-lieu.xlsx", None, id="xlsx"),
        pytest.param("bao-cao.docx", b"PK\x03\x04" + b"\x00" * 64, id="docx"),
        pytest.param("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, id="jpg"),
    ],
)
def test_good_evidence_is_stored_with_its_sheet(
    table: ScoringTable,
    org: dict[str, Org],
    focal: dict[str, User],
    media: Path,
    name: str,
    content: bytes | None,
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    data = xlsx() if content is None else content

    evidence = evidence_add(
        actor=focal["10"], sheet=sheet, code="A1", upload=SimpleUploadedFile(name, data)
    )

    assert (evidence.sheet, evidence.code, evidence.file_name) == (sheet, "A1", name)
    assert evidence.uploaded_by == focal["10"]
    assert Path(evidence.file.path).is_relative_to(media)
    assert Path(evidence.file.path).read_bytes() == data
    assert [e.changes["code"] for e in actions("scoring.evidence.added")] == [[None, "A1"]]


def test_a_directory_in_the_uploaded_name_is_dropped(
    table: ScoringTable, org: dict[str, Org], media: Path
) -> None:
    sheet = sheet_for(table=table, org=org["10"])

    evidence = evidence_add(
        actor=None,
        sheet=sheet,
        code="C",
        upload=SimpleUploadedFile("../../../etc/minh-chung.pdf", PDF),
    )

    assert evidence.file_name == "minh-chung.pdf"
    assert stored_files(media) == [Path(evidence.file.path)]
    assert Path(evidence.file.path).is_relative_to(media / "evidence")


class HugeUpload:
    """Claims more than 20 MB without holding them: its content is a short PDF, so even if the
    size check were lost, storing it would write a few bytes, never gigabytes."""

    name = "ho-so-day-du.pdf"
    size = EVIDENCE_MAX_BYTES + 1

    def __init__(self) -> None:
        self.pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(PDF) if n < 0 else self.pos + n
        chunk, self.pos = PDF[self.pos : end], min(end, len(PDF))
        return chunk

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos
        return pos

    def tell(self) -> int:
        return self.pos


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(SimpleUploadedFile("bao-cao.pdf", EXE), id="exe-renamed-pdf"),
        pytest.param(SimpleUploadedFile("anh.png", PDF), id="pdf-renamed-png"),
        pytest.param(SimpleUploadedFile("bang.xlsx", PDF), id="pdf-renamed-xlsx"),
        pytest.param(SimpleUploadedFile("cai-dat.exe", EXE), id="exe"),
        pytest.param(SimpleUploadedFile("ghi-chu.txt", b"%PDF van ban"), id="txt"),
        pytest.param(SimpleUploadedFile("khong-duoi", PDF), id="no-extension"),
        pytest.param(SimpleUploadedFile("rong.pdf", b""), id="empty"),
        pytest.param(HugeUpload(), id="over-20-MB"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_stored(
    table: ScoringTable, org: dict[str, Org], media: Path, upload: Any
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    before = state()

    with pytest.raises(DomainError) as refused:
        evidence_add(actor=None, sheet=sheet, code="A1", upload=upload)

    assert refused.value.field == "file"
    assert state() == before
    assert stored_files(media) == []


def test_evidence_of_exactly_20_mb_is_accepted(
    table: ScoringTable, org: dict[str, Org], media: Path
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    data = PDF + b"\x00" * (EVIDENCE_MAX_BYTES - len(PDF))

    evidence = evidence_add(
        actor=None, sheet=sheet, code="A1", upload=SimpleUploadedFile("lon.pdf", data)
    )

    assert Path(evidence.file.path).stat().st_size == EVIDENCE_MAX_BYTES


def test_evidence_for_an_unknown_criterion_is_refused(
    table: ScoringTable, org: dict[str, Org], media: Path
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    before = state()

    with pytest.raises(DomainError):
        evidence_add(actor=None, sheet=sheet, code="Z9", upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(DomainError):  # a group is not scored itself
        evidence_add(actor=None, sheet=sheet, code="A", upload=SimpleUploadedFile("a.pdf", PDF))

    assert state() == before
    assert stored_files(media) == []


# --- cross-check assignments ---------------------------------------------------------------


def test_a_unit_is_never_assigned_to_review_itself(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    before = state()

    with pytest.raises(DomainError) as refused:
        assignment_add(actor=secretariat, table=table, reviewer=org["10"], reviewee=org["10"])

    assert refused.value.field == "reviewer"
    assert state() == before


def test_the_database_refuses_a_self_review_assignment_too(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(table=table, reviewer=org["20"], reviewee=org["20"])

    assert Assignment.objects.count() == 0
    Assignment.objects.create(table=table, reviewer=org["14"], reviewee=org["20"])  # others may


def test_an_assignment_is_made_once(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    assignment_add(actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"])
    before = state()

    with pytest.raises(DomainError):
        assignment_add(actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"])

    assert state() == before


def test_a_review_team_outside_the_cluster_may_be_assigned(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    team = org["19"]  # a review team's unit, not a member this year

    assignment = assignment_add(actor=secretariat, table=table, reviewer=team, reviewee=org["10"])
    sheet = submitted(table, org["10"], SELF["10"])
    mark = review_save(actor=None, sheet=sheet, reviewer=team, code="C", value=1)

    assert (assignment.reviewer, mark.reviewer) == (team, team)


def test_a_declared_conflict_blocks_the_assignment(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    conflict_declare(
        actor=secretariat,
        table=table,
        reviewer=org["20"],
        reviewee=org["10"],
        reason="Giám đốc Sở là anh em ruột",
    )
    before = state()

    with pytest.raises(DomainError) as refused:
        assignment_add(actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"])

    assert "Giám đốc Sở là anh em ruột" in refused.value.message
    assert state() == before
    # Another reviewer is still assigned freely.
    assignment_add(actor=secretariat, table=table, reviewer=org["14"], reviewee=org["10"])


def test_declaring_a_conflict_withdraws_the_existing_assignment(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    assignment_add(actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"])
    assignment_add(actor=secretariat, table=table, reviewer=org["14"], reviewee=org["10"])
    sheet = submitted(table, org["10"], SELF["10"])

    conflict = conflict_declare(
        actor=secretariat,
        table=table,
        reviewer=org["20"],
        reviewee=org["10"],
        reason="  Từng công tác tại đơn vị được chấm  ",
    )

    assert conflict.reason == "Từng công tác tại đơn vị được chấm"
    assert list(Assignment.objects.values_list("reviewer", "reviewee")) == [
        (org["14"].pk, org["10"].pk)
    ]
    [event] = actions("scoring.conflict.declared")
    assert event.changes["withdrawn"] == [None, True]
    assert event.changes["reviewer"] == [None, org["20"].pk]
    assert event.changes["org"] == [None, org["10"].pk]
    with pytest.raises(DomainError):
        review_save(actor=None, sheet=sheet, reviewer=org["20"], code="C", value=1)


def test_a_conflict_needs_a_reason_and_is_declared_once(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    with pytest.raises(DomainError) as refused:
        conflict_declare(
            actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"], reason="  "
        )
    assert refused.value.field == "reason"
    assert Conflict.objects.count() == 0

    conflict_declare(
        actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"], reason="Họ hàng"
    )
    before = state()
    with pytest.raises(DomainError):
        conflict_declare(
            actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"], reason="Lại"
        )
    assert state() == before


def test_the_reviews_of_a_unit_found_in_conflict_no_longer_count(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    sheet = submitted(table, org["10"], SELF["10"])
    for reviewer in (org["20"], org["14"]):
        assignment_add(actor=secretariat, table=table, reviewer=reviewer, reviewee=org["10"])
    review(sheet, org["20"], {"B2": 1, "D2": 0}, {"B2": "Không đạt", "D2": "Không có"})
    review(sheet, org["14"], {"B2": 5, "D2": 4})

    conflict_declare(
        actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"], reason="Họ hàng"
    )

    assert Mark.objects.filter(sheet=sheet, reviewer=org["20"]).count() == 2  # kept, not counted
    assert disputed(sheet) == []
    sheet_finalize(actor=secretariat, sheet=sheet)
    assert latest(sheet, Stage.FINAL, "B2").value == 5  # type: ignore[union-attr]


# --- reviewing ----------------------------------------------------------------------------------


@pytest.fixture
def under_review(table: ScoringTable, org: dict[str, Org], secretariat: User) -> Sheet:
    """Lào Cai's submitted sheet, Lạng Sơn and Sơn La assigned to review it."""
    sheet = submitted(table, org["10"], SELF["10"])
    for reviewer in (org["20"], org["14"]):
        assignment_add(actor=secretariat, table=table, reviewer=reviewer, reviewee=org["10"])
    return sheet


def test_a_unit_not_assigned_cannot_review(under_review: Sheet, org: dict[str, Org]) -> None:
    before = state()

    for unit in (org["04"], org["19"], org["10"]):  # another member, an outsider, itself
        with pytest.raises(DomainError):
            review_save(actor=None, sheet=under_review, reviewer=unit, code="C", value=1)

    assert state() == before


def test_a_review_waits_for_the_submission(
    table: ScoringTable, org: dict[str, Org], secretariat: User
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    fill(sheet, SELF["10"])
    assignment_add(actor=secretariat, table=table, reviewer=org["20"], reviewee=org["10"])
    before = state()

    with pytest.raises(DomainError):
        review_save(actor=None, sheet=sheet, reviewer=org["20"], code="C", value=1)

    assert state() == before


def test_a_different_review_value_needs_its_reason(
    under_review: Sheet, org: dict[str, Org], focal: dict[str, User]
) -> None:
    before = state()

    for note in ("", "   \n"):
        with pytest.raises(DomainError) as refused:
            review_save(
                actor=focal["20"],
                sheet=under_review,
                reviewer=org["20"],
                code="B2",
                value=4,
                note=note,
            )
        assert refused.value.field == "note"
    assert state() == before

    same = review_save(
        actor=focal["20"], sheet=under_review, reviewer=org["20"], code="B2", value="5"
    )
    differs = review_save(
        actor=focal["20"],
        sheet=under_review,
        reviewer=org["20"],
        code="D2",
        value=3,
        note=" Một điển hình chưa được nhân rộng ",
    )
    assert (same.value, same.note, same.stage) == (5, "", Stage.REVIEW)
    assert (differs.value, differs.note, differs.author) == (
        3,
        "Một điển hình chưa được nhân rộng",
        focal["20"],
    )
    assert disputed(under_review) == ["D2"]


def test_a_reviewer_who_changes_its_value_keeps_the_earlier_one(
    under_review: Sheet, org: dict[str, Org]
) -> None:
    review(under_review, org["20"], {"B2": 4}, {"B2": "Thiếu 1 dịch vụ"})
    review(under_review, org["20"], {"B2": 5})

    kept = Mark.objects.filter(sheet=under_review, stage=Stage.REVIEW, code="B2").order_by("id")
    assert [m.value for m in kept] == [4, 5]
    assert review_values(under_review)["B2"][org["20"].pk].value == 5
    assert disputed(under_review) == []


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("trimmed_mean", Decimal(8)), ("median", Decimal(8)), ("mean", Decimal(38))],
)
def test_the_self_score_never_counts_in_the_cross_value(
    year: ClusterYear,
    org: dict[str, Org],
    secretariat: User,
    aggregation: str,
    expected: Decimal,
) -> None:
    data = copy.deepcopy(STARTER)
    data["aggregation"] = aggregation
    table = locked_table(year, data)
    sheet = submitted(table, org["10"], {**SELF["10"], "A2": 10})
    reviewers = {org["20"]: 6, org["14"]: 8, org["04"]: 100}
    for reviewer, value in reviewers.items():
        assignment_add(actor=secretariat, table=table, reviewer=reviewer, reviewee=org["10"])
        review(sheet, reviewer, {"A2": value}, {"A2": "Theo số liệu thống kê"})

    by_reviewer = review_values(sheet)["A2"]
    combined = cross_value(engine_table(table), by_reviewer.values())

    assert sorted(by_reviewer) == sorted(r.pk for r in reviewers)  # the member is not among them

    # With the self-score (10) among them: trimmed mean 9, median 9, mean 31.
    assert combined is not None and combined.value == expected


def test_nothing_combines_without_a_reviewers_value(table: ScoringTable) -> None:
    assert cross_value(engine_table(table), []) is None


# --- explanations and the final review ---------------------------------------------------------


@pytest.fixture
def disputed_sheet(under_review: Sheet, org: dict[str, Org]) -> Sheet:
    """Lạng Sơn disputes B2 (4 against 5) and D2 (3 against 4); Sơn La agrees on B1 and B2."""
    review(
        under_review,
        org["20"],
        {"B2": 4, "D2": 3, "B1": 1},
        {"B2": "Thiếu 1 dịch vụ", "D2": "Một điển hình chưa nhân rộng"},
    )
    review(under_review, org["14"], {"B1": 1, "B2": 5})
    return under_review


def test_explanations_are_given_only_on_disputed_criteria_with_a_note(
    disputed_sheet: Sheet, org: dict[str, Org], focal: dict[str, User], secretariat: User
) -> None:
    sheet = disputed_sheet
    with pytest.raises(DomainError):  # not asked yet
        explain_save(actor=focal["10"], sheet=sheet, code="B2", note="Giải trình")
    explanations_open(actor=secretariat, sheet=sheet)
    before = state()

    with pytest.raises(DomainError) as refused:
        explain_save(actor=focal["10"], sheet=sheet, code="C", note="Giải trình")
    assert refused.value.field == "code"
    with pytest.raises(DomainError) as refused:
        explain_save(actor=focal["10"], sheet=sheet, code="B2", note="  ")
    assert refused.value.field == "note"
    assert state() == before

    kept = explain_save(
        actor=focal["10"], sheet=sheet, code="B2", note="Có đủ 5 dịch vụ, xem quyết định"
    )
    corrected = explain_save(
        actor=focal["10"], sheet=sheet, code="D2", note="Nhất trí còn 3", value=3
    )
    evidence_add(
        actor=focal["10"], sheet=sheet, code="B2", upload=SimpleUploadedFile("qd.pdf", PDF)
    )

    assert (kept.stage, kept.value, kept.author) == (Stage.EXPLANATION, 5, focal["10"])
    assert (corrected.stage, corrected.value) == (Stage.EXPLANATION, 3)
    assert latest(sheet, Stage.SELF, "D2").value == 4  # type: ignore[union-attr]
    assert fresh(sheet).status == SheetStatus.EXPLAINING
    with pytest.raises(DomainError):  # the cross-check is over
        review_save(actor=None, sheet=sheet, reviewer=org["14"], code="B2", value=5)


def test_explanations_are_asked_only_when_something_is_disputed(
    under_review: Sheet, org: dict[str, Org], secretariat: User
) -> None:
    review(under_review, org["20"], {"B2": 5})
    before = state()

    with pytest.raises(DomainError):
        explanations_open(actor=secretariat, sheet=under_review)

    assert state() == before


def test_the_final_review_settles_each_disputed_criterion_with_a_reason(
    disputed_sheet: Sheet, secretariat: User
) -> None:
    sheet = disputed_sheet
    explanations_open(actor=secretariat, sheet=sheet)
    before = state()

    for settlements in (
        None,
        {"B2": (5, "Giữ nguyên")},  # D2 left out
        {"B2": (5, "Giữ nguyên"), "D2": (3, "   ")},  # D2 without a reason
    ):
        with pytest.raises(DomainError) as refused:
            sheet_finalize(actor=secretariat, sheet=sheet, settlements=settlements)
        assert refused.value.field == "settlements"
        assert "D2" in refused.value.message
    with pytest.raises(DomainError):  # a settled value must fit the criterion too
        sheet_finalize(
            actor=secretariat,
            sheet=sheet,
            settlements={"B2": (5, "Giữ nguyên"), "D2": ("1.5", "Nửa điển hình")},
        )
    assert state() == before

    sheet_finalize(
        actor=secretariat,
        sheet=sheet,
        settlements={"B2": (5, "Đủ minh chứng"), "D2": (3, "Theo ý kiến chấm chéo")},
    )

    final = {m.code: m for m in Mark.objects.filter(sheet=sheet, stage=Stage.FINAL)}
    assert sorted(final) == sorted(LEAVES)
    assert (final["B2"].value, final["B2"].note) == (5, "Đủ minh chứng")
    assert (final["D2"].value, final["D2"].note) == (3, "Theo ý kiến chấm chéo")
    assert final["B1"].value == 1  # reviewed, undisputed: the reviewers' combined value
    assert (final["A1"].value, final["A1"].target) == (110, 100)  # nobody reviewed: the self value
    assert all(final[c].author == secretariat for c in LEAVES)
    [event] = actions("scoring.sheet.settled")
    assert event.changes["status"] == [SheetStatus.EXPLAINING, SheetStatus.FINAL]
    assert event.changes["settled"] == [None, {"B2": "5", "D2": "3"}]


def test_an_undisputed_sheet_is_settled_from_submitted(
    under_review: Sheet, org: dict[str, Org], secretariat: User
) -> None:
    review(under_review, org["20"], {"B1": True, "C": 1})  # a pass, as the member said

    sheet = sheet_finalize(actor=secretariat, sheet=under_review)

    assert sheet.status == SheetStatus.FINAL
    final = {m.code: m.value for m in Mark.objects.filter(sheet=sheet, stage=Stage.FINAL)}
    assert final == {c: Decimal(split(v)[0]) for c, v in SELF["10"].items()}
    [event] = actions("scoring.sheet.settled")
    assert event.changes["status"] == [SheetStatus.SUBMITTED, SheetStatus.FINAL]


def test_a_draft_is_not_settled(table: ScoringTable, org: dict[str, Org]) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    fill(sheet, SELF["10"])
    before = state()

    with pytest.raises(DomainError):
        sheet_finalize(actor=None, sheet=sheet)
    with pytest.raises(DomainError):
        explanations_open(actor=None, sheet=sheet)

    assert state() == before


def test_a_disputed_criterion_is_not_settled_without_a_value(
    disputed_sheet: Sheet, secretariat: User
) -> None:
    before = state()

    with pytest.raises(DomainError):
        sheet_finalize(
            actor=secretariat,
            sheet=disputed_sheet,
            settlements={"B2": ("", "Chưa thống nhất"), "D2": (3, "Theo chấm chéo")},
        )

    assert state() == before


def test_a_confirmed_quantitative_value_keeps_the_members_target(
    under_review: Sheet, org: dict[str, Org], secretariat: User
) -> None:
    review(under_review, org["20"], {"A1": 110})  # the same actual, the target not retyped

    sheet_finalize(actor=secretariat, sheet=under_review)

    final = latest(under_review, Stage.FINAL, "A1")
    assert final is not None and (final.value, final.target) == (110, 100)
    [row] = results(under_review.table).ranked
    assert row.result.points["A1"] == 22


# --- a settled sheet is locked -----------------------------------------------------------------


def test_a_settled_sheet_refuses_every_write(
    disputed_sheet: Sheet,
    org: dict[str, Org],
    focal: dict[str, User],
    secretariat: User,
    media: Path,
) -> None:
    sheet = disputed_sheet
    sheet_finalize(
        actor=secretariat,
        sheet=sheet,
        settlements={"B2": (5, "Đủ minh chứng"), "D2": (3, "Theo chấm chéo")},
    )
    files = stored_files(media)
    version = fresh(sheet).version
    before = state()
    writes: list[Any] = [
        lambda: self_save(actor=focal["10"], sheet=sheet, code="B2", value=4),
        lambda: self_save(
            actor=focal["10"], sheet=sheet, code="B2", value=4, expected_version=version
        ),
        lambda: evidence_add(
            actor=focal["10"], sheet=sheet, code="B2", upload=SimpleUploadedFile("muon.pdf", PDF)
        ),
        lambda: sheet_submit(actor=focal["10"], sheet=sheet),
        lambda: review_save(
            actor=focal["20"], sheet=sheet, reviewer=org["20"], code="C", value=0, note="Không đạt"
        ),
        lambda: review_save(actor=focal["14"], sheet=sheet, reviewer=org["14"], code="C", value=1),
        lambda: explanations_open(actor=secretariat, sheet=sheet),
        lambda: explain_save(actor=focal["10"], sheet=sheet, code="B2", note="Bổ sung"),
        lambda: sheet_finalize(
            actor=secretariat,
            sheet=sheet,
            settlements={"B2": (4, "Chấm lại"), "D2": (4, "Chấm lại")},
        ),
        lambda: sheet_finalize(actor=secretariat, sheet=sheet),
    ]

    for write in writes:
        with pytest.raises(DomainError):
            write()

    assert state() == before
    assert stored_files(media) == files
    assert fresh(sheet).status == SheetStatus.FINAL


# --- two people on one sheet ---------------------------------------------------------------------


def test_a_save_from_an_older_version_is_refused_with_the_value_saved_meanwhile(
    table: ScoringTable, org: dict[str, Org], focal: dict[str, User]
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    colleague = make_user("chuyenvien.laocai", Role.FOCAL_POINT, org["10"])
    opened = fresh(sheet).version  # both open the page at this version
    assert opened == 0

    first = self_save(
        actor=focal["10"],
        sheet=sheet,
        code="A2",
        value=8,
        note="Số liệu Cục Thống kê",
        expected_version=opened,
    )
    before = state()
    with pytest.raises(StaleSave) as stale:
        self_save(
            actor=colleague,
            sheet=sheet,
            code="A2",
            value="7.5",
            note="Số liệu ước tính",
            expected_version=opened,
        )

    assert stale.value.current == first
    assert stale.value.current is not None and stale.value.current.value == 8
    assert stale.value.version == 1 == fresh(sheet).version
    assert stale.value.field == "version"
    assert "daumoi.10" in stale.value.message  # who saved meanwhile
    assert state() == before  # nothing of the second save is stored
    assert latest(sheet, Stage.SELF, "A2") == first

    # Having seen the other's value, the second person saves again on the current version.
    again = self_save(
        actor=colleague,
        sheet=sheet,
        code="A2",
        value="7.5",
        note="Số liệu ước tính",
        expected_version=stale.value.version,
    )
    assert latest(sheet, Stage.SELF, "A2") == again
    assert fresh(sheet).version == 2
    assert list(
        Mark.objects.filter(sheet=sheet, code="A2").order_by("id").values_list("value", flat=True)
    ) == [8, Decimal("7.5")]


def test_every_save_moves_the_version_so_a_page_opened_earlier_is_stale(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = sheet_for(table=table, org=org["10"])
    for version, code in enumerate(("B1", "B2", "C")):
        self_save(actor=None, sheet=sheet, code=code, value=1, expected_version=version)
        assert fresh(sheet).version == version + 1

    with pytest.raises(StaleSave) as stale:
        self_save(actor=None, sheet=sheet, code="B2", value=2, expected_version=1)

    assert stale.value.version == 3
    assert stale.value.current == latest(sheet, Stage.SELF, "B2")


def test_two_reviewers_saving_at_once_do_not_lose_an_edit(
    under_review: Sheet, org: dict[str, Org], focal: dict[str, User]
) -> None:
    opened = fresh(under_review).version
    first = review_save(
        actor=focal["20"],
        sheet=under_review,
        reviewer=org["20"],
        code="B2",
        value=4,
        note="Thiếu 1 dịch vụ",
        expected_version=opened,
    )
    before = state()

    with pytest.raises(StaleSave) as stale:
        review_save(
            actor=focal["14"],
            sheet=under_review,
            reviewer=org["14"],
            code="B2",
            value=5,
            expected_version=opened,
        )

    assert stale.value.current == first
    assert stale.value.version == opened + 1
    assert state() == before


def test_an_explanation_from_an_older_version_is_refused(
    disputed_sheet: Sheet, focal: dict[str, User], secretariat: User
) -> None:
    explanations_open(actor=secretariat, sheet=disputed_sheet)
    opened = fresh(disputed_sheet).version
    first = explain_save(
        actor=focal["10"], sheet=disputed_sheet, code="B2", note="Lần 1", expected_version=opened
    )
    before = state()

    with pytest.raises(StaleSave) as stale:
        explain_save(
            actor=focal["10"],
            sheet=disputed_sheet,
            code="B2",
            note="Lần 2",
            expected_version=opened,
        )

    assert stale.value.current == first
    assert state() == before


@pytest.fixture(scope="module")
def reference_data_back(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """A transactional test ends by flushing every table, the reference data loaded by migration
    orgs/0002 included; the tests run after it (pytest-django runs transactional tests late) need
    that data. Module-scoped, so it is loaded again after the test's own flush (as the browser
    tests do); loaded first too, in case an earlier transactional test left the tables empty."""
    from django.apps import apps

    from orgs.reference import load_reference

    with django_db_blocker.unblock():
        load_reference(apps)
    yield
    with django_db_blocker.unblock():
        load_reference(apps)


@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_from_one_version_keep_both_edits_apart(
    reference_data_back: None,
) -> None:
    """On a real connection per thread: both read version 0, both save; exactly one is stored and
    the other is told about it."""
    table = locked_table(open_year())
    sheet = sheet_for(table=table, org=Org.objects.get(code="10"))
    opened = Sheet.objects.get(pk=sheet.pk).version
    both_opened = threading.Barrier(2, timeout=10)
    # SQLite's in-memory test database takes one writer at a time (a second one fails with
    # "table is locked" instead of waiting): there the saves take turns; PostgreSQL runs them at once.
    one_at_a_time: Any = threading.Lock() if connection.vendor == "sqlite" else nullcontext()
    outcomes: dict[str, Any] = {}

    def save(name: str, value: int) -> None:
        try:
            seen = Sheet.objects.get(pk=sheet.pk).version  # the page is opened
            both_opened.wait()
            with one_at_a_time:
                outcomes[name] = self_save(
                    actor=None,
                    sheet=sheet,
                    code="D2",
                    value=value,
                    note=name,
                    expected_version=seen,
                )
        except Exception as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n, v)) for n, v in (("mot", 3), ("hai", 4))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [o for o in outcomes.values() if isinstance(o, Mark)]
    refused = [o for o in outcomes.values() if isinstance(o, StaleSave)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert refused[0].current == saved[0]
    assert refused[0].version == opened + 1 == Sheet.objects.get(pk=sheet.pk).version
    assert list(Mark.objects.filter(sheet=sheet).values_list("pk", flat=True)) == [saved[0].pk]


# --- the audit trail ---------------------------------------------------------------------------


def test_each_stage_is_written_to_the_audit_trail(
    disputed_sheet: Sheet, org: dict[str, Org], secretariat: User, focal: dict[str, User]
) -> None:
    sheet = disputed_sheet
    table = sheet.table
    conflict_declare(
        actor=secretariat, table=table, reviewer=org["04"], reviewee=org["10"], reason="Họ hàng"
    )
    explanations_open(actor=secretariat, sheet=sheet)
    explain_save(actor=focal["10"], sheet=sheet, code="B2", note="Đủ minh chứng")
    sheet_finalize(
        actor=secretariat,
        sheet=sheet,
        settlements={"B2": (5, "Đủ"), "D2": (3, "Theo chấm chéo")},
    )
    organiser = table.cluster_year.cluster.organiser_id

    [submitted_event] = actions("scoring.sheet.submitted")
    assert (submitted_event.object_type, submitted_event.object_id) == (
        "scoring.sheet",
        str(sheet.pk),
    )
    assert submitted_event.changes["status"] == [SheetStatus.DRAFT, SheetStatus.SUBMITTED]
    added = actions("scoring.assignment.added")
    assert [e.changes["reviewer"] for e in added] == [[None, org["20"].pk], [None, org["14"].pk]]
    assert all(e.actor == secretariat and e.org_id_hint == organiser for e in added)
    [declared] = actions("scoring.conflict.declared")
    assert declared.changes["reason"] == [None, "Họ hàng"]
    assert declared.changes["withdrawn"] == [None, False]
    [explaining] = actions("scoring.sheet.explaining")
    assert explaining.changes["disputed"] == [None, ["B2", "D2"]]
    assert (explaining.object_type, explaining.object_id) == ("scoring.sheet", str(sheet.pk))
    [settled] = actions("scoring.sheet.settled")
    assert settled.actor == secretariat and settled.object_id == str(sheet.pk)


def test_a_reviewer_changing_only_the_target_must_say_why_and_disputes_it(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = submitted(table, org["10"], SELF["10"])
    assignment_add(actor=None, table=table, reviewer=org["20"], reviewee=org["10"])

    with pytest.raises(DomainError):
        review(sheet, org["20"], {"A1": (110, 120)})  # same value, another target, no reason
    review(sheet, org["20"], {"A1": (110, 120)}, {"A1": "Kế hoạch giao là 120 tỷ đồng"})

    assert disputed(sheet) == ["A1"]


def test_a_settlement_of_a_criterion_outside_the_table_is_refused(
    table: ScoringTable, org: dict[str, Org]
) -> None:
    sheet = submitted(table, org["10"], SELF["10"])
    before = state()

    with pytest.raises(DomainError):
        sheet_finalize(actor=None, sheet=sheet, settlements={"Z9": (1, "không có")})

    assert state() == before
    assert fresh(sheet).status == SheetStatus.SUBMITTED
