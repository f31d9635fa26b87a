"""Pages for the public, without sign-in: the candidates posted for comment (lấy ý kiến nhân dân)
and the comment form.

Only what the public must see leaves the database: each candidate's name, unit, the summary of
achievements written for publication, the title or form proposed and the closing date. Robots are
kept out without outside services: a field people never see must stay empty, the form carries a
signed time stamp (sent after at least 3 seconds, at most 2 hours), and the services limit how many
comments one connection may send.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.clients import client_address
from core.errors import DomainError
from core.listing import paginate
from dossiers import forms, rules, selectors, services
from dossiers.models import Dossier, DossierRecipient, DossierStatus
from register import catalogue

TOKEN_SALT = "dossiers.public-comment"  # noqa: S105 - a namespace for signing, not a secret
MIN_SECONDS = 3
MAX_SECONDS = 2 * 3600


def comment_token(dossier_pk: int, issued: float | None = None) -> str:
    """The signed time stamp a comment form carries."""
    return signing.dumps(
        {"d": dossier_pk, "t": time.time() if issued is None else issued}, salt=TOKEN_SALT
    )


def token_problem(token: str, dossier_pk: int, now: float) -> str | None:
    """Why a form's time stamp is refused, or None when it is fine."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("d") != dossier_pk:
        return _("The form could not be checked; please send your comment again.")
    age = now - float(data.get("t", 0))
    if age < MIN_SECONDS:
        return _("That was very fast: please read your comment again, then send it.")
    if age > MAX_SECONDS:
        return _("The form was open for too long; please send your comment again.")
    return None


def candidates(dossiers: Iterable[Dossier]) -> dict[int, list[dict[str, Any]]]:
    """What the public sees of each dossier's candidates, and nothing more."""
    rows = (
        DossierRecipient.objects.filter(dossier__in=list(dossiers), removed_at__isnull=True)
        .select_related("person__unit", "org")
        .order_by("rank", "pk")
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r.dossier_id, []).append(
            {
                "id": r.pk,
                "name": r.name,
                "unit": r.person.unit.name if r.person is not None else "",
                "summary": r.public_summary,
            }
        )
    return out


def comment_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = paginate(request, selectors.public_dossiers(today), per_page=20)
    names = catalogue.award_names()
    people = candidates(page)
    return render(
        request,
        "dossiers/public_list.html",
        {
            "page": page,
            "items": [
                {"dossier": d, "award": names.get(d.code, d.code), "candidates": people.get(d.pk)}
                for d in page
            ],
            "base_query": "",
        },
    )


def _complaint_url(dossier: Dossier) -> str | None:
    try:
        return reverse("complaints:public-intake", kwargs={"reference": dossier.reference})
    except NoReverseMatch:  # the complaints pages are not installed
        return None


def comment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    today = timezone.localdate()
    dossier = (
        Dossier.objects.select_related("receiver")
        .filter(reference=reference, status=DossierStatus.PUBLIC_COMMENT)
        .first()
    )
    if dossier is None or dossier.comment_opens is None or today < dossier.comment_opens:
        raise Http404
    context: dict[str, Any] = {
        "dossier": dossier,
        "award": catalogue.award_names().get(dossier.code, dossier.code),
        "complaint_url": _complaint_url(dossier),
    }
    if not rules.comment_window_open(today, dossier.comment_opens, dossier.comment_closes):
        return render(request, "dossiers/public_closed.html", context, status=410)
    people = candidates([dossier]).get(dossier.pk, [])
    form = forms.PublicCommentForm(
        request.POST or None,
        candidates=[(c["id"], c["name"]) for c in people],
        initial={"token": comment_token(dossier.pk)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problem = (
            _("Your comment could not be accepted.")
            if data["website"]
            else token_problem(data["token"], dossier.pk, time.time())
        )
        if problem:
            form.add_error(None, problem)
        else:
            try:
                services.comment_receive(
                    dossier=dossier,
                    text=data["text"],
                    source=services.source_key(client_address(request)),
                    author_name=data["author_name"],
                    contact=data["contact"],
                    recipient_id=data["recipient"],
                )
                messages.success(
                    request,
                    _(
                        "Thank you: your comment is received. The officers appraising the "
                        "dossier will consider it."
                    ),
                )
                return redirect("public:comment-detail", reference=dossier.reference)
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
    if form.is_bound:
        # A form sent back carries a fresh time stamp.
        data = request.POST.copy()
        data["token"] = comment_token(dossier.pk)
        form.data = data
    context.update(candidates=people, form=form)
    return render(request, "dossiers/public_detail.html", context)
