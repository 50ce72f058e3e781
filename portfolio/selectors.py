"""Reads of the portfolio: a partnership's strategy as a strategy file holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from consultations.models import StandardAgendaItem
from funding.models import BudgetLine
from partnership.models import Document, OverallGoal, Partnership, PriorityArea, Risk

from . import strategy_file
from .strategy_file import (
    BUDGET,
    DOCUMENTS,
    FACT,
    GOALS,
    ORGANISATION,
    PARTNERSHIP,
    PRIORITY_AREAS,
    RISKS,
    STANDARD_AGENDA,
    Entry,
    Section,
    Strategy,
)


def _entry(obj: object, section: Section, path: str) -> Entry:
    return Entry(values={name: getattr(obj, name) for name in section.fields}, path=path)


def _entries(objects: list, section: Section) -> list[Entry]:
    return [_entry(obj, section, f"{section.name}[{i + 1}]") for i, obj in enumerate(objects)]


def strategy_of(*, partnership: Partnership) -> Strategy:
    """The partnership's strategy as it stands now, what was retired left out, in the terms
    of a strategy file (eight queries): what a renewal copies, and what the download of its
    file holds. A goal keeps its priority area unless the area was retired."""
    organisation = partnership.organisation
    current = {"partnership": partnership, "retired_on__isnull": True}
    goals = []
    for goal in OverallGoal.objects.filter(**current).select_related("priority_area"):
        entry = _entry(goal, GOALS, f"goals[{len(goals) + 1}]")
        area = goal.priority_area
        entry.values["priority_area"] = area.number if area and not area.retired_on else None
        goals.append(entry)
    lines = BudgetLine.objects.filter(partnership=partnership).order_by("year", "component")
    return Strategy(
        organisation=_entry(organisation, ORGANISATION, "organisation"),
        facts=_entries(list(organisation.facts.all()), FACT),
        partnership=_entry(partnership, PARTNERSHIP, "partnership"),
        priority_areas=_entries(list(PriorityArea.objects.filter(**current)), PRIORITY_AREAS),
        goals=goals,
        risks=_entries(list(Risk.objects.filter(**current)), RISKS),
        budget=_entries(list(lines), BUDGET),
        standard_agenda=_entries(
            list(StandardAgendaItem.objects.filter(**current)), STANDARD_AGENDA
        ),
        documents=_entries(
            list(Document.objects.filter(partnership=partnership).order_by("pk")), DOCUMENTS
        ),
    )


def strategy_file_of(*, partnership: Partnership) -> bytes:
    """The partnership's strategy file (``strategy_of``), as a user downloads it."""
    return strategy_file.dump(strategy_of(partnership=partnership))


@dataclass(frozen=True)
class RenewalCopies:
    """What a renewal of the partnership carries over, counted."""

    priority_areas: int
    goals: int
    risks: int
    agenda_items: int
    budget_components: int


def renewal_copies(*, partnership: Partnership) -> RenewalCopies:
    """What ``services.partnership_renew`` would copy, the retired left out (one query)."""

    def count(model, field: str = "pk", **current: Any) -> Subquery:
        return Subquery(
            model.objects.filter(partnership=OuterRef("pk"), **current)
            .order_by()
            .values("partnership")
            .annotate(n=Count(field, distinct=True))
            .values("n"),
            output_field=IntegerField(),
        )

    row = (
        Partnership.objects.filter(pk=partnership.pk)
        .annotate(
            areas=Coalesce(count(PriorityArea, retired_on__isnull=True), 0),
            goal_count=Coalesce(count(OverallGoal, retired_on__isnull=True), 0),
            risk_count=Coalesce(count(Risk, retired_on__isnull=True), 0),
            agenda_count=Coalesce(count(StandardAgendaItem, retired_on__isnull=True), 0),
            components=Coalesce(count(BudgetLine, "component"), 0),
        )
        .values("areas", "goal_count", "risk_count", "agenda_count", "components")
        .get()
    )
    return RenewalCopies(
        priority_areas=row["areas"],
        goals=row["goal_count"],
        risks=row["risk_count"],
        agenda_items=row["agenda_count"],
        budget_components=row["components"],
    )
