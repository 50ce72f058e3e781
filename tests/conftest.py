"""Shared test setup: the IOM partnership as the strategy describes it, a second
partnership for isolation, and one user per role."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Profile
from partnership.models import Membership
from partnership.models import Partnership
from portfolio import seed
from tests import factories
from tests import mail

Role = Membership.Role


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI no test may be skipped: a skip there means a service the run should have
    started is missing."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that take tens of seconds each go first (the set-up from a clean clone,
    then the browser journeys), each group in its shuffled order: started last, one would
    run on alone while the other worker sits idle."""
    items.sort(
        key=lambda item: (
            not any(item.iter_markers("setup")),
            not any(item.iter_markers("browser")),
        )
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many requests the API fuzzing sent (xdist carries user_properties over).
    Here, not in tests/api/: under xdist the controller prints the summary and loads
    only this conftest."""
    sent = 0
    runs = {"passed": 0, "failed": 0}
    for outcome, reports in terminalreporter.stats.items():
        for report in reports:
            if getattr(report, "when", None) != "call" or "test_fuzz" not in report.nodeid:
                continue
            sent += sum(v for k, v in report.user_properties if k == "fuzz_requests")
            if outcome in runs:
                runs[outcome] += 1
    if runs["passed"] or runs["failed"]:
        terminalreporter.write_line(
            f"API fuzzing: {sent} requests that passed every check; "
            f"{runs['passed']} operation runs passed, {runs['failed']} failed."
        )


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request leaves the language it was read
    in active in the thread (Django's LocaleMiddleware does not undo it), and a Danish
    request must not make the next test's services answer in Danish."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _dated_factories_start_afresh():
    """Goal updates and risk assessments are dated one day apart from 1 January 2018 on,
    counted within each test: counted across a shuffled run of thousands of tests, the dates
    ran past today, which the services refuse."""
    factories.GoalUpdateFactory.reset_sequence()
    factories.RiskAssessmentFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Cached pages and lists (core.caching) start empty: each test's database is
    # rolled back, and its data version with it.
    cache.clear()
    caches["pages"].clear()
    # The API's rate limits count on a cache of the test's own, far above what any test
    # sends; tests/api/test_throttling.py sets limits of its own.
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    caches["throttle"].clear()
    settings.API_RATE_PER_TOKEN = settings.API_RATE_PER_USER = "100000/minute"
    # Users log in with a password alone, as in the demo; tests/accounts/test_mfa.py and
    # the browser's sign-in journey turn the second factor on (production's default).
    settings.MFA_REQUIRED = False


# Loading the partnership from the strategy is some forty rows with their history: a
# quarter of a typical test's time. It is loaded once per test database (per xdist worker)
# and committed; each test's transaction rolls back to it. A transactional test empties
# every table when it ends, so it is loaded again after one.
_database = {"blocker": None}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed.load()
    _database["blocker"] = django_db_blocker


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    marked = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )
    return bool(marked) or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield  # the test's fixtures are torn down: a transactional test's tables emptied
    blocker = _database["blocker"]
    if blocker is not None and _transactional(item):
        with blocker.unblock():
            seed.load()
    return result


@pytest.fixture
def iom(db) -> Partnership:
    """The Denmark–IOM partnership loaded from the shipped fixture (see above)."""
    return Partnership.objects.filter(slug=seed.IOM_SLUG).first() or seed.load()


@pytest.fixture
def other_partnership(db) -> Partnership:
    return factories.PartnershipFactory(slug="other-partnership", title="Another agreement")


@pytest.fixture
def desk(iom):
    return factories.member(iom, Role.DESK_OFFICER, username="desk")


@pytest.fixture
def geneva(iom):
    return factories.member(iom, Role.MISSION_STAFF, username="geneva")


@pytest.fixture
def auditor(iom):
    return factories.member(iom, Role.AUDITOR, username="auditor")


@pytest.fixture
def outsider(other_partnership):
    """A desk officer of another partnership: no membership in the IOM one."""
    return factories.member(other_partnership, Role.DESK_OFFICER, username="outsider")


@pytest.fixture
def portfolio_admin(db):
    """A portfolio administrator (the ministry-wide role) holding no role in a partnership."""
    user = factories.UserFactory(username="portfolio", first_name="Portfolio", last_name="Admin")
    Profile.objects.create(user=user, is_portfolio_admin=True)
    return user


@pytest.fixture
def users(desk, geneva, auditor, outsider):
    return {"desk": desk, "geneva": geneva, "auditor": auditor, "outsider": outsider}


def _logged_in(client_class, user):
    client = client_class()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def login():
    """login(user) -> a page client logged in as that user (None: anonymous)."""
    return lambda user: _logged_in(Client, user)


@pytest.fixture
def api_login():
    """api_login(user) -> an API client with that user's session (None: anonymous)."""
    return lambda user: _logged_in(APIClient, user)


@pytest.fixture
def smtp(settings):
    """Mail goes by SMTP to a real server on loopback (aiosmtpd); the test reads what it
    received (``tests.mail.Mailbox``)."""
    yield from mail.smtp_server(settings)
