"""Reads shared by the review pages, the API and the report.

:func:`review_report_data` gathers everything the report shows in a fixed number of
queries; :func:`report_figures` turns it into the machine-readable figures that are
attached to the PDF (JSON and CSV) and whose SHA-256 the footer prints.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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

FIGURES_SCHEMA = "partnership-monitor/review-figures/1"


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


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _assessment(assessment: GoalAssessment | PriorityAreaAssessment | None) -> dict | None:
    if assessment is None:
        return None
    return {"rating": assessment.rating, "narrative": assessment.narrative}


def _budget_figures(budget: Budget) -> dict[str, Any]:
    return {
        "currency": budget.currency,
        "years": [
            {
                "year": year.year,
                "annual_amount": _text(year.annual_amount),
                "planned": _text(year.planned),
                "committed": _text(year.committed),
                "disbursed": _text(year.disbursed),
                "lines": [
                    {
                        "component": cell.component,
                        "status": cell.status,
                        "finance_act_reference": cell.line.finance_act_reference,
                        "planned": _text(cell.planned),
                        "committed": _text(cell.committed),
                        "disbursed": _text(cell.disbursed),
                        "citation": cell.line.citation,
                    }
                    for cell in year.cells
                ],
            }
            for year in budget.years
        ],
    }


def report_figures(data: ReportData) -> dict[str, Any]:
    """The review's figures and texts as plain JSON-ready data, in a stable order."""
    partnership, review = data.partnership, data.review
    return {
        "schema": FIGURES_SCHEMA,
        "partnership": {
            "slug": partnership.slug,
            "title": partnership.title,
            "donor": partnership.donor,
            "organisation": partnership.organisation.name,
            "start_date": _text(partnership.start_date),
            "end_date": _text(partnership.end_date),
            "annual_amount": _text(partnership.annual_amount),
            "currency": partnership.currency,
            "citation": partnership.citation,
        },
        "review": {
            "id": review.pk,
            "kind": review.kind,
            "title": review.title,
            "status": review.status,
            "period_start": _text(review.period_start),
            "period_end": _text(review.period_end),
            "due_date": _text(review.due_date),
            "due_description": review.due_description,
            "citation": review.citation,
        },
        "sources": [
            {
                "title": source.document.title,
                "kind": source.document.kind,
                "year": source.document.year,
                "reference": source.document.reference,
                "note": source.note,
                "citation": source.citation or source.document.citation,
            }
            for source in data.sources
        ],
        "priority_areas": [
            {
                "number": row.area.number,
                "title": row.area.title,
                "goals": row.goal_numbers,
                "assessment": _assessment(row.assessment),
            }
            for row in data.assessments.priority_areas
        ],
        "goals": [
            {
                "number": row.goal.number,
                "text": row.goal.text,
                "citation": row.goal.citation,
                "current_status": row.goal.current_status,
                "indicator": row.goal.indicator,
                "unit": row.goal.unit,
                "baseline_value": _text(row.goal.baseline_value),
                "baseline_year": row.goal.baseline_year,
                "target_value": _text(row.goal.target_value),
                "target_description": row.goal.target_description,
                "assessment": _assessment(row.assessment),
                "updates": [
                    {
                        "as_of": _text(update.as_of),
                        "status": update.status,
                        "actual_value": _text(update.actual_value),
                        "narrative": update.narrative,
                        "evidence": [doc.title for doc in update.evidence.all()],
                    }
                    for update in row.updates
                ],
            }
            for row in data.assessments.goals
        ],
        "risks": [
            {
                "number": risk.number,
                "title": risk.title,
                "citation": risk.citation,
                "assessments": [
                    {
                        "as_of": _text(a.as_of),
                        "likelihood": a.likelihood,
                        "impact": a.impact,
                        "residual_likelihood": a.residual_likelihood,
                        "residual_impact": a.residual_impact,
                        "response": a.response,
                    }
                    for a in risk.assessments.all()
                ],
            }
            for risk in data.risks
        ],
        "budget": _budget_figures(data.budget),
        "action_points": [
            {
                "consultation_year": point.consultation.year,
                "agenda_item": point.agenda_item.title if point.agenda_item else None,
                "description": point.description,
                "owner": point.owner,
                "due_date": _text(point.due_date),
                "status": point.status,
                "overdue": point.overdue,
                "goals": [goal.number for goal in point.goals.all()],
                "risks": [risk.number for risk in point.risks.all()],
            }
            for point in data.action_points
        ],
        "as_of": _text(data.as_of),
        "findings": [{"number": f.number, "text": f.text} for f in data.assessments.findings],
        "recommendations": [
            {
                "number": r.number,
                "text": r.text,
                "finding": r.finding.number if r.finding else None,
            }
            for r in data.assessments.recommendations
        ],
    }


def figures_json(figures: dict[str, Any]) -> bytes:
    """Canonical JSON: the same data gives the same bytes, and so the same SHA-256."""
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def figures_sha256(figures: dict[str, Any]) -> str:
    return hashlib.sha256(figures_json(figures)).hexdigest()


CSV_COLUMNS = ["section", "item", "measure", "value", "unit", "as_of"]


def figures_csv(figures: dict[str, Any]) -> bytes:
    """The figures in long form, one value a row, for a spreadsheet."""
    rows: list[list[Any]] = []
    for goal in figures["goals"]:
        item = f"Goal {goal['number']}"
        rows.append(["goal", item, "current_status", goal["current_status"], "", ""])
        if goal["assessment"]:
            rows.append(["goal", item, "assessment", goal["assessment"]["rating"], "", ""])
        if goal["baseline_value"] is not None:
            rows.append(
                [
                    "goal",
                    item,
                    "baseline",
                    goal["baseline_value"],
                    goal["unit"],
                    goal["baseline_year"],
                ]
            )
        if goal["target_value"] is not None:
            rows.append(["goal", item, "target", goal["target_value"], goal["unit"], ""])
        rows.extend(
            ["goal_update", item, "status", update["status"], "", update["as_of"]]
            for update in goal["updates"]
        )
        rows.extend(
            [
                "goal_update",
                item,
                "actual_value",
                update["actual_value"],
                goal["unit"],
                update["as_of"],
            ]
            for update in goal["updates"]
            if update["actual_value"] is not None
        )
    rows.extend(
        [
            "priority_area",
            f"Priority area {area['number']}",
            "assessment",
            area["assessment"]["rating"],
            "",
            "",
        ]
        for area in figures["priority_areas"]
        if area["assessment"]
    )
    for year in figures["budget"]["years"]:
        for line in year["lines"]:
            rows.extend(
                [
                    "budget",
                    f"{year['year']} {line['component']}",
                    measure,
                    line[measure],
                    figures["budget"]["currency"],
                    "",
                ]
                for measure in ("planned", "committed", "disbursed")
            )
    rows.extend(
        [
            "action_point",
            f"{point['consultation_year']}: {point['description']}",
            "status",
            "overdue" if point["overdue"] else point["status"],
            "",
            point["due_date"],
        ]
        for point in figures["action_points"]
    )
    for risk in figures["risks"]:
        item = f"Risk {risk['number']}"
        for assessment in risk["assessments"]:
            rows.extend(
                ["risk", item, measure, assessment[measure], "1–5", assessment["as_of"]]
                for measure in ("likelihood", "impact", "residual_likelihood", "residual_impact")
            )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def issue_consequences(*, version: ReportVersion, issuer: Any) -> list[str]:
    """What issuing the review's report from ``version`` will do, in sentences (the
    confirmation page says them before anything is done)."""
    from .templatetags.review_tags import utc_date

    review = version.review
    number = (review.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    name = issuer.get_full_name() or issuer.username
    lines = [
        f"Render version {number} of the report from the review's data as it stands now, "
        f"as the issued report: its cover and every page say it was issued by {name} on "
        f"{utc_date(timezone.now())}. Version {version.number}, the draft, stays a draft.",
        "Make the review issued as soon as that file is stored. The issued file never "
        "changes, and no further version of the report is rendered.",
        "Lock the review's assessments, findings, recommendations and sources from now on.",
    ]
    goal = review.fulfils_goal
    if goal is not None:
        lines.append(
            f"Leave the status of overall goal {goal.number} as it is: once the report is "
            "issued, the goal's page asks you to update it."
        )
    return lines


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
