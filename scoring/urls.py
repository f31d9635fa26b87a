from django.urls import path

from scoring import sheet_views, views

app_name = "scoring"
urlpatterns = [
    path("<int:pk>/years/<int:year>/", views.table_page, name="table"),
    path("<int:pk>/years/<int:year>/start/", views.table_start, name="table-start"),
    path("tables/<int:table_id>/edit/", views.table_edit, name="table-edit"),
    path("tables/<int:table_id>/publish/", views.table_publish, name="table-publish"),
    path("tables/<int:table_id>/lock/", views.table_lock, name="table-lock"),
    path("tables/<int:table_id>/due/", views.table_due, name="table-due"),
    path("tables/<int:table_id>/amend/", views.table_amend, name="table-amend"),
    path("tables/<int:table_id>/xlsx/", views.table_xlsx, name="table-xlsx"),
    path("tables/<int:table_id>/preview/", views.table_preview, name="table-preview"),
]
urlpatterns += [
    path(
        "<int:pk>/years/<int:year>/sheets/<int:org_id>/",
        sheet_views.sheet_page,
        name="sheet",
    ),
    path("sheets/<int:sheet_id>/save/", sheet_views.sheet_save, name="sheet-save"),
    path("sheets/<int:sheet_id>/evidence/", sheet_views.sheet_evidence, name="sheet-evidence"),
    path("sheets/<int:sheet_id>/submit/", sheet_views.sheet_submit, name="sheet-submit"),
    path("evidence/<int:evidence_id>/", sheet_views.evidence_file, name="evidence-file"),
    path("sheets/<int:sheet_id>/review/", sheet_views.sheet_review, name="sheet-review"),
    path("sheets/<int:sheet_id>/explain/", sheet_views.sheet_explain, name="sheet-explain"),
    path("sheets/<int:sheet_id>/step/", sheet_views.sheet_step, name="sheet-step"),
    path("tables/<int:table_id>/crosscheck/", sheet_views.crosscheck_page, name="crosscheck"),
    path("tables/<int:table_id>/results/", sheet_views.results_page, name="results"),
]
