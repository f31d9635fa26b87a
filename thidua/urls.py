"""URL map: one include per app; the REST API under /api/v1."""

from django.contrib import admin
from django.urls import include, path

from thidua.api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("people/", include("people.urls")),
    path("imports/", include("imports.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
