from django.urls import path

from core import health, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("audit/", views.audit_global, name="audit-list"),
    path("audit/<str:object_type>/<int:object_id>/", views.audit_object, name="audit-object"),
]
