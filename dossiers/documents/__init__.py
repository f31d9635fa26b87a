"""A dossier's generated documents, in the layout of Decree 30/2020, as kinds of the document
service: the submission letter (tờ trình đề nghị khen thưởng, "dossier_letter", in `letter`) and
each recipient's achievement report (báo cáo thành tích, after the annex of Decree 152/2025/NĐ-CP,
"achievement_report", in `report`). Each module gathers what its document prints as plain
Vietnamese text (`letter_context`, `report_context`) and lays it out (`build_letter`,
`build_report`); `submission_letter` and `achievement_report` render them, DOCX or PDF, through
`documents.service.render_kind`, from the issuing unit's own template when it has one. The officer
edits the DOCX in Word or LibreOffice, signs and attaches it (services.document_add_bytes).

The number and the day of the letter are left blank for the clerk who issues it (unless given);
the year is filled in. The documents are in Vietnamese whatever the user's interface language.
"""

from __future__ import annotations

import datetime as dt

from dossiers.documents.common import (
    BASIS,
    CAPITAL,
    authority,
    issuing_body,
    letter_filename,
    place,
    report_filename,
    symbol,
)
from dossiers.documents.letter import KEY as LETTER_KEY
from dossiers.documents.letter import KIND as LETTER_KIND
from dossiers.documents.letter import build_letter, letter_context
from dossiers.documents.report import KEY as REPORT_KEY
from dossiers.documents.report import KIND as REPORT_KIND
from dossiers.documents.report import build_report, report_context
from dossiers.models import Dossier, DossierRecipient

__all__ = [
    "BASIS",
    "CAPITAL",
    "LETTER_KEY",
    "LETTER_KIND",
    "REPORT_KEY",
    "REPORT_KIND",
    "achievement_report",
    "authority",
    "build_letter",
    "build_report",
    "issuing_body",
    "letter_context",
    "letter_filename",
    "place",
    "report_context",
    "report_filename",
    "submission_letter",
    "symbol",
]


def submission_letter(dossier: Dossier, *, day: dt.date | None = None, fmt: str = "docx") -> bytes:
    """Tờ trình đề nghị khen thưởng, DOCX or PDF, from the proposing unit's template (or the
    nearest one above it) when there is one, else the built-in layout."""
    from documents.service import render_kind

    context = letter_context(dossier, day=day)
    return render_kind(LETTER_KEY, context, fmt=fmt, org=dossier.proposer)[0]


def achievement_report(
    recipient: DossierRecipient, *, day: dt.date | None = None, fmt: str = "docx"
) -> bytes:
    """Báo cáo thành tích of one recipient, DOCX or PDF, from the template of the unit it is
    issued by (the person's unit, or the collective itself) when there is one."""
    from documents.service import render_kind

    context = report_context(recipient, day=day)
    unit = recipient.person.unit if recipient.person is not None else recipient.org
    return render_kind(REPORT_KEY, context, fmt=fmt, org=unit)[0]
