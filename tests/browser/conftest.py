"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

Use ``browser_as(user)`` in a test marked ``@pytest.mark.browser`` (or a module with
``pytestmark = pytest.mark.browser``) to get a :class:`Journey`: a Chromium page logged in
as that user, on the live server, collecting the page's errors; ``locale="da-DK"`` makes
its browser ask for Danish. ``browser_as(user,
logged_in=False)`` starts at no session instead, for a journey that logs in through the
login page (``journey.log_in(user)``). Screenshots go to ``test-artifacts/<test>/``
(git-ignored; CI leaves them there): ``journey.screenshot("step")`` for a step, and one of
every open page when a test fails.

``journey.audit("step")`` runs axe-core's WCAG 2.1 AA rules on the page as it stands,
checks that its charts have a text alternative and a table beside them (``charts.js``),
and keeps a screenshot; ``journey.assert_accessible()`` at the end fails on any violation
found and on any page the journey visited but never audited. ``Keyboard`` (in
``keyboard.py``) drives a journey by keys alone and checks that every focused element
shows its focus.

The ``worker`` fixture stands in for Celery: tasks sent while it is in use are kept, and
``worker.run()`` runs them in the test's thread, between two requests of the live server,
as a worker process would between two page loads.

Playwright's sync API runs an asyncio event loop in the test's thread, so Django's
guard against database calls from async code is switched off while the browser runs
(DJANGO_ALLOW_ASYNC_UNSAFE), and Playwright is started and stopped per test so no other
test ever runs beside that loop. The browser is never skipped: without Chromium the
journey fails (CI installs it).

The live server answers one request at a time. With the in-memory SQLite test database
every thread shares one connection, and two requests writing at once would mix their
transactions; one at a time, they cannot. For the same reason a test that waits for the
server to store something should ask the server (``journey.api_get``) rather than read
the database while the browser may be saving; a test that must touch the database while
a page is open takes the server's turn first (``with server_turn():``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.testcases import QuietWSGIRequestHandler

from tests.browser.axe import axe_violations
from tests.browser.axe import chart_problems
from tests.browser.axe import describe

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
TEST_PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's

# Held by the live server while it answers a request, and by a test that works on the
# database while a page is open (see the module's docstring).
_SERVER_TURN = threading.RLock()

# A full-page screenshot leaves an empty style attribute on form fields. htmx copies an
# old element's style attribute onto its replacement when it swaps, and the CSP (rightly)
# refuses that: the page would report errors that are the test's, not the application's.
_DROP_EMPTY_STYLES = (
    "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
)

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
    folder: Path
    shots: int = 0
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    audited: set[str] = field(default_factory=set)
    violations: dict[str, list[str]] = field(default_factory=dict)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    @property
    def path(self) -> str:
        """The current page's path and query."""
        url = urlsplit(self.page.url)
        return url.path + (f"?{url.query}" if url.query else "")

    def log_in(self, user: Any, password: str = TEST_PASSWORD) -> None:
        """Log in through the login page, typing as a person does."""
        self.goto("/accounts/login/")
        self.audit("login")
        self.page.get_by_label("Username").press_sequentially(user.username)
        self.page.get_by_label("Password").press_sequentially(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.base_url + "/")

    def csrf_token(self) -> str:
        """The CSRF token of the current page's forms (every page has the log-out form)."""
        return self.page.locator("input[name=csrfmiddlewaretoken]").first.input_value()

    def post_by_hand(self, path: str, data: dict[str, str]) -> Any:
        """POST a form as this person's browser would, with the page's CSRF token, but
        without the page offering it (the answer is returned, not followed)."""
        return self.page.context.request.post(
            self.base_url + path,
            form={"csrfmiddlewaretoken": self.csrf_token(), **data},
            headers={"Referer": self.page.url},
            max_redirects=0,
        )

    def audit(self, step: str, *, screenshot: bool = True) -> None:
        """Run axe's WCAG 2.1 AA rules (and its best practices) on the page as it stands,
        and check that each chart has a text alternative and a table beside it; keep what
        they find."""
        self.page.wait_for_load_state()
        found = describe(axe_violations(self.page)) + [
            f"chart: {problem}" for problem in chart_problems(self.page)
        ]
        if found:
            self.violations[f"{step} ({self.path})"] = found
        self.audited.add(urlsplit(self.page.url).path)
        if screenshot:
            self.screenshot(step)

    def assert_accessible(self) -> None:
        """No violation on any audited page, and no page visited without an audit."""
        unaudited = sorted({path for path in self.visited if path not in self.audited})
        found = [f"{where}:\n  " + "\n  ".join(lines) for where, lines in self.violations.items()]
        assert (unaudited, found) == ([], []), (
            f"pages visited but never audited: {unaudited}\n" + "\n".join(found)
        )

    def api_get(self, path: str) -> Any:
        """GET an API resource as this person (through the server, never the database)."""
        response = self.page.context.request.get(self.base_url + path)
        assert response.ok, (path, response.status)
        return response.json()

    def screenshot(self, step: str) -> Path:
        """test-artifacts/<test>/<nn>-<user>-<step>.png, numbered in the journey's order."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.page.evaluate(_DROP_EMPTY_STYLES)
        return path

    def _record(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "framenavigated",
            lambda frame: (
                self.visited.append(urlsplit(frame.url).path)
                if frame == page.main_frame and frame.url.startswith(self.base_url)
                else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"console on {self.path}: {message.text}")
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


class _TurnTakingWSGIServer(WSGIServer):
    """Answers each request holding the server's turn. Django's development server
    closes the connection after each answer when it is not threaded, so a turn is one
    request (a download is streamed inside it)."""

    def process_request(self, request, client_address):
        with _SERVER_TURN:
            super().process_request(request, client_address)


class SerialLiveServerThread(LiveServerThread):
    """Django's live server thread, serving one request at a time (see above)."""

    def _create_server(self, connections_override=None):
        return _TurnTakingWSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


@pytest.fixture
def server_turn() -> Callable[[], contextlib.AbstractContextManager]:
    """``with server_turn():`` the live server answers nothing until the block ends."""
    return lambda: _SERVER_TURN


@dataclass
class InProcessWorker:
    """Celery tasks sent during the test, run on demand in the test's thread."""

    sent: list[tuple[Any, tuple, dict]] = field(default_factory=list)

    def run(self) -> list[Any]:
        """Run every task sent so far, in order, between two requests of the live server;
        a task that fails fails the test. Returns their results."""
        results = []
        while self.sent:
            task, args, kwargs = self.sent.pop(0)
            with _SERVER_TURN:
                results.append(task.apply(args=args, kwargs=kwargs, throw=True).get())
        return results


@pytest.fixture
def worker(monkeypatch) -> InProcessWorker:
    """Keep the tasks the application sends (instead of handing them to a broker) so the
    test decides when a worker runs them: ``worker.run()``."""
    from celery import Celery

    kept = InProcessWorker()

    def send_task(app, name, args=None, kwargs=None, **options):
        # Both ways of sending end here: task.apply_async() and app.send_task(name).
        app.loader.import_default_modules()  # the apps' tasks modules, as a worker would
        kept.sent.append((app.tasks[name], tuple(args or ()), dict(kwargs or {})))

    monkeypatch.setattr(Celery, "send_task", send_task)
    return kept


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
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)  # no screenshot of an earlier run is left

    def open_as(
        user: Any,
        *,
        viewport: tuple[int, int] = (1280, 900),
        logged_in: bool = True,
        locale: str = "en-GB",
    ) -> Journey:
        # The browser's language (Accept-Language): "da-DK" for a Danish desk officer.
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            locale=locale,
            timezone_id="Europe/Copenhagen",
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        if logged_in:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_url}]
            )
        journey = Journey(
            page=context.new_page(), base_url=live_url, name=user.username, folder=folder
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


@pytest.fixture
def demo(iom):
    """The IOM partnership with every app's demo data, as ``manage.py setup_demo`` loads
    it (without its users: the tests' users have the roles)."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        module_name = f"{config.name}.seed"
        if config.name == "partnership" or not importlib.util.find_spec(module_name):
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "load_demo"):
            module.load_demo(iom)
    return iom
