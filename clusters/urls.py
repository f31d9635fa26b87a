from django.urls import path

from clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="cluster-list"),
    path("new/", views.cluster_create, name="cluster-create"),
    path("<int:pk>/", views.cluster_detail, name="cluster-detail"),
    path("<int:pk>/years/new/", views.year_open, name="year-open"),
    path("<int:pk>/years/<int:year>/", views.year_detail, name="year-detail"),
    path("<int:pk>/years/<int:year>/members/", views.year_members, name="year-members"),
    path("<int:pk>/years/<int:year>/head/", views.year_head, name="year-head"),
    path("<int:pk>/years/<int:year>/flag/", views.year_flag, name="year-flag"),
    path("<int:pk>/years/<int:year>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
]
