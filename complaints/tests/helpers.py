"""Builders and assertions shared by the complaints' tests (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import Role, User
from complaints.models import Complaint, ComplaintStep
from conftest import make_user
from core.errors import DomainError
from core.models import AuditEvent
from dossiers.models import Dossier, PublicComment
from orgs.models import Org
from register.models import Decision, Record, Revocation

NAME = "Đinh Văn Kín"
CONTACT = "0912 345 678"
ADDRESS = "Tổ 5, phường Phan Đình Phùng"
CONTENT = "Thành tích trong báo cáo không đúng sự thật, đề nghị xem xét lại."


def keeper() -> User:
    """A system administrator who records the fixtures' rows."""
    found = User.objects.filter(username="quantri.khieunai").first()
    return found or make_user("quantri.khieunai", Role.ADMIN, None)


def today() -> dt.date:
    return timezone.localdate()


def public_dossier(reference: str, proposer: Org, receiver: Org, **changes: Any) -> Dossier:
    """A dossier under public comment whose window is open today."""
    values: dict[str, Any] = {
        "reference": reference,
        "title": "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025",
        "proposer": proposer,
        "receiver": receiver,
        "level": "bo_tinh",
        "code": "BK_BO",
        "year": 2025,
        "status": "comment",
        "comment_opens": today() - dt.timedelta(days=3),
        "comment_closes": today() + dt.timedelta(days=7),
    }
    return Dossier.objects.create(**(values | changes))


def comment(dossier: Dossier, **changes: Any) -> PublicComment:
    values: dict[str, Any] = {
        "dossier": dossier,
        "author_name": NAME,
        "contact": CONTACT,
        "text": CONTENT,
        "source": "nguon-binh-luan",
    }
    return PublicComment.objects.create(**(values | changes))


def state() -> dict[str, Any]:
    """Every row the complaints' services may write, and the audit trail's length."""
    rows: dict[str, Any] = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Complaint, ComplaintStep, Record, Revocation, Decision, PublicComment)
    }
    rows["audit"] = AuditEvent.objects.count()
    return rows


def refused(call: Callable[[], Any], field: str | None = "__any__") -> DomainError:
    """Run a call that must be refused: a DomainError (on `field`), and nothing changed."""
    before = state()
    with pytest.raises(DomainError) as caught:
        call()
    assert state() == before
    assert caught.value.message
    if field != "__any__":
        assert caught.value.field == field
    return caught.value


def denied(call: Callable[[], Any]) -> None:
    before = state()
    with pytest.raises(PermissionDenied):
        call()
    assert state() == before


def vi(text: str, **params: Any) -> str:
    """A message as shown in the default language (vi)."""
    with translation.override("vi"):
        shown = translation.gettext(text)
    return shown % params if params else shown


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-pk").first()  # type: ignore[return-value]
