"""Sessions that end after inactivity, written at most once a minute rather than on
every request, and that end SESSION_MAX_LIFETIME after their log-in however busy they are."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Session keys: when the session's expiry was last pushed forward, and when its user
# logged in (epoch seconds).
REFRESHED_AT = "_refreshed_at"
LOGGED_IN_AT = "_logged_in_at"


def mark_refreshed(session: SessionBase) -> None:
    session[REFRESHED_AT] = int(timezone.now().timestamp())


def on_login(sender, request, user, **kwargs) -> None:
    """A log-in saves the session anyway: start its refresh clock and its lifetime."""
    if request is not None and hasattr(request, "session"):
        mark_refreshed(request.session)
        request.session[LOGGED_IN_AT] = int(timezone.now().timestamp())


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


class SessionLifetimeMiddleware:
    """End a logged-in session SESSION_MAX_LIFETIME after its log-in, however active it
    is (ASVS 7.3.2): the user is logged out, the session deleted from the store, and the
    login page says why. Placed after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if auth.SESSION_KEY in session:
            logged_in_at = session.get(LOGGED_IN_AT)
            now = int(timezone.now().timestamp())
            if not isinstance(logged_in_at, int):
                # A session from before the lifetime was kept: its clock starts now.
                session[LOGGED_IN_AT] = now
            elif now - logged_in_at >= settings.SESSION_MAX_LIFETIME:
                auth.logout(request)
                hours = settings.SESSION_MAX_LIFETIME / 3600
                messages.info(
                    request,
                    _("Your session reached its limit of %(hours)s hours; log in again.")
                    % {"hours": format(hours, "g")},
                )
        return self.get_response(request)
