"""Production settings refuse to start without their secrets and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_debug_the_app_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_boolean_is_refused_by_name():
    result = run_manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'perhaps'" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-production-like-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="monitor.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_content_security_policy_forbids_inline_script_and_style(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, desk):
    client.force_login(desk)
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_celery_takes_json_only_and_acknowledges_late():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit > 0


def test_the_embedded_defaults_are_sqlite_in_wal_mode_and_a_filesystem_broker(tmp_path):
    """Without DATABASE_URL and REDIS_URL the app needs no server."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from django.db import connection; "
        "connection.ensure_connection(); "
        "print(connection.vendor, settings.CELERY_BROKER_URL); "
        "print(connection.cursor().execute('PRAGMA journal_mode').fetchone()[0]); "
        "print(settings.DATABASES['default']['OPTIONS']['timeout'])",
        DEBUG="true",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "filesystem://", "wal", "20"]
    assert (tmp_path / "db.sqlite3").exists()


@pytest.mark.django_db
def test_every_page_needs_a_login(client):
    response = client.get("/p/denmark-iom-2018-2020/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/p/denmark-iom-2018-2020/"
    assert client.get("/accounts/login/").status_code == 200


def test_postgresql_connections_do_not_compile_queries_just_in_time():
    """PostgreSQL's JIT made the Annex IV reconciliation take 59 s at scale 100 (0.7 s
    without it), compiling plans it estimated costly: connections turn it off."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DEBUG="true",
        DATABASE_URL="postgres://user@127.0.0.1:5432/monitor",
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c jit=off'" in result.stdout


@pytest.mark.services
@pytest.mark.django_db
def test_the_database_of_the_tests_runs_without_jit_when_it_is_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("set DATABASE_URL to a PostgreSQL database")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
