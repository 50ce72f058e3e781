"""Counting the queries a request makes, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Transaction control shows up as statements on SQLite only; it is not a query of the page.
_TRANSACTION = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def data_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not _TRANSACTION.match(q["sql"])]


def count_get(client, url: str, **params) -> int:
    """Queries made by a GET that must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(data_queries(captured))


def cost_get(client, url: str, **params) -> tuple[int, int]:
    """Queries made and rows read by a GET that must answer 200: what a page costs the
    database, which must not grow with the record once its lists are paged."""
    from bench.pages import rows_read

    with CaptureQueriesContext(connection) as captured, rows_read() as read:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(data_queries(captured)), read.rows
