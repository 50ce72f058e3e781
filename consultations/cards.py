"""What the consultations show on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from core.cards import GOAL, RISK, Card, register

from . import selectors


def goal(*, goal: Any) -> dict[str, Any]:
    """The action points and notes linked to a goal (two queries)."""
    return {"linked": selectors.linked_to_goal(goal=goal), "kind": "goal"}


def risk(*, risk: Any) -> dict[str, Any]:
    """The action points and notes linked to a risk (two queries)."""
    return {"linked": selectors.linked_to_risk(risk=risk), "kind": "risk"}


def register_cards() -> None:
    register(GOAL, Card("consultations/includes/linked.html", goal, order=20))
    register(RISK, Card("consultations/includes/linked.html", risk, order=20))
