"""A sign-in with a second factor, between its two steps.

The password step does not log the user in when a code is asked for: it keeps, in the
(still anonymous) session, who gave their password, through which backend and where they
were going. Only a right code (or the first code of a set-up) logs them in, and marks the
session verified with the device that gave it. So a user who must give a code has no
session until they have, and django-axes counts a wrong code as the failed log-in it is:
its count is reset by the log-in that follows a right code, not by the password alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from . import selectors

PENDING = "_signin_pending"
# The second step must follow the first within this many seconds (a first set-up
# includes installing an app).
PENDING_SECONDS = 10 * 60


def begin(request: HttpRequest, user: Any, *, backend: str, next_url: str) -> str:
    """Keep the password step's outcome; return where the second step is."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": int(timezone.now().timestamp()),
    }
    return step_url(user)


def step_url(user: Any) -> str:
    """The code, or a first set-up for a user who must and has no authenticator yet."""
    if selectors.authenticator_of(user) is None:
        return reverse("accounts:signin-set-up")
    return reverse("accounts:signin-code")


def pending_user(request: HttpRequest) -> Any | None:
    """Who gave their password in this session, if it was not too long ago."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        clear(request)
        return None
    return get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()


def was_pending(request: HttpRequest) -> bool:
    return PENDING in request.session


def clear(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def complete(request: HttpRequest, user: Any, device: Any) -> str:
    """Log the user in, verified by ``device``; return where they were going."""
    pending = request.session.pop(PENDING)
    user.otp_device = device  # django_otp keeps it in the session as the user logs in
    auth.login(request, user, backend=pending["backend"])
    return pending["next"]
