from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("templates/", views.templates, name="templates"),
    path("templates/placeholders/", views.placeholders, name="placeholders"),
    path("templates/builtin.xlsx", views.template_builtin, name="template-builtin"),
    path("templates/<int:pk>/file/", views.template_file, name="template-file"),
    path("templates/<int:pk>/activate/", views.template_activate, name="template-activate"),
    path(
        "templates/units/<int:org_id>/deactivate/",
        views.template_deactivate,
        name="template-deactivate",
    ),
    path(
        "clusters/<int:pk>/<int:year>/tong-ket.docx",
        views.cluster_yearend,
        {"fmt": "docx"},
        name="cluster-yearend",
    ),
    path(
        "clusters/<int:pk>/<int:year>/tong-ket.pdf",
        views.cluster_yearend,
        {"fmt": "pdf"},
        name="cluster-yearend-pdf",
    ),
]
