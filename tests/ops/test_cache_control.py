"""Nothing behind a log-in is kept by a browser or a proxy (ASVS 14.3.2): every page and
API answer says ``Cache-Control: no-store``, whatever its status, and a page that sets its
own caching keeps it."""

from __future__ import annotations

import pytest
from django.utils.cache import patch_cache_control

from accounts import services as account_services

pytestmark = pytest.mark.django_db

SLUG = "denmark-iom-2018-2020"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/p/{SLUG}/",
        f"/p/{SLUG}/funding/",
        f"/p/{SLUG}/reviews/",
        f"/p/{SLUG}/history/",
        "/account/tokens/",
        "/accounts/password/",
        f"/p/{SLUG}/goals/999999/",  # a 404 page
    ],
)
def test_pages_of_a_logged_in_user_are_not_stored(desk, login, url):
    response = login(desk).get(url)
    assert response.status_code in {200, 404}
    assert "no-store" in directives(response), url


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/partnerships/",
        f"/api/v1/goals/?partnership={SLUG}",
        "/api/v1/goals/999999/",  # 404
        "/api/v1/budget-lines/?year=x",  # 400
        "/api/schema/",
    ],
)
def test_api_answers_are_not_stored_with_a_session_or_a_token(desk, api_login, url):
    session = api_login(desk).get(url)
    _, raw = account_services.api_token_create(by=desk, name="script")
    client = api_login(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    token = client.get(url)
    for response in (session, token):
        assert response.status_code in {200, 400, 404}
        assert "no-store" in directives(response), (url, response.status_code)


def test_a_refused_api_request_and_a_redirect_to_the_login_are_not_stored(client):
    assert "no-store" in directives(client.get("/api/v1/partnerships/"))  # 401
    redirect = client.get("/")
    assert redirect.status_code == 302
    assert "no-store" in directives(redirect)


def test_a_response_that_sets_its_own_cache_control_keeps_it(rf, desk):
    from config.middleware import NoStoreMiddleware

    def view(request):
        from django.http import HttpResponse

        response = HttpResponse("public")
        patch_cache_control(response, public=True, max_age=60)
        return response

    response = NoStoreMiddleware(view)(rf.get("/"))
    assert directives(response) == {"public", "max-age=60"}
