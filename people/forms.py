from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import VnDateInput
from people.models import Category, Gender

DATE_WIDGET = VnDateInput()


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_year = forms.IntegerField(
        label=_("Birth year"), required=False, min_value=1900, max_value=2100
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=50, required=False, initial="Kinh")
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, initial=Category.STAFF
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=False,
        help_text=_("12 digits; shown only to the officers of the person's unit."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class PersonCreateForm(PersonForm):
    unit_code = forms.CharField(label=_("Unit code"), max_length=40)
    start_date = forms.DateField(label=_("Posting start date"), required=False, widget=DATE_WIDGET)

    field_order = [
        "full_name",
        "gender",
        "birth_year",
        "ethnicity",
        "unit_code",
        "position",
        "category",
        "start_date",
        "id_number",
        "note",
    ]

    def clean_unit_code(self) -> str:
        return self.cleaned_data["unit_code"].strip().upper()


class TransferForm(forms.Form):
    to_unit_code = forms.CharField(label=_("New unit code"), max_length=40)
    start_date = forms.DateField(label=_("Start date in the new unit"), widget=DATE_WIDGET)
    position = forms.CharField(label=_("New position"), max_length=150, required=False)
    decision = forms.CharField(
        label=_("Decision"), max_length=120, required=False, help_text=_("e.g. 125/QĐ-UBND")
    )

    def clean_to_unit_code(self) -> str:
        return self.cleaned_data["to_unit_code"].strip().upper()
