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
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
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


def _on_write(sender: type[Model], **kwargs: Any) -> None:
    # A historical record is written with the row it records: that row's signal counts.
    if (
        sender._meta.app_label in _WATCHED
        and sender is not DataVersion
        and not issubclass(sender, HistoricalChanges)
    ):
        changed()


def _on_m2m(sender: type[Model], action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _on_write(kwargs["model"])


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="core.caching.save")
    post_delete.connect(_on_write, dispatch_uid="core.caching.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="core.caching.m2m")


def cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``parts`` since the last write.

    ``parts`` must name everything else the value depends on: the page or list, the
    query string, the user or their roles. Today's date and the language are part of
    every key."""
    key_parts = (translation.get_language(), timezone.localdate(), parts)
    raw = repr((data_version(), _LocalWrites.last, *key_parts))
    key = "pm:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
