"""Forms of the reports pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Org
from reports import rules

BASIS_CHOICES = [
    (rules.PERIOD_STATISTICAL, _("Statistical year: 1 December of the year before to 30 November")),
    (rules.PERIOD_CALENDAR, _("Calendar year: 1 January to 31 December")),
]


def unit_choices(units: Sequence[Org]) -> list[tuple[int, str]]:
    """The units as options, those under a listed unit marked with a dash."""
    listed = {u.pk for u in units}
    return [(u.pk, f"— {u.name}" if u.parent_id in listed else u.name) for u in units]


class StatisticsForm(forms.Form):
    """Which unit, year and period the statistical report is for (a GET form)."""

    unit = forms.IntegerField(
        label=_("Reporting unit"),
        widget=forms.Select(),
        help_text=_("With the units below it."),
    )
    year = forms.IntegerField(label=_("Year"))
    period = forms.ChoiceField(
        label=_("Period"), choices=BASIS_CHOICES, initial=rules.PERIOD_STATISTICAL
    )
    signer = forms.CharField(
        label=_("Head of the unit (signs the report)"),
        required=False,
        max_length=150,
        help_text=_("Optional: written under the signature in the Excel file."),
    )

    def __init__(self, *args: Any, units: Sequence[Org] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.IntegerField(
            label=_("Year"), min_value=1990, max_value=timezone.localdate().year + 1
        )
        self.fields["unit"].widget.choices = unit_choices(units)

    def clean_signer(self) -> str:
        return " ".join(self.cleaned_data["signer"].split())


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Template (.xlsx)"),
        help_text=_("The built-in template or an earlier one, adjusted in Excel; at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=255)
