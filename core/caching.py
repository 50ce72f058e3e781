"""Cached pages and lists that stay correct after writes.

A cached value is keyed by the data version: a number in the database that goes up after
every committed write to a model of the apps whose data pages and lists show (a signal
on save, delete and many-to-many change, and an explicit call after bulk writes). Each
such app says so in its ``AppConfig.ready`` with :func:`watch`. Reading
it is one query by primary key, so every process — web workers, the Celery worker — sees
another's write as soon as it commits, and no entry outlives the data it was built from.

Within a process, a write also moves a local counter at once: a read in the same
transaction as the write (a test, a view that writes then reads) never sees an entry
built before it.

Two ways to use it: :func:`cached` keeps a value (an API list's page, the dashboard's
body), and :func:`cached_page` decorates a page view to keep its HTML in a cache of its
own (``CACHES["pages"]``), keyed by the URL, the user and the htmx headers, for a GET by
a signed-in user with no message waiting; each answer gets its session's CSRF token in
place of the placeholder the page was drawn with. Only a page whose HTML depends on
nothing else may be decorated (its docstring lists what is left out, and why). Writes
that send no signal (``QuerySet.update``, ``bulk_create``, raw SQL) to a watched app call
:func:`changed` themselves.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from functools import wraps
from typing import Any
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.db.models import Model
from django.db.models.signals import m2m_changed
from django.db.models.signals import post_delete
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils import translation
from simple_history.models import HistoricalChanges

from .models import DataVersion

T = TypeVar("T")

# The labels of the apps whose rows the cached pages and lists show (see watch()).
_WATCHED: set[str] = set()
TIMEOUT = 10 * 60


def watch(*app_labels: str) -> None:
    """Pages and lists show these apps' rows: a write to any of their models is a change."""
    _WATCHED.update(app_labels)


def watched() -> frozenset[str]:
    return frozenset(_WATCHED)


class _LocalWrites:
    """Writes this process has made, counted at once rather than at commit."""

    counter = itertools.count(1)
    last = 0


def data_version() -> int:
    number = DataVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def _bump() -> None:
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def changed() -> None:
    """Data was written: entries built before it are no longer read. The database's
    number moves after the transaction commits (once per transaction, in a statement of
    its own, so no writer waits on another's lock of the row)."""
    _LocalWrites.last = next(_LocalWrites.counter)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is _bump for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


# A sign-in saves only the user's last login, which no page or list shows: were it a
# change, every colleague's sign-in would end every cached page. (Show it, and drop this.)
_NOT_SHOWN = frozenset({"last_login"})


def _on_write(sender: type[Model], **kwargs: Any) -> None:
    # A historical record is written with the row it records: that row's signal counts.
    if (
        sender._meta.app_label in _WATCHED
        and sender is not DataVersion
        and not issubclass(sender, HistoricalChanges)
        and not (kwargs.get("update_fields") and kwargs["update_fields"] <= _NOT_SHOWN)
    ):
        changed()


def _on_m2m(sender: type[Model], action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _on_write(kwargs["model"])


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="core.caching.save")
    post_delete.connect(_on_write, dispatch_uid="core.caching.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="core.caching.m2m")


def _key(parts: tuple[Any, ...]) -> str:
    """The key of ``parts`` at the current data version, today and in this language
    (one query: the data version)."""
    key_parts = (translation.get_language(), timezone.localdate(), parts)
    raw = repr((data_version(), _LocalWrites.last, *key_parts))
    return "pm:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``parts`` since the last write.

    ``parts`` must name everything else the value depends on: the page or list, the
    query string, the user or their roles. Today's date and the language are part of
    every key."""
    key = _key(parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


# --- Pages ----------------------------------------------------------------------------
# The cache alias the pages are kept in: larger than the API's data, bounded on their own.
PAGES = "pages"
# What ``{% csrf_token %}`` and ``{{ csrf_token }}`` write while a page is drawn for the
# cache (page_csrf_token below): each response gets its own session's token in its place.
CSRF_PLACEHOLDER = "pm-page-cache-csrf-token-placeholder-0f3c9a7e5b1d4c2a8e6f0b9d7c5a3e1f"
_RENDERING = "_pm_page_for_cache"


def page_csrf_token(request: HttpRequest) -> dict[str, str]:
    """Context processor (listed after Django's own, so it wins): the placeholder for the
    CSRF token while a page is drawn for the cache, nothing otherwise."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def _page_parts(request: HttpRequest) -> tuple[Any, ...]:
    # Every HX-* header: a fragment asked by htmx and the full page differ, and htmx's
    # target, trigger and current address may change what a view answers.
    htmx = sorted((k.lower(), v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    return ("page", request.build_absolute_uri(), request.user.pk, htmx)


def _servable(request: HttpRequest) -> bool:
    """A page may come from (and go to) the cache: a GET or HEAD by a signed-in user with
    no message waiting (it must be shown, and used up, as on any other page)."""
    return (
        request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        # A message the view added is shown on this page: never kept for the next read.
        and not len(messages.get_messages(request))
    )


def _with_csrf_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        # get_token also has the CSRF middleware set (or keep) the session's cookie.
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page view whose HTML is kept until the next write (Django's ``cache_page``, but
    keyed by the data version like :func:`cached`, so no page outlives its data).

    The key: the whole URL (host, path and query string), the user, every HX-* header,
    the language, today's date and the data version. Only a GET
    or HEAD by a signed-in user with no message waiting is served from or kept in the
    cache, and only a 200 ``text/html`` answer that sets no cookie, added no message and
    is at most ``PAGE_CACHE_MAX_BYTES`` long is kept (in ``CACHES["pages"]``). The CSRF
    token is drawn as a placeholder and each response gets its own session's token.
    Everything before the view (sign-in, second factor, access) runs on every request.

    Decorate only a page whose HTML is a function of these alone. Left undecorated:
    pages that read or write the session (sign-in and its steps, recovery codes, the
    security and authenticator set-up pages, the language chooser), that show a secret
    or a one-time value (API tokens, an invitation's acceptance), that depend on the
    second factor's device state (django_otp is not a watched app), file downloads and
    exports (not HTML), pages that write when read or show a value the data version does
    not cover (the IATI overview, whose file checks are written when a file is built
    without a signal; issuing a report version, whose page names today's date in UTC,
    not the local date of the key), and pages answering POST only.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _servable(request):
            # A value the page holds from cached() may have been drawn for a cached page.
            return _with_csrf_token(request, view(request, *args, **kwargs))
        store = caches[PAGES]
        key = _key(_page_parts(request))
        entry = store.get(key)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            return _with_csrf_token(request, response)
        setattr(request, _RENDERING, True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        finally:
            delattr(request, _RENDERING)
        if _storable(request, response):
            headers = list(response.items())
            store.set(key, (response.status_code, headers, response.content), TIMEOUT)
        return _with_csrf_token(request, response)

    return wrapper
