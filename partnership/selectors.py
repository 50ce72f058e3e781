"""Reads shared by the pages, the API and the review report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .models import GoalStatus, GoalUpdate, OverallGoal, Partnership, Risk, RiskAssessment


def goals_with_status(*, partnership: Partnership) -> QuerySet[OverallGoal]:
    return (
        OverallGoal.objects.filter(partnership=partnership)
        .select_related("partnership", "priority_area")
        .with_current_status()
        .order_by("number")
    )


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


def risks_with_latest(*, partnership: Partnership) -> QuerySet[Risk]:
    return (
        Risk.objects.filter(partnership=partnership)
        .select_related("partnership")
        .with_latest_assessment()
        .order_by("number")
    )


def risks_with_assessments(*, partnership: Partnership) -> QuerySet[Risk]:
    """Risks with their latest ratings and their whole assessment history (two queries)."""
    return risks_with_latest(partnership=partnership).prefetch_related(
        Prefetch(
            "assessments",
            queryset=RiskAssessment.objects.select_related("author").order_by(
                "-as_of", "-created_at", "-pk"
            ),
        )
    )


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
