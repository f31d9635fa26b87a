from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("<int:pk>/years/<int:year>/", views.table_page, name="table"),
    path("<int:pk>/years/<int:year>/start/", views.table_start, name="table-start"),
    path("tables/<int:table_id>/edit/", views.table_edit, name="table-edit"),
    path("tables/<int:table_id>/publish/", views.table_publish, name="table-publish"),
    path("tables/<int:table_id>/lock/", views.table_lock, name="table-lock"),
    path("tables/<int:table_id>/amend/", views.table_amend, name="table-amend"),
    path("tables/<int:table_id>/xlsx/", views.table_xlsx, name="table-xlsx"),
    path("tables/<int:table_id>/preview/", views.table_preview, name="table-preview"),
]
