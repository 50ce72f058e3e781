"""/healthz: the database and the broker, 200 when both answer, 503 otherwise."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError
from django.core.management import call_command
from django.db import OperationalError
from django.db import connections

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

ALL_OK = {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.fixture
def broker(monkeypatch):
    """broker(url): point the Celery app at that broker for this test."""
    return lambda url: monkeypatch.setitem(celery_app.conf, "broker_url", url)


def test_healthy_with_the_redis_broker_up(client, broker, redis_url):
    broker(redis_url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == ALL_OK


def test_healthy_with_the_embedded_broker(client, broker, monkeypatch, tmp_path):
    """Without REDIS_URL (the demo), the file-system broker counts as up."""
    broker("filesystem://")
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder}
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", options)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == ALL_OK


def test_503_with_the_broker_down_and_nothing_of_the_failure_in_the_answer(
    client, broker, closed_port
):
    broker(f"redis://:a-broker-password@127.0.0.1:{closed_port}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    # Exactly this: no host, port, password or error message leaks out.
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "unavailable"},
    }
    assert "Cache-Control" in response
    assert "no-cache" in response["Cache-Control"]


def test_503_with_the_database_down(client, broker, redis_url, monkeypatch):
    broker(redis_url)

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "broker": "ok"},
    }


def test_needs_no_login_and_only_answers_get(client, desk, login, broker, redis_url):
    broker(redis_url)
    assert client.get("/healthz").status_code == 200  # anonymous: no redirect to log in
    assert login(desk).get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_the_healthcheck_command_exits_non_zero_when_the_broker_is_down(
    broker, closed_port, capsys
):
    broker(f"redis://127.0.0.1:{closed_port}/0")
    with pytest.raises(CommandError, match="unhealthy: broker"):
        call_command("healthcheck")
    call_command("healthcheck", "database")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"database": "ok"}


def test_the_healthcheck_command_reports_both_when_all_is_up(broker, redis_url, capsys):
    broker(redis_url)
    call_command("healthcheck")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
        "broker": "ok",
        "database": "ok",
    }


def test_the_healthcheck_command_refuses_an_unknown_check():
    with pytest.raises(CommandError, match="No such check: cache"):
        call_command("healthcheck", "cache")
