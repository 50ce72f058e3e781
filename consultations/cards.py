"""What the consultations show on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.cards import GOAL
from core.cards import RISK
from core.cards import Card
from core.cards import register

from . import selectors


def goal(*, goal: Any) -> dict[str, Any]:
    """The first action points and notes linked to a goal, with how many (two queries)."""
    return {
        "linked": selectors.linked_to_goal(goal=goal),
        "kind": "goal",
        "link": reverse("consultations:goal-linked", args=[goal.partnership.slug, goal.number]),
    }


def risk(*, risk: Any) -> dict[str, Any]:
    """The first action points and notes linked to a risk, with how many (two queries)."""
    return {
        "linked": selectors.linked_to_risk(risk=risk),
        "kind": "risk",
        "link": reverse("consultations:risk-linked", args=[risk.partnership.slug, risk.number]),
    }


def register_cards() -> None:
    register(GOAL, Card("consultations/includes/linked.html", goal, order=20))
    register(RISK, Card("consultations/includes/linked.html", risk, order=20))
