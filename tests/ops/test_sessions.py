"""Sessions end after SESSION_COOKIE_AGE of inactivity; a GET does not write the session
each time, only once per SESSION_REFRESH_SECONDS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.queries import data_queries

pytestmark = pytest.mark.django_db

HOME = "/"
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def clock(monkeypatch):
    """clock(delta): from now on, the time is that far past the test's start."""
    start = timezone.now()

    def move(delta: dt.timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + delta)

    return move


def session_writes(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    writes = [
        sql
        for sql in data_queries(captured)
        if "django_session" in sql and sql.lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return response.status_code, writes


def test_an_idle_session_ends_after_the_cookie_age(settings, desk, login, clock):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = login(desk)
    clock(8 * HOUR + dt.timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive_past_the_cookie_age(settings, desk, login, clock):
    settings.SESSION_MAX_LIFETIME = 48 * 60 * 60  # the inactivity expiry alone
    client = login(desk)
    clock(7 * HOUR)
    assert client.get(HOME).status_code == 200  # pushes the end to 15 h
    clock(14 * HOUR)
    assert client.get(HOME).status_code == 200  # would have ended at 8 h without activity
    clock(22 * HOUR + dt.timedelta(seconds=1))
    assert client.get(HOME).status_code == 302  # 8 h idle again


def test_gets_within_the_refresh_interval_write_nothing_to_the_session(
    settings, desk, login, clock
):
    settings.SESSION_REFRESH_SECONDS = 60
    client = login(desk)
    for seconds in (1, 30, 59):
        clock(dt.timedelta(seconds=seconds))
        assert session_writes(client, HOME) == (200, [])
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert Session.objects.get().expire_date < timezone.now() + age - dt.timedelta(seconds=58)

    clock(dt.timedelta(seconds=61))
    status, writes = session_writes(client, HOME)
    assert status == 200
    assert len(writes) == 1
    assert Session.objects.get().expire_date == timezone.now() + age
    # The browser's cookie is renewed with it.
    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_anonymous_requests_and_probes_create_no_session(client, clock):
    for url in ("/accounts/login/", "/healthz", HOME):
        client.get(url)
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_logging_out_ends_the_session(desk, login):
    client = login(desk)
    client.post("/accounts/logout/")
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 0
    assert client.get(HOME).status_code == 302


# --- The absolute lifetime: a session ends SESSION_MAX_LIFETIME after its log-in --------


def test_a_busy_session_still_ends_twelve_hours_after_its_log_in(settings, desk, login, clock):
    assert settings.SESSION_MAX_LIFETIME == 12 * 60 * 60
    client = login(desk)
    first_key = client.session.session_key
    for minutes in range(30, 12 * 60, 30):  # a request every half hour, never idle
        clock(dt.timedelta(minutes=minutes))
        assert client.get(HOME).status_code == 200, minutes
    clock(12 * HOUR + dt.timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    page = client.get(response["Location"])
    assert "Your session reached its limit of 12 hours" in page.content.decode()
    # The session is gone from the store, not only from this request.
    assert not Session.objects.filter(session_key=first_key).exists()
    assert "_auth_user_id" not in client.session


def test_the_lifetime_is_configurable_and_holds_for_the_api_too(settings, desk, api_login, clock):
    settings.SESSION_MAX_LIFETIME = 60 * 60
    client = api_login(desk)
    clock(dt.timedelta(minutes=59))
    assert client.get("/api/v1/partnerships/").status_code == 200
    clock(dt.timedelta(minutes=61))
    assert client.get("/api/v1/partnerships/").status_code == 401


def test_logging_in_again_starts_a_new_lifetime(settings, desk, clock):
    settings.SESSION_MAX_LIFETIME = 60 * 60
    client = Client()
    credentials = {"username": "desk", "password": "a-long-test-password"}
    assert client.post("/accounts/login/", credentials).status_code == 302
    clock(dt.timedelta(minutes=61))
    assert client.get(HOME).status_code == 302
    assert client.post("/accounts/login/", credentials).status_code == 302
    clock(dt.timedelta(minutes=100))
    assert client.get(HOME).status_code == 200
