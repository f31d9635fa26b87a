"""Forms shared across apps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.audit_catalogue import OBJECT_TYPES
from core.widgets import VnDateInput


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action code"), required=False)
    actor = forms.CharField(label=_("User"), required=False)
    object_type = forms.ChoiceField(
        label=_("Object type"),
        required=False,
        choices=[("", _("All types")), *OBJECT_TYPES.items()],
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=VnDateInput(),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=VnDateInput(),
    )
