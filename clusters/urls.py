from django.urls import path

from clusters import covenant_views, report_views, views, views_documents

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
    path("<int:pk>/years/<int:year>/outcomes/", views.year_outcomes, name="year-outcomes"),
    path("<int:pk>/years/<int:year>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(
        "meetings/<int:meeting_id>/bien-ban.<str:fmt>",
        views_documents.meeting_document,
        name="meeting-document",
    ),
    path("<int:pk>/years/<int:year>/covenant/", covenant_views.covenant_page, name="covenant"),
    path(
        "<int:pk>/years/<int:year>/covenant/send/",
        covenant_views.covenant_send,
        name="covenant-send",
    ),
    path(
        "<int:pk>/years/<int:year>/covenant/sign/",
        covenant_views.covenant_sign,
        name="covenant-sign",
    ),
    path(
        "<int:pk>/years/<int:year>/covenant/lock/",
        covenant_views.covenant_lock,
        name="covenant-lock",
    ),
    path(
        "<int:pk>/years/<int:year>/covenant/giao-uoc.<str:fmt>",
        views_documents.covenant_document,
        name="covenant-document",
    ),
    path(
        "<int:pk>/years/<int:year>/covenant/scan/",
        covenant_views.covenant_scan,
        name="covenant-scan",
    ),
    path(
        "registrations/<int:registration_id>/",
        covenant_views.registration_page,
        name="registration",
    ),
    path(
        "registrations/<int:registration_id>/decide/",
        covenant_views.registration_decide,
        name="registration-decide",
    ),
    path("<int:pk>/years/<int:year>/reports/", report_views.reports_dashboard, name="reports"),
    path(
        "<int:pk>/years/<int:year>/reports/periods/",
        report_views.period_create,
        name="period-create",
    ),
    path(
        "<int:pk>/years/<int:year>/reports/extensions/",
        report_views.extension_grant,
        name="extension-grant",
    ),
    path("<int:pk>/years/<int:year>/indicators/", report_views.indicators, name="indicators"),
    path(
        "periods/<int:period_id>/members/<int:org_id>/",
        report_views.submission_page,
        name="submission",
    ),
    path(
        "submissions/<int:submission_id>/file/",
        report_views.submission_file,
        name="submission-file",
    ),
]
