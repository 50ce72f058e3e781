from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("digest/", views.digest, name="digest"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    # The second step of a sign-in (before the user is logged in).
    path("sign-in/code/", views.signin_code, name="signin-code"),
    path("sign-in/set-up/", views.signin_set_up, name="signin-set-up"),
    # The second factor of a logged-in user.
    path("security/", views.security, name="security"),
    path("security/authenticator/", views.authenticator_set_up, name="authenticator-set-up"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("security/recovery-codes.txt", views.recovery_codes_text, name="recovery-codes-text"),
    path("security/recovery-codes/kept/", views.recovery_codes_kept, name="recovery-codes-kept"),
    path("security/recovery-codes/new/", views.recovery_codes_renew, name="recovery-codes-new"),
]
