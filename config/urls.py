from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import views as accounts_views
from accounts.views import local_passwords
from core.api_reference import ApiReferenceView
from core.schema import SchemaView
from iati import views as iati_views
from ops import views as ops_views
from partnership import views as partnership_views
from people import oidc
from people import views as people_views

# (route, view, URL name) of the password pages, each wrapped in local_passwords below.
PASSWORD_PAGES = [
    ("accounts/password/", auth_views.PasswordChangeView, "password_change"),
    ("accounts/password/done/", auth_views.PasswordChangeDoneView, "password_change_done"),
    ("accounts/password/reset/", accounts_views.PasswordResetView, "password_reset"),
    ("accounts/password/reset/sent/", auth_views.PasswordResetDoneView, "password_reset_done"),
    (
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView,
        "password_reset_confirm",
    ),
    (
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView,
        "password_reset_complete",
    ),
]

urlpatterns = [
    path("", partnership_views.home, name="home"),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", oidc.LogoutView.as_view(), name="logout"),
    # Single sign-on (people/oidc.py): 404 unless configured.
    path(
        "oidc/authenticate/",
        login_not_required(oidc.SignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(oidc.SignInCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    # Passwords here: 404 when LOCAL_PASSWORDS is off.
    *(
        path(route, local_passwords(view.as_view()), name=name)
        for route, view, name in PASSWORD_PAGES
    ),
    path(
        "accounts/invitation/<str:token>/", people_views.invitation_accept, name="invitation-accept"
    ),
    path("account/", people_views.profile, name="profile"),
    path("language/", accounts_views.language_set, name="set-language"),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("p/<slug:slug>/", include("partnership.urls")),
    path("p/<slug:slug>/funding/", include("funding.urls")),
    path("p/<slug:slug>/reviews/", include("reviews.urls")),
    path("p/<slug:slug>/consultations/", include("consultations.urls")),
    path("p/<slug:slug>/iati/", include("iati.urls")),
    path("p/<slug:slug>/members/", include("people.urls")),
    # Every partnership the user holds a role in, in one file each: for publishing.
    path(
        "iati/activities.xml",
        iati_views.portfolio_activities_xml,
        name="iati-portfolio-activities",
    ),
    path(
        "iati/organisation.xml",
        iati_views.portfolio_organisation_xml,
        name="iati-portfolio-organisation",
    ),
    path("", include("attention.urls")),
    path("", include("portfolio.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    # The reference, drawn by the server; Swagger UI beside it, for trying requests.
    path("api/docs/", ApiReferenceView.as_view(), name="api-docs"),
    path(
        "api/docs/try/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs-try",
    ),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
