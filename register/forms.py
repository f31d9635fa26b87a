from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import VnDateInput
from people.models import Category as PersonCategory
from people.models import Gender
from register import rules
from register.models import (
    Category,
    Discipline,
    Fund,
    InitiativeKind,
    Level,
    ParameterKey,
    RatingCode,
    Scope,
)

DATE_WIDGET = VnDateInput()


def _code_choices() -> list[tuple[str, Any]]:
    from register.models import Award

    return [("", _("All"))] + [(a.code, f"{a.code} · {a.name}") for a in Award.objects.all()]


def _year_field(label: Any, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=rules.MIN_YEAR, max_value=rules.MAX_YEAR
    )


class RecordFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    unit_code = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=40,
        help_text=_("Includes the units below it."),
    )
    code = forms.ChoiceField(label=_("Title or form"), required=False)
    year = _year_field(_("Year"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    subject = forms.ChoiceField(
        label=_("Recipient"),
        required=False,
        choices=[
            ("", _("All")),
            ("individual", _("Individuals")),
            ("collective", _("Collectives")),
        ],
    )
    person_category = forms.ChoiceField(
        label=_("Leader or worker"),
        required=False,
        choices=[("", _("All")), *PersonCategory.choices],
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("All")), *Gender.choices]
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"),
        required=False,
        choices=[("", _("All")), ("Kinh", "Kinh"), ("minority", _("Ethnic minorities"))],
    )
    revoked = forms.ChoiceField(
        label=_("Revoked"),
        required=False,
        choices=[("", _("All")), ("no", _("In force")), ("yes", _("Revoked"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _code_choices()  # type: ignore[attr-defined]

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"), max_length=60, help_text=_("e.g. 125/QĐ-UBND")
    )
    date = forms.DateField(label=_("Date signed"), widget=DATE_WIDGET)
    issuer_code = forms.CharField(label=_("Issuing authority (unit code)"), max_length=40)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    movement = forms.TypedChoiceField(
        label=_("Movement"), required=False, coerce=int, empty_value=None
    )
    fund = forms.ChoiceField(
        label=_("Source fund"),
        required=False,
        choices=[("", _("From the issuing authority")), *Fund.choices],
        help_text=_(
            "Empty: the central fund for central bodies, the ministry's or province's fund for "
            "theirs, the unit's fund otherwise."
        ),
    )
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    file = forms.FileField(
        label=_("Scanned decision"), required=False, help_text=_("PDF, JPG or PNG, at most 20 MB.")
    )

    def __init__(self, *args: Any, movements: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["movement"].choices = [("", "—")] + [(m.pk, str(m)) for m in movements]  # type: ignore[attr-defined]

    def clean_issuer_code(self) -> str:
        return self.cleaned_data["issuer_code"].strip().upper()

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class RecordAddForm(forms.Form):
    code = forms.ChoiceField(label=_("Title or form"))
    year = _year_field(_("Year of achievement"))
    person_name = forms.CharField(label=_("Individual's full name"), max_length=150, required=False)
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Tells apart people with the same name."),
    )
    unit_code = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        help_text=_("The individual's unit, or the collective itself."),
    )
    collective = forms.BooleanField(
        label=_("The recipient is the unit (a collective)"), required=False
    )
    amount = forms.IntegerField(
        label=_("Amount (VND)"),
        required=False,
        min_value=0,
        help_text=_("Empty: the catalogue's reward at the decision's date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _code_choices()[1:]  # type: ignore[attr-defined]

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("collective") and not (data.get("person_name") or "").strip():
            self.add_error(
                "person_name", _("Give the individual's name, or tick the collective box.")
            )
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    decision_number = forms.CharField(label=_("Revoking decision (number)"), max_length=60)
    decision_date = forms.DateField(label=_("Date of the revoking decision"), widget=DATE_WIDGET)


class EligibleFilterForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Title or form"),
        choices=[(t, f"{t} · {rules.NAMES[t]}") for t in rules.TARGETS],
    )
    year = _year_field(_("Year"))
    unit_code = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        required=False,
        help_text=_("Includes the units below it."),
    )

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()


class InitiativeForm(forms.Form):
    code = forms.CharField(label=_("Reference"), max_length=40, help_text=_("e.g. SK-2025-014"))
    title = forms.CharField(label=_("Title"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=InitiativeKind.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    recognised_by_code = forms.CharField(label=_("Recognised by (unit code)"), max_length=40)
    recognised_on = forms.DateField(label=_("Recognised on"), widget=DATE_WIDGET)
    authors = forms.CharField(
        label=_("Authors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One full name per line, as in the register, in units under the recognising body."
        ),
    )

    def clean_recognised_by_code(self) -> str:
        return self.cleaned_data["recognised_by_code"].strip().upper()


class InitiativeUseForm(forms.Form):
    code = forms.ChoiceField(label=_("Used as a criterion for"))
    year = _year_field(_("Year"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = _code_choices()[1:]  # type: ignore[attr-defined]


class RatingsFilterForm(forms.Form):
    unit_code = forms.CharField(label=_("Unit code"), max_length=40)
    year = _year_field(_("Year"))

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()


RATING_CHOICES = [("", "—"), *RatingCode.choices]
DISCIPLINE_CHOICES = Discipline.choices


class ParameterForm(forms.Form):
    org_code = forms.CharField(label=_("Ministry or province (unit code)"), max_length=40)
    key = forms.ChoiceField(label=_("Parameter"), choices=ParameterKey.choices)
    value = forms.DecimalField(
        label=_("Value (share)"),
        min_value=0,
        max_value=1,
        max_digits=6,
        decimal_places=4,
        help_text=_("For example 0.7 for 70%."),
    )
    valid_from = forms.DateField(label=_("In force from"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Legal basis or note"), max_length=255, required=False)

    def clean_org_code(self) -> str:
        return self.cleaned_data["org_code"].strip().upper()


class FundFilterForm(forms.Form):
    unit_code = forms.CharField(
        label=_("Recipient's unit (code)"),
        required=False,
        max_length=40,
        help_text=_("Includes the units below it."),
    )
    year_from = _year_field(_("Signed from (year)"), required=False)
    year_to = _year_field(_("Signed until (year)"), required=False)
    fund = forms.ChoiceField(
        label=_("Source fund"), required=False, choices=[("", _("All")), *Fund.choices]
    )

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", _("The last year comes before the first."))
        return data
