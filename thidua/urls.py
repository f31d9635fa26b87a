"""URL map: one include per app; the REST API under /api/v1."""

from django.contrib import admin
from django.urls import include, path

from thidua.api import api

# The admin is for system administrators (superusers) only; everyone else uses the application.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser  # type: ignore[method-assign]

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("people/", include("people.urls")),
    path("imports/", include("imports.urls")),
    path("clusters/", include("clusters.urls")),
    path("movements/", include("movements.urls")),
    path("scoring/", include("scoring.urls")),
    path("votes/", include("votes.urls")),
    path("register/", include("register.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("complaints/", include("complaints.urls")),
    path("exemplary/", include("exemplary.urls")),
    path("stats/", include("stats.urls")),
    path("reports/", include("reports.urls")),
    path("documents/", include("documents.urls")),
    path("certificates/", include("certificates.urls")),
    # The public checks a printed certificate by its code, without sign-in.
    path("verify/", include("certificates.urls_public")),
    # Pages for the public, without sign-in: candidates under public comment.
    path("public/", include("dossiers.urls_public")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
