"""Form widgets shared by every app."""

from django import forms


class VnDateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy whatever the browser's locale (ISO is accepted too)."""

    def __init__(self, attrs: dict | None = None) -> None:
        base = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": 12,
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")
