"""Reads shared by the pages, the API and the review report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case
from django.db.models import Count
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Subquery
from django.db.models import Value
from django.db.models import When
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import history
from core.access import Capability
from core.access import roles_with

from . import access
from .history_filters import HistoryFilter
from .models import Document
from .models import GoalStatus
from .models import GoalUpdate
from .models import Membership
from .models import OrganisationFact
from .models import OverallGoal
from .models import Partnership
from .models import PriorityArea
from .models import Risk
from .models import RiskAssessment


def partnerships_with_roles(*, user: Any) -> QuerySet[Partnership]:
    """The partnerships the user belongs to (every one, for a portfolio administrator),
    newest first, each with the user's role in it as ``role`` (``None`` where they hold
    none): read in the database with the page of partnerships, not a row per membership."""
    role = Membership.objects.filter(partnership=OuterRef("pk"), user=user).values("role")[:1]
    return (
        access.partnerships.visible(user)
        .select_related("organisation")
        .annotate(role=Subquery(role))
        .order_by("-start_date", "title", "pk")
    )


def priority_areas(*, partnership: Partnership) -> QuerySet[PriorityArea]:
    """The priority areas the strategy now holds (the retired left out)."""
    return partnership.priority_areas.filter(retired_on__isnull=True)


def retired_priority_areas(*, partnership: Partnership) -> QuerySet[PriorityArea]:
    return partnership.priority_areas.filter(retired_on__isnull=False)


def organisation_facts(*, partnership: Partnership) -> QuerySet[OrganisationFact]:
    """What the strategy states about the partnership's organisation, in its order."""
    return partnership.organisation.facts.all()


def _goals(**lookup: Any) -> QuerySet[OverallGoal]:
    return (
        OverallGoal.objects.filter(**lookup)
        .select_related("partnership", "priority_area")
        .with_current_status()
        .order_by("number")
    )


def goals_with_status(*, partnership: Partnership) -> QuerySet[OverallGoal]:
    """The goals the strategy now holds, with their current status: the goal tracker and
    its totals (a retired goal leaves them)."""
    return _goals(partnership=partnership, retired_on__isnull=True)


def retired_goals(*, partnership: Partnership) -> QuerySet[OverallGoal]:
    """The goals retired from the strategy, with the status they had: their history stays."""
    return _goals(partnership=partnership, retired_on__isnull=False)


def goal_with_status(*, goal: OverallGoal) -> OverallGoal:
    """The goal, retired or not, with its current status (the ``current_*`` annotations)."""
    return _goals(pk=goal.pk).get()


def goal_status_counts(goals: list[OverallGoal]) -> list[tuple[str, str, int]]:
    """(value, label, count) per status, in the statuses' order."""
    counts = Counter(goal.current_status for goal in goals)
    return [(value, label, counts.get(value, 0)) for value, label in GoalStatus.choices]


def goal_timeline(*, goal: OverallGoal) -> QuerySet[GoalUpdate]:
    return (
        goal.updates.select_related("author")
        .prefetch_related("evidence")
        .order_by("-as_of", "-created_at", "-pk")
    )


def _risks(**lookup: Any) -> QuerySet[Risk]:
    return (
        Risk.objects.filter(**lookup)
        .select_related("partnership")
        .with_latest_assessment()
        .order_by("number")
    )


def risks_with_latest(*, partnership: Partnership) -> QuerySet[Risk]:
    """The risks the strategy now holds, with their latest ratings (the retired left out)."""
    return _risks(partnership=partnership, retired_on__isnull=True)


def _assessments() -> QuerySet[RiskAssessment]:
    """A risk's assessments, newest first, with their authors."""
    return RiskAssessment.objects.select_related("author").order_by("-as_of", "-created_at", "-pk")


# The assessments the risk list shows of each risk: the latest, with a link to the rest.
RECENT_ASSESSMENTS = 5


def risks_with_assessments(*, partnership: Partnership) -> QuerySet[Risk]:
    """Risks with their latest ratings and their whole assessment history (two queries):
    the review's report, which holds the whole register."""
    return risks_with_latest(partnership=partnership).prefetch_related(
        Prefetch("assessments", queryset=_assessments())
    )


def risks_with_recent_assessments(*, partnership: Partnership) -> QuerySet[Risk]:
    """Risks with their latest ratings, their latest assessments (``recent_assessments``,
    at most ``RECENT_ASSESSMENTS`` of each) and how many they have (``assessment_count``):
    two queries, the same rows however long their history."""
    count = (
        RiskAssessment.objects.filter(risk=OuterRef("pk"))
        .order_by()
        .values("risk")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        risks_with_latest(partnership=partnership)
        .annotate(assessment_count=Coalesce(Subquery(count), 0))
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=_assessments()[:RECENT_ASSESSMENTS],
                to_attr="recent_assessments",
            )
        )
    )


def risk_assessments(*, risk: Risk) -> QuerySet[RiskAssessment]:
    """The risk's whole assessment history, newest first (the risk's page shows it a page
    at a time)."""
    return _assessments().filter(risk=risk)


def retired_risks(*, partnership: Partnership) -> QuerySet[Risk]:
    """The risks retired from the strategy, with their latest ratings."""
    return _risks(partnership=partnership, retired_on__isnull=False)


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    risks: list[Risk]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        if self.score >= 15:
            return "high"
        if self.score >= 8:
            return "medium"
        return "low"


def residual_heat_map(risks: list[Risk]) -> list[list[HeatCell]]:
    """Rows from likelihood 5 down to 1, columns impact 1 to 5, holding the risks whose
    latest residual rating falls there. Uses the ``latest_*`` annotations."""
    grid = {(lk, im): HeatCell(lk, im, []) for lk in range(1, 6) for im in range(1, 6)}
    for risk in risks:
        if risk.latest_residual_likelihood and risk.latest_residual_impact:
            grid[(risk.latest_residual_likelihood, risk.latest_residual_impact)].risks.append(risk)
    return [[grid[(lk, im)] for im in range(1, 6)] for lk in range(5, 0, -1)]


def documents_with_use(*, partnership: Partnership) -> QuerySet[Document]:
    """The partnership's documents, each with how many goal updates cite it."""
    return (
        Document.objects.filter(partnership=partnership)
        .select_related("uploaded_by")
        .annotate(goal_update_count=Count("goal_updates"))
    )


@dataclass(frozen=True)
class EvidenceChoices:
    """What the evidence list offers: ``shown`` (at most a page of the documents that match
    the search, newest first, and those already chosen), how many match and how many the
    partnership holds."""

    shown: list[Document]
    matching: int
    total: int
    search: str = ""


# The documents the evidence list offers at once; a search finds the others.
EVIDENCE_SHOWN = 30


def _words_match(word: str) -> Q:
    """A document whose title, reference, kind (in words) or year holds the word."""
    kinds = [value for value, label in Document.Kind.choices if word in str(label).casefold()]
    match = Q(title__icontains=word) | Q(reference__icontains=word) | Q(kind__in=kinds)
    if word.isdigit():
        match |= Q(year=int(word))
    return match


def evidence_documents(
    *, partnership: Partnership, search: str = "", keep: Iterable[str] = ()
) -> EvidenceChoices:
    """The documents whose title, reference, kind or year contains every word of ``search``
    (any case), the newest ``EVIDENCE_SHOWN`` of them, and those whose id is in ``keep``
    (already chosen) first: read in the database, two queries (three with a search),
    whatever the number of documents."""
    documents = Document.objects.filter(partnership=partnership)
    total = documents.count()
    matching = documents
    for word in search.casefold().split():
        matching = matching.filter(_words_match(word))
    count = matching.count() if search.split() else total
    kept = [int(pk) for pk in keep if str(pk).isdigit()]
    shown = list(
        documents.filter(Q(pk__in=matching.values("pk")) | Q(pk__in=kept))
        .annotate(chosen=Case(When(pk__in=kept, then=Value(0)), default=Value(1)))
        .order_by("chosen", "-year", "title", "pk")[: EVIDENCE_SHOWN + len(kept)]
    )
    return EvidenceChoices(shown=shown, matching=count, total=total, search=search)


def evidence_label(document: Document) -> str:
    """How the evidence list names a document; its search matches these words."""
    parts = [document.title, document.get_kind_display(), document.reference]
    if document.year:
        parts.append(str(document.year))
    return " · ".join(part for part in parts if part)


def changes(*, partnership: Partnership, filters: HistoryFilter) -> history.Changes:
    """The changes to the partnership that the (valid) history filters select, newest
    first: a sequence a paginator pages (its count one query, a page three)."""
    return history.Changes(filters.criteria([partnership.pk]))


def members_who_can(*, partnership_id: int, capability: Capability) -> list[Any]:
    """The active members whose role may act on an object of the partnership, by name
    (one query)."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__partnership_id=partnership_id,
            memberships__role__in=roles_with(capability),
        )
        .order_by("first_name", "last_name", "username")
    )


def outside_period(
    *, partnership: Partnership, start_date: dt.date, end_date: dt.date
) -> dict[str, list[str]]:
    """The goal updates and risk assessments dated before ``start_date``: each says how
    things stood during the partnership (``check_not_before_start``), and they are
    append-only, so the agreement cannot start after the earliest of them (``core.periods``).
    One dated after the end may stand: a goal's state can be told once the agreement ended."""
    earliest = (
        Partnership.objects.filter(pk=partnership.pk)
        .values_list(
            Subquery(
                GoalUpdate.objects.filter(goal__partnership=OuterRef("pk"))
                .order_by("as_of")
                .values("as_of")[:1]
            ),
            Subquery(
                RiskAssessment.objects.filter(risk__partnership=OuterRef("pk"))
                .order_by("as_of")
                .values("as_of")[:1]
            ),
        )
        .get()
    )
    goal_update, risk_assessment = earliest
    messages = []
    if goal_update and goal_update < start_date:
        messages.append(
            _(
                "The earliest goal update is as of %(date)s: the agreement must start on "
                "that day or earlier."
            )
            % {"date": date_format(goal_update)}
        )
    if risk_assessment and risk_assessment < start_date:
        messages.append(
            _(
                "The earliest risk assessment is as of %(date)s: the agreement must start on "
                "that day or earlier."
            )
            % {"date": date_format(risk_assessment)}
        )
    return {"start_date": messages} if messages else {}
