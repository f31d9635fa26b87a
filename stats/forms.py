"""The statistics pages' filters: a GET form, so a view of the figures can be shared as a link."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from register.models import Level
from stats.selectors import COLLECTIVE, INDIVIDUAL, AwardInfo

MIN_YEAR, MAX_YEAR = 1945, 2100


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)


class UnitStatsForm(forms.Form):
    """unit · from · to · level · code · subject · merged (the URL's parameters)."""

    unit = forms.CharField(label=_("Unit"), required=False, widget=forms.Select)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    code = forms.ChoiceField(label=_("Title or form"), required=False)
    subject = forms.ChoiceField(
        label=_("Recipients"),
        required=False,
        choices=[("", _("All")), (INDIVIDUAL, _("Individuals")), (COLLECTIVE, _("Collectives"))],
    )
    merged = forms.BooleanField(
        label=_("With the units merged into it"),
        required=False,
        help_text=_("e.g. the former Bắc Kạn's units in Thái Nguyên's figures (2025 mergers)"),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        catalogue: Sequence[AwardInfo] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.levels = {a.code: a.level for a in catalogue}
        self.unit_options: list[tuple[str, str]] = []
        # "from" and "to" are the URL's names; Python keywords, so the fields are added here.
        fields = list(self.fields.items())
        self.fields = {}  # type: ignore[assignment]
        for name, field in fields:
            self.fields[name] = field
            if name == "unit":
                self.fields["from"] = _year(_("From (year)"))
                self.fields["to"] = _year(_("To (year)"))
        self.fields["code"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *((a.code, f"{a.name} ({a.code})") for a in catalogue),
        ]

    def set_units(self, options: Sequence[tuple[str, str]]) -> None:
        """The units offered (the template writes them; see stats/unit_filters.html)."""
        self.unit_options = list(options)

    @property
    def unit_value(self) -> str:
        return str(self.data.get("unit", "")) if self.is_bound else ""

    def clean_unit(self) -> int | None:
        value = (self.cleaned_data.get("unit") or "").strip()
        if not value:
            return None
        if not value.isdigit() or len(value) > 18:
            raise forms.ValidationError(_("Choose a unit from the list."))
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start is not None and end is not None and start > end:
            self.add_error("to", _("The last year comes before the first."))
        level, code = data.get("level"), data.get("code")
        if level and code and self._level_of(code) != level:
            self.add_error("code", _("This title or form is not of the level chosen."))
        return data

    def _level_of(self, code: str) -> str | None:
        return self.levels.get(code)


class FairnessForm(UnitStatsForm):
    """The unit dashboard's filters, and how to group the units."""

    group = forms.ChoiceField(
        label=_("Units compared"),
        required=False,
        choices=[
            ("children", _("Its sub-units (with the units below them)")),
            ("units", _("Every unit on its own")),
        ],
    )
