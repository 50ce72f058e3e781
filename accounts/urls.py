from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("digest/", views.digest, name="digest"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
