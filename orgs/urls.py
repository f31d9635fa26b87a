from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="org-list"),
    path("new/", views.org_create, name="org-create"),
    path("<int:pk>/", views.org_detail, name="org-detail"),
    path("<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("<int:pk>/lineage/new/", views.lineage_create, name="lineage-create"),
]
