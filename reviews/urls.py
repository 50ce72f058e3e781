from django.urls import include
from django.urls import path

from . import views

app_name = "reviews"

# Mounted under /p/<slug:slug>/reviews/ by config.urls.
urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("verify/", views.verify, name="verify"),
    path("downloads/", views.download_log, name="download-log"),
    path(
        "dossiers/",
        include(
            [
                path("", views.dossier_list, name="dossier-list"),
                path("table/", views.dossier_table, name="dossier-table"),
                path("<int:pk>/download/", views.dossier_download, name="dossier-download"),
            ]
        ),
    ),
    path(
        "<int:pk>/",
        include(
            [
                path("", views.review_detail, name="review-detail"),
                path("edit/", views.review_edit, name="review-edit"),
                path("due-date/", views.review_due_date, name="review-due-date"),
                path("sources/", views.review_sources, name="review-sources"),
                path("goals/<int:number>/", views.goal_assessment, name="goal-assessment"),
                path(
                    "priority-areas/<int:number>/",
                    views.priority_area_assessment,
                    name="priority-area-assessment",
                ),
                path("findings/", views.finding_add, name="finding-add"),
                path("recommendations/", views.recommendation_add, name="recommendation-add"),
                path(
                    "findings/<int:number>/",
                    views.item_edit,
                    {"kind": "finding"},
                    name="finding-edit",
                ),
                path(
                    "recommendations/<int:number>/",
                    views.item_edit,
                    {"kind": "recommendation"},
                    name="recommendation-edit",
                ),
                path(
                    "findings/<int:number>/delete/",
                    views.item_delete,
                    {"kind": "finding"},
                    name="finding-delete",
                ),
                path(
                    "recommendations/<int:number>/delete/",
                    views.item_delete,
                    {"kind": "recommendation"},
                    name="recommendation-delete",
                ),
                path("render/", views.review_render, name="review-render"),
                path("dossier/", views.review_dossier, name="review-dossier"),
                path("dossiers/", views.review_dossiers, name="review-dossiers"),
                path("versions/", views.review_versions, name="review-versions"),
            ]
        ),
    ),
    path(
        "versions/<int:pk>/",
        include(
            [
                path("retry/", views.version_retry, name="version-retry"),
                path("issue/", views.version_issue, name="version-issue"),
                path("download/", views.version_download, name="version-download"),
            ]
        ),
    ),
]
