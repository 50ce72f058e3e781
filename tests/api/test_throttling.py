"""The API's rate limits: per token and per user, counted on the cache every process shares,
answered with 429 and Retry-After, configurable (API_RATE_PER_TOKEN, API_RATE_PER_USER)."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from accounts import services as account_services
from core import throttling
from tests.ops.conftest import free_port
from tests.ops.conftest import redis_url  # noqa: F401 - fixtures the tests use

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    return free_port()


URL = "/api/v1/partnerships/"


@pytest.fixture
def clock(monkeypatch):
    """clock(seconds): the throttles' time, fixed at that many seconds past the epoch."""

    def move(seconds: float) -> None:
        monkeypatch.setattr(throttling.SharedCacheThrottle, "timer", lambda self: seconds)

    move(999_980.0)  # 20 s into a minute (999,960 is a multiple of 60)
    return move


def bearer(user, name: str = "script") -> APIClient:
    _, raw = account_services.api_token_create(by=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def statuses(client: APIClient, times: int) -> list[int]:
    return [client.get(URL).status_code for _ in range(times)]


def test_the_defaults_are_documented_figures():
    from config import settings as defaults  # the test run raises them (tests/conftest.py)

    assert defaults.API_RATE_PER_TOKEN == "120/minute"
    assert defaults.API_RATE_PER_USER == "300/minute"


def test_a_token_over_its_rate_gets_429_with_retry_after(settings, desk, clock):
    settings.API_RATE_PER_TOKEN = "5/minute"
    client = bearer(desk)
    assert statuses(client, 5) == [200] * 5
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # the minute's window ends in 40 s
    assert refused.json() == {"detail": "Too many requests: wait 40 seconds, then try again."}
    # Another token of the same user has its own count.
    assert bearer(desk, "other script").get(URL).status_code == 200


def test_the_429_says_how_long_to_wait_wholly_in_danish(settings, desk, clock):
    settings.API_RATE_PER_TOKEN = "1/minute"
    client = bearer(desk)
    assert client.get(URL).status_code == 200
    refused = client.get(URL, HTTP_ACCEPT_LANGUAGE="da")
    assert (refused.status_code, refused["Retry-After"]) == (429, "40")
    assert refused.json() == {
        "detail": "For mange forespørgsler: vent 40 sekunder, og prøv så igen."
    }
    clock(1_000_019.2)
    one = client.get(URL, HTTP_ACCEPT_LANGUAGE="da").json()["detail"]
    assert one == "For mange forespørgsler: vent 1 sekund, og prøv så igen."


def test_the_count_starts_again_when_the_window_ends(settings, desk, clock):
    settings.API_RATE_PER_TOKEN = "3/minute"
    client = bearer(desk)
    assert statuses(client, 4) == [200, 200, 200, 429]
    clock(1_000_019.5)
    refused = client.get(URL)
    assert refused["Retry-After"] == "1"  # half a second, rounded up
    assert refused.json() == {"detail": "Too many requests: wait 1 second, then try again."}
    clock(1_000_020.0)
    assert statuses(client, 3) == [200, 200, 200]


def test_a_user_is_limited_across_their_tokens_and_their_session(
    settings, desk, geneva, api_login, clock
):
    settings.API_RATE_PER_USER = "6/minute"
    tokens = [bearer(desk, "a"), bearer(desk, "b")]
    session = api_login(desk)
    answers = [c.get(URL).status_code for c in (*tokens, session, *tokens, session)]
    assert answers == [200] * 6
    assert [c.get(URL).status_code for c in (*tokens, session)] == [429] * 3
    # Someone else is not held back by it.
    assert api_login(geneva).get(URL).status_code == 200


def test_the_limits_are_read_from_the_settings_on_each_request(settings, desk, clock):
    client = bearer(desk)
    settings.API_RATE_PER_TOKEN = "2/minute"
    assert statuses(client, 3) == [200, 200, 429]
    settings.API_RATE_PER_TOKEN = "10/minute"
    assert statuses(client, 3) == [200, 200, 200]


def test_pages_are_not_throttled(settings, desk, login, clock):
    settings.API_RATE_PER_USER = "2/minute"
    client = login(desk)
    assert [client.get("/").status_code for _ in range(4)] == [200] * 4


def test_when_the_shared_cache_is_down_requests_are_let_through_and_logged(
    settings, desk, clock, closed_port, caplog
):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        },
    }
    settings.API_RATE_PER_TOKEN = "1/minute"
    with caplog.at_level(logging.WARNING, logger="core.throttling"):
        assert statuses(bearer(desk), 3) == [200] * 3
    assert "rate limits not applied" in caplog.text


@pytest.mark.services
def test_the_count_is_shared_through_redis(settings, desk, clock, redis_url):  # noqa: F811
    """Two processes see one count: here, two caches with their own connections to Redis."""
    import uuid

    from django.core.cache import caches

    throttle = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's keys alone
    }
    settings.API_RATE_PER_TOKEN = "4/minute"
    client = bearer(desk)
    used = []
    for requests, expected in ((2, [200, 200]), (3, [200, 200, 429])):
        settings.CACHES = {**settings.CACHES, "throttle": dict(throttle)}  # a new connection
        assert statuses(client, requests) == expected
        used.append(caches["throttle"])
    assert used[0] is not used[1]
    for cache in used:
        for pool in cache._cache._pools.values():
            pool.disconnect()
