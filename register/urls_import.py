"""URLs of the Excel import of a decision's recipient list (see register.views_import)."""

from django.urls import path

from register import views_import

urlpatterns: list = [
    path("decisions/<int:pk>/import/", views_import.import_start, name="import-start"),
    path("decisions/import/template.xlsx", views_import.import_template, name="import-template"),
    path("decisions/imports/<int:pk>/", views_import.import_detail, name="import-detail"),
    path("decisions/imports/<int:pk>/review/", views_import.import_review, name="import-review"),
    path("decisions/imports/<int:pk>/apply/", views_import.import_apply, name="import-apply"),
]
