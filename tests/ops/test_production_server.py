"""The application as the web container runs it: gunicorn with config/gunicorn.py, DEBUG
off, HTTPS redirect on, behind a proxy that says X-Forwarded-Proto: https. Checked over
real HTTP on the loopback interface: the probe, redirects, headers, cookies and logs."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.ops.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
HOST = "monitor.example.org"
PASSWORD = "a-production-test-password"
SETUP = (
    "from django.core.management import call_command; "
    "from django.contrib.auth import get_user_model; "
    "call_command('migrate', verbosity=0); "
    "call_command('collectstatic', interactive=False, verbosity=0); "
    f"get_user_model().objects.create_user('operator', password='{PASSWORD}')"
)


class Server:
    def __init__(self, port: int, log: Path, env: dict[str, str]):
        self.port, self.log, self.env = port, log, env

    def request(self, method: str, path: str, *, https: bool = True, headers=None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        all_headers = {"Host": HOST, **({"X-Forwarded-Proto": "https"} if https else {})}
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        response.text = response.read().decode()
        connection.close()
        return response

    def logs(self) -> list[str]:
        return self.log.read_text().splitlines()


@pytest.fixture(scope="module")
def server(tmp_path_factory, redis_url):
    base = tmp_path_factory.mktemp("production")
    port = free_port()
    keep = {"PATH", "HOME", "LANG", "LC_ALL"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.ops.server_settings",
        DEBUG="false",
        SECRET_KEY="a-production-like-secret-key-" + "x" * 40,
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        DATABASE_URL=f"sqlite:///{base / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        VAR_DIR=str(base / "var"),
        STATIC_ROOT=str(base / "static"),
        MEDIA_ROOT=str(base / "media"),
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = base / "stdout.log"
    with log.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log, env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.request("GET", "/healthz", https=False).status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_containers_probe_finds_the_server_healthy(server):
    result = subprocess.run(
        [sys.executable, "-m", "ops.probe"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert '"status": "ok"' in result.stdout


def test_plain_http_is_redirected_to_https_except_the_health_check(server):
    response = server.request("GET", "/accounts/login/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/accounts/login/"
    assert server.request("GET", "/healthz", https=False).status == 200


def test_an_unknown_host_is_refused(server):
    assert server.request("GET", "/healthz", headers={"Host": "evil.example.com"}).status == 400


def test_security_headers_and_cookies_over_https(server):
    page = server.request("GET", "/accounts/login/")
    assert page.status == 200
    assert page.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "'unsafe-inline'" not in page.getheader("Content-Security-Policy")
    assert "script-src 'self'" in page.getheader("Content-Security-Policy")
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("Referrer-Policy") == "same-origin"
    csrf_header = page.getheader("Set-Cookie")
    assert "Secure" in csrf_header
    assert "HttpOnly" in csrf_header
    csrf_cookie = SimpleCookie(csrf_header)["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    login = server.request(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"https://{HOST}/accounts/login/",
            "Origin": f"https://{HOST}",
        },
        body=f"username=operator&password={PASSWORD}&csrfmiddlewaretoken={token}",
    )
    assert login.status == 302, login.text
    cookies = [v for k, v in login.getheaders() if k.lower() == "set-cookie"]
    (session,) = [c for c in cookies if c.startswith("sessionid=")]
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Max-Age=28800"):
        assert flag in session


def test_logs_go_to_stdout_with_the_request_id_in_every_line_of_the_request(server):
    request_id = uuid.uuid4().hex
    response = server.request("GET", "/no-such-page/", headers={"X-Request-ID": request_id})
    assert response.status == 404
    assert response.getheader("X-Request-ID") == request_id
    deadline = time.monotonic() + 10
    while not (lines := [line for line in server.logs() if request_id in line]):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(0.5)  # the access line follows the application's
    lines = [line for line in server.logs() if request_id in line]
    assert any("django.request Not Found: /no-such-page/" in line for line in lines), lines
    assert any(
        " gunicorn.access " in line and '"GET /no-such-page/ HTTP/1.1" 404' in line
        for line in lines
    )
    assert all(f"[{request_id}]" in line for line in lines)
