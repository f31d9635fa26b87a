"""The demo's dossiers and exemplary models (dossiers/demo.py, exemplary/demo.py, through
`manage.py load_demo`): real paths through the services, loaded once."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from dossiers import selectors
from dossiers.models import Dossier
from exemplary.models import ExemplaryModel


@pytest.fixture
def demo(db: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", password="x", stdout=StringIO())


def test_the_seed_002_flag_is_under_public_comment(demo: None) -> None:
    flag = Dossier.objects.get(code="CO_CP", year=2018)

    assert flag.status == "comment"
    assert flag.proposer.code == "46" and flag.receiver.code == "TW-HDTDKT"
    assert [r.org.code for r in flag.recipients.all() if r.org is not None] == ["38"]
    assert flag.cluster_year is not None and flag.cluster_year.cluster.code == "CTD-BTB"
    assert flag.comment_opens is not None
    assert list(selectors.public_dossiers(flag.comment_opens)) == [flag]
    assert [s.to_status for s in flag.steps.all()] == ["draft", "submitted", "appraisal", "comment"]
    assert AuditEvent.objects.filter(action="dossiers.dossier.comment").count() == 1


def test_the_thai_nguyen_draft_shows_one_eligible_and_one_short(demo: None) -> None:
    draft = Dossier.objects.get(code="CSTD_BO", year=2025)

    checks, _results = selectors.dossier_checks(draft)
    eligibility = [c.ok for c in checks if c.code == "eligibility"]

    assert draft.status == "draft"
    assert eligibility == [True, False]
    assert "cần thêm 1 lần Chiến sĩ thi đua cơ sở" in next(
        c.text for c in checks if c.code == "eligibility" and not c.ok
    )


def test_loading_the_demo_again_creates_nothing(demo: None) -> None:
    before = (Dossier.objects.count(), ExemplaryModel.objects.count())
    out = StringIO()

    call_command("load_demo", password="x", stdout=out)

    assert before == (3, 3)
    assert (Dossier.objects.count(), ExemplaryModel.objects.count()) == before
    assert "0 dossier(s), 0 exemplary model(s) created" in out.getvalue()
    assert sorted(ExemplaryModel.objects.values_list("stage", flat=True)) == ["summarised"] * 3
