from django.urls import path

from stats import views

urlpatterns = [
    path("", views.unit_view, name="unit"),
    path("fairness/", views.fairness_view, name="fairness"),
]
