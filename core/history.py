"""The change history of a partnership, read from django-simple-history's tables as an
auditor reads it: every reference by its name, amounts with their currency, times in the
site's time zone to the minute, one name per person, and the reason given for a change.

Apps register each historical model with the lookup from it to its partnership (the
partnership's own model with ``""``: the changes name it by its slug). A page of
the history costs the same four queries whatever the amount of history and however many
kinds of record it spans (each a UNION ALL over the models concerned):

1. ``Changes.count()``: how many changes match;
2. the page's keys: the kind, history id and time of the changes on the page (sorted and
   sliced in the database);
3. the page's rows: each change's recorded values, and those of the version before it, as
   JSON objects (one SELECT per kind on the page, in one statement);
4. the names of everything those values refer to (people, budget lines, goals…): the
   current row of each, or its last recorded version if it was deleted.

The per-object history (``object_history``) is steps 3 and 4: two queries.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from functools import cache
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Expression
from django.db.models import F
from django.db.models import Func
from django.db.models import Max
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models import Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import date_format
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext
from django.utils.translation import pgettext_lazy

from .formatting import money

# model -> lookup from the model to the partnership ("" for Partnership itself), or a
# function from partnership ids to filter arguments where no lookup reaches.
PathOrScope = str | Callable[[list[int]], dict[str, Any]]
_REGISTRY: dict[type[models.Model], PathOrScope] = {}

# Fields that say nothing to a reader of the history: the row's id and timestamps, and the
# partnership (every change on the page is of the same one).
_SKIPPED_FIELDS = {"id", "created_at", "updated_at", "partnership"}

EMPTY = "—"
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# What the page and the exports say of each (the API keeps the machine names above).
_ACTION_LABELS = {
    "created": pgettext_lazy("what happened to a record", "created"),
    "changed": pgettext_lazy("what happened to a record", "changed"),
    "deleted": pgettext_lazy("what happened to a record", "deleted"),
}
_LABEL_LENGTH = 90

# Output fields shared by the expressions of every query: a field built for each would
# cost more than compiling the query (a page's queries name hundreds of columns).
_TEXT = models.CharField()
_INTEGER = models.IntegerField()


def connect() -> None:
    """SQLite tells whether it has JSON functions by running a query, once per connection
    object: ask as the connection opens rather than in the middle of the first page that
    reads the history, whose query count would then depend on what came before."""
    connection_created.connect(_ask_for_json, dispatch_uid="core.history.json")


def _ask_for_json(sender: Any, connection: Any, **kwargs: Any) -> None:
    connection.features.has_json_object_function  # noqa: B018 - a cached property


def register(model: type[models.Model], *, partnership_path: PathOrScope) -> None:
    name = model._meta.model_name
    taken = next((m for m in _REGISTRY if m._meta.model_name == name and m is not model), None)
    if taken is not None:  # the kind filter names kinds by model name
        raise ValueError(f"{model._meta.label} and {taken._meta.label} share a model name.")
    _REGISTRY[model] = partnership_path


def _partnership_model() -> type[models.Model]:
    """The model registered as the partnership itself (lookup ``""``)."""
    return next(m for m, path in _REGISTRY.items() if path == "")


def registered_models() -> list[type[models.Model]]:
    return sorted(_REGISTRY, key=lambda m: str(m._meta.verbose_name))


def kind_label(model: type[models.Model]) -> str:
    return capfirst(str(model._meta.verbose_name))


def kind_choices() -> list[tuple[str, str]]:
    """(model name, verbose name) of every kind of record the history holds; the names
    lazy, so that a list made once reads in each request's language."""
    return [(m._meta.model_name, capfirst(m._meta.verbose_name)) for m in registered_models()]


class KindChoices(BaseChoiceIterator):
    """``kind_choices()``, read each time a form or the API's schema goes through them: a
    filter declared when its module is first imported offers the kinds the apps register
    later, when they are ready (a callable would do for the form, but the schema would
    then not list the kinds)."""

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from kind_choices()

    def __len__(self) -> int:
        return len(_REGISTRY)


def model_of_kind(name: str) -> type[models.Model] | None:
    return next((m for m in _REGISTRY if m._meta.model_name == name), None)


# --- What a reader sees -------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A user as the history names them: full name, else user name."""

    pk: int
    username: str
    name: str

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, user: Any) -> Person:
        full = f"{user.first_name} {user.last_name}".strip()
        return cls(pk=user.pk, username=user.username, name=full or user.username)


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    key: str  # unique across kinds: "<model name>-<history id>"
    when: dt.datetime
    who: Person | None  # None: no person (a data load, a command)
    action: str  # "created", "changed", "deleted"
    kind: str  # the kind's verbose name, e.g. "Budget line"
    model_name: str  # e.g. "budgetline"
    object_id: int
    label: str  # the object's name, e.g. "2019 · Priority area 1 (thematically earmarked)"
    reason: str
    partnership: str | None = None  # slug
    changes: list[Change] = field(default_factory=list)
    # The strategy's own words that end the label (a goal's text, a risk's title), for a
    # page to mark in the strategy's language: see label_parts.
    words: str = ""

    def label_parts(self) -> tuple[str, str]:
        """The label as (the page's words, the strategy's words that end it): ("Goal 1: ",
        "IOM's incoming …"), the latter cut where the label is; (the label, "") without."""
        words = self.words
        if not words:
            return self.label, ""
        if self.label.endswith(words):
            return self.label[: -len(words)], words
        if self.label.endswith("…"):
            shown = self.label[:-1]
            for length in range(min(len(words), len(shown)), 0, -1):
                if shown.endswith(words[:length]):
                    return shown[:-length], self.label[-length - 1 :]
        return self.label, ""

    @property
    def by(self) -> str | None:
        return self.who.name if self.who else None

    @property
    def action_label(self) -> str:
        """ "created", "changed", "deleted" in the reader's language."""
        return str(_ACTION_LABELS.get(self.action, self.action))


# --- Which changes ------------------------------------------------------------------------


def day_bounds(
    first: dt.date | None, last: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The start of ``first`` and the end of ``last`` (exclusive), in the site's time zone."""
    zone = timezone.get_default_timezone()

    def start(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)

    return (
        start(first) if first else None,
        start(last + dt.timedelta(days=1)) if last else None,
    )


@dataclass(frozen=True)
class Criteria:
    partnership_ids: tuple[int, ...]
    kinds: tuple[type[models.Model], ...] = ()  # every registered kind when empty
    person_id: int | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive
    oldest_first: bool = False

    @property
    def models(self) -> list[type[models.Model]]:
        return list(self.kinds) or registered_models()

    def order(self) -> list[str]:
        sign = "" if self.oldest_first else "-"
        return [f"{sign}history_date", f"{sign}history_kind", f"{sign}history_id"]


@cache
def _historical(model: type[models.Model]) -> type[models.Model]:
    # Each read of ``model.history`` builds a manager class: read it once per model.
    return model.history.model


def _multi_valued(model: type[models.Model], path: str) -> bool:
    """Whether the lookup crosses a relation to many (so a join would repeat rows)."""
    for name in path.split("__"):
        relation = model._meta.get_field(name)
        if relation.many_to_many or relation.one_to_many:
            return True
        model = relation.related_model
    return False


def _scope(model: type[models.Model], ids: list[int] | None) -> tuple[Q, Any]:
    """The model's history rows in the partnerships ``ids``, and an expression for the
    partnership each row belongs to (its id). With ``ids`` None: no filter, and the
    partnership only where a plain lookup names it."""
    path = _REGISTRY[model]
    historical = _historical(model)
    unknown = Value(None, output_field=_INTEGER)
    if callable(path):
        return (Q(**path(ids)) if ids is not None else Q()), unknown
    if path == "":
        return (Q(id__in=ids) if ids is not None else Q()), F("id")
    try:
        through_history = True
        multi = _multi_valued(historical, path)
    except FieldDoesNotExist:
        # Historical models have no reverse relations: follow one on the live model.
        through_history, multi = False, True
    if not multi:
        return (Q(**{f"{path}__in": ids}) if ids is not None else Q()), F(f"{path}_id")
    if ids is None:
        return Q(), unknown
    # Test the lookup in a subquery rather than a join, which would list a row once per
    # partnership it reaches (an organisation's facts, for each of its partnerships).
    if through_history:
        inside = historical._default_manager.filter(**{f"{path}__in": ids}).order_by()
        column, outer = "history_id", "history_id"
    else:
        inside = model._base_manager.filter(**{f"{path}__in": ids}).order_by()
        column, outer = "pk", "id"
    which = inside.filter(**{column: OuterRef(outer)}).order_by(path).values(path)[:1]
    return Q(**{f"{outer}__in": inside.values(column)}), Subquery(which)


def _matching(model: type[models.Model], criteria: Criteria) -> models.QuerySet:
    scope, _ = _scope(model, list(criteria.partnership_ids))
    rows = _historical(model)._default_manager.filter(scope)
    if criteria.person_id is not None:
        rows = rows.filter(history_user_id=criteria.person_id)
    if criteria.since is not None:
        rows = rows.filter(history_date__gte=criteria.since)
    if criteria.until is not None:
        rows = rows.filter(history_date__lt=criteria.until)
    return rows.order_by().annotate(history_kind=Value(model._meta.model_name, output_field=_TEXT))


def authors(partnership_ids: list[int]) -> Q:
    """Those who made a change in the partnerships (the "Who" of their history), as a
    filter on users: one subquery per kind, read within the query it filters."""
    criteria = Criteria(partnership_ids=tuple(partnership_ids))
    return reduce(
        operator.or_,
        (
            Q(pk__in=_matching(model, criteria).values("history_user_id"))
            for model in criteria.models
        ),
        Q(pk__in=[]),
    )


def _union(branches: list[models.QuerySet]) -> models.QuerySet:
    first, *rest = branches
    return first.union(*rest, all=True) if rest else first


@dataclass(frozen=True)
class _Key:
    model_name: str
    history_id: int


_KEY_COLUMNS = ("history_kind", "history_id", "history_date")


class Changes:
    """The changes that match ``criteria``, newest first (or oldest first), as a sequence
    a Paginator pages: ``count()`` is one query, a slice three (keys, rows, names)."""

    def __init__(self, criteria: Criteria) -> None:
        self.criteria = criteria
        self._count: int | None = None

    def _keys(self, limit: int | None = None) -> models.QuerySet:
        order = self.criteria.order()
        chosen = self.criteria.models
        stop_early = (
            limit is not None
            and len(chosen) > 1
            and connection.features.supports_slicing_ordering_in_compound
        )
        branches = []
        for model in chosen:
            branch = _matching(model, self.criteria).values(*_KEY_COLUMNS)
            if stop_early:
                # Each kind's first rows are enough for the page: let each branch stop there.
                branch = branch.order_by(*order)[:limit]
            branches.append(branch)
        return _union(branches).order_by(*order)

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys().count() if self.criteria.partnership_ids else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[HistoryEntry]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Changes are read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if (stop is not None and stop <= start) or not self.criteria.partnership_ids:
            return []
        keys = self._keys(limit=stop)
        found = keys[start:stop] if stop is not None else keys[start:]
        keys_found = [_Key(row["history_kind"], row["history_id"]) for row in found]
        return _entries(keys_found, list(self.criteria.partnership_ids))

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.all())

    def all(self) -> list[HistoryEntry]:
        """Every matching change, for an export: the rows in one query (no list of keys,
        however many), then the names in one."""
        order = self.criteria.order()
        ids = list(self.criteria.partnership_ids)
        if not ids:
            return []
        rows = _union(
            [
                _with_values(model, _matching(model, self.criteria), ids)
                for model in self.criteria.models
            ]
        ).order_by(*order)
        return _to_entries(list(rows))


def object_history(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """The changes of one object, newest first (two queries: its rows, then the names)."""
    model = type(obj)
    rows = (
        _historical(model)
        ._default_manager.filter(id=obj.pk)
        .annotate(history_kind=Value(model._meta.model_name, output_field=_TEXT))
    )
    found = _with_values(model, rows, None).order_by("-history_date", "-history_id")[:limit]
    return _to_entries(list(found))


# --- Rows: recorded values as JSON, so that one statement reads every kind ----------------


class _ExactDecoder(json.JSONDecoder):
    """Decimals stay decimals (an amount is never read as a float)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, parse_float=Decimal, **kwargs)


_JSON_VALUES = models.JSONField(decoder=_ExactDecoder)


class _Name(Expression):
    """A JSON key: a field's attname, written into the SQL as a literal (it is an
    identifier of ours, never input), with none of the output field and cast a ``Value``
    costs for each key of each object."""

    output_field = _TEXT

    def __init__(self, name: str) -> None:
        super().__init__()
        if not name.isidentifier():
            raise ValueError(f"{name!r} is no field name.")
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"'{self.name}'", []

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"'{self.name}'::text", []


class _Values(JSONObject):
    """The JSON object of recorded values (JSONB_BUILD_OBJECT on PostgreSQL, JSON_OBJECT
    elsewhere), its keys literals."""

    output_field = _JSON_VALUES

    def __init__(self, **fields: Any) -> None:
        expressions = []
        for key, value in fields.items():
            expressions.extend((_Name(key), value))
        Func.__init__(self, *expressions)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return Func.as_sql(
            self, compiler, connection, function="JSONB_BUILD_OBJECT", **extra_context
        )


@cache
def _tracked(model: type[models.Model]) -> list[models.Field]:
    """The fields the history keeps: a model may leave some out (``excluded_fields``)."""
    return list(_historical(model).tracked_fields)


def _values_of(fields: Iterable[models.Field]) -> _Values:
    return _Values(**{f.attname: F(f.attname) for f in fields})


_ROW_COLUMNS = (
    "history_kind",
    "history_id",
    "history_date",
    "history_user_id",
    "history_type",
    "history_change_reason",
    "id",
    "history_partnership",
    "history_values",
    "history_previous",
)


def _with_values(
    model: type[models.Model], rows: models.QuerySet, partnership_ids: list[int] | None
) -> models.QuerySet:
    """The rows with their recorded values, those of the version before each (a subquery
    run for these rows only) and the partnership each belongs to."""
    historical = _historical(model)
    tracked = _tracked(model)
    _, partnership = _scope(model, partnership_ids)
    previous = (
        historical._default_manager.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values(v=_values_of(tracked))[:1]
    )
    return rows.annotate(
        history_partnership=partnership,
        history_values=_values_of(tracked),
        history_previous=Subquery(previous, output_field=_JSON_VALUES),
    ).values(*_ROW_COLUMNS)


def _entries(keys: list[_Key], partnership_ids: list[int]) -> list[HistoryEntry]:
    """The entries of ``keys``, in their order: one query for the rows, one for the names."""
    if not keys:
        return []
    by_kind: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        by_kind[key.model_name].append(key.history_id)
    branches = []
    for name, history_ids in by_kind.items():
        model = model_of_kind(name)
        rows = (
            _historical(model)
            ._default_manager.filter(history_id__in=history_ids)
            .order_by()
            .annotate(history_kind=Value(name, output_field=_TEXT))
        )
        branches.append(_with_values(model, rows, partnership_ids))
    found = {(row["history_kind"], row["history_id"]): row for row in _union(branches)}
    return _to_entries([found[(k.model_name, k.history_id)] for k in keys])


def _decoded(model_field: models.Field, raw: Any) -> Any:
    """A value as the model holds it, from its JSON form (which differs by database)."""
    if raw is None:
        return None
    if isinstance(model_field, models.JSONField):
        if isinstance(raw, str):  # SQLite nests a JSON column as text
            try:
                return json.loads(raw)
            except ValueError:
                return raw
        return raw
    try:
        value = model_field.to_python(raw)
    except ValidationError:
        return raw
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)  # SQLite keeps UTC without an offset
    return value


def _instance(model: type[models.Model], fields: list[models.Field], values: dict) -> Any:
    return model(**{f.attname: _decoded(f, values.get(f.attname)) for f in fields})


# --- Names: everything the values refer to, in one query -----------------------------------


def _is_user_model(model: type[models.Model]) -> bool:
    return model is get_user_model()


_USER_FIELDS = ("id", "username", "first_name", "last_name")


@cache
def _name_fields(model: type[models.Model]) -> list[models.Field]:
    if _is_user_model(model):
        return [model._meta.get_field(name) for name in _USER_FIELDS]
    if _has_history(model):
        return _tracked(model)
    return list(model._meta.concrete_fields)


def _name_models(references: dict[type[models.Model], set[int]]) -> set[type[models.Model]]:
    """The models of the references and of what they refer to."""
    found = set(references)
    for model in references:
        found.update(key.related_model for key in _foreign_keys(model))
    return found


class _QueryRefusedError(Exception):
    pass


def _refuse_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise _QueryRefusedError(sql)


class _NameNotAtHandError(Exception):
    pass


class _NotAtHand:
    """Stands for a record further away than the names query reads (the reference of a
    reference of a reference): a name that needs it falls back to the object's own
    columns."""

    def __getattr__(self, name: str) -> Any:
        raise _NameNotAtHandError(name)

    def __str__(self) -> str:
        raise _NameNotAtHandError("str")


_NOT_AT_HAND = _NotAtHand()


@cache
def _has_history(model: type[models.Model]) -> bool:
    return not _is_user_model(model) and hasattr(model._meta, "simple_history_manager_attribute")


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in _name_fields(model) if isinstance(f, models.ForeignKey)]


def _name_branches(model: type[models.Model], selections: list[Any]) -> list[models.QuerySet]:
    """The current rows of ``model`` whose pk is in one of ``selections`` (ids, or a
    subquery of them) and, for a model with history, the last recorded version of each, so
    that a deleted one keeps its name."""
    label = Value(model._meta.label_lower, output_field=_TEXT)
    values = _values_of(_name_fields(model))

    def among(name: str) -> Q:
        return reduce(operator.or_, (Q(**{f"{name}__in": pks}) for pks in selections))

    def named(rows: models.QuerySet, *, ref: str, live: bool) -> models.QuerySet:
        return (
            rows.order_by()
            .annotate(
                name_kind=label,
                name_ref=F(ref),
                name_live=Value(int(live), output_field=_INTEGER),
                name_values=values,
            )
            .values("name_kind", "name_ref", "name_live", "name_values")
        )

    branches = [named(model._base_manager.filter(among("pk")), ref="pk", live=True)]
    if _has_history(model):
        historical = _historical(model)._default_manager
        latest = (
            historical.filter(among("id"))
            .order_by()
            .values("id")
            .annotate(latest=Max("history_id"))
            .values("latest")
        )
        branches.append(named(historical.filter(history_id__in=latest), ref="id", live=False))
    return branches


class _Names:
    """The records and people a page refers to, and those they refer to in turn, built
    from their recorded values (one query), each one's references to the others set, so
    that naming them never runs a query."""

    def __init__(self, references: dict[type[models.Model], set[int]]) -> None:
        self.objects: dict[tuple[type[models.Model], int], Any] = {}
        self._load(references)
        for obj in list(self.objects.values()):
            if isinstance(obj, models.Model):
                self.attach(obj)
        self._names: dict[tuple[type[models.Model], int], str] = {}

    def _load(self, references: dict[type[models.Model], set[int]]) -> None:
        branches = []
        for model, ids in references.items():
            ids.discard(None)
            if not ids:
                continue
            branches.extend(_name_branches(model, [ids]))
            # What these refer to (a note's agenda item): the ids read in subqueries.
            for key in _foreign_keys(model):
                targets = [model._base_manager.filter(pk__in=ids).values(key.attname)]
                if _has_history(model):
                    recorded = _historical(model)._default_manager.filter(id__in=ids)
                    targets.append(recorded.values(key.attname))
                branches.extend(_name_branches(key.related_model, targets))
        if not branches:
            return
        by_label = {m._meta.label_lower: m for m in _name_models(references)}
        for row in sorted(_union(branches), key=lambda r: r["name_live"]):  # live rows win
            model = by_label[row["name_kind"]]
            obj = _instance(model, _name_fields(model), row["name_values"])
            self.objects[(model, row["name_ref"])] = (
                Person.of(obj) if _is_user_model(model) else obj
            )

    def attach(self, obj: models.Model) -> None:
        """Set the object's references to the objects known here (a stand-in for those
        not read, so that nothing reaches for the database)."""
        for key in obj._meta.concrete_fields:
            if not isinstance(key, models.ForeignKey):
                continue
            value = getattr(obj, key.attname)
            if value is not None:
                key.set_cached_value(
                    obj, self.objects.get((key.related_model, value), _NOT_AT_HAND)
                )

    def person(self, user_id: int | None) -> Person | None:
        if user_id is None:
            return None
        found = self.objects.get((get_user_model(), user_id))
        return found or Person(pk=user_id, username="", name=gettext("a person no longer recorded"))

    def name(self, model: type[models.Model], pk: Any) -> str:
        if pk is None:
            return EMPTY
        key = (model, pk)
        if key not in self._names:
            obj = self.objects.get(key)
            if obj is None:
                self._names[key] = gettext("%(kind)s no longer recorded") % {
                    "kind": capfirst(str(model._meta.verbose_name))
                }
            else:
                self._names[key] = obj.name if isinstance(obj, Person) else label_of(obj)
        return self._names[key]


def label_of(obj: models.Model) -> str:
    """The object's own name (its ``label``, else its ``str``), never running a query: where
    the name needs an object that is not at hand, a name from the object's own columns."""
    try:
        with connection.execute_wrapper(_refuse_queries):
            has_label = isinstance(getattr(type(obj), "label", None), property)
            text = str(obj.label if has_label else obj)
    except (_QueryRefusedError, _NameNotAtHandError, AttributeError, TypeError, ValueError):
        text = _own_label(obj)
    return text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 1] + "…"


_LABEL_FIELDS = ("title", "name", "label", "text", "description", "reference", "filename")


def _own_label(obj: models.Model) -> str:
    kind = kind_label(type(obj))
    for name in _LABEL_FIELDS:
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    number = getattr(obj, "number", None)
    if number is not None:
        return f"{kind} {number}"
    as_of = getattr(obj, "as_of", None)
    if isinstance(as_of, dt.date):
        return gettext("%(kind)s as of %(date)s") % {
            "kind": kind,
            "date": date_format(as_of, "SHORT_DATE_FORMAT"),
        }
    return f"{kind} {obj.pk}"


# --- Values as a reader reads them ---------------------------------------------------------


def _currency(model_field: models.DecimalField, obj: models.Model) -> str | None:
    """The currency of a decimal that is money: two decimals, not a percentage, in DKK if
    its name says so (a payment's DKK equivalent), else in the row's currency (a field, or
    what the model states, e.g. a secondment's cost is in DKK)."""
    if model_field.decimal_places != 2 or "percent" in model_field.name:
        return None
    if "dkk" in model_field.name.lower() or "DKK" in str(model_field.verbose_name):
        return "DKK"
    currency = getattr(obj, "currency", None)
    return currency if isinstance(currency, str) and currency else None


def _number(value: Decimal) -> str:
    """25,000,000 or 0.125 (25.000.000, 0,125 in Danish)."""
    if value == value.to_integral_value():
        return number_format(value, decimal_pos=0, force_grouping=True)
    return number_format(value.normalize(), force_grouping=True)


def display(model_field: models.Field, obj: models.Model, names: _Names) -> str:  # noqa: PLR0911
    """The value of a field of a recorded version, as the history shows it."""
    value = getattr(obj, model_field.attname)
    if value is None or value in ("", []):
        return EMPTY
    if model_field.choices:
        labels = _choice_labels(model_field, get_language())
        return labels[value] if value in labels else str(value)
    if isinstance(model_field, models.ForeignKey):
        return names.name(model_field.related_model, value)
    if isinstance(model_field, models.DecimalField) and isinstance(value, Decimal):
        currency = _currency(model_field, obj)
        places = Decimal(1).scaleb(-model_field.decimal_places)
        return money(value.quantize(places), currency) if currency else _number(value)
    if isinstance(model_field, models.DateTimeField) and isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField) and isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _changes(
    model: type[models.Model], obj: models.Model, previous: models.Model | None, names: _Names
) -> list[Change]:
    result = []
    for model_field in _tracked(model):
        if model_field.name in _SKIPPED_FIELDS:
            continue
        new = display(model_field, obj, names)
        old = display(model_field, previous, names) if previous is not None else EMPTY
        if previous is None and new == EMPTY:
            continue
        if old != new:
            result.append(Change(_field_label(model_field, get_language()), old, new))
    return result


# A page shows the same fields and choices in every entry: their labels in a language are
# made once (fields and choices are fixed while the process runs).


@cache
def _field_label(model_field: models.Field, language: str | None) -> str:
    return capfirst(str(model_field.verbose_name))


@cache
def _choice_labels(model_field: models.Field, language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in model_field.flatchoices}


def _to_entries(rows: list[dict[str, Any]]) -> list[HistoryEntry]:
    """Entries from rows of ``_with_values``, in their order (one query, for the names)."""
    if not rows:
        return []
    references: dict[type[models.Model], set[int]] = defaultdict(set)
    partnership_model = _partnership_model()
    built = []
    for row in rows:
        model = model_of_kind(row["history_kind"])
        fields = _tracked(model)
        obj = _instance(model, fields, row["history_values"])
        previous = (
            _instance(model, fields, row["history_previous"]) if row["history_previous"] else None
        )
        for version in (obj, previous):
            if version is None:
                continue
            for model_field in fields:
                if isinstance(model_field, models.ForeignKey):
                    references[model_field.related_model].add(getattr(version, model_field.attname))
        references[get_user_model()].add(row["history_user_id"])
        references[partnership_model].add(row["history_partnership"])
        built.append((row, model, obj, previous))
    names = _Names(references)
    entries = []
    for row, model, obj, previous in built:
        names.attach(obj)
        if previous is not None:
            names.attach(previous)
        partnership = names.objects.get((partnership_model, row["history_partnership"]))
        entries.append(
            HistoryEntry(
                key=f"{row['history_kind']}-{row['history_id']}",
                when=row["history_date"],
                who=names.person(row["history_user_id"]),
                action=_ACTIONS.get(row["history_type"], row["history_type"]),
                kind=kind_label(model),
                model_name=row["history_kind"],
                object_id=row["id"],
                label=label_of(obj),
                reason=row["history_change_reason"] or "",
                partnership=partnership.slug if partnership is not None else None,
                changes=_changes(model, obj, previous, names),
                words=getattr(obj, "strategy_words", ""),
            )
        )
    return entries


# --- Export ---------------------------------------------------------------------------------

EXPORT_HEADERS = (
    "when", "who", "kind", "object", "action", "field", "from", "to", "reason",
)  # fmt: skip


def export_rows(entries: Iterable[HistoryEntry]) -> Iterator[tuple[Any, ...]]:
    """One row per changed value (an entry without values is one row), as the page shows
    them: times in the site's time zone, names, amounts with their currency."""
    for entry in entries:
        head = (
            entry.when,
            entry.by or gettext("system"),
            entry.kind,
            entry.label,
            entry.action_label,
        )
        for change in entry.changes or [None]:
            values = (change.field, change.old, change.new) if change else ("", "", "")
            yield (*head, *values, entry.reason)
