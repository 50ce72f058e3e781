from django.urls import include
from django.urls import path

from . import views

app_name = "partnership"

# Mounted under /p/<slug:slug>/ by config.urls.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("edit/", views.partnership_edit, name="edit"),
    path(
        "priority-areas/",
        include(
            [
                path("new/", views.priority_area_create, name="priority-area-create"),
                path("<int:number>/edit/", views.priority_area_edit, name="priority-area-edit"),
                path(
                    "<int:number>/retire/", views.priority_area_retire, name="priority-area-retire"
                ),
            ]
        ),
    ),
    path(
        "goals/",
        include(
            [
                path("", views.goal_list, name="goal-list"),
                path("new/", views.goal_create, name="goal-create"),
                path("<int:number>/", views.goal_detail, name="goal-detail"),
                path("<int:number>/edit/", views.goal_edit, name="goal-edit"),
                path("<int:number>/retire/", views.goal_retire, name="goal-retire"),
            ]
        ),
    ),
    path(
        "risks/",
        include(
            [
                path("", views.risk_list, name="risk-list"),
                path("new/", views.risk_create, name="risk-create"),
                path("<int:number>/", views.risk_detail, name="risk-detail"),
                path("<int:number>/edit/", views.risk_edit, name="risk-edit"),
                path("<int:number>/retire/", views.risk_retire, name="risk-retire"),
            ]
        ),
    ),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("history/", views.history_list, name="history"),
    path("history/export.<str:fmt>", views.history_export, name="history-export"),
]
