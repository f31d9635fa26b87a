from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints import rules
from complaints.models import ComplaintKind, ComplaintStatus
from core.widgets import VnDateInput

DATE_WIDGET = VnDateInput()
TEXTAREA = forms.Textarea(attrs={"rows": 4})
STAMP_SALT = "complaints.public-intake"


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Reference"), required=False, max_length=30)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ComplaintStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ComplaintKind.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class _Identity(forms.Form):
    """Who sends it (seen only by the handlers)."""

    complainant_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    complainant_contact = forms.CharField(
        label=_("Telephone or email"), max_length=150, required=False
    )
    complainant_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    content = forms.CharField(
        label=_("Content"),
        widget=TEXTAREA,
        min_length=rules.CONTENT_MIN,
        max_length=rules.CONTENT_MAX,
    )


class IntakeForm(_Identity):
    """An officer records a complaint; its subject is a dossier, a decision (or one of its
    recipients) or a commendation given by a link from the register."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ComplaintKind.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    dossier_reference = forms.CharField(
        label=_("Dossier (reference)"),
        max_length=30,
        required=False,
        help_text=_("e.g. HS-2026-000012"),
    )
    decision_number = forms.CharField(
        label=_("Decision (number and symbol)"), max_length=60, required=False
    )
    issuer_code = forms.CharField(
        label=_("Issuing authority of the decision (unit code)"), max_length=40, required=False
    )
    recipient_name = forms.CharField(
        label=_("Recipient of the decision"),
        max_length=150,
        required=False,
        help_text=_("When the complaint is about one commendation of the decision."),
    )
    record = forms.IntegerField(required=False, widget=forms.HiddenInput)
    org_code = forms.CharField(
        label=_("Unit that handles it (code)"),
        max_length=40,
        required=False,
        help_text=_("Empty: the level the dossier was sent to, or the decision's issuer."),
    )

    field_order = [
        "kind",
        "received_on",
        "dossier_reference",
        "decision_number",
        "issuer_code",
        "recipient_name",
        "record",
        "org_code",
        "complainant_name",
        "complainant_contact",
        "complainant_address",
        "content",
    ]

    def clean_dossier_reference(self) -> str:
        return self.cleaned_data["dossier_reference"].strip().upper()

    def clean_issuer_code(self) -> str:
        return self.cleaned_data["issuer_code"].strip().upper()

    def clean_org_code(self) -> str:
        return self.cleaned_data["org_code"].strip().upper()

    def clean_decision_number(self) -> str:
        return " ".join(self.cleaned_data["decision_number"].split())

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision_number") and not data.get("issuer_code"):
            self.add_error("issuer_code", _("Give the issuing authority's unit code."))
        if data.get("recipient_name") and not data.get("decision_number"):
            self.add_error("decision_number", _("Give the decision the recipient is in."))
        return data


class PublicForm(_Identity):
    """The public page's form: a honeypot that must stay empty and a signed timestamp."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ComplaintKind.choices,
        help_text=_(
            "A complaint or denunciation must give your full name and an address or contact."
        ),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)

    field_order = [
        "kind",
        "content",
        "complainant_name",
        "complainant_contact",
        "complainant_address",
        "website",
        "stamp",
    ]

    def __init__(self, *args: Any, reference: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reference = reference
        if not self.is_bound:
            self.initial["stamp"] = make_stamp(reference)

    def visible_fields(self) -> list[Any]:
        return [f for f in super().visible_fields() if f.name != "website"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("Your message could not be accepted."), code="spam")
        problem = stamp_problem(self.data.get("stamp", ""), self.reference)
        if problem:
            raise forms.ValidationError(problem, code="spam")
        return data


def make_stamp(reference: str, now: float | None = None) -> str:
    """When the page was served, signed with the dossier it was served for."""
    return signing.dumps(
        {"r": reference, "t": time.time() if now is None else now}, salt=STAMP_SALT
    )


def stamp_problem(stamp: str, reference: str, now: float | None = None) -> str | None:
    """Why a form's stamp is refused (not this dossier's page, sent under 3 seconds or over
    2 hours after it was served), or None."""
    try:
        value = signing.loads(stamp, salt=STAMP_SALT)
    except signing.BadSignature:
        value = None
    served = value.get("t") if isinstance(value, dict) and value.get("r") == reference else None
    if not isinstance(served, int | float):
        return gettext("The form could not be checked; please send your message again.")
    age = (time.time() if now is None else now) - served
    if age < rules.FORM_MIN_SECONDS:
        return gettext("That was very fast: please read your message again, then send it.")
    if age > rules.FORM_MAX_SECONDS:
        return gettext("The form was open for too long; please send your message again.")
    return None


class AssignForm(forms.Form):
    prefix = "assign"
    assignee = forms.TypedChoiceField(label=_("Handler"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, handlers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handlers = {u.pk: u for u in handlers}
        self.fields["assignee"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (u.pk, f"{u} ({u.username})") for u in handlers
        ]


class StepForm(forms.Form):
    prefix = "step"
    note = forms.CharField(label=_("What was done"), widget=TEXTAREA, max_length=rules.CONTENT_MAX)


class ExtendForm(forms.Form):
    prefix = "extend"
    days = forms.IntegerField(
        label=_("Extension (working days)"),
        min_value=1,
        required=False,
        help_text=_("Empty: the most the law allows."),
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA)


class ResolveForm(forms.Form):
    prefix = "resolve"
    resolution = forms.CharField(label=_("Resolution"), widget=TEXTAREA)
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE_WIDGET, required=False)
    record = forms.TypedChoiceField(
        label=_("Revoke the commendation"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only when the resolution revokes a commendation."),
    )
    decision_number = forms.CharField(
        label=_("Revoking decision (number)"), max_length=60, required=False
    )
    decision_date = forms.DateField(
        label=_("Date of the revoking decision"), widget=DATE_WIDGET, required=False
    )

    def __init__(self, *args: Any, records: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {r.pk: r for r in records}
        self.fields["record"].choices = [("", _("None"))] + [  # type: ignore[attr-defined]
            (r.pk, record_label(r)) for r in records
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record"):
            if not data.get("decision_number"):
                self.add_error("decision_number", _("Give the number of the revoking decision."))
            if not data.get("decision_date") and "decision_date" not in self.errors:
                self.add_error("decision_date", _("Give the date of the revoking decision."))
        return data


def recipient_name(record: Any) -> str:
    if record.person is not None:
        return str(record.person.full_name)
    return str(record.org.name) if record.org is not None else ""


def record_label(record: Any) -> str:
    return f"{recipient_name(record)} · {record.code} {record.year} · {record.decision.number}"


class DismissForm(forms.Form):
    prefix = "dismiss"
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA)


class FromCommentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Handle it as"), choices=ComplaintKind.choices)
