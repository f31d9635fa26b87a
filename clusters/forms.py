from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterKind, MeetingKind, PeriodKind
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


class YearHeadMixin(forms.Form):
    head_code = forms.CharField(
        label=_("Head unit (code)"),
        max_length=40,
        required=False,
        help_text=_("Empty: the rotation's proposal. Give the unit elected at the conference."),
    )
    deputy_code = forms.CharField(label=_("Deputy unit (code)"), max_length=40, required=False)


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


class OutcomesForm(forms.Form):
    leaders = forms.IntegerField(
        label=_("Leading units proposed for a flag"), min_value=0, max_value=20
    )
    runners_up = forms.IntegerField(
        label=_("Runners-up proposed for a certificate of merit"), min_value=0, max_value=20
    )


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
    attendee_people = forms.CharField(
        label=_("Attending people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One person per line: full name; unit code (e.g. Nguyễn Văn An; 06.SNV). "
            "The person must be in the register, in a member unit."
        ),
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


class CovenantForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        help_text=_("e.g. Giao ước thi đua năm 2017 của Cụm thi đua 7 tỉnh miền núi biên giới"),
    )
    text = forms.CharField(
        label=_("Covenant text"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One criterion per line."),
    )
    registration_due = forms.DateField(
        label=_("Registrations due"), required=False, widget=VnDateInput()
    )
    signing_meeting = forms.TypedChoiceField(
        label=_("Signing conference"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, meetings=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["signing_meeting"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(m.pk, f"{m.get_kind_display()} {m.date:%d/%m/%Y}") for m in meetings],
        ]


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=VnDateInput())
    scan = forms.FileField(
        label=_("Signed covenant (PDF, JPG or PNG scan)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    signing_meeting = forms.TypedChoiceField(
        label=_("Signing conference"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, meetings=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["signing_meeting"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(m.pk, f"{m.get_kind_display()} {m.date:%d/%m/%Y}") for m in meetings],
        ]


class TargetForm(forms.Form):
    name = forms.CharField(label=_("Target"), max_length=300, required=False)
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=60,
        required=False,
        help_text=_("e.g. tỷ đồng, %, công trình"),
    )
    value = forms.CharField(
        label=_("Target value"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=VnDateInput())

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(k) for k in ("name", "measure", "value", "deadline"))


TargetFormSet = forms.formset_factory(TargetForm, extra=2, max_num=50, absolute_max=60)


class RegistrationForm(forms.Form):
    titles = forms.MultipleChoiceField(
        label=_("Titles and forms striven for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from core.codes import COLLECTIVE_CODES, code_name

        self.fields["titles"].choices = [(c, code_name(c)) for c in COLLECTIVE_CODES]  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of period"), choices=PeriodKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. Quý I/2017"))
    start = forms.DateField(label=_("Start"), widget=VnDateInput())
    end = forms.DateField(label=_("End"), widget=VnDateInput())
    due = forms.DateField(label=_("Due date"), widget=VnDateInput())


class ExtensionForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Reporting period"), coerce=int)
    org = forms.TypedChoiceField(label=_("Member unit"), coerce=int)
    due = forms.DateField(label=_("New due date"), widget=VnDateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, periods=(), members=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.pk, p.name) for p in periods]  # type: ignore[attr-defined]
        self.fields["org"].choices = [(m.org_id, m.org.name) for m in members]  # type: ignore[attr-defined]


class SubmissionForm(forms.Form):
    file = forms.FileField(
        label=_("Report file (PDF, DOCX, ODT, XLSX or ODS)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.xlsx,.ods"}),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, targets=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"actual_{target.pk}"] = forms.CharField(
                label=f"{target.name} ({target.measure})",
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=_("Target: %(v)s") % {"v": number_format(target.value.normalize())},
            )

    def actuals(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data.get(f"actual_{t.pk}", "") for t in self.targets}


class YearOpenWithHeadForm(YearOpenForm, YearHeadMixin):
    """Open a year; the head and deputy default to the rotation's proposal."""
