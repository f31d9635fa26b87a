"""Forms of the dossier pages: they check the input's shape; the services check the rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.widgets import VnDateInput
from dossiers import rules
from dossiers.models import DocumentKind, DossierStatus, Handling
from orgs.models import Org
from register.models import Level

DATE_WIDGET = VnDateInput()
MIN_YEAR, MAX_YEAR = 1945, 2100


def _award_choices() -> list[tuple[str, str]]:
    from register.models import Award

    return [(a.code, f"{a.code} · {a.name}") for a in Award.objects.all()]


def _code(value: str) -> str:
    return (value or "").strip().upper()


class DossierFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or title"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DossierStatus.choices]
    )
    code = forms.ChoiceField(label=_("Title or form"), required=False)
    year = forms.IntegerField(
        label=_("Year of achievement"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("All")), *_award_choices()]  # type: ignore[attr-defined]


class DossierForm(forms.Form):
    """A new dossier: who proposes, to whom, which title or form, for which year."""

    proposer = forms.CharField(
        label=_("Proposing unit (code)"),
        max_length=40,
        help_text=_("A unit you prepare dossiers for."),
        widget=forms.TextInput(attrs={"list": "proposer-options", "autocomplete": "off"}),
    )
    receiver = forms.CharField(
        label=_("Sent to (unit code)"),
        max_length=40,
        help_text=_("The level that appraises the dossier: any unit in operation."),
    )
    level = forms.ChoiceField(label=_("Level it goes to"), choices=Level.choices)
    code = forms.ChoiceField(label=_("Title or form proposed"))
    year = forms.IntegerField(
        label=_("Year of achievement"), min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Empty: “Đề nghị <title or form> năm <year>”."),
    )
    summary = forms.CharField(
        label=_("Summary of the proposal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cluster_year = forms.TypedChoiceField(
        label=_("Cluster result it comes from"), required=False, coerce=int, empty_value=None
    )
    poll = forms.TypedChoiceField(
        label=_("Supporting vote (published)"), required=False, coerce=int, empty_value=None
    )
    vote_note = forms.CharField(
        label=_("Paper vote (result as recorded)"),
        max_length=300,
        required=False,
        help_text=_("For a vote held on paper: the result, e.g. '7/7 votes in favour'."),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        cluster_years: Iterable[Any] = (),
        polls: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].choices = _award_choices()  # type: ignore[attr-defined]
        self.fields["cluster_year"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.pk, str(c)) for c in cluster_years
        ]
        self.fields["poll"].choices = [("", "—")] + [(p.pk, str(p)) for p in polls]  # type: ignore[attr-defined]

    def clean_proposer(self) -> Org:
        code = _code(self.cleaned_data["proposer"])
        org = permissions.visible_orgs(self.user, "dossier.prepare").filter(code=code).first()
        if org is None:
            raise forms.ValidationError(
                _("You do not prepare dossiers for a unit with the code %(c)s.") % {"c": code}
            )
        if org.valid_to is not None and org.valid_to < timezone.localdate():
            # A unit merged or dissolved proposes nothing: its successor does.
            raise forms.ValidationError(_("%(u)s no longer exists.") % {"u": org.name})
        return org

    def clean_receiver(self) -> Org:
        code = _code(self.cleaned_data["receiver"])
        org = Org.objects.filter(code=code, valid_to__isnull=True).first()
        if org is None:
            raise forms.ValidationError(_("No unit in operation has the code %(c)s.") % {"c": code})
        return org


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to return or reject the dossier."),
    )


class ForwardForm(forms.Form):
    receiver = forms.CharField(label=_("Forward to (unit code)"), max_length=40)
    level = forms.ChoiceField(label=_("Level"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, levels: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(Level.choices)
        self.fields["level"].choices = [(lv, names[lv]) for lv in levels]  # type: ignore[attr-defined]

    def clean_receiver(self) -> Org:
        code = _code(self.cleaned_data["receiver"])
        org = Org.objects.filter(code=code, valid_to__isnull=True).first()
        if org is None:
            raise forms.ValidationError(_("No unit in operation has the code %(c)s.") % {"c": code})
        return org


class DecideForm(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"), max_length=60, help_text=_("e.g. 125/QĐ-UBND")
    )
    date = forms.DateField(label=_("Date signed"), widget=DATE_WIDGET)
    signer = forms.CharField(label=_("Signed by"), max_length=150, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150, required=False)
    file = forms.FileField(
        label=_("Scanned decision"), required=False, help_text=_("PDF, JPG or PNG, at most 20 MB.")
    )
    approved = forms.TypedMultipleChoiceField(
        label=_("Awarded"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick those the decision does not award."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, recipients: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved"].choices = [(r.pk, r.name) for r in recipients]  # type: ignore[attr-defined]
        self.fields["approved"].initial = [r.pk for r in recipients]

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class CouncilPollForm(forms.Form):
    poll = forms.TypedChoiceField(label=_("Council vote (published)"), coerce=int)

    def __init__(self, *args: Any, polls: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["poll"].choices = [(p.pk, str(p)) for p in polls]  # type: ignore[attr-defined]


class RecipientForm(forms.Form):
    """A recipient's achievement report (báo cáo thành tích) and the initiatives relied on."""

    duties = forms.CharField(
        label=_("Duties and circumstances"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    achievements = forms.CharField(
        label=_("Achievements"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    public_summary = forms.CharField(
        label=_("Summary of achievements (published for comment)"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the public page shows, if the candidates are posted for comment."),
    )
    initiatives = forms.TypedMultipleChoiceField(
        label=_("Initiatives relied on"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Initiatives the person authored; each serves as a criterion only once."),
    )

    def __init__(self, *args: Any, initiatives: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].choices = [  # type: ignore[attr-defined]
            (i.pk, f"{i.code}: {i.title} ({i.get_scope_display()})") for i in initiatives
        ]
        if not self.fields["initiatives"].choices:  # type: ignore[attr-defined]
            del self.fields["initiatives"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    recipient = forms.TypedChoiceField(
        label=_("For the recipient"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Achievement reports and initiative certificates belong to a recipient."),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, DOCX, ODT, JPG or PNG, at most 20 MB.")
    )

    def __init__(self, *args: Any, recipients: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", _("The dossier as a whole"))] + [  # type: ignore[attr-defined]
            (r.pk, r.name) for r in recipients
        ]


class CommentHandleForm(forms.Form):
    handling = forms.ChoiceField(label=_("Handling"), choices=Handling.choices)
    note = forms.CharField(
        label=_("How it was handled"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HolidayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    name = forms.CharField(label=_("Name"), max_length=150)
    working = forms.BooleanField(
        label=_("Working day"),
        required=False,
        help_text=_("Tick for a Saturday or Sunday that is worked to make up for a holiday."),
    )
    note = forms.CharField(label=_("Source or note"), max_length=255, required=False)


class LevelRuleForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    appraisal_days = forms.IntegerField(
        label=_("Appraisal time limit (working days)"), min_value=0, max_value=10_000
    )
    public_comment = forms.BooleanField(label=_("Public comment required"), required=False)
    comment_days = forms.IntegerField(
        label=_("Public comment window (working days)"), min_value=0, max_value=10_000
    )
    legal_basis = forms.CharField(label=_("Legal basis or note"), max_length=255, required=False)


class PublicCommentForm(forms.Form):
    """Ý kiến of the public. `website` is a trap for robots (hidden from people); `token` is a
    signed time stamp: a form sent too fast or too late is refused."""

    author_name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    contact = forms.CharField(
        label=_("Phone or e-mail (optional)"),
        max_length=150,
        required=False,
        help_text=_("Seen only by the officers who handle the comment, never published."),
    )
    recipient = forms.TypedChoiceField(
        label=_("About the candidate (optional)"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, candidates: Sequence[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            ("", _("The dossier as a whole")),
            *candidates,
        ]


def forward_levels(dossier_level: str, award_level: str) -> list[str]:
    """The levels above the dossier's, up to the one that decides the award."""
    low, high = rules.level_index(dossier_level), rules.level_index(award_level)
    return [lv for lv in rules.LEVELS if low < rules.level_index(lv) <= high]
