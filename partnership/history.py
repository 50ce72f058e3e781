"""The change history of a partnership, read from django-simple-history's tables.

Apps register each historical model with the lookup from it to its partnership; the
history page and the per-object history read through here, with a fixed number of
queries per registered model whatever the number of rows.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery

# model -> lookup from the model to the partnership ("" for Partnership itself), or a
# function from partnership ids to filter arguments where no lookup reaches (historical
# models have no reverse relations).
PathOrScope = str | Callable[[list[int]], dict[str, Any]]
_REGISTRY: dict[type[models.Model], PathOrScope] = {}

# Fields that say nothing to a reader of the history.
_SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def register(model: type[models.Model], *, partnership_path: PathOrScope) -> None:
    _REGISTRY[model] = partnership_path


def registered_models() -> list[type[models.Model]]:
    return sorted(_REGISTRY, key=lambda m: m._meta.verbose_name)


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: Any
    action: str  # "created", "changed", "deleted"
    kind: str
    object_id: int
    label: str
    reason: str
    changes: list[Change] = field(default_factory=list)


_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _display(record: Any, model_field: models.Field) -> str:
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return f"#{value}"
    return str(value)


_LABEL_FIELDS = ("title", "name", "label", "text", "description", "reference")


def _label(record: Any, kind: str) -> str:
    """A label from the row's own columns: reading a relation here would cost a query per row."""
    for name in _LABEL_FIELDS:
        value = getattr(record, name, None)
        if value:
            text = str(value)
            return text if len(text) <= 90 else text[:89] + "…"
    number = getattr(record, "number", None)
    if number is not None:
        return f"{kind} {number}"
    as_of = getattr(record, "as_of", None)
    if as_of is not None:
        return f"{kind} as of {as_of:%d %b %Y}"
    return f"{kind} #{record.id}"


def _changes(model: type[models.Model], record: Any, previous: Any | None) -> list[Change]:
    result = []
    # The fields the history keeps: a model may leave some out (``excluded_fields``).
    for model_field in type(record).tracked_fields:
        if model_field.name in _SKIPPED_FIELDS:
            continue
        new = _display(record, model_field)
        old = _display(previous, model_field) if previous is not None else "—"
        if previous is None and new == "—":
            continue
        if old != new:
            result.append(Change(str(model_field.verbose_name), old, new))
    return result


def _scope(model: type[models.Model], partnership_ids: list[int]) -> dict[str, Any]:
    path = _REGISTRY[model]
    if callable(path):
        return path(partnership_ids)
    if path == "":
        return {"id__in": partnership_ids}
    return {f"{path}__in": partnership_ids}


@dataclass(frozen=True)
class _Key:
    when: datetime
    history_id: int
    previous_history_id: int | None
    model: type[models.Model]


def _keys(
    model: type[models.Model],
    *,
    scope: dict[str, Any],
    before: datetime | None,
    limit: int,
    user_id: int | None,
) -> list[_Key]:
    """One query: the model's newest history rows in the scope, as keys with the key of
    each one's predecessor (a subquery evaluated for those rows only, never a window over
    the whole table)."""
    historical = model.history.model
    rows = historical.objects.filter(**scope)
    if before is not None:
        rows = rows.filter(history_date__lt=before)
    if user_id is not None:
        rows = rows.filter(history_user_id=user_id)
    previous = (
        historical.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    found = (
        rows.order_by("-history_date", "-history_id")
        .annotate(previous_history_id=Subquery(previous))
        .values_list("history_date", "history_id", "previous_history_id")[:limit]
    )
    return [_Key(when, hid, prev, model) for when, hid, prev in found]


def _entries(model: type[models.Model], keys: list[_Key]) -> list[HistoryEntry]:
    """One query, always (so the count never depends on the data): the rows of ``keys``
    and their predecessors."""
    historical = model.history.model
    wanted = {k.history_id for k in keys} | {k.previous_history_id for k in keys}
    wanted.discard(None)
    rows = {
        row.history_id: row
        for row in historical.objects.filter(history_id__in=wanted or [0]).select_related(
            "history_user"
        )
    }
    kind = str(model._meta.verbose_name).capitalize()
    entries = []
    for key in keys:
        row = rows[key.history_id]
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=row.history_user,
                action=_ACTIONS.get(row.history_type, row.history_type),
                kind=kind,
                object_id=row.id,
                label=_label(row, kind),
                reason=row.history_change_reason or "",
                changes=_changes(model, row, rows.get(key.previous_history_id)),
            )
        )
    return entries


def partnership_history(
    *,
    partnership_ids: list[int],
    before: datetime | None = None,
    limit: int = 50,
    models_: list[type[models.Model]] | None = None,
    user_id: int | None = None,
) -> list[HistoryEntry]:
    """The newest ``limit`` changes across every registered model, newest first.

    Two queries per model whatever the amount of history: the newest keys of each, then,
    once the page's entries are chosen among them, their rows and predecessors.
    Paginate with ``before`` = the ``when`` of the last entry shown.
    """
    chosen_models = models_ or registered_models()
    keys = [
        _keys(
            model,
            scope=_scope(model, partnership_ids),
            before=before,
            limit=limit,
            user_id=user_id,
        )
        for model in chosen_models
    ]
    newest = heapq.nlargest(
        limit, (k for ks in keys for k in ks), key=lambda k: (k.when, k.history_id)
    )
    entries = []
    for model in chosen_models:
        entries.extend(_entries(model, [k for k in newest if k.model is model]))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def object_history(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """The changes of one object, newest first (two queries)."""
    model = type(obj)
    keys = _keys(model, scope={"id": obj.pk}, before=None, limit=limit, user_id=None)
    return _entries(model, keys)
