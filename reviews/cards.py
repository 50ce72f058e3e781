"""What the reviews show on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models import Window
from django.utils import timezone

from core.cards import DASHBOARD
from core.cards import GOAL
from core.cards import Card
from core.cards import register

from . import selectors

# The dashboard shows the first reviews due; the review list has them all, paged.
DASHBOARD_REVIEWS = 6


def dashboard(*, partnership: Any, role: str) -> dict[str, Any]:
    """The dashboard's reviews: the first due, when each is due and which are overdue, and
    how many there are (one query)."""
    reviews = list(
        selectors.reviews_due(partnership=partnership).annotate(total=Window(Count("pk")))[
            :DASHBOARD_REVIEWS
        ]
    )
    return {
        "reviews": reviews,
        "review_count": reviews[0].total if reviews else 0,
        "today": timezone.localdate(),
    }


def goal(*, goal: Any) -> dict[str, Any]:
    """On a goal's page: the reviews whose carrying out fulfils it (one query)."""
    return {"fulfilling": selectors.reviews_fulfilling(goal=goal)}


def register_cards() -> None:
    register(DASHBOARD, Card("reviews/includes/dashboard_reviews.html", dashboard, order=10))
    register(GOAL, Card("reviews/includes/goal_reviews.html", goal, order=10))
