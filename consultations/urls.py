from django.urls import path

from . import views

app_name = "consultations"

# Mounted under /p/<slug:slug>/consultations/ by config.urls.
urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("standard-agenda/", views.standard_agenda, name="standard-agenda"),
    path(
        "standard-agenda/<int:pk>/edit/",
        views.standard_agenda_item_edit,
        name="standard-agenda-item-edit",
    ),
    path(
        "standard-agenda/<int:pk>/retire/",
        views.standard_agenda_item_retire,
        name="standard-agenda-item-retire",
    ),
    path("goals/<int:number>/linked/", views.goal_linked, name="goal-linked"),
    path("risks/<int:number>/linked/", views.risk_linked, name="risk-linked"),
    path("<int:year>/", views.consultation_detail, name="consultation-detail"),
    path("<int:year>/edit/", views.consultation_edit, name="consultation-edit"),
    path("<int:year>/notes/", views.consultation_notes, name="consultation-notes"),
    path(
        "<int:year>/action-points/",
        views.consultation_action_points,
        name="consultation-action-points",
    ),
    path("<int:year>/matters-arising/", views.matters_arising, name="matters-arising"),
    path("<int:year>/items/", views.agenda_item_add, name="agenda-item-add"),
    path("items/<int:pk>/move/", views.agenda_item_move, name="agenda-item-move"),
    path("items/<int:pk>/remove/", views.agenda_item_remove, name="agenda-item-remove"),
    path("items/<int:pk>/notes/", views.note_create, name="note-create"),
    path("items/<int:pk>/action-points/", views.action_point_create, name="action-point-create"),
    path("notes/<int:pk>/", views.note_detail, name="note-detail"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note-edit"),
    path("notes/<int:pk>/ready/", views.note_ready, name="note-ready"),
    path("notes/<int:pk>/clear/", views.note_clear, name="note-clear"),
    path("notes/<int:pk>/discard/", views.note_discard, name="note-discard"),
    path("action-points/<int:pk>/edit/", views.action_point_edit, name="action-point-edit"),
    path("action-points/<int:pk>/status/", views.action_point_status, name="action-point-status"),
    path("action-points/<int:pk>/drop/", views.action_point_drop, name="action-point-drop"),
]
