"""What the funding shows on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from core.cards import DASHBOARD
from core.cards import Card
from core.cards import register

from . import selectors

# The dashboard shows the first years of the budget; the funding page has them all.
DASHBOARD_YEARS = 6


def dashboard(*, partnership: Any, role: str) -> dict[str, Any]:
    """The dashboard's funding card: planned, committed and disbursed a year, the first
    few years, and the totals of them all (two queries)."""
    return {"budget": selectors.budget_summary(partnership=partnership, years=DASHBOARD_YEARS)}


def register_cards() -> None:
    register(DASHBOARD, Card("funding/partials/dashboard_summary.html", dashboard, order=20))
