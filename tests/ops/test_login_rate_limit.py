"""Log-in attempts are rate-limited: after five failures for one user name from one
address, that pair is locked out for 15 minutes with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
LOGIN = "/accounts/login/"


def attempt(username: str, password: str, address: str = "192.0.2.10"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def fail(times: int, username: str = "desk", address: str = "192.0.2.10") -> list[int]:
    return [attempt(username, "wrong", address)[1].status_code for _ in range(times)]


def logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_the_fifth_failure_locks_the_user_name_out_with_a_clear_message(settings, desk):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(4) == [200, 200, 200, 200]  # the form again, with its error
    _, fifth = attempt("desk", "wrong")
    assert fifth.status_code == 429
    text = fifth.content.decode()
    assert "Too many failed log-ins" in text
    assert "failed 5 times in a row" in text
    assert "blocked for 15 minutes" in text
    assert "wrong" not in text  # the password tried is not echoed
    # A forgotten password is set anew by e-mail at once; it works when the block ends.
    assert (
        'If you have forgotten your password, <a href="/accounts/password/reset/">set a new one '
        "by e-mail</a> now: it works once the block ends." in text
    )


def test_while_locked_out_even_the_right_password_is_refused(desk):
    fail(5)
    client, response = attempt("desk", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    # Nothing of the passwords tried is stored.
    assert not AccessAttempt.objects.filter(post_data__contains="wrong").exists()


def test_the_lockout_is_per_user_name_and_address(desk, geneva):
    fail(5)
    client, response = attempt("geneva", PASSWORD)  # another user, same address
    assert response.status_code == 302
    assert logged_in(client)
    client, response = attempt("desk", PASSWORD, address="198.51.100.7")  # same user elsewhere
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lockout_ends_after_15_minutes(desk):
    fail(5)
    assert attempt("desk", PASSWORD)[1].status_code == 429
    # Time passes: the recorded failures are now 16 minutes old.
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - dt.timedelta(minutes=16)
        )
    client, response = attempt("desk", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_resets_the_count(desk):
    fail(4)
    assert attempt("desk", PASSWORD)[1].status_code == 302
    assert fail(4) == [200, 200, 200, 200]


def test_the_admin_login_is_limited_too(desk):
    statuses = [
        Client(REMOTE_ADDR="192.0.2.10")
        .post("/admin/login/", {"username": "desk", "password": "wrong"})
        .status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
