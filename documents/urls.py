from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.kind_list, name="kind-list"),
    path("kinds/<slug:kind>/", views.kind_detail, name="kind-detail"),
    path("kinds/<slug:kind>/sample.<str:fmt>", views.kind_sample, name="kind-sample"),
    path("kinds/<slug:kind>/starter.docx", views.kind_starter, name="kind-starter"),
    path("templates/<int:pk>/", views.template_download, name="template-download"),
    path("templates/<int:pk>/preview.<str:fmt>", views.template_preview, name="template-preview"),
    path("templates/<int:pk>/remove/", views.template_remove, name="template-remove"),
]
