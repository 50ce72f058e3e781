"""Security headers and cookies on real responses, with the production settings the test
run loads (DEBUG off; only the HTTPS redirect is off, as behind a TLS proxy)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_pages_carry_hsts_csp_nosniff_and_referrer_policy(desk, login):
    response = login(desk).get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/api/v1/partnerships/"])
def test_the_login_page_the_probe_and_the_api_carry_them_too(client, url):
    response = client.get(url, secure=True)
    assert "Strict-Transport-Security" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_no_hsts_over_plain_http(client):
    """Browsers ignore HSTS over HTTP; Django sends it only on secure requests."""
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


def test_the_session_and_csrf_cookies_are_secure_and_http_only(desk, settings):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/accounts/login/",
        {
            "username": "desk",
            "password": PASSWORD,
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
        secure=True,
        headers={"referer": "https://testserver/accounts/login/"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == settings.SESSION_COOKIE_AGE
