from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import VnDateInput
from orgs.models import LineageKind, OrgArea, OrgKind

DATE_WIDGET = VnDateInput()


class OrgForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    parent_code = forms.CharField(
        label=_("Parent unit code"),
        max_length=40,
        required=False,
        help_text=_("The code of the unit this one belongs to; empty for a top-level unit."),
    )
    aliases = forms.CharField(
        label=_("Other names"),
        max_length=255,
        required=False,
        help_text=_("Former or informal names, separated by semicolons; search finds them too."),
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    area = forms.ChoiceField(
        label=_("Area"),
        choices=OrgArea.choices,
        required=False,
        help_text=_(
            "Remote, border or island area; the units below it are counted in it too (statistics)."
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE_WIDGET)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE_WIDGET)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_parent_code(self) -> str:
        return self.cleaned_data["parent_code"].strip().upper()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error("valid_to", _("The end date is before the start date."))
        return data


class LineageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=LineageKind.choices)
    successor_code = forms.CharField(
        label=_("Successor unit code"),
        max_length=40,
        required=False,
        help_text=_("Leave empty when the unit is dissolved."),
    )
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=255,
        required=False,
        help_text=_("e.g. Nghị quyết 202/2025/QH15"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_successor_code(self) -> str:
        return self.cleaned_data["successor_code"].strip().upper()
