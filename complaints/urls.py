from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="complaint-list"),
    path("new/", views.complaint_create, name="complaint-create"),
    path("<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("<int:pk>/assign/", views.complaint_assign, name="complaint-assign"),
    path("<int:pk>/step/", views.complaint_step, name="complaint-step"),
    path("<int:pk>/extend/", views.complaint_extend, name="complaint-extend"),
    path("<int:pk>/resolve/", views.complaint_resolve, name="complaint-resolve"),
    path("<int:pk>/dismiss/", views.complaint_dismiss, name="complaint-dismiss"),
    path("from-comment/<int:pk>/", views.complaint_from_comment, name="complaint-from-comment"),
    # For the public, without sign-in: a dossier under public comment, while its window is open.
    path("public/<str:reference>/", views.public_intake, name="public-intake"),
    path("public/<str:reference>/received/", views.public_received, name="public-received"),
]
