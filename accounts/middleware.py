"""No page or API answer for a session that lacks the second factor its user must give."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect

from . import selectors
from . import signin

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Logging out needs no code.
EXEMPT_PATHS = ("/accounts/logout/",)


class SecondFactorMiddleware:
    """A logged-in user who must sign in with a second factor and whose session was not
    verified with one (a session from before the requirement, or a log-in that did not go
    through the site's log-in page) is logged out and taken to the second step of a
    sign-in, as if they had just given their password: the code, or a first set-up. The
    API answers such a session as one without credentials (401).

    Placed after django_otp's OTPMiddleware, which says whether the session is verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and request.path_info not in EXEMPT_PATHS
            and not user.is_verified()
            and selectors.second_factor_required(user)
        ):
            backend = request.session.get(auth.BACKEND_SESSION_KEY) or MODEL_BACKEND
            is_api = request.path_info.startswith("/api/")
            next_url = "/" if is_api or request.method != "GET" else request.get_full_path()
            auth.logout(request)
            step = signin.begin(request, user, backend=backend, next_url=next_url)
            if not is_api:
                return redirect(step)
            request.user = AnonymousUser()
        return self.get_response(request)
