"""What the funding shows on the partnership's pages (``core.cards``)."""

from __future__ import annotations

from typing import Any

from core.cards import DASHBOARD, Card, register

from . import selectors


def dashboard(*, partnership: Any, role: str) -> dict[str, Any]:
    """The dashboard's funding card: planned, committed and disbursed a year (one query)."""
    return {"budget": selectors.budget_totals_by_year(partnership=partnership)}


def register_cards() -> None:
    register(DASHBOARD, Card("funding/partials/dashboard_summary.html", dashboard, order=20))
