from django.urls import path

from movements import views

app_name = "movements"
urlpatterns = [
    path("", views.movement_list, name="movement-list"),
    path("new/", views.movement_create, name="movement-create"),
    path("<int:pk>/", views.movement_detail, name="movement-detail"),
    path("<int:pk>/edit/", views.movement_edit, name="movement-edit"),
    path("<int:pk>/participants/", views.movement_participants, name="movement-participants"),
    path("<int:pk>/reviews/new/", views.review_create, name="review-create"),
    path("reviews/<int:review_id>/document/", views.review_document, name="review-document"),
]
