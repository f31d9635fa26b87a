from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("decisions/<int:pk>/", views.decision_certificates, name="decision"),
    path("decisions/<int:pk>/print.pdf", views.print_pdf, name="print"),
    path("decisions/<int:pk>/print.docx", views.print_docx, name="print-docx"),
]
