"""Single sign-on with the ministry's identity provider (OpenID Connect, by
mozilla-django-oidc): who may sign in, and how they are linked to their account here.

Nobody gets an account by signing in: the provider's user is linked to an account that
exists here (an invited person, or a colleague already working in the app) by their
verified e-mail address the first time, and by the provider's subject from then on. A
deactivated account cannot sign in, and its session ends.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.http import HttpRequest
from django.shortcuts import redirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import selectors as account_selectors
from accounts import signin

from . import services
from .models import SignInIdentity

BACKEND = "people.oidc.MinistryOIDCBackend"

log = logging.getLogger(__name__)


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def sign_in_options(request: HttpRequest) -> dict[str, Any]:
    """For the templates (a context processor): how people sign in here."""
    return {
        "sso_enabled": sso_enabled(),
        "sso_label": settings.OIDC_PROVIDER_NAME,
        "local_passwords": settings.LOCAL_PASSWORDS,
    }


class MinistryOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, linking the provider's user to an account here."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # An address the provider says it has not verified links nothing.
        return bool(claims.get("sub")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]):
        users = get_user_model().objects.filter(is_active=True)
        linked = SignInIdentity.objects.filter(
            issuer=settings.OIDC_ISSUER, subject=claims["sub"]
        ).first()
        if linked is not None:
            # Linked once: that account or none (never another one with the address).
            return users.filter(pk=linked.user_id)
        email = (claims.get("email") or "").strip()
        if not email:
            return users.none()
        return users.filter(email__iexact=email)

    def create_user(self, claims: dict[str, Any]):  # pragma: no cover - OIDC_CREATE_USER off
        raise SuspiciousOperation("Accounts are made by invitation, not by signing in.")

    @transaction.atomic
    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """The first sign-in links the identity and takes up the person's invitations (they
        need no password now)."""
        _identity, created = SignInIdentity.objects.get_or_create(
            issuer=settings.OIDC_ISSUER, subject=claims["sub"], defaults={"user": user}
        )
        if created:
            log.info("Linked %s to the account %s by e-mail", claims["sub"], user.username)
            services.invitations_take_up(user=user)
        names = {
            "first_name": (claims.get("given_name") or "")[:150],
            "last_name": (claims.get("family_name") or "")[:150],
        }
        missing = {k: v for k, v in names.items() if v and not getattr(user, k)}
        if missing:
            for name, value in missing.items():
                setattr(user, name, value)
            user.save(update_fields=list(missing))
        return user

    def get_user(self, user_id: Any) -> Any:
        # mozilla-django-oidc keeps a deactivated person's session alive; Django's own
        # backend does not.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class SignInView(OIDCAuthenticationRequestView):
    """Off to the identity provider (404 while single sign-on is not configured)."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the settings are read per request, below

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().dispatch(request, *args, **kwargs)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Back from the identity provider: logged in, or told why not on the login page."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def login_success(self):
        """Logged in; or, for someone who signs in here with a second factor, on to its step
        (the code, or a first set-up), as after a password on the login page."""
        if not account_selectors.second_factor_asked(self.user):
            return super().login_success()
        step = signin.begin(self.request, self.user, backend=BACKEND, next_url=self.success_url)
        return redirect(step)

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Signing in with %(oidc_provider_name)s did not work: there is no "
                "account here for you, or it is deactivated. A desk officer of your "
                "partnership invites you with the address you sign in with."
            )
            % {"oidc_provider_name": settings.OIDC_PROVIDER_NAME},
        )
        return redirect(settings.LOGIN_URL)


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where the browser goes to end the session at the identity provider too (RP-initiated
    logout), if the person signed in there and the provider says where."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": settings.SITE_URL
            + resolve_url(settings.LOGOUT_REDIRECT_URL),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


class LogoutView(auth_views.LogoutView):
    """Django's log-out; after a single sign-on, on to the identity provider to end the
    session there too, and back to the login page."""

    def post(self, request, *args, **kwargs):
        at_provider = provider_logout_url(request)  # read before the session is cleared
        response = super().post(request, *args, **kwargs)
        return redirect(at_provider) if at_provider else response
