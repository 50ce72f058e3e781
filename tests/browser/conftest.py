"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

Use ``browser_as(user)`` in a test marked ``@pytest.mark.browser`` (or a module with
``pytestmark = pytest.mark.browser``) to get a :class:`Journey`: a Chromium page logged in
as that user, on the live server, collecting the page's errors. Screenshots go to
``test-artifacts/`` (git-ignored): ``journey.screenshot("name")`` for a step, and one of
every open page when a test fails.

Playwright's sync API runs an asyncio event loop in the test's thread, so Django's
guard against database calls from async code is switched off while the browser runs
(DJANGO_ALLOW_ASYNC_UNSAFE), and Playwright is started and stopped per test so no other
test ever runs beside that loop. The browser is never skipped: without Chromium the
journey fails (CI installs it).

The live server answers one request at a time. With the in-memory SQLite test database
every thread shares one connection, and two requests writing at once would mix their
transactions; one at a time, they cannot. For the same reason a test that waits for the
server to store something should ask the server (``journey.api_get``) rather than read
the database while the browser may be saving.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"
TIMEOUT_MS = 15_000

# Noise that is not the application's: the browser asks for a favicon the app has none of.
_IGNORED_FAILURES = re.compile(r"/favicon\.ico$")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Journey:
    """A person in a browser: the page, where the server is, and what went wrong."""

    page: Any  # playwright.sync_api.Page
    base_url: str
    name: str
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def api_get(self, path: str) -> Any:
        """GET an API resource as this person (through the server, never the database)."""
        response = self.page.context.request.get(self.base_url + path)
        assert response.ok, (path, response.status)
        return response.json()

    def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def _record(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}")
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"{response.status} {response.url}")
                if response.status >= 500
                or (response.status == 404 and not _IGNORED_FAILURES.search(response.url))
                else None
            ),
        )


@pytest.fixture
def _playwright(monkeypatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser(_playwright) -> Iterator[Any]:
    browser = _playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class SerialLiveServerThread(LiveServerThread):
    """Django's live server thread, serving one request at a time (see above)."""

    def _create_server(self, connections_override=None):
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def live_url(transactional_db, settings) -> Iterator[str]:
    """The address of a live server for this test, started on a free port."""
    # The live server speaks plain HTTP: cookies must not be limited to HTTPS.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    thread = SerialLiveServerThread("localhost", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


@pytest.fixture
def browser_as(browser, live_url, request) -> Iterator[Callable[..., Journey]]:
    """browser_as(user) -> a Journey logged in as ``user`` (its own browser context)."""
    journeys: list[Journey] = []
    name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def open_as(user: Any, *, viewport: tuple[int, int] = (1280, 900)) -> Journey:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="en-GB"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_url}]
        )
        journey = Journey(
            page=context.new_page(), base_url=live_url, name=f"{name}-{user.username}"
        )
        journey._record(journey.page)
        journeys.append(journey)
        return journey

    yield open_as
    failed = getattr(request.node, "report_call", None)
    for journey in journeys:
        if failed is not None and failed.failed and not journey.page.is_closed():
            journey.screenshot("failure")
        journey.page.context.close()
