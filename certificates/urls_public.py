from django.urls import path

from certificates import views_public

app_name = "verify"
urlpatterns = [
    path("", views_public.verify_form, name="form"),
    path("<str:code>/", views_public.verify_code, name="code"),
]
