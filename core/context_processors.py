"""Navigation shown to a user: only the areas their roles reach."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.permissions import can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("home", _("Home"), reverse("core:home"), True),
        ("orgs", _("Organisations"), reverse("orgs:org-list"), can(user, "org.view")),
        ("people", _("People"), reverse("people:person-list"), can(user, "person.view")),
        (
            "clusters",
            _("Clusters and blocks"),
            reverse("clusters:cluster-list"),
            can(user, "cluster.view"),
        ),
        (
            "movements",
            _("Emulation movements"),
            reverse("movements:movement-list"),
            can(user, "movement.view"),
        ),
        ("votes", _("Votes"), reverse("votes:poll-list"), True),
        (
            "register",
            _("Commendations"),
            reverse("register:record-list"),
            can(user, "register.view"),
        ),
        (
            "dossiers",
            pgettext_lazy("nav", "Proposal dossiers"),
            reverse("dossiers:dossier-list"),
            can(user, "dossier.view"),
        ),
        (
            "complaints",
            _("Complaints"),
            reverse("complaints:complaint-list"),
            can(user, "complaint.handle"),
        ),
        (
            "exemplary",
            _("Exemplary models"),
            reverse("exemplary:model-list"),
            can(user, "exemplary.view"),
        ),
        ("stats", _("Statistics"), reverse("stats:unit"), can(user, "stats.view")),
        (
            "reports",
            _("Statistical report"),
            reverse("reports:statistics"),
            can(user, "stats.report"),
        ),
        (
            "documents",
            _("Document templates"),
            reverse("documents:kind-list"),
            can(user, "document.template"),
        ),
        (
            "imports",
            _("Excel import"),
            reverse("imports:job-list"),
            can(user, "org.import") or can(user, "person.import"),
        ),
        ("audit", _("Audit log"), reverse("core:audit-list"), can(user, "audit.view_all")),
    ]
    path = request.path
    return {
        "nav_items": [
            {
                "key": key,
                "label": label,
                "url": url,
                "current": (url == "/" and path == "/") or (url != "/" and path.startswith(url)),
            }
            for key, label, url, allowed in items
            if allowed
        ]
    }
