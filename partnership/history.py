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
from django.db.models import F, Window
from django.db.models.functions import Lag

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
    # A model's history may leave fields out (HistoricalRecords(excluded_fields=...)).
    kept = {f.attname for f in type(record)._meta.concrete_fields}
    for model_field in model._meta.concrete_fields:
        if model_field.name in _SKIPPED_FIELDS or model_field.attname not in kept:
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


def _entries_for_model(
    model: type[models.Model],
    *,
    scope: dict[str, Any],
    before: datetime | None,
    limit: int,
    user_id: int | None,
) -> list[HistoryEntry]:
    """Two queries: the newest rows with the id of each one's predecessor, then those."""
    historical = model.history.model
    rows = historical.objects.filter(**scope)
    if before is not None:
        rows = rows.filter(history_date__lt=before)
    if user_id is not None:
        rows = rows.filter(history_user_id=user_id)
    rows = list(
        rows.annotate(
            previous_history_id=Window(
                Lag("history_id"), partition_by=[F("id")], order_by=F("history_date").asc()
            )
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    previous_ids = [r.previous_history_id for r in rows if r.previous_history_id]
    previous = (
        {p.history_id: p for p in historical.objects.filter(history_id__in=previous_ids)}
        if previous_ids
        else {}
    )
    kind = str(model._meta.verbose_name).capitalize()
    return [
        HistoryEntry(
            when=row.history_date,
            who=row.history_user,
            action=_ACTIONS.get(row.history_type, row.history_type),
            kind=kind,
            object_id=row.id,
            label=_label(row, kind),
            reason=row.history_change_reason or "",
            changes=_changes(model, row, previous.get(row.previous_history_id)),
        )
        for row in rows
    ]


def partnership_history(
    *,
    partnership_ids: list[int],
    before: datetime | None = None,
    limit: int = 50,
    models_: list[type[models.Model]] | None = None,
    user_id: int | None = None,
) -> list[HistoryEntry]:
    """The newest ``limit`` changes across every registered model, newest first.

    Paginate with ``before`` = the ``when`` of the last entry shown.
    """
    streams = [
        _entries_for_model(
            model,
            scope=_scope(model, partnership_ids),
            before=before,
            limit=limit,
            user_id=user_id,
        )
        for model in (models_ or registered_models())
    ]
    merged = heapq.merge(*streams, key=lambda e: e.when, reverse=True)
    return [entry for _, entry in zip(range(limit), merged, strict=False)]


def object_history(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """The changes of one object, newest first (two queries)."""
    return _entries_for_model(
        type(obj), scope={"id": obj.pk}, before=None, limit=limit, user_id=None
    )
