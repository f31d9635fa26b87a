"""Pages for the public, without sign-in: the candidates posted for comment."""

from django.urls import path

from dossiers import views_public

app_name = "public"
urlpatterns = [
    path("dossiers/", views_public.comment_list, name="comment-list"),
    path("dossiers/<str:reference>/", views_public.comment_detail, name="comment-detail"),
]
