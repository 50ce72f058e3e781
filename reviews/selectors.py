"""Reads shared by the review pages, the API and the report.

:func:`review_report_data` gathers everything the report shows in a fixed number of
queries; ``report`` turns it into the figures attached to the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from consultations import selectors as consultation_selectors
from consultations.models import ActionPoint
from funding import selectors as funding_selectors
from funding.selectors import Budget
from partnership import selectors as partnership_selectors
from partnership.models import GoalUpdate, OverallGoal, Partnership, PriorityArea, Risk
from partnership.selectors import HeatCell

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


def next_reviews(*, partnership_ids: list[int]) -> dict[int, Review]:
    """Each partnership's next review: the one not issued that is due first (those without
    a due date last), by partnership id (one query)."""
    reviews = (
        Review.objects.filter(partnership_id__in=partnership_ids)
        .exclude(status=Review.Status.ISSUED)
        .order_by("partnership_id", F("due_date").asc(nulls_last=True), "pk")
    )
    found: dict[int, Review] = {}
    for review in reviews:
        found.setdefault(review.partnership_id, review)
    return found


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


def review_report_data(*, review_id: int, as_of: date) -> ReportData:
    """The report's data in a fixed number of queries (16), whatever the amount of data.

    ``as_of`` is the day the report speaks for: which action points are overdue.
    """
    review = Review.objects.select_related("partnership__organisation").get(pk=review_id)
    partnership = review.partnership
    risks = list(partnership_selectors.risks_with_assessments(partnership=partnership))
    return ReportData(
        review=review,
        partnership=partnership,
        sources=list(review_sources(review=review)),
        assessments=review_assessments(review=review, with_timeline=True),
        budget=funding_selectors.budget_by_year_and_component(partnership=partnership),
        risks=risks,
        heat_map=partnership_selectors.residual_heat_map(risks),
        action_points=consultation_selectors.action_points_for_report(
            partnership=partnership, as_of=as_of
        ),
        as_of=as_of,
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
