from django.urls import path

from exemplary import views

app_name = "exemplary"
urlpatterns = [
    path("", views.model_list, name="model-list"),
    path("new/", views.model_create, name="model-create"),
    path("<int:pk>/", views.model_detail, name="model-detail"),
    path("<int:pk>/edit/", views.model_edit, name="model-edit"),
    path("<int:pk>/advance/", views.model_advance, name="model-advance"),
    path("<int:pk>/links/", views.model_links, name="model-links"),
]
