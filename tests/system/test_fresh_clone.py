"""The set-up from nothing, as a newcomer does it: a clean clone of this commit in a
temporary folder, the system packages checked, the environment synced from the lock by
`make deps` (with the uv on PATH, or where there is none, a private one it installs),
Django's checks, and `make demo` setting up the demo and serving it on a free loopback
port, where the login page answers and a demo user logs in.

What is not committed is not in the clone: the test proves the commit, as git has it."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.ops.conftest import free_port

pytestmark = pytest.mark.setup

ROOT = Path(__file__).resolve().parents[2]
# What a newcomer's shell has, the machine's way to the network included (its proxy and
# certificate authorities, which pip and uv need to download); not the test run's settings
# (DEBUG, VAR_DIR, CI's DATABASE_URL…) nor the environment of the checkout under test.
KEPT = {
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "USER",
    "UV_CACHE_DIR",
    "XDG_CACHE_HOME",
    *("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT", "PIP_INDEX_URL"),
    *("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"),
}


def newcomer_env() -> dict[str, str]:
    outer_venv = str(Path(sys.prefix) / "bin")
    path = [p for p in os.environ["PATH"].split(os.pathsep) if p != outer_venv]
    return {
        **{k: v for k, v in os.environ.items() if k in KEPT},
        "PATH": os.pathsep.join(path),
    }


def step(*command: str, cwd: Path, timeout: int = 300, **env: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed commands of the project's own set-up
        command,
        cwd=cwd,
        env={**newcomer_env(), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def git(*args: str, cwd: Path = ROOT) -> str:
    return step("git", *args, cwd=cwd).strip()


def get(port: int, path: str, headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    method = "POST" if body is not None else "GET"
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.text = response.read().decode()
    connection.close()
    return response


def wait_for_page(port: int, path: str, server: subprocess.Popen, log: Path):
    deadline = time.monotonic() + 180
    while True:
        assert server.poll() is None, f"make demo stopped:\n{log.read_text()}"
        try:
            return get(port, path)
        except OSError:
            assert time.monotonic() < deadline, f"nothing served:\n{log.read_text()}"
            time.sleep(0.5)


def stop_group(process: subprocess.Popen) -> None:
    """Stop make and all it started (Ctrl-C's way: the whole group), killing what is left
    after 30 seconds."""
    group = process.pid
    os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(group, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_clean_clone_sets_up_and_serves_the_demo(tmp_path):
    clone = tmp_path / "clone"
    commit = git("rev-parse", "HEAD")
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone))
    git("checkout", "--quiet", "--detach", commit, cwd=clone)
    assert not (clone / ".venv").exists()
    assert not (clone / "var").exists()

    checked = step("bash", "system/packages.sh", "check", "demo", "test", cwd=clone)
    assert re.fullmatch(r"System packages for demo test: all \d+ installed\.\n", checked)
    # The environment as make makes it: with the uv on PATH, or where there is none, a
    # private copy it installs first (var/uv).
    step("make", "deps", cwd=clone)
    checks = step(".venv/bin/python", "manage.py", "check", cwd=clone, DEBUG="true")
    assert "System check identified no issues" in checks

    # make demo as the README gives it (packages only checked: this test installs nothing).
    port = free_port()
    log = tmp_path / "make-demo.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - the project's own make target
            ["make", "demo", "PACKAGES=check", "HOST=127.0.0.1", f"PORT={port}"],  # noqa: S607
            cwd=clone,
            env=newcomer_env(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, the worker and the server: one group to stop
        )
    try:
        login = wait_for_page(port, "/accounts/login/", server, log)
        assert login.status == 200, login.text
        assert "Loaded “Strategic Partnership Agreement between Denmark and IOM" in log.read_text()

        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        cookie = login.getheader("Set-Cookie").split(";", 1)[0]
        logged_in = get(
            port,
            "/accounts/login/",
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}/accounts/login/",
            },
            body=urlencode(
                {"csrfmiddlewaretoken": csrf, "username": "desk", "password": "partnership-demo"}
            ),
        )
        assert (logged_in.status, logged_in.getheader("Location")) == (302, "/"), logged_in.text
    finally:
        stop_group(server)
    assert (clone / "var" / "db.sqlite3").exists()
