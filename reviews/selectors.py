"""Reads shared by the review pages, the API and the report.

:func:`review_report_data` gathers everything the report shows in a fixed number of
queries; ``report`` turns it into the figures attached to the PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from consultations import selectors as consultation_selectors
from consultations.models import ActionPoint
from funding import selectors as funding_selectors
from funding.models import AssessedContribution, Disbursement
from funding.selectors import AllocationRow, Budget
from partnership import selectors as partnership_selectors
from partnership.models import GoalUpdate, OverallGoal, Partnership, PriorityArea, Risk
from partnership.selectors import HeatCell

from . import consistency
from .models import (
    DownloadLog,
    Finding,
    GoalAssessment,
    PriorityAreaAssessment,
    Recommendation,
    ReportVersion,
    Review,
    ReviewSource,
)


def reviews_for_partnership(*, partnership: Partnership) -> QuerySet[Review]:
    """Reviews with the counts their list shows (one query)."""
    return (
        Review.objects.filter(partnership=partnership)
        .annotate(
            goal_assessment_count=Count("goal_assessments", distinct=True),
            version_count=Count("versions", distinct=True),
            done_count=Count("versions", filter=Q(versions__status="done"), distinct=True),
        )
        .order_by("due_date", "kind", "pk")
    )


def reviews_due(*, partnership: Partnership) -> QuerySet[Review]:
    """The partnership's reviews in the order they are due (one query)."""
    return Review.objects.filter(partnership=partnership).order_by(
        F("due_date").asc(nulls_last=True), "kind", "pk"
    )


def goal_needs_update(*, goal: OverallGoal, issued_at: datetime) -> bool:
    """A goal fulfilled by a review issued after the goal's latest update (or a goal with
    none): its status is the desk officer's to bring up to date. Issuing never changes it."""
    issued_on = timezone.localtime(issued_at).date()
    as_of = getattr(goal, "current_as_of", None)
    return as_of is None or as_of < issued_on


def reviews_fulfilling(*, goal: OverallGoal) -> list[Review]:
    """The reviews that fulfil ``goal``, each with ``issued_at`` (its issued version's)
    and ``goal_needs_update``. One query; ``goal`` carries its current status
    (``OverallGoal.objects.with_current_status``)."""
    issued = ReportVersion.objects.filter(review=OuterRef("pk"), issued_at__isnull=False)
    reviews = list(
        Review.objects.filter(fulfils_goal=goal)
        .annotate(issued_at=Subquery(issued.values("issued_at")[:1]))
        .order_by("pk")
    )
    today = timezone.localdate()
    for review in reviews:
        review.overdue = review.is_overdue(today)
        review.goal_needs_update = review.issued_at is not None and goal_needs_update(
            goal=goal, issued_at=review.issued_at
        )
    return reviews


def review_versions(*, review: Review) -> QuerySet[ReportVersion]:
    return review.versions.select_related("requested_by", "issued_by").order_by("-number")


def review_sources(*, review: Review) -> QuerySet[ReviewSource]:
    return review.review_sources.select_related("document").order_by("pk")


@dataclass
class GoalRow:
    """An overall goal with its tracker status, the review's assessment and its timeline."""

    goal: OverallGoal
    assessment: GoalAssessment | None
    updates: list[GoalUpdate] = field(default_factory=list)


@dataclass
class PriorityAreaRow:
    area: PriorityArea
    assessment: PriorityAreaAssessment | None
    goal_numbers: list[int] = field(default_factory=list)


@dataclass
class ReviewPageData:
    goals: list[GoalRow]
    priority_areas: list[PriorityAreaRow]
    findings: list[Finding]
    recommendations: list[Recommendation]


def review_assessments(*, review: Review, with_timeline: bool = False) -> ReviewPageData:
    """The goals and priority areas of the review's partnership with the review's
    assessments of them, and its findings and recommendations.

    Six queries (eight ``with_timeline``), whatever the number of goals or updates.
    """
    goals_qs = partnership_selectors.goals_with_status(partnership=review.partnership)
    if with_timeline:
        goals_qs = goals_qs.prefetch_related(
            Prefetch(
                "updates",
                queryset=GoalUpdate.objects.select_related("author")
                .prefetch_related("evidence")
                .order_by("-as_of", "-created_at", "-pk"),
            )
        )
    goals = list(goals_qs)
    goal_assessments = {
        a.goal_id: a for a in review.goal_assessments.select_related("author").order_by()
    }
    areas = list(review.partnership.priority_areas.order_by("number"))
    area_assessments = {
        a.priority_area_id: a
        for a in review.priority_area_assessments.select_related("author").order_by()
    }
    return ReviewPageData(
        goals=[
            GoalRow(
                goal=goal,
                assessment=goal_assessments.get(goal.pk),
                updates=list(goal.updates.all()) if with_timeline else [],
            )
            for goal in goals
        ],
        priority_areas=[
            PriorityAreaRow(
                area=area,
                assessment=area_assessments.get(area.pk),
                goal_numbers=[g.number for g in goals if g.priority_area_id == area.pk],
            )
            for area in areas
        ],
        findings=list(review.findings.order_by("number")),
        recommendations=list(review.recommendations.select_related("finding").order_by("number")),
    )


@dataclass
class ReportData:
    """Everything the report of a review shows."""

    review: Review
    partnership: Partnership
    sources: list[ReviewSource]
    assessments: ReviewPageData
    budget: Budget
    risks: list[Risk]
    heat_map: list[list[HeatCell]]
    action_points: list[ActionPoint]
    as_of: date
    # The annexes: what lies behind the budget, and the goal tracker's every update.
    payments: list[Disbursement] = field(default_factory=list)
    allocations: list[AllocationRow] = field(default_factory=list)
    assessed_contributions: list[AssessedContribution] = field(default_factory=list)
    # What the consistency checks found (``consistency.CHECKS``), each check in order.
    checks: consistency.CheckResults = field(default_factory=consistency.CheckResults)

    @property
    def timeline(self) -> list[tuple[OverallGoal, GoalUpdate]]:
        """Every goal update, oldest first: the goal tracker as it was kept."""
        pairs = [(row.goal, update) for row in self.assessments.goals for update in row.updates]
        return sorted(pairs, key=lambda pair: (pair[1].as_of, pair[1].created_at, pair[1].pk))

    # What the summary shows: derived from the rows above, no query of its own.
    TOP_FINDINGS = 3

    @property
    def top_findings(self) -> list[Finding]:
        """The review's first findings, in their order: the ones the summary leads with."""
        return self.assessments.findings[: self.TOP_FINDINGS]

    @property
    def open_action_points(self) -> list[ActionPoint]:
        """Open action points, overdue ones first, then by due date."""
        points = [p for p in self.action_points if p.status == ActionPoint.Status.OPEN]
        return sorted(points, key=lambda p: (not p.overdue, p.due_date or date.max, p.pk))

    @property
    def update_count(self) -> int:
        return sum(len(row.updates) for row in self.assessments.goals)

    @property
    def risk_assessment_count(self) -> int:
        return sum(len(risk.assessments.all()) for risk in self.risks)


def file_sha256(file: Any) -> str | None:
    """The SHA-256 of a stored file (read in chunks); None where there is no file, or it
    is missing from the storage."""
    if not file:
        return None
    digest = hashlib.sha256()
    try:
        with default_storage.open(file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def sources_with_hashes(*, review: Review) -> list[ReviewSource]:
    """The review's sources, each document with ``sha256``: of its stored file, or None
    (a link, or a document recorded without its file). One query, and a read per file."""
    sources = list(review_sources(review=review))
    for source in sources:
        source.document.sha256 = file_sha256(source.document.file)
    return sources


def review_report_data(*, review_id: int, as_of: date) -> ReportData:
    """The report's data in a fixed number of queries (19), whatever the amount of data.

    ``as_of`` is the day the report speaks for: which action points are overdue.
    """
    review = Review.objects.select_related("partnership__organisation").get(pk=review_id)
    partnership = review.partnership
    risks = list(partnership_selectors.risks_with_assessments(partnership=partnership))
    payments = funding_selectors.disbursements_of_partnership(partnership=partnership)
    data = ReportData(
        review=review,
        partnership=partnership,
        sources=sources_with_hashes(review=review),
        assessments=review_assessments(review=review, with_timeline=True),
        budget=funding_selectors.budget_by_year_and_component(partnership=partnership),
        risks=risks,
        heat_map=partnership_selectors.residual_heat_map(risks),
        action_points=consultation_selectors.action_points_for_report(
            partnership=partnership, as_of=as_of
        ),
        as_of=as_of,
        payments=list(payments.order_by("value_date", "pk")),
        allocations=funding_selectors.allocations_with_countries(partnership=partnership),
        assessed_contributions=list(
            funding_selectors.assessed_contributions(partnership=partnership)
        ),
    )
    data.checks = consistency.run_checks(
        consistency.CheckInput(
            review=review,
            goals=data.assessments.goals,
            priority_areas=data.assessments.priority_areas,
            years=data.budget.years,
            payments=data.payments,
            action_points=data.action_points,
            period_end=review.period_end or as_of,
            currency=partnership.currency,
        )
    )
    return data


def review_checks(
    *, review: Review, assessments: ReviewPageData, as_of: date
) -> consistency.CheckResults:
    """The consistency checks of the review as its page shows them, given the page's
    assessments: three queries (the budget per year, the payments without a recorded
    rate, the action points overdue at the end of the period)."""
    partnership = review.partnership
    period_end = review.period_end or as_of
    return consistency.run_checks(
        consistency.CheckInput(
            review=review,
            goals=assessments.goals,
            priority_areas=assessments.priority_areas,
            years=funding_selectors.budget_totals_by_year(partnership=partnership).years,
            payments=list(funding_selectors.foreign_payments_without_rate(partnership=partnership)),
            action_points=consultation_selectors.action_points_overdue_on(
                partnership=partnership, day=period_end
            ),
            period_end=period_end,
            currency=partnership.currency,
        )
    )


def next_version_number(*, review: Review) -> int:
    """The number the review's next report version gets (one query)."""
    return (review.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def download_log(*, partnership: Partnership) -> QuerySet[DownloadLog]:
    return (
        DownloadLog.objects.filter(version__review__partnership=partnership)
        .select_related("user", "version__review")
        .order_by("-at", "-pk")
    )


def issued_version(*, review_id: int) -> ReportVersion | None:
    """The review's issued report version, if it has one."""
    return (
        ReportVersion.objects.filter(review_id=review_id, issued_at__isnull=False)
        .select_related("issued_by")
        .first()
    )


def report_version_by_sha256(*, partnership: Partnership, sha256: str) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(
            review__partnership=partnership, status=ReportVersion.Status.DONE, sha256=sha256
        )
        .select_related("review", "requested_by", "issued_by")
        .first()
    )
