"""Forms of the document template pages; the services check the file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    org_code = forms.CharField(
        label=_("For the unit (code)"),
        max_length=40,
        help_text=_("The template serves this unit and the units below it that have none."),
    )
    file = forms.FileField(
        label=_("Template (DOCX)"),
        help_text=_(
            "A Word document with the tags of this kind of document, such as {{ year }}; "
            "at most 5 MB."
        ),
    )

    def clean_org_code(self) -> str:
        return (self.cleaned_data["org_code"] or "").strip().upper()
