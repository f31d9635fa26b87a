"""The public form where a printed code is typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates import rules


class VerifyForm(forms.Form):
    """Mã xác thực as typed from the paper: case, spaces and dashes do not matter."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed under the QR code, e.g. TD-7K3M-9QXA-2F8B."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )

    def clean_code(self) -> str:
        code = rules.normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "A verification code has 12 letters and digits after TD, "
                    "e.g. TD-7K3M-9QXA-2F8B. Check what you typed."
                )
            )
        return code
