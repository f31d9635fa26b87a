"""Forms of the exemplary model pages; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import VnDateInput
from exemplary.models import Kind, Stage

MIN_YEAR, MAX_YEAR = 1945, 2100


def _code(value: str) -> str:
    return (value or "").strip().upper()


class FilterForm(forms.Form):
    unit_code = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=40,
        help_text=_("Includes the units below it."),
    )
    year = forms.IntegerField(
        label=_("Year discovered"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All")), *Stage.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices]
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def clean_unit_code(self) -> str:
        return _code(self.cleaned_data["unit_code"])


class ExemplaryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    org_code = forms.CharField(
        label=_("Kept by (unit code)"),
        max_length=40,
        help_text=_("The unit that discovered it and follows it through its stages."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        required=False,
        help_text=_(
            "Required for a model; for an individual or a collective, empty means their name."
        ),
    )
    person_name = forms.CharField(label=_("Individual's full name"), max_length=150, required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Tells apart people with the same name."),
    )
    subject_code = forms.CharField(
        label=_("Unit code of the individual, or the collective"),
        max_length=40,
        required=False,
        help_text=_("For an individual, empty means the keeping unit and the units below it."),
    )
    discovered_on = forms.DateField(label=_("Discovered on"), widget=VnDateInput())
    sector = forms.CharField(
        label=_("Field or sector"),
        max_length=255,
        required=False,
        help_text=_("e.g. xây dựng nông thôn mới, giảm nghèo, cải cách hành chính"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    note = forms.CharField(
        label=_("How it was discovered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_org_code(self) -> str:
        return _code(self.cleaned_data["org_code"])

    def clean_subject_code(self) -> str:
        return _code(self.cleaned_data["subject_code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Kind.PERSON and not (data.get("person_name") or "").strip():
            self.add_error("person_name", _("Give the individual's full name."))
        if kind == Kind.COLLECTIVE and not data.get("subject_code"):
            self.add_error("subject_code", _("Give the collective's unit code."))
        if kind == Kind.MODEL and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the model's name."))
        return data


class EditForm(forms.Form):
    org_code = forms.CharField(label=_("Kept by (unit code)"), max_length=40)
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        required=False,
        help_text=_("For an individual or a collective, empty means their name."),
    )
    sector = forms.CharField(label=_("Field or sector"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_org_code(self) -> str:
        return _code(self.cleaned_data["org_code"])


class AdvanceForm(forms.Form):
    # The stage the page offered: a page left open while someone else moved it on is refused.
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=VnDateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What was done: e.g. the review conference, the article, the units replicating it."
        ),
    )


class LinksForm(forms.Form):
    movements = forms.TypedMultipleChoiceField(
        label=_("Movements"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The movements it grew from or serves (hold Ctrl to choose several)."),
    )
    records = forms.TypedMultipleChoiceField(
        label=_("Commendations"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, movements: Any = (), records: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["movements"].choices = [(m.pk, str(m)) for m in movements]  # type: ignore[attr-defined]
        self.fields["records"].choices = [  # type: ignore[attr-defined]
            (
                r.pk,
                f"{r.code} {r.year} — {r.decision.number} "
                f"({r.decision.date:%d/%m/%Y}, {r.decision.issuer.name})",
            )
            for r in records
        ]
