from django.urls import include, path

from register import views, views_documents, views_fund

app_name = "register"
urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/new/", views.decision_create, name="decision-create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path(
        "decisions/<int:pk>/quyet-dinh.<str:fmt>",
        views_documents.decision_document,
        name="decision-document",
    ),
    path("records/<int:pk>/revoke/", views.record_revoke, name="record-revoke"),
    path("eligible/", views.eligible_list, name="eligible-list"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/new/", views.initiative_create, name="initiative-create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative-detail"),
    path("ratings/", views.ratings, name="ratings"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("fund/", views_fund.fund_report, name="fund"),
    path("", include("register.urls_import")),
]
