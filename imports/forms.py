from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "Use the template; at most 10 MB. Any error rejects the whole file and changes nothing."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
