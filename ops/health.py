"""Whether the services the application needs answer: the database and the Celery broker.

Used by ``/healthz`` (the web container's probe, a load balancer's) and by
``manage.py healthcheck`` (the worker's and beat's). A failure is logged with its
reason; what is reported carries no host name, address or message that could leak.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app as celery_app  # the project's (config.celery), made current
from django.db import connections

logger = logging.getLogger(__name__)

# Seconds to wait for the broker before calling it down; the probe must answer in time.
BROKER_TIMEOUT = 2


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT) as connection:
        # No retries: a health check reports the state now, it does not wait for better.
        connection.ensure_connection(max_retries=0)


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker}


def run_checks(names: list[str] | None = None) -> dict[str, str]:
    """{check name: "ok" or "unavailable"} for the named checks (all by default)."""
    results = {}
    for name in names or list(CHECKS):
        try:
            CHECKS[name]()
        except Exception:
            logger.exception("Health check %s failed", name)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return results


def healthy(results: dict[str, str]) -> bool:
    return all(value == "ok" for value in results.values())
