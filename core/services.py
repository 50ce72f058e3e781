"""The writes every service of a record shares: save a new record, with who made it; save
what changed, or a correction, with its reason; withdraw a record entered by mistake, with
the reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from django.db import models
from django.db import transaction

from .reasons import clean_reason

M = TypeVar("M", bound=models.Model)


def editable(fields: tuple[str, ...], changes: Mapping[str, Any]) -> Mapping[str, Any]:
    """``changes``, if it names only ``fields`` (the fields an ``<entity>_update`` service
    may change, which its form and serializer list too); a programming error otherwise."""
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(unknown)}.")
    return changes


def record_create(*, instance: M, by: Any, reason: str = "") -> M:
    """Check and save a new record, with who made it (and why, if a reason is given) in its
    history."""
    instance.full_clean()
    instance._history_user = by  # else the request's user (HistoryRequestMiddleware)
    if reason:
        instance._change_reason = reason  # read by django-simple-history
    instance.save()
    return instance


def save_changes(
    *, current: M, values: Mapping[str, Any], by: Any = None, reason: str | None = None
) -> M:
    """Set on a record the caller has locked those of ``values`` that differ from what it
    holds, validate it and save those fields, with the person (``by``) and the reason in
    its history entry. A change that differs in nothing writes nothing (and no history
    row)."""
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    if reason is not None:
        current._change_reason = reason  # read by django-simple-history
    if by is not None:
        current._history_user = by  # else the request's user (HistoryRequestMiddleware)
    current.save(update_fields=changed)
    return current


def record_update(*, instance: M, data: Mapping[str, Any], reason: str = "", by: Any = None) -> M:
    """Change fields of a record, keeping the reason (and the person, ``by``) with its
    history entry. An app's ``<entity>_update`` service says which fields may change and
    checks its rules; this saves them.

    Compares with the stored row (locked for the update), so it works on an instance a
    form has already changed in memory; saves only the fields that differ, and a change
    that differs in nothing writes nothing (and no history row).
    """
    with transaction.atomic():
        current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        return save_changes(current=current, values=data, by=by, reason=reason.strip())


def apply_changes(*, current: M, changes: Mapping[str, Any], reason: str = "") -> M:
    """Set ``changes`` on a record the caller has locked and checked, validate it and save
    those fields, the reason going with the history entry. Unlike :func:`record_update`,
    it saves (and the history records) a correction even where no value differs."""
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current._change_reason = reason  # read by django-simple-history
    current.save(update_fields=list(changes))
    return current


def record_withdraw(*, instance: models.Model, reason: str) -> None:
    """Delete a record entered by mistake (locked first); its history keeps it, with the
    reason, which is required. An app's ``<entity>_withdraw`` service checks its rules."""
    reason = clean_reason(reason)
    with transaction.atomic():
        current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        current._change_reason = reason  # read by django-simple-history
        current.delete()
