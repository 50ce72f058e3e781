"""Writes of the portfolio: a partnership's strategy stored from a strategy file (users'
files and the seed alike), and the renewal of a strategy for the next period.

Each is atomic: all of a strategy is stored, or nothing. The rows are written through the
services of the apps that own them (the partnership record, funding, consultations), so
their rules and history hold as for any other write.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from consultations import services as consultation_services
from funding import services as funding_services
from funding.models import BudgetLine
from partnership import services as partnership_services
from partnership.models import Organisation
from partnership.models import Partnership

from . import selectors
from . import strategy_file
from .strategy_file import Entry
from .strategy_file import FileError
from .strategy_file import Strategy
from .strategy_file import StrategyFileError


@dataclass
class Saved:
    """What storing a strategy did: the partnership, and whether its organisation was
    recorded already (then used as it stands)."""

    partnership: Partnership
    organisation_existed: bool


@contextmanager
def _at(entry: Entry) -> Iterator[None]:
    """A service's refusal of an entry, reported at the entry's place in the file."""
    try:
        yield
    except ValidationError as error:
        raise StrategyFileError(
            [
                FileError(
                    entry.line_of(name),
                    entry.path if name == "__all__" else f"{entry.path}.{name}",
                    message,
                )
                for name, messages in getattr(
                    error, "message_dict", {"__all__": error.messages}
                ).items()
                for message in messages
            ]
        ) from error


def _organisation(strategy: Strategy, by: Any, reason: str) -> tuple[Organisation, bool]:
    values = strategy.organisation.values
    organisation = Organisation.objects.filter(name__iexact=values["name"]).first()
    existed = organisation is not None
    if organisation is None:
        with _at(strategy.organisation):
            organisation = partnership_services.organisation_create(by=by, reason=reason, **values)
    known = set(organisation.facts.values_list("label", "value"))
    for fact in strategy.facts:
        if (fact.values["label"], fact.values["value"]) not in known:
            with _at(fact):
                partnership_services.organisation_fact_create(
                    organisation=organisation, by=by, reason=reason, **fact.values
                )
    return organisation, existed


@transaction.atomic
def strategy_save(
    *, strategy: Strategy, by: Any, reason: str, keep_existing: bool = False
) -> Saved:
    """Store a checked strategy (``strategy_file.read``): the organisation (one already
    recorded under the name is used as it stands, with the facts it lacks added), the
    partnership and everything it holds.

    A partnership whose slug is taken is refused at ``partnership.slug``, unless
    ``keep_existing`` (the seed, loaded again): then it and every entry already stored
    (matched by number, year and component, code, or kind and title) are left as users
    have edited them, and only what is missing is added.
    """
    organisation, existed = _organisation(strategy, by, reason)
    values = dict(strategy.partnership.values)
    partnership = Partnership.objects.filter(slug=values["slug"]).first()
    if partnership is not None and not keep_existing:
        raise StrategyFileError(
            [
                FileError(
                    strategy.partnership.line_of("slug"),
                    "partnership.slug",
                    _(
                        "The slug %(slug)s is taken by “%(title)s”: give this partnership a "
                        "slug of its own."
                    )
                    % {"slug": values["slug"], "title": partnership.title},
                )
            ]
        )
    if partnership is None:
        with _at(strategy.partnership):
            partnership = partnership_services.partnership_create(
                by=by, organisation=organisation, reason=reason, **values
            )
    _save_record(strategy, partnership, by, reason)
    _save_budget_and_agenda(strategy, partnership, by, reason)
    return Saved(partnership=partnership, organisation_existed=existed)


def _add_missing(
    section: strategy_file.Section,
    entries: list[Entry],
    stored: Collection[Any],
    create: Callable[..., Any],
    **arguments: Any,
) -> list[Any]:
    """What ``create`` makes of each entry of the section whose key is not among those
    ``stored`` (with the ``arguments`` and the entry's values; a refusal reported at the
    entry)."""
    made = []
    for entry in entries:
        if section.key(entry.values) not in stored:
            with _at(entry):
                made.append(create(**arguments, **entry.values))
    return made


def _save_record(strategy: Strategy, partnership: Partnership, by: Any, reason: str) -> None:
    new = {"partnership": partnership, "by": by, "reason": reason}
    areas = {area.number: area for area in partnership.priority_areas.all()}
    for area in _add_missing(
        strategy_file.PRIORITY_AREAS,
        strategy.priority_areas,
        areas,
        partnership_services.priority_area_create,
        **new,
    ):
        areas[area.number] = area
    goals = set(partnership.goals.values_list("number", flat=True))
    for entry in strategy.goals:
        if strategy_file.GOALS.key(entry.values) in goals:
            continue
        values = dict(entry.values)
        area = values.pop("priority_area", None)
        with _at(entry):
            partnership_services.goal_create(
                **new, priority_area=areas[area] if area is not None else None, **values
            )
    _add_missing(
        strategy_file.RISKS,
        strategy.risks,
        set(partnership.risks.values_list("number", flat=True)),
        partnership_services.risk_create,
        **new,
    )
    _add_missing(
        strategy_file.DOCUMENTS,
        strategy.documents,
        set(partnership.documents.values_list("kind", "title")),
        partnership_services.document_reference_create,
        **new,
    )


def _save_budget_and_agenda(
    strategy: Strategy, partnership: Partnership, by: Any, reason: str
) -> None:
    new = {"partnership": partnership, "by": by, "reason": reason}
    _add_missing(
        strategy_file.BUDGET,
        strategy.budget,
        set(partnership.budget_lines.values_list("year", "component")),
        funding_services.budget_line_create,
        **new,
    )
    _add_missing(
        strategy_file.STANDARD_AGENDA,
        strategy.standard_agenda,
        set(partnership.standard_agenda.values_list("code", flat=True)),
        consultation_services.standard_agenda_item_create,
        **new,
    )


def strategy_import(*, content: bytes, filename: str, by: Any) -> Saved:
    """A new partnership from a user's strategy file: every problem of the file is
    reported with its line and field (``StrategyFileError``), and nothing is stored
    unless all of it can be."""
    strategy = strategy_file.read(content)
    return strategy_save(
        strategy=strategy, by=by, reason=f"Loaded from the strategy file {filename[:60]}"
    )


# --- Renewal ---------------------------------------------------------------------------------


def _with_new_years(text: str, old: Partnership, start: date, end: date) -> str:
    """The text with the old period's years put as the new period's (``IOM 2018–2020`` →
    ``IOM 2021–2025``); empty when the text does not name the old period."""
    for dash in ("–", "-", "/"):
        years = f"{old.start_date.year}{dash}{old.end_date.year}"
        if years in text:
            return text.replace(years, f"{start.year}{dash}{end.year}")
    return ""


def _carried_budget(old: Partnership, start: date, end: date) -> list[Entry]:
    """Each component of the old budget at its last year's amount, as an indicative line for
    each year of the new period: the table Parliament is then asked to approve."""
    last: dict[str, BudgetLine] = {}
    for line in old.budget_lines.order_by("year"):
        last[line.component] = line
    entries = []
    for year in range(start.year, end.year + 1):
        for component, line in sorted(last.items()):
            entries.append(
                Entry(
                    values={
                        "year": year,
                        "component": component,
                        "amount": line.amount,
                        "status": BudgetLine.Status.INDICATIVE,
                        "citation": f"Carried over from {old.title}, {line.year}",
                    },
                    path=f"budget[{len(entries) + 1}]",
                )
            )
    return entries


@transaction.atomic
def partnership_renew(
    *,
    partnership: Partnership,
    by: Any,
    start_date: date,
    end_date: date,
    title: str = "",
    slug: str = "",
    annual_amount: Decimal | None = None,
    strategy_title: str = "",
    strategy_date: str = "",
    strategy_document: UploadedFile | None = None,
) -> Partnership:
    """A draft partnership for the period after ``partnership``'s, with a copy of its
    priority areas, goals (with their indicators), risks, standard agenda and budget
    components (each at its last year's amount, indicative, for every new year); nothing
    that happened under it (updates, assessments, payments, consultations, reviews,
    documents) is carried over. Its title and slug follow the old ones with the new years
    unless given."""
    old = Partnership.objects.select_for_update().get(pk=partnership.pk)
    renewal = old.renewals.first()
    if renewal is not None:
        raise ValidationError(
            {
                "start_date": _("%(old)s was renewed already, as “%(title)s”.")
                % {"old": old.title, "title": renewal.title}
            }
        )
    if start_date and start_date <= old.end_date:
        raise ValidationError(
            {
                "start_date": _("The next period starts after this one ends (%(end)s).")
                % {"end": date_format(old.end_date)}
            }
        )
    strategy = selectors.strategy_of(partnership=old)
    values = strategy.partnership.values
    values.update(
        title=title.strip()
        or _with_new_years(old.title, old, start_date, end_date)
        or f"{old.title} ({start_date.year}–{end_date.year})"[:300],
        slug=slug.strip() or _with_new_years(old.slug, old, start_date, end_date),
        start_date=start_date,
        end_date=end_date,
        annual_amount=old.annual_amount if annual_amount is None else annual_amount,
        status=Partnership.Status.DRAFT,
        funding_note="",
        signature_date=None,
        mid_term_review_due="",
        strategy_title=strategy_title.strip(),
        strategy_date=strategy_date.strip(),
        citation="",
        previous=old,
        strategy_document=strategy_document,
    )
    strategy.budget = _carried_budget(old, start_date, end_date)
    strategy.documents = []
    try:
        saved = strategy_save(strategy=strategy, by=by, reason=f"Renewed from {old.title}"[:100])
    except StrategyFileError as error:
        # The copy is of stored rows: what is refused is the new period's own fields.
        raise ValidationError(
            {
                e.field.removeprefix("partnership.")
                if e.field.startswith("partnership.")
                else "__all__": e.reason
                for e in error.errors
            }
        ) from error
    return saved.partnership
