"""A deactivated person can neither log in, nor go on with a session they had, nor use
their API tokens."""

from __future__ import annotations

from accounts import services

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
SLUG = "denmark-iom-2018-2020"


def _deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


def test_a_deactivated_user_cannot_log_in(desk, login):
    assert (
        login(None).post("/accounts/login/", {"username": "desk", "password": PASSWORD})["Location"]
        == "/"
    )
    _deactivate(desk)
    refused = login(None).post("/accounts/login/", {"username": "desk", "password": PASSWORD})
    assert refused.status_code == 200
    assert refused.context["form"].errors["__all__"]
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_a_session_ends_when_its_user_is_deactivated(desk, login):
    client = login(desk)
    assert client.get(f"/p/{SLUG}/").status_code == 200
    _deactivate(desk)
    response = client.get(f"/p/{SLUG}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deactivated_users_token_is_refused(desk, api_login):
    _, raw = services.api_token_create(by=desk, name="script")
    client = api_login(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/partnerships/").status_code == 200
    _deactivate(desk)
    refused = client.get("/api/v1/partnerships/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "The token is not valid or has been revoked."}
