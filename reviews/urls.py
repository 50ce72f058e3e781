from django.urls import path

from . import views

app_name = "reviews"

# Mounted under /p/<slug:slug>/reviews/ by config.urls.
urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("verify/", views.verify, name="verify"),
    path("downloads/", views.download_log, name="download-log"),
    path("dossiers/", views.dossier_list, name="dossier-list"),
    path("dossiers/table/", views.dossier_table, name="dossier-table"),
    path("dossiers/<int:pk>/download/", views.dossier_download, name="dossier-download"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/edit/", views.review_edit, name="review-edit"),
    path("<int:pk>/due-date/", views.review_due_date, name="review-due-date"),
    path("<int:pk>/sources/", views.review_sources, name="review-sources"),
    path("<int:pk>/goals/<int:number>/", views.goal_assessment, name="goal-assessment"),
    path(
        "<int:pk>/priority-areas/<int:number>/",
        views.priority_area_assessment,
        name="priority-area-assessment",
    ),
    path("<int:pk>/findings/", views.finding_add, name="finding-add"),
    path("<int:pk>/recommendations/", views.recommendation_add, name="recommendation-add"),
    path(
        "<int:pk>/findings/<int:number>/",
        views.item_edit,
        {"kind": "finding"},
        name="finding-edit",
    ),
    path(
        "<int:pk>/recommendations/<int:number>/",
        views.item_edit,
        {"kind": "recommendation"},
        name="recommendation-edit",
    ),
    path(
        "<int:pk>/findings/<int:number>/delete/",
        views.item_delete,
        {"kind": "finding"},
        name="finding-delete",
    ),
    path(
        "<int:pk>/recommendations/<int:number>/delete/",
        views.item_delete,
        {"kind": "recommendation"},
        name="recommendation-delete",
    ),
    path("<int:pk>/render/", views.review_render, name="review-render"),
    path("<int:pk>/dossier/", views.review_dossier, name="review-dossier"),
    path("<int:pk>/dossiers/", views.review_dossiers, name="review-dossiers"),
    path("<int:pk>/versions/", views.review_versions, name="review-versions"),
    path("versions/<int:pk>/retry/", views.version_retry, name="version-retry"),
    path("versions/<int:pk>/issue/", views.version_issue, name="version-issue"),
    path("versions/<int:pk>/download/", views.version_download, name="version-download"),
]
