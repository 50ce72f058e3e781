"""The strategy file: a partnership's strategy in one YAML document (README, *Strategy
files*): the organisation, the partnership, its priority areas, overall goals with their
indicators, risks, budget table, standard agenda and the documents it cites.

:func:`read` checks a whole file before anything is stored and reports every problem with
its line and the field it is at (``StrategyFileError``); :func:`dump` writes a partnership's
strategy (:class:`Strategy`) back as such a file. ``services.strategy_save`` stores one.

The fields are those of the models (``partnership.models``, ``funding.models``,
``consultations.models``) and are checked by the models' own rules, so the file, the pages
and the API refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from consultations.models import StandardAgendaItem
from funding.models import BudgetLine
from partnership.models import Document
from partnership.models import Organisation
from partnership.models import OrganisationFact
from partnership.models import OverallGoal
from partnership.models import Partnership
from partnership.models import PriorityArea
from partnership.models import Risk
from partnership.services import AGREEMENT_TERMS
from partnership.services import DEFAULT_DONOR
from partnership.services import default_slug

FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
MAX_ITEMS = 500  # per list: a strategy has a handful of each


@dataclass(frozen=True)
class FileError:
    """One problem of a file: the line it is on, the field (its path in the file) and why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = (
            _("Line %(line)s, %(field)s") % {"line": self.line, "field": self.field}
            if self.line
            else self.field
        )
        return f"{where}: {self.reason}"


class StrategyFileError(ValidationError):
    """The file was refused, nothing stored; ``errors`` says where and why."""

    def __init__(self, errors: list[FileError]):
        self.errors = sorted(errors, key=lambda e: (e.line, e.field))
        super().__init__({"file": [str(e) for e in self.errors]})


# --- The sections and their fields ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A part of the file: the model its entries are checked as, the fields it takes (all
    are the model's, unless ``extra``), those it requires, and how an entry is named."""

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    key_fields: tuple[str, ...] = ()  # their values are unique within the file
    extra: tuple[str, ...] = ()

    def key(self, values: dict[str, Any]) -> Any:
        """What names an entry: the value of its key field, or a tuple of them."""
        if len(self.key_fields) == 1:
            return values[self.key_fields[0]]
        return tuple(values[name] for name in self.key_fields)

    @property
    def key_field(self) -> str:
        """The field a key given twice is reported at: the key's last."""
        return self.key_fields[-1]


ORGANISATION = Section(
    "organisation",
    Organisation,
    (
        "name",
        "acronym",
        "headquarters",
        "founded",
        "member_states",
        "countries_with_offices",
        "un_related_since",
        "iati_identifier",
        "citation",
    ),
    ("name", "acronym"),
    extra=("facts",),
)
FACT = Section(
    "facts", OrganisationFact, ("label", "value", "citation"), ("label", "value", "citation")
)
PARTNERSHIP = Section(
    "partnership",
    Partnership,
    (
        "title",
        "slug",
        *AGREEMENT_TERMS,
        "strategy_title",
        "strategy_date",
        "strategy_language",
        "citation",
    ),
    ("title", "start_date", "end_date", "annual_amount"),
)
PRIORITY_AREAS = Section(
    "priority_areas",
    PriorityArea,
    ("number", "title", "short_title", "description", "citation"),
    ("number", "title"),
    key_fields=("number",),
)
GOALS = Section(
    "goals",
    OverallGoal,
    (
        "number",
        "text",
        "priority_area",
        "citation",
        "indicator",
        "unit",
        "baseline_value",
        "baseline_year",
        "baseline_note",
        "baseline_citation",
        "target_value",
        "target_description",
    ),
    ("number", "text"),
    key_fields=("number",),
)
RISKS = Section(
    "risks",
    Risk,
    ("number", "title", "description", "citation"),
    ("number", "title", "description"),
    key_fields=("number",),
)
BUDGET = Section(
    "budget",
    BudgetLine,
    ("year", "component", "amount", "status", "finance_act_reference", "citation"),
    ("year", "component", "amount"),
    key_fields=("year", "component"),
)
STANDARD_AGENDA = Section(
    "standard_agenda",
    StandardAgendaItem,
    ("code", "title", "kind", "citation"),
    ("code", "title"),
    key_fields=("code",),
)
DOCUMENTS = Section(
    "documents",
    Document,
    ("kind", "title", "year", "reference", "url", "citation"),
    ("kind", "title"),
    key_fields=("kind", "title"),
)
LISTS = (PRIORITY_AREAS, GOALS, RISKS, BUDGET, STANDARD_AGENDA, DOCUMENTS)
TOP_LEVEL = ("format", "organisation", "partnership", *(s.name for s in LISTS))


@dataclass
class Entry:
    """One entry of a section: its values (typed as the model holds them), where it
    stands in the file, and the line of each of its fields."""

    values: dict[str, Any]
    path: str
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)


@dataclass
class Strategy:
    """A partnership's strategy as a file holds it, checked."""

    organisation: Entry
    facts: list[Entry]
    partnership: Entry
    priority_areas: list[Entry] = field(default_factory=list)
    goals: list[Entry] = field(default_factory=list)
    risks: list[Entry] = field(default_factory=list)
    budget: list[Entry] = field(default_factory=list)
    standard_agenda: list[Entry] = field(default_factory=list)
    documents: list[Entry] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.partnership.values["slug"]


# --- YAML, with the line of every value --------------------------------------------------------


class _Mapping(dict):
    line: int
    lines: dict[str, int]


class _Sequence(list):
    line: int
    lines: list[int]


class _RefusedError(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class _Loader(yaml.SafeLoader):
    """YAML's safe loader that keeps each value's line, reads a number with a decimal
    point as a ``Decimal`` (money is never a float), and refuses what a strategy never
    needs: aliases (which can make a small file expand without bound) and a key twice."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedError(
                event.start_mark.line + 1, _("Aliases (*name) are not read: write the value out.")
            )
        return super().compose_node(parent, index)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    result = _Mapping()
    result.line = _line(node)
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise _RefusedError(
                _line(key_node), _("%(key)s is not a field name.") % {"key": repr(key)}
            )
        if key in result:
            raise _RefusedError(
                _line(key_node), _("The field %(key)s is given twice.") % {"key": key}
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = _line(value_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _Sequence:
    result = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = _line(node)
    result.lines = [_line(child) for child in node.value]
    return result


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise _RefusedError(
            _line(node), _("%(text)s is not a number.") % {"text": repr(text)}
        ) from exc
    if not value.is_finite():
        raise _RefusedError(_line(node), _("%(text)s is not a number.") % {"text": repr(text)})
    return value


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> dt.date:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise _RefusedError(
            _line(node), _("%(value)s is not a date of the calendar.") % {"value": node.value}
        ) from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _parse(content: bytes) -> Any:
    if len(content) > MAX_BYTES:
        raise StrategyFileError(
            [
                FileError(
                    0,
                    "file",
                    _("The file is larger than %(size)s kB.") % {"size": MAX_BYTES // 1000},
                )
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StrategyFileError([FileError(0, "file", _("The file is not UTF-8 text."))]) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, see _Loader
    except _RefusedError as exc:
        raise StrategyFileError([FileError(exc.line, "file", exc.reason)]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        reason = _("This is not valid YAML: %(problem)s.") % {"problem": exc.problem or exc.context}
        raise StrategyFileError([FileError(line, "file", reason)]) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise StrategyFileError([FileError(0, "file", _("This is not valid YAML."))]) from exc


# --- Checking ----------------------------------------------------------------------------------

SCALARS = (str, int, Decimal, dt.date)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[FileError] = []

    def error(self, line: int, path: str, reason: str) -> None:
        self.errors.append(FileError(line, path, reason))

    def mapping(self, value: Any, path: str, line: int) -> _Mapping | None:
        if isinstance(value, _Mapping):
            return value
        self.error(line, path, _("Give the fields of this part (name: value, one a line)."))
        return None

    def sequence(self, value: Any, path: str, line: int) -> list[tuple[Any, int]]:
        if value is None:
            return []
        if not isinstance(value, _Sequence):
            self.error(
                line, path, _("Give a list here: one entry a line, each starting with “- ”.")
            )
            return []
        if len(value) > MAX_ITEMS:
            self.error(line, path, _("More than %(max)s entries.") % {"max": MAX_ITEMS})
            return []
        return list(zip(value, value.lines, strict=True))

    def entry(self, section: Section, raw: _Mapping, path: str) -> Entry:
        """The entry's values that are single values of its fields; what is not is reported
        (and left out, so that the model's rules check the rest)."""
        entry = Entry(values={}, path=path, line=raw.line, lines=dict(raw.lines))
        allowed = (*section.fields, *section.extra)
        for name, value in raw.items():
            if name not in allowed:
                self.error(
                    raw.lines[name],
                    f"{path}.{name}",
                    _("Not a field here; expected one of: %(allowed)s.")
                    % {"allowed": ", ".join(allowed)},
                )
            elif name in section.extra:
                continue
            elif value is not None and (isinstance(value, bool) or not isinstance(value, SCALARS)):
                self.error(raw.lines[name], f"{path}.{name}", _not_a_value(value))
            else:
                entry.values[name] = value
        for name in section.required:
            value = raw.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                self.error(
                    raw.lines.get(name, raw.line), f"{path}.{name}", _("This field is required.")
                )
        return entry

    def model_rules(
        self, section: Section, entry: Entry, *, exclude: tuple[str, ...] = (), **known: Any
    ) -> models.Model:
        """Check the entry's fields with the model's own field rules and ``clean``."""
        model = section.model
        values = {}
        for name, given in entry.values.items():
            if name in exclude:
                continue
            model_field = model._meta.get_field(name)
            value = "" if given is None and not model_field.null else given
            if isinstance(model_field, models.DateField) and not isinstance(
                value, (str, dt.date, type(None))
            ):
                self.error(
                    entry.line_of(name), f"{entry.path}.{name}", _("Give a date: 2021-01-31.")
                )
                continue
            values[name] = value
        instance = model(**values, **known)
        skip = [
            f.name for f in model._meta.fields if f.name not in values and f.attname not in values
        ]
        failed: set[str] = set()
        try:
            instance.clean_fields(exclude=skip)
        except ValidationError as error:
            self._add(entry, error, model)
            failed = set(error.error_dict)
            for name in failed:
                setattr(instance, model._meta.get_field(name).attname, None)
                values.pop(name, None)
        try:
            instance.clean()
        except ValidationError as error:
            self._add(entry, error, model, skip=failed)
        except (TypeError, ValueError, AttributeError):
            pass  # a rule across fields that one of the failed fields stops
        for name in values:
            entry.values[name] = getattr(instance, name)
        return instance

    def _add(
        self,
        entry: Entry,
        error: ValidationError,
        model: type[models.Model],
        skip: set[str] = frozenset(),
    ) -> None:
        by_field = (
            error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
        )
        for name, errors in by_field.items():
            if name in skip:
                continue
            where = entry.path if name == "__all__" else f"{entry.path}.{name}"
            for item in errors:
                message = " ".join(item.messages)
                if item.code == "invalid_choice":
                    choices = model._meta.get_field(name).choices
                    message += " " + _("Choose one of: %(choices)s.") % {
                        "choices": ", ".join(str(c[0]) for c in choices)
                    }
                self.error(entry.line_of(name), where, message)

    def unique(self, section: Section, entries: list[Entry]) -> None:
        seen: dict[Any, Entry] = {}
        for entry in entries:
            try:
                key = section.key(entry.values)
            except KeyError:
                continue
            if key in seen:
                self.error(
                    entry.line_of(section.key_field),
                    f"{entry.path}.{section.key_field}",
                    _("Given twice: also at line %(line)s.") % {"line": seen[key].line},
                )
            else:
                seen[key] = entry


def _not_a_value(value: Any) -> str:
    if isinstance(value, bool):
        return _("YAML reads yes, no, on, off, true and false as a truth value: quote the text.")
    return _("Give one value here, not a list or fields.")


def read(content: bytes) -> Strategy:
    """Read and check a strategy file; ``StrategyFileError`` lists every problem found."""
    document = _parse(content)
    check = _Checker()
    if document is None:
        raise StrategyFileError([FileError(0, "file", _("The file is empty."))])
    root = check.mapping(document, "file", 1)
    if root is None:
        raise StrategyFileError(check.errors)
    for name in root:
        if name not in TOP_LEVEL:
            check.error(
                root.lines[name],
                name,
                _("Not a part of a strategy file; expected one of: %(parts)s.")
                % {"parts": ", ".join(TOP_LEVEL)},
            )
    version = root.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        check.error(
            root.lines.get("format", 1),
            "format",
            _("Format %(version)s is not known: this is format %(format)s.")
            % {"version": repr(version), "format": FORMAT_VERSION},
        )
    organisation, facts = _organisation(check, root)
    partnership = _partnership(check, root, organisation)
    lists = {section.name: _entries(check, root, section) for section in LISTS}
    _check_lists(check, lists, partnership)
    if check.errors:
        raise StrategyFileError(check.errors)
    return Strategy(organisation=organisation, facts=facts, partnership=partnership, **lists)


def _part(check: _Checker, root: _Mapping, name: str) -> _Mapping | None:
    if name not in root:
        check.error(1, name, _("This part is required."))
        return None
    return check.mapping(root[name], name, root.lines[name])


def _organisation(check: _Checker, root: _Mapping) -> tuple[Entry, list[Entry]]:
    raw = _part(check, root, "organisation")
    if raw is None:
        return Entry(values={}, path="organisation"), []
    entry = check.entry(ORGANISATION, raw, "organisation")
    # The name is matched with the organisations already recorded, not refused as taken.
    check.model_rules(ORGANISATION, entry)
    facts = []
    line = raw.lines.get("facts", raw.line)
    for index, (item, item_line) in enumerate(
        check.sequence(raw.get("facts"), "organisation.facts", line)
    ):
        path = f"organisation.facts[{index + 1}]"
        fact_raw = check.mapping(item, path, item_line)
        if fact_raw is not None:
            fact = check.entry(FACT, fact_raw, path)
            check.model_rules(FACT, fact, order=index + 1)
            facts.append(fact)
    return entry, facts


def _partnership(check: _Checker, root: _Mapping, organisation: Entry) -> Entry:
    raw = _part(check, root, "partnership")
    if raw is None:
        return Entry(values={}, path="partnership")
    entry = check.entry(PARTNERSHIP, raw, "partnership")
    if not entry.values.get("donor"):
        entry.values["donor"] = DEFAULT_DONOR
    entry.values.setdefault("status", Partnership.Status.DRAFT)
    entry.values.setdefault("currency", "DKK")
    # Files written before the strategy's language was kept hold English strategies.
    entry.values.setdefault("strategy_language", "en")
    check.model_rules(PARTNERSHIP, entry)
    if entry.values.get("status") == Partnership.Status.CLOSED:
        check.error(
            entry.line_of("status"),
            "partnership.status",
            "A strategy file makes a draft or an active partnership, not a closed one.",
        )
    start, end = entry.values.get("start_date"), entry.values.get("end_date")
    acronym = organisation.values.get("acronym")
    if not entry.values.get("slug") and _is_date(start) and _is_date(end) and acronym:
        entry.values["slug"] = default_slug(
            donor=entry.values["donor"], acronym=acronym, start_date=start, end_date=end
        )
    return entry


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date)


def _entries(check: _Checker, root: _Mapping, section: Section) -> list[Entry]:
    entries = []
    line = root.lines.get(section.name, 1)
    for index, (item, item_line) in enumerate(check.sequence(root.get(section.name),
                                                             section.name, line)):  # fmt: skip
        path = f"{section.name}[{index + 1}]"
        raw = check.mapping(item, path, item_line)
        if raw is not None:
            entries.append(check.entry(section, raw, path))
    return entries


def _check_lists(check: _Checker, lists: dict[str, list[Entry]], partnership: Entry) -> None:
    start, end = partnership.values.get("start_date"), partnership.values.get("end_date")
    years = range(start.year, end.year + 1) if _is_date(start) and _is_date(end) else None
    areas = {e.values.get("number") for e in lists["priority_areas"]}
    for section in LISTS:
        for entry in lists[section.name]:
            exclude: tuple[str, ...] = ()
            if section is GOALS:
                exclude = ("priority_area",)
                area = entry.values.get("priority_area")
                if area is not None and area not in areas:
                    check.error(
                        entry.line_of("priority_area"),
                        f"{entry.path}.priority_area",
                        _(
                            "No priority area %(area)s in this file: give the number of one of "
                            "its priority areas."
                        )
                        % {"area": area},
                    )
            if section is BUDGET:
                entry.values.setdefault("status", BudgetLine.Status.INDICATIVE)
            check.model_rules(section, entry, exclude=exclude)
            year = entry.values.get("year")
            if section is BUDGET and years and isinstance(year, int) and year not in years:
                check.error(
                    entry.line_of("year"),
                    f"{entry.path}.year",
                    _("The agreement runs %(first)s–%(last)s.")
                    % {"first": years[0], "last": years[-1]},
                )
        check.unique(section, lists[section.name])


# --- Writing -------------------------------------------------------------------------------------


# Money is written to the cent, as the budget states it; any other number (an indicator's
# baseline or target) as the strategy states it, without the zeros its column pads it with:
# a goal's baseline of 5 is stored as 5.00 and written 5, so a file read and written again
# is the same text.
MONEY_FIELDS = frozenset({"annual_amount", "amount"})
CENT = Decimal("0.01")


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        if name in MONEY_FIELDS:
            return str(value.quantize(CENT))
        return format(value.normalize(), "f")  # "f": 5E+1 is written 50
    return value


class _Dumper(yaml.SafeDumper):
    """Block style, the fields in the models' order, long texts folded as YAML literals."""


def _represent_str(dumper: _Dumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _values(entry: Entry, section: Section) -> dict[str, Any]:
    return {
        name: _plain(name, entry.values[name])
        for name in section.fields
        if entry.values.get(name) not in (None, "")
    }


def as_data(strategy: Strategy) -> dict[str, Any]:
    organisation = _values(strategy.organisation, ORGANISATION)
    if strategy.facts:
        organisation["facts"] = [_values(f, FACT) for f in strategy.facts]
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "organisation": organisation,
        "partnership": _values(strategy.partnership, PARTNERSHIP),
    }
    for section in LISTS:
        data[section.name] = [_values(e, section) for e in getattr(strategy, section.name)]
    return data


def dump(strategy: Strategy) -> bytes:
    """The strategy as a file :func:`read` reads back to the same strategy."""
    text = yaml.dump(
        as_data(strategy), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return text.encode("utf-8")


def entries(values: Iterator[dict[str, Any]] | list[dict[str, Any]], name: str) -> list[Entry]:
    """Entries made from stored rows' values (a renewal, an export), not from a file."""
    return [Entry(values=dict(v), path=f"{name}[{i + 1}]") for i, v in enumerate(values)]
