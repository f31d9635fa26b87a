"""Forms of the movement pages; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import VnDateInput
from movements.models import MovementKind, MovementScope, ReviewKind


class MovementForm(forms.Form):
    launched_by_code = forms.CharField(
        label=_("Launched by (unit code)"),
        max_length=40,
        help_text=_("e.g. TW-HDTDKT for the Central Council, or a province's code"),
    )
    name = forms.CharField(
        label=_("Name of the movement"),
        max_length=255,
        help_text=_("e.g. Cả nước chung sức xây dựng nông thôn mới"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=MovementKind.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=MovementScope.choices)
    start = forms.DateField(label=_("Start"), widget=VnDateInput())
    end = forms.DateField(label=_("End"), required=False, widget=VnDateInput())
    decision_number = forms.CharField(
        label=_("Launching document number"),
        max_length=120,
        required=False,
        help_text=_("e.g. 12/QĐ-HĐTĐKT"),
    )
    decision_date = forms.DateField(
        label=_("Launching document date"), required=False, widget=VnDateInput()
    )
    slogan = forms.CharField(label=_("Slogan"), max_length=255, required=False)
    theme = forms.CharField(label=_("Theme or sector"), max_length=255, required=False)
    target_groups = forms.CharField(
        label=_("Target groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Whom it addresses, e.g. cán bộ, công chức; nông dân"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ParticipantsForm(forms.Form):
    cluster_codes = forms.CharField(
        label=_("Clusters and blocks taking part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One cluster code per line."),
    )
    unit_codes = forms.CharField(
        label=_("Units taking part"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One unit code per line."),
    )


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewKind.choices)
    date = forms.DateField(label=_("Date"), widget=VnDateInput())
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcomes = forms.CharField(
        label=_("Outcomes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. 15 tập thể được khen thưởng"),
    )
    collectives_commended = forms.IntegerField(
        label=_("Collectives commended"), required=False, min_value=0
    )
    individuals_commended = forms.IntegerField(
        label=_("Individuals commended"), required=False, min_value=0
    )
    document = forms.FileField(
        label=_("Document (PDF, DOCX or ODT)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
