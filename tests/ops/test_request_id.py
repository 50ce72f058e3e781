"""Every request has an id: a sane incoming X-Request-ID is kept, anything else replaced;
it is echoed in the response and stands in every log line of the request."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid

import pytest
from django.conf import settings as django_settings

from config.celery import app as celery_app
from ops.logs import RequestIdFilter
from ops.logs import UTCFormatter

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
# One record's first line: UTC time, level, [request id], logger, message.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\w+) \[([^\]]+)\] (\S+) ")


@pytest.fixture
def log_lines():
    """The lines the stdout handler would write, as the settings format them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(UTCFormatter(django_settings.LOGGING["formatters"]["plain"]["format"]))
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one_each_time(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert HEX_ID.match(first)
    assert HEX_ID.match(second)
    assert first != second


@pytest.mark.parametrize(
    "given", ["3f2c9a7e0b1d4c8e9f6a5b4c3d2e1f00", "7d444840-9dc0-41dc-a2f8-4b5e8a3c6f21"]
)
def test_a_uuid_from_the_proxy_is_kept(client, given):
    response = client.get("/accounts/login/", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given",
    [
        "not-a-uuid",
        "x" * 500,
        "1234 OR 1=1",
        "4f9c1c2e<script>alert(1)</script>",
        "",
    ],
)
def test_anything_else_is_replaced_by_a_fresh_id(client, given):
    response = client.get("/accounts/login/", headers={"X-Request-ID": given})
    assert HEX_ID.match(response["X-Request-ID"])
    assert response["X-Request-ID"] != given


def test_every_log_line_of_a_request_carries_its_id(client, log_lines, monkeypatch, closed_port):
    """A failing health check logs from our code, Django logs the 503: both carry the id."""
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{closed_port}/0")
    given = uuid.uuid4().hex
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert response.status_code == 503
    records = [match.groups() for line in log_lines() if (match := LOG_LINE.match(line))]
    assert {"ops.health", "django.request"} <= {logger for _, _, logger in records}
    assert {request_id for _, request_id, _ in records} == {given}


def test_log_lines_outside_a_request_say_so(log_lines):
    logging.getLogger("ops.test").warning("outside any request")
    assert any("[-] ops.test outside any request" in line for line in log_lines())


def test_a_task_sent_during_a_request_carries_its_id_to_the_worker(tmp_path):
    """django-guid's Celery integration: the id travels in the task's headers, and the
    worker sets it for the task's log lines."""
    from django_guid.context import guid

    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}
    given = uuid.uuid4().hex
    token = guid.set(given)
    # A connection of its own: the app's cached producer pool stays on the real broker.
    try:
        with celery_app.connection_for_write("filesystem://", transport_options=options) as conn:
            celery_app.send_task("reviews.tasks.example", args=[1], connection=conn)
    finally:
        guid.reset(token)
    (message,) = [json.loads(path.read_text()) for path in tmp_path.glob("*.msg")]
    assert message["headers"]["X-Request-ID"] == given
    assert message["properties"]["delivery_info"]["routing_key"] == "pdf"
