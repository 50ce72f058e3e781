"""The API's rate limits: per personal token and per user, counted on the cache every web
process shares (``CACHES["throttle"]``: Redis in production), so that the limit holds
whichever process answers. A request over a limit is a 429 with ``Retry-After``.

The counts are kept in fixed windows (one key per identity and window, one atomic
increment per request), so a high limit costs no more than a low one. The rates are
read from the settings on each request: ``API_RATE_PER_TOKEN``, ``API_RATE_PER_USER``
("120/minute"; the period one of second, minute, hour, day).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"


class SharedCacheThrottle(SimpleRateThrottle):
    """DRF's rate throttle, counting on the shared cache in fixed windows."""

    setting: str  # the name of the setting that holds the rate

    def __init__(self) -> None:
        super().__init__()
        self.wait_seconds: float | None = None

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting) or None

    def identity(self, request: Any) -> str | None:
        """What is counted, or None when this throttle does not apply to the request."""
        raise NotImplementedError

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = self.identity(request)
        return None if ident is None else f"{self.scope}:{ident}"

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        try:
            count = self._count(f"{key}:{window}")
        except (RedisError, OSError) as error:
            # An API that answers without limits beats one that answers nothing while
            # the shared cache is down; the log says so.
            logger.warning("Shared cache unavailable, rate limits not applied: %s", error)
            return True
        if count <= self.num_requests:
            return True
        self.wait_seconds = (window + 1) * self.duration - now
        return False

    def _count(self, key: str) -> int:
        cache = caches[CACHE_ALIAS]
        cache.add(key, 0, timeout=self.duration + 1)
        try:
            return cache.incr(key)
        except ValueError:  # the key expired between the two calls
            cache.set(key, 1, timeout=self.duration + 1)
            return 1

    def wait(self) -> float | None:
        # Retry-After is whole seconds: round up, so that a retry then is answered.
        return None if self.wait_seconds is None else max(1, math.ceil(self.wait_seconds))


class TokenRateThrottle(SharedCacheThrottle):
    """Each personal token on its own (a script gone wrong is stopped, not its owner).

    The token is what the authentication put in ``request.auth``; a session has none."""

    scope = "token"
    setting = "API_RATE_PER_TOKEN"

    def identity(self, request: Any) -> str | None:
        token = getattr(request, "auth", None)
        pk = getattr(token, "pk", None)
        return None if pk is None else f"{type(token).__name__}:{pk}"


class UserRateThrottle(SharedCacheThrottle):
    """Everything a user sends, through all their tokens and their session together."""

    scope = "user"
    setting = "API_RATE_PER_USER"

    def identity(self, request: Any) -> str | None:
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None
