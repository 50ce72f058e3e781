from django.urls import include
from django.urls import path

from . import views

app_name = "people"

# Mounted under /p/<slug:slug>/members/ by config.urls.
urlpatterns = [
    path("", views.member_list, name="member-list"),
    path(
        "<int:pk>/",
        include(
            [
                path("role/", views.membership_role, name="membership-role"),
                path("remove/", views.membership_remove, name="membership-remove"),
                path("invite-again/", views.invitation_again, name="invitation-again"),
            ]
        ),
    ),
]
