"""Sessions that end after inactivity, written at most once a minute rather than on
every request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

# Session key: when the session's expiry was last pushed forward (epoch seconds).
REFRESHED_AT = "_refreshed_at"


def mark_refreshed(session: SessionBase) -> None:
    session[REFRESHED_AT] = int(timezone.now().timestamp())


def on_login(sender, request, user, **kwargs) -> None:
    """A log-in saves the session anyway: start its refresh clock with it."""
    if request is not None and hasattr(request, "session"):
        mark_refreshed(request.session)


class SessionRefreshMiddleware:
    """Expire sessions after inactivity without writing the session on every request.

    SESSION_SAVE_EVERY_REQUEST pushes the expiry forward with an UPDATE on every request.
    Here a request that uses a session marks it modified (so Django's SessionMiddleware
    saves it with a new expiry and a new cookie) only when its last refresh is
    SESSION_REFRESH_SECONDS old or more. A session thus ends between
    SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last
    request. Placed just after SessionMiddleware, so it sees the response first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request used and that holds something (a logged-in user):
        # probes and anonymous visitors get no session row from this.
        if session is None or not session.accessed or session.is_empty():
            return response
        last = session.get(REFRESHED_AT)
        age = timezone.now().timestamp() - last if isinstance(last, int) else None
        if session.modified or age is None or age >= settings.SESSION_REFRESH_SECONDS:
            mark_refreshed(session)
        return response
