from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("template/<str:kind>.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
]
