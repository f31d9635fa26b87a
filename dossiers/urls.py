from django.urls import path

from dossiers import views, views_calendar, views_documents, views_recipients

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_list, name="dossier-list"),
    path("new/", views.dossier_create, name="dossier-create"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path(
        "calendar/holidays/<int:pk>/delete/", views_calendar.holiday_delete, name="holiday-delete"
    ),
    path("<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("<int:pk>/transition/", views.dossier_transition, name="dossier-transition"),
    path("<int:pk>/forward/", views.dossier_forward, name="dossier-forward"),
    path("<int:pk>/decide/", views.dossier_decide, name="dossier-decide"),
    path("<int:pk>/council-vote/", views.council_poll_link, name="council-poll-link"),
    path("<int:pk>/documents/new/", views_documents.document_add, name="document-add"),
    path("<int:pk>/to-trinh.docx", views_documents.letter_docx, name="dossier-letter-docx"),
    path("<int:pk>/to-trinh.pdf", views_documents.letter_pdf, name="dossier-letter-pdf"),
    path("<int:pk>/recipients/new/", views_recipients.recipient_add, name="recipient-add"),
    path("recipients/<int:pk>/", views_recipients.recipient_edit, name="recipient-edit"),
    path("recipients/<int:pk>/remove/", views_recipients.recipient_remove, name="recipient-remove"),
    path(
        "recipients/<int:pk>/override/",
        views_recipients.recipient_override,
        name="recipient-override",
    ),
    path(
        "recipients/<int:pk>/bao-cao-thanh-tich.docx",
        views_documents.report_docx,
        name="recipient-report-docx",
    ),
    path(
        "recipients/<int:pk>/bao-cao-thanh-tich.pdf",
        views_documents.report_pdf,
        name="recipient-report-pdf",
    ),
    path("documents/<int:pk>/", views_documents.document_download, name="document-download"),
    path("comments/<int:pk>/handle/", views.comment_handle, name="comment-handle"),
]
