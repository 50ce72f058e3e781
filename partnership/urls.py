from django.urls import path

from . import views

app_name = "partnership"

# Mounted under /p/<slug:slug>/ by config.urls.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("edit/", views.partnership_edit, name="edit"),
    path("priority-areas/new/", views.priority_area_create, name="priority-area-create"),
    path("priority-areas/<int:number>/edit/", views.priority_area_edit, name="priority-area-edit"),
    path(
        "priority-areas/<int:number>/retire/",
        views.priority_area_retire,
        name="priority-area-retire",
    ),
    path("goals/", views.goal_list, name="goal-list"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("goals/<int:number>/", views.goal_detail, name="goal-detail"),
    path("goals/<int:number>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:number>/retire/", views.goal_retire, name="goal-retire"),
    path("risks/", views.risk_list, name="risk-list"),
    path("risks/new/", views.risk_create, name="risk-create"),
    path("risks/<int:number>/", views.risk_detail, name="risk-detail"),
    path("risks/<int:number>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:number>/retire/", views.risk_retire, name="risk-retire"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("history/", views.history_list, name="history"),
    path("history/export.<str:fmt>", views.history_export, name="history-export"),
]
