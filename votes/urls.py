from django.urls import path

from votes import views

app_name = "votes"
urlpatterns = [
    path("", views.poll_list, name="poll-list"),
    path("new/", views.poll_create, name="poll-create"),
    path("<int:poll_id>/", views.poll_page, name="poll"),
    path("<int:poll_id>/count/", views.poll_count, name="poll-count"),
    path("<int:poll_id>/step/", views.poll_step, name="poll-step"),
    path("<int:poll_id>/ballot/", views.ballot_page, name="ballot"),
    path("<int:poll_id>/paper/", views.paper_page, name="paper"),
    path("<int:poll_id>/minutes.<str:fmt>", views.minutes_file, name="minutes"),
]
