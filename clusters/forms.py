from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterKind, MeetingKind
from core.widgets import VnDateInput

CODES_HELP = _("One unit code per line, in the order of the head's rotation.")


def parse_codes(text: str) -> list[str]:
    """Unit codes typed one per line (or separated by commas), upper-cased, blanks dropped."""
    return [c.strip().upper() for c in text.replace(",", "\n").splitlines() if c.strip()]


class ClusterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClusterKind.choices)
    organiser_code = forms.CharField(
        label=_("Organising council (unit code)"),
        max_length=40,
        help_text=_("e.g. TW-HDTDKT for the Central Council, or a province's code"),
    )
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=VnDateInput())
    uses_rotating_flag = forms.BooleanField(label=_("Uses a rotating flag"), required=False)


class YearOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    member_codes = forms.CharField(
        label=_("Member units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Required for the first year. For a later year, leave empty to copy last year's "
            "members, or list the new year's members one code per line."
        ),
    )


class MembersForm(forms.Form):
    member_codes = forms.CharField(
        label=_("Member units"), widget=forms.Textarea(attrs={"rows": 8}), help_text=CODES_HELP
    )


class HeadForm(forms.Form):
    head = forms.TypedChoiceField(label=_("Head unit (cụm trưởng)"), coerce=int)
    deputy = forms.TypedChoiceField(
        label=_("Deputy unit (cụm phó)"), coerce=int, required=False, empty_value=None
    )
    decision = forms.CharField(
        label=_("Appointing decision"), max_length=120, help_text=_("e.g. 12/QĐ-HĐTĐKT")
    )
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=VnDateInput())

    def __init__(self, *args, members=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [(m.org_id, m.org.name) for m in members]
        self.fields["head"].choices = choices  # type: ignore[attr-defined]
        self.fields["deputy"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


class FlagForm(forms.Form):
    day = forms.DateField(label=_("Handover date"), widget=VnDateInput())
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=VnDateInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    host = forms.TypedChoiceField(
        label=_("Host unit"), coerce=int, required=False, empty_value=None
    )
    attendee_codes = forms.CharField(
        label=_("Attending units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One unit code per line; empty when all members attended."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label=_("Decisions taken"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, members=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [("", "—"), *[(m.org_id, m.org.name) for m in members]]  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.FileField(
        label=_("Minutes (PDF, DOCX or ODT)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
